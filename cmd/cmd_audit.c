/* `kubectl netpol audit`: load a source, run the controls, print the report
 * in one or more formats, and map the result to an exit code (DESIGN §2.4).
 * Also the source loading every cluster-reading verb shares. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "netpol/cli.h"

static int write_table(FILE *out, const struct np_out_ctx *o)
{
	struct np_out_ctx t = *o;
	t.wide = false;
	return np_report_table(out, &t);
}

static int write_wide(FILE *out, const struct np_out_ctx *o)
{
	struct np_out_ctx t = *o;
	t.wide = true;
	t.width = 0;
	return np_report_table(out, &t);
}

static int write_json(FILE *out, const struct np_out_ctx *o)
{
	json_t *j = NULL;
	int rc = np_report_json(&j, o);

	if (rc == 0)
		rc = np_json_emit(out, j);
	json_decref(j);
	return rc;
}

static int write_yaml(FILE *out, const struct np_out_ctx *o)
{
	json_t *j = NULL;
	int rc = np_report_json(&j, o);

	if (rc == 0)
		rc = np_yaml_emit(out, j);
	json_decref(j);
	return rc;
}

/* Report formats: audit's -o values are these names, in this order, and
 * the first is the default. Adding a format (markdown, sarif, junit, html)
 * is one line here. */
#define AUDIT_FORMATS(X)               \
	X("table", write_table)        \
	X("wide", write_wide)          \
	X("json", write_json)          \
	X("yaml", write_yaml)          \
	X("markdown", np_report_markdown) \
	X("sarif", np_report_sarif)    \
	X("junit", np_report_junit)    \
	X("html", np_report_html)

#define AS_FORMAT(name, fn) { name, fn },
#define AS_NAME(name, fn) name,
static const struct np_report_format formats[] = { AUDIT_FORMATS(AS_FORMAT) };
static const char *const audit_outputs[] = { AUDIT_FORMATS(AS_NAME) NULL };

const struct np_report_format *np_report_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

const struct np_cli_spec np_spec_audit = {
	.verb = "audit",
	.summary = "CIS-style audit of NetworkPolicy coverage, with findings and remediations",
	.usage =
		"Usage:\n"
		"  kubectl netpol audit [SOURCE] [-o table|wide|json|yaml|markdown|sarif|junit|html]\n"
		"                       [--fail-on LEVEL] [--fail-on-warn]\n"
		"                       [--controls IDS] [--skip-controls IDS] [--exclude-namespaces GLOBS]\n"
		"                       [--exclude-system-namespaces] [--include-idle-workloads]\n"
		"                       [--exceptions FILE] [--baseline REPORT.json] [--strict-inputs]\n"
		"\n"
		"Runs the NP-1xx (CIS and platform) and NP-2xx (hardening) controls against the\n"
		"current context, or offline against -f inputs, and prints a verdict per control,\n"
		"the objects that fail and what to apply.\n"
		"\n"
		"Exit status: 0 nothing --fail-on counts; 1 a FAIL at or above --fail-on, or an\n"
		"ERROR (data not collected or unreadable); 2 usage or input error; 3 the cluster\n"
		"could not be reached or authentication failed.\n"
		"\n"
		"Examples:\n"
		"  kubectl netpol audit\n"
		"  kubectl netpol audit -n team-a --controls NP-103,NP-201\n"
		"  kubectl netpol audit -f bundle.tar.gz -o json\n"
		"  kubectl netpol audit -f manifests/ --fail-on medium --output-file json=report.json\n"
		"  kubectl netpol audit -f manifests/ -o markdown --output-file sarif=netpol.sarif \\\n"
		"      --output-file junit=netpol.xml --output-file html=netpol.html\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE | NP_CLI_CONTROLS | NP_CLI_SCOPE |
		  NP_CLI_AUDIT,
	.outputs = audit_outputs,
	.flags = NULL,
	.max_args = 0,
};

int np_audit_exit_code(const struct np_report *r, int fail_on, bool fail_on_warn, bool kics)
{
	if (fail_on < 0)
		return NP_EXIT_OK;
	for (size_t i = 0; i < r->controls.n; i++) {
		const struct np_control_result *c = &r->controls.v[i];
		int sev = (int)(kics ? c->def->kics_severity : c->def->severity);
		if (c->status == NP_ST_ERROR)
			return NP_EXIT_FINDINGS;
		if (c->status == NP_ST_FAIL && sev >= fail_on)
			return NP_EXIT_FINDINGS;
		if (c->status == NP_ST_WARN && fail_on_warn && sev >= fail_on)
			return NP_EXIT_FINDINGS;
	}
	return NP_EXIT_OK;
}

/* Log lines from the live client: level < 0 is the progress line (terminal
 * only, rewritten in place), others are notes shown up to -v N. */
struct log_ctx {
	struct np_io *io;
	int verbosity;
	bool quiet;            /* -q: stderr only for errors */
	bool progress_shown;
};

static void log_line(void *ctx, int level, const char *line)
{
	struct log_ctx *l = ctx;
	struct np_strbuf b;

	if (level < 0) {
		if (!l->io->err_tty)
			return;
		np_strbuf_init(&b);
		np_strbuf_puts(&b, "\r\x1b[K");
		np_escape_term(&b, line ? line : "", 0);
		if (!b.oom)
			fputs(b.s, l->io->err);
		np_strbuf_release(&b);
		fflush(l->io->err);
		l->progress_shown = true;
		return;
	}
	if (level > l->verbosity || l->quiet)
		return;
	if (l->progress_shown) {
		fputs("\r\x1b[K", l->io->err);
		l->progress_shown = false;
	}
	np_print_errorf(l->io, "%s", line ? line : "");
}

int np_cli_load(struct np_model *m, const struct np_cli *cli, struct np_io *io,
		struct np_error *err)
{
	struct np_load_options lo;
	int rc;

	memset(&lo, 0, sizeof(lo));
	lo.default_namespace = cli->namespace;
	lo.strict_inputs = cli->strict_inputs;
	lo.kics = cli->kics;
	lo.limits = cli->limits;
	m->kics = cli->kics;
	if (cli->n_files > 0) {
		rc = np_snapshot_load(m, cli->files, cli->n_files, &lo, err);
	} else {
		struct np_live_options live = cli->live;
		struct log_ctx l = { io, cli->verbosity, cli->quiet, false };
		/* progress only on a terminal, without -q, outside CI (DESIGN §3.2) */
		live.progress = io->err_tty && !cli->quiet && !getenv("CI");
		rc = np_live_load(m, &live, &lo, log_line, &l, err);
		if (l.progress_shown) {
			fputs("\r\x1b[K", io->err);
			fflush(io->err);
		}
	}
	if (rc < 0)
		return rc;
	if ((rc = np_model_finish(m, err)) < 0)
		return rc;
	if (cli->n_files > 0 && m->n_objects == 0)
		return np_error_set(err, NP_EEMPTY,
				    "no recognised object (Kubernetes object, CNI config or Terraform "
				    "resource) in any input");
	return 0;
}

struct file_job {
	const struct np_report_format *fmt;
	const struct np_out_ctx *o;
};

static int write_job(FILE *f, void *ctx)
{
	struct file_job *j = ctx;
	return j->fmt->write(f, j->o);
}

/* Writes the -o report to stdout and every --output-file. Returns 0 or an
 * exit code (2) after printing the error. */
static int write_reports(const struct np_cli *cli, struct np_io *io, const struct np_out_ctx *o)
{
	const struct np_report_format *fmt = np_report_format_find(cli->output);
	struct np_error err;
	int rc;

	np_error_clear(&err);
	if (!fmt) {
		np_print_errorf(io, "audit: output format \"%s\" is not available", cli->output);
		return NP_EXIT_USAGE;
	}
	errno = 0;
	rc = fmt->write(io->out, o);
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error: %s",
				rc == NP_ENOMEM ? "out of memory" : errno ? strerror(errno) : "output stream failed");
		return NP_EXIT_USAGE;
	}
	for (size_t i = 0; i < cli->n_output_files; i++) {
		struct file_job job = { np_report_format_find(cli->output_files[i].format), o };
		struct np_out_ctx fo = *o;
		/* files are never terminals: no colour, no truncation */
		fo.color = false;
		fo.width = 0;
		job.o = &fo;
		if (!job.fmt) {
			np_print_errorf(io, "audit: output format \"%s\" is not available",
					cli->output_files[i].format);
			return NP_EXIT_USAGE;
		}
		if ((rc = np_write_file_atomic(cli->output_files[i].path, write_job, &job, &err)) < 0) {
			np_print_error(io, &err);
			return NP_EXIT_USAGE;
		}
	}
	return 0;
}

int cmd_audit(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_report r;
	struct np_exceptions x;
	struct np_audit_options opt;
	struct np_out_ctx o;
	char now[32], today[11];
	int rc, code = NP_EXIT_OK;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	np_report_init(&r);
	np_exceptions_init(&x);
	memset(&opt, 0, sizeof(opt));
	memset(&o, 0, sizeof(o));

	if ((rc = np_cli_parse(&cli, &np_spec_audit, argc, argv, &err)) < 0) {
		code = np_usage_error(io, "audit", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_audit);
		goto out;
	}
	np_now_rfc3339(now);
	memcpy(today, now, 10);
	today[10] = '\0';

	/* Exceptions and baseline first: a bad file is exit 2 before any network. */
	for (size_t i = 0; i < cli.n_exceptions; i++) {
		if ((rc = np_exceptions_load(&x, cli.exceptions[i], &err)) < 0) {
			if (rc == NP_ENOMEM && !err.msg[0])
				np_error_set(&err, rc, "out of memory");
			np_print_error(io, &err);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}
	if (cli.baseline && (rc = np_baseline_load(&x, cli.baseline, &err)) < 0) {
		np_print_error(io, &err);
		code = NP_EXIT_USAGE;
		goto out;
	}

	{
		/* Least privilege (DESIGN §3.2): live mode fetches what the selected
		 * controls read; offline inputs are read whole anyway. */
		struct np_cli lc = cli;

		if (lc.n_files == 0)
			lc.live.resources = cli.controls_given ?
				np_audit_resources(cli.selected, cli.n_selected) :
				np_audit_resources(NULL, 0);
		rc = np_cli_load(&m, &lc, io, &err);
	}
	if (rc < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}

	opt.scope.only_namespace = cli.namespace;
	opt.scope.n_globs = cli.n_exclude_globs;
	opt.scope.exclude_globs = cli.exclude_globs;
	opt.scope.exclude_system = cli.exclude_system;
	opt.scope.include_idle = cli.include_idle;
	opt.kics = cli.kics;
	if (cli.controls_given) {
		opt.n_selected = cli.n_selected;
		opt.selected = cli.selected;
	}
	opt.n_exceptions = x.n;
	opt.exceptions = x.v;
	opt.n_baseline = x.n_fingerprints;
	opt.baseline_fingerprints = x.fingerprints;
	opt.today = today;
	r.semantics = cli.semantics;
	r.fail_on = cli.fail_on_name;
	r.generated_at = now;
	if ((rc = np_audit_run(&r, &m, &opt, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	if (!r.semantics)
		r.semantics = cli.semantics;
	if (!r.fail_on)
		r.fail_on = cli.fail_on_name;
	/* The analyzer's notes: unused exceptions, controls not implemented yet. */
	if (cli.verbosity >= 1)
		for (size_t i = 0; i < r.notes.n; i++)
			np_print_errorf(io, "note: %s", r.notes.v[i]);

	o.r = &r;
	o.m = &m;
	o.mode = cli.n_files > 0 ? "offline" : "live";
	o.generated_at = now;
	o.n_extra_warnings = r.warnings.n;
	o.extra_warnings = r.warnings.v;
	o.color = np_color_enabled(&cli, io);
	o.quiet = cli.quiet;
	o.no_headers = cli.no_headers;
	o.width = io->out_tty ? io->width : 0;
	o.scope = &opt.scope;
	/* a cut markdown report points to the complete one */
	for (size_t i = 0; i < cli.n_output_files && !o.full_report; i++)
		if (strcmp(cli.output_files[i].format, "markdown") != 0)
			o.full_report = cli.output_files[i].path;
	if ((code = write_reports(&cli, io, &o)) != 0)
		goto out;
	code = np_audit_exit_code(&r, cli.fail_on, cli.fail_on_warn, cli.kics);
out:
	np_report_release(&r);
	np_model_release(&m);
	np_exceptions_release(&x);
	np_cli_release(&cli);
	return code;
}
