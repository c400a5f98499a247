/* Exec credential plugins (DESIGN §3.2, §8): the answer's parsing and the
 * way plugins are run. The plugins here are small /bin/sh scripts written to
 * a temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "netpol/live.h"

#define V1 "client.authentication.k8s.io/v1"
#define V1BETA1 "client.authentication.k8s.io/v1beta1"

struct fx {
	char dir[256];
	struct np_kubeconfig kc;
	char *env_names[4], *env_values[4];
	struct np_exec_result res;
	struct np_error err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/np-exec-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	f->kc.has_exec = true;
	f->kc.server = "https://10.0.0.1:6443";
	f->kc.exec.api_version = V1;
	f->kc.exec.interactive = NP_EXEC_INTERACTIVE_NEVER;
	f->kc.exec.env_names = f->env_names;
	f->kc.exec.env_values = f->env_values;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[512];

	np_exec_result_release(&f->res);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Writes an executable script and makes it the plugin command. */
static char *plugin(struct fx *f, const char *body)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/plugin.sh", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\n%s", body);
	fclose(fp);
	chmod(path, 0700);
	f->kc.exec.command = path;
	return path;
}

static void env(struct fx *f, const char *name, const char *value)
{
	f->env_names[f->kc.exec.n_env] = (char *)name;
	f->env_values[f->kc.exec.n_env] = (char *)value;
	f->kc.exec.n_env++;
}

static int run(struct fx *f, long long timeout_ms)
{
	np_exec_result_release(&f->res);
	np_error_clear(&f->err);
	return np_exec_credential_run(&f->res, &f->kc, false, timeout_ms, &f->err);
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Running, as opposed to gone or a zombie nobody reaped yet. */
static bool alive(long pid)
{
	char path[64], buf[512], *p;
	FILE *fp;
	size_t n;

	if (kill((pid_t)pid, 0) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fp = fopen(path, "r");
	if (!fp)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !(p && p[1] == ' ' && p[2] == 'Z');
}

/* ---- parsing ---- */

static void test_parse_reads_a_token(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"token\":\"tok-123\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), 0);
	assert_string_equal(f->res.token, "tok-123");
	assert_int_equal(f->res.expires, 0);
}

static void test_parse_reads_a_client_certificate(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"clientCertificateData\":\"CERT\",\"clientKeyData\":\"KEY\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), 0);
	assert_null(f->res.token);
	assert_int_equal(f->res.cert_len, 4);
	assert_memory_equal(f->res.cert, "CERT", 4);
	assert_memory_equal(f->res.key, "KEY", 3);
}

static void test_parse_reads_the_expiration(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"2030-01-02T03:04:05Z\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), 0);
	assert_int_equal(f->res.expires, 1893553445LL);
}

static void test_parse_rejects_another_api_version(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1BETA1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"token\":\"t\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "apiVersion"));
	assert_null(f->res.token);
}

static void test_parse_rejects_a_status_without_credentials(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\",\"status\":{}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "neither a token nor"));
}

static void test_parse_rejects_a_certificate_without_key(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"clientCertificateData\":\"CERT\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "together"));
}

static void test_parse_rejects_a_bad_expiration(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"tomorrow\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), NP_EAUTH);
	assert_null(f->res.token);
}

static void test_parse_error_never_quotes_the_output(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			  "\"status\":{\"token\":\"SECRET-TOKEN\" oops";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), NP_EAUTH);
	assert_null(strstr(f->err.msg, "SECRET-TOKEN"));
	assert_non_null(strstr(f->err.msg, "not valid JSON"));
}

static void test_parse_rejects_another_kind(void **state)
{
	struct fx *f = *state;
	const char *out = "{\"apiVersion\":\"" V1 "\",\"kind\":\"Secret\",\"status\":{\"token\":\"t\"}}";

	assert_int_equal(np_exec_credential_parse(&f->res, out, strlen(out), V1, &f->err), NP_EAUTH);
}

/* ---- KUBERNETES_EXEC_INFO ---- */

static void test_exec_info_without_cluster_by_default(void **state)
{
	struct fx *f = *state;
	char *info = NULL;

	assert_int_equal(np_exec_credential_info(&info, &f->kc, false, &f->err), 0);
	assert_string_equal(info, "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
				  "\"spec\":{\"interactive\":false}}");
	free(info);
}

static void test_exec_info_with_cluster_when_asked(void **state)
{
	struct fx *f = *state;
	char *info = NULL;

	f->kc.exec.provide_cluster_info = true;
	f->kc.ca = (unsigned char *)"CA";
	f->kc.ca_len = 2;
	f->kc.tls_server_name = "api.internal";
	f->kc.exec.cluster_config = "{\"audience\":\"sts\"}";
	assert_int_equal(np_exec_credential_info(&info, &f->kc, true, &f->err), 0);
	assert_string_equal(info, "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
				  "\"spec\":{\"interactive\":true,\"cluster\":{\"server\":"
				  "\"https://10.0.0.1:6443\",\"tls-server-name\":\"api.internal\","
				  "\"certificate-authority-data\":\"Q0E=\",\"config\":{\"audience\":\"sts\"}}}}");
	free(info);
	f->kc.ca = NULL;
}

/* ---- running ---- */

static void test_run_returns_the_plugin_token(void **state)
{
	struct fx *f = *state;

	plugin(f, "printf '{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"status\":"
		  "{\"token\":\"from-plugin\"}}' \"client.authentication.k8s.io/v1\"\n");
	assert_int_equal(run(f, 5000), 0);
	assert_string_equal(f->res.token, "from-plugin");
}

static void test_run_passes_args_without_a_shell(void **state)
{
	struct fx *f = *state;
	char *args[] = { "a b", "$HOME;echo" };

	f->kc.exec.args = args;
	f->kc.exec.n_args = 2;
	plugin(f, "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
		  "\"ExecCredential\",\"status\":{\"token\":\"%s|%s\"}}' \"$1\" \"$2\"\n");
	assert_int_equal(run(f, 5000), 0);
	assert_string_equal(f->res.token, "a b|$HOME;echo");
	f->kc.exec.args = NULL;
	f->kc.exec.n_args = 0;
}

static void test_run_environment_has_exec_info_and_kubeconfig_env(void **state)
{
	struct fx *f = *state;
	char out[512], body[1024];

	snprintf(out, sizeof(out), "%s/env.txt", f->dir);
	setenv("NP_TEST_OVERRIDDEN", "ours", 1);
	env(f, "NP_TEST_OVERRIDDEN", "kubeconfig");
	env(f, "NP_TEST_EXTRA", "extra");
	snprintf(body, sizeof(body),
		 "env > '%s'\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
		 "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n", out);
	plugin(f, body);
	assert_int_equal(run(f, 5000), 0);
	assert_non_null(strstr(slurp(out), "NP_TEST_OVERRIDDEN=kubeconfig\n"));
	assert_null(strstr(slurp(out), "NP_TEST_OVERRIDDEN=ours"));
	assert_non_null(strstr(slurp(out), "NP_TEST_EXTRA=extra\n"));
	assert_non_null(strstr(slurp(out), "KUBERNETES_EXEC_INFO={\"apiVersion\":\"" V1 "\""));
	/* our own environment is passed on too */
	assert_non_null(strstr(slurp(out), "PATH="));
	unsetenv("NP_TEST_OVERRIDDEN");
}

static void test_run_stdin_is_dev_null_when_not_interactive(void **state)
{
	struct fx *f = *state;
	char out[512], body[1024];

	snprintf(out, sizeof(out), "%s/stdin.txt", f->dir);
	snprintf(body, sizeof(body),
		 "readlink /proc/self/fd/0 > '%s'\nprintf '{\"apiVersion\":\"client.authentication."
		 "k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n", out);
	plugin(f, body);
	assert_int_equal(run(f, 5000), 0);
	assert_string_equal(slurp(out), "/dev/null\n");
}

static void test_run_closes_our_other_descriptors(void **state)
{
	struct fx *f = *state;
	char out[512], body[1024];
	int fd = open("/dev/null", O_RDONLY), high;

	/* A descriptor without FD_CLOEXEC, as a library might leave one. */
	assert_true(fd >= 0);
	high = dup2(fd, 57);
	assert_int_equal(high, 57);
	snprintf(out, sizeof(out), "%s/fds.txt", f->dir);
	snprintf(body, sizeof(body),
		 "ls /proc/$$/fd > '%s'\nprintf '{\"apiVersion\":\"client.authentication."
		 "k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n", out);
	plugin(f, body);
	assert_int_equal(run(f, 5000), 0);
	assert_null(strstr(slurp(out), "57\n"));
	close(high);
	close(fd);
}

static void test_run_missing_binary_names_command_and_install_hint(void **state)
{
	struct fx *f = *state;

	f->kc.exec.command = "np-no-such-credential-plugin";
	f->kc.exec.install_hint = "install it with: brew install np-plugin";
	assert_int_equal(run(f, 5000), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "np-no-such-credential-plugin"));
	assert_non_null(strstr(f->err.msg, "brew install np-plugin"));
	f->kc.exec.install_hint = NULL;
}

static void test_run_failing_plugin_is_an_auth_error(void **state)
{
	struct fx *f = *state;

	plugin(f, "echo 'plugin: login required' >&2\nexit 4\n");
	assert_int_equal(run(f, 5000), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "exit status 4"));
}

static void test_run_timeout_kills_the_plugin_group(void **state)
{
	struct fx *f = *state;
	char pidfile[512], body[1024];
	time_t t0 = time(NULL);
	long pid, child;
	char *txt;

	snprintf(pidfile, sizeof(pidfile), "%s/pids", f->dir);
	/* The plugin and a child it started both must go. */
	snprintf(body, sizeof(body), "sleep 30 &\necho $$ $! > '%s'\nwait\n", pidfile);
	plugin(f, body);
	assert_int_equal(run(f, 500), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "timed out"));
	assert_true(time(NULL) - t0 < 10);
	txt = slurp(pidfile);
	assert_non_null(txt);
	assert_int_equal(sscanf(txt, "%ld %ld", &pid, &child), 2);
	assert_false(alive(pid));
	/* the grandchild went with the group (a zombie until its new parent reaps it) */
	for (int i = 0; i < 50 && alive(child); i++)
		usleep(20000);
	assert_false(alive(child));
}

static void test_run_output_is_capped_at_one_mebibyte(void **state)
{
	struct fx *f = *state;

	plugin(f, "head -c 2000000 /dev/zero | tr '\\0' x\n");
	assert_int_equal(run(f, 10000), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "1 MiB"));
}

static void test_run_always_needs_a_terminal(void **state)
{
	struct fx *f = *state;

	plugin(f, "exit 0\n");
	f->kc.exec.interactive = NP_EXEC_INTERACTIVE_ALWAYS;
	assert_int_equal(run(f, 5000), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, "terminal"));
}

static void test_run_invalid_answer_names_the_command(void **state)
{
	struct fx *f = *state;
	const char *path = plugin(f, "echo '{\"token\": \"SECRET-OUT\"'\n");

	assert_int_equal(run(f, 5000), NP_EAUTH);
	assert_non_null(strstr(f->err.msg, path));
	assert_null(strstr(f->err.msg, "SECRET-OUT"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_parse_reads_a_token),
		T(test_parse_reads_a_client_certificate),
		T(test_parse_reads_the_expiration),
		T(test_parse_rejects_another_api_version),
		T(test_parse_rejects_a_status_without_credentials),
		T(test_parse_rejects_a_certificate_without_key),
		T(test_parse_rejects_a_bad_expiration),
		T(test_parse_error_never_quotes_the_output),
		T(test_parse_rejects_another_kind),
		T(test_exec_info_without_cluster_by_default),
		T(test_exec_info_with_cluster_when_asked),
		T(test_run_returns_the_plugin_token),
		T(test_run_passes_args_without_a_shell),
		T(test_run_environment_has_exec_info_and_kubeconfig_env),
		T(test_run_stdin_is_dev_null_when_not_interactive),
		T(test_run_closes_our_other_descriptors),
		T(test_run_missing_binary_names_command_and_install_hint),
		T(test_run_failing_plugin_is_an_auth_error),
		T(test_run_timeout_kills_the_plugin_group),
		T(test_run_output_is_capped_at_one_mebibyte),
		T(test_run_always_needs_a_terminal),
		T(test_run_invalid_answer_names_the_command),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
