/* CNI and platform detection (DESIGN §5.4) and the controls NP-101, NP-104,
 * NP-105, NP-106 (§5.3), on the official CNI manifests copied into
 * test/data/cni (see SOURCES.md there), with cluster state added in C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "netpol/audit.h"
#include "netpol/model.h"
#include "netpol/report.h"
#include "netpol/snapshot.h"

#define DATA NP_TEST_DATA "/cni/"

struct fx {
	struct np_model m;
	struct np_report r;
	bool finished;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	np_model_init(&f->m);
	np_report_init(&f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	np_report_release(&f->r);
	np_model_release(&f->m);
	free(f);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(fp);
	return buf;
}

/* Replaces the first occurrence of from (which must occur) with to. */
static char *replace(char *buf, size_t *len, const char *from, const char *to)
{
	char *at = strstr(buf, from);
	size_t lf = strlen(from), lt = strlen(to);
	char *out;

	assert_non_null(at);
	out = malloc(*len - lf + lt + 1);
	assert_non_null(out);
	memcpy(out, buf, (size_t)(at - buf));
	memcpy(out + (at - buf), to, lt);
	memcpy(out + (at - buf) + lt, at + lf, *len - (size_t)(at - buf) - lf + 1);
	*len = *len - lf + lt;
	free(buf);
	return out;
}

static void decode_text(struct fx *f, const char *name, const char *text, size_t len)
{
	struct np_hint hint;
	struct np_load_options opt;
	struct np_error err;
	int rc;

	memset(&hint, 0, sizeof(hint));
	hint.layout = "generic";
	hint.res = -1;
	memset(&opt, 0, sizeof(opt));
	np_limits_default(&opt.limits);
	opt.default_namespace = "default";
	opt.kics = f->m.kics;
	np_error_clear(&err);
	rc = np_decode_buffer(&f->m, text, len, name, NULL, &hint, &opt, &err);
	if (rc != 0)
		fail_msg("%s: %s", name, err.msg);
}

/* Loads test/data/cni/<rel>, applying pairs of (from, to) replacements. */
static void load_edit(struct fx *f, const char *rel, ...)
{
	char path[1024];
	size_t len = 0;
	char *buf;
	va_list ap;
	const char *from;

	snprintf(path, sizeof(path), DATA "%s", rel);
	buf = slurp(path, &len);
	if (!buf)
		fail_msg("cannot read %s", path);
	va_start(ap, rel);
	while ((from = va_arg(ap, const char *)) != NULL) {
		const char *to = va_arg(ap, const char *);
		buf = replace(buf, &len, from, to);
	}
	va_end(ap);
	decode_text(f, path, buf, len);
	free(buf);
}

#define load(f, rel) load_edit((f), (rel), (const char *)NULL)

static void finish(struct fx *f)
{
	struct np_error err;

	if (f->finished)
		return;
	np_error_clear(&err);
	assert_int_equal(np_model_finish(&f->m, &err), 0);
	f->finished = true;
}

/* kv: key, value, key, value, ..., NULL (any order). */
static void set_labels(struct np_model *m, struct np_labels *l, const char *const *kv)
{
	size_t n = 0;

	while (kv && kv[2 * n])
		n++;
	l->n = n;
	if (!n)
		return;
	l->keys = np_model_alloc(m, n * sizeof(*l->keys));
	l->values = np_model_alloc(m, n * sizeof(*l->values));
	assert_non_null(l->keys);
	assert_non_null(l->values);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		const char *k = np_model_str(m, kv[2 * i]);
		const char *v = np_model_str(m, kv[2 * i + 1]);
		while (j > 0 && strcmp(l->keys[j - 1], k) > 0) {
			l->keys[j] = l->keys[j - 1];
			l->values[j] = l->values[j - 1];
			j--;
		}
		l->keys[j] = k;
		l->values[j] = v;
	}
}

static struct np_node_obj *add_node(struct fx *f, const char *name, const char *os,
				    const char *provider_id, const char *const *labels,
				    const char *const *annotations)
{
	struct np_node_obj *n = np_model_push_node(&f->m);

	assert_non_null(n);
	n->name = np_model_str(&f->m, name);
	n->os = os ? np_model_str(&f->m, os) : np_model_str(&f->m, "linux");
	n->provider_id = provider_id ? np_model_str(&f->m, provider_id) : NULL;
	n->kubelet_version = np_model_str(&f->m, "v1.31.0");
	set_labels(&f->m, &n->labels, labels);
	set_labels(&f->m, &n->annotations, annotations);
	return n;
}

static void add_nodes(struct fx *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "node-%zu", i);
		add_node(f, name, NULL, NULL, NULL, NULL);
	}
}

static struct np_workload *workload(struct fx *f, const char *ns, const char *name)
{
	for (size_t i = 0; i < f->m.workloads.n; i++) {
		struct np_workload *w = &f->m.workloads.v[i];
		if (w->name && strcmp(w->name, name) == 0 && w->namespace && strcmp(w->namespace, ns) == 0)
			return w;
	}
	fail_msg("workload %s/%s not decoded", ns, name);
	return NULL;
}

static void set_ready(struct fx *f, const char *ns, const char *name, long long desired,
		      long long ready)
{
	struct np_workload *w = workload(f, ns, name);

	w->desired = desired;
	w->ready = ready;
}

static const struct np_cni_engine *engine(struct fx *f, const char *name)
{
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	for (size_t i = 0; i < f->r.cluster.n_cni; i++)
		if (strcmp(f->r.cluster.cni[i].name, name) == 0)
			return &f->r.cluster.cni[i];
	fail_msg("engine %s not detected", name);
	return NULL;
}

static bool has_engine(struct fx *f, const char *name)
{
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	for (size_t i = 0; i < f->r.cluster.n_cni; i++)
		if (strcmp(f->r.cluster.cni[i].name, name) == 0)
			return true;
	return false;
}

static bool has_evidence(const struct np_cni_engine *e, const char *needle)
{
	for (size_t i = 0; i < e->n_evidence; i++)
		if (strstr(e->evidence[i], needle))
			return true;
	return false;
}

static struct np_control_result *control_mode(struct fx *f, const char *id, bool kics)
{
	static const struct {
		const char *id;
		np_control_fn fn;
	} fns[] = {
		{ "NP-101", np_control_np101 }, { "NP-104", np_control_np104 },
		{ "NP-105", np_control_np105 }, { "NP-106", np_control_np106 },
	};
	struct np_audit_options opt;
	struct np_audit_ctx ctx;
	struct np_control_result *res;
	const struct np_control_def *def = np_control_find(id);

	finish(f);
	assert_non_null(def);
	memset(&opt, 0, sizeof(opt));
	opt.kics = kics;
	memset(&ctx, 0, sizeof(ctx));
	ctx.m = &f->m;
	ctx.opt = &opt;
	ctx.r = &f->r;
	res = np_report_add_control(&f->r, def);
	assert_non_null(res);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (strcmp(fns[i].id, id) == 0)
			assert_int_equal(fns[i].fn(&ctx, res), 0);
	assert_non_null(res->summary);
	return res;
}

static enum np_status status_of(struct fx *f, const char *id)
{
	return control_mode(f, id, false)->status;
}

#define assert_status(f, id, st) assert_string_equal(np_status_name(status_of((f), (id))), np_status_name(st))

static const struct np_finding *finding_on(const struct np_control_result *res, const char *kind,
					   const char *name)
{
	for (size_t i = 0; i < res->findings.n; i++) {
		const struct np_finding *fd = &res->findings.v[i];
		if (fd->kind && strcmp(fd->kind, kind) == 0 && fd->name && strcmp(fd->name, name) == 0)
			return fd;
	}
	fail_msg("no finding on %s %s", kind, name);
	return NULL;
}

static const char *const AKS_AZURE[] = { "kubernetes.azure.com/managedby", "aks",
					 "kubernetes.azure.com/network-policy", "azure", NULL };
static const char *const AKS_NONE[] = { "kubernetes.azure.com/managedby", "aks",
					"kubernetes.azure.com/network-policy", "none", NULL };
static const char *const AKS_BARE[] = { "kubernetes.azure.com/managedby", "aks", NULL };

/* ------------------------------------------------------------ flannel */

static void test_flannel_alone_does_not_enforce(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	load(f, "flannel/kube-flannel.yml");
	e = engine(f, "flannel");
	assert_string_equal(e->enforces, "no");
	assert_string_equal(e->evidence_obj.kind, "DaemonSet");
	assert_string_equal(e->evidence_obj.name, "kube-flannel-ds");
	assert_string_equal(e->evidence_ns, "kube-flannel");
}

static void test_flannel_alone_fails_np101_on_its_daemonset(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;
	const struct np_finding *fd;

	load(f, "flannel/kube-flannel.yml");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	fd = finding_on(res, "DaemonSet", "kube-flannel-ds");
	assert_int_equal(fd->level, NP_ST_FAIL);
	assert_non_null(strstr(fd->remediation, "kube-network-policies"));
	assert_non_null(strstr(res->remediation, "Calico"));
	assert_true(fd->loc.line > 0);
}

static void test_flannel_ready_on_all_nodes_still_fails(void **state)
{
	struct fx *f = *state;

	load(f, "flannel/kube-flannel.yml");
	add_nodes(f, 2);
	set_ready(f, "kube-flannel", "kube-flannel-ds", 2, 2);
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_flannel_with_kube_network_policies_container_enforces(void **state)
{
	struct fx *f = *state;

	/* The kube-network-policies sidecar flannel documents for NetworkPolicy. */
	load_edit(f, "flannel/kube-flannel.yml",
		  "      - name: kube-flannel\n",
		  "      - name: kube-network-policies\n"
		  "        image: registry.k8s.io/networking/kube-network-policies:v0.9.1\n"
		  "      - name: kube-flannel\n",
		  (const char *)NULL);
	assert_string_equal(engine(f, "flannel")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_canal_daemonset_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "canal/canal-manifest-subset.yaml");
	add_nodes(f, 3);
	set_ready(f, "kube-system", "canal", 3, 3);
	assert_string_equal(engine(f, "canal")->enforces, "yes");
	/* flannel runs inside canal: no separate non-enforcing flannel engine. */
	assert_false(has_engine(f, "flannel"));
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_flannel_beside_calico_passes(void **state)
{
	struct fx *f = *state;

	load(f, "flannel/kube-flannel.yml");
	load(f, "calico/calico-policy-only-subset.yaml");
	add_nodes(f, 2);
	set_ready(f, "kube-flannel", "kube-flannel-ds", 2, 2);
	set_ready(f, "kube-system", "calico-node", 2, 2);
	assert_string_equal(engine(f, "flannel")->enforces, "no");
	assert_string_equal(engine(f, "calico")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

/* ------------------------------------------------------------- calico */

static void test_calico_manifest_enforces_on_all_nodes(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "calico/calico-manifest-subset.yaml");
	add_nodes(f, 3);
	set_ready(f, "kube-system", "calico-node", 3, 3);
	assert_string_equal(engine(f, "calico")->enforces, "yes");
	assert_int_equal(engine(f, "calico")->n_nodes_not_covered, 0);
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_PASS);
	assert_int_equal(res->passing, 3);
	assert_int_equal(res->evaluated, 3);
}

static void test_calico_policy_only_is_named_in_evidence(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	load(f, "calico/calico-policy-only-subset.yaml");
	e = engine(f, "calico");
	assert_string_equal(e->enforces, "yes");
	assert_true(has_evidence(e, "calico/node:v3.32.1"));
}

static void test_calico_operator_manifest_passes_offline(void **state)
{
	struct fx *f = *state;

	load(f, "calico-operator/tigera-operator-subset.yaml");
	load(f, "calico-operator/custom-resources.yaml");
	assert_true(has_evidence(engine(f, "calico"), "Calico operator"));
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_calico_operator_without_calico_node_warns_in_cluster_state(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "calico-operator/tigera-operator-subset.yaml");
	add_nodes(f, 2);
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_WARN);
	finding_on(res, "Deployment", "tigera-operator");
}

static void test_calico_config_without_daemonset_warns_in_cluster_state(void **state)
{
	struct fx *f = *state;

	load(f, "kics/negative.json"); /* a calico conflist */
	add_nodes(f, 1);
	assert_status(f, "NP-101", NP_ST_WARN);
}

static void test_daemonset_with_no_ready_pod_enforces_nothing(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;
	struct np_control_result *res;

	load(f, "calico/calico-manifest-subset.yaml");
	add_nodes(f, 2);
	set_ready(f, "kube-system", "calico-node", 2, 0);
	e = engine(f, "calico");
	assert_string_equal(e->enforces, "no");
	assert_int_equal(e->n_nodes_not_covered, 0); /* listed only when it enforces */
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_WARN);
	finding_on(res, "DaemonSet", "calico-node");
}

static void test_partly_ready_daemonset_warns(void **state)
{
	struct fx *f = *state;

	load(f, "calico/calico-manifest-subset.yaml");
	add_nodes(f, 3);
	set_ready(f, "kube-system", "calico-node", 3, 2);
	assert_status(f, "NP-101", NP_ST_WARN);
}

static void test_windows_node_without_windows_engine_is_not_covered(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;
	const struct np_cni_engine *e;

	load(f, "calico/calico-manifest-subset.yaml");
	add_nodes(f, 2);
	add_node(f, "win-0", "windows", NULL, NULL, NULL);
	set_ready(f, "kube-system", "calico-node", 2, 2);
	e = engine(f, "calico");
	assert_int_equal(e->n_nodes_not_covered, 1);
	assert_string_equal(e->nodes_not_covered[0], "win-0");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_WARN);
	assert_non_null(strstr(finding_on(res, "Node", "win-0")->message, "Windows"));
	assert_int_equal(res->passing, 2);
	assert_int_equal(res->evaluated, 3);
}

/* ------------------------------------------------------------- cilium */

static void test_cilium_default_policy_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "cilium/cilium-minikube-rendered-subset.yaml");
	add_nodes(f, 1);
	set_ready(f, "kube-system", "cilium", 1, 1);
	assert_string_equal(engine(f, "cilium")->enforces, "yes");
	assert_false(has_engine(f, "cilium-envoy"));
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_cilium_enable_policy_never_does_not_enforce(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;
	const struct np_finding *fd;

	load_edit(f, "cilium/cilium-minikube-rendered-subset.yaml", "enable-policy: \"default\"",
		  "enable-policy: \"never\"", (const char *)NULL);
	assert_string_equal(engine(f, "cilium")->enforces, "no");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	/* The decisive object is the switch: ConfigMap cilium-config, at the key. */
	fd = finding_on(res, "ConfigMap", "cilium-config");
	assert_int_equal(fd->loc.line, 39);
	assert_non_null(strstr(fd->remediation, "enable-policy"));
}

static void test_cilium_k8s_networkpolicy_false_does_not_enforce(void **state)
{
	struct fx *f = *state;

	load_edit(f, "cilium/cilium-minikube-rendered-subset.yaml", "enable-k8s-networkpolicy: \"true\"",
		  "enable-k8s-networkpolicy: \"false\"", (const char *)NULL);
	assert_string_equal(engine(f, "cilium")->enforces, "no");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_cilium_without_collected_configmap_warns(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	/* The DaemonSet only (ConfigMap renamed away) and ConfigMaps not collected. */
	load_edit(f, "cilium/cilium-minikube-rendered-subset.yaml", "name: cilium-config",
		  "name: unrelated", (const char *)NULL);
	assert_int_equal(np_model_set_avail(&f->m, NP_RES_CONFIGMAPS, NULL, NP_AVAIL_NOT_COLLECTED,
					    "notCollected", "configmaps not in bundle", "bundle"),
			 0);
	add_nodes(f, 1);
	set_ready(f, "kube-system", "cilium", 1, 1);
	e = engine(f, "cilium");
	assert_string_equal(e->enforces, "conditional");
	assert_non_null(strstr(e->condition, "not collected"));
	assert_status(f, "NP-101", NP_ST_WARN);
}

/* -------------------------------------------------------- kube-router */

static void test_kube_router_with_firewall_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "kube-router/kubeadm-kuberouter.yaml");
	assert_string_equal(engine(f, "kube-router")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_kube_router_run_firewall_false_does_not_enforce(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	load(f, "kube-router/generic-kuberouter-only-advertise-routes.yaml");
	e = engine(f, "kube-router");
	assert_string_equal(e->enforces, "no");
	assert_true(has_evidence(e, "--run-firewall=false"));
	assert_status(f, "NP-101", NP_ST_FAIL);
}

/* ------------------------------------------------------------ kindnet */

static void test_kindnet_before_v20240719_does_not_enforce(void **state)
{
	struct fx *f = *state;

	load(f, "kindnet/kindnet-kind-v0.23.0-no-netpol.yaml");
	assert_string_equal(engine(f, "kindnet")->enforces, "no");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_kindnet_v0_24_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "kindnet/kindnet-kind-v0.24.0-netpol.yaml");
	assert_string_equal(engine(f, "kindnet")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_kindnet_head_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "kindnet/kindnet-kind-HEAD.yaml");
	assert_string_equal(engine(f, "kindnet")->enforces, "yes");
}

static void test_kindnet_date_tag_with_digest_is_compared(void **state)
{
	struct fx *f = *state;

	load_edit(f, "kindnet/kindnet-kind-v0.24.0-netpol.yaml",
		  "image: docker.io/kindest/kindnetd:v20240813-c6f155d6",
		  "image: docker.io/kindest/kindnetd:v20240718-0000000@sha256:0123456789abcdef",
		  (const char *)NULL);
	assert_string_equal(engine(f, "kindnet")->enforces, "no");
}

static void test_kindnet_standalone_network_policy_flag_enforces(void **state)
{
	struct fx *f = *state;

	/* Tag "stable" says no version; --network-policy=true exists only where it works. */
	load(f, "kindnet/install-kindnet-standalone.yaml");
	assert_string_equal(engine(f, "kindnet")->enforces, "yes");
}

static void test_kindnet_standalone_old_semver_does_not_enforce(void **state)
{
	struct fx *f = *state;

	load_edit(f, "kindnet/install-kindnet-standalone.yaml", "        - --network-policy=true\n", "",
		  "        image: ghcr.io/aojea/kindnetd:stable\n        command:\n        - /bin/kindnetd",
		  "        image: ghcr.io/aojea/kindnetd:v1.2.0\n        command:\n        - /bin/kindnetd",
		  (const char *)NULL);
	assert_string_equal(engine(f, "kindnet")->enforces, "no");
}

static void test_kindnet_network_policy_false_does_not_enforce(void **state)
{
	struct fx *f = *state;

	load_edit(f, "kindnet/install-kindnet-standalone.yaml", "--network-policy=true",
		  "--network-policy=false", (const char *)NULL);
	assert_string_equal(engine(f, "kindnet")->enforces, "no");
}

/* ------------------------------------------------------- AWS VPC CNI */

static void test_vpc_cni_v1_13_has_no_policy_agent(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	load(f, "aws-vpc-cni/aws-k8s-cni-v1.13.4-subset.yaml");
	e = engine(f, "aws-vpc-cni");
	assert_string_equal(e->enforces, "no");
	assert_true(has_evidence(e, "v1.13.4"));
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_vpc_cni_v1_14_ships_agent_off(void **state)
{
	struct fx *f = *state;

	load(f, "aws-vpc-cni/aws-k8s-cni-v1.14.0-subset.yaml");
	assert_string_equal(engine(f, "aws-vpc-cni")->enforces, "no");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_vpc_cni_v1_14_with_both_switches_enforces(void **state)
{
	struct fx *f = *state;

	load_edit(f, "aws-vpc-cni/aws-k8s-cni-v1.14.0-subset.yaml", "--enable-network-policy=false",
		  "--enable-network-policy=true", "enable-network-policy-controller: \"false\"",
		  "enable-network-policy-controller: \"true\"", (const char *)NULL);
	assert_string_equal(engine(f, "aws-vpc-cni")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_vpc_cni_agent_on_controller_off_does_not_enforce(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load_edit(f, "aws-vpc-cni/aws-k8s-cni-HEAD-subset.yaml", "--enable-network-policy=false",
		  "--enable-network-policy=true", (const char *)NULL);
	assert_string_equal(engine(f, "aws-vpc-cni")->enforces, "no");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	/* The switch that is off decides: the ConfigMap key. */
	assert_int_equal(finding_on(res, "ConfigMap", "amazon-vpc-cni")->loc.line, 16);
}

static void test_vpc_cni_controller_on_agent_off_does_not_enforce(void **state)
{
	struct fx *f = *state;

	load_edit(f, "aws-vpc-cni/aws-k8s-cni-HEAD-subset.yaml",
		  "enable-network-policy-controller: \"false\"",
		  "enable-network-policy-controller: \"true\"", (const char *)NULL);
	assert_string_equal(engine(f, "aws-vpc-cni")->enforces, "no");
	finding_on(control_mode(f, "NP-101", false), "DaemonSet", "aws-node");
}

static void test_vpc_cni_head_with_both_switches_enforces(void **state)
{
	struct fx *f = *state;

	load_edit(f, "aws-vpc-cni/aws-k8s-cni-HEAD-subset.yaml", "--enable-network-policy=false",
		  "--enable-network-policy=true", "enable-network-policy-controller: \"false\"",
		  "enable-network-policy-controller: \"true\"", (const char *)NULL);
	assert_string_equal(engine(f, "aws-vpc-cni")->enforces, "yes");
}

/* ---------------------------------------------- other table entries */

static void test_azure_npm_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "azure-npm/azure-npm.yaml");
	assert_string_equal(engine(f, "azure-npm")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_multus_alone_is_undecidable(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "multus/multus-daemonset-thick-v4.3.0-subset.yml");
	assert_string_equal(engine(f, "multus")->enforces, "conditional");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_WARN);
	finding_on(res, "DaemonSet", "kube-multus-ds");
}

static void test_multus_delegating_to_flannel_fails(void **state)
{
	struct fx *f = *state;

	load(f, "multus/multus-daemonset-thick-v4.3.0-subset.yml");
	load(f, "flannel/kube-flannel.yml");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_multus_delegating_to_calico_passes(void **state)
{
	struct fx *f = *state;

	load(f, "multus/multus-daemonset-thick-v4.3.0-subset.yml");
	load(f, "calico/calico-manifest-subset.yaml");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_openshift_ovn_kubernetes_enforces(void **state)
{
	struct fx *f = *state;

	/* Real clusters report OVNKubernetes (SOURCES.md). */
	load_edit(f, "openshift/network.operator.openshift.io-cluster-OpenShiftSDN.json",
		  "\"type\": \"OpenShiftSDN\"", "\"type\": \"OVNKubernetes\"", (const char *)NULL);
	assert_string_equal(engine(f, "ovn-kubernetes")->enforces, "yes");
	assert_string_equal(f->r.cluster.platform, "openshift");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_openshift_sdn_default_mode_enforces(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	load(f, "openshift/network.operator.openshift.io-cluster-OpenShiftSDN.json");
	e = engine(f, "openshift-sdn");
	assert_string_equal(e->enforces, "yes");
	assert_string_equal(e->evidence_obj.kind, "Network");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_openshift_sdn_multitenant_does_not_enforce(void **state)
{
	struct fx *f = *state;

	load_edit(f, "openshift/network.operator.openshift.io-cluster-OpenShiftSDN.json",
		  "\"type\": \"OpenShiftSDN\"",
		  "\"type\": \"OpenShiftSDN\", \"openshiftSDNConfig\": {\"mode\": \"Multitenant\"}",
		  (const char *)NULL);
	assert_string_equal(engine(f, "openshift-sdn")->enforces, "no");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_openshift_calico_network_enforces(void **state)
{
	struct fx *f = *state;

	load(f, "openshift/network.operator.openshift.io-cluster-Calico.json");
	assert_string_equal(engine(f, "calico")->enforces, "yes");
}

static void test_openshift_unsupported_cni_is_unknown(void **state)
{
	struct fx *f = *state;

	/* ComplianceAsCode fails this case; an engine we do not know is WARN, not FAIL. */
	load(f, "openshift/network.operator.openshift.io-cluster-UnsupportedCNI.json");
	assert_string_equal(engine(f, "UnsupportedCNI")->enforces, "unknown");
	assert_status(f, "NP-101", NP_ST_WARN);
}

/* A workload of kind in ns with the given containers (YAML list items). */
static void add_workload(struct fx *f, const char *kind, const char *ns, const char *name,
			 const char *containers)
{
	char buf[4096];
	int n = snprintf(buf, sizeof(buf),
			 "apiVersion: apps/v1\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\n"
			 "spec:\n  selector:\n    matchLabels:\n      app: %s\n  template:\n"
			 "    metadata:\n      labels:\n        app: %s\n    spec:\n"
			 "      containers:\n%s",
			 kind, name, ns, name, name, containers);

	assert_true(n > 0 && (size_t)n < sizeof(buf));
	decode_text(f, name, buf, (size_t)n);
}

static const char ANTREA_AGENT[] =
	"      - name: antrea-agent\n        image: antrea/antrea-agent-ubuntu:v2.1.0\n"
	"      - name: antrea-ovs\n        image: antrea/antrea-agent-ubuntu:v2.1.0\n";

static void test_antrea_agent_with_controller_enforces(void **state)
{
	struct fx *f = *state;

	add_workload(f, "DaemonSet", "kube-system", "antrea-agent", ANTREA_AGENT);
	add_workload(f, "Deployment", "kube-system", "antrea-controller",
		     "      - name: antrea-controller\n"
		     "        image: antrea/antrea-controller-ubuntu:v2.1.0\n");
	assert_string_equal(engine(f, "antrea")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_antrea_agent_without_controller_does_not_enforce(void **state)
{
	struct fx *f = *state;

	add_workload(f, "DaemonSet", "kube-system", "antrea-agent", ANTREA_AGENT);
	assert_string_equal(engine(f, "antrea")->enforces, "no");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

static void test_weave_with_npc_enforces(void **state)
{
	struct fx *f = *state;

	add_workload(f, "DaemonSet", "kube-system", "weave-net",
		     "      - name: weave\n        image: weaveworks/weave-kube:2.8.1\n"
		     "      - name: weave-npc\n        image: weaveworks/weave-npc:2.8.1\n");
	assert_string_equal(engine(f, "weave")->enforces, "yes");
}

static void test_weave_without_npc_does_not_enforce(void **state)
{
	struct fx *f = *state;

	add_workload(f, "DaemonSet", "kube-system", "weave-net",
		     "      - name: weave\n        image: weaveworks/weave-kube:2.8.1\n");
	assert_string_equal(engine(f, "weave")->enforces, "no");
}

static void test_kube_ovn_enable_np_false_does_not_enforce(void **state)
{
	struct fx *f = *state;

	add_workload(f, "DaemonSet", "kube-system", "kube-ovn-cni",
		     "      - name: cni-server\n        image: docker.io/kubeovn/kube-ovn:v1.13.0\n");
	add_workload(f, "Deployment", "kube-system", "kube-ovn-controller",
		     "      - name: kube-ovn-controller\n        image: docker.io/kubeovn/kube-ovn:v1.13.0\n"
		     "        args:\n        - --enable-np=false\n");
	assert_string_equal(engine(f, "kube-ovn")->enforces, "no");
}

static void test_ovn_kubernetes_daemonset_enforces(void **state)
{
	struct fx *f = *state;

	add_workload(f, "DaemonSet", "ovn-kubernetes", "ovnkube-node",
		     "      - name: ovnkube-controller\n"
		     "        image: ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-ubuntu:master\n");
	assert_string_equal(engine(f, "ovn-kubernetes")->enforces, "yes");
}

static void test_azure_cni_alone_fails_with_az_aks_fix(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	add_workload(f, "DaemonSet", "kube-system", "azure-cns",
		     "      - name: cns-container\n"
		     "        image: mcr.microsoft.com/containernetworking/azure-cns:v1.6.0\n");
	add_node(f, "aks-0", NULL, NULL, AKS_BARE, NULL);
	set_ready(f, "kube-system", "azure-cns", 1, 1);
	assert_string_equal(engine(f, "azure-cni")->enforces, "no");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	assert_non_null(strstr(res->remediation, "az aks update"));
}

static void test_azure_cni_powered_by_cilium_enforces(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "kubernetes.azure.com/managedby", "aks",
					   "kubernetes.azure.com/ebpf-dataplane", "cilium",
					   "kubernetes.azure.com/network-policy", "cilium", NULL };

	add_node(f, "aks-0", NULL, NULL, lab, NULL);
	assert_string_equal(engine(f, "cilium")->enforces, "yes");
	assert_status(f, "NP-101", NP_ST_PASS);
	assert_status(f, "NP-104", NP_ST_PASS);
}

static void test_nothing_detected_is_manual(void **state)
{
	struct fx *f = *state;

	load(f, "calico-operator/custom-resources.yaml");
	add_nodes(f, 1);
	assert_status(f, "NP-101", NP_ST_MANUAL);
}

static void test_config_content_outranks_configmap_name(void **state)
{
	struct fx *f = *state;

	/* ConfigMap kube-flannel-cfg whose cni-conf.json runs calico. */
	load(f, "kics/negative2.yaml");
	assert_string_equal(engine(f, "calico")->enforces, "yes");
	assert_false(has_engine(f, "flannel"));
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_flannel_seen_only_in_a_config_fails(void **state)
{
	struct fx *f = *state;

	load(f, "kics/positive.json");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

/* ------------------------------------------------------------- k3s */

static void test_k3s_embedded_controller_enforces(void **state)
{
	struct fx *f = *state;
	static const char *const ann[] = { "k3s.io/node-args", "[\"server\"]",
					   "flannel.alpha.coreos.com/backend-type", "vxlan", NULL };
	static const char *const lab[] = { "node.kubernetes.io/instance-type", "k3s", NULL };

	add_node(f, "k3s-0", NULL, "k3s://k3s-0", lab, ann);
	assert_string_equal(engine(f, "k3s-network-policy")->enforces, "yes");
	/* Its flannel annotations never mean "flannel alone". */
	assert_false(has_engine(f, "flannel"));
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_k3s_disable_network_policy_does_not_enforce(void **state)
{
	struct fx *f = *state;
	static const char *const ann[] = {
		"k3s.io/node-args", "[\"server\",\"--disable-network-policy\"]", NULL
	};

	add_node(f, "k3s-0", NULL, NULL, NULL, ann);
	assert_string_equal(engine(f, "k3s-network-policy")->enforces, "no");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

/* ------------------------------------------------------ platform */

static void test_platform_eks_from_nodegroup_label(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "eks.amazonaws.com/nodegroup", "ng-1", NULL };

	add_node(f, "ip-10-0-0-1", NULL, "aws:///us-west-2a/i-0123", lab, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.provider, "aws");
	assert_string_equal(f->r.cluster.platform, "eks");
	assert_int_equal(f->r.cluster.n_evidence, 1);
	assert_string_equal(f->r.cluster.evidence[0], "Node label eks.amazonaws.com/nodegroup");
}

static void test_platform_eks_auto_from_compute_type(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "eks.amazonaws.com/compute-type", "auto", NULL };

	add_node(f, "i-0abc", NULL, "aws:///us-west-2a/i-0abc", lab, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "eks-auto");
}

static void test_platform_eks_from_aws_node_and_provider_ids(void **state)
{
	struct fx *f = *state;

	load(f, "aws-vpc-cni/aws-k8s-cni-v1.13.4-subset.yaml");
	add_node(f, "ip-10-0-0-1", NULL, "aws:///us-west-2a/i-0123", NULL, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "eks");
}

static void test_aws_provider_alone_is_not_eks(void **state)
{
	struct fx *f = *state;

	add_node(f, "ip-10-0-0-1", NULL, "aws:///us-west-2a/i-0123", NULL, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.provider, "aws");
	assert_string_equal(f->r.cluster.platform, "unknown");
}

static void test_platform_aks_from_managedby_label(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "kubernetes.azure.com/managedby", "aks", NULL };

	add_node(f, "aks-nodepool1-0", NULL,
		 "azure:///subscriptions/x/resourceGroups/mc/providers/Microsoft.Compute/"
		 "virtualMachineScaleSets/aks/virtualMachines/0",
		 lab, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.provider, "azure");
	assert_string_equal(f->r.cluster.platform, "aks");
}

static void test_azure_provider_alone_is_not_aks(void **state)
{
	struct fx *f = *state;

	/* CAPZ clusters have azure:// providerIDs too. */
	add_node(f, "capz-md-0", NULL, "azure:///subscriptions/x/vm/0", NULL, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "unknown");
}

static void test_platform_gke_from_nodepool_label(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "cloud.google.com/gke-nodepool", "default-pool", NULL };

	add_node(f, "gke-c-default-pool-1", NULL, "gce://proj/us-central1-a/gke-c-1", lab, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.provider, "gce");
	assert_string_equal(f->r.cluster.platform, "gke");
	assert_string_equal(f->r.cluster.evidence[0], "Node label cloud.google.com/gke-nodepool");
}

static void test_platform_k3s_from_node_args(void **state)
{
	struct fx *f = *state;
	static const char *const ann[] = { "k3s.io/node-args", "[\"server\"]", NULL };

	add_node(f, "k3s-0", NULL, "k3s://k3s-0", NULL, ann);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "k3s");
}

static void test_platform_kind_from_provider_id(void **state)
{
	struct fx *f = *state;

	add_node(f, "kind-control-plane", NULL, "kind://docker/kind/kind-control-plane", NULL, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "kind");
}

static void test_platform_minikube_from_label(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "minikube.k8s.io/name", "minikube", NULL };

	add_node(f, "minikube", NULL, NULL, lab, NULL);
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "minikube");
}

static void test_platform_unknown_without_evidence(void **state)
{
	struct fx *f = *state;

	load(f, "calico/calico-manifest-subset.yaml");
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "unknown");
	assert_null(f->r.cluster.provider);
	assert_int_equal(f->r.cluster.n_evidence, 0);
}

/* ------------------------------------------------------------- NP-104 */


static void test_np104_passes_with_network_policy_label(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "azure-npm/azure-npm.yaml");
	add_node(f, "aks-0", NULL, NULL, AKS_AZURE, NULL);
	add_node(f, "aks-1", NULL, NULL, AKS_AZURE, NULL);
	set_ready(f, "kube-system", "azure-npm", 2, 2);
	res = control_mode(f, "NP-104", false);
	assert_int_equal(res->status, NP_ST_PASS);
	assert_non_null(strstr(res->summary, "azure-npm"));
}

static void test_np104_fails_on_network_policy_none(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	add_node(f, "aks-0", NULL, NULL, AKS_NONE, NULL);
	res = control_mode(f, "NP-104", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	assert_non_null(strstr(finding_on(res, "Node", "aks-0")->remediation, "az aks update"));
	assert_non_null(strstr(res->remediation, "--network-policy azure|calico|cilium"));
}

static void test_np104_fails_without_label_or_engine(void **state)
{
	struct fx *f = *state;

	add_node(f, "aks-0", NULL, NULL, AKS_BARE, NULL);
	/* Leftover Calico CRDs prove nothing. */
	assert_status(f, "NP-104", NP_ST_FAIL);
}

static void test_np104_passes_without_label_when_an_engine_runs(void **state)
{
	struct fx *f = *state;

	load(f, "calico/calico-manifest-subset.yaml");
	add_node(f, "aks-0", NULL, NULL, AKS_BARE, NULL);
	set_ready(f, "kube-system", "calico-node", 1, 1);
	assert_status(f, "NP-104", NP_ST_PASS);
}

static void test_np104_skips_off_aks(void **state)
{
	struct fx *f = *state;

	add_nodes(f, 1);
	assert_status(f, "NP-104", NP_ST_SKIP);
}

/* ------------------------------------------------------------- NP-105 */

static const char *const EKS_NG[] = { "eks.amazonaws.com/nodegroup", "ng-1", NULL };

static void eks_nodes(struct fx *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[32], pid[64];
		snprintf(name, sizeof(name), "ip-10-0-0-%zu", i);
		snprintf(pid, sizeof(pid), "aws:///us-west-2a/i-%zu", i);
		add_node(f, name, NULL, pid, EKS_NG, NULL);
	}
}

static void load_vpc_cni_on(struct fx *f)
{
	load_edit(f, "aws-vpc-cni/aws-k8s-cni-v1.14.0-subset.yaml", "--enable-network-policy=false",
		  "--enable-network-policy=true", "enable-network-policy-controller: \"false\"",
		  "enable-network-policy-controller: \"true\"", (const char *)NULL);
}

static void test_np105_passes_with_both_switches(void **state)
{
	struct fx *f = *state;

	load_vpc_cni_on(f);
	eks_nodes(f, 2);
	set_ready(f, "kube-system", "aws-node", 2, 2);
	assert_status(f, "NP-105", NP_ST_PASS);
}

static void test_np105_fails_with_agent_off(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "aws-vpc-cni/aws-k8s-cni-v1.14.0-subset.yaml");
	eks_nodes(f, 2);
	set_ready(f, "kube-system", "aws-node", 2, 2);
	res = control_mode(f, "NP-105", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	assert_non_null(strstr(finding_on(res, "DaemonSet", "aws-node")->remediation,
			       "enableNetworkPolicy: \"true\""));
}

static void test_np105_passes_with_calico_beside_vpc_cni(void **state)
{
	struct fx *f = *state;

	load(f, "aws-vpc-cni/aws-k8s-cni-v1.13.4-subset.yaml");
	load(f, "calico/calico-policy-only-subset.yaml");
	eks_nodes(f, 2);
	set_ready(f, "kube-system", "aws-node", 2, 2);
	set_ready(f, "kube-system", "calico-node", 2, 2);
	assert_status(f, "NP-105", NP_ST_PASS);
}

static void test_np105_fargate_node_turns_pass_into_warn(void **state)
{
	struct fx *f = *state;
	static const char *const fg[] = { "eks.amazonaws.com/compute-type", "fargate", NULL };
	struct np_control_result *res;

	load_vpc_cni_on(f);
	eks_nodes(f, 2);
	add_node(f, "fargate-ip-10-0-1-1", NULL, "aws:///us-west-2a/fargate-1", fg, NULL);
	set_ready(f, "kube-system", "aws-node", 2, 2);
	res = control_mode(f, "NP-105", false);
	assert_int_equal(res->status, NP_ST_WARN);
	assert_non_null(strstr(finding_on(res, "Node", "fargate-ip-10-0-1-1")->message, "Fargate"));
}

static void test_np105_auto_mode_with_controller_key_passes(void **state)
{
	struct fx *f = *state;
	static const char *const lab[] = { "eks.amazonaws.com/compute-type", "auto", NULL };
	static const char cm[] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
				 "  name: amazon-vpc-cni\n  namespace: kube-system\n"
				 "data:\n  enable-network-policy-controller: \"true\"\n";

	decode_text(f, "cm.yaml", cm, sizeof(cm) - 1);
	add_node(f, "i-0abc", NULL, "aws:///us-west-2a/i-0abc", lab, NULL);
	assert_status(f, "NP-105", NP_ST_PASS);
}

static void test_np105_configmap_not_collected_warns(void **state)
{
	struct fx *f = *state;

	load_edit(f, "aws-vpc-cni/aws-k8s-cni-v1.14.0-subset.yaml", "--enable-network-policy=false",
		  "--enable-network-policy=true", "name: amazon-vpc-cni", "name: unrelated",
		  (const char *)NULL);
	assert_int_equal(np_model_set_avail(&f->m, NP_RES_CONFIGMAPS, NULL, NP_AVAIL_NOT_COLLECTED,
					    "notCollected", "configmaps/ absent", "bundle"),
			 0);
	eks_nodes(f, 1);
	set_ready(f, "kube-system", "aws-node", 1, 1);
	assert_status(f, "NP-105", NP_ST_WARN);
}

static void test_np105_skips_off_eks(void **state)
{
	struct fx *f = *state;

	load(f, "aws-vpc-cni/aws-k8s-cni-v1.14.0-subset.yaml");
	add_nodes(f, 1);
	assert_status(f, "NP-105", NP_ST_SKIP);
}

/* ------------------------------------------------------------- NP-106 */

static const char ANETD[] =
	"apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: anetd\n  namespace: kube-system\n"
	"spec:\n  selector:\n    matchLabels:\n      k8s-app: cilium\n  template:\n"
	"    metadata:\n      labels:\n        k8s-app: cilium\n    spec:\n      containers:\n"
	"      - name: cilium-agent\n        image: gke.gcr.io/cilium/cilium:v1.14.9-gke.1\n";

static void gke_nodes(struct fx *f, size_t n, bool ds_ready)
{
	static const char *const plain[] = { "cloud.google.com/gke-nodepool", "pool", NULL };
	static const char *const ready[] = { "cloud.google.com/gke-nodepool", "pool",
					     "projectcalico.org/ds-ready", "true", NULL };

	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "gke-pool-%zu", i);
		add_node(f, name, NULL, "gce://p/z/x", ds_ready ? ready : plain, NULL);
	}
}

static void test_np106_passes_with_dataplane_v2(void **state)
{
	struct fx *f = *state;

	decode_text(f, "anetd.yaml", ANETD, sizeof(ANETD) - 1);
	gke_nodes(f, 2, false);
	set_ready(f, "kube-system", "anetd", 2, 2);
	assert_string_equal(engine(f, "gke-dataplane-v2")->enforces, "yes");
	assert_status(f, "NP-106", NP_ST_PASS);
}

static void test_np106_passes_with_calico_ready_on_every_node(void **state)
{
	struct fx *f = *state;

	load(f, "calico/calico-manifest-subset.yaml");
	gke_nodes(f, 2, true);
	set_ready(f, "kube-system", "calico-node", 2, 2);
	assert_status(f, "NP-106", NP_ST_PASS);
}

static void test_np106_fails_listing_nodes_without_ds_ready(void **state)
{
	struct fx *f = *state;
	static const char *const plain[] = { "cloud.google.com/gke-nodepool", "pool", NULL };
	struct np_control_result *res;

	load(f, "calico/calico-manifest-subset.yaml");
	gke_nodes(f, 1, true);
	add_node(f, "gke-new", NULL, "gce://p/z/y", plain, NULL);
	set_ready(f, "kube-system", "calico-node", 2, 2);
	res = control_mode(f, "NP-106", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	assert_int_equal(res->findings.n, 1);
	finding_on(res, "Node", "gke-new");
	assert_non_null(strstr(res->summary, "projectcalico.org/ds-ready=true"));
	assert_non_null(strstr(res->remediation, "gcloud container clusters update"));
}

static void test_np106_fails_without_engine(void **state)
{
	struct fx *f = *state;

	gke_nodes(f, 2, false);
	assert_status(f, "NP-106", NP_ST_FAIL);
}

static void test_np106_skips_off_gke(void **state)
{
	struct fx *f = *state;

	decode_text(f, "anetd.yaml", ANETD, sizeof(ANETD) - 1);
	add_nodes(f, 1);
	assert_status(f, "NP-106", NP_ST_SKIP);
}

/* -------------------------------------------------------- missing data */

static void test_nodes_not_collected_is_error(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "flannel/kube-flannel.yml");
	assert_int_equal(np_model_set_avail(&f->m, NP_RES_NODES, NULL, NP_AVAIL_NOT_COLLECTED,
					    "notCollected", "nodes.json absent", "bundle.tar.gz"),
			 0);
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_ERROR);
	assert_non_null(strstr(res->summary, "nodes not collected"));
	/* Findings from what could be read stay listed. */
	finding_on(res, "DaemonSet", "kube-flannel-ds");
}

static void test_daemonsets_unreadable_is_error(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	add_nodes(f, 1);
	assert_int_equal(np_model_set_avail(&f->m, NP_RES_DAEMONSETS, "kube-system",
					    NP_AVAIL_UNREADABLE, "forbidden", "daemonsets is forbidden",
					    "live"),
			 0);
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_ERROR);
	assert_non_null(strstr(res->summary, "forbidden"));
}

static void test_platform_controls_error_without_nodes(void **state)
{
	struct fx *f = *state;

	load_vpc_cni_on(f);
	f->m.server = np_model_str(&f->m, "https://ABCD.gr7.us-west-2.eks.amazonaws.com");
	assert_int_equal(np_model_set_avail(&f->m, NP_RES_NODES, NULL, NP_AVAIL_UNREADABLE,
					    "forbidden", "nodes is forbidden", "live"),
			 0);
	assert_status(f, "NP-105", NP_ST_ERROR);
}

/* ------------------------------------------------------------ Kubescape */

/* C-0205: Kubescape fails CNINames ["aws"] alone; we WARN, because the VPC
 * CNI enforces NetworkPolicy once its two switches are on, which CNIInfo
 * cannot show (DESIGN §5.4). */
static void test_kubescape_c0205_aws_alone_is_undecidable(void **state)
{
	struct fx *f = *state;
	const struct np_cni_engine *e;

	load(f, "kubescape/C-0205-failed_aws-CNIInfo.json");
	e = engine(f, "aws-vpc-cni");
	assert_string_equal(e->enforces, "conditional");
	assert_string_equal(e->evidence_obj.kind, "CNIInfo");
	assert_status(f, "NP-101", NP_ST_WARN);
}

static void test_kubescape_c0205_flannel_fails(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "kubescape/C-0205-failed_flannel-CNIInfo.json");
	res = control_mode(f, "NP-101", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	finding_on(res, "CNIInfo", "minikube");
}

static void test_kubescape_c0205_flannel_and_calico_pass(void **state)
{
	struct fx *f = *state;

	load(f, "kubescape/C-0205-pass_flannel_and_calico-CNIInfo.json");
	assert_status(f, "NP-101", NP_ST_PASS);
}

static void test_kubescape_c0205_calico_passes(void **state)
{
	struct fx *f = *state;

	load(f, "kubescape/C-0205-passed-CNIInfo.json");
	assert_status(f, "NP-101", NP_ST_PASS);
}

/* C-0230 runs only when Kubescape's cloud provider says EKS; a CNIInfo
 * (named "minikube") is no EKS evidence to us, so NP-105 is SKIP. */
static void test_kubescape_c0230_cniinfo_alone_skips(void **state)
{
	struct fx *f = *state;

	load(f, "kubescape/C-0230-failed_aws-CNIInfo.json");
	assert_status(f, "NP-105", NP_ST_SKIP);
}

/* On EKS, Kubescape fails CNINames ["aws"] without Calico/Cilium; the VPC
 * CNI's own enforcement is undecidable from CNIInfo, so we WARN. */
static void test_kubescape_c0230_aws_on_eks_is_undecidable(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "kubescape/C-0230-failed_aws-CNIInfo.json");
	f->m.server = np_model_str(&f->m, "https://ABCD.gr7.us-west-2.eks.amazonaws.com");
	res = control_mode(f, "NP-105", false);
	assert_int_equal(res->status, NP_ST_WARN);
	finding_on(res, "CNIInfo", "minikube");
}

static enum np_status c0240(struct fx *f, const char *file)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "kubescape/C-0240-%s-aks-networkProfile.json", file);
	load(f, rel);
	return status_of(f, "NP-104");
}

static void test_kubescape_c0240_azure_azure_passes(void **state)
{
	assert_int_equal(c0240(*state, "aks-azure-azure-pass"), NP_ST_PASS);
}

static void test_kubescape_c0240_calico_azure_passes(void **state)
{
	assert_int_equal(c0240(*state, "aks-calico-azure-pass"), NP_ST_PASS);
}

static void test_kubescape_c0240_calico_kubenet_passes(void **state)
{
	assert_int_equal(c0240(*state, "aks-calico-kubenet-pass"), NP_ST_PASS);
}

static void test_kubescape_c0240_no_policy_fails(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	load(f, "kubescape/C-0240-aks-empty-fail-aks-networkProfile.json");
	res = control_mode(f, "NP-104", false);
	assert_int_equal(res->status, NP_ST_FAIL);
	assert_non_null(strstr(finding_on(res, "ClusterDescribe", "yiscah-abtwh-aks")->remediation,
			       "az aks update"));
}

static void test_kubescape_c0240_null_policy_fails(void **state)
{
	assert_int_equal(c0240(*state, "aks-kubenet-null-fail"), NP_ST_FAIL);
}

static void test_kubescape_cluster_describe_makes_platform_aks(void **state)
{
	struct fx *f = *state;

	load(f, "kubescape/C-0240-aks-azure-azure-pass-aks-networkProfile.json");
	finish(f);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "aks");
	assert_string_equal(f->r.cluster.provider, "azure");
}

/* ------------------------------------------------------------- KICS */

static struct np_control_result *kics(struct fx *f, const char *rel)
{
	f->m.kics = true;
	load(f, rel);
	return control_mode(f, "NP-101", true);
}

/* The line KICS reports for file in positive_expected_result.json (it spells
 * the key "fileName" or "filename"). */
static int kics_expected_line(const char *file)
{
	json_error_t jerr;
	json_t *root = json_load_file(DATA "kics/positive_expected_result.json", 0, &jerr);
	size_t i;
	json_t *it;
	int line = -1;

	assert_non_null(root);
	json_array_foreach(root, i, it) {
		json_t *name = json_object_get(it, "fileName");
		if (!name)
			name = json_object_get(it, "filename");
		if (json_is_string(name) && strcmp(json_string_value(name), file) == 0)
			line = (int)json_integer_value(json_object_get(it, "line"));
	}
	json_decref(root);
	assert_true(line > 0);
	return line;
}

static void test_kics_conflist_flannel_fails_at_type_line(void **state)
{
	struct np_control_result *res = kics(*state, "kics/positive.json");

	assert_int_equal(res->status, NP_ST_FAIL);
	assert_int_equal(res->findings.n, 1);
	assert_int_equal(res->findings.v[0].loc.line, kics_expected_line("positive.json"));
}

static void test_kics_configmap_flannel_fails_at_key_line(void **state)
{
	struct np_control_result *res = kics(*state, "kics/positive2.yaml");

	assert_int_equal(res->status, NP_ST_FAIL);
	assert_int_equal(res->findings.n, 1);
	assert_string_equal(res->findings.v[0].kind, "ConfigMap");
	assert_string_equal(res->findings.v[0].name, "kube-flannel-cfg");
	assert_int_equal(res->findings.v[0].loc.line, kics_expected_line("positive2.yaml"));
}

static void test_kics_calico_conflist_passes(void **state)
{
	assert_int_equal(kics(*state, "kics/negative.json")->status, NP_ST_PASS);
}

static void test_kics_calico_configmap_passes(void **state)
{
	assert_int_equal(kics(*state, "kics/negative2.yaml")->status, NP_ST_PASS);
}

static void test_kics_invalid_cni_json_finds_nothing(void **state)
{
	struct fx *f = *state;

	f->m.kics = true;
	load_edit(f, "kics/positive2.yaml", "\"name\": \"cbr0\",", "\"name\": \"cbr0\"",
		  (const char *)NULL);
	assert_int_equal(control_mode(f, "NP-101", true)->status, NP_ST_PASS);
}

static void test_kics_ignores_running_flannel_daemonset(void **state)
{
	struct fx *f = *state;
	struct np_control_result *res;

	/* KICS looks at configs only: the DaemonSet adds nothing, the ConfigMap one finding. */
	f->m.kics = true;
	load(f, "flannel/kube-flannel.yml");
	res = control_mode(f, "NP-101", true);
	assert_int_equal(res->status, NP_ST_FAIL);
	assert_int_equal(res->findings.n, 1);
	assert_string_equal(res->findings.v[0].kind, "ConfigMap");
	assert_int_equal(res->findings.v[0].loc.line, 72);
}

static void test_kics_fixtures_agree_in_k8s_mode(void **state)
{
	struct fx *f = *state;

	load(f, "kics/positive2.yaml");
	assert_status(f, "NP-101", NP_ST_FAIL);
}

/* ------------------------------------------------------------- limits */

static void test_many_plugin_types_do_not_fail_detection(void **state)
{
	struct fx *f = *state;
	size_t cap = 64 * 1024, o = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	o += (size_t)snprintf(buf + o, cap - o, "{\"cniVersion\": \"1.0.0\", \"name\": \"x\", \"plugins\": [");
	for (int i = 0; i < 500; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s{\"type\": \"plugin-%d\"}", i ? "," : "", i);
	o += (size_t)snprintf(buf + o, cap - o, ", {\"type\": \"flannel\"}]}");
	decode_text(f, "many.conflist", buf, o);
	free(buf);
	assert_string_equal(engine(f, "flannel")->enforces, "no");
	assert_true(f->r.cluster.n_cni >= 2);
	assert_status(f, "NP-101", NP_ST_WARN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_flannel_alone_does_not_enforce),
		T(test_flannel_alone_fails_np101_on_its_daemonset),
		T(test_flannel_ready_on_all_nodes_still_fails),
		T(test_flannel_with_kube_network_policies_container_enforces),
		T(test_canal_daemonset_enforces),
		T(test_flannel_beside_calico_passes),
		T(test_calico_manifest_enforces_on_all_nodes),
		T(test_calico_policy_only_is_named_in_evidence),
		T(test_calico_operator_manifest_passes_offline),
		T(test_calico_operator_without_calico_node_warns_in_cluster_state),
		T(test_calico_config_without_daemonset_warns_in_cluster_state),
		T(test_daemonset_with_no_ready_pod_enforces_nothing),
		T(test_partly_ready_daemonset_warns),
		T(test_windows_node_without_windows_engine_is_not_covered),
		T(test_cilium_default_policy_enforces),
		T(test_cilium_enable_policy_never_does_not_enforce),
		T(test_cilium_k8s_networkpolicy_false_does_not_enforce),
		T(test_cilium_without_collected_configmap_warns),
		T(test_kube_router_with_firewall_enforces),
		T(test_kube_router_run_firewall_false_does_not_enforce),
		T(test_kindnet_before_v20240719_does_not_enforce),
		T(test_kindnet_v0_24_enforces),
		T(test_kindnet_head_enforces),
		T(test_kindnet_date_tag_with_digest_is_compared),
		T(test_kindnet_standalone_network_policy_flag_enforces),
		T(test_kindnet_standalone_old_semver_does_not_enforce),
		T(test_kindnet_network_policy_false_does_not_enforce),
		T(test_vpc_cni_v1_13_has_no_policy_agent),
		T(test_vpc_cni_v1_14_ships_agent_off),
		T(test_vpc_cni_v1_14_with_both_switches_enforces),
		T(test_vpc_cni_agent_on_controller_off_does_not_enforce),
		T(test_vpc_cni_controller_on_agent_off_does_not_enforce),
		T(test_vpc_cni_head_with_both_switches_enforces),
		T(test_azure_npm_enforces),
		T(test_multus_alone_is_undecidable),
		T(test_multus_delegating_to_flannel_fails),
		T(test_multus_delegating_to_calico_passes),
		T(test_openshift_ovn_kubernetes_enforces),
		T(test_openshift_sdn_default_mode_enforces),
		T(test_openshift_sdn_multitenant_does_not_enforce),
		T(test_openshift_calico_network_enforces),
		T(test_openshift_unsupported_cni_is_unknown),
		T(test_antrea_agent_with_controller_enforces),
		T(test_antrea_agent_without_controller_does_not_enforce),
		T(test_weave_with_npc_enforces),
		T(test_weave_without_npc_does_not_enforce),
		T(test_kube_ovn_enable_np_false_does_not_enforce),
		T(test_ovn_kubernetes_daemonset_enforces),
		T(test_azure_cni_alone_fails_with_az_aks_fix),
		T(test_azure_cni_powered_by_cilium_enforces),
		T(test_nothing_detected_is_manual),
		T(test_config_content_outranks_configmap_name),
		T(test_flannel_seen_only_in_a_config_fails),
		T(test_k3s_embedded_controller_enforces),
		T(test_k3s_disable_network_policy_does_not_enforce),
		T(test_platform_eks_from_nodegroup_label),
		T(test_platform_eks_auto_from_compute_type),
		T(test_platform_eks_from_aws_node_and_provider_ids),
		T(test_aws_provider_alone_is_not_eks),
		T(test_platform_aks_from_managedby_label),
		T(test_azure_provider_alone_is_not_aks),
		T(test_platform_gke_from_nodepool_label),
		T(test_platform_k3s_from_node_args),
		T(test_platform_kind_from_provider_id),
		T(test_platform_minikube_from_label),
		T(test_platform_unknown_without_evidence),
		T(test_np104_passes_with_network_policy_label),
		T(test_np104_fails_on_network_policy_none),
		T(test_np104_fails_without_label_or_engine),
		T(test_np104_passes_without_label_when_an_engine_runs),
		T(test_np104_skips_off_aks),
		T(test_np105_passes_with_both_switches),
		T(test_np105_fails_with_agent_off),
		T(test_np105_passes_with_calico_beside_vpc_cni),
		T(test_np105_fargate_node_turns_pass_into_warn),
		T(test_np105_auto_mode_with_controller_key_passes),
		T(test_np105_configmap_not_collected_warns),
		T(test_np105_skips_off_eks),
		T(test_np106_passes_with_dataplane_v2),
		T(test_np106_passes_with_calico_ready_on_every_node),
		T(test_np106_fails_listing_nodes_without_ds_ready),
		T(test_np106_fails_without_engine),
		T(test_np106_skips_off_gke),
		T(test_nodes_not_collected_is_error),
		T(test_daemonsets_unreadable_is_error),
		T(test_platform_controls_error_without_nodes),
		T(test_kubescape_c0205_aws_alone_is_undecidable),
		T(test_kubescape_c0205_flannel_fails),
		T(test_kubescape_c0205_flannel_and_calico_pass),
		T(test_kubescape_c0205_calico_passes),
		T(test_kubescape_c0230_cniinfo_alone_skips),
		T(test_kubescape_c0230_aws_on_eks_is_undecidable),
		T(test_kubescape_c0240_azure_azure_passes),
		T(test_kubescape_c0240_calico_azure_passes),
		T(test_kubescape_c0240_calico_kubenet_passes),
		T(test_kubescape_c0240_no_policy_fails),
		T(test_kubescape_c0240_null_policy_fails),
		T(test_kubescape_cluster_describe_makes_platform_aks),
		T(test_kics_conflist_flannel_fails_at_type_line),
		T(test_kics_configmap_flannel_fails_at_key_line),
		T(test_kics_calico_conflist_passes),
		T(test_kics_calico_configmap_passes),
		T(test_kics_invalid_cni_json_finds_nothing),
		T(test_kics_ignores_running_flannel_daemonset),
		T(test_kics_fixtures_agree_in_k8s_mode),
		T(test_many_plugin_types_do_not_fail_detection),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
