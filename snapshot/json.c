/* JSON decoder (RFC 8259) into np_node trees with the line and column of
 * every value and key.
 *
 * Single pass, iterative (an explicit frame stack, so nesting depth costs no
 * C stack and is bounded by limits->max_depth), nodes and strings allocated in
 * one arena per document, reset between documents. Container children are
 * collected on a scratch stack and copied into an exact-size arena array when
 * the container closes, so nothing is malloc'ed per node.
 *
 * Behaviour worth knowing:
 * - a UTF-8 byte order mark at the start is skipped;
 * - a stream of several top-level values (concatenated or separated by
 *   whitespace) is several documents; an input of only whitespace has none;
 * - strings may contain U+0000 from "\u0000": the bytes are kept and
 *   str.len / key_len count them, so NUL-terminated use sees a shorter string
 *   (consumers that care compare len with strlen);
 * - lone UTF-16 surrogates in \u escapes become U+FFFD; invalid UTF-8 and raw
 *   control characters in strings are parse errors;
 * - integers that fit int64 are NP_NODE_INT, every other number is
 *   NP_NODE_FLOAT with its text;
 * - columns count characters (not bytes) from 1, like libyaml's marks;
 * - duplicate keys are all kept; np_node_get returns the last one;
 * - strings have quoted = true, like quoted YAML scalars.
 *
 * Streaming (np_json_decode_ex, DESIGN §7): the elements of a top-level
 * array, or of the first "items" array of a top-level object, can be handed
 * to a callback one at a time, each parsed into a scratch arena that is reset
 * after it, so a 20,000-pod List never exists as one tree. Subtrees no
 * decoder reads (skip.h) can be parsed without being built: the same loop
 * runs with "virtual" nodes (counted and checked as usual, so errors and
 * limits are exactly those of a full parse) and an empty container stands
 * for the subtree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/node.h"
#include "skip.h"

#define NO_STREAM SIZE_MAX

struct frame {
	struct np_node *node; /* NULL inside a skipped subtree */
	size_t base;          /* first index on the items or pairs stack */
	unsigned char type;   /* NP_NODE_MAP or NP_NODE_SEQ */
	unsigned char state;  /* skip.h state of this container */
};

struct jp {
	const unsigned char *buf, *p, *end;
	const char *name;
	const struct np_decode_limits *lim;
	struct np_error *err;
	struct np_arena arena;      /* the document */
	struct np_arena item_arena; /* one streamed element at a time */
	struct np_arena *cur;       /* where nodes go now */

	int line;
	const unsigned char *line_start;
	const unsigned char *cbase; /* column cache: ccol characters before cbase on its line */
	int ccol;

	/* Limits count from doc_start, minus the bytes of streamed elements. */
	const unsigned char *doc_start;
	size_t excluded;
	size_t nodes;

	struct frame *frames;
	size_t nframes, cap_frames;
	struct np_node **items;
	size_t nitems, cap_items;
	struct np_pair *pairs;
	size_t npairs, cap_pairs;

	/* Skipping: frames at index >= skip_from - 1 hold virtual nodes (0 = none). */
	size_t skip_from;
	unsigned char key_state;    /* state of the value of the key just read */
	int skip;                   /* opts->skip_unread */

	/* Streaming. */
	np_item_fn item_fn;
	void *item_ctx;
	int doc_index;
	size_t stream;              /* frame index of the streamed array, or NO_STREAM */
	int streamed;               /* this document already streamed an array */
	size_t stream_pairs;        /* pairs of the object before "items" */
	size_t item_index;
	const unsigned char *stream_open;
	const unsigned char *saved_doc_start;
	size_t saved_excluded, saved_nodes;
};

/* 1 for bytes that can appear in a string without a closer look. */
static const unsigned char plain_byte[256] = {
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
	R16(0), R16(0),                                   /* 0x00-0x1f */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x20-0x2f: '"' */
	R16(1), R16(1),                                   /* 0x30-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* 0x50-0x5f: '\\' */
	R16(1), R16(1),                                   /* 0x60-0x7f */
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0),
#undef R16
#undef R4
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* Non-zero when one of the 8 bytes is '"', '\\', a control character or
 * non-ASCII: the string scan then looks at bytes one by one. */
static inline uint64_t special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	/* "has a byte below n" and "has a zero byte" are exact when only asked
	 * whether any byte matches. */
	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | w) & HIGHS;
}

static int column_at(struct jp *j, const unsigned char *pos)
{
	const unsigned char *q;

	if (j->cbase < j->line_start || j->cbase > pos) {
		j->cbase = j->line_start;
		j->ccol = 0;
	}
	for (q = j->cbase; q < pos; q++)
		if ((*q & 0xc0) != 0x80 && j->ccol < INT32_MAX - 1)
			j->ccol++;
	j->cbase = pos;
	return j->ccol + 1;
}

static int fail_at(struct jp *j, const unsigned char *pos, const char *msg)
{
	return np_error_setat(j->err, NP_EPARSE, j->name, NULL, j->line, column_at(j, pos), "%s",
			      msg);
}

static int fail_eof(struct jp *j, const char *what)
{
	return np_error_setat(j->err, NP_EPARSE, j->name, NULL, j->line, column_at(j, j->end),
			      "unexpected end of input, %s", what);
}

static int fail_limit(struct jp *j, const unsigned char *pos, const char *what,
		      const char *limit, size_t value)
{
	return np_error_setat(j->err, NP_ELIMIT, j->name, NULL, j->line, column_at(j, pos),
			      "%s exceeds limit %s=%zu (raise it with --limit %s=VALUE)", what,
			      limit, value, limit);
}

static int fail_nomem(struct jp *j)
{
	return np_error_set(j->err, NP_ENOMEM, "%s: out of memory decoding JSON",
			    j->name ? j->name : "input");
}

/* Bytes of the document (or streamed element) up to pos. */
static inline size_t doc_bytes(const struct jp *j, const unsigned char *pos)
{
	return (size_t)(pos - j->doc_start) - j->excluded;
}

static inline void skip_ws(struct jp *j)
{
	const unsigned char *p = j->p, *end = j->end;

	while (p < end) {
		unsigned c = *p;

		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
		} else if (c == '\n') {
			p++;
			if (j->line < INT32_MAX)
				j->line++;
			j->line_start = p;
			/* Indentation: whole words of spaces, and the column cache
			 * starts after them (spaces are one character each). */
			while (end - p >= 8 && load8(p) == ONES * ' ')
				p += 8;
			while (p < end && *p == ' ')
				p++;
			j->cbase = p;
			j->ccol = (int)(p - j->line_start < INT32_MAX - 1 ? p - j->line_start
									 : INT32_MAX - 1);
		} else {
			break;
		}
	}
	j->p = p;
}

/* Counts a node at pos against the limits (built or virtual). */
static int count_node(struct jp *j, const unsigned char *pos)
{
	if (++j->nodes > j->lim->max_nodes)
		return fail_limit(j, pos, "number of nodes in the document", "nodes",
				  j->lim->max_nodes);
	if (doc_bytes(j, pos) > j->lim->max_doc_bytes)
		return fail_limit(j, pos, "document size in bytes", "document-bytes",
				  j->lim->max_doc_bytes);
	return 0;
}

static int new_node(struct jp *j, enum np_node_type t, const unsigned char *pos,
		    struct np_node **out)
{
	struct np_node *n;
	int rc = count_node(j, pos);

	if (rc)
		return rc;
	n = np_arena_alloc(j->cur, sizeof(*n));
	if (!n)
		return fail_nomem(j);
	n->type = t;
	n->line = j->line;
	n->column = column_at(j, pos);
	*out = n;
	return 0;
}

static inline int skipping(const struct jp *j)
{
	return j->skip_from && j->nframes >= j->skip_from;
}

/* Length of the valid multi-byte UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t avail = (size_t)(end - p);

	if (c >= 0xc2 && c <= 0xdf) {
		return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	} else if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return avail >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	} else if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return avail >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
		       (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

static int hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	return -1;
}

static unsigned hex4(const unsigned char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 |
			  hexval(p[3]));
}

static size_t put_utf8(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes the escapes of a validated string body; out has room for n + 1. */
static size_t unescape(unsigned char *o, const unsigned char *s, size_t n)
{
	const unsigned char *end = s + n;
	unsigned char *start = o;

	while (s < end) {
		unsigned cp;

		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		default: /* 'u', validated by the scan */
			cp = hex4(s);
			s += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - s >= 6 && s[0] == '\\' && s[1] == 'u') {
					unsigned lo = hex4(s + 2);

					if (lo >= 0xdc00 && lo <= 0xdfff) {
						cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
						s += 6;
					} else {
						cp = 0xfffd;
					}
				} else {
					cp = 0xfffd;
				}
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			o += put_utf8(o, cp);
			break;
		}
	}
	*o = '\0';
	return (size_t)(o - start);
}

/* j->p is at the opening quote; on success j->p is past the closing one.
 * build = 0 checks the string without keeping it (out may be NULL). */
static int parse_string(struct jp *j, int build, const char **out, size_t *out_len)
{
	const unsigned char *s = j->p + 1, *q = s, *end = j->end;
	int escaped = 0;
	size_t n;
	unsigned char *o;

	for (;;) {
		unsigned c;

		while (end - q >= 8 && !special8(load8(q)))
			q += 8;
		while (q < end && plain_byte[*q])
			q++;
		if (q >= end)
			return fail_eof(j, "expected '\"' to end the string");
		c = *q;
		if (c == '"')
			break;
		if (c == '\\') {
			escaped = 1;
			if (end - q < 2)
				return fail_eof(j, "expected an escape sequence");
			switch (q[1]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
			case 't':
				q += 2;
				break;
			case 'u':
				if (end - q < 6) {
					int k;

					for (k = 2; q + k < end; k++)
						if (hexval(q[k]) < 0)
							return fail_at(j, q, "invalid \\u escape: expected 4 hex digits");
					return fail_eof(j, "expected 4 hex digits in a \\u escape");
				}
				if (hexval(q[2]) < 0 || hexval(q[3]) < 0 || hexval(q[4]) < 0 ||
				    hexval(q[5]) < 0)
					return fail_at(j, q, "invalid \\u escape: expected 4 hex digits");
				q += 6;
				break;
			default:
				return fail_at(j, q, "invalid escape sequence in string");
			}
			continue;
		}
		if (c < 0x20)
			return fail_at(j, q, "control character in string (must be escaped)");
		n = utf8_len(q, end);
		if (!n)
			return fail_at(j, q, "invalid UTF-8 in string");
		q += n;
	}
	n = (size_t)(q - s);
	if (n > j->lim->max_scalar_bytes)
		return fail_limit(j, j->p, "string size in bytes", "scalar-bytes",
				  j->lim->max_scalar_bytes);
	if (doc_bytes(j, q) > j->lim->max_doc_bytes)
		return fail_limit(j, j->p, "document size in bytes", "document-bytes",
				  j->lim->max_doc_bytes);
	if (!build) {
		/* nothing kept */
	} else if (!escaped) {
		char *c = np_arena_strndup(j->cur, (const char *)s, n);

		if (!c)
			return fail_nomem(j);
		*out = c;
		*out_len = n;
	} else {
		o = np_arena_alloc(j->cur, n + 1);
		if (!o)
			return fail_nomem(j);
		*out_len = unescape(o, s, n);
		*out = (const char *)o;
	}
	j->p = q + 1;
	return 0;
}

static int is_word_byte(unsigned c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '.' ||
	       c == '-' || c == '+' || c == '_';
}

/* build = 0: checked and counted, *out left NULL. */
static int parse_number(struct jp *j, int build, struct np_node **out)
{
	const unsigned char *start = j->p, *p = j->p, *end = j->end;
	int neg = 0, integer = 1;
	struct np_node *n;
	int rc;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return p >= end ? fail_eof(j, "expected a digit") : fail_at(j, p, "invalid number: expected a digit");
	if (*p == '0') {
		p++;
	} else {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && *p == '.') {
		integer = 0;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return p >= end ? fail_eof(j, "expected a digit after '.'") : fail_at(j, p, "invalid number: expected a digit after '.'");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		integer = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return p >= end ? fail_eof(j, "expected a digit in the exponent") : fail_at(j, p, "invalid number: expected a digit in the exponent");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && is_word_byte(*p))
		return fail_at(j, p, "invalid number");
	if ((size_t)(p - start) > j->lim->max_scalar_bytes)
		return fail_limit(j, start, "number size in bytes", "scalar-bytes",
				  j->lim->max_scalar_bytes);
	if (!build) {
		rc = count_node(j, start);
		if (rc)
			return rc;
		j->p = p;
		*out = NULL;
		return 0;
	}
	rc = new_node(j, NP_NODE_INT, start, &n);
	if (rc)
		return rc;
	if (integer) {
		const unsigned char *d = start + neg;
		uint64_t v = 0;
		int overflow = 0;

		for (; d < p; d++) {
			unsigned dig = (unsigned)(*d - '0');

			if (v > (UINT64_MAX - dig) / 10) {
				overflow = 1;
				break;
			}
			v = v * 10 + dig;
		}
		if (!overflow && !neg && v <= (uint64_t)INT64_MAX) {
			n->u.i = (int64_t)v;
		} else if (!overflow && neg && v <= (uint64_t)INT64_MAX) {
			n->u.i = -(int64_t)v;
		} else if (!overflow && neg && v == (uint64_t)INT64_MAX + 1) {
			n->u.i = INT64_MIN;
		} else {
			integer = 0;
		}
	}
	if (!integer) {
		char *t = np_arena_strndup(j->cur, (const char *)start, (size_t)(p - start));

		if (!t)
			return fail_nomem(j);
		n->type = NP_NODE_FLOAT;
		n->u.str.s = t;
		n->u.str.len = (size_t)(p - start);
	}
	j->p = p;
	*out = n;
	return 0;
}

static int parse_literal(struct jp *j, int build, struct np_node **out)
{
	const unsigned char *p = j->p;
	size_t avail = (size_t)(j->end - p);
	struct np_node *n = NULL;
	enum np_node_type t;
	size_t len;
	int rc;

	if (avail >= 4 && memcmp(p, "true", 4) == 0) {
		t = NP_NODE_BOOL;
		len = 4;
	} else if (avail >= 5 && memcmp(p, "false", 5) == 0) {
		t = NP_NODE_BOOL;
		len = 5;
	} else if (avail >= 4 && memcmp(p, "null", 4) == 0) {
		t = NP_NODE_NULL;
		len = 4;
	} else {
		return fail_at(j, p, "invalid literal (expected true, false or null)");
	}
	rc = build ? new_node(j, t, p, &n) : count_node(j, p);
	if (rc)
		return rc;
	if (n && len == 4 && t == NP_NODE_BOOL)
		n->u.b = true;
	p += len;
	if (p < j->end && is_word_byte(*p))
		return fail_at(j, j->p, "invalid literal (expected true, false or null)");
	j->p = p;
	*out = n;
	return 0;
}

static int grow_array(void **arr, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *a;

	if (ncap < *cap || ncap > SIZE_MAX / elem)
		return -1;
	a = realloc(*arr, ncap * elem);
	if (!a)
		return -1;
	*arr = a;
	*cap = ncap;
	return 0;
}

/* virt: inside a skipped subtree (counted and checked, not built). */
static int open_container(struct jp *j, enum np_node_type t, unsigned char state, int virt,
			  struct np_node **out)
{
	struct np_node *n = NULL;
	struct frame *f;
	int rc;

	if (j->nframes >= j->lim->max_depth)
		return fail_limit(j, j->p, "nesting depth", "depth", j->lim->max_depth);
	rc = virt ? count_node(j, j->p) : new_node(j, t, j->p, &n);
	if (rc)
		return rc;
	if (j->nframes == j->cap_frames &&
	    grow_array((void **)&j->frames, &j->cap_frames, sizeof(*j->frames)) < 0)
		return fail_nomem(j);
	f = &j->frames[j->nframes++];
	f->node = n;
	f->type = (unsigned char)t;
	f->state = state;
	f->base = t == NP_NODE_MAP ? j->npairs : j->nitems;
	j->p++;
	*out = n;
	return 0;
}

/* The elements of the array just opened go to the item callback. */
static void start_stream(struct jp *j)
{
	j->stream = j->nframes - 1;
	j->streamed = 1;
	j->stream_pairs = j->nframes == 2 ? j->npairs - 1 - j->frames[0].base : 0;
	j->item_index = 0;
	j->stream_open = j->p - 1;
	j->saved_doc_start = j->doc_start;
	j->saved_excluded = j->excluded;
	j->saved_nodes = j->nodes;
	j->cur = &j->item_arena;
}

/* The top-level array, or the first "items" array of a top-level object. */
static int stream_here(const struct jp *j)
{
	const struct np_pair *k;

	if (!j->item_fn || j->streamed)
		return 0;
	if (j->nframes == 1)
		return 1;
	if (j->nframes != 2 || j->frames[0].type != NP_NODE_MAP || j->npairs == 0)
		return 0;
	k = &j->pairs[j->npairs - 1];
	return k->key_len == 5 && memcmp(k->key, "items", 5) == 0;
}

static int close_container(struct jp *j, struct np_node **out)
{
	struct frame *f = &j->frames[j->nframes - 1];
	struct np_node *n = f->node;
	size_t count;

	if (j->nframes - 1 == j->stream) {
		/* Back to the document: its limits leave the streamed elements out. */
		j->cur = &j->arena;
		j->doc_start = j->saved_doc_start;
		j->excluded = j->saved_excluded + (size_t)(j->p - j->stream_open - 1);
		j->nodes = j->saved_nodes;
		j->stream = NO_STREAM;
	}
	if (j->skip_from == j->nframes)
		j->skip_from = 0; /* the skipped subtree ends: it stays an empty container */
	j->nframes--;
	if (!n) {
		j->p++;
		*out = NULL;
		return 0;
	}
	if (n->type == NP_NODE_MAP) {
		count = j->npairs - f->base;
		if (count) {
			struct np_pair *pairs = np_arena_alloc(j->cur, count * sizeof(*pairs));

			if (!pairs)
				return fail_nomem(j);
			memcpy(pairs, j->pairs + f->base, count * sizeof(*pairs));
			n->u.map.pairs = pairs;
		}
		n->u.map.n = count;
		j->npairs = f->base;
	} else {
		count = j->nitems - f->base;
		if (count) {
			struct np_node **items = np_arena_alloc(j->cur, count * sizeof(*items));

			if (!items)
				return fail_nomem(j);
			memcpy(items, j->items + f->base, count * sizeof(*items));
			n->u.seq.items = items;
		}
		n->u.seq.n = count;
		j->nitems = f->base;
	}
	j->p++;
	*out = n;
	return 0;
}

static int parse_key(struct jp *j)
{
	const struct frame *f = &j->frames[j->nframes - 1];
	struct np_pair *pr;
	const char *k = NULL;
	size_t klen = 0;
	int line, col, rc, build = !skipping(j);

	if (j->p >= j->end)
		return fail_eof(j, "expected a string key");
	if (*j->p != '"')
		return fail_at(j, j->p, "expected a string key");
	line = j->line;
	col = build ? column_at(j, j->p) : 0;
	rc = parse_string(j, build, &k, &klen);
	if (rc)
		return rc;
	skip_ws(j);
	if (j->p >= j->end)
		return fail_eof(j, "expected ':'");
	if (*j->p != ':')
		return fail_at(j, j->p, "expected ':' after an object key");
	j->p++;
	if (!build)
		return 0;
	if (j->npairs == j->cap_pairs &&
	    grow_array((void **)&j->pairs, &j->cap_pairs, sizeof(*j->pairs)) < 0)
		return fail_nomem(j);
	pr = &j->pairs[j->npairs++];
	pr->key = k;
	pr->key_len = klen;
	pr->key_line = line;
	pr->key_column = col;
	pr->value = NULL;
	j->key_state = f->state ? np_skip_next(f->state, k, klen) : NP_SK_NONE;
	return 0;
}

/* One element of the streamed array is complete (v; j->p past its last byte). */
static int hand_item(struct jp *j, struct np_node *v)
{
	struct np_json_item it;
	struct np_node view;
	int rc;

	if (doc_bytes(j, j->p) > j->lim->max_doc_bytes)
		return fail_limit(j, j->p - 1, "document size in bytes", "document-bytes",
				  j->lim->max_doc_bytes);
	memset(&it, 0, sizeof(it));
	it.node = v;
	it.index = j->item_index++;
	it.doc_index = j->doc_index;
	if (j->stream == 1) {
		/* What the top-level object said before "items". */
		memset(&view, 0, sizeof(view));
		view.type = NP_NODE_MAP;
		view.line = j->frames[0].node->line;
		view.column = j->frames[0].node->column;
		view.u.map.pairs = j->stream_pairs ? j->pairs + j->frames[0].base : NULL;
		view.u.map.n = j->stream_pairs;
		it.list = &view;
	}
	rc = j->item_fn(j->item_ctx, &it);
	np_arena_reset(&j->item_arena);
	return rc < 0 ? rc : 0;
}

/* Parses one top-level value; j->p is at its first byte. */
static int parse_document(struct jp *j, struct np_node **root)
{
	struct np_node *v = NULL;
	struct np_node *str;
	unsigned char st;
	int rc;

	j->nframes = 0;
	j->nitems = 0;
	j->npairs = 0;
	j->skip_from = 0;
	j->stream = NO_STREAM;
	j->streamed = 0;
value:
	skip_ws(j);
	if (j->p >= j->end)
		return fail_eof(j, "expected a value");
	if (j->nframes == 0) {
		st = j->skip ? NP_SK_ROOT : NP_SK_NONE;
	} else if (j->frames[j->nframes - 1].type == NP_NODE_MAP) {
		st = j->key_state;
	} else if (j->nframes - 1 == j->stream) {
		/* A streamed element: an object root, with limits of its own. */
		st = j->skip ? NP_SK_ROOT : NP_SK_NONE;
		j->doc_start = j->p;
		j->excluded = 0;
		j->nodes = 0;
	} else {
		unsigned char fs = j->frames[j->nframes - 1].state;

		st = fs ? np_skip_next(fs, NULL, 0) : NP_SK_NONE;
	}
	switch (*j->p) {
	case '{':
	case '[': {
		enum np_node_type t = *j->p == '{' ? NP_NODE_MAP : NP_NODE_SEQ;
		int virt = skipping(j);

		rc = open_container(j, t, virt ? NP_SK_NONE : st, virt, &v);
		if (rc)
			return rc;
		if (!virt && st == NP_SK_SKIP)
			j->skip_from = j->nframes;
		else if (!virt && t == NP_NODE_SEQ && stream_here(j))
			start_stream(j);
		skip_ws(j);
		if (j->p < j->end && *j->p == (t == NP_NODE_MAP ? '}' : ']')) {
			rc = close_container(j, &v);
			if (rc)
				return rc;
			break;
		}
		if (t == NP_NODE_MAP)
			goto key;
		goto value;
	}
	case '"':
		if (skipping(j)) {
			rc = count_node(j, j->p);
			if (!rc)
				rc = parse_string(j, 0, NULL, NULL);
			if (rc)
				return rc;
			v = NULL;
			break;
		}
		rc = new_node(j, NP_NODE_STRING, j->p, &str);
		if (rc)
			return rc;
		rc = parse_string(j, 1, &str->u.str.s, &str->u.str.len);
		if (rc)
			return rc;
		str->quoted = true; /* as a quoted YAML scalar: always a string */
		v = str;
		break;
	case 't': case 'f': case 'n':
		rc = parse_literal(j, !skipping(j), &v);
		if (rc)
			return rc;
		break;
	case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
	case '8': case '9':
		rc = parse_number(j, !skipping(j), &v);
		if (rc)
			return rc;
		break;
	default:
		return fail_at(j, j->p, "expected a value");
	}
have_value:
	if (j->nframes == 0) {
		*root = v;
		return 0;
	}
	if (j->frames[j->nframes - 1].type == NP_NODE_MAP) {
		if (!skipping(j))
			j->pairs[j->npairs - 1].value = v;
		skip_ws(j);
		if (j->p >= j->end)
			return fail_eof(j, "expected ',' or '}'");
		if (*j->p == ',') {
			j->p++;
			skip_ws(j);
			goto key;
		}
		if (*j->p != '}')
			return fail_at(j, j->p, "expected ',' or '}' after an object member");
	} else {
		if (j->nframes - 1 == j->stream) {
			rc = hand_item(j, v);
			if (rc)
				return rc;
		} else if (!skipping(j)) {
			if (j->nitems == j->cap_items &&
			    grow_array((void **)&j->items, &j->cap_items, sizeof(*j->items)) < 0)
				return fail_nomem(j);
			j->items[j->nitems++] = v;
		}
		skip_ws(j);
		if (j->p >= j->end)
			return fail_eof(j, "expected ',' or ']'");
		if (*j->p == ',') {
			j->p++;
			goto value;
		}
		if (*j->p != ']')
			return fail_at(j, j->p, "expected ',' or ']' after an array element");
	}
	rc = close_container(j, &v);
	if (rc)
		return rc;
	goto have_value;
key:
	rc = parse_key(j);
	if (rc)
		return rc;
	goto value;
}

int np_json_decode_ex(const char *buf, size_t len, const char *name,
		      const struct np_decode_limits *limits, const struct np_json_opts *opts,
		      np_doc_fn fn, void *ctx, struct np_error *err)
{
	struct np_decode_limits deflim;
	struct jp j;
	int rc = 0, index = 0;
	size_t ndocs = 0;

	if (!limits) {
		np_decode_limits_default(&deflim);
		limits = &deflim;
	}
	memset(&j, 0, sizeof(j));
	if (!buf)
		buf = "";
	j.buf = (const unsigned char *)buf;
	j.p = j.buf;
	j.end = j.p + len;
	j.name = name;
	j.lim = limits;
	j.err = err;
	j.line = 1;
	j.line_start = j.p;
	j.cbase = j.p;
	j.stream = NO_STREAM;
	if (opts) {
		j.item_fn = opts->item_fn;
		j.skip = opts->skip_unread;
	}
	j.item_ctx = ctx;
	np_arena_init(&j.arena);
	np_arena_init(&j.item_arena);
	j.cur = &j.arena;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		j.p += 3;
		j.line_start = j.p;
		j.cbase = j.p;
	}
	for (;;) {
		struct np_node *root = NULL;

		skip_ws(&j);
		if (j.p >= j.end)
			break;
		if (ndocs >= limits->max_documents) {
			rc = fail_limit(&j, j.p, "number of documents", "documents",
					limits->max_documents);
			goto out;
		}
		j.doc_start = j.p;
		j.excluded = 0;
		j.nodes = 0;
		j.doc_index = index;
		j.cur = &j.arena;
		rc = parse_document(&j, &root);
		if (rc)
			goto out;
		if (doc_bytes(&j, j.p) > limits->max_doc_bytes) {
			/* j.p - 1 is the document's last byte, on the current line */
			rc = fail_limit(&j, j.p - 1, "document size in bytes", "document-bytes",
					limits->max_doc_bytes);
			goto out;
		}
		if (fn) {
			rc = fn(ctx, root, index);
			if (rc < 0)
				goto out;
			rc = 0;
		}
		ndocs++;
		if (index < INT32_MAX)
			index++;
		np_arena_reset(&j.arena);
	}
out:
	free(j.frames);
	free(j.items);
	free(j.pairs);
	np_arena_release(&j.arena);
	np_arena_release(&j.item_arena);
	return rc;
}

int np_json_decode(const char *buf, size_t len, const char *name,
		   const struct np_decode_limits *limits, np_doc_fn fn, void *ctx,
		   struct np_error *err)
{
	return np_json_decode_ex(buf, len, name, limits, NULL, fn, ctx, err);
}
