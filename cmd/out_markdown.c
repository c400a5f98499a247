/* `audit -o markdown` (DESIGN §6.3): a pull-request comment. A summary
 * table, then each control's findings in a collapsed <details>; cut at
 * NP_MARKDOWN_MAX bytes (GitHub refuses comments over 65,536 characters)
 * with a pointer to the full report. Text from inputs cannot open links,
 * mention people, close tables or code fences, or inject HTML (§8). */
#include <string.h>
#include "netpol/cli.h"
#include "netpol/html.h"

void np_markdown_escape(struct np_strbuf *b, const char *s)
{
	struct np_strbuf t;

	if (!s)
		return;
	np_strbuf_init(&t);
	np_escape_term(&t, s, 0);
	if (t.oom) {
		b->oom = true;
		np_strbuf_release(&t);
		return;
	}
	for (const char *p = t.s ? t.s : ""; *p; p++) {
		switch (*p) {
		case '&': np_strbuf_puts(b, "&amp;"); break;
		case '<': np_strbuf_puts(b, "&lt;"); break;
		case '>': np_strbuf_puts(b, "&gt;"); break;
		/* a zero-width space keeps "@team" from notifying anyone */
		case '@': np_strbuf_puts(b, "@&#8203;"); break;
		case '\\': case '`': case '|': case '[': case ']': case '*': case '_':
		case '~': case '#':
			np_strbuf_add(b, "\\", 1);
			np_strbuf_add(b, p, 1);
			break;
		default: np_strbuf_add(b, p, 1); break;
		}
	}
	np_strbuf_release(&t);
}

static void md(struct np_strbuf *b, const char *s)
{
	np_markdown_escape(b, s);
}

/* Text inside an HTML block (<summary>), where Markdown escapes do not apply. */
static void html_inline(struct np_strbuf *b, const char *s)
{
	struct np_strbuf t;

	np_strbuf_init(&t);
	np_html_escape(&t, s);
	for (const char *p = t.s ? t.s : ""; !t.oom && *p; p++) {
		if (*p == '@')
			np_strbuf_puts(b, "@&#8203;");
		else
			np_strbuf_add(b, p, 1);
	}
	if (t.oom)
		b->oom = true;
	np_strbuf_release(&t);
}

/* A fenced code block that no backtick run in s can close. */
static void code_block(struct np_strbuf *b, const char *s, const char *lang)
{
	struct np_strbuf t;
	size_t run = 0, longest = 0, fence;

	np_strbuf_init(&t);
	np_escape_term(&t, s, NP_ESC_KEEP_NEWLINES);
	for (const char *p = t.s ? t.s : ""; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest >= 3 ? longest + 1 : 3;
	for (size_t i = 0; i < fence; i++)
		np_strbuf_add(b, "`", 1);
	np_strbuf_puts(b, lang);
	np_strbuf_add(b, "\n", 1);
	if (t.s && t.len) {
		np_strbuf_add(b, t.s, t.len);
		if (t.s[t.len - 1] != '\n')
			np_strbuf_add(b, "\n", 1);
	}
	for (size_t i = 0; i < fence; i++)
		np_strbuf_add(b, "`", 1);
	np_strbuf_add(b, "\n", 1);
	if (t.oom)
		b->oom = true;
	np_strbuf_release(&t);
}

static const char *status_mark(enum np_status s)
{
	switch (s) {
	case NP_ST_PASS: return "\xe2\x9c\x85";             /* check mark */
	case NP_ST_FAIL: return "\xe2\x9d\x8c";             /* cross */
	case NP_ST_WARN: return "\xe2\x9a\xa0\xef\xb8\x8f"; /* warning sign */
	case NP_ST_ERROR: return "\xe2\x9b\x94";            /* no entry */
	case NP_ST_MANUAL: return "\xf0\x9f\x93\x9d";       /* memo */
	default: return "\xe2\x8f\xad\xef\xb8\x8f";         /* skip */
	}
}

static enum np_severity control_severity(const struct np_report *r, const struct np_control_def *d)
{
	bool kics = r->semantics && strcmp(r->semantics, "kics") == 0;
	return kics ? d->kics_severity : d->severity;
}

static void percent(struct np_strbuf *b, size_t n, size_t of)
{
	if (of == 0)
		np_strbuf_printf(b, "%zu/0", n);
	else
		np_strbuf_printf(b, "%zu/%zu (%.0f%%)", n, of, 100.0 * (double)n / (double)of);
}

static void header(struct np_strbuf *b, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	size_t counts[NP_ST__COUNT] = { 0 };

	for (size_t i = 0; i < r->controls.n; i++)
		if ((unsigned)r->controls.v[i].status < NP_ST__COUNT)
			counts[r->controls.v[i].status]++;
	np_strbuf_printf(b, "## kubectl-netpol audit: %zu FAIL, %zu ERROR, %zu WARN, %zu PASS\n\n",
			 counts[NP_ST_FAIL], counts[NP_ST_ERROR], counts[NP_ST_WARN], counts[NP_ST_PASS]);
	np_strbuf_puts(b, "**Source:** ");
	md(b, o->mode);
	for (size_t i = 0; o->m && i < o->m->inputs.n; i++) {
		if (i == 10) {
			np_strbuf_printf(b, " and %zu more", o->m->inputs.n - 10);
			break;
		}
		np_strbuf_puts(b, i ? ", " : " ");
		md(b, o->m->inputs.v[i].path);
	}
	if (o->m && o->m->context && *o->m->context) {
		np_strbuf_puts(b, " (context ");
		md(b, o->m->context);
		np_strbuf_puts(b, ")");
	}
	np_strbuf_puts(b, " \xc2\xb7 **Platform:** ");
	md(b, r->cluster.platform ? r->cluster.platform : "unknown");
	np_strbuf_puts(b, " \xc2\xb7 **CNI:** ");
	if (r->cluster.n_cni == 0)
		np_strbuf_puts(b, "unknown");
	for (size_t i = 0; i < r->cluster.n_cni; i++) {
		np_strbuf_puts(b, i ? ", " : "");
		md(b, r->cluster.cni[i].name);
		np_strbuf_puts(b, " (enforces ");
		md(b, r->cluster.cni[i].enforces ? r->cluster.cni[i].enforces : "unknown");
		np_strbuf_puts(b, ")");
	}
	np_strbuf_puts(b, " \xc2\xb7 **Semantics:** ");
	md(b, r->semantics ? r->semantics : "k8s");
	np_strbuf_puts(b, " \xc2\xb7 **Fail on:** ");
	md(b, r->fail_on ? r->fail_on : "low");
	np_strbuf_puts(b, "\n\n");

	np_strbuf_puts(b, "| Control | Status | Severity | Title | Result |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		np_strbuf_puts(b, "| ");
		md(b, c->def->id);
		np_strbuf_printf(b, " | %s %s | %s | ", status_mark(c->status), np_status_name(c->status),
				 np_severity_name(control_severity(r, c->def)));
		md(b, c->def->title);
		np_strbuf_puts(b, " | ");
		md(b, c->summary ? c->summary : "");
		if (c->evaluated >= 0)
			np_strbuf_printf(b, " (%lld/%lld)", c->passing, c->evaluated);
		if (c->suppressed)
			np_strbuf_printf(b, "; %zu suppressed", c->suppressed);
		np_strbuf_puts(b, " |\n");
	}
	np_strbuf_printf(b, "\n%zu namespace%s, %zu pod%s, %zu polic%s \xc2\xb7 isolated for ingress ",
			 r->namespaces, r->namespaces == 1 ? "" : "s", r->pods, r->pods == 1 ? "" : "s",
			 r->policies, r->policies == 1 ? "y" : "ies");
	percent(b, r->pods_ingress_isolated, r->pods_isolatable);
	np_strbuf_puts(b, ", egress ");
	percent(b, r->pods_egress_isolated, r->pods_isolatable);
	if (r->suppressed || r->baseline)
		np_strbuf_printf(b, " \xc2\xb7 suppressed %zu, baseline %zu", r->suppressed, r->baseline);
	if (!r->complete)
		np_strbuf_puts(b, " \xc2\xb7 **incomplete:** some data was not collected or unreadable");
	np_strbuf_puts(b, "\n");
}

static void finding_row(struct np_strbuf *b, const struct np_finding *f)
{
	np_strbuf_puts(b, "| ");
	md(b, f->namespace ? f->namespace : "<none>");
	np_strbuf_puts(b, " | ");
	md(b, f->kind);
	np_strbuf_puts(b, " | ");
	md(b, f->name);
	np_strbuf_puts(b, " | ");
	if (f->level == NP_ST_WARN)
		np_strbuf_puts(b, "WARN: ");
	md(b, f->message);
	if (f->suppressed) {
		np_strbuf_puts(b, " *(suppressed by ");
		md(b, f->suppressed->by ? f->suppressed->by : "exception");
		if (f->suppressed->reason) {
			np_strbuf_puts(b, ": ");
			md(b, f->suppressed->reason);
		}
		np_strbuf_puts(b, ")*");
	}
	if (f->loc.file) {
		np_strbuf_puts(b, " \xe2\x80\x94 ");
		md(b, f->loc.file);
		if (f->loc.member) {
			np_strbuf_puts(b, ":");
			md(b, f->loc.member);
		}
		if (f->loc.line > 0)
			np_strbuf_printf(b, ":%d", f->loc.line);
	}
	np_strbuf_puts(b, " |\n");
}

static const char details_end[] = "\n</details>\n\n";

/* Room for the closing of a block and the cut notice. */
#define RESERVE 700

static bool fits(const struct np_strbuf *b, const struct np_strbuf *t, size_t more)
{
	return b->len + t->len + more + RESERVE <= NP_MARKDOWN_MAX;
}

int np_report_markdown(FILE *out, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	struct np_strbuf b, t, row;
	size_t omitted = 0, omitted_controls = 0;
	bool cut = false, partial = false, any = false;
	json_t *errors = NULL;
	int rc = 0;

	np_strbuf_init(&b);
	np_strbuf_init(&t);
	np_strbuf_init(&row);
	header(&b, o);

	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		size_t shown = 0;

		if (c->findings.n == 0 && (c->status == NP_ST_PASS || c->status == NP_ST_SKIP))
			continue;
		if (cut) {
			omitted += c->findings.n;
			omitted_controls++;
			continue;
		}
		if (!any)
			np_strbuf_puts(&b, "\n### Findings\n\n");
		any = true;
		t.len = 0;
		if (t.s)
			t.s[0] = '\0';
		np_strbuf_puts(&t, "<details>\n<summary>");
		np_strbuf_printf(&t, "%s <b>", status_mark(c->status));
		html_inline(&t, c->def->id);
		np_strbuf_printf(&t, "</b> %s: ", np_status_name(c->status));
		html_inline(&t, c->def->title);
		np_strbuf_printf(&t, " (%zu finding%s)</summary>\n\n", c->findings.n, c->findings.n == 1 ? "" : "s");
		if (c->summary) {
			md(&t, c->summary);
			np_strbuf_puts(&t, "\n\n");
		}
		if (c->findings.n)
			np_strbuf_puts(&t, "| Namespace | Kind | Name | Detail |\n|---|---|---|---|\n");
		for (size_t k = 0; k < c->findings.n; k++) {
			row.len = 0;
			if (row.s)
				row.s[0] = '\0';
			finding_row(&row, &c->findings.v[k]);
			if (!fits(&b, &t, row.len + sizeof(details_end))) {
				cut = true;
				break;
			}
			np_strbuf_add(&t, row.s ? row.s : "", row.len);
			shown++;
		}
		if (cut) {
			np_strbuf_printf(&t, "\n\xe2\x80\xa6 %zu more finding%s not shown\n",
					 c->findings.n - shown, c->findings.n - shown == 1 ? "" : "s");
			omitted += c->findings.n - shown;
		} else if (c->remediation) {
			struct np_strbuf rem;
			np_strbuf_init(&rem);
			np_strbuf_puts(&rem, "\n**Remediation**\n\n");
			/* manifests keep their layout in a code block; prose stays text */
			if (strchr(c->remediation, '\n')) {
				code_block(&rem, c->remediation, "yaml");
			} else {
				md(&rem, c->remediation);
				np_strbuf_puts(&rem, "\n");
			}
			if (fits(&b, &t, rem.len + sizeof(details_end)))
				np_strbuf_add(&t, rem.s ? rem.s : "", rem.len);
			else
				partial = true;
			if (rem.oom)
				t.oom = true;
			np_strbuf_release(&rem);
		}
		np_strbuf_puts(&t, details_end);
		if (t.oom || row.oom) {
			rc = NP_ENOMEM;
			goto out;
		}
		np_strbuf_add(&b, t.s ? t.s : "", t.len);
	}

	errors = np_diag_json_errors(o);
	if (!errors) {
		rc = NP_ENOMEM;
		goto out;
	}
	if (json_array_size(errors) > 0) {
		size_t n = json_array_size(errors), i;
		json_t *d;

		t.len = 0;
		if (t.s)
			t.s[0] = '\0';
		np_strbuf_printf(&t, "\n### Errors (%zu)\n\n", n);
		json_array_foreach(errors, i, d) {
			const char *ns = json_string_value(json_object_get(d, "namespace"));
			const char *msg = json_string_value(json_object_get(d, "message"));
			if (i == 20) {
				np_strbuf_printf(&t, "- \xe2\x80\xa6 %zu more\n", n - 20);
				break;
			}
			np_strbuf_puts(&t, "- ");
			md(&t, json_string_value(json_object_get(d, "resource")));
			if (ns) {
				np_strbuf_puts(&t, " in ");
				md(&t, ns);
			}
			np_strbuf_puts(&t, ": ");
			md(&t, json_string_value(json_object_get(d, "reason")));
			if (msg) {
				np_strbuf_puts(&t, " \xe2\x80\x94 ");
				md(&t, msg);
			}
			np_strbuf_puts(&t, "\n");
		}
		if (fits(&b, &t, 0))
			np_strbuf_add(&b, t.s ? t.s : "", t.len);
		else
			partial = true;
	}

	if (cut || partial) {
		np_strbuf_printf(&b, "\n> [!WARNING]\n> This comment is cut at %d characters: ", NP_MARKDOWN_MAX);
		if (omitted)
			np_strbuf_printf(&b, "%zu finding%s", omitted, omitted == 1 ? "" : "s");
		if (omitted_controls)
			np_strbuf_printf(&b, " of %zu more control%s", omitted_controls,
					 omitted_controls == 1 ? "" : "s");
		np_strbuf_puts(&b, omitted ? " and details are not shown. " : "details are not shown. ");
		if (o->full_report) {
			np_strbuf_puts(&b, "The full report is in ");
			md(&b, o->full_report);
			np_strbuf_puts(&b, ".\n");
		} else {
			np_strbuf_puts(&b, "For the full report, run the audit with `-o html` or "
					   "`--output-file json=report.json`.\n");
		}
	}
	np_strbuf_puts(&b, "\n<sub>kubectl-netpol " NP_VERSION "</sub>\n");
	if (b.oom || t.oom || row.oom)
		rc = NP_ENOMEM;
	else if (fwrite(b.s, 1, b.len, out) != b.len || ferror(out))
		rc = NP_EIO;
out:
	json_decref(errors);
	np_strbuf_release(&b);
	np_strbuf_release(&t);
	np_strbuf_release(&row);
	return rc;
}
