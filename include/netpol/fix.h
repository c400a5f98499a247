/* `kubectl netpol fix` (DESIGN §5.5): the NetworkPolicies that close what
 * NP-102, NP-103, NP-201 and NP-205 find, never applied.
 *
 * Per namespace in scope: a default-deny for the directions those controls
 * ask for, with DNS egress (remediate.h; system namespaces and webhook or
 * APIService backends get the reviewed extra allows), DNS allows for pods
 * already egress-isolated without DNS, and, in preserve mode, allows that
 * keep what today's Services, Ingresses and policies imply for the pods the
 * default-deny newly isolates:
 *   - ingress to a Service's backends on its target ports from every pod in
 *     the cluster (type NodePort/LoadBalancer: from anywhere), and from
 *     hostNetwork ingress controllers' addresses to Ingress backends;
 *   - egress to every pod in the cluster on the Services' target ports, and
 *     to hostNetwork Service backends' addresses;
 *   - the mirror of other policies' rules that name these pods (an ingress
 *     rule of ns/p allowing from them: egress to ns/p's pods; an egress rule
 *     to them: ingress from its pods).
 * hostNetwork pods connect from node addresses, which none of these allows
 * match: the default-deny's footer names them (other than ingress
 * controllers and node-local-dns) with their addresses, to allow by hand.
 * A preserve policy never selects a pod that was isolated before (it would
 * widen that pod's policy): its subject is narrowed to the workloads that
 * become isolated, or, when that cannot be done, the allow is listed in a
 * comment. With preserve off the same allows are only listed in comments.
 * The reachability engine is not needed: the allows follow from the
 * objects, and the tests check them with it. Running fix on its input plus
 * its output generates nothing (the controls pass).
 * Pure logic on the model: never prints. Owner: the fix issue. */
#ifndef NETPOL_FIX_H
#define NETPOL_FIX_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/error.h"
#include "netpol/model.h"
#include "netpol/remediate.h"
#include "netpol/scope.h"

struct np_fix_options {
	struct np_scope scope;
	size_t n_selected;
	const char **selected;  /* control ids to close (--controls); NULL = all four */
	bool preserve;          /* default true (--no-preserve: false) */
};

struct np_fix {
	struct np_remediate *rem; /* owns the policies' strings and rules */
	size_t n;
	struct np_fix_policy *v;  /* by namespace; default-deny first in each */
	size_t n_namespaces;      /* namespaces with something generated */
	/* What could not be generated or is undecided, one line each (for
	 * stderr): "namespace x: ...". Owned by rem. */
	size_t n_notes;
	const char **notes;
	/* A control fix reads was ERROR (data not collected or unreadable):
	 * the result is incomplete; why holds its summary. */
	bool incomplete;
	const char *incomplete_why;
};

/* Builds the policies for m. *out is initialised here and released with
 * np_fix_release even on failure. 0, NP_ENOMEM or NP_EINVAL with err set. */
int np_fix_build(struct np_fix *out, const struct np_model *m, const struct np_fix_options *opt,
		 struct np_error *err);
void np_fix_release(struct np_fix *f);

/* Whether fix acts on control id ("NP-102", "NP-103", "NP-201", "NP-205"). */
bool np_fix_handles(const char *id);

#endif
