/* check_diag.c - unit tests of the bounded diagnostics list and its printing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "diag.h"

/* Everything diags_print writes, as one string (caller frees). */
static char *
printed(const struct diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	diags_print(d, fp);
	fclose(fp);
	return buf;
}

START_TEST(add_and_print)
{
	struct diags d;
	char *out;

	diags_init(&d);
	ck_assert(!diags_has_errors(&d));
	diag_add(&d, DIAG_ERROR, "bunri.conf", 8,
	    "unknown setting \"%s\" in zones[%d]", "interface", 1);
	diag_add(&d, DIAG_WARNING, "bunri.conf", 0, "flows: %s", "empty");
	diag_add(&d, DIAG_ERROR, NULL, 3, "no file");
	ck_assert(diags_has_errors(&d));
	ck_assert_uint_eq(d.n, 3);
	ck_assert_uint_eq(d.nerrors, 2);
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_uint_eq(d.dropped, 0);
	ck_assert(diags_contain(&d, DIAG_ERROR, "\"interface\" in zones[1]"));
	ck_assert(!diags_contain(&d, DIAG_WARNING, "interface"));
	ck_assert(diags_contain(&d, DIAG_WARNING, "empty"));

	out = printed(&d);
	ck_assert_str_eq(out,
	    "bunri.conf:8: error: unknown setting \"interface\" in zones[1]\n"
	    "bunri.conf: warning: flows: empty\n"
	    "-:3: error: no file\n");
	free(out);
	diags_free(&d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(d.v);
	/* Freeing twice (or an empty list) is harmless. */
	diags_free(&d);
}
END_TEST

START_TEST(only_warnings)
{
	struct diags d;

	diags_init(&d);
	diag_add(&d, DIAG_WARNING, "a.conf", 1, "w");
	ck_assert(!diags_has_errors(&d));
	ck_assert_uint_eq(d.nwarnings, 1);
	diags_free(&d);
}
END_TEST

START_TEST(bounded)
{
	struct diags d;
	char *out, *last;
	int i;

	diags_init(&d);
	for (i = 0; i < 10000; i++)
		diag_add(&d, i % 4 == 0 ? DIAG_WARNING : DIAG_ERROR,
		    "big.conf", i + 1, "message %d", i);
	ck_assert_uint_eq(d.n, DIAG_MAX);
	ck_assert_uint_le(d.cap, DIAG_MAX);
	ck_assert_uint_eq(d.nerrors, 7500);
	ck_assert_uint_eq(d.nwarnings, 2500);
	ck_assert_uint_eq(d.dropped, 10000 - DIAG_MAX);
	ck_assert(diags_has_errors(&d));
	/* The first ones are kept, the later ones only counted. */
	ck_assert(diags_contain(&d, DIAG_WARNING, "message 0"));
	ck_assert(diags_contain(&d, DIAG_ERROR, "message 199"));
	ck_assert(!diags_contain(&d, DIAG_ERROR, "message 200"));

	out = printed(&d);
	ck_assert(strncmp(out, "big.conf:1: warning: message 0\n", 31) == 0);
	/* DIAG_MAX message lines plus the summary line. */
	{
		size_t nl = 0;
		const char *p;

		for (p = out; *p; p++)
			nl += *p == '\n';
		ck_assert_uint_eq(nl, DIAG_MAX + 1);
	}
	last = strrchr(out, '\n');
	*last = '\0';
	last = strrchr(out, '\n') + 1;
	ck_assert_str_eq(last, "big.conf: error: 9800 more messages not shown "
	    "(7500 errors, 2500 warnings in all); fix the ones above first");
	free(out);
	diags_free(&d);
}
END_TEST

START_TEST(sort_stable)
{
	struct diags d;
	char *out;

	diags_init(&d);
	diag_add(&d, DIAG_ERROR, "main.conf", 30, "m30");
	diag_add(&d, DIAG_ERROR, "inc.conf", 5, "i5");
	diag_add(&d, DIAG_WARNING, "main.conf", 2, "m2");
	diag_add(&d, DIAG_ERROR, "main.conf", 30, "m30b");
	diag_add(&d, DIAG_ERROR, "inc.conf", 1, "i1");
	diag_add(&d, DIAG_ERROR, "main.conf", 0, "m0");
	diag_add(&d, DIAG_ERROR, NULL, 4, "n4");
	diag_add(&d, DIAG_ERROR, "main.conf", 30, "m30c");
	diags_sort(&d);
	out = printed(&d);
	/* Files in order of first appearance; equal lines keep their order. */
	ck_assert_str_eq(out,
	    "main.conf: error: m0\n"
	    "main.conf:2: warning: m2\n"
	    "main.conf:30: error: m30\n"
	    "main.conf:30: error: m30b\n"
	    "main.conf:30: error: m30c\n"
	    "inc.conf:1: error: i1\n"
	    "inc.conf:5: error: i5\n"
	    "-:4: error: n4\n");
	free(out);
	diags_free(&d);
}
END_TEST

START_TEST(long_message)
{
	struct diags d;
	char *big = malloc(100000);

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 99999);
	big[99999] = '\0';
	diags_init(&d);
	diag_add(&d, DIAG_ERROR, "f", 1, "%s", big);
	ck_assert_uint_eq(strlen(d.v[0].msg), 99999);
	ck_assert_str_eq(d.v[0].file, "f");
	free(big);
	diags_free(&d);
}
END_TEST

static Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, add_and_print);
	tcase_add_test(tc, only_warnings);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, sort_stable);
	tcase_add_test(tc, long_message);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(diag_suite)
