/* Terraform input → np_tf_resource records (see include/netpol/terraform.h).
 *
 * All three forms become the same records. HCL and Terraform's JSON syntax
 * share a tree shape (hcl.h), so one walker reads both: resource bodies are
 * searched for the attribute paths each resource type needs, and every
 * occurrence is recorded (repeated blocks, blocks written as JSON arrays).
 * Plan and state JSON hold evaluated values, nested blocks as arrays (empty
 * = absent) and nulls for unset attributes (= absent); `after_unknown`
 * marks what is known only after apply (unresolved).
 *
 * Nothing is evaluated: a value that is not a literal is recorded as
 * unresolved with its source text, plus, for a plain reference to a
 * resource or module call, the "<type>.<name>" or "module.<name>" it names
 * (the analyzer matches those across files of one module). The only value
 * computed here is an aws_eks_addon's enableNetworkPolicy, read from
 * configuration_values (a JSON or YAML string, or a jsonencode() whose
 * object has literal keys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/hcl.h"
#include "netpol/terraform.h"

enum fmt { F_HCL, F_JSON, F_PLAN, F_STATE };
static const char *const fmt_names[] = { "hcl", "json", "plan", "state" };

/* What each resource type needs (DESIGN §3.1); prefixes come first so a
 * block is recorded before what is inside it. */
static const char *const aks_paths[] = {
	"name", "network_profile", "network_profile.network_policy",
	"network_profile.network_plugin", "network_profile.network_plugin_mode",
	"network_profile.network_data_plane", "network_profile.ebpf_data_plane", NULL,
};
static const char *const eks_paths[] = { "name", "compute_config", "compute_config.enabled", NULL };
static const char *const addon_paths[] = { "cluster_name", "addon_name", "configuration_values", NULL };
static const char *const helm_paths[] = { "name", "chart", "repository", NULL };
static const char *const gke_paths[] = {
	"name", "network_policy", "network_policy.enabled", "network_policy.provider",
	"addons_config", "addons_config.network_policy_config",
	"addons_config.network_policy_config.disabled", "datapath_provider", "enable_autopilot",
	NULL,
};
static const char *const module_paths[] = { "source", NULL };

static const struct {
	const char *type;
	const char *const *paths;
} wanted[] = {
	{ "azurerm_kubernetes_cluster", aks_paths },
	{ "aws_eks_cluster", eks_paths },
	{ "aws_eks_addon", addon_paths },
	{ "helm_release", helm_paths },
	{ "google_container_cluster", gke_paths },
};

struct tfd {
	struct np_model *m;
	const char *file, *member; /* interned */
	const char *module;        /* interned */
	const char *dir;           /* HCL/JSON: the directory module calls resolve against */
	enum fmt fmt;
	bool oom;
};

/* One resource being read: its attributes grow in a malloc'd vector. */
struct rec {
	struct tfd *d;
	struct np_tf_attr *v;
	size_t n, cap;
};

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool key_is(const struct np_pair *p, const char *k, size_t klen)
{
	return p->key_len == klen && memcmp(p->key, k, klen) == 0;
}

static const char *str(struct tfd *d, const char *s)
{
	const char *r = s ? np_model_str(d->m, s) : NULL;

	if (s && !r)
		d->oom = true;
	return r;
}

static const char *strn(struct tfd *d, const char *s, size_t len)
{
	const char *r = np_model_strn(d->m, s, len);

	if (!r)
		d->oom = true;
	return r;
}

static struct np_tf_attr *rec_push(struct rec *r, const char *path, int line, int column)
{
	struct np_tf_attr *a;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct np_tf_attr *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			r->d->oom = true;
			return NULL;
		}
		r->v = v;
		r->cap = cap;
	}
	a = &r->v[r->n++];
	memset(a, 0, sizeof(*a));
	a->path = str(r->d, path);
	a->line = line;
	a->column = column;
	return a;
}

/* ------------------------------------------------------------ expressions */

/* Terraform JSON syntax: a string holding ${...} or %{...} is a template. */
static bool json_template(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if ((s[i] == '$' || s[i] == '%') && s[i + 1] == '{')
			return true;
		if ((s[i] == '$' || s[i] == '%') && s[i + 1] == s[i])
			i++; /* $$ and %% escape the next one */
	}
	return false;
}

/* "$${" → "${" and "%%{" → "%{" in a JSON-syntax literal. */
static const char *json_unescape(struct tfd *d, const char *s, size_t len)
{
	char *buf;
	size_t i, o = 0;
	const char *r;

	if (!memchr(s, '$', len) && !memchr(s, '%', len))
		return strn(d, s, len);
	buf = malloc(len + 1);
	if (!buf) {
		d->oom = true;
		return NULL;
	}
	for (i = 0; i < len; i++) {
		buf[o++] = s[i];
		if ((s[i] == '$' || s[i] == '%') && i + 2 < len && s[i + 1] == s[i] && s[i + 2] == '{')
			i++;
	}
	r = strn(d, buf, o);
	free(buf);
	return r;
}

/* The expression inside a template that is only one interpolation
 * ("${aws_eks_cluster.this.name}", quoted or not), else the text itself. */
static void strip_interp(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	if (n >= 3 && p[0] == '$' && p[1] == '{' && p[n - 1] == '}' &&
	    !memchr(p + 2, '{', n - 3) && !memchr(p + 2, '}', n - 3)) {
		*s = p + 2;
		*len = n - 3;
	}
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* "aws_eks_cluster.this" for aws_eks_cluster.this.name (or [0].id ...),
 * "module.eks" for module.eks.cluster_name; NULL for variables, locals,
 * data sources and anything that is not a plain traversal. */
static const char *ref_of(struct tfd *d, const char *text, size_t len)
{
	static const char *const not_resources[] = {
		"var", "local", "data", "each", "count", "path", "self", "terraform",
	};
	const char *s = text, *e, *a, *ae, *b, *be;
	size_t i;
	char buf[512];

	strip_interp(&s, &len);
	e = s + len;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (a = s; a < e; a++)
		if (!ident_char(*a) && *a != '.' && *a != '[' && *a != ']' && *a != '"' && *a != '*')
			return NULL;
	a = s;
	for (ae = a; ae < e && ident_char(*ae); ae++)
		;
	if (ae == a || ae >= e || *ae != '.')
		return NULL;
	b = ae + 1;
	for (be = b; be < e && ident_char(*be); be++)
		;
	if (be == b)
		return NULL;
	for (i = 0; i < sizeof(not_resources) / sizeof(not_resources[0]); i++)
		if ((size_t)(ae - a) == strlen(not_resources[i]) &&
		    memcmp(a, not_resources[i], (size_t)(ae - a)) == 0)
			return NULL;
	if ((size_t)(be - a) >= sizeof(buf))
		return NULL;
	if (!((size_t)(ae - a) == 6 && memcmp(a, "module", 6) == 0) &&
	    (be >= e || (*be != '.' && *be != '[')))
		return NULL; /* a resource reference names an attribute: type.name.attr */
	memcpy(buf, a, (size_t)(be - a));
	buf[be - a] = '\0';
	return str(d, buf);
}

static void set_unresolved(struct tfd *d, struct np_tf_attr *a, const char *text, size_t len)
{
	a->unresolved = true;
	a->vtype = NP_TF_T_UNRESOLVED;
	a->value = NULL;
	a->expr = strn(d, text, len);
	a->ref = ref_of(d, text, len);
}

/* Records a scalar, list or object value. */
static void set_value(struct tfd *d, struct np_tf_attr *a, const struct np_node *v)
{
	char num[32];

	switch (v->type) {
	case NP_NODE_NULL:
		a->is_null = true;
		a->vtype = NP_TF_T_NULL;
		break;
	case NP_NODE_BOOL:
		a->vtype = NP_TF_T_BOOL;
		a->value = v->u.b ? "true" : "false";
		a->value = str(d, a->value);
		break;
	case NP_NODE_INT:
		a->vtype = NP_TF_T_NUMBER;
		snprintf(num, sizeof(num), "%lld", (long long)v->u.i);
		a->value = str(d, num);
		break;
	case NP_NODE_FLOAT:
		a->vtype = NP_TF_T_NUMBER;
		a->value = strn(d, v->u.str.s, v->u.str.len);
		break;
	case NP_NODE_STRING:
		if (d->fmt == F_HCL && np_hcl_unresolved(v)) {
			set_unresolved(d, a, v->u.str.s, v->u.str.len);
		} else if (d->fmt == F_JSON && json_template(v->u.str.s, v->u.str.len)) {
			set_unresolved(d, a, v->u.str.s, v->u.str.len);
		} else {
			a->vtype = NP_TF_T_STRING;
			a->value = d->fmt == F_JSON ? json_unescape(d, v->u.str.s, v->u.str.len)
						    : strn(d, v->u.str.s, v->u.str.len);
		}
		break;
	case NP_NODE_SEQ:
		a->vtype = NP_TF_T_LIST;
		break;
	case NP_NODE_MAP:
		a->vtype = NP_TF_T_OBJECT;
		break;
	}
}

/* ------------------------------------------------------------ walking */

static const struct np_pair *find_key(const struct np_node *map, const char *k, size_t klen)
{
	size_t i;

	if (!map || map->type != NP_NODE_MAP)
		return NULL;
	for (i = map->u.map.n; i-- > 0;)
		if (key_is(&map->u.map.pairs[i], k, klen))
			return &map->u.map.pairs[i];
	return NULL;
}

static bool plan_like(const struct tfd *d)
{
	return d->fmt == F_PLAN || d->fmt == F_STATE;
}

static void collect(struct rec *r, const struct np_node *body, const struct np_node *unknown,
		    const char *path, const char *full);

static void record(struct rec *r, const char *full, int line, int col, const struct np_node *v)
{
	struct np_tf_attr *a;

	if (plan_like(r->d) && v->type == NP_NODE_NULL)
		return; /* plan/state: null is how an unset attribute is written */
	a = rec_push(r, full, line, col);
	if (a)
		set_value(r->d, a, v);
}

static void record_unknown(struct rec *r, const char *full, int line, int col)
{
	struct np_tf_attr *a = rec_push(r, full, line, col);

	if (a) {
		a->unresolved = true;
		a->vtype = NP_TF_T_UNRESOLVED;
		a->expr = str(r->d, "(known after apply)");
	}
}

static bool all_maps(const struct np_node *seq)
{
	size_t i;

	for (i = 0; i < seq->u.seq.n; i++)
		if (seq->u.seq.items[i]->type != NP_NODE_MAP)
			return false;
	return true;
}

/* One occurrence of the path's current segment: value v at key position
 * (line, col), u its after_unknown counterpart (plan only). */
static void visit(struct rec *r, int line, int col, const struct np_node *v,
		  const struct np_node *u, const char *rest, const char *full)
{
	size_t i;

	if (u && u->type == NP_NODE_BOOL && u->u.b) {
		if (!rest)
			record_unknown(r, full, line, col);
		return;
	}
	if (v->type == NP_NODE_SEQ && all_maps(v) && (v->u.seq.n || r->d->fmt != F_HCL)) {
		/* blocks written as a JSON array, or a plan's nested blocks */
		for (i = 0; i < v->u.seq.n; i++) {
			const struct np_node *item = v->u.seq.items[i];
			const struct np_node *ui = u && u->type == NP_NODE_SEQ && i < u->u.seq.n
							   ? u->u.seq.items[i]
							   : NULL;
			int il = r->d->fmt == F_HCL ? line : item->line;
			int ic = r->d->fmt == F_HCL ? col : item->column;

			if (!rest)
				record(r, full, il, ic, item);
			else
				collect(r, item, ui, rest, full);
		}
		return;
	}
	if (!rest) {
		record(r, full, line, col, v);
		return;
	}
	if (v->type == NP_NODE_MAP)
		collect(r, v, u, rest, full);
}

/* Every occurrence of path (dotted) in body; full is the whole path. */
static void collect(struct rec *r, const struct np_node *body, const struct np_node *unknown,
		    const char *path, const char *full)
{
	const char *dot = strchr(path, '.');
	size_t seg = dot ? (size_t)(dot - path) : strlen(path);
	const char *rest = dot ? dot + 1 : NULL;
	bool seen = false;
	size_t i;

	if (!body || body->type != NP_NODE_MAP)
		return;
	for (i = 0; i < body->u.map.n; i++) {
		const struct np_pair *p = &body->u.map.pairs[i];
		const struct np_pair *up;

		if (key_is(p, "dynamic", 7) && !plan_like(r->d) && !rest) {
			/* dynamic "x" { ... } generates the x blocks: unresolved */
			const struct np_pair *lab = find_key(p->value, path, seg);
			struct np_tf_attr *a;
			char text[300];

			if (!lab)
				continue;
			a = rec_push(r, full, p->key_line, p->key_column);
			if (!a)
				return;
			snprintf(text, sizeof(text), "dynamic \"%.*s\"", (int)(seg > 200 ? 200 : seg),
				 path);
			a->unresolved = true;
			a->dynamic = true;
			a->vtype = NP_TF_T_UNRESOLVED;
			a->expr = str(r->d, text);
			continue;
		}
		if (!key_is(p, path, seg))
			continue;
		up = find_key(unknown, path, seg);
		seen = true;
		visit(r, p->key_line, p->key_column, p->value, up ? up->value : NULL, rest, full);
	}
	/* plan: an attribute known only after apply may be missing from after */
	if (!seen && unknown) {
		const struct np_pair *up = find_key(unknown, path, seg);

		if (up && up->value->type == NP_NODE_BOOL && up->value->u.b && !rest)
			record_unknown(r, full, up->key_line, up->key_column);
	}
}

/* ------------------------------------------------------------ configuration_values */

struct enp {
	struct rec *r;
	const struct np_tf_attr *cv;
	bool found, decided;
};

static void enp_record(struct enp *e, const struct np_node *v)
{
	struct np_tf_attr *a = rec_push(e->r, "configuration_values.enableNetworkPolicy",
					 e->cv->line, e->cv->column);

	e->found = true;
	if (a)
		set_value(e->r->d, a, v);
}

static int enp_doc(void *ctx, const struct np_node *doc, int index)
{
	struct enp *e = ctx;
	const struct np_pair *p;

	if (index > 0 || !doc || doc->type != NP_NODE_MAP)
		return 0;
	e->decided = true;
	p = find_key(doc, "enableNetworkPolicy", 19);
	if (p)
		enp_record(e, p->value);
	return 0;
}

/* `v = <expr>`, decoded as HCL: the object of a jsonencode() with some
 * unresolved values still tells whether it sets enableNetworkPolicy. */
static int enp_hcl(void *ctx, const struct np_node *doc, int index)
{
	struct enp *e = ctx;
	const struct np_node *v = np_node_get(doc, "v");
	enum fmt saved;
	const struct np_pair *p;

	(void)index;
	if (!v || v->type != NP_NODE_MAP)
		return 0;
	e->decided = true;
	p = find_key(v, "enableNetworkPolicy", 19);
	if (p) {
		saved = e->r->d->fmt;
		e->r->d->fmt = F_HCL;
		enp_record(e, p->value);
		e->r->d->fmt = saved;
	}
	return 0;
}

static void config_values(struct rec *r, const char *type, const char *name)
{
	struct np_decode_limits lim;
	struct enp e;
	struct np_tf_attr cv_copy;
	const struct np_tf_attr *cv = NULL;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (streq(r->v[i].path, "configuration_values")) {
			/* a copy: rec_push below may move r->v */
			cv_copy = r->v[i];
			cv = &cv_copy;
		}
	if (!cv || cv->is_null)
		return;
	np_decode_limits_default(&lim);
	memset(&e, 0, sizeof(e));
	e.r = r;
	e.cv = cv;
	if (cv->vtype == NP_TF_T_STRING && cv->value) {
		const char *s = cv->value;
		size_t len = strlen(s), k = 0;
		int rc;

		while (k < len && (s[k] == ' ' || s[k] == '\n' || s[k] == '\t' || s[k] == '\r'))
			k++;
		if (k < len && s[k] == '{')
			rc = np_json_decode(s, len, "configuration_values", &lim, enp_doc, &e, NULL);
		else
			rc = np_yaml_decode(s, len, "configuration_values", &lim, enp_doc, &e, NULL);
		if ((rc < 0 || !e.decided) && k < len &&
		    np_model_warn(r->d->m, NULL, NULL, "invalid", r->d->member ? r->d->member : r->d->file,
				  "%d:%d: %s.%s: configuration_values is not a JSON or YAML object",
				  cv->line, cv->column, type, name) < 0)
			r->d->oom = true;
		return;
	}
	if (cv->vtype != NP_TF_T_UNRESOLVED || !cv->expr)
		return;
	{
		const char *s = cv->expr;
		size_t len = strlen(s);
		char *buf;

		strip_interp(&s, &len);
		if (len > 12 && memcmp(s, "jsonencode(", 11) == 0 && s[len - 1] == ')') {
			buf = malloc(len + 8);
			if (!buf) {
				r->d->oom = true;
				return;
			}
			memcpy(buf, "v = ", 4);
			memcpy(buf + 4, s + 11, len - 12);
			buf[4 + len - 12] = '\n';
			(void)np_hcl_decode(buf, 4 + len - 11, "configuration_values", &lim, enp_hcl, &e,
					    NULL);
			free(buf);
		}
	}
	if (!e.found && !e.decided) {
		struct np_tf_attr *a = rec_push(r, "configuration_values.enableNetworkPolicy",
						cv->line, cv->column);
		if (a) {
			a->unresolved = true;
			a->vtype = NP_TF_T_UNRESOLVED;
			a->expr = cv->expr;
		}
	}
}

/* ------------------------------------------------------------ resources */

static const char *const *paths_for(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (strcmp(wanted[i].type, type) == 0)
			return wanted[i].paths;
	return NULL;
}

/* base joined with rel (may be NULL), "." and ".." resolved, in buf;
 * false when too long. "" becomes ".". */
static bool join_norm(const char *base, const char *rel, char *buf, size_t cap)
{
	const char *segs[512];
	size_t lens[512], n = 0, i, o = 0;
	const char *parts[2] = { base, rel };
	bool absolute = base[0] == '/';
	int k;

	for (k = 0; k < 2; k++) {
		const char *p = parts[k];

		while (p && *p) {
			const char *e = strchr(p, '/');
			size_t l = e ? (size_t)(e - p) : strlen(p);

			if (l == 0 || (l == 1 && p[0] == '.')) {
				/* nothing */
			} else if (l == 2 && p[0] == '.' && p[1] == '.' && n &&
				   !(lens[n - 1] == 2 && memcmp(segs[n - 1], "..", 2) == 0)) {
				n--;
			} else if (l == 2 && p[0] == '.' && p[1] == '.' && absolute) {
				/* /.. is / */
			} else if (n < 512) {
				segs[n] = p;
				lens[n++] = l;
			} else {
				return false;
			}
			p += l;
			if (*p == '/')
				p++;
		}
	}
	if (absolute)
		buf[o++] = '/';
	for (i = 0; i < n; i++) {
		if (o + lens[i] + 2 >= cap)
			return false;
		if (i)
			buf[o++] = '/';
		memcpy(buf + o, segs[i], lens[i]);
		o += lens[i];
	}
	if (o == 0)
		buf[o++] = '.';
	buf[o] = '\0';
	return true;
}

/* The module form of a directory: archives prefix their name. */
static const char *module_name(struct tfd *d, const char *dir)
{
	char full[4700];

	if (!d->member)
		return str(d, dir);
	snprintf(full, sizeof(full), "%.500s:%.4100s", d->file ? d->file : "", dir);
	return str(d, full);
}

/* Joins a local module source ("./x", "../y") to the caller's directory. */
static const char *module_target(struct tfd *d, const char *source)
{
	char buf[4096];

	if (!source || !d->dir ||
	    !(strncmp(source, "./", 2) == 0 || strncmp(source, "../", 3) == 0 ||
	      strcmp(source, ".") == 0 || strcmp(source, "..") == 0))
		return NULL;
	if (!join_norm(d->dir, source, buf, sizeof(buf)))
		return NULL;
	return module_name(d, buf);
}

/* Adds one resource (or module call) whose body is known; line/col of its
 * definition. Types nobody judges only count as recognised objects. */
static void add_resource(struct tfd *d, const char *type, const char *name, int line, int col,
			 const struct np_node *body, const struct np_node *unknown)
{
	const char *const *paths = type ? paths_for(type) : module_paths;
	struct np_tf_resource *t;
	struct rec r;
	size_t i;

	d->m->n_objects++;
	if (!paths || !name)
		return;
	memset(&r, 0, sizeof(r));
	r.d = d;
	for (i = 0; paths[i]; i++)
		collect(&r, body, unknown, paths[i], paths[i]);
	if (type && strcmp(type, "aws_eks_addon") == 0)
		config_values(&r, type, name);
	t = np_model_push_tf_resource(d->m);
	if (!t) {
		d->oom = true;
		goto out;
	}
	t->type = str(d, type ? type : "module");
	t->name = str(d, name);
	t->module = d->module;
	t->format = fmt_names[d->fmt];
	t->loc.file = d->file;
	t->loc.member = d->member;
	t->loc.line = line;
	t->loc.column = col;
	t->loc.object_line = line;
	if (r.n) {
		t->attrs = np_model_alloc(d->m, r.n * sizeof(*t->attrs));
		if (!t->attrs) {
			d->oom = true;
			goto out;
		}
		memcpy(t->attrs, r.v, r.n * sizeof(*t->attrs));
		t->n_attrs = r.n;
	}
	for (i = 0; i < r.n; i++) {
		if (streq(r.v[i].path, "network_profile"))
			t->n_blocks_network_profile++;
		if (!type && streq(r.v[i].path, "source") && r.v[i].vtype == NP_TF_T_STRING)
			t->calls = module_target(d, r.v[i].value);
	}
out:
	free(r.v);
}

/* A body or a JSON array of bodies. */
static void add_bodies(struct tfd *d, const char *type, const struct np_pair *name)
{
	char *nm = NULL;
	const struct np_node *v = name->value;
	size_t i;

	nm = malloc(name->key_len + 1);
	if (!nm) {
		d->oom = true;
		return;
	}
	memcpy(nm, name->key, name->key_len);
	nm[name->key_len] = '\0';
	if (v->type == NP_NODE_MAP) {
		/* HCL: the resource keyword's position is the label map's */
		int line = d->fmt == F_HCL ? v->line : name->key_line;
		int col = d->fmt == F_HCL ? v->column : name->key_column;
		add_resource(d, type, nm, line, col, v, NULL);
	} else if (v->type == NP_NODE_SEQ) {
		for (i = 0; i < v->u.seq.n; i++)
			if (v->u.seq.items[i]->type == NP_NODE_MAP)
				add_resource(d, type, nm, v->u.seq.items[i]->line,
					     v->u.seq.items[i]->column, v->u.seq.items[i], NULL);
	}
	free(nm);
}

/* The body of a configuration file: resource and module blocks. */
static void read_config(struct tfd *d, const struct np_node *root)
{
	size_t i, j, k, l;

	if (!root || root->type != NP_NODE_MAP)
		return;
	for (i = 0; i < root->u.map.n && !d->oom; i++) {
		const struct np_pair *top = &root->u.map.pairs[i];
		const struct np_node *groups[1];
		const struct np_node *const *items = groups;
		size_t n = 1;

		groups[0] = top->value;
		if (top->value->type == NP_NODE_SEQ) {
			items = (const struct np_node *const *)top->value->u.seq.items;
			n = top->value->u.seq.n;
		}
		if (key_is(top, "resource", 8)) {
			for (l = 0; l < n; l++) {
				const struct np_node *types = items[l];
				if (types->type != NP_NODE_MAP)
					continue;
				for (j = 0; j < types->u.map.n; j++) {
					const struct np_pair *tp = &types->u.map.pairs[j];
					char type[256];

					if (tp->value->type != NP_NODE_MAP || tp->key_len >= sizeof(type))
						continue;
					memcpy(type, tp->key, tp->key_len);
					type[tp->key_len] = '\0';
					for (k = 0; k < tp->value->u.map.n; k++) {
						add_bodies(d, type, &tp->value->u.map.pairs[k]);
					}
				}
			}
		} else if (key_is(top, "module", 6)) {
			for (l = 0; l < n; l++) {
				const struct np_node *mods = items[l];
				if (mods->type != NP_NODE_MAP)
					continue;
				for (j = 0; j < mods->u.map.n; j++)
					add_bodies(d, NULL, &mods->u.map.pairs[j]);
			}
		}
	}
}

/* ------------------------------------------------------------ plan and state */

static const char *node_str(const struct np_node *n)
{
	return n && n->type == NP_NODE_STRING ? n->u.str.s : NULL;
}

/* "this", "this[0]", "this[\"a\"]" */
static const char *instance_name(struct tfd *d, const char *name, const struct np_node *index)
{
	char buf[600];

	if (!index || index->type == NP_NODE_NULL)
		return str(d, name);
	if (index->type == NP_NODE_INT)
		snprintf(buf, sizeof(buf), "%.500s[%lld]", name, (long long)index->u.i);
	else if (index->type == NP_NODE_STRING)
		snprintf(buf, sizeof(buf), "%.300s[\"%.200s\"]", name, index->u.str.s);
	else
		snprintf(buf, sizeof(buf), "%.500s[?]", name);
	return str(d, buf);
}

static void plan_module_id(struct tfd *d, const char *address)
{
	char buf[1200];

	snprintf(buf, sizeof(buf), "%.500s%s%.500s#%.150s", d->file ? d->file : "",
		 d->member ? ":" : "", d->member ? d->member : "", address ? address : "");
	d->module = str(d, buf);
}

static void plan_resource(struct tfd *d, const struct np_node *res, const struct np_node *values,
			  const struct np_node *unknown)
{
	const char *mode = node_str(np_node_get(res, "mode"));
	const char *type = node_str(np_node_get(res, "type"));
	const char *name = node_str(np_node_get(res, "name"));
	const struct np_pair *addr = np_node_get_pair(res, "address");
	int line = addr ? addr->key_line : res->line;
	int col = addr ? addr->key_column : res->column;

	if (!type || !name || (mode && strcmp(mode, "managed") != 0))
		return;
	if (!values || values->type != NP_NODE_MAP)
		return; /* deleted: nothing after the change */
	name = instance_name(d, name, np_node_get(res, "index"));
	if (!name)
		return;
	add_resource(d, type, name, line, col, values, unknown);
}

static void state_module(struct tfd *d, const struct np_node *mod, int depth)
{
	const struct np_node *rs = np_node_get(mod, "resources");
	const struct np_node *kids = np_node_get(mod, "child_modules");
	size_t i;

	if (!mod || mod->type != NP_NODE_MAP || depth > 64)
		return;
	plan_module_id(d, node_str(np_node_get(mod, "address")));
	if (rs && rs->type == NP_NODE_SEQ)
		for (i = 0; i < rs->u.seq.n && !d->oom; i++)
			plan_resource(d, rs->u.seq.items[i], np_node_get(rs->u.seq.items[i], "values"),
				      NULL);
	if (kids && kids->type == NP_NODE_SEQ)
		for (i = 0; i < kids->u.seq.n && !d->oom; i++)
			state_module(d, kids->u.seq.items[i], depth + 1);
}

static void read_plan(struct tfd *d, const struct np_node *doc)
{
	const struct np_node *rc = np_node_get(doc, "resource_changes");
	const struct np_node *pv = np_node_get(doc, "planned_values");
	const struct np_node *vals = np_node_get(doc, "values");
	size_t i;

	if (rc && rc->type == NP_NODE_SEQ && rc->u.seq.n) {
		d->fmt = F_PLAN;
		for (i = 0; i < rc->u.seq.n && !d->oom; i++) {
			const struct np_node *ch = rc->u.seq.items[i];
			const struct np_node *change = np_node_get(ch, "change");

			if (!ch || ch->type != NP_NODE_MAP)
				continue;
			plan_module_id(d, node_str(np_node_get(ch, "module_address")));
			plan_resource(d, ch, np_node_get(change, "after"),
				      np_node_get(change, "after_unknown"));
		}
	} else if (pv && pv->type == NP_NODE_MAP) {
		d->fmt = F_PLAN;
		state_module(d, np_node_get(pv, "root_module"), 0);
	} else if (vals && vals->type == NP_NODE_MAP) {
		d->fmt = F_STATE;
		state_module(d, np_node_get(vals, "root_module"), 0);
	}
}

/* ------------------------------------------------------------ entry points */

static void dir_of(struct tfd *d)
{
	const char *path = d->member ? d->member : d->file;
	const char *slash;
	char dir[4096], buf[4096];

	if (!path || strcmp(path, "-") == 0) {
		d->dir = d->module = str(d, "<stdin>");
		return;
	}
	slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path > 4000 ? 4000 : slash - path),
			 path);
	/* "./infra" and "infra" are one module, as module sources resolve */
	d->dir = str(d, join_norm(dir, NULL, buf, sizeof(buf)) ? buf : dir);
	d->module = d->dir ? module_name(d, d->dir) : NULL;
}

static int tfd_init(struct tfd *d, struct np_model *m, const char *file, const char *member,
		    enum fmt f)
{
	memset(d, 0, sizeof(*d));
	d->m = m;
	d->fmt = f;
	d->file = str(d, file);
	d->member = str(d, member);
	if (f == F_HCL || f == F_JSON)
		dir_of(d);
	return d->oom ? NP_ENOMEM : 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a, b;

	if (!s)
		return false;
	a = strlen(s);
	b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool np_tf_is_hcl(const char *name, const char *buf, size_t len)
{
	static const char *const kw[] = {
		"resource", "data", "module", "variable", "output", "locals", "provider", "terraform",
	};
	const char *p = buf, *end;
	size_t i;

	if (ends_with(name, ".tf"))
		return true;
	if (!buf)
		return false;
	end = buf + (len < 65536 ? len : 65536); /* not before: NULL + 0 is undefined */
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p < end && (*p == '#' || (*p == '/' && p + 1 < end && p[1] == '/'))) {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			const char *q;
			for (q = p + 2; q + 1 < end && !(q[0] == '*' && q[1] == '/'); q++)
				;
			if (q + 1 >= end)
				return false;
			p = q + 2;
			continue;
		}
		break;
	}
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		size_t l = strlen(kw[i]);
		const char *q = p + l;

		if ((size_t)(end - p) <= l || memcmp(p, kw[i], l) != 0 || ident_char(*q))
			continue;
		/* labels ("x" or names), then '{' on the same line */
		while (q < end && *q != '\n') {
			if (*q == ' ' || *q == '\t') {
				q++;
			} else if (*q == '"') {
				for (q++; q < end && *q != '"' && *q != '\n'; q++)
					;
				if (q >= end || *q != '"')
					return false;
				q++;
			} else if (ident_char(*q)) {
				while (q < end && ident_char(*q))
					q++;
			} else {
				return *q == '{';
			}
		}
		return false;
	}
	return false;
}

struct hcl_ctx {
	struct tfd *d;
};

static int on_hcl(void *ctx, const struct np_node *doc, int index)
{
	struct hcl_ctx *c = ctx;

	(void)index;
	read_config(c->d, doc);
	return c->d->oom ? NP_ENOMEM : 0;
}

int np_tf_decode_hcl(struct np_model *m, const char *buf, size_t len, const char *file,
		     const char *member, const struct np_load_options *opt,
		     struct np_error *err)
{
	struct np_decode_limits dflt;
	const struct np_decode_limits *lim = opt ? &opt->limits.decode : NULL;
	const char *name = member ? member : (file ? file : "-");
	struct tfd d;
	struct hcl_ctx c;
	int rc;

	if (!lim) {
		np_decode_limits_default(&dflt);
		lim = &dflt;
	}
	if (tfd_init(&d, m, file, member, F_HCL))
		return np_error_set(err, NP_ENOMEM, "out of memory");
	c.d = &d;
	rc = np_hcl_decode(buf, len, name, lim, on_hcl, &c, err);
	if (rc == NP_ENOMEM && err && !err->msg[0])
		np_error_set(err, NP_ENOMEM, "out of memory");
	if (rc < 0 && err) {
		if (file && (!err->file[0] || member))
			snprintf(err->file, sizeof(err->file), "%s", file);
		if (member && !err->member[0])
			snprintf(err->member, sizeof(err->member), "%s", member);
	}
	return rc;
}

static bool is_plan(const struct np_node *doc)
{
	return np_node_str(np_node_get(doc, "format_version")) &&
	       (np_node_get_pair(doc, "planned_values") || np_node_get_pair(doc, "values") ||
		np_node_get_pair(doc, "resource_changes"));
}

static bool is_tf_json(const struct np_node *doc)
{
	const struct np_node *r = np_node_get(doc, "resource");
	const struct np_node *mo = np_node_get(doc, "module");

	if (np_node_get_pair(doc, "kind") || np_node_get_pair(doc, "apiVersion"))
		return false;
	return (r && (r->type == NP_NODE_MAP || r->type == NP_NODE_SEQ)) ||
	       (mo && mo->type == NP_NODE_MAP);
}

int np_tf_decode_json_doc(struct np_model *m, const struct np_node *doc, const char *file,
			  const char *member)
{
	struct tfd d;

	if (!doc || doc->type != NP_NODE_MAP)
		return 0;
	if (is_plan(doc)) {
		if (tfd_init(&d, m, file, member, F_PLAN))
			return NP_ENOMEM;
		read_plan(&d, doc);
	} else if (is_tf_json(doc)) {
		if (tfd_init(&d, m, file, member, F_JSON))
			return NP_ENOMEM;
		read_config(&d, doc);
	} else {
		return 0;
	}
	return d.oom ? NP_ENOMEM : 1;
}
