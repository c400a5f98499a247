/* The typed model: lifecycle, record vectors, availability, diagnostics and
 * np_model_finish (duplicates, namespace synthesis, top owners, template
 * pods; DESIGN §3.1 and §4). Vectors are realloc'ed arrays; everything that
 * hangs off a record (labels, rules, ...) lives in the model arena, strings in
 * the intern table, so releasing the model is three frees per vector. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/model.h"
#include "hash.h"

/* ---- vectors ---- */

/* Grows the array *pv (passed as void * so that any element type fits) to
 * hold at least want elements. */
static int vec_reserve(void *pv, size_t *cap, size_t elem, size_t want)
{
	void *old, *nv;
	size_t ncap;

	if (want <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2)
			return NP_ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return NP_ENOMEM;
	memcpy(&old, pv, sizeof(old));
	nv = realloc(old, ncap * elem);
	if (!nv)
		return NP_ENOMEM;
	memcpy(pv, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}

#define VEC_PUSH(vec)                                                                     \
	(vec_reserve(&(vec).v, &(vec).cap, sizeof(*(vec).v), (vec).n + 1) < 0                 \
		 ? NULL                                                                    \
		 : (memset(&(vec).v[(vec).n], 0, sizeof(*(vec).v)), &(vec).v[(vec).n++]))

#define VEC_FREE(vec)                  \
	do {                           \
		free((void *)(vec).v); \
		(vec).v = NULL;        \
		(vec).n = (vec).cap = 0; \
	} while (0)

void np_model_init(struct np_model *m)
{
	memset(m, 0, sizeof(*m));
	np_intern_init(&m->strings);
	np_arena_init(&m->mem);
}

void np_model_release(struct np_model *m)
{
	if (!m)
		return;
	VEC_FREE(m->namespaces);
	VEC_FREE(m->pods);
	VEC_FREE(m->workloads);
	VEC_FREE(m->nodes);
	VEC_FREE(m->configmaps);
	VEC_FREE(m->cniconfs);
	VEC_FREE(m->netpols);
	VEC_FREE(m->xpolicies);
	VEC_FREE(m->tf_resources);
	VEC_FREE(m->avail);
	VEC_FREE(m->warnings);
	VEC_FREE(m->errors);
	VEC_FREE(m->notes);
	VEC_FREE(m->inputs);
	VEC_FREE(m->crd_names);
	VEC_FREE(m->services);
	VEC_FREE(m->ingresses);
	VEC_FREE(m->webhooks);
	np_intern_release(&m->strings);
	np_arena_release(&m->mem);
}

/* Savepoints for the streaming decoder (snapshot/decode.c): decoding only
 * appends records, so going back is truncating (strings and arena memory
 * stay). A vector added to struct np_model belongs in this list too. */
#define MARKED_VECS(X) X(namespaces) X(pods) X(workloads) X(nodes) X(configmaps) X(cniconfs) \
	X(netpols) X(xpolicies) X(tf_resources) X(avail) X(warnings) X(errors) X(notes)    \
	X(inputs) X(crd_names) X(services) X(ingresses) X(webhooks)

#define X(f) +1 /* NOLINT(bugprone-macro-parentheses): summed in the assertion below */
_Static_assert((0 MARKED_VECS(X)) <= sizeof(((struct np_model_mark *)0)->n) / sizeof(size_t),
	       "struct np_model_mark needs room for every vector");
#undef X

void np_model_mark(const struct np_model *m, struct np_model_mark *mk)
{
	size_t i = 0;

#define X(f) mk->n[i++] = m->f.n;
	MARKED_VECS(X)
#undef X
	mk->n_objects = m->n_objects;
	mk->n_k8s_objects = m->n_k8s_objects;
}

void np_model_rollback(struct np_model *m, const struct np_model_mark *mk)
{
	size_t i = 0;

#define X(f) if (m->f.n > mk->n[i]) m->f.n = mk->n[i]; i++;
	MARKED_VECS(X)
#undef X
	m->n_objects = mk->n_objects;
	m->n_k8s_objects = mk->n_k8s_objects;
}

void *np_model_alloc(struct np_model *m, size_t size)
{
	return np_arena_alloc(&m->mem, size ? size : 1);
}

const char *np_model_str(struct np_model *m, const char *s)
{
	return s ? np_intern(&m->strings, s) : NULL;
}

const char *np_model_strn(struct np_model *m, const char *s, size_t len)
{
	return np_intern_n(&m->strings, s, len);
}

struct np_namespace *np_model_push_namespace(struct np_model *m) { return VEC_PUSH(m->namespaces); }
struct np_pod *np_model_push_pod(struct np_model *m) { return VEC_PUSH(m->pods); }
struct np_workload *np_model_push_workload(struct np_model *m) { return VEC_PUSH(m->workloads); }
struct np_node_obj *np_model_push_node(struct np_model *m) { return VEC_PUSH(m->nodes); }
struct np_configmap *np_model_push_configmap(struct np_model *m) { return VEC_PUSH(m->configmaps); }
struct np_cniconf *np_model_push_cniconf(struct np_model *m) { return VEC_PUSH(m->cniconfs); }
struct np_netpol *np_model_push_netpol(struct np_model *m) { return VEC_PUSH(m->netpols); }
struct np_xpolicy *np_model_push_xpolicy(struct np_model *m) { return VEC_PUSH(m->xpolicies); }
struct np_tf_resource *np_model_push_tf_resource(struct np_model *m) { return VEC_PUSH(m->tf_resources); }
struct np_input *np_model_push_input(struct np_model *m) { return VEC_PUSH(m->inputs); }
struct np_service *np_model_push_service(struct np_model *m) { return VEC_PUSH(m->services); }
struct np_ingress *np_model_push_ingress(struct np_model *m) { return VEC_PUSH(m->ingresses); }
struct np_webhook *np_model_push_webhook(struct np_model *m) { return VEC_PUSH(m->webhooks); }

/* ---- small lookups ---- */

static bool str_eq(const char *a, const char *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return strcmp(a, b) == 0;
}

static int str_cmp(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

const char *np_labels_get(const struct np_labels *l, const char *key)
{
	size_t lo = 0, hi;

	if (!l || !key)
		return NULL;
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->keys[mid], key);

		if (c == 0)
			return l->values[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *np_proto_name(enum np_proto p)
{
	switch (p) {
	case NP_PROTO_TCP: return "TCP";
	case NP_PROTO_UDP: return "UDP";
	case NP_PROTO_SCTP: return "SCTP";
	case NP_PROTO_INVALID: break;
	}
	return "invalid";
}

bool np_selector_is_empty(const struct np_selector *s)
{
	if (!s)
		return true;
	return !s->invalid && s->n_labels == 0 && s->n_exprs == 0;
}

static const struct {
	const char *name, *group;
} resources[NP_RES__COUNT] = {
	[NP_RES_PODS] = { "pods", "" },
	[NP_RES_NAMESPACES] = { "namespaces", "" },
	[NP_RES_NETWORKPOLICIES] = { "networkpolicies", "networking.k8s.io" },
	[NP_RES_NODES] = { "nodes", "" },
	[NP_RES_DAEMONSETS] = { "daemonsets", "apps" },
	[NP_RES_DEPLOYMENTS] = { "deployments", "apps" },
	[NP_RES_REPLICASETS] = { "replicasets", "apps" },
	[NP_RES_STATEFULSETS] = { "statefulsets", "apps" },
	[NP_RES_JOBS] = { "jobs", "batch" },
	[NP_RES_CRONJOBS] = { "cronjobs", "batch" },
	[NP_RES_CONFIGMAPS] = { "configmaps", "" },
	[NP_RES_SERVICES] = { "services", "" },
	[NP_RES_INGRESSES] = { "ingresses", "networking.k8s.io" },
	[NP_RES_WEBHOOKS] = { "webhookconfigurations", "admissionregistration.k8s.io" },
	[NP_RES_APISERVICES] = { "apiservices", "apiregistration.k8s.io" },
	[NP_RES_CRDS] = { "customresourcedefinitions", "apiextensions.k8s.io" },
	[NP_RES_CILIUM_NP] = { "ciliumnetworkpolicies", "cilium.io" },
	[NP_RES_CILIUM_CCNP] = { "ciliumclusterwidenetworkpolicies", "cilium.io" },
	[NP_RES_CALICO_NP] = { "networkpolicies", "projectcalico.org" },
	[NP_RES_CALICO_GNP] = { "globalnetworkpolicies", "projectcalico.org" },
	[NP_RES_ANP] = { "adminnetworkpolicies", "policy.networking.k8s.io" },
	[NP_RES_BANP] = { "baselineadminnetworkpolicies", "policy.networking.k8s.io" },
	[NP_RES_CNP] = { "clusternetworkpolicies", "policy.networking.k8s.io" },
};

const char *np_resource_name(enum np_resource r)
{
	if ((unsigned)r >= NP_RES__COUNT)
		return NULL;
	return resources[r].name;
}

bool np_resource_is_essential(enum np_resource r)
{
	switch (r) {
	case NP_RES_PODS: case NP_RES_NAMESPACES: case NP_RES_NETWORKPOLICIES: case NP_RES_NODES:
	case NP_RES_DAEMONSETS: case NP_RES_CILIUM_NP: case NP_RES_CILIUM_CCNP:
	case NP_RES_CALICO_NP: case NP_RES_CALICO_GNP: case NP_RES_ANP: case NP_RES_BANP:
	case NP_RES_CNP:
		return true;
	default:
		return false;
	}
}

const char *np_resource_group(enum np_resource r)
{
	if ((unsigned)r >= NP_RES__COUNT)
		return NULL;
	return resources[r].group;
}

bool np_xpolicy_resource(enum np_xpolicy_kind k, enum np_resource *out)
{
	static const enum np_resource map[] = {
		[NP_XP_CILIUM_NP] = NP_RES_CILIUM_NP, [NP_XP_CILIUM_CCNP] = NP_RES_CILIUM_CCNP,
		[NP_XP_CALICO_NP] = NP_RES_CALICO_NP, [NP_XP_CALICO_GNP] = NP_RES_CALICO_GNP,
		[NP_XP_ANP] = NP_RES_ANP, [NP_XP_BANP] = NP_RES_BANP, [NP_XP_CNP] = NP_RES_CNP,
	};

	if ((unsigned)k >= sizeof(map) / sizeof(map[0]))
		return false;
	*out = map[k];
	return true;
}

/* ---- availability ---- */

/* Rank used when two inputs disagree and neither read the resource: the more
 * specific failure (unreadable, with its reason) is the one to report. */
static int avail_rank(enum np_avail_state s)
{
	switch (s) {
	case NP_AVAIL_READ: return 2;
	case NP_AVAIL_UNREADABLE: return 1;
	case NP_AVAIL_NOT_COLLECTED: return 0;
	}
	return 0;
}

static struct np_avail *avail_find(const struct np_model *m, enum np_resource res, const char *ns)
{
	size_t i;

	for (i = 0; i < m->avail.n; i++) {
		struct np_avail *a = &m->avail.v[i];

		if (a->res == res && str_eq(a->namespace, ns))
			return a;
	}
	return NULL;
}

int np_model_set_avail(struct np_model *m, enum np_resource res, const char *ns,
		       enum np_avail_state st, const char *reason, const char *message,
		       const char *source)
{
	struct np_avail *a = avail_find(m, res, ns);
	const char *ins = NULL, *ireason = NULL, *imsg = NULL, *isrc = NULL;

	if ((unsigned)res >= NP_RES__COUNT)
		return NP_EINVAL;
	if (a && !a->implied && avail_rank(a->state) >= avail_rank(st))
		return 0;
	if ((ns && !(ins = np_model_str(m, ns))) || (reason && !(ireason = np_model_str(m, reason))) ||
	    (message && !(imsg = np_model_str(m, message))) ||
	    (source && !(isrc = np_model_str(m, source))))
		return NP_ENOMEM;
	if (!a) {
		a = VEC_PUSH(m->avail);
		if (!a)
			return NP_ENOMEM;
	}
	a->res = res;
	a->namespace = ins;
	a->state = st;
	a->reason = ireason;
	a->message = imsg;
	a->source = isrc;
	a->implied = false;
	return 0;
}

int np_model_imply_read(struct np_model *m, enum np_resource res, const char *source)
{
	struct np_avail *a;
	const char *isrc = NULL;

	if ((unsigned)res >= NP_RES__COUNT)
		return NP_EINVAL;
	if (avail_find(m, res, NULL))
		return 0;
	if (source && !(isrc = np_model_str(m, source)))
		return NP_ENOMEM;
	if (!(a = VEC_PUSH(m->avail)))
		return NP_ENOMEM;
	memset(a, 0, sizeof(*a));
	a->res = res;
	a->state = NP_AVAIL_READ;
	a->source = isrc;
	a->implied = true;
	return 0;
}

enum np_avail_state np_model_avail(const struct np_model *m, enum np_resource res, const char *ns,
				   const char **reason, const char **message)
{
	const struct np_avail *nsa = ns ? avail_find(m, res, ns) : NULL;
	const struct np_avail *all = avail_find(m, res, NULL);
	const struct np_avail *use = NULL;

	/* "Read" by any input wins: a whole-resource read from another input
	 * (a generic manifest dump) outranks one input's per-namespace failure;
	 * from the same input, the namespace entry is the more specific. */
	if (nsa && nsa->state != NP_AVAIL_READ && all && all->state == NP_AVAIL_READ &&
	    !all->implied && !str_eq(all->source, nsa->source))
		use = all;
	else if (nsa)
		use = nsa;
	else
		use = all;
	if (reason)
		*reason = use ? use->reason : NULL;
	if (message)
		*message = use ? use->message : NULL;
	return use ? use->state : NP_AVAIL_READ;
}

/* ---- diagnostics ---- */

__attribute__((format(printf, 7, 0)))
static int diag_push(struct np_model *m, int which, const char *resource, const char *ns,
		     const char *reason, const char *source, const char *fmt, va_list ap)
{
	char small[512], *buf = small;
	int n, rc = NP_ENOMEM;
	va_list ap2;
	struct np_diag *d, tmp;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return NP_EINVAL;
	}
	if ((size_t)n >= sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf) {
			va_end(ap2);
			return NP_ENOMEM;
		}
		vsnprintf(buf, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	memset(&tmp, 0, sizeof(tmp));
	tmp.message = np_model_str(m, buf);
	if (!tmp.message)
		goto out;
	if ((resource && !(tmp.resource = np_model_str(m, resource))) ||
	    (ns && !(tmp.namespace = np_model_str(m, ns))) ||
	    (reason && !(tmp.reason = np_model_str(m, reason))) ||
	    (source && !(tmp.source = np_model_str(m, source))))
		goto out;
	if (which == 0)
		d = VEC_PUSH(m->warnings);
	else if (which == 1)
		d = VEC_PUSH(m->errors);
	else
		d = VEC_PUSH(m->notes);
	if (!d)
		goto out;
	*d = tmp;
	rc = 0;
out:
	if (buf != small)
		free(buf);
	return rc;
}

int np_model_warn(struct np_model *m, const char *resource, const char *ns, const char *reason,
		  const char *source, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = diag_push(m, 0, resource, ns, reason, source, fmt, ap);
	va_end(ap);
	return rc;
}

int np_model_errorf(struct np_model *m, const char *resource, const char *ns, const char *reason,
		    const char *source, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = diag_push(m, 1, resource, ns, reason, source, fmt, ap);
	va_end(ap);
	return rc;
}

int np_model_note(struct np_model *m, const char *resource, const char *ns, const char *reason,
		  const char *source, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = diag_push(m, 2, resource, ns, reason, source, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- labels ---- */

struct label_ent {
	const char *k, *v;
	size_t idx;
};

static int label_ent_cmp(const void *a, const void *b)
{
	const struct label_ent *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorts by key and keeps the last of equal keys (JSON: the last duplicate
 * wins). Works in place on the label arrays. */
static int labels_normalize(struct np_labels *l)
{
	struct label_ent *e;
	size_t i, n = 0;
	bool sorted = true;

	for (i = 0; i + 1 < l->n; i++) {
		if (strcmp(l->keys[i], l->keys[i + 1]) >= 0) {
			sorted = false;
			break;
		}
	}
	if (sorted)
		return 0;
	e = calloc(l->n, sizeof(*e));
	if (!e)
		return NP_ENOMEM;
	for (i = 0; i < l->n; i++) {
		e[i].k = l->keys[i];
		e[i].v = l->values[i];
		e[i].idx = i;
	}
	qsort(e, l->n, sizeof(*e), label_ent_cmp);
	for (i = 0; i < l->n; i++) {
		if (i + 1 < l->n && strcmp(e[i].k, e[i + 1].k) == 0)
			continue;
		l->keys[n] = e[i].k;
		l->values[n] = e[i].v;
		n++;
	}
	l->n = n;
	free(e);
	return 0;
}

/* Sets key=value (replacing an existing value), keeping the arrays sorted.
 * Arrays are reallocated in the model arena. */
static int labels_set(struct np_model *m, struct np_labels *l, const char *key, const char *value)
{
	const char **nk, **nv;
	size_t i, pos = 0;
	const char *ik = np_model_str(m, key), *iv = np_model_str(m, value);

	if (!ik || !iv)
		return NP_ENOMEM;
	for (i = 0; i < l->n; i++) {
		int c = strcmp(l->keys[i], key);

		if (c == 0) {
			l->values[i] = iv;
			return 0;
		}
		if (c < 0)
			pos = i + 1;
	}
	if (l->n + 1 > SIZE_MAX / sizeof(*nk))
		return NP_ENOMEM;
	nk = np_model_alloc(m, (l->n + 1) * sizeof(*nk));
	nv = np_model_alloc(m, (l->n + 1) * sizeof(*nv));
	if (!nk || !nv)
		return NP_ENOMEM;
	for (i = 0; i < pos; i++) {
		nk[i] = l->keys[i];
		nv[i] = l->values[i];
	}
	nk[pos] = ik;
	nv[pos] = iv;
	for (i = pos; i < l->n; i++) {
		nk[i + 1] = l->keys[i];
		nv[i + 1] = l->values[i];
	}
	l->keys = nk;
	l->values = nv;
	l->n++;
	return 0;
}

/* ---- string-keyed hash index (seeded; entries are record indexes) ---- */

struct index {
	size_t *slot; /* index + 1, 0 = empty */
	uint64_t *hash;
	size_t cap;
	uint64_t seed;
};

static uint64_t key_hash(uint64_t seed, const char *const *parts, size_t n)
{
	uint64_t h = 0x243f6a8885a308d3ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = parts[i] ? parts[i] : "";

		h = np_hash(seed ^ h, (uint64_t)i, p, strlen(p) + 1);
	}
	return h;
}

static int index_init(struct index *ix, size_t n, uint64_t seed)
{
	size_t cap = 16;

	while (cap < n * 2 + 1) {
		if (cap > SIZE_MAX / 4)
			return NP_ENOMEM;
		cap *= 2;
	}
	ix->slot = calloc(cap, sizeof(*ix->slot));
	ix->hash = calloc(cap, sizeof(*ix->hash));
	ix->cap = cap;
	ix->seed = seed;
	if (!ix->slot || !ix->hash)
		return NP_ENOMEM;
	return 0;
}

static void index_release(struct index *ix)
{
	free(ix->slot);
	free(ix->hash);
	ix->slot = NULL;
	ix->hash = NULL;
}

/* ---- dedupe (DESIGN §3.1 Duplicates) ---- */

#define KEY_PARTS 4

/* Fills the key of record i of a vector; returns false for records that never merge. */
typedef bool (*key_fn)(const struct np_model *m, size_t i, const char *key[KEY_PARTS]);

static const char *workload_group(const char *g)
{
	/* extensions/v1beta1 served the same objects as apps. */
	return g && strcmp(g, "extensions") == 0 ? "apps" : (g ? g : "");
}

static bool key_namespace(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	k[0] = "";
	k[1] = "Namespace";
	k[2] = "";
	k[3] = m->namespaces.v[i].name;
	return !m->namespaces.v[i].loc.generated_name && !m->namespaces.v[i].synthesized;
}

static bool key_pod(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	const struct np_pod *p = &m->pods.v[i];

	k[0] = "";
	k[1] = "Pod";
	k[2] = p->namespace;
	k[3] = p->name;
	return !p->loc.generated_name && !p->is_template;
}

static bool key_workload(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	const struct np_workload *w = &m->workloads.v[i];

	k[0] = workload_group(w->api_group);
	k[1] = w->kind;
	k[2] = w->namespace;
	k[3] = w->name;
	return !w->loc.generated_name;
}

static bool key_node(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	k[0] = "";
	k[1] = "Node";
	k[2] = "";
	k[3] = m->nodes.v[i].name;
	return !m->nodes.v[i].loc.generated_name;
}

static bool key_configmap(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	k[0] = "";
	k[1] = "ConfigMap";
	k[2] = m->configmaps.v[i].namespace;
	k[3] = m->configmaps.v[i].name;
	return !m->configmaps.v[i].loc.generated_name;
}

static bool key_netpol(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	/* extensions and networking.k8s.io NetworkPolicies share a group. */
	k[0] = "networking.k8s.io";
	k[1] = "NetworkPolicy";
	k[2] = m->netpols.v[i].namespace;
	k[3] = m->netpols.v[i].name;
	return !m->netpols.v[i].loc.generated_name;
}

static bool key_xpolicy(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	const struct np_xpolicy *x = &m->xpolicies.v[i];

	k[0] = x->api_group;
	k[1] = x->kind;
	k[2] = x->namespace;
	k[3] = x->name;
	return !x->loc.generated_name;
}

static bool key_cniconf(const struct np_model *m, size_t i, const char *k[KEY_PARTS])
{
	const struct np_cniconf *c = &m->cniconfs.v[i];

	if (c->configmap_name) {
		/* One record per ConfigMap key. */
		k[0] = "cm";
		k[1] = c->configmap_key;
		k[2] = c->configmap_ns;
		k[3] = c->configmap_name;
		return !c->loc.generated_name;
	}
	if (c->object_kind) {
		k[0] = "obj";
		k[1] = c->object_kind;
		k[2] = "";
		k[3] = c->name;
		return !c->loc.generated_name;
	}
	return false; /* files never merge */
}

/* Records of one object: a Cilium policy with `specs` yields several
 * consecutive records; a new object starts at spec_index 0. */
static bool starts_object(const struct np_model *m, int vec, size_t i)
{
	return vec != 6 || m->xpolicies.v[i].spec_index == 0;
}

static const struct np_loc *loc_of(const struct np_model *m, int vec, size_t i)
{
	switch (vec) {
	case 0: return &m->namespaces.v[i].loc;
	case 1: return &m->pods.v[i].loc;
	case 2: return &m->workloads.v[i].loc;
	case 3: return &m->nodes.v[i].loc;
	case 4: return &m->configmaps.v[i].loc;
	case 5: return &m->netpols.v[i].loc;
	case 6: return &m->xpolicies.v[i].loc;
	default: return &m->cniconfs.v[i].loc;
	}
}

static const char *const vec_kind_names[] = {
	"namespaces", "pods", "workloads", "nodes", "configmaps", "networkpolicies",
	"policies", "cniconfigs",
};

/* Marks in drop[] the records that a later copy replaces. */
static int dedupe_mark(struct np_model *m, int vec, size_t n, key_fn keyf, bool *drop)
{
	struct index ix = { 0 };
	size_t *owner = NULL; /* per record: index of the object start it belongs to */
	size_t *winner = NULL; /* per slot: start index of the latest object with that key */
	size_t i, cur = 0;
	int rc;

	if (n < 2)
		return 0;
	rc = index_init(&ix, n, m->strings.seed);
	if (rc < 0)
		goto out;
	owner = calloc(n, sizeof(*owner));
	winner = calloc(ix.cap, sizeof(*winner));
	rc = NP_ENOMEM;
	if (!owner || !winner)
		goto out;
	/* Pass 1: the latest object start for each key. */
	for (i = 0; i < n; i++) {
		const char *k[KEY_PARTS], *k2[KEY_PARTS];
		uint64_t h;
		size_t s;

		if (starts_object(m, vec, i))
			cur = i;
		owner[i] = cur;
		if (!keyf(m, i, k) || !starts_object(m, vec, i))
			continue;
		h = key_hash(ix.seed, k, KEY_PARTS);
		for (s = (size_t)h & (ix.cap - 1); ix.slot[s]; s = (s + 1) & (ix.cap - 1)) {
			if (ix.hash[s] != h)
				continue;
			keyf(m, ix.slot[s] - 1, k2);
			if (str_eq(k[0], k2[0]) && str_eq(k[1], k2[1]) && str_eq(k[2], k2[2]) &&
			    str_eq(k[3], k2[3]))
				break;
		}
		if (ix.slot[s]) {
			/* An earlier object with this key: the later one wins. */
			size_t prev = winner[s];
			const struct np_loc *a = loc_of(m, vec, prev), *b = loc_of(m, vec, i);

			if (!(a->digest && a->digest == b->digest)) {
				rc = np_model_note(m, vec_kind_names[vec], k[2] && *k[2] ? k[2] : NULL,
						   "duplicate", b->file,
						   "%s %s%s%s: %s%s%s:%d replaces %s%s%s:%d", k[1],
						   k[2] && *k[2] ? k[2] : "", k[2] && *k[2] ? "/" : "",
						   k[3] ? k[3] : "", b->file ? b->file : "live",
						   b->member ? ":" : "", b->member ? b->member : "",
						   b->object_line, a->file ? a->file : "live",
						   a->member ? ":" : "", a->member ? a->member : "",
						   a->object_line);
				if (rc < 0)
					goto out;
			}
			winner[s] = i;
			ix.slot[s] = i + 1;
		} else {
			ix.slot[s] = i + 1;
			ix.hash[s] = h;
			winner[s] = i;
		}
	}
	/* Pass 2: drop every record whose object is not its key's winner. */
	for (i = 0; i < n; i++) {
		const char *k[KEY_PARTS], *k2[KEY_PARTS];
		uint64_t h;
		size_t s, start = owner[i];

		if (!keyf(m, start, k))
			continue;
		h = key_hash(ix.seed, k, KEY_PARTS);
		for (s = (size_t)h & (ix.cap - 1); ix.slot[s]; s = (s + 1) & (ix.cap - 1)) {
			if (ix.hash[s] != h)
				continue;
			keyf(m, ix.slot[s] - 1, k2);
			if (str_eq(k[0], k2[0]) && str_eq(k[1], k2[1]) && str_eq(k[2], k2[2]) &&
			    str_eq(k[3], k2[3]))
				break;
		}
		if (ix.slot[s] && winner[s] != start)
			drop[i] = true;
	}
	rc = 0;
out:
	index_release(&ix);
	free(owner);
	free(winner);
	return rc;
}

#define COMPACT(vec, drop)                                           \
	do {                                                         \
		size_t ci_, cn_ = 0;                                 \
		for (ci_ = 0; ci_ < (vec).n; ci_++)                  \
			if (!(drop)[ci_])                            \
				(vec).v[cn_++] = (vec).v[ci_];       \
		(vec).n = cn_;                                       \
	} while (0)

static int dedupe_vec(struct np_model *m, int vec, key_fn keyf)
{
	size_t n;
	bool *drop;
	int rc;

	switch (vec) {
	case 0: n = m->namespaces.n; break;
	case 1: n = m->pods.n; break;
	case 2: n = m->workloads.n; break;
	case 3: n = m->nodes.n; break;
	case 4: n = m->configmaps.n; break;
	case 5: n = m->netpols.n; break;
	case 6: n = m->xpolicies.n; break;
	default: n = m->cniconfs.n; break;
	}
	if (n < 2)
		return 0;
	drop = calloc(n, sizeof(*drop));
	if (!drop)
		return NP_ENOMEM;
	rc = dedupe_mark(m, vec, n, keyf, drop);
	if (rc < 0)
		goto out;
	switch (vec) {
	case 0: COMPACT(m->namespaces, drop); break;
	case 1: COMPACT(m->pods, drop); break;
	case 2: COMPACT(m->workloads, drop); break;
	case 3: COMPACT(m->nodes, drop); break;
	case 4: COMPACT(m->configmaps, drop); break;
	case 5: COMPACT(m->netpols, drop); break;
	case 6: COMPACT(m->xpolicies, drop); break;
	default: COMPACT(m->cniconfs, drop); break;
	}
out:
	free(drop);
	return rc;
}

static bool same_object(const struct np_loc *a, const struct np_loc *b)
{
	return str_eq(a->file, b->file) && str_eq(a->member, b->member) &&
	       a->object_line == b->object_line;
}

/* A CNI config read from a ConfigMap that a later copy replaced goes with it,
 * even when the later copy no longer has that key. */
static int drop_orphan_cniconfs(struct np_model *m)
{
	bool *drop;
	size_t i, j;

	if (!m->cniconfs.n)
		return 0;
	drop = calloc(m->cniconfs.n, sizeof(*drop));
	if (!drop)
		return NP_ENOMEM;
	for (i = 0; i < m->cniconfs.n; i++) {
		const struct np_cniconf *c = &m->cniconfs.v[i];

		if (!c->configmap_name)
			continue;
		for (j = 0; j < m->configmaps.n; j++) {
			const struct np_configmap *cm = &m->configmaps.v[j];

			if (str_eq(cm->namespace, c->configmap_ns) && str_eq(cm->name, c->configmap_name)) {
				drop[i] = !same_object(&cm->loc, &c->loc);
				break;
			}
		}
	}
	COMPACT(m->cniconfs, drop);
	free(drop);
	return 0;
}

static int dedupe_all(struct np_model *m)
{
	static const key_fn keys[] = {
		key_namespace, key_pod, key_workload, key_node, key_configmap, key_netpol,
		key_xpolicy, key_cniconf,
	};
	int vec, rc;

	for (vec = 0; vec < 8; vec++) {
		rc = dedupe_vec(m, vec, keys[vec]);
		if (rc < 0)
			return rc;
	}
	return drop_orphan_cniconfs(m);
}

/* ---- dedupe of Services, Ingresses and webhooks (fix issue) ----
 * Same rule as above (the later object wins, identical copies drop
 * silently), done by sorting: these records are not indexed elsewhere. A
 * webhook configuration yields one record per webhook, all sharing the
 * object's location, so "the object" is its location. */

struct fix_key {
	const char *k[3];
	const struct np_loc *loc;
	size_t idx;
};

static int fix_key_cmp(const void *a, const void *b)
{
	const struct fix_key *x = a, *y = b;
	int i, c;

	for (i = 0; i < 3; i++) {
		c = str_cmp(x->k[i], y->k[i]);
		if (c)
			return c;
	}
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int fix_key_cmp_keys(const struct fix_key *x, const struct fix_key *y)
{
	int i, c;

	for (i = 0; i < 3; i++) {
		c = str_cmp(x->k[i], y->k[i]);
		if (c)
			return c;
	}
	return 0;
}

/* keys[i] describes record i; marks drop[i] for records a later object replaces. */
static int fix_dedupe_mark(struct np_model *m, const char *what, struct fix_key *keys, size_t n,
			   bool *drop)
{
	size_t i, j;
	int rc;

	qsort(keys, n, sizeof(*keys), fix_key_cmp);
	for (i = 0; i < n; i = j) {
		const struct np_loc *win;

		for (j = i + 1; j < n && fix_key_cmp_keys(&keys[i], &keys[j]) == 0; j++)
			;
		win = keys[j - 1].loc;
		for (size_t k = i; k < j; k++) {
			const struct np_loc *a = keys[k].loc;

			if (same_object(a, win))
				continue;
			drop[keys[k].idx] = true;
			if (a->generated_name || (a->digest && a->digest == win->digest))
				continue;
			/* Note once per replaced object (its records are consecutive). */
			if (k > i && same_object(keys[k - 1].loc, a))
				continue;
			rc = np_model_note(m, what, keys[k].k[0], "duplicate", win->file,
					   "%s %s/%s: %s%s%s:%d replaces %s%s%s:%d", keys[k].k[1],
					   keys[k].k[0] ? keys[k].k[0] : "", keys[k].k[2] ? keys[k].k[2] : "",
					   win->file ? win->file : "live", win->member ? ":" : "",
					   win->member ? win->member : "", win->object_line,
					   a->file ? a->file : "live", a->member ? ":" : "",
					   a->member ? a->member : "", a->object_line);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int dedupe_fix_records(struct np_model *m)
{
	size_t n = m->services.n, i, k;
	struct fix_key *keys;
	bool *drop;
	int rc = 0;

	if (m->ingresses.n > n)
		n = m->ingresses.n;
	if (m->webhooks.n > n)
		n = m->webhooks.n;
	if (n < 2)
		return 0;
	keys = calloc(n, sizeof(*keys));
	drop = calloc(n, sizeof(*drop));
	if (!keys || !drop) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < m->services.n; i++) {
		const struct np_service *s = &m->services.v[i];

		keys[i] = (struct fix_key){ { s->namespace, "Service", s->name }, &s->loc, i };
	}
	for (i = k = 0; i < m->services.n; i++)
		if (!m->services.v[i].loc.generated_name)
			keys[k++] = keys[i];
	if ((rc = fix_dedupe_mark(m, "services", keys, k, drop)) < 0)
		goto out;
	COMPACT(m->services, drop);

	memset(drop, 0, n * sizeof(*drop));
	for (i = k = 0; i < m->ingresses.n; i++) {
		const struct np_ingress *g = &m->ingresses.v[i];

		if (!g->loc.generated_name)
			keys[k++] = (struct fix_key){ { g->namespace, "Ingress", g->name }, &g->loc, i };
	}
	if ((rc = fix_dedupe_mark(m, "ingresses", keys, k, drop)) < 0)
		goto out;
	COMPACT(m->ingresses, drop);

	memset(drop, 0, n * sizeof(*drop));
	for (i = k = 0; i < m->webhooks.n; i++) {
		const struct np_webhook *w = &m->webhooks.v[i];

		if (!w->loc.generated_name)
			keys[k++] = (struct fix_key){ { NULL, w->kind, w->name }, &w->loc, i };
	}
	if ((rc = fix_dedupe_mark(m, "webhookconfigurations", keys, k, drop)) < 0)
		goto out;
	COMPACT(m->webhooks, drop);
out:
	free(keys);
	free(drop);
	return rc;
}

const struct np_service *np_model_find_service(const struct np_model *m, const char *ns,
					       const char *name)
{
	size_t i;

	if (!m || !name)
		return NULL;
	for (i = 0; i < m->services.n; i++)
		if (str_eq(m->services.v[i].namespace, ns) && str_eq(m->services.v[i].name, name))
			return &m->services.v[i];
	return NULL;
}

/* ---- namespace synthesis ---- */

struct strset {
	const char **slot;
	size_t cap, n;
	uint64_t seed;
};

static int strset_add(struct strset *s, const char *v, bool *added)
{
	uint64_t h;
	size_t i;

	*added = false;
	if (!v)
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		struct strset ns = { 0 };
		size_t j;

		ns.cap = s->cap ? s->cap * 2 : 64;
		if (ns.cap > SIZE_MAX / sizeof(*ns.slot))
			return NP_ENOMEM;
		ns.slot = calloc(ns.cap, sizeof(*ns.slot));
		if (!ns.slot)
			return NP_ENOMEM;
		ns.seed = s->seed;
		for (j = 0; j < s->cap; j++) {
			const char *e = s->slot[j];

			if (!e)
				continue;
			h = np_hash(ns.seed, 1, e, strlen(e));
			for (i = (size_t)h & (ns.cap - 1); ns.slot[i]; i = (i + 1) & (ns.cap - 1))
				;
			ns.slot[i] = e;
		}
		free((void *)s->slot);
		s->slot = ns.slot;
		s->cap = ns.cap;
	}
	h = np_hash(s->seed, 1, v, strlen(v));
	for (i = (size_t)h & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], v) == 0)
			return 0;
	s->slot[i] = v;
	s->n++;
	*added = true;
	return 0;
}

static void strset_release(struct strset *s)
{
	free((void *)s->slot);
	s->slot = NULL;
	s->cap = s->n = 0;
}

static int ns_label(struct np_model *m, struct np_namespace *ns)
{
	const char *v = np_labels_get(&ns->labels, "kubernetes.io/metadata.name");

	if (v && strcmp(v, ns->name) == 0)
		return 0;
	return labels_set(m, &ns->labels, "kubernetes.io/metadata.name", ns->name);
}

static int synth_one(struct np_model *m, struct strset *defined, const char *name)
{
	struct np_namespace *ns;
	bool added;
	int rc;

	if (!name)
		return 0;
	rc = strset_add(defined, name, &added);
	if (rc < 0 || !added)
		return rc;
	ns = np_model_push_namespace(m);
	if (!ns)
		return NP_ENOMEM;
	ns->name = np_model_str(m, name);
	ns->synthesized = true;
	if (!ns->name)
		return NP_ENOMEM;
	return ns_label(m, ns);
}

static int synthesize_namespaces(struct np_model *m)
{
	struct strset defined = { 0 };
	size_t i;
	bool added;
	int rc = 0;

	defined.seed = m->strings.seed;
	/* Namespace objects first, then the ones a layout synthesised from
	 * directory names, which a real object (or an earlier copy) replaces. */
	for (i = 0; i < m->namespaces.n && rc == 0; i++) {
		if (m->namespaces.v[i].synthesized)
			continue;
		rc = strset_add(&defined, m->namespaces.v[i].name, &added);
		if (rc == 0 && m->namespaces.v[i].name)
			rc = ns_label(m, &m->namespaces.v[i]);
	}
	{
		size_t k = 0;

		for (i = 0; i < m->namespaces.n && rc == 0; i++) {
			if (m->namespaces.v[i].synthesized) {
				rc = strset_add(&defined, m->namespaces.v[i].name, &added);
				if (rc < 0 || !added)
					continue;
			}
			m->namespaces.v[k++] = m->namespaces.v[i];
		}
		if (rc == 0)
			m->namespaces.n = k;
	}
	for (i = 0; i < m->pods.n && rc == 0; i++)
		rc = synth_one(m, &defined, m->pods.v[i].namespace);
	for (i = 0; i < m->workloads.n && rc == 0; i++)
		rc = synth_one(m, &defined, m->workloads.v[i].namespace);
	for (i = 0; i < m->netpols.n && rc == 0; i++)
		rc = synth_one(m, &defined, m->netpols.v[i].namespace);
	for (i = 0; i < m->xpolicies.n && rc == 0; i++)
		rc = synth_one(m, &defined, m->xpolicies.v[i].namespace);
	for (i = 0; i < m->configmaps.n && rc == 0; i++)
		rc = synth_one(m, &defined, m->configmaps.v[i].namespace);
	strset_release(&defined);
	return rc;
}

static int ns_cmp(const void *a, const void *b)
{
	const struct np_namespace *x = a, *y = b;

	return str_cmp(x->name, y->name);
}

const struct np_namespace *np_model_find_namespace(const struct np_model *m, const char *name)
{
	size_t lo = 0, hi, i;

	if (!m || !name)
		return NULL;
	/* np_model_finish sorts namespaces by name. */
	hi = m->namespaces.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = str_cmp(m->namespaces.v[mid].name, name);

		if (c == 0)
			return &m->namespaces.v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Not finished yet (unsorted): a linear scan still answers. */
	for (i = 0; i < m->namespaces.n; i++)
		if (str_eq(m->namespaces.v[i].name, name))
			return &m->namespaces.v[i];
	return NULL;
}

/* ---- owners and templates (DESIGN §4) ---- */

static int workload_index_build(const struct np_model *m, struct index *ix)
{
	size_t i;
	int rc = index_init(ix, m->workloads.n, m->strings.seed);

	if (rc < 0)
		return rc;
	for (i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];
		const char *k[3] = { w->namespace, w->kind, w->name };
		uint64_t h = key_hash(ix->seed, k, 3);
		size_t s;

		for (s = (size_t)h & (ix->cap - 1); ix->slot[s]; s = (s + 1) & (ix->cap - 1))
			;
		ix->slot[s] = i + 1;
		ix->hash[s] = h;
	}
	return 0;
}

/* The workload (ns, kind, name), or NULL. The last one wins, as in dedupe. */
static const struct np_workload *workload_find(const struct np_model *m, const struct index *ix,
					       const char *ns, const char *kind, const char *name)
{
	const char *k[3] = { ns, kind, name };
	uint64_t h;
	size_t s;
	const struct np_workload *found = NULL;

	if (!ix->cap || !kind || !name)
		return NULL;
	h = key_hash(ix->seed, k, 3);
	for (s = (size_t)h & (ix->cap - 1); ix->slot[s]; s = (s + 1) & (ix->cap - 1)) {
		const struct np_workload *w = &m->workloads.v[ix->slot[s] - 1];

		if (ix->hash[s] == h && str_eq(w->namespace, ns) && str_eq(w->kind, kind) &&
		    str_eq(w->name, name))
			found = w;
	}
	return found;
}

static struct np_objref workload_ref(const struct np_workload *w)
{
	struct np_objref r;

	r.kind = w->kind;
	r.api_group = w->api_group;
	r.name = w->name;
	r.uid = w->uid;
	return r;
}

static int resolve_top(struct np_model *m, const struct index *ix, struct np_pod *p)
{
	struct np_objref cur;
	int depth;

	p->top_inferred = false;
	if (!p->has_owner) {
		p->top.kind = np_model_str(m, "Pod");
		p->top.api_group = np_model_str(m, "");
		p->top.name = p->name;
		p->top.uid = p->uid;
		return p->top.kind && p->top.api_group ? 0 : NP_ENOMEM;
	}
	cur = p->owner;
	for (depth = 0; depth < 5; depth++) {
		const struct np_workload *w = workload_find(m, ix, p->namespace, cur.kind, cur.name);

		if (!w) {
			/* An absent ReplicaSet <x>-<hash> with the pod's
			 * pod-template-hash implies Deployment x. */
			const char *hash = np_labels_get(&p->labels, "pod-template-hash");
			size_t nl, hl;

			if (depth == 0 && cur.kind && strcmp(cur.kind, "ReplicaSet") == 0 && hash &&
			    cur.name && (hl = strlen(hash)) > 0 && (nl = strlen(cur.name)) > hl + 1 &&
			    cur.name[nl - hl - 1] == '-' && strcmp(cur.name + nl - hl, hash) == 0) {
				const char *dn = np_model_strn(m, cur.name, nl - hl - 1);
				const struct np_workload *d;

				if (!dn)
					return NP_ENOMEM;
				d = workload_find(m, ix, p->namespace, "Deployment", dn);
				/* The pod-to-Deployment link is inferred either way. */
				p->top_inferred = true;
				if (d) {
					cur = workload_ref(d);
					/* The Deployment may itself have an owner. */
					if (!d->has_owner)
						break;
					cur = d->owner;
					continue;
				}
				cur.kind = np_model_str(m, "Deployment");
				cur.api_group = np_model_str(m, "apps");
				cur.name = dn;
				cur.uid = NULL;
				if (!cur.kind || !cur.api_group)
					return NP_ENOMEM;
			}
			break;
		}
		cur = workload_ref(w);
		if (!w->has_owner)
			break;
		cur = w->owner;
	}
	p->top = cur;
	return 0;
}

struct topkey_set {
	struct index ix;
	const char *(*keys)[3];
	size_t n;
};

static bool is_counted(const struct np_pod *p)
{
	return !p->terminated && !p->is_template;
}

static int container_ports(struct np_model *m, const struct np_workload *w,
			   struct np_container_port **out, size_t *n_out)
{
	size_t i, n = 0, k = 0;
	struct np_container_port *ports;

	for (i = 0; i < w->n_containers; i++) {
		if (w->containers[i].n_ports > SIZE_MAX / sizeof(*ports) - n)
			return NP_ENOMEM;
		n += w->containers[i].n_ports;
	}
	*out = NULL;
	*n_out = 0;
	if (!n)
		return 0;
	ports = np_model_alloc(m, n * sizeof(*ports));
	if (!ports)
		return NP_ENOMEM;
	for (i = 0; i < w->n_containers; i++) {
		if (!w->containers[i].n_ports)
			continue;
		memcpy(ports + k, w->containers[i].ports,
		       w->containers[i].n_ports * sizeof(*ports));
		k += w->containers[i].n_ports;
	}
	*out = ports;
	*n_out = n;
	return 0;
}

static int add_template_pods(struct np_model *m, const struct index *wix)
{
	struct index tops = { 0 };
	size_t i, n_real = m->pods.n, n_wl = m->workloads.n;
	int rc;

	rc = index_init(&tops, n_real, m->strings.seed);
	if (rc < 0)
		goto out;
	for (i = 0; i < n_real; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const char *k[3] = { p->namespace, p->top.kind, p->top.name };
		uint64_t h;
		size_t s;

		if (!is_counted(p))
			continue;
		h = key_hash(tops.seed, k, 3);
		for (s = (size_t)h & (tops.cap - 1); tops.slot[s]; s = (s + 1) & (tops.cap - 1))
			;
		tops.slot[s] = i + 1;
		tops.hash[s] = h;
	}
	for (i = 0; i < n_wl; i++) {
		const struct np_workload *w = &m->workloads.v[i];
		const char *k[3] = { w->namespace, w->kind, w->name };
		uint64_t h = key_hash(tops.seed, k, 3);
		size_t s;
		bool covered = false;
		struct np_pod *t;

		for (s = (size_t)h & (tops.cap - 1); tops.slot[s]; s = (s + 1) & (tops.cap - 1)) {
			const struct np_pod *p = &m->pods.v[tops.slot[s] - 1];

			if (tops.hash[s] == h && str_eq(p->namespace, w->namespace) &&
			    str_eq(p->top.kind, w->kind) && str_eq(p->top.name, w->name)) {
				covered = true;
				break;
			}
		}
		if (covered)
			continue;
		if ((w->wkind == NP_WL_REPLICASET || w->wkind == NP_WL_JOB) && w->has_owner &&
		    workload_find(m, wix, w->namespace, w->owner.kind, w->owner.name))
			continue;
		t = np_model_push_pod(m);
		if (!t) {
			rc = NP_ENOMEM;
			goto out;
		}
		w = &m->workloads.v[i];
		t->namespace = w->namespace;
		t->name = w->name;
		t->uid = NULL;
		t->labels = w->template_labels;
		t->host_network = w->host_network;
		t->is_template = true;
		t->idle = w->uid != NULL;
		t->has_owner = true;
		t->owner = workload_ref(w);
		t->top = t->owner;
		t->loc = w->loc;
		rc = container_ports(m, w, &t->ports, &t->n_ports);
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	index_release(&tops);
	return rc;
}

static int sort_all_labels(struct np_model *m)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < m->namespaces.n && rc == 0; i++)
		rc = labels_normalize(&m->namespaces.v[i].labels);
	for (i = 0; i < m->pods.n && rc == 0; i++)
		rc = labels_normalize(&m->pods.v[i].labels);
	for (i = 0; i < m->workloads.n && rc == 0; i++) {
		rc = labels_normalize(&m->workloads.v[i].labels);
		if (rc == 0)
			rc = labels_normalize(&m->workloads.v[i].template_labels);
	}
	for (i = 0; i < m->nodes.n && rc == 0; i++) {
		rc = labels_normalize(&m->nodes.v[i].labels);
		if (rc == 0)
			rc = labels_normalize(&m->nodes.v[i].annotations);
	}
	return rc;
}

int np_model_finish(struct np_model *m, struct np_error *err)
{
	struct index wix = { 0 };
	size_t i;
	int rc;

	/* Synthesised namespaces and template pods from an earlier finish are
	 * rebuilt. Namespaces a layout synthesised from directory names carry
	 * their file and are kept: nothing else may reference them. */
	for (i = 0; i < m->namespaces.n; i++) {
		if (m->namespaces.v[i].synthesized && !m->namespaces.v[i].loc.file) {
			size_t j, k = i;

			for (j = i; j < m->namespaces.n; j++)
				if (!m->namespaces.v[j].synthesized || m->namespaces.v[j].loc.file)
					m->namespaces.v[k++] = m->namespaces.v[j];
			m->namespaces.n = k;
			break;
		}
	}
	for (i = 0; i < m->pods.n; i++) {
		if (m->pods.v[i].is_template) {
			size_t j, k = i;

			for (j = i; j < m->pods.n; j++)
				if (!m->pods.v[j].is_template)
					m->pods.v[k++] = m->pods.v[j];
			m->pods.n = k;
			break;
		}
	}
	if (!m->kics) {
		rc = dedupe_all(m);
		if (rc == 0)
			rc = dedupe_fix_records(m);
		if (rc < 0)
			goto out;
	}
	rc = sort_all_labels(m);
	if (rc < 0)
		goto out;
	for (i = 0; i < m->pods.n; i++) {
		const char *ph = m->pods.v[i].phase;

		if (ph)
			m->pods.v[i].terminated = strcmp(ph, "Succeeded") == 0 || strcmp(ph, "Failed") == 0;
	}
	rc = synthesize_namespaces(m);
	if (rc < 0)
		goto out;
	if (m->namespaces.n > 1)
		qsort(m->namespaces.v, m->namespaces.n, sizeof(*m->namespaces.v), ns_cmp);
	rc = workload_index_build(m, &wix);
	if (rc < 0)
		goto out;
	for (i = 0; i < m->pods.n; i++) {
		rc = resolve_top(m, &wix, &m->pods.v[i]);
		if (rc < 0)
			goto out;
	}
	rc = add_template_pods(m, &wix);
out:
	index_release(&wix);
	if (rc < 0)
		return np_error_set(err, rc, "model: %s",
				    rc == NP_ENOMEM ? "out of memory" : "cannot finish");
	return 0;
}
