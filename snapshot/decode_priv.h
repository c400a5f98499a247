/* Private to the decode*.c files: the per-object decoding context and the
 * helpers the kind decoders share (metadata, labels, selectors, issues). */
#ifndef NETPOL_SNAPSHOT_DECODE_PRIV_H
#define NETPOL_SNAPSHOT_DECODE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netpol/model.h"
#include "netpol/node.h"
#include "netpol/snapshot.h"

struct dctx {
	struct np_model *m;
	const char *file;   /* interned, may be NULL (live) */
	const char *member; /* interned, may be NULL */
	const struct np_hint *hint;
	const struct np_load_options *opt;
	struct np_error *err;
	bool oom;           /* an allocation failed: the caller returns NP_ENOMEM */
	bool quiet;         /* probing: dissue records nothing */
	bool yaml;          /* the buffer is YAML (block scalars start a line below their key) */
	/* The object being decoded. */
	const struct np_node *obj;
	const char *kind;        /* effective kind (the object's, or the list's) */
	const char *api_version; /* effective apiVersion, "" if none */
	const char *group;       /* API group of api_version ("" core); interned */
	/* NP-208 issues of the current NetworkPolicy (NULL elsewhere). */
	struct issue_buf *issues;
	size_t n_fail;           /* FAIL-level problems so far (rules use it to mark themselves invalid) */
};

struct issue_buf {
	struct np_issue *v;
	size_t n, cap;
};

/* Interning that records an allocation failure in the context. */
const char *dstr(struct dctx *c, const char *s);
const char *dstrn(struct dctx *c, const char *s, size_t n);
void *dalloc(struct dctx *c, size_t n, size_t size); /* zeroed array, overflow-checked */

/* String value, or NULL when absent, not a string, or holding a NUL
 * (\u0000 invalidates a value where read, DESIGN §8). */
const char *dtext(const struct np_node *n);
/* Scalar text of a string, int, bool or float node (interned), else NULL. */
const char *dscalar(struct dctx *c, const struct np_node *n);
/* Map/seq accessors that accept any node (NULL when the type differs). */
const struct np_node *dget(const struct np_node *map, const char *key);
size_t dseq_len(const struct np_node *n);
bool dbool(const struct np_node *n, bool dflt);
/* Integer value; false when the node is not an integer. */
bool dint(const struct np_node *n, long long *out);

/* Records a problem with the object being decoded: an NP-208 issue for
 * NetworkPolicies, else a model warning (reason "invalid"). */
void dissue(struct dctx *c, enum np_issue_level lvl, const struct np_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Location of the current object: name position and object start. */
void dloc(struct dctx *c, struct np_loc *loc);
/* metadata.name (or generateName, with loc->generated_name), interned; "" if neither. */
const char *dname(struct dctx *c, struct np_loc *loc);
/* Namespace after defaulting (hint, -n, "default"). */
const char *dnamespace(struct dctx *c);
const char *duid(struct dctx *c);
/* Builds sorted labels from a string map (non-string values: their text, with
 * an issue; a non-map: an issue and no labels). path names it in messages. */
void dlabels(struct dctx *c, const struct np_node *map, const char *path, struct np_labels *out);
/* The controller ownerReference of metadata.ownerReferences. */
bool downer(struct dctx *c, const struct np_node *meta, struct np_objref *out);

/* API group of an apiVersion ("apps/v1" -> "apps", "v1" -> ""). */
const char *dgroup_of(struct dctx *c, const char *api_version);

/* Label selector (metav1.LabelSelector) with NP-208 checks. path is used in
 * messages. node NULL = absent. Cilium key prefixes are stripped when
 * strip_cilium is set. */
void dselector(struct dctx *c, const struct np_node *node, const char *path, bool strip_cilium,
	       struct np_selector *out);

/* Hash of a subtree (keys, types and values), for identical-duplicate detection. */
uint64_t ddigest(const struct np_node *n, uint64_t seed);

/* Kind decoders: return 0 or NP_ENOMEM; content problems become issues/warnings. */
int decode_namespace(struct dctx *c);
int decode_pod(struct dctx *c);
int decode_workload(struct dctx *c, enum np_workload_kind wk);
int decode_node(struct dctx *c);
int decode_configmap(struct dctx *c);
int decode_crd(struct dctx *c);
int decode_cniinfo(struct dctx *c);
int decode_cluster_describe(struct dctx *c);
int decode_openshift_network(struct dctx *c);
/* A CNI config document (conflist / conf) read from a file. */
int decode_cniconf_doc(struct dctx *c, const struct np_node *doc);
int decode_netpol(struct dctx *c);
int decode_cilium(struct dctx *c, bool clusterwide);
int decode_calico(struct dctx *c, bool global, bool staged);
int decode_admin(struct dctx *c, enum np_xpolicy_kind xk);
/* decode_services.c (fix issue): Services, Ingresses, webhook configurations, APIServices. */
int decode_service(struct dctx *c);
int decode_ingress(struct dctx *c);
int decode_webhook_config(struct dctx *c, bool mutating);
int decode_apiservice(struct dctx *c);

#endif
