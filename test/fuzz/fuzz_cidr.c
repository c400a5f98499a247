/* Fuzzes address parsing (inet_pton only, DESIGN §8) and the 128-bit
 * interval arithmetic built on it: each input line is an IP, a CIDR or a
 * PORT argument. CIDRs are added to and subtracted from a set in turn, and
 * every range must format and split into CIDRs that cover it exactly. */
#include <stdio.h>

#include "netpol/reach.h"
#include "fuzz_common.h"

static void check_range(const struct np_iprange *r)
{
	char (*cidrs)[NP_CIDR_TEXT] = malloc(256 * sizeof(*cidrs));
	char text[2 * NP_CIDR_TEXT];
	size_t n, i;

	check(np_ip_cmp(&r->lo, &r->hi) <= 0);
	np_iprange_format(r, text, sizeof(text));
	if (!cidrs)
		return;
	n = np_iprange_cidrs(r, cidrs, 256);
	check(n >= 1 && n <= 256);
	for (i = 0; i < n; i++) {
		struct np_iprange c;

		/* every piece parses back and lies inside r */
		check(np_cidr_parse(&c, NULL, cidrs[i]) == 0);
		check(np_ip_cmp(&c.lo, &r->lo) >= 0 && np_ip_cmp(&c.hi, &r->hi) <= 0);
	}
	free(cidrs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), *p, *line;
	struct np_ipset set;
	size_t k = 0, i;

	if (!s)
		return 0;
	np_ipset_init(&set);
	for (p = s; (line = strsep(&p, "\n")) && k < 64; k++) {
		struct np_iprange r;
		struct np_ip ip;
		struct np_connset cs;
		struct np_error err;
		const char *name = NULL;
		bool v4;
		char text[NP_CIDR_TEXT];
		int rc;

		if (np_ip_parse(&ip, line) == 0) {
			struct np_ip back;

			np_ip_format(&ip, text, sizeof(text));
			check(np_ip_parse(&back, text) == 0 && np_ip_cmp(&ip, &back) == 0);
		}
		if (np_cidr_parse(&r, &v4, line) == 0) {
			check_range(&r);
			rc = (k & 1) ? np_ipset_subtract(&set, &r) : np_ipset_add(&set, &r);
			check(rc == 0 || rc == NP_ENOMEM);
			if (rc == 0 && !(k & 1))
				check(np_ipset_covers(&set, &r) && np_ipset_contains(&set, &r.lo));
			if (rc == 0 && (k & 1))
				check(!np_ipset_overlaps(&set, &r));
		}
		np_connset_init(&cs);
		memset(&err, 0, sizeof(err));
		rc = np_connset_parse_port(&cs, line, &name, &err);
		if (rc == NP_ENOTFOUND)
			check(name != NULL);
		else
			check_error(rc, &err);
		np_connset_release(&cs);
	}
	/* the set stays sorted, disjoint and non-adjacent */
	for (i = 0; i < set.n; i++) {
		check(np_ip_cmp(&set.v[i].lo, &set.v[i].hi) <= 0);
		if (i)
			check(np_ip_cmp(&set.v[i - 1].hi, &set.v[i].lo) < 0);
	}
	np_ipset_release(&set);
	free(s);
	return 0;
}
