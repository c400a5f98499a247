/* Private to snapshot/: the parts of a Kubernetes object no decoder reads
 * (DESIGN §7: managedFields, most of status, env, volumes), as a small
 * automaton over the key path from the object's root. The JSON decoder does
 * not build these subtrees (it still checks their syntax and limits); the
 * duplicate digest (ddigest) leaves them out, so an object digests the same
 * whether they were built or not.
 *
 * The list must only grow with fields no decoder in snapshot/ reads for any
 * kind: decoders see an empty map or list in their place. */
#ifndef NETPOL_SNAPSHOT_SKIP_H
#define NETPOL_SNAPSHOT_SKIP_H

#include <stddef.h>
#include <string.h>

enum np_skip_state {
	NP_SK_NONE = 0, /* nothing below is skipped */
	NP_SK_ROOT,     /* an object's root map */
	NP_SK_META,     /* metadata */
	NP_SK_SPEC,     /* spec */
	NP_SK_STATUS,   /* status */
	NP_SK_PCTRS,    /* a pod's spec.containers (and init/ephemeral) */
	NP_SK_PCTR,     /* one of its elements */
	NP_SK_TMPL,     /* spec.template */
	NP_SK_TSPEC,    /* spec.template.spec */
	NP_SK_TCTRS,    /* spec.template.spec.containers (and init) */
	NP_SK_TCTR,
	NP_SK_SKIP,     /* this value is not built */
};

static inline int np_sk_is(const char *k, size_t n, const char *lit, size_t l)
{
	return n == l && memcmp(k, lit, l) == 0;
}

#define NP_SK_IS(k, n, lit) np_sk_is(k, n, lit, sizeof(lit) - 1)

/* Fields of a container no decoder reads: probes, resources, mounts,
 * security settings. */
static inline int np_sk_ctr_common(const char *k, size_t n)
{
	switch (n) {
	case 9:
		return NP_SK_IS(k, n, "resources") || NP_SK_IS(k, n, "lifecycle");
	case 12:
		return NP_SK_IS(k, n, "volumeMounts") || NP_SK_IS(k, n, "resizePolicy") ||
		       NP_SK_IS(k, n, "startupProbe");
	case 13:
		return NP_SK_IS(k, n, "volumeDevices") || NP_SK_IS(k, n, "livenessProbe");
	case 14:
		return NP_SK_IS(k, n, "readinessProbe");
	case 15:
		return NP_SK_IS(k, n, "securityContext");
	default:
		return 0;
	}
}

/* Fields of a pod spec no decoder reads. */
static inline int np_sk_pod_spec(const char *k, size_t n)
{
	switch (n) {
	case 7:
		return NP_SK_IS(k, n, "volumes");
	case 8:
		return NP_SK_IS(k, n, "affinity");
	case 11:
		return NP_SK_IS(k, n, "tolerations") || NP_SK_IS(k, n, "hostAliases");
	case 14:
		return NP_SK_IS(k, n, "readinessGates") || NP_SK_IS(k, n, "resourceClaims");
	case 25:
		return NP_SK_IS(k, n, "topologySpreadConstraints");
	default:
		return 0;
	}
}

/* Fields of status no decoder reads. */
static inline int np_sk_status(const char *k, size_t n)
{
	switch (n) {
	case 6:
		return NP_SK_IS(k, n, "images");
	case 10:
		return NP_SK_IS(k, n, "conditions");
	case 12:
		return NP_SK_IS(k, n, "volumesInUse");
	case 15:
		return NP_SK_IS(k, n, "volumesAttached");
	case 17:
		return NP_SK_IS(k, n, "containerStatuses");
	case 21:
		return NP_SK_IS(k, n, "initContainerStatuses") ||
		       NP_SK_IS(k, n, "resourceClaimStatuses");
	case 26:
		return NP_SK_IS(k, n, "ephemeralContainerStatuses");
	default:
		return 0;
	}
}

static inline int np_sk_containers(const char *k, size_t n)
{
	return NP_SK_IS(k, n, "containers") || NP_SK_IS(k, n, "initContainers") ||
	       NP_SK_IS(k, n, "ephemeralContainers");
}

/* State of the value under key k (k NULL: an element of a list) of a
 * container in state st. */
static inline unsigned char np_skip_next(unsigned char st, const char *k, size_t n)
{
	switch (st) {
	case NP_SK_ROOT:
		if (!k)
			return NP_SK_NONE;
		if (NP_SK_IS(k, n, "metadata"))
			return NP_SK_META;
		if (NP_SK_IS(k, n, "spec"))
			return NP_SK_SPEC;
		if (NP_SK_IS(k, n, "status"))
			return NP_SK_STATUS;
		return NP_SK_NONE;
	case NP_SK_META:
		return k && NP_SK_IS(k, n, "managedFields") ? NP_SK_SKIP : NP_SK_NONE;
	case NP_SK_STATUS:
		return k && np_sk_status(k, n) ? NP_SK_SKIP : NP_SK_NONE;
	case NP_SK_SPEC:
		if (!k)
			return NP_SK_NONE;
		if (np_sk_pod_spec(k, n))
			return NP_SK_SKIP;
		if (np_sk_containers(k, n))
			return NP_SK_PCTRS;
		if (NP_SK_IS(k, n, "template"))
			return NP_SK_TMPL;
		return NP_SK_NONE;
	case NP_SK_PCTRS:
		return k ? NP_SK_NONE : NP_SK_PCTR;
	case NP_SK_PCTR:
		/* A pod's containers: only ports (and names) are read; workload
		 * templates keep env for CNI detection. */
		return k && (np_sk_ctr_common(k, n) || NP_SK_IS(k, n, "env") ||
			     NP_SK_IS(k, n, "envFrom")) ? NP_SK_SKIP : NP_SK_NONE;
	case NP_SK_TMPL:
		return k && NP_SK_IS(k, n, "spec") ? NP_SK_TSPEC : NP_SK_NONE;
	case NP_SK_TSPEC:
		if (!k)
			return NP_SK_NONE;
		if (np_sk_pod_spec(k, n))
			return NP_SK_SKIP;
		if (NP_SK_IS(k, n, "containers") || NP_SK_IS(k, n, "initContainers"))
			return NP_SK_TCTRS;
		return NP_SK_NONE;
	case NP_SK_TCTRS:
		return k ? NP_SK_NONE : NP_SK_TCTR;
	case NP_SK_TCTR:
		return k && np_sk_ctr_common(k, n) ? NP_SK_SKIP : NP_SK_NONE;
	default:
		return NP_SK_NONE;
	}
}

#endif
