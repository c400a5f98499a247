/* YAML decoder: kubectl's YAML 1.1 reading, positions, anchors, merges,
 * duplicate keys, multi-document streams and limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "netpol/node.h"

typedef void (*check_fn)(const struct np_node *doc, int index, void *arg);

struct run {
	check_fn check;
	void *arg;
	int ndocs;
	int stop_after;
};

static int on_doc(void *ctx, const struct np_node *doc, int index)
{
	struct run *r = ctx;

	assert_int_equal(index, r->ndocs);
	r->ndocs++;
	if (r->check)
		r->check(doc, index, r->arg);
	if (r->stop_after && r->ndocs >= r->stop_after)
		return NP_EINVAL;
	return 0;
}

static int decode_lim(const char *s, const struct np_decode_limits *lim, struct run *r,
		      struct np_error *err)
{
	np_error_clear(err);
	return np_yaml_decode(s, strlen(s), "in.yaml", lim, on_doc, r, err);
}

static int decode(const char *s, check_fn check, void *arg, struct np_error *err, int *ndocs)
{
	struct run r = { check, arg, 0, 0 };
	int rc = decode_lim(s, NULL, &r, err);

	if (ndocs)
		*ndocs = r.ndocs;
	return rc;
}

static void want_error(const char *s, int code, int line, int col)
{
	struct np_error err;

	assert_int_equal(decode(s, NULL, NULL, &err, NULL), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.file, "in.yaml");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
}

/* ---- scalar resolution: "v: TEXT" decodes to the expected node ---- */

struct want {
	enum np_node_type type;
	int64_t i;
	bool b;
	const char *s;
	bool quoted;
};

static void check_v(const struct np_node *doc, int index, void *arg)
{
	const struct want *w = arg;
	const struct np_node *v = np_node_get(doc, "v");

	assert_non_null(v);
	assert_int_equal(v->type, w->type);
	if (w->type == NP_NODE_INT)
		assert_true(v->u.i == w->i);
	if (w->type == NP_NODE_BOOL)
		assert_int_equal(v->u.b, w->b);
	if (w->type == NP_NODE_STRING || (w->type == NP_NODE_FLOAT && w->s))
		assert_string_equal(v->u.str.s, w->s);
	assert_int_equal(v->quoted, w->quoted);
}

static void want_value(const char *text, struct want w)
{
	char doc[256];
	struct np_error err;

	snprintf(doc, sizeof(doc), "v: %s\n", text);
	assert_int_equal(decode(doc, check_v, &w, &err, NULL), 0);
}

#define WANT_INT(t, v) want_value(t, (struct want){ NP_NODE_INT, v, false, NULL, false })
#define WANT_BOOL(t, v) want_value(t, (struct want){ NP_NODE_BOOL, 0, v, NULL, false })
#define WANT_NULL(t) want_value(t, (struct want){ NP_NODE_NULL, 0, false, NULL, false })
#define WANT_FLOAT(t, s) want_value(t, (struct want){ NP_NODE_FLOAT, 0, false, s, false })
#define WANT_STR(t, s) want_value(t, (struct want){ NP_NODE_STRING, 0, false, s, false })
#define WANT_QSTR(t, s) want_value(t, (struct want){ NP_NODE_STRING, 0, false, s, true })

static void test_yaml11_true_words(void **state)
{
	const char *w[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" };
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		WANT_BOOL(w[i], true);
}

static void test_yaml11_false_words(void **state)
{
	const char *w[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" };
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		WANT_BOOL(w[i], false);
}

static void test_bool_lookalikes_are_strings(void **state)
{
	WANT_STR("yES", "yES");
	WANT_STR("oN", "oN");
	WANT_STR("truee", "truee");
	WANT_STR("nope", "nope");
}

static void test_null_forms(void **state)
{
	WANT_NULL("~");
	WANT_NULL("null");
	WANT_NULL("Null");
	WANT_NULL("NULL");
	WANT_NULL("");
	WANT_STR("nULL", "nULL");
}

static void test_decimal_ints_with_sign(void **state)
{
	WANT_INT("0", 0);
	WANT_INT("42", 42);
	WANT_INT("-17", -17);
	WANT_INT("+12", 12);
	WANT_INT("9223372036854775807", INT64_MAX);
	WANT_INT("-9223372036854775808", INT64_MIN);
}

static void test_hex_octal_binary_ints(void **state)
{
	WANT_INT("0x1F", 31);
	WANT_INT("0XfF", 255);
	WANT_INT("0644", 420);
	WANT_INT("0o17", 15);
	WANT_INT("0b101", 5);
	WANT_INT("-0x10", -16);
}

static void test_underscores_in_numbers(void **state)
{
	WANT_INT("1_000_000", 1000000);
	WANT_INT("0x_ff", 255);
	WANT_FLOAT("1_000.5", "1000.5");
}

static void test_ints_beyond_int64_are_floats(void **state)
{
	WANT_FLOAT("9223372036854775808", "9223372036854775808");
	WANT_FLOAT("-9223372036854775809", "-9223372036854775809");
	WANT_FLOAT("0xFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFF");
}

static void test_floats(void **state)
{
	WANT_FLOAT("1.5", "1.5");
	WANT_FLOAT("1e3", "1e3");
	WANT_FLOAT("-2.5E-3", "-2.5E-3");
	WANT_FLOAT(".5", ".5");
	WANT_FLOAT("1.", "1.");
	WANT_FLOAT(".inf", ".inf");
	WANT_FLOAT("-.Inf", "-.Inf");
	WANT_FLOAT("+.INF", "+.INF");
	WANT_FLOAT(".nan", ".nan");
	WANT_FLOAT(".NaN", ".NaN");
}

static void test_invalid_octal_digits_read_as_float_like_go_yaml(void **state)
{
	WANT_FLOAT("09", "09");
	WANT_FLOAT("0128", "0128");
}

static void test_number_lookalikes_are_strings(void **state)
{
	WANT_STR("1.2.3", "1.2.3");
	WANT_STR("0x", "0x");
	WANT_STR("0b102", "0b102");
	WANT_STR("+", "+");
	WANT_STR(".", ".");
	WANT_STR("1e", "1e");
	WANT_STR("12abc", "12abc");
	WANT_STR("2001-12-14", "2001-12-14");
	WANT_STR("10.0.0.0/8", "10.0.0.0/8");
	WANT_STR("_1", "_1");
	WANT_STR(".inF", ".inF");
}

static void test_quoted_scalars_are_strings(void **state)
{
	WANT_QSTR("\"80\"", "80");
	WANT_QSTR("'yes'", "yes");
	WANT_QSTR("\"\"", "");
	WANT_QSTR("'~'", "~");
	WANT_QSTR("\"a\\tb\\u00e9\"", "a\tb\xc3\xa9");
}

static void test_block_scalars_are_strings(void **state)
{
	WANT_QSTR("|\n  80\n", "80\n");
	WANT_QSTR(">-\n  yes\n  no\n", "yes no");
}

static void test_plain_strings_are_not_quoted(void **state)
{
	WANT_STR("hello world", "hello world");
}

/* ---- tags ---- */

static void test_str_tag_forces_a_string(void **state)
{
	WANT_STR("!!str 123", "123");
	WANT_STR("!!str yes", "yes");
	WANT_STR("!!str", "");
}

static void test_core_tags_resolve_their_value(void **state)
{
	want_value("!!int \"42\"", (struct want){ NP_NODE_INT, 42, false, NULL, true });
	want_value("!!int '0x10'", (struct want){ NP_NODE_INT, 16, false, NULL, true });
	WANT_BOOL("!!bool yes", true);
	WANT_FLOAT("!!float 3", "3");
	WANT_NULL("!!null ~");
}

static void test_core_tag_mismatch_is_an_error(void **state)
{
	want_error("a: 1\nv: !!int abc\n", NP_EPARSE, 2, 4);
	want_error("v: !!bool 1\n", NP_EPARSE, 1, 4);
	want_error("v: !!float abc\n", NP_EPARSE, 1, 4);
}

static void test_binary_tag_stays_a_string(void **state)
{
	WANT_STR("!!binary aGVsbG8=", "aGVsbG8=");
}

static void test_custom_tags_are_ignored(void **state)
{
	WANT_INT("!foo 12", 12);
	WANT_BOOL("!<tag:example.com,2000:x> yes", true);
	WANT_STR("!bar hello", "hello");
}

static void test_python_tags_are_rejected(void **state)
{
	want_error("v: !!python/object/apply:os.system [\"ls\"]\n", NP_EPARSE, 1, 4);
	want_error("v: !!python/name:os.system ''\n", NP_EPARSE, 1, 4);
	want_error("v: !<tag:yaml.org,2002:python/str> x\n", NP_EPARSE, 1, 4);
}

/* ---- positions, documents ---- */

static void check_positions(const struct np_node *doc, int index, void *arg)
{
	const struct np_pair *p;
	const struct np_node *n;

	assert_int_equal(doc->line, 2);
	assert_int_equal(doc->column, 1);
	n = np_node_path(doc, "spec.podSelector.matchLabels");
	assert_non_null(n);
	p = np_node_get_pair(n, "app");
	assert_non_null(p);
	assert_int_equal(p->key_line, 6);
	assert_int_equal(p->key_column, 7);
	assert_int_equal(p->value->line, 6);
	assert_int_equal(p->value->column, 12);
	n = np_node_path(doc, "spec.ports");
	assert_int_equal(n->type, NP_NODE_SEQ);
	assert_int_equal(n->line, 7);
	assert_int_equal(n->column, 10);
	assert_int_equal(n->u.seq.items[0]->column, 11);
	assert_int_equal(n->u.seq.items[1]->line, 8);
	assert_int_equal(n->u.seq.items[1]->column, 5);
	p = np_node_get_pair(n->u.seq.items[1], "port");
	assert_int_equal(p->key_line, 8);
	assert_int_equal(p->key_column, 6);
	assert_int_equal(p->value->line, 8);
	assert_int_equal(p->value->column, 12);
}

static void test_positions_of_nested_values_and_keys(void **state)
{
	struct np_error err;
	const char *s = "# comment\n"
			"kind: NetworkPolicy\n"
			"spec:\n"
			"  podSelector:\n"
			"    matchLabels:\n"
			"      app: web\n"
			"  ports: [{port: 80},\n"
			"    {port: 443}]\n";

	assert_int_equal(decode(s, check_positions, NULL, &err, NULL), 0);
}

static void check_utf8_columns(const struct np_node *doc, int index, void *arg)
{
	const struct np_pair *p = np_node_get_pair(doc, "b");

	assert_int_equal(p->key_column, 10); /* {a: ééé, b: 1} */
}

static void test_columns_count_characters(void **state)
{
	struct np_error err;

	assert_int_equal(decode("{a: \xc3\xa9\xc3\xa9\xc3\xa9, b: 1}", check_utf8_columns, NULL, &err,
				NULL), 0);
}

static void check_kinds(const struct np_node *doc, int index, void *arg)
{
	const char **kinds = arg;

	assert_string_equal(np_node_str(np_node_get(doc, "kind")), kinds[index]);
}

static void test_multiple_documents_in_order(void **state)
{
	const char *kinds[] = { "A", "B", "C" };
	struct np_error err;
	int n;

	assert_int_equal(decode("kind: A\n---\nkind: B\n...\n---\nkind: C\n", check_kinds, kinds,
				&err, &n), 0);
	assert_int_equal(n, 3);
}

static void test_empty_documents_are_skipped(void **state)
{
	const char *kinds[] = { "A", "B" };
	struct np_error err;
	int n;

	assert_int_equal(decode("---\n---\n# only a comment\n---\nkind: A\n---\n\n---\nkind: B\n---\n",
				check_kinds, kinds, &err, &n), 0);
	assert_int_equal(n, 2);
}

static void test_empty_stream_has_no_documents(void **state)
{
	struct np_error err;
	int n = -1;

	assert_int_equal(decode("", NULL, NULL, &err, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(decode("# nothing\n", NULL, NULL, &err, &n), 0);
	assert_int_equal(n, 0);
}

static void check_json(const struct np_node *doc, int index, void *arg)
{
	assert_int_equal(np_node_get(doc, "a")->u.seq.n, 2);
	assert_true(np_node_get(doc, "b")->u.b);
}

static void test_json_is_read_as_yaml(void **state)
{
	struct np_error err;

	assert_int_equal(decode("{\"a\": [1, \"x\"], \"b\": true}", check_json, NULL, &err, NULL), 0);
}

static void test_callback_error_stops_decoding(void **state)
{
	struct np_error err;
	struct run r = { NULL, NULL, 0, 1 };

	assert_int_equal(decode_lim("a: 1\n---\nb: 2\n", NULL, &r, &err), NP_EINVAL);
	assert_int_equal(r.ndocs, 1);
}

static void test_error_after_good_document(void **state)
{
	struct np_error err;
	int n;

	assert_int_equal(decode("a: 1\n---\nb: [1\n", NULL, NULL, &err, &n), NP_EPARSE);
	assert_int_equal(n, 1);
	assert_int_equal(err.line, 4);
}

/* ---- keys ---- */

static void test_duplicate_key_is_an_error_at_the_duplicate(void **state)
{
	want_error("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n", NP_EPARSE, 5, 3);
}

static void test_duplicate_key_in_a_large_mapping(void **state)
{
	char *s = malloc(200000);
	size_t pos = 0;
	int i;
	struct np_error err;

	assert_non_null(s);
	for (i = 0; i < 5000; i++)
		pos += (size_t)sprintf(s + pos, "k%d: %d\n", i, i);
	sprintf(s + pos, "k77: dup\n");
	assert_int_equal(decode(s, NULL, NULL, &err, NULL), NP_EPARSE);
	assert_int_equal(err.line, 5001);
	assert_int_equal(err.column, 1);
	assert_non_null(strstr(err.msg, "k77"));
	free(s);
}

static void check_many_keys(const struct np_node *doc, int index, void *arg)
{
	assert_int_equal(doc->u.map.n, 5000);
	assert_int_equal(np_node_get(doc, "k4321")->u.i, 4321);
}

static void test_large_mapping_without_duplicates(void **state)
{
	char *s = malloc(200000);
	size_t pos = 0;
	int i;
	struct np_error err;

	assert_non_null(s);
	for (i = 0; i < 5000; i++)
		pos += (size_t)sprintf(s + pos, "k%d: %d\n", i, i);
	assert_int_equal(decode(s, check_many_keys, NULL, &err, NULL), 0);
	free(s);
}

static void test_keys_duplicate_after_stringification(void **state)
{
	want_error("1: a\n\"1\": b\n", NP_EPARSE, 2, 1);
	want_error("yes: a\ntrue: b\n", NP_EPARSE, 2, 1);
}

static void check_key_strings(const struct np_node *doc, int index, void *arg)
{
	assert_non_null(np_node_get(doc, "80"));
	assert_non_null(np_node_get(doc, "true"));
	assert_non_null(np_node_get(doc, "false"));
	assert_non_null(np_node_get(doc, "16"));
	assert_non_null(np_node_get(doc, "1.5"));
	assert_non_null(np_node_get(doc, "plain"));
}

static void test_scalar_keys_are_stringified_like_kubectl(void **state)
{
	struct np_error err;

	assert_int_equal(decode("80: a\nyes: b\noff: c\n0x10: d\n1.5: e\nplain: f\n",
				check_key_strings, NULL, &err, NULL), 0);
}

static void check_y_key(const struct np_node *doc, int index, void *arg)
{
	assert_null(np_node_get(doc, "y"));
	assert_int_equal(np_node_get(doc, "true")->u.i, 1);
}

static void test_y_key_is_the_bool_true_like_kubectl(void **state)
{
	struct np_error err;

	assert_int_equal(decode("y: 1\n", check_y_key, NULL, &err, NULL), 0);
}

static void test_null_key_is_an_error(void **state)
{
	want_error("a: 1\n~: 2\n", NP_EPARSE, 2, 1);
}

static void test_non_scalar_keys_are_errors(void **state)
{
	want_error("? [a, b]\n: c\n", NP_EPARSE, 1, 3);
	want_error("{a: 1, {b: 2}: 3}\n", NP_EPARSE, 1, 8);
	want_error("x: &m {a: 1}\n*m : 2\n", NP_EPARSE, 2, 1);
}

/* ---- anchors and aliases ---- */

static void check_alias(const struct np_node *doc, int index, void *arg)
{
	const struct np_node *a = np_node_get(doc, "a"), *b = np_node_get(doc, "b");

	assert_ptr_equal(a, b);
	assert_string_equal(np_node_str(np_node_get(b, "x")), "1x");
	assert_string_equal(np_node_str(np_node_get(doc, "c")), "s");
	assert_non_null(np_node_get(doc, "s"));
}

static void test_aliases_resolve_to_the_anchored_node(void **state)
{
	struct np_error err;

	assert_int_equal(decode("a: &a {x: 1x}\nk: &k s\nb: *a\nc: *k\n*k : 3\n", check_alias, NULL,
				&err, NULL), 0);
}

static void test_anchors_are_per_document(void **state)
{
	want_error("a: &a 1\n---\nb: *a\n", NP_EPARSE, 3, 4);
}

static void test_unknown_alias_is_an_error(void **state)
{
	want_error("a: 1\nb: *nope\n", NP_EPARSE, 2, 4);
}

static void test_self_referential_anchor_is_rejected(void **state)
{
	want_error("a: &a\n  b: *a\n", NP_EPARSE, 2, 6);
	want_error("a: &a [1, [*a]]\n", NP_EPARSE, 1, 12);
}

static void check_redefined(const struct np_node *doc, int index, void *arg)
{
	assert_int_equal(np_node_get(doc, "c")->u.i, 2);
}

static void test_redefined_anchor_uses_latest(void **state)
{
	struct np_error err;

	assert_int_equal(decode("a: &x 1\nb: &x 2\nc: *x\n", check_redefined, NULL, &err, NULL), 0);
}

static const char *laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
			    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
			    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
			    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
			    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
			    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
			    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";

static void test_billion_laughs_fails_fast_on_node_limit(void **state)
{
	struct np_error err;
	clock_t t0 = clock();

	assert_int_equal(decode(laughs, NULL, NULL, &err, NULL), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit nodes="));
	assert_int_equal(err.line, 8);
	/* generous bound: it must not expand anything */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

static void test_alias_dereference_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	np_decode_limits_default(&lim);
	lim.max_alias_expansions = 3;
	assert_int_equal(decode_lim("a: &a 1\nb: [*a, *a, *a]\n---\nc: &c 1\nd: [*c, *c, *c]\n",
				    &lim, &r, &err), 0);
	assert_int_equal(decode_lim("a: &a 1\nb: [*a, *a, *a, *a]\n", &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit aliases="));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 17); /* the fourth *a */
}

/* ---- merge keys ---- */

static void check_merge(const struct np_node *doc, int index, void *arg)
{
	const struct np_node *m = np_node_get(doc, "m");
	const struct np_pair *p;

	assert_int_equal(m->u.map.n, 3);
	assert_string_equal(np_node_str(np_node_get(m, "a")), "base-a");
	assert_string_equal(np_node_str(np_node_get(m, "b")), "own-b");
	assert_string_equal(np_node_str(np_node_get(m, "c")), "own-c");
	assert_null(np_node_get(m, "<<"));
	p = np_node_get_pair(m, "a");
	assert_int_equal(p->key_line, 2); /* the merged pair keeps its position */
}

static void test_merge_single_mapping_explicit_keys_win(void **state)
{
	struct np_error err;

	assert_int_equal(decode("base: &base\n  a: base-a\n  b: base-b\n"
				"m:\n  b: own-b\n  <<: *base\n  c: own-c\n",
				check_merge, NULL, &err, NULL), 0);
}

static void check_merge_seq(const struct np_node *doc, int index, void *arg)
{
	const struct np_node *m = np_node_get(doc, "m");

	assert_int_equal(m->u.map.n, 4);
	assert_int_equal(np_node_get(m, "x")->u.i, 1);
	assert_int_equal(np_node_get(m, "v")->u.i, 2);
	assert_int_equal(np_node_get(m, "z")->u.i, 9);
	assert_int_equal(np_node_get(m, "w")->u.i, 5);
}

static void test_merge_sequence_earlier_mappings_win(void **state)
{
	struct np_error err;

	assert_int_equal(decode("one: &one {x: 1, v: 2}\ntwo: &two {x: 3, z: 4, w: 5}\n"
				"m:\n  <<: [*one, *two, {z: 6}]\n  z: 9\n",
				check_merge_seq, NULL, &err, NULL), 0);
}

static void check_inline_merge(const struct np_node *doc, int index, void *arg)
{
	assert_int_equal(np_node_get(doc, "k")->u.i, 1);
	assert_int_equal(doc->u.map.n, 2);
}

static void test_merge_inline_mapping(void **state)
{
	struct np_error err;

	assert_int_equal(decode("<<: {k: 1}\nj: 2\n", check_inline_merge, NULL, &err, NULL), 0);
}

static void check_quoted_merge(const struct np_node *doc, int index, void *arg)
{
	assert_non_null(np_node_get(doc, "<<"));
}

static void test_quoted_merge_key_is_an_ordinary_key(void **state)
{
	struct np_error err;

	assert_int_equal(decode("\"<<\": {k: 1}\n", check_quoted_merge, NULL, &err, NULL), 0);
}

static void test_merge_of_a_scalar_is_an_error(void **state)
{
	want_error("m:\n  <<: 5\n", NP_EPARSE, 2, 7);
	want_error("m:\n  <<: [{a: 1}, 2]\n", NP_EPARSE, 2, 16);
}

/* ---- syntax and encoding errors ---- */

static void test_invalid_utf8_is_an_error_with_position(void **state)
{
	want_error("a: 1\nb: x\xff\n", NP_EPARSE, 2, 5);
}

static void test_unclosed_flow_sequence_reports_position(void **state)
{
	struct np_error err;

	assert_int_equal(decode("a:\n  b: [1, 2\nc: d\n", NULL, NULL, &err, NULL), NP_EPARSE);
	assert_int_equal(err.line, 3);
	assert_true(err.column >= 1);
	assert_true(strlen(err.msg) > 0);
}

static void test_truncated_quoted_string_is_an_error(void **state)
{
	struct np_error err;

	assert_int_equal(decode("a: \"abc", NULL, NULL, &err, NULL), NP_EPARSE);
	assert_int_equal(err.line, 1);
	assert_true(err.column >= 1);
}

static void test_bad_indentation_is_an_error(void **state)
{
	struct np_error err;

	assert_int_equal(decode("a:\n  b: 1\n c: 2\n", NULL, NULL, &err, NULL), NP_EPARSE);
	assert_int_equal(err.line, 3);
}

static void test_tab_indentation_is_an_error(void **state)
{
	struct np_error err;

	assert_int_equal(decode("a:\n\tb: 1\n", NULL, NULL, &err, NULL), NP_EPARSE);
	assert_int_equal(err.line, 2);
}

static void test_every_truncation_never_crashes(void **state)
{
	const char *s = "a: &x {b: [1, \"two\", 'three'], c: |\n    block\n}\nd: *x\n"
			"e:\n  <<: *x\n  f: !!int \"7\"\n---\n- [x, {y: z}]\n";
	size_t n = strlen(s), i;

	for (i = 0; i <= n; i++) {
		char *copy = malloc(i + 1);
		struct np_error err;

		assert_non_null(copy);
		memcpy(copy, s, i);
		np_error_clear(&err);
		int rc = np_yaml_decode(copy, i, "t", NULL, NULL, NULL, &err);
		assert_true(rc == 0 || rc == NP_EPARSE);
		if (rc)
			assert_true(err.line >= 1);
		free(copy);
	}
}

/* ---- limits ---- */

static void test_deep_flow_nesting_fails_with_depth_limit(void **state)
{
	size_t depth = 10000;
	char *s = malloc(depth * 2 + 4);
	struct np_error err;

	assert_non_null(s);
	memcpy(s, "a: ", 3);
	memset(s + 3, '[', depth);
	memset(s + 3 + depth, ']', depth);
	s[3 + depth * 2] = '\0';
	assert_int_equal(decode(s, NULL, NULL, &err, NULL), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit depth="));
	assert_int_equal(err.line, 1);
	free(s);
}

static void test_deep_block_nesting_fails_with_depth_limit(void **state)
{
	size_t depth = 10000, i;
	char *s = malloc(depth * 2 + 4);
	struct np_error err;

	assert_non_null(s);
	for (i = 0; i < depth; i++)
		memcpy(s + 2 * i, "- ", 2);
	memcpy(s + 2 * depth, "x\n", 3);
	assert_int_equal(decode(s, NULL, NULL, &err, NULL), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit depth="));
	free(s);
}

static void test_depth_at_the_limit_is_accepted(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	np_decode_limits_default(&lim);
	lim.max_depth = 3;
	assert_int_equal(decode_lim("a: [[1]]\n", &lim, &r, &err), 0);
	assert_int_equal(decode_lim("a: [[[1]]]\n", &lim, &r, &err), NP_ELIMIT);
}

static void test_node_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	np_decode_limits_default(&lim);
	lim.max_nodes = 5;
	assert_int_equal(decode_lim("[1, 2, 3, 4]\n---\n[1, 2, 3, 4]\n", &lim, &r, &err), 0);
	assert_int_equal(decode_lim("[1, 2, 3, 4, 5]\n", &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit nodes="));
	assert_int_equal(err.column, 14);
}

static void test_scalar_size_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	np_decode_limits_default(&lim);
	lim.max_scalar_bytes = 4;
	assert_int_equal(decode_lim("a: abcd\nb: abcde\n", &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit scalar-bytes="));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 4);
}

static void test_document_size_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	np_decode_limits_default(&lim);
	lim.max_doc_bytes = 20;
	assert_int_equal(decode_lim("a: 1\n---\nb: 2\n", &lim, &r, &err), 0);
	r.ndocs = 0;
	assert_int_equal(decode_lim("a: 1\n---\nb: [1, 2, 3, 4, 5, 6, 7, 8]\n", &lim, &r, &err),
			 NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit document-bytes="));
	assert_int_equal(r.ndocs, 1);
}

static void test_document_count_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	np_decode_limits_default(&lim);
	lim.max_documents = 2;
	assert_int_equal(decode_lim("a: 1\n---\nb: 2\n---\nc: 3\n", &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit documents="));
	assert_int_equal(r.ndocs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml11_true_words),
		cmocka_unit_test(test_yaml11_false_words),
		cmocka_unit_test(test_bool_lookalikes_are_strings),
		cmocka_unit_test(test_null_forms),
		cmocka_unit_test(test_decimal_ints_with_sign),
		cmocka_unit_test(test_hex_octal_binary_ints),
		cmocka_unit_test(test_underscores_in_numbers),
		cmocka_unit_test(test_ints_beyond_int64_are_floats),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_invalid_octal_digits_read_as_float_like_go_yaml),
		cmocka_unit_test(test_number_lookalikes_are_strings),
		cmocka_unit_test(test_quoted_scalars_are_strings),
		cmocka_unit_test(test_block_scalars_are_strings),
		cmocka_unit_test(test_plain_strings_are_not_quoted),
		cmocka_unit_test(test_str_tag_forces_a_string),
		cmocka_unit_test(test_core_tags_resolve_their_value),
		cmocka_unit_test(test_core_tag_mismatch_is_an_error),
		cmocka_unit_test(test_binary_tag_stays_a_string),
		cmocka_unit_test(test_custom_tags_are_ignored),
		cmocka_unit_test(test_python_tags_are_rejected),
		cmocka_unit_test(test_positions_of_nested_values_and_keys),
		cmocka_unit_test(test_columns_count_characters),
		cmocka_unit_test(test_multiple_documents_in_order),
		cmocka_unit_test(test_empty_documents_are_skipped),
		cmocka_unit_test(test_empty_stream_has_no_documents),
		cmocka_unit_test(test_json_is_read_as_yaml),
		cmocka_unit_test(test_callback_error_stops_decoding),
		cmocka_unit_test(test_error_after_good_document),
		cmocka_unit_test(test_duplicate_key_is_an_error_at_the_duplicate),
		cmocka_unit_test(test_duplicate_key_in_a_large_mapping),
		cmocka_unit_test(test_large_mapping_without_duplicates),
		cmocka_unit_test(test_keys_duplicate_after_stringification),
		cmocka_unit_test(test_scalar_keys_are_stringified_like_kubectl),
		cmocka_unit_test(test_y_key_is_the_bool_true_like_kubectl),
		cmocka_unit_test(test_null_key_is_an_error),
		cmocka_unit_test(test_non_scalar_keys_are_errors),
		cmocka_unit_test(test_aliases_resolve_to_the_anchored_node),
		cmocka_unit_test(test_anchors_are_per_document),
		cmocka_unit_test(test_unknown_alias_is_an_error),
		cmocka_unit_test(test_self_referential_anchor_is_rejected),
		cmocka_unit_test(test_redefined_anchor_uses_latest),
		cmocka_unit_test(test_billion_laughs_fails_fast_on_node_limit),
		cmocka_unit_test(test_alias_dereference_limit),
		cmocka_unit_test(test_merge_single_mapping_explicit_keys_win),
		cmocka_unit_test(test_merge_sequence_earlier_mappings_win),
		cmocka_unit_test(test_merge_inline_mapping),
		cmocka_unit_test(test_quoted_merge_key_is_an_ordinary_key),
		cmocka_unit_test(test_merge_of_a_scalar_is_an_error),
		cmocka_unit_test(test_invalid_utf8_is_an_error_with_position),
		cmocka_unit_test(test_unclosed_flow_sequence_reports_position),
		cmocka_unit_test(test_truncated_quoted_string_is_an_error),
		cmocka_unit_test(test_bad_indentation_is_an_error),
		cmocka_unit_test(test_tab_indentation_is_an_error),
		cmocka_unit_test(test_every_truncation_never_crashes),
		cmocka_unit_test(test_deep_flow_nesting_fails_with_depth_limit),
		cmocka_unit_test(test_deep_block_nesting_fails_with_depth_limit),
		cmocka_unit_test(test_depth_at_the_limit_is_accepted),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_scalar_size_limit),
		cmocka_unit_test(test_document_size_limit),
		cmocka_unit_test(test_document_count_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
