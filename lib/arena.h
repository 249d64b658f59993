/* arena.h - the many small strings and arrays of one policy model in a few blocks, freed at once. */
#ifndef BUNRI_ARENA_H
#define BUNRI_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_blk;

struct arena {
	struct arena_blk *blk;		/* newest first */
	size_t		 next;		/* size of the next block */
};

/* An empty arena whose first block will hold about hint bytes. */
void	 arena_init(struct arena *, size_t hint);
/* n bytes aligned to align (a power of two), or NULL; never freed alone. */
void	*arena_alloc(struct arena *, size_t n, size_t align);
/* n zeroed elements of size bytes, aligned for them. */
void	*arena_calloc(struct arena *, size_t n, size_t size);
char	*arena_strdup(struct arena *, const char *);
/* Does v point into one of the arena's blocks?  NULL arena: no. */
bool	 arena_owns(const struct arena *, const void *v);
/* Frees every block; the arena is then empty (NULL: no-op). */
void	 arena_free(struct arena *);

#endif
