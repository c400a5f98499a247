/* kubeconfig resolution as kubectl does it (DESIGN §3.2). Every test builds
 * its files in a fresh temporary directory and passes the environment
 * explicitly, so the real ~/.kube/config is never read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "netpol/live.h"

struct fx {
	char dir[256];
	struct np_kubeconfig_env env;
	struct np_live_options opt;
	struct np_kubeconfig *kc;
	struct np_error err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/np-kc-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	f->env.home = f->dir; /* $HOME/.kube/config only when a test writes it */
	f->env.sa_dir = "/nonexistent/serviceaccount";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[512];

	np_kubeconfig_free(f->kc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Writes dir/name (creating one sub-directory level if the name has one). */
static const char *put(struct fx *f, const char *name, const char *text)
{
	static char path[8][512];
	static int slot;
	char *p = path[slot++ % 8];
	const char *slash = strchr(name, '/');
	FILE *fp;

	if (slash) {
		char sub[512];

		snprintf(sub, sizeof(sub), "%s/%.*s", f->dir, (int)(slash - name), name);
		mkdir(sub, 0700);
	}
	snprintf(p, 512, "%s/%s", f->dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

static int load(struct fx *f)
{
	np_kubeconfig_free(f->kc);
	f->kc = NULL;
	np_error_clear(&f->err);
	return np_kubeconfig_load(&f->kc, &f->opt, &f->env, &f->err);
}

#define BASIC_A                                                                  \
	"apiVersion: v1\nkind: Config\ncurrent-context: a\n"                     \
	"clusters:\n- name: c\n  cluster:\n    server: https://a.example:6443\n" \
	"users:\n- name: u\n  user:\n    token: token-a\n"                       \
	"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n    namespace: ns-a\n"

static void test_explicit_kubeconfig_is_used_alone(void **state)
{
	struct fx *f = *state;
	char env[1024];

	snprintf(env, sizeof(env), "%s", put(f, "a.yaml", BASIC_A));
	f->env.kubeconfig = env;
	f->opt.kubeconfig = put(f, "b.yaml",
				"clusters:\n- name: c\n  cluster:\n    server: https://b.example\n"
				"contexts:\n- name: b\n  context:\n    cluster: c\n"
				"current-context: b\n");
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->context_name, "b");
	assert_string_equal(f->kc->server, "https://b.example");
	assert_null(f->kc->token);
}

static void test_missing_explicit_kubeconfig_is_usage_error(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = "/nonexistent/kubeconfig";
	assert_int_equal(load(f), NP_EUSAGE);
	assert_string_equal(f->err.file, "/nonexistent/kubeconfig");
	assert_non_null(strstr(f->err.msg, "no such file"));
}

static void test_kubeconfig_env_first_file_wins_per_name(void **state)
{
	struct fx *f = *state;
	char env[1024];

	snprintf(env, sizeof(env), "%s:%s", put(f, "a.yaml", BASIC_A),
		 put(f, "b.yaml", "clusters:\n- name: c\n  cluster:\n    server: https://b.example\n"
				  "users:\n- name: u2\n  user:\n    token: token-b\n"));
	f->env.kubeconfig = env;
	f->opt.user = "u2";
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->server, "https://a.example:6443");
	assert_string_equal(f->kc->user_name, "u2");
	assert_string_equal(f->kc->token, "token-b");
}

static void test_kubeconfig_env_current_context_from_first_file_setting_it(void **state)
{
	struct fx *f = *state;
	char env[1024];

	snprintf(env, sizeof(env), "%s:%s",
		 put(f, "a.yaml", "contexts:\n- name: x\n  context:\n    cluster: c\n"),
		 put(f, "b.yaml", BASIC_A));
	f->env.kubeconfig = env;
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->context_name, "a");
}

static void test_kubeconfig_env_skips_missing_files(void **state)
{
	struct fx *f = *state;
	char env[1024];

	snprintf(env, sizeof(env), "%s/missing.yaml::%s", f->dir, put(f, "a.yaml", BASIC_A));
	f->env.kubeconfig = env;
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->context_name, "a");
}

static void test_relative_paths_resolve_against_defining_file(void **state)
{
	struct fx *f = *state;
	char env[1024];

	put(f, "sub/ca.pem", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
	put(f, "sub/token", "file-token\n");
	snprintf(env, sizeof(env), "%s:%s", put(f, "a.yaml", "current-context: s\n"),
		 put(f, "sub/b.yaml",
		     "clusters:\n- name: c\n  cluster:\n    server: https://s\n"
		     "    certificate-authority: ca.pem\n"
		     "users:\n- name: u\n  user:\n    tokenFile: token\n"
		     "contexts:\n- name: s\n  context:\n    cluster: c\n    user: u\n"));
	f->env.kubeconfig = env;
	assert_int_equal(load(f), 0);
	assert_non_null(f->kc->ca);
	assert_non_null(strstr((const char *)f->kc->ca, "BEGIN CERTIFICATE"));
	assert_non_null(f->kc->token_file);
	assert_non_null(strstr(f->kc->token_file, "/sub/token"));
}

static void test_home_kube_config_is_the_default(void **state)
{
	struct fx *f = *state;

	put(f, ".kube/config", BASIC_A);
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->context_name, "a");
	assert_string_equal(f->kc->namespace, "ns-a");
}

static void test_in_cluster_service_account_when_no_kubeconfig(void **state)
{
	struct fx *f = *state;
	char sa[512];

	put(f, "sa/token", "sa-token\n");
	put(f, "sa/ca.crt", "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
	put(f, "sa/namespace", "team-a\n");
	snprintf(sa, sizeof(sa), "%s/sa", f->dir);
	f->env.sa_dir = sa;
	f->env.service_host = "10.96.0.1";
	f->env.service_port = "443";
	assert_int_equal(load(f), 0);
	assert_true(f->kc->in_cluster);
	assert_string_equal(f->kc->server, "https://10.96.0.1:443");
	assert_string_equal(f->kc->namespace, "team-a");
	assert_non_null(f->kc->ca);
	assert_non_null(strstr(f->kc->token_file, "/sa/token"));
}

static void test_in_cluster_ipv6_host_is_bracketed(void **state)
{
	struct fx *f = *state;
	char sa[512];

	put(f, "sa/token", "t");
	snprintf(sa, sizeof(sa), "%s/sa", f->dir);
	f->env.sa_dir = sa;
	f->env.service_host = "fd00::1";
	f->env.service_port = "443";
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->server, "https://[fd00::1]:443");
	assert_null(f->kc->ca);
}

static void test_no_configuration_is_usage_error(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "no configuration"));
}

static void test_server_flag_alone_suffices(void **state)
{
	struct fx *f = *state;

	f->opt.server = "https://flag.example";
	f->opt.token = "flag-token";
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->server, "https://flag.example");
	assert_string_equal(f->kc->token, "flag-token");
}

static void test_unknown_context_is_usage_error(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml", BASIC_A);
	f->opt.context = "nope";
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "context \"nope\" does not exist"));
}

static void test_context_referencing_missing_user_is_usage_error(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"contexts:\n- name: x\n  context:\n    cluster: c\n    user: ghost\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "user \"ghost\""));
}

static void test_context_flag_selects_context(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://a\n"
				"- name: c2\n  cluster:\n    server: https://other\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n"
				"- name: other\n  context:\n    cluster: c2\n");
	f->opt.context = "other";
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->context_name, "other");
	assert_string_equal(f->kc->cluster_name, "c2");
	assert_null(f->kc->user_name);
}

static void test_cluster_and_user_flags_override_the_context(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "b.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://c\n"
				"- name: c2\n  cluster:\n    server: https://c2\n"
				"users:\n- name: u\n  user:\n    token: t1\n- name: u2\n  user:\n    token: t2\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	f->opt.cluster = "c2";
	f->opt.user = "u2";
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->server, "https://c2");
	assert_string_equal(f->kc->token, "t2");
}

static void test_server_flag_overrides_cluster_server(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml", BASIC_A);
	f->opt.server = "https://override:8443/prefix";
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->server, "https://override:8443/prefix");
}

static void test_token_flag_beats_the_token_file(void **state)
{
	struct fx *f = *state;
	char *tok = NULL;

	put(f, "tok", "from-file\n");
	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    tokenFile: tok\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	f->opt.token = "from-flag";
	assert_int_equal(load(f), 0);
	assert_null(f->kc->token_file);
	assert_int_equal(np_kubeconfig_token(&tok, f->kc, &f->err), 0);
	assert_string_equal(tok, "from-flag");
	np_secret_free(tok);
}

static void test_token_file_wins_and_is_reread(void **state)
{
	struct fx *f = *state;
	char *tok = NULL;

	put(f, "tok", "first\n");
	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    token: inline\n    tokenFile: tok\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), 0);
	assert_int_equal(np_kubeconfig_token(&tok, f->kc, &f->err), 0);
	assert_string_equal(tok, "first");
	np_secret_free(tok);
	put(f, "tok", "second\n");
	assert_int_equal(np_kubeconfig_token(&tok, f->kc, &f->err), 0);
	assert_string_equal(tok, "second");
	np_secret_free(tok);
}

static void test_unreadable_token_file_is_auth_error(void **state)
{
	struct fx *f = *state;
	char *tok = NULL;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    tokenFile: missing-token\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), 0);
	assert_int_equal(np_kubeconfig_token(&tok, f->kc, &f->err), NP_EAUTH);
	assert_null(tok);
}

static void test_client_certificate_data_is_decoded_in_memory(void **state)
{
	struct fx *f = *state;

	/* "CERT" and "KEY" in base64 */
	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    client-certificate-data: Q0VSVA==\n"
				"    client-key-data: S0VZ\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), 0);
	assert_int_equal(f->kc->cert_len, 4);
	assert_memory_equal(f->kc->cert, "CERT", 4);
	assert_int_equal(f->kc->key_len, 3);
	assert_memory_equal(f->kc->key, "KEY", 3);
}

static void test_client_certificate_files_are_read(void **state)
{
	struct fx *f = *state;

	put(f, "c.pem", "CERTPEM");
	put(f, "k.pem", "KEYPEM");
	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    client-certificate: c.pem\n"
				"    client-key: k.pem\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), 0);
	assert_memory_equal(f->kc->cert, "CERTPEM", 7);
	assert_memory_equal(f->kc->key, "KEYPEM", 6);
}

static void test_certificate_without_key_is_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    client-certificate-data: Q0VSVA==\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "without client key"));
}

static void test_token_with_basic_auth_is_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    token: t\n    username: me\n    password: pw\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "not both"));
	assert_null(strstr(f->err.msg, "pw"));
}

static void test_auth_provider_points_to_exec_plugins(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    auth-provider:\n      name: gcp\n"
				"      config:\n        access-token: secret-access-token\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "not supported, use an exec plugin"));
	assert_null(strstr(f->err.msg, "secret-access-token"));
}

static void test_insecure_with_ca_is_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"    certificate-authority-data: Q0E=\n    insecure-skip-tls-verify: true\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "insecure-skip-tls-verify"));
}

static void test_insecure_flag_clears_the_kubeconfig_ca(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"    certificate-authority-data: Q0E=\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n");
	f->opt.insecure_skip_tls_verify = true;
	assert_int_equal(load(f), 0);
	assert_true(f->kc->insecure);
	assert_null(f->kc->ca);
}

static void test_cluster_tls_fields_are_kept(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"    tls-server-name: api.internal\n    proxy-url: socks5://proxy:1080\n"
				"    disable-compression: true\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n");
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->tls_server_name, "api.internal");
	assert_string_equal(f->kc->proxy_url, "socks5://proxy:1080");
	assert_true(f->kc->disable_compression);
}

#define EXEC_HEAD                                                               \
	"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n" \
	"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n"       \
	"users:\n- name: u\n  user:\n    exec:\n"

static void test_exec_v1_requires_interactive_mode(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml", EXEC_HEAD
				"      apiVersion: client.authentication.k8s.io/v1\n"
				"      command: plugin\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "interactiveMode is required"));
}

static void test_exec_v1beta1_defaults_to_if_available(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml", EXEC_HEAD
				"      apiVersion: client.authentication.k8s.io/v1beta1\n"
				"      command: plugin\n");
	assert_int_equal(load(f), 0);
	assert_true(f->kc->has_exec);
	assert_int_equal(f->kc->exec.interactive, NP_EXEC_INTERACTIVE_IFAVAILABLE);
}

static void test_exec_v1alpha1_is_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml", EXEC_HEAD
				"      apiVersion: client.authentication.k8s.io/v1alpha1\n"
				"      command: plugin\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "not supported"));
}

static void test_exec_fields_are_parsed(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml", EXEC_HEAD
				"      apiVersion: client.authentication.k8s.io/v1\n"
				"      command: aws\n      args: [eks, get-token]\n"
				"      env:\n      - name: AWS_PROFILE\n        value: prod\n"
				"      interactiveMode: Always\n      provideClusterInfo: true\n"
				"      installHint: brew install awscli\n");
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->exec.command, "aws");
	assert_int_equal(f->kc->exec.n_args, 2);
	assert_string_equal(f->kc->exec.args[1], "get-token");
	assert_int_equal(f->kc->exec.n_env, 1);
	assert_string_equal(f->kc->exec.env_names[0], "AWS_PROFILE");
	assert_string_equal(f->kc->exec.env_values[0], "prod");
	assert_int_equal(f->kc->exec.interactive, NP_EXEC_INTERACTIVE_ALWAYS);
	assert_true(f->kc->exec.provide_cluster_info);
	assert_string_equal(f->kc->exec.install_hint, "brew install awscli");
}

static void test_exec_command_with_slash_resolves_against_the_file(void **state)
{
	struct fx *f = *state;
	char want[600];

	f->opt.kubeconfig = put(f, "sub/a.yaml", EXEC_HEAD
				"      apiVersion: client.authentication.k8s.io/v1\n"
				"      command: ./bin/plugin\n      interactiveMode: Never\n");
	assert_int_equal(load(f), 0);
	snprintf(want, sizeof(want), "%s/sub/./bin/plugin", f->dir);
	assert_string_equal(f->kc->exec.command, want);
}

static void test_exec_cluster_extension_is_kept(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"    extensions:\n    - name: client.authentication.k8s.io/exec\n"
				"      extension:\n        audience: sts\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n"
				"users:\n- name: u\n  user:\n    exec:\n"
				"      apiVersion: client.authentication.k8s.io/v1\n"
				"      command: plugin\n      interactiveMode: Never\n");
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->exec.cluster_config, "{\"audience\":\"sts\"}");
}

static void test_duplicate_names_in_one_file_are_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"clusters:\n- name: c\n  cluster:\n    server: https://1\n"
				"- name: c\n  cluster:\n    server: https://2\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "duplicate name"));
	assert_int_equal(f->err.line, 5);
}

static void test_bad_base64_is_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"    certificate-authority-data: '!!not base64!!'\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "invalid base64"));
	assert_int_equal(f->err.line, 6);
}

static void test_yaml_syntax_error_names_the_file(void **state)
{
	struct fx *f = *state;
	const char *p = put(f, "a.yaml", "clusters: [\n");

	f->opt.kubeconfig = p;
	assert_int_equal(load(f), NP_EUSAGE);
	assert_string_equal(f->err.file, p);
	assert_true(f->err.line > 0);
}

static void test_non_string_scalar_is_rejected(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    namespace: 123\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "namespace: expected a string"));
}

static void test_json_kubeconfig_is_read(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.json",
				"{\"current-context\":\"j\",\"clusters\":[{\"name\":\"c\",\"cluster\":"
				"{\"server\":\"https://json\"}}],\"contexts\":[{\"name\":\"j\",\"context\":"
				"{\"cluster\":\"c\"}}]}");
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->server, "https://json");
}

static void test_impersonation_from_the_user_and_flags(void **state)
{
	struct fx *f = *state;
	const char *groups[] = { "g-flag" };

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster:\n    server: https://s\n"
				"users:\n- name: u\n  user:\n    token: t\n    as: kc-user\n"
				"    as-groups: [g1, g2]\n    as-user-extra:\n      scopes: [s1, s2]\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n    user: u\n");
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->as, "kc-user");
	assert_int_equal(f->kc->n_as_groups, 2);
	assert_int_equal(f->kc->n_as_extra, 2);
	assert_string_equal(f->kc->as_extra_keys[1], "scopes");
	assert_string_equal(f->kc->as_extra_values[1], "s2");
	f->opt.as = "flag-user";
	f->opt.as_groups = groups;
	f->opt.n_as_groups = 1;
	assert_int_equal(load(f), 0);
	assert_string_equal(f->kc->as, "flag-user");
	assert_int_equal(f->kc->n_as_groups, 1);
	assert_string_equal(f->kc->as_groups[0], "g-flag");
}

static void test_missing_server_is_usage_error(void **state)
{
	struct fx *f = *state;

	f->opt.kubeconfig = put(f, "a.yaml",
				"current-context: a\nclusters:\n- name: c\n  cluster: {}\n"
				"contexts:\n- name: a\n  context:\n    cluster: c\n");
	assert_int_equal(load(f), NP_EUSAGE);
	assert_non_null(strstr(f->err.msg, "no server found for cluster \"c\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_explicit_kubeconfig_is_used_alone),
		T(test_missing_explicit_kubeconfig_is_usage_error),
		T(test_kubeconfig_env_first_file_wins_per_name),
		T(test_kubeconfig_env_current_context_from_first_file_setting_it),
		T(test_kubeconfig_env_skips_missing_files),
		T(test_relative_paths_resolve_against_defining_file),
		T(test_home_kube_config_is_the_default),
		T(test_in_cluster_service_account_when_no_kubeconfig),
		T(test_in_cluster_ipv6_host_is_bracketed),
		T(test_no_configuration_is_usage_error),
		T(test_server_flag_alone_suffices),
		T(test_unknown_context_is_usage_error),
		T(test_context_referencing_missing_user_is_usage_error),
		T(test_context_flag_selects_context),
		T(test_cluster_and_user_flags_override_the_context),
		T(test_server_flag_overrides_cluster_server),
		T(test_token_flag_beats_the_token_file),
		T(test_token_file_wins_and_is_reread),
		T(test_unreadable_token_file_is_auth_error),
		T(test_client_certificate_data_is_decoded_in_memory),
		T(test_client_certificate_files_are_read),
		T(test_certificate_without_key_is_rejected),
		T(test_token_with_basic_auth_is_rejected),
		T(test_auth_provider_points_to_exec_plugins),
		T(test_insecure_with_ca_is_rejected),
		T(test_insecure_flag_clears_the_kubeconfig_ca),
		T(test_cluster_tls_fields_are_kept),
		T(test_exec_v1_requires_interactive_mode),
		T(test_exec_v1beta1_defaults_to_if_available),
		T(test_exec_v1alpha1_is_rejected),
		T(test_exec_fields_are_parsed),
		T(test_exec_command_with_slash_resolves_against_the_file),
		T(test_exec_cluster_extension_is_kept),
		T(test_duplicate_names_in_one_file_are_rejected),
		T(test_bad_base64_is_rejected),
		T(test_yaml_syntax_error_names_the_file),
		T(test_non_string_scalar_is_rejected),
		T(test_json_kubeconfig_is_read),
		T(test_impersonation_from_the_user_and_flags),
		T(test_missing_server_is_usage_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
