/* Namespace controls: NP-102 (every namespace has a policy) and NP-201 (every
 * namespace has a default-deny per direction), DESIGN §5.3. */
#include <stdlib.h>
#include <string.h>

#include "netpol/audit.h"
#include "netpol/remediate.h"
#include "netpol/selector.h"
#include "audit_priv.h"

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* NetworkPolicies grouped by namespace: (namespace, index) sorted, so each
 * namespace's policies are one binary search away. */
struct np_by_ns {
	const char *ns;
	size_t idx;
};

static int by_ns_cmp(const void *a, const void *b)
{
	const struct np_by_ns *x = a, *y = b;
	int c = strcmp0(x->ns, y->ns);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int index_netpols(const struct np_model *m, struct np_by_ns **out)
{
	size_t i;

	*out = NULL;
	if (!m->netpols.n)
		return 0;
	*out = malloc(m->netpols.n * sizeof(**out));
	if (!*out)
		return NP_ENOMEM;
	for (i = 0; i < m->netpols.n; i++) {
		(*out)[i].ns = m->netpols.v[i].namespace;
		(*out)[i].idx = i;
	}
	if (m->netpols.n > 1)
		qsort(*out, m->netpols.n, sizeof(**out), by_ns_cmp);
	return 0;
}

/* First position of ns in the index, and how many policies it has. */
static size_t netpols_of(const struct np_by_ns *v, size_t n, const char *ns, size_t *count)
{
	size_t lo = 0, hi = n, first;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp0(v[mid].ns, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < n && strcmp0(v[lo].ns, ns) == 0)
		lo++;
	*count = lo - first;
	return first;
}

/* A namespaced policy object of ns that counts for NP-102. */
static bool ns_has_namespaced_policy(const struct np_model *m, const struct np_by_ns *idx,
				     const char *ns)
{
	size_t i, n;

	netpols_of(idx, m->netpols.n, ns, &n);
	if (n)
		return true;
	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];

		if (x->ignored || !x->namespace)
			continue;
		if ((x->xkind == NP_XP_CILIUM_NP || x->xkind == NP_XP_CALICO_NP) &&
		    strcmp0(x->namespace, ns) == 0)
			return true;
	}
	return false;
}

struct cluster_cover {
	const struct np_xpolicy *sure;      /* covers the namespace */
	const struct np_xpolicy *undecided; /* might, on a synthesised namespace */
};

/* Cluster-scoped policies whose namespace selection matches ns, whose pod
 * selection is structurally empty, and that isolate one of dirs. For NP-201
 * (deny_only) only Deny-all rules of ANP/BANP/CNP count. */
static void cluster_cover(const struct np_model *m, const struct np_namespace *ns, unsigned dirs,
			  bool deny_only, struct cluster_cover *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < m->xpolicies.n && !out->sure; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];
		unsigned iso;
		int sel;

		if (x->ignored || x->namespace)
			continue;
		if (deny_only) {
			if (x->xkind != NP_XP_ANP && x->xkind != NP_XP_BANP && x->xkind != NP_XP_CNP)
				continue;
			iso = x->denies_all;
		} else {
			iso = np_xpolicy_isolation(x) | x->isolates;
		}
		if (!(iso & dirs) || !audit_xpolicy_all_pods(x))
			continue;
		sel = np_xpolicy_selects_namespace(x, &ns->labels, ns->synthesized);
		if (sel > 0)
			out->sure = x;
		else if (sel < 0 && !out->undecided)
			out->undecided = x;
	}
}

/* The finding's ready manifest, from the builder `fix` uses too (remediate.h). */
static const char *default_deny(struct np_audit_ctx *ctx, struct np_remediate *rem, const char *ns,
				unsigned dirs, const char *control)
{
	char *text = rem ? np_remediate_default_deny_yaml(rem, ns, dirs, control) : NULL;
	const char *out = text ? np_report_strf(ctx->r, "%s", text) : NULL;

	free(text);
	return out;
}

static const char *pods_note(size_t pods)
{
	return pods ? "" : " (no pods)";
}

int np_control_np102(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	long long evaluated = 0, passing = 0;
	size_t i, failing = 0, warned = 0, cluster_covered = 0;
	struct np_by_ns *idx;
	struct np_remediate *rem = NULL;
	int rc = 0;

	if (index_netpols(m, &idx) < 0)
		return NP_ENOMEM;
	if (np_remediate_new(&rem, m, NULL) < 0) {
		free(idx);
		return NP_ENOMEM;
	}
	for (i = 0; i < m->namespaces.n; i++) {
		const struct np_namespace *ns = &m->namespaces.v[i];
		struct cluster_cover cc;
		struct np_finding *f;
		size_t pods;

		if (!audit_ns_in_scope(ctx, ns->name) ||
		    !audit_ns_readable(ctx, ns->name, RES_NS_POLICIES))
			continue;
		evaluated++;
		if (ns_has_namespaced_policy(m, idx, ns->name)) {
			passing++;
			continue;
		}
		cluster_cover(m, ns, NP_DIR_INGRESS | NP_DIR_EGRESS, false, &cc);
		if (cc.sure) {
			passing++;
			cluster_covered++;
			continue;
		}
		pods = audit_ns_pods(ctx, ns->name);
		if (cc.undecided) {
			f = audit_add_finding(ctx, res, NP_ST_WARN, "Namespace", "", NULL, ns->name,
					      &ns->loc);
			if (!f) {
				rc = NP_ENOMEM;
				goto out;
			}
			f->message = np_report_strf(ctx->r,
				"namespace %s has no NetworkPolicy of its own; cluster-wide %s %s may "
				"cover it, but the namespace is not in the input (its labels are unknown)%s",
				ns->name, cc.undecided->kind, cc.undecided->name, pods_note(pods));
			f->pods = (long long)pods;
			warned++;
			continue;
		}
		f = audit_add_finding(ctx, res, NP_ST_FAIL, "Namespace", "", NULL, ns->name, &ns->loc);
		if (!f) {
			rc = NP_ENOMEM;
			goto out;
		}
		f->message = np_report_strf(ctx->r, "namespace %s has no NetworkPolicy%s", ns->name,
					    pods_note(pods));
		f->pods = (long long)pods;
		f->remediation = default_deny(ctx, rem, ns->name, NP_DIR_INGRESS | NP_DIR_EGRESS,
					      "NP-102");
		failing++;
	}
	res->evaluated = evaluated;
	res->passing = passing;
	if (failing) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu of %lld namespaces have no NetworkPolicy",
					      failing, evaluated);
	} else if (warned) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r,
			"%zu namespaces may be covered only by cluster-wide policies (undecidable)",
			warned);
	} else {
		res->status = NP_ST_PASS;
		res->summary = cluster_covered ?
			np_report_strf(ctx->r, "all %lld namespaces have a NetworkPolicy (%zu through "
				       "cluster-wide policies)", evaluated, cluster_covered) :
			np_report_strf(ctx->r, "all %lld namespaces have a NetworkPolicy", evaluated);
	}
	res->remediation =
		"Give every namespace a NetworkPolicy, starting with a default-deny that still "
		"allows DNS (each finding carries a ready manifest; `kubectl netpol fix` writes "
		"them all). Review system namespaces before applying: their manifests keep DNS, "
		"webhook and API server traffic open.";
	out:
	np_remediate_free(rem);
	free(idx);
	return rc;
}

/* The directions a NetworkPolicy of the namespace default-denies (DESIGN §5.3 NP-201). */
static unsigned netpol_default_denies(const struct np_netpol *p)
{
	unsigned eff, d = 0;
	size_t i;
	bool dns_only = true;

	if (p->pod_selector.invalid || !np_selector_is_empty(&p->pod_selector))
		return 0;
	eff = np_netpol_effective_types(p);
	if ((eff & NP_DIR_INGRESS) && p->n_ingress == 0)
		d |= NP_DIR_INGRESS;
	if (eff & NP_DIR_EGRESS) {
		for (i = 0; i < p->n_egress && dns_only; i++)
			dns_only = audit_rule_dns_only(&p->egress[i]);
		if (dns_only)
			d |= NP_DIR_EGRESS;
	}
	return d;
}

int np_control_np201(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	long long evaluated = 0, passing = 0;
	size_t i, j, failing = 0, warned = 0;
	unsigned all_missing = 0;
	struct np_by_ns *idx;
	struct np_remediate *rem = NULL;
	int rc = 0;

	if (index_netpols(m, &idx) < 0)
		return NP_ENOMEM;
	if (np_remediate_new(&rem, m, NULL) < 0) {
		free(idx);
		return NP_ENOMEM;
	}
	for (i = 0; i < m->namespaces.n; i++) {
		const struct np_namespace *ns = &m->namespaces.v[i];
		unsigned have = 0, missing, undecided = 0;
		struct np_finding *f;
		size_t pods, first, count;

		if (!audit_ns_in_scope(ctx, ns->name) ||
		    !audit_ns_readable(ctx, ns->name, RES_NS_POLICIES))
			continue;
		evaluated++;
		first = netpols_of(idx, m->netpols.n, ns->name, &count);
		for (j = 0; j < count; j++)
			have |= netpol_default_denies(&m->netpols.v[idx[first + j].idx]);
		for (j = 0; j < 2; j++) {
			unsigned dir = j ? NP_DIR_EGRESS : NP_DIR_INGRESS;
			struct cluster_cover cc;

			if (have & dir)
				continue;
			cluster_cover(m, ns, dir, true, &cc);
			if (cc.sure)
				have |= dir;
			else if (cc.undecided)
				undecided |= dir;
		}
		missing = (NP_DIR_INGRESS | NP_DIR_EGRESS) & ~have;
		if (!missing) {
			passing++;
			continue;
		}
		pods = audit_ns_pods(ctx, ns->name);
		if ((missing & ~undecided) == 0) {
			f = audit_add_finding(ctx, res, NP_ST_WARN, "Namespace", "", NULL, ns->name,
					      &ns->loc);
			if (!f) {
				rc = NP_ENOMEM;
				goto out;
			}
			f->message = np_report_strf(ctx->r,
				"namespace %s may lack a default-deny for %s: a cluster-wide Deny-all "
				"might cover it, but the namespace is not in the input%s",
				ns->name, audit_dirs_words(missing, false), pods_note(pods));
			f->directions = missing;
			f->pods = (long long)pods;
			warned++;
			continue;
		}
		f = audit_add_finding(ctx, res, NP_ST_FAIL, "Namespace", "", NULL, ns->name, &ns->loc);
		if (!f) {
			rc = NP_ENOMEM;
			goto out;
		}
		f->message = np_report_strf(ctx->r, "namespace %s has no default-deny for %s%s",
					    ns->name, audit_dirs_words(missing, false), pods_note(pods));
		f->directions = missing;
		f->pods = (long long)pods;
		f->remediation = default_deny(ctx, rem, ns->name, missing, "NP-201");
		all_missing |= missing;
		failing++;
	}
	res->evaluated = evaluated;
	res->passing = passing;
	if (failing) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu of %lld namespaces have no default-deny for %s",
					      failing, evaluated, audit_dirs_words(all_missing, true));
	} else if (warned) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r,
			"%zu namespaces may rely on cluster-wide Deny-all rules (undecidable)", warned);
	} else {
		res->status = NP_ST_PASS;
		res->summary = np_report_strf(ctx->r,
			"all %lld namespaces have a default-deny for ingress and egress", evaluated);
	}
	res->remediation =
		"Add a default-deny NetworkPolicy (empty podSelector, both policyTypes, no rules "
		"except DNS egress) to every namespace, then allow what each workload needs. Each "
		"finding carries a ready manifest; system namespaces get one flagged for review.";
	out:
	np_remediate_free(rem);
	free(idx);
	return rc;
}
