/* NP-208: objects the API server would reject, from the problems the decoder
 * recorded on each NetworkPolicy (DESIGN §5.3). */
#include <string.h>

#include "netpol/audit.h"
#include "audit_priv.h"

/* Messages listed per finding before "and N more". */
#define MAX_LISTED 5

static const char *join_issues(struct np_audit_ctx *ctx, const struct np_netpol *np,
			       enum np_issue_level level, size_t total)
{
	const char *s = NULL;
	size_t i, listed = 0;

	for (i = 0; i < np->n_issues && listed < MAX_LISTED; i++) {
		const struct np_issue *is = &np->issues[i];

		if (is->level != level || !is->message)
			continue;
		s = s ? np_report_strf(ctx->r, "%s; %s", s, is->message) :
			np_report_strf(ctx->r, "%s", is->message);
		if (!s)
			return NULL;
		listed++;
	}
	if (total > listed)
		s = np_report_strf(ctx->r, "%s; and %zu more", s ? s : "", total - listed);
	return s;
}

int np_control_np208(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	long long evaluated = 0, passing = 0;
	size_t i, j, failing = 0, warned = 0;

	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];
		size_t n_fail = 0, n_warn = 0;
		const struct np_issue *first = NULL;
		enum np_issue_level level;
		struct np_finding *f;
		struct np_loc loc = np->loc;

		if (!audit_ns_in_scope(ctx, np->namespace))
			continue;
		evaluated++;
		for (j = 0; j < np->n_issues; j++) {
			if (np->issues[j].level == NP_ISSUE_FAIL) {
				if (!n_fail++)
					first = &np->issues[j];
			} else {
				n_warn++;
			}
		}
		if (!n_fail && !n_warn) {
			passing++;
			continue;
		}
		level = n_fail ? NP_ISSUE_FAIL : NP_ISSUE_WARN;
		if (!first) {
			for (j = 0; j < np->n_issues && !first; j++)
				if (np->issues[j].level == level)
					first = &np->issues[j];
		}
		if (first && first->line > 0) {
			loc.line = first->line;
			loc.column = first->column;
		}
		f = audit_add_finding(ctx, res, n_fail ? NP_ST_FAIL : NP_ST_WARN, "NetworkPolicy",
				      audit_netpol_group(np), np->namespace, np->name, &loc);
		if (!f)
			return NP_ENOMEM;
		f->message = join_issues(ctx, np, level, n_fail ? n_fail : n_warn);
		if (n_fail) {
			f->remediation = "fix the listed fields: the API server rejects this object, "
					 "and kubectl-netpol treats the invalid parts as allowing or "
					 "selecting nothing";
			failing++;
		} else {
			f->remediation = "remove or correct the ignored parts (rules of a direction "
					 "policyTypes omits are ignored; extensions/v1beta1 is gone "
					 "since Kubernetes 1.16: use networking.k8s.io/v1)";
			warned++;
		}
	}
	res->evaluated = evaluated;
	res->passing = passing;
	if (failing) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu of %lld NetworkPolic%s %s invalid", failing,
					      evaluated, evaluated == 1 ? "y" : "ies", failing == 1 ? "is" : "are");
	} else if (warned) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r, "%zu NetworkPolic%s %s parts Kubernetes ignores",
					      warned, warned == 1 ? "y" : "ies", warned == 1 ? "has" : "have");
	} else {
		res->status = NP_ST_PASS;
		res->summary = np_report_strf(ctx->r, "all %lld NetworkPolicies are valid", evaluated);
	}
	res->remediation = "Validate policies before applying them (`kubectl apply --dry-run=server`); "
			   "invalid selectors select nothing and invalid rules allow nothing here.";
	return 0;
}
