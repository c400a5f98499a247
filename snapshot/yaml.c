/* YAML decoder: libyaml's event parser straight into np_node trees, one
 * arena per document (reset between documents), resolving scalars as kubectl
 * does through sigs.k8s.io/yaml and go-yaml v2 (YAML 1.1).
 *
 * - Plain scalars resolve to null (~, null, empty), bool (y/yes/on/true and
 *   n/no/off/false in their three spellings), int (decimal, 0x, 0o, leading-0
 *   octal, 0b, optional sign, underscores), float (incl. .inf/.nan, and what
 *   go-yaml's float pattern accepts, like "09"), else string. Integers beyond
 *   int64 become NP_NODE_FLOAT with their text (underscores removed).
 *   Timestamps stay strings with their text (go-yaml would reformat them).
 * - Quoted and block scalars are strings with quoted = true, unless an
 *   explicit !!int, !!float, !!bool or !!null tag asks for resolution (an
 *   error when the text does not fit the tag). !!str forces a string,
 *   !!binary and !!timestamp stay strings, custom tags are ignored,
 *   python tags are rejected.
 * - Aliases share the anchored subtree by reference (its line and column are
 *   the anchor's). Every alias counts against max_alias_expansions and adds
 *   the anchored subtree's full size to the document's node count, so a
 *   "billion laughs" document fails on max_nodes after a few aliases, in
 *   bounded memory. An alias to a node still being built is rejected.
 * - "<<" merge keys take a mapping or a sequence of mappings; explicit keys
 *   win, then earlier mappings in the sequence. Merged pairs follow the
 *   explicit ones and keep their original positions.
 * - Keys must be scalars; they are stringified as sigs.k8s.io/yaml does
 *   (true/false, decimal integers); a null key is an error. A key repeated in
 *   one mapping is an error at the repeat.
 * - Document size is measured with libyaml's marks.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "netpol/node.h"
#include "hash.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct yframe {
	struct np_node *node;
	size_t base;       /* first index on the items or pairs stack */
	size_t merge_base; /* first index on the merges stack */
	size_t anchor;     /* anchor entry + 1 defined on this node, 0 = none */
	size_t weight0;    /* doc_nodes before this node */
	int have_key;      /* map: a key was read, its value comes next */
	int key_is_merge;
};

struct anchor {
	const char *name;
	size_t len;
	struct np_node *node;
	size_t weight;
	int open;
};

struct yp {
	const char *buf;
	size_t len;
	const char *name;
	const struct np_decode_limits *lim;
	struct np_error *err;
	struct np_arena arena;
	uint64_t seed;

	size_t doc_start;
	size_t doc_nodes;
	size_t aliases;

	struct yframe *frames;
	size_t nframes, cap_frames;
	struct np_node **items;
	size_t nitems, cap_items;
	struct np_pair *pairs;
	size_t npairs, cap_pairs;
	struct np_node **merges;
	size_t nmerges, cap_merges;

	struct anchor *anchors;
	size_t nanchors, cap_anchors;
	size_t *anchor_index; /* entry + 1, open addressing */
	size_t cap_index;

	size_t *keyset; /* duplicate check scratch: pair index + 1 */
	size_t cap_keyset;
	struct np_pair *merged; /* merged pairs scratch */
	size_t cap_merged;
};

static int clamp_mark(size_t v)
{
	return v < INT32_MAX ? (int)v + 1 : INT32_MAX;
}

__attribute__((format(printf, 4, 5)))
static int fail_pos(struct yp *y, int line, int col, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return np_error_setat(y->err, NP_EPARSE, y->name, NULL, line, col, "%s", msg);
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct yp *y, const yaml_mark_t *m, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return np_error_setat(y->err, code, y->name, NULL, clamp_mark(m->line),
			      clamp_mark(m->column), "%s", msg);
}

static int fail_limit(struct yp *y, const yaml_mark_t *m, const char *what, const char *limit,
		      size_t value)
{
	return np_error_setat(y->err, NP_ELIMIT, y->name, NULL,
			      (int)(m->line < INT32_MAX ? m->line + 1 : INT32_MAX),
			      (int)(m->column < INT32_MAX ? m->column + 1 : INT32_MAX),
			      "%s exceeds limit %s=%zu (raise it with --limit %s=VALUE)", what,
			      limit, value, limit);
}

static int fail_nomem(struct yp *y)
{
	return np_error_set(y->err, NP_ENOMEM, "%s: out of memory decoding YAML",
			    y->name ? y->name : "input");
}

static int grow_array(void **arr, size_t *cap, size_t elem, size_t need)
{
	size_t ncap = *cap ? *cap : 64;
	void *a;

	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap == *cap)
		return 0;
	if (ncap > SIZE_MAX / elem)
		return -1;
	a = realloc(*arr, ncap * elem);
	if (!a)
		return -1;
	*arr = a;
	*cap = ncap;
	return 0;
}

static int count_nodes(struct yp *y, const yaml_mark_t *m, size_t n)
{
	if (n > y->lim->max_nodes || y->doc_nodes > y->lim->max_nodes - n)
		return fail_limit(y, m, "number of nodes in the document (aliases expanded)",
				  "nodes", y->lim->max_nodes);
	y->doc_nodes += n;
	return 0;
}

static int new_node(struct yp *y, enum np_node_type t, const yaml_mark_t *m,
		    struct np_node **out)
{
	struct np_node *n;
	int rc = count_nodes(y, m, 1);

	if (rc)
		return rc;
	n = np_arena_alloc(&y->arena, sizeof(*n));
	if (!n)
		return fail_nomem(y);
	n->type = t;
	n->line = (int)(m->line < INT32_MAX ? m->line + 1 : INT32_MAX);
	n->column = (int)(m->column < INT32_MAX ? m->column + 1 : INT32_MAX);
	*out = n;
	return 0;
}

/* ---- scalar resolution (go-yaml v2 resolve.go) ---- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int eq_any(const char *s, size_t len, const char *const *list)
{
	/* Every scalar of up to 6 bytes starting with one of the words' first
	 * letters gets here: compare the first byte before anything else. */
	for (; *list; list++)
		if ((*list)[0] == s[0] && strlen(*list) == len && memcmp(*list, s, len) == 0)
			return 1;
	return 0;
}

static const char *const yes_words[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					 "on", "On", "ON", NULL };
static const char *const no_words[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					"off", "Off", "OFF", NULL };
static const char *const null_words[] = { "~", "null", "Null", "NULL", NULL };
static const char *const float_words[] = { ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
					   "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
					   NULL };

/* go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int yaml_style_float(const char *s, size_t len)
{
	size_t i = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < len && s[i] == '.') {
		i++;
		if (i >= len || !is_digit(s[i]))
			return 0;
		while (i < len && is_digit(s[i]))
			i++;
	} else {
		if (i >= len || !is_digit(s[i]))
			return 0;
		while (i < len && is_digit(s[i]))
			i++;
		if (i < len && s[i] == '.') {
			i++;
			while (i < len && is_digit(s[i]))
				i++;
		}
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i >= len || !is_digit(s[i]))
			return 0;
		while (i < len && is_digit(s[i]))
			i++;
	}
	return i == len;
}

/* Go's strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64). Returns 1 for an
 * int64 in *v, 2 for an integer beyond int64 (but within uint64), 0 if not an
 * integer. */
static int parse_go_int(const char *s, size_t len, int64_t *v)
{
	size_t i = 0;
	int neg = 0;
	unsigned base = 10;
	uint64_t acc = 0, lim;

	if (i < len && (s[i] == '+' || s[i] == '-')) {
		neg = s[i] == '-';
		i++;
	}
	if (i >= len)
		return 0;
	if (s[i] == '0' && i + 1 < len) {
		char c = (char)(s[i + 1] | 0x20);

		if (c == 'x') {
			base = 16;
			i += 2;
		} else if (c == 'o') {
			base = 8;
			i += 2;
		} else if (c == 'b') {
			base = 2;
			i += 2;
		} else {
			base = 8;
			i += 1;
		}
		if (i >= len)
			return 0;
	}
	for (; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (is_digit(c))
			d = (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return 0;
		if (d >= base)
			return 0;
		if (acc > (UINT64_MAX - d) / base)
			return 0; /* beyond uint64: not an integer for go either */
		acc = acc * base + d;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (acc <= lim) {
		if (!neg)
			*v = (int64_t)acc;
		else if (acc == (uint64_t)INT64_MAX + 1)
			*v = INT64_MIN;
		else
			*v = -(int64_t)acc;
		return 1;
	}
	/* ParseUint takes no sign: a negative out of range is not an integer. */
	return neg ? 0 : 2;
}

/* Resolves a plain scalar into n (already typed NP_NODE_STRING with its text). */
static int resolve_plain(struct yp *y, struct np_node *n)
{
	const char *s = n->u.str.s;
	size_t len = n->u.str.len, i, k;
	char c;
	char *plain;
	int64_t v;
	int r;

	if (len == 0) {
		n->type = NP_NODE_NULL;
		return 0;
	}
	c = s[0];
	/* Most scalars are names: rule out the word lists with one test. */
	if (len > 6 || !c || !strchr("yYnNtTfFoO~.+-", c))
		goto numbers;
	if (eq_any(s, len, null_words)) {
		n->type = NP_NODE_NULL;
		return 0;
	}
	if (eq_any(s, len, yes_words)) {
		n->type = NP_NODE_BOOL;
		n->u.b = true;
		return 0;
	}
	if (eq_any(s, len, no_words)) {
		n->type = NP_NODE_BOOL;
		n->u.b = false;
		return 0;
	}
	if (eq_any(s, len, float_words)) {
		n->type = NP_NODE_FLOAT;
		return 0;
	}
numbers:
	if (c == '.') {
		/* strconv.ParseFloat on a leading dot: digits, optional exponent */
		if (yaml_style_float(s, len))
			n->type = NP_NODE_FLOAT;
		return 0;
	}
	if (!is_digit(c) && c != '+' && c != '-')
		return 0;
	plain = np_arena_alloc(&y->arena, len + 1);
	if (!plain)
		return fail_nomem(y);
	for (i = 0, k = 0; i < len; i++)
		if (s[i] != '_')
			plain[k++] = s[i];
	plain[k] = '\0';
	r = parse_go_int(plain, k, &v);
	if (r == 1) {
		n->type = NP_NODE_INT;
		n->u.i = v;
	} else if (r == 2 || yaml_style_float(plain, k)) {
		n->type = NP_NODE_FLOAT;
		n->u.str.s = plain;
		n->u.str.len = k;
	}
	return 0;
}

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int is_python_tag(const char *tag)
{
	return has_prefix(tag, TAG_PREFIX "python/") || has_prefix(tag, "!!python") ||
	       has_prefix(tag, "tag:yaml.org,2002:python:");
}

static int make_scalar(struct yp *y, const yaml_event_t *ev, struct np_node **out)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t len = ev->data.scalar.length;
	int plain_style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	struct np_node *n;
	char *text;
	int rc;

	if (len > y->lim->max_scalar_bytes)
		return fail_limit(y, &ev->start_mark, "scalar size in bytes", "scalar-bytes",
				  y->lim->max_scalar_bytes);
	if (tag && is_python_tag(tag))
		return fail_at(y, &ev->start_mark, NP_EPARSE, "python tag %s is not allowed", tag);
	rc = new_node(y, NP_NODE_STRING, &ev->start_mark, &n);
	if (rc)
		return rc;
	text = np_arena_strndup(&y->arena, (const char *)ev->data.scalar.value, len);
	if (!text)
		return fail_nomem(y);
	n->u.str.s = text;
	n->u.str.len = len;
	n->quoted = !plain_style;
	*out = n;

	if (tag && has_prefix(tag, TAG_PREFIX) && !has_prefix(tag, TAG_PREFIX "merge")) {
		const char *t = tag + strlen(TAG_PREFIX);
		enum np_node_type want;

		if (strcmp(t, "int") == 0)
			want = NP_NODE_INT;
		else if (strcmp(t, "float") == 0)
			want = NP_NODE_FLOAT;
		else if (strcmp(t, "bool") == 0)
			want = NP_NODE_BOOL;
		else if (strcmp(t, "null") == 0)
			want = NP_NODE_NULL;
		else if (strcmp(t, "str") == 0 || strcmp(t, "binary") == 0 ||
			 strcmp(t, "timestamp") == 0)
			return 0;
		else
			goto untagged;
		rc = resolve_plain(y, n);
		if (rc)
			return rc;
		if (want == NP_NODE_FLOAT && n->type == NP_NODE_INT) {
			/* go-yaml turns a !!float integer into a float; keep its text */
			n->type = NP_NODE_FLOAT;
			n->u.str.s = text;
			n->u.str.len = len;
		}
		if (n->type != want)
			return fail_at(y, &ev->start_mark, NP_EPARSE,
				       "cannot decode the scalar as the %s its tag asks for", tag);
		return 0;
	}
	if (tag && strcmp(tag, "!") == 0)
		return 0; /* the non-specific tag: a string */
untagged:
	if (plain_style)
		return resolve_plain(y, n);
	return 0;
}

/* ---- anchors ---- */

static size_t anchor_slot(struct yp *y, const char *name, size_t len, uint64_t h)
{
	size_t i, mask = y->cap_index - 1;

	for (i = (size_t)h & mask; y->anchor_index[i]; i = (i + 1) & mask) {
		const struct anchor *a = &y->anchors[y->anchor_index[i] - 1];

		if (a->len == len && memcmp(a->name, name, len) == 0)
			break;
	}
	return i;
}

static int anchor_rebuild(struct yp *y, size_t cap)
{
	size_t *idx = calloc(cap, sizeof(*idx)), i;

	if (!idx)
		return -1;
	free(y->anchor_index);
	y->anchor_index = idx;
	y->cap_index = cap;
	for (i = 0; i < y->nanchors; i++) {
		const struct anchor *a = &y->anchors[i];
		size_t s = anchor_slot(y, a->name, a->len, np_hash(y->seed, 1, a->name, a->len));

		y->anchor_index[s] = i + 1; /* later definitions replace earlier ones */
	}
	return 0;
}

static int anchor_define(struct yp *y, const yaml_char_t *name, struct np_node *node, int open,
			 size_t *entry)
{
	size_t len = strlen((const char *)name), s;
	struct anchor *a;
	char *copy;

	if (y->nanchors + 1 > SIZE_MAX / 4)
		return fail_nomem(y);
	if (grow_array((void **)&y->anchors, &y->cap_anchors, sizeof(*y->anchors), y->nanchors + 1) < 0)
		return fail_nomem(y);
	if ((y->nanchors + 1) * 2 > y->cap_index &&
	    anchor_rebuild(y, y->cap_index ? y->cap_index * 2 : 64) < 0)
		return fail_nomem(y);
	copy = np_arena_strndup(&y->arena, (const char *)name, len);
	if (!copy)
		return fail_nomem(y);
	a = &y->anchors[y->nanchors];
	a->name = copy;
	a->len = len;
	a->node = node;
	a->weight = 1;
	a->open = open;
	s = anchor_slot(y, copy, len, np_hash(y->seed, 1, copy, len));
	y->anchor_index[s] = ++y->nanchors;
	*entry = y->nanchors;
	return 0;
}

static struct anchor *anchor_find(struct yp *y, const yaml_char_t *name)
{
	size_t len = strlen((const char *)name), s;

	if (!y->cap_index)
		return NULL;
	s = anchor_slot(y, (const char *)name, len, np_hash(y->seed, 1, name, len));
	return y->anchor_index[s] ? &y->anchors[y->anchor_index[s] - 1] : NULL;
}

/* ---- keys ---- */

/* Stringifies a scalar key as sigs.k8s.io/yaml does. */
static int key_text(struct yp *y, const struct np_node *k, const char **s, size_t *len)
{
	char tmp[32];
	int n;

	switch (k->type) {
	case NP_NODE_STRING:
	case NP_NODE_FLOAT:
		*s = k->u.str.s;
		*len = k->u.str.len;
		return 0;
	case NP_NODE_BOOL:
		*s = k->u.b ? "true" : "false";
		*len = strlen(*s);
		return 0;
	case NP_NODE_INT:
		n = snprintf(tmp, sizeof(tmp), "%lld", (long long)k->u.i);
		if (n < 0)
			return fail_nomem(y);
		*s = np_arena_strndup(&y->arena, tmp, (size_t)n);
		if (!*s)
			return fail_nomem(y);
		*len = (size_t)n;
		return 0;
	case NP_NODE_NULL:
		return fail_pos(y, k->line, k->column, "%s", "a mapping key cannot be null");
	default:
		return fail_pos(y, k->line, k->column, "%s", "mapping keys must be scalars");
	}
}

static int push_pair(struct yp *y, const char *key, size_t len, int line, int col)
{
	struct np_pair *p;

	if (grow_array((void **)&y->pairs, &y->cap_pairs, sizeof(*y->pairs), y->npairs + 1) < 0)
		return fail_nomem(y);
	p = &y->pairs[y->npairs++];
	p->key = key;
	p->key_len = len;
	p->key_line = line;
	p->key_column = col;
	p->value = NULL;
	return 0;
}

/* Reads a key: a scalar node (or an alias to one). */
static int take_key(struct yp *y, struct yframe *f, struct np_node *k, int is_plain_merge,
		    int line, int col)
{
	const char *s = NULL;
	size_t len = 0;
	int rc;

	f->have_key = 1;
	f->key_is_merge = is_plain_merge;
	if (is_plain_merge)
		return 0;
	rc = key_text(y, k, &s, &len);
	if (rc)
		return rc;
	return push_pair(y, s, len, line, col);
}

/* ---- containers ---- */

static int add_merge_source(struct yp *y, const struct np_node *v)
{
	if (v->type == NP_NODE_MAP) {
		if (grow_array((void **)&y->merges, &y->cap_merges, sizeof(*y->merges),
			       y->nmerges + 1) < 0)
			return fail_nomem(y);
		y->merges[y->nmerges++] = (struct np_node *)v;
		return 0;
	}
	if (v->type == NP_NODE_SEQ) {
		size_t i;

		for (i = 0; i < v->u.seq.n; i++) {
			const struct np_node *m = v->u.seq.items[i];

			if (m->type != NP_NODE_MAP)
				return fail_pos(y, m->line, m->column, "%s",
						"a merge (<<) sequence must contain only mappings");
			if (grow_array((void **)&y->merges, &y->cap_merges, sizeof(*y->merges),
				       y->nmerges + 1) < 0)
				return fail_nomem(y);
			y->merges[y->nmerges++] = (struct np_node *)m;
		}
		return 0;
	}
	return fail_pos(y, v->line, v->column, "%s",
			"a merge (<<) value must be a mapping or a sequence of mappings");
}

/* Hands a finished value to the enclosing container. */
static int attach(struct yp *y, struct np_node *v, struct np_node **root)
{
	struct yframe *f;

	if (y->nframes == 0) {
		*root = v;
		return 0;
	}
	f = &y->frames[y->nframes - 1];
	if (f->node->type == NP_NODE_SEQ) {
		if (grow_array((void **)&y->items, &y->cap_items, sizeof(*y->items), y->nitems + 1) < 0)
			return fail_nomem(y);
		y->items[y->nitems++] = v;
		return 0;
	}
	if (!f->have_key) /* containers as keys are refused when they open */
		return fail_pos(y, v->line, v->column, "%s", "mapping keys must be scalars");
	f->have_key = 0;
	if (f->key_is_merge) {
		f->key_is_merge = 0;
		return add_merge_source(y, v);
	}
	y->pairs[y->npairs - 1].value = v;
	return 0;
}

static int keys_equal(const struct np_pair *a, const struct np_pair *b)
{
	return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* Inserts cand[i] into the key set; returns the index + 1 of an equal key already there. */
static size_t keyset_add(struct yp *y, const struct np_pair *cand, size_t i, size_t mask)
{
	size_t s = (size_t)np_hash(y->seed, 2, cand[i].key, cand[i].key_len) & mask;

	for (; y->keyset[s]; s = (s + 1) & mask)
		if (keys_equal(&cand[y->keyset[s] - 1], &cand[i]))
			return y->keyset[s];
	y->keyset[s] = i + 1;
	return 0;
}

/* Checks duplicates among the explicit pairs and appends the merged ones. */
static int finish_map(struct yp *y, struct yframe *f, struct np_node *n)
{
	/* no pairs yet (an empty map first): NULL + 0 is undefined */
	struct np_pair *explicit = y->pairs ? y->pairs + f->base : NULL;
	size_t nexp = y->npairs - f->base, nmerged = 0, total = nexp, i, j, cap = 1;
	size_t nsrc = y->nmerges - f->merge_base;
	struct np_pair *out;

	for (i = 0; i < nsrc; i++) {
		size_t m = y->merges[f->merge_base + i]->u.map.n;

		if (total > SIZE_MAX / 4 - m)
			return fail_nomem(y);
		total += m;
	}
	if (total <= 8 && nsrc == 0) {
		for (i = 1; i < nexp; i++)
			for (j = 0; j < i; j++)
				if (keys_equal(&explicit[i], &explicit[j]))
					return fail_pos(y, explicit[i].key_line, explicit[i].key_column,
							"duplicate mapping key \"%s\"", explicit[i].key);
	} else {
		/* candidates: explicit pairs then every merged pair, in one scratch array */
		if (grow_array((void **)&y->merged, &y->cap_merged, sizeof(*y->merged), total) < 0)
			return fail_nomem(y);
		if (nexp)
			memcpy(y->merged, explicit, nexp * sizeof(*explicit));
		for (i = 0, j = nexp; i < nsrc; i++) {
			const struct np_node *m = y->merges[f->merge_base + i];

			if (m->u.map.n)
				memcpy(y->merged + j, m->u.map.pairs, m->u.map.n * sizeof(*m->u.map.pairs));
			j += m->u.map.n;
		}
		while (cap < total * 2)
			cap *= 2;
		if (grow_array((void **)&y->keyset, &y->cap_keyset, sizeof(*y->keyset), cap) < 0)
			return fail_nomem(y);
		memset(y->keyset, 0, cap * sizeof(*y->keyset));
		for (i = 0; i < total; i++) {
			size_t dup = keyset_add(y, y->merged, i, cap - 1);

			if (dup && i < nexp)
				return fail_pos(y, explicit[i].key_line, explicit[i].key_column,
						"duplicate mapping key \"%s\"", explicit[i].key);
			if (!dup && i >= nexp)
				y->merged[nexp + nmerged++] = y->merged[i];
		}
	}
	total = nexp + nmerged;
	if (total) {
		out = np_arena_alloc(&y->arena, total * sizeof(*out));
		if (!out)
			return fail_nomem(y);
		memcpy(out, nsrc ? y->merged : explicit, total * sizeof(*out));
		n->u.map.pairs = out;
	}
	n->u.map.n = total;
	y->npairs = f->base;
	y->nmerges = f->merge_base;
	return 0;
}

static int open_container(struct yp *y, const yaml_event_t *ev, enum np_node_type t)
{
	const yaml_char_t *anchor = t == NP_NODE_MAP ? ev->data.mapping_start.anchor
						     : ev->data.sequence_start.anchor;
	const char *tag = (const char *)(t == NP_NODE_MAP ? ev->data.mapping_start.tag
							  : ev->data.sequence_start.tag);
	struct yframe *f;
	struct np_node *n;
	size_t w0 = y->doc_nodes;
	int rc;

	if (y->nframes > 0) {
		struct yframe *top = &y->frames[y->nframes - 1];

		if (top->node->type == NP_NODE_MAP && !top->have_key)
			return fail_at(y, &ev->start_mark, NP_EPARSE, "%s",
				       "mapping keys must be scalars");
	}
	if (tag && is_python_tag(tag))
		return fail_at(y, &ev->start_mark, NP_EPARSE, "python tag %s is not allowed", tag);
	if (y->nframes >= y->lim->max_depth)
		return fail_limit(y, &ev->start_mark, "nesting depth", "depth", y->lim->max_depth);
	rc = new_node(y, t, &ev->start_mark, &n);
	if (rc)
		return rc;
	if (grow_array((void **)&y->frames, &y->cap_frames, sizeof(*y->frames), y->nframes + 1) < 0)
		return fail_nomem(y);
	f = &y->frames[y->nframes++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->base = t == NP_NODE_MAP ? y->npairs : y->nitems;
	f->merge_base = y->nmerges;
	f->weight0 = w0;
	if (anchor) {
		rc = anchor_define(y, anchor, n, 1, &f->anchor);
		if (rc)
			return rc;
	}
	return 0;
}

static int close_container(struct yp *y, struct np_node **root)
{
	struct yframe *f = &y->frames[y->nframes - 1];
	struct np_node *n = f->node;
	int rc;

	if (n->type == NP_NODE_MAP) {
		rc = finish_map(y, f, n);
		if (rc)
			return rc;
	} else {
		size_t count = y->nitems - f->base;

		if (count) {
			struct np_node **items = np_arena_alloc(&y->arena, count * sizeof(*items));

			if (!items)
				return fail_nomem(y);
			memcpy(items, y->items + f->base, count * sizeof(*items));
			n->u.seq.items = items;
		}
		n->u.seq.n = count;
		y->nitems = f->base;
	}
	if (f->anchor) {
		struct anchor *a = &y->anchors[f->anchor - 1];

		a->open = 0;
		a->weight = y->doc_nodes - f->weight0;
	}
	y->nframes--;
	return attach(y, n, root);
}

static int on_scalar(struct yp *y, const yaml_event_t *ev, struct np_node **root)
{
	struct np_node *n = NULL;
	struct yframe *f = y->nframes ? &y->frames[y->nframes - 1] : NULL;
	int rc = make_scalar(y, ev, &n);
	size_t entry;

	if (rc)
		return rc;
	if (ev->data.scalar.anchor) {
		rc = anchor_define(y, ev->data.scalar.anchor, n, 0, &entry);
		if (rc)
			return rc;
	}
	if (f && f->node->type == NP_NODE_MAP && !f->have_key) {
		int merge = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    ev->data.scalar.length == 2 &&
			    memcmp(ev->data.scalar.value, "<<", 2) == 0 &&
			    (!ev->data.scalar.tag ||
			     strcmp((const char *)ev->data.scalar.tag, TAG_PREFIX "merge") == 0);

		if (!merge && ev->data.scalar.tag &&
		    strcmp((const char *)ev->data.scalar.tag, TAG_PREFIX "merge") == 0)
			merge = 1;
		return take_key(y, f, n, merge, n->line, n->column);
	}
	return attach(y, n, root);
}

static int on_alias(struct yp *y, const yaml_event_t *ev, struct np_node **root)
{
	struct anchor *a = anchor_find(y, ev->data.alias.anchor);
	struct yframe *f = y->nframes ? &y->frames[y->nframes - 1] : NULL;
	int rc;

	if (!a)
		return fail_at(y, &ev->start_mark, NP_EPARSE, "unknown anchor '%s'",
			       (const char *)ev->data.alias.anchor);
	if (a->open)
		return fail_at(y, &ev->start_mark, NP_EPARSE,
			       "anchor '%s' refers to itself", a->name);
	if (++y->aliases > y->lim->max_alias_expansions)
		return fail_limit(y, &ev->start_mark, "number of alias dereferences", "aliases",
				  y->lim->max_alias_expansions);
	rc = count_nodes(y, &ev->start_mark, a->weight);
	if (rc)
		return rc;
	if (f && f->node->type == NP_NODE_MAP && !f->have_key) {
		const struct np_node *k = a->node;

		if (k->type == NP_NODE_SEQ || k->type == NP_NODE_MAP)
			return fail_at(y, &ev->start_mark, NP_EPARSE, "%s",
				       "mapping keys must be scalars");
		return take_key(y, f, a->node, 0, (int)ev->start_mark.line + 1,
				(int)ev->start_mark.column + 1);
	}
	return attach(y, a->node, root);
}

/* ---- libyaml errors ---- */

static int libyaml_error(struct yp *y, const yaml_parser_t *p)
{
	char msg[512];
	int line = 0, col = 0;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return fail_nomem(y);
	case YAML_READER_ERROR: {
		size_t off = p->problem_offset < y->len ? p->problem_offset : y->len, i;
		size_t ls = 0;

		line = 1;
		for (i = 0; i < off; i++) {
			if (y->buf[i] == '\n') {
				if (line < INT32_MAX)
					line++;
				ls = i + 1;
			}
		}
		col = 1;
		for (i = ls; i < off; i++)
			if (((unsigned char)y->buf[i] & 0xc0) != 0x80 && col < INT32_MAX)
				col++;
		if (p->problem_value != -1)
			snprintf(msg, sizeof(msg), "%s (byte 0x%02x)",
				 p->problem ? p->problem : "invalid input", p->problem_value & 0xff);
		else
			snprintf(msg, sizeof(msg), "%s", p->problem ? p->problem : "invalid input");
		break;
	}
	default:
		line = (int)(p->problem_mark.line < INT32_MAX ? p->problem_mark.line + 1 : INT32_MAX);
		col = (int)(p->problem_mark.column < INT32_MAX ? p->problem_mark.column + 1 : INT32_MAX);
		if (p->context)
			snprintf(msg, sizeof(msg), "%s (%s at line %zu, column %zu)",
				 p->problem ? p->problem : "syntax error", p->context,
				 p->context_mark.line + 1, p->context_mark.column + 1);
		else
			snprintf(msg, sizeof(msg), "%s", p->problem ? p->problem : "syntax error");
		break;
	}
	return fail_pos(y, line, col, "%s", msg);
}

static void reset_document(struct yp *y)
{
	y->nframes = 0;
	y->nitems = 0;
	y->npairs = 0;
	y->nmerges = 0;
	y->nanchors = 0;
	if (y->anchor_index)
		memset(y->anchor_index, 0, y->cap_index * sizeof(*y->anchor_index));
	y->doc_nodes = 0;
	y->aliases = 0;
	np_arena_reset(&y->arena);
}

int np_yaml_decode(const char *buf, size_t len, const char *name,
		   const struct np_decode_limits *limits, np_doc_fn fn, void *ctx,
		   struct np_error *err)
{
	struct np_decode_limits deflim;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct yp y;
	struct np_node *root = NULL;
	int rc = 0, done = 0, have_event = 0, index = 0, root_empty = 0;
	size_t ndocs = 0;

	if (!limits) {
		np_decode_limits_default(&deflim);
		limits = &deflim;
	}
	memset(&y, 0, sizeof(y));
	y.buf = buf ? buf : "";
	y.len = buf ? len : 0;
	y.name = name;
	y.lim = limits;
	y.err = err;
	y.seed = np_hash_seed();
	np_arena_init(&y.arena);
	if (!yaml_parser_initialize(&parser)) {
		np_arena_release(&y.arena);
		return fail_nomem(&y);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)y.buf, y.len);

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = libyaml_error(&y, &parser);
			goto out;
		}
		have_event = 1;
		if (y.nframes || ev.type == YAML_DOCUMENT_END_EVENT) {
			size_t end = ev.end_mark.index;

			if (end > y.doc_start && end - y.doc_start > limits->max_doc_bytes) {
				rc = fail_limit(&y, &ev.start_mark, "document size in bytes",
						"document-bytes", limits->max_doc_bytes);
				goto out;
			}
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (ndocs >= limits->max_documents) {
				rc = fail_limit(&y, &ev.start_mark, "number of documents",
						"documents", limits->max_documents);
				goto out;
			}
			ndocs++;
			reset_document(&y);
			y.doc_start = ev.start_mark.index;
			root = NULL;
			root_empty = 0;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (root && !root_empty && fn) {
				rc = fn(ctx, root, index);
				if (rc < 0)
					goto out;
				rc = 0;
			}
			if (root && !root_empty && index < INT32_MAX)
				index++;
			root = NULL;
			reset_document(&y);
			break;
		case YAML_SCALAR_EVENT:
			if (y.nframes == 0)
				root_empty = ev.data.scalar.length == 0 &&
					     ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
					     !ev.data.scalar.tag && !ev.data.scalar.anchor;
			rc = on_scalar(&y, &ev, &root);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(&y, &ev, &root);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = open_container(&y, &ev, NP_NODE_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = open_container(&y, &ev, NP_NODE_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			rc = y.nframes ? close_container(&y, &root) : 0;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		have_event = 0;
		if (rc)
			goto out;
	}
out:
	if (have_event)
		yaml_event_delete(&ev);
	yaml_parser_delete(&parser);
	free(y.frames);
	free(y.items);
	free(y.pairs);
	free(y.merges);
	free(y.anchors);
	free(y.anchor_index);
	free(y.keyset);
	free(y.merged);
	np_arena_release(&y.arena);
	return rc;
}
