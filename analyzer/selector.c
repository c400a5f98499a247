/* metav1.LabelSelector semantics, failure explanations and kubectl's -l syntax
 * (DESIGN §2.3, §4). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "netpol/selector.h"

static bool value_in(const struct np_sel_expr *e, const char *v)
{
	size_t i;

	for (i = 0; i < e->n_values; i++)
		if (e->values[i] && strcmp(e->values[i], v) == 0)
			return true;
	return false;
}

/* An expression the API server would reject (In/NotIn without values,
 * Exists/DoesNotExist with values, an unknown operator) fails closed even if
 * the decoder did not mark the selector invalid (DESIGN §4, NP-208). */
static bool expr_malformed(const struct np_sel_expr *e)
{
	switch (e->op) {
	case NP_SEL_IN:
	case NP_SEL_NOTIN:
		return e->n_values == 0;
	case NP_SEL_EXISTS:
	case NP_SEL_DOESNOTEXIST:
		return e->n_values != 0;
	default:
		return true;
	}
}

static bool expr_matches(const struct np_sel_expr *e, const struct np_labels *labels)
{
	const char *v;

	if (!e->key || expr_malformed(e))
		return false;
	v = labels ? np_labels_get(labels, e->key) : NULL;
	switch (e->op) {
	case NP_SEL_IN:
		return v && value_in(e, v);
	case NP_SEL_NOTIN:
		return !v || !value_in(e, v);
	case NP_SEL_EXISTS:
		return v != NULL;
	case NP_SEL_DOESNOTEXIST:
		return v == NULL;
	default:
		return false;
	}
}

bool np_selector_matches(const struct np_selector *s, const struct np_labels *labels)
{
	size_t i;

	if (!s)
		return true;
	if (s->invalid)
		return false;
	for (i = 0; i < s->n_labels; i++) {
		const char *v;

		if (!s->label_keys[i] || !s->label_values[i])
			return false;
		v = labels ? np_labels_get(labels, s->label_keys[i]) : NULL;
		if (!v || strcmp(v, s->label_values[i]) != 0)
			return false;
	}
	for (i = 0; i < s->n_exprs; i++)
		if (!expr_matches(&s->exprs[i], labels))
			return false;
	return true;
}

static const char *op_name(const struct np_sel_expr *e)
{
	if (e->op_text && *e->op_text)
		return e->op_text;
	switch (e->op) {
	case NP_SEL_IN:
		return "In";
	case NP_SEL_NOTIN:
		return "NotIn";
	case NP_SEL_EXISTS:
		return "Exists";
	case NP_SEL_DOESNOTEXIST:
		return "DoesNotExist";
	default:
		return "?";
	}
}

/* Bounded appender: output is cut, never overrun. */
struct sbuf {
	char *buf;
	size_t len, pos;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->buf || b->len == 0 || b->pos >= b->len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->len - b->pos)
		b->pos = b->len - 1;
	else
		b->pos += (size_t)n;
}

static void sb_values(struct sbuf *b, const struct np_sel_expr *e)
{
	size_t i;

	sb_printf(b, "(");
	for (i = 0; i < e->n_values; i++)
		sb_printf(b, "%s%s", i ? "," : "", e->values[i] ? e->values[i] : "");
	sb_printf(b, ")");
}

/* The same in -l syntax, which reads an empty value only as a leading
 * comma ("(,a)" is {"", a}; "(a,)" is {a}). */
static void sb_lvalues(struct sbuf *b, const struct np_sel_expr *e)
{
	size_t i, n = 0;
	bool empty = false;

	for (i = 0; i < e->n_values; i++)
		empty = empty || !e->values[i] || !*e->values[i];
	sb_printf(b, "(%s", empty ? "," : "");
	for (i = 0; i < e->n_values; i++)
		if (e->values[i] && *e->values[i])
			sb_printf(b, "%s%s", n++ ? "," : "", e->values[i]);
	sb_printf(b, ")");
}

static void sb_expr_head(struct sbuf *b, const struct np_sel_expr *e)
{
	sb_printf(b, "matchExpressions %s %s", e->key ? e->key : "", op_name(e));
	if (e->op == NP_SEL_IN || e->op == NP_SEL_NOTIN || e->n_values) {
		sb_printf(b, " ");
		sb_values(b, e);
	}
}

bool np_selector_first_failure(const struct np_selector *s, const struct np_labels *labels,
			       char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };
	size_t i;

	if (np_selector_matches(s, labels))
		return false;
	if (buf && len)
		buf[0] = '\0';
	if (s->invalid) {
		sb_printf(&b, "selector is invalid: it selects nothing");
		return true;
	}
	for (i = 0; i < s->n_labels; i++) {
		const char *k = s->label_keys[i], *want = s->label_values[i], *v;

		if (!k || !want) {
			sb_printf(&b, "matchLabels: malformed entry");
			return true;
		}
		v = labels ? np_labels_get(labels, k) : NULL;
		if (!v) {
			sb_printf(&b, "matchLabels %s=%s: label %s absent", k, want, k);
			return true;
		}
		if (strcmp(v, want) != 0) {
			sb_printf(&b, "matchLabels %s=%s: pod has %s=%s", k, want, k, v);
			return true;
		}
	}
	for (i = 0; i < s->n_exprs; i++) {
		const struct np_sel_expr *e = &s->exprs[i];
		const char *v;

		if (expr_matches(e, labels))
			continue;
		sb_expr_head(&b, e);
		if (!e->key || expr_malformed(e)) {
			sb_printf(&b, ": invalid expression, matches nothing");
			return true;
		}
		v = labels ? np_labels_get(labels, e->key) : NULL;
		if (v)
			sb_printf(&b, ": pod has %s=%s", e->key, v);
		else
			sb_printf(&b, ": label %s absent", e->key);
		return true;
	}
	/* Unreachable when the selector does not match, kept for safety. */
	sb_printf(&b, "selector does not match");
	return true;
}

size_t np_selector_format(const struct np_selector *s, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };
	size_t i, n = 0;

	if (buf && len)
		buf[0] = '\0';
	if (!s || np_selector_is_empty(s)) {
		sb_printf(&b, "{}");
		return b.pos;
	}
	for (i = 0; i < s->n_labels; i++, n++)
		sb_printf(&b, "%s%s=%s", n ? "," : "", s->label_keys[i] ? s->label_keys[i] : "",
			  s->label_values[i] ? s->label_values[i] : "");
	/* "k in ()" with a lone empty value prints as "k=", which parses back as
	 * a matchLabels entry: print those right after matchLabels (pass 0) so
	 * the text is a fixed point of format(parse(...)). */
	for (i = 0; i < 2 * s->n_exprs; i++) {
		const struct np_sel_expr *e = &s->exprs[i % s->n_exprs];
		const char *k = e->key ? e->key : "";
		bool as_label = e->op == NP_SEL_IN && e->n_values == 1 && e->values[0] && !*e->values[0];

		if (as_label != (i < s->n_exprs))
			continue;
		sb_printf(&b, "%s", n++ ? "," : "");
		switch (e->op) {
		case NP_SEL_IN:
		case NP_SEL_NOTIN:
			if (e->n_values == 1 && e->values[0] && !*e->values[0]) {
				/* "()" does not parse: a lone empty value is k= / k!= */
				sb_printf(&b, "%s%s", k, e->op == NP_SEL_IN ? "=" : "!=");
				break;
			}
			sb_printf(&b, "%s %s ", k, e->op == NP_SEL_IN ? "in" : "notin");
			sb_lvalues(&b, e);
			break;
		case NP_SEL_EXISTS:
			sb_printf(&b, "%s", k);
			break;
		case NP_SEL_DOESNOTEXIST:
			sb_printf(&b, "!%s", k);
			break;
		default:
			sb_printf(&b, "%s %s", k, op_name(e));
			break;
		}
	}
	return b.pos;
}

/* ---- kubectl -l syntax (k8s.io/apimachinery/pkg/labels.Parse) ---- */

enum tok {
	T_END, T_IDENT, T_COMMA, T_LPAREN, T_RPAREN, T_NOT, T_EQ, T_DEQ, T_NEQ, T_GT, T_LT,
	T_IN, T_NOTIN,
};

struct lexer {
	const char *s;
	size_t pos;
	enum tok t;
	const char *tstart;
	size_t tlen;
};

static bool is_special(char c)
{
	return c == ',' || c == '(' || c == ')' || c == '!' || c == '=' || c == '<' || c == '>';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void lex_next(struct lexer *lx)
{
	const char *s = lx->s;
	size_t p = lx->pos;

	while (s[p] && is_space(s[p]))
		p++;
	lx->tstart = s + p;
	lx->tlen = 1;
	switch (s[p]) {
	case '\0':
		lx->t = T_END;
		lx->tlen = 0;
		break;
	case ',':
		lx->t = T_COMMA;
		p++;
		break;
	case '(':
		lx->t = T_LPAREN;
		p++;
		break;
	case ')':
		lx->t = T_RPAREN;
		p++;
		break;
	case '<':
		lx->t = T_LT;
		p++;
		break;
	case '>':
		lx->t = T_GT;
		p++;
		break;
	case '!':
		if (s[p + 1] == '=') {
			lx->t = T_NEQ;
			lx->tlen = 2;
			p += 2;
		} else {
			lx->t = T_NOT;
			p++;
		}
		break;
	case '=':
		if (s[p + 1] == '=') {
			lx->t = T_DEQ;
			lx->tlen = 2;
			p += 2;
		} else {
			lx->t = T_EQ;
			p++;
		}
		break;
	default: {
		size_t q = p;

		while (s[q] && !is_space(s[q]) && !is_special(s[q]))
			q++;
		lx->tlen = q - p;
		lx->t = T_IDENT;
		if (lx->tlen == 2 && memcmp(s + p, "in", 2) == 0)
			lx->t = T_IN;
		else if (lx->tlen == 5 && memcmp(s + p, "notin", 5) == 0)
			lx->t = T_NOTIN;
		p = q;
		break;
	}
	}
	lx->pos = p;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Label values: empty, or <= 63 of [A-Za-z0-9._-] starting and ending alphanumeric. */
static bool valid_value(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	if (n > 63 || !alnum(v[0]) || !alnum(v[n - 1]))
		return false;
	for (i = 0; i < n; i++)
		if (!alnum(v[i]) && v[i] != '-' && v[i] != '_' && v[i] != '.')
			return false;
	return true;
}

/* Keys: [prefix/]name, prefix a DNS subdomain (<= 253), name like a value but non-empty. */
static bool valid_key(const char *k, size_t n)
{
	const char *slash = memchr(k, '/', n);
	size_t i, plen;

	if (n == 0)
		return false;
	if (!slash)
		return valid_value(k, n);
	plen = (size_t)(slash - k);
	if (plen == 0 || plen > 253 || !valid_value(slash + 1, n - plen - 1) || n - plen - 1 == 0)
		return false;
	for (i = 0; i < plen; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '-' ||
		      k[i] == '.'))
			return false;
	return alnum(k[0]) && alnum(k[plen - 1]);
}

static int parse_fail(struct np_error *err, const char *text, size_t pos, const char *what)
{
	return np_error_set(err, NP_EUSAGE, "invalid label selector \"%s\": %s at position %zu",
			    text, what, pos + 1);
}

int np_selector_parse(struct np_selector *out, struct np_model *m, const char *text,
		      struct np_error *err)
{
	struct lexer lx = { 0 };
	size_t cap = 1, i, nl = 0, ne = 0;
	const char **keys = NULL, **vals = NULL;
	struct np_sel_expr *exprs = NULL;

	memset(out, 0, sizeof(*out));
	out->present = true;
	if (!text)
		return 0;
	/* Each requirement is separated by a comma outside parentheses: the comma
	 * count bounds the number of requirements. */
	for (i = 0; text[i]; i++)
		if (text[i] == ',')
			cap++;
	keys = np_model_alloc(m, cap * sizeof(*keys));
	vals = np_model_alloc(m, cap * sizeof(*vals));
	exprs = np_model_alloc(m, cap * sizeof(*exprs));
	if (!keys || !vals || !exprs)
		return np_error_set(err, NP_ENOMEM, "out of memory");

	lx.s = text;
	lex_next(&lx);
	if (lx.t == T_END)
		return 0;
	for (;;) {
		bool negate = false;
		const char *k;
		size_t klen;
		struct np_sel_expr *e;

		if (lx.t == T_NOT) {
			negate = true;
			lex_next(&lx);
		}
		if (lx.t != T_IDENT)
			return parse_fail(err, text, (size_t)(lx.tstart - text), "expected a label key");
		k = lx.tstart;
		klen = lx.tlen;
		if (!valid_key(k, klen))
			return parse_fail(err, text, (size_t)(k - text), "invalid label key");
		lex_next(&lx);
		if (negate) {
			if (lx.t != T_COMMA && lx.t != T_END)
				return parse_fail(err, text, (size_t)(lx.tstart - text),
						  "expected ',' after !key");
			e = &exprs[ne++];
			e->key = np_model_strn(m, k, klen);
			e->op = NP_SEL_DOESNOTEXIST;
			e->op_text = "DoesNotExist";
		} else if (lx.t == T_COMMA || lx.t == T_END) {
			e = &exprs[ne++];
			e->key = np_model_strn(m, k, klen);
			e->op = NP_SEL_EXISTS;
			e->op_text = "Exists";
		} else if (lx.t == T_EQ || lx.t == T_DEQ || lx.t == T_NEQ) {
			enum tok op = lx.t;
			const char *v = "";
			size_t vlen = 0;

			lex_next(&lx);
			if (lx.t == T_IDENT || lx.t == T_IN || lx.t == T_NOTIN) {
				v = lx.tstart;
				vlen = lx.tlen;
				lex_next(&lx);
			}
			if (!valid_value(v, vlen))
				return parse_fail(err, text, (size_t)(v - text), "invalid label value");
			if (lx.t != T_COMMA && lx.t != T_END)
				return parse_fail(err, text, (size_t)(lx.tstart - text),
						  "expected ',' or end");
			if (op == T_NEQ) {
				/* k!=v matches objects without k, exactly NotIn (v). */
				const char **one = np_model_alloc(m, sizeof(*one));

				if (!one)
					return np_error_set(err, NP_ENOMEM, "out of memory");
				one[0] = np_model_strn(m, v, vlen);
				e = &exprs[ne++];
				e->key = np_model_strn(m, k, klen);
				e->op = NP_SEL_NOTIN;
				e->op_text = "NotIn";
				e->n_values = 1;
				e->values = one;
			} else {
				keys[nl] = np_model_strn(m, k, klen);
				vals[nl] = np_model_strn(m, v, vlen);
				if (!keys[nl] || !vals[nl])
					return np_error_set(err, NP_ENOMEM, "out of memory");
				nl++;
			}
		} else if (lx.t == T_IN || lx.t == T_NOTIN) {
			bool in = lx.t == T_IN;
			size_t nv = 0, vcap = 1, j;
			const char **values;
			struct lexer save;

			lex_next(&lx);
			if (lx.t != T_LPAREN)
				return parse_fail(err, text, (size_t)(lx.tstart - text), "expected '('");
			for (j = lx.pos; text[j] && text[j] != ')'; j++)
				if (text[j] == ',')
					vcap++;
			values = np_model_alloc(m, vcap * sizeof(*values));
			if (!values)
				return np_error_set(err, NP_ENOMEM, "out of memory");
			lex_next(&lx);
			while (lx.t != T_RPAREN) {
				const char *v = "";
				size_t vlen = 0;

				if (lx.t == T_IDENT || lx.t == T_IN || lx.t == T_NOTIN) {
					v = lx.tstart;
					vlen = lx.tlen;
					lex_next(&lx);
				}
				if (!valid_value(v, vlen))
					return parse_fail(err, text, (size_t)(v - text),
							  "invalid label value");
				if (nv >= vcap)
					return parse_fail(err, text, (size_t)(lx.tstart - text),
							  "malformed value list");
				values[nv++] = np_model_strn(m, v, vlen);
				if (lx.t == T_COMMA) {
					lex_next(&lx);
					continue;
				}
				if (lx.t != T_RPAREN)
					return parse_fail(err, text, (size_t)(lx.tstart - text),
							  "expected ',' or ')'");
			}
			save = lx;
			lex_next(&lx);
			if (nv == 0)
				return parse_fail(err, text, (size_t)(save.tstart - text),
						  "'in' and 'notin' need at least one value");
			if (lx.t != T_COMMA && lx.t != T_END)
				return parse_fail(err, text, (size_t)(lx.tstart - text),
						  "expected ',' or end");
			e = &exprs[ne++];
			e->key = np_model_strn(m, k, klen);
			e->op = in ? NP_SEL_IN : NP_SEL_NOTIN;
			e->op_text = in ? "In" : "NotIn";
			e->n_values = nv;
			e->values = values;
		} else if (lx.t == T_GT || lx.t == T_LT) {
			return parse_fail(err, text, (size_t)(lx.tstart - text),
					  "operators > and < are not supported");
		} else {
			return parse_fail(err, text, (size_t)(lx.tstart - text), "unexpected token");
		}
		if (ne && !exprs[ne - 1].key)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		if (lx.t == T_END)
			break;
		/* lx.t == T_COMMA */
		lex_next(&lx);
		if (nl + ne >= cap)
			return parse_fail(err, text, (size_t)(lx.tstart - text), "too many requirements");
	}
	out->n_labels = nl;
	out->label_keys = keys;
	out->label_values = vals;
	out->n_exprs = ne;
	out->exprs = exprs;
	return 0;
}
