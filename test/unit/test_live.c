/* The live client's helpers and the failures it reports before (or
 * without) talking to an API server. Behaviour against a server (paging,
 * retries, 403 fallback, auth) is tested in test/live/ with a loopback
 * server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "netpol/live.h"
#include "netpol/model.h"
#include "netpol/node.h"
#include "../../snapshot/live_internal.h"

/* ---- helpers ---- */

static void test_base64_round_trips(void **state)
{
	const unsigned char in[] = { 0, 1, 2, 250, 251, 252, 253 };
	unsigned char *out = NULL;
	size_t n = 0, len;
	char *enc;

	for (len = 0; len <= sizeof(in); len++) {
		enc = live_base64_encode(in, len);
		assert_non_null(enc);
		assert_int_equal(live_base64_decode(enc, strlen(enc), &out, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, in, len);
		free(out);
		free(enc);
	}
}

static void test_base64_ignores_line_breaks_and_missing_padding(void **state)
{
	unsigned char *out = NULL;
	size_t n = 0;

	assert_int_equal(live_base64_decode("Q0VS\nVA", 7, &out, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "CERT", 4);
	free(out);
}

static void test_base64_rejects_invalid_input(void **state)
{
	unsigned char *out = NULL;
	size_t n = 0;

	assert_int_equal(live_base64_decode("Q0*S", 4, &out, &n), -1);
	assert_null(out);
	assert_int_equal(live_base64_decode("Q0VSV", 5, &out, &n), -1);
	assert_int_equal(live_base64_decode("Q0==VA==", 8, &out, &n), -1);
}

static void test_rfc3339_accepts_offsets_and_fractions(void **state)
{
	long long t = 0;

	assert_int_equal(live_parse_rfc3339("2030-01-02T03:04:05Z", &t), 0);
	assert_int_equal(t, 1893553445LL);
	assert_int_equal(live_parse_rfc3339("2030-01-02T05:04:05.123456+02:00", &t), 0);
	assert_int_equal(t, 1893553445LL);
	assert_int_equal(live_parse_rfc3339("2030-01-01T22:04:05-05:00", &t), 0);
	assert_int_equal(t, 1893553445LL);
}

static void test_rfc3339_rejects_other_text(void **state)
{
	long long t = 0;

	assert_int_equal(live_parse_rfc3339("2030-01-02", &t), -1);
	assert_int_equal(live_parse_rfc3339("2030-13-02T03:04:05Z", &t), -1);
	assert_int_equal(live_parse_rfc3339("2030-01-02T03:04:05", &t), -1);
	assert_int_equal(live_parse_rfc3339("2030-01-02T03:04:05Zjunk", &t), -1);
	assert_int_equal(live_parse_rfc3339(NULL, &t), -1);
}

static void test_json_strings_escape_control_characters(void **state)
{
	struct lbuf b = { 0 };

	assert_int_equal(lbuf_add_json_str(&b, "a\"b\\c\n\x01\x1b", 8), 0);
	assert_string_equal(b.p, "\"a\\\"b\\\\c\\n\\u0001\\u001b\"");
	lbuf_release(&b);
}

static int keep_json(void *ctx, const struct np_node *doc, int idx)
{
	return live_node_json(ctx, doc, 0);
}

static void test_node_json_writes_the_tree_back(void **state)
{
	const char *in = "{\"a\":[1,-2.5e3,true,null,\"x\\ty\"],\"b\":{}}";
	struct np_decode_limits lim;
	struct lbuf b = { 0 };
	struct np_error err;

	np_decode_limits_default(&lim);
	assert_int_equal(np_json_decode(in, strlen(in), "t", &lim, keep_json, &b, &err), 0);
	assert_string_equal(b.p, in);
	lbuf_release(&b);
}

static void test_secret_buffers_survive_growth(void **state)
{
	struct lbuf b = { .secret = true };
	int i;

	for (i = 0; i < 1000; i++)
		assert_int_equal(lbuf_adds(&b, "0123456789"), 0);
	assert_int_equal(b.n, 10000);
	assert_memory_equal(b.p + 9990, "0123456789", 10);
	lbuf_release(&b);
	assert_null(b.p);
}

/* ---- np_live_load without a reachable server ---- */

struct fx {
	char dir[256];
	char kc[512];
	struct np_model m;
	struct np_live_options opt;
	struct np_error err;
	char log[8192];
};

static void log_fn(void *ctx, int level, const char *line)
{
	struct fx *f = ctx;
	size_t n = strlen(f->log);

	snprintf(f->log + n, sizeof(f->log) - n, "%d:%s\n", level, line);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/np-live-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->kc, sizeof(f->kc), "%s/kubeconfig", f->dir);
	np_model_init(&f->m);
	f->opt.kubeconfig = f->kc;
	f->opt.timeout_ms = 20000;
	f->opt.verbosity = 2;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[512];

	np_model_release(&f->m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void kubeconfig(struct fx *f, const char *server, const char *cluster_extra,
		       const char *user)
{
	FILE *fp = fopen(f->kc, "w");

	assert_non_null(fp);
	fprintf(fp, "current-context: ctx\nclusters:\n- name: c\n  cluster:\n    server: %s\n%s"
		    "contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\n"
		    "users:\n- name: u\n  user:\n%s",
		server, cluster_extra ? cluster_extra : "", user ? user : "    token: t\n");
	fclose(fp);
}

static int load(struct fx *f)
{
	np_error_clear(&f->err);
	return np_live_load(&f->m, &f->opt, NULL, log_fn, f, &f->err);
}

static void test_refused_connection_is_a_network_error(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "https://127.0.0.1:1", NULL, NULL);
	assert_int_equal(load(f), NP_ENET);
	assert_non_null(strstr(f->err.msg, "cannot reach the API server"));
	assert_string_equal(f->err.file, "https://127.0.0.1:1");
}

static void test_unsupported_scheme_is_a_usage_error(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "ftp://127.0.0.1:1", NULL, NULL);
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "not supported"));
}

static void test_missing_kubeconfig_is_a_usage_error(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f), NP_EUSAGE);
}

static void test_plain_http_warns(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "http://127.0.0.1:1", NULL, NULL);
	assert_int_equal(load(f), NP_ENET);
	assert_non_null(strstr(f->log, "0:warning: http://127.0.0.1:1 is plain http"));
}

static void test_insecure_skip_tls_verify_warns(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "https://127.0.0.1:1", "    insecure-skip-tls-verify: true\n", NULL);
	assert_int_equal(load(f), NP_ENET);
	assert_non_null(strstr(f->log, "0:warning: insecure-skip-tls-verify"));
}

static void test_userinfo_never_reaches_the_model_or_messages(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "https://admin:hunter2@127.0.0.1:1/k8s/clusters/c-x/", NULL, NULL);
	assert_int_equal(load(f), NP_ENET);
	assert_string_equal(f->m.server, "https://127.0.0.1:1/k8s/clusters/c-x");
	assert_string_equal(f->m.context, "ctx");
	assert_null(strstr(f->err.msg, "hunter2"));
	assert_null(strstr(f->err.file, "hunter2"));
	assert_null(strstr(f->log, "hunter2"));
}

static void test_token_never_appears_in_errors_or_logs(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "https://127.0.0.1:1", NULL, "    token: SECRET-TOKEN-XYZ\n");
	assert_int_equal(load(f), NP_ENET);
	assert_null(strstr(f->err.msg, "SECRET-TOKEN-XYZ"));
	assert_null(strstr(f->log, "SECRET-TOKEN-XYZ"));
}

static void test_failing_exec_plugin_is_an_auth_error(void **state)
{
	struct fx *f = *state;
	char user[1024], script[512];
	FILE *fp;

	snprintf(script, sizeof(script), "%s/plugin.sh", f->dir);
	fp = fopen(script, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\necho denied >&2\nexit 1\n", fp);
	fclose(fp);
	chmod(script, 0700);
	snprintf(user, sizeof(user),
		 "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
		 "      command: %s\n      interactiveMode: Never\n", script);
	kubeconfig(f, "https://127.0.0.1:1", NULL, user);
	assert_int_equal(load(f), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "exit status 1"));
}

static void test_impersonated_groups_need_a_user(void **state)
{
	struct fx *f = *state;
	const char *groups[] = { "admins" };

	kubeconfig(f, "https://127.0.0.1:1", NULL, NULL);
	f->opt.as_groups = groups;
	f->opt.n_as_groups = 1;
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "--as"));
}

static void test_unknown_proxy_scheme_is_a_usage_error(void **state)
{
	struct fx *f = *state;

	kubeconfig(f, "https://127.0.0.1:1", "    proxy-url: ftp://proxy:21\n", NULL);
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "proxy-url"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_round_trips),
		cmocka_unit_test(test_base64_ignores_line_breaks_and_missing_padding),
		cmocka_unit_test(test_base64_rejects_invalid_input),
		cmocka_unit_test(test_rfc3339_accepts_offsets_and_fractions),
		cmocka_unit_test(test_rfc3339_rejects_other_text),
		cmocka_unit_test(test_json_strings_escape_control_characters),
		cmocka_unit_test(test_node_json_writes_the_tree_back),
		cmocka_unit_test(test_secret_buffers_survive_growth),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_refused_connection_is_a_network_error),
		T(test_unsupported_scheme_is_a_usage_error),
		T(test_missing_kubeconfig_is_a_usage_error),
		T(test_plain_http_warns),
		T(test_insecure_skip_tls_verify_warns),
		T(test_userinfo_never_reaches_the_model_or_messages),
		T(test_token_never_appears_in_errors_or_logs),
		T(test_failing_exec_plugin_is_an_auth_error),
		T(test_impersonated_groups_need_a_user),
		T(test_unknown_proxy_scheme_is_a_usage_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
