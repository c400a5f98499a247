/* Small helpers for the live source: buffers that can hold secrets, bounded
 * file reads, base64, node-to-JSON and timestamps. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "live_internal.h"

void live_wipe_free(void *p, size_t n)
{
	if (!p)
		return;
	explicit_bzero(p, n);
	free(p);
}

void lbuf_release(struct lbuf *b)
{
	if (!b)
		return;
	if (b->secret)
		live_wipe_free(b->p, b->cap);
	else
		free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

static int lbuf_grow(struct lbuf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->n - 1)
		goto oom;
	need = b->n + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	if (b->secret) {
		/* realloc would leave the old copy behind unwiped. */
		p = malloc(cap);
		if (!p)
			goto oom;
		if (b->p) {
			memcpy(p, b->p, b->n + 1);
			live_wipe_free(b->p, b->cap);
		}
	} else {
		p = realloc(b->p, cap);
		if (!p)
			goto oom;
	}
	b->p = p;
	b->cap = cap;
	return 0;
oom:
	b->oom = true;
	return NP_ENOMEM;
}

int lbuf_add(struct lbuf *b, const void *data, size_t n)
{
	if (lbuf_grow(b, n) < 0)
		return NP_ENOMEM;
	if (n)
		memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int lbuf_adds(struct lbuf *b, const char *s)
{
	return lbuf_add(b, s, strlen(s));
}

int lbuf_addf(struct lbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || lbuf_grow(b, (size_t)n) < 0)
		return NP_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
	return 0;
}

int lbuf_add_json_str(struct lbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	char esc[7];

	if (lbuf_add(b, "\"", 1) < 0)
		return NP_ENOMEM;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;
		size_t elen = 2;

		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		default:
			if (c < 0x20) {
				esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
				esc[4] = hex[c >> 4]; esc[5] = hex[c & 15]; esc[6] = '\0';
				e = esc;
				elen = 6;
			}
		}
		if (!e)
			continue;
		if (lbuf_add(b, s + start, i - start) < 0 || lbuf_add(b, e, elen) < 0)
			return NP_ENOMEM;
		start = i + 1;
	}
	if (lbuf_add(b, s + start, n - start) < 0 || lbuf_add(b, "\"", 1) < 0)
		return NP_ENOMEM;
	return 0;
}

char *lbuf_detach(struct lbuf *b, size_t *len)
{
	char *p;

	if (!b->p && lbuf_grow(b, 0) < 0)
		return NULL;
	b->p[b->n] = '\0';
	p = b->p;
	if (len)
		*len = b->n;
	b->p = NULL;
	b->n = b->cap = 0;
	return p;
}

char *live_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *live_strndup(const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int live_read_file(const char *path, size_t max, char **out, size_t *len, struct np_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "is a directory");
		goto out;
	}
	cap = (S_ISREG(st.st_mode) && st.st_size > 0 && (unsigned long long)st.st_size < max)
		? (size_t)st.st_size + 1 : 4096;
	buf = malloc(cap);
	if (!buf) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *p;
			size_t ncap = cap * 2;

			if (cap > max + 1) {
				rc = np_error_setat(err, NP_ELIMIT, path, NULL, 0, 0,
						    "larger than %zu bytes", max);
				goto out;
			}
			/* Wipe-on-grow: the file may be a key. */
			p = malloc(ncap);
			if (!p) {
				rc = np_error_set(err, NP_ENOMEM, "out of memory");
				goto out;
			}
			memcpy(p, buf, n);
			live_wipe_free(buf, cap);
			buf = p;
			cap = ncap;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			rc = np_error_setat(err, NP_ELIMIT, path, NULL, 0, 0,
					    "larger than %zu bytes", max);
			goto out;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (buf)
		live_wipe_free(buf, cap);
	close(fd);
	return rc;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int live_base64_decode(const char *in, size_t n, unsigned char **out, size_t *out_len)
{
	unsigned char *p;
	size_t i, o = 0, pad = 0;
	unsigned int acc = 0;
	int bits = 0;

	*out = NULL;
	*out_len = 0;
	p = malloc(n / 4 * 3 + 4);
	if (!p)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			goto bad; /* data after padding */
		v = b64val(c);
		if (v < 0)
			goto bad;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			p[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* A lone 6-bit group cannot encode a byte; padding beyond 2 is malformed. */
	if (bits >= 6 || pad > 2)
		goto bad;
	*out = p;
	*out_len = o;
	return 0;
bad:
	live_wipe_free(p, n / 4 * 3 + 4);
	return -1;
}

char *live_base64_encode(const unsigned char *in, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *p, *o;
	size_t i;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	p = malloc((n + 2) / 3 * 4 + 1);
	if (!p)
		return NULL;
	o = p;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned int v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8 | in[i + 2];

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < n) {
		unsigned int v = (unsigned int)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned int)in[i + 1] << 8;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return p;
}

int live_node_json(struct lbuf *b, const struct np_node *n, size_t depth)
{
	size_t i;

	if (!n)
		return lbuf_adds(b, "null");
	if (depth > 1024)
		return NP_ELIMIT;
	switch (n->type) {
	case NP_NODE_NULL:
		return lbuf_adds(b, "null");
	case NP_NODE_BOOL:
		return lbuf_adds(b, n->u.b ? "true" : "false");
	case NP_NODE_INT:
		return lbuf_addf(b, "%lld", (long long)n->u.i);
	case NP_NODE_FLOAT:
		/* The text as written; YAML floats such as ".inf" are not JSON. */
		if (n->u.str.len && strspn(n->u.str.s, "0123456789+-.eE") == n->u.str.len)
			return lbuf_add(b, n->u.str.s, n->u.str.len);
		return lbuf_add_json_str(b, n->u.str.s, n->u.str.len);
	case NP_NODE_STRING:
		return lbuf_add_json_str(b, n->u.str.s, n->u.str.len);
	case NP_NODE_SEQ:
		if (lbuf_adds(b, "[") < 0)
			return NP_ENOMEM;
		for (i = 0; i < n->u.seq.n; i++) {
			int rc;

			if (i && lbuf_adds(b, ",") < 0)
				return NP_ENOMEM;
			rc = live_node_json(b, n->u.seq.items[i], depth + 1);
			if (rc < 0)
				return rc;
		}
		return lbuf_adds(b, "]");
	case NP_NODE_MAP:
		if (lbuf_adds(b, "{") < 0)
			return NP_ENOMEM;
		for (i = 0; i < n->u.map.n; i++) {
			const struct np_pair *pr = &n->u.map.pairs[i];
			int rc;

			if (i && lbuf_adds(b, ",") < 0)
				return NP_ENOMEM;
			if (lbuf_add_json_str(b, pr->key, pr->key_len) < 0 || lbuf_adds(b, ":") < 0)
				return NP_ENOMEM;
			rc = live_node_json(b, pr->value, depth + 1);
			if (rc < 0)
				return rc;
		}
		return lbuf_adds(b, "}");
	}
	return NP_EINVAL;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int live_parse_rfc3339(const char *s, long long *out)
{
	struct tm tm;
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	time_t t;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
	    digits(&s, 2, &se))
		return -1;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 ||
	    oh > 23 || om > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	*out = (long long)t - (long long)sign * (oh * 3600 + om * 60);
	return 0;
}

long long live_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
