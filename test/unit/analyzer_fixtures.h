/* Builders for analyzer tests: models made directly in C (no files, no
 * decoder), so each test states exactly the objects it is about. Strings are
 * interned in the model; labels are kept sorted as np_model_finish would. */
#ifndef TEST_ANALYZER_FIXTURES_H
#define TEST_ANALYZER_FIXTURES_H

#include <stdlib.h>
#include <string.h>

#include "netpol/model.h"

#define FX_NS_LABEL "kubernetes.io/metadata.name"

/* Splits "a,b,c" into interned strings allocated in the model. */
static inline size_t fx_split(struct np_model *m, const char *csv, const char ***out)
{
	size_t n = 1, i = 0;
	const char *p, *c;

	*out = NULL;
	if (!csv)
		return 0;
	for (p = csv; *p; p++)
		n += *p == ',';
	*out = np_model_alloc(m, n * sizeof(**out));
	for (p = csv;; p = c + 1) {
		c = strchr(p, ',');
		(*out)[i++] = np_model_strn(m, p, c ? (size_t)(c - p) : strlen(p));
		if (!c)
			break;
	}
	return i;
}

/* "k=v,k2=v2" (NULL or "" = none) into sorted labels; extra_key/value added when set. */
static inline void fx_labels_kv(struct np_model *m, struct np_labels *out, const char *spec,
				const char *extra_key, const char *extra_value)
{
	const char **items = NULL;
	size_t n = spec && *spec ? fx_split(m, spec, &items) : 0, i, j, total = n + (extra_key != NULL);

	memset(out, 0, sizeof(*out));
	if (!total)
		return;
	out->keys = np_model_alloc(m, total * sizeof(*out->keys));
	out->values = np_model_alloc(m, total * sizeof(*out->values));
	for (i = 0; i < n; i++) {
		const char *eq = strchr(items[i], '=');

		out->keys[out->n] = np_model_strn(m, items[i], (size_t)(eq - items[i]));
		out->values[out->n] = np_model_str(m, eq + 1);
		out->n++;
	}
	if (extra_key) {
		out->keys[out->n] = np_model_str(m, extra_key);
		out->values[out->n] = np_model_str(m, extra_value);
		out->n++;
	}
	/* Insertion sort by key, as np_labels_get's binary search expects. */
	for (i = 1; i < out->n; i++) {
		const char *k = out->keys[i], *v = out->values[i];

		for (j = i; j > 0 && strcmp(out->keys[j - 1], k) > 0; j--) {
			out->keys[j] = out->keys[j - 1];
			out->values[j] = out->values[j - 1];
		}
		out->keys[j] = k;
		out->values[j] = v;
	}
}

static inline void fx_labels(struct np_model *m, struct np_labels *out, const char *spec)
{
	fx_labels_kv(m, out, spec, NULL, NULL);
}

static inline void fx_ns(struct np_model *m, const char *name, const char *labels)
{
	struct np_namespace *ns = np_model_push_namespace(m);

	ns->name = np_model_str(m, name);
	fx_labels_kv(m, &ns->labels, labels, FX_NS_LABEL, name);
	m->n_k8s_objects++;
}

static inline void fx_ns_synth(struct np_model *m, const char *name)
{
	struct np_namespace *ns = np_model_push_namespace(m);

	ns->name = np_model_str(m, name);
	ns->synthesized = true;
	fx_labels_kv(m, &ns->labels, NULL, FX_NS_LABEL, name);
}

/* Returns the pod's index (pointers move on the next push). */
static inline size_t fx_pod(struct np_model *m, const char *ns, const char *name, const char *labels)
{
	struct np_pod *p = np_model_push_pod(m);

	p->namespace = np_model_str(m, ns);
	p->name = np_model_str(m, name);
	fx_labels(m, &p->labels, labels);
	p->loc.line = 4;
	p->loc.file = np_model_str(m, "pods.yaml");
	m->n_k8s_objects++;
	return m->pods.n - 1;
}

static inline void fx_top(struct np_model *m, size_t pod, const char *kind, const char *group,
			  const char *name)
{
	struct np_pod *p = &m->pods.v[pod];

	p->top.kind = np_model_str(m, kind);
	p->top.api_group = np_model_str(m, group);
	p->top.name = np_model_str(m, name);
	p->has_owner = true;
}

/* A template pod (DESIGN §4) of workload kind/name. */
static inline size_t fx_template(struct np_model *m, const char *ns, const char *kind,
				 const char *group, const char *name, const char *labels, bool idle)
{
	size_t i = fx_pod(m, ns, name, labels);

	m->n_k8s_objects--;
	m->pods.v[i].is_template = true;
	m->pods.v[i].idle = idle;
	fx_top(m, i, kind, group, name);
	return i;
}

static inline void fx_sel_labels(struct np_model *m, struct np_selector *s, const char *spec)
{
	const char **items = NULL;
	size_t n = fx_split(m, spec, &items), i;

	s->present = true;
	s->label_keys = np_model_alloc(m, n * sizeof(*s->label_keys));
	s->label_values = np_model_alloc(m, n * sizeof(*s->label_values));
	for (i = 0; i < n; i++) {
		const char *eq = strchr(items[i], '=');

		s->label_keys[i] = np_model_strn(m, items[i], (size_t)(eq - items[i]));
		s->label_values[i] = np_model_str(m, eq + 1);
	}
	s->n_labels = n;
}

/* Appends a matchExpression; values NULL = none. */
static inline void fx_sel_expr(struct np_model *m, struct np_selector *s, const char *key,
			       enum np_sel_op op, const char *values)
{
	struct np_sel_expr *nv = np_model_alloc(m, (s->n_exprs + 1) * sizeof(*nv));

	if (s->n_exprs)
		memcpy(nv, s->exprs, s->n_exprs * sizeof(*nv));
	memset(&nv[s->n_exprs], 0, sizeof(*nv));
	nv[s->n_exprs].key = np_model_str(m, key);
	nv[s->n_exprs].op = op;
	nv[s->n_exprs].n_values = fx_split(m, values, &nv[s->n_exprs].values);
	s->exprs = nv;
	s->n_exprs++;
	s->present = true;
}

/* Direction bits of a written list; ci compares case-insensitively. */
static inline unsigned fx_dir_bits(const char *types, bool ci)
{
	char low[128];
	size_t i;
	unsigned d = 0;

	if (!types)
		return 0;
	if (!ci)
		return (strstr(types, "Ingress") ? NP_DIR_INGRESS : 0) |
		       (strstr(types, "Egress") ? NP_DIR_EGRESS : 0);
	for (i = 0; types[i] && i < sizeof(low) - 1; i++)
		low[i] = (types[i] >= 'A' && types[i] <= 'Z') ? (char)(types[i] + 32) : types[i];
	low[i] = '\0';
	if (strstr(low, "ingress"))
		d |= NP_DIR_INGRESS;
	if (strstr(low, "egress"))
		d |= NP_DIR_EGRESS;
	return d;
}

/* A NetworkPolicy with spec present, podSelector absent (matches all), no
 * rules and policyTypes absent. Returns its index. */
static inline size_t fx_netpol(struct np_model *m, const char *ns, const char *name)
{
	struct np_netpol *p = np_model_push_netpol(m);

	p->namespace = np_model_str(m, ns);
	p->name = np_model_str(m, name);
	p->api_version = np_model_str(m, "networking.k8s.io/v1");
	p->namespace_explicit = true;
	p->spec_present = true;
	p->types_raw = NP_RAW_ABSENT;
	p->types_effective = NP_DIR_INGRESS;
	p->loc.file = np_model_str(m, "policies.yaml");
	p->loc.line = 20;
	m->n_k8s_objects++;
	return m->netpols.n - 1;
}

/* policyTypes: NULL = absent, "" = [], else "Ingress", "Egress", "Ingress,Egress"
 * (case as written; written_ci is case-insensitive). */
static inline void fx_types(struct np_netpol *p, const char *types)
{
	if (!types) {
		p->types_raw = NP_RAW_ABSENT;
		p->types_written = p->types_written_ci = 0;
	} else {
		p->types_raw = NP_RAW_ARRAY;
		p->types_written = fx_dir_bits(types, false);
		p->types_written_ci = fx_dir_bits(types, true);
	}
	/* The decoder's defaulting, stated independently here. */
	p->types_effective = p->types_written ? p->types_written :
		(NP_DIR_INGRESS | (p->n_egress ? NP_DIR_EGRESS : 0));
}

/* n empty rules (from/to and ports absent: all peers, all ports) per direction;
 * -1 leaves the key absent, 0 writes []. */
static inline void fx_rules(struct np_model *m, size_t idx, int n_in, int n_eg)
{
	struct np_netpol *p = &m->netpols.v[idx];

	p->ingress_present = n_in >= 0;
	p->egress_present = n_eg >= 0;
	p->n_ingress = n_in > 0 ? (size_t)n_in : 0;
	p->n_egress = n_eg > 0 ? (size_t)n_eg : 0;
	p->ingress = p->n_ingress ? np_model_alloc(m, p->n_ingress * sizeof(*p->ingress)) : NULL;
	p->egress = p->n_egress ? np_model_alloc(m, p->n_egress * sizeof(*p->egress)) : NULL;
	if (!p->types_written)
		p->types_effective = NP_DIR_INGRESS | (p->n_egress ? NP_DIR_EGRESS : 0);
}

/* A DNS-only egress rule: UDP and TCP port 53. */
static inline void fx_dns_egress_rule(struct np_model *m, struct np_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->ports_present = true;
	r->n_ports = 2;
	r->ports = np_model_alloc(m, 2 * sizeof(*r->ports));
	r->ports[0].proto = NP_PROTO_UDP;
	r->ports[0].has_port = true;
	r->ports[0].port = 53;
	r->ports[1].proto = NP_PROTO_TCP;
	r->ports[1].has_port = true;
	r->ports[1].port = 53;
}

static inline size_t fx_xpolicy(struct np_model *m, enum np_xpolicy_kind k, const char *kind,
				const char *ns, const char *name)
{
	struct np_xpolicy *x = np_model_push_xpolicy(m);

	x->xkind = k;
	x->kind = np_model_str(m, kind);
	x->namespace = ns ? np_model_str(m, ns) : NULL;
	x->name = np_model_str(m, name);
	x->priority = -1;
	m->n_k8s_objects++;
	return m->xpolicies.n - 1;
}

#endif
