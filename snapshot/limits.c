/* Input limits (DESIGN §8) and their --limit NAME=VALUE syntax. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netpol/snapshot.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

void np_limits_default(struct np_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->total_bytes = 4 * GIB;
	l->member_bytes = 1 * GIB;
	l->members = 100000;
	l->ratio = 1000;
	l->path_length = 4096;
	np_decode_limits_default(&l->decode);
}

enum lim_target { T_ULL, T_SIZE };

struct lim_name {
	const char *name;
	bool size; /* accepts a unit suffix */
	size_t off;
	enum lim_target target;
};

#define ULL_FIELD(f) offsetof(struct np_limits, f), T_ULL
#define DEC_FIELD(f) \
	offsetof(struct np_limits, decode) + offsetof(struct np_decode_limits, f), T_SIZE

static const struct lim_name names[] = {
	{ "total-bytes", true, ULL_FIELD(total_bytes) },
	{ "member-bytes", true, ULL_FIELD(member_bytes) },
	{ "members", false, ULL_FIELD(members) },
	{ "ratio", false, ULL_FIELD(ratio) },
	{ "path-length", false, ULL_FIELD(path_length) },
	{ "depth", false, DEC_FIELD(max_depth) },
	{ "document-bytes", true, DEC_FIELD(max_doc_bytes) },
	{ "documents", false, DEC_FIELD(max_documents) },
	{ "aliases", false, DEC_FIELD(max_alias_expansions) },
	{ "nodes", false, DEC_FIELD(max_nodes) },
	{ "scalar-bytes", true, DEC_FIELD(max_scalar_bytes) },
};

/* Unit suffixes: binary (Ki…Ti) as in Kubernetes quantities, plus decimal k/K/M/G/T. */
static bool parse_value(const char *s, bool size, unsigned long long *out)
{
	static const struct { const char *sfx; unsigned long long mul; } units[] = {
		{ "Ki", KIB }, { "Mi", MIB }, { "Gi", GIB }, { "Ti", 1024ULL * GIB },
		{ "k", 1000ULL }, { "K", 1000ULL }, { "M", 1000000ULL }, { "G", 1000000000ULL },
		{ "T", 1000000000000ULL },
	};
	unsigned long long v = 0, mul = 1;
	const char *p = s;
	size_t i;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (*p) {
		if (!size)
			return false;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(p, units[i].sfx) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return false;
		mul = units[i].mul;
	}
	if (v == 0 || v > ULLONG_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

int np_limits_set(struct np_limits *l, const char *name_eq_value, struct np_error *err)
{
	const char *eq = strchr(name_eq_value, '=');
	unsigned long long v;
	size_t nlen, i;

	if (!eq)
		return np_error_set(err, NP_EUSAGE, "--limit %s: expected NAME=VALUE", name_eq_value);
	nlen = (size_t)(eq - name_eq_value);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == nlen && memcmp(names[i].name, name_eq_value, nlen) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return np_error_set(err, NP_EUSAGE,
				    "--limit: unknown limit '%.*s' (total-bytes, member-bytes, members, "
				    "ratio, path-length, depth, document-bytes, documents, aliases, "
				    "nodes, scalar-bytes)", (int)nlen, name_eq_value);
	if (!parse_value(eq + 1, names[i].size, &v))
		return np_error_set(err, NP_EUSAGE, "--limit %s: bad value '%s' (a positive integer%s)",
				    names[i].name, eq + 1, names[i].size ? ", optionally with Ki, Mi or Gi" : "");
	if (names[i].target == T_SIZE) {
		if (v > SIZE_MAX)
			return np_error_set(err, NP_EUSAGE, "--limit %s: value '%s' too large",
					    names[i].name, eq + 1);
		*(size_t *)(void *)((char *)l + names[i].off) = (size_t)v;
	} else {
		*(unsigned long long *)(void *)((char *)l + names[i].off) = v;
	}
	return 0;
}
