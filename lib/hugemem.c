/* hugemem.c - zeroed memory for large tables, backed by transparent huge pages where the kernel allows. */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>

#include "hugemem.h"

#define HUGE_SZ	((size_t)2 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define HUGEMEM_PLAIN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUGEMEM_PLAIN	1
#endif
#endif

static size_t
map_len(size_t n)
{
	return (n + HUGE_SZ - 1) & ~(HUGE_SZ - 1);
}

static int
use_map(size_t n)
{
#ifdef HUGEMEM_PLAIN
	(void)n;
	return 0;
#else
	return n >= HUGEMEM_MIN && n <= SIZE_MAX - 2 * HUGE_SZ;
#endif
}

void *
hugemem_alloc(size_t n)
{
	size_t len, head;
	uint8_t *m;

	if (!use_map(n))
		return calloc(1, n != 0 ? n : 1);
	len = map_len(n);
	/* Map one huge page more than needed and trim it to the alignment. */
	m = mmap(NULL, len + HUGE_SZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	head = (HUGE_SZ - ((uintptr_t)m & (HUGE_SZ - 1))) & (HUGE_SZ - 1);
	if (head != 0)
		(void)munmap(m, head);
	(void)munmap(m + head + len, HUGE_SZ - head);
	m += head;
	/* Only a hint: without THP the map works with small pages. */
	(void)madvise(m, len, MADV_HUGEPAGE);
	return m;
}

void
hugemem_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	if (!use_map(n)) {
		free(p);
		return;
	}
	(void)munmap(p, map_len(n));
}
