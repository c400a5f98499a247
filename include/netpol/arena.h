/* Bump allocator: many small allocations freed at once. Used for document
 * trees (one arena per document) and for the model's string pool. */
#ifndef NETPOL_ARENA_H
#define NETPOL_ARENA_H

#include <stddef.h>

struct np_arena_block;

struct np_arena {
	struct np_arena_block *head;
	size_t used_total; /* bytes handed out, for limits */
};

void np_arena_init(struct np_arena *a);
/* Frees every block; the arena can be reused after. */
void np_arena_release(struct np_arena *a);
/* Keeps the first block, drops the rest: cheap reuse between documents. */
void np_arena_reset(struct np_arena *a);
/* Returns zeroed, 16-aligned memory owned by the arena, or NULL on ENOMEM/overflow. */
void *np_arena_alloc(struct np_arena *a, size_t size);
/* Copies len bytes and adds a NUL. Owned by the arena. */
char *np_arena_strndup(struct np_arena *a, const char *s, size_t len);

#endif
