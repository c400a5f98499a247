/* Fuzzes `__complete` (DESIGN §8, §9): the input is the words after
 * __complete, split at NUL bytes, the last one being the word to complete.
 * Whatever they are, the answer is candidate lines without control
 * characters, then one ":<directive>" line, and exit 0. Live namespace
 * lookups are off: fuzzed words must never reach a network. */
#include <stdio.h>
#include "netpol/cli.h"
#include "fuzz_common.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *argv[MAX_ARGS + 2], *out = NULL, *last;
	size_t off = 0, outlen = 0;
	struct np_io io;
	int argc = 1, code;

	np_complete_live = false;
	if (!(s = fuzz_strndup(data, size)))
		return 0;
	argv[0] = "__complete";
	while (off <= size && argc <= MAX_ARGS) {
		argv[argc++] = s + off;
		off += strlen(s + off) + 1;
	}
	argv[argc] = NULL;
	memset(&io, 0, sizeof(io));
	io.out = open_memstream(&out, &outlen);
	io.err = fopen("/dev/null", "w");
	if (!io.out || !io.err) {
		if (io.out)
			fclose(io.out);
		if (io.err)
			fclose(io.err);
		free(out);
		free(s);
		return 0;
	}
	code = cmd___complete(argc, argv, &io);
	fclose(io.out);
	fclose(io.err);
	check(code == 0);
	check(out && outlen > 0 && out[outlen - 1] == '\n');
	/* the directive is the last line: ":" and digits */
	out[outlen - 1] = '\0';
	last = strrchr(out, '\n');
	last = last ? last + 1 : out;
	check(last[0] == ':' && last[1] >= '0' && last[1] <= '9');
	for (const char *p = out; p < last; p++)
		check(*p == '\n' || *p == '\t' || (unsigned char)*p >= 0x20);
	free(out);
	free(s);
	return 0;
}
