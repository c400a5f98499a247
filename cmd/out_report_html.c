/* `audit -o html` (DESIGN §6.3): one self-contained page — summary,
 * controls, findings, remediations and the coverage heat map per namespace
 * (uncovered workloads first). The frame, the CSP, escaping and the heat
 * map come from cmd/out_html.c; nothing here loads anything or adds a
 * script or an inline handler (§8). */
#include <stdlib.h>
#include <string.h>
#include "netpol/html.h"
#include "netpol/matrix.h"

static const char *status_style(enum np_status s)
{
	switch (s) {
	case NP_ST_PASS: return "background:#d9f2d9;";
	case NP_ST_FAIL: return "background:#f8d7d7;font-weight:bold;";
	case NP_ST_WARN: return "background:#fbe7c2;";
	case NP_ST_ERROR: return "background:#e9b3b3;font-weight:bold;";
	case NP_ST_MANUAL: return "background:#dde7f5;";
	default: return "background:#eee;color:#777;";
	}
}

static enum np_severity control_severity(const struct np_report *r, const struct np_control_def *d)
{
	bool kics = r->semantics && strcmp(r->semantics, "kics") == 0;
	return kics ? d->kics_severity : d->severity;
}

static void status_cell(FILE *out, enum np_status s)
{
	fprintf(out, "<td style=\"%s\">%s</td>", status_style(s), np_status_name(s));
}

static void anchor_id(FILE *out, const char *prefix, const char *id)
{
	/* control ids are catalog constants ("NP-103"), but keep the id safe anyway */
	fputs(prefix, out);
	for (const char *p = id; *p; p++)
		fputc((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '-',
		      out);
}

static void meta(FILE *out, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;

	fputs("<p class=\"meta\">Generated ", out);
	np_html_text(out, o->generated_at ? o->generated_at : r->generated_at);
	fputs(" by kubectl-netpol " NP_VERSION "</p>\n<table>\n<tbody>\n", out);
	fputs("<tr><th>Source</th><td>", out);
	np_html_text(out, o->mode);
	for (size_t i = 0; o->m && i < o->m->inputs.n; i++) {
		fputs(i ? ", " : ": ", out);
		np_html_text(out, o->m->inputs.v[i].path);
	}
	if (o->m && o->m->context && *o->m->context) {
		fputs(" (context ", out);
		np_html_text(out, o->m->context);
		fputs(")", out);
	}
	fputs("</td></tr>\n<tr><th>Platform</th><td>", out);
	np_html_text(out, r->cluster.platform ? r->cluster.platform : "unknown");
	if (r->cluster.provider) {
		fputs(" (", out);
		np_html_text(out, r->cluster.provider);
		fputs(")", out);
	}
	fputs("</td></tr>\n<tr><th>CNI</th><td>", out);
	if (r->cluster.n_cni == 0)
		fputs("unknown", out);
	for (size_t i = 0; i < r->cluster.n_cni; i++) {
		const struct np_cni_engine *e = &r->cluster.cni[i];
		fputs(i ? "; " : "", out);
		np_html_text(out, e->name);
		fputs(" (enforces NetworkPolicy: ", out);
		np_html_text(out, e->enforces ? e->enforces : "unknown");
		if (e->condition) {
			fputs(", ", out);
			np_html_text(out, e->condition);
		}
		fputs(")", out);
	}
	fputs("</td></tr>\n<tr><th>Semantics</th><td>", out);
	np_html_text(out, r->semantics ? r->semantics : "k8s");
	fputs("</td></tr>\n<tr><th>Fail on</th><td>", out);
	np_html_text(out, r->fail_on ? r->fail_on : "low");
	fputs("</td></tr>\n", out);
	if (r->excluded_namespaces.n) {
		fputs("<tr><th>Excluded namespaces</th><td>", out);
		for (size_t i = 0; i < r->excluded_namespaces.n; i++) {
			fputs(i ? ", " : "", out);
			np_html_text(out, r->excluded_namespaces.v[i]);
		}
		fputs("</td></tr>\n", out);
	}
	if (r->skipped_controls.n) {
		fputs("<tr><th>Skipped controls</th><td>", out);
		for (size_t i = 0; i < r->skipped_controls.n; i++) {
			fputs(i ? ", " : "", out);
			np_html_text(out, r->skipped_controls.v[i]);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void percent(FILE *out, size_t n, size_t of)
{
	if (of == 0)
		fprintf(out, "%zu/0", n);
	else
		fprintf(out, "%zu/%zu (%.0f%%)", n, of, 100.0 * (double)n / (double)of);
}

static void summary(FILE *out, const struct np_report *r)
{
	size_t counts[NP_ST__COUNT] = { 0 };

	for (size_t i = 0; i < r->controls.n; i++)
		if ((unsigned)r->controls.v[i].status < NP_ST__COUNT)
			counts[r->controls.v[i].status]++;
	fputs("<h2 id=\"summary\">Summary</h2>\n<table class=\"status\">\n<thead><tr>", out);
	for (int s = 0; s < NP_ST__COUNT; s++)
		fprintf(out, "<th>%s</th>", np_status_name((enum np_status)s));
	fputs("</tr></thead>\n<tbody><tr>", out);
	for (int s = 0; s < NP_ST__COUNT; s++)
		fprintf(out, "<td style=\"%s\">%zu</td>", counts[s] ? status_style((enum np_status)s) : "",
			counts[s]);
	fputs("</tr></tbody>\n</table>\n", out);
	fprintf(out, "<p>%zu namespace%s, %zu pod%s (%zu hostNetwork, %zu template), %zu NetworkPolic%s",
		r->namespaces, r->namespaces == 1 ? "" : "s", r->pods, r->pods == 1 ? "" : "s",
		r->pods_host_network, r->pods_template, r->policies, r->policies == 1 ? "y" : "ies");
	for (size_t i = 0; i < r->policies_by_kind.n; i++) {
		fprintf(out, ", %zu ", r->policies_by_kind.counts[i]);
		np_html_text(out, r->policies_by_kind.kinds[i]);
	}
	fputs(". Pods isolated for ingress: ", out);
	percent(out, r->pods_ingress_isolated, r->pods_isolatable);
	fputs("; for egress: ", out);
	percent(out, r->pods_egress_isolated, r->pods_isolatable);
	fprintf(out, ". Suppressed findings: %zu; baseline: %zu.", r->suppressed, r->baseline);
	if (!r->complete)
		fputs(" <strong>Incomplete:</strong> some data was not collected or is unreadable "
		      "(see Errors).", out);
	fputs("</p>\n", out);
}

static void controls(FILE *out, const struct np_report *r)
{
	fputs("<h2 id=\"controls\">Controls</h2>\n<table class=\"controls\">\n<thead><tr><th>Control</th>"
	      "<th>Status</th><th>Severity</th><th>Title</th><th>Result</th><th>References</th></tr></thead>\n"
	      "<tbody>\n", out);
	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		const struct np_control_def *d = c->def;

		fputs("<tr><td>", out);
		if (c->findings.n) {
			fputs("<a href=\"#", out);
			anchor_id(out, "findings-", d->id);
			fputs("\">", out);
			np_html_text(out, d->id);
			fputs("</a>", out);
		} else {
			np_html_text(out, d->id);
		}
		fputs("</td>", out);
		status_cell(out, c->status);
		fprintf(out, "<td>%s</td><td>", np_severity_name(control_severity(r, d)));
		np_html_text(out, d->title);
		fputs("</td><td>", out);
		np_html_text(out, c->summary ? c->summary : "");
		if (c->evaluated >= 0)
			fprintf(out, " (%lld/%lld)", c->passing, c->evaluated);
		if (c->suppressed)
			fprintf(out, "; %zu suppressed", c->suppressed);
		fputs("</td><td>", out);
		for (size_t k = 0; k < sizeof(d->references) / sizeof(d->references[0]) && d->references[k]; k++) {
			fputs(k ? ", " : "", out);
			np_html_text(out, d->references[k]);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void location(FILE *out, const struct np_loc *l)
{
	if (!l->file)
		return;
	np_html_text(out, l->file);
	if (l->member) {
		fputc(':', out);
		np_html_text(out, l->member);
	}
	if (l->line > 0)
		fprintf(out, ":%d", l->line);
	if (l->line > 0 && l->column > 0)
		fprintf(out, ":%d", l->column);
}

static void findings(FILE *out, const struct np_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];

		if (c->findings.n == 0)
			continue;
		if (!any)
			fputs("<h2 id=\"findings\">Findings</h2>\n", out);
		any = true;
		fputs("<h3 id=\"", out);
		anchor_id(out, "findings-", c->def->id);
		fputs("\">", out);
		np_html_text(out, c->def->id);
		fprintf(out, " %s: ", np_status_name(c->status));
		np_html_text(out, c->def->title);
		fprintf(out, " (%zu)</h3>\n", c->findings.n);
		fputs("<table class=\"findings\">\n<thead><tr><th>Namespace</th><th>Kind</th><th>Name</th>"
		      "<th>Level</th><th>Detail</th><th>Location</th></tr></thead>\n<tbody>\n", out);
		for (size_t k = 0; k < c->findings.n; k++) {
			const struct np_finding *f = &c->findings.v[k];

			fputs("<tr><td>", out);
			np_html_text(out, f->namespace ? f->namespace : "<none>");
			fputs("</td><td>", out);
			np_html_text(out, f->kind);
			fputs("</td><td>", out);
			np_html_text(out, f->name);
			fputs("</td>", out);
			status_cell(out, f->level);
			fputs("<td>", out);
			np_html_text(out, f->message);
			if (f->suppressed) {
				fputs(" <em>(suppressed by ", out);
				np_html_text(out, f->suppressed->by ? f->suppressed->by : "exception");
				if (f->suppressed->reason) {
					fputs(": ", out);
					np_html_text(out, f->suppressed->reason);
				}
				fputs(")</em>", out);
			}
			fputs("</td><td>", out);
			location(out, &f->loc);
			fputs("</td></tr>\n", out);
		}
		fputs("</tbody>\n</table>\n", out);
	}
	if (!any)
		fputs("<h2 id=\"findings\">Findings</h2>\n<p>No findings.</p>\n", out);
}

/* A <pre> keeps manifests readable; newlines and tabs stay, other controls
 * become visible escapes through np_html_escape's terminal escaping. */
static void pre(FILE *out, const char *s)
{
	const char *p = s;

	fputs("<pre>", out);
	while (*p) {
		size_t n = strcspn(p, "\n\t");
		char *line = strndup(p, n);
		if (line) {
			np_html_text(out, line);
			free(line);
		}
		p += n;
		if (*p) {
			fputc(*p, out);
			p++;
		}
	}
	fputs("</pre>\n", out);
}

static void remediations(FILE *out, const struct np_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];

		if (!c->remediation || c->status == NP_ST_PASS || c->status == NP_ST_SKIP)
			continue;
		if (!any)
			fputs("<h2 id=\"remediations\">Remediations</h2>\n", out);
		any = true;
		fputs("<h3>", out);
		np_html_text(out, c->def->id);
		fputs(" ", out);
		np_html_text(out, c->def->title);
		fputs("</h3>\n", out);
		pre(out, c->remediation);
	}
}

static void diag_table(FILE *out, const char *title, const char *id, json_t *diags)
{
	size_t i;
	json_t *d;

	if (json_array_size(diags) == 0)
		return;
	fprintf(out, "<h2 id=\"%s\">%s (%zu)</h2>\n<table>\n<thead><tr><th>Resource</th><th>Namespace</th>"
		"<th>Reason</th><th>Message</th><th>Source</th></tr></thead>\n<tbody>\n", id, title,
		json_array_size(diags));
	json_array_foreach(diags, i, d) {
		static const char *const keys[] = { "resource", "namespace", "reason", "message", "source" };
		fputs("<tr>", out);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			fputs("<td>", out);
			np_html_text(out, json_string_value(json_object_get(d, keys[k])));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static int heat_map(FILE *out, const struct np_out_ctx *o)
{
	struct np_scope none;
	const struct np_scope *scope = o->scope;
	struct np_coverage cov;
	struct np_matrix mx;
	struct np_matrix_options mo;
	struct np_error err;
	bool kics = o->r->semantics && strcmp(o->r->semantics, "kics") == 0;
	int rc;

	memset(&none, 0, sizeof(none));
	memset(&cov, 0, sizeof(cov));
	memset(&mx, 0, sizeof(mx));
	memset(&mo, 0, sizeof(mo));
	np_error_clear(&err);
	if (!scope)
		scope = &none;
	fputs("<h2 id=\"coverage\">Coverage heat map</h2>\n", out);
	if (!o->m) {
		fputs("<p>No cluster data.</p>\n", out);
		return 0;
	}
	if ((rc = np_coverage_build(&cov, o->m, scope, kics, &err)) < 0)
		goto out;
	if ((rc = np_matrix_build(&mx, o->m, &cov, scope, &mo, &err)) < 0)
		goto out;
	np_html_matrix(out, &mx, 3);
out:
	np_matrix_release(&mx);
	np_coverage_release(&cov);
	return rc;
}

int np_report_html(FILE *out, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	json_t *errors = np_diag_json_errors(o), *warnings = np_diag_json_warnings(o);
	int rc = 0;

	if (!errors || !warnings) {
		rc = NP_ENOMEM;
		goto out;
	}
	np_html_begin(out, "kubectl-netpol audit report");
	meta(out, o);
	fputs("<p><a href=\"#summary\">Summary</a> \xc2\xb7 <a href=\"#controls\">Controls</a> \xc2\xb7 "
	      "<a href=\"#findings\">Findings</a> \xc2\xb7 <a href=\"#remediations\">Remediations</a> "
	      "\xc2\xb7 <a href=\"#coverage\">Coverage heat map</a></p>\n", out);
	summary(out, r);
	controls(out, r);
	findings(out, r);
	remediations(out, r);
	if ((rc = heat_map(out, o)) < 0)
		goto out;
	diag_table(out, "Errors", "errors", errors);
	diag_table(out, "Warnings", "warnings", warnings);
	np_html_end(out);
	if (ferror(out))
		rc = NP_EIO;
out:
	json_decref(errors);
	json_decref(warnings);
	return rc;
}
