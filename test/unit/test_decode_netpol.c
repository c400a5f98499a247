/* Kubernetes NetworkPolicy decoding: rules, policyTypes defaulting, and the
 * NP-208 validation issues (DESIGN §4, §5.3). */
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

static const struct np_netpol *decode_text(const char *text)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(&model, text, strlen(text), "np.yaml", NULL, NULL, NULL, &err);
	if (rc != 0)
		fail_msg("decode: %d %s", rc, err.msg);
	assert_true(model.netpols.n >= 1);
	return &model.netpols.v[model.netpols.n - 1];
}

/* A policy "p" in namespace "a" with the given spec (flow or block YAML after "spec:"). */
static const struct np_netpol *decode_spec(const char *spec)
{
	char doc[4096];

	snprintf(doc, sizeof(doc), "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
				   "metadata: {name: p, namespace: a}\nspec:%s\n", spec);
	return decode_text(doc);
}

static size_t count_issues(const struct np_netpol *p, enum np_issue_level lvl)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_issues; i++)
		n += p->issues[i].level == lvl;
	return n;
}

static const struct np_issue *find_issue(const struct np_netpol *p, enum np_issue_level lvl,
					 const char *needle)
{
	size_t i;

	for (i = 0; i < p->n_issues; i++)
		if (p->issues[i].level == lvl && strstr(p->issues[i].message, needle))
			return &p->issues[i];
	return NULL;
}

static void expect_fail(const struct np_netpol *p, const char *needle)
{
	size_t i;

	if (find_issue(p, NP_ISSUE_FAIL, needle))
		return;
	for (i = 0; i < p->n_issues; i++)
		print_message("issue: %s\n", p->issues[i].message);
	fail_msg("no FAIL issue containing \"%s\"", needle);
}

/* ---- policyTypes (DESIGN §4 defaulting) ---- */

static void test_types_absent_default_to_ingress(void **state)
{
	const struct np_netpol *p = decode_spec(" {podSelector: {}, ingress: [{}]}");

	(void)state;
	assert_int_equal(p->types_raw, NP_RAW_ABSENT);
	assert_int_equal(p->types_written, 0);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
	assert_int_equal(p->types_line, 0);
	assert_int_equal(p->n_issues, 0);
}

static void test_types_absent_with_egress_rules_add_egress(void **state)
{
	const struct np_netpol *p = decode_spec(" {podSelector: {}, egress: [{to: [{podSelector: {}}]}]}");

	(void)state;
	assert_int_equal(p->types_effective, NP_DIR_INGRESS | NP_DIR_EGRESS);
}

static void test_types_absent_with_empty_egress_list_is_ingress_only(void **state)
{
	const struct np_netpol *p = decode_spec(" {podSelector: {}, egress: []}");

	(void)state;
	assert_true(p->egress_present);
	assert_int_equal(p->n_egress, 0);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
}

static void test_types_empty_list_and_null_are_defaulted(void **state)
{
	const struct np_netpol *p = decode_spec(" {policyTypes: [], egress: [{}]}");

	(void)state;
	assert_int_equal(p->types_raw, NP_RAW_ARRAY);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS | NP_DIR_EGRESS);
	p = decode_spec(" {policyTypes: null}");
	assert_int_equal(p->types_raw, NP_RAW_NULL);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
	assert_int_equal(p->n_issues, 0);
}

static void test_types_written_are_authoritative(void **state)
{
	const struct np_netpol *p = decode_spec("\n  podSelector: {}\n  policyTypes:\n  - Egress\n");

	(void)state;
	assert_int_equal(p->types_raw, NP_RAW_ARRAY);
	assert_int_equal(p->types_written, NP_DIR_EGRESS);
	assert_int_equal(p->types_effective, NP_DIR_EGRESS);
	assert_int_equal(p->types_line, 6);
	p = decode_spec(" {policyTypes: [Ingress, Egress]}");
	assert_int_equal(p->types_effective, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(p->n_issues, 0);
}

static void test_types_wrong_case_fail_but_count_case_insensitively(void **state)
{
	const struct np_netpol *p = decode_spec(" {policyTypes: [ingress, EGRESS]}");

	(void)state;
	assert_int_equal(p->types_written, 0);
	assert_int_equal(p->types_written_ci, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
	assert_int_equal(count_issues(p, NP_ISSUE_FAIL), 2);
	expect_fail(p, "spec.policyTypes[0]: unsupported value \"ingress\"");
}

static void test_types_as_a_string_fail(void **state)
{
	const struct np_netpol *p = decode_spec(" {policyTypes: Ingress}");

	(void)state;
	assert_int_equal(p->types_raw, NP_RAW_OTHER);
	assert_int_equal(p->types_written_ci, 0);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
	expect_fail(p, "spec.policyTypes: must be a list, not a string");
}

static void test_types_non_string_entry_and_too_many_fail(void **state)
{
	const struct np_netpol *p = decode_spec(" {policyTypes: [Ingress, 5]}");

	(void)state;
	expect_fail(p, "spec.policyTypes[1]: must be a string");
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
	p = decode_spec(" {policyTypes: [Ingress, Egress, Ingress]}");
	expect_fail(p, "at most 2");
}

static void test_rules_of_an_omitted_direction_warn(void **state)
{
	const struct np_netpol *p = decode_spec(" {policyTypes: [Ingress], ingress: [{}], egress: [{}]}");
	const struct np_issue *is;

	(void)state;
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
	assert_int_equal(count_issues(p, NP_ISSUE_FAIL), 0);
	is = find_issue(p, NP_ISSUE_WARN, "spec.egress: ignored");
	assert_non_null(is);
	assert_int_equal(is->line, 4);
}

static void test_extensions_v1beta1_warns(void **state)
{
	const struct np_netpol *p = decode_text("apiVersion: extensions/v1beta1\nkind: NetworkPolicy\n"
						"metadata: {name: old, namespace: a}\nspec: {podSelector: {}}\n");

	(void)state;
	assert_string_equal(p->api_version, "extensions/v1beta1");
	assert_non_null(find_issue(p, NP_ISSUE_WARN, "extensions/v1beta1"));
	assert_int_equal(count_issues(p, NP_ISSUE_FAIL), 0);
}

/* ---- rules, peers and ports ---- */

static void test_full_policy_decodes_rules_peers_and_ports(void **state)
{
	const struct np_netpol *p = decode_spec(
		"\n"
		"  podSelector:\n"
		"    matchLabels: {app: web, tier: front}\n"
		"    matchExpressions:\n"
		"    - {key: env, operator: In, values: [prod, stage]}\n"
		"    - {key: legacy, operator: DoesNotExist}\n"
		"  ingress:\n"
		"  - from:\n"
		"    - namespaceSelector: {matchLabels: {team: x}}\n"
		"      podSelector: {matchLabels: {role: client}}\n"
		"    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.0/24]}\n"
		"    ports:\n"
		"    - port: 443\n"
		"    - {protocol: UDP, port: dns}\n"
		"    - {protocol: SCTP, port: 1000, endPort: 2000}\n"
		"    - {protocol: TCP}\n"
		"  egress:\n"
		"  - to: [{ipBlock: {cidr: 'fd00::/8', except: ['fd00:1::/32']}}]\n");
	const struct np_rule *r;
	const struct np_peer *peer;

	(void)state;
	assert_int_equal(p->n_issues, 0);
	assert_true(p->pod_selector.present);
	assert_int_equal(p->pod_selector.n_labels, 2);
	assert_string_equal(p->pod_selector.label_keys[0], "app");
	assert_string_equal(p->pod_selector.label_values[1], "front");
	assert_int_equal(p->pod_selector.n_exprs, 2);
	assert_int_equal(p->pod_selector.exprs[0].op, NP_SEL_IN);
	assert_int_equal(p->pod_selector.exprs[0].n_values, 2);
	assert_string_equal(p->pod_selector.exprs[0].values[1], "stage");
	assert_int_equal(p->pod_selector.exprs[1].op, NP_SEL_DOESNOTEXIST);
	assert_false(p->pod_selector.invalid);
	assert_int_equal(p->n_ingress, 1);
	r = &p->ingress[0];
	assert_false(r->invalid);
	assert_true(r->peers_present);
	assert_int_equal(r->n_peers, 2);
	peer = &r->peers[0];
	assert_true(peer->has_pod_sel);
	assert_true(peer->has_ns_sel);
	assert_string_equal(peer->ns_sel.label_values[0], "x");
	assert_null(peer->ipblock);
	peer = &r->peers[1];
	assert_false(peer->has_pod_sel);
	assert_non_null(peer->ipblock);
	assert_string_equal(peer->ipblock->cidr, "10.0.0.0/8");
	assert_int_equal(peer->ipblock->n_except, 2);
	assert_true(r->ports_present);
	assert_int_equal(r->n_ports, 4);
	assert_int_equal(r->ports[0].proto, NP_PROTO_TCP);
	assert_true(r->ports[0].has_port);
	assert_int_equal(r->ports[0].port, 443);
	assert_null(r->ports[0].port_name);
	assert_int_equal(r->ports[1].proto, NP_PROTO_UDP);
	assert_string_equal(r->ports[1].port_name, "dns");
	assert_int_equal(r->ports[2].proto, NP_PROTO_SCTP);
	assert_true(r->ports[2].has_end_port);
	assert_int_equal(r->ports[2].end_port, 2000);
	assert_false(r->ports[3].has_port);
	assert_int_equal(p->n_egress, 1);
	assert_string_equal(p->egress[0].peers[0].ipblock->except[0], "fd00:1::/32");
	assert_int_equal(p->types_effective, NP_DIR_INGRESS | NP_DIR_EGRESS);
}

static void test_empty_from_and_absent_ports_mean_all(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: [{from: [], ports: []}, {}, null]}");

	(void)state;
	assert_int_equal(p->n_ingress, 3);
	assert_false(p->ingress[0].peers_present);
	assert_false(p->ingress[0].ports_present);
	assert_false(p->ingress[1].peers_present);
	assert_false(p->ingress[2].invalid);
	assert_int_equal(p->n_issues, 0);
}

static void test_pod_selector_presence(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: []}");

	(void)state;
	assert_false(p->pod_selector.present);
	assert_true(np_selector_is_empty(&p->pod_selector));
	p = decode_spec(" {podSelector: {}}");
	assert_true(p->pod_selector.present);
	assert_true(np_selector_is_empty(&p->pod_selector));
	p = decode_spec("\n  podSelector:\n  policyTypes: [Ingress]\n");
	assert_true(p->pod_selector.present);
	assert_true(np_selector_is_empty(&p->pod_selector));
	assert_int_equal(p->n_issues, 0);
}

static void test_null_peer_selector_is_not_given(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: [{from: [{podSelector: null, namespaceSelector: {}}]}]}");

	(void)state;
	assert_false(p->ingress[0].peers[0].has_pod_sel);
	assert_true(p->ingress[0].peers[0].has_ns_sel);
	assert_int_equal(p->n_issues, 0);
}

static void test_namespace_written_null_or_absent(void **state)
{
	const struct np_netpol *p;

	(void)state;
	p = decode_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			"metadata: {name: p, namespace: null}\nspec: {}\n");
	assert_true(p->namespace_explicit);
	assert_true(p->namespace_null);
	assert_string_equal(p->namespace, "default");
	p = decode_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
			"metadata: {name: p}\n");
	assert_false(p->namespace_explicit);
	assert_false(p->spec_present);
	assert_int_equal(p->types_effective, NP_DIR_INGRESS);
}

static void test_location_is_metadata_name(void **state)
{
	const struct np_netpol *p = decode_text("---\napiVersion: networking.k8s.io/v1\n"
						"kind: NetworkPolicy\nmetadata:\n  namespace: a\n"
						"  name: deny\nspec: {}\n");

	(void)state;
	assert_string_equal(p->loc.file, "np.yaml");
	assert_null(p->loc.member);
	assert_int_equal(p->loc.object_line, 2);
	assert_int_equal(p->loc.line, 6);
	assert_int_equal(p->loc.column, 3);
}

static void test_compliant_seed_has_no_issues(void **state)
{
	char path[1024], *buf;
	FILE *f;
	long n;
	struct np_error err;

	(void)state;
	snprintf(path, sizeof(path), "%s/decode/001-compliant-1.yaml", NP_TEST_DATA);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_decode_buffer(&model, buf, (size_t)n, path, NULL, NULL, NULL, &err), 0);
	free(buf);
	assert_int_equal(model.netpols.n, 1);
	assert_int_equal(model.netpols.v[0].n_issues, 0);
	assert_int_equal(model.netpols.v[0].types_effective, NP_DIR_INGRESS | NP_DIR_EGRESS);
}

/* ---- NP-208: one behaviour each ---- */

static void test_in_without_values_fails_and_selects_nothing(void **state)
{
	const struct np_netpol *p = decode_spec(" {podSelector: {matchExpressions: [{key: app, operator: In}]}}");

	(void)state;
	expect_fail(p, "spec.podSelector.matchExpressions[0].values: must be non-empty for operator In");
	assert_true(p->pod_selector.invalid);
	assert_false(np_selector_is_empty(&p->pod_selector));
}

static void test_notin_with_empty_values_fails(void **state)
{
	const struct np_netpol *p = decode_spec(
		" {ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: NotIn, values: []}]}}]}]}");

	(void)state;
	expect_fail(p, "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: must be non-empty");
	assert_true(p->ingress[0].peers[0].pod_sel.invalid);
	assert_true(p->ingress[0].invalid);
}

static void test_exists_with_values_fails(void **state)
{
	const struct np_netpol *p = decode_spec(
		" {podSelector: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}}");

	(void)state;
	expect_fail(p, "must be empty for operator Exists");
	assert_true(p->pod_selector.invalid);
}

static void test_unknown_operator_fails(void **state)
{
	const struct np_netpol *p = decode_spec(
		" {podSelector: {matchExpressions: [{key: a, operator: in, values: [x]}]}}");

	(void)state;
	expect_fail(p, "unknown operator \"in\"");
	assert_int_equal(p->pod_selector.exprs[0].op, NP_SEL_BADOP);
	assert_string_equal(p->pod_selector.exprs[0].op_text, "in");
	assert_true(p->pod_selector.invalid);
}

static void test_end_port_below_port_fails(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: [{ports: [{port: 2000, endPort: 1000}]}, {}]}");

	(void)state;
	expect_fail(p, "spec.ingress[0].ports[0].endPort: 1000 is below port 2000");
	assert_true(p->ingress[0].invalid);
	/* Only the rule with the problem allows nothing. */
	assert_false(p->ingress[1].invalid);
}

static void test_end_port_with_named_port_fails(void **state)
{
	const struct np_netpol *p = decode_spec(" {egress: [{ports: [{port: http, endPort: 90}]}]}");

	(void)state;
	expect_fail(p, "spec.egress[0].ports[0].endPort: may not be used with a named port");
	assert_true(p->egress[0].invalid);
}

static void test_end_port_without_port_fails(void **state)
{
	const struct np_netpol *p = decode_spec(" {egress: [{ports: [{endPort: 90}]}]}");

	(void)state;
	expect_fail(p, "endPort: requires port");
}

static void test_ipblock_with_selector_in_one_peer_fails(void **state)
{
	const struct np_netpol *p = decode_spec(
		" {ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}");

	(void)state;
	expect_fail(p, "spec.ingress[0].from[0]: ipBlock may not be combined with podSelector");
	assert_true(p->ingress[0].invalid);
}

static void test_empty_peer_fails(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: [{from: [{}]}]}");
	const struct np_issue *is;

	(void)state;
	expect_fail(p, "spec.ingress[0].from[0]: empty peer");
	is = find_issue(p, NP_ISSUE_FAIL, "empty peer");
	assert_int_equal(is->line, 4);
	assert_true(p->ingress[0].invalid);
}

static void test_bad_cidrs_fail(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "10.0.0.256/8", "010.0.0.0/8", "10.0.0.0", "10.0.0.0/x", "::1/129",
		"10.0.0.0/-1", "fe80::1%eth0/64",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char spec[256];
		const struct np_netpol *p;

		snprintf(spec, sizeof(spec), " {egress: [{to: [{ipBlock: {cidr: '%s'}}]}]}", bad[i]);
		p = decode_spec(spec);
		expect_fail(p, "spec.egress[0].to[0].ipBlock.cidr: invalid CIDR");
		assert_true(p->egress[0].invalid);
	}
}

static void test_host_bits_in_cidr_are_accepted(void **state)
{
	const struct np_netpol *p = decode_spec(" {egress: [{to: [{ipBlock: {cidr: 10.1.2.3/8}}]}]}");

	(void)state;
	assert_int_equal(p->n_issues, 0);
}

static void test_except_outside_cidr_fails(void **state)
{
	static const char *const bad[] = { "11.0.0.0/16", "10.0.0.0/8", "10.0.0.0/7", "fd00::/16", "x/1" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char spec[256];
		const struct np_netpol *p;

		snprintf(spec, sizeof(spec),
			 " {egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: ['%s']}}]}]}", bad[i]);
		p = decode_spec(spec);
		expect_fail(p, "spec.egress[0].to[0].ipBlock.except[0]");
		assert_true(p->egress[0].invalid);
	}
}

static void test_unsupported_protocol_fails(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: [{ports: [{protocol: ICMP}, {protocol: tcp, port: 1}]}]}");

	(void)state;
	expect_fail(p, "spec.ingress[0].ports[0].protocol: unsupported protocol \"ICMP\"");
	expect_fail(p, "spec.ingress[0].ports[1].protocol: unsupported protocol \"tcp\"");
	assert_int_equal(p->ingress[0].ports[0].proto, NP_PROTO_INVALID);
	assert_true(p->ingress[0].invalid);
}

static void test_non_string_label_values_fail(void **state)
{
	const struct np_netpol *p = decode_spec(" {podSelector: {matchLabels: {version: 2, on: true}}}");

	(void)state;
	expect_fail(p, "spec.podSelector.matchLabels.version: must be a string, not a number");
	assert_true(p->pod_selector.invalid);
	assert_int_equal(count_issues(p, NP_ISSUE_FAIL), 2);
}

static void test_quoted_numeric_port_fails(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: [{ports: [{port: \"80\"}]}]}");
	const struct np_issue *is;

	(void)state;
	expect_fail(p, "spec.ingress[0].ports[0].port: \"80\" is a quoted number");
	is = find_issue(p, NP_ISSUE_FAIL, "quoted number");
	assert_int_equal(is->line, 4);
	assert_true(p->ingress[0].invalid);
}

static void test_quoted_numeric_port_in_json_fails(void **state)
{
	const struct np_netpol *p = decode_text(
		"{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\",\n"
		" \"metadata\": {\"name\": \"j\", \"namespace\": \"a\"},\n"
		" \"spec\": {\"ingress\": [{\"ports\": [{\"port\": \"8080\"}]}]}}");

	(void)state;
	expect_fail(p, "quoted number");
}

static void test_port_out_of_range_and_bad_names_fail(void **state)
{
	const struct np_netpol *p = decode_spec(
		" {ingress: [{ports: [{port: 0}, {port: 70000}, {port: HTTP}, {port: a--b}, {port: 1.5}]}]}");

	(void)state;
	expect_fail(p, "ports[0].port: 0 is not between 1 and 65535");
	expect_fail(p, "ports[1].port: 70000 is not between 1 and 65535");
	expect_fail(p, "ports[2].port: invalid port name \"HTTP\"");
	expect_fail(p, "ports[3].port: invalid port name");
	expect_fail(p, "ports[4].port: must be a number or a port name");
}

static void test_labels_as_a_list_fail(void **state)
{
	const struct np_netpol *p = decode_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
						"metadata: {name: p, namespace: a, labels: [a, b]}\n"
						"spec: {podSelector: {matchLabels: [app, web]}}\n");

	(void)state;
	expect_fail(p, "metadata.labels: must be a map of strings, not a list");
	expect_fail(p, "spec.podSelector.matchLabels: must be a map, not a list");
	assert_true(p->pod_selector.invalid);
}

static void test_wrong_shapes_fail_closed(void **state)
{
	const struct np_netpol *p = decode_spec(" {ingress: {from: []}, egress: [{to: {podSelector: {}}, ports: 80}]}");

	(void)state;
	expect_fail(p, "spec.ingress: must be a list, not a map");
	expect_fail(p, "spec.egress[0].to: must be a list, not a map");
	expect_fail(p, "spec.egress[0].ports: must be a list, not a number");
	assert_int_equal(p->n_ingress, 0);
	assert_true(p->egress[0].invalid);
	p = decode_spec(" just-text");
	expect_fail(p, "spec: must be a map, not a string");
	assert_true(p->pod_selector.invalid);
	p = decode_spec(" {podSelector: {matchExpressions: {key: a}}}");
	expect_fail(p, "spec.podSelector.matchExpressions: must be a list");
	assert_true(p->pod_selector.invalid);
	p = decode_spec(" {podSelector: [a]}");
	expect_fail(p, "spec.podSelector: must be a map, not a list");
	assert_true(p->pod_selector.invalid);
}

static void test_missing_name_fails(void **state)
{
	const struct np_netpol *p = decode_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
						"metadata: {namespace: a}\nspec: {}\n");

	(void)state;
	expect_fail(p, "metadata.name: required");
	assert_string_equal(p->name, "");
}

static void test_expression_problems_missing_key_and_operator(void **state)
{
	const struct np_netpol *p = decode_spec(
		" {podSelector: {matchExpressions: [{operator: Exists}, {key: a}, 7, "
		"{key: b, operator: In, values: [1, x]}, {key: c, operator: In, values: x}]}}");

	(void)state;
	expect_fail(p, "matchExpressions[0].key: required");
	expect_fail(p, "matchExpressions[1].operator: required");
	expect_fail(p, "matchExpressions[2]: must be a map");
	expect_fail(p, "matchExpressions[3].values[0]: must be a string");
	expect_fail(p, "matchExpressions[4].values: must be a list");
	assert_true(p->pod_selector.invalid);
}

static void test_nul_characters_invalidate_values(void **state)
{
	const struct np_netpol *p = decode_text(
		"{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\",\n"
		" \"metadata\": {\"name\": \"n\", \"namespace\": \"a\"},\n"
		" \"spec\": {\"podSelector\": {\"matchLabels\": {\"app\": \"web\\u0000x\"}},\n"
		"  \"ingress\": [{\"ports\": [{\"port\": \"http\\u0000\"}]}]}}");

	(void)state;
	expect_fail(p, "spec.podSelector.matchLabels.app: must be a string, not a string with a NUL");
	assert_true(p->pod_selector.invalid);
	expect_fail(p, "spec.ingress[0].ports[0].port: contains a NUL character");
	assert_true(p->ingress[0].invalid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_types_absent_default_to_ingress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_absent_with_egress_rules_add_egress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_absent_with_empty_egress_list_is_ingress_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_empty_list_and_null_are_defaulted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_written_are_authoritative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_wrong_case_fail_but_count_case_insensitively, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_as_a_string_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_non_string_entry_and_too_many_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules_of_an_omitted_direction_warn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extensions_v1beta1_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_policy_decodes_rules_peers_and_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_from_and_absent_ports_mean_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pod_selector_presence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_peer_selector_is_not_given, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespace_written_null_or_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_location_is_metadata_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compliant_seed_has_no_issues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_without_values_fails_and_selects_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notin_with_empty_values_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exists_with_values_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_operator_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_port_below_port_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_port_with_named_port_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_port_without_port_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipblock_with_selector_in_one_peer_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_peer_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_cidrs_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_bits_in_cidr_are_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_except_outside_cidr_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_protocol_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_string_label_values_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_numeric_port_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_numeric_port_in_json_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_out_of_range_and_bad_names_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels_as_a_list_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_shapes_fail_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_name_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expression_problems_missing_key_and_operator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_characters_invalidate_values, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
