/* Controls NP-102, NP-103, NP-201, NP-202, NP-206, NP-208 (DESIGN §5.3), the
 * KICS pod rule under --semantics kics, and a generated cluster checked
 * against an independent hand computation (the oracle below uses none of the
 * analyzer's functions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "analyzer_fixtures.h"

struct t {
	struct np_model m;
	struct np_audit_options opt;
	struct np_report r;
	bool ran;
	const char *ids[16];
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	np_model_init(&t->m);
	np_report_init(&t->r);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	np_report_release(&t->r);
	np_model_release(&t->m);
	free(t);
	return 0;
}

/* Runs the audit with the comma-separated controls selected and returns the first. */
static const struct np_control_result *run(struct t *t, const char *ids)
{
	static char buf[256];
	char *p, *save = NULL;
	size_t i;

	np_report_release(&t->r);
	np_report_init(&t->r);
	snprintf(buf, sizeof(buf), "%s", ids);
	t->opt.n_selected = 0;
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		t->ids[t->opt.n_selected++] = p;
	t->opt.selected = t->ids;
	assert_int_equal(np_audit_run(&t->r, &t->m, &t->opt, NULL), 0);
	for (i = 0; i < t->r.controls.n; i++)
		if (strcmp(t->r.controls.v[i].def->id, t->ids[0]) == 0)
			return &t->r.controls.v[i];
	fail_msg("control %s not in report", t->ids[0]);
	return NULL;
}

static const struct np_finding *finding_named(const struct np_control_result *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->findings.n; i++)
		if (strcmp(c->findings.v[i].name, name) == 0)
			return &c->findings.v[i];
	return NULL;
}

/* ================= NP-102 ================= */

static void test_np102_namespace_without_policy_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const struct np_finding *f;

	fx_ns(&t->m, "shop", NULL);
	fx_ns(&t->m, "covered", NULL);
	fx_pod(&t->m, "shop", "web", NULL);
	fx_netpol(&t->m, "covered", "any");
	c = run(t, "NP-102");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 1);
	f = &c->findings.v[0];
	assert_string_equal(f->kind, "Namespace");
	assert_string_equal(f->name, "shop");
	assert_null(f->namespace);
	assert_int_equal(f->pods, 1);
	assert_string_equal(f->message, "namespace shop has no NetworkPolicy");
	assert_int_equal(c->passing, 1);
	assert_int_equal(c->evaluated, 2);
	assert_string_equal(f->fingerprint, "NP-102//Namespace//shop");
}

static void test_np102_empty_namespace_fails_with_no_pods(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "empty", NULL);
	c = run(t, "NP-102");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.v[0].pods, 0);
	assert_string_equal(c->findings.v[0].message, "namespace empty has no NetworkPolicy (no pods)");
}

static void test_np102_remediation_is_default_deny_with_dns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const char *rem;

	fx_ns(&t->m, "shop", NULL);
	c = run(t, "NP-102");
	rem = c->findings.v[0].remediation;
	assert_non_null(rem);
	assert_non_null(strstr(rem, "kind: NetworkPolicy\n"));
	assert_non_null(strstr(rem, "  namespace: shop\n"));
	assert_non_null(strstr(rem, "  podSelector: {}\n"));
	assert_non_null(strstr(rem, "  - Ingress\n  - Egress\n"));
	assert_non_null(strstr(rem, "kubernetes.io/metadata.name: kube-system"));
	assert_non_null(strstr(rem, "k8s-app: kube-dns"));
	assert_non_null(strstr(rem, "protocol: UDP\n      port: 53"));
	assert_non_null(strstr(rem, "protocol: TCP\n      port: 53"));
	assert_null(strstr(rem, "REVIEW"));
	assert_null(strstr(rem, "  ingress:\n"));
}

static void test_np102_dns_port_from_dns_pods(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t dns;

	fx_ns(&t->m, "shop", NULL);
	fx_ns(&t->m, "kube-system", NULL);
	fx_netpol(&t->m, "kube-system", "x");
	dns = fx_pod(&t->m, "kube-system", "coredns-1", "k8s-app=kube-dns");
	t->m.pods.v[dns].n_ports = 2;
	t->m.pods.v[dns].ports = np_model_alloc(&t->m, 2 * sizeof(struct np_container_port));
	t->m.pods.v[dns].ports[0].name = "dns";
	t->m.pods.v[dns].ports[0].port = 1053;
	t->m.pods.v[dns].ports[0].proto = NP_PROTO_UDP;
	t->m.pods.v[dns].ports[1].name = "dns-tcp";
	t->m.pods.v[dns].ports[1].port = 1054;
	t->m.pods.v[dns].ports[1].proto = NP_PROTO_TCP;
	c = run(t, "NP-102");
	assert_non_null(strstr(c->findings.v[0].remediation, "protocol: UDP\n      port: 1053"));
	assert_non_null(strstr(c->findings.v[0].remediation, "protocol: TCP\n      port: 1054"));
}

static void test_np102_system_namespace_manifest_is_flagged_for_review(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const char *rem;
	size_t p;

	fx_ns(&t->m, "kube-system", NULL);
	p = fx_pod(&t->m, "kube-system", "metrics-server", "k8s-app=metrics-server");
	t->m.pods.v[p].n_ports = 1;
	t->m.pods.v[p].ports = np_model_alloc(&t->m, sizeof(struct np_container_port));
	t->m.pods.v[p].ports[0].port = 4443;
	c = run(t, "NP-102");
	assert_true(c->findings.v[0].system);
	rem = c->findings.v[0].remediation;
	assert_non_null(strstr(rem, "# REVIEW"));
	assert_non_null(strstr(rem, "- namespaceSelector: {}")); /* DNS served to all namespaces */
	assert_non_null(strstr(rem, "port: 6443"));               /* the API server */
	assert_non_null(strstr(rem, "port: 4443"));               /* webhook backend port */
	assert_non_null(strstr(rem, "k8s-app: kube-dns"));
}

static void test_np102_openshift_dns_target(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "app", NULL);
	fx_ns(&t->m, "openshift-dns", NULL);
	fx_netpol(&t->m, "openshift-dns", "x");
	c = run(t, "NP-102");
	assert_non_null(strstr(c->findings.v[0].remediation,
			       "dns.operator.openshift.io/daemonset-dns: default"));
	assert_non_null(strstr(c->findings.v[0].remediation, "port: 5353"));
}

static void test_np102_cilium_and_calico_policies_count(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	fx_ns(&t->m, "b", NULL);
	fx_ns(&t->m, "c", NULL);
	fx_xpolicy(&t->m, NP_XP_CILIUM_NP, "CiliumNetworkPolicy", "a", "cnp");
	fx_xpolicy(&t->m, NP_XP_CALICO_NP, "NetworkPolicy", "b", "cal");
	x = fx_xpolicy(&t->m, NP_XP_CALICO_NP, "StagedNetworkPolicy", "c", "staged");
	t->m.xpolicies.v[x].ignored = true;
	c = run(t, "NP-102");
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].name, "c");
}

static void test_np102_clusterwide_policy_with_empty_selector_covers(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t x;

	fx_ns(&t->m, "a", "team=blue");
	fx_ns(&t->m, "b", "team=red");
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_CCNP, "CiliumClusterwideNetworkPolicy", NULL, "ccnp");
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_ns, "team=blue");
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS;
	c = run(t, "NP-102");
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].name, "b");
}

static void test_np102_clusterwide_policy_with_pod_selector_does_not_cover(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	x = fx_xpolicy(&t->m, NP_XP_CILIUM_CCNP, "CiliumClusterwideNetworkPolicy", NULL, "ccnp");
	t->m.xpolicies.v[x].subject_all_namespaces = true;
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_pods, "app=web");
	t->m.xpolicies.v[x].isolates = NP_DIR_INGRESS;
	c = run(t, "NP-102");
	assert_int_equal(c->status, NP_ST_FAIL);
}

static void test_np102_synthesised_namespace_undecidable_warns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t x;

	fx_ns_synth(&t->m, "a");
	fx_pod(&t->m, "a", "p", NULL);
	x = fx_xpolicy(&t->m, NP_XP_ANP, "AdminNetworkPolicy", NULL, "anp");
	fx_sel_labels(&t->m, &t->m.xpolicies.v[x].subject_ns, "env=prod");
	t->m.xpolicies.v[x].denies_all = NP_DIR_INGRESS;
	c = run(t, "NP-102");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_int_equal(c->findings.v[0].level, NP_ST_WARN);
	assert_non_null(strstr(c->findings.v[0].message, "AdminNetworkPolicy anp"));
}

/* ================= NP-201 ================= */

static void test_np201_ingress_only_default_deny_misses_egress(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const struct np_finding *f;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "x", NULL);
	p = fx_netpol(&t->m, "a", "deny-ingress");
	t->m.netpols.v[p].pod_selector.present = true;
	fx_types(&t->m.netpols.v[p], "Ingress");
	c = run(t, "NP-201");
	assert_int_equal(c->status, NP_ST_FAIL);
	f = &c->findings.v[0];
	assert_int_equal(f->directions, NP_DIR_EGRESS);
	assert_string_equal(f->message, "namespace a has no default-deny for egress");
	assert_string_equal(f->fingerprint, "NP-201//Namespace//a/Egress");
	assert_non_null(strstr(f->remediation, "  name: default-deny-egress\n"));
	assert_non_null(strstr(f->remediation, "  policyTypes:\n  - Egress\n"));
	assert_null(strstr(f->remediation, "  - Ingress\n"));
	assert_non_null(strstr(f->remediation, "k8s-app: kube-dns"));
}

static void test_np201_full_default_deny_passes(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "deny");
	fx_rules(&t->m, p, 0, 0);
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	c = run(t, "NP-201");
	assert_int_equal(c->status, NP_ST_PASS);
	assert_int_equal(c->passing, 1);
}

static void test_np201_egress_dns_only_still_counts(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "deny");
	fx_rules(&t->m, p, -1, 1);
	fx_dns_egress_rule(&t->m, &t->m.netpols.v[p].egress[0]);
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	c = run(t, "NP-201");
	assert_int_equal(c->status, NP_ST_PASS);
}

static void test_np201_egress_rule_other_than_dns_is_not_deny(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "deny");
	fx_rules(&t->m, p, -1, 2);
	fx_dns_egress_rule(&t->m, &t->m.netpols.v[p].egress[0]);
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	c = run(t, "NP-201");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.v[0].directions, NP_DIR_EGRESS);
}

static void test_np201_selector_with_terms_is_not_default_deny(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "deny-web");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=web");
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	c = run(t, "NP-201");
	assert_int_equal(c->findings.v[0].directions, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_string_equal(c->findings.v[0].message,
			    "namespace a has no default-deny for ingress and egress (no pods)");
}

static void test_np201_default_types_with_egress_rules(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	/* policyTypes absent + an allow-all egress rule: Ingress denied, Egress allowed. */
	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "p");
	fx_rules(&t->m, p, -1, 1);
	c = run(t, "NP-201");
	assert_int_equal(c->findings.v[0].directions, NP_DIR_EGRESS);
}

static void test_np201_clusterwide_deny_all_counts(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t x;

	fx_ns(&t->m, "a", NULL);
	x = fx_xpolicy(&t->m, NP_XP_BANP, "BaselineAdminNetworkPolicy", NULL, "default");
	t->m.xpolicies.v[x].subject_all_namespaces = true;
	t->m.xpolicies.v[x].denies_all = NP_DIR_INGRESS | NP_DIR_EGRESS;
	c = run(t, "NP-201");
	assert_int_equal(c->status, NP_ST_PASS);
}

/* ================= NP-103 ================= */

static void test_np103_groups_pods_by_workload(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const struct np_finding *f;
	struct np_workload *w;
	size_t i, p;

	fx_ns(&t->m, "shop", NULL);
	for (i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "web-%zu", i);
		p = fx_pod(&t->m, "shop", name, "app=web");
		fx_top(&t->m, p, "Deployment", "apps", "web");
	}
	fx_pod(&t->m, "shop", "debug", "app=debug");
	w = np_model_push_workload(&t->m);
	w->kind = "Deployment";
	w->api_group = "apps";
	w->namespace = np_model_str(&t->m, "shop");
	w->name = np_model_str(&t->m, "web");
	w->loc.line = 77;
	p = fx_netpol(&t->m, "shop", "ingress-all"); /* ingress only */
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 2);
	f = finding_named(c, "web");
	assert_non_null(f);
	assert_string_equal(f->kind, "Deployment");
	assert_string_equal(f->api_group, "apps");
	assert_int_equal(f->pods, 3);
	assert_int_equal(f->directions, NP_DIR_EGRESS);
	assert_int_equal(f->loc.line, 77);
	assert_string_equal(f->message, "3 pods are not isolated for egress");
	assert_string_equal(f->fingerprint, "NP-103/apps/Deployment/shop/web/Egress");
	f = finding_named(c, "debug");
	assert_string_equal(f->kind, "Pod");
	assert_int_equal(f->pods, 1);
	assert_int_equal(f->loc.line, 4);
	assert_string_equal(c->summary, "2 workloads (4 pods) are not isolated for egress");
	assert_int_equal(c->evaluated, 4);
	assert_int_equal(c->passing, 0);
	(void)p;
}

static void test_np103_template_pod_finding(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "a", NULL);
	fx_template(&t->m, "a", "StatefulSet", "apps", "db", "app=db", false);
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_true(c->findings.v[0].is_template);
	assert_int_equal(c->findings.v[0].pods, 0);
	assert_int_equal(c->findings.v[0].directions, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_string_equal(c->findings.v[0].message,
			    "StatefulSet db (no running pods) is not isolated for ingress and egress");
}

static void test_np103_idle_template_ignored_by_default(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "a", NULL);
	fx_template(&t->m, "a", "Deployment", "apps", "idle", NULL, true);
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_PASS);
	assert_int_equal(c->evaluated, 0);
	t->opt.scope.include_idle = true;
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_FAIL);
}

static void test_np103_host_network_only_passes_zero_of_zero(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_pod(&t->m, "a", "agent", NULL);
	t->m.pods.v[p].host_network = true;
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_PASS);
	assert_int_equal(c->evaluated, 0);
	assert_int_equal(c->passing, 0);
}

static void test_np103_isolated_pods_pass(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "x", NULL);
	p = fx_netpol(&t->m, "a", "deny");
	fx_types(&t->m.netpols.v[p], "Ingress,Egress");
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_PASS);
	assert_int_equal(c->passing, 1);
	assert_int_equal(c->findings.n, 0);
}

static void test_np103_undecidable_direction_warns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t x, p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "x", "app=web");
	p = fx_netpol(&t->m, "a", "ing");
	fx_types(&t->m.netpols.v[p], "Ingress");
	x = fx_xpolicy(&t->m, NP_XP_CALICO_NP, "NetworkPolicy", "a", "broken");
	t->m.xpolicies.v[x].calico_selector = np_model_str(&t->m, "app ==");
	t->m.xpolicies.v[x].isolates = NP_DIR_EGRESS;
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_int_equal(c->findings.v[0].level, NP_ST_WARN);
	assert_int_equal(c->findings.v[0].directions, NP_DIR_EGRESS);
}

static void test_np103_excluded_namespace_not_reported(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "kube-system", NULL);
	fx_pod(&t->m, "kube-system", "x", NULL);
	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "y", NULL);
	t->opt.scope.exclude_system = true;
	c = run(t, "NP-103");
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].namespace, "a");
}

/* ================= KICS pod rule (seed 001 examples) ================= */

/* 001-compliant-1: a {} policy with Ingress and Egress in the pod's namespace. */
static void seed_compliant_1(struct np_model *m)
{
	size_t p;

	fx_pod(m, "negative1", "negative1-pod", NULL);
	p = fx_netpol(m, "negative1", "negative1-policy");
	m->netpols.v[p].pod_selector.present = true;
	fx_types(&m->netpols.v[p], "Ingress,Egress");
}

/* 001-compliant-2: the policy is in another namespace and matches by label. */
static void seed_compliant_2(struct np_model *m)
{
	size_t p;

	fx_pod(m, "negative2-namespace", "negative2-pod", "app=negative2-app");
	p = fx_netpol(m, "negative2-othernamespace", "negative2-policy");
	fx_sel_labels(m, &m->netpols.v[p].pod_selector, "app=negative2-app");
	fx_rules(m, p, -1, 1);
	fx_types(&m->netpols.v[p], "Ingress");
}

/* 001-compliant-3: policyTypes absent, an egress rule. */
static void seed_compliant_3(struct np_model *m)
{
	size_t p;

	fx_pod(m, "negative3", "negative3-pod", NULL);
	p = fx_netpol(m, "negative3", "negative3-netpol");
	m->netpols.v[p].pod_selector.present = true;
	fx_rules(m, p, -1, 1);
}

/* 001-noncompliant-1: policyTypes [] in the pod's namespace. */
static void seed_noncompliant_1(struct np_model *m)
{
	size_t p;

	fx_pod(m, "positive2", "positive2-pod", NULL);
	p = fx_netpol(m, "positive2", "positive2-netpol");
	m->netpols.v[p].pod_selector.present = true;
	fx_types(&m->netpols.v[p], "");
}

/* 001-noncompliant-2: policyTypes [] in another namespace, label match. */
static void seed_noncompliant_2(struct np_model *m)
{
	size_t p;

	fx_pod(m, "positive1-one", "positive1-pod", "app=shouldmatch");
	p = fx_netpol(m, "positive1-anotherone", "positive1-netpol");
	fx_sel_labels(m, &m->netpols.v[p].pod_selector, "app=shouldmatch");
	fx_types(&m->netpols.v[p], "");
}

static enum np_status seed_status(struct t *t, void (*seed)(struct np_model *), bool kics)
{
	np_model_release(&t->m);
	np_model_init(&t->m);
	seed(&t->m);
	t->opt.kics = kics;
	return run(t, "NP-103")->status;
}

static void test_kics_seed_compliant_examples_pass(void **state)
{
	struct t *t = *state;

	assert_int_equal(seed_status(t, seed_compliant_1, true), NP_ST_PASS);
	assert_int_equal(seed_status(t, seed_compliant_2, true), NP_ST_PASS);
	assert_int_equal(seed_status(t, seed_compliant_3, true), NP_ST_PASS);
}

static void test_kics_seed_noncompliant_examples_fail_at_metadata_name(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	assert_int_equal(seed_status(t, seed_noncompliant_1, true), NP_ST_FAIL);
	c = &t->r.controls.v[0];
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].kind, "Pod");
	assert_string_equal(c->findings.v[0].name, "positive2-pod");
	assert_int_equal(c->findings.v[0].loc.line, 4);
	assert_string_equal(c->findings.v[0].message,
			    "Pod positive2-pod has no ingress or egress rules in matching "
			    "NetworkPolicy positive2/positive2-netpol");
	assert_int_equal(seed_status(t, seed_noncompliant_2, true), NP_ST_FAIL);
	c = &t->r.controls.v[0];
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].name, "positive1-pod");
}

static void test_compliant_2_passes_kics_fails_k8s(void **state)
{
	struct t *t = *state;

	assert_int_equal(seed_status(t, seed_compliant_2, true), NP_ST_PASS);
	assert_int_equal(seed_status(t, seed_compliant_2, false), NP_ST_FAIL);
}

static void test_k8s_semantics_on_the_other_seeds(void **state)
{
	struct t *t = *state;

	assert_int_equal(seed_status(t, seed_compliant_1, false), NP_ST_PASS);
	assert_int_equal(seed_status(t, seed_compliant_3, false), NP_ST_PASS);
	/* policyTypes [] defaults to Ingress: egress stays open. */
	assert_int_equal(seed_status(t, seed_noncompliant_1, false), NP_ST_FAIL);
	assert_int_equal(t->r.controls.v[0].findings.v[0].directions, NP_DIR_EGRESS);
	/* The policy is in another namespace: it applies to nothing here. */
	assert_int_equal(seed_status(t, seed_noncompliant_2, false), NP_ST_FAIL);
	assert_int_equal(t->r.controls.v[0].findings.v[0].directions,
			 NP_DIR_INGRESS | NP_DIR_EGRESS);
}

static void test_kics_without_policies_checks_nothing(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_pod(&t->m, "a", "p", NULL);
	t->opt.kics = true;
	c = run(t, "NP-103");
	assert_int_equal(c->status, NP_ST_PASS);
}

/* ================= NP-202 ================= */

static void test_np202_selector_matching_nothing_fails_with_reason(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const struct np_finding *f;
	size_t p;

	fx_ns(&t->m, "shop", NULL);
	fx_pod(&t->m, "shop", "api-1", "app=api");
	p = fx_netpol(&t->m, "shop", "web-policy");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=web");
	t->m.netpols.v[p].pod_selector.line = 25;
	t->m.netpols.v[p].pod_selector.column = 3;
	c = run(t, "NP-202");
	assert_int_equal(c->status, NP_ST_FAIL);
	f = &c->findings.v[0];
	assert_string_equal(f->kind, "NetworkPolicy");
	assert_string_equal(f->api_group, "networking.k8s.io");
	assert_string_equal(f->message, "podSelector app=web matches no pod in namespace shop "
					"(e.g. pod api-1: matchLabels app=web: pod has app=api)");
	assert_int_equal(f->loc.line, 25);
	assert_int_equal(f->loc.column, 3);
	assert_int_equal(f->loc.object_line, 0);
	assert_string_equal(f->loc.file, "policies.yaml");
}

static void test_np202_empty_selector_never_flagged(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "empty", NULL);
	fx_ns(&t->m, "other", NULL);
	fx_pod(&t->m, "other", "x", NULL);
	p = fx_netpol(&t->m, "empty", "deny");
	t->m.netpols.v[p].pod_selector.present = true;
	c = run(t, "NP-202");
	assert_int_equal(c->status, NP_ST_PASS);
	assert_int_equal(c->passing, 1);
}

static void test_np202_host_network_only_warns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p, pod;

	fx_ns(&t->m, "a", NULL);
	pod = fx_pod(&t->m, "a", "agent", "app=agent");
	t->m.pods.v[pod].host_network = true;
	p = fx_netpol(&t->m, "a", "agent");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=agent");
	c = run(t, "NP-202");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_int_equal(c->findings.v[0].level, NP_ST_WARN);
	assert_non_null(strstr(c->findings.v[0].message, "only hostNetwork pods"));
}

static void test_np202_terminated_only_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p, pod;

	fx_ns(&t->m, "a", NULL);
	pod = fx_pod(&t->m, "a", "job-x", "app=job");
	t->m.pods.v[pod].phase = np_model_str(&t->m, "Succeeded");
	p = fx_netpol(&t->m, "a", "job");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=job");
	c = run(t, "NP-202");
	assert_int_equal(c->status, NP_ST_FAIL);
}

static void test_np202_idle_template_counts_as_selected(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_template(&t->m, "a", "CronJob", "batch", "nightly", "app=nightly", true);
	p = fx_netpol(&t->m, "a", "nightly");
	fx_sel_labels(&t->m, &t->m.netpols.v[p].pod_selector, "app=nightly");
	c = run(t, "NP-202");
	assert_int_equal(c->status, NP_ST_PASS);
}

static void test_np202_invalid_selector_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "x", NULL);
	p = fx_netpol(&t->m, "a", "bad");
	t->m.netpols.v[p].pod_selector.present = true;
	t->m.netpols.v[p].pod_selector.invalid = true;
	c = run(t, "NP-202");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_non_null(strstr(c->findings.v[0].message, "invalid"));
}

/* ================= NP-206 ================= */

static void test_np206_lists_non_system_host_network_workloads(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "mon", NULL);
	fx_ns(&t->m, "kube-system", NULL);
	p = fx_pod(&t->m, "mon", "node-exporter-a", NULL);
	t->m.pods.v[p].host_network = true;
	fx_top(&t->m, p, "DaemonSet", "apps", "node-exporter");
	p = fx_pod(&t->m, "mon", "node-exporter-b", NULL);
	t->m.pods.v[p].host_network = true;
	fx_top(&t->m, p, "DaemonSet", "apps", "node-exporter");
	p = fx_pod(&t->m, "kube-system", "kube-proxy-a", NULL);
	t->m.pods.v[p].host_network = true;
	fx_pod(&t->m, "mon", "grafana", NULL);
	c = run(t, "NP-206");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].kind, "DaemonSet");
	assert_int_equal(c->findings.v[0].pods, 2);
	assert_int_equal(c->findings.v[0].level, NP_ST_WARN);
}

static void test_np206_passes_without_host_network(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "a", NULL);
	fx_pod(&t->m, "a", "x", NULL);
	c = run(t, "NP-206");
	assert_int_equal(c->status, NP_ST_PASS);
}

/* ================= NP-208 ================= */

static void add_issue(struct np_model *m, size_t p, enum np_issue_level lvl, const char *msg,
		      int line)
{
	struct np_netpol *np = &m->netpols.v[p];
	struct np_issue *nv = np_model_alloc(m, (np->n_issues + 1) * sizeof(*nv));

	if (np->n_issues)
		memcpy(nv, np->issues, np->n_issues * sizeof(*nv));
	nv[np->n_issues].level = lvl;
	nv[np->n_issues].message = np_model_str(m, msg);
	nv[np->n_issues].line = line;
	nv[np->n_issues].column = 9;
	np->issues = nv;
	np->n_issues++;
}

static void test_np208_invalid_object_fails_with_reasons(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "bad");
	add_issue(&t->m, p, NP_ISSUE_WARN, "spec.egress: ignored, policyTypes omits Egress", 30);
	add_issue(&t->m, p, NP_ISSUE_FAIL, "spec.podSelector.matchExpressions[0]: In without values", 12);
	add_issue(&t->m, p, NP_ISSUE_FAIL, "spec.ingress[0].ports[0].endPort: below port", 18);
	fx_netpol(&t->m, "a", "good");
	c = run(t, "NP-208");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].message,
			    "spec.podSelector.matchExpressions[0]: In without values; "
			    "spec.ingress[0].ports[0].endPort: below port");
	assert_int_equal(c->findings.v[0].loc.line, 12);
	assert_int_equal(c->findings.v[0].loc.column, 9);
	assert_int_equal(c->passing, 1);
	assert_int_equal(c->evaluated, 2);
}

static void test_np208_warnings_only_warn(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	size_t p;

	fx_ns(&t->m, "a", NULL);
	p = fx_netpol(&t->m, "a", "old");
	t->m.netpols.v[p].api_version = np_model_str(&t->m, "extensions/v1beta1");
	add_issue(&t->m, p, NP_ISSUE_WARN, "extensions/v1beta1 is removed", 1);
	c = run(t, "NP-208");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_string_equal(c->findings.v[0].api_group, "extensions");
}

static void test_np208_valid_objects_pass(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	fx_ns(&t->m, "a", NULL);
	fx_netpol(&t->m, "a", "ok");
	c = run(t, "NP-208");
	assert_int_equal(c->status, NP_ST_PASS);
}

/* ================= generated cluster vs. hand computation ================= */

/* The oracle's own picture of the cluster: plain structs, evaluated by the
 * code below (Kubernetes semantics written out again, independently). */
enum { OP_IN, OP_NOTIN, OP_EXISTS, OP_DNE };

struct o_expr {
	const char *key;
	int op;
	const char *vals[2];
	int nv;
};

struct o_sel {
	bool present;
	int nl;
	const char *lk[2], *lv[2];
	int ne;
	struct o_expr e[2];
};

struct o_pol {
	int ns;
	char name[24];
	struct o_sel sel;
	int types; /* -1 absent, else bits written (0 = []) */
	int n_in, n_eg;
	bool eg_dns;
};

struct o_pod {
	int ns;
	char name[24];
	const char *app, *tier, *env;
	bool host, terminated, tmpl, idle, owned;
	char top[24];
};

#define O_NS 6
#define O_MAX_PODS 64
#define O_MAX_POLS 32

struct oracle {
	char ns[O_NS][16];
	struct o_pod pods[O_MAX_PODS];
	int n_pods;
	struct o_pol pols[O_MAX_POLS];
	int n_pols;
};

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *pick(const char *const *v, unsigned n)
{
	return v[rnd(n)];
}

static void o_generate(struct oracle *o, unsigned long long seed)
{
	static const char *const apps[] = { "web", "api", "db" };
	static const char *const tiers[] = { "fe", "be", NULL };
	static const char *const envs[] = { "prod", "dev", NULL };
	static const char *const keys[] = { "app", "tier", "env" };
	int i, j;

	memset(o, 0, sizeof(*o));
	rng_state = seed * 2654435761ULL + 88172645463325252ULL;
	for (i = 0; i < O_NS; i++)
		snprintf(o->ns[i], sizeof(o->ns[i]), "ns%d", i);
	for (i = 0; i < O_NS; i++) {
		int np = (int)rnd(6);

		for (j = 0; j < np && o->n_pods < O_MAX_PODS; j++) {
			struct o_pod *p = &o->pods[o->n_pods];

			p->ns = i;
			snprintf(p->name, sizeof(p->name), "p%d", o->n_pods);
			p->app = pick(apps, 3);
			p->tier = pick(tiers, 3);
			p->env = pick(envs, 3);
			p->host = rnd(10) == 0;
			p->terminated = !p->host && rnd(12) == 0;
			p->tmpl = !p->host && !p->terminated && rnd(10) == 0;
			p->idle = p->tmpl && rnd(2) == 0;
			p->owned = p->tmpl || rnd(10) < 7;
			if (p->tmpl)
				snprintf(p->top, sizeof(p->top), "tmpl%d", o->n_pods);
			else if (p->owned)
				snprintf(p->top, sizeof(p->top), "dep-%s", p->app);
			o->n_pods++;
		}
		np = (int)rnd(4);
		for (j = 0; j < np && o->n_pols < O_MAX_POLS; j++) {
			struct o_pol *q = &o->pols[o->n_pols];
			unsigned kind = rnd(6);

			q->ns = i;
			snprintf(q->name, sizeof(q->name), "pol%d", o->n_pols);
			q->sel.present = rnd(4) != 0;
			if (kind >= 2) {
				q->sel.nl = kind == 2 ? 1 : 0;
				q->sel.lk[0] = "app";
				q->sel.lv[0] = pick(apps, 3);
				if (kind >= 3) {
					struct o_expr *e = &q->sel.e[q->sel.ne++];

					e->key = pick(keys, 3);
					e->op = (int)rnd(4);
					if (e->op == OP_IN || e->op == OP_NOTIN) {
						e->vals[0] = strcmp(e->key, "app") == 0 ? pick(apps, 3) :
							     strcmp(e->key, "tier") == 0 ? "fe" : "prod";
						e->nv = 1;
					}
					q->sel.present = true;
				}
				if (kind == 2)
					q->sel.present = true;
			}
			q->types = rnd(5) == 0 ? -1 : (int)rnd(4);
			if (q->types == 0 && rnd(2))
				q->types = -1;
			q->n_in = (int)rnd(3) - 1;
			q->n_eg = (int)rnd(3) - 1;
			q->eg_dns = q->n_eg == 1 && rnd(2);
			o->n_pols++;
		}
	}
}

static const char *o_label(const struct o_pod *p, const char *key)
{
	if (strcmp(key, "app") == 0)
		return p->app;
	if (strcmp(key, "tier") == 0)
		return p->tier;
	if (strcmp(key, "env") == 0)
		return p->env;
	return NULL;
}

static bool o_sel_empty(const struct o_sel *s)
{
	return s->nl == 0 && s->ne == 0;
}

static bool o_matches(const struct o_sel *s, const struct o_pod *p)
{
	int i, k;

	for (i = 0; i < s->nl; i++) {
		const char *v = o_label(p, s->lk[i]);

		if (!v || strcmp(v, s->lv[i]) != 0)
			return false;
	}
	for (i = 0; i < s->ne; i++) {
		const struct o_expr *e = &s->e[i];
		const char *v = o_label(p, e->key);
		bool in = false;

		for (k = 0; k < e->nv; k++)
			if (v && strcmp(v, e->vals[k]) == 0)
				in = true;
		if ((e->op == OP_IN && !in) || (e->op == OP_NOTIN && in) ||
		    (e->op == OP_EXISTS && !v) || (e->op == OP_DNE && v))
			return false;
	}
	return true;
}

static unsigned o_types(const struct o_pol *q)
{
	if (q->types > 0)
		return (unsigned)q->types;
	return NP_DIR_INGRESS | (q->n_eg > 0 ? NP_DIR_EGRESS : 0);
}

static void o_to_model(const struct oracle *o, struct np_model *m)
{
	char labels[96];
	int i, k;

	for (i = 0; i < O_NS; i++)
		fx_ns(m, o->ns[i], NULL);
	for (i = 0; i < o->n_pods; i++) {
		const struct o_pod *p = &o->pods[i];
		size_t idx;
		int n = 0;

		labels[0] = '\0';
		n += snprintf(labels + n, sizeof(labels) - (size_t)n, "app=%s", p->app);
		if (p->tier)
			n += snprintf(labels + n, sizeof(labels) - (size_t)n, ",tier=%s", p->tier);
		if (p->env)
			snprintf(labels + n, sizeof(labels) - (size_t)n, ",env=%s", p->env);
		if (p->tmpl) {
			idx = fx_template(m, o->ns[p->ns], "Deployment", "apps", p->top, labels, p->idle);
		} else {
			idx = fx_pod(m, o->ns[p->ns], p->name, labels);
			if (p->owned)
				fx_top(m, idx, "Deployment", "apps", p->top);
		}
		m->pods.v[idx].host_network = p->host;
		if (p->terminated)
			m->pods.v[idx].phase = np_model_str(m, "Failed");
	}
	for (i = 0; i < o->n_pols; i++) {
		const struct o_pol *q = &o->pols[i];
		size_t idx = fx_netpol(m, o->ns[q->ns], q->name);
		struct np_selector *s = &m->netpols.v[idx].pod_selector;
		static const enum np_sel_op ops[] = { NP_SEL_IN, NP_SEL_NOTIN, NP_SEL_EXISTS,
						      NP_SEL_DOESNOTEXIST };

		s->present = q->sel.present;
		if (q->sel.nl) {
			char kv[32];

			snprintf(kv, sizeof(kv), "%s=%s", q->sel.lk[0], q->sel.lv[0]);
			fx_sel_labels(m, s, kv);
		}
		for (k = 0; k < q->sel.ne; k++)
			fx_sel_expr(m, s, q->sel.e[k].key, ops[q->sel.e[k].op],
				    q->sel.e[k].nv ? q->sel.e[k].vals[0] : NULL);
		fx_rules(m, idx, q->n_in, q->n_eg);
		if (q->eg_dns)
			fx_dns_egress_rule(m, &m->netpols.v[idx].egress[0]);
		if (q->types >= 0) {
			const char *names[] = { "", "Ingress", "Egress", "Ingress,Egress" };

			fx_types(&m->netpols.v[idx], names[q->types]);
		}
	}
}

static int str_cmp_qsort(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted "key" lines of a control's findings vs. the oracle's. */
struct lines {
	char *v[128];
	int n;
};

static void lines_add(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lines_add(struct lines *l, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(l->n < 128);
	l->v[l->n++] = strdup(buf);
}

static void lines_check(struct lines *want, struct lines *got, unsigned long long seed,
			const char *what)
{
	int i;

	qsort(want->v, (size_t)want->n, sizeof(char *), str_cmp_qsort);
	qsort(got->v, (size_t)got->n, sizeof(char *), str_cmp_qsort);
	if (want->n != got->n)
		fail_msg("seed %llu %s: %d findings, oracle %d", seed, what, got->n, want->n);
	for (i = 0; i < want->n; i++)
		if (strcmp(want->v[i], got->v[i]) != 0)
			fail_msg("seed %llu %s: got %s, oracle %s", seed, what, got->v[i], want->v[i]);
	for (i = 0; i < want->n; i++)
		free(want->v[i]);
	for (i = 0; i < got->n; i++)
		free(got->v[i]);
	want->n = got->n = 0;
}

static const struct np_control_result *find_control(struct np_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->controls.n; i++)
		if (strcmp(r->controls.v[i].def->id, id) == 0)
			return &r->controls.v[i];
	return NULL;
}

static void oracle_check(struct t *t, unsigned long long seed)
{
	struct oracle o;
	struct lines want = { 0 }, got = { 0 };
	const struct np_control_result *c;
	size_t i;
	int a, b;

	o_generate(&o, seed);
	np_model_release(&t->m);
	np_model_init(&t->m);
	np_report_release(&t->r);
	np_report_init(&t->r);
	memset(&t->opt, 0, sizeof(t->opt));
	o_to_model(&o, &t->m);
	run(t, "NP-102,NP-103,NP-201,NP-202");

	/* NP-102: namespaces without any policy. */
	for (a = 0; a < O_NS; a++) {
		bool has = false;

		for (b = 0; b < o.n_pols; b++)
			has |= o.pols[b].ns == a;
		if (!has)
			lines_add(&want, "%s", o.ns[a]);
	}
	c = find_control(&t->r, "NP-102");
	for (i = 0; i < c->findings.n; i++)
		lines_add(&got, "%s", c->findings.v[i].name);
	assert_int_equal(c->status, want.n ? NP_ST_FAIL : NP_ST_PASS);
	lines_check(&want, &got, seed, "NP-102");

	/* NP-201: per namespace, directions without a default-deny. */
	for (a = 0; a < O_NS; a++) {
		unsigned have = 0, miss;

		for (b = 0; b < o.n_pols; b++) {
			const struct o_pol *q = &o.pols[b];
			unsigned ty = o_types(q);

			if (q->ns != a || !o_sel_empty(&q->sel))
				continue;
			if ((ty & NP_DIR_INGRESS) && q->n_in <= 0)
				have |= NP_DIR_INGRESS;
			if ((ty & NP_DIR_EGRESS) && (q->n_eg <= 0 || q->eg_dns))
				have |= NP_DIR_EGRESS;
		}
		miss = 3u & ~have;
		if (miss)
			lines_add(&want, "%s %u", o.ns[a], miss);
	}
	c = find_control(&t->r, "NP-201");
	for (i = 0; i < c->findings.n; i++)
		lines_add(&got, "%s %u", c->findings.v[i].name, c->findings.v[i].directions);
	assert_int_equal(c->status, want.n ? NP_ST_FAIL : NP_ST_PASS);
	lines_check(&want, &got, seed, "NP-201");

	/* NP-103: counted, non-hostNetwork pods and non-idle templates, grouped by
	 * (workload, missing directions). */
	{
		struct grp {
			char key[96];
			int real, tmpl;
		} g[O_MAX_PODS];
		int ng = 0, k;
		long long evaluated = 0, passing = 0;

		for (a = 0; a < o.n_pods; a++) {
			const struct o_pod *p = &o.pods[a];
			unsigned got_dirs = 0, miss;
			char key[96];

			if (p->host || p->terminated || (p->tmpl && p->idle))
				continue;
			evaluated++;
			for (b = 0; b < o.n_pols; b++)
				if (o.pols[b].ns == p->ns && o_matches(&o.pols[b].sel, p))
					got_dirs |= o_types(&o.pols[b]);
			miss = 3u & ~got_dirs;
			if (!miss) {
				passing++;
				continue;
			}
			snprintf(key, sizeof(key), "%s %s %s %u", o.ns[p->ns],
				 p->owned ? "Deployment" : "Pod", p->owned ? p->top : p->name, miss);
			for (k = 0; k < ng && strcmp(g[k].key, key) != 0; k++)
				;
			if (k == ng) {
				snprintf(g[ng].key, sizeof(g[ng].key), "%s", key);
				g[ng].real = g[ng].tmpl = 0;
				ng++;
			}
			if (p->tmpl)
				g[k].tmpl++;
			else
				g[k].real++;
		}
		for (k = 0; k < ng; k++)
			lines_add(&want, "%s pods=%d tmpl=%d", g[k].key, g[k].real,
				  g[k].real == 0 && g[k].tmpl > 0);
		c = find_control(&t->r, "NP-103");
		for (i = 0; i < c->findings.n; i++) {
			const struct np_finding *f = &c->findings.v[i];

			assert_int_equal(f->level, NP_ST_FAIL);
			lines_add(&got, "%s %s %s %u pods=%lld tmpl=%d", f->namespace, f->kind, f->name,
				  f->directions, f->pods, f->is_template);
		}
		assert_int_equal(c->evaluated, evaluated);
		assert_int_equal(c->passing, passing);
		assert_int_equal(c->status, want.n ? NP_ST_FAIL : NP_ST_PASS);
		lines_check(&want, &got, seed, "NP-103");
	}

	/* NP-202: non-empty selectors matching no counted pod or template of the namespace. */
	for (b = 0; b < o.n_pols; b++) {
		const struct o_pol *q = &o.pols[b];
		int sel = 0, host = 0;

		if (o_sel_empty(&q->sel))
			continue;
		for (a = 0; a < o.n_pods; a++) {
			const struct o_pod *p = &o.pods[a];

			if (p->ns != q->ns || p->terminated || !o_matches(&q->sel, p))
				continue;
			if (p->host)
				host++;
			else
				sel++;
		}
		if (!sel)
			lines_add(&want, "%s %s %s", o.ns[q->ns], q->name, host ? "WARN" : "FAIL");
	}
	c = find_control(&t->r, "NP-202");
	for (i = 0; i < c->findings.n; i++)
		lines_add(&got, "%s %s %s", c->findings.v[i].namespace, c->findings.v[i].name,
			  np_status_name(c->findings.v[i].level));
	lines_check(&want, &got, seed, "NP-202");
}

static void test_generated_clusters_match_hand_computation(void **state)
{
	struct t *t = *state;
	unsigned long long seed;

	for (seed = 1; seed <= 300; seed++)
		oracle_check(t, seed);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_np102_namespace_without_policy_fails),
		T(test_np102_empty_namespace_fails_with_no_pods),
		T(test_np102_remediation_is_default_deny_with_dns),
		T(test_np102_dns_port_from_dns_pods),
		T(test_np102_system_namespace_manifest_is_flagged_for_review),
		T(test_np102_openshift_dns_target),
		T(test_np102_cilium_and_calico_policies_count),
		T(test_np102_clusterwide_policy_with_empty_selector_covers),
		T(test_np102_clusterwide_policy_with_pod_selector_does_not_cover),
		T(test_np102_synthesised_namespace_undecidable_warns),
		T(test_np201_ingress_only_default_deny_misses_egress),
		T(test_np201_full_default_deny_passes),
		T(test_np201_egress_dns_only_still_counts),
		T(test_np201_egress_rule_other_than_dns_is_not_deny),
		T(test_np201_selector_with_terms_is_not_default_deny),
		T(test_np201_default_types_with_egress_rules),
		T(test_np201_clusterwide_deny_all_counts),
		T(test_np103_groups_pods_by_workload),
		T(test_np103_template_pod_finding),
		T(test_np103_idle_template_ignored_by_default),
		T(test_np103_host_network_only_passes_zero_of_zero),
		T(test_np103_isolated_pods_pass),
		T(test_np103_undecidable_direction_warns),
		T(test_np103_excluded_namespace_not_reported),
		T(test_kics_seed_compliant_examples_pass),
		T(test_kics_seed_noncompliant_examples_fail_at_metadata_name),
		T(test_compliant_2_passes_kics_fails_k8s),
		T(test_k8s_semantics_on_the_other_seeds),
		T(test_kics_without_policies_checks_nothing),
		T(test_np202_selector_matching_nothing_fails_with_reason),
		T(test_np202_empty_selector_never_flagged),
		T(test_np202_host_network_only_warns),
		T(test_np202_terminated_only_fails),
		T(test_np202_idle_template_counts_as_selected),
		T(test_np202_invalid_selector_fails),
		T(test_np206_lists_non_system_host_network_workloads),
		T(test_np206_passes_without_host_network),
		T(test_np208_invalid_object_fails_with_reasons),
		T(test_np208_warnings_only_warn),
		T(test_np208_valid_objects_pass),
		T(test_generated_clusters_match_hand_computation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
