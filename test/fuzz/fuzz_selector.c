/* Fuzzes the two selector languages: kubectl's -l syntax (np_selector_parse,
 * then matching, the first failure and formatting) and Calico's expression
 * grammar (np_calico_selector_eval). Input: the -l text, a newline, the
 * Calico expression, a newline, then labels as key=value lines. A -l
 * selector that parses must read back the same from its own formatting. */
#include <stdio.h>

#include "netpol/model.h"
#include "netpol/selector.h"
#include "fuzz_common.h"

#define MAX_LABELS 32

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	const char *lines[3 + MAX_LABELS];
	const char *keys[MAX_LABELS], *vals[MAX_LABELS];
	char *kv[MAX_LABELS];
	size_t nlines = 0, nl = 0, i;
	struct np_labels labels;
	struct np_selector sel, again;
	struct np_error err;
	struct np_model m;
	char *p;
	int rc;

	if (!s)
		return 0;
	/* split into lines (a NUL in the input just cuts a line short) */
	for (p = s; nlines < 2 + MAX_LABELS;) {
		char *e = memchr(p, '\n', (size_t)(s + size - p));

		lines[nlines++] = p;
		if (!e)
			break;
		*e = '\0';
		p = e + 1;
	}
	/* labels: sorted, unique keys, as the model keeps them */
	for (i = 2; i < nlines; i++) {
		char *eq = strchr(lines[i], '=');
		size_t j;
		bool dup = false;

		if (!eq)
			continue;
		*eq = '\0';
		for (j = 0; j < nl; j++)
			dup = dup || strcmp(kv[j], lines[i]) == 0;
		if (dup)
			continue;
		kv[nl] = (char *)lines[i];
		nl++;
	}
	qsort(kv, nl, sizeof(kv[0]), cmp_keys);
	for (i = 0; i < nl; i++) {
		keys[i] = kv[i];
		vals[i] = kv[i] + strlen(kv[i]) + 1;
	}
	labels.n = nl;
	labels.keys = keys;
	labels.values = vals;

	np_model_init(&m);
	memset(&sel, 0, sizeof(sel));
	memset(&err, 0, sizeof(err));
	rc = np_selector_parse(&sel, &m, lines[0], &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EUSAGE || rc == NP_ENOMEM);
	if (rc == 0) {
		char fail[512], text[4096], text2[4096];
		bool match = np_selector_matches(&sel, &labels);
		size_t n;

		check(np_selector_first_failure(&sel, &labels, fail, sizeof(fail)) == !match);
		n = np_selector_format(&sel, text, sizeof(text));
		/* what formats parses again to an equivalent selector (a lone
		 * "in ()" value may come back as a label, so compare the text
		 * only from the second round on) */
		if (n < sizeof(text) - 1 && strcmp(text, "{}") != 0) {
			memset(&again, 0, sizeof(again));
			rc = np_selector_parse(&again, &m, text, &err);
			check(rc == 0);
			check(np_selector_matches(&again, &labels) == match);
			np_selector_format(&again, text2, sizeof(text2));
			memset(&again, 0, sizeof(again));
			rc = np_selector_parse(&again, &m, text2, &err);
			check(rc == 0);
			np_selector_format(&again, text, sizeof(text));
			check(strcmp(text, text2) == 0);
		}
	}
	if (nlines > 1) {
		rc = np_calico_selector_eval(lines[1], &labels);
		check(rc == 1 || rc == 0 || rc == -1);
		(void)np_calico_selector_uses_only(lines[1], nl ? keys[0] : "app");
	}
	np_model_release(&m);
	free(s);
	return 0;
}
