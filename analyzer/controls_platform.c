/* NP-101 (the CNI enforces NetworkPolicy) and the platform controls NP-104
 * (AKS), NP-105 (EKS) and NP-106 (GKE), DESIGN §5.3, judged on the detection
 * of cni.c. Each source (cluster state, Kubescape cloud objects, Terraform)
 * gives its own findings; a control's status is the worst of them (§5.1).
 * Terraform resources are judged by tf_np104/105/106 (one verdict each). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/audit.h"
#include "netpol/node.h"
#include "netpol/scope.h"
#include "cni_internal.h"

struct ctl {
	struct np_report *r;
	const struct np_model *m;
	struct np_control_result *res;
	const char *id;
	enum np_status status;  /* worst so far; NP_ST__COUNT = none yet */
	int err;
};

static int status_rank(enum np_status s)
{
	switch (s) {
	case NP_ST_ERROR: return 6;
	case NP_ST_FAIL: return 5;
	case NP_ST_WARN: return 4;
	case NP_ST_MANUAL: return 3;
	case NP_ST_PASS: return 2;
	case NP_ST_SKIP: return 1;
	default: return 0;
	}
}

static void verdict(struct ctl *c, enum np_status s)
{
	if (c->status == NP_ST__COUNT || status_rank(s) > status_rank(c->status))
		c->status = s;
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static const char *cstrf(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *cstrf(struct ctl *c, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	char *out;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	out = np_arena_alloc(&c->r->mem, (size_t)len + 1);
	if (!out) {
		c->err = NP_ENOMEM;
		return NULL;
	}
	if ((size_t)len < sizeof(small)) {
		memcpy(out, small, (size_t)len + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(out, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	return out;
}

/* A finding on obj; detail (may be NULL) makes the fingerprint unique when one
 * object carries several findings. */
static struct np_finding *finding(struct ctl *c, const struct cni_obj *obj, enum np_status level,
				  const char *msg, const char *fix, const char *detail)
{
	struct np_finding *f = np_result_add_finding(c->r, c->res);

	if (!f) {
		c->err = NP_ENOMEM;
		return NULL;
	}
	f->level = level;
	f->message = msg;
	f->remediation = fix;
	f->pods = -1;
	if (obj && obj->set) {
		f->kind = obj->kind;
		f->api_group = obj->api_group ? obj->api_group : "";
		f->namespace = obj->namespace;
		f->name = obj->name;
		f->loc = obj->loc;
		f->system = obj->namespace && np_namespace_is_system(obj->namespace);
	}
	if (detail)
		f->fingerprint = cstrf(c, "%s/%s/%s/%s/%s/%s", c->id, f->api_group ? f->api_group : "",
				       f->kind ? f->kind : "", f->namespace ? f->namespace : "",
				       f->name ? f->name : "", detail);
	return f;
}

static void node_obj(const struct np_node_obj *n, struct cni_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->set = true;
	o->kind = "Node";
	o->api_group = "";
	o->name = n->name;
	o->loc = n->loc;
}

static const char *reason_text(const char *reason)
{
	if (!reason || strcmp(reason, "notCollected") == 0)
		return "not collected";
	return reason;
}

/* §5.1: NP-101 and NP-104..NP-106 in cluster state need Nodes and DaemonSets. */
static const char *missing_cluster_data(struct ctl *c)
{
	static const enum np_resource need[] = { NP_RES_NODES, NP_RES_DAEMONSETS };

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		const char *reason = NULL, *msg = NULL;
		if (cni_avail_read(c->m, need[i], NULL, &reason, &msg))
			continue;
		return cstrf(c, "%s %s%s%s", np_resource_name(need[i]), reason_text(reason),
			     msg ? ": " : "", msg ? msg : "");
	}
	return NULL;
}

static void finish(struct ctl *c, const char *missing, const char *summary)
{
	if (c->status == NP_ST__COUNT)
		c->status = NP_ST_MANUAL;
	if (missing) {
		c->res->status = NP_ST_ERROR;
		c->res->summary = missing;
		return;
	}
	c->res->status = c->status;
	c->res->summary = summary;
}

static void ctl_init(struct ctl *c, struct np_audit_ctx *ctx, struct np_control_result *res,
		     const char *id)
{
	memset(c, 0, sizeof(*c));
	c->r = ctx->r;
	c->m = ctx->m;
	c->res = res;
	c->id = res->def && res->def->id ? res->def->id : id;
	c->status = NP_ST__COUNT;
	res->passing = -1;
	res->evaluated = -1;
}

static bool kics_mode(const struct np_audit_ctx *ctx)
{
	return ctx->opt ? ctx->opt->kics : ctx->m->kics;
}

/* An engine that enforces where it runs (DESIGN §5.3: config evidence alone
 * does not count in cluster state). */
static bool enforcing(const struct cni_result *cr, const struct cni_eng *e)
{
	return e->enf == CNI_ENF_YES && !e->not_running && !e->meta &&
	       !(cr->cluster_state && e->src == CNI_SRC_CONFIG);
}

/* Node i covered by one of the engines accepted by pick (NULL: any enforcing). */
static int node_cov(const struct cni_result *cr, size_t i,
		    bool (*pick)(const struct cni_eng *e))
{
	int best = CNI_COV_NO;

	for (size_t k = 0; k < cr->n_eng; k++) {
		const struct cni_eng *e = &cr->eng[k];
		if (!enforcing(cr, e) || !e->cov || (pick && !pick(e)))
			continue;
		if (e->cov[i] == CNI_COV_YES)
			return CNI_COV_YES;
		if (e->cov[i] == CNI_COV_UNKNOWN)
			best = CNI_COV_UNKNOWN;
	}
	return best;
}

static const char *uncovered_why(const struct np_node_obj *n)
{
	if (cni_node_is_fargate(n))
		return "Fargate node: no DaemonSet-based engine runs there";
	if (cni_node_is_windows(n))
		return "Windows node without a Windows policy engine";
	return "no ready pod of an enforcing engine on this node";
}

static size_t count_covered(const struct cni_result *cr, size_t n_nodes, size_t *unknown)
{
	size_t covered = 0;

	*unknown = 0;
	for (size_t i = 0; i < n_nodes; i++) {
		int cov = node_cov(cr, i, NULL);
		if (cov == CNI_COV_YES)
			covered++;
		else if (cov == CNI_COV_UNKNOWN)
			(*unknown)++;
	}
	return covered;
}

/* Lists nodes not covered by the picked engines; returns how many are covered. */
static size_t list_uncovered(struct ctl *c, const struct cni_result *cr,
			     bool (*pick)(const struct cni_eng *e), enum np_status level,
			     const char *fix, size_t *unknown)
{
	size_t covered = 0;

	*unknown = 0;
	for (size_t i = 0; i < c->m->nodes.n; i++) {
		const struct np_node_obj *n = &c->m->nodes.v[i];
		struct cni_obj o;
		int cov = node_cov(cr, i, pick);

		if (cov == CNI_COV_YES) {
			covered++;
			continue;
		}
		node_obj(n, &o);
		if (cov == CNI_COV_UNKNOWN) {
			(*unknown)++;
			finding(c, &o, NP_ST_WARN,
				"an enforcing DaemonSet is not ready on every node: this one may lack it",
				fix, NULL);
		} else {
			finding(c, &o, level, uncovered_why(n), fix, NULL);
		}
	}
	return covered;
}

static const char *names_of(struct ctl *c, const struct cni_result *cr,
			    bool (*pick)(const struct cni_result *, const struct cni_eng *))
{
	char buf[512];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < cr->n_eng; k++) {
		const struct cni_eng *e = &cr->eng[k];
		int w;
		if (!pick(cr, e))
			continue;
		w = snprintf(buf + o, sizeof(buf) - o, "%s%s", o ? ", " : "", e->name);
		if (w < 0 || (size_t)w >= sizeof(buf) - o)
			break;
		o += (size_t)w;
	}
	return cstrf(c, "%s", buf);
}

static bool pick_enforcing(const struct cni_result *cr, const struct cni_eng *e)
{
	return enforcing(cr, e);
}

static bool pick_no(const struct cni_result *cr, const struct cni_eng *e)
{
	(void)cr;
	return !e->meta && e->enf == CNI_ENF_NO;
}

static bool pick_meta(const struct cni_result *cr, const struct cni_eng *e)
{
	(void)cr;
	return e->meta;
}

static bool doubtful(const struct cni_result *cr, const struct cni_eng *e)
{
	return !e->meta && !enforcing(cr, e) && e->enf != CNI_ENF_NO;
}

static const char *doubt_message(struct ctl *c, const struct cni_result *cr, const struct cni_eng *e)
{
	if (e->enf == CNI_ENF_YES && e->not_running)
		return cstrf(c, "%s would enforce NetworkPolicy but its DaemonSet has no ready pod",
			     e->name);
	if (e->enf == CNI_ENF_YES && cr->cluster_state && e->src == CNI_SRC_CONFIG)
		return cstrf(c, "%s is configured but no running component was found", e->name);
	if (e->enf == CNI_ENF_COND)
		return cstrf(c, "%s enforces NetworkPolicy only conditionally: %s", e->name,
			     e->condition ? e->condition : "undecidable");
	return cstrf(c, "%s: NetworkPolicy support unknown%s%s", e->name,
		     e->condition ? ": " : "", e->condition ? e->condition : "");
}

/* ------------------------------------------------------------- NP-101 */

/* KICS 03aabc8c: flannel in a ConfigMap's cni-conf.json, or in a raw conflist. */
struct kics_ctx {
	bool flannel;
	int docs;
};

static int kics_doc(void *vctx, const struct np_node *doc, int idx)
{
	struct kics_ctx *k = vctx;
	const struct np_node *plugins;

	k->docs++;
	if (idx > 0 || !np_node_is(doc, NP_NODE_MAP))
		return 0;
	plugins = np_node_get(doc, "plugins");
	if (!np_node_is(plugins, NP_NODE_SEQ))
		return 0;
	for (size_t i = 0; i < plugins->u.seq.n; i++)
		if (streq(np_node_str(np_node_get(plugins->u.seq.items[i], "type")), "flannel"))
			k->flannel = true;
	return 0;
}

static bool kics_cm_flannel(const char *json)
{
	struct kics_ctx k = { false, 0 };
	struct np_decode_limits lim;

	np_decode_limits_default(&lim);
	if (np_json_decode(json, strlen(json), "cni-conf.json", &lim, kics_doc, &k, NULL) < 0)
		return false;
	return k.docs == 1 && k.flannel;
}

static int np101_kics(struct ctl *c)
{
	const struct np_model *m = c->m;
	size_t n = 0;

	for (size_t i = 0; i < m->configmaps.n; i++) {
		const struct np_configmap *cm = &m->configmaps.v[i];
		int line = 0;
		const char *v = cni_cm_value(cm, "cni-conf.json", &line);
		struct cni_obj o;

		if (!v || !kics_cm_flannel(v))
			continue;
		memset(&o, 0, sizeof(o));
		o.set = true;
		o.kind = "ConfigMap";
		o.api_group = "";
		o.namespace = cm->namespace;
		o.name = cm->name;
		o.loc = cm->loc;
		o.loc.line = line ? line : cm->loc.line;
		o.loc.column = 0;
		finding(c, &o, NP_ST_FAIL,
			"data.cni-conf.json has a flannel plugin, which does not support NetworkPolicy",
			cni_platform_fix(NULL), NULL);
		n++;
	}
	for (size_t i = 0; i < m->cniconfs.n; i++) {
		const struct np_cniconf *cf = &m->cniconfs.v[i];
		if (cf->configmap_name || cf->object_kind || !cf->has_cni_version || !cf->is_list)
			continue;
		for (size_t k = 0; k < cf->n_types; k++) {
			struct cni_obj o;
			if (!streq(cf->types[k], "flannel"))
				continue;
			memset(&o, 0, sizeof(o));
			o.set = true;
			o.kind = "CNIConfig";
			o.api_group = "";
			o.name = cf->name ? cf->name : (cf->loc.file ? cf->loc.file : "cni-config");
			o.loc = cf->loc;
			if (cf->type_lines && cf->type_lines[k])
				o.loc.line = cf->type_lines[k];
			o.loc.column = 0;
			finding(c, &o, NP_ST_FAIL, "plugins has a flannel plugin, which does not support "
						   "NetworkPolicy",
				cni_platform_fix(NULL), cstrf(c, "plugins[%zu]", k));
			n++;
		}
	}
	c->status = n ? NP_ST_FAIL : NP_ST_PASS;
	c->res->status = c->status;
	c->res->summary = n ? cstrf(c, "%zu CNI configuration%s use flannel, which does not "
				       "support NetworkPolicy",
				    n, n == 1 ? "" : "s")
			    : "no CNI configuration uses flannel";
	if (n)
		c->res->remediation = cni_platform_fix(NULL);
	return c->err;
}

static const struct cni_eng *first_engine(const struct cni_result *cr,
					  bool (*pick)(const struct cni_result *, const struct cni_eng *))
{
	for (size_t k = 0; k < cr->n_eng; k++)
		if (pick(cr, &cr->eng[k]))
			return &cr->eng[k];
	return NULL;
}

int np_control_np101(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	struct ctl c;
	struct cni_result cr;
	const char *missing, *summary = NULL;
	size_t n_enf = 0, n_no = 0, n_doubt = 0, n_meta = 0;
	int rc;

	ctl_init(&c, ctx, res, "NP-101");
	if (kics_mode(ctx))
		return np101_kics(&c);
	rc = cni_analyze(&cr, c.r, c.m);
	if (rc < 0)
		return rc;
	missing = missing_cluster_data(&c);
	if (cr.cluster_state) {
		size_t unknown;
		res->passing = (long long)count_covered(&cr, c.m->nodes.n, &unknown);
		res->evaluated = (long long)c.m->nodes.n;
	}
	for (size_t k = 0; k < cr.n_eng; k++) {
		const struct cni_eng *e = &cr.eng[k];
		if (e->meta)
			n_meta++;
		else if (enforcing(&cr, e))
			n_enf++;
		else if (e->enf == CNI_ENF_NO)
			n_no++;
		else
			n_doubt++;
	}
	if (!cr.n_eng) {
		verdict(&c, NP_ST_MANUAL);
		summary = "no CNI detected: check that the CNI in use enforces NetworkPolicy";
		res->remediation = cni_platform_fix(cr.platform);
	} else if (n_enf || n_doubt || (n_meta && !n_no)) {
		size_t covered = 0, unknown = 0;
		bool all = n_enf && !cr.cluster_state;
		const struct cni_eng *d;

		if (n_enf && cr.cluster_state) {
			covered = count_covered(&cr, c.m->nodes.n, &unknown);
			all = covered == c.m->nodes.n;
		}
		if (all) {
			/* Enforcement per node is an OR: undecidable engines beside do not matter. */
			verdict(&c, NP_ST_PASS);
			if (cr.cluster_state)
				summary = cstrf(&c, "%s enforce%s NetworkPolicy on all %zu nodes",
						names_of(&c, &cr, pick_enforcing), n_enf == 1 ? "s" : "",
						c.m->nodes.n);
			else
				summary = cstrf(&c, "%s enforce%s NetworkPolicy",
						names_of(&c, &cr, pick_enforcing), n_enf == 1 ? "s" : "");
		} else {
			verdict(&c, NP_ST_WARN);
			for (size_t k = 0; k < cr.n_eng; k++) {
				const struct cni_eng *e = &cr.eng[k];
				if (!doubtful(&cr, e) && !(e->meta && !n_enf && !n_doubt))
					continue;
				finding(&c, &e->obj, NP_ST_WARN,
					e->meta ? cstrf(&c, "%s: its delegate CNI decides NetworkPolicy "
							    "enforcement", e->name)
						: doubt_message(&c, &cr, e),
					e->fix ? e->fix : cni_platform_fix(cr.platform), e->name);
			}
			if (n_enf && cr.cluster_state)
				list_uncovered(&c, &cr, NULL, NP_ST_WARN, cni_platform_fix(cr.platform),
					       &unknown);
			if (n_enf && cr.cluster_state)
				summary = cstrf(&c, "%zu of %zu nodes without an enforcing engine%s",
						c.m->nodes.n - covered, c.m->nodes.n,
						unknown ? " (some undecidable)" : "");
			else if (n_doubt)
				summary = cstrf(&c, "NetworkPolicy enforcement undecidable: %s",
						names_of(&c, &cr, doubtful));
			else
				summary = "Multus found: its delegate CNI decides NetworkPolicy enforcement";
			d = first_engine(&cr, doubtful);
			if (!d)
				d = first_engine(&cr, pick_meta);
			res->remediation = d && d->fix ? d->fix : cni_platform_fix(cr.platform);
		}
	} else {
		const struct cni_eng *f = first_engine(&cr, pick_no);
		for (size_t k = 0; k < cr.n_eng; k++) {
			const struct cni_eng *e = &cr.eng[k];
			if (!pick_no(&cr, e))
				continue;
			finding(&c, &e->obj, NP_ST_FAIL,
				cstrf(&c, "%s does not enforce NetworkPolicy%s%s", e->name,
				      e->condition ? ": " : "", e->condition ? e->condition : ""),
				e->fix ? e->fix : cni_platform_fix(cr.platform), e->name);
		}
		verdict(&c, NP_ST_FAIL);
		summary = cstrf(&c, "%s do%s not enforce NetworkPolicy and nothing enforcing runs "
				    "beside",
				names_of(&c, &cr, pick_no), n_no == 1 ? "es" : "");
		res->remediation = f && f->fix ? f->fix : cni_platform_fix(cr.platform);
	}
	finish(&c, missing, summary);
	return c.err;
}

/* ------------------------------------------------------------- NP-104 */

static bool has_tf(const struct np_model *m, const char *type)
{
	for (size_t i = 0; i < m->tf_resources.n; i++)
		if (streq(m->tf_resources.v[i].type, type))
			return true;
	return false;
}

/* ---------------------------------------------------------- Terraform */

/* Terraform rules (DESIGN §5.3), one verdict and at most one finding per
 * resource (§5.1), except under --semantics kics, where KICS's findings are
 * reproduced one for one. Unresolved values WARN "cannot verify"; nothing is
 * guessed. */
struct tf_tally {
	size_t judged, pass, fail, warn;
	const char *note;  /* a passing detail worth the summary */
};

/* The last occurrence: HCL and JSON keep the last duplicate attribute. */
static const struct np_tf_attr *tf_last(const struct np_tf_resource *t, const char *path)
{
	const struct np_tf_attr *a = NULL;

	for (size_t i = 0; i < t->n_attrs; i++)
		if (streq(t->attrs[i].path, path))
			a = &t->attrs[i];
	return a;
}

/* Blocks written out (not `dynamic`, not null), and the dynamic ones. */
static size_t tf_blocks(const struct np_tf_resource *t, const char *path,
			const struct np_tf_attr **first, const struct np_tf_attr **dyn)
{
	size_t n = 0;

	if (first)
		*first = NULL;
	if (dyn)
		*dyn = NULL;
	for (size_t i = 0; i < t->n_attrs; i++) {
		const struct np_tf_attr *a = &t->attrs[i];
		if (!streq(a->path, path))
			continue;
		if (a->dynamic || (a->unresolved && a->vtype == NP_TF_T_UNRESOLVED)) {
			if (dyn && !*dyn)
				*dyn = a;
			continue;
		}
		if (a->is_null || a->vtype == NP_TF_T_NULL)
			continue;
		if (first && !*first)
			*first = a;
		n++;
	}
	return n;
}

static bool tf_unres(const struct np_tf_attr *a)
{
	return a && a->unresolved;
}

/* Terraform converts "true"/"false" strings to booleans for bool attributes. */
static bool tf_bool(const struct np_tf_attr *a, bool want)
{
	if (!a || a->unresolved || a->is_null || !a->value)
		return false;
	if (a->vtype != NP_TF_T_BOOL && a->vtype != NP_TF_T_STRING)
		return false;
	return streq(a->value, want ? "true" : "false");
}

static bool tf_str(const struct np_tf_attr *a, const char *want)
{
	return a && !a->unresolved && a->vtype == NP_TF_T_STRING && streq(a->value, want);
}

/* The value as written, for messages (strings quoted). */
static const char *tf_text(struct ctl *c, const struct np_tf_attr *a)
{
	if (!a)
		return "(unset)";
	if (a->unresolved)
		return a->expr ? a->expr : "(unresolved)";
	if (a->is_null)
		return "null";
	if (a->vtype == NP_TF_T_STRING && a->value)
		return np_report_strf(c->r, "\"%s\"", a->value);
	return a->value ? a->value : "(block)";
}

static bool tf_same_name_elsewhere(const struct np_model *m, const struct np_tf_resource *t)
{
	for (size_t i = 0; i < m->tf_resources.n; i++) {
		const struct np_tf_resource *o = &m->tf_resources.v[i];
		if (o != t && streq(o->type, t->type) && streq(o->name, t->name))
			return true;
	}
	return false;
}

/* A finding on resource t, located at attribute a (NULL: the resource). part
 * tells apart several findings on one resource (kics). */
static void tf_finding(struct ctl *c, const struct np_tf_resource *t, const struct np_tf_attr *a,
		       enum np_status level, const char *msg, const char *fix, const char *part)
{
	struct cni_obj o;
	const char *detail = part;

	memset(&o, 0, sizeof(o));
	o.set = true;
	o.kind = t->type;
	o.api_group = "";
	o.name = t->name;
	o.loc = t->loc;
	if (a && a->line) {
		o.loc.line = a->line;
		o.loc.column = a->column;
	}
	/* the same type and name in two modules or files: tell them apart */
	if (tf_same_name_elsewhere(c->m, t))
		detail = cstrf(c, "%s%s%s", t->loc.member ? t->loc.member : t->loc.file ? t->loc.file : "",
			       part ? "/" : "", part ? part : "");
	finding(c, &o, level, msg, fix, detail);
}

static void tally(struct ctl *c, struct tf_tally *tl, enum np_status s)
{
	tl->judged++;
	if (s == NP_ST_PASS)
		tl->pass++;
	else if (s == NP_ST_FAIL)
		tl->fail++;
	else
		tl->warn++;
	verdict(c, s);
}

static const char *tf_summary(struct ctl *c, const struct tf_tally *tl, const char *type,
			      const char *bad, const char *good)
{
	if (tl->fail)
		return cstrf(c, "%zu of %zu %s resources %s%s", tl->fail, tl->judged, type, bad,
			     tl->warn ? cstrf(c, " (%zu more cannot be verified)", tl->warn) : "");
	if (tl->warn)
		return cstrf(c, "%zu of %zu %s resources cannot be verified", tl->warn, tl->judged,
			     type);
	return cstrf(c, "%zu of %zu %s resources %s%s%s", tl->pass, tl->judged, type, good,
		     tl->note ? ": " : "", tl->note ? tl->note : "");
}

/* Cluster state and Terraform both judged: one line naming both. */
static const char *joined(struct ctl *c, const char *cluster, const char *tf)
{
	if (!tf)
		return cluster;
	if (!cluster)
		return tf;
	return cstrf(c, "%s; Terraform: %s", cluster, tf);
}

static void tf_counts(struct ctl *c, const struct tf_tally *tl)
{
	if (c->res->evaluated < 0 && tl->judged) {
		c->res->passing = (long long)tl->pass;
		c->res->evaluated = (long long)tl->judged;
	}
}

/* ------------------------------------------------ NP-104 (Terraform) */

static const char *const FIX_AKS_TF =
	"in the azurerm_kubernetes_cluster's network_profile block, set network_plugin = "
	"\"azure\" and network_policy = \"azure\" (or \"calico\", or \"cilium\" with "
	"network_data_plane = \"cilium\"); on an existing cluster this is "
	"`az aks update --network-policy`";

static void np104_tf_one(struct ctl *c, const struct np_tf_resource *t, struct tf_tally *tl)
{
	const struct np_tf_attr *prof, *dyn;
	size_t n = tf_blocks(t, "network_profile", &prof, &dyn);
	const struct np_tf_attr *plugin = tf_last(t, "network_profile.network_plugin");
	const struct np_tf_attr *policy = tf_last(t, "network_profile.network_policy");
	const struct np_tf_attr *dp = tf_last(t, "network_profile.network_data_plane");
	const struct np_tf_attr *ebpf = tf_last(t, "network_profile.ebpf_data_plane");
	enum np_status s = NP_ST_FAIL;
	const struct np_tf_attr *at = NULL;
	const char *msg = NULL;

	if (dyn) {
		s = NP_ST_WARN;
		at = dyn;
		msg = dyn->dynamic ? "cannot verify: network_profile is a dynamic block"
				   : cstrf(c, "cannot verify: network_profile = %s", tf_text(c, dyn));
	} else if (n == 0) {
		msg = "no network_profile: the cluster has no network policy engine";
	} else if (n > 1) {
		at = prof;
		msg = cstrf(c, "%zu network_profile blocks (Terraform accepts one)", n);
	} else if (tf_str(plugin, "none")) {
		s = NP_ST_WARN;
		at = plugin;
		msg = "network_plugin = \"none\": bring-your-own CNI, see NP-101";
	} else if (tf_unres(policy)) {
		s = NP_ST_WARN;
		at = policy;
		msg = cstrf(c, "cannot verify: network_policy = %s", tf_text(c, policy));
	} else if (!policy || policy->is_null) {
		if (tf_unres(plugin)) {
			s = NP_ST_WARN;
			at = plugin;
			msg = cstrf(c, "cannot verify: network_plugin = %s (\"none\" would mean "
				       "bring-your-own CNI) and no network_policy",
				    tf_text(c, plugin));
		} else {
			at = policy ? policy : prof;
			msg = policy ? "network_policy = null: no network policy engine"
				     : "network_profile sets no network_policy: no network policy "
				       "engine";
		}
	} else if (tf_str(policy, "azure") || tf_str(policy, "calico")) {
		s = NP_ST_PASS;
	} else if (tf_str(policy, "cilium")) {
		if (tf_str(dp, "cilium") || tf_str(ebpf, "cilium")) {
			s = NP_ST_PASS;
		} else if (tf_unres(dp) || tf_unres(ebpf)) {
			s = NP_ST_WARN;
			at = tf_unres(dp) ? dp : ebpf;
			msg = cstrf(c, "cannot verify: network_policy = \"cilium\" needs "
				       "network_data_plane = \"cilium\", which is %s",
				    tf_text(c, at));
		} else {
			at = policy;
			msg = dp || ebpf ? cstrf(c, "network_policy = \"cilium\" needs network_data_plane "
						 "= \"cilium\" (it is %s)",
					      tf_text(c, dp ? dp : ebpf))
				   : "network_policy = \"cilium\" needs network_data_plane = \"cilium\", "
				     "which is not set";
		}
	} else {
		at = policy;
		msg = cstrf(c, "network_policy = %s is not azure, calico or cilium", tf_text(c, policy));
	}
	tally(c, tl, s);
	if (s != NP_ST_PASS)
		tf_finding(c, t, at, s, msg, FIX_AKS_TF, NULL);
}

/* KICS f5342045 (aks_network_policy_misconfigured), finding for finding. */
static void np104_tf_kics(struct ctl *c, const struct np_tf_resource *t, struct tf_tally *tl)
{
	const struct np_tf_attr *prof;
	size_t n = tf_blocks(t, "network_profile", &prof, NULL);
	const struct np_tf_attr *policy = tf_last(t, "network_profile.network_policy");
	bool bad = true;

	if (n == 0) {
		tf_finding(c, t, NULL, NP_ST_FAIL,
			   cstrf(c, "'azurerm_kubernetes_cluster[%s].network_profile' is undefined",
				 t->name),
			   FIX_AKS_TF, NULL);
	} else if (n > 1 || !policy) {
		/* several blocks are an array: network_policy is undefined on it */
		tf_finding(c, t, prof, NP_ST_FAIL,
			   cstrf(c, "'azurerm_kubernetes_cluster[%s].network_profile.network_policy' "
				    "is undefined",
				 t->name),
			   FIX_AKS_TF, NULL);
	} else if (policy->is_null) {
		/* null: both "not a valid policy" and "not a valid key" */
		tf_finding(c, t, policy, NP_ST_FAIL,
			   cstrf(c, "'azurerm_kubernetes_cluster[%s].network_profile.network_policy' "
				    "is null",
				 t->name),
			   FIX_AKS_TF, "network_policy");
		tf_finding(c, t, prof, NP_ST_FAIL,
			   cstrf(c, "'azurerm_kubernetes_cluster[%s].network_profile.network_policy' "
				    "is undefined",
				 t->name),
			   FIX_AKS_TF, "network_profile");
	} else if (!tf_str(policy, "azure") && !tf_str(policy, "calico")) {
		/* unresolved expressions are judged as their text, as KICS does */
		tf_finding(c, t, policy, NP_ST_FAIL,
			   cstrf(c, "'azurerm_kubernetes_cluster[%s].network_profile.network_policy' "
				    "is %s (should be either 'azure' or 'calico')",
				 t->name, tf_text(c, policy)),
			   FIX_AKS_TF, NULL);
	} else {
		bad = false;
	}
	tally(c, tl, bad ? NP_ST_FAIL : NP_ST_PASS);
}

static size_t tf_np104(struct ctl *c, bool kics, const char **summary)
{
	struct tf_tally tl;

	memset(&tl, 0, sizeof(tl));
	for (size_t i = 0; i < c->m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &c->m->tf_resources.v[i];
		if (!streq(t->type, "azurerm_kubernetes_cluster"))
			continue;
		if (kics)
			np104_tf_kics(c, t, &tl);
		else
			np104_tf_one(c, t, &tl);
	}
	if (tl.judged) {
		*summary = tf_summary(c, &tl, "azurerm_kubernetes_cluster",
				      "configure no network policy engine",
				      "configure a network policy engine");
		tf_counts(c, &tl);
	}
	return tl.judged;
}

/* ------------------------------------------------ NP-105 (Terraform) */

static const char *const FIX_EKS_TF =
	"add an aws_eks_addon for vpc-cni with configuration_values = jsonencode({ "
	"enableNetworkPolicy = \"true\" }) (VPC CNI v1.14+), or install Calico or Cilium "
	"(helm_release)";

static bool is_vpc_cni(const struct np_tf_resource *t)
{
	return streq(t->type, "aws_eks_addon") && tf_str(tf_last(t, "addon_name"), "vpc-cni");
}

/* chart matching tigera-operator|calico|cilium */
static bool policy_chart(const struct np_tf_resource *t)
{
	const struct np_tf_attr *ch = tf_last(t, "chart");

	if (!streq(t->type, "helm_release") || !ch || ch->unresolved || !ch->value)
		return false;
	return strstr(ch->value, "tigera-operator") || strstr(ch->value, "calico") ||
	       strstr(ch->value, "cilium");
}

static size_t clusters_in(const struct np_model *m, const char *module,
			  const struct np_tf_resource **only)
{
	size_t n = 0;

	*only = NULL;
	for (size_t i = 0; i < m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &m->tf_resources.v[i];
		if (streq(t->type, "aws_eks_cluster") && streq(t->module, module)) {
			*only = t;
			n++;
		}
	}
	if (n != 1)
		*only = NULL;
	return n;
}

/* Base name of an instance ("this" for "this[0]"). */
static bool same_base(const char *inst, const char *base, size_t blen)
{
	return strncmp(inst, base, blen) == 0 && (inst[blen] == '\0' || inst[blen] == '[');
}

/* Which cluster an add-on configures: its cluster_name literal (the
 * cluster's name), a reference to it or to the module call creating it, or
 * else the only cluster of its module. NULL when that does not decide. */
static const struct np_tf_resource *addon_cluster(const struct np_model *m,
						  const struct np_tf_resource *a)
{
	const struct np_tf_attr *cn = tf_last(a, "cluster_name");
	const struct np_tf_resource *only = NULL;

	if (cn && !cn->unresolved && cn->value) {
		for (size_t i = 0; i < m->tf_resources.n; i++) {
			const struct np_tf_resource *t = &m->tf_resources.v[i];
			if (streq(t->type, "aws_eks_cluster") &&
			    tf_str(tf_last(t, "name"), cn->value))
				return t;
		}
	}
	if (cn && cn->ref && strncmp(cn->ref, "aws_eks_cluster.", 16) == 0) {
		const char *base = cn->ref + 16;
		for (size_t i = 0; i < m->tf_resources.n; i++) {
			const struct np_tf_resource *t = &m->tf_resources.v[i];
			if (streq(t->type, "aws_eks_cluster") && streq(t->module, a->module) &&
			    same_base(t->name, base, strlen(base)))
				return t;
		}
	} else if (cn && cn->ref && strncmp(cn->ref, "module.", 7) == 0) {
		const char *mod = cn->ref + 7;
		for (size_t i = 0; i < m->tf_resources.n; i++) {
			const struct np_tf_resource *t = &m->tf_resources.v[i];
			if (streq(t->type, "module") && streq(t->name, mod) &&
			    streq(t->module, a->module) && t->calls &&
			    clusters_in(m, t->calls, &only) == 1)
				return only;
		}
	}
	if (cn && !cn->unresolved && cn->value)
		return NULL; /* a literal naming no cluster of the input */
	clusters_in(m, a->module, &only);
	return only;
}

static void np105_tf_one(struct ctl *c, const struct np_tf_resource *cl, bool helm,
			 const struct np_tf_resource *helm_r, struct tf_tally *tl)
{
	const struct np_tf_attr *auto_en = tf_last(cl, "compute_config.enabled");
	const struct np_tf_resource *addon = NULL, *unres_addon = NULL, *orphan = NULL;
	const struct np_tf_attr *enp = NULL, *unres_enp = NULL;
	bool pass = false, pass_bool = false;

	if (tf_bool(auto_en, true)) {
		tally(c, tl, NP_ST_WARN);
		tf_finding(c, cl, auto_en, NP_ST_WARN,
			   "EKS Auto Mode: network policy is set in-cluster: ConfigMap amazon-vpc-cni "
			   "(enable-network-policy-controller) and the NodeClass networkPolicy",
			   "in Auto Mode, set enable-network-policy-controller: \"true\" in ConfigMap "
			   "kube-system/amazon-vpc-cni and networkPolicy: DefaultAllow (or "
			   "DefaultDeny) in the NodeClass",
			   NULL);
		return;
	}
	if (tf_unres(auto_en)) {
		tally(c, tl, NP_ST_WARN);
		tf_finding(c, cl, auto_en, NP_ST_WARN,
			   cstrf(c, "cannot verify: compute_config.enabled = %s (Auto Mode is set "
				    "in-cluster)",
				 tf_text(c, auto_en)),
			   FIX_EKS_TF, NULL);
		return;
	}
	for (size_t i = 0; i < c->m->tf_resources.n; i++) {
		const struct np_tf_resource *a = &c->m->tf_resources.v[i];
		const struct np_tf_resource *owner;
		const struct np_tf_attr *e;

		if (!is_vpc_cni(a))
			continue;
		owner = addon_cluster(c->m, a);
		if (!owner) {
			orphan = a;
			continue;
		}
		if (owner != cl)
			continue;
		e = tf_last(a, "configuration_values.enableNetworkPolicy");
		if (tf_str(e, "true")) {
			pass = true;
		} else if (e && !e->unresolved && e->vtype == NP_TF_T_BOOL && streq(e->value, "true")) {
			pass = pass_bool = true;
		} else if (tf_unres(e)) {
			unres_addon = a;
			unres_enp = e;
		} else if (!addon) {
			addon = a;
			enp = e;
		}
	}
	if (pass) {
		tally(c, tl, NP_ST_PASS);
		if (pass_bool) {
			tl->note = "enableNetworkPolicy is the boolean true; the add-on schema documents "
				   "the string \"true\"";
			np_report_note(c->r, "%s: aws_eks_cluster.%s: the vpc-cni add-on sets "
					     "enableNetworkPolicy to the boolean true (accepted; the "
					     "schema documents the string \"true\")",
				       c->id, cl->name);
		}
		return;
	}
	if (helm) {
		tally(c, tl, NP_ST_PASS);
		tl->note = cstrf(c, "helm_release.%s installs %s", helm_r->name,
				 tf_text(c, tf_last(helm_r, "chart")));
		return;
	}
	if (unres_addon) {
		tally(c, tl, NP_ST_WARN);
		tf_finding(c, unres_addon, unres_enp, NP_ST_WARN,
			   cstrf(c, "cannot verify: configuration_values = %s (aws_eks_cluster.%s)",
				 tf_text(c, unres_enp), cl->name),
			   FIX_EKS_TF, NULL);
		return;
	}
	if (!addon && orphan) {
		tally(c, tl, NP_ST_WARN);
		tf_finding(c, cl, NULL, NP_ST_WARN,
			   cstrf(c, "cannot verify: cannot tell which cluster the vpc-cni add-on %s "
				    "configures (cluster_name = %s)",
				 orphan->name, tf_text(c, tf_last(orphan, "cluster_name"))),
			   FIX_EKS_TF, NULL);
		return;
	}
	tally(c, tl, NP_ST_FAIL);
	if (addon)
		tf_finding(c, addon,
			   enp ? enp : tf_last(addon, "configuration_values"), NP_ST_FAIL,
			   enp ? cstrf(c, "vpc-cni add-on of aws_eks_cluster.%s: enableNetworkPolicy "
					  "= %s, not \"true\"",
				       cl->name, tf_text(c, enp))
			       : cstrf(c, "vpc-cni add-on of aws_eks_cluster.%s does not set "
					  "enableNetworkPolicy = \"true\" in configuration_values",
				       cl->name),
			   FIX_EKS_TF, NULL);
	else
		tf_finding(c, cl, NULL, NP_ST_FAIL,
			   "no vpc-cni add-on with enableNetworkPolicy = \"true\" and no Calico or "
			   "Cilium helm_release: NetworkPolicy is not enforced",
			   FIX_EKS_TF, NULL);
}

static size_t tf_np105(struct ctl *c, const char **summary)
{
	struct tf_tally tl;
	const struct np_tf_resource *helm_r = NULL;

	memset(&tl, 0, sizeof(tl));
	for (size_t i = 0; i < c->m->tf_resources.n && !helm_r; i++)
		if (policy_chart(&c->m->tf_resources.v[i]))
			helm_r = &c->m->tf_resources.v[i];
	for (size_t i = 0; i < c->m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &c->m->tf_resources.v[i];
		if (streq(t->type, "aws_eks_cluster"))
			np105_tf_one(c, t, helm_r != NULL, helm_r, &tl);
	}
	if (tl.judged) {
		*summary = tf_summary(c, &tl, "aws_eks_cluster", "do not enforce NetworkPolicy",
				      "enforce NetworkPolicy");
		tf_counts(c, &tl);
	}
	return tl.judged;
}

/* ------------------------------------------------ NP-106 (Terraform) */

static const char *const FIX_GKE_TF =
	"set datapath_provider = \"ADVANCED_DATAPATH\" (GKE Dataplane V2), or network_policy { "
	"enabled = true } with addons_config { network_policy_config { disabled = false } } on "
	"the google_container_cluster";

static void np106_tf_one(struct ctl *c, const struct np_tf_resource *t, struct tf_tally *tl)
{
	const struct np_tf_attr *np_blk, *np_dyn, *ac_blk, *ac_dyn, *npc_blk, *npc_dyn;
	const struct np_tf_attr *autop = tf_last(t, "enable_autopilot");
	const struct np_tf_attr *dp = tf_last(t, "datapath_provider");
	const struct np_tf_attr *en = tf_last(t, "network_policy.enabled");
	const struct np_tf_attr *dis = tf_last(t, "addons_config.network_policy_config.disabled");
	const struct np_tf_attr *at = NULL;
	bool en_maybe, dis_maybe;
	const char *msg;

	tf_blocks(t, "network_policy", &np_blk, &np_dyn);
	tf_blocks(t, "addons_config", &ac_blk, &ac_dyn);
	tf_blocks(t, "addons_config.network_policy_config", &npc_blk, &npc_dyn);
	en_maybe = tf_unres(en) || np_dyn;
	dis_maybe = tf_unres(dis) || ac_dyn || npc_dyn;
	if (tf_bool(autop, true)) {
		tally(c, tl, NP_ST_PASS);
		tl->note = "Autopilot: Dataplane V2 since 1.22.7-gke.1500";
		return;
	}
	if (tf_bool(en, true) && tf_str(dp, "ADVANCED_DATAPATH")) {
		tally(c, tl, NP_ST_WARN);
		tf_finding(c, t, en, NP_ST_WARN,
			   "network_policy.enabled = true conflicts with datapath_provider = "
			   "\"ADVANCED_DATAPATH\" (Dataplane V2 enforces NetworkPolicy itself)",
			   "remove the network_policy block (or set enabled = false): Dataplane V2 "
			   "enforces NetworkPolicy",
			   NULL);
		return;
	}
	if (tf_str(dp, "ADVANCED_DATAPATH") ||
	    (tf_bool(en, true) && tf_bool(dis, false))) {
		tally(c, tl, NP_ST_PASS);
		return;
	}
	/* Undecidable only when an unresolved value could still make it pass. */
	if (tf_unres(autop))
		at = autop;
	else if (tf_unres(dp))
		at = dp;
	else if (en_maybe && (dis_maybe || tf_bool(dis, false)))
		at = np_dyn ? np_dyn : en;
	else if (dis_maybe && (en_maybe || tf_bool(en, true)))
		at = tf_unres(dis) ? dis : ac_dyn ? ac_dyn : npc_dyn;
	if (at) {
		tally(c, tl, NP_ST_WARN);
		tf_finding(c, t, at, NP_ST_WARN,
			   cstrf(c, "cannot verify: %s = %s", at->path, tf_text(c, at)), FIX_GKE_TF,
			   NULL);
		return;
	}
	if (!np_blk) {
		msg = "no network_policy block and datapath_provider is not ADVANCED_DATAPATH: "
		      "NetworkPolicy is not enforced";
	} else if (!tf_bool(en, true)) {
		at = en ? en : np_blk;
		msg = en ? cstrf(c, "network_policy.enabled = %s: NetworkPolicy is not enforced",
				 tf_text(c, en))
			 : "network_policy sets no enabled = true: NetworkPolicy is not enforced";
	} else if (dis) {
		at = dis;
		msg = cstrf(c, "addons_config.network_policy_config.disabled = %s: the network "
			       "policy add-on is off",
			    tf_text(c, dis));
	} else {
		at = npc_blk ? npc_blk : ac_blk;
		msg = "network_policy.enabled = true without addons_config.network_policy_config "
		      "{ disabled = false }: the network policy add-on is off";
	}
	tally(c, tl, NP_ST_FAIL);
	tf_finding(c, t, at, NP_ST_FAIL, msg, FIX_GKE_TF, NULL);
}

/* `resource.x` in a KICS rule: defined and not false (null counts). */
static bool kics_defined(const struct np_tf_resource *t, const char *path,
			 const struct np_tf_attr **first)
{
	const struct np_tf_attr *a = NULL;
	size_t n = 0;

	for (size_t i = 0; i < t->n_attrs; i++) {
		if (!streq(t->attrs[i].path, path) || t->attrs[i].dynamic)
			continue;
		if (!a)
			a = &t->attrs[i];
		n++;
	}
	if (first)
		*first = a;
	return n > 1 || (a && !(a->vtype == NP_TF_T_BOOL && streq(a->value, "false")));
}

static size_t kics_count(const struct np_tf_resource *t, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_attrs; i++)
		if (streq(t->attrs[i].path, path) && !t->attrs[i].dynamic)
			n++;
	return n;
}

static bool kics_bool(const struct np_tf_attr *a, bool want)
{
	return a && !a->unresolved && a->vtype == NP_TF_T_BOOL && streq(a->value, want ? "true" : "false");
}

/* KICS 11e7550e (network_policy_disabled): rules R1-R4, each its own
 * finding, so R3 reports beside R1 or R2 on one resource. A repeated block
 * is an array, on which the dotted paths below it are undefined. */
static void np106_tf_kics(struct ctl *c, const struct np_tf_resource *t, struct tf_tally *tl)
{
	const struct np_tf_attr *np_a, *ac_a;
	bool has_np = kics_defined(t, "network_policy", &np_a);
	bool has_ac = kics_defined(t, "addons_config", &ac_a);
	bool one_np = kics_count(t, "network_policy") == 1;
	bool one_npc = kics_count(t, "addons_config") == 1 &&
		       kics_count(t, "addons_config.network_policy_config") == 1;
	const struct np_tf_attr *en = one_np ? tf_last(t, "network_policy.enabled") : NULL;
	const struct np_tf_attr *dis =
		one_npc ? tf_last(t, "addons_config.network_policy_config.disabled") : NULL;
	size_t before = c->res->findings.n;

	if (!(has_np && has_ac))
		tf_finding(c, t, NULL, NP_ST_FAIL,
			   "Attribute 'network_policy' is undefined or Attribute 'addons_config' is "
			   "undefined",
			   FIX_GKE_TF, "R1");
	else if (!(kics_count(t, "addons_config") == 1 &&
		   kics_defined(t, "addons_config.network_policy_config", NULL)))
		tf_finding(c, t, ac_a, NP_ST_FAIL,
			   "Attribute 'addons_config.network_policy_config' is undefined", FIX_GKE_TF,
			   "R2");
	if (kics_bool(en, false))
		tf_finding(c, t, en, NP_ST_FAIL, "Attribute 'network_policy.enabled' is false",
			   FIX_GKE_TF, "R3");
	if (kics_bool(en, true) && kics_bool(dis, true))
		tf_finding(c, t, dis, NP_ST_FAIL,
			   "Attribute 'addons_config.network_policy_config.disabled' is true",
			   FIX_GKE_TF, "R4");
	tally(c, tl, c->res->findings.n > before ? NP_ST_FAIL : NP_ST_PASS);
}

static size_t tf_np106(struct ctl *c, bool kics, const char **summary)
{
	struct tf_tally tl;

	memset(&tl, 0, sizeof(tl));
	for (size_t i = 0; i < c->m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &c->m->tf_resources.v[i];
		if (!streq(t->type, "google_container_cluster"))
			continue;
		if (kics)
			np106_tf_kics(c, t, &tl);
		else
			np106_tf_one(c, t, &tl);
	}
	if (tl.judged) {
		*summary = tf_summary(c, &tl, "google_container_cluster",
				      "do not enforce NetworkPolicy", "enforce NetworkPolicy");
		tf_counts(c, &tl);
	}
	return tl.judged;
}

/* ClusterDescribe properties.networkProfile (decoded as a tf_resource with
 * Terraform's attribute paths), judged like Terraform's network_profile. */
static size_t np104_cluster_describe(struct ctl *c)
{
	size_t judged = 0;

	for (size_t i = 0; i < c->m->tf_resources.n; i++) {
		const struct np_tf_resource *t = &c->m->tf_resources.v[i];
		const struct np_tf_attr *la, *pa, *dpa, *eba;
		const char *plugin, *policy, *dp, *ebpf;
		struct cni_obj obj;

		if (!streq(t->type, "ClusterDescribe"))
			continue;
		judged++;
		la = cni_tf_attr(t, "network_profile.network_plugin");
		pa = cni_tf_attr(t, "network_profile.network_policy");
		dpa = cni_tf_attr(t, "network_profile.network_data_plane");
		eba = cni_tf_attr(t, "network_profile.ebpf_data_plane");
		plugin = la ? la->value : NULL;
		policy = pa ? pa->value : NULL;
		dp = dpa ? dpa->value : NULL;
		ebpf = eba ? eba->value : NULL;
		memset(&obj, 0, sizeof(obj));
		obj.set = true;
		obj.kind = "ClusterDescribe";
		obj.api_group = "management.azure.com";
		obj.name = t->name;
		obj.loc = t->loc;
		if (pa && pa->line) {
			obj.loc.line = pa->line;
			obj.loc.column = pa->column;
		}
		if (!t->n_blocks_network_profile) {
			finding(c, &obj, NP_ST_FAIL, "no networkProfile: no network policy engine",
				cni_platform_fix("aks"), NULL);
			verdict(c, NP_ST_FAIL);
		} else if (streq(plugin, "none")) {
			finding(c, &obj, NP_ST_WARN,
				"networkPlugin none: bring-your-own CNI, see NP-101", NULL, NULL);
			verdict(c, NP_ST_WARN);
		} else if (streq(policy, "azure") || streq(policy, "calico")) {
			verdict(c, NP_ST_PASS);
		} else if (streq(policy, "cilium") && (streq(dp, "cilium") || streq(ebpf, "cilium"))) {
			verdict(c, NP_ST_PASS);
		} else if (streq(policy, "cilium")) {
			finding(c, &obj, NP_ST_FAIL,
				"networkPolicy cilium needs networkDataplane cilium", cni_platform_fix("aks"),
				NULL);
			verdict(c, NP_ST_FAIL);
		} else {
			finding(c, &obj, NP_ST_FAIL,
				policy ? cstrf(c, "networkPolicy %s is not azure, calico or cilium", policy)
				: pa   ? "networkPolicy is null: no network policy engine"
				       : "no networkPolicy: no network policy engine",
				cni_platform_fix("aks"), NULL);
			verdict(c, NP_ST_FAIL);
		}
	}
	return judged;
}

static bool pick_aks_engine(const struct cni_eng *e)
{
	return streq(e->name, "azure-npm") || streq(e->name, "calico") || streq(e->name, "cilium") ||
	       streq(e->name, "canal");
}

static const char *running_engine_ev(struct ctl *c, const struct cni_result *cr,
				     bool (*pick)(const struct cni_eng *e))
{
	for (size_t k = 0; k < cr->n_eng; k++) {
		const struct cni_eng *e = &cr->eng[k];
		if (enforcing(cr, e) && pick(e) && e->ds)
			return cstrf(c, "DaemonSet %s/%s", e->ds->namespace ? e->ds->namespace : "",
				     e->ds->name);
	}
	return NULL;
}

static void np104_cluster(struct ctl *c, const struct cni_result *cr, const char **summary)
{
	const struct np_model *m = c->m;
	size_t ok = 0, bad = 0;
	const char *value = NULL;
	const char *ds = running_engine_ev(c, cr, pick_aks_engine);

	for (size_t i = 0; i < m->nodes.n; i++) {
		const struct np_node_obj *n = &m->nodes.v[i];
		const char *v = np_labels_get(&n->labels, "kubernetes.azure.com/network-policy");
		struct cni_obj o;

		node_obj(n, &o);
		if (streq(v, "azure") || streq(v, "calico") || streq(v, "cilium")) {
			ok++;
			value = v;
			continue;
		}
		if (streq(v, "none")) {
			bad++;
			finding(c, &o, NP_ST_FAIL,
				"label kubernetes.azure.com/network-policy=none: no network policy engine",
				cni_platform_fix("aks"), NULL);
			continue;
		}
		if (v) {
			finding(c, &o, NP_ST_WARN,
				cstrf(c, "label kubernetes.azure.com/network-policy=%s is not azure, "
					 "calico or cilium", v),
				cni_platform_fix("aks"), NULL);
			verdict(c, NP_ST_WARN);
			continue;
		}
		/* No label: a running engine on the node still counts; leftover CRDs do not. */
		if (node_cov(cr, i, pick_aks_engine) == CNI_COV_YES) {
			ok++;
			continue;
		}
		bad++;
		finding(c, &o, NP_ST_FAIL,
			"no kubernetes.azure.com/network-policy label and no running network policy "
			"engine",
			cni_platform_fix("aks"), NULL);
	}
	if (bad) {
		verdict(c, NP_ST_FAIL);
		*summary = cstrf(c, "%zu of %zu AKS nodes have no network policy engine", bad, m->nodes.n);
	} else if (ok == m->nodes.n) {
		verdict(c, NP_ST_PASS);
		*summary = cstrf(c, "network policy %s on all %zu nodes%s%s%s", value ? value : "engine",
				 m->nodes.n, ds ? " (" : "", ds ? ds : "", ds ? ")" : "");
	}
	c->res->passing = (long long)ok;
	c->res->evaluated = (long long)m->nodes.n;
}

int np_control_np104(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	struct ctl c;
	struct cni_result cr;
	const char *summary = NULL, *missing = NULL;
	bool tf = has_tf(ctx->m, "azurerm_kubernetes_cluster");
	size_t judged;
	int rc;

	ctl_init(&c, ctx, res, "NP-104");
	rc = cni_analyze(&cr, c.r, c.m);
	if (rc < 0)
		return rc;
	if (!streq(cr.platform, "aks") && !tf && !has_tf(c.m, "ClusterDescribe")) {
		res->status = NP_ST_SKIP;
		res->summary = "not an AKS cluster";
		return 0;
	}
	judged = np104_cluster_describe(&c);
	if (streq(cr.cluster_platform, "aks"))
		missing = missing_cluster_data(&c);
	if (streq(cr.cluster_platform, "aks") && cr.cluster_state)
		np104_cluster(&c, &cr, &summary);
	if (tf) {
		const char *tf_sum = NULL;
		judged += tf_np104(&c, kics_mode(ctx), &tf_sum);
		summary = joined(&c, summary, tf_sum);
	}
	if (!summary) {
		if (c.status == NP_ST_PASS)
			summary = "a network policy engine is configured";
		else if (c.status == NP_ST_FAIL)
			summary = "no network policy engine configured";
		else if (c.status == NP_ST_WARN)
			summary = "network policy engine undecidable";
		else
			summary = "no AKS network profile or nodes to judge";
	}
	(void)judged;
	if (c.status != NP_ST_PASS && c.status != NP_ST__COUNT)
		res->remediation = streq(cr.cluster_platform, "aks") || !tf ? cni_platform_fix("aks")
									      : FIX_AKS_TF;
	finish(&c, missing, summary);
	return c.err;
}

/* ------------------------------------------------------------- NP-105 */

static bool pick_eks_alt(const struct cni_eng *e)
{
	return streq(e->name, "calico") || streq(e->name, "canal") || streq(e->name, "cilium") ||
	       streq(e->name, "antrea");
}

static bool pick_eks_any(const struct cni_eng *e)
{
	return pick_eks_alt(e) || streq(e->name, "aws-vpc-cni");
}

int np_control_np105(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	struct ctl c;
	struct cni_result cr;
	const char *summary = NULL, *missing = NULL, *tf_sum = NULL;
	bool tf = has_tf(ctx->m, "aws_eks_cluster");
	bool eks;
	const struct cni_eng *aws, *pass_by = NULL;
	int rc;

	ctl_init(&c, ctx, res, "NP-105");
	rc = cni_analyze(&cr, c.r, c.m);
	if (rc < 0)
		return rc;
	eks = streq(cr.cluster_platform, "eks") || streq(cr.cluster_platform, "eks-auto");
	if (!eks && !tf) {
		res->status = NP_ST_SKIP;
		res->summary = "not an EKS cluster";
		return 0;
	}
	if (tf)
		tf_np105(&c, &tf_sum);
	if (!eks) {
		if (c.status != NP_ST_PASS && c.status != NP_ST__COUNT)
			res->remediation = FIX_EKS_TF;
		finish(&c, NULL, tf_sum);
		return c.err;
	}
	missing = missing_cluster_data(&c);
	aws = cni_find(&cr, "aws-vpc-cni");
	for (size_t k = 0; k < cr.n_eng; k++)
		if (enforcing(&cr, &cr.eng[k]) && pick_eks_any(&cr.eng[k]) && !pass_by)
			pass_by = &cr.eng[k];
	if (pass_by) {
		size_t unknown = 0, covered = c.m->nodes.n;
		if (cr.cluster_state) {
			covered = list_uncovered(&c, &cr, pick_eks_any, NP_ST_WARN, NULL, &unknown);
			res->passing = (long long)covered;
			res->evaluated = (long long)c.m->nodes.n;
		}
		if (covered == c.m->nodes.n) {
			verdict(&c, NP_ST_PASS);
			summary = streq(pass_by->name, "aws-vpc-cni")
					  ? "the VPC CNI network policy agent and controller are enabled"
					  : cstrf(&c, "%s enforces NetworkPolicy", pass_by->name);
		} else {
			verdict(&c, NP_ST_WARN);
			summary = cstrf(&c, "%zu of %zu nodes (Fargate, Windows or not ready) are not "
					    "enforced",
					c.m->nodes.n - covered, c.m->nodes.n);
		}
	} else if (aws && (aws->enf == CNI_ENF_COND || aws->enf == CNI_ENF_UNKNOWN ||
			   (aws->enf == CNI_ENF_YES))) {
		/* Seen without its switches (CNIInfo), a ConfigMap not collected, or not running. */
		finding(&c, &aws->obj, NP_ST_WARN, doubt_message(&c, &cr, aws), aws->fix, NULL);
		verdict(&c, NP_ST_WARN);
		summary = cstrf(&c, "VPC CNI network policy undecidable%s%s",
				aws->condition ? ": " : "", aws->condition ? aws->condition : "");
	} else {
		struct cni_obj o = cr.platform_obj;
		if (aws && aws->obj.set)
			o = aws->obj;
		finding(&c, &o, NP_ST_FAIL,
			aws ? cstrf(&c, "VPC CNI does not enforce NetworkPolicy: %s",
				    aws->condition ? aws->condition : "policy agent off")
			    : "no NetworkPolicy engine: neither the VPC CNI policy agent nor Calico, "
			      "Cilium or Antrea",
			cni_platform_fix("eks"), NULL);
		verdict(&c, NP_ST_FAIL);
		summary = aws ? cstrf(&c, "NetworkPolicy is not enforced: %s",
				      aws->condition ? aws->condition : "VPC CNI policy agent off")
			      : "NetworkPolicy is not enforced";
	}
	if (c.status != NP_ST_PASS)
		res->remediation = cni_platform_fix("eks");
	finish(&c, missing, joined(&c, summary, tf_sum));
	return c.err;
}

/* ------------------------------------------------------------- NP-106 */

static bool pick_gke(const struct cni_eng *e)
{
	return streq(e->name, "gke-dataplane-v2") || streq(e->name, "calico");
}

int np_control_np106(struct np_audit_ctx *ctx, struct np_control_result *res)
{
	struct ctl c;
	struct cni_result cr;
	const char *summary = NULL, *missing = NULL, *tf_sum = NULL;
	bool tf = has_tf(ctx->m, "google_container_cluster");
	size_t covered = 0, unknown = 0;
	const struct cni_eng *dp, *cal;
	int rc;

	ctl_init(&c, ctx, res, "NP-106");
	rc = cni_analyze(&cr, c.r, c.m);
	if (rc < 0)
		return rc;
	if (!streq(cr.platform, "gke") && !tf) {
		res->status = NP_ST_SKIP;
		res->summary = "not a GKE cluster";
		return 0;
	}
	if (tf)
		tf_np106(&c, kics_mode(ctx), &tf_sum);
	if (!streq(cr.cluster_platform, "gke")) {
		if (c.status != NP_ST_PASS && c.status != NP_ST__COUNT)
			res->remediation = FIX_GKE_TF;
		finish(&c, NULL, tf_sum);
		return c.err;
	}
	missing = missing_cluster_data(&c);
	dp = cni_find(&cr, "gke-dataplane-v2");
	cal = cni_find(&cr, "calico");
	covered = list_uncovered(&c, &cr, pick_gke, NP_ST_FAIL, cni_platform_fix("gke"), &unknown);
	res->passing = (long long)covered;
	res->evaluated = (long long)c.m->nodes.n;
	if (covered == c.m->nodes.n && c.m->nodes.n) {
		verdict(&c, NP_ST_PASS);
		summary = dp && enforcing(&cr, dp)
				  ? "GKE Dataplane V2 (anetd) runs on every node"
				  : "GKE network policy (calico-node) is ready on every node";
	} else if (covered + unknown == c.m->nodes.n && c.m->nodes.n) {
		verdict(&c, NP_ST_WARN);
		summary = cstrf(&c, "enforcement undecidable on %zu of %zu nodes", unknown, c.m->nodes.n);
	} else {
		verdict(&c, NP_ST_FAIL);
		summary = cstrf(&c, "%zu of %zu nodes without anetd or a ready calico-node%s",
				c.m->nodes.n - covered, c.m->nodes.n,
				cal && !dp ? " (lacking projectcalico.org/ds-ready=true)" : "");
		res->remediation = cni_platform_fix("gke");
	}
	finish(&c, missing, joined(&c, summary, tf_sum));
	return c.err;
}
