/* Terraform input (snapshot/terraform.c: .tf, .tf.json, plan and state JSON
 * into np_tf_resource records) and the Terraform rules of NP-104, NP-105 and
 * NP-106 (analyzer/controls_platform.c) judged on what it reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/audit.h"
#include "netpol/snapshot.h"
#include "netpol/terraform.h"

struct fx {
	struct np_model m;
	struct np_report r;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	np_model_init(&f->m);
	np_report_init(&f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	np_report_release(&f->r);
	np_model_release(&f->m);
	free(f);
	return 0;
}

static void hcl(struct fx *f, const char *file, const char *src)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_tf_decode_hcl(&f->m, src, strlen(src), file, NULL, NULL, &err);
	if (rc)
		fail_msg("np_tf_decode_hcl: %d %s:%d:%d: %s", rc, err.file, err.line, err.column,
			 err.msg);
}

/* Through np_decode_buffer, as every JSON file is read. */
static void json(struct fx *f, const char *file, const char *src)
{
	struct np_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = np_decode_buffer(&f->m, src, strlen(src), file, NULL, NULL, NULL, &err);
	if (rc)
		fail_msg("np_decode_buffer: %d %d:%d: %s", rc, err.line, err.column, err.msg);
}

static const struct np_tf_resource *res(struct fx *f, const char *type, const char *name)
{
	for (size_t i = 0; i < f->m.tf_resources.n; i++) {
		const struct np_tf_resource *t = &f->m.tf_resources.v[i];
		if (strcmp(t->type, type) == 0 && strcmp(t->name, name) == 0)
			return t;
	}
	fail_msg("no resource %s.%s", type, name);
	return NULL;
}

static const struct np_tf_attr *attr(const struct np_tf_resource *t, const char *path)
{
	for (size_t i = 0; i < t->n_attrs; i++)
		if (strcmp(t->attrs[i].path, path) == 0)
			return &t->attrs[i];
	return NULL;
}

static size_t count(const struct np_tf_resource *t, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_attrs; i++)
		if (strcmp(t->attrs[i].path, path) == 0)
			n++;
	return n;
}

static const struct np_tf_attr *must(const struct np_tf_resource *t, const char *path)
{
	const struct np_tf_attr *a = attr(t, path);

	if (!a)
		fail_msg("no attribute %s on %s.%s", path, t->type, t->name);
	return a;
}

static struct np_control_result *control(struct fx *f, const char *id, bool kics)
{
	static const struct {
		const char *id;
		np_control_fn fn;
	} fns[] = {
		{ "NP-104", np_control_np104 },
		{ "NP-105", np_control_np105 },
		{ "NP-106", np_control_np106 },
	};
	struct np_audit_options opt;
	struct np_audit_ctx ctx;
	struct np_control_result *r;
	const struct np_control_def *def = np_control_find(id);
	struct np_error err;

	assert_int_equal(np_model_finish(&f->m, &err), 0);
	memset(&opt, 0, sizeof(opt));
	opt.kics = kics;
	memset(&ctx, 0, sizeof(ctx));
	ctx.m = &f->m;
	ctx.opt = &opt;
	ctx.r = &f->r;
	r = np_report_add_control(&f->r, def);
	assert_non_null(r);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (strcmp(fns[i].id, id) == 0)
			assert_int_equal(fns[i].fn(&ctx, r), 0);
	assert_non_null(r->summary);
	return r;
}

/* "FAIL@21 WARN@5" for the findings, sorted as produced. */
static const char *findings(struct np_control_result *r)
{
	static char buf[512];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->findings.n && o < sizeof(buf) - 32; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s@%d", i ? " " : "",
				      np_status_name(r->findings.v[i].level), r->findings.v[i].loc.line);
	return buf;
}

#define assert_control(f, id, kics, want_status, want)                                       \
	do {                                                                                 \
		struct np_control_result *r_ = control((f), (id), (kics));                  \
		assert_string_equal(np_status_name(r_->status), np_status_name(want_status)); \
		assert_string_equal(findings(r_), (want));                                   \
	} while (0)

/* ================================================================ reading */

static const char EKS_CLUSTER[] = "resource \"aws_eks_cluster\" \"main\" {\n  name = \"prod\"\n}\n";

static const char AKS[] =
	"resource \"azurerm_kubernetes_cluster\" \"a\" {\n"   /* 1 */
	"  name = \"a\"\n"                                    /* 2 */
	"  network_profile {\n"                               /* 3 */
	"    network_plugin = \"azure\"\n"                    /* 4 */
	"    network_policy = \"calico\"\n"                   /* 5 */
	"  }\n"
	"}\n";

static void test_hcl_resource_attributes_keep_their_lines(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;
	const struct np_tf_attr *a;

	hcl(f, "infra/aks.tf", AKS);
	t = res(f, "azurerm_kubernetes_cluster", "a");
	assert_string_equal(t->loc.file, "infra/aks.tf");
	assert_int_equal(t->loc.line, 1);
	assert_int_equal(t->loc.object_line, 1);
	assert_string_equal(t->format, "hcl");
	assert_string_equal(t->module, "infra");
	assert_int_equal(t->n_blocks_network_profile, 1);
	a = must(t, "network_profile.network_policy");
	assert_string_equal(a->value, "calico");
	assert_int_equal(a->vtype, NP_TF_T_STRING);
	assert_false(a->unresolved);
	assert_int_equal(a->line, 5);
	assert_int_equal(a->column, 5);
	a = must(t, "network_profile");
	assert_int_equal(a->vtype, NP_TF_T_OBJECT);
	assert_int_equal(a->line, 3);
}

static void test_every_resource_counts_as_a_recognised_object(void **state)
{
	struct fx *f = *state;

	hcl(f, "main.tf", "variable \"x\" {}\nresource \"aws_s3_bucket\" \"b\" {}\n"
			  "resource \"helm_release\" \"h\" {\n  chart = \"cilium\"\n}\n");
	assert_int_equal(f->m.n_objects, 2);
	assert_int_equal(f->m.n_k8s_objects, 0);
	/* only the types the controls judge are kept */
	assert_int_equal(f->m.tf_resources.n, 1);
	assert_string_equal(must(res(f, "helm_release", "h"), "chart")->value, "cilium");
}

static void test_repeated_blocks_are_each_recorded(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"a\" {\n"
		       "  network_profile {\n    network_policy = \"azure\"\n  }\n"
		       "  network_profile {\n    network_policy = \"calico\"\n  }\n}\n");
	t = res(f, "azurerm_kubernetes_cluster", "a");
	assert_int_equal(t->n_blocks_network_profile, 2);
	assert_int_equal(count(t, "network_profile.network_policy"), 2);
	assert_int_equal(t->attrs[0].line, 2);
}

static void test_unresolved_values_keep_their_text_and_reference(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;
	const struct np_tf_attr *a;

	hcl(f, "eks.tf", "resource \"aws_eks_addon\" \"v\" {\n"
			 "  cluster_name = aws_eks_cluster.main.name\n"
			 "  addon_name   = var.addon\n"
			 "}\n"
			 "resource \"aws_eks_addon\" \"w\" {\n"
			 "  cluster_name = module.eks.cluster_name\n"
			 "  addon_name   = \"${aws_eks_cluster.x.id}\"\n"
			 "}\n");
	t = res(f, "aws_eks_addon", "v");
	a = must(t, "cluster_name");
	assert_true(a->unresolved);
	assert_int_equal(a->vtype, NP_TF_T_UNRESOLVED);
	assert_null(a->value);
	assert_string_equal(a->expr, "aws_eks_cluster.main.name");
	assert_string_equal(a->ref, "aws_eks_cluster.main");
	a = must(t, "addon_name");
	assert_string_equal(a->expr, "var.addon");
	assert_null(a->ref);
	t = res(f, "aws_eks_addon", "w");
	assert_string_equal(must(t, "cluster_name")->ref, "module.eks");
	assert_string_equal(must(t, "addon_name")->ref, "aws_eks_cluster.x");
}

static void test_dynamic_block_is_an_unresolved_block(void **state)
{
	struct fx *f = *state;
	const struct np_tf_attr *a;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"a\" {\n"
		       "  dynamic \"network_profile\" {\n    for_each = var.p\n"
		       "    content {\n      network_policy = \"azure\"\n    }\n  }\n}\n");
	a = must(res(f, "azurerm_kubernetes_cluster", "a"), "network_profile");
	assert_true(a->dynamic);
	assert_true(a->unresolved);
	assert_int_equal(a->line, 2);
	assert_string_equal(a->expr, "dynamic \"network_profile\"");
	assert_null(attr(res(f, "azurerm_kubernetes_cluster", "a"), "network_profile.network_policy"));
}

static void test_null_literal_is_recorded_as_null(void **state)
{
	struct fx *f = *state;
	const struct np_tf_attr *a;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"a\" {\n"
		       "  network_profile {\n    network_policy = null\n  }\n}\n");
	a = must(res(f, "azurerm_kubernetes_cluster", "a"), "network_profile.network_policy");
	assert_true(a->is_null);
	assert_int_equal(a->vtype, NP_TF_T_NULL);
	assert_null(a->value);
}

static void test_module_call_resolves_its_local_source(void **state)
{
	struct fx *f = *state;

	hcl(f, "infra/live/main.tf", "module \"eks\" {\n  source = \"../modules/eks\"\n}\n"
				     "module \"reg\" {\n  source = \"terraform-aws-modules/eks/aws\"\n}\n");
	assert_string_equal(res(f, "module", "eks")->calls, "infra/modules/eks");
	assert_null(res(f, "module", "reg")->calls);
	assert_int_equal(f->m.n_objects, 2);
}

static void test_module_directories_are_normalised(void **state)
{
	struct fx *f = *state;

	hcl(f, "./infra/live/../modules/eks/main.tf", EKS_CLUSTER);
	hcl(f, "infra//live/main.tf", "module \"eks\" {\n  source = \"./../modules/./eks\"\n}\n");
	assert_string_equal(res(f, "aws_eks_cluster", "main")->module, "infra/modules/eks");
	assert_string_equal(res(f, "module", "eks")->module, "infra/live");
	assert_string_equal(res(f, "module", "eks")->calls, "infra/modules/eks");
}

static void test_configuration_values_from_jsonencode(void **state)
{
	struct fx *f = *state;
	const struct np_tf_attr *a;

	hcl(f, "a.tf", "resource \"aws_eks_addon\" \"s\" {\n"
		       "  configuration_values = jsonencode({ enableNetworkPolicy = \"true\" })\n}\n"
		       "resource \"aws_eks_addon\" \"b\" {\n"
		       "  configuration_values = jsonencode({\n    enableNetworkPolicy = true\n  })\n}\n");
	a = must(res(f, "aws_eks_addon", "s"), "configuration_values.enableNetworkPolicy");
	assert_string_equal(a->value, "true");
	assert_int_equal(a->vtype, NP_TF_T_STRING);
	assert_int_equal(a->line, 2);
	a = must(res(f, "aws_eks_addon", "b"), "configuration_values.enableNetworkPolicy");
	assert_string_equal(a->value, "true");
	assert_int_equal(a->vtype, NP_TF_T_BOOL);
}

static void test_configuration_values_from_json_and_yaml_strings(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"aws_eks_addon\" \"j\" {\n"
		       "  configuration_values = \"{\\\"enableNetworkPolicy\\\": \\\"false\\\"}\"\n}\n"
		       "resource \"aws_eks_addon\" \"y\" {\n"
		       "  configuration_values = <<-EOT\n    enableNetworkPolicy: \"true\"\n    EOT\n}\n"
		       "resource \"aws_eks_addon\" \"n\" {\n"
		       "  configuration_values = jsonencode({ env = { A = \"1\" } })\n}\n");
	assert_string_equal(must(res(f, "aws_eks_addon", "j"), "configuration_values.enableNetworkPolicy")->value,
			    "false");
	assert_string_equal(must(res(f, "aws_eks_addon", "y"), "configuration_values.enableNetworkPolicy")->value,
			    "true");
	assert_null(attr(res(f, "aws_eks_addon", "n"), "configuration_values.enableNetworkPolicy"));
}

static void test_partly_unresolved_jsonencode_still_tells_enable_network_policy(void **state)
{
	struct fx *f = *state;
	const struct np_tf_attr *a;

	hcl(f, "a.tf", "resource \"aws_eks_addon\" \"p\" {\n"
		       "  configuration_values = jsonencode({\n"
		       "    enableNetworkPolicy = \"true\"\n"
		       "    env = { WARM_IP_TARGET = var.warm }\n"
		       "  })\n}\n"
		       "resource \"aws_eks_addon\" \"q\" {\n"
		       "  configuration_values = jsonencode({ env = { X = var.x } })\n}\n"
		       "resource \"aws_eks_addon\" \"u\" {\n"
		       "  configuration_values = jsonencode(merge(local.base, { a = 1 }))\n}\n"
		       "resource \"aws_eks_addon\" \"v\" {\n"
		       "  configuration_values = var.values\n}\n");
	a = must(res(f, "aws_eks_addon", "p"), "configuration_values.enableNetworkPolicy");
	assert_false(a->unresolved);
	assert_string_equal(a->value, "true");
	/* literal keys without enableNetworkPolicy: decided, not set */
	assert_null(attr(res(f, "aws_eks_addon", "q"), "configuration_values.enableNetworkPolicy"));
	a = must(res(f, "aws_eks_addon", "u"), "configuration_values.enableNetworkPolicy");
	assert_true(a->unresolved);
	a = must(res(f, "aws_eks_addon", "v"), "configuration_values.enableNetworkPolicy");
	assert_true(a->unresolved);
	assert_string_equal(a->expr, "var.values");
}

static void test_invalid_configuration_values_warn(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"aws_eks_addon\" \"x\" {\n  configuration_values = \"{oops\"\n}\n");
	assert_null(attr(res(f, "aws_eks_addon", "x"), "configuration_values.enableNetworkPolicy"));
	assert_int_equal(f->m.warnings.n, 1);
	assert_non_null(strstr(f->m.warnings.v[0].message, "configuration_values"));
}

static void test_hcl_parse_error_names_file_line_and_column(void **state)
{
	struct fx *f = *state;
	struct np_error err;
	static const char src[] = "resource \"a\" \"b\" {\n  x = \n}\n";

	memset(&err, 0, sizeof(err));
	assert_int_equal(np_tf_decode_hcl(&f->m, src, strlen(src), "bad.tf", NULL, NULL, &err),
			 NP_EPARSE);
	assert_string_equal(err.file, "bad.tf");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 7);
}

static void test_archive_member_names_the_error_and_the_module(void **state)
{
	struct fx *f = *state;
	struct np_error err;
	static const char bad[] = "a = \n";

	memset(&err, 0, sizeof(err));
	assert_int_equal(np_tf_decode_hcl(&f->m, bad, strlen(bad), "x.tgz", "infra/a.tf", NULL, &err),
			 NP_EPARSE);
	assert_string_equal(err.file, "x.tgz");
	assert_string_equal(err.member, "infra/a.tf");
	hcl(f, "ignored", AKS);
	np_tf_decode_hcl(&f->m, AKS, strlen(AKS), "x.tgz", "infra/aks.tf", NULL, NULL);
	assert_string_equal(f->m.tf_resources.v[1].module, "x.tgz:infra");
	assert_string_equal(f->m.tf_resources.v[1].loc.member, "infra/aks.tf");
}

static void test_sniffing_hcl(void **state)
{
	(void)state;
	assert_true(np_tf_is_hcl("x/main.tf", "", 0));
	assert_false(np_tf_is_hcl("main.tf.json", "{}", 2));
	assert_true(np_tf_is_hcl("-", "# c\n/* x */\nresource \"a\" \"b\" {\n", 35));
	assert_true(np_tf_is_hcl(NULL, "terraform {\n", 12));
	assert_true(np_tf_is_hcl(NULL, "module eks {", 12));
	assert_false(np_tf_is_hcl(NULL, "resource: x\n", 12));
	assert_false(np_tf_is_hcl(NULL, "kind: Pod\n", 10));
	assert_false(np_tf_is_hcl(NULL, "{\"resource\": {}}", 16));
	assert_false(np_tf_is_hcl(NULL, "resources \"a\" {\n", 17));
}

/* ---------------------------------------------------------------- JSON */

static void test_tf_json_blocks_arrays_and_templates(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;
	const struct np_tf_attr *a;

	json(f, "gke.tf.json",
	     "{\n"
	     "  \"resource\": {\n"
	     "    \"google_container_cluster\": {\n"
	     "      \"g\": {\n"                                              /* 4 */
	     "        \"network_policy\": [{\"enabled\": true}],\n"         /* 5 */
	     "        \"datapath_provider\": \"${var.dp}\",\n"              /* 6 */
	     "        \"name\": \"$${literal}\"\n"
	     "      }\n"
	     "    }\n"
	     "  },\n"
	     "  \"module\": {\"m\": {\"source\": \"./mod\"}}\n"
	     "}\n");
	t = res(f, "google_container_cluster", "g");
	assert_string_equal(t->format, "json");
	assert_int_equal(t->loc.line, 4);
	a = must(t, "network_policy.enabled");
	assert_string_equal(a->value, "true");
	assert_int_equal(a->vtype, NP_TF_T_BOOL);
	assert_int_equal(a->line, 5);
	a = must(t, "network_policy");
	assert_int_equal(a->line, 5);
	a = must(t, "datapath_provider");
	assert_true(a->unresolved);
	assert_string_equal(a->expr, "${var.dp}");
	assert_string_equal(must(t, "name")->value, "${literal}");
	assert_string_equal(res(f, "module", "m")->calls, "mod");
	assert_int_equal(f->m.n_objects, 2);
	assert_int_equal(f->m.n_k8s_objects, 0);
}

static const char PLAN[] =
	"{\n"
	"  \"format_version\": \"1.2\",\n"
	"  \"terraform_version\": \"1.9.5\",\n"
	"  \"planned_values\": {\"root_module\": {}},\n"
	"  \"resource_changes\": [\n"
	"    {\n"
	"      \"address\": \"module.eks.aws_eks_cluster.this[0]\",\n"        /* 7 */
	"      \"module_address\": \"module.eks\",\n"
	"      \"mode\": \"managed\", \"type\": \"aws_eks_cluster\", \"name\": \"this\", \"index\": 0,\n"
	"      \"change\": {\n"
	"        \"actions\": [\"create\"],\n"
	"        \"after\": {\"name\": \"prod\", \"compute_config\": [], \"vpc_config\": [{}]},\n"
	"        \"after_unknown\": {\"arn\": true, \"compute_config\": []}\n"
	"      }\n"
	"    },\n"
	"    {\n"
	"      \"address\": \"aws_eks_addon.vpc[\\\"a\\\"]\",\n"                  /* 17 */
	"      \"mode\": \"managed\", \"type\": \"aws_eks_addon\", \"name\": \"vpc\", \"index\": \"a\",\n"
	"      \"change\": {\n"
	"        \"actions\": [\"create\"],\n"
	"        \"after\": {\"addon_name\": \"vpc-cni\", \"cluster_name\": \"prod\", \"configuration_values\": null},\n" /* 21 */
	"        \"after_unknown\": {\"configuration_values\": true}\n"
	"      }\n"
	"    },\n"
	"    {\n"
	"      \"address\": \"aws_eks_addon.gone\",\n"
	"      \"mode\": \"managed\", \"type\": \"aws_eks_addon\", \"name\": \"gone\",\n"
	"      \"change\": {\"actions\": [\"delete\"], \"after\": null}\n"
	"    },\n"
	"    {\n"
	"      \"address\": \"data.aws_eks_cluster.x\",\n"
	"      \"mode\": \"data\", \"type\": \"aws_eks_cluster\", \"name\": \"x\",\n"
	"      \"change\": {\"actions\": [\"read\"], \"after\": {}}\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void test_plan_resource_changes_with_modules_and_unknowns(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;
	const struct np_tf_attr *a;

	json(f, "plan.json", PLAN);
	assert_int_equal(f->m.tf_resources.n, 2);
	t = res(f, "aws_eks_cluster", "this[0]");
	assert_string_equal(t->format, "plan");
	assert_string_equal(t->module, "plan.json#module.eks");
	assert_int_equal(t->loc.line, 7);
	assert_string_equal(must(t, "name")->value, "prod");
	/* an empty list of blocks is no block */
	assert_null(attr(t, "compute_config"));
	t = res(f, "aws_eks_addon", "vpc[\"a\"]");
	assert_string_equal(t->module, "plan.json#");
	a = must(t, "configuration_values");
	assert_true(a->unresolved);
	assert_string_equal(a->expr, "(known after apply)");
	assert_int_equal(a->line, 21);
	assert_true(must(t, "configuration_values.enableNetworkPolicy")->unresolved);
}

static void test_planned_values_without_changes_walk_child_modules(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;

	json(f, "plan.json",
	     "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\n"
	     "  \"resources\": [],\n"
	     "  \"child_modules\": [{\"address\": \"module.gke\", \"resources\": [\n"
	     "    {\"address\": \"module.gke.google_container_cluster.c\", \"mode\": \"managed\",\n"
	     "     \"type\": \"google_container_cluster\", \"name\": \"c\",\n"
	     "     \"values\": {\"datapath_provider\": \"ADVANCED_DATAPATH\", \"network_policy\": [],\n"
	     "                \"enable_autopilot\": null}}\n"
	     "  ]}]\n"
	     "}}}\n");
	t = res(f, "google_container_cluster", "c");
	assert_string_equal(t->module, "plan.json#module.gke");
	assert_string_equal(must(t, "datapath_provider")->value, "ADVANCED_DATAPATH");
	assert_int_equal(must(t, "datapath_provider")->line, 6);
	assert_null(attr(t, "network_policy"));
	/* null in a plan is how an unset attribute is written */
	assert_null(attr(t, "enable_autopilot"));
}

static void test_state_values(void **state)
{
	struct fx *f = *state;
	const struct np_tf_resource *t;

	json(f, "state.json",
	     "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [\n"
	     "  {\"address\": \"azurerm_kubernetes_cluster.k\", \"mode\": \"managed\",\n"
	     "   \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"k\",\n"
	     "   \"values\": {\"network_profile\": [{\"network_plugin\": \"azure\", \"network_policy\": \"azure\"}]}}\n"
	     "]}}}\n");
	t = res(f, "azurerm_kubernetes_cluster", "k");
	assert_string_equal(t->format, "state");
	assert_int_equal(t->n_blocks_network_profile, 1);
	assert_string_equal(must(t, "network_profile.network_policy")->value, "azure");
}

static void test_other_json_is_left_to_the_kubernetes_decoder(void **state)
{
	struct fx *f = *state;

	json(f, "x.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"},"
			  " \"resource\": {}}");
	json(f, "y.json", "{\"format_version\": \"1\"}");
	assert_int_equal(f->m.tf_resources.n, 0);
	assert_int_equal(f->m.n_k8s_objects, 1);
}

/* ======================================================= NP-104 rules */

static const char AKS_CASES[] =
	"resource \"azurerm_kubernetes_cluster\" \"none\" {\n"          /* 1 */
	"}\n"
	"resource \"azurerm_kubernetes_cluster\" \"empty\" {\n"         /* 3 */
	"  network_profile {\n"                                          /* 4 */
	"  }\n"
	"}\n";

static void test_np104_fails_without_network_profile_or_policy(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", AKS_CASES);
	assert_control(f, "NP-104", false, NP_ST_FAIL, "FAIL@1 FAIL@4");
}

static void test_np104_passes_azure_calico_and_cilium_with_its_data_plane(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"a\" {\n"
		       "  network_profile {\n    network_policy = \"azure\"\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"c\" {\n"
		       "  network_profile {\n    network_policy = \"calico\"\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"ci\" {\n"
		       "  network_profile {\n    network_plugin = \"azure\"\n"
		       "    network_policy = \"cilium\"\n    network_data_plane = \"cilium\"\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"old\" {\n"
		       "  network_profile {\n    network_policy = \"cilium\"\n"
		       "    ebpf_data_plane = \"cilium\"\n  }\n}\n");
	assert_control(f, "NP-104", false, NP_ST_PASS, "");
	assert_int_equal(f->r.controls.v[0].passing, 4);
	assert_int_equal(f->r.controls.v[0].evaluated, 4);
}

static void test_np104_cilium_without_cilium_data_plane_fails(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"a\" {\n"
		       "  network_profile {\n    network_policy = \"cilium\"\n"
		       "    network_data_plane = \"azure\"\n  }\n}\n");
	assert_control(f, "NP-104", false, NP_ST_FAIL, "FAIL@3");
}

static void test_np104_value_matching_is_case_sensitive(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"a\" {\n"
		       "  network_profile {\n    network_policy = \"Azure\"\n  }\n}\n");
	assert_control(f, "NP-104", false, NP_ST_FAIL, "FAIL@3");
}

static void test_np104_byo_cni_and_unresolved_values_warn(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"byo\" {\n"
		       "  network_profile {\n    network_plugin = \"none\"\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"var\" {\n"
		       "  network_profile {\n    network_policy = var.policy\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"dyn\" {\n"
		       "  dynamic \"network_profile\" {\n    for_each = [1]\n    content {}\n  }\n}\n");
	assert_control(f, "NP-104", false, NP_ST_WARN, "WARN@3 WARN@8 WARN@12");
	assert_non_null(strstr(f->r.controls.v[0].findings.v[0].message, "NP-101"));
	assert_non_null(strstr(f->r.controls.v[0].findings.v[1].message, "var.policy"));
}

static void test_np104_one_finding_per_resource_and_worst_status(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"w\" {\n"
		       "  network_profile {\n    network_policy = var.p\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"n\" {\n"
		       "  network_profile {\n    network_policy = null\n  }\n}\n");
	assert_control(f, "NP-104", false, NP_ST_FAIL, "WARN@3 FAIL@8");
}

static void test_np104_kics_reproduces_the_query_lines(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", AKS_CASES);
	hcl(f, "b.tf", "resource \"azurerm_kubernetes_cluster\" \"bad\" {\n"
		       "  network_profile {\n    network_policy = \"roxanne\"\n  }\n}\n");
	assert_control(f, "NP-104", true, NP_ST_FAIL, "FAIL@1 FAIL@4 FAIL@3");
}

static void test_np104_kics_accepts_only_azure_and_calico(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"ci\" {\n"
		       "  network_profile {\n    network_policy = \"cilium\"\n"
		       "    network_data_plane = \"cilium\"\n  }\n}\n");
	assert_control(f, "NP-104", true, NP_ST_FAIL, "FAIL@3");
}

static void test_np104_kics_null_policy_reports_twice(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"n\" {\n"
		       "  network_profile {\n    network_policy = null\n  }\n}\n");
	assert_control(f, "NP-104", true, NP_ST_FAIL, "FAIL@3 FAIL@2");
}

static void test_np104_kics_several_profiles_report_at_the_block(void **state)
{
	struct fx *f = *state;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"n\" {\n"
		       "  network_profile {\n    network_policy = \"azure\"\n  }\n"
		       "  network_profile {\n    network_policy = \"azure\"\n  }\n}\n");
	assert_control(f, "NP-104", true, NP_ST_FAIL, "FAIL@2");
}

static void test_np104_kics_judges_unresolved_as_text(void **state)
{
	struct fx *f = *state;
	struct np_control_result *r;

	hcl(f, "a.tf", "resource \"azurerm_kubernetes_cluster\" \"v\" {\n"
		       "  network_profile {\n    network_policy = var.policy\n  }\n}\n"
		       "resource \"azurerm_kubernetes_cluster\" \"d\" {\n"
		       "  dynamic \"network_profile\" {\n    for_each = [1]\n    content {}\n  }\n}\n");
	r = control(f, "NP-104", true);
	assert_string_equal(findings(r), "FAIL@3 FAIL@6");
	assert_non_null(strstr(r->findings.v[0].message, "var.policy"));
}

static void test_np104_terraform_only_names_the_resource_and_sets_the_platform(void **state)
{
	struct fx *f = *state;
	const struct np_finding *fd;
	struct np_control_result *r;

	hcl(f, "infra/aks.tf", AKS_CASES);
	r = control(f, "NP-104", false);
	fd = &r->findings.v[0];
	assert_string_equal(fd->kind, "azurerm_kubernetes_cluster");
	assert_string_equal(fd->name, "none");
	assert_null(fd->namespace);
	assert_string_equal(fd->loc.file, "infra/aks.tf");
	assert_int_equal(fd->loc.object_line, 1);
	assert_non_null(r->remediation);
	assert_int_equal(np_cni_detect(&f->r, &f->m), 0);
	assert_string_equal(f->r.cluster.platform, "aks");
}

/* ======================================================= NP-105 rules */

static void test_np105_passes_with_vpc_cni_enable_network_policy(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/cluster.tf", EKS_CLUSTER);
	hcl(f, "eks/addons.tf", "resource \"aws_eks_addon\" \"vpc\" {\n"
				"  cluster_name = aws_eks_cluster.main.name\n"
				"  addon_name = \"vpc-cni\"\n"
				"  configuration_values = jsonencode({ enableNetworkPolicy = \"true\" })\n}\n");
	assert_control(f, "NP-105", false, NP_ST_PASS, "");
}

static void test_np105_boolean_true_passes_with_a_note(void **state)
{
	struct fx *f = *state;
	struct np_control_result *r;

	hcl(f, "eks/main.tf", "resource \"aws_eks_cluster\" \"main\" {}\n"
			      "resource \"aws_eks_addon\" \"vpc\" {\n"
			      "  cluster_name = var.name\n  addon_name = \"vpc-cni\"\n"
			      "  configuration_values = jsonencode({ enableNetworkPolicy = true })\n}\n");
	r = control(f, "NP-105", false);
	assert_int_equal(r->status, NP_ST_PASS);
	assert_non_null(strstr(r->summary, "boolean"));
	assert_int_equal(f->r.notes.n, 1);
}

static void test_np105_fails_without_the_setting(void **state)
{
	struct fx *f = *state;
	struct np_control_result *r;

	hcl(f, "eks/main.tf", "resource \"aws_eks_cluster\" \"main\" {\n  name = \"prod\"\n}\n"
			      "resource \"aws_eks_addon\" \"vpc\" {\n"                  /* 4 */
			      "  cluster_name = \"prod\"\n  addon_name = \"vpc-cni\"\n"
			      "  configuration_values = jsonencode({ enableNetworkPolicy = \"false\" })\n}\n");
	r = control(f, "NP-105", false);
	assert_string_equal(findings(r), "FAIL@7");
	assert_string_equal(r->findings.v[0].kind, "aws_eks_addon");
}

static void test_np105_fails_without_any_addon(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/main.tf", EKS_CLUSTER);
	assert_control(f, "NP-105", false, NP_ST_FAIL, "FAIL@1");
}

static void test_np105_calico_or_cilium_helm_release_passes(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/main.tf", EKS_CLUSTER);
	hcl(f, "eks/cni.tf", "resource \"helm_release\" \"cal\" {\n"
			     "  repository = \"https://docs.tigera.io/calico/charts\"\n"
			     "  chart = \"tigera-operator\"\n}\n");
	assert_control(f, "NP-105", false, NP_ST_PASS, "");
}

static void test_np105_other_helm_release_does_not_pass(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/main.tf", EKS_CLUSTER);
	hcl(f, "eks/cni.tf", "resource \"helm_release\" \"m\" {\n  chart = \"metrics-server\"\n}\n");
	assert_control(f, "NP-105", false, NP_ST_FAIL, "FAIL@1");
}

static void test_np105_auto_mode_warns(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/main.tf", "resource \"aws_eks_cluster\" \"main\" {\n"
			      "  compute_config {\n    enabled = true\n  }\n}\n");
	assert_control(f, "NP-105", false, NP_ST_WARN, "WARN@3");
}

static void test_np105_unresolved_configuration_values_warn(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/main.tf", "resource \"aws_eks_cluster\" \"main\" {}\n"
			      "resource \"aws_eks_addon\" \"vpc\" {\n"
			      "  cluster_name = aws_eks_cluster.main.id\n  addon_name = \"vpc-cni\"\n"
			      "  configuration_values = file(\"vpc-cni.json\")\n}\n");
	assert_control(f, "NP-105", false, NP_ST_WARN, "WARN@5");
}

static void test_np105_addon_of_another_cluster_does_not_count(void **state)
{
	struct fx *f = *state;
	struct np_control_result *r;

	hcl(f, "eks/main.tf", "resource \"aws_eks_cluster\" \"a\" {}\n"
			      "resource \"aws_eks_cluster\" \"b\" {}\n"
			      "resource \"aws_eks_addon\" \"vpc\" {\n"
			      "  cluster_name = aws_eks_cluster.b.name\n  addon_name = \"vpc-cni\"\n"
			      "  configuration_values = jsonencode({ enableNetworkPolicy = \"true\" })\n}\n");
	r = control(f, "NP-105", false);
	assert_int_equal(r->status, NP_ST_FAIL);
	assert_string_equal(findings(r), "FAIL@1");
	assert_string_equal(r->findings.v[0].name, "a");
	assert_int_equal(r->passing, 1);
	assert_int_equal(r->evaluated, 2);
}

static void test_np105_module_reference_reaches_the_module_cluster(void **state)
{
	struct fx *f = *state;

	hcl(f, "infra/modules/eks/main.tf", EKS_CLUSTER);
	hcl(f, "infra/main.tf", "module \"eks\" {\n  source = \"./modules/eks\"\n}\n"
				"resource \"aws_eks_addon\" \"vpc\" {\n"
				"  cluster_name = module.eks.cluster_name\n  addon_name = \"vpc-cni\"\n"
				"  configuration_values = jsonencode({ enableNetworkPolicy = \"true\" })\n}\n");
	assert_control(f, "NP-105", false, NP_ST_PASS, "");
}

static void test_np105_ambiguous_addon_warns(void **state)
{
	struct fx *f = *state;

	hcl(f, "eks/main.tf", "resource \"aws_eks_cluster\" \"a\" {}\n"
			      "resource \"aws_eks_cluster\" \"b\" {}\n"
			      "resource \"aws_eks_addon\" \"vpc\" {\n"
			      "  cluster_name = var.cluster\n  addon_name = \"vpc-cni\"\n"
			      "  configuration_values = jsonencode({ enableNetworkPolicy = \"true\" })\n}\n");
	assert_control(f, "NP-105", false, NP_ST_WARN, "WARN@1 WARN@2");
}

static void test_np105_plan_matches_addon_by_cluster_name(void **state)
{
	struct fx *f = *state;

	json(f, "plan.json",
	     "{\"format_version\": \"1.2\", \"resource_changes\": [\n"
	     " {\"address\": \"module.eks.aws_eks_cluster.this\", \"module_address\": \"module.eks\",\n"
	     "  \"mode\": \"managed\", \"type\": \"aws_eks_cluster\", \"name\": \"this\",\n"
	     "  \"change\": {\"after\": {\"name\": \"prod\"}, \"after_unknown\": {}}},\n"
	     " {\"address\": \"aws_eks_addon.vpc\", \"mode\": \"managed\", \"type\": \"aws_eks_addon\",\n"
	     "  \"name\": \"vpc\", \"change\": {\"after\": {\"cluster_name\": \"prod\",\n"
	     "  \"addon_name\": \"vpc-cni\", \"configuration_values\": \"{\\\"enableNetworkPolicy\\\":\\\"true\\\"}\"},\n"
	     "  \"after_unknown\": {}}}\n"
	     "]}\n");
	assert_control(f, "NP-105", false, NP_ST_PASS, "");
}

/* ======================================================= NP-106 rules */

static void test_np106_rules(void **state)
{
	struct fx *f = *state;

	hcl(f, "gke.tf",
	    "resource \"google_container_cluster\" \"dp\" {\n"                      /* 1 */
	    "  datapath_provider = \"ADVANCED_DATAPATH\"\n}\n"
	    "resource \"google_container_cluster\" \"ap\" {\n"                      /* 4 */
	    "  enable_autopilot = true\n}\n"
	    "resource \"google_container_cluster\" \"np\" {\n"                      /* 7 */
	    "  network_policy {\n    enabled = true\n  }\n"
	    "  addons_config {\n    network_policy_config {\n      disabled = false\n    }\n  }\n}\n"
	    "resource \"google_container_cluster\" \"off\" {\n"                     /* 17 */
	    "  network_policy {\n    enabled = false\n  }\n}\n"                     /* 19 */
	    "resource \"google_container_cluster\" \"bare\" {\n}\n"                  /* 22 */
	    "resource \"google_container_cluster\" \"both\" {\n"                    /* 24 */
	    "  datapath_provider = \"ADVANCED_DATAPATH\"\n"
	    "  network_policy {\n    enabled = true\n  }\n}\n"                      /* 27 */
	    "resource \"google_container_cluster\" \"var\" {\n"                     /* 30 */
	    "  datapath_provider = var.dp\n}\n"                                     /* 31 */
	    "resource \"google_container_cluster\" \"addon_off\" {\n"               /* 33 */
	    "  network_policy {\n    enabled = true\n  }\n"
	    "  addons_config {\n    network_policy_config {\n      disabled = true\n    }\n  }\n}\n");
	assert_control(f, "NP-106", false, NP_ST_FAIL, "FAIL@19 FAIL@22 WARN@27 WARN@31 FAIL@39");
	assert_int_equal(f->r.controls.v[0].passing, 3);
	assert_int_equal(f->r.controls.v[0].evaluated, 8);
}

static void test_np106_unresolved_value_that_cannot_change_the_verdict_still_fails(void **state)
{
	struct fx *f = *state;

	hcl(f, "gke.tf", "resource \"google_container_cluster\" \"c\" {\n"
			 "  network_policy {\n    enabled = false\n  }\n"
			 "  addons_config {\n    network_policy_config {\n      disabled = var.d\n"
			 "    }\n  }\n}\n");
	assert_control(f, "NP-106", false, NP_ST_FAIL, "FAIL@3");
}

static void test_np106_string_booleans_convert_as_terraform_does(void **state)
{
	struct fx *f = *state;

	hcl(f, "gke.tf", "resource \"google_container_cluster\" \"c\" {\n"
			 "  network_policy {\n    enabled = \"true\"\n  }\n"
			 "  addons_config {\n    network_policy_config {\n      disabled = \"false\"\n"
			 "    }\n  }\n}\n");
	assert_control(f, "NP-106", false, NP_ST_PASS, "");
}

static void test_np106_kics_r3_reports_beside_r1(void **state)
{
	struct fx *f = *state;

	hcl(f, "gke.tf", "resource \"google_container_cluster\" \"c\" {\n"
			 "  network_policy {\n    enabled = false\n  }\n}\n"
			 "resource \"google_container_cluster\" \"d\" {\n"         /* 6 */
			 "  network_policy {\n    enabled = false\n  }\n"          /* 8 */
			 "  addons_config {}\n}\n");                               /* 10 */
	assert_control(f, "NP-106", true, NP_ST_FAIL, "FAIL@1 FAIL@3 FAIL@10 FAIL@8");
}

static void test_np106_kics_fails_dataplane_v2_and_autopilot(void **state)
{
	struct fx *f = *state;

	hcl(f, "gke.tf", "resource \"google_container_cluster\" \"dp\" {\n"
			 "  datapath_provider = \"ADVANCED_DATAPATH\"\n}\n"
			 "resource \"google_container_cluster\" \"ap\" {\n  enable_autopilot = true\n}\n");
	assert_control(f, "NP-106", true, NP_ST_FAIL, "FAIL@1 FAIL@4");
}

static void test_np106_kics_string_false_is_not_false(void **state)
{
	struct fx *f = *state;

	hcl(f, "gke.tf", "resource \"google_container_cluster\" \"c\" {\n"
			 "  network_policy {\n    enabled = \"false\"\n  }\n"
			 "  addons_config {\n    network_policy_config {\n      disabled = false\n"
			 "    }\n  }\n}\n");
	assert_control(f, "NP-106", true, NP_ST_PASS, "");
}

/* =================================================== loading and platform */

static void test_directory_mixing_manifests_and_terraform(void **state)
{
	struct fx *f = *state;
	struct np_load_options opt;
	struct np_error err;
	const char *paths[] = { NP_TEST_DATA "/terraform/mixed" };

	memset(&opt, 0, sizeof(opt));
	np_limits_default(&opt.limits);
	memset(&err, 0, sizeof(err));
	assert_int_equal(np_snapshot_load(&f->m, paths, 1, &opt, &err), 0);
	assert_int_equal(f->m.tf_resources.n, 1);
	assert_true(f->m.n_k8s_objects >= 1);
	assert_string_equal(f->m.tf_resources.v[0].loc.file, NP_TEST_DATA "/terraform/mixed/gke.tf");
}

static void test_terraform_platform_does_not_run_cluster_rules(void **state)
{
	struct fx *f = *state;
	struct np_control_result *r;

	hcl(f, "gke.tf", "resource \"google_container_cluster\" \"dp\" {\n"
			 "  datapath_provider = \"ADVANCED_DATAPATH\"\n}\n");
	r = control(f, "NP-106", false);
	/* no Nodes: no "0 of 0 nodes" verdict from the cluster-state rules */
	assert_int_equal(r->status, NP_ST_PASS);
	assert_int_equal(r->findings.n, 0);
	assert_null(strstr(r->summary, "nodes"));
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_hcl_resource_attributes_keep_their_lines),
		T(test_every_resource_counts_as_a_recognised_object),
		T(test_repeated_blocks_are_each_recorded),
		T(test_unresolved_values_keep_their_text_and_reference),
		T(test_dynamic_block_is_an_unresolved_block),
		T(test_null_literal_is_recorded_as_null),
		T(test_module_call_resolves_its_local_source),
		T(test_module_directories_are_normalised),
		T(test_configuration_values_from_jsonencode),
		T(test_configuration_values_from_json_and_yaml_strings),
		T(test_partly_unresolved_jsonencode_still_tells_enable_network_policy),
		T(test_invalid_configuration_values_warn),
		T(test_hcl_parse_error_names_file_line_and_column),
		T(test_archive_member_names_the_error_and_the_module),
		T(test_sniffing_hcl),
		T(test_tf_json_blocks_arrays_and_templates),
		T(test_plan_resource_changes_with_modules_and_unknowns),
		T(test_planned_values_without_changes_walk_child_modules),
		T(test_state_values),
		T(test_other_json_is_left_to_the_kubernetes_decoder),
		T(test_np104_fails_without_network_profile_or_policy),
		T(test_np104_passes_azure_calico_and_cilium_with_its_data_plane),
		T(test_np104_cilium_without_cilium_data_plane_fails),
		T(test_np104_value_matching_is_case_sensitive),
		T(test_np104_byo_cni_and_unresolved_values_warn),
		T(test_np104_one_finding_per_resource_and_worst_status),
		T(test_np104_kics_reproduces_the_query_lines),
		T(test_np104_kics_accepts_only_azure_and_calico),
		T(test_np104_kics_null_policy_reports_twice),
		T(test_np104_kics_several_profiles_report_at_the_block),
		T(test_np104_kics_judges_unresolved_as_text),
		T(test_np104_terraform_only_names_the_resource_and_sets_the_platform),
		T(test_np105_passes_with_vpc_cni_enable_network_policy),
		T(test_np105_boolean_true_passes_with_a_note),
		T(test_np105_fails_without_the_setting),
		T(test_np105_fails_without_any_addon),
		T(test_np105_calico_or_cilium_helm_release_passes),
		T(test_np105_other_helm_release_does_not_pass),
		T(test_np105_auto_mode_warns),
		T(test_np105_unresolved_configuration_values_warn),
		T(test_np105_addon_of_another_cluster_does_not_count),
		T(test_np105_module_reference_reaches_the_module_cluster),
		T(test_np105_ambiguous_addon_warns),
		T(test_np105_plan_matches_addon_by_cluster_name),
		T(test_np106_rules),
		T(test_np106_unresolved_value_that_cannot_change_the_verdict_still_fails),
		T(test_np106_string_booleans_convert_as_terraform_does),
		T(test_np106_kics_r3_reports_beside_r1),
		T(test_np106_kics_fails_dataplane_v2_and_autopilot),
		T(test_np106_kics_string_false_is_not_false),
		T(test_directory_mixing_manifests_and_terraform),
		T(test_terraform_platform_does_not_run_cluster_rules),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
