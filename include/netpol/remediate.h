/* Ready NetworkPolicy manifests (DESIGN §5.5): the default-deny that the
 * NP-102/NP-201 remediations show and `fix` prints, with DNS egress to the
 * cluster DNS (NP-205 endpoints), the extra allows that system namespaces and
 * webhook/APIService backends need, and their YAML text. One builder serves
 * the audit remediations and `fix`, so the two never differ.
 *
 * Policies are described with the model's rule types (struct np_rule, peers,
 * ports, selectors), so what the builder makes can be checked with the same
 * code that reads real policies. Pure logic on the model: never prints.
 * Owner: the fix issue. */
#ifndef NETPOL_REMEDIATE_H
#define NETPOL_REMEDIATE_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/error.h"
#include "netpol/model.h"

/* The label, annotation keys and value every generated policy carries. */
#define NP_FIX_MANAGED_BY_KEY "app.kubernetes.io/managed-by"
#define NP_FIX_MANAGED_BY "kubectl-netpol"
#define NP_FIX_ANN_CONTROL "kubectl-netpol/control"
#define NP_FIX_ANN_PURPOSE "kubectl-netpol/purpose"
#define NP_FIX_ANN_REVIEW "kubectl-netpol/review"
/* -o json only: the comments -o yaml prints (header, rules, footer). */
#define NP_FIX_ANN_NOTES "kubectl-netpol/notes"

#define NP_DNS_MAX_LOCAL 8
/* NodeLocal DNSCache's documented link-local address (its -localip). */
#define NP_DNS_NODELOCAL_DEFAULT "169.254.20.10"

/* Where cluster DNS answers, discovered from the input: OpenShift DNS when
 * openshift-dns exists, else the first DNS pods found (k8s-app=kube-dns in
 * kube-system, then k8s-app=kube-dns, k8s-app=coredns or
 * app.kubernetes.io/name=coredns anywhere), else kube-dns's defaults; plus
 * the NodeLocal DNSCache addresses (node-local-dns DaemonSet -localip; its
 * documented 169.254.20.10 when it runs without -localip in the input). */
struct np_dns_target {
	const char *ns;          /* namespace of the DNS pods */
	const char *key, *value; /* the label that selects them */
	int udp, tcp;            /* their dns / dns-tcp container ports (53; 5353 on OpenShift) */
	bool found;              /* DNS pods are in the input */
	size_t n_local;
	const char *local[NP_DNS_MAX_LOCAL]; /* node-local addresses as CIDRs ("169.254.20.10/32") */
	bool local_default;      /* node-local-dns runs, no -localip in the input: local[0] is
				  * NP_DNS_NODELOCAL_DEFAULT */
};

/* A rule plus the comment printed above it in YAML ('\n' separates lines;
 * NULL = none). */
struct np_fix_rule {
	struct np_rule rule;
	const char *comment;
};

/* One generated NetworkPolicy. Strings and arrays are owned by the
 * np_remediate that made it. */
struct np_fix_policy {
	const char *namespace, *name;
	const char *controls;  /* annotation kubectl-netpol/control: "NP-102,NP-201" */
	const char *purpose;   /* annotation kubectl-netpol/purpose: "default-deny", "allow-dns",
				* "allow-system", "preserve" */
	const char *review;    /* one line: why a human must review it (annotation
				* kubectl-netpol/review), or NULL */
	const char *header;    /* comment lines printed above the manifest, or NULL */
	const char *footer;    /* comment lines printed below it, or NULL */
	struct np_selector pod_selector;
	unsigned types;        /* NP_DIR_* (policyTypes) */
	size_t n_ingress, n_egress;
	struct np_fix_rule *ingress, *egress;
};

struct np_remediate;

/* Collects what the builder needs from m (DNS target, webhook/APIService
 * backends per namespace, policy names in use). m must outlive *out (owned
 * by the caller). 0 or NP_ENOMEM with err set. */
int np_remediate_new(struct np_remediate **out, const struct np_model *m, struct np_error *err);
void np_remediate_free(struct np_remediate *r);

const struct np_dns_target *np_remediate_dns(const struct np_remediate *r);

/* Why ns never gets a plain default-deny (DESIGN §5.5): "system namespace",
 * "backs ValidatingWebhookConfiguration x (Service ns/svc)", ...; NULL when
 * it may. Borrowed from r. */
const char *np_remediate_sensitive(const struct np_remediate *r, const char *ns);

/* A policy name for ns built from base: base itself unless the input or an
 * earlier call of this r already uses it, else base-2, base-3... Cut to a
 * valid object name. Borrowed from r; NULL on ENOMEM. */
const char *np_remediate_name(struct np_remediate *r, const char *ns, const char *base);

/* Memory and strings owned by r, for callers building their own policies. */
void *np_remediate_alloc(struct np_remediate *r, size_t n, size_t size); /* zeroed; overflow-checked */
const char *np_remediate_strf(struct np_remediate *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The default-deny for the directions dirs (NP_DIR_*) of ns, asked for by
 * controls ("NP-102" or "NP-102,NP-201"): appends 1 to 3 policies to *v
 * (grown with realloc; *n updated):
 *   - default-deny[-ingress|-egress]: empty podSelector, no rules but DNS
 *     egress when egress is denied (and the DNS ports are 53/5353, so that
 *     NP-201 still sees a default-deny);
 *   - allow-dns: the DNS egress, when its ports are others;
 *   - allow-system-traffic, for sensitive namespaces: DNS served to every
 *     namespace, ingress on webhook/APIService ports from anywhere, egress to
 *     the API server and upstream DNS; flagged for review.
 * 0 or NP_ENOMEM. */
int np_remediate_default_deny(struct np_remediate *r, const char *ns, unsigned dirs,
			      const char *controls, struct np_fix_policy **v, size_t *n);

/* A DNS egress policy for the pods sel selects in ns (pods that are already
 * egress-isolated and lack DNS, NP-205). sel NULL = every pod. Appends one
 * policy to *v. 0 or NP_ENOMEM. */
int np_remediate_allow_dns(struct np_remediate *r, const char *ns, const struct np_selector *sel,
			   const char *name_base, const char *controls, const char *comment,
			   struct np_fix_policy **v, size_t *n);

/* The DNS egress rules (to the DNS pods, and node-local addresses) into
 * out[0..1]; returns how many (1 or 2). Strings owned by r. */
size_t np_remediate_dns_rules(struct np_remediate *r, struct np_fix_rule out[2]);

/* YAML text of policies as a multi-document stream (documents separated by
 * "---"), comments included, label values and names quoted where YAML would
 * read them otherwise. malloc'd (the caller frees); NULL on ENOMEM. */
char *np_fix_policies_yaml(const struct np_fix_policy *v, size_t n);

/* The remediation text for a finding: np_remediate_default_deny rendered by
 * np_fix_policies_yaml. malloc'd; NULL on ENOMEM. */
char *np_remediate_default_deny_yaml(struct np_remediate *r, const char *ns, unsigned dirs,
				     const char *controls);

/* One line describing a rule for comments: "from every pod in the cluster
 * on TCP 8080", "to kube-system/k8s-app=kube-dns on UDP 53, TCP 53".
 * Writes at most len bytes (NUL included); returns buf. */
char *np_fix_rule_describe(const struct np_rule *rule, unsigned dir, char *buf, size_t len);

#endif
