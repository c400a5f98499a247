/* Lookups on decoded trees, and the default decode limits (DESIGN §8). */
#include <string.h>

#include "netpol/node.h"

void np_decode_limits_default(struct np_decode_limits *l)
{
	l->max_depth = 512;
	l->max_doc_bytes = (size_t)256 * 1024 * 1024;
	l->max_documents = 1000000;
	l->max_alias_expansions = 10000;
	l->max_nodes = 10000000;
	l->max_scalar_bytes = (size_t)64 * 1024 * 1024;
}

static const struct np_pair *find_pair(const struct np_node *map, const char *key, size_t klen)
{
	size_t i;

	if (!map || map->type != NP_NODE_MAP || !key)
		return NULL;
	/* From the end: in JSON the last duplicate wins. */
	for (i = map->u.map.n; i-- > 0;) {
		const struct np_pair *p = &map->u.map.pairs[i];

		if (p->key_len == klen && memcmp(p->key, key, klen) == 0)
			return p;
	}
	return NULL;
}

const struct np_pair *np_node_get_pair(const struct np_node *map, const char *key)
{
	if (!key)
		return NULL;
	return find_pair(map, key, strlen(key));
}

const struct np_node *np_node_get(const struct np_node *map, const char *key)
{
	const struct np_pair *p = np_node_get_pair(map, key);

	return p ? p->value : NULL;
}

const struct np_node *np_node_path(const struct np_node *map, const char *dotted)
{
	const struct np_node *n = map;
	const char *s = dotted, *dot;

	if (!dotted)
		return NULL;
	for (;;) {
		const struct np_pair *p;

		dot = strchr(s, '.');
		p = find_pair(n, s, dot ? (size_t)(dot - s) : strlen(s));
		if (!p)
			return NULL;
		n = p->value;
		if (!dot)
			return n;
		s = dot + 1;
	}
}

const char *np_node_str(const struct np_node *n)
{
	return n && n->type == NP_NODE_STRING ? n->u.str.s : NULL;
}

bool np_node_is(const struct np_node *n, enum np_node_type t)
{
	return n && n->type == t;
}
