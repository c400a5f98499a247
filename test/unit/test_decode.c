/* np_decode_buffer / np_decode_object: document shapes and the non-policy kinds. */
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

static int decode_hint(struct np_model *m, const char *text, const struct np_hint *hint,
		       const struct np_load_options *opt, struct np_error *err)
{
	return np_decode_buffer(m, text, strlen(text), "in.yaml", NULL, hint, opt, err);
}

static void load(struct np_model *m, const char *text)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = decode_hint(m, text, NULL, NULL, &err);
	if (rc != 0)
		fail_msg("decode: %d %s", rc, err.msg);
}

static char *slurp(const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/decode/%s", NP_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void load_file(struct np_model *m, const char *name)
{
	struct np_error err;
	size_t len;
	char *buf = slurp(name, &len);
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(m, buf, len, name, NULL, NULL, NULL, &err);
	free(buf);
	if (rc != 0)
		fail_msg("decode %s: %d %s", name, rc, err.msg);
}

static const struct np_pod *pod(const struct np_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->pods.n; i++)
		if (strcmp(m->pods.v[i].name, name) == 0)
			return &m->pods.v[i];
	fail_msg("no pod %s", name);
	return NULL;
}

static const struct np_workload *workload(const struct np_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->workloads.n; i++)
		if (strcmp(m->workloads.v[i].name, name) == 0)
			return &m->workloads.v[i];
	fail_msg("no workload %s", name);
	return NULL;
}

/* ---- formats and document shapes ---- */

static void test_json_object_is_decoded(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "  \n{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
		 " \"metadata\": {\"name\": \"p\", \"namespace\": \"a\"}}");
	assert_int_equal(m.pods.n, 1);
	assert_int_equal(m.pods.v[0].loc.object_line, 2);
	assert_int_equal(m.pods.v[0].loc.line, 3);
	np_model_release(&m);
}

static void test_bom_before_json_is_skipped(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "\xEF\xBB\xBF{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}");
	assert_int_equal(m.namespaces.n, 1);
	np_model_release(&m);
}

static void test_json_looking_text_that_fails_json_is_a_parse_error(void **state)
{
	struct np_model m;
	struct np_error err;
	int rc;

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	/* Valid YAML flow syntax, but the sniffed format is JSON. */
	rc = decode_hint(&m, "{apiVersion: v1,\n kind: Pod}", NULL, NULL, &err);
	assert_int_equal(rc, NP_EPARSE);
	assert_true(err.line >= 1);
	assert_string_equal(err.file, "in.yaml");
	np_model_release(&m);
}

static void test_yaml_syntax_error_is_a_parse_error(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(decode_hint(&m, "kind: Pod\nmetadata: [unclosed\n", NULL, NULL, &err), NP_EPARSE);
	assert_true(err.line >= 1);
	np_model_release(&m);
}

static void test_v1_list_items_are_decoded(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: List\nitems:\n"
		 "- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"
		 "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d, namespace: a}}\n"
		 "- {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: a}}\n");
	assert_int_equal(m.namespaces.n, 1);
	assert_int_equal(m.workloads.n, 1);
	assert_int_equal(m.pods.n, 1);
	assert_int_equal(m.n_objects, 3);
	assert_int_equal(m.n_k8s_objects, 3);
	np_model_release(&m);
}

static void test_typed_list_items_take_kind_and_version_from_the_list(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"apps/v1\", \"kind\": \"DaemonSetList\", \"items\": [\n"
		 " {\"metadata\": {\"name\": \"agent\", \"namespace\": \"kube-system\"}}]}");
	assert_int_equal(m.workloads.n, 1);
	assert_string_equal(m.workloads.v[0].kind, "DaemonSet");
	assert_string_equal(m.workloads.v[0].api_group, "apps");
	np_model_release(&m);
}

static void test_items_null_is_an_empty_list(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"v1\", \"kind\": \"PodList\", \"items\": null}");
	assert_int_equal(m.pods.n, 0);
	assert_int_equal(m.warnings.n, 0);
	np_model_release(&m);
}

static void test_items_not_a_list_is_a_warning(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: PodList\nitems: {a: 1}\n");
	assert_int_equal(m.pods.n, 0);
	assert_int_equal(m.warnings.n, 1);
	np_model_release(&m);
}

static void test_bare_array_items_take_the_hint_kind(void **state)
{
	struct np_model m;
	struct np_hint hint;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&hint, 0, sizeof(hint));
	memset(&err, 0, sizeof(err));
	hint.layout = "troubleshoot";
	hint.default_kind = "Pod";
	hint.default_api_version = "v1";
	hint.namespace = "team-a";
	assert_int_equal(decode_hint(&m, "[{\"metadata\": {\"name\": \"p1\"}},\n"
					 " {\"metadata\": {\"name\": \"p2\"}}]", &hint, NULL, &err), 0);
	assert_int_equal(m.pods.n, 2);
	assert_string_equal(m.pods.v[1].namespace, "team-a");
	np_model_release(&m);
}

static void test_bare_array_items_without_kind_are_ignored(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "[{\"metadata\": {\"name\": \"p1\"}}, "
		 "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p2\"}}]");
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].name, "p2");
	assert_int_equal(m.n_objects, 1);
	np_model_release(&m);
}

static void test_lists_nested_in_lists_are_unwrapped(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: List\nitems:\n"
		 "- apiVersion: v1\n  kind: PodList\n  items:\n  - metadata: {name: p, namespace: a}\n");
	assert_int_equal(m.pods.n, 1);
	np_model_release(&m);
}

static void test_internal_type_list_dump_is_unsupported(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(decode_hint(&m, "{\"kind\": \"List\", \"ListMeta\": {},\n"
					 " \"Items\": [{\"ObjectMeta\": {\"Name\": \"p\"}}]}", NULL, NULL, &err),
			 NP_EINVAL);
	assert_non_null(strstr(err.msg, "unsupported internal-type dump"));
	assert_string_equal(err.file, "in.yaml");
	assert_int_equal(err.line, 2);
	np_model_release(&m);
}

static void test_internal_type_object_is_unsupported(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(decode_hint(&m, "kind: Pod\napiVersion: v1\nObjectMeta: {Name: p}\nSpec: {}\n",
				     NULL, NULL, &err), NP_EINVAL);
	assert_int_equal(m.pods.n, 0);
	np_model_release(&m);
}

static void test_documents_without_kind_and_unknown_kinds_are_ignored(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "foo: bar\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
		 "---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\n"
		 "---\napiVersion: example.com/v1\nkind: Pod\nmetadata: {name: fake}\n"
		 "---\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: real, namespace: a}\n");
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].name, "real");
	/* The Service is a recognised Kubernetes object, though not modelled. */
	assert_int_equal(m.n_objects, 2);
	assert_int_equal(m.n_k8s_objects, 2);
	np_model_release(&m);
}

static void test_decode_object_of_a_non_map_is_ignored(void **state)
{
	struct np_model m;
	struct np_hint hint;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&hint, 0, sizeof(hint));
	memset(&err, 0, sizeof(err));
	hint.default_kind = "Namespace";
	hint.default_api_version = "v1";
	assert_int_equal(np_decode_object(&m, NULL, "f", NULL, &hint, NULL, &err), 0);
	assert_int_equal(m.namespaces.n, 0);
	assert_int_equal(m.n_objects, 0);
	np_model_release(&m);
}

struct obj_ctx {
	struct np_model *m;
	const struct np_hint *hint;
	int rc;
};

static int on_doc(void *ctx, const struct np_node *doc, int idx)
{
	struct obj_ctx *o = ctx;
	struct np_error err;

	(void)idx;
	memset(&err, 0, sizeof(err));
	o->rc = np_decode_object(o->m, doc, "live", NULL, o->hint, NULL, &err);
	return o->rc;
}

static void test_decode_object_decodes_a_parsed_item(void **state)
{
	struct np_model m;
	struct np_hint hint;
	struct np_decode_limits dl;
	struct np_error err;
	struct obj_ctx o;
	const char *text = "{\"metadata\": {\"name\": \"kube-system\", \"labels\": {\"a\": \"b\"}}}";

	(void)state;
	np_model_init(&m);
	memset(&hint, 0, sizeof(hint));
	memset(&err, 0, sizeof(err));
	hint.default_kind = "Namespace";
	hint.default_api_version = "v1";
	np_decode_limits_default(&dl);
	o.m = &m;
	o.hint = &hint;
	o.rc = -1;
	assert_int_equal(np_json_decode(text, strlen(text), "live", &dl, on_doc, &o, &err), 0);
	assert_int_equal(o.rc, 0);
	assert_int_equal(m.namespaces.n, 1);
	assert_string_equal(m.namespaces.v[0].name, "kube-system");
	assert_string_equal(m.namespaces.v[0].loc.file, "live");
	np_model_release(&m);
}

/* ---- locations ---- */

static void test_locations_name_and_object_start(void **state)
{
	struct np_model m;
	struct np_error err;
	const char *text = "# comment\n"
			   "apiVersion: v1\n"
			   "kind: Pod\n"
			   "metadata:\n"
			   "  namespace: a\n"
			   "  name: p\n"
			   "---\n"
			   "apiVersion: v1\n"
			   "kind: Namespace\n"
			   "metadata: {name: a}\n";

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_decode_buffer(&m, text, strlen(text), "b.tar.gz", "sb/pods.yaml", NULL, NULL,
					  &err), 0);
	assert_string_equal(m.pods.v[0].loc.file, "b.tar.gz");
	assert_string_equal(m.pods.v[0].loc.member, "sb/pods.yaml");
	assert_int_equal(m.pods.v[0].loc.object_line, 2);
	assert_int_equal(m.pods.v[0].loc.line, 6);
	assert_int_equal(m.pods.v[0].loc.column, 3);
	assert_int_equal(m.namespaces.v[0].loc.object_line, 8);
	assert_int_equal(m.namespaces.v[0].loc.line, 10);
	assert_int_equal(m.namespaces.v[0].loc.column, 12);
	np_model_release(&m);
}

/* ---- kinds ---- */

static void test_namespace_labels(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {z: '1', b: '2'}\n");
	assert_int_equal(m.namespaces.v[0].labels.n, 3);
	assert_string_equal(m.namespaces.v[0].labels.keys[0], "b");
	assert_string_equal(m.namespaces.v[0].labels.keys[1], "kubernetes.io/metadata.name");
	assert_string_equal(np_labels_get(&m.namespaces.v[0].labels, "kubernetes.io/metadata.name"), "a");
	assert_string_equal(np_labels_get(&m.namespaces.v[0].labels, "z"), "1");
	np_model_release(&m);
}

static void test_pod_fields(void **state)
{
	struct np_model m;
	const struct np_pod *p;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\n"
		 "metadata:\n  name: web-1\n  namespace: shop\n  uid: u-1\n"
		 "  labels: {app: web, tier: front}\n"
		 "  ownerReferences:\n"
		 "  - {apiVersion: v1, kind: Node, name: n0}\n"
		 "  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: rs-1, controller: true}\n"
		 "spec:\n  nodeName: node-1\n  hostNetwork: false\n"
		 "  containers:\n"
		 "  - name: app\n    image: web:1\n"
		 "    ports: [{containerPort: 8080, name: http}, {containerPort: 53, protocol: UDP, hostPort: 53}]\n"
		 "  initContainers:\n  - name: init\n    ports: [{containerPort: 9000, protocol: SCTP}]\n"
		 "status:\n  phase: Running\n  podIP: 10.0.0.9\n"
		 "  podIPs: [{ip: 10.0.0.9}, {ip: 'fd00::9'}]\n");
	p = pod(&m, "web-1");
	assert_string_equal(p->namespace, "shop");
	assert_string_equal(p->uid, "u-1");
	assert_string_equal(np_labels_get(&p->labels, "tier"), "front");
	assert_string_equal(p->phase, "Running");
	assert_false(p->terminated);
	assert_false(p->host_network);
	assert_string_equal(p->node_name, "node-1");
	assert_int_equal(p->n_ips, 2);
	assert_string_equal(p->ips[1], "fd00::9");
	assert_int_equal(p->n_ports, 3);
	assert_string_equal(p->ports[0].name, "http");
	assert_int_equal(p->ports[0].port, 8080);
	assert_int_equal(p->ports[0].proto, NP_PROTO_TCP);
	assert_null(p->ports[1].name);
	assert_int_equal(p->ports[1].proto, NP_PROTO_UDP);
	assert_int_equal(p->ports[1].host_port, 53);
	assert_int_equal(p->ports[2].proto, NP_PROTO_SCTP);
	assert_true(p->has_owner);
	assert_string_equal(p->owner.kind, "ReplicaSet");
	assert_string_equal(p->owner.api_group, "apps");
	assert_string_equal(p->owner.uid, "rs-1");
	np_model_release(&m);
}

static void test_pod_ip_fallback_and_terminated_phase(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n"
		 "spec: {hostNetwork: true}\nstatus: {phase: Failed, podIP: '***HIDDEN***'}\n");
	assert_int_equal(m.pods.v[0].n_ips, 1);
	assert_string_equal(m.pods.v[0].ips[0], "***HIDDEN***");
	assert_true(m.pods.v[0].terminated);
	assert_true(m.pods.v[0].host_network);
	np_model_release(&m);
}

static void test_namespace_defaults_hint_then_option_then_default(void **state)
{
	struct np_model m;
	struct np_hint hint;
	struct np_load_options opt;
	struct np_error err;
	const char *doc = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n";

	(void)state;
	np_model_init(&m);
	memset(&hint, 0, sizeof(hint));
	memset(&opt, 0, sizeof(opt));
	memset(&err, 0, sizeof(err));
	np_limits_default(&opt.limits);
	hint.namespace = "from-hint";
	opt.default_namespace = "from-flag";
	assert_int_equal(decode_hint(&m, doc, &hint, &opt, &err), 0);
	assert_int_equal(decode_hint(&m, doc, NULL, &opt, &err), 0);
	assert_int_equal(decode_hint(&m, doc, NULL, NULL, &err), 0);
	assert_int_equal(decode_hint(&m, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: own}\n",
				     &hint, &opt, &err), 0);
	assert_string_equal(m.pods.v[0].namespace, "from-hint");
	assert_string_equal(m.pods.v[1].namespace, "from-flag");
	assert_string_equal(m.pods.v[2].namespace, "default");
	assert_string_equal(m.pods.v[3].namespace, "own");
	np_model_release(&m);
}

static void test_every_workload_kind_with_its_group(void **state)
{
	static const struct {
		const char *api, *kind, *group;
		enum np_workload_kind wk;
	} t[] = {
		{ "apps/v1", "Deployment", "apps", NP_WL_DEPLOYMENT },
		{ "extensions/v1beta1", "Deployment", "apps", NP_WL_DEPLOYMENT },
		{ "apps/v1", "StatefulSet", "apps", NP_WL_STATEFULSET },
		{ "apps/v1", "DaemonSet", "apps", NP_WL_DAEMONSET },
		{ "apps/v1", "ReplicaSet", "apps", NP_WL_REPLICASET },
		{ "v1", "ReplicationController", "", NP_WL_REPLICATIONCONTROLLER },
		{ "batch/v1", "Job", "batch", NP_WL_JOB },
		{ "batch/v1", "CronJob", "batch", NP_WL_CRONJOB },
		{ "argoproj.io/v1alpha1", "Rollout", "argoproj.io", NP_WL_ROLLOUT },
		{ "apps.openshift.io/v1", "DeploymentConfig", "apps.openshift.io", NP_WL_DEPLOYMENTCONFIG },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct np_model m;
		char doc[512];

		np_model_init(&m);
		snprintf(doc, sizeof(doc),
			 "apiVersion: %s\nkind: %s\nmetadata: {name: w, namespace: a}\n"
			 "spec:\n  template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}\n"
			 "  jobTemplate: {spec: {template: {metadata: {labels: {app: cj}}}}}\n",
			 t[i].api, t[i].kind);
		load(&m, doc);
		assert_int_equal(m.workloads.n, 1);
		assert_int_equal(m.workloads.v[0].wkind, t[i].wk);
		assert_string_equal(m.workloads.v[0].kind, t[i].kind);
		assert_string_equal(m.workloads.v[0].api_group, t[i].group);
		assert_string_equal(np_labels_get(&m.workloads.v[0].template_labels, "app"),
				    t[i].wk == NP_WL_CRONJOB ? "cj" : "x");
		np_model_release(&m);
	}
}

static void test_workload_kind_in_a_foreign_group_is_ignored(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: w, namespace: a}\n"
		 "---\napiVersion: batch/v1\nkind: Deployment\nmetadata: {name: w, namespace: a}\n");
	assert_int_equal(m.workloads.n, 0);
	np_model_release(&m);
}

#define WORKLOAD_WITH_ENV \
	"apiVersion: apps/v1\nkind: %s\nmetadata: {name: w, namespace: kube-system}\n" \
	"spec:\n  template:\n    spec:\n      hostNetwork: true\n" \
	"      containers:\n" \
	"      - name: agent\n        image: cni/agent:v1.2\n" \
	"        command: [/bin/agent]\n        args: [--enable-network-policy=true, --x]\n" \
	"        env:\n        - {name: MODE, value: policy}\n" \
	"        - {name: SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}\n" \
	"        envFrom: [{secretRef: {name: s}}]\n" \
	"        ports: [{containerPort: 9000, name: metrics}]\n" \
	"      volumes: [{name: v, hostPath: {path: /etc}}]\n"

static void test_env_is_kept_for_daemonsets_and_deployments_only(void **state)
{
	static const char *const kinds[] = { "DaemonSet", "Deployment", "StatefulSet" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct np_model m;
		char doc[1024];
		const struct np_container *c;

		np_model_init(&m);
		snprintf(doc, sizeof(doc), WORKLOAD_WITH_ENV, kinds[i]);
		load(&m, doc);
		c = &m.workloads.v[0].containers[0];
		assert_true(m.workloads.v[0].host_network);
		assert_string_equal(c->name, "agent");
		assert_string_equal(c->image, "cni/agent:v1.2");
		assert_int_equal(c->n_args, 3);
		assert_string_equal(c->args[0], "/bin/agent");
		assert_string_equal(c->args[1], "--enable-network-policy=true");
		assert_int_equal(c->n_ports, 1);
		if (i < 2) {
			assert_int_equal(c->n_env, 2);
			assert_string_equal(c->env_names[0], "MODE");
			assert_string_equal(c->env_values[0], "policy");
			assert_string_equal(c->env_names[1], "SECRET");
			assert_null(c->env_values[1]);
		} else {
			assert_int_equal(c->n_env, 0);
		}
		np_model_release(&m);
	}
}

static void test_daemonset_counts_come_from_status(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds, namespace: a}\n"
		 "status: {desiredNumberScheduled: 3, numberReady: 2}\n"
		 "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: manifest, namespace: a}\n");
	assert_int_equal(workload(&m, "ds")->desired, 3);
	assert_int_equal(workload(&m, "ds")->ready, 2);
	assert_int_equal(workload(&m, "manifest")->desired, -1);
	assert_int_equal(workload(&m, "manifest")->ready, -1);
	np_model_release(&m);
}

static void test_replica_counts_default_and_omitted_ready(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: live, namespace: a}\n"
		 "spec: {replicas: 2}\nstatus: {observedGeneration: 4}\n"
		 "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ready, namespace: a}\n"
		 "spec: {replicas: 2}\nstatus: {readyReplicas: 2}\n"
		 "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: manifest, namespace: a}\n"
		 "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: job, namespace: a}\n");
	assert_int_equal(workload(&m, "live")->desired, 2);
	assert_int_equal(workload(&m, "live")->ready, 0);
	assert_int_equal(workload(&m, "ready")->ready, 2);
	assert_int_equal(workload(&m, "manifest")->desired, 1);
	assert_int_equal(workload(&m, "manifest")->ready, -1);
	assert_int_equal(workload(&m, "job")->desired, -1);
	np_model_release(&m);
}

static void test_workload_owner_reference(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: rs\n  namespace: a\n"
		 "  uid: r\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: d, "
		 "uid: du, controller: true}]\n");
	assert_true(m.workloads.v[0].has_owner);
	assert_string_equal(m.workloads.v[0].owner.name, "d");
	assert_string_equal(m.workloads.v[0].uid, "r");
	np_model_release(&m);
}

static void test_node_fields_and_kept_annotations(void **state)
{
	struct np_model m;
	const struct np_node_obj *n;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n"
		 "  labels: {beta.kubernetes.io/os: linux, eks.amazonaws.com/nodegroup: ng}\n"
		 "  annotations:\n"
		 "    flannel.alpha.coreos.com/backend-type: vxlan\n"
		 "    k3s.io/node-args: '[\"server\"]'\n"
		 "    k8s.ovn.org/node-subnets: '{}'\n"
		 "    kubectl.kubernetes.io/last-applied-configuration: '{}'\n"
		 "    volumes.kubernetes.io/controller-managed-attach-detach: 'true'\n"
		 "spec: {providerID: 'aws:///us-east-1a/i-1'}\n"
		 "status:\n  nodeInfo: {kubeletVersion: v1.29.1, operatingSystem: windows}\n"
		 "  addresses: [{type: InternalIP, address: 10.0.0.1}, {type: Hostname, address: n1},\n"
		 "              {type: InternalIP, address: 'fd00::1'}, {type: ExternalIP, address: 1.2.3.4}]\n");
	n = &m.nodes.v[0];
	assert_string_equal(n->name, "n1");
	assert_string_equal(n->os, "linux");
	assert_string_equal(n->kubelet_version, "v1.29.1");
	assert_string_equal(n->provider_id, "aws:///us-east-1a/i-1");
	assert_int_equal(n->annotations.n, 3);
	assert_non_null(np_labels_get(&n->annotations, "k3s.io/node-args"));
	assert_null(np_labels_get(&n->annotations, "kubectl.kubernetes.io/last-applied-configuration"));
	assert_int_equal(n->n_ips, 2);
	assert_string_equal(n->ips[1], "fd00::1");
	np_model_release(&m);
}

static void test_node_os_from_node_info(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Node\nmetadata: {name: w}\n"
		 "status: {nodeInfo: {operatingSystem: windows}}\n");
	assert_string_equal(m.nodes.v[0].os, "windows");
	np_model_release(&m);
}

static void test_configmap_keeps_only_cni_keys(void **state)
{
	struct np_model m;
	const struct np_configmap *cm;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\n"
		 "data:\n  enable-policy: default\n  cluster-name: prod\n  password: hunter2\n"
		 "  enable-k8s-networkpolicy: 'true'\n"
		 "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-settings, namespace: a}\n"
		 "data: {password: hunter2}\n"
		 "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: amazon-vpc-cni, namespace: kube-system}\n"
		 "data: {warm-ip-target: '1'}\n");
	assert_int_equal(m.configmaps.n, 2);
	cm = &m.configmaps.v[0];
	assert_string_equal(cm->name, "cilium-config");
	assert_int_equal(cm->n, 2);
	assert_string_equal(cm->keys[0], "enable-policy");
	assert_string_equal(cm->values[0], "default");
	assert_int_equal(cm->key_lines[0], 5);
	assert_string_equal(cm->keys[1], "enable-k8s-networkpolicy");
	/* Known CNI ConfigMaps are kept by name, without their other data. */
	assert_string_equal(m.configmaps.v[1].name, "amazon-vpc-cni");
	assert_int_equal(m.configmaps.v[1].n, 0);
	np_model_release(&m);
}

static void test_flannel_configmap_cni_config_with_lines(void **state)
{
	struct np_model m;
	const struct np_cniconf *c;

	(void)state;
	np_model_init(&m);
	load_file(&m, "kube-flannel.yml");
	assert_int_equal(m.cniconfs.n, 1);
	c = &m.cniconfs.v[0];
	assert_string_equal(c->configmap_ns, "kube-flannel");
	assert_string_equal(c->configmap_name, "kube-flannel-cfg");
	assert_string_equal(c->configmap_key, "cni-conf.json");
	assert_true(c->has_cni_version);
	assert_true(c->is_list);
	assert_false(c->repaired);
	assert_int_equal(c->n_types, 2);
	assert_string_equal(c->types[0], "flannel");
	assert_int_equal(c->type_lines[0], 78);
	assert_string_equal(c->types[1], "portmap");
	assert_int_equal(c->loc.line, 72);
	assert_string_equal(c->name, "cbr0");
	np_model_release(&m);
}

static void test_calico_placeholders_are_repaired(void **state)
{
	struct np_model m;
	const struct np_cniconf *c;

	(void)state;
	np_model_init(&m);
	load_file(&m, "calico-manifest-subset.yaml");
	assert_int_equal(m.cniconfs.n, 1);
	c = &m.cniconfs.v[0];
	assert_string_equal(c->configmap_key, "cni_network_config");
	assert_true(c->repaired);
	assert_string_equal(c->types[0], "calico");
	assert_int_equal(c->type_lines[0], 29);
	np_model_release(&m);
}

static void test_kics_seed_configmap_without_cni_version(void **state)
{
	struct np_model m;
	const struct np_cniconf *c;

	(void)state;
	np_model_init(&m);
	load_file(&m, "000-noncompliant-1.yaml");
	assert_int_equal(m.configmaps.n, 1);
	assert_int_equal(m.configmaps.v[0].n, 2);
	assert_int_equal(m.configmaps.v[0].key_lines[0], 10);
	assert_int_equal(m.cniconfs.n, 1);
	c = &m.cniconfs.v[0];
	assert_false(c->has_cni_version);
	assert_string_equal(c->types[0], "flannel");
	assert_int_equal(c->type_lines[0], 15);
	np_model_release(&m);
}

static void test_invalid_cni_json_in_configmap_yields_nothing(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-flannel-cfg, namespace: k}\n"
		 "data:\n  cni-conf.json: '{\"plugins\": [{\"type\": \"flannel\"}'\n");
	assert_int_equal(m.configmaps.n, 1);
	assert_int_equal(m.cniconfs.n, 0);
	np_model_release(&m);
}

static void test_json_configmap_cni_lines_are_the_value_line(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n"
		 " \"metadata\": {\"name\": \"kube-router-cfg\", \"namespace\": \"kube-system\"},\n"
		 " \"data\": {\n"
		 "  \"cni-conf.json\": \"{\\n \\\"cniVersion\\\": \\\"0.3.0\\\",\\n \\\"plugins\\\": [{\\\"type\\\": \\\"bridge\\\"}]}\"}}");
	assert_int_equal(m.cniconfs.n, 1);
	assert_string_equal(m.cniconfs.v[0].types[0], "bridge");
	assert_int_equal(m.cniconfs.v[0].type_lines[0], 4 + 2);
	np_model_release(&m);
}

static void test_cni_conflist_and_conf_files(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\n  \"cniVersion\": \"1.0.0\",\n  \"name\": \"k8s\",\n  \"plugins\": [\n"
		 "    {\"type\": \"calico\"},\n    {\n      \"type\": \"bandwidth\"}]}\n");
	load(&m, "{\"cniVersion\": null, \"name\": \"br\", \"type\": \"bridge\"}");
	assert_int_equal(m.cniconfs.n, 2);
	assert_true(m.cniconfs.v[0].is_list);
	assert_true(m.cniconfs.v[0].has_cni_version);
	assert_int_equal(m.cniconfs.v[0].type_lines[0], 5);
	assert_int_equal(m.cniconfs.v[0].type_lines[1], 7);
	assert_null(m.cniconfs.v[0].configmap_name);
	assert_string_equal(m.cniconfs.v[0].loc.file, "in.yaml");
	assert_false(m.cniconfs.v[1].is_list);
	assert_false(m.cniconfs.v[1].has_cni_version);
	assert_string_equal(m.cniconfs.v[1].types[0], "bridge");
	assert_int_equal(m.n_objects, 2);
	assert_int_equal(m.n_k8s_objects, 0);
	np_model_release(&m);
}

static void test_crd_names_are_plural_dot_group(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
		 "metadata: {name: networkpolicies.crd.projectcalico.org}\n"
		 "spec: {group: crd.projectcalico.org, names: {plural: networkpolicies, kind: NetworkPolicy}}\n"
		 "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
		 "metadata: {name: ciliumnetworkpolicies.cilium.io}\n"
		 "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
		 "metadata: {name: ciliumnetworkpolicies.cilium.io}\n");
	assert_int_equal(m.crd_names.n, 2);
	assert_string_equal(m.crd_names.v[0], "networkpolicies.crd.projectcalico.org");
	assert_string_equal(m.crd_names.v[1], "ciliumnetworkpolicies.cilium.io");
	np_model_release(&m);
}

static void test_kubescape_cniinfo_is_cni_evidence(void **state)
{
	struct np_model m;
	const struct np_cniconf *c;

	(void)state;
	np_model_init(&m);
	load_file(&m, "cniinfo-flannel-calico.json");
	assert_int_equal(m.cniconfs.n, 1);
	c = &m.cniconfs.v[0];
	assert_string_equal(c->object_kind, "CNIInfo");
	assert_string_equal(c->name, "minikube");
	assert_int_equal(c->n_types, 2);
	assert_string_equal(c->types[0], "flannel");
	assert_string_equal(c->types[1], "calico");
	assert_int_equal(m.n_objects, 1);
	assert_int_equal(m.n_k8s_objects, 0);
	np_model_release(&m);
}

static const struct np_tf_attr *attr(const struct np_tf_resource *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->n_attrs; i++)
		if (strcmp(r->attrs[i].path, path) == 0)
			return &r->attrs[i];
	return NULL;
}

static void test_kubescape_cluster_describe_network_profile(void **state)
{
	struct np_model m;
	const struct np_tf_resource *r;

	(void)state;
	np_model_init(&m);
	load_file(&m, "clusterdescribe-kubenet-null.json");
	assert_int_equal(m.tf_resources.n, 1);
	r = &m.tf_resources.v[0];
	assert_string_equal(r->type, "ClusterDescribe");
	assert_string_equal(r->name, "yiscah-abtwh-aks");
	assert_int_equal(r->n_blocks_network_profile, 1);
	assert_string_equal(attr(r, "provider")->value, "aks");
	assert_string_equal(attr(r, "network_profile.network_plugin")->value, "kubenet");
	assert_true(attr(r, "network_profile.network_policy")->is_null);
	assert_null(attr(r, "network_profile.network_data_plane"));
	np_model_release(&m);
}

static void test_openshift_network_cr(void **state)
{
	struct np_model m;
	const struct np_cniconf *c;

	(void)state;
	np_model_init(&m);
	load_file(&m, "openshift-network-sdn.json");
	load(&m, "apiVersion: config.openshift.io/v1\nkind: Network\nmetadata: {name: cluster}\n"
		 "status: {networkType: OVNKubernetes}\n");
	assert_int_equal(m.cniconfs.n, 2);
	c = &m.cniconfs.v[0];
	assert_string_equal(c->object_kind, "Network");
	assert_string_equal(c->types[0], "OpenShiftSDN");
	assert_int_equal(c->type_lines[0], 19);
	assert_string_equal(m.cniconfs.v[1].types[0], "OVNKubernetes");
	np_model_release(&m);
}

static void test_kics_seed_pod_and_policy(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load_file(&m, "001-noncompliant-1.yaml");
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].namespace, "positive2");
	assert_int_equal(m.pods.v[0].n_ports, 1);
	assert_int_equal(m.netpols.n, 1);
	assert_int_equal(m.netpols.v[0].types_raw, NP_RAW_ARRAY);
	assert_int_equal(m.netpols.v[0].types_effective, NP_DIR_INGRESS);
	assert_int_equal(m.netpols.v[0].loc.line, 16);
	np_model_release(&m);
}

/* ---- wrong types never crash ---- */

static void test_pod_labels_as_a_list_warns_and_decodes_the_rest(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\n"
		 "  labels: [app, web]\n"
		 "spec:\n  containers:\n  - name: c\n    ports: [{containerPort: '80'}, {containerPort: 81}]\n"
		 "status: {phase: 7}\n");
	assert_int_equal(m.pods.n, 1);
	assert_int_equal(m.pods.v[0].labels.n, 0);
	assert_int_equal(m.pods.v[0].n_ports, 1);
	assert_int_equal(m.pods.v[0].ports[0].port, 81);
	assert_null(m.pods.v[0].phase);
	assert_int_equal(m.warnings.n, 2);
	assert_non_null(strstr(m.warnings.v[0].message, "metadata.labels"));
	assert_string_equal(m.warnings.v[0].reason, "invalid");
	np_model_release(&m);
}

static void test_non_string_label_values_keep_their_text(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n"
		 "  labels: {enabled: true, version: 2, nested: {x: y}}\n");
	assert_string_equal(np_labels_get(&m.namespaces.v[0].labels, "enabled"), "true");
	assert_string_equal(np_labels_get(&m.namespaces.v[0].labels, "version"), "2");
	assert_null(np_labels_get(&m.namespaces.v[0].labels, "nested"));
	assert_int_equal(m.warnings.n, 3);
	np_model_release(&m);
}

static void test_nul_in_a_label_value_drops_the_label(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\",\n"
		 " \"metadata\": {\"name\": \"a\", \"labels\": {\"x\": \"1\\u00002\", \"y\": \"ok\"}}}");
	assert_null(np_labels_get(&m.namespaces.v[0].labels, "x"));
	assert_string_equal(np_labels_get(&m.namespaces.v[0].labels, "y"), "ok");
	assert_int_equal(m.warnings.n, 1);
	assert_non_null(strstr(m.warnings.v[0].message, "NUL"));
	np_model_release(&m);
}

static void test_kics_option_marks_the_model(void **state)
{
	struct np_model m;
	struct np_load_options opt;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&opt, 0, sizeof(opt));
	memset(&err, 0, sizeof(err));
	np_limits_default(&opt.limits);
	opt.kics = true;
	assert_int_equal(decode_hint(&m, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", NULL,
				     &opt, &err), 0);
	assert_true(m.kics);
	np_model_release(&m);
}

static void test_scalars_where_maps_belong_do_not_crash(void **state)
{
	static const char *const docs[] = {
		"apiVersion: v1\nkind: Pod\nmetadata: 5\nspec: [1]\nstatus: x\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: 3}\n",
		("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\n"
		 "spec: {template: {spec: {containers: [1, {name: c, env: 3, ports: x, args: {a: b}}]}}}\n"),
		"apiVersion: v1\nkind: Node\nmetadata: {name: n, annotations: [a]}\nstatus: {addresses: 1}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: calico-config}\ndata: [a]\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {cni-conf.json: {a: 1}}\n",
		"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: 1\n",
		"apiVersion: hostdata.kubescape.cloud/v1beta0\nkind: CNIInfo\ndata: {CNINames: [1, null]}\n",
		"apiVersion: management.azure.com/v1\nkind: ClusterDescribe\ndata: {properties: 1}\n",
		"apiVersion: operator.openshift.io/v1\nkind: Network\nspec: {defaultNetwork: 1}\n",
		"apiVersion: v1\nkind: List\nitems: [1, null, [2]]\n",
		"[1, \"x\", null]",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct np_model m;
		struct np_error err;

		np_model_init(&m);
		memset(&err, 0, sizeof(err));
		assert_int_equal(decode_hint(&m, docs[i], NULL, NULL, &err), 0);
		assert_int_equal(np_model_finish(&m, &err), 0);
		np_model_release(&m);
	}
}


/* ---- streamed JSON Lists (DESIGN §7): same outcome as a whole-tree reading ---- */

static void test_kubectl_list_with_kind_after_items(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	/* kubectl sorts keys: "items" comes before "kind". */
	load(&m, "{\"apiVersion\": \"v1\", \"items\": [\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\", \"namespace\": \"n\"}},\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\", \"namespace\": \"n\"}}\n"
		 "], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\"}}");
	assert_int_equal(m.pods.n, 2);
	assert_string_equal(m.pods.v[1].name, "b");
	assert_int_equal(m.pods.v[1].loc.object_line, 3);
	assert_int_equal(m.n_objects, 2);
	np_model_release(&m);
}

static void test_typed_list_kind_after_items_lacking_kind(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"items\": [{\"metadata\": {\"name\": \"p\", \"namespace\": \"n\"}}],\n"
		 " \"kind\": \"PodList\", \"apiVersion\": \"v1\"}");
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].name, "p");
	np_model_release(&m);
}

static void test_object_with_items_and_a_spec_is_not_a_list(void **state)
{
	struct np_model m;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"v1\", \"items\": [\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"inner\"}}],\n"
		 " \"kind\": \"Pod\", \"metadata\": {\"name\": \"outer\"}, \"spec\": {}}");
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].name, "outer");
	np_model_release(&m);
}

static void test_syntax_error_after_list_items_keeps_nothing_of_that_document(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(decode_hint(&m,
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"first\"}}\n"
		"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
		" {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"streamed\"}}],\n"
		" \"metadata\": }", NULL, NULL, &err), NP_EPARSE);
	assert_int_equal(err.line, 4);
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].name, "first");
	assert_int_equal(m.n_objects, 1);
	np_model_release(&m);
}

static void test_internal_dump_keys_after_items_are_unsupported(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	assert_int_equal(decode_hint(&m, "{\"kind\": \"List\", \"items\": [\n"
					 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}],\n"
					 " \"ListMeta\": {}}", NULL, NULL, &err), NP_EINVAL);
	np_model_release(&m);
}

static void test_list_items_over_the_document_size_limit_together(void **state)
{
	struct np_model m;
	struct np_load_options opt;
	struct np_error err;
	char text[4096];
	size_t used = 0;
	int i;

	(void)state;
	memset(&opt, 0, sizeof(opt));
	np_limits_default(&opt.limits);
	opt.limits.decode.max_doc_bytes = 512;
	used += (size_t)snprintf(text + used, sizeof(text) - used, "{\"kind\": \"List\", \"items\": [");
	for (i = 0; i < 20; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "%s{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": "
					 "{\"name\": \"p%d\", \"namespace\": \"n\"}}", i ? ", " : "", i);
	snprintf(text + used, sizeof(text) - used, "]}");
	assert_true(strlen(text) > 512);
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	/* The limit bounds what is held at once: one List item. */
	assert_int_equal(decode_hint(&m, text, NULL, &opt, &err), 0);
	assert_int_equal(m.pods.n, 20);
	np_model_release(&m);
}

static void test_copies_differing_only_in_unread_fields_are_identical(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"team\",\n"
		 "  \"managedFields\": [{\"manager\": \"a\"}]}, \"status\": {\"conditions\": []}},\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"team\",\n"
		 "  \"managedFields\": [{\"manager\": \"b\"}]}, \"status\": {\"conditions\": [{\"type\": \"Ready\"}]}}]}");
	load(&m, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: team\n"
		 "  managedFields: [{manager: c}]\nstatus: {conditions: []}\n");
	assert_int_equal(m.pods.n, 3);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_model_finish(&m, &err), 0);
	assert_int_equal(m.pods.n, 1);
	assert_int_equal(m.notes.n, 0); /* identical copies drop silently */
	np_model_release(&m);
}

static void test_copies_differing_in_read_fields_are_noted(void **state)
{
	struct np_model m;
	struct np_error err;

	(void)state;
	np_model_init(&m);
	load(&m, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"n\"},\n"
		 "  \"status\": {\"phase\": \"Running\"}},\n"
		 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"n\"},\n"
		 "  \"status\": {\"phase\": \"Pending\"}}]}");
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_model_finish(&m, &err), 0);
	assert_int_equal(m.pods.n, 1);
	assert_string_equal(m.pods.v[0].phase, "Pending");
	assert_int_equal(m.notes.n, 1);
	np_model_release(&m);
}

/* The digest pads each string to whole words after its length: bytes moving
 * between a key and its value, or into the padding, still make a copy differ. */
static void test_copies_differing_where_key_and_value_split_are_noted(void **state)
{
	static const char *const pairs[][2] = {
		{ "\"ab\": \"c\"", "\"a\": \"bc\"" },
		{ "\"a\": \"x\"", "\"a\": \"x\\u0000\"" },
		{ "\"k\": \"1234567\"", "\"k\": \"12345678\"" },
	};
	char text[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct np_model m;
		struct np_error err;

		np_model_init(&m);
		snprintf(text, sizeof(text),
			 "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
			 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\","
			 " \"namespace\": \"n\", \"annotations\": {%s}}},\n"
			 " {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\","
			 " \"namespace\": \"n\", \"annotations\": {%s}}}]}", pairs[i][0], pairs[i][1]);
		load(&m, text);
		memset(&err, 0, sizeof(err));
		assert_int_equal(np_model_finish(&m, &err), 0);
		assert_int_equal(m.pods.n, 1);
		assert_int_equal(m.notes.n, 1);
		np_model_release(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_object_is_decoded),
		cmocka_unit_test(test_kubectl_list_with_kind_after_items),
		cmocka_unit_test(test_typed_list_kind_after_items_lacking_kind),
		cmocka_unit_test(test_object_with_items_and_a_spec_is_not_a_list),
		cmocka_unit_test(test_syntax_error_after_list_items_keeps_nothing_of_that_document),
		cmocka_unit_test(test_internal_dump_keys_after_items_are_unsupported),
		cmocka_unit_test(test_list_items_over_the_document_size_limit_together),
		cmocka_unit_test(test_copies_differing_only_in_unread_fields_are_identical),
		cmocka_unit_test(test_copies_differing_in_read_fields_are_noted),
		cmocka_unit_test(test_copies_differing_where_key_and_value_split_are_noted),
		cmocka_unit_test(test_bom_before_json_is_skipped),
		cmocka_unit_test(test_json_looking_text_that_fails_json_is_a_parse_error),
		cmocka_unit_test(test_yaml_syntax_error_is_a_parse_error),
		cmocka_unit_test(test_v1_list_items_are_decoded),
		cmocka_unit_test(test_typed_list_items_take_kind_and_version_from_the_list),
		cmocka_unit_test(test_items_null_is_an_empty_list),
		cmocka_unit_test(test_items_not_a_list_is_a_warning),
		cmocka_unit_test(test_bare_array_items_take_the_hint_kind),
		cmocka_unit_test(test_bare_array_items_without_kind_are_ignored),
		cmocka_unit_test(test_lists_nested_in_lists_are_unwrapped),
		cmocka_unit_test(test_internal_type_list_dump_is_unsupported),
		cmocka_unit_test(test_internal_type_object_is_unsupported),
		cmocka_unit_test(test_documents_without_kind_and_unknown_kinds_are_ignored),
		cmocka_unit_test(test_decode_object_of_a_non_map_is_ignored),
		cmocka_unit_test(test_decode_object_decodes_a_parsed_item),
		cmocka_unit_test(test_locations_name_and_object_start),
		cmocka_unit_test(test_namespace_labels),
		cmocka_unit_test(test_pod_fields),
		cmocka_unit_test(test_pod_ip_fallback_and_terminated_phase),
		cmocka_unit_test(test_namespace_defaults_hint_then_option_then_default),
		cmocka_unit_test(test_every_workload_kind_with_its_group),
		cmocka_unit_test(test_workload_kind_in_a_foreign_group_is_ignored),
		cmocka_unit_test(test_env_is_kept_for_daemonsets_and_deployments_only),
		cmocka_unit_test(test_daemonset_counts_come_from_status),
		cmocka_unit_test(test_replica_counts_default_and_omitted_ready),
		cmocka_unit_test(test_workload_owner_reference),
		cmocka_unit_test(test_node_fields_and_kept_annotations),
		cmocka_unit_test(test_node_os_from_node_info),
		cmocka_unit_test(test_configmap_keeps_only_cni_keys),
		cmocka_unit_test(test_flannel_configmap_cni_config_with_lines),
		cmocka_unit_test(test_calico_placeholders_are_repaired),
		cmocka_unit_test(test_kics_seed_configmap_without_cni_version),
		cmocka_unit_test(test_invalid_cni_json_in_configmap_yields_nothing),
		cmocka_unit_test(test_json_configmap_cni_lines_are_the_value_line),
		cmocka_unit_test(test_cni_conflist_and_conf_files),
		cmocka_unit_test(test_crd_names_are_plural_dot_group),
		cmocka_unit_test(test_kubescape_cniinfo_is_cni_evidence),
		cmocka_unit_test(test_kubescape_cluster_describe_network_profile),
		cmocka_unit_test(test_openshift_network_cr),
		cmocka_unit_test(test_kics_seed_pod_and_policy),
		cmocka_unit_test(test_pod_labels_as_a_list_warns_and_decodes_the_rest),
		cmocka_unit_test(test_non_string_label_values_keep_their_text),
		cmocka_unit_test(test_nul_in_a_label_value_drops_the_label),
		cmocka_unit_test(test_kics_option_marks_the_model),
		cmocka_unit_test(test_scalars_where_maps_belong_do_not_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
