/* CSV (RFC 4180) with the spreadsheet formula guard of DESIGN §8. */
#include <string.h>

#include "netpol/csv.h"

void np_csv_cell(struct np_strbuf *b, const char *s, bool first)
{
	struct np_strbuf t;
	const char *p;
	bool quote;

	if (!first)
		np_strbuf_add(b, ",", 1);
	if (!s || !*s)
		return;
	np_strbuf_init(&t);
	/* A cell a spreadsheet would evaluate gets a leading apostrophe. */
	if (strchr("=+-@\t\r", s[0]))
		np_strbuf_add(&t, "'", 1);
	np_utf8_sanitize(&t, s, strlen(s));
	if (t.oom) {
		b->oom = true;
		np_strbuf_release(&t);
		return;
	}
	quote = strpbrk(t.s, ",\"\r\n") != NULL || t.s[0] == ' ' || t.s[t.len - 1] == ' ';
	if (!quote) {
		np_strbuf_add(b, t.s, t.len);
	} else {
		np_strbuf_add(b, "\"", 1);
		for (p = t.s; *p; p++) {
			if (*p == '"')
				np_strbuf_add(b, "\"", 1);
			np_strbuf_add(b, p, 1);
		}
		np_strbuf_add(b, "\"", 1);
	}
	np_strbuf_release(&t);
}

void np_csv_end_row(struct np_strbuf *b)
{
	np_strbuf_add(b, "\r\n", 2);
}

static void policy_list(struct np_strbuf *b, const struct np_matrix *mx, const size_t *v, size_t n)
{
	struct np_strbuf t;
	size_t i;

	np_strbuf_init(&t);
	for (i = 0; i < n; i++) {
		if (i)
			np_strbuf_add(&t, ";", 1);
		np_strbuf_puts(&t, mx->policies[v[i]].id);
	}
	np_csv_cell(b, t.s ? t.s : "", false);
	if (t.oom)
		b->oom = true;
	np_strbuf_release(&t);
}

static const char *boolstr(bool v)
{
	return v ? "true" : "false";
}

int np_csv_matrix(FILE *out, const struct np_matrix *mx, bool no_headers)
{
	static const char *const header[] = {
		"namespace", "name", "workloadKind", "workloadName", "workloadInferred",
		"hostNetwork", "template", "ingressIsolated", "egressIsolated",
		"ingressPolicies", "egressPolicies",
	};
	struct np_strbuf b;
	size_t i;
	int rc = 0;

	np_strbuf_init(&b);
	if (!no_headers) {
		for (i = 0; i < sizeof(header) / sizeof(header[0]); i++)
			np_csv_cell(&b, header[i], i == 0);
		np_csv_end_row(&b);
	}
	for (i = 0; i < mx->n_pods; i++) {
		const struct np_matrix_pod *mp = &mx->pods[i];
		const struct np_pod *p = mp->pod;
		bool hostnet = p->host_network;

		np_csv_cell(&b, p->namespace, true);
		np_csv_cell(&b, p->name, false);
		np_csv_cell(&b, p->top.kind ? p->top.kind : "Pod", false);
		np_csv_cell(&b, p->top.name ? p->top.name : p->name, false);
		np_csv_cell(&b, boolstr(p->top_inferred), false);
		np_csv_cell(&b, boolstr(hostnet), false);
		np_csv_cell(&b, boolstr(p->is_template), false);
		np_csv_cell(&b, boolstr(!hostnet && mp->cov->ingress_isolated), false);
		np_csv_cell(&b, boolstr(!hostnet && mp->cov->egress_isolated), false);
		policy_list(&b, mx, mp->ingress, mp->n_ingress);
		policy_list(&b, mx, mp->egress, mp->n_egress);
		np_csv_end_row(&b);
		/* Flush now and then: a 100,000-pod matrix need not sit in memory. */
		if (b.len > 1 << 16 && !b.oom) {
			fwrite(b.s, 1, b.len, out);
			b.len = 0;
			b.s[0] = '\0';
		}
	}
	if (b.oom)
		rc = NP_ENOMEM;
	else if (b.len)
		fwrite(b.s, 1, b.len, out);
	np_strbuf_release(&b);
	if (rc == 0 && ferror(out))
		rc = NP_EIO;
	return rc;
}
