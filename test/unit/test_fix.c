/* `fix` (analyzer/fix.c): what it generates per namespace, preserve and
 * --no-preserve, narrowing, idempotency, validity of the output, and the
 * connections preserve keeps (checked with the reachability engine).
 * Clusters are small YAML documents decoded into a model, so that the
 * generated policies can be decoded back into the same model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "netpol/fix.h"
#include "netpol/reach.h"
#include "netpol/report.h"
#include "netpol/selector.h"
#include "netpol/snapshot.h"

struct t {
	struct np_model m;
	struct np_fix fx;
	struct np_fix_options o;
	char *yaml;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	np_model_init(&t->m);
	t->o.preserve = true;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	free(t->yaml);
	np_fix_release(&t->fx);
	np_model_release(&t->m);
	free(t);
	return 0;
}

static void add(struct np_model *m, const char *file, const char *text)
{
	struct np_error err;

	memset(&err, 0, sizeof(err));
	if (np_decode_buffer(m, text, strlen(text), file, NULL, NULL, NULL, &err) != 0)
		fail_msg("decode: %s", err.msg);
	if (np_model_finish(m, &err) != 0)
		fail_msg("finish: %s", err.msg);
}

static void fix(struct t *t)
{
	struct np_error err;

	memset(&err, 0, sizeof(err));
	np_fix_release(&t->fx);
	if (np_fix_build(&t->fx, &t->m, &t->o, &err) != 0)
		fail_msg("fix: %s", err.msg);
	free(t->yaml);
	t->yaml = t->fx.n ? np_fix_policies_yaml(t->fx.v, t->fx.n) : NULL;
	if (t->fx.n)
		assert_non_null(t->yaml);
}

static void load_and_fix(struct t *t, const char *text)
{
	add(&t->m, "cluster.yaml", text);
	fix(t);
}

/* Decodes the output into the model, as `-f CLUSTER -f FIX` would. */
static void apply(struct t *t)
{
	assert_non_null(t->yaml);
	add(&t->m, "fix.yaml", t->yaml);
}

static const struct np_fix_policy *find(const struct t *t, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < t->fx.n; i++)
		if (strcmp(t->fx.v[i].namespace, ns) == 0 && strcmp(t->fx.v[i].name, name) == 0)
			return &t->fx.v[i];
	return NULL;
}

static const struct np_fix_policy *get(const struct t *t, const char *ns, const char *name)
{
	const struct np_fix_policy *p = find(t, ns, name);

	if (!p)
		fail_msg("no policy %s/%s", ns, name);
	return p;
}

static size_t count_purpose(const struct t *t, const char *purpose)
{
	size_t i, n = 0;

	for (i = 0; i < t->fx.n; i++)
		n += strcmp(t->fx.v[i].purpose, purpose) == 0;
	return n;
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

static void assert_selector(const struct np_selector *s, const char *want)
{
	char buf[256];

	np_selector_format(s, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* The four controls fix closes, on the model as it is. */
static void assert_controls_pass(const struct np_model *m)
{
	struct np_report rep;
	struct np_audit_options o;
	const char *ids[] = { "NP-102", "NP-103", "NP-201", "NP-205" };
	size_t i;

	memset(&o, 0, sizeof(o));
	o.selected = ids;
	o.n_selected = 4;
	o.today = "2026-01-01";
	np_report_init(&rep);
	assert_int_equal(np_audit_run(&rep, m, &o, NULL), 0);
	for (i = 0; i < rep.controls.n; i++)
		if (rep.controls.v[i].status != NP_ST_PASS)
			fail_msg("%s: %s", rep.controls.v[i].def->id, rep.controls.v[i].summary);
	np_report_release(&rep);
}

/* ---- clusters ---- */

#define NS(n) "apiVersion: v1\nkind: Namespace\nmetadata: {name: " n "}\n---\n"
#define POD(ns, name, labels, ports)                                                         \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: " name "\n  namespace: " ns "\n"      \
	"  labels: " labels "\nspec:\n  containers:\n  - name: c\n    ports: " ports "\n"   \
	"status: {phase: Running, podIP: 10.244.0.9}\n---\n"
#define DNS_POD                                                                              \
	POD("kube-system", "coredns-1", "{k8s-app: kube-dns}",                               \
	    "[{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]")
#define SVC(ns, name, sel, ports)                                                            \
	"apiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: " ns "}\n"     \
	"spec:\n  selector: " sel "\n  ports: " ports "\n---\n"
#define NETPOL(ns, name, spec)                                                               \
	"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " name       \
	", namespace: " ns "}\nspec: " spec "\n---\n"

static const char shop[] =
	NS("kube-system") DNS_POD NS("shop")
	POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]")
	POD("shop", "db-1", "{app: db}", "[{name: pg, containerPort: 5432}]")
	SVC("shop", "web", "{app: web}", "[{port: 80, targetPort: 8080}]")
	SVC("shop", "db", "{app: db}", "[{port: 5432, targetPort: pg}]");

/* ---- what is generated ---- */

static void test_namespace_without_policy_gets_default_deny(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, shop);
	p = get(t, "shop", "default-deny");
	assert_string_equal(p->controls, "NP-102,NP-103,NP-201");
	assert_string_equal(p->purpose, "default-deny");
	assert_int_equal(p->types, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_true(np_selector_is_empty(&p->pod_selector));
	assert_null(p->review);
	assert_int_equal(t->fx.n_namespaces, 2); /* shop, and kube-system (reviewed) */
	assert_non_null(get(t, "kube-system", "allow-system-traffic")->review);
}

static void test_missing_direction_only(void **state)
{
	struct t *t = *state;

	load_and_fix(t, NS("shop") POD("shop", "a", "{app: a}", "[]")
		     NETPOL("shop", "deny-ingress", "{podSelector: {}}"));
	assert_null(find(t, "shop", "default-deny"));
	assert_int_equal(get(t, "shop", "default-deny-egress")->types, NP_DIR_EGRESS);
	assert_string_equal(get(t, "shop", "default-deny-egress")->controls, "NP-103,NP-201");
}

static void test_compliant_namespace_gets_nothing(void **state)
{
	struct t *t = *state;

	load_and_fix(t, NS("kube-system") DNS_POD
		     NETPOL("kube-system", "all", "{podSelector: {}, policyTypes: [Ingress, Egress], "
			    "egress: [{ports: [{port: 53, protocol: UDP}, {port: 53}]}]}"));
	assert_int_equal(t->fx.n, 0);
	assert_int_equal(t->fx.n_namespaces, 0);
}

static void test_excluded_namespace_is_left_alone(void **state)
{
	struct t *t = *state;
	const char *globs[] = { "sh*" };

	t->o.scope.n_globs = 1;
	t->o.scope.exclude_globs = globs;
	t->o.scope.exclude_system = true;
	load_and_fix(t, shop);
	assert_int_equal(t->fx.n, 0);
}

static void test_controls_select_what_is_closed(void **state)
{
	struct t *t = *state;
	const char *ids[] = { "np-201" };

	t->o.selected = ids;
	t->o.n_selected = 1;
	load_and_fix(t, NS("shop") POD("shop", "a", "{app: a}", "[]")
		     NETPOL("shop", "deny-ingress", "{podSelector: {}}"));
	assert_string_equal(get(t, "shop", "default-deny-egress")->controls, "NP-201");
}

static void test_no_fix_control_selected_generates_nothing(void **state)
{
	struct t *t = *state;
	const char *ids[] = { "NP-101", "NP-208" };

	t->o.selected = ids;
	t->o.n_selected = 2;
	load_and_fix(t, shop);
	assert_int_equal(t->fx.n, 0);
	assert_int_equal(t->fx.n_notes, 1);
	assert_true(np_fix_handles("np-205"));
	assert_false(np_fix_handles("NP-208"));
}

static void test_dns_allow_for_pods_isolated_without_dns(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;
	const char *ids[] = { "NP-205" };

	t->o.selected = ids;
	t->o.n_selected = 1;
	load_and_fix(t, NS("kube-system") DNS_POD
		     NETPOL("kube-system", "all", "{podSelector: {}, policyTypes: [Ingress, Egress], "
			    "egress: [{ports: [{port: 53, protocol: UDP}, {port: 53}]}]}")
		     NS("shop") POD("shop", "a", "{app: a}", "[]") POD("shop", "b", "{app: b}", "[]")
		     NETPOL("shop", "deny-in", "{podSelector: {}}")
		     NETPOL("shop", "a-out", "{podSelector: {matchLabels: {app: a}}, "
			    "policyTypes: [Egress], egress: [{ports: [{port: 443}]}]}"));
	/* b is not egress-isolated: an empty selector would isolate it */
	assert_int_equal(t->fx.n, 1);
	p = get(t, "shop", "allow-dns-a-out");
	assert_selector(&p->pod_selector, "app=a");
	assert_string_equal(p->controls, "NP-205");
	assert_int_equal(p->types, NP_DIR_EGRESS);
}

static void test_default_deny_egress_carries_dns_for_everyone(void **state)
{
	struct t *t = *state;

	load_and_fix(t, NS("kube-system") DNS_POD
		     NS("shop") POD("shop", "a", "{app: a}", "[]") POD("shop", "b", "{app: b}", "[]")
		     NETPOL("shop", "deny-in", "{podSelector: {}}")
		     NETPOL("shop", "a-out", "{podSelector: {matchLabels: {app: a}}, "
			    "policyTypes: [Egress], egress: [{ports: [{port: 443}]}]}"));
	assert_int_equal(get(t, "shop", "default-deny-egress")->n_egress, 1);
	assert_null(find(t, "shop", "allow-dns-a-out"));
	apply(t);
	assert_controls_pass(&t->m);
}

static void test_dns_only_with_np205_selected(void **state)
{
	struct t *t = *state;
	const char *ids[] = { "NP-205" };

	t->o.selected = ids;
	t->o.n_selected = 1;
	load_and_fix(t, NS("kube-system") DNS_POD NS("shop") POD("shop", "a", "{app: a}", "[]")
		     NETPOL("shop", "deny-all", "{podSelector: {}, policyTypes: [Ingress, Egress]}"));
	assert_int_equal(t->fx.n, 1);
	assert_true(np_selector_is_empty(&get(t, "shop", "allow-dns")->pod_selector));
}

static void test_hostnetwork_only_namespace_gets_no_pod_fix(void **state)
{
	struct t *t = *state;

	load_and_fix(t, NS("nodes") NETPOL("nodes", "x", "{podSelector: {matchLabels: {a: b}}}")
		     "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: nodes}\n"
		     "spec: {hostNetwork: true, containers: [{name: c}]}\n");
	/* NP-201 still asks for the namespace default-deny; NP-103 has no pod */
	assert_string_equal(get(t, "nodes", "default-deny")->controls, "NP-201");
}

static void test_undecided_namespace_is_noted_not_fixed(void **state)
{
	struct t *t = *state;

	load_and_fix(t, POD("synth", "a", "{app: a}", "[]")
		     "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n"
		     "metadata: {name: anp}\nspec:\n  priority: 10\n  subject:\n    namespaces:\n"
		     "      matchLabels: {env: prod}\n  ingress:\n  - action: Deny\n    from:\n"
		     "    - namespaces: {}\n  egress:\n  - action: Deny\n    to:\n"
		     "    - namespaces: {}\n");
	assert_null(find(t, "synth", "default-deny"));
	assert_true(t->fx.n_notes > 0);
	assert_non_null(strstr(t->fx.notes[0], "namespace synth"));
}

static void test_missing_policies_make_the_result_incomplete(void **state)
{
	struct t *t = *state;

	add(&t->m, "cluster.yaml", shop);
	assert_int_equal(np_model_set_avail(&t->m, NP_RES_NETWORKPOLICIES, "shop",
					    NP_AVAIL_UNREADABLE, "forbidden", "no", "live"), 0);
	fix(t);
	assert_true(t->fx.incomplete);
	assert_null(find(t, "shop", "default-deny"));
}

/* ---- preserve ---- */

static void test_service_backends_keep_ingress_on_target_ports(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, shop);
	p = get(t, "shop", "preserve-ingress-web");
	assert_string_equal(p->purpose, "preserve");
	assert_selector(&p->pod_selector, "app=web");
	assert_int_equal(p->types, NP_DIR_INGRESS);
	assert_int_equal(p->n_ingress, 1);
	assert_true(p->ingress[0].rule.peers[0].has_ns_sel);
	assert_true(np_selector_is_empty(&p->ingress[0].rule.peers[0].ns_sel));
	assert_true(has_port(&p->ingress[0].rule, NP_PROTO_TCP, 8080, NULL));
	assert_non_null(strstr(p->ingress[0].comment, "Service web"));
	/* a named target port stays named: it resolves on the selected pods */
	assert_true(has_port(&get(t, "shop", "preserve-ingress-db")->ingress[0].rule, NP_PROTO_TCP, 0,
			     "pg"));
}

static void test_load_balancer_is_kept_from_outside(void **state)
{
	struct t *t = *state;
	const struct np_rule *r;

	load_and_fix(t, NS("shop") POD("shop", "web-1", "{app: web}", "[]")
		     "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
		     "spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}\n");
	r = &get(t, "shop", "preserve-ingress-web")->ingress[0].rule;
	assert_int_equal(r->n_peers, 3);
	assert_string_equal(r->peers[1].ipblock->cidr, "0.0.0.0/0");
	assert_string_equal(r->peers[2].ipblock->cidr, "::/0");
}

static void test_egress_to_service_ports_is_kept(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, shop);
	p = get(t, "shop", "preserve-egress-services");
	assert_true(np_selector_is_empty(&p->pod_selector));
	assert_int_equal(p->types, NP_DIR_EGRESS);
	assert_true(np_selector_is_empty(&p->egress[0].rule.peers[0].ns_sel));
	assert_true(has_port(&p->egress[0].rule, NP_PROTO_TCP, 8080, NULL));
	assert_true(has_port(&p->egress[0].rule, NP_PROTO_TCP, 0, "pg"));
	assert_int_equal(p->egress[0].rule.n_ports, 2);
}

static void test_named_target_port_not_declared_is_left_out(void **state)
{
	struct t *t = *state;

	load_and_fix(t, NS("shop") POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 80}]")
		     SVC("shop", "web", "{app: web}", "[{port: 80, targetPort: http}, "
			 "{port: 81, targetPort: missing}]"));
	assert_int_equal(get(t, "shop", "preserve-ingress-web")->ingress[0].rule.n_ports, 1);
}

static void test_mirror_of_an_egress_rule_naming_the_pods(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;
	const struct np_peer *src;

	load_and_fix(t, NS("kube-system") DNS_POD NS("shop") NS("front")
		     POD("shop", "db-1", "{app: db}", "[]") POD("front", "api-1", "{app: api}", "[]")
		     NETPOL("front", "api-out", "{podSelector: {matchLabels: {app: api}}, policyTypes: "
			    "[Egress], egress: [{to: [{namespaceSelector: {matchLabels: "
			    "{kubernetes.io/metadata.name: shop}}, podSelector: {matchLabels: {app: db}}}], "
			    "ports: [{port: 5432}]}]}"));
	p = get(t, "shop", "preserve-ingress-from-api-out");
	assert_selector(&p->pod_selector, "app=db");
	src = &p->ingress[0].rule.peers[0];
	assert_selector(&src->ns_sel, "kubernetes.io/metadata.name=front");
	assert_selector(&src->pod_sel, "app=api");
	assert_true(has_port(&p->ingress[0].rule, NP_PROTO_TCP, 5432, NULL));
}

static void test_mirror_of_an_ingress_rule_in_the_same_namespace(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, NS("shop") POD("shop", "db-1", "{app: db}", "[]")
		     POD("shop", "api-1", "{app: api}", "[]")
		     NETPOL("shop", "db-in", "{podSelector: {matchLabels: {app: db}}, ingress: "
			    "[{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]}"));
	p = get(t, "shop", "preserve-egress-to-db-in");
	assert_selector(&p->pod_selector, "app=api");
	assert_false(p->egress[0].rule.peers[0].has_ns_sel);
	assert_selector(&p->egress[0].rule.peers[0].pod_sel, "app=db");
}

static void test_everything_peers_are_not_mirrored(void **state)
{
	struct t *t = *state;

	load_and_fix(t, NS("shop") NS("front") POD("shop", "db-1", "{app: db}", "[]")
		     POD("front", "api-1", "{app: api}", "[]")
		     NETPOL("front", "api-out", "{podSelector: {}, policyTypes: [Egress], egress: "
			    "[{to: [{namespaceSelector: {}}], ports: [{port: 5432}]}]}"));
	assert_int_equal(count_purpose(t, "preserve"), 0);
}

static void test_subject_narrowed_to_pods_that_become_isolated(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	/* web-1 (tier=a) is isolated already: the preserve policy must not widen it */
	load_and_fix(t, NS("shop") POD("shop", "web-1", "{app: web, tier: a}", "[]")
		     POD("shop", "web-2", "{app: web, tier: b}", "[]")
		     SVC("shop", "web", "{app: web}", "[{port: 80}]")
		     NETPOL("shop", "web-a", "{podSelector: {matchLabels: {tier: a}}}"));
	p = get(t, "shop", "preserve-ingress-web");
	assert_selector(&p->pod_selector, "app=web,tier notin (a)");
}

static void test_subject_per_workload_when_no_label_tells_apart(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	/* the isolated pod has no label the others lack */
	load_and_fix(t, NS("shop") POD("shop", "web-1", "{app: web}", "[]")
		     POD("shop", "web-2", "{app: web, tier: b}", "[]")
		     SVC("shop", "web", "{app: web}", "[{port: 80}]")
		     NETPOL("shop", "web-1", "{podSelector: {matchExpressions: [{key: tier, "
			    "operator: DoesNotExist}]}}"));
	p = get(t, "shop", "preserve-ingress-web-web-2");
	assert_selector(&p->pod_selector, "app=web,tier=b");
}

static void test_allow_listed_when_it_cannot_be_narrowed(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	/* web-1 and web-2 are isolated by labels web-3 lacks, and no label
	 * separates web-3 from both: its allow can only be listed */
	load_and_fix(t, NS("shop") POD("shop", "web-1", "{app: web, x: '1'}", "[]")
		     POD("shop", "web-2", "{app: web, y: '1'}", "[]")
		     POD("shop", "web-3", "{app: web}", "[]")
		     SVC("shop", "web", "{app: web}", "[{port: 80}]")
		     NETPOL("shop", "x", "{podSelector: {matchLabels: {x: '1'}}}")
		     NETPOL("shop", "y", "{podSelector: {matchLabels: {y: '1'}}}"));
	assert_int_equal(count_purpose(t, "preserve") , 1); /* egress only */
	p = get(t, "shop", "default-deny");
	assert_non_null(p->footer);
	assert_non_null(strstr(p->footer, "Not kept"));
	assert_non_null(strstr(p->footer, "- ingress of app=web from every pod in the cluster on TCP 80 "
					  "(Service web; for Pod web-3)"));
}

static void test_no_preserve_lists_instead(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	t->o.preserve = false;
	load_and_fix(t, shop);
	assert_int_equal(count_purpose(t, "preserve"), 0);
	p = get(t, "shop", "default-deny");
	assert_non_null(p->footer);
	assert_non_null(strstr(p->footer, "Not allowed (--no-preserve)"));
	assert_non_null(strstr(p->footer, "- ingress of app=web from every pod in the cluster on "
					  "TCP 8080 (Service web)"));
	assert_non_null(strstr(p->footer, "Egress outside the cluster"));
}

#define HOST_CTRL \
	NS("ingress-nginx") NS("shop") \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: ctrl-1\n  namespace: ingress-nginx\n" \
	"  labels: {app.kubernetes.io/name: ingress-nginx}\nspec:\n  hostNetwork: true\n" \
	"  containers: [{name: c}]\nstatus: {phase: Running, podIP: 10.0.0.7}\n---\n" \
	POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]") \
	SVC("shop", "web", "{app: web}", "[{port: 80, targetPort: http}]") \
	"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: public, namespace: shop}\n" \
	"spec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: " \
	"{service: {name: web, port: {number: 80}}}}]}}]}\n"

static const char host_ctrl[] = HOST_CTRL;

static void test_hostnetwork_ingress_controller_kept_by_address(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, host_ctrl);
	p = get(t, "shop", "preserve-ingress-web");
	assert_int_equal(p->n_ingress, 2);
	assert_string_equal(p->ingress[1].rule.peers[0].ipblock->cidr, "10.0.0.7/32");
	/* ipBlocks never match named ports: the number the pods declare */
	assert_true(has_port(&p->ingress[1].rule, NP_PROTO_TCP, 8080, NULL));
	assert_non_null(strstr(p->ingress[1].comment, "Ingress public"));
}

static void test_hostnetwork_service_backends_kept_by_address(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;
	size_t i;
	bool found = false;

	load_and_fix(t, HOST_CTRL
		     "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ctrl, namespace: ingress-nginx}\n"
		     "spec: {selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{port: 80}]}\n");
	p = get(t, "shop", "preserve-egress-services");
	for (i = 0; i < p->n_egress; i++)
		if (p->egress[i].rule.peers[0].ipblock &&
		    strcmp(p->egress[i].rule.peers[0].ipblock->cidr, "10.0.0.7/32") == 0)
			found = has_port(&p->egress[i].rule, NP_PROTO_TCP, 80, NULL);
	assert_true(found);
}

/* hostNetwork pods connect from their nodes' addresses, which the kept
 * Service allows (every pod: namespaceSelector {}) never match: the
 * default-deny says so and lists their addresses to allow by hand. */
#define HOST_AGENT \
	NS("monitoring") NS("shop") \
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent-x1\n  namespace: monitoring\n" \
	"  labels: {app: agent}\nspec:\n  hostNetwork: true\n" \
	"  containers: [{name: c}]\nstatus: {phase: Running, podIP: 10.0.0.8}\n---\n" \
	POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]") \
	SVC("shop", "web", "{app: web}", "[{port: 80, targetPort: http}]")

static void test_hostnetwork_clients_are_listed_with_their_addresses(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, HOST_AGENT);
	p = get(t, "shop", "default-deny");
	assert_non_null(p->footer);
	assert_non_null(strstr(p->footer, "hostNetwork"));
	assert_non_null(strstr(p->footer, "Pod monitoring/agent-x1"));
	assert_non_null(strstr(p->footer, "10.0.0.8/32"));
}

static void test_hostnetwork_clients_are_listed_without_preserve(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	t->o.preserve = false;
	load_and_fix(t, HOST_AGENT);
	p = get(t, "shop", "default-deny");
	assert_non_null(p->footer);
	assert_non_null(strstr(p->footer, "Pod monitoring/agent-x1"));
}

/* Addresses are told apart whole: 1.2.3.4/32 is not "already listed"
 * because 11.2.3.4/32 contains it as text. */
static void test_hostnetwork_addresses_compared_whole(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, NS("monitoring") NS("shop")
		     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent-a\n  namespace: monitoring\n"
		     "spec:\n  hostNetwork: true\n  containers: [{name: c}]\n"
		     "status: {phase: Running, podIP: 11.2.3.4}\n---\n"
		     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent-b\n  namespace: monitoring\n"
		     "spec:\n  hostNetwork: true\n  containers: [{name: c}]\n"
		     "status: {phase: Running, podIP: 1.2.3.4}\n---\n"
		     POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]"));
	p = get(t, "shop", "default-deny");
	assert_non_null(p->footer);
	assert_non_null(strstr(p->footer, "11.2.3.4/32, 1.2.3.4/32"));
}

static void test_no_hostnetwork_pods_nothing_listed(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, shop);
	p = get(t, "shop", "default-deny");
	assert_true(!p->footer || !strstr(p->footer, "hostNetwork"));
}

/* An Ingress with only spec.defaultBackend sends to its Service as one with
 * rules does: the kept ingress names it. */
static void test_default_backend_only_ingress_is_named(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, NS("shop")
		     POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]")
		     SVC("shop", "web", "{app: web}", "[{port: 80, targetPort: http}]")
		     "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: fallback, "
		     "namespace: shop}\nspec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n");
	p = get(t, "shop", "preserve-ingress-web");
	assert_non_null(strstr(p->ingress[0].comment, "Ingress fallback"));
	assert_true(has_port(&p->ingress[0].rule, NP_PROTO_TCP, 0, "http"));
}

/* Services without a selector (hand-kept Endpoints) and ExternalName
 * Services usually lead outside the cluster: the egress default-deny names
 * them among what to allow by hand. */
static void test_selectorless_and_external_name_services_are_listed(void **state)
{
	struct t *t = *state;
	const struct np_fix_policy *p;

	load_and_fix(t, NS("shop")
		     POD("shop", "web-1", "{app: web}", "[{name: http, containerPort: 8080}]")
		     "apiVersion: v1\nkind: Service\nmetadata: {name: legacy-db, namespace: shop}\n"
		     "spec: {ports: [{port: 5432}]}\n---\n"
		     "apiVersion: v1\nkind: Service\nmetadata: {name: payments-api, namespace: shop}\n"
		     "spec: {type: ExternalName, externalName: api.example.com}\n---\n"
		     "apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\n"
		     "spec: {ports: [{port: 443, targetPort: 6443}]}\n");
	p = get(t, "shop", "default-deny");
	assert_non_null(p->footer);
	/* default/kubernetes is the API server, named apart */
	assert_non_null(strstr(p->footer, "(shop/legacy-db, shop/payments-api)"));
	assert_int_equal(count_purpose(t, "preserve"), 0);
}

/* ---- the output ---- */

static void test_output_decodes_without_issues(void **state)
{
	struct t *t = *state;
	struct np_model m;
	struct np_error err;
	size_t i;

	load_and_fix(t, shop);
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_decode_buffer(&m, t->yaml, strlen(t->yaml), "fix.yaml", NULL, NULL, NULL,
					  &err), 0);
	assert_int_equal(m.netpols.n, t->fx.n);
	for (i = 0; i < m.netpols.n; i++)
		assert_int_equal(m.netpols.v[i].n_issues, 0);
	np_model_release(&m);
}

static void test_controls_pass_once_applied(void **state)
{
	struct t *t = *state;

	load_and_fix(t, shop);
	apply(t);
	assert_controls_pass(&t->m);
}

static void test_idempotent(void **state)
{
	struct t *t = *state;

	load_and_fix(t, host_ctrl);
	apply(t);
	fix(t);
	assert_int_equal(t->fx.n, 0);
}

static void test_idempotent_without_preserve(void **state)
{
	struct t *t = *state;

	t->o.preserve = false;
	load_and_fix(t, shop);
	apply(t);
	assert_controls_pass(&t->m);
	fix(t);
	assert_int_equal(t->fx.n, 0);
}

/* The reachability engine agrees: every pod still reaches the Service
 * backends on their target ports, and nothing else is left open. */
static void test_reach_keeps_service_traffic(void **state)
{
	struct t *t = *state;
	struct np_reach_options ro;
	struct np_reach *r = NULL;
	const struct np_connset *c;
	size_t i, web = SIZE_MAX, db = SIZE_MAX, dns = SIZE_MAX;

	load_and_fix(t, shop);
	apply(t);
	np_reach_options_default(&ro);
	assert_int_equal(np_reach_new(&r, &t->m, &ro, NULL), 0);
	for (i = 0; i < np_reach_n_nodes(r); i++) {
		const struct np_reach_node *n = np_reach_node(r, i);

		if (n->kind != NP_REACH_WORKLOAD)
			continue;
		if (strcmp(n->name, "web-1") == 0)
			web = i;
		else if (strcmp(n->name, "db-1") == 0)
			db = i;
		else if (strcmp(n->name, "coredns-1") == 0)
			dns = i;
	}
	assert_true(web != SIZE_MAX && db != SIZE_MAX && dns != SIZE_MAX);
	assert_int_equal(np_reach_pair(r, web, db, &c), 0);
	assert_true(np_connset_contains(c, NP_PROTO_TCP, 5432));
	assert_false(np_connset_contains(c, NP_PROTO_TCP, 22));
	assert_int_equal(np_reach_pair(r, db, web, &c), 0);
	assert_true(np_connset_contains(c, NP_PROTO_TCP, 8080));
	assert_false(np_connset_contains(c, NP_PROTO_TCP, 5432));
	assert_int_equal(np_reach_pair(r, web, dns, &c), 0);
	assert_true(np_connset_contains(c, NP_PROTO_UDP, 53));
	np_reach_free(r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_namespace_without_policy_gets_default_deny),
		T(test_missing_direction_only),
		T(test_compliant_namespace_gets_nothing),
		T(test_excluded_namespace_is_left_alone),
		T(test_controls_select_what_is_closed),
		T(test_no_fix_control_selected_generates_nothing),
		T(test_dns_allow_for_pods_isolated_without_dns),
		T(test_default_deny_egress_carries_dns_for_everyone),
		T(test_dns_only_with_np205_selected),
		T(test_hostnetwork_only_namespace_gets_no_pod_fix),
		T(test_undecided_namespace_is_noted_not_fixed),
		T(test_missing_policies_make_the_result_incomplete),
		T(test_service_backends_keep_ingress_on_target_ports),
		T(test_load_balancer_is_kept_from_outside),
		T(test_egress_to_service_ports_is_kept),
		T(test_named_target_port_not_declared_is_left_out),
		T(test_mirror_of_an_egress_rule_naming_the_pods),
		T(test_mirror_of_an_ingress_rule_in_the_same_namespace),
		T(test_everything_peers_are_not_mirrored),
		T(test_subject_narrowed_to_pods_that_become_isolated),
		T(test_subject_per_workload_when_no_label_tells_apart),
		T(test_allow_listed_when_it_cannot_be_narrowed),
		T(test_no_preserve_lists_instead),
		T(test_hostnetwork_ingress_controller_kept_by_address),
		T(test_hostnetwork_service_backends_kept_by_address),
		T(test_hostnetwork_clients_are_listed_with_their_addresses),
		T(test_hostnetwork_clients_are_listed_without_preserve),
		T(test_hostnetwork_addresses_compared_whole),
		T(test_no_hostnetwork_pods_nothing_listed),
		T(test_default_backend_only_ingress_is_named),
		T(test_selectorless_and_external_name_services_are_listed),
		T(test_output_decodes_without_issues),
		T(test_controls_pass_once_applied),
		T(test_idempotent),
		T(test_idempotent_without_preserve),
		T(test_reach_keeps_service_traffic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
