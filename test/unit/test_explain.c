/* explain: target parsing and resolution, selecting policies, every
 * "not selected" reason and its message, findings, on models built in C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/coverage.h"
#include "netpol/explain.h"
#include "netpol/selector.h"

/* ---- model building ---- */

static void set_labels(struct np_model *m, struct np_labels *l, const char *spec)
{
	char buf[512], *save = NULL, *tok;
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	if (!spec || !*spec)
		return;
	l->keys = np_model_alloc(m, 16 * sizeof(char *));
	l->values = np_model_alloc(m, 16 * sizeof(char *));
	assert_non_null(l->keys);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok && n < 16; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		assert_non_null(eq);
		*eq = '\0';
		l->keys[n] = np_model_str(m, tok);
		l->values[n] = np_model_str(m, eq + 1);
		n++;
	}
	l->n = n;
}

static struct np_pod *add_pod(struct np_model *m, const char *ns, const char *name,
			      const char *labels, const char *owner_kind, const char *owner_name)
{
	struct np_pod *p = np_model_push_pod(m);

	assert_non_null(p);
	p->namespace = np_model_str(m, ns);
	p->name = np_model_str(m, name);
	set_labels(m, &p->labels, labels);
	p->phase = np_model_str(m, "Running");
	if (owner_kind) {
		p->has_owner = true;
		p->owner.kind = np_model_str(m, owner_kind);
		p->owner.api_group = np_model_str(m, "apps");
		p->owner.name = np_model_str(m, owner_name);
	}
	return p;
}

static struct np_workload *add_workload(struct np_model *m, const char *ns, const char *kind,
					enum np_workload_kind wk, const char *name, const char *tlabels)
{
	struct np_workload *w = np_model_push_workload(m);

	assert_non_null(w);
	w->wkind = wk;
	w->kind = np_model_str(m, kind);
	w->api_group = np_model_str(m, "apps");
	w->namespace = np_model_str(m, ns);
	w->name = np_model_str(m, name);
	set_labels(m, &w->template_labels, tlabels);
	w->desired = w->ready = -1;
	return w;
}

static struct np_netpol *add_np(struct np_model *m, const char *ns, const char *name,
				const char *sel, unsigned types)
{
	struct np_netpol *np = np_model_push_netpol(m);
	struct np_error err;

	assert_non_null(np);
	np->namespace = np_model_str(m, ns);
	np->name = np_model_str(m, name);
	np->api_version = np_model_str(m, "networking.k8s.io/v1");
	np->spec_present = true;
	assert_int_equal(np_selector_parse(&np->pod_selector, m, sel, &err), 0);
	np->types_raw = types ? NP_RAW_ARRAY : NP_RAW_ABSENT;
	np->types_written = types;
	np->types_effective = np_netpol_effective_types(np);
	return np;
}

static struct np_xpolicy *add_xp(struct np_model *m, enum np_xpolicy_kind xk, const char *kind,
				 const char *group, const char *ns, const char *name)
{
	struct np_xpolicy *x = np_model_push_xpolicy(m);

	assert_non_null(x);
	x->xkind = xk;
	x->kind = np_model_str(m, kind);
	x->api_group = np_model_str(m, group);
	x->namespace = ns ? np_model_str(m, ns) : NULL;
	x->name = np_model_str(m, name);
	x->priority = -1;
	return x;
}

struct fixture {
	struct np_model m;
	struct np_coverage cov;
	struct np_explanation e;
	struct np_scope scope;
	struct np_report r;
	struct np_error err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	np_model_init(&f->m);
	np_report_init(&f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	np_explanation_release(&f->e);
	np_coverage_release(&f->cov);
	np_report_release(&f->r);
	np_model_release(&f->m);
	free(f);
	return 0;
}

static void finish(struct fixture *f)
{
	np_error_clear(&f->err);
	assert_int_equal(np_model_finish(&f->m, &f->err), 0);
	assert_int_equal(np_coverage_build(&f->cov, &f->m, &f->scope, false, &f->err), 0);
}

/* Explains text (after finishing the model); returns np_explain_build's code. */
static int explain(struct fixture *f, const char *text, const char *default_ns,
		   const struct np_report *r)
{
	struct np_explain_target t;

	finish(f);
	assert_int_equal(np_explain_target_parse(&t, text, &f->err), 0);
	np_explanation_release(&f->e);
	return np_explain_build(&f->e, &f->m, &f->cov, r, &t, default_ns, &f->err);
}

static const struct np_explain_reason *reason(const struct np_explain_subject *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_not_selecting; i++)
		if (strcmp(s->not_selecting[i].name, name) == 0)
			return &s->not_selecting[i];
	return NULL;
}

/* ---- target parsing ---- */

static void test_target_pod_alone(void **state)
{
	struct np_explain_target t;

	(void)state;
	assert_int_equal(np_explain_target_parse(&t, "web-1", NULL), 0);
	assert_null(t.namespace);
	assert_string_equal(t.kind, "Pod");
	assert_string_equal(t.name, "web-1");
}

static void test_target_namespace_and_pod(void **state)
{
	struct np_explain_target t;

	(void)state;
	assert_int_equal(np_explain_target_parse(&t, "shop/web-1", NULL), 0);
	assert_string_equal(t.namespace, "shop");
	assert_string_equal(t.kind, "Pod");
	assert_string_equal(t.name, "web-1");
}

static void test_target_kind_and_name(void **state)
{
	struct np_explain_target t;

	(void)state;
	assert_int_equal(np_explain_target_parse(&t, "deploy/web", NULL), 0);
	assert_null(t.namespace);
	assert_string_equal(t.kind, "Deployment");
	assert_string_equal(t.name, "web");
}

static void test_target_namespace_kind_and_name(void **state)
{
	struct np_explain_target t;

	(void)state;
	assert_int_equal(np_explain_target_parse(&t, "shop/sts/db", NULL), 0);
	assert_string_equal(t.namespace, "shop");
	assert_string_equal(t.kind, "StatefulSet");
	assert_string_equal(t.name, "db");
}

static void test_target_short_names_and_spellings(void **state)
{
	static const struct { const char *text, *kind; } cases[] = {
		{ "po/x", "Pod" },          { "pods/x", "Pod" },           { "deploy/x", "Deployment" },
		{ "Deployment/x", "Deployment" }, { "deployments.apps/x", "Deployment" },
		{ "sts/x", "StatefulSet" }, { "ds/x", "DaemonSet" },       { "daemonsets/x", "DaemonSet" },
		{ "rs/x", "ReplicaSet" },   { "rc/x", "ReplicationController" },
		{ "job/x", "Job" },         { "jobs.batch/x", "Job" },     { "cj/x", "CronJob" },
		{ "CRONJOBS/x", "CronJob" },
	};
	struct np_explain_target t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(np_explain_target_parse(&t, cases[i].text, NULL), 0);
		assert_string_equal(t.kind, cases[i].kind);
		assert_string_equal(t.name, "x");
	}
}

static void test_target_wrong_group_is_a_namespace(void **state)
{
	struct np_explain_target t;

	(void)state;
	/* "deployments.batch" is no kind: read as a namespace name. */
	assert_int_equal(np_explain_target_parse(&t, "deployments.batch/x", NULL), 0);
	assert_string_equal(t.namespace, "deployments.batch");
	assert_string_equal(t.kind, "Pod");
}

static void test_target_unknown_kind_with_namespace_is_usage_error(void **state)
{
	struct np_explain_target t;
	struct np_error err;

	(void)state;
	assert_int_equal(np_explain_target_parse(&t, "shop/svc/web", &err), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "unknown kind \"svc\""));
}

static void test_target_bad_shapes_are_usage_errors(void **state)
{
	static const char *const bad[] = { "", "/", "shop/", "/web", "a//b", "a/b/c/d" };
	struct np_explain_target t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(np_explain_target_parse(&t, bad[i], NULL), NP_EUSAGE);
	assert_int_equal(np_explain_target_parse(&t, NULL, NULL), NP_EUSAGE);
}

static void test_target_too_long_is_usage_error(void **state)
{
	struct np_explain_target t;
	char *text = malloc(2000);

	(void)state;
	assert_non_null(text);
	memset(text, 'a', 1999);
	text[1999] = '\0';
	assert_int_equal(np_explain_target_parse(&t, text, NULL), NP_EUSAGE);
	free(text);
}

/* ---- resolution ---- */

static void test_pod_name_unique_across_namespaces_resolves(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web-1", "app=web", NULL, NULL);
	add_pod(&f->m, "other", "db", "app=db", NULL, NULL);
	assert_int_equal(explain(f, "web-1", NULL, NULL), 0);
	assert_string_equal(f->e.namespace, "shop");
	assert_int_equal(f->e.n_subjects, 1);
	assert_string_equal(f->e.subjects[0].pod->name, "web-1");
}

static void test_pod_name_in_two_namespaces_is_ambiguous(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "a", "web", "app=web", NULL, NULL);
	add_pod(&f->m, "b", "web", "app=web", NULL, NULL);
	assert_int_equal(explain(f, "web", NULL, NULL), NP_ENOTFOUND);
	assert_non_null(strstr(f->err.msg, "ambiguous"));
	assert_int_equal(f->e.n_candidates, 2);
	assert_string_equal(f->e.candidates[0].namespace, "a");
	assert_string_equal(f->e.candidates[1].namespace, "b");
	assert_int_equal(f->e.n_subjects, 0);
}

static void test_default_namespace_disambiguates(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "a", "web", "app=web", NULL, NULL);
	add_pod(&f->m, "b", "web", "app=web", NULL, NULL);
	assert_int_equal(explain(f, "web", "b", NULL), 0);
	assert_string_equal(f->e.namespace, "b");
}

static void test_not_found_lists_same_name_elsewhere(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	assert_int_equal(explain(f, "other/web", NULL, NULL), NP_ENOTFOUND);
	assert_non_null(strstr(f->err.msg, "pod other/web not found"));
	assert_int_equal(f->e.n_candidates, 1);
	assert_string_equal(f->e.candidates[0].namespace, "shop");
	assert_string_equal(f->e.candidates[0].kind, "Pod");
}

static void test_not_found_lists_similar_names(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web-abc-1", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	assert_int_equal(explain(f, "shop/we", NULL, NULL), NP_ENOTFOUND);
	/* The pod, its ReplicaSet and the inferred Deployment. */
	assert_int_equal(f->e.n_candidates, 3);
}

static void test_kind_named_namespace_falls_back_to_pod(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "jobs", "run-1", "app=run", NULL, NULL);
	assert_int_equal(explain(f, "jobs/run-1", NULL, NULL), 0);
	assert_string_equal(f->e.namespace, "jobs");
	assert_string_equal(f->e.kind, "Pod");
	assert_int_equal(f->e.n_subjects, 1);
}

static void test_kind_reading_wins_over_namespace_reading(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "jobs", "run-1", "app=run", NULL, NULL);
	add_pod(&f->m, "batch", "run-1-x", "app=run", "Job", "run-1");
	assert_int_equal(explain(f, "jobs/run-1", NULL, NULL), 0);
	assert_string_equal(f->e.namespace, "batch");
	assert_string_equal(f->e.kind, "Job");
}

static void test_workload_target_groups_pods_with_same_answer(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web-abc-1", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	add_pod(&f->m, "shop", "web-abc-2", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	add_pod(&f->m, "shop", "web-abc-3", "app=web,pod-template-hash=abc,canary=yes", "ReplicaSet",
		"web-abc");
	add_np(&f->m, "shop", "canary", "canary=yes", 0);
	assert_int_equal(explain(f, "shop/deploy/web", NULL, NULL), 0);
	assert_string_equal(f->e.kind, "Deployment");
	assert_int_equal(f->e.n_subjects, 2);
	assert_int_equal(f->e.subjects[0].n_pods, 2);
	assert_string_equal(f->e.subjects[0].pods[0]->name, "web-abc-1");
	assert_string_equal(f->e.subjects[0].pods[1]->name, "web-abc-2");
	assert_int_equal(f->e.subjects[1].n_pods, 1);
	assert_true(f->e.subjects[1].ingress_isolated);
}

static void test_direct_owner_target_resolves(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web-abc-1", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	assert_int_equal(explain(f, "shop/rs/web-abc", NULL, NULL), 0);
	assert_int_equal(f->e.n_subjects, 1);
}

static void test_workload_without_pods_explains_its_template(void **state)
{
	struct fixture *f = *state;

	add_workload(&f->m, "shop", "Deployment", NP_WL_DEPLOYMENT, "batch", "app=batch");
	add_np(&f->m, "shop", "deny", "", 0);
	assert_int_equal(explain(f, "shop/deployment/batch", NULL, NULL), 0);
	assert_int_equal(f->e.n_subjects, 1);
	assert_true(f->e.subjects[0].is_template);
	assert_true(f->e.subjects[0].ingress_isolated);
}

/* ---- selecting policies ---- */

static void test_selecting_policies_with_directions(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_subject *s;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "in", "app=web", 0);
	add_np(&f->m, "shop", "both", "", NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(explain(f, "shop/web", NULL, NULL), 0);
	s = &f->e.subjects[0];
	assert_int_equal(s->n_selecting, 2);
	assert_string_equal(s->selecting[0].name, "both");
	assert_int_equal(s->selecting[0].dirs, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_string_equal(s->selecting[1].name, "in");
	assert_int_equal(s->selecting[1].dirs, NP_DIR_INGRESS);
	assert_true(s->ingress_isolated);
	assert_true(s->egress_isolated);
	assert_int_equal(s->n_not_selecting, 0);
}

static void test_policies_of_other_namespaces_are_not_listed(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "other", "deny", "", 0);
	assert_int_equal(explain(f, "shop/web", NULL, NULL), 0);
	assert_int_equal(f->e.subjects[0].n_selecting, 0);
	assert_int_equal(f->e.subjects[0].n_not_selecting, 0);
}

/* ---- every "not selected" reason ---- */

static void test_reason_match_labels_value_differs(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	add_np(&f->m, "shop", "web-only", "app=web", 0);
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "web-only");
	assert_non_null(r);
	assert_int_equal(r->why, NP_WHY_SELECTOR);
	assert_string_equal(r->message, "matchLabels app=web: pod has app=api");
	assert_string_equal(np_explain_why_name(r->why), "selectorMismatch");
}

static void test_reason_match_labels_key_absent(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	add_np(&f->m, "shop", "tiered", "tier=front", 0);
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "tiered");
	assert_int_equal(r->why, NP_WHY_SELECTOR);
	assert_string_equal(r->message, "matchLabels tier=front: label tier absent");
}

static void test_reason_match_expression_fails(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api,tier=c", NULL, NULL);
	add_np(&f->m, "shop", "ab", "tier in (a,b)", 0);
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "ab");
	assert_int_equal(r->why, NP_WHY_SELECTOR);
	assert_non_null(strstr(r->message, "tier In (a,b)"));
	assert_non_null(strstr(r->message, "pod has tier=c"));
}

static void test_reason_invalid_selector(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	add_np(&f->m, "shop", "broken", "", 0)->pod_selector.invalid = true;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "broken");
	assert_int_equal(r->why, NP_WHY_INVALID);
	assert_string_equal(r->message, "podSelector is invalid and selects nothing (see NP-208)");
	assert_string_equal(np_explain_why_name(r->why), "invalidSelector");
}

static void test_reason_host_network(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_subject *s;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "agent", "app=agent", NULL, NULL)->host_network = true;
	add_np(&f->m, "shop", "deny", "", 0);
	assert_int_equal(explain(f, "shop/agent", NULL, NULL), 0);
	s = &f->e.subjects[0];
	assert_true(s->host_network);
	assert_false(s->ingress_isolated);
	assert_int_equal(s->n_selecting, 0);
	r = reason(s, "deny");
	assert_int_equal(r->why, NP_WHY_HOST_NETWORK);
	assert_string_equal(r->message,
			    "selector matches, but the pod uses hostNetwork: network policies do not apply");
	assert_string_equal(np_explain_why_name(r->why), "hostNetwork");
}

static void test_reason_terminated(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_subject *s;
	const struct np_explain_reason *r;

	add_pod(&f->m, "batch", "run-1", "app=run", NULL, NULL)->phase = np_model_str(&f->m, "Succeeded");
	add_np(&f->m, "batch", "deny", "", 0);
	assert_int_equal(explain(f, "batch/run-1", NULL, NULL), 0);
	s = &f->e.subjects[0];
	assert_true(s->terminated);
	assert_false(s->in_scope);
	r = reason(s, "deny");
	assert_int_equal(r->why, NP_WHY_TERMINATED);
	assert_string_equal(r->message,
			    "selector matches, but the pod is terminated (phase Succeeded): not counted");
	assert_string_equal(np_explain_why_name(r->why), "terminated");
}

static void test_reason_idle_template(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_reason *r;

	add_workload(&f->m, "shop", "Deployment", NP_WL_DEPLOYMENT, "idle", "app=idle")->uid =
		np_model_str(&f->m, "uid-1");
	add_np(&f->m, "shop", "deny", "", 0);
	assert_int_equal(explain(f, "shop/deploy/idle", NULL, NULL), 0);
	assert_true(f->e.subjects[0].idle);
	r = reason(&f->e.subjects[0], "deny");
	assert_int_equal(r->why, NP_WHY_IDLE);
	assert_string_equal(r->message,
			    "selector matches an idle workload's template, left out of this run "
			    "(--include-idle-workloads)");
	assert_string_equal(np_explain_why_name(r->why), "idle");
}

static void test_idle_template_included_is_selected(void **state)
{
	struct fixture *f = *state;

	add_workload(&f->m, "shop", "Deployment", NP_WL_DEPLOYMENT, "idle", "app=idle")->uid =
		np_model_str(&f->m, "uid-1");
	add_np(&f->m, "shop", "deny", "", 0);
	f->scope.include_idle = true;
	assert_int_equal(explain(f, "shop/deploy/idle", NULL, NULL), 0);
	assert_int_equal(f->e.subjects[0].n_selecting, 1);
	assert_int_equal(f->e.subjects[0].n_not_selecting, 0);
}

static void test_reason_namespace_out_of_scope(void **state)
{
	struct fixture *f = *state;
	const char *globs[] = { "shop" };
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "deny", "", 0);
	f->scope.exclude_globs = globs;
	f->scope.n_globs = 1;
	assert_int_equal(explain(f, "shop/web", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "deny");
	assert_int_equal(r->why, NP_WHY_OUT_OF_SCOPE);
	assert_string_equal(r->message,
			    "selector matches, but the pod's namespace is excluded from this run");
	assert_string_equal(np_explain_why_name(r->why), "outOfScope");
}

static void test_reason_cilium_endpoint_selector(void **state)
{
	struct fixture *f = *state;
	struct np_xpolicy *x;
	const struct np_explain_reason *r;
	struct np_error err;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	x = add_xp(&f->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "cilium.io", "shop", "cnp");
	assert_int_equal(np_selector_parse(&x->subject_pods, &f->m, "app=web", &err), 0);
	x->isolates = NP_DIR_INGRESS;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "cnp");
	assert_int_equal(r->why, NP_WHY_SELECTOR);
	assert_string_equal(r->message, "endpointSelector: matchLabels app=web: pod has app=api");
	assert_string_equal(r->kind, "CiliumNetworkPolicy");
}

static void test_reason_cilium_invalid_selector(void **state)
{
	struct fixture *f = *state;
	struct np_xpolicy *x;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	x = add_xp(&f->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "cilium.io", "shop", "cnp");
	x->subject_pods.present = true;
	x->subject_pods.invalid = true;
	x->isolates = NP_DIR_INGRESS;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "cnp");
	assert_int_equal(r->why, NP_WHY_INVALID);
	assert_string_equal(r->message, "endpointSelector is invalid and selects nothing (see NP-208)");
}

static void test_reason_selects_but_isolates_nothing(void **state)
{
	struct fixture *f = *state;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	/* A Cilium policy whose ingress/egress lists are empty isolates nothing. */
	add_xp(&f->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "cilium.io", "shop", "empty");
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "empty");
	assert_int_equal(r->why, NP_WHY_NO_DIRECTION);
	assert_string_equal(r->message, "selects the pod but isolates no direction");
	assert_string_equal(np_explain_why_name(r->why), "noDirection");
}

static void test_reason_calico_selector_false(void **state)
{
	struct fixture *f = *state;
	struct np_xpolicy *x;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	x = add_xp(&f->m, NP_XP_CALICO_NP, "NetworkPolicy", "projectcalico.org", "shop", "calico");
	x->calico_selector = np_model_str(&f->m, "app == 'web'");
	x->isolates = NP_DIR_INGRESS;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "calico");
	assert_int_equal(r->why, NP_WHY_CALICO);
	assert_string_equal(r->message, "selector \"app == 'web'\" is false for the pod's labels");
	assert_string_equal(np_explain_why_name(r->why), "calicoSelectorMismatch");
}

static void test_reason_calico_selector_unparsable(void **state)
{
	struct fixture *f = *state;
	struct np_xpolicy *x;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	x = add_xp(&f->m, NP_XP_CALICO_NP, "NetworkPolicy", "projectcalico.org", "shop", "calico");
	x->calico_selector = np_model_str(&f->m, "app == ");
	x->isolates = NP_DIR_INGRESS;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "calico");
	assert_int_equal(r->why, NP_WHY_CALICO_ERROR);
	assert_string_equal(r->message, "selector \"app == \" cannot be evaluated");
	assert_string_equal(np_explain_why_name(r->why), "calicoSelectorError");
}

static void test_reason_ignored_policy(void **state)
{
	struct fixture *f = *state;
	struct np_xpolicy *x;
	const struct np_explain_reason *r;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	x = add_xp(&f->m, NP_XP_CALICO_NP, "NetworkPolicy", "projectcalico.org", "shop", "knp.default.x");
	x->ignored = true;
	x->isolates = NP_DIR_INGRESS;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	r = reason(&f->e.subjects[0], "knp.default.x");
	assert_int_equal(r->why, NP_WHY_IGNORED);
	assert_string_equal(r->message,
			    "never counts (staged policy, knp./kanp. mirror or host-endpoint only)");
	assert_string_equal(np_explain_why_name(r->why), "ignored");
}

static void test_cluster_scoped_selecting_policy_is_listed(void **state)
{
	struct fixture *f = *state;
	struct np_xpolicy *x;
	const struct np_explain_subject *s;

	add_pod(&f->m, "shop", "api", "app=api", NULL, NULL);
	x = add_xp(&f->m, NP_XP_ANP, "AdminNetworkPolicy", "policy.networking.k8s.io", NULL, "deny");
	x->subject_all_namespaces = true;
	x->subject_pods.present = true;
	x->denies_all = NP_DIR_EGRESS;
	assert_int_equal(explain(f, "shop/api", NULL, NULL), 0);
	s = &f->e.subjects[0];
	assert_int_equal(s->n_selecting, 1);
	assert_null(s->selecting[0].namespace);
	assert_int_equal(s->selecting[0].dirs, NP_DIR_EGRESS);
	assert_true(s->egress_isolated);
	assert_false(s->ingress_isolated);
}

static void test_why_names_are_distinct(void **state)
{
	int a, b;

	(void)state;
	for (a = NP_WHY_SELECTOR; a <= NP_WHY_OUT_OF_SCOPE; a++)
		for (b = a + 1; b <= NP_WHY_OUT_OF_SCOPE; b++)
			assert_string_not_equal(np_explain_why_name((enum np_explain_why)a),
						np_explain_why_name((enum np_explain_why)b));
}

/* ---- findings ---- */

static const struct np_control_def def103 = { .id = "NP-103", .title = "isolated",
					      .severity = NP_SEV_MEDIUM };

static void add_finding(struct np_report *r, struct np_control_result *c, const char *kind,
			const char *ns, const char *name)
{
	struct np_finding *fd = np_result_add_finding(r, c);

	assert_non_null(fd);
	fd->kind = kind;
	fd->api_group = "apps";
	fd->namespace = ns;
	fd->name = name;
	fd->message = "not isolated";
}

static void test_findings_about_pod_and_workload_are_picked(void **state)
{
	struct fixture *f = *state;
	struct np_control_result *c;
	const struct np_explain_subject *s;

	add_pod(&f->m, "shop", "web-abc-1", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	c = np_report_add_control(&f->r, &def103);
	assert_non_null(c);
	add_finding(&f->r, c, "Deployment", "shop", "web");  /* its workload */
	add_finding(&f->r, c, "Deployment", "shop", "db");   /* another */
	add_finding(&f->r, c, "Deployment", "other", "web"); /* same name elsewhere */
	add_finding(&f->r, c, "Pod", "shop", "web-abc-1");   /* the pod itself */
	assert_int_equal(explain(f, "shop/web-abc-1", NULL, &f->r), 0);
	s = &f->e.subjects[0];
	assert_int_equal(s->n_findings, 2);
	assert_string_equal(s->findings[0]->name, "web");
	assert_string_equal(s->findings[1]->name, "web-abc-1");
	assert_ptr_equal(s->finding_controls[0], &f->r.controls.v[0]);
}

static void test_no_report_means_no_findings(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	assert_int_equal(explain(f, "shop/web", NULL, NULL), 0);
	assert_int_equal(f->e.subjects[0].n_findings, 0);
}

static void test_release_is_null_safe(void **state)
{
	(void)state;
	np_explanation_release(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_pod_alone),
		cmocka_unit_test(test_target_namespace_and_pod),
		cmocka_unit_test(test_target_kind_and_name),
		cmocka_unit_test(test_target_namespace_kind_and_name),
		cmocka_unit_test(test_target_short_names_and_spellings),
		cmocka_unit_test(test_target_wrong_group_is_a_namespace),
		cmocka_unit_test(test_target_unknown_kind_with_namespace_is_usage_error),
		cmocka_unit_test(test_target_bad_shapes_are_usage_errors),
		cmocka_unit_test(test_target_too_long_is_usage_error),
		T(test_pod_name_unique_across_namespaces_resolves),
		T(test_pod_name_in_two_namespaces_is_ambiguous),
		T(test_default_namespace_disambiguates),
		T(test_not_found_lists_same_name_elsewhere),
		T(test_not_found_lists_similar_names),
		T(test_kind_named_namespace_falls_back_to_pod),
		T(test_kind_reading_wins_over_namespace_reading),
		T(test_workload_target_groups_pods_with_same_answer),
		T(test_direct_owner_target_resolves),
		T(test_workload_without_pods_explains_its_template),
		T(test_selecting_policies_with_directions),
		T(test_policies_of_other_namespaces_are_not_listed),
		T(test_reason_match_labels_value_differs),
		T(test_reason_match_labels_key_absent),
		T(test_reason_match_expression_fails),
		T(test_reason_invalid_selector),
		T(test_reason_host_network),
		T(test_reason_terminated),
		T(test_reason_idle_template),
		T(test_idle_template_included_is_selected),
		T(test_reason_namespace_out_of_scope),
		T(test_reason_cilium_endpoint_selector),
		T(test_reason_cilium_invalid_selector),
		T(test_reason_selects_but_isolates_nothing),
		T(test_reason_calico_selector_false),
		T(test_reason_calico_selector_unparsable),
		T(test_reason_ignored_policy),
		T(test_cluster_scoped_selecting_policy_is_listed),
		cmocka_unit_test(test_why_names_are_distinct),
		T(test_findings_about_pod_and_workload_are_picked),
		T(test_no_report_means_no_findings),
		T(test_release_is_null_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
