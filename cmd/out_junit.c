/* `audit -o junit` (DESIGN §6.3): a testcase per control, grouped in a
 * testsuite per control group, for CI systems that show test reports.
 * FAIL → <failure> with the findings as text, ERROR → <error>,
 * WARN/MANUAL/SKIP → <skipped>. Text from inputs never writes a character
 * XML 1.0 forbids (§8): controls become visible escapes. */
#include <string.h>
#include "netpol/cli.h"

void np_xml_escape(struct np_strbuf *b, const char *s, bool keep_newlines)
{
	struct np_strbuf t;

	if (!s)
		return;
	/* C0 controls (all but tab, newline and carriage return are forbidden
	 * in XML 1.0), ESC, C1 and bidi overrides become \xNN / \uNNNN text. */
	np_strbuf_init(&t);
	np_escape_term(&t, s, keep_newlines ? NP_ESC_KEEP_NEWLINES : 0);
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
		case '"': np_strbuf_puts(b, "&quot;"); break;
		case '\'': np_strbuf_puts(b, "&apos;"); break;
		default: np_strbuf_add(b, p, 1); break;
		}
	}
	np_strbuf_release(&t);
}

static void xml(struct np_strbuf *b, const char *s)
{
	np_xml_escape(b, s, false);
}

static enum np_severity control_severity(const struct np_report *r, const struct np_control_def *d)
{
	bool kics = r->semantics && strcmp(r->semantics, "kics") == 0;
	return kics ? d->kics_severity : d->severity;
}

/* "shop/Deployment/web: 3 pods are not isolated (file:member:14:17)" */
static void finding_line(struct np_strbuf *b, const struct np_finding *f)
{
	np_strbuf_puts(b, np_status_name(f->level));
	np_strbuf_puts(b, " ");
	if (f->namespace) {
		np_xml_escape(b, f->namespace, false);
		np_strbuf_puts(b, "/");
	}
	np_xml_escape(b, f->kind ? f->kind : "?", false);
	np_strbuf_puts(b, "/");
	np_xml_escape(b, f->name ? f->name : "?", false);
	np_strbuf_puts(b, ": ");
	np_xml_escape(b, f->message ? f->message : "", false);
	if (f->loc.file) {
		np_strbuf_puts(b, " (");
		np_xml_escape(b, f->loc.file, false);
		if (f->loc.member) {
			np_strbuf_puts(b, ":");
			np_xml_escape(b, f->loc.member, false);
		}
		if (f->loc.line > 0)
			np_strbuf_printf(b, ":%d", f->loc.line);
		if (f->loc.line > 0 && f->loc.column > 0)
			np_strbuf_printf(b, ":%d", f->loc.column);
		np_strbuf_puts(b, ")");
	}
	if (f->suppressed) {
		np_strbuf_puts(b, " [suppressed by ");
		np_xml_escape(b, f->suppressed->by ? f->suppressed->by : "exception", false);
		if (f->suppressed->reason) {
			np_strbuf_puts(b, ": ");
			np_xml_escape(b, f->suppressed->reason, false);
		}
		np_strbuf_puts(b, "]");
	}
	np_strbuf_puts(b, "\n");
}

struct counts {
	size_t tests, failures, errors, skipped;
};

static void count(struct counts *c, const struct np_control_result *res)
{
	c->tests++;
	switch (res->status) {
	case NP_ST_FAIL: c->failures++; break;
	case NP_ST_ERROR: c->errors++; break;
	case NP_ST_PASS: break;
	default: c->skipped++; break;
	}
}

static void testcase(struct np_strbuf *b, const struct np_report *r, const struct np_control_result *c)
{
	const struct np_control_def *d = c->def;
	const char *tag = NULL;

	np_strbuf_puts(b, "    <testcase classname=\"kubectl-netpol.");
	xml(b, d->id);
	np_strbuf_puts(b, "\" name=\"");
	xml(b, d->id);
	np_strbuf_puts(b, " ");
	xml(b, d->title);
	np_strbuf_puts(b, "\" time=\"0\">\n");
	switch (c->status) {
	case NP_ST_FAIL: tag = "failure"; break;
	case NP_ST_ERROR: tag = "error"; break;
	case NP_ST_PASS: break;
	default: tag = "skipped"; break;
	}
	if (tag) {
		np_strbuf_printf(b, "      <%s", tag);
		np_strbuf_puts(b, " message=\"");
		np_strbuf_puts(b, np_status_name(c->status));
		if (c->summary) {
			np_strbuf_puts(b, ": ");
			xml(b, c->summary);
		}
		np_strbuf_puts(b, "\"");
		/* <skipped> carries no type in the common schema */
		if (c->status == NP_ST_FAIL || c->status == NP_ST_ERROR)
			np_strbuf_printf(b, " type=\"%s\"", np_status_name(c->status));
		if (c->findings.n == 0) {
			np_strbuf_puts(b, "/>\n");
		} else {
			np_strbuf_puts(b, ">");
			for (size_t i = 0; i < c->findings.n; i++)
				finding_line(b, &c->findings.v[i]);
			np_strbuf_printf(b, "</%s>\n", tag);
		}
	}
	/* the control's metadata and remediation, where CI pages show output */
	np_strbuf_puts(b, "      <system-out>");
	np_strbuf_printf(b, "%s %s severity=%s", np_status_name(c->status), d->id,
			 np_severity_name(control_severity(r, d)));
	if (c->evaluated >= 0)
		np_strbuf_printf(b, " passing=%lld/%lld", c->passing, c->evaluated);
	for (size_t i = 0; i < sizeof(d->references) / sizeof(d->references[0]) && d->references[i]; i++) {
		np_strbuf_puts(b, i ? ", " : " references: ");
		xml(b, d->references[i]);
	}
	np_strbuf_puts(b, "\n");
	if (c->summary) {
		xml(b, c->summary);
		np_strbuf_puts(b, "\n");
	}
	if (c->remediation && c->status != NP_ST_PASS) {
		np_strbuf_puts(b, "Remediation:\n");
		np_xml_escape(b, c->remediation, true);
		np_strbuf_puts(b, "\n");
	}
	np_strbuf_puts(b, "</system-out>\n");
	np_strbuf_puts(b, "    </testcase>\n");
}

/* The table's group heading of a control ("1 CIS and platform controls"). */
static const char *group_of(const struct np_control_def *d)
{
	if (d->group)
		return d->group;
	return d->id[0] && d->id[1] && d->id[2] && d->id[3] == '1' ? "1 CIS and platform controls"
								  : "2 Hardening and hygiene";
}

static void property(struct np_strbuf *b, const char *name, const char *value)
{
	np_strbuf_puts(b, "      <property name=\"");
	xml(b, name);
	np_strbuf_puts(b, "\" value=\"");
	xml(b, value ? value : "");
	np_strbuf_puts(b, "\"/>\n");
}

int np_report_junit(FILE *out, const struct np_out_ctx *o)
{
	const struct np_report *r = o->r;
	struct counts all = { 0 };
	struct np_strbuf b;
	int rc = 0;

	np_strbuf_init(&b);
	for (size_t i = 0; i < r->controls.n; i++)
		count(&all, &r->controls.v[i]);
	np_strbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	np_strbuf_printf(&b, "<testsuites name=\"kubectl-netpol audit\" tests=\"%zu\" failures=\"%zu\" "
			 "errors=\"%zu\" skipped=\"%zu\" time=\"0\">\n",
			 all.tests, all.failures, all.errors, all.skipped);
	/* One suite per control group (NP-1xx, NP-2xx), as the table shows them;
	 * a control of another group gets a suite of its own name. */
	for (size_t g = 0; g < r->controls.n; g++) {
		const char *group = group_of(r->controls.v[g].def);
		struct counts c = { 0 };
		bool seen = false;

		for (size_t k = 0; k < g && !seen; k++)
			seen = strcmp(group_of(r->controls.v[k].def), group) == 0;
		if (seen)
			continue;
		for (size_t i = g; i < r->controls.n; i++)
			if (strcmp(group_of(r->controls.v[i].def), group) == 0)
				count(&c, &r->controls.v[i]);
		np_strbuf_puts(&b, "  <testsuite name=\"");
		xml(&b, group);
		np_strbuf_printf(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\"",
				 c.tests, c.failures, c.errors, c.skipped);
		np_strbuf_puts(&b, " timestamp=\"");
		xml(&b, o->generated_at ? o->generated_at : r->generated_at);
		np_strbuf_puts(&b, "\">\n    <properties>\n");
		property(&b, "generator", "kubectl-netpol " NP_VERSION);
		property(&b, "mode", o->mode);
		for (size_t i = 0; o->m && i < o->m->inputs.n; i++)
			property(&b, "input", o->m->inputs.v[i].path);
		if (o->m && o->m->context)
			property(&b, "context", o->m->context);
		property(&b, "semantics", r->semantics ? r->semantics : "k8s");
		property(&b, "failOn", r->fail_on ? r->fail_on : "low");
		property(&b, "platform", r->cluster.platform ? r->cluster.platform : "unknown");
		for (size_t i = 0; i < r->cluster.n_cni; i++)
			property(&b, "cni", r->cluster.cni[i].name);
		np_strbuf_puts(&b, "    </properties>\n");
		for (size_t i = g; i < r->controls.n; i++)
			if (strcmp(group_of(r->controls.v[i].def), group) == 0)
				testcase(&b, r, &r->controls.v[i]);
		np_strbuf_puts(&b, "  </testsuite>\n");
	}
	np_strbuf_puts(&b, "</testsuites>\n");
	if (b.oom)
		rc = NP_ENOMEM;
	else if (fwrite(b.s, 1, b.len, out) != b.len || ferror(out))
		rc = NP_EIO;
	np_strbuf_release(&b);
	return rc;
}
