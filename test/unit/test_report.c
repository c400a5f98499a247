/* Report: names, severity parsing, arena vectors, ordering and fingerprints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/report.h"

static const struct np_control_def def_a = { "NP-103", "A", NP_SEV_MEDIUM, NP_SEV_MEDIUM, { NULL }, "g" };
static const struct np_control_def def_b = { "NP-102", "B", NP_SEV_MEDIUM, NP_SEV_MEDIUM, { NULL }, "g" };

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(np_status_name(NP_ST_PASS), "PASS");
	assert_string_equal(np_status_name(NP_ST_FAIL), "FAIL");
	assert_string_equal(np_status_name(NP_ST_WARN), "WARN");
	assert_string_equal(np_status_name(NP_ST_MANUAL), "MANUAL");
	assert_string_equal(np_status_name(NP_ST_ERROR), "ERROR");
	assert_string_equal(np_status_name(NP_ST_SKIP), "SKIP");
	assert_string_equal(np_status_name((enum np_status)99), "UNKNOWN");
}

static void test_severity_names(void **state)
{
	(void)state;
	assert_string_equal(np_severity_name(NP_SEV_LOW), "low");
	assert_string_equal(np_severity_name(NP_SEV_MEDIUM), "medium");
	assert_string_equal(np_severity_name(NP_SEV_HIGH), "high");
	assert_string_equal(np_severity_name(NP_SEV_CRITICAL), "critical");
}

static void test_severity_parse_levels_and_none(void **state)
{
	int v = 42;

	(void)state;
	assert_int_equal(np_severity_parse("none", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(np_severity_parse("low", &v), 0);
	assert_int_equal(v, NP_SEV_LOW);
	assert_int_equal(np_severity_parse("MEDIUM", &v), 0);
	assert_int_equal(v, NP_SEV_MEDIUM);
	assert_int_equal(np_severity_parse("high", &v), 0);
	assert_int_equal(v, NP_SEV_HIGH);
	assert_int_equal(np_severity_parse("critical", &v), 0);
	assert_int_equal(v, NP_SEV_CRITICAL);
}

static void test_severity_parse_rejects_unknown(void **state)
{
	int v = 7;

	(void)state;
	assert_int_equal(np_severity_parse("info", &v), NP_EUSAGE);
	assert_int_equal(np_severity_parse("", &v), NP_EUSAGE);
	assert_int_equal(np_severity_parse(NULL, &v), NP_EUSAGE);
	assert_int_equal(v, 7);
}

static void test_strf_formats_into_arena(void **state)
{
	struct np_report r;
	const char *s;

	(void)state;
	np_report_init(&r);
	s = np_report_strf(&r, "%s/%d", "ns", 42);
	assert_string_equal(s, "ns/42");
	np_report_release(&r);
}

static void test_new_finding_defaults(void **state)
{
	struct np_report r;
	struct np_control_result *c;
	struct np_finding *f;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_a);
	assert_non_null(c);
	assert_ptr_equal(c->def, &def_a);
	assert_int_equal(c->evaluated, -1);
	f = np_result_add_finding(&r, c);
	assert_non_null(f);
	assert_int_equal(f->level, NP_ST_FAIL);
	assert_int_equal(f->pods, -1);
	assert_null(f->suppressed);
	assert_null(f->fingerprint);
	np_report_release(&r);
}

static void test_many_findings_grow_vector(void **state)
{
	struct np_report r;
	struct np_control_result *c;
	size_t i;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_a);
	for (i = 0; i < 1000; i++) {
		struct np_finding *f = np_result_add_finding(&r, c);

		assert_non_null(f);
		f->name = np_report_strf(&r, "p%04zu", 999 - i);
	}
	assert_int_equal(c->findings.n, 1000);
	np_report_finalize(&r);
	assert_string_equal(c->findings.v[0].name, "p0000");
	assert_string_equal(c->findings.v[999].name, "p0999");
	np_report_release(&r);
}

static void add(struct np_report *r, struct np_control_result *c, const char *ns, const char *kind,
		const char *name, unsigned dirs, const char *message)
{
	struct np_finding *f = np_result_add_finding(r, c);

	f->namespace = ns;
	f->kind = kind;
	f->api_group = strcmp(kind, "Deployment") == 0 ? "apps" : "";
	f->name = name;
	f->directions = dirs;
	f->message = message;
}

static void test_finalize_sorts_by_namespace_kind_name(void **state)
{
	struct np_report r;
	struct np_control_result *c;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_a);
	add(&r, c, "shop", "Pod", "b", 0, "1");
	add(&r, c, "alpha", "Pod", "z", 0, "2");
	add(&r, c, "shop", "Deployment", "web", 0, "3");
	add(&r, c, NULL, "Namespace", "team", 0, "4");
	add(&r, c, "shop", "Pod", "a", 0, "5");
	np_report_finalize(&r);
	/* Cluster-scoped (no namespace) first, then by namespace, kind, name. */
	assert_string_equal(c->findings.v[0].message, "4");
	assert_string_equal(c->findings.v[1].message, "2");
	assert_string_equal(c->findings.v[2].message, "3");
	assert_string_equal(c->findings.v[3].message, "5");
	assert_string_equal(c->findings.v[4].message, "1");
	np_report_release(&r);
}

static void test_finalize_sort_is_stable_for_equal_keys(void **state)
{
	struct np_report r;
	struct np_control_result *c;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_a);
	add(&r, c, "shop", "Deployment", "web", NP_DIR_EGRESS, "first");
	add(&r, c, "a", "Pod", "x", 0, "other");
	add(&r, c, "shop", "Deployment", "web", NP_DIR_INGRESS, "second");
	np_report_finalize(&r);
	assert_string_equal(c->findings.v[1].message, "first");
	assert_string_equal(c->findings.v[2].message, "second");
	np_report_release(&r);
}

static void test_finalize_sorts_controls_by_id(void **state)
{
	struct np_report r;

	(void)state;
	np_report_init(&r);
	np_report_add_control(&r, &def_a);
	np_report_add_control(&r, &def_b);
	np_report_finalize(&r);
	assert_string_equal(r.controls.v[0].def->id, "NP-102");
	assert_string_equal(r.controls.v[1].def->id, "NP-103");
	np_report_release(&r);
}

static void test_fingerprint_with_directions_detail(void **state)
{
	struct np_report r;
	struct np_control_result *c;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_a);
	add(&r, c, "shop", "Deployment", "web", NP_DIR_EGRESS, "m");
	np_report_finalize(&r);
	assert_string_equal(c->findings.v[0].fingerprint, "NP-103/apps/Deployment/shop/web/Egress");
	np_report_release(&r);
}

static void test_fingerprint_both_directions_and_none(void **state)
{
	struct np_report r;
	struct np_control_result *c;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_b);
	add(&r, c, NULL, "Namespace", "team-a", NP_DIR_INGRESS | NP_DIR_EGRESS, "m");
	add(&r, c, NULL, "Namespace", "team-b", 0, "m");
	np_report_finalize(&r);
	assert_string_equal(c->findings.v[0].fingerprint, "NP-102//Namespace//team-a/Ingress,Egress");
	assert_string_equal(c->findings.v[1].fingerprint, "NP-102//Namespace//team-b");
	np_report_release(&r);
}

static void test_fingerprint_kept_when_set(void **state)
{
	struct np_report r;
	struct np_control_result *c;

	(void)state;
	np_report_init(&r);
	c = np_report_add_control(&r, &def_b);
	add(&r, c, "x", "Pod", "p", 0, "m");
	c->findings.v[0].fingerprint = "custom";
	np_report_finalize(&r);
	assert_string_equal(c->findings.v[0].fingerprint, "custom");
	np_report_release(&r);
}

static void test_skipped_excluded_notes_and_warnings(void **state)
{
	struct np_report r;

	(void)state;
	np_report_init(&r);
	assert_int_equal(np_report_add_skipped(&r, "NP-203"), 0);
	assert_int_equal(np_report_add_excluded_namespace(&r, "kube-system"), 0);
	assert_int_equal(np_report_note(&r, "note %d", 1), 0);
	assert_int_equal(np_report_warn(&r, "networkpolicies", "ns", "why", "w %s", "x"), 0);
	assert_int_equal(r.skipped_controls.n, 1);
	assert_string_equal(r.skipped_controls.v[0], "NP-203");
	assert_string_equal(r.excluded_namespaces.v[0], "kube-system");
	assert_string_equal(r.notes.v[0], "note 1");
	assert_int_equal(r.warnings.n, 1);
	assert_string_equal(r.warnings.v[0].message, "w x");
	assert_string_equal(r.warnings.v[0].reason, "why");
	assert_string_equal(r.warnings.v[0].namespace, "ns");
	np_report_release(&r);
}

static void test_count_kind_sorted_and_counted(void **state)
{
	struct np_report r;

	(void)state;
	np_report_init(&r);
	np_report_count_kind(&r, "GlobalNetworkPolicy");
	np_report_count_kind(&r, "CiliumNetworkPolicy");
	np_report_count_kind(&r, "GlobalNetworkPolicy");
	np_report_count_kind(&r, "AdminNetworkPolicy");
	assert_int_equal(r.policies_by_kind.n, 3);
	assert_string_equal(r.policies_by_kind.kinds[0], "AdminNetworkPolicy");
	assert_string_equal(r.policies_by_kind.kinds[1], "CiliumNetworkPolicy");
	assert_string_equal(r.policies_by_kind.kinds[2], "GlobalNetworkPolicy");
	assert_int_equal(r.policies_by_kind.counts[2], 2);
	assert_int_equal(r.policies_by_kind.counts[0], 1);
	np_report_release(&r);
}

static void test_release_is_null_safe_and_init_complete(void **state)
{
	struct np_report r;

	(void)state;
	np_report_release(NULL);
	np_report_init(&r);
	assert_true(r.complete);
	np_report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_severity_parse_levels_and_none),
		cmocka_unit_test(test_severity_parse_rejects_unknown),
		cmocka_unit_test(test_strf_formats_into_arena),
		cmocka_unit_test(test_new_finding_defaults),
		cmocka_unit_test(test_many_findings_grow_vector),
		cmocka_unit_test(test_finalize_sorts_by_namespace_kind_name),
		cmocka_unit_test(test_finalize_sort_is_stable_for_equal_keys),
		cmocka_unit_test(test_finalize_sorts_controls_by_id),
		cmocka_unit_test(test_fingerprint_with_directions_detail),
		cmocka_unit_test(test_fingerprint_both_directions_and_none),
		cmocka_unit_test(test_fingerprint_kept_when_set),
		cmocka_unit_test(test_skipped_excluded_notes_and_warnings),
		cmocka_unit_test(test_count_kind_sorted_and_counted),
		cmocka_unit_test(test_release_is_null_safe_and_init_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
