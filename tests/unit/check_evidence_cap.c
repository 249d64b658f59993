/* check_evidence_cap.c - unit tests of the evidence disk budget: names, charges, oldest-first removal, open files kept, the cap across a restart's scan. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "evidence_cap.h"

/* What the callback was asked to remove, in order. */
struct rmlog {
	uint64_t	 id[64];
	size_t		 n;
	uint64_t	 fail_id;	/* this one "cannot be removed" */
};

static int
rm_rec(uint64_t flow_id, void *arg)
{
	struct rmlog *l = arg;

	if (l->n < 64)
		l->id[l->n] = flow_id;
	l->n++;
	return flow_id == l->fail_id ? -1 : 0;
}

/* used is the sum of the charges of the files listed, in both directions. */
static void
check_sums(const struct evcap *ec)
{
	const struct evcap_file *f;
	uint64_t sum = 0, open = 0;
	size_t n = 0, back = 0;

	for (f = ec->oldest; f != NULL; f = f->newer) {
		sum += evcap_charge(ec, f->size);
		if (f->open)
			open += evcap_charge(ec, f->size);
		ck_assert_ptr_eq(evcap_find(ec, f->flow_id), f);
		n++;
	}
	for (f = ec->newest; f != NULL; f = f->older)
		back++;
	ck_assert_uint_eq(sum, ec->used);
	ck_assert_uint_eq(open, ec->used_open);
	ck_assert_uint_eq(n, ec->nfiles);
	ck_assert_uint_eq(back, ec->nfiles);
}

START_TEST(names)
{
	static const char *const bad[] = {
		"007.pcap", "00.pcap", ".pcap", "-1.pcap", "+1.pcap",
		"1.PCAP", "1.pcap.tmp", "1.pcapx", "1pcap", "12a.pcap",
		"abc", "", "18446744073709551616.pcap", "1 .pcap",
		"99999999999999999999999.pcap", "1.pcap/",
	};
	uint64_t id = 7;
	size_t i;

	ck_assert_int_eq(evcap_name("0.pcap", &id), 0);
	ck_assert_uint_eq(id, 0);
	ck_assert_int_eq(evcap_name("1234567.pcap", &id), 0);
	ck_assert_uint_eq(id, 1234567);
	ck_assert_int_eq(evcap_name("18446744073709551615.pcap", &id), 0);
	ck_assert_uint_eq(id, UINT64_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = 42;
		ck_assert_msg(evcap_name(bad[i], &id) == -1, "%s accepted",
		    bad[i]);
		ck_assert_uint_eq(id, 42);
	}
}
END_TEST

START_TEST(charges)
{
	struct evcap ec;

	evcap_init(&ec, 1 << 20, 4096);
	ck_assert_uint_eq(ec.unit, 4096);
	ck_assert_uint_eq(evcap_charge(&ec, 0), 0);
	ck_assert_uint_eq(evcap_charge(&ec, 1), 4096);
	ck_assert_uint_eq(evcap_charge(&ec, 4096), 4096);
	ck_assert_uint_eq(evcap_charge(&ec, 4097), 8192);
	ck_assert_uint_eq(evcap_charge(&ec, UINT64_MAX), UINT64_MAX);
	evcap_init(&ec, 100, 3);	/* not a power of two: rounded up */
	ck_assert_uint_eq(ec.unit, 4);
	ck_assert_uint_eq(evcap_charge(&ec, 5), 8);
	evcap_init(&ec, 100, 0);
	ck_assert_uint_eq(ec.unit, 1);
	ck_assert_uint_eq(evcap_charge(&ec, 5), 5);
	evcap_init(&ec, 100, UINT64_MAX);
	ck_assert_uint_eq(ec.unit, 1 << 20);
}
END_TEST

/*
 * The scan's files come in directory order; they are kept oldest first
 * by mtime, then flow id, and a new file past the cap removes them in
 * that order, no more than needed.
 */
START_TEST(scan_order_and_removal)
{
	struct evcap_seen seen[] = {
		{ 50, 100, 1000, 5 },
		{ 10, 100, 1000, 5 },	/* same mtime as 50: id 10 first */
		{ 70, 100, 999, 900000000 },
		{ 20, 100, 1001, 0 },
		{ 30, 100, 1000, 4 },
		{ 10, 300, 5000, 0 },	/* the same flow again: skipped */
	};
	static const uint64_t order[] = { 70, 30, 10, 50, 20 };
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *f, *nf;
	struct evcap ec;
	size_t i;

	evcap_init(&ec, 500, 1);
	ck_assert_int_eq(evcap_load(&ec, seen, 6), 0);
	ck_assert_uint_eq(ec.nfiles, 5);
	ck_assert_uint_eq(ec.used, 500);
	for (i = 0, f = ec.oldest; f != NULL; f = f->newer, i++)
		ck_assert_uint_eq(f->flow_id, order[i]);
	check_sums(&ec);

	/* a new file of 150 bytes: the two oldest go, not a third */
	ck_assert_ptr_nonnull(nf = evcap_add(&ec, 99, 0));
	ck_assert_int_eq(evcap_grow(&ec, nf, 150, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.id[0], 70);
	ck_assert_uint_eq(l.id[1], 30);
	ck_assert_uint_eq(ec.removed, 2);
	ck_assert_uint_eq(ec.removed_bytes, 200);
	ck_assert_uint_eq(ec.used, 450);
	ck_assert_ptr_null(evcap_find(&ec, 70));
	ck_assert_ptr_null(evcap_find(&ec, 30));
	ck_assert_ptr_eq(ec.newest, nf);
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/* A write makes a file the newest: the next removal takes another. */
START_TEST(write_moves_to_newest)
{
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *a, *b, *c;
	struct evcap ec;

	evcap_init(&ec, 300, 1);
	a = evcap_add(&ec, 1, 100);
	b = evcap_add(&ec, 2, 100);
	c = evcap_add(&ec, 3, 50);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(evcap_grow(&ec, a, 10, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_eq(ec.newest, a);
	ck_assert_ptr_eq(ec.oldest, b);
	/* c grows past the cap: b (oldest now) goes, not a */
	ck_assert_int_eq(evcap_grow(&ec, c, 60, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.id[0], 2);
	ck_assert_uint_eq(ec.used, 220);
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/* Open files are never removed; the file growing is not removed for itself. */
START_TEST(open_files_stay)
{
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *a, *b, *c, *d;
	struct evcap ec;

	evcap_init(&ec, 400, 1);
	a = evcap_add(&ec, 1, 100);
	b = evcap_add(&ec, 2, 100);
	c = evcap_add(&ec, 3, 100);
	d = evcap_add(&ec, 4, 100);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(d);
	evcap_open(&ec, a, true);
	evcap_open(&ec, c, true);
	ck_assert_uint_eq(ec.used_open, 200);
	/* a grows (open): b goes, a itself and c stay */
	ck_assert_int_eq(evcap_grow(&ec, a, 50, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.id[0], 2);
	ck_assert_uint_eq(ec.used_open, 250);
	check_sums(&ec);
	/* c grows by 200: d goes (not open) but a + c = 450 > 400: refused,
	 * and nothing is removed for a growth that cannot fit */
	ck_assert_int_eq(evcap_grow(&ec, c, 200, rm_rec, &l), -1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_nonnull(evcap_find(&ec, 4));
	ck_assert_uint_eq(c->size, 100);
	check_sums(&ec);
	/* closed, a may go */
	evcap_open(&ec, a, false);
	ck_assert_int_eq(evcap_grow(&ec, c, 200, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(l.id[1], 4);	/* d is older than a (a was written) */
	ck_assert_uint_eq(l.id[2], 1);
	ck_assert_uint_eq(ec.used, 300);
	ck_assert_uint_eq(ec.used_open, 300);
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/* The oldest file is open: the next oldest goes instead, in order. */
START_TEST(open_oldest_skipped)
{
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *a, *e;
	struct evcap ec;
	uint64_t i;

	evcap_init(&ec, 400, 1);
	a = evcap_add(&ec, 1, 100);
	ck_assert_ptr_nonnull(a);
	evcap_open(&ec, a, true);
	for (i = 2; i <= 4; i++)
		ck_assert_ptr_nonnull(evcap_add(&ec, i, 100));
	e = evcap_add(&ec, 5, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(evcap_grow(&ec, e, 150, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.id[0], 2);
	ck_assert_uint_eq(l.id[1], 3);
	ck_assert_ptr_eq(ec.oldest, a);
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/* One flow bigger than the cap: refused, nobody removed for it. */
START_TEST(alone_too_big)
{
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *a, *big;
	struct evcap ec;

	evcap_init(&ec, 8192, 4096);
	a = evcap_add(&ec, 1, 10);
	big = evcap_add(&ec, 2, 0);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(evcap_grow(&ec, big, 8193, rm_rec, &l), -1);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_eq(evcap_find(&ec, 1), a);
	ck_assert_uint_eq(big->size, 0);
	ck_assert_int_eq(evcap_grow(&ec, big, 8000, rm_rec, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.id[0], 1);
	ck_assert_uint_eq(ec.used, 8192);
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/* A file that cannot be removed is counted apart and no longer counted in. */
START_TEST(remove_fails)
{
	struct rmlog l = { .fail_id = 1 };
	struct evcap_file *c;
	struct evcap ec;

	evcap_init(&ec, 200, 1);
	(void)evcap_add(&ec, 1, 100);
	(void)evcap_add(&ec, 2, 100);
	c = evcap_add(&ec, 3, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(evcap_grow(&ec, c, 100, rm_rec, &l), 0);
	ck_assert_uint_eq(ec.rm_failed, 1);
	ck_assert_uint_eq(ec.removed, 0);
	ck_assert_ptr_null(evcap_find(&ec, 1));
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/* A lower cap (reload) removes the oldest closed files at once. */
START_TEST(lower_cap)
{
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *a;
	struct evcap ec;
	uint64_t i;

	evcap_init(&ec, 1000, 1);
	a = evcap_add(&ec, 100, 100);
	ck_assert_ptr_nonnull(a);
	evcap_open(&ec, a, true);
	for (i = 1; i <= 9; i++)
		ck_assert_ptr_nonnull(evcap_add(&ec, i, 100));
	evcap_set_cap(&ec, 350, rm_rec, &l);
	ck_assert_uint_eq(l.n, 7);
	for (i = 0; i < 7; i++)
		ck_assert_uint_eq(l.id[i], i + 1);
	ck_assert_uint_eq(ec.used, 300);
	check_sums(&ec);
	/* lower than the open file: every closed one goes, the open stays */
	evcap_set_cap(&ec, 50, rm_rec, &l);
	ck_assert_uint_eq(ec.nfiles, 1);
	ck_assert_ptr_eq(ec.oldest, a);
	check_sums(&ec);
	evcap_free(&ec);
}
END_TEST

/*
 * A flood: 200,000 flows of 5 packets each under a cap of 400 files'
 * worth; the cap holds after every packet, the newest files are the ones
 * kept, and the table grows past its first size.
 */
START_TEST(flood)
{
	struct rmlog l = { .fail_id = 0 };
	struct evcap_file *f;
	struct evcap ec;
	uint64_t id, k, n = 200000, bad = 0;
	int p;

	evcap_init(&ec, 400 * 4096, 4096);
	/* plain ifs in the loop: each ck_assert writes to check's pipe */
	for (id = 1; id <= n && bad == 0; id++) {
		if ((f = evcap_add(&ec, id * 7919, 0)) == NULL) {
			bad = id;
			break;
		}
		evcap_open(&ec, f, true);
		for (p = 0; p < 5; p++)
			if (evcap_grow(&ec, f, p == 0 ? 24 + 16 + 200 :
			    16 + 200, rm_rec, &l) == -1 || ec.used > ec.cap)
				bad = id;
		evcap_open(&ec, f, false);
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(ec.nfiles, 400);
	ck_assert_uint_eq(ec.removed, n - 400);
	for (k = n - 399; k <= n; k++)
		ck_assert_ptr_nonnull(evcap_find(&ec, k * 7919));
	ck_assert_ptr_null(evcap_find(&ec, (n - 400) * 7919));
	check_sums(&ec);
	evcap_free(&ec);
	ck_assert_uint_eq(ec.nfiles, 0);
}
END_TEST

static Suite *
evidence_cap_suite(void)
{
	Suite *s = suite_create("evidence_cap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names);
	tcase_add_test(tc, charges);
	tcase_add_test(tc, scan_order_and_removal);
	tcase_add_test(tc, write_moves_to_newest);
	tcase_add_test(tc, open_files_stay);
	tcase_add_test(tc, open_oldest_skipped);
	tcase_add_test(tc, alone_too_big);
	tcase_add_test(tc, remove_fails);
	tcase_add_test(tc, lower_cap);
	tcase_add_test(tc, flood);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(evidence_cap_suite)
