/* Error records and their one-line rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/error.h"

static void test_format_file_member_line_column(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_setat(&err, NP_EPARSE, "bundle.tar.gz", "cluster-resources/pods/team-a.json", 12,
		       3, "expected an array");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "bundle.tar.gz: cluster-resources/pods/team-a.json:12:3: expected an array");
}

static void test_format_file_line_column(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_setat(&err, NP_EPARSE, "pods.yaml", NULL, 4, 7, "duplicate key");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "pods.yaml:4:7: duplicate key");
}

static void test_format_omits_unknown_column(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_setat(&err, NP_EPARSE, "pods.yaml", NULL, 4, 0, "bad");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "pods.yaml:4: bad");
}

static void test_format_without_position(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_setat(&err, NP_EIO, "x.tar", "", 0, 0, "truncated archive");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "x.tar: truncated archive");
}

static void test_format_message_only(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_set(&err, NP_ENOMEM, "out of %s", "memory");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "out of memory");
}

static void test_set_returns_code_and_accepts_null(void **state)
{
	struct np_error err;

	assert_int_equal(np_error_set(NULL, NP_EPARSE, "x"), NP_EPARSE);
	assert_int_equal(np_error_setat(NULL, NP_ELIMIT, "f", NULL, 1, 1, "x"), NP_ELIMIT);
	assert_int_equal(np_error_set(&err, NP_EIO, "x %d", 5), NP_EIO);
	assert_int_equal(err.code, NP_EIO);
	assert_string_equal(err.msg, "x 5");
}

static void test_set_clears_an_earlier_position(void **state)
{
	struct np_error err;

	np_error_setat(&err, NP_EPARSE, "a.json", "m", 3, 4, "old");
	np_error_set(&err, NP_EIO, "new");
	assert_string_equal(err.file, "");
	assert_string_equal(err.member, "");
	assert_int_equal(err.line, 0);
	assert_int_equal(err.column, 0);
}

static void test_clear_resets_everything(void **state)
{
	struct np_error err;

	np_error_setat(&err, NP_EPARSE, "a.json", "m", 3, 4, "old");
	err.http_status = 404;
	np_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_int_equal(err.http_status, 0);
	assert_string_equal(err.msg, "");
	np_error_clear(NULL);
}

static void test_long_fields_are_truncated(void **state)
{
	struct np_error err;
	char longname[2000], buf[64];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	np_error_setat(&err, NP_EPARSE, longname, longname, 1, 1, "%s", longname);
	assert_int_equal(strlen(err.file), sizeof(err.file) - 1);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	np_error_format(&err, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

static void test_format_escapes_control_characters(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_setat(&err, NP_EPARSE, "a\nb.yaml", NULL, 1, 2, "key \x1b[31mred\x7f");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "a\\x0ab.yaml:1:2: key \\x1b[31mred\\x7f");
}

static void test_format_escapes_bidi_and_c1(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_set(&err, NP_EPARSE, "x\xe2\x80\xaey \xc2\x85z \xc3\xa9");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "x\\u202ey \\x85z \xc3\xa9");
}

static void test_format_replaces_invalid_utf8(void **state)
{
	struct np_error err;
	char buf[256];

	np_error_set(&err, NP_EPARSE, "bad \xff\xc3 end");
	np_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "bad \xef\xbf\xbd\xef\xbf\xbd end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_file_member_line_column),
		cmocka_unit_test(test_format_file_line_column),
		cmocka_unit_test(test_format_omits_unknown_column),
		cmocka_unit_test(test_format_without_position),
		cmocka_unit_test(test_format_message_only),
		cmocka_unit_test(test_set_returns_code_and_accepts_null),
		cmocka_unit_test(test_set_clears_an_earlier_position),
		cmocka_unit_test(test_clear_resets_everything),
		cmocka_unit_test(test_long_fields_are_truncated),
		cmocka_unit_test(test_format_escapes_control_characters),
		cmocka_unit_test(test_format_escapes_bidi_and_c1),
		cmocka_unit_test(test_format_replaces_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
