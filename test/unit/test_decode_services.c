/* Services, Ingresses, admission webhook configurations and APIServices:
 * decoding into model records, and duplicates in np_model_finish. */
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

static void load_as(struct np_model *m, const char *file, const char *text)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(m, text, strlen(text), file, NULL, NULL, NULL, &err);
	if (rc != 0)
		fail_msg("decode: %d %s", rc, err.msg);
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

static int setup(void **state)
{
	struct np_model *m = calloc(1, sizeof(*m));

	if (!m)
		return -1;
	np_model_init(m);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	np_model_release(*state);
	free(*state);
	return 0;
}

static const char svc_web[] =
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata:\n"
	"  name: web\n"
	"  namespace: shop\n"
	"spec:\n"
	"  type: LoadBalancer\n"
	"  selector:\n"
	"    tier: front\n"
	"    app: web\n"
	"  ports:\n"
	"  - name: http\n"
	"    port: 80\n"
	"    targetPort: 8080\n"
	"    nodePort: 30080\n"
	"  - name: https\n"
	"    port: 443\n"
	"    targetPort: https\n"
	"  - name: metrics\n"
	"    port: 9090\n"
	"    protocol: UDP\n";

static void test_service_selector_is_kept_sorted(void **state)
{
	struct np_model *m = *state;
	const struct np_service *s;

	load(m, svc_web);
	assert_int_equal(m->services.n, 1);
	s = &m->services.v[0];
	assert_string_equal(s->namespace, "shop");
	assert_string_equal(s->name, "web");
	assert_true(s->has_selector);
	assert_int_equal(s->selector.n, 2);
	assert_string_equal(s->selector.keys[0], "app");
	assert_string_equal(np_labels_get(&s->selector, "tier"), "front");
	assert_int_equal(s->type, NP_SVC_LOADBALANCER);
	assert_int_equal(s->loc.line, 4);
}

static void test_service_numeric_target_port(void **state)
{
	struct np_model *m = *state;
	const struct np_service_port *p;

	load(m, svc_web);
	p = &m->services.v[0].ports[0];
	assert_int_equal(p->port, 80);
	assert_int_equal(p->target_port, 8080);
	assert_null(p->target_name);
	assert_int_equal(p->node_port, 30080);
	assert_int_equal(p->proto, NP_PROTO_TCP);
	assert_string_equal(p->name, "http");
}

static void test_service_named_target_port(void **state)
{
	struct np_model *m = *state;
	const struct np_service_port *p;

	load(m, svc_web);
	p = &m->services.v[0].ports[1];
	assert_int_equal(p->target_port, 0);
	assert_string_equal(p->target_name, "https");
}

static void test_service_absent_target_port_is_the_port(void **state)
{
	struct np_model *m = *state;
	const struct np_service_port *p;

	load(m, svc_web);
	assert_int_equal(m->services.v[0].n_ports, 3);
	p = &m->services.v[0].ports[2];
	assert_int_equal(p->target_port, 9090);
	assert_int_equal(p->proto, NP_PROTO_UDP);
}

static void test_service_without_selector_and_headless(void **state)
{
	struct np_model *m = *state;
	const struct np_service *s;

	load(m, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"kubernetes\","
		"\"namespace\":\"default\"},\"spec\":{\"clusterIP\":\"None\",\"ports\":"
		"[{\"port\":443,\"targetPort\":6443}]}}");
	s = &m->services.v[0];
	assert_false(s->has_selector);
	assert_int_equal(s->selector.n, 0);
	assert_string_equal(s->cluster_ip, "None");
	assert_int_equal(s->type, NP_SVC_CLUSTERIP);
	assert_int_equal(s->ports[0].target_port, 6443);
}

static void test_service_bad_port_is_dropped_with_a_warning(void **state)
{
	struct np_model *m = *state;
	const struct np_service *s;

	load(m, "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: a}\n"
		"spec:\n  ports:\n  - port: 70000\n  - port: 53\n    protocol: ICMP\n  - port: 81\n");
	s = &m->services.v[0];
	assert_int_equal(s->n_ports, 1);
	assert_int_equal(s->ports[0].port, 81);
	assert_int_equal(m->warnings.n, 2);
	assert_non_null(strstr(m->warnings.v[0].message, "spec.ports[0].port"));
	assert_string_equal(m->warnings.v[0].resource, "services");
}

static void test_service_namespace_defaults(void **state)
{
	struct np_model *m = *state;

	load(m, "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selector: {a: b}}\n");
	assert_string_equal(m->services.v[0].namespace, "default");
	assert_int_equal(m->n_objects, 1);
	assert_int_equal(m->n_k8s_objects, 1);
}

static void test_ingress_v1_backends_deduplicated(void **state)
{
	struct np_model *m = *state;
	const struct np_ingress *g;

	load(m, "apiVersion: networking.k8s.io/v1\n"
		"kind: Ingress\n"
		"metadata: {name: shop, namespace: shop}\n"
		"spec:\n"
		"  ingressClassName: nginx\n"
		"  defaultBackend:\n"
		"    service: {name: web, port: {number: 80}}\n"
		"  rules:\n"
		"  - host: a.example\n"
		"    http:\n"
		"      paths:\n"
		"      - path: /\n"
		"        pathType: Prefix\n"
		"        backend:\n"
		"          service: {name: web, port: {number: 80}}\n"
		"      - path: /api\n"
		"        pathType: Prefix\n"
		"        backend:\n"
		"          service: {name: api, port: {name: grpc}}\n"
		"      - path: /static\n"
		"        pathType: Prefix\n"
		"        backend:\n"
		"          resource: {apiGroup: k8s.example.com, kind: Bucket, name: b}\n");
	assert_int_equal(m->ingresses.n, 1);
	g = &m->ingresses.v[0];
	assert_string_equal(g->class_name, "nginx");
	assert_int_equal(g->n_backends, 2);
	assert_string_equal(g->backends[0].service, "web");
	assert_int_equal(g->backends[0].port, 80);
	assert_string_equal(g->backends[1].service, "api");
	assert_int_equal(g->backends[1].port, 0);
	assert_string_equal(g->backends[1].port_name, "grpc");
}

static void test_ingress_v1beta1_service_name_and_port(void **state)
{
	struct np_model *m = *state;
	const struct np_ingress *g;

	load(m, "apiVersion: extensions/v1beta1\n"
		"kind: Ingress\n"
		"metadata:\n"
		"  name: old\n"
		"  namespace: legacy\n"
		"  annotations: {kubernetes.io/ingress.class: traefik}\n"
		"spec:\n"
		"  backend: {serviceName: default-http, servicePort: 8080}\n"
		"  rules:\n"
		"  - http:\n"
		"      paths:\n"
		"      - backend: {serviceName: app, servicePort: http}\n");
	g = &m->ingresses.v[0];
	assert_string_equal(g->class_name, "traefik");
	assert_int_equal(g->n_backends, 2);
	assert_string_equal(g->backends[0].service, "default-http");
	assert_int_equal(g->backends[0].port, 8080);
	assert_string_equal(g->backends[1].port_name, "http");
}

static const char webhooks[] =
	"apiVersion: admissionregistration.k8s.io/v1\n"
	"kind: ValidatingWebhookConfiguration\n"
	"metadata: {name: cert-manager-webhook}\n"
	"webhooks:\n"
	"- name: webhook.cert-manager.io\n"
	"  clientConfig:\n"
	"    service: {name: cert-manager-webhook, namespace: cert-manager, path: /validate}\n"
	"- name: external.example.com\n"
	"  clientConfig:\n"
	"    url: https://hooks.example.com/validate\n"
	"- name: other.example.com\n"
	"  clientConfig:\n"
	"    service: {name: policy, namespace: gatekeeper-system, port: 8443}\n";

static void test_webhook_config_one_record_per_service_webhook(void **state)
{
	struct np_model *m = *state;
	const struct np_webhook *w;

	load(m, webhooks);
	assert_int_equal(m->webhooks.n, 2);
	w = &m->webhooks.v[0];
	assert_int_equal(w->wkind, NP_WH_VALIDATING);
	assert_string_equal(w->kind, "ValidatingWebhookConfiguration");
	assert_string_equal(w->name, "cert-manager-webhook");
	assert_string_equal(w->webhook, "webhook.cert-manager.io");
	assert_string_equal(w->service_namespace, "cert-manager");
	assert_string_equal(w->service_name, "cert-manager-webhook");
	assert_int_equal(w->port, 443);
	assert_int_equal(m->webhooks.v[1].port, 8443);
	assert_int_equal(m->n_objects, 1);
}

static void test_mutating_webhook_config_kind(void **state)
{
	struct np_model *m = *state;

	load(m, "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n"
		"metadata: {name: istio}\nwebhooks:\n- name: a\n  clientConfig:\n"
		"    service: {name: istiod, namespace: istio-system, port: 443}\n");
	assert_int_equal(m->webhooks.v[0].wkind, NP_WH_MUTATING);
	assert_string_equal(m->webhooks.v[0].kind, "MutatingWebhookConfiguration");
}

static void test_apiservice_with_service_and_local(void **state)
{
	struct np_model *m = *state;
	const struct np_webhook *w;

	load(m, "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\n"
		"metadata: {name: v1beta1.metrics.k8s.io}\n"
		"spec:\n  group: metrics.k8s.io\n  version: v1beta1\n"
		"  service: {name: metrics-server, namespace: kube-system}\n"
		"---\n"
		"apiVersion: apiregistration.k8s.io/v1\nkind: APIService\n"
		"metadata: {name: v1.apps}\nspec: {group: apps, version: v1, service: null}\n");
	assert_int_equal(m->webhooks.n, 1);
	w = &m->webhooks.v[0];
	assert_int_equal(w->wkind, NP_WH_APISERVICE);
	assert_null(w->webhook);
	assert_string_equal(w->name, "v1beta1.metrics.k8s.io");
	assert_string_equal(w->service_name, "metrics-server");
	assert_int_equal(w->port, 443);
	assert_int_equal(m->n_objects, 2);
}

static void test_later_service_replaces_earlier(void **state)
{
	struct np_model *m = *state;

	load_as(m, "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: s}\n"
			     "spec: {selector: {app: old}}\n");
	load_as(m, "b.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: s}\n"
			     "spec: {selector: {app: new}}\n");
	finish(m);
	assert_int_equal(m->services.n, 1);
	assert_string_equal(np_labels_get(&m->services.v[0].selector, "app"), "new");
	assert_int_equal(m->notes.n, 1);
	assert_string_equal(m->notes.v[0].reason, "duplicate");
}

static void test_identical_service_copies_drop_silently(void **state)
{
	struct np_model *m = *state;
	const char *svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: s}\n"
			  "spec: {selector: {app: web}}\n";

	load_as(m, "a.yaml", svc);
	load_as(m, "b.yaml", svc);
	finish(m);
	assert_int_equal(m->services.n, 1);
	assert_int_equal(m->notes.n, 0);
}

static void test_later_webhook_config_replaces_all_its_records(void **state)
{
	struct np_model *m = *state;

	load_as(m, "a.yaml", webhooks);
	load_as(m, "b.yaml",
		"apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
		"metadata: {name: cert-manager-webhook}\nwebhooks:\n- name: only\n  clientConfig:\n"
		"    service: {name: w, namespace: cm, port: 10250}\n");
	finish(m);
	assert_int_equal(m->webhooks.n, 1);
	assert_string_equal(m->webhooks.v[0].webhook, "only");
	assert_int_equal(m->webhooks.v[0].port, 10250);
}

static void test_same_name_in_other_namespace_is_kept(void **state)
{
	struct np_model *m = *state;

	load(m, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: a}\n"
		"spec: {defaultBackend: {service: {name: x, port: {number: 1}}}}\n---\n"
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: b}\n"
		"spec: {defaultBackend: {service: {name: x, port: {number: 1}}}}\n");
	finish(m);
	assert_int_equal(m->ingresses.n, 2);
}

static void test_find_service(void **state)
{
	struct np_model *m = *state;

	load(m, svc_web);
	finish(m);
	assert_non_null(np_model_find_service(m, "shop", "web"));
	assert_null(np_model_find_service(m, "other", "web"));
	assert_null(np_model_find_service(m, "shop", "api"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_service_selector_is_kept_sorted),
		T(test_service_numeric_target_port),
		T(test_service_named_target_port),
		T(test_service_absent_target_port_is_the_port),
		T(test_service_without_selector_and_headless),
		T(test_service_bad_port_is_dropped_with_a_warning),
		T(test_service_namespace_defaults),
		T(test_ingress_v1_backends_deduplicated),
		T(test_ingress_v1beta1_service_name_and_port),
		T(test_webhook_config_one_record_per_service_webhook),
		T(test_mutating_webhook_config_kind),
		T(test_apiservice_with_service_and_local),
		T(test_later_service_replaces_earlier),
		T(test_identical_service_copies_drop_silently),
		T(test_later_webhook_config_replaces_all_its_records),
		T(test_same_name_in_other_namespace_is_kept),
		T(test_find_service),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
