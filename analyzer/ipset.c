/* IP sets as disjoint 128-bit intervals (DESIGN §4 ipBlock, §8 "IPs via
 * inet_pton only; 128-bit IPv6 intervals"). IPv4 lives in ::ffff:0:0/96,
 * so IPv4-mapped IPv6 addresses are IPv4. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/reach.h"

#define V4_HI 0ULL
#define V4_LO_BASE 0x0000ffff00000000ULL

int np_ip_cmp(const struct np_ip *a, const struct np_ip *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

bool np_ip_is_v4(const struct np_ip *ip)
{
	return ip->hi == V4_HI && (ip->lo >> 32) == 0xffffULL;
}

static bool ip_is_max(const struct np_ip *a)
{
	return a->hi == UINT64_MAX && a->lo == UINT64_MAX;
}

static struct np_ip ip_inc(struct np_ip a)
{
	if (++a.lo == 0)
		a.hi++;
	return a;
}

static struct np_ip ip_dec(struct np_ip a)
{
	if (a.lo-- == 0)
		a.hi--;
	return a;
}

static void from_bytes(struct np_ip *out, const unsigned char b[16])
{
	int i;

	out->hi = out->lo = 0;
	for (i = 0; i < 8; i++)
		out->hi = (out->hi << 8) | b[i];
	for (i = 8; i < 16; i++)
		out->lo = (out->lo << 8) | b[i];
}

static void to_bytes(const struct np_ip *ip, unsigned char b[16])
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(ip->hi >> (56 - 8 * i));
	for (i = 0; i < 8; i++)
		b[8 + i] = (unsigned char)(ip->lo >> (56 - 8 * i));
}

/* inet_pton for either family; *v4 says which. */
static bool parse_addr(const char *s, struct np_ip *out, bool *v4)
{
	unsigned char b[16];

	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, b) != 1)
			return false;
		from_bytes(out, b);
		*v4 = np_ip_is_v4(out);
		return true;
	}
	if (inet_pton(AF_INET, s, b) != 1)
		return false;
	out->hi = V4_HI;
	out->lo = V4_LO_BASE | ((uint64_t)b[0] << 24) | ((uint64_t)b[1] << 16) |
		  ((uint64_t)b[2] << 8) | b[3];
	*v4 = true;
	return true;
}

int np_ip_parse(struct np_ip *out, const char *s)
{
	bool v4;

	if (!s || !parse_addr(s, out, &v4))
		return NP_EINVAL;
	return 0;
}

/* Mask of the low (128 - prefix) bits. */
static struct np_ip host_mask(int prefix)
{
	struct np_ip m;
	int host = 128 - prefix;

	if (host >= 128) {
		m.hi = m.lo = UINT64_MAX;
	} else if (host >= 64) {
		m.lo = UINT64_MAX;
		m.hi = host == 64 ? 0 : (UINT64_MAX >> (128 - host));
	} else {
		m.hi = 0;
		m.lo = host == 0 ? 0 : (UINT64_MAX >> (64 - host));
	}
	return m;
}

int np_cidr_parse(struct np_iprange *out, bool *v4_out, const char *s)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *slash;
	struct np_ip a, m;
	size_t len;
	bool v4;
	int prefix, max;

	if (!s)
		return NP_EINVAL;
	slash = strchr(s, '/');
	len = slash ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof(ip))
		return NP_EINVAL;
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (!parse_addr(ip, &a, &v4))
		return NP_EINVAL;
	/* An IPv4-mapped IPv6 CIDR counts its prefix over 128 bits. */
	max = strchr(ip, ':') ? 128 : 32;
	if (slash) {
		const char *p = slash + 1;

		if (!*p || strlen(p) > 3)
			return NP_EINVAL;
		for (prefix = 0; *p; p++) {
			if (*p < '0' || *p > '9')
				return NP_EINVAL;
			prefix = prefix * 10 + (*p - '0');
		}
		if (prefix > max)
			return NP_EINVAL;
	} else {
		prefix = max;
	}
	if (max == 32)
		prefix += 96;
	m = host_mask(prefix);
	out->lo.hi = a.hi & ~m.hi;
	out->lo.lo = a.lo & ~m.lo;
	out->hi.hi = a.hi | m.hi;
	out->hi.lo = a.lo | m.lo;
	if (v4_out)
		*v4_out = v4 && (max == 32 || prefix >= 96);
	return 0;
}

void np_ip_format(const struct np_ip *ip, char *buf, size_t len)
{
	unsigned char b[16];

	if (len == 0)
		return;
	if (np_ip_is_v4(ip)) {
		snprintf(buf, len, "%u.%u.%u.%u", (unsigned)((ip->lo >> 24) & 0xff),
			 (unsigned)((ip->lo >> 16) & 0xff), (unsigned)((ip->lo >> 8) & 0xff),
			 (unsigned)(ip->lo & 0xff));
		return;
	}
	to_bytes(ip, b);
	if (!inet_ntop(AF_INET6, b, buf, (socklen_t)(len > 0x7fffffff ? 0x7fffffff : len)))
		snprintf(buf, len, "?");
}

void np_iprange_format(const struct np_iprange *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 1], b[INET6_ADDRSTRLEN + 1];

	np_ip_format(&r->lo, a, sizeof(a));
	np_ip_format(&r->hi, b, sizeof(b));
	snprintf(buf, len, "%s-%s", a, b);
}

/* Number of trailing zero bits of a (128 when zero). */
static int trailing_zeros(const struct np_ip *a)
{
	if (a->lo)
		return __builtin_ctzll(a->lo);
	if (a->hi)
		return 64 + __builtin_ctzll(a->hi);
	return 128;
}

/* hi - lo + 1 fits in `bits` bits' worth of block: is 2^bits - 1 <= hi - lo? */
static bool block_fits(const struct np_ip *lo, const struct np_ip *hi, int bits)
{
	struct np_ip m = host_mask(128 - bits), end;

	end.lo = lo->lo | m.lo;
	end.hi = lo->hi | m.hi;
	return np_ip_cmp(&end, hi) <= 0;
}

size_t np_iprange_cidrs(const struct np_iprange *r, char (*out)[NP_CIDR_TEXT], size_t max)
{
	struct np_ip cur = r->lo;
	size_t n = 0;
	bool v4 = np_ip_is_v4(&r->lo) && np_ip_is_v4(&r->hi);

	if (np_ip_cmp(&r->lo, &r->hi) > 0)
		return 0;
	for (;;) {
		int bits = trailing_zeros(&cur);
		struct np_ip m;
		char a[INET6_ADDRSTRLEN + 1];

		if (bits > 128)
			bits = 128;
		while (bits > 0 && !block_fits(&cur, &r->hi, bits))
			bits--;
		if (v4 && bits > 32)
			bits = 32;
		if (n < max) {
			np_ip_format(&cur, a, sizeof(a));
			snprintf(out[n], NP_CIDR_TEXT, "%s/%d", a, v4 ? 32 - bits : 128 - bits);
		}
		n++;
		m = host_mask(128 - bits);
		cur.lo |= m.lo;
		cur.hi |= m.hi;
		if (np_ip_cmp(&cur, &r->hi) >= 0 || ip_is_max(&cur))
			break;
		cur = ip_inc(cur);
	}
	return n;
}

void np_iprange_all_v4(struct np_iprange *out)
{
	out->lo.hi = out->hi.hi = V4_HI;
	out->lo.lo = V4_LO_BASE;
	out->hi.lo = V4_LO_BASE | 0xffffffffULL;
}

size_t np_iprange_all_v6(struct np_iprange out[2])
{
	out[0].lo.hi = out[0].lo.lo = 0;
	out[0].hi.hi = 0;
	out[0].hi.lo = V4_LO_BASE - 1;
	out[1].lo.hi = 0;
	out[1].lo.lo = (V4_LO_BASE | 0xffffffffULL) + 1;
	out[1].hi.hi = out[1].hi.lo = UINT64_MAX;
	return 2;
}

void np_ipset_init(struct np_ipset *s)
{
	memset(s, 0, sizeof(*s));
}

void np_ipset_release(struct np_ipset *s)
{
	if (!s)
		return;
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int ipset_reserve(struct np_ipset *s, size_t need)
{
	struct np_iprange *nv;
	size_t ncap;

	if (need <= s->cap)
		return 0;
	ncap = s->cap ? s->cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sizeof(*nv))
			return NP_ENOMEM;
		ncap *= 2;
	}
	nv = realloc(s->v, ncap * sizeof(*nv));
	if (!nv)
		return NP_ENOMEM;
	s->v = nv;
	s->cap = ncap;
	return 0;
}

/* a ends right before b starts (or overlaps it). */
static bool touches(const struct np_ip *end, const struct np_ip *start)
{
	struct np_ip e1;

	if (ip_is_max(end))
		return true;
	e1 = ip_inc(*end);
	return np_ip_cmp(start, &e1) <= 0;
}

int np_ipset_add(struct np_ipset *s, const struct np_iprange *r)
{
	struct np_ip lo = r->lo, hi = r->hi;
	size_t i, j, n = s->n;

	if (np_ip_cmp(&lo, &hi) > 0)
		return 0;
	if (ipset_reserve(s, n + 1) < 0)
		return NP_ENOMEM;
	for (i = 0; i < n && !touches(&s->v[i].hi, &lo); i++)
		;
	for (j = i; j < n && touches(&hi, &s->v[j].lo); j++) {
		if (np_ip_cmp(&s->v[j].lo, &lo) < 0)
			lo = s->v[j].lo;
		if (np_ip_cmp(&s->v[j].hi, &hi) > 0)
			hi = s->v[j].hi;
	}
	if (j == i) {
		memmove(&s->v[i + 1], &s->v[i], (n - i) * sizeof(*s->v));
		s->n = n + 1;
	} else if (j > i + 1) {
		memmove(&s->v[i + 1], &s->v[j], (n - j) * sizeof(*s->v));
		s->n = n - (j - i) + 1;
	}
	s->v[i].lo = lo;
	s->v[i].hi = hi;
	return 0;
}

int np_ipset_union(struct np_ipset *s, const struct np_ipset *o)
{
	size_t i;

	if (s == o)
		return 0;
	for (i = 0; i < o->n; i++)
		if (np_ipset_add(s, &o->v[i]) < 0)
			return NP_ENOMEM;
	return 0;
}

int np_ipset_subtract(struct np_ipset *s, const struct np_iprange *r)
{
	size_t i;

	if (np_ip_cmp(&r->lo, &r->hi) > 0)
		return 0;
	for (i = 0; i < s->n; i++) {
		struct np_iprange *x = &s->v[i];

		if (np_ip_cmp(&x->hi, &r->lo) < 0 || np_ip_cmp(&x->lo, &r->hi) > 0)
			continue;
		if (np_ip_cmp(&x->lo, &r->lo) < 0 && np_ip_cmp(&x->hi, &r->hi) > 0) {
			/* r splits x in two. */
			struct np_iprange right = { ip_inc(r->hi), x->hi };

			if (ipset_reserve(s, s->n + 1) < 0)
				return NP_ENOMEM;
			x = &s->v[i];
			x->hi = ip_dec(r->lo);
			memmove(&s->v[i + 2], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
			s->v[i + 1] = right;
			s->n++;
			return 0;
		}
		if (np_ip_cmp(&x->lo, &r->lo) < 0) {
			x->hi = ip_dec(r->lo);
		} else if (np_ip_cmp(&x->hi, &r->hi) > 0) {
			x->lo = ip_inc(r->hi);
		} else {
			memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
			s->n--;
			i--;
		}
	}
	return 0;
}

/* Index of the first range whose hi >= ip. */
static size_t lower(const struct np_ipset *s, const struct np_ip *ip)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (np_ip_cmp(&s->v[mid].hi, ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool np_ipset_contains(const struct np_ipset *s, const struct np_ip *ip)
{
	size_t i = lower(s, ip);

	return i < s->n && np_ip_cmp(&s->v[i].lo, ip) <= 0;
}

bool np_ipset_covers(const struct np_ipset *s, const struct np_iprange *r)
{
	size_t i = lower(s, &r->lo);

	return i < s->n && np_ip_cmp(&s->v[i].lo, &r->lo) <= 0 &&
	       np_ip_cmp(&s->v[i].hi, &r->hi) >= 0;
}

bool np_ipset_overlaps(const struct np_ipset *s, const struct np_iprange *r)
{
	size_t i = lower(s, &r->lo);

	return i < s->n && np_ip_cmp(&s->v[i].lo, &r->hi) <= 0;
}

int np_ipset_from_ipblock(struct np_ipset *out, const struct np_ipblock *b, size_t *bad)
{
	struct np_iprange r;
	size_t i;

	np_ipset_init(out);
	if (!b || !b->cidr || np_cidr_parse(&r, NULL, b->cidr) < 0)
		return NP_EINVAL;
	if (np_ipset_add(out, &r) < 0)
		return NP_ENOMEM;
	for (i = 0; i < b->n_except; i++) {
		struct np_iprange e;

		if (!b->except[i] || np_cidr_parse(&e, NULL, b->except[i]) < 0) {
			if (bad)
				(*bad)++;
			continue;
		}
		if (np_ipset_subtract(out, &e) < 0)
			return NP_ENOMEM;
	}
	return 0;
}
