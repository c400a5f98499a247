/* `explain TARGET --from PEER [--port PORT]` (DESIGN §2 explain): for each
 * explained pod group and each source the PEER names, the verdict of each
 * direction (egress at the source, ingress at the target) with the policy,
 * rule and peer/port term that decided, from analyzer/reach.c. */
#include <stdlib.h>
#include <string.h>

#include "netpol/cli.h"
#include "netpol/explain.h"
#include "netpol/reach.h"
#include "netpol/selector.h"

/* Sources listed per subject at most (a namespace or selector PEER may name many). */
#define MAX_SOURCES 8

struct tr_item {
	const struct np_explain_subject *subject;
	size_t src_node;             /* reach node of the source */
	size_t src_pod;              /* a pod of the source workload, or SIZE_MAX */
	bool evaluated;              /* false: the subject pod takes no part (terminated, idle) */
	struct np_reach_verdict egress, ingress;
	struct np_connset asked;     /* --port for this target (a named port resolves per pod) */
	struct np_connset result;    /* egress ∩ ingress ∩ asked */
};

struct np_explain_traffic {
	const struct np_model *m;
	struct np_reach *r;
	const char *from, *port_text;
	struct np_connset port;      /* requested connections (all without --port) */
	const char *port_name;       /* --port NAME, resolved per target */
	size_t n, cap;
	struct tr_item *v;
};

static int parse_port(struct np_connset *out, const char *port, const char **name,
		      struct np_error *err)
{
	int rc;

	*name = NULL;
	if (!port)
		return np_connset_set_all(out) < 0 ? np_error_set(err, NP_ENOMEM, "out of memory") : 0;
	rc = np_connset_parse_port(out, port, name, err);
	if (rc == NP_ENOTFOUND)
		return 0;
	return rc;
}

int np_explain_traffic_check(const char *from, const char *port, struct np_error *err)
{
	struct np_model tmp;
	struct np_peer_spec ps;
	struct np_connset c;
	const char *name;
	int rc = 0;

	np_connset_init(&c);
	if (port)
		rc = parse_port(&c, port, &name, err);
	np_connset_release(&c);
	if (rc < 0 || !from)
		return rc;
	np_model_init(&tmp);
	rc = np_peer_spec_parse(&ps, &tmp, from, err);
	np_model_release(&tmp);
	return rc;
}

void np_explain_traffic_free(struct np_explain_traffic *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		np_reach_verdict_release(&t->v[i].egress);
		np_reach_verdict_release(&t->v[i].ingress);
		np_connset_release(&t->v[i].result);
		np_connset_release(&t->v[i].asked);
	}
	free(t->v);
	np_connset_release(&t->port);
	np_reach_free(t->r);
	free(t);
}

static int add_item(struct np_explain_traffic *t, const struct np_explain_subject *s, size_t node,
		    size_t src_pod, struct np_error *err)
{
	const struct np_model *m = t->m;
	const struct np_reach_node *sn = np_reach_node(t->r, node);
	struct tr_item *it;
	size_t dst_cls = np_reach_class_of_pod(t->r, (size_t)(s->pod - m->pods.v));
	size_t src_cls = src_pod == SIZE_MAX ? SIZE_MAX : np_reach_class_of_pod(t->r, src_pod);
	int rc;

	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		struct tr_item *nv = realloc(t->v, ncap * sizeof(*nv));

		if (!nv)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		t->v = nv;
		t->cap = ncap;
	}
	it = &t->v[t->n];
	memset(it, 0, sizeof(*it));
	np_connset_init(&it->result);
	np_connset_init(&it->asked);
	it->subject = s;
	it->src_node = node;
	it->src_pod = src_pod;
	t->n++;
	if (dst_cls == SIZE_MAX || (sn->kind == NP_REACH_WORKLOAD && src_cls == SIZE_MAX))
		return 0;
	it->evaluated = true;
	rc = np_reach_explain(t->r, src_cls, sn->kind == NP_REACH_EXTERNAL ? node : SIZE_MAX, dst_cls,
			      &it->egress, &it->ingress);
	if (rc == 0)
		rc = np_connset_copy(&it->result, &it->egress.allowed);
	if (rc == 0)
		rc = np_connset_intersect(&it->result, &it->ingress.allowed);
	if (rc == 0)
		rc = t->port_name ? np_reach_named_port(t->r, dst_cls, t->port_name, &it->asked)
				  : np_connset_copy(&it->asked, &t->port);
	if (rc == 0)
		rc = np_connset_intersect(&it->result, &it->asked);
	if (rc < 0)
		return np_error_set(err, rc == NP_ENOMEM ? rc : NP_EINVAL, "reach: %s",
				    rc == NP_ENOMEM ? "out of memory" : "cannot explain the pair");
	return 0;
}

int np_explain_traffic_new(struct np_explain_traffic **out, struct np_model *m,
			   const struct np_explanation *e, const char *from, const char *port,
			   struct np_error *err)
{
	struct np_explain_traffic *t;
	struct np_reach_options ro;
	struct np_peer_spec ps;
	const char *cuts[1];
	size_t i, k, n_nodes;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return np_error_set(err, NP_ENOMEM, "out of memory");
	t->m = m;
	t->from = from;
	t->port_text = port;
	np_connset_init(&t->port);
	if ((rc = parse_port(&t->port, port, &t->port_name, err)) < 0 ||
	    (rc = np_peer_spec_parse(&ps, m, from, err)) < 0)
		goto fail;
	np_reach_options_default(&ro);
	ro.include_idle = true;
	if (ps.kind == NP_PEERSPEC_CIDR) {
		cuts[0] = from;
		ro.cuts = cuts;
		ro.n_cuts = 1;
	}
	if ((rc = np_reach_new(&t->r, m, &ro, err)) < 0)
		goto fail;
	n_nodes = np_reach_n_nodes(t->r);
	for (i = 0; i < e->n_subjects; i++) {
		const struct np_explain_subject *s = &e->subjects[i];
		size_t found = 0;

		if (ps.kind == NP_PEERSPEC_CIDR) {
			struct np_iprange first = { ps.range.lo, ps.range.lo };
			size_t node = np_reach_find_external(t->r, &first, true);

			if (node != SIZE_MAX && (rc = add_item(t, s, node, SIZE_MAX, err)) < 0)
				goto fail;
			found += node != SIZE_MAX;
			continue;
		}
		for (k = 0; k < n_nodes && found < MAX_SOURCES; k++) {
			const struct np_reach_node *nd = np_reach_node(t->r, k);
			size_t q;

			if (nd->kind != NP_REACH_WORKLOAD)
				continue;
			/* The first pod of the workload the PEER names stands for it. */
			for (q = 0; q < nd->n_pods; q++)
				if (np_peer_spec_matches_pod(&ps, &m->pods.v[nd->pods[q]], e->namespace))
					break;
			if (q == nd->n_pods)
				continue;
			if ((rc = add_item(t, s, k, nd->pods[q], err)) < 0)
				goto fail;
			found++;
		}
	}
	if (t->n == 0) {
		rc = np_error_set(err, NP_ENOTFOUND, "--from %s: no such pod, workload or address", from);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	np_explain_traffic_free(t);
	return rc;
}

/* ---- describing steps ---- */

static void conns_text(struct np_strbuf *b, const struct np_connset *c)
{
	size_t n = np_connset_format(c, NULL, 0);
	char *s = malloc(n + 1);

	if (!s) {
		b->oom = true;
		return;
	}
	np_connset_format(c, s, n + 1);
	np_strbuf_puts(b, s);
	free(s);
}

static const char *tier_name(enum np_reach_tier t)
{
	switch (t) {
	case NP_TIER_ADMIN:
		return "Admin";
	case NP_TIER_NETPOL:
		return "NetworkPolicy";
	case NP_TIER_BASELINE:
		return "Baseline";
	default:
		return "default";
	}
}

static const char *action_name(enum np_reach_action a)
{
	return a == NP_ACT_ALLOW ? "Allow" : a == NP_ACT_DENY ? "Deny" : "Pass";
}

static void sel_text(struct np_strbuf *b, const struct np_selector *s)
{
	char buf[256];

	np_selector_format(s, buf, sizeof(buf));
	np_strbuf_puts(b, buf);
}

/* "from[1] namespaceSelector ns=y, podSelector pod=a" */
static void np_peer_text(struct np_strbuf *b, const struct np_peer *p, bool ingress, int k)
{
	np_strbuf_printf(b, "%s[%d] ", ingress ? "from" : "to", k);
	if (p->ipblock) {
		size_t i;

		np_strbuf_printf(b, "ipBlock %s", p->ipblock->cidr ? p->ipblock->cidr : "");
		for (i = 0; i < p->ipblock->n_except; i++)
			np_strbuf_printf(b, "%s%s", i ? "," : " except ", p->ipblock->except[i]);
		return;
	}
	if (p->has_ns_sel) {
		np_strbuf_puts(b, "namespaceSelector ");
		sel_text(b, &p->ns_sel);
	}
	if (p->has_pod_sel) {
		np_strbuf_puts(b, p->has_ns_sel ? ", podSelector " : "podSelector ");
		sel_text(b, &p->pod_sel);
	}
}

static void np_port_text(struct np_strbuf *b, const struct np_port *p, int k)
{
	np_strbuf_printf(b, "ports[%d] %s", k, p->proto == NP_PROTO_INVALID ? "?" : np_proto_name(p->proto));
	if (p->port_name)
		np_strbuf_printf(b, " %s", p->port_name);
	else if (p->has_port && p->has_end_port)
		np_strbuf_printf(b, " %d-%d", p->port, p->end_port);
	else if (p->has_port)
		np_strbuf_printf(b, " %d", p->port);
}

static void x_peer_text(struct np_strbuf *b, const struct np_xpeer *p, bool ingress, int k)
{
	size_t i;

	np_strbuf_printf(b, "%s[%d] ", ingress ? "from" : "to", k);
	switch (p->kind) {
	case NP_XPEER_NAMESPACES:
		np_strbuf_puts(b, "namespaces ");
		sel_text(b, &p->ns_sel);
		break;
	case NP_XPEER_PODS:
		np_strbuf_puts(b, "pods namespaceSelector ");
		sel_text(b, &p->ns_sel);
		np_strbuf_puts(b, ", podSelector ");
		sel_text(b, &p->sel);
		break;
	case NP_XPEER_NODES:
		np_strbuf_puts(b, "nodes ");
		sel_text(b, &p->sel);
		break;
	case NP_XPEER_NETWORKS:
		np_strbuf_puts(b, "networks ");
		for (i = 0; i < p->n_networks; i++)
			np_strbuf_printf(b, "%s%s", i ? "," : "", p->networks[i]);
		break;
	default:
		np_strbuf_puts(b, "(unreadable)");
	}
}

static void x_port_text(struct np_strbuf *b, const struct np_xport *p, int k)
{
	np_strbuf_printf(b, "ports[%d] ", k);
	if (p->port_name)
		np_strbuf_printf(b, "%s", p->port_name);
	else if (p->all_ports)
		np_strbuf_printf(b, "%s", np_proto_name(p->proto));
	else if (p->end_port != p->port)
		np_strbuf_printf(b, "%s %d-%d", np_proto_name(p->proto), p->port, p->end_port);
	else
		np_strbuf_printf(b, "%s %d", np_proto_name(p->proto), p->port);
}

/* The policy, rule and terms of a step, without its action and connections. */
static void step_text(struct np_strbuf *b, const struct np_model *m, const struct np_reach_step *s,
		      unsigned dir, const struct np_reach_verdict *v)
{
	bool in = dir == NP_DIR_INGRESS;
	size_t i;

	if (!s->is_policy) {
		if (s->tier == NP_TIER_NETPOL) {
			np_strbuf_printf(b, "isolated for %s by ", in ? "ingress" : "egress");
			for (i = 0; i < v->n_isolating && i < 3; i++) {
				const struct np_netpol *np = &m->netpols.v[v->isolating[i].index];

				np_strbuf_printf(b, "%sNetworkPolicy %s/%s", i ? ", " : "", np->namespace,
						 np->name);
			}
			if (v->n_isolating > 3)
				np_strbuf_printf(b, " and %zu more", v->n_isolating - 3);
			np_strbuf_printf(b, ", and no %s rule matches", in ? "ingress" : "egress");
		} else {
			np_strbuf_puts(b, "no policy decides: allowed by default");
		}
		return;
	}
	if (!s->ref.xpolicy) {
		const struct np_netpol *np = &m->netpols.v[s->ref.index];
		const struct np_rule *ru = in ? &np->ingress[s->rule] : &np->egress[s->rule];

		np_strbuf_printf(b, "NetworkPolicy %s/%s %s rule #%d", np->namespace, np->name,
				 in ? "ingress" : "egress", s->rule);
		np_strbuf_puts(b, " (");
		if (s->peer >= 0)
			np_peer_text(b, &ru->peers[s->peer], in, s->peer);
		else
			np_strbuf_printf(b, "all %s", in ? "sources" : "destinations");
		np_strbuf_puts(b, "; ");
		if (s->port >= 0)
			np_port_text(b, &ru->ports[s->port], s->port);
		else
			np_strbuf_puts(b, "all ports");
		np_strbuf_puts(b, ")");
	} else {
		const struct np_xpolicy *x = &m->xpolicies.v[s->ref.index];
		const struct np_xrule *ru = in ? &x->ingress[s->rule] : &x->egress[s->rule];

		np_strbuf_printf(b, "%s %s", x->kind, x->name);
		if (x->priority >= 0)
			np_strbuf_printf(b, " (priority %lld)", x->priority);
		np_strbuf_printf(b, " %s rule #%d", in ? "ingress" : "egress", s->rule);
		if (ru->name)
			np_strbuf_printf(b, " \"%s\"", ru->name);
		np_strbuf_puts(b, " (");
		if (s->peer >= 0)
			x_peer_text(b, &ru->peers[s->peer], in, s->peer);
		else
			np_strbuf_printf(b, "all %s", in ? "sources" : "destinations");
		np_strbuf_puts(b, "; ");
		if (s->port >= 0)
			x_port_text(b, &ru->ports[s->port], s->port);
		else
			np_strbuf_puts(b, "all ports");
		np_strbuf_puts(b, ")");
	}
}

/* A step's connections within what was asked (--port). */
static bool step_conns(const struct np_explain_traffic *t, const struct tr_item *it,
		       const struct np_reach_step *s, struct np_connset *out)
{
	if (np_connset_copy(out, &s->conns) < 0)
		return false;
	if (np_connset_intersect(out, &it->asked) < 0)
		return false;
	(void)t;
	return !np_connset_is_empty(out);
}

static const char *verdict_word(const struct np_explain_traffic *t, const struct tr_item *it)
{
	if (np_connset_is_empty(&it->result))
		return "denied";
	if (np_connset_equal(&it->result, &it->asked))
		return "allowed";
	(void)t;
	return "partially allowed";
}

/* ---- table ---- */

static void put_esc(FILE *out, const char *s)
{
	struct np_strbuf b;

	np_strbuf_init(&b);
	np_escape_term(&b, s ? s : "", 0);
	if (b.s)
		fputs(b.s, out);
	np_strbuf_release(&b);
}

static void direction_table(FILE *out, const struct np_explain_traffic *t, const struct tr_item *it,
			    const struct np_reach_verdict *v, const char *where)
{
	struct np_connset c;
	size_t i;

	np_connset_init(&c);
	fprintf(out, "  %s at ", v->dir == NP_DIR_INGRESS ? "ingress" : "egress");
	put_esc(out, where);
	fputs(": ", out);
	if (!v->applies) {
		fputs("not evaluated (an address, or hostNetwork: no policy applies there)\n", out);
		np_connset_release(&c);
		return;
	}
	if (np_connset_copy(&c, &v->allowed) == 0 && np_connset_intersect(&c, &it->asked) == 0) {
		struct np_strbuf b;

		np_strbuf_init(&b);
		if (np_connset_is_empty(&c))
			np_strbuf_puts(&b, "denied");
		else {
			np_strbuf_puts(&b, "allowed ");
			conns_text(&b, &c);
		}
		put_esc(out, b.s);
		fputc('\n', out);
		np_strbuf_release(&b);
	}
	for (i = 0; i < v->n_steps; i++) {
		const struct np_reach_step *s = &v->steps[i];
		struct np_strbuf b;

		if (!step_conns(t, it, s, &c))
			continue;
		np_strbuf_init(&b);
		np_strbuf_printf(&b, "%s %s ", tier_name(s->tier), action_name(s->action));
		conns_text(&b, &c);
		np_strbuf_puts(&b, ": ");
		step_text(&b, t->m, s, v->dir, v);
		fputs("    ", out);
		put_esc(out, b.s);
		fputc('\n', out);
		np_strbuf_release(&b);
	}
	np_connset_release(&c);
}

int np_explain_traffic_table(FILE *out, const struct np_explain_traffic *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct tr_item *it = &t->v[i];
		const struct np_reach_node *sn = np_reach_node(t->r, it->src_node);
		const struct np_pod *dp = it->subject->pod;
		char where[512];
		struct np_strbuf b;

		fputs("\nTraffic from ", out);
		put_esc(out, sn->label);
		if (it->src_pod != SIZE_MAX && sn->n_pods > 1) {
			fputs(" (pod ", out);
			put_esc(out, t->m->pods.v[it->src_pod].name);
			fputc(')', out);
		}
		fputs(" to ", out);
		put_esc(out, dp->namespace);
		fputc('/', out);
		put_esc(out, dp->name);
		if (t->port_text) {
			fputs(" on ", out);
			put_esc(out, t->port_text);
		}
		fputs(":\n", out);
		if (!it->evaluated) {
			fputs("  not evaluated: the pod is terminated or an idle template\n", out);
			continue;
		}
		snprintf(where, sizeof(where), "%s", sn->label);
		direction_table(out, t, it, &it->egress, where);
		snprintf(where, sizeof(where), "%s/%s", dp->namespace ? dp->namespace : "",
			 dp->name ? dp->name : "");
		direction_table(out, t, it, &it->ingress, where);
		np_strbuf_init(&b);
		np_strbuf_printf(&b, "  result: %s", verdict_word(t, it));
		if (!np_connset_is_empty(&it->result)) {
			np_strbuf_puts(&b, " ");
			conns_text(&b, &it->result);
		}
		put_esc(out, b.s);
		fputc('\n', out);
		np_strbuf_release(&b);
	}
	return 0;
}

/* ---- JSON ---- */

static json_t *conns_json(const struct np_connset *cs)
{
	static const enum np_proto order[NP_N_PROTOS] = { NP_PROTO_TCP, NP_PROTO_UDP, NP_PROTO_SCTP };
	json_t *a = json_array();
	size_t i;
	int k;

	for (k = 0; a && k < NP_N_PROTOS; k++) {
		enum np_proto p = order[k];
		json_t *e, *ports;

		if (cs->n[p] == 0)
			continue;
		e = json_object();
		ports = json_array();
		for (i = 0; ports && i < cs->n[p]; i++)
			json_array_append_new(ports, json_pack("[ii]", cs->r[p][i].lo, cs->r[p][i].hi));
		json_object_set_new(e, "protocol", json_string(np_proto_name(p)));
		json_object_set_new(e, "ports", ports ? ports : json_null());
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *direction_json(const struct np_explain_traffic *t, const struct tr_item *it,
			      const struct np_reach_verdict *v)
{
	json_t *o = json_object(), *steps = json_array(), *iso = json_array();
	struct np_connset c;
	size_t i;

	np_connset_init(&c);
	json_object_set_new(o, "applies", json_boolean(v->applies));
	json_object_set_new(o, "isolated", json_boolean(v->isolated));
	for (i = 0; i < v->n_isolating; i++) {
		const struct np_netpol *np = &t->m->netpols.v[v->isolating[i].index];
		struct np_strbuf b;

		np_strbuf_init(&b);
		np_strbuf_printf(&b, "%s/%s", np->namespace, np->name);
		json_array_append_new(iso, np_json_str(b.s));
		np_strbuf_release(&b);
	}
	json_object_set_new(o, "isolatingPolicies", iso);
	if (np_connset_copy(&c, &v->allowed) == 0)
		np_connset_intersect(&c, &it->asked);
	json_object_set_new(o, "allowed", conns_json(&c));
	for (i = 0; i < v->n_steps; i++) {
		const struct np_reach_step *s = &v->steps[i];
		json_t *e, *pol;
		struct np_strbuf b;

		if (!step_conns(t, it, s, &c))
			continue;
		e = json_object();
		json_object_set_new(e, "tier", json_string(tier_name(s->tier)));
		json_object_set_new(e, "action", json_string(action_name(s->action)));
		if (s->is_policy) {
			pol = json_object();
			json_object_set_new(pol, "kind", np_json_str(s->kind));
			json_object_set_new(pol, "namespace", np_json_str(s->namespace));
			json_object_set_new(pol, "name", np_json_str(s->name));
		} else {
			pol = json_null();
		}
		json_object_set_new(e, "policy", pol);
		json_object_set_new(e, "rule", s->rule >= 0 ? json_integer(s->rule) : json_null());
		json_object_set_new(e, "ruleName", np_json_str(s->rule_name));
		json_object_set_new(e, "peer", s->peer >= 0 ? json_integer(s->peer) : json_null());
		json_object_set_new(e, "port", s->port >= 0 ? json_integer(s->port) : json_null());
		np_strbuf_init(&b);
		step_text(&b, t->m, s, v->dir, v);
		json_object_set_new(e, "detail", np_json_str(b.s));
		np_strbuf_release(&b);
		json_object_set_new(e, "connections", conns_json(&c));
		json_array_append_new(steps, e);
	}
	json_object_set_new(o, "steps", steps);
	np_connset_release(&c);
	return o;
}

json_t *np_explain_traffic_json(const struct np_explain_traffic *t)
{
	json_t *a = json_array();
	size_t i, k;

	for (i = 0; a && i < t->n; i++) {
		const struct tr_item *it = &t->v[i];
		const struct np_reach_node *sn = np_reach_node(t->r, it->src_node);
		json_t *o = json_object(), *src = json_object(), *to = json_object(), *pods = json_array();

		if (sn->kind == NP_REACH_WORKLOAD) {
			json_object_set_new(src, "namespace", np_json_str(sn->namespace));
			json_object_set_new(src, "name", np_json_str(sn->name));
			json_object_set_new(src, "kind", np_json_str(sn->wkind));
			json_object_set_new(src, "pod", it->src_pod != SIZE_MAX ?
					    np_json_str(t->m->pods.v[it->src_pod].name) : json_null());
		} else {
			char buf[128];

			np_iprange_format(&sn->range, buf, sizeof(buf));
			json_object_set_new(src, "ipRange", json_string(buf));
		}
		json_object_set_new(to, "namespace", np_json_str(it->subject->pod->namespace));
		for (k = 0; k < it->subject->n_pods; k++)
			json_array_append_new(pods, np_json_str(it->subject->pods[k]->name));
		json_object_set_new(to, "pods", pods);
		json_object_set_new(o, "from", src);
		json_object_set_new(o, "to", to);
		json_object_set_new(o, "port", np_json_str(t->port_text));
		json_object_set_new(o, "evaluated", json_boolean(it->evaluated));
		if (it->evaluated) {
			json_object_set_new(o, "egress", direction_json(t, it, &it->egress));
			json_object_set_new(o, "ingress", direction_json(t, it, &it->ingress));
			json_object_set_new(o, "verdict", json_string(verdict_word(t, it)));
			json_object_set_new(o, "allowed", conns_json(&it->result));
		}
		json_array_append_new(a, o);
	}
	return a;
}
