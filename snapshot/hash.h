/* Private to snapshot/: a keyed hash (SipHash-1-3) and a per-process seed,
 * shared by interning and the YAML duplicate-key check. Keyed so that crafted
 * keys cannot all land in one bucket. */
#ifndef NETPOL_SNAPSHOT_HASH_H
#define NETPOL_SNAPSHOT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define NP_SIPROUND                                                              \
	do {                                                                     \
		v0 += v1; v1 = NP_ROTL(v1, 13); v1 ^= v0; v0 = NP_ROTL(v0, 32);  \
		v2 += v3; v3 = NP_ROTL(v3, 16); v3 ^= v2;                        \
		v0 += v3; v3 = NP_ROTL(v3, 21); v3 ^= v0;                        \
		v2 += v1; v1 = NP_ROTL(v1, 17); v1 ^= v2; v2 = NP_ROTL(v2, 32);  \
	} while (0)

static inline uint64_t np_hash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56;
	size_t left = len & 7;
	const unsigned char *end = in + (len - left);
	uint64_t m;

	for (; in != end; in += 8) {
		memcpy(&m, in, 8); /* little-endian hosts; on others the hash differs but works */
		v3 ^= m;
		NP_SIPROUND;
		v0 ^= m;
	}
	switch (left) {
	case 7: b |= (uint64_t)in[6] << 48; /* fall through */
	case 6: b |= (uint64_t)in[5] << 40; /* fall through */
	case 5: b |= (uint64_t)in[4] << 32; /* fall through */
	case 4: b |= (uint64_t)in[3] << 24; /* fall through */
	case 3: b |= (uint64_t)in[2] << 16; /* fall through */
	case 2: b |= (uint64_t)in[1] << 8;  /* fall through */
	case 1: b |= (uint64_t)in[0]; break;
	case 0: break;
	}
	v3 ^= b;
	NP_SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	NP_SIPROUND;
	NP_SIPROUND;
	NP_SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* A random 64-bit seed, drawn once per process (defined in intern.c). */
uint64_t np_hash_seed(void);

#endif
