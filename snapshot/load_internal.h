/* Private to snapshot/{input,layout,load}.c: the state of one np_snapshot_load
 * call and the layout classifier. Not part of the public API. */
#ifndef NETPOL_SNAPSHOT_LOAD_INTERNAL_H
#define NETPOL_SNAPSHOT_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/snapshot.h"

/* Content sniffed to decide the format: archive magic, or a NUL byte that
 * makes a non-archive "not a text file". */
#define LD_SNIFF_BYTES 65536

/* One np_snapshot_load call. Counters are run-wide budgets (DESIGN §8). */
struct ld {
	struct np_model *m;
	const struct np_load_options *opt;
	const struct np_limits *lim;
	unsigned long long total;   /* uncompressed bytes read */
	unsigned long long members; /* walked files and archive members */
	struct np_error *err;       /* may be NULL */
};

/* Sets err for an exceeded limit: one line naming it and --limit NAME=VALUE. */
int ld_limit_error(struct ld *ld, const char *file, const char *member, const char *what,
		   const char *name, unsigned long long value);

/* ---- layouts (layout.c) ---- */
enum lay_kind { LAY_GENERIC, LAY_TROUBLESHOOT, LAY_CIDUMP, LAY_SONOBUOY, LAY_VELERO };

enum lay_action {
	LA_SKIP,
	LA_DECODE, /* decode with the hint */
	LA_SNIFF,  /* generic layout, unknown extension: read it if it is an archive */
	LA_AUX,    /* layout metadata (errors files, auth-cani-list, sonobuoy meta): lay_aux() */
};

struct lay;

/* Detects the layout of a tree from its entry paths (relative, '/'-separated,
 * in reading order; borrowed until lay_free). links[i] marks symlinks (may be
 * NULL). Returns 0 or NP_ENOMEM. */
int lay_new(struct lay **out, struct np_model *m, const char *const *paths,
	    const unsigned char *links, size_t n);
/* A single named file: generic, or the stdout form of cluster-info dump. */
int lay_new_single(struct lay **out, struct np_model *m, enum lay_kind kind);
void lay_free(struct lay *l);
enum lay_kind lay_get_kind(const struct lay *l);
const char *lay_name(enum lay_kind k);

/* What to do with entry idx; fills hint (strings interned in the model or static). */
enum lay_action lay_classify(struct lay *l, size_t idx, struct np_hint *hint);
/* Consumes an LA_AUX entry's content. Problems become warnings. */
int lay_aux(struct lay *l, size_t idx, const char *buf, size_t len, const char *source);
/* The file supplying hint's resource could not be read or decoded: in a
 * snapshot layout that resource (in that namespace) becomes unreadable. */
void lay_failed(struct lay *l, const struct np_hint *hint, const char *reason, const char *message);
/* Sizes of the model's object vectors before a file is decoded, so that
 * lay_note_objects can tell which resources the file supplied. */
struct lay_mark {
	size_t namespaces, pods, netpols, nodes, configmaps, services, ingresses, webhooks;
	size_t workloads, xpolicies;
};
void lay_mark_objects(const struct np_model *m, struct lay_mark *mk);
/* A file of this tree may have supplied objects since mk: a generic input
 * counts as read only then, and vouches only for the resources it supplied
 * (the others are implied reads: see struct np_avail.implied). */
void lay_note_objects(struct lay *l, const struct np_model *m, const struct lay_mark *mk);
/* Records availability (and synthesised namespaces) for the whole tree. */
int lay_finish(struct lay *l, const char *source);
/* *.yaml, *.yml, *.json, *.tf, *.tf.json, *.conf, *.conflist */
bool lay_generic_ext(const char *path);

/* ---- files, directories, archives (input.c) ---- */
/* Reads one -f argument. rec receives the digest and layout. */
int ld_input(struct ld *ld, const char *path, struct np_input *rec);

/* ---- decoding (load.c) ---- */
/* Decodes one buffer (owned by the caller, NUL-terminated, may be modified)
 * and applies the parse-error policy: fatal for named files and
 * --strict-inputs, else a warning and lay_failed(). */
int ld_decode(struct ld *ld, struct lay *lay, char *buf, size_t len, const char *file,
	      const char *member, const struct np_hint *hint);
/* Records a non-fatal problem with a walked file or member. */
void ld_warn_file(struct ld *ld, struct lay *lay, const struct np_hint *hint, const char *reason,
		  const char *file, const char *member, const char *msg);

#endif
