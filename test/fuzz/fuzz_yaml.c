/* Fuzzes np_yaml_decode: no crash, leak, hang or unbounded memory on any
 * input; every node reachable from a document has a position. Limits are
 * tightened so walking alias-shared subtrees stays cheap per input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void walk(const struct np_node *n, size_t depth, size_t *visited)
{
	size_t i;

	check(n != NULL && depth <= 64);
	check(n->line >= 1 && n->column >= 1);
	check(++*visited <= 20000); /* max_nodes counts aliases expanded */
	switch (n->type) {
	case NP_NODE_STRING:
	case NP_NODE_FLOAT:
		check(n->u.str.s != NULL && n->u.str.s[n->u.str.len] == '\0');
		break;
	case NP_NODE_SEQ:
		for (i = 0; i < n->u.seq.n; i++)
			walk(n->u.seq.items[i], depth + 1, visited);
		break;
	case NP_NODE_MAP:
		for (i = 0; i < n->u.map.n; i++) {
			const struct np_pair *p = &n->u.map.pairs[i];
			size_t j;

			check(p->key != NULL && p->key[p->key_len] == '\0');
			check(p->key_line >= 1 && p->key_column >= 1);
			/* YAML rejects duplicate keys, merged ones included */
			for (j = 0; j < i && n->u.map.n < 64; j++)
				check(n->u.map.pairs[j].key_len != p->key_len ||
				      memcmp(n->u.map.pairs[j].key, p->key, p->key_len) != 0);
			walk(p->value, depth + 1, visited);
		}
		break;
	default:
		break;
	}
}

static int on_doc(void *ctx, const struct np_node *doc, int index)
{
	int *ndocs = ctx;
	size_t visited = 0;

	check(index == *ndocs);
	(*ndocs)++;
	walk(doc, 0, &visited);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_decode_limits lim;
	struct np_error err;
	int ndocs = 0, rc;

	np_decode_limits_default(&lim);
	lim.max_depth = 64;
	lim.max_nodes = 20000;
	lim.max_alias_expansions = 1000;
	rc = np_yaml_decode((const char *)data, size, "fuzz.yaml", &lim, on_doc, &ndocs, &err);
	if (rc != 0) {
		check(rc == NP_EPARSE || rc == NP_ELIMIT || rc == NP_ENOMEM);
		check(err.code == rc && err.msg[0] != '\0');
		if (rc == NP_EPARSE)
			check(err.line >= 1 && err.column >= 1);
	}
	return 0;
}
