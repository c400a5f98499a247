/* `kubectl netpol version`: prints the version. Touches no network, libcurl
 * or kubeconfig (DESIGN §7), so it works wherever the binary runs. */
#include <string.h>
#include "netpol/cli.h"

static const char *const version_outputs[] = { "json", "yaml", NULL };

const struct np_cli_spec np_spec_version = {
	.verb = "version",
	.summary = "Print the version",
	.usage = "Usage:\n"
		 "  kubectl netpol version [-o json|yaml]\n",
	.groups = NP_CLI_OUTPUT,
	.outputs = version_outputs,
	.flags = NULL,
	.max_args = 0,
};

int cmd_version(int argc, char **argv, struct np_io *io)
{
	struct np_cli cli;
	struct np_error err;
	json_t *j = NULL;
	int code = NP_EXIT_OK, rc = 0;

	np_cli_init(&cli);
	np_error_clear(&err);
	if (np_cli_parse(&cli, &np_spec_version, argc, argv, &err) < 0) {
		code = np_usage_error(io, "version", &err);
		goto out;
	}
	if (cli.help) {
		np_help_verb(io->out, &np_spec_version);
		goto out;
	}
	if (!cli.output_given) {
		if (fprintf(io->out, "kubectl-netpol v%s\n", NP_VERSION) < 0)
			rc = NP_EIO;
	} else {
		j = json_pack("{s:s, s:s, s:s, s:s}", "apiVersion", "kubectl-netpol/v1", "kind", "Version",
			      "name", "kubectl-netpol", "version", NP_VERSION);
		if (!j)
			rc = NP_ENOMEM;
		else if (strcmp(cli.output, "json") == 0)
			rc = np_json_emit(io->out, j);
		else
			rc = np_yaml_emit(io->out, j);
	}
	if (rc == 0 && (fflush(io->out) != 0 || ferror(io->out)))
		rc = NP_EIO;
	if (rc < 0) {
		np_print_errorf(io, "write error");
		code = NP_EXIT_USAGE;
	}
out:
	json_decref(j);
	np_cli_release(&cli);
	return code;
}
