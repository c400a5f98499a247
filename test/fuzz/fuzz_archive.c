/* Fuzzes the offline reader end to end on one named input: sniffing, the
 * tar/zip readers and their filters (gzip, bzip2, xz, zstd), member paths,
 * the limits, layout detection from the member list, decoding of members and
 * np_model_finish. The input is handed over as a memfd so nothing touches
 * the disk. Limits are tightened so a bomb costs little per input. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netpol/snapshot.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_load_options opt;
	struct np_error err;
	struct np_model m;
	char path[64];
	const char *paths[1] = { path };
	int fd, rc;

	fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&opt, 0, sizeof(opt));
	np_limits_default(&opt.limits);
	opt.limits.total_bytes = 64ULL << 20;
	opt.limits.member_bytes = 16ULL << 20;
	opt.limits.members = 5000;
	opt.limits.decode.max_nodes = 100000;
	opt.kics = size && (data[size - 1] & 1);
	memset(&err, 0, sizeof(err));
	np_model_init(&m);
	rc = np_snapshot_load(&m, paths, 1, &opt, &err);
	check_error(rc, &err);
	check(rc == 0 || rc == NP_EIO || rc == NP_EPARSE || rc == NP_ELIMIT || rc == NP_EEMPTY ||
	      rc == NP_ENOMEM || rc == NP_EINVAL);
	if (rc == 0) {
		rc = np_model_finish(&m, &err);
		check_error(rc, &err);
	}
	np_model_release(&m);
	close(fd);
	return 0;
}
