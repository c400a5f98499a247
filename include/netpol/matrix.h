/* The coverage matrix (DESIGN §2.3, §6.1, §6.2): pods and the policies that
 * select them, grouped per namespace into workload rows. Pure data assembly
 * on top of np_coverage (isolation is never recomputed here); cmd/ prints it
 * as table, wide, json, yaml, csv or html. Owner: the matrix/explain issue. */
#ifndef NETPOL_MATRIX_H
#define NETPOL_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/arena.h"
#include "netpol/coverage.h"
#include "netpol/model.h"
#include "netpol/scope.h"

struct np_matrix_options {
	const struct np_selector *label_filter; /* -l: only pods it matches; NULL = all */
	bool per_pod;                           /* --pods: one row per pod */
};

/* A listed policy (any kind). Strings are model strings. */
struct np_matrix_policy {
	struct np_polref ref;
	const char *namespace;   /* NULL when cluster-scoped */
	const char *name;
	const char *id;          /* "ns/name", or "name" when cluster-scoped */
	const char *kind;        /* "NetworkPolicy", "CiliumNetworkPolicy", ... */
	const char *api_group;   /* "networking.k8s.io", "cilium.io", ... */
	unsigned types_effective;/* NP_DIR_* bits (xpolicies: the directions they isolate) */
	bool types_written_present; /* NetworkPolicy with policyTypes written as a list */
	unsigned types_written;  /* NP_DIR_* bits as written */
	size_t n_selected;       /* shown pods it selects (either direction) */
	size_t *selected;        /* indexes into np_matrix.pods, ascending */
};

/* A shown pod: counted (or in-scope template) pod of a covered namespace
 * that the -l filter keeps. */
struct np_matrix_pod {
	size_t index;                      /* into model->pods and coverage->pods */
	const struct np_pod *pod;
	const struct np_pod_coverage *cov;
	size_t n_ingress, n_egress;        /* policies isolating it, as indexes into */
	size_t *ingress, *egress;          /* np_matrix.policies, ascending */
};

/* One cell of a row that is not ".": a policy and the directions (NP_DIR_*)
 * in which it selects and isolates the row's pods. */
struct np_matrix_cell {
	size_t policy;  /* index into np_matrix.policies */
	unsigned dirs;
};

struct np_matrix_row {
	/* The workload (top owner, DESIGN §4); a bare pod is kind "Pod". */
	const char *kind, *api_group, *name;
	bool inferred;
	/* When one workload splits into several rows because pod labels differ:
	 * the labels that tell this row apart ("version=v2,!canary"), else NULL. */
	const char *split;
	bool host_network, is_template;
	bool ingress_isolated, egress_isolated;
	size_t n_pods;
	size_t *pods;   /* indexes into np_matrix.pods, by pod name */
	size_t n_cells;
	struct np_matrix_cell *cells; /* ascending by policy */
};

struct np_matrix_block {
	const char *namespace;
	size_t n_policies;
	size_t *policies; /* columns: indexes into np_matrix.policies, in list order */
	size_t n_rows;
	struct np_matrix_row *rows; /* by (name, kind, split); --pods: by pod name */
	size_t n_pods;
	size_t n_uncovered_rows;    /* rows isolatable (not hostNetwork) yet isolated in neither direction */
};

struct np_matrix {
	size_t n_policies;
	struct np_matrix_policy *policies; /* by (namespace, name, kind, apiGroup); cluster-scoped first */
	size_t n_pods;
	struct np_matrix_pod *pods;        /* by (namespace, name, template last) */
	size_t n_blocks;
	struct np_matrix_block *blocks;    /* by namespace */
	size_t n_undecidable;              /* shown pods with an undecidable selection */
	struct np_arena mem;
};

/* Builds the matrix from a model and its coverage (built with the same scope).
 * Policies listed: without -l, every counting policy of a covered namespace
 * (and, without -n, every cluster-scoped one); always, those selecting a shown
 * pod. A namespace gets a block when it has a shown pod or a listed namespaced
 * policy. *out is owned by the caller (np_matrix_release); it borrows from m
 * and cov, which must outlive it. NP_ENOMEM on allocation failure. */
int np_matrix_build(struct np_matrix *out, const struct np_model *m, const struct np_coverage *cov,
		    const struct np_scope *scope, const struct np_matrix_options *opt,
		    struct np_error *err);
void np_matrix_release(struct np_matrix *mx);

/* Directions (NP_DIR_* bits) in which the policy at matrix index p isolates
 * row r's pods; 0 for ".". */
unsigned np_matrix_cell(const struct np_matrix_row *r, size_t p);

#endif
