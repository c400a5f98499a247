/* Services, Ingresses, admission webhook configurations and APIServices:
 * the records `fix` and the remediations use to keep traffic working under a
 * default-deny (DESIGN §5.5). Only selectors, ports and backend references
 * are kept; everything else (status, annotations but the ingress class,
 * CA bundles, rules) is dropped here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_priv.h"

static enum np_proto svc_proto(struct dctx *c, const struct np_node *n, const char *path)
{
	const char *s;

	if (!n || n->type == NP_NODE_NULL)
		return NP_PROTO_TCP;
	s = dtext(n);
	if (s && strcmp(s, "TCP") == 0)
		return NP_PROTO_TCP;
	if (s && strcmp(s, "UDP") == 0)
		return NP_PROTO_UDP;
	if (s && strcmp(s, "SCTP") == 0)
		return NP_PROTO_SCTP;
	dissue(c, NP_ISSUE_FAIL, n, "%s: must be TCP, UDP or SCTP", path);
	return NP_PROTO_INVALID;
}

/* A port number 1-65535, or 0 (with an issue when present but bad). */
static int port_number(struct dctx *c, const struct np_node *n, const char *path)
{
	long long v;

	if (!n || n->type == NP_NODE_NULL)
		return 0;
	if (!dint(n, &v) || v < 1 || v > 65535) {
		dissue(c, NP_ISSUE_FAIL, n, "%s: must be a number 1-65535", path);
		return 0;
	}
	return (int)v;
}

/* An IntOrString port: a number, or a name. A string of digits is read as
 * the number (the API would reject it; the intent is plain). */
static void int_or_name(struct dctx *c, const struct np_node *n, const char *path, int *num,
			const char **name)
{
	const char *s;

	*num = 0;
	*name = NULL;
	if (!n || n->type == NP_NODE_NULL)
		return;
	if (n->type == NP_NODE_INT) {
		*num = port_number(c, n, path);
		return;
	}
	s = dtext(n);
	if (!s || !*s) {
		dissue(c, NP_ISSUE_FAIL, n, "%s: must be a port number or name", path);
		return;
	}
	if (strspn(s, "0123456789") == strlen(s)) {
		long v = strtol(s, NULL, 10);

		if (strlen(s) <= 5 && v >= 1 && v <= 65535)
			*num = (int)v;
		else
			dissue(c, NP_ISSUE_FAIL, n, "%s: must be a number 1-65535", path);
		return;
	}
	*name = dstr(c, s);
}

int decode_service(struct dctx *c)
{
	const struct np_node *spec = dget(c->obj, "spec");
	const struct np_node *ports = dget(spec, "ports");
	const char *type = dtext(dget(spec, "type"));
	const char *cip = dtext(dget(spec, "clusterIP"));
	struct np_service *s = np_model_push_service(c->m);
	size_t i, k = 0, len = dseq_len(ports);

	if (!s)
		return NP_ENOMEM;
	dloc(c, &s->loc);
	s->name = dname(c, &s->loc);
	s->namespace = dnamespace(c);
	s->type = NP_SVC_CLUSTERIP;
	if (type && strcmp(type, "NodePort") == 0)
		s->type = NP_SVC_NODEPORT;
	else if (type && strcmp(type, "LoadBalancer") == 0)
		s->type = NP_SVC_LOADBALANCER;
	else if (type && strcmp(type, "ExternalName") == 0)
		s->type = NP_SVC_EXTERNALNAME;
	dlabels(c, dget(spec, "selector"), "spec.selector", &s->selector);
	s->has_selector = s->selector.n > 0;
	s->cluster_ip = cip && *cip ? dstr(c, cip) : NULL;
	if (ports && ports->type != NP_NODE_SEQ && ports->type != NP_NODE_NULL)
		dissue(c, NP_ISSUE_FAIL, ports, "spec.ports: must be a list");
	if (len)
		s->ports = dalloc(c, len, sizeof(*s->ports));
	for (i = 0; s->ports && i < len; i++) {
		const struct np_node *p = ports->u.seq.items[i];
		struct np_service_port *sp = &s->ports[k];
		const char *name = dtext(dget(p, "name"));
		char path[64];

		snprintf(path, sizeof(path), "spec.ports[%zu].port", i);
		sp->port = port_number(c, dget(p, "port"), path);
		if (!sp->port) {
			if (!dget(p, "port"))
				dissue(c, NP_ISSUE_FAIL, p, "spec.ports[%zu].port: required", i);
			continue;
		}
		snprintf(path, sizeof(path), "spec.ports[%zu].protocol", i);
		sp->proto = svc_proto(c, dget(p, "protocol"), path);
		if (sp->proto == NP_PROTO_INVALID)
			continue;
		sp->name = name && *name ? dstr(c, name) : NULL;
		snprintf(path, sizeof(path), "spec.ports[%zu].targetPort", i);
		int_or_name(c, dget(p, "targetPort"), path, &sp->target_port, &sp->target_name);
		if (!sp->target_port && !sp->target_name)
			sp->target_port = sp->port;
		snprintf(path, sizeof(path), "spec.ports[%zu].nodePort", i);
		sp->node_port = port_number(c, dget(p, "nodePort"), path);
		k++;
	}
	s->n_ports = k;
	return c->oom ? NP_ENOMEM : 0;
}

/* Adds a backend unless the same (service, port) is there already. */
static void add_backend(struct dctx *c, struct np_ingress *g, size_t cap, const char *svc, int port,
			const char *port_name)
{
	size_t i;

	if (!svc || !*svc || !g->backends || g->n_backends >= cap)
		return;
	svc = dstr(c, svc);
	for (i = 0; i < g->n_backends; i++) {
		const struct np_ingress_backend *b = &g->backends[i];

		if (b->service == svc && b->port == port &&
		    ((!b->port_name && !port_name) ||
		     (b->port_name && port_name && strcmp(b->port_name, port_name) == 0)))
			return;
	}
	g->backends[g->n_backends].service = svc;
	g->backends[g->n_backends].port = port;
	g->backends[g->n_backends].port_name = port_name;
	g->n_backends++;
}

/* One backend: networking.k8s.io/v1 (service.name, service.port.number|name)
 * or v1beta1 (serviceName, servicePort). Resource backends are not Services. */
static void ingress_backend(struct dctx *c, struct np_ingress *g, size_t cap,
			    const struct np_node *b, const char *path)
{
	const struct np_node *svc = dget(b, "service");
	char p[96];
	int num = 0;
	const char *name = NULL;

	if (!b)
		return;
	if (svc) {
		const struct np_node *port = dget(svc, "port");

		snprintf(p, sizeof(p), "%s.service.port.number", path);
		num = port_number(c, dget(port, "number"), p);
		name = dtext(dget(port, "name"));
		add_backend(c, g, cap, dtext(dget(svc, "name")), num,
			    name && *name ? dstr(c, name) : NULL);
		return;
	}
	snprintf(p, sizeof(p), "%s.servicePort", path);
	int_or_name(c, dget(b, "servicePort"), p, &num, &name);
	add_backend(c, g, cap, dtext(dget(b, "serviceName")), num, name);
}

int decode_ingress(struct dctx *c)
{
	const struct np_node *meta = dget(c->obj, "metadata");
	const struct np_node *spec = dget(c->obj, "spec");
	const struct np_node *rules = dget(spec, "rules");
	const char *cls = dtext(dget(spec, "ingressClassName"));
	struct np_ingress *g = np_model_push_ingress(c->m);
	size_t i, j, cap = 2;

	if (!g)
		return NP_ENOMEM;
	dloc(c, &g->loc);
	g->name = dname(c, &g->loc);
	g->namespace = dnamespace(c);
	if (!cls || !*cls)
		cls = dtext(dget(dget(meta, "annotations"), "kubernetes.io/ingress.class"));
	g->class_name = cls && *cls ? dstr(c, cls) : NULL;
	for (i = 0; i < dseq_len(rules); i++) {
		size_t n = dseq_len(dget(dget(rules->u.seq.items[i], "http"), "paths"));

		if (n > SIZE_MAX - cap - 1)
			return NP_ENOMEM;
		cap += n;
	}
	g->backends = dalloc(c, cap, sizeof(*g->backends));
	if (!g->backends)
		return NP_ENOMEM;
	ingress_backend(c, g, cap, dget(spec, "defaultBackend"), "spec.defaultBackend");
	ingress_backend(c, g, cap, dget(spec, "backend"), "spec.backend");
	for (i = 0; i < dseq_len(rules); i++) {
		const struct np_node *paths = dget(dget(rules->u.seq.items[i], "http"), "paths");

		for (j = 0; j < dseq_len(paths); j++) {
			char path[96];

			snprintf(path, sizeof(path), "spec.rules[%zu].http.paths[%zu].backend", i, j);
			ingress_backend(c, g, cap, dget(paths->u.seq.items[j], "backend"), path);
		}
	}
	return c->oom ? NP_ENOMEM : 0;
}

/* A service reference (clientConfig.service, APIService spec.service) into a
 * new webhook record; nothing when it is absent or null (URL webhooks, local
 * APIServices). */
static int push_webhook(struct dctx *c, enum np_webhook_kind wk, const char *cfg_name,
			const struct np_loc *loc, const char *webhook, const struct np_node *svc,
			const char *path)
{
	const char *ns = dtext(dget(svc, "namespace")), *name = dtext(dget(svc, "name"));
	const struct np_node *port = dget(svc, "port");
	struct np_webhook *w;
	char p[96];

	if (!svc || svc->type != NP_NODE_MAP)
		return 0;
	if (!name || !*name) {
		dissue(c, NP_ISSUE_FAIL, svc, "%s.name: required", path);
		return 0;
	}
	w = np_model_push_webhook(c->m);
	if (!w)
		return NP_ENOMEM;
	w->wkind = wk;
	w->kind = c->kind;
	w->name = cfg_name;
	w->loc = *loc;
	w->webhook = webhook && *webhook ? dstr(c, webhook) : NULL;
	/* The API requires the namespace; a manifest without one means -n's. */
	w->service_namespace = ns && *ns ? dstr(c, ns) : dnamespace(c);
	w->service_name = dstr(c, name);
	snprintf(p, sizeof(p), "%s.port", path);
	w->port = port_number(c, port, p);
	if (!w->port)
		w->port = 443;
	return c->oom ? NP_ENOMEM : 0;
}

int decode_webhook_config(struct dctx *c, bool mutating)
{
	const struct np_node *hooks = dget(c->obj, "webhooks");
	struct np_loc loc;
	const char *name;
	size_t i;
	int rc;

	memset(&loc, 0, sizeof(loc));
	dloc(c, &loc);
	name = dname(c, &loc);
	for (i = 0; i < dseq_len(hooks); i++) {
		const struct np_node *h = hooks->u.seq.items[i];
		char path[64];

		snprintf(path, sizeof(path), "webhooks[%zu].clientConfig.service", i);
		rc = push_webhook(c, mutating ? NP_WH_MUTATING : NP_WH_VALIDATING, name, &loc,
				  dtext(dget(h, "name")), dget(dget(h, "clientConfig"), "service"), path);
		if (rc < 0)
			return rc;
	}
	return c->oom ? NP_ENOMEM : 0;
}

int decode_apiservice(struct dctx *c)
{
	struct np_loc loc;
	const char *name;

	memset(&loc, 0, sizeof(loc));
	dloc(c, &loc);
	name = dname(c, &loc);
	return push_webhook(c, NP_WH_APISERVICE, name, &loc, NULL,
			    dget(dget(c->obj, "spec"), "service"), "spec.service");
}
