/* hugeheap.h - grow the malloc heap once, ahead of a burst of small allocations, on transparent huge pages. */
#ifndef BUNRI_HUGEHEAP_H
#define BUNRI_HUGEHEAP_H

#include <stddef.h>

/*
 * Loading a policy and compiling it into libnftnl objects makes tens of
 * thousands of small allocations (libconfig's tree, libnftnl's set
 * elements), each one fresh heap: in a virtual machine a 4 KiB page fault
 * costs 8-14 us, so a 10,000-flow start spent ~50 ms in faults alone.
 * hugeheap_reserve() grows the heap once by about `want` bytes and marks
 * that range MADV_HUGEPAGE (one fault per 2 MiB); blocks under 32 MiB then
 * come from it and it is not trimmed.  Only a hint: without THP it is
 * ordinary heap, resident only where touched.  A second call while a
 * reserve is held does nothing.  Under AddressSanitizer (its own
 * allocator) both calls do nothing.
 */
void	hugeheap_reserve(size_t want);

/*
 * For a long-running process once the burst is over: malloc's defaults
 * back (dynamic mmap threshold excepted) and the free heap returned to
 * the kernel.  The marked range stays marked.
 */
void	hugeheap_release(void);

#endif
