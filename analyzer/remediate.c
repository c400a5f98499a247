/* Default-deny manifests and their YAML (DESIGN §5.5), shared by the audit
 * remediations (controls_ns.c) and `fix` (fix.c). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netpol/reach.h"
#include "netpol/remediate.h"
#include "netpol/scope.h"
#include "netpol/selector.h"

#define NS_LABEL "kubernetes.io/metadata.name"
/* Declared TCP ports listed for a system namespace's webhook fallback. */
#define MAX_DECLARED_PORTS 32
/* Longest generated name: a DNS label's 63 (NetworkPolicy names are DNS
 * subdomains of up to 253), so that the -2, -3 suffixes still fit. */
#define MAX_NAME 63

/* Webhook and APIService backends of one namespace. */
struct wh_ns {
	const char *ns;
	const char *why;         /* the first webhook backed here */
	struct np_port *ports;   /* resolved target ports (TCP), unique */
	size_t n_ports, cap;
	const char *unresolved;  /* the first webhook whose target port is unknown */
};

struct used_name {
	const char *ns, *name;
};

struct np_remediate {
	const struct np_model *m;
	struct np_arena mem;
	struct np_dns_target dns;
	struct wh_ns *wh;
	size_t n_wh;
	struct used_name *used;
	size_t n_used, cap_used;
	bool oom;
};

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

void *np_remediate_alloc(struct np_remediate *r, size_t n, size_t size)
{
	void *p;

	if (!n || !size)
		return NULL;
	if (n > SIZE_MAX / size) {
		r->oom = true;
		return NULL;
	}
	p = np_arena_alloc(&r->mem, n * size);
	if (!p)
		r->oom = true;
	return p;
}

static const char *rstr(struct np_remediate *r, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = np_arena_strndup(&r->mem, s, strlen(s));
	if (!d)
		r->oom = true;
	return d;
}

const char *np_remediate_strf(struct np_remediate *r, const char *fmt, ...)
{
	va_list ap;
	char small[256], *buf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->oom = true;
		return NULL;
	}
	if ((size_t)n < sizeof(small))
		return rstr(r, small);
	buf = np_remediate_alloc(r, (size_t)n + 1, 1);
	if (!buf)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return buf;
}

/* ---- DNS target ---- */

static void dns_ports_of(const struct np_pod *p, int *udp, int *tcp)
{
	size_t j;

	for (j = 0; j < p->n_ports; j++) {
		const struct np_container_port *cp = &p->ports[j];

		if (!cp->name || cp->port <= 0)
			continue;
		if (strcmp(cp->name, "dns") == 0 && cp->proto == NP_PROTO_UDP)
			*udp = cp->port;
		else if (strcmp(cp->name, "dns-tcp") == 0 && cp->proto == NP_PROTO_TCP)
			*tcp = cp->port;
	}
}

/* A pod of the node-local-dns DaemonSet (the DaemonSet itself may not be in
 * the input: bundles that keep pods only). */
static bool nodelocal_pod(const struct np_pod *p)
{
	return !p->terminated && !p->is_template && p->has_owner &&
	       strcmp0(p->owner.kind, "DaemonSet") == 0 && strcmp0(p->owner.name, "node-local-dns") == 0;
}

/* node-local-dns -localip addresses ("-localip 169.254.20.10,10.96.0.10"),
 * as CIDRs in r's arena. NodeLocal DNSCache runs but no -localip is in the
 * input (a DaemonSet binding through its Corefile, or only its pods, whose
 * args are not kept): its documented link-local address, so that pods
 * whose resolv.conf points there keep resolving. */
static void nodelocal(struct np_remediate *r)
{
	const struct np_model *m = r->m;
	struct np_dns_target *t = &r->dns;
	size_t i, j, k;
	bool seen = false;

	for (i = 0; i < m->pods.n && !seen; i++)
		seen = nodelocal_pod(&m->pods.v[i]);
	for (i = 0; i < m->workloads.n; i++) {
		const struct np_workload *w = &m->workloads.v[i];

		if (w->wkind != NP_WL_DAEMONSET || strcmp0(w->name, "node-local-dns") != 0)
			continue;
		seen = true;
		for (j = 0; j < w->n_containers; j++) {
			const struct np_container *c = &w->containers[j];

			for (k = 0; k < c->n_args; k++) {
				const char *a = c->args[k], *v = NULL;
				char tmp[256], *tok, *save = NULL;

				if (!a)
					continue;
				if ((strcmp(a, "-localip") == 0 || strcmp(a, "--localip") == 0) &&
				    k + 1 < c->n_args)
					v = c->args[k + 1];
				else if (strncmp(a, "-localip=", 9) == 0)
					v = a + 9;
				else if (strncmp(a, "--localip=", 10) == 0)
					v = a + 10;
				if (!v)
					continue;
				snprintf(tmp, sizeof(tmp), "%s", v);
				for (tok = strtok_r(tmp, ",", &save); tok && t->n_local < NP_DNS_MAX_LOCAL;
				     tok = strtok_r(NULL, ",", &save)) {
					struct np_iprange ir;
					bool v4;
					const char *cidr;
					size_t q;

					while (*tok == ' ')
						tok++;
					if (strchr(tok, '/') || np_cidr_parse(&ir, &v4, tok) < 0)
						continue;
					cidr = np_remediate_strf(r, "%s/%d", tok, v4 ? 32 : 128);
					for (q = 0; cidr && q < t->n_local; q++)
						if (strcmp(t->local[q], cidr) == 0)
							break;
					if (cidr && q == t->n_local)
						t->local[t->n_local++] = cidr;
				}
			}
		}
	}
	if (seen && !t->n_local) {
		t->local[t->n_local++] = NP_DNS_NODELOCAL_DEFAULT "/32";
		t->local_default = true;
	}
}

static void dns_find(struct np_remediate *r)
{
	static const struct {
		const char *ns, *key, *value;
	} cands[] = {
		{ "kube-system", "k8s-app", "kube-dns" },
		{ NULL, "k8s-app", "kube-dns" },
		{ NULL, "k8s-app", "coredns" },
		{ NULL, "app.kubernetes.io/name", "coredns" },
	};
	const struct np_model *m = r->m;
	struct np_dns_target *t = &r->dns;
	size_t c, i;

	memset(t, 0, sizeof(*t));
	t->ns = "kube-system";
	t->key = "k8s-app";
	t->value = "kube-dns";
	t->udp = t->tcp = 53;
	if (np_model_find_namespace(m, "openshift-dns")) {
		t->ns = "openshift-dns";
		t->key = "dns.operator.openshift.io/daemonset-dns";
		t->value = "default";
		t->udp = t->tcp = 5353;
		for (i = 0; i < m->pods.n; i++) {
			const struct np_pod *p = &m->pods.v[i];
			const char *v = np_labels_get(&p->labels, t->key);

			if (strcmp0(p->namespace, t->ns) == 0 && v && strcmp(v, t->value) == 0 &&
			    !p->host_network && !p->terminated) {
				t->found = true;
				dns_ports_of(p, &t->udp, &t->tcp);
				break;
			}
		}
	} else {
		for (c = 0; c < sizeof(cands) / sizeof(cands[0]) && !t->found; c++) {
			for (i = 0; i < m->pods.n; i++) {
				const struct np_pod *p = &m->pods.v[i];
				const char *v = np_labels_get(&p->labels, cands[c].key);

				if (!v || strcmp(v, cands[c].value) != 0 || p->host_network ||
				    p->terminated || !p->namespace ||
				    (cands[c].ns && strcmp0(p->namespace, cands[c].ns) != 0))
					continue;
				t->ns = p->namespace;
				t->key = cands[c].key;
				t->value = cands[c].value;
				t->found = true;
				dns_ports_of(p, &t->udp, &t->tcp);
				break;
			}
		}
	}
	nodelocal(r);
}

const struct np_dns_target *np_remediate_dns(const struct np_remediate *r)
{
	return &r->dns;
}

/* ---- webhook and APIService backends ---- */

static struct wh_ns *wh_find(const struct np_remediate *r, const char *ns)
{
	size_t i;

	for (i = 0; i < r->n_wh; i++)
		if (strcmp0(r->wh[i].ns, ns) == 0)
			return &r->wh[i];
	return NULL;
}

static void wh_add_port(struct np_remediate *r, struct wh_ns *e, int port, const char *name)
{
	size_t i;

	for (i = 0; i < e->n_ports; i++)
		if (e->ports[i].port == port && strcmp0(e->ports[i].port_name, name) == 0)
			return;
	if (e->n_ports == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 4;
		struct np_port *nv = np_remediate_alloc(r, ncap, sizeof(*nv));

		if (!nv)
			return;
		if (e->n_ports)
			memcpy(nv, e->ports, e->n_ports * sizeof(*nv));
		e->ports = nv;
		e->cap = ncap;
	}
	e->ports[e->n_ports].proto = NP_PROTO_TCP;
	e->ports[e->n_ports].has_port = true;
	e->ports[e->n_ports].port = name ? 0 : port;
	e->ports[e->n_ports].port_name = name;
	e->n_ports++;
}

static int wh_build(struct np_remediate *r)
{
	const struct np_model *m = r->m;
	size_t i, j;

	if (!m->webhooks.n)
		return 0;
	r->wh = calloc(m->webhooks.n, sizeof(*r->wh));
	if (!r->wh)
		return NP_ENOMEM;
	for (i = 0; i < m->webhooks.n; i++) {
		const struct np_webhook *w = &m->webhooks.v[i];
		const struct np_service *s = np_model_find_service(m, w->service_namespace,
								   w->service_name);
		struct wh_ns *e = wh_find(r, w->service_namespace);
		const char *what;
		bool resolved = false;

		if (!w->service_namespace)
			continue;
		what = np_remediate_strf(r, "%s %s (Service %s/%s port %d)", w->kind, w->name,
					 w->service_namespace, w->service_name, w->port);
		if (!e) {
			e = &r->wh[r->n_wh++];
			e->ns = w->service_namespace;
			e->why = np_remediate_strf(r, "backs %s", what ? what : "a webhook");
		}
		for (j = 0; s && j < s->n_ports; j++) {
			const struct np_service_port *sp = &s->ports[j];

			if (sp->port != w->port || sp->proto != NP_PROTO_TCP)
				continue;
			wh_add_port(r, e, sp->target_port, sp->target_name);
			resolved = true;
		}
		if (!resolved && !e->unresolved)
			e->unresolved = what;
	}
	return r->oom ? NP_ENOMEM : 0;
}

const char *np_remediate_sensitive(const struct np_remediate *r, const char *ns)
{
	const struct wh_ns *e;

	if (np_namespace_is_system(ns))
		return "system namespace";
	e = wh_find(r, ns);
	return e ? e->why : NULL;
}

/* ---- lifecycle, names ---- */

int np_remediate_new(struct np_remediate **out, const struct np_model *m, struct np_error *err)
{
	struct np_remediate *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return np_error_set(err, NP_ENOMEM, "remediation: out of memory");
	r->m = m;
	np_arena_init(&r->mem);
	dns_find(r);
	rc = wh_build(r);
	if (rc < 0 || r->oom) {
		np_remediate_free(r);
		return np_error_set(err, NP_ENOMEM, "remediation: out of memory");
	}
	*out = r;
	return 0;
}

void np_remediate_free(struct np_remediate *r)
{
	if (!r)
		return;
	np_arena_release(&r->mem);
	free(r->wh);
	free(r->used);
	free(r);
}

static bool name_taken(const struct np_remediate *r, const char *ns, const char *name)
{
	size_t i;

	for (i = 0; i < r->m->netpols.n; i++)
		if (strcmp0(r->m->netpols.v[i].namespace, ns) == 0 &&
		    strcmp0(r->m->netpols.v[i].name, name) == 0)
			return true;
	for (i = 0; i < r->n_used; i++)
		if (strcmp0(r->used[i].ns, ns) == 0 && strcmp0(r->used[i].name, name) == 0)
			return true;
	return false;
}

/* base made a DNS-1123 label: lower case, [a-z0-9-], no leading, trailing
 * or doubled '-', at most MAX_NAME bytes. */
static void name_clean(const char *base, char *out, size_t len)
{
	size_t i, k = 0;

	for (i = 0; base && base[i] && k + 1 < len && k < MAX_NAME; i++) {
		char ch = base[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			ch = '-';
		if (ch == '-' && (k == 0 || out[k - 1] == '-'))
			continue;
		out[k++] = ch;
	}
	while (k > 0 && out[k - 1] == '-')
		k--;
	if (k == 0) {
		snprintf(out, len, "kubectl-netpol");
		return;
	}
	out[k] = '\0';
}

const char *np_remediate_name(struct np_remediate *r, const char *ns, const char *base)
{
	char clean[MAX_NAME + 1], cand[MAX_NAME + 16];
	unsigned i;
	const char *name;

	name_clean(base, clean, sizeof(clean));
	snprintf(cand, sizeof(cand), "%s", clean);
	for (i = 2; name_taken(r, ns, cand); i++)
		snprintf(cand, sizeof(cand), "%s-%u", clean, i);
	if (r->n_used == r->cap_used) {
		size_t ncap = r->cap_used ? r->cap_used * 2 : 16;
		struct used_name *nv = realloc(r->used, ncap * sizeof(*nv));

		if (!nv) {
			r->oom = true;
			return NULL;
		}
		r->used = nv;
		r->cap_used = ncap;
	}
	name = rstr(r, cand);
	if (!name)
		return NULL;
	r->used[r->n_used].ns = ns;
	r->used[r->n_used].name = name;
	r->n_used++;
	return name;
}

/* ---- building rules ---- */

static struct np_fix_policy *push_policy(struct np_remediate *r, struct np_fix_policy **v,
					 size_t *n)
{
	struct np_fix_policy *nv;

	if (*n >= SIZE_MAX / sizeof(**v) - 1) {
		r->oom = true;
		return NULL;
	}
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		r->oom = true;
		return NULL;
	}
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	return &nv[(*n)++];
}

static void sel_label(struct np_remediate *r, struct np_selector *s, const char *key,
		      const char *value)
{
	memset(s, 0, sizeof(*s));
	s->present = true;
	s->label_keys = np_remediate_alloc(r, 1, sizeof(*s->label_keys));
	s->label_values = np_remediate_alloc(r, 1, sizeof(*s->label_values));
	if (!s->label_keys || !s->label_values)
		return;
	s->label_keys[0] = key;
	s->label_values[0] = value;
	s->n_labels = 1;
}

static void port_set(struct np_port *p, enum np_proto proto, int port)
{
	memset(p, 0, sizeof(*p));
	p->proto = proto;
	p->has_port = true;
	p->port = port;
}

/* ports: UDP udp, TCP tcp (one entry each). */
static void udp_tcp_ports(struct np_remediate *r, struct np_rule *ru, int udp, int tcp)
{
	ru->ports = np_remediate_alloc(r, 2, sizeof(*ru->ports));
	if (!ru->ports)
		return;
	port_set(&ru->ports[0], NP_PROTO_UDP, udp);
	port_set(&ru->ports[1], NP_PROTO_TCP, tcp);
	ru->n_ports = 2;
	ru->ports_present = true;
}

size_t np_remediate_dns_rules(struct np_remediate *r, struct np_fix_rule out[2])
{
	const struct np_dns_target *d = &r->dns;
	struct np_rule *ru = &out[0].rule;
	size_t i, n = 1;

	memset(out, 0, 2 * sizeof(*out));
	ru->peers = np_remediate_alloc(r, 1, sizeof(*ru->peers));
	if (ru->peers) {
		ru->peers_present = true;
		ru->n_peers = 1;
		ru->peers[0].has_ns_sel = ru->peers[0].has_pod_sel = true;
		sel_label(r, &ru->peers[0].ns_sel, NS_LABEL, d->ns);
		sel_label(r, &ru->peers[0].pod_sel, d->key, d->value);
	}
	udp_tcp_ports(r, ru, d->udp, d->tcp);
	out[0].comment = d->found ? "DNS to the cluster DNS pods (NP-205)" :
		"DNS to the cluster DNS pods (NP-205; not in the input: kube-dns's usual labels)";
	if (d->n_local) {
		ru = &out[1].rule;
		ru->peers = np_remediate_alloc(r, d->n_local, sizeof(*ru->peers));
		for (i = 0; ru->peers && i < d->n_local; i++) {
			ru->peers[i].ipblock = np_remediate_alloc(r, 1, sizeof(*ru->peers[i].ipblock));
			if (ru->peers[i].ipblock)
				ru->peers[i].ipblock->cidr = d->local[i];
		}
		if (ru->peers) {
			ru->peers_present = true;
			ru->n_peers = d->n_local;
		}
		udp_tcp_ports(r, ru, 53, 53);
		out[1].comment = d->local_default ?
			"NodeLocal DNSCache at its usual address " NP_DNS_NODELOCAL_DEFAULT " (node-local-dns runs;\n"
			"its -localip is not in the input: check it)" :
			"NodeLocal DNSCache addresses (node-local-dns -localip)";
		n = 2;
	}
	return n;
}

/* Egress rules that only open DNS ports still leave NP-201 a default-deny. */
static bool dns_ports_plain(const struct np_dns_target *d)
{
	return (d->udp == 53 || d->udp == 5353) && (d->tcp == 53 || d->tcp == 5353);
}

static int rules_copy(struct np_remediate *r, const struct np_fix_rule *src, size_t n,
		      struct np_fix_rule **dst)
{
	*dst = np_remediate_alloc(r, n, sizeof(**dst));
	if (!*dst)
		return NP_ENOMEM;
	memcpy(*dst, src, n * sizeof(**dst));
	return 0;
}

int np_remediate_allow_dns(struct np_remediate *r, const char *ns, const struct np_selector *sel,
			   const char *name_base, const char *controls, const char *comment,
			   struct np_fix_policy **v, size_t *n)
{
	struct np_fix_rule rules[2];
	size_t nr = np_remediate_dns_rules(r, rules);
	struct np_fix_policy *p = push_policy(r, v, n);

	if (!p)
		return NP_ENOMEM;
	p->namespace = ns;
	p->name = np_remediate_name(r, ns, name_base ? name_base : "allow-dns");
	p->controls = controls;
	p->purpose = "allow-dns";
	p->header = comment;
	if (sel)
		p->pod_selector = *sel;
	p->pod_selector.present = true;
	p->types = NP_DIR_EGRESS;
	if (rules_copy(r, rules, nr, &p->egress) < 0)
		return NP_ENOMEM;
	p->n_egress = nr;
	return r->oom ? NP_ENOMEM : 0;
}

/* TCP ports the namespace's pods declare, sorted and unique (at most cap). */
static size_t ns_tcp_ports(const struct np_model *m, const char *ns, int *out, size_t cap)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < m->pods.n; i++) {
		const struct np_pod *p = &m->pods.v[i];

		if (strcmp0(p->namespace, ns) != 0 || p->terminated)
			continue;
		for (j = 0; j < p->n_ports; j++) {
			int port = p->ports[j].port;

			if (p->ports[j].proto != NP_PROTO_TCP || port <= 0 || port > 65535 || port == 53)
				continue;
			for (k = 0; k < n && out[k] < port; k++)
				;
			if ((k < n && out[k] == port) || n == cap)
				continue;
			memmove(&out[k + 1], &out[k], (n - k) * sizeof(*out));
			out[k] = port;
			n++;
		}
	}
	return n;
}

static bool ns_hosts_dns(const struct np_remediate *r, const char *ns)
{
	return r->dns.found && strcmp0(r->dns.ns, ns) == 0;
}

/* allow-system-traffic (DESIGN §5.5): appended when it has a rule. */
static int system_allows(struct np_remediate *r, const char *ns, unsigned dirs, const char *controls,
			 const char *why, struct np_fix_policy **v, size_t *n)
{
	const struct wh_ns *e = wh_find(r, ns);
	bool sys = np_namespace_is_system(ns);
	struct np_fix_rule in[2], eg[1];
	size_t n_in = 0, n_eg = 0, i, np = 0;
	int ports[MAX_DECLARED_PORTS];
	const char *footer = NULL;
	struct np_fix_policy *p;

	memset(in, 0, sizeof(in));
	memset(eg, 0, sizeof(eg));
	if (dirs & NP_DIR_INGRESS) {
		if (sys || ns_hosts_dns(r, ns)) {
			struct np_rule *ru = &in[n_in].rule;

			/* node-local-dns forwards from node addresses, which no
			 * namespaceSelector matches: then from anywhere. */
			if (!r->dns.n_local) {
				ru->peers = np_remediate_alloc(r, 1, sizeof(*ru->peers));
				if (ru->peers) {
					ru->peers[0].has_ns_sel = true;
					ru->peers[0].ns_sel.present = true;
					ru->n_peers = 1;
					ru->peers_present = true;
				}
			}
			udp_tcp_ports(r, ru, r->dns.udp, r->dns.tcp);
			in[n_in].comment = r->dns.n_local ?
				"DNS served to every namespace and to node-local-dns on the nodes" :
				"DNS served to every namespace";
			n_in++;
		}
		/* Without any webhook or APIService in the input, the ports a
		 * system namespace's pods declare stand in for theirs. */
		if (sys && !r->m->webhooks.n)
			np = ns_tcp_ports(r->m, ns, ports, MAX_DECLARED_PORTS);
		if ((e && e->n_ports) || np) {
			struct np_rule *ru = &in[n_in].rule;
			size_t k = 0, total = (e ? e->n_ports : 0) + np;

			ru->ports = np_remediate_alloc(r, total, sizeof(*ru->ports));
			for (i = 0; ru->ports && e && i < e->n_ports; i++)
				ru->ports[k++] = e->ports[i];
			for (i = 0; ru->ports && i < np; i++) {
				size_t q;

				for (q = 0; q < k; q++)
					if (!ru->ports[q].port_name && ru->ports[q].port == ports[i])
						break;
				if (q == k)
					port_set(&ru->ports[k++], NP_PROTO_TCP, ports[i]);
			}
			ru->n_ports = k;
			ru->ports_present = k > 0;
			in[n_in].comment = np ?
				np_remediate_strf(r, "webhook/APIService backends, from anywhere (the API "
						  "server's addresses are unknown offline):\nthe TCP ports "
						  "pods here declare (narrow this to the webhook ports)%s%s",
						  e ? "\n" : "", e ? e->why : "") :
				np_remediate_strf(r, "webhook/APIService backends, from anywhere (the API "
						  "server's addresses are unknown offline):\n%s", e->why);
			if (k)
				n_in++;
		}
		if (e && e->unresolved)
			footer = np_remediate_strf(r, "add the target port of %s: its Service or port "
						   "is not in the input", e->unresolved);
		else if (!e && !np)
			footer = r->m->webhooks.n ?
				"no webhook or APIService of the input is served here" :
				"no webhook or APIService port is known here: add the ports the "
				"API server calls, if any";
	}
	if (dirs & NP_DIR_EGRESS) {
		struct np_rule *ru = &eg[0].rule;

		ru->ports = np_remediate_alloc(r, 4, sizeof(*ru->ports));
		if (ru->ports) {
			port_set(&ru->ports[0], NP_PROTO_UDP, 53);
			port_set(&ru->ports[1], NP_PROTO_TCP, 53);
			port_set(&ru->ports[2], NP_PROTO_TCP, 443);
			port_set(&ru->ports[3], NP_PROTO_TCP, 6443);
			ru->n_ports = 4;
			ru->ports_present = true;
		}
		eg[0].comment = "upstream DNS and the API server (addresses unknown offline)";
		n_eg = 1;
	}
	if (!n_in && !n_eg)
		return r->oom ? NP_ENOMEM : 0;
	p = push_policy(r, v, n);
	if (!p)
		return NP_ENOMEM;
	p->namespace = ns;
	p->name = np_remediate_name(r, ns, "allow-system-traffic");
	p->controls = controls;
	p->purpose = "allow-system";
	p->review = why;
	p->pod_selector.present = true;
	p->footer = footer;
	if (n_in) {
		p->types |= NP_DIR_INGRESS;
		if (rules_copy(r, in, n_in, &p->ingress) < 0)
			return NP_ENOMEM;
		p->n_ingress = n_in;
	}
	if (n_eg) {
		p->types |= NP_DIR_EGRESS;
		if (rules_copy(r, eg, n_eg, &p->egress) < 0)
			return NP_ENOMEM;
		p->n_egress = n_eg;
	}
	return r->oom ? NP_ENOMEM : 0;
}

int np_remediate_default_deny(struct np_remediate *r, const char *ns, unsigned dirs,
			      const char *controls, struct np_fix_policy **v, size_t *n)
{
	bool in = dirs & NP_DIR_INGRESS, eg = dirs & NP_DIR_EGRESS;
	const char *why = np_remediate_sensitive(r, ns);
	const char *base = in && eg ? "default-deny" : in ? "default-deny-ingress" : "default-deny-egress";
	bool dns_inline = eg && dns_ports_plain(&r->dns);
	struct np_fix_policy *p;
	int rc;

	dirs &= NP_DIR_INGRESS | NP_DIR_EGRESS;
	if (!dirs)
		return 0;
	p = push_policy(r, v, n);
	if (!p)
		return NP_ENOMEM;
	p->namespace = ns;
	p->name = np_remediate_name(r, ns, base);
	p->controls = controls;
	p->purpose = "default-deny";
	p->review = why;
	p->pod_selector.present = true;
	p->types = dirs;
	if (why)
		p->header = np_remediate_strf(r,
			"REVIEW before applying: %s (%s).\n"
			"A plain default-deny would break cluster DNS, admission webhooks and\n"
			"control-plane traffic, so allow-system-traffic below also allows DNS served\n"
			"to every namespace, egress to the API server and upstream DNS, and ingress\n"
			"on webhook/APIService ports from anywhere (control-plane addresses are\n"
			"unknown offline).",
			ns, why);
	if (dns_inline) {
		struct np_fix_rule rules[2];
		size_t nr = np_remediate_dns_rules(r, rules);

		if (rules_copy(r, rules, nr, &p->egress) < 0)
			return NP_ENOMEM;
		p->n_egress = nr;
	}
	if (eg && !dns_inline) {
		rc = np_remediate_allow_dns(r, ns, NULL, "allow-dns", controls,
					    "the cluster DNS listens on other ports than 53/5353: its "
					    "allow lives apart so that default-deny stays one (NP-201)",
					    v, n);
		if (rc < 0)
			return rc;
	}
	if (why) {
		rc = system_allows(r, ns, dirs, controls, why, v, n);
		if (rc < 0)
			return rc;
	}
	return r->oom ? NP_ENOMEM : 0;
}

/* ---- YAML ---- */

struct text {
	char *s;
	size_t n, cap;
	bool oom;
};

static void tx_addn(struct text *t, const char *s, size_t len)
{
	if (t->oom)
		return;
	if (len > SIZE_MAX / 2 - t->n) {
		t->oom = true;
		return;
	}
	if (t->n + len + 1 > t->cap) {
		size_t ncap = t->cap ? t->cap : 1024;
		char *ns;

		while (ncap < t->n + len + 1)
			ncap *= 2;
		ns = realloc(t->s, ncap);
		if (!ns) {
			t->oom = true;
			return;
		}
		t->s = ns;
		t->cap = ncap;
	}
	memcpy(t->s + t->n, s, len);
	t->n += len;
	t->s[t->n] = '\0';
}

static void tx_add(struct text *t, const char *s)
{
	tx_addn(t, s, strlen(s));
}

static void tx_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tx_addf(struct text *t, const char *fmt, ...)
{
	char small[512], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		tx_addn(t, small, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big) {
		t->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tx_addn(t, big, (size_t)n);
	free(big);
}

static bool word_ci(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

/* A scalar YAML reads back as the same string: plain when it is made of
 * safe characters and is no YAML 1.1 boolean, null or number; else double
 * quoted with escapes. */
static void tx_scalar(struct text *t, const char *s)
{
	static const char *const special[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", NULL,
	};
	const unsigned char *p;
	bool plain = s && *s;

	for (p = (const unsigned char *)s; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '/';
	if (plain) {
		char c = s[0];

		plain = c != '-' && c != '.' && c != '_' && c != '/' && !word_ci(s, special);
		/* From a digit on, only what cannot be a YAML 1.1 number stays
		 * plain (a '/' or a letter beyond hex digits and exponents). */
		if (plain && c >= '0' && c <= '9')
			plain = strspn(s, "0123456789._+-:eEaAbBcCdDfFxXoO") != strlen(s);
	}
	if (plain) {
		tx_add(t, s);
		return;
	}
	tx_add(t, "\"");
	for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			tx_addf(t, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			tx_addf(t, "\\x%02x", *p);
		else
			tx_addn(t, (const char *)p, 1);
	}
	tx_add(t, "\"");
}

/* Comment lines at indent: control characters become '?', so that input
 * text cannot end the comment. */
static void tx_comment(struct text *t, const char *indent, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), i;

		tx_add(t, indent);
		tx_add(t, "# ");
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];

			tx_addn(t, c < 0x20 || c == 0x7f ? "?" : &p[i], 1);
		}
		tx_add(t, "\n");
		p = e ? e + 1 : NULL;
	}
}

static const char *op_name(enum np_sel_op op)
{
	switch (op) {
	case NP_SEL_IN: return "In";
	case NP_SEL_NOTIN: return "NotIn";
	case NP_SEL_EXISTS: return "Exists";
	case NP_SEL_DOESNOTEXIST: return "DoesNotExist";
	case NP_SEL_BADOP: break;
	}
	return "In";
}

/* "<lead>key:" then the selector's body one level deeper. lead is the text
 * before the key on its line ("  " or "- " forms), in the indent of the
 * following lines. */
static void tx_selector(struct text *t, const char *lead, const char *key,
			const struct np_selector *s, const char *indent)
{
	size_t i, j;

	tx_addf(t, "%s%s:", lead, key);
	if (np_selector_is_empty(s)) {
		tx_add(t, " {}\n");
		return;
	}
	tx_add(t, "\n");
	if (s->n_labels) {
		tx_addf(t, "%s  matchLabels:\n", indent);
		for (i = 0; i < s->n_labels; i++) {
			tx_addf(t, "%s    ", indent);
			tx_scalar(t, s->label_keys[i]);
			tx_add(t, ": ");
			tx_scalar(t, s->label_values[i]);
			tx_add(t, "\n");
		}
	}
	if (s->n_exprs) {
		tx_addf(t, "%s  matchExpressions:\n", indent);
		for (i = 0; i < s->n_exprs; i++) {
			const struct np_sel_expr *x = &s->exprs[i];

			tx_addf(t, "%s  - key: ", indent);
			tx_scalar(t, x->key);
			tx_addf(t, "\n%s    operator: %s\n", indent, op_name(x->op));
			if (x->op == NP_SEL_IN || x->op == NP_SEL_NOTIN) {
				tx_addf(t, "%s    values:\n", indent);
				for (j = 0; j < x->n_values; j++) {
					tx_addf(t, "%s    - ", indent);
					tx_scalar(t, x->values[j]);
					tx_add(t, "\n");
				}
			}
		}
	}
}

static void tx_rule(struct text *t, const struct np_fix_rule *fr, bool ingress)
{
	const struct np_rule *r = &fr->rule;
	const char *lead = "  - ";
	size_t i, j;

	if (fr->comment)
		tx_comment(t, "  ", fr->comment);
	if (!r->peers_present && !r->ports_present) {
		tx_add(t, "  - {}\n");
		return;
	}
	if (r->peers_present) {
		tx_addf(t, "%s%s:\n", lead, ingress ? "from" : "to");
		lead = "    ";
		for (i = 0; i < r->n_peers; i++) {
			const struct np_peer *p = &r->peers[i];
			const char *plead = "    - ";

			if (p->ipblock) {
				tx_add(t, "    - ipBlock:\n        cidr: ");
				tx_scalar(t, p->ipblock->cidr);
				tx_add(t, "\n");
				if (p->ipblock->n_except) {
					tx_add(t, "        except:\n");
					for (j = 0; j < p->ipblock->n_except; j++) {
						tx_add(t, "        - ");
						tx_scalar(t, p->ipblock->except[j]);
						tx_add(t, "\n");
					}
				}
				continue;
			}
			if (p->has_ns_sel) {
				tx_selector(t, plead, "namespaceSelector", &p->ns_sel, "      ");
				plead = "      ";
			}
			if (p->has_pod_sel || !p->has_ns_sel)
				tx_selector(t, plead, "podSelector", &p->pod_sel, "      ");
		}
	}
	if (r->ports_present) {
		tx_addf(t, "%sports:\n", lead);
		for (i = 0; i < r->n_ports; i++) {
			const struct np_port *p = &r->ports[i];

			tx_addf(t, "    - protocol: %s\n", np_proto_name(p->proto));
			if (p->port_name) {
				tx_add(t, "      port: ");
				tx_scalar(t, p->port_name);
				tx_add(t, "\n");
			} else if (p->has_port) {
				tx_addf(t, "      port: %d\n", p->port);
				if (p->has_end_port)
					tx_addf(t, "      endPort: %d\n", p->end_port);
			}
		}
	}
}

static void tx_policy(struct text *t, const struct np_fix_policy *p)
{
	size_t i;

	if (p->header)
		tx_comment(t, "", p->header);
	tx_add(t, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ");
	tx_scalar(t, p->name);
	tx_add(t, "\n  namespace: ");
	tx_scalar(t, p->namespace);
	tx_add(t, "\n  labels:\n    " NP_FIX_MANAGED_BY_KEY ": " NP_FIX_MANAGED_BY "\n");
	tx_add(t, "  annotations:\n");
	if (p->controls) {
		tx_add(t, "    " NP_FIX_ANN_CONTROL ": ");
		tx_scalar(t, p->controls);
		tx_add(t, "\n");
	}
	if (p->purpose) {
		tx_add(t, "    " NP_FIX_ANN_PURPOSE ": ");
		tx_scalar(t, p->purpose);
		tx_add(t, "\n");
	}
	if (p->review) {
		tx_add(t, "    " NP_FIX_ANN_REVIEW ": ");
		tx_scalar(t, p->review);
		tx_add(t, "\n");
	}
	tx_add(t, "spec:\n");
	tx_selector(t, "  ", "podSelector", &p->pod_selector, "  ");
	tx_add(t, "  policyTypes:\n");
	if (p->types & NP_DIR_INGRESS)
		tx_add(t, "  - Ingress\n");
	if (p->types & NP_DIR_EGRESS)
		tx_add(t, "  - Egress\n");
	if (p->n_ingress) {
		tx_add(t, "  ingress:\n");
		for (i = 0; i < p->n_ingress; i++)
			tx_rule(t, &p->ingress[i], true);
	}
	if (p->n_egress) {
		tx_add(t, "  egress:\n");
		for (i = 0; i < p->n_egress; i++)
			tx_rule(t, &p->egress[i], false);
	}
	if (p->footer)
		tx_comment(t, "", p->footer);
}

char *np_fix_policies_yaml(const struct np_fix_policy *v, size_t n)
{
	struct text t = { 0 };
	size_t i;

	tx_add(&t, "");
	for (i = 0; i < n; i++) {
		if (i)
			tx_add(&t, "---\n");
		tx_policy(&t, &v[i]);
	}
	if (t.oom) {
		free(t.s);
		return NULL;
	}
	return t.s;
}

char *np_remediate_default_deny_yaml(struct np_remediate *r, const char *ns, unsigned dirs,
				     const char *controls)
{
	struct np_fix_policy *v = NULL;
	size_t n = 0;
	char *s = NULL;

	if (np_remediate_default_deny(r, ns, dirs, controls, &v, &n) == 0)
		s = np_fix_policies_yaml(v, n);
	free(v);
	return s;
}

/* ---- one-line descriptions ---- */

static void desc_add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void desc_add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

static void desc_sel(char *buf, size_t len, size_t *pos, const struct np_selector *s)
{
	char tmp[256];

	np_selector_format(s, tmp, sizeof(tmp));
	desc_add(buf, len, pos, "%s", tmp);
}

char *np_fix_rule_describe(const struct np_rule *rule, unsigned dir, char *buf, size_t len)
{
	size_t pos = 0, i;

	if (!len)
		return buf;
	buf[0] = '\0';
	desc_add(buf, len, &pos, "%s ", dir == NP_DIR_INGRESS ? "from" : "to");
	if (!rule->peers_present)
		desc_add(buf, len, &pos, "anywhere");
	for (i = 0; rule->peers_present && i < rule->n_peers; i++) {
		const struct np_peer *p = &rule->peers[i];
		const char *nsname = NULL;

		if (i)
			desc_add(buf, len, &pos, ", ");
		if (p->ipblock) {
			desc_add(buf, len, &pos, "%s%s", p->ipblock->cidr ? p->ipblock->cidr : "?",
				 p->ipblock->n_except ? " (with exceptions)" : "");
			continue;
		}
		if (p->has_ns_sel && p->ns_sel.n_labels == 1 && !p->ns_sel.n_exprs &&
		    strcmp(p->ns_sel.label_keys[0], NS_LABEL) == 0)
			nsname = p->ns_sel.label_values[0];
		if (p->has_ns_sel && np_selector_is_empty(&p->ns_sel) &&
		    (!p->has_pod_sel || np_selector_is_empty(&p->pod_sel))) {
			desc_add(buf, len, &pos, "every pod in the cluster");
			continue;
		}
		if (!p->has_ns_sel)
			desc_add(buf, len, &pos, "pods of this namespace");
		else if (nsname)
			desc_add(buf, len, &pos, "pods of namespace %s", nsname);
		else if (np_selector_is_empty(&p->ns_sel))
			desc_add(buf, len, &pos, "pods of every namespace");
		else {
			desc_add(buf, len, &pos, "pods of namespaces ");
			desc_sel(buf, len, &pos, &p->ns_sel);
		}
		if (p->has_pod_sel && !np_selector_is_empty(&p->pod_sel)) {
			desc_add(buf, len, &pos, " with ");
			desc_sel(buf, len, &pos, &p->pod_sel);
		}
	}
	desc_add(buf, len, &pos, " on ");
	if (!rule->ports_present)
		desc_add(buf, len, &pos, "every port");
	for (i = 0; rule->ports_present && i < rule->n_ports; i++) {
		const struct np_port *p = &rule->ports[i];

		desc_add(buf, len, &pos, "%s%s ", i ? ", " : "", np_proto_name(p->proto));
		if (p->port_name)
			desc_add(buf, len, &pos, "%s", p->port_name);
		else if (!p->has_port)
			desc_add(buf, len, &pos, "(all)");
		else if (p->has_end_port && p->end_port > p->port)
			desc_add(buf, len, &pos, "%d-%d", p->port, p->end_port);
		else
			desc_add(buf, len, &pos, "%d", p->port);
	}
	return buf;
}
