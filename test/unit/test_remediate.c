/* The default-deny builder (analyzer/remediate.c): DNS discovery, the
 * safer manifest of system namespaces and webhook/APIService backends,
 * names, YAML text (decoded back: no NP-208 issue), and the NP-102/NP-201
 * remediations built from it. Clusters are small YAML documents decoded
 * into a model: the policies the builder makes are read back the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "netpol/remediate.h"
#include "netpol/report.h"
#include "netpol/snapshot.h"

struct t {
	struct np_model m;
	struct np_remediate *r;
	struct np_fix_policy *v;
	size_t n;
	char *yaml;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	np_model_init(&t->m);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	free(t->yaml);
	free(t->v);
	np_remediate_free(t->r);
	np_model_release(&t->m);
	free(t);
	return 0;
}

static void load(struct np_model *m, const char *text)
{
	struct np_error err;

	memset(&err, 0, sizeof(err));
	if (np_decode_buffer(m, text, strlen(text), "in.yaml", NULL, NULL, NULL, &err) != 0)
		fail_msg("decode: %s", err.msg);
	if (np_model_finish(m, &err) != 0)
		fail_msg("finish: %s", err.msg);
}

/* Loads the cluster and builds the remediation context. */
static void cluster(struct t *t, const char *text)
{
	load(&t->m, text);
	assert_int_equal(np_remediate_new(&t->r, &t->m, NULL), 0);
}

static void deny(struct t *t, const char *ns, unsigned dirs)
{
	assert_int_equal(np_remediate_default_deny(t->r, ns, dirs, "NP-102", &t->v, &t->n), 0);
	free(t->yaml);
	t->yaml = np_fix_policies_yaml(t->v, t->n);
	assert_non_null(t->yaml);
}

static const struct np_fix_policy *policy(const struct t *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0)
			return &t->v[i];
	fail_msg("no policy %s", name);
	return NULL;
}

static bool has_port(const struct np_rule *r, enum np_proto proto, int port, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_ports; i++) {
		const struct np_port *p = &r->ports[i];

		if (p->proto == proto && (name ? p->port_name && strcmp(p->port_name, name) == 0 :
					  !p->port_name && p->port == port))
			return true;
	}
	return false;
}

/* The YAML decodes into as many valid NetworkPolicies. */
static void assert_valid_yaml(const char *yaml, size_t want)
{
	struct np_model m;
	struct np_error err;
	size_t i;

	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_decode_buffer(&m, yaml, strlen(yaml), "fix.yaml", NULL, NULL, NULL, &err), 0);
	assert_int_equal(m.netpols.n, want);
	for (i = 0; i < m.netpols.n; i++) {
		if (m.netpols.v[i].n_issues)
			fail_msg("%s: %s", m.netpols.v[i].name, m.netpols.v[i].issues[0].message);
	}
	assert_int_equal(m.warnings.n, 0);
	np_model_release(&m);
}

static const char ns_shop[] = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";

/* ---- DNS ---- */

static void test_dns_defaults_to_kube_dns_when_absent(void **state)
{
	struct t *t = *state;
	const struct np_dns_target *d;

	cluster(t, ns_shop);
	d = np_remediate_dns(t->r);
	assert_false(d->found);
	assert_string_equal(d->ns, "kube-system");
	assert_string_equal(d->key, "k8s-app");
	assert_string_equal(d->value, "kube-dns");
	assert_int_equal(d->udp, 53);
	assert_int_equal(d->tcp, 53);
}

static void test_dns_coredns_labels_and_ports_discovered(void **state)
{
	struct t *t = *state;
	const struct np_dns_target *d;

	cluster(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: coredns-1\n  namespace: dns\n"
		   "  labels: {k8s-app: coredns}\nspec:\n  containers:\n  - name: c\n    ports:\n"
		   "    - {name: dns, containerPort: 1053, protocol: UDP}\n"
		   "    - {name: dns-tcp, containerPort: 1054, protocol: TCP}\n");
	d = np_remediate_dns(t->r);
	assert_true(d->found);
	assert_string_equal(d->ns, "dns");
	assert_string_equal(d->value, "coredns");
	assert_int_equal(d->udp, 1053);
	assert_int_equal(d->tcp, 1054);
}

static void test_dns_openshift(void **state)
{
	struct t *t = *state;
	const struct np_dns_target *d;

	cluster(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: openshift-dns}\n");
	d = np_remediate_dns(t->r);
	assert_string_equal(d->ns, "openshift-dns");
	assert_string_equal(d->key, "dns.operator.openshift.io/daemonset-dns");
	assert_int_equal(d->udp, 5353);
}

static const char nodelocal[] =
	"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: node-local-dns, namespace: kube-system}\n"
	"spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n      - name: n\n"
	"        args: [-localip, '169.254.20.10,fd00::10,bogus,169.254.20.10', -conf, /etc/Corefile]\n";

static void test_dns_nodelocal_addresses_become_host_cidrs(void **state)
{
	struct t *t = *state;
	const struct np_dns_target *d;

	cluster(t, nodelocal);
	d = np_remediate_dns(t->r);
	assert_int_equal(d->n_local, 2);
	assert_string_equal(d->local[0], "169.254.20.10/32");
	assert_string_equal(d->local[1], "fd00::10/128");
}

static void test_dns_rules_allow_nodelocal_ipblocks(void **state)
{
	struct t *t = *state;
	struct np_fix_rule rules[2];

	cluster(t, nodelocal);
	assert_int_equal(np_remediate_dns_rules(t->r, rules), 2);
	assert_int_equal(rules[1].rule.n_peers, 2);
	assert_string_equal(rules[1].rule.peers[0].ipblock->cidr, "169.254.20.10/32");
	assert_true(has_port(&rules[1].rule, NP_PROTO_UDP, 53, NULL));
	assert_true(has_port(&rules[1].rule, NP_PROTO_TCP, 53, NULL));
}

/* node-local-dns's documented address when -localip is not in the input:
 * its DaemonSet without the flag (the Corefile's bind decides), or only its
 * pods (bundles that keep pods but not DaemonSets nor container args). */
static void test_dns_nodelocal_without_localip_uses_the_documented_address(void **state)
{
	struct t *t = *state;
	const struct np_dns_target *d;
	struct np_fix_rule rules[2];

	cluster(t, "apiVersion: apps/v1\nkind: DaemonSet\n"
		   "metadata: {name: node-local-dns, namespace: kube-system}\n"
		   "spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n"
		   "      - name: n\n        args: [-conf, /etc/Corefile]\n");
	d = np_remediate_dns(t->r);
	assert_int_equal(d->n_local, 1);
	assert_string_equal(d->local[0], "169.254.20.10/32");
	assert_int_equal(np_remediate_dns_rules(t->r, rules), 2);
	assert_non_null(strstr(rules[1].comment, "169.254.20.10"));
	assert_non_null(strstr(rules[1].comment, "-localip"));
}

static void test_dns_nodelocal_pods_only_use_the_documented_address(void **state)
{
	struct t *t = *state;
	const struct np_dns_target *d;

	cluster(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: node-local-dns-x7k2p\n"
		   "  namespace: kube-system\n  labels: {k8s-app: node-local-dns}\n"
		   "  ownerReferences:\n  - {apiVersion: apps/v1, kind: DaemonSet, name: node-local-dns,"
		   " uid: u1, controller: true}\n"
		   "spec:\n  hostNetwork: true\n  containers:\n  - name: node-cache\n"
		   "status: {phase: Running, podIP: 192.168.1.10}\n");
	d = np_remediate_dns(t->r);
	assert_int_equal(d->n_local, 1);
	assert_string_equal(d->local[0], "169.254.20.10/32");
}

static void test_dns_without_nodelocal_has_no_address(void **state)
{
	struct t *t = *state;
	struct np_fix_rule rules[2];

	cluster(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: coredns-1\n  namespace: kube-system\n"
		   "  labels: {k8s-app: kube-dns}\nspec:\n  containers:\n  - name: c\n");
	assert_int_equal(np_remediate_dns(t->r)->n_local, 0);
	assert_int_equal(np_remediate_dns_rules(t->r, rules), 1);
}

/* ---- default-deny ---- */

static void test_plain_default_deny_has_only_dns_egress(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	cluster(t, ns_shop);
	deny(t, "shop", NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(t->n, 1);
	p = policy(t, "default-deny");
	assert_true(np_selector_is_empty(&p->pod_selector));
	assert_int_equal(p->types, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(p->n_ingress, 0);
	assert_int_equal(p->n_egress, 1);
	assert_null(p->review);
	assert_string_equal(p->controls, "NP-102");
	assert_true(has_port(&p->egress[0].rule, NP_PROTO_UDP, 53, NULL));
	assert_non_null(strstr(t->yaml, "    app.kubernetes.io/managed-by: kubectl-netpol\n"));
	assert_non_null(strstr(t->yaml, "    kubectl-netpol/control: NP-102\n"));
}

static void test_ingress_only_deny_has_no_dns(void **state)
{
	struct t *t = *state;

	cluster(t, ns_shop);
	deny(t, "shop", NP_DIR_INGRESS);
	assert_int_equal(t->n, 1);
	assert_int_equal(policy(t, "default-deny-ingress")->n_egress, 0);
	assert_null(strstr(t->yaml, "Egress"));
}

static void test_dns_on_other_ports_lives_in_its_own_policy(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	cluster(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: coredns-1\n  namespace: kube-system\n"
		   "  labels: {k8s-app: kube-dns}\nspec:\n  containers:\n  - name: c\n    ports:\n"
		   "    - {name: dns, containerPort: 1053, protocol: UDP}\n"
		   "    - {name: dns-tcp, containerPort: 1053, protocol: TCP}\n---\n" "apiVersion: v1\n"
		   "kind: Namespace\nmetadata: {name: shop}\n");
	deny(t, "shop", NP_DIR_EGRESS);
	assert_int_equal(t->n, 2);
	/* NP-201 counts a default-deny whose rules only open DNS ports (53, 5353). */
	assert_int_equal(policy(t, "default-deny-egress")->n_egress, 0);
	p = policy(t, "allow-dns");
	assert_true(np_selector_is_empty(&p->pod_selector));
	assert_true(has_port(&p->egress[0].rule, NP_PROTO_UDP, 1053, NULL));
}

static const char webhook_cluster[] =
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: cert-manager}\n---\n"
	"apiVersion: v1\nkind: Service\nmetadata: {name: cm-webhook, namespace: cert-manager}\n"
	"spec:\n  selector: {app: webhook}\n  ports:\n  - {port: 443, targetPort: 10250}\n"
	"  - {port: 9443, targetPort: https}\n---\n"
	"apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
	"metadata: {name: cm}\nwebhooks:\n- name: a.cert-manager.io\n  clientConfig:\n"
	"    service: {name: cm-webhook, namespace: cert-manager}\n"
	"- name: b.cert-manager.io\n  clientConfig:\n"
	"    service: {name: cm-webhook, namespace: cert-manager, port: 9443}\n";

static void test_webhook_namespace_is_sensitive(void **state)
{
	struct t *t = *state;
	const char *why;

	cluster(t, webhook_cluster);
	why = np_remediate_sensitive(t->r, "cert-manager");
	assert_non_null(why);
	assert_non_null(strstr(why, "ValidatingWebhookConfiguration cm"));
	assert_null(np_remediate_sensitive(t->r, "shop"));
	assert_string_equal(np_remediate_sensitive(t->r, "kube-system"), "system namespace");
}

static void test_webhook_namespace_gets_reviewed_allows_on_target_ports(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	cluster(t, webhook_cluster);
	deny(t, "cert-manager", NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(t->n, 2);
	assert_non_null(policy(t, "default-deny")->review);
	assert_non_null(strstr(policy(t, "default-deny")->header, "REVIEW"));
	p = policy(t, "allow-system-traffic");
	assert_non_null(p->review);
	/* ingress from anywhere on the target ports; no DNS served (no DNS pods here) */
	assert_int_equal(p->n_ingress, 1);
	assert_false(p->ingress[0].rule.peers_present);
	assert_true(has_port(&p->ingress[0].rule, NP_PROTO_TCP, 10250, NULL));
	assert_true(has_port(&p->ingress[0].rule, NP_PROTO_TCP, 0, "https"));
	/* the API server and upstream DNS */
	assert_int_equal(p->n_egress, 1);
	assert_true(has_port(&p->egress[0].rule, NP_PROTO_TCP, 6443, NULL));
	assert_true(has_port(&p->egress[0].rule, NP_PROTO_UDP, 53, NULL));
}

static void test_webhook_without_its_service_asks_for_the_port(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	cluster(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: gk}\n---\n"
		   "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n"
		   "metadata: {name: gatekeeper}\nwebhooks:\n- name: m\n  clientConfig:\n"
		   "    service: {name: gk-webhook, namespace: gk}\n");
	deny(t, "gk", NP_DIR_INGRESS | NP_DIR_EGRESS);
	p = policy(t, "allow-system-traffic");
	assert_int_equal(p->n_ingress, 0);
	assert_int_equal(p->types, NP_DIR_EGRESS);
	assert_non_null(strstr(p->footer, "add the target port of MutatingWebhookConfiguration gatekeeper"));
}

static void test_system_namespace_serves_dns_and_declared_ports(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	cluster(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: metrics-server-1\n  namespace: kube-system\n"
		   "  labels: {k8s-app: metrics-server}\nspec:\n  containers:\n  - name: c\n    ports:\n"
		   "    - {name: https, containerPort: 4443}\n");
	deny(t, "kube-system", NP_DIR_INGRESS | NP_DIR_EGRESS);
	p = policy(t, "allow-system-traffic");
	assert_int_equal(p->n_ingress, 2);
	assert_true(p->ingress[0].rule.peers[0].has_ns_sel);
	assert_true(np_selector_is_empty(&p->ingress[0].rule.peers[0].ns_sel));
	assert_true(has_port(&p->ingress[1].rule, NP_PROTO_TCP, 4443, NULL));
	assert_non_null(strstr(t->yaml, "# REVIEW before applying: kube-system (system namespace)."));
}

static void test_system_namespace_with_known_apiservice_opens_only_its_port(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	cluster(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: metrics-server-1\n  namespace: kube-system\n"
		   "  labels: {k8s-app: metrics-server}\nspec:\n  containers:\n  - name: c\n    ports:\n"
		   "    - {name: https, containerPort: 4443}\n    - {name: debug, containerPort: 6060}\n---\n"
		   "apiVersion: v1\nkind: Service\nmetadata: {name: metrics-server, namespace: kube-system}\n"
		   "spec: {selector: {k8s-app: metrics-server}, ports: [{port: 443, targetPort: https}]}\n---\n"
		   "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\n"
		   "metadata: {name: v1beta1.metrics.k8s.io}\n"
		   "spec: {service: {name: metrics-server, namespace: kube-system}}\n");
	deny(t, "kube-system", NP_DIR_INGRESS);
	p = policy(t, "allow-system-traffic");
	assert_int_equal(p->n_ingress, 2);
	assert_int_equal(p->ingress[1].rule.n_ports, 1);
	assert_true(has_port(&p->ingress[1].rule, NP_PROTO_TCP, 0, "https"));
	assert_non_null(strstr(p->ingress[1].comment, "APIService v1beta1.metrics.k8s.io"));
}

static void test_nodelocal_dns_served_from_anywhere(void **state)
{
	struct t *t = *state;

	cluster(t, nodelocal);
	deny(t, "kube-system", NP_DIR_INGRESS);
	/* node-local-dns forwards from node addresses: no namespaceSelector */
	assert_false(policy(t, "allow-system-traffic")->ingress[0].rule.peers_present);
}

static void test_default_deny_yaml_decodes_without_issues(void **state)
{
	struct t *t = *state;

	cluster(t, webhook_cluster);
	deny(t, "cert-manager", NP_DIR_INGRESS | NP_DIR_EGRESS);
	deny(t, "kube-system", NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_valid_yaml(t->yaml, t->n);
}

/* ---- names ---- */

static void test_name_avoids_existing_policies(void **state)
{
	struct t *t = *state;

	cluster(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		   "metadata: {name: default-deny, namespace: shop}\nspec: {podSelector: {}}\n");
	deny(t, "shop", NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_string_equal(t->v[0].name, "default-deny-2");
	assert_string_equal(np_remediate_name(t->r, "shop", "default-deny"), "default-deny-3");
	assert_string_equal(np_remediate_name(t->r, "other", "default-deny"), "default-deny");
}

static void test_name_is_cleaned(void **state)
{
	struct t *t = *state;

	cluster(t, ns_shop);
	assert_string_equal(np_remediate_name(t->r, "shop", "Allow DNS_for--web!"), "allow-dns-for-web");
	assert_string_equal(np_remediate_name(t->r, "shop", "---"), "kubectl-netpol");
	assert_string_equal(np_remediate_name(t->r, "shop", "a..b"), "a-b");
	assert_string_equal(np_remediate_name(t->r, "shop",
		"preserve-egress-to-a-very-long-policy-name-that-goes-on-and-on-and-on-for-ever"),
		"preserve-egress-to-a-very-long-policy-name-that-goes-on-and-on");
}

/* ---- YAML text ---- */

static void test_yaml_quotes_what_yaml_would_retype(void **state)
{
	struct t *t = *state;
	struct np_fix_policy p;
	const char *keys[] = { "enabled", "version", "zone", "ok" };
	const char *vals[] = { "true", "1.10", "", "v1" };
	char *y;

	(void)t;
	memset(&p, 0, sizeof(p));
	p.namespace = "shop";
	p.name = "x";
	p.pod_selector.present = true;
	p.pod_selector.n_labels = 4;
	p.pod_selector.label_keys = keys;
	p.pod_selector.label_values = vals;
	p.types = NP_DIR_INGRESS;
	y = np_fix_policies_yaml(&p, 1);
	assert_non_null(y);
	assert_non_null(strstr(y, "      enabled: \"true\"\n"));
	assert_non_null(strstr(y, "      version: \"1.10\"\n"));
	assert_non_null(strstr(y, "      zone: \"\"\n"));
	assert_non_null(strstr(y, "      ok: v1\n"));
	assert_valid_yaml(y, 1);
	free(y);
}

static void test_yaml_comments_cannot_be_escaped_from(void **state)
{
	struct np_fix_policy p;
	char *y;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.namespace = "shop";
	p.name = "x";
	p.pod_selector.present = true;
	p.types = NP_DIR_INGRESS;
	p.header = "Service evil\rkind: Secret\x1b[31m\nsecond line";
	y = np_fix_policies_yaml(&p, 1);
	assert_non_null(y);
	assert_non_null(strstr(y, "# Service evil?kind: Secret?[31m\n# second line\n"));
	assert_null(strchr(y, '\x1b'));
	assert_null(strchr(y, '\r'));
	free(y);
}

static void test_yaml_match_expressions_and_except(void **state)
{
	struct np_fix_policy p;
	struct np_fix_rule r;
	struct np_peer peers[2];
	struct np_ipblock ib;
	struct np_sel_expr x;
	const char *vals[] = { "a", "b" }, *except[] = { "10.1.0.0/16" };
	struct np_port port;
	char *y;

	(void)state;
	memset(&p, 0, sizeof(p));
	memset(&r, 0, sizeof(r));
	memset(peers, 0, sizeof(peers));
	memset(&ib, 0, sizeof(ib));
	memset(&x, 0, sizeof(x));
	memset(&port, 0, sizeof(port));
	x.key = "tier";
	x.op = NP_SEL_NOTIN;
	x.n_values = 2;
	x.values = vals;
	ib.cidr = "10.0.0.0/8";
	ib.n_except = 1;
	ib.except = except;
	peers[0].has_pod_sel = true;
	peers[0].pod_sel.present = true;
	peers[0].pod_sel.n_exprs = 1;
	peers[0].pod_sel.exprs = &x;
	peers[1].ipblock = &ib;
	port.proto = NP_PROTO_SCTP;
	port.has_port = true;
	port.port = 100;
	port.has_end_port = true;
	port.end_port = 200;
	r.rule.peers_present = r.rule.ports_present = true;
	r.rule.n_peers = 2;
	r.rule.peers = peers;
	r.rule.n_ports = 1;
	r.rule.ports = &port;
	p.namespace = "shop";
	p.name = "x";
	p.pod_selector.present = true;
	p.types = NP_DIR_EGRESS;
	p.n_egress = 1;
	p.egress = &r;
	y = np_fix_policies_yaml(&p, 1);
	assert_non_null(y);
	assert_non_null(strstr(y, "  - to:\n    - podSelector:\n        matchExpressions:\n"
				  "        - key: tier\n          operator: NotIn\n          values:\n"
				  "          - a\n          - b\n"));
	assert_non_null(strstr(y, "    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n"
				  "        - 10.1.0.0/16\n"));
	assert_non_null(strstr(y, "    - protocol: SCTP\n      port: 100\n      endPort: 200\n"));
	assert_valid_yaml(y, 1);
	free(y);
}

static void test_rule_describe(void **state)
{
	struct np_rule r;
	struct np_peer peer;
	struct np_port ports[2];
	char buf[256];

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&peer, 0, sizeof(peer));
	memset(ports, 0, sizeof(ports));
	peer.has_ns_sel = true;
	peer.ns_sel.present = true;
	ports[0].proto = NP_PROTO_TCP;
	ports[0].has_port = true;
	ports[0].port = 8080;
	ports[1].proto = NP_PROTO_UDP;
	ports[1].has_port = true;
	ports[1].port_name = "dns";
	r.peers_present = r.ports_present = true;
	r.n_peers = 1;
	r.peers = &peer;
	r.n_ports = 2;
	r.ports = ports;
	assert_string_equal(np_fix_rule_describe(&r, NP_DIR_INGRESS, buf, sizeof(buf)),
			    "from every pod in the cluster on TCP 8080, UDP dns");
	r.peers_present = r.ports_present = false;
	assert_string_equal(np_fix_rule_describe(&r, NP_DIR_EGRESS, buf, sizeof(buf)),
			    "to anywhere on every port");
	assert_string_equal(np_fix_rule_describe(&r, NP_DIR_EGRESS, buf, 6), "to an");
}

/* ---- the audit remediations use the same builder ---- */

static const struct np_control_result *run_control(struct np_report *rep, const struct np_model *m,
						   const char *id)
{
	struct np_audit_options o;
	const char *ids[1] = { id };

	memset(&o, 0, sizeof(o));
	o.selected = ids;
	o.n_selected = 1;
	o.today = "2026-01-01";
	assert_int_equal(np_audit_run(rep, m, &o, NULL), 0);
	assert_int_equal(rep->controls.n, 1);
	return &rep->controls.v[0];
}

static const char *remediation_of(const struct np_control_result *c, const char *ns)
{
	size_t i;

	for (i = 0; i < c->findings.n; i++)
		if (strcmp(c->findings.v[i].name, ns) == 0)
			return c->findings.v[i].remediation;
	fail_msg("no finding for %s", ns);
	return NULL;
}

static void test_np102_remediation_of_webhook_namespace_is_reviewed(void **state)
{
	struct t *t = *state;
	struct np_report rep;
	const char *rem;

	cluster(t, webhook_cluster);
	np_report_init(&rep);
	rem = remediation_of(run_control(&rep, &t->m, "NP-102"), "cert-manager");
	assert_non_null(strstr(rem, "# REVIEW before applying: cert-manager (backs "));
	assert_non_null(strstr(rem, "  name: allow-system-traffic\n"));
	assert_non_null(strstr(rem, "      port: 10250\n"));
	assert_valid_yaml(rem, 2);
	np_report_release(&rep);
}

static void test_np201_remediation_is_the_fix_manifest(void **state)
{
	struct t *t = *state;
	struct np_report rep;
	const char *rem;

	cluster(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		   "metadata: {name: deny-in, namespace: shop}\nspec: {podSelector: {}}\n");
	np_report_init(&rep);
	rem = remediation_of(run_control(&rep, &t->m, "NP-201"), "shop");
	deny(t, "shop", NP_DIR_EGRESS);
	/* same text but the annotation naming the asking control */
	assert_non_null(strstr(rem, "kubectl-netpol/control: NP-201\n"));
	assert_non_null(strstr(t->yaml, "kubectl-netpol/control: NP-102\n"));
	assert_int_equal(strlen(rem), strlen(t->yaml));
	np_report_release(&rep);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dns_defaults_to_kube_dns_when_absent),
		T(test_dns_coredns_labels_and_ports_discovered),
		T(test_dns_openshift),
		T(test_dns_nodelocal_addresses_become_host_cidrs),
		T(test_dns_rules_allow_nodelocal_ipblocks),
		T(test_dns_nodelocal_without_localip_uses_the_documented_address),
		T(test_dns_nodelocal_pods_only_use_the_documented_address),
		T(test_dns_without_nodelocal_has_no_address),
		T(test_plain_default_deny_has_only_dns_egress),
		T(test_ingress_only_deny_has_no_dns),
		T(test_dns_on_other_ports_lives_in_its_own_policy),
		T(test_webhook_namespace_is_sensitive),
		T(test_webhook_namespace_gets_reviewed_allows_on_target_ports),
		T(test_webhook_without_its_service_asks_for_the_port),
		T(test_system_namespace_serves_dns_and_declared_ports),
		T(test_system_namespace_with_known_apiservice_opens_only_its_port),
		T(test_nodelocal_dns_served_from_anywhere),
		T(test_default_deny_yaml_decodes_without_issues),
		T(test_name_avoids_existing_policies),
		T(test_name_is_cleaned),
		T(test_yaml_quotes_what_yaml_would_retype),
		T(test_yaml_comments_cannot_be_escaped_from),
		T(test_yaml_match_expressions_and_except),
		T(test_rule_describe),
		T(test_np102_remediation_of_webhook_namespace_is_reviewed),
		T(test_np201_remediation_is_the_fix_manifest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
