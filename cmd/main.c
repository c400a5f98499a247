/* kubectl-netpol entry point: process-wide setup and the final check that
 * every byte reached stdout (DESIGN §8). The verbs live in the core library. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "netpol/cli.h"

int main(int argc, char **argv)
{
	struct np_io io;
	int code;
	bool reported;

	/* Only the character type follows the locale: number and date formats
	 * in reports must not. */
	setlocale(LC_CTYPE, "");
	/* `kubectl netpol audit | head` ends quietly, as other CLIs do. */
	signal(SIGPIPE, SIG_DFL);
	np_io_from_stdio(&io);
	code = np_cli_main(argc, argv, &io);
	/* a verb that already reported a failed write has exited 2: say it once */
	reported = ferror(stdout) && code == NP_EXIT_USAGE;
	if (fclose(stdout) != 0 && !reported) {
		fprintf(stderr, "kubectl-netpol: write error: %s\n", strerror(errno));
		code = NP_EXIT_USAGE;
	}
	return code;
}
