/* bigalloc.h - large arrays the loader fills at once, on transparent huge pages, freed by free(). */
#ifndef BUNRI_BIGALLOC_H
#define BUNRI_BIGALLOC_H

#include <stddef.h>

/*
 * Like malloc() and calloc(), and free() takes the memory back (so does
 * realloc()).  From BIGALLOC_MIN up the block is aligned to 2 MiB and
 * marked MADV_HUGEPAGE before it is touched: filling it then costs one
 * page fault per 2 MiB instead of one per 4 KiB.  In this kind of virtual
 * machine a fault costs about 8 us, so the 29 MB of flows of a 100,000-flow
 * policy took 60 ms in faults alone, and take 6 ms so.  Unlike hugemem.h
 * (its own maps, its own free), these stay ordinary heap blocks, because
 * the model's arrays are freed and grown by code that knows only free()
 * and realloc().
 */
#define BIGALLOC_MIN	(2 * 1024 * 1024)

void	*big_malloc(size_t n);
void	*big_calloc(size_t n, size_t size);

#endif
