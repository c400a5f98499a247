/* `kubectl netpol snapshot`: what live mode reads, written as a
 * troubleshoot-layout .tar.gz for `audit -f` (DESIGN §3.2). The fetching and
 * writing are snapshot/live_snapshot.c; this file parses flags and reports. */
#include <stdlib.h>
#include <string.h>
#include "netpol/audit.h"
#include "netpol/cli.h"

enum { FLAG_FILE };

static const struct np_flag snapshot_flags[] = {
	[FLAG_FILE] = { "file", 0, NP_FLAG_STRING, "FILE.tar.gz", "the archive to write" },
	{ 0 },
};

const struct np_cli_spec np_spec_snapshot = {
	.verb = "snapshot",
	.summary = "Save what live mode reads as a .tar.gz for offline audits",
	.usage =
		"Usage:\n"
		"  kubectl netpol snapshot [LIVE FLAGS] [-n NS | -A] [--controls IDS]\n"
		"                          (FILE.tar.gz | --file FILE.tar.gz)\n"
		"\n"
		"Fetches from the current context exactly what live audits read (the resources\n"
		"of 'kubectl netpol help rbac') and writes them as a troubleshoot-layout archive:\n"
		"cluster-resources/<resource>/<namespace>.json lists, <resource>-errors.json for\n"
		"what could not be read, and a kubectl-netpol-snapshot.json marker (version,\n"
		"context, server, time, availability). 'kubectl netpol audit -f FILE.tar.gz'\n"
		"then gives the live report. Never written: Secrets, ConfigMap data other than\n"
		"CNI keys, env values, envFrom, volumes, managedFields and annotations detection\n"
		"does not read. The file is created with mode 0600 through a temporary file in\n"
		"the same directory, then renamed.\n"
		"\n"
		"Exit status: 0 written; 1 written, but some resources were unreadable; 2 usage\n"
		"error or the file could not be written; 3 the cluster could not be reached or\n"
		"authentication failed.\n"
		"\n"
		"Examples:\n"
		"  kubectl netpol snapshot cluster.tar.gz\n"
		"  kubectl netpol snapshot --context prod -n shop --file shop.tar.gz\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE | NP_CLI_CONTROLS,
	.outputs = NULL,
	.flags = snapshot_flags,
	.max_args = 1,
};

struct snap_log {
	struct np_io *io;
	int verbosity;
	bool progress_shown;
};

/* Level < 0 is the progress line (terminal only, rewritten in place). */
static void snap_log_line(void *ctx, int level, const char *line)
{
	struct snap_log *l = ctx;
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
	if (level > l->verbosity)
		return;
	if (l->progress_shown) {
		fputs("\r\x1b[K", l->io->err);
		l->progress_shown = false;
	}
	np_print_errorf(l->io, "%s", line ? line : "");
}

int cmd_snapshot(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_load_options lo;
	struct np_live_options live;
	struct np_live_snapshot_stats st;
	struct snap_log l = { io, 0, false };
	const char *path = NULL;
	int rc, code = NP_EXIT_OK;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	if (np_cli_parse(&cli, &np_spec_snapshot, argc, argv, &err) < 0) {
		code = np_usage_error(io, "snapshot", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_snapshot);
		goto out;
	}
	if (cli.n_files > 0) {
		np_error_set(&err, NP_EUSAGE, "snapshot: reads the live cluster; -f is not accepted "
			     "(the output file is FILE.tar.gz or --file)");
		code = np_usage_error(io, "snapshot", &err);
		goto out;
	}
	path = cli.n_args ? cli.args[0] : NULL;
	if (cli.verb_values[FLAG_FILE].set) {
		if (path && strcmp(path, cli.verb_values[FLAG_FILE].s) != 0) {
			np_error_set(&err, NP_EUSAGE, "snapshot: two output files given");
			code = np_usage_error(io, "snapshot", &err);
			goto out;
		}
		path = cli.verb_values[FLAG_FILE].s;
	}
	if (!path || !*path) {
		np_error_set(&err, NP_EUSAGE, "snapshot: name the output file (FILE.tar.gz or "
			     "--file FILE.tar.gz)");
		code = np_usage_error(io, "snapshot", &err);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.default_namespace = cli.namespace;
	lo.limits = cli.limits;
	live = cli.live;
	/* --controls narrows the fetch as in a live audit (DESIGN §3.2); the
	 * default snapshot keeps everything, `fix`'s Ingresses included. */
	if (cli.controls_given)
		live.resources = np_audit_resources(cli.selected, cli.n_selected);
	live.progress = io->err_tty && !cli.quiet && !getenv("CI");
	l.verbosity = cli.verbosity;
	rc = np_live_snapshot(path, &m, &live, &lo, snap_log_line, &l, &st, &err);
	if (l.progress_shown) {
		fputs("\r\x1b[K", io->err);
		fflush(io->err);
	}
	if (rc < 0) {
		np_print_error(io, &err);
		/* A file that cannot be written is exit 2 like any failed output write. */
		code = rc == NP_EIO ? NP_EXIT_USAGE : np_exit_code(rc);
		goto out;
	}
	if (!cli.quiet &&
	    fprintf(io->out, "snapshot written to %s: %zu objects in %zu lists%s\n", path,
		    st.objects, st.lists, st.unreadable ? ", some resources unreadable" : "") < 0)
		code = NP_EXIT_USAGE;
	if (st.unreadable) {
		size_t i;

		/* Say what is missing: the archive is incomplete for those. */
		for (i = 0; i < m.avail.n; i++) {
			const struct np_avail *a = &m.avail.v[i];

			if (a->state != NP_AVAIL_UNREADABLE ||
			    np_model_avail(&m, a->res, a->namespace, NULL, NULL) == NP_AVAIL_READ)
				continue;
			np_print_errorf(io, "%s%s%s unreadable (%s): %s", np_resource_name(a->res),
					a->namespace ? " in " : "", a->namespace ? a->namespace : "",
					a->reason ? a->reason : "unreadable",
					a->message ? a->message : "");
		}
		if (code == NP_EXIT_OK)
			code = NP_EXIT_FINDINGS;
	}
out:
	np_model_release(&m);
	np_cli_release(&cli);
	return code;
}
