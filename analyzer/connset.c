/* Connection sets: sorted disjoint port intervals per protocol (DESIGN §4
 * Ports, §6.2 connlist). Small arrays per protocol; every operation keeps
 * the ranges sorted, disjoint and non-adjacent so equality is structural. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netpol/reach.h"

void np_connset_init(struct np_connset *c)
{
	memset(c, 0, sizeof(*c));
}

void np_connset_release(struct np_connset *c)
{
	int p;

	if (!c)
		return;
	for (p = 0; p < NP_N_PROTOS; p++)
		free(c->r[p]);
	memset(c, 0, sizeof(*c));
}

void np_connset_clear(struct np_connset *c)
{
	int p;

	for (p = 0; p < NP_N_PROTOS; p++)
		c->n[p] = 0;
}

static int reserve(struct np_connset *c, int p, size_t need)
{
	struct np_portrange *nr;
	size_t ncap;

	if (need <= c->cap[p])
		return 0;
	ncap = c->cap[p] ? c->cap[p] : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sizeof(*nr))
			return NP_ENOMEM;
		ncap *= 2;
	}
	nr = realloc(c->r[p], ncap * sizeof(*nr));
	if (!nr)
		return NP_ENOMEM;
	c->r[p] = nr;
	c->cap[p] = ncap;
	return 0;
}

static bool proto_ok(enum np_proto p)
{
	return (int)p >= 0 && (int)p < NP_N_PROTOS;
}

int np_connset_add(struct np_connset *c, enum np_proto p, int lo, int hi)
{
	struct np_portrange *r;
	size_t n, i, j;

	if (!proto_ok(p))
		return 0;
	if (lo < NP_PORT_MIN)
		lo = NP_PORT_MIN;
	if (hi > NP_PORT_MAX)
		hi = NP_PORT_MAX;
	if (lo > hi)
		return 0;
	if (reserve(c, p, c->n[p] + 1) < 0)
		return NP_ENOMEM;
	r = c->r[p];
	n = c->n[p];
	/* First range that ends at or after lo - 1 (touching ranges merge). */
	for (i = 0; i < n && r[i].hi < lo - 1; i++)
		;
	/* Ranges i..j-1 overlap or touch [lo, hi]. */
	for (j = i; j < n && r[j].lo <= hi + 1; j++) {
		if (r[j].lo < lo)
			lo = r[j].lo;
		if (r[j].hi > hi)
			hi = r[j].hi;
	}
	if (j == i) {
		memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
		c->n[p] = n + 1;
	} else if (j > i + 1) {
		memmove(&r[i + 1], &r[j], (n - j) * sizeof(*r));
		c->n[p] = n - (j - i) + 1;
	}
	r[i].lo = lo;
	r[i].hi = hi;
	return 0;
}

int np_connset_add_proto(struct np_connset *c, enum np_proto p)
{
	return np_connset_add(c, p, NP_PORT_MIN, NP_PORT_MAX);
}

int np_connset_set_all(struct np_connset *c)
{
	int p;

	np_connset_clear(c);
	for (p = 0; p < NP_N_PROTOS; p++)
		if (np_connset_add(c, (enum np_proto)p, NP_PORT_MIN, NP_PORT_MAX) < 0)
			return NP_ENOMEM;
	return 0;
}

int np_connset_copy(struct np_connset *dst, const struct np_connset *src)
{
	int p;

	if (dst == src)
		return 0;
	for (p = 0; p < NP_N_PROTOS; p++) {
		if (reserve(dst, p, src->n[p]) < 0)
			return NP_ENOMEM;
		if (src->n[p])
			memcpy(dst->r[p], src->r[p], src->n[p] * sizeof(*src->r[p]));
		dst->n[p] = src->n[p];
	}
	return 0;
}

int np_connset_union(struct np_connset *c, const struct np_connset *o)
{
	size_t i;
	int p;

	if (c == o)
		return 0;
	for (p = 0; p < NP_N_PROTOS; p++)
		for (i = 0; i < o->n[p]; i++)
			if (np_connset_add(c, (enum np_proto)p, o->r[p][i].lo, o->r[p][i].hi) < 0)
				return NP_ENOMEM;
	return 0;
}

/* Replaces protocol p of c with the ranges in tmp[0..n). */
static int put_proto(struct np_connset *c, int p, const struct np_portrange *tmp, size_t n)
{
	if (reserve(c, p, n) < 0)
		return NP_ENOMEM;
	if (n)
		memcpy(c->r[p], tmp, n * sizeof(*tmp));
	c->n[p] = n;
	return 0;
}

int np_connset_intersect(struct np_connset *c, const struct np_connset *o)
{
	struct np_portrange *tmp;
	size_t i, j, k;
	int p;

	if (c == o)
		return 0;
	for (p = 0; p < NP_N_PROTOS; p++) {
		size_t max = c->n[p] + o->n[p];

		if (c->n[p] == 0)
			continue;
		if (o->n[p] == 0) {
			c->n[p] = 0;
			continue;
		}
		tmp = malloc(max * sizeof(*tmp));
		if (!tmp)
			return NP_ENOMEM;
		for (i = j = k = 0; i < c->n[p] && j < o->n[p];) {
			const struct np_portrange *a = &c->r[p][i], *b = &o->r[p][j];
			int lo = a->lo > b->lo ? a->lo : b->lo;
			int hi = a->hi < b->hi ? a->hi : b->hi;

			if (lo <= hi) {
				tmp[k].lo = lo;
				tmp[k].hi = hi;
				k++;
			}
			if (a->hi < b->hi)
				i++;
			else
				j++;
		}
		if (put_proto(c, p, tmp, k) < 0) {
			free(tmp);
			return NP_ENOMEM;
		}
		free(tmp);
	}
	return 0;
}

int np_connset_subtract(struct np_connset *c, const struct np_connset *o)
{
	struct np_portrange *tmp;
	size_t i, j, k;
	int p;

	if (c == o) {
		np_connset_clear(c);
		return 0;
	}
	for (p = 0; p < NP_N_PROTOS; p++) {
		size_t max = c->n[p] + o->n[p];

		if (c->n[p] == 0 || o->n[p] == 0)
			continue;
		tmp = malloc(max * sizeof(*tmp));
		if (!tmp)
			return NP_ENOMEM;
		for (i = j = k = 0; i < c->n[p]; i++) {
			int lo = c->r[p][i].lo, hi = c->r[p][i].hi;

			while (j < o->n[p] && o->r[p][j].hi < lo)
				j++;
			while (lo <= hi && j < o->n[p] && o->r[p][j].lo <= hi) {
				const struct np_portrange *b = &o->r[p][j];

				if (b->lo > lo) {
					tmp[k].lo = lo;
					tmp[k].hi = b->lo - 1;
					k++;
				}
				if (b->hi >= hi) {
					lo = hi + 1;
					break;
				}
				lo = b->hi + 1;
				j++;
			}
			if (lo <= hi) {
				tmp[k].lo = lo;
				tmp[k].hi = hi;
				k++;
			}
		}
		if (put_proto(c, p, tmp, k) < 0) {
			free(tmp);
			return NP_ENOMEM;
		}
		free(tmp);
	}
	return 0;
}

bool np_connset_is_empty(const struct np_connset *c)
{
	return c->n[0] == 0 && c->n[1] == 0 && c->n[2] == 0;
}

bool np_connset_is_all(const struct np_connset *c)
{
	int p;

	for (p = 0; p < NP_N_PROTOS; p++)
		if (c->n[p] != 1 || c->r[p][0].lo != NP_PORT_MIN || c->r[p][0].hi != NP_PORT_MAX)
			return false;
	return true;
}

bool np_connset_equal(const struct np_connset *a, const struct np_connset *b)
{
	int p;

	for (p = 0; p < NP_N_PROTOS; p++) {
		if (a->n[p] != b->n[p])
			return false;
		if (a->n[p] && memcmp(a->r[p], b->r[p], a->n[p] * sizeof(*a->r[p])) != 0)
			return false;
	}
	return true;
}

bool np_connset_contains(const struct np_connset *c, enum np_proto p, int port)
{
	size_t lo = 0, hi;

	if (!proto_ok(p))
		return false;
	hi = c->n[p];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->r[p][mid].hi < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n[p] && c->r[p][lo].lo <= port;
}

uint64_t np_connset_hash(const struct np_connset *c, uint64_t seed)
{
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL;
	size_t i;
	int p;

	for (p = 0; p < NP_N_PROTOS; p++) {
		h = (h ^ (uint64_t)(c->n[p] + 1)) * 0x100000001b3ULL;
		for (i = 0; i < c->n[p]; i++) {
			uint64_t v = ((uint64_t)(unsigned)c->r[p][i].lo << 32) | (unsigned)c->r[p][i].hi;

			h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
			h *= 0xff51afd7ed558ccdULL;
		}
	}
	return h ^ (h >> 33);
}

/* snprintf-like appending that keeps counting past the buffer. */
struct fmt {
	char *buf;
	size_t len, pos;
};

static void fput(struct fmt *f, const char *s)
{
	size_t n = strlen(s);

	if (f->pos < f->len) {
		size_t room = f->len - f->pos - 1;
		size_t k = n < room ? n : room;

		memcpy(f->buf + f->pos, s, k);
		f->buf[f->pos + k] = '\0';
	}
	f->pos += n;
}

size_t np_connset_format(const struct np_connset *c, char *buf, size_t len)
{
	/* np-guard sorts the protocol groups by name. */
	static const enum np_proto order[NP_N_PROTOS] = { NP_PROTO_SCTP, NP_PROTO_TCP, NP_PROTO_UDP };
	struct fmt f = { buf, len, 0 };
	bool first = true;
	size_t i;
	int k;

	if (len)
		buf[0] = '\0';
	if (np_connset_is_all(c)) {
		fput(&f, "All Connections");
		return f.pos;
	}
	if (np_connset_is_empty(c)) {
		fput(&f, "No Connections");
		return f.pos;
	}
	for (k = 0; k < NP_N_PROTOS; k++) {
		enum np_proto p = order[k];
		char item[32];

		if (c->n[p] == 0)
			continue;
		if (!first)
			fput(&f, ",");
		first = false;
		fput(&f, np_proto_name(p));
		fput(&f, " ");
		for (i = 0; i < c->n[p]; i++) {
			if (c->r[p][i].lo == c->r[p][i].hi)
				snprintf(item, sizeof(item), "%s%d", i ? "," : "", c->r[p][i].lo);
			else
				snprintf(item, sizeof(item), "%s%d-%d", i ? "," : "", c->r[p][i].lo,
					 c->r[p][i].hi);
			fput(&f, item);
		}
	}
	return f.pos;
}

static bool parse_num(const char *s, size_t n, int *out)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v < NP_PORT_MIN || v > NP_PORT_MAX)
		return false;
	*out = (int)v;
	return true;
}

/* IANA_SVC_NAME, as the decoder checks NetworkPolicy port names. */
static bool port_name_ok(const char *s)
{
	size_t i, n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch >= 'a' && ch <= 'z')
			letter = true;
		else if (!(ch >= '0' && ch <= '9') && ch != '-')
			return false;
		if (ch == '-' && i > 0 && s[i - 1] == '-')
			return false;
	}
	return letter;
}

int np_connset_parse_port(struct np_connset *out, const char *text, const char **name_out,
			  struct np_error *err)
{
	enum np_proto p = NP_PROTO_TCP;
	const char *s = text, *slash, *dash;
	int lo, hi;

	if (name_out)
		*name_out = NULL;
	if (!text || !*text)
		return np_error_set(err, NP_EUSAGE, "empty port");
	slash = strchr(s, '/');
	if (slash) {
		size_t n = (size_t)(slash - s);

		if (n == 3 && strncasecmp(s, "tcp", 3) == 0)
			p = NP_PROTO_TCP;
		else if (n == 3 && strncasecmp(s, "udp", 3) == 0)
			p = NP_PROTO_UDP;
		else if (n == 4 && strncasecmp(s, "sctp", 4) == 0)
			p = NP_PROTO_SCTP;
		else
			return np_error_set(err, NP_EUSAGE, "port \"%s\": protocol must be tcp, udp "
					    "or sctp", text);
		s = slash + 1;
	}
	dash = strchr(s, '-');
	if (dash && dash != s && parse_num(s, (size_t)(dash - s), &lo)) {
		if (!parse_num(dash + 1, strlen(dash + 1), &hi) || hi < lo)
			return np_error_set(err, NP_EUSAGE, "port \"%s\": expected N-M with "
					    "1 <= N <= M <= 65535", text);
	} else if (parse_num(s, strlen(s), &lo)) {
		hi = lo;
	} else if (!slash && port_name_ok(s)) {
		if (name_out)
			*name_out = s;
		return NP_ENOTFOUND;
	} else {
		return np_error_set(err, NP_EUSAGE, "port \"%s\": expected N, PROTO/N, PROTO/N-M "
				    "or a port name", text);
	}
	np_connset_clear(out);
	if (np_connset_add(out, p, lo, hi) < 0)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	return 0;
}
