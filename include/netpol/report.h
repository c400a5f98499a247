/* The audit report: what controls produce and cmd/ prints (DESIGN §6.2).
 * All strings are owned by the report's arena (or are static/interned model
 * strings that outlive it); the report borrows from the model, which must
 * outlive it. */
#ifndef NETPOL_REPORT_H
#define NETPOL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/arena.h"
#include "netpol/model.h"

enum np_status { NP_ST_PASS, NP_ST_FAIL, NP_ST_WARN, NP_ST_MANUAL, NP_ST_ERROR, NP_ST_SKIP, NP_ST__COUNT };
const char *np_status_name(enum np_status s); /* "PASS" ... */

enum np_severity { NP_SEV_INFO, NP_SEV_LOW, NP_SEV_MEDIUM, NP_SEV_HIGH, NP_SEV_CRITICAL };
const char *np_severity_name(enum np_severity s); /* "low" ... */
/* Parses "none|low|medium|high|critical"; "none" gives -1. */
int np_severity_parse(const char *s, int *out);

struct np_suppression {
	const char *by;      /* "exception" or "baseline" */
	const char *reason;  /* may be NULL for baseline */
	const char *expires; /* YYYY-MM-DD or NULL */
};

struct np_finding {
	const char *kind, *api_group, *namespace, *name; /* the object (namespace NULL: cluster) */
	enum np_status level;      /* FAIL or WARN: what this finding contributes */
	const char *message;
	const char *remediation;   /* may be NULL */
	unsigned directions;       /* NP_DIR_* bits, for NP-103/201/204 */
	long long pods;            /* -1 = not applicable */
	bool is_template;
	bool system;
	struct np_suppression *suppressed; /* NULL = not suppressed */
	const char *fingerprint;   /* <id>/<apiGroup>/<kind>/<namespace>/<name>[/<detail>] */
	struct np_loc loc;         /* file NULL for live */
};

struct np_control_def {
	const char *id;            /* "NP-101" */
	const char *title;
	enum np_severity severity;
	enum np_severity kics_severity; /* severity under --semantics kics (same if not a KICS rule) */
	const char *references[6]; /* NULL-terminated */
	const char *group;         /* "1 CIS and platform controls" / "2 Hardening and hygiene" */
};

struct np_control_result {
	const struct np_control_def *def;
	enum np_status status;
	const char *summary;       /* one line */
	const char *remediation;   /* control-level; may hold a manifest */
	long long passing, evaluated; /* for "(38/41)"; evaluated < 0 = no counts */
	struct { struct np_finding *v; size_t n, cap; } findings;
	size_t suppressed;         /* findings suppressed by exceptions/baseline */
	size_t baseline;
};

struct np_cni_engine {
	const char *name;          /* "calico", "cilium", "flannel", ... */
	const char *enforces;      /* "yes", "no", "conditional", "unknown" */
	const char *condition;     /* NULL unless conditional/undecidable */
	size_t n_evidence;
	const char **evidence;
	size_t n_nodes_not_covered;
	const char **nodes_not_covered;
	struct np_objref evidence_obj; /* the decisive object */
	const char *evidence_ns;
	struct np_loc loc;
};

struct np_cluster_info {
	const char *provider;      /* "aws", "azure", "gce", ... or NULL */
	const char *platform;      /* "eks", "aks", "gke", ..., "unknown" */
	size_t n_evidence;
	const char **evidence;
	size_t n_cni;
	struct np_cni_engine *cni;
};

struct np_report {
	struct np_arena mem;
	const char *semantics;     /* "k8s" / "kics" */
	const char *fail_on;       /* "low" ... */
	const char *generated_at;  /* RFC 3339 UTC */
	struct np_cluster_info cluster;
	struct { struct np_control_result *v; size_t n, cap; } controls; /* sorted by id */
	struct { const char **v; size_t n, cap; } skipped_controls;
	struct { const char **v; size_t n, cap; } excluded_namespaces;
	/* summary */
	size_t namespaces, pods, pods_host_network, pods_template, policies;
	size_t pods_ingress_isolated, pods_egress_isolated, pods_isolatable;
	bool complete;
	size_t suppressed, baseline;
	/* per kind counts of non-NetworkPolicy policies */
	struct { const char **kinds; size_t *counts; size_t n; } policies_by_kind;
	/* warnings[] entries the audit adds (expired exceptions, input notes such as
	 * "kubectl get all omits NetworkPolicies"); cmd/ prints them with model->warnings. */
	struct { struct np_diag *v; size_t n, cap; } warnings;
	/* Verbose notes (-v): unused exceptions, controls not implemented yet. */
	struct { const char **v; size_t n, cap; } notes;
};

void np_report_init(struct np_report *r);
void np_report_release(struct np_report *r);
/* printf into the report's arena; NULL on ENOMEM. */
const char *np_report_strf(struct np_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct np_control_result *np_report_add_control(struct np_report *r, const struct np_control_def *def);
/* The new finding is zeroed except level = NP_ST_FAIL and pods = -1. The pointer
 * is valid until the next finding is added to the same control. */
struct np_finding *np_result_add_finding(struct np_report *r, struct np_control_result *c);
/* Appends to skippedControls / summary.excludedNamespaces (s borrowed: static,
 * interned or from np_report_strf). 0 or NP_ENOMEM. */
int np_report_add_skipped(struct np_report *r, const char *id);
int np_report_add_excluded_namespace(struct np_report *r, const char *ns);
/* Adds a report-level warnings[] entry / a verbose note (message copied). */
int np_report_warn(struct np_report *r, const char *resource, const char *ns, const char *reason,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int np_report_note(struct np_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* policiesByKind: counts one more policy of kind (borrowed), kept sorted by kind. */
int np_report_count_kind(struct np_report *r, const char *kind);
/* Sorts controls by id and findings by (namespace, kind, name) (stable), and fills
 * fingerprints that are NULL: <id>/<apiGroup>/<kind>/<namespace>/<name>, plus
 * /<directions> ("Ingress", "Egress", "Ingress,Egress") when directions is set. */
void np_report_finalize(struct np_report *r);

#endif
