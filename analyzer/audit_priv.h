/* Helpers shared by audit.c and the control files (analyzer-internal; not part
 * of the public contract). Everything returned is borrowed from the model or
 * allocated in the report's arena. */
#ifndef NETPOL_AUDIT_PRIV_H
#define NETPOL_AUDIT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "netpol/audit.h"

#define RES_BIT(r) (1ULL << (unsigned)(r))

/* Policy CRD kinds: needed by NP-102/201/103/202-207 where they exist (DESIGN §5.1). */
#define RES_POLICY_CRDS                                                                   \
	(RES_BIT(NP_RES_CILIUM_NP) | RES_BIT(NP_RES_CILIUM_CCNP) | RES_BIT(NP_RES_CALICO_NP) | \
	 RES_BIT(NP_RES_CALICO_GNP) | RES_BIT(NP_RES_ANP) | RES_BIT(NP_RES_BANP) |             \
	 RES_BIT(NP_RES_CNP))
#define RES_NS_POLICIES (RES_BIT(NP_RES_NAMESPACES) | RES_BIT(NP_RES_NETWORKPOLICIES) | RES_POLICY_CRDS)
#define RES_POD_CONTROLS (RES_NS_POLICIES | RES_BIT(NP_RES_PODS))

/* The namespace is in the run's scope. */
bool audit_ns_in_scope(const struct np_audit_ctx *ctx, const char *ns);
/* Every namespaced resource of `needs` was read for ns: controls skip
 * namespaces where it was not (the control is ERROR then, DESIGN §5.1). */
bool audit_ns_readable(const struct np_audit_ctx *ctx, const char *ns, unsigned long long needs);

/* Adds a finding with the object and location filled (loc may be NULL).
 * NULL on ENOMEM. */
struct np_finding *audit_add_finding(struct np_audit_ctx *ctx, struct np_control_result *res,
				     enum np_status level, const char *kind, const char *api_group,
				     const char *ns, const char *name, const struct np_loc *loc);

/* "ingress", "egress", "ingress and egress" ("or" with or_word). */
const char *audit_dirs_words(unsigned dirs, bool or_word);
/* Counted, non-template pods of ns (hostNetwork included). */
size_t audit_ns_pods(const struct np_audit_ctx *ctx, const char *ns);
/* API group of a NetworkPolicy from its apiVersion. */
const char *audit_netpol_group(const struct np_netpol *p);
/* The workload record (kind, ns, name), or NULL. */
const struct np_workload *audit_find_workload(const struct np_audit_ctx *ctx, const char *kind,
					      const char *ns, const char *name);
/* The lowest-index isolatable pod of ns (templates, idle ones too), or SIZE_MAX. */
size_t audit_ns_first_pod(const struct np_audit_ctx *ctx, const char *ns);

/* A ready NetworkPolicy manifest denying `dirs` in ns, with DNS egress to the
 * cluster DNS whenever egress is denied; for system namespaces (DESIGN §5.5)
 * the extra allows and a review banner. control names the asking control. */
const char *audit_default_deny(struct np_audit_ctx *ctx, const char *ns, unsigned dirs,
			       const char *control);

/* The cluster-scoped policy's pod selection is structurally empty. */
bool audit_xpolicy_all_pods(const struct np_xpolicy *x);
/* An egress rule that only opens DNS ports (53/5353, or ports named dns/dns-tcp). */
bool audit_rule_dns_only(const struct np_rule *r);

#endif
