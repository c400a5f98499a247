/* Pod-to-policy coverage (DESIGN §4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/coverage.h"
#include "analyzer_fixtures.h"

struct t {
	struct np_model m;
	struct np_scope scope;
	struct np_coverage cov;
	bool built;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	np_model_init(&t->m);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	if (t->built)
		np_coverage_release(&t->cov);
	np_model_release(&t->m);
	free(t);
	return 0;
}

static void build(struct t *t, bool kics)
{
	if (t->built)
		np_coverage_release(&t->cov);
	assert_int_equal(np_coverage_build(&t->cov, &t->m, &t->scope, kics, NULL), 0);
	t->built = true;
}

static bool iso_in(struct t *t, size_t pod)
{
	return t->cov.pods[pod].ingress_isolated;
}

static bool iso_eg(struct t *t, size_t pod)
{
	return t->cov.pods[pod].egress_isolated;
}

/* ---- effective policyTypes ---- */

/* One pod and one {} policy in ns "a" with the given policyTypes and rule counts. */
static void one_policy(struct t *t, const char *types, int n_in, int n_eg)
{
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pod", "app=x");
	p = fx_netpol(&t->m, "a", "pol");
	fx_rules(&t->m, p, n_in, n_eg);
	fx_types(&t->m.netpols.v[p], types);
	build(t, false);
}

static void test_types_absent_without_egress_is_ingress(void **state)
{
	struct t *t = *state;

	one_policy(t, NULL, -1, -1);
	assert_true(iso_in(t, 0));
	assert_false(iso_eg(t, 0));
}

static void test_types_absent_with_empty_egress_list_is_ingress(void **state)
{
	struct t *t = *state;

	one_policy(t, NULL, 1, 0);
	assert_true(iso_in(t, 0));
	assert_false(iso_eg(t, 0));
}

static void test_types_absent_with_egress_rule_adds_egress(void **state)
{
	struct t *t = *state;

	one_policy(t, NULL, -1, 1);
	assert_true(iso_in(t, 0));
	assert_true(iso_eg(t, 0));
}

static void test_types_empty_list_defaults_like_absent(void **state)
{
	struct t *t = *state;

	one_policy(t, "", -1, 2);
	assert_true(iso_in(t, 0));
	assert_true(iso_eg(t, 0));
}

static void test_types_egress_only_is_authoritative(void **state)
{
	struct t *t = *state;

	one_policy(t, "Egress", 3, -1);
	assert_false(iso_in(t, 0));
	assert_true(iso_eg(t, 0));
}

static void test_types_ingress_only_ignores_egress_rules(void **state)
{
	struct t *t = *state;

	one_policy(t, "Ingress", -1, 2);
	assert_true(iso_in(t, 0));
	assert_false(iso_eg(t, 0));
}

static void test_types_both(void **state)
{
	struct t *t = *state;

	one_policy(t, "Ingress,Egress", -1, -1);
	assert_true(iso_in(t, 0));
	assert_true(iso_eg(t, 0));
}

static void test_types_non_array_defaults(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pod", NULL);
	p = fx_netpol(&t->m, "a", "pol");
	t->m.netpols.v[p].types_raw = NP_RAW_OTHER; /* policyTypes: "Egress" */
	build(t, false);
	assert_int_equal(np_netpol_effective_types(&t->m.netpols.v[p]), NP_DIR_INGRESS);
	assert_true(iso_in(t, 0));
	assert_false(iso_eg(t, 0));
}

/* ---- selection ---- */

static void test_policy_applies_only_to_its_namespace(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	fx_pod(&t->m, "a", "pa", "app=web");
	fx_pod(&t->m, "b", "pb", "app=web");
	p = fx_netpol(&t->m, "a", "pol");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=web");
	build(t, false);
	assert_true(iso_in(t, 0));
	assert_false(iso_in(t, 1));
	assert_int_equal(t->cov.netpols[0].selected, 1);
}

static void test_selected_lists_policy_refs(void **state)
{
	struct t *t = *state;
	size_t p1, p2;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pa", "app=web");
	p1 = fx_netpol(&t->m, "a", "p1");
	p2 = fx_netpol(&t->m, "a", "p2");
	fx_types(&t->m.netpols.v[p1], "Egress");
	fx_types(&t->m.netpols.v[p2], "Ingress,Egress");
	build(t, false);
	assert_int_equal(t->cov.pods[0].n_ingress, 1);
	assert_int_equal(t->cov.pods[0].ingress[0].index, p2);
	assert_int_equal(t->cov.pods[0].n_egress, 2);
	assert_false(t->cov.pods[0].egress[0].xpolicy);
	assert_int_equal(t->cov.pods[0].egress[0].index, p1);
	assert_int_equal(t->cov.pods[0].egress[1].index, p2);
}

static void test_label_index_finds_exactly_the_matching_pods(void **state)
{
	struct t *t = *state;
	char name[32], labels[64];
	size_t i, p, n_expect = 0;

	fx_ns(&t->m, "a", NULL);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "p%zu", i);
		snprintf(labels, sizeof(labels), "app=web,shard=%zu,tier=%s", i % 7,
			 i % 3 ? "fe" : "be");
		fx_pod(&t->m, "a", name, labels);
		if (i % 7 == 3 && i % 3 != 0)
			n_expect++;
	}
	p = fx_netpol(&t->m, "a", "pol");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=web,shard=3,tier=fe");
	build(t, false);
	assert_int_equal(t->cov.netpols[p].selected, n_expect);
	for (i = 0; i < 200; i++)
		assert_int_equal(iso_in(t, i), i % 7 == 3 && i % 3 != 0);
}

/* Pods listed out of namespace order (the index sorts them) still get their
 * policy references in policy order. */
static void test_pods_out_of_namespace_order_list_refs_in_policy_order(void **state)
{
	struct t *t = *state;
	size_t p0, p1, p2, p3, web_a, all_b, all_a, web_b;
	const size_t want0[] = { 1, 3 }, want1[] = { 0, 2 };
	size_t i;

	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	p0 = fx_pod(&t->m, "b", "p0", "app=web");
	p1 = fx_pod(&t->m, "a", "p1", "app=web");
	p2 = fx_pod(&t->m, "b", "p2", "app=db");
	p3 = fx_pod(&t->m, "a", "p3", "app=web,tier=fe");
	web_a = fx_netpol(&t->m, "a", "web-a");
	fx_sel_labels(&t->m, &t->m.netpols.v[web_a].pod_selector, "app=web");
	all_b = fx_netpol(&t->m, "b", "all-b");
	all_a = fx_netpol(&t->m, "a", "all-a");
	web_b = fx_netpol(&t->m, "b", "web-b");
	fx_sel_labels(&t->m, &t->m.netpols.v[web_b].pod_selector, "app=web");
	build(t, false);
	assert_int_equal(web_a, 0);
	assert_int_equal(all_b, 1);
	assert_int_equal(all_a, 2);
	assert_int_equal(web_b, 3);
	assert_int_equal(t->cov.pods[p0].n_ingress, 2);
	assert_int_equal(t->cov.pods[p1].n_ingress, 2);
	assert_int_equal(t->cov.pods[p3].n_ingress, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(t->cov.pods[p0].ingress[i].index, want0[i]);
		assert_int_equal(t->cov.pods[p1].ingress[i].index, want1[i]);
		assert_int_equal(t->cov.pods[p3].ingress[i].index, want1[i]);
	}
	assert_int_equal(t->cov.pods[p2].n_ingress, 1);
	assert_int_equal(t->cov.pods[p2].ingress[0].index, all_b);
	assert_int_equal(t->cov.netpols[web_a].selected, 2);
	assert_int_equal(t->cov.netpols[web_b].selected, 1);
}

static void test_invalid_pod_selector_selects_nothing(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pa", NULL);
	p = fx_netpol(&t->m, "a", "pol");
	t->m.netpols.v[p].pod_selector.present = true;
	t->m.netpols.v[p].pod_selector.invalid = true;
	build(t, false);
	assert_false(iso_in(t, 0));
	assert_int_equal(t->cov.netpols[p].selected, 0);
}

static void test_host_network_pods_never_isolated(void **state)
{
	struct t *t = *state;
	size_t pod;

	fx_ns(&t->m, "a", NULL);
	pod = fx_pod(&t->m, "a", "hn", NULL);
	t->m.pods.v[pod].host_network = true;
	fx_netpol(&t->m, "a", "pol");
	build(t, false);
	assert_true(t->cov.pods[pod].in_scope);
	assert_false(iso_in(t, pod));
	assert_int_equal(t->cov.netpols[0].selected, 0);
	assert_int_equal(t->cov.netpols[0].selected_host_network, 1);
	assert_false(np_pod_isolatable(&t->m.pods.v[pod], true));
}

static void test_terminated_pods_are_not_counted(void **state)
{
	struct t *t = *state;
	size_t a, b;

	fx_ns(&t->m, "a", NULL);
	a = fx_pod(&t->m, "a", "done", NULL);
	t->m.pods.v[a].phase = np_model_str(&t->m, "Succeeded");
	b = fx_pod(&t->m, "a", "failed", NULL);
	t->m.pods.v[b].terminated = true;
	fx_netpol(&t->m, "a", "pol");
	build(t, false);
	assert_false(t->cov.pods[a].in_scope);
	assert_false(t->cov.pods[b].in_scope);
	assert_false(iso_in(t, a));
	assert_int_equal(t->cov.netpols[0].selected, 0);
	assert_int_equal(t->cov.netpols[0].selected_terminated, 2);
}

static void test_template_pods_are_subjects(void **state)
{
	struct t *t = *state;
	size_t tp;

	fx_ns(&t->m, "a", NULL);
	tp = fx_template(&t->m, "a", "Deployment", "apps", "web", "app=web", false);
	fx_netpol(&t->m, "a", "pol");
	build(t, false);
	assert_true(t->cov.pods[tp].in_scope);
	assert_true(iso_in(t, tp));
	assert_int_equal(t->cov.netpols[0].selected, 1);
}

static void test_idle_templates_only_with_include_idle(void **state)
{
	struct t *t = *state;
	size_t tp;

	fx_ns(&t->m, "a", NULL);
	tp = fx_template(&t->m, "a", "Deployment", "apps", "web", "app=web", true);
	fx_netpol(&t->m, "a", "pol");
	build(t, false);
	assert_false(t->cov.pods[tp].in_scope);
	assert_false(iso_in(t, tp));
	assert_int_equal(t->cov.netpols[0].selected, 0);
	assert_int_equal(t->cov.netpols[0].selected_idle, 1);
	t->scope.include_idle = true;
	build(t, false);
	assert_true(t->cov.pods[tp].in_scope);
	assert_true(iso_in(t, tp));
	assert_int_equal(t->cov.netpols[0].selected, 1);
}

static void test_excluded_namespace_is_out_of_scope(void **state)
{
	struct t *t = *state;
	static const char *globs[] = { "kube-*" };

	fx_ns(&t->m, "kube-system", NULL);
	fx_pod(&t->m, "kube-system", "dns", NULL);
	fx_netpol(&t->m, "kube-system", "pol");
	t->scope.exclude_globs = globs;
	t->scope.n_globs = 1;
	build(t, false);
	assert_false(t->cov.pods[0].in_scope);
	assert_false(iso_in(t, 0));
	assert_int_equal(t->cov.netpols[0].selected, 0);
}

static void test_pod_namespace_without_record(void **state)
{
	struct t *t = *state;

	fx_pod(&t->m, "ghost", "p", NULL);
	fx_netpol(&t->m, "ghost", "pol");
	build(t, false);
	assert_true(iso_in(t, 0));
}

/* ---- other policy kinds ---- */

static void test_cilium_policy_isolates_its_namespace(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	fx_pod(&t->m, "a", "pa", "app=web");
	fx_pod(&t->m, "b", "pb", "app=web");
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "a", "cnp");
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_pods, "app=web");
	t->m.xpolicies.v[x].isolates = NP_DIR_EGRESS;
	build(t, false);
	assert_false(iso_in(t, 0));
	assert_true(iso_eg(t, 0));
	assert_true(t->cov.pods[0].egress[0].xpolicy);
	assert_false(iso_eg(t, 1));
}

static void test_cilium_policy_without_rules_isolates_nothing(void **state)
{
	struct t *t = *state;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pa", NULL);
	fx_xpolicy(&t->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "a", "cnp");
	build(t, false);
	assert_false(iso_in(t, 0));
	assert_false(iso_eg(t, 0));
	assert_int_equal(t->cov.xpolicies[0].selected, 1);
}

static void test_clusterwide_cilium_covers_all_namespaces(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	fx_pod(&t->m, "a", "pa", NULL);
	fx_pod(&t->m, "b", "pb", NULL);
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_CCNP, "CiliumClusterwideNetworkPolicy", NULL, "ccnp");
	t->m.xpolicies.v[x].subject_all_namespaces = true;
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS | NP_DIR_EGRESS;
	build(t, false);
	assert_true(iso_in(t, 0) && iso_eg(t, 0));
	assert_true(iso_in(t, 1) && iso_eg(t, 1));
}

static void test_ignored_xpolicy_never_counts(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pa", NULL);
	x = fx_xpolicy(&t->m, NP_XP_CALICO_NP, "NetworkPolicy", "a", "knp.default.x");
	t->m.xpolicies.v[x].ignored = true;
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS;
	build(t, false);
	assert_false(iso_in(t, 0));
}

static void test_calico_policy_uses_calico_selector(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "web", "app=web");
	fx_pod(&t->m, "a", "api", "app=api");
	x = fx_xpolicy(&t->m, NP_XP_CALICO_NP, "NetworkPolicy", "a", "cal");
	t->m.xpolicies.v[x].calico_selector = np_model_str(&t->m, "app == 'web'");
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS;
	build(t, false);
	assert_true(iso_in(t, 0));
	assert_false(iso_in(t, 1));
	assert_false(t->cov.pods[1].undecidable);
}

static void test_calico_syntax_error_is_undecidable(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "web", "app=web");
	x = fx_xpolicy(&t->m, NP_XP_CALICO_NP, "NetworkPolicy", "a", "cal");
	t->m.xpolicies.v[x].calico_selector = np_model_str(&t->m, "app = 'web'");
	t->m.xpolicies.v[x].isolates = NP_DIR_EGRESS;
	build(t, false);
	assert_false(iso_eg(t, 0));
	assert_true(t->cov.pods[0].undecidable);
	assert_int_equal(t->cov.pods[0].undecidable_dirs, NP_DIR_EGRESS);
	assert_true(t->cov.xpolicies[x].undecidable);
}

static void test_calico_global_policy_namespace_selector(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", "team=blue");
	fx_ns(&t->m, "b", "team=red");
	fx_pod(&t->m, "a", "pa", NULL);
	fx_pod(&t->m, "b", "pb", NULL);
	x = fx_xpolicy(&t->m, NP_XP_CALICO_GNP, "GlobalNetworkPolicy", NULL, "gnp");
	t->m.xpolicies.v[x].calico_ns_selector = np_model_str(&t->m, "team == 'blue'");
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS;
	build(t, false);
	assert_true(iso_in(t, 0));
	assert_false(iso_in(t, 1));
}

static void test_admin_policy_isolates_only_through_deny_all(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "pa", NULL);
	x = fx_xpolicy(&t->m, NP_XP_ANP, "AdminNetworkPolicy", NULL, "anp");
	t->m.xpolicies.v[x].subject_all_namespaces = true;
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS | NP_DIR_EGRESS; /* Allow rules only */
	build(t, false);
	assert_false(iso_in(t, 0));
	t->m.xpolicies.v[x].denies_all = NP_DIR_EGRESS;
	build(t, false);
	assert_false(iso_in(t, 0));
	assert_true(iso_eg(t, 0));
	assert_int_equal(np_xpolicy_isolation(&t->m.xpolicies.v[x]), NP_DIR_EGRESS);
}

static void test_baseline_policy_namespace_selector(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns(&t->m, "a", "env=prod");
	fx_ns(&t->m, "b", "env=dev");
	fx_pod(&t->m, "a", "pa", NULL);
	fx_pod(&t->m, "b", "pb", NULL);
	x = fx_xpolicy(&t->m, NP_XP_BANP, "BaselineAdminNetworkPolicy", NULL, "default");
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_ns, "env=prod");
	t->m.xpolicies.v[x].denies_all = NP_DIR_INGRESS;
	build(t, false);
	assert_true(iso_in(t, 0));
	assert_false(iso_in(t, 1));
}

static void test_synthesised_namespace_other_label_is_undecidable(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns_synth(&t->m, "a");
	fx_pod(&t->m, "a", "pa", NULL);
	x = fx_xpolicy(&t->m, NP_XP_ANP, "AdminNetworkPolicy", NULL, "anp");
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_ns, "env=prod");
	t->m.xpolicies.v[x].denies_all = NP_DIR_INGRESS;
	build(t, false);
	assert_false(iso_in(t, 0));
	assert_true(t->cov.pods[0].undecidable);
	assert_int_equal(t->cov.pods[0].undecidable_dirs, NP_DIR_INGRESS);
}

static void test_synthesised_namespace_name_label_is_decidable(void **state)
{
	struct t *t = *state;
	size_t x;

	fx_ns_synth(&t->m, "a");
	fx_pod(&t->m, "a", "pa", NULL);
	x = fx_xpolicy(&t->m, NP_XP_ANP, "AdminNetworkPolicy", NULL, "anp");
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_ns, FX_NS_LABEL "=a");
	t->m.xpolicies.v[x].denies_all = NP_DIR_INGRESS;
	build(t, false);
	assert_true(iso_in(t, 0));
	assert_false(t->cov.pods[0].undecidable);
}

/* ---- --semantics kics (KICS 0401f71b) ---- */

static void test_kics_same_namespace_empty_types_flags(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_pod(&t->m, "positive2", "positive2-pod", NULL);
	p = fx_netpol(&t->m, "positive2", "positive2-netpol");
	fx_types(&t->m.netpols.v[p], "");
	build(t, true);
	assert_true(t->cov.pods[0].kics_flagged);
	assert_int_equal(t->cov.pods[0].kics_policy, p);
}

static void test_kics_other_namespace_label_match_flags(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_pod(&t->m, "positive1-one", "positive1-pod", "app=shouldmatch");
	fx_pod(&t->m, "positive1-one", "other-pod", "app=other");
	p = fx_netpol(&t->m, "positive1-anotherone", "positive1-netpol");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=shouldmatch");
	fx_types(&t->m.netpols.v[p], "");
	build(t, true);
	assert_true(t->cov.pods[0].kics_flagged);
	assert_false(t->cov.pods[1].kics_flagged);
}

static void test_kics_absent_types_imply_ingress(void **state)
{
	struct t *t = *state;

	fx_pod(&t->m, "n", "p", NULL);
	fx_netpol(&t->m, "n", "pol"); /* policyTypes absent: ingress implied */
	build(t, true);
	assert_false(t->cov.pods[0].kics_flagged);
}

static void test_kics_membership_is_case_insensitive(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_pod(&t->m, "n", "p", NULL);
	p = fx_netpol(&t->m, "n", "pol");
	fx_types(&t->m.netpols.v[p], "egress");
	build(t, true);
	assert_false(t->cov.pods[0].kics_flagged);
}

static void test_kics_non_array_types_contain_nothing(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_pod(&t->m, "n", "p", NULL);
	p = fx_netpol(&t->m, "n", "pol");
	t->m.netpols.v[p].types_raw = NP_RAW_OTHER;
	build(t, true);
	assert_true(t->cov.pods[0].kics_flagged);
}

static void test_kics_null_namespace_matches_by_label_only(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_pod(&t->m, "default", "p", "app=x");
	fx_pod(&t->m, "default", "q", "app=y");
	p = fx_netpol(&t->m, "default", "pol");
	t->m.netpols.v[p].namespace_null = true;
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=x");
	fx_types(&t->m.netpols.v[p], "");
	build(t, true);
	assert_true(t->cov.pods[0].kics_flagged);
	assert_false(t->cov.pods[1].kics_flagged);
}

static void test_kics_ignores_template_pods(void **state)
{
	struct t *t = *state;
	size_t p, tp;

	tp = fx_template(&t->m, "n", "Deployment", "apps", "web", NULL, false);
	p = fx_netpol(&t->m, "n", "pol");
	fx_types(&t->m.netpols.v[p], "");
	build(t, true);
	assert_false(t->cov.pods[tp].kics_flagged);
}

static void test_kics_missing_spec_implies_ingress(void **state)
{
	struct t *t = *state;
	size_t p;

	fx_pod(&t->m, "n", "p", NULL);
	p = fx_netpol(&t->m, "n", "pol");
	t->m.netpols.v[p].spec_present = false;
	t->m.netpols.v[p].types_raw = NP_RAW_ABSENT;
	build(t, true);
	assert_false(t->cov.pods[0].kics_flagged);
}

static void test_release_is_null_safe(void **state)
{
	(void)state;
	np_coverage_release(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_types_absent_without_egress_is_ingress),
		T(test_types_absent_with_empty_egress_list_is_ingress),
		T(test_types_absent_with_egress_rule_adds_egress),
		T(test_types_empty_list_defaults_like_absent),
		T(test_types_egress_only_is_authoritative),
		T(test_types_ingress_only_ignores_egress_rules),
		T(test_types_both),
		T(test_types_non_array_defaults),
		T(test_policy_applies_only_to_its_namespace),
		T(test_selected_lists_policy_refs),
		T(test_label_index_finds_exactly_the_matching_pods),
		T(test_pods_out_of_namespace_order_list_refs_in_policy_order),
		T(test_invalid_pod_selector_selects_nothing),
		T(test_host_network_pods_never_isolated),
		T(test_terminated_pods_are_not_counted),
		T(test_template_pods_are_subjects),
		T(test_idle_templates_only_with_include_idle),
		T(test_excluded_namespace_is_out_of_scope),
		T(test_pod_namespace_without_record),
		T(test_cilium_policy_isolates_its_namespace),
		T(test_cilium_policy_without_rules_isolates_nothing),
		T(test_clusterwide_cilium_covers_all_namespaces),
		T(test_ignored_xpolicy_never_counts),
		T(test_calico_policy_uses_calico_selector),
		T(test_calico_syntax_error_is_undecidable),
		T(test_calico_global_policy_namespace_selector),
		T(test_admin_policy_isolates_only_through_deny_all),
		T(test_baseline_policy_namespace_selector),
		T(test_synthesised_namespace_other_label_is_undecidable),
		T(test_synthesised_namespace_name_label_is_decidable),
		T(test_kics_same_namespace_empty_types_flags),
		T(test_kics_other_namespace_label_match_flags),
		T(test_kics_absent_types_imply_ingress),
		T(test_kics_membership_is_case_insensitive),
		T(test_kics_non_array_types_contain_nothing),
		T(test_kics_null_namespace_matches_by_label_only),
		T(test_kics_ignores_template_pods),
		T(test_kics_missing_spec_implies_ingress),
		cmocka_unit_test(test_release_is_null_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
