/* Bump allocator. Blocks are calloc'ed, so memory handed out is already
 * zero; reset re-zeroes only the part of the kept block that was used.
 * Block sizes grow geometrically with the arena so a large document needs
 * few blocks, and an allocation larger than a quarter block gets a block of
 * its own placed behind the current one, so the current block's free tail
 * is not wasted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netpol/arena.h"

#define ALIGN 16u
#define FIRST_BLOCK (64u * 1024u)
#define MAX_BLOCK (16u * 1024u * 1024u)

struct np_arena_block {
	struct np_arena_block *next; /* older block */
	size_t cap;                  /* usable bytes after the header */
	size_t used;
	size_t first;                /* the arena's first block, kept by reset */
};

#define HDR ((sizeof(struct np_arena_block) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

static char *block_data(struct np_arena_block *b)
{
	return (char *)b + HDR;
}

void np_arena_init(struct np_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void np_arena_release(struct np_arena *a)
{
	struct np_arena_block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->used_total = 0;
}

void np_arena_reset(struct np_arena *a)
{
	struct np_arena_block *b, *next, *keep = NULL;

	if (!a || !a->head)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		if (b->first && !keep)
			keep = b;
		else
			free(b);
	}
	a->head = keep;
	a->used_total = 0;
	if (keep) {
		memset(block_data(keep), 0, keep->used);
		keep->used = 0;
		keep->next = NULL;
	}
}

static struct np_arena_block *block_new(size_t cap)
{
	struct np_arena_block *b;

	if (cap > SIZE_MAX - HDR)
		return NULL;
	b = calloc(1, HDR + cap);
	if (!b)
		return NULL;
	b->cap = cap;
	return b;
}

void *np_arena_alloc(struct np_arena *a, size_t size)
{
	struct np_arena_block *b = a->head;
	size_t cap;
	char *p;

	if (size == 0)
		size = 1;
	/* No object may exceed PTRDIFF_MAX; checking that also rules out wrap-around. */
	if (size > (size_t)PTRDIFF_MAX - (ALIGN - 1) - HDR)
		return NULL;
	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (b && b->cap - b->used >= size) {
		p = block_data(b) + b->used;
		b->used += size;
		a->used_total += size;
		return p;
	}

	cap = a->used_total < FIRST_BLOCK ? FIRST_BLOCK : a->used_total;
	if (cap > MAX_BLOCK)
		cap = MAX_BLOCK;
	if (b && size > cap / 4) {
		/* A big allocation gets its own block behind the current one. */
		struct np_arena_block *big = block_new(size);

		if (!big)
			return NULL;
		big->used = size;
		big->next = b->next;
		b->next = big;
		a->used_total += size;
		return block_data(big);
	}
	if (size > cap)
		cap = size;
	b = block_new(cap);
	if (!b)
		return NULL;
	b->first = a->head == NULL;
	b->next = a->head;
	a->head = b;
	b->used = size;
	a->used_total += size;
	return block_data(b);
}

char *np_arena_strndup(struct np_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = np_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
