/* Building the reachability engine (DESIGN §4, §7): namespaces, pod
 * equivalence classes, rules with the classes and addresses each peer
 * matches, per-class evaluation orders, external address intervals and the
 * output nodes.
 *
 * Classes. Pods are first grouped by (namespace, labels projected on the keys
 * any pod selector reads, hostNetwork, named-port profile, ipBlock intervals
 * of their addresses): such pods are indistinguishable to every selector, so
 * selectors are evaluated once per group, never per pod. Groups are then
 * merged by their selector-match signature (the pod selectors matching them,
 * the NetworkPolicies isolating them from np_coverage_build), so pods that
 * only differ in labels no selector tells apart share a class. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/selector.h"
#include "reach_priv.h"

#define NS_LABEL "kubernetes.io/metadata.name"

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* ---- growable arrays ---- */

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return NP_ENOMEM;
		ncap *= 2;
	}
	nv = realloc(*v, ncap * size);
	if (!nv)
		return NP_ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

#define PUSH(arr, n, cap, val)                                                        \
	(grow((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr))) < 0 ? NP_ENOMEM :     \
	 ((arr)[(n)++] = (val), 0))

static void *arena_array(struct np_reach *r, size_t n, size_t size)
{
	if (n == 0)
		return NULL;
	if (n > SIZE_MAX / size)
		return NULL;
	return np_arena_alloc(&r->mem, n * size);
}

void reach_warn(struct np_reach *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t i;
	char *s;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < r->n_warnings; i++)
		if (strcmp(r->warnings[i], buf) == 0)
			return;
	/* Bounded: a pathological input must not grow this without end. */
	if (r->n_warnings >= 1000)
		return;
	s = np_arena_strndup(&r->mem, buf, strlen(buf));
	if (!s)
		return;
	if (grow((void **)&r->warnings, &r->cap_warnings, r->n_warnings + 1, sizeof(*r->warnings)) == 0)
		r->warnings[r->n_warnings++] = s;
}

/* ---- pointer sets (interned strings) ---- */

struct pset {
	const void **slot;
	size_t cap, count;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static bool pset_has(const struct pset *s, const void *p)
{
	size_t i;

	if (!s->cap || !p)
		return false;
	for (i = mix((uint64_t)(uintptr_t)p) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == p)
			return true;
	return false;
}

static int pset_add(struct pset *s, const void *p)
{
	size_t i;

	if (!p || pset_has(s, p))
		return 0;
	if ((s->count + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64, k;
		const void **ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return NP_ENOMEM;
		for (k = 0; k < s->cap; k++) {
			if (!s->slot[k])
				continue;
			for (i = mix((uint64_t)(uintptr_t)s->slot[k]) & (ncap - 1); ns[i]; i = (i + 1) & (ncap - 1))
				;
			ns[i] = s->slot[k];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = ncap;
	}
	for (i = mix((uint64_t)(uintptr_t)p) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		;
	s->slot[i] = p;
	s->count++;
	return 0;
}

static void pset_release(struct pset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

static int pset_add_selector(struct pset *s, const struct np_selector *sel)
{
	size_t i;

	for (i = 0; i < sel->n_labels; i++)
		if (pset_add(s, sel->label_keys[i]) < 0)
			return NP_ENOMEM;
	for (i = 0; i < sel->n_exprs; i++)
		if (pset_add(s, sel->exprs[i].key) < 0)
			return NP_ENOMEM;
	return 0;
}

static bool is_admin_kind(const struct np_xpolicy *x)
{
	return x->xkind == NP_XP_ANP || x->xkind == NP_XP_BANP || x->xkind == NP_XP_CNP;
}

/* ---- build state ---- */

struct group {
	size_t ns;
	size_t rep;
	bool host;
	size_t profile;
	size_t n_items;   /* filled while matching items */
	size_t cls;
};

struct gitem {
	size_t group, item;
};

struct builder {
	struct np_reach *r;
	struct pset keys;          /* label keys read by pod selectors */
	struct pset port_names;    /* port names policies use */
	bool *included;            /* per model pod */
	size_t *pod_group;         /* per model pod, SIZE_MAX = none */
	struct group *groups;
	size_t n_groups, cap_groups;
	size_t *group_order;       /* groups sorted by namespace */
	struct gitem *gitems;
	size_t n_gitems, cap_gitems;
	size_t n_items;
	uint64_t **item_bits;      /* per item: classes matched */
	/* address cuts */
	struct np_ip *src_pts, *dst_pts, *all_pts;
	size_t n_src_pts, n_dst_pts, n_all_pts, cap_src_pts, cap_dst_pts, cap_all_pts;
	bool v6;                   /* some policy names an IPv6 range */
	/* pod addresses */
	struct np_ip **pod_ips;
	size_t *pod_n_ips;
	size_t n_redacted;
};

/* ---- namespaces ---- */

static int ns_cmp(const void *a, const void *b)
{
	return strcmp0(((const struct rns *)a)->name, ((const struct rns *)b)->name);
}

static size_t ns_find(const struct np_reach *r, const char *name)
{
	size_t lo = 0, hi = r->n_ns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp0(r->ns[mid].name, name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static int build_ns(struct builder *b)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->mv;
	size_t cap = m->namespaces.n + m->pods.n + 1, i, j;

	r->ns = arena_array(r, cap, sizeof(*r->ns));
	if (!r->ns)
		return NP_ENOMEM;
	for (i = 0; i < m->namespaces.n; i++) {
		r->ns[r->n_ns].name = m->namespaces.v[i].name;
		r->ns[r->n_ns].labels = &m->namespaces.v[i].labels;
		r->ns[r->n_ns].synthesized = m->namespaces.v[i].synthesized;
		r->n_ns++;
	}
	qsort(r->ns, r->n_ns, sizeof(*r->ns), ns_cmp);
	for (i = 1, j = r->n_ns ? 1 : 0; i < r->n_ns; i++)
		if (strcmp0(r->ns[i].name, r->ns[j - 1].name) != 0)
			r->ns[j++] = r->ns[i];
	r->n_ns = j;
	/* Namespaces pods name without a Namespace record (np_model_finish
	 * normally synthesises them already). */
	for (i = 0; i < m->pods.n; i++) {
		const char *name = m->pods.v[i].namespace;
		const char **kv;
		struct np_labels *l;

		if (ns_find(r, name) != SIZE_MAX)
			continue;
		kv = np_arena_alloc(&r->mem, 2 * sizeof(*kv));
		l = np_arena_alloc(&r->mem, sizeof(*l));
		if (!kv || !l)
			return NP_ENOMEM;
		kv[0] = NS_LABEL;
		kv[1] = name ? name : "";
		l->n = 1;
		l->keys = &kv[0];
		l->values = &kv[1];
		r->ns[r->n_ns].name = name;
		r->ns[r->n_ns].labels = l;
		r->ns[r->n_ns].synthesized = true;
		r->n_ns++;
		qsort(r->ns, r->n_ns, sizeof(*r->ns), ns_cmp);
	}
	return 0;
}

/* Only the name label can be judged on a synthesised namespace (DESIGN §4). */
static bool ns_selector_decidable(const struct np_selector *s)
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

/* Who a warning is about: a policy by kind, namespace and name. */
struct who {
	const char *kind, *ns, *name;
};

/* Whether a namespaceSelector matches namespace k; undecidable = no match,
 * with a warning naming the policy (DESIGN §4). */
static bool ns_sel_matches(struct np_reach *r, const struct np_selector *s, size_t k,
			   const struct who *w)
{
	const struct rns *ns = &r->ns[k];

	if (s->invalid)
		return false;
	if (ns->synthesized && !ns_selector_decidable(s)) {
		reach_warn(r, "%s %s%s%s: namespaceSelector cannot be judged on namespace %s (not in "
			   "the input, only its name label is known): treated as no match", w->kind,
			   w->ns ? w->ns : "", w->ns ? "/" : "", w->name ? w->name : "",
			   ns->name ? ns->name : "");
		return false;
	}
	return np_selector_matches(s, ns->labels);
}

/* ---- pods: inclusion, addresses, named-port profiles ---- */

static bool pod_host(const struct np_reach *r, const struct np_pod *p)
{
	return p->host_network && !r->opt.hostnetwork_as_pods;
}

static int pod_addresses(struct builder *b)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	size_t i, j, k;

	b->pod_ips = calloc(m->pods.n ? m->pods.n : 1, sizeof(*b->pod_ips));
	b->pod_n_ips = calloc(m->pods.n ? m->pods.n : 1, sizeof(*b->pod_n_ips));
	if (!b->pod_ips || !b->pod_n_ips)
		return NP_ENOMEM;
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const char *const *ips = p->ips;
		size_t n = p->n_ips;

		if (!b->included[i])
			continue;
		/* A hostNetwork pod without status addresses has its node's. */
		if (n == 0 && p->host_network && p->node_name) {
			for (j = 0; j < m->nodes.n; j++) {
				if (strcmp0(m->nodes.v[j].name, p->node_name) == 0) {
					ips = m->nodes.v[j].ips;
					n = m->nodes.v[j].n_ips;
					break;
				}
			}
		}
		if (n == 0)
			continue;
		b->pod_ips[i] = arena_array(r, n, sizeof(struct np_ip));
		if (!b->pod_ips[i])
			return NP_ENOMEM;
		for (j = k = 0; j < n; j++) {
			if (np_ip_parse(&b->pod_ips[i][k], ips[j]) == 0)
				k++;
			else
				b->n_redacted++;
		}
		b->pod_n_ips[i] = k;
	}
	return 0;
}

struct pentry_sort {
	const char *name;
	enum np_proto proto;
	int port;
};

static int pentry_cmp(const void *a, const void *b)
{
	const struct rprofile_entry *x = a, *y = b;
	int c = strcmp0(x->name, y->name);

	if (c)
		return c;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

static int build_profiles(struct builder *b, size_t **pod_profile_out)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	struct rmap map = { 0 };
	struct rprofile *profs = NULL;
	size_t cap = 0, n = 1, i, j, *pp;
	uint64_t *key = NULL;
	size_t key_cap = 0;
	int rc = 0;

	pp = calloc(m->pods.n ? m->pods.n : 1, sizeof(*pp));
	*pod_profile_out = pp;
	if (!pp || grow((void **)&profs, &cap, 1, sizeof(*profs)) < 0) {
		rc = NP_ENOMEM;
		goto out;
	}
	memset(&profs[0], 0, sizeof(profs[0]));
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		struct rprofile_entry *e;
		size_t k = 0, w = 0;
		uint32_t id;

		if (!b->included[i] || b->port_names.count == 0)
			continue;
		for (j = 0; j < p->n_ports; j++)
			if (p->ports[j].name && pset_has(&b->port_names, p->ports[j].name))
				k++;
		if (k == 0)
			continue;
		e = arena_array(r, k, sizeof(*e));
		if (!e) {
			rc = NP_ENOMEM;
			goto out;
		}
		for (j = k = 0; j < p->n_ports; j++) {
			if (!p->ports[j].name || !pset_has(&b->port_names, p->ports[j].name))
				continue;
			e[k].name = p->ports[j].name;
			e[k].proto = p->ports[j].proto;
			e[k].port = p->ports[j].port;
			k++;
		}
		qsort(e, k, sizeof(*e), pentry_cmp);
		if (grow((void **)&key, &key_cap, 3 * k, sizeof(*key)) < 0) {
			rc = NP_ENOMEM;
			goto out;
		}
		for (j = 0; j < k; j++) {
			key[w++] = (uint64_t)(uintptr_t)e[j].name;
			key[w++] = (uint64_t)e[j].proto;
			key[w++] = (uint64_t)(unsigned)e[j].port;
		}
		if (rmap_get(&map, r->seed, key, w, &id)) {
			pp[i] = id;
			continue;
		}
		if (grow((void **)&profs, &cap, n + 1, sizeof(*profs)) < 0 ||
		    rmap_put(&map, r->seed, key, w, (uint32_t)n) < 0) {
			rc = NP_ENOMEM;
			goto out;
		}
		profs[n].n = k;
		profs[n].v = e;
		pp[i] = n++;
	}
	r->profiles = arena_array(r, n, sizeof(*r->profiles));
	if (!r->profiles) {
		rc = NP_ENOMEM;
		goto out;
	}
	memcpy(r->profiles, profs, n * sizeof(*profs));
	r->n_profiles = n;
out:
	free(key);
	free(profs);
	rmap_release(&map);
	return rc;
}

/* ---- address cut points (np-guard's disjoint blocks, split into intervals) ---- */

static int add_points(struct np_ip **v, size_t *n, size_t *cap, const struct np_ipset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (PUSH(*v, *n, *cap, s->v[i].lo) < 0)
			return NP_ENOMEM;
		if (!(s->v[i].hi.hi == UINT64_MAX && s->v[i].hi.lo == UINT64_MAX)) {
			struct np_ip e = s->v[i].hi;

			if (++e.lo == 0)
				e.hi++;
			if (PUSH(*v, *n, *cap, e) < 0)
				return NP_ENOMEM;
		}
	}
	return 0;
}

static bool set_has_v6(const struct np_ipset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!np_ip_is_v4(&s->v[i].lo) || !np_ip_is_v4(&s->v[i].hi))
			return true;
	return false;
}

static int cut_set(struct builder *b, const struct np_ipset *s, bool src, bool dst)
{
	if (set_has_v6(s))
		b->v6 = true;
	if (src && add_points(&b->src_pts, &b->n_src_pts, &b->cap_src_pts, s) < 0)
		return NP_ENOMEM;
	if (dst && add_points(&b->dst_pts, &b->n_dst_pts, &b->cap_dst_pts, s) < 0)
		return NP_ENOMEM;
	return add_points(&b->all_pts, &b->n_all_pts, &b->cap_all_pts, s);
}

static int ipcmp_v(const void *a, const void *b)
{
	return np_ip_cmp(a, b);
}

static size_t uniq_points(struct np_ip *v, size_t n)
{
	size_t i, j;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), ipcmp_v);
	for (i = 1, j = 1; i < n; i++)
		if (np_ip_cmp(&v[i], &v[j - 1]) != 0)
			v[j++] = v[i];
	return j;
}

static int collect_cuts(struct builder *b)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	size_t i, j, k, bad = 0;
	int rc;

	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];

		for (j = 0; j < np->n_ingress + np->n_egress; j++) {
			bool in = j < np->n_ingress;
			const struct np_rule *ru = in ? &np->ingress[j] : &np->egress[j - np->n_ingress];

			for (k = 0; k < ru->n_peers; k++) {
				struct np_ipset s;

				if (!ru->peers[k].ipblock)
					continue;
				rc = np_ipset_from_ipblock(&s, ru->peers[k].ipblock, &bad);
				if (rc == 0)
					rc = cut_set(b, &s, in, !in);
				np_ipset_release(&s);
				if (rc == NP_ENOMEM)
					return rc;
			}
		}
	}
	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];

		if (!is_admin_kind(x) || x->ignored)
			continue;
		for (j = 0; j < x->n_egress; j++) {
			const struct np_xrule *ru = &x->egress[j];

			for (k = 0; k < ru->n_peers; k++) {
				const struct np_xpeer *p = &ru->peers[k];
				size_t q;

				if (p->kind != NP_XPEER_NETWORKS)
					continue;
				for (q = 0; q < p->n_networks; q++) {
					struct np_ipset s = { 0 };
					struct np_iprange ir;

					if (np_cidr_parse(&ir, NULL, p->networks[q]) < 0)
						continue;
					rc = np_ipset_add(&s, &ir);
					if (rc == 0)
						rc = cut_set(b, &s, false, true);
					np_ipset_release(&s);
					if (rc < 0)
						return rc;
				}
			}
		}
	}
	for (i = 0; i < r->opt.n_cuts; i++) {
		struct np_ipset s = { 0 };
		struct np_iprange ir;

		if (np_cidr_parse(&ir, NULL, r->opt.cuts[i]) < 0)
			continue;
		rc = np_ipset_add(&s, &ir);
		if (rc == 0)
			rc = cut_set(b, &s, true, true);
		np_ipset_release(&s);
		if (rc < 0)
			return rc;
	}
	b->n_src_pts = uniq_points(b->src_pts, b->n_src_pts);
	b->n_dst_pts = uniq_points(b->dst_pts, b->n_dst_pts);
	b->n_all_pts = uniq_points(b->all_pts, b->n_all_pts);
	return 0;
}

/* Index of the combined interval holding ip: the number of cut points <= ip. */
static size_t atom_of(const struct builder *b, const struct np_ip *ip)
{
	size_t lo = 0, hi = b->n_all_pts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (np_ip_cmp(&b->all_pts[mid], ip) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Writes the sorted, unique intervals holding pod i's addresses, preceded by
 * their count, into out (room for 1 + its address count); returns the words. */
static size_t ip_signature(const struct builder *b, size_t i, uint64_t *out)
{
	uint64_t *v = out + 1;
	size_t n = 0, j, k;

	for (j = 0; j < b->pod_n_ips[i]; j++) {
		uint64_t a = atom_of(b, &b->pod_ips[i][j]);

		for (k = n; k > 0 && v[k - 1] > a; k--)
			v[k] = v[k - 1];
		v[k] = a;
		n++;
	}
	for (j = k = 0; j < n; j++)
		if (k == 0 || v[j] != v[k - 1])
			v[k++] = v[j];
	out[0] = k;
	return k + 1;
}

/* ---- pre-groups ---- */

static int build_groups(struct builder *b, const size_t *pod_profile)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	struct rmap map = { 0 };
	uint64_t *key = NULL;
	size_t key_cap = 0, i, j;
	int rc = 0;

	b->pod_group = malloc((m->pods.n ? m->pods.n : 1) * sizeof(*b->pod_group));
	if (!b->pod_group)
		return NP_ENOMEM;
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		size_t w = 0, ns;
		bool host = pod_host(r, p);
		bool use_ips = r->opt.ipblock_matches_pods || host;
		struct group g;
		uint32_t id;

		b->pod_group[i] = SIZE_MAX;
		if (!b->included[i])
			continue;
		ns = ns_find(r, p->namespace);
		if (grow((void **)&key, &key_cap, 8 + 2 * p->labels.n + b->pod_n_ips[i],
			 sizeof(*key)) < 0) {
			rc = NP_ENOMEM;
			goto out;
		}
		key[w++] = ns;
		key[w++] = host;
		key[w++] = pod_profile[i];
		if (use_ips)
			w += ip_signature(b, i, &key[w]);
		else
			key[w++] = 0;
		key[w++] = UINT64_MAX;
		for (j = 0; j < p->labels.n; j++) {
			if (!pset_has(&b->keys, p->labels.keys[j]))
				continue;
			key[w++] = (uint64_t)(uintptr_t)p->labels.keys[j];
			key[w++] = (uint64_t)(uintptr_t)p->labels.values[j];
		}
		if (rmap_get(&map, r->seed, key, w, &id)) {
			b->pod_group[i] = id;
			continue;
		}
		memset(&g, 0, sizeof(g));
		g.ns = ns;
		g.rep = i;
		g.host = host;
		g.profile = pod_profile[i];
		if (PUSH(b->groups, b->n_groups, b->cap_groups, g) < 0 ||
		    rmap_put(&map, r->seed, key, w, (uint32_t)(b->n_groups - 1)) < 0) {
			rc = NP_ENOMEM;
			goto out;
		}
		b->pod_group[i] = b->n_groups - 1;
	}
out:
	free(key);
	rmap_release(&map);
	return rc;
}

static const struct builder *sort_b;

static int group_ns_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct group *gx = &sort_b->groups[x], *gy = &sort_b->groups[y];

	if (gx->ns != gy->ns)
		return gx->ns < gy->ns ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int order_groups(struct builder *b)
{
	struct np_reach *r = b->r;
	size_t i;

	b->group_order = malloc((b->n_groups ? b->n_groups : 1) * sizeof(*b->group_order));
	if (!b->group_order)
		return NP_ENOMEM;
	for (i = 0; i < b->n_groups; i++)
		b->group_order[i] = i;
	sort_b = b;
	qsort(b->group_order, b->n_groups, sizeof(*b->group_order), group_ns_cmp);
	sort_b = NULL;
	for (i = 0; i < r->n_ns; i++)
		r->ns[i].n_groups = 0;
	for (i = 0; i < b->n_groups; i++) {
		struct rns *ns = &r->ns[b->groups[b->group_order[i]].ns];

		if (ns->n_groups == 0)
			ns->first_group = i;
		ns->n_groups++;
	}
	return 0;
}

/* ---- pod-selector items: the selectors that tell pods of a namespace apart ---- */

/* Records which groups of namespace k item `item` (selector sel) matches. */
static int match_item_ns(struct builder *b, size_t item, const struct np_selector *sel, size_t k)
{
	struct np_reach *r = b->r;
	const struct rns *ns = &r->ns[k];
	size_t i;

	for (i = 0; i < ns->n_groups; i++) {
		size_t g = b->group_order[ns->first_group + i];
		struct gitem gi;

		if (b->groups[g].host)
			continue;
		if (!np_selector_matches(sel, &r->m->pods.v[b->groups[g].rep].labels))
			continue;
		gi.group = g;
		gi.item = item;
		if (PUSH(b->gitems, b->n_gitems, b->cap_gitems, gi) < 0)
			return NP_ENOMEM;
	}
	return 0;
}

static bool sel_needs_item(const struct np_selector *s)
{
	return !s->invalid && !np_selector_is_empty(s);
}

/* Item ids: NetworkPolicy peers first (in model order), then admin subjects,
 * then admin peers; the same order reach uses to look them up. */
struct items {
	size_t *np_peer_item;   /* per (netpol, rule, peer) flattened: item id or SIZE_MAX */
	size_t *np_peer_base;   /* per netpol: first flattened index */
	size_t *x_subj_item;    /* per xpolicy */
	size_t *x_peer_base;    /* per xpolicy: first flattened (rule, peer) index */
	size_t *x_peer_item;
};

static void items_release(struct items *it)
{
	free(it->np_peer_item);
	free(it->np_peer_base);
	free(it->x_subj_item);
	free(it->x_peer_base);
	free(it->x_peer_item);
}

static size_t np_peer_count(const struct np_netpol *np)
{
	size_t j, n = 0;

	for (j = 0; j < np->n_ingress; j++)
		n += np->ingress[j].n_peers;
	for (j = 0; j < np->n_egress; j++)
		n += np->egress[j].n_peers;
	return n;
}

static size_t x_peer_count(const struct np_xpolicy *x)
{
	size_t j, n = 0;

	for (j = 0; j < x->n_ingress; j++)
		n += x->ingress[j].n_peers;
	for (j = 0; j < x->n_egress; j++)
		n += x->egress[j].n_peers;
	return n;
}


static int build_items(struct builder *b, struct items *it)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	size_t total = 0, i, j, k, q, f;
	int rc;

	it->np_peer_base = calloc(m->netpols.n + 1, sizeof(size_t));
	it->x_subj_item = calloc(m->xpolicies.n + 1, sizeof(size_t));
	it->x_peer_base = calloc(m->xpolicies.n + 1, sizeof(size_t));
	if (!it->np_peer_base || !it->x_subj_item || !it->x_peer_base)
		return NP_ENOMEM;
	for (i = 0; i < m->netpols.n; i++) {
		it->np_peer_base[i] = total;
		total += np_peer_count(&m->netpols.v[i]);
	}
	it->np_peer_base[m->netpols.n] = total;
	it->np_peer_item = malloc((total ? total : 1) * sizeof(size_t));
	if (!it->np_peer_item)
		return NP_ENOMEM;
	for (i = 0, f = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];
		size_t pns = ns_find(r, np->namespace);
		struct who who = { "NetworkPolicy", np->namespace, np->name };

		for (j = 0; j < np->n_ingress + np->n_egress; j++) {
			const struct np_rule *ru = j < np->n_ingress ? &np->ingress[j] :
							&np->egress[j - np->n_ingress];

			for (k = 0; k < ru->n_peers; k++, f++) {
				const struct np_peer *p = &ru->peers[k];

				it->np_peer_item[f] = SIZE_MAX;
				if (!p->has_pod_sel || !sel_needs_item(&p->pod_sel))
					continue;
				it->np_peer_item[f] = b->n_items++;
				if (!p->has_ns_sel) {
					if (pns != SIZE_MAX &&
					    (rc = match_item_ns(b, it->np_peer_item[f], &p->pod_sel, pns)) < 0)
						return rc;
					continue;
				}
				for (q = 0; q < r->n_ns; q++) {
					if (r->ns[q].n_groups == 0 ||
					    !ns_sel_matches(r, &p->ns_sel, q, &who))
						continue;
					if ((rc = match_item_ns(b, it->np_peer_item[f], &p->pod_sel, q)) < 0)
						return rc;
				}
			}
		}
	}
	total = 0;
	for (i = 0; i < m->xpolicies.n; i++) {
		it->x_peer_base[i] = total;
		total += x_peer_count(&m->xpolicies.v[i]);
	}
	it->x_peer_base[m->xpolicies.n] = total;
	it->x_peer_item = malloc((total ? total : 1) * sizeof(size_t));
	if (!it->x_peer_item)
		return NP_ENOMEM;
	for (i = 0, f = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];
		struct who who = { x->kind, NULL, x->name };

		it->x_subj_item[i] = SIZE_MAX;
		if (is_admin_kind(x) && !x->ignored && sel_needs_item(&x->subject_pods)) {
			it->x_subj_item[i] = b->n_items++;
			for (q = 0; q < r->n_ns; q++) {
				int sm;

				if (r->ns[q].n_groups == 0)
					continue;
				sm = np_xpolicy_selects_namespace(x, r->ns[q].labels, r->ns[q].synthesized);
				if (sm < 0)
					reach_warn(r, "%s %s: subject namespace selection cannot be judged on "
						   "namespace %s (not in the input): treated as no match",
						   x->kind, x->name ? x->name : "", r->ns[q].name);
				if (sm != 1)
					continue;
				if ((rc = match_item_ns(b, it->x_subj_item[i], &x->subject_pods, q)) < 0)
					return rc;
			}
		}
		for (j = 0; j < x->n_ingress + x->n_egress; j++) {
			const struct np_xrule *ru = j < x->n_ingress ? &x->ingress[j] :
							 &x->egress[j - x->n_ingress];

			for (k = 0; k < ru->n_peers; k++, f++) {
				const struct np_xpeer *p = &ru->peers[k];

				it->x_peer_item[f] = SIZE_MAX;
				if (!is_admin_kind(x) || x->ignored || p->kind != NP_XPEER_PODS ||
				    !sel_needs_item(&p->sel))
					continue;
				it->x_peer_item[f] = b->n_items++;
				for (q = 0; q < r->n_ns; q++) {
					if (r->ns[q].n_groups == 0 || !ns_sel_matches(r, &p->ns_sel, q, &who))
						continue;
					if ((rc = match_item_ns(b, it->x_peer_item[f], &p->sel, q)) < 0)
						return rc;
				}
			}
		}
	}
	return 0;
}

/* ---- classes ---- */

static int gitem_cmp(const void *a, const void *b)
{
	const struct gitem *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static int polref_cmp(const void *a, const void *b)
{
	const struct np_polref *x = a, *y = b;

	if (x->xpolicy != y->xpolicy)
		return x->xpolicy ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static size_t netpol_refs(const struct np_polref *v, size_t n, struct np_polref *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!v[i].xpolicy)
			out[k++] = v[i];
	qsort(out, k, sizeof(*out), polref_cmp);
	return k;
}

static int build_classes(struct builder *b)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	struct rmap map = { 0 };
	uint64_t *key = NULL;
	size_t key_cap = 0, gi = 0, g, i, j, words;
	struct np_polref *refs = NULL;
	size_t refs_cap = 0;
	struct rclass *cls = NULL;
	size_t n_cls = 0, cap_cls = 0;
	int rc = 0;

	if (b->n_gitems > 1)
		qsort(b->gitems, b->n_gitems, sizeof(*b->gitems), gitem_cmp);
	for (g = 0; g < b->n_groups; g++) {
		const struct group *gr = &b->groups[g];
		const struct np_pod_coverage *pc = &r->cov.pods[gr->rep];
		size_t first = gi, w = 0, ni, ne;
		uint32_t id;

		while (gi < b->n_gitems && b->gitems[gi].group == g)
			gi++;
		if (grow((void **)&refs, &refs_cap, pc->n_ingress + pc->n_egress + 1, sizeof(*refs)) < 0 ||
		    grow((void **)&key, &key_cap, 8 + (gi - first) + pc->n_ingress + pc->n_egress +
			 b->pod_n_ips[gr->rep] * 2, sizeof(*key)) < 0) {
			rc = NP_ENOMEM;
			goto out;
		}
		key[w++] = gr->ns;
		key[w++] = gr->host;
		key[w++] = gr->profile;
		/* The ipBlock signature of the group: the same atoms as its key. */
		if (r->opt.ipblock_matches_pods || gr->host)
			w += ip_signature(b, gr->rep, &key[w]);
		else
			key[w++] = 0;
		ni = gr->host ? 0 : netpol_refs(pc->ingress, pc->n_ingress, refs);
		key[w++] = ni;
		for (j = 0; j < ni; j++)
			key[w++] = refs[j].index;
		ne = gr->host ? 0 : netpol_refs(pc->egress, pc->n_egress, refs);
		key[w++] = ne;
		for (j = 0; j < ne; j++)
			key[w++] = refs[j].index;
		for (j = first; j < gi; j++)
			key[w++] = b->gitems[j].item;
		words = w;
		if (rmap_get(&map, r->seed, key, words, &id)) {
			b->groups[g].cls = id;
			cls[id].n_pods++;
			continue;
		}
		if (grow((void **)&cls, &cap_cls, n_cls + 1, sizeof(*cls)) < 0 ||
		    rmap_put(&map, r->seed, key, words, (uint32_t)n_cls) < 0) {
			rc = NP_ENOMEM;
			goto out;
		}
		memset(&cls[n_cls], 0, sizeof(cls[n_cls]));
		cls[n_cls].ns = gr->ns;
		cls[n_cls].rep = gr->rep;
		cls[n_cls].host = gr->host;
		cls[n_cls].profile = gr->profile;
		cls[n_cls].n_ips = b->pod_n_ips[gr->rep];
		cls[n_cls].ips = b->pod_ips[gr->rep];
		cls[n_cls].n_pods = 1;
		b->groups[g].cls = n_cls++;
	}
	/* One more: "any pod in any namespace" (exposure). */
	r->classes = arena_array(r, n_cls + 1, sizeof(*r->classes));
	if (!r->classes) {
		rc = NP_ENOMEM;
		goto out;
	}
	if (n_cls)
		memcpy(r->classes, cls, n_cls * sizeof(*cls));
	r->n_classes = n_cls;
	r->classes[n_cls].ns = SIZE_MAX;
	r->classes[n_cls].rep = SIZE_MAX;
	r->classes[n_cls].any = true;
	r->pod_class = malloc((m->pods.n ? m->pods.n : 1) * sizeof(*r->pod_class));
	if (!r->pod_class) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < m->pods.n; i++)
		r->pod_class[i] = b->pod_group[i] == SIZE_MAX ? SIZE_MAX :
				  b->groups[b->pod_group[i]].cls;
	/* n_pods per class counted pods, not groups. */
	for (i = 0; i < n_cls; i++)
		r->classes[i].n_pods = 0;
	for (i = 0; i < m->pods.n; i++)
		if (r->pod_class[i] != SIZE_MAX)
			r->classes[r->pod_class[i]].n_pods++;
	/* Item -> class bitsets. */
	words = (n_cls + 1 + 63) / 64;
	if (b->n_items) {
		b->item_bits = calloc(b->n_items, sizeof(*b->item_bits));
		if (!b->item_bits) {
			rc = NP_ENOMEM;
			goto out;
		}
	}
	for (j = 0; j < b->n_gitems; j++) {
		size_t it = b->gitems[j].item, c = b->groups[b->gitems[j].group].cls;

		if (!b->item_bits[it]) {
			b->item_bits[it] = arena_array(r, words, sizeof(uint64_t));
			if (!b->item_bits[it]) {
				rc = NP_ENOMEM;
				goto out;
			}
		}
		b->item_bits[it][c / 64] |= 1ULL << (c % 64);
	}
out:
	free(key);
	free(refs);
	free(cls);
	rmap_release(&map);
	return rc;
}

static bool item_has(const struct builder *b, size_t item, size_t cls)
{
	return item != SIZE_MAX && b->item_bits && b->item_bits[item] &&
	       (b->item_bits[item][cls / 64] >> (cls % 64)) & 1;
}

/* ---- rules ---- */

static uint64_t *new_bits(struct np_reach *r)
{
	return arena_array(r, (r->n_classes + 1 + 63) / 64, sizeof(uint64_t));
}

static void set_bit(uint64_t *bits, size_t i)
{
	bits[i / 64] |= 1ULL << (i % 64);
}

/* Classes whose addresses an IP set matches: pods when ipBlocks match pod
 * IPs, hostNetwork pods always (their address is all they are). */
static void ips_to_classes(struct np_reach *r, const struct np_ipset *s, uint64_t *bits)
{
	size_t c, k;

	for (c = 0; c < r->n_classes; c++) {
		const struct rclass *cl = &r->classes[c];

		if (!cl->host && !r->opt.ipblock_matches_pods)
			continue;
		for (k = 0; k < cl->n_ips; k++) {
			if (np_ipset_contains(s, &cl->ips[k])) {
				set_bit(bits, c);
				break;
			}
		}
	}
}

static int add_port_terms(struct np_reach *r, struct rrule *ru, const struct np_port *ports,
			  size_t n)
{
	size_t i;

	np_connset_init(&ru->numeric);
	if (n == 0) {
		ru->n_ports = 0;
		return np_connset_set_all(&ru->numeric);
	}
	ru->ports = arena_array(r, n, sizeof(*ru->ports));
	if (!ru->ports)
		return NP_ENOMEM;
	ru->n_ports = n;
	for (i = 0; i < n; i++) {
		const struct np_port *p = &ports[i];
		struct rport *t = &ru->ports[i];

		t->proto = p->proto;
		if (p->proto == NP_PROTO_INVALID) {
			/* An unsupported protocol matches nothing. */
			t->lo = 1;
			t->hi = 0;
			continue;
		}
		if (p->port_name) {
			t->name = p->port_name;
			ru->named = true;
			continue;
		}
		if (!p->has_port) {
			t->lo = NP_PORT_MIN;
			t->hi = NP_PORT_MAX;
		} else {
			t->lo = p->port;
			t->hi = p->has_end_port ? p->end_port : p->port;
		}
		if (np_connset_add(&ru->numeric, p->proto, t->lo, t->hi) < 0)
			return NP_ENOMEM;
	}
	return 0;
}

static int build_np_rule(struct builder *b, const struct items *it, size_t pi, unsigned dir,
			 size_t ri, size_t flat, struct rrule *ru)
{
	struct np_reach *r = b->r;
	const struct np_netpol *np = &r->m->netpols.v[pi];
	const struct np_rule *rule = dir == NP_DIR_INGRESS ? &np->ingress[ri] : &np->egress[ri];
	size_t pns = ns_find(r, np->namespace), k, c;
	struct who who = { "NetworkPolicy", np->namespace, np->name };
	int rc;

	ru->dir = dir;
	ru->ref.xpolicy = false;
	ru->ref.index = pi;
	ru->kind = "NetworkPolicy";
	ru->namespace = np->namespace;
	ru->name = np->name;
	ru->index = (int)ri;
	ru->action = NP_ACT_ALLOW;
	if ((rc = add_port_terms(r, ru, rule->ports, rule->n_ports)) < 0)
		return rc;
	if (rule->invalid) {
		ru->no_peers = true;
		return 0;
	}
	if (!rule->peers_present) {
		ru->all_peers = true;
		return 0;
	}
	ru->peers = arena_array(r, rule->n_peers, sizeof(*ru->peers));
	if (!ru->peers)
		return NP_ENOMEM;
	ru->n_peers = rule->n_peers;
	for (k = 0; k < rule->n_peers; k++) {
		const struct np_peer *p = &rule->peers[k];
		struct rpeer *rp = &ru->peers[k];
		size_t item = it->np_peer_item[flat + k];
		bool *nsm = NULL;

		rp->bits = new_bits(r);
		if (!rp->bits)
			return NP_ENOMEM;
		if (p->ipblock) {
			rc = np_ipset_from_ipblock(&rp->ips, p->ipblock, NULL);
			if (rc == NP_ENOMEM)
				return rc;
			if (rc == 0)
				ips_to_classes(r, &rp->ips, rp->bits);
			continue;
		}
		if (!p->has_pod_sel && !p->has_ns_sel)
			continue;
		if (p->has_ns_sel) {
			nsm = calloc(r->n_ns + 1, sizeof(*nsm));
			if (!nsm)
				return NP_ENOMEM;
			for (c = 0; c < r->n_ns; c++)
				nsm[c] = ns_sel_matches(r, &p->ns_sel, c, &who);
		}
		for (c = 0; c < r->n_classes; c++) {
			const struct rclass *cl = &r->classes[c];
			bool nsok = nsm ? nsm[cl->ns] : cl->ns == pns;

			if (cl->host || !nsok)
				continue;
			if (p->has_pod_sel && p->pod_sel.invalid)
				continue;
			if (p->has_pod_sel && !np_selector_is_empty(&p->pod_sel) && !item_has(b, item, c))
				continue;
			set_bit(rp->bits, c);
		}
		/* "Any pod in any namespace": a pod with no labels in an unknown
		 * namespace, matched only by selectors that need nothing. */
		if (p->has_ns_sel && !p->ns_sel.invalid) {
			struct np_labels none = { 0 };

			if (np_selector_matches(&p->ns_sel, &none) &&
			    (!p->has_pod_sel || (!p->pod_sel.invalid &&
						 np_selector_matches(&p->pod_sel, &none))))
				set_bit(rp->bits, r->n_classes);
		}
		free(nsm);
	}
	return 0;
}

static int xaction(enum np_xaction a)
{
	switch (a) {
	case NP_XACT_ALLOW:
		return NP_ACT_ALLOW;
	case NP_XACT_DENY:
		return NP_ACT_DENY;
	case NP_XACT_PASS:
		return NP_ACT_PASS;
	default:
		return -1;
	}
}

static int build_x_rule(struct builder *b, const struct items *it, size_t xi, unsigned dir,
			size_t ri, size_t flat, struct rrule *ru)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	const struct np_xpolicy *x = &m->xpolicies.v[xi];
	const struct np_xrule *rule = dir == NP_DIR_INGRESS ? &x->ingress[ri] : &x->egress[ri];
	struct who who = { x->kind, NULL, x->name };
	size_t k, c, q;
	int rc, act = xaction(rule->action);

	ru->dir = dir;
	ru->ref.xpolicy = true;
	ru->ref.index = xi;
	ru->kind = x->kind;
	ru->namespace = NULL;
	ru->name = x->name;
	ru->index = (int)ri;
	ru->rule_name = rule->name;
	ru->action = (uint8_t)(act < 0 ? NP_ACT_DENY : act);
	np_connset_init(&ru->numeric);
	if (act < 0) {
		ru->no_peers = true;
		reach_warn(r, "%s %s: %s rule #%zu has no valid action (%s): ignored", who.kind,
			   who.name ? who.name : "", dir == NP_DIR_INGRESS ? "ingress" : "egress", ri,
			   x->xkind == NP_XP_CNP ? "Accept, Deny or Pass" :
			   x->xkind == NP_XP_BANP ? "Allow or Deny" : "Allow, Deny or Pass");
		return np_connset_set_all(&ru->numeric);
	}
	if (rule->invalid) {
		/* Fail closed: an Allow matches nothing, a Deny or Pass everything. */
		if (act == NP_ACT_ALLOW)
			ru->no_peers = true;
		else
			ru->all_peers = true;
		reach_warn(r, "%s %s: %s rule #%zu%s%s%s cannot be read: %s", who.kind,
			   who.name ? who.name : "", dir == NP_DIR_INGRESS ? "ingress" : "egress", ri,
			   rule->name ? " \"" : "", rule->name ? rule->name : "", rule->name ? "\"" : "",
			   act == NP_ACT_ALLOW ? "it allows nothing" : "it applies to all traffic");
		return np_connset_set_all(&ru->numeric);
	}
	if (!rule->ports_present) {
		if ((rc = np_connset_set_all(&ru->numeric)) < 0)
			return rc;
	} else {
		ru->ports = arena_array(r, rule->n_ports, sizeof(*ru->ports));
		if (!ru->ports)
			return NP_ENOMEM;
		ru->n_ports = rule->n_ports;
		for (k = 0; k < rule->n_ports; k++) {
			const struct np_xport *p = &rule->ports[k];
			struct rport *t = &ru->ports[k];

			t->proto = p->proto;
			if (p->port_name) {
				t->name = p->port_name;
				ru->named = true;
				continue;
			}
			t->lo = p->all_ports ? NP_PORT_MIN : p->port;
			t->hi = p->all_ports ? NP_PORT_MAX : p->end_port;
			if (np_connset_add(&ru->numeric, p->proto, t->lo, t->hi) < 0)
				return NP_ENOMEM;
		}
	}
	ru->peers = arena_array(r, rule->n_peers, sizeof(*ru->peers));
	if (!ru->peers)
		return rule->n_peers ? NP_ENOMEM : 0;
	ru->n_peers = rule->n_peers;
	for (k = 0; k < rule->n_peers; k++) {
		const struct np_xpeer *p = &rule->peers[k];
		struct rpeer *rp = &ru->peers[k];
		size_t item = it->x_peer_item[flat + k];
		struct np_labels none = { 0 };
		bool *nsm;

		rp->bits = new_bits(r);
		if (!rp->bits)
			return NP_ENOMEM;
		switch (p->kind) {
		case NP_XPEER_NETWORKS:
			for (q = 0; q < p->n_networks; q++) {
				struct np_iprange ir;

				if (np_cidr_parse(&ir, NULL, p->networks[q]) < 0) {
					reach_warn(r, "%s %s: network \"%s\" is not a CIDR: ignored", who.kind,
						   who.name ? who.name : "",
						   p->networks[q]);
					continue;
				}
				if (np_ipset_add(&rp->ips, &ir) < 0)
					return NP_ENOMEM;
			}
			ips_to_classes(r, &rp->ips, rp->bits);
			break;
		case NP_XPEER_NODES:
			/* Node addresses: hostNetwork pods on matching nodes share them. */
			for (q = 0; q < m->nodes.n; q++) {
				size_t a;

				if (!np_selector_matches(&p->sel, &m->nodes.v[q].labels))
					continue;
				for (a = 0; a < m->nodes.v[q].n_ips; a++) {
					struct np_iprange ir;

					if (np_cidr_parse(&ir, NULL, m->nodes.v[q].ips[a]) == 0 &&
					    np_ipset_add(&rp->ips, &ir) < 0)
						return NP_ENOMEM;
				}
			}
			for (c = 0; c < r->n_classes; c++) {
				const struct rclass *cl = &r->classes[c];

				for (q = 0; cl->host && q < cl->n_ips; q++) {
					if (np_ipset_contains(&rp->ips, &cl->ips[q])) {
						set_bit(rp->bits, c);
						break;
					}
				}
			}
			break;
		case NP_XPEER_NAMESPACES:
		case NP_XPEER_PODS:
			nsm = calloc(r->n_ns + 1, sizeof(*nsm));
			if (!nsm)
				return NP_ENOMEM;
			for (c = 0; c < r->n_ns; c++)
				nsm[c] = ns_sel_matches(r, &p->ns_sel, c, &who);
			for (c = 0; c < r->n_classes; c++) {
				const struct rclass *cl = &r->classes[c];

				if (cl->host || !nsm[cl->ns])
					continue;
				if (p->kind == NP_XPEER_PODS && sel_needs_item(&p->sel) &&
				    !item_has(b, item, c))
					continue;
				if (p->kind == NP_XPEER_PODS && p->sel.invalid)
					continue;
				set_bit(rp->bits, c);
			}
			free(nsm);
			if (!p->ns_sel.invalid && np_selector_matches(&p->ns_sel, &none) &&
			    (p->kind == NP_XPEER_NAMESPACES ||
			     (!p->sel.invalid && np_selector_matches(&p->sel, &none))))
				set_bit(rp->bits, r->n_classes);
			break;
		default:
			break;
		}
	}
	return 0;
}

static int build_rules(struct builder *b, const struct items *it, size_t **np_first,
		       size_t **x_first)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	size_t total = 0, i, j, k = 0, f;
	int rc;

	*np_first = calloc(m->netpols.n + 1, sizeof(size_t));
	*x_first = calloc(m->xpolicies.n + 1, sizeof(size_t));
	if (!*np_first || !*x_first)
		return NP_ENOMEM;
	for (i = 0; i < m->netpols.n; i++)
		total += m->netpols.v[i].n_ingress + m->netpols.v[i].n_egress;
	for (i = 0; i < m->xpolicies.n; i++)
		total += m->xpolicies.v[i].n_ingress + m->xpolicies.v[i].n_egress;
	r->rules = arena_array(r, total ? total : 1, sizeof(*r->rules));
	if (!r->rules)
		return NP_ENOMEM;
	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];

		(*np_first)[i] = k;
		f = it->np_peer_base[i];
		for (j = 0; j < np->n_ingress; j++) {
			if ((rc = build_np_rule(b, it, i, NP_DIR_INGRESS, j, f, &r->rules[k++])) < 0)
				return rc;
			f += np->ingress[j].n_peers;
		}
		for (j = 0; j < np->n_egress; j++) {
			if ((rc = build_np_rule(b, it, i, NP_DIR_EGRESS, j, f, &r->rules[k++])) < 0)
				return rc;
			f += np->egress[j].n_peers;
		}
	}
	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];

		(*x_first)[i] = k;
		f = it->x_peer_base[i];
		for (j = 0; j < x->n_ingress; j++) {
			if (is_admin_kind(x) && !x->ignored &&
			    (rc = build_x_rule(b, it, i, NP_DIR_INGRESS, j, f, &r->rules[k])) < 0)
				return rc;
			k++;
			f += x->ingress[j].n_peers;
		}
		for (j = 0; j < x->n_egress; j++) {
			if (is_admin_kind(x) && !x->ignored &&
			    (rc = build_x_rule(b, it, i, NP_DIR_EGRESS, j, f, &r->rules[k])) < 0)
				return rc;
			k++;
			f += x->egress[j].n_peers;
		}
	}
	r->n_rules = k;
	return 0;
}

/* ---- per-class evaluation orders ---- */

struct tierpol {
	size_t x;        /* xpolicy index */
	long long prio;
	int order;       /* BANP before Baseline CNPs */
};

static const struct np_model *cmp_model;

static int tierpol_cmp(const void *a, const void *b)
{
	const struct tierpol *x = a, *y = b;
	const struct np_xpolicy *px = &cmp_model->xpolicies.v[x->x], *py = &cmp_model->xpolicies.v[y->x];
	int c;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if ((c = strcmp0(px->name, py->name)) != 0)
		return c;
	if ((c = strcmp0(px->kind, py->kind)) != 0)
		return c;
	return x->x < y->x ? -1 : x->x > y->x;
}

static bool x_selects_class(struct builder *b, const struct items *it, size_t xi, size_t c)
{
	struct np_reach *r = b->r;
	const struct np_xpolicy *x = &r->m->xpolicies.v[xi];
	const struct rclass *cl = &r->classes[c];

	if (cl->host || cl->any)
		return false;
	if (x->subject_pods.invalid)
		return false;
	if (np_xpolicy_selects_namespace(x, r->ns[cl->ns].labels, r->ns[cl->ns].synthesized) != 1)
		return false;
	if (sel_needs_item(&x->subject_pods))
		return item_has(b, it->x_subj_item[xi], c);
	return true;
}

static int build_entries(struct builder *b, const struct items *it, const size_t *np_first,
			 const size_t *x_first)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	struct tierpol *adm = NULL, *base = NULL;
	size_t n_adm = 0, n_base = 0, cap_adm = 0, cap_base = 0, i, c, d, j;
	struct rentry *ent = NULL;
	size_t n_ent, cap_ent = 0;
	struct np_polref *refs = NULL;
	size_t refs_cap = 0;
	bool banp_seen = false;
	int rc = 0;

	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];
		struct tierpol t = { i, x->priority, 0 };

		if (!is_admin_kind(x) || x->ignored)
			continue;
		if (x->xkind == NP_XP_ANP || (x->xkind == NP_XP_CNP && x->tier &&
					      strcmp(x->tier, "Admin") == 0)) {
			rc = PUSH(adm, n_adm, cap_adm, t);
		} else if (x->xkind == NP_XP_BANP) {
			if (strcmp0(x->name, "default") != 0 || banp_seen) {
				reach_warn(r, "BaselineAdminNetworkPolicy %s: only the one named "
					   "\"default\" is used: ignored", x->name ? x->name : "");
				continue;
			}
			banp_seen = true;
			t.order = 0;
			t.prio = 0;
			rc = PUSH(base, n_base, cap_base, t);
		} else if (x->xkind == NP_XP_CNP && x->tier && strcmp(x->tier, "Baseline") == 0) {
			t.order = 1;
			rc = PUSH(base, n_base, cap_base, t);
		} else {
			reach_warn(r, "%s %s: tier \"%s\" is not Admin or Baseline: ignored", x->kind,
				   x->name ? x->name : "", x->tier ? x->tier : "");
		}
		if (rc < 0)
			goto out;
	}
	cmp_model = m;
	if (n_adm > 1)
		qsort(adm, n_adm, sizeof(*adm), tierpol_cmp);
	if (n_base > 1)
		qsort(base, n_base, sizeof(*base), tierpol_cmp);
	cmp_model = NULL;

	for (c = 0; c < r->n_classes; c++) {
		struct rclass *cl = &r->classes[c];
		const struct np_pod_coverage *pc = &r->cov.pods[cl->rep];
		if (cl->host)
			continue;
		for (d = 0; d < 2; d++) {
			struct rcdir *cd = &cl->dir[d];
			long long last_prio = -2;
			size_t last_x = SIZE_MAX, ni;

			n_ent = 0;
			for (i = 0; i < n_adm; i++) {
				const struct np_xpolicy *x = &m->xpolicies.v[adm[i].x];
				size_t nr = d == DIR_IN ? x->n_ingress : x->n_egress;
				size_t first = x_first[adm[i].x] + (d == DIR_IN ? 0 : x->n_ingress);

				if (nr == 0 || !x_selects_class(b, it, adm[i].x, c))
					continue;
				if (last_x != SIZE_MAX && adm[i].prio == last_prio)
					reach_warn(r, "%s %s and %s %s have the same priority %lld and "
						   "select the same pods: evaluated in name order",
						   m->xpolicies.v[last_x].kind, m->xpolicies.v[last_x].name,
						   x->kind, x->name, adm[i].prio);
				last_prio = adm[i].prio;
				last_x = adm[i].x;
				for (j = 0; j < nr; j++) {
					struct rentry e;

					if (r->rules[first + j].no_peers)
						continue;
					e.tier = NP_TIER_ADMIN;
					e.action = r->rules[first + j].action;
					e.rule = (uint32_t)(first + j);
					if ((rc = PUSH(ent, n_ent, cap_ent, e)) < 0)
						goto out;
				}
			}
			/* NetworkPolicies isolating the class in this direction. */
			if (grow((void **)&refs, &refs_cap,
				 (d == DIR_IN ? pc->n_ingress : pc->n_egress) + 1, sizeof(*refs)) < 0) {
				rc = NP_ENOMEM;
				goto out;
			}
			ni = netpol_refs(d == DIR_IN ? pc->ingress : pc->egress,
					 d == DIR_IN ? pc->n_ingress : pc->n_egress, refs);
			cd->isolated = ni > 0;
			cd->n_iso = ni;
			cd->iso = arena_array(r, ni, sizeof(*cd->iso));
			if (ni && !cd->iso) {
				rc = NP_ENOMEM;
				goto out;
			}
			if (ni)
				memcpy(cd->iso, refs, ni * sizeof(*refs));
			for (i = 0; i < ni; i++) {
				const struct np_netpol *np = &m->netpols.v[refs[i].index];
				size_t nr = d == DIR_IN ? np->n_ingress : np->n_egress;
				size_t first = np_first[refs[i].index] + (d == DIR_IN ? 0 : np->n_ingress);

				for (j = 0; j < nr; j++) {
					struct rentry e;

					if (r->rules[first + j].no_peers)
						continue;
					e.tier = NP_TIER_NETPOL;
					e.action = NP_ACT_ALLOW;
					e.rule = (uint32_t)(first + j);
					if ((rc = PUSH(ent, n_ent, cap_ent, e)) < 0)
						goto out;
				}
			}
			for (i = 0; i < n_base; i++) {
				const struct np_xpolicy *x = &m->xpolicies.v[base[i].x];
				size_t nr = d == DIR_IN ? x->n_ingress : x->n_egress;
				size_t first = x_first[base[i].x] + (d == DIR_IN ? 0 : x->n_ingress);

				if (nr == 0 || !x_selects_class(b, it, base[i].x, c))
					continue;
				for (j = 0; j < nr; j++) {
					struct rentry e;

					if (r->rules[first + j].no_peers)
						continue;
					e.tier = NP_TIER_BASELINE;
					/* In the Baseline tier, Pass (CNP) means allow. */
					e.action = r->rules[first + j].action == NP_ACT_PASS ?
						   NP_ACT_ALLOW : r->rules[first + j].action;
					e.rule = (uint32_t)(first + j);
					if ((rc = PUSH(ent, n_ent, cap_ent, e)) < 0)
						goto out;
				}
			}
			cd->n_entries = n_ent;
			cd->entries = arena_array(r, n_ent, sizeof(*cd->entries));
			if (n_ent && !cd->entries) {
				rc = NP_ENOMEM;
				goto out;
			}
			for (j = 0; j < n_ent; j++) {
				cd->entries[j] = ent[j];
				if (r->rules[ent[j].rule].named)
					cd->named = true;
			}
		}
	}
out:
	free(adm);
	free(base);
	free(ent);
	free(refs);
	return rc;
}

/* ---- nodes ---- */

struct wkey {
	const char *ns, *kind, *name, *group;
	size_t pod;
};

static int wkey_cmp(const void *a, const void *b)
{
	const struct wkey *x = a, *y = b;
	int c;

	if ((c = strcmp0(x->ns, y->ns)) || (c = strcmp0(x->name, y->name)) ||
	    (c = strcmp0(x->kind, y->kind)))
		return c;
	return x->pod < y->pod ? -1 : x->pod > y->pod;
}

static int node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct np_reach_node *)a)->label,
		      ((const struct np_reach_node *)b)->label);
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The external intervals between consecutive cut points, inside the
 * universe (IPv4; IPv6 too when a policy names an IPv6 range). */
static int add_externals(struct np_reach *r, const struct np_ip *pts, size_t n_pts, bool v6,
			 bool as_src, struct np_reach_node **nodes, size_t *n, size_t *cap)
{
	struct np_iprange uni[3];
	size_t n_uni = 0, u, i;

	np_iprange_all_v4(&uni[n_uni++]);
	if (v6)
		n_uni += np_iprange_all_v6(&uni[n_uni]);
	for (u = 0; u < n_uni; u++) {
		struct np_ip cur = uni[u].lo;

		for (i = 0; i <= n_pts; i++) {
			struct np_reach_node nd;
			struct np_ip end;
			char buf[128];

			if (i < n_pts) {
				if (np_ip_cmp(&pts[i], &cur) <= 0)
					continue;
				if (np_ip_cmp(&pts[i], &uni[u].hi) > 0) {
					end = uni[u].hi;
				} else {
					end = pts[i];
					if (end.lo-- == 0)
						end.hi--;
				}
			} else {
				end = uni[u].hi;
			}
			memset(&nd, 0, sizeof(nd));
			nd.kind = NP_REACH_EXTERNAL;
			nd.range.lo = cur;
			nd.range.hi = end;
			nd.as_src = as_src;
			nd.as_dst = !as_src;
			nd.wkind = "External";
			np_iprange_format(&nd.range, buf, sizeof(buf));
			strncat(buf, "[External]", sizeof(buf) - strlen(buf) - 1);
			nd.label = np_arena_strndup(&r->mem, buf, strlen(buf));
			if (!nd.label || PUSH(*nodes, *n, *cap, nd) < 0)
				return NP_ENOMEM;
			if (np_ip_cmp(&end, &uni[u].hi) >= 0)
				break;
			cur = end;
			if (++cur.lo == 0)
				cur.hi++;
		}
	}
	return 0;
}

static int build_nodes(struct builder *b)
{
	struct np_reach *r = b->r;
	const struct np_model *m = r->m;
	struct wkey *keys = NULL;
	struct np_reach_node *nodes = NULL;
	size_t n_keys = 0, n = 0, cap = 0, i, j, k;
	int rc = 0;

	keys = malloc((m->pods.n ? m->pods.n : 1) * sizeof(*keys));
	if (!keys)
		return NP_ENOMEM;
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		struct wkey *w;

		if (r->pod_class[i] == SIZE_MAX)
			continue;
		w = &keys[n_keys++];
		w->ns = p->namespace;
		w->pod = i;
		/* np-guard names the direct controller (DESIGN §4, §6.2). */
		if (p->has_owner && p->owner.name && p->owner.kind) {
			w->kind = p->owner.kind;
			w->name = p->owner.name;
			w->group = p->owner.api_group;
		} else {
			w->kind = "Pod";
			w->name = p->name;
			w->group = "";
		}
	}
	qsort(keys, n_keys, sizeof(*keys), wkey_cmp);
	for (i = 0; i < n_keys; i = k) {
		struct np_reach_node nd;
		size_t *cls, *pods, nc = 0;
		char buf[1024];

		for (k = i; k < n_keys && strcmp0(keys[k].ns, keys[i].ns) == 0 &&
			    strcmp0(keys[k].name, keys[i].name) == 0 &&
			    strcmp0(keys[k].kind, keys[i].kind) == 0; k++)
			;
		memset(&nd, 0, sizeof(nd));
		nd.kind = NP_REACH_WORKLOAD;
		nd.namespace = keys[i].ns;
		nd.name = keys[i].name;
		nd.wkind = keys[i].kind;
		nd.api_group = keys[i].group ? keys[i].group : "";
		nd.as_src = nd.as_dst = true;
		snprintf(buf, sizeof(buf), "%s/%s[%s]", keys[i].ns ? keys[i].ns : "",
			 keys[i].name ? keys[i].name : "", keys[i].kind);
		nd.label = np_arena_strndup(&r->mem, buf, strlen(buf));
		cls = arena_array(r, k - i, sizeof(*cls));
		pods = arena_array(r, k - i, sizeof(*pods));
		if (!nd.label || !cls || !pods) {
			rc = NP_ENOMEM;
			goto out;
		}
		for (j = i; j < k; j++) {
			pods[j - i] = keys[j].pod;
			cls[j - i] = r->pod_class[keys[j].pod];
			if (pod_host(r, &m->pods.v[keys[j].pod]))
				nd.host_network = true;
		}
		qsort(cls, k - i, sizeof(*cls), size_cmp);
		for (j = 0; j < k - i; j++)
			if (j == 0 || cls[j] != cls[nc - 1])
				cls[nc++] = cls[j];
		nd.classes = cls;
		nd.n_classes = nc;
		nd.pods = pods;
		nd.n_pods = k - i;
		if (nc > 1)
			reach_warn(r, "%s %s/%s: its pods differ in labels, named ports or addresses "
				   "that policies tell apart (%zu classes): connections shown are the "
				   "union over its pods", nd.wkind, nd.namespace ? nd.namespace : "",
				   nd.name ? nd.name : "", nc);
		if ((rc = PUSH(nodes, n, cap, nd)) < 0)
			goto out;
	}
	j = n;
	if ((rc = add_externals(r, b->src_pts, b->n_src_pts, b->v6, true, &nodes, &n, &cap)) < 0)
		goto out;
	k = n;
	if ((rc = add_externals(r, b->dst_pts, b->n_dst_pts, b->v6, false, &nodes, &n, &cap)) < 0)
		goto out;
	/* A range that is both a source and a destination interval is one node. */
	for (i = k; i < n; i++) {
		size_t s;

		for (s = j; s < k; s++) {
			if (np_ip_cmp(&nodes[s].range.lo, &nodes[i].range.lo) == 0 &&
			    np_ip_cmp(&nodes[s].range.hi, &nodes[i].range.hi) == 0) {
				nodes[s].as_dst = true;
				nodes[i].label = NULL;
				break;
			}
		}
	}
	for (i = j = 0; i < n; i++)
		if (nodes[i].label)
			nodes[j++] = nodes[i];
	n = j;
	qsort(nodes, n, sizeof(*nodes), node_cmp);
	r->nodes = arena_array(r, n ? n : 1, sizeof(*r->nodes));
	if (!r->nodes) {
		rc = NP_ENOMEM;
		goto out;
	}
	if (n)
		memcpy(r->nodes, nodes, n * sizeof(*nodes));
	r->n_nodes = n;
out:
	free(keys);
	free(nodes);
	return rc;
}

/* ---- driver ---- */

static int collect_keys(struct builder *b)
{
	const struct np_model *m = b->r->m;
	size_t i, j, k;

	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];

		if (pset_add_selector(&b->keys, &np->pod_selector) < 0)
			return NP_ENOMEM;
		for (j = 0; j < np->n_ingress + np->n_egress; j++) {
			const struct np_rule *ru = j < np->n_ingress ? &np->ingress[j] :
							&np->egress[j - np->n_ingress];

			for (k = 0; k < ru->n_peers; k++)
				if (pset_add_selector(&b->keys, &ru->peers[k].pod_sel) < 0)
					return NP_ENOMEM;
			for (k = 0; k < ru->n_ports; k++)
				if (ru->ports[k].port_name &&
				    pset_add(&b->port_names, ru->ports[k].port_name) < 0)
					return NP_ENOMEM;
		}
	}
	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];

		if (!is_admin_kind(x))
			continue;
		if (pset_add_selector(&b->keys, &x->subject_pods) < 0)
			return NP_ENOMEM;
		for (j = 0; j < x->n_ingress + x->n_egress; j++) {
			const struct np_xrule *ru = j < x->n_ingress ? &x->ingress[j] :
							 &x->egress[j - x->n_ingress];

			for (k = 0; k < ru->n_peers; k++)
				if (ru->peers[k].kind == NP_XPEER_PODS &&
				    pset_add_selector(&b->keys, &ru->peers[k].sel) < 0)
					return NP_ENOMEM;
			for (k = 0; k < ru->n_ports; k++)
				if (ru->ports[k].port_name &&
				    pset_add(&b->port_names, ru->ports[k].port_name) < 0)
					return NP_ENOMEM;
		}
	}
	return 0;
}

static void note_unevaluated(struct np_reach *r)
{
	const struct np_model *m = r->m;
	size_t i, n = 0;

	for (i = 0; i < m->xpolicies.n; i++)
		if (!is_admin_kind(&m->xpolicies.v[i]) && !m->xpolicies.v[i].ignored)
			n++;
	if (n)
		reach_warn(r, "%zu Cilium or Calico %s not evaluated: reach covers NetworkPolicy, "
			   "AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy",
			   n, n == 1 ? "policy is" : "policies are");
}

int reach_build(struct np_reach *r, struct np_error *err)
{
	const struct np_model *m = r->m;
	struct builder b;
	struct items it;
	struct np_scope scope;
	size_t *pod_profile = NULL, *np_first = NULL, *x_first = NULL, i;
	int rc;

	memset(&b, 0, sizeof(b));
	memset(&it, 0, sizeof(it));
	memset(&scope, 0, sizeof(scope));
	b.r = r;

	/* --hostnetwork=as-pods: coverage must see hostNetwork pods as subjects. */
	r->mv = m;
	if (r->opt.hostnetwork_as_pods && m->pods.n) {
		r->view = *m;
		r->view_pods = malloc(m->pods.n * sizeof(*r->view_pods));
		if (!r->view_pods) {
			rc = NP_ENOMEM;
			goto out;
		}
		memcpy(r->view_pods, m->pods.v, m->pods.n * sizeof(*r->view_pods));
		for (i = 0; i < m->pods.n; i++)
			r->view_pods[i].host_network = false;
		r->view.pods.v = r->view_pods;
		r->mv = &r->view;
	}
	scope.include_idle = r->opt.include_idle;
	if ((rc = np_coverage_build(&r->cov, r->mv, &scope, false, err)) < 0)
		goto out;

	b.included = calloc(m->pods.n ? m->pods.n : 1, sizeof(*b.included));
	if (!b.included) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];

		b.included[i] = np_pod_counted(p) &&
				!(p->is_template && p->idle && !r->opt.include_idle);
	}
	if ((rc = build_ns(&b)) < 0 || (rc = collect_keys(&b)) < 0 ||
	    (rc = pod_addresses(&b)) < 0 || (rc = collect_cuts(&b)) < 0 ||
	    (rc = build_profiles(&b, &pod_profile)) < 0 || (rc = build_groups(&b, pod_profile)) < 0 ||
	    (rc = order_groups(&b)) < 0 || (rc = build_items(&b, &it)) < 0 ||
	    (rc = build_classes(&b)) < 0 || (rc = build_rules(&b, &it, &np_first, &x_first)) < 0 ||
	    (rc = build_entries(&b, &it, np_first, x_first)) < 0 || (rc = build_nodes(&b)) < 0)
		goto out;
	if (b.n_redacted && (r->opt.ipblock_matches_pods || r->opt.hostnetwork_as_pods == false))
		reach_warn(r, "%zu pod %s redacted or unparsable: ipBlock verdicts for %s may be "
			   "wrong", b.n_redacted, b.n_redacted == 1 ? "address is" : "addresses are",
			   b.n_redacted == 1 ? "it" : "them");
	note_unevaluated(r);
out:
	if (rc == NP_ENOMEM)
		np_error_set(err, rc, "reach: out of memory");
	items_release(&it);
	free(np_first);
	free(x_first);
	free(pod_profile);
	free(b.included);
	free(b.pod_group);
	free(b.groups);
	free(b.group_order);
	free(b.gitems);
	free(b.item_bits);
	free(b.src_pts);
	free(b.dst_pts);
	free(b.all_pts);
	free(b.pod_ips);
	free(b.pod_n_ips);
	pset_release(&b.keys);
	pset_release(&b.port_names);
	return rc;
}
