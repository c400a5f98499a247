/* `fix`: the NetworkPolicies that close NP-102, NP-103, NP-201 and NP-205
 * (DESIGN §5.5; the strategy is described in include/netpol/fix.h). The
 * controls decide what is missing, so that fix and audit never disagree;
 * this file turns their findings into policies. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netpol/audit.h"
#include "netpol/coverage.h"
#include "netpol/fix.h"
#include "netpol/reach.h"
#include "netpol/report.h"
#include "netpol/selector.h"

#define NS_LABEL "kubernetes.io/metadata.name"
#define SEL_TEXT 512

enum { C102 = 1, C103 = 2, C201 = 4, C205 = 8 };

static const struct {
	const char *id;
	unsigned bit;
} fix_controls[] = {
	{ "NP-102", C102 }, { "NP-103", C103 }, { "NP-201", C201 }, { "NP-205", C205 },
};
#define N_FIX_CONTROLS (sizeof(fix_controls) / sizeof(fix_controls[0]))

bool np_fix_handles(const char *id)
{
	size_t i;

	for (i = 0; id && i < N_FIX_CONTROLS; i++)
		if (strcasecmp(fix_controls[i].id, id) == 0)
			return true;
	return false;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

struct ns_plan {
	unsigned deny;  /* NP_DIR_* the default-deny covers */
	unsigned ctl;   /* controls asking for it (C1xx bits) */
	bool dns;       /* NP-205 flagged pods here */
};

/* A preserve allow before grouping: the pods it is for, and the rule. */
struct cand {
	struct np_selector subject;
	struct np_fix_rule rule;
	const char *slug;   /* for the policy name */
	const char *what;   /* short origin for listings: "Service web" */
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

struct fixb {
	const struct np_model *m;
	const struct np_fix_options *opt;
	struct np_fix *out;
	struct np_remediate *rem;
	struct np_coverage cov;
	struct ns_plan *plans;      /* per m->namespaces */
	bool *dns_pod;              /* per pod: NP-205 flagged it */
	size_t *by_ns;              /* pod indices sorted by namespace */
	size_t n_by_ns;
	size_t cap_notes;
	const char *ctl_text;       /* controls of the namespace being built */
	/* hostNetwork ingress controllers' addresses, as CIDRs */
	const char **ctrl_cidrs;
	size_t n_ctrl_cidrs;
	const char *ctrl_name;      /* "ns/name" of one of them */
	bool any_ctrl;              /* an ingress controller pod is in the input */
	/* other non-system hostNetwork pods ("Pod ns/x, DaemonSet ns/y") and
	 * their addresses, for the default-deny's footer; NULL = none */
	const char *hostnet_who, *hostnet_cidrs;
	/* Services without selector or of type ExternalName ("ns/a, ns/b"):
	 * they usually lead outside the cluster; NULL = none */
	const char *outside_svcs;
	/* egress_services' rules: the same for every namespace, made once */
	struct cand *egress_cache;
	size_t n_egress_cache;
	bool egress_cached;
	bool oom;
};

/* ---- small helpers ---- */

static int note(struct fixb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int note(struct fixb *b, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	const char *s;
	struct np_fix *f = b->out;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = np_remediate_strf(b->rem, "%s", buf);
	if (!s)
		return NP_ENOMEM;
	if (f->n_notes == b->cap_notes) {
		size_t ncap = b->cap_notes ? b->cap_notes * 2 : 8;
		const char **nv = realloc(f->notes, ncap * sizeof(*nv));

		if (!nv)
			return NP_ENOMEM;
		f->notes = nv;
		b->cap_notes = ncap;
	}
	f->notes[f->n_notes++] = s;
	return 0;
}

static size_t ns_index(const struct np_model *m, const char *ns)
{
	const struct np_namespace *n = np_model_find_namespace(m, ns);

	return n ? (size_t)(n - m->namespaces.v) : SIZE_MAX;
}

static const char *controls_text(struct fixb *b, unsigned bits)
{
	char buf[64] = "";
	size_t i;

	for (i = 0; i < N_FIX_CONTROLS; i++) {
		if (!(bits & fix_controls[i].bit))
			continue;
		if (*buf)
			strcat(buf, ",");
		strcat(buf, fix_controls[i].id);
	}
	return np_remediate_strf(b->rem, "%s", buf);
}

static bool pod_eligible(const struct np_pod *p)
{
	return !p->terminated && !p->host_network;
}

static void pod_subject(const struct np_pod *p, const char **kind, const char **name)
{
	if (p->top.kind && p->top.name) {
		*kind = p->top.kind;
		*name = p->top.name;
	} else {
		*kind = "Pod";
		*name = p->name;
	}
}

static bool svc_selects(const struct np_service *s, const struct np_pod *p)
{
	size_t i;

	if (!s->has_selector || strcmp0(s->namespace, p->namespace) != 0)
		return false;
	for (i = 0; i < s->selector.n; i++) {
		const char *v = np_labels_get(&p->labels, s->selector.keys[i]);

		if (!v || strcmp(v, s->selector.values[i]) != 0)
			return false;
	}
	return true;
}

static bool isolated(const struct fixb *b, size_t pod, unsigned dir)
{
	const struct np_pod_coverage *pc = &b->cov.pods[pod];

	return dir == NP_DIR_INGRESS ? pc->ingress_isolated : pc->egress_isolated;
}

/* Pods of ns: [*first, *first + return) in b->by_ns. */
static size_t pods_of(const struct fixb *b, const char *ns, size_t *first)
{
	size_t lo = 0, hi = b->n_by_ns, start;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp0(b->m->pods.v[b->by_ns[mid]].namespace, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	start = lo;
	while (lo < b->n_by_ns && strcmp0(b->m->pods.v[b->by_ns[lo]].namespace, ns) == 0)
		lo++;
	*first = start;
	return lo - start;
}

struct podref {
	const char *ns;
	size_t idx;
};

static int podref_cmp(const void *a, const void *x)
{
	const struct podref *p = a, *q = x;
	int c = strcmp0(p->ns, q->ns);

	if (c)
		return c;
	return p->idx < q->idx ? -1 : p->idx > q->idx;
}

static int index_pods(struct fixb *b)
{
	struct podref *refs;
	size_t i, n = b->m->pods.n;

	if (!n)
		return 0;
	refs = malloc(n * sizeof(*refs));
	b->by_ns = malloc(n * sizeof(*b->by_ns));
	if (!refs || !b->by_ns) {
		free(refs);
		return NP_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		refs[i].ns = b->m->pods.v[i].namespace;
		refs[i].idx = i;
	}
	qsort(refs, n, sizeof(*refs), podref_cmp);
	for (i = 0; i < n; i++)
		b->by_ns[i] = refs[i].idx;
	b->n_by_ns = n;
	free(refs);
	return 0;
}

static bool sel_matches_any(const struct fixb *b, const struct np_selector *s, const char *ns,
			    unsigned dir, bool want_isolated)
{
	size_t first, n = pods_of(b, ns, &first), k;

	for (k = 0; k < n; k++) {
		size_t i = b->by_ns[first + k];
		const struct np_pod *p = &b->m->pods.v[i];

		if (pod_eligible(p) && isolated(b, i, dir) == want_isolated &&
		    np_selector_matches(s, &p->labels))
			return true;
	}
	return false;
}

static int cand_push(struct fixb *b, struct cands *c, const struct np_selector *subject,
		     const struct np_fix_rule *rule, const char *slug, const char *what)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct cand *nv = realloc(c->v, ncap * sizeof(*nv));

		if (!nv)
			return NP_ENOMEM;
		c->v = nv;
		c->cap = ncap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	if (subject)
		c->v[c->n].subject = *subject;
	c->v[c->n].subject.present = true;
	c->v[c->n].rule = *rule;
	c->v[c->n].slug = slug;
	c->v[c->n].what = what;
	c->n++;
	(void)b;
	return 0;
}

static void sel_from_labels(struct fixb *b, struct np_selector *s, const struct np_labels *l)
{
	memset(s, 0, sizeof(*s));
	s->present = true;
	if (!l->n)
		return;
	s->label_keys = np_remediate_alloc(b->rem, l->n, sizeof(*s->label_keys));
	s->label_values = np_remediate_alloc(b->rem, l->n, sizeof(*s->label_values));
	if (!s->label_keys || !s->label_values)
		return;
	memcpy(s->label_keys, l->keys, l->n * sizeof(*l->keys));
	memcpy(s->label_values, l->values, l->n * sizeof(*l->values));
	s->n_labels = l->n;
}

static struct np_peer *peers_new(struct fixb *b, size_t n)
{
	return np_remediate_alloc(b->rem, n, sizeof(struct np_peer));
}

static struct np_ipblock *ipblock_new(struct fixb *b, const char *cidr)
{
	struct np_ipblock *ib = np_remediate_alloc(b->rem, 1, sizeof(*ib));

	if (ib)
		ib->cidr = cidr;
	return ib;
}

/* An address as a one-address CIDR ("10.0.0.1/32"); NULL when it does not parse. */
static const char *host_cidr(struct fixb *b, const char *ip)
{
	struct np_iprange r;
	bool v4;

	if (!ip || strchr(ip, '/') || np_cidr_parse(&r, &v4, ip) < 0)
		return NULL;
	return np_remediate_strf(b->rem, "%s/%d", ip, v4 ? 32 : 128);
}

/* ---- ingress controllers (for Ingress backends) ---- */

static bool is_ingress_controller(const struct np_pod *p)
{
	static const char *const names[] = {
		"ingress-nginx", "nginx-ingress", "nginx-ingress-controller", "ingress-nginx-controller",
		"traefik", "haproxy-ingress", "kubernetes-ingress", "contour", "kong",
		"ingress-controller", NULL,
	};
	static const char *const keys[] = { "app.kubernetes.io/name", "app", "k8s-app", NULL };
	size_t i, j;

	if (np_labels_get(&p->labels, "ingresscontroller.operator.openshift.io/deployment-ingresscontroller"))
		return true;
	for (i = 0; keys[i]; i++) {
		const char *v = np_labels_get(&p->labels, keys[i]);

		for (j = 0; v && names[j]; j++)
			if (strcmp(v, names[j]) == 0)
				return true;
	}
	return false;
}

static int find_controllers(struct fixb *b)
{
	const struct np_model *m = b->m;
	size_t i, j, k;

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];

		if (p->terminated || p->is_template || !is_ingress_controller(p))
			continue;
		b->any_ctrl = true;
		if (!p->host_network)
			continue;
		if (!b->ctrl_name)
			b->ctrl_name = np_remediate_strf(b->rem, "%s/%s", p->namespace, p->top.name ?
							 p->top.name : p->name);
		for (j = 0; j < p->n_ips; j++) {
			const char *c = host_cidr(b, p->ips[j]);
			const char **nv;

			if (!c)
				continue;
			for (k = 0; k < b->n_ctrl_cidrs; k++)
				if (strcmp(b->ctrl_cidrs[k], c) == 0)
					break;
			if (k < b->n_ctrl_cidrs)
				continue;
			nv = realloc(b->ctrl_cidrs, (b->n_ctrl_cidrs + 1) * sizeof(*nv));
			if (!nv)
				return NP_ENOMEM;
			b->ctrl_cidrs = nv;
			b->ctrl_cidrs[b->n_ctrl_cidrs++] = c;
		}
	}
	return 0;
}

/* A short list for a comment: "a, b, c, ..." with the first max distinct
 * items (compared whole, not as substrings), then "..." once. */
struct shortlist {
	char buf[512];
	size_t len, n, max;
};

static bool shortlist_has(const struct shortlist *l, const char *item)
{
	const char *p = l->buf;
	size_t n = strlen(item);

	for (; *p; p += 2) {
		const char *e = strstr(p, ", ");
		size_t k = e ? (size_t)(e - p) : strlen(p);

		if (k == n && memcmp(p, item, n) == 0)
			return true;
		if (!e)
			break;
		p = e;
	}
	return false;
}

static void shortlist_add(struct shortlist *l, const char *item)
{
	const char *text = item;
	int w;

	if (shortlist_has(l, item) || l->n > l->max)
		return;
	if (l->n == l->max)
		text = "...";
	if (l->len + 1 < sizeof(l->buf)) {
		w = snprintf(l->buf + l->len, sizeof(l->buf) - l->len, "%s%s", l->n ? ", " : "", text);
		if (w > 0)
			l->len += (size_t)w < sizeof(l->buf) - l->len ? (size_t)w
								   : sizeof(l->buf) - l->len - 1;
	}
	l->n++;
}

/* Non-system hostNetwork pods other than ingress controllers and
 * node-local-dns: they may call pods, but from their nodes' addresses,
 * which the kept allows (selectors) never match. Listed, not allowed: that
 * every node may connect is not implied by anything in the input. */
static int find_hostnet_clients(struct fixb *b)
{
	const struct np_model *m = b->m;
	struct shortlist who = { .max = 3 }, cidrs = { .max = 8 };
	size_t i;

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];
		const char *kind, *name, *item;
		size_t j;

		if (p->terminated || p->is_template || !p->host_network ||
		    np_namespace_is_system(p->namespace) || is_ingress_controller(p) ||
		    (p->has_owner && strcmp0(p->owner.name, "node-local-dns") == 0) ||
		    np_scope_excludes(&b->opt->scope, p->namespace))
			continue;
		pod_subject(p, &kind, &name);
		item = np_remediate_strf(b->rem, "%s %s/%s", kind, p->namespace, name);
		if (!item)
			return NP_ENOMEM;
		shortlist_add(&who, item);
		for (j = 0; j < p->n_ips; j++) {
			const char *c = host_cidr(b, p->ips[j]);

			if (c)
				shortlist_add(&cidrs, c);
		}
	}
	if (!who.n)
		return 0;
	b->hostnet_who = np_remediate_strf(b->rem, "%s", who.buf);
	b->hostnet_cidrs = cidrs.n ? np_remediate_strf(b->rem, "%s", cidrs.buf) : NULL;
	return b->hostnet_who ? 0 : NP_ENOMEM;
}

/* Services that lead where no selector reaches: hand-kept Endpoints (no
 * selector) or a DNS name (ExternalName). Named in the egress footer. */
static int find_outside_services(struct fixb *b)
{
	const struct np_model *m = b->m;
	struct shortlist svcs = { .max = 3 };
	size_t i;

	for (i = 0; i < m->services.n; i++) {
		const struct np_service *s = &m->services.v[i];
		char item[400];

		if (s->has_selector && s->type != NP_SVC_EXTERNALNAME)
			continue;
		/* default/kubernetes: the API server, named in the footer already */
		if (np_scope_excludes(&b->opt->scope, s->namespace) ||
		    np_namespace_is_system(s->namespace) ||
		    (strcmp0(s->namespace, "default") == 0 && strcmp0(s->name, "kubernetes") == 0))
			continue;
		snprintf(item, sizeof(item), "%s/%s", s->namespace ? s->namespace : "", s->name ? s->name : "");
		shortlist_add(&svcs, item);
	}
	if (!svcs.n)
		return 0;
	b->outside_svcs = np_remediate_strf(b->rem, "%s", svcs.buf);
	return b->outside_svcs ? 0 : NP_ENOMEM;
}

/* ---- Service ports ---- */

static bool backend_declares(const struct fixb *b, const struct np_service *s, const char *name,
			     enum np_proto proto)
{
	size_t first, n = pods_of(b, s->namespace, &first), k, j;

	for (k = 0; k < n; k++) {
		const struct np_pod *p = &b->m->pods.v[b->by_ns[first + k]];

		if (p->terminated || !svc_selects(s, p))
			continue;
		for (j = 0; j < p->n_ports; j++)
			if (p->ports[j].name && strcmp(p->ports[j].name, name) == 0 &&
			    p->ports[j].proto == proto)
				return true;
	}
	return false;
}

static bool port_in(const struct np_port *v, size_t n, const struct np_port *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].proto == p->proto && v[i].port == p->port &&
		    strcmp0(v[i].port_name, p->port_name) == 0)
			return true;
	return false;
}

/* The numeric port a backend of s declares under name, or 0. */
static int backend_port(const struct fixb *b, const struct np_service *s, const char *name,
			enum np_proto proto, bool host_network)
{
	size_t first, n = pods_of(b, s->namespace, &first), k, j;

	for (k = 0; k < n; k++) {
		const struct np_pod *p = &b->m->pods.v[b->by_ns[first + k]];

		if (p->terminated || p->host_network != host_network || !svc_selects(s, p))
			continue;
		for (j = 0; j < p->n_ports; j++)
			if (p->ports[j].name && strcmp(p->ports[j].name, name) == 0 &&
			    p->ports[j].proto == proto)
				return p->ports[j].port;
	}
	return 0;
}

/* The Service's target ports added to *v (malloc'd): numeric ones, and named
 * ones when a backend declares the name (NAMES_KEEP), or the numbers the
 * (hostNetwork or other) backends declare under those names, for rules with
 * ipBlock peers, which never match named ports. Returns how many names were
 * dropped. */
enum names_mode { NAMES_KEEP, NAMES_ON_PODS, NAMES_ON_HOSTNET };

static size_t svc_target_ports(struct fixb *b, const struct np_service *s, enum names_mode mode,
			       struct np_port **v, size_t *n, size_t *cap)
{
	size_t i, dropped = 0;

	for (i = 0; i < s->n_ports; i++) {
		const struct np_service_port *sp = &s->ports[i];
		struct np_port p;

		memset(&p, 0, sizeof(p));
		p.proto = sp->proto;
		p.has_port = true;
		if (sp->target_name && mode != NAMES_KEEP) {
			p.port = backend_port(b, s, sp->target_name, sp->proto,
					      mode == NAMES_ON_HOSTNET);
			if (!p.port) {
				dropped++;
				continue;
			}
		} else if (sp->target_name) {
			if (!backend_declares(b, s, sp->target_name, sp->proto)) {
				dropped++;
				continue;
			}
			p.port_name = sp->target_name;
		} else {
			p.port = sp->target_port;
		}
		if (port_in(*v, *n, &p))
			continue;
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 8;
			struct np_port *nv = realloc(*v, ncap * sizeof(*nv));

			if (!nv) {
				b->oom = true;
				return dropped;
			}
			*v = nv;
			*cap = ncap;
		}
		(*v)[(*n)++] = p;
	}
	return dropped;
}

static int port_cmp(const void *a, const void *x)
{
	const struct np_port *p = a, *q = x;

	if (p->proto != q->proto)
		return p->proto < q->proto ? -1 : 1;
	if (!p->port_name != !q->port_name)
		return p->port_name ? 1 : -1;
	if (p->port_name)
		return strcmp(p->port_name, q->port_name);
	return p->port < q->port ? -1 : p->port > q->port;
}

/* Moves a malloc'd port list into r's arena as the rule's ports. */
static void rule_ports(struct fixb *b, struct np_rule *ru, const struct np_port *v, size_t n)
{
	ru->ports = np_remediate_alloc(b->rem, n, sizeof(*ru->ports));
	if (!ru->ports)
		return;
	memcpy(ru->ports, v, n * sizeof(*v));
	ru->n_ports = n;
	ru->ports_present = true;
}

static const char *ingress_of(const struct fixb *b, const struct np_service *s)
{
	size_t i, j;

	for (i = 0; i < b->m->ingresses.n; i++) {
		const struct np_ingress *g = &b->m->ingresses.v[i];

		if (strcmp0(g->namespace, s->namespace) != 0)
			continue;
		for (j = 0; j < g->n_backends; j++)
			if (strcmp0(g->backends[j].service, s->name) == 0)
				return g->name;
	}
	return NULL;
}

/* Ingress to the Services of ns whose backends become isolated. */
static int ingress_services(struct fixb *b, const char *ns, struct cands *c)
{
	const struct np_model *m = b->m;
	size_t i, first, n = pods_of(b, ns, &first);
	int rc = 0;

	for (i = 0; i < m->services.n && rc == 0; i++) {
		const struct np_service *s = &m->services.v[i];
		struct np_port *ports = NULL;
		size_t np = 0, cap = 0, dropped, k, npeers;
		bool newly = false, ext = s->type == NP_SVC_NODEPORT || s->type == NP_SVC_LOADBALANCER;
		struct np_fix_rule fr;
		struct np_selector subject;
		const char *ing;

		if (strcmp0(s->namespace, ns) != 0 || !s->has_selector || s->type == NP_SVC_EXTERNALNAME)
			continue;
		for (k = 0; k < n && !newly; k++) {
			size_t pi = b->by_ns[first + k];
			const struct np_pod *p = &m->pods.v[pi];

			newly = pod_eligible(p) && !isolated(b, pi, NP_DIR_INGRESS) && svc_selects(s, p);
		}
		if (!newly)
			continue;
		dropped = svc_target_ports(b, s, NAMES_KEEP, &ports, &np, &cap);
		if (!np) {
			free(ports);
			rc = note(b, "namespace %s: Service %s: no target port resolves on its pods; "
				  "nothing kept", ns, s->name);
			continue;
		}
		qsort(ports, np, sizeof(*ports), port_cmp);
		ing = ingress_of(b, s);
		memset(&fr, 0, sizeof(fr));
		npeers = 1 + (ext ? 2 : 0);
		fr.rule.peers = peers_new(b, npeers);
		if (fr.rule.peers) {
			fr.rule.peers[0].has_ns_sel = true;
			fr.rule.peers[0].ns_sel.present = true;
			if (ext) {
				fr.rule.peers[1].ipblock = ipblock_new(b, "0.0.0.0/0");
				fr.rule.peers[2].ipblock = ipblock_new(b, "::/0");
			}
			fr.rule.n_peers = npeers;
			fr.rule.peers_present = true;
		}
		rule_ports(b, &fr.rule, ports, np);
		free(ports);
		fr.comment = np_remediate_strf(b->rem,
			"Service %s%s: reachable from every pod%s today; narrow to its clients%s%s%s%s",
			s->name, ext ? (s->type == NP_SVC_NODEPORT ? " (NodePort)" : " (LoadBalancer)") : "",
			ext ? " and from outside the cluster" : "",
			dropped ? "\n(named target ports its pods do not declare are left out)" : "",
			ing ? "\nIngress " : "", ing ? ing : "",
			ing && !b->any_ctrl ? ": no ingress controller in the input; if it runs outside "
					      "the cluster, allow its addresses" : "");
		sel_from_labels(b, &subject, &s->selector);
		rc = cand_push(b, c, &subject, &fr, s->name,
			       np_remediate_strf(b->rem, "Service %s", s->name));
		/* A hostNetwork controller connects from its node's address,
		 * which no namespaceSelector matches. */
		if (rc == 0 && ing && b->n_ctrl_cidrs && !ext) {
			struct np_fix_rule hr;
			struct np_port *hp = NULL;
			size_t hn = 0, hcap = 0;

			/* ipBlocks never match named ports: the numbers the pods declare. */
			svc_target_ports(b, s, NAMES_ON_PODS, &hp, &hn, &hcap);
			memset(&hr, 0, sizeof(hr));
			if (hn) {
				hr.rule.peers = peers_new(b, b->n_ctrl_cidrs);
				for (k = 0; hr.rule.peers && k < b->n_ctrl_cidrs; k++)
					hr.rule.peers[k].ipblock = ipblock_new(b, b->ctrl_cidrs[k]);
				hr.rule.n_peers = hr.rule.peers ? b->n_ctrl_cidrs : 0;
				hr.rule.peers_present = true;
				qsort(hp, hn, sizeof(*hp), port_cmp);
				rule_ports(b, &hr.rule, hp, hn);
				hr.comment = np_remediate_strf(b->rem,
					"Ingress %s through the hostNetwork ingress controller %s: from "
					"its nodes' addresses", ing, b->ctrl_name ? b->ctrl_name : "");
				rc = cand_push(b, c, &subject, &hr, s->name,
					       np_remediate_strf(b->rem, "Ingress %s, hostNetwork "
								 "controller", ing));
			}
			free(hp);
		}
	}
	return rc ? rc : (b->oom ? NP_ENOMEM : 0);
}

/* Egress to a Service whose backends run on the host network: they answer
 * on their nodes' addresses, which only ipBlocks match. */
static int egress_hostnet(struct fixb *b, struct cands *c, const struct np_service *s,
			  size_t first, size_t n, size_t hostnet)
{
	const struct np_model *m = b->m;
	const char **cidrs = calloc(hostnet * 2 + 1, sizeof(*cidrs));
	struct np_port *hp = NULL;
	size_t n_cidrs = 0, hn = 0, hcap = 0, k, j, q;
	struct np_fix_rule fr;
	int rc = 0;

	if (!cidrs)
		return NP_ENOMEM;
	for (k = 0; k < n; k++) {
		const struct np_pod *p = &m->pods.v[b->by_ns[first + k]];

		if (p->terminated || !p->host_network || !svc_selects(s, p))
			continue;
		for (j = 0; j < p->n_ips && n_cidrs < hostnet * 2; j++) {
			const char *cidr = host_cidr(b, p->ips[j]);

			for (q = 0; cidr && q < n_cidrs; q++)
				if (strcmp(cidrs[q], cidr) == 0)
					break;
			if (cidr && q == n_cidrs)
				cidrs[n_cidrs++] = cidr;
		}
	}
	if (!n_cidrs) {
		rc = note(b, "Service %s/%s: its hostNetwork pods have no address in the input; "
			  "egress to them is not kept", s->namespace, s->name);
		goto out;
	}
	svc_target_ports(b, s, NAMES_ON_HOSTNET, &hp, &hn, &hcap);
	if (!hn)
		goto out;
	memset(&fr, 0, sizeof(fr));
	fr.rule.peers = peers_new(b, n_cidrs);
	for (k = 0; fr.rule.peers && k < n_cidrs; k++)
		fr.rule.peers[k].ipblock = ipblock_new(b, cidrs[k]);
	fr.rule.n_peers = fr.rule.peers ? n_cidrs : 0;
	fr.rule.peers_present = true;
	qsort(hp, hn, sizeof(*hp), port_cmp);
	rule_ports(b, &fr.rule, hp, hn);
	fr.comment = np_remediate_strf(b->rem,
		"Service %s/%s: its pods run on the host network and answer on their\n"
		"nodes' addresses", s->namespace, s->name);
	rc = cand_push(b, c, NULL, &fr, "services",
		       np_remediate_strf(b->rem, "Service %s/%s on the host network", s->namespace,
					 s->name));
out:
	free(hp);
	free(cidrs);
	return rc;
}

/* Egress to every Service of the cluster: one rule to every pod on their
 * target ports, and per Service with hostNetwork backends their addresses. */
static int egress_services(struct fixb *b, struct cands *c)
{
	const struct np_model *m = b->m;
	struct np_port *ports = NULL;
	size_t np = 0, cap = 0, i, k, n_svc = 0;
	char names[400] = "";
	size_t pos = 0;
	int rc = 0, pass;

	/* Pass 0: the Services on pods; pass 1: those on the host network. */
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		for (i = 0; i < m->services.n && rc == 0; i++) {
			const struct np_service *s = &m->services.v[i];
			size_t first, n, pods = 0, hostnet = 0;

			if (!s->has_selector || s->type == NP_SVC_EXTERNALNAME)
				continue;
			n = pods_of(b, s->namespace, &first);
			for (k = 0; k < n; k++) {
				const struct np_pod *p = &m->pods.v[b->by_ns[first + k]];

				if (p->terminated || !svc_selects(s, p))
					continue;
				pods++;
				if (p->host_network)
					hostnet++;
			}
			if (pass == 0 && pods > hostnet) {
				svc_target_ports(b, s, NAMES_KEEP, &ports, &np, &cap);
				if (n_svc < 4) {
					int w = snprintf(names + pos, sizeof(names) - pos, "%s%s/%s",
							 n_svc ? ", " : "", s->namespace, s->name);

					if (w > 0)
						pos += (size_t)w < sizeof(names) - pos ? (size_t)w :
							sizeof(names) - pos - 1;
				} else if (n_svc == 4) {
					snprintf(names + pos, sizeof(names) - pos, ", ...");
					pos = strlen(names);
				}
				n_svc++;
			}
			if (pass == 1 && hostnet)
				rc = egress_hostnet(b, c, s, first, n, hostnet);
		}
		if (pass == 0 && np) {
			struct np_fix_rule fr;

			memset(&fr, 0, sizeof(fr));
			fr.rule.peers = peers_new(b, 1);
			if (fr.rule.peers) {
				fr.rule.peers[0].has_ns_sel = true;
				fr.rule.peers[0].ns_sel.present = true;
				fr.rule.n_peers = 1;
				fr.rule.peers_present = true;
			}
			qsort(ports, np, sizeof(*ports), port_cmp);
			rule_ports(b, &fr.rule, ports, np);
			fr.comment = np_remediate_strf(b->rem,
				"the target ports of the cluster's %zu Services, which every pod may call\n"
				"today (%s); narrow to the Services these pods use", n_svc, names);
			rc = cand_push(b, c, NULL, &fr, "services",
				       np_remediate_strf(b->rem, "%zu Services", n_svc));
		}
	}
	free(ports);
	return rc ? rc : (b->oom ? NP_ENOMEM : 0);
}

/* egress_services, computed for the first namespace and copied after. */
static int egress_cached(struct fixb *b, struct cands *c)
{
	size_t i;
	int rc;

	if (!b->egress_cached) {
		struct cands own = { 0 };

		rc = egress_services(b, &own);
		if (rc < 0) {
			free(own.v);
			return rc;
		}
		b->egress_cache = own.v;
		b->n_egress_cache = own.n;
		b->egress_cached = true;
	}
	for (i = 0; i < b->n_egress_cache; i++) {
		const struct cand *x = &b->egress_cache[i];

		rc = cand_push(b, c, &x->subject, &x->rule, x->slug, x->what);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- mirrors of other policies' rules ---- */

/* Whether a peer names pods of ns explicitly (not "everything"). */
static bool peer_names_ns(const struct np_model *m, const struct np_netpol *pol,
			  const struct np_peer *p, const struct np_namespace *ns)
{
	if (p->ipblock || p->pod_sel.invalid || p->ns_sel.invalid)
		return false;
	if (!p->has_ns_sel)
		return strcmp0(pol->namespace, ns->name) == 0;
	if (np_selector_is_empty(&p->ns_sel) && (!p->has_pod_sel || np_selector_is_empty(&p->pod_sel)))
		return false;
	(void)m;
	return np_selector_matches(&p->ns_sel, &ns->labels);
}

/* For the pods of ns that become isolated in dir: rules of other policies in
 * the opposite direction that name them (DESIGN §5.5 "what current policies
 * imply"). */
static int mirrors(struct fixb *b, const struct np_namespace *ns, unsigned dir, struct cands *c)
{
	const struct np_model *m = b->m;
	unsigned other = dir == NP_DIR_INGRESS ? NP_DIR_EGRESS : NP_DIR_INGRESS;
	size_t i, j, k;
	int rc = 0;

	for (i = 0; i < m->netpols.n && rc == 0; i++) {
		const struct np_netpol *pol = &m->netpols.v[i];
		size_t nr = other == NP_DIR_EGRESS ? pol->n_egress : pol->n_ingress;
		const struct np_rule *rules = other == NP_DIR_EGRESS ? pol->egress : pol->ingress;

		if (!(np_netpol_effective_types(pol) & other) || pol->pod_selector.invalid ||
		    (i < b->cov.n_netpols && b->cov.netpols[i].selected == 0 &&
		     b->cov.netpols[i].selected_idle == 0) ||
		    np_scope_excludes(&b->opt->scope, pol->namespace))
			continue;
		for (j = 0; j < nr && rc == 0; j++) {
			const struct np_rule *ru = &rules[j];

			if (ru->invalid || !ru->peers_present)
				continue;
			for (k = 0; k < ru->n_peers && rc == 0; k++) {
				const struct np_peer *p = &ru->peers[k];
				struct np_selector subject;
				struct np_fix_rule fr;
				struct np_peer *src;

				if (!peer_names_ns(m, pol, p, ns))
					continue;
				memset(&subject, 0, sizeof(subject));
				if (p->has_pod_sel)
					subject = p->pod_sel;
				subject.present = true;
				if (!sel_matches_any(b, &subject, ns->name, dir, false))
					continue;
				memset(&fr, 0, sizeof(fr));
				src = peers_new(b, 1);
				if (!src)
					return NP_ENOMEM;
				if (strcmp0(pol->namespace, ns->name) != 0) {
					src->has_ns_sel = true;
					src->ns_sel.present = true;
					src->ns_sel.label_keys = np_remediate_alloc(b->rem, 1, sizeof(char *));
					src->ns_sel.label_values = np_remediate_alloc(b->rem, 1,
										      sizeof(char *));
					if (!src->ns_sel.label_keys || !src->ns_sel.label_values)
						return NP_ENOMEM;
					src->ns_sel.label_keys[0] = NS_LABEL;
					src->ns_sel.label_values[0] = pol->namespace;
					src->ns_sel.n_labels = 1;
				}
				src->has_pod_sel = true;
				src->pod_sel = pol->pod_selector;
				src->pod_sel.present = true;
				fr.rule.peers = src;
				fr.rule.n_peers = 1;
				fr.rule.peers_present = true;
				fr.rule.ports = ru->ports;
				fr.rule.n_ports = ru->n_ports;
				fr.rule.ports_present = ru->ports_present;
				fr.comment = np_remediate_strf(b->rem,
					"NetworkPolicy %s/%s allows %s these pods (its %s rule %zu)",
					pol->namespace, pol->name,
					other == NP_DIR_EGRESS ? "egress to" : "ingress from",
					other == NP_DIR_EGRESS ? "egress" : "ingress", j + 1);
				rc = cand_push(b, c, &subject, &fr,
					       np_remediate_strf(b->rem, "%s-%s",
								 other == NP_DIR_EGRESS ? "from" : "to",
								 pol->name),
					       np_remediate_strf(b->rem, "NetworkPolicy %s/%s",
								 pol->namespace, pol->name));
			}
		}
	}
	return rc;
}

/* ---- grouping, narrowing, emitting ---- */

struct textbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void tb_add(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_add(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > SIZE_MAX / 4 - t->n) {
		t->oom = true;
		return;
	}
	if (t->n + (size_t)n + 1 > t->cap) {
		size_t ncap = t->cap ? t->cap : 256;
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

/* Labels that differ between pods of one workload: never part of a subject. */
static bool volatile_label(const char *k)
{
	static const char *const keys[] = {
		"pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
		"apps.kubernetes.io/pod-index", "controller-uid", "batch.kubernetes.io/controller-uid",
		"batch.kubernetes.io/job-name", "job-name", "pod-template-generation", NULL,
	};
	size_t i;

	for (i = 0; keys[i]; i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

/* A subject for one workload's pods: its stable labels plus T's expressions. */
static void workload_subject(struct fixb *b, const struct np_pod *p, const struct np_selector *t,
			     struct np_selector *out)
{
	size_t i, k = 0;

	memset(out, 0, sizeof(*out));
	out->present = true;
	out->exprs = t->exprs;
	out->n_exprs = t->n_exprs;
	if (!p->labels.n)
		return;
	out->label_keys = np_remediate_alloc(b->rem, p->labels.n, sizeof(*out->label_keys));
	out->label_values = np_remediate_alloc(b->rem, p->labels.n, sizeof(*out->label_values));
	if (!out->label_keys || !out->label_values)
		return;
	for (i = 0; i < p->labels.n; i++) {
		if (volatile_label(p->labels.keys[i]))
			continue;
		out->label_keys[k] = p->labels.keys[i];
		out->label_values[k] = p->labels.values[i];
		k++;
	}
	out->n_labels = k;
}

/* T narrowed to the pods that become isolated: T plus "k NotIn (values)",
 * for a label key k every already isolated pod T selects carries, with
 * values none of the newly isolated ones has. false when no key does. */
static bool narrow_notin(struct fixb *b, const char *ns, unsigned dir, const struct np_selector *t,
			 struct np_selector *out)
{
	static const char *const preferred[] = { "app.kubernetes.io/name", "app", "k8s-app", NULL };
	size_t first, n = pods_of(b, ns, &first), k, a0 = SIZE_MAX, ki, pass;
	const struct np_pod *p0;

	for (k = 0; k < n && a0 == SIZE_MAX; k++) {
		size_t pi = b->by_ns[first + k];

		if (pod_eligible(&b->m->pods.v[pi]) && isolated(b, pi, dir) &&
		    np_selector_matches(t, &b->m->pods.v[pi].labels))
			a0 = pi;
	}
	if (a0 == SIZE_MAX)
		return false;
	p0 = &b->m->pods.v[a0];
	for (pass = 0; pass < 2; pass++) {
		for (ki = 0; ki < p0->labels.n; ki++) {
			const char *key = p0->labels.keys[ki], *vals[16];
			size_t nv = 0, q, j;
			bool ok = true, pref = false;
			struct np_sel_expr *x;

			for (q = 0; preferred[q]; q++)
				pref = pref || strcmp(key, preferred[q]) == 0;
			if (pref != (pass == 0) || volatile_label(key))
				continue;
			for (k = 0; k < n && ok; k++) {
				size_t pi = b->by_ns[first + k];
				const struct np_pod *p = &b->m->pods.v[pi];
				const char *v;

				if (!pod_eligible(p) || !np_selector_matches(t, &p->labels))
					continue;
				v = np_labels_get(&p->labels, key);
				if (isolated(b, pi, dir)) {
					if (!v) {
						ok = false;
						break;
					}
					for (q = 0; q < nv && strcmp(vals[q], v) != 0; q++)
						;
					if (q == nv) {
						if (nv == 16)
							ok = false;
						else
							vals[nv++] = v;
					}
				}
			}
			/* No newly isolated pod may carry one of those values. */
			for (k = 0; k < n && ok; k++) {
				size_t pi = b->by_ns[first + k];
				const struct np_pod *p = &b->m->pods.v[pi];
				const char *v = np_labels_get(&p->labels, key);

				if (!pod_eligible(p) || isolated(b, pi, dir) || !v ||
				    !np_selector_matches(t, &p->labels))
					continue;
				for (q = 0; q < nv && ok; q++)
					ok = strcmp(vals[q], v) != 0;
			}
			if (!ok)
				continue;
			*out = *t;
			out->present = true;
			x = np_remediate_alloc(b->rem, t->n_exprs + 1, sizeof(*x));
			if (!x)
				return false;
			if (t->n_exprs)
				memcpy(x, t->exprs, t->n_exprs * sizeof(*x));
			x[t->n_exprs].key = key;
			x[t->n_exprs].op = NP_SEL_NOTIN;
			x[t->n_exprs].op_text = "NotIn";
			x[t->n_exprs].values = np_remediate_alloc(b->rem, nv, sizeof(char *));
			if (!x[t->n_exprs].values)
				return false;
			/* sorted, so the output does not depend on pod order */
			for (q = 0; q < nv; q++) {
				for (j = q + 1; j < nv; j++)
					if (strcmp(vals[j], vals[q]) < 0) {
						const char *tmp = vals[q];

						vals[q] = vals[j];
						vals[j] = tmp;
					}
				x[t->n_exprs].values[q] = vals[q];
			}
			x[t->n_exprs].n_values = nv;
			out->exprs = x;
			out->n_exprs = t->n_exprs + 1;
			return true;
		}
	}
	return false;
}

static int emit_preserve(struct fixb *b, const char *ns, unsigned dir, const struct np_selector *subject,
			 const struct cand *rules, const size_t *idx, size_t n, const char *slug)
{
	struct np_fix *f = b->out;
	struct np_fix_policy *p, *nv;
	struct np_fix_rule *fr;
	size_t i;

	if (f->n >= SIZE_MAX / sizeof(*f->v) - 1)
		return NP_ENOMEM;
	nv = realloc(f->v, (f->n + 1) * sizeof(*nv));
	if (!nv)
		return NP_ENOMEM;
	f->v = nv;
	p = &f->v[f->n++];
	memset(p, 0, sizeof(*p));
	fr = np_remediate_alloc(b->rem, n, sizeof(*fr));
	if (!fr)
		return NP_ENOMEM;
	for (i = 0; i < n; i++)
		fr[i] = rules[idx[i]].rule;
	p->namespace = ns;
	p->name = np_remediate_name(b->rem, ns,
				    np_remediate_strf(b->rem, "preserve-%s-%s",
						      dir == NP_DIR_INGRESS ? "ingress" : "egress", slug));
	p->controls = b->ctl_text;
	p->purpose = "preserve";
	p->header = dir == NP_DIR_INGRESS ?
		"keeps ingress that today's Services, Ingresses and policies imply for pods\n"
		"the default-deny isolates; review, then narrow it to the clients that need it" :
		"keeps egress that today's Services and policies imply for pods the\n"
		"default-deny isolates; review, then narrow it to what the pods call";
	p->pod_selector = *subject;
	p->pod_selector.present = true;
	p->types = dir;
	if (dir == NP_DIR_INGRESS) {
		p->ingress = fr;
		p->n_ingress = n;
	} else {
		p->egress = fr;
		p->n_egress = n;
	}
	return p->name ? 0 : NP_ENOMEM;
}

/* What a rule would have allowed, for the default-deny's footer. */
static void list_rule(struct textbuf *t, unsigned dir, const struct np_selector *subject,
		      const struct np_rule *r, const char *why)
{
	char sel[SEL_TEXT], desc[1024];

	np_selector_format(subject, sel, sizeof(sel));
	np_fix_rule_describe(r, dir, desc, sizeof(desc));
	tb_add(t, "- %s of %s %s (%s)\n", dir == NP_DIR_INGRESS ? "ingress" : "egress",
	       np_selector_is_empty(subject) ? "every pod" : sel, desc, why ? why : "");
}

/* Groups the candidates by subject; narrows subjects that would select pods
 * already isolated; emits policies (preserve) or lists them (footer). */
static int settle(struct fixb *b, const struct np_namespace *ns, unsigned dir, struct cands *c,
		  struct textbuf *footer, struct textbuf *lost)
{
	size_t *idx = NULL, i, j, k, n;
	bool *done = NULL;
	char si[SEL_TEXT], sj[SEL_TEXT];
	int rc = 0;

	if (!c->n)
		return 0;
	idx = malloc(c->n * sizeof(*idx));
	done = calloc(c->n, sizeof(*done));
	if (!idx || !done) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < c->n && rc == 0; i++) {
		const struct np_selector *t = &c->v[i].subject;

		if (done[i])
			continue;
		np_selector_format(t, si, sizeof(si));
		n = 0;
		for (j = i; j < c->n; j++) {
			if (done[j])
				continue;
			np_selector_format(&c->v[j].subject, sj, sizeof(sj));
			if (strcmp(si, sj) == 0) {
				done[j] = true;
				idx[n++] = j;
			}
		}
		if (!b->opt->preserve) {
			for (j = 0; j < n; j++)
				list_rule(footer, dir, t, &c->v[idx[j]].rule.rule, c->v[idx[j]].what);
			continue;
		}
		if (!sel_matches_any(b, t, ns->name, dir, true)) {
			rc = emit_preserve(b, ns->name, dir, t, c->v, idx, n, c->v[i].slug);
			continue;
		}
		/* T also selects pods that policies isolate already: exclude them
		 * by one label if one tells them apart, else one subject per
		 * workload that becomes isolated, from its own labels. */
		{
			struct np_selector narrowed;

			if (narrow_notin(b, ns->name, dir, t, &narrowed)) {
				rc = emit_preserve(b, ns->name, dir, &narrowed, c->v, idx, n,
						   c->v[i].slug);
				continue;
			}
		}
		{
			size_t first, np = pods_of(b, ns->name, &first);
			const char **seen_kind = calloc(np + 1, sizeof(*seen_kind));
			const char **seen_name = calloc(np + 1, sizeof(*seen_name));
			size_t n_seen = 0;

			if (!seen_kind || !seen_name) {
				free(seen_kind);
				free(seen_name);
				rc = NP_ENOMEM;
				break;
			}
			for (k = 0; k < np && rc == 0; k++) {
				size_t pi = b->by_ns[first + k], q;
				const struct np_pod *p = &b->m->pods.v[pi];
				const char *wk, *wn;
				struct np_selector ws;

				if (!pod_eligible(p) || isolated(b, pi, dir) ||
				    !np_selector_matches(t, &p->labels))
					continue;
				pod_subject(p, &wk, &wn);
				for (q = 0; q < n_seen; q++)
					if (strcmp0(seen_kind[q], wk) == 0 && strcmp0(seen_name[q], wn) == 0)
						break;
				if (q < n_seen)
					continue;
				seen_kind[n_seen] = wk;
				seen_name[n_seen++] = wn;
				workload_subject(b, p, t, &ws);
				if (!np_selector_is_empty(&ws) &&
				    !sel_matches_any(b, &ws, ns->name, dir, true)) {
					rc = emit_preserve(b, ns->name, dir, &ws, c->v, idx, n,
							   np_remediate_strf(b->rem, "%s-%s", c->v[i].slug,
									     wn));
					continue;
				}
				for (j = 0; j < n; j++)
					list_rule(lost, dir, &ws, &c->v[idx[j]].rule.rule,
						  np_remediate_strf(b->rem, "%s; for %s %s", c->v[idx[j]].what,
								    wk, wn));
			}
			free(seen_kind);
			free(seen_name);
		}
	}
out:
	free(idx);
	free(done);
	return rc ? rc : (b->oom ? NP_ENOMEM : 0);
}

static int preserve(struct fixb *b, size_t nsi, unsigned deny, size_t deny_policy)
{
	const struct np_namespace *ns = &b->m->namespaces.v[nsi];
	struct textbuf footer = { 0 }, lost = { 0 }, todo = { 0 };
	struct cands c = { 0 };
	unsigned dirs[2] = { NP_DIR_INGRESS, NP_DIR_EGRESS };
	size_t d, first, n = pods_of(b, ns->name, &first), k;
	bool ingress_new = false;
	int rc = 0;

	for (d = 0; d < 2 && rc == 0; d++) {
		bool any = false;

		if (!(deny & dirs[d]))
			continue;
		for (k = 0; k < n && !any; k++) {
			size_t pi = b->by_ns[first + k];

			any = pod_eligible(&b->m->pods.v[pi]) && !isolated(b, pi, dirs[d]);
		}
		if (!any)
			continue;
		if (dirs[d] == NP_DIR_INGRESS)
			ingress_new = true;
		c.n = 0;
		if (dirs[d] == NP_DIR_INGRESS)
			rc = ingress_services(b, ns->name, &c);
		else
			rc = egress_cached(b, &c);
		if (rc == 0)
			rc = mirrors(b, ns, dirs[d], &c);
		if (rc == 0)
			rc = settle(b, ns, dirs[d], &c, &footer, &lost);
	}
	if (rc == 0 && (deny & NP_DIR_EGRESS) && !np_remediate_sensitive(b->rem, ns->name))
	{
		tb_add(&todo, "Egress outside the cluster (external APIs and databases, the API server\n"
			      "behind Service default/kubernetes) is denied from now on: add ipBlock\n"
			      "rules for what the pods call.\n");
		if (b->outside_svcs)
			tb_add(&todo, "Services without a selector or of type ExternalName lead there\n"
				      "(%s): allow their endpoints' addresses if the pods\n"
				      "call them.\n", b->outside_svcs);
	}
	if (rc == 0 && ingress_new && b->hostnet_who)
		tb_add(&todo, "hostNetwork pods (%s) connect from their nodes'\n"
			      "addresses, which no pod or namespace selector matches: if they call pods\n"
			      "here, allow %s (ipBlock).\n", b->hostnet_who,
		       b->hostnet_cidrs ? b->hostnet_cidrs : "their nodes' addresses");
	if (rc == 0 && (footer.n || lost.n || todo.n)) {
		struct textbuf all = { 0 };
		struct np_fix_policy *p = &b->out->v[deny_policy];

		if (p->footer)
			tb_add(&all, "%s\n", p->footer);
		if (footer.n)
			tb_add(&all, "Not allowed (--no-preserve): today's Services, Ingresses and policies "
				     "imply this traffic;\nallow what is still needed:\n%s", footer.s);
		if (lost.n)
			tb_add(&all, "Not kept (no label tells these pods from ones already isolated);\n"
				     "allow by hand what is still needed:\n%s", lost.s);
		if (todo.n)
			tb_add(&all, "%s", todo.s);
		if (all.oom) {
			rc = NP_ENOMEM;
		} else {
			/* drop the last newline: tx_comment prints one per line */
			if (all.n && all.s[all.n - 1] == '\n')
				all.s[--all.n] = '\0';
			p->footer = np_remediate_strf(b->rem, "%s", all.s);
		}
		free(all.s);
	}
	free(footer.s);
	free(lost.s);
	free(todo.s);
	free(c.v);
	if (footer.oom || lost.oom || todo.oom)
		return NP_ENOMEM;
	return rc;
}

/* ---- NP-205 for pods already egress-isolated ---- */

static int dns_fix(struct fixb *b, const char *ns)
{
	const struct np_model *m = b->m;
	size_t first, n = pods_of(b, ns, &first), k, j, *pols = NULL, n_pols = 0;
	int rc = 0;

	pols = calloc(n + 1, sizeof(*pols));
	if (!pols)
		return NP_ENOMEM;
	for (k = 0; k < n && rc == 0; k++) {
		size_t pi = b->by_ns[first + k];
		const struct np_pod_coverage *pc = &b->cov.pods[pi];
		const struct np_polref *ref = NULL;

		if (!b->dns_pod[pi])
			continue;
		for (j = 0; j < pc->n_egress && !ref; j++)
			if (!pc->egress[j].xpolicy &&
			    !m->netpols.v[pc->egress[j].index].pod_selector.invalid)
				ref = &pc->egress[j];
		if (!ref) {
			const char *kind = "policy", *name = "";

			if (pc->n_egress && pc->egress[0].xpolicy) {
				kind = m->xpolicies.v[pc->egress[0].index].kind;
				name = m->xpolicies.v[pc->egress[0].index].name;
			}
			rc = note(b, "namespace %s: pod %s is egress-isolated by %s %s: allow DNS there "
				  "(NetworkPolicy cannot)", ns, m->pods.v[pi].name, kind, name);
			continue;
		}
		for (j = 0; j < n_pols; j++)
			if (pols[j] == ref->index)
				break;
		if (j == n_pols)
			pols[n_pols++] = ref->index;
	}
	/* An empty selector covers every other one. */
	for (j = 0; j < n_pols; j++)
		if (np_selector_is_empty(&m->netpols.v[pols[j]].pod_selector)) {
			pols[0] = pols[j];
			n_pols = 1;
			break;
		}
	for (j = 0; j < n_pols && rc == 0; j++) {
		const struct np_netpol *pol = &m->netpols.v[pols[j]];
		bool all = np_selector_is_empty(&pol->pod_selector);

		rc = np_remediate_allow_dns(b->rem, ns, &pol->pod_selector,
					    all ? "allow-dns" : np_remediate_strf(b->rem, "allow-dns-%s",
										  pol->name),
					    controls_text(b, C205),
					    np_remediate_strf(b->rem, "pods that NetworkPolicy %s isolates for "
							      "egress cannot resolve DNS (NP-205)",
							      pol->name),
					    &b->out->v, &b->out->n);
	}
	free(pols);
	return rc;
}

/* ---- the audit's findings into plans ---- */

static unsigned control_bit(const char *id)
{
	size_t i;

	for (i = 0; i < N_FIX_CONTROLS; i++)
		if (strcmp(fix_controls[i].id, id) == 0)
			return fix_controls[i].bit;
	return 0;
}

static void mark_dns_pods(struct fixb *b, const struct np_finding *f)
{
	size_t first, n = pods_of(b, f->namespace, &first), k;

	for (k = 0; k < n; k++) {
		size_t pi = b->by_ns[first + k];
		const struct np_pod *p = &b->m->pods.v[pi];
		const char *kind, *name;

		pod_subject(p, &kind, &name);
		if (strcmp0(kind, f->kind) == 0 && strcmp0(name, f->name) == 0 &&
		    b->cov.pods[pi].egress_isolated && pod_eligible(p))
			b->dns_pod[pi] = true;
	}
}

static int read_findings(struct fixb *b, const struct np_report *rep)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < rep->controls.n && rc == 0; i++) {
		const struct np_control_result *c = &rep->controls.v[i];
		unsigned bit = control_bit(c->def->id);

		if (c->status == NP_ST_ERROR && !b->out->incomplete) {
			b->out->incomplete = true;
			b->out->incomplete_why = np_remediate_strf(b->rem, "%s: %s", c->def->id,
								   c->summary ? c->summary : "ERROR");
		}
		for (j = 0; j < c->findings.n && rc == 0; j++) {
			const struct np_finding *f = &c->findings.v[j];
			/* NP-102/201 findings are the Namespace object itself. */
			const char *ns = strcmp0(f->kind, "Namespace") == 0 ? f->name : f->namespace;
			size_t nsi = ns ? ns_index(b->m, ns) : SIZE_MAX;
			struct ns_plan *pl;

			if (nsi == SIZE_MAX)
				continue;
			pl = &b->plans[nsi];
			if (bit == C205) {
				pl->dns = true;
				pl->ctl |= C205;
				mark_dns_pods(b, f);
				continue;
			}
			if (f->level != NP_ST_FAIL) {
				rc = note(b, "namespace %s: %s is undecided (%s); nothing generated for it",
					  ns, c->def->id, f->message ? f->message : "WARN");
				continue;
			}
			pl->ctl |= bit;
			pl->deny |= bit == C102 ? (NP_DIR_INGRESS | NP_DIR_EGRESS) : f->directions;
		}
	}
	return rc;
}

/* ---- entry points ---- */

void np_fix_release(struct np_fix *f)
{
	if (!f)
		return;
	free(f->v);
	free(f->notes);
	np_remediate_free(f->rem);
	memset(f, 0, sizeof(*f));
}

int np_fix_build(struct np_fix *out, const struct np_model *m, const struct np_fix_options *opt,
		 struct np_error *err)
{
	struct fixb b;
	struct np_report rep;
	struct np_audit_options aopt;
	const char *ids[N_FIX_CONTROLS];
	size_t n_ids = 0, i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	memset(&aopt, 0, sizeof(aopt));
	np_report_init(&rep);
	b.m = m;
	b.opt = opt;
	b.out = out;
	for (i = 0; i < N_FIX_CONTROLS; i++) {
		bool on = !opt->selected;

		for (j = 0; opt->selected && j < opt->n_selected && !on; j++)
			on = opt->selected[j] && strcasecmp(opt->selected[j], fix_controls[i].id) == 0;
		if (on)
			ids[n_ids++] = fix_controls[i].id;
	}
	if ((rc = np_remediate_new(&out->rem, m, err)) < 0)
		goto out;
	b.rem = out->rem;
	if (!n_ids) {
		rc = note(&b, "fix closes NP-102, NP-103, NP-201 and NP-205: none of them is selected");
		goto out;
	}
	aopt.scope = opt->scope;
	aopt.selected = ids;
	aopt.n_selected = n_ids;
	aopt.today = "1970-01-01";
	if ((rc = np_audit_run(&rep, m, &aopt, err)) < 0)
		goto out;
	if ((rc = np_coverage_build(&b.cov, m, &opt->scope, false, err)) < 0)
		goto out;
	rc = NP_ENOMEM;
	b.plans = calloc(m->namespaces.n + 1, sizeof(*b.plans));
	b.dns_pod = calloc(m->pods.n + 1, sizeof(*b.dns_pod));
	if (!b.plans || !b.dns_pod || index_pods(&b) < 0 || find_controllers(&b) < 0 ||
	    find_hostnet_clients(&b) < 0 || find_outside_services(&b) < 0)
		goto out;
	if ((rc = read_findings(&b, &rep)) < 0)
		goto out;
	for (i = 0; i < m->namespaces.n; i++) {
		const char *ns = m->namespaces.v[i].name;
		struct ns_plan *pl = &b.plans[i];
		size_t start = out->n;

		if ((!pl->deny && !pl->dns) || np_scope_excludes(&opt->scope, ns))
			continue;
		b.ctl_text = controls_text(&b, pl->ctl & (C102 | C103 | C201));
		if (pl->deny) {
			rc = np_remediate_default_deny(b.rem, ns, pl->deny, b.ctl_text, &out->v, &out->n);
			if (rc == 0)
				rc = preserve(&b, i, pl->deny, start);
		}
		if (rc == 0 && pl->dns && !(pl->deny & NP_DIR_EGRESS))
			rc = dns_fix(&b, ns);
		if (rc < 0)
			goto out;
		if (out->n > start)
			out->n_namespaces++;
	}
	rc = b.oom ? NP_ENOMEM : 0;
out:
	np_report_release(&rep);
	np_coverage_release(&b.cov);
	free(b.plans);
	free(b.dns_pod);
	free(b.by_ns);
	free((void *)b.ctrl_cidrs);
	free(b.egress_cache);
	if (rc == NP_ENOMEM)
		np_error_set(err, rc, "fix: out of memory");
	return rc;
}
