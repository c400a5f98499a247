/* Snapshot layouts (DESIGN §3.1): recognise troubleshoot.sh bundles,
 * `kubectl cluster-info dump`, sonobuoy and Velero trees from their entry
 * paths, tell the reader which files to decode with which hint, and record
 * what each layout says about availability (not collected / unreadable).
 * The same code serves directories and archives: it only sees paths. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "netpol/model.h"
#include "load_internal.h"

/* ---- resources ---- */
struct rinfo {
	int res;                 /* enum np_resource, -1 = no availability entry */
	const char *plural;
	const char *group;
	const char *kind;
	const char *api_version;
	bool namespaced;
	const char *ts;          /* troubleshoot: dir (namespaced) or file stem (cluster) */
	const char *legacy;      /* sonobuoy 0.10 file stem */
};

/* The first entry of each resource is its primary (group) for RBAC checks. */
static const struct rinfo rtab[] = {
	{ NP_RES_PODS, "pods", "", "Pod", "v1", true, "pods", "Pods" },
	{ NP_RES_NAMESPACES, "namespaces", "", "Namespace", "v1", false, "namespaces", "Namespaces" },
	{ NP_RES_NETWORKPOLICIES, "networkpolicies", "networking.k8s.io", "NetworkPolicy",
	  "networking.k8s.io/v1", true, "network-policy", "NetworkPolicies" },
	{ NP_RES_NETWORKPOLICIES, "networkpolicies", "extensions", "NetworkPolicy",
	  "extensions/v1beta1", true, NULL, NULL },
	{ NP_RES_NODES, "nodes", "", "Node", "v1", false, "nodes", "Nodes" },
	{ NP_RES_DAEMONSETS, "daemonsets", "apps", "DaemonSet", "apps/v1", true,
	  "daemonsets", "DaemonSets" },
	{ NP_RES_DAEMONSETS, "daemonsets", "extensions", "DaemonSet", "extensions/v1beta1", true,
	  NULL, NULL },
	{ NP_RES_DEPLOYMENTS, "deployments", "apps", "Deployment", "apps/v1", true,
	  "deployments", "Deployments" },
	{ NP_RES_DEPLOYMENTS, "deployments", "extensions", "Deployment", "extensions/v1beta1", true,
	  NULL, NULL },
	{ NP_RES_REPLICASETS, "replicasets", "apps", "ReplicaSet", "apps/v1", true,
	  "replicasets", "ReplicaSets" },
	{ NP_RES_REPLICASETS, "replicasets", "extensions", "ReplicaSet", "extensions/v1beta1", true,
	  NULL, NULL },
	{ NP_RES_STATEFULSETS, "statefulsets", "apps", "StatefulSet", "apps/v1", true, "statefulsets",
	  "StatefulSets" },
	{ NP_RES_JOBS, "jobs", "batch", "Job", "batch/v1", true, "jobs", "Jobs" },
	{ NP_RES_CRONJOBS, "cronjobs", "batch", "CronJob", "batch/v1", true, "cronjobs", "CronJobs" },
	{ NP_RES_CONFIGMAPS, "configmaps", "", "ConfigMap", "v1", true, "configmaps", "ConfigMaps" },
	{ NP_RES_SERVICES, "services", "", "Service", "v1", true, "services", "Services" },
	{ NP_RES_INGRESSES, "ingresses", "networking.k8s.io", "Ingress", "networking.k8s.io/v1", true,
	  "ingress", "Ingresses" },
	{ NP_RES_INGRESSES, "ingresses", "extensions", "Ingress", "extensions/v1beta1", true, NULL, NULL },
	{ NP_RES_WEBHOOKS, "validatingwebhookconfigurations", "admissionregistration.k8s.io",
	  "ValidatingWebhookConfiguration", "admissionregistration.k8s.io/v1", false,
	  "validating-webhook-configurations", NULL },
	{ NP_RES_WEBHOOKS, "mutatingwebhookconfigurations", "admissionregistration.k8s.io",
	  "MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1", false,
	  "mutating-webhook-configurations", NULL },
	{ NP_RES_APISERVICES, "apiservices", "apiregistration.k8s.io", "APIService",
	  "apiregistration.k8s.io/v1", false, "apiservices", NULL },
	{ NP_RES_CRDS, "customresourcedefinitions", "apiextensions.k8s.io", "CustomResourceDefinition",
	  "apiextensions.k8s.io/v1", false, "custom-resource-definitions", "CustomResourceDefinitions" },
	{ NP_RES_CILIUM_NP, "ciliumnetworkpolicies", "cilium.io", "CiliumNetworkPolicy", "cilium.io/v2",
	  true, NULL, NULL },
	{ NP_RES_CILIUM_CCNP, "ciliumclusterwidenetworkpolicies", "cilium.io",
	  "CiliumClusterwideNetworkPolicy", "cilium.io/v2", false, NULL, NULL },
	{ NP_RES_CALICO_NP, "networkpolicies", "crd.projectcalico.org", "NetworkPolicy",
	  "crd.projectcalico.org/v1", true, NULL, NULL },
	{ NP_RES_CALICO_NP, "networkpolicies", "projectcalico.org", "NetworkPolicy",
	  "projectcalico.org/v3", true, NULL, NULL },
	{ NP_RES_CALICO_GNP, "globalnetworkpolicies", "crd.projectcalico.org", "GlobalNetworkPolicy",
	  "crd.projectcalico.org/v1", false, NULL, NULL },
	{ NP_RES_CALICO_GNP, "globalnetworkpolicies", "projectcalico.org", "GlobalNetworkPolicy",
	  "projectcalico.org/v3", false, NULL, NULL },
	{ NP_RES_ANP, "adminnetworkpolicies", "policy.networking.k8s.io", "AdminNetworkPolicy",
	  "policy.networking.k8s.io/v1alpha1", false, NULL, NULL },
	{ NP_RES_BANP, "baselineadminnetworkpolicies", "policy.networking.k8s.io",
	  "BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", false, NULL, NULL },
	{ NP_RES_CNP, "clusternetworkpolicies", "policy.networking.k8s.io", "ClusterNetworkPolicy",
	  "policy.networking.k8s.io/v1alpha2", false, NULL, NULL },
	{ -1, "replicationcontrollers", "", "ReplicationController", "v1", true, NULL,
	  "ReplicationControllers" },
};
#define RTAB_N (sizeof(rtab) / sizeof(rtab[0]))

static bool is_xpolicy(int res)
{
	return res >= NP_RES_CILIUM_NP && res <= NP_RES_CNP;
}

static bool seq(const char *s, size_t len, const char *lit)
{
	return lit && strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static const struct rinfo *rt_primary(int res)
{
	size_t i;

	for (i = 0; i < RTAB_N; i++)
		if (rtab[i].res == res)
			return &rtab[i];
	return NULL;
}

static const struct rinfo *rt_plural_group(const char *p, size_t plen, const char *g, size_t glen)
{
	size_t i;

	for (i = 0; i < RTAB_N; i++)
		if (seq(p, plen, rtab[i].plural) && seq(g, glen, rtab[i].group))
			return &rtab[i];
	return NULL;
}

/* "plural.group" as troubleshoot and Velero name resources ("pods" for core). */
static const struct rinfo *rt_dotted(const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);

	if (!dot)
		return rt_plural_group(s, len, "", 0);
	return rt_plural_group(s, (size_t)(dot - s), dot + 1, len - (size_t)(dot - s) - 1);
}

static const struct rinfo *rt_ts(const char *s, size_t len, bool namespaced)
{
	size_t i;

	for (i = 0; i < RTAB_N; i++)
		if (rtab[i].namespaced == namespaced && seq(s, len, rtab[i].ts))
			return &rtab[i];
	return NULL;
}

/* sonobuoy: "<group>_<version>_<plural>" (core group "core"), or the 0.10-era
 * "<KindPlural>". */
static const struct rinfo *rt_sonobuoy(const char *s, size_t len)
{
	const char *u1, *u2 = NULL, *p;
	size_t i;

	for (p = s; p < s + len; p++)
		if (*p == '_')
			u2 = p;
	if (!u2) {
		for (i = 0; i < RTAB_N; i++)
			if (seq(s, len, rtab[i].legacy))
				return &rtab[i];
		return NULL;
	}
	for (u1 = NULL, p = s; p < u2; p++)
		if (*p == '_')
			u1 = p;
	if (!u1)
		return NULL;
	if (u1 - s == 4 && memcmp(s, "core", 4) == 0)
		return rt_plural_group(u2 + 1, len - (size_t)(u2 + 1 - s), "", 0);
	return rt_plural_group(u2 + 1, len - (size_t)(u2 + 1 - s), s, (size_t)(u1 - s));
}

/* ---- paths ---- */
#define MAXC 8
struct comps {
	const char *p[MAXC];
	size_t len[MAXC];
	size_t n; /* may exceed MAXC: only the first MAXC are stored */
};

static void split(const char *s, struct comps *c)
{
	const char *start = s;

	c->n = 0;
	for (;; s++) {
		if (*s == '/' || *s == '\0') {
			if (s > start) {
				if (c->n < MAXC) {
					c->p[c->n] = start;
					c->len[c->n] = (size_t)(s - start);
				}
				c->n++;
			}
			if (*s == '\0')
				break;
			start = s + 1;
		}
	}
}

static bool ends(const char *s, size_t len, const char *sfx)
{
	size_t n = strlen(sfx);
	return len >= n && memcmp(s + len - n, sfx, n) == 0;
}

static bool cis(const struct comps *c, size_t i, const char *lit)
{
	return i < c->n && i < MAXC && seq(c->p[i], c->len[i], lit);
}

bool lay_generic_ext(const char *path)
{
	static const char *const ext[] = { ".yaml", ".yml", ".json", ".tf", ".conf", ".conflist" };
	size_t len = strlen(path), i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (ends(path, len, ext[i]))
			return true;
	return false;
}

/* ---- state ---- */
enum aux_kind { AUX_NONE, AUX_TS_ERRORS, AUX_TS_CANI, AUX_SB_QUERIES, AUX_SB_CONFIG, AUX_MARKER };

struct ecls {
	unsigned char action;   /* enum lay_action */
	unsigned char aux;      /* enum aux_kind */
	signed char res;
	const struct rinfo *ri; /* defaults for the hint */
	const char *ns;         /* interned */
};

struct whole {
	bool set;
	enum np_avail_state state;
	const char *reason, *message;
};

struct nsav {
	int res;
	const char *ns;
	enum np_avail_state state;
	const char *reason, *message;
};

struct resns {
	int res;
	const char *ns;
};

struct lay {
	enum lay_kind kind;
	struct np_model *m;
	const char *const *paths;
	const unsigned char *links;
	size_t n;
	size_t *sorted;          /* indexes sorted by path */
	char *root;              /* prefix where the layout starts ("" or "x/y/") */
	size_t root_len;
	struct ecls *cls;
	struct whole whole[NP_RES__COUNT];
	bool present[NP_RES__COUNT];
	NP_VEC(struct nsav) nsav;
	NP_VEC(struct resns) files;  /* (res, ns) files present */
	NP_VEC(struct resns) denied; /* auth-cani-list: no list right */
	NP_VEC(const char *) nsdirs; /* namespaces to synthesise */
	bool ts_cr_dir, ts_crd_file;
	bool sb_config, sb_configured[NP_RES__COUNT], sb_ns_file;
	bool dump_nodes;
	bool generic_objects; /* a generic file supplied objects */
	bool supplied[NP_RES__COUNT]; /* ... of these resources */
	/* kubectl-netpol's own snapshots: the exact availability it recorded */
	NP_VEC(struct nsav) marker;
	bool marker_whole[NP_RES__COUNT];
};

#define VEC_PUSH(vec, val) \
	(((vec).n < (vec).cap || grow((void **)&(vec).v, &(vec).cap, sizeof(*(vec).v))) ? \
	 ((vec).v[(vec).n++] = (val), 0) : NP_ENOMEM)

static bool grow(void **v, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (ncap > SIZE_MAX / elem)
		return false;
	p = realloc(*v, ncap * elem);
	if (!p)
		return false;
	*v = p;
	*cap = ncap;
	return true;
}

const char *lay_name(enum lay_kind k)
{
	switch (k) {
	case LAY_TROUBLESHOOT: return "troubleshoot";
	case LAY_CIDUMP: return "cluster-info-dump";
	case LAY_SONOBUOY: return "sonobuoy";
	case LAY_VELERO: return "velero";
	case LAY_GENERIC: break;
	}
	return "generic";
}

enum lay_kind lay_get_kind(const struct lay *l)
{
	return l->kind;
}

struct sortent {
	const char *path;
	size_t idx;
};

static int cmp_sortent(const void *a, const void *b)
{
	return strcmp(((const struct sortent *)a)->path, ((const struct sortent *)b)->path);
}

/* Is there an entry whose path starts with prefix? (sorted lookup) */
static bool has_prefix(const struct lay *l, const char *prefix, size_t plen)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(l->paths[l->sorted[mid]], prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && strncmp(l->paths[l->sorted[lo]], prefix, plen) == 0;
}

static bool has_path(const struct lay *l, const char *path, size_t len)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = l->paths[l->sorted[mid]];
		int c = strncmp(p, path, len);
		if (c == 0 && p[len])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= l->n)
		return false;
	return strncmp(l->paths[l->sorted[lo]], path, len) == 0 && !l->paths[l->sorted[lo]][len];
}

/* ---- detection ---- */

/* Length of the single top directory (repeated) all entries share, e.g. "x/". */
static size_t common_top(const struct lay *l)
{
	size_t root = 0, i;

	if (l->n == 0)
		return 0;
	for (;;) {
		const char *first = l->paths[0] + root;
		const char *slash = strchr(first, '/');
		size_t clen;

		if (!slash)
			return root;
		clen = (size_t)(slash - first) + 1;
		for (i = 1; i < l->n; i++)
			if (strncmp(l->paths[i] + root, first, clen) != 0)
				return root;
		root += clen;
	}
}

static bool ts_known_top(const char *s, size_t len, bool has_more)
{
	size_t i;

	if (has_more) {
		if (seq(s, len, "custom-resources") || seq(s, len, "auth-cani-list"))
			return true;
		for (i = 0; i < RTAB_N; i++)
			if (rtab[i].namespaced && seq(s, len, rtab[i].ts))
				return true;
		return false;
	}
	if (!ends(s, len, ".json"))
		return false;
	len -= 5;
	for (i = 0; i < RTAB_N; i++)
		if (!rtab[i].namespaced && seq(s, len, rtab[i].ts))
			return true;
	return false;
}

/* troubleshoot: the shallowest cluster-resources/ that holds something we know. */
static bool detect_troubleshoot(struct lay *l)
{
	size_t best_depth = SIZE_MAX, i, k;
	const char *best = NULL;
	size_t best_len = 0;

	for (i = 0; i < l->n; i++) {
		const char *path = l->paths[l->sorted[i]];
		struct comps c;

		split(path, &c);
		for (k = 0; k + 1 < c.n && k + 1 < MAXC; k++) {
			if (!seq(c.p[k], c.len[k], "cluster-resources"))
				continue;
			if (!ts_known_top(c.p[k + 1], c.len[k + 1], k + 2 < c.n))
				continue;
			if (k < best_depth) {
				best_depth = k;
				best = path;
				best_len = (size_t)(c.p[k] + c.len[k] - path) + 1;
			}
			break;
		}
	}
	if (!best)
		return false;
	l->root = strndup(best, best_len);
	l->root_len = best_len;
	l->kind = LAY_TROUBLESHOOT;
	return l->root != NULL;
}

static bool sb_match(const struct comps *c)
{
	if (!cis(c, 0, "resources") || c->n > MAXC ||
	    !ends(c->p[c->n - 1], c->len[c->n - 1], ".json"))
		return false;
	return (c->n == 4 && cis(c, 1, "ns")) || (c->n == 3 && cis(c, 1, "cluster"));
}

static bool velero_match(const struct comps *c)
{
	if (!cis(c, 0, "resources") || c->n > MAXC ||
	    !ends(c->p[c->n - 1], c->len[c->n - 1], ".json"))
		return false;
	return (c->n == 5 && cis(c, 2, "namespaces")) || (c->n == 4 && cis(c, 2, "cluster")) ||
	       (c->n == 6 && cis(c, 3, "namespaces")) || (c->n == 5 && cis(c, 3, "cluster"));
}

static const char *const dump_files[] = {
	"events.json", "pods.json", "services.json", "daemonsets.json", "deployments.json",
	"replicasets.json", "replication-controllers.json",
};

static int dump_file(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(dump_files) / sizeof(dump_files[0]); i++)
		if (seq(s, len, dump_files[i]))
			return (int)i;
	return -1;
}

/* kubectl cluster-info dump writes all seven files per namespace; three in
 * one directory is specific enough not to mistake a manifest repository. */
static bool detect_dump(const struct lay *l, size_t root)
{
	size_t i, count = 0;
	const char *dir = NULL;
	size_t dlen = 0;

	for (i = 0; i < l->n; i++) {
		const char *path = l->paths[l->sorted[i]];
		struct comps c;

		split(path + root, &c);
		if (c.n != 2 || dump_file(c.p[1], c.len[1]) < 0)
			continue;
		if (!dir || c.len[0] != dlen || memcmp(c.p[0], dir, dlen) != 0) {
			dir = c.p[0];
			dlen = c.len[0];
			count = 0;
		}
		if (++count >= 3)
			return true;
	}
	return false;
}

static void detect(struct lay *l)
{
	size_t root, i;
	bool sb = false, ve = false;

	if (detect_troubleshoot(l))
		return;
	root = common_top(l);
	/* a known file name too, so that a manifest tree with a resources/
	 * directory stays generic */
	for (i = 0; i < l->n && !sb; i++) {
		struct comps c;
		split(l->paths[i] + root, &c);
		if (sb_match(&c) && rt_sonobuoy(c.p[c.n - 1], c.len[c.n - 1] - 5))
			sb = true;
		else if (velero_match(&c) && rt_dotted(c.p[1], c.len[1]))
			ve = true;
	}
	if (sb)
		l->kind = LAY_SONOBUOY;
	else if (ve)
		l->kind = LAY_VELERO;
	else if (detect_dump(l, root))
		l->kind = LAY_CIDUMP;
	else
		root = 0;
	l->root = strndup(l->n ? l->paths[0] : "", root);
	l->root_len = root;
}

/* ---- classification ---- */
static const char *intern_n(struct lay *l, const char *s, size_t len)
{
	return np_model_strn(l->m, s, len);
}

static int add_ns_dir(struct lay *l, const char *s, size_t len)
{
	const char *ns = intern_n(l, s, len);
	size_t i;

	if (!ns)
		return NP_ENOMEM;
	for (i = 0; i < l->nsdirs.n; i++)
		if (l->nsdirs.v[i] == ns)
			return 0;
	return VEC_PUSH(l->nsdirs, ns);
}

static int decode_as(struct lay *l, struct ecls *e, const struct rinfo *ri, int res, const char *ns,
		     size_t nslen)
{
	e->action = LA_DECODE;
	e->ri = ri;
	e->res = (signed char)res;
	if (ns) {
		e->ns = intern_n(l, ns, nslen);
		if (!e->ns)
			return NP_ENOMEM;
	}
	if (res >= 0) {
		l->present[res] = true;
		if (e->ns && VEC_PUSH(l->files, ((struct resns){ res, e->ns })))
			return NP_ENOMEM;
	}
	return 0;
}

/* "<name>-errors" → the resource it reports on, via its troubleshoot name. */
static const struct rinfo *ts_errors_target(const char *s, size_t len)
{
	if (!ends(s, len, "-errors"))
		return NULL;
	len -= 7;
	return rt_ts(s, len, true) ? rt_ts(s, len, true) : rt_ts(s, len, false);
}

static int classify_ts(struct lay *l, size_t idx, struct ecls *e, const struct comps *c)
{
	const struct rinfo *ri;

	if (l->links && l->links[idx])
		return 0;
	if (c->n == 1) {
		size_t len = c->len[0];
		if (!ends(c->p[0], len, ".json"))
			return 0;
		len -= 5;
		if ((ri = rt_ts(c->p[0], len, false))) {
			if (ri->res == NP_RES_CRDS)
				l->ts_crd_file = true;
			return decode_as(l, e, ri, ri->res, NULL, 0);
		}
		if ((ri = ts_errors_target(c->p[0], len))) {
			e->action = LA_AUX;
			e->aux = AUX_TS_ERRORS;
			e->res = (signed char)ri->res;
			l->present[ri->res] = true;
		}
		return 0;
	}
	if (cis(c, 0, "custom-resources")) {
		const char *crd = c->p[1], *file = c->p[c->n - 1];
		size_t crdlen = c->len[1], flen = c->len[c->n - 1];
		bool json;

		l->ts_cr_dir = true;
		if (c->n != 2 && c->n != 3)
			return 0;
		json = ends(file, flen, ".json");
		if (!json && !ends(file, flen, ".yaml"))
			return 0;
		if (c->n == 2)
			crdlen -= 5; /* ".json" or ".yaml" */
		if (c->n == 2 && ends(crd, crdlen, "-errors") && json) {
			ri = rt_dotted(crd, crdlen - 7);
			if (ri && ri->res >= 0) {
				e->action = LA_AUX;
				e->aux = AUX_TS_ERRORS;
				e->res = (signed char)ri->res;
			}
			return 0;
		}
		if (!json) {
			/* a .yaml copy is read only when its .json twin is missing (v0.50) */
			const char *path = l->paths[idx];
			size_t plen = strlen(path);
			char *twin = malloc(plen + 1);
			bool dup;
			if (!twin)
				return NP_ENOMEM;
			memcpy(twin, path, plen - 5);
			memcpy(twin + plen - 5, ".json", 6);
			dup = has_path(l, twin, plen);
			free(twin);
			if (dup)
				return 0;
		}
		ri = rt_dotted(crd, crdlen);
		if (c->n == 2)
			return decode_as(l, e, NULL, ri ? ri->res : -1, NULL, 0);
		return decode_as(l, e, NULL, ri ? ri->res : -1, file, flen - 5);
	}
	if (cis(c, 0, "auth-cani-list") && c->n == 2 && ends(c->p[1], c->len[1], ".json")) {
		e->action = LA_AUX;
		e->aux = AUX_TS_CANI;
		e->ns = intern_n(l, c->p[1], c->len[1] - 5);
		return e->ns ? 0 : NP_ENOMEM;
	}
	if ((ri = ts_errors_target(c->p[0], c->len[0]))) {
		/* <res>-errors/<ns>.json or <res>-errors/<ns>/...: that namespace */
		size_t nslen = c->len[1];
		if (c->n == 2 && ends(c->p[1], nslen, ".json"))
			nslen -= 5;
		e->action = LA_AUX;
		e->aux = AUX_TS_ERRORS;
		e->res = (signed char)ri->res;
		e->ns = intern_n(l, c->p[1], nslen);
		l->present[ri->res] = true;
		return e->ns ? 0 : NP_ENOMEM;
	}
	if (c->n == 2 && (ri = rt_ts(c->p[0], c->len[0], true))) {
		l->present[ri->res] = true;
		if (!ends(c->p[1], c->len[1], ".json"))
			return 0;
		return decode_as(l, e, ri, ri->res, c->p[1], c->len[1] - 5);
	}
	if ((ri = rt_ts(c->p[0], c->len[0], true)))
		l->present[ri->res] = true; /* e.g. pods/logs/: the directory exists */
	return 0;
}

static int classify_dump(struct lay *l, struct ecls *e, const struct comps *c)
{
	static const struct { const char *file; const char *res; } map[] = {
		{ "pods.json", "pods" }, { "services.json", "services" },
		{ "daemonsets.json", "daemonsets" }, { "deployments.json", "deployments" },
		{ "replicasets.json", "replicasets" },
		{ "replication-controllers.json", "replicationcontrollers" },
	};
	const struct rinfo *ri = NULL;
	size_t i, k;
	int rc;

	if (c->n == 1 && cis(c, 0, "nodes.json")) {
		l->dump_nodes = true;
		ri = rt_primary(NP_RES_NODES);
		return decode_as(l, e, ri, ri->res, NULL, 0);
	}
	if (c->n != 2 || dump_file(c->p[1], c->len[1]) < 0)
		return 0;
	if ((rc = add_ns_dir(l, c->p[0], c->len[0])))
		return rc;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!seq(c->p[1], c->len[1], map[i].file))
			continue;
		for (k = 0; k < RTAB_N && !ri; k++)
			if (strcmp(rtab[k].plural, map[i].res) == 0)
				ri = &rtab[k];
		return decode_as(l, e, ri, ri ? ri->res : -1, c->p[0], c->len[0]);
	}
	return 0;
}

static int classify_sonobuoy(struct lay *l, struct ecls *e, const struct comps *c)
{
	const struct rinfo *ri;
	int rc;

	if (c->n == 2 && cis(c, 0, "meta")) {
		if (cis(c, 1, "query-time.json")) {
			e->action = LA_AUX;
			e->aux = AUX_SB_QUERIES;
		} else if (cis(c, 1, "config.json")) {
			e->action = LA_AUX;
			e->aux = AUX_SB_CONFIG;
		}
		return 0;
	}
	if (!sb_match(c))
		return 0;
	if (c->n == 4 && (rc = add_ns_dir(l, c->p[2], c->len[2])))
		return rc;
	ri = rt_sonobuoy(c->p[c->n - 1], c->len[c->n - 1] - 5);
	if (!ri)
		return 0;
	if (ri->res == NP_RES_NAMESPACES)
		l->sb_ns_file = true;
	if (c->n == 4)
		return decode_as(l, e, ri, ri->res, c->p[2], c->len[2]);
	return decode_as(l, e, ri, ri->res, NULL, 0);
}

static int classify_velero(struct lay *l, size_t idx, struct ecls *e, const struct comps *c)
{
	const struct rinfo *ri;
	size_t base = 2;

	if (l->links && l->links[idx])
		return 0;
	if (!velero_match(c))
		return 0;
	if (!cis(c, 2, "namespaces") && !cis(c, 2, "cluster")) {
		/* per-version directory: only the preferred version, and only when
		 * the resource has no unversioned copy */
		static const char *const forms[] = { "/namespaces/", "/cluster/" };
		int upto = (int)(c->p[1] + c->len[1] - l->paths[idx]);
		char prefix[1024];
		size_t f;

		if (!ends(c->p[2], c->len[2], "-preferredversion"))
			return 0;
		for (f = 0; f < 2; f++) {
			int plen = snprintf(prefix, sizeof(prefix), "%.*s%s", upto, l->paths[idx],
					    forms[f]);
			if (plen < 0 || (size_t)plen >= sizeof(prefix) ||
			    has_prefix(l, prefix, (size_t)plen))
				return 0;
		}
		base = 3;
	}
	ri = rt_dotted(c->p[1], c->len[1]);
	if (cis(c, base, "namespaces"))
		return decode_as(l, e, ri, ri ? ri->res : -1, c->p[base + 1], c->len[base + 1]);
	return decode_as(l, e, ri, ri ? ri->res : -1, NULL, 0);
}

#define MARKER "kubectl-netpol-snapshot.json"

/* The `snapshot` verb's marker, next to cluster-resources/. */
static bool is_marker(const struct lay *l, const char *path)
{
	size_t parent = l->root_len - strlen("cluster-resources/");

	return strncmp(path, l->root, parent) == 0 && strcmp(path + parent, MARKER) == 0;
}

static int classify_all(struct lay *l)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < l->n && !rc; i++) {
		const char *path = l->paths[i];
		struct ecls *e = &l->cls[i];
		struct comps c;

		e->res = -1;
		if (l->kind == LAY_GENERIC) {
			e->action = lay_generic_ext(path) ? LA_DECODE : LA_SNIFF;
			continue;
		}
		if (l->kind == LAY_TROUBLESHOOT && is_marker(l, path)) {
			e->action = LA_AUX;
			e->aux = AUX_MARKER;
			continue;
		}
		if (strncmp(path, l->root, l->root_len) != 0)
			continue;
		split(path + l->root_len, &c);
		if (c.n == 0 || c.n > MAXC)
			continue;
		switch (l->kind) {
		case LAY_TROUBLESHOOT: rc = classify_ts(l, i, e, &c); break;
		case LAY_CIDUMP: rc = classify_dump(l, e, &c); break;
		case LAY_SONOBUOY: rc = classify_sonobuoy(l, e, &c); break;
		case LAY_VELERO: rc = classify_velero(l, i, e, &c); break;
		case LAY_GENERIC: break;
		}
	}
	return rc;
}

int lay_new(struct lay **out, struct np_model *m, const char *const *paths,
	    const unsigned char *links, size_t n)
{
	struct lay *l = calloc(1, sizeof(*l));
	size_t i;
	int rc = NP_ENOMEM;

	*out = NULL;
	if (!l)
		return NP_ENOMEM;
	l->m = m;
	l->paths = paths;
	l->links = links;
	l->n = n;
	l->sorted = malloc((n ? n : 1) * sizeof(*l->sorted));
	l->cls = calloc(n ? n : 1, sizeof(*l->cls));
	if (!l->sorted || !l->cls)
		goto out;
	if (n) {
		struct sortent *se = malloc(n * sizeof(*se));
		if (!se)
			goto out;
		for (i = 0; i < n; i++)
			se[i] = (struct sortent){ paths[i], i };
		qsort(se, n, sizeof(*se), cmp_sortent);
		for (i = 0; i < n; i++)
			l->sorted[i] = se[i].idx;
		free(se);
	}
	detect(l);
	if (!l->root)
		goto out;
	if ((rc = classify_all(l)))
		goto out;
	*out = l;
	return 0;
out:
	lay_free(l);
	return rc;
}

int lay_new_single(struct lay **out, struct np_model *m, enum lay_kind kind)
{
	int rc = lay_new(out, m, NULL, NULL, 0);

	if (rc)
		return rc;
	(*out)->kind = kind;
	(*out)->dump_nodes = true; /* the stdout form always starts with the NodeList */
	return 0;
}

void lay_free(struct lay *l)
{
	if (!l)
		return;
	free(l->sorted);
	free(l->root);
	free(l->cls);
	free(l->nsav.v);
	free(l->files.v);
	free(l->denied.v);
	free(l->nsdirs.v);
	free(l->marker.v);
	free(l);
}

enum lay_action lay_classify(struct lay *l, size_t idx, struct np_hint *hint)
{
	const struct ecls *e;

	memset(hint, 0, sizeof(*hint));
	hint->layout = lay_name(l->kind);
	hint->res = -1;
	if (idx >= l->n)
		return LA_SKIP;
	e = &l->cls[idx];
	hint->res = e->res; /* NOLINT(bugprone-signed-char-misuse,cert-str34-c): -1 or a resource */
	hint->namespace = e->ns;
	if (e->ri) {
		hint->default_kind = e->ri->kind;
		hint->default_api_version = e->ri->api_version;
	}
	return (enum lay_action)e->action;
}

/* ---- availability ---- */
static void set_whole(struct lay *l, int res, enum np_avail_state st, const char *reason,
		      const char *msg)
{
	if (res < 0 || res >= NP_RES__COUNT || l->whole[res].set)
		return;
	l->whole[res] = (struct whole){ true, st, reason, msg };
}

static int set_ns(struct lay *l, int res, const char *ns, enum np_avail_state st,
		  const char *reason, const char *msg)
{
	size_t i;

	if (res < 0 || res >= NP_RES__COUNT)
		return 0;
	for (i = 0; i < l->nsav.n; i++)
		if (l->nsav.v[i].res == res && l->nsav.v[i].ns == ns)
			return 0; /* the first problem recorded explains it */
	return VEC_PUSH(l->nsav, ((struct nsav){ res, ns, st, reason, msg }));
}

void lay_mark_objects(const struct np_model *m, struct lay_mark *mk)
{
	mk->namespaces = m->namespaces.n;
	mk->pods = m->pods.n;
	mk->netpols = m->netpols.n;
	mk->nodes = m->nodes.n;
	mk->configmaps = m->configmaps.n;
	mk->services = m->services.n;
	mk->ingresses = m->ingresses.n;
	mk->webhooks = m->webhooks.n;
	mk->workloads = m->workloads.n;
	mk->xpolicies = m->xpolicies.n;
}

static int workload_res(enum np_workload_kind k)
{
	switch (k) {
	case NP_WL_DEPLOYMENT: return NP_RES_DEPLOYMENTS;
	case NP_WL_STATEFULSET: return NP_RES_STATEFULSETS;
	case NP_WL_DAEMONSET: return NP_RES_DAEMONSETS;
	case NP_WL_REPLICASET: return NP_RES_REPLICASETS;
	case NP_WL_JOB: return NP_RES_JOBS;
	case NP_WL_CRONJOB: return NP_RES_CRONJOBS;
	default: return -1; /* not a resource the availability table tracks */
	}
}

void lay_note_objects(struct lay *l, const struct np_model *m, const struct lay_mark *mk)
{
	size_t i;
	enum np_resource xr;
	int r;

	if (!l)
		return;
	for (i = mk->namespaces; i < m->namespaces.n; i++)
		if (!m->namespaces.v[i].synthesized)
			l->supplied[NP_RES_NAMESPACES] = true;
	l->supplied[NP_RES_PODS] |= m->pods.n > mk->pods;
	l->supplied[NP_RES_NETWORKPOLICIES] |= m->netpols.n > mk->netpols;
	l->supplied[NP_RES_NODES] |= m->nodes.n > mk->nodes;
	l->supplied[NP_RES_CONFIGMAPS] |= m->configmaps.n > mk->configmaps;
	l->supplied[NP_RES_SERVICES] |= m->services.n > mk->services;
	l->supplied[NP_RES_INGRESSES] |= m->ingresses.n > mk->ingresses;
	l->supplied[NP_RES_WEBHOOKS] |= m->webhooks.n > mk->webhooks;
	for (i = mk->workloads; i < m->workloads.n; i++)
		if ((r = workload_res(m->workloads.v[i].wkind)) >= 0)
			l->supplied[r] = true;
	for (i = mk->xpolicies; i < m->xpolicies.n; i++)
		if (np_xpolicy_resource(m->xpolicies.v[i].xkind, &xr))
			l->supplied[xr] = true;
	l->generic_objects = true;
}

void lay_failed(struct lay *l, const struct np_hint *hint, const char *reason, const char *message)
{
	const char *r, *msg;

	if (!l || l->kind == LAY_GENERIC || hint->res < 0)
		return;
	r = np_model_str(l->m, reason);
	msg = message ? np_model_str(l->m, message) : NULL;
	if (hint->namespace)
		(void)set_ns(l, hint->res, np_model_str(l->m, hint->namespace), NP_AVAIL_UNREADABLE, r, msg);
	else
		set_whole(l, hint->res, NP_AVAIL_UNREADABLE, r, msg);
}

/* The namespace an API error names (`... in the namespace "X"`), interned, or NULL. */
static const char *api_message_namespace(struct lay *l, const char *msg)
{
	static const char marker[] = "in the namespace \"";
	const char *p = msg ? strstr(msg, marker) : NULL, *end;

	if (!p)
		return NULL;
	p += sizeof(marker) - 1;
	end = strchr(p, '"');
	if (!end || end == p || end - p > 253)
		return NULL;
	return np_model_strn(l->m, p, (size_t)(end - p));
}

/* True when every entry of a non-empty errors array names its namespace. */
static bool all_name_namespace(const json_t *arr)
{
	size_t i, n = json_array_size(arr);

	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		const char *p = s ? strstr(s, "in the namespace \"") : NULL;
		if (!p || !strchr(p + 18, '"') || strchr(p + 18, '"') == p + 18)
			return false;
	}
	return n > 0;
}

/* Flattens an errors file's JSON value into one message. */
static const char *json_message(struct lay *l, const json_t *v)
{
	char buf[1024];
	size_t len = 0, i;

	buf[0] = '\0';
	if (json_is_string(v))
		return np_model_str(l->m, json_string_value(v));
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			const char *s = json_string_value(json_array_get(v, i));
			int w;
			if (!s)
				continue;
			w = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? "; " : "", s);
			if (w < 0 || (size_t)w >= sizeof(buf) - len) {
				len = sizeof(buf) - 1;
				break;
			}
			len += (size_t)w;
		}
		return np_model_str(l->m, buf);
	}
	if (json_is_object(v)) {
		const char *key;
		const json_t *val;
		json_object_foreach((json_t *)v, key, val) {
			const char *s = json_string_value(val);
			int w = snprintf(buf + len, sizeof(buf) - len, "%s%s: %s", len ? "; " : "", key,
					 s ? s : "error");
			if (w < 0 || (size_t)w >= sizeof(buf) - len) {
				len = sizeof(buf) - 1;
				break;
			}
			len += (size_t)w;
		}
		return np_model_str(l->m, buf);
	}
	return NULL;
}

static const char *text_message(struct lay *l, const char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\r'))
		len--;
	if (len > 1000)
		len = 1000;
	return np_model_strn(l->m, buf, len);
}

static bool json_has_str(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		const char *v = json_string_value(json_array_get(arr, i));
		if (v && (strcmp(v, s) == 0 || strcmp(v, "*") == 0))
			return true;
	}
	return false;
}

/* SelfSubjectRulesReview rules as troubleshoot stores them. */
static bool cani_allows(const json_t *rules, const struct rinfo *ri)
{
	size_t i;

	for (i = 0; i < json_array_size(rules); i++) {
		const json_t *r = json_array_get(rules, i);
		const json_t *names = json_object_get(r, "resourceNames");
		if (json_array_size(names) > 0)
			continue;
		if (json_has_str(json_object_get(r, "verbs"), "list") &&
		    json_has_str(json_object_get(r, "apiGroups"), ri->group) &&
		    json_has_str(json_object_get(r, "resources"), ri->plural))
			return true;
	}
	return false;
}

static int sb_resource_of(const char *name)
{
	const char *u = strrchr(name, '_');
	size_t i;

	if (u)
		name = u + 1;
	for (i = 0; i < RTAB_N; i++)
		if (rtab[i].res >= 0 && (strcasecmp(name, rtab[i].plural) == 0 ||
					 (rtab[i].legacy && strcasecmp(name, rtab[i].legacy) == 0)))
			return rtab[i].res;
	return -1;
}

static int resource_by_name(const char *name, const char *group)
{
	int r;

	for (r = 0; name && r < NP_RES__COUNT; r++) {
		const char *rn = np_resource_name((enum np_resource)r);
		const char *rg = np_resource_group((enum np_resource)r);
		if (rn && strcmp(rn, name) == 0 && (!group || !rg || strcmp(rg, group) == 0))
			return r;
	}
	return -1;
}

static int read_marker(struct lay *l, const json_t *v, const char *source)
{
	const json_t *list = json_object_get(v, "availability");
	size_t i;

	if (!json_is_array(list)) {
		np_model_warn(l->m, NULL, NULL, "parseError", source,
			      "%s: no availability list", MARKER);
		return 0;
	}
	for (i = 0; i < json_array_size(list); i++) {
		const json_t *a = json_array_get(list, i);
		const char *st = json_string_value(json_object_get(a, "state"));
		const char *ns = json_string_value(json_object_get(a, "namespace"));
		const char *reason = json_string_value(json_object_get(a, "reason"));
		const char *msg = json_string_value(json_object_get(a, "message"));
		int res = resource_by_name(json_string_value(json_object_get(a, "resource")),
					   json_string_value(json_object_get(a, "apiGroup")));
		struct nsav e;

		if (res < 0 || !st)
			continue;
		e.res = res;
		e.ns = ns ? np_model_str(l->m, ns) : NULL;
		e.state = strcmp(st, "read") == 0 ? NP_AVAIL_READ :
			  strcmp(st, "notCollected") == 0 ? NP_AVAIL_NOT_COLLECTED : NP_AVAIL_UNREADABLE;
		e.reason = reason ? np_model_str(l->m, reason) : NULL;
		e.message = msg ? np_model_str(l->m, msg) : NULL;
		if (VEC_PUSH(l->marker, e))
			return NP_ENOMEM;
		if (!ns)
			l->marker_whole[res] = true;
	}
	return 0;
}

int lay_aux(struct lay *l, size_t idx, const char *buf, size_t len, const char *source)
{
	const struct ecls *e = &l->cls[idx];
	json_error_t jerr;
	json_t *v = json_loadb(buf, len, JSON_DECODE_ANY, &jerr);
	const char *reason = np_model_str(l->m, "collectorError");
	int rc = 0;
	size_t i;

	switch (e->aux) {
	case AUX_TS_ERRORS:
		if (e->ns) {
			rc = set_ns(l, e->res, e->ns, NP_AVAIL_UNREADABLE, reason,
				    v ? json_message(l, v) : text_message(l, buf, len));
		} else if (json_is_object(v) && rt_primary(e->res) && rt_primary(e->res)->namespaced) {
			/* troubleshoot's per-namespace collectors: {"<ns>": "<error>"} */
			const char *key;
			json_t *val;
			json_object_foreach(v, key, val) {
				const char *s = json_string_value(val);
				const char *ns = np_model_str(l->m, key);
				if (!ns) {
					rc = NP_ENOMEM;
					break;
				}
				if ((rc = set_ns(l, e->res, ns, NP_AVAIL_UNREADABLE, reason,
						 s ? np_model_str(l->m, s) : NULL)))
					break;
			}
		} else if (json_is_array(v) && rt_primary(e->res) && rt_primary(e->res)->namespaced &&
			   all_name_namespace(v)) {
			/* troubleshoot keeps the API's messages: each one that says
			 * `... in the namespace "X"` makes only X unreadable */
			for (i = 0; i < json_array_size(v) && !rc; i++) {
				const char *s = json_string_value(json_array_get(v, i));
				const char *ns = api_message_namespace(l, s);
				if (!ns) {
					rc = NP_ENOMEM;
					break;
				}
				rc = set_ns(l, e->res, ns, NP_AVAIL_UNREADABLE, reason, np_model_str(l->m, s));
			}
		} else if (!v || json_array_size(v) > 0 || !json_is_array(v)) {
			set_whole(l, e->res, NP_AVAIL_UNREADABLE, reason,
				  v ? json_message(l, v) : text_message(l, buf, len));
		}
		break;
	case AUX_TS_CANI:
		if (!json_is_array(v)) {
			np_model_warn(l->m, NULL, e->ns, "parseError", source,
				      "%s: not a list of RBAC rules", l->paths[idx]);
			break;
		}
		for (i = 0; i < RTAB_N && !rc; i++) {
			if (rtab[i].res < 0 || !rtab[i].namespaced || rt_primary(rtab[i].res) != &rtab[i])
				continue;
			if (!cani_allows(v, &rtab[i]))
				rc = VEC_PUSH(l->denied, ((struct resns){ rtab[i].res, e->ns }));
		}
		break;
	case AUX_SB_QUERIES:
		for (i = 0; i < json_array_size(v) && !rc; i++) {
			const json_t *q = json_array_get(v, i);
			const json_t *err = json_object_get(q, "error");
			const char *obj = json_string_value(json_object_get(q, "queryobj"));
			const char *ns = json_string_value(json_object_get(q, "namespace"));
			const char *msg;
			int res;

			if (!err || json_is_null(err) || !obj ||
			    (json_is_string(err) && !*json_string_value(err)))
				continue;
			if ((res = sb_resource_of(obj)) < 0)
				continue;
			msg = json_is_string(err) ? np_model_str(l->m, json_string_value(err))
						  : np_model_str(l->m, "sonobuoy query failed");
			if (ns && *ns)
				rc = set_ns(l, res, np_model_str(l->m, ns), NP_AVAIL_UNREADABLE, reason, msg);
			else
				set_whole(l, res, NP_AVAIL_UNREADABLE, reason, msg);
		}
		break;
	case AUX_MARKER:
		rc = read_marker(l, v, source);
		break;
	case AUX_SB_CONFIG: {
		const json_t *list = json_object_get(v, "Resources");
		if (json_array_size(list) == 0)
			break;
		l->sb_config = true;
		for (i = 0; i < json_array_size(list); i++) {
			const char *s = json_string_value(json_array_get(list, i));
			int res = s ? sb_resource_of(s) : -1;
			if (res >= 0)
				l->sb_configured[res] = true;
		}
		break;
	}
	default:
		break;
	}
	json_decref(v);
	return rc;
}

static bool crd_listed(const struct np_model *m, int res)
{
	size_t i, k;

	for (k = 0; k < RTAB_N; k++) {
		size_t plen, glen;
		if (rtab[k].res != res)
			continue;
		plen = strlen(rtab[k].plural);
		glen = strlen(rtab[k].group);
		for (i = 0; i < m->crd_names.n; i++) {
			const char *s = m->crd_names.v[i];
			if (s && strncmp(s, rtab[k].plural, plen) == 0 && s[plen] == '.' &&
			    strcmp(s + plen + 1, rtab[k].group) == 0 && glen)
				return true;
		}
	}
	return false;
}

static bool has_file(const struct lay *l, int res, const char *ns)
{
	size_t i;

	for (i = 0; i < l->files.n; i++)
		if (l->files.v[i].res == res && l->files.v[i].ns == ns)
			return true;
	return false;
}

static bool has_nsav(const struct lay *l, int res, const char *ns)
{
	size_t i;

	for (i = 0; i < l->nsav.n; i++)
		if (l->nsav.v[i].res == res && l->nsav.v[i].ns == ns)
			return true;
	return false;
}

static int synth_namespace(struct lay *l, const char *name, const char *source)
{
	struct np_namespace *ns;
	const char **kv;
	size_t i;

	for (i = 0; i < l->m->namespaces.n; i++)
		if (l->m->namespaces.v[i].name == name)
			return 0;
	kv = np_model_alloc(l->m, 2 * sizeof(*kv));
	if (!kv)
		return NP_ENOMEM;
	kv[0] = np_model_str(l->m, "kubernetes.io/metadata.name");
	kv[1] = name;
	ns = np_model_push_namespace(l->m);
	if (!ns || !kv[0])
		return NP_ENOMEM;
	ns->name = name;
	ns->labels.n = 1;
	ns->labels.keys = &kv[0];
	ns->labels.values = &kv[1];
	ns->synthesized = true;
	ns->loc.file = source;
	return 0;
}

static const char *not_collected_msg(struct lay *l, int res)
{
	const struct rinfo *ri = rt_primary(res);
	char buf[256];

	switch (l->kind) {
	case LAY_TROUBLESHOOT:
		if (is_xpolicy(res))
			snprintf(buf, sizeof(buf), "%scustom-resources/ is not in the bundle", l->root);
		else if (ri && ri->ts && ri->namespaced)
			snprintf(buf, sizeof(buf), "%s%s/ is not in the bundle", l->root, ri->ts);
		else if (ri && ri->ts)
			snprintf(buf, sizeof(buf), "%s%s.json is not in the bundle", l->root, ri->ts);
		else
			snprintf(buf, sizeof(buf), "troubleshoot does not collect %s", ri ? ri->plural : "it");
		break;
	case LAY_CIDUMP:
		snprintf(buf, sizeof(buf), "kubectl cluster-info dump does not collect %s",
			 ri ? ri->plural : "it");
		break;
	case LAY_SONOBUOY:
		if (res == NP_RES_NAMESPACES && !l->sb_config)
			snprintf(buf, sizeof(buf), "the sonobuoy results hold no namespaces file");
		else
			snprintf(buf, sizeof(buf), "%s are not among the sonobuoy query's resources",
				 ri ? ri->plural : "it");
		break;
	case LAY_VELERO:
		snprintf(buf, sizeof(buf), "Velero backups do not include %s", ri ? ri->plural : "it");
		break;
	case LAY_GENERIC:
		buf[0] = '\0';
		break;
	}
	return np_model_str(l->m, buf);
}

/* The layout's verdict on a whole resource before errors are applied. */
static enum np_avail_state base_state(struct lay *l, int res)
{
	switch (l->kind) {
	case LAY_TROUBLESHOOT:
		if (l->present[res])
			return NP_AVAIL_READ;
		if (is_xpolicy(res)) {
			if (l->ts_cr_dir || (l->ts_crd_file && !crd_listed(l->m, res)))
				return NP_AVAIL_READ;
		}
		return NP_AVAIL_NOT_COLLECTED;
	case LAY_CIDUMP:
		switch (res) {
		case NP_RES_PODS: case NP_RES_SERVICES: case NP_RES_DAEMONSETS:
		case NP_RES_DEPLOYMENTS: case NP_RES_REPLICASETS:
			return NP_AVAIL_READ;
		case NP_RES_NODES:
			return l->dump_nodes ? NP_AVAIL_READ : NP_AVAIL_NOT_COLLECTED;
		default:
			return NP_AVAIL_NOT_COLLECTED;
		}
	case LAY_SONOBUOY:
		if (l->sb_config && !l->sb_configured[res])
			return NP_AVAIL_NOT_COLLECTED;
		if (res == NP_RES_NAMESPACES && !l->sb_ns_file)
			return NP_AVAIL_NOT_COLLECTED;
		return NP_AVAIL_READ;
	case LAY_VELERO:
		return res == NP_RES_NODES ? NP_AVAIL_NOT_COLLECTED : NP_AVAIL_READ;
	case LAY_GENERIC:
		break;
	}
	return NP_AVAIL_READ;
}

int lay_finish(struct lay *l, const char *source)
{
	const char *src = np_model_str(l->m, source);
	const char *notc = np_model_str(l->m, "notCollected");
	const char *forbidden = np_model_str(l->m, "forbidden");
	size_t i;
	int res, rc = 0;

	if (!src || !notc || !forbidden)
		return NP_ENOMEM;
	if (l->kind == LAY_GENERIC) {
		/* a directory holding only archives is not itself a generic input */
		if (!l->generic_objects)
			return 0;
		l->m->has_generic_input = true;
	}
	for (i = 0; i < l->marker.n && !rc; i++) {
		const struct nsav *a = &l->marker.v[i];
		rc = np_model_set_avail(l->m, (enum np_resource)a->res, a->ns, a->state, a->reason,
					a->message, src);
	}
	for (res = 0; res < NP_RES__COUNT && !rc; res++) {
		const struct whole *w = &l->whole[res];
		if (l->marker_whole[res] && !w->set)
			continue;
		if (w->set && l->kind != LAY_GENERIC) {
			rc = np_model_set_avail(l->m, (enum np_resource)res, NULL, w->state, w->reason,
						w->message, src);
		} else if (l->kind == LAY_GENERIC && !l->supplied[res]) {
			rc = np_model_imply_read(l->m, (enum np_resource)res, src);
		} else if (base_state(l, res) == NP_AVAIL_READ) {
			rc = np_model_set_avail(l->m, (enum np_resource)res, NULL, NP_AVAIL_READ, NULL,
						NULL, src);
		} else {
			rc = np_model_set_avail(l->m, (enum np_resource)res, NULL, NP_AVAIL_NOT_COLLECTED,
						notc, not_collected_msg(l, res), src);
		}
	}
	if (l->kind == LAY_GENERIC)
		return rc;
	for (i = 0; i < l->nsav.n && !rc; i++) {
		const struct nsav *a = &l->nsav.v[i];
		rc = np_model_set_avail(l->m, (enum np_resource)a->res, a->ns, a->state, a->reason,
					a->message, src);
	}
	for (i = 0; i < l->denied.n && !rc; i++) {
		const struct resns *d = &l->denied.v[i];
		char msg[256];
		if (base_state(l, d->res) != NP_AVAIL_READ || l->whole[d->res].set ||
		    has_file(l, d->res, d->ns) || has_nsav(l, d->res, d->ns))
			continue;
		snprintf(msg, sizeof(msg), "auth-cani-list: no right to list %s in namespace %s",
			 rt_primary(d->res)->plural, d->ns);
		rc = np_model_set_avail(l->m, (enum np_resource)d->res, d->ns, NP_AVAIL_UNREADABLE,
					forbidden, np_model_str(l->m, msg), src);
	}
	if (l->kind == LAY_CIDUMP || (l->kind == LAY_SONOBUOY && !l->sb_ns_file))
		for (i = 0; i < l->nsdirs.n && !rc; i++)
			rc = synth_namespace(l, l->nsdirs.v[i], src);
	return rc;
}
