/* `kubectl netpol reach`: the connections the policies allow between
 * workloads and external address ranges (DESIGN §2, §2.3, §6.2), from
 * analyzer/reach.c. Output is streamed pair by pair (DESIGN §7) in table,
 * json, yaml, dot or np-guard's connlist text. The PEER parser here is
 * shared with `explain --from` (cmd/cmd_explain_traffic.c). */
#include <stdlib.h>
#include <string.h>

#include "netpol/cli.h"
#include "netpol/explain.h"
#include "netpol/reach.h"
#include "netpol/selector.h"

static const char *const reach_outputs[] = { "table", "json", "yaml", "dot", "connlist", NULL };

enum {
	FLAG_FROM,
	FLAG_TO,
	FLAG_PORT,
	FLAG_EXPOSURE,
	FLAG_HOSTNETWORK,
	FLAG_IPBLOCK_PODS,
	FLAG_INCLUDE_IDLE,
};

static const struct np_flag reach_flags[] = {
	[FLAG_FROM] = { "from", 0, NP_FLAG_STRING, "PEER", "only connections from PEER" },
	[FLAG_TO] = { "to", 0, NP_FLAG_STRING, "PEER", "only connections to PEER" },
	[FLAG_PORT] = { "port", 0, NP_FLAG_STRING, "PORT",
			"only this port: N, PROTO/N, PROTO/N-M or a port name" },
	[FLAG_EXPOSURE] = { "exposure", 0, NP_FLAG_BOOL, NULL,
			    "what each workload is reachable from (any namespace, outside the cluster)" },
	[FLAG_HOSTNETWORK] = { "hostnetwork", 0, NP_FLAG_STRING, "MODE",
			       "as-pods: treat hostNetwork pods as ordinary pods (np-guard); "
			       "default as-ip: only their IP, matched by ipBlocks" },
	[FLAG_IPBLOCK_PODS] = { "ipblock-matches-pods", 0, NP_FLAG_BOOL, NULL,
				"ipBlocks match pod IPs (default true; false: np-guard's choice)" },
	[FLAG_INCLUDE_IDLE] = { "include-idle-workloads", 0, NP_FLAG_BOOL, NULL,
				"include workloads scaled to zero (templates of cluster workloads)" },
	{ 0 },
};

const struct np_cli_spec np_spec_reach = {
	.verb = "reach",
	.summary = "Allowed connections between workloads and external addresses",
	.usage =
		"Usage:\n"
		"  kubectl netpol reach [SOURCE] [--from PEER] [--to PEER] [--port PORT] [--exposure]\n"
		"                       [--hostnetwork=as-pods] [--ipblock-matches-pods=false]\n"
		"                       [-o table|json|yaml|dot|connlist]\n"
		"\n"
		"Lists, for every ordered pair of workloads (pods grouped by their controller)\n"
		"and external address ranges, the connections NetworkPolicies,\n"
		"AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies\n"
		"allow. Pairs with nothing allowed, a workload to itself and address to address\n"
		"are not listed. External ranges are IPv4 (IPv6 when a policy names one) cut at\n"
		"every CIDR boundary the policies use. Cilium and Calico policies are not\n"
		"evaluated. With -n NS, only pairs with a workload in NS are listed.\n"
		"\n"
		"PEER is tried in order as: an IP or CIDR; ns:NAMESPACE; a label selector (-l\n"
		"syntax); a TARGET (POD, NS/POD, KIND/NAME, NS/KIND/NAME). PORT is N, PROTO/N,\n"
		"PROTO/N-M (tcp, udp, sctp; default tcp) or a port name, resolved on the\n"
		"destination's pods.\n"
		"\n"
		"-o connlist prints np-guard's text format (\"src => dst : conns\"), sorted, so it\n"
		"can be compared with netpol-analyzer line by line; -o dot a Graphviz graph with\n"
		"namespaces as clusters.\n"
		"\n"
		"Semantics (DESIGN §4): ipBlocks match pod IPs too and hostNetwork pods are\n"
		"only their node's address; --ipblock-matches-pods=false and --hostnetwork=as-pods\n"
		"reproduce np-guard's choices.\n"
		"\n"
		"Exit status: 0 success; 1 the result is incomplete (pods, namespaces or policies\n"
		"not collected or unreadable); 2 usage or input error, or a PEER not found; 3 the\n"
		"cluster could not be reached or authentication failed.\n"
		"\n"
		"Examples:\n"
		"  kubectl netpol reach -f manifests/ -o connlist\n"
		"  kubectl netpol reach --from ns:frontend --to shop/deploy/db --port 5432\n"
		"  kubectl netpol reach -f bundle.tar.gz --exposure\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE,
	.outputs = reach_outputs,
	.flags = reach_flags,
	.max_args = 0,
};

/* ---- PEER (DESIGN §2.3) ---- */

static bool looks_like_selector(const char *s)
{
	return strchr(s, '=') || strchr(s, '!') || strstr(s, " in ") || strstr(s, " notin ");
}

int np_peer_spec_parse(struct np_peer_spec *out, struct np_model *m, const char *text,
		       struct np_error *err)
{
	bool v4;
	int rc;

	memset(out, 0, sizeof(*out));
	out->text = text;
	if (!text || !*text)
		return np_error_set(err, NP_EUSAGE, "empty PEER");
	if (np_cidr_parse(&out->range, &v4, text) == 0) {
		out->kind = NP_PEERSPEC_CIDR;
		return 0;
	}
	if (strncmp(text, "ns:", 3) == 0) {
		if (!text[3])
			return np_error_set(err, NP_EUSAGE, "PEER \"%s\": namespace missing", text);
		out->kind = NP_PEERSPEC_NAMESPACE;
		out->namespace = text + 3;
		return 0;
	}
	if (looks_like_selector(text)) {
		out->kind = NP_PEERSPEC_SELECTOR;
		return np_selector_parse(&out->sel, m, text, err);
	}
	out->kind = NP_PEERSPEC_TARGET;
	rc = np_explain_target_parse(&out->target, text, err);
	return rc;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Whether model pod p is named by a TARGET (namespace ns, or any when NULL). */
static bool pod_is_target(const struct np_pod *p, const struct np_explain_target *t,
			  const char *ns)
{
	if (ns && !str_eq(p->namespace, ns))
		return false;
	if (strcmp(t->kind, "Pod") == 0)
		return str_eq(p->name, t->name);
	if (p->top.kind && str_eq(p->top.kind, t->kind) && str_eq(p->top.name, t->name))
		return true;
	return p->has_owner && str_eq(p->owner.kind, t->kind) && str_eq(p->owner.name, t->name);
}

bool np_peer_spec_matches_pod(const struct np_peer_spec *ps, const struct np_pod *p,
			      const char *default_ns)
{
	switch (ps->kind) {
	case NP_PEERSPEC_NAMESPACE:
		return str_eq(p->namespace, ps->namespace);
	case NP_PEERSPEC_SELECTOR:
		return (!default_ns || str_eq(p->namespace, default_ns)) &&
		       np_selector_matches(&ps->sel, &p->labels);
	case NP_PEERSPEC_TARGET:
		if (pod_is_target(p, &ps->target, ps->target.namespace ? ps->target.namespace :
							    default_ns))
			return true;
		/* "a/b" with a a kind: also the NS/POD reading. */
		return ps->target.or_namespace && str_eq(p->namespace, ps->target.or_namespace) &&
		       str_eq(p->name, ps->target.name);
	default:
		return false;
	}
}

bool np_peer_spec_matches_node(const struct np_peer_spec *ps, const struct np_model *m,
			       const struct np_reach_node *n, const char *default_ns)
{
	size_t i;

	if (ps->kind == NP_PEERSPEC_CIDR) {
		return n->kind == NP_REACH_EXTERNAL && np_ip_cmp(&n->range.lo, &ps->range.lo) >= 0 &&
		       np_ip_cmp(&n->range.hi, &ps->range.hi) <= 0;
	}
	if (n->kind != NP_REACH_WORKLOAD)
		return false;
	for (i = 0; i < n->n_pods; i++)
		if (np_peer_spec_matches_pod(ps, &m->pods.v[n->pods[i]], default_ns))
			return true;
	return false;
}

/* ---- output ---- */

struct rctx {
	struct np_reach *r;
	const struct np_model *m;
	const struct np_out_ctx *o;
	const struct np_peer_spec *from, *to;
	bool has_from, has_to;
	const char *only_ns;       /* -n: pairs with a workload there */
	const struct np_connset *port; /* --port numeric filter, or NULL */
	const char *port_name;     /* --port NAME */
	bool exposure;
	bool no_headers;
	size_t w_src, w_dst;       /* table column widths */
	bool *used;                /* dot: nodes with an edge */
	char **esc;                /* per node: the escaped label (lazily) */
	char **text;               /* per set id: the connections' text (lazily) */
	size_t n_text;
	struct np_connset tmp;
	int oom;
};

static bool node_in_ns(const struct np_reach_node *n, const char *ns)
{
	return n->kind == NP_REACH_WORKLOAD && str_eq(n->namespace, ns);
}

static bool src_ok(struct rctx *c, size_t i)
{
	const struct np_reach_node *n = np_reach_node(c->r, i);

	if (!n->as_src)
		return false;
	return !c->has_from || np_peer_spec_matches_node(c->from, c->m, n, c->only_ns);
}

static bool dst_ok(struct rctx *c, size_t i)
{
	const struct np_reach_node *n = np_reach_node(c->r, i);

	if (!n->as_dst)
		return false;
	return !c->has_to || np_peer_spec_matches_node(c->to, c->m, n, c->only_ns);
}

/* The connections to list for the pair (after --port), or NULL when none. */
static const struct np_connset *pair_conns(struct rctx *c, size_t s, size_t d)
{
	const struct np_reach_node *a = np_reach_node(c->r, s), *b = np_reach_node(c->r, d);
	const struct np_connset *cs;
	size_t k;

	if (c->only_ns && !node_in_ns(a, c->only_ns) && !node_in_ns(b, c->only_ns))
		return NULL;
	if (np_reach_pair(c->r, s, d, &cs) < 0) {
		c->oom = 1;
		return NULL;
	}
	if (np_connset_is_empty(cs))
		return NULL;
	if (!c->port && !c->port_name)
		return cs;
	np_connset_clear(&c->tmp);
	if (c->port) {
		if (np_connset_copy(&c->tmp, c->port) < 0)
			c->oom = 1;
	} else {
		for (k = 0; b->kind == NP_REACH_WORKLOAD && k < b->n_classes; k++)
			if (np_reach_named_port(c->r, b->classes[k], c->port_name, &c->tmp) < 0)
				c->oom = 1;
	}
	if (np_connset_intersect(&c->tmp, cs) < 0)
		c->oom = 1;
	return np_connset_is_empty(&c->tmp) ? NULL : &c->tmp;
}

typedef int (*pair_fn)(struct rctx *c, FILE *out, const char *src_label,
		       const struct np_reach_node *src, const struct np_reach_node *dst,
		       const struct np_connset *cs, size_t n);

/* Calls fn for every listed pair in order; returns the count or NP_E*. */
static long each_pair(struct rctx *c, FILE *out, pair_fn fn)
{
	size_t n = np_reach_n_nodes(c->r), s, d;
	long count = 0;
	int rc;

	if (c->exposure) {
		/* Ingress exposure: from any namespace, then from each external range. */
		for (d = 0; d < n; d++) {
			const struct np_reach_node *b = np_reach_node(c->r, d);
			const struct np_connset *cs;

			if (b->kind != NP_REACH_WORKLOAD || !dst_ok(c, d) ||
			    (c->only_ns && !node_in_ns(b, c->only_ns)))
				continue;
			if (np_reach_from_any(c->r, d, &cs) < 0)
				return NP_ENOMEM;
			if (!np_connset_is_empty(cs)) {
				if ((rc = fn(c, out, "entire-cluster", NULL, b, cs, (size_t)count)) < 0)
					return rc;
				count++;
			}
			for (s = 0; s < n; s++) {
				const struct np_reach_node *a = np_reach_node(c->r, s);
				const struct np_connset *ps;

				if (a->kind != NP_REACH_EXTERNAL || !src_ok(c, s))
					continue;
				ps = pair_conns(c, s, d);
				if (c->oom)
					return NP_ENOMEM;
				if (!ps)
					continue;
				if ((rc = fn(c, out, a->label, a, b, ps, (size_t)count)) < 0)
					return rc;
				count++;
			}
		}
		return count;
	}
	for (s = 0; s < n; s++) {
		const struct np_reach_node *a = np_reach_node(c->r, s);

		if (!src_ok(c, s))
			continue;
		for (d = 0; d < n; d++) {
			const struct np_reach_node *b = np_reach_node(c->r, d);
			const struct np_connset *cs;

			if (d == s || !dst_ok(c, d) ||
			    (a->kind == NP_REACH_EXTERNAL && b->kind == NP_REACH_EXTERNAL))
				continue;
			cs = pair_conns(c, s, d);
			if (c->oom)
				return NP_ENOMEM;
			if (!cs)
				continue;
			if ((rc = fn(c, out, a->label, a, b, cs, (size_t)count)) < 0)
				return rc;
			count++;
		}
	}
	return count;
}

static int conns_text(const struct np_connset *cs, char **out)
{
	size_t n = np_connset_format(cs, NULL, 0);

	*out = malloc(n + 1);
	if (!*out)
		return NP_ENOMEM;
	np_connset_format(cs, *out, n + 1);
	return 0;
}

/* Output is dominated by a few distinct sets and labels: format and escape
 * each once (DESIGN §7, output is streamed). */
static const char *cached_conns(struct rctx *c, const struct np_connset *cs)
{
	size_t id = np_reach_set_id(c->r, cs);
	char *t;

	if (id == SIZE_MAX) {
		/* Not interned (--port): a one-slot scratch. */
		free(c->text ? c->text[0] : NULL);
		if (!c->text) {
			c->text = calloc(1, sizeof(*c->text));
			if (!c->text)
				return NULL;
			c->n_text = 1;
		}
		c->text[0] = NULL;
		return conns_text(cs, &c->text[0]) < 0 ? NULL : c->text[0];
	}
	id++;
	if (id >= c->n_text) {
		size_t n = id + 64, i;
		char **nt = realloc(c->text, n * sizeof(*nt));

		if (!nt)
			return NULL;
		for (i = c->n_text; i < n; i++)
			nt[i] = NULL;
		c->text = nt;
		c->n_text = n;
	}
	if (!c->text[id] && conns_text(cs, &t) == 0)
		c->text[id] = t;
	return c->text[id];
}

static const char *cached_label(struct rctx *c, const char *label, const struct np_reach_node *n)
{
	size_t i;
	struct np_strbuf b;

	if (!n)
		return label;
	i = (size_t)(n - np_reach_node(c->r, 0));
	if (!c->esc) {
		c->esc = calloc(np_reach_n_nodes(c->r) + 1, sizeof(*c->esc));
		if (!c->esc)
			return NULL;
	}
	if (!c->esc[i]) {
		np_strbuf_init(&b);
		np_escape_term(&b, label, 0);
		if (b.oom || !b.s) {
			np_strbuf_release(&b);
			return NULL;
		}
		c->esc[i] = b.s;
	}
	return c->esc[i];
}

static void rctx_release(struct rctx *c)
{
	size_t i;

	for (i = 0; c->esc && i < np_reach_n_nodes(c->r); i++)
		free(c->esc[i]);
	free(c->esc);
	for (i = 0; i < c->n_text; i++)
		free(c->text[i]);
	free(c->text);
}

/* connlist: "src => dst : conns" (np-guard's txt format). */
static int connlist_pair(struct rctx *c, FILE *out, const char *src_label,
			 const struct np_reach_node *src, const struct np_reach_node *dst,
			 const struct np_connset *cs, size_t n)
{
	const char *a = cached_label(c, src_label, src), *b = cached_label(c, dst->label, dst);
	const char *t = cached_conns(c, cs);

	(void)n;
	if (!a || !b || !t)
		return NP_ENOMEM;
	fputs(a, out);
	fputs(" => ", out);
	fputs(b, out);
	fputs(" : ", out);
	fputs(t, out);
	fputc('\n', out);
	return 0;
}

static void pad(FILE *out, size_t have, size_t want)
{
	for (; have < want; have++)
		fputc(' ', out);
}

static int table_pair(struct rctx *c, FILE *out, const char *src_label,
		      const struct np_reach_node *src, const struct np_reach_node *dst,
		      const struct np_connset *cs, size_t n)
{
	const char *sa, *sb, *t;

	if (n == 0 && !c->no_headers) {
		fputs(c->exposure ? "FROM" : "SOURCE", out);
		pad(out, c->exposure ? 4 : 6, c->w_src + 3);
		fputs(c->exposure ? "WORKLOAD" : "DESTINATION", out);
		pad(out, c->exposure ? 8 : 11, c->w_dst + 3);
		fputs("CONNECTIONS\n", out);
	}
	sa = cached_label(c, src_label, src);
	sb = cached_label(c, dst->label, dst);
	t = cached_conns(c, cs);
	if (!sa || !sb || !t)
		return NP_ENOMEM;
	fputs(sa, out);
	pad(out, np_text_width(sa), c->w_src + 3);
	fputs(sb, out);
	pad(out, np_text_width(sb), c->w_dst + 3);
	fputs(t, out);
	fputc('\n', out);
	return 0;
}

static void dot_id(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s < 0x20)
			continue;
		fputc(*s, out);
	}
	fputc('"', out);
}

static int dot_pair(struct rctx *c, FILE *out, const char *src_label,
		    const struct np_reach_node *src, const struct np_reach_node *dst,
		    const struct np_connset *cs, size_t n)
{
	char *t;

	(void)c;
	(void)src;
	(void)n;
	if (conns_text(cs, &t) < 0)
		return NP_ENOMEM;
	fputs("\t", out);
	dot_id(out, src_label);
	fputs(" -> ", out);
	dot_id(out, dst->label);
	fputs(" [label=", out);
	dot_id(out, t);
	fputs(" color=\"gold2\" fontcolor=\"darkgreen\"]\n", out);
	free(t);
	return 0;
}

static int mark_pair(struct rctx *c, FILE *out, const char *src_label,
		     const struct np_reach_node *src, const struct np_reach_node *dst,
		     const struct np_connset *cs, size_t n)
{
	(void)out;
	(void)src_label;
	(void)cs;
	(void)n;
	if (src)
		c->used[src - np_reach_node(c->r, 0)] = true;
	c->used[dst - np_reach_node(c->r, 0)] = true;
	return 0;
}

static int write_dot(struct rctx *c, FILE *out)
{
	size_t n = np_reach_n_nodes(c->r), i, j;
	const char *cur = NULL;
	long rc;

	/* External ranges are drawn only when an edge touches them. */
	c->used = calloc(n ? n : 1, sizeof(*c->used));
	if (!c->used)
		return NP_ENOMEM;
	rc = each_pair(c, out, mark_pair);
	if (rc < 0) {
		free(c->used);
		c->used = NULL;
		return (int)rc;
	}

	fputs("digraph {\n\tlabel=\"Connectivity Graph\"\n\tlabelloc=\"t\"\n\tfontsize=30\n"
	      "\tfontcolor=\"maroon\"\n\tsubgraph cluster_map_explanation {\n\t}\n", out);
	/* Workloads, one cluster per namespace (nodes are sorted by namespace). */
	for (i = 0; i < n; i++) {
		const struct np_reach_node *nd = np_reach_node(c->r, i);
		char lab[512];

		if (nd->kind != NP_REACH_WORKLOAD || (!src_ok(c, i) && !dst_ok(c, i)))
			continue;
		if (!cur || strcmp(cur, nd->namespace ? nd->namespace : "") != 0) {
			if (cur)
				fputs("\t}\n", out);
			cur = nd->namespace ? nd->namespace : "";
			fputs("\tsubgraph ", out);
			snprintf(lab, sizeof(lab), "cluster_%s", cur);
			for (j = 0; lab[j]; j++)
				if (lab[j] == '-' || lab[j] == '.')
					lab[j] = '_';
			dot_id(out, lab);
			fputs(" {\n\t\tcolor=\"black\"\n\t\tfontcolor=\"black\"\n\t\tlabel=", out);
			dot_id(out, cur);
			fputc('\n', out);
		}
		snprintf(lab, sizeof(lab), "%s[%s]", nd->name ? nd->name : "", nd->wkind);
		fputs("\t\t", out);
		dot_id(out, nd->label);
		fputs(" [label=", out);
		dot_id(out, lab);
		fputs(" color=\"blue\" fontcolor=\"blue\"]\n", out);
	}
	if (cur)
		fputs("\t}\n", out);
	for (i = 0; i < n; i++) {
		const struct np_reach_node *nd = np_reach_node(c->r, i);

		if (nd->kind != NP_REACH_EXTERNAL || !c->used[i])
			continue;
		fputs("\t", out);
		dot_id(out, nd->label);
		fputs(" [label=", out);
		dot_id(out, nd->label);
		fputs(" color=\"red2\" fontcolor=\"red2\"]\n", out);
	}
	if (c->exposure) {
		fputs("\t\"entire-cluster\" [label=\"entire-cluster\" shape=box color=\"red2\" "
		      "fontcolor=\"red2\"]\n", out);
	}
	rc = each_pair(c, out, dot_pair);
	free(c->used);
	c->used = NULL;
	if (rc < 0)
		return (int)rc;
	fputs("}\n", out);
	return 0;
}

static json_t *allowed_json(const struct np_connset *cs)
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

static json_t *node_json(const struct np_reach_node *n, const char *label)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (!n) {
		json_object_set_new(o, "entireCluster", json_true());
		(void)label;
	} else if (n->kind == NP_REACH_WORKLOAD) {
		json_object_set_new(o, "namespace", np_json_str(n->namespace));
		json_object_set_new(o, "name", np_json_str(n->name));
		json_object_set_new(o, "kind", np_json_str(n->wkind));
	} else {
		char (*cidrs)[NP_CIDR_TEXT];
		char buf[128];
		size_t k, m = np_iprange_cidrs(&n->range, NULL, 0);
		json_t *a = json_array();

		np_iprange_format(&n->range, buf, sizeof(buf));
		json_object_set_new(o, "ipRange", json_string(buf));
		cidrs = malloc((m ? m : 1) * sizeof(*cidrs));
		if (cidrs && a) {
			np_iprange_cidrs(&n->range, cidrs, m);
			for (k = 0; k < m; k++)
				json_array_append_new(a, json_string(cidrs[k]));
		}
		free(cidrs);
		json_object_set_new(o, "cidrs", a ? a : json_null());
	}
	return o;
}

static json_t *pair_json(const char *src_label, const struct np_reach_node *src,
			 const struct np_reach_node *dst, const struct np_connset *cs)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "src", node_json(src, src_label));
	json_object_set_new(o, "dst", node_json(dst, dst->label));
	json_object_set_new(o, "allowed", allowed_json(cs));
	return o;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	return fwrite(buf, 1, size, data) == size ? 0 : -1;
}

static int json_pair(struct rctx *c, FILE *out, const char *src_label,
		     const struct np_reach_node *src, const struct np_reach_node *dst,
		     const struct np_connset *cs, size_t n)
{
	json_t *o = pair_json(src_label, src, dst, cs);
	int rc;

	(void)c;
	if (!o)
		return NP_ENOMEM;
	fputs(n ? ",\n    " : "\n    ", out);
	rc = json_dump_callback(o, dump_cb, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return rc < 0 ? NP_EIO : 0;
}

static int json_tail(struct rctx *c, FILE *out, bool any)
{
	json_t *w = np_diag_json_warnings(c->o), *e = np_diag_json_errors(c->o);
	int rc = 0;

	fputs(any ? "\n  ],\n  \"warnings\": " : "],\n  \"warnings\": ", out);
	if (!w || json_dump_callback(w, dump_cb, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		rc = NP_EIO;
	fputs(",\n  \"errors\": ", out);
	if (!e || json_dump_callback(e, dump_cb, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		rc = NP_EIO;
	fputs("\n}\n", out);
	json_decref(w);
	json_decref(e);
	return rc;
}

static int write_json(struct rctx *c, FILE *out)
{
	long n;

	fputs("{\n  \"apiVersion\": \"kubectl-netpol/v1\",\n  \"kind\": \"Reachability\",\n"
	      "  \"connections\": [", out);
	n = each_pair(c, out, json_pair);
	if (n < 0)
		return (int)n;
	return json_tail(c, out, n > 0);
}

static json_t *yaml_acc;

static int yaml_pair(struct rctx *c, FILE *out, const char *src_label,
		     const struct np_reach_node *src, const struct np_reach_node *dst,
		     const struct np_connset *cs, size_t n)
{
	json_t *o = pair_json(src_label, src, dst, cs);

	(void)c;
	(void)out;
	(void)n;
	if (!o || json_array_append_new(yaml_acc, o) < 0)
		return NP_ENOMEM;
	return 0;
}

static int write_yaml(struct rctx *c, FILE *out)
{
	json_t *root = json_object();
	long n;
	int rc;

	yaml_acc = json_array();
	if (!root || !yaml_acc) {
		json_decref(root);
		json_decref(yaml_acc);
		return NP_ENOMEM;
	}
	json_object_set_new(root, "apiVersion", json_string("kubectl-netpol/v1"));
	json_object_set_new(root, "kind", json_string("Reachability"));
	n = each_pair(c, out, yaml_pair);
	json_object_set_new(root, "connections", yaml_acc);
	yaml_acc = NULL;
	json_object_set_new(root, "warnings", np_diag_json_warnings(c->o));
	json_object_set_new(root, "errors", np_diag_json_errors(c->o));
	rc = n < 0 ? (int)n : np_yaml_emit(out, root);
	json_decref(root);
	return rc;
}

static int write_table(struct rctx *c, FILE *out)
{
	size_t n = np_reach_n_nodes(c->r), i;
	long k;

	c->w_src = c->exposure ? strlen("entire-cluster") : 6;
	c->w_dst = 11;
	for (i = 0; i < n; i++) {
		const struct np_reach_node *nd = np_reach_node(c->r, i);
		size_t w = strlen(nd->label);

		if (src_ok(c, i) && w > c->w_src)
			c->w_src = w;
		if (dst_ok(c, i) && w > c->w_dst)
			c->w_dst = w;
	}
	k = each_pair(c, out, table_pair);
	return k < 0 ? (int)k : 0;
}

static int write_connlist(struct rctx *c, FILE *out)
{
	long k = each_pair(c, out, connlist_pair);

	return k < 0 ? (int)k : 0;
}

struct reach_job {
	const char *format;
	struct rctx *c;
};

static int write_format(FILE *out, void *ctx)
{
	struct reach_job *j = ctx;

	if (strcmp(j->format, "json") == 0)
		return write_json(j->c, out);
	if (strcmp(j->format, "yaml") == 0)
		return write_yaml(j->c, out);
	if (strcmp(j->format, "dot") == 0)
		return write_dot(j->c, out);
	if (strcmp(j->format, "connlist") == 0)
		return write_connlist(j->c, out);
	return write_table(j->c, out);
}

static bool format_known(const char *f)
{
	size_t i;

	for (i = 0; f && reach_outputs[i]; i++)
		if (strcmp(f, reach_outputs[i]) == 0)
			return true;
	return false;
}

/* ---- the verb ---- */

static bool needed_resource(enum np_resource r)
{
	switch (r) {
	case NP_RES_PODS: case NP_RES_NAMESPACES: case NP_RES_NETWORKPOLICIES:
	case NP_RES_ANP: case NP_RES_BANP: case NP_RES_CNP:
		return true;
	default:
		return false;
	}
}

bool np_reach_incomplete(const struct np_model *m)
{
	size_t i;
	int r;

	for (i = 0; i < m->errors.n; i++) {
		const struct np_diag *d = &m->errors.v[i];

		if (!d->resource)
			return true;
		for (r = 0; r < NP_RES__COUNT; r++)
			if (needed_resource((enum np_resource)r) &&
			    strcmp(d->resource, np_resource_name((enum np_resource)r)) == 0)
				return true;
	}
	for (i = 0; i < m->avail.n; i++) {
		const struct np_avail *av = &m->avail.v[i];

		if (av->state != NP_AVAIL_READ && needed_resource(av->res) &&
		    np_model_avail(m, av->res, av->namespace, NULL, NULL) != NP_AVAIL_READ)
			return true;
	}
	return false;
}

/* Text formats have no warnings[]/errors[]: they go to stderr. */
static void print_diags(struct np_io *io, const struct np_out_ctx *o, bool quiet)
{
	json_t *errs = np_diag_json_errors(o), *warns = quiet ? NULL : np_diag_json_warnings(o), *e;
	size_t i;

	json_array_foreach(errs, i, e) {
		const char *res = json_string_value(json_object_get(e, "resource"));
		const char *ns = json_string_value(json_object_get(e, "namespace"));
		const char *reason = json_string_value(json_object_get(e, "reason"));
		const char *message = json_string_value(json_object_get(e, "message"));

		np_print_errorf(io, "incomplete: %s%s%s: %s%s%s", res ? res : "input",
				ns ? " in namespace " : "", ns ? ns : "", reason ? reason : "error",
				message ? ": " : "", message ? message : "");
	}
	json_array_foreach(warns, i, e) {
		const char *message = json_string_value(json_object_get(e, "message"));

		np_print_errorf(io, "warning: %s", message ? message : "");
	}
	json_decref(errs);
	json_decref(warns);
}

int cmd_reach(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_reach *r = NULL;
	struct np_reach_options ro;
	struct np_peer_spec from, to;
	struct np_connset port;
	struct np_out_ctx o;
	struct np_diag *diags = NULL;
	struct rctx c;
	const char *cuts[2];
	const char *port_name = NULL;
	char now[32];
	int rc, code = NP_EXIT_OK;
	size_t i, n_cuts = 0;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	np_connset_init(&port);
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	np_connset_init(&c.tmp);
	np_reach_options_default(&ro);

	if ((rc = np_cli_parse(&cli, &np_spec_reach, argc, argv, &err)) < 0) {
		code = np_usage_error(io, "reach", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_reach);
		goto out;
	}
	for (i = 0; i <= cli.n_output_files; i++) {
		if (!format_known(i == 0 ? cli.output : cli.output_files[i - 1].format)) {
			np_error_set(&err, NP_EUSAGE, "output format is not available for reach");
			code = np_usage_error(io, "reach", &err);
			goto out;
		}
	}
	if (cli.verb_values[FLAG_HOSTNETWORK].set) {
		const char *v = cli.verb_values[FLAG_HOSTNETWORK].s;

		if (strcmp(v, "as-pods") == 0) {
			ro.hostnetwork_as_pods = true;
		} else if (strcmp(v, "as-ip") != 0) {
			np_error_set(&err, NP_EUSAGE, "--hostnetwork: expected as-pods or as-ip, not \"%s\"", v);
			code = np_usage_error(io, "reach", &err);
			goto out;
		}
	}
	if (cli.verb_values[FLAG_IPBLOCK_PODS].set)
		ro.ipblock_matches_pods = cli.verb_values[FLAG_IPBLOCK_PODS].b;
	ro.include_idle = cli.verb_values[FLAG_INCLUDE_IDLE].set && cli.verb_values[FLAG_INCLUDE_IDLE].b;
	if (cli.verb_values[FLAG_PORT].set) {
		rc = np_connset_parse_port(&port, cli.verb_values[FLAG_PORT].s, &port_name, &err);
		if (rc < 0 && rc != NP_ENOTFOUND) {
			code = np_usage_error(io, "reach", &err);
			goto out;
		}
	}
	/* PEERs: selectors need the model's strings, so parse before loading
	 * only to report syntax errors early, then for real after. */
	if (cli.verb_values[FLAG_FROM].set &&
	    (rc = np_peer_spec_parse(&from, &m, cli.verb_values[FLAG_FROM].s, &err)) < 0) {
		code = np_usage_error(io, "reach", &err);
		goto out;
	}
	if (cli.verb_values[FLAG_TO].set &&
	    (rc = np_peer_spec_parse(&to, &m, cli.verb_values[FLAG_TO].s, &err)) < 0) {
		code = np_usage_error(io, "reach", &err);
		goto out;
	}
	if ((rc = np_cli_load(&m, &cli, io, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	if (cli.verb_values[FLAG_FROM].set && from.kind == NP_PEERSPEC_CIDR)
		cuts[n_cuts++] = from.text;
	if (cli.verb_values[FLAG_TO].set && to.kind == NP_PEERSPEC_CIDR)
		cuts[n_cuts++] = to.text;
	ro.cuts = cuts;
	ro.n_cuts = n_cuts;
	if ((rc = np_reach_new(&r, &m, &ro, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	if (cli.verbosity > 0)
		np_print_errorf(io, "reach: %zu pods in %zu classes, %zu nodes", m.pods.n,
				np_reach_n_classes(r), np_reach_n_nodes(r));

	c.r = r;
	c.m = &m;
	c.o = &o;
	c.from = &from;
	c.to = &to;
	c.has_from = cli.verb_values[FLAG_FROM].set;
	c.has_to = cli.verb_values[FLAG_TO].set;
	c.only_ns = cli.all_namespaces ? NULL : cli.namespace;
	c.port = cli.verb_values[FLAG_PORT].set && !port_name ? &port : NULL;
	c.port_name = port_name;
	c.exposure = cli.verb_values[FLAG_EXPOSURE].set && cli.verb_values[FLAG_EXPOSURE].b;
	c.no_headers = cli.no_headers;
	/* A named PEER that matches nothing is an error, as for explain. */
	for (i = 0; i < 2; i++) {
		const struct np_peer_spec *ps = i == 0 ? &from : &to;
		bool set = i == 0 ? c.has_from : c.has_to;
		size_t k, found = 0;

		if (!set || ps->kind != NP_PEERSPEC_TARGET)
			continue;
		for (k = 0; k < np_reach_n_nodes(r) && !found; k++)
			if (np_peer_spec_matches_node(ps, &m, np_reach_node(r, k), c.only_ns))
				found++;
		if (!found) {
			np_print_errorf(io, "%s %s: no such pod or workload", i == 0 ? "--from" : "--to",
					ps->text);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}

	np_now_rfc3339(now);
	o.m = &m;
	o.mode = cli.n_files > 0 ? "offline" : "live";
	o.generated_at = now;
	if (np_reach_n_warnings(r)) {
		diags = calloc(np_reach_n_warnings(r), sizeof(*diags));
		if (!diags) {
			np_print_errorf(io, "out of memory");
			code = NP_EXIT_USAGE;
			goto out;
		}
		for (i = 0; i < np_reach_n_warnings(r); i++) {
			diags[i].reason = "reach";
			diags[i].message = np_reach_warning(r, i);
		}
		o.extra_warnings = diags;
		o.n_extra_warnings = np_reach_n_warnings(r);
	}
	if (strcmp(cli.output, "json") != 0 && strcmp(cli.output, "yaml") != 0)
		print_diags(io, &o, cli.quiet);
	{
		struct reach_job job = { cli.output, &c };

		rc = write_format(io->out, &job);
	}
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error%s", rc == NP_ENOMEM ? ": out of memory" : "");
		code = NP_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < cli.n_output_files; i++) {
		struct reach_job job = { cli.output_files[i].format, &c };

		if ((rc = np_write_file_atomic(cli.output_files[i].path, write_format, &job, &err)) < 0) {
			np_print_error(io, &err);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}
	if (np_reach_incomplete(&m))
		code = NP_EXIT_FINDINGS;
out:
	free(diags);
	rctx_release(&c);
	np_connset_release(&c.tmp);
	np_connset_release(&port);
	np_reach_free(r);
	np_model_release(&m);
	np_cli_release(&cli);
	return code;
}
