/* hugemem.h - zeroed memory for large tables, backed by transparent huge pages where the kernel allows. */
#ifndef BUNRI_HUGEMEM_H
#define BUNRI_HUGEMEM_H

#include <stddef.h>

/*
 * n zeroed bytes, or NULL.  From HUGEMEM_MIN up the memory is its own
 * anonymous map, aligned to 2 MiB and marked MADV_HUGEPAGE: a table
 * filled at random (the flow table, held alerts) then costs one page
 * fault per 2 MiB instead of one per 4 KiB, which matters where faults
 * are dear (virtual machines).  Pages are still only made resident when
 * touched.  Smaller sizes, and builds with AddressSanitizer (which must
 * see the bounds), use calloc.
 */
#define HUGEMEM_MIN	(1024 * 1024)

void	*hugemem_alloc(size_t n);
/* n as given to hugemem_alloc; NULL is a no-op. */
void	 hugemem_free(void *, size_t n);

#endif
