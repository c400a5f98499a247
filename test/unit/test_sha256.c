/* SHA-256: FIPS 180-4 / NIST CAVP vectors, padding boundaries and
 * incremental updates. Expected digests from `sha256sum` or the standard. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netpol/snapshot.h"
#include "../../snapshot/sha256_priv.h"

static void digest(const void *data, size_t len, char out[65])
{
	struct np_sha256 s;

	np_sha256_init(&s);
	np_sha256_update(&s, data, len);
	np_sha256_final(&s, out);
}

static void test_empty_input(void **state)
{
	char hex[65];

	(void)state;
	digest("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	char hex[65];

	(void)state;
	digest("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_two_block_message(void **state)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[65];

	(void)state;
	digest(msg, strlen(msg), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bit_message(void **state)
{
	static const char msg[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
				  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char hex[65];

	(void)state;
	digest(msg, strlen(msg), hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a_in_uneven_chunks(void **state)
{
	struct np_sha256 s;
	char chunk[997], hex[65];
	size_t left = 1000000;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	np_sha256_init(&s);
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		np_sha256_update(&s, chunk, n);
		left -= n;
	}
	np_sha256_final(&s, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the 55/56-byte padding edge and block multiples
 * (head -c N /dev/zero | tr '\0' a | sha256sum). */
static void test_padding_boundaries(void **state)
{
	static const struct { size_t n; const char *hex; } v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	};
	char buf[128], hex[65];
	size_t i;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		digest(buf, v[i].n, hex);
		assert_string_equal(hex, v[i].hex);
	}
}

static void test_byte_at_a_time_equals_one_shot(void **state)
{
	unsigned char data[300];
	char one[65], many[65];
	struct np_sha256 s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	digest(data, sizeof(data), one);
	np_sha256_init(&s);
	for (i = 0; i < sizeof(data); i++)
		np_sha256_update(&s, data + i, 1);
	np_sha256_final(&s, many);
	assert_string_equal(one, many);
}

static void digest_chunked(const unsigned char *data, size_t len, char out[65])
{
	struct np_sha256 s;
	size_t off = 0, step = 1;

	np_sha256_init(&s);
	while (off < len) {
		size_t n = len - off < step ? len - off : step;

		np_sha256_update(&s, data + off, n);
		off += n;
		step = step * 3 + 1; /* uneven chunks, some spanning many blocks */
	}
	np_sha256_final(&s, out);
}

/* The accelerated compression function (SHA-NI where the CPU has it) and
 * the portable one give the same digests on data of every alignment. */
static void test_portable_and_accelerated_agree(void **state)
{
	static unsigned char data[1 << 20];
	char fast[65], slow[65];
	uint32_t x = 2463534242u;
	size_t i, lens[] = { 0, 1, 63, 64, 65, 1000, 4096 + 7, sizeof(data) - 3 };

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		np_sha256_use_portable(false);
		digest_chunked(data + (i & 3), lens[i], fast);
		np_sha256_use_portable(true);
		digest_chunked(data + (i & 3), lens[i], slow);
		assert_string_equal(fast, slow);
	}
	np_sha256_use_portable(false);
}

/* The standard vectors hold for the portable code too. */
static void test_portable_matches_vectors(void **state)
{
	char hex[65];

	np_sha256_use_portable(true);
	digest("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	test_million_a_in_uneven_chunks(state);
	np_sha256_use_portable(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_two_block_message),
		cmocka_unit_test(test_896_bit_message),
		cmocka_unit_test(test_million_a_in_uneven_chunks),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_byte_at_a_time_equals_one_shot),
		cmocka_unit_test(test_portable_and_accelerated_agree),
		cmocka_unit_test(test_portable_matches_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
