/* Pod-to-policy coverage (DESIGN §4). Policies are matched against the pods of
 * their namespace through a (namespace, key, value) posting index, so a
 * policy with matchLabels only visits the pods carrying its rarest label. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/coverage.h"
#include "netpol/selector.h"

#define NS_LABEL "kubernetes.io/metadata.name"

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

bool np_pod_counted(const struct np_pod *p)
{
	if (p->terminated)
		return false;
	if (p->phase && (strcmp(p->phase, "Succeeded") == 0 || strcmp(p->phase, "Failed") == 0))
		return false;
	return true;
}

bool np_pod_isolatable(const struct np_pod *p, bool include_idle)
{
	if (!np_pod_counted(p) || p->host_network)
		return false;
	if (p->is_template && p->idle && !include_idle)
		return false;
	return true;
}

unsigned np_netpol_effective_types(const struct np_netpol *p)
{
	/* types_written only holds valid entries of an array: non-zero means the
	 * author listed directions, which are then authoritative. */
	if (p->types_written & (NP_DIR_INGRESS | NP_DIR_EGRESS))
		return p->types_written & (NP_DIR_INGRESS | NP_DIR_EGRESS);
	return NP_DIR_INGRESS | (p->n_egress > 0 ? NP_DIR_EGRESS : 0);
}

unsigned np_xpolicy_isolation(const struct np_xpolicy *x)
{
	switch (x->xkind) {
	case NP_XP_ANP:
	case NP_XP_BANP:
	case NP_XP_CNP:
		return x->denies_all & (NP_DIR_INGRESS | NP_DIR_EGRESS);
	default:
		return x->isolates & (NP_DIR_INGRESS | NP_DIR_EGRESS);
	}
}

/* ---- indexes ---- */

struct nsent {
	const char *name;
	const struct np_labels *labels;
	bool synthesized;
	bool excluded;
	size_t first, count; /* range in the pod order */
};

struct posting {
	const char *ns, *key, *value;
	size_t pod;
};

struct tuple {
	size_t pod;
	struct np_polref ref;
	unsigned dirs;
};

struct builder {
	const struct np_model *m;
	const struct np_scope *scope;
	struct np_coverage *c;
	size_t *order;            /* pod indices sorted by namespace */
	size_t n_order;
	struct nsent *ns;
	size_t n_ns;
	struct posting *post;
	size_t n_post;
	struct tuple *tuples;
	size_t n_tuples, cap_tuples;
	bool include_idle;
};

struct podref {
	const char *ns;
	size_t idx;
};

static int podref_cmp(const void *a, const void *b)
{
	const struct podref *x = a, *y = b;
	int c = x->ns == y->ns ? 0 : strcmp0(x->ns, y->ns);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int post_cmp(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;
	int c = strcmp0(x->ns, y->ns);

	if (c)
		return c;
	c = strcmp0(x->key, y->key);
	if (c)
		return c;
	c = strcmp0(x->value, y->value);
	if (c)
		return c;
	return x->pod < y->pod ? -1 : x->pod > y->pod;
}

/* post_cmp within one namespace. */
static int post_kv_cmp(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;
	int c = x->key == y->key ? 0 : strcmp0(x->key, y->key);

	if (c)
		return c;
	c = x->value == y->value ? 0 : strcmp0(x->value, y->value);
	if (c)
		return c;
	return x->pod < y->pod ? -1 : x->pod > y->pod;
}

static int nsent_cmp(const void *a, const void *b)
{
	return strcmp0(((const struct nsent *)a)->name, ((const struct nsent *)b)->name);
}

static struct nsent *find_ns_in(struct nsent *v, size_t n, const char *name);

static struct nsent *find_ns(struct builder *b, const char *name)
{
	return find_ns_in(b->ns, b->n_ns, name);
}

/* First posting >= (ns, key, value) and the length of the equal run. */
static size_t post_range(struct builder *b, const char *ns, const char *key, const char *value,
			 size_t *count)
{
	size_t lo = 0, hi = b->n_post, first;
	struct posting probe = { ns, key, value, 0 };

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (post_cmp(&b->post[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < b->n_post && strcmp0(b->post[lo].ns, ns) == 0 &&
	       strcmp0(b->post[lo].key, key) == 0 && strcmp0(b->post[lo].value, value) == 0)
		lo++;
	*count = lo - first;
	return first;
}

static int push_tuple(struct builder *b, size_t pod, bool xpolicy, size_t index, unsigned dirs)
{
	if (b->n_tuples == b->cap_tuples) {
		size_t ncap = b->cap_tuples ? b->cap_tuples * 2 : 64;
		struct tuple *nt;

		if (ncap > SIZE_MAX / sizeof(*nt))
			return NP_ENOMEM;
		nt = realloc(b->tuples, ncap * sizeof(*nt));
		if (!nt)
			return NP_ENOMEM;
		b->tuples = nt;
		b->cap_tuples = ncap;
	}
	b->tuples[b->n_tuples].pod = pod;
	b->tuples[b->n_tuples].ref.xpolicy = xpolicy;
	b->tuples[b->n_tuples].ref.index = index;
	b->tuples[b->n_tuples].dirs = dirs;
	b->n_tuples++;
	return 0;
}

static struct nsent *find_ns_in(struct nsent *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp0(v[mid].name, name);

		if (c == 0)
			return &v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Builds the namespace table: the model's namespaces plus any namespace a pod
 * names without a Namespace record (synthesised with only its name label). */
static int build_ns(struct builder *b)
{
	const struct np_model *m = b->m;
	size_t cap = m->namespaces.n + 1, i, j, n_known;

	for (i = 0; i < b->n_order; i++)
		if (i == 0 || strcmp0(m->pods.v[b->order[i]].namespace,
				      m->pods.v[b->order[i - 1]].namespace) != 0)
			cap++;
	b->ns = np_arena_alloc(&b->c->mem, cap * sizeof(*b->ns));
	if (!b->ns)
		return NP_ENOMEM;
	for (i = 0; i < m->namespaces.n; i++) {
		struct nsent *e = &b->ns[b->n_ns++];

		e->name = m->namespaces.v[i].name;
		e->labels = &m->namespaces.v[i].labels;
		e->synthesized = m->namespaces.v[i].synthesized;
	}
	if (b->n_ns > 1)
		qsort(b->ns, b->n_ns, sizeof(*b->ns), nsent_cmp);
	/* Duplicate Namespace records (should not survive np_model_finish): keep the first. */
	for (i = 1, j = b->n_ns ? 1 : 0; i < b->n_ns; i++)
		if (strcmp0(b->ns[i].name, b->ns[j - 1].name) != 0)
			b->ns[j++] = b->ns[i];
	b->n_ns = j;
	n_known = j;

	for (i = 0; i < b->n_order; i++) {
		const char *name = m->pods.v[b->order[i]].namespace;
		const char **kv;
		struct np_labels *synth;
		struct nsent *e;

		if (i > 0 && strcmp0(name, m->pods.v[b->order[i - 1]].namespace) == 0)
			continue;
		if (find_ns_in(b->ns, n_known, name))
			continue;
		kv = np_arena_alloc(&b->c->mem, 2 * sizeof(*kv));
		synth = np_arena_alloc(&b->c->mem, sizeof(*synth));
		if (!kv || !synth)
			return NP_ENOMEM;
		kv[0] = NS_LABEL;
		kv[1] = name ? name : "";
		synth->n = 1;
		synth->keys = &kv[0];
		synth->values = &kv[1];
		e = &b->ns[b->n_ns++];
		memset(e, 0, sizeof(*e));
		e->name = name;
		e->labels = synth;
		e->synthesized = true;
	}
	if (b->n_ns > n_known)
		qsort(b->ns, b->n_ns, sizeof(*b->ns), nsent_cmp);

	for (i = 0; i < b->n_order;) {
		const char *name = m->pods.v[b->order[i]].namespace;
		size_t k = i;
		struct nsent *e;

		while (k < b->n_order && strcmp0(m->pods.v[b->order[k]].namespace, name) == 0)
			k++;
		e = find_ns(b, name);
		if (e) {
			e->first = i;
			e->count = k - i;
		}
		i = k;
	}
	for (i = 0; i < b->n_ns; i++)
		b->ns[i].excluded = np_scope_excludes(b->scope, b->ns[i].name);
	return 0;
}

static int build_postings(struct builder *b)
{
	const struct np_model *m = b->m;
	size_t total = 0, i, j;

	for (i = 0; i < b->n_order; i++) {
		size_t n = m->pods.v[b->order[i]].labels.n;

		if (total > SIZE_MAX - n)
			return NP_ENOMEM;
		total += n;
	}
	if (total == 0)
		return 0;
	if (total > SIZE_MAX / sizeof(*b->post))
		return NP_ENOMEM;
	b->post = malloc(total * sizeof(*b->post));
	if (!b->post)
		return NP_ENOMEM;
	for (i = 0; i < b->n_order; i++) {
		const struct np_pod *p = &m->pods.v[b->order[i]];

		for (j = 0; j < p->labels.n; j++) {
			struct posting *e = &b->post[b->n_post++];

			e->ns = p->namespace;
			e->key = p->labels.keys[j];
			e->value = p->labels.values[j];
			e->pod = b->order[i];
		}
	}
	/* b->order is sorted by namespace, so the postings already come in
	 * namespace runs: sorting each run by (key, value, pod) gives the order
	 * post_cmp defines without comparing namespace names n log n times. */
	for (i = 0; i < b->n_post;) {
		size_t k = i + 1;

		while (k < b->n_post && (b->post[k].ns == b->post[i].ns ||
					 strcmp0(b->post[k].ns, b->post[i].ns) == 0))
			k++;
		if (k - i > 1)
			qsort(b->post + i, k - i, sizeof(*b->post), post_kv_cmp);
		i = k;
	}
	return 0;
}

/* Records that policy (xpolicy, index) selects pod: classified for the
 * policy's counts, and a tuple when the pod is an isolatable subject. */
static int select_pod(struct builder *b, struct np_policy_coverage *pc, size_t pod, bool xpolicy,
		      size_t index, unsigned dirs)
{
	const struct np_pod *p = &b->m->pods.v[pod];

	if (!np_pod_counted(p)) {
		pc->selected_terminated++;
		return 0;
	}
	if (p->host_network) {
		pc->selected_host_network++;
		return 0;
	}
	if (p->is_template && p->idle && !b->include_idle) {
		pc->selected_idle++;
		return 0;
	}
	pc->selected++;
	if (!dirs)
		return 0;
	return push_tuple(b, pod, xpolicy, index, dirs);
}

static void mark_undecidable(struct builder *b, size_t pod, unsigned dirs, struct np_policy_coverage *pc)
{
	const struct np_pod *p = &b->m->pods.v[pod];

	pc->undecidable = true;
	if (!np_pod_isolatable(p, b->include_idle))
		return;
	b->c->pods[pod].undecidable = true;
	b->c->pods[pod].undecidable_dirs |= dirs;
}

static int cover_netpol(struct builder *b, size_t i)
{
	const struct np_netpol *np = &b->m->netpols.v[i];
	struct np_policy_coverage *pc = &b->c->netpols[i];
	unsigned dirs = np_netpol_effective_types(np);
	const struct np_selector *sel = &np->pod_selector;
	struct nsent *ns = find_ns(b, np->namespace);
	size_t k;
	int rc;

	if (!ns || ns->excluded || sel->invalid || ns->count == 0)
		return 0;
	if (sel->n_labels > 0) {
		size_t best = 0, best_n = SIZE_MAX, first, n;

		for (k = 0; k < sel->n_labels; k++) {
			first = post_range(b, np->namespace, sel->label_keys[k], sel->label_values[k], &n);
			if (n < best_n) {
				best_n = n;
				best = first;
			}
		}
		for (k = 0; k < best_n; k++) {
			size_t pod = b->post[best + k].pod;

			if (!np_selector_matches(sel, &b->m->pods.v[pod].labels))
				continue;
			rc = select_pod(b, pc, pod, false, i, dirs);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	for (k = 0; k < ns->count; k++) {
		size_t pod = b->order[ns->first + k];

		if (!np_selector_matches(sel, &b->m->pods.v[pod].labels))
			continue;
		rc = select_pod(b, pc, pod, false, i, dirs);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Whether a LabelSelector can be judged on a synthesised namespace, whose only
 * label is its name (DESIGN §4). */
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

int np_xpolicy_selects_namespace(const struct np_xpolicy *x, const struct np_labels *labels,
				 bool synthesized)
{
	if (x->xkind == NP_XP_CALICO_GNP) {
		if (!x->calico_ns_selector)
			return 1;
		if (synthesized && !np_calico_selector_uses_only(x->calico_ns_selector, NS_LABEL))
			return -1;
		return np_calico_selector_eval(x->calico_ns_selector, labels);
	}
	if (x->subject_all_namespaces)
		return 1;
	if (x->subject_ns.invalid)
		return 0;
	if (synthesized && !ns_selector_decidable(&x->subject_ns))
		return -1;
	return np_selector_matches(&x->subject_ns, labels) ? 1 : 0;
}

static int xp_ns_match(const struct np_xpolicy *x, const struct nsent *ns)
{
	return np_xpolicy_selects_namespace(x, ns->labels, ns->synthesized);
}

/* 1 the pod is selected, 0 not, -1 undecidable. */
static int xp_pod_match(const struct np_xpolicy *x, const struct np_pod *p)
{
	if (x->xkind == NP_XP_CALICO_NP || x->xkind == NP_XP_CALICO_GNP)
		return np_calico_selector_eval(x->calico_selector, &p->labels);
	return np_selector_matches(&x->subject_pods, &p->labels) ? 1 : 0;
}

static int cover_xp_ns(struct builder *b, size_t i, const struct nsent *ns, int ns_match)
{
	const struct np_xpolicy *x = &b->m->xpolicies.v[i];
	struct np_policy_coverage *pc = &b->c->xpolicies[i];
	unsigned dirs = np_xpolicy_isolation(x);
	size_t k;
	int rc;

	if (ns_match == 0)
		return 0;
	for (k = 0; k < ns->count; k++) {
		size_t pod = b->order[ns->first + k];
		int pm = xp_pod_match(x, &b->m->pods.v[pod]);

		if (pm == 0)
			continue;
		if (pm < 0 || ns_match < 0) {
			mark_undecidable(b, pod, dirs, pc);
			continue;
		}
		rc = select_pod(b, pc, pod, true, i, dirs);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int cover_xpolicy(struct builder *b, size_t i)
{
	const struct np_xpolicy *x = &b->m->xpolicies.v[i];
	size_t k;
	int rc;

	if (x->ignored)
		return 0;
	if (x->namespace) {
		struct nsent *ns = find_ns(b, x->namespace);

		if (!ns || ns->excluded)
			return 0;
		return cover_xp_ns(b, i, ns, 1);
	}
	for (k = 0; k < b->n_ns; k++) {
		if (b->ns[k].excluded || b->ns[k].count == 0)
			continue;
		rc = cover_xp_ns(b, i, &b->ns[k], xp_ns_match(x, &b->ns[k]));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* KICS 0401f71b: directions as that rule reads them (DESIGN §4 kics "Pod"). */
static bool kics_has_ingress(const struct np_netpol *p)
{
	if (!p->spec_present || p->types_raw == NP_RAW_ABSENT || p->types_raw == NP_RAW_NULL)
		return true;
	return p->types_raw == NP_RAW_ARRAY && (p->types_written_ci & NP_DIR_INGRESS);
}

static bool kics_has_egress(const struct np_netpol *p)
{
	if (!p->spec_present)
		return false;
	if (p->types_raw == NP_RAW_ABSENT || p->types_raw == NP_RAW_NULL)
		return p->n_egress > 0;
	return p->types_raw == NP_RAW_ARRAY && (p->types_written_ci & NP_DIR_EGRESS);
}

static bool kics_label_match(const struct np_netpol *np, const struct np_pod *p)
{
	size_t k;

	for (k = 0; k < np->pod_selector.n_labels; k++) {
		const char *v;

		if (!np->pod_selector.label_keys[k] || !np->pod_selector.label_values[k])
			continue;
		v = np_labels_get(&p->labels, np->pod_selector.label_keys[k]);
		if (v && strcmp(v, np->pod_selector.label_values[k]) == 0)
			return true;
	}
	return false;
}

static void cover_kics(struct builder *b)
{
	const struct np_model *m = b->m;
	size_t i, j;

	/* Policies outside the scope are gone with their namespace (DESIGN §5.1). */
	for (i = 0; i < m->netpols.n; i++) {
		const struct np_netpol *np = &m->netpols.v[i];

		if (np->namespace && !np->namespace_null && np_scope_excludes(b->scope, np->namespace))
			continue;
		if (kics_has_ingress(np) || kics_has_egress(np))
			continue;
		for (j = 0; j < m->pods.n; j++) {
			const struct np_pod *p = &m->pods.v[j];
			struct np_pod_coverage *pc = &b->c->pods[j];
			bool same;

			if (p->is_template || pc->kics_flagged || np_scope_excludes(b->scope, p->namespace))
				continue;
			same = !np->namespace_null && strcmp0(np->namespace, p->namespace) == 0;
			if (same || kics_label_match(np, p)) {
				pc->kics_flagged = true;
				pc->kics_policy = i;
			}
		}
	}
}

static int tuple_cmp(const void *a, const void *b)
{
	const struct tuple *x = a, *y = b;

	if (x->pod != y->pod)
		return x->pod < y->pod ? -1 : 1;
	if (x->ref.xpolicy != y->ref.xpolicy)
		return x->ref.xpolicy ? 1 : -1;
	return x->ref.index < y->ref.index ? -1 : x->ref.index > y->ref.index;
}

/* The tuples in tuple_cmp order. They were pushed policy by policy (every
 * NetworkPolicy in index order, then every extra policy), so a stable
 * counting sort on the pod gives that order in linear time; qsort with
 * tuple_cmp stays for a pod count too large to count on. */
static int sort_tuples(struct builder *b)
{
	size_t n_pods = b->m->pods.n, *start, i;
	struct tuple *sorted;

	if (b->n_tuples < 2)
		return 0;
	if (n_pods >= SIZE_MAX / sizeof(*start) || b->n_tuples > SIZE_MAX / sizeof(*sorted)) {
		qsort(b->tuples, b->n_tuples, sizeof(*b->tuples), tuple_cmp);
		return 0;
	}
	start = calloc(n_pods + 1, sizeof(*start));
	sorted = malloc(b->n_tuples * sizeof(*sorted));
	if (!start || !sorted) {
		free(start);
		free(sorted);
		return NP_ENOMEM;
	}
	for (i = 0; i < b->n_tuples; i++)
		start[b->tuples[i].pod + 1]++;
	for (i = 0; i < n_pods; i++)
		start[i + 1] += start[i];
	for (i = 0; i < b->n_tuples; i++)
		sorted[start[b->tuples[i].pod]++] = b->tuples[i];
	free(start);
	free(b->tuples);
	b->tuples = sorted;
	b->cap_tuples = b->n_tuples;
	return 0;
}

static int distribute(struct builder *b)
{
	size_t i = 0;
	int rc = sort_tuples(b);

	if (rc < 0)
		return rc;
	while (i < b->n_tuples) {
		size_t pod = b->tuples[i].pod, k = i, ni = 0, ne = 0;
		struct np_pod_coverage *pc = &b->c->pods[pod];

		while (k < b->n_tuples && b->tuples[k].pod == pod) {
			if (b->tuples[k].dirs & NP_DIR_INGRESS)
				ni++;
			if (b->tuples[k].dirs & NP_DIR_EGRESS)
				ne++;
			k++;
		}
		pc->ingress = ni ? np_arena_alloc(&b->c->mem, ni * sizeof(*pc->ingress)) : NULL;
		pc->egress = ne ? np_arena_alloc(&b->c->mem, ne * sizeof(*pc->egress)) : NULL;
		if ((ni && !pc->ingress) || (ne && !pc->egress))
			return NP_ENOMEM;
		for (; i < k; i++) {
			if (b->tuples[i].dirs & NP_DIR_INGRESS)
				pc->ingress[pc->n_ingress++] = b->tuples[i].ref;
			if (b->tuples[i].dirs & NP_DIR_EGRESS)
				pc->egress[pc->n_egress++] = b->tuples[i].ref;
		}
		pc->ingress_isolated = pc->n_ingress > 0;
		pc->egress_isolated = pc->n_egress > 0;
	}
	return 0;
}

int np_coverage_build(struct np_coverage *out, const struct np_model *m,
		      const struct np_scope *scope, bool kics, struct np_error *err)
{
	struct builder b;
	struct podref *refs = NULL;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	np_arena_init(&out->mem);
	memset(&b, 0, sizeof(b));
	b.m = m;
	b.scope = scope;
	b.c = out;
	b.include_idle = scope && scope->include_idle;

	out->n_pods = m->pods.n;
	out->n_netpols = m->netpols.n;
	out->n_xpolicies = m->xpolicies.n;
	if (m->pods.n > SIZE_MAX / sizeof(*out->pods) || m->pods.n > SIZE_MAX / sizeof(size_t) ||
	    m->netpols.n > SIZE_MAX / sizeof(*out->netpols) ||
	    m->xpolicies.n > SIZE_MAX / sizeof(*out->xpolicies)) {
		rc = np_error_set(err, NP_ENOMEM, "coverage: too many objects");
		goto out;
	}
	out->pods = m->pods.n ? np_arena_alloc(&out->mem, m->pods.n * sizeof(*out->pods)) : NULL;
	out->netpols = m->netpols.n ?
		np_arena_alloc(&out->mem, m->netpols.n * sizeof(*out->netpols)) : NULL;
	out->xpolicies = m->xpolicies.n ?
		np_arena_alloc(&out->mem, m->xpolicies.n * sizeof(*out->xpolicies)) : NULL;
	b.order = m->pods.n ? malloc(m->pods.n * sizeof(*b.order)) : NULL;
	refs = m->pods.n ? malloc(m->pods.n * sizeof(*refs)) : NULL;
	if ((m->pods.n && (!out->pods || !b.order || !refs)) || (m->netpols.n && !out->netpols) ||
	    (m->xpolicies.n && !out->xpolicies)) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		bool excluded = np_scope_excludes(scope, p->namespace);

		out->pods[i].in_scope = !excluded && np_pod_counted(p) &&
			!(p->is_template && p->idle && !b.include_idle);
		if (!excluded) {
			refs[b.n_order].ns = p->namespace;
			refs[b.n_order].idx = i;
			b.n_order++;
		}
	}
	/* Inputs usually list pods by namespace already (kubectl get -A does). */
	for (i = 1; i < b.n_order && podref_cmp(&refs[i - 1], &refs[i]) < 0; i++)
		;
	if (i < b.n_order)
		qsort(refs, b.n_order, sizeof(*refs), podref_cmp);
	for (i = 0; i < b.n_order; i++)
		b.order[i] = refs[i].idx;

	rc = build_ns(&b);
	if (rc == 0)
		rc = build_postings(&b);
	for (i = 0; rc == 0 && i < m->netpols.n; i++)
		rc = cover_netpol(&b, i);
	for (i = 0; rc == 0 && i < m->xpolicies.n; i++)
		rc = cover_xpolicy(&b, i);
	if (rc == 0)
		rc = distribute(&b);
	if (rc == 0 && kics)
		cover_kics(&b);
	if (rc < 0)
		rc = np_error_set(err, rc, "coverage: out of memory");
out:
	free(refs);
	free(b.order);
	free(b.post);
	free(b.tuples);
	if (rc < 0)
		np_coverage_release(out);
	return rc;
}

void np_coverage_release(struct np_coverage *c)
{
	if (!c)
		return;
	np_arena_release(&c->mem);
	memset(c, 0, sizeof(*c));
}
