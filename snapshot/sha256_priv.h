/* Private to snapshot/ and its tests: SHA-256 implementation choice. */
#ifndef NETPOL_SNAPSHOT_SHA256_PRIV_H
#define NETPOL_SNAPSHOT_SHA256_PRIV_H

#include <stdbool.h>

/* Forces the portable compression function (on = true) or goes back to the
 * fastest one the CPU supports, so tests can check that both agree. Not
 * thread-safe: call it before hashing starts. */
void np_sha256_use_portable(bool on);

#endif
