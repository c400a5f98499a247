/* CSV output (cmd/out_csv.c, DESIGN §6.3, §8): RFC 4180 quoting, invalid
 * UTF-8 as U+FFFD, and a leading ' on cells starting with = + - @ TAB or CR
 * so spreadsheets never read them as formulas. Owner: the matrix/explain issue. */
#ifndef NETPOL_CSV_H
#define NETPOL_CSV_H

#include <stdbool.h>
#include <stdio.h>
#include "netpol/cli.h"
#include "netpol/matrix.h"

/* Appends one cell (with a separating comma unless first). NULL = empty. */
void np_csv_cell(struct np_strbuf *b, const char *s, bool first);
/* Ends a row (CRLF, as RFC 4180 says). */
void np_csv_end_row(struct np_strbuf *b);

/* `matrix -o csv`: a header row (unless no_headers), then one row per shown
 * pod: namespace, name, workloadKind, workloadName, workloadInferred,
 * hostNetwork, template, ingressIsolated, egressIsolated, ingressPolicies,
 * egressPolicies (policy lists as "ns/name" joined by ';'). 0 or NP_EIO/NP_ENOMEM. */
int np_csv_matrix(FILE *out, const struct np_matrix *mx, bool no_headers);

#endif
