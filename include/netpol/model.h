/* The typed cluster model: what the analyzer needs and no more (DESIGN §4).
 * Every string in the model is interned in model->strings (pointer-equal when
 * equal) and lives as long as the model. Arrays are owned by the model.
 * snapshot/ fills it; analyzer/ only reads it (and builds its own indexes). */
#ifndef NETPOL_MODEL_H
#define NETPOL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netpol/intern.h"
#include "netpol/error.h"

/* Where an object (or an attribute of it) was read. file/member NULL for live. */
struct np_loc {
	const char *file;   /* as given on the command line or walked */
	const char *member; /* path inside an archive, else NULL */
	int line, column;   /* of metadata.name (or the most specific node) */
	int object_line;    /* where the object starts */
	/* Added by the decoder for np_model_finish (DESIGN §3.1 Duplicates): */
	bool generated_name; /* only metadata.generateName was written: never merged */
	uint64_t digest;     /* hash of the object as read (0 = unknown): identical copies drop silently */
};

struct np_labels {
	size_t n;
	const char **keys;   /* sorted by strcmp, unique */
	const char **values;
};
/* Value for key, or NULL. Works with interned or plain key strings. */
const char *np_labels_get(const struct np_labels *l, const char *key);

enum np_proto { NP_PROTO_TCP = 0, NP_PROTO_UDP = 1, NP_PROTO_SCTP = 2, NP_PROTO_INVALID = 3 };
const char *np_proto_name(enum np_proto p);

enum np_dir { NP_DIR_INGRESS = 1, NP_DIR_EGRESS = 2 };

/* ---- label selectors (metav1.LabelSelector) ---- */
enum np_sel_op { NP_SEL_IN, NP_SEL_NOTIN, NP_SEL_EXISTS, NP_SEL_DOESNOTEXIST, NP_SEL_BADOP };

struct np_sel_expr {
	const char *key;
	enum np_sel_op op;
	const char *op_text; /* as written, for messages */
	size_t n_values;
	const char **values;
	int line;
};

struct np_selector {
	bool present;  /* the key was in the document (absent and {} both match all) */
	bool invalid;  /* fails closed: selects nothing (NP-208 reports why) */
	size_t n_labels;
	const char **label_keys; /* matchLabels, in document order */
	const char **label_values;
	size_t n_exprs;
	struct np_sel_expr *exprs;
	int line, column;
};
/* True when the selector has no requirement at all (absent, {}, empty lists). */
bool np_selector_is_empty(const struct np_selector *s);

/* ---- objects ---- */
struct np_objref {
	const char *kind;      /* "Deployment" */
	const char *api_group; /* "" for core, "apps", ... */
	const char *name;
	const char *uid;       /* may be NULL */
};

struct np_namespace {
	const char *name;
	struct np_labels labels; /* always includes kubernetes.io/metadata.name */
	bool synthesized;        /* referenced by objects, no Namespace object in input */
	struct np_loc loc;
};

struct np_container_port {
	const char *name; /* NULL if unnamed */
	int port;
	enum np_proto proto;
	int host_port;
};

struct np_container {
	const char *name;
	const char *image;
	size_t n_args;
	const char **args;     /* command + args, in order */
	size_t n_env;
	const char **env_names; /* only kept for DaemonSets/Deployments in CNI detection */
	const char **env_values;
	size_t n_ports;
	struct np_container_port *ports;
};

struct np_pod {
	const char *namespace;
	const char *name;
	const char *uid;
	struct np_labels labels;
	const char *phase;  /* NULL if absent */
	bool host_network;
	bool terminated;    /* phase Succeeded or Failed: not counted */
	bool is_template;   /* synthesised from a workload template (DESIGN §4) */
	bool idle;          /* template of a cluster workload (has uid): only NP-202/203 unless --include-idle-workloads */
	const char *node_name;
	size_t n_ips;
	const char **ips;   /* status.podIPs / podIP, as written ("***HIDDEN***" kept) */
	size_t n_ports;
	struct np_container_port *ports; /* all containers' ports */
	bool has_owner;
	struct np_objref owner;   /* direct controller ownerReference */
	/* Filled by np_model_finish(): */
	struct np_objref top;     /* top owner workload, or the pod itself (kind "Pod") */
	bool top_inferred;        /* Deployment implied by pod-template-hash */
	struct np_loc loc;
};

enum np_workload_kind {
	NP_WL_DEPLOYMENT, NP_WL_STATEFULSET, NP_WL_DAEMONSET, NP_WL_REPLICASET,
	NP_WL_REPLICATIONCONTROLLER, NP_WL_JOB, NP_WL_CRONJOB, NP_WL_ROLLOUT,
	NP_WL_DEPLOYMENTCONFIG,
};

struct np_workload {
	enum np_workload_kind wkind;
	const char *kind;      /* "Deployment" */
	const char *api_group; /* "apps" */
	const char *namespace;
	const char *name;
	const char *uid;       /* NULL for manifests */
	struct np_labels labels;          /* metadata.labels */
	struct np_labels template_labels; /* spec.template.metadata.labels (CronJob: jobTemplate...) */
	bool host_network;
	size_t n_containers;   /* template containers (initContainers included) */
	struct np_container *containers;
	bool has_owner;
	struct np_objref owner; /* controller ownerReference */
	long long desired, ready; /* DaemonSet: desiredNumberScheduled/numberReady; else replicas/readyReplicas; -1 = unknown */
	struct np_loc loc;
};

struct np_node_obj {
	const char *name;
	struct np_labels labels;
	struct np_labels annotations; /* only the prefixes CNI/platform detection reads */
	const char *provider_id;
	const char *os;       /* kubernetes.io/os label or status.nodeInfo.operatingSystem */
	const char *kubelet_version;
	size_t n_ips;
	const char **ips;     /* InternalIP addresses */
	struct np_loc loc;
};

/* ConfigMaps keep only the keys CNI detection needs (never other data). */
struct np_configmap {
	const char *namespace;
	const char *name;
	size_t n;
	const char **keys;
	const char **values;
	int *key_lines;  /* line of each kept key */
	struct np_loc loc;
};

/* A raw CNI config (conflist / conf file, or found in a ConfigMap). */
struct np_cniconf {
	const char *name;
	bool has_cni_version;      /* top-level cniVersion present and non-null */
	bool is_list;              /* has "plugins" */
	size_t n_types;
	const char **types;        /* plugins[].type (or top-level type) */
	int *type_lines;
	const char *configmap_ns;  /* NULL for files */
	const char *configmap_name;
	const char *configmap_key;
	/* Not a CNI config file but CNI evidence from an object: "CNIInfo" (Kubescape
	 * host data; types = data.CNINames lower-cased) or "Network" (OpenShift
	 * operator.openshift.io / config.openshift.io; types[0] = the network type as
	 * written, types[1] = "mode:<openshiftSDNConfig.mode>" when given). NULL for
	 * conflists and ConfigMap keys. */
	const char *object_kind;
	bool repaired;             /* JSON became valid only after unquoted __PLACEHOLDER__
				    * tokens were replaced (calico's __CNI_MTU__); kics: invalid */
	struct np_loc loc;
};

/* ---- NetworkPolicy (networking.k8s.io/v1, extensions/v1beta1) ---- */
struct np_ipblock {
	const char *cidr;
	size_t n_except;
	const char **except;
};

struct np_peer {
	bool has_pod_sel, has_ns_sel;
	struct np_selector pod_sel;
	struct np_selector ns_sel;
	struct np_ipblock *ipblock; /* NULL if none */
	int line, column;
};

struct np_port {
	enum np_proto proto;
	bool has_port;
	int port;               /* numeric port, when not named */
	const char *port_name;  /* named port, else NULL */
	bool has_end_port;
	int end_port;
	int line, column;
};

struct np_rule {
	bool peers_present;  /* from/to key present with >= 1 entry (absent or [] = all peers) */
	size_t n_peers;
	struct np_peer *peers;
	bool ports_present;  /* ports with >= 1 entry (absent or [] = all ports) */
	size_t n_ports;
	struct np_port *ports;
	bool invalid;        /* NP-208 problem inside the rule: it allows nothing (fail closed) */
	int line, column;
};

/* An API-validation problem found while decoding (NP-208). */
enum np_issue_level { NP_ISSUE_FAIL, NP_ISSUE_WARN };
struct np_issue {
	enum np_issue_level level;
	const char *message; /* interned; "spec.ingress[0].ports[0].endPort: below port" */
	int line, column;
};

/* How policyTypes appeared, for --semantics kics. */
enum np_raw_presence { NP_RAW_ABSENT, NP_RAW_NULL, NP_RAW_ARRAY, NP_RAW_OTHER };

struct np_netpol {
	const char *namespace;
	const char *name;
	const char *api_version;     /* "networking.k8s.io/v1" */
	bool namespace_explicit;     /* metadata.namespace was written (kics: missing = default, null is not) */
	bool namespace_null;
	bool spec_present;
	struct np_selector pod_selector;
	enum np_raw_presence types_raw;
	unsigned types_written;      /* NP_DIR_* bits as written (valid entries only) */
	unsigned types_written_ci;   /* case-insensitive membership, for kics */
	unsigned types_effective;    /* after API defaulting (DESIGN §4) */
	bool ingress_present, egress_present; /* key present (even []) */
	size_t n_ingress, n_egress;
	struct np_rule *ingress, *egress;
	size_t n_issues;
	struct np_issue *issues;
	struct np_loc loc;
	int types_line;              /* line of policyTypes, 0 if absent */
};

/* ---- other policy kinds: coverage-level view ---- */

/* ANP/BANP/CNP rules, as reach evaluates them (additive, reachability issue). */
enum np_xaction {
	NP_XACT_ALLOW,   /* ANP/BANP Allow, CNP Accept */
	NP_XACT_DENY,
	NP_XACT_PASS,    /* ANP Pass, CNP Pass (in the Baseline tier: allow) */
	NP_XACT_INVALID, /* missing or unknown action: the rule is ignored */
};

enum np_xpeer_kind {
	NP_XPEER_NAMESPACES, /* namespaces: LabelSelector (all pods of matching namespaces) */
	NP_XPEER_PODS,       /* pods: {namespaceSelector, podSelector} */
	NP_XPEER_NODES,      /* nodes: LabelSelector (node IPs) */
	NP_XPEER_NETWORKS,   /* networks: [CIDR] */
	NP_XPEER_UNKNOWN,    /* no known field: fails closed (DESIGN §4 invalid objects) */
};

struct np_xpeer {
	enum np_xpeer_kind kind;
	struct np_selector ns_sel;  /* NAMESPACES, PODS */
	struct np_selector sel;     /* PODS: podSelector; NODES: the node selector */
	size_t n_networks;
	const char **networks;      /* NETWORKS: CIDRs as written */
	int line, column;
};

struct np_xport {
	enum np_proto proto;   /* NP_PROTO_INVALID with port_name: any protocol */
	bool all_ports;        /* every port of proto (CNP tcp: {} without destinationPort) */
	int port, end_port;    /* numeric range (end_port == port for one port) */
	const char *port_name; /* named port (ANP namedPort, CNP destinationNamedPort), else NULL */
	int line, column;
};

struct np_xrule {
	const char *name;          /* may be NULL */
	enum np_xaction action;
	size_t n_peers;
	struct np_xpeer *peers;    /* from / to */
	bool ports_present;        /* ports / protocols given with >= 1 entry */
	size_t n_ports;
	struct np_xport *ports;
	bool invalid;              /* a port or peer could not be read: Allow matches nothing,
				    * Deny/Pass match everything (fail closed) */
	int line, column;
};
enum np_xpolicy_kind {
	NP_XP_CILIUM_NP,       /* cilium.io CiliumNetworkPolicy (namespaced) */
	NP_XP_CILIUM_CCNP,     /* cilium.io CiliumClusterwideNetworkPolicy */
	NP_XP_CALICO_NP,       /* projectcalico.org NetworkPolicy (namespaced) */
	NP_XP_CALICO_GNP,      /* projectcalico.org GlobalNetworkPolicy */
	NP_XP_ANP,             /* policy.networking.k8s.io AdminNetworkPolicy */
	NP_XP_BANP,            /* policy.networking.k8s.io BaselineAdminNetworkPolicy */
	NP_XP_CNP,             /* policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy */
};

struct np_xpolicy {
	enum np_xpolicy_kind xkind;
	const char *kind;
	const char *api_group;
	const char *api_version;
	const char *namespace;       /* NULL when cluster-scoped */
	const char *name;
	bool ignored;                /* staged, knp./kanp. mirror, host-endpoint only: never counts */
	/* Subject selection. Cilium: endpointSelector (namespace from
	 * k8s:io.kubernetes.pod.namespace when present); ANP/BANP/CNP:
	 * subject.namespaces or subject.pods. Calico: selector expression text. */
	bool subject_all_namespaces; /* cluster-scoped: selects pods in every namespace */
	struct np_selector subject_ns;  /* cluster-scoped namespace selection */
	struct np_selector subject_pods;
	const char *calico_selector;    /* Calico: raw selector, NULL = all() */
	const char *calico_ns_selector; /* Calico GNP namespaceSelector, NULL = all */
	unsigned isolates;           /* NP_DIR_* bits the object isolates (ANP/BANP/CNP: == denies_all) */
	unsigned denies_all;         /* ANP/BANP/CNP: a Deny rule matching all peers, per direction */
	long long priority;          /* ANP/CNP priority; -1 if none */
	const char *tier;            /* CNP: "Admin" / "Baseline" */
	int spec_index;              /* Cilium `specs[i]`: one record per spec (same name); else 0 */
	struct np_loc loc;
	/* Addition (reachability): ANP/BANP/CNP rules in order; empty for other kinds. */
	size_t n_ingress, n_egress;
	struct np_xrule *ingress, *egress;
};

/* ---- availability of each resource (DESIGN §3.1) ---- */
enum np_resource {
	NP_RES_PODS, NP_RES_NAMESPACES, NP_RES_NETWORKPOLICIES, NP_RES_NODES,
	NP_RES_DAEMONSETS, NP_RES_DEPLOYMENTS, NP_RES_REPLICASETS, NP_RES_STATEFULSETS,
	NP_RES_JOBS, NP_RES_CRONJOBS, NP_RES_CONFIGMAPS, NP_RES_SERVICES, NP_RES_INGRESSES,
	NP_RES_WEBHOOKS, NP_RES_APISERVICES, NP_RES_CRDS,
	NP_RES_CILIUM_NP, NP_RES_CILIUM_CCNP, NP_RES_CALICO_NP, NP_RES_CALICO_GNP,
	NP_RES_ANP, NP_RES_BANP, NP_RES_CNP,
	NP_RES__COUNT
};
/* "pods", "networkpolicies", ... and the API group ("" core). */
const char *np_resource_name(enum np_resource r);
const char *np_resource_group(enum np_resource r);
/* True for the kinds some control cannot do without (DESIGN §5.1: namespaces,
 * NetworkPolicies, the policy CRD kinds, pods, nodes, DaemonSets): missing,
 * they make controls ERROR and are listed in errors[]. The others (workloads,
 * ConfigMaps, Services, Ingresses, webhooks, ...) only refine results:
 * missing, they are listed in warnings[]. */
bool np_resource_is_essential(enum np_resource r);
/* The resource a policy kind is listed as; false for an unknown kind. */
bool np_xpolicy_resource(enum np_xpolicy_kind k, enum np_resource *out);

enum np_avail_state { NP_AVAIL_READ, NP_AVAIL_NOT_COLLECTED, NP_AVAIL_UNREADABLE };

struct np_avail {
	enum np_resource res;
	const char *namespace; /* NULL = the whole resource (all namespaces / cluster-scoped) */
	enum np_avail_state state;
	const char *reason;    /* "notCollected", "collectorError", "forbidden", "parseError", ... */
	const char *message;
	const char *source;    /* input path or "live" */
	/* A manifest input's read: plain manifests are taken as the whole state,
	 * but cannot vouch for what a collected input (a bundle, a dump, live)
	 * says it did not collect or could not read. Any entry that is not
	 * implied replaces an implied one; an implied one never replaces. */
	bool implied;
};

/* warnings[] / errors[] entries of the report (DESIGN §6.2). */
struct np_diag {
	const char *resource;  /* may be NULL */
	const char *api_group;
	const char *namespace;
	const char *reason;
	const char *message;
	const char *source;
};

struct np_input {
	const char *path;       /* as given; "-" for stdin */
	char sha256[65];        /* hex of the bytes read */
	const char *layout;     /* "generic", "troubleshoot", "cluster-info-dump", "sonobuoy", "velero", "terraform" */
};

/* Terraform resources relevant to NP-104..106 (filled by snapshot/terraform.c;
 * Kubescape's ClusterDescribe reuses them). */
/* How a Terraform value was written; 0 (string) for records built without it. */
enum np_tf_type {
	NP_TF_T_STRING, NP_TF_T_BOOL, NP_TF_T_NUMBER, NP_TF_T_NULL,
	NP_TF_T_LIST, NP_TF_T_OBJECT, /* a block, or an attribute with an object value */
	NP_TF_T_UNRESOLVED,
};
struct np_tf_attr {
	const char *path;     /* "network_profile.network_policy"; one entry per occurrence
			       * (a repeated block gives several, in document order) */
	const char *value;    /* literal text ("azure", "true", "3"), or NULL if unresolved,
			       * null, a list or a block */
	bool unresolved;
	bool is_null;
	int line, column;     /* of the attribute or block name */
	/* Added by the Terraform reader: */
	enum np_tf_type vtype;
	const char *expr;     /* unresolved: the expression as written ("var.policy",
			       * "dynamic \"network_profile\"", "(known after apply)"), else NULL */
	const char *ref;      /* unresolved reference to a resource or module call:
			       * "aws_eks_cluster.this", "module.eks"; else NULL */
	bool dynamic;         /* a `dynamic` block stands for this block */
};
struct np_tf_resource {
	const char *type;     /* "azurerm_kubernetes_cluster"; "module" for a module call */
	const char *name;     /* resource name (plan/state: with its index, "this[0]") */
	size_t n_attrs;
	struct np_tf_attr *attrs;
	size_t n_blocks_network_profile; /* count of repeated blocks where it matters */
	struct np_loc loc;
	/* Added by the Terraform reader: */
	const char *module;   /* the module instance it belongs to: the directory of its
			       * .tf/.tf.json file ("archive.tgz:dir" in archives), or
			       * "<file>#<module address>" for plan/state ("" address = root) */
	const char *format;   /* "hcl", "json" (.tf.json), "plan" or "state" */
	const char *calls;    /* type "module": the module a local source calls, in the form of
			       * module; NULL for registry, git or unresolved sources */
};

/* ---- Services, Ingresses, admission webhooks and APIServices (addition,
 * fix issue): what `fix` and the remediations need to keep traffic working
 * (DESIGN §5.5). Only the fields below are kept. ---- */
enum np_service_type { NP_SVC_CLUSTERIP, NP_SVC_NODEPORT, NP_SVC_LOADBALANCER, NP_SVC_EXTERNALNAME };

struct np_service_port {
	const char *name;        /* spec.ports[].name, NULL if unnamed */
	int port;                /* the Service port */
	int target_port;         /* numeric targetPort (defaults to port); 0 when named */
	const char *target_name; /* named targetPort (a container port name), else NULL */
	enum np_proto proto;     /* default TCP */
	int node_port;           /* 0 if none */
};

struct np_service {
	const char *namespace;
	const char *name;
	enum np_service_type type;
	bool has_selector;       /* spec.selector with >= 1 label; else Endpoints are kept by hand */
	struct np_labels selector; /* sorted; matches pods of the Service's namespace (matchLabels) */
	const char *cluster_ip;  /* spec.clusterIP as written ("None" = headless), NULL if absent */
	size_t n_ports;
	struct np_service_port *ports;
	struct np_loc loc;
};

struct np_ingress_backend {
	const char *service;     /* backend Service name, in the Ingress's namespace */
	int port;                /* service port number, 0 when named or absent */
	const char *port_name;   /* service port name, else NULL */
};

struct np_ingress {
	const char *namespace;
	const char *name;
	const char *class_name;  /* spec.ingressClassName or the kubernetes.io/ingress.class
				  * annotation, else NULL */
	size_t n_backends;       /* defaultBackend and every rule path, duplicates dropped */
	struct np_ingress_backend *backends;
	struct np_loc loc;
};

enum np_webhook_kind { NP_WH_VALIDATING, NP_WH_MUTATING, NP_WH_APISERVICE };

/* One record per webhook (webhooks[] entry) or APIService served by an
 * in-cluster Service; URL webhooks and local APIServices are not kept. */
struct np_webhook {
	enum np_webhook_kind wkind;
	const char *kind;              /* "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService" */
	const char *name;              /* the configuration's / APIService's name */
	const char *webhook;           /* webhooks[].name, NULL for an APIService */
	const char *service_namespace; /* clientConfig.service / spec.service */
	const char *service_name;
	int port;                      /* service port, default 443 */
	struct np_loc loc;
};

#define NP_VEC(T) struct { T *v; size_t n, cap; }

struct np_model {
	struct np_intern strings;
	NP_VEC(struct np_namespace) namespaces;
	NP_VEC(struct np_pod) pods;           /* real pods, then template pods after np_model_finish */
	NP_VEC(struct np_workload) workloads;
	NP_VEC(struct np_node_obj) nodes;
	NP_VEC(struct np_configmap) configmaps;
	NP_VEC(struct np_cniconf) cniconfs;
	NP_VEC(struct np_netpol) netpols;
	NP_VEC(struct np_xpolicy) xpolicies;
	NP_VEC(struct np_tf_resource) tf_resources;
	NP_VEC(struct np_avail) avail;
	NP_VEC(struct np_diag) warnings;
	NP_VEC(struct np_diag) errors;
	NP_VEC(struct np_diag) notes;         /* verbose notes (-v): duplicates replaced, ... */
	NP_VEC(struct np_input) inputs;
	NP_VEC(const char *) crd_names;       /* plural.group of CRDs seen */
	/* Addition (fix issue): */
	NP_VEC(struct np_service) services;
	NP_VEC(struct np_ingress) ingresses;
	NP_VEC(struct np_webhook) webhooks;
	size_t n_objects;         /* recognised objects read (0 => exit 2 "no recognised object") */
	size_t n_k8s_objects;     /* Kubernetes objects among them */
	bool has_generic_input;   /* any input had the generic layout */
	bool kics;                /* --semantics kics: objects never merge */
	const char *server;       /* live: server URL, else NULL */
	const char *context;
	/* Block allocations for arrays hanging off records (labels, rules, ...). */
	struct np_arena mem;
};

/* Lifecycle. */
void np_model_init(struct np_model *m);
void np_model_release(struct np_model *m);

/* Model-owned memory for record arrays; zeroed. NULL on ENOMEM. */
void *np_model_alloc(struct np_model *m, size_t size);
const char *np_model_str(struct np_model *m, const char *s);              /* intern */
const char *np_model_strn(struct np_model *m, const char *s, size_t len); /* intern */

/* Appends a zeroed record and returns it (NULL on ENOMEM). The pointer is
 * valid until the next push to the same vector. */
struct np_namespace *np_model_push_namespace(struct np_model *m);
struct np_pod *np_model_push_pod(struct np_model *m);
struct np_workload *np_model_push_workload(struct np_model *m);
struct np_node_obj *np_model_push_node(struct np_model *m);
struct np_configmap *np_model_push_configmap(struct np_model *m);
struct np_cniconf *np_model_push_cniconf(struct np_model *m);
struct np_netpol *np_model_push_netpol(struct np_model *m);
struct np_xpolicy *np_model_push_xpolicy(struct np_model *m);
struct np_tf_resource *np_model_push_tf_resource(struct np_model *m);
struct np_input *np_model_push_input(struct np_model *m);
/* Additions (fix issue). */
struct np_service *np_model_push_service(struct np_model *m);
struct np_ingress *np_model_push_ingress(struct np_model *m);
struct np_webhook *np_model_push_webhook(struct np_model *m);
/* Addition (performance issue): a savepoint of everything decoding appends
 * (records, warnings, notes, object counts), so the streaming decoder can
 * drop what a document added when it turns out to need another reading.
 * np_model_rollback only undoes appends made after np_model_mark. */
struct np_model_mark {
	size_t n[24];
	size_t n_objects, n_k8s_objects;
};
void np_model_mark(const struct np_model *m, struct np_model_mark *mk);
void np_model_rollback(struct np_model *m, const struct np_model_mark *mk);
/* Records availability; "read" by any input wins over the others (DESIGN §3.1). */
int np_model_set_avail(struct np_model *m, enum np_resource res, const char *ns,
		       enum np_avail_state st, const char *reason, const char *message,
		       const char *source);
/* Records that a manifest input read res (see struct np_avail.implied):
 * only where no input has said anything about res yet. */
int np_model_imply_read(struct np_model *m, enum np_resource res, const char *source);
/* Effective state of (res, ns): the namespace entry, else the whole-resource
 * entry, else NP_AVAIL_READ when nothing was recorded. reason/message out
 * params may be NULL. */
enum np_avail_state np_model_avail(const struct np_model *m, enum np_resource res, const char *ns,
				   const char **reason, const char **message);

int np_model_warn(struct np_model *m, const char *resource, const char *ns, const char *reason,
		  const char *source, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int np_model_errorf(struct np_model *m, const char *resource, const char *ns, const char *reason,
		    const char *source, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A verbose note (printed with -v only), e.g. a duplicate object replaced. */
int np_model_note(struct np_model *m, const char *resource, const char *ns, const char *reason,
		  const char *source, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* After all inputs are read: drops duplicate objects (later wins, unless kics),
 * synthesises namespaces, sorts labels, resolves top owners and adds template
 * pods (DESIGN §4). default_ns fills objects lacking a namespace was already
 * applied by the decoder. */
int np_model_finish(struct np_model *m, struct np_error *err);

/* Lookups after np_model_finish (linear or indexed; borrowed pointers). */
const struct np_namespace *np_model_find_namespace(const struct np_model *m, const char *name);
/* Addition (fix issue): the Service ns/name, or NULL (linear). */
const struct np_service *np_model_find_service(const struct np_model *m, const char *ns,
					       const char *name);

#endif
