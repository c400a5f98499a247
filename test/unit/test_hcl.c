/* The HCL native syntax reader (snapshot/hcl.c): the tree of hcl.h, with
 * positions, literals and unresolved expressions, and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/hcl.h"

/* Each test decodes one text and looks at the tree inside the callback,
 * where it is alive: the callback copies out what the test asserts on. */
struct got {
	char text[4096];     /* a canonical dump of the whole tree */
	int calls;
};

static void put(struct got *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct got *g, const char *fmt, ...)
{
	size_t used = strlen(g->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->text + used, sizeof(g->text) - used, fmt, ap);
	va_end(ap);
}

/* null true 3 F(1.5) "lit" <unresolved> [a,b] {k@line:col=v} */
static void dump(struct got *g, const struct np_node *n)
{
	size_t i;

	switch (n->type) {
	case NP_NODE_NULL: put(g, "null"); break;
	case NP_NODE_BOOL: put(g, "%s", n->u.b ? "true" : "false"); break;
	case NP_NODE_INT: put(g, "%lld", (long long)n->u.i); break;
	case NP_NODE_FLOAT: put(g, "F(%s)", n->u.str.s); break;
	case NP_NODE_STRING: put(g, n->quoted ? "\"%s\"" : "<%s>", n->u.str.s); break;
	case NP_NODE_SEQ:
		put(g, "[");
		for (i = 0; i < n->u.seq.n; i++) {
			put(g, i ? "," : "");
			dump(g, n->u.seq.items[i]);
		}
		put(g, "]");
		break;
	case NP_NODE_MAP:
		put(g, "{");
		for (i = 0; i < n->u.map.n; i++) {
			const struct np_pair *p = &n->u.map.pairs[i];
			put(g, "%s%s@%d:%d=", i ? " " : "", p->key, p->key_line, p->key_column);
			dump(g, p->value);
		}
		put(g, "}");
		break;
	}
}

static int on_doc(void *ctx, const struct np_node *doc, int index)
{
	struct got *g = ctx;

	assert_int_equal(index, 0);
	g->calls++;
	dump(g, doc);
	return 0;
}

static const char *parse(struct got *g, const char *src)
{
	struct np_error err;
	int rc;

	memset(g, 0, sizeof(*g));
	memset(&err, 0, sizeof(err));
	rc = np_hcl_decode(src, strlen(src), "t.tf", NULL, on_doc, g, &err);
	if (rc != 0)
		fail_msg("np_hcl_decode: %d %d:%d: %s", rc, err.line, err.column, err.msg);
	assert_int_equal(g->calls, 1);
	return g->text;
}

static int parse_error(const char *src, size_t len, struct np_error *err)
{
	struct got g;

	memset(&g, 0, sizeof(g));
	memset(err, 0, sizeof(*err));
	return np_hcl_decode(src, len, "t.tf", NULL, on_doc, &g, err);
}

/* ------------------------------------------------------------ structure */

static void test_block_labels_nest_as_single_pair_maps(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "resource \"aws_eks_cluster\" \"this\" {\n  name = \"x\"\n}\n"),
			    "{resource@1:1={aws_eks_cluster@1:10={this@1:28={name@2:3=\"x\"}}}}");
}

static void test_identifier_labels_are_accepted(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "resource aws_s3_bucket b {}\n"),
			    "{resource@1:1={aws_s3_bucket@1:10={b@1:24={}}}}");
}

static void test_repeated_blocks_are_repeated_keys(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a {\n  x = 1\n}\na {\n  x = 2\n}\n"),
			    "{a@1:1={x@2:3=1} a@4:1={x@5:3=2}}");
}

static void test_nested_blocks_keep_their_positions(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "r {\n  network_profile {\n    network_policy = \"azure\"\n  }\n}"),
			    "{r@1:1={network_profile@2:3={network_policy@3:5=\"azure\"}}}");
}

/* Where the resource body (under both labels) is positioned. */
static int body_pos(void *ctx, const struct np_node *doc, int index)
{
	int *pos = ctx;
	const struct np_node *body = np_node_get(np_node_get(np_node_get(doc, "resource"), "t"), "n");

	(void)index;
	pos[0] = body ? body->line : -1;
	pos[1] = body ? body->column : -1;
	return 0;
}

static void test_block_body_map_carries_the_keyword_position(void **state)
{
	static const char src[] = "\n  resource \"t\" \"n\" {\n}\n";
	int pos[2] = { 0, 0 };

	(void)state;
	assert_int_equal(np_hcl_decode(src, strlen(src), "t.tf", NULL, body_pos, pos, NULL), 0);
	assert_int_equal(pos[0], 2);
	assert_int_equal(pos[1], 3);
}

static void test_one_line_block(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "network_policy { enabled = true }\n"),
			    "{network_policy@1:1={enabled@1:18=true}}");
}

static void test_dynamic_block_stays_a_block_named_dynamic(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(
		parse(&g, "dynamic \"network_profile\" {\n  for_each = var.p\n  content {}\n}\n"),
		"{dynamic@1:1={network_profile@1:9={for_each@2:3=<var.p> content@3:3={}}}}");
}

static void test_empty_input_and_comments_only_give_an_empty_body(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, ""), "{}");
	assert_string_equal(parse(&g, "# a\n// b\n/* c\n d */\n"), "{}");
}

static void test_comments_of_all_three_kinds_are_skipped(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "# hash\na = 1 # trailing\n// slashes\nb = /* inline */ 2\n"
				      "/* multi\n line */ c = 3 // end\n"),
			    "{a@2:1=1 b@4:1=2 c@6:10=3}");
}

static void test_crlf_line_endings(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a {\r\n  b = \"x\"\r\n}\r\n"), "{a@1:1={b@2:3=\"x\"}}");
}

static void test_utf8_bom_is_skipped(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "\xEF\xBB\xBF" "a = 1\n"), "{a@1:1=1}");
}

/* ------------------------------------------------------------ literals */

static void test_scalar_literals(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "s = \"x\"\nt = true\nf = false\nn = null\ni = 42\nd = 1.5\n"
				      "e = 1e3\nneg = -7\nnegf = -0.5\n"),
			    "{s@1:1=\"x\" t@2:1=true f@3:1=false n@4:1=null i@5:1=42 d@6:1=F(1.5) "
			    "e@7:1=F(1e3) neg@8:1=-7 negf@9:1=F(-0.5)}");
}

static void test_integers_beyond_int64_are_floats_with_their_text(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = 9223372036854775807\nb = 9223372036854775808\n"),
			    "{a@1:1=9223372036854775807 b@2:1=F(9223372036854775808)}");
}

static void test_string_escapes(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = \"q\\\"b\\\\n\\tx\\u00e9\\U0001F600\"\n"),
			    "{a@1:1=\"q\"b\\n\tx\xC3\xA9\xF0\x9F\x98\x80\"}");
}

static void test_escaped_template_sequences_are_literal(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = \"$${x} %%{y} $ %\"\n"), "{a@1:1=\"${x} %{y} $ %\"}");
}

static void test_tuples_and_objects_of_literals(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "l = [1, \"a\", [true],]\no = {\n  k = 1\n  \"q k\" = 2, c: 3\n}\n"),
			    "{l@1:1=[1,\"a\",[true]] o@2:1={k@3:3=1 q k@4:3=2 c@4:14=3}}");
}

static void test_multiline_tuple(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "l = [\n  1,\n  2\n]\nb = 3\n"), "{l@1:1=[1,2] b@5:1=3}");
}

static void test_heredoc_is_a_literal_string(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = <<EOT\n{\"x\": 1}\n  two\nEOT\nb = 1\n"),
			    "{a@1:1=\"{\"x\": 1}\n  two\n\" b@5:1=1}");
}

static void test_flush_heredoc_strips_the_common_indentation(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = <<-EOT\n    one\n      two\n    EOT\n"),
			    "{a@1:1=\"one\n  two\n\"}");
}

static void test_heredoc_closing_marker_must_be_alone_on_its_line(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = <<EOT\nEOTX\nEOT\n"), "{a@1:1=\"EOTX\n\"}");
}

static void test_jsonencode_of_literals_is_its_json_text(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(
		parse(&g, "c = jsonencode({\n  enableNetworkPolicy = \"true\"\n  env = { A = [1, null] }\n})\n"),
		"{c@1:1=\"{\"enableNetworkPolicy\":\"true\",\"env\":{\"A\":[1,null]}}\"}");
}

static void test_jsonencode_escapes_strings(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "c = jsonencode([\"a\\\"b\\n<&\\u2028\"])\n"),
			    "{c@1:1=\"[\"a\\\"b\\n\\u003c\\u0026\\u2028\"]\"}");
}

static void test_parenthesised_literal_is_the_literal(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = (\"azure\")\n"), "{a@1:1=\"azure\"}");
}

/* ------------------------------------------------------------ unresolved */

static void test_references_are_unresolved_source_text(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = aws_eks_cluster.this.name\nb = var.x[0]\nc = local.m[\"k\"].v\n"
				      "d = aws_instance.x[*].id\ne = string\n"),
			    "{a@1:1=<aws_eks_cluster.this.name> b@2:1=<var.x[0]> "
			    "c@3:1=<local.m[\"k\"].v> d@4:1=<aws_instance.x[*].id> e@5:1=<string>}");
}

static void test_calls_operators_and_conditionals_are_unresolved(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = lower(var.x)\nb = 1 + 2 * 3\nc = var.on ? \"azure\" : null\n"
				      "d = !var.x\ne = provider::aws::arn_parse(\"x\")\n"),
			    "{a@1:1=<lower(var.x)> b@2:1=<1 + 2 * 3> c@3:1=<var.on ? \"azure\" : null> "
			    "d@4:1=<!var.x> e@5:1=<provider::aws::arn_parse(\"x\")>}");
}

static void test_multiline_call_keeps_its_text(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = merge(\n  local.x,\n  { b = 2 },\n)\nz = 1\n"),
			    "{a@1:1=<merge(\n  local.x,\n  { b = 2 },\n)> z@5:1=1}");
}

static void test_jsonencode_with_a_reference_is_unresolved(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "c = jsonencode({ a = var.x })\n"),
			    "{c@1:1=<jsonencode({ a = var.x })>}");
}

static void test_templates_with_interpolation_or_directives_are_unresolved(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = \"p-${var.x}\"\nb = \"%{ if var.y }yes%{ endif }\"\n"
				      "c = \"${ {k = \"}\"} }\"\n"),
			    "{a@1:1=<\"p-${var.x}\"> b@2:1=<\"%{ if var.y }yes%{ endif }\"> "
			    "c@3:1=<\"${ {k = \"}\"} }\">}");
}

static void test_heredoc_with_interpolation_is_unresolved(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = <<EOT\nx ${var.y}\nEOT\n"), "{a@1:1=<<<EOT\nx ${var.y}\nEOT>}");
}

static void test_for_expressions_are_unresolved(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = [for s in var.l : upper(s) if s != \"\"]\n"
				      "b = {\n  for k, v in var.m :\n  k => v...\n}\n"),
			    "{a@1:1=<[for s in var.l : upper(s) if s != \"\"]> "
			    "b@2:1=<{\n  for k, v in var.m :\n  k => v...\n}>}");
}

static void test_tuple_keeps_literals_beside_unresolved_members(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = [1, var.x]\nb = { k = var.y, l = \"z\" }\n"),
			    "{a@1:1=[1,<var.x>] b@2:1={k@2:7=<var.y> l@2:18=\"z\"}}");
}

static void test_object_with_computed_key_is_unresolved(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = { (var.k) = 1 }\n"), "{a@1:1=<{ (var.k) = 1 }>}");
}

/* ------------------------------------------------------------ errors */

static void assert_parse_error(const char *src, int line, int column, const char *needle)
{
	struct np_error err;
	int rc = parse_error(src, strlen(src), &err);

	assert_int_equal(rc, NP_EPARSE);
	assert_int_equal(err.code, NP_EPARSE);
	assert_string_equal(err.file, "t.tf");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_unclosed_block_names_its_brace(void **state)
{
	(void)state;
	assert_parse_error("a {\n  b = 1\n  c {\n", 3, 5, "unclosed block");
}

static void test_two_attributes_on_one_line_are_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = 1 b = 2\n", 1, 7, "expected a newline");
}

static void test_missing_value_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("x {\n  a =\n}\n", 2, 6, "expected an expression");
}

static void test_unterminated_string_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = \"abc\nb = 1\n", 1, 5, "unterminated string");
}

static void test_unterminated_heredoc_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = <<EOT\nline\n", 1, 5, "unterminated heredoc");
}

static void test_unterminated_block_comment_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = 1\n/* never", 2, 1, "unterminated /* comment");
}

static void test_invalid_escape_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = \"\\q\"\n", 1, 6, "invalid escape");
}

static void test_interpolated_block_label_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("resource \"${var.t}\" \"n\" {}\n", 1, 10, "literal strings");
}

static void test_operator_needs_its_operand_on_the_same_line(void **state)
{
	(void)state;
	assert_parse_error("a = 1 +\n2\n", 1, 8, "expected an expression");
}

static void test_unexpected_character_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = 1\nb = @\n", 2, 5, "unexpected character '@'");
}

static void test_columns_count_characters(void **state)
{
	(void)state;
	assert_parse_error("a = \"\xC3\xA9\xC3\xA9\" @\n", 1, 10, "unexpected character");
}

static void test_invalid_utf8_is_an_error(void **state)
{
	(void)state;
	assert_parse_error("a = 1\nb = \"\xff\"\n", 2, 6, "invalid UTF-8");
}

static void test_nul_byte_is_an_error(void **state)
{
	struct np_error err;

	(void)state;
	assert_int_equal(parse_error("a = 1\0", 6, &err), NP_EPARSE);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 6);
}

/* ------------------------------------------------------------ limits */

static void test_nesting_beyond_the_depth_limit_is_a_limit_error(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	char *src = malloc(40000);
	size_t n = 0, i;
	int rc;

	(void)state;
	assert_non_null(src);
	n += (size_t)sprintf(src, "a = ");
	for (i = 0; i < 10000; i++)
		src[n++] = '[';
	for (i = 0; i < 10000; i++)
		src[n++] = ']';
	src[n++] = '\n';
	np_decode_limits_default(&lim);
	memset(&err, 0, sizeof(err));
	rc = np_hcl_decode(src, n, "deep.tf", &lim, on_doc, NULL, &err);
	assert_int_equal(rc, NP_ELIMIT);
	assert_non_null(strstr(err.msg, "depth"));
	free(src);
}

static void test_deep_blocks_beyond_the_limit_are_a_limit_error(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	char src[4096];
	size_t n = 0, i;

	(void)state;
	for (i = 0; i < 20; i++)
		n += (size_t)sprintf(src + n, "b {\n");
	for (i = 0; i < 20; i++)
		n += (size_t)sprintf(src + n, "}\n");
	np_decode_limits_default(&lim);
	lim.max_depth = 10;
	assert_int_equal(np_hcl_decode(src, n, "t.tf", &lim, on_doc, NULL, &err), NP_ELIMIT);
	lim.max_depth = 64;
	assert_int_equal(np_hcl_decode(src, n, "t.tf", &lim, NULL, NULL, &err), 0);
}

static void test_raised_depth_limit_still_stops_at_the_reader_maximum(void **state)
{
	struct np_decode_limits lim;
	struct np_error err;
	char *src = malloc(40000);
	size_t n = 0, i;

	(void)state;
	assert_non_null(src);
	n += (size_t)sprintf(src, "a = ");
	for (i = 0; i < 10000; i++)
		src[n++] = '[';
	for (i = 0; i < 10000; i++)
		src[n++] = ']';
	np_decode_limits_default(&lim);
	lim.max_depth = 1000000;
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_hcl_decode(src, n, "deep.tf", &lim, NULL, NULL, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "the most the HCL reader allows"));
	free(src);
}

static void test_nested_unresolved_expressions_keep_the_outer_text(void **state)
{
	struct got g;

	(void)state;
	assert_string_equal(parse(&g, "a = f(g(h(var.x)), [1])\nb = [f(x), (var.y), (2)]\n"
				      "c = (var.on ? { k = 1 } : {})\n"),
			    "{a@1:1=<f(g(h(var.x)), [1])> b@2:1=[<f(x)>,<(var.y)>,2] "
			    "c@3:1=<(var.on ? { k = 1 } : {})>}");
}

static void test_node_limit(void **state)
{
	static const char src[] = "a = [1, 2, 3, 4, 5, 6, 7, 8]\n";
	struct np_decode_limits lim;
	struct np_error err;

	(void)state;
	np_decode_limits_default(&lim);
	lim.max_nodes = 5;
	assert_int_equal(np_hcl_decode(src, strlen(src), "t.tf", &lim, NULL, NULL, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "nodes"));
}

static void test_string_size_limit(void **state)
{
	static const char src[] = "a = \"0123456789abcdef\"\n";
	struct np_decode_limits lim;
	struct np_error err;

	(void)state;
	np_decode_limits_default(&lim);
	lim.max_scalar_bytes = 8;
	assert_int_equal(np_hcl_decode(src, strlen(src), "t.tf", &lim, NULL, NULL, &err), NP_ELIMIT);
	assert_non_null(strstr(err.msg, "scalar-bytes"));
}

static int stop(void *ctx, const struct np_node *doc, int index)
{
	(void)ctx;
	(void)doc;
	(void)index;
	return NP_EINVAL;
}

static void test_callback_error_is_returned(void **state)
{
	(void)state;
	assert_int_equal(np_hcl_decode("a = 1\n", 6, "t.tf", NULL, stop, NULL, NULL), NP_EINVAL);
}

static void test_unresolved_helper_tells_expressions_from_literals(void **state)
{
	struct np_node lit, expr, num;

	(void)state;
	memset(&lit, 0, sizeof(lit));
	lit.type = NP_NODE_STRING;
	lit.quoted = true;
	expr = lit;
	expr.quoted = false;
	memset(&num, 0, sizeof(num));
	num.type = NP_NODE_INT;
	assert_false(np_hcl_unresolved(&lit));
	assert_true(np_hcl_unresolved(&expr));
	assert_false(np_hcl_unresolved(&num));
	assert_false(np_hcl_unresolved(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_labels_nest_as_single_pair_maps),
		cmocka_unit_test(test_identifier_labels_are_accepted),
		cmocka_unit_test(test_repeated_blocks_are_repeated_keys),
		cmocka_unit_test(test_nested_blocks_keep_their_positions),
		cmocka_unit_test(test_block_body_map_carries_the_keyword_position),
		cmocka_unit_test(test_one_line_block),
		cmocka_unit_test(test_dynamic_block_stays_a_block_named_dynamic),
		cmocka_unit_test(test_empty_input_and_comments_only_give_an_empty_body),
		cmocka_unit_test(test_comments_of_all_three_kinds_are_skipped),
		cmocka_unit_test(test_crlf_line_endings),
		cmocka_unit_test(test_utf8_bom_is_skipped),
		cmocka_unit_test(test_scalar_literals),
		cmocka_unit_test(test_integers_beyond_int64_are_floats_with_their_text),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_escaped_template_sequences_are_literal),
		cmocka_unit_test(test_tuples_and_objects_of_literals),
		cmocka_unit_test(test_multiline_tuple),
		cmocka_unit_test(test_heredoc_is_a_literal_string),
		cmocka_unit_test(test_flush_heredoc_strips_the_common_indentation),
		cmocka_unit_test(test_heredoc_closing_marker_must_be_alone_on_its_line),
		cmocka_unit_test(test_jsonencode_of_literals_is_its_json_text),
		cmocka_unit_test(test_jsonencode_escapes_strings),
		cmocka_unit_test(test_parenthesised_literal_is_the_literal),
		cmocka_unit_test(test_references_are_unresolved_source_text),
		cmocka_unit_test(test_calls_operators_and_conditionals_are_unresolved),
		cmocka_unit_test(test_multiline_call_keeps_its_text),
		cmocka_unit_test(test_jsonencode_with_a_reference_is_unresolved),
		cmocka_unit_test(test_templates_with_interpolation_or_directives_are_unresolved),
		cmocka_unit_test(test_heredoc_with_interpolation_is_unresolved),
		cmocka_unit_test(test_for_expressions_are_unresolved),
		cmocka_unit_test(test_tuple_keeps_literals_beside_unresolved_members),
		cmocka_unit_test(test_object_with_computed_key_is_unresolved),
		cmocka_unit_test(test_unclosed_block_names_its_brace),
		cmocka_unit_test(test_two_attributes_on_one_line_are_an_error),
		cmocka_unit_test(test_missing_value_is_an_error),
		cmocka_unit_test(test_unterminated_string_is_an_error),
		cmocka_unit_test(test_unterminated_heredoc_is_an_error),
		cmocka_unit_test(test_unterminated_block_comment_is_an_error),
		cmocka_unit_test(test_invalid_escape_is_an_error),
		cmocka_unit_test(test_interpolated_block_label_is_an_error),
		cmocka_unit_test(test_operator_needs_its_operand_on_the_same_line),
		cmocka_unit_test(test_unexpected_character_is_an_error),
		cmocka_unit_test(test_columns_count_characters),
		cmocka_unit_test(test_invalid_utf8_is_an_error),
		cmocka_unit_test(test_nul_byte_is_an_error),
		cmocka_unit_test(test_nesting_beyond_the_depth_limit_is_a_limit_error),
		cmocka_unit_test(test_deep_blocks_beyond_the_limit_are_a_limit_error),
		cmocka_unit_test(test_raised_depth_limit_still_stops_at_the_reader_maximum),
		cmocka_unit_test(test_nested_unresolved_expressions_keep_the_outer_text),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_string_size_limit),
		cmocka_unit_test(test_callback_error_is_returned),
		cmocka_unit_test(test_unresolved_helper_tells_expressions_from_literals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
