/* Least privilege (DESIGN §3.2): the resources a live audit fetches for a
 * selection of controls (np_audit_resources). Each expectation is a row of
 * DESIGN §3.2's table or a §5.1 "needs" sentence. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "netpol/model.h"

#define BIT(r) (1ULL << (unsigned)(r))
#define POLICY_CRDS                                                                  \
	(BIT(NP_RES_CILIUM_NP) | BIT(NP_RES_CILIUM_CCNP) | BIT(NP_RES_CALICO_NP) |   \
	 BIT(NP_RES_CALICO_GNP) | BIT(NP_RES_ANP) | BIT(NP_RES_BANP) | BIT(NP_RES_CNP))
#define EVERY_REPORT                                                                 \
	(BIT(NP_RES_NAMESPACES) | BIT(NP_RES_NETWORKPOLICIES) | BIT(NP_RES_PODS) | POLICY_CRDS)
#define WORKLOADS                                                                    \
	(BIT(NP_RES_DAEMONSETS) | BIT(NP_RES_DEPLOYMENTS) | BIT(NP_RES_REPLICASETS) |  \
	 BIT(NP_RES_STATEFULSETS) | BIT(NP_RES_JOBS) | BIT(NP_RES_CRONJOBS))

static unsigned long long one(const char *id)
{
	const char *sel[1];

	sel[0] = id;
	return np_audit_resources(sel, 1);
}

static void test_every_selection_reads_namespaces_policies_and_pods(void **state)
{
	size_t n = 0, i;
	const struct np_control_def *cat = np_controls_catalog(&n);

	(void)state;
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_int_equal(one(cat[i].id) & EVERY_REPORT, EVERY_REPORT);
	assert_int_equal(np_audit_resources(NULL, 0) & EVERY_REPORT, EVERY_REPORT);
}

static void test_np208_reads_nothing_beyond_every_report(void **state)
{
	(void)state;
	assert_int_equal(one("NP-208"), EVERY_REPORT);
}

static void test_namespace_controls_skip_nodes_and_configmaps(void **state)
{
	const char *ids[] = { "NP-102", "NP-201" };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		unsigned long long b = one(ids[i]);

		assert_false(b & BIT(NP_RES_NODES));
		assert_false(b & BIT(NP_RES_CONFIGMAPS));
		assert_false(b & BIT(NP_RES_INGRESSES));
		/* the default-deny remediation's safety (§5.5) */
		assert_true(b & BIT(NP_RES_WEBHOOKS));
		assert_true(b & BIT(NP_RES_APISERVICES));
		assert_true(b & BIT(NP_RES_SERVICES));
		assert_true(b & BIT(NP_RES_DAEMONSETS));
	}
}

static void test_pod_controls_read_workloads_not_cluster_config(void **state)
{
	const char *ids[] = { "NP-103", "NP-202", "NP-203", "NP-204", "NP-205", "NP-206", "NP-207" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		unsigned long long b = one(ids[i]);

		assert_int_equal(b & WORKLOADS, WORKLOADS);
		assert_false(b & BIT(NP_RES_NODES));
		assert_false(b & BIT(NP_RES_CONFIGMAPS));
		assert_false(b & BIT(NP_RES_WEBHOOKS));
		assert_false(b & BIT(NP_RES_INGRESSES));
	}
}

/* DESIGN §5 NP-205: an ipBlock holding only the DNS Service's ClusterIP is a
 * WARN; without Services it could only be told apart as a FAIL. */
static void test_np205_reads_services_for_the_dns_cluster_ip(void **state)
{
	(void)state;
	assert_true(one("NP-205") & BIT(NP_RES_SERVICES));
	assert_false(one("NP-206") & BIT(NP_RES_SERVICES));
}

static void test_platform_controls_read_nodes_daemonsets_and_cni_configmaps(void **state)
{
	const char *ids[] = { "NP-101", "NP-104", "NP-105", "NP-106" };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		unsigned long long b = one(ids[i]);

		assert_true(b & BIT(NP_RES_NODES));
		assert_true(b & BIT(NP_RES_CONFIGMAPS));
		assert_true(b & BIT(NP_RES_CRDS));
		assert_int_equal(b & WORKLOADS, WORKLOADS);
		assert_false(b & BIT(NP_RES_WEBHOOKS));
	}
}

static void test_whole_catalog_is_the_union_without_ingresses(void **state)
{
	size_t n = 0, i;
	const struct np_control_def *cat = np_controls_catalog(&n);
	const char *ids[32];
	unsigned long long all = np_audit_resources(NULL, 0), u = 0;

	(void)state;
	assert_true(n <= 32);
	for (i = 0; i < n; i++) {
		ids[i] = cat[i].id;
		u |= one(cat[i].id);
	}
	assert_int_equal(np_audit_resources(ids, n), all);
	assert_int_equal(u, all);
	/* Ingresses serve `fix` only: an audit never lists them. */
	assert_false(all & BIT(NP_RES_INGRESSES));
	assert_int_equal(all | BIT(NP_RES_INGRESSES), BIT(NP_RES__COUNT) - 1);
}

static void test_ids_match_case_insensitively(void **state)
{
	(void)state;
	assert_int_equal(one("np-101"), one("NP-101"));
	assert_int_not_equal(one("np-101"), one("NP-208"));
}

static void test_unknown_or_null_ids_add_nothing(void **state)
{
	const char *sel[] = { NULL, "NP-999" };

	(void)state;
	assert_int_equal(np_audit_resources(sel, 2), EVERY_REPORT);
	assert_int_equal(np_audit_resources(sel, 0), EVERY_REPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_selection_reads_namespaces_policies_and_pods),
		cmocka_unit_test(test_np208_reads_nothing_beyond_every_report),
		cmocka_unit_test(test_namespace_controls_skip_nodes_and_configmaps),
		cmocka_unit_test(test_pod_controls_read_workloads_not_cluster_config),
		cmocka_unit_test(test_np205_reads_services_for_the_dns_cluster_ip),
		cmocka_unit_test(test_platform_controls_read_nodes_daemonsets_and_cni_configmaps),
		cmocka_unit_test(test_whole_catalog_is_the_union_without_ingresses),
		cmocka_unit_test(test_ids_match_case_insensitively),
		cmocka_unit_test(test_unknown_or_null_ids_add_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
