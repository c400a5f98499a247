/* Tree lookups and default limits. Trees are built by hand so these tests do
 * not depend on a decoder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/node.h"

static struct np_node str_node(const char *s)
{
	struct np_node n;

	memset(&n, 0, sizeof(n));
	n.type = NP_NODE_STRING;
	n.u.str.s = s;
	n.u.str.len = strlen(s);
	return n;
}

static struct np_pair pair(const char *k, struct np_node *v, int line, int col)
{
	struct np_pair p;

	p.key = k;
	p.key_len = strlen(k);
	p.key_line = line;
	p.key_column = col;
	p.value = v;
	return p;
}

static struct np_node map_node(struct np_pair *pairs, size_t n)
{
	struct np_node m;

	memset(&m, 0, sizeof(m));
	m.type = NP_NODE_MAP;
	m.u.map.pairs = pairs;
	m.u.map.n = n;
	return m;
}

static void test_limits_default_values(void **state)
{
	struct np_decode_limits l;

	memset(&l, 0xff, sizeof(l));
	np_decode_limits_default(&l);
	assert_int_equal(l.max_depth, 512);
	assert_int_equal(l.max_doc_bytes, 256u * 1024 * 1024);
	assert_int_equal(l.max_documents, 1000000);
	assert_int_equal(l.max_alias_expansions, 10000);
	assert_int_equal(l.max_nodes, 10000000);
	assert_int_equal(l.max_scalar_bytes, 64u * 1024 * 1024);
}

static void test_get_finds_a_key(void **state)
{
	struct np_node a = str_node("1"), b = str_node("2");
	struct np_pair pairs[] = { pair("a", &a, 1, 1), pair("b", &b, 2, 1) };
	struct np_node m = map_node(pairs, 2);

	assert_ptr_equal(np_node_get(&m, "b"), &b);
	assert_ptr_equal(np_node_get(&m, "a"), &a);
}

static void test_get_last_duplicate_wins(void **state)
{
	struct np_node a1 = str_node("1"), a2 = str_node("2");
	struct np_pair pairs[] = { pair("a", &a1, 1, 1), pair("a", &a2, 2, 1) };
	struct np_node m = map_node(pairs, 2);

	assert_ptr_equal(np_node_get(&m, "a"), &a2);
}

static void test_get_absent_key_or_non_map_is_null(void **state)
{
	struct np_node a = str_node("1");
	struct np_pair pairs[] = { pair("abc", &a, 1, 1) };
	struct np_node m = map_node(pairs, 1);

	assert_null(np_node_get(&m, "ab"));
	assert_null(np_node_get(&m, "abcd"));
	assert_null(np_node_get(&a, "abc"));
	assert_null(np_node_get(NULL, "abc"));
	assert_null(np_node_get(&m, NULL));
}

static void test_get_does_not_match_key_with_embedded_nul(void **state)
{
	struct np_node a = str_node("1");
	struct np_pair p = { "ab\0c", 4, 1, 1, &a };
	struct np_node m = map_node(&p, 1);

	assert_null(np_node_get(&m, "ab"));
}

static void test_get_pair_gives_key_position(void **state)
{
	struct np_node a = str_node("1");
	struct np_pair pairs[] = { pair("x", &a, 7, 9) };
	struct np_node m = map_node(pairs, 1);
	const struct np_pair *p = np_node_get_pair(&m, "x");

	assert_non_null(p);
	assert_int_equal(p->key_line, 7);
	assert_int_equal(p->key_column, 9);
	assert_ptr_equal(p->value, &a);
}

static void test_path_walks_nested_maps(void **state)
{
	struct np_node leaf = str_node("web");
	struct np_pair p3[] = { pair("app", &leaf, 3, 1) };
	struct np_node labels = map_node(p3, 1);
	struct np_pair p2[] = { pair("labels", &labels, 2, 1) };
	struct np_node meta = map_node(p2, 1);
	struct np_pair p1[] = { pair("metadata", &meta, 1, 1) };
	struct np_node root = map_node(p1, 1);

	assert_ptr_equal(np_node_path(&root, "metadata.labels.app"), &leaf);
	assert_ptr_equal(np_node_path(&root, "metadata"), &meta);
	assert_null(np_node_path(&root, "metadata.name"));
	assert_null(np_node_path(&root, "metadata.labels.app.x"));
	assert_null(np_node_path(&root, "metadata..app"));
	assert_null(np_node_path(NULL, "metadata"));
}

static void test_str_only_for_strings(void **state)
{
	struct np_node s = str_node("x"), i;

	memset(&i, 0, sizeof(i));
	i.type = NP_NODE_INT;
	assert_string_equal(np_node_str(&s), "x");
	assert_null(np_node_str(&i));
	assert_null(np_node_str(NULL));
}

static void test_is_checks_type_and_null(void **state)
{
	struct np_node s = str_node("x");

	assert_true(np_node_is(&s, NP_NODE_STRING));
	assert_false(np_node_is(&s, NP_NODE_MAP));
	assert_false(np_node_is(NULL, NP_NODE_NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits_default_values),
		cmocka_unit_test(test_get_finds_a_key),
		cmocka_unit_test(test_get_last_duplicate_wins),
		cmocka_unit_test(test_get_absent_key_or_non_map_is_null),
		cmocka_unit_test(test_get_does_not_match_key_with_embedded_nul),
		cmocka_unit_test(test_get_pair_gives_key_position),
		cmocka_unit_test(test_path_walks_nested_maps),
		cmocka_unit_test(test_str_only_for_strings),
		cmocka_unit_test(test_is_checks_type_and_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
