/* Output: terminal escaping, UTF-8 repair, the YAML emitter, the AuditReport
 * JSON contract, the table, exit codes of audit results and checked writes
 * (cmd/out*.c, cmd/cmd_audit.c). Reports are built in C. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "netpol/cli.h"
#include "netpol/node.h"

/* ---- escaping ---- */

static char *escaped(const char *s, unsigned flags)
{
	static char buf[512];
	struct np_strbuf b;

	np_strbuf_init(&b);
	np_escape_term(&b, s, flags);
	assert_false(b.oom);
	snprintf(buf, sizeof(buf), "%s", b.s ? b.s : "");
	np_strbuf_release(&b);
	return buf;
}

static void test_escape_esc_and_c0(void **state)
{
	(void)state;
	assert_string_equal(escaped("a\x1b[2Jb", 0), "a\\x1b[2Jb");
	assert_string_equal(escaped("x\ny\tz\r", 0), "x\\ny\\tz\\r");
	assert_string_equal(escaped("\x7f\x01", 0), "\\x7f\\x01");
}

static void test_escape_c1_and_bidi(void **state)
{
	(void)state;
	/* U+009B (CSI in C1) and U+202E (RIGHT-TO-LEFT OVERRIDE), U+2066 (LRI) */
	assert_string_equal(escaped("a\xc2\x9b" "b", 0), "a\\u009bb");
	assert_string_equal(escaped("evil\xe2\x80\xaetxt.exe", 0), "evil\\u202etxt.exe");
	assert_string_equal(escaped("\xe2\x81\xa6x", 0), "\\u2066x");
}

static void test_escape_keeps_valid_utf8_text(void **state)
{
	(void)state;
	assert_string_equal(escaped("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", 0), "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
}

static void test_escape_invalid_utf8_bytes_as_hex(void **state)
{
	(void)state;
	assert_string_equal(escaped("a\xff" "b", 0), "a\\xffb");
	assert_string_equal(escaped("\xe2\x82", 0), "\\xe2\\x82");
}

static void test_escape_keep_newlines_flag(void **state)
{
	(void)state;
	assert_string_equal(escaped("kind: X\n  a: b\x1b", NP_ESC_KEEP_NEWLINES), "kind: X\n  a: b\\x1b");
}

static void test_utf8_sanitize_replaces_maximal_subparts(void **state)
{
	struct np_strbuf b;

	(void)state;
	np_strbuf_init(&b);
	/* truncated 3-byte sequence = one U+FFFD; lone continuation = one; overlong C0 80 = two */
	np_utf8_sanitize(&b, "a\xe2\x82" "b\x80" "c\xc0\x80", 9);
	assert_string_equal(b.s, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd");
	np_strbuf_release(&b);
}

static void test_utf8_valid_rejects_surrogates_and_beyond(void **state)
{
	(void)state;
	assert_true(np_utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(np_utf8_valid("\xed\xa0\x80", 3));
	assert_false(np_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(np_utf8_valid("\xe0\x80\xaf", 3));
}

static void test_json_string_never_drops_invalid_utf8(void **state)
{
	json_t *j = np_json_str("ns-\xff");

	(void)state;
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "ns-\xef\xbf\xbd");
	json_decref(j);
	j = np_json_str(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
}

/* ---- YAML emitter ---- */

static char *yaml_of(const json_t *j)
{
	struct np_strbuf b;
	char *s;

	np_strbuf_init(&b);
	np_yaml_emit_buf(&b, j);
	assert_false(b.oom);
	s = strdup(b.s ? b.s : "");
	np_strbuf_release(&b);
	return s;
}

/* Compares a decoded YAML node with the JSON value it was emitted from. */
static bool same(const struct np_node *n, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_NULL:
		return n->type == NP_NODE_NULL;
	case JSON_TRUE:
	case JSON_FALSE:
		return n->type == NP_NODE_BOOL && n->u.b == json_is_true(j);
	case JSON_INTEGER:
		return n->type == NP_NODE_INT && n->u.i == json_integer_value(j);
	case JSON_REAL:
		return n->type == NP_NODE_FLOAT;
	case JSON_STRING:
		return n->type == NP_NODE_STRING && n->u.str.len == json_string_length(j) &&
		       memcmp(n->u.str.s, json_string_value(j), n->u.str.len) == 0;
	case JSON_ARRAY:
		if (n->type != NP_NODE_SEQ || n->u.seq.n != json_array_size(j))
			return false;
		for (size_t i = 0; i < n->u.seq.n; i++)
			if (!same(n->u.seq.items[i], json_array_get(j, i)))
				return false;
		return true;
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		size_t i = 0;
		if (n->type != NP_NODE_MAP || n->u.map.n != json_object_size(j))
			return false;
		json_object_foreach((json_t *)j, k, v) {
			if (strcmp(n->u.map.pairs[i].key, k) != 0 || !same(n->u.map.pairs[i].value, v))
				return false;
			i++;
		}
		return true;
	}
	}
	return false;
}

struct rt {
	const json_t *want;
	int docs;
	bool ok;
};

static int rt_doc(void *ctx, const struct np_node *doc, int idx)
{
	struct rt *r = ctx;
	(void)idx;
	r->docs++;
	r->ok = same(doc, r->want);
	return 0;
}

static void assert_round_trip(const json_t *j)
{
	char *y = yaml_of(j);
	struct np_decode_limits lim;
	struct np_error err;
	struct rt r = { j, 0, false };

	np_decode_limits_default(&lim);
	np_error_clear(&err);
	if (np_yaml_decode(y, strlen(y), "emitted", &lim, rt_doc, &r, &err) != 0 || r.docs != 1 || !r.ok)
		fail_msg("YAML did not read back as emitted:\n%s\n(%s)", y, err.msg);
	free(y);
}

static void test_yaml_block_layout_kubectl_style(void **state)
{
	json_t *j = json_pack("{s:s, s:{s:i, s:[s, s]}, s:[{s:s, s:b}], s:n, s:{}, s:[]}", "apiVersion",
			      "kubectl-netpol/v1", "summary", "pods", 3, "ns", "a", "b", "controls", "id",
			      "NP-101", "ok", 1, "nothing", "empty", "none");
	char *y = yaml_of(j);

	(void)state;
	assert_string_equal(y, "apiVersion: kubectl-netpol/v1\n"
			       "summary:\n"
			       "  pods: 3\n"
			       "  ns:\n"
			       "  - a\n"
			       "  - b\n"
			       "controls:\n"
			       "- id: NP-101\n"
			       "  ok: true\n"
			       "nothing: null\n"
			       "empty: {}\n"
			       "none: []\n");
	free(y);
	json_decref(j);
}

static void test_yaml_quotes_strings_yaml_would_retype(void **state)
{
	const char *tricky[] = { "yes", "No", "on", "OFF", "y", "true", "null", "~", "", "0644", "1.0",
				 "1e3", "0x1F", "2026-12-31", "12:30", "-1", "+5", ".5", ".inf", "-", "- x",
				 "a: b", "a #c", "#c", "key:", "*ref", "&anchor", "!tag", "|", ">", "@x",
				 "`x", "'q'", "\"q\"", "[a]", "{a}", "%x", " lead", "trail ", "=", "<<" };
	(void)state;
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		json_t *j = json_pack("{s:s}", "k", tricky[i]);
		char *y = yaml_of(j);
		assert_non_null(strstr(y, "k: \""));
		assert_round_trip(j);
		free(y);
		json_decref(j);
	}
}

static void test_yaml_plain_strings_stay_plain(void **state)
{
	json_t *j = json_pack("{s:s, s:s, s:s}", "a", "NP-103", "b", "networking.k8s.io", "c",
			      "3 pods are not isolated for egress");
	char *y = yaml_of(j);

	(void)state;
	assert_string_equal(y, "a: NP-103\nb: networking.k8s.io\nc: 3 pods are not isolated for egress\n");
	free(y);
	json_decref(j);
}

static void test_yaml_escapes_control_and_bidi_in_quotes(void **state)
{
	json_t *j = json_pack("{s:s}", "k", "a\x1b[0m\xe2\x80\xae" "b\tc");
	char *y = yaml_of(j);

	(void)state;
	assert_null(strchr(y, '\x1b'));
	assert_null(strstr(y, "\xe2\x80\xae"));
	assert_non_null(strstr(y, "\\x1b"));
	assert_non_null(strstr(y, "\\u202e"));
	assert_round_trip(j);
	free(y);
	json_decref(j);
}

static void test_yaml_multiline_as_literal_block(void **state)
{
	json_t *j = json_pack("{s:[{s:s}], s:s, s:s}", "controls", "remediation",
			      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  podSelector: {}\n",
			      "nochomp", "line1\nline2", "keep", "a\n\n");
	char *y = yaml_of(j);

	(void)state;
	assert_non_null(strstr(y, "- remediation: |\n    apiVersion: networking.k8s.io/v1\n"));
	assert_non_null(strstr(y, "nochomp: |-\n  line1\n  line2\n"));
	assert_non_null(strstr(y, "keep: |+\n"));
	assert_round_trip(j);
	free(y);
	json_decref(j);
}

static void test_yaml_nested_sequences_and_key_quoting(void **state)
{
	json_t *j = json_pack("{s:[[i, i], [], [s]], s:i, s:{s:[{s:[{s:n}]}]}}", "ports", 1, 65535, "x",
			      "weird: key", 1, "deep", "a", "b", "c");

	(void)state;
	assert_round_trip(j);
	json_decref(j);
}

/* ---- a small report built in C ---- */

static const struct np_control_def def101 = {
	"NP-101", "The CNI in use supports NetworkPolicy", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	{ "CIS Kubernetes 5.3.1", NULL }, "1 CIS and platform controls",
};
static const struct np_control_def def102 = {
	"NP-102", "Every namespace has at least one NetworkPolicy", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	{ "CIS Kubernetes 5.3.2", "Kubescape C-0206", NULL }, "1 CIS and platform controls",
};
static const struct np_control_def def202 = {
	"NP-202", "Every NetworkPolicy selects at least one pod", NP_SEV_LOW, NP_SEV_LOW,
	{ NULL }, "2 Hardening and hygiene",
};

struct fixture {
	struct np_model m;
	struct np_report r;
	struct np_out_ctx o;
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct np_control_result *c;
	struct np_finding *fd;
	struct np_input *in;

	np_model_init(&f->m);
	np_report_init(&f->r);
	f->r.semantics = "k8s";
	f->r.fail_on = "low";
	f->r.generated_at = "2026-01-31T12:00:00Z";
	f->r.cluster.platform = "kind";
	f->r.namespaces = 3;
	f->r.pods = 5;
	f->r.pods_isolatable = 3;
	f->r.pods_ingress_isolated = 2;
	f->r.pods_egress_isolated = 1;

	c = np_report_add_control(&f->r, &def101);
	c->status = NP_ST_PASS;
	c->summary = "calico enforces";
	c = np_report_add_control(&f->r, &def102);
	c->status = NP_ST_FAIL;
	c->summary = "1 of 3 namespaces has no NetworkPolicy";
	c->remediation = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n";
	c->passing = 2;
	c->evaluated = 3;
	fd = np_result_add_finding(&f->r, c);
	fd->kind = "Namespace";
	fd->api_group = "";
	fd->namespace = NULL;
	fd->name = "team-\x1b[31mb";
	fd->message = "no NetworkPolicy";
	fd->fingerprint = "NP-102//Namespace//team-b";
	fd->loc.file = "in.yaml";
	fd->loc.line = 7;
	fd->loc.column = 9;
	fd->loc.object_line = 3;
	c = np_report_add_control(&f->r, &def202);
	c->status = NP_ST_WARN;

	in = np_model_push_input(&f->m);
	in->path = "in.yaml";
	memcpy(in->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 65);
	in->layout = "generic";
	np_model_set_avail(&f->m, NP_RES_CONFIGMAPS, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected",
			   "no configmaps in input", "in.yaml");
	np_model_set_avail(&f->m, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_UNREADABLE, "forbidden",
			   "networkpolicies is forbidden", "in.yaml");
	np_model_warn(&f->m, "pods", "b", "parseError", "in.yaml", "second warning");
	np_model_warn(&f->m, "namespaces", NULL, "invalid", "in.yaml", "first warning");

	f->o.r = &f->r;
	f->o.m = &f->m;
	f->o.mode = "offline";
	f->o.generated_at = "2026-01-31T12:00:00Z";
	return f;
}

static void fixture_free(struct fixture *f)
{
	np_report_release(&f->r);
	np_model_release(&f->m);
	free(f);
}

static void assert_keys(const json_t *obj, const char *const *keys)
{
	const char *k;
	json_t *v;
	size_t i = 0;

	json_object_foreach((json_t *)obj, k, v) {
		if (!keys[i])
			break; /* additive keys after the contract's are allowed */
		assert_string_equal(k, keys[i]);
		i++;
	}
	assert_null(keys[i]);
}

static void test_report_json_top_level_keys_in_contract_order(void **state)
{
	static const char *const top[] = { "apiVersion", "kind", "generator", "generatedAt", "semantics",
					   "failOn", "skippedControls", "source", "cluster", "summary",
					   "controls", "warnings", "errors", NULL };
	static const char *const summary[] = { "status", "namespaces", "excludedNamespaces", "pods",
					       "podsHostNetwork", "podsTemplate", "policies", "policiesByKind",
					       "podsIngressIsolated", "podsEgressIsolated", "suppressed",
					       "baseline", "complete", NULL };
	static const char *const source[] = { "mode", "inputs", "context", "server", NULL };
	struct fixture *f = fixture_new();
	json_t *j = NULL;

	(void)state;
	assert_int_equal(np_report_json(&j, &f->o), 0);
	assert_keys(j, top);
	assert_keys(json_object_get(j, "summary"), summary);
	assert_keys(json_object_get(j, "source"), source);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "AuditReport");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "generator"), "version")),
			    NP_VERSION);
	assert_string_equal(json_string_value(json_object_get(j, "generatedAt")), "2026-01-31T12:00:00Z");
	assert_true(json_is_null(json_object_get(json_object_get(j, "source"), "context")));
	json_decref(j);
	fixture_free(f);
}

static void test_report_json_finding_keys_and_nulls(void **state)
{
	static const char *const fkeys[] = { "object", "message", "remediation", "directions", "pods",
					     "template", "system", "suppressed", "fingerprint", "file",
					     "member", "line", "column", "objectLine", NULL };
	static const char *const ckeys[] = { "id", "title", "severity", "status", "references", "summary",
					     "remediation", "findings", NULL };
	static const char *const okeys[] = { "kind", "apiGroup", "namespace", "name", NULL };
	struct fixture *f = fixture_new();
	json_t *j = NULL, *c, *fd;

	(void)state;
	assert_int_equal(np_report_json(&j, &f->o), 0);
	c = json_array_get(json_object_get(j, "controls"), 1);
	assert_keys(c, ckeys);
	assert_string_equal(json_string_value(json_object_get(c, "status")), "FAIL");
	fd = json_array_get(json_object_get(c, "findings"), 0);
	assert_keys(fd, fkeys);
	assert_keys(json_object_get(fd, "object"), okeys);
	assert_true(json_is_null(json_object_get(json_object_get(fd, "object"), "namespace")));
	assert_true(json_is_null(json_object_get(fd, "remediation")));
	assert_true(json_is_null(json_object_get(fd, "directions")));
	assert_true(json_is_null(json_object_get(fd, "pods")));
	assert_true(json_is_null(json_object_get(fd, "suppressed")));
	assert_true(json_is_null(json_object_get(fd, "member")));
	assert_int_equal(json_integer_value(json_object_get(fd, "line")), 7);
	assert_int_equal(json_integer_value(json_object_get(fd, "objectLine")), 3);
	/* JSON keeps the raw name (escaping is for terminals) */
	assert_string_equal(json_string_value(json_object_get(json_object_get(fd, "object"), "name")),
			    "team-\x1b[31mb");
	json_decref(j);
	fixture_free(f);
}

/* Unread essential kinds (NetworkPolicies) are errors; unread refinement-only
 * kinds (ConfigMaps) are warnings, after the model's own warnings. */
static void test_report_json_unread_availability_splits_errors_and_warnings(void **state)
{
	struct fixture *f = fixture_new();
	json_t *j = NULL, *errs, *warns;

	(void)state;
	assert_int_equal(np_report_json(&j, &f->o), 0);
	errs = json_object_get(j, "errors");
	assert_int_equal(json_array_size(errs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "resource")),
			    "networkpolicies");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "apiGroup")),
			    "networking.k8s.io");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "reason")),
			    "forbidden");
	warns = json_object_get(j, "warnings");
	assert_int_equal(json_array_size(warns), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(warns, 0), "resource")),
			    "configmaps");
	assert_string_equal(json_string_value(json_object_get(json_array_get(warns, 1), "resource")),
			    "namespaces");
	json_decref(j);
	fixture_free(f);
}

static void test_report_json_summary_status_counts(void **state)
{
	struct fixture *f = fixture_new();
	json_t *j = NULL, *st;

	(void)state;
	assert_int_equal(np_report_json(&j, &f->o), 0);
	st = json_object_get(json_object_get(j, "summary"), "status");
	assert_int_equal(json_integer_value(json_object_get(st, "PASS")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "FAIL")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "WARN")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "SKIP")), 0);
	json_decref(j);
	fixture_free(f);
}

static void test_report_json_suppressed_object(void **state)
{
	struct fixture *f = fixture_new();
	struct np_suppression s = { "exception", "SEC-1", "2026-12-31" };
	json_t *j = NULL, *sup;

	(void)state;
	f->r.controls.v[1].findings.v[0].suppressed = &s;
	assert_int_equal(np_report_json(&j, &f->o), 0);
	sup = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(j, "controls"), 1),
							     "findings"), 0), "suppressed");
	assert_string_equal(json_string_value(json_object_get(sup, "by")), "exception");
	assert_string_equal(json_string_value(json_object_get(sup, "reason")), "SEC-1");
	assert_string_equal(json_string_value(json_object_get(sup, "expires")), "2026-12-31");
	json_decref(j);
	fixture_free(f);
}

static void test_now_honours_source_date_epoch(void **state)
{
	char buf[32];

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1769860800", 1);
	np_now_rfc3339(buf);
	assert_string_equal(buf, "2026-01-31T12:00:00Z");
	unsetenv("SOURCE_DATE_EPOCH");
	np_now_rfc3339(buf);
	assert_int_equal(strlen(buf), 20);
	assert_int_equal(buf[19], 'Z');
}

/* ---- table ---- */

static char *table_of(const struct np_out_ctx *o)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_int_equal(np_report_table(f, o), 0);
	fclose(f);
	return s;
}

static void test_table_control_lines_groups_and_counts(void **state)
{
	struct fixture *f = fixture_new();
	char *t = table_of(&f->o);

	(void)state;
	assert_non_null(strstr(t, "[INFO] 1 CIS and platform controls\n[PASS] NP-101 The CNI in use supports "
				  "NetworkPolicy\n[FAIL] NP-102 Every namespace has at least one NetworkPolicy "
				  "(2/3)\n[INFO] 2 Hardening and hygiene\n[WARN] NP-202"));
	assert_non_null(strstr(t, "== Findings =="));
	assert_non_null(strstr(t, "== Remediations ==\nNP-102 apiVersion: networking.k8s.io/v1\nkind: "
				  "NetworkPolicy\n"));
	assert_non_null(strstr(t, "== Summary =="));
	assert_non_null(strstr(t, "1 checks [FAIL] (1 medium)"));
	assert_null(strchr(t, '\x1b'));
	free(t);
	fixture_free(f);
}

static void test_table_escapes_names_and_uses_none(void **state)
{
	struct fixture *f = fixture_new();
	char *t = table_of(&f->o);

	(void)state;
	assert_non_null(strstr(t, "NAMESPACE   NAME"));
	assert_non_null(strstr(t, "<none>      team-\\x1b[31mb   Namespace   no NetworkPolicy"));
	free(t);
	fixture_free(f);
}

static void test_table_isolated_pods_percent_rounded_down(void **state)
{
	struct fixture *f = fixture_new();
	char *t = table_of(&f->o);

	(void)state;
	/* 2/3 = 66.7% shows 66%, 1/3 = 33% */
	assert_non_null(strstr(t, "Isolated pods: ingress 2/3 (66%), egress 1/3 (33%)"));
	free(t);
	fixture_free(f);
}

static void test_table_quiet_drops_findings_and_remediations(void **state)
{
	struct fixture *f = fixture_new();
	char *t;

	(void)state;
	f->o.quiet = true;
	t = table_of(&f->o);
	assert_null(strstr(t, "== Findings =="));
	assert_null(strstr(t, "== Remediations =="));
	assert_non_null(strstr(t, "== Summary =="));
	free(t);
	fixture_free(f);
}

static void test_table_colours_status_tags_when_enabled(void **state)
{
	struct fixture *f = fixture_new();
	char *t;

	(void)state;
	f->o.color = true;
	t = table_of(&f->o);
	assert_non_null(strstr(t, "\x1b[31m[FAIL]\x1b[0m NP-102"));
	assert_non_null(strstr(t, "\x1b[32m[PASS]\x1b[0m NP-101"));
	free(t);
	fixture_free(f);
}

static void test_table_caps_findings_at_20_per_control(void **state)
{
	struct fixture *f = fixture_new();
	struct np_control_result *c = &f->r.controls.v[1];
	char *t;

	(void)state;
	for (int i = 0; i < 24; i++) {
		struct np_finding *fd = np_result_add_finding(&f->r, c);
		fd->kind = "Namespace";
		fd->name = np_report_strf(&f->r, "ns-%02d", i);
		fd->message = "no NetworkPolicy";
	}
	t = table_of(&f->o);
	assert_non_null(strstr(t, "ns-18"));
	assert_null(strstr(t, "ns-19 "));
	assert_non_null(strstr(t, "\xe2\x80\xa6 5 more (use -o wide)"));
	free(t);
	f->o.wide = true;
	t = table_of(&f->o);
	assert_non_null(strstr(t, "ns-23"));
	assert_null(strstr(t, "more (use -o wide)"));
	assert_non_null(strstr(t, "References: CIS Kubernetes 5.3.2; Kubescape C-0206"));
	assert_non_null(strstr(t, "in.yaml:7:9"));
	free(t);
	fixture_free(f);
}

static void test_table_hides_suppressed_but_counts_them(void **state)
{
	struct fixture *f = fixture_new();
	struct np_suppression s = { "exception", "SEC-1", NULL };
	char *t;

	(void)state;
	f->r.controls.v[1].findings.v[0].suppressed = &s;
	t = table_of(&f->o);
	assert_null(strstr(t, "team-\\x1b"));
	assert_non_null(strstr(t, "1 suppressed (use -o wide)"));
	free(t);
	f->o.wide = true;
	t = table_of(&f->o);
	assert_non_null(strstr(t, "(suppressed by exception: SEC-1)"));
	free(t);
	fixture_free(f);
}

static void test_table_truncates_detail_on_terminal_width(void **state)
{
	struct fixture *f = fixture_new();
	char *t;

	(void)state;
	f->r.controls.v[1].findings.v[0].message =
		"a very long message that goes on and on past the edge of any reasonable terminal";
	f->o.width = 60;
	t = table_of(&f->o);
	assert_non_null(strstr(t, "\xe2\x80\xa6\n"));
	assert_null(strstr(t, "reasonable terminal"));
	free(t);
	f->o.width = 0;
	t = table_of(&f->o);
	assert_non_null(strstr(t, "reasonable terminal"));
	free(t);
	fixture_free(f);
}

/* ---- audit exit codes ---- */

static void test_audit_exit_code_fail_on_levels(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	/* NP-102 FAIL medium, NP-202 WARN low */
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_LOW, false, false), 1);
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_MEDIUM, false, false), 1);
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_HIGH, false, false), 0);
	assert_int_equal(np_audit_exit_code(&f->r, -1, false, false), 0);
	fixture_free(f);
}

static void test_audit_exit_code_warn_only_with_fail_on_warn(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	f->r.controls.v[1].status = NP_ST_PASS;
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_LOW, false, false), 0);
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_LOW, true, false), 1);
	/* the WARN is low: below --fail-on medium it does not count */
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_MEDIUM, true, false), 0);
	fixture_free(f);
}

static void test_audit_exit_code_error_at_any_level_but_none(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	f->r.controls.v[1].status = NP_ST_PASS;
	f->r.controls.v[2].status = NP_ST_ERROR;
	assert_int_equal(np_audit_exit_code(&f->r, NP_SEV_CRITICAL, false, false), 1);
	assert_int_equal(np_audit_exit_code(&f->r, -1, false, false), 0);
	fixture_free(f);
}

/* ---- files ---- */

static int write_hello(FILE *f, void *ctx)
{
	(void)ctx;
	return fputs("hello\n", f) < 0 ? NP_EIO : 0;
}

static void test_atomic_write_renames_into_place(void **state)
{
	char dir[] = "/tmp/np-out-XXXXXX";
	char path[256];
	struct np_error err;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	assert_int_equal(np_write_file_atomic(path, write_hello, NULL, &err), 0);
	assert_int_equal(np_read_file(path, 1024, &buf, &len, &err), 0);
	assert_string_equal(buf, "hello\n");
	free(buf);
	unlink(path);
	rmdir(dir);
}

static void test_atomic_write_into_missing_dir_fails(void **state)
{
	struct np_error err;

	(void)state;
	np_error_clear(&err);
	assert_int_equal(np_write_file_atomic("/nonexistent-dir/x/r.json", write_hello, NULL, &err), NP_EIO);
	assert_string_equal(err.file, "/nonexistent-dir/x/r.json");
}

static void test_read_file_enforces_limit(void **state)
{
	struct np_error err;
	char *buf = NULL;
	size_t len = 0;
	char path[] = "/tmp/np-read-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(np_read_file(path, 5, &buf, &len, &err), NP_ELIMIT);
	assert_null(buf);
	assert_int_equal(np_read_file(path, 10, &buf, &len, &err), 0);
	assert_int_equal(len, 10);
	free(buf);
	unlink(path);
}


/* ---- verbs end to end on a small input ---- */

struct cap {
	char *out, *err;
	size_t out_len, err_len;
	int code;
};

static void run_verb(struct cap *c, int (*fn)(int, char **, struct np_io *), char **argv)
{
	struct np_io io = { 0 };
	int argc = 0;

	while (argv[argc])
		argc++;
	io.out = open_memstream(&c->out, &c->out_len);
	io.err = open_memstream(&c->err, &c->err_len);
	c->code = fn(argc, argv, &io);
	fclose(io.out);
	fclose(io.err);
}

static void cap_free(struct cap *c)
{
	free(c->out);
	free(c->err);
}

#define SMALL NP_TEST_DATA "/cmd/small.yaml"

static const json_t *control(const json_t *report, const char *id)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(report, "controls"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0)
			return c;
	return NULL;
}

static void test_audit_json_end_to_end(void **state)
{
	char *argv[] = { (char *)"audit", (char *)"-f", (char *)SMALL, (char *)"-o", (char *)"json", NULL };
	struct cap c = { 0 };
	json_error_t je;
	json_t *j;
	const json_t *np102;

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1769860800", 1);
	run_verb(&c, cmd_audit, argv);
	unsetenv("SOURCE_DATE_EPOCH");
	/* NP-102 fails for team-b at medium: the default --fail-on low gives 1 */
	assert_int_equal(c.code, 1);
	j = json_loads(c.out, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "generatedAt")), "2026-01-31T12:00:00Z");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "source"), "mode")), "offline");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(j, "source"),
									     "inputs"), 0)), SMALL);
	np102 = control(j, "NP-102");
	assert_non_null(np102);
	assert_string_equal(json_string_value(json_object_get(np102, "status")), "FAIL");
	json_decref(j);
	cap_free(&c);
}

static void test_audit_fail_on_none_exits_0_and_yaml_matches_json(void **state)
{
	char *argv_j[] = { (char *)"audit", (char *)"-f", (char *)SMALL, (char *)"-ojson", (char *)"--fail-on=none", NULL };
	char *argv_y[] = { (char *)"audit", (char *)"-f", (char *)SMALL, (char *)"-oyaml", (char *)"--fail-on=none", NULL };
	struct cap cj = { 0 }, cy = { 0 };
	json_error_t je;
	json_t *j;
	struct rt r = { NULL, 0, false };
	struct np_decode_limits lim;
	struct np_error err;

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1", 1);
	run_verb(&cj, cmd_audit, argv_j);
	run_verb(&cy, cmd_audit, argv_y);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(cj.code, 0);
	assert_int_equal(cy.code, 0);
	j = json_loads(cj.out, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "failOn")), "none");
	r.want = j;
	np_decode_limits_default(&lim);
	assert_int_equal(np_yaml_decode(cy.out, cy.out_len, "yaml", &lim, rt_doc, &r, &err), 0);
	assert_int_equal(r.docs, 1);
	assert_true(r.ok);
	json_decref(j);
	cap_free(&cj);
	cap_free(&cy);
}

static void test_audit_controls_selection_and_skipped_list(void **state)
{
	char *argv[] = { (char *)"audit", (char *)"-f", (char *)SMALL, (char *)"-o", (char *)"json",
			 (char *)"--controls", (char *)"np-102", NULL };
	struct cap c = { 0 };
	json_error_t je;
	json_t *j, *skipped;
	size_t n;

	(void)state;
	run_verb(&c, cmd_audit, argv);
	j = json_loads(c.out, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "controls")), 1);
	assert_non_null(control(j, "NP-102"));
	skipped = json_object_get(j, "skippedControls");
	np_controls_catalog(&n);
	assert_int_equal(json_array_size(skipped), n - 1);
	json_decref(j);
	cap_free(&c);
}

static void test_audit_table_quiet_end_to_end(void **state)
{
	char *argv[] = { (char *)"audit", (char *)"-f", (char *)SMALL, (char *)"-q", (char *)"--color=never", NULL };
	struct cap c = { 0 };

	(void)state;
	run_verb(&c, cmd_audit, argv);
	assert_int_equal(c.code, 1);
	assert_non_null(strstr(c.out, "[FAIL] NP-102"));
	assert_null(strstr(c.out, "== Findings =="));
	assert_int_equal(c.err_len, 0);
	cap_free(&c);
}

static void test_audit_missing_input_exits_2_one_line(void **state)
{
	char *argv[] = { (char *)"audit", (char *)"-f", (char *)"/nonexistent/in.yaml", NULL };
	struct cap c = { 0 };

	(void)state;
	run_verb(&c, cmd_audit, argv);
	assert_int_equal(c.code, 2);
	assert_int_equal(c.out_len, 0);
	assert_non_null(strstr(c.err, "kubectl-netpol: /nonexistent/in.yaml"));
	assert_ptr_equal(strchr(c.err, '\n'), c.err + c.err_len - 1);
	cap_free(&c);
}

static void test_audit_output_file_written_atomically(void **state)
{
	char dir[] = "/tmp/np-of-XXXXXX";
	char spec[300], path[256];
	char *argv[] = { (char *)"audit", (char *)"-f", (char *)SMALL, (char *)"-q", (char *)"--output-file", spec, NULL };
	struct cap c = { 0 };
	json_error_t je;
	json_t *j;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	snprintf(spec, sizeof(spec), "json=%s", path);
	run_verb(&c, cmd_audit, argv);
	assert_int_equal(c.code, 1);
	j = json_load_file(path, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "AuditReport");
	json_decref(j);
	unlink(path);
	assert_int_equal(rmdir(dir), 0); /* no temporary file left behind */
	cap_free(&c);
}

static void test_cni_json_kind(void **state)
{
	char *argv[] = { (char *)"cni", (char *)"-f", (char *)SMALL, (char *)"-o", (char *)"json", NULL };
	struct cap c = { 0 };
	json_error_t je;
	json_t *j;

	(void)state;
	run_verb(&c, cmd_cni, argv);
	j = json_loads(c.out, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "CNIReport");
	assert_true(json_is_array(json_object_get(json_object_get(j, "cluster"), "cni")));
	json_decref(j);
	cap_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_esc_and_c0),
		cmocka_unit_test(test_escape_c1_and_bidi),
		cmocka_unit_test(test_escape_keeps_valid_utf8_text),
		cmocka_unit_test(test_escape_invalid_utf8_bytes_as_hex),
		cmocka_unit_test(test_escape_keep_newlines_flag),
		cmocka_unit_test(test_utf8_sanitize_replaces_maximal_subparts),
		cmocka_unit_test(test_utf8_valid_rejects_surrogates_and_beyond),
		cmocka_unit_test(test_json_string_never_drops_invalid_utf8),
		cmocka_unit_test(test_yaml_block_layout_kubectl_style),
		cmocka_unit_test(test_yaml_quotes_strings_yaml_would_retype),
		cmocka_unit_test(test_yaml_plain_strings_stay_plain),
		cmocka_unit_test(test_yaml_escapes_control_and_bidi_in_quotes),
		cmocka_unit_test(test_yaml_multiline_as_literal_block),
		cmocka_unit_test(test_yaml_nested_sequences_and_key_quoting),
		cmocka_unit_test(test_report_json_top_level_keys_in_contract_order),
		cmocka_unit_test(test_report_json_finding_keys_and_nulls),
		cmocka_unit_test(test_report_json_unread_availability_splits_errors_and_warnings),
		cmocka_unit_test(test_report_json_summary_status_counts),
		cmocka_unit_test(test_report_json_suppressed_object),
		cmocka_unit_test(test_now_honours_source_date_epoch),
		cmocka_unit_test(test_table_control_lines_groups_and_counts),
		cmocka_unit_test(test_table_escapes_names_and_uses_none),
		cmocka_unit_test(test_table_isolated_pods_percent_rounded_down),
		cmocka_unit_test(test_table_quiet_drops_findings_and_remediations),
		cmocka_unit_test(test_table_colours_status_tags_when_enabled),
		cmocka_unit_test(test_table_caps_findings_at_20_per_control),
		cmocka_unit_test(test_table_hides_suppressed_but_counts_them),
		cmocka_unit_test(test_table_truncates_detail_on_terminal_width),
		cmocka_unit_test(test_audit_exit_code_fail_on_levels),
		cmocka_unit_test(test_audit_exit_code_warn_only_with_fail_on_warn),
		cmocka_unit_test(test_audit_exit_code_error_at_any_level_but_none),
		cmocka_unit_test(test_atomic_write_renames_into_place),
		cmocka_unit_test(test_atomic_write_into_missing_dir_fails),
		cmocka_unit_test(test_read_file_enforces_limit),
		cmocka_unit_test(test_audit_json_end_to_end),
		cmocka_unit_test(test_audit_fail_on_none_exits_0_and_yaml_matches_json),
		cmocka_unit_test(test_audit_controls_selection_and_skipped_list),
		cmocka_unit_test(test_audit_table_quiet_end_to_end),
		cmocka_unit_test(test_audit_missing_input_exits_2_one_line),
		cmocka_unit_test(test_audit_output_file_written_atomically),
		cmocka_unit_test(test_cni_json_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
