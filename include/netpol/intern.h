/* String interning: equal strings share one pointer, so labels and names
 * compare by pointer and are stored once. Hashing is seeded per process so
 * crafted keys cannot degrade the table. */
#ifndef NETPOL_INTERN_H
#define NETPOL_INTERN_H

#include <stddef.h>
#include "netpol/arena.h"

struct np_intern {
	struct np_arena strings;
	const char **slots;
	size_t cap, count;
	unsigned long long seed;
};

void np_intern_init(struct np_intern *t);
void np_intern_release(struct np_intern *t);
/* Returns the canonical copy (owned by t, valid until np_intern_release), NULL on ENOMEM.
 * s need not be NUL-terminated. */
const char *np_intern_n(struct np_intern *t, const char *s, size_t len);
const char *np_intern(struct np_intern *t, const char *s);

#endif
