/* Terraform input (DESIGN §3.1): .tf files (HCL native syntax), .tf.json,
 * and `terraform show -json` plan and state output, read into the model's
 * np_tf_resource records (azurerm_kubernetes_cluster, aws_eks_cluster,
 * aws_eks_addon, helm_release, google_container_cluster, module calls) with
 * the attribute paths NP-104..NP-106 judge. Owner: the Terraform issue
 * (snapshot/terraform.c). Values that are not literals are recorded as
 * unresolved with their text, never evaluated. */
#ifndef NETPOL_TERRAFORM_H
#define NETPOL_TERRAFORM_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/node.h"
#include "netpol/snapshot.h"

/* Should this buffer be read as HCL? name (a file or archive member path, may
 * be NULL) ending in ".tf", or content whose first statement (after blanks and
 * comments) opens a Terraform block: resource, data, module, variable, output,
 * locals, provider or terraform, followed by labels and "{". */
bool np_tf_is_hcl(const char *name, const char *buf, size_t len);

/* Reads one .tf file into m. file/member locate it (member NULL outside
 * archives). Every resource and module call counts as a recognised object
 * (m->n_objects). NP_EPARSE/NP_ELIMIT with err's line and column on a syntax
 * error or limit; NP_ENOMEM. opt may be NULL (default limits). */
int np_tf_decode_hcl(struct np_model *m, const char *buf, size_t len, const char *file,
		     const char *member, const struct np_load_options *opt,
		     struct np_error *err);

/* The hook np_decode_buffer calls for each top-level JSON document: a plan
 * or state (top-level format_version with planned_values, values or
 * resource_changes) or Terraform JSON syntax (a top-level "resource" or
 * "module" object, no "kind"). Returns 1 when the document was Terraform
 * (and was read), 0 when it is not, or NP_ENOMEM. */
int np_tf_decode_json_doc(struct np_model *m, const struct np_node *doc, const char *file,
			  const char *member);

#endif
