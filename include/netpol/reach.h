/* Reachability (DESIGN §2 reach/explain --from, §4, §6.2, §7): which
 * connections the policies allow between workloads and external address
 * ranges. Three layers:
 *   - connection sets: sorted disjoint port intervals per protocol;
 *   - IP sets: disjoint 128-bit intervals (IPv4 as IPv4-mapped IPv6);
 *   - the engine: pods grouped into equivalence classes (same namespace,
 *     selector-match signature, named ports, hostNetwork, ipBlock intervals
 *     of their IPs), the tiers evaluated class x class per direction (Admin:
 *     ANP and CNP tier Admin; NetworkPolicy; Baseline: BANP and CNP tier
 *     Baseline; else allow), workloads and external intervals on top.
 * Pure logic on the model: never prints. Owner: the reachability issue. */
#ifndef NETPOL_REACH_H
#define NETPOL_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netpol/coverage.h"
#include "netpol/error.h"
#include "netpol/model.h"

/* ---- connection sets (analyzer/connset.c) ---- */

#define NP_PORT_MIN 1
#define NP_PORT_MAX 65535
#define NP_N_PROTOS 3 /* TCP, UDP, SCTP: the enum np_proto values below NP_PROTO_INVALID */

struct np_portrange {
	int lo, hi; /* inclusive, NP_PORT_MIN..NP_PORT_MAX */
};

/* Allowed ports per protocol: for each protocol a sorted list of disjoint,
 * non-adjacent ranges. Zero-initialised (or np_connset_init) = empty.
 * Operations return 0 or NP_ENOMEM; on NP_ENOMEM the set is unchanged or
 * holds a subset of the intended result, and must still be released. */
struct np_connset {
	size_t n[NP_N_PROTOS];
	size_t cap[NP_N_PROTOS];
	struct np_portrange *r[NP_N_PROTOS];
};

void np_connset_init(struct np_connset *c);
void np_connset_release(struct np_connset *c);
void np_connset_clear(struct np_connset *c);
/* Every port of every protocol. */
int np_connset_set_all(struct np_connset *c);
/* Adds ports lo..hi of protocol p (clamped to 1..65535; empty if lo > hi). */
int np_connset_add(struct np_connset *c, enum np_proto p, int lo, int hi);
int np_connset_add_proto(struct np_connset *c, enum np_proto p); /* all ports of p */
int np_connset_copy(struct np_connset *dst, const struct np_connset *src);
int np_connset_union(struct np_connset *c, const struct np_connset *o);
int np_connset_intersect(struct np_connset *c, const struct np_connset *o);
int np_connset_subtract(struct np_connset *c, const struct np_connset *o);
bool np_connset_is_empty(const struct np_connset *c);
bool np_connset_is_all(const struct np_connset *c);
bool np_connset_equal(const struct np_connset *a, const struct np_connset *b);
bool np_connset_contains(const struct np_connset *c, enum np_proto p, int port);
uint64_t np_connset_hash(const struct np_connset *c, uint64_t seed);
/* np-guard's text: "All Connections", "No Connections", or comma-joined
 * groups "PROTO ports" sorted by protocol name (SCTP, TCP, UDP), ports as
 * merged "N" / "A-B" items ("SCTP 1-9002,9004-65535,TCP 80"). Writes at most
 * len bytes (NUL included) and returns the full length, like snprintf. */
size_t np_connset_format(const struct np_connset *c, char *buf, size_t len);
/* Parses a PORT argument (DESIGN §2.3): "N", "PROTO/N", "PROTO/N-M" (tcp,
 * udp, sctp, case-insensitive; default tcp). A port name is not parsed here:
 * returns NP_ENOTFOUND with *name_out = text when text is a valid port name,
 * NP_EUSAGE with a message otherwise. */
int np_connset_parse_port(struct np_connset *out, const char *text, const char **name_out,
			  struct np_error *err);

/* ---- IP sets (analyzer/ipset.c) ---- */

/* An address as a 128-bit number; IPv4 a.b.c.d is ::ffff:a.b.c.d. */
struct np_ip {
	uint64_t hi, lo;
};
struct np_iprange {
	struct np_ip lo, hi; /* inclusive */
};
/* Sorted, disjoint, non-adjacent ranges. Zero-initialised = empty. */
struct np_ipset {
	size_t n, cap;
	struct np_iprange *v;
};

int np_ip_cmp(const struct np_ip *a, const struct np_ip *b);
bool np_ip_is_v4(const struct np_ip *ip);
/* An address ("10.0.0.1", "fd00::1", "::ffff:10.0.0.1"): 0 or NP_EINVAL. */
int np_ip_parse(struct np_ip *out, const char *s);
/* A CIDR ("10.0.0.0/8"; host bits masked, DESIGN §4) or a bare address
 * (a /32 or /128): 0 or NP_EINVAL. v4_out (may be NULL) tells the family. */
int np_cidr_parse(struct np_iprange *out, bool *v4_out, const char *s);
/* Dotted quad for IPv4-mapped addresses, RFC 5952 text otherwise. */
void np_ip_format(const struct np_ip *ip, char *buf, size_t len);
/* "a-b" with np_ip_format on both ends. */
void np_iprange_format(const struct np_iprange *r, char *buf, size_t len);
/* The CIDRs exactly covering r, in order, written "a/n" into out[] (up to
 * max entries of NP_CIDR_TEXT bytes); returns how many there are. */
#define NP_CIDR_TEXT 64
size_t np_iprange_cidrs(const struct np_iprange *r, char (*out)[NP_CIDR_TEXT], size_t max);

void np_ipset_init(struct np_ipset *s);
void np_ipset_release(struct np_ipset *s);
int np_ipset_add(struct np_ipset *s, const struct np_iprange *r);
int np_ipset_subtract(struct np_ipset *s, const struct np_iprange *r);
int np_ipset_union(struct np_ipset *s, const struct np_ipset *o);
bool np_ipset_contains(const struct np_ipset *s, const struct np_ip *ip);
/* Every address of r is in s. */
bool np_ipset_covers(const struct np_ipset *s, const struct np_iprange *r);
/* Some address of r is in s. */
bool np_ipset_overlaps(const struct np_ipset *s, const struct np_iprange *r);
/* An ipBlock: cidr minus every except (an unparsable except is skipped and
 * counted in *bad when bad is not NULL). NP_EINVAL when cidr does not parse. */
int np_ipset_from_ipblock(struct np_ipset *out, const struct np_ipblock *b, size_t *bad);

/* The whole IPv4 space and the IPv6 space outside ::ffff:0:0/96. */
void np_iprange_all_v4(struct np_iprange *out);
size_t np_iprange_all_v6(struct np_iprange out[2]);

/* ---- the engine (analyzer/reach.c) ---- */

struct np_reach_options {
	/* --hostnetwork=as-pods: hostNetwork pods are ordinary pods (np-guard's
	 * choice); default: only their IP, matched by ipBlocks (DESIGN §4). */
	bool hostnetwork_as_pods;
	/* ipBlocks (and ANP/CNP networks) match pod IPs; false = np-guard's
	 * choice (--ipblock-matches-pods=false). */
	bool ipblock_matches_pods;
	/* Idle workload templates take part (--include-idle-workloads). */
	bool include_idle;
	/* Extra cut points (CIDRs or addresses, e.g. from --from/--to) so that
	 * those ranges become external nodes of their own, in both directions. */
	size_t n_cuts;
	const char *const *cuts;
};
/* ipblock_matches_pods = true, the rest off. */
void np_reach_options_default(struct np_reach_options *o);

enum np_reach_node_kind { NP_REACH_WORKLOAD, NP_REACH_EXTERNAL };

/* A node of the output graph: a workload (pods grouped by direct controller,
 * the template's workload, or the pod itself: DESIGN §4) or an external
 * address interval. */
struct np_reach_node {
	enum np_reach_node_kind kind;
	const char *namespace;   /* workload only */
	const char *name;        /* workload only */
	const char *wkind;       /* "Deployment", "ReplicaSet", "Pod", ... */
	const char *api_group;   /* workload only ("" core) */
	struct np_iprange range; /* external only */
	const char *label;       /* "ns/name[Kind]" or "a-b[External]" */
	bool as_src, as_dst;     /* externals: cut by ingress (src) / egress (dst) rules */
	bool host_network;       /* a workload of hostNetwork pods */
	size_t n_pods;
	size_t n_classes;
	const size_t *classes;   /* class ids of its pods */
	const size_t *pods;      /* model pod indices (n_pods) */
};

/* A decision step for explain: one matching rule (or default) and the
 * connections it decided for the pair. */
enum np_reach_tier { NP_TIER_ADMIN, NP_TIER_NETPOL, NP_TIER_BASELINE, NP_TIER_DEFAULT };
enum np_reach_action { NP_ACT_ALLOW, NP_ACT_DENY, NP_ACT_PASS };

struct np_reach_step {
	enum np_reach_tier tier;
	enum np_reach_action action;
	bool is_policy;              /* false: the default of the tier (isolation / allow all) */
	struct np_polref ref;        /* the policy (when is_policy) */
	const char *kind, *namespace, *name; /* of the policy */
	int rule;                    /* index in the direction's rules, -1 = none */
	const char *rule_name;       /* ANP/CNP rule name, else NULL */
	int peer;                    /* matching peer index, -1 = all peers */
	int port;                    /* first contributing port term, -1 = all ports */
	struct np_connset conns;     /* what the step decided (owned by the verdict) */
};

struct np_reach_verdict {
	unsigned dir;                /* NP_DIR_INGRESS or NP_DIR_EGRESS */
	bool applies;                /* false: the subject is external or hostNetwork (no policy applies) */
	bool isolated;               /* a NetworkPolicy isolates the subject in dir */
	size_t n_isolating;          /* NetworkPolicies selecting the subject for dir */
	struct np_polref *isolating;
	struct np_connset allowed;
	size_t n_steps;
	struct np_reach_step *steps;
};
void np_reach_verdict_release(struct np_reach_verdict *v);

struct np_reach;

/* Builds classes, rules and nodes for m (which must outlive it). Warnings
 * (undecidable selectors on synthesised namespaces, redacted IPs, workloads
 * whose pods behave differently, equal admin priorities) are collected and
 * listed by np_reach_warnings. 0 or NP_ENOMEM / NP_EINVAL with err set. */
int np_reach_new(struct np_reach **out, const struct np_model *m,
		 const struct np_reach_options *opt, struct np_error *err);
void np_reach_free(struct np_reach *r);

/* Nodes sorted by label (bytewise). */
size_t np_reach_n_nodes(const struct np_reach *r);
const struct np_reach_node *np_reach_node(const struct np_reach *r, size_t i);
size_t np_reach_n_classes(const struct np_reach *r);
/* Class of model pod i, or SIZE_MAX when it takes no part (terminated, idle). */
size_t np_reach_class_of_pod(const struct np_reach *r, size_t pod);

/* Allowed connections from node src to node dst (src != dst, not both
 * external; for a workload with pods in several classes: the union).
 * *out is interned in r (valid until np_reach_free; equal sets are the same
 * pointer). 0 or NP_ENOMEM. */
int np_reach_pair(struct np_reach *r, size_t src, size_t dst, const struct np_connset **out);
/* The id of a set np_reach_pair, np_reach_from_any or np_reach_egress
 * returned (SIZE_MAX for any other set): equal ids are equal sets, so callers
 * can cache per id. */
size_t np_reach_set_id(const struct np_reach *r, const struct np_connset *c);

/* What "any pod in any namespace" (a pod with no labels in a namespace with
 * only its name label, not in the input) may open to node dst: the ingress
 * exposure of --exposure. */
int np_reach_from_any(struct np_reach *r, size_t dst, const struct np_connset **out);

/* What class cls may send by its own egress policies (the destination's
 * ingress left aside) to class dst_class, or, dst_class SIZE_MAX, to the
 * external node dst_ext. *out borrowed from r. 0, NP_EINVAL or NP_ENOMEM. */
int np_reach_egress(struct np_reach *r, size_t cls, size_t dst_class, size_t dst_ext,
		    const struct np_connset **out);

/* The external node holding address range x in the given direction's list
 * (as_src or as_dst), or SIZE_MAX. */
size_t np_reach_find_external(const struct np_reach *r, const struct np_iprange *x, bool as_src);

/* explain --from: the two directions of traffic from a source to a pod class,
 * with the deciding steps. src_class SIZE_MAX means the source is the
 * external node src_ext. egress: at the source (applies only for a pod);
 * ingress: at dst_class. Verdicts are owned by the caller
 * (np_reach_verdict_release), except their `isolating` arrays, borrowed
 * from r. NP_EINVAL for a bad class or node. */
int np_reach_explain(struct np_reach *r, size_t src_class, size_t src_ext, size_t dst_class,
		     struct np_reach_verdict *egress, struct np_reach_verdict *ingress);

/* Warnings gathered while building (messages owned by r). */
size_t np_reach_n_warnings(const struct np_reach *r);
const char *np_reach_warning(const struct np_reach *r, size_t i);

/* Resolves a named port on the pods of a class: the ports named name (any
 * protocol) as a connection set added to out. */
int np_reach_named_port(const struct np_reach *r, size_t cls, const char *name,
			struct np_connset *out);

#endif
