/* Self-contained HTML reports (cmd/out_html.c, DESIGN §6.3, §8): one file,
 * no network requests, a CSP that forbids scripts and remote content, no
 * inline handlers, every input-derived text escaped. Shared by `matrix -o
 * html` and, later, `audit -o html`. Owner: the matrix/explain issue. */
#ifndef NETPOL_HTML_H
#define NETPOL_HTML_H

#include <stdio.h>
#include "netpol/cli.h"
#include "netpol/matrix.h"

/* The Content-Security-Policy every report carries in a <meta> element. */
#define NP_HTML_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

/* Appends s as HTML text or attribute value: & < > " ' as entities;
 * controls, bidi overrides and invalid UTF-8 made visible as in
 * np_escape_term (so nothing reorders or hides the page). NULL appends "". */
void np_html_escape(struct np_strbuf *b, const char *s);
/* Same, written to out. */
void np_html_text(FILE *out, const char *s);

/* Writes <!DOCTYPE html> ... <body> with the CSP meta, charset, the shared
 * stylesheet and an <h1> of title (escaped). */
void np_html_begin(FILE *out, const char *title);
/* Closes body and html. */
void np_html_end(FILE *out);

/* The coverage heat map: a summary, the uncovered workloads of every
 * namespace, then per namespace a workloads x policies table coloured by
 * direction (ingress, egress, both, none), uncovered rows first, with the
 * policy legend. Headings start at level h (2 for a page of its own). */
void np_html_matrix(FILE *out, const struct np_matrix *mx, int h);

/* A whole `matrix -o html` page. 0, or NP_EIO when a write failed. */
int np_html_matrix_page(FILE *out, const struct np_matrix *mx, const char *generated_at);

#endif
