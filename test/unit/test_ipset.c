/* IP sets (analyzer/ipset.c): CIDR parsing (inet_pton, host bits masked,
 * IPv4-mapped IPv6 as IPv4), interval algebra, ipBlocks with except, and
 * the CIDR decomposition of ranges (DESIGN §4 ipBlock, §8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/reach.h"

static const char *range_text(const struct np_iprange *r)
{
	static char buf[128];

	np_iprange_format(r, buf, sizeof(buf));
	return buf;
}

static struct np_iprange cidr(const char *s)
{
	struct np_iprange r;

	assert_int_equal(np_cidr_parse(&r, NULL, s), 0);
	return r;
}

static void test_cidr_masks_host_bits(void **state)
{
	struct np_iprange r = cidr("10.1.2.3/8");

	(void)state;
	assert_string_equal(range_text(&r), "10.0.0.0-10.255.255.255");
}

static void test_bare_address_is_one_address(void **state)
{
	struct np_iprange r = cidr("192.168.1.7");
	bool v4 = false;

	(void)state;
	assert_string_equal(range_text(&r), "192.168.1.7-192.168.1.7");
	assert_int_equal(np_cidr_parse(&r, &v4, "fd00::1"), 0);
	assert_false(v4);
	assert_string_equal(range_text(&r), "fd00::1-fd00::1");
}

static void test_ipv4_mapped_ipv6_is_ipv4(void **state)
{
	struct np_iprange a = cidr("::ffff:10.0.0.0/104"), b = cidr("10.0.0.0/8");
	bool v4 = false;

	(void)state;
	assert_int_equal(np_ip_cmp(&a.lo, &b.lo), 0);
	assert_int_equal(np_ip_cmp(&a.hi, &b.hi), 0);
	assert_int_equal(np_cidr_parse(&a, &v4, "::ffff:10.0.0.0/104"), 0);
	assert_true(v4);
	assert_true(np_ip_is_v4(&a.lo));
}

static void test_ipv6_cidr_range(void **state)
{
	struct np_iprange r = cidr("2001:db8::/32");

	(void)state;
	assert_string_equal(range_text(&r), "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	r = cidr("::/0");
	assert_true(r.lo.hi == 0 && r.lo.lo == 0 && r.hi.hi == UINT64_MAX && r.hi.lo == UINT64_MAX);
}

static void test_invalid_cidrs_are_rejected(void **state)
{
	static const char *const bad[] = { "", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "x/8",
					   "10.0.0.0/8/8", "::/129", "10.0.0.0/-1", "***HIDDEN***",
					   "10.0.0.0/0008" };
	struct np_iprange r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(np_cidr_parse(&r, NULL, bad[i]), NP_EINVAL);
	assert_int_equal(np_cidr_parse(&r, NULL, NULL), NP_EINVAL);
}

static void test_add_merges_adjacent_ranges(void **state)
{
	struct np_ipset s = { 0 };
	struct np_iprange a = cidr("10.0.0.0/25"), b = cidr("10.0.0.128/25"), c = cidr("10.0.2.0/24");

	(void)state;
	np_ipset_add(&s, &c);
	np_ipset_add(&s, &a);
	np_ipset_add(&s, &b);
	assert_int_equal(s.n, 2);
	assert_string_equal(range_text(&s.v[0]), "10.0.0.0-10.0.0.255");
	assert_string_equal(range_text(&s.v[1]), "10.0.2.0-10.0.2.255");
	np_ipset_release(&s);
}

static void test_subtract_splits_and_trims(void **state)
{
	struct np_ipset s = { 0 };
	struct np_iprange all = cidr("10.0.0.0/8"), hole = cidr("10.1.0.0/16"), head = cidr("10.0.0.0/16");

	(void)state;
	np_ipset_add(&s, &all);
	assert_int_equal(np_ipset_subtract(&s, &hole), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(range_text(&s.v[0]), "10.0.0.0-10.0.255.255");
	assert_string_equal(range_text(&s.v[1]), "10.2.0.0-10.255.255.255");
	assert_int_equal(np_ipset_subtract(&s, &head), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(range_text(&s.v[0]), "10.2.0.0-10.255.255.255");
	np_ipset_release(&s);
}

static void test_contains_covers_overlaps(void **state)
{
	struct np_ipset s = { 0 };
	struct np_iprange r = cidr("172.16.0.0/12"), inside = cidr("172.16.5.0/24"),
			  across = cidr("172.0.0.0/8");
	struct np_ip ip;

	(void)state;
	np_ipset_add(&s, &r);
	assert_int_equal(np_ip_parse(&ip, "172.31.255.255"), 0);
	assert_true(np_ipset_contains(&s, &ip));
	assert_int_equal(np_ip_parse(&ip, "172.32.0.0"), 0);
	assert_false(np_ipset_contains(&s, &ip));
	assert_true(np_ipset_covers(&s, &inside));
	assert_false(np_ipset_covers(&s, &across));
	assert_true(np_ipset_overlaps(&s, &across));
	np_ipset_release(&s);
}

static void test_ipblock_with_except(void **state)
{
	const char *ex[] = { "10.0.0.0/8", "172.21.0.0/16", "not-a-cidr" };
	struct np_ipblock b = { "0.0.0.0/0", 3, ex };
	struct np_ipset s;
	size_t bad = 0;

	(void)state;
	assert_int_equal(np_ipset_from_ipblock(&s, &b, &bad), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(s.n, 3);
	assert_string_equal(range_text(&s.v[0]), "0.0.0.0-9.255.255.255");
	assert_string_equal(range_text(&s.v[1]), "11.0.0.0-172.20.255.255");
	assert_string_equal(range_text(&s.v[2]), "172.22.0.0-255.255.255.255");
	np_ipset_release(&s);
}

static void test_ipblock_with_bad_cidr_is_invalid(void **state)
{
	struct np_ipblock b = { "10.0.0.0/99", 0, NULL };
	struct np_ipset s;

	(void)state;
	assert_int_equal(np_ipset_from_ipblock(&s, &b, NULL), NP_EINVAL);
	np_ipset_release(&s);
}

static void test_range_to_cidrs(void **state)
{
	char out[8][NP_CIDR_TEXT];
	struct np_iprange r;

	(void)state;
	r = cidr("10.0.0.0/24");
	assert_int_equal(np_iprange_cidrs(&r, out, 8), 1);
	assert_string_equal(out[0], "10.0.0.0/24");
	np_iprange_all_v4(&r);
	assert_int_equal(np_iprange_cidrs(&r, out, 8), 1);
	assert_string_equal(out[0], "0.0.0.0/0");
	r.lo = cidr("0.0.0.0").lo;
	r.hi = cidr("9.255.255.255").lo;
	assert_int_equal(np_iprange_cidrs(&r, out, 8), 2);
	assert_string_equal(out[0], "0.0.0.0/5");
	assert_string_equal(out[1], "8.0.0.0/7");
	/* Counting without storing. */
	r.lo = cidr("11.0.0.0").lo;
	r.hi = cidr("172.20.255.255").lo;
	assert_true(np_iprange_cidrs(&r, NULL, 0) > 1);
}

static void test_v6_universe_excludes_the_v4_block(void **state)
{
	struct np_iprange v6[2], v4;
	struct np_ip ip;

	(void)state;
	assert_int_equal(np_iprange_all_v6(v6), 2);
	np_iprange_all_v4(&v4);
	assert_true(np_ip_cmp(&v6[0].hi, &v4.lo) < 0);
	assert_true(np_ip_cmp(&v6[1].lo, &v4.hi) > 0);
	assert_int_equal(np_ip_parse(&ip, "2001:db8::1"), 0);
	assert_true(np_ip_cmp(&ip, &v6[1].lo) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_masks_host_bits),
		cmocka_unit_test(test_bare_address_is_one_address),
		cmocka_unit_test(test_ipv4_mapped_ipv6_is_ipv4),
		cmocka_unit_test(test_ipv6_cidr_range),
		cmocka_unit_test(test_invalid_cidrs_are_rejected),
		cmocka_unit_test(test_add_merges_adjacent_ranges),
		cmocka_unit_test(test_subtract_splits_and_trims),
		cmocka_unit_test(test_contains_covers_overlaps),
		cmocka_unit_test(test_ipblock_with_except),
		cmocka_unit_test(test_ipblock_with_bad_cidr_is_invalid),
		cmocka_unit_test(test_range_to_cidrs),
		cmocka_unit_test(test_v6_universe_excludes_the_v4_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
