/* Snapshot layouts (DESIGN §3.1): troubleshoot.sh, cluster-info dump,
 * sonobuoy, Velero and generic inputs, their availability outcomes, the same
 * result from a directory and its tarball, and every conformance bundle. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "netpol/model.h"
#include "netpol/snapshot.h"

#define DATA NP_TEST_DATA "/input/"
#define BUNDLES NP_TEST_DATA "/bundles/"

/* ---- helpers ---- */
struct fx {
	char dir[64];
	struct np_model m;
	struct np_load_options opt;
	struct np_error err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/np-layout-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	np_model_init(&f->m);
	np_limits_default(&f->opt.limits);
	*state = f;
	return 0;
}

static void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((de = readdir(d))) {
			char sub[1024];
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			rm_rf(sub);
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->dir);
	np_model_release(&f->m);
	free(f);
	return 0;
}

static const char *tmp(struct fx *f, const char *name)
{
	static char buf[4][512];
	static int k;
	char *p = buf[k++ % 4];

	snprintf(p, 512, "%s/%s", f->dir, name);
	return p;
}

static int load1(struct fx *f, const char *path)
{
	const char *paths[] = { path };

	return np_snapshot_load(&f->m, paths, 1, &f->opt, &f->err);
}

static void mkdirs(const char *path)
{
	char buf[1024];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0700);
			*p = '/';
		}
	}
}

static void write_str(const char *path, const char *s)
{
	FILE *fp;

	mkdirs(path);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(s, 1, strlen(s), fp), strlen(s));
	assert_int_equal(fclose(fp), 0);
}

/* Adds base/rel (recursively) to a as "rel". */
static void add_tree(struct archive *a, const char *base, const char *rel)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	assert_int_equal(lstat(path, &st), 0);
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;

		assert_non_null(d);
		while ((de = readdir(d))) {
			char sub[1024];
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
			add_tree(a, base, sub);
		}
		closedir(d);
	} else if (S_ISREG(st.st_mode)) {
		struct archive_entry *ae = archive_entry_new();
		FILE *fp = fopen(path, "rb");
		char *data = malloc((size_t)st.st_size + 1);

		assert_non_null(fp);
		assert_non_null(data);
		assert_int_equal(fread(data, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
		fclose(fp);
		archive_entry_set_pathname(ae, rel);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, st.st_size);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (st.st_size)
			assert_int_equal(archive_write_data(a, data, (size_t)st.st_size), st.st_size);
		archive_entry_free(ae);
		free(data);
	}
}

/* Archives base/top as out (tar.gz, or zip), entries named "top/...". */
static void archive_tree(const char *out, const char *base, const char *top, bool zip)
{
	struct archive *a = archive_write_new();

	assert_non_null(a);
	if (zip) {
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	} else {
		assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	}
	assert_int_equal(archive_write_open_filename(a, out), ARCHIVE_OK);
	add_tree(a, base, top);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static enum np_avail_state avail(const struct fx *f, enum np_resource res, const char *ns,
				 const char **reason, const char **msg)
{
	return np_model_avail(&f->m, res, ns, reason, msg);
}

static void assert_avail(const struct fx *f, enum np_resource res, const char *ns,
			 enum np_avail_state want, const char *want_reason)
{
	const char *reason = NULL;

	assert_int_equal(avail(f, res, ns, &reason, NULL), want);
	if (want_reason) {
		assert_non_null(reason);
		assert_string_equal(reason, want_reason);
	}
}

static size_t real_namespaces(const struct np_model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->namespaces.n; i++)
		n += !m->namespaces.v[i].synthesized;
	return n;
}

static size_t synthesized_namespaces(const struct np_model *m)
{
	return m->namespaces.n - real_namespaces(m);
}

static bool has_warning(const struct np_model *m, const char *reason)
{
	size_t i;

	for (i = 0; i < m->warnings.n; i++)
		if (m->warnings.v[i].reason && strcmp(m->warnings.v[i].reason, reason) == 0)
			return true;
	return false;
}

struct counts {
	size_t namespaces, pods, workloads, netpols, nodes;
};

static struct counts counts_of(const struct np_model *m)
{
	return (struct counts){ real_namespaces(m), m->pods.n, m->workloads.n, m->netpols.n,
				m->nodes.n };
}

static void assert_counts(const struct np_model *m, struct counts want)
{
	struct counts got = counts_of(m);

	assert_int_equal(got.namespaces, want.namespaces);
	assert_int_equal(got.pods, want.pods);
	assert_int_equal(got.workloads, want.workloads);
	assert_int_equal(got.netpols, want.netpols);
	assert_int_equal(got.nodes, want.nodes);
}

/* ---- troubleshoot.sh ---- */
#define TS_DIR DATA "troubleshoot"

static void test_troubleshoot_is_detected_below_a_top_directory(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "troubleshoot");
	assert_false(f->m.has_generic_input);
}

static void test_troubleshoot_items_without_kind_take_it_from_the_path(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	/* pods/team-a.json and nodes.json are bare arrays of kind-less items */
	assert_int_equal(f->m.pods.n, 1);
	assert_string_equal(f->m.pods.v[0].namespace, "team-a");
	assert_int_equal(f->m.nodes.n, 1);
	assert_int_equal(real_namespaces(&f->m), 2);
}

static void test_troubleshoot_absent_resource_is_not_collected(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_int_equal(avail(f, NP_RES_NETWORKPOLICIES, "team-a", NULL, &msg), NP_AVAIL_NOT_COLLECTED);
	assert_non_null(strstr(msg, "network-policy"));
	assert_avail(f, NP_RES_NETWORKPOLICIES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_JOBS, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_CILIUM_NP, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
}

static void test_troubleshoot_present_resource_is_read(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_PODS, "team-a", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_NAMESPACES, NULL, NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_NODES, NULL, NP_AVAIL_READ, NULL);
}

static void test_troubleshoot_namespace_without_a_file_has_none(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_PODS, "team-c", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_STATEFULSETS, "team-c", NP_AVAIL_READ, NULL);
}

static void test_troubleshoot_errors_object_makes_its_namespaces_unreadable(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_PODS, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
	assert_int_equal(avail(f, NP_RES_PODS, "team-b", NULL, &msg), NP_AVAIL_UNREADABLE);
	assert_non_null(strstr(msg, "cannot list resource \"pods\""));
	assert_avail(f, NP_RES_PODS, "team-a", NP_AVAIL_READ, NULL);
}

static void test_troubleshoot_errors_array_makes_the_resource_unreadable(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_DEPLOYMENTS, "team-a", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_DEPLOYMENTS, NULL, NP_AVAIL_UNREADABLE, "collectorError");
	assert_int_equal(avail(f, NP_RES_DEPLOYMENTS, NULL, NULL, &msg), NP_AVAIL_UNREADABLE);
	assert_non_null(strstr(msg, "deployments.apps is forbidden"));
}

static void test_troubleshoot_errors_array_naming_namespaces_makes_only_them_unreadable(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_DAEMONSETS, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_DAEMONSETS, "team-a", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_DAEMONSETS, NULL, NP_AVAIL_READ, NULL);
}

static void test_troubleshoot_errors_directory_makes_a_namespace_unreadable(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_CONFIGMAPS, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_CONFIGMAPS, "team-a", NP_AVAIL_READ, NULL);
}

static void test_troubleshoot_cani_without_list_makes_missing_files_unreadable(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	/* services: team-a has a file (read whatever the rules say), team-b none */
	assert_avail(f, NP_RES_SERVICES, "team-b", NP_AVAIL_UNREADABLE, "forbidden");
	assert_avail(f, NP_RES_SERVICES, "team-a", NP_AVAIL_READ, NULL);
}

static void test_troubleshoot_parse_error_makes_the_namespace_unreadable(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	assert_avail(f, NP_RES_STATEFULSETS, "team-a", NP_AVAIL_UNREADABLE, "parseError");
	assert_avail(f, NP_RES_STATEFULSETS, "team-b", NP_AVAIL_READ, NULL);
	assert_true(has_warning(&f->m, "parseError"));
}

static void check_ts_outcomes(const struct fx *f)
{
	assert_counts(&f->m, (struct counts){ 2, 1, 0, 0, 1 });
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_PODS, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_PODS, "team-a", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_DEPLOYMENTS, "team-a", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_CONFIGMAPS, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_SERVICES, "team-b", NP_AVAIL_UNREADABLE, "forbidden");
	assert_avail(f, NP_RES_STATEFULSETS, "team-a", NP_AVAIL_UNREADABLE, "parseError");
	assert_string_equal(f->m.inputs.v[0].layout, "troubleshoot");
}

static void check_ts_outcomes_counts_only(const struct fx *f)
{
	assert_counts(&f->m, (struct counts){ 2, 1, 0, 0, 1 });
	assert_avail(f, NP_RES_PODS, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
}

static void test_troubleshoot_tarball_gives_the_directory_outcomes(void **state)
{
	struct fx *f = *state;

	archive_tree(tmp(f, "bundle.tar.gz"), TS_DIR, "bundle", false);
	assert_int_equal(load1(f, tmp(f, "bundle.tar.gz")), 0);
	check_ts_outcomes(f);
}

static void test_troubleshoot_zip_gives_the_directory_outcomes(void **state)
{
	struct fx *f = *state;

	archive_tree(tmp(f, "bundle.zip"), TS_DIR, "bundle", true);
	assert_int_equal(load1(f, tmp(f, "bundle.zip")), 0);
	check_ts_outcomes(f);
}

static void test_troubleshoot_directory_outcomes(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, TS_DIR), 0);
	check_ts_outcomes(f);
}

static const char pods_list_a[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":"
				  "{\"name\":\"web-1\",\"namespace\":\"team-a\"}}]}";

static void test_directory_holding_a_bundle_keeps_the_bundle_availability(void **state)
{
	struct fx *f = *state;

	mkdir(tmp(f, "case"), 0700);
	archive_tree(tmp(f, "case/bundle.tar.gz"), TS_DIR, "bundle", false);
	write_str(tmp(f, "case/notes.txt"), "customer case\n");
	assert_int_equal(load1(f, tmp(f, "case")), 0);
	check_ts_outcomes_counts_only(f);
	assert_false(f->m.has_generic_input);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
}

static void test_troubleshoot_symlinks_are_skipped(void **state)
{
	struct fx *f = *state;

	write_str(tmp(f, "b/cluster-resources/pods/team-a.json"), pods_list_a);
	assert_int_equal(symlink("team-a.json", tmp(f, "b/cluster-resources/pods/team-b.json")), 0);
	assert_int_equal(load1(f, tmp(f, "b")), 0);
	assert_int_equal(f->m.pods.n, 1);
}

static const char cnp_json[] = "[{\"apiVersion\":\"cilium.io/v2\",\"kind\":\"CiliumNetworkPolicy\","
			       "\"metadata\":{\"name\":\"allow\",\"namespace\":\"team-a\"},"
			       "\"spec\":{\"endpointSelector\":{}}}]";
static const char cnp_yaml[] = "- apiVersion: cilium.io/v2\n  kind: CiliumNetworkPolicy\n  metadata:\n"
			       "    name: allow\n    namespace: team-a\n  spec:\n    endpointSelector: {}\n";

static void test_troubleshoot_yaml_copy_is_read_only_without_its_json_twin(void **state)
{
	struct fx *f = *state;
	struct np_model m2;
	const char *paths[1];

	write_str(tmp(f, "a/cluster-resources/pods/team-a.json"), pods_list_a);
	write_str(tmp(f, "a/cluster-resources/custom-resources/ciliumnetworkpolicies.cilium.io/team-a.yaml"),
		  cnp_yaml);
	assert_int_equal(load1(f, tmp(f, "a")), 0);
	assert_int_equal(f->m.xpolicies.n, 1);
	assert_avail(f, NP_RES_CILIUM_NP, "team-a", NP_AVAIL_READ, NULL);

	write_str(tmp(f, "b/cluster-resources/pods/team-a.json"), pods_list_a);
	write_str(tmp(f, "b/cluster-resources/custom-resources/ciliumnetworkpolicies.cilium.io/team-a.yaml"),
		  cnp_yaml);
	write_str(tmp(f, "b/cluster-resources/custom-resources/ciliumnetworkpolicies.cilium.io/team-a.json"),
		  cnp_json);
	np_model_init(&m2);
	paths[0] = tmp(f, "b");
	assert_int_equal(np_snapshot_load(&m2, paths, 1, &f->opt, &f->err), 0);
	assert_int_equal(m2.xpolicies.n, 1);
	np_model_release(&m2);
}

static void test_troubleshoot_crd_listed_without_custom_resources_is_not_collected(void **state)
{
	struct fx *f = *state;
	static const char crds[] = "[{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":"
				   "\"CustomResourceDefinition\",\"metadata\":{\"name\":"
				   "\"ciliumnetworkpolicies.cilium.io\"},\"spec\":{\"group\":\"cilium.io\","
				   "\"names\":{\"plural\":\"ciliumnetworkpolicies\",\"kind\":"
				   "\"CiliumNetworkPolicy\"},\"scope\":\"Namespaced\"}}]";

	write_str(tmp(f, "b/cluster-resources/pods/team-a.json"), pods_list_a);
	write_str(tmp(f, "b/cluster-resources/custom-resource-definitions.json"), crds);
	assert_int_equal(load1(f, tmp(f, "b")), 0);
	assert_avail(f, NP_RES_CILIUM_NP, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	/* no Calico CRD in the cluster: there can be no Calico policies */
	assert_avail(f, NP_RES_CALICO_NP, "team-a", NP_AVAIL_READ, NULL);
}

static void test_own_snapshot_marker_gives_the_exact_availability(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;

	write_str(tmp(f, "s.d/kubectl-netpol-snapshot/cluster-resources/pods/team-a.json"), pods_list_a);
	write_str(tmp(f, "s.d/kubectl-netpol-snapshot/cluster-resources/apiservices.json"),
		  "{\"kind\":\"APIServiceList\",\"apiVersion\":\"apiregistration.k8s.io/v1\",\"items\":[]}");
	write_str(tmp(f, "s.d/kubectl-netpol-snapshot/kubectl-netpol-snapshot.json"),
		  "{\"apiVersion\":\"kubectl-netpol/v1\",\"kind\":\"Snapshot\",\"availability\":["
		  "{\"resource\":\"pods\",\"apiGroup\":\"\",\"namespace\":null,\"state\":\"read\","
		  "\"reason\":null,\"message\":null},"
		  "{\"resource\":\"networkpolicies\",\"apiGroup\":\"networking.k8s.io\","
		  "\"namespace\":\"team-b\",\"state\":\"unreadable\",\"reason\":\"forbidden\","
		  "\"message\":\"networkpolicies is forbidden\"},"
		  "{\"resource\":\"networkpolicies\",\"apiGroup\":\"networking.k8s.io\","
		  "\"namespace\":null,\"state\":\"read\",\"reason\":null,\"message\":null}]}");
	assert_int_equal(load1(f, tmp(f, "s.d")), 0);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-b", NP_AVAIL_UNREADABLE, "forbidden");
	assert_int_equal(avail(f, NP_RES_NETWORKPOLICIES, "team-b", NULL, &msg), NP_AVAIL_UNREADABLE);
	assert_string_equal(msg, "networkpolicies is forbidden");
	/* the marker says read although network-policy/ is absent */
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_READ, NULL);
	/* not in the marker: inferred from the files */
	assert_avail(f, NP_RES_APISERVICES, NULL, NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_CONFIGMAPS, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
}

/* ---- kubectl cluster-info dump ---- */
static void test_cluster_info_dump_directory(void **state)
{
	struct fx *f = *state;
	size_t i;

	assert_int_equal(load1(f, DATA "cidump"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "cluster-info-dump");
	/* PodList items lack kind: taken from pods.json */
	assert_counts(&f->m, (struct counts){ 0, 2, 2, 0, 1 });
	assert_avail(f, NP_RES_PODS, "team-a", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_CONFIGMAPS, "kube-system", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_STATEFULSETS, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_NAMESPACES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_NODES, NULL, NP_AVAIL_READ, NULL);
	/* namespaces from directory names, the empty one included */
	assert_int_equal(synthesized_namespaces(&f->m), 3);
	for (i = 0; i < f->m.namespaces.n; i++) {
		const struct np_namespace *ns = &f->m.namespaces.v[i];
		assert_true(ns->synthesized);
		assert_string_equal(np_labels_get(&ns->labels, "kubernetes.io/metadata.name"), ns->name);
	}
}

static void test_cluster_info_dump_stdout_skips_log_blocks(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "cidump-stdout.txt"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "cluster-info-dump");
	assert_counts(&f->m, (struct counts){ 0, 2, 0, 0, 1 });
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_PODS, "team-a", NP_AVAIL_READ, NULL);
	assert_int_equal(f->m.warnings.n, 0);
}

static void test_generic_input_supplies_what_a_dump_did_not_collect(void **state)
{
	struct fx *f = *state;
	const char *paths[] = { DATA "cidump", DATA "generic/b/d-netpol.json" };

	assert_int_equal(np_snapshot_load(&f->m, paths, 2, &f->opt, &f->err), 0);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_READ, NULL);
	assert_true(f->m.has_generic_input);
}

/* ---- sonobuoy ---- */
static void test_sonobuoy_current_names(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "sonobuoy"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "sonobuoy");
	assert_counts(&f->m, (struct counts){ 0, 2, 0, 1, 1 });
}

static void test_sonobuoy_failed_query_makes_the_namespace_unreadable(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "sonobuoy"), 0);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-b", NP_AVAIL_UNREADABLE, "collectorError");
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_READ, NULL);
}

static void test_sonobuoy_absent_file_means_none_unless_not_queried(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "sonobuoy"), 0);
	/* deployments were queried (meta/config.json) and no file: none */
	assert_avail(f, NP_RES_DEPLOYMENTS, "team-a", NP_AVAIL_READ, NULL);
	/* configmaps were never queried */
	assert_avail(f, NP_RES_CONFIGMAPS, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	/* namespaces: synthesised from resources/ns/<ns>/ */
	assert_avail(f, NP_RES_NAMESPACES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_int_equal(synthesized_namespaces(&f->m), 2);
}

static void test_sonobuoy_legacy_bare_arrays_without_kind(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "sonobuoy-legacy"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "sonobuoy");
	assert_counts(&f->m, (struct counts){ 0, 2, 0, 0, 1 });
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_PODS, "team-a", NP_AVAIL_READ, NULL);
}

/* ---- Velero ---- */
static void test_velero_backup(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "velero"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "velero");
	/* the NetworkPolicy's per-version copy is not read twice; the Deployment
	 * only exists in its preferred-version directory */
	assert_counts(&f->m, (struct counts){ 1, 1, 1, 1, 0 });
	assert_avail(f, NP_RES_NODES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_NETWORKPOLICIES, "team-a", NP_AVAIL_READ, NULL);
}

/* ---- generic ---- */
static void test_generic_input_counts_every_kind_as_read(void **state)
{
	struct fx *f = *state;
	int r;

	assert_int_equal(load1(f, DATA "generic/a-pods.yaml"), 0);
	assert_true(f->m.has_generic_input);
	for (r = 0; r < NP_RES__COUNT; r++)
		assert_int_equal(avail(f, (enum np_resource)r, "team-a", NULL, NULL), NP_AVAIL_READ);
}

static void test_dump_like_names_in_a_manifest_tree_stay_generic(void **state)
{
	struct fx *f = *state;

	/* one pods.json per directory is a manifest tree, not a dump */
	write_str(tmp(f, "m/prod/pods.json"), pods_list_a);
	write_str(tmp(f, "m/prod/README.md"), "x\n");
	assert_int_equal(load1(f, tmp(f, "m")), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "generic");
	assert_int_equal(f->m.pods.n, 1);
}

static void test_manifest_tree_with_a_resources_directory_stays_generic(void **state)
{
	struct fx *f = *state;

	write_str(tmp(f, "repo/resources/cluster/app.json"), pods_list_a);
	write_str(tmp(f, "repo/resources/web/cluster/x.json"), pods_list_a);
	assert_int_equal(load1(f, tmp(f, "repo")), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "generic");
	assert_int_equal(f->m.pods.n, 2);
}

static void test_troubleshoot_files_outside_the_root_are_not_read(void **state)
{
	struct fx *f = *state;

	write_str(tmp(f, "b/cluster-resources/pods/team-a.json"), pods_list_a);
	write_str(tmp(f, "b/run-example/pod.yaml"),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\n  namespace: team-a\n");
	assert_int_equal(load1(f, tmp(f, "b")), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_string_equal(f->m.pods.v[0].name, "web-1");
}

/* ---- the same cluster four ways ---- */
static void test_same_cluster_as_list_yaml_directory_and_bundle(void **state)
{
	struct fx *f = *state;
	const char *inputs[4];
	struct counts first = { 0 };
	size_t i;

	archive_tree(tmp(f, "bundle.tar.gz"), DATA "same/troubleshoot", "support-bundle-2024", false);
	inputs[0] = DATA "same/list.json";
	inputs[1] = DATA "same/multi.yaml";
	inputs[2] = DATA "same/dir";
	inputs[3] = tmp(f, "bundle.tar.gz");
	for (i = 0; i < 4; i++) {
		struct np_model m;
		struct counts c;

		np_model_init(&m);
		assert_int_equal(np_snapshot_load(&m, &inputs[i], 1, &f->opt, &f->err), 0);
		c = counts_of(&m);
		if (i == 0)
			first = c;
		/* 2 namespaces, 3 pods, 2 deployments, 2 policies, 1 node */
		assert_counts(&m, (struct counts){ 2, 3, 2, 2, 1 });
		assert_memory_equal(&c, &first, sizeof(c));
		np_model_release(&m);
	}
}

/* ---- conformance bundles (test/data/bundles, copied from
 * /work/shared/conformance/bundles). Expected counts are what jq finds, with
 *   cnt() { jq -s '[.[] | if type=="array" then .[] elif has("items")
 *                   then (.items // [])[] else . end] | length' "$@"; }
 * run in the bundle (tarballs: extracted with tar xzf first). ---- */

static void test_bundle_troubleshoot_v0_123_directory(void **state)
{
	struct fx *f = *state;
	/* R=supportbundle/cluster-resources
	 * cnt $R/namespaces.json -> 4; cnt $R/pods/ *.json -> 7; cnt $R/network-policy/ *.json -> 0
	 * cnt $R/nodes.json -> 1; cnt $R/{deployments,daemonsets,replicasets,statefulsets}/ *.json -> 9 */
	assert_int_equal(load1(f, BUNDLES "troubleshoot-baseline-v0.123"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "troubleshoot");
	assert_counts(&f->m, (struct counts){ 4, 7, 9, 0, 1 });
	assert_avail(f, NP_RES_NETWORKPOLICIES, "default", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_CONFIGMAPS, "kube-system", NP_AVAIL_READ, NULL);
	/* the extracted subset has no jobs/ */
	assert_avail(f, NP_RES_JOBS, "default", NP_AVAIL_NOT_COLLECTED, "notCollected");
}

static void test_bundle_troubleshoot_v0_123_tarball(void **state)
{
	struct fx *f = *state;
	/* tar xzf baseline.tar.gz; R=supportbundle/cluster-resources
	 * namespaces 4, pods 7, netpols 0, nodes 1,
	 * cnt $R/{deployments,daemonsets,replicasets,statefulsets,jobs,cronjobs}/ *.json -> 11 */
	assert_int_equal(load1(f, BUNDLES "troubleshoot-baseline-v0.123/baseline.tar.gz"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "troubleshoot");
	assert_counts(&f->m, (struct counts){ 4, 7, 11, 0, 1 });
	assert_avail(f, NP_RES_JOBS, "default", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_INGRESSES, "default", NP_AVAIL_READ, NULL);
	assert_avail(f, NP_RES_WEBHOOKS, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected");
	/* auth-cani-list grants * on *: nothing unreadable */
	assert_avail(f, NP_RES_NETWORKPOLICIES, "kube-system", NP_AVAIL_READ, NULL);
}

static void test_bundle_troubleshoot_v0_50_directory(void **state)
{
	struct fx *f = *state;
	/* R=support-bundle/cluster-resources: namespaces 4, pods 8, netpols 0, nodes 1,
	 * cnt $R/{deployments,replicasets}/ *.json -> 11 */
	assert_int_equal(load1(f, BUNDLES "troubleshoot-testdata-v0.50"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "troubleshoot");
	assert_counts(&f->m, (struct counts){ 4, 8, 11, 0, 1 });
	/* configmaps/ only since troubleshoot v0.70.3 */
	assert_avail(f, NP_RES_CONFIGMAPS, "default", NP_AVAIL_NOT_COLLECTED, "notCollected");
}

static void test_bundle_troubleshoot_v0_50_tarball(void **state)
{
	struct fx *f = *state;
	/* tar xzf support-bundle.tar.gz: namespaces 4, pods 8, netpols 0, nodes 1,
	 * cnt $R/{deployments,replicasets,statefulsets,jobs,cronjobs}/ *.json -> 13 */
	assert_int_equal(load1(f, BUNDLES "troubleshoot-testdata-v0.50/support-bundle.tar.gz"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "troubleshoot");
	assert_counts(&f->m, (struct counts){ 4, 8, 13, 0, 1 });
	assert_avail(f, NP_RES_CONFIGMAPS, "default", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_DAEMONSETS, "default", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_STATEFULSETS, "default", NP_AVAIL_READ, NULL);
}

static void test_bundle_cluster_info_dump_aks_2020(void **state)
{
	struct fx *f = *state;
	/* cnt * /pods.json -> 10; no nodes.json;
	 * cnt * /{deployments,daemonsets,replicasets,replication-controllers}.json -> 18 */
	assert_int_equal(load1(f, BUNDLES "cluster-info-dump-aks-2020"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "cluster-info-dump");
	assert_counts(&f->m, (struct counts){ 0, 10, 18, 0, 0 });
	assert_int_equal(synthesized_namespaces(&f->m), 2);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "default", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_NODES, NULL, NP_AVAIL_NOT_COLLECTED, "notCollected");
}

static void test_bundle_sonobuoy_2022_list(void **state)
{
	struct fx *f = *state;
	/* cnt resources/ns/ * /core_v1_pods.json -> 20; cnt resources/cluster/core_v1_nodes.json -> 3 */
	assert_int_equal(load1(f, BUNDLES "sonobuoy-2022-list"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "sonobuoy");
	assert_counts(&f->m, (struct counts){ 0, 20, 0, 0, 3 });
	assert_int_equal(synthesized_namespaces(&f->m), 3);
	assert_avail(f, NP_RES_NETWORKPOLICIES, "kube-system", NP_AVAIL_READ, NULL);
}

static void test_bundle_sonobuoy_0_10_legacy(void **state)
{
	struct fx *f = *state;
	/* cnt resources/ns/ * /Pods.json -> 14; cnt resources/cluster/Nodes.json -> 3;
	 * cnt resources/ns/ * /DaemonSets.json -> 3 (bare arrays, items without kind) */
	assert_int_equal(load1(f, BUNDLES "sonobuoy-0.10-legacy"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "sonobuoy");
	assert_counts(&f->m, (struct counts){ 0, 14, 3, 0, 3 });
	/* meta/config.json's Resources has no NetworkPolicies */
	assert_avail(f, NP_RES_NETWORKPOLICIES, "kube-system", NP_AVAIL_NOT_COLLECTED, "notCollected");
	assert_avail(f, NP_RES_CONFIGMAPS, "kube-system", NP_AVAIL_READ, NULL);
}

static void test_bundle_kubectl_get_yaml_onlineboutique(void **state)
{
	struct fx *f = *state;
	/* yq -s '[.[] | .items[]? // . | select(.kind=="Namespace")] | length' ns.yaml -> 5
	 * yq -s '[.[] | select(.kind=="List") | .items[] | select(.kind=="Pod")] | length' pods.yaml -> 12
	 * yq -s '[.[] | if .items then .items[] else . end | select(.kind=="NetworkPolicy")]
	 *        | length' netpols.yaml acs-netpol-list.yaml -> 25 */
	assert_int_equal(load1(f, BUNDLES "kubectl-get-yaml-onlineboutique"), 0);
	assert_string_equal(f->m.inputs.v[0].layout, "generic");
	assert_counts(&f->m, (struct counts){ 5, 12, 0, 25, 0 });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_troubleshoot_is_detected_below_a_top_directory),
		T(test_troubleshoot_items_without_kind_take_it_from_the_path),
		T(test_troubleshoot_absent_resource_is_not_collected),
		T(test_troubleshoot_present_resource_is_read),
		T(test_troubleshoot_namespace_without_a_file_has_none),
		T(test_troubleshoot_errors_object_makes_its_namespaces_unreadable),
		T(test_troubleshoot_errors_array_makes_the_resource_unreadable),
		T(test_troubleshoot_errors_array_naming_namespaces_makes_only_them_unreadable),
		T(test_troubleshoot_errors_directory_makes_a_namespace_unreadable),
		T(test_troubleshoot_cani_without_list_makes_missing_files_unreadable),
		T(test_troubleshoot_parse_error_makes_the_namespace_unreadable),
		T(test_troubleshoot_directory_outcomes),
		T(test_troubleshoot_tarball_gives_the_directory_outcomes),
		T(test_troubleshoot_zip_gives_the_directory_outcomes),
		T(test_directory_holding_a_bundle_keeps_the_bundle_availability),
		T(test_troubleshoot_symlinks_are_skipped),
		T(test_troubleshoot_yaml_copy_is_read_only_without_its_json_twin),
		T(test_troubleshoot_crd_listed_without_custom_resources_is_not_collected),
		T(test_own_snapshot_marker_gives_the_exact_availability),
		T(test_cluster_info_dump_directory),
		T(test_cluster_info_dump_stdout_skips_log_blocks),
		T(test_generic_input_supplies_what_a_dump_did_not_collect),
		T(test_sonobuoy_current_names),
		T(test_sonobuoy_failed_query_makes_the_namespace_unreadable),
		T(test_sonobuoy_absent_file_means_none_unless_not_queried),
		T(test_sonobuoy_legacy_bare_arrays_without_kind),
		T(test_velero_backup),
		T(test_generic_input_counts_every_kind_as_read),
		T(test_dump_like_names_in_a_manifest_tree_stay_generic),
		T(test_manifest_tree_with_a_resources_directory_stays_generic),
		T(test_troubleshoot_files_outside_the_root_are_not_read),
		T(test_same_cluster_as_list_yaml_directory_and_bundle),
		T(test_bundle_troubleshoot_v0_123_directory),
		T(test_bundle_troubleshoot_v0_123_tarball),
		T(test_bundle_troubleshoot_v0_50_directory),
		T(test_bundle_troubleshoot_v0_50_tarball),
		T(test_bundle_cluster_info_dump_aks_2020),
		T(test_bundle_sonobuoy_2022_list),
		T(test_bundle_sonobuoy_0_10_legacy),
		T(test_bundle_kubectl_get_yaml_onlineboutique),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
