/* bigalloc.c - large arrays the loader fills at once, on transparent huge pages, freed by free(). */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigalloc.h"

#define HUGE_SZ	((size_t)2 * 1024 * 1024)

void *
big_malloc(size_t n)
{
	void *m;

	if (n < BIGALLOC_MIN || n > SIZE_MAX - HUGE_SZ)
		return malloc(n != 0 ? n : 1);
	/* glibc maps such a block on its own; free() and realloc() know it. */
	if ((m = aligned_alloc(HUGE_SZ, (n + HUGE_SZ - 1) & ~(HUGE_SZ - 1))) ==
	    NULL)
		return malloc(n);
	/* Only a hint: without THP the block works with small pages. */
	(void)madvise(m, (n + HUGE_SZ - 1) & ~(HUGE_SZ - 1), MADV_HUGEPAGE);
	return m;
}

void *
big_calloc(size_t n, size_t size)
{
	void *m;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	if (n * size < BIGALLOC_MIN)
		return calloc(n != 0 ? n : 1, size != 0 ? size : 1);
	if ((m = big_malloc(n * size)) != NULL)
		memset(m, 0, n * size);
	return m;
}
