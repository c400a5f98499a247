/* Reachability evaluation (DESIGN §4 Admin tiers, NetworkPolicy, Baseline).
 * For a subject class, a direction and a peer, the rules of the subject's
 * evaluation order that match the peer decide: Admin rules by priority and
 * rule order (the first match decides a connection, Pass hands it on), then
 * NetworkPolicy (final when the class is isolated: the union of matching
 * rules), then Baseline rules, else allow. Decisions depend only on which
 * entries match (and, with named ports, the destination's ports), so they
 * are memoised on that and computed once per distinct case. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reach_priv.h"

/* ---- rmap ---- */

uint64_t rmap_hash(uint64_t seed, const uint64_t *key, size_t n)
{
	uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (n + 1));
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= key[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 32);
}

void rmap_release(struct rmap *m)
{
	if (!m)
		return;
	free(m->pool);
	free(m->slot_off);
	free(m->slot_val);
	free(m->slot_hash);
	memset(m, 0, sizeof(*m));
}

static bool key_eq(const struct rmap *m, size_t off, const uint64_t *key, size_t n)
{
	return m->pool[off] == n && (n == 0 || memcmp(&m->pool[off + 1], key, n * sizeof(*key)) == 0);
}

int rmap_get(const struct rmap *m, uint64_t seed, const uint64_t *key, size_t n, uint32_t *val)
{
	uint64_t h;
	size_t i;

	if (!m->cap)
		return 0;
	h = rmap_hash(seed, key, n);
	for (i = h & (m->cap - 1); m->slot_off[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->slot_hash[i] == h && key_eq(m, m->slot_off[i] - 1, key, n)) {
			*val = m->slot_val[i];
			return 1;
		}
	}
	return 0;
}

static int rmap_rehash(struct rmap *m, size_t ncap)
{
	size_t *off = calloc(ncap, sizeof(*off));
	uint32_t *val = calloc(ncap, sizeof(*val));
	uint64_t *hash = calloc(ncap, sizeof(*hash));
	size_t i, j;

	if (!off || !val || !hash) {
		free(off);
		free(val);
		free(hash);
		return NP_ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->slot_off[i])
			continue;
		for (j = m->slot_hash[i] & (ncap - 1); off[j]; j = (j + 1) & (ncap - 1))
			;
		off[j] = m->slot_off[i];
		val[j] = m->slot_val[i];
		hash[j] = m->slot_hash[i];
	}
	free(m->slot_off);
	free(m->slot_val);
	free(m->slot_hash);
	m->slot_off = off;
	m->slot_val = val;
	m->slot_hash = hash;
	m->cap = ncap;
	return 0;
}

int rmap_put(struct rmap *m, uint64_t seed, const uint64_t *key, size_t n, uint32_t val)
{
	uint64_t h = rmap_hash(seed, key, n);
	size_t i;

	if ((m->count + 1) * 2 > m->cap && rmap_rehash(m, m->cap ? m->cap * 2 : 256) < 0)
		return NP_ENOMEM;
	if (m->pool_n + n + 1 > m->pool_cap) {
		size_t ncap = m->pool_cap ? m->pool_cap : 1024;
		uint64_t *np;

		while (ncap < m->pool_n + n + 1) {
			if (ncap > SIZE_MAX / 2 / sizeof(*np))
				return NP_ENOMEM;
			ncap *= 2;
		}
		np = realloc(m->pool, ncap * sizeof(*np));
		if (!np)
			return NP_ENOMEM;
		m->pool = np;
		m->pool_cap = ncap;
	}
	m->pool[m->pool_n] = n;
	if (n)
		memcpy(&m->pool[m->pool_n + 1], key, n * sizeof(*key));
	for (i = h & (m->cap - 1); m->slot_off[i]; i = (i + 1) & (m->cap - 1))
		;
	m->slot_off[i] = m->pool_n + 1;
	m->slot_val[i] = val;
	m->slot_hash[i] = h;
	m->pool_n += n + 1;
	m->count++;
	return 0;
}

/* ---- interned connection sets ---- */

static void rsets_release(struct rsets *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		np_connset_release(rsets_get(t, i));
	for (i = 0; i < t->n_chunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->slot);
	free(t->slot_hash);
	memset(t, 0, sizeof(*t));
}

static int rsets_grow_slots(struct rsets *t)
{
	size_t ncap = t->slot_cap ? t->slot_cap * 2 : 64, i, j;
	uint32_t *slot = calloc(ncap, sizeof(*slot));
	uint64_t *hash = calloc(ncap, sizeof(*hash));

	if (!slot || !hash) {
		free(slot);
		free(hash);
		return NP_ENOMEM;
	}
	for (i = 0; i < t->slot_cap; i++) {
		if (!t->slot[i])
			continue;
		for (j = t->slot_hash[i] & (ncap - 1); slot[j]; j = (j + 1) & (ncap - 1))
			;
		slot[j] = t->slot[i];
		hash[j] = t->slot_hash[i];
	}
	free(t->slot);
	free(t->slot_hash);
	t->slot = slot;
	t->slot_hash = hash;
	t->slot_cap = ncap;
	return 0;
}

struct np_connset *rsets_get(const struct rsets *t, size_t id)
{
	return &t->chunks[id / RSETS_CHUNK][id % RSETS_CHUNK];
}

int rsets_intern(struct rsets *t, uint64_t seed, const struct np_connset *c, uint32_t *id)
{
	uint64_t h = np_connset_hash(c, seed);
	struct np_connset *slot;
	size_t i;

	if (t->slot_cap) {
		for (i = h & (t->slot_cap - 1); t->slot[i]; i = (i + 1) & (t->slot_cap - 1)) {
			if (t->slot_hash[i] == h && np_connset_equal(rsets_get(t, t->slot[i] - 1), c)) {
				*id = t->slot[i] - 1;
				return 0;
			}
		}
	}
	if ((t->n + 1) * 2 > t->slot_cap && rsets_grow_slots(t) < 0)
		return NP_ENOMEM;
	if (t->n >= UINT32_MAX - 1)
		return NP_ENOMEM;
	if (t->n == t->n_chunks * RSETS_CHUNK) {
		struct np_connset **nc = realloc(t->chunks, (t->n_chunks + 1) * sizeof(*nc));

		if (!nc)
			return NP_ENOMEM;
		t->chunks = nc;
		t->chunks[t->n_chunks] = calloc(RSETS_CHUNK, sizeof(**nc));
		if (!t->chunks[t->n_chunks])
			return NP_ENOMEM;
		t->n_chunks++;
	}
	slot = rsets_get(t, t->n);
	np_connset_init(slot);
	if (np_connset_copy(slot, c) < 0) {
		np_connset_release(slot);
		return NP_ENOMEM;
	}
	for (i = h & (t->slot_cap - 1); t->slot[i]; i = (i + 1) & (t->slot_cap - 1))
		;
	t->slot[i] = (uint32_t)(t->n + 1);
	t->slot_hash[i] = h;
	*id = (uint32_t)t->n++;
	return 0;
}

#define ID_EMPTY 0u
#define ID_ALL 1u

/* ---- matching and rule connections ---- */

/* A peer of a decision: a class, or an external interval. */
struct peerref {
	size_t cls;                  /* SIZE_MAX for an external interval */
	const struct np_iprange *ext;
};

bool rpeer_matches_class(const struct rpeer *p, size_t cls)
{
	return p->bits && ((p->bits[cls / 64] >> (cls % 64)) & 1);
}

static bool peer_matches(const struct rpeer *p, const struct peerref *y)
{
	if (y->cls != SIZE_MAX)
		return rpeer_matches_class(p, y->cls);
	return np_ipset_covers(&p->ips, y->ext);
}

/* Whether the rule applies to peer y; *which = matching peer index, -1 = all. */
static bool rule_matches(const struct rrule *ru, const struct peerref *y, int *which)
{
	size_t k;

	if (ru->no_peers)
		return false;
	if (ru->all_peers) {
		if (which)
			*which = -1;
		return true;
	}
	for (k = 0; k < ru->n_peers; k++) {
		if (peer_matches(&ru->peers[k], y)) {
			if (which)
				*which = (int)k;
			return true;
		}
	}
	return false;
}

static int add_named(const struct np_reach *r, const struct rport *t, size_t profile,
		     struct np_connset *out)
{
	const struct rprofile *pr;
	size_t i;

	if (profile == SIZE_MAX || profile >= r->n_profiles)
		return 0;
	pr = &r->profiles[profile];
	for (i = 0; i < pr->n; i++) {
		const struct rprofile_entry *e = &pr->v[i];

		if (e->name != t->name && strcmp(e->name, t->name) != 0)
			continue;
		if (t->proto != NP_PROTO_INVALID && t->proto != e->proto)
			continue;
		if (np_connset_add(out, e->proto, e->port, e->port) < 0)
			return NP_ENOMEM;
	}
	return 0;
}

int rrule_conns(const struct np_reach *r, const struct rrule *ru, size_t profile,
		struct np_connset *out)
{
	size_t k;

	if (np_connset_union(out, &ru->numeric) < 0)
		return NP_ENOMEM;
	if (!ru->named)
		return 0;
	for (k = 0; k < ru->n_ports; k++)
		if (ru->ports[k].name && add_named(r, &ru->ports[k], profile, out) < 0)
			return NP_ENOMEM;
	return 0;
}

/* The connections one port term opens (for explain). */
static int port_conns(const struct np_reach *r, const struct rport *t, size_t profile,
		      struct np_connset *out)
{
	np_connset_clear(out);
	if (t->name)
		return add_named(r, t, profile, out);
	if (t->proto == NP_PROTO_INVALID)
		return 0;
	return np_connset_add(out, t->proto, t->lo, t->hi);
}

/* ---- decisions ---- */

struct trace {
	struct np_reach_verdict *v;
	const struct peerref *peer;
	size_t cap;
};

static int trace_step(struct np_reach *r, struct trace *t, enum np_reach_tier tier,
		      enum np_reach_action act, const struct rrule *ru, size_t profile,
		      const struct np_connset *conns)
{
	struct np_reach_verdict *v = t->v;
	struct np_reach_step *s;
	struct np_connset tmp;
	size_t k;

	if (np_connset_is_empty(conns))
		return 0;
	if (v->n_steps == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		struct np_reach_step *ns = realloc(v->steps, ncap * sizeof(*ns));

		if (!ns)
			return NP_ENOMEM;
		v->steps = ns;
		t->cap = ncap;
	}
	s = &v->steps[v->n_steps];
	memset(s, 0, sizeof(*s));
	np_connset_init(&s->conns);
	s->tier = tier;
	s->action = act;
	s->rule = -1;
	s->peer = -1;
	s->port = -1;
	if (np_connset_copy(&s->conns, conns) < 0) {
		np_connset_release(&s->conns);
		return NP_ENOMEM;
	}
	v->n_steps++;
	if (!ru)
		return 0;
	s->is_policy = true;
	s->ref = ru->ref;
	s->kind = ru->kind;
	s->namespace = ru->namespace;
	s->name = ru->name;
	s->rule = ru->index;
	s->rule_name = ru->rule_name;
	rule_matches(ru, t->peer, &s->peer);
	np_connset_init(&tmp);
	for (k = 0; k < ru->n_ports; k++) {
		if (port_conns(r, &ru->ports[k], profile, &tmp) < 0) {
			np_connset_release(&tmp);
			return NP_ENOMEM;
		}
		if (np_connset_intersect(&tmp, conns) < 0) {
			np_connset_release(&tmp);
			return NP_ENOMEM;
		}
		if (!np_connset_is_empty(&tmp)) {
			s->port = (int)k;
			break;
		}
	}
	np_connset_release(&tmp);
	return 0;
}

/* Evaluates class cls in direction d for the matched entries (indices into
 * its order); out receives the allowed connections. */
static int decide(struct np_reach *r, size_t cls, int d, const uint64_t *matched, size_t n,
		  size_t profile, struct np_connset *out, struct trace *tr)
{
	const struct rcdir *cd = &r->classes[cls].dir[d];
	struct np_connset undecided, passed, conns, npall, tmp;
	size_t i = 0;
	int rc = NP_ENOMEM;

	np_connset_init(&undecided);
	np_connset_init(&passed);
	np_connset_init(&conns);
	np_connset_init(&npall);
	np_connset_init(&tmp);
	np_connset_clear(out);
	if (np_connset_set_all(&undecided) < 0)
		goto out;
	for (; i < n && cd->entries[matched[i]].tier == NP_TIER_ADMIN; i++) {
		const struct rentry *e = &cd->entries[matched[i]];
		const struct rrule *ru = &r->rules[e->rule];

		np_connset_clear(&conns);
		if (rrule_conns(r, ru, profile, &conns) < 0 || np_connset_intersect(&conns, &undecided) < 0)
			goto out;
		if (np_connset_is_empty(&conns))
			continue;
		if (e->action == NP_ACT_ALLOW && np_connset_union(out, &conns) < 0)
			goto out;
		if (e->action == NP_ACT_PASS && np_connset_union(&passed, &conns) < 0)
			goto out;
		if (np_connset_subtract(&undecided, &conns) < 0)
			goto out;
		if (tr && trace_step(r, tr, NP_TIER_ADMIN, e->action, ru, profile, &conns) < 0)
			goto out;
	}
	/* What the Admin tier left: undecided and passed connections. */
	if (np_connset_union(&undecided, &passed) < 0)
		goto out;
	if (cd->isolated) {
		for (; i < n && cd->entries[matched[i]].tier == NP_TIER_NETPOL; i++) {
			const struct rrule *ru = &r->rules[cd->entries[matched[i]].rule];

			np_connset_clear(&conns);
			if (rrule_conns(r, ru, profile, &conns) < 0 ||
			    np_connset_union(&npall, &conns) < 0)
				goto out;
			if (tr) {
				if (np_connset_intersect(&conns, &undecided) < 0 ||
				    trace_step(r, tr, NP_TIER_NETPOL, NP_ACT_ALLOW, ru, profile, &conns) < 0)
					goto out;
			}
		}
		if (np_connset_intersect(&npall, &undecided) < 0 || np_connset_union(out, &npall) < 0)
			goto out;
		if (tr) {
			if (np_connset_copy(&tmp, &undecided) < 0 || np_connset_subtract(&tmp, &npall) < 0 ||
			    trace_step(r, tr, NP_TIER_NETPOL, NP_ACT_DENY, NULL, profile, &tmp) < 0)
				goto out;
		}
		rc = 0;
		goto out;
	}
	for (; i < n; i++) {
		const struct rentry *e = &cd->entries[matched[i]];
		const struct rrule *ru = &r->rules[e->rule];

		if (e->tier != NP_TIER_BASELINE)
			continue;
		np_connset_clear(&conns);
		if (rrule_conns(r, ru, profile, &conns) < 0 || np_connset_intersect(&conns, &undecided) < 0)
			goto out;
		if (np_connset_is_empty(&conns))
			continue;
		if (e->action == NP_ACT_ALLOW && np_connset_union(out, &conns) < 0)
			goto out;
		if (np_connset_subtract(&undecided, &conns) < 0)
			goto out;
		if (tr && trace_step(r, tr, NP_TIER_BASELINE, e->action, ru, profile, &conns) < 0)
			goto out;
	}
	if (np_connset_union(out, &undecided) < 0)
		goto out;
	if (tr && trace_step(r, tr, NP_TIER_DEFAULT, NP_ACT_ALLOW, NULL, profile, &undecided) < 0)
		goto out;
	rc = 0;
out:
	np_connset_release(&undecided);
	np_connset_release(&passed);
	np_connset_release(&conns);
	np_connset_release(&npall);
	np_connset_release(&tmp);
	return rc;
}

static uint64_t *scratch(struct np_reach *r, size_t need);

/* The matched entries of class cls, direction d, for peer y into r's scratch
 * (after a 4-word key header); returns their count or a negative error. */
static long match_entries(struct np_reach *r, size_t cls, int d, const struct peerref *y,
			  uint64_t **buf)
{
	const struct rcdir *cd = &r->classes[cls].dir[d];
	uint64_t *k = scratch(r, cd->n_entries + 4);
	size_t i, n = 0;

	if (!k)
		return NP_ENOMEM;
	for (i = 0; i < cd->n_entries; i++)
		if (rule_matches(&r->rules[cd->entries[i].rule], y, NULL))
			k[4 + n++] = i;
	*buf = k;
	return (long)n;
}

static uint64_t *scratch(struct np_reach *r, size_t need)
{
	if (need > r->scratch_cap) {
		size_t ncap = r->scratch_cap ? r->scratch_cap : 64;
		uint64_t *nv;

		while (ncap < need) {
			if (ncap > SIZE_MAX / 2 / sizeof(*nv))
				return NULL;
			ncap *= 2;
		}
		nv = realloc(r->scratch, ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		r->scratch = nv;
		r->scratch_cap = ncap;
	}
	return r->scratch;
}

/* Allowed connections for class cls in direction d toward/from peer y
 * (profile: the destination's named ports), as a set id. */
static int dir_eval(struct np_reach *r, size_t cls, int d, const struct peerref *y, size_t profile,
		    uint32_t *id)
{
	const struct rclass *cl = &r->classes[cls];
	const struct rcdir *cd = &cl->dir[d];
	struct np_connset res;
	uint64_t *key;
	long n;
	int rc;

	if (cl->host || cl->any || (!cd->isolated && cd->n_entries == 0)) {
		*id = ID_ALL;
		return 0;
	}
	n = match_entries(r, cls, d, y, &key);
	if (n < 0)
		return (int)n;
	if (n == 0 && !cd->isolated) {
		*id = ID_ALL;
		return 0;
	}
	key[0] = cls;
	key[1] = (uint64_t)d;
	key[2] = cd->named ? (uint64_t)profile : 0;
	key[3] = (uint64_t)n;
	if (rmap_get(&r->memo, r->seed, key, (size_t)n + 4, id))
		return 0;
	np_connset_init(&res);
	rc = decide(r, cls, d, key + 4, (size_t)n, profile, &res, NULL);
	if (rc == 0)
		rc = rsets_intern(&r->sets, r->seed, &res, id);
	np_connset_release(&res);
	if (rc == 0) {
		/* decide() does not touch the scratch buffer, so key is intact. */
		rc = rmap_put(&r->memo, r->seed, key, (size_t)n + 4, *id);
	}
	return rc;
}

static int intersect_ids(struct np_reach *r, uint32_t a, uint32_t b, uint32_t *out)
{
	uint64_t key[3] = { 1, a, b };
	struct np_connset tmp;
	int rc;

	if (a == ID_EMPTY || b == ID_EMPTY) {
		*out = ID_EMPTY;
		return 0;
	}
	if (a == ID_ALL || a == b) {
		*out = b;
		return 0;
	}
	if (b == ID_ALL) {
		*out = a;
		return 0;
	}
	if (rmap_get(&r->pairs, r->seed, key, 3, out))
		return 0;
	np_connset_init(&tmp);
	rc = np_connset_copy(&tmp, rsets_get(&r->sets, a));
	if (rc == 0)
		rc = np_connset_intersect(&tmp, rsets_get(&r->sets, b));
	if (rc == 0)
		rc = rsets_intern(&r->sets, r->seed, &tmp, out);
	np_connset_release(&tmp);
	if (rc == 0)
		rc = rmap_put(&r->pairs, r->seed, key, 3, *out);
	return rc;
}

static int union_ids(struct np_reach *r, uint32_t a, uint32_t b, uint32_t *out)
{
	uint64_t key[3] = { 2, a < b ? a : b, a < b ? b : a };
	struct np_connset tmp;
	int rc;

	if (a == ID_EMPTY || a == b) {
		*out = b;
		return 0;
	}
	if (b == ID_EMPTY) {
		*out = a;
		return 0;
	}
	if (a == ID_ALL || b == ID_ALL) {
		*out = ID_ALL;
		return 0;
	}
	if (rmap_get(&r->pairs, r->seed, key, 3, out))
		return 0;
	np_connset_init(&tmp);
	rc = np_connset_copy(&tmp, rsets_get(&r->sets, a));
	if (rc == 0)
		rc = np_connset_union(&tmp, rsets_get(&r->sets, b));
	if (rc == 0)
		rc = rsets_intern(&r->sets, r->seed, &tmp, out);
	np_connset_release(&tmp);
	if (rc == 0)
		rc = rmap_put(&r->pairs, r->seed, key, 3, *out);
	return rc;
}

static size_t class_profile(const struct np_reach *r, size_t cls)
{
	return cls == SIZE_MAX ? SIZE_MAX : r->classes[cls].profile;
}

/* Source s and destination t: a class, or (cls SIZE_MAX) an external range. */
static int class_pair(struct np_reach *r, const struct peerref *s, const struct peerref *t,
		      uint32_t *id)
{
	uint32_t e = ID_ALL, i = ID_ALL;
	int rc;

	if (s->cls != SIZE_MAX) {
		rc = dir_eval(r, s->cls, DIR_EG, t, class_profile(r, t->cls), &e);
		if (rc < 0)
			return rc;
		if (e == ID_EMPTY) {
			*id = ID_EMPTY;
			return 0;
		}
	}
	if (t->cls != SIZE_MAX) {
		rc = dir_eval(r, t->cls, DIR_IN, s, class_profile(r, t->cls), &i);
		if (rc < 0)
			return rc;
	}
	return intersect_ids(r, e, i, id);
}

/* ---- public API ---- */

void np_reach_options_default(struct np_reach_options *o)
{
	memset(o, 0, sizeof(*o));
	o->ipblock_matches_pods = true;
}

void np_reach_verdict_release(struct np_reach_verdict *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n_steps; i++)
		np_connset_release(&v->steps[i].conns);
	free(v->steps);
	np_connset_release(&v->allowed);
	memset(v, 0, sizeof(*v));
}

int np_reach_new(struct np_reach **out, const struct np_model *m,
		 const struct np_reach_options *opt, struct np_error *err)
{
	struct np_reach *r;
	struct np_connset c;
	uint32_t id;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return np_error_set(err, NP_ENOMEM, "reach: out of memory");
	r->m = m;
	if (opt)
		r->opt = *opt;
	else
		np_reach_options_default(&r->opt);
	r->seed = m->strings.seed ^ 0x5851f42d4c957f2dULL;
	np_arena_init(&r->mem);
	/* Ids 0 and 1 are the empty and the full set. */
	np_connset_init(&c);
	rc = rsets_intern(&r->sets, r->seed, &c, &id);
	if (rc == 0 && (rc = np_connset_set_all(&c)) == 0)
		rc = rsets_intern(&r->sets, r->seed, &c, &id);
	np_connset_release(&c);
	if (rc < 0) {
		np_reach_free(r);
		return np_error_set(err, rc, "reach: out of memory");
	}
	rc = reach_build(r, err);
	if (rc < 0) {
		np_reach_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void np_reach_free(struct np_reach *r)
{
	size_t i, k;

	if (!r)
		return;
	for (i = 0; r->rules && i < r->n_rules; i++) {
		np_connset_release(&r->rules[i].numeric);
		for (k = 0; k < r->rules[i].n_peers; k++)
			np_ipset_release(&r->rules[i].peers[k].ips);
	}
	free(r->pod_class);
	free(r->view_pods);
	free(r->warnings);
	free(r->scratch);
	rsets_release(&r->sets);
	rmap_release(&r->memo);
	rmap_release(&r->pairs);
	np_coverage_release(&r->cov);
	np_arena_release(&r->mem);
	free(r);
}

size_t np_reach_n_nodes(const struct np_reach *r)
{
	return r->n_nodes;
}

const struct np_reach_node *np_reach_node(const struct np_reach *r, size_t i)
{
	return i < r->n_nodes ? &r->nodes[i] : NULL;
}

size_t np_reach_n_classes(const struct np_reach *r)
{
	return r->n_classes;
}

size_t np_reach_class_of_pod(const struct np_reach *r, size_t pod)
{
	return pod < r->m->pods.n ? r->pod_class[pod] : SIZE_MAX;
}

int np_reach_pair(struct np_reach *r, size_t src, size_t dst, const struct np_connset **out)
{
	const struct np_reach_node *a = &r->nodes[src], *b = &r->nodes[dst];
	uint32_t acc = ID_EMPTY, id;
	size_t i, j, na, nb;
	int rc;

	*out = rsets_get(&r->sets, ID_EMPTY);
	if (src == dst || (a->kind == NP_REACH_EXTERNAL && b->kind == NP_REACH_EXTERNAL))
		return 0;
	na = a->kind == NP_REACH_EXTERNAL ? 1 : a->n_classes;
	nb = b->kind == NP_REACH_EXTERNAL ? 1 : b->n_classes;
	for (i = 0; i < na; i++) {
		struct peerref s = { a->kind == NP_REACH_EXTERNAL ? SIZE_MAX : a->classes[i], &a->range };

		for (j = 0; j < nb; j++) {
			struct peerref t = { b->kind == NP_REACH_EXTERNAL ? SIZE_MAX : b->classes[j],
					     &b->range };

			rc = class_pair(r, &s, &t, &id);
			if (rc == 0)
				rc = union_ids(r, acc, id, &acc);
			if (rc < 0)
				return rc;
		}
	}
	*out = rsets_get(&r->sets, acc);
	return 0;
}

size_t np_reach_set_id(const struct np_reach *r, const struct np_connset *c)
{
	size_t k;

	for (k = 0; k < r->sets.n_chunks; k++) {
		const struct np_connset *base = r->sets.chunks[k];

		if (c >= base && c < base + RSETS_CHUNK) {
			size_t id = k * RSETS_CHUNK + (size_t)(c - base);

			return id < r->sets.n ? id : SIZE_MAX;
		}
	}
	return SIZE_MAX;
}

int np_reach_from_any(struct np_reach *r, size_t dst, const struct np_connset **out)
{
	const struct np_reach_node *b = &r->nodes[dst];
	struct peerref s = { r->n_classes, NULL };
	uint32_t acc = ID_EMPTY, id;
	size_t j;
	int rc;

	*out = rsets_get(&r->sets, ID_ALL);
	if (b->kind == NP_REACH_EXTERNAL)
		return 0;
	for (j = 0; j < b->n_classes; j++) {
		struct peerref t = { b->classes[j], NULL };

		rc = class_pair(r, &s, &t, &id);
		if (rc == 0)
			rc = union_ids(r, acc, id, &acc);
		if (rc < 0)
			return rc;
	}
	*out = rsets_get(&r->sets, acc);
	return 0;
}

int np_reach_egress(struct np_reach *r, size_t cls, size_t dst_class, size_t dst_ext,
		    const struct np_connset **out)
{
	struct peerref t = { dst_class, NULL };
	uint32_t id;
	int rc;

	*out = rsets_get(&r->sets, ID_EMPTY);
	if (cls >= r->n_classes)
		return NP_EINVAL;
	if (dst_class == SIZE_MAX) {
		if (dst_ext >= r->n_nodes || r->nodes[dst_ext].kind != NP_REACH_EXTERNAL)
			return NP_EINVAL;
		t.ext = &r->nodes[dst_ext].range;
	} else if (dst_class > r->n_classes) {
		return NP_EINVAL;
	}
	rc = dir_eval(r, cls, DIR_EG, &t, class_profile(r, dst_class), &id);
	if (rc == 0)
		*out = rsets_get(&r->sets, id);
	return rc;
}

size_t np_reach_find_external(const struct np_reach *r, const struct np_iprange *x, bool as_src)
{
	size_t i;

	for (i = 0; i < r->n_nodes; i++) {
		const struct np_reach_node *n = &r->nodes[i];

		if (n->kind != NP_REACH_EXTERNAL || (as_src ? !n->as_src : !n->as_dst))
			continue;
		if (np_ip_cmp(&n->range.lo, &x->lo) <= 0 && np_ip_cmp(&n->range.hi, &x->hi) >= 0)
			return i;
	}
	return SIZE_MAX;
}

static int explain_dir(struct np_reach *r, size_t cls, int d, const struct peerref *peer,
		       size_t profile, struct np_reach_verdict *v)
{
	struct trace tr = { v, peer, 0 };
	const struct rclass *cl;
	const struct rcdir *cd;
	uint64_t *key;
	long n;

	memset(v, 0, sizeof(*v));
	np_connset_init(&v->allowed);
	v->dir = d == DIR_IN ? NP_DIR_INGRESS : NP_DIR_EGRESS;
	if (cls == SIZE_MAX || r->classes[cls].host || r->classes[cls].any) {
		v->applies = false;
		return np_connset_set_all(&v->allowed);
	}
	cl = &r->classes[cls];
	cd = &cl->dir[d];
	v->applies = true;
	v->isolated = cd->isolated;
	v->n_isolating = cd->n_iso;
	v->isolating = cd->iso;
	n = match_entries(r, cls, d, peer, &key);
	if (n < 0)
		return (int)n;
	return decide(r, cls, d, key + 4, (size_t)n, profile, &v->allowed, &tr);
}

int np_reach_explain(struct np_reach *r, size_t src_class, size_t src_ext, size_t dst_class,
		     struct np_reach_verdict *egress, struct np_reach_verdict *ingress)
{
	struct peerref s = { src_class, NULL }, t = { dst_class, NULL };
	int rc;

	memset(egress, 0, sizeof(*egress));
	memset(ingress, 0, sizeof(*ingress));
	if (src_class == SIZE_MAX) {
		if (src_ext >= r->n_nodes || r->nodes[src_ext].kind != NP_REACH_EXTERNAL)
			return NP_EINVAL;
		s.ext = &r->nodes[src_ext].range;
	}
	if (dst_class >= r->n_classes)
		return NP_EINVAL;
	rc = explain_dir(r, src_class, DIR_EG, &t, class_profile(r, dst_class), egress);
	if (rc == 0)
		rc = explain_dir(r, dst_class, DIR_IN, &s, class_profile(r, dst_class), ingress);
	if (rc < 0) {
		np_reach_verdict_release(egress);
		np_reach_verdict_release(ingress);
	}
	return rc;
}

size_t np_reach_n_warnings(const struct np_reach *r)
{
	return r->n_warnings;
}

const char *np_reach_warning(const struct np_reach *r, size_t i)
{
	return i < r->n_warnings ? r->warnings[i] : NULL;
}

int np_reach_named_port(const struct np_reach *r, size_t cls, const char *name,
			struct np_connset *out)
{
	struct rport t;

	if (cls >= r->n_classes || !name)
		return 0;
	memset(&t, 0, sizeof(t));
	t.name = name;
	t.proto = NP_PROTO_INVALID;
	return add_named(r, &t, r->classes[cls].profile, out);
}
