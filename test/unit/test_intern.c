/* Interning: one canonical pointer per distinct byte string. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/intern.h"

static void test_equal_strings_share_a_pointer(void **state)
{
	struct np_intern t;
	char buf[8];
	const char *a, *b;

	np_intern_init(&t);
	strcpy(buf, "app");
	a = np_intern(&t, "app");
	b = np_intern(&t, buf);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, buf);
	assert_string_equal(a, "app");
	np_intern_release(&t);
}

static void test_different_strings_get_different_pointers(void **state)
{
	struct np_intern t;

	np_intern_init(&t);
	assert_ptr_not_equal(np_intern(&t, "app"), np_intern(&t, "apq"));
	assert_ptr_not_equal(np_intern(&t, "app"), np_intern(&t, "ap"));
	np_intern_release(&t);
}

static void test_intern_n_reads_only_len_bytes(void **state)
{
	struct np_intern t;
	const char text[] = { 'k', 'u', 'b', 'e', '-', 's' }; /* not NUL-terminated */
	const char *a;

	np_intern_init(&t);
	a = np_intern_n(&t, text, 4);
	assert_non_null(a);
	assert_string_equal(a, "kube");
	assert_ptr_equal(a, np_intern(&t, "kube"));
	np_intern_release(&t);
}

static void test_embedded_nul_is_part_of_the_key(void **state)
{
	struct np_intern t;
	const char *a, *b;

	np_intern_init(&t);
	a = np_intern_n(&t, "a\0b", 3);
	b = np_intern_n(&t, "a", 1);
	assert_ptr_not_equal(a, b);
	assert_ptr_equal(a, np_intern_n(&t, "a\0b", 3));
	np_intern_release(&t);
}

static void test_empty_string_is_interned(void **state)
{
	struct np_intern t;
	const char *a;

	np_intern_init(&t);
	a = np_intern_n(&t, "", 0);
	assert_non_null(a);
	assert_string_equal(a, "");
	assert_ptr_equal(a, np_intern(&t, ""));
	np_intern_release(&t);
}

static void test_null_string_returns_null(void **state)
{
	struct np_intern t;

	np_intern_init(&t);
	assert_null(np_intern(&t, NULL));
	np_intern_release(&t);
}

static void test_pointers_survive_table_growth(void **state)
{
	struct np_intern t;
	static const char *first[1000];
	char buf[32];
	int i;

	np_intern_init(&t);
	for (i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "label-%d", i);
		first[i] = np_intern(&t, buf);
		assert_non_null(first[i]);
	}
	for (i = 1000; i < 100000; i++) {
		snprintf(buf, sizeof(buf), "label-%d", i);
		assert_non_null(np_intern(&t, buf));
	}
	assert_int_equal(t.count, 100000);
	assert_true(t.count * 10 <= t.cap * 7); /* load stays at or below 70% */
	for (i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "label-%d", i);
		assert_ptr_equal(first[i], np_intern(&t, buf));
	}
	assert_int_equal(t.count, 100000);
	np_intern_release(&t);
}

static void test_release_is_null_safe_and_reusable(void **state)
{
	struct np_intern t;

	np_intern_release(NULL);
	np_intern_init(&t);
	np_intern_release(&t);
	np_intern_init(&t);
	assert_non_null(np_intern(&t, "x"));
	np_intern_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_strings_share_a_pointer),
		cmocka_unit_test(test_different_strings_get_different_pointers),
		cmocka_unit_test(test_intern_n_reads_only_len_bytes),
		cmocka_unit_test(test_embedded_nul_is_part_of_the_key),
		cmocka_unit_test(test_empty_string_is_interned),
		cmocka_unit_test(test_null_string_returns_null),
		cmocka_unit_test(test_pointers_survive_table_growth),
		cmocka_unit_test(test_release_is_null_safe_and_reusable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
