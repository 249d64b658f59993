/* hugeheap.c - grow the malloc heap once, ahead of a burst of small allocations, on transparent huge pages. */
#include <sys/mman.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "hugeheap.h"

#define HEAP_MAX	((size_t)1 << 30)
#define HUGE_SZ		((uintptr_t)2 * 1024 * 1024)
/* glibc's documented defaults, restored by hugeheap_release() */
#define DEF_THRESHOLD	(128 * 1024)

/* AddressSanitizer has its own allocator: leave the heap alone. */
#if defined(__SANITIZE_ADDRESS__)
#define PLAIN_HEAP	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PLAIN_HEAP	1
#endif
#endif

static void	*anchor;

void
hugeheap_reserve(size_t want)
{
	uintptr_t lo, hi;
	void *q;

#ifdef PLAIN_HEAP
	(void)want;
	return;
#endif
	if (anchor != NULL)
		return;
	if (want > HEAP_MAX)
		want = HEAP_MAX;
	if (mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 0 ||
	    mallopt(M_TRIM_THRESHOLD, (int)HEAP_MAX) == 0 ||
	    mallopt(M_TOP_PAD, (int)want) == 0)
		return;
	/*
	 * More than the heap's free top holds, so the heap grows by want
	 * after it.  Kept (never touched past its header) while the reserve
	 * is held: the range after it is the one marked.
	 */
	if ((q = malloc(2 * HUGE_SZ)) == NULL)
		return;
	anchor = q;
	lo = ((uintptr_t)q + 2 * HUGE_SZ + HUGE_SZ - 1) & ~(HUGE_SZ - 1);
	hi = (uintptr_t)sbrk(0);
	(void)mallopt(M_TOP_PAD, 0);
	/* Only if the block did come from the brk heap just below the break. */
	if (hi != (uintptr_t)-1 && hi > lo + HUGE_SZ &&
	    hi - lo <= want + 4 * HUGE_SZ)
		(void)madvise((void *)lo, (hi - lo) & ~(HUGE_SZ - 1),
		    MADV_HUGEPAGE);
}

void
hugeheap_release(void)
{
#ifdef PLAIN_HEAP
	return;
#endif
	if (anchor == NULL)
		return;
	free(anchor);
	anchor = NULL;
	(void)mallopt(M_MMAP_THRESHOLD, DEF_THRESHOLD);
	(void)mallopt(M_TRIM_THRESHOLD, DEF_THRESHOLD);
	(void)mallopt(M_TOP_PAD, DEF_THRESHOLD);
	(void)malloc_trim(0);
}
