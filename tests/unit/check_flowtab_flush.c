/* check_flowtab_flush.c - flowtab_flush of a full and a nearly empty table: order, emptiness, reuse. */
#include <sys/socket.h>

#include <check.h>
#include <string.h>

#include "addr.h"
#include "check_main.h"
#include "flowtab.h"

static void
key_n(struct flowkey *k, unsigned n)
{
	struct addr s, d;

	ck_assert_int_eq(addr_parse("2001:db8::1", &s), ADDR_OK);
	ck_assert_int_eq(addr_parse("2001:db8:1::", &d), ADDR_OK);
	d.a[12] = (uint8_t)(n >> 24);
	d.a[13] = (uint8_t)(n >> 16);
	d.a[14] = (uint8_t)(n >> 8);
	d.a[15] = (uint8_t)n;
	ck_assert_int_eq(flowkey_set(k, &s, &d, 17, 1000, 53), 0);
}

struct seen {
	unsigned	 n;
	bool		 in_order;
};

/* Inserted at time i + 1 for flow i: LRU order is the flow number. */
static void
on_end(const struct flow_entry *e, enum flow_end why, void *arg)
{
	struct seen *s = arg;
	struct flowkey k;

	ck_assert_int_eq(why, FLOW_END_FLUSH);
	key_n(&k, s->n);
	if (memcmp(&k, &e->key, sizeof(k)) != 0 ||
	    e->first_seen != (uint64_t)s->n * 1000000 + 1)
		s->in_order = false;
	s->n++;
}

static void
flush_and_reuse(unsigned nflows)
{
	struct flowtab *ft = flowtab_new(4096, 60ull * 1000000);
	struct flowtab_stats st;
	struct seen s = { 0, true };
	struct flowkey k;
	struct flow_entry *e;
	bool reply;
	unsigned i;

	ck_assert_ptr_nonnull(ft);
	for (i = 0; i < nflows; i++) {
		key_n(&k, i);
		e = flowtab_insert(ft, &k, (uint64_t)i * 1000000 + 1, NULL, NULL);
		flowtab_touch(ft, e, false, 100, (uint64_t)i * 1000000 + 1);
	}
	ck_assert_uint_eq(flowtab_flush(ft, on_end, &s), nflows);
	ck_assert_uint_eq(s.n, nflows);
	ck_assert(s.in_order);
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.inserts, nflows);
	for (i = 0; i < nflows; i++) {
		key_n(&k, i);
		ck_assert_ptr_null(flowtab_lookup(ft, &k, &reply));
	}
	ck_assert_uint_eq(flowtab_flush(ft, on_end, &s), 0);
	/* The table works as new: fill it to the bound, find every flow. */
	for (i = 0; i < 4096; i++) {
		key_n(&k, i + 7);
		ck_assert_ptr_null(flowtab_lookup(ft, &k, &reply));
		e = flowtab_insert(ft, &k, 5000000000ull + i, NULL, NULL);
		ck_assert_ptr_nonnull(e);
	}
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 4096);
	ck_assert_uint_eq(st.evictions, 0);
	for (i = 0; i < 4096; i++) {
		key_n(&k, i + 7);
		e = flowtab_lookup(ft, &k, &reply);
		ck_assert_ptr_nonnull(e);
		ck_assert(!reply);
		ck_assert_uint_eq(e->first_seen, 5000000000ull + i);
	}
	flowtab_free(ft);
}

START_TEST(flush_full)
{
	flush_and_reuse(4096);		/* the index cleared at once */
}
END_TEST

START_TEST(flush_few)
{
	flush_and_reuse(3);		/* flow by flow */
}
END_TEST

START_TEST(flush_some)
{
	flush_and_reuse(200);		/* just over 1/64 of the buckets */
}
END_TEST

static Suite *
flowtab_flush_suite(void)
{
	Suite *s = suite_create("flowtab_flush");
	TCase *tc = tcase_create("flowtab_flush");

	tcase_add_test(tc, flush_full);
	tcase_add_test(tc, flush_few);
	tcase_add_test(tc, flush_some);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(flowtab_flush_suite)
