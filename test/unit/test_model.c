/* The model: lookups, availability, diagnostics and np_model_finish
 * (duplicates, namespace synthesis, top owners, template pods). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/model.h"
#include "netpol/snapshot.h"

static void load_as(struct np_model *m, const char *file, const char *text)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(m, text, strlen(text), file, NULL, NULL, NULL, &err);
	if (rc != 0)
		fail_msg("decode %s: %d %s", file, rc, err.msg);
}

static void load(struct np_model *m, const char *text)
{
	load_as(m, "in.yaml", text);
}

static void finish(struct np_model *m)
{
	struct np_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(np_model_finish(m, &err), 0);
}

static const struct np_pod *find_pod(const struct np_model *m, const char *ns, const char *name,
				     bool tmpl)
{
	size_t i;

	for (i = 0; i < m->pods.n; i++)
		if (strcmp(m->pods.v[i].namespace, ns) == 0 && strcmp(m->pods.v[i].name, name) == 0 &&
		    m->pods.v[i].is_template == tmpl)
			return &m->pods.v[i];
	return NULL;
}

static size_t count_templates(const struct np_model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->pods.n; i++)
		n += m->pods.v[i].is_template;
	return n;
}

/* ---- lookups ---- */

static void test_labels_get_finds_keys_in_sorted_labels(void **state)
{
	const char *keys[] = { "a", "app", "tier", "zone" };
	const char *values[] = { "1", "web", "front", "z1" };
	struct np_labels l = { 4, keys, values };
	char key[8];

	(void)state;
	strcpy(key, "tier"); /* not the same pointer */
	assert_string_equal(np_labels_get(&l, key), "front");
	assert_string_equal(np_labels_get(&l, "a"), "1");
	assert_string_equal(np_labels_get(&l, "zone"), "z1");
	assert_null(np_labels_get(&l, "ap"));
	assert_null(np_labels_get(&l, "zz"));
	assert_null(np_labels_get(NULL, "a"));
}

static void test_proto_names(void **state)
{
	(void)state;
	assert_string_equal(np_proto_name(NP_PROTO_TCP), "TCP");
	assert_string_equal(np_proto_name(NP_PROTO_UDP), "UDP");
	assert_string_equal(np_proto_name(NP_PROTO_SCTP), "SCTP");
	assert_string_equal(np_proto_name(NP_PROTO_INVALID), "invalid");
}

static void test_selector_is_empty_only_without_requirements(void **state)
{
	struct np_selector s;
	const char *k[] = { "app" }, *v[] = { "web" };

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_true(np_selector_is_empty(&s));
	s.present = true;
	assert_true(np_selector_is_empty(&s));
	s.n_labels = 1;
	s.label_keys = k;
	s.label_values = v;
	assert_false(np_selector_is_empty(&s));
	memset(&s, 0, sizeof(s));
	s.invalid = true;
	assert_false(np_selector_is_empty(&s));
}

static void test_resource_names_and_groups(void **state)
{
	(void)state;
	assert_string_equal(np_resource_name(NP_RES_PODS), "pods");
	assert_string_equal(np_resource_group(NP_RES_PODS), "");
	assert_string_equal(np_resource_name(NP_RES_NETWORKPOLICIES), "networkpolicies");
	assert_string_equal(np_resource_group(NP_RES_NETWORKPOLICIES), "networking.k8s.io");
	assert_string_equal(np_resource_group(NP_RES_CRONJOBS), "batch");
	assert_string_equal(np_resource_name(NP_RES_CILIUM_CCNP), "ciliumclusterwidenetworkpolicies");
	assert_string_equal(np_resource_group(NP_RES_CALICO_GNP), "projectcalico.org");
	assert_string_equal(np_resource_group(NP_RES_CNP), "policy.networking.k8s.io");
	assert_null(np_resource_name(NP_RES__COUNT));
}

static void test_push_returns_zeroed_records_and_interns(void **state)
{
	struct np_model m;
	struct np_pod *p;
	char a[8] = "team", b[8] = "team";
	size_t i;

	(void)state;
	np_model_init(&m);
	for (i = 0; i < 100; i++) {
		p = np_model_push_pod(&m);
		assert_non_null(p);
		assert_null(p->name);
		assert_false(p->has_owner);
	}
	assert_int_equal(m.pods.n, 100);
	assert_ptr_equal(np_model_str(&m, a), np_model_str(&m, b));
	assert_ptr_equal(np_model_strn(&m, "team-a", 4), np_model_str(&m, "team"));
	np_model_release(&m);
}

/* ---- availability ---- */

static void test_avail_defaults_to_read(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	assert_int_equal(np_model_avail(&m, NP_RES_PODS, "a", NULL, NULL), NP_AVAIL_READ);
	np_model_release(&m);
}

static void test_avail_namespace_entry_overrides_resource_entry(void **state)
{
	struct np_model m;
	const char *reason = NULL, *msg = NULL;

	(void)state;
	np_model_init(&m);
	assert_int_equal(np_model_set_avail(&m, NP_RES_PODS, "team-a", NP_AVAIL_UNREADABLE, "forbidden",
					    "pods is forbidden", "b.tar.gz"), 0);
	assert_int_equal(np_model_avail(&m, NP_RES_PODS, "team-a", &reason, &msg), NP_AVAIL_UNREADABLE);
	assert_string_equal(reason, "forbidden");
	assert_string_equal(msg, "pods is forbidden");
	assert_int_equal(np_model_avail(&m, NP_RES_PODS, "team-b", NULL, NULL), NP_AVAIL_READ);
	assert_int_equal(np_model_set_avail(&m, NP_RES_NETWORKPOLICIES, NULL, NP_AVAIL_NOT_COLLECTED,
					    "notCollected", NULL, "dump"), 0);
	assert_int_equal(np_model_avail(&m, NP_RES_NETWORKPOLICIES, "x", &reason, NULL),
			 NP_AVAIL_NOT_COLLECTED);
	assert_string_equal(reason, "notCollected");
	np_model_release(&m);
}

static void test_avail_read_by_any_input_wins(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	/* Same key: read replaces not-collected, and nothing replaces read. */
	np_model_set_avail(&m, NP_RES_NETWORKPOLICIES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected",
			   NULL, "dump");
	np_model_set_avail(&m, NP_RES_NETWORKPOLICIES, NULL, NP_AVAIL_READ, NULL, NULL, "np.yaml");
	np_model_set_avail(&m, NP_RES_NETWORKPOLICIES, NULL, NP_AVAIL_UNREADABLE, "parseError", NULL,
			   "other");
	assert_int_equal(np_model_avail(&m, NP_RES_NETWORKPOLICIES, "a", NULL, NULL), NP_AVAIL_READ);
	/* A namespace failure of one input, a whole-resource read of another. */
	np_model_set_avail(&m, NP_RES_PODS, "team-a", NP_AVAIL_UNREADABLE, "forbidden", NULL, "bundle");
	np_model_set_avail(&m, NP_RES_PODS, NULL, NP_AVAIL_READ, NULL, NULL, "all.yaml");
	assert_int_equal(np_model_avail(&m, NP_RES_PODS, "team-a", NULL, NULL), NP_AVAIL_READ);
	np_model_release(&m);
}

/* A manifest input that holds no object of a resource only implies it was
 * read: it cannot vouch for what a bundle did not collect or could not read,
 * in either order, while a real entry replaces the implied one. */
static void test_avail_implied_read_never_hides_a_gap(void **state)
{
	struct np_model m;
	const char *reason = NULL;

	(void)state;
	np_model_init(&m);
	assert_int_equal(np_model_imply_read(&m, NP_RES_NAMESPACES, "cm.yaml"), 0);
	np_model_set_avail(&m, NP_RES_NAMESPACES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected", NULL,
			   "bundle");
	assert_int_equal(np_model_avail(&m, NP_RES_NAMESPACES, NULL, &reason, NULL),
			 NP_AVAIL_NOT_COLLECTED);
	assert_string_equal(reason, "notCollected");
	/* the other order */
	np_model_set_avail(&m, NP_RES_NODES, NULL, NP_AVAIL_UNREADABLE, "forbidden", NULL, "bundle");
	assert_int_equal(np_model_imply_read(&m, NP_RES_NODES, "cm.yaml"), 0);
	assert_int_equal(np_model_avail(&m, NP_RES_NODES, NULL, NULL, NULL), NP_AVAIL_UNREADABLE);
	/* nor a namespace's failure */
	np_model_set_avail(&m, NP_RES_PODS, "team-a", NP_AVAIL_UNREADABLE, "forbidden", NULL, "bundle");
	assert_int_equal(np_model_imply_read(&m, NP_RES_PODS, "cm.yaml"), 0);
	assert_int_equal(np_model_avail(&m, NP_RES_PODS, "team-a", NULL, NULL), NP_AVAIL_UNREADABLE);
	/* alone, an implied read is a read */
	assert_int_equal(np_model_imply_read(&m, NP_RES_SERVICES, "cm.yaml"), 0);
	assert_int_equal(np_model_avail(&m, NP_RES_SERVICES, NULL, NULL, NULL), NP_AVAIL_READ);
	np_model_release(&m);
}

static void test_avail_same_input_namespace_failure_stands(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	np_model_set_avail(&m, NP_RES_PODS, NULL, NP_AVAIL_READ, NULL, NULL, "bundle");
	np_model_set_avail(&m, NP_RES_PODS, "team-a", NP_AVAIL_UNREADABLE, "forbidden", NULL, "bundle");
	assert_int_equal(np_model_avail(&m, NP_RES_PODS, "team-a", NULL, NULL), NP_AVAIL_UNREADABLE);
	np_model_release(&m);
}

static void test_avail_unreadable_outranks_not_collected(void **state)
{
	struct np_model m;
	const char *reason;

	(void)state;
	np_model_init(&m);
	np_model_set_avail(&m, NP_RES_CONFIGMAPS, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected", NULL, "a");
	np_model_set_avail(&m, NP_RES_CONFIGMAPS, NULL, NP_AVAIL_UNREADABLE, "collectorError", "boom", "b");
	assert_int_equal(np_model_avail(&m, NP_RES_CONFIGMAPS, NULL, &reason, NULL), NP_AVAIL_UNREADABLE);
	assert_string_equal(reason, "collectorError");
	np_model_release(&m);
}

static void test_warnings_errors_and_notes_are_recorded(void **state)
{
	struct np_model m;
	char longmsg[3000];

	(void)state;
	np_model_init(&m);
	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	assert_int_equal(np_model_warn(&m, "pods", "a", "parseError", "f.yaml", "bad %d", 3), 0);
	assert_int_equal(np_model_errorf(&m, "configmaps", NULL, "forbidden", "live", "%s", longmsg), 0);
	assert_int_equal(np_model_note(&m, NULL, NULL, "duplicate", NULL, "n"), 0);
	assert_int_equal(m.warnings.n, 1);
	assert_string_equal(m.warnings.v[0].message, "bad 3");
	assert_string_equal(m.warnings.v[0].namespace, "a");
	assert_int_equal(m.errors.n, 1);
	assert_int_equal(strlen(m.errors.v[0].message), sizeof(longmsg) - 1);
	assert_null(m.errors.v[0].namespace);
	assert_int_equal(m.notes.n, 1);
	np_model_release(&m);
}

/* ---- duplicates ---- */

static const char *netpol_v1 = "apiVersion: networking.k8s.io/v1\n"
			       "kind: NetworkPolicy\n"
			       "metadata: {name: deny, namespace: a}\n"
			       "spec: {podSelector: {}}\n";

static void test_duplicate_later_object_wins_with_note(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load_as(&m, "first.yaml", netpol_v1);
	load_as(&m, "second.yaml", "apiVersion: networking.k8s.io/v1\n"
				   "kind: NetworkPolicy\n"
				   "metadata: {name: deny, namespace: a}\n"
				   "spec: {podSelector: {}, policyTypes: [Egress]}\n");
	finish(&m);
	assert_int_equal(m.netpols.n, 1);
	assert_string_equal(m.netpols.v[0].loc.file, "second.yaml");
	assert_int_equal(m.netpols.v[0].types_effective, NP_DIR_EGRESS);
	assert_int_equal(m.notes.n, 1);
	assert_non_null(strstr(m.notes.v[0].message, "second.yaml"));
	np_model_release(&m);
}

static void test_identical_copies_drop_silently(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load_as(&m, "first.yaml", netpol_v1);
	load_as(&m, "second.yaml", netpol_v1);
	finish(&m);
	assert_int_equal(m.netpols.n, 1);
	assert_int_equal(m.notes.n, 0);
	np_model_release(&m);
}

static void test_generate_name_objects_never_merge(void **state)
{
	struct np_model m;
	const char *pod = "apiVersion: v1\nkind: Pod\n"
			  "metadata: {generateName: web-, namespace: a}\n"
			  "spec: {containers: [{name: c, image: nginx}]}\n";

	(void)state;
	np_model_init(&m);
	load(&m, pod);
	load(&m, pod);
	finish(&m);
	assert_int_equal(m.pods.n, 2);
	assert_string_equal(m.pods.v[0].name, "web-");
	assert_true(m.pods.v[0].loc.generated_name);
	np_model_release(&m);
}

static void test_kics_semantics_never_merge(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	m.kics = true;
	load_as(&m, "first.yaml", netpol_v1);
	load_as(&m, "second.yaml", netpol_v1);
	finish(&m);
	assert_int_equal(m.netpols.n, 2);
	np_model_release(&m);
}

static void test_calico_networkpolicy_never_collides_with_kubernetes(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, netpol_v1);
	load(&m, "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
		 "metadata: {name: deny, namespace: a}\nspec: {selector: all()}\n");
	finish(&m);
	assert_int_equal(m.netpols.n, 1);
	assert_int_equal(m.xpolicies.n, 1);
	np_model_release(&m);
}

static void test_extensions_and_networking_policies_share_a_group(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\n"
		 "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n");
	load(&m, netpol_v1);
	finish(&m);
	assert_int_equal(m.netpols.n, 1);
	assert_string_equal(m.netpols.v[0].api_version, "networking.k8s.io/v1");
	np_model_release(&m);
}

static void test_same_name_in_other_namespace_is_not_a_duplicate(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, netpol_v1);
	load(&m, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		 "metadata: {name: deny, namespace: b}\nspec: {podSelector: {}}\n");
	finish(&m);
	assert_int_equal(m.netpols.n, 2);
	np_model_release(&m);
}

static void test_cilium_specs_object_replaced_as_a_whole(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load_as(&m, "a.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
			      "metadata: {name: p, namespace: a}\n"
			      "specs:\n- {endpointSelector: {}, ingress: [{}]}\n"
			      "- {endpointSelector: {matchLabels: {app: x}}, egress: [{}]}\n");
	load_as(&m, "b.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
			      "metadata: {name: p, namespace: a}\n"
			      "spec: {endpointSelector: {}, egress: [{}]}\n");
	finish(&m);
	assert_int_equal(m.xpolicies.n, 1);
	assert_string_equal(m.xpolicies.v[0].loc.file, "b.yaml");
	np_model_release(&m);
}

static void test_configmap_cni_config_goes_with_replaced_configmap(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load_as(&m, "a.yaml", "apiVersion: v1\nkind: ConfigMap\n"
			      "metadata: {name: kube-flannel-cfg, namespace: kube-system}\n"
			      "data:\n  cni-conf.json: '{\"plugins\": [{\"type\": \"flannel\"}]}'\n");
	load_as(&m, "b.yaml", "apiVersion: v1\nkind: ConfigMap\n"
			      "metadata: {name: kube-flannel-cfg, namespace: kube-system}\n"
			      "data:\n  net-conf.json: '{}'\n");
	finish(&m);
	assert_int_equal(m.configmaps.n, 1);
	assert_int_equal(m.cniconfs.n, 0);
	np_model_release(&m);
}

/* ---- namespaces ---- */

static void test_referenced_namespaces_are_synthesized(void **state)
{
	struct np_model m;
	const struct np_namespace *ns;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {team: x}}\n"
		 "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: b}\n"
		 "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		 "metadata: {name: n, namespace: c}\nspec: {}\n");
	finish(&m);
	assert_int_equal(m.namespaces.n, 3);
	ns = np_model_find_namespace(&m, "a");
	assert_non_null(ns);
	assert_false(ns->synthesized);
	assert_string_equal(np_labels_get(&ns->labels, "team"), "x");
	assert_string_equal(np_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "a");
	ns = np_model_find_namespace(&m, "b");
	assert_non_null(ns);
	assert_true(ns->synthesized);
	assert_int_equal(ns->labels.n, 1);
	assert_string_equal(np_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "b");
	assert_true(np_model_find_namespace(&m, "c")->synthesized);
	assert_null(np_model_find_namespace(&m, "d"));
	np_model_release(&m);
}

static void test_namespace_metadata_name_label_is_authoritative(void **state)
{
	struct np_model m;
	const struct np_namespace *ns;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Namespace\n"
		 "metadata: {name: a, labels: {kubernetes.io/metadata.name: wrong}}\n");
	finish(&m);
	ns = np_model_find_namespace(&m, "a");
	assert_string_equal(np_labels_get(&ns->labels, "kubernetes.io/metadata.name"), "a");
	assert_int_equal(ns->labels.n, 1);
	np_model_release(&m);
}

static void test_cluster_scoped_policies_synthesize_nothing(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
		 "metadata: {name: p}\nspec: {endpointSelector: {}}\n");
	finish(&m);
	assert_int_equal(m.namespaces.n, 0);
	np_model_release(&m);
}

static void test_finish_sorts_labels_pushed_unsorted(void **state)
{
	struct np_model m;
	struct np_pod *p;
	const char **k, **v;

	(void)state;
	np_model_init(&m);
	p = np_model_push_pod(&m);
	k = np_model_alloc(&m, 3 * sizeof(*k));
	v = np_model_alloc(&m, 3 * sizeof(*v));
	k[0] = np_model_str(&m, "z");
	v[0] = np_model_str(&m, "1");
	k[1] = np_model_str(&m, "a");
	v[1] = np_model_str(&m, "2");
	k[2] = np_model_str(&m, "z");
	v[2] = np_model_str(&m, "3");
	p->labels.n = 3;
	p->labels.keys = k;
	p->labels.values = v;
	p->namespace = np_model_str(&m, "ns");
	p->name = np_model_str(&m, "p");
	finish(&m);
	p = &m.pods.v[0];
	assert_int_equal(p->labels.n, 2);
	assert_string_equal(p->labels.keys[0], "a");
	assert_string_equal(np_labels_get(&p->labels, "z"), "3");
	np_model_release(&m);
}

/* ---- owners and templates ---- */

static const char *rs_chain =
	"apiVersion: apps/v1\nkind: Deployment\n"
	"metadata: {name: web, namespace: a, uid: d1}\n"
	"spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}\n"
	"---\napiVersion: apps/v1\nkind: ReplicaSet\n"
	"metadata:\n  name: web-5d8f7\n  namespace: a\n  uid: r1\n"
	"  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]\n"
	"spec: {template: {metadata: {labels: {app: web}}}}\n"
	"---\napiVersion: v1\nkind: Pod\n"
	"metadata:\n  name: web-5d8f7-abcde\n  namespace: a\n"
	"  labels: {app: web, pod-template-hash: 5d8f7}\n"
	"  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7, uid: r1, controller: true}]\n"
	"spec: {containers: [{name: c, image: i}]}\n"
	"status: {phase: Running}\n";

static void test_top_owner_follows_replicaset_to_deployment(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, rs_chain);
	finish(&m);
	p = find_pod(&m, "a", "web-5d8f7-abcde", false);
	assert_non_null(p);
	assert_true(p->has_owner);
	assert_string_equal(p->owner.kind, "ReplicaSet");
	assert_string_equal(p->top.kind, "Deployment");
	assert_string_equal(p->top.name, "web");
	assert_string_equal(p->top.api_group, "apps");
	assert_string_equal(p->top.uid, "d1");
	assert_false(p->top_inferred);
	/* Neither the Deployment (owns a pod) nor the owned ReplicaSet gets a template. */
	assert_int_equal(count_templates(&m), 0);
	np_model_release(&m);
}

static void test_absent_replicaset_implies_deployment(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: api-6c9d4b7f8-x2x\n  namespace: a\n"
		 "  labels: {app: api, pod-template-hash: 6c9d4b7f8}\n"
		 "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-6c9d4b7f8, controller: true}]\n");
	finish(&m);
	p = find_pod(&m, "a", "api-6c9d4b7f8-x2x", false);
	assert_string_equal(p->top.kind, "Deployment");
	assert_string_equal(p->top.name, "api");
	assert_true(p->top_inferred);
	np_model_release(&m);
}

static void test_replicaset_without_matching_hash_stays_top(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: api-x\n  namespace: a\n"
		 "  labels: {app: api, pod-template-hash: other}\n"
		 "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-6c9d4b7f8, controller: true}]\n");
	finish(&m);
	p = find_pod(&m, "a", "api-x", false);
	assert_string_equal(p->top.kind, "ReplicaSet");
	assert_string_equal(p->top.name, "api-6c9d4b7f8");
	assert_false(p->top_inferred);
	np_model_release(&m);
}

static void test_non_controller_owner_is_ignored(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: solo\n  namespace: a\n"
		 "  ownerReferences: [{apiVersion: v1, kind: Node, name: n1}]\n");
	finish(&m);
	p = find_pod(&m, "a", "solo", false);
	assert_false(p->has_owner);
	assert_string_equal(p->top.kind, "Pod");
	assert_string_equal(p->top.name, "solo");
	np_model_release(&m);
}

static void test_job_pod_top_owner_is_cronjob(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: a, uid: c1}\n"
		 "spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: n}}}}}}\n"
		 "---\napiVersion: batch/v1\nkind: Job\n"
		 "metadata:\n  name: nightly-123\n  namespace: a\n  uid: j1\n"
		 "  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: nightly, controller: true}]\n"
		 "---\napiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: nightly-123-q\n  namespace: a\n"
		 "  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: nightly-123, controller: true}]\n"
		 "status: {phase: Running}\n");
	finish(&m);
	p = find_pod(&m, "a", "nightly-123-q", false);
	assert_string_equal(p->top.kind, "CronJob");
	assert_string_equal(p->top.api_group, "batch");
	assert_int_equal(count_templates(&m), 0);
	np_model_release(&m);
}

static void test_owner_chain_stops_after_five_hops(void **state)
{
	struct np_model m;
	const struct np_pod *p;
	char doc[4096];
	size_t off = 0;
	int i;

	(void)state;
	/* w0 <- w1 <- ... <- w7 (each ReplicationController owned by the next). */
	for (i = 0; i < 8; i++)
		off += (size_t)snprintf(doc + off, sizeof(doc) - off,
					"---\napiVersion: v1\nkind: ReplicationController\n"
					"metadata:\n  name: w%d\n  namespace: a\n"
					"  ownerReferences: [{apiVersion: v1, kind: ReplicationController, "
					"name: w%d, controller: true}]\n", i, i + 1);
	snprintf(doc + off, sizeof(doc) - off,
		 "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\n"
		 "  ownerReferences: [{apiVersion: v1, kind: ReplicationController, name: w0, controller: true}]\n");
	np_model_init(&m);
	load(&m, doc);
	finish(&m);
	p = find_pod(&m, "a", "p", false);
	assert_string_equal(p->top.kind, "ReplicationController");
	assert_string_equal(p->top.name, "w5");
	np_model_release(&m);
}

static void test_workload_without_pods_gets_a_template_pod(void **state)
{
	struct np_model m;
	const struct np_pod *t;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: a}\n"
		 "spec:\n  template:\n    metadata: {labels: {app: db}}\n"
		 "    spec:\n      hostNetwork: true\n"
		 "      containers: [{name: c, image: pg, ports: [{containerPort: 5432, name: pg}]}]\n"
		 "      initContainers: [{name: i, image: pg, ports: [{containerPort: 9, protocol: UDP}]}]\n");
	finish(&m);
	t = find_pod(&m, "a", "db", true);
	assert_non_null(t);
	assert_false(t->idle);
	assert_true(t->host_network);
	assert_string_equal(np_labels_get(&t->labels, "app"), "db");
	assert_string_equal(t->top.kind, "StatefulSet");
	assert_string_equal(t->owner.name, "db");
	assert_int_equal(t->n_ports, 2);
	assert_string_equal(t->ports[0].name, "pg");
	assert_int_equal(t->ports[1].proto, NP_PROTO_UDP);
	assert_int_equal(t->loc.object_line, 1);
	np_model_release(&m);
}

static void test_template_of_cluster_workload_is_idle(void **state)
{
	struct np_model m;
	const struct np_pod *t;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a, uid: u1}\n"
		 "spec: {replicas: 0, template: {metadata: {labels: {app: web}}}}\n");
	finish(&m);
	t = find_pod(&m, "a", "web", true);
	assert_non_null(t);
	assert_true(t->idle);
	np_model_release(&m);
}

static void test_owned_replicaset_gets_no_template(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	/* Deployment scaled to zero with its ReplicaSet: one template, for the Deployment. */
	load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a}\n"
		 "spec: {template: {metadata: {labels: {app: web}}}}\n"
		 "---\napiVersion: apps/v1\nkind: ReplicaSet\n"
		 "metadata:\n  name: web-1\n  namespace: a\n"
		 "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]\n"
		 "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: lone, namespace: a}\n");
	finish(&m);
	assert_int_equal(count_templates(&m), 2);
	assert_non_null(find_pod(&m, "a", "web", true));
	assert_non_null(find_pod(&m, "a", "lone", true));
	assert_null(find_pod(&m, "a", "web-1", true));
	np_model_release(&m);
}

static void test_terminated_pods_do_not_prevent_a_template(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: a}\n"
		 "---\napiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: once-x\n  namespace: a\n"
		 "  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: once, controller: true}]\n"
		 "status: {phase: Succeeded}\n");
	finish(&m);
	p = find_pod(&m, "a", "once-x", false);
	assert_true(p->terminated);
	assert_non_null(find_pod(&m, "a", "once", true));
	np_model_release(&m);
}

static void test_inferred_deployment_in_input_gets_no_template(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: a}\n"
		 "---\napiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: api-abc-1\n  namespace: a\n"
		 "  labels: {pod-template-hash: abc}\n"
		 "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-abc, controller: true}]\n");
	finish(&m);
	assert_int_equal(count_templates(&m), 0);
	assert_true(find_pod(&m, "a", "api-abc-1", false)->top_inferred);
	np_model_release(&m);
}

static void test_finish_twice_does_not_duplicate_templates(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: a}\n");
	finish(&m);
	finish(&m);
	assert_int_equal(m.pods.n, 1);
	assert_int_equal(count_templates(&m), 1);
	np_model_release(&m);
}

static void test_namespace_defined_after_a_finish_replaces_the_synthesized_one(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: late}\n");
	finish(&m);
	assert_true(np_model_find_namespace(&m, "late")->synthesized);
	load(&m, "apiVersion: v1\nkind: Namespace\nmetadata: {name: late, labels: {x: y}}\n");
	finish(&m);
	assert_int_equal(m.namespaces.n, 1);
	assert_false(np_model_find_namespace(&m, "late")->synthesized);
	np_model_release(&m);
}

static void layout_namespace(struct np_model *m, const char *name)
{
	struct np_namespace *ns = np_model_push_namespace(m);

	assert_non_null(ns);
	ns->name = np_model_str(m, name);
	ns->synthesized = true;
	ns->loc.file = np_model_str(m, "bundle/resources/ns");
}

static void test_layout_namespace_without_objects_survives_finish(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	layout_namespace(&m, "empty");
	finish(&m);
	finish(&m);
	assert_int_equal(m.namespaces.n, 1);
	assert_true(np_model_find_namespace(&m, "empty")->synthesized);
	np_model_release(&m);
}

static void test_namespace_object_replaces_layout_namespace(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	layout_namespace(&m, "team");
	layout_namespace(&m, "team");
	load(&m, "apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {x: y}}\n");
	finish(&m);
	assert_int_equal(m.namespaces.n, 1);
	assert_false(np_model_find_namespace(&m, "team")->synthesized);
	np_model_release(&m);
}

static void test_release_of_empty_model_and_null(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	np_model_release(&m);
	np_model_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_get_finds_keys_in_sorted_labels),
		cmocka_unit_test(test_proto_names),
		cmocka_unit_test(test_selector_is_empty_only_without_requirements),
		cmocka_unit_test(test_resource_names_and_groups),
		cmocka_unit_test(test_push_returns_zeroed_records_and_interns),
		cmocka_unit_test(test_avail_defaults_to_read),
		cmocka_unit_test(test_avail_namespace_entry_overrides_resource_entry),
		cmocka_unit_test(test_avail_read_by_any_input_wins),
		cmocka_unit_test(test_avail_implied_read_never_hides_a_gap),
		cmocka_unit_test(test_avail_same_input_namespace_failure_stands),
		cmocka_unit_test(test_avail_unreadable_outranks_not_collected),
		cmocka_unit_test(test_warnings_errors_and_notes_are_recorded),
		cmocka_unit_test(test_duplicate_later_object_wins_with_note),
		cmocka_unit_test(test_identical_copies_drop_silently),
		cmocka_unit_test(test_generate_name_objects_never_merge),
		cmocka_unit_test(test_kics_semantics_never_merge),
		cmocka_unit_test(test_calico_networkpolicy_never_collides_with_kubernetes),
		cmocka_unit_test(test_extensions_and_networking_policies_share_a_group),
		cmocka_unit_test(test_same_name_in_other_namespace_is_not_a_duplicate),
		cmocka_unit_test(test_cilium_specs_object_replaced_as_a_whole),
		cmocka_unit_test(test_configmap_cni_config_goes_with_replaced_configmap),
		cmocka_unit_test(test_referenced_namespaces_are_synthesized),
		cmocka_unit_test(test_layout_namespace_without_objects_survives_finish),
		cmocka_unit_test(test_namespace_object_replaces_layout_namespace),
		cmocka_unit_test(test_namespace_metadata_name_label_is_authoritative),
		cmocka_unit_test(test_cluster_scoped_policies_synthesize_nothing),
		cmocka_unit_test(test_finish_sorts_labels_pushed_unsorted),
		cmocka_unit_test(test_top_owner_follows_replicaset_to_deployment),
		cmocka_unit_test(test_absent_replicaset_implies_deployment),
		cmocka_unit_test(test_replicaset_without_matching_hash_stays_top),
		cmocka_unit_test(test_non_controller_owner_is_ignored),
		cmocka_unit_test(test_job_pod_top_owner_is_cronjob),
		cmocka_unit_test(test_owner_chain_stops_after_five_hops),
		cmocka_unit_test(test_workload_without_pods_gets_a_template_pod),
		cmocka_unit_test(test_template_of_cluster_workload_is_idle),
		cmocka_unit_test(test_owned_replicaset_gets_no_template),
		cmocka_unit_test(test_terminated_pods_do_not_prevent_a_template),
		cmocka_unit_test(test_inferred_deployment_in_input_gets_no_template),
		cmocka_unit_test(test_finish_twice_does_not_duplicate_templates),
		cmocka_unit_test(test_namespace_defined_after_a_finish_replaces_the_synthesized_one),
		cmocka_unit_test(test_release_of_empty_model_and_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
