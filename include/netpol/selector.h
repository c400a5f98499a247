/* Label selector semantics (DESIGN §4) and the -l selector syntax. */
#ifndef NETPOL_SELECTOR_H
#define NETPOL_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"

/* metav1.LabelSelector: matchLabels AND all matchExpressions; absent/{} match all;
 * an invalid selector matches nothing. */
bool np_selector_matches(const struct np_selector *s, const struct np_labels *labels);

/* Describes the first requirement that fails for these labels, e.g.
 * "matchLabels app=web: pod has app=api", "matchLabels app=web: label app absent" or
 * "matchExpressions tier In (a,b): pod has tier=c".
 * Writes into buf; returns false when the selector matches (buf untouched). */
bool np_selector_first_failure(const struct np_selector *s, const struct np_labels *labels,
			       char *buf, size_t len);

/* Parses kubectl's -l syntax ("a=b,c!=d,e in (x,y),!f,g") into a selector whose
 * strings are interned in m. NP_EUSAGE with a message on a syntax error. */
int np_selector_parse(struct np_selector *out, struct np_model *m, const char *text,
		      struct np_error *err);

/* Calico selector grammar (all(), has(k), !, ==, !=, in {..}, not in {..}, contains,
 * starts with, ends with, &&, ||, parentheses). Returns 1 match, 0 no match,
 * -1 when the expression cannot be evaluated (syntax error). */
int np_calico_selector_eval(const char *expr, const struct np_labels *labels);

/* Additions (analyzer): */
/* True when every label key the Calico expression reads is key (false on a
 * syntax error): decides whether it can be judged on a synthesised namespace. */
bool np_calico_selector_uses_only(const char *expr, const char *key);
/* Writes the selector in -l syntax ("app=web,tier in (a,b),!debug"; "{}" when
 * empty) into buf, cut to len; returns the length written. */
size_t np_selector_format(const struct np_selector *s, char *buf, size_t len);

#endif
