/* Reading inputs: files, directories, pipes, stdin, archives and the limits
 * that bound them (DESIGN §3.1, §8). Archives are written at test time with
 * libarchive's writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "netpol/model.h"
#include "netpol/snapshot.h"

#define DATA NP_TEST_DATA "/input/"

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
	snprintf(f->dir, sizeof(f->dir), "/tmp/np-input-XXXXXX");
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

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

static const char pod_yaml[] = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: team-a\n"
			       "spec:\n  containers:\n  - name: c\n    image: nginx\n";

static char *pod_yaml_named(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
		 "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: team-a\n", name);
	return buf;
}

enum { E_FILE, E_SYMLINK, E_HARDLINK, E_DIR };
struct aent {
	const char *name;
	int type;
	const void *data;
	size_t len;     /* 0: strlen(data) */
	const char *link;
};

/* fmt: "tar", "zip" or "raw"; filter: NULL or a libarchive filter name. */
static void write_archive(const char *path, const char *fmt, const char *filter,
			  const struct aent *e, size_t n)
{
	struct archive *a = archive_write_new();
	size_t i;

	assert_non_null(a);
	if (strcmp(fmt, "zip") == 0)
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	else if (strcmp(fmt, "raw") == 0)
		assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	else
		assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (filter)
		assert_int_equal(archive_write_add_filter_by_name(a, filter), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		size_t len = e[i].data ? (e[i].len ? e[i].len : strlen(e[i].data)) : 0;

		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_perm(ae, 0644);
		switch (e[i].type) {
		case E_FILE:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)len);
			break;
		case E_SYMLINK:
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].link);
			len = 0;
			break;
		case E_HARDLINK:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].link);
			archive_entry_set_size(ae, 0);
			len = 0;
			break;
		case E_DIR:
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
			len = 0;
			break;
		}
		assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
		if (len)
			assert_int_equal(archive_write_data(a, e[i].data, len), (la_ssize_t)len);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void *read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static void truncate_file(const char *path, double keep)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, (off_t)((double)st.st_size * keep)), 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Text that compresses well but is not all zeros: n bytes of YAML comments. */
static char *yaml_padding(size_t n)
{
	char *p = malloc(n + 1);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = (i % 64 == 0) ? '#' : (i % 64 == 63) ? '\n' : (char)('a' + (i * 7919) % 26);
	p[n] = '\0';
	return p;
}

static bool has_warning(const struct np_model *m, const char *reason)
{
	size_t i;

	for (i = 0; i < m->warnings.n; i++)
		if (m->warnings.v[i].reason && strcmp(m->warnings.v[i].reason, reason) == 0)
			return true;
	return false;
}

/* Writes data into the write end of a pipe from a child process. */
static pid_t feed(int fd, const void *data, size_t len)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		const char *p = data;
		while (len) {
			ssize_t w = write(fd, p, len);
			if (w <= 0)
				_exit(1);
			p += w;
			len -= (size_t)w;
		}
		_exit(0);
	}
	return pid;
}

/* ---- files ---- */
static void test_named_yaml_file_is_read(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "generic/a-pods.yaml"), 0);
	assert_int_equal(f->m.pods.n, 2);
	assert_int_equal(f->m.inputs.n, 1);
	assert_string_equal(f->m.inputs.v[0].path, DATA "generic/a-pods.yaml");
	assert_string_equal(f->m.inputs.v[0].layout, "generic");
	assert_true(f->m.has_generic_input);
}

static void test_input_digest_is_sha256_of_the_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "same/list.json"), 0);
	/* sha256sum test/data/input/same/list.json */
	assert_string_equal(f->m.inputs.v[0].sha256,
			    "dc3d7f991184ebdaf6a766cb38e903a8f7b9848a3893a1250fa0e4e0684e6a85");
}

static void test_archive_digest_is_sha256_of_the_archive(void **state)
{
	struct fx *f = *state;
	struct aent e[] = { { "pods.yaml", E_FILE, pod_yaml, 0, NULL } };
	struct np_sha256 s;
	char hex[65];
	size_t len;
	void *bytes;

	write_archive(tmp(f, "a.zip"), "zip", NULL, e, 1);
	assert_int_equal(load1(f, tmp(f, "a.zip")), 0);
	bytes = read_all(tmp(f, "a.zip"), &len);
	np_sha256_init(&s);
	np_sha256_update(&s, bytes, len);
	np_sha256_final(&s, hex);
	free(bytes);
	assert_string_equal(f->m.inputs.v[0].sha256, hex);
}

static void test_missing_named_input_is_not_found(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "no/such/file.yaml"), NP_ENOTFOUND);
	assert_string_equal(f->err.file, DATA "no/such/file.yaml");
}

static void test_parse_error_in_named_file_is_fatal_with_position(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "generic/broken.yaml"), NP_EPARSE);
	assert_non_null(strstr(f->err.file, "broken.yaml"));
	assert_true(f->err.line > 0);
}

static void test_no_recognised_object_is_eempty(void **state)
{
	struct fx *f = *state;

	write_str(tmp(f, "x.yaml"), "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
	assert_int_equal(load1(f, tmp(f, "x.yaml")), NP_EEMPTY);
	assert_non_null(strstr(f->err.msg, "x.yaml"));
}

static void test_dev_zero_is_rejected_quickly(void **state)
{
	struct fx *f = *state;
	double t0 = now();

	assert_int_equal(load1(f, "/dev/zero"), NP_EIO);
	assert_non_null(strstr(f->err.msg, "not a text file"));
	assert_true(now() - t0 < 2.0);
}

static void test_binary_named_file_is_not_text(void **state)
{
	struct fx *f = *state;
	static const char bin[] = "kind: Pod\n\0\x01\x02";

	write_file(tmp(f, "bin.yaml"), bin, sizeof(bin));
	assert_int_equal(load1(f, tmp(f, "bin.yaml")), NP_EIO);
	assert_non_null(strstr(f->err.msg, "not a text file"));
}

static void test_fifo_named_input_is_read(void **state)
{
	struct fx *f = *state;
	const char *fifo = tmp(f, "fifo");
	pid_t pid;
	int fd, status;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(fifo, O_WRONLY);
		if (fd < 0 || write(fd, pod_yaml, strlen(pod_yaml)) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(load1(f, fifo), 0);
	waitpid(pid, &status, 0);
	assert_int_equal(f->m.pods.n, 1);
}

/* Runs a load of "-" with data on stdin (a pipe). */
static int load_stdin(struct fx *f, const void *data, size_t len)
{
	int p[2], saved = dup(0), status, rc;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = feed(p[1], data, len);
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	rc = load1(f, "-");
	dup2(saved, 0);
	close(saved);
	waitpid(pid, &status, 0);
	return rc;
}

static void test_dash_reads_stdin(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load_stdin(f, pod_yaml, strlen(pod_yaml)), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_string_equal(f->m.inputs.v[0].path, "-");
}

static void test_zip_on_stdin_is_buffered_and_read(void **state)
{
	struct fx *f = *state;
	struct aent e[] = { { "a/pods.yaml", E_FILE, pod_yaml, 0, NULL } };
	size_t len;
	void *bytes;

	write_archive(tmp(f, "a.zip"), "zip", NULL, e, 1);
	bytes = read_all(tmp(f, "a.zip"), &len);
	assert_int_equal(load_stdin(f, bytes, len), 0);
	free(bytes);
	assert_int_equal(f->m.pods.n, 1);
}

static void test_tar_gz_on_stdin_is_read(void **state)
{
	struct fx *f = *state;
	struct aent e[] = { { "pods.yaml", E_FILE, pod_yaml, 0, NULL } };
	size_t len;
	void *bytes;

	write_archive(tmp(f, "a.tgz"), "tar", "gzip", e, 1);
	bytes = read_all(tmp(f, "a.tgz"), &len);
	assert_int_equal(load_stdin(f, bytes, len), 0);
	free(bytes);
	assert_int_equal(f->m.pods.n, 1);
}

/* ---- directories ---- */
static void test_walk_reads_known_extensions_and_skips_dot_dirs(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "generic"), 0);
	/* a-pods.yaml (2), b/c-pod.yml (1); not .hidden/, not README.md */
	assert_int_equal(f->m.pods.n, 3);
	assert_int_equal(f->m.netpols.n, 1);
	assert_int_equal(f->m.cniconfs.n, 1);
}

static void test_walk_order_is_byte_order(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "generic"), 0);
	assert_int_equal(f->m.pods.n, 3);
	assert_string_equal(f->m.pods.v[0].name, "a");
	assert_string_equal(f->m.pods.v[1].name, "b");
	assert_string_equal(f->m.pods.v[2].name, "c");
}

static void test_parse_error_in_walked_file_is_a_warning(void **state)
{
	struct fx *f = *state;

	assert_int_equal(load1(f, DATA "generic"), 0);
	assert_true(has_warning(&f->m, "parseError"));
}

static void test_strict_inputs_make_walked_parse_errors_fatal(void **state)
{
	struct fx *f = *state;

	f->opt.strict_inputs = true;
	assert_int_equal(load1(f, DATA "generic"), NP_EPARSE);
	assert_non_null(strstr(f->err.file, "broken.yaml"));
}

static void test_walk_skips_symlinked_dirs_and_special_files(void **state)
{
	struct fx *f = *state;
	char real[512], link[512];

	assert_int_equal(mkdir(tmp(f, "d"), 0700), 0);
	assert_int_equal(mkdir(tmp(f, "d/real"), 0700), 0);
	write_str(tmp(f, "d/real/pod.yaml"), pod_yaml);
	snprintf(real, sizeof(real), "%s", tmp(f, "d/real"));
	snprintf(link, sizeof(link), "%s", tmp(f, "d/zlink"));
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(mkfifo(tmp(f, "d/fifo.yaml"), 0600), 0);
	assert_int_equal(load1(f, tmp(f, "d")), 0);
	assert_int_equal(f->m.pods.n, 1);
}

static void test_nul_in_walked_file_is_a_warning(void **state)
{
	struct fx *f = *state;
	static const char bin[] = "kind: Pod\n\0\x01";

	assert_int_equal(mkdir(tmp(f, "d"), 0700), 0);
	write_file(tmp(f, "d/bin.yaml"), bin, sizeof(bin));
	write_str(tmp(f, "d/pod.yaml"), pod_yaml);
	assert_int_equal(load1(f, tmp(f, "d")), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_true(has_warning(&f->m, "parseError"));
}

/* ---- limits ---- */
static void test_file_over_member_limit_names_the_limit(void **state)
{
	struct fx *f = *state;
	char *big = yaml_padding(4096);

	write_str(tmp(f, "big.yaml"), big);
	free(big);
	f->opt.limits.member_bytes = 1024;
	assert_int_equal(load1(f, tmp(f, "big.yaml")), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit member-bytes="));
	assert_null(strchr(f->err.msg, '\n'));
}

static void test_total_limit_spans_inputs(void **state)
{
	struct fx *f = *state;
	char *pad = yaml_padding(1500);
	char a[512], b[512];
	const char *paths[2];
	char *doc = malloc(1500 + sizeof(pod_yaml));

	assert_non_null(doc);
	snprintf(doc, 1500 + sizeof(pod_yaml), "%s%s", pod_yaml, pad);
	snprintf(a, sizeof(a), "%s", tmp(f, "a.yaml"));
	snprintf(b, sizeof(b), "%s", tmp(f, "b.yaml"));
	write_str(a, doc);
	write_str(b, doc);
	free(pad);
	free(doc);
	paths[0] = a;
	paths[1] = b;
	f->opt.limits.total_bytes = 2500;
	assert_int_equal(np_snapshot_load(&f->m, paths, 2, &f->opt, &f->err), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit total-bytes="));
}

static void test_member_count_limit_in_directory(void **state)
{
	struct fx *f = *state;

	assert_int_equal(mkdir(tmp(f, "d"), 0700), 0);
	write_str(tmp(f, "d/1.yaml"), pod_yaml_named("p1"));
	write_str(tmp(f, "d/2.yaml"), pod_yaml_named("p2"));
	write_str(tmp(f, "d/3.yaml"), pod_yaml_named("p3"));
	f->opt.limits.members = 2;
	assert_int_equal(load1(f, tmp(f, "d")), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit members="));
}

static void test_member_count_limit_in_archive(void **state)
{
	struct fx *f = *state;
	struct aent e[] = {
		{ "1.yaml", E_FILE, pod_yaml, 0, NULL },
		{ "2.yaml", E_FILE, pod_yaml, 0, NULL },
		{ "3.yaml", E_FILE, pod_yaml, 0, NULL },
	};

	write_archive(tmp(f, "a.tar"), "tar", NULL, e, 3);
	f->opt.limits.members = 2;
	assert_int_equal(load1(f, tmp(f, "a.tar")), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit members="));
}

static void test_path_length_limit(void **state)
{
	struct fx *f = *state;
	struct aent e[] = { { "a-rather-long-directory-name/pods.yaml", E_FILE, pod_yaml, 0, NULL } };

	write_archive(tmp(f, "a.tar"), "tar", NULL, e, 1);
	f->opt.limits.path_length = 16;
	assert_int_equal(load1(f, tmp(f, "a.tar")), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit path-length="));
}

/* ---- archives ---- */
static void test_every_supported_archive_format_is_read(void **state)
{
	static const struct { const char *fmt, *filter, *name; } kinds[] = {
		{ "tar", NULL, "a.tar" }, { "tar", "gzip", "a.tar.gz" }, { "tar", "bzip2", "a.tar.bz2" },
		{ "tar", "xz", "a.tar.xz" }, { "tar", "zstd", "a.tar.zst" }, { "zip", NULL, "a.zip" },
	};
	struct fx *f = *state;
	struct aent e[] = {
		{ "m/pods.yaml", E_FILE, pod_yaml, 0, NULL },
		{ "m/notes.txt", E_FILE, "not read\n", 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct np_model m;
		const char *paths[1];

		write_archive(tmp(f, kinds[i].name), kinds[i].fmt, kinds[i].filter, e, 2);
		paths[0] = tmp(f, kinds[i].name);
		np_model_init(&m);
		assert_int_equal(np_snapshot_load(&m, paths, 1, &f->opt, &f->err), 0);
		assert_int_equal(m.pods.n, 1);
		assert_string_equal(m.pods.v[0].loc.member, "m/pods.yaml");
		np_model_release(&m);
	}
}

static void test_links_devices_and_unsafe_paths_are_skipped(void **state)
{
	struct fx *f = *state;
	struct aent e[] = {
		{ "d", E_DIR, NULL, 0, NULL },
		{ "d/pods.yaml", E_FILE, pod_yaml, 0, NULL },
		{ "d/sym.yaml", E_SYMLINK, NULL, 0, "pods.yaml" },
		{ "d/hard.yaml", E_HARDLINK, NULL, 0, "d/pods.yaml" },
		{ "../evil.yaml", E_FILE, pod_yaml_named("evil"), 0, NULL },
		{ "/abs.yaml", E_FILE, pod_yaml_named("abs"), 0, NULL },
		{ "d/../../up.yaml", E_FILE, pod_yaml_named("up"), 0, NULL },
	};
	char copy[4][256];
	size_t i;

	/* pod_yaml_named returns a static buffer: give each member its own copy */
	for (i = 4; i < 7; i++) {
		snprintf(copy[i - 4], sizeof(copy[0]), "%s", (const char *)e[i].data);
		e[i].data = copy[i - 4];
	}
	write_archive(tmp(f, "a.tar"), "tar", NULL, e, 7);
	assert_int_equal(load1(f, tmp(f, "a.tar")), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_string_equal(f->m.pods.v[0].name, "web-1");
	assert_true(has_warning(&f->m, "unsafePath"));
}

static void test_nested_archive_is_read_one_level_deep(void **state)
{
	struct fx *f = *state;
	struct aent inner2[] = { { "deep.yaml", E_FILE, pod_yaml_named("deep"), 0, NULL } };
	struct aent inner[2] = { { "inner.yaml", E_FILE, NULL, 0, NULL }, { "deeper.tar", E_FILE, NULL, 0, NULL } };
	struct aent outer[1] = { { "bundle/inner.tar.gz", E_FILE, NULL, 0, NULL } };
	char *pad = yaml_padding(300000), *inner_pod = malloc(300000 + 256);
	size_t l2, l1, i;
	void *b2, *b1;

	/* big and random enough that the nested archive spans many reads */
	assert_non_null(inner_pod);
	srand(7);
	for (i = 1; i < 300000; i++)
		if (pad[i] != '\n' && pad[i - 1] != '\n')
			pad[i] = (char)('a' + rand() % 26);
	write_archive(tmp(f, "deeper.tar"), "tar", NULL, inner2, 1);
	b2 = read_all(tmp(f, "deeper.tar"), &l2);
	snprintf(inner_pod, 300000 + 256, "%s%s", pod_yaml_named("inner"), pad);
	free(pad);
	inner[0].data = inner_pod;
	inner[1].data = b2;
	inner[1].len = l2;
	write_archive(tmp(f, "inner.tar.gz"), "tar", "gzip", inner, 2);
	b1 = read_all(tmp(f, "inner.tar.gz"), &l1);
	outer[0].data = b1;
	outer[0].len = l1;
	assert_true(l1 > 65536);
	write_archive(tmp(f, "outer.tar"), "tar", NULL, outer, 1);
	free(b1);
	free(b2);
	free(inner_pod);
	assert_int_equal(load1(f, tmp(f, "outer.tar")), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_string_equal(f->m.pods.v[0].name, "inner");
	assert_string_equal(f->m.pods.v[0].loc.member, "bundle/inner.tar.gz/inner.yaml");
	assert_true(has_warning(&f->m, "nestedArchive"));
}

/* An archive with one big member (so truncation hits its data). */
static void big_member_archive(struct fx *f, const char *name, const char *fmt, const char *filter)
{
	char *pad = yaml_padding(600000);
	struct aent e[] = {
		{ "b/pods.yaml", E_FILE, pod_yaml, 0, NULL },
		{ "b/big.yaml", E_FILE, pad, 0, NULL },
	};

	write_archive(tmp(f, name), fmt, filter, e, 2);
	free(pad);
}

static void test_truncated_tar_gz_is_eio_naming_file_and_member(void **state)
{
	struct fx *f = *state;

	big_member_archive(f, "t.tar.gz", "tar", "gzip");
	truncate_file(tmp(f, "t.tar.gz"), 0.5);
	assert_int_equal(load1(f, tmp(f, "t.tar.gz")), NP_EIO);
	assert_string_equal(f->err.file, tmp(f, "t.tar.gz"));
	assert_string_equal(f->err.member, "b/big.yaml");
}

static void test_truncated_tar_is_eio_naming_file_and_member(void **state)
{
	struct fx *f = *state;

	big_member_archive(f, "t.tar", "tar", NULL);
	truncate_file(tmp(f, "t.tar"), 0.5);
	assert_int_equal(load1(f, tmp(f, "t.tar")), NP_EIO);
	assert_string_equal(f->err.file, tmp(f, "t.tar"));
	assert_string_equal(f->err.member, "b/big.yaml");
}

static void test_truncated_zip_is_eio(void **state)
{
	struct fx *f = *state;

	big_member_archive(f, "t.zip", "zip", NULL);
	truncate_file(tmp(f, "t.zip"), 0.5);
	assert_int_equal(load1(f, tmp(f, "t.zip")), NP_EIO);
	assert_string_equal(f->err.file, tmp(f, "t.zip"));
}

static void test_corrupt_archive_in_walked_directory_is_a_warning(void **state)
{
	struct fx *f = *state;

	assert_int_equal(mkdir(tmp(f, "d"), 0700), 0);
	big_member_archive(f, "d/t.tar.gz", "tar", "gzip");
	truncate_file(tmp(f, "d/t.tar.gz"), 0.5);
	write_str(tmp(f, "d/pod.yaml"), pod_yaml_named("walked"));
	assert_int_equal(load1(f, tmp(f, "d")), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_string_equal(f->m.pods.v[0].name, "walked");
	assert_true(has_warning(&f->m, "archiveError"));
}

/* A ustar header claiming size bytes, then a little data, gzip-compressed. */
static void write_lying_tar_gz(const char *path, unsigned long long size)
{
	unsigned char hdr[512 + 4096];
	unsigned sum = 0;
	size_t i;
	struct aent e[1] = { { "x", E_FILE, hdr, sizeof(hdr), NULL } };

	memset(hdr, 0, sizeof(hdr));
	snprintf((char *)hdr, 100, "bomb.yaml");
	snprintf((char *)hdr + 100, 8, "0000644");
	snprintf((char *)hdr + 108, 8, "0000000");
	snprintf((char *)hdr + 116, 8, "0000000");
	snprintf((char *)hdr + 124, 12, "%011llo", size);
	snprintf((char *)hdr + 136, 12, "%011o", 0);
	hdr[156] = '0';
	memcpy(hdr + 257, "ustar", 6);
	memcpy(hdr + 263, "00", 2);
	memset(hdr + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += hdr[i];
	snprintf((char *)hdr + 148, 8, "%06o", sum);
	hdr[155] = ' ';
	write_archive(path, "raw", "gzip", e, 1);
}

static void test_gzip_bomb_claiming_a_huge_member_stops_at_once(void **state)
{
	struct fx *f = *state;
	double t0;

	write_lying_tar_gz(tmp(f, "bomb.tar.gz"), 5ULL << 30);
	t0 = now();
	assert_int_equal(load1(f, tmp(f, "bomb.tar.gz")), NP_ELIMIT);
	assert_true(now() - t0 < 1.0);
	assert_non_null(strstr(f->err.msg, "--limit member-bytes="));
	assert_string_equal(f->err.member, "bomb.yaml");
}

static void zeros_archive(struct fx *f, const char *name, const char *filter, size_t n)
{
	char *zeros = calloc(1, n);
	struct aent e[] = { { "zeros.yaml", E_FILE, zeros, n, NULL } };

	assert_non_null(zeros);
	write_archive(tmp(f, name), "tar", filter, e, 1);
	free(zeros);
}

static void test_zstd_bomb_trips_the_ratio_limit_quickly(void **state)
{
	struct fx *f = *state;
	double t0;

	zeros_archive(f, "z.tar.zst", "zstd", 64u << 20);
	t0 = now();
	assert_int_equal(load1(f, tmp(f, "z.tar.zst")), NP_ELIMIT);
	assert_true(now() - t0 < 2.0);
	assert_non_null(strstr(f->err.msg, "--limit ratio="));
}

static void test_gzip_ratio_is_checked_against_the_configured_limit(void **state)
{
	struct fx *f = *state;

	zeros_archive(f, "z.tar.gz", "gzip", 32u << 20);
	f->opt.limits.ratio = 100;
	assert_int_equal(load1(f, tmp(f, "z.tar.gz")), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit ratio="));
}

static void test_member_over_limit_in_archive(void **state)
{
	struct fx *f = *state;
	char *pad = yaml_padding(8192);
	struct aent e[] = { { "big.yaml", E_FILE, pad, 0, NULL } };

	write_archive(tmp(f, "a.zip"), "zip", NULL, e, 1);
	free(pad);
	f->opt.limits.member_bytes = 4096;
	assert_int_equal(load1(f, tmp(f, "a.zip")), NP_ELIMIT);
	assert_non_null(strstr(f->err.msg, "--limit member-bytes="));
	assert_string_equal(f->err.member, "big.yaml");
}

/* More candidate members than one member limit can keep: the second pass
 * reads them again, with the same result and order. */
static void test_archive_larger_than_the_cache_is_read_in_two_passes(void **state)
{
	struct fx *f = *state;
	char *pad = yaml_padding(30000);
	char docs[3][31000];
	struct aent e[3];
	size_t i;

	for (i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "p%zu", i + 1);
		snprintf(docs[i], sizeof(docs[i]), "%s%s", pod_yaml_named(name), pad);
		e[i] = (struct aent){ NULL, E_FILE, docs[i], 0, NULL };
	}
	e[0].name = "1.yaml";
	e[1].name = "2.yaml";
	e[2].name = "3.yaml";
	free(pad);
	write_archive(tmp(f, "a.tar.gz"), "tar", "gzip", e, 3);
	f->opt.limits.member_bytes = 40000;
	assert_int_equal(load1(f, tmp(f, "a.tar.gz")), 0);
	assert_int_equal(f->m.pods.n, 3);
	assert_string_equal(f->m.pods.v[0].name, "p1");
	assert_string_equal(f->m.pods.v[2].name, "p3");
}

static void test_parse_error_in_member_is_a_warning(void **state)
{
	struct fx *f = *state;
	struct aent e[] = {
		{ "bad.yaml", E_FILE, "kind: Pod\nmetadata: [\n", 0, NULL },
		{ "good.yaml", E_FILE, pod_yaml, 0, NULL },
	};

	write_archive(tmp(f, "a.tgz"), "tar", "gzip", e, 2);
	assert_int_equal(load1(f, tmp(f, "a.tgz")), 0);
	assert_int_equal(f->m.pods.n, 1);
	assert_true(has_warning(&f->m, "parseError"));
}

static void test_not_an_archive_despite_magic_is_eio(void **state)
{
	struct fx *f = *state;
	struct aent e[] = { { "x", E_FILE, pod_yaml, 0, NULL } };

	/* a gzip-compressed YAML file: neither tar nor zip inside */
	write_archive(tmp(f, "pods.yaml.gz"), "raw", "gzip", e, 1);
	assert_int_equal(load1(f, tmp(f, "pods.yaml.gz")), NP_EIO);
	assert_string_equal(f->err.file, tmp(f, "pods.yaml.gz"));
}

static void test_compression_outside_the_supported_set_is_refused(void **state)
{
	static const char *const filters[] = { "lz4", "lzip", "compress" };
	struct fx *f = *state;
	struct aent e[] = { { "pods.yaml", E_FILE, pod_yaml, 0, NULL } };
	size_t i;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		struct np_model m;
		const char *paths[1] = { tmp(f, filters[i]) };

		write_archive(paths[0], "tar", filters[i], e, 1);
		np_model_init(&m);
		assert_true(np_snapshot_load(&m, paths, 1, &f->opt, &f->err) < 0);
		assert_int_equal(m.pods.n, 0);
		np_model_release(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_named_yaml_file_is_read),
		T(test_input_digest_is_sha256_of_the_file),
		T(test_archive_digest_is_sha256_of_the_archive),
		T(test_missing_named_input_is_not_found),
		T(test_parse_error_in_named_file_is_fatal_with_position),
		T(test_no_recognised_object_is_eempty),
		T(test_dev_zero_is_rejected_quickly),
		T(test_binary_named_file_is_not_text),
		T(test_fifo_named_input_is_read),
		T(test_dash_reads_stdin),
		T(test_zip_on_stdin_is_buffered_and_read),
		T(test_tar_gz_on_stdin_is_read),
		T(test_walk_reads_known_extensions_and_skips_dot_dirs),
		T(test_walk_order_is_byte_order),
		T(test_parse_error_in_walked_file_is_a_warning),
		T(test_strict_inputs_make_walked_parse_errors_fatal),
		T(test_walk_skips_symlinked_dirs_and_special_files),
		T(test_nul_in_walked_file_is_a_warning),
		T(test_file_over_member_limit_names_the_limit),
		T(test_total_limit_spans_inputs),
		T(test_member_count_limit_in_directory),
		T(test_member_count_limit_in_archive),
		T(test_path_length_limit),
		T(test_every_supported_archive_format_is_read),
		T(test_links_devices_and_unsafe_paths_are_skipped),
		T(test_nested_archive_is_read_one_level_deep),
		T(test_truncated_tar_gz_is_eio_naming_file_and_member),
		T(test_truncated_tar_is_eio_naming_file_and_member),
		T(test_truncated_zip_is_eio),
		T(test_corrupt_archive_in_walked_directory_is_a_warning),
		T(test_gzip_bomb_claiming_a_huge_member_stops_at_once),
		T(test_zstd_bomb_trips_the_ratio_limit_quickly),
		T(test_gzip_ratio_is_checked_against_the_configured_limit),
		T(test_member_over_limit_in_archive),
		T(test_archive_larger_than_the_cache_is_read_in_two_passes),
		T(test_parse_error_in_member_is_a_warning),
		T(test_not_an_archive_despite_magic_is_eio),
		T(test_compression_outside_the_supported_set_is_refused),
#undef T
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
