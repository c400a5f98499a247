/* Arena: alignment, zeroing, overflow checks, reset reusing the first block. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/arena.h"

static void test_alloc_is_16_byte_aligned(void **state)
{
	struct np_arena a;
	size_t sizes[] = { 1, 3, 7, 16, 17, 33, 100, 4095, 70000, 1 };
	size_t i;

	np_arena_init(&a);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = np_arena_alloc(&a, sizes[i]);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
	}
	np_arena_release(&a);
}

static void test_alloc_returns_zeroed_memory(void **state)
{
	struct np_arena a;
	unsigned char *p;
	size_t i;

	np_arena_init(&a);
	p = np_arena_alloc(&a, 1000);
	assert_non_null(p);
	for (i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	np_arena_release(&a);
}

static void test_allocations_do_not_overlap(void **state)
{
	struct np_arena a;
	unsigned char *p[200];
	size_t i, j;

	np_arena_init(&a);
	for (i = 0; i < 200; i++) {
		p[i] = np_arena_alloc(&a, 1000 + i * 37);
		assert_non_null(p[i]);
		memset(p[i], (int)i, 1000 + i * 37);
	}
	for (i = 0; i < 200; i++)
		for (j = 0; j < 1000 + i * 37; j++)
			assert_int_equal(p[i][j], (unsigned char)i);
	np_arena_release(&a);
}

static void test_large_allocation_leaves_current_block_usable(void **state)
{
	struct np_arena a;
	char *small1, *big, *small2;

	np_arena_init(&a);
	small1 = np_arena_alloc(&a, 16);
	big = np_arena_alloc(&a, 10u * 1024 * 1024);
	small2 = np_arena_alloc(&a, 16);
	assert_non_null(big);
	memset(big, 0x5a, 10u * 1024 * 1024);
	/* the small allocations come from the same (first) block, back to back */
	assert_ptr_equal(small2, small1 + 16);
	np_arena_release(&a);
}

static void test_alloc_size_overflow_returns_null(void **state)
{
	struct np_arena a;

	np_arena_init(&a);
	assert_null(np_arena_alloc(&a, SIZE_MAX));
	assert_null(np_arena_alloc(&a, SIZE_MAX - 8));
	assert_null(np_arena_alloc(&a, SIZE_MAX / 2 + 1));
	assert_non_null(np_arena_alloc(&a, 8));
	np_arena_release(&a);
}

static void test_strndup_copies_and_terminates(void **state)
{
	struct np_arena a;
	char *s;

	np_arena_init(&a);
	s = np_arena_strndup(&a, "hello world", 5);
	assert_non_null(s);
	assert_string_equal(s, "hello");
	s = np_arena_strndup(&a, "", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	np_arena_release(&a);
}

static void test_strndup_keeps_embedded_nul(void **state)
{
	struct np_arena a;
	char *s;

	np_arena_init(&a);
	s = np_arena_strndup(&a, "a\0b", 3);
	assert_non_null(s);
	assert_memory_equal(s, "a\0b\0", 4);
	np_arena_release(&a);
}

static void test_strndup_length_overflow_returns_null(void **state)
{
	struct np_arena a;

	np_arena_init(&a);
	assert_null(np_arena_strndup(&a, "x", SIZE_MAX));
	np_arena_release(&a);
}

static void test_reset_reuses_first_block(void **state)
{
	struct np_arena a;
	char *first, *again;
	int i;

	np_arena_init(&a);
	first = np_arena_alloc(&a, 32);
	for (i = 0; i < 100; i++)
		assert_non_null(np_arena_alloc(&a, 10000));
	np_arena_reset(&a);
	again = np_arena_alloc(&a, 32);
	assert_ptr_equal(first, again);
	np_arena_release(&a);
}

static void test_reset_memory_is_zeroed_again(void **state)
{
	struct np_arena a;
	unsigned char *p;
	size_t i;

	np_arena_init(&a);
	p = np_arena_alloc(&a, 512);
	memset(p, 0xff, 512);
	np_arena_reset(&a);
	p = np_arena_alloc(&a, 512);
	for (i = 0; i < 512; i++)
		assert_int_equal(p[i], 0);
	np_arena_release(&a);
}

static void test_used_total_counts_and_resets(void **state)
{
	struct np_arena a;

	np_arena_init(&a);
	assert_int_equal(a.used_total, 0);
	np_arena_alloc(&a, 10);
	np_arena_alloc(&a, 100);
	assert_true(a.used_total >= 110);
	np_arena_reset(&a);
	assert_int_equal(a.used_total, 0);
	np_arena_release(&a);
}

static void test_release_then_reuse(void **state)
{
	struct np_arena a;

	np_arena_init(&a);
	assert_non_null(np_arena_alloc(&a, 100));
	np_arena_release(&a);
	assert_non_null(np_arena_alloc(&a, 100));
	np_arena_release(&a);
	np_arena_release(&a);
	np_arena_release(NULL);
	np_arena_reset(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_is_16_byte_aligned),
		cmocka_unit_test(test_alloc_returns_zeroed_memory),
		cmocka_unit_test(test_allocations_do_not_overlap),
		cmocka_unit_test(test_large_allocation_leaves_current_block_usable),
		cmocka_unit_test(test_alloc_size_overflow_returns_null),
		cmocka_unit_test(test_strndup_copies_and_terminates),
		cmocka_unit_test(test_strndup_keeps_embedded_nul),
		cmocka_unit_test(test_strndup_length_overflow_returns_null),
		cmocka_unit_test(test_reset_reuses_first_block),
		cmocka_unit_test(test_reset_memory_is_zeroed_again),
		cmocka_unit_test(test_used_total_counts_and_resets),
		cmocka_unit_test(test_release_then_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
