/* explain TARGET: resolves the target to pods, then per pod lists the
 * selecting policies (from np_coverage), the policies of its namespace that
 * do not select it with the first failing selector term, and the audit
 * findings about it. Pods that get the same answer are merged into one
 * subject. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netpol/explain.h"
#include "netpol/selector.h"

#define MAX_CANDIDATES 20

struct kind_alias {
	const char *kind;
	const char *names[4]; /* lower case: singular, plural, short; NULL-terminated */
	const char *group;
};

static const struct kind_alias kinds[] = {
	{ "Pod", { "pod", "pods", "po", NULL }, "" },
	{ "Deployment", { "deployment", "deployments", "deploy", NULL }, "apps" },
	{ "StatefulSet", { "statefulset", "statefulsets", "sts", NULL }, "apps" },
	{ "DaemonSet", { "daemonset", "daemonsets", "ds", NULL }, "apps" },
	{ "ReplicaSet", { "replicaset", "replicasets", "rs", NULL }, "apps" },
	{ "ReplicationController", { "replicationcontroller", "replicationcontrollers", "rc", NULL }, "" },
	{ "Job", { "job", "jobs", NULL }, "batch" },
	{ "CronJob", { "cronjob", "cronjobs", "cj", NULL }, "batch" },
	{ "Rollout", { "rollout", "rollouts", "ro", NULL }, "argoproj.io" },
	{ "DeploymentConfig", { "deploymentconfig", "deploymentconfigs", "dc", NULL }, "apps.openshift.io" },
};

/* Canonical kind for text of length len ("deploy", "Deployments.apps"), or NULL. */
static const char *kind_lookup(const char *text, size_t len)
{
	const char *dot = memchr(text, '.', len);
	size_t base = dot ? (size_t)(dot - text) : len;
	size_t i, j;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct kind_alias *k = &kinds[i];

		if (dot && (strlen(k->group) != len - base - 1 ||
			    strncasecmp(dot + 1, k->group, len - base - 1) != 0))
			continue;
		for (j = 0; k->names[j]; j++)
			if (strlen(k->names[j]) == base && strncasecmp(text, k->names[j], base) == 0)
				return k->kind;
		if (strlen(k->kind) == base && strncasecmp(text, k->kind, base) == 0)
			return k->kind;
	}
	return NULL;
}

int np_explain_target_parse(struct np_explain_target *out, const char *text,
			    struct np_error *err)
{
	char *parts[3];
	size_t n = 0, len;
	char *p;

	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return np_error_set(err, NP_EUSAGE, "explain: empty target");
	len = strlen(text);
	if (len >= sizeof(out->buf))
		return np_error_set(err, NP_EUSAGE, "explain: target is too long (%zu bytes)", len);
	memcpy(out->buf, text, len + 1);
	p = out->buf;
	parts[n++] = p;
	while ((p = strchr(p, '/')) != NULL) {
		if (n == 3)
			return np_error_set(err, NP_EUSAGE,
					    "explain: target has too many parts (POD, NS/POD, KIND/NAME or NS/KIND/NAME)");
		*p++ = '\0';
		parts[n++] = p;
	}
	for (size_t i = 0; i < n; i++)
		if (!*parts[i])
			return np_error_set(err, NP_EUSAGE,
					    "explain: target has an empty part (POD, NS/POD, KIND/NAME or NS/KIND/NAME)");
	if (n == 1) {
		out->kind = "Pod";
		out->name = parts[0];
	} else if (n == 2) {
		const char *k = kind_lookup(parts[0], strlen(parts[0]));

		if (k) {
			out->kind = k;
			out->or_namespace = parts[0];
		} else {
			out->namespace = parts[0];
			out->kind = "Pod";
		}
		out->name = parts[1];
	} else {
		out->namespace = parts[0];
		out->kind = kind_lookup(parts[1], strlen(parts[1]));
		if (!out->kind)
			return np_error_set(err, NP_EUSAGE,
					    "explain: unknown kind \"%s\" (po, deploy, sts, ds, rs, job, cj)",
					    parts[1]);
		out->name = parts[2];
	}
	return 0;
}

const char *np_explain_why_name(enum np_explain_why w)
{
	switch (w) {
	case NP_WHY_SELECTOR: return "selectorMismatch";
	case NP_WHY_INVALID: return "invalidSelector";
	case NP_WHY_CALICO: return "calicoSelectorMismatch";
	case NP_WHY_CALICO_ERROR: return "calicoSelectorError";
	case NP_WHY_IGNORED: return "ignored";
	case NP_WHY_HOST_NETWORK: return "hostNetwork";
	case NP_WHY_TERMINATED: return "terminated";
	case NP_WHY_IDLE: return "idle";
	case NP_WHY_NO_DIRECTION: return "noDirection";
	case NP_WHY_OUT_OF_SCOPE: return "outOfScope";
	}
	return "unknown";
}

/* ---- helpers ---- */

static void *alloc_array(struct np_arena *a, size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	if (size && n > SIZE_MAX / size)
		return NULL;
	return np_arena_alloc(a, n * size);
}

static int nullcmp(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static bool streq(const char *a, const char *b)
{
	return a && b && (a == b || strcmp(a, b) == 0);
}

static const char *arena_printf(struct np_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *arena_printf(struct np_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = np_arena_alloc(a, (size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void policy_names(const struct np_model *m, struct np_polref ref, const char **kind,
			 const char **group, const char **ns, const char **name)
{
	if (!ref.xpolicy) {
		const struct np_netpol *np = &m->netpols.v[ref.index];

		*kind = "NetworkPolicy";
		*group = "networking.k8s.io";
		*ns = np->namespace;
		*name = np->name;
	} else {
		const struct np_xpolicy *x = &m->xpolicies.v[ref.index];

		*kind = x->kind ? x->kind : "";
		*group = x->api_group ? x->api_group : "";
		*ns = x->namespace;
		*name = x->name;
	}
}

static int selecting_cmp(const void *pa, const void *pb)
{
	const struct np_explain_policy *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->namespace, b->namespace)) != 0)
		return c;
	if ((c = nullcmp(a->name, b->name)) != 0)
		return c;
	return nullcmp(a->kind, b->kind);
}

static int reason_cmp(const void *pa, const void *pb)
{
	const struct np_explain_reason *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->name, b->name)) != 0)
		return c;
	return nullcmp(a->kind, b->kind);
}

/* ---- one pod ---- */

/* Why a policy whose subject selection matched the pod's labels still does
 * not select it. */
static enum np_explain_why matched_but(const struct np_pod *p, const struct np_pod_coverage *pc)
{
	if (!np_pod_counted(p))
		return NP_WHY_TERMINATED;
	if (p->host_network)
		return NP_WHY_HOST_NETWORK;
	if (pc && !pc->in_scope)
		return p->idle ? NP_WHY_IDLE : NP_WHY_OUT_OF_SCOPE;
	return NP_WHY_NO_DIRECTION;
}

static const char *matched_message(struct np_arena *a, enum np_explain_why why, const struct np_pod *p)
{
	switch (why) {
	case NP_WHY_TERMINATED:
		return arena_printf(a, "selector matches, but the pod is terminated (phase %s): not counted",
				    p->phase ? p->phase : "unknown");
	case NP_WHY_HOST_NETWORK:
		return "selector matches, but the pod uses hostNetwork: network policies do not apply";
	case NP_WHY_IDLE:
		return "selector matches an idle workload's template, left out of this run "
		       "(--include-idle-workloads)";
	case NP_WHY_OUT_OF_SCOPE:
		return "selector matches, but the pod's namespace is excluded from this run";
	default:
		return "selects the pod but isolates no direction";
	}
}

/* Reason for a namespaced policy that does not select pod p. */
static int reason_for(struct np_explain_reason *r, struct np_arena *a, const struct np_model *m,
		      const struct np_pod *p, const struct np_pod_coverage *pc)
{
	char buf[768];
	const struct np_selector *sel = NULL;
	const char *sel_name = "podSelector";

	if (!r->ref.xpolicy) {
		sel = &m->netpols.v[r->ref.index].pod_selector;
	} else {
		const struct np_xpolicy *x = &m->xpolicies.v[r->ref.index];

		if (x->ignored) {
			r->why = NP_WHY_IGNORED;
			r->message = "never counts (staged policy, knp./kanp. mirror or host-endpoint only)";
			return 0;
		}
		if (x->xkind == NP_XP_CALICO_NP || x->xkind == NP_XP_CALICO_GNP) {
			const char *expr = x->calico_selector ? x->calico_selector : "all()";
			int v = np_calico_selector_eval(expr, &p->labels);

			if (v < 0) {
				r->why = NP_WHY_CALICO_ERROR;
				r->message = arena_printf(a, "selector \"%s\" cannot be evaluated", expr);
				goto done;
			}
			if (v == 0) {
				r->why = NP_WHY_CALICO;
				r->message = arena_printf(a, "selector \"%s\" is false for the pod's labels",
							  expr);
				goto done;
			}
		} else {
			sel = &x->subject_pods;
			if (x->xkind == NP_XP_CILIUM_NP || x->xkind == NP_XP_CILIUM_CCNP)
				sel_name = "endpointSelector";
		}
	}
	if (sel && sel->invalid) {
		r->why = NP_WHY_INVALID;
		r->message = arena_printf(a, "%s is invalid and selects nothing (see NP-208)", sel_name);
		goto done;
	}
	if (sel && np_selector_first_failure(sel, &p->labels, buf, sizeof(buf))) {
		r->why = NP_WHY_SELECTOR;
		r->message = r->ref.xpolicy ? arena_printf(a, "%s: %s", sel_name, buf)
					    : arena_printf(a, "%s", buf);
		goto done;
	}
	r->why = matched_but(p, pc);
	r->message = matched_message(a, r->why, p);
done:
	return r->message ? 0 : NP_ENOMEM;
}

static bool finding_is_about(const struct np_finding *f, const struct np_pod *p)
{
	if (!streq(f->namespace, p->namespace) || !f->kind || !f->name)
		return false;
	if (!p->is_template && strcmp(f->kind, "Pod") == 0 && streq(f->name, p->name))
		return true;
	if (p->top.kind && streq(f->kind, p->top.kind) && streq(f->name, p->top.name))
		return true;
	if (p->has_owner && streq(f->kind, p->owner.kind) && streq(f->name, p->owner.name))
		return true;
	return false;
}

static int explain_pod(struct np_explain_subject *s, struct np_arena *a, const struct np_model *m,
		       const struct np_coverage *cov, const struct np_report *report, size_t idx)
{
	const struct np_pod *p = &m->pods.v[idx];
	const struct np_pod_coverage *pc = cov && idx < cov->n_pods ? &cov->pods[idx] : NULL;
	size_t i, j, k, n;
	int rc;

	s->pod = p;
	s->host_network = p->host_network;
	s->is_template = p->is_template;
	s->terminated = !np_pod_counted(p);
	s->idle = p->idle;
	s->in_scope = pc && pc->in_scope;
	if (pc && !p->host_network) {
		s->ingress_isolated = pc->ingress_isolated;
		s->egress_isolated = pc->egress_isolated;
	}
	s->undecidable = pc && pc->undecidable;

	/* Selecting policies: the union of both directions' lists. */
	n = pc && !p->host_network ? pc->n_ingress + pc->n_egress : 0;
	s->selecting = alloc_array(a, n, sizeof(*s->selecting));
	if (!s->selecting)
		return NP_ENOMEM;
	for (i = 0; i < n; i++) {
		bool ing = i < pc->n_ingress;
		struct np_polref ref = ing ? pc->ingress[i] : pc->egress[i - pc->n_ingress];
		unsigned dir = ing ? NP_DIR_INGRESS : NP_DIR_EGRESS;

		if (ref.xpolicy ? ref.index >= m->xpolicies.n : ref.index >= m->netpols.n)
			continue;
		for (j = 0; j < s->n_selecting; j++)
			if (s->selecting[j].ref.xpolicy == ref.xpolicy &&
			    s->selecting[j].ref.index == ref.index)
				break;
		if (j == s->n_selecting) {
			struct np_explain_policy *ep = &s->selecting[s->n_selecting++];

			ep->ref = ref;
			policy_names(m, ref, &ep->kind, &ep->api_group, &ep->namespace, &ep->name);
		}
		s->selecting[j].dirs |= dir;
	}
	qsort(s->selecting, s->n_selecting, sizeof(*s->selecting), selecting_cmp);

	/* Policies of the pod's namespace that do not select it. */
	n = 0;
	for (i = 0; i < m->netpols.n; i++)
		n += streq(m->netpols.v[i].namespace, p->namespace);
	for (i = 0; i < m->xpolicies.n; i++)
		n += streq(m->xpolicies.v[i].namespace, p->namespace);
	s->not_selecting = alloc_array(a, n, sizeof(*s->not_selecting));
	if (!s->not_selecting)
		return NP_ENOMEM;
	for (k = 0; k < 2; k++) {
		size_t count = k == 0 ? m->netpols.n : m->xpolicies.n;

		for (i = 0; i < count; i++) {
			struct np_polref ref = { k == 1, i };
			const char *ns = k == 0 ? m->netpols.v[i].namespace : m->xpolicies.v[i].namespace;
			struct np_explain_reason *r;

			if (!streq(ns, p->namespace))
				continue;
			for (j = 0; j < s->n_selecting; j++)
				if (s->selecting[j].ref.xpolicy == ref.xpolicy &&
				    s->selecting[j].ref.index == ref.index)
					break;
			if (j < s->n_selecting)
				continue;
			r = &s->not_selecting[s->n_not_selecting++];
			r->ref = ref;
			policy_names(m, ref, &r->kind, &r->api_group, &r->namespace, &r->name);
			if ((rc = reason_for(r, a, m, p, pc)) < 0)
				return rc;
		}
	}
	qsort(s->not_selecting, s->n_not_selecting, sizeof(*s->not_selecting), reason_cmp);

	/* Audit findings about the pod or its workload. */
	if (report) {
		n = 0;
		for (i = 0; i < report->controls.n; i++)
			for (j = 0; j < report->controls.v[i].findings.n; j++)
				n += finding_is_about(&report->controls.v[i].findings.v[j], p);
		s->findings = alloc_array(a, n, sizeof(*s->findings));
		s->finding_controls = alloc_array(a, n, sizeof(*s->finding_controls));
		if (!s->findings || !s->finding_controls)
			return NP_ENOMEM;
		for (i = 0; i < report->controls.n; i++) {
			const struct np_control_result *c = &report->controls.v[i];

			for (j = 0; j < c->findings.n; j++) {
				if (!finding_is_about(&c->findings.v[j], p))
					continue;
				s->findings[s->n_findings] = &c->findings.v[j];
				s->finding_controls[s->n_findings++] = c;
			}
		}
	}
	return 0;
}

/* Two pods get the same answer: one subject. */
static bool same_answer(const struct np_explain_subject *a, const struct np_explain_subject *b)
{
	size_t i;

	if (a->in_scope != b->in_scope || a->host_network != b->host_network ||
	    a->is_template != b->is_template || a->terminated != b->terminated || a->idle != b->idle ||
	    a->ingress_isolated != b->ingress_isolated || a->egress_isolated != b->egress_isolated ||
	    a->undecidable != b->undecidable || a->n_selecting != b->n_selecting ||
	    a->n_not_selecting != b->n_not_selecting || a->n_findings != b->n_findings)
		return false;
	if (nullcmp(a->pod->phase, b->pod->phase) != 0)
		return false;
	for (i = 0; i < a->n_selecting; i++)
		if (a->selecting[i].ref.xpolicy != b->selecting[i].ref.xpolicy ||
		    a->selecting[i].ref.index != b->selecting[i].ref.index ||
		    a->selecting[i].dirs != b->selecting[i].dirs)
			return false;
	for (i = 0; i < a->n_not_selecting; i++)
		if (a->not_selecting[i].ref.xpolicy != b->not_selecting[i].ref.xpolicy ||
		    a->not_selecting[i].ref.index != b->not_selecting[i].ref.index ||
		    a->not_selecting[i].why != b->not_selecting[i].why ||
		    strcmp(a->not_selecting[i].message, b->not_selecting[i].message) != 0)
			return false;
	for (i = 0; i < a->n_findings; i++)
		if (a->findings[i] != b->findings[i])
			return false;
	return true;
}

/* ---- resolving the target ---- */

static bool pod_matches(const struct np_pod *p, const struct np_explain_target *t, const char *ns,
			bool templates)
{
	if (ns && !streq(p->namespace, ns))
		return false;
	if (strcmp(t->kind, "Pod") == 0)
		return p->is_template == templates && streq(p->name, t->name);
	if (p->top.kind && strcmp(p->top.kind, t->kind) == 0 && streq(p->top.name, t->name))
		return true;
	return p->has_owner && p->owner.kind && strcmp(p->owner.kind, t->kind) == 0 &&
	       streq(p->owner.name, t->name);
}

struct pod_ix {
	const struct np_pod *p;
	size_t idx;
};

static int pod_ix_cmp(const void *pa, const void *pb)
{
	const struct pod_ix *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->p->namespace, b->p->namespace)) != 0)
		return c;
	if ((c = nullcmp(a->p->name, b->p->name)) != 0)
		return c;
	if (a->p->is_template != b->p->is_template)
		return a->p->is_template ? 1 : -1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct np_explain_candidate *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->namespace, b->namespace)) != 0)
		return c;
	if ((c = nullcmp(a->kind, b->kind)) != 0)
		return c;
	return nullcmp(a->name, b->name);
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; hay[i]; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return true;
	return n == 0;
}

/* Candidates: every (namespace, kind, name) a pod answers to whose name
 * equals the target's (when exact) or contains it. Sorted, unique, capped. */
static int collect_candidates(struct np_explanation *e, const struct np_model *m,
			      const struct np_explain_target *t, const char *ns, bool exact)
{
	struct np_explain_candidate *c;
	size_t i, n = 0, cap = 64, j;
	int rc = 0;

	c = malloc(cap * sizeof(*c));
	if (!c)
		return NP_ENOMEM;
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		struct np_explain_candidate v[3];
		size_t nv = 0, x;

		if (ns && !streq(p->namespace, ns))
			continue;
		if (!p->is_template)
			v[nv++] = (struct np_explain_candidate){ p->namespace, "Pod", p->name };
		if (p->top.kind && p->top.name && strcmp(p->top.kind, "Pod") != 0)
			v[nv++] = (struct np_explain_candidate){ p->namespace, p->top.kind, p->top.name };
		if (p->has_owner && p->owner.kind && p->owner.name &&
		    !(streq(p->owner.kind, p->top.kind) && streq(p->owner.name, p->top.name)))
			v[nv++] = (struct np_explain_candidate){ p->namespace, p->owner.kind,
								 p->owner.name };
		for (x = 0; x < nv; x++) {
			bool ok = exact ? streq(v[x].name, t->name) : contains_ci(v[x].name, t->name);

			if (!ok)
				continue;
			if (n == cap) {
				struct np_explain_candidate *nc;

				if (cap > SIZE_MAX / 2 / sizeof(*c)) {
					rc = NP_ENOMEM;
					goto out;
				}
				nc = realloc(c, cap * 2 * sizeof(*c));
				if (!nc) {
					rc = NP_ENOMEM;
					goto out;
				}
				c = nc;
				cap *= 2;
			}
			c[n++] = v[x];
		}
	}
	qsort(c, n, sizeof(*c), cand_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || cand_cmp(&c[j - 1], &c[i]) != 0)
			c[j++] = c[i];
	n = j < MAX_CANDIDATES ? j : MAX_CANDIDATES;
	e->candidates = alloc_array(&e->mem, n, sizeof(*e->candidates));
	if (!e->candidates) {
		rc = NP_ENOMEM;
		goto out;
	}
	memcpy(e->candidates, c, n * sizeof(*c));
	e->n_candidates = n;
out:
	free(c);
	return rc;
}

static const char *target_text(const struct np_explain_target *t, const char *ns, char *buf,
			       size_t len)
{
	if (strcmp(t->kind, "Pod") == 0)
		snprintf(buf, len, "pod %s%s%s", ns ? ns : "", ns ? "/" : "", t->name);
	else
		snprintf(buf, len, "%s %s%s%s", t->kind, ns ? ns : "", ns ? "/" : "", t->name);
	return buf;
}

int np_explain_build(struct np_explanation *out, const struct np_model *m,
		     const struct np_coverage *cov, const struct np_report *report,
		     const struct np_explain_target *target, const char *default_ns,
		     struct np_error *err)
{
	struct np_explanation *e = out;
	const char *ns = target->namespace ? target->namespace : default_ns;
	struct pod_ix *ix = NULL;
	size_t i, n = 0;
	char what[600];
	int rc = 0;

	memset(e, 0, sizeof(*e));
	np_arena_init(&e->mem);
	e->kind = target->kind;
	e->name = target->name;

	ix = calloc(m->pods.n ? m->pods.n : 1, sizeof(*ix));
	if (!ix) {
		rc = np_error_set(err, NP_ENOMEM, "explain: out of memory");
		goto out;
	}
	for (i = 0; i < m->pods.n; i++)
		if (pod_matches(&m->pods.v[i], target, ns, false))
			ix[n++] = (struct pod_ix){ &m->pods.v[i], i };
	/* A POD target names a real pod; a workload's template pod answers
	 * only when no real pod does. */
	if (n == 0 && strcmp(target->kind, "Pod") == 0)
		for (i = 0; i < m->pods.n; i++)
			if (pod_matches(&m->pods.v[i], target, ns, true))
				ix[n++] = (struct pod_ix){ &m->pods.v[i], i };
	/* "jobs/run-1": no Job run-1, but maybe pod run-1 of namespace "jobs". */
	if (n == 0 && target->or_namespace) {
		struct np_explain_target alt = *target;

		alt.namespace = target->or_namespace;
		alt.kind = "Pod";
		alt.or_namespace = NULL;
		for (i = 0; i < m->pods.n; i++)
			if (pod_matches(&m->pods.v[i], &alt, alt.namespace, false))
				ix[n++] = (struct pod_ix){ &m->pods.v[i], i };
		if (n > 0)
			e->kind = "Pod";
	}
	qsort(ix, n, sizeof(*ix), pod_ix_cmp);

	target_text(target, ns, what, sizeof(what));
	if (n == 0) {
		if ((rc = collect_candidates(e, m, target, NULL, true)) < 0 ||
		    (e->n_candidates == 0 && (rc = collect_candidates(e, m, target, ns, false)) < 0)) {
			np_error_set(err, rc, "explain: out of memory");
			goto out;
		}
		rc = np_error_set(err, NP_ENOTFOUND, "%s not found%s", what,
				  e->n_candidates ? "; candidates:" : "");
		goto out;
	}
	if (nullcmp(ix[0].p->namespace, ix[n - 1].p->namespace) != 0) {
		if ((rc = collect_candidates(e, m, target, NULL, true)) < 0) {
			np_error_set(err, rc, "explain: out of memory");
			goto out;
		}
		rc = np_error_set(err, NP_ENOTFOUND,
				  "%s is ambiguous: it exists in several namespaces (use NS/%s or -n); candidates:",
				  what, strcmp(target->kind, "Pod") == 0 ? "POD" : "KIND/NAME");
		goto out;
	}
	e->namespace = ix[0].p->namespace;

	e->subjects = alloc_array(&e->mem, n, sizeof(*e->subjects));
	if (!e->subjects) {
		rc = np_error_set(err, NP_ENOMEM, "explain: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct np_explain_subject *s = &e->subjects[e->n_subjects];
		size_t j;

		memset(s, 0, sizeof(*s));
		if ((rc = explain_pod(s, &e->mem, m, cov, report, ix[i].idx)) < 0) {
			np_error_set(err, rc, "explain: out of memory");
			goto out;
		}
		for (j = 0; j < e->n_subjects; j++)
			if (same_answer(&e->subjects[j], s))
				break;
		if (j == e->n_subjects) {
			s->pods = alloc_array(&e->mem, n - i, sizeof(*s->pods));
			if (!s->pods) {
				rc = np_error_set(err, NP_ENOMEM, "explain: out of memory");
				goto out;
			}
			e->n_subjects++;
		}
		/* Pods come by name, so each subject's list stays sorted. */
		e->subjects[j].pods[e->subjects[j].n_pods++] = ix[i].p;
	}
out:
	free(ix);
	if (rc < 0 && rc != NP_ENOTFOUND) {
		np_explanation_release(e);
	} else if (rc == NP_ENOTFOUND) {
		e->n_subjects = 0;
		e->subjects = NULL;
	}
	return rc;
}

void np_explanation_release(struct np_explanation *e)
{
	if (!e)
		return;
	np_arena_release(&e->mem);
	memset(e, 0, sizeof(*e));
}
