/* --limit NAME=VALUE parsing and the DESIGN §8 defaults. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/snapshot.h"

static void test_defaults_match_design(void **state)
{
	struct np_limits l;
	struct np_decode_limits d;

	(void)state;
	np_limits_default(&l);
	np_decode_limits_default(&d);
	assert_true(l.total_bytes == 4ULL << 30);
	assert_true(l.member_bytes == 1ULL << 30);
	assert_true(l.members == 100000);
	assert_true(l.ratio == 1000);
	assert_true(l.path_length == 4096);
	assert_memory_equal(&l.decode, &d, sizeof(d));
}

static void test_plain_number(void **state)
{
	struct np_limits l;

	(void)state;
	np_limits_default(&l);
	assert_int_equal(np_limits_set(&l, "members=250", NULL), 0);
	assert_true(l.members == 250);
	assert_int_equal(np_limits_set(&l, "ratio=50", NULL), 0);
	assert_true(l.ratio == 50);
	assert_int_equal(np_limits_set(&l, "path-length=100", NULL), 0);
	assert_true(l.path_length == 100);
}

static void test_binary_size_suffixes(void **state)
{
	struct np_limits l;

	(void)state;
	np_limits_default(&l);
	assert_int_equal(np_limits_set(&l, "member-bytes=64Ki", NULL), 0);
	assert_true(l.member_bytes == 64ULL * 1024);
	assert_int_equal(np_limits_set(&l, "total-bytes=3Mi", NULL), 0);
	assert_true(l.total_bytes == 3ULL << 20);
	assert_int_equal(np_limits_set(&l, "total-bytes=8Gi", NULL), 0);
	assert_true(l.total_bytes == 8ULL << 30);
	assert_int_equal(np_limits_set(&l, "document-bytes=2Mi", NULL), 0);
	assert_true(l.decode.max_doc_bytes == 2u << 20);
}

static void test_decimal_suffixes(void **state)
{
	struct np_limits l;

	(void)state;
	np_limits_default(&l);
	assert_int_equal(np_limits_set(&l, "member-bytes=5M", NULL), 0);
	assert_true(l.member_bytes == 5000000ULL);
	assert_int_equal(np_limits_set(&l, "scalar-bytes=10k", NULL), 0);
	assert_true(l.decode.max_scalar_bytes == 10000u);
}

static void test_decode_limits_are_settable(void **state)
{
	struct np_limits l;

	(void)state;
	np_limits_default(&l);
	assert_int_equal(np_limits_set(&l, "depth=64", NULL), 0);
	assert_int_equal(np_limits_set(&l, "documents=7", NULL), 0);
	assert_int_equal(np_limits_set(&l, "aliases=9", NULL), 0);
	assert_int_equal(np_limits_set(&l, "nodes=11", NULL), 0);
	assert_true(l.decode.max_depth == 64);
	assert_true(l.decode.max_documents == 7);
	assert_true(l.decode.max_alias_expansions == 9);
	assert_true(l.decode.max_nodes == 11);
}

static void test_unknown_name_is_usage_error(void **state)
{
	struct np_limits l, before;
	struct np_error err;

	(void)state;
	np_limits_default(&l);
	before = l;
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_limits_set(&l, "bogus=1", &err), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "bogus"));
	assert_memory_equal(&l, &before, sizeof(l));
}

static void test_bad_values_are_usage_errors(void **state)
{
	static const char *const bad[] = {
		"members=", "members=-1", "members=0", "members=1Ki", "ratio=12x",
		"member-bytes=1Zi", "member-bytes=Gi", "total-bytes=99999999999999999999",
		"total-bytes=20000000000Gi", "members", "=5", " members=5", "members=5 ",
	};
	struct np_limits l;
	size_t i;

	(void)state;
	np_limits_default(&l);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct np_error err;
		memset(&err, 0, sizeof(err));
		assert_int_equal(np_limits_set(&l, bad[i], &err), NP_EUSAGE);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_error_names_the_limit(void **state)
{
	struct np_limits l;
	struct np_error err;

	(void)state;
	np_limits_default(&l);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_limits_set(&l, "ratio=abc", &err), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "ratio"));
	assert_non_null(strstr(err.msg, "abc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_design),
		cmocka_unit_test(test_plain_number),
		cmocka_unit_test(test_binary_size_suffixes),
		cmocka_unit_test(test_decimal_suffixes),
		cmocka_unit_test(test_decode_limits_are_settable),
		cmocka_unit_test(test_unknown_name_is_usage_error),
		cmocka_unit_test(test_bad_values_are_usage_errors),
		cmocka_unit_test(test_error_names_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
