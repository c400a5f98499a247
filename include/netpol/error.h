/* Error codes and the caller-owned error record every fallible function fills. */
#ifndef NETPOL_ERROR_H
#define NETPOL_ERROR_H

#include <stddef.h>

enum np_code {
	NP_OK = 0,
	NP_ENOMEM = -1,   /* out of memory */
	NP_EIO = -2,      /* a file, archive or stream could not be read */
	NP_EPARSE = -3,   /* syntax error in a document (line/column set) */
	NP_EUSAGE = -4,   /* bad argument, flag or option value */
	NP_ELIMIT = -5,   /* an input limit was exceeded (limit name in msg) */
	NP_ENOTFOUND = -6,/* a named thing does not exist */
	NP_ENET = -7,     /* network failure */
	NP_EAUTH = -8,    /* authentication failure */
	NP_EINVAL = -9,   /* structurally invalid content */
	NP_EEMPTY = -10,  /* no recognised object in any input */
};

/* Filled by the failing function. All fields are plain storage: no ownership. */
struct np_error {
	int code;
	char file[512];   /* path or URL, may be empty */
	char member[512]; /* path inside an archive, may be empty */
	int line, column; /* 1-based, 0 = unknown */
	int http_status;  /* 0 = not HTTP */
	char msg[1024];
};

/* Sets code and message (printf-style) and returns code; err may be NULL. */
int np_error_set(struct np_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with a position. */
int np_error_setat(struct np_error *err, int code, const char *file, const char *member,
		   int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Formats "file[: member][:line[:col]]: msg" into buf (one line, no newline). */
void np_error_format(const struct np_error *err, char *buf, size_t len);
void np_error_clear(struct np_error *err);

#endif
