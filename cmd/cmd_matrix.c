/* `kubectl netpol matrix`: the pod-to-policy coverage matrix (DESIGN §2.3,
 * §6.1, §6.2 CoverageMatrix, §6.3 csv and html). The data comes from
 * analyzer/matrix.c; this file parses flags, loads the source and prints. */
#include <stdlib.h>
#include <string.h>

#include "netpol/cli.h"
#include "netpol/coverage.h"
#include "netpol/csv.h"
#include "netpol/html.h"
#include "netpol/matrix.h"
#include "netpol/selector.h"

static const char *const matrix_outputs[] = { "table", "wide", "json", "yaml", "csv", "html", NULL };

enum { FLAG_SELECTOR, FLAG_PODS };

static const struct np_flag matrix_flags[] = {
	[FLAG_SELECTOR] = { "selector", 'l', NP_FLAG_STRING, "SELECTOR",
			    "only pods whose labels match (kubectl -l syntax)" },
	[FLAG_PODS] = { "pods", 0, NP_FLAG_BOOL, NULL, "one row per pod instead of per workload" },
	{ 0 },
};

const struct np_cli_spec np_spec_matrix = {
	.verb = "matrix",
	.summary = "Pod-to-policy coverage matrix, per namespace",
	.usage =
		"Usage:\n"
		"  kubectl netpol matrix [SOURCE] [-n NS | -A] [-l SELECTOR] [--pods]\n"
		"                        [-o table|wide|json|yaml|csv|html]\n"
		"\n"
		"Shows which policies select which workloads, per namespace: rows are workloads\n"
		"(pods grouped by their top owner, split when their labels differ; --pods for one\n"
		"row per pod), columns the policies of the namespace (NetworkPolicy, and the\n"
		"Cilium, Calico and admin policies that select its pods), abbreviated P1, P2...\n"
		"with a legend (-o wide: full names). A cell is I, E or IE when the policy\n"
		"selects the row's pods and isolates ingress, egress or both, '.' otherwise.\n"
		"hostNetwork rows are never isolated; template rows stand for workloads without\n"
		"running pods. -l keeps the pods whose labels match, and the policies selecting\n"
		"them. -o csv gives one row per pod; -o html a self-contained heat map.\n"
		"\n"
		"Exit status: 0 success; 1 the result is incomplete (pods, namespaces or policies\n"
		"not collected or unreadable); 2 usage or input error; 3 the cluster could not be\n"
		"reached or authentication failed.\n"
		"\n"
		"Examples:\n"
		"  kubectl netpol matrix -n shop\n"
		"  kubectl netpol matrix -f bundle.tar.gz -l app=web --pods\n"
		"  kubectl netpol matrix -A -o html > coverage.html\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE | NP_CLI_SCOPE,
	.outputs = matrix_outputs,
	.flags = matrix_flags,
	.max_args = 0,
};

/* What every writer needs. */
struct mctx {
	struct np_matrix *mx;
	const struct np_model *m;
	const struct np_out_ctx *o;
	bool per_pod;
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

static json_t *dirs_json(struct jb *b, unsigned dirs)
{
	json_t *a = json_array();

	if (dirs & NP_DIR_INGRESS)
		append(b, a, json_string("Ingress"));
	if (dirs & NP_DIR_EGRESS)
		append(b, a, json_string("Egress"));
	if (!a)
		b->ok = false;
	return a;
}

static json_t *pod_id_json(const struct np_pod *p)
{
	struct np_strbuf s;
	json_t *j;

	np_strbuf_init(&s);
	np_strbuf_printf(&s, "%s/%s", p->namespace ? p->namespace : "", p->name ? p->name : "");
	j = s.oom ? NULL : np_json_str(s.s);
	np_strbuf_release(&s);
	return j;
}

static json_t *direction_json(struct jb *b, const struct np_matrix *mx, bool isolated,
			      const size_t *v, size_t n)
{
	json_t *d = json_object(), *ids = json_array(), *refs = json_array();
	size_t i;

	put(b, d, "isolated", json_boolean(isolated));
	for (i = 0; i < n; i++) {
		const struct np_matrix_policy *p = &mx->policies[v[i]];
		json_t *r = json_object();

		append(b, ids, np_json_str(p->id));
		put(b, r, "kind", np_json_str(p->kind));
		put(b, r, "apiGroup", np_json_str(p->api_group));
		put(b, r, "namespace", np_json_str(p->namespace));
		put(b, r, "name", np_json_str(p->name));
		append(b, refs, r);
	}
	put(b, d, "policies", ids);
	put(b, d, "policyRefs", refs);
	return d;
}

static json_t *matrix_json(const struct mctx *c)
{
	const struct np_matrix *mx = c->mx;
	struct jb b = { true };
	json_t *root = json_object(), *pols = json_array(), *pods = json_array();
	size_t i, k;

	put(&b, root, "apiVersion", json_string("kubectl-netpol/v1"));
	put(&b, root, "kind", json_string("CoverageMatrix"));
	for (i = 0; i < mx->n_policies && b.ok; i++) {
		const struct np_matrix_policy *p = &mx->policies[i];
		json_t *o = json_object(), *sel = json_array();

		put(&b, o, "namespace", np_json_str(p->namespace));
		put(&b, o, "name", np_json_str(p->name));
		put(&b, o, "kind", np_json_str(p->kind));
		put(&b, o, "apiGroup", np_json_str(p->api_group));
		put(&b, o, "policyTypes", dirs_json(&b, p->types_effective));
		put(&b, o, "policyTypesWritten",
		    p->types_written_present ? dirs_json(&b, p->types_written) : json_null());
		put(&b, o, "selectedPods", json_integer((json_int_t)p->n_selected));
		for (k = 0; k < p->n_selected; k++)
			append(&b, sel, pod_id_json(mx->pods[p->selected[k]].pod));
		put(&b, o, "selected", sel);
		append(&b, pols, o);
	}
	put(&b, root, "policies", pols);
	for (i = 0; i < mx->n_pods && b.ok; i++) {
		const struct np_matrix_pod *mp = &mx->pods[i];
		const struct np_pod *p = mp->pod;
		json_t *o = json_object(), *w = json_object();
		bool hostnet = p->host_network;

		put(&b, o, "namespace", np_json_str(p->namespace));
		put(&b, o, "name", np_json_str(p->name));
		put(&b, w, "kind", np_json_str(p->top.kind ? p->top.kind : "Pod"));
		put(&b, w, "name", np_json_str(p->top.name ? p->top.name : p->name));
		put(&b, w, "inferred", json_boolean(p->top_inferred));
		put(&b, o, "workload", w);
		put(&b, o, "hostNetwork", json_boolean(hostnet));
		put(&b, o, "template", json_boolean(p->is_template));
		put(&b, o, "ingress",
		    direction_json(&b, mx, !hostnet && mp->cov->ingress_isolated, mp->ingress,
				   mp->n_ingress));
		put(&b, o, "egress",
		    direction_json(&b, mx, !hostnet && mp->cov->egress_isolated, mp->egress,
				   mp->n_egress));
		append(&b, pods, o);
	}
	put(&b, root, "pods", pods);
	put(&b, root, "warnings", np_diag_json_warnings(c->o));
	put(&b, root, "errors", np_diag_json_errors(c->o));
	if (!b.ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static int write_json(FILE *out, const struct mctx *c)
{
	json_t *j = matrix_json(c);
	int rc = j ? np_json_emit(out, j) : NP_ENOMEM;

	json_decref(j);
	return rc;
}

static int write_yaml(FILE *out, const struct mctx *c)
{
	json_t *j = matrix_json(c);
	int rc = j ? np_yaml_emit(out, j) : NP_ENOMEM;

	json_decref(j);
	return rc;
}

/* ---- table / wide ---- */

/* A table of escaped cells laid out kubectl-style: columns padded to their
 * widest cell, three spaces apart. */
struct table {
	size_t n_cols, n_rows, cap_rows;
	char **cells;     /* n_rows * n_cols, owned */
	const char **colour; /* per cell: ANSI prefix or NULL */
	bool oom;
};

static void table_init(struct table *t, size_t n_cols)
{
	memset(t, 0, sizeof(*t));
	t->n_cols = n_cols ? n_cols : 1;
}

static void table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->colour);
	memset(t, 0, sizeof(*t));
}

/* Starts a row; returns its index or SIZE_MAX on ENOMEM. */
static size_t table_row(struct table *t)
{
	if (t->oom)
		return SIZE_MAX;
	if (t->n_rows == t->cap_rows) {
		size_t ncap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **nc;
		const char **ncol;

		if (ncap > SIZE_MAX / t->n_cols / sizeof(char *)) {
			t->oom = true;
			return SIZE_MAX;
		}
		nc = realloc(t->cells, ncap * t->n_cols * sizeof(*nc));
		if (!nc) {
			t->oom = true;
			return SIZE_MAX;
		}
		t->cells = nc;
		ncol = realloc(t->colour, ncap * t->n_cols * sizeof(*ncol));
		if (!ncol) {
			t->oom = true;
			return SIZE_MAX;
		}
		t->colour = ncol;
		t->cap_rows = ncap;
	}
	memset(&t->cells[t->n_rows * t->n_cols], 0, t->n_cols * sizeof(char *));
	memset(&t->colour[t->n_rows * t->n_cols], 0, t->n_cols * sizeof(char *));
	return t->n_rows++;
}

/* Sets a cell from input-derived text (escaped for the terminal). */
static void table_set(struct table *t, size_t row, size_t col, const char *text, const char *colour)
{
	struct np_strbuf b;

	if (row == SIZE_MAX || col >= t->n_cols)
		return;
	np_strbuf_init(&b);
	np_escape_term(&b, text ? text : "", 0);
	if (!b.oom && !b.s)
		b.s = strdup("");
	if (b.oom || !b.s) {
		t->oom = true;
		np_strbuf_release(&b);
		return;
	}
	free(t->cells[row * t->n_cols + col]);
	t->cells[row * t->n_cols + col] = b.s; /* taken from the strbuf */
	t->colour[row * t->n_cols + col] = colour;
}

static int table_print(FILE *out, const struct table *t)
{
	size_t *w, r, c;

	if (t->oom)
		return NP_ENOMEM;
	w = calloc(t->n_cols, sizeof(*w));
	if (!w)
		return NP_ENOMEM;
	for (r = 0; r < t->n_rows; r++)
		for (c = 0; c < t->n_cols; c++) {
			const char *s = t->cells[r * t->n_cols + c];
			size_t x = s ? np_text_width(s) : 0;

			if (x > w[c])
				w[c] = x;
		}
	for (r = 0; r < t->n_rows; r++) {
		for (c = 0; c < t->n_cols; c++) {
			const char *s = t->cells[r * t->n_cols + c];
			const char *col = t->colour[r * t->n_cols + c];
			size_t x = s ? np_text_width(s) : 0;

			if (col)
				fputs(col, out);
			fputs(s ? s : "", out);
			if (col)
				fputs("\x1b[0m", out);
			if (c + 1 < t->n_cols)
				for (; x < w[c] + 3; x++)
					fputc(' ', out);
		}
		fputc('\n', out);
	}
	free(w);
	return 0;
}

static const char *cell_text(unsigned dirs)
{
	switch (dirs & (NP_DIR_INGRESS | NP_DIR_EGRESS)) {
	case NP_DIR_INGRESS: return "I";
	case NP_DIR_EGRESS: return "E";
	case NP_DIR_INGRESS | NP_DIR_EGRESS: return "IE";
	default: return ".";
	}
}

#define GREEN "\x1b[32m"
#define RED "\x1b[31m"

/* Column header of a policy under -o wide: its name in its own namespace,
 * "ns/name" elsewhere, with the kind unless it is a NetworkPolicy. */
static void wide_header(struct np_strbuf *b, const struct np_matrix_policy *p, const char *ns)
{
	if (strcmp(p->kind, "NetworkPolicy") != 0)
		np_strbuf_printf(b, "%s/", p->kind);
	np_strbuf_puts(b, p->namespace && ns && strcmp(p->namespace, ns) == 0 ? p->name : p->id);
}

static void row_label(struct np_strbuf *b, const struct np_matrix_row *r, bool wide)
{
	np_strbuf_printf(b, "%s/%s", r->kind, r->name ? r->name : "");
	if (r->split)
		np_strbuf_printf(b, "{%s}", r->split);
	if (wide && r->inferred)
		np_strbuf_puts(b, " (inferred)");
	if (r->host_network)
		np_strbuf_puts(b, " [hostNetwork]");
	if (r->is_template)
		np_strbuf_puts(b, " [template]");
}

static int block_table(FILE *out, const struct mctx *c, const struct np_matrix_block *blk, bool wide)
{
	const struct np_matrix *mx = c->mx;
	bool color = c->o->color;
	size_t fixed = 2; /* WORKLOAD PODS, or with --pods: POD WORKLOAD */
	size_t n_cols = fixed + blk->n_policies + 2, r, k, row;
	struct table t;
	struct np_strbuf b;
	int rc;

	fputs("NAMESPACE: ", out);
	{
		np_strbuf_init(&b);
		np_escape_term(&b, blk->namespace, 0);
		fputs(b.s ? b.s : "", out);
		np_strbuf_release(&b);
	}
	fprintf(out, "  (%zu pod%s, %zu polic%s", blk->n_pods, blk->n_pods == 1 ? "" : "s",
		blk->n_policies, blk->n_policies == 1 ? "y" : "ies");
	if (blk->n_uncovered_rows)
		fprintf(out, ", %zu %s isolated in neither direction", blk->n_uncovered_rows,
			c->per_pod ? (blk->n_uncovered_rows == 1 ? "pod" : "pods")
				   : (blk->n_uncovered_rows == 1 ? "workload" : "workloads"));
	fputs(")\n", out);

	table_init(&t, n_cols);
	if (!c->o->no_headers) {
		row = table_row(&t);
		table_set(&t, row, 0, c->per_pod ? "POD" : "WORKLOAD", NULL);
		table_set(&t, row, 1, c->per_pod ? "WORKLOAD" : "PODS", NULL);
		for (k = 0; k < blk->n_policies; k++) {
			np_strbuf_init(&b);
			if (wide)
				wide_header(&b, &mx->policies[blk->policies[k]], blk->namespace);
			else
				np_strbuf_printf(&b, "P%zu", k + 1);
			table_set(&t, row, fixed + k, b.s ? b.s : "", NULL);
			if (b.oom)
				t.oom = true;
			np_strbuf_release(&b);
		}
		table_set(&t, row, fixed + blk->n_policies, "ISOLATED-INGRESS", NULL);
		table_set(&t, row, fixed + blk->n_policies + 1, "ISOLATED-EGRESS", NULL);
	}
	for (r = 0; r < blk->n_rows; r++) {
		const struct np_matrix_row *rw = &blk->rows[r];
		char num[32];

		row = table_row(&t);
		np_strbuf_init(&b);
		if (c->per_pod) {
			const struct np_pod *p = mx->pods[rw->pods[0]].pod;

			np_strbuf_puts(&b, p->name ? p->name : "");
			if (rw->host_network)
				np_strbuf_puts(&b, " [hostNetwork]");
			if (rw->is_template)
				np_strbuf_puts(&b, " [template]");
			table_set(&t, row, 0, b.s ? b.s : "", NULL);
			np_strbuf_release(&b);
			np_strbuf_init(&b);
			np_strbuf_printf(&b, "%s/%s", p->top.kind ? p->top.kind : "Pod",
					 p->top.name ? p->top.name : (p->name ? p->name : ""));
			if (wide && p->top_inferred)
				np_strbuf_puts(&b, " (inferred)");
			table_set(&t, row, 1, b.s ? b.s : "", NULL);
		} else {
			row_label(&b, rw, wide);
			table_set(&t, row, 0, b.s ? b.s : "", NULL);
			snprintf(num, sizeof(num), "%zu", rw->n_pods);
			table_set(&t, row, 1, num, NULL);
		}
		if (b.oom)
			t.oom = true;
		np_strbuf_release(&b);
		for (k = 0; k < blk->n_policies; k++)
			table_set(&t, row, fixed + k, cell_text(np_matrix_cell(rw, blk->policies[k])),
				  NULL);
		/* hostNetwork rows are no coverage failure (DESIGN §4): not red. */
		table_set(&t, row, fixed + blk->n_policies, rw->ingress_isolated ? "yes" : "no",
			  color && !rw->host_network ? (rw->ingress_isolated ? GREEN : RED) : NULL);
		table_set(&t, row, fixed + blk->n_policies + 1, rw->egress_isolated ? "yes" : "no",
			  color && !rw->host_network ? (rw->egress_isolated ? GREEN : RED) : NULL);
	}
	if (blk->n_rows == 0) {
		row = table_row(&t);
		table_set(&t, row, 0, "<none>", NULL);
	}
	rc = table_print(out, &t);
	table_release(&t);
	if (rc < 0)
		return rc;

	/* The legend: -o wide already shows the full names. */
	if (!wide && blk->n_policies) {
		table_init(&t, 3);
		for (k = 0; k < blk->n_policies; k++) {
			const struct np_matrix_policy *p = &mx->policies[blk->policies[k]];
			char num[32];

			row = table_row(&t);
			snprintf(num, sizeof(num), "  P%zu", k + 1);
			table_set(&t, row, 0, num, NULL);
			table_set(&t, row, 1, p->kind, NULL);
			table_set(&t, row, 2, p->id, NULL);
		}
		rc = table_print(out, &t);
		table_release(&t);
	}
	return rc;
}

static int write_table_mode(FILE *out, const struct mctx *c, bool wide)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < c->mx->n_blocks && rc == 0; i++) {
		if (i)
			fputc('\n', out);
		rc = block_table(out, c, &c->mx->blocks[i], wide);
	}
	return rc;
}

static int write_table(FILE *out, const struct mctx *c)
{
	return write_table_mode(out, c, false);
}

static int write_wide(FILE *out, const struct mctx *c)
{
	return write_table_mode(out, c, true);
}

static int write_csv(FILE *out, const struct mctx *c)
{
	return np_csv_matrix(out, c->mx, c->o->no_headers);
}

static int write_html(FILE *out, const struct mctx *c)
{
	return np_html_matrix_page(out, c->mx, c->o->generated_at);
}

struct matrix_format {
	const char *name;
	int (*write)(FILE *out, const struct mctx *c);
};

static const struct matrix_format formats[] = {
	{ "table", write_table }, { "wide", write_wide }, { "json", write_json },
	{ "yaml", write_yaml },   { "csv", write_csv },   { "html", write_html },
};

static const struct matrix_format *format_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

struct file_job {
	const struct matrix_format *fmt;
	const struct mctx *c;
};

static int write_job(FILE *f, void *ctx)
{
	struct file_job *j = ctx;

	return j->fmt->write(f, j->c);
}

/* ---- completeness ---- */

static bool coverage_resource(enum np_resource r)
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

/* The matrix is incomplete (exit 1) when pods, namespaces or a policy kind
 * could not be read in a covered namespace. Other kinds only refine it. */
static bool matrix_incomplete(const struct np_model *m, const struct np_scope *scope)
{
	size_t i;
	int r;

	for (i = 0; i < m->errors.n; i++) {
		const struct np_diag *d = &m->errors.v[i];

		if (d->namespace && np_scope_excludes(scope, d->namespace))
			continue;
		if (!d->resource)
			return true;
		for (r = 0; r < NP_RES__COUNT; r++)
			if (coverage_resource((enum np_resource)r) &&
			    strcmp(d->resource, np_resource_name((enum np_resource)r)) == 0)
				return true;
	}
	for (i = 0; i < m->avail.n; i++) {
		const struct np_avail *av = &m->avail.v[i];

		if (av->state == NP_AVAIL_READ || !coverage_resource(av->res))
			continue;
		if (av->namespace && np_scope_excludes(scope, av->namespace))
			continue;
		if (np_model_avail(m, av->res, av->namespace, NULL, NULL) != NP_AVAIL_READ)
			return true;
	}
	return false;
}

static bool coverage_resource(enum np_resource r);

/* Whether a resource name ("pods", ...) is one the result depends on. */
static bool needed_name(const char *res)
{
	int r;

	for (r = 0; r < NP_RES__COUNT; r++)
		if (coverage_resource((enum np_resource)r) && strcmp(res, np_resource_name((enum np_resource)r)) == 0)
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

int cmd_matrix(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_coverage cov;
	struct np_matrix mx;
	struct np_selector sel;
	struct np_scope scope;
	struct np_matrix_options mo;
	struct np_out_ctx o;
	struct np_diag undecidable;
	struct mctx c;
	const struct matrix_format *fmt;
	char now[32], msg[200];
	int rc, code = NP_EXIT_OK;
	size_t i;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	memset(&cov, 0, sizeof(cov));
	memset(&mx, 0, sizeof(mx));
	memset(&sel, 0, sizeof(sel));
	memset(&scope, 0, sizeof(scope));
	memset(&mo, 0, sizeof(mo));
	memset(&o, 0, sizeof(o));

	if ((rc = np_cli_parse(&cli, &np_spec_matrix, argc, argv, &err)) < 0) {
		code = np_usage_error(io, "matrix", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_matrix);
		goto out;
	}
	fmt = format_find(cli.output);
	for (i = 0; fmt && i < cli.n_output_files; i++)
		if (!format_find(cli.output_files[i].format))
			fmt = NULL;
	if (!fmt) {
		np_error_set(&err, NP_EUSAGE, "output format is not available for matrix");
		code = np_usage_error(io, "matrix", &err);
		goto out;
	}
	/* A bad selector is a usage error before anything is read. */
	if (cli.verb_values[FLAG_SELECTOR].set) {
		if ((rc = np_selector_parse(&sel, &m, cli.verb_values[FLAG_SELECTOR].s, &err)) < 0) {
			code = np_usage_error(io, "matrix", &err);
			goto out;
		}
		mo.label_filter = &sel;
	}
	mo.per_pod = cli.verb_values[FLAG_PODS].set && cli.verb_values[FLAG_PODS].b;

	if ((rc = np_cli_load(&m, &cli, io, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	scope.only_namespace = cli.namespace;
	scope.n_globs = cli.n_exclude_globs;
	scope.exclude_globs = cli.exclude_globs;
	scope.exclude_system = cli.exclude_system;
	scope.include_idle = cli.include_idle;
	if ((rc = np_coverage_build(&cov, &m, &scope, false, &err)) < 0 ||
	    (rc = np_matrix_build(&mx, &m, &cov, &scope, &mo, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}

	np_now_rfc3339(now);
	o.m = &m;
	o.mode = cli.n_files > 0 ? "offline" : "live";
	o.generated_at = now;
	o.color = np_color_enabled(&cli, io);
	o.quiet = cli.quiet;
	o.no_headers = cli.no_headers;
	o.width = 0; /* the matrix is never cut: columns are what it is about */
	if (mx.n_undecidable) {
		snprintf(msg, sizeof(msg),
			 "%zu pod%s: a policy selection could not be evaluated (Calico selector syntax "
			 "or a label of a namespace missing from the input)",
			 mx.n_undecidable, mx.n_undecidable == 1 ? "" : "s");
		memset(&undecidable, 0, sizeof(undecidable));
		undecidable.resource = "pods";
		undecidable.reason = "undecidable";
		undecidable.message = msg;
		o.extra_warnings = &undecidable;
		o.n_extra_warnings = 1;
	}
	c.mx = &mx;
	c.m = &m;
	c.o = &o;
	c.per_pod = mo.per_pod;

	if ((strcmp(fmt->name, "table") == 0 || strcmp(fmt->name, "wide") == 0)) {
		if (mx.n_blocks == 0)
			np_print_errorf(io, "no pods or policies found%s%s", cli.namespace ? " in namespace " : "",
					cli.namespace ? cli.namespace : "");
		if (mx.n_undecidable && !cli.quiet)
			np_print_errorf(io, "warning: %s", undecidable.message);
		print_errors(io, &o);
	}
	rc = fmt->write(io->out, &c);
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error%s", rc == NP_ENOMEM ? ": out of memory" : "");
		code = NP_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < cli.n_output_files; i++) {
		struct np_out_ctx fo = o;
		struct mctx fc = c;
		struct file_job job = { format_find(cli.output_files[i].format), &fc };

		/* Files are never terminals: no colour. */
		fo.color = false;
		fc.o = &fo;
		if ((rc = np_write_file_atomic(cli.output_files[i].path, write_job, &job, &err)) < 0) {
			np_print_error(io, &err);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}
	if (matrix_incomplete(&m, &scope))
		code = NP_EXIT_FINDINGS;
out:
	np_matrix_release(&mx);
	np_coverage_release(&cov);
	np_model_release(&m);
	np_cli_release(&cli);
	return code;
}
