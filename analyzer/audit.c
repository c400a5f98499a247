/* The control catalog and the audit run (DESIGN §5): scope, coverage, CNI
 * detection, the selected controls, missing-data and vacuous-input rules,
 * exceptions and baseline (§10), and the summary counts (§6.2). */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "netpol/audit.h"
#include "netpol/selector.h"
#include "audit_priv.h"

#define G1 "1 CIS and platform controls"
#define G2 "2 Hardening and hygiene"

/* DESIGN §5.2; references split per source as in the §6.2 example. KICS
 * severities from the KICS fixtures (NP-104's AKS rule is LOW there). */
static const struct np_control_def catalog[] = {
	{ "NP-101", "The CNI in use supports NetworkPolicy", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	  { "CIS Kubernetes 5.3.1", "CIS EKS 4.3.1 (1.2.0+)", "CIS GKE 4.3.1", "Kubescape C-0205",
	    "KICS 03aabc8c", NULL }, G1 },
	{ "NP-102", "Every namespace has at least one NetworkPolicy", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	  { "CIS Kubernetes 5.3.2", "CIS EKS/GKE 4.3.2", "CIS AKS 4.4.2", "Kubescape C-0206",
	    "Datadog 3kq-2r3-p4u", NULL }, G1 },
	{ "NP-103", "Every pod is isolated for both ingress and egress", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	  { "KICS 0401f71b", "Kubescape C-0260", "Kubescape C-0030", NULL }, G1 },
	{ "NP-104", "AKS clusters configure a network policy engine", NP_SEV_MEDIUM, NP_SEV_LOW,
	  { "CIS AKS 5.4.4", "Kubescape C-0240", "KICS f5342045", NULL }, G1 },
	{ "NP-105", "EKS clusters enforce NetworkPolicy", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	  { "CIS EKS 5.4.4", "Kubescape C-0230", NULL }, G1 },
	{ "NP-106", "GKE clusters enforce NetworkPolicy", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	  { "CIS GKE 1.2.0 5.6.7 (6.6.7 in 1.0.0; removed from 1.6.0)", "KICS 11e7550e", NULL }, G1 },
	{ "NP-201", "Every namespace has a default-deny for ingress and egress", NP_SEV_MEDIUM,
	  NP_SEV_MEDIUM, { "NSA/CISA Kubernetes Hardening Guide", "Kubescape C-0030", NULL }, G2 },
	{ "NP-202", "Every NetworkPolicy selects at least one pod", NP_SEV_LOW, NP_SEV_LOW,
	  { "Kubescape C-0299", "KICS Network Policy Is Not Targeting Any Pod", NULL }, G2 },
	{ "NP-203", "Rule peers select something", NP_SEV_LOW, NP_SEV_LOW,
	  { "cyclonus", "Popeye lints", NULL }, G2 },
	{ "NP-204", "No allow-all rules", NP_SEV_MEDIUM, NP_SEV_MEDIUM, { NULL }, G2 },
	{ "NP-205", "Egress-isolated pods can resolve DNS", NP_SEV_MEDIUM, NP_SEV_MEDIUM,
	  { NULL }, G2 },
	{ "NP-206", "hostNetwork pods are listed", NP_SEV_LOW, NP_SEV_LOW,
	  { "Kubescape C-0041", "CIS Kubernetes 5.2.5", "KICS shared host network", NULL }, G2 },
	{ "NP-207", "Named ports resolve", NP_SEV_LOW, NP_SEV_LOW, { NULL }, G2 },
	{ "NP-208", "Objects are valid", NP_SEV_LOW, NP_SEV_LOW,
	  { "Kubernetes API validation", NULL }, G2 },
};
#define N_CATALOG (sizeof(catalog) / sizeof(catalog[0]))

/* What each control runs, what it needs (DESIGN §5.1 missing data) and when
 * it is vacuous. A control whose fn is NULL is not implemented yet: it is left
 * out of the report and listed in skippedControls; adding one is one line. */
enum {
	VAC_PODS = 1,   /* SKIP on generic inputs without pods or workloads */
	VAC_K8S = 2,    /* SKIP without any Kubernetes object */
};

struct control_impl {
	const char *id;
	np_control_fn fn;
	unsigned long long needs;
	unsigned vacuous;
};

static const struct control_impl impls[] = {
	/* Platform controls judge their own evidence and missing data (analyzer/controls_platform.c). */
	{ "NP-101", np_control_np101, 0, 0 },
	{ "NP-102", np_control_np102, RES_NS_POLICIES, VAC_K8S },
	{ "NP-103", np_control_np103, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-104", np_control_np104, 0, 0 },
	{ "NP-105", np_control_np105, 0, 0 },
	{ "NP-106", np_control_np106, 0, 0 },
	{ "NP-201", np_control_np201, RES_NS_POLICIES, VAC_K8S },
	{ "NP-202", np_control_np202, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-203", np_control_np203, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-204", np_control_np204, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-205", np_control_np205, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-206", np_control_np206, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-207", np_control_np207, RES_POD_CONTROLS, VAC_PODS | VAC_K8S },
	{ "NP-208", np_control_np208, RES_BIT(NP_RES_NETWORKPOLICIES), VAC_K8S },
};

/* What a live run fetches for each control (DESIGN §3.2's table; `help rbac`
 * grants the union). FETCH_BASE is what every report reads: its summary
 * counts namespaces, pods and policies of every kind discovery finds. A
 * control's row adds what its verdict, findings or remediation read beyond
 * that; with the base it covers the control's `needs` above and what
 * controls_platform.c asks for (test_live_resources.c checks DESIGN §5.1). */
#define FETCH_BASE (RES_POD_CONTROLS)
#define FETCH_WORKLOADS                                                              \
	(RES_BIT(NP_RES_DAEMONSETS) | RES_BIT(NP_RES_DEPLOYMENTS) |                  \
	 RES_BIT(NP_RES_REPLICASETS) | RES_BIT(NP_RES_STATEFULSETS) |               \
	 RES_BIT(NP_RES_JOBS) | RES_BIT(NP_RES_CRONJOBS))
/* CNI and platform detection: workloads, nodes, the CNI ConfigMaps, CRD names. */
#define FETCH_CNI (FETCH_WORKLOADS | RES_BIT(NP_RES_NODES) | RES_BIT(NP_RES_CONFIGMAPS) | \
		   RES_BIT(NP_RES_CRDS))
/* Default-deny remediations (§5.5): node-local-dns, webhook and APIService backends. */
#define FETCH_REMEDIATION (RES_BIT(NP_RES_DAEMONSETS) | RES_BIT(NP_RES_SERVICES) |     \
			   RES_BIT(NP_RES_WEBHOOKS) | RES_BIT(NP_RES_APISERVICES))

static const struct {
	const char *id;
	unsigned long long fetch;
} fetch_table[] = {
	{ "NP-101", FETCH_CNI },
	{ "NP-102", FETCH_REMEDIATION },
	/* pods grouped by top owner, idle workloads' template pods, node-local-dns */
	{ "NP-103", FETCH_WORKLOADS },
	{ "NP-104", FETCH_CNI },
	{ "NP-105", FETCH_CNI },
	{ "NP-106", FETCH_CNI },
	{ "NP-201", FETCH_REMEDIATION },
	{ "NP-202", FETCH_WORKLOADS },
	{ "NP-203", FETCH_WORKLOADS },
	{ "NP-204", FETCH_WORKLOADS },
	/* Services: an ipBlock holding only the DNS ClusterIP is a WARN, not a FAIL */
	{ "NP-205", FETCH_WORKLOADS | RES_BIT(NP_RES_SERVICES) },
	{ "NP-206", FETCH_WORKLOADS },
	{ "NP-207", FETCH_WORKLOADS },
	{ "NP-208", 0 },
};

unsigned long long np_audit_resources(const char *const *selected, size_t n_selected)
{
	unsigned long long bits = FETCH_BASE;
	size_t i, k;

	for (i = 0; i < sizeof(fetch_table) / sizeof(fetch_table[0]); i++) {
		bool sel = !selected;

		for (k = 0; k < n_selected && !sel; k++)
			sel = selected[k] && strcasecmp(selected[k], fetch_table[i].id) == 0;
		if (sel)
			bits |= fetch_table[i].fetch;
	}
	return bits;
}

const struct np_control_def *np_controls_catalog(size_t *n)
{
	if (n)
		*n = N_CATALOG;
	return catalog;
}

const struct np_control_def *np_control_find(const char *id)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < N_CATALOG; i++)
		if (strcasecmp(catalog[i].id, id) == 0)
			return &catalog[i];
	return NULL;
}

static const struct control_impl *impl_find(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
		if (strcmp(impls[i].id, id) == 0)
			return &impls[i];
	return NULL;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* ---- helpers shared with the control files (audit_priv.h) ---- */

bool audit_ns_in_scope(const struct np_audit_ctx *ctx, const char *ns)
{
	return !np_scope_excludes(&ctx->opt->scope, ns);
}

static bool res_cluster_scoped(enum np_resource r)
{
	switch (r) {
	case NP_RES_NAMESPACES:
	case NP_RES_NODES:
	case NP_RES_CRDS:
	case NP_RES_WEBHOOKS:
	case NP_RES_APISERVICES:
	case NP_RES_CILIUM_CCNP:
	case NP_RES_CALICO_GNP:
	case NP_RES_ANP:
	case NP_RES_BANP:
	case NP_RES_CNP:
		return true;
	default:
		return false;
	}
}

static bool ns_readable_direct(const struct np_model *m, const char *ns, unsigned long long needs)
{
	unsigned r;

	for (r = 0; r < NP_RES__COUNT; r++) {
		if (!(needs & RES_BIT(r)) || res_cluster_scoped((enum np_resource)r))
			continue;
		if (np_model_avail(m, (enum np_resource)r, ns, NULL, NULL) != NP_AVAIL_READ)
			return false;
	}
	return true;
}

/* Per-namespace facts the controls ask for again and again, computed once by
 * np_audit_run (availability lookups and pod scans are linear). */
struct ns_info {
	const char *ns;
	bool policies, pods;  /* RES_NS_POLICIES / RES_POD_CONTROLS readable */
	size_t n_pods;        /* counted, non-template pods */
	size_t first_pod;     /* lowest-index isolatable pod (templates incl.), or SIZE_MAX */
};

struct dns_target {
	const char *ns;
	const char *key, *value;
	int udp, tcp;
};

struct wl_ref {
	const char *kind, *ns, *name;
	size_t idx;
};

struct np_audit_priv {
	struct ns_info *v;
	size_t n;
	struct wl_ref *wl;    /* workloads sorted by (kind, namespace, name, index) */
	size_t n_wl;
	const struct np_model *m;
	bool have_dns;
	struct dns_target dns;
};

static int ns_info_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ns_info *)a)->ns, ((const struct ns_info *)b)->ns);
}

static struct ns_info *ns_info_find(const struct np_audit_priv *pv, const char *ns)
{
	size_t lo = 0, hi;

	if (!pv || !ns)
		return NULL;
	hi = pv->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pv->v[mid].ns, ns);

		if (c == 0)
			return &pv->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int wl_cmp3(const struct wl_ref *w, const char *kind, const char *ns, const char *name)
{
	int c = strcmp0(w->kind, kind);

	if (c)
		return c;
	c = strcmp0(w->ns, ns);
	if (c)
		return c;
	return strcmp0(w->name, name);
}

static int wl_cmp(const void *a, const void *b)
{
	const struct wl_ref *x = a, *y = b;
	int c = wl_cmp3(x, y->kind, y->ns, y->name);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Namespaces named by an availability record that is not "read": only they,
 * or all of them when a whole-resource record is not "read", need the
 * (linear) effective lookup. */
static bool ns_suspect(const struct np_model *m, const char *ns, unsigned long long needs)
{
	size_t i;

	for (i = 0; i < m->avail.n; i++) {
		const struct np_avail *a = &m->avail.v[i];

		if (a->state == NP_AVAIL_READ || !(needs & RES_BIT(a->res)))
			continue;
		if (!a->namespace || strcmp(a->namespace, ns) == 0)
			return true;
	}
	return false;
}

static void dns_target(const struct np_model *m, struct dns_target *t);

static int priv_build(struct np_audit_priv *pv, const struct np_model *m, const struct np_scope *sc)
{
	size_t i;
	bool any_missing = false;

	memset(pv, 0, sizeof(*pv));
	pv->m = m;
	for (i = 0; i < m->avail.n && !any_missing; i++)
		any_missing = m->avail.v[i].state != NP_AVAIL_READ;
	if (m->namespaces.n) {
		pv->v = calloc(m->namespaces.n, sizeof(*pv->v));
		if (!pv->v)
			return NP_ENOMEM;
	}
	for (i = 0; i < m->namespaces.n; i++) {
		const char *ns = m->namespaces.v[i].name;
		struct ns_info *e;

		if (!ns || np_scope_excludes(sc, ns))
			continue;
		e = &pv->v[pv->n++];
		e->ns = ns;
		e->first_pod = SIZE_MAX;
		e->policies = e->pods = true;
		if (any_missing && ns_suspect(m, ns, RES_POD_CONTROLS)) {
			e->policies = ns_readable_direct(m, ns, RES_NS_POLICIES);
			e->pods = ns_readable_direct(m, ns, RES_POD_CONTROLS);
		}
	}
	if (pv->n > 1)
		qsort(pv->v, pv->n, sizeof(*pv->v), ns_info_cmp);
	/* Drop duplicate records (np_model_finish merges them; be safe). */
	for (i = 1; i < pv->n; i++) {
		if (strcmp(pv->v[i].ns, pv->v[i - 1].ns) == 0) {
			memmove(&pv->v[i], &pv->v[i + 1], (pv->n - i - 1) * sizeof(*pv->v));
			pv->n--;
			i--;
		}
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		struct ns_info *e = ns_info_find(pv, p->namespace);

		if (!e)
			continue;
		if (!p->is_template && np_pod_counted(p))
			e->n_pods++;
		if (e->first_pod == SIZE_MAX && np_pod_isolatable(p, true))
			e->first_pod = i;
	}
	if (m->workloads.n) {
		pv->wl = malloc(m->workloads.n * sizeof(*pv->wl));
		if (!pv->wl)
			return NP_ENOMEM;
		for (i = 0; i < m->workloads.n; i++) {
			pv->wl[i].kind = m->workloads.v[i].kind;
			pv->wl[i].ns = m->workloads.v[i].namespace;
			pv->wl[i].name = m->workloads.v[i].name;
			pv->wl[i].idx = i;
		}
		pv->n_wl = m->workloads.n;
		if (pv->n_wl > 1)
			qsort(pv->wl, pv->n_wl, sizeof(*pv->wl), wl_cmp);
	}
	dns_target(m, &pv->dns);
	pv->have_dns = true;
	return 0;
}

static void priv_release(struct np_audit_priv *pv)
{
	free(pv->v);
	free(pv->wl);
	memset(pv, 0, sizeof(*pv));
}

bool audit_ns_readable(const struct np_audit_ctx *ctx, const char *ns, unsigned long long needs)
{
	const struct ns_info *e;

	if (needs == RES_NS_POLICIES || needs == RES_POD_CONTROLS) {
		e = ns_info_find(ctx->priv, ns);
		if (e)
			return needs == RES_NS_POLICIES ? e->policies : e->pods;
	}
	return ns_readable_direct(ctx->m, ns, needs);
}

size_t audit_ns_first_pod(const struct np_audit_ctx *ctx, const char *ns)
{
	const struct ns_info *e = ns_info_find(ctx->priv, ns);
	size_t i;

	if (e)
		return e->first_pod;
	for (i = 0; i < ctx->m->pods.n; i++)
		if (strcmp0(ctx->m->pods.v[i].namespace, ns) == 0 &&
		    np_pod_isolatable(&ctx->m->pods.v[i], true))
			return i;
	return SIZE_MAX;
}

struct np_finding *audit_add_finding(struct np_audit_ctx *ctx, struct np_control_result *res,
				     enum np_status level, const char *kind, const char *api_group,
				     const char *ns, const char *name, const struct np_loc *loc)
{
	struct np_finding *f = np_result_add_finding(ctx->r, res);

	if (!f)
		return NULL;
	f->level = level;
	f->kind = kind;
	f->api_group = api_group ? api_group : "";
	f->namespace = ns;
	f->name = name;
	if (loc)
		f->loc = *loc;
	return f;
}

const char *audit_dirs_words(unsigned dirs, bool or_word)
{
	switch (dirs & (NP_DIR_INGRESS | NP_DIR_EGRESS)) {
	case NP_DIR_INGRESS:
		return "ingress";
	case NP_DIR_EGRESS:
		return "egress";
	case NP_DIR_INGRESS | NP_DIR_EGRESS:
		return or_word ? "ingress or egress" : "ingress and egress";
	default:
		return "nothing";
	}
}

size_t audit_ns_pods(const struct np_audit_ctx *ctx, const char *ns)
{
	const struct ns_info *e = ns_info_find(ctx->priv, ns);
	size_t i, n = 0;

	if (e)
		return e->n_pods;
	for (i = 0; i < ctx->m->pods.n; i++) {
		const struct np_pod *p = &ctx->m->pods.v[i];

		if (!p->is_template && np_pod_counted(p) && strcmp0(p->namespace, ns) == 0)
			n++;
	}
	return n;
}

const char *audit_netpol_group(const struct np_netpol *p)
{
	if (p->api_version && strncmp(p->api_version, "extensions/", 11) == 0)
		return "extensions";
	return "networking.k8s.io";
}

const struct np_workload *audit_find_workload(const struct np_audit_ctx *ctx, const char *kind,
					      const char *ns, const char *name)
{
	const struct np_model *m = ctx->m;
	const struct np_audit_priv *pv = ctx->priv;
	size_t i;

	if (!kind || !name)
		return NULL;
	if (pv && pv->wl) {
		size_t lo = 0, hi = pv->n_wl;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (wl_cmp3(&pv->wl[mid], kind, ns, name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < pv->n_wl && wl_cmp3(&pv->wl[lo], kind, ns, name) == 0)
			return &m->workloads.v[pv->wl[lo].idx];
		return NULL;
	}
	for (i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];

		if (strcmp0(w->kind, kind) == 0 && strcmp0(w->namespace, ns) == 0 &&
		    strcmp0(w->name, name) == 0)
			return w;
	}
	return NULL;
}

bool audit_xpolicy_all_pods(const struct np_xpolicy *x)
{
	if (x->xkind == NP_XP_CALICO_NP || x->xkind == NP_XP_CALICO_GNP) {
		const char *s = x->calico_selector;

		if (!s)
			return true;
		while (*s == ' ' || *s == '\t')
			s++;
		return *s == '\0' || strcmp(s, "all()") == 0;
	}
	return !x->subject_pods.invalid && np_selector_is_empty(&x->subject_pods);
}

bool audit_rule_dns_only(const struct np_rule *r)
{
	size_t i;

	if (!r->ports_present || r->n_ports == 0)
		return false;
	for (i = 0; i < r->n_ports; i++) {
		const struct np_port *p = &r->ports[i];

		if (p->port_name) {
			if (strcmp(p->port_name, "dns") != 0 && strcmp(p->port_name, "dns-tcp") != 0)
				return false;
			continue;
		}
		if (!p->has_port || (p->port != 53 && p->port != 5353))
			return false;
		if (p->has_end_port && p->end_port != p->port)
			return false;
	}
	return true;
}

/* ---- default-deny manifests (DESIGN §5.5) ---- */

/* The cluster DNS the manifest allows: OpenShift's when its namespace is in the
 * input, else kube-dns; ports from the DNS pods' dns/dns-tcp container ports. */
static void dns_target(const struct np_model *m, struct dns_target *t)
{
	size_t i, j;
	bool openshift = false;

	for (i = 0; i < m->namespaces.n && !openshift; i++)
		if (strcmp0(m->namespaces.v[i].name, "openshift-dns") == 0)
			openshift = true;
	if (openshift) {
		t->ns = "openshift-dns";
		t->key = "dns.operator.openshift.io/daemonset-dns";
		t->value = "default";
		t->udp = t->tcp = 5353;
	} else {
		t->ns = "kube-system";
		t->key = "k8s-app";
		t->value = "kube-dns";
		t->udp = t->tcp = 53;
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const char *v;

		if (strcmp0(p->namespace, t->ns) != 0)
			continue;
		v = np_labels_get(&p->labels, t->key);
		if (!v || strcmp(v, t->value) != 0)
			continue;
		for (j = 0; j < p->n_ports; j++) {
			const struct np_container_port *cp = &p->ports[j];

			if (!cp->name || cp->port <= 0)
				continue;
			if (strcmp(cp->name, "dns") == 0 && cp->proto == NP_PROTO_UDP)
				t->udp = cp->port;
			else if (strcmp(cp->name, "dns-tcp") == 0 && cp->proto == NP_PROTO_TCP)
				t->tcp = cp->port;
		}
		break;
	}
}

/* Growable text in a malloc'd buffer, copied into the report arena at the end. */
struct text {
	char *s;
	size_t n, cap;
	bool oom;
};

static void tx_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tx_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	if (t->n + (size_t)n + 1 > t->cap) {
		size_t ncap = t->cap ? t->cap : 512;
		char *ns;

		while (ncap < t->n + (size_t)n + 1)
			ncap *= 2;
		ns = realloc(t->s, ncap);
		if (!ns) {
			t->oom = true;
			return;
		}
		t->s = ns;
		t->cap = ncap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
	va_end(ap);
	t->n += (size_t)n;
}

static void tx_dns_peer(struct text *t, const struct dns_target *d, const char *indent)
{
	tx_add(t, "%s- namespaceSelector:\n", indent);
	tx_add(t, "%s    matchLabels:\n", indent);
	tx_add(t, "%s      kubernetes.io/metadata.name: %s\n", indent, d->ns);
	tx_add(t, "%s  podSelector:\n", indent);
	tx_add(t, "%s    matchLabels:\n", indent);
	tx_add(t, "%s      %s: %s\n", indent, d->key, d->value);
}

static void tx_port(struct text *t, const char *proto, int port)
{
	tx_add(t, "    - protocol: %s\n      port: %d\n", proto, port);
}

/* TCP ports the namespace's pods declare, sorted and unique (at most cap). */
static size_t ns_tcp_ports(const struct np_model *m, const char *ns, int *out, size_t cap)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];

		if (strcmp0(p->namespace, ns) != 0)
			continue;
		for (j = 0; j < p->n_ports; j++) {
			int port = p->ports[j].port;

			if (p->ports[j].proto != NP_PROTO_TCP || port <= 0 || port > 65535 || port == 53)
				continue;
			for (k = 0; k < n && out[k] < port; k++)
				;
			if (k < n && out[k] == port)
				continue;
			if (n == cap)
				continue;
			memmove(&out[k + 1], &out[k], (n - k) * sizeof(*out));
			out[k] = port;
			n++;
		}
	}
	return n;
}

const char *audit_default_deny(struct np_audit_ctx *ctx, const char *ns, unsigned dirs,
			       const char *control)
{
	struct text t = { 0 };
	struct dns_target d;
	bool sys = np_namespace_is_system(ns);
	bool in = dirs & NP_DIR_INGRESS, eg = dirs & NP_DIR_EGRESS;
	const char *name = in && eg ? "default-deny" : in ? "default-deny-ingress" : "default-deny-egress";
	const char *out;
	int ports[32];
	size_t np = 0, i;

	if (ctx->priv && ctx->priv->have_dns)
		d = ctx->priv->dns;
	else
		dns_target(ctx->m, &d);
	if (sys) {
		tx_add(&t, "# REVIEW before applying: %s is a system namespace. A plain default-deny\n"
			   "# would break cluster DNS, admission webhooks and control-plane traffic, so\n"
			   "# this policy also allows DNS served to every namespace, egress to the API\n"
			   "# server and upstream DNS, and ingress on webhook/APIService ports from\n"
			   "# anywhere (control-plane addresses are unknown offline).\n", ns);
	}
	tx_add(&t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n");
	tx_add(&t, "  name: %s\n  namespace: %s\n", name, ns);
	tx_add(&t, "  labels:\n    app.kubernetes.io/managed-by: kubectl-netpol\n");
	tx_add(&t, "  annotations:\n    kubectl-netpol/control: %s\n", control);
	tx_add(&t, "spec:\n  podSelector: {}\n  policyTypes:\n");
	if (in)
		tx_add(&t, "  - Ingress\n");
	if (eg)
		tx_add(&t, "  - Egress\n");
	if (in && sys) {
		np = ns_tcp_ports(ctx->m, ns, ports, sizeof(ports) / sizeof(ports[0]));
		tx_add(&t, "  ingress:\n");
		tx_add(&t, "  # DNS served to every namespace\n  - from:\n    - namespaceSelector: {}\n"
			   "    ports:\n");
		tx_port(&t, "UDP", d.udp);
		tx_port(&t, "TCP", d.tcp);
		tx_add(&t, "  # webhook/APIService backends, from anywhere: the TCP ports pods here\n"
			   "  # declare (narrow this to the webhook ports)\n");
		if (np) {
			tx_add(&t, "  - ports:\n");
			for (i = 0; i < np; i++)
				tx_port(&t, "TCP", ports[i]);
		} else {
			tx_add(&t, "  # (no declared ports in the input: add the webhook ports here)\n");
		}
	}
	if (eg) {
		tx_add(&t, "  egress:\n  # DNS to the cluster DNS pods (NP-205)\n  - to:\n");
		tx_dns_peer(&t, &d, "    ");
		tx_add(&t, "    ports:\n");
		tx_port(&t, "UDP", d.udp);
		tx_port(&t, "TCP", d.tcp);
		if (sys) {
			tx_add(&t, "  # upstream DNS and the API server (addresses unknown offline)\n"
				   "  - ports:\n");
			tx_port(&t, "UDP", 53);
			tx_port(&t, "TCP", 53);
			tx_port(&t, "TCP", 443);
			tx_port(&t, "TCP", 6443);
		}
	}
	out = t.oom || !t.s ? NULL : np_report_strf(ctx->r, "%s", t.s);
	free(t.s);
	return out;
}

/* ---- missing data (DESIGN §5.1) ---- */

static const char *const crd_of_res[NP_RES__COUNT] = {
	[NP_RES_CILIUM_NP] = "ciliumnetworkpolicies.cilium.io",
	[NP_RES_CILIUM_CCNP] = "ciliumclusterwidenetworkpolicies.cilium.io",
	[NP_RES_CALICO_NP] = "networkpolicies.crd.projectcalico.org",
	[NP_RES_CALICO_GNP] = "globalnetworkpolicies.crd.projectcalico.org",
	[NP_RES_ANP] = "adminnetworkpolicies.policy.networking.k8s.io",
	[NP_RES_BANP] = "baselineadminnetworkpolicies.policy.networking.k8s.io",
	[NP_RES_CNP] = "clusternetworkpolicies.policy.networking.k8s.io",
};

/* A policy CRD kind is needed only where it exists: its CRD or objects were
 * seen. Unreadable always counts (an errors file or a 403 names it). */
static bool crd_exists(const struct np_model *m, enum np_resource r)
{
	size_t i;
	enum np_resource xr;

	if (crd_of_res[r]) {
		const char *plural = crd_of_res[r];
		size_t plen = strcspn(plural, ".");

		for (i = 0; i < m->crd_names.n; i++) {
			const char *c = m->crd_names.v[i];

			if (!c)
				continue;
			if (strcmp(c, plural) == 0)
				return true;
			/* projectcalico.org/v3 is served by the Calico API server: same plural. */
			if (strncmp(c, plural, plen + 1) == 0 && strstr(c, "projectcalico.org"))
				return true;
		}
	}
	for (i = 0; i < m->xpolicies.n; i++)
		if (np_xpolicy_resource(m->xpolicies.v[i].xkind, &xr) && xr == r)
			return true;
	return false;
}

static bool res_is_policy_crd(enum np_resource r)
{
	return (RES_POLICY_CRDS & RES_BIT(r)) != 0;
}

struct missing {
	const char *first;  /* formatted reason of the first problem */
	size_t count;
};

static void note_missing(struct np_audit_ctx *ctx, struct missing *mi, enum np_resource r,
			 const char *ns, enum np_avail_state st, const char *reason, const char *msg)
{
	if (st == NP_AVAIL_READ)
		return;
	if (st == NP_AVAIL_NOT_COLLECTED && res_is_policy_crd(r) && !crd_exists(ctx->m, r))
		return;
	if (mi->count++ == 0) {
		const char *what = st == NP_AVAIL_NOT_COLLECTED ? "not collected" : "unreadable";

		if (ns)
			mi->first = np_report_strf(ctx->r, "%s %s in namespace %s%s%s%s",
						   np_resource_name(r), what, ns,
						   reason ? " (" : "", reason ? reason : "",
						   reason ? ")" : "");
		else
			mi->first = np_report_strf(ctx->r, "%s %s%s%s%s", np_resource_name(r), what,
						   reason ? " (" : "", reason ? reason : "",
						   reason ? ")" : "");
		if (mi->first && msg && *msg)
			mi->first = np_report_strf(ctx->r, "%s: %s", mi->first, msg);
	}
}

/* Namespaces the missing-data rule looks at: in-scope namespaces of the model,
 * -n's namespace, and those availability records name. */
static void check_missing(struct np_audit_ctx *ctx, unsigned long long needs, struct missing *mi)
{
	const struct np_model *m = ctx->m;
	const struct np_scope *sc = &ctx->opt->scope;
	size_t i;
	unsigned r;

	memset(mi, 0, sizeof(*mi));
	/* Nothing recorded as missing for these resources: the common case, and
	 * the per-namespace lookups below are linear in the records. */
	for (i = 0; i < m->avail.n; i++)
		if (m->avail.v[i].state != NP_AVAIL_READ && (needs & RES_BIT(m->avail.v[i].res)))
			break;
	if (i == m->avail.n)
		return;
	for (r = 0; r < NP_RES__COUNT; r++) {
		enum np_resource res = (enum np_resource)r;
		const char *reason = NULL, *msg = NULL;
		enum np_avail_state st;
		bool any_ns = false;

		if (!(needs & RES_BIT(r)))
			continue;
		/* With -n the Namespace object may be synthesised: namespace-only rights suffice. */
		if (res == NP_RES_NAMESPACES && sc->only_namespace)
			continue;
		if (res_cluster_scoped(res)) {
			st = np_model_avail(m, res, NULL, &reason, &msg);
			note_missing(ctx, mi, res, NULL, st, reason, msg);
			continue;
		}
		for (i = 0; i < m->namespaces.n; i++) {
			const char *ns = m->namespaces.v[i].name;

			if (np_scope_excludes(sc, ns))
				continue;
			any_ns = true;
			st = np_model_avail(m, res, ns, &reason, &msg);
			note_missing(ctx, mi, res, ns, st, reason, msg);
		}
		if (sc->only_namespace) {
			any_ns = true;
			st = np_model_avail(m, res, sc->only_namespace, &reason, &msg);
			note_missing(ctx, mi, res, sc->only_namespace, st, reason, msg);
		}
		for (i = 0; i < m->avail.n; i++) {
			const struct np_avail *a = &m->avail.v[i];

			if (a->res != res || !a->namespace || np_scope_excludes(sc, a->namespace))
				continue;
			if (np_model_find_namespace(m, a->namespace))
				continue; /* already checked above */
			any_ns = true;
			st = np_model_avail(m, res, a->namespace, &reason, &msg);
			note_missing(ctx, mi, res, a->namespace, st, reason, msg);
		}
		if (!any_ns) {
			st = np_model_avail(m, res, NULL, &reason, &msg);
			note_missing(ctx, mi, res, NULL, st, reason, msg);
		}
	}
}

/* ---- vacuous inputs (DESIGN §5.1) ---- */

static bool generic_only(const struct np_model *m)
{
	size_t i;

	if (m->server)
		return false;
	for (i = 0; i < m->inputs.n; i++) {
		const char *l = m->inputs.v[i].layout;

		if (l && strcmp(l, "generic") != 0 && strcmp(l, "terraform") != 0)
			return false;
	}
	return true;
}

static bool has_k8s_objects(const struct np_model *m)
{
	return m->n_k8s_objects > 0 || m->namespaces.n > 0 || m->pods.n > 0 || m->netpols.n > 0 ||
	       m->workloads.n > 0 || m->xpolicies.n > 0 || m->nodes.n > 0 || m->configmaps.n > 0;
}

static bool has_pods_or_workloads(const struct np_model *m)
{
	return m->pods.n > 0 || m->workloads.n > 0;
}

/* ---- exceptions and baseline (DESIGN §10) ---- */

/* Case-insensitive glob on control ids (FNM_CASEFOLD is a GNU extension). */
static bool glob_ci(const char *pat, const char *s)
{
	char p[128], t[128];
	size_t i;

	if (!s || strlen(pat) >= sizeof(p) || strlen(s) >= sizeof(t))
		return false;
	for (i = 0; pat[i]; i++)
		p[i] = (pat[i] >= 'a' && pat[i] <= 'z') ? (char)(pat[i] - 'a' + 'A') : pat[i];
	p[i] = '\0';
	for (i = 0; s[i]; i++)
		t[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
	t[i] = '\0';
	return fnmatch(p, t, 0) == 0;
}

static bool exception_matches(const struct np_exception *e, const char *id,
			      const struct np_finding *f)
{
	const char *ns = f->namespace;
	size_t i;
	bool id_ok = false;

	for (i = 0; i < e->n_controls && !id_ok; i++)
		if (e->controls[i] && glob_ci(e->controls[i], id))
			id_ok = true;
	if (!id_ok)
		return false;
	/* A Namespace finding is "in" the namespace it names. */
	if (!ns && f->kind && strcmp(f->kind, "Namespace") == 0)
		ns = f->name;
	if (e->namespace && (!ns || fnmatch(e->namespace, ns, 0) != 0))
		return false;
	if (e->kind && (!f->kind || strcasecmp(e->kind, f->kind) != 0))
		return false;
	if (e->name && (!f->name || fnmatch(e->name, f->name, 0) != 0))
		return false;
	return true;
}

static bool in_baseline(const struct np_audit_options *opt, const char *fp)
{
	size_t i;

	if (!fp)
		return false;
	for (i = 0; i < opt->n_baseline; i++)
		if (opt->baseline_fingerprints[i] && strcmp(opt->baseline_fingerprints[i], fp) == 0)
			return true;
	return false;
}

static void today_utc(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm))
		strftime(out, 11, "%Y-%m-%d", &tm);
	else
		strcpy(out, "1970-01-01");
}

static int apply_suppression(struct np_report *r, const struct np_audit_options *opt,
			     bool *expired)
{
	static struct np_suppression baseline_sup = { "baseline", NULL, NULL };
	size_t i, j, k;

	for (i = 0; i < r->controls.n; i++) {
		struct np_control_result *c = &r->controls.v[i];
		enum np_status worst = NP_ST_PASS;
		bool any_suppressed = false;

		for (j = 0; j < c->findings.n; j++) {
			struct np_finding *f = &c->findings.v[j];

			if (f->level != NP_ST_FAIL && f->level != NP_ST_WARN)
				continue;
			for (k = 0; k < opt->n_exceptions && !f->suppressed; k++) {
				struct np_exception *e = &opt->exceptions[k];
				struct np_suppression *s;

				if (expired[k] || !exception_matches(e, c->def->id, f))
					continue;
				s = np_arena_alloc(&r->mem, sizeof(*s));
				if (!s)
					return NP_ENOMEM;
				s->by = "exception";
				s->reason = e->reason;
				s->expires = e->expires;
				f->suppressed = s;
				e->used = true;
			}
			if (!f->suppressed && in_baseline(opt, f->fingerprint)) {
				f->suppressed = &baseline_sup;
				c->baseline++;
			}
			if (f->suppressed) {
				c->suppressed++;
				any_suppressed = true;
				continue;
			}
			if (f->level == NP_ST_FAIL)
				worst = NP_ST_FAIL;
			else if (worst != NP_ST_FAIL)
				worst = NP_ST_WARN;
		}
		r->suppressed += c->suppressed;
		r->baseline += c->baseline;
		/* ERROR is never suppressed; otherwise the status follows what is left. */
		if (any_suppressed && (c->status == NP_ST_FAIL || c->status == NP_ST_WARN)) {
			c->status = worst;
			c->summary = np_report_strf(r, "%s (%zu suppressed)",
						    c->summary ? c->summary : "", c->suppressed);
		}
	}
	return 0;
}

/* ---- summary (DESIGN §6.2) ---- */

static int fill_summary(struct np_audit_ctx *ctx)
{
	const struct np_model *m = ctx->m;
	const struct np_scope *sc = &ctx->opt->scope;
	struct np_report *r = ctx->r;
	size_t i;
	int rc;

	for (i = 0; i < m->namespaces.n; i++) {
		const char *ns = m->namespaces.v[i].name;

		if (!np_scope_excludes(sc, ns)) {
			r->namespaces++;
		} else if (!sc->only_namespace) {
			/* With -n the rest of the cluster is out of view, not "excluded". */
			rc = np_report_add_excluded_namespace(r, ns);
			if (rc < 0)
				return rc;
		}
	}
	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const struct np_pod_coverage *pc = &ctx->cov->pods[i];

		if (!pc->in_scope)
			continue;
		if (p->is_template) {
			r->pods_template++;
			continue;
		}
		r->pods++;
		if (p->host_network) {
			r->pods_host_network++;
			continue;
		}
		r->pods_isolatable++;
		if (pc->ingress_isolated)
			r->pods_ingress_isolated++;
		if (pc->egress_isolated)
			r->pods_egress_isolated++;
	}
	for (i = 0; i < m->netpols.n; i++)
		if (!np_scope_excludes(sc, m->netpols.v[i].namespace))
			r->policies++;
	for (i = 0; i < m->xpolicies.n; i++) {
		const struct np_xpolicy *x = &m->xpolicies.v[i];

		if (x->ignored || (x->namespace && np_scope_excludes(sc, x->namespace)))
			continue;
		/* Calico's kind is also "NetworkPolicy": qualify it so the two never merge. */
		rc = np_report_count_kind(r, x->xkind == NP_XP_CALICO_NP ?
					     "NetworkPolicy.projectcalico.org" :
					     x->kind ? x->kind : "?");
		if (rc < 0)
			return rc;
	}
	r->complete = m->errors.n == 0;
	for (i = 0; i < m->avail.n && r->complete; i++) {
		const struct np_avail *a = &m->avail.v[i];

		if (a->state != NP_AVAIL_READ &&
		    np_model_avail(m, a->res, a->namespace, NULL, NULL) != NP_AVAIL_READ)
			r->complete = false;
	}
	return 0;
}

static bool selected(const struct np_audit_options *opt, const char *id)
{
	size_t i;

	if (!opt->selected)
		return true;
	for (i = 0; i < opt->n_selected; i++)
		if (opt->selected[i] && strcasecmp(opt->selected[i], id) == 0)
			return true;
	return false;
}

static void mark_system(struct np_control_result *c)
{
	size_t j;

	for (j = 0; j < c->findings.n; j++) {
		struct np_finding *f = &c->findings.v[j];
		const char *ns = f->namespace;

		if (!ns && f->kind && strcmp(f->kind, "Namespace") == 0)
			ns = f->name;
		if (ns && np_namespace_is_system(ns))
			f->system = true;
	}
}

static int run_control(struct np_audit_ctx *ctx, const struct np_control_def *def,
		       const struct control_impl *im)
{
	const struct np_model *m = ctx->m;
	struct np_control_result *res = np_report_add_control(ctx->r, def);
	struct missing mi;
	int rc;

	if (!res)
		return NP_ENOMEM;
	check_missing(ctx, im->needs, &mi);
	if (mi.count == 0 && generic_only(m)) {
		if ((im->vacuous & VAC_K8S) && !has_k8s_objects(m)) {
			res->status = NP_ST_SKIP;
			res->summary = "no Kubernetes objects in input";
			return 0;
		}
		if ((im->vacuous & VAC_PODS) && !has_pods_or_workloads(m)) {
			res->status = NP_ST_SKIP;
			res->summary = "no pods or workloads in input";
			return 0;
		}
	}
	rc = im->fn(ctx, res);
	if (rc < 0)
		return rc;
	mark_system(res);
	if (mi.count) {
		/* Never PASS on missing data; the findings from what was read stay. */
		res->status = NP_ST_ERROR;
		if (mi.count > 1)
			res->summary = np_report_strf(ctx->r, "%s (and %zu more)",
						      mi.first ? mi.first : "needed data missing",
						      mi.count - 1);
		else
			res->summary = mi.first ? mi.first : "needed data missing";
	}
	return 0;
}

int np_audit_run(struct np_report *r, const struct np_model *m,
		 const struct np_audit_options *opt, struct np_error *err)
{
	struct np_coverage cov;
	struct np_audit_ctx ctx;
	struct np_audit_priv priv = { 0 };
	bool *expired = NULL;
	char today[11];
	const char *day;
	size_t i;
	int rc;

	rc = np_coverage_build(&cov, m, &opt->scope, opt->kics, err);
	if (rc < 0)
		return rc;
	ctx.m = m;
	ctx.opt = opt;
	ctx.cov = &cov;
	ctx.r = r;
	ctx.priv = &priv;
	r->semantics = opt->kics ? "kics" : "k8s";
	rc = priv_build(&priv, m, &opt->scope);
	if (rc < 0) {
		np_error_set(err, rc, "out of memory");
		goto out;
	}

	rc = np_cni_detect(r, m);
	if (rc < 0) {
		np_error_set(err, rc, "CNI detection failed");
		goto out;
	}

	for (i = 0; i < N_CATALOG; i++) {
		const struct np_control_def *def = &catalog[i];
		const struct control_impl *im = impl_find(def->id);

		if (!selected(opt, def->id)) {
			rc = np_report_add_skipped(r, def->id);
		} else if (!im || !im->fn) {
			rc = np_report_add_skipped(r, def->id);
			if (rc == 0)
				rc = np_report_note(r, "%s is not implemented yet: left out of the report",
						    def->id);
		} else {
			rc = run_control(&ctx, def, im);
		}
		if (rc < 0) {
			np_error_set(err, rc, "%s: out of memory", def->id);
			goto out;
		}
	}

	rc = fill_summary(&ctx);
	if (rc == 0 && generic_only(m) && m->netpols.n == 0 && m->pods.n > 0)
		rc = np_report_warn(r, "networkpolicies", NULL, "notInInput",
				    "the input has pods but no NetworkPolicy: `kubectl get all` omits "
				    "NetworkPolicies (add `kubectl get networkpolicies -A -o yaml`)");
	if (rc < 0) {
		np_error_set(err, rc, "out of memory");
		goto out;
	}

	np_report_finalize(r);

	/* Exceptions: expired ones suppress nothing and get a warning. */
	if (opt->n_exceptions) {
		expired = calloc(opt->n_exceptions, sizeof(*expired));
		if (!expired) {
			rc = np_error_set(err, NP_ENOMEM, "out of memory");
			goto out;
		}
	}
	day = opt->today;
	if (!day) {
		today_utc(today);
		day = today;
	}
	for (i = 0; i < opt->n_exceptions; i++) {
		const struct np_exception *e = &opt->exceptions[i];

		/* "through that day, UTC": YYYY-MM-DD compares as text. */
		if (e->expires && strcmp(e->expires, day) < 0) {
			expired[i] = true;
			rc = np_report_warn(r, NULL, e->namespace, "exceptionExpired",
					    "exception for %s%s (%s) expired on %s and suppresses nothing",
					    e->n_controls && e->controls[0] ? e->controls[0] : "?",
					    e->n_controls > 1 ? ", ..." : "",
					    e->reason ? e->reason : "", e->expires);
			if (rc < 0)
				goto oom;
		}
	}
	rc = apply_suppression(r, opt, expired);
	if (rc < 0)
		goto oom;
	for (i = 0; i < opt->n_exceptions; i++) {
		const struct np_exception *e = &opt->exceptions[i];

		if (!expired[i] && !e->used) {
			rc = np_report_note(r, "exception for %s (%s) matched no finding",
					    e->n_controls && e->controls[0] ? e->controls[0] : "?",
					    e->reason ? e->reason : "");
			if (rc < 0)
				goto oom;
		}
	}
	rc = 0;
	goto out;
oom:
	rc = np_error_set(err, NP_ENOMEM, "out of memory");
out:
	free(expired);
	priv_release(&priv);
	np_coverage_release(&cov);
	return rc;
}
