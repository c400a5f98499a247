/* The document tree both decoders (JSON, YAML) produce: typed values with
 * their 1-based line and column, allocated in one arena per document.
 * snapshot/ converts trees into model records and drops them. */
#ifndef NETPOL_NODE_H
#define NETPOL_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netpol/arena.h"
#include "netpol/error.h"

enum np_node_type {
	NP_NODE_NULL,
	NP_NODE_BOOL,
	NP_NODE_INT,    /* fits int64 */
	NP_NODE_FLOAT,  /* other numbers, incl. integers beyond 64 bits (text kept) */
	NP_NODE_STRING,
	NP_NODE_SEQ,
	NP_NODE_MAP,
};

struct np_node;

struct np_pair {
	const char *key; /* NUL-terminated; keys are always strings (YAML keys are stringified) */
	size_t key_len;
	int key_line, key_column;
	struct np_node *value;
};

struct np_node {
	enum np_node_type type;
	int line, column;
	/* YAML: the scalar was quoted or a block scalar (so "80" is a string, not a number). */
	bool quoted;
	union {
		bool b;
		int64_t i;
		struct { const char *s; size_t len; } str; /* NUL-terminated; also the text of NP_NODE_FLOAT */
		struct { struct np_node **items; size_t n; } seq;
		struct { struct np_pair *pairs; size_t n; } map;
	} u;
};

/* Limits the decoders enforce; see np_limits_default(). */
struct np_decode_limits {
	size_t max_depth;           /* nesting depth (512) */
	size_t max_doc_bytes;       /* bytes per document */
	size_t max_documents;       /* documents per stream */
	size_t max_alias_expansions;/* YAML alias dereferences per document */
	size_t max_nodes;           /* nodes per document */
	size_t max_scalar_bytes;    /* one scalar */
};
void np_decode_limits_default(struct np_decode_limits *l);

/* Map lookup (last duplicate wins for JSON; YAML rejects duplicates). Borrowed, NULL if absent. */
const struct np_node *np_node_get(const struct np_node *map, const char *key);
/* Same, and also returns the pair for its key position. */
const struct np_pair *np_node_get_pair(const struct np_node *map, const char *key);
/* Walks a dotted path of map keys ("spec.template.metadata"). NULL if any hop is absent/not a map. */
const struct np_node *np_node_path(const struct np_node *map, const char *dotted);
/* String value or NULL when the node is absent or not a string. */
const char *np_node_str(const struct np_node *n);
bool np_node_is(const struct np_node *n, enum np_node_type t);

/* Called once per top-level document. The tree lives in the arena until the
 * callback returns. Return 0 to go on, a negative NP_E* to stop (propagated). */
typedef int (*np_doc_fn)(void *ctx, const struct np_node *doc, int doc_index);

/* Decodes one JSON text (RFC 8259; also a stream of concatenated JSON values,
 * each reported as a document). name is used for error messages.
 * Strings may contain U+0000 (from "\u0000"): the bytes are kept and str.len /
 * key_len count them, so a C-string view is shorter; compare len with strlen
 * where that matters. Columns count characters, not bytes. */
int np_json_decode(const char *buf, size_t len, const char *name,
		   const struct np_decode_limits *limits, np_doc_fn fn, void *ctx,
		   struct np_error *err);

/* Streaming JSON (DESIGN §7). One element of a streamed array: */
struct np_json_item {
	const struct np_node *node;  /* the element; lives until the callback returns */
	const struct np_node *list;  /* the top-level object as read so far (the pairs
				      * before "items"; their values are complete), or
				      * NULL when the document is a top-level array */
	size_t index;                /* position in the array */
	int doc_index;               /* the document's index in the stream */
};
/* Return 0 to go on, a negative NP_E* to stop (propagated). */
typedef int (*np_item_fn)(void *ctx, const struct np_json_item *item);

struct np_json_opts {
	/* When set, the elements of a top-level array, or of the first "items"
	 * array of a top-level object, are each parsed into a scratch arena,
	 * handed to item_fn (with the ctx given to np_json_decode_ex) and dropped;
	 * the document then reaches fn with that array empty. The limits on
	 * document bytes and nodes apply to each element, and to the document
	 * without its elements. */
	np_item_fn item_fn;
	/* Subtrees no decoder reads (snapshot/skip.h: managedFields, most of
	 * status, pod env and volumes, probes, resources) are checked for syntax
	 * and limits but not built: an empty map or list of the same type, at
	 * their position, stands for them. Applies below each document root and
	 * each streamed element. */
	bool skip_unread;
};

/* np_json_decode with options (NULL = none: same as np_json_decode). */
int np_json_decode_ex(const char *buf, size_t len, const char *name,
		      const struct np_decode_limits *limits, const struct np_json_opts *opts,
		      np_doc_fn fn, void *ctx, struct np_error *err);

/* Decodes a multi-document YAML stream as kubectl does (YAML 1.1 booleans,
 * ~ null, octal 0644, << merges; duplicate keys and invalid UTF-8 are errors;
 * empty documents are skipped). */
int np_yaml_decode(const char *buf, size_t len, const char *name,
		   const struct np_decode_limits *limits, np_doc_fn fn, void *ctx,
		   struct np_error *err);

/* Both decoders: when a callback wants to keep a node past its return it must
 * copy it into its own storage. */

#endif
