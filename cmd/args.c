/* Argument parsing shared by every verb, the verb table and dispatch.
 * kubectl passes everything after the plugin name verbatim, so kubectl's
 * flag spellings are parsed here: --flag=value, --flag value, -ovalue,
 * -o=value, bundled short booleans (-Aq), -v/-vv/-v=N, `--` and positional
 * arguments anywhere (pflag's interspersed mode). */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netpol/cli.h"

/* The verb table, sorted by name. Adding a verb is one line here. */
static const struct np_command commands[] = {
	{ "__complete", cmd___complete, &np_spec___complete },
	{ "audit", cmd_audit, &np_spec_audit },
	{ "cni", cmd_cni, &np_spec_cni },
	{ "completion", cmd_completion, &np_spec_completion },
	{ "explain", cmd_explain, &np_spec_explain },
	{ "fix", cmd_fix, &np_spec_fix },
	{ "help", cmd_help, &np_spec_help },
	{ "matrix", cmd_matrix, &np_spec_matrix },
	{ "reach", cmd_reach, &np_spec_reach },
	{ "snapshot", cmd_snapshot, &np_spec_snapshot },
	{ "version", cmd_version, &np_spec_version },
};

const struct np_command *np_commands(size_t *n)
{
	*n = sizeof(commands) / sizeof(commands[0]);
	return commands;
}

const struct np_command *np_command_find(const char *name)
{
	size_t lo = 0, hi = sizeof(commands) / sizeof(commands[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, commands[mid].name);
		if (c == 0)
			return &commands[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

enum flag_id {
	F_HELP, F_OUTPUT, F_OUTPUT_FILE, F_NO_HEADERS, F_COLOR, F_QUIET, F_VERBOSE, F_SEMANTICS,
	F_FILENAME, F_NAMESPACE, F_ALL_NAMESPACES, F_LIMIT, F_STRICT_INPUTS,
	F_KUBECONFIG, F_CONTEXT, F_CLUSTER, F_USER, F_SERVER, F_TOKEN, F_CA, F_CLIENT_CERT,
	F_CLIENT_KEY, F_TLS_SERVER_NAME, F_INSECURE, F_AS, F_AS_GROUP, F_AS_UID, F_USERNAME,
	F_PASSWORD, F_REQUEST_TIMEOUT, F_DISABLE_COMPRESSION, F_TIMEOUT,
	F_CONTROLS, F_SKIP_CONTROLS,
	F_EXCLUDE_NAMESPACES, F_EXCLUDE_SYSTEM, F_INCLUDE_IDLE,
	F_FAIL_ON, F_FAIL_ON_WARN, F_EXCEPTIONS, F_BASELINE,
};

struct global_flag {
	const char *name;
	char short_name;
	enum np_flag_kind kind;
	unsigned group;     /* 0 = every verb */
	enum flag_id id;
};

static const struct global_flag global_flags[] = {
	{ "help", 'h', NP_FLAG_BOOL, 0, F_HELP },
	{ "output", 'o', NP_FLAG_STRING, NP_CLI_OUTPUT, F_OUTPUT },
	{ "output-file", 0, NP_FLAG_LIST, NP_CLI_OUTPUT, F_OUTPUT_FILE },
	{ "no-headers", 0, NP_FLAG_BOOL, NP_CLI_OUTPUT, F_NO_HEADERS },
	{ "color", 0, NP_FLAG_STRING, NP_CLI_OUTPUT, F_COLOR },
	{ "quiet", 'q', NP_FLAG_BOOL, NP_CLI_OUTPUT, F_QUIET },
	{ "v", 'v', NP_FLAG_STRING, NP_CLI_OUTPUT, F_VERBOSE },
	{ "semantics", 0, NP_FLAG_STRING, NP_CLI_OUTPUT, F_SEMANTICS },
	{ "filename", 'f', NP_FLAG_LIST, NP_CLI_SOURCE, F_FILENAME },
	{ "namespace", 'n', NP_FLAG_STRING, NP_CLI_SOURCE, F_NAMESPACE },
	{ "all-namespaces", 'A', NP_FLAG_BOOL, NP_CLI_SOURCE, F_ALL_NAMESPACES },
	{ "limit", 0, NP_FLAG_LIST, NP_CLI_SOURCE, F_LIMIT },
	{ "strict-inputs", 0, NP_FLAG_BOOL, NP_CLI_SOURCE, F_STRICT_INPUTS },
	{ "kubeconfig", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_KUBECONFIG },
	{ "context", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_CONTEXT },
	{ "cluster", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_CLUSTER },
	{ "user", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_USER },
	{ "server", 's', NP_FLAG_STRING, NP_CLI_LIVE, F_SERVER },
	{ "token", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_TOKEN },
	{ "certificate-authority", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_CA },
	{ "client-certificate", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_CLIENT_CERT },
	{ "client-key", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_CLIENT_KEY },
	{ "tls-server-name", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_TLS_SERVER_NAME },
	{ "insecure-skip-tls-verify", 0, NP_FLAG_BOOL, NP_CLI_LIVE, F_INSECURE },
	{ "as", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_AS },
	{ "as-group", 0, NP_FLAG_LIST, NP_CLI_LIVE, F_AS_GROUP },
	{ "as-uid", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_AS_UID },
	{ "username", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_USERNAME },
	{ "password", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_PASSWORD },
	{ "request-timeout", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_REQUEST_TIMEOUT },
	{ "disable-compression", 0, NP_FLAG_BOOL, NP_CLI_LIVE, F_DISABLE_COMPRESSION },
	{ "timeout", 0, NP_FLAG_STRING, NP_CLI_LIVE, F_TIMEOUT },
	{ "controls", 0, NP_FLAG_LIST, NP_CLI_CONTROLS, F_CONTROLS },
	{ "skip-controls", 0, NP_FLAG_LIST, NP_CLI_CONTROLS, F_SKIP_CONTROLS },
	{ "exclude-namespaces", 0, NP_FLAG_LIST, NP_CLI_SCOPE, F_EXCLUDE_NAMESPACES },
	{ "exclude-system-namespaces", 0, NP_FLAG_BOOL, NP_CLI_SCOPE, F_EXCLUDE_SYSTEM },
	{ "include-idle-workloads", 0, NP_FLAG_BOOL, NP_CLI_SCOPE, F_INCLUDE_IDLE },
	{ "fail-on", 0, NP_FLAG_STRING, NP_CLI_AUDIT, F_FAIL_ON },
	{ "fail-on-warn", 0, NP_FLAG_BOOL, NP_CLI_AUDIT, F_FAIL_ON_WARN },
	{ "exceptions", 0, NP_FLAG_LIST, NP_CLI_AUDIT, F_EXCEPTIONS },
	{ "baseline", 0, NP_FLAG_STRING, NP_CLI_AUDIT, F_BASELINE },
};

#define N_GLOBAL_FLAGS (sizeof(global_flags) / sizeof(global_flags[0]))

size_t np_cli_flags(const struct np_cli_spec *spec, struct np_flag_info *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; spec && spec->flags && spec->flags[i].name; i++, n++) {
		const struct np_flag *f = &spec->flags[i];
		if (n < max)
			out[n] = (struct np_flag_info){ f->name, f->short_name, f->kind, false, f->metavar,
							f->help };
	}
	for (size_t i = 0; i < N_GLOBAL_FLAGS; i++) {
		const struct global_flag *g = &global_flags[i];
		if (spec && !(g->group == 0 || (spec->groups & g->group)))
			continue;
		if (n < max)
			out[n] = (struct np_flag_info){ g->name, g->short_name, g->kind, g->id == F_VERBOSE, NULL,
							NULL };
		n++;
	}
	return n;
}
#define MAX_SHOWN 200 /* bytes of a user-supplied token quoted in a message */

int np_exit_code(int np_code)
{
	if (np_code >= 0)
		return NP_EXIT_OK;
	if (np_code == NP_ENET || np_code == NP_EAUTH)
		return NP_EXIT_NET;
	return NP_EXIT_USAGE;
}

void np_cli_init(struct np_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->color = NP_COLOR_AUTO;
	cli->semantics = "k8s";
	cli->fail_on = NP_SEV_LOW;
	cli->fail_on_name = "low";
	np_limits_default(&cli->limits);
	cli->live.timeout_ms = 10LL * 60 * 1000;
}

void np_cli_release(struct np_cli *cli)
{
	if (!cli)
		return;
	for (size_t i = 0; i < cli->n_owned; i++)
		free(cli->owned[i]);
	free(cli->owned);
	free(cli->args);
	free(cli->output_files);
	free(cli->files);
	free(cli->live.as_groups);
	free(cli->controls_patterns);
	free(cli->skip_patterns);
	free(cli->selected);
	free(cli->skipped);
	free(cli->exclude_globs);
	free(cli->exceptions);
	for (size_t i = 0; i < NP_CLI_MAX_VERB_FLAGS; i++)
		free(cli->verb_values[i].list);
	memset(cli, 0, sizeof(*cli));
}

/* Appends p to a pointer vector of n entries (grown one at a time: argv-sized). */
static int vec_push(void *vecp, size_t *n, const void *p)
{
	const void ***vec = vecp;
	const void **nv;

	if (*n >= SIZE_MAX / sizeof(void *) - 1)
		return NP_ENOMEM;
	nv = realloc(*vec, (*n + 1) * sizeof(void *));
	if (!nv)
		return NP_ENOMEM;
	nv[(*n)++] = p;
	*vec = nv;
	return 0;
}

static char *own_strndup(struct np_cli *cli, const char *s, size_t len)
{
	char *c = malloc(len + 1);

	if (!c)
		return NULL;
	memcpy(c, s, len);
	c[len] = '\0';
	if (vec_push(&cli->owned, &cli->n_owned, c) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

/* Splits a comma-separated value into owned copies appended to vec. */
static int push_split(struct np_cli *cli, const char ***vec, size_t *n, const char *flag,
		      const char *value, struct np_error *err)
{
	const char *p = value;
	size_t added = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		/* surrounding blanks are a typing slip ("NP-101, NP-102"), not part of an id */
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len > 0) {
			char *c = own_strndup(cli, p, len);
			if (!c || vec_push(vec, n, c) < 0)
				return np_error_set(err, NP_ENOMEM, "out of memory");
			added++;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (added == 0)
		return np_error_set(err, NP_EUSAGE, "--%s: empty list", flag);
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int np_parse_duration(const char *s, long long *out_ms, struct np_error *err)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		/* longest first so "ms" is not read as "m" then "s" */
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "\xce\xbcs", 1e-3 },
		{ "ms", 1.0 }, { "s", 1e3 }, { "m", 60e3 }, { "h", 3600e3 },
	};
	const char *p = s;
	double total = 0;
	bool any = false;

	if (!s || !*s)
		return np_error_set(err, NP_EUSAGE, "empty duration");
	if (*p == '+')
		p++;
	if (*p == '-')
		return np_error_set(err, NP_EUSAGE, "invalid duration \"%.*s\": negative", MAX_SHOWN, s);
	/* kubectl: a bare number is seconds */
	{
		char *end;
		errno = 0;
		unsigned long long v = strtoull(p, &end, 10);
		if (end != p && *end == '\0' && isdigit((unsigned char)*p)) {
			if (errno == ERANGE || v > (unsigned long long)LLONG_MAX / 1000)
				return np_error_set(err, NP_EUSAGE, "invalid duration \"%.*s\": too large",
						    MAX_SHOWN, s);
			*out_ms = (long long)v * 1000;
			return 0;
		}
	}
	while (*p) {
		const char *num = p;
		double v = 0, frac = 0.1;
		bool digits = false, matched = false;

		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p - '0');
			p++;
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p)) {
				v += (*p - '0') * frac;
				frac /= 10;
				p++;
				digits = true;
			}
		}
		if (!digits || p - num > 40)
			return np_error_set(err, NP_EUSAGE, "invalid duration \"%.*s\"", MAX_SHOWN, s);
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t ul = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, ul) == 0) {
				total += v * units[i].ms;
				p += ul;
				matched = true;
				break;
			}
		}
		if (!matched)
			return np_error_set(err, NP_EUSAGE, "invalid duration \"%.*s\": missing or unknown unit "
					    "(use ns, us, ms, s, m or h)", MAX_SHOWN, s);
		if (total > 9.2e15)
			return np_error_set(err, NP_EUSAGE, "invalid duration \"%.*s\": too large", MAX_SHOWN, s);
		any = true;
	}
	if (!any)
		return np_error_set(err, NP_EUSAGE, "invalid duration \"%.*s\"", MAX_SHOWN, s);
	if (total > 0 && total < 1)
		total = 1;
	*out_ms = (long long)(total + 0.5);
	return 0;
}

bool np_control_pattern_matches(const char *pattern, const char *id)
{
	char p[64], s[64];
	size_t i;

	for (i = 0; pattern[i] && i < sizeof(p) - 1; i++)
		p[i] = (char)toupper((unsigned char)pattern[i]);
	if (pattern[i])
		return false;
	p[i] = '\0';
	for (i = 0; id[i] && i < sizeof(s) - 1; i++)
		s[i] = (char)toupper((unsigned char)id[i]);
	s[i] = '\0';
	return fnmatch(p, s, 0) == 0;
}

static int resolve_controls(struct np_cli *cli, struct np_error *err)
{
	size_t n = 0;
	const struct np_control_def *cat = np_controls_catalog(&n);
	const char **pats[2] = { cli->controls_patterns, cli->skip_patterns };
	size_t npats[2] = { cli->n_controls_patterns, cli->n_skip_patterns };

	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < npats[k]; i++) {
			bool hit = false;
			for (size_t c = 0; c < n && !hit; c++)
				hit = np_control_pattern_matches(pats[k][i], cat[c].id);
			if (!hit)
				return np_error_set(err, NP_EUSAGE, "%s: unknown control id \"%.*s\"",
						    k == 0 ? "--controls" : "--skip-controls", MAX_SHOWN,
						    pats[k][i]);
		}
	}
	for (size_t c = 0; c < n; c++) {
		bool sel = cli->n_controls_patterns == 0;
		for (size_t i = 0; i < cli->n_controls_patterns && !sel; i++)
			sel = np_control_pattern_matches(cli->controls_patterns[i], cat[c].id);
		for (size_t i = 0; i < cli->n_skip_patterns && sel; i++)
			sel = !np_control_pattern_matches(cli->skip_patterns[i], cat[c].id);
		if (vec_push(sel ? &cli->selected : &cli->skipped, sel ? &cli->n_selected : &cli->n_skipped,
			     cat[c].id) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
	}
	return 0;
}

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static int check_output(const struct np_cli_spec *spec, const char *flag, const char *value,
			struct np_error *err)
{
	if (!spec->outputs)
		return np_error_set(err, NP_EUSAGE, "%s: %s takes no output format", flag, spec->verb);
	if (!in_list(spec->outputs, value)) {
		char allowed[256] = "";
		for (size_t i = 0; spec->outputs[i]; i++) {
			size_t l = strlen(allowed);
			snprintf(allowed + l, sizeof(allowed) - l, "%s%s", i ? "|" : "", spec->outputs[i]);
		}
		return np_error_set(err, NP_EUSAGE, "%s: unsupported output format \"%.*s\" for %s (%s)",
				    flag, MAX_SHOWN, value, spec->verb, allowed);
	}
	return 0;
}

static int parse_severity(const char *s, int *out)
{
	static const char *const names[] = { "none", "low", "medium", "high", "critical" };
	static const int values[] = { -1, NP_SEV_LOW, NP_SEV_MEDIUM, NP_SEV_HIGH, NP_SEV_CRITICAL };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = values[i];
			return 0;
		}
	}
	return -1;
}

static int parse_verbosity(const char *s, int *out, struct np_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0 || v > 10)
		return np_error_set(err, NP_EUSAGE, "-v: invalid level \"%.*s\" (0-10)", MAX_SHOWN, s);
	*out = (int)v;
	return 0;
}

static int apply_global(struct np_cli *cli, const struct global_flag *f, const char *value,
			bool bval, struct np_error *err)
{
	struct np_live_options *l = &cli->live;
	int rc = 0;

	switch (f->id) {
	case F_HELP:
		cli->help = bval;
		break;
	case F_OUTPUT:
		if ((rc = check_output(cli->spec, "-o", value, err)) < 0)
			return rc;
		cli->output = value;
		cli->output_given = true;
		break;
	case F_OUTPUT_FILE: {
		const char *eq = strchr(value, '=');
		struct np_output_file *nf;
		char *fmt;
		if (!eq || eq == value || !eq[1])
			return np_error_set(err, NP_EUSAGE, "--output-file: expected FORMAT=PATH, got \"%.*s\"",
					    MAX_SHOWN, value);
		if (!(fmt = own_strndup(cli, value, (size_t)(eq - value))))
			return np_error_set(err, NP_ENOMEM, "out of memory");
		if ((rc = check_output(cli->spec, "--output-file", fmt, err)) < 0)
			return rc;
		nf = realloc(cli->output_files, (cli->n_output_files + 1) * sizeof(*nf));
		if (!nf)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		cli->output_files = nf;
		nf[cli->n_output_files].format = fmt;
		nf[cli->n_output_files].path = eq + 1;
		cli->n_output_files++;
		break;
	}
	case F_NO_HEADERS:
		cli->no_headers = bval;
		break;
	case F_COLOR:
		if (strcmp(value, "auto") == 0)
			cli->color = NP_COLOR_AUTO;
		else if (strcmp(value, "always") == 0)
			cli->color = NP_COLOR_ALWAYS;
		else if (strcmp(value, "never") == 0)
			cli->color = NP_COLOR_NEVER;
		else
			return np_error_set(err, NP_EUSAGE, "--color: invalid value \"%.*s\" (auto|always|never)",
					    MAX_SHOWN, value);
		break;
	case F_QUIET:
		cli->quiet = bval;
		break;
	case F_VERBOSE:
		if (!value)
			cli->verbosity++;
		else if ((rc = parse_verbosity(value, &cli->verbosity, err)) < 0)
			return rc;
		break;
	case F_SEMANTICS:
		if (strcmp(value, "k8s") != 0 && strcmp(value, "kics") != 0)
			return np_error_set(err, NP_EUSAGE, "--semantics: invalid value \"%.*s\" (k8s|kics)",
					    MAX_SHOWN, value);
		cli->semantics = value;
		cli->kics = strcmp(value, "kics") == 0;
		break;
	case F_FILENAME:
		if (!*value)
			return np_error_set(err, NP_EUSAGE, "-f: empty path");
		if (vec_push(&cli->files, &cli->n_files, value) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		break;
	case F_NAMESPACE:
		if (!*value)
			return np_error_set(err, NP_EUSAGE, "-n: empty namespace");
		cli->namespace = value;
		break;
	case F_ALL_NAMESPACES:
		cli->all_namespaces = bval;
		break;
	case F_LIMIT:
		if ((rc = np_limits_set(&cli->limits, value, err)) < 0) {
			if (err)
				err->code = NP_EUSAGE;
			return NP_EUSAGE;
		}
		break;
	case F_STRICT_INPUTS:
		cli->strict_inputs = bval;
		break;
	case F_KUBECONFIG: l->kubeconfig = value; break;
	case F_CONTEXT: l->context = value; break;
	case F_CLUSTER: l->cluster = value; break;
	case F_USER: l->user = value; break;
	case F_SERVER: l->server = value; break;
	case F_TOKEN: l->token = value; break;
	case F_CA: l->certificate_authority = value; break;
	case F_CLIENT_CERT: l->client_certificate = value; break;
	case F_CLIENT_KEY: l->client_key = value; break;
	case F_TLS_SERVER_NAME: l->tls_server_name = value; break;
	case F_INSECURE: l->insecure_skip_tls_verify = bval; break;
	case F_AS: l->as = value; break;
	case F_AS_GROUP:
		if (vec_push(&l->as_groups, &l->n_as_groups, value) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		break;
	case F_AS_UID: l->as_uid = value; break;
	case F_USERNAME: l->username = value; break;
	case F_PASSWORD: l->password = value; break;
	case F_REQUEST_TIMEOUT:
	case F_TIMEOUT: {
		long long ms;
		if ((rc = np_parse_duration(value, &ms, err)) < 0) {
			struct np_error e2;
			np_error_clear(&e2);
			np_error_set(&e2, NP_EUSAGE, "--%s: %s", f->name, err ? err->msg : "invalid duration");
			if (err)
				*err = e2;
			return NP_EUSAGE;
		}
		if (f->id == F_TIMEOUT)
			l->timeout_ms = ms;
		else
			l->request_timeout_ms = ms;
		break;
	}
	case F_DISABLE_COMPRESSION: l->disable_compression = bval; break;
	case F_CONTROLS:
		cli->controls_given = true;
		return push_split(cli, &cli->controls_patterns, &cli->n_controls_patterns, f->name, value, err);
	case F_SKIP_CONTROLS:
		cli->controls_given = true;
		return push_split(cli, &cli->skip_patterns, &cli->n_skip_patterns, f->name, value, err);
	case F_EXCLUDE_NAMESPACES:
		return push_split(cli, &cli->exclude_globs, &cli->n_exclude_globs, f->name, value, err);
	case F_EXCLUDE_SYSTEM:
		cli->exclude_system = bval;
		break;
	case F_INCLUDE_IDLE:
		cli->include_idle = bval;
		break;
	case F_FAIL_ON:
		if (parse_severity(value, &cli->fail_on) < 0)
			return np_error_set(err, NP_EUSAGE,
					    "--fail-on: invalid level \"%.*s\" (none|low|medium|high|critical)",
					    MAX_SHOWN, value);
		cli->fail_on_name = value;
		break;
	case F_FAIL_ON_WARN:
		cli->fail_on_warn = bval;
		break;
	case F_EXCEPTIONS:
		if (vec_push(&cli->exceptions, &cli->n_exceptions, value) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		break;
	case F_BASELINE:
		cli->baseline = value;
		break;
	}
	return 0;
}

static int apply_verb(struct np_cli *cli, size_t idx, const char *value, bool bval,
		      struct np_error *err)
{
	const struct np_flag *f = &cli->spec->flags[idx];
	struct np_flag_value *v = &cli->verb_values[idx];

	v->set = true;
	switch (f->kind) {
	case NP_FLAG_BOOL:
		v->b = bval;
		break;
	case NP_FLAG_STRING:
		v->s = value;
		break;
	case NP_FLAG_LIST:
		if (vec_push(&v->list, &v->n, value) < 0)
			return np_error_set(err, NP_ENOMEM, "out of memory");
		break;
	}
	return 0;
}

/* A flag found by name: either a global (g) or a verb flag (index vi). */
struct found {
	const struct global_flag *g;
	long vi;
	enum np_flag_kind kind;
	const char *name;
};

static bool accepts(const struct np_cli_spec *spec, const struct global_flag *g)
{
	return g->group == 0 || (spec->groups & g->group);
}

static bool find_long(const struct np_cli_spec *spec, const char *name, size_t len, struct found *out)
{
	for (size_t i = 0; spec && spec->flags && spec->flags[i].name; i++) {
		if (strlen(spec->flags[i].name) == len && strncmp(spec->flags[i].name, name, len) == 0) {
			*out = (struct found){ NULL, (long)i, spec->flags[i].kind, spec->flags[i].name };
			return true;
		}
	}
	for (size_t i = 0; i < N_GLOBAL_FLAGS; i++) {
		const struct global_flag *g = &global_flags[i];
		if ((!spec || accepts(spec, g)) && strlen(g->name) == len && strncmp(g->name, name, len) == 0) {
			*out = (struct found){ g, -1, g->kind, g->name };
			return true;
		}
	}
	return false;
}

static bool find_short(const struct np_cli_spec *spec, char c, struct found *out)
{
	for (size_t i = 0; spec && spec->flags && spec->flags[i].name; i++) {
		if (spec->flags[i].short_name == c) {
			*out = (struct found){ NULL, (long)i, spec->flags[i].kind, spec->flags[i].name };
			return true;
		}
	}
	for (size_t i = 0; i < N_GLOBAL_FLAGS; i++) {
		const struct global_flag *g = &global_flags[i];
		if ((!spec || accepts(spec, g)) && g->short_name == c) {
			*out = (struct found){ g, -1, g->kind, g->name };
			return true;
		}
	}
	return false;
}

static int apply(struct np_cli *cli, const struct found *f, const char *value, bool bval,
		 struct np_error *err)
{
	if (f->g)
		return apply_global(cli, f->g, value, bval, err);
	return apply_verb(cli, (size_t)f->vi, value, bval, err);
}

int np_cli_parse(struct np_cli *cli, const struct np_cli_spec *spec, int argc, char **argv,
		 struct np_error *err)
{
	bool no_more_flags = false;
	int rc = 0;

	cli->spec = spec;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		struct found f;

		if (no_more_flags || a[0] != '-' || a[1] == '\0') {
			if (vec_push(&cli->args, &cli->n_args, a) < 0)
				return np_error_set(err, NP_ENOMEM, "out of memory");
			continue;
		}
		if (strcmp(a, "--") == 0) {
			no_more_flags = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const char *value = eq ? eq + 1 : NULL;
			bool b = true;

			if (!find_long(spec, name, len, &f))
				return np_error_set(err, NP_EUSAGE, "unknown flag: --%.*s",
						    (int)(len > MAX_SHOWN ? MAX_SHOWN : len), name);
			if (f.kind == NP_FLAG_BOOL) {
				if (value && parse_bool(value, &b) < 0)
					return np_error_set(err, NP_EUSAGE, "--%s: invalid boolean \"%.*s\"",
							    f.name, MAX_SHOWN, value);
			} else if (!value && !(f.g && f.g->id == F_VERBOSE)) {
				if (i + 1 >= argc)
					return np_error_set(err, NP_EUSAGE, "flag needs an argument: --%s", f.name);
				value = argv[++i];
			}
			if ((rc = apply(cli, &f, value, b, err)) < 0)
				return rc;
			if (cli->help)
				return 0;
			continue;
		}
		/* a cluster of short flags: -Aq, -ojson, -o=json, -vv, -v=3 */
		for (size_t j = 1; a[j]; j++) {
			char c = a[j];
			if (!find_short(spec, c, &f)) {
				if (isprint((unsigned char)c))
					return np_error_set(err, NP_EUSAGE, "unknown shorthand flag: '%c' in -%.*s",
							    c, MAX_SHOWN, a + 1);
				return np_error_set(err, NP_EUSAGE, "unknown shorthand flag in -%.*s", MAX_SHOWN,
						    a + 1);
			}
			if (f.g && f.g->id == F_VERBOSE) {
				const char *rest = a + j + 1;
				if (*rest == '=' || isdigit((unsigned char)*rest)) {
					if ((rc = apply(cli, &f, *rest == '=' ? rest + 1 : rest, true, err)) < 0)
						return rc;
					break;
				}
				if ((rc = apply(cli, &f, NULL, true, err)) < 0)
					return rc;
				continue;
			}
			if (f.kind == NP_FLAG_BOOL) {
				bool b = true;
				if (a[j + 1] == '=') {
					if (parse_bool(a + j + 2, &b) < 0)
						return np_error_set(err, NP_EUSAGE, "-%c: invalid boolean \"%.*s\"",
								    c, MAX_SHOWN, a + j + 2);
					if ((rc = apply(cli, &f, NULL, b, err)) < 0)
						return rc;
					if (cli->help)
						return 0;
					break;
				}
				if ((rc = apply(cli, &f, NULL, true, err)) < 0)
					return rc;
				if (cli->help)
					return 0;
				continue;
			}
			{
				const char *value = a + j + 1;
				if (*value == '=')
					value++;
				else if (!*value) {
					if (i + 1 >= argc)
						return np_error_set(err, NP_EUSAGE, "flag needs an argument: -%c", c);
					value = argv[++i];
				}
				if ((rc = apply(cli, &f, value, true, err)) < 0)
					return rc;
				break;
			}
		}
	}

	if (!cli->output && spec->outputs)
		cli->output = spec->outputs[0];
	if (spec->max_args >= 0 && cli->n_args > (size_t)spec->max_args)
		return np_error_set(err, NP_EUSAGE, "%s: unexpected argument \"%.*s\"", spec->verb, MAX_SHOWN,
				    cli->args[spec->max_args]);
	if (cli->all_namespaces)
		cli->namespace = NULL;
	cli->live.namespace = cli->namespace;
	cli->live.verbosity = cli->verbosity;
	if (spec->groups & NP_CLI_CONTROLS) {
		if ((rc = resolve_controls(cli, err)) < 0)
			return rc;
	}
	return 0;
}

/* The first argument that is neither a flag nor a flag's value is the verb,
 * so `kubectl netpol -n team-a audit` works as kubectl users expect. */
static int find_verb(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		struct found f;

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			if (!eq && find_long(NULL, a + 2, len, &f) && f.kind != NP_FLAG_BOOL &&
			    f.g->id != F_VERBOSE)
				i++;
			continue;
		}
		for (size_t j = 1; a[j]; j++) {
			if (!find_short(NULL, a[j], &f) || f.kind == NP_FLAG_BOOL)
				continue;
			if (f.g->id == F_VERBOSE)
				continue;
			if (!a[j + 1])
				i++;
			break;
		}
	}
	return -1;
}

int np_cli_main(int argc, char **argv, struct np_io *io)
{
	const struct np_command *cmd;
	char **nargv = NULL;
	int vi, rc;

	vi = find_verb(argc, argv);
	if (vi < 0) {
		/* No verb: help on stdout, exit 0 — unless a flag is plainly wrong. */
		for (int i = 1; i < argc; i++) {
			struct found f;
			const char *a = argv[i];
			bool known = true;
			if (strcmp(a, "--") == 0)
				break;
			if (a[0] != '-' || a[1] == '\0')
				continue;
			if (a[1] == '-')
				known = find_long(NULL, a + 2, strcspn(a + 2, "="), &f);
			else
				known = find_short(NULL, a[1], &f);
			if (!known) {
				struct np_error e;
				np_error_clear(&e);
				np_error_set(&e, NP_EUSAGE, "unknown flag: %.*s", MAX_SHOWN, a);
				return np_usage_error(io, NULL, &e);
			}
		}
		np_help_main(io->out);
		return NP_EXIT_OK;
	}
	cmd = np_command_find(argv[vi]);
	if (!cmd) {
		struct np_error e;
		np_error_clear(&e);
		np_error_set(&e, NP_EUSAGE, "unknown verb \"%.*s\"", MAX_SHOWN, argv[vi]);
		return np_usage_error(io, NULL, &e);
	}
	if (vi == 1)
		return cmd->fn(argc - 1, argv + 1, io);

	/* Move the verb first, keeping every other argument in order. */
	nargv = calloc((size_t)argc + 1, sizeof(*nargv));
	if (!nargv) {
		np_print_errorf(io, "out of memory");
		return NP_EXIT_USAGE;
	}
	{
		int k = 0;
		nargv[k++] = argv[vi];
		for (int i = 1; i < argc; i++)
			if (i != vi)
				nargv[k++] = argv[i];
		rc = cmd->fn(k, nargv, io);
	}
	free(nargv);
	return rc;
}
