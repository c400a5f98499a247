/* --exceptions FILE and --baseline REPORT.json (DESIGN §10): parsed into the
 * np_exception records and fingerprints np_audit_run applies. A typo must
 * not silently widen or drop a suppression, so unknown keys, unknown control
 * ids and bad dates are errors (exit 2). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netpol/cli.h"
#include "netpol/node.h"

#define MAX_FILE_BYTES (64u << 20)

void np_exceptions_init(struct np_exceptions *x)
{
	memset(x, 0, sizeof(*x));
	np_arena_init(&x->mem);
}

void np_exceptions_release(struct np_exceptions *x)
{
	if (!x)
		return;
	free(x->v);
	free(x->fingerprints);
	np_arena_release(&x->mem);
	memset(x, 0, sizeof(*x));
}

bool np_exception_expired(const struct np_exception *e, const char *today)
{
	/* YYYY-MM-DD compares as text; "through that day" means expired only after it */
	return e->expires && today && strncmp(e->expires, today, 10) < 0;
}

struct parse_ctx {
	struct np_exceptions *x;
	const char *path;
	struct np_error *err;
};

static const char *dup_str(struct np_exceptions *x, const char *s, size_t len)
{
	return np_arena_strndup(&x->mem, s, len);
}

static bool valid_date(const char *s, size_t len)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

static bool known_control(const char *pattern)
{
	size_t n = 0;
	const struct np_control_def *cat = np_controls_catalog(&n);

	for (size_t i = 0; i < n; i++)
		if (np_control_pattern_matches(pattern, cat[i].id))
			return true;
	return false;
}

static int at(struct parse_ctx *c, const struct np_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int at(struct parse_ctx *c, const struct np_node *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return np_error_setat(c->err, NP_EUSAGE, c->path, NULL, n ? n->line : 0, n ? n->column : 0,
			      "%s", msg);
}

static int add_control(struct parse_ctx *c, const char ***list, size_t *n, size_t *cap,
		       const struct np_node *where, const char *s, size_t len)
{
	const char *copy;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (!(copy = dup_str(c->x, s, len)))
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	if (!known_control(copy))
		return at(c, where, "exceptions: unknown control id \"%.200s\"", copy);
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		const char **nl = np_arena_alloc(&c->x->mem, ncap * sizeof(*nl));
		if (!nl)
			return np_error_set(c->err, NP_ENOMEM, "out of memory");
		if (*n)
			memcpy(nl, *list, *n * sizeof(*nl));
		*list = nl;
		*cap = ncap;
	}
	(*list)[(*n)++] = copy;
	return 0;
}

static int parse_controls(struct parse_ctx *c, struct np_exception *e, const struct np_node *v)
{
	size_t cap = 0;
	int rc;

	if (np_node_is(v, NP_NODE_STRING)) {
		/* "NP-103,NP-205" reads as the list it obviously means */
		const char *p = v->u.str.s;
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			if ((rc = add_control(c, &e->controls, &e->n_controls, &cap, v, p, len)) < 0)
				return rc;
			if (!comma)
				break;
			p = comma + 1;
		}
	} else if (np_node_is(v, NP_NODE_SEQ)) {
		for (size_t i = 0; i < v->u.seq.n; i++) {
			const struct np_node *it = v->u.seq.items[i];
			if (!np_node_is(it, NP_NODE_STRING))
				return at(c, it, "exceptions: controls: expected a control id");
			if ((rc = add_control(c, &e->controls, &e->n_controls, &cap, it, it->u.str.s,
					      it->u.str.len)) < 0)
				return rc;
		}
	} else {
		return at(c, v, "exceptions: controls: expected a list of control ids");
	}
	if (e->n_controls == 0)
		return at(c, v, "exceptions: controls: empty list");
	return 0;
}

static int opt_string(struct parse_ctx *c, const struct np_node *v, const char *key, const char **out)
{
	if (np_node_is(v, NP_NODE_NULL)) {
		*out = NULL;
		return 0;
	}
	if (!np_node_is(v, NP_NODE_STRING))
		return at(c, v, "exceptions: %s: expected a string", key);
	if (!(*out = dup_str(c->x, v->u.str.s, v->u.str.len)))
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	return 0;
}

static int parse_entry(struct parse_ctx *c, const struct np_node *m)
{
	struct np_exception e;
	const struct np_node *controls = NULL;
	int rc;

	memset(&e, 0, sizeof(e));
	if (!np_node_is(m, NP_NODE_MAP))
		return at(c, m, "exceptions: expected a mapping");
	for (size_t i = 0; i < m->u.map.n; i++) {
		const struct np_pair *p = &m->u.map.pairs[i];
		const struct np_node *v = p->value;
		if (strcmp(p->key, "controls") == 0) {
			controls = v;
			if ((rc = parse_controls(c, &e, v)) < 0)
				return rc;
		} else if (strcmp(p->key, "namespace") == 0) {
			if ((rc = opt_string(c, v, p->key, &e.namespace)) < 0)
				return rc;
		} else if (strcmp(p->key, "kind") == 0) {
			if ((rc = opt_string(c, v, p->key, &e.kind)) < 0)
				return rc;
		} else if (strcmp(p->key, "name") == 0) {
			if ((rc = opt_string(c, v, p->key, &e.name)) < 0)
				return rc;
		} else if (strcmp(p->key, "reason") == 0) {
			if ((rc = opt_string(c, v, p->key, &e.reason)) < 0)
				return rc;
		} else if (strcmp(p->key, "expires") == 0) {
			if ((rc = opt_string(c, v, p->key, &e.expires)) < 0)
				return rc;
			if (e.expires && !valid_date(e.expires, strlen(e.expires)))
				return at(c, v, "exceptions: expires: \"%.40s\" is not a date (YYYY-MM-DD)",
					  e.expires);
		} else {
			return np_error_setat(c->err, NP_EUSAGE, c->path, NULL, p->key_line, p->key_column,
					      "exceptions: unknown key \"%.200s\"", p->key);
		}
	}
	if (!controls)
		return at(c, m, "exceptions: controls is required");
	if (!e.reason || !e.reason[strspn(e.reason, " \t")])
		return at(c, m, "exceptions: reason is required");
	if (c->x->n == c->x->cap_v) {
		size_t ncap = c->x->cap_v ? c->x->cap_v * 2 : 8;
		struct np_exception *nv = realloc(c->x->v, ncap * sizeof(*nv));
		if (!nv)
			return np_error_set(c->err, NP_ENOMEM, "out of memory");
		c->x->v = nv;
		c->x->cap_v = ncap;
	}
	c->x->v[c->x->n++] = e;
	return 0;
}

static int exceptions_doc(void *ctx, const struct np_node *doc, int doc_index)
{
	struct parse_ctx *c = ctx;
	const char *api, *kind;
	const struct np_node *list;
	int rc;

	(void)doc_index;
	if (!np_node_is(doc, NP_NODE_MAP))
		return at(c, doc, "expected a kubectl-netpol/v1 Exceptions document");
	api = np_node_str(np_node_get(doc, "apiVersion"));
	kind = np_node_str(np_node_get(doc, "kind"));
	if (!api || strcmp(api, "kubectl-netpol/v1") != 0 || !kind || strcmp(kind, "Exceptions") != 0)
		return at(c, doc, "expected apiVersion kubectl-netpol/v1 and kind Exceptions");
	list = np_node_get(doc, "exceptions");
	if (!list || np_node_is(list, NP_NODE_NULL))
		return 0;
	if (!np_node_is(list, NP_NODE_SEQ))
		return at(c, list, "exceptions: expected a list");
	for (size_t i = 0; i < list->u.seq.n; i++)
		if ((rc = parse_entry(c, list->u.seq.items[i])) < 0)
			return rc;
	return 0;
}

int np_exceptions_parse(struct np_exceptions *x, const char *buf, size_t len, const char *path,
			struct np_error *err)
{
	struct parse_ctx c = { x, path, err };
	struct np_decode_limits lim;
	size_t before = x->n;
	int rc;

	np_decode_limits_default(&lim);
	rc = np_yaml_decode(buf, len, path, &lim, exceptions_doc, &c, err);
	if (rc < 0) {
		x->n = before;
		/* a bad exceptions file is a usage error (exit 2) whatever the cause */
		if (err && !err->file[0])
			snprintf(err->file, sizeof(err->file), "%s", path);
		return rc == NP_ENOMEM ? rc : (rc == NP_EPARSE ? NP_EPARSE : NP_EUSAGE);
	}
	return 0;
}

int np_exceptions_load(struct np_exceptions *x, const char *path, struct np_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = np_read_file(path, MAX_FILE_BYTES, &buf, &len, err)) < 0)
		return rc;
	rc = np_exceptions_parse(x, buf, len, path, err);
	free(buf);
	return rc;
}

static int add_fingerprint(struct parse_ctx *c, const struct np_node *v)
{
	const char *fp;

	if (!np_node_is(v, NP_NODE_STRING))
		return 0;
	if (!(fp = dup_str(c->x, v->u.str.s, v->u.str.len)))
		return np_error_set(c->err, NP_ENOMEM, "out of memory");
	if (c->x->n_fingerprints == c->x->cap_fp) {
		size_t ncap = c->x->cap_fp ? c->x->cap_fp * 2 : 64;
		const char **nv = realloc(c->x->fingerprints, ncap * sizeof(*nv));
		if (!nv)
			return np_error_set(c->err, NP_ENOMEM, "out of memory");
		c->x->fingerprints = nv;
		c->x->cap_fp = ncap;
	}
	c->x->fingerprints[c->x->n_fingerprints++] = fp;
	return 0;
}

static int baseline_doc(void *ctx, const struct np_node *doc, int doc_index)
{
	struct parse_ctx *c = ctx;
	const char *kind, *api;
	const struct np_node *controls;
	int rc;

	if (doc_index > 0)
		return at(c, doc, "expected one AuditReport document");
	kind = np_node_str(np_node_get(doc, "kind"));
	api = np_node_str(np_node_get(doc, "apiVersion"));
	if (!np_node_is(doc, NP_NODE_MAP) || !kind || strcmp(kind, "AuditReport") != 0 || !api ||
	    strcmp(api, "kubectl-netpol/v1") != 0)
		return at(c, doc, "not a kubectl-netpol/v1 AuditReport (use an earlier -o json report)");
	controls = np_node_get(doc, "controls");
	if (!np_node_is(controls, NP_NODE_SEQ))
		return at(c, doc, "AuditReport without controls");
	for (size_t i = 0; i < controls->u.seq.n; i++) {
		const struct np_node *f = np_node_get(controls->u.seq.items[i], "findings");
		if (!np_node_is(f, NP_NODE_SEQ))
			continue;
		for (size_t k = 0; k < f->u.seq.n; k++)
			if ((rc = add_fingerprint(c, np_node_get(f->u.seq.items[k], "fingerprint"))) < 0)
				return rc;
	}
	return 0;
}

int np_baseline_parse(struct np_exceptions *x, const char *buf, size_t len, const char *path,
		      struct np_error *err)
{
	struct parse_ctx c = { x, path, err };
	struct np_decode_limits lim;
	int rc;

	np_decode_limits_default(&lim);
	rc = np_json_decode(buf, len, path, &lim, baseline_doc, &c, err);
	if (rc < 0) {
		if (err && !err->file[0])
			snprintf(err->file, sizeof(err->file), "%s", path);
		return rc == NP_ENOMEM ? rc : (rc == NP_EPARSE ? NP_EPARSE : NP_EUSAGE);
	}
	return 0;
}

int np_baseline_load(struct np_exceptions *x, const char *path, struct np_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = np_read_file(path, MAX_FILE_BYTES, &buf, &len, err)) < 0)
		return rc;
	rc = np_baseline_parse(x, buf, len, path, err);
	free(buf);
	return rc;
}
