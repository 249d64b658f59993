/* check_capstats.c - unit tests of the drop counters across 32-bit wraps and of the capture-loss alert's counts. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "capstats.h"
#include "check_main.h"
#include "eve.h"
#include "json.h"

START_TEST(counts_and_wraps)
{
	struct capstats s;

	memset(&s, 0, sizeof(s));
	ck_assert_uint_eq(capstats_update(&s, 0, 0), 0);
	ck_assert_uint_eq(capstats_update(&s, 7, 2), 9);
	ck_assert_uint_eq(capstats_update(&s, 7, 2), 0);
	ck_assert_uint_eq(s.drops, 7);
	ck_assert_uint_eq(s.ifdrops, 2);

	/* 0xfffffff0 then 0x10: 0x20 more, not 2^32 - 0xffffffe0 */
	s.last_drop = 0xfffffff0;
	s.drops = 1000;
	ck_assert_uint_eq(capstats_update(&s, 0x10, 2), 0x20);
	ck_assert_uint_eq(s.drops, 1000 + 0x20);
	ck_assert_uint_eq(s.last_drop, 0x10);
	/* the interface counter wraps on its own */
	s.last_ifdrop = 0xffffffff;
	ck_assert_uint_eq(capstats_update(&s, 0x10, 0), 1);
	ck_assert_uint_eq(s.ifdrops, 3);

	/* more than 2^32 in total over many readings: no 32-bit total */
	memset(&s, 0, sizeof(s));
	ck_assert_uint_eq(capstats_update(&s, 0x80000000u, 0), 0x80000000u);
	ck_assert_uint_eq(capstats_update(&s, 0xffffffffu, 0), 0x7fffffffu);
	ck_assert_uint_eq(capstats_update(&s, 0x7fffffffu, 0), 0x80000000u);
	ck_assert_uint_eq(s.drops, 0x17fffffffULL);
}
END_TEST

/*
 * A handle opened again is a zeroed struct: its counters start over, so
 * its first reading counts as it is (the old handle's last value, here
 * near the wrap, is not subtracted); the old totals are added up apart.
 */
START_TEST(reopen_starts_over)
{
	struct capstats old, s;
	uint64_t total;

	memset(&old, 0, sizeof(old));
	(void)capstats_update(&old, 0xfffffff0u, 4);
	memset(&s, 0, sizeof(s));
	ck_assert_uint_eq(capstats_update(&s, 5, 0), 5);
	ck_assert_uint_eq(s.drops, 5);
	ck_assert_uint_eq(s.ifdrops, 0);
	total = old.drops + old.ifdrops + s.drops + s.ifdrops;
	ck_assert_uint_eq(total, 0xfffffff0ULL + 4 + 5);
}
END_TEST

START_TEST(loss_alert_carries_counts)
{
	struct capture_loss l = { 42, 5000000000ULL, 3, 123456789ULL };
	struct timeval ts = { 1795444875, 250000 };
	struct alert_rec r;
	char sig[128], detail[256];
	struct jbuf jb;
	uint64_t v;
	bool found;

	memset(&r, 0x5a, sizeof(r));
	capstats_loss_alert(&l, &ts, "city-gw1", &r, sig, sizeof(sig),
	    detail, sizeof(detail));
	ck_assert_int_eq(r.kind, EV_ALERT);
	ck_assert_int_eq(r.sid, SIG_CAPTURE_LOSS);
	ck_assert(!r.has_tuple && r.in_iface == NULL);
	ck_assert_uint_eq(r.st_drops, 42);
	ck_assert_uint_eq(r.st_kernel_drops, 5000000000ULL);
	ck_assert_uint_eq(r.st_if_drops, 3);
	ck_assert_uint_eq(r.st_packets, 123456789ULL);
	ck_assert_str_eq(r.host, "city-gw1");
	ck_assert_str_eq(r.signature, "the sniffer lost 42 packets");
	ck_assert_ptr_eq(r.detail, detail);
	ck_assert_ptr_nonnull(strstr(detail, "5000000000 kernel drops"));
	ck_assert_ptr_nonnull(strstr(detail, "3 interface drops"));

	/* ... and the EVE line has them as numbers under "bunri" */
	json_init(&jb);
	ck_assert_int_eq(eve_encode(&r, 9, &jb), 0);
	ck_assert_int_eq(json_validate(jb.buf, jb.len, "bunri", "lost", &v,
	    &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(json_validate(jb.buf, jb.len, "bunri",
	    "kernel_drops", &v, &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(v, 5000000000ULL);
	ck_assert_int_eq(json_validate(jb.buf, jb.len, "bunri", "if_drops",
	    &v, &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(json_validate(jb.buf, jb.len, "bunri", "captured",
	    &v, &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(v, 123456789ULL);
	ck_assert_ptr_nonnull(strstr(jb.buf, "\"signature_id\":10,"));
	ck_assert_ptr_nonnull(strstr(jb.buf, "\"category\":\"capture-loss\""));
	json_free(&jb);
}
END_TEST

static Suite *
capstats_suite(void)
{
	Suite	*s = suite_create("capstats");
	TCase	*tc = tcase_create("capstats");

	tcase_add_test(tc, counts_and_wraps);
	tcase_add_test(tc, reopen_starts_over);
	tcase_add_test(tc, loss_alert_carries_counts);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(capstats_suite)
