/* check_addr_ntop.c - addr_ntop() and addr_fmt() give inet_ntop()'s text byte for byte. */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_main.h"

static void
same_as_libc(int family, const uint8_t *a)
{
	char want[INET6_ADDRSTRLEN], got[ADDR_NTOP_LEN];
	size_t n;

	ck_assert_ptr_nonnull(inet_ntop(family, a, want, sizeof(want)));
	n = addr_ntop(family, a, got);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(n, strlen(want));
}

/* A v6 address from eight words. */
static void
words(uint8_t a[16], const unsigned w[8])
{
	int i;

	for (i = 0; i < 8; i++) {
		a[2 * i] = (uint8_t)(w[i] >> 8);
		a[2 * i + 1] = (uint8_t)w[i];
	}
}

START_TEST(edges_v6)
{
	static const unsigned w[][8] = {
		{ 0, 0, 0, 0, 0, 0, 0, 0 },		/* :: */
		{ 0, 0, 0, 0, 0, 0, 0, 1 },		/* ::1 */
		{ 1, 0, 0, 0, 0, 0, 0, 0 },		/* 1:: */
		{ 0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201 },	/* mapped */
		{ 0, 0, 0, 0, 0, 0, 0xc000, 0x0201 },	/* compatible */
		{ 0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x0201 },
		{ 0, 0, 0, 0, 0, 0, 0, 0x0201 },
		{ 0, 0, 0, 0, 0, 0, 1, 0 },
		{ 0, 0, 0, 0, 0, 0xffff, 0, 0 },
		{ 0, 0, 0, 0, 0, 0xffff, 0, 1 },
		{ 0, 0, 0, 0, 1, 0xffff, 0xc000, 0x0201 },
		{ 0x2001, 0xdb8, 0, 0, 0, 0, 0, 1 },
		{ 0x2001, 0xdb8, 0, 0, 1, 0, 0, 1 },	/* tie: first run */
		{ 0x2001, 0xdb8, 0, 1, 0, 0, 0, 1 },	/* longer later */
		{ 0x2001, 0xdb8, 1, 0, 1, 0, 1, 0 },	/* single zeros */
		{ 0x2001, 0xdb8, 0x20, 0, 0, 0, 0, 0 },	/* trailing run */
		{ 0, 0, 1, 2, 3, 4, 5, 6 },
		{ 0, 1, 2, 3, 4, 5, 6, 7 },
		{ 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		    0xffff },
		{ 0xfe80, 0, 0, 0, 0x0200, 0x5eff, 0xfe00, 0x5301 },
		{ 0x10, 0x100, 0x1000, 0xabc, 0xf, 0xf0, 0xf00, 0xf000 },
	};
	uint8_t a[16];
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		words(a, w[i]);
		same_as_libc(AF_INET6, a);
	}
}
END_TEST

START_TEST(edges_v4)
{
	static const uint8_t v[][4] = {
		{ 0, 0, 0, 0 }, { 255, 255, 255, 255 }, { 192, 0, 2, 1 },
		{ 10, 0, 0, 100 }, { 1, 10, 100, 200 }, { 9, 99, 199, 255 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		same_as_libc(AF_INET, v[i]);
}
END_TEST

/* Mostly zero words, so runs of every length and place come up. */
START_TEST(random_v6)
{
	unsigned w[8];
	uint8_t a[16];
	int i, j, r;

	srandom(5952);
	for (i = 0; i < 200000; i++) {
		for (j = 0; j < 8; j++) {
			r = (int)(random() % 8);
			w[j] = r < 4 ? 0 : r == 4 ? 0xffff : r == 5 ?
			    (unsigned)(random() % 16) :
			    (unsigned)(random() & 0xffff);
		}
		words(a, w);
		same_as_libc(AF_INET6, a);
	}
}
END_TEST

START_TEST(random_v4)
{
	uint8_t a[4];
	int i, j;

	srandom(791);
	for (i = 0; i < 100000; i++) {
		for (j = 0; j < 4; j++)
			a[j] = (uint8_t)(random() % 3 == 0 ? random() % 10 :
			    random() & 0xff);
		same_as_libc(AF_INET, a);
	}
}
END_TEST

/* addr_fmt: "/len" for a prefix, snprintf's truncation for a short buffer. */
START_TEST(fmt_prefix_and_truncation)
{
	char want[ADDR_STRLEN + 8], got[ADDR_STRLEN + 8], t[INET6_ADDRSTRLEN];
	struct addr a;
	size_t len;
	int i, j;

	srandom(17);
	for (i = 0; i < 20000; i++) {
		memset(&a, 0, sizeof(a));
		a.family = i % 2 ? AF_INET : AF_INET6;
		for (j = 0; j < (a.family == AF_INET ? 4 : 16); j++)
			a.a[j] = (uint8_t)(random() % 4 == 0 ? random() & 0xff : 0);
		a.plen = (uint8_t)(random() % (addr_maxlen(a.family) + 1));
		inet_ntop(a.family, a.a, t, sizeof(t));
		len = (size_t)(random() % (sizeof(got) - 1)) + 1;
		if (addr_is_host(&a))
			snprintf(want, len, "%s", t);
		else
			snprintf(want, len, "%s/%u", t, a.plen);
		memset(got, 'x', sizeof(got));
		ck_assert_ptr_eq(addr_fmt(&a, got, len), got);
		ck_assert_str_eq(got, want);
	}
	a.family = 0;
	ck_assert_str_eq(addr_fmt(&a, got, sizeof(got)), "?");
	got[0] = 'x';
	addr_fmt(&a, got, 0);
	ck_assert_int_eq(got[0], 'x');
}
END_TEST

static Suite *
addr_ntop_suite(void)
{
	Suite *s = suite_create("addr_ntop");
	TCase *tc = tcase_create("addr_ntop");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, edges_v6);
	tcase_add_test(tc, edges_v4);
	tcase_add_test(tc, random_v6);
	tcase_add_test(tc, random_v4);
	tcase_add_test(tc, fmt_prefix_and_truncation);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(addr_ntop_suite)
