/* Kubernetes NetworkPolicy (networking.k8s.io/v1, extensions/v1beta1) into
 * struct np_netpol, with the API server's validation as NP-208 issues and the
 * API defaulting of policyTypes (DESIGN §4, §5.3). Invalid parts fail
 * closed: an invalid selector selects nothing, an invalid rule allows nothing.
 * Also the metav1.LabelSelector decoder the other policy kinds share. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode_priv.h"

static const char *type_name(const struct np_node *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case NP_NODE_NULL: return "null";
	case NP_NODE_BOOL: return "a boolean";
	case NP_NODE_INT:
	case NP_NODE_FLOAT: return "a number";
	case NP_NODE_STRING:
		return strlen(n->u.str.s) == n->u.str.len ? "a string" : "a string with a NUL character";
	case NP_NODE_SEQ: return "a list";
	case NP_NODE_MAP: return "a map";
	}
	return "?";
}

/* ---- label selectors ---- */

static const char *strip_prefix(const char *key, size_t *len, bool strip)
{
	if (strip && *len >= 4 && (strncmp(key, "k8s:", 4) == 0 || strncmp(key, "any:", 4) == 0)) {
		*len -= 4;
		return key + 4;
	}
	return key;
}

static void sel_exprs(struct dctx *c, const struct np_node *me, const char *path, bool strip,
		      struct np_selector *out)
{
	size_t i, n = dseq_len(me), k = 0;

	out->exprs = dalloc(c, n, sizeof(*out->exprs));
	if (n && !out->exprs)
		return;
	for (i = 0; i < n; i++) {
		const struct np_node *e = me->u.seq.items[i];
		const struct np_node *keyn = dget(e, "key"), *opn = dget(e, "operator");
		const struct np_node *vals = dget(e, "values");
		struct np_sel_expr *x = &out->exprs[k];
		const char *key = dtext(keyn), *op = dtext(opn);
		size_t j, nv, kl;

		x->line = e ? e->line : 0;
		if (!e || e->type != NP_NODE_MAP) {
			dissue(c, NP_ISSUE_FAIL, e, "%s.matchExpressions[%zu]: must be a map, not %s",
			       path, i, type_name(e));
			out->invalid = true;
			continue;
		}
		if (!key) {
			dissue(c, NP_ISSUE_FAIL, keyn ? keyn : e, "%s.matchExpressions[%zu].key: %s",
			       path, i, keyn ? "must be a string" : "required");
			out->invalid = true;
			key = "";
		}
		kl = strlen(key);
		key = strip_prefix(key, &kl, strip);
		x->key = dstrn(c, key, kl);
		x->op_text = op ? dstr(c, op) : NULL;
		if (op && strcmp(op, "In") == 0)
			x->op = NP_SEL_IN;
		else if (op && strcmp(op, "NotIn") == 0)
			x->op = NP_SEL_NOTIN;
		else if (op && strcmp(op, "Exists") == 0)
			x->op = NP_SEL_EXISTS;
		else if (op && strcmp(op, "DoesNotExist") == 0)
			x->op = NP_SEL_DOESNOTEXIST;
		else {
			x->op = NP_SEL_BADOP;
			if (op)
				dissue(c, NP_ISSUE_FAIL, opn,
				       "%s.matchExpressions[%zu].operator: unknown operator \"%s\" "
				       "(In, NotIn, Exists, DoesNotExist)", path, i, op);
			else
				dissue(c, NP_ISSUE_FAIL, opn ? opn : e,
				       "%s.matchExpressions[%zu].operator: %s", path, i,
				       opn ? "must be a string" : "required");
			out->invalid = true;
		}
		if (vals && vals->type != NP_NODE_SEQ && vals->type != NP_NODE_NULL) {
			dissue(c, NP_ISSUE_FAIL, vals, "%s.matchExpressions[%zu].values: must be a list, not %s",
			       path, i, type_name(vals));
			out->invalid = true;
		}
		nv = dseq_len(vals);
		x->values = dalloc(c, nv, sizeof(*x->values));
		for (j = 0; x->values && j < nv; j++) {
			const struct np_node *v = vals->u.seq.items[j];
			const char *s = dtext(v);

			if (!s) {
				dissue(c, NP_ISSUE_FAIL, v,
				       "%s.matchExpressions[%zu].values[%zu]: must be a string, not %s",
				       path, i, j, type_name(v));
				out->invalid = true;
				s = dscalar(c, v);
				if (!s)
					continue;
			}
			x->values[x->n_values++] = dstr(c, s);
		}
		if ((x->op == NP_SEL_IN || x->op == NP_SEL_NOTIN) && nv == 0) {
			dissue(c, NP_ISSUE_FAIL, vals ? vals : e,
			       "%s.matchExpressions[%zu].values: must be non-empty for operator %s",
			       path, i, op);
			out->invalid = true;
		}
		if ((x->op == NP_SEL_EXISTS || x->op == NP_SEL_DOESNOTEXIST) && nv > 0) {
			dissue(c, NP_ISSUE_FAIL, vals,
			       "%s.matchExpressions[%zu].values: must be empty for operator %s",
			       path, i, op);
			out->invalid = true;
		}
		k++;
	}
	out->n_exprs = k;
}

void dselector(struct dctx *c, const struct np_node *node, const char *path, bool strip_cilium,
	       struct np_selector *out)
{
	const struct np_node *ml, *me;
	size_t i, n, k = 0;

	memset(out, 0, sizeof(*out));
	if (!node)
		return;
	out->present = true;
	out->line = node->line;
	out->column = node->column;
	if (node->type == NP_NODE_NULL)
		return;
	if (node->type != NP_NODE_MAP) {
		dissue(c, NP_ISSUE_FAIL, node, "%s: must be a map, not %s", path, type_name(node));
		out->invalid = true;
		return;
	}
	ml = dget(node, "matchLabels");
	me = dget(node, "matchExpressions");
	if (ml && ml->type == NP_NODE_MAP) {
		n = ml->u.map.n;
		out->label_keys = dalloc(c, n, sizeof(*out->label_keys));
		out->label_values = dalloc(c, n, sizeof(*out->label_values));
		for (i = 0; out->label_keys && out->label_values && i < n; i++) {
			const struct np_pair *p = &ml->u.map.pairs[i];
			const char *v = dtext(p->value);
			size_t kl = p->key_len, j;
			const char *key = strip_prefix(p->key, &kl, strip_cilium);
			bool dup = false;

			if (strlen(p->key) != p->key_len) {
				dissue(c, NP_ISSUE_FAIL, p->value, "%s.matchLabels: key contains a NUL character",
				       path);
				out->invalid = true;
				continue;
			}

			if (!v) {
				dissue(c, NP_ISSUE_FAIL, p->value, "%s.matchLabels.%s: must be a string, not %s",
				       path, p->key, type_name(p->value));
				out->invalid = true;
				v = dscalar(c, p->value);
				if (!v)
					continue;
			}
			/* JSON: the last duplicate wins. */
			for (j = 0; j < k; j++) {
				if (strlen(out->label_keys[j]) == kl &&
				    memcmp(out->label_keys[j], key, kl) == 0) {
					out->label_values[j] = dstr(c, v);
					dup = true;
				}
			}
			if (dup)
				continue;
			out->label_keys[k] = dstrn(c, key, kl);
			out->label_values[k] = dstr(c, v);
			k++;
		}
		out->n_labels = k;
	} else if (ml && ml->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, ml, "%s.matchLabels: must be a map, not %s", path, type_name(ml));
		out->invalid = true;
	}
	if (me && me->type == NP_NODE_SEQ) {
		sel_exprs(c, me, path, strip_cilium, out);
	} else if (me && me->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, me, "%s.matchExpressions: must be a list, not %s", path,
		       type_name(me));
		out->invalid = true;
	}
}

/* ---- CIDRs (inet_pton only; DESIGN §8) ---- */

struct cidr {
	int family; /* AF_INET / AF_INET6 */
	unsigned char addr[16];
	int prefix;
};

static bool cidr_parse(const char *s, struct cidr *out)
{
	const char *slash = strchr(s, '/');
	char ip[INET6_ADDRSTRLEN + 1];
	size_t len;
	const char *p;
	int prefix = 0, max;

	if (!slash)
		return false;
	len = (size_t)(slash - s);
	if (len == 0 || len >= sizeof(ip))
		return false;
	memcpy(ip, s, len);
	ip[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (strchr(ip, ':')) {
		out->family = AF_INET6;
		max = 128;
		if (inet_pton(AF_INET6, ip, out->addr) != 1)
			return false;
	} else {
		out->family = AF_INET;
		max = 32;
		if (inet_pton(AF_INET, ip, out->addr) != 1)
			return false;
	}
	p = slash + 1;
	if (!*p || strlen(p) > 3)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		prefix = prefix * 10 + (*p - '0');
	}
	if (prefix > max)
		return false;
	out->prefix = prefix;
	return true;
}

/* True when the first bits of a and b agree. */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xFF << (8 - rest));

		return (a[full] & mask) == (b[full] & mask);
	}
	return true;
}

static struct np_ipblock *decode_ipblock(struct dctx *c, const struct np_node *ib, const char *path)
{
	const struct np_node *cidrn = dget(ib, "cidr"), *exc = dget(ib, "except");
	const char *cidr = dtext(cidrn);
	struct np_ipblock *b;
	struct cidr base;
	bool base_ok = false;
	size_t i, n;

	if (ib->type != NP_NODE_MAP) {
		dissue(c, NP_ISSUE_FAIL, ib, "%s: must be a map, not %s", path, type_name(ib));
		return NULL;
	}
	b = dalloc(c, 1, sizeof(*b));
	if (!b)
		return NULL;
	if (!cidr) {
		dissue(c, NP_ISSUE_FAIL, cidrn ? cidrn : ib, "%s.cidr: %s", path,
		       cidrn ? "must be a string" : "required");
		b->cidr = dstr(c, "");
	} else {
		b->cidr = dstr(c, cidr);
		base_ok = cidr_parse(cidr, &base);
		if (!base_ok)
			dissue(c, NP_ISSUE_FAIL, cidrn, "%s.cidr: invalid CIDR \"%s\"", path, cidr);
	}
	if (exc && exc->type != NP_NODE_SEQ && exc->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, exc, "%s.except: must be a list, not %s", path, type_name(exc));
		return b;
	}
	n = dseq_len(exc);
	b->except = dalloc(c, n, sizeof(*b->except));
	for (i = 0; b->except && i < n; i++) {
		const struct np_node *en = exc->u.seq.items[i];
		const char *e = dtext(en);
		struct cidr ec;

		if (!e) {
			dissue(c, NP_ISSUE_FAIL, en, "%s.except[%zu]: must be a string, not %s", path, i,
			       type_name(en));
			continue;
		}
		b->except[b->n_except++] = dstr(c, e);
		if (!cidr_parse(e, &ec)) {
			dissue(c, NP_ISSUE_FAIL, en, "%s.except[%zu]: invalid CIDR \"%s\"", path, i, e);
			continue;
		}
		if (base_ok && (ec.family != base.family || ec.prefix <= base.prefix ||
				!prefix_equal(ec.addr, base.addr, base.prefix)))
			dissue(c, NP_ISSUE_FAIL, en, "%s.except[%zu]: \"%s\" is not a strict subset of cidr \"%s\"",
			       path, i, e, cidr);
	}
	return b;
}

/* ---- peers, ports, rules ---- */

static bool present(const struct np_node *map, const char *key, const struct np_node **val)
{
	const struct np_pair *p = np_node_get_pair(map, key);

	*val = p ? p->value : NULL;
	/* A null selector is a nil pointer in the API: not given. */
	return p && p->value && p->value->type != NP_NODE_NULL;
}

static void decode_peer(struct dctx *c, const struct np_node *pn, const char *path, struct np_peer *p)
{
	const struct np_node *ps, *ns, *ib;
	bool has_ib;
	char sub[512];

	p->line = pn ? pn->line : 0;
	p->column = pn ? pn->column : 0;
	if (pn && pn->type != NP_NODE_MAP && pn->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, pn, "%s: must be a map, not %s", path, type_name(pn));
		return;
	}
	p->has_pod_sel = present(pn, "podSelector", &ps);
	p->has_ns_sel = present(pn, "namespaceSelector", &ns);
	has_ib = present(pn, "ipBlock", &ib);
	if (!p->has_pod_sel && !p->has_ns_sel && !has_ib) {
		dissue(c, NP_ISSUE_FAIL, pn, "%s: empty peer: must specify podSelector, namespaceSelector "
		       "or ipBlock", path);
		return;
	}
	if (has_ib && (p->has_pod_sel || p->has_ns_sel))
		dissue(c, NP_ISSUE_FAIL, ib, "%s: ipBlock may not be combined with %s in one peer", path,
		       p->has_pod_sel ? "podSelector" : "namespaceSelector");
	if (p->has_pod_sel) {
		snprintf(sub, sizeof(sub), "%s.podSelector", path);
		dselector(c, ps, sub, false, &p->pod_sel);
	}
	if (p->has_ns_sel) {
		snprintf(sub, sizeof(sub), "%s.namespaceSelector", path);
		dselector(c, ns, sub, false, &p->ns_sel);
	}
	if (has_ib) {
		snprintf(sub, sizeof(sub), "%s.ipBlock", path);
		p->ipblock = decode_ipblock(c, ib, sub);
	}
}

/* IANA_SVC_NAME: 1-15 of [a-z0-9-], a letter, no leading, trailing or double hyphen. */
static bool valid_port_name(const char *s)
{
	size_t i, n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch >= 'a' && ch <= 'z')
			letter = true;
		else if (!(ch >= '0' && ch <= '9') && ch != '-')
			return false;
		if (ch == '-' && i > 0 && s[i - 1] == '-')
			return false;
	}
	return letter;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void decode_port(struct dctx *c, const struct np_node *pn, const char *path, struct np_port *pt)
{
	const struct np_node *proto = dget(pn, "protocol"), *port = dget(pn, "port");
	const struct np_node *endp = dget(pn, "endPort");
	long long v;

	pt->line = pn ? pn->line : 0;
	pt->column = pn ? pn->column : 0;
	pt->proto = NP_PROTO_TCP;
	if (pn && pn->type != NP_NODE_MAP && pn->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, pn, "%s: must be a map, not %s", path, type_name(pn));
		pt->proto = NP_PROTO_INVALID;
		return;
	}
	if (proto && proto->type != NP_NODE_NULL) {
		const char *s = dtext(proto);

		if (s && strcmp(s, "TCP") == 0)
			pt->proto = NP_PROTO_TCP;
		else if (s && strcmp(s, "UDP") == 0)
			pt->proto = NP_PROTO_UDP;
		else if (s && strcmp(s, "SCTP") == 0)
			pt->proto = NP_PROTO_SCTP;
		else {
			pt->proto = NP_PROTO_INVALID;
			if (s)
				dissue(c, NP_ISSUE_FAIL, proto, "%s.protocol: unsupported protocol \"%s\" "
				       "(TCP, UDP, SCTP)", path, s);
			else
				dissue(c, NP_ISSUE_FAIL, proto, "%s.protocol: must be a string, not %s",
				       path, type_name(proto));
		}
	}
	if (port && port->type == NP_NODE_INT) {
		pt->has_port = true;
		v = (long long)port->u.i;
		pt->port = v < 0 ? 0 : v > 65536 ? 65536 : (int)v;
		if (v < 1 || v > 65535)
			dissue(c, NP_ISSUE_FAIL, port, "%s.port: %lld is not between 1 and 65535", path, v);
	} else if (port && port->type == NP_NODE_STRING) {
		const char *s = port->u.str.s;

		pt->has_port = true;
		pt->port_name = dstr(c, s);
		if (!dtext(port))
			dissue(c, NP_ISSUE_FAIL, port, "%s.port: contains a NUL character", path);
		else if (all_digits(s))
			dissue(c, NP_ISSUE_FAIL, port, "%s.port: \"%s\" is a quoted number: a string "
			       "port must be a port name; write %s unquoted", path, s, s);
		else if (!valid_port_name(s))
			dissue(c, NP_ISSUE_FAIL, port, "%s.port: invalid port name \"%s\" (1-15 of a-z, "
			       "0-9 and '-', with a letter)", path, s);
	} else if (port && port->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, port, "%s.port: must be a number or a port name, not %s", path,
		       type_name(port));
		pt->has_port = true;
		pt->port_name = dstr(c, "");
	}
	if (endp && endp->type != NP_NODE_NULL) {
		if (!dint(endp, &v)) {
			dissue(c, NP_ISSUE_FAIL, endp, "%s.endPort: must be a number, not %s", path,
			       type_name(endp));
			return;
		}
		pt->has_end_port = true;
		pt->end_port = v < 0 ? 0 : v > 65536 ? 65536 : (int)v;
		if (v < 1 || v > 65535)
			dissue(c, NP_ISSUE_FAIL, endp, "%s.endPort: %lld is not between 1 and 65535", path, v);
		else if (!pt->has_port)
			dissue(c, NP_ISSUE_FAIL, endp, "%s.endPort: requires port", path);
		else if (pt->port_name)
			dissue(c, NP_ISSUE_FAIL, endp, "%s.endPort: may not be used with a named port", path);
		else if (v < pt->port)
			dissue(c, NP_ISSUE_FAIL, endp, "%s.endPort: %lld is below port %d", path, v, pt->port);
	}
}

static void decode_rule(struct dctx *c, const struct np_node *rn, const char *path, bool ingress,
			struct np_rule *r)
{
	const char *pkey = ingress ? "from" : "to";
	const struct np_node *peers = dget(rn, pkey), *ports = dget(rn, "ports");
	size_t fails = c->n_fail, i, n;
	char sub[256];

	r->line = rn ? rn->line : 0;
	r->column = rn ? rn->column : 0;
	if (rn && rn->type != NP_NODE_MAP && rn->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, rn, "%s: must be a map, not %s", path, type_name(rn));
		r->invalid = true;
		return;
	}
	if (peers && peers->type != NP_NODE_SEQ && peers->type != NP_NODE_NULL)
		dissue(c, NP_ISSUE_FAIL, peers, "%s.%s: must be a list, not %s", path, pkey,
		       type_name(peers));
	n = dseq_len(peers);
	r->peers_present = n > 0;
	r->peers = dalloc(c, n, sizeof(*r->peers));
	for (i = 0; r->peers && i < n; i++) {
		snprintf(sub, sizeof(sub), "%s.%s[%zu]", path, pkey, i);
		decode_peer(c, peers->u.seq.items[i], sub, &r->peers[i]);
	}
	r->n_peers = r->peers ? n : 0;
	if (ports && ports->type != NP_NODE_SEQ && ports->type != NP_NODE_NULL)
		dissue(c, NP_ISSUE_FAIL, ports, "%s.ports: must be a list, not %s", path,
		       type_name(ports));
	n = dseq_len(ports);
	r->ports_present = n > 0;
	r->ports = dalloc(c, n, sizeof(*r->ports));
	for (i = 0; r->ports && i < n; i++) {
		snprintf(sub, sizeof(sub), "%s.ports[%zu]", path, i);
		decode_port(c, ports->u.seq.items[i], sub, &r->ports[i]);
	}
	r->n_ports = r->ports ? n : 0;
	if (c->n_fail != fails)
		r->invalid = true;
}

static void decode_rules(struct dctx *c, const struct np_node *spec, bool ingress,
			 bool *present_out, size_t *n_out, struct np_rule **out)
{
	const char *key = ingress ? "ingress" : "egress";
	const struct np_pair *p = np_node_get_pair(spec, key);
	const struct np_node *list = p ? p->value : NULL;
	size_t i, n;
	char path[64];

	*present_out = p != NULL;
	*n_out = 0;
	*out = NULL;
	if (list && list->type != NP_NODE_SEQ && list->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, list, "spec.%s: must be a list, not %s", key, type_name(list));
		return;
	}
	n = dseq_len(list);
	*out = dalloc(c, n, sizeof(**out));
	if (!*out)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "spec.%s[%zu]", key, i);
		decode_rule(c, list->u.seq.items[i], path, ingress, &(*out)[i]);
	}
	*n_out = n;
}

static void decode_policy_types(struct dctx *c, const struct np_node *spec, struct np_netpol *np)
{
	const struct np_pair *p = np_node_get_pair(spec, "policyTypes");
	const struct np_node *v;
	size_t i;

	if (!p) {
		np->types_raw = NP_RAW_ABSENT;
		return;
	}
	v = p->value;
	np->types_line = p->key_line;
	if (!v || v->type == NP_NODE_NULL) {
		np->types_raw = NP_RAW_NULL;
		return;
	}
	if (v->type != NP_NODE_SEQ) {
		np->types_raw = NP_RAW_OTHER;
		dissue(c, NP_ISSUE_FAIL, v, "spec.policyTypes: must be a list, not %s", type_name(v));
		return;
	}
	np->types_raw = NP_RAW_ARRAY;
	if (v->u.seq.n > 2)
		dissue(c, NP_ISSUE_FAIL, v, "spec.policyTypes: at most 2 entries (Ingress, Egress)");
	for (i = 0; i < v->u.seq.n; i++) {
		const struct np_node *e = v->u.seq.items[i];
		const char *s = dtext(e);

		if (!s) {
			dissue(c, NP_ISSUE_FAIL, e, "spec.policyTypes[%zu]: must be a string, not %s", i,
			       type_name(e));
			continue;
		}
		if (strcasecmp(s, "Ingress") == 0)
			np->types_written_ci |= NP_DIR_INGRESS;
		if (strcasecmp(s, "Egress") == 0)
			np->types_written_ci |= NP_DIR_EGRESS;
		if (strcmp(s, "Ingress") == 0)
			np->types_written |= NP_DIR_INGRESS;
		else if (strcmp(s, "Egress") == 0)
			np->types_written |= NP_DIR_EGRESS;
		else
			dissue(c, NP_ISSUE_FAIL, e, "spec.policyTypes[%zu]: unsupported value \"%s\" "
			       "(Ingress, Egress)", i, s);
	}
}

int decode_netpol(struct dctx *c)
{
	const struct np_node *meta = dget(c->obj, "metadata");
	const struct np_pair *nsp = np_node_get_pair(meta, "namespace");
	const struct np_pair *specp = np_node_get_pair(c->obj, "spec");
	const struct np_node *spec = specp ? specp->value : NULL;
	struct issue_buf ib = { 0 };
	struct np_netpol *np = np_model_push_netpol(c->m);
	struct np_labels scratch;
	int rc = 0;

	if (!np)
		return NP_ENOMEM;
	c->issues = &ib;
	dloc(c, &np->loc);
	np->name = dname(c, &np->loc);
	if (np->name && !*np->name)
		dissue(c, NP_ISSUE_FAIL, meta, "metadata.name: required");
	np->namespace = dnamespace(c);
	np->namespace_explicit = nsp != NULL;
	np->namespace_null = nsp && (!nsp->value || nsp->value->type == NP_NODE_NULL);
	np->api_version = c->api_version;
	if (strcmp(c->group, "extensions") == 0)
		dissue(c, NP_ISSUE_WARN, dget(c->obj, "apiVersion"),
		       "apiVersion %s: extensions NetworkPolicies are not served since Kubernetes "
		       "1.16; use networking.k8s.io/v1", c->api_version);
	/* Only validated: NetworkPolicy labels are not part of the model. */
	dlabels(c, dget(meta, "labels"), "metadata.labels", &scratch);
	np->spec_present = specp != NULL;
	if (spec && spec->type != NP_NODE_MAP && spec->type != NP_NODE_NULL) {
		dissue(c, NP_ISSUE_FAIL, spec, "spec: must be a map, not %s", type_name(spec));
		spec = NULL;
		/* Fail closed: a policy we cannot read selects nothing. */
		np->pod_selector.present = true;
		np->pod_selector.invalid = true;
	} else {
		dselector(c, np_node_get_pair(spec, "podSelector") ? dget(spec, "podSelector") : NULL,
			  "spec.podSelector", false, &np->pod_selector);
		/* `podSelector:` written but null is the empty selector. */
		if (np_node_get_pair(spec, "podSelector"))
			np->pod_selector.present = true;
	}
	decode_policy_types(c, spec, np);
	decode_rules(c, spec, true, &np->ingress_present, &np->n_ingress, &np->ingress);
	decode_rules(c, spec, false, &np->egress_present, &np->n_egress, &np->egress);
	/* DESIGN §4: absent or empty policyTypes default to Ingress, plus
	 * Egress iff egress has a rule; written ones are authoritative. */
	if (np->types_raw == NP_RAW_ARRAY && np->types_written)
		np->types_effective = np->types_written;
	else
		np->types_effective = NP_DIR_INGRESS | (np->n_egress ? NP_DIR_EGRESS : 0);
	if (np->types_raw == NP_RAW_ARRAY && np->types_written) {
		if (np->n_ingress && !(np->types_written & NP_DIR_INGRESS))
			dissue(c, NP_ISSUE_WARN, dget(spec, "ingress"),
			       "spec.ingress: ignored: policyTypes does not list Ingress");
		if (np->n_egress && !(np->types_written & NP_DIR_EGRESS))
			dissue(c, NP_ISSUE_WARN, dget(spec, "egress"),
			       "spec.egress: ignored: policyTypes does not list Egress");
	}
	if (ib.n) {
		np->issues = dalloc(c, ib.n, sizeof(*np->issues));
		if (np->issues) {
			memcpy(np->issues, ib.v, ib.n * sizeof(*np->issues));
			np->n_issues = ib.n;
		}
	}
	if (c->oom)
		rc = NP_ENOMEM;
	free(ib.v);
	c->issues = NULL;
	return rc;
}
