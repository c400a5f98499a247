/* `kubectl netpol cni`: the detected platform and CNI engines, with their
 * enforcement and evidence (DESIGN §5.4). */
#include <string.h>
#include "netpol/cli.h"

static const char *const cni_outputs[] = { "table", "json", "yaml", NULL };

const struct np_cli_spec np_spec_cni = {
	.verb = "cni",
	.summary = "Detected platform and CNI engines, whether they enforce NetworkPolicy, and why",
	.usage = "Usage:\n"
		 "  kubectl netpol cni [SOURCE] [-o table|json|yaml]\n"
		 "\n"
		 "Detects the platform (EKS, AKS, GKE, OpenShift, k3s, ...) and every CNI engine\n"
		 "from workloads, CNI configurations, node labels and CRDs, and tells whether each\n"
		 "enforces NetworkPolicy (yes, no, conditional with the condition, unknown).\n",
	.groups = NP_CLI_OUTPUT | NP_CLI_SOURCE | NP_CLI_LIVE,
	.outputs = cni_outputs,
	.flags = NULL,
	.max_args = 0,
};

static int write_cni(FILE *out, const char *format, const struct np_out_ctx *o)
{
	json_t *j = NULL;
	int rc;

	if (strcmp(format, "table") == 0)
		return np_cni_table(out, o);
	if ((rc = np_cni_report_json(&j, o)) < 0)
		return rc;
	rc = strcmp(format, "json") == 0 ? np_json_emit(out, j) : np_yaml_emit(out, j);
	json_decref(j);
	return rc;
}

struct cni_job {
	const char *format;
	const struct np_out_ctx *o;
};

static int cni_job_write(FILE *f, void *ctx)
{
	struct cni_job *j = ctx;
	return write_cni(f, j->format, j->o);
}

int cmd_cni(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	struct np_model m;
	struct np_report r;
	struct np_out_ctx o;
	char now[32];
	int rc, code = NP_EXIT_OK;

	np_cli_init(&cli);
	np_error_clear(&err);
	np_model_init(&m);
	np_report_init(&r);
	memset(&o, 0, sizeof(o));
	if (np_cli_parse(&cli, &np_spec_cni, argc, argv, &err) < 0) {
		code = np_usage_error(io, "cni", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_cni);
		goto out;
	}
	np_now_rfc3339(now);
	if ((rc = np_cli_load(&m, &cli, io, &err)) < 0) {
		np_print_error(io, &err);
		code = np_exit_code(rc);
		goto out;
	}
	r.generated_at = now;
	if ((rc = np_cni_detect(&r, &m)) < 0) {
		np_print_errorf(io, "cni detection failed%s", rc == NP_ENOMEM ? ": out of memory" : "");
		code = NP_EXIT_USAGE;
		goto out;
	}
	o.r = &r;
	o.m = &m;
	o.mode = cli.n_files > 0 ? "offline" : "live";
	o.generated_at = now;
	o.color = np_color_enabled(&cli, io);
	o.no_headers = cli.no_headers;
	o.width = io->out_tty ? io->width : 0;
	rc = write_cni(io->out, cli.output, &o);
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error");
		code = NP_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < cli.n_output_files; i++) {
		struct np_out_ctx fo = o;
		struct cni_job job = { cli.output_files[i].format, &fo };
		fo.color = false;
		fo.width = 0;
		if (np_write_file_atomic(cli.output_files[i].path, cni_job_write, &job, &err) < 0) {
			np_print_error(io, &err);
			code = NP_EXIT_USAGE;
			goto out;
		}
	}
	/* detection without Nodes or DaemonSets is incomplete: exit 1 (DESIGN §2.4) */
	for (size_t i = 0; i < m.avail.n; i++) {
		const struct np_avail *a = &m.avail.v[i];
		if ((a->res == NP_RES_NODES || a->res == NP_RES_DAEMONSETS) && a->state != NP_AVAIL_READ &&
		    np_model_avail(&m, a->res, a->namespace, NULL, NULL) != NP_AVAIL_READ)
			code = NP_EXIT_FINDINGS;
	}
out:
	np_report_release(&r);
	np_model_release(&m);
	np_cli_release(&cli);
	return code;
}
