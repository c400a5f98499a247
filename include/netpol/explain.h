/* `explain TARGET` (DESIGN §2, §2.3): for a pod or a workload's pods, which
 * policies select it per direction, which policies of its namespace do not
 * and why (the first failing selector term), whether it is hostNetwork,
 * template or terminated, and the audit findings about it. Pure data on top
 * of np_coverage and an audit report; cmd/ prints it. Owner: the
 * matrix/explain issue. */
#ifndef NETPOL_EXPLAIN_H
#define NETPOL_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/arena.h"
#include "netpol/coverage.h"
#include "netpol/model.h"
#include "netpol/report.h"

/* A parsed TARGET: POD, NS/POD, KIND/NAME or NS/KIND/NAME. */
struct np_explain_target {
	const char *namespace; /* NULL when not written */
	const char *kind;      /* canonical kind ("Pod", "Deployment", ...) */
	const char *name;
	/* "a/b" with a a kind name is KIND/NAME, as kubectl reads it; when
	 * nothing matches, the NS/POD reading (namespace a) is tried: */
	const char *or_namespace;
	/* Storage for the strings above. */
	char buf[512];
};

/* Parses text. Kinds are case-insensitive: singular, plural or short name
 * (po, deploy, sts, ds, rs, rc, job, cj), optionally with a group suffix
 * ("deployments.apps"). "a/b" is KIND/NAME when a is a kind (or_namespace
 * keeps the NS/POD reading), else NS/POD.
 * NP_EUSAGE with a message for an empty part, an unknown kind in
 * NS/KIND/NAME, or too many parts. */
int np_explain_target_parse(struct np_explain_target *out, const char *text,
			    struct np_error *err);

/* Why a policy of the pod's namespace does not select (or does not isolate) it. */
enum np_explain_why {
	NP_WHY_SELECTOR,      /* a selector term fails: detail = np_selector_first_failure text */
	NP_WHY_INVALID,       /* the selector is invalid and selects nothing (NP-208) */
	NP_WHY_CALICO,        /* a Calico selector is false for the pod's labels */
	NP_WHY_CALICO_ERROR,  /* a Calico selector cannot be evaluated */
	NP_WHY_IGNORED,       /* staged, knp./kanp. mirror or host-endpoint-only: never counts */
	NP_WHY_HOST_NETWORK,  /* selector matches, but the pod uses hostNetwork */
	NP_WHY_TERMINATED,    /* selector matches, but the pod is Succeeded/Failed */
	NP_WHY_IDLE,          /* selector matches an idle workload template, outside the run */
	NP_WHY_NO_DIRECTION,  /* selects the pod but isolates no direction */
	NP_WHY_OUT_OF_SCOPE,  /* the namespace is excluded from the run */
};

struct np_explain_reason {
	struct np_polref ref;
	const char *kind, *api_group, *namespace, *name;
	enum np_explain_why why;
	const char *message; /* one line, e.g. "matchLabels app=web: pod has app=api" */
};

/* A policy selecting the pod, and the directions it isolates. */
struct np_explain_policy {
	struct np_polref ref;
	const char *kind, *api_group, *namespace, *name;
	unsigned dirs; /* NP_DIR_* */
};

/* A pod, or a group of a workload's pods that share labels and flags (they
 * get the same answer). */
struct np_explain_subject {
	const struct np_pod *pod; /* representative (first by name) */
	size_t n_pods;
	const struct np_pod **pods; /* by name */
	bool in_scope;              /* counted in this run (coverage in_scope) */
	bool host_network, is_template, terminated, idle;
	bool ingress_isolated, egress_isolated, undecidable;
	size_t n_selecting;
	struct np_explain_policy *selecting; /* by (namespace, name, kind) */
	size_t n_not_selecting;
	struct np_explain_reason *not_selecting; /* policies of the pod's namespace */
	size_t n_findings;
	const struct np_finding **findings;      /* borrowed from the report */
	const struct np_control_result **finding_controls; /* parallel to findings */
};

/* A pod or workload matching the target by name, listed when it is not
 * found or ambiguous. */
struct np_explain_candidate {
	const char *namespace, *kind, *name;
};

struct np_explanation {
	/* What was explained: the namespace, kind and name resolved. */
	const char *namespace, *kind, *name;
	size_t n_subjects;
	struct np_explain_subject *subjects;
	size_t n_candidates;
	struct np_explain_candidate *candidates; /* not found / ambiguous */
	struct np_arena mem;
};

/* Resolves the target in m (namespace: the target's, else default_ns, else
 * the unique match across namespaces) and explains each group of its pods.
 * report (may be NULL) supplies the findings whose object is the pod or its
 * workload (top owner or direct controller). NP_ENOTFOUND when nothing
 * matches or the match is ambiguous, with err's message saying which and
 * out->candidates listing the matches (or near ones). Terminated pods are
 * explained too. *out is owned by the caller (np_explanation_release); it
 * borrows from m, cov and report. */
int np_explain_build(struct np_explanation *out, const struct np_model *m,
		     const struct np_coverage *cov, const struct np_report *report,
		     const struct np_explain_target *target, const char *default_ns,
		     struct np_error *err);
void np_explanation_release(struct np_explanation *e);

/* The reason class as a JSON identifier ("selectorMismatch", "invalidSelector",
 * "calicoSelectorMismatch", "calicoSelectorError", "ignored", "hostNetwork",
 * "terminated", "idle", "noDirection", "outOfScope"). */
const char *np_explain_why_name(enum np_explain_why w);

#endif
