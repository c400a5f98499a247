/* Pod-to-policy coverage (DESIGN §4): which policies select each pod, per
 * direction, and whether it is isolated. The matrix verb and NP-103 both
 * come from here. */
#ifndef NETPOL_COVERAGE_H
#define NETPOL_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/scope.h"

/* A reference to a policy: index into model->netpols (xpolicy=false) or model->xpolicies. */
struct np_polref {
	bool xpolicy;
	size_t index;
};

struct np_pod_coverage {
	bool in_scope;          /* namespace not excluded; counted pod or counted template */
	bool ingress_isolated, egress_isolated;
	bool undecidable;       /* a selector could not be evaluated (Calico syntax, synthesised ns) */
	size_t n_ingress, n_egress;
	struct np_polref *ingress, *egress; /* selecting policies isolating that direction */
	/* Additions (analyzer): --semantics kics (NP-103, KICS 0401f71b): a
	 * matching NetworkPolicy has neither ingress nor egress. */
	bool kics_flagged;
	size_t kics_policy;     /* index into model->netpols of the first such policy */
	unsigned undecidable_dirs; /* NP_DIR_* bits an unevaluable policy might isolate */
};

struct np_policy_coverage {
	size_t selected;        /* counted, non-hostNetwork pods (incl. templates) selected */
	size_t selected_host_network;
	size_t selected_terminated;
	/* Addition (analyzer): idle templates (cluster workloads scaled to zero)
	 * selected, outside `selected` unless --include-idle-workloads; NP-202 counts them. */
	size_t selected_idle;
	bool undecidable;       /* the selection could not be evaluated (Calico syntax, synthesised ns) */
};

struct np_coverage {
	size_t n_pods;                      /* == model->pods.n */
	struct np_pod_coverage *pods;
	size_t n_netpols;
	struct np_policy_coverage *netpols; /* per model->netpols */
	size_t n_xpolicies;
	struct np_policy_coverage *xpolicies;
	struct np_arena mem;
};

/* Builds coverage for every pod of m (in_scope per scope). Caller owns *out
 * contents (release with np_coverage_release). */
int np_coverage_build(struct np_coverage *out, const struct np_model *m,
		      const struct np_scope *scope, bool kics, struct np_error *err);
void np_coverage_release(struct np_coverage *c);

/* True when pod p is a subject policies can select (counted, not hostNetwork). */
bool np_pod_isolatable(const struct np_pod *p, bool include_idle);

/* Additions (analyzer): */
/* Counted: phase not Succeeded/Failed (DESIGN §4). */
bool np_pod_counted(const struct np_pod *p);
/* Effective policyTypes (NP_DIR_* bits): as written when given, else Ingress plus
 * Egress iff the policy has an egress rule (API server defaulting, DESIGN §4). */
unsigned np_netpol_effective_types(const struct np_netpol *p);
/* Directions an ANP/BANP/CNP, Cilium or Calico policy isolates for the pods it
 * selects: ANP/BANP/CNP only through Deny-all rules (denies_all), others `isolates`. */
unsigned np_xpolicy_isolation(const struct np_xpolicy *x);
/* Whether a cluster-scoped policy's subject covers a namespace with these labels:
 * 1, 0, or -1 when undecidable (a synthesised namespace and a selector on another
 * label than kubernetes.io/metadata.name; a Calico selector that does not parse). */
int np_xpolicy_selects_namespace(const struct np_xpolicy *x, const struct np_labels *labels,
				 bool synthesized);

#endif
