/* HCL native syntax reader (see include/netpol/hcl.h for the tree it builds).
 *
 * A recursive-descent parser over an on-demand scanner: templates (quoted
 * strings and heredocs) are scanned character by character and re-enter the
 * expression parser at each `${`, so the scanner never needs to know in
 * advance where a string ends. Newlines end attributes in bodies and
 * separate object members, and are ignored inside (), [] and ${}: nl_skip
 * counts how deep we are in the latter, saved and cleared in each object
 * constructor or block body.
 *
 * Bounded work and memory: one recursion level per nesting level (blocks,
 * collections, parentheses, templates in interpolations, operator chains),
 * capped by limits->max_depth and HCL_MAX_DEPTH; nodes by max_nodes; strings by
 * max_scalar_bytes; the input by max_doc_bytes. Every error names the line
 * and column. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/hcl.h"

enum tk { TK_EOF, TK_NL, TK_IDENT, TK_NUMBER, TK_QUOTE, TK_HEREDOC, TK_PUNCT };

/* Multi-character punctuation; single characters are their own code. */
enum {
	P_EQEQ = 256, P_NE, P_LE, P_GE, P_AND, P_OR, P_ARROW, P_ELLIPSIS, P_DCOLON,
};

struct tok {
	enum tk t;
	int punct;
	const char *s, *e;   /* source span */
	int line, col;
	/* heredoc: the marker and whether it was <<- */
	const char *marker;
	size_t mlen;
	bool flush;
};

struct hp {
	const char *buf, *p, *end;
	const char *name;
	const struct np_decode_limits *lim;
	struct np_error *err;
	struct np_arena arena;
	int line;
	const char *line_start;
	const char *cbase; /* column cache: ccol characters before cbase on its line */
	int ccol;
	size_t nodes, depth;
	int nl_skip;
	int discard;  /* > 0: inside an expression that is unresolved whatever its parts */
	bool have;
	struct tok tok;
	const char *last_end; /* end of the last token or template taken */
};

struct sbuf {
	char *p;
	size_t n, cap;
};

/* ------------------------------------------------------------ errors */

static int column_at(struct hp *h, const char *pos)
{
	const char *q;

	if (h->cbase < h->line_start || h->cbase > pos) {
		h->cbase = h->line_start;
		h->ccol = 0;
	}
	for (q = h->cbase; q < pos; q++)
		if ((*q & 0xc0) != 0x80 && h->ccol < INT_MAX - 1)
			h->ccol++;
	h->cbase = pos;
	return h->ccol + 1;
}

static int fail_pos(struct hp *h, int line, int col, const char *msg)
{
	return np_error_setat(h->err, NP_EPARSE, h->name, NULL, line, col, "%s", msg);
}

static int fail_at(struct hp *h, const char *pos, const char *msg)
{
	return fail_pos(h, h->line, column_at(h, pos), msg);
}

static int fail_tok(struct hp *h, const struct tok *t, const char *what)
{
	char got[48];

	switch (t->t) {
	case TK_EOF:
		snprintf(got, sizeof(got), "end of input");
		break;
	case TK_NL:
		snprintf(got, sizeof(got), "newline");
		break;
	case TK_QUOTE:
		snprintf(got, sizeof(got), "a string");
		break;
	case TK_HEREDOC:
		snprintf(got, sizeof(got), "a heredoc");
		break;
	default:
		snprintf(got, sizeof(got), "\"%.*s\"", (int)(t->e - t->s > 32 ? 32 : t->e - t->s),
			 t->s);
		break;
	}
	return np_error_setat(h->err, NP_EPARSE, h->name, NULL, t->line, t->col,
			      "expected %s, found %s", what, got);
}

static int fail_limit(struct hp *h, int line, int col, const char *what, const char *limit,
		      size_t value)
{
	return np_error_setat(h->err, NP_ELIMIT, h->name, NULL, line, col,
			      "%s exceeds limit %s=%zu (raise it with --limit %s=VALUE)", what, limit,
			      value, limit);
}

static int fail_nomem(struct hp *h)
{
	return np_error_set(h->err, NP_ENOMEM, "%s: out of memory reading HCL",
			    h->name ? h->name : "input");
}

/* The parser recurses once or twice per nesting level: beyond this the C
 * stack (8 MiB, less under sanitizers) is at risk whatever --limit says. */
#define HCL_MAX_DEPTH 4096

static int enter(struct hp *h, int line, int col)
{
	if (++h->depth > h->lim->max_depth)
		return fail_limit(h, line, col, "nesting depth", "depth", h->lim->max_depth);
	if (h->depth > HCL_MAX_DEPTH)
		return np_error_setat(h->err, NP_ELIMIT, h->name, NULL, line, col,
				      "nesting depth exceeds %d, the most the HCL reader allows",
				      HCL_MAX_DEPTH);
	return 0;
}

/* ------------------------------------------------------------ buffers */

static int sb_put(struct hp *h, struct sbuf *b, const char *s, size_t n)
{
	if (n > h->lim->max_scalar_bytes || b->n > h->lim->max_scalar_bytes - n)
		return fail_limit(h, h->line, column_at(h, h->p), "string length in bytes",
				  "scalar-bytes", h->lim->max_scalar_bytes);
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *q;

		while (cap < b->n + n + 1)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q)
			return fail_nomem(h);
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

struct vec {
	void *v;
	size_t n, cap, size;
};

static int vec_push(struct hp *h, struct vec *v, const void *item)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void *q;

		if (cap > SIZE_MAX / v->size)
			return fail_nomem(h);
		q = realloc(v->v, cap * v->size);
		if (!q)
			return fail_nomem(h);
		v->v = q;
		v->cap = cap;
	}
	memcpy((char *)v->v + v->n * v->size, item, v->size);
	v->n++;
	return 0;
}

/* Copies the vector into the arena (NULL when empty, or on ENOMEM with *rc set). */
static void *vec_finish(struct hp *h, struct vec *v, int *rc)
{
	void *out;

	if (!v->n)
		return NULL;
	out = np_arena_alloc(&h->arena, v->n * v->size);
	if (!out) {
		*rc = fail_nomem(h);
		return NULL;
	}
	memcpy(out, v->v, v->n * v->size);
	return out;
}

/* ------------------------------------------------------------ nodes */

static int new_node(struct hp *h, enum np_node_type t, int line, int col, struct np_node **out)
{
	struct np_node *n;

	if (++h->nodes > h->lim->max_nodes)
		return fail_limit(h, line, col, "number of nodes in the document", "nodes",
				  h->lim->max_nodes);
	n = np_arena_alloc(&h->arena, sizeof(*n));
	if (!n)
		return fail_nomem(h);
	n->type = t;
	n->line = line;
	n->column = col;
	*out = n;
	return 0;
}

static int str_node(struct hp *h, const char *s, size_t len, bool literal, int line, int col,
		    struct np_node **out)
{
	int rc;

	if (len > h->lim->max_scalar_bytes)
		return fail_limit(h, line, col, "string length in bytes", "scalar-bytes",
				  h->lim->max_scalar_bytes);
	if ((rc = new_node(h, NP_NODE_STRING, line, col, out)))
		return rc;
	(*out)->quoted = literal;
	(*out)->u.str.s = np_arena_strndup(&h->arena, s, len);
	if (!(*out)->u.str.s)
		return fail_nomem(h);
	(*out)->u.str.len = len;
	return 0;
}

/* An unresolved expression: its source text, trimmed. Inside another
 * unresolved expression (discard > 0) the text is never seen, so it is not
 * copied: nested expressions would otherwise copy O(size * depth) bytes. */
static int unresolved(struct hp *h, const char *s, const char *e, int line, int col,
		      struct np_node **out)
{
	int rc;

	if (h->discard > 0) {
		if ((rc = new_node(h, NP_NODE_STRING, line, col, out)))
			return rc;
		(*out)->u.str.s = "(expr)";
		(*out)->u.str.len = 6;
		return 0;
	}
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	return str_node(h, s, (size_t)(e - s), false, line, col, out);
}

static bool is_literal(const struct np_node *n)
{
	size_t i;

	switch (n->type) {
	case NP_NODE_STRING:
		return n->quoted;
	case NP_NODE_SEQ:
		for (i = 0; i < n->u.seq.n; i++)
			if (!is_literal(n->u.seq.items[i]))
				return false;
		return true;
	case NP_NODE_MAP:
		for (i = 0; i < n->u.map.n; i++)
			if (!is_literal(n->u.map.pairs[i].value))
				return false;
		return true;
	default:
		return true;
	}
}

/* ------------------------------------------------------------ scanner */

static bool id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool id_char(unsigned char c)
{
	return id_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static void newline(struct hp *h, const char *after)
{
	if (h->line < INT_MAX)
		h->line++;
	h->line_start = after;
}

/* Skips blanks and comments; stops at a newline (a token) or anything else. */
static int skip_space(struct hp *h)
{
	const char *p = h->p, *end = h->end;

	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
		} else if (*p == '#' || (*p == '/' && p + 1 < end && p[1] == '/')) {
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < end && p[1] == '*') {
			const char *start = p;
			int line = h->line;

			p += 2;
			for (;;) {
				if (p >= end) {
					h->p = start;
					return fail_pos(h, line, column_at(h, start),
							"unterminated /* comment");
				}
				if (*p == '*' && p + 1 < end && p[1] == '/') {
					p += 2;
					break;
				}
				if (*p == '\n')
					newline(h, p + 1);
				p++;
			}
		} else {
			break;
		}
	}
	h->p = p;
	return 0;
}

static int lex(struct hp *h, struct tok *t)
{
	const char *p;
	unsigned char c;
	int rc;

	for (;;) {
		if ((rc = skip_space(h)))
			return rc;
		p = h->p;
		memset(t, 0, sizeof(*t));
		t->s = p;
		t->line = h->line;
		t->col = column_at(h, p);
		if (p >= h->end) {
			t->t = TK_EOF;
			t->e = p;
			return 0;
		}
		if (*p == '\n') {
			newline(h, p + 1);
			h->p = p + 1;
			if (h->nl_skip > 0)
				continue;
			t->t = TK_NL;
			t->e = p + 1;
			return 0;
		}
		break;
	}
	c = (unsigned char)*p;
	if (id_start(c)) {
		while (p < h->end && id_char((unsigned char)*p))
			p++;
		t->t = TK_IDENT;
	} else if (is_digit(c)) {
		while (p < h->end && is_digit((unsigned char)*p))
			p++;
		if (p + 1 < h->end && *p == '.' && is_digit((unsigned char)p[1])) {
			p++;
			while (p < h->end && is_digit((unsigned char)*p))
				p++;
		}
		if (p < h->end && (*p == 'e' || *p == 'E')) {
			const char *q = p + 1;
			if (q < h->end && (*q == '+' || *q == '-'))
				q++;
			if (q < h->end && is_digit((unsigned char)*q)) {
				p = q;
				while (p < h->end && is_digit((unsigned char)*p))
					p++;
			}
		}
		t->t = TK_NUMBER;
	} else if (c == '"') {
		p++;
		t->t = TK_QUOTE;
	} else if (c == '<' && p + 1 < h->end && p[1] == '<') {
		const char *m;

		p += 2;
		if (p < h->end && *p == '-') {
			t->flush = true;
			p++;
		}
		m = p;
		while (p < h->end && id_char((unsigned char)*p))
			p++;
		if (p == m || !id_start((unsigned char)*m))
			return fail_pos(h, t->line, t->col, "heredoc needs a marker: <<EOT");
		t->marker = m;
		t->mlen = (size_t)(p - m);
		if (p < h->end && *p == '\r')
			p++;
		if (p >= h->end || *p != '\n')
			return fail_pos(h, t->line, t->col,
					"heredoc marker must be followed by a newline");
		t->t = TK_HEREDOC;
		/* the scanner stops before the newline: the heredoc reader takes it */
	} else {
		static const struct {
			const char *s;
			int code;
		} multi[] = {
			{ "...", P_ELLIPSIS }, { "==", P_EQEQ }, { "!=", P_NE }, { "<=", P_LE },
			{ ">=", P_GE },        { "&&", P_AND },  { "||", P_OR }, { "=>", P_ARROW },
			{ "::", P_DCOLON },
		};
		size_t i;

		t->t = TK_PUNCT;
		for (i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
			size_t l = strlen(multi[i].s);
			if ((size_t)(h->end - p) >= l && memcmp(p, multi[i].s, l) == 0) {
				t->punct = multi[i].code;
				p += l;
				break;
			}
		}
		if (!t->punct) {
			if (!c || !strchr("{}[]()=,.:?!+-*/%<>~", c)) {
				char msg[48];
				snprintf(msg, sizeof(msg), "unexpected character '%c'",
					 c >= 0x20 && c < 0x7f ? c : '?');
				return fail_pos(h, t->line, t->col, msg);
			}
			t->punct = c;
			p++;
		}
	}
	t->e = p;
	h->p = p;
	return 0;
}

static int peek(struct hp *h, const struct tok **out)
{
	int rc;

	if (!h->have) {
		if ((rc = lex(h, &h->tok)))
			return rc;
		h->have = true;
	}
	*out = &h->tok;
	return 0;
}

static void take(struct hp *h)
{
	h->have = false;
	h->last_end = h->tok.e;
}

static bool is_punct(const struct tok *t, int code)
{
	return t->t == TK_PUNCT && t->punct == code;
}

static bool is_ident(const struct tok *t, const char *word)
{
	size_t l = strlen(word);
	return t->t == TK_IDENT && (size_t)(t->e - t->s) == l && memcmp(t->s, word, l) == 0;
}

static int expect(struct hp *h, int code, const char *what)
{
	const struct tok *t;
	int rc;

	if ((rc = peek(h, &t)))
		return rc;
	if (!is_punct(t, code))
		return fail_tok(h, t, what);
	take(h);
	return 0;
}

/* ------------------------------------------------------------ expressions */

static int parse_expr(struct hp *h, struct np_node **out);

static int put_utf8(struct hp *h, struct sbuf *b, unsigned long cp)
{
	char o[4];
	size_t n;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		o[0] = (char)(0xf0 | cp >> 18);
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sb_put(h, b, o, n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* `%{ if x }`, `%{ for k, v in xs }`, `%{ else }`, `%{ endif }`, ... after
 * the `%{`: only its extent matters (the template is unresolved). */
static int skip_directive(struct hp *h)
{
	const struct tok *t;
	struct np_node *dummy;
	int rc;

	h->discard++;
	h->nl_skip++;
	if ((rc = peek(h, &t)))
		return rc;
	if (is_punct(t, '~')) {
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
	}
	if (t->t != TK_IDENT)
		return fail_tok(h, t, "if, else, endif, for or endfor");
	if (is_ident(t, "if")) {
		take(h);
		if ((rc = parse_expr(h, &dummy)))
			return rc;
	} else if (is_ident(t, "for")) {
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
		if (t->t != TK_IDENT)
			return fail_tok(h, t, "a name");
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
		if (is_punct(t, ',')) {
			take(h);
			if ((rc = peek(h, &t)))
				return rc;
			if (t->t != TK_IDENT)
				return fail_tok(h, t, "a name");
			take(h);
			if ((rc = peek(h, &t)))
				return rc;
		}
		if (!is_ident(t, "in"))
			return fail_tok(h, t, "in");
		take(h);
		if ((rc = parse_expr(h, &dummy)))
			return rc;
	} else if (is_ident(t, "else") || is_ident(t, "endif") || is_ident(t, "endfor")) {
		take(h);
	} else {
		return fail_tok(h, t, "if, else, endif, for or endfor");
	}
	if ((rc = peek(h, &t)))
		return rc;
	if (is_punct(t, '~')) {
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
	}
	if (!is_punct(t, '}'))
		return fail_tok(h, t, "} closing the directive");
	h->nl_skip--;
	h->discard--;
	take(h);
	return 0;
}

/* `${ expr }` after the `${`. */
static int interpolation(struct hp *h)
{
	const struct tok *t;
	struct np_node *dummy;
	int rc;

	h->nl_skip++;
	if ((rc = peek(h, &t)))
		return rc;
	if (is_punct(t, '~'))
		take(h);
	h->discard++;
	rc = parse_expr(h, &dummy);
	h->discard--;
	if (rc)
		return rc;
	if ((rc = peek(h, &t)))
		return rc;
	if (is_punct(t, '~')) {
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
	}
	if (!is_punct(t, '}'))
		return fail_tok(h, t, "} closing the interpolation");
	h->nl_skip--;
	take(h);
	return 0;
}

/* A quoted template after its opening quote. */
static int parse_quoted(struct hp *h, const struct tok *open, struct np_node **out)
{
	struct sbuf b = { NULL, 0, 0 };
	const char *start = open->s;
	int line = open->line, col = open->col;
	bool dynamic = false;
	int rc = 0;

	if ((rc = enter(h, line, col)))
		goto out;
	for (;;) {
		const char *p = h->p;
		const char *run = p;

		while (p < h->end && *p != '"' && *p != '\\' && *p != '\n' && *p != '$' && *p != '%')
			p++;
		if (!dynamic && (rc = sb_put(h, &b, run, (size_t)(p - run))))
			goto out;
		h->p = p;
		if (p >= h->end || *p == '\n') {
			rc = fail_pos(h, line, col, "unterminated string");
			goto out;
		}
		if (*p == '"') {
			h->p = p + 1;
			h->last_end = h->p;
			break;
		}
		if (*p == '\\') {
			char c = p + 1 < h->end ? p[1] : '\0';
			const char *esc = NULL;
			int digits = 0;

			switch (c) {
			case 'n': esc = "\n"; break;
			case 'r': esc = "\r"; break;
			case 't': esc = "\t"; break;
			case '"': esc = "\""; break;
			case '\\': esc = "\\"; break;
			case 'u': digits = 4; break;
			case 'U': digits = 8; break;
			default:
				rc = fail_at(h, p, "invalid escape sequence in string");
				goto out;
			}
			if (esc) {
				if (!dynamic && (rc = sb_put(h, &b, esc, 1)))
					goto out;
				h->p = p + 2;
			} else {
				unsigned long cp = 0;
				int i;

				if (h->end - (p + 2) < digits) {
					rc = fail_at(h, p, "invalid unicode escape in string");
					goto out;
				}
				for (i = 0; i < digits; i++) {
					int v = hexval(p[2 + i]);
					if (v < 0) {
						rc = fail_at(h, p, "invalid unicode escape in string");
						goto out;
					}
					cp = cp << 4 | (unsigned long)v;
				}
				if (!dynamic && (rc = put_utf8(h, &b, cp)))
					goto out;
				h->p = p + 2 + digits;
			}
			continue;
		}
		/* '$' or '%' */
		if (p + 2 < h->end && p[1] == *p && p[2] == '{') {
			/* $${ and %%{ are the literal ${ and %{ */
			if (!dynamic && (rc = sb_put(h, &b, p + 1, 2)))
				goto out;
			h->p = p + 3;
			continue;
		}
		if (p + 1 < h->end && p[1] == '{') {
			dynamic = true;
			h->p = p + 2;
			rc = *p == '$' ? interpolation(h) : skip_directive(h);
			if (rc)
				goto out;
			continue;
		}
		if (!dynamic && (rc = sb_put(h, &b, p, 1)))
			goto out;
		h->p = p + 1;
	}
	if (dynamic)
		rc = unresolved(h, start, h->last_end, line, col, out);
	else
		rc = str_node(h, b.p ? b.p : "", b.n, true, line, col, out);
	h->depth--;
out:
	free(b.p);
	return rc;
}

/* Leading blanks of a line (spaces and tabs, each one character). */
static size_t indent_of(const char *s, const char *e)
{
	size_t n = 0;

	while (s + n < e && (s[n] == ' ' || s[n] == '\t'))
		n++;
	return n;
}

/* A heredoc: the token ends at its marker; the content starts on the next line. */
static int parse_heredoc(struct hp *h, const struct tok *open, struct np_node **out)
{
	struct sbuf b = { NULL, 0, 0 };
	const char *body, *p, *stop = NULL, *after = NULL, *saved_end = h->end;
	int line = open->line, col = open->col;
	bool dynamic = false;
	size_t min_indent = SIZE_MAX;
	int rc = 0;

	if ((rc = enter(h, line, col)))
		goto out;
	p = h->p;
	if (p < h->end && *p == '\r')
		p++;
	body = p + 1; /* after the newline lex() checked */
	newline(h, body);
	/* Find the closing line: optional blanks, the marker, end of line. */
	for (p = body; p < h->end;) {
		const char *eol = memchr(p, '\n', (size_t)(h->end - p));
		const char *le = eol ? eol : h->end;
		const char *q = p + indent_of(p, le);
		const char *qe = le > q && le[-1] == '\r' ? le - 1 : le;

		if ((size_t)(qe - q) == open->mlen && memcmp(q, open->marker, open->mlen) == 0) {
			stop = p;
			after = qe;
			break;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	if (!stop) {
		rc = fail_pos(h, line, col, "unterminated heredoc: no line with its closing marker");
		goto out;
	}
	/* Scan the content as a template, bounded by the closing line. */
	h->end = stop;
	h->p = body;
	while (h->p < h->end) {
		const char *q = h->p;
		const char *run = q;

		while (q < h->end && *q != '\n' && *q != '$' && *q != '%')
			q++;
		if (!dynamic && (rc = sb_put(h, &b, run, (size_t)(q - run))))
			goto restore;
		h->p = q;
		if (q >= h->end)
			break;
		if (*q == '\n') {
			if (!dynamic && (rc = sb_put(h, &b, "\n", 1)))
				goto restore;
			newline(h, q + 1);
			h->p = q + 1;
			continue;
		}
		if (q + 2 < h->end && q[1] == *q && q[2] == '{') {
			if (!dynamic && (rc = sb_put(h, &b, q + 1, 2)))
				goto restore;
			h->p = q + 3;
			continue;
		}
		if (q + 1 < h->end && q[1] == '{') {
			dynamic = true;
			h->p = q + 2;
			rc = *q == '$' ? interpolation(h) : skip_directive(h);
			if (rc)
				goto restore;
			continue;
		}
		if (!dynamic && (rc = sb_put(h, &b, q, 1)))
			goto restore;
		h->p = q + 1;
	}
	if (h->have) {
		/* a token peeked past the content can only be the end of it */
		rc = fail_tok(h, &h->tok, "the end of the heredoc");
		goto restore;
	}
	h->end = saved_end;
	h->p = after;
	h->last_end = after;
	if (dynamic) {
		rc = unresolved(h, open->s, after, line, col, out);
	} else if (open->flush && b.n) {
		/* <<- strips the smallest indentation of the non-blank lines */
		struct sbuf o = { NULL, 0, 0 };
		const char *s = b.p, *e = b.p + b.n;

		for (p = s; p < e;) {
			const char *eol = memchr(p, '\n', (size_t)(e - p));
			const char *le = eol ? eol : e;
			size_t ind = indent_of(p, le);
			if (p + ind < le && ind < min_indent)
				min_indent = ind;
			p = eol ? eol + 1 : e;
		}
		if (min_indent == SIZE_MAX)
			min_indent = 0;
		for (p = s; p < e && !rc;) {
			const char *eol = memchr(p, '\n', (size_t)(e - p));
			const char *le = eol ? eol + 1 : e;
			size_t ind = indent_of(p, le);
			size_t cut = ind < min_indent ? ind : min_indent;
			rc = sb_put(h, &o, p + cut, (size_t)(le - p - cut));
			p = le;
		}
		if (!rc)
			rc = str_node(h, o.p ? o.p : "", o.n, true, line, col, out);
		free(o.p);
	} else {
		rc = str_node(h, b.p ? b.p : "", b.n, true, line, col, out);
	}
	h->depth--;
	goto out;
restore:
	h->end = saved_end;
out:
	free(b.p);
	return rc;
}

static int json_write(struct hp *h, struct sbuf *b, const struct np_node *n);

static int json_string(struct hp *h, struct sbuf *b, const char *s, size_t len)
{
	size_t i;
	int rc;

	if ((rc = sb_put(h, b, "\"", 1)))
		return rc;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		/* as Terraform (Go's encoding/json): short escapes, and <, >, &,
		 * U+2028 and U+2029 as \u sequences */
		if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : (char)c;
			rc = sb_put(h, b, esc, 2);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			rc = sb_put(h, b, esc, 6);
		} else if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			rc = sb_put(h, b, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			i += 2;
		} else {
			rc = sb_put(h, b, s + i, 1);
		}
		if (rc)
			return rc;
	}
	return sb_put(h, b, "\"", 1);
}

/* Terraform's jsonencode of a literal value (depth bounded by the tree's). */
static int json_write(struct hp *h, struct sbuf *b, const struct np_node *n)
{
	char num[32];
	size_t i;
	int rc = 0;

	switch (n->type) {
	case NP_NODE_NULL:
		return sb_put(h, b, "null", 4);
	case NP_NODE_BOOL:
		return n->u.b ? sb_put(h, b, "true", 4) : sb_put(h, b, "false", 5);
	case NP_NODE_INT:
		snprintf(num, sizeof(num), "%lld", (long long)n->u.i);
		return sb_put(h, b, num, strlen(num));
	case NP_NODE_FLOAT:
		return sb_put(h, b, n->u.str.s, n->u.str.len);
	case NP_NODE_STRING:
		return json_string(h, b, n->u.str.s, n->u.str.len);
	case NP_NODE_SEQ:
		rc = sb_put(h, b, "[", 1);
		for (i = 0; !rc && i < n->u.seq.n; i++) {
			if (i)
				rc = sb_put(h, b, ",", 1);
			if (!rc)
				rc = json_write(h, b, n->u.seq.items[i]);
		}
		return rc ? rc : sb_put(h, b, "]", 1);
	case NP_NODE_MAP:
		rc = sb_put(h, b, "{", 1);
		for (i = 0; !rc && i < n->u.map.n; i++) {
			const struct np_pair *pr = &n->u.map.pairs[i];
			if (i)
				rc = sb_put(h, b, ",", 1);
			if (!rc)
				rc = json_string(h, b, pr->key, pr->key_len);
			if (!rc)
				rc = sb_put(h, b, ":", 1);
			if (!rc)
				rc = json_write(h, b, pr->value);
		}
		return rc ? rc : sb_put(h, b, "}", 1);
	}
	return rc;
}

/* `for` expressions, after the `for` keyword: only their extent matters. */
static int skip_for(struct hp *h, bool object, int close)
{
	const struct tok *t;
	struct np_node *dummy;
	int rc;

	h->discard++;
	if ((rc = peek(h, &t)))
		return rc;
	if (t->t != TK_IDENT)
		return fail_tok(h, t, "a name after for");
	take(h);
	if ((rc = peek(h, &t)))
		return rc;
	if (is_punct(t, ',')) {
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
		if (t->t != TK_IDENT)
			return fail_tok(h, t, "a name");
		take(h);
		if ((rc = peek(h, &t)))
			return rc;
	}
	if (!is_ident(t, "in"))
		return fail_tok(h, t, "in");
	take(h);
	if ((rc = parse_expr(h, &dummy)) || (rc = expect(h, ':', "':' in the for expression")))
		return rc;
	if ((rc = parse_expr(h, &dummy)))
		return rc;
	if (object) {
		if ((rc = expect(h, P_ARROW, "'=>' in the for expression")) ||
		    (rc = parse_expr(h, &dummy)))
			return rc;
		if ((rc = peek(h, &t)))
			return rc;
		if (is_punct(t, P_ELLIPSIS))
			take(h);
	}
	if ((rc = peek(h, &t)))
		return rc;
	if (is_ident(t, "if")) {
		take(h);
		if ((rc = parse_expr(h, &dummy)))
			return rc;
		if ((rc = peek(h, &t)))
			return rc;
	}
	if (!is_punct(t, close))
		return fail_tok(h, t, close == ']' ? "]" : "}");
	h->discard--;
	return 0;
}

static int parse_tuple(struct hp *h, const struct tok *open, struct np_node **out)
{
	struct vec items = { NULL, 0, 0, sizeof(struct np_node *) };
	const char *start = open->s;
	int line = open->line, col = open->col;
	const struct tok *t;
	int rc;

	h->nl_skip++;
	if ((rc = peek(h, &t)))
		goto out;
	if (is_ident(t, "for")) {
		take(h);
		if ((rc = skip_for(h, false, ']')))
			goto out;
		h->nl_skip--;
		take(h);
		rc = unresolved(h, start, h->last_end, line, col, out);
		goto out;
	}
	for (;;) {
		struct np_node *item;

		if ((rc = peek(h, &t)))
			goto out;
		if (is_punct(t, ']'))
			break;
		if ((rc = parse_expr(h, &item)) || (rc = vec_push(h, &items, &item)))
			goto out;
		if ((rc = peek(h, &t)))
			goto out;
		if (is_punct(t, ',')) {
			take(h);
			continue;
		}
		if (!is_punct(t, ']')) {
			rc = fail_tok(h, t, "',' or ']'");
			goto out;
		}
	}
	h->nl_skip--;
	take(h);
	if ((rc = new_node(h, NP_NODE_SEQ, line, col, out)))
		goto out;
	(*out)->u.seq.n = items.n;
	(*out)->u.seq.items = vec_finish(h, &items, &rc);
out:
	free(items.v);
	return rc;
}

/* An identifier as written: a bare object key or block type. */
static bool bare_name(const struct np_node *key, const char *s, const char *e)
{
	const char *p;

	if (!key || key->type != NP_NODE_STRING || key->quoted || s >= e)
		return false;
	if (!id_start((unsigned char)*s))
		return false;
	for (p = s; p < e; p++)
		if (!id_char((unsigned char)*p))
			return false;
	return true;
}

static int parse_object(struct hp *h, const struct tok *open, struct np_node **out)
{
	struct vec pairs = { NULL, 0, 0, sizeof(struct np_pair) };
	const char *start = open->s;
	int line = open->line, col = open->col;
	int saved_nl = h->nl_skip;
	bool computed = false;
	const struct tok *t;
	int rc;

	h->nl_skip = 0;
	for (;;) {
		struct np_pair pr;
		struct np_node *key;
		const char *ks;
		int kline, kcol;

		if ((rc = peek(h, &t)))
			goto out;
		if (t->t == TK_NL) {
			take(h);
			continue;
		}
		if (is_punct(t, '}'))
			break;
		if (is_ident(t, "for") && pairs.n == 0) {
			take(h);
			h->nl_skip = 1;
			if ((rc = skip_for(h, true, '}')))
				goto out;
			h->nl_skip = saved_nl;
			take(h);
			rc = unresolved(h, start, h->last_end, line, col, out);
			goto out;
		}
		ks = t->s;
		kline = t->line;
		kcol = t->col;
		if ((rc = parse_expr(h, &key)))
			goto out;
		memset(&pr, 0, sizeof(pr));
		pr.key_line = kline;
		pr.key_column = kcol;
		if (key->type == NP_NODE_STRING && key->quoted) {
			pr.key = key->u.str.s;
			pr.key_len = key->u.str.len;
		} else if (bare_name(key, ks, h->last_end)) {
			pr.key_len = (size_t)(h->last_end - ks);
			pr.key = np_arena_strndup(&h->arena, ks, pr.key_len);
			if (!pr.key) {
				rc = fail_nomem(h);
				goto out;
			}
		} else {
			computed = true;
			pr.key = "";
		}
		if ((rc = peek(h, &t)))
			goto out;
		if (!is_punct(t, '=') && !is_punct(t, ':')) {
			rc = fail_tok(h, t, "'=' or ':' after the object key");
			goto out;
		}
		take(h);
		if ((rc = parse_expr(h, &pr.value)) || (rc = vec_push(h, &pairs, &pr)))
			goto out;
		if ((rc = peek(h, &t)))
			goto out;
		if (is_punct(t, ',') || t->t == TK_NL) {
			take(h);
			continue;
		}
		if (!is_punct(t, '}')) {
			rc = fail_tok(h, t, "',', a newline or '}'");
			goto out;
		}
	}
	h->nl_skip = saved_nl;
	take(h);
	if (computed) {
		rc = unresolved(h, start, h->last_end, line, col, out);
		goto out;
	}
	if ((rc = new_node(h, NP_NODE_MAP, line, col, out)))
		goto out;
	(*out)->u.map.n = pairs.n;
	(*out)->u.map.pairs = vec_finish(h, &pairs, &rc);
out:
	free(pairs.v);
	return rc;
}

/* A function call after its name and '(' (taken). */
static int parse_call(struct hp *h, const struct tok *name, const char *start, int line, int col,
		      struct np_node **out)
{
	struct np_node *args[2] = { NULL, NULL };
	size_t nargs = 0;
	bool spread = false;
	const struct tok *t;
	int rc;

	/* every call but jsonencode of literals is unresolved, and that one
	 * needs no text of its argument's parts either */
	h->nl_skip++;
	h->discard++;
	for (;;) {
		struct np_node *a;

		if ((rc = peek(h, &t)))
			return rc;
		if (is_punct(t, ')'))
			break;
		if ((rc = parse_expr(h, &a)))
			return rc;
		if (nargs < 2)
			args[nargs] = a;
		nargs++;
		if ((rc = peek(h, &t)))
			return rc;
		if (is_punct(t, P_ELLIPSIS)) {
			spread = true;
			take(h);
			if ((rc = peek(h, &t)))
				return rc;
		}
		if (is_punct(t, ',')) {
			take(h);
			continue;
		}
		if (!is_punct(t, ')'))
			return fail_tok(h, t, "',' or ')'");
	}
	h->nl_skip--;
	h->discard--;
	take(h);
	if (nargs == 1 && !spread && (size_t)(name->e - name->s) == 10 &&
	    memcmp(name->s, "jsonencode", 10) == 0 && is_literal(args[0])) {
		struct sbuf b = { NULL, 0, 0 };

		rc = json_write(h, &b, args[0]);
		if (!rc)
			rc = str_node(h, b.p ? b.p : "", b.n, true, line, col, out);
		free(b.p);
		return rc;
	}
	return unresolved(h, start, h->last_end, line, col, out);
}

static int parse_term(struct hp *h, struct np_node **out)
{
	const struct tok *t;
	struct tok open;
	int rc;

	if ((rc = peek(h, &t)))
		return rc;
	open = *t;
	switch (t->t) {
	case TK_NUMBER: {
		size_t len = (size_t)(t->e - t->s);
		bool integer = true;
		size_t i;

		take(h);
		for (i = 0; i < len; i++)
			if (!is_digit((unsigned char)open.s[i]))
				integer = false;
		if (integer && len <= 19) {
			long long v = 0;
			bool fits = true;

			for (i = 0; i < len && fits; i++) {
				int d = open.s[i] - '0';
				if (v > (LLONG_MAX - d) / 10)
					fits = false;
				else
					v = v * 10 + d;
			}
			if (fits) {
				if ((rc = new_node(h, NP_NODE_INT, open.line, open.col, out)))
					return rc;
				(*out)->u.i = v;
				return 0;
			}
		}
		if ((rc = str_node(h, open.s, len, true, open.line, open.col, out)))
			return rc;
		(*out)->type = NP_NODE_FLOAT;
		(*out)->quoted = false;
		return 0;
	}
	case TK_QUOTE:
		take(h);
		return parse_quoted(h, &open, out);
	case TK_HEREDOC:
		take(h);
		return parse_heredoc(h, &open, out);
	case TK_IDENT:
		take(h);
		if (is_ident(&open, "true") || is_ident(&open, "false")) {
			if ((rc = new_node(h, NP_NODE_BOOL, open.line, open.col, out)))
				return rc;
			(*out)->u.b = open.s[0] == 't';
			return 0;
		}
		if (is_ident(&open, "null"))
			return new_node(h, NP_NODE_NULL, open.line, open.col, out);
		if ((rc = peek(h, &t)))
			return rc;
		/* provider::name::function( */
		while (is_punct(t, P_DCOLON)) {
			take(h);
			if ((rc = peek(h, &t)))
				return rc;
			if (t->t != TK_IDENT)
				return fail_tok(h, t, "a function name after ::");
			open.e = t->e;
			take(h);
			if ((rc = peek(h, &t)))
				return rc;
		}
		if (is_punct(t, '(')) {
			take(h);
			return parse_call(h, &open, open.s, open.line, open.col, out);
		}
		return unresolved(h, open.s, open.e, open.line, open.col, out);
	case TK_PUNCT:
		if (t->punct == '[') {
			take(h);
			return parse_tuple(h, &open, out);
		}
		if (t->punct == '{') {
			take(h);
			return parse_object(h, &open, out);
		}
		if (t->punct == '(') {
			struct np_node *inner;

			take(h);
			h->nl_skip++;
			h->discard++;
			rc = parse_expr(h, &inner);
			h->discard--;
			if (rc)
				return rc;
			if ((rc = peek(h, &t)))
				return rc;
			if (!is_punct(t, ')'))
				return fail_tok(h, t, "')'");
			h->nl_skip--;
			take(h);
			/* a parenthesised literal is that literal */
			if (is_literal(inner)) {
				*out = inner;
				return 0;
			}
			return unresolved(h, open.s, h->last_end, open.line, open.col, out);
		}
		break;
	default:
		break;
	}
	return fail_tok(h, t, "an expression");
}

/* Traversals, indexes and splats after a term: all unresolved. */
static int parse_postfix(struct hp *h, struct np_node **out)
{
	const struct tok *t;
	const char *start;
	int line, col, rc;
	bool more = false;

	if ((rc = peek(h, &t)))
		return rc;
	start = t->s;
	line = t->line;
	col = t->col;
	if ((rc = parse_term(h, out)))
		return rc;
	for (;;) {
		if ((rc = peek(h, &t)))
			return rc;
		if (is_punct(t, '.')) {
			take(h);
			if ((rc = peek(h, &t)))
				return rc;
			if (t->t != TK_IDENT && t->t != TK_NUMBER && !is_punct(t, '*'))
				return fail_tok(h, t, "an attribute name after '.'");
			take(h);
			more = true;
		} else if (is_punct(t, '[')) {
			struct np_node *idx;

			take(h);
			h->nl_skip++;
			if ((rc = peek(h, &t)))
				return rc;
			if (is_punct(t, '*')) {
				take(h);
			} else {
				h->discard++;
				rc = parse_expr(h, &idx);
				h->discard--;
				if (rc)
					return rc;
			}
			if ((rc = peek(h, &t)))
				return rc;
			if (!is_punct(t, ']'))
				return fail_tok(h, t, "']'");
			h->nl_skip--;
			take(h);
			more = true;
		} else {
			break;
		}
	}
	if (more)
		return unresolved(h, start, h->last_end, line, col, out);
	return 0;
}

static int parse_unary(struct hp *h, struct np_node **out)
{
	const struct tok *t;
	struct tok op;
	int rc;

	if ((rc = peek(h, &t)))
		return rc;
	if (!is_punct(t, '-') && !is_punct(t, '!'))
		return parse_postfix(h, out);
	op = *t;
	take(h);
	if ((rc = enter(h, op.line, op.col)))
		return rc;
	h->discard++;
	rc = parse_unary(h, out);
	h->discard--;
	if (rc)
		return rc;
	h->depth--;
	if (op.punct == '-' && (*out)->type == NP_NODE_INT && (*out)->u.i >= 0) {
		(*out)->u.i = -(*out)->u.i;
		(*out)->line = op.line;
		(*out)->column = op.col;
		return 0;
	}
	if (op.punct == '-' && (*out)->type == NP_NODE_FLOAT && (*out)->u.str.s[0] != '-') {
		struct sbuf b = { NULL, 0, 0 };

		rc = sb_put(h, &b, "-", 1);
		if (!rc)
			rc = sb_put(h, &b, (*out)->u.str.s, (*out)->u.str.len);
		if (!rc)
			rc = str_node(h, b.p, b.n, false, op.line, op.col, out);
		if (!rc)
			(*out)->type = NP_NODE_FLOAT;
		free(b.p);
		return rc;
	}
	return unresolved(h, op.s, h->last_end, op.line, op.col, out);
}

static int binop_prec(const struct tok *t)
{
	if (t->t != TK_PUNCT)
		return 0;
	switch (t->punct) {
	case P_OR: return 1;
	case P_AND: return 2;
	case P_EQEQ: case P_NE: return 3;
	case '<': case '>': case P_LE: case P_GE: return 4;
	case '+': case '-': return 5;
	case '*': case '/': case '%': return 6;
	default: return 0;
	}
}

static int parse_binary(struct hp *h, int min_prec, struct np_node **out)
{
	const struct tok *t;
	const char *start;
	int line, col, rc;
	bool op_seen = false;

	if ((rc = peek(h, &t)))
		return rc;
	start = t->s;
	line = t->line;
	col = t->col;
	if ((rc = enter(h, line, col)))
		return rc;
	if ((rc = parse_unary(h, out)))
		return rc;
	for (;;) {
		struct np_node *rhs;
		int prec;

		if ((rc = peek(h, &t)))
			return rc;
		prec = binop_prec(t);
		if (!prec || prec < min_prec)
			break;
		take(h);
		h->discard++;
		rc = parse_binary(h, prec + 1, &rhs);
		h->discard--;
		if (rc)
			return rc;
		op_seen = true;
	}
	h->depth--;
	if (op_seen)
		return unresolved(h, start, h->last_end, line, col, out);
	return 0;
}

static int parse_expr(struct hp *h, struct np_node **out)
{
	const struct tok *t;
	struct np_node *dummy;
	const char *start;
	int line, col, rc;

	if ((rc = peek(h, &t)))
		return rc;
	start = t->s;
	line = t->line;
	col = t->col;
	if ((rc = enter(h, line, col)))
		return rc;
	if ((rc = parse_binary(h, 1, out)))
		return rc;
	if ((rc = peek(h, &t)))
		return rc;
	if (is_punct(t, '?')) {
		take(h);
		h->nl_skip++;
		h->discard++;
		if ((rc = parse_expr(h, &dummy)) || (rc = expect(h, ':', "':' in the conditional")))
			return rc;
		h->nl_skip--;
		rc = parse_expr(h, &dummy);
		h->discard--;
		if (rc)
			return rc;
		rc = unresolved(h, start, h->last_end, line, col, out);
	}
	h->depth--;
	return rc;
}

/* ------------------------------------------------------------ bodies */

static int parse_body(struct hp *h, bool top, const struct tok *open, struct np_node **out);

/* A block after its type name: labels, '{', body, '}'. */
static int parse_block(struct hp *h, const struct tok *type, struct np_node **out)
{
	struct vec labels = { NULL, 0, 0, sizeof(struct np_pair) };
	const struct tok *t;
	struct tok open;
	struct np_node *body;
	size_t i;
	int rc;

	for (;;) {
		struct np_pair pr;
		struct np_node *label;

		if ((rc = peek(h, &t)))
			goto out;
		memset(&pr, 0, sizeof(pr));
		pr.key_line = t->line;
		pr.key_column = t->col;
		if (t->t == TK_IDENT) {
			take(h);
			pr.key = np_arena_strndup(&h->arena, h->tok.s, (size_t)(h->tok.e - h->tok.s));
			if (!pr.key) {
				rc = fail_nomem(h);
				goto out;
			}
			pr.key_len = (size_t)(h->tok.e - h->tok.s);
		} else if (t->t == TK_QUOTE) {
			open = *t;
			take(h);
			if ((rc = parse_quoted(h, &open, &label)))
				goto out;
			if (!label->quoted) {
				rc = fail_pos(h, open.line, open.col,
					      "block labels must be literal strings");
				goto out;
			}
			pr.key = label->u.str.s;
			pr.key_len = label->u.str.len;
		} else {
			break;
		}
		if ((rc = vec_push(h, &labels, &pr)))
			goto out;
	}
	if (!is_punct(t, '{')) {
		rc = fail_tok(h, t, "'=' or a block");
		goto out;
	}
	open = *t;
	take(h);
	if ((rc = parse_body(h, false, &open, &body)))
		goto out;
	body->line = type->line;
	body->column = type->col;
	/* Wrap the body in one single-pair map per label, innermost first. */
	for (i = labels.n; i-- > 0;) {
		struct np_pair *pr = np_arena_alloc(&h->arena, sizeof(*pr));
		struct np_node *m;

		if (!pr) {
			rc = fail_nomem(h);
			goto out;
		}
		*pr = ((struct np_pair *)labels.v)[i];
		pr->value = body;
		if ((rc = new_node(h, NP_NODE_MAP, type->line, type->col, &m)))
			goto out;
		m->u.map.pairs = pr;
		m->u.map.n = 1;
		body = m;
	}
	*out = body;
out:
	free(labels.v);
	return rc;
}

static int parse_body(struct hp *h, bool top, const struct tok *open, struct np_node **out)
{
	struct vec pairs = { NULL, 0, 0, sizeof(struct np_pair) };
	int saved_nl = h->nl_skip;
	int line = open ? open->line : 1, col = open ? open->col : 1;
	const struct tok *t;
	int rc;

	if ((rc = enter(h, line, col)))
		goto out;
	h->nl_skip = 0;
	for (;;) {
		struct np_pair pr;
		struct tok name;

		if ((rc = peek(h, &t)))
			goto out;
		if (t->t == TK_NL) {
			take(h);
			continue;
		}
		if (t->t == TK_EOF) {
			if (!top) {
				rc = fail_pos(h, line, col, "unclosed block: no '}' for this '{'");
				goto out;
			}
			break;
		}
		if (is_punct(t, '}') && !top) {
			take(h);
			break;
		}
		if (t->t != TK_IDENT) {
			rc = fail_tok(h, t, "an attribute or a block");
			goto out;
		}
		name = *t;
		take(h);
		memset(&pr, 0, sizeof(pr));
		pr.key = np_arena_strndup(&h->arena, name.s, (size_t)(name.e - name.s));
		if (!pr.key) {
			rc = fail_nomem(h);
			goto out;
		}
		pr.key_len = (size_t)(name.e - name.s);
		pr.key_line = name.line;
		pr.key_column = name.col;
		if ((rc = peek(h, &t)))
			goto out;
		if (is_punct(t, '=')) {
			take(h);
			rc = parse_expr(h, &pr.value);
		} else {
			rc = parse_block(h, &name, &pr.value);
		}
		if (rc || (rc = vec_push(h, &pairs, &pr)))
			goto out;
		/* An item ends at a newline, the end, or the '}' of a one-line block. */
		if ((rc = peek(h, &t)))
			goto out;
		if (t->t == TK_NL)
			take(h);
		else if (t->t != TK_EOF && !(is_punct(t, '}') && !top)) {
			rc = fail_tok(h, t, "a newline after the attribute or block");
			goto out;
		}
	}
	h->nl_skip = saved_nl;
	h->depth--;
	if ((rc = new_node(h, NP_NODE_MAP, line, col, out)))
		goto out;
	(*out)->u.map.n = pairs.n;
	(*out)->u.map.pairs = vec_finish(h, &pairs, &rc);
out:
	free(pairs.v);
	return rc;
}

/* Length of the valid UTF-8 sequence at p (1 for ASCII), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t avail = (size_t)(end - p);

	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return avail >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return avail >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
		       (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

static int check_text(struct hp *h)
{
	const unsigned char *p = (const unsigned char *)h->p, *end = (const unsigned char *)h->end;

	while (p < end) {
		size_t n = utf8_len(p, end);

		if (n == 0) {
			h->p = (const char *)p;
			return fail_at(h, h->p, *p ? "invalid UTF-8" : "NUL byte in text");
		}
		if (*p == '\n')
			newline(h, (const char *)p + 1);
		p += n;
	}
	h->p = h->buf;
	h->line = 1;
	h->line_start = h->buf;
	h->cbase = h->buf;
	h->ccol = 0;
	return 0;
}

int np_hcl_decode(const char *buf, size_t len, const char *name,
		  const struct np_decode_limits *limits, np_doc_fn fn, void *ctx,
		  struct np_error *err)
{
	struct np_decode_limits dflt;
	struct np_node *root = NULL;
	struct hp h;
	int rc;

	if (!limits) {
		np_decode_limits_default(&dflt);
		limits = &dflt;
	}
	memset(&h, 0, sizeof(h));
	h.buf = h.p = buf ? buf : "";
	h.end = h.buf + (buf ? len : 0);
	h.name = name;
	h.lim = limits;
	h.err = err;
	h.line = 1;
	h.line_start = h.cbase = h.buf;
	np_arena_init(&h.arena);
	if (len > limits->max_doc_bytes) {
		rc = fail_limit(&h, 1, 1, "document size in bytes", "document-bytes",
				limits->max_doc_bytes);
		goto out;
	}
	if (len >= 3 && memcmp(h.p, "\xEF\xBB\xBF", 3) == 0)
		h.buf = h.p = h.line_start = h.cbase = h.p + 3;
	if ((rc = check_text(&h)))
		goto out;
	if ((rc = parse_body(&h, true, NULL, &root)))
		goto out;
	rc = fn ? fn(ctx, root, 0) : 0;
out:
	np_arena_release(&h.arena);
	return rc;
}
