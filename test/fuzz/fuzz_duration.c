/* Fuzzes np_parse_duration (--timeout, --request-timeout) and
 * np_limits_set (--limit NAME=VALUE): any text either parses to a
 * non-negative value or fails with a one-line usage error. */
#include "netpol/cli.h"
#include "netpol/snapshot.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	struct np_limits lim;
	struct np_error err;
	long long ms = -1;
	int rc;

	if (!s)
		return 0;
	memset(&err, 0, sizeof(err));
	rc = np_parse_duration(s, &ms, &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EUSAGE);
	if (rc == 0)
		check(ms >= 0);
	np_limits_default(&lim);
	rc = np_limits_set(&lim, s, &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EUSAGE);
	if (rc == 0)
		check(lim.total_bytes > 0 && lim.member_bytes > 0 && lim.members > 0 &&
		      lim.ratio > 0 && lim.path_length > 0 && lim.decode.max_depth > 0 &&
		      lim.decode.max_doc_bytes > 0 && lim.decode.max_documents > 0 &&
		      lim.decode.max_alias_expansions > 0 && lim.decode.max_nodes > 0 &&
		      lim.decode.max_scalar_bytes > 0);
	free(s);
	return 0;
}
