/* The audit run: catalog, selection, vacuous inputs, missing data, exceptions,
 * baseline and summary counts (DESIGN §5.1, §5.2, §6.2, §10). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "netpol/snapshot.h"
#include "analyzer_fixtures.h"

struct t {
	struct np_model m;
	struct np_audit_options opt;
	struct np_report r;
	const char *ids[16];
	struct np_exception ex[4];
	const char *ex_ids[4][2];
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	np_model_init(&t->m);
	np_report_init(&t->r);
	t->opt.today = "2026-06-15";
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	np_report_release(&t->r);
	np_model_release(&t->m);
	free(t);
	return 0;
}

static void select_ids(struct t *t, const char *ids)
{
	static char buf[256];
	char *p, *save = NULL;

	t->opt.n_selected = 0;
	t->opt.selected = NULL;
	if (!ids)
		return;
	snprintf(buf, sizeof(buf), "%s", ids);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		t->ids[t->opt.n_selected++] = p;
	t->opt.selected = t->ids;
}

static void run(struct t *t, const char *ids)
{
	np_report_release(&t->r);
	np_report_init(&t->r);
	select_ids(t, ids);
	assert_int_equal(np_audit_run(&t->r, &t->m, &t->opt, NULL), 0);
}

static const struct np_control_result *ctl(struct t *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->r.controls.n; i++)
		if (strcmp(t->r.controls.v[i].def->id, id) == 0)
			return &t->r.controls.v[i];
	return NULL;
}

static bool skipped(struct t *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->r.skipped_controls.n; i++)
		if (strcmp(t->r.skipped_controls.v[i], id) == 0)
			return true;
	return false;
}

/* ================= catalog ================= */

static void test_catalog_has_the_fourteen_controls_in_order(void **state)
{
	static const char *const ids[] = { "NP-101", "NP-102", "NP-103", "NP-104", "NP-105",
					   "NP-106", "NP-201", "NP-202", "NP-203", "NP-204",
					   "NP-205", "NP-206", "NP-207", "NP-208" };
	const struct np_control_def *c;
	size_t n, i;

	(void)state;
	c = np_controls_catalog(&n);
	assert_int_equal(n, 14);
	for (i = 0; i < n; i++) {
		assert_string_equal(c[i].id, ids[i]);
		assert_string_equal(c[i].group, i < 6 ? "1 CIS and platform controls" :
							"2 Hardening and hygiene");
	}
}

static void test_catalog_titles_and_severities(void **state)
{
	static const struct {
		const char *id, *title;
		enum np_severity sev;
	} want[] = {
		{ "NP-101", "The CNI in use supports NetworkPolicy", NP_SEV_MEDIUM },
		{ "NP-102", "Every namespace has at least one NetworkPolicy", NP_SEV_MEDIUM },
		{ "NP-103", "Every pod is isolated for both ingress and egress", NP_SEV_MEDIUM },
		{ "NP-104", "AKS clusters configure a network policy engine", NP_SEV_MEDIUM },
		{ "NP-105", "EKS clusters enforce NetworkPolicy", NP_SEV_MEDIUM },
		{ "NP-106", "GKE clusters enforce NetworkPolicy", NP_SEV_MEDIUM },
		{ "NP-201", "Every namespace has a default-deny for ingress and egress", NP_SEV_MEDIUM },
		{ "NP-202", "Every NetworkPolicy selects at least one pod", NP_SEV_LOW },
		{ "NP-203", "Rule peers select something", NP_SEV_LOW },
		{ "NP-204", "No allow-all rules", NP_SEV_MEDIUM },
		{ "NP-205", "Egress-isolated pods can resolve DNS", NP_SEV_MEDIUM },
		{ "NP-206", "hostNetwork pods are listed", NP_SEV_LOW },
		{ "NP-207", "Named ports resolve", NP_SEV_LOW },
		{ "NP-208", "Objects are valid", NP_SEV_LOW },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct np_control_def *d = np_control_find(want[i].id);

		assert_non_null(d);
		assert_string_equal(d->title, want[i].title);
		assert_int_equal(d->severity, want[i].sev);
	}
}

static void test_catalog_kics_severities(void **state)
{
	(void)state;
	/* From the KICS fixtures: AKS LOW, the others MEDIUM. */
	assert_int_equal(np_control_find("NP-101")->kics_severity, NP_SEV_MEDIUM);
	assert_int_equal(np_control_find("NP-103")->kics_severity, NP_SEV_MEDIUM);
	assert_int_equal(np_control_find("NP-104")->kics_severity, NP_SEV_LOW);
	assert_int_equal(np_control_find("NP-106")->kics_severity, NP_SEV_MEDIUM);
	assert_int_equal(np_control_find("NP-202")->kics_severity, NP_SEV_LOW);
}

static void test_catalog_references(void **state)
{
	const struct np_control_def *d;

	(void)state;
	d = np_control_find("NP-103");
	assert_string_equal(d->references[0], "KICS 0401f71b");
	assert_string_equal(d->references[1], "Kubescape C-0260");
	assert_string_equal(d->references[2], "Kubescape C-0030");
	assert_null(d->references[3]);
	d = np_control_find("NP-102");
	assert_string_equal(d->references[0], "CIS Kubernetes 5.3.2");
	assert_string_equal(d->references[3], "Kubescape C-0206");
	assert_string_equal(d->references[4], "Datadog 3kq-2r3-p4u");
	assert_null(np_control_find("NP-204")->references[0]);
	assert_string_equal(np_control_find("NP-208")->references[0], "Kubernetes API validation");
}

static void test_control_find_is_case_insensitive(void **state)
{
	(void)state;
	assert_non_null(np_control_find("np-201"));
	assert_string_equal(np_control_find("np-201")->id, "NP-201");
	assert_null(np_control_find("NP-999"));
	assert_null(np_control_find(NULL));
}

/* ================= selection ================= */

static void test_unselected_controls_are_listed_as_skipped(void **state)
{
	struct t *t = *state;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "p", NULL);
	run(t, "NP-102,NP-103");
	assert_int_equal(t->r.controls.n, 2);
	assert_non_null(ctl(t, "NP-102"));
	assert_non_null(ctl(t, "NP-103"));
	assert_true(skipped(t, "NP-101"));
	assert_true(skipped(t, "NP-208"));
	assert_false(skipped(t, "NP-102"));
	assert_int_equal(t->r.skipped_controls.n, 12);
}

static void test_rule_controls_are_reported(void **state)
{
	struct t *t = *state;
	static const char *const rules[] = { "NP-203", "NP-204", "NP-205", "NP-207" };
	size_t i;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "p", NULL);
	run(t, NULL);
	for (i = 0; i < 4; i++) {
		assert_non_null(ctl(t, rules[i]));
		assert_false(skipped(t, rules[i]));
	}
}

static void test_controls_are_reported_in_id_order(void **state)
{
	struct t *t = *state;
	size_t i;

	fx_ns(&t->m, "a", NULL);
	run(t, NULL);
	for (i = 1; i < t->r.controls.n; i++)
		assert_true(strcmp(t->r.controls.v[i - 1].def->id, t->r.controls.v[i].def->id) < 0);
}

/* ================= vacuous inputs ================= */

static void test_generic_input_without_pods_skips_pod_controls(void **state)
{
	struct t *t = *state;

	fx_ns(&t->m, "a", NULL);
	fx_netpol(&t->m, "a", "p");
	run(t, "NP-102,NP-103,NP-202,NP-206,NP-208");
	assert_int_equal(ctl(t, "NP-103")->status, NP_ST_SKIP);
	assert_string_equal(ctl(t, "NP-103")->summary, "no pods or workloads in input");
	assert_int_equal(ctl(t, "NP-202")->status, NP_ST_SKIP);
	assert_int_equal(ctl(t, "NP-206")->status, NP_ST_SKIP);
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_PASS);
	assert_int_equal(ctl(t, "NP-208")->status, NP_ST_PASS);
}

static void test_workloads_alone_are_not_vacuous(void **state)
{
	struct t *t = *state;
	struct np_workload *w;

	fx_ns(&t->m, "a", NULL);
	w = np_model_push_workload(&t->m);
	w->kind = "Deployment";
	w->namespace = np_model_str(&t->m, "a");
	w->name = np_model_str(&t->m, "web");
	run(t, "NP-103");
	assert_int_equal(ctl(t, "NP-103")->status, NP_ST_PASS);
	assert_int_equal(ctl(t, "NP-103")->evaluated, 0);
}

static void test_terraform_only_skips_kubernetes_controls(void **state)
{
	struct t *t = *state;
	struct np_input *in = np_model_push_input(&t->m);
	struct np_tf_resource *tf;

	in->path = "main.tf";
	in->layout = "terraform";
	tf = np_model_push_tf_resource(&t->m);
	tf->type = "azurerm_kubernetes_cluster";
	tf->name = "aks";
	run(t, "NP-102,NP-103,NP-201,NP-208");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_SKIP);
	assert_string_equal(ctl(t, "NP-102")->summary, "no Kubernetes objects in input");
	assert_int_equal(ctl(t, "NP-201")->status, NP_ST_SKIP);
	assert_int_equal(ctl(t, "NP-208")->status, NP_ST_SKIP);
	assert_int_equal(ctl(t, "NP-103")->status, NP_ST_SKIP);
}

static void test_snapshot_layout_without_pods_is_not_vacuous(void **state)
{
	struct t *t = *state;
	struct np_input *in = np_model_push_input(&t->m);

	in->path = "bundle.tar.gz";
	in->layout = "troubleshoot";
	fx_ns(&t->m, "a", NULL);
	fx_netpol(&t->m, "a", "p");
	run(t, "NP-103");
	assert_int_equal(ctl(t, "NP-103")->status, NP_ST_PASS);
}

static void test_generic_pods_without_policies_warn_about_kubectl_get_all(void **state)
{
	struct t *t = *state;
	size_t i;
	bool found = false;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "p", NULL);
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_FAIL); /* the FAILs stand */
	for (i = 0; i < t->r.warnings.n; i++)
		found |= strstr(t->r.warnings.v[i].message, "kubectl get all") != NULL;
	assert_true(found);
}

static void test_no_kubectl_get_all_warning_with_policies(void **state)
{
	struct t *t = *state;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "p", NULL);
	fx_netpol(&t->m, "a", "x");
	run(t, "NP-102");
	assert_int_equal(t->r.warnings.n, 0);
}

/* ================= missing data ================= */

static void snapshot_input(struct t *t)
{
	struct np_input *in = np_model_push_input(&t->m);

	in->path = "dump";
	in->layout = "cluster-info-dump";
}

static void test_policies_not_collected_is_error_not_fail(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	snapshot_input(t);
	fx_ns_synth(&t->m, "a");
	fx_pod(&t->m, "a", "p", NULL);
	np_model_set_avail(&t->m, NP_RES_NETWORKPOLICIES, NULL, NP_AVAIL_NOT_COLLECTED,
			   "notCollected", NULL, "dump");
	run(t, "NP-102,NP-103,NP-201,NP-202");
	c = ctl(t, "NP-102");
	assert_int_equal(c->status, NP_ST_ERROR);
	assert_non_null(strstr(c->summary, "networkpolicies not collected"));
	assert_int_equal(c->findings.n, 0); /* "no policy" was never read */
	assert_int_equal(ctl(t, "NP-103")->status, NP_ST_ERROR);
	assert_int_equal(ctl(t, "NP-103")->findings.n, 0);
	assert_int_equal(ctl(t, "NP-201")->status, NP_ST_ERROR);
	assert_int_equal(ctl(t, "NP-202")->status, NP_ST_ERROR);
	assert_false(t->r.complete);
}

static void test_unreadable_namespace_errors_but_lists_other_findings(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	snapshot_input(t);
	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	fx_pod(&t->m, "a", "pa", NULL);
	fx_pod(&t->m, "b", "pb", NULL);
	np_model_set_avail(&t->m, NP_RES_NETWORKPOLICIES, "a", NP_AVAIL_UNREADABLE, "forbidden",
			   "networkpolicies is forbidden", "bundle");
	run(t, "NP-102,NP-103");
	c = ctl(t, "NP-102");
	assert_int_equal(c->status, NP_ST_ERROR);
	assert_non_null(strstr(c->summary, "networkpolicies unreadable in namespace a"));
	assert_non_null(strstr(c->summary, "forbidden"));
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].name, "b");
	c = ctl(t, "NP-103");
	assert_int_equal(c->status, NP_ST_ERROR);
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].namespace, "b");
}

static void test_missing_data_never_passes(void **state)
{
	struct t *t = *state;
	size_t p;

	snapshot_input(t);
	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "deny");
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	np_model_set_avail(&t->m, NP_RES_PODS, "a", NP_AVAIL_UNREADABLE, "collectorError", "boom",
			   "bundle");
	run(t, "NP-102,NP-103");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_PASS); /* pods are not needed there */
	assert_int_equal(ctl(t, "NP-103")->status, NP_ST_ERROR);
}

static void test_missing_data_in_excluded_namespace_is_ignored(void **state)
{
	struct t *t = *state;
	static const char *globs[] = { "legacy" };
	size_t p;

	snapshot_input(t);
	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "legacy", NULL);
	p = fx_netpol(&t->m, "a", "deny");
	(void)p;
	np_model_set_avail(&t->m, NP_RES_NETWORKPOLICIES, "legacy", NP_AVAIL_UNREADABLE,
			   "forbidden", NULL, "live");
	t->opt.scope.exclude_globs = globs;
	t->opt.scope.n_globs = 1;
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_PASS);
	assert_int_equal(t->r.excluded_namespaces.n, 1);
	assert_string_equal(t->r.excluded_namespaces.v[0], "legacy");
}

static void test_namespaces_unreadable_with_only_namespace_is_fine(void **state)
{
	struct t *t = *state;

	snapshot_input(t);
	fx_ns_synth(&t->m, "team-a");
	fx_netpol(&t->m, "team-a", "x");
	np_model_set_avail(&t->m, NP_RES_NAMESPACES, NULL, NP_AVAIL_UNREADABLE, "forbidden", NULL,
			   "live");
	t->opt.scope.only_namespace = "team-a";
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_PASS);
	t->opt.scope.only_namespace = NULL;
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_ERROR);
}

static void test_policy_crd_not_collected_matters_only_if_it_exists(void **state)
{
	struct t *t = *state;

	snapshot_input(t);
	fx_ns(&t->m, "a", NULL);
	fx_netpol(&t->m, "a", "x");
	np_model_set_avail(&t->m, NP_RES_CILIUM_NP, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected",
			   NULL, "dump");
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_PASS);
	{
		const char **v = realloc(t->m.crd_names.v, sizeof(*v));

		v[0] = np_model_str(&t->m, "ciliumnetworkpolicies.cilium.io");
		t->m.crd_names.v = v;
		t->m.crd_names.n = 1;
		t->m.crd_names.cap = 1;
	}
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_ERROR);
	assert_non_null(strstr(ctl(t, "NP-102")->summary, "ciliumnetworkpolicies"));
}

static void test_policy_crd_unreadable_is_error(void **state)
{
	struct t *t = *state;

	snapshot_input(t);
	fx_ns(&t->m, "a", NULL);
	fx_netpol(&t->m, "a", "x");
	np_model_set_avail(&t->m, NP_RES_ANP, NULL, NP_AVAIL_UNREADABLE, "forbidden", NULL, "live");
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_ERROR);
}

/* ================= exceptions and baseline ================= */

static struct np_exception *exception(struct t *t, const char *ctl_glob, const char *ns,
				      const char *kind, const char *name, const char *expires)
{
	size_t i = t->opt.n_exceptions++;
	struct np_exception *e = &t->ex[i];

	memset(e, 0, sizeof(*e));
	t->ex_ids[i][0] = ctl_glob;
	e->controls = t->ex_ids[i];
	e->n_controls = 1;
	e->namespace = ns;
	e->kind = kind;
	e->name = name;
	e->reason = "accepted, SEC-123";
	e->expires = expires;
	t->opt.exceptions = t->ex;
	return e;
}

static void two_bare_namespaces(struct t *t)
{
	fx_ns(&t->m, "legacy-a", NULL);
	fx_ns(&t->m, "shop", NULL);
	fx_pod(&t->m, "shop", "p", NULL);
	fx_netpol(&t->m, "other", "x"); /* keeps the "kubectl get all" warning away */
}

static void test_exception_suppresses_matching_finding(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	two_bare_namespaces(t);
	exception(t, "np-10*", "legacy-*", NULL, NULL, NULL);
	run(t, "NP-102");
	c = ctl(t, "NP-102");
	assert_int_equal(c->findings.n, 2);
	assert_non_null(c->findings.v[0].suppressed);
	assert_string_equal(c->findings.v[0].name, "legacy-a");
	assert_string_equal(c->findings.v[0].suppressed->by, "exception");
	assert_string_equal(c->findings.v[0].suppressed->reason, "accepted, SEC-123");
	assert_null(c->findings.v[1].suppressed);
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->suppressed, 1);
	assert_int_equal(t->r.suppressed, 1);
	assert_true(t->ex[0].used);
}

static void test_status_follows_unsuppressed_findings(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	two_bare_namespaces(t);
	exception(t, "NP-102", NULL, "Namespace", "*", "2026-06-15"); /* through that day */
	run(t, "NP-102");
	c = ctl(t, "NP-102");
	assert_int_equal(c->status, NP_ST_PASS);
	assert_int_equal(c->suppressed, 2);
	assert_int_equal(t->r.warnings.n, 0);
}

static void test_exception_kind_and_control_must_match(void **state)
{
	struct t *t = *state;

	two_bare_namespaces(t);
	exception(t, "NP-102", NULL, "Deployment", NULL, NULL);
	exception(t, "NP-201", NULL, NULL, NULL, NULL);
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->suppressed, 0);
	assert_false(t->ex[0].used);
	assert_int_equal(t->r.notes.n >= 2, 1); /* unused exceptions are verbose notes */
}

static void test_expired_exception_warns_and_suppresses_nothing(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t i;
	bool found = false;

	two_bare_namespaces(t);
	exception(t, "NP-102", NULL, NULL, NULL, "2026-06-14");
	run(t, "NP-102");
	c = ctl(t, "NP-102");
	assert_int_equal(c->suppressed, 0);
	assert_int_equal(c->status, NP_ST_FAIL);
	for (i = 0; i < t->r.warnings.n; i++)
		found |= strstr(t->r.warnings.v[i].message, "expired on 2026-06-14") != NULL;
	assert_true(found);
}

static void test_error_is_never_suppressed(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	snapshot_input(t);
	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	np_model_set_avail(&t->m, NP_RES_NETWORKPOLICIES, "a", NP_AVAIL_UNREADABLE, "forbidden",
			   NULL, "live");
	exception(t, "*", NULL, NULL, NULL, NULL);
	run(t, "NP-102");
	c = ctl(t, "NP-102");
	assert_int_equal(c->status, NP_ST_ERROR);
	assert_non_null(c->findings.v[0].suppressed);
}

static void test_baseline_suppresses_known_fingerprints(void **state)
{
	struct t *t = *state;
	static const char *fps[] = { "NP-102//Namespace//legacy-a" };
	const struct np_control_result *c;

	two_bare_namespaces(t);
	t->opt.baseline_fingerprints = fps;
	t->opt.n_baseline = 1;
	run(t, "NP-102");
	c = ctl(t, "NP-102");
	assert_string_equal(c->findings.v[0].suppressed->by, "baseline");
	assert_null(c->findings.v[1].suppressed);
	assert_int_equal(c->baseline, 1);
	assert_int_equal(t->r.baseline, 1);
	assert_int_equal(c->status, NP_ST_FAIL);
	fps[0] = "nothing";
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->baseline, 0);
}

static void test_baseline_of_every_finding_passes(void **state)
{
	struct t *t = *state;
	static const char *fps[] = { "NP-102//Namespace//legacy-a", "NP-102//Namespace//shop" };

	two_bare_namespaces(t);
	t->opt.baseline_fingerprints = fps;
	t->opt.n_baseline = 2;
	run(t, "NP-102");
	assert_int_equal(ctl(t, "NP-102")->status, NP_ST_PASS);
}

/* ================= summary ================= */

static void test_summary_counts(void **state)
{
	struct t *t = *state;
	static const char *globs[] = { "excluded" };
	size_t p, x;

	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "excluded", NULL);
	fx_ns_synth(&t->m, "synth");
	fx_pod(&t->m, "a", "iso", "app=iso");
	fx_pod(&t->m, "a", "open", "app=open");
	p = fx_pod(&t->m, "a", "hn", NULL);
	t->m.pods.v[p].host_network = true;
	p = fx_pod(&t->m, "a", "done", NULL);
	t->m.pods.v[p].phase = np_model_str(&t->m, "Failed");
	fx_template(&t->m, "a", "Deployment", "apps", "tmpl", NULL, false);
	fx_template(&t->m, "a", "Deployment", "apps", "idle", NULL, true);
	fx_pod(&t->m, "excluded", "x", NULL);
	fx_pod(&t->m, "synth", "s", NULL);
	p = fx_netpol(&t->m, "a", "iso");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=iso");
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	p = fx_netpol(&t->m, "a", "open-ingress");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=open");
	fx_netpol(&t->m, "excluded", "y");
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "a", "c1");
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_CCNP, "CiliumClusterwideNetworkPolicy", NULL, "c2");
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "excluded", "c3");
	x = fx_xpolicy(&t->m, NP_XP_CALICO_NP, "StagedNetworkPolicy", "a", "staged");
	t->m.xpolicies.v[x].ignored = true;
	fx_xpolicy(&t->m, NP_XP_CALICO_NP, "NetworkPolicy", "a", "calico");
	t->opt.scope.exclude_globs = globs;
	t->opt.scope.n_globs = 1;
	run(t, "NP-103");
	assert_int_equal(t->r.namespaces, 2);       /* a, synth */
	assert_int_equal(t->r.pods, 4);             /* iso, open, hn, s */
	assert_int_equal(t->r.pods_host_network, 1);
	assert_int_equal(t->r.pods_template, 1);    /* the idle one is not counted */
	assert_int_equal(t->r.policies, 2);
	assert_int_equal(t->r.pods_isolatable, 3);
	assert_int_equal(t->r.pods_ingress_isolated, 2);
	assert_int_equal(t->r.pods_egress_isolated, 1);
	assert_int_equal(t->r.policies_by_kind.n, 3);
	assert_string_equal(t->r.policies_by_kind.kinds[0], "CiliumClusterwideNetworkPolicy");
	assert_string_equal(t->r.policies_by_kind.kinds[1], "CiliumNetworkPolicy");
	assert_int_equal(t->r.policies_by_kind.counts[1], 1);
	assert_string_equal(t->r.policies_by_kind.kinds[2], "NetworkPolicy.projectcalico.org");
	assert_true(t->r.complete);
	assert_int_equal(t->r.excluded_namespaces.n, 1);
}

static void test_kics_semantics_recorded(void **state)
{
	struct t *t = *state;

	fx_ns(&t->m, "a", NULL);
	t->opt.kics = true;
	run(t, "NP-102");
	assert_string_equal(t->r.semantics, "kics");
}

/* ================= decoded KICS fixtures, end to end ================= */

static void decode_file(struct np_model *m, const char *name)
{
	char path[1024], *buf;
	FILE *f;
	long len;
	struct np_error err;

	snprintf(path, sizeof(path), "%s/analyzer/kics_pod/%s", NP_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	memset(&err, 0, sizeof(err));
	if (np_decode_buffer(m, buf, (size_t)len, name, NULL, NULL, NULL, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	free(buf);
}

static void test_decoded_kics_fixtures_agree_with_kics(void **state)
{
	static const char *const files[] = { "negative1.yaml", "negative2.yaml", "negative3.yaml",
					     "positive1.yaml", "positive2.yaml" };
	struct t *t = *state;
	const struct np_control_result *c;
	size_t i;

	t->m.kics = true;
	for (i = 0; i < 5; i++)
		decode_file(&t->m, files[i]);
	assert_int_equal(np_model_finish(&t->m, NULL), 0);
	t->opt.kics = true;
	run(t, "NP-103");
	c = ctl(t, "NP-103");
	assert_int_equal(c->status, NP_ST_FAIL);
	/* positive_expected_result.json: line 4 of positive1.yaml and positive2.yaml. */
	assert_int_equal(c->findings.n, 2);
	assert_string_equal(c->findings.v[0].name, "positive1-pod");
	assert_string_equal(c->findings.v[0].loc.file, "positive1.yaml");
	assert_int_equal(c->findings.v[0].loc.line, 4);
	assert_string_equal(c->findings.v[1].name, "positive2-pod");
	assert_string_equal(c->findings.v[1].loc.file, "positive2.yaml");
	assert_int_equal(c->findings.v[1].loc.line, 4);
}

static void test_decoded_kics_negative2_fails_under_k8s(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	decode_file(&t->m, "negative2.yaml");
	assert_int_equal(np_model_finish(&t->m, NULL), 0);
	run(t, "NP-103");
	c = ctl(t, "NP-103");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_string_equal(c->findings.v[0].name, "negative2-pod");
	assert_int_equal(c->findings.v[0].directions, NP_DIR_INGRESS | NP_DIR_EGRESS);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_has_the_fourteen_controls_in_order),
		cmocka_unit_test(test_catalog_titles_and_severities),
		cmocka_unit_test(test_catalog_kics_severities),
		cmocka_unit_test(test_catalog_references),
		cmocka_unit_test(test_control_find_is_case_insensitive),
		T(test_unselected_controls_are_listed_as_skipped),
		T(test_rule_controls_are_reported),
		T(test_controls_are_reported_in_id_order),
		T(test_generic_input_without_pods_skips_pod_controls),
		T(test_workloads_alone_are_not_vacuous),
		T(test_terraform_only_skips_kubernetes_controls),
		T(test_snapshot_layout_without_pods_is_not_vacuous),
		T(test_generic_pods_without_policies_warn_about_kubectl_get_all),
		T(test_no_kubectl_get_all_warning_with_policies),
		T(test_policies_not_collected_is_error_not_fail),
		T(test_unreadable_namespace_errors_but_lists_other_findings),
		T(test_missing_data_never_passes),
		T(test_missing_data_in_excluded_namespace_is_ignored),
		T(test_namespaces_unreadable_with_only_namespace_is_fine),
		T(test_policy_crd_not_collected_matters_only_if_it_exists),
		T(test_policy_crd_unreadable_is_error),
		T(test_exception_suppresses_matching_finding),
		T(test_status_follows_unsuppressed_findings),
		T(test_exception_kind_and_control_must_match),
		T(test_expired_exception_warns_and_suppresses_nothing),
		T(test_error_is_never_suppressed),
		T(test_baseline_suppresses_known_fingerprints),
		T(test_baseline_of_every_finding_passes),
		T(test_summary_counts),
		T(test_kics_semantics_recorded),
		T(test_decoded_kics_fixtures_agree_with_kics),
		T(test_decoded_kics_negative2_fails_under_k8s),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
