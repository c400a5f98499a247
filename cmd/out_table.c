/* table and wide (DESIGN §6.1): a kube-bench style report. Text that comes
 * from inputs or the API is escaped for the terminal (DESIGN §8). */
#include <stdlib.h>
#include <string.h>
#include "netpol/cli.h"

#define FINDINGS_PER_CONTROL 20
#define HEADER_DIAGS 5
#define GAP "   "

static const char *status_color(enum np_status s)
{
	switch (s) {
	case NP_ST_PASS: return "\x1b[32m";
	case NP_ST_FAIL: return "\x1b[31m";
	case NP_ST_WARN: return "\x1b[33m";
	case NP_ST_MANUAL: return "\x1b[36m";
	case NP_ST_ERROR: return "\x1b[1;31m";
	case NP_ST_SKIP: return "\x1b[90m";
	default: return "";
	}
}

static void tag(struct np_strbuf *b, const struct np_out_ctx *o, const char *color, const char *word)
{
	if (o->color)
		np_strbuf_printf(b, "%s[%s]\x1b[0m", color, word);
	else
		np_strbuf_printf(b, "[%s]", word);
}

static void esc(struct np_strbuf *b, const char *s)
{
	np_escape_term(b, s ? s : "", 0);
}

/* ---- a kubectl-style table ---- */

struct table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols escaped strings */
	bool oom;
};

static void table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* Adds a row of ncols raw strings (NULL or "" = "<none>"), escaping them. */
static void table_row(struct table *t, const char *const *raw)
{
	if (t->oom)
		return;
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char **nc = realloc(t->cells, ncap * t->ncols * sizeof(*nc));
		if (!nc) {
			t->oom = true;
			return;
		}
		t->cells = nc;
		t->cap = ncap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		struct np_strbuf b;
		np_strbuf_init(&b);
		if (!raw[c] || !raw[c][0])
			np_strbuf_puts(&b, "<none>");
		else
			esc(&b, raw[c]);
		if (b.oom) {
			t->oom = true;
			np_strbuf_release(&b);
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return;
		}
		t->cells[t->nrows * t->ncols + c] = b.s;
	}
	t->nrows++;
}

/* Appends up to max code points of s, cutting with "…" when longer. */
static void add_cut(struct np_strbuf *b, const char *s, size_t max)
{
	size_t w = 0;
	const char *p = s;

	if (np_text_width(s) <= max) {
		np_strbuf_puts(b, s);
		return;
	}
	while (*p && w + 1 < max) {
		const char *q = p + 1;
		while (((unsigned char)*q & 0xC0) == 0x80)
			q++;
		np_strbuf_add(b, p, (size_t)(q - p));
		p = q;
		w++;
	}
	np_strbuf_puts(b, "\xE2\x80\xA6");
}

static void table_print(struct np_strbuf *b, const struct table *t, const char *const *headers,
			bool no_headers, int width)
{
	size_t *w = calloc(t->ncols, sizeof(*w));
	size_t last_max = 0;

	if (!w) {
		b->oom = true;
		return;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		if (!no_headers)
			w[c] = np_text_width(headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = np_text_width(t->cells[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	if (width > 0) {
		/* only the last column (DETAIL) is cut, and never below 16 */
		size_t used = 0;
		for (size_t c = 0; c + 1 < t->ncols; c++)
			used += w[c] + strlen(GAP);
		if ((size_t)width > used + 16)
			last_max = (size_t)width - used;
		else
			last_max = 16;
	}
	for (size_t r = 0; r < t->nrows + 1; r++) {
		if (r == 0 && no_headers)
			continue;
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = r == 0 ? headers[c] : t->cells[(r - 1) * t->ncols + c];
			if (c + 1 == t->ncols) {
				if (last_max)
					add_cut(b, cell, last_max);
				else
					np_strbuf_puts(b, cell);
			} else {
				np_strbuf_puts(b, cell);
				for (size_t k = np_text_width(cell); k < w[c]; k++)
					np_strbuf_add(b, " ", 1);
				np_strbuf_puts(b, GAP);
			}
		}
		np_strbuf_add(b, "\n", 1);
	}
	free(w);
}

/* ---- header ---- */

static void join_inputs(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_model *m = o->m;

	if (!m || m->inputs.n == 0) {
		np_strbuf_puts(b, "-");
		return;
	}
	for (size_t i = 0; i < m->inputs.n; i++) {
		if (i)
			np_strbuf_puts(b, ", ");
		esc(b, m->inputs.v[i].path);
	}
}

static void header_source(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_model *m = o->m;

	np_strbuf_puts(b, "Source:      ");
	if (o->mode && strcmp(o->mode, "live") == 0) {
		np_strbuf_puts(b, "live");
		if (m && m->context) {
			np_strbuf_puts(b, ", context ");
			esc(b, m->context);
		}
		if (m && m->server) {
			np_strbuf_puts(b, ", server ");
			esc(b, m->server);
		}
	} else {
		np_strbuf_puts(b, "offline: ");
		join_inputs(b, o);
	}
	np_strbuf_add(b, "\n", 1);
}

static void header_platform(struct np_strbuf *b, const struct np_cluster_info *c)
{
	np_strbuf_puts(b, "Platform:    ");
	esc(b, c->platform ? c->platform : "unknown");
	if (c->provider) {
		np_strbuf_puts(b, " (provider ");
		esc(b, c->provider);
		np_strbuf_puts(b, ")");
	}
	np_strbuf_add(b, "\n", 1);
}

static void header_cni(struct np_strbuf *b, const struct np_cluster_info *c)
{
	np_strbuf_puts(b, "CNI:         ");
	if (c->n_cni == 0)
		np_strbuf_puts(b, "none detected");
	for (size_t i = 0; i < c->n_cni; i++) {
		const struct np_cni_engine *e = &c->cni[i];
		if (i)
			np_strbuf_puts(b, "; ");
		esc(b, e->name);
		np_strbuf_puts(b, " (enforces: ");
		esc(b, e->enforces ? e->enforces : "unknown");
		if (e->condition) {
			np_strbuf_puts(b, ", ");
			esc(b, e->condition);
		}
		np_strbuf_puts(b, ")");
	}
	np_strbuf_add(b, "\n", 1);
}

static void header_diags(struct np_strbuf *b, const char *label, json_t *list, bool all)
{
	size_t n = json_array_size(list), i;
	json_t *d;

	if (n == 0)
		return;
	np_strbuf_printf(b, "%-13s%zu\n", label, n);
	json_array_foreach(list, i, d) {
		const char *res = json_string_value(json_object_get(d, "resource"));
		const char *ns = json_string_value(json_object_get(d, "namespace"));
		const char *msg = json_string_value(json_object_get(d, "message"));
		const char *reason = json_string_value(json_object_get(d, "reason"));
		if (i == HEADER_DIAGS && !all) {
			np_strbuf_printf(b, "  \xE2\x80\xA6 %zu more (see -o json)\n", n - HEADER_DIAGS);
			break;
		}
		np_strbuf_puts(b, "  - ");
		if (res) {
			esc(b, res);
			if (ns) {
				np_strbuf_puts(b, " in ");
				esc(b, ns);
			}
			np_strbuf_puts(b, ": ");
		}
		if (reason && msg) {
			esc(b, reason);
			np_strbuf_puts(b, ": ");
		}
		esc(b, msg ? msg : reason ? reason : "");
		np_strbuf_add(b, "\n", 1);
	}
}

static void header(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	json_t *warnings = np_diag_json_warnings(o), *errors = np_diag_json_errors(o);

	header_source(b, o);
	header_platform(b, &r->cluster);
	header_cni(b, &r->cluster);
	np_strbuf_puts(b, "Semantics:   ");
	esc(b, r->semantics ? r->semantics : "k8s");
	np_strbuf_add(b, "\n", 1);
	np_strbuf_puts(b, "Excluded:    ");
	if (r->excluded_namespaces.n == 0)
		np_strbuf_puts(b, "none");
	for (size_t i = 0; i < r->excluded_namespaces.n; i++) {
		if (i)
			np_strbuf_puts(b, ", ");
		esc(b, r->excluded_namespaces.v[i]);
	}
	np_strbuf_add(b, "\n", 1);
	if (r->skipped_controls.n) {
		np_strbuf_puts(b, "Skipped:     ");
		for (size_t i = 0; i < r->skipped_controls.n; i++) {
			if (i)
				np_strbuf_puts(b, ", ");
			esc(b, r->skipped_controls.v[i]);
		}
		np_strbuf_add(b, "\n", 1);
	}
	if (!warnings || !errors)
		b->oom = true;
	header_diags(b, "Warnings:", warnings, o->wide);
	header_diags(b, "Errors:", errors, o->wide);
	json_decref(warnings);
	json_decref(errors);
	np_strbuf_add(b, "\n", 1);
}

/* ---- body ---- */

static const char *group_of(const struct np_control_def *d)
{
	if (d->group)
		return d->group;
	return strncmp(d->id, "NP-1", 4) == 0 ? "1 CIS and platform controls" : "2 Hardening and hygiene";
}

static void control_line(struct np_strbuf *b, const struct np_out_ctx *o,
			 const struct np_control_result *c)
{
	tag(b, o, status_color(c->status), np_status_name(c->status));
	np_strbuf_add(b, " ", 1);
	esc(b, c->def->id);
	np_strbuf_add(b, " ", 1);
	esc(b, c->def->title);
	if (c->evaluated >= 0)
		np_strbuf_printf(b, " (%lld/%lld)", c->passing, c->evaluated);
	np_strbuf_add(b, "\n", 1);
}

static void controls_block(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	const char *group = NULL;

	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		const char *g = group_of(c->def);
		if (!group || strcmp(group, g) != 0) {
			tag(b, o, "\x1b[34m", "INFO");
			np_strbuf_add(b, " ", 1);
			esc(b, g);
			np_strbuf_add(b, "\n", 1);
			group = g;
		}
		control_line(b, o, c);
		if (o->wide) {
			bool any = false;
			for (size_t k = 0; k < sizeof(c->def->references) / sizeof(c->def->references[0]) &&
					   c->def->references[k]; k++) {
				np_strbuf_puts(b, any ? "; " : "       References: ");
				esc(b, c->def->references[k]);
				any = true;
			}
			if (any)
				np_strbuf_add(b, "\n", 1);
		}
	}
	np_strbuf_add(b, "\n", 1);
}

static void location(struct np_strbuf *b, const struct np_loc *l)
{
	if (!l->file)
		return;
	np_strbuf_puts(b, l->file);
	if (l->member) {
		np_strbuf_add(b, ":", 1);
		np_strbuf_puts(b, l->member);
	}
	if (l->line > 0) {
		np_strbuf_printf(b, ":%d", l->line);
		if (l->column > 0)
			np_strbuf_printf(b, ":%d", l->column);
	}
}

static void findings_of(struct np_strbuf *b, const struct np_out_ctx *o,
			const struct np_control_result *c)
{
	static const char *const narrow[] = { "NAMESPACE", "NAME", "KIND", "DETAIL" };
	static const char *const wide[] = { "NAMESPACE", "NAME", "KIND", "LOCATION", "DETAIL" };
	struct table t;
	size_t shown = 0, more = 0, suppressed = 0;

	table_init(&t, o->wide ? 5 : 4);
	for (size_t i = 0; i < c->findings.n; i++) {
		const struct np_finding *f = &c->findings.v[i];
		struct np_strbuf loc, detail;
		if (f->suppressed && !o->wide) {
			suppressed++;
			continue;
		}
		if (!o->wide && shown == FINDINGS_PER_CONTROL) {
			more++;
			continue;
		}
		np_strbuf_init(&loc);
		np_strbuf_init(&detail);
		location(&loc, &f->loc);
		if (f->suppressed) {
			np_strbuf_printf(&detail, "(suppressed by %s", f->suppressed->by ? f->suppressed->by : "?");
			if (f->suppressed->reason) {
				np_strbuf_puts(&detail, ": ");
				np_strbuf_puts(&detail, f->suppressed->reason);
			}
			if (f->suppressed->expires) {
				np_strbuf_puts(&detail, ", until ");
				np_strbuf_puts(&detail, f->suppressed->expires);
			}
			np_strbuf_puts(&detail, ") ");
		}
		if (f->level != c->status && f->level == NP_ST_WARN)
			np_strbuf_puts(&detail, "[WARN] ");
		np_strbuf_puts(&detail, f->message ? f->message : "");
		{
			const char *row[5] = { f->namespace, f->name, f->kind };
			if (o->wide) {
				row[3] = loc.s;
				row[4] = detail.s;
			} else {
				row[3] = detail.s;
			}
			table_row(&t, row);
		}
		if (loc.oom || detail.oom)
			t.oom = true;
		np_strbuf_release(&loc);
		np_strbuf_release(&detail);
		shown++;
	}
	if (t.oom)
		b->oom = true;
	if (shown)
		table_print(b, &t, o->wide ? wide : narrow, o->no_headers, o->wide ? 0 : o->width);
	else if (!more)
		np_strbuf_puts(b, "<none>\n");
	if (more)
		np_strbuf_printf(b, "\xE2\x80\xA6 %zu more (use -o wide)\n", more);
	if (suppressed)
		np_strbuf_printf(b, "%zu suppressed (use -o wide)\n", suppressed);
	table_release(&t);
}

static bool worth_listing(const struct np_control_result *c)
{
	return c->findings.n > 0 || c->status == NP_ST_FAIL || c->status == NP_ST_WARN ||
	       c->status == NP_ST_ERROR || c->status == NP_ST_MANUAL;
}

static void findings_block(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	bool any = false;

	np_strbuf_puts(b, "== Findings ==\n");
	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		if (!worth_listing(c))
			continue;
		any = true;
		control_line(b, o, c);
		if (c->summary) {
			esc(b, c->summary);
			np_strbuf_add(b, "\n", 1);
		}
		findings_of(b, o, c);
		np_strbuf_add(b, "\n", 1);
	}
	if (!any)
		np_strbuf_puts(b, "<none>\n\n");
}

static void remediations_block(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	bool any = false;

	np_strbuf_puts(b, "== Remediations ==\n");
	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		if (c->status == NP_ST_PASS || c->status == NP_ST_SKIP || !c->remediation)
			continue;
		any = true;
		esc(b, c->def->id);
		np_strbuf_add(b, " ", 1);
		np_escape_term(b, c->remediation, NP_ESC_KEEP_NEWLINES);
		if (b->len && b->s[b->len - 1] != '\n')
			np_strbuf_add(b, "\n", 1);
		np_strbuf_add(b, "\n", 1);
	}
	if (!any)
		np_strbuf_puts(b, "<none>\n\n");
}

static void pct(struct np_strbuf *b, size_t n, size_t m)
{
	/* rounded down: 99.9% isolated is not 100% */
	np_strbuf_printf(b, "%zu/%zu (%zu%%)", n, m, m ? (size_t)((unsigned long long)n * 100 / m) : 0);
}

static void summary_block(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	bool kics = r->semantics && strcmp(r->semantics, "kics") == 0;

	np_strbuf_puts(b, "== Summary ==\n");
	for (int s = 0; s < NP_ST__COUNT; s++) {
		size_t n = 0, bysev[NP_SEV_CRITICAL + 1] = { 0 };
		bool first = true;
		for (size_t i = 0; i < r->controls.n; i++) {
			const struct np_control_result *c = &r->controls.v[i];
			if ((int)c->status != s)
				continue;
			n++;
			{
				unsigned sev = kics ? c->def->kics_severity : c->def->severity;
				if (sev <= NP_SEV_CRITICAL)
					bysev[sev]++;
			}
		}
		np_strbuf_printf(b, "%zu checks ", n);
		tag(b, o, status_color((enum np_status)s), np_status_name((enum np_status)s));
		for (int v = NP_SEV_CRITICAL; v >= 0 && n; v--) {
			if (!bysev[v])
				continue;
			np_strbuf_printf(b, "%s%zu %s", first ? " (" : ", ", bysev[v],
					 np_severity_name((enum np_severity)v));
			first = false;
		}
		if (!first)
			np_strbuf_add(b, ")", 1);
		np_strbuf_add(b, "\n", 1);
	}
	np_strbuf_printf(b, "Suppressed findings: %zu\n", r->suppressed);
	np_strbuf_printf(b, "Baseline findings: %zu\n", r->baseline);
	np_strbuf_puts(b, "Isolated pods: ingress ");
	pct(b, r->pods_ingress_isolated, r->pods_isolatable);
	np_strbuf_puts(b, ", egress ");
	pct(b, r->pods_egress_isolated, r->pods_isolatable);
	np_strbuf_add(b, "\n", 1);
	if (!r->complete)
		np_strbuf_puts(b, "Incomplete: some data was not collected or unreadable (see Errors)\n");
}

static int flush(FILE *out, struct np_strbuf *b)
{
	int rc = 0;

	if (b->oom)
		rc = NP_ENOMEM;
	else if (fwrite(b->s ? b->s : "", 1, b->len, out) != b->len || ferror(out))
		rc = NP_EIO;
	np_strbuf_release(b);
	return rc;
}

int np_report_table(FILE *out, const struct np_out_ctx *o)
{
	struct np_strbuf b;

	np_strbuf_init(&b);
	if (!o->no_headers)
		header(&b, o);
	controls_block(&b, o);
	if (!o->quiet) {
		findings_block(&b, o);
		remediations_block(&b, o);
	}
	summary_block(&b, o);
	return flush(out, &b);
}

int np_cni_table(FILE *out, const struct np_out_ctx *o)
{
	static const char *const headers[] = { "ENGINE", "ENFORCES", "CONDITION", "NOT COVERED", "EVIDENCE" };
	const struct np_cluster_info *c = &o->r->cluster;
	struct np_strbuf b;
	struct table t;

	np_strbuf_init(&b);
	if (!o->no_headers) {
		header_source(&b, o);
		header_platform(&b, c);
		if (c->n_evidence) {
			np_strbuf_puts(&b, "Evidence:    ");
			for (size_t i = 0; i < c->n_evidence; i++) {
				if (i)
					np_strbuf_puts(&b, "; ");
				esc(&b, c->evidence[i]);
			}
			np_strbuf_add(&b, "\n", 1);
		}
		np_strbuf_add(&b, "\n", 1);
	}
	if (c->n_cni == 0) {
		np_strbuf_puts(&b, "No CNI detected.\n");
		return flush(out, &b);
	}
	table_init(&t, 5);
	for (size_t i = 0; i < c->n_cni; i++) {
		const struct np_cni_engine *e = &c->cni[i];
		struct np_strbuf ev, nodes;
		np_strbuf_init(&ev);
		np_strbuf_init(&nodes);
		for (size_t k = 0; k < e->n_evidence; k++) {
			if (k)
				np_strbuf_puts(&ev, "; ");
			np_strbuf_puts(&ev, e->evidence[k] ? e->evidence[k] : "");
		}
		for (size_t k = 0; k < e->n_nodes_not_covered; k++) {
			if (k)
				np_strbuf_puts(&nodes, ",");
			np_strbuf_puts(&nodes, e->nodes_not_covered[k] ? e->nodes_not_covered[k] : "");
		}
		{
			const char *row[5] = { e->name, e->enforces ? e->enforces : "unknown", e->condition,
					       nodes.s, ev.s };
			table_row(&t, row);
		}
		if (ev.oom || nodes.oom)
			t.oom = true;
		np_strbuf_release(&ev);
		np_strbuf_release(&nodes);
	}
	if (t.oom)
		b.oom = true;
	table_print(&b, &t, headers, o->no_headers, o->width);
	table_release(&t);
	return flush(out, &b);
}
