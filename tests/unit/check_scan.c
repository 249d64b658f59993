/* check_scan.c - unit tests of the scan detector. */
#include <sys/socket.h>

#include <check.h>
#include <string.h>

#include "addr.h"
#include "check_main.h"
#include "scan.h"

#define SEC	1000000ULL

static struct addr
A(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(s, &a), ADDR_OK);
	return a;
}

/* 203.0.113.i, or 2001:db8:ff::i for v6 */
static struct addr
host(unsigned i, bool v6)
{
	struct addr a = v6 ? A("2001:db8:ff::") : A("203.0.113.0");

	if (v6) {
		a.a[14] = (uint8_t)(i >> 8);
		a.a[15] = (uint8_t)i;
	} else
		a.a[3] = (uint8_t)i;
	return a;
}

START_TEST(ports_at_and_above)
{
	struct scan *sc = scan_new(5, 100, 10 * SEC, 16);
	struct addr src = A("198.51.100.7"), dst = A("192.0.2.10");
	struct scan_stats st;
	int p;

	ck_assert_ptr_nonnull(sc);
	/* exactly 5 distinct ports, some repeated: not a scan */
	for (p = 1; p <= 5; p++) {
		ck_assert_int_eq(scan_observe(sc, &src, &dst, p, SEC), SCAN_NONE);
		ck_assert_int_eq(scan_observe(sc, &src, &dst, p, SEC), SCAN_NONE);
	}
	/* the 6th distinct port is one more than allowed */
	ck_assert_int_eq(scan_observe(sc, &src, &dst, 6, 2 * SEC), SCAN_PORTS);
	/* reported once per window */
	for (p = 7; p < 100; p++)
		ck_assert_int_eq(scan_observe(sc, &src, &dst, p, 3 * SEC),
		    SCAN_NONE);
	scan_stats(sc, &st);
	ck_assert_uint_eq(st.detections, 1);
	ck_assert_uint_eq(st.sources, 1);
	/* 6 ports and 1 host remembered, not 99 */
	ck_assert_uint_eq(st.values, 7);
	scan_free(sc);
	scan_free(NULL);
}
END_TEST

START_TEST(hosts_at_and_above)
{
	struct scan *sc = scan_new(100, 3, 10 * SEC, 16);
	struct addr src = A("2001:db8:10::a"), d;
	unsigned i;

	for (i = 1; i <= 3; i++) {
		d = host(i, true);
		ck_assert_int_eq(scan_observe(sc, &src, &d, 445, SEC), SCAN_NONE);
	}
	d = host(1, true);
	ck_assert_int_eq(scan_observe(sc, &src, &d, 445, SEC), SCAN_NONE);
	d = host(4, true);
	ck_assert_int_eq(scan_observe(sc, &src, &d, 445, SEC), SCAN_HOSTS);
	d = host(5, true);
	ck_assert_int_eq(scan_observe(sc, &src, &d, 445, SEC), SCAN_NONE);
	scan_free(sc);

	/* portless packets count toward hosts only */
	sc = scan_new(1, 1, 10 * SEC, 16);
	src = A("198.51.100.7");
	d = host(1, false);
	ck_assert_int_eq(scan_observe(sc, &src, &d, SCAN_NO_PORT, SEC), SCAN_NONE);
	ck_assert_int_eq(scan_observe(sc, &src, &d, SCAN_NO_PORT, SEC), SCAN_NONE);
	d = host(2, false);
	ck_assert_int_eq(scan_observe(sc, &src, &d, SCAN_NO_PORT, SEC), SCAN_HOSTS);
	scan_free(sc);
}
END_TEST

START_TEST(both_at_once)
{
	struct scan *sc = scan_new(1, 1, 10 * SEC, 4);
	struct addr src = A("198.51.100.7"), d1 = host(1, false), d2 = host(2, false);

	ck_assert_int_eq(scan_observe(sc, &src, &d1, 80, SEC), SCAN_NONE);
	ck_assert_int_eq(scan_observe(sc, &src, &d2, 81, SEC), SCAN_BOTH);
	scan_free(sc);
}
END_TEST

START_TEST(window_restart)
{
	struct scan *sc = scan_new(3, 100, 10 * SEC, 16);
	struct addr src = A("198.51.100.7"), dst = A("192.0.2.10");
	int p;

	/* 3 ports at 0 s, 3 more at 10 s: each window has only 3 */
	for (p = 1; p <= 3; p++)
		ck_assert_int_eq(scan_observe(sc, &src, &dst, p, 0), SCAN_NONE);
	for (p = 4; p <= 6; p++)
		ck_assert_int_eq(scan_observe(sc, &src, &dst, p, 10 * SEC),
		    SCAN_NONE);
	/* still the window that started at 10 s: 4th distinct port */
	ck_assert_int_eq(scan_observe(sc, &src, &dst, 1, 19 * SEC), SCAN_PORTS);
	ck_assert_int_eq(scan_observe(sc, &src, &dst, 2, 19 * SEC), SCAN_NONE);
	/* a new window: reported again when it is passed again */
	for (p = 1; p <= 3; p++)
		ck_assert_int_eq(scan_observe(sc, &src, &dst, p, 20 * SEC),
		    SCAN_NONE);
	/* time stepping back stays in the window */
	ck_assert_int_eq(scan_observe(sc, &src, &dst, 4, 19 * SEC), SCAN_PORTS);
	scan_free(sc);
}
END_TEST

START_TEST(sources_apart)
{
	struct scan *sc = scan_new(2, 100, 10 * SEC, 16);
	struct addr a = A("198.51.100.7"), b = A("198.51.100.8");
	struct addr a6 = A("2001:db8::7"), dst = A("192.0.2.10");

	/* two sources with two ports each: neither scans */
	ck_assert_int_eq(scan_observe(sc, &a, &dst, 1, SEC), SCAN_NONE);
	ck_assert_int_eq(scan_observe(sc, &b, &dst, 2, SEC), SCAN_NONE);
	ck_assert_int_eq(scan_observe(sc, &a, &dst, 3, SEC), SCAN_NONE);
	ck_assert_int_eq(scan_observe(sc, &b, &dst, 4, SEC), SCAN_NONE);
	/* family mismatch is ignored, not counted */
	ck_assert_int_eq(scan_observe(sc, &a6, &dst, 5, SEC), SCAN_NONE);
	ck_assert_int_eq(scan_observe(sc, &a, &dst, 5, SEC), SCAN_PORTS);
	scan_free(sc);
}
END_TEST

START_TEST(memory_bound)
{
	struct scan *sc = scan_new(64, 32, 10 * SEC, 8);
	struct scan_stats st;
	struct addr src, dst = A("192.0.2.10"), d;
	size_t bound = scan_mem_bound(sc);
	unsigned i, p, hits = 0;

	/* one source sweeping every port and many hosts */
	src = A("198.51.100.7");
	for (p = 0; p < 65536; p++)
		hits += scan_observe(sc, &src, &dst, (int)p, SEC) != SCAN_NONE;
	for (i = 0; i < 2000; i++) {
		d = host(i, true);
		src = A("2001:db8::7");
		hits += scan_observe(sc, &src, &d, 22, SEC) != SCAN_NONE;
	}
	ck_assert_uint_eq(hits, 2);
	scan_stats(sc, &st);
	/* 65 ports + 1 host, 1 port + 33 hosts */
	ck_assert_uint_eq(st.values, 65 + 1 + 1 + 33);

	/* many sources: only 8 kept, the oldest dropped */
	for (i = 0; i < 1000; i++) {
		src = host(i, false);
		scan_observe(sc, &src, &dst, 80, 2 * SEC + i);
	}
	scan_stats(sc, &st);
	ck_assert_uint_eq(st.sources, 8);
	ck_assert_uint_eq(st.evictions, 1000 + 2 - 8);
	ck_assert_uint_eq(st.values, 8 * 2);
	ck_assert_uint_eq(scan_mem_bound(sc), bound);
	/* a per-source bound that does not depend on what was seen */
	ck_assert_uint_lt(bound, 8 * 4096);
	scan_free(sc);
}
END_TEST

START_TEST(bad_args)
{
	ck_assert_ptr_null(scan_new(0, 1, SEC, 1));
	ck_assert_ptr_null(scan_new(1, 0, SEC, 1));
	ck_assert_ptr_null(scan_new(1, 1, 0, 1));
	ck_assert_ptr_null(scan_new(1, 1, SEC, 0));
	ck_assert_ptr_null(scan_new(65536, 1, SEC, 1));
}
END_TEST

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ports_at_and_above);
	tcase_add_test(tc, hosts_at_and_above);
	tcase_add_test(tc, both_at_once);
	tcase_add_test(tc, window_restart);
	tcase_add_test(tc, sources_apart);
	tcase_add_test(tc, memory_bound);
	tcase_add_test(tc, bad_args);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(scan_suite)
