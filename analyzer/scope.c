/* Namespace scope of a run: -n, --exclude-namespaces, --exclude-system-namespaces
 * (DESIGN §5.1). */
#include <fnmatch.h>
#include <string.h>

#include "netpol/scope.h"

/* The documented list; it also defines "system" for NP-206, findings and §5.5. */
static const char *const system_globs[] = {
	"kube-system", "kube-public", "kube-node-lease", "kube-flannel",
	"calico-system", "calico-apiserver", "tigera-operator", "cilium",
	"gmp-system", "gmp-public", "openshift", "openshift-*",
};

bool np_namespace_is_system(const char *ns)
{
	size_t i;

	if (!ns)
		return false;
	for (i = 0; i < sizeof(system_globs) / sizeof(system_globs[0]); i++)
		if (fnmatch(system_globs[i], ns, 0) == 0)
			return true;
	return false;
}

/* One --exclude-namespaces value may still hold several comma-separated globs
 * (the flag is documented as comma-separated); names never contain commas. */
static bool glob_list_matches(const char *list, const char *ns)
{
	char pat[512];
	const char *p = list, *comma;
	size_t len;

	while (p) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		/* Longer than any namespace name could match: treat as literal miss. */
		if (len > 0 && len < sizeof(pat)) {
			memcpy(pat, p, len);
			pat[len] = '\0';
			if (fnmatch(pat, ns, 0) == 0)
				return true;
		}
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

bool np_scope_excludes(const struct np_scope *s, const char *ns)
{
	size_t i;

	/* Cluster-scoped objects (ns NULL) are never excluded by namespace rules. */
	if (!s || !ns)
		return false;
	if (s->only_namespace && strcmp(s->only_namespace, ns) != 0)
		return true;
	if (s->exclude_system && np_namespace_is_system(ns))
		return true;
	for (i = 0; i < s->n_globs; i++)
		if (s->exclude_globs && s->exclude_globs[i] &&
		    glob_list_matches(s->exclude_globs[i], ns))
			return true;
	return false;
}
