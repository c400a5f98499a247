/* Running the control catalog over a model (DESIGN §5). */
#ifndef NETPOL_AUDIT_H
#define NETPOL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/report.h"
#include "netpol/scope.h"
#include "netpol/coverage.h"

struct np_exception {
	size_t n_controls;
	const char **controls; /* ids or globs */
	const char *namespace; /* glob or NULL */
	const char *kind;      /* or NULL */
	const char *name;      /* glob or NULL */
	const char *reason;
	const char *expires;   /* YYYY-MM-DD or NULL */
	bool used;
};

struct np_audit_options {
	struct np_scope scope;
	bool kics;                 /* --semantics kics */
	size_t n_selected;
	const char **selected;     /* control ids to run (after --controls/--skip-controls); NULL = all */
	size_t n_exceptions;
	struct np_exception *exceptions;
	size_t n_baseline;
	const char **baseline_fingerprints;
	const char *today;         /* YYYY-MM-DD (UTC), for exception expiry */
};

/* The catalog, sorted by id. */
const struct np_control_def *np_controls_catalog(size_t *n);
const struct np_control_def *np_control_find(const char *id); /* case-insensitive */

/* Addition (live, DESIGN §3.2 least privilege): the resources (bit per enum
 * np_resource) a live run fetches so that the selected controls (ids; NULL =
 * the whole catalog) and the report around them have their data: what every
 * report reads plus each control's own row. */
unsigned long long np_audit_resources(const char *const *selected, size_t n_selected);

/* Fills r (initialised by the caller) with cluster info, summary and the
 * selected controls' results, suppression applied. */
int np_audit_run(struct np_report *r, const struct np_model *m,
		 const struct np_audit_options *opt, struct np_error *err);

struct np_audit_priv;

/* Context handed to each control. */
struct np_audit_ctx {
	const struct np_model *m;
	const struct np_audit_options *opt;
	const struct np_coverage *cov;
	struct np_report *r;
	/* Addition (analyzer): np_audit_run's per-namespace readability cache;
	 * NULL (e.g. a test building a context) means compute on demand. */
	const struct np_audit_priv *priv;
};

/* One function per control (analyzer/control_*.c). Each fills res. */
typedef int (*np_control_fn)(struct np_audit_ctx *ctx, struct np_control_result *res);

/* Platform/CNI (analyzer/cni.c): fills r->cluster from the model. */
int np_cni_detect(struct np_report *r, const struct np_model *m);

int np_control_np101(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np102(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np103(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np104(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np105(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np106(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np201(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np202(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np203(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np204(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np205(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np206(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np207(struct np_audit_ctx *ctx, struct np_control_result *res);
int np_control_np208(struct np_audit_ctx *ctx, struct np_control_result *res);

#endif
