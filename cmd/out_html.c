/* Self-contained HTML: escaping, the page frame with its CSP, and the
 * coverage heat map. Nothing here loads anything: no scripts, no remote
 * fonts or images, no inline event handlers (DESIGN §6.3, §8). */
#include <stdlib.h>
#include <string.h>

#include "netpol/html.h"

void np_html_escape(struct np_strbuf *b, const char *s)
{
	struct np_strbuf t;
	const char *p;

	if (!s)
		return;
	/* Controls, bidi overrides and invalid UTF-8 first become visible
	 * escapes, so the text cannot reorder or hide parts of the page. */
	np_strbuf_init(&t);
	np_escape_term(&t, s, 0);
	if (t.oom) {
		b->oom = true;
		np_strbuf_release(&t);
		return;
	}
	for (p = t.s ? t.s : ""; *p; p++) {
		switch (*p) {
		case '&': np_strbuf_puts(b, "&amp;"); break;
		case '<': np_strbuf_puts(b, "&lt;"); break;
		case '>': np_strbuf_puts(b, "&gt;"); break;
		case '"': np_strbuf_puts(b, "&quot;"); break;
		case '\'': np_strbuf_puts(b, "&#39;"); break;
		default: np_strbuf_add(b, p, 1); break;
		}
	}
	np_strbuf_release(&t);
}

void np_html_text(FILE *out, const char *s)
{
	struct np_strbuf b;

	np_strbuf_init(&b);
	np_html_escape(&b, s);
	if (b.s)
		fputs(b.s, out);
	np_strbuf_release(&b);
}

static const char stylesheet[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em;color:#222;}"
	"h1{font-size:1.6em;}h2{font-size:1.3em;margin-top:1.6em;border-bottom:1px solid #ccc;}"
	"h3{font-size:1.1em;}"
	"table{border-collapse:collapse;margin:.5em 0;}"
	"th,td{border:1px solid #ccc;padding:3px 7px;font-size:.9em;text-align:left;}"
	"th{background:#f3f3f3;}"
	"table.heat td.cell{text-align:center;min-width:2.2em;font-family:monospace;font-weight:bold;}"
	"td.c-i{background:#4a90d9;color:#fff;}td.c-e{background:#e8a33d;color:#222;}"
	"td.c-ie{background:#7b3fa6;color:#fff;}td.c-n{background:#f4f4f4;color:#aaa;}"
	"td.yes{background:#d9f2d9;}td.no{background:#f8d7d7;}td.na{background:#eee;color:#777;}"
	"tr.uncovered th{background:#f8d7d7;}"
	".mark{font-size:.8em;color:#555;margin-left:.4em;}"
	".legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #ccc;}"
	".legend .c-i{background:#4a90d9;color:#fff;}.legend .c-e{background:#e8a33d;}"
	".legend .c-ie{background:#7b3fa6;color:#fff;}.legend .c-n{background:#f4f4f4;color:#777;}"
	"p.meta{color:#666;font-size:.85em;}"
	"dl.policies{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:.9em;}"
	"dl.policies dt{font-weight:bold;}dl.policies dd{margin:0;}";

void np_html_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"" NP_HTML_CSP "\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	np_html_text(out, title);
	fputs("</title>\n<style>", out);
	fputs(stylesheet, out);
	fputs("</style>\n</head>\n<body>\n<h1>", out);
	np_html_text(out, title);
	fputs("</h1>\n", out);
}

void np_html_end(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}

/* ---- heat map ---- */

static const char *cell_class(unsigned dirs)
{
	switch (dirs & (NP_DIR_INGRESS | NP_DIR_EGRESS)) {
	case NP_DIR_INGRESS: return "c-i";
	case NP_DIR_EGRESS: return "c-e";
	case NP_DIR_INGRESS | NP_DIR_EGRESS: return "c-ie";
	default: return "c-n";
	}
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

/* 0: isolated in neither direction, 1: one, 2: both; hostNetwork rows,
 * which no policy can isolate, come after them all. */
static int row_rank(const struct np_matrix_row *r)
{
	if (r->host_network)
		return 3;
	return (int)r->ingress_isolated + (int)r->egress_isolated;
}

static void workload_html(FILE *out, const struct np_matrix_row *r)
{
	np_html_text(out, r->kind);
	fputc('/', out);
	np_html_text(out, r->name);
	if (r->split) {
		fputs("<span class=\"mark\">{", out);
		np_html_text(out, r->split);
		fputs("}</span>", out);
	}
	if (r->inferred)
		fputs("<span class=\"mark\">(inferred)</span>", out);
	if (r->host_network)
		fputs("<span class=\"mark\">[hostNetwork]</span>", out);
	if (r->is_template)
		fputs("<span class=\"mark\">[template]</span>", out);
}

static void policy_label(FILE *out, const struct np_matrix_policy *p)
{
	np_html_text(out, p->kind);
	fputc(' ', out);
	np_html_text(out, p->id);
}

static void isolation_cell(FILE *out, const struct np_matrix_row *r, bool isolated)
{
	if (r->host_network)
		fputs("<td class=\"na\">hostNetwork</td>", out);
	else
		fprintf(out, "<td class=\"%s\">%s</td>", isolated ? "yes" : "no", isolated ? "yes" : "no");
}

static void hn(FILE *out, int level, bool open)
{
	if (level < 1)
		level = 1;
	if (level > 6)
		level = 6;
	if (open)
		fprintf(out, "<h%d>", level);
	else
		fprintf(out, "</h%d>\n", level);
}

static void uncovered_list(FILE *out, const struct np_matrix *mx, int h)
{
	size_t b, r, n = 0;

	for (b = 0; b < mx->n_blocks; b++)
		n += mx->blocks[b].n_uncovered_rows;
	hn(out, h, true);
	fprintf(out, "Uncovered workloads (%zu)", n);
	hn(out, h, false);
	if (n == 0) {
		fputs("<p>Every workload is isolated in at least one direction.</p>\n", out);
		return;
	}
	fputs("<table class=\"uncovered\"><thead><tr><th>Namespace</th><th>Workload</th>"
	      "<th>Pods</th></tr></thead><tbody>\n", out);
	for (b = 0; b < mx->n_blocks; b++) {
		const struct np_matrix_block *blk = &mx->blocks[b];

		for (r = 0; r < blk->n_rows; r++) {
			const struct np_matrix_row *row = &blk->rows[r];

			if (row_rank(row) != 0)
				continue;
			fputs("<tr><td>", out);
			np_html_text(out, blk->namespace);
			fputs("</td><td>", out);
			workload_html(out, row);
			fprintf(out, "</td><td>%zu</td></tr>\n", row->n_pods);
		}
	}
	fputs("</tbody></table>\n", out);
}

static void block_html(FILE *out, const struct np_matrix *mx, const struct np_matrix_block *blk,
		       int h)
{
	size_t c, r;
	int rank;

	hn(out, h, true);
	fputs("Namespace ", out);
	np_html_text(out, blk->namespace);
	hn(out, h, false);
	fprintf(out, "<p class=\"meta\">%zu workload row%s, %zu pod%s, %zu polic%s; "
		"%zu row%s isolated in neither direction</p>\n",
		blk->n_rows, blk->n_rows == 1 ? "" : "s", blk->n_pods, blk->n_pods == 1 ? "" : "s",
		blk->n_policies, blk->n_policies == 1 ? "y" : "ies", blk->n_uncovered_rows,
		blk->n_uncovered_rows == 1 ? "" : "s");
	if (blk->n_rows == 0) {
		fputs("<p>No pods.</p>\n", out);
	} else {
		fputs("<table class=\"heat\"><thead><tr><th>Workload</th><th>Pods</th>", out);
		for (c = 0; c < blk->n_policies; c++) {
			fputs("<th title=\"", out);
			policy_label(out, &mx->policies[blk->policies[c]]);
			fprintf(out, "\">P%zu</th>", c + 1);
		}
		fputs("<th>Ingress isolated</th><th>Egress isolated</th></tr></thead>\n<tbody>\n", out);
		/* Uncovered rows first, then the partly and fully isolated ones. */
		for (rank = 0; rank <= 3; rank++) {
			for (r = 0; r < blk->n_rows; r++) {
				const struct np_matrix_row *row = &blk->rows[r];

				if (row_rank(row) != rank)
					continue;
				fprintf(out, "<tr%s><th>", rank == 0 ? " class=\"uncovered\"" : "");
				workload_html(out, row);
				fprintf(out, "</th><td>%zu</td>", row->n_pods);
				for (c = 0; c < blk->n_policies; c++) {
					unsigned d = np_matrix_cell(row, blk->policies[c]);

					fprintf(out, "<td class=\"cell %s\">%s</td>", cell_class(d),
						cell_text(d));
				}
				isolation_cell(out, row, row->ingress_isolated);
				isolation_cell(out, row, row->egress_isolated);
				fputs("</tr>\n", out);
			}
		}
		fputs("</tbody></table>\n", out);
	}
	if (blk->n_policies) {
		fputs("<dl class=\"policies\">", out);
		for (c = 0; c < blk->n_policies; c++) {
			fprintf(out, "<dt>P%zu</dt><dd>", c + 1);
			policy_label(out, &mx->policies[blk->policies[c]]);
			fputs("</dd>", out);
		}
		fputs("</dl>\n", out);
	}
}

void np_html_matrix(FILE *out, const struct np_matrix *mx, int h)
{
	size_t b, rows = 0, uncovered = 0;

	for (b = 0; b < mx->n_blocks; b++) {
		rows += mx->blocks[b].n_rows;
		uncovered += mx->blocks[b].n_uncovered_rows;
	}
	fprintf(out, "<p>%zu namespace%s, %zu pod%s in %zu workload row%s, %zu polic%s; "
		"%zu row%s isolated in neither direction.</p>\n",
		mx->n_blocks, mx->n_blocks == 1 ? "" : "s", mx->n_pods, mx->n_pods == 1 ? "" : "s",
		rows, rows == 1 ? "" : "s", mx->n_policies, mx->n_policies == 1 ? "y" : "ies",
		uncovered, uncovered == 1 ? "" : "s");
	fputs("<p class=\"legend\">Cells: <span class=\"c-i\">I</span>isolates ingress "
	      "<span class=\"c-e\">E</span>isolates egress <span class=\"c-ie\">IE</span>both "
	      "<span class=\"c-n\">.</span>does not select</p>\n", out);
	uncovered_list(out, mx, h);
	for (b = 0; b < mx->n_blocks; b++)
		block_html(out, mx, &mx->blocks[b], h);
}

int np_html_matrix_page(FILE *out, const struct np_matrix *mx, const char *generated_at)
{
	np_html_begin(out, "kubectl-netpol coverage matrix");
	if (generated_at) {
		fputs("<p class=\"meta\">Generated ", out);
		np_html_text(out, generated_at);
		fputs(" by kubectl-netpol " NP_VERSION "</p>\n", out);
	}
	np_html_matrix(out, mx, 2);
	np_html_end(out);
	return ferror(out) ? NP_EIO : 0;
}
