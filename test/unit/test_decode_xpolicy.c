/* Cilium, Calico and AdminNetworkPolicy-family decoding (DESIGN §4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/model.h"
#include "netpol/snapshot.h"

static struct np_model model;

static int setup(void **state)
{
	(void)state;
	np_model_init(&model);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	np_model_release(&model);
	return 0;
}

static void load(const char *text)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(&model, text, strlen(text), "x.yaml", NULL, NULL, NULL, &err);
	if (rc != 0)
		fail_msg("decode: %d %s", rc, err.msg);
}

static void load_file(const char *name)
{
	char path[1024], *buf;
	FILE *f;
	long n;
	struct np_error err;
	int rc;

	snprintf(path, sizeof(path), "%s/decode/%s", NP_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(&model, buf, (size_t)n, name, NULL, NULL, NULL, &err);
	free(buf);
	if (rc != 0)
		fail_msg("decode %s: %d %s", name, rc, err.msg);
}

static const struct np_xpolicy *x(size_t i)
{
	assert_true(i < model.xpolicies.n);
	return &model.xpolicies.v[i];
}

static const struct np_xpolicy *named(const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < model.xpolicies.n; i++)
		if (strcmp(model.xpolicies.v[i].kind, kind) == 0 &&
		    strcmp(model.xpolicies.v[i].name, name) == 0)
			return &model.xpolicies.v[i];
	fail_msg("no %s %s", kind, name);
	return NULL;
}

static const char *sel_label(const struct np_selector *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n_labels; i++)
		if (strcmp(s->label_keys[i], key) == 0)
			return s->label_values[i];
	return NULL;
}

/* ---- Cilium ---- */

static void test_cilium_specs_list_from_kubescape(void **state)
{
	(void)state;
	load_file("cnp-specs-list.yaml");
	assert_int_equal(model.xpolicies.n, 1);
	assert_int_equal(x(0)->xkind, NP_XP_CILIUM_NP);
	assert_string_equal(x(0)->kind, "CiliumNetworkPolicy");
	assert_string_equal(x(0)->api_group, "cilium.io");
	assert_string_equal(x(0)->api_version, "cilium.io/v2");
	assert_string_equal(x(0)->namespace, "my-ns");
	assert_string_equal(x(0)->name, "baseline");
	assert_int_equal(x(0)->spec_index, 0);
	assert_int_equal(x(0)->isolates, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_true(np_selector_is_empty(&x(0)->subject_pods));
	assert_false(x(0)->subject_all_namespaces);
	assert_int_equal(x(0)->loc.line, 4);
	assert_int_equal(model.n_k8s_objects, 1);
}

static void test_cilium_each_spec_is_a_record(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: two, namespace: a}\n"
	     "specs:\n- {endpointSelector: {matchLabels: {app: a}}, ingress: [{}]}\n"
	     "- {endpointSelector: {matchLabels: {app: b}}, egressDeny: [{}]}\n");
	assert_int_equal(model.xpolicies.n, 2);
	assert_int_equal(x(0)->spec_index, 0);
	assert_int_equal(x(1)->spec_index, 1);
	assert_int_equal(x(0)->isolates, NP_DIR_INGRESS);
	assert_int_equal(x(1)->isolates, NP_DIR_EGRESS);
	assert_string_equal(sel_label(&x(1)->subject_pods, "app"), "b");
	assert_int_equal(model.n_objects, 1);
}

static void test_cilium_key_prefixes_are_stripped(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: a}\n"
	     "spec:\n  endpointSelector:\n    matchLabels: {'k8s:app': web, 'any:tier': front, role: db}\n"
	     "    matchExpressions: [{key: 'k8s:env', operator: In, values: [prod]}]\n"
	     "  ingress: [{fromEndpoints: [{}]}]\n");
	assert_string_equal(sel_label(&x(0)->subject_pods, "app"), "web");
	assert_string_equal(sel_label(&x(0)->subject_pods, "tier"), "front");
	assert_string_equal(sel_label(&x(0)->subject_pods, "role"), "db");
	assert_string_equal(x(0)->subject_pods.exprs[0].key, "env");
	assert_int_equal(x(0)->subject_ns.n_labels, 0);
}

static void test_cilium_namespace_label_selects_namespaces(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: team}\n"
	     "spec:\n  endpointSelector:\n"
	     "    matchLabels: {'k8s:io.kubernetes.pod.namespace': team-a, app: web,\n"
	     "                  'io.cilium.k8s.namespace.labels.env': prod}\n"
	     "  egress: [{toEndpoints: [{}]}]\n");
	assert_null(x(0)->namespace);
	assert_int_equal(x(0)->xkind, NP_XP_CILIUM_CCNP);
	assert_false(x(0)->subject_all_namespaces);
	assert_int_equal(x(0)->subject_ns.n_labels, 2);
	assert_string_equal(sel_label(&x(0)->subject_ns, "kubernetes.io/metadata.name"), "team-a");
	assert_string_equal(sel_label(&x(0)->subject_ns, "env"), "prod");
	assert_int_equal(x(0)->subject_pods.n_labels, 1);
	assert_string_equal(sel_label(&x(0)->subject_pods, "app"), "web");
	assert_int_equal(x(0)->isolates, NP_DIR_EGRESS);
}

static void test_ccnp_with_expressions_covers_all_namespaces(void **state)
{
	(void)state;
	load_file("ccnp-match-expressions.yaml");
	assert_true(x(0)->subject_all_namespaces);
	assert_int_equal(x(0)->subject_pods.n_exprs, 1);
	assert_string_equal(x(0)->subject_pods.exprs[0].key, "role");
	assert_int_equal(x(0)->isolates, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(model.namespaces.n, 0);
}

static void test_cilium_empty_rule_lists_isolate_nothing(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: a}\n"
	     "spec: {endpointSelector: {}, ingress: [], egress: []}\n");
	assert_int_equal(x(0)->isolates, 0);
}

static void test_cilium_enable_default_deny_overrides(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: a}\n"
	     "spec: {endpointSelector: {}, ingress: [{}], enableDefaultDeny: {ingress: false, egress: true}}\n");
	assert_int_equal(x(0)->isolates, NP_DIR_EGRESS);
}

static void test_cilium_host_policy_is_ignored(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: host}\n"
	     "spec: {nodeSelector: {}, ingress: [{}]}\n");
	assert_true(x(0)->ignored);
}

static void test_cilium_namespace_defaults_like_other_objects(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\n"
	     "spec: {endpointSelector: {}}\n");
	assert_string_equal(x(0)->namespace, "default");
	assert_int_equal(x(0)->priority, -1);
}

static void test_cilium_wrong_shapes_do_not_crash(void **state)
{
	(void)state;
	load("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: a}\n"
	     "specs: [1, {endpointSelector: [x]}]\n"
	     "---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: q, namespace: a}\n"
	     "spec: 5\n");
	assert_int_equal(model.xpolicies.n, 3);
	assert_true(x(0)->ignored);
	assert_true(x(1)->subject_pods.invalid);
	assert_true(x(2)->ignored);
	assert_true(model.warnings.n >= 1);
}

/* ---- Calico ---- */

static void test_calico_v3_networkpolicy(void **state)
{
	(void)state;
	load("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
	     "metadata: {name: allow-web, namespace: shop}\n"
	     "spec: {selector: app == 'web', ingress: [{action: Allow}]}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
	     "metadata: {name: both, namespace: shop}\n"
	     "spec: {ingress: [{action: Allow}], egress: [{action: Allow}]}\n");
	assert_int_equal(x(0)->xkind, NP_XP_CALICO_NP);
	assert_string_equal(x(0)->namespace, "shop");
	assert_string_equal(x(0)->calico_selector, "app == 'web'");
	assert_int_equal(x(0)->isolates, NP_DIR_INGRESS);
	assert_false(x(0)->ignored);
	assert_null(x(1)->calico_selector);
	assert_int_equal(x(1)->isolates, NP_DIR_INGRESS | NP_DIR_EGRESS);
}

static void test_calico_crd_default_tier_prefix_is_hidden(void **state)
{
	(void)state;
	load("apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\n"
	     "metadata: {name: default.allow-web, namespace: shop}\nspec: {types: [Egress]}\n"
	     "---\napiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\n"
	     "metadata: {name: security.block, namespace: shop}\nspec: {}\n");
	assert_string_equal(x(0)->name, "allow-web");
	assert_string_equal(x(0)->api_group, "projectcalico.org");
	assert_string_equal(x(0)->api_version, "crd.projectcalico.org/v1");
	assert_int_equal(x(0)->isolates, NP_DIR_EGRESS);
	assert_string_equal(x(1)->name, "security.block");
}

static void test_calico_v3_and_crd_copies_are_one_policy(void **state)
{
	struct np_error err;

	(void)state;
	load("apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\n"
	     "metadata: {name: default.allow-web, namespace: shop}\nspec: {}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
	     "metadata: {name: allow-web, namespace: shop}\nspec: {}\n");
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_model_finish(&model, &err), 0);
	assert_int_equal(model.xpolicies.n, 1);
}

static void test_calico_mirrors_and_staged_kinds_are_ignored(void **state)
{
	(void)state;
	load("apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\n"
	     "metadata: {name: knp.default.deny, namespace: a}\nspec: {}\n"
	     "---\napiVersion: crd.projectcalico.org/v1\nkind: GlobalNetworkPolicy\n"
	     "metadata: {name: kanp.adminnetworkpolicy.x}\nspec: {}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\n"
	     "metadata: {name: s, namespace: a}\nspec: {}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: StagedGlobalNetworkPolicy\n"
	     "metadata: {name: g}\nspec: {}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\n"
	     "metadata: {name: k, namespace: a}\nspec: {}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
	     "metadata: {name: real, namespace: a}\nspec: {}\n");
	assert_int_equal(model.xpolicies.n, 6);
	assert_true(x(0)->ignored);
	assert_true(x(1)->ignored);
	assert_true(x(2)->ignored);
	assert_true(x(3)->ignored);
	assert_int_equal(x(3)->xkind, NP_XP_CALICO_GNP);
	assert_true(x(4)->ignored);
	assert_false(x(5)->ignored);
}

static void test_calico_global_policy_namespace_selector(void **state)
{
	(void)state;
	load("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\n"
	     "spec: {namespaceSelector: team == 'a', selector: all(), types: [Ingress, Egress]}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: all}\n"
	     "spec: {}\n");
	assert_null(x(0)->namespace);
	assert_string_equal(x(0)->calico_ns_selector, "team == 'a'");
	assert_string_equal(x(0)->calico_selector, "all()");
	assert_false(x(0)->subject_all_namespaces);
	assert_int_equal(x(0)->isolates, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_true(x(1)->subject_all_namespaces);
}

static void test_calico_host_endpoint_only_policies_are_ignored(void **state)
{
	(void)state;
	load("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: pre}\n"
	     "spec: {preDNAT: true, applyOnForward: true, selector: has(host)}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: dnt}\n"
	     "spec: {doNotTrack: true, applyOnForward: true}\n"
	     "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: fwd}\n"
	     "spec: {applyOnForward: true}\n");
	assert_true(x(0)->ignored);
	assert_true(x(1)->ignored);
	assert_false(x(2)->ignored);
}

/* ---- AdminNetworkPolicy family ---- */

static void test_anp_and_banp_from_conformance_v0_1_8(void **state)
{
	const struct np_xpolicy *anp, *banp;

	(void)state;
	load_file("anp-np-banp-v0.1.8.yaml");
	assert_int_equal(model.xpolicies.n, 2);
	assert_int_equal(model.netpols.n, 1);
	anp = named("AdminNetworkPolicy", "pass-example");
	assert_int_equal(anp->xkind, NP_XP_ANP);
	assert_string_equal(anp->api_group, "policy.networking.k8s.io");
	assert_null(anp->namespace);
	assert_int_equal(anp->priority, 10);
	assert_false(anp->subject_all_namespaces);
	assert_string_equal(sel_label(&anp->subject_ns, "conformance-house"), "gryffindor");
	assert_true(np_selector_is_empty(&anp->subject_pods));
	/* Its Deny rules name one namespace: not a deny-all. */
	assert_int_equal(anp->denies_all, 0);
	assert_int_equal(anp->isolates, 0);
	banp = named("BaselineAdminNetworkPolicy", "default");
	assert_int_equal(banp->xkind, NP_XP_BANP);
	assert_int_equal(banp->priority, -1);
	assert_int_equal(banp->denies_all, 0);
}

static void test_anp_pre_v0_1_peer_shape_is_tolerated(void **state)
{
	const struct np_xpolicy *anp;

	(void)state;
	load_file("anp-walkthrough-pre-v0.1.yaml");
	anp = named("AdminNetworkPolicy", "anp1");
	assert_int_equal(anp->priority, 1);
	assert_true(anp->subject_all_namespaces);
	assert_int_equal(anp->denies_all, 0);
	assert_int_equal(model.warnings.n, 0);
}

static void test_banp_deny_from_all_namespaces_isolates(void **state)
{
	const struct np_xpolicy *b;

	(void)state;
	load("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
	     "metadata: {name: default}\n"
	     "spec:\n  subject: {namespaces: {}}\n"
	     "  ingress: [{name: deny, action: Deny, from: [{namespaces: {}}]}]\n"
	     "  egress: [{name: deny, action: Deny, to: [{pods: {namespaceSelector: {}, podSelector: {}}}]}]\n");
	b = named("BaselineAdminNetworkPolicy", "default");
	assert_int_equal(b->denies_all, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(b->isolates, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_true(b->subject_all_namespaces);
}

static void test_anp_deny_on_some_ports_or_allow_is_not_deny_all(void **state)
{
	const struct np_xpolicy *a;

	(void)state;
	load("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
	     "metadata: {name: a}\n"
	     "spec:\n  priority: 5\n  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: x}}}}\n"
	     "  ingress:\n"
	     "  - {action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}\n"
	     "  - {action: Allow, from: [{namespaces: {}}]}\n"
	     "  egress:\n"
	     "  - {action: Deny, to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {a: b}}}}]}\n");
	a = named("AdminNetworkPolicy", "a");
	assert_int_equal(a->denies_all, 0);
	assert_true(a->subject_all_namespaces);
	assert_string_equal(sel_label(&a->subject_pods, "app"), "x");
}

static void test_cnp_tiers_from_conformance(void **state)
{
	const struct np_xpolicy *c;

	(void)state;
	load_file("cnp-admin-tier.yaml");
	load_file("cnp-baseline-tier.yaml");
	c = named("ClusterNetworkPolicy", "ingress-tcp");
	assert_int_equal(c->xkind, NP_XP_CNP);
	assert_string_equal(c->tier, "Admin");
	assert_int_equal(c->priority, 3);
	assert_string_equal(sel_label(&c->subject_ns, "kubernetes.io/metadata.name"),
			    "network-policy-conformance-gryffindor");
	assert_int_equal(c->denies_all, 0);
	c = named("ClusterNetworkPolicy", "default");
	assert_string_equal(c->tier, "Baseline");
	assert_int_equal(c->priority, 10);
}

static void test_cnp_deny_without_protocols_on_all_namespaces(void **state)
{
	(void)state;
	load("apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
	     "metadata: {name: all}\n"
	     "spec:\n  tier: Baseline\n  priority: 1\n  subject: {namespaces: {}}\n"
	     "  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n"
	     "  egress: [{action: Deny, to: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 80}}}]}]\n");
	assert_int_equal(x(0)->denies_all, NP_DIR_INGRESS);
}

static void test_admin_policy_without_subject_fails_closed(void **state)
{
	(void)state;
	load("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
	     "metadata: {name: nosubj}\nspec: {priority: 1}\n");
	assert_true(x(0)->subject_pods.invalid);
	assert_int_equal(model.warnings.n, 1);
	assert_non_null(strstr(model.warnings.v[0].message, "spec.subject: required"));
}

static void test_anp_rules_are_decoded_in_order(void **state)
{
	const struct np_xpolicy *a;
	const struct np_xrule *r;

	(void)state;
	load("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
	     "metadata: {name: r}\n"
	     "spec:\n  priority: 9\n  subject: {namespaces: {}}\n"
	     "  ingress:\n"
	     "  - name: allow-web\n    action: Allow\n"
	     "    from: [{namespaces: {matchLabels: {team: a}}}]\n"
	     "    ports:\n"
	     "    - portNumber: {protocol: UDP, port: 53}\n"
	     "    - namedPort: http\n"
	     "    - portRange: {protocol: TCP, start: 8000, end: 8080}\n"
	     "  - {action: Pass, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: x}}}}]}\n"
	     "  egress:\n"
	     "  - {action: Deny, to: [{networks: [10.0.0.0/8, '::/0']}, {nodes: {matchLabels: {role: cp}}}]}\n");
	a = named("AdminNetworkPolicy", "r");
	assert_int_equal(a->n_ingress, 2);
	r = &a->ingress[0];
	assert_string_equal(r->name, "allow-web");
	assert_int_equal(r->action, NP_XACT_ALLOW);
	assert_false(r->invalid);
	assert_int_equal(r->n_peers, 1);
	assert_int_equal(r->peers[0].kind, NP_XPEER_NAMESPACES);
	assert_string_equal(sel_label(&r->peers[0].ns_sel, "team"), "a");
	assert_true(r->ports_present);
	assert_int_equal(r->n_ports, 3);
	assert_int_equal(r->ports[0].proto, NP_PROTO_UDP);
	assert_int_equal(r->ports[0].port, 53);
	assert_int_equal(r->ports[0].end_port, 53);
	assert_string_equal(r->ports[1].port_name, "http");
	assert_int_equal(r->ports[2].port, 8000);
	assert_int_equal(r->ports[2].end_port, 8080);
	r = &a->ingress[1];
	assert_int_equal(r->action, NP_XACT_PASS);
	assert_int_equal(r->peers[0].kind, NP_XPEER_PODS);
	assert_string_equal(sel_label(&r->peers[0].sel, "app"), "x");
	assert_false(r->ports_present);
	assert_int_equal(a->n_egress, 1);
	r = &a->egress[0];
	assert_int_equal(r->action, NP_XACT_DENY);
	assert_int_equal(r->peers[0].kind, NP_XPEER_NETWORKS);
	assert_int_equal(r->peers[0].n_networks, 2);
	assert_string_equal(r->peers[0].networks[1], "::/0");
	assert_int_equal(r->peers[1].kind, NP_XPEER_NODES);
}

static void test_cnp_protocols_are_decoded(void **state)
{
	const struct np_xrule *r;

	(void)state;
	load_file("cnp-admin-tier.yaml");
	r = &x(0)->ingress[0];
	assert_int_equal(x(0)->n_ingress, 7);
	assert_int_equal(r->action, NP_XACT_ALLOW);
	assert_false(r->ports_present);
	assert_int_equal(x(0)->ingress[1].action, NP_XACT_DENY);
	assert_int_equal(x(0)->ingress[2].action, NP_XACT_PASS);
	r = &x(0)->ingress[3];
	assert_true(r->ports_present);
	assert_int_equal(r->ports[0].proto, NP_PROTO_TCP);
	assert_int_equal(r->ports[0].port, 80);
	assert_false(r->ports[0].all_ports);
	assert_false(r->invalid);
}

static void test_admin_rule_problems_fail_closed(void **state)
{
	const struct np_xpolicy *a;

	(void)state;
	load("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n"
	     "metadata: {name: default}\n"
	     "spec:\n  subject: {namespaces: {}}\n"
	     "  ingress:\n"
	     "  - {action: Pass, from: [{namespaces: {}}]}\n"
	     "  - {action: Allow, from: [{bogus: {}}]}\n"
	     "  - {action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {port: 0}}]}\n"
	     "  - {action: Allow, from: []}\n");
	a = named("BaselineAdminNetworkPolicy", "default");
	assert_int_equal(a->n_ingress, 4);
	/* BANP has no Pass. */
	assert_int_equal(a->ingress[0].action, NP_XACT_INVALID);
	assert_true(a->ingress[1].invalid);
	assert_int_equal(a->ingress[1].peers[0].kind, NP_XPEER_UNKNOWN);
	assert_true(a->ingress[2].invalid);
	assert_true(a->ingress[3].invalid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cilium_specs_list_from_kubescape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_each_spec_is_a_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_key_prefixes_are_stripped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_namespace_label_selects_namespaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ccnp_with_expressions_covers_all_namespaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_empty_rule_lists_isolate_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_enable_default_deny_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_host_policy_is_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_namespace_defaults_like_other_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cilium_wrong_shapes_do_not_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calico_v3_networkpolicy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calico_crd_default_tier_prefix_is_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calico_v3_and_crd_copies_are_one_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calico_mirrors_and_staged_kinds_are_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calico_global_policy_namespace_selector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calico_host_endpoint_only_policies_are_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anp_and_banp_from_conformance_v0_1_8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anp_pre_v0_1_peer_shape_is_tolerated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banp_deny_from_all_namespaces_isolates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anp_deny_on_some_ports_or_allow_is_not_deny_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cnp_tiers_from_conformance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cnp_deny_without_protocols_on_all_namespaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_policy_without_subject_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anp_rules_are_decoded_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cnp_protocols_are_decoded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_rule_problems_fail_closed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
