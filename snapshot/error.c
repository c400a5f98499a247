/* The error record: np_error_set starts a fresh error (position cleared),
 * np_error_setat records where it happened. np_error_format renders one line
 * that is safe to print: control characters, ESC, C1 controls, bidi overrides
 * and invalid UTF-8 from inputs are escaped, so a crafted file name or key
 * cannot rewrite the terminal. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "netpol/error.h"

static void copy_field(char *dst, size_t cap, const char *src)
{
	size_t n;

	if (!src) {
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

__attribute__((format(printf, 2, 0)))
static void set_msg(struct np_error *err, const char *fmt, va_list ap)
{
	if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
		copy_field(err->msg, sizeof(err->msg), "unformattable error message");
}

int np_error_set(struct np_error *err, int code, const char *fmt, ...)
{
	struct np_error tmp;
	va_list ap;

	if (!err)
		return code;
	/* callers may pass err->msg as an argument (wrapping an earlier
	 * error): format before anything is cleared */
	va_start(ap, fmt);
	set_msg(&tmp, fmt, ap);
	va_end(ap);
	np_error_clear(err);
	err->code = code;
	memcpy(err->msg, tmp.msg, sizeof(err->msg));
	return code;
}

int np_error_setat(struct np_error *err, int code, const char *file, const char *member,
		   int line, int column, const char *fmt, ...)
{
	struct np_error tmp;
	va_list ap;

	if (!err)
		return code;
	/* file, member or an argument may point into err itself */
	va_start(ap, fmt);
	set_msg(&tmp, fmt, ap);
	va_end(ap);
	copy_field(tmp.file, sizeof(tmp.file), file);
	copy_field(tmp.member, sizeof(tmp.member), member);
	np_error_clear(err);
	err->code = code;
	memcpy(err->file, tmp.file, sizeof(err->file));
	memcpy(err->member, tmp.member, sizeof(err->member));
	memcpy(err->msg, tmp.msg, sizeof(err->msg));
	err->line = line > 0 ? line : 0;
	err->column = err->line && column > 0 ? column : 0;
	return code;
}

void np_error_clear(struct np_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->file[0] = '\0';
	err->member[0] = '\0';
	err->line = 0;
	err->column = 0;
	err->http_status = 0;
	err->msg[0] = '\0';
}

struct out {
	char *buf;
	size_t len, pos;
};

static void put_raw(struct out *o, const char *s, size_t n)
{
	size_t room;

	if (o->len == 0)
		return;
	room = o->len - 1 - o->pos;
	if (n > room)
		n = room;
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = '\0';
}

static void put_escaped_cp(struct out *o, unsigned cp)
{
	char tmp[16];
	int n;

	if (cp < 0x100)
		n = snprintf(tmp, sizeof(tmp), "\\x%02x", cp);
	else
		n = snprintf(tmp, sizeof(tmp), "\\u%04x", cp);
	if (n > 0)
		put_raw(o, tmp, (size_t)n);
}

/* Length of a valid UTF-8 sequence at s (max n bytes) and its code point, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

#define IS_DANGEROUS(cp)                                                                 \
	((cp) < 0x20 || (cp) == 0x7f || ((cp) >= 0x80 && (cp) <= 0x9f) ||                 \
	 ((cp) >= 0x202a && (cp) <= 0x202e) || ((cp) >= 0x2066 && (cp) <= 0x2069) ||      \
	 (cp) == 0x200e || (cp) == 0x200f || (cp) == 0x061c)

static void put_text(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n > 0) {
		unsigned cp;
		size_t k = utf8_seq(p, n, &cp);

		if (k == 0) {
			put_raw(o, "\xef\xbf\xbd", 3); /* U+FFFD */
			k = 1;
		} else if (IS_DANGEROUS(cp)) {
			put_escaped_cp(o, cp);
		} else {
			put_raw(o, (const char *)p, k);
		}
		p += k;
		n -= k;
	}
}

void np_error_format(const struct np_error *err, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	char tmp[32];
	int n;
	bool any = false;

	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!err)
		return;
	if (err->file[0]) {
		put_text(&o, err->file);
		any = true;
	}
	if (err->member[0]) {
		if (any)
			put_raw(&o, ": ", 2);
		put_text(&o, err->member);
		any = true;
	}
	if (err->line > 0) {
		if (err->column > 0)
			n = snprintf(tmp, sizeof(tmp), "%s%d:%d", any ? ":" : "", err->line,
				     err->column);
		else
			n = snprintf(tmp, sizeof(tmp), "%s%d", any ? ":" : "", err->line);
		if (n > 0)
			put_raw(&o, tmp, (size_t)n);
		any = true;
	}
	if (any)
		put_raw(&o, ": ", 2);
	put_text(&o, err->msg[0] ? err->msg : "unknown error");
}
