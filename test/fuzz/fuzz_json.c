/* Fuzzes np_json_decode: no crash, leak or hang on any input; every node has
 * a position; and, differentially, whenever jansson accepts the input as one
 * value, we accept it as one document with the same content. (The converse
 * does not hold on purpose: we accept lone surrogates, integers beyond int64
 * and huge reals, which jansson rejects; and jansson stops at a raw NUL
 * byte, so inputs with one are not compared.) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "netpol/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void walk(const struct np_node *n, size_t depth)
{
	size_t i;

	check(n != NULL && depth <= 512);
	check(n->line >= 1 && n->column >= 1);
	switch (n->type) {
	case NP_NODE_STRING:
	case NP_NODE_FLOAT:
		check(n->u.str.s != NULL && n->u.str.s[n->u.str.len] == '\0');
		break;
	case NP_NODE_SEQ:
		for (i = 0; i < n->u.seq.n; i++)
			walk(n->u.seq.items[i], depth + 1);
		break;
	case NP_NODE_MAP:
		for (i = 0; i < n->u.map.n; i++) {
			const struct np_pair *p = &n->u.map.pairs[i];

			check(p->key != NULL && p->key[p->key_len] == '\0');
			check(p->key_line >= 1 && p->key_column >= 1);
			walk(p->value, depth + 1);
		}
		break;
	default:
		break;
	}
}

/* The last pair with this exact key (keys may contain NUL). */
static const struct np_node *get_n(const struct np_node *m, const char *k, size_t klen)
{
	size_t i;

	for (i = m->u.map.n; i-- > 0;)
		if (m->u.map.pairs[i].key_len == klen && memcmp(m->u.map.pairs[i].key, k, klen) == 0)
			return m->u.map.pairs[i].value;
	return NULL;
}

static void same(const struct np_node *n, json_t *j)
{
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		size_t klen;
		json_t *v;

		check(n->type == NP_NODE_MAP);
		check(n->u.map.n >= json_object_size(j));
		json_object_keylen_foreach(j, k, klen, v) {
			const struct np_node *c = get_n(n, k, klen);

			check(c != NULL);
			same(c, v);
		}
		break;
	}
	case JSON_ARRAY:
		check(n->type == NP_NODE_SEQ && n->u.seq.n == json_array_size(j));
		for (i = 0; i < n->u.seq.n; i++)
			same(n->u.seq.items[i], json_array_get(j, i));
		break;
	case JSON_STRING:
		check(n->type == NP_NODE_STRING && n->u.str.len == json_string_length(j) &&
		      memcmp(n->u.str.s, json_string_value(j), n->u.str.len) == 0);
		break;
	case JSON_INTEGER:
		check(n->type == NP_NODE_INT && n->u.i == json_integer_value(j));
		break;
	case JSON_REAL:
		check(n->type == NP_NODE_FLOAT && strtod(n->u.str.s, NULL) == json_real_value(j));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		check(n->type == NP_NODE_BOOL && n->u.b == json_is_true(j));
		break;
	case JSON_NULL:
		check(n->type == NP_NODE_NULL);
		break;
	}
}

struct ctx {
	json_t *ref;
	int ndocs;
};

static int on_doc(void *vctx, const struct np_node *doc, int index)
{
	struct ctx *c = vctx;

	check(index == c->ndocs);
	c->ndocs++;
	walk(doc, 0);
	if (c->ref && c->ndocs == 1)
		same(doc, c->ref);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct ctx c = { NULL, 0 };
	json_error_t jerr;
	int rc;

	np_decode_limits_default(&lim);
	/* jansson takes a raw NUL byte as the end of its input; RFC 8259 does not */
	if (!memchr(data, 0, size))
		c.ref = json_loadb((const char *)data, size,
			   JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
	rc = np_json_decode((const char *)data, size, "fuzz.json", &lim, on_doc, &c, &err);
	if (c.ref) {
		/* jansson accepted one value: so must we, unless it nests deeper than 512 */
		if (rc != 0)
			check(rc == NP_ELIMIT);
		else
			check(c.ndocs == 1);
		json_decref(c.ref);
	}
	if (rc != 0) {
		check(rc == NP_EPARSE || rc == NP_ELIMIT || rc == NP_ENOMEM);
		check(err.code == rc && err.msg[0] != '\0');
		if (rc == NP_EPARSE)
			check(err.line >= 1 && err.column >= 1);
	}
	return 0;
}
