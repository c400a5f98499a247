/* Reading cluster state into the model: offline inputs (files, directories,
 * archives, stdin) and their layouts. snapshot/ never prints. */
#ifndef NETPOL_SNAPSHOT_H
#define NETPOL_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include "netpol/model.h"
#include "netpol/node.h"
#include "netpol/error.h"

/* Input limits (DESIGN §8), each settable with --limit NAME=VALUE. */
struct np_limits {
	unsigned long long total_bytes;   /* total uncompressed bytes: 4 GiB */
	unsigned long long member_bytes;  /* per archive member / file: 1 GiB */
	unsigned long long members;       /* archive members: 100000 */
	unsigned long long ratio;         /* compression ratio past 10 MiB: 1000 */
	unsigned long long path_length;   /* 4096 */
	struct np_decode_limits decode;
};
void np_limits_default(struct np_limits *l);
/* Parses "NAME=VALUE" (names: total-bytes, member-bytes, members, ratio, path-length,
 * depth, document-bytes, documents, aliases, nodes, scalar-bytes; sizes accept
 * Ki/Mi/Gi suffixes). NP_EUSAGE on an unknown name or bad value. */
int np_limits_set(struct np_limits *l, const char *name_eq_value, struct np_error *err);

struct np_load_options {
	const char *default_namespace; /* for namespaced objects lacking one; "default" if NULL */
	bool strict_inputs;            /* a parse error in any walked file is fatal */
	bool kics;                     /* --semantics kics: objects never merge */
	struct np_limits limits;
};

/* What the layout says about one file, passed to the decoder. */
struct np_hint {
	const char *layout;            /* "generic", "troubleshoot", ... (static string) */
	int res;                       /* enum np_resource the file supplies, or -1 (generic) */
	const char *namespace;         /* namespace the file covers, NULL = cluster-wide/unknown */
	const char *default_kind;      /* kind for items lacking one ("Pod"), or NULL */
	const char *default_api_version;
	bool named;                    /* named on the command line (errors are fatal) */
};

/* Reads every path (file, directory, archive, "-" for stdin, a pipe) into m,
 * in order. Fatal problems (a named input missing or unreadable, a corrupt
 * archive container, a parse error in a named file, a limit on a named input)
 * return a negative code with err set (file, member, line, column). Problems in
 * walked files become model warnings and availability records. */
int np_snapshot_load(struct np_model *m, const char *const *paths, size_t n_paths,
		     const struct np_load_options *opt, struct np_error *err);

/* Decodes one buffer (JSON, YAML, or a CNI config) and adds every recognised
 * object to m. file/member locate it for messages and findings. Returns
 * NP_EPARSE with err set on a syntax error; other content problems become
 * warnings. */
int np_decode_buffer(struct np_model *m, const char *buf, size_t len, const char *file,
		     const char *member, const struct np_hint *hint,
		     const struct np_load_options *opt, struct np_error *err);

/* Decodes one already-parsed object (a map node) into m. Unknown kinds are
 * ignored (returns 0). Used by np_decode_buffer and the live client. */
int np_decode_object(struct np_model *m, const struct np_node *obj, const char *file,
		     const char *member, const struct np_hint *hint,
		     const struct np_load_options *opt, struct np_error *err);

/* SHA-256 of a buffer as 64 lowercase hex chars + NUL. */
struct np_sha256 {
	unsigned int h[8];
	unsigned long long len;
	unsigned char buf[64];
	size_t fill;
};
void np_sha256_init(struct np_sha256 *s);
void np_sha256_update(struct np_sha256 *s, const void *data, size_t len);
void np_sha256_final(struct np_sha256 *s, char out_hex[65]);

#endif
