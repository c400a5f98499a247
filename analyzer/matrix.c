/* The coverage matrix: which shown pods each policy selects, grouped into
 * workload rows per namespace. Isolation comes from np_coverage; this file
 * only lists, sorts and groups. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/matrix.h"
#include "netpol/selector.h"

#define NONE SIZE_MAX

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

static int strptr_cmp(const void *pa, const void *pb)
{
	return nullcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Labels Kubernetes sets per pod or per revision: they tell pods of one
 * workload apart without meaning anything to a policy author, so they do
 * not split a workload row unless its pods' coverage differs too. */
static const char *const generated_labels[] = {
	"apps.kubernetes.io/pod-index",
	"batch.kubernetes.io/controller-uid",
	"batch.kubernetes.io/job-completion-index",
	"controller-revision-hash",
	"controller-uid",
	"pod-template-generation",
	"pod-template-hash",
	"statefulset.kubernetes.io/pod-name",
};

static bool is_generated_label(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(generated_labels) / sizeof(generated_labels[0]); i++)
		if (strcmp(key, generated_labels[i]) == 0)
			return true;
	return false;
}

unsigned np_matrix_cell(const struct np_matrix_row *r, size_t p)
{
	size_t lo = 0, hi = r->n_cells;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->cells[mid].policy == p)
			return r->cells[mid].dirs;
		if (r->cells[mid].policy < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* "ns/name", or name alone when ns is NULL; in the arena. */
static const char *join_ref(struct np_arena *a, const char *ns, const char *name)
{
	size_t nl, ml;
	char *s;

	if (!ns)
		return name;
	nl = strlen(ns);
	ml = strlen(name);
	if (nl > SIZE_MAX - ml - 2)
		return NULL;
	s = np_arena_alloc(a, nl + ml + 2);
	if (!s)
		return NULL;
	memcpy(s, ns, nl);
	s[nl] = '/';
	memcpy(s + nl + 1, name, ml + 1);
	return s;
}

/* ---- policies ---- */

static void policy_fill(struct np_matrix_policy *mp, const struct np_model *m, struct np_polref ref)
{
	mp->ref = ref;
	if (!ref.xpolicy) {
		const struct np_netpol *np = &m->netpols.v[ref.index];

		mp->namespace = np->namespace;
		mp->name = np->name ? np->name : "";
		mp->kind = "NetworkPolicy";
		/* extensions/v1beta1 and networking.k8s.io share one group (DESIGN §3.1). */
		mp->api_group = "networking.k8s.io";
		mp->types_effective = np_netpol_effective_types(np);
		mp->types_written_present = np->types_raw == NP_RAW_ARRAY;
		mp->types_written = np->types_written;
	} else {
		const struct np_xpolicy *x = &m->xpolicies.v[ref.index];

		mp->namespace = x->namespace;
		mp->name = x->name ? x->name : "";
		mp->kind = x->kind ? x->kind : "";
		mp->api_group = x->api_group ? x->api_group : "";
		mp->types_effective = np_xpolicy_isolation(x);
	}
}

static int policy_cmp(const void *pa, const void *pb)
{
	const struct np_matrix_policy *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->namespace, b->namespace)) != 0)
		return c;
	if ((c = nullcmp(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->kind, b->kind)) != 0)
		return c;
	if ((c = strcmp(a->api_group, b->api_group)) != 0)
		return c;
	if (a->ref.xpolicy != b->ref.xpolicy)
		return a->ref.xpolicy ? 1 : -1;
	return a->ref.index < b->ref.index ? -1 : a->ref.index > b->ref.index;
}

/* ---- pods ---- */

static int pod_cmp(const void *pa, const void *pb)
{
	const struct np_matrix_pod *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->pod->namespace, b->pod->namespace)) != 0)
		return c;
	if ((c = nullcmp(a->pod->name, b->pod->name)) != 0)
		return c;
	if (a->pod->is_template != b->pod->is_template)
		return a->pod->is_template ? 1 : -1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int size_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return a < b ? -1 : a > b;
}

/* Maps a coverage polref list onto sorted, unique matrix indexes. */
static int map_refs(struct np_arena *mem, const struct np_polref *refs, size_t n,
		    const size_t *np_map, const size_t *xp_map, size_t **out, size_t *n_out)
{
	size_t i, k = 0;
	size_t *v = alloc_array(mem, n, sizeof(*v));

	if (!v)
		return NP_ENOMEM;
	for (i = 0; i < n; i++) {
		size_t idx = refs[i].xpolicy ? xp_map[refs[i].index] : np_map[refs[i].index];

		if (idx != NONE)
			v[k++] = idx;
	}
	qsort(v, k, sizeof(*v), size_cmp);
	if (k > 1) {
		size_t j = 1;

		for (i = 1; i < k; i++)
			if (v[i] != v[j - 1])
				v[j++] = v[i];
		k = j;
	}
	*out = v;
	*n_out = k;
	return 0;
}

/* ---- grouping ---- */

/* Per shown pod: its labels without the generated ones, compared by the
 * grouping sort. */
struct group_key {
	const struct np_matrix_pod *mp;
	size_t pod;     /* index into np_matrix.pods */
	size_t n;
	const char **keys, **values;
};

static int sizes_cmp(const size_t *a, size_t na, const size_t *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return na < nb ? -1 : 1;
	for (i = 0; i < na; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int workload_cmp(const struct np_pod *a, const struct np_pod *b)
{
	int c;

	if ((c = nullcmp(a->top.name, b->top.name)) != 0)
		return c;
	if ((c = nullcmp(a->top.kind, b->top.kind)) != 0)
		return c;
	return nullcmp(a->top.api_group, b->top.api_group);
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct group_key *a = pa, *b = pb;
	const struct np_pod *p = a->mp->pod, *q = b->mp->pod;
	size_t i;
	int c;

	if ((c = workload_cmp(p, q)) != 0)
		return c;
	if (p->host_network != q->host_network)
		return p->host_network ? 1 : -1;
	if (p->is_template != q->is_template)
		return p->is_template ? 1 : -1;
	for (i = 0; i < a->n && i < b->n; i++) {
		if (a->keys[i] != b->keys[i] && (c = strcmp(a->keys[i], b->keys[i])) != 0)
			return c;
		if (a->values[i] != b->values[i] && (c = nullcmp(a->values[i], b->values[i])) != 0)
			return c;
	}
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	if ((c = sizes_cmp(a->mp->ingress, a->mp->n_ingress, b->mp->ingress, b->mp->n_ingress)) != 0)
		return c;
	if ((c = sizes_cmp(a->mp->egress, a->mp->n_egress, b->mp->egress, b->mp->n_egress)) != 0)
		return c;
	return a->pod < b->pod ? -1 : a->pod > b->pod;
}

static bool same_group(const struct group_key *a, const struct group_key *b)
{
	struct group_key x = *a, y = *b;

	/* group_cmp minus the final tie-break on the pod index. */
	x.pod = y.pod = 0;
	return group_cmp(&x, &y) == 0;
}

static int row_fill_cells(struct np_matrix *mx, struct np_matrix_row *row, const struct np_matrix_pod *mp)
{
	size_t i = 0, j = 0, k = 0;

	row->cells = alloc_array(&mx->mem, mp->n_ingress + mp->n_egress, sizeof(*row->cells));
	if (!row->cells)
		return NP_ENOMEM;
	while (i < mp->n_ingress || j < mp->n_egress) {
		size_t pi = i < mp->n_ingress ? mp->ingress[i] : NONE;
		size_t pe = j < mp->n_egress ? mp->egress[j] : NONE;
		struct np_matrix_cell *c = &row->cells[k++];

		if (pi == pe) {
			c->policy = pi;
			c->dirs = NP_DIR_INGRESS | NP_DIR_EGRESS;
			i++;
			j++;
		} else if (pi < pe) {
			c->policy = pi;
			c->dirs = NP_DIR_INGRESS;
			i++;
		} else {
			c->policy = pe;
			c->dirs = NP_DIR_EGRESS;
			j++;
		}
	}
	row->n_cells = k;
	return 0;
}

static void row_fill_flags(struct np_matrix_row *row, const struct np_matrix_pod *mp)
{
	row->host_network = mp->pod->host_network;
	row->is_template = mp->pod->is_template;
	/* hostNetwork pods are never isolated (DESIGN §4), whatever selects them. */
	row->ingress_isolated = !row->host_network && mp->cov->ingress_isolated;
	row->egress_isolated = !row->host_network && mp->cov->egress_isolated;
}

/* Value of key in a group key (sorted by strcmp), NULL when absent. */
static const char *key_value(const struct group_key *k, const char *key)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = k->keys[mid] == key ? 0 : strcmp(k->keys[mid], key);

		if (c == 0)
			return k->values[mid] ? k->values[mid] : "";
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* For rows [a, b) of one workload (rep[r]: row r's representative labels):
 * "k=v,!k2" naming the labels whose values differ between the rows. */
static int describe_split(struct np_matrix *mx, struct np_matrix_block *blk, size_t a, size_t b,
			  const struct group_key *const *rep)
{
	const char **keys = NULL;
	unsigned char *differs = NULL;
	size_t total = 0, n = 0, r, i;
	int rc = 0;

	for (r = a; r < b; r++) {
		if (rep[r]->n > SIZE_MAX - total)
			return NP_ENOMEM;
		total += rep[r]->n;
	}
	keys = calloc(total ? total : 1, sizeof(*keys));
	differs = calloc(total ? total : 1, 1);
	if (!keys || !differs) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (r = a; r < b; r++)
		for (i = 0; i < rep[r]->n; i++)
			keys[n++] = rep[r]->keys[i];
	qsort(keys, n, sizeof(*keys), strptr_cmp);
	for (i = 0, total = 0; i < n; i++)
		if (total == 0 || nullcmp(keys[total - 1], keys[i]) != 0)
			keys[total++] = keys[i];
	n = total;
	for (i = 0; i < n; i++) {
		const char *v0 = key_value(rep[a], keys[i]);

		for (r = a + 1; r < b && !differs[i]; r++)
			differs[i] = nullcmp(key_value(rep[r], keys[i]), v0) != 0;
	}
	for (r = a; r < b; r++) {
		size_t len = 0;
		char *buf;

		for (i = 0; i < n; i++) {
			const char *v = key_value(rep[r], keys[i]);

			if (differs[i])
				len += strlen(keys[i]) + (v ? strlen(v) + 1 : 1) + 1;
		}
		if (len == 0)
			continue;
		buf = np_arena_alloc(&mx->mem, len + 1);
		if (!buf) {
			rc = NP_ENOMEM;
			goto out;
		}
		len = 0;
		for (i = 0; i < n; i++) {
			const char *v = key_value(rep[r], keys[i]);

			if (!differs[i])
				continue;
			if (len)
				buf[len++] = ',';
			if (!v)
				buf[len++] = '!';
			memcpy(buf + len, keys[i], strlen(keys[i]));
			len += strlen(keys[i]);
			if (v) {
				buf[len++] = '=';
				memcpy(buf + len, v, strlen(v));
				len += strlen(v);
			}
		}
		buf[len] = '\0';
		blk->rows[r].split = buf;
	}
out:
	free(keys);
	free(differs);
	return rc;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct np_matrix_row *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->name, b->name)) != 0)
		return c;
	if ((c = nullcmp(a->kind, b->kind)) != 0)
		return c;
	if ((c = nullcmp(a->api_group, b->api_group)) != 0)
		return c;
	if (a->host_network != b->host_network)
		return a->host_network ? 1 : -1;
	if (a->is_template != b->is_template)
		return a->is_template ? 1 : -1;
	if ((c = nullcmp(a->split, b->split)) != 0)
		return c;
	return a->pods[0] < b->pods[0] ? -1 : a->pods[0] > b->pods[0];
}

static bool same_workload(const struct np_matrix_row *a, const struct np_matrix_row *b)
{
	return nullcmp(a->name, b->name) == 0 && nullcmp(a->kind, b->kind) == 0 &&
	       nullcmp(a->api_group, b->api_group) == 0;
}

/* --pods: one row per pod, in pod order. */
static int pod_rows(struct np_matrix *mx, struct np_matrix_block *blk, size_t first, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct np_matrix_pod *mp = &mx->pods[first + i];
		struct np_matrix_row *row = &blk->rows[i];

		row->kind = "Pod";
		row->api_group = "";
		row->name = mp->pod->name;
		row->n_pods = 1;
		row->pods = alloc_array(&mx->mem, 1, sizeof(*row->pods));
		if (!row->pods)
			return NP_ENOMEM;
		row->pods[0] = first + i;
		row_fill_flags(row, mp);
		if ((rc = row_fill_cells(mx, row, mp)) < 0)
			return rc;
	}
	blk->n_rows = n;
	return 0;
}

/* One row per workload, split where pods differ in labels (bar generated
 * ones), hostNetwork, template or coverage. */
static int workload_rows(struct np_matrix *mx, struct np_matrix_block *blk, size_t first, size_t n)
{
	struct group_key *keys = NULL;
	const struct group_key **rep = NULL;
	size_t i, r;
	int rc = 0;

	keys = calloc(n, sizeof(*keys));
	rep = calloc(n, sizeof(*rep));
	if (!keys || !rep) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct np_matrix_pod *mp = &mx->pods[first + i];
		const struct np_labels *l = &mp->pod->labels;
		size_t j, k = 0;

		keys[i].mp = mp;
		keys[i].pod = first + i;
		keys[i].keys = alloc_array(&mx->mem, l->n, sizeof(char *));
		keys[i].values = alloc_array(&mx->mem, l->n, sizeof(char *));
		if (!keys[i].keys || !keys[i].values) {
			rc = NP_ENOMEM;
			goto out;
		}
		for (j = 0; j < l->n; j++) {
			if (is_generated_label(l->keys[j]))
				continue;
			keys[i].keys[k] = l->keys[j];
			keys[i].values[k] = l->values[j];
			k++;
		}
		keys[i].n = k;
	}
	qsort(keys, n, sizeof(*keys), group_cmp);

	r = 0;
	for (i = 0; i < n;) {
		size_t j = i + 1, k;
		struct np_matrix_row *row = &blk->rows[r];
		const struct np_pod *p = keys[i].mp->pod;

		rep[r++] = &keys[i];
		while (j < n && same_group(&keys[i], &keys[j]))
			j++;
		row->kind = p->top.kind ? p->top.kind : "Pod";
		row->api_group = p->top.api_group ? p->top.api_group : "";
		row->name = p->top.name ? p->top.name : p->name;
		row->inferred = p->top_inferred;
		row->n_pods = j - i;
		row->pods = alloc_array(&mx->mem, j - i, sizeof(*row->pods));
		if (!row->pods) {
			rc = NP_ENOMEM;
			goto out;
		}
		for (k = i; k < j; k++)
			row->pods[k - i] = keys[k].pod;
		row_fill_flags(row, keys[i].mp);
		if ((rc = row_fill_cells(mx, row, keys[i].mp)) < 0)
			goto out;
		i = j;
	}
	blk->n_rows = r;

	/* Rows of one workload are adjacent (the sort starts with it). */
	for (i = 0; i < blk->n_rows;) {
		size_t j = i + 1;

		while (j < blk->n_rows && same_workload(&blk->rows[i], &blk->rows[j]))
			j++;
		if (j - i > 1 && (rc = describe_split(mx, blk, i, j, rep)) < 0)
			goto out;
		i = j;
	}
	qsort(blk->rows, blk->n_rows, sizeof(*blk->rows), row_cmp);
out:
	free(keys);
	free(rep);
	return rc;
}

static int block_rows(struct np_matrix *mx, struct np_matrix_block *blk, size_t first, size_t last,
		      bool per_pod)
{
	size_t n = last - first, i;
	int rc;

	blk->n_pods = n;
	if (n == 0)
		return 0;
	blk->rows = alloc_array(&mx->mem, n, sizeof(*blk->rows));
	if (!blk->rows)
		return NP_ENOMEM;
	rc = per_pod ? pod_rows(mx, blk, first, n) : workload_rows(mx, blk, first, n);
	if (rc < 0)
		return rc;
	for (i = 0; i < blk->n_rows; i++) {
		const struct np_matrix_row *row = &blk->rows[i];

		if (!row->host_network && !row->ingress_isolated && !row->egress_isolated)
			blk->n_uncovered_rows++;
	}
	return 0;
}

/* ---- build ---- */

static bool pod_shown(const struct np_model *m, const struct np_coverage *cov,
		      const struct np_scope *scope, const struct np_matrix_options *opt, size_t i)
{
	const struct np_pod *p = &m->pods.v[i];

	if (i >= cov->n_pods || !cov->pods[i].in_scope || !np_pod_counted(p))
		return false;
	if (scope && np_scope_excludes(scope, p->namespace))
		return false;
	if (opt && opt->label_filter && !np_selector_matches(opt->label_filter, &p->labels))
		return false;
	return true;
}

int np_matrix_build(struct np_matrix *out, const struct np_model *m, const struct np_coverage *cov,
		    const struct np_scope *scope, const struct np_matrix_options *opt,
		    struct np_error *err)
{
	struct np_matrix *mx = out;
	bool filtered = opt && opt->label_filter;
	bool one_ns = scope && scope->only_namespace;
	unsigned char *np_listed = NULL, *xp_listed = NULL, *col = NULL;
	size_t *np_map = NULL, *xp_map = NULL, *touched = NULL;
	size_t pod_at, pol_at;
	const char **nss = NULL;
	size_t n_np = m->netpols.n, n_xp = m->xpolicies.n;
	size_t i, j, k, n_shown = 0, n_pol = 0, n_nss = 0;
	int rc = 0;

	memset(mx, 0, sizeof(*mx));
	np_arena_init(&mx->mem);

	np_listed = calloc(n_np ? n_np : 1, 1);
	xp_listed = calloc(n_xp ? n_xp : 1, 1);
	np_map = calloc(n_np ? n_np : 1, sizeof(*np_map));
	xp_map = calloc(n_xp ? n_xp : 1, sizeof(*xp_map));
	if (!np_listed || !xp_listed || !np_map || !xp_map) {
		rc = NP_ENOMEM;
		goto out;
	}

	/* Which policies are listed. */
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod_coverage *pc;

		if (!pod_shown(m, cov, scope, opt, i))
			continue;
		n_shown++;
		pc = &cov->pods[i];
		if (m->pods.v[i].host_network)
			continue;
		for (j = 0; j < pc->n_ingress + pc->n_egress; j++) {
			const struct np_polref *ref = j < pc->n_ingress ? &pc->ingress[j]
								: &pc->egress[j - pc->n_ingress];

			if (ref->xpolicy ? ref->index < n_xp : ref->index < n_np)
				(ref->xpolicy ? xp_listed : np_listed)[ref->index] = 1;
		}
	}
	if (!filtered) {
		for (i = 0; i < n_np; i++)
			if (!scope || !np_scope_excludes(scope, m->netpols.v[i].namespace))
				np_listed[i] = 1;
		for (i = 0; i < n_xp; i++) {
			const struct np_xpolicy *x = &m->xpolicies.v[i];

			if (x->ignored)
				continue;
			if (x->namespace ? !(scope && np_scope_excludes(scope, x->namespace)) : !one_ns)
				xp_listed[i] = 1;
		}
	}
	for (i = 0; i < n_np; i++)
		n_pol += np_listed[i];
	for (i = 0; i < n_xp; i++)
		n_pol += xp_listed[i];

	mx->policies = alloc_array(&mx->mem, n_pol, sizeof(*mx->policies));
	if (!mx->policies) {
		rc = NP_ENOMEM;
		goto out;
	}
	k = 0;
	for (i = 0; i < n_np; i++)
		if (np_listed[i])
			policy_fill(&mx->policies[k++], m, (struct np_polref){ false, i });
	for (i = 0; i < n_xp; i++)
		if (xp_listed[i])
			policy_fill(&mx->policies[k++], m, (struct np_polref){ true, i });
	mx->n_policies = k;
	qsort(mx->policies, mx->n_policies, sizeof(*mx->policies), policy_cmp);
	for (i = 0; i < n_np; i++)
		np_map[i] = NONE;
	for (i = 0; i < n_xp; i++)
		xp_map[i] = NONE;
	for (i = 0; i < mx->n_policies; i++) {
		struct np_matrix_policy *pol = &mx->policies[i];

		(pol->ref.xpolicy ? xp_map : np_map)[pol->ref.index] = i;
		pol->id = join_ref(&mx->mem, pol->namespace, pol->name);
		if (!pol->id) {
			rc = NP_ENOMEM;
			goto out;
		}
	}

	/* Shown pods, sorted, with their policies as matrix indexes. */
	mx->pods = alloc_array(&mx->mem, n_shown, sizeof(*mx->pods));
	if (!mx->pods) {
		rc = NP_ENOMEM;
		goto out;
	}
	k = 0;
	for (i = 0; i < m->pods.n; i++) {
		if (!pod_shown(m, cov, scope, opt, i))
			continue;
		mx->pods[k].index = i;
		mx->pods[k].pod = &m->pods.v[i];
		mx->pods[k].cov = &cov->pods[i];
		k++;
	}
	mx->n_pods = k;
	qsort(mx->pods, mx->n_pods, sizeof(*mx->pods), pod_cmp);
	for (i = 0; i < mx->n_pods; i++) {
		struct np_matrix_pod *mp = &mx->pods[i];

		if (mp->pod->host_network) {
			/* Never subjects (DESIGN §4), whatever coverage says. */
			mp->ingress = mp->egress = NULL;
			mp->n_ingress = mp->n_egress = 0;
		} else {
			if ((rc = map_refs(&mx->mem, mp->cov->ingress, mp->cov->n_ingress, np_map,
					   xp_map, &mp->ingress, &mp->n_ingress)) < 0)
				goto out;
			if ((rc = map_refs(&mx->mem, mp->cov->egress, mp->cov->n_egress, np_map,
					   xp_map, &mp->egress, &mp->n_egress)) < 0)
				goto out;
		}
		if (mp->cov->undecidable)
			mx->n_undecidable++;
	}

	/* Each policy's selected pods: count, then fill in pod order. */
	for (i = 0; i < mx->n_pods; i++) {
		const struct np_matrix_pod *mp = &mx->pods[i];
		size_t a = 0, b = 0;

		while (a < mp->n_ingress || b < mp->n_egress) {
			size_t pi = a < mp->n_ingress ? mp->ingress[a] : NONE;
			size_t pe = b < mp->n_egress ? mp->egress[b] : NONE;
			size_t p = pi < pe ? pi : pe;

			mx->policies[p].n_selected++;
			if (pi == p)
				a++;
			if (pe == p)
				b++;
		}
	}
	for (i = 0; i < mx->n_policies; i++) {
		mx->policies[i].selected = alloc_array(&mx->mem, mx->policies[i].n_selected,
						       sizeof(size_t));
		if (!mx->policies[i].selected) {
			rc = NP_ENOMEM;
			goto out;
		}
		mx->policies[i].n_selected = 0;
	}
	for (i = 0; i < mx->n_pods; i++) {
		const struct np_matrix_pod *mp = &mx->pods[i];
		size_t a = 0, b = 0;

		while (a < mp->n_ingress || b < mp->n_egress) {
			size_t pi = a < mp->n_ingress ? mp->ingress[a] : NONE;
			size_t pe = b < mp->n_egress ? mp->egress[b] : NONE;
			size_t p = pi < pe ? pi : pe;
			struct np_matrix_policy *pol = &mx->policies[p];

			pol->selected[pol->n_selected++] = i;
			if (pi == p)
				a++;
			if (pe == p)
				b++;
		}
	}

	/* Namespaces with a block. */
	nss = calloc(mx->n_pods + mx->n_policies + 1, sizeof(*nss));
	if (!nss) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < mx->n_pods; i++)
		nss[n_nss++] = mx->pods[i].pod->namespace;
	if (!filtered)
		for (i = 0; i < mx->n_policies; i++)
			if (mx->policies[i].namespace)
				nss[n_nss++] = mx->policies[i].namespace;
	qsort(nss, n_nss, sizeof(*nss), strptr_cmp);
	for (i = 0, j = 0; i < n_nss; i++)
		if (j == 0 || nullcmp(nss[j - 1], nss[i]) != 0)
			nss[j++] = nss[i];
	n_nss = j;

	mx->blocks = alloc_array(&mx->mem, n_nss, sizeof(*mx->blocks));
	if (!mx->blocks) {
		rc = NP_ENOMEM;
		goto out;
	}
	mx->n_blocks = n_nss;
	col = calloc(mx->n_policies ? mx->n_policies : 1, 1);
	touched = calloc(mx->n_policies ? mx->n_policies : 1, sizeof(*touched));
	if (!col || !touched) {
		rc = NP_ENOMEM;
		goto out;
	}
	/* Pods and policies are both sorted by namespace (cluster-scoped
	 * policies first), so each block takes the next run of each. */
	pod_at = 0;
	pol_at = 0;
	while (pol_at < mx->n_policies && !mx->policies[pol_at].namespace)
		pol_at++;
	for (i = 0; i < n_nss; i++) {
		struct np_matrix_block *blk = &mx->blocks[i];
		size_t first = pod_at, last, pa, pb, p, n_touched = 0, n_extra = 0;

		blk->namespace = nss[i];
		while (pod_at < mx->n_pods && nullcmp(mx->pods[pod_at].pod->namespace, nss[i]) == 0)
			pod_at++;
		last = pod_at;
		while (pol_at < mx->n_policies && nullcmp(mx->policies[pol_at].namespace, nss[i]) < 0)
			pol_at++;
		pa = pol_at;
		while (pol_at < mx->n_policies && nullcmp(mx->policies[pol_at].namespace, nss[i]) == 0)
			pol_at++;
		pb = pol_at;

		for (j = first; j < last; j++) {
			const struct np_matrix_pod *mp = &mx->pods[j];

			for (k = 0; k < mp->n_ingress + mp->n_egress; k++) {
				p = k < mp->n_ingress ? mp->ingress[k] : mp->egress[k - mp->n_ingress];
				if (!col[p]) {
					col[p] = 1;
					touched[n_touched++] = p;
				}
			}
		}
		for (k = 0; k < n_touched; k++)
			if (touched[k] < pa || touched[k] >= pb)
				touched[n_extra++] = touched[k];
		qsort(touched, n_extra, sizeof(*touched), size_cmp);

		blk->policies = alloc_array(&mx->mem, (pb - pa) + n_extra, sizeof(size_t));
		if (!blk->policies) {
			rc = NP_ENOMEM;
			goto out;
		}
		/* The namespace's own policies first, then the others
		 * (cluster-scoped) that select its pods. */
		for (p = pa; p < pb; p++)
			if (!filtered || col[p])
				blk->policies[blk->n_policies++] = p;
		for (k = 0; k < n_extra; k++)
			blk->policies[blk->n_policies++] = touched[k];
		for (p = pa; p < pb; p++)
			col[p] = 0;
		for (k = 0; k < n_extra; k++)
			col[touched[k]] = 0;
		if ((rc = block_rows(mx, blk, first, last, opt && opt->per_pod)) < 0)
			goto out;
	}
out:
	if (rc < 0) {
		np_error_set(err, rc, "matrix: out of memory");
		np_matrix_release(mx);
	}
	free(col);
	free(touched);
	free(np_listed);
	free(xp_listed);
	free(np_map);
	free(xp_map);
	free(nss);
	return rc;
}

void np_matrix_release(struct np_matrix *mx)
{
	if (!mx)
		return;
	np_arena_release(&mx->mem);
	memset(mx, 0, sizeof(*mx));
}
