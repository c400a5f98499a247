/* Calico's selector grammar (DESIGN §4): evaluated against a label set. The
 * whole expression is always parsed, so a syntax error anywhere makes it
 * unevaluable (-1) rather than silently short-circuited away. */
#include <string.h>

#include "netpol/selector.h"

#define MAX_DEPTH 128

struct cparser {
	const char *s;
	size_t p;
	int depth;
	bool error;
	const struct np_labels *labels;
	const char *only_key;  /* for np_calico_selector_uses_only */
	bool other_key;
};

static void skip_ws(struct cparser *c)
{
	while (c->s[c->p] == ' ' || c->s[c->p] == '\t' || c->s[c->p] == '\n' || c->s[c->p] == '\r')
		c->p++;
}

static bool key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.' || ch == '/' || ch == '-';
}

/* Matches a keyword followed by a non-key character. */
static bool accept_word(struct cparser *c, const char *w)
{
	size_t n = strlen(w);

	skip_ws(c);
	if (strncmp(c->s + c->p, w, n) != 0 || key_char(c->s[c->p + n]))
		return false;
	c->p += n;
	return true;
}

static bool accept(struct cparser *c, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(c);
	if (strncmp(c->s + c->p, tok, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* A label key; returns its length (0 = none) and start in *out. */
static size_t parse_key(struct cparser *c, const char **out)
{
	size_t start;

	skip_ws(c);
	start = c->p;
	while (key_char(c->s[c->p]))
		c->p++;
	*out = c->s + start;
	return c->p - start;
}

/* A quoted string ('..' or ".."); returns length, start in *out; error if none. */
static size_t parse_string(struct cparser *c, const char **out)
{
	char q;
	size_t start;

	skip_ws(c);
	q = c->s[c->p];
	if (q != '\'' && q != '"') {
		c->error = true;
		return 0;
	}
	c->p++;
	start = c->p;
	while (c->s[c->p] && c->s[c->p] != q)
		c->p++;
	if (c->s[c->p] != q) {
		c->error = true;
		return 0;
	}
	*out = c->s + start;
	c->p++;
	return c->p - 1 - start;
}

/* The label value for key (not NUL-terminated in the expression). */
static const char *lookup(struct cparser *c, const char *k, size_t klen)
{
	char key[320];
	size_t i;

	if (c->only_key && (strlen(c->only_key) != klen || strncmp(c->only_key, k, klen) != 0))
		c->other_key = true;
	if (!c->labels)
		return NULL;
	if (klen < sizeof(key)) {
		memcpy(key, k, klen);
		key[klen] = '\0';
		return np_labels_get(c->labels, key);
	}
	/* Longer than any valid key: compare in place. */
	for (i = 0; i < c->labels->n; i++)
		if (strlen(c->labels->keys[i]) == klen && strncmp(c->labels->keys[i], k, klen) == 0)
			return c->labels->values[i];
	return NULL;
}

static bool str_eq(const char *v, const char *s, size_t n)
{
	return strlen(v) == n && strncmp(v, s, n) == 0;
}

static int parse_or(struct cparser *c);

static int parse_set(struct cparser *c, const char *v)
{
	bool found = false;

	if (!accept(c, "{")) {
		c->error = true;
		return 0;
	}
	if (accept(c, "}"))
		return 0;
	for (;;) {
		const char *s;
		size_t n = parse_string(c, &s);

		if (c->error)
			return 0;
		if (v && str_eq(v, s, n))
			found = true;
		if (accept(c, "}"))
			break;
		if (!accept(c, ",")) {
			c->error = true;
			return 0;
		}
	}
	return found;
}

static int parse_primary(struct cparser *c)
{
	const char *k, *s;
	size_t klen, n;
	const char *v;

	skip_ws(c);
	if (accept(c, "(")) {
		int r = parse_or(c);

		if (!accept(c, ")"))
			c->error = true;
		return r;
	}
	if (accept_word(c, "all")) {
		if (!accept(c, "(") || !accept(c, ")"))
			c->error = true;
		return 1;
	}
	if (accept_word(c, "global")) {
		/* Matches non-namespaced endpoints only; pods are namespaced. */
		if (!accept(c, "(") || !accept(c, ")"))
			c->error = true;
		return 0;
	}
	if (accept_word(c, "has")) {
		if (!accept(c, "(")) {
			c->error = true;
			return 0;
		}
		klen = parse_key(c, &k);
		if (klen == 0 || !accept(c, ")")) {
			c->error = true;
			return 0;
		}
		return lookup(c, k, klen) != NULL;
	}
	klen = parse_key(c, &k);
	if (klen == 0) {
		c->error = true;
		return 0;
	}
	v = lookup(c, k, klen);
	if (accept(c, "==")) {
		n = parse_string(c, &s);
		return !c->error && v && str_eq(v, s, n);
	}
	if (accept(c, "!=")) {
		n = parse_string(c, &s);
		return !c->error && (!v || !str_eq(v, s, n));
	}
	if (accept_word(c, "in"))
		return parse_set(c, v) && v;
	if (accept_word(c, "not")) {
		if (!accept_word(c, "in")) {
			c->error = true;
			return 0;
		}
		return !parse_set(c, v) || !v;
	}
	if (accept_word(c, "contains")) {
		char needle[512];

		n = parse_string(c, &s);
		if (c->error || !v)
			return 0;
		if (n >= sizeof(needle))
			return 0;
		memcpy(needle, s, n);
		needle[n] = '\0';
		return strstr(v, needle) != NULL;
	}
	if (accept_word(c, "starts")) {
		if (!accept_word(c, "with")) {
			c->error = true;
			return 0;
		}
		n = parse_string(c, &s);
		return !c->error && v && strlen(v) >= n && strncmp(v, s, n) == 0;
	}
	if (accept_word(c, "ends")) {
		size_t vl;

		if (!accept_word(c, "with")) {
			c->error = true;
			return 0;
		}
		n = parse_string(c, &s);
		if (c->error || !v)
			return 0;
		vl = strlen(v);
		return vl >= n && strncmp(v + vl - n, s, n) == 0;
	}
	c->error = true;
	return 0;
}

static int parse_unary(struct cparser *c)
{
	int r;

	if (++c->depth > MAX_DEPTH) {
		c->error = true;
		return 0;
	}
	skip_ws(c);
	/* "!" but not "!=" (which never starts an expression anyway). */
	if (c->s[c->p] == '!' && c->s[c->p + 1] != '=') {
		c->p++;
		r = !parse_unary(c);
	} else {
		r = parse_primary(c);
	}
	c->depth--;
	return r;
}

static int parse_and(struct cparser *c)
{
	int r = parse_unary(c);

	while (!c->error && accept(c, "&&")) {
		int x = parse_unary(c);

		r = r && x;
	}
	return r;
}

static int parse_or(struct cparser *c)
{
	int r;

	if (++c->depth > MAX_DEPTH) {
		c->error = true;
		return 0;
	}
	r = parse_and(c);
	while (!c->error && accept(c, "||")) {
		int x = parse_and(c);

		r = r || x;
	}
	c->depth--;
	return r;
}

static int run(struct cparser *c)
{
	int r;

	skip_ws(c);
	/* An empty selector is Calico's all(). */
	if (c->s[c->p] == '\0')
		return 1;
	r = parse_or(c);
	skip_ws(c);
	if (c->error || c->s[c->p] != '\0')
		return -1;
	return r ? 1 : 0;
}

int np_calico_selector_eval(const char *expr, const struct np_labels *labels)
{
	struct cparser c = { 0 };

	if (!expr)
		return 1;
	c.s = expr;
	c.labels = labels;
	return run(&c);
}

bool np_calico_selector_uses_only(const char *expr, const char *key)
{
	struct cparser c = { 0 };

	if (!expr)
		return true;
	c.s = expr;
	c.only_key = key ? key : "";
	if (run(&c) < 0)
		return false;
	return !c.other_key;
}
