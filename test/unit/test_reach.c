/* The reachability engine (analyzer/reach.c, reach_build.c): NetworkPolicy
 * rule semantics, the Admin/NetworkPolicy/Baseline tiers, external address
 * intervals, hostNetwork and ipBlock choices, equivalence classes, workload
 * nodes, explain steps and exposure (DESIGN §4, §7). Models are decoded from
 * YAML text held in the tests (no files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/model.h"
#include "netpol/reach.h"
#include "netpol/snapshot.h"

struct t {
	struct np_model m;
	struct np_reach *r;
	char buf[512];
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

	np_reach_free(t->r);
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
}

static void build_opt(struct t *t, const struct np_reach_options *o)
{
	struct np_error err;

	memset(&err, 0, sizeof(err));
	np_reach_free(t->r);
	t->r = NULL;
	if (np_reach_new(&t->r, &t->m, o, &err) != 0)
		fail_msg("reach: %s", err.msg);
}

static void build(struct t *t)
{
	struct np_reach_options o;

	np_reach_options_default(&o);
	build_opt(t, &o);
}

static size_t node(struct t *t, const char *label)
{
	size_t i;

	for (i = 0; i < np_reach_n_nodes(t->r); i++)
		if (strcmp(np_reach_node(t->r, i)->label, label) == 0)
			return i;
	fail_msg("no node %s", label);
	return SIZE_MAX;
}

static bool has_node(struct t *t, const char *label)
{
	size_t i;

	for (i = 0; i < np_reach_n_nodes(t->r); i++)
		if (strcmp(np_reach_node(t->r, i)->label, label) == 0)
			return true;
	return false;
}

/* The connections from src to dst in np-guard's text. */
static const char *conns(struct t *t, const char *src, const char *dst)
{
	const struct np_connset *c;

	assert_int_equal(np_reach_pair(t->r, node(t, src), node(t, dst), &c), 0);
	np_connset_format(c, t->buf, sizeof(t->buf));
	return t->buf;
}

static size_t pod_index(struct t *t, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < t->m.pods.n; i++)
		if (strcmp(t->m.pods.v[i].namespace, ns) == 0 && strcmp(t->m.pods.v[i].name, name) == 0)
			return i;
	fail_msg("no pod %s/%s", ns, name);
	return SIZE_MAX;
}

#define NS(n) "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " n "\n  labels: {team: " n "}\n---\n"
#define POD(ns, n, labels)                                                                  \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: " n "\n  namespace: " ns "\n  labels: " \
	labels "\nspec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 8080}\n" \
	"    - {name: dns, containerPort: 53, protocol: UDP}\n---\n"
#define POD_IP(ns, n, labels, ip)                                                            \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: " n "\n  namespace: " ns "\n  labels: " \
	labels "\nspec:\n  containers:\n  - name: c\nstatus:\n  podIP: " ip "\n---\n"

/* Two namespaces, a and b, each with pods web (app=web) and db (app=db). */
static const char *BASE = NS("a") NS("b") POD("a", "web", "{app: web}") POD("a", "db", "{app: db}")
	POD("b", "web", "{app: web}") POD("b", "db", "{app: db}");

static void test_no_policy_allows_everything(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "b/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "0.0.0.0-255.255.255.255[External]", "a/db[Pod]"),
			    "All Connections");
	assert_string_equal(conns(t, "a/db[Pod]", "0.0.0.0-255.255.255.255[External]"),
			    "All Connections");
}

static void test_default_deny_ingress_keeps_egress(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, "
		"namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "No Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "No Connections");
	assert_string_equal(conns(t, "a/db[Pod]", "b/web[Pod]"), "All Connections");
}

static void test_pod_selector_peer_is_in_the_policy_namespace(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - podSelector: {matchLabels: {app: web}}\n");
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "No Connections");
}

static void test_namespace_and_pod_selector_in_one_peer_are_and(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: b}}\n"
		"      podSelector: {matchLabels: {app: web}}\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/db[Pod]", "a/db[Pod]"), "No Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "No Connections");
}

static void test_separate_peers_are_or(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: b}}\n"
		"    - podSelector: {matchLabels: {app: web}}\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/db[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "All Connections");
}

static void test_ports_protocols_and_end_port(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports:\n"
		"    - {port: 5432}\n    - {protocol: UDP, port: 10053, endPort: 10054}\n"
		"    - {protocol: SCTP}\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"),
			    "SCTP 1-65535,TCP 5432,UDP 10053-10054");
}

static void test_named_port_resolves_on_the_destination(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, POD("a", "other", "{app: other}"));
	/* other's container names 8080 "http" too; a pod without the name gets nothing. */
	load(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: a, labels: {app: bare}}\n"
		"spec:\n  containers:\n  - name: c\n---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n"
		"    - {port: http}\n    - {port: dns}\n    - {port: dns, protocol: UDP}\n");
	build(t);
	/* "dns" over TCP does not match the UDP container port. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "TCP 8080,UDP 53");
	assert_string_equal(conns(t, "b/web[Pod]", "a/bare[Pod]"), "No Connections");
}

static void test_ipblock_cuts_external_intervals(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n");
	build(t);
	assert_string_equal(conns(t, "10.0.0.0-10.0.255.255[External]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "10.1.0.0-10.1.255.255[External]", "a/db[Pod]"), "No Connections");
	assert_string_equal(conns(t, "10.2.0.0-10.255.255.255[External]", "a/db[Pod]"),
			    "All Connections");
	assert_string_equal(conns(t, "11.0.0.0-255.255.255.255[External]", "a/db[Pod]"),
			    "No Connections");
	/* Ingress rules cut sources only: destinations stay one interval. */
	assert_true(has_node(t, "0.0.0.0-255.255.255.255[External]"));
	assert_false(np_reach_node(t->r, node(t, "0.0.0.0-255.255.255.255[External]"))->as_src);
}

static void test_ipblock_matches_pod_ips_unless_disabled(void **state)
{
	struct t *t = *state;
	struct np_reach_options o;

	load(t, NS("a") POD_IP("a", "db", "{app: db}", "10.0.0.5") POD_IP("a", "web", "{app: web}",
									 "10.0.0.6")
		POD_IP("a", "far", "{app: far}", "192.168.0.1"));
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - ipBlock: {cidr: 10.0.0.0/24}\n");
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "a/far[Pod]", "a/db[Pod]"), "No Connections");
	np_reach_options_default(&o);
	o.ipblock_matches_pods = false;
	build_opt(t, &o);
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "No Connections");
}

static const char *HOSTNET =
	NS("a") POD("a", "web", "{app: web}")
	"apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: a, labels: {app: agent}}\n"
	"spec:\n  hostNetwork: true\n  containers:\n  - name: c\nstatus:\n  podIP: 172.16.0.9\n---\n"
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\n"
	"spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n  - to:\n"
	"    - podSelector: {matchLabels: {app: agent}}\n";

static void test_host_network_pods_are_addresses_by_default(void **state)
{
	struct t *t = *state;

	load(t, HOSTNET);
	build(t);
	/* Not isolated by the policy that selects it. */
	assert_string_equal(conns(t, "0.0.0.0-255.255.255.255[External]", "a/agent[Pod]"),
			    "All Connections");
	/* Not reached by a podSelector peer. */
	assert_string_equal(conns(t, "a/web[Pod]", "a/agent[Pod]"), "No Connections");
}

static void test_host_network_as_pods_reproduces_npguard(void **state)
{
	struct t *t = *state;
	struct np_reach_options o;

	load(t, HOSTNET);
	np_reach_options_default(&o);
	o.hostnetwork_as_pods = true;
	build_opt(t, &o);
	assert_string_equal(conns(t, "a/web[Pod]", "a/agent[Pod]"), "No Connections");
	assert_string_equal(conns(t, "0.0.0.0-255.255.255.255[External]", "a/agent[Pod]"),
			    "No Connections");
	assert_false(np_reach_node(t->r, node(t, "a/agent[Pod]"))->host_network);
}

#define ANP_HDR "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
#define ALLOW_NP_FROM_B                                                                           \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n" \
	"spec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"                   \
	"    - namespaceSelector: {matchLabels: {team: b}}\n---\n"

static void test_admin_deny_overrides_networkpolicy_allow(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ALLOW_NP_FROM_B ANP_HDR "metadata: {name: deny-80}\nspec:\n  priority: 10\n"
		"  subject: {namespaces: {matchLabels: {team: a}}}\n  ingress:\n  - name: no-80\n"
		"    action: Deny\n    from: [{namespaces: {}}]\n"
		"    ports: [{portNumber: {protocol: TCP, port: 80}}]\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"),
			    "SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535");
}

static void test_admin_allow_overrides_networkpolicy_isolation(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ALLOW_NP_FROM_B ANP_HDR "metadata: {name: allow-a}\nspec:\n  priority: 10\n"
		"  subject: {namespaces: {matchLabels: {team: a}}}\n  ingress:\n  - action: Allow\n"
		"    from: [{pods: {namespaceSelector: {matchLabels: {team: a}}, podSelector: "
		"{matchLabels: {app: web}}}}]\n");
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/db[Pod]", "a/db[Pod]"), "All Connections");
}

static void test_pass_defers_to_networkpolicy_then_baseline(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ANP_HDR "metadata: {name: pass}\nspec:\n  priority: 5\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Pass\n    from: [{namespaces: {}}]\n---\n"
		"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
		"metadata: {name: default}\nspec:\n  subject: {namespaces: {}}\n  ingress:\n"
		"  - action: Deny\n    from: [{namespaces: {matchLabels: {team: b}}}]\n---\n"
		ALLOW_NP_FROM_B);
	build(t);
	/* a/db is isolated by the NetworkPolicy: it decides, BANP never does. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "No Connections");
	/* a/web is not: the passed traffic reaches the BANP. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/web[Pod]"), "No Connections");
	assert_string_equal(conns(t, "a/db[Pod]", "a/web[Pod]"), "All Connections");
}

static void test_admin_priority_and_rule_order(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ANP_HDR "metadata: {name: late}\nspec:\n  priority: 50\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n---\n"
		ANP_HDR "metadata: {name: early}\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n"
		"    ports: [{portNumber: {protocol: UDP, port: 53}}]\n"
		"  - action: Deny\n    from: [{namespaces: {}}]\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "UDP 53");
}

static void test_banp_not_named_default_is_ignored(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
		"metadata: {name: other}\nspec:\n  subject: {namespaces: {}}\n  ingress:\n"
		"  - action: Deny\n    from: [{namespaces: {}}]\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_true(np_reach_n_warnings(t->r) > 0);
}

static void test_admin_networks_peer_matches_external_ranges(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ANP_HDR "metadata: {name: egress}\nspec:\n  priority: 3\n  subject: {namespaces: {}}\n"
		"  egress:\n  - action: Deny\n    to: [{networks: [8.8.8.8/32]}]\n");
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "8.8.8.8-8.8.8.8[External]"), "No Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "8.8.8.9-255.255.255.255[External]"),
			    "All Connections");
}

static void test_cluster_network_policy_tiers(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
		"metadata: {name: admin}\nspec:\n  tier: Admin\n  priority: 10\n"
		"  subject: {namespaces: {}}\n  ingress:\n  - action: Accept\n"
		"    from: [{namespaces: {matchLabels: {team: a}}}]\n"
		"    protocols: [{tcp: {destinationPort: {number: 8080}}}, {udp: {destinationPort: "
		"{range: {start: 100, end: 200}}}}]\n"
		"  - action: Pass\n    from: [{namespaces: {}}]\n---\n"
		"apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
		"metadata: {name: base}\nspec:\n  tier: Baseline\n  priority: 10\n"
		"  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n"
		"    from: [{namespaces: {}}]\n    protocols: [{sctp: {}}]\n");
	build(t);
	/* Passed, then the Baseline denies SCTP; the rest is allowed by default. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "TCP 1-65535,UDP 1-65535");
	/* Accepted TCP 8080 and UDP 100-200 before the Pass. */
	assert_string_equal(conns(t, "a/web[Pod]", "b/db[Pod]"), "TCP 1-65535,UDP 1-65535");
}

#define CNP_HDR "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"

static void test_cnp_admin_accept_then_deny_in_rule_order(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, CNP_HDR "metadata: {name: admin}\nspec:\n  tier: Admin\n  priority: 10\n"
		"  subject: {namespaces: {matchLabels: {team: b}}}\n  ingress:\n  - action: Accept\n"
		"    from: [{namespaces: {matchLabels: {team: a}}}]\n"
		"    protocols: [{tcp: {destinationPort: {number: 8080}}}, {udp: {destinationPort: "
		"{range: {start: 100, end: 200}}}}]\n"
		"  - action: Deny\n    from: [{namespaces: {}}]\n");
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "b/db[Pod]"), "TCP 8080,UDP 100-200");
	assert_string_equal(conns(t, "b/web[Pod]", "b/db[Pod]"), "No Connections");
	/* Not a subject: allowed by default. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
}

static void test_cnp_admin_and_anp_share_one_priority_order(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	/* The ANP denies all at priority 20; the CNP at 10 comes first. */
	load(t, ANP_HDR "metadata: {name: deny-all}\nspec:\n  priority: 20\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n---\n"
		CNP_HDR "metadata: {name: web-80}\nspec:\n  tier: Admin\n  priority: 10\n"
		"  subject: {namespaces: {}}\n  ingress:\n  - action: Accept\n"
		"    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]\n"
		"    protocols: [{tcp: {destinationPort: {number: 80}}}]\n"
		"  - action: Pass\n    from: [{namespaces: {matchLabels: {team: a}}}]\n"
		"    protocols: [{sctp: {}}]\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "TCP 80");
	/* Passed SCTP skips the ANP's Deny: nothing isolates a/db, so allowed. */
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "SCTP 1-65535,TCP 80");
	assert_string_equal(conns(t, "b/db[Pod]", "a/web[Pod]"), "No Connections");
}

static void test_cnp_admin_pass_defers_to_networkpolicy(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ALLOW_NP_FROM_B CNP_HDR "metadata: {name: pass}\nspec:\n  tier: Admin\n"
		"  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Pass\n"
		"    from: [{namespaces: {}}]\n---\n"
		CNP_HDR "metadata: {name: deny}\nspec:\n  tier: Admin\n  priority: 2\n"
		"  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n");
	build(t);
	/* The Pass skips the later Deny; a/db's NetworkPolicy decides. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "a/db[Pod]"), "No Connections");
	assert_string_equal(conns(t, "a/web[Pod]", "b/db[Pod]"), "All Connections");
}

static void test_cnp_baseline_priority_and_pass_is_allow(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, CNP_HDR "metadata: {name: base-deny}\nspec:\n  tier: Baseline\n  priority: 20\n"
		"  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n---\n"
		CNP_HDR "metadata: {name: base-open}\nspec:\n  tier: Baseline\n  priority: 5\n"
		"  subject: {namespaces: {}}\n  ingress:\n  - action: Pass\n"
		"    from: [{namespaces: {matchLabels: {team: a}}}]\n"
		"  - action: Accept\n    from: [{namespaces: {}}]\n"
		"    protocols: [{udp: {destinationPort: {number: 53}}}]\n");
	build(t);
	/* Baseline Pass = allow; the lower priority number is evaluated first. */
	assert_string_equal(conns(t, "a/web[Pod]", "b/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "UDP 53");
}

static void test_cnp_baseline_loses_to_an_isolating_networkpolicy(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, ALLOW_NP_FROM_B CNP_HDR "metadata: {name: base}\nspec:\n  tier: Baseline\n"
		"  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n"
		"    from: [{namespaces: {matchLabels: {team: b}}}]\n");
	build(t);
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/web[Pod]", "a/web[Pod]"), "No Connections");
}

static void test_cnp_egress_tier_and_networks(void **state)
{
	struct t *t = *state;

	load(t, BASE);
	load(t, CNP_HDR "metadata: {name: egress}\nspec:\n  tier: Admin\n  priority: 3\n"
		"  subject: {namespaces: {matchLabels: {team: a}}}\n  egress:\n  - action: Accept\n"
		"    to: [{networks: [10.0.0.0/8]}]\n    protocols: [{tcp: {destinationPort: {number: 443}}}]\n"
		"  - action: Deny\n    to: [{networks: [0.0.0.0/0]}]\n");
	build(t);
	assert_string_equal(conns(t, "a/web[Pod]", "10.0.0.0-10.255.255.255[External]"), "TCP 443");
	assert_string_equal(conns(t, "a/web[Pod]", "11.0.0.0-255.255.255.255[External]"),
			    "No Connections");
	/* Pods are not networks here (no pod IPs): in-cluster traffic is untouched. */
	assert_string_equal(conns(t, "a/web[Pod]", "b/db[Pod]"), "All Connections");
	assert_string_equal(conns(t, "b/web[Pod]", "11.0.0.0-255.255.255.255[External]"),
			    "All Connections");
}

static void test_statefulset_pods_share_a_class(void **state)
{
	struct t *t = *state;
	char buf[8192];
	size_t i, pos = 0;

	pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, NS("a"));
	for (i = 0; i < 20; i++)
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos,
			"apiVersion: v1\nkind: Pod\nmetadata:\n  name: db-%zu\n  namespace: a\n"
			"  labels: {app: db, statefulset.kubernetes.io/pod-name: db-%zu}\n"
			"  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, "
			"controller: true}]\nspec:\n  containers: [{name: c}]\n---\n", i, i);
	pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos,
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n"
		"spec:\n  podSelector: {matchLabels: {app: db}}\n");
	load(t, buf);
	build(t);
	assert_int_equal(np_reach_n_classes(t->r), 1);
	assert_int_equal(np_reach_node(t->r, node(t, "a/db[StatefulSet]"))->n_pods, 20);
}

static void test_labels_no_selector_reads_do_not_split_classes(void **state)
{
	struct t *t = *state;

	load(t, NS("a") POD("a", "x1", "{app: x, build: '1'}") POD("a", "x2", "{app: x, build: '2'}")
		POD("a", "yy", "{app: yy}"));
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: x}}\n");
	build(t);
	assert_int_equal(np_reach_class_of_pod(t->r, pod_index(t, "a", "x1")),
			 np_reach_class_of_pod(t->r, pod_index(t, "a", "x2")));
	assert_int_not_equal(np_reach_class_of_pod(t->r, pod_index(t, "a", "x1")),
			     np_reach_class_of_pod(t->r, pod_index(t, "a", "yy")));
}

static void test_unmatched_label_values_merge_by_signature(void **state)
{
	struct t *t = *state;

	/* app=b and app=c are both "not app=a": one class. */
	load(t, NS("a") POD("a", "pa", "{app: a}") POD("a", "pb", "{app: b}") POD("a", "pc", "{app: c}"));
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: a}}\n");
	build(t);
	assert_int_equal(np_reach_n_classes(t->r), 2);
}

static void test_workload_nodes_name_the_direct_controller(void **state)
{
	struct t *t = *state;

	load(t, NS("a")
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-5d9c-x1\n  namespace: a\n"
		"  labels: {app: web}\n  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, "
		"name: web-5d9c, controller: true}]\nspec:\n  containers: [{name: c}]\n---\n"
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: a}\nspec:\n"
		"  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: c}]\n");
	build(t);
	assert_true(has_node(t, "a/web-5d9c[ReplicaSet]"));
	assert_true(has_node(t, "a/api[Deployment]"));
}

static void test_synthesised_namespace_undecidable_warns(void **state)
{
	struct t *t = *state;

	load(t, NS("a") POD("a", "db", "{app: db}") POD("ghost", "web", "{app: web}"));
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: ghost}}\n");
	build(t);
	assert_string_equal(conns(t, "ghost/web[Pod]", "a/db[Pod]"), "No Connections");
	assert_true(np_reach_n_warnings(t->r) > 0);
	assert_non_null(strstr(np_reach_warning(t->r, 0), "ghost"));
}

static void test_explain_names_the_deciding_rule(void **state)
{
	struct t *t = *state;
	struct np_reach_verdict eg, in;
	size_t src, dst, i;
	bool saw_np = false, saw_admin = false;

	load(t, BASE);
	load(t, ALLOW_NP_FROM_B ANP_HDR "metadata: {name: deny-80}\nspec:\n  priority: 10\n"
		"  subject: {namespaces: {matchLabels: {team: a}}}\n  ingress:\n  - name: no-80\n"
		"    action: Deny\n    from: [{namespaces: {}}]\n"
		"    ports: [{portNumber: {protocol: TCP, port: 80}}]\n");
	build(t);
	src = np_reach_class_of_pod(t->r, pod_index(t, "b", "web"));
	dst = np_reach_class_of_pod(t->r, pod_index(t, "a", "db"));
	assert_int_equal(np_reach_explain(t->r, src, SIZE_MAX, dst, &eg, &in), 0);
	assert_false(eg.isolated);
	assert_true(in.isolated);
	assert_int_equal(in.n_isolating, 1);
	for (i = 0; i < in.n_steps; i++) {
		const struct np_reach_step *s = &in.steps[i];

		if (s->tier == NP_TIER_ADMIN) {
			saw_admin = true;
			assert_int_equal(s->action, NP_ACT_DENY);
			assert_string_equal(s->rule_name, "no-80");
			assert_int_equal(s->peer, 0);
			assert_int_equal(s->port, 0);
			assert_true(np_connset_contains(&s->conns, NP_PROTO_TCP, 80));
		}
		if (s->tier == NP_TIER_NETPOL && s->is_policy) {
			saw_np = true;
			assert_string_equal(s->name, "p");
			assert_int_equal(s->rule, 0);
			assert_false(np_connset_contains(&s->conns, NP_PROTO_TCP, 80));
		}
	}
	assert_true(saw_admin && saw_np);
	np_reach_verdict_release(&eg);
	np_reach_verdict_release(&in);
}

static void test_exposure_from_any_namespace(void **state)
{
	struct t *t = *state;
	const struct np_connset *c;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, "
		"namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {}\n    ports: [{port: 5432}]\n---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: q, "
		"namespace: b}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: a}}\n");
	build(t);
	assert_int_equal(np_reach_from_any(t->r, node(t, "a/db[Pod]"), &c), 0);
	np_connset_format(c, t->buf, sizeof(t->buf));
	assert_string_equal(t->buf, "TCP 5432");
	assert_int_equal(np_reach_from_any(t->r, node(t, "b/db[Pod]"), &c), 0);
	assert_true(np_connset_is_empty(c));
}

static void test_egress_alone_ignores_destination_ingress(void **state)
{
	struct t *t = *state;
	const struct np_connset *c;
	size_t src, dst;

	load(t, BASE);
	load(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, "
		"namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n");
	build(t);
	src = np_reach_class_of_pod(t->r, pod_index(t, "b", "web"));
	dst = np_reach_class_of_pod(t->r, pod_index(t, "a", "db"));
	assert_int_equal(np_reach_egress(t->r, src, dst, SIZE_MAX, &c), 0);
	assert_true(np_connset_is_all(c));
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "No Connections");
}

static void test_terminated_pods_take_no_part(void **state)
{
	struct t *t = *state;

	load(t, NS("a") POD("a", "web", "{app: web}")
		"apiVersion: v1\nkind: Pod\nmetadata: {name: done, namespace: a}\nspec:\n"
		"  containers: [{name: c}]\nstatus: {phase: Succeeded}\n");
	build(t);
	assert_false(has_node(t, "a/done[Pod]"));
	assert_int_equal(np_reach_class_of_pod(t->r, pod_index(t, "a", "done")), SIZE_MAX);
}

static void test_equal_admin_priorities_warn_and_use_name_order(void **state)
{
	struct t *t = *state;
	size_t i;
	bool warned = false;

	load(t, BASE);
	load(t, ANP_HDR "metadata: {name: b-allow}\nspec:\n  priority: 7\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n---\n"
		ANP_HDR "metadata: {name: a-deny}\nspec:\n  priority: 7\n  subject: {namespaces: {}}\n"
		"  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n");
	build(t);
	for (i = 0; i < np_reach_n_warnings(t->r); i++)
		warned |= strstr(np_reach_warning(t->r, i), "same priority 7") != NULL;
	assert_true(warned);
	/* a-deny sorts first. */
	assert_string_equal(conns(t, "b/web[Pod]", "a/db[Pod]"), "No Connections");
}

static void test_cut_option_makes_an_address_its_own_node(void **state)
{
	struct t *t = *state;
	struct np_reach_options o;
	const char *cuts[] = { "192.0.2.7" };
	struct np_iprange x;

	load(t, BASE);
	np_reach_options_default(&o);
	o.cuts = cuts;
	o.n_cuts = 1;
	build_opt(t, &o);
	assert_int_equal(np_cidr_parse(&x, NULL, "192.0.2.7"), 0);
	assert_int_not_equal(np_reach_find_external(t->r, &x, true), SIZE_MAX);
	assert_int_equal(np_reach_find_external(t->r, &x, true), node(t, "192.0.2.7-192.0.2.7[External]"));
	assert_true(has_node(t, "0.0.0.0-192.0.2.6[External]"));
	assert_true(has_node(t, "192.0.2.8-255.255.255.255[External]"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_no_policy_allows_everything),
		T(test_default_deny_ingress_keeps_egress),
		T(test_pod_selector_peer_is_in_the_policy_namespace),
		T(test_namespace_and_pod_selector_in_one_peer_are_and),
		T(test_separate_peers_are_or),
		T(test_ports_protocols_and_end_port),
		T(test_named_port_resolves_on_the_destination),
		T(test_ipblock_cuts_external_intervals),
		T(test_ipblock_matches_pod_ips_unless_disabled),
		T(test_host_network_pods_are_addresses_by_default),
		T(test_host_network_as_pods_reproduces_npguard),
		T(test_admin_deny_overrides_networkpolicy_allow),
		T(test_admin_allow_overrides_networkpolicy_isolation),
		T(test_pass_defers_to_networkpolicy_then_baseline),
		T(test_admin_priority_and_rule_order),
		T(test_banp_not_named_default_is_ignored),
		T(test_admin_networks_peer_matches_external_ranges),
		T(test_cluster_network_policy_tiers),
		T(test_cnp_admin_accept_then_deny_in_rule_order),
		T(test_cnp_admin_and_anp_share_one_priority_order),
		T(test_cnp_admin_pass_defers_to_networkpolicy),
		T(test_cnp_baseline_priority_and_pass_is_allow),
		T(test_cnp_baseline_loses_to_an_isolating_networkpolicy),
		T(test_cnp_egress_tier_and_networks),
		T(test_statefulset_pods_share_a_class),
		T(test_labels_no_selector_reads_do_not_split_classes),
		T(test_unmatched_label_values_merge_by_signature),
		T(test_workload_nodes_name_the_direct_controller),
		T(test_synthesised_namespace_undecidable_warns),
		T(test_explain_names_the_deciding_rule),
		T(test_exposure_from_any_namespace),
		T(test_egress_alone_ignores_destination_ingress),
		T(test_terminated_pods_take_no_part),
		T(test_equal_admin_priorities_warn_and_use_name_order),
		T(test_cut_option_makes_an_address_its_own_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
