/* Reader for Terraform's HCL native syntax (.tf files) into the np_node tree
 * of node.h, so every attribute and block keeps its line and column. Owner:
 * the Terraform issue (snapshot/hcl.c).
 *
 * The tree has the shape of Terraform's JSON syntax (and of what KICS reads):
 * - a body is a map: an attribute is a pair name = value; a block is a pair
 *   whose key is the block type and whose value is the block body, with one
 *   nested single-pair map per label, outermost first:
 *       resource "aws_eks_cluster" "this" { name = "x" }
 *   becomes {resource: {aws_eks_cluster: {this: {name: "x"}}}}. The key
 *   position of each pair is the type keyword or the label; the body maps
 *   carry the position of the type keyword. A repeated block is a repeated
 *   key (np_node_get returns the last; walk the pairs to see them all);
 *   `dynamic "x" {...}` stays a block of type "dynamic" labelled "x".
 *   A block and an attribute with an object value look the same.
 * - literals: null, true/false, numbers (NP_NODE_INT when an integer fits
 *   int64, else NP_NODE_FLOAT with its text), strings and heredocs without
 *   interpolation or directives (NP_NODE_STRING with quoted = true, escapes
 *   and `<<-` indentation applied), tuples (NP_NODE_SEQ) and objects
 *   (NP_NODE_MAP) whose keys are names or literal strings; `-` before a
 *   number literal is folded into it.
 * - `jsonencode(X)` whose argument is entirely literal is the string it
 *   evaluates to (the JSON text, keys in source order), quoted = true.
 * - every other expression (references, function calls, operators,
 *   conditionals, for expressions, splats, templates with `${...}` or
 *   `%{...}`) is unresolved: NP_NODE_STRING with quoted = false holding the
 *   expression's source text exactly as written. Nothing is evaluated or
 *   guessed; a tuple or object keeps its literal members beside unresolved
 *   ones, but an object with a computed key is unresolved as a whole.
 *
 * Not checked (Terraform's job, not a reader's): duplicate attributes (the
 * last wins, as np_node_get finds it), schemas, one-line block restrictions.
 */
#ifndef NETPOL_HCL_H
#define NETPOL_HCL_H

#include <stddef.h>
#include "netpol/node.h"
#include "netpol/error.h"

/* Decodes one .tf file and calls fn once with the body (a map; empty for a
 * file of only comments), doc_index 0. name is used in error messages.
 * Returns 0, fn's negative return, NP_EPARSE (syntax error or invalid UTF-8,
 * err has the line and column), NP_ELIMIT (limits: size, depth, nodes,
 * scalar bytes) or NP_ENOMEM. The tree lives until fn returns. */
int np_hcl_decode(const char *buf, size_t len, const char *name,
		  const struct np_decode_limits *limits, np_doc_fn fn, void *ctx,
		  struct np_error *err);

/* True when n is an expression the reader kept unresolved. */
static inline bool np_hcl_unresolved(const struct np_node *n)
{
	return n && n->type == NP_NODE_STRING && !n->quoted;
}

#endif
