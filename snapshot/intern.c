/* Interned strings live in the table's arena with a 16-byte header in front
 * (length and hash), so lookups compare lengths and hashes before bytes,
 * growing never rehashes string contents, and strings may contain NUL. The
 * table is open addressing with linear probing, grown at 5/8 load. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "netpol/intern.h"
#include "hash.h"

struct str_hdr {
	size_t len;
	uint64_t hash;
};

#define STR_HDR 16u

static uint64_t process_seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void draw_seed(void)
{
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)(uintptr_t)&s ^ ((uint64_t)getpid() << 32);
	}
	process_seed = s;
}

uint64_t np_hash_seed(void)
{
	pthread_once(&seed_once, draw_seed);
	return process_seed;
}

static const struct str_hdr *hdr_of(const char *s)
{
	return (const struct str_hdr *)(const void *)(s - STR_HDR);
}

void np_intern_init(struct np_intern *t)
{
	np_arena_init(&t->strings);
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
	t->seed = np_hash_seed();
}

void np_intern_release(struct np_intern *t)
{
	if (!t)
		return;
	np_arena_release(&t->strings);
	free((void *)t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
}

static uint64_t hash_of(const struct np_intern *t, const char *s, size_t len)
{
	return np_hash(t->seed, 0x5bd1e9955bd1e995ULL, s, len);
}

static int grow(struct np_intern *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64, i;
	const char **ns;

	if (ncap < t->cap || ncap > SIZE_MAX / sizeof(*ns))
		return -1;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return -1;
	for (i = 0; i < t->cap; i++) {
		const char *s = t->slots[i];
		size_t j;

		if (!s)
			continue;
		j = (size_t)hdr_of(s)->hash & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = s;
	}
	free((void *)t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

const char *np_intern_n(struct np_intern *t, const char *s, size_t len)
{
	uint64_t h;
	size_t i;
	char *mem;
	struct str_hdr *hdr;

	if (!s && len)
		return NULL;
	if ((t->count + 1) * 8 > t->cap * 5 && grow(t) < 0)
		return NULL;
	h = hash_of(t, s ? s : "", len);
	for (i = (size_t)h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		const char *c = t->slots[i];
		const struct str_hdr *ch = hdr_of(c);

		if (ch->hash == h && ch->len == len && (len == 0 || memcmp(c, s, len) == 0))
			return c;
	}
	if (len > SIZE_MAX - STR_HDR - 1)
		return NULL;
	mem = np_arena_alloc(&t->strings, STR_HDR + len + 1);
	if (!mem)
		return NULL;
	hdr = (struct str_hdr *)(void *)mem;
	hdr->len = len;
	hdr->hash = h;
	if (len)
		memcpy(mem + STR_HDR, s, len);
	mem[STR_HDR + len] = '\0';
	t->slots[i] = mem + STR_HDR;
	t->count++;
	return mem + STR_HDR;
}

const char *np_intern(struct np_intern *t, const char *s)
{
	if (!s)
		return NULL;
	return np_intern_n(t, s, strlen(s));
}
