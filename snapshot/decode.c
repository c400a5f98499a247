/* Buffers to model records: format sniffing, document shapes (Lists, typed
 * Lists, bare arrays, single objects, CNI configs), dispatch by kind and API
 * group, and the helpers every kind decoder shares (DESIGN §3.1). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/snapshot.h"
#include "netpol/terraform.h"
#include "decode_priv.h"
#include "hash.h"
#include "skip.h"

/* How far format sniffing looks for the first non-space byte. */
#define SNIFF_PREFIX 65536u
/* Lists nested in Lists (kubectl get with several types) are unwrapped this deep. */
#define MAX_LIST_NESTING 4
#define MAX_DIGEST_DEPTH 600

/* ---- shared helpers ---- */

const char *dstr(struct dctx *c, const char *s)
{
	const char *r;

	if (!s)
		return NULL;
	r = np_model_str(c->m, s);
	if (!r)
		c->oom = true;
	return r;
}

const char *dstrn(struct dctx *c, const char *s, size_t n)
{
	const char *r = np_model_strn(c->m, s, n);

	if (!r)
		c->oom = true;
	return r;
}

void *dalloc(struct dctx *c, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	if (size && n > SIZE_MAX / size) {
		c->oom = true;
		return NULL;
	}
	p = np_model_alloc(c->m, n * size);
	if (!p)
		c->oom = true;
	return p;
}

const struct np_node *dget(const struct np_node *map, const char *key)
{
	if (!map || map->type != NP_NODE_MAP)
		return NULL;
	return np_node_get(map, key);
}

size_t dseq_len(const struct np_node *n)
{
	return n && n->type == NP_NODE_SEQ ? n->u.seq.n : 0;
}

bool dbool(const struct np_node *n, bool dflt)
{
	if (n && n->type == NP_NODE_BOOL)
		return n->u.b;
	return dflt;
}

bool dint(const struct np_node *n, long long *out)
{
	if (!n || n->type != NP_NODE_INT)
		return false;
	*out = (long long)n->u.i;
	return true;
}

const char *dtext(const struct np_node *n)
{
	if (!n || n->type != NP_NODE_STRING || strlen(n->u.str.s) != n->u.str.len)
		return NULL;
	return n->u.str.s;
}

const char *dscalar(struct dctx *c, const struct np_node *n)
{
	char buf[32];

	if (!n)
		return NULL;
	switch (n->type) {
	case NP_NODE_STRING:
		if (!dtext(n))
			return NULL;
		return dstrn(c, n->u.str.s, n->u.str.len);
	case NP_NODE_FLOAT:
		return dstrn(c, n->u.str.s, n->u.str.len);
	case NP_NODE_INT:
		snprintf(buf, sizeof(buf), "%lld", (long long)n->u.i);
		return dstr(c, buf);
	case NP_NODE_BOOL:
		return dstr(c, n->u.b ? "true" : "false");
	default:
		return NULL;
	}
}

static const char *kind_resource(const char *kind)
{
	static const struct {
		const char *kind, *res;
	} t[] = {
		{ "Pod", "pods" }, { "Namespace", "namespaces" }, { "NetworkPolicy", "networkpolicies" },
		{ "Node", "nodes" }, { "DaemonSet", "daemonsets" }, { "Deployment", "deployments" },
		{ "ReplicaSet", "replicasets" }, { "StatefulSet", "statefulsets" }, { "Job", "jobs" },
		{ "CronJob", "cronjobs" }, { "ConfigMap", "configmaps" },
		{ "ReplicationController", "replicationcontrollers" },
		{ "CustomResourceDefinition", "customresourcedefinitions" },
		{ "CiliumNetworkPolicy", "ciliumnetworkpolicies" },
		{ "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies" },
		{ "GlobalNetworkPolicy", "globalnetworkpolicies" },
		{ "AdminNetworkPolicy", "adminnetworkpolicies" },
		{ "BaselineAdminNetworkPolicy", "baselineadminnetworkpolicies" },
		{ "ClusterNetworkPolicy", "clusternetworkpolicies" },
		{ "Service", "services" }, { "Ingress", "ingresses" },
		{ "ValidatingWebhookConfiguration", "validatingwebhookconfigurations" },
		{ "MutatingWebhookConfiguration", "mutatingwebhookconfigurations" },
		{ "APIService", "apiservices" },
	};
	size_t i;

	for (i = 0; kind && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].kind, kind) == 0)
			return t[i].res;
	return kind;
}

void dissue(struct dctx *c, enum np_issue_level lvl, const struct np_node *at, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int line = at ? at->line : (c->obj ? c->obj->line : 0);
	int col = at ? at->column : (c->obj ? c->obj->column : 0);

	if (c->quiet) {
		if (lvl == NP_ISSUE_FAIL)
			c->n_fail++;
		return;
	}

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lvl == NP_ISSUE_FAIL)
		c->n_fail++;
	if (c->issues) {
		struct issue_buf *b = c->issues;
		struct np_issue *is;

		if (b->n == b->cap) {
			size_t ncap = b->cap ? b->cap * 2 : 8;
			struct np_issue *nv;

			if (ncap > SIZE_MAX / sizeof(*nv) ||
			    !(nv = realloc(b->v, ncap * sizeof(*nv)))) {
				c->oom = true;
				return;
			}
			b->v = nv;
			b->cap = ncap;
		}
		is = &b->v[b->n];
		is->level = lvl;
		is->message = dstr(c, msg);
		is->line = line;
		is->column = col;
		if (is->message)
			b->n++;
		return;
	}
	{
		const struct np_node *meta = dget(c->obj, "metadata");
		const char *name = dtext(dget(meta, "name"));
		const char *ns = dtext(dget(meta, "namespace"));

		if (np_model_warn(c->m, kind_resource(c->kind), ns, "invalid", c->file,
				  "%s%s%s%s%d:%d: %s %s%s%s: %s", c->file ? c->file : "",
				  c->member ? ": " : "", c->member ? c->member : "",
				  c->file || c->member ? ":" : "line ", line, col,
				  c->kind ? c->kind : "object", ns ? ns : "", ns ? "/" : "",
				  name ? name : "", msg) < 0)
			c->oom = true;
	}
}

void dloc(struct dctx *c, struct np_loc *loc)
{
	const struct np_node *meta = dget(c->obj, "metadata");
	const struct np_pair *p = meta && meta->type == NP_NODE_MAP ? np_node_get_pair(meta, "name") : NULL;

	loc->file = c->file;
	loc->member = c->member;
	loc->object_line = c->obj ? c->obj->line : 0;
	if (p) {
		loc->line = p->key_line;
		loc->column = p->key_column;
	} else if (meta) {
		loc->line = meta->line;
		loc->column = meta->column;
	} else if (c->obj) {
		loc->line = c->obj->line;
		loc->column = c->obj->column;
	}
	loc->digest = ddigest(c->obj, c->m->strings.seed);
	/* A zero digest means "unknown"; keep real ones non-zero. */
	if (!loc->digest)
		loc->digest = 1;
}

const char *dname(struct dctx *c, struct np_loc *loc)
{
	const struct np_node *meta = dget(c->obj, "metadata");
	const char *name = dtext(dget(meta, "name"));
	const char *gen;

	if (name && *name)
		return dstr(c, name);
	gen = dtext(dget(meta, "generateName"));
	if (gen && *gen) {
		loc->generated_name = true;
		return dstr(c, gen);
	}
	return dstr(c, "");
}

const char *dnamespace(struct dctx *c)
{
	const char *ns = dtext(dget(dget(c->obj, "metadata"), "namespace"));

	if (ns && *ns)
		return dstr(c, ns);
	if (c->hint && c->hint->namespace && *c->hint->namespace)
		return dstr(c, c->hint->namespace);
	if (c->opt && c->opt->default_namespace && *c->opt->default_namespace)
		return dstr(c, c->opt->default_namespace);
	return dstr(c, "default");
}

const char *duid(struct dctx *c)
{
	const char *uid = dtext(dget(dget(c->obj, "metadata"), "uid"));

	return uid && *uid ? dstr(c, uid) : NULL;
}

struct lab {
	const char *k, *v;
	size_t idx;
};

static int lab_cmp(const void *a, const void *b)
{
	const struct lab *x = a, *y = b;
	int r = strcmp(x->k, y->k);

	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void dlabels(struct dctx *c, const struct np_node *map, const char *path, struct np_labels *out)
{
	struct lab *tmp;
	size_t i, n = 0, k = 0;

	memset(out, 0, sizeof(*out));
	if (!map || map->type == NP_NODE_NULL)
		return;
	if (map->type != NP_NODE_MAP) {
		dissue(c, NP_ISSUE_FAIL, map, "%s: must be a map of strings, not a %s", path,
		       map->type == NP_NODE_SEQ ? "list" : "scalar");
		return;
	}
	if (!map->u.map.n)
		return;
	tmp = calloc(map->u.map.n, sizeof(*tmp));
	if (!tmp) {
		c->oom = true;
		return;
	}
	for (i = 0; i < map->u.map.n; i++) {
		const struct np_pair *p = &map->u.map.pairs[i];
		const struct np_node *v = p->value;
		const char *val;

		if (strlen(p->key) != p->key_len) {
			dissue(c, NP_ISSUE_FAIL, v, "%s: label key contains a NUL character", path);
			continue;
		}
		if (!v || v->type == NP_NODE_NULL) {
			val = dstr(c, "");
		} else if (v->type == NP_NODE_STRING) {
			if (!dtext(v)) {
				dissue(c, NP_ISSUE_FAIL, v, "%s.%s: label value contains a NUL character",
				       path, p->key);
				continue;
			}
			val = dstrn(c, v->u.str.s, v->u.str.len);
		} else if (v->type == NP_NODE_MAP || v->type == NP_NODE_SEQ) {
			dissue(c, NP_ISSUE_FAIL, v, "%s.%s: label value must be a string", path, p->key);
			continue;
		} else {
			dissue(c, NP_ISSUE_FAIL, v, "%s.%s: label value must be a string, not %s", path,
			       p->key, v->type == NP_NODE_BOOL ? "a boolean" : "a number");
			val = dscalar(c, v);
		}
		tmp[n].k = dstrn(c, p->key, p->key_len);
		tmp[n].v = val;
		tmp[n].idx = i;
		if (tmp[n].k && tmp[n].v)
			n++;
	}
	qsort(tmp, n, sizeof(*tmp), lab_cmp);
	out->keys = dalloc(c, n, sizeof(*out->keys));
	out->values = dalloc(c, n, sizeof(*out->values));
	if (n && (!out->keys || !out->values)) {
		free(tmp);
		return;
	}
	for (i = 0; i < n; i++) {
		/* JSON: the last of duplicate keys wins. */
		if (i + 1 < n && strcmp(tmp[i].k, tmp[i + 1].k) == 0)
			continue;
		out->keys[k] = tmp[i].k;
		out->values[k] = tmp[i].v;
		k++;
	}
	out->n = k;
	free(tmp);
}

const char *dgroup_of(struct dctx *c, const char *api_version)
{
	const char *slash;

	if (!api_version)
		return dstr(c, "");
	slash = strchr(api_version, '/');
	if (!slash)
		return dstr(c, "");
	return dstrn(c, api_version, (size_t)(slash - api_version));
}

bool downer(struct dctx *c, const struct np_node *meta, struct np_objref *out)
{
	const struct np_node *refs = dget(meta, "ownerReferences");
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < dseq_len(refs); i++) {
		const struct np_node *r = refs->u.seq.items[i];
		const char *kind = dtext(dget(r, "kind"));
		const char *name = dtext(dget(r, "name"));
		const char *uid = dtext(dget(r, "uid"));

		if (!dbool(dget(r, "controller"), false) || !kind || !name)
			continue;
		out->kind = dstr(c, kind);
		out->api_group = dgroup_of(c, dtext(dget(r, "apiVersion")));
		if (out->api_group && strcmp(out->api_group, "extensions") == 0)
			out->api_group = dstr(c, "apps");
		out->name = dstr(c, name);
		out->uid = uid && *uid ? dstr(c, uid) : NULL;
		return true;
	}
	return false;
}

/* The duplicate digest: one keyed SipHash-1-3 stream over the tree (a
 * type tag and length per value, then its bytes zero-padded to whole words:
 * the length before them keeps the padding unambiguous, and every field
 * starting on a word spares the byte shuffling of an unaligned stream),
 * which costs a round per 8 bytes instead of a whole hash per value. The
 * digest only ever meets digests of the same run (its key is the model's
 * random seed), so its exact byte stream is free to change. Subtrees no
 * decoder reads (skip.h) are left out, so the digest is the same whether
 * the JSON decoder built them or not, and an object digests alike from
 * JSON, YAML or the API. */
struct digest {
	uint64_t v0, v1, v2, v3;
	uint64_t total; /* words */
};

static inline void digest_word(struct digest *d, uint64_t m)
{
	uint64_t v0 = d->v0, v1 = d->v1, v2 = d->v2, v3 = d->v3;

	v3 ^= m;
	NP_SIPROUND;
	v0 ^= m;
	d->v0 = v0;
	d->v1 = v1;
	d->v2 = v2;
	d->v3 = v3;
	d->total++;
}

static void digest_bytes(struct digest *d, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t m;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&m, p, 8); /* little-endian hosts; on others the digest differs but works */
		digest_word(d, m);
	}
	if (n) {
		m = 0;
		memcpy(&m, p, n);
		digest_word(d, m);
	}
}

/* A tag and a length in one word. */
static void digest_tag(struct digest *d, unsigned tag, uint64_t len)
{
	digest_word(d, (uint64_t)tag | len << 8);
}

static void digest_rec(struct digest *d, const struct np_node *n, unsigned char state, int depth)
{
	size_t i;

	if (!n) {
		digest_tag(d, 0xff, 0);
		return;
	}
	if (depth > MAX_DIGEST_DEPTH) {
		digest_tag(d, n->type, 0);
		return;
	}
	switch (n->type) {
	case NP_NODE_NULL:
		digest_tag(d, n->type, 0);
		break;
	case NP_NODE_BOOL:
		digest_tag(d, n->type, n->u.b);
		break;
	case NP_NODE_INT:
		digest_tag(d, n->type, 0);
		digest_word(d, (uint64_t)n->u.i);
		break;
	case NP_NODE_STRING:
	case NP_NODE_FLOAT:
		digest_tag(d, n->type, n->u.str.len);
		digest_bytes(d, n->u.str.s, n->u.str.len);
		break;
	case NP_NODE_SEQ: {
		unsigned char cs = state ? np_skip_next(state, NULL, 0) : NP_SK_NONE;

		digest_tag(d, n->type, n->u.seq.n);
		for (i = 0; i < n->u.seq.n; i++)
			digest_rec(d, n->u.seq.items[i], cs, depth + 1);
		break;
	}
	case NP_NODE_MAP:
		digest_tag(d, n->type, n->u.map.n);
		for (i = 0; i < n->u.map.n; i++) {
			const struct np_pair *p = &n->u.map.pairs[i];
			unsigned char cs = state ? np_skip_next(state, p->key, p->key_len) : NP_SK_NONE;

			digest_tag(d, 0xfe, p->key_len);
			digest_bytes(d, p->key, p->key_len);
			if (cs == NP_SK_SKIP)
				digest_tag(d, 0xfd, 0);
			else
				digest_rec(d, p->value, cs, depth + 1);
		}
		break;
	}
}

uint64_t ddigest(const struct np_node *n, uint64_t seed)
{
	const uint64_t k0 = seed, k1 = 0x9e3779b97f4a7c15ULL;
	struct digest d = {
		.v0 = 0x736f6d6570736575ULL ^ k0, .v1 = 0x646f72616e646f6dULL ^ k1,
		.v2 = 0x6c7967656e657261ULL ^ k0, .v3 = 0x7465646279746573ULL ^ k1,
	};
	uint64_t v0, v1, v2, v3, b;

	digest_rec(&d, n, NP_SK_ROOT, 0);
	b = d.total << 56;
	digest_word(&d, b);
	v0 = d.v0;
	v1 = d.v1;
	v2 = d.v2 ^ 0xff;
	v3 = d.v3;
	NP_SIPROUND;
	NP_SIPROUND;
	NP_SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- dispatch ---- */

static bool group_is(const char *g, const char *a)
{
	return g && strcmp(g, a) == 0;
}

static bool calico_group(const char *g)
{
	return group_is(g, "projectcalico.org") || group_is(g, "crd.projectcalico.org");
}

static bool apps_group(const char *g)
{
	return group_is(g, "apps") || group_is(g, "extensions");
}

/* Kinds that are Kubernetes objects we recognise but do not model. */
static bool known_other_kind(const char *kind)
{
	static const char *const kinds[] = {
		"Service", "Ingress", "IngressClass", "Secret", "ServiceAccount", "Role",
		"RoleBinding", "ClusterRole", "ClusterRoleBinding", "Endpoints", "EndpointSlice",
		"PersistentVolume", "PersistentVolumeClaim", "StorageClass", "Event",
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
		"LimitRange", "ResourceQuota", "PodDisruptionBudget", "HorizontalPodAutoscaler",
		"PriorityClass", "Lease", "CSIDriver", "CSINode", "PodSecurityPolicy",
		"ControllerRevision", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"Installation", "APIServer", "PolicyEndpoint", "HelmChart", "HelmChartConfig",
		"RuntimeClass", "VolumeAttachment", "ComponentStatus", "PodTemplate",
		"Tier", "HostEndpoint", "GlobalNetworkSet", "NetworkSet", "IPPool", "FelixConfiguration",
		"CiliumNode", "CiliumEndpoint", "CiliumIdentity", "CiliumCIDRGroup",
		"NetworkAttachmentDefinition",
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i], kind) == 0)
			return true;
	return false;
}

/* 1 = decoded (recognised), 0 = ignored, < 0 = error. */
static int dispatch(struct dctx *c)
{
	const char *k = c->kind, *g = c->group;
	bool core = g && !*g;

	if (core && strcmp(k, "Namespace") == 0)
		return decode_namespace(c) < 0 ? NP_ENOMEM : 1;
	if (core && strcmp(k, "Pod") == 0)
		return decode_pod(c) < 0 ? NP_ENOMEM : 1;
	if (apps_group(g) || (group_is(g, "apps.openshift.io") || core) || group_is(g, "batch") ||
	    group_is(g, "argoproj.io")) {
		int wk = -1;

		if (apps_group(g) && strcmp(k, "Deployment") == 0)
			wk = NP_WL_DEPLOYMENT;
		else if (apps_group(g) && strcmp(k, "StatefulSet") == 0)
			wk = NP_WL_STATEFULSET;
		else if (apps_group(g) && strcmp(k, "DaemonSet") == 0)
			wk = NP_WL_DAEMONSET;
		else if (apps_group(g) && strcmp(k, "ReplicaSet") == 0)
			wk = NP_WL_REPLICASET;
		else if (core && strcmp(k, "ReplicationController") == 0)
			wk = NP_WL_REPLICATIONCONTROLLER;
		else if (group_is(g, "batch") && strcmp(k, "Job") == 0)
			wk = NP_WL_JOB;
		else if (group_is(g, "batch") && strcmp(k, "CronJob") == 0)
			wk = NP_WL_CRONJOB;
		else if (group_is(g, "argoproj.io") && strcmp(k, "Rollout") == 0)
			wk = NP_WL_ROLLOUT;
		else if ((group_is(g, "apps.openshift.io") || core) && strcmp(k, "DeploymentConfig") == 0)
			wk = NP_WL_DEPLOYMENTCONFIG;
		if (wk >= 0)
			return decode_workload(c, (enum np_workload_kind)wk) < 0 ? NP_ENOMEM : 1;
	}
	if (core && strcmp(k, "Node") == 0)
		return decode_node(c) < 0 ? NP_ENOMEM : 1;
	if (core && strcmp(k, "ConfigMap") == 0)
		return decode_configmap(c) < 0 ? NP_ENOMEM : 1;
	if (group_is(g, "apiextensions.k8s.io") && strcmp(k, "CustomResourceDefinition") == 0)
		return decode_crd(c) < 0 ? NP_ENOMEM : 1;
	if ((group_is(g, "networking.k8s.io") || group_is(g, "extensions")) &&
	    strcmp(k, "NetworkPolicy") == 0)
		return decode_netpol(c) < 0 ? NP_ENOMEM : 1;
	if (calico_group(g)) {
		if (strcmp(k, "NetworkPolicy") == 0)
			return decode_calico(c, false, false) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "GlobalNetworkPolicy") == 0)
			return decode_calico(c, true, false) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "StagedNetworkPolicy") == 0 ||
		    strcmp(k, "StagedKubernetesNetworkPolicy") == 0)
			return decode_calico(c, false, true) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "StagedGlobalNetworkPolicy") == 0)
			return decode_calico(c, true, true) < 0 ? NP_ENOMEM : 1;
	}
	if (group_is(g, "cilium.io")) {
		if (strcmp(k, "CiliumNetworkPolicy") == 0)
			return decode_cilium(c, false) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "CiliumClusterwideNetworkPolicy") == 0)
			return decode_cilium(c, true) < 0 ? NP_ENOMEM : 1;
	}
	if (group_is(g, "policy.networking.k8s.io")) {
		if (strcmp(k, "AdminNetworkPolicy") == 0)
			return decode_admin(c, NP_XP_ANP) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "BaselineAdminNetworkPolicy") == 0)
			return decode_admin(c, NP_XP_BANP) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "ClusterNetworkPolicy") == 0)
			return decode_admin(c, NP_XP_CNP) < 0 ? NP_ENOMEM : 1;
	}
	if (core && strcmp(k, "Service") == 0)
		return decode_service(c) < 0 ? NP_ENOMEM : 1;
	if ((group_is(g, "networking.k8s.io") || group_is(g, "extensions")) &&
	    strcmp(k, "Ingress") == 0)
		return decode_ingress(c) < 0 ? NP_ENOMEM : 1;
	if (group_is(g, "admissionregistration.k8s.io")) {
		if (strcmp(k, "ValidatingWebhookConfiguration") == 0)
			return decode_webhook_config(c, false) < 0 ? NP_ENOMEM : 1;
		if (strcmp(k, "MutatingWebhookConfiguration") == 0)
			return decode_webhook_config(c, true) < 0 ? NP_ENOMEM : 1;
	}
	if (group_is(g, "apiregistration.k8s.io") && strcmp(k, "APIService") == 0)
		return decode_apiservice(c) < 0 ? NP_ENOMEM : 1;
	if (group_is(g, "hostdata.kubescape.cloud") && strcmp(k, "CNIInfo") == 0)
		return decode_cniinfo(c) < 0 ? NP_ENOMEM : 2;
	if (group_is(g, "management.azure.com") && strcmp(k, "ClusterDescribe") == 0)
		return decode_cluster_describe(c) < 0 ? NP_ENOMEM : 2;
	if ((group_is(g, "operator.openshift.io") || group_is(g, "config.openshift.io")) &&
	    strcmp(k, "Network") == 0)
		return decode_openshift_network(c) < 0 ? NP_ENOMEM : 1;
	if (known_other_kind(k))
		return 1;
	return 0;
}

/* kubectl <= 1.13 printed internal types: capitalised field names. */
static const struct np_node *internal_dump_key(const struct np_node *obj)
{
	static const char *const keys[][2] = {
		{ "Items", "items" }, { "Spec", "spec" }, { "ObjectMeta", "metadata" },
		{ "ListMeta", "metadata" }, { "TypeMeta", "kind" },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct np_pair *p = np_node_get_pair(obj, keys[i][0]);

		if (p && !np_node_get(obj, keys[i][1]))
			return p->value ? p->value : obj;
	}
	return NULL;
}

static int internal_dump_error(struct dctx *c, const struct np_node *at)
{
	return np_error_setat(c->err, NP_EINVAL, c->file, c->member, at ? at->line : 0,
			      at ? at->column : 0,
			      "unsupported internal-type dump (kubectl <= 1.13, capitalised fields); "
			      "export again with a newer kubectl");
}

static bool has_name(const struct np_node *obj)
{
	const struct np_node *meta = dget(obj, "metadata");
	const char *name = dtext(dget(meta, "name")), *gen = dtext(dget(meta, "generateName"));

	return (name && *name) || (gen && *gen);
}

static int decode_item(struct dctx *c, const struct np_node *obj, const char *dflt_kind,
		       const char *dflt_api)
{
	const char *kind = dtext(dget(obj, "kind"));
	const char *api = dtext(dget(obj, "apiVersion"));
	const struct np_node *bad;
	int rc;

	if (!obj || obj->type != NP_NODE_MAP)
		return 0;
	if ((bad = internal_dump_key(obj)) != NULL)
		return internal_dump_error(c, bad);
	if (!kind || !*kind)
		kind = dflt_kind;
	if (!api || !*api)
		api = dflt_api;
	if (!kind || !*kind || !api || !*api)
		return 0;
	c->obj = obj;
	c->kind = dstr(c, kind);
	c->api_version = dstr(c, api);
	c->group = dgroup_of(c, api);
	if (c->oom)
		return NP_ENOMEM;
	rc = dispatch(c);
	if (rc < 0 || c->oom)
		return NP_ENOMEM;
	if (rc > 0) {
		c->m->n_objects++;
		if (rc == 1)
			c->m->n_k8s_objects++;
	}
	if (rc == 1 && !has_name(obj)) {
		/* the API server rejects such an object: say so, since its
		 * findings can only name it "" */
		const struct np_node *meta = dget(obj, "metadata");
		const struct np_node *at = meta ? meta : obj;

		if (np_model_warn(c->m, kind_resource(c->kind), NULL, "invalid", c->file,
				  "%s%s%s:%d:%d: %s without metadata.name", c->file ? c->file : "",
				  c->member ? ": " : "", c->member ? c->member : "", at->line,
				  at->column, c->kind) < 0)
			return NP_ENOMEM;
	}
	c->obj = NULL;
	return 0;
}

static bool is_cni_config(const struct np_node *doc)
{
	return doc && doc->type == NP_NODE_MAP && np_node_get_pair(doc, "cniVersion") &&
	       (np_node_get_pair(doc, "plugins") || np_node_get_pair(doc, "type")) &&
	       !np_node_get(doc, "kind");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The kind and apiVersion a List gives items lacking their own: a typed
 * List (PodList) names them, else the layout's hint. */
static void list_defaults(struct dctx *c, const struct np_node *doc, const char **ik,
			  const char **ia)
{
	const char *kind = dtext(dget(doc, "kind"));
	const char *api = dtext(dget(doc, "apiVersion"));
	char buf[256];

	*ik = c->hint ? c->hint->default_kind : NULL;
	*ia = c->hint ? c->hint->default_api_version : NULL;
	if (kind && strcmp(kind, "List") != 0 && strlen(kind) - 4 < sizeof(buf)) {
		size_t kl = strlen(kind) - 4;

		memcpy(buf, kind, kl);
		buf[kl] = '\0';
		*ik = dstr(c, buf);
		if (api && *api)
			*ia = api;
	}
}

static int decode_doc(struct dctx *c, const struct np_node *doc, int nesting)
{
	const char *dk = c->hint ? c->hint->default_kind : NULL;
	const char *da = c->hint ? c->hint->default_api_version : NULL;
	const struct np_node *items, *bad;
	const char *kind;
	size_t i;
	int rc;

	if (!doc)
		return 0;
	if (doc->type == NP_NODE_SEQ) {
		/* A bare array: items need their own kind or the hint's. */
		for (i = 0; i < doc->u.seq.n; i++) {
			const struct np_node *it = doc->u.seq.items[i];

			if (nesting < MAX_LIST_NESTING && it && it->type == NP_NODE_MAP &&
			    np_node_get_pair(it, "items") && !np_node_get(it, "spec")) {
				rc = decode_doc(c, it, nesting + 1);
			} else {
				rc = decode_item(c, it, dk, da);
			}
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	if (doc->type != NP_NODE_MAP)
		return 0;
	if ((bad = internal_dump_key(doc)) != NULL)
		return internal_dump_error(c, bad);
	/* plan/state JSON and .tf.json: snapshot/terraform.c */
	if (nesting == 0 && (rc = np_tf_decode_json_doc(c->m, doc, c->file, c->member)) != 0)
		return rc < 0 ? rc : 0;
	if (is_cni_config(doc)) {
		c->obj = doc;
		c->kind = NULL;
		rc = decode_cniconf_doc(c, doc);
		c->obj = NULL;
		if (rc < 0 || c->oom)
			return NP_ENOMEM;
		c->m->n_objects++;
		return 0;
	}
	kind = dtext(dget(doc, "kind"));
	items = np_node_get_pair(doc, "items") ? dget(doc, "items") : NULL;
	if (np_node_get_pair(doc, "items") && (!kind || ends_with(kind, "List")) &&
	    !np_node_get(doc, "spec")) {
		const char *ik, *ia;

		list_defaults(c, doc, &ik, &ia);
		if (!items || items->type == NP_NODE_NULL)
			return c->oom ? NP_ENOMEM : 0;
		if (items->type != NP_NODE_SEQ) {
			if (np_model_warn(c->m, NULL, NULL, "invalid", c->file,
					  "%s%s%s:%d:%d: items: expected a list", c->file ? c->file : "",
					  c->member ? ": " : "", c->member ? c->member : "", items->line,
					  items->column) < 0)
				return NP_ENOMEM;
			return 0;
		}
		for (i = 0; i < items->u.seq.n; i++) {
			const struct np_node *it = items->u.seq.items[i];

			if (nesting < MAX_LIST_NESTING && it && it->type == NP_NODE_MAP &&
			    np_node_get_pair(it, "items") && !np_node_get(it, "spec") &&
			    np_node_get(it, "kind") && ends_with(dtext(dget(it, "kind")) ?
								 dtext(dget(it, "kind")) : "", "List"))
				rc = decode_doc(c, it, nesting + 1);
			else
				rc = decode_item(c, it, ik, ia);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	/* A single object; without a kind only the hint can name it. */
	if (kind && *kind)
		return decode_item(c, doc, NULL, da);
	if (dk && np_node_get(doc, "metadata"))
		return decode_item(c, doc, dk, da);
	return 0;
}

struct buf_ctx {
	struct dctx c;
	struct np_error local;
	bool failed;
	/* Streaming JSON (DESIGN §7): List items are decoded as the parser hands
	 * them over, assuming the document is a List. When the rest of the
	 * document says otherwise, or anything unusual happens, the buffer is
	 * read again the ordinary way from a savepoint, so the outcome is always
	 * that of decode_doc on the whole tree. */
	bool fallback;              /* read the buffer again without streaming */
	bool in_doc;                /* doc's items are being handed over */
	int doc;
	struct np_model_mark doc_mark; /* before doc's first item */
	bool used_defaults;         /* an item took the List's kind/apiVersion ... */
	const char *ik, *ia;        /* ... these */
};

static int stream_fallback(struct buf_ctx *b)
{
	b->fallback = true;
	return NP_EINVAL; /* stops the parser; np_decode_buffer reads again */
}

/* Whether the top-level object (as read so far, or whole with its streamed
 * items array) is certainly a List for decode_doc. Conservative: any sign of
 * a Terraform, CNI or kubectl internal-type document, a second "items" or a
 * non-List kind sends the buffer back to an ordinary reading. */
static bool stream_list_ok(const struct np_node *doc)
{
	const char *kind = dtext(dget(doc, "kind"));
	size_t i, n_items = 0;

	if (!doc || doc->type != NP_NODE_MAP || internal_dump_key(doc))
		return false;
	if (np_node_get_pair(doc, "format_version") || np_node_get_pair(doc, "resource") ||
	    np_node_get_pair(doc, "module") || np_node_get_pair(doc, "cniVersion"))
		return false;
	if ((kind && !ends_with(kind, "List")) || np_node_get(doc, "spec"))
		return false;
	for (i = 0; i < doc->u.map.n; i++)
		if (doc->u.map.pairs[i].key_len == 5 && memcmp(doc->u.map.pairs[i].key, "items", 5) == 0)
			n_items++;
	return n_items <= 1;
}

static bool has_text(const struct np_node *n, const char *key)
{
	const char *s = dtext(dget(n, key));

	return s && *s;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int on_item(void *ctx, const struct np_json_item *it)
{
	struct buf_ctx *b = ctx;
	struct dctx *c = &b->c;
	const struct np_node *n = it->node;
	int rc = 0;

	if (b->fallback)
		return NP_EINVAL;
	if (!b->in_doc || b->doc != it->doc_index) {
		np_model_mark(c->m, &b->doc_mark);
		b->in_doc = true;
		b->doc = it->doc_index;
		b->used_defaults = false;
	}
	if (!it->list) {
		/* An element of a top-level array: decode_doc's bare-array case. */
		if (n && n->type == NP_NODE_MAP && np_node_get_pair(n, "items") &&
		    !np_node_get(n, "spec"))
			rc = decode_doc(c, n, 1);
		else
			rc = decode_item(c, n, c->hint ? c->hint->default_kind : NULL,
					 c->hint ? c->hint->default_api_version : NULL);
	} else if (!stream_list_ok(it->list)) {
		return stream_fallback(b);
	} else if (!n || n->type != NP_NODE_MAP) {
		rc = 0; /* decode_item ignores it */
	} else if (np_node_get_pair(n, "items") && !np_node_get(n, "spec") &&
		   np_node_get(n, "kind") && ends_with(dtext(dget(n, "kind")) ?
						       dtext(dget(n, "kind")) : "", "List")) {
		rc = decode_doc(c, n, 1);
	} else if (has_text(n, "kind") && has_text(n, "apiVersion")) {
		rc = decode_item(c, n, NULL, NULL); /* the List's defaults do not matter */
	} else {
		/* The List's kind as known so far; on_doc checks it was the final one. */
		if (!b->used_defaults) {
			list_defaults(c, it->list, &b->ik, &b->ia);
			b->used_defaults = true;
		}
		rc = decode_item(c, n, b->ik, b->ia);
	}
	if (rc == NP_ENOMEM || c->oom) {
		b->failed = true;
		if (b->local.code == 0)
			np_error_setat(&b->local, NP_ENOMEM, c->file, c->member, 0, 0, "out of memory");
		return NP_ENOMEM;
	}
	/* Other errors: the ordinary reading reports them exactly (a syntax
	 * error later in the document comes first there). */
	return rc < 0 ? stream_fallback(b) : 0;
}

/* The document whose items on_item decoded is complete. */
static int stream_doc_end(struct buf_ctx *b, const struct np_node *doc)
{
	const char *ik, *ia;

	b->in_doc = false;
	if (doc && doc->type == NP_NODE_SEQ)
		return 0;
	if (!stream_list_ok(doc))
		return stream_fallback(b);
	if (b->used_defaults) {
		list_defaults(&b->c, doc, &ik, &ia);
		if (b->c.oom) {
			b->failed = true;
			return NP_ENOMEM;
		}
		if (ik != b->ik || !same_str(ia, b->ia))
			return stream_fallback(b);
	}
	return 0;
}

static int on_doc(void *ctx, const struct np_node *doc, int doc_index)
{
	struct buf_ctx *b = ctx;
	int rc;

	if (b->in_doc && b->doc == doc_index)
		return stream_doc_end(b, doc);
	rc = decode_doc(&b->c, doc, 0);
	if (rc < 0) {
		b->failed = true;
		if (rc == NP_ENOMEM && b->local.code == 0)
			np_error_setat(&b->local, NP_ENOMEM, b->c.file, b->c.member, 0, 0,
				       "out of memory");
	}
	return rc;
}

static void init_ctx(struct dctx *c, struct np_model *m, const char *file, const char *member,
		     const struct np_hint *hint, const struct np_load_options *opt,
		     struct np_error *err)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->file = file ? np_model_str(m, file) : NULL;
	c->member = member ? np_model_str(m, member) : NULL;
	if ((file && !c->file) || (member && !c->member))
		c->oom = true;
	c->hint = hint;
	c->opt = opt;
	c->err = err;
}

static bool json_like(const char *buf, size_t len)
{
	size_t i = 0, lim = len < SNIFF_PREFIX ? len : SNIFF_PREFIX;

	if (lim >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		i = 3;
	for (; i < lim; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		return ch == '{' || ch == '[';
	}
	return false;
}

int np_decode_buffer(struct np_model *m, const char *buf, size_t len, const char *file,
		     const char *member, const struct np_hint *hint,
		     const struct np_load_options *opt, struct np_error *err)
{
	struct buf_ctx b;
	struct np_decode_limits dl;
	const char *name = member ? member : (file ? file : "-");
	int rc;

	memset(&b, 0, sizeof(b));
	if (opt && opt->kics)
		m->kics = true;
	init_ctx(&b.c, m, file, member, hint, opt, &b.local);
	if (b.c.oom)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	if (opt)
		dl = opt->limits.decode;
	else
		np_decode_limits_default(&dl);
	b.c.yaml = !json_like(buf, len);
	if (!b.c.yaml) {
		struct np_json_opts jo = { .item_fn = on_item, .skip_unread = true };
		struct np_model_mark start;

		np_model_mark(m, &start);
		rc = np_json_decode_ex(buf, len, name, &dl, &jo, on_doc, &b, err);
		if (b.fallback) {
			np_model_rollback(m, &start);
			b.fallback = b.failed = b.in_doc = false;
			memset(&b.local, 0, sizeof(b.local));
			np_error_clear(err);
			jo.item_fn = NULL;
			rc = np_json_decode_ex(buf, len, name, &dl, &jo, on_doc, &b, err);
		} else if (rc < 0 && !b.failed && b.in_doc) {
			/* A syntax error or limit in a List whose items were already
			 * decoded: keep nothing of that document, as a whole-tree
			 * reading would have. */
			np_model_rollback(m, &b.doc_mark);
		}
	} else {
		rc = np_yaml_decode(buf, len, name, &dl, on_doc, &b, err);
	}
	if (rc < 0 && b.failed && b.local.code) {
		/* Our own error from a callback: the decoder only propagated the code. */
		if (err)
			*err = b.local;
		return b.local.code;
	}
	if (rc < 0 && err) {
		if (!err->file[0] && file)
			snprintf(err->file, sizeof(err->file), "%s", file);
		if (!err->member[0] && member)
			snprintf(err->member, sizeof(err->member), "%s", member);
	}
	return rc;
}

int np_decode_object(struct np_model *m, const struct np_node *obj, const char *file,
		     const char *member, const struct np_hint *hint,
		     const struct np_load_options *opt, struct np_error *err)
{
	struct dctx c;
	int rc;

	init_ctx(&c, m, file, member, hint, opt, err);
	if (c.oom)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	if (!obj || obj->type != NP_NODE_MAP)
		return 0;
	rc = decode_item(&c, obj, hint ? hint->default_kind : NULL,
			 hint ? hint->default_api_version : NULL);
	if (rc == NP_ENOMEM)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	return rc;
}
