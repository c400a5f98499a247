/* Other policy kinds at coverage level (DESIGN §4): Cilium CNP/CCNP, Calico
 * NetworkPolicy/GlobalNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy and ClusterNetworkPolicy. Their rules are
 * reported, not evaluated, so only the subject, the isolated directions and
 * the deny-all-peers rules are kept; the admin kinds also keep their rules,
 * which reach evaluates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_priv.h"

static struct np_xpolicy *push_x(struct dctx *c, enum np_xpolicy_kind xk, const char *group)
{
	struct np_xpolicy *x = np_model_push_xpolicy(c->m);

	if (!x)
		return NULL;
	x->xkind = xk;
	x->kind = c->kind;
	x->api_group = dstr(c, group);
	x->api_version = c->api_version;
	x->priority = -1;
	dloc(c, &x->loc);
	x->name = dname(c, &x->loc);
	return x;
}

/* ---- Cilium ---- */

#define CILIUM_NS_KEY "io.kubernetes.pod.namespace"
#define CILIUM_NS_LABELS "io.cilium.k8s.namespace.labels."

/* Namespace part of a Cilium key: the namespace label it constrains, or NULL. */
static const char *cilium_ns_label(const char *key)
{
	if (strcmp(key, CILIUM_NS_KEY) == 0)
		return "kubernetes.io/metadata.name";
	if (strncmp(key, CILIUM_NS_LABELS, strlen(CILIUM_NS_LABELS)) == 0)
		return key + strlen(CILIUM_NS_LABELS);
	return NULL;
}

/* Moves the namespace requirements of an endpointSelector into subject_ns. */
static void cilium_split(struct dctx *c, struct np_xpolicy *x)
{
	struct np_selector *p = &x->subject_pods, *ns = &x->subject_ns;
	size_t i, kp = 0, kn = 0;

	ns->present = p->present;
	ns->line = p->line;
	ns->column = p->column;
	if (p->n_labels) {
		ns->label_keys = dalloc(c, p->n_labels, sizeof(char *));
		ns->label_values = dalloc(c, p->n_labels, sizeof(char *));
		if (!ns->label_keys || !ns->label_values)
			return;
	}
	for (i = 0; i < p->n_labels; i++) {
		const char *nk = cilium_ns_label(p->label_keys[i]);

		if (nk) {
			ns->label_keys[kn] = dstr(c, nk);
			ns->label_values[kn++] = p->label_values[i];
		} else {
			p->label_keys[kp] = p->label_keys[i];
			p->label_values[kp++] = p->label_values[i];
		}
	}
	p->n_labels = kp;
	ns->n_labels = kn;
	kp = kn = 0;
	if (p->n_exprs) {
		ns->exprs = dalloc(c, p->n_exprs, sizeof(*ns->exprs));
		if (!ns->exprs)
			return;
	}
	for (i = 0; i < p->n_exprs; i++) {
		const char *nk = cilium_ns_label(p->exprs[i].key);

		if (nk) {
			ns->exprs[kn] = p->exprs[i];
			ns->exprs[kn++].key = dstr(c, nk);
		} else {
			p->exprs[kp++] = p->exprs[i];
		}
	}
	p->n_exprs = kp;
	ns->n_exprs = kn;
}

static unsigned cilium_isolates(const struct np_node *spec)
{
	static const struct {
		const char *allow, *deny, *dd;
		unsigned bit;
	} dirs[] = {
		{ "ingress", "ingressDeny", "ingress", NP_DIR_INGRESS },
		{ "egress", "egressDeny", "egress", NP_DIR_EGRESS },
	};
	const struct np_node *edd = dget(spec, "enableDefaultDeny");
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < 2; i++) {
		const struct np_node *dd = dget(edd, dirs[i].dd);
		/* Empty lists isolate nothing, as in Cilium. */
		bool has = dseq_len(dget(spec, dirs[i].allow)) > 0 ||
			   dseq_len(dget(spec, dirs[i].deny)) > 0;

		/* Cilium: "if not specified, true for each direction that has rules". */
		if (dd && dd->type == NP_NODE_BOOL)
			has = dd->u.b;
		if (has)
			bits |= dirs[i].bit;
	}
	return bits;
}

int decode_cilium(struct dctx *c, bool clusterwide)
{
	const struct np_node *spec = dget(c->obj, "spec"), *specs = dget(c->obj, "specs");
	const struct np_node *list[1];
	const struct np_node *const *items;
	size_t n, i;

	if (specs && specs->type == NP_NODE_SEQ && specs->u.seq.n) {
		items = (const struct np_node *const *)specs->u.seq.items;
		n = specs->u.seq.n;
	} else {
		list[0] = spec;
		items = list;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		const struct np_node *s = items[i];
		const struct np_node *es = dget(s, "endpointSelector");
		struct np_xpolicy *x = push_x(c, clusterwide ? NP_XP_CILIUM_CCNP : NP_XP_CILIUM_NP,
					      "cilium.io");
		char path[64];

		if (!x)
			return NP_ENOMEM;
		x->spec_index = (int)i;
		x->namespace = clusterwide ? NULL : dnamespace(c);
		if (!s || s->type != NP_NODE_MAP) {
			/* Nothing to enforce. */
			x->ignored = true;
			continue;
		}
		if (!es && dget(s, "nodeSelector")) {
			/* A host policy: it covers nodes, not pods. */
			x->ignored = true;
			continue;
		}
		if (items != list)
			snprintf(path, sizeof(path), "specs[%zu].endpointSelector", i);
		else
			snprintf(path, sizeof(path), "spec.endpointSelector");
		dselector(c, es, path, true, &x->subject_pods);
		cilium_split(c, x);
		x->subject_all_namespaces = clusterwide && x->subject_ns.n_labels == 0 &&
					    x->subject_ns.n_exprs == 0;
		x->isolates = cilium_isolates(s);
		if (c->oom)
			return NP_ENOMEM;
	}
	return c->oom ? NP_ENOMEM : 0;
}

/* ---- Calico ---- */

int decode_calico(struct dctx *c, bool global, bool staged)
{
	const struct np_node *spec = dget(c->obj, "spec");
	const struct np_node *types = dget(spec, "types");
	const char *sel = dtext(dget(spec, "selector"));
	const char *nssel = dtext(dget(spec, "namespaceSelector"));
	const char *raw = dtext(np_node_path(c->obj, "metadata.name"));
	/* v3 and the crd.projectcalico.org/v1 backing store are the same objects. */
	struct np_xpolicy *x = push_x(c, global ? NP_XP_CALICO_GNP : NP_XP_CALICO_NP,
				      "projectcalico.org");
	size_t i;

	if (!x)
		return NP_ENOMEM;
	if (!global)
		x->namespace = dnamespace(c);
	/* Kubernetes NetworkPolicies and (B)ANPs that Calico mirrors. */
	if (raw && (strncmp(raw, "knp.", 4) == 0 || strncmp(raw, "kanp.", 5) == 0))
		x->ignored = true;
	if (x->name && strncmp(x->name, "default.", 8) == 0)
		x->name = dstr(c, x->name + 8);
	if (staged)
		x->ignored = true;
	/* preDNAT and doNotTrack policies apply to host endpoints only. */
	if (dbool(dget(spec, "preDNAT"), false) || dbool(dget(spec, "doNotTrack"), false))
		x->ignored = true;
	x->calico_selector = sel && *sel ? dstr(c, sel) : NULL;
	x->calico_ns_selector = global && nssel && *nssel ? dstr(c, nssel) : NULL;
	x->subject_all_namespaces = global && !x->calico_ns_selector;
	if (types && types->type == NP_NODE_SEQ && types->u.seq.n) {
		for (i = 0; i < types->u.seq.n; i++) {
			const char *t = dtext(types->u.seq.items[i]);

			if (t && strcmp(t, "Ingress") == 0)
				x->isolates |= NP_DIR_INGRESS;
			else if (t && strcmp(t, "Egress") == 0)
				x->isolates |= NP_DIR_EGRESS;
			else
				dissue(c, NP_ISSUE_FAIL, types->u.seq.items[i],
				       "spec.types[%zu]: must be Ingress or Egress", i);
		}
	} else {
		if (types && types->type != NP_NODE_NULL && types->type != NP_NODE_SEQ)
			dissue(c, NP_ISSUE_FAIL, types, "spec.types: must be a list");
		/* Defaulted like Kubernetes (DESIGN §4). */
		x->isolates = NP_DIR_INGRESS | (dseq_len(dget(spec, "egress")) ? NP_DIR_EGRESS : 0);
	}
	return c->oom ? NP_ENOMEM : 0;
}

/* ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy ---- */

/* The namespaces selector of a peer; the pre-v0.1 shape nested it as
 * `namespaces: {namespaceSelector: ...}`. */
static const struct np_node *peer_namespaces(const struct np_node *n)
{
	const struct np_node *inner = dget(n, "namespaceSelector");

	if (n && n->type == NP_NODE_MAP && inner && !dget(n, "matchLabels") &&
	    !dget(n, "matchExpressions"))
		return inner;
	return n;
}

static bool selector_node_all(struct dctx *c, const struct np_node *n)
{
	struct np_selector s;
	size_t fails = c->n_fail;
	bool all, quiet = c->quiet;

	if (!n || n->type == NP_NODE_NULL)
		return true;
	/* Rules are not evaluated, so their problems are not reported either. */
	c->quiet = true;
	dselector(c, n, "peer", false, &s);
	c->quiet = quiet;
	all = np_selector_is_empty(&s);
	c->n_fail = fails;
	return all;
}

static bool peer_all(struct dctx *c, const struct np_node *peer)
{
	const struct np_node *ns = dget(peer, "namespaces"), *pods = dget(peer, "pods");

	if (ns && ns->type == NP_NODE_MAP && selector_node_all(c, peer_namespaces(ns)))
		return true;
	if (pods && pods->type == NP_NODE_MAP &&
	    selector_node_all(c, peer_namespaces(dget(pods, "namespaceSelector") ?
						  dget(pods, "namespaceSelector") :
						  dget(pods, "namespaces"))) &&
	    selector_node_all(c, dget(pods, "podSelector")))
		return true;
	return false;
}

/* A Deny rule for every port whose peers include all pods of all namespaces. */
static unsigned admin_denies(struct dctx *c, const struct np_node *spec, enum np_xpolicy_kind xk)
{
	static const struct {
		const char *list, *peers;
		unsigned bit;
	} dirs[] = {
		{ "ingress", "from", NP_DIR_INGRESS },
		{ "egress", "to", NP_DIR_EGRESS },
	};
	unsigned bits = 0;
	size_t d, i, j;

	for (d = 0; d < 2; d++) {
		const struct np_node *rules = dget(spec, dirs[d].list);

		for (i = 0; i < dseq_len(rules); i++) {
			const struct np_node *r = rules->u.seq.items[i];
			const char *action = dtext(dget(r, "action"));
			const struct np_node *peers = dget(r, dirs[d].peers);
			const struct np_node *ports = dget(r, xk == NP_XP_CNP ? "protocols" : "ports");

			if (!action || strcmp(action, "Deny") != 0 || dseq_len(ports))
				continue;
			for (j = 0; j < dseq_len(peers); j++) {
				if (peer_all(c, peers->u.seq.items[j])) {
					bits |= dirs[d].bit;
					break;
				}
			}
		}
	}
	return bits;
}

/* ---- rules, for reach (DESIGN §4 Admin tiers) ---- */

/* Rule problems are not reported here (NP-208 covers NetworkPolicies only):
 * the rule is marked invalid and fails closed. */
static void xselector(struct dctx *c, const struct np_node *n, struct np_selector *out)
{
	size_t fails = c->n_fail;
	bool quiet = c->quiet;

	c->quiet = true;
	dselector(c, n, "peer", false, out);
	c->quiet = quiet;
	c->n_fail = fails;
}

static enum np_proto xproto(const struct np_node *n, bool *ok)
{
	const char *s = dtext(n);

	if (!n || n->type == NP_NODE_NULL)
		return NP_PROTO_TCP;
	if (s && strcmp(s, "TCP") == 0)
		return NP_PROTO_TCP;
	if (s && strcmp(s, "UDP") == 0)
		return NP_PROTO_UDP;
	if (s && strcmp(s, "SCTP") == 0)
		return NP_PROTO_SCTP;
	*ok = false;
	return NP_PROTO_INVALID;
}

static bool xportnum(const struct np_node *n, int *out)
{
	long long v;

	if (!dint(n, &v) || v < 1 || v > 65535)
		return false;
	*out = (int)v;
	return true;
}

/* AdminNetworkPolicyPort (v1alpha1): portNumber, namedPort or portRange. */
static bool xport_v1alpha1(struct dctx *c, const struct np_node *pn, struct np_xport *pt)
{
	const struct np_node *num = dget(pn, "portNumber"), *named = dget(pn, "namedPort");
	const struct np_node *range = dget(pn, "portRange");
	bool ok = true;

	pt->line = pn ? pn->line : 0;
	pt->column = pn ? pn->column : 0;
	if (num && num->type == NP_NODE_MAP) {
		pt->proto = xproto(dget(num, "protocol"), &ok);
		ok = xportnum(dget(num, "port"), &pt->port) && ok;
		pt->end_port = pt->port;
	} else if (named) {
		const char *s = dtext(named);

		pt->proto = NP_PROTO_INVALID;
		pt->port_name = s ? dstr(c, s) : NULL;
		ok = s && *s;
	} else if (range && range->type == NP_NODE_MAP) {
		pt->proto = xproto(dget(range, "protocol"), &ok);
		ok = xportnum(dget(range, "start"), &pt->port) && ok;
		ok = xportnum(dget(range, "end"), &pt->end_port) && ok;
		ok = ok && pt->end_port >= pt->port;
	} else {
		ok = false;
	}
	return ok;
}

/* ClusterNetworkPolicyProtocol (v1alpha2): tcp/udp/sctp {destinationPort:
 * {number | range}} or destinationNamedPort. */
static bool xport_v1alpha2(struct dctx *c, const struct np_node *pn, struct np_xport *pt)
{
	static const struct {
		const char *key;
		enum np_proto proto;
	} protos[] = { { "tcp", NP_PROTO_TCP }, { "udp", NP_PROTO_UDP }, { "sctp", NP_PROTO_SCTP } };
	const struct np_node *named = dget(pn, "destinationNamedPort");
	size_t i;

	pt->line = pn ? pn->line : 0;
	pt->column = pn ? pn->column : 0;
	if (named) {
		const char *s = dtext(named);

		pt->proto = NP_PROTO_INVALID;
		pt->port_name = s ? dstr(c, s) : NULL;
		return s && *s;
	}
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		const struct np_node *pr = dget(pn, protos[i].key), *dp, *range;

		if (!pr)
			continue;
		pt->proto = protos[i].proto;
		dp = dget(pr, "destinationPort");
		if (!dp || dp->type == NP_NODE_NULL) {
			pt->all_ports = true;
			return true;
		}
		range = dget(dp, "range");
		if (range) {
			if (!xportnum(dget(range, "start"), &pt->port) ||
			    !xportnum(dget(range, "end"), &pt->end_port))
				return false;
			return pt->end_port >= pt->port;
		}
		if (!xportnum(dget(dp, "number"), &pt->port))
			return false;
		pt->end_port = pt->port;
		return true;
	}
	return false;
}

static bool xpeer(struct dctx *c, const struct np_node *pn, bool egress, struct np_xpeer *p)
{
	const struct np_node *ns = dget(pn, "namespaces"), *pods = dget(pn, "pods");
	const struct np_node *nodes = dget(pn, "nodes"), *nets = dget(pn, "networks");
	size_t i, n;

	p->line = pn ? pn->line : 0;
	p->column = pn ? pn->column : 0;
	if (ns && ns->type == NP_NODE_MAP) {
		p->kind = NP_XPEER_NAMESPACES;
		xselector(c, peer_namespaces(ns), &p->ns_sel);
		p->ns_sel.present = true;
		return !p->ns_sel.invalid;
	}
	if (pods && pods->type == NP_NODE_MAP) {
		const struct np_node *nsel = dget(pods, "namespaceSelector");

		p->kind = NP_XPEER_PODS;
		xselector(c, peer_namespaces(nsel ? nsel : dget(pods, "namespaces")), &p->ns_sel);
		xselector(c, dget(pods, "podSelector"), &p->sel);
		return !p->ns_sel.invalid && !p->sel.invalid;
	}
	if (egress && nodes && nodes->type == NP_NODE_MAP) {
		p->kind = NP_XPEER_NODES;
		xselector(c, nodes, &p->sel);
		return !p->sel.invalid;
	}
	if (egress && nets && nets->type == NP_NODE_SEQ) {
		p->kind = NP_XPEER_NETWORKS;
		n = dseq_len(nets);
		p->networks = dalloc(c, n, sizeof(*p->networks));
		if (!p->networks)
			return false;
		for (i = 0; i < n; i++) {
			const char *cidr = dtext(nets->u.seq.items[i]);

			if (!cidr)
				return false;
			p->networks[p->n_networks++] = dstr(c, cidr);
		}
		return n > 0;
	}
	p->kind = NP_XPEER_UNKNOWN;
	return false;
}

static void xrules(struct dctx *c, const struct np_node *spec, enum np_xpolicy_kind xk,
		   bool egress, size_t *n_out, struct np_xrule **out)
{
	const struct np_node *rules = dget(spec, egress ? "egress" : "ingress");
	size_t i, j, n = dseq_len(rules);

	*n_out = 0;
	*out = n ? dalloc(c, n, sizeof(**out)) : NULL;
	if (!*out)
		return;
	for (i = 0; i < n; i++) {
		const struct np_node *rn = rules->u.seq.items[i];
		const struct np_node *peers = dget(rn, egress ? "to" : "from");
		const struct np_node *ports = dget(rn, xk == NP_XP_CNP ? "protocols" : "ports");
		const char *action = dtext(dget(rn, "action"));
		const char *name = dtext(dget(rn, "name"));
		struct np_xrule *r = &(*out)[i];
		size_t np = dseq_len(peers), nq = dseq_len(ports);

		r->line = rn ? rn->line : 0;
		r->column = rn ? rn->column : 0;
		r->name = name ? dstr(c, name) : NULL;
		if (action && (strcmp(action, "Allow") == 0 || strcmp(action, "Accept") == 0))
			r->action = NP_XACT_ALLOW;
		else if (action && strcmp(action, "Deny") == 0)
			r->action = NP_XACT_DENY;
		else if (action && strcmp(action, "Pass") == 0 && xk != NP_XP_BANP)
			r->action = NP_XACT_PASS;
		else
			r->action = NP_XACT_INVALID;
		if (!rn || rn->type != NP_NODE_MAP || np == 0)
			r->invalid = true;
		r->peers = np ? dalloc(c, np, sizeof(*r->peers)) : NULL;
		for (j = 0; r->peers && j < np; j++)
			if (!xpeer(c, peers->u.seq.items[j], egress, &r->peers[j]))
				r->invalid = true;
		r->n_peers = r->peers ? np : 0;
		r->ports_present = nq > 0;
		r->ports = nq ? dalloc(c, nq, sizeof(*r->ports)) : NULL;
		for (j = 0; r->ports && j < nq; j++) {
			bool ok = xk == NP_XP_CNP ?
				xport_v1alpha2(c, ports->u.seq.items[j], &r->ports[j]) :
				xport_v1alpha1(c, ports->u.seq.items[j], &r->ports[j]);

			if (!ok)
				r->invalid = true;
		}
		r->n_ports = r->ports ? nq : 0;
		if (ports && ports->type != NP_NODE_SEQ && ports->type != NP_NODE_NULL)
			r->invalid = true;
	}
	*n_out = n;
}

int decode_admin(struct dctx *c, enum np_xpolicy_kind xk)
{
	const struct np_node *spec = dget(c->obj, "spec");
	const struct np_node *subj = dget(spec, "subject");
	const struct np_node *sns = dget(subj, "namespaces"), *spods = dget(subj, "pods");
	const char *tier = dtext(dget(spec, "tier"));
	struct np_xpolicy *x = push_x(c, xk, "policy.networking.k8s.io");
	long long prio;

	if (!x)
		return NP_ENOMEM;
	if (dint(dget(spec, "priority"), &prio) && xk != NP_XP_BANP)
		x->priority = prio;
	if (xk == NP_XP_CNP)
		x->tier = tier ? dstr(c, tier) : NULL;
	if (sns) {
		dselector(c, peer_namespaces(sns), "spec.subject.namespaces", false, &x->subject_ns);
		x->subject_ns.present = true;
	} else if (spods) {
		const struct np_node *nsel = dget(spods, "namespaceSelector");

		dselector(c, nsel ? nsel : dget(spods, "namespaces"), "spec.subject.pods.namespaceSelector",
			  false, &x->subject_ns);
		dselector(c, dget(spods, "podSelector"), "spec.subject.pods.podSelector", false,
			  &x->subject_pods);
	} else {
		/* The API requires a subject: fail closed. */
		dissue(c, NP_ISSUE_FAIL, subj ? subj : spec, "spec.subject: required (namespaces or pods)");
		x->subject_pods.present = true;
		x->subject_pods.invalid = true;
	}
	x->subject_all_namespaces = np_selector_is_empty(&x->subject_ns);
	x->denies_all = admin_denies(c, spec, xk);
	xrules(c, spec, xk, false, &x->n_ingress, &x->ingress);
	xrules(c, spec, xk, true, &x->n_egress, &x->egress);
	/* Admin kinds isolate a direction only through a Deny rule on all peers. */
	x->isolates = x->denies_all;
	return c->oom ? NP_ENOMEM : 0;
}
