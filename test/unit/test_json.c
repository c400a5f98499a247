/* JSON decoder: RFC 8259 strictness, positions, streams, escapes, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/node.h"

typedef void (*check_fn)(const struct np_node *doc, int index, void *arg);

struct run {
	check_fn check;
	void *arg;
	int ndocs;
	int stop_after; /* return an error from the callback after this many documents */
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

static int decode_lim(const char *s, size_t len, const struct np_decode_limits *lim,
		      struct run *r, struct np_error *err)
{
	np_error_clear(err);
	return np_json_decode(s, len, "in.json", lim, on_doc, r, err);
}

static int decode(const char *s, check_fn check, void *arg, struct np_error *err, int *ndocs)
{
	struct run r = { check, arg, 0, 0 };
	int rc = decode_lim(s, strlen(s), NULL, &r, err);

	if (ndocs)
		*ndocs = r.ndocs;
	return rc;
}

static void want_parse_error(const char *s, int line, int col)
{
	struct np_error err;

	assert_int_equal(decode(s, NULL, NULL, &err, NULL), NP_EPARSE);
	assert_int_equal(err.code, NP_EPARSE);
	assert_string_equal(err.file, "in.json");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
}

/* ---- structure and positions ---- */

static void check_positions(const struct np_node *doc, int index, void *arg)
{
	const struct np_pair *p;
	const struct np_node *n;

	assert_int_equal(doc->type, NP_NODE_MAP);
	assert_int_equal(doc->line, 1);
	assert_int_equal(doc->column, 1);
	p = np_node_get_pair(doc, "spec");
	assert_non_null(p);
	assert_int_equal(p->key_line, 2);
	assert_int_equal(p->key_column, 3);
	assert_int_equal(p->value->line, 2);
	assert_int_equal(p->value->column, 11);
	n = np_node_path(doc, "spec.ports");
	assert_non_null(n);
	assert_int_equal(n->type, NP_NODE_SEQ);
	assert_int_equal(n->u.seq.n, 2);
	assert_int_equal(n->u.seq.items[1]->line, 4);
	assert_int_equal(n->u.seq.items[1]->column, 7);
	assert_int_equal(n->u.seq.items[1]->u.i, 443);
	p = np_node_get_pair(n->u.seq.items[0], "port");
	assert_non_null(p);
	assert_int_equal(p->key_line, 3);
	assert_int_equal(p->key_column, 16);
	assert_int_equal(p->value->line, 3);
	assert_int_equal(p->value->column, 24);
}

static void test_positions_of_nested_values_and_keys(void **state)
{
	struct np_error err;
	const char *s = "{\n"
			"  \"spec\": {\n"
			"    \"ports\": [{\"port\": 80},\n"
			"      443]}}\n";

	assert_int_equal(decode(s, check_positions, NULL, &err, NULL), 0);
}

static void check_utf8_columns(const struct np_node *doc, int index, void *arg)
{
	const struct np_pair *p = np_node_get_pair(doc, "b");

	assert_non_null(p);
	/* {"a":"ééé","b":1}: the key "b" starts at character 12, its value at 16 */
	assert_int_equal(p->key_column, 12);
	assert_int_equal(p->value->column, 16);
}

static void test_columns_count_characters_not_bytes(void **state)
{
	struct np_error err;

	assert_int_equal(decode("{\"a\":\"\xc3\xa9\xc3\xa9\xc3\xa9\",\"b\":1}", check_utf8_columns,
				NULL, &err, NULL), 0);
}

static void check_scalars(const struct np_node *doc, int index, void *arg)
{
	assert_int_equal(doc->type, NP_NODE_SEQ);
	assert_int_equal(doc->u.seq.n, 6);
	assert_int_equal(doc->u.seq.items[0]->type, NP_NODE_BOOL);
	assert_true(doc->u.seq.items[0]->u.b);
	assert_int_equal(doc->u.seq.items[1]->type, NP_NODE_BOOL);
	assert_false(doc->u.seq.items[1]->u.b);
	assert_int_equal(doc->u.seq.items[2]->type, NP_NODE_NULL);
	assert_string_equal(np_node_str(doc->u.seq.items[3]), "s");
	assert_int_equal(doc->u.seq.items[4]->type, NP_NODE_MAP);
	assert_int_equal(doc->u.seq.items[4]->u.map.n, 0);
	assert_int_equal(doc->u.seq.items[5]->type, NP_NODE_SEQ);
	assert_int_equal(doc->u.seq.items[5]->u.seq.n, 0);
}

static void test_literals_strings_and_empty_containers(void **state)
{
	struct np_error err;

	assert_int_equal(decode("[true, false, null, \"s\", {}, []]", check_scalars, NULL, &err,
				NULL), 0);
}

static void check_dup(const struct np_node *doc, int index, void *arg)
{
	assert_int_equal(doc->u.map.n, 3);
	assert_int_equal(np_node_get(doc, "a")->u.i, 3);
}

static void test_duplicate_keys_last_one_wins(void **state)
{
	struct np_error err;

	assert_int_equal(decode("{\"a\":1,\"b\":2,\"a\":3}", check_dup, NULL, &err, NULL), 0);
}

static void test_bom_is_skipped(void **state)
{
	struct np_error err;
	int n;

	assert_int_equal(decode("\xef\xbb\xbf{\"a\":1}", NULL, NULL, &err, &n), 0);
	assert_int_equal(n, 1);
}

static void test_bom_not_at_start_is_an_error(void **state)
{
	want_parse_error("{} \xef\xbb\xbf{}", 1, 4);
}

static void count_docs(const struct np_node *doc, int index, void *arg)
{
	int *types = arg;

	types[index] = (int)doc->type;
}

static void test_concatenated_values_are_documents(void **state)
{
	struct np_error err;
	int types[8] = { 0 }, n;

	assert_int_equal(decode("{\"a\":1}{\"b\":2}[3]\"x\"", count_docs, types, &err, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(types[0], NP_NODE_MAP);
	assert_int_equal(types[2], NP_NODE_SEQ);
	assert_int_equal(types[3], NP_NODE_STRING);
}

static void test_whitespace_separated_values_are_documents(void **state)
{
	struct np_error err;
	int types[8] = { 0 }, n;

	assert_int_equal(decode(" 1\n2\t\r\ntrue null ", count_docs, types, &err, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(types[2], NP_NODE_BOOL);
	assert_int_equal(types[3], NP_NODE_NULL);
}

static void test_empty_input_has_no_documents(void **state)
{
	struct np_error err;
	int n = -1;

	assert_int_equal(decode("", NULL, NULL, &err, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(decode(" \n\t ", NULL, NULL, &err, &n), 0);
	assert_int_equal(n, 0);
}

static void test_error_in_second_document_after_first_delivered(void **state)
{
	struct np_error err;
	int n;

	assert_int_equal(decode("{}\n{\"a\" 1}", NULL, NULL, &err, &n), NP_EPARSE);
	assert_int_equal(n, 1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 6);
}

static void test_callback_error_stops_decoding(void **state)
{
	struct np_error err;
	struct run r = { NULL, NULL, 0, 2 };
	const char *s = "1 2 3 4";

	assert_int_equal(decode_lim(s, strlen(s), NULL, &r, &err), NP_EINVAL);
	assert_int_equal(r.ndocs, 2);
}

static void test_buffer_is_not_read_past_len(void **state)
{
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };

	/* only "[1" is given: the rest must not be looked at */
	assert_int_equal(decode_lim("[1]", 2, NULL, &r, &err), NP_EPARSE);
	assert_int_equal(r.ndocs, 0);
}

/* ---- numbers ---- */

struct num_case {
	const char *text;
	enum np_node_type type;
	int64_t i;
};

static void check_number(const struct np_node *doc, int index, void *arg)
{
	const struct num_case *c = arg;

	assert_int_equal(doc->type, c->type);
	if (c->type == NP_NODE_INT)
		assert_true(doc->u.i == c->i);
	else
		assert_string_equal(doc->u.str.s, c->text);
}

static void want_number(const char *text, enum np_node_type type, int64_t i)
{
	struct num_case c = { text, type, i };
	struct np_error err;

	assert_int_equal(decode(text, check_number, &c, &err, NULL), 0);
}

static void test_int64_range_integers_are_ints(void **state)
{
	want_number("0", NP_NODE_INT, 0);
	want_number("-7", NP_NODE_INT, -7);
	want_number("9223372036854775807", NP_NODE_INT, INT64_MAX);
	want_number("-9223372036854775808", NP_NODE_INT, INT64_MIN);
}

static void test_integers_beyond_int64_are_floats_with_text(void **state)
{
	want_number("9223372036854775808", NP_NODE_FLOAT, 0);
	want_number("-9223372036854775809", NP_NODE_FLOAT, 0);
	want_number("123456789012345678901234567890", NP_NODE_FLOAT, 0);
}

static void test_fractions_and_exponents_are_floats_with_text(void **state)
{
	want_number("1.5", NP_NODE_FLOAT, 0);
	want_number("-0.0", NP_NODE_FLOAT, 0);
	want_number("1e5", NP_NODE_FLOAT, 0);
	want_number("2.5E-3", NP_NODE_FLOAT, 0);
}

static void test_leading_zero_is_an_error(void **state)
{
	want_parse_error("[01]", 1, 3);
}

static void test_malformed_numbers_are_errors(void **state)
{
	want_parse_error("[1.]", 1, 4);
	want_parse_error("[.5]", 1, 2);
	want_parse_error("[-]", 1, 3);
	want_parse_error("[1e]", 1, 4);
	want_parse_error("[+1]", 1, 2);
	want_parse_error("[1x]", 1, 3);
	want_parse_error("[0x10]", 1, 3);
}

static void test_bad_literals_are_errors(void **state)
{
	want_parse_error("[tru]", 1, 2);
	want_parse_error("[nulll]", 1, 2);
	want_parse_error("[True]", 1, 2);
	want_parse_error("NaN", 1, 1);
}

/* ---- strings ---- */

struct str_case {
	const char *bytes;
	size_t len;
};

static void check_string(const struct np_node *doc, int index, void *arg)
{
	const struct str_case *c = arg;

	assert_int_equal(doc->type, NP_NODE_STRING);
	assert_true(doc->quoted);
	assert_int_equal(doc->u.str.len, c->len);
	assert_memory_equal(doc->u.str.s, c->bytes, c->len);
	assert_int_equal(doc->u.str.s[c->len], '\0');
}

static void want_string(const char *json, const char *bytes, size_t len)
{
	struct str_case c = { bytes, len };
	struct np_error err;

	assert_int_equal(decode(json, check_string, &c, &err, NULL), 0);
}

static void test_simple_escapes_decode(void **state)
{
	want_string("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "a\"b\\c/d\be\ff\ng\rh\ti", 17);
}

static void test_unicode_escape_decodes_to_utf8(void **state)
{
	want_string("\"\\u00e9\\u20AC\"", "\xc3\xa9\xe2\x82\xac", 5);
}

static void test_surrogate_pair_decodes_to_one_code_point(void **state)
{
	want_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
}

static void test_lone_surrogates_become_replacement_characters(void **state)
{
	want_string("\"\\ud800x\"", "\xef\xbf\xbdx", 4);
	want_string("\"\\udc00\"", "\xef\xbf\xbd", 3);
	want_string("\"\\ud800\\u0041\"", "\xef\xbf\xbd" "A", 4);
	want_string("\"\\ud800\"", "\xef\xbf\xbd", 3);
}

static void test_escaped_nul_is_kept_with_its_length(void **state)
{
	want_string("\"a\\u0000b\"", "a\0b", 3);
}

static void test_raw_utf8_is_kept(void **state)
{
	want_string("\"\xc3\xa9\xf0\x9f\x98\x80\"", "\xc3\xa9\xf0\x9f\x98\x80", 6);
}

static void test_invalid_escape_is_an_error(void **state)
{
	want_parse_error("[\"ab\\x\"]", 1, 5);
	want_parse_error("[\"\\u12G4\"]", 1, 3);
	want_parse_error("[\"\\U0041\"]", 1, 3);
}

static void test_control_character_in_string_is_an_error(void **state)
{
	want_parse_error("[\"a\tb\"]", 1, 4);
	want_parse_error("{\"k\":\"a\nb\"}", 1, 8);
}

static void test_invalid_utf8_in_string_is_an_error(void **state)
{
	want_parse_error("[\"ab\xff\"]", 1, 5);
	want_parse_error("[\"\xc0\x80\"]", 1, 3);         /* overlong NUL */
	want_parse_error("[\"\xed\xa0\x80\"]", 1, 3);     /* encoded surrogate */
	want_parse_error("[\"\xf4\x90\x80\x80\"]", 1, 3); /* beyond U+10FFFF */
	want_parse_error("[\"\xe2\x82\"]", 1, 3);         /* truncated sequence */
}

static void test_invalid_utf8_in_key_is_an_error(void **state)
{
	want_parse_error("{\"\x80\":1}", 1, 3);
}

static void test_bytes_outside_strings_are_errors(void **state)
{
	want_parse_error("[1,\xc3\xa9]", 1, 4);
	want_parse_error("[1,\0]", 1, 4);
}

/* ---- syntax ---- */

static void test_trailing_comma_in_object_is_an_error(void **state)
{
	want_parse_error("{\"a\":1,}", 1, 8);
}

static void test_trailing_comma_in_array_is_an_error(void **state)
{
	want_parse_error("[1,\n 2,\n]", 3, 1);
}

static void test_missing_colon_is_an_error(void **state)
{
	want_parse_error("{\"a\" 1}", 1, 6);
}

static void test_non_string_key_is_an_error(void **state)
{
	want_parse_error("{a:1}", 1, 2);
	want_parse_error("{1:1}", 1, 2);
}

static void test_missing_comma_is_an_error(void **state)
{
	want_parse_error("[1 2]", 1, 4);
	want_parse_error("{\"a\":1 \"b\":2}", 1, 8);
}

static void test_mismatched_brackets_are_errors(void **state)
{
	want_parse_error("[1}", 1, 3);
	want_parse_error("{\"a\":1]", 1, 7);
	want_parse_error("]", 1, 1);
}

static void test_comments_are_errors(void **state)
{
	want_parse_error("// x\n{}", 1, 1);
	want_parse_error("[1, /* x */ 2]", 1, 5);
}

static void test_unterminated_string_errors_at_end_of_input(void **state)
{
	want_parse_error("{\"a\": \"abc", 1, 11);
}

static void test_every_truncation_of_a_document_is_an_error(void **state)
{
	const char *s = "{\"a\": [1, 2.5, \"x\\u00e9\", true, null, {\"b\": false}], \"c\": -3}";
	size_t n = strlen(s), i;
	struct np_error err;

	for (i = 1; i < n; i++) {
		struct run r = { NULL, NULL, 0, 0 };
		char *copy = malloc(i);

		assert_non_null(copy);
		memcpy(copy, s, i);
		assert_int_equal(decode_lim(copy, i, NULL, &r, &err), NP_EPARSE);
		assert_int_equal(err.line, 1);
		assert_true(err.column >= 1 && (size_t)err.column <= i + 1);
		assert_int_equal(r.ndocs, 0);
		free(copy);
	}
}

/* ---- limits ---- */

static char *nested(size_t depth)
{
	char *s = malloc(depth * 2 + 1);

	assert_non_null(s);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[depth * 2] = '\0';
	return s;
}

static void test_deep_nesting_fails_with_depth_limit(void **state)
{
	struct np_error err;
	char *s = nested(10000);

	assert_int_equal(decode(s, NULL, NULL, &err, NULL), NP_ELIMIT);
	assert_int_equal(err.code, NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit depth="));
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 513);
	free(s);
}

static void test_nesting_at_the_depth_limit_is_accepted(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };
	char *s = nested(512);

	np_decode_limits_default(&lim);
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), 0);
	free(s);
	s = nested(513);
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), NP_ELIMIT);
	free(s);
}

static void test_node_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };
	const char *s = "[1,2,3,4] [1,2,3]";

	np_decode_limits_default(&lim);
	lim.max_nodes = 4;
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit nodes="));
	assert_int_equal(err.column, 8); /* the fifth node, "4" */
	/* the count is per document */
	lim.max_nodes = 5;
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), 0);
}

static void test_scalar_size_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };
	const char *s = "[\"12345678\", \"123456789\"]";

	np_decode_limits_default(&lim);
	lim.max_scalar_bytes = 8;
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit scalar-bytes="));
	assert_int_equal(err.column, 14);
}

static void test_document_size_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };
	const char *s = "[1, 2] [1,   2]";

	np_decode_limits_default(&lim);
	lim.max_doc_bytes = 6;
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit document-bytes="));
	assert_int_equal(r.ndocs, 1);
}

static void test_document_count_limit(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct run r = { NULL, NULL, 0, 0 };
	const char *s = "1 2 3 4";

	np_decode_limits_default(&lim);
	lim.max_documents = 3;
	assert_int_equal(decode_lim(s, strlen(s), &lim, &r, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "--limit documents="));
	assert_int_equal(r.ndocs, 3);
}

static void check_big_array(const struct np_node *doc, int index, void *arg)
{
	size_t i;

	assert_int_equal(doc->u.seq.n, 200000);
	for (i = 0; i < 200000; i++)
		assert_true(doc->u.seq.items[i]->u.i == (int64_t)i);
}

static void test_large_array_keeps_every_element(void **state)
{
	struct np_error err;
	size_t cap = 200000 * 8 + 2, pos = 0, i;
	char *s = malloc(cap);

	assert_non_null(s);
	s[pos++] = '[';
	for (i = 0; i < 200000; i++)
		pos += (size_t)snprintf(s + pos, cap - pos, i ? ",%zu" : "%zu", i);
	s[pos++] = ']';
	s[pos] = '\0';
	assert_int_equal(decode(s, check_big_array, NULL, &err, NULL), 0);
	free(s);
}

static void test_null_callback_and_error_are_accepted(void **state)
{
	assert_int_equal(np_json_decode("[1]", 3, "x", NULL, NULL, NULL, NULL), 0);
	assert_int_equal(np_json_decode("[1", 2, NULL, NULL, NULL, NULL, NULL), NP_EPARSE);
}


/* ---- streaming items and skipped subtrees (np_json_decode_ex) ---- */

struct stream_run {
	int nitems, ndocs;
	size_t index[8];
	int line[8];
	int first_type;
	size_t list_pairs;     /* pairs of the list view at the last item (SIZE_MAX: no view) */
	const char *list_kind; /* kind in the view, copied */
	char kind_buf[32];
	int doc_items;         /* element count of the document's "items" (or root array) */
	int fail_at_item;      /* return NP_EINVAL from this item (1-based), 0 = never */
	const struct np_node *doc_copy_check;
};

static int on_stream_item(void *ctx, const struct np_json_item *it)
{
	struct stream_run *r = ctx;
	const struct np_node *k;

	if (r->nitems < 8) {
		r->index[r->nitems] = it->index;
		r->line[r->nitems] = it->node->line;
	}
	if (r->nitems == 0)
		r->first_type = it->node->type;
	r->nitems++;
	r->list_pairs = it->list ? it->list->u.map.n : SIZE_MAX;
	k = it->list ? np_node_get(it->list, "kind") : NULL;
	if (k && k->type == NP_NODE_STRING) {
		snprintf(r->kind_buf, sizeof(r->kind_buf), "%s", k->u.str.s);
		r->list_kind = r->kind_buf;
	}
	if (r->fail_at_item && r->nitems == r->fail_at_item)
		return NP_EINVAL;
	return 0;
}

static int on_stream_doc(void *ctx, const struct np_node *doc, int index)
{
	struct stream_run *r = ctx;
	const struct np_node *items = doc->type == NP_NODE_SEQ ? doc : np_node_get(doc, "items");

	(void)index;
	r->ndocs++;
	r->doc_items = items && items->type == NP_NODE_SEQ ? (int)items->u.seq.n : -1;
	return 0;
}

static int stream(const char *s, const struct np_decode_limits *lim, bool skip,
		  struct stream_run *r, struct np_error *err)
{
	struct np_json_opts o = { .item_fn = on_stream_item, .skip_unread = skip };

	np_error_clear(err);
	return np_json_decode_ex(s, strlen(s), "in.json", lim, &o, on_stream_doc, r, err);
}

static void test_stream_list_items_are_handed_over_one_at_a_time(void **state)
{
	struct stream_run r = { 0 };
	struct np_error err;

	(void)state;
	assert_int_equal(stream("{\"kind\": \"PodList\", \"apiVersion\": \"v1\",\n"
				"\"items\": [\n{\"a\": 1},\n{\"b\": 2}\n], \"metadata\": {}}",
				NULL, false, &r, &err), 0);
	assert_int_equal(r.nitems, 2);
	assert_int_equal(r.index[0], 0);
	assert_int_equal(r.index[1], 1);
	assert_int_equal(r.line[0], 3); /* positions stay those of the whole input */
	assert_int_equal(r.line[1], 4);
	assert_int_equal(r.list_pairs, 2); /* kind and apiVersion, read before items */
	assert_string_equal(r.list_kind, "PodList");
	assert_int_equal(r.ndocs, 1);
	assert_int_equal(r.doc_items, 0); /* the document keeps an empty items array */
}

static void test_stream_top_level_array_elements(void **state)
{
	struct stream_run r = { 0 };
	struct np_error err;

	(void)state;
	assert_int_equal(stream("[1, {\"x\": 2}, []]", NULL, false, &r, &err), 0);
	assert_int_equal(r.nitems, 3);
	assert_int_equal(r.first_type, NP_NODE_INT);
	assert_int_equal(r.list_pairs, SIZE_MAX);
	assert_int_equal(r.doc_items, 0);
}

static void test_stream_only_the_first_items_array_of_a_document(void **state)
{
	struct stream_run r = { 0 };
	struct np_error err;

	(void)state;
	assert_int_equal(stream("{\"items\": [1], \"items\": [2, 3]}", NULL, false, &r, &err), 0);
	assert_int_equal(r.nitems, 1);
	assert_int_equal(r.doc_items, 2); /* np_node_get: the last "items", built */
}

static void test_stream_nested_items_arrays_stay_in_the_tree(void **state)
{
	struct stream_run r = { 0 };
	struct np_error err;

	(void)state;
	assert_int_equal(stream("{\"a\": {\"items\": [1, 2]}, \"items\": null}", NULL, false, &r,
				&err), 0);
	assert_int_equal(r.nitems, 0);
	assert_int_equal(r.ndocs, 1);
}

static void test_stream_each_document_of_a_stream(void **state)
{
	struct stream_run r = { 0 };
	struct np_error err;

	(void)state;
	assert_int_equal(stream("{\"items\": [1]} [2, 3] {\"items\": [4]}", NULL, false, &r, &err), 0);
	assert_int_equal(r.nitems, 4);
	assert_int_equal(r.index[2], 1); /* indexes restart per document */
	assert_int_equal(r.ndocs, 3);
}

static void test_stream_document_limits_apply_to_each_item(void **state)
{
	struct np_decode_limits lim;
	struct stream_run r = { 0 };
	struct run plain = { 0 };
	struct np_error err;
	const char *list = "{\"items\": [\"0123456789\", \"0123456789\", \"0123456789\"], "
			   "\"kind\": \"List\"}";

	(void)state;
	np_decode_limits_default(&lim);
	lim.max_doc_bytes = 30;
	lim.max_nodes = 3;
	assert_int_equal(stream(list, &lim, false, &r, &err), 0);
	assert_int_equal(r.nitems, 3);
	assert_int_equal(decode_lim(list, strlen(list), &lim, &plain, &err), NP_ELIMIT);
	/* one item over the limit still fails */
	memset(&r, 0, sizeof(r));
	assert_int_equal(stream("{\"items\": [\"0123456789012345678901234567890123456789\"]}", &lim,
				false, &r, &err), NP_ELIMIT);
	assert_string_equal(err.file, "in.json");
}

static void test_stream_callback_error_stops_decoding(void **state)
{
	struct stream_run r = { 0 };
	struct np_error err;

	(void)state;
	r.fail_at_item = 2;
	assert_int_equal(stream("[1, 2, 3]", NULL, false, &r, &err), NP_EINVAL);
	assert_int_equal(r.nitems, 2);
	assert_int_equal(r.ndocs, 0);
}

/* Syntax errors and limits come out the same with streaming and skipping
 * on or off, for every prefix of a realistic List (each is an error but the
 * whole). */
static void test_stream_and_skip_report_every_error_like_a_full_parse(void **state)
{
	static const char doc[] =
		"{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n"
		"            \"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
		"            \"metadata\": {\"name\": \"p\\u00e9\", \"managedFields\": [{\"f:a\": {\".\": {}},"
		" \"n\": -1.5e3, \"t\": true}]},\n"
		"            \"spec\": {\"containers\": [{\"env\": [{\"name\": \"A\", \"value\": \"\\\"x\"}],"
		" \"ports\": [{\"containerPort\": 80}]}], \"volumes\": [null, false, [1, []]]},\n"
		"            \"status\": {\"phase\": \"Running\", \"conditions\": [{\"type\": \"Ready\"}]}\n"
		"        },\n        [1, {\"a\": \"b\"}]\n    ],\n    \"kind\": \"List\"\n}\n";
	size_t n, len = strlen(doc);
	struct np_error e1, e2;
	char *buf = malloc(len + 1);

	(void)state;
	assert_non_null(buf);
	for (n = 0; n <= len; n++) {
		struct run plain = { 0 };
		struct stream_run r = { 0 };
		struct np_json_opts o = { .item_fn = on_stream_item, .skip_unread = true };
		int a, b;

		memcpy(buf, doc, n);
		buf[n] = '\0';
		a = decode_lim(buf, n, NULL, &plain, &e1);
		np_error_clear(&e2);
		b = np_json_decode_ex(buf, n, "in.json", NULL, &o, on_stream_doc, &r, &e2);
		assert_int_equal(a, b);
		if (a) {
			assert_int_equal(e1.line, e2.line);
			assert_int_equal(e1.column, e2.column);
			assert_string_equal(e1.msg, e2.msg);
		}
	}
	free(buf);
}

static void test_skip_node_limit_counts_skipped_values(void **state)
{
	static const char doc[] = "{\"metadata\": {\"managedFields\": [1, 2, 3, 4, 5, 6]}}";
	struct np_decode_limits lim;
	struct np_json_opts o = { .skip_unread = true };
	struct run plain = { 0 }, skipped = { 0 };
	struct np_error e1, e2;

	(void)state;
	np_decode_limits_default(&lim);
	lim.max_nodes = 5;
	assert_int_equal(decode_lim(doc, strlen(doc), &lim, &plain, &e1), NP_ELIMIT);
	np_error_clear(&e2);
	assert_int_equal(np_json_decode_ex(doc, strlen(doc), "in.json", &lim, &o, on_doc, &skipped,
					   &e2), NP_ELIMIT);
	assert_int_equal(e1.column, e2.column);
}

static const struct np_node *skipped_doc;

static void check_skipped(const struct np_node *doc, int index, void *arg)
{
	const struct np_node *mf = np_node_path(doc, "metadata.managedFields");
	const struct np_node *cond = np_node_path(doc, "status.conditions");
	const struct np_node *ctr, *tctr;

	(void)index;
	(void)arg;
	skipped_doc = doc;
	/* Skipped: an empty container of the same type, where the subtree was. */
	assert_non_null(mf);
	assert_int_equal(mf->type, NP_NODE_SEQ);
	assert_int_equal(mf->u.seq.n, 0);
	assert_int_equal(mf->line, 2);
	assert_int_equal(mf->column, 34);
	assert_int_equal(cond->type, NP_NODE_MAP);
	assert_int_equal(cond->u.map.n, 0);
	/* Kept: what decoders read, and scalars wherever they are. */
	assert_string_equal(np_node_str(np_node_path(doc, "metadata.name")), "p");
	assert_string_equal(np_node_str(np_node_path(doc, "status.phase")), "Running");
	assert_string_equal(np_node_str(np_node_path(doc, "spec.volumes")), "v");
	ctr = np_node_path(doc, "spec.containers")->u.seq.items[0];
	assert_int_equal(np_node_get(ctr, "env")->u.seq.n, 0);
	assert_int_equal(np_node_get(ctr, "ports")->u.seq.n, 1);
	/* Workload templates keep env (CNI detection reads it). */
	tctr = np_node_path(doc, "spec.template.spec.containers")->u.seq.items[0];
	assert_int_equal(np_node_get(tctr, "env")->u.seq.n, 1);
	assert_int_equal(np_node_get(tctr, "resources")->u.map.n, 0);
}

static void test_skip_unread_leaves_empty_containers(void **state)
{
	static const char doc[] =
		"{\"metadata\": {\"name\": \"p\",\n"
		"                \"managedFields\": [{\"x\": 1}]},\n"
		" \"spec\": {\"volumes\": \"v\", \"containers\": [{\"env\": [{\"name\": \"A\"}],\n"
		"          \"ports\": [{\"containerPort\": 80}]}],\n"
		"          \"template\": {\"spec\": {\"containers\": [{\"env\": [1], \"resources\": {\"a\": 1}}]}}},\n"
		" \"status\": {\"phase\": \"Running\", \"conditions\": {\"a\": [1]}}}";
	struct np_json_opts o = { .skip_unread = true };
	struct run r = { check_skipped, NULL, 0, 0 };
	struct np_error err;

	(void)state;
	np_error_clear(&err);
	skipped_doc = NULL;
	assert_int_equal(np_json_decode_ex(doc, strlen(doc), "in.json", NULL, &o, on_doc, &r, &err), 0);
	assert_non_null(skipped_doc);
}

static void check_not_skipped(const struct np_node *doc, int index, void *arg)
{
	(void)index;
	(void)arg;
	assert_int_equal(np_node_path(doc, "metadata.managedFields")->u.seq.n, 1);
}

static void test_skip_is_off_by_default(void **state)
{
	static const char doc[] = "{\"metadata\": {\"managedFields\": [{\"x\": 1}]}}";
	struct run r = { check_not_skipped, NULL, 0, 0 };
	struct np_error err;

	(void)state;
	assert_int_equal(decode_lim(doc, strlen(doc), NULL, &r, &err), 0);
	assert_int_equal(r.ndocs, 1);
}

/* ---- the item scanner on tricky input ---- */

/* Records what each streamed element holds, copied, as "type:text" lines. */
struct seen {
	int n;
	char text[512];
};

static void seen_add(struct seen *s, const char *prefix, const char *v, const char *suffix)
{
	size_t used = strlen(s->text);

	snprintf(s->text + used, sizeof(s->text) - used, "%s%s%s", prefix, v, suffix);
}

static int on_seen_item(void *ctx, const struct np_json_item *it)
{
	struct seen *s = ctx;
	const struct np_node *n = it->node, *inner;

	s->n++;
	if (n->type == NP_NODE_STRING) {
		seen_add(s, "s:", n->u.str.s, "|");
	} else if (n->type == NP_NODE_MAP && n->u.map.n > 0 &&
		   n->u.map.pairs[0].value->type == NP_NODE_STRING) {
		seen_add(s, n->u.map.pairs[0].key, "=", "");
		seen_add(s, "", n->u.map.pairs[0].value->u.str.s, "|");
	} else if ((inner = np_node_get(n, "items")) && inner->type == NP_NODE_SEQ) {
		char k[32];

		snprintf(k, sizeof(k), "%zu", inner->u.seq.n);
		seen_add(s, "nested:", k, "|");
	} else {
		seen_add(s, "", "?", "|");
	}
	return 0;
}

static int seen_stream(const char *doc, struct seen *s, struct np_error *err)
{
	struct np_json_opts o = { .item_fn = on_seen_item, .skip_unread = true };

	memset(s, 0, sizeof(*s));
	np_error_clear(err);
	return np_json_decode_ex(doc, strlen(doc), "in.json", NULL, &o, NULL, s, err);
}

static void test_stream_brackets_and_quotes_inside_strings_are_not_boundaries(void **state)
{
	static const char doc[] =
		"{\"kind\": \"List\", \"note\": \"] }, [ {\\\"items\\\": [\",\n"
		" \"items\": [{\"a\": \"}]\\\"{[,\"}, \"x\\\\\", {\"b\": \"\\u005d\\u007d\"}]}";
	struct seen s;
	struct np_error err;

	(void)state;
	assert_int_equal(seen_stream(doc, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.text, "a=}]\"{[,|s:x\\|b=]}|");
}

static void test_stream_items_key_written_with_escapes_is_still_items(void **state)
{
	struct seen s;
	struct np_error err;

	(void)state;
	/* The key is compared after unescaping, as np_node_get would see it. */
	assert_int_equal(seen_stream("{\"it\\u0065ms\": [\"a\", \"b\"]}", &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.text, "s:a|s:b|");
}

static void test_stream_items_as_a_string_value_is_not_streamed(void **state)
{
	struct seen s;
	struct np_error err;

	(void)state;
	assert_int_equal(seen_stream("{\"kind\": \"items\", \"x\": [\"items\", [1]]}", &s, &err), 0);
	assert_int_equal(s.n, 0);
}

static void test_stream_a_nested_list_item_keeps_its_own_items(void **state)
{
	struct seen s;
	struct np_error err;

	(void)state;
	assert_int_equal(seen_stream("{\"items\": [{\"kind\": 1, \"items\": [1, 2, 3]}, "
				     "{\"kind\": 2, \"items\": []}]}", &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.text, "nested:3|nested:0|");
}

static void test_stream_error_after_items_names_file_line_and_column(void **state)
{
	struct seen s;
	struct np_error err;

	(void)state;
	assert_int_equal(seen_stream("{\"items\": [\n  {\"a\": \"1\"},\n  {\"b\": \"2\",,}\n]}", &s,
				     &err), NP_EPARSE);
	assert_int_equal(s.n, 1); /* the first item was handed over before the error */
	assert_string_equal(err.file, "in.json");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 13);
}

static void test_stream_error_in_a_skipped_subtree_has_its_position(void **state)
{
	struct seen s;
	struct np_error err;

	(void)state;
	/* managedFields is not built, but its syntax is checked where it is. */
	assert_int_equal(seen_stream("{\"items\": [{\"k\": \"v\"},\n"
				     " {\"metadata\": {\"managedFields\": [{\"f\": [1 2]}]}}]}", &s,
				     &err), NP_EPARSE);
	assert_int_equal(s.n, 1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 43); /* the 2 where ',' or ']' was expected */
}

static void test_stream_unterminated_string_in_an_item_is_an_error_at_the_end(void **state)
{
	struct seen s;
	struct np_error err;

	(void)state;
	assert_int_equal(seen_stream("{\"items\": [\"a\", \"b ] }", &s, &err), NP_EPARSE);
	assert_int_equal(s.n, 1);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions_of_nested_values_and_keys),
		cmocka_unit_test(test_columns_count_characters_not_bytes),
		cmocka_unit_test(test_literals_strings_and_empty_containers),
		cmocka_unit_test(test_duplicate_keys_last_one_wins),
		cmocka_unit_test(test_bom_is_skipped),
		cmocka_unit_test(test_bom_not_at_start_is_an_error),
		cmocka_unit_test(test_concatenated_values_are_documents),
		cmocka_unit_test(test_whitespace_separated_values_are_documents),
		cmocka_unit_test(test_empty_input_has_no_documents),
		cmocka_unit_test(test_error_in_second_document_after_first_delivered),
		cmocka_unit_test(test_callback_error_stops_decoding),
		cmocka_unit_test(test_buffer_is_not_read_past_len),
		cmocka_unit_test(test_int64_range_integers_are_ints),
		cmocka_unit_test(test_integers_beyond_int64_are_floats_with_text),
		cmocka_unit_test(test_fractions_and_exponents_are_floats_with_text),
		cmocka_unit_test(test_leading_zero_is_an_error),
		cmocka_unit_test(test_malformed_numbers_are_errors),
		cmocka_unit_test(test_bad_literals_are_errors),
		cmocka_unit_test(test_simple_escapes_decode),
		cmocka_unit_test(test_unicode_escape_decodes_to_utf8),
		cmocka_unit_test(test_surrogate_pair_decodes_to_one_code_point),
		cmocka_unit_test(test_lone_surrogates_become_replacement_characters),
		cmocka_unit_test(test_escaped_nul_is_kept_with_its_length),
		cmocka_unit_test(test_raw_utf8_is_kept),
		cmocka_unit_test(test_invalid_escape_is_an_error),
		cmocka_unit_test(test_control_character_in_string_is_an_error),
		cmocka_unit_test(test_invalid_utf8_in_string_is_an_error),
		cmocka_unit_test(test_invalid_utf8_in_key_is_an_error),
		cmocka_unit_test(test_bytes_outside_strings_are_errors),
		cmocka_unit_test(test_trailing_comma_in_object_is_an_error),
		cmocka_unit_test(test_trailing_comma_in_array_is_an_error),
		cmocka_unit_test(test_missing_colon_is_an_error),
		cmocka_unit_test(test_non_string_key_is_an_error),
		cmocka_unit_test(test_missing_comma_is_an_error),
		cmocka_unit_test(test_mismatched_brackets_are_errors),
		cmocka_unit_test(test_comments_are_errors),
		cmocka_unit_test(test_unterminated_string_errors_at_end_of_input),
		cmocka_unit_test(test_every_truncation_of_a_document_is_an_error),
		cmocka_unit_test(test_deep_nesting_fails_with_depth_limit),
		cmocka_unit_test(test_nesting_at_the_depth_limit_is_accepted),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_scalar_size_limit),
		cmocka_unit_test(test_document_size_limit),
		cmocka_unit_test(test_document_count_limit),
		cmocka_unit_test(test_large_array_keeps_every_element),
		cmocka_unit_test(test_null_callback_and_error_are_accepted),
		cmocka_unit_test(test_stream_list_items_are_handed_over_one_at_a_time),
		cmocka_unit_test(test_stream_top_level_array_elements),
		cmocka_unit_test(test_stream_only_the_first_items_array_of_a_document),
		cmocka_unit_test(test_stream_nested_items_arrays_stay_in_the_tree),
		cmocka_unit_test(test_stream_each_document_of_a_stream),
		cmocka_unit_test(test_stream_document_limits_apply_to_each_item),
		cmocka_unit_test(test_stream_callback_error_stops_decoding),
		cmocka_unit_test(test_stream_and_skip_report_every_error_like_a_full_parse),
		cmocka_unit_test(test_skip_node_limit_counts_skipped_values),
		cmocka_unit_test(test_skip_unread_leaves_empty_containers),
		cmocka_unit_test(test_skip_is_off_by_default),
		cmocka_unit_test(test_stream_brackets_and_quotes_inside_strings_are_not_boundaries),
		cmocka_unit_test(test_stream_items_key_written_with_escapes_is_still_items),
		cmocka_unit_test(test_stream_items_as_a_string_value_is_not_streamed),
		cmocka_unit_test(test_stream_a_nested_list_item_keeps_its_own_items),
		cmocka_unit_test(test_stream_error_after_items_names_file_line_and_column),
		cmocka_unit_test(test_stream_error_in_a_skipped_subtree_has_its_position),
		cmocka_unit_test(test_stream_unterminated_string_in_an_item_is_an_error_at_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
