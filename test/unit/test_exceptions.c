/* --exceptions and --baseline parsing (cmd/exceptions.c, DESIGN §10). */
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

static int parse(struct np_exceptions *x, struct np_error *err, const char *text)
{
	np_exceptions_init(x);
	np_error_clear(err);
	return np_exceptions_parse(x, text, strlen(text), "exc.yaml", err);
}

static void test_full_entry_parsed(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\n"
			       "kind: Exceptions\n"
			       "exceptions:\n"
			       "- controls: [NP-103, np-2*]\n"
			       "  namespace: \"legacy-*\"\n"
			       "  kind: Deployment\n"
			       "  name: web\n"
			       "  reason: \"public ingress, SEC-123\"\n"
			       "  expires: 2026-12-31\n"), 0);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.v[0].n_controls, 2);
	assert_string_equal(x.v[0].controls[0], "NP-103");
	assert_string_equal(x.v[0].controls[1], "np-2*");
	assert_string_equal(x.v[0].namespace, "legacy-*");
	assert_string_equal(x.v[0].kind, "Deployment");
	assert_string_equal(x.v[0].name, "web");
	assert_string_equal(x.v[0].reason, "public ingress, SEC-123");
	assert_string_equal(x.v[0].expires, "2026-12-31");
	assert_false(x.v[0].used);
	np_exceptions_release(&x);
}

static void test_optional_fields_default_to_null(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- controls: [NP-102]\n  reason: accepted\n"
			       "- controls: NP-201,NP-202\n  reason: also\n  namespace: null\n"), 0);
	assert_int_equal(x.n, 2);
	assert_null(x.v[0].namespace);
	assert_null(x.v[0].kind);
	assert_null(x.v[0].name);
	assert_null(x.v[0].expires);
	assert_int_equal(x.v[1].n_controls, 2);
	assert_string_equal(x.v[1].controls[1], "NP-202");
	np_exceptions_release(&x);
}

static void test_missing_reason_is_error_with_line(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- controls: [NP-102]\n  name: web\n"), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "reason is required"));
	assert_string_equal(err.file, "exc.yaml");
	assert_int_equal(err.line, 4);
	assert_int_equal(x.n, 0);
	np_exceptions_release(&x);
}

static void test_blank_reason_is_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- controls: [NP-102]\n  reason: \"  \"\n"), NP_EUSAGE);
	np_exceptions_release(&x);
}

static void test_missing_controls_is_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- reason: r\n"), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "controls is required"));
	np_exceptions_release(&x);
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- controls: []\n  reason: r\n"), NP_EUSAGE);
	np_exceptions_release(&x);
}

static void test_unknown_key_is_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- controls: [NP-102]\n  reason: r\n  namespaces: prod\n"), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "unknown key \"namespaces\""));
	assert_int_equal(err.line, 6);
	np_exceptions_release(&x);
}

static void test_unknown_control_id_is_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err,
			       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			       "- controls: [NP-999]\n  reason: r\n"), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "NP-999"));
	np_exceptions_release(&x);
}

static void test_bad_dates_are_errors(void **state)
{
	static const char *const bad[] = { "2026-13-01", "2026-02-30", "2025-02-29", "26-12-31", "tomorrow" };
	char doc[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct np_exceptions x;
		struct np_error err;
		snprintf(doc, sizeof(doc),
			 "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
			 "- controls: [NP-102]\n  reason: r\n  expires: \"%s\"\n", bad[i]);
		assert_int_equal(parse(&x, &err, doc), NP_EUSAGE);
		np_exceptions_release(&x);
	}
	{
		struct np_exceptions x;
		struct np_error err;
		assert_int_equal(parse(&x, &err,
				       "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n"
				       "- controls: [NP-102]\n  reason: r\n  expires: 2024-02-29\n"), 0);
		np_exceptions_release(&x);
	}
}

static void test_wrong_kind_is_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err, "apiVersion: v1\nkind: ConfigMap\n"), NP_EUSAGE);
	np_exceptions_release(&x);
}

static void test_empty_exceptions_list_is_fine(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err, "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions: []\n"), 0);
	assert_int_equal(x.n, 0);
	np_exceptions_release(&x);
}

static void test_yaml_syntax_error_is_parse_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	assert_int_equal(parse(&x, &err, "apiVersion: [unclosed\n"), NP_EPARSE);
	assert_string_equal(err.file, "exc.yaml");
	np_exceptions_release(&x);
}

static void test_expiry_is_through_that_day(void **state)
{
	struct np_exception e = { 0 };

	(void)state;
	e.expires = "2026-12-31";
	assert_false(np_exception_expired(&e, "2026-12-31"));
	assert_false(np_exception_expired(&e, "2026-06-01"));
	assert_true(np_exception_expired(&e, "2027-01-01"));
	e.expires = NULL;
	assert_false(np_exception_expired(&e, "2999-01-01"));
}

static void test_unreadable_file_is_io_error(void **state)
{
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	np_exceptions_init(&x);
	np_error_clear(&err);
	assert_int_equal(np_exceptions_load(&x, "/nonexistent/exc.yaml", &err), NP_EIO);
	assert_string_equal(err.file, "/nonexistent/exc.yaml");
	np_exceptions_release(&x);
}

static void test_baseline_collects_fingerprints(void **state)
{
	const char *report =
		"{\"apiVersion\": \"kubectl-netpol/v1\", \"kind\": \"AuditReport\", \"controls\": ["
		"{\"id\": \"NP-102\", \"findings\": [{\"fingerprint\": \"NP-102//Namespace//a\"},"
		"{\"fingerprint\": \"NP-102//Namespace//b\"}]},"
		"{\"id\": \"NP-103\", \"findings\": []},"
		"{\"id\": \"NP-201\", \"findings\": [{\"fingerprint\": \"NP-201/networking.k8s.io/NetworkPolicy/x/y/Egress\"}]}]}";
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	np_exceptions_init(&x);
	np_error_clear(&err);
	assert_int_equal(np_baseline_parse(&x, report, strlen(report), "old.json", &err), 0);
	assert_int_equal(x.n_fingerprints, 3);
	assert_string_equal(x.fingerprints[0], "NP-102//Namespace//a");
	assert_string_equal(x.fingerprints[2], "NP-201/networking.k8s.io/NetworkPolicy/x/y/Egress");
	np_exceptions_release(&x);
}

static void test_baseline_must_be_an_audit_report(void **state)
{
	const char *other = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}";
	struct np_exceptions x;
	struct np_error err;

	(void)state;
	np_exceptions_init(&x);
	np_error_clear(&err);
	assert_int_equal(np_baseline_parse(&x, other, strlen(other), "old.json", &err), NP_EUSAGE);
	assert_non_null(strstr(err.msg, "AuditReport"));
	assert_int_equal(np_baseline_parse(&x, "{\"kind\":", 8, "old.json", &err), NP_EPARSE);
	np_exceptions_release(&x);
}

/* A bad exceptions file stops audit with exit 2 before any input is read. */
static void test_audit_with_bad_exceptions_exits_2(void **state)
{
	char path[] = "/tmp/np-exc-XXXXXX";
	int fd = mkstemp(path);
	const char *doc = "apiVersion: kubectl-netpol/v1\nkind: Exceptions\nexceptions:\n- controls: [NP-102]\n";
	char *argv[] = { (char *)"audit", (char *)"--exceptions", path, (char *)"-f",
			 (char *)"/nonexistent/input.yaml", NULL };
	struct np_io io = { 0 };
	char *out = NULL, *errs = NULL;
	size_t out_len = 0, err_len = 0;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
	close(fd);
	io.out = open_memstream(&out, &out_len);
	io.err = open_memstream(&errs, &err_len);
	assert_int_equal(cmd_audit(5, argv, &io), 2);
	fclose(io.out);
	fclose(io.err);
	assert_int_equal(out_len, 0);
	assert_non_null(strstr(errs, "reason is required"));
	assert_null(strstr(errs, "input.yaml"));
	free(out);
	free(errs);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_entry_parsed),
		cmocka_unit_test(test_optional_fields_default_to_null),
		cmocka_unit_test(test_missing_reason_is_error_with_line),
		cmocka_unit_test(test_blank_reason_is_error),
		cmocka_unit_test(test_missing_controls_is_error),
		cmocka_unit_test(test_unknown_key_is_error),
		cmocka_unit_test(test_unknown_control_id_is_error),
		cmocka_unit_test(test_bad_dates_are_errors),
		cmocka_unit_test(test_wrong_kind_is_error),
		cmocka_unit_test(test_empty_exceptions_list_is_fine),
		cmocka_unit_test(test_yaml_syntax_error_is_parse_error),
		cmocka_unit_test(test_expiry_is_through_that_day),
		cmocka_unit_test(test_unreadable_file_is_io_error),
		cmocka_unit_test(test_baseline_collects_fingerprints),
		cmocka_unit_test(test_baseline_must_be_an_audit_report),
		cmocka_unit_test(test_audit_with_bad_exceptions_exits_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
