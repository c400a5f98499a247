/* The AuditReport and CNIReport trees (DESIGN §6.2): keys in contract order,
 * nulls printed, strings made valid UTF-8. YAML output is the same tree. */
#include <stdlib.h>
#include <string.h>
#include "netpol/cli.h"

/* Building stops at the first allocation failure: every setter below is a
 * no-op on a NULL parent and records the failure in *ok. */
struct jb {
	bool ok;
};

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!v || !obj || json_object_set_new(obj, key, v) < 0) {
		if (v && !obj)
			json_decref(v);
		b->ok = false;
	}
}

static void append(struct jb *b, json_t *arr, json_t *v)
{
	if (!v || !arr || json_array_append_new(arr, v) < 0) {
		if (v && !arr)
			json_decref(v);
		b->ok = false;
	}
}

static json_t *jint_or_null(long long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *jline(int v)
{
	return v > 0 ? json_integer(v) : json_null();
}

static json_t *str_array(struct jb *b, const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		append(b, a, np_json_str(v[i]));
	if (!a)
		b->ok = false;
	return a;
}

static json_t *cluster_json(struct jb *b, const struct np_cluster_info *c)
{
	json_t *o = json_object(), *cni = json_array();

	put(b, o, "provider", np_json_str(c->provider));
	put(b, o, "platform", np_json_str(c->platform ? c->platform : "unknown"));
	put(b, o, "evidence", str_array(b, c->evidence, c->n_evidence));
	for (size_t i = 0; i < c->n_cni; i++) {
		const struct np_cni_engine *e = &c->cni[i];
		json_t *je = json_object();
		put(b, je, "name", np_json_str(e->name));
		put(b, je, "enforces", np_json_str(e->enforces ? e->enforces : "unknown"));
		put(b, je, "condition", np_json_str(e->condition));
		put(b, je, "evidence", str_array(b, e->evidence, e->n_evidence));
		put(b, je, "nodesNotCovered", str_array(b, e->nodes_not_covered, e->n_nodes_not_covered));
		append(b, cni, je);
	}
	put(b, o, "cni", cni);
	return o;
}

static json_t *source_json(struct jb *b, const struct np_out_ctx *o)
{
	json_t *s = json_object(), *inputs = json_array(), *digests = json_array();
	const struct np_model *m = o->m;

	put(b, s, "mode", np_json_str(o->mode));
	for (size_t i = 0; m && i < m->inputs.n; i++) {
		const struct np_input *in = &m->inputs.v[i];
		json_t *d = json_object();
		append(b, inputs, np_json_str(in->path));
		put(b, d, "path", np_json_str(in->path));
		put(b, d, "sha256", np_json_str(in->sha256[0] ? in->sha256 : NULL));
		put(b, d, "layout", np_json_str(in->layout));
		append(b, digests, d);
	}
	put(b, s, "inputs", inputs);
	put(b, s, "context", np_json_str(m ? m->context : NULL));
	put(b, s, "server", np_json_str(m ? m->server : NULL));
	/* additive (kubectl-netpol/v1 only gains fields): what each input hashed to */
	put(b, s, "inputDigests", digests);
	return s;
}

static json_t *directions_json(struct jb *b, unsigned dirs)
{
	json_t *a;

	if (!dirs)
		return json_null();
	a = json_array();
	if (dirs & NP_DIR_INGRESS)
		append(b, a, json_string("Ingress"));
	if (dirs & NP_DIR_EGRESS)
		append(b, a, json_string("Egress"));
	return a;
}

static json_t *finding_json(struct jb *b, const struct np_finding *f)
{
	json_t *j = json_object(), *obj = json_object();

	put(b, obj, "kind", np_json_str(f->kind));
	put(b, obj, "apiGroup", np_json_str(f->api_group));
	put(b, obj, "namespace", np_json_str(f->namespace));
	put(b, obj, "name", np_json_str(f->name));
	put(b, j, "object", obj);
	put(b, j, "message", np_json_str(f->message));
	put(b, j, "remediation", np_json_str(f->remediation));
	put(b, j, "directions", directions_json(b, f->directions));
	put(b, j, "pods", jint_or_null(f->pods));
	put(b, j, "template", json_boolean(f->is_template));
	put(b, j, "system", json_boolean(f->system));
	if (f->suppressed) {
		json_t *s = json_object();
		put(b, s, "by", np_json_str(f->suppressed->by));
		put(b, s, "reason", np_json_str(f->suppressed->reason));
		put(b, s, "expires", np_json_str(f->suppressed->expires));
		put(b, j, "suppressed", s);
	} else {
		put(b, j, "suppressed", json_null());
	}
	put(b, j, "fingerprint", np_json_str(f->fingerprint));
	put(b, j, "file", np_json_str(f->loc.file));
	put(b, j, "member", np_json_str(f->loc.file ? f->loc.member : NULL));
	put(b, j, "line", jline(f->loc.file ? f->loc.line : 0));
	put(b, j, "column", jline(f->loc.file && f->loc.line > 0 ? f->loc.column : 0));
	put(b, j, "objectLine", jline(f->loc.file ? f->loc.object_line : 0));
	/* additive: FAIL or WARN, what this finding contributes to its control */
	put(b, j, "level", np_json_str(np_status_name(f->level)));
	return j;
}

static json_t *control_json(struct jb *b, const struct np_report *r,
			    const struct np_control_result *c)
{
	json_t *j = json_object(), *refs = json_array(), *findings = json_array();
	const struct np_control_def *d = c->def;
	bool kics = r->semantics && strcmp(r->semantics, "kics") == 0;

	put(b, j, "id", np_json_str(d->id));
	put(b, j, "title", np_json_str(d->title));
	put(b, j, "severity", np_json_str(np_severity_name(kics ? d->kics_severity : d->severity)));
	put(b, j, "status", np_json_str(np_status_name(c->status)));
	for (size_t i = 0; i < sizeof(d->references) / sizeof(d->references[0]) && d->references[i]; i++)
		append(b, refs, np_json_str(d->references[i]));
	put(b, j, "references", refs);
	put(b, j, "summary", np_json_str(c->summary));
	put(b, j, "remediation", np_json_str(c->remediation));
	for (size_t i = 0; i < c->findings.n; i++)
		append(b, findings, finding_json(b, &c->findings.v[i]));
	put(b, j, "findings", findings);
	/* additive: the table's "(passing/evaluated)" */
	put(b, j, "passing", jint_or_null(c->evaluated < 0 ? -1 : c->passing));
	put(b, j, "evaluated", jint_or_null(c->evaluated));
	return j;
}

static json_t *summary_json(struct jb *b, const struct np_report *r)
{
	json_t *s = json_object(), *st = json_object(), *byk = json_object();
	size_t counts[NP_ST__COUNT] = { 0 };

	for (size_t i = 0; i < r->controls.n; i++)
		if ((unsigned)r->controls.v[i].status < NP_ST__COUNT)
			counts[r->controls.v[i].status]++;
	for (int i = 0; i < NP_ST__COUNT; i++)
		put(b, st, np_status_name((enum np_status)i), json_integer((json_int_t)counts[i]));
	put(b, s, "status", st);
	put(b, s, "namespaces", json_integer((json_int_t)r->namespaces));
	put(b, s, "excludedNamespaces", str_array(b, r->excluded_namespaces.v, r->excluded_namespaces.n));
	put(b, s, "pods", json_integer((json_int_t)r->pods));
	put(b, s, "podsHostNetwork", json_integer((json_int_t)r->pods_host_network));
	put(b, s, "podsTemplate", json_integer((json_int_t)r->pods_template));
	put(b, s, "policies", json_integer((json_int_t)r->policies));
	for (size_t i = 0; i < r->policies_by_kind.n; i++)
		if (r->policies_by_kind.kinds[i])
			put(b, byk, r->policies_by_kind.kinds[i],
			    json_integer((json_int_t)r->policies_by_kind.counts[i]));
	put(b, s, "policiesByKind", byk);
	put(b, s, "podsIngressIsolated", json_integer((json_int_t)r->pods_ingress_isolated));
	put(b, s, "podsEgressIsolated", json_integer((json_int_t)r->pods_egress_isolated));
	put(b, s, "suppressed", json_integer((json_int_t)r->suppressed));
	put(b, s, "baseline", json_integer((json_int_t)r->baseline));
	put(b, s, "complete", json_boolean(r->complete));
	/* additive: the denominator of the isolated counts */
	put(b, s, "podsIsolatable", json_integer((json_int_t)r->pods_isolatable));
	return s;
}

/* ---- errors[] and warnings[] ---- */

static int cmp_null_first(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

struct diag_ref {
	const char *resource, *api_group, *namespace, *reason, *message, *source;
	size_t order;
};

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag_ref *a = pa, *b = pb;
	int c;

	if ((c = cmp_null_first(a->resource, b->resource)) != 0)
		return c;
	if ((c = cmp_null_first(a->namespace, b->namespace)) != 0)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool same_diag(const struct diag_ref *a, const struct diag_ref *b)
{
	return !cmp_null_first(a->resource, b->resource) && !cmp_null_first(a->namespace, b->namespace) &&
	       !cmp_null_first(a->api_group, b->api_group) && !cmp_null_first(a->reason, b->reason) &&
	       !cmp_null_first(a->message, b->message) && !cmp_null_first(a->source, b->source);
}

static json_t *diag_list(struct diag_ref *v, size_t n)
{
	struct jb b = { true };
	json_t *a = json_array();

	if (n > 1)
		qsort(v, n, sizeof(*v), diag_cmp);
	for (size_t i = 0; i < n; i++) {
		json_t *d;
		bool dup = false;
		/* the same record can arrive twice (an availability record the
		 * loader also reported as an error): print it once */
		for (size_t k = i; k > 0 && !dup; k--) {
			if (cmp_null_first(v[k - 1].resource, v[i].resource) ||
			    cmp_null_first(v[k - 1].namespace, v[i].namespace))
				break;
			dup = same_diag(&v[k - 1], &v[i]);
		}
		if (dup)
			continue;
		d = json_object();
		put(&b, d, "resource", np_json_str(v[i].resource));
		put(&b, d, "apiGroup", np_json_str(v[i].api_group));
		put(&b, d, "namespace", np_json_str(v[i].namespace));
		put(&b, d, "reason", np_json_str(v[i].reason));
		put(&b, d, "message", np_json_str(v[i].message));
		put(&b, d, "source", np_json_str(v[i].source));
		append(&b, a, d);
	}
	if (!b.ok) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static void add_diag(struct diag_ref *v, size_t *n, const struct np_diag *d)
{
	v[*n] = (struct diag_ref){ d->resource, d->api_group, d->namespace, d->reason, d->message,
				   d->source, *n };
	(*n)++;
}

/* Availability records that are not "read" (read by any input wins, DESIGN
 * §3.1), those of essential kinds (errors[]) or of the others (warnings[]). */
static void add_avail(struct diag_ref *v, size_t *n, const struct np_model *m, bool essential)
{
	for (size_t i = 0; m && i < m->avail.n; i++) {
		const struct np_avail *av = &m->avail.v[i];
		if (av->state == NP_AVAIL_READ || np_resource_is_essential(av->res) != essential)
			continue;
		if (np_model_avail(m, av->res, av->namespace, NULL, NULL) == NP_AVAIL_READ)
			continue;
		v[*n] = (struct diag_ref){ np_resource_name(av->res), np_resource_group(av->res),
					   av->namespace,
					   av->reason ? av->reason
					   : av->state == NP_AVAIL_NOT_COLLECTED ? "notCollected" : "unreadable",
					   av->message, av->source, *n };
		(*n)++;
	}
}

json_t *np_diag_json_errors(const struct np_out_ctx *o)
{
	const struct np_model *m = o->m;
	size_t cap = m ? m->errors.n + m->avail.n : 0, n = 0;
	struct diag_ref *v = calloc(cap ? cap : 1, sizeof(*v));
	json_t *a;

	if (!v)
		return NULL;
	for (size_t i = 0; m && i < m->errors.n; i++)
		add_diag(v, &n, &m->errors.v[i]);
	add_avail(v, &n, m, true);
	a = diag_list(v, n);
	free(v);
	return a;
}

json_t *np_diag_json_warnings(const struct np_out_ctx *o)
{
	const struct np_model *m = o->m;
	size_t cap = (m ? m->warnings.n + m->avail.n : 0) + o->n_extra_warnings, n = 0;
	struct diag_ref *v = calloc(cap ? cap : 1, sizeof(*v));
	json_t *a;

	if (!v)
		return NULL;
	for (size_t i = 0; m && i < m->warnings.n; i++)
		add_diag(v, &n, &m->warnings.v[i]);
	for (size_t i = 0; i < o->n_extra_warnings; i++)
		add_diag(v, &n, &o->extra_warnings[i]);
	add_avail(v, &n, m, false);
	a = diag_list(v, n);
	free(v);
	return a;
}

static json_t *generator_json(struct jb *b)
{
	json_t *g = json_object();
	put(b, g, "name", json_string("kubectl-netpol"));
	put(b, g, "version", json_string(NP_VERSION));
	return g;
}

int np_report_json(json_t **out, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	struct jb b = { true };
	json_t *root = json_object(), *controls = json_array();

	*out = NULL;
	put(&b, root, "apiVersion", json_string("kubectl-netpol/v1"));
	put(&b, root, "kind", json_string("AuditReport"));
	put(&b, root, "generator", generator_json(&b));
	put(&b, root, "generatedAt", np_json_str(o->generated_at ? o->generated_at : r->generated_at));
	put(&b, root, "semantics", np_json_str(r->semantics ? r->semantics : "k8s"));
	put(&b, root, "failOn", np_json_str(r->fail_on ? r->fail_on : "low"));
	put(&b, root, "skippedControls", str_array(&b, r->skipped_controls.v, r->skipped_controls.n));
	put(&b, root, "source", source_json(&b, o));
	put(&b, root, "cluster", cluster_json(&b, &r->cluster));
	put(&b, root, "summary", summary_json(&b, r));
	for (size_t i = 0; i < r->controls.n; i++)
		append(&b, controls, control_json(&b, r, &r->controls.v[i]));
	put(&b, root, "controls", controls);
	put(&b, root, "warnings", np_diag_json_warnings(o));
	put(&b, root, "errors", np_diag_json_errors(o));
	if (!b.ok) {
		json_decref(root);
		return NP_ENOMEM;
	}
	*out = root;
	return 0;
}

int np_cni_report_json(json_t **out, const struct np_out_ctx *o)
{
	struct jb b = { true };
	json_t *root = json_object();

	*out = NULL;
	put(&b, root, "apiVersion", json_string("kubectl-netpol/v1"));
	put(&b, root, "kind", json_string("CNIReport"));
	put(&b, root, "generator", generator_json(&b));
	put(&b, root, "generatedAt", np_json_str(o->generated_at));
	put(&b, root, "source", source_json(&b, o));
	put(&b, root, "cluster", cluster_json(&b, &o->r->cluster));
	put(&b, root, "warnings", np_diag_json_warnings(o));
	put(&b, root, "errors", np_diag_json_errors(o));
	if (!b.ok) {
		json_decref(root);
		return NP_ENOMEM;
	}
	*out = root;
	return 0;
}
