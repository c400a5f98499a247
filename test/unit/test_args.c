/* Argument parsing, durations, verb dispatch and exit-code mapping (cmd/args.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/cli.h"

static const char *const outs[] = { "table", "wide", "json", "yaml", NULL };

static const struct np_flag verb_flags[] = {
	{ "selector", 'l', NP_FLAG_STRING, "SELECTOR", "filter pods" },
	{ "pods", 0, NP_FLAG_BOOL, NULL, "rows are pods" },
	{ "from", 0, NP_FLAG_LIST, "PEER", "peer" },
	{ 0 },
};

static const struct np_cli_spec all_spec = {
	.verb = "test",
	.summary = "s",
	.usage = "u",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE | NP_CLI_CONTROLS | NP_CLI_SCOPE |
		  NP_CLI_AUDIT,
	.outputs = outs,
	.flags = verb_flags,
	.max_args = 2,
};

static const struct np_cli_spec narrow_spec = {
	.verb = "narrow",
	.summary = "s",
	.usage = "u",
	.groups = NP_CLI_OUTPUT,
	.outputs = outs,
	.max_args = 0,
};

/* Parses a NULL-terminated argument list (the verb first). */
static int parse_v(struct np_cli *cli, const struct np_cli_spec *spec, struct np_error *err,
		   const char *first, va_list ap)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)"test";
	for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	np_cli_init(cli);
	np_error_clear(err);
	return np_cli_parse(cli, spec, argc, argv, err);
}

static int parse(struct np_cli *cli, struct np_error *err, const char *first, ...)
{
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = parse_v(cli, &all_spec, err, first, ap);
	va_end(ap);
	return rc;
}

static int parse_narrow(struct np_cli *cli, struct np_error *err, const char *first, ...)
{
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = parse_v(cli, &narrow_spec, err, first, ap);
	va_end(ap);
	return rc;
}

static void test_defaults_without_flags(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, NULL), 0);
	assert_string_equal(cli.output, "table");
	assert_false(cli.output_given);
	assert_string_equal(cli.semantics, "k8s");
	assert_int_equal(cli.fail_on, NP_SEV_LOW);
	assert_int_equal(cli.color, NP_COLOR_AUTO);
	assert_int_equal(cli.live.timeout_ms, 600000);
	assert_null(cli.namespace);
	/* no --controls: every catalog control is selected */
	{
		size_t n;
		np_controls_catalog(&n);
		assert_int_equal(cli.n_selected, n);
		assert_int_equal(cli.n_skipped, 0);
	}
	np_cli_release(&cli);
}

static void test_long_flag_with_equals_and_with_space(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--output=json", "--namespace", "team-a", NULL), 0);
	assert_string_equal(cli.output, "json");
	assert_true(cli.output_given);
	assert_string_equal(cli.namespace, "team-a");
	assert_string_equal(cli.live.namespace, "team-a");
	np_cli_release(&cli);
}

static void test_short_value_attached_equals_or_separate(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-ojson", NULL), 0);
	assert_string_equal(cli.output, "json");
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-o=yaml", NULL), 0);
	assert_string_equal(cli.output, "yaml");
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-o", "wide", NULL), 0);
	assert_string_equal(cli.output, "wide");
	np_cli_release(&cli);
}

static void test_bundled_short_booleans_then_value(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-Aqojson", NULL), 0);
	assert_true(cli.all_namespaces);
	assert_true(cli.quiet);
	assert_string_equal(cli.output, "json");
	np_cli_release(&cli);
}

static void test_verbosity_forms(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-v", NULL), 0);
	assert_int_equal(cli.verbosity, 1);
	assert_int_equal(cli.live.verbosity, 1);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-vv", NULL), 0);
	assert_int_equal(cli.verbosity, 2);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-v=6", NULL), 0);
	assert_int_equal(cli.verbosity, 6);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-v3", NULL), 0);
	assert_int_equal(cli.verbosity, 3);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--v=4", NULL), 0);
	assert_int_equal(cli.verbosity, 4);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-v=x", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_filename_repeatable_in_order(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-f", "a.yaml", "--filename=b/", "-f-", "-f", "-", NULL), 0);
	assert_int_equal(cli.n_files, 4);
	assert_string_equal(cli.files[0], "a.yaml");
	assert_string_equal(cli.files[1], "b/");
	assert_string_equal(cli.files[2], "-");
	assert_string_equal(cli.files[3], "-");
	np_cli_release(&cli);
}

static void test_double_dash_ends_flags(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "pos1", "--", "-q", NULL), 0);
	assert_false(cli.quiet);
	assert_int_equal(cli.n_args, 2);
	assert_string_equal(cli.args[0], "pos1");
	assert_string_equal(cli.args[1], "-q");
	np_cli_release(&cli);
}

static void test_too_many_positionals_is_usage_error(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "a", "b", "c", NULL), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "unexpected argument \"c\""));
	np_cli_release(&cli);
}

static void test_unknown_long_flag_is_usage_error(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--nope=1", NULL), NP_EUSAGE);
	assert_string_equal(err.msg, "unknown flag: --nope");
	np_cli_release(&cli);
}

static void test_unknown_short_flag_is_usage_error(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-qZ", NULL), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "'Z'"));
	np_cli_release(&cli);
}

static void test_flag_outside_verb_groups_is_unknown(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse_narrow(&cli, &err, "--fail-on", "high", NULL), NP_EUSAGE);
	assert_string_equal(err.msg, "unknown flag: --fail-on");
	np_cli_release(&cli);
	assert_int_equal(parse_narrow(&cli, &err, "-n", "x", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_missing_value_is_usage_error(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--namespace", NULL), NP_EUSAGE);
	assert_string_equal(err.msg, "flag needs an argument: --namespace");
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "-o", NULL), NP_EUSAGE);
	assert_string_equal(err.msg, "flag needs an argument: -o");
	np_cli_release(&cli);
}

static void test_output_value_not_listed_is_usage_error(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-o", "sarif", NULL), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "unsupported output format \"sarif\""));
	np_cli_release(&cli);
}

static void test_output_file_format_and_path(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--output-file", "json=r.json", "--output-file=yaml=a=b.yaml",
			       NULL), 0);
	assert_int_equal(cli.n_output_files, 2);
	assert_string_equal(cli.output_files[0].format, "json");
	assert_string_equal(cli.output_files[0].path, "r.json");
	assert_string_equal(cli.output_files[1].format, "yaml");
	assert_string_equal(cli.output_files[1].path, "a=b.yaml");
	np_cli_release(&cli);
}

static void test_output_file_errors(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--output-file", "r.json", NULL), NP_EUSAGE);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--output-file", "=r.json", NULL), NP_EUSAGE);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--output-file", "sarif=r.sarif", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_color_values(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--color=always", NULL), 0);
	assert_int_equal(cli.color, NP_COLOR_ALWAYS);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--color", "never", NULL), 0);
	assert_int_equal(cli.color, NP_COLOR_NEVER);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--color=sometimes", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_color_auto_needs_tty_and_respects_no_color(void **state)
{
	struct np_cli cli;
	struct np_io io = { 0 };

	(void)state;
	np_cli_init(&cli);
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	io.out_tty = false;
	assert_false(np_color_enabled(&cli, &io));
	io.out_tty = true;
	assert_true(np_color_enabled(&cli, &io));
	setenv("NO_COLOR", "", 1); /* set but empty still counts */
	assert_false(np_color_enabled(&cli, &io));
	cli.color = NP_COLOR_ALWAYS;
	assert_true(np_color_enabled(&cli, &io));
	unsetenv("NO_COLOR");
	cli.color = NP_COLOR_AUTO;
	setenv("TERM", "dumb", 1);
	assert_false(np_color_enabled(&cli, &io));
	cli.color = NP_COLOR_NEVER;
	setenv("TERM", "xterm", 1);
	assert_false(np_color_enabled(&cli, &io));
	np_cli_release(&cli);
}

static void test_semantics_kics(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--semantics", "kics", NULL), 0);
	assert_true(cli.kics);
	assert_string_equal(cli.semantics, "kics");
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--semantics=cis", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_fail_on_levels(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--fail-on", "none", NULL), 0);
	assert_int_equal(cli.fail_on, -1);
	assert_string_equal(cli.fail_on_name, "none");
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--fail-on=critical", "--fail-on-warn", NULL), 0);
	assert_int_equal(cli.fail_on, NP_SEV_CRITICAL);
	assert_true(cli.fail_on_warn);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--fail-on=severe", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_bool_flag_explicit_value(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--strict-inputs", "--strict-inputs=false",
			       "--exclude-system-namespaces=true", NULL), 0);
	assert_false(cli.strict_inputs);
	assert_true(cli.exclude_system);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--no-headers=maybe", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_all_namespaces_overrides_namespace(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-A", "-n", "team-a", NULL), 0);
	assert_null(cli.namespace);
	assert_null(cli.live.namespace);
	np_cli_release(&cli);
}

static void test_live_flags_fill_live_options(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--kubeconfig", "/k", "--context=c", "--cluster", "cl", "--user",
			       "u", "-s", "https://h:6443", "--token", "t", "--certificate-authority", "ca",
			       "--client-certificate", "cc", "--client-key", "ck", "--tls-server-name", "sn",
			       "--insecure-skip-tls-verify", "--as", "me", "--as-group", "g1", "--as-group=g2",
			       "--as-uid", "42", "--username", "un", "--password", "pw",
			       "--request-timeout", "1m30s", "--disable-compression", "--timeout=2h", NULL),
			 0);
	assert_string_equal(cli.live.kubeconfig, "/k");
	assert_string_equal(cli.live.context, "c");
	assert_string_equal(cli.live.cluster, "cl");
	assert_string_equal(cli.live.user, "u");
	assert_string_equal(cli.live.server, "https://h:6443");
	assert_string_equal(cli.live.token, "t");
	assert_string_equal(cli.live.certificate_authority, "ca");
	assert_string_equal(cli.live.client_certificate, "cc");
	assert_string_equal(cli.live.client_key, "ck");
	assert_string_equal(cli.live.tls_server_name, "sn");
	assert_true(cli.live.insecure_skip_tls_verify);
	assert_string_equal(cli.live.as, "me");
	assert_int_equal(cli.live.n_as_groups, 2);
	assert_string_equal(cli.live.as_groups[0], "g1");
	assert_string_equal(cli.live.as_groups[1], "g2");
	assert_string_equal(cli.live.as_uid, "42");
	assert_string_equal(cli.live.username, "un");
	assert_string_equal(cli.live.password, "pw");
	assert_int_equal(cli.live.request_timeout_ms, 90000);
	assert_true(cli.live.disable_compression);
	assert_int_equal(cli.live.timeout_ms, 7200000);
	np_cli_release(&cli);
}

static void test_bad_timeout_is_usage_error_naming_flag(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--request-timeout", "5 minutes", NULL), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "--request-timeout"));
	np_cli_release(&cli);
}

static void test_duration_syntax(void **state)
{
	long long ms = -1;
	struct np_error err;

	(void)state;
	assert_int_equal(np_parse_duration("1m30s", &ms, &err), 0);
	assert_int_equal(ms, 90000);
	assert_int_equal(np_parse_duration("500ms", &ms, &err), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(np_parse_duration("30", &ms, &err), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(np_parse_duration("0", &ms, &err), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(np_parse_duration("1.5h", &ms, &err), 0);
	assert_int_equal(ms, 5400000);
	assert_int_equal(np_parse_duration("2h45m10s", &ms, &err), 0);
	assert_int_equal(ms, (2 * 3600 + 45 * 60 + 10) * 1000LL);
	assert_int_equal(np_parse_duration("10us", &ms, &err), 0);
	assert_int_equal(ms, 1); /* non-zero never rounds to "no timeout" */
	assert_int_equal(np_parse_duration("0s", &ms, &err), 0);
	assert_int_equal(ms, 0);
}

static void test_duration_errors(void **state)
{
	long long ms;
	struct np_error err;

	(void)state;
	assert_int_equal(np_parse_duration("", &ms, &err), NP_EUSAGE);
	assert_int_equal(np_parse_duration("5x", &ms, &err), NP_EUSAGE);
	assert_int_equal(np_parse_duration("-1s", &ms, &err), NP_EUSAGE);
	assert_int_equal(np_parse_duration("1.5", &ms, &err), NP_EUSAGE);
	assert_int_equal(np_parse_duration("s", &ms, &err), NP_EUSAGE);
	assert_int_equal(np_parse_duration("99999999999999999999", &ms, &err), NP_EUSAGE);
	assert_int_equal(np_parse_duration("9999999999999h", &ms, &err), NP_EUSAGE);
}

static void test_controls_case_insensitive_globs_and_repeat(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--controls", "np-103,NP-2*", "--controls=NP-101", NULL), 0);
	assert_true(cli.controls_given);
	assert_true(cli.n_selected >= 3);
	for (size_t i = 0; i < cli.n_selected; i++) {
		const char *id = cli.selected[i];
		assert_true(strcmp(id, "NP-101") == 0 || strcmp(id, "NP-103") == 0 ||
			    strncmp(id, "NP-2", 4) == 0);
	}
	{
		size_t n;
		np_controls_catalog(&n);
		assert_int_equal(cli.n_selected + cli.n_skipped, n);
	}
	np_cli_release(&cli);
}

static void test_skip_controls_removes_from_selection(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--controls=NP-10*", "--skip-controls", "NP-102, np-104", NULL), 0);
	for (size_t i = 0; i < cli.n_selected; i++) {
		assert_string_not_equal(cli.selected[i], "NP-102");
		assert_string_not_equal(cli.selected[i], "NP-104");
		assert_int_equal(strncmp(cli.selected[i], "NP-10", 5), 0);
	}
	{
		bool skipped102 = false;
		for (size_t i = 0; i < cli.n_skipped; i++)
			skipped102 |= strcmp(cli.skipped[i], "NP-102") == 0;
		assert_true(skipped102);
	}
	np_cli_release(&cli);
}

static void test_unknown_control_id_is_usage_error(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--controls", "NP-103,NP-999", NULL), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "unknown control id \"NP-999\""));
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--skip-controls", "NP-9*", NULL), NP_EUSAGE);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--controls", ",", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_exclude_namespaces_split_and_repeat(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--exclude-namespaces", "kube-*,legacy", "--exclude-namespaces=ops",
			       "--include-idle-workloads", NULL), 0);
	assert_int_equal(cli.n_exclude_globs, 3);
	assert_string_equal(cli.exclude_globs[0], "kube-*");
	assert_string_equal(cli.exclude_globs[1], "legacy");
	assert_string_equal(cli.exclude_globs[2], "ops");
	assert_true(cli.include_idle);
	np_cli_release(&cli);
}

static void test_exceptions_and_baseline_flags(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--exceptions", "a.yaml", "--exceptions=b.yaml", "--baseline",
			       "old.json", NULL), 0);
	assert_int_equal(cli.n_exceptions, 2);
	assert_string_equal(cli.exceptions[1], "b.yaml");
	assert_string_equal(cli.baseline, "old.json");
	np_cli_release(&cli);
}

static void test_limit_flag_validated(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "--limit", "members=10", NULL), 0);
	assert_int_equal(cli.limits.members, 10);
	np_cli_release(&cli);
	assert_int_equal(parse(&cli, &err, "--limit", "bogus=1", NULL), NP_EUSAGE);
	np_cli_release(&cli);
}

static void test_help_flag_stops_parsing(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-h", "--bogus", NULL), 0);
	assert_true(cli.help);
	np_cli_release(&cli);
	assert_int_equal(parse_narrow(&cli, &err, "--help", NULL), 0);
	assert_true(cli.help);
	np_cli_release(&cli);
}

static void test_verb_flags_land_in_verb_values(void **state)
{
	struct np_cli cli;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&cli, &err, "-lapp=web", "--pods", "--from", "ns:a", "--from=10.0.0.0/8",
			       NULL), 0);
	assert_true(cli.verb_values[0].set);
	assert_string_equal(cli.verb_values[0].s, "app=web");
	assert_true(cli.verb_values[1].b);
	assert_int_equal(cli.verb_values[2].n, 2);
	assert_string_equal(cli.verb_values[2].list[1], "10.0.0.0/8");
	np_cli_release(&cli);
}

static void test_exit_code_mapping(void **state)
{
	(void)state;
	assert_int_equal(np_exit_code(0), 0);
	assert_int_equal(np_exit_code(NP_EUSAGE), 2);
	assert_int_equal(np_exit_code(NP_EPARSE), 2);
	assert_int_equal(np_exit_code(NP_EIO), 2);
	assert_int_equal(np_exit_code(NP_ELIMIT), 2);
	assert_int_equal(np_exit_code(NP_EEMPTY), 2);
	assert_int_equal(np_exit_code(NP_ENOTFOUND), 2);
	assert_int_equal(np_exit_code(NP_ENET), 3);
	assert_int_equal(np_exit_code(NP_EAUTH), 3);
}

static void test_command_table_sorted_and_found(void **state)
{
	size_t n;
	const struct np_command *c = np_commands(&n);

	(void)state;
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(c[i - 1].name, c[i].name) < 0);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(np_command_find(c[i].name), &c[i]);
		assert_string_equal(c[i].spec->verb, c[i].name);
	}
	assert_null(np_command_find("nope"));
}

/* ---- whole-program dispatch ---- */

struct run {
	char *out, *err;
	size_t out_len, err_len;
	int code;
};

static void run(struct run *r, const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	struct np_io io = { 0 };

	argv[argc++] = (char *)"kubectl-netpol";
	va_start(ap, first);
	for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	io.out = open_memstream(&r->out, &r->out_len);
	io.err = open_memstream(&r->err, &r->err_len);
	r->code = np_cli_main(argc, argv, &io);
	fclose(io.out);
	fclose(io.err);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_no_verb_prints_help_on_stdout(void **state)
{
	struct run r;

	(void)state;
	run(&r, NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "Usage:"));
	assert_non_null(strstr(r.out, "audit"));
	assert_int_equal(r.err_len, 0);
	run_free(&r);
}

static void test_unknown_verb_one_line_exit_2(void **state)
{
	struct run r;

	(void)state;
	run(&r, "bogus", NULL);
	assert_int_equal(r.code, 2);
	assert_int_equal(r.out_len, 0);
	assert_int_equal(count_lines(r.err), 1);
	assert_non_null(strstr(r.err, "kubectl-netpol: unknown verb \"bogus\""));
	run_free(&r);
}

static void test_unknown_flag_one_line_exit_2(void **state)
{
	struct run r;

	(void)state;
	run(&r, "audit", "--bogus", NULL);
	assert_int_equal(r.code, 2);
	assert_int_equal(count_lines(r.err), 1);
	assert_non_null(strstr(r.err, "kubectl-netpol: audit: unknown flag: --bogus"));
	run_free(&r);
}

static void test_error_line_escapes_control_characters(void **state)
{
	struct run r;

	(void)state;
	run(&r, "audit", "--\x1b[31mred", NULL);
	assert_int_equal(r.code, 2);
	assert_null(strchr(r.err, '\x1b'));
	assert_non_null(strstr(r.err, "\\x1b[31mred"));
	run_free(&r);
}

static void test_every_verb_has_help(void **state)
{
	size_t n;
	const struct np_command *c = np_commands(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct run r;
		/* __complete completes its last word, "--help" included */
		if (c[i].spec->hidden)
			continue;
		run(&r, c[i].name, "--help", NULL);
		assert_int_equal(r.code, 0);
		assert_non_null(strstr(r.out, "Usage:"));
		assert_int_equal(r.err_len, 0);
		run_free(&r);
		run(&r, c[i].name, "-h", NULL);
		assert_int_equal(r.code, 0);
		run_free(&r);
	}
}

static void test_help_verb_and_unknown_topic(void **state)
{
	struct run r;

	(void)state;
	run(&r, "help", "audit", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "--fail-on"));
	run_free(&r);
	run(&r, "help", "nope", NULL);
	assert_int_equal(r.code, 2);
	assert_int_equal(count_lines(r.err), 1);
	run_free(&r);
}

static void test_help_rbac_prints_read_only_clusterrole(void **state)
{
	struct run r;

	(void)state;
	run(&r, "help", "rbac", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "kind: ClusterRole"));
	assert_non_null(strstr(r.out, "networkpolicies"));
	assert_non_null(strstr(r.out, "resourceNames: [\"kube-flannel-cfg\""));
	/* read-only: no verb other than get and list */
	assert_null(strstr(r.out, "\"create\""));
	assert_null(strstr(r.out, "\"watch\""));
	assert_null(strstr(r.out, "\"*\"]\n  verbs"));
	run_free(&r);
}

static void test_version_text_and_json(void **state)
{
	struct run r;

	(void)state;
	run(&r, "version", NULL);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "kubectl-netpol v" NP_VERSION "\n");
	run_free(&r);
	run(&r, "version", "-o", "json", NULL);
	assert_int_equal(r.code, 0);
	{
		json_error_t je;
		json_t *j = json_loads(r.out, 0, &je);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "version")), NP_VERSION);
		json_decref(j);
	}
	run_free(&r);
	run(&r, "version", "-o", "table", NULL);
	assert_int_equal(r.code, 2);
	run_free(&r);
}

static void test_flags_before_verb_are_moved_after_it(void **state)
{
	struct run r;

	(void)state;
	run(&r, "-o", "json", "version", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "\"kind\": \"Version\""));
	run_free(&r);
}

static void test_version_write_error_is_exit_2(void **state)
{
	struct np_io io = { 0 };
	char *argv[] = { (char *)"version", NULL };
	char *err = NULL;
	size_t err_len = 0;
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	io.out = full;
	io.err = open_memstream(&err, &err_len);
	assert_int_equal(cmd_version(1, argv, &io), 2);
	fclose(io.err);
	assert_non_null(strstr(err, "write error"));
	fclose(full);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_flags),
		cmocka_unit_test(test_long_flag_with_equals_and_with_space),
		cmocka_unit_test(test_short_value_attached_equals_or_separate),
		cmocka_unit_test(test_bundled_short_booleans_then_value),
		cmocka_unit_test(test_verbosity_forms),
		cmocka_unit_test(test_filename_repeatable_in_order),
		cmocka_unit_test(test_double_dash_ends_flags),
		cmocka_unit_test(test_too_many_positionals_is_usage_error),
		cmocka_unit_test(test_unknown_long_flag_is_usage_error),
		cmocka_unit_test(test_unknown_short_flag_is_usage_error),
		cmocka_unit_test(test_flag_outside_verb_groups_is_unknown),
		cmocka_unit_test(test_missing_value_is_usage_error),
		cmocka_unit_test(test_output_value_not_listed_is_usage_error),
		cmocka_unit_test(test_output_file_format_and_path),
		cmocka_unit_test(test_output_file_errors),
		cmocka_unit_test(test_color_values),
		cmocka_unit_test(test_color_auto_needs_tty_and_respects_no_color),
		cmocka_unit_test(test_semantics_kics),
		cmocka_unit_test(test_fail_on_levels),
		cmocka_unit_test(test_bool_flag_explicit_value),
		cmocka_unit_test(test_all_namespaces_overrides_namespace),
		cmocka_unit_test(test_live_flags_fill_live_options),
		cmocka_unit_test(test_bad_timeout_is_usage_error_naming_flag),
		cmocka_unit_test(test_duration_syntax),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_controls_case_insensitive_globs_and_repeat),
		cmocka_unit_test(test_skip_controls_removes_from_selection),
		cmocka_unit_test(test_unknown_control_id_is_usage_error),
		cmocka_unit_test(test_exclude_namespaces_split_and_repeat),
		cmocka_unit_test(test_exceptions_and_baseline_flags),
		cmocka_unit_test(test_limit_flag_validated),
		cmocka_unit_test(test_help_flag_stops_parsing),
		cmocka_unit_test(test_verb_flags_land_in_verb_values),
		cmocka_unit_test(test_exit_code_mapping),
		cmocka_unit_test(test_command_table_sorted_and_found),
		cmocka_unit_test(test_no_verb_prints_help_on_stdout),
		cmocka_unit_test(test_unknown_verb_one_line_exit_2),
		cmocka_unit_test(test_unknown_flag_one_line_exit_2),
		cmocka_unit_test(test_error_line_escapes_control_characters),
		cmocka_unit_test(test_every_verb_has_help),
		cmocka_unit_test(test_help_verb_and_unknown_topic),
		cmocka_unit_test(test_help_rbac_prints_read_only_clusterrole),
		cmocka_unit_test(test_version_text_and_json),
		cmocka_unit_test(test_flags_before_verb_are_moved_after_it),
		cmocka_unit_test(test_version_write_error_is_exit_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
