/* Scope: the system namespace list and -n / --exclude-namespaces globs (DESIGN §5.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netpol/scope.h"

static void test_documented_system_namespaces(void **state)
{
	static const char *const sys[] = {
		"kube-system", "kube-public", "kube-node-lease", "kube-flannel", "calico-system",
		"calico-apiserver", "tigera-operator", "cilium", "gmp-system", "gmp-public",
		"openshift", "openshift-dns", "openshift-monitoring",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		assert_true(np_namespace_is_system(sys[i]));
}

static void test_non_system_namespaces(void **state)
{
	(void)state;
	assert_false(np_namespace_is_system("default"));
	assert_false(np_namespace_is_system("kube-systemx"));
	assert_false(np_namespace_is_system("openshiftx"));
	assert_false(np_namespace_is_system("my-openshift-app"));
	assert_false(np_namespace_is_system("cilium-test"));
	assert_false(np_namespace_is_system(""));
	assert_false(np_namespace_is_system(NULL));
}

static void test_empty_scope_excludes_nothing(void **state)
{
	struct np_scope s = { 0 };

	(void)state;
	assert_false(np_scope_excludes(&s, "kube-system"));
	assert_false(np_scope_excludes(&s, "default"));
	assert_false(np_scope_excludes(NULL, "default"));
}

static void test_only_namespace_excludes_the_rest(void **state)
{
	struct np_scope s = { 0 };

	(void)state;
	s.only_namespace = "team-a";
	assert_false(np_scope_excludes(&s, "team-a"));
	assert_true(np_scope_excludes(&s, "team-b"));
}

static void test_exclude_system_uses_the_list(void **state)
{
	struct np_scope s = { 0 };

	(void)state;
	s.exclude_system = true;
	assert_true(np_scope_excludes(&s, "kube-system"));
	assert_true(np_scope_excludes(&s, "openshift-ingress"));
	assert_false(np_scope_excludes(&s, "shop"));
}

static void test_exclude_globs(void **state)
{
	static const char *globs[] = { "legacy-*", "tmp?" };
	struct np_scope s = { 0 };

	(void)state;
	s.exclude_globs = globs;
	s.n_globs = 2;
	assert_true(np_scope_excludes(&s, "legacy-billing"));
	assert_true(np_scope_excludes(&s, "tmp1"));
	assert_false(np_scope_excludes(&s, "tmp12"));
	assert_false(np_scope_excludes(&s, "shop"));
}

static void test_exclude_glob_value_may_hold_commas(void **state)
{
	static const char *globs[] = { "a-*,b-*" };
	struct np_scope s = { 0 };

	(void)state;
	s.exclude_globs = globs;
	s.n_globs = 1;
	assert_true(np_scope_excludes(&s, "a-1"));
	assert_true(np_scope_excludes(&s, "b-2"));
	assert_false(np_scope_excludes(&s, "c-3"));
}

static void test_cluster_scoped_never_excluded(void **state)
{
	static const char *globs[] = { "*" };
	struct np_scope s = { 0 };

	(void)state;
	s.exclude_globs = globs;
	s.n_globs = 1;
	s.only_namespace = "x";
	assert_false(np_scope_excludes(&s, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documented_system_namespaces),
		cmocka_unit_test(test_non_system_namespaces),
		cmocka_unit_test(test_empty_scope_excludes_nothing),
		cmocka_unit_test(test_only_namespace_excludes_the_rest),
		cmocka_unit_test(test_exclude_system_uses_the_list),
		cmocka_unit_test(test_exclude_globs),
		cmocka_unit_test(test_exclude_glob_value_may_hold_commas),
		cmocka_unit_test(test_cluster_scoped_never_excluded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
