/* arena.c - the many small strings and arrays of one policy model in a few blocks, freed at once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bigalloc.h"

/*
 * A 100,000-flow policy has 400,000 strings and port lists of a few bytes
 * each; from malloc they take 32 bytes apiece, 13 MB of heap touched page
 * by page, and a free() each.  Here they take their size in blocks that
 * grow by doubling (bigalloc.h: the large ones on huge pages).
 */

#define ARENA_MIN	((size_t)4096)
#define ARENA_MAX	((size_t)64 * 1024 * 1024)

struct arena_blk {
	struct arena_blk *next;
	size_t		 used, cap;
	_Alignas(16) unsigned char data[];
};

void
arena_init(struct arena *a, size_t hint)
{
	a->blk = NULL;
	a->next = hint < ARENA_MIN ? ARENA_MIN : hint > ARENA_MAX ?
	    ARENA_MAX : hint;
}

void *
arena_alloc(struct arena *a, size_t n, size_t align)
{
	struct arena_blk *b = a->blk;
	size_t off, cap;

	if (align == 0 || (align & (align - 1)) != 0 || align > 16)
		return NULL;
	if (n == 0)
		n = 1;		/* a distinct pointer that arena_owns() knows */
	if (b != NULL) {
		off = (b->used + align - 1) & ~(align - 1);
		if (off <= b->cap && n <= b->cap - off) {
			b->used = off + n;
			return b->data + off;
		}
	}
	if (a->next < ARENA_MIN)
		a->next = ARENA_MIN;
	cap = a->next;
	if (n > cap)
		cap = n;
	if (cap > SIZE_MAX - sizeof(*b) ||
	    (b = big_malloc(sizeof(*b) + cap)) == NULL)
		return NULL;
	b->cap = cap;
	b->used = n;
	b->next = a->blk;
	a->blk = b;
	if (a->next < ARENA_MAX)
		a->next *= 2;
	return b->data;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	size_t align = 1;
	void *v;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	while (align < 16 && align < size && size % (align * 2) == 0)
		align *= 2;
	if ((v = arena_alloc(a, n * size, align)) != NULL)
		memset(v, 0, n * size);
	return v;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *v;

	if ((v = arena_alloc(a, n, 1)) != NULL)
		memcpy(v, s, n);
	return v;
}

bool
arena_owns(const struct arena *a, const void *v)
{
	const struct arena_blk *b;
	uintptr_t p = (uintptr_t)v;

	if (a == NULL || v == NULL)
		return false;
	for (b = a->blk; b != NULL; b = b->next)
		if (p >= (uintptr_t)b->data && p < (uintptr_t)b->data + b->cap)
			return true;
	return false;
}

void
arena_free(struct arena *a)
{
	struct arena_blk *b, *nb;

	if (a == NULL)
		return;
	for (b = a->blk; b != NULL; b = nb) {
		nb = b->next;
		free(b);
	}
	a->blk = NULL;
}
