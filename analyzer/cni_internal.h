/* Private to analyzer/cni.c and analyzer/controls_platform.c: the detailed
 * platform and CNI detection (DESIGN §5.4) that np_cni_detect() summarises
 * into report->cluster and that NP-101 and NP-104..NP-106 judge.
 * Everything is allocated in the report's arena and borrows model strings. */
#ifndef NETPOL_ANALYZER_CNI_INTERNAL_H
#define NETPOL_ANALYZER_CNI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/report.h"

enum cni_enf { CNI_ENF_YES, CNI_ENF_NO, CNI_ENF_COND, CNI_ENF_UNKNOWN };

/* Where an engine was seen; decides whether it can cover nodes. */
enum cni_src {
	CNI_SRC_CONFIG,   /* ConfigMap, conflist, CNIInfo, an operator Deployment: no node presence */
	CNI_SRC_PLATFORM, /* cluster-level configuration (OpenShift Network CR): covers every node */
	CNI_SRC_NODE,     /* node labels/annotations: covers the nodes carrying them */
	CNI_SRC_WORKLOAD, /* a DaemonSet: covers the nodes its ready pods run on */
};

struct cni_strv {
	const char **v;
	size_t n, cap;
};

/* The object carrying the decisive evidence (a finding's subject). */
struct cni_obj {
	bool set;
	const char *kind, *api_group, *namespace, *name;
	struct np_loc loc;
};

/* Per-node coverage by one engine. */
enum { CNI_COV_NO = 0, CNI_COV_YES = 1, CNI_COV_UNKNOWN = 2 };

struct cni_eng {
	const char *name;
	enum cni_enf enf;
	const char *condition;    /* why it does not enforce, or what is undecidable */
	const char *fix;          /* concrete remediation when it does not enforce */
	struct cni_strv evidence;
	struct cni_obj obj;
	enum cni_src src;         /* strongest source seen */
	bool meta;                /* Multus: its delegate decides; neutral in verdicts */
	bool not_running;         /* its DaemonSet(s) have no ready pod */
	bool partial;             /* ready on some eligible nodes, which ones unknown */
	bool cm_missing;          /* the verdict depends on a ConfigMap not collected */
	unsigned char *cov;       /* model->nodes.n entries, CNI_COV_* (NULL: no nodes) */
	const struct np_workload *ds; /* main DaemonSet, if any */
	int obj_rank;             /* rank of the evidence that named obj */
	int enf_rank;             /* rank of the evidence that set enf (0: none yet) */
};

struct cni_result {
	struct np_report *r;
	const struct np_model *m;
	int err;                  /* NP_ENOMEM once an allocation failed */
	const char *provider;     /* providerID scheme, or NULL */
	const char *platform;     /* "eks", ..., "unknown" */
	const char *cluster_platform; /* the same from cluster evidence only (not Terraform
				       * resources): the in-cluster rules of NP-104..106 */
	struct cni_strv platform_evidence;
	struct cni_obj platform_obj;
	bool cluster_state;       /* Nodes are in the input: per-node rules apply */
	size_t n_eng, cap_eng;
	struct cni_eng *eng;      /* sorted by name after cni_analyze() */
};

/* Runs the whole detection. Returns 0 or NP_ENOMEM. */
int cni_analyze(struct cni_result *out, struct np_report *r, const struct np_model *m);

/* Engine by name, or NULL. */
struct cni_eng *cni_find(struct cni_result *res, const char *name);
const char *cni_enf_name(enum cni_enf e);
/* The concrete fix for a platform without an enforcing engine. Static string. */
const char *cni_platform_fix(const char *platform);

/* Small shared helpers. */
bool cni_node_is_windows(const struct np_node_obj *n);
bool cni_node_is_fargate(const struct np_node_obj *n);
/* "--flag=value" / "--flag" among a container's args: the value ("" for a
 * bare flag), or NULL when absent. Last occurrence wins, as in pflag. */
const char *cni_flag(const struct np_container *c, const char *flag);
/* Go strconv.ParseBool; a bare flag ("") is true. -1 when not a boolean. */
int cni_parse_bool(const char *v);
/* ConfigMap (ns may be NULL: any namespace) and one of its kept keys. */
const struct np_configmap *cni_configmap(const struct np_model *m, const char *ns, const char *name);
const char *cni_cm_value(const struct np_configmap *cm, const char *key, int *line);
/* A Terraform (or ClusterDescribe) attribute by path, or NULL. */
const struct np_tf_attr *cni_tf_attr(const struct np_tf_resource *t, const char *path);
/* Is the resource readable in ns (NULL: the whole resource)? reason/message out. */
bool cni_avail_read(const struct np_model *m, enum np_resource res, const char *ns,
		    const char **reason, const char **message);

#endif
