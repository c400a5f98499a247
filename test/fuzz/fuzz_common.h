/* Shared by the harnesses: an assertion that survives NDEBUG, and the
 * checks every fallible call's result must pass (a known code, a one-line
 * message). Header-only so each harness stays one file plus replay.c. */
#ifndef NP_FUZZ_COMMON_H
#define NP_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names the failed check so a crash artifact is diagnosable without a debugger. */
static inline void check_at(int ok, const char *what, const char *file, int line)
{
	if (!ok) {
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
		abort();
	}
}
#define check(ok) check_at((ok), #ok, __FILE__, __LINE__)

/* A failing call must say why, on one line. */
static inline void check_error(int rc, const struct np_error *err)
{
	char line[4096];

	if (rc >= 0)
		return;

	check(rc >= NP_EEMPTY);
	check(err->code == rc);
	check(err->msg[0] != '\0');
	/* what the CLI prints: one line, nothing that drives a terminal */
	np_error_format(err, line, sizeof(line));
	check(strchr(line, '\n') == NULL && strchr(line, '\r') == NULL && strchr(line, 0x1b) == NULL);
}

/* A NUL-terminated copy of the input (callers free it). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
