/* Rule controls (DESIGN §5.3): NP-203 (peers that select nothing), NP-204
 * (allow-all rules on otherwise isolated pods), NP-205 (DNS for egress-
 * isolated pods, through the reachability engine) and NP-207 (named ports
 * that resolve nowhere). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/audit.h"
#include "netpol/reach.h"
#include "netpol/selector.h"
#include "audit_priv.h"

#define NS_LABEL "kubernetes.io/metadata.name"

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static const char *dir_key(unsigned d)
{
	return d == NP_DIR_INGRESS ? "ingress" : "egress";
}

/* ---- pods by namespace ---- */

struct pods_ix {
	const struct np_model *m;
	size_t *idx; /* pod indices sorted by namespace */
	size_t n;
};

static const struct np_model *sort_m;

static int pod_ns_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp0(sort_m->pods.v[x].namespace, sort_m->pods.v[y].namespace);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

static int pods_ix_build(struct pods_ix *ix, const struct np_model *m)
{
	size_t i;

	ix->m = m;
	ix->n = 0;
	ix->idx = malloc((m->pods.n ? m->pods.n : 1) * sizeof(*ix->idx));
	if (!ix->idx)
		return NP_ENOMEM;
	for (i = 0; i < m->pods.n; i++)
		if (np_pod_counted(&m->pods.v[i]))
			ix->idx[ix->n++] = i;
	sort_m = m;
	qsort(ix->idx, ix->n, sizeof(*ix->idx), pod_ns_cmp);
	sort_m = NULL;
	return 0;
}

/* The pods of namespace ns: ix->idx[*first .. *first + return). */
static size_t pods_in_ns(const struct pods_ix *ix, const char *ns, size_t *first)
{
	size_t lo = 0, hi = ix->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp0(ix->m->pods.v[ix->idx[mid]].namespace, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (end = lo; end < ix->n && strcmp0(ix->m->pods.v[ix->idx[end]].namespace, ns) == 0; end++)
		;
	return end - lo;
}

/* Only the name label can be judged on a synthesised namespace (DESIGN §4). */
static bool ns_sel_decidable(const struct np_selector *s)
{
	size_t i;

	for (i = 0; i < s->n_labels; i++)
		if (strcmp0(s->label_keys[i], NS_LABEL) != 0)
			return false;
	for (i = 0; i < s->n_exprs; i++)
		if (strcmp0(s->exprs[i].key, NS_LABEL) != 0)
			return false;
	return true;
}

/* ---- what a peer (or a set of peers) matches ---- */

typedef bool (*pod_pred)(const struct np_pod *p, const void *arg);

struct scan {
	size_t ns_matched, ns_undecidable;
	size_t pods;  /* matched pods (non-hostNetwork) */
	size_t host;  /* matched hostNetwork pods */
	bool found;   /* a matched pod satisfied the predicate (or, without one, any pod) */
};

static void scan_ns_pods(const struct pods_ix *ix, const char *ns, const struct np_selector *sel,
			 pod_pred pred, const void *arg, struct scan *s)
{
	size_t first, n = pods_in_ns(ix, ns, &first), i;

	for (i = 0; i < n && !s->found; i++) {
		const struct np_pod *p = &ix->m->pods.v[ix->idx[first + i]];

		if (sel && !np_selector_matches(sel, &p->labels))
			continue;
		if (p->host_network) {
			s->host++;
			continue;
		}
		s->pods++;
		if (!pred || pred(p, arg))
			s->found = true;
	}
}

/* Pods matched by a namespace selection (ns_sel, or namespace pol_ns when
 * ns_sel is NULL) and a pod selector (NULL = all). Stops at the first pod
 * satisfying pred. */
static void scan_peer(const struct pods_ix *ix, const char *pol_ns, const struct np_selector *ns_sel,
		      const struct np_selector *pod_sel, pod_pred pred, const void *arg, struct scan *s)
{
	const struct np_model *m = ix->m;
	size_t i;

	if (!ns_sel) {
		s->ns_matched++;
		scan_ns_pods(ix, pol_ns, pod_sel, pred, arg, s);
		return;
	}
	if (ns_sel->invalid)
		return;
	for (i = 0; i < m->namespaces.n && !s->found; i++) {
		const struct np_namespace *ns = &m->namespaces.v[i];

		if (ns->synthesized && !ns_sel_decidable(ns_sel)) {
			s->ns_undecidable++;
			continue;
		}
		if (!np_selector_matches(ns_sel, &ns->labels))
			continue;
		s->ns_matched++;
		scan_ns_pods(ix, ns->name, pod_sel, pred, arg, s);
	}
}

static const struct np_selector *peer_pod_sel(const struct np_peer *p)
{
	return p->has_pod_sel ? &p->pod_sel : NULL;
}

static const struct np_selector *peer_ns_sel(const struct np_peer *p)
{
	return p->has_ns_sel ? &p->ns_sel : NULL;
}

static struct np_loc peer_loc(const struct np_netpol *np, int line, int column)
{
	struct np_loc loc = np->loc;

	if (line > 0) {
		loc.line = line;
		loc.column = column;
	}
	return loc;
}

static const char *sel_text(struct np_audit_ctx *ctx, const struct np_selector *s)
{
	char buf[256];

	np_selector_format(s, buf, sizeof(buf));
	return np_report_strf(ctx->r, "%s", buf);
}

static struct np_finding *policy_finding(struct np_audit_ctx *ctx, struct np_control_result *res,
					 enum np_status level, const struct np_netpol *np,
					 const struct np_loc *loc, const char *detail)
{
	struct np_finding *f = audit_add_finding(ctx, res, level, "NetworkPolicy",
						 audit_netpol_group(np), np->namespace, np->name, loc);

	if (!f)
		return NULL;
	f->fingerprint = np_report_strf(ctx->r, "%s/%s/NetworkPolicy/%s/%s/%s", res->def->id,
					audit_netpol_group(np), np->namespace ? np->namespace : "",
					np->name ? np->name : "", detail);
	return f;
}

static bool policy_in_run(const struct np_audit_ctx *ctx, const struct np_netpol *np)
{
	return audit_ns_in_scope(ctx, np->namespace) &&
	       audit_ns_readable(ctx, np->namespace, RES_POD_CONTROLS);
}

/* ================= NP-203 ================= */

int np_control_np203(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	struct pods_ix ix;
	long long evaluated = 0, passing = 0;
	size_t i, j, k, fails = 0, warns = 0;
	int rc;

	if ((rc = pods_ix_build(&ix, m)) < 0)
		return rc;
	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];

		if (!policy_in_run(ctx, np))
			continue;
		for (j = 0; j < np->n_ingress + np->n_egress; j++) {
			bool in = j < np->n_ingress;
			size_t ri = in ? j : j - np->n_ingress;
			const struct np_rule *ru = in ? &np->ingress[ri] : &np->egress[ri];

			for (k = 0; k < ru->n_peers; k++) {
				const struct np_peer *p = &ru->peers[k];
				struct scan s;
				struct np_loc loc = peer_loc(np, p->line, p->column);
				const char *path, *what;
				struct np_finding *f;
				enum np_status lvl;

				/* ipBlocks match addresses; empty peers are NP-208's. */
				if (p->ipblock || (!p->has_pod_sel && !p->has_ns_sel))
					continue;
				evaluated++;
				memset(&s, 0, sizeof(s));
				scan_peer(&ix, np->namespace, peer_ns_sel(p), peer_pod_sel(p), NULL, NULL, &s);
				if (s.ns_matched && (!p->has_pod_sel || s.found)) {
					passing++;
					continue;
				}
				path = np_report_strf(ctx->r, "spec.%s[%zu].%s[%zu]", dir_key(in ? NP_DIR_INGRESS :
							NP_DIR_EGRESS), ri, in ? "from" : "to", k);
				if (s.ns_matched == 0) {
					lvl = s.ns_undecidable ? NP_ST_WARN : NP_ST_FAIL;
					what = np_report_strf(ctx->r, "namespaceSelector %s matches no namespace%s",
							      sel_text(ctx, &p->ns_sel), s.ns_undecidable ?
							      np_report_strf(ctx->r, " in the input (%zu namespaces "
									     "known only by name cannot be "
									     "judged)", s.ns_undecidable) : "");
				} else if (s.host) {
					lvl = NP_ST_WARN;
					what = np_report_strf(ctx->r, "podSelector %s matches only hostNetwork pods "
							      "(%zu), which pod selectors do not reach",
							      sel_text(ctx, &p->pod_sel), s.host);
				} else {
					lvl = s.ns_undecidable ? NP_ST_WARN : NP_ST_FAIL;
					what = p->has_ns_sel ?
						np_report_strf(ctx->r, "podSelector %s matches no pod in the %zu "
							       "namespaces namespaceSelector %s selects",
							       sel_text(ctx, &p->pod_sel), s.ns_matched,
							       sel_text(ctx, &p->ns_sel)) :
						np_report_strf(ctx->r, "podSelector %s matches no pod in namespace %s",
							       sel_text(ctx, &p->pod_sel),
							       np->namespace ? np->namespace : "");
				}
				f = policy_finding(ctx, res, lvl, np, &loc, path + 5);
				if (!f) {
					free(ix.idx);
					return NP_ENOMEM;
				}
				f->message = np_report_strf(ctx->r, "%s: %s", path, what);
				f->remediation = np_report_strf(ctx->r,
					"fix the selector of %s (labels are case-sensitive; pods of a Deployment "
					"carry its template's labels) or remove the peer", path);
				if (lvl == NP_ST_FAIL)
					fails++;
				else
					warns++;
			}
		}
	}
	free(ix.idx);
	res->evaluated = evaluated;
	res->passing = passing;
	if (fails) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu of %lld rule peers select nothing", fails,
					      evaluated);
	} else if (warns) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r, "%zu rule peers may select nothing (undecidable "
					      "or hostNetwork only)", warns);
	} else {
		res->status = NP_ST_PASS;
		res->summary = np_report_strf(ctx->r, "all %lld rule peers select a namespace or pod",
					      evaluated);
	}
	res->remediation = "A peer that selects nothing allows nothing: the traffic it was written for "
			   "is blocked. Correct its namespaceSelector/podSelector labels, or delete the "
			   "rule.";
	return 0;
}

/* ================= NP-204 ================= */

struct ruleview {
	bool all_peers;        /* no from/to */
	bool all_pods;         /* a peer matches every pod of every namespace */
	struct np_ipset ips;   /* addresses its ipBlocks match */
	struct np_connset conns;
};

static void ruleviews_release(struct ruleview *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		np_ipset_release(&v[i].ips);
		np_connset_release(&v[i].conns);
	}
	free(v);
}

static bool sel_all(const struct np_selector *s)
{
	return !s->invalid && np_selector_is_empty(s);
}

static int ruleview_of(const struct np_rule *r, struct ruleview *v)
{
	size_t k;

	memset(v, 0, sizeof(*v));
	if (r->invalid)
		return 0;
	for (k = 0; k < r->n_ports; k++) {
		const struct np_port *p = &r->ports[k];

		/* Named ports open a port per pod, never "every port". */
		if (p->port_name || p->proto == NP_PROTO_INVALID)
			continue;
		if (np_connset_add(&v->conns, p->proto, p->has_port ? p->port : NP_PORT_MIN,
				   p->has_port ? (p->has_end_port ? p->end_port : p->port) : NP_PORT_MAX) < 0)
			return NP_ENOMEM;
	}
	if (r->n_ports == 0 && np_connset_set_all(&v->conns) < 0)
		return NP_ENOMEM;
	v->all_peers = !r->peers_present;
	for (k = 0; k < r->n_peers; k++) {
		const struct np_peer *p = &r->peers[k];
		struct np_ipset s;

		if (p->has_ns_sel && sel_all(&p->ns_sel) && (!p->has_pod_sel || sel_all(&p->pod_sel)))
			v->all_pods = true;
		if (p->ipblock && np_ipset_from_ipblock(&s, p->ipblock, NULL) == 0) {
			int rc = np_ipset_union(&v->ips, &s);

			np_ipset_release(&s);
			if (rc < 0)
				return rc;
		} else if (p->ipblock) {
			np_ipset_release(&s);
		}
	}
	return 0;
}

static int ip_cmp_v(const void *a, const void *b)
{
	return np_ip_cmp(a, b);
}

/* Whether the rules together allow every peer (every pod and every address)
 * on every port: for pods, and for each interval between the rules' address
 * boundaries (where coverage may change). */
static int allows_everything(const struct ruleview *v, size_t n, bool v6, bool *out)
{
	struct np_connset acc;
	struct np_ip *pts = NULL;
	struct np_iprange uni[3];
	size_t n_uni = 0, n_pts = 0, cap = 0, u, i, k, p;
	int rc = NP_ENOMEM;

	*out = false;
	np_connset_init(&acc);
	for (i = 0; i < n; i++)
		if ((v[i].all_peers || v[i].all_pods) && np_connset_union(&acc, &v[i].conns) < 0)
			goto out;
	if (!np_connset_is_all(&acc)) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < v[i].ips.n; k++) {
			struct np_ip e = v[i].ips.v[k].hi;

			if (n_pts + 2 > cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct np_ip *np = realloc(pts, ncap * sizeof(*np));

				if (!np)
					goto out;
				pts = np;
				cap = ncap;
			}
			pts[n_pts++] = v[i].ips.v[k].lo;
			if (!(e.hi == UINT64_MAX && e.lo == UINT64_MAX)) {
				if (++e.lo == 0)
					e.hi++;
				pts[n_pts++] = e;
			}
		}
	}
	if (n_pts > 1)
		qsort(pts, n_pts, sizeof(*pts), ip_cmp_v);
	np_iprange_all_v4(&uni[n_uni++]);
	if (v6)
		n_uni += np_iprange_all_v6(&uni[n_uni]);
	for (u = 0; u < n_uni; u++) {
		struct np_iprange atom;

		atom.lo = uni[u].lo;
		for (p = 0;; ) {
			/* The next cut point after atom.lo ends the interval. */
			while (p < n_pts && np_ip_cmp(&pts[p], &atom.lo) <= 0)
				p++;
			atom.hi = uni[u].hi;
			if (p < n_pts && np_ip_cmp(&pts[p], &uni[u].hi) <= 0) {
				atom.hi = pts[p];
				if (atom.hi.lo-- == 0)
					atom.hi.hi--;
			}
			np_connset_clear(&acc);
			for (k = 0; k < n; k++)
				if ((v[k].all_peers || np_ipset_covers(&v[k].ips, &atom)) &&
				    np_connset_union(&acc, &v[k].conns) < 0)
					goto out;
			if (!np_connset_is_all(&acc)) {
				rc = 0;
				goto out;
			}
			if (np_ip_cmp(&atom.hi, &uni[u].hi) >= 0)
				break;
			atom.lo = atom.hi;
			if (++atom.lo.lo == 0)
				atom.lo.hi++;
		}
	}
	*out = true;
	rc = 0;
out:
	np_connset_release(&acc);
	free(pts);
	return rc;
}

static bool model_has_v6(const struct np_model *m)
{
	size_t i, j;

	for (i = 0; i < m->pods.n; i++) {
		for (j = 0; j < m->pods.v[i].n_ips; j++) {
			struct np_ip ip;

			if (np_ip_parse(&ip, m->pods.v[i].ips[j]) == 0 && !np_ip_is_v4(&ip))
				return true;
		}
	}
	return false;
}

/* One failing pod, before grouping by workload. */
struct prec {
	size_t pod;
	const char *ns, *kind, *group, *name;
	enum np_status level;
	unsigned dirs;
	const char *why;
};

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

static int prec_cmp(const void *a, const void *b)
{
	const struct prec *x = a, *y = b;
	int c;

	if ((c = strcmp0(x->ns, y->ns)) || (c = strcmp0(x->kind, y->kind)) ||
	    (c = strcmp0(x->group, y->group)) || (c = strcmp0(x->name, y->name)))
		return c;
	if (x->level != y->level)
		return x->level == NP_ST_FAIL ? -1 : 1;
	if (x->dirs != y->dirs)
		return x->dirs < y->dirs ? -1 : 1;
	if ((c = strcmp0(x->why, y->why)))
		return c;
	return x->pod < y->pod ? -1 : x->pod > y->pod;
}

static bool prec_same(const struct prec *a, const struct prec *b)
{
	return strcmp0(a->ns, b->ns) == 0 && strcmp0(a->kind, b->kind) == 0 &&
	       strcmp0(a->group, b->group) == 0 && strcmp0(a->name, b->name) == 0 &&
	       a->level == b->level && a->dirs == b->dirs && strcmp0(a->why, b->why) == 0;
}

struct precs {
	struct prec *v;
	size_t n, cap;
};

static int precs_push(struct precs *rs, const struct prec *r)
{
	if (rs->n == rs->cap) {
		size_t ncap = rs->cap ? rs->cap * 2 : 32;
		struct prec *nv;

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

static const struct np_loc *subject_loc(struct np_audit_ctx *ctx, const struct prec *r)
{
	const struct np_workload *w = NULL;

	if (strcmp(r->kind, "Pod") != 0)
		w = audit_find_workload(ctx, r->kind, r->ns, r->name);
	return w ? &w->loc : &ctx->m->pods.v[r->pod].loc;
}

typedef const char *(*group_msg)(struct np_audit_ctx *ctx, const struct prec *r, size_t n_real,
				 size_t n_tmpl);

/* Sorts the records and adds one finding per (workload, level, dirs, why). */
static int emit_groups(struct np_audit_ctx *ctx, struct np_control_result *res, struct precs *rs,
		       group_msg msg, const char *remediation, size_t *fail_groups,
		       size_t *warn_groups, long long *fail_pods)
{
	const struct np_model *m = ctx->m;
	size_t i;

	if (rs->n > 1)
		qsort(rs->v, rs->n, sizeof(*rs->v), prec_cmp);
	for (i = 0; i < rs->n;) {
		const struct prec *r = &rs->v[i];
		size_t k = i, n_real = 0, n_tmpl = 0;
		struct np_finding *f;

		while (k < rs->n && prec_same(&rs->v[k], r)) {
			if (m->pods.v[rs->v[k].pod].is_template)
				n_tmpl++;
			else
				n_real++;
			k++;
		}
		f = audit_add_finding(ctx, res, r->level, r->kind, r->group, r->ns, r->name,
				      subject_loc(ctx, r));
		if (!f)
			return NP_ENOMEM;
		f->directions = r->dirs;
		f->pods = (long long)n_real;
		f->is_template = n_real == 0 && n_tmpl > 0;
		f->message = msg(ctx, r, n_real, n_tmpl);
		f->remediation = remediation;
		if (r->level == NP_ST_FAIL) {
			(*fail_groups)++;
			*fail_pods += (long long)n_real;
		} else {
			(*warn_groups)++;
		}
		i = k;
	}
	return 0;
}

static const char *pods_phrase(struct np_audit_ctx *ctx, const struct prec *r, size_t n_real,
			       size_t n_tmpl)
{
	if (n_real == 0 && n_tmpl)
		return np_report_strf(ctx->r, "%s %s (no running pods)", r->kind, r->name);
	return np_report_strf(ctx->r, "%zu %s", n_real, n_real == 1 ? "pod" : "pods");
}

static const char *np204_msg(struct np_audit_ctx *ctx, const struct prec *r, size_t n_real,
			     size_t n_tmpl)
{
	return np_report_strf(ctx->r, "%s %s only nominally isolated for %s: %s allow every peer "
			      "on every port", pods_phrase(ctx, r, n_real, n_tmpl),
			      n_real == 1 || (n_real == 0 && n_tmpl) ? "is" : "are",
			      audit_dirs_words(r->dirs, false), r->why);
}

/* Policies (and their names, for messages) selecting pod i for dir. */
static size_t netpols_for(const struct np_pod_coverage *pc, unsigned dir, size_t *out, size_t max)
{
	const struct np_polref *v = dir == NP_DIR_INGRESS ? pc->ingress : pc->egress;
	size_t n = dir == NP_DIR_INGRESS ? pc->n_ingress : pc->n_egress, i, k = 0;

	for (i = 0; i < n && k < max; i++)
		if (!v[i].xpolicy)
			out[k++] = v[i].index;
	return k;
}

static const char *policy_names(struct np_audit_ctx *ctx, const size_t *pols, size_t n)
{
	const struct np_model *m = ctx->m;

	if (n == 1)
		return np_report_strf(ctx->r, "the rules of NetworkPolicy %s",
				      m->netpols.v[pols[0]].name ? m->netpols.v[pols[0]].name : "");
	return np_report_strf(ctx->r, "the rules of %zu NetworkPolicies (%s, ...)", n,
			      m->netpols.v[pols[0]].name ? m->netpols.v[pols[0]].name : "");
}

#define MAX_POLS 256

/* The verdict for one set of policies, cached by the set (pods of a workload
 * share it). */
struct setcache {
	size_t *keys;     /* [n, idx...] runs */
	size_t n_keys, cap_keys;
	bool *vals;
	size_t n_vals, cap_vals;
};

static int set_allows_everything(struct np_audit_ctx *ctx, struct setcache *sc, const size_t *pols,
				 size_t n, unsigned dir, bool v6, bool *out)
{
	const struct np_model *m = ctx->m;
	struct ruleview *v = NULL;
	size_t off = 0, vi = 0, i, j, nv = 0, total = 0;
	int rc;

	/* Linear lookup: few distinct sets per cluster in practice. */
	while (off < sc->n_keys) {
		size_t len = sc->keys[off];

		if (len == n + 1 && sc->keys[off + 1] == dir &&
		    memcmp(&sc->keys[off + 2], pols, n * sizeof(*pols)) == 0) {
			*out = sc->vals[vi];
			return 0;
		}
		off += len + 1;
		vi++;
	}
	for (i = 0; i < n; i++) {
		const struct np_netpol *np = &m->netpols.v[pols[i]];

		total += dir == NP_DIR_INGRESS ? np->n_ingress : np->n_egress;
	}
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v)
		return NP_ENOMEM;
	for (i = 0; i < n; i++) {
		const struct np_netpol *np = &m->netpols.v[pols[i]];
		size_t nr = dir == NP_DIR_INGRESS ? np->n_ingress : np->n_egress;

		for (j = 0; j < nr; j++) {
			rc = ruleview_of(dir == NP_DIR_INGRESS ? &np->ingress[j] : &np->egress[j], &v[nv++]);
			if (rc < 0) {
				ruleviews_release(v, nv);
				return rc;
			}
		}
	}
	rc = allows_everything(v, nv, v6, out);
	ruleviews_release(v, nv);
	if (rc < 0)
		return rc;
	if (sc->n_keys + n + 2 > sc->cap_keys) {
		size_t ncap = (sc->cap_keys + n + 2) * 2;
		size_t *nk = realloc(sc->keys, ncap * sizeof(*nk));

		if (!nk)
			return NP_ENOMEM;
		sc->keys = nk;
		sc->cap_keys = ncap;
	}
	if (sc->n_vals == sc->cap_vals) {
		size_t ncap = sc->cap_vals ? sc->cap_vals * 2 : 16;
		bool *nb = realloc(sc->vals, ncap * sizeof(*nb));

		if (!nb)
			return NP_ENOMEM;
		sc->vals = nb;
		sc->cap_vals = ncap;
	}
	sc->keys[sc->n_keys++] = n + 1;
	sc->keys[sc->n_keys++] = dir;
	memcpy(&sc->keys[sc->n_keys], pols, n * sizeof(*pols));
	sc->n_keys += n;
	sc->vals[sc->n_vals++] = *out;
	return 0;
}

/* A peer allowing a whole class of peers: every namespace, or every address of a family. */
static const char *whole_class_peer(const struct np_peer *p)
{
	if (p->has_ns_sel && sel_all(&p->ns_sel) && (!p->has_pod_sel || sel_all(&p->pod_sel)))
		return "namespaceSelector: {} (every pod of every namespace)";
	if (p->ipblock && p->ipblock->n_except == 0 && p->ipblock->cidr) {
		struct np_iprange r, all4;
		bool v4;

		if (np_cidr_parse(&r, &v4, p->ipblock->cidr) < 0)
			return NULL;
		np_iprange_all_v4(&all4);
		if (v4 && np_ip_cmp(&r.lo, &all4.lo) == 0 && np_ip_cmp(&r.hi, &all4.hi) == 0)
			return "ipBlock 0.0.0.0/0 without except (every IPv4 address)";
		if (!v4 && r.lo.hi == 0 && r.lo.lo == 0 && r.hi.hi == UINT64_MAX && r.hi.lo == UINT64_MAX)
			return "ipBlock ::/0 without except (every IPv6 address)";
	}
	return NULL;
}

int np_control_np204(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	bool idle = ctx->opt->scope.include_idle, v6 = model_has_v6(m);
	struct precs rs = { 0 };
	struct setcache sc = { 0 };
	long long evaluated = 0, failing_pods = 0, fail_pods = 0;
	size_t i, j, k, fail_groups = 0, warn_groups = 0, warn_rules = 0;
	size_t *pols = NULL;
	unsigned fail_dirs = 0;
	int rc = 0;

	pols = malloc(MAX_POLS * sizeof(*pols));
	if (!pols)
		return NP_ENOMEM;
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const struct np_pod_coverage *pc = &ctx->cov->pods[i];
		unsigned d, bad = 0;
		const char *why = NULL;

		if (!pc->in_scope || !np_pod_isolatable(p, idle) ||
		    !audit_ns_readable(ctx, p->namespace, RES_POD_CONTROLS))
			continue;
		if (!pc->ingress_isolated && !pc->egress_isolated)
			continue;
		evaluated++;
		for (d = NP_DIR_INGRESS; d <= NP_DIR_EGRESS; d <<= 1) {
			size_t n = netpols_for(pc, d, pols, MAX_POLS);
			bool all;

			if (n == 0)
				continue;
			if ((rc = set_allows_everything(ctx, &sc, pols, n, d, v6, &all)) < 0)
				goto out;
			if (all) {
				bad |= d;
				why = policy_names(ctx, pols, n);
			}
		}
		if (bad) {
			struct prec r;

			memset(&r, 0, sizeof(r));
			r.pod = i;
			r.ns = p->namespace;
			pod_subject(p, &r.kind, &r.group, &r.name);
			r.level = NP_ST_FAIL;
			r.dirs = bad;
			r.why = why;
			fail_dirs |= bad;
			failing_pods++;
			if ((rc = precs_push(&rs, &r)) < 0)
				goto out;
		}
	}
	rc = emit_groups(ctx, res, &rs,  np204_msg,
			 "list the peers (podSelector/namespaceSelector/ipBlock) and ports the pods "
			 "need instead of every peer on every port",
			 &fail_groups, &warn_groups, &fail_pods);
	if (rc < 0)
		goto out;

	/* WARN: one rule opening a whole class of peers on every port. */
	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];
		unsigned types = np_netpol_effective_types(np);

		if (!policy_in_run(ctx, np))
			continue;
		for (j = 0; j < np->n_ingress + np->n_egress; j++) {
			bool in = j < np->n_ingress;
			size_t ri = in ? j : j - np->n_ingress;
			const struct np_rule *ru = in ? &np->ingress[ri] : &np->egress[ri];

			if (!(types & (in ? NP_DIR_INGRESS : NP_DIR_EGRESS)) || ru->invalid ||
			    ru->n_ports > 0)
				continue;
			for (k = 0; k < ru->n_peers; k++) {
				const char *what = whole_class_peer(&ru->peers[k]);
				struct np_loc loc;
				struct np_finding *f;
				const char *path;

				if (!what)
					continue;
				loc = peer_loc(np, ru->peers[k].line, ru->peers[k].column);
				path = np_report_strf(ctx->r, "spec.%s[%zu].%s[%zu]",
						      dir_key(in ? NP_DIR_INGRESS : NP_DIR_EGRESS), ri,
						      in ? "from" : "to", k);
				f = policy_finding(ctx, res, NP_ST_WARN, np, &loc, path + 5);
				if (!f) {
					rc = NP_ENOMEM;
					goto out;
				}
				f->directions = in ? NP_DIR_INGRESS : NP_DIR_EGRESS;
				f->message = np_report_strf(ctx->r, "%s allows %s on every port", path, what);
				f->remediation = "narrow the peer to the namespaces, pods or addresses that "
						 "need access, and list the ports";
				warn_rules++;
			}
		}
	}
	res->evaluated = evaluated;
	res->passing = evaluated - failing_pods;
	if (fail_groups) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu %s (%lld %s) %s only nominally isolated for "
					      "%s: their rules allow every peer on every port", fail_groups,
					      fail_groups == 1 ? "workload" : "workloads", fail_pods,
					      fail_pods == 1 ? "pod" : "pods", fail_groups == 1 ? "is" : "are",
					      audit_dirs_words(fail_dirs, true));
	} else if (warn_rules) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r, "%zu %s a whole class of peers on every port",
					      warn_rules, warn_rules == 1 ? "rule allows" : "rules allow");
	} else {
		res->status = NP_ST_PASS;
		res->summary = evaluated ?
			np_report_strf(ctx->r, "no isolated pod is open to every peer (%lld pods)", evaluated) :
			"no isolated pods";
	}
	res->remediation = "An allow-all rule (no from/to, or namespaceSelector: {} and 0.0.0.0/0 on "
			   "every port) undoes the isolation of the pods it applies to: list the peers "
			   "and ports they need.";
out:
	free(pols);
	free(rs.v);
	free(sc.keys);
	free(sc.vals);
	return rc;
}

/* ================= NP-205 ================= */

struct dns_ep {
	size_t cls;        /* reach class of a DNS pod, or SIZE_MAX for a node-local address */
	size_t ext;        /* node-local: the external node */
	int udp, tcp;
	const char *what;  /* "kube-system/coredns", "node-local-dns 169.254.20.10" */
};

/* The DNS pods' ports: their dns/dns-tcp container ports, else 53 (5353 on OpenShift). */
static void dns_ports(const struct np_pod *p, bool openshift, int *udp, int *tcp)
{
	size_t j;

	*udp = *tcp = openshift ? 5353 : 53;
	for (j = 0; j < p->n_ports; j++) {
		const struct np_container_port *cp = &p->ports[j];

		if (!cp->name || cp->port <= 0)
			continue;
		if (strcmp(cp->name, "dns") == 0 && cp->proto == NP_PROTO_UDP)
			*udp = cp->port;
		else if (strcmp(cp->name, "dns-tcp") == 0 && cp->proto == NP_PROTO_TCP)
			*tcp = cp->port;
	}
}

static bool is_dns_pod(const struct np_pod *p, bool *openshift)
{
	const char *v;

	if (strcmp0(p->namespace, "kube-system") == 0) {
		v = np_labels_get(&p->labels, "k8s-app");
		*openshift = false;
		return v && strcmp(v, "kube-dns") == 0;
	}
	if (strcmp0(p->namespace, "openshift-dns") == 0) {
		v = np_labels_get(&p->labels, "dns.operator.openshift.io/daemonset-dns");
		*openshift = true;
		return v && strcmp(v, "default") == 0;
	}
	return false;
}

/* node-local-dns -localip addresses ("-localip 169.254.20.10,10.96.0.10"). */
static size_t nodelocal_ips(const struct np_model *m, const char **out, size_t max, char *buf,
			    size_t buflen)
{
	size_t i, j, k, n = 0, pos = 0;

	for (i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];

		if (w->wkind != NP_WL_DAEMONSET || strcmp0(w->name, "node-local-dns") != 0)
			continue;
		for (j = 0; j < w->n_containers; j++) {
			const struct np_container *c = &w->containers[j];

			for (k = 0; k < c->n_args; k++) {
				const char *a = c->args[k], *v = NULL;
				char *tok, *save = NULL, tmp[256];

				if (!a)
					continue;
				if ((strcmp(a, "-localip") == 0 || strcmp(a, "--localip") == 0) &&
				    k + 1 < c->n_args)
					v = c->args[k + 1];
				else if (strncmp(a, "-localip=", 9) == 0)
					v = a + 9;
				else if (strncmp(a, "--localip=", 10) == 0)
					v = a + 10;
				if (!v)
					continue;
				snprintf(tmp, sizeof(tmp), "%s", v);
				for (tok = strtok_r(tmp, ",", &save); tok && n < max;
				     tok = strtok_r(NULL, ",", &save)) {
					size_t len = strlen(tok);

					if (pos + len + 1 > buflen)
						break;
					memcpy(buf + pos, tok, len + 1);
					out[n++] = buf + pos;
					pos += len + 1;
				}
			}
		}
	}
	return n;
}

/* The cluster DNS Services' ClusterIPs (kube-system/kube-dns, openshift-dns/
 * dns-default, or any Service there selecting the DNS pods' label). Clients
 * send to them, but kube-proxy (or its replacement) rewrites the destination
 * to a backend pod before NetworkPolicy applies: an ipBlock holding only the
 * ClusterIP opens nothing (DESIGN §5.2 NP-205). */
struct dns_svc {
	const struct np_service *svc;
	struct np_iprange ip;
};

static size_t dns_services(const struct np_model *m, struct dns_svc *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < m->services.n && n < max; i++) {
		const struct np_service *s = &m->services.v[i];
		const char *k8s = np_labels_get(&s->selector, "k8s-app");
		const char *os = np_labels_get(&s->selector, "dns.operator.openshift.io/daemonset-dns");
		bool dns;

		if (strcmp0(s->namespace, "kube-system") == 0)
			dns = strcmp0(s->name, "kube-dns") == 0 || (k8s && strcmp(k8s, "kube-dns") == 0);
		else if (strcmp0(s->namespace, "openshift-dns") == 0)
			dns = strcmp0(s->name, "dns-default") == 0 || (os && strcmp(os, "default") == 0);
		else
			dns = false;
		if (!dns || !s->cluster_ip || strchr(s->cluster_ip, '/') ||
		    np_cidr_parse(&out[n].ip, NULL, s->cluster_ip) < 0)
			continue;
		out[n++].svc = s;
	}
	return n;
}

/* *hit: the DNS Service whose ClusterIP class cls's egress policies open on
 * one of the Service's UDP or TCP ports, else NULL. 0 or NP_ENOMEM. */
static int dns_by_cluster_ip(struct np_reach *r, size_t cls, const struct dns_svc *svcs, size_t n,
			     const struct dns_svc **hit)
{
	size_t i, k;

	*hit = NULL;
	for (i = 0; i < n && cls != SIZE_MAX; i++) {
		const struct np_connset *e;
		size_t ext = np_reach_find_external(r, &svcs[i].ip, false);
		int rc;

		if (ext == SIZE_MAX)
			continue;
		if ((rc = np_reach_egress(r, cls, SIZE_MAX, ext, &e)) < 0)
			return rc;
		for (k = 0; k < svcs[i].svc->n_ports; k++) {
			const struct np_service_port *sp = &svcs[i].svc->ports[k];

			if ((sp->proto == NP_PROTO_UDP || sp->proto == NP_PROTO_TCP) &&
			    np_connset_contains(e, sp->proto, sp->port)) {
				*hit = &svcs[i];
				return 0;
			}
		}
	}
	return 0;
}

/* Without DNS pods in the input: a rule of the pod's egress policies opening
 * 53 or 5353 over UDP and TCP to kube-system/openshift-dns or everyone. */
static bool dns_rule_without_pods(const struct np_audit_ctx *ctx, const struct np_pod_coverage *pc)
{
	const struct np_model *m = ctx->m;
	size_t i, j, k;
	static const char *const dns_ns[] = { "kube-system", "openshift-dns" };

	for (i = 0; i < pc->n_egress; i++) {
		const struct np_netpol *np;

		if (pc->egress[i].xpolicy)
			continue;
		np = &m->netpols.v[pc->egress[i].index];
		for (j = 0; j < np->n_egress; j++) {
			const struct np_rule *ru = &np->egress[j];
			struct ruleview v;
			bool to_dns = !ru->peers_present, ok;

			if (ru->invalid)
				continue;
			for (k = 0; k < ru->n_peers && !to_dns; k++) {
				const struct np_peer *p = &ru->peers[k];
				size_t q;

				if (!p->has_ns_sel)
					continue;
				for (q = 0; q < 2 && !to_dns; q++) {
					const struct np_namespace *ns = np_model_find_namespace(m, dns_ns[q]);
					const char *kv[2] = { NS_LABEL, dns_ns[q] };
					struct np_labels l = { 1, &kv[0], &kv[1] };

					to_dns = np_selector_matches(&p->ns_sel, ns ? &ns->labels : &l);
				}
			}
			if (!to_dns || ruleview_of(ru, &v) < 0)
				continue;
			ok = (np_connset_contains(&v.conns, NP_PROTO_UDP, 53) &&
			      np_connset_contains(&v.conns, NP_PROTO_TCP, 53)) ||
			     (np_connset_contains(&v.conns, NP_PROTO_UDP, 5353) &&
			      np_connset_contains(&v.conns, NP_PROTO_TCP, 5353));
			for (k = 0; !ok && k < ru->n_ports; k++)
				ok = ru->ports[k].port_name && (strcmp(ru->ports[k].port_name, "dns") == 0 ||
								strcmp(ru->ports[k].port_name, "dns-tcp") == 0);
			np_ipset_release(&v.ips);
			np_connset_release(&v.conns);
			if (ok)
				return true;
		}
	}
	return false;
}

static bool evaluable_egress(const struct np_model *m, const struct np_pod_coverage *pc)
{
	size_t i;

	for (i = 0; i < pc->n_egress; i++) {
		const struct np_polref *r = &pc->egress[i];

		if (!r->xpolicy)
			return true;
		switch (m->xpolicies.v[r->index].xkind) {
		case NP_XP_ANP:
		case NP_XP_BANP:
		case NP_XP_CNP:
			return true;
		default:
			break;
		}
	}
	return false;
}

static const char *np205_msg(struct np_audit_ctx *ctx, const struct prec *r, size_t n_real,
			     size_t n_tmpl)
{
	/* The reasons are written for several pods ("are ..."). */
	if (strncmp(r->why, "are ", 4) == 0 && n_real <= 1)
		return np_report_strf(ctx->r, "%s is %s", pods_phrase(ctx, r, n_real, n_tmpl),
				      r->why + 4);
	return np_report_strf(ctx->r, "%s %s", pods_phrase(ctx, r, n_real, n_tmpl), r->why);
}

enum { DNS_OK, DNS_UDP_ONLY, DNS_NONE, DNS_NO_PODS, DNS_UNEVALUATED, DNS_CLUSTER_IP };

int np_control_np205(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	bool idle = ctx->opt->scope.include_idle;
	struct np_reach_options ro;
	struct np_reach *r = NULL;
	struct dns_ep *eps = NULL;
	size_t n_eps = 0, i, j, fail_groups = 0, warn_groups = 0;
	const char *local[16], *cuts[16 + 8];
	char localbuf[1024];
	size_t n_local = nodelocal_ips(m, local, 16, localbuf, sizeof(localbuf));
	struct dns_svc svcs[8];
	size_t n_svcs = dns_services(m, svcs, 8);
	const struct dns_svc **svc_hit = NULL; /* per class, with verdict DNS_CLUSTER_IP */
	struct precs rs = { 0 };
	long long evaluated = 0, passing = 0, fail_pods = 0;
	unsigned char *verdict = NULL; /* per class: DNS_* + 1, 0 = not computed */
	const char *dns_desc = NULL;
	int rc;

	np_reach_options_default(&ro);
	ro.include_idle = idle;
	/* Node-local and ClusterIP addresses become external nodes of their own. */
	for (i = 0; i < n_local; i++)
		cuts[i] = local[i];
	for (i = 0; i < n_svcs; i++)
		cuts[n_local + i] = svcs[i].svc->cluster_ip;
	ro.cuts = cuts;
	ro.n_cuts = n_local + n_svcs;
	if ((rc = np_reach_new(&r, m, &ro, NULL)) < 0)
		return rc;
	eps = calloc(m->pods.n + n_local + 1, sizeof(*eps));
	verdict = calloc(np_reach_n_classes(r) + 1, 1);
	svc_hit = calloc(np_reach_n_classes(r) + 1, sizeof(*svc_hit));
	if (!eps || !verdict || !svc_hit) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		size_t cls = np_reach_class_of_pod(r, i);
		bool os;
		int udp, tcp;

		if (cls == SIZE_MAX || !is_dns_pod(p, &os) || p->host_network)
			continue;
		dns_ports(p, os, &udp, &tcp);
		for (j = 0; j < n_eps; j++)
			if (eps[j].cls == cls && eps[j].udp == udp && eps[j].tcp == tcp)
				break;
		if (j < n_eps)
			continue;
		eps[n_eps].cls = cls;
		eps[n_eps].udp = udp;
		eps[n_eps].tcp = tcp;
		eps[n_eps].what = np_report_strf(ctx->r, "%s/%s", p->namespace,
						 p->top.name ? p->top.name : p->name);
		if (!dns_desc)
			dns_desc = np_report_strf(ctx->r, "UDP %d nor TCP %d to the DNS pods (%s)", udp, tcp,
						  eps[n_eps].what);
		n_eps++;
	}
	for (i = 0; i < n_local; i++) {
		struct np_iprange ir;
		size_t ext;

		if (np_cidr_parse(&ir, NULL, local[i]) < 0)
			continue;
		ext = np_reach_find_external(r, &ir, false);
		if (ext == SIZE_MAX)
			continue;
		eps[n_eps].cls = SIZE_MAX;
		eps[n_eps].ext = ext;
		eps[n_eps].udp = eps[n_eps].tcp = 53;
		eps[n_eps].what = np_report_strf(ctx->r, "node-local-dns %s", local[i]);
		n_eps++;
	}
	if (!dns_desc)
		dns_desc = n_eps ? np_report_strf(ctx->r, "UDP 53 nor TCP 53 to %s", eps[0].what) :
				   "UDP 53 nor TCP 53";

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const struct np_pod_coverage *pc = &ctx->cov->pods[i];
		size_t cls = np_reach_class_of_pod(r, i);
		int v;
		struct prec pr;

		if (!pc->in_scope || !np_pod_isolatable(p, idle) || !pc->egress_isolated ||
		    !audit_ns_readable(ctx, p->namespace, RES_POD_CONTROLS))
			continue;
		evaluated++;
		if (!evaluable_egress(m, pc)) {
			v = DNS_UNEVALUATED;
		} else if (n_eps == 0) {
			v = dns_rule_without_pods(ctx, pc) ? DNS_OK : DNS_NO_PODS;
			if (v == DNS_NO_PODS && cls != SIZE_MAX) {
				if ((rc = dns_by_cluster_ip(r, cls, svcs, n_svcs, &svc_hit[cls])) < 0)
					goto out;
				if (svc_hit[cls])
					v = DNS_CLUSTER_IP;
			}
		} else if (cls != SIZE_MAX && verdict[cls]) {
			v = verdict[cls] - 1;
		} else {
			v = DNS_NONE;
			for (j = 0; j < n_eps && v != DNS_OK && cls != SIZE_MAX; j++) {
				const struct np_connset *e;
				bool u, t;

				if ((rc = np_reach_egress(r, cls, eps[j].cls, eps[j].ext, &e)) < 0)
					goto out;
				u = np_connset_contains(e, NP_PROTO_UDP, eps[j].udp);
				t = np_connset_contains(e, NP_PROTO_TCP, eps[j].tcp);
				if (u && t)
					v = DNS_OK;
				else if (u)
					v = DNS_UDP_ONLY;
			}
			if (v == DNS_NONE && cls != SIZE_MAX) {
				if ((rc = dns_by_cluster_ip(r, cls, svcs, n_svcs, &svc_hit[cls])) < 0)
					goto out;
				if (svc_hit[cls])
					v = DNS_CLUSTER_IP;
			}
			if (cls != SIZE_MAX)
				verdict[cls] = (unsigned char)(v + 1);
		}
		if (v == DNS_OK) {
			passing++;
			continue;
		}
		memset(&pr, 0, sizeof(pr));
		pr.pod = i;
		pr.ns = p->namespace;
		pod_subject(p, &pr.kind, &pr.group, &pr.name);
		pr.dirs = NP_DIR_EGRESS;
		pr.level = v == DNS_NONE ? NP_ST_FAIL : NP_ST_WARN;
		switch (v) {
		case DNS_NONE:
			pr.why = np_report_strf(ctx->r, "cannot resolve DNS: egress isolation allows "
						"neither %s", dns_desc);
			break;
		case DNS_UDP_ONLY:
			pr.why = np_report_strf(ctx->r, "may fail DNS lookups over TCP (large answers, "
						"truncation): egress allows UDP but not TCP to %s",
						eps[0].what);
			break;
		case DNS_NO_PODS:
			pr.why = "are egress-isolated without a rule opening port 53 to kube-system or "
				 "everyone; DNS pods not in input";
			break;
		case DNS_CLUSTER_IP:
			pr.why = np_report_strf(ctx->r, "are egress-isolated with DNS allowed only by an "
						"ipBlock holding the ClusterIP %s of Service %s/%s: "
						"NetworkPolicy sees the backend pod IP, not the ClusterIP",
						svc_hit[cls]->svc->cluster_ip, svc_hit[cls]->svc->namespace,
						svc_hit[cls]->svc->name);
			break;
		default:
			pr.why = "are egress-isolated by Cilium or Calico policies, which are not "
				 "evaluated: check their DNS rules by hand";
			break;
		}
		if ((rc = precs_push(&rs, &pr)) < 0)
			goto out;
	}
	rc = emit_groups(ctx, res, &rs, np205_msg, NULL, &fail_groups, &warn_groups, &fail_pods);
	if (rc < 0)
		goto out;
	for (i = 0; i < res->findings.n; i++) {
		struct np_finding *f = &res->findings.v[i];

		f->remediation = np_report_strf(ctx->r,
			"add an egress rule allowing UDP and TCP to the cluster DNS pods' port to the pods' "
			"policies, as in this manifest:\n%s",
			audit_default_deny(ctx, f->namespace, NP_DIR_EGRESS, "NP-205"));
	}
	res->evaluated = evaluated;
	res->passing = passing;
	if (fail_groups) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu %s (%lld pods) cannot resolve DNS",
					      fail_groups, fail_groups == 1 ? "workload" : "workloads",
					      fail_pods);
	} else if (warn_groups) {
		res->status = NP_ST_WARN;
		res->summary = np_report_strf(ctx->r, "%zu %s may not resolve DNS reliably", warn_groups,
					      warn_groups == 1 ? "workload" : "workloads");
	} else {
		res->status = NP_ST_PASS;
		res->summary = evaluated ?
			np_report_strf(ctx->r, "all %lld egress-isolated pods can reach DNS", evaluated) :
			"no egress-isolated pods";
	}
	res->remediation = "Egress isolation blocks DNS unless a rule allows it: allow UDP and TCP "
			   "on the DNS pods' port (53; 5353 on OpenShift) to the cluster DNS pods, and "
			   "to node-local-dns addresses where it runs.";
out:
	free(rs.v);
	free(eps);
	free(verdict);
	free(svc_hit);
	np_reach_free(r);
	return rc;
}

/* ================= NP-207 ================= */

struct named {
	const char *name;
	enum np_proto proto; /* NP_PROTO_INVALID: any */
};

static bool pod_has_named(const struct np_pod *p, const void *arg)
{
	const struct named *n = arg;
	size_t i;

	for (i = 0; i < p->n_ports; i++)
		if (p->ports[i].name && strcmp(p->ports[i].name, n->name) == 0 &&
		    (n->proto == NP_PROTO_INVALID || p->ports[i].proto == n->proto))
			return true;
	return false;
}

/* Scans the pods an NP rule's named port can apply to. *ipblock_only set when
 * the rule's peers are all ipBlocks. */
static void np_rule_targets(const struct pods_ix *ix, const struct np_netpol *np, bool ingress,
			    const struct np_rule *ru, const struct named *nm, struct scan *s,
			    bool *ipblock_only)
{
	const struct np_model *m = ix->m;
	size_t k;

	*ipblock_only = false;
	if (ingress) {
		if (!np->pod_selector.invalid)
			scan_peer(ix, np->namespace, NULL, &np->pod_selector, pod_has_named, nm, s);
		return;
	}
	if (!ru->peers_present) {
		for (k = 0; k < m->namespaces.n && !s->found; k++) {
			s->ns_matched++;
			scan_ns_pods(ix, m->namespaces.v[k].name, NULL, pod_has_named, nm, s);
		}
		return;
	}
	*ipblock_only = true;
	for (k = 0; k < ru->n_peers && !s->found; k++) {
		const struct np_peer *p = &ru->peers[k];

		if (p->ipblock || (!p->has_pod_sel && !p->has_ns_sel))
			continue;
		*ipblock_only = false;
		scan_peer(ix, np->namespace, peer_ns_sel(p), peer_pod_sel(p), pod_has_named, nm, s);
	}
}

static void x_rule_targets(const struct pods_ix *ix, const struct np_xpolicy *x, bool ingress,
			   const struct np_xrule *ru, const struct named *nm, struct scan *s,
			   bool *ipblock_only)
{
	const struct np_model *m = ix->m;
	size_t k;

	*ipblock_only = false;
	if (ingress) {
		for (k = 0; k < m->namespaces.n && !s->found; k++) {
			const struct np_namespace *ns = &m->namespaces.v[k];

			if (np_xpolicy_selects_namespace(x, &ns->labels, ns->synthesized) != 1)
				continue;
			s->ns_matched++;
			if (!x->subject_pods.invalid)
				scan_ns_pods(ix, ns->name, &x->subject_pods, pod_has_named, nm, s);
		}
		return;
	}
	*ipblock_only = true;
	for (k = 0; k < ru->n_peers && !s->found; k++) {
		const struct np_xpeer *p = &ru->peers[k];

		if (p->kind != NP_XPEER_NAMESPACES && p->kind != NP_XPEER_PODS)
			continue;
		*ipblock_only = false;
		scan_peer(ix, NULL, &p->ns_sel, p->kind == NP_XPEER_PODS ? &p->sel : NULL,
			  pod_has_named, nm, s);
	}
}

static int np207_finding(struct np_audit_ctx *ctx, struct np_control_result *res,
			 const char *kind, const char *group, const char *ns, const char *name,
			 const struct np_loc *loc, const char *path, const char *detail,
			 const struct named *nm, const struct scan *s, bool ipblock_only)
{
	struct np_finding *f = audit_add_finding(ctx, res, NP_ST_FAIL, kind, group, ns, name, loc);
	const char *proto = nm->proto == NP_PROTO_INVALID ? "" :
			    np_report_strf(ctx->r, " (%s)", np_proto_name(nm->proto));

	if (!f)
		return NP_ENOMEM;
	f->fingerprint = np_report_strf(ctx->r, "%s/%s/%s/%s/%s/%s", res->def->id, group, kind,
					ns ? ns : "", name ? name : "", detail);
	if (ipblock_only)
		f->message = np_report_strf(ctx->r, "%s: named port \"%s\"%s is used with ipBlock "
					    "peers only, where named ports never resolve", path,
					    nm->name, proto);
	else
		f->message = np_report_strf(ctx->r, "%s: named port \"%s\"%s matches no container "
					    "port of the %zu %s the rule applies to", path, nm->name,
					    proto, s->pods, s->pods == 1 ? "pod" : "pods");
	f->remediation = ipblock_only ?
		np_report_strf(ctx->r, "replace \"%s\" with the port number at %s", nm->name, path) :
		np_report_strf(ctx->r, "name the container port \"%s\"%s in the pods' spec, or use the "
			       "port number", nm->name, proto);
	return 0;
}

int np_control_np207(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	const struct np_model *m = ctx->m;
	struct pods_ix ix;
	long long evaluated = 0, passing = 0;
	size_t i, j, k, fails = 0;
	int rc = 0;

	if ((rc = pods_ix_build(&ix, m)) < 0)
		return rc;
	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];
		unsigned types = np_netpol_effective_types(np);

		if (!policy_in_run(ctx, np))
			continue;
		for (j = 0; j < np->n_ingress + np->n_egress; j++) {
			bool in = j < np->n_ingress;
			size_t ri = in ? j : j - np->n_ingress;
			const struct np_rule *ru = in ? &np->ingress[ri] : &np->egress[ri];

			if (!(types & (in ? NP_DIR_INGRESS : NP_DIR_EGRESS)))
				continue;
			for (k = 0; k < ru->n_ports; k++) {
				const struct np_port *pt = &ru->ports[k];
				struct named nm = { pt->port_name, pt->proto };
				struct np_loc loc = peer_loc(np, pt->line, pt->column);
				struct scan s;
				bool ipb;
				const char *path;

				if (!pt->port_name || !*pt->port_name || pt->proto == NP_PROTO_INVALID)
					continue;
				memset(&s, 0, sizeof(s));
				np_rule_targets(&ix, np, in, ru, &nm, &s, &ipb);
				/* No pod at all: NP-202/NP-203 report that. */
				if (!ipb && s.pods == 0)
					continue;
				evaluated++;
				if (s.found) {
					passing++;
					continue;
				}
				path = np_report_strf(ctx->r, "spec.%s[%zu].ports[%zu]",
						      dir_key(in ? NP_DIR_INGRESS : NP_DIR_EGRESS), ri, k);
				rc = np207_finding(ctx, res, "NetworkPolicy", audit_netpol_group(np),
						   np->namespace, np->name, &loc, path, path + 5, &nm, &s, ipb);
				if (rc < 0)
					goto out;
				fails++;
			}
		}
	}
	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];

		if (x->ignored || (x->xkind != NP_XP_ANP && x->xkind != NP_XP_BANP && x->xkind != NP_XP_CNP))
			continue;
		for (j = 0; j < x->n_ingress + x->n_egress; j++) {
			bool in = j < x->n_ingress;
			size_t ri = in ? j : j - x->n_ingress;
			const struct np_xrule *ru = in ? &x->ingress[ri] : &x->egress[ri];

			for (k = 0; k < ru->n_ports; k++) {
				const struct np_xport *pt = &ru->ports[k];
				struct named nm = { pt->port_name, pt->proto };
				struct np_loc loc = x->loc;
				struct scan s;
				bool ipb;
				const char *path;

				if (!pt->port_name || !*pt->port_name)
					continue;
				memset(&s, 0, sizeof(s));
				x_rule_targets(&ix, x, in, ru, &nm, &s, &ipb);
				if (!ipb && s.pods == 0)
					continue;
				evaluated++;
				if (s.found) {
					passing++;
					continue;
				}
				if (pt->line > 0) {
					loc.line = pt->line;
					loc.column = pt->column;
				}
				path = np_report_strf(ctx->r, "%s[%zu].%s[%zu]",
						      dir_key(in ? NP_DIR_INGRESS : NP_DIR_EGRESS), ri,
						      x->xkind == NP_XP_CNP ? "protocols" : "ports", k);
				rc = np207_finding(ctx, res, x->kind, x->api_group, NULL, x->name, &loc,
						   np_report_strf(ctx->r, "spec.%s", path), path, &nm, &s, ipb);
				if (rc < 0)
					goto out;
				fails++;
			}
		}
	}
	res->evaluated = evaluated;
	res->passing = passing;
	if (fails) {
		res->status = NP_ST_FAIL;
		res->summary = np_report_strf(ctx->r, "%zu of %lld named ports resolve on no pod", fails,
					      evaluated);
	} else {
		res->status = NP_ST_PASS;
		res->summary = evaluated == 1 ? "the named port resolves" : evaluated ?
			np_report_strf(ctx->r, "all %lld named ports resolve", evaluated) :
			"no named ports in rules";
	}
	res->remediation = "A named port matches a container port of that name and protocol on the "
			   "destination pod; when none has it, the rule allows nothing on it. Name the "
			   "container port or write the number.";
out:
	free(ix.idx);
	return rc;
}
