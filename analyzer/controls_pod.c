/* Pod controls: NP-103 (isolation, grouped by workload), NP-202 (policies
 * selecting nothing) and NP-206 (hostNetwork pods), DESIGN §5.3. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/audit.h"
#include "netpol/selector.h"
#include "audit_priv.h"

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* The workload a pod is reported under: its top owner, or the pod itself. */
static void pod_subject(const struct np_pod *p, const char **kind, const char **group,
			const char **name)
{
	if (p->top.kind && p->top.name) {
		*kind = p->top.kind;
		*group = p->top.api_group ? p->top.api_group : "";
		*name = p->top.name;
	} else {
		*kind = "Pod";
		*group = "";
		*name = p->name;
	}
}

/* One failing pod, before grouping by (namespace, workload, level, directions). */
struct rec {
	size_t pod;
	const char *ns, *kind, *group, *name;
	enum np_status level;
	unsigned dirs;
};

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c = strcmp0(x->ns, y->ns);

	if (c)
		return c;
	if ((c = strcmp0(x->kind, y->kind)) || (c = strcmp0(x->group, y->group)) ||
	    (c = strcmp0(x->name, y->name)))
		return c;
	if (x->level != y->level)
		return x->level == NP_ST_FAIL ? -1 : 1;
	if (x->dirs != y->dirs)
		return x->dirs < y->dirs ? -1 : 1;
	return x->pod < y->pod ? -1 : x->pod > y->pod;
}

static bool same_subject(const struct rec *a, const struct rec *b)
{
	return strcmp0(a->ns, b->ns) == 0 && strcmp0(a->kind, b->kind) == 0 &&
	       strcmp0(a->group, b->group) == 0 && strcmp0(a->name, b->name) == 0;
}

struct recs {
	struct rec *v;
	size_t n, cap;
};

static int recs_push(struct recs *rs, const struct rec *r)
{
	if (rs->n == rs->cap) {
		size_t ncap = rs->cap ? rs->cap * 2 : 32;
		struct rec *nv;

		if (ncap > SIZE_MAX / sizeof(*nv))
			return NP_ENOMEM;
		nv = realloc(rs->v, ncap * sizeof(*nv));
		if (!nv)
			return NP_ENOMEM;
		rs->v = nv;
		rs->cap = ncap;
	}
	rs->v[rs->n++] = *r;
	return 0;
}

static const struct np_loc *subject_loc(const struct np_audit_ctx *ctx, const struct rec *r)
{
	const struct np_workload *w = NULL;

	if (strcmp(r->kind, "Pod") != 0)
		w = audit_find_workload(ctx, r->kind, r->ns, r->name);
	return w ? &w->loc : &ctx->m->pods.v[r->pod].loc;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Labels worth selecting on: drop the per-revision and per-pod ones. */
static bool stable_label(const char *k)
{
	return strcmp(k, "pod-template-hash") != 0 && strcmp(k, "controller-revision-hash") != 0 &&
	       strcmp(k, "statefulset.kubernetes.io/pod-name") != 0 &&
	       strcmp(k, "pod-template-generation") != 0 &&
	       strcmp(k, "apps.kubernetes.io/pod-index") != 0 &&
	       strcmp(k, "batch.kubernetes.io/controller-uid") != 0 &&
	       strcmp(k, "controller-uid") != 0 &&
	       strcmp(k, "batch.kubernetes.io/job-name") != 0 && strcmp(k, "job-name") != 0;
}

static const char *np103_remediation(struct np_audit_ctx *ctx, const struct rec *r)
{
	const struct np_pod *p = &ctx->m->pods.v[r->pod];
	char sel[256];
	size_t i, pos = 0;

	sel[0] = '\0';
	for (i = 0; i < p->labels.n && pos < sizeof(sel) - 1; i++) {
		int n;

		if (!stable_label(p->labels.keys[i]))
			continue;
		n = snprintf(sel + pos, sizeof(sel) - pos, "%s%s: %s", pos ? ", " : "",
			     p->labels.keys[i], p->labels.values[i]);
		if (n < 0 || (size_t)n >= sizeof(sel) - pos)
			break;
		pos += (size_t)n;
	}
	return np_report_strf(ctx->r,
		"select %s %s/%s with a NetworkPolicy listing %s in policyTypes (podSelector "
		"matchLabels {%s}), or add a namespace default-deny (NP-201) and allow what it needs",
		r->kind, r->ns, r->name,
		(r->dirs & NP_DIR_INGRESS) && (r->dirs & NP_DIR_EGRESS) ? "Ingress and Egress" :
		(r->dirs & NP_DIR_INGRESS) ? "Ingress" : "Egress", sel);
}

static int np103_kics(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	long long evaluated = 0, flagged = 0;
	size_t i;

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const struct np_pod_coverage *pc = &ctx->cov->pods[i];
		const struct np_netpol *np;
		struct np_finding *f;

		if (p->is_template || !audit_ns_in_scope(ctx, p->namespace) ||
		    !audit_ns_readable(ctx, p->namespace, RES_POD_CONTROLS))
			continue;
		evaluated++;
		if (!pc->kics_flagged)
			continue;
		flagged++;
		np = &m->netpols.v[pc->kics_policy];
		f = audit_add_finding(ctx, res, NP_ST_FAIL, "Pod", "", p->namespace, p->name, &p->loc);
		if (!f)
			return NP_ENOMEM;
		f->message = np_report_strf(ctx->r,
			"Pod %s has no ingress or egress rules in matching NetworkPolicy %s/%s",
			p->name, np->namespace ? np->namespace : "", np->name ? np->name : "");
		f->remediation = np_report_strf(ctx->r,
			"list Ingress and Egress in spec.policyTypes of NetworkPolicy %s/%s",
			np->namespace ? np->namespace : "", np->name ? np->name : "");
		f->directions = NP_DIR_INGRESS | NP_DIR_EGRESS;
		f->pods = 1;
	}
	res->evaluated = evaluated;
	res->passing = evaluated - flagged;
	if (flagged) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r,
			"%lld %s matched by a NetworkPolicy with neither ingress nor egress",
			flagged, flagged == 1 ? "pod is" : "pods are");
	} else {
		res->status = NP_ST_PASS;
		res->summary = m->netpols.n ?
			np_report_strf(ctx->r, "no pod is matched by a NetworkPolicy without ingress "
				       "or egress (%lld pods)", evaluated) :
			"no NetworkPolicy in input: nothing to check (KICS semantics)";
	}
	res->remediation = "Give every NetworkPolicy that matches a pod Ingress and Egress in "
			   "spec.policyTypes (KICS 0401f71b).";
	return 0;
}

int np_control_np103(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	bool idle = ctx->opt->scope.include_idle;
	struct recs rs = { 0 };
	long long evaluated = 0, passing = 0, fail_pods = 0;
	size_t i, fail_groups = 0, warn_groups = 0;
	unsigned fail_dirs = 0;
	int rc = 0;

	if (ctx->opt->kics)
		return np103_kics(ctx, res);

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const struct np_pod_coverage *pc = &ctx->cov->pods[i];
		unsigned missing = 0, hard, soft;
		struct rec r;

		if (!pc->in_scope || !np_pod_isolatable(p, idle) ||
		    !audit_ns_readable(ctx, p->namespace, RES_POD_CONTROLS))
			continue;
		evaluated++;
		if (!pc->ingress_isolated)
			missing |= NP_DIR_INGRESS;
		if (!pc->egress_isolated)
			missing |= NP_DIR_EGRESS;
		if (!missing) {
			passing++;
			continue;
		}
		/* A direction an unevaluable policy might isolate is WARN, never FAIL or PASS. */
		soft = missing & pc->undecidable_dirs;
		hard = missing & ~soft;
		memset(&r, 0, sizeof(r));
		r.pod = i;
		r.ns = p->namespace;
		pod_subject(p, &r.kind, &r.group, &r.name);
		if (hard) {
			r.level = NP_ST_FAIL;
			r.dirs = hard;
			if ((rc = recs_push(&rs, &r)) < 0)
				goto out;
		}
		if (soft) {
			r.level = NP_ST_WARN;
			r.dirs = soft;
			if ((rc = recs_push(&rs, &r)) < 0)
				goto out;
		}
	}
	if (rs.n > 1)
		qsort(rs.v, rs.n, sizeof(*rs.v), rec_cmp);

	for (i = 0; i < rs.n;) {
		const struct rec *r = &rs.v[i];
		size_t k = i, n_real = 0, n_tmpl = 0;
		struct np_finding *f;

		while (k < rs.n && same_subject(&rs.v[k], r) && rs.v[k].level == r->level &&
		       rs.v[k].dirs == r->dirs) {
			if (m->pods.v[rs.v[k].pod].is_template)
				n_tmpl++;
			else
				n_real++;
			k++;
		}
		f = audit_add_finding(ctx, res, r->level, r->kind, r->group, r->ns, r->name,
				      subject_loc(ctx, r));
		if (!f) {
			rc = NP_ENOMEM;
			goto out;
		}
		f->directions = r->dirs;
		f->pods = (long long)n_real;
		f->is_template = n_real == 0 && n_tmpl > 0;
		if (r->level == NP_ST_FAIL) {
			if (f->is_template)
				f->message = np_report_strf(ctx->r,
					"%s %s (no running pods) is not isolated for %s", r->kind,
					r->name, audit_dirs_words(r->dirs, false));
			else
				f->message = np_report_strf(ctx->r, "%zu %s not isolated for %s", n_real,
							    plural(n_real, "pod is", "pods are"),
							    audit_dirs_words(r->dirs, false));
			f->remediation = np103_remediation(ctx, r);
			fail_groups++;
			fail_pods += (long long)n_real;
			fail_dirs |= r->dirs;
		} else {
			f->message = np_report_strf(ctx->r,
				"%zu %s may not be isolated for %s: a selecting policy could not be "
				"evaluated (Calico selector syntax or a namespace not in the input)",
				n_real + n_tmpl, plural(n_real + n_tmpl, "pod", "pods"),
				audit_dirs_words(r->dirs, false));
			warn_groups++;
		}
		i = k;
	}

	res->evaluated = evaluated;
	res->passing = passing;
	if (fail_groups) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu %s (%lld %s) %s not isolated for %s",
					      fail_groups, plural(fail_groups, "workload", "workloads"),
					      fail_pods, plural((size_t)fail_pods, "pod", "pods"),
					      fail_groups == 1 ? "is" : "are",
					      audit_dirs_words(fail_dirs, true));
	} else if (warn_groups) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r,
			"%zu %s may not be isolated: selectors could not be evaluated", warn_groups,
			plural(warn_groups, "workload", "workloads"));
	} else {
		res->status = NP_ST_PASS;
		res->summary = evaluated ?
			np_report_strf(ctx->r, "all %lld pods are isolated for ingress and egress",
				       evaluated) :
			"no pods to isolate";
	}
	res->remediation =
		"Isolate every pod in both directions: a namespace default-deny (NP-201, with DNS "
		"egress) isolates all of its pods at once; then allow each workload's traffic with "
		"NetworkPolicies selecting it.";
out:
	free(rs.v);
	return rc;
}

/* ---- NP-202 ---- */

int np_control_np202(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	long long evaluated = 0, passing = 0;
	size_t i, j, failing = 0, warned = 0;

	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];
		const struct np_policy_coverage *pc = &ctx->cov->netpols[i];
		const struct np_selector *sel = &np->pod_selector;
		struct np_loc loc = np->loc;
		char desc[256], why[320];
		struct np_finding *f;

		if (!audit_ns_in_scope(ctx, np->namespace) ||
		    !audit_ns_readable(ctx, np->namespace, RES_POD_CONTROLS))
			continue;
		evaluated++;
		/* A structurally empty selector covers every pod the namespace will hold. */
		if (!sel->invalid && np_selector_is_empty(sel)) {
			passing++;
			continue;
		}
		if (pc->selected + pc->selected_idle > 0) {
			passing++;
			continue;
		}
		if (sel->line > 0) {
			loc.line = sel->line;
			loc.column = sel->column;
		}
		np_selector_format(sel, desc, sizeof(desc));
		if (!sel->invalid && pc->selected_host_network > 0) {
			f = audit_add_finding(ctx, res, NP_ST_WARN, "NetworkPolicy",
					      audit_netpol_group(np), np->namespace, np->name, &loc);
			if (!f)
				return NP_ENOMEM;
			f->message = np_report_strf(ctx->r,
				"podSelector %s selects only hostNetwork pods (%zu), which NetworkPolicy "
				"cannot isolate", desc, pc->selected_host_network);
			f->pods = (long long)pc->selected_host_network;
			warned++;
			continue;
		}
		/* Explain against a pod of the namespace, as explain does. */
		why[0] = '\0';
		j = sel->invalid ? SIZE_MAX : audit_ns_first_pod(ctx, np->namespace);
		if (j != SIZE_MAX) {
			const struct np_pod *p = &m->pods.v[j];
			char fail[256];

			if (np_selector_first_failure(sel, &p->labels, fail, sizeof(fail)))
				snprintf(why, sizeof(why), " (e.g. %s %s: %s)",
					 p->is_template ? p->top.kind ? p->top.kind : "workload" : "pod",
					 p->name, fail);
		}
		f = audit_add_finding(ctx, res, NP_ST_FAIL, "NetworkPolicy", audit_netpol_group(np),
				      np->namespace, np->name, &loc);
		if (!f)
			return NP_ENOMEM;
		if (sel->invalid)
			f->message = np_report_strf(ctx->r,
				"podSelector is invalid and selects nothing (see NP-208)");
		else
			f->message = np_report_strf(ctx->r, "podSelector %s matches no pod in namespace %s%s",
						    desc, np->namespace ? np->namespace : "", why);
		f->pods = 0;
		f->remediation = np_report_strf(ctx->r,
			"fix the podSelector of %s/%s to match the intended pods' labels, or delete the "
			"policy if its workload is gone", np->namespace ? np->namespace : "",
			np->name ? np->name : "");
		failing++;
	}
	res->evaluated = evaluated;
	res->passing = passing;
	if (failing) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu of %lld NetworkPolicies select no pod",
					      failing, evaluated);
	} else if (warned) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r, "%zu NetworkPolicies select only hostNetwork pods",
					      warned);
	} else {
		res->status = NP_ST_PASS;
		res->summary = np_report_strf(ctx->r, "all %lld NetworkPolicies select a pod",
					      evaluated);
	}
	res->remediation = "A policy that selects no pod protects nothing: correct its podSelector "
			   "(labels are case-sensitive; a Deployment's pod labels are those of its "
			   "template) or delete it.";
	return 0;
}

/* ---- NP-206 ---- */

int np_control_np206(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	struct recs rs = { 0 };
	long long evaluated = 0, host = 0;
	size_t i, groups = 0;
	int rc = 0;

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const struct np_pod_coverage *pc = &ctx->cov->pods[i];
		struct rec r;

		if (!pc->in_scope || np_namespace_is_system(p->namespace) ||
		    !audit_ns_readable(ctx, p->namespace, RES_POD_CONTROLS))
			continue;
		evaluated++;
		if (!p->host_network)
			continue;
		host++;
		memset(&r, 0, sizeof(r));
		r.pod = i;
		r.ns = p->namespace;
		r.level = NP_ST_WARN;
		pod_subject(p, &r.kind, &r.group, &r.name);
		if ((rc = recs_push(&rs, &r)) < 0)
			goto out;
	}
	if (rs.n > 1)
		qsort(rs.v, rs.n, sizeof(*rs.v), rec_cmp);
	for (i = 0; i < rs.n;) {
		const struct rec *r = &rs.v[i];
		size_t k = i, n_real = 0, n_tmpl = 0;
		struct np_finding *f;

		while (k < rs.n && same_subject(&rs.v[k], r)) {
			if (m->pods.v[rs.v[k].pod].is_template)
				n_tmpl++;
			else
				n_real++;
			k++;
		}
		f = audit_add_finding(ctx, res, NP_ST_WARN, r->kind, r->group, r->ns, r->name,
				      subject_loc(ctx, r));
		if (!f) {
			rc = NP_ENOMEM;
			goto out;
		}
		f->pods = (long long)n_real;
		f->is_template = n_real == 0 && n_tmpl > 0;
		f->message = f->is_template ?
			np_report_strf(ctx->r, "%s %s runs with hostNetwork: NetworkPolicy cannot "
				       "isolate its pods", r->kind, r->name) :
			np_report_strf(ctx->r, "%zu hostNetwork %s: NetworkPolicy cannot isolate %s",
				       n_real, plural(n_real, "pod", "pods"),
				       plural(n_real, "it", "them"));
		f->remediation = "drop hostNetwork unless the workload needs the node's network "
				 "namespace; otherwise restrict it with host firewall rules or a CNI "
				 "host policy (Calico HostEndpoint, Cilium host firewall)";
		groups++;
		i = k;
	}
	res->evaluated = evaluated;
	res->passing = evaluated - host;
	if (groups) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r, "%lld hostNetwork %s in %zu %s outside system "
					      "namespaces", host, plural((size_t)host, "pod", "pods"),
					      groups, plural(groups, "workload", "workloads"));
	} else {
		res->status = NP_ST_PASS;
		res->summary = "no hostNetwork pods outside system namespaces";
	}
	res->remediation = "NetworkPolicy does not apply to hostNetwork pods: review each listed "
			   "workload and avoid hostNetwork where possible.";
out:
	free(rs.v);
	return rc;
}
