/* Rule controls NP-203, NP-204, NP-205 and NP-207 (DESIGN §5.3), run through
 * np_audit_run on models decoded from YAML held in the tests, including the
 * missing-data ERROR and vacuous-input SKIP rules of §5.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "netpol/snapshot.h"

struct t {
	struct np_model m;
	struct np_audit_options opt;
	struct np_report r;
	const char *ids[1];
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

static void load(struct t *t, const char *yaml)
{
	struct np_error err;

	memset(&err, 0, sizeof(err));
	if (np_decode_buffer(&t->m, yaml, strlen(yaml), "t.yaml", NULL, NULL, NULL, &err) != 0)
		fail_msg("decode: %s", err.msg);
	assert_int_equal(np_model_finish(&t->m, &err), 0);
	t->m.has_generic_input = true;
}

static const struct np_control_result *run(struct t *t, const char *id)
{
	size_t i;

	np_report_release(&t->r);
	np_report_init(&t->r);
	t->ids[0] = id;
	t->opt.selected = t->ids;
	t->opt.n_selected = 1;
	assert_int_equal(np_audit_run(&t->r, &t->m, &t->opt, NULL), 0);
	for (i = 0; i < t->r.controls.n; i++)
		if (strcmp(t->r.controls.v[i].def->id, id) == 0)
			return &t->r.controls.v[i];
	fail_msg("control %s not in report", id);
	return NULL;
}

static const struct np_finding *finding_with(const struct np_control_result *c, const char *text)
{
	size_t i;

	for (i = 0; i < c->findings.n; i++)
		if (c->findings.v[i].message && strstr(c->findings.v[i].message, text))
			return &c->findings.v[i];
	return NULL;
}

#define NS(n) "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " n "\n  labels: {team: " n "}\n---\n"
#define POD(ns, n, labels)                                                                  \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: " n "\n  namespace: " ns "\n  labels: " \
	labels "\nspec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 8080}\n---\n"
#define NETPOL(ns, name, spec)                                                                 \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " name           \
	", namespace: " ns "}\nspec:\n" spec "---\n"

#define SHOP NS("shop") NS("infra") POD("shop", "web", "{app: web}") \
	POD("shop", "db", "{app: db}") POD("infra", "mon", "{app: mon}")

/* ================= NP-203 ================= */

static void test_np203_pod_selector_matching_nothing_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;
	const struct np_finding *f;

	load(t, SHOP);
	load(t, NETPOL("shop", "db", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		       "    - podSelector: {matchLabels: {app: wbe}}\n    - podSelector: {matchLabels: "
		       "{app: web}}\n"));
	c = run(t, "NP-203");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 1);
	f = finding_with(c, "spec.ingress[0].from[0]");
	assert_non_null(f);
	assert_non_null(strstr(f->message, "app=wbe"));
	assert_string_equal(f->name, "db");
	assert_int_equal(c->evaluated, 2);
	assert_int_equal(c->passing, 1);
	assert_true(f->loc.line > 0);
}

static void test_np203_namespace_selector_matching_no_namespace_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	load(t, NETPOL("shop", "db", "  podSelector: {}\n  egress:\n  - to:\n"
		       "    - namespaceSelector: {matchLabels: {team: monitoring}}\n"));
	c = run(t, "NP-203");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_non_null(finding_with(c, "matches no namespace"));
}

static void test_np203_cross_namespace_peer_passes(void **state)
{
	struct t *t = *state;

	load(t, SHOP);
	load(t, NETPOL("shop", "db", "  podSelector: {}\n  ingress:\n  - from:\n"
		       "    - namespaceSelector: {matchLabels: {team: infra}}\n"
		       "      podSelector: {matchLabels: {app: mon}}\n"));
	assert_int_equal(run(t, "NP-203")->status, NP_ST_PASS);
}

static void test_np203_template_pods_count(void **state)
{
	struct t *t = *state;

	load(t, NS("shop")
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker, namespace: shop}\nspec:\n"
		"  template:\n    metadata: {labels: {app: worker}}\n    spec: {containers: [{name: c}]}\n---\n"
		NETPOL("shop", "p", "  podSelector: {}\n  ingress:\n  - from:\n"
		       "    - podSelector: {matchLabels: {app: worker}}\n"));
	assert_int_equal(run(t, "NP-203")->status, NP_ST_PASS);
}

static void test_np203_undecidable_namespace_warns(void **state)
{
	struct t *t = *state;

	/* ghost has pods but no Namespace object: only its name label is known. */
	load(t, SHOP);
	load(t, POD("ghost", "x", "{app: x}")
		NETPOL("shop", "p", "  podSelector: {}\n  ingress:\n  - from:\n"
		       "    - namespaceSelector: {matchLabels: {team: ghost}}\n"));
	assert_int_equal(run(t, "NP-203")->status, NP_ST_WARN);
}

static void test_np203_host_network_only_warns(void **state)
{
	struct t *t = *state;

	load(t, NS("shop") "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: shop, "
		"labels: {app: agent}}\nspec:\n  hostNetwork: true\n  containers: [{name: c}]\n---\n"
		NETPOL("shop", "p", "  podSelector: {}\n  ingress:\n  - from:\n"
		       "    - podSelector: {matchLabels: {app: agent}}\n"));
	assert_int_equal(run(t, "NP-203")->status, NP_ST_WARN);
}

/* ================= NP-204 ================= */

static void test_np204_empty_rule_on_isolated_pod_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	load(t, NETPOL("shop", "open", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - {}\n"));
	c = run(t, "NP-204");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 1);
	assert_string_equal(c->findings.v[0].name, "db");
	assert_int_equal(c->findings.v[0].directions, NP_DIR_INGRESS);
	assert_non_null(strstr(c->findings.v[0].message, "open"));
}

static void test_np204_all_namespaces_and_all_addresses_fail(void **state)
{
	struct t *t = *state;

	load(t, SHOP);
	load(t, NETPOL("shop", "open", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - to:\n    - namespaceSelector: {}\n  - to:\n"
		       "    - ipBlock: {cidr: 0.0.0.0/1}\n    - ipBlock: {cidr: 128.0.0.0/1}\n"));
	assert_int_equal(run(t, "NP-204")->status, NP_ST_FAIL);
}

static void test_np204_some_ports_only_passes_or_warns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	/* Every namespace, but not every address: a WARN on the rule, no FAIL. */
	load(t, NETPOL("shop", "wide", "  podSelector: {}\n  ingress:\n  - from:\n"
		       "    - namespaceSelector: {}\n"));
	c = run(t, "NP-204");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_non_null(finding_with(c, "namespaceSelector: {}"));
	assert_string_equal(c->findings.v[0].kind, "NetworkPolicy");
}

static void test_np204_narrow_rules_pass(void **state)
{
	struct t *t = *state;

	load(t, SHOP);
	load(t, NETPOL("shop", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		       "    - podSelector: {matchLabels: {app: web}}\n    ports: [{port: 5432}]\n"));
	assert_int_equal(run(t, "NP-204")->status, NP_ST_PASS);
}

static void test_np204_union_of_port_halves_is_everything(void **state)
{
	struct t *t = *state;

	load(t, SHOP);
	load(t, NETPOL("shop", "a", "  podSelector: {}\n  ingress:\n  - ports:\n"
		       "    - {protocol: TCP, port: 1, endPort: 40000}\n    - {protocol: UDP}\n"
		       "    - {protocol: SCTP}\n")
		NETPOL("shop", "b", "  podSelector: {}\n  ingress:\n  - ports:\n"
		       "    - {protocol: TCP, port: 40001, endPort: 65535}\n"));
	assert_int_equal(run(t, "NP-204")->status, NP_ST_FAIL);
}

/* ================= NP-205 ================= */

#define DNS_PODS                                                                               \
	NS("kube-system")                                                                      \
	"apiVersion: v1\nkind: Pod\nmetadata: {name: coredns-1, namespace: kube-system, labels: " \
	"{k8s-app: kube-dns}}\nspec:\n  containers:\n  - name: c\n    ports:\n"                 \
	"    - {name: dns, containerPort: 1053, protocol: UDP}\n"                              \
	"    - {name: dns-tcp, containerPort: 1053, protocol: TCP}\n---\n"

static void test_np205_egress_deny_without_dns_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP DNS_PODS);
	load(t, NETPOL("shop", "deny", "  podSelector: {}\n  policyTypes: [Egress]\n"));
	c = run(t, "NP-205");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 2);
	assert_non_null(strstr(c->findings.v[0].message, "1053"));
	assert_non_null(c->findings.v[0].remediation);
	assert_non_null(strstr(c->findings.v[0].remediation, "kind: NetworkPolicy"));
}

static void test_np205_dns_rule_to_the_dns_pods_port_passes(void **state)
{
	struct t *t = *state;

	load(t, SHOP DNS_PODS);
	load(t, NETPOL("shop", "deny", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "
		       "kube-system}}\n      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
		       "    ports: [{port: 1053, protocol: UDP}, {port: 1053, protocol: TCP}]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_PASS);
}

static void test_np205_port_53_misses_a_dns_pod_on_1053(void **state)
{
	struct t *t = *state;

	/* NetworkPolicy sees the pod port, not the Service port. */
	load(t, SHOP DNS_PODS);
	load(t, NETPOL("shop", "deny", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_FAIL);
}

static void test_np205_udp_without_tcp_warns(void **state)
{
	struct t *t = *state;

	load(t, SHOP DNS_PODS);
	load(t, NETPOL("shop", "deny", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - ports: [{port: dns, protocol: UDP}]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_WARN);
}

static void test_np205_without_dns_pods_rule_to_kube_system_passes(void **state)
{
	struct t *t = *state;

	load(t, SHOP);
	load(t, NETPOL("shop", "deny", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "
		       "kube-system}}\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_PASS);
}

static void test_np205_without_dns_pods_or_rule_warns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	load(t, NETPOL("shop", "deny", "  podSelector: {}\n  policyTypes: [Egress]\n"));
	c = run(t, "NP-205");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_non_null(finding_with(c, "DNS pods not in input"));
}

static void test_np205_pods_not_egress_isolated_pass(void **state)
{
	struct t *t = *state;

	load(t, SHOP DNS_PODS);
	load(t, NETPOL("shop", "deny-in", "  podSelector: {}\n  policyTypes: [Ingress]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_PASS);
}

#define DNS_SVC                                                                                 \
	"apiVersion: v1\nkind: Service\nmetadata: {name: kube-dns, namespace: kube-system}\nspec:\n" \
	"  clusterIP: 10.96.0.10\n  selector: {k8s-app: kube-dns}\n  ports:\n"                   \
	"  - {name: dns, port: 53, protocol: UDP, targetPort: 1053}\n"                              \
	"  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 1053}\n---\n"
#define EGRESS_TO_CLUSTER_IP                                                                  \
	NETPOL("shop", "dns-by-ip", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"     \
	       "  - to: [{ipBlock: {cidr: 10.96.0.10/32}}]\n"                                       \
	       "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n")

static void test_np205_ipblock_to_the_dns_cluster_ip_warns(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	/* The ClusterIP is translated to a pod IP before policy applies. */
	load(t, SHOP DNS_PODS DNS_SVC EGRESS_TO_CLUSTER_IP);
	c = run(t, "NP-205");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_int_equal(c->findings.n, 2);
	assert_non_null(finding_with(c, "NetworkPolicy sees the backend pod IP, not the ClusterIP"));
	assert_non_null(finding_with(c, "10.96.0.10"));
}

static void test_np205_cluster_ip_without_dns_pods_warns_about_the_cluster_ip(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP DNS_SVC EGRESS_TO_CLUSTER_IP);
	c = run(t, "NP-205");
	assert_int_equal(c->status, NP_ST_WARN);
	assert_non_null(finding_with(c, "not the ClusterIP"));
}

static void test_np205_ipblock_to_another_address_still_fails(void **state)
{
	struct t *t = *state;

	load(t, SHOP DNS_PODS DNS_SVC);
	load(t, NETPOL("shop", "dns-elsewhere", "  podSelector: {}\n  policyTypes: [Egress]\n"
		       "  egress:\n  - to: [{ipBlock: {cidr: 10.96.0.11/32}}]\n"
		       "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_FAIL);
}

static void test_np205_node_local_dns_address_passes(void **state)
{
	struct t *t = *state;

	load(t, SHOP DNS_PODS);
	load(t, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: node-local-dns, namespace: "
		"kube-system}\nspec:\n  template:\n    metadata: {labels: {k8s-app: node-local-dns}}\n"
		"    spec:\n      hostNetwork: true\n      containers:\n      - name: node-cache\n"
		"        args: [-localip, '169.254.20.10,10.96.0.10', -conf, /etc/Corefile]\n---\n");
	load(t, NETPOL("shop", "dns-local", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - to: [{ipBlock: {cidr: 169.254.20.10/32}}]\n"
		       "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n"));
	assert_int_equal(run(t, "NP-205")->status, NP_ST_PASS);
}

/* ================= NP-207 ================= */

static void test_np207_named_port_resolving_passes(void **state)
{
	struct t *t = *state;

	load(t, SHOP);
	load(t, NETPOL("shop", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
		       "  - ports: [{port: http}]\n"));
	assert_int_equal(run(t, "NP-207")->status, NP_ST_PASS);
}

static void test_np207_unknown_name_or_wrong_protocol_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	load(t, NETPOL("shop", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n"
		       "  - ports: [{port: htp}, {port: http, protocol: UDP}]\n"));
	c = run(t, "NP-207");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_int_equal(c->findings.n, 2);
	assert_non_null(finding_with(c, "spec.ingress[0].ports[0]"));
	assert_non_null(finding_with(c, "\"http\" (UDP)"));
	assert_true(strcmp(c->findings.v[0].fingerprint, c->findings.v[1].fingerprint) != 0);
}

static void test_np207_egress_resolves_on_peer_pods(void **state)
{
	struct t *t = *state;

	load(t, SHOP "apiVersion: v1\nkind: Pod\nmetadata: {name: plain, namespace: shop, labels: "
		"{app: plain}}\nspec:\n  containers: [{name: c}]\n---\n");
	load(t, NETPOL("shop", "p", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - to: [{podSelector: {matchLabels: {app: plain}}}]\n    ports: [{port: http}]\n"
		       "  - to: [{podSelector: {matchLabels: {app: db}}}]\n    ports: [{port: http}]\n"));
	assert_int_equal(run(t, "NP-207")->findings.n, 1);
}

static void test_np207_named_port_with_ipblock_only_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	load(t, NETPOL("shop", "p", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n"
		       "  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n    ports: [{port: http}]\n"));
	c = run(t, "NP-207");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_non_null(finding_with(c, "ipBlock"));
}

static void test_np207_admin_named_port_unmatched_fails(void **state)
{
	struct t *t = *state;
	const struct np_control_result *c;

	load(t, SHOP);
	load(t, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
		"metadata: {name: anp}\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n"
		"    ports: [{namedPort: no-web}]\n");
	c = run(t, "NP-207");
	assert_int_equal(c->status, NP_ST_FAIL);
	assert_string_equal(c->findings.v[0].kind, "AdminNetworkPolicy");
}

/* ================= missing data and vacuous inputs ================= */

static void test_rule_controls_error_when_pods_not_collected(void **state)
{
	struct t *t = *state;
	static const char *const ids[] = { "NP-203", "NP-204", "NP-205", "NP-207" };
	size_t i;

	load(t, SHOP);
	load(t, NETPOL("shop", "p", "  podSelector: {}\n  policyTypes: [Egress]\n"));
	np_model_set_avail(&t->m, NP_RES_PODS, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected",
			   "pods not in the bundle", "bundle");
	for (i = 0; i < 4; i++)
		assert_int_equal(run(t, ids[i])->status, NP_ST_ERROR);
}

static void test_rule_controls_skip_without_pods(void **state)
{
	struct t *t = *state;
	static const char *const ids[] = { "NP-203", "NP-204", "NP-205", "NP-207" };
	size_t i;

	load(t, NS("shop") NETPOL("shop", "p", "  podSelector: {}\n  ingress:\n  - from:\n"
				  "    - podSelector: {matchLabels: {app: x}}\n"));
	for (i = 0; i < 4; i++)
		assert_int_equal(run(t, ids[i])->status, NP_ST_SKIP);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_np203_pod_selector_matching_nothing_fails),
		T(test_np203_namespace_selector_matching_no_namespace_fails),
		T(test_np203_cross_namespace_peer_passes),
		T(test_np203_template_pods_count),
		T(test_np203_undecidable_namespace_warns),
		T(test_np203_host_network_only_warns),
		T(test_np204_empty_rule_on_isolated_pod_fails),
		T(test_np204_all_namespaces_and_all_addresses_fail),
		T(test_np204_some_ports_only_passes_or_warns),
		T(test_np204_narrow_rules_pass),
		T(test_np204_union_of_port_halves_is_everything),
		T(test_np205_egress_deny_without_dns_fails),
		T(test_np205_dns_rule_to_the_dns_pods_port_passes),
		T(test_np205_port_53_misses_a_dns_pod_on_1053),
		T(test_np205_udp_without_tcp_warns),
		T(test_np205_without_dns_pods_rule_to_kube_system_passes),
		T(test_np205_without_dns_pods_or_rule_warns),
		T(test_np205_pods_not_egress_isolated_pass),
		T(test_np205_ipblock_to_the_dns_cluster_ip_warns),
		T(test_np205_cluster_ip_without_dns_pods_warns_about_the_cluster_ip),
		T(test_np205_ipblock_to_another_address_still_fails),
		T(test_np205_node_local_dns_address_passes),
		T(test_np207_named_port_resolving_passes),
		T(test_np207_unknown_name_or_wrong_protocol_fails),
		T(test_np207_egress_resolves_on_peer_pods),
		T(test_np207_named_port_with_ipblock_only_fails),
		T(test_np207_admin_named_port_unmatched_fails),
		T(test_rule_controls_error_when_pods_not_collected),
		T(test_rule_controls_skip_without_pods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
