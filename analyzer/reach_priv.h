/* Private to analyzer/reach*.c: the engine's tables. reach_build.c fills
 * them (namespaces, classes, rules, externals, nodes); reach.c evaluates.
 * Owner: the reachability issue. */
#ifndef NETPOL_REACH_PRIV_H
#define NETPOL_REACH_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netpol/arena.h"
#include "netpol/coverage.h"
#include "netpol/reach.h"

#define DIR_IN 0
#define DIR_EG 1

struct rns {
	const char *name;
	const struct np_labels *labels;
	bool synthesized;
	size_t first_group, n_groups; /* pre-groups of this namespace (sorted by ns) */
};

/* A named-port profile: the (name, protocol, port) container ports of a class
 * whose name some policy uses. Profile 0 is the empty one. */
struct rprofile_entry {
	const char *name;
	enum np_proto proto;
	int port;
};
struct rprofile {
	size_t n;
	struct rprofile_entry *v;
};

/* One rule entry in a class's evaluation order. */
struct rentry {
	uint8_t tier;   /* enum np_reach_tier */
	uint8_t action; /* enum np_reach_action */
	uint32_t rule;  /* index into reach->rules */
};

struct rcdir {
	bool isolated;          /* a NetworkPolicy isolates the class in this direction */
	bool named;             /* an entry uses named ports (the destination's profile matters) */
	size_t n_entries;
	struct rentry *entries; /* Admin (by priority, name, rule), NetworkPolicy, Baseline */
	size_t n_iso;
	struct np_polref *iso;  /* the isolating NetworkPolicies */
};

struct rclass {
	size_t ns;              /* index into reach->ns; SIZE_MAX for the "any pod" class */
	size_t rep;             /* representative model pod; SIZE_MAX for the "any pod" class */
	bool host;              /* hostNetwork pods (not --hostnetwork=as-pods): an address only */
	bool any;               /* the "any pod in any namespace" class (--exposure) */
	size_t profile;
	size_t n_ips;
	struct np_ip *ips;      /* the representative's addresses (for ipBlock peers) */
	size_t n_pods;
	struct rcdir dir[2];
};

struct rpeer {
	uint64_t *bits;         /* classes matched (n_classes + 1 bits, "any" last); NULL = none */
	struct np_ipset ips;    /* external addresses matched */
};

struct rport {
	bool all;               /* every port of every protocol (no ports given) */
	enum np_proto proto;    /* NP_PROTO_INVALID with name: any protocol */
	int lo, hi;
	const char *name;       /* named port, resolved on the destination */
};

struct rrule {
	unsigned dir;           /* NP_DIR_* */
	struct np_polref ref;
	const char *kind, *namespace, *name; /* the policy */
	int index;              /* rule index within the direction */
	const char *rule_name;
	uint8_t action;         /* enum np_reach_action */
	bool all_peers;         /* no from/to (or a fail-closed rule): every peer */
	bool no_peers;          /* matches nothing (invalid rule) */
	bool named;             /* some port term is named */
	size_t n_peers;
	struct rpeer *peers;
	size_t n_ports;
	struct rport *ports;    /* n_ports == 0: all ports */
	struct np_connset numeric; /* the numeric terms together (all when n_ports == 0) */
};

/* A hash map from uint64 word strings to uint32 values (classes, profiles,
 * memoised decisions). Keys are copied into a pool as [length, words...]. */
struct rmap {
	uint64_t *pool;
	size_t pool_n, pool_cap;
	size_t *slot_off;       /* offset + 1 into pool; 0 = empty slot */
	uint32_t *slot_val;
	uint64_t *slot_hash;
	size_t cap, count;
};
void rmap_release(struct rmap *m);
/* 1 and *val when key is present, else 0. */
int rmap_get(const struct rmap *m, uint64_t seed, const uint64_t *key, size_t n, uint32_t *val);
/* Inserts key (absent) with val: 0 or NP_ENOMEM. */
int rmap_put(struct rmap *m, uint64_t seed, const uint64_t *key, size_t n, uint32_t val);
uint64_t rmap_hash(uint64_t seed, const uint64_t *key, size_t n);

/* Interned connection sets: id 0 = empty, 1 = all. Stored in fixed-size
 * chunks so a set's address never changes (callers keep pointers). */
#define RSETS_CHUNK 256
struct rsets {
	struct np_connset **chunks;
	size_t n, n_chunks;
	uint32_t *slot;         /* id + 1; 0 = empty */
	uint64_t *slot_hash;
	size_t slot_cap;
};

struct np_reach {
	const struct np_model *m;
	struct np_model view;   /* --hostnetwork=as-pods: the model with hostNetwork cleared */
	struct np_pod *view_pods;
	const struct np_model *mv; /* m or &view */
	struct np_reach_options opt;
	struct np_arena mem;
	uint64_t seed;
	struct np_coverage cov;

	size_t n_ns;
	struct rns *ns;
	size_t n_classes;       /* real classes; classes[n_classes] is the "any" class */
	struct rclass *classes;
	size_t *pod_class;      /* per model pod, SIZE_MAX = not part */
	size_t n_profiles;
	struct rprofile *profiles;

	size_t n_rules;
	struct rrule *rules;

	size_t n_nodes;
	struct np_reach_node *nodes;

	struct rsets sets;
	struct rmap memo;       /* (class, dir, profile, matched entries) -> set id */
	struct rmap pairs;      /* (egress id, ingress id) -> intersection id */

	size_t n_warnings, cap_warnings;
	const char **warnings;
	uint64_t *scratch;      /* the key of the decision being looked up */
	size_t scratch_cap;
};

/* reach_build.c */
int reach_build(struct np_reach *r, struct np_error *err);
/* printf into r->mem, deduplicated into r->warnings. */
void reach_warn(struct np_reach *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* reach.c */
int rsets_intern(struct rsets *t, uint64_t seed, const struct np_connset *c, uint32_t *id);
struct np_connset *rsets_get(const struct rsets *t, size_t id);
bool rpeer_matches_class(const struct rpeer *p, size_t cls);
/* Adds what rule terms open toward a destination with named-port profile
 * `profile` (SIZE_MAX: an address, where named ports resolve to nothing). */
int rrule_conns(const struct np_reach *r, const struct rrule *ru, size_t profile,
		struct np_connset *out);

#endif
