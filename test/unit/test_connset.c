/* Connection sets (analyzer/connset.c): port intervals per protocol, set
 * algebra, np-guard's text format and PORT arguments (DESIGN §2.3, §6.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/reach.h"

static const char *fmt(const struct np_connset *c)
{
	static char buf[512];

	np_connset_format(c, buf, sizeof(buf));
	return buf;
}

static void test_empty_set_is_no_connections(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	assert_true(np_connset_is_empty(&c));
	assert_false(np_connset_is_all(&c));
	assert_string_equal(fmt(&c), "No Connections");
	np_connset_release(&c);
}

static void test_all_protocols_all_ports_is_all_connections(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	assert_int_equal(np_connset_set_all(&c), 0);
	assert_true(np_connset_is_all(&c));
	assert_string_equal(fmt(&c), "All Connections");
	np_connset_release(&c);
}

static void test_overlapping_and_adjacent_ranges_merge(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	np_connset_add(&c, NP_PROTO_TCP, 10, 20);
	np_connset_add(&c, NP_PROTO_TCP, 30, 40);
	np_connset_add(&c, NP_PROTO_TCP, 21, 29); /* touches both: one range */
	assert_int_equal(c.n[NP_PROTO_TCP], 1);
	assert_int_equal(c.r[NP_PROTO_TCP][0].lo, 10);
	assert_int_equal(c.r[NP_PROTO_TCP][0].hi, 40);
	np_connset_add(&c, NP_PROTO_TCP, 35, 50);
	assert_string_equal(fmt(&c), "TCP 10-50");
	np_connset_release(&c);
}

static void test_ranges_stay_sorted_when_inserted_out_of_order(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	np_connset_add(&c, NP_PROTO_UDP, 500, 500);
	np_connset_add(&c, NP_PROTO_UDP, 53, 53);
	np_connset_add(&c, NP_PROTO_UDP, 100, 200);
	assert_string_equal(fmt(&c), "UDP 53,100-200,500");
	np_connset_release(&c);
}

static void test_ports_are_clamped_to_the_valid_range(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	np_connset_add(&c, NP_PROTO_SCTP, -5, 70000);
	assert_string_equal(fmt(&c), "SCTP 1-65535");
	np_connset_add(&c, NP_PROTO_TCP, 9, 3); /* empty */
	assert_int_equal(c.n[NP_PROTO_TCP], 0);
	np_connset_release(&c);
}

static void test_format_sorts_protocols_by_name_like_npguard(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	np_connset_set_all(&c);
	{
		struct np_connset d;

		np_connset_init(&d);
		np_connset_add(&d, NP_PROTO_TCP, 80, 80);
		np_connset_add(&d, NP_PROTO_UDP, 53, 53);
		np_connset_add(&d, NP_PROTO_SCTP, 9003, 9003);
		assert_int_equal(np_connset_subtract(&c, &d), 0);
		np_connset_release(&d);
	}
	assert_string_equal(fmt(&c), "SCTP 1-9002,9004-65535,TCP 1-79,81-65535,UDP 1-52,54-65535");
	np_connset_release(&c);
}

static void test_one_full_protocol_is_not_all_connections(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	np_connset_add_proto(&c, NP_PROTO_TCP);
	assert_false(np_connset_is_all(&c));
	assert_string_equal(fmt(&c), "TCP 1-65535");
	np_connset_release(&c);
}

static void test_intersection_keeps_common_ports_per_protocol(void **state)
{
	struct np_connset a, b;

	(void)state;
	np_connset_init(&a);
	np_connset_init(&b);
	np_connset_add(&a, NP_PROTO_TCP, 1, 100);
	np_connset_add(&a, NP_PROTO_UDP, 53, 53);
	np_connset_add(&b, NP_PROTO_TCP, 80, 443);
	np_connset_add(&b, NP_PROTO_SCTP, 1, 10);
	assert_int_equal(np_connset_intersect(&a, &b), 0);
	assert_string_equal(fmt(&a), "TCP 80-100");
	np_connset_release(&a);
	np_connset_release(&b);
}

static void test_subtract_splits_a_range(void **state)
{
	struct np_connset a, b;

	(void)state;
	np_connset_init(&a);
	np_connset_init(&b);
	np_connset_add(&a, NP_PROTO_TCP, 1, 100);
	np_connset_add(&b, NP_PROTO_TCP, 10, 20);
	np_connset_add(&b, NP_PROTO_TCP, 50, 50);
	assert_int_equal(np_connset_subtract(&a, &b), 0);
	assert_string_equal(fmt(&a), "TCP 1-9,21-49,51-100");
	assert_int_equal(np_connset_subtract(&a, &a), 0);
	assert_true(np_connset_is_empty(&a));
	np_connset_release(&a);
	np_connset_release(&b);
}

static void test_union_then_equal_is_structural(void **state)
{
	struct np_connset a, b;

	(void)state;
	np_connset_init(&a);
	np_connset_init(&b);
	np_connset_add(&a, NP_PROTO_TCP, 1, 5);
	np_connset_add(&a, NP_PROTO_TCP, 6, 10);
	np_connset_add(&b, NP_PROTO_TCP, 1, 10);
	assert_true(np_connset_equal(&a, &b));
	assert_true(np_connset_hash(&a, 7) == np_connset_hash(&b, 7));
	np_connset_add(&b, NP_PROTO_UDP, 1, 1);
	assert_false(np_connset_equal(&a, &b));
	assert_int_equal(np_connset_union(&a, &b), 0);
	assert_true(np_connset_equal(&a, &b));
	np_connset_release(&a);
	np_connset_release(&b);
}

static void test_contains_checks_range_boundaries(void **state)
{
	struct np_connset c;

	(void)state;
	np_connset_init(&c);
	np_connset_add(&c, NP_PROTO_TCP, 80, 81);
	np_connset_add(&c, NP_PROTO_TCP, 443, 443);
	assert_true(np_connset_contains(&c, NP_PROTO_TCP, 80));
	assert_true(np_connset_contains(&c, NP_PROTO_TCP, 81));
	assert_false(np_connset_contains(&c, NP_PROTO_TCP, 82));
	assert_true(np_connset_contains(&c, NP_PROTO_TCP, 443));
	assert_false(np_connset_contains(&c, NP_PROTO_UDP, 80));
	assert_false(np_connset_contains(&c, NP_PROTO_INVALID, 80));
	np_connset_release(&c);
}

static void test_parse_port_forms(void **state)
{
	struct np_connset c;
	const char *name;
	struct np_error err;

	(void)state;
	np_connset_init(&c);
	assert_int_equal(np_connset_parse_port(&c, "8080", &name, &err), 0);
	assert_string_equal(fmt(&c), "TCP 8080");
	assert_int_equal(np_connset_parse_port(&c, "udp/53", &name, &err), 0);
	assert_string_equal(fmt(&c), "UDP 53");
	assert_int_equal(np_connset_parse_port(&c, "SCTP/9000-9010", &name, &err), 0);
	assert_string_equal(fmt(&c), "SCTP 9000-9010");
	np_connset_release(&c);
}

static void test_parse_port_name_is_reported_not_parsed(void **state)
{
	struct np_connset c;
	const char *name = NULL;
	struct np_error err;

	(void)state;
	np_connset_init(&c);
	assert_int_equal(np_connset_parse_port(&c, "http-alt", &name, &err), NP_ENOTFOUND);
	assert_string_equal(name, "http-alt");
	np_connset_release(&c);
}

static void test_parse_port_rejects_bad_input(void **state)
{
	static const char *const bad[] = { "", "0", "65536", "tcp/", "icmp/8", "tcp/90-80",
					   "tcp/http", "Web", "80-", "1-2-3" };
	struct np_connset c;
	const char *name;
	struct np_error err;
	size_t i;

	(void)state;
	np_connset_init(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(np_connset_parse_port(&c, bad[i], &name, &err), NP_EUSAGE);
		assert_true(err.msg[0] != '\0');
	}
	np_connset_release(&c);
}

static void test_format_reports_full_length_when_truncated(void **state)
{
	struct np_connset c;
	char small[8];
	size_t n;

	(void)state;
	np_connset_init(&c);
	np_connset_add(&c, NP_PROTO_TCP, 1000, 2000);
	n = np_connset_format(&c, small, sizeof(small));
	assert_int_equal(n, strlen("TCP 1000-2000"));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	np_connset_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_set_is_no_connections),
		cmocka_unit_test(test_all_protocols_all_ports_is_all_connections),
		cmocka_unit_test(test_overlapping_and_adjacent_ranges_merge),
		cmocka_unit_test(test_ranges_stay_sorted_when_inserted_out_of_order),
		cmocka_unit_test(test_ports_are_clamped_to_the_valid_range),
		cmocka_unit_test(test_format_sorts_protocols_by_name_like_npguard),
		cmocka_unit_test(test_one_full_protocol_is_not_all_connections),
		cmocka_unit_test(test_intersection_keeps_common_ports_per_protocol),
		cmocka_unit_test(test_subtract_splits_a_range),
		cmocka_unit_test(test_union_then_equal_is_structural),
		cmocka_unit_test(test_contains_checks_range_boundaries),
		cmocka_unit_test(test_parse_port_forms),
		cmocka_unit_test(test_parse_port_name_is_reported_not_parsed),
		cmocka_unit_test(test_parse_port_rejects_bad_input),
		cmocka_unit_test(test_format_reports_full_length_when_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
