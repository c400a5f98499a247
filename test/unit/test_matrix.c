/* The coverage matrix: rows, groups, cells and listed policies, on models
 * built in C (no fixtures). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/coverage.h"
#include "netpol/csv.h"
#include "netpol/html.h"
#include "netpol/matrix.h"
#include "netpol/selector.h"

/* ---- model building ---- */

/* "a=b,c=d" into l (interned; np_model_finish sorts). */
static void set_labels(struct np_model *m, struct np_labels *l, const char *spec)
{
	char buf[512], *save = NULL, *tok;
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	if (!spec || !*spec)
		return;
	l->keys = np_model_alloc(m, 16 * sizeof(char *));
	l->values = np_model_alloc(m, 16 * sizeof(char *));
	assert_non_null(l->keys);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok && n < 16; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		assert_non_null(eq);
		*eq = '\0';
		l->keys[n] = np_model_str(m, tok);
		l->values[n] = np_model_str(m, eq + 1);
		n++;
	}
	l->n = n;
}

static struct np_pod *add_pod(struct np_model *m, const char *ns, const char *name,
			      const char *labels, const char *owner_kind, const char *owner_name)
{
	struct np_pod *p = np_model_push_pod(m);

	assert_non_null(p);
	p->namespace = np_model_str(m, ns);
	p->name = np_model_str(m, name);
	set_labels(m, &p->labels, labels);
	p->phase = np_model_str(m, "Running");
	if (owner_kind) {
		p->has_owner = true;
		p->owner.kind = np_model_str(m, owner_kind);
		p->owner.api_group = np_model_str(m, "apps");
		p->owner.name = np_model_str(m, owner_name);
	}
	return p;
}

static struct np_workload *add_workload(struct np_model *m, const char *ns, const char *kind,
					enum np_workload_kind wk, const char *name, const char *tlabels)
{
	struct np_workload *w = np_model_push_workload(m);

	assert_non_null(w);
	w->wkind = wk;
	w->kind = np_model_str(m, kind);
	w->api_group = np_model_str(m, "apps");
	w->namespace = np_model_str(m, ns);
	w->name = np_model_str(m, name);
	set_labels(m, &w->template_labels, tlabels);
	w->desired = w->ready = -1;
	return w;
}

/* A NetworkPolicy; sel in -l syntax ("" = {}); types: NP_DIR_* bits as
 * written (0 = policyTypes absent); n_egress: egress rules present. */
static struct np_netpol *add_np(struct np_model *m, const char *ns, const char *name,
				const char *sel, unsigned types, size_t n_egress)
{
	struct np_netpol *np = np_model_push_netpol(m);
	struct np_error err;

	assert_non_null(np);
	np->namespace = np_model_str(m, ns);
	np->name = np_model_str(m, name);
	np->api_version = np_model_str(m, "networking.k8s.io/v1");
	np->spec_present = true;
	assert_int_equal(np_selector_parse(&np->pod_selector, m, sel, &err), 0);
	np->types_raw = types ? NP_RAW_ARRAY : NP_RAW_ABSENT;
	np->types_written = types;
	if (n_egress) {
		np->egress = np_model_alloc(m, n_egress * sizeof(*np->egress));
		np->n_egress = n_egress;
		np->egress_present = true;
	}
	np->types_effective = np_netpol_effective_types(np);
	return np;
}

/* A cluster-scoped AdminNetworkPolicy denying all peers in dirs for the pods
 * of every namespace whose pods match sel. */
static struct np_xpolicy *add_anp(struct np_model *m, const char *name, const char *sel,
				  unsigned dirs)
{
	struct np_xpolicy *x = np_model_push_xpolicy(m);
	struct np_error err;

	assert_non_null(x);
	x->xkind = NP_XP_ANP;
	x->kind = np_model_str(m, "AdminNetworkPolicy");
	x->api_group = np_model_str(m, "policy.networking.k8s.io");
	x->name = np_model_str(m, name);
	x->subject_all_namespaces = true;
	assert_int_equal(np_selector_parse(&x->subject_pods, m, sel, &err), 0);
	x->denies_all = dirs;
	x->priority = 10;
	return x;
}

struct fixture {
	struct np_model m;
	struct np_coverage cov;
	struct np_matrix mx;
	struct np_scope scope;
	struct np_matrix_options opt;
	struct np_selector filter;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	np_model_init(&f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	np_matrix_release(&f->mx);
	np_coverage_release(&f->cov);
	np_model_release(&f->m);
	free(f);
	return 0;
}

static void build(struct fixture *f)
{
	struct np_error err;

	np_error_clear(&err);
	assert_int_equal(np_model_finish(&f->m, &err), 0);
	assert_int_equal(np_coverage_build(&f->cov, &f->m, &f->scope, false, &err), 0);
	assert_int_equal(np_matrix_build(&f->mx, &f->m, &f->cov, &f->scope, &f->opt, &err), 0);
}

static const struct np_matrix_block *block(const struct np_matrix *mx, const char *ns)
{
	size_t i;

	for (i = 0; i < mx->n_blocks; i++)
		if (strcmp(mx->blocks[i].namespace, ns) == 0)
			return &mx->blocks[i];
	return NULL;
}

/* Index of a policy by id ("ns/name" or cluster name), SIZE_MAX if absent. */
static size_t policy(const struct np_matrix *mx, const char *id)
{
	size_t i;

	for (i = 0; i < mx->n_policies; i++)
		if (strcmp(mx->policies[i].id, id) == 0)
			return i;
	return SIZE_MAX;
}

static const struct np_matrix_row *row_named(const struct np_matrix_block *b, const char *name,
					     const char *split)
{
	size_t i;

	for (i = 0; i < b->n_rows; i++)
		if (strcmp(b->rows[i].name, name) == 0 &&
		    (split ? b->rows[i].split && strcmp(b->rows[i].split, split) == 0 : true))
			return &b->rows[i];
	return NULL;
}

/* ---- grouping ---- */

static void test_pods_of_one_workload_make_one_row(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "shop", "web-abc-1", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	add_pod(&f->m, "shop", "web-abc-2", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	add_pod(&f->m, "shop", "web-abc-3", "app=web,pod-template-hash=abc", "ReplicaSet", "web-abc");
	build(f);
	b = block(&f->mx, "shop");
	assert_non_null(b);
	assert_int_equal(b->n_rows, 1);
	assert_string_equal(b->rows[0].kind, "Deployment");
	assert_string_equal(b->rows[0].name, "web");
	assert_true(b->rows[0].inferred);
	assert_int_equal(b->rows[0].n_pods, 3);
	assert_null(b->rows[0].split);
}

static void test_workload_splits_when_labels_differ(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;
	const struct np_matrix_row *v1, *v2;

	add_pod(&f->m, "shop", "api-1", "app=api,version=v1", "StatefulSet", "api");
	add_pod(&f->m, "shop", "api-2", "app=api,version=v1", "StatefulSet", "api");
	add_pod(&f->m, "shop", "api-3", "app=api,version=v2", "StatefulSet", "api");
	build(f);
	b = block(&f->mx, "shop");
	assert_int_equal(b->n_rows, 2);
	v1 = row_named(b, "api", "version=v1");
	v2 = row_named(b, "api", "version=v2");
	assert_non_null(v1);
	assert_non_null(v2);
	assert_int_equal(v1->n_pods, 2);
	assert_int_equal(v2->n_pods, 1);
}

static void test_split_names_absent_label(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "shop", "api-1", "app=api,canary=yes", "StatefulSet", "api");
	add_pod(&f->m, "shop", "api-2", "app=api", "StatefulSet", "api");
	build(f);
	b = block(&f->mx, "shop");
	assert_int_equal(b->n_rows, 2);
	assert_non_null(row_named(b, "api", "canary=yes"));
	assert_non_null(row_named(b, "api", "!canary"));
}

static void test_generated_labels_do_not_split(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "db", "pg-0", "app=pg,statefulset.kubernetes.io/pod-name=pg-0,controller-revision-hash=1",
		"StatefulSet", "pg");
	add_pod(&f->m, "db", "pg-1", "app=pg,statefulset.kubernetes.io/pod-name=pg-1,controller-revision-hash=2",
		"StatefulSet", "pg");
	build(f);
	b = block(&f->mx, "db");
	assert_int_equal(b->n_rows, 1);
	assert_int_equal(b->rows[0].n_pods, 2);
}

static void test_generated_labels_split_when_coverage_differs(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "db", "pg-0", "app=pg,statefulset.kubernetes.io/pod-name=pg-0", "StatefulSet", "pg");
	add_pod(&f->m, "db", "pg-1", "app=pg,statefulset.kubernetes.io/pod-name=pg-1", "StatefulSet", "pg");
	add_np(&f->m, "db", "primary", "statefulset.kubernetes.io/pod-name=pg-0", 0, 0);
	build(f);
	b = block(&f->mx, "db");
	assert_int_equal(b->n_rows, 2);
	assert_int_equal(b->rows[0].n_pods + b->rows[1].n_pods, 2);
	assert_true(b->rows[0].ingress_isolated != b->rows[1].ingress_isolated);
}

static void test_bare_pod_row_is_kind_pod(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "default", "debug", "run=debug", NULL, NULL);
	build(f);
	b = block(&f->mx, "default");
	assert_int_equal(b->n_rows, 1);
	assert_string_equal(b->rows[0].kind, "Pod");
	assert_string_equal(b->rows[0].name, "debug");
}

static void test_per_pod_gives_one_row_per_pod(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "shop", "web-2", "app=web", "DaemonSet", "web");
	add_pod(&f->m, "shop", "web-1", "app=web", "DaemonSet", "web");
	f->opt.per_pod = true;
	build(f);
	b = block(&f->mx, "shop");
	assert_int_equal(b->n_rows, 2);
	assert_string_equal(b->rows[0].name, "web-1");
	assert_string_equal(b->rows[1].name, "web-2");
	assert_string_equal(b->rows[0].kind, "Pod");
}

/* ---- cells and isolation ---- */

static void test_cells_show_isolated_directions(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;
	const struct np_matrix_row *r;

	add_pod(&f->m, "shop", "web-1", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "a-ingress", "app=web", 0, 0);                /* [Ingress] */
	add_np(&f->m, "shop", "b-egress", "app=web", NP_DIR_EGRESS, 0);      /* as written */
	add_np(&f->m, "shop", "c-both", "", 0, 1);                           /* defaulted */
	add_np(&f->m, "shop", "d-other", "app=db", 0, 0);
	build(f);
	b = block(&f->mx, "shop");
	r = &b->rows[0];
	assert_int_equal(np_matrix_cell(r, policy(&f->mx, "shop/a-ingress")), NP_DIR_INGRESS);
	assert_int_equal(np_matrix_cell(r, policy(&f->mx, "shop/b-egress")), NP_DIR_EGRESS);
	assert_int_equal(np_matrix_cell(r, policy(&f->mx, "shop/c-both")),
			 NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_int_equal(np_matrix_cell(r, policy(&f->mx, "shop/d-other")), 0);
	assert_true(r->ingress_isolated);
	assert_true(r->egress_isolated);
}

static void test_egress_only_policy_leaves_ingress_open(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "shop", "web-1", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "egress", "", NP_DIR_EGRESS, 0);
	build(f);
	b = block(&f->mx, "shop");
	assert_false(b->rows[0].ingress_isolated);
	assert_true(b->rows[0].egress_isolated);
	assert_int_equal(b->n_uncovered_rows, 0);
}

static void test_host_network_row_is_never_isolated(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;
	size_t p;

	add_pod(&f->m, "kube-system", "agent-1", "app=agent", "DaemonSet", "agent")->host_network = true;
	add_np(&f->m, "kube-system", "deny", "", 0, 1);
	build(f);
	b = block(&f->mx, "kube-system");
	assert_int_equal(b->n_rows, 1);
	assert_true(b->rows[0].host_network);
	assert_false(b->rows[0].ingress_isolated);
	assert_false(b->rows[0].egress_isolated);
	p = policy(&f->mx, "kube-system/deny");
	assert_int_equal(np_matrix_cell(&b->rows[0], p), 0);
	assert_int_equal(f->mx.policies[p].n_selected, 0);
	/* Not a coverage failure either (DESIGN §4). */
	assert_int_equal(b->n_uncovered_rows, 0);
}

static void test_template_row_stands_for_workload_without_pods(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_workload(&f->m, "shop", "Deployment", NP_WL_DEPLOYMENT, "batch", "app=batch");
	add_np(&f->m, "shop", "deny", "app=batch", 0, 0);
	build(f);
	b = block(&f->mx, "shop");
	assert_int_equal(b->n_rows, 1);
	assert_true(b->rows[0].is_template);
	assert_string_equal(b->rows[0].kind, "Deployment");
	assert_true(b->rows[0].ingress_isolated);
	assert_true(f->mx.pods[0].pod->is_template);
}

static void test_idle_template_is_not_shown(void **state)
{
	struct fixture *f = *state;

	add_workload(&f->m, "shop", "Deployment", NP_WL_DEPLOYMENT, "idle", "app=idle")->uid =
		np_model_str(&f->m, "uid-1");
	build(f);
	assert_int_equal(f->mx.n_pods, 0);
}

static void test_terminated_pods_are_not_shown(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "jobs", "run-1", "app=run", NULL, NULL)->phase = np_model_str(&f->m, "Succeeded");
	add_pod(&f->m, "jobs", "run-2", "app=run", NULL, NULL)->phase = np_model_str(&f->m, "Failed");
	add_pod(&f->m, "jobs", "run-3", "app=run", NULL, NULL);
	build(f);
	assert_int_equal(f->mx.n_pods, 1);
	assert_string_equal(f->mx.pods[0].pod->name, "run-3");
}

static void test_uncovered_rows_are_counted(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "shop", "a", "app=a", NULL, NULL);
	add_pod(&f->m, "shop", "b", "app=b", NULL, NULL);
	add_np(&f->m, "shop", "only-a", "app=a", 0, 0);
	build(f);
	assert_int_equal(block(&f->mx, "shop")->n_uncovered_rows, 1);
}

/* ---- listed policies ---- */

static void test_policies_select_pods_in_pod_order(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_policy *p;

	add_pod(&f->m, "shop", "web-2", "app=web", NULL, NULL);
	add_pod(&f->m, "shop", "web-1", "app=web", NULL, NULL);
	add_pod(&f->m, "shop", "db", "app=db", NULL, NULL);
	add_np(&f->m, "shop", "web", "app=web", 0, 0);
	build(f);
	p = &f->mx.policies[policy(&f->mx, "shop/web")];
	assert_int_equal(p->n_selected, 2);
	assert_string_equal(f->mx.pods[p->selected[0]].pod->name, "web-1");
	assert_string_equal(f->mx.pods[p->selected[1]].pod->name, "web-2");
}

static void test_policy_types_written_and_effective(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_policy *absent, *egress;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "absent", "", 0, 2);
	add_np(&f->m, "shop", "egress", "", NP_DIR_EGRESS, 0);
	build(f);
	absent = &f->mx.policies[policy(&f->mx, "shop/absent")];
	egress = &f->mx.policies[policy(&f->mx, "shop/egress")];
	assert_false(absent->types_written_present);
	assert_int_equal(absent->types_effective, NP_DIR_INGRESS | NP_DIR_EGRESS);
	assert_true(egress->types_written_present);
	assert_int_equal(egress->types_written, NP_DIR_EGRESS);
	assert_int_equal(egress->types_effective, NP_DIR_EGRESS);
}

static void test_policy_selecting_nothing_is_a_column(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "stale", "app=gone", 0, 0);
	add_np(&f->m, "empty-ns", "deny", "", 0, 0);
	build(f);
	b = block(&f->mx, "shop");
	assert_int_equal(b->n_policies, 1);
	assert_int_equal(f->mx.policies[b->policies[0]].n_selected, 0);
	/* A namespace with a policy and no pod still gets a block. */
	b = block(&f->mx, "empty-ns");
	assert_non_null(b);
	assert_int_equal(b->n_rows, 0);
	assert_int_equal(b->n_policies, 1);
}

static void test_label_filter_keeps_matching_pods_and_their_policies(void **state)
{
	struct fixture *f = *state;
	struct np_error err;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_pod(&f->m, "shop", "db", "app=db", NULL, NULL);
	add_pod(&f->m, "other", "x", "app=x", NULL, NULL);
	add_np(&f->m, "shop", "web", "app=web", 0, 0);
	add_np(&f->m, "shop", "db", "app=db", 0, 0);
	add_np(&f->m, "other", "x", "", 0, 0);
	assert_int_equal(np_selector_parse(&f->filter, &f->m, "app in (web,x)", &err), 0);
	f->opt.label_filter = &f->filter;
	build(f);
	assert_int_equal(f->mx.n_pods, 2);
	assert_int_equal(f->mx.n_policies, 2);
	assert_true(policy(&f->mx, "shop/web") != SIZE_MAX);
	assert_true(policy(&f->mx, "other/x") != SIZE_MAX);
	assert_true(policy(&f->mx, "shop/db") == SIZE_MAX);
}

static void test_label_filter_drops_namespaces_without_shown_pods(void **state)
{
	struct fixture *f = *state;
	struct np_error err;

	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "empty", "deny", "", 0, 0);
	assert_int_equal(np_selector_parse(&f->filter, &f->m, "app=web", &err), 0);
	f->opt.label_filter = &f->filter;
	build(f);
	assert_int_equal(f->mx.n_blocks, 1);
	assert_string_equal(f->mx.blocks[0].namespace, "shop");
}

static void test_cluster_scoped_policy_follows_namespace_policies(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;
	size_t anp;

	add_pod(&f->m, "a", "web", "app=web", NULL, NULL);
	add_pod(&f->m, "b", "web", "app=web", NULL, NULL);
	add_np(&f->m, "a", "zz-local", "", 0, 0);
	add_anp(&f->m, "deny-web", "app=web", NP_DIR_EGRESS);
	build(f);
	anp = policy(&f->mx, "deny-web");
	assert_true(anp != SIZE_MAX);
	assert_null(f->mx.policies[anp].namespace);
	assert_int_equal(f->mx.policies[anp].n_selected, 2);
	b = block(&f->mx, "a");
	assert_int_equal(b->n_policies, 2);
	assert_string_equal(f->mx.policies[b->policies[0]].id, "a/zz-local");
	assert_int_equal(b->policies[1], anp);
	assert_int_equal(np_matrix_cell(&b->rows[0], anp), NP_DIR_EGRESS);
	b = block(&f->mx, "b");
	assert_int_equal(b->n_policies, 1);
	assert_true(b->rows[0].egress_isolated);
}

static void test_namespace_scope_limits_blocks(void **state)
{
	struct fixture *f = *state;

	add_pod(&f->m, "a", "web", "app=web", NULL, NULL);
	add_pod(&f->m, "b", "web", "app=web", NULL, NULL);
	add_np(&f->m, "b", "deny", "", 0, 0);
	add_anp(&f->m, "unused", "app=nothing", NP_DIR_INGRESS);
	f->scope.only_namespace = "a";
	build(f);
	assert_int_equal(f->mx.n_blocks, 1);
	assert_string_equal(f->mx.blocks[0].namespace, "a");
	assert_int_equal(f->mx.n_pods, 1);
	/* Neither b's policy nor a cluster-scoped one selecting nothing here. */
	assert_int_equal(f->mx.n_policies, 0);
}

static void test_excluded_namespace_is_left_out(void **state)
{
	struct fixture *f = *state;
	const char *globs[] = { "kube-*" };

	add_pod(&f->m, "kube-system", "dns", "k8s-app=kube-dns", NULL, NULL);
	add_pod(&f->m, "shop", "web", "app=web", NULL, NULL);
	add_np(&f->m, "kube-system", "deny", "", 0, 0);
	f->scope.exclude_globs = globs;
	f->scope.n_globs = 1;
	build(f);
	assert_int_equal(f->mx.n_blocks, 1);
	assert_true(policy(&f->mx, "kube-system/deny") == SIZE_MAX);
}

static void test_blocks_rows_and_policies_are_sorted(void **state)
{
	struct fixture *f = *state;
	const struct np_matrix_block *b;

	add_pod(&f->m, "zeta", "z", "app=z", NULL, NULL);
	add_pod(&f->m, "alpha", "b", "app=b", NULL, NULL);
	add_pod(&f->m, "alpha", "a", "app=a", NULL, NULL);
	add_np(&f->m, "alpha", "p2", "", 0, 0);
	add_np(&f->m, "alpha", "p1", "", 0, 0);
	build(f);
	assert_string_equal(f->mx.blocks[0].namespace, "alpha");
	assert_string_equal(f->mx.blocks[1].namespace, "zeta");
	b = &f->mx.blocks[0];
	assert_string_equal(b->rows[0].name, "a");
	assert_string_equal(b->rows[1].name, "b");
	assert_string_equal(f->mx.policies[b->policies[0]].name, "p1");
	assert_string_equal(f->mx.policies[b->policies[1]].name, "p2");
	assert_string_equal(f->mx.pods[0].pod->name, "a");
}

static void test_empty_model_gives_empty_matrix(void **state)
{
	struct fixture *f = *state;

	build(f);
	assert_int_equal(f->mx.n_blocks, 0);
	assert_int_equal(f->mx.n_pods, 0);
	assert_int_equal(f->mx.n_policies, 0);
}

/* ---- csv and html output of the matrix ---- */

static char *csv_of(const char *cell)
{
	struct np_strbuf b;

	np_strbuf_init(&b);
	np_csv_cell(&b, cell, true);
	return b.s ? b.s : strdup("");
}

static void test_csv_guards_formula_starts(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "=1+2", "'=1+2" }, { "+1", "'+1" }, { "-1", "'-1" }, { "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" }, { "\rx", "\"'\rx\"" }, { "a=b", "a=b" }, { "web", "web" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = csv_of(cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_csv_quotes_separators_and_quotes(void **state)
{
	char *got;

	(void)state;
	got = csv_of("a,b \"c\"");
	assert_string_equal(got, "\"a,b \"\"c\"\"\"");
	free(got);
	got = csv_of("line\nbreak");
	assert_string_equal(got, "\"line\nbreak\"");
	free(got);
}

static void test_csv_replaces_invalid_utf8(void **state)
{
	char *got = csv_of("a\xff");

	(void)state;
	assert_string_equal(got, "a\xef\xbf\xbd");
	free(got);
}

static void test_html_escape_entities_and_bidi(void **state)
{
	struct np_strbuf b;

	(void)state;
	np_strbuf_init(&b);
	np_html_escape(&b, "<a href='x'>\"&\"</a>\xe2\x80\xae");
	assert_non_null(b.s);
	assert_null(strchr(b.s, '<'));
	assert_null(strchr(b.s, '\''));
	assert_null(strstr(b.s, "\xe2\x80\xae"));
	assert_non_null(strstr(b.s, "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"));
	np_strbuf_release(&b);
}

/* Renders into *out (malloc'd, caller frees). */
static void render(char **out, int (*fn)(FILE *, const struct np_matrix *),
		   const struct np_matrix *mx)
{
	size_t len = 0;
	FILE *f;

	*out = NULL;
	f = open_memstream(out, &len);
	assert_non_null(f);
	assert_int_equal(fn(f, mx), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(*out);
}

static int csv_fn(FILE *f, const struct np_matrix *mx)
{
	return np_csv_matrix(f, mx, false);
}

static int html_fn(FILE *f, const struct np_matrix *mx)
{
	return np_html_matrix_page(f, mx, "2026-01-31T12:00:00Z");
}

static void test_csv_matrix_has_a_row_per_pod(void **state)
{
	struct fixture *f = *state;
	char *out;

	add_pod(&f->m, "shop", "web-1", "app=web", NULL, NULL);
	add_pod(&f->m, "shop", "web-2", "app=web", NULL, NULL);
	add_np(&f->m, "shop", "deny", "", NP_DIR_INGRESS | NP_DIR_EGRESS, 0);
	build(f);
	render(&out, csv_fn, &f->mx);
	assert_non_null(strstr(out, "namespace,name,workloadKind,"));
	assert_non_null(strstr(out, "\r\nshop,web-1,Pod,web-1,false,false,false,true,true,shop/deny,shop/deny\r\n"));
	assert_non_null(strstr(out, "\r\nshop,web-2,"));
	free(out);
}

static void test_html_page_lists_uncovered_first(void **state)
{
	struct fixture *f = *state;
	char *out, *a, *b;

	add_pod(&f->m, "shop", "a-covered", "app=a", NULL, NULL);
	add_pod(&f->m, "shop", "b-open", "app=b", NULL, NULL);
	add_np(&f->m, "shop", "only-a", "app=a", 0, 0);
	build(f);
	render(&out, html_fn, &f->mx);
	assert_non_null(strstr(out, "content=\"" NP_HTML_CSP "\""));
	assert_null(strstr(out, "<script"));
	/* In the heat map, the uncovered row comes before the covered one. */
	a = strstr(strstr(out, "<table class=\"heat\">"), "Pod/a-covered");
	b = strstr(strstr(out, "<table class=\"heat\">"), "Pod/b-open");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(b < a);
	assert_non_null(strstr(out, "<td class=\"cell c-i\">I</td>"));
	free(out);
}

static void test_release_is_null_safe(void **state)
{
	(void)state;
	np_matrix_release(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pods_of_one_workload_make_one_row),
		T(test_workload_splits_when_labels_differ),
		T(test_split_names_absent_label),
		T(test_generated_labels_do_not_split),
		T(test_generated_labels_split_when_coverage_differs),
		T(test_bare_pod_row_is_kind_pod),
		T(test_per_pod_gives_one_row_per_pod),
		T(test_cells_show_isolated_directions),
		T(test_egress_only_policy_leaves_ingress_open),
		T(test_host_network_row_is_never_isolated),
		T(test_template_row_stands_for_workload_without_pods),
		T(test_idle_template_is_not_shown),
		T(test_terminated_pods_are_not_shown),
		T(test_uncovered_rows_are_counted),
		T(test_policies_select_pods_in_pod_order),
		T(test_policy_types_written_and_effective),
		T(test_policy_selecting_nothing_is_a_column),
		T(test_label_filter_keeps_matching_pods_and_their_policies),
		T(test_label_filter_drops_namespaces_without_shown_pods),
		T(test_cluster_scoped_policy_follows_namespace_policies),
		T(test_namespace_scope_limits_blocks),
		T(test_excluded_namespace_is_left_out),
		T(test_blocks_rows_and_policies_are_sorted),
		T(test_empty_model_gives_empty_matrix),
		cmocka_unit_test(test_csv_guards_formula_starts),
		cmocka_unit_test(test_csv_quotes_separators_and_quotes),
		cmocka_unit_test(test_csv_replaces_invalid_utf8),
		cmocka_unit_test(test_html_escape_entities_and_bidi),
		T(test_csv_matrix_has_a_row_per_pod),
		T(test_html_page_lists_uncovered_first),
		T(test_release_is_null_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
