/* `kubectl netpol explain TARGET`: which policies select a pod (or a
 * workload's pods) per direction, which policies of its namespace do not
 * and why, its state, and the audit findings about it (DESIGN §2, §2.3).
 * The data comes from analyzer/explain.c. */
#include <stdlib.h>
#include <string.h>

#include "netpol/cli.h"
#include "netpol/coverage.h"
#include "netpol/explain.h"

static const char *const explain_outputs[] = { "table", "json", "yaml", NULL };

/* --from/--port: the traffic part (cmd/cmd_explain_traffic.c). */
enum { FLAG_FROM, FLAG_PORT };
static const struct np_flag explain_flags[] = {
	[FLAG_FROM] = { "from", 0, NP_FLAG_STRING, "PEER",
			"explain the traffic from PEER: allowed or denied per direction, and why" },
	[FLAG_PORT] = { "port", 0, NP_FLAG_STRING, "PORT",
			"with --from: only this port (N, PROTO/N, PROTO/N-M or a port name)" },
	{ 0 },
};

const struct np_cli_spec np_spec_explain = {
	.verb = "explain",
	.summary = "Why a pod is (not) selected and isolated by network policies",
	.usage =
		"Usage:\n"
		"  kubectl netpol explain TARGET [SOURCE] [-n NS] [--from PEER [--port PORT]]\n"
		"                         [-o table|json|yaml]\n"
		"\n"
		"TARGET is POD, NS/POD, KIND/NAME or NS/KIND/NAME, KIND one of pod (po),\n"
		"deployment (deploy), statefulset (sts), daemonset (ds), replicaset (rs),\n"
		"replicationcontroller (rc), job, cronjob (cj). Without a namespace in TARGET,\n"
		"-n is used; else, live, the context's namespace or default; offline, the\n"
		"namespace where the name is unique.\n"
		"\n"
		"For each pod (pods of a workload that get the same answer are shown together):\n"
		"the policies selecting it and the directions they isolate; the policies of its\n"
		"namespace that do not select it, with the first selector term that fails\n"
		"(\"matchLabels app=web: pod has app=api\"); whether it is hostNetwork, a template\n"
		"or terminated; and the audit findings about the pod or its workload.\n"
		"\n"
		"Exit status: 0 success; 1 the result is incomplete (pods, namespaces or policies\n"
		"not collected or unreadable); 2 usage or input error, or TARGET not found or\n"
		"ambiguous (candidates are listed); 3 the cluster could not be reached or\n"
		"authentication failed.\n"
		"\n"
		"Examples:\n"
		"  kubectl netpol explain shop/web-7c9d8-x2x7k\n"
		"  kubectl netpol explain deploy/web -n shop\n"
		"  kubectl netpol explain -f bundle.tar.gz shop/sts/db -o json\n"
		"  kubectl netpol explain shop/deploy/db --from shop/deploy/web --port 5432\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE,
	.outputs = explain_outputs,
	.flags = explain_flags,
	.max_args = 1,
};

/* ---- JSON / YAML ---- */

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

static json_t *policy_id_json(const char *ns, const char *name)
{
	struct np_strbuf s;
	json_t *j;

	if (!ns)
		return np_json_str(name);
	np_strbuf_init(&s);
	np_strbuf_printf(&s, "%s/%s", ns, name ? name : "");
	j = s.oom ? NULL : np_json_str(s.s);
	np_strbuf_release(&s);
	return j;
}

static json_t *ref_json(struct jb *b, const char *kind, const char *group, const char *ns,
			const char *name)
{
	json_t *r = json_object();

	put(b, r, "kind", np_json_str(kind));
	put(b, r, "apiGroup", np_json_str(group));
	put(b, r, "namespace", np_json_str(ns));
	put(b, r, "name", np_json_str(name));
	return r;
}

static json_t *direction_json(struct jb *b, const struct np_explain_subject *s, unsigned dir)
{
	json_t *d = json_object(), *ids = json_array(), *refs = json_array();
	size_t i;

	put(b, d, "isolated",
	    json_boolean(dir == NP_DIR_INGRESS ? s->ingress_isolated : s->egress_isolated));
	for (i = 0; i < s->n_selecting; i++) {
		const struct np_explain_policy *p = &s->selecting[i];

		if (!(p->dirs & dir))
			continue;
		append(b, ids, policy_id_json(p->namespace, p->name));
		append(b, refs, ref_json(b, p->kind, p->api_group, p->namespace, p->name));
	}
	put(b, d, "policies", ids);
	put(b, d, "policyRefs", refs);
	return d;
}

static json_t *subject_json(struct jb *b, const struct np_explain_subject *s)
{
	const struct np_pod *p = s->pod;
	json_t *o = json_object(), *pods = json_array(), *w = json_object(), *labels = json_object();
	json_t *ns = json_array(), *fs = json_array();
	size_t i;

	put(b, o, "namespace", np_json_str(p->namespace));
	for (i = 0; i < s->n_pods; i++)
		append(b, pods, np_json_str(s->pods[i]->name));
	put(b, o, "pods", pods);
	put(b, w, "kind", np_json_str(p->top.kind ? p->top.kind : "Pod"));
	put(b, w, "name", np_json_str(p->top.name ? p->top.name : p->name));
	put(b, w, "inferred", json_boolean(p->top_inferred));
	put(b, o, "workload", w);
	for (i = 0; i < p->labels.n; i++) {
		json_t *v = np_json_str(p->labels.values[i] ? p->labels.values[i] : "");
		struct np_strbuf k;

		/* Keys must be valid UTF-8 for jansson too. */
		np_strbuf_init(&k);
		np_utf8_sanitize(&k, p->labels.keys[i], strlen(p->labels.keys[i]));
		if (k.oom || !k.s) {
			b->ok = false;
			json_decref(v);
		} else {
			put(b, labels, k.s, v);
		}
		np_strbuf_release(&k);
	}
	put(b, o, "labels", labels);
	put(b, o, "phase", np_json_str(p->phase));
	put(b, o, "hostNetwork", json_boolean(s->host_network));
	put(b, o, "template", json_boolean(s->is_template));
	put(b, o, "idle", json_boolean(s->idle));
	put(b, o, "terminated", json_boolean(s->terminated));
	put(b, o, "undecidable", json_boolean(s->undecidable));
	put(b, o, "ingress", direction_json(b, s, NP_DIR_INGRESS));
	put(b, o, "egress", direction_json(b, s, NP_DIR_EGRESS));
	for (i = 0; i < s->n_not_selecting; i++) {
		const struct np_explain_reason *r = &s->not_selecting[i];
		json_t *e = ref_json(b, r->kind, r->api_group, r->namespace, r->name);

		put(b, e, "reason", json_string(np_explain_why_name(r->why)));
		put(b, e, "message", np_json_str(r->message));
		append(b, ns, e);
	}
	put(b, o, "notSelecting", ns);
	for (i = 0; i < s->n_findings; i++) {
		const struct np_finding *f = s->findings[i];
		const struct np_control_result *c = s->finding_controls[i];
		json_t *e = json_object();

		put(b, e, "control", np_json_str(c->def ? c->def->id : NULL));
		put(b, e, "title", np_json_str(c->def ? c->def->title : NULL));
		put(b, e, "status", json_string(np_status_name(f->level)));
		put(b, e, "object", ref_json(b, f->kind, f->api_group, f->namespace, f->name));
		put(b, e, "message", np_json_str(f->message));
		put(b, e, "suppressed", json_boolean(f->suppressed != NULL));
		append(b, fs, e);
	}
	put(b, o, "findings", fs);
	return o;
}

static json_t *explanation_json(const struct np_explanation *e, const struct np_out_ctx *o)
{
	struct jb b = { true };
	json_t *root = json_object(), *t = json_object(), *subs = json_array();
	size_t i;

	put(&b, root, "apiVersion", json_string("kubectl-netpol/v1"));
	put(&b, root, "kind", json_string("Explanation"));
	put(&b, t, "namespace", np_json_str(e->namespace));
	put(&b, t, "kind", np_json_str(e->kind));
	put(&b, t, "name", np_json_str(e->name));
	put(&b, root, "target", t);
	for (i = 0; i < e->n_subjects && b.ok; i++)
		append(&b, subs, subject_json(&b, &e->subjects[i]));
	put(&b, root, "subjects", subs);
	put(&b, root, "warnings", np_diag_json_warnings(o));
	put(&b, root, "errors", np_diag_json_errors(o));
	if (!b.ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* ---- table ---- */

static void put_esc(FILE *out, const char *s)
{
	struct np_strbuf b;

	np_strbuf_init(&b);
	np_escape_term(&b, s ? s : "", 0);
	if (b.s)
		fputs(b.s, out);
	np_strbuf_release(&b);
}

/* "Kind name" for a policy seen from namespace ns. */
static void policy_label(struct np_strbuf *b, const char *kind, const char *pns, const char *name,
			 const char *ns)
{
	struct np_strbuf raw;

	np_strbuf_init(&raw);
	if (pns && ns && strcmp(pns, ns) != 0)
		np_strbuf_printf(&raw, "%s %s/%s", kind, pns, name ? name : "");
	else
		np_strbuf_printf(&raw, "%s %s", kind, name ? name : "");
	np_escape_term(b, raw.s ? raw.s : "", 0);
	if (raw.oom)
		b->oom = true;
	np_strbuf_release(&raw);
}

static void direction_line(FILE *out, const struct np_explain_subject *s, unsigned dir)
{
	bool isolated = dir == NP_DIR_INGRESS ? s->ingress_isolated : s->egress_isolated;
	bool first = true;
	size_t i;

	fputs(dir == NP_DIR_INGRESS ? "  ingress:      " : "  egress:       ", out);
	if (s->host_network) {
		fputs("not isolated (hostNetwork: network policies do not apply)\n", out);
		return;
	}
	if (!isolated) {
		fputs(s->terminated ? "not isolated (terminated: not counted)\n"
				    : "not isolated (no policy selects the pod for this direction)\n",
		      out);
		return;
	}
	fputs("isolated by ", out);
	for (i = 0; i < s->n_selecting; i++) {
		struct np_strbuf b;

		if (!(s->selecting[i].dirs & dir))
			continue;
		np_strbuf_init(&b);
		policy_label(&b, s->selecting[i].kind, s->selecting[i].namespace, s->selecting[i].name,
			     s->pod->namespace);
		fprintf(out, "%s%s", first ? "" : ", ", b.s ? b.s : "");
		np_strbuf_release(&b);
		first = false;
	}
	fputc('\n', out);
}

static void subject_table(FILE *out, const struct np_explanation *e,
			  const struct np_explain_subject *s)
{
	const struct np_pod *p = s->pod;
	size_t i, w = 0;

	if (strcmp(e->kind, "Pod") == 0) {
		fputs("Pod ", out);
		put_esc(out, p->namespace);
		fputc('/', out);
		put_esc(out, p->name);
		fputc('\n', out);
	} else if (s->is_template) {
		fputs("Template pod of ", out);
		put_esc(out, e->kind);
		fputc(' ', out);
		put_esc(out, p->namespace);
		fputc('/', out);
		put_esc(out, e->name);
		fputs(" (no running pods)\n", out);
	} else {
		fprintf(out, "%zu pod%s of ", s->n_pods, s->n_pods == 1 ? "" : "s");
		put_esc(out, e->kind);
		fputc(' ', out);
		put_esc(out, p->namespace);
		fputc('/', out);
		put_esc(out, e->name);
		fputs(": ", out);
		for (i = 0; i < s->n_pods && i < 10; i++) {
			fputs(i ? ", " : "", out);
			put_esc(out, s->pods[i]->name);
		}
		if (s->n_pods > 10)
			fprintf(out, ", ... %zu more", s->n_pods - 10);
		fputc('\n', out);
	}
	fputs("  workload:     ", out);
	put_esc(out, p->top.kind ? p->top.kind : "Pod");
	fputc('/', out);
	put_esc(out, p->top.name ? p->top.name : p->name);
	if (p->top_inferred)
		fputs(" (inferred from pod-template-hash)", out);
	fputc('\n', out);
	fputs("  labels:       ", out);
	if (p->labels.n == 0)
		fputs("<none>", out);
	for (i = 0; i < p->labels.n; i++) {
		fputs(i ? ", " : "", out);
		put_esc(out, p->labels.keys[i]);
		fputc('=', out);
		put_esc(out, p->labels.values[i]);
	}
	fputc('\n', out);
	fputs("  state:        ", out);
	if (s->terminated) {
		fputs("terminated (phase ", out);
		put_esc(out, p->phase ? p->phase : "unknown");
		fputs("): not counted, no policy applies", out);
	} else {
		fputs(s->is_template ? "template (no running pod)" : "running", out);
		if (p->phase && !s->is_template) {
			fputs(" (phase ", out);
			put_esc(out, p->phase);
			fputc(')', out);
		}
		if (s->idle)
			fputs(", idle workload", out);
		if (s->host_network)
			fputs(", hostNetwork: network policies do not apply", out);
	}
	fputc('\n', out);
	direction_line(out, s, NP_DIR_INGRESS);
	direction_line(out, s, NP_DIR_EGRESS);
	if (s->undecidable)
		fputs("  warning:      a policy selection could not be evaluated (Calico selector "
		      "syntax or a namespace missing from the input)\n", out);

	fputs("  not selected by:", out);
	if (s->n_not_selecting == 0)
		fputs(" <none>\n", out);
	else
		fputc('\n', out);
	for (i = 0; i < s->n_not_selecting; i++) {
		struct np_strbuf b;
		size_t x;

		np_strbuf_init(&b);
		policy_label(&b, s->not_selecting[i].kind, s->not_selecting[i].namespace,
			     s->not_selecting[i].name, p->namespace);
		x = b.s ? np_text_width(b.s) : 0;
		if (x > w)
			w = x;
		np_strbuf_release(&b);
	}
	for (i = 0; i < s->n_not_selecting; i++) {
		struct np_strbuf b;
		size_t x;

		np_strbuf_init(&b);
		policy_label(&b, s->not_selecting[i].kind, s->not_selecting[i].namespace,
			     s->not_selecting[i].name, p->namespace);
		fputs("    ", out);
		fputs(b.s ? b.s : "", out);
		for (x = b.s ? np_text_width(b.s) : 0; x < w + 3; x++)
			fputc(' ', out);
		put_esc(out, s->not_selecting[i].message);
		fputc('\n', out);
		np_strbuf_release(&b);
	}

	fputs("  audit:", out);
	if (s->n_findings == 0)
		fputs("        <no findings>\n", out);
	else
		fputc('\n', out);
	for (i = 0; i < s->n_findings; i++) {
		const struct np_finding *f = s->findings[i];
		const struct np_control_result *c = s->finding_controls[i];

		fprintf(out, "    [%s] %s ", np_status_name(f->level), c->def ? c->def->id : "?");
		put_esc(out, f->kind);
		fputc('/', out);
		put_esc(out, f->name);
		fputs(": ", out);
		put_esc(out, f->message);
		if (f->suppressed)
			fputs(" (suppressed)", out);
		fputc('\n', out);
	}
}

static int write_table(FILE *out, const struct np_explanation *e)
{
	size_t i;

	for (i = 0; i < e->n_subjects; i++) {
		if (i)
			fputc('\n', out);
		subject_table(out, e, &e->subjects[i]);
	}
	return 0;
}

struct write_job {
	const char *format;
	const struct np_explanation *e;
	const struct np_out_ctx *o;
	const struct np_explain_traffic *tr; /* --from, or NULL */
};

static int write_format(FILE *out, void *ctx)
{
	const struct write_job *j = ctx;
	json_t *root;
	int rc;

	if (strcmp(j->format, "table") == 0) {
		rc = write_table(out, j->e);
		if (rc == 0 && j->tr)
			rc = np_explain_traffic_table(out, j->tr);
		return rc;
	}
	root = explanation_json(j->e, j->o);
	if (!root)
		return NP_ENOMEM;
	if (j->tr && json_object_set_new(root, "traffic", np_explain_traffic_json(j->tr)) < 0) {
		json_decref(root);
		return NP_ENOMEM;
	}
	if (strcmp(j->format, "json") == 0)
		rc = np_json_emit(out, root);
	else
		rc = np_yaml_emit(out, root);
	json_decref(root);
	return rc;
}

static bool format_known(const char *f)
{
	return f && (strcmp(f, "table") == 0 || strcmp(f, "json") == 0 || strcmp(f, "yaml") == 0);
}

/* ---- the verb ---- */

static bool needed_resource(enum np_resource r);

/* Whether a resource name ("pods", ...) is one the result depends on. */
static bool needed_name(const char *res)
{
	int r;

	for (r = 0; r < NP_RES__COUNT; r++)
		if (needed_resource((enum np_resource)r) && strcmp(res, np_resource_name((enum np_resource)r)) == 0)
			return true;
	return false;
}

/* Table output has no errors[]: what the result lacks goes to stderr. */
static void print_errors(struct np_io *io, const struct np_out_ctx *o)
{
	json_t *errs = np_diag_json_errors(o), *e;
	size_t i;

	json_array_foreach(errs, i, e) {
		const char *res = json_string_value(json_object_get(e, "resource"));
		const char *ns = json_string_value(json_object_get(e, "namespace"));
		const char *reason = json_string_value(json_object_get(e, "reason"));
		const char *message = json_string_value(json_object_get(e, "message"));
		const char *group = json_string_value(json_object_get(e, "apiGroup"));

		if (res && !needed_name(res))
			continue;
		np_print_errorf(io, "incomplete: %s%s%s%s%s: %s%s%s", res ? res : "input",
				group && *group ? "." : "", group && *group ? group : "",
				ns ? " in namespace " : "", ns ? ns : "", reason ? reason : "error",
				message ? ": " : "", message ? message : "");
	}
	json_decref(errs);
}

static bool needed_resource(enum np_resource r)
{
	switch (r) {
	case NP_RES_PODS: case NP_RES_NAMESPACES: case NP_RES_NETWORKPOLICIES:
	case NP_RES_CILIUM_NP: case NP_RES_CILIUM_CCNP: case NP_RES_CALICO_NP:
	case NP_RES_CALICO_GNP: case NP_RES_ANP: case NP_RES_BANP: case NP_RES_CNP:
		return true;
	default:
		return false;
	}
}

/* Incomplete (exit 1) when pods, namespaces or a policy kind of the
 * target's namespace (or cluster-wide) could not be read. */
static bool explain_incomplete(const struct np_model *m, const char *ns)
{
	size_t i;
	int r;

	for (i = 0; i < m->errors.n; i++) {
		const struct np_diag *d = &m->errors.v[i];

		if (d->namespace && ns && strcmp(d->namespace, ns) != 0)
			continue;
		if (!d->resource)
			return true;
		for (r = 0; r < NP_RES__COUNT; r++)
			if (needed_resource((enum np_resource)r) &&
			    strcmp(d->resource, np_resource_name((enum np_resource)r)) == 0)
				return true;
	}
	for (i = 0; i < m->avail.n; i++) {
		const struct np_avail *av = &m->avail.v[i];

		if (av->state == NP_AVAIL_READ || !needed_resource(av->res))
			continue;
		if (av->namespace && ns && strcmp(av->namespace, ns) != 0)
			continue;
		if (np_model_avail(m, av->res, av->namespace, NULL, NULL) != NP_AVAIL_READ)
			return true;
	}
	return false;
}

/* Live runs without a namespace use the context's, else "default" (DESIGN §2.1). */
static const char *live_namespace(const struct np_cli *cli, char *buf, size_t len)
{
	struct np_kubeconfig_env env;
	struct np_kubeconfig *kc = NULL;
	struct np_error e;
	const char *ns = "default";

	np_error_clear(&e);
	np_kubeconfig_env_default(&env);
	if (np_kubeconfig_load(&kc, &cli->live, &env, &e) == 0 && kc && kc->namespace &&
	    kc->namespace[0]) {
		snprintf(buf, len, "%s", kc->namespace);
		ns = buf;
	}
	np_kubeconfig_free(kc);
	return ns;
}

/* Candidates as TARGETs the user can paste: NS/POD or NS/KIND/NAME. */
static void print_candidates(struct np_io *io, const struct np_explanation *e)
{
	struct np_strbuf raw, b;
	size_t i;

	for (i = 0; i < e->n_candidates; i++) {
		const struct np_explain_candidate *c = &e->candidates[i];

		np_strbuf_init(&raw);
		np_strbuf_init(&b);
		if (strcmp(c->kind, "Pod") == 0)
			np_strbuf_printf(&raw, "%s/%s", c->namespace ? c->namespace : "",
					 c->name ? c->name : "");
		else
			np_strbuf_printf(&raw, "%s/%s/%s", c->namespace ? c->namespace : "", c->kind,
					 c->name ? c->name : "");
		np_escape_term(&b, raw.s ? raw.s : "", 0);
		if (b.s)
			fprintf(io->err, "  %s\n", b.s);
		np_strbuf_release(&raw);
		np_strbuf_release(&b);
	}
	fflush(io->err);
}

int cmd_explain(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_coverage cov;
	struct np_explain_target target;
	struct np_explanation e;
	struct np_report r;
	struct np_audit_options opt;
	struct np_scope scope;
	struct np_out_ctx o;
	struct np_explain_traffic *tr = NULL;
	const char *default_ns;
	char now[32], today[11], nsbuf[256];
	int rc, code = NP_EXIT_OK;
	size_t i;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	np_report_init(&r);
	memset(&cov, 0, sizeof(cov));
	memset(&e, 0, sizeof(e));
	memset(&opt, 0, sizeof(opt));
	memset(&scope, 0, sizeof(scope));
	memset(&o, 0, sizeof(o));

	if ((rc = np_cli_parse(&cli, &np_spec_explain, argc, argv, &err)) < 0) {
		code = np_usage_error(io, "explain", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_explain);
		goto out;
	}
	if (cli.n_args != 1) {
		np_error_set(&err, NP_EUSAGE, "a TARGET is required (POD, NS/POD, KIND/NAME or NS/KIND/NAME)");
		code = np_usage_error(io, "explain", &err);
		goto out;
	}
	for (i = 0; i <= cli.n_output_files; i++) {
		if (!format_known(i == 0 ? cli.output : cli.output_files[i - 1].format)) {
			np_error_set(&err, NP_EUSAGE, "output format is not available for explain");
			code = np_usage_error(io, "explain", &err);
			goto out;
		}
	}
	if ((rc = np_explain_target_parse(&target, cli.args[0], &err)) < 0 ||
	    (rc = np_explain_traffic_check(cli.verb_values[FLAG_FROM].s,
					   cli.verb_values[FLAG_PORT].s, &err)) < 0) {
		code = np_usage_error(io, "explain", &err);
		goto out;
	}
	if (cli.verb_values[FLAG_PORT].set && !cli.verb_values[FLAG_FROM].set) {
		np_error_set(&err, NP_EUSAGE, "--port needs --from");
		code = np_usage_error(io, "explain", &err);
		goto out;
	}
	if ((rc = np_cli_load(&m, &cli, io, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	default_ns = cli.namespace;
	if (!default_ns && !target.namespace && cli.n_files == 0)
		default_ns = live_namespace(&cli, nsbuf, sizeof(nsbuf));

	/* Every namespace, idle templates included: the user named this pod
	 * or workload, whatever an audit run would count. */
	scope.include_idle = true;
	if ((rc = np_coverage_build(&cov, &m, &scope, false, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	rc = np_explain_build(&e, &m, &cov, NULL, &target, default_ns, &err);
	if (rc == NP_ENOTFOUND) {
		np_print_error(io, &err);
		print_candidates(io, &e);
		code = NP_EXIT_USAGE;
		goto out;
	}
	if (rc < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}

	/* The audit verdicts, over the target's namespace only. */
	np_now_rfc3339(now);
	memcpy(today, now, 10);
	today[10] = '\0';
	opt.scope.only_namespace = e.namespace;
	opt.today = today;
	r.semantics = "k8s";
	r.fail_on = cli.fail_on_name;
	r.generated_at = now;
	if ((rc = np_audit_run(&r, &m, &opt, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	np_explanation_release(&e);
	if ((rc = np_explain_build(&e, &m, &cov, &r, &target, default_ns, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	if (cli.verb_values[FLAG_FROM].set &&
	    (rc = np_explain_traffic_new(&tr, &m, &e, cli.verb_values[FLAG_FROM].s,
					 cli.verb_values[FLAG_PORT].s, &err)) < 0) {
		np_print_error(io, &err);
		code = rc == NP_ENOTFOUND ? NP_EXIT_USAGE : np_exit_code(rc);
		goto out;
	}

	o.m = &m;
	o.r = &r;
	o.mode = cli.n_files > 0 ? "offline" : "live";
	o.generated_at = now;
	if (r.warnings.n) {
		o.extra_warnings = r.warnings.v;
		o.n_extra_warnings = r.warnings.n;
	}
	if (strcmp(cli.output, "table") == 0)
		print_errors(io, &o);
	{
		struct write_job job = { cli.output, &e, &o, tr };

		rc = write_format(io->out, &job);
	}
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error%s", rc == NP_ENOMEM ? ": out of memory" : "");
		code = NP_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < cli.n_output_files; i++) {
		struct write_job job = { cli.output_files[i].format, &e, &o, tr };

		if ((rc = np_write_file_atomic(cli.output_files[i].path, write_format, &job, &err)) < 0) {
			np_print_error(io, &err);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}
	if (explain_incomplete(&m, e.namespace))
		code = NP_EXIT_FINDINGS;
out:
	np_explain_traffic_free(tr);
	np_explanation_release(&e);
	np_report_release(&r);
	np_coverage_release(&cov);
	np_model_release(&m);
	np_cli_release(&cli);
	return code;
}
