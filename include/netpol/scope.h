/* Which namespaces a run covers (DESIGN §5.1). */
#ifndef NETPOL_SCOPE_H
#define NETPOL_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

struct np_scope {
	const char *only_namespace;   /* -n NS (NULL = all) */
	size_t n_globs;
	const char **exclude_globs;   /* --exclude-namespaces, shell globs (borrowed) */
	bool exclude_system;          /* --exclude-system-namespaces */
	bool include_idle;            /* --include-idle-workloads */
};

/* The documented system namespace list: kube-system, kube-public, ... openshift-*. */
bool np_namespace_is_system(const char *ns);
/* True when ns is outside the run's scope. */
bool np_scope_excludes(const struct np_scope *s, const char *ns);

#endif
