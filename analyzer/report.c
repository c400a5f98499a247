/* The audit report: arena-backed vectors, names of statuses and severities,
 * and the final ordering and fingerprints of findings (DESIGN §6.2). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netpol/report.h"

static const char *const status_names[NP_ST__COUNT] = {
	"PASS", "FAIL", "WARN", "MANUAL", "ERROR", "SKIP",
};

const char *np_status_name(enum np_status s)
{
	if ((unsigned)s >= NP_ST__COUNT)
		return "UNKNOWN";
	return status_names[s];
}

static const char *const severity_names[] = {
	"info", "low", "medium", "high", "critical",
};

const char *np_severity_name(enum np_severity s)
{
	if ((unsigned)s > NP_SEV_CRITICAL)
		return "unknown";
	return severity_names[s];
}

int np_severity_parse(const char *s, int *out)
{
	/* "info" is deliberately not accepted: --fail-on lists none..critical. */
	static const struct { const char *name; int value; } levels[] = {
		{ "none", -1 },
		{ "low", NP_SEV_LOW },
		{ "medium", NP_SEV_MEDIUM },
		{ "high", NP_SEV_HIGH },
		{ "critical", NP_SEV_CRITICAL },
	};
	size_t i;

	if (!s)
		return NP_EUSAGE;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcasecmp(s, levels[i].name) == 0) {
			if (out)
				*out = levels[i].value;
			return 0;
		}
	}
	return NP_EUSAGE;
}

void np_report_init(struct np_report *r)
{
	memset(r, 0, sizeof(*r));
	np_arena_init(&r->mem);
	r->complete = true;
}

void np_report_release(struct np_report *r)
{
	if (!r)
		return;
	/* Every vector lives in the arena, so one release frees them all. */
	np_arena_release(&r->mem);
	memset(r, 0, sizeof(*r));
}

const char *np_report_strf(struct np_report *r, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *s;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return NULL;
	}
	s = np_arena_alloc(&r->mem, (size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

/* Grows an arena-backed vector so that one more element fits. The old block
 * stays in the arena until release: doubling bounds the waste to the size of
 * the final vector. */
static int vec_grow(struct np_report *r, void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap < *cap || ncap > SIZE_MAX / elem)
		return NP_ENOMEM;
	nv = np_arena_alloc(&r->mem, ncap * elem);
	if (!nv)
		return NP_ENOMEM;
	if (n)
		memcpy(nv, *v, n * elem);
	*v = nv;
	*cap = ncap;
	return 0;
}

struct np_control_result *np_report_add_control(struct np_report *r,
						 const struct np_control_def *def)
{
	struct np_control_result *c;
	void *v = r->controls.v;

	if (vec_grow(r, &v, &r->controls.cap, r->controls.n, sizeof(*c)) < 0)
		return NULL;
	r->controls.v = v;
	c = &r->controls.v[r->controls.n++];
	memset(c, 0, sizeof(*c));
	c->def = def;
	c->status = NP_ST_PASS;
	c->passing = -1;
	c->evaluated = -1;
	return c;
}

struct np_finding *np_result_add_finding(struct np_report *r, struct np_control_result *c)
{
	struct np_finding *f;
	void *v = c->findings.v;

	if (vec_grow(r, &v, &c->findings.cap, c->findings.n, sizeof(*f)) < 0)
		return NULL;
	c->findings.v = v;
	f = &c->findings.v[c->findings.n++];
	memset(f, 0, sizeof(*f));
	f->level = NP_ST_FAIL;
	f->pods = -1;
	return f;
}

static int push_str(struct np_report *r, const char ***v, size_t *n, size_t *cap, const char *s)
{
	void *vv = *v;
	int rc = vec_grow(r, &vv, cap, *n, sizeof(const char *));

	if (rc < 0)
		return rc;
	*v = vv;
	(*v)[(*n)++] = s;
	return 0;
}

int np_report_add_skipped(struct np_report *r, const char *id)
{
	return push_str(r, &r->skipped_controls.v, &r->skipped_controls.n,
			&r->skipped_controls.cap, id);
}

int np_report_add_excluded_namespace(struct np_report *r, const char *ns)
{
	return push_str(r, &r->excluded_namespaces.v, &r->excluded_namespaces.n,
			&r->excluded_namespaces.cap, ns);
}

static char *vformat(struct np_report *r, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = np_arena_alloc(&r->mem, (size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

int np_report_note(struct np_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(r, fmt, ap);
	va_end(ap);
	if (!s)
		return NP_ENOMEM;
	return push_str(r, &r->notes.v, &r->notes.n, &r->notes.cap, s);
}

int np_report_count_kind(struct np_report *r, const char *kind)
{
	size_t i, ncap;
	const char **kinds;
	size_t *counts;

	for (i = 0; i < r->policies_by_kind.n; i++) {
		if (strcmp(r->policies_by_kind.kinds[i], kind) == 0) {
			r->policies_by_kind.counts[i]++;
			return 0;
		}
	}
	/* Few kinds exist (seven policy CRDs): grow one at a time, sorted by name. */
	ncap = r->policies_by_kind.n + 1;
	kinds = np_arena_alloc(&r->mem, ncap * sizeof(*kinds));
	counts = np_arena_alloc(&r->mem, ncap * sizeof(*counts));
	if (!kinds || !counts)
		return NP_ENOMEM;
	for (i = 0; i < r->policies_by_kind.n && strcmp(r->policies_by_kind.kinds[i], kind) < 0; i++) {
		kinds[i] = r->policies_by_kind.kinds[i];
		counts[i] = r->policies_by_kind.counts[i];
	}
	kinds[i] = kind;
	counts[i] = 1;
	for (; i < r->policies_by_kind.n; i++) {
		kinds[i + 1] = r->policies_by_kind.kinds[i];
		counts[i + 1] = r->policies_by_kind.counts[i];
	}
	r->policies_by_kind.kinds = kinds;
	r->policies_by_kind.counts = counts;
	r->policies_by_kind.n = ncap;
	return 0;
}

int np_report_warn(struct np_report *r, const char *resource, const char *ns, const char *reason,
		   const char *fmt, ...)
{
	struct np_diag *d;
	void *v = r->warnings.v;
	va_list ap;
	char *msg;
	int rc;

	rc = vec_grow(r, &v, &r->warnings.cap, r->warnings.n, sizeof(*d));
	if (rc < 0)
		return rc;
	r->warnings.v = v;
	va_start(ap, fmt);
	msg = vformat(r, fmt, ap);
	va_end(ap);
	if (!msg)
		return NP_ENOMEM;
	d = &r->warnings.v[r->warnings.n++];
	memset(d, 0, sizeof(*d));
	d->resource = resource;
	d->api_group = resource ? "" : NULL;
	d->namespace = ns;
	d->reason = reason;
	d->message = msg;
	return 0;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const struct np_finding *a, const struct np_finding *b)
{
	int c = strcmp0(a->namespace, b->namespace);

	if (c)
		return c;
	c = strcmp0(a->kind, b->kind);
	if (c)
		return c;
	return strcmp0(a->name, b->name);
}

/* Stable, so equal keys keep the order the control emitted them in
 * (e.g. one workload split by direction). */
static void findings_sort(struct np_finding *v, size_t n)
{
	struct np_finding *tmp, *src, *dst, *swap;
	size_t width, i;

	if (n < 2)
		return;
	tmp = n <= SIZE_MAX / sizeof(*v) ? malloc(n * sizeof(*v)) : NULL;
	if (!tmp) {
		/* Insertion sort needs no memory; quadratic only under ENOMEM. */
		for (i = 1; i < n; i++) {
			struct np_finding x = v[i];
			size_t j = i;

			while (j > 0 && finding_cmp(&v[j - 1], &x) > 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	src = v;
	dst = tmp;
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width, hi = i + 2 * width, a, b, k;

			if (mid > n)
				mid = n;
			if (hi > n)
				hi = n;
			a = lo;
			b = mid;
			k = lo;
			while (a < mid && b < hi)
				dst[k++] = finding_cmp(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
			while (a < mid)
				dst[k++] = src[a++];
			while (b < hi)
				dst[k++] = src[b++];
		}
		swap = src;
		src = dst;
		dst = swap;
		if (width > SIZE_MAX / 2)
			break;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

static int control_cmp(const void *a, const void *b)
{
	const struct np_control_result *x = a, *y = b;

	return strcmp0(x->def ? x->def->id : NULL, y->def ? y->def->id : NULL);
}

static const char *directions_detail(unsigned d)
{
	switch (d & (NP_DIR_INGRESS | NP_DIR_EGRESS)) {
	case NP_DIR_INGRESS:
		return "Ingress";
	case NP_DIR_EGRESS:
		return "Egress";
	case NP_DIR_INGRESS | NP_DIR_EGRESS:
		return "Ingress,Egress";
	default:
		return NULL;
	}
}

void np_report_finalize(struct np_report *r)
{
	size_t i, j;

	if (r->controls.n > 1)
		qsort(r->controls.v, r->controls.n, sizeof(r->controls.v[0]), control_cmp);
	for (i = 0; i < r->controls.n; i++) {
		struct np_control_result *c = &r->controls.v[i];
		const char *id = c->def && c->def->id ? c->def->id : "";

		findings_sort(c->findings.v, c->findings.n);
		for (j = 0; j < c->findings.n; j++) {
			struct np_finding *f = &c->findings.v[j];
			const char *detail;

			if (f->fingerprint)
				continue;
			detail = directions_detail(f->directions);
			f->fingerprint = np_report_strf(r, "%s/%s/%s/%s/%s%s%s", id,
							f->api_group ? f->api_group : "",
							f->kind ? f->kind : "",
							f->namespace ? f->namespace : "",
							f->name ? f->name : "", detail ? "/" : "",
							detail ? detail : "");
		}
	}
}
