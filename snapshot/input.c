/* Reading -f inputs (DESIGN §3.1, §8): files, directories, pipes and
 * archives, always bounded by the limits. Archives go through libarchive with
 * only the tar and zip readers and the built-in gzip, bzip2, xz and zstd
 * filters; members are streamed, never extracted. Layout detection needs the
 * member list first, so an archive is scanned once (keeping the members that
 * may be decoded in memory, up to a budget) and read a second time only when
 * that budget overflows. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "netpol/model.h"
#include "load_internal.h"

#define BLOCK 65536
#define SNIFF_ARCHIVE 512               /* enough for the ustar magic at 257 */
#define CACHE_BUDGET (256ULL << 20)     /* members kept from the first archive pass */
#define RATIO_FLOOR (10ULL << 20)       /* the ratio is checked past this output */
#define SIZE_HINT_MAX (16ULL << 20)     /* largest first allocation a header may ask for */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Room for extra bytes plus a NUL. */
static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (extra > SIZE_MAX - 1 - b->len)
		return NP_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 4096;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	p = realloc(b->p, ncap);
	if (!p)
		return NP_ENOMEM;
	b->p = p;
	b->cap = ncap;
	return 0;
}

static int buf_append(struct buf *b, const void *data, size_t len)
{
	int rc = buf_reserve(b, len);

	if (rc)
		return rc;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int ld_limit_error(struct ld *ld, const char *file, const char *member, const char *what,
		   const char *name, unsigned long long value)
{
	return np_error_setat(ld->err, NP_ELIMIT, file, member, 0, 0,
			      "%s exceeds the %s limit (%llu); raise it with --limit %s=VALUE",
			      what, name, value, name);
}

static bool archive_magic(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return true; /* gzip */
	if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		return true;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ", 5) == 0 && p[5] == 0)
		return true;
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return true; /* zstd */
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) || (p[2] == 7 && p[3] == 8)))
		return true; /* zip */
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return true;
	return false;
}

/* Offset of a NUL byte in the sniffed prefix, or -1. */
static long nul_at(const char *p, size_t n)
{
	const char *z = memchr(p, 0, n < LD_SNIFF_BYTES ? n : LD_SNIFF_BYTES);
	return z ? (long)(z - p) : -1;
}

/* memmem() is a GNU extension. */
static const char *find(const char *hay, size_t n, const char *needle, size_t nlen)
{
	const char *p = hay, *end = hay + n;

	if (nlen == 0 || n < nlen)
		return NULL;
	while ((p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1))) {
		if (memcmp(p, needle, nlen) == 0)
			return p;
		if ((size_t)(end - ++p) < nlen)
			break;
	}
	return NULL;
}

/* The stdout form of `kubectl cluster-info dump`: JSON Lists starting with the
 * NodeList, with `==== START logs` blocks in between. */
static bool dump_stdout(const char *p, size_t n)
{
	size_t i = 0, lim = n < 4096 ? n : 4096;

	while (i < lim && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i >= lim || p[i] != '{' || !find(p + i, lim - i, "\"NodeList\"", 10))
		return false;
	return find(p, n, "\n==== START logs for", 20) ||
	       find(p, n, "\"ReplicationControllerList\"", 27);
}

/* Blanks the log blocks in place, keeping newlines so line numbers stay true. */
static void blank_logs(char *p, size_t n)
{
	bool in = false;
	size_t i = 0;

	while (i < n) {
		size_t e = i;
		bool start, end;

		while (e < n && p[e] != '\n')
			e++;
		start = e - i >= 15 && memcmp(p + i, "==== START logs", 15) == 0;
		end = e - i >= 13 && memcmp(p + i, "==== END logs", 13) == 0;
		if (start)
			in = true;
		if (in)
			memset(p + i, ' ', e - i);
		if (end)
			in = false;
		i = e + 1;
	}
}

static bool is_terraform(const char *path, const char *p, size_t n)
{
	size_t len = strlen(path);

	if ((len >= 3 && strcmp(path + len - 3, ".tf") == 0) ||
	    (len >= 8 && strcmp(path + len - 8, ".tf.json") == 0))
		return true;
	return find(p, n < 4096 ? n : 4096, "\"terraform_version\"", 19) != NULL;
}

/* Reads fd to EOF into b, at most max bytes in total; 1 if there was more.
 * size_hint (a regular file's size) only sizes the first allocation. */
static int read_fd(int fd, struct buf *b, unsigned long long max, unsigned long long size_hint,
		   int *errnum)
{
	if (size_hint > max)
		size_hint = max;
	if (size_hint > b->len) {
		int rc = buf_reserve(b, (size_t)(size_hint - b->len) + 1);
		if (rc)
			return rc;
	}
	for (;;) {
		size_t want = BLOCK;
		ssize_t n;
		int rc;

		if (b->len > max)
			return 1;
		if (max - b->len + 1 < want)
			want = (size_t)(max - b->len + 1);
		if ((rc = buf_reserve(b, want)))
			return rc;
		n = read(fd, b->p + b->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*errnum = errno;
			return NP_EIO;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->p[b->len] = '\0';
	}
	return b->len > max ? 1 : 0;
}

/* ---- trees: a directory or an archive as a list of entries ---- */
struct ent {
	char *path;     /* relative, normalised */
	char *fspath;   /* directories: the file to open */
	char *data;     /* archives: content kept by the first pass (NUL-terminated) */
	size_t len;
	bool cached;
	bool archive;   /* starts with archive magic */
	bool link;
};

struct tree {
	struct ld *ld;
	const char *file;    /* interned: the directory or archive as given or walked */
	const char *mprefix; /* nested archive: its member path in the outer archive */
	bool named;          /* container errors are fatal */
	int depth;           /* archive nesting: 0 or 1 */
	struct ent *v;
	size_t n, cap;
	struct np_sha256 *sha;
	bool is_zip;
	const char *kind;    /* detected layout name */
};

static void tree_release(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].fspath);
		free(t->v[i].data);
	}
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

static struct ent *tree_push(struct tree *t)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct ent *v;
		if (ncap > SIZE_MAX / sizeof(*v))
			return NULL;
		v = realloc(t->v, ncap * sizeof(*v));
		if (!v)
			return NULL;
		t->v = v;
		t->cap = ncap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

static const char *istr(struct tree *t, const char *s)
{
	return s ? np_model_str(t->ld->m, s) : NULL;
}

/* Member name as reported: nested members are "outer/inner". */
static const char *member_name(struct tree *t, const char *path, char *tmp, size_t tmplen)
{
	if (!t->mprefix)
		return path;
	snprintf(tmp, tmplen, "%s/%s", t->mprefix, path);
	return tmp;
}

static int count_member(struct tree *t, const char *member)
{
	struct ld *ld = t->ld;

	if (++ld->members > ld->lim->members)
		return ld_limit_error(ld, t->file, member, "the number of files and archive members",
				      "members", ld->lim->members);
	return 0;
}

static int ld_input_tree(struct tree *t, int fd, const char *path, const unsigned char *mem,
			 size_t memlen);

/* Decodes one file's or member's content according to the layout. */
static int process(struct tree *t, struct lay *lay, size_t i, char *data, size_t len)
{
	struct ld *ld = t->ld;
	struct ent *e = &t->v[i];
	struct np_hint h;
	enum lay_action act = lay_classify(lay, i, &h);
	char mtmp[8192];
	const char *file, *member;
	long nul;

	if (e->fspath) {
		file = istr(t, e->fspath);
		member = NULL;
	} else {
		file = t->file;
		member = istr(t, member_name(t, e->path, mtmp, sizeof(mtmp)));
	}
	if ((e->fspath && !file) || (!e->fspath && !member))
		return NP_ENOMEM;
	switch (act) {
	case LA_SKIP:
		return 0;
	case LA_SNIFF:
		if (!e->archive)
			return 0;
		if (t->depth >= 1) {
			np_model_warn(ld->m, NULL, NULL, "nestedArchive", file,
				      "%s: archive nested more than one level deep skipped", member);
			return 0;
		}
		if (e->fspath) {
			struct tree sub = { .ld = ld, .file = file, .named = false, .depth = 0,
					    .sha = t->sha };
			int fd = open(e->fspath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
			int rc;
			if (fd < 0) {
				ld_warn_file(ld, lay, &h, "ioError", file, NULL, strerror(errno));
				return 0;
			}
			rc = ld_input_tree(&sub, fd, e->fspath, NULL, 0);
			close(fd);
			return rc;
		} else {
			struct tree sub = { .ld = ld, .file = t->file, .mprefix = member,
					    .named = false, .depth = t->depth + 1 };
			return ld_input_tree(&sub, -1, NULL, (const unsigned char *)data, len);
		}
	case LA_AUX:
		return lay_aux(lay, i, data, len, file);
	case LA_DECODE:
		break;
	}
	if ((nul = nul_at(data, len)) >= 0) {
		char msg[128];
		snprintf(msg, sizeof(msg), "not a text file (NUL byte at offset %ld)", nul);
		ld_warn_file(ld, lay, &h, "parseError", file, member, msg);
		return 0;
	}
	if (lay_get_kind(lay) == LAY_GENERIC && dump_stdout(data, len)) {
		blank_logs(data, len);
		h.layout = lay_name(LAY_CIDUMP);
	}
	return ld_decode(ld, lay, data, len, file, member, &h);
}

/* ---- directories ---- */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	if (la && a[la - 1] == '/')
		memmove(p + la, p + la + 1, lb + 1);
	return p;
}

/* Recursive walk in byte order; dot-directories, special files and
 * symlinked directories are skipped. */
static int walk(struct tree *t, const char *fsdir, const char *rel, size_t depth)
{
	struct ld *ld = t->ld;
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (depth > ld->lim->decode.max_depth)
		return ld_limit_error(ld, t->file, rel, "directory nesting", "depth",
				      ld->lim->decode.max_depth);
	d = opendir(fsdir);
	if (!d) {
		if (depth == 0)
			return np_error_setat(ld->err, errno == ENOENT ? NP_ENOTFOUND : NP_EIO,
					      t->file, NULL, 0, 0, "%s", strerror(errno));
		np_model_warn(ld->m, NULL, NULL, "ioError", istr(t, fsdir), "%s: %s", fsdir,
			      strerror(errno));
		return 0;
	}
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (!nn) {
				rc = NP_ENOMEM;
				goto out;
			}
			names = nn;
			cap = ncap;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = NP_ENOMEM;
			goto out;
		}
		n++;
		if (n > ld->lim->members) {
			rc = ld_limit_error(ld, t->file, rel, "the number of files and archive members",
					    "members", ld->lim->members);
			goto out;
		}
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !rc; i++) {
		char *fs = join(fsdir, names[i]);
		char *r = rel ? join(rel, names[i]) : strdup(names[i]);
		struct stat st;
		bool link = false;
		struct ent *e;

		if (!fs || !r) {
			free(fs);
			free(r);
			rc = NP_ENOMEM;
			break;
		}
		if (strlen(r) > ld->lim->path_length) {
			rc = ld_limit_error(ld, t->file, r, "a path's length", "path-length",
					    ld->lim->path_length);
			free(fs);
			free(r);
			break;
		}
		if (lstat(fs, &st) != 0) {
			st.st_mode = 0;
		} else if (S_ISLNK(st.st_mode)) {
			link = true;
			if (stat(fs, &st) != 0 || S_ISDIR(st.st_mode))
				st.st_mode = 0; /* dangling link or symlinked directory */
		}
		if (S_ISDIR(st.st_mode)) {
			if (names[i][0] != '.')
				rc = walk(t, fs, r, depth + 1);
			free(fs);
			free(r);
			continue;
		}
		if (!S_ISREG(st.st_mode) || (rc = count_member(t, r))) {
			free(fs);
			free(r);
			continue;
		}
		if (!(e = tree_push(t))) {
			free(fs);
			free(r);
			rc = NP_ENOMEM;
			break;
		}
		e->path = r;
		e->fspath = fs;
		e->link = link;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* Reads a walked file for decoding (bounded); *skip on a non-fatal problem. */
static int read_walked(struct tree *t, struct lay *lay, size_t i, struct buf *b, size_t max_read,
		       bool *skip)
{
	struct ld *ld = t->ld;
	struct ent *e = &t->v[i];
	unsigned long long room = ld->lim->total_bytes - ld->total;
	unsigned long long max = ld->lim->member_bytes < room ? ld->lim->member_bytes : room;
	struct np_hint h;
	struct stat st;
	int fd, rc, errnum = 0;

	*skip = false;
	if (max_read && max > max_read)
		max = max_read;
	(void)lay_classify(lay, i, &h);
	fd = open(e->fspath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* sniffing a file of unknown type: only an archive would matter */
		if (!max_read)
			ld_warn_file(ld, lay, &h, "ioError", istr(t, e->fspath), NULL,
				     fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		*skip = true;
		return 0;
	}
	rc = read_fd(fd, b, max, max_read ? 0 : (unsigned long long)st.st_size, &errnum);
	close(fd);
	if (rc == 1 && max_read && max == max_read)
		return 0; /* a sniffed prefix */
	if (rc == 1) {
		bool member = ld->lim->member_bytes <= room;
		return ld_limit_error(ld, istr(t, e->fspath), NULL,
				      member ? "the file's size" : "the total input size",
				      member ? "member-bytes" : "total-bytes",
				      member ? ld->lim->member_bytes : ld->lim->total_bytes);
	}
	if (rc == NP_EIO) {
		if (!max_read)
			ld_warn_file(ld, lay, &h, "ioError", istr(t, e->fspath), NULL,
				     strerror(errnum));
		*skip = true;
		return 0;
	}
	if (rc)
		return rc;
	if (!max_read) {
		ld->total += b->len;
		if (t->sha)
			np_sha256_update(t->sha, b->p, b->len);
	}
	return 0;
}

static int dir_tree(struct tree *t, const char *path)
{
	const char **paths = NULL;
	unsigned char *links = NULL;
	struct lay *lay = NULL;
	size_t i;
	int rc;

	if ((rc = walk(t, path, NULL, 0)))
		goto out;
	paths = malloc((t->n ? t->n : 1) * sizeof(*paths));
	links = malloc(t->n ? t->n : 1);
	if (!paths || !links) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		paths[i] = t->v[i].path;
		links[i] = t->v[i].link;
	}
	if ((rc = lay_new(&lay, t->ld->m, paths, links, t->n)))
		goto out;
	t->kind = lay_name(lay_get_kind(lay));
	for (i = 0; i < t->n && !rc; i++) {
		struct np_hint h;
		enum lay_action act = lay_classify(lay, i, &h);
		struct buf b = { 0 };
		bool skip;

		if (act == LA_SKIP)
			continue;
		if (act == LA_SNIFF) {
			if ((rc = read_walked(t, lay, i, &b, SNIFF_ARCHIVE, &skip)) || skip) {
				buf_release(&b);
				continue;
			}
			t->v[i].archive = archive_magic((unsigned char *)b.p, b.len);
			buf_release(&b);
			if (t->v[i].archive)
				rc = process(t, lay, i, NULL, 0);
			continue;
		}
		if ((rc = read_walked(t, lay, i, &b, 0, &skip)) == 0 && !skip) {
			if (!b.p && (rc = buf_reserve(&b, 0)) == 0)
				b.p[0] = '\0';
			if (!rc)
				rc = process(t, lay, i, b.p, b.len);
		}
		buf_release(&b);
	}
	if (!rc)
		rc = lay_finish(lay, t->file);
out:
	lay_free(lay);
	free(paths);
	free(links);
	return rc;
}

/* ---- archives ---- */
struct asrc {
	int fd;                    /* -1: memory */
	const unsigned char *mem;
	unsigned long long base;   /* fd offset where the archive starts */
	unsigned long long size;
	unsigned long long off;
	unsigned long long in;     /* bytes handed to libarchive */
	unsigned char *block;
	struct np_sha256 *sha;     /* digest of the bytes in order, when set */
	unsigned long long hashed;
};

static la_ssize_t src_read(struct archive *a, void *cd, const void **out)
{
	struct asrc *s = cd;
	size_t n;

	if (s->off >= s->size) {
		*out = s->block;
		return 0;
	}
	n = s->size - s->off < BLOCK ? (size_t)(s->size - s->off) : BLOCK;
	if (s->fd < 0) {
		*out = s->mem + s->off;
	} else {
		ssize_t r;
		do
			r = pread(s->fd, s->block, n, (off_t)(s->base + s->off));
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			archive_set_error(a, errno, "read error: %s", strerror(errno));
			return -1;
		}
		n = (size_t)r;
		*out = s->block;
	}
	if (s->sha && s->off <= s->hashed && s->off + n > s->hashed) {
		size_t skip = (size_t)(s->hashed - s->off);
		np_sha256_update(s->sha, (const unsigned char *)*out + skip, n - skip);
		s->hashed += n - skip;
	}
	s->off += n;
	s->in += n;
	return (la_ssize_t)n;
}

static la_int64_t src_seek(struct archive *a, void *cd, la_int64_t off, int whence)
{
	struct asrc *s = cd;
	long long base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (long long)s->off
								       : (long long)s->size;
	long long to = base + off;

	(void)a;
	if (to < 0)
		return ARCHIVE_FATAL;
	s->off = (unsigned long long)to;
	return to;
}

/* Completes the digest of a file read out of order (zip reads its end first). */
static int src_hash_rest(struct asrc *s)
{
	while (s->sha && s->fd >= 0 && s->hashed < s->size) {
		size_t n = s->size - s->hashed < BLOCK ? (size_t)(s->size - s->hashed) : BLOCK;
		ssize_t r = pread(s->fd, s->block, n, (off_t)(s->base + s->hashed));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? NP_EIO : 0;
		np_sha256_update(s->sha, s->block, (size_t)r);
		s->hashed += (unsigned long long)r;
	}
	return 0;
}

/* Only filters libarchive implements itself: one that would run an external
 * program returns ARCHIVE_WARN when registered and is left out. */
static struct archive *arc_new(void)
{
	static int (*const filters[])(struct archive *) = {
		archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
		archive_read_support_filter_xz, archive_read_support_filter_zstd,
	};
	struct archive *a = archive_read_new();
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		struct archive *probe = archive_read_new();
		int ok = probe && filters[i](probe) == ARCHIVE_OK;
		archive_read_free(probe);
		if (ok && filters[i](a) != ARCHIVE_OK) {
			archive_read_free(a);
			return NULL;
		}
	}
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_zip(a) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static bool filters_ok(struct archive *a)
{
	int i, n = archive_filter_count(a);

	for (i = 0; i < n; i++) {
		switch (archive_filter_code(a, i)) {
		case ARCHIVE_FILTER_NONE: case ARCHIVE_FILTER_GZIP: case ARCHIVE_FILTER_BZIP2:
		case ARCHIVE_FILTER_XZ: case ARCHIVE_FILTER_ZSTD:
			break;
		default:
			return false;
		}
	}
	return true;
}

static int arc_open(struct tree *t, struct asrc *s, struct archive **out)
{
	struct archive *a = arc_new();

	*out = NULL;
	if (!a)
		return NP_ENOMEM;
	s->off = 0;
	s->in = 0;
	if (archive_read_set_read_callback(a, src_read) != ARCHIVE_OK ||
	    archive_read_set_seek_callback(a, src_seek) != ARCHIVE_OK ||
	    archive_read_set_callback_data(a, s) != ARCHIVE_OK ||
	    archive_read_open1(a) != ARCHIVE_OK) {
		int rc = np_error_setat(t->ld->err, NP_EIO, t->file, t->mprefix, 0, 0,
					"not a readable tar or zip archive: %s",
					archive_error_string(a) ? archive_error_string(a) : "unknown error");
		archive_read_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* Lexically normalises a member path; NULL for absolute or ".." paths. */
static char *norm_path(const char *name)
{
	size_t len = strlen(name), o = 0;
	const char *p = name;
	char *out;

	if (name[0] == '/' || len == 0)
		return NULL;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t cl = e ? (size_t)(e - p) : strlen(p);

		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			free(out);
			return NULL;
		}
		if (cl && !(cl == 1 && p[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, cl);
			o += cl;
		}
		p += cl;
		if (*p == '/')
			p++;
	}
	out[o] = '\0';
	if (!o) {
		free(out);
		return NULL;
	}
	return out;
}

static int arc_error(struct tree *t, struct archive *a, const char *member, const char *what)
{
	const char *msg = archive_error_string(a);

	return np_error_setat(t->ld->err, NP_EIO, t->file, member ? member : t->mprefix, 0, 0,
			      "%s: %s", what, msg ? msg : "truncated or corrupt archive");
}

/* The header of the next regular, safe member. *ae NULL at the end. */
static int arc_next(struct tree *t, struct archive *a, struct archive_entry **ae, char **path,
		    bool count, const char *last)
{
	struct ld *ld = t->ld;
	char mtmp[8192];

	for (;;) {
		int r = archive_read_next_header(a, ae);
		const char *name;
		char *norm;
		int rc;

		*path = NULL;
		if (r == ARCHIVE_EOF) {
			*ae = NULL;
			return 0;
		}
		if (r < ARCHIVE_WARN)
			return arc_error(t, a, last, last ? "archive corrupt or truncated after this member"
							  : "archive corrupt or truncated");
		if (!filters_ok(a))
			return np_error_setat(ld->err, NP_EIO, t->file, t->mprefix, 0, 0,
					      "archive compression not supported");
		name = archive_entry_pathname(*ae);
		if (!name)
			name = archive_entry_pathname_utf8(*ae);
		if (count && (rc = count_member(t, name)))
			return rc;
		if (r == ARCHIVE_WARN && count && archive_error_string(a))
			np_model_warn(ld->m, NULL, NULL, "archiveWarning", t->file, "%s: %s",
				      name ? name : "?", archive_error_string(a));
		if (!name)
			continue;
		if (strlen(name) > ld->lim->path_length)
			return ld_limit_error(ld, t->file, NULL, "a member path's length", "path-length",
					      ld->lim->path_length);
		if (archive_entry_filetype(*ae) != AE_IFREG || archive_entry_hardlink(*ae))
			continue; /* links, devices, directories */
		norm = norm_path(name);
		if (!norm) {
			if (count)
				np_model_warn(ld->m, NULL, NULL, "unsafePath", t->file,
					      "%s: member with an absolute or '..' path skipped",
					      member_name(t, name, mtmp, sizeof(mtmp)));
			continue;
		}
		if (archive_entry_size_is_set(*ae) &&
		    (unsigned long long)archive_entry_size(*ae) > ld->lim->member_bytes) {
			rc = ld_limit_error(ld, t->file, member_name(t, norm, mtmp, sizeof(mtmp)),
					    "the member's size", "member-bytes", ld->lim->member_bytes);
			free(norm);
			return rc;
		}
		*path = norm;
		return 0;
	}
}

struct rd {
	unsigned long long in0;   /* source bytes before this member */
	unsigned long long out;   /* member bytes */
	unsigned long long *aout; /* archive bytes so far (tar: the ratio is cumulative) */
};

/* Accounts n more bytes of a member against every budget. */
static int account(struct tree *t, struct asrc *s, struct rd *r, size_t n, const char *path,
		   bool count_total)
{
	struct ld *ld = t->ld;
	char mtmp[8192];
	unsigned long long out, in;

	r->out += n;
	*r->aout += n;
	if (r->out > ld->lim->member_bytes)
		return ld_limit_error(ld, t->file, member_name(t, path, mtmp, sizeof(mtmp)),
				      "the member's size", "member-bytes", ld->lim->member_bytes);
	if (count_total) {
		ld->total += n;
		if (ld->total > ld->lim->total_bytes)
			return ld_limit_error(ld, t->file, member_name(t, path, mtmp, sizeof(mtmp)),
					      "the total uncompressed input", "total-bytes",
					      ld->lim->total_bytes);
	}
	out = t->is_zip ? r->out : *r->aout;
	in = t->is_zip ? s->in - r->in0 : s->in;
	if (out > RATIO_FLOOR && out / (in ? in : 1) > ld->lim->ratio)
		return ld_limit_error(ld, t->file, member_name(t, path, mtmp, sizeof(mtmp)),
				      "the compression ratio", "ratio", ld->lim->ratio);
	return 0;
}

/* Reads the current member's data; keeps it in b when keep (else only the
 * first bytes, to sniff a nested archive). */
static int arc_data(struct tree *t, struct archive *a, struct archive_entry *ae, struct asrc *s,
		    const char *path, struct buf *b, bool keep, bool sniff, unsigned long long *aout,
		    bool count_total)
{
	struct rd r = { s->in, 0, aout };
	unsigned char *blk = malloc(BLOCK);
	char mtmp[8192];
	int rc = 0;

	if (!blk)
		return NP_ENOMEM;
	if (keep && archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0) {
		/* the header's size only sizes the first allocation, capped: the
		 * bytes actually read are what counts */
		unsigned long long hint = (unsigned long long)archive_entry_size(ae);
		if (hint > SIZE_HINT_MAX)
			hint = SIZE_HINT_MAX;
		if (hint > t->ld->lim->member_bytes)
			hint = t->ld->lim->member_bytes;
		if ((rc = buf_reserve(b, (size_t)hint + BLOCK))) {
			free(blk);
			return rc;
		}
	}
	for (;;) {
		unsigned char *dst = blk;
		la_ssize_t n;

		if (keep) {
			/* straight into the kept buffer: no copy */
			if ((rc = buf_reserve(b, BLOCK)))
				break;
			dst = (unsigned char *)b->p + b->len;
		}
		n = archive_read_data(a, dst, BLOCK);
		if (n == 0)
			break;
		if (n < 0) {
			rc = arc_error(t, a, member_name(t, path, mtmp, sizeof(mtmp)),
				       "member data corrupt or truncated");
			break;
		}
		if ((rc = account(t, s, &r, (size_t)n, path, count_total)))
			break;
		if (keep) {
			b->len += (size_t)n;
			b->p[b->len] = '\0';
		} else if (sniff) {
			size_t take = SNIFF_ARCHIVE - b->len < (size_t)n ? SNIFF_ARCHIVE - b->len : (size_t)n;
			if ((rc = buf_append(b, blk, take)))
				break;
			if (b->len < SNIFF_ARCHIVE)
				continue;
			sniff = false;
			if (archive_magic((unsigned char *)b->p, b->len)) {
				/* a nested archive: keep all of it (one level only) */
				keep = t->depth == 0;
				if (keep && (rc = buf_append(b, blk + take, (size_t)n - take)))
					break;
			} else if (t->is_zip) {
				/* seekable zip: skipping costs nothing, no data is inflated */
				if (archive_read_data_skip(a) != ARCHIVE_OK)
					rc = arc_error(t, a, member_name(t, path, mtmp, sizeof(mtmp)),
						       "member data corrupt or truncated");
				break;
			}
		}
	}
	free(blk);
	return rc;
}

static void drop_cache(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].data);
		t->v[i].data = NULL;
		t->v[i].cached = false;
	}
}

/* First pass: the member list, limits on every byte, and the members that
 * may be decoded kept in memory while they fit the budget. */
static int arc_scan(struct tree *t, struct asrc *s, bool *overflow)
{
	struct archive *a = NULL;
	unsigned long long cached = 0, aout = 0, budget = CACHE_BUDGET;
	char *last = NULL;
	int rc;

	*overflow = false;
	/* never hold more than one member limit's worth of members */
	if (budget > t->ld->lim->member_bytes)
		budget = t->ld->lim->member_bytes;
	if ((rc = arc_open(t, s, &a)))
		return rc;
	for (;;) {
		struct archive_entry *ae;
		struct buf b = { 0 };
		char *path;
		bool cand;
		struct ent *e;

		if ((rc = arc_next(t, a, &ae, &path, true, last)) || !ae)
			break;
		t->is_zip = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
		cand = lay_generic_ext(path);
		rc = arc_data(t, a, ae, s, path, &b, cand && !*overflow, !cand, &aout, true);
		if (rc) {
			free(path);
			buf_release(&b);
			break;
		}
		if (!(e = tree_push(t))) {
			free(path);
			buf_release(&b);
			rc = NP_ENOMEM;
			break;
		}
		e->path = path;
		last = path;
		e->archive = !cand && b.len && archive_magic((unsigned char *)b.p, b.len);
		if ((cand || e->archive) && !*overflow) {
			if (b.len > budget - cached) {
				*overflow = true;
				drop_cache(t);
			} else {
				if (!b.p && (rc = buf_reserve(&b, 0)) == 0)
					b.p[0] = '\0';
				if (rc) {
					buf_release(&b);
					break;
				}
				e->data = b.p;
				e->len = b.len;
				e->cached = true;
				cached += b.len;
				b.p = NULL;
			}
		}
		buf_release(&b);
	}
	archive_read_free(a);
	return rc;
}

/* Second pass, when the first could not keep everything: read the members
 * the layout wants, in archive order. */
static int arc_pass2(struct tree *t, struct asrc *s, struct lay *lay)
{
	struct archive *a = NULL;
	unsigned long long aout = 0;
	size_t i = 0;
	int rc;

	s->sha = NULL;
	if ((rc = arc_open(t, s, &a)))
		return rc;
	for (;;) {
		struct archive_entry *ae;
		struct buf b = { 0 };
		struct np_hint h;
		char *path;
		enum lay_action act;

		if ((rc = arc_next(t, a, &ae, &path, false, i ? t->v[i - 1].path : NULL)) || !ae)
			break;
		if (i >= t->n || strcmp(path, t->v[i].path) != 0) {
			free(path);
			rc = np_error_setat(t->ld->err, NP_EIO, t->file, t->mprefix, 0, 0,
					    "archive changed while it was read");
			break;
		}
		free(path);
		act = lay_classify(lay, i, &h);
		if (act == LA_SKIP || (act == LA_SNIFF && (!t->v[i].archive || t->depth >= 1))) {
			if (act == LA_SNIFF && t->v[i].archive)
				rc = process(t, lay, i, NULL, 0);
			i++;
			if (rc)
				break;
			continue;
		}
		rc = arc_data(t, a, ae, s, t->v[i].path, &b, true, false, &aout, false);
		if (!rc && !b.p && (rc = buf_reserve(&b, 0)) == 0)
			b.p[0] = '\0';
		if (!rc)
			rc = process(t, lay, i, b.p, b.len);
		buf_release(&b);
		i++;
		if (rc)
			break;
	}
	archive_read_free(a);
	return rc;
}

/* An archive from fd (seekable, from its current offset) or memory. Errors in
 * an archive that is not a named input become warnings. */
static int ld_input_tree(struct tree *t, int fd, const char *path, const unsigned char *mem,
			 size_t memlen)
{
	struct ld *ld = t->ld;
	struct asrc s = { .fd = fd, .mem = mem, .size = memlen, .sha = t->sha };
	const char **paths = NULL;
	struct lay *lay = NULL;
	struct np_error local, *outer = ld->err;
	bool overflow = false;
	size_t i;
	int rc;

	(void)path;
	/* problems with an archive that is not a named input are warnings:
	 * collect its error here and decide at the end */
	memset(&local, 0, sizeof(local));
	if (!t->named)
		ld->err = &local;
	if (fd >= 0) {
		struct stat st;
		off_t cur = lseek(fd, 0, SEEK_CUR);
		if (fstat(fd, &st) != 0 || cur < 0)
			return np_error_setat(ld->err, NP_EIO, t->file, NULL, 0, 0, "%s", strerror(errno));
		s.base = (unsigned long long)cur;
		s.size = (unsigned long long)st.st_size > s.base ? (unsigned long long)st.st_size - s.base : 0;
	}
	if (!(s.block = malloc(BLOCK)))
		return NP_ENOMEM;
	rc = arc_scan(t, &s, &overflow);
	if (!rc)
		rc = src_hash_rest(&s);
	if (rc)
		goto out;
	paths = malloc((t->n ? t->n : 1) * sizeof(*paths));
	if (!paths) {
		rc = NP_ENOMEM;
		goto out;
	}
	for (i = 0; i < t->n; i++)
		paths[i] = t->v[i].path;
	if ((rc = lay_new(&lay, ld->m, paths, NULL, t->n)))
		goto out;
	t->kind = lay_name(lay_get_kind(lay));
	if (overflow) {
		rc = arc_pass2(t, &s, lay);
	} else {
		for (i = 0; i < t->n && !rc; i++) {
			struct np_hint h;
			enum lay_action act = lay_classify(lay, i, &h);
			if (act == LA_SKIP || (!t->v[i].cached && !(act == LA_SNIFF && t->v[i].archive)))
				continue;
			rc = process(t, lay, i, t->v[i].data, t->v[i].len);
			free(t->v[i].data);
			t->v[i].data = NULL;
			t->v[i].cached = false;
		}
	}
	if (!rc)
		rc = lay_finish(lay, t->file);
out:
	if (!t->named) {
		ld->err = outer;
		if (rc == NP_EIO) {
			char msg[2048];
			np_error_format(&local, msg, sizeof(msg));
			np_model_warn(ld->m, NULL, NULL, "archiveError", t->file, "%s", msg);
			rc = 0;
		} else if (rc && outer) {
			*outer = local;
		}
	}
	lay_free(lay);
	free(paths);
	free(s.block);
	tree_release(t);
	return rc;
}

/* ---- named inputs ---- */
static int errno_error(struct ld *ld, const char *file, int errnum)
{
	return np_error_setat(ld->err, errnum == ENOENT ? NP_ENOTFOUND : NP_EIO, file, NULL, 0, 0,
			      "%s", strerror(errnum));
}

/* A named archive; b holds the prefix already read from fd. */
static int named_archive(struct ld *ld, int fd, off_t start, const char *path, const char *file,
			 struct buf *b, struct np_sha256 *sha, struct np_input *rec)
{
	struct tree t = { .ld = ld, .file = file, .named = true, .sha = sha };
	int rc, errnum = 0;

	if (start >= 0) {
		if (lseek(fd, start, SEEK_SET) < 0)
			return errno_error(ld, file, errno);
		rc = ld_input_tree(&t, fd, path, NULL, 0);
	} else {
		/* a pipe: zip needs its end first, and the layout the member
		 * list, so the stream is kept in memory (bounded) */
		rc = read_fd(fd, b, ld->lim->total_bytes, 0, &errnum);
		if (rc == 1)
			return ld_limit_error(ld, file, NULL, "the archive read from a pipe",
					      "total-bytes", ld->lim->total_bytes);
		if (rc == NP_EIO)
			return errno_error(ld, file, errnum);
		if (rc)
			return rc;
		np_sha256_update(sha, b->p, b->len);
		t.sha = NULL; /* hashed here: zip reads out of order */
		rc = ld_input_tree(&t, -1, path, (unsigned char *)b->p, b->len);
	}
	rec->layout = t.kind ? t.kind : "generic";
	return rc;
}

/* A large regular file is mapped rather than read (performance issue): no
 * copy, and no fresh pages to fault in, which on virtual machines is most of
 * what reading costs (bench/README.md). The mapping is read-only, with a
 * zero byte after the content like struct buf; the caller has read the first
 * b_len bytes from offset 0. Returns NULL to read the file instead. (A file
 * truncated while mapped would fault: the price every mmap reader pays.) */
#define MAP_MIN (1ULL << 20)

static char *map_text(int fd, const struct stat *st, size_t b_len, unsigned long long max,
		      size_t *span)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len, total;
	char *base, *p;

	if (!S_ISREG(st->st_mode) || st->st_size < 0 || (unsigned long long)st->st_size < MAP_MIN ||
	    (unsigned long long)st->st_size > max || (unsigned long long)st->st_size > SIZE_MAX / 2 ||
	    page <= 0 || lseek(fd, 0, SEEK_CUR) != (off_t)b_len)
		return NULL;
	len = (size_t)st->st_size;
	total = (len + 1 + (size_t)page - 1) / (size_t)page * (size_t)page;
	/* Room for the terminating zero even when len is a page multiple. */
	base = mmap(NULL, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	p = mmap(base, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		munmap(base, total);
		return NULL;
	}
	*span = total;
	return p;
}

/* A named text file (JSON, YAML, HCL, CNI config, a cluster-info dump's
 * stdout); b holds the prefix already read from fd. */
static int named_text(struct ld *ld, int fd, const struct stat *st, const char *path,
		      const char *file, struct buf *b, struct np_sha256 *sha, struct np_input *rec)
{
	unsigned long long room = ld->lim->total_bytes - ld->total;
	unsigned long long max = ld->lim->member_bytes < room ? ld->lim->member_bytes : room;
	unsigned long long hint = S_ISREG(st->st_mode) ? (unsigned long long)st->st_size : 0;
	struct np_hint h = { .layout = "generic", .res = -1, .named = true };
	struct lay *lay = NULL;
	int rc, errnum = 0;
	bool dump;
	size_t span = 0, len;
	char *map, *p;

	if (b->len && memchr(b->p, 0, b->len))
		return np_error_setat(ld->err, NP_EIO, file, NULL, 0, 0,
				      "not a text file (NUL byte at offset %ld)", nul_at(b->p, b->len));
	map = map_text(fd, st, b->len, max, &span);
	if (map && dump_stdout(map, (size_t)st->st_size)) {
		/* log blocks are blanked in place: read it */
		munmap(map, span);
		map = NULL;
	}
	if (map) {
		p = map;
		len = (size_t)st->st_size;
	} else {
		rc = b->len > max ? 1 : read_fd(fd, b, max, hint, &errnum);
		if (rc == 1) {
			bool member = ld->lim->member_bytes <= room;
			return ld_limit_error(ld, file, NULL,
					      member ? "the file's size" : "the total input size",
					      member ? "member-bytes" : "total-bytes",
					      member ? ld->lim->member_bytes : ld->lim->total_bytes);
		}
		if (rc == NP_EIO)
			return errno_error(ld, file, errnum);
		if (rc || (!b->p && (rc = buf_reserve(b, 0))))
			return rc;
		b->p[b->len] = '\0';
		p = b->p;
		len = b->len;
	}
	ld->total += len;
	np_sha256_update(sha, p, len);
	dump = !map && dump_stdout(p, len);
	if ((rc = lay_new_single(&lay, ld->m, dump ? LAY_CIDUMP : LAY_GENERIC)))
		goto out;
	if (dump) {
		blank_logs(p, len);
		h.layout = rec->layout = lay_name(LAY_CIDUMP);
	} else if (is_terraform(path, p, len)) {
		rec->layout = "terraform";
	}
	/* ld_decode only reads the buffer (the mapping is read-only) */
	rc = ld_decode(ld, lay, p, len, file, NULL, &h);
	if (!rc)
		rc = lay_finish(lay, file);
	lay_free(lay);
out:
	if (map)
		munmap(map, span);
	return rc;
}

int ld_input(struct ld *ld, const char *path, struct np_input *rec)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *file = np_model_str(ld->m, is_stdin ? "<stdin>" : path);
	struct np_sha256 sha;
	struct buf b = { 0 };
	struct stat st;
	int fd, rc, errnum = 0;
	off_t start;

	memset(rec, 0, sizeof(*rec));
	rec->path = np_model_str(ld->m, path);
	rec->layout = "generic";
	if (!file || !rec->path)
		return NP_ENOMEM;
	np_sha256_init(&sha);
	fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno_error(ld, file, errno);
	if (fstat(fd, &st) != 0) {
		rc = errno_error(ld, file, errno);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		struct tree t = { .ld = ld, .file = file, .named = true, .sha = &sha };
		rc = dir_tree(&t, path);
		rec->layout = t.kind ? t.kind : "generic";
		tree_release(&t);
		goto out;
	}
	/* a regular file (also one redirected to stdin) is read again from here */
	start = S_ISREG(st.st_mode) ? lseek(fd, 0, SEEK_CUR) : -1;
	rc = read_fd(fd, &b, LD_SNIFF_BYTES - 1, 0, &errnum);
	if (rc == NP_EIO)
		rc = errno_error(ld, file, errnum);
	if (rc < 0)
		goto out;
	if (archive_magic((unsigned char *)b.p, b.len))
		rc = named_archive(ld, fd, start, path, file, &b, &sha, rec);
	else
		rc = named_text(ld, fd, &st, path, file, &b, &sha, rec);
out:
	if (!rc)
		np_sha256_final(&sha, rec->sha256);
	buf_release(&b);
	if (!is_stdin)
		close(fd);
	return rc;
}
