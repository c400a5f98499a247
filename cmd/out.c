/* Output plumbing shared by every verb: streams, colour, error lines, safe
 * text (DESIGN §8), the YAML emitter, checked writes and atomic report files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "netpol/cli.h"

void np_io_from_stdio(struct np_io *io)
{
	struct winsize ws;
	const char *cols;
	char *end;
	long w;

	memset(io, 0, sizeof(*io));
	io->out = stdout;
	io->err = stderr;
	io->out_tty = isatty(STDOUT_FILENO) == 1;
	io->err_tty = isatty(STDERR_FILENO) == 1;
	if (!io->out_tty)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		io->width = ws.ws_col;
	else if ((cols = getenv("COLUMNS")) && (w = strtol(cols, &end, 10)) > 0 && w <= 100000 &&
		 *end == '\0')
		io->width = (int)w; /* atoi would be undefined past INT_MAX */
	else
		io->width = 80;
}

bool np_color_enabled(const struct np_cli *cli, const struct np_io *io)
{
	const char *term;

	if (cli->color == NP_COLOR_ALWAYS)
		return true;
	if (cli->color == NP_COLOR_NEVER)
		return false;
	if (!io->out_tty)
		return false;
	/* kubectl: NO_COLOR counts when set at all, even empty */
	if (getenv("NO_COLOR"))
		return false;
	term = getenv("TERM");
	return !(term && strcmp(term, "dumb") == 0);
}

/* ---- strbuf ---- */

void np_strbuf_init(struct np_strbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void np_strbuf_release(struct np_strbuf *b)
{
	if (!b)
		return;
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void np_strbuf_add(struct np_strbuf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (len >= SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return;
	}
	if (!b->s || b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *ns;
		while (cap < b->len + len + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void np_strbuf_puts(struct np_strbuf *b, const char *s)
{
	np_strbuf_add(b, s, strlen(s));
}

void np_strbuf_printf(struct np_strbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		np_strbuf_add(b, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (!big) {
			b->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		np_strbuf_add(b, big, (size_t)n);
		free(big);
	}
}

/* ---- UTF-8 ---- */

size_t np_utf8_next(const unsigned char *s, size_t len, unsigned *cp, bool *valid)
{
	unsigned c = s[0], v;
	size_t need, i;
	unsigned char lo = 0x80, hi = 0xBF;

	*valid = true;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* > U+10FFFF */
	} else {
		*valid = false;
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		unsigned char b;
		if (i >= len)
			break;
		b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
			break;
		v = (v << 6) | (b & 0x3F);
	}
	if (i <= need) {
		/* maximal subpart: the lead and its valid continuation bytes */
		*valid = false;
		*cp = 0xFFFD;
		return i;
	}
	*cp = v;
	return need + 1;
}

bool np_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		bool ok;
		i += np_utf8_next((const unsigned char *)s + i, len - i, &cp, &ok);
		if (!ok)
			return false;
	}
	return true;
}

void np_utf8_sanitize(struct np_strbuf *b, const char *s, size_t len)
{
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned cp;
		bool ok;
		size_t n = np_utf8_next((const unsigned char *)s + i, len - i, &cp, &ok);
		if (!ok) {
			np_strbuf_add(b, s + run, i - run);
			np_strbuf_add(b, "\xEF\xBF\xBD", 3);
			run = i + n;
		}
		i += n;
	}
	np_strbuf_add(b, s + run, len - run);
}

static bool is_bidi_control(unsigned cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void np_escape_term(struct np_strbuf *b, const char *s, unsigned flags)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		unsigned cp;
		bool ok;
		size_t n = np_utf8_next((const unsigned char *)s + i, len - i, &cp, &ok);

		if (!ok) {
			for (size_t k = 0; k < n; k++)
				np_strbuf_printf(b, "\\x%02x", (unsigned char)s[i + k]);
		} else if (cp == '\n' && (flags & NP_ESC_KEEP_NEWLINES)) {
			np_strbuf_add(b, "\n", 1);
		} else if (cp == '\t' && (flags & NP_ESC_KEEP_NEWLINES)) {
			np_strbuf_add(b, "\t", 1);
		} else if (cp == '\n') {
			np_strbuf_add(b, "\\n", 2);
		} else if (cp == '\t') {
			np_strbuf_add(b, "\\t", 2);
		} else if (cp == '\r') {
			np_strbuf_add(b, "\\r", 2);
		} else if (cp < 0x20 || cp == 0x7F) {
			np_strbuf_printf(b, "\\x%02x", cp);
		} else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || cp == 0x2028 ||
			   cp == 0x2029) {
			np_strbuf_printf(b, "\\u%04x", cp);
		} else {
			np_strbuf_add(b, s + i, n);
		}
		i += n;
	}
}

size_t np_text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* ---- error lines ---- */

static void print_line(struct np_io *io, const char *msg)
{
	struct np_strbuf b;

	np_strbuf_init(&b);
	np_strbuf_puts(&b, "kubectl-netpol: ");
	np_escape_term(&b, msg, 0);
	np_strbuf_add(&b, "\n", 1);
	if (!b.oom)
		fputs(b.s, io->err);
	else
		fputs("kubectl-netpol: out of memory\n", io->err);
	np_strbuf_release(&b);
	fflush(io->err);
}

void np_print_error(struct np_io *io, const struct np_error *err)
{
	char buf[2200];

	if (!err || (!err->msg[0] && !err->file[0])) {
		print_line(io, "unknown error");
		return;
	}
	np_error_format(err, buf, sizeof(buf));
	print_line(io, buf);
}

void np_print_errorf(struct np_io *io, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	print_line(io, buf);
}

int np_usage_error(struct np_io *io, const char *verb, const struct np_error *err)
{
	char buf[2200];

	np_error_format(err, buf, sizeof(buf));
	if (verb)
		np_print_errorf(io, "%s: %s (see 'kubectl netpol %s --help')", verb, buf, verb);
	else
		np_print_errorf(io, "%s (see 'kubectl netpol help')", buf);
	return NP_EXIT_USAGE;
}

/* ---- JSON ---- */

json_t *np_json_str(const char *s)
{
	struct np_strbuf b;
	json_t *j;
	size_t len;

	if (!s)
		return json_null();
	len = strlen(s);
	if (np_utf8_valid(s, len))
		return json_stringn_nocheck(s, len);
	np_strbuf_init(&b);
	np_utf8_sanitize(&b, s, len);
	j = b.oom ? NULL : json_stringn_nocheck(b.s, b.len);
	np_strbuf_release(&b);
	return j;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	FILE *f = data;
	return fwrite(buffer, 1, size, f) == size ? 0 : -1;
}

int np_json_emit(FILE *out, const json_t *root)
{
	if (json_dump_callback(root, dump_cb, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return NP_EIO;
	if (fputc('\n', out) == EOF || ferror(out))
		return NP_EIO;
	return 0;
}

/* ---- YAML emitter ---- */

static bool yaml_plain_ok(const char *s, size_t len)
{
	/* Words a YAML 1.1 or 1.2 reader would not read as a string. */
	static const char *const reserved[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
		"null", "Null", "NULL", "~", "=", "<<",
		".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN",
	};
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(s, reserved[i]) == 0)
			return false;
	/* indicators, and "-" (a sequence entry or a negative number) */
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
		return false;
	/* anything that starts like a number, date or time (0644, 0x1f, 1e3,
	 * 12:30, 2026-12-31, +1, .5) is quoted: over-quoting costs nothing */
	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '.') {
		bool numberish = true;
		for (i = 0; i < len && numberish; i++)
			numberish = strchr("0123456789+-.:_ eExXoObBaAcCdDfFtTzZ", s[i]) != NULL;
		if (numberish)
			return false;
	}
	if (u[0] == ' ' || u[len - 1] == ' ')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = u[i];
		if (c < 0x20 || c == 0x7F)
			return false;
		if (c == ':' && (i + 1 == len || u[i + 1] == ' '))
			return false;
		if (c == '#' && u[i - 1] == ' ')
			return false;
		if (c >= 0x80) {
			unsigned cp;
			bool ok;
			size_t n = np_utf8_next(u + i, len - i, &cp, &ok);
			if (!ok || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || cp == 0x2028 ||
			    cp == 0x2029 || cp == 0xFEFF || cp == 0xA0)
				return false;
			i += n - 1;
		}
	}
	return true;
}

static void yaml_quoted(struct np_strbuf *b, const char *s, size_t len)
{
	size_t i = 0;

	np_strbuf_add(b, "\"", 1);
	while (i < len) {
		unsigned cp;
		bool ok;
		size_t n = np_utf8_next((const unsigned char *)s + i, len - i, &cp, &ok);
		if (!ok)
			np_strbuf_add(b, "\xEF\xBF\xBD", 3);
		else if (cp == '"')
			np_strbuf_add(b, "\\\"", 2);
		else if (cp == '\\')
			np_strbuf_add(b, "\\\\", 2);
		else if (cp == '\n')
			np_strbuf_add(b, "\\n", 2);
		else if (cp == '\t')
			np_strbuf_add(b, "\\t", 2);
		else if (cp == '\r')
			np_strbuf_add(b, "\\r", 2);
		else if (cp < 0x20 || cp == 0x7F)
			np_strbuf_printf(b, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || cp == 0x2028 || cp == 0x2029 ||
			 cp == 0xFEFF)
			np_strbuf_printf(b, "\\u%04x", cp);
		else
			np_strbuf_add(b, s + i, n);
		i += n;
	}
	np_strbuf_add(b, "\"", 1);
}

/* A literal block suits multi-line text (remediation manifests) when every
 * line is plain printable text. */
static bool yaml_block_ok(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len == 0 || !memchr(s, '\n', len) || u[0] == ' ' || u[0] == '\t' || u[0] == '\n')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		if ((c < 0x20 && c != '\n') || c == 0x7F)
			return false;
		if (c >= 0x80) {
			unsigned cp;
			bool ok;
			size_t n = np_utf8_next(u + i, len - i, &cp, &ok);
			if (!ok || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp) || cp == 0x2028 ||
			    cp == 0x2029 || cp == 0xFEFF)
				return false;
			i += n - 1;
		}
	}
	/* trailing blanks on a line would be kept but invisible: quote instead */
	for (size_t i = 0; i + 1 < len; i++)
		if ((u[i] == ' ' || u[i] == '\t') && u[i + 1] == '\n')
			return false;
	return !(u[len - 1] == ' ' || u[len - 1] == '\t');
}

static void indent_to(struct np_strbuf *b, size_t n)
{
	static const char spaces[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		np_strbuf_add(b, spaces, k);
		n -= k;
	}
}

static void yaml_string(struct np_strbuf *b, const char *s, size_t len, size_t indent)
{
	if (yaml_plain_ok(s, len) && !memchr(s, '\0', len)) {
		np_strbuf_add(b, s, len);
		return;
	}
	if (yaml_block_ok(s, len) && !memchr(s, '\0', len)) {
		size_t trailing = 0, start = 0;
		while (trailing < len && s[len - 1 - trailing] == '\n')
			trailing++;
		np_strbuf_puts(b, trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+");
		for (size_t i = 0; i <= len; i++) {
			if (i == len || s[i] == '\n') {
				if (i == len && start == len)
					break;
				np_strbuf_add(b, "\n", 1);
				if (i > start) {
					indent_to(b, indent);
					np_strbuf_add(b, s + start, i - start);
				}
				start = i + 1;
			}
		}
		return;
	}
	yaml_quoted(b, s, len);
}

static void yaml_scalar(struct np_strbuf *b, const json_t *v, size_t indent)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		yaml_string(b, json_string_value(v), json_string_length(v), indent);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		np_strbuf_puts(b, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		np_strbuf_puts(b, num);
		break;
	case JSON_TRUE:
		np_strbuf_puts(b, "true");
		break;
	case JSON_FALSE:
		np_strbuf_puts(b, "false");
		break;
	case JSON_NULL:
		np_strbuf_puts(b, "null");
		break;
	case JSON_OBJECT:
		np_strbuf_puts(b, "{}");
		break;
	case JSON_ARRAY:
		np_strbuf_puts(b, "[]");
		break;
	}
}

static bool yaml_is_block(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v) > 0) || (json_is_array(v) && json_array_size(v) > 0);
}

static void yaml_node(struct np_strbuf *b, const json_t *v, size_t indent, bool inline_first);

static void yaml_key(struct np_strbuf *b, const char *k)
{
	size_t len = strlen(k);
	if (yaml_plain_ok(k, len))
		np_strbuf_add(b, k, len);
	else
		yaml_quoted(b, k, len);
}

/* Emits a block node whose first line may continue the current one
 * (inline_first: after "- "), else starts at indent on a fresh line. */
static void yaml_node(struct np_strbuf *b, const json_t *v, size_t indent, bool inline_first)
{
	bool first = true;

	if (json_is_object(v)) {
		const char *k;
		json_t *val;
		json_object_foreach((json_t *)v, k, val) {
			if (!(first && inline_first))
				indent_to(b, indent);
			first = false;
			yaml_key(b, k);
			np_strbuf_add(b, ":", 1);
			if (json_is_object(val) && json_object_size(val) > 0) {
				np_strbuf_add(b, "\n", 1);
				yaml_node(b, val, indent + 2, false);
			} else if (json_is_array(val) && json_array_size(val) > 0) {
				/* kubectl style: sequence items at the key's indent */
				np_strbuf_add(b, "\n", 1);
				yaml_node(b, val, indent, false);
			} else {
				np_strbuf_add(b, " ", 1);
				yaml_scalar(b, val, indent + 2);
				np_strbuf_add(b, "\n", 1);
			}
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *val;
		json_array_foreach((json_t *)v, i, val) {
			if (!(first && inline_first))
				indent_to(b, indent);
			first = false;
			np_strbuf_add(b, "- ", 2);
			if (yaml_is_block(val)) {
				yaml_node(b, val, indent + 2, true);
			} else {
				yaml_scalar(b, val, indent + 2);
				np_strbuf_add(b, "\n", 1);
			}
		}
	} else {
		if (!inline_first)
			indent_to(b, indent);
		yaml_scalar(b, v, indent + 2);
		np_strbuf_add(b, "\n", 1);
	}
}

void np_yaml_emit_buf(struct np_strbuf *b, const json_t *root)
{
	if (yaml_is_block(root))
		yaml_node(b, root, 0, false);
	else {
		yaml_scalar(b, root, 0);
		np_strbuf_add(b, "\n", 1);
	}
}

int np_yaml_emit(FILE *out, const json_t *root)
{
	struct np_strbuf b;
	int rc = 0;

	np_strbuf_init(&b);
	np_yaml_emit_buf(&b, root);
	if (b.oom)
		rc = NP_ENOMEM;
	else if (fwrite(b.s, 1, b.len, out) != b.len || ferror(out))
		rc = NP_EIO;
	np_strbuf_release(&b);
	return rc;
}

/* ---- files ---- */

int np_write_file_atomic(const char *path, int (*fn)(FILE *f, void *ctx), void *ctx,
			 struct np_error *err)
{
	struct np_strbuf tmp;
	FILE *f = NULL;
	int fd = -1, rc = 0;

	np_strbuf_init(&tmp);
	np_strbuf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if (tmp.oom) {
		rc = np_error_set(err, NP_ENOMEM, "out of memory");
		goto out;
	}
	fd = mkstemp(tmp.s);
	if (fd < 0) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "cannot open: %s", strerror(errno));
		close(fd);
		unlink(tmp.s);
		goto out;
	}
	rc = fn(f, ctx);
	if (fflush(f) != 0 || ferror(f)) {
		if (rc == 0)
			rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "write error: %s", strerror(errno));
	} else if (rc == 0 && fsync(fileno(f)) != 0 && errno != EINVAL) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "write error: %s", strerror(errno));
	}
	if (fclose(f) != 0 && rc == 0)
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "write error: %s", strerror(errno));
	if (rc < 0) {
		if (err && !err->msg[0])
			np_error_setat(err, rc, path, NULL, 0, 0, "write error");
		unlink(tmp.s);
		goto out;
	}
	if (rename(tmp.s, path) != 0) {
		rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "cannot rename into place: %s",
				    strerror(errno));
		unlink(tmp.s);
	}
out:
	np_strbuf_release(&tmp);
	return rc;
}

int np_read_file(const char *path, size_t max, char **out, size_t *len, struct np_error *err)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*len = 0;
	f = fopen(path, "rb");
	if (!f)
		return np_error_setat(err, NP_EIO, path, NULL, 0, 0, "%s", strerror(errno));
	for (;;) {
		size_t got;
		if (n + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;
			if (ncap > max + 1)
				ncap = max + 1 > n + 1 ? max + 1 : n + 2;
			nb = realloc(buf, ncap);
			if (!nb) {
				rc = np_error_setat(err, NP_ENOMEM, path, NULL, 0, 0, "out of memory");
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n > max) {
			rc = np_error_setat(err, NP_ELIMIT, path, NULL, 0, 0,
					    "larger than %zu bytes (limit document-bytes; see --limit NAME=VALUE)",
					    max);
			goto out;
		}
		if (got == 0) {
			if (ferror(f)) {
				rc = np_error_setat(err, NP_EIO, path, NULL, 0, 0, "read error: %s", strerror(errno));
				goto out;
			}
			break;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

void np_now_rfc3339(char buf[32])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (sde && *sde) {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (!*end && !errno && v >= 0 && v < 253402300800LL)
			t = (time_t)v;
	}
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
		return;
	}
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
