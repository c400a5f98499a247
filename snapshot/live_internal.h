/* Helpers shared by the live-mode files (kubeconfig.c, exec_credential.c,
 * live*.c). Not a public API: only snapshot/live*.c, kubeconfig.c,
 * exec_credential.c and their unit tests include it. */
#ifndef NETPOL_LIVE_INTERNAL_H
#define NETPOL_LIVE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/error.h"
#include "netpol/node.h"

/* A growable byte buffer, always NUL-terminated when non-empty. A secret
 * buffer is wiped whenever it is reallocated or released. */
struct lbuf {
	char *p;
	size_t n, cap;
	bool secret;
	bool oom;   /* an append failed: the content is incomplete */
};

void lbuf_release(struct lbuf *b);
int lbuf_add(struct lbuf *b, const void *data, size_t n);
int lbuf_adds(struct lbuf *b, const char *s);
int lbuf_addf(struct lbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes included). */
int lbuf_add_json_str(struct lbuf *b, const char *s, size_t n);
/* Hands the content over (NUL-terminated, "" when empty): caller frees. */
char *lbuf_detach(struct lbuf *b, size_t *len);

/* Reads a whole regular file of at most max bytes into a malloc'd,
 * NUL-terminated buffer. NP_EIO / NP_ELIMIT / NP_ENOMEM; errno-style reason
 * in err, naming path. */
int live_read_file(const char *path, size_t max, char **out, size_t *len, struct np_error *err);

/* Standard base64 (padding optional, whitespace ignored). -1 when invalid. */
int live_base64_decode(const char *in, size_t n, unsigned char **out, size_t *out_len);
/* Standard base64 with padding, malloc'd, NUL-terminated. NULL on ENOMEM. */
char *live_base64_encode(const unsigned char *in, size_t n);

/* Writes a node as JSON. depth bounds recursion (the decoders already bound it). */
int live_node_json(struct lbuf *b, const struct np_node *n, size_t depth);

/* strdup that returns NULL for NULL. */
char *live_strdup(const char *s);
char *live_strndup(const char *s, size_t n);
/* Wipes and frees n bytes at p; NULL-safe. */
void live_wipe_free(void *p, size_t n);

/* Parses an RFC 3339 timestamp into Unix seconds. -1 when invalid. */
int live_parse_rfc3339(const char *s, long long *out);

/* Milliseconds of a monotonic clock. */
long long live_now_ms(void);

/* ---- the fetch engine (live.c) and its optional second consumer ---- */

struct np_model;
struct np_live_options;
struct np_load_options;

/* One listable resource. */
struct live_rdesc {
	int res;                 /* enum np_resource, or -1 for kinds without one */
	const char *group;       /* "" for core */
	const char *version;
	const char *plural;
	const char *kind;        /* item kind ("Pod") */
	bool namespaced;
	const char *bundle_name; /* troubleshoot name ("network-policy"), NULL: custom-resources/<plural.group> */
};

/* Receives what the engine fetches, besides the model. Every callback may be
 * NULL; a negative return aborts the run with that code. */
struct live_sink {
	void *ctx;
	/* A resource kind that discovery found served (CRD-backed kinds only). */
	int (*discovered)(void *ctx, const struct live_rdesc *d);
	/* One item of a list (or the object of a single GET) of job job_id. */
	int (*item)(void *ctx, int job_id, const struct live_rdesc *d, const char *ns,
		    const struct np_node *item);
	/* job_id restarts from scratch (410): drop what it delivered. */
	void (*restart)(void *ctx, int job_id);
	/* job_id finished: ok means every page arrived and decoded. */
	int (*done)(void *ctx, int job_id, const struct live_rdesc *d, const char *ns, bool ok);
	/* A namespace in scope (from the namespace list or -n), for per-namespace files. */
	int (*scope_namespace)(void *ctx, const char *ns);
};

/* The built-in resources live mode lists (static). */
const struct live_rdesc *live_builtin(size_t *n);

/* np_live_load with a sink; sink may be NULL. */
int live_fetch(struct np_model *m, const struct np_live_options *opt,
	       const struct np_load_options *load, void (*log_fn)(void *, int, const char *),
	       void *log_ctx, const struct live_sink *sink, struct np_error *err);

#endif
