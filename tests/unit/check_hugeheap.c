/* check_hugeheap.c - unit tests of hugeheap: the reserved heap is marked for huge pages, serves small blocks, and goes back on release. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "hugeheap.h"

#define MB	((size_t)1024 * 1024)

#if !defined(__SANITIZE_ADDRESS__)
/* The largest mapping whose VmFlags carry "hg" (MADV_HUGEPAGE), or 0-0. */
static void
marked_range(uintptr_t *mlo, uintptr_t *mhi)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long lo = 0, hi = 0;

	*mlo = *mhi = 0;
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		/* a mapping's first line; "AnonHugePages:" stops at 'n' */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			continue;
		if (strncmp(line, "VmFlags:", 8) == 0 &&
		    strstr(line, " hg") != NULL && hi - lo > *mhi - *mlo) {
			*mlo = lo;
			*mhi = hi;
		}
	}
	fclose(f);
}

/* n blocks of sz bytes, written; all inside the marked range? */
static void **
fill(size_t n, size_t sz)
{
	void **v = calloc(n, sizeof(*v));
	size_t i;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(v[i] = malloc(sz));
		memset(v[i], (int)i, sz);
	}
	return v;
}

static void
drop(void **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
#endif

/* The heap after the reserve is marked, and small blocks come from it. */
START_TEST(marked)
{
#if !defined(__SANITIZE_ADDRESS__)
	void **v;
	size_t n = 100000, i, inside = 0;
	uintptr_t lo, hi;

	hugeheap_reserve(64 * MB);
	marked_range(&lo, &hi);
	ck_assert_uint_ge(hi - lo, 32 * MB);
	v = fill(n, 200);
	for (i = 0; i < n; i++)
		inside += (uintptr_t)v[i] >= lo && (uintptr_t)v[i] < hi;
	/* the first few may fill the free heap below the reserve */
	ck_assert_uint_ge(inside, n * 9 / 10);
	drop(v, n);
#endif
}
END_TEST

/* Held: freed blocks keep the heap; released: it shrinks back. */
START_TEST(released)
{
#if !defined(__SANITIZE_ADDRESS__)
	void **v;
	size_t n = 100000;
	uintptr_t top, held, after;

	hugeheap_reserve(64 * MB);
	v = fill(n, 400);	/* ~40 MB */
	top = (uintptr_t)sbrk(0);
	drop(v, n);
	held = (uintptr_t)sbrk(0);
	ck_assert_uint_eq(held, top);
	hugeheap_release();
	after = (uintptr_t)sbrk(0);
	ck_assert_uint_lt(after + 32 * MB, held);
#endif
}
END_TEST

/* A second reserve while one is held does not grow the heap again. */
START_TEST(once)
{
#if !defined(__SANITIZE_ADDRESS__)
	uintptr_t a, b;

	hugeheap_reserve(16 * MB);
	a = (uintptr_t)sbrk(0);
	hugeheap_reserve(16 * MB);
	b = (uintptr_t)sbrk(0);
	ck_assert_uint_eq(a, b);
	hugeheap_release();
	hugeheap_release();		/* nothing held: a no-op */
#endif
}
END_TEST

static Suite *
hugeheap_suite(void)
{
	Suite *s = suite_create("hugeheap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, marked);
	tcase_add_test(tc, released);
	tcase_add_test(tc, once);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(hugeheap_suite)
