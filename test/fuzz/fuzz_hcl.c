/* Fuzzes np_hcl_decode and the Terraform reader on top of it: no crash, leak
 * or hang on any input; every node has a position and NUL-terminated text;
 * unresolved expressions are never empty; errors are NP_EPARSE (with a
 * position), NP_ELIMIT or NP_ENOMEM. The same bytes then go through
 * np_tf_decode_hcl into a model, which must agree on success. */
#include "netpol/hcl.h"
#include "netpol/model.h"
#include "netpol/terraform.h"
#include "fuzz_common.h"

static void walk(const struct np_node *n, size_t depth)
{
	size_t i;

	check(n != NULL && depth <= 512);
	check(n->line >= 1 && n->column >= 1);
	switch (n->type) {
	case NP_NODE_STRING:
		check(n->u.str.s != NULL && n->u.str.s[n->u.str.len] == '\0');
		/* unresolved expressions keep their (trimmed, non-empty) text */
		if (np_hcl_unresolved(n))
			check(n->u.str.len > 0);
		break;
	case NP_NODE_FLOAT:
		check(n->u.str.s != NULL && n->u.str.s[n->u.str.len] == '\0' && n->u.str.len > 0);
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

static int on_doc(void *ctx, const struct np_node *doc, int index)
{
	int *calls = ctx;

	check(index == 0 && doc && doc->type == NP_NODE_MAP);
	(*calls)++;
	walk(doc, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_decode_limits lim;
	struct np_error err;
	struct np_model m;
	int calls = 0, rc, rc2;

	np_decode_limits_default(&lim);
	memset(&err, 0, sizeof(err));
	rc = np_hcl_decode((const char *)data, size, "fuzz.tf", &lim, on_doc, &calls, &err);
	if (rc == 0) {
		check(calls == 1);
	} else {
		check(calls == 0);
		check(rc == NP_EPARSE || rc == NP_ELIMIT || rc == NP_ENOMEM);
		check_error(rc, &err);
		if (rc == NP_EPARSE)
			check(err.line >= 1 && err.column >= 1);
	}
	(void)np_tf_is_hcl(NULL, (const char *)data, size);
	np_model_init(&m);
	memset(&err, 0, sizeof(err));
	rc2 = np_tf_decode_hcl(&m, (const char *)data, size, "fuzz.tf", NULL, NULL, &err);
	check(rc2 == rc || rc2 == NP_ENOMEM || rc == NP_ENOMEM);
	check_error(rc2, &err);
	for (size_t i = 0; i < m.tf_resources.n; i++) {
		const struct np_tf_resource *t = &m.tf_resources.v[i];
		check(t->type && t->name && t->loc.line >= 1);
		for (size_t k = 0; k < t->n_attrs; k++)
			check(t->attrs[k].path && t->attrs[k].line >= 1 &&
			      (!t->attrs[k].unresolved || t->attrs[k].expr));
	}
	np_model_release(&m);
	return 0;
}
