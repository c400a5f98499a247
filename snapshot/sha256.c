/* SHA-256 (FIPS 180-4) for the digests of inputs recorded in the report.
 * Small and self-contained so that snapshot/ needs no crypto library.
 *
 * Every input byte is hashed, so on x86-64 the compression function uses the
 * SHA extensions when the CPU has them (Intel since Goldmont/Ice Lake, AMD
 * since Zen): about 20 times fewer instructions than the portable code, which
 * otherwise costs more than parsing the input (bench/README.md). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "netpol/snapshot.h"
#include "sha256_priv.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NP_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void block_portable(uint32_t *hs, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = hs[0]; b = hs[1]; c = hs[2]; d = hs[3];
	e = hs[4]; f = hs[5]; g = hs[6]; h = hs[7];
	for (i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	hs[0] += a; hs[1] += b; hs[2] += c; hs[3] += d;
	hs[4] += e; hs[5] += f; hs[6] += g; hs[7] += h;
}

static void blocks_portable(uint32_t *hs, const unsigned char *p, size_t n)
{
	for (; n; n--, p += 64)
		block_portable(hs, p);
}

#ifdef NP_SHA_NI
/* The usual SHA-NI sequence (as in Intel's white paper and Linux's
 * sha256_ni_asm.S): state kept as ABEF/CDGH, four rounds per group, the
 * message schedule computed three groups ahead. */
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_shani(uint32_t *hs, const unsigned char *p, size_t n)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i st0, st1, tmp, msg, w[4], abef, cdgh;
	unsigned i;

	tmp = _mm_loadu_si128((const __m128i *)(const void *)&hs[0]);
	st1 = _mm_loadu_si128((const __m128i *)(const void *)&hs[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);       /* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1B);       /* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);       /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);    /* CDGH */
	for (; n; n--, p += 64) {
		abef = st0;
		cdgh = st1;
		for (i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)),
						mask);
		for (i = 0; i < 16; i++) {
			__m128i cur = w[i % 4];

			msg = _mm_add_epi32(cur, _mm_loadu_si128((const __m128i *)(const void *)&k[4 * i]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
			if (i >= 3 && i < 15) {
				tmp = _mm_alignr_epi8(cur, w[(i + 3) % 4], 4);
				w[(i + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(w[(i + 1) % 4], tmp), cur);
			}
			msg = _mm_shuffle_epi32(msg, 0x0E);
			st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
			if (i >= 1 && i < 13)
				w[(i + 3) % 4] = _mm_sha256msg1_epu32(w[(i + 3) % 4], cur);
		}
		st0 = _mm_add_epi32(st0, abef);
		st1 = _mm_add_epi32(st1, cdgh);
	}
	tmp = _mm_shuffle_epi32(st0, 0x1B);       /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);       /* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0);    /* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);       /* ABEF */
	_mm_storeu_si128((__m128i *)(void *)&hs[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&hs[4], st1);
}

static bool cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & (1u << 29)) != 0; /* CPUID.(EAX=7,ECX=0):EBX.SHA */
}
#endif

/* -1 = not chosen yet. The choice is idempotent, so a race between threads
 * only repeats it. */
static int use_shani = -1;

void np_sha256_use_portable(bool on)
{
#ifdef NP_SHA_NI
	use_shani = on ? 0 : cpu_has_shani();
#else
	(void)on;
#endif
}

static void blocks(struct np_sha256 *s, const unsigned char *p, size_t n)
{
#ifdef NP_SHA_NI
	if (use_shani < 0)
		use_shani = cpu_has_shani();
	if (use_shani) {
		blocks_shani(s->h, p, n);
		return;
	}
#endif
	blocks_portable(s->h, p, n);
}

void np_sha256_init(struct np_sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	unsigned i;

	for (i = 0; i < 8; i++)
		s->h[i] = iv[i];
	s->len = 0;
	s->fill = 0;
}

void np_sha256_update(struct np_sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	if (s->fill) {
		size_t take = 64 - s->fill < len ? 64 - s->fill : len;
		memcpy(s->buf + s->fill, p, take);
		s->fill += take;
		p += take;
		len -= take;
		if (s->fill < 64)
			return;
		blocks(s, s->buf, 1);
		s->fill = 0;
	}
	if (len >= 64) {
		blocks(s, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	if (len) {
		memcpy(s->buf, p, len);
		s->fill = len;
	}
}

void np_sha256_final(struct np_sha256 *s, char out_hex[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned long long bits = s->len * 8;
	unsigned i;

	s->buf[s->fill++] = 0x80;
	if (s->fill > 56) {
		memset(s->buf + s->fill, 0, 64 - s->fill);
		blocks(s, s->buf, 1);
		s->fill = 0;
	}
	memset(s->buf + s->fill, 0, 56 - s->fill);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	blocks(s, s->buf, 1);
	for (i = 0; i < 32; i++) {
		unsigned char byte = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
		out_hex[2 * i] = hex[byte >> 4];
		out_hex[2 * i + 1] = hex[byte & 15];
	}
	out_hex[64] = '\0';
}
