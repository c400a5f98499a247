/* Fuzzes np_cli_parse: the first byte picks the verb, the rest is argv
 * split at NUL bytes. Any argv parses or is a one-line usage error; nothing
 * is read or run (parsing only records file names). */
#include "netpol/cli.h"
#include "fuzz_common.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct np_command *cmds;
	char *s, *argv[MAX_ARGS + 2];
	struct np_cli cli;
	struct np_error err;
	size_t ncmd, off = 0;
	int argc = 1, rc;

	if (size < 1)
		return 0;
	cmds = np_commands(&ncmd);
	if (!ncmd || !(s = fuzz_strndup(data + 1, size - 1)))
		return 0;
	argv[0] = (char *)cmds[data[0] % ncmd].name;
	while (off <= size - 1 && argc <= MAX_ARGS) {
		argv[argc++] = s + off;
		off += strlen(s + off) + 1;
	}
	argv[argc] = NULL;
	np_cli_init(&cli);
	memset(&err, 0, sizeof(err));
	rc = np_cli_parse(&cli, cmds[data[0] % ncmd].spec, argc, argv, &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EUSAGE || rc == NP_ENOMEM);
	np_cli_release(&cli);
	free(s);
	return 0;
}
