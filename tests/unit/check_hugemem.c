/* check_hugemem.c - unit tests of hugemem: zeroed, writable, aligned when mapped, freed by size. */
#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "hugemem.h"

/* Every byte zero at first, every byte writable, read back as written. */
static void
fill_and_check(size_t n)
{
	uint8_t *p = hugemem_alloc(n);
	size_t i, nonzero = 0, wrong = 0;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		nonzero += p[i] != 0;
	ck_assert_uint_eq(nonzero, 0);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < n; i++)
		wrong += p[i] != (uint8_t)(i * 7 + 3);
	ck_assert_uint_eq(wrong, 0);
	hugemem_free(p, n);
}

START_TEST(small_sizes)
{
	fill_and_check(1);
	fill_and_check(4096);
	fill_and_check(HUGEMEM_MIN - 1);
	/* zero bytes is still a pointer that free accepts */
	hugemem_free(hugemem_alloc(0), 0);
	hugemem_free(NULL, 0);
	hugemem_free(NULL, HUGEMEM_MIN);
}
END_TEST

START_TEST(large_sizes)
{
	fill_and_check(HUGEMEM_MIN);
	fill_and_check(3 * 1024 * 1024 + 17);	/* not a multiple of 2 MiB */
	fill_and_check(8 * 1024 * 1024);
}
END_TEST

/* Mapped memory starts on a 2 MiB boundary (unless ASan made it calloc). */
START_TEST(aligned)
{
#if !defined(__SANITIZE_ADDRESS__)
	size_t n = 5 * 1024 * 1024;
	void *p[4];
	int i;

	for (i = 0; i < 4; i++) {
		p[i] = hugemem_alloc(n);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uintptr_t)p[i] & (2 * 1024 * 1024 - 1), 0);
	}
	for (i = 0; i < 4; i++)
		hugemem_free(p[i], n);
#endif
}
END_TEST

#if !defined(__SANITIZE_ADDRESS__)
static long
vsize(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = -1;

	if (f != NULL) {
		if (fscanf(f, "%ld", &size) != 1)
			size = -1;
		fclose(f);
	}
	return size * 4096;
}
#endif

/*
 * Freed maps go back whole (the head and tail trimmed for the alignment
 * included): the address space does not grow over many rounds.  ASan
 * builds use calloc, whose memory ASan keeps in quarantine: not checked.
 */
START_TEST(reuse)
{
#if !defined(__SANITIZE_ADDRESS__)
	size_t n = 64 * 1024 * 1024 + 4096;
	long before, after;
	uint8_t *p;
	int i;

	before = vsize();
	ck_assert_int_gt(before, 0);
	for (i = 0; i < 200; i++) {
		p = hugemem_alloc(n);
		ck_assert_ptr_nonnull(p);
		p[0] = 1;
		p[n - 1] = 1;
		hugemem_free(p, n);
	}
	after = vsize();
	ck_assert_int_le(after, before + 4 * 1024 * 1024);
#endif
}
END_TEST

static Suite *
hugemem_suite(void)
{
	Suite *s = suite_create("hugemem");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, small_sizes);
	tcase_add_test(tc, large_sizes);
	tcase_add_test(tc, aligned);
	tcase_add_test(tc, reuse);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(hugemem_suite)
