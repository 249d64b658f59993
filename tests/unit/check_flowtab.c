/* check_flowtab.c - unit tests of the bounded flow table. */
#include <sys/socket.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_main.h"
#include "flowtab.h"

#define SEC	1000000ULL

static struct flowkey
key(const char *src, const char *dst, uint8_t proto, uint16_t sp, uint16_t dp)
{
	struct addr s, d;
	struct flowkey k;

	ck_assert_int_eq(addr_parse(src, &s), ADDR_OK);
	ck_assert_int_eq(addr_parse(dst, &d), ADDR_OK);
	ck_assert_int_eq(flowkey_set(&k, &s, &d, proto, sp, dp), 0);
	return k;
}

/* The i-th of many distinct v4 flows: 198.51.100.x:port -> 203.0.113.y:80. */
static struct flowkey
nth_key(uint32_t i)
{
	struct flowkey k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.proto = 6;
	k.src[0] = 198; k.src[1] = 51; k.src[2] = 100;
	k.src[3] = (uint8_t)(i & 0xff);
	k.dst[0] = 203; k.dst[1] = 0; k.dst[2] = 113;
	k.dst[3] = (uint8_t)((i >> 8) & 0xff);
	k.sport = (uint16_t)(1024 + (i >> 16));
	k.dport = 80;
	return k;
}

struct ended {
	int		 n;
	enum flow_end	 why[16];
	struct flowkey	 key[16];
	uint32_t	 pkts[16];
};

static void
on_end(const struct flow_entry *e, enum flow_end why, void *arg)
{
	struct ended *x = arg;

	if (x->n < 16) {
		x->why[x->n] = why;
		x->key[x->n] = e->key;
		x->pkts[x->n] = e->pkts_fwd + e->pkts_rev;
	}
	x->n++;
}

START_TEST(both_directions)
{
	struct flowtab *ft = flowtab_new(8, 60 * SEC);
	struct flowkey k = key("192.0.2.10", "198.51.100.5", 6, 40000, 443);
	struct flowkey r = key("198.51.100.5", "192.0.2.10", 6, 443, 40000);
	struct flowkey other = key("192.0.2.10", "198.51.100.5", 6, 40001, 443);
	struct flowkey udp = key("192.0.2.10", "198.51.100.5", 17, 40000, 443);
	struct flow_entry *e, *f;
	struct flowtab_stats st;
	bool reply = true;

	ck_assert_ptr_nonnull(ft);
	ck_assert_ptr_null(flowtab_lookup(ft, &k, &reply));
	e = flowtab_insert(ft, &k, 5 * SEC, NULL, NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->first_seen, 5 * SEC);
	flowtab_touch(ft, e, false, 60, 5 * SEC);

	ck_assert_ptr_eq(flowtab_lookup(ft, &k, &reply), e);
	ck_assert(!reply);
	f = flowtab_lookup(ft, &r, &reply);
	ck_assert_ptr_eq(f, e);
	ck_assert(reply);
	flowtab_touch(ft, f, true, 1500, 6 * SEC);
	flowtab_touch(ft, f, true, 40, 7 * SEC);
	ck_assert_ptr_null(flowtab_lookup(ft, &other, NULL));
	ck_assert_ptr_null(flowtab_lookup(ft, &udp, NULL));

	ck_assert_uint_eq(e->pkts_fwd, 1);
	ck_assert_uint_eq(e->bytes_fwd, 60);
	ck_assert_uint_eq(e->pkts_rev, 2);
	ck_assert_uint_eq(e->bytes_rev, 1540);
	ck_assert_uint_eq(e->last_seen, 7 * SEC);
	/* time stepping back (another interface) does not move last_seen */
	flowtab_touch(ft, e, false, 10, 6 * SEC);
	ck_assert_uint_eq(e->last_seen, 7 * SEC);

	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_uint_eq(st.inserts, 1);
	flowtab_remove(ft, e);
	ck_assert_ptr_null(flowtab_lookup(ft, &r, NULL));
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 0);
	flowtab_free(ft);
	flowtab_free(NULL);
}
END_TEST

START_TEST(v6_and_families)
{
	struct flowtab *ft = flowtab_new(8, 60 * SEC);
	struct flowkey k6 = key("2001:db8:10::a", "2001:db8:20::1", 17, 5353, 53);
	struct flowkey r6 = key("2001:db8:20::1", "2001:db8:10::a", 17, 53, 5353);
	struct flowkey ping = key("2001:db8:10::a", "2001:db8:20::1", 58, 128, 129);
	struct flowkey pong = key("2001:db8:20::1", "2001:db8:10::a", 58, 129, 128);
	struct flowkey k4 = key("192.0.2.1", "192.0.2.2", 17, 5353, 53);
	struct addr a4, a6;
	struct flowkey bad;
	struct flow_entry *e6, *ep;
	bool reply;

	e6 = flowtab_insert(ft, &k6, SEC, NULL, NULL);
	ep = flowtab_insert(ft, &ping, SEC, NULL, NULL);
	ck_assert_ptr_eq(flowtab_lookup(ft, &r6, &reply), e6);
	ck_assert(reply);
	ck_assert_ptr_eq(flowtab_lookup(ft, &pong, &reply), ep);
	ck_assert(reply);
	ck_assert_ptr_null(flowtab_lookup(ft, &k4, NULL));
	ck_assert_int_eq(e6->key.family, AF_INET6);
	ck_assert_mem_eq(e6->key.src, k6.src, 16);

	ck_assert_int_eq(addr_parse("192.0.2.1", &a4), ADDR_OK);
	ck_assert_int_eq(addr_parse("2001:db8::1", &a6), ADDR_OK);
	ck_assert_int_eq(flowkey_set(&bad, &a4, &a6, 6, 1, 2), -1);
	flowtab_free(ft);
}
END_TEST

START_TEST(flow_id_stable)
{
	struct flowtab *a = flowtab_new(4, SEC), *b = flowtab_new(1000, SEC);
	struct flowkey k = key("192.0.2.10", "198.51.100.5", 6, 40000, 443);
	struct flowkey k2 = key("192.0.2.10", "198.51.100.5", 6, 40001, 443);
	uint8_t hk[16];
	uint64_t id;

	memset(hk, 0xa5, sizeof(hk));
	ck_assert_int_eq(flowtab_set_hash_key(b, hk), 0);
	id = flowtab_insert(a, &k, 123456789, NULL, NULL)->flow_id;
	ck_assert_uint_ne(id, 0);
	ck_assert_uint_lt(id, 1ULL << 63);
	/* same key and time: same id, whatever the table size and hash key */
	ck_assert_uint_eq(flowtab_insert(b, &k, 123456789, NULL, NULL)->flow_id, id);
	ck_assert_int_eq(flowtab_set_hash_key(b, hk), -1);	/* not empty */
	/* another tuple or another start: another id */
	ck_assert_uint_ne(flowtab_insert(a, &k2, 123456789, NULL, NULL)->flow_id, id);
	flowtab_flush(a, NULL, NULL);
	ck_assert_uint_ne(flowtab_insert(a, &k, 123456790, NULL, NULL)->flow_id, id);
	flowtab_free(a);
	flowtab_free(b);
}
END_TEST

START_TEST(evict_when_full)
{
	struct flowtab *ft = flowtab_new(3, 60 * SEC);
	struct flowkey k[5];
	struct flow_entry *e;
	struct flowtab_stats st;
	struct ended x = { 0 };
	int i;

	for (i = 0; i < 5; i++)
		k[i] = nth_key((uint32_t)i);
	for (i = 0; i < 3; i++) {
		e = flowtab_insert(ft, &k[i], (uint64_t)(i + 1) * SEC, on_end, &x);
		flowtab_touch(ft, e, false, 100, (uint64_t)(i + 1) * SEC);
	}
	/* k[0] is seen again, so k[1] is now the least recently seen */
	flowtab_touch(ft, flowtab_lookup(ft, &k[0], NULL), true, 100, 4 * SEC);
	e = flowtab_insert(ft, &k[3], 5 * SEC, on_end, &x);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(x.n, 1);
	ck_assert_int_eq(x.why[0], FLOW_END_EVICTED);
	ck_assert_mem_eq(&x.key[0], &k[1], sizeof(k[1]));
	ck_assert_uint_eq(x.pkts[0], 1);
	ck_assert_ptr_null(flowtab_lookup(ft, &k[1], NULL));
	ck_assert_ptr_nonnull(flowtab_lookup(ft, &k[0], NULL));

	/* k[2] idle past the timeout when room is needed: an expiry */
	flowtab_touch(ft, flowtab_lookup(ft, &k[0], NULL), false, 1, 100 * SEC);
	flowtab_touch(ft, flowtab_lookup(ft, &k[3], NULL), false, 1, 100 * SEC);
	flowtab_insert(ft, &k[4], 100 * SEC, on_end, &x);
	ck_assert_int_eq(x.n, 2);
	ck_assert_int_eq(x.why[1], FLOW_END_TIMEOUT);
	ck_assert_mem_eq(&x.key[1], &k[2], sizeof(k[2]));

	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 3);
	ck_assert_uint_eq(st.max, 3);
	ck_assert_uint_eq(st.inserts, 5);
	ck_assert_uint_eq(st.evictions, 1);
	ck_assert_uint_eq(st.expirations, 1);
	flowtab_free(ft);
}
END_TEST

START_TEST(expire_idle)
{
	struct flowtab *ft = flowtab_new(16, 30 * SEC);
	struct flowkey k[4];
	struct ended x = { 0 };
	struct flowtab_stats st;
	int i;

	for (i = 0; i < 4; i++) {
		k[i] = nth_key((uint32_t)i);
		flowtab_touch(ft, flowtab_insert(ft, &k[i], (uint64_t)i * 10 * SEC,
		    NULL, NULL), false, 64, (uint64_t)i * 10 * SEC);
	}
	/* last seen 0, 10, 20, 30 s; at 40 s only k[0] is idle > 30 s */
	ck_assert_uint_eq(flowtab_expire(ft, 40 * SEC, on_end, &x), 1);
	ck_assert_int_eq(x.n, 1);
	ck_assert_int_eq(x.why[0], FLOW_END_TIMEOUT);
	ck_assert_mem_eq(&x.key[0], &k[0], sizeof(k[0]));
	ck_assert_uint_eq(x.pkts[0], 1);
	ck_assert_ptr_null(flowtab_lookup(ft, &k[0], NULL));
	/* exactly the timeout is not yet idle */
	ck_assert_uint_eq(flowtab_expire(ft, 40 * SEC, on_end, &x), 0);
	/* an old timestamp never expires anything (no underflow) */
	ck_assert_uint_eq(flowtab_expire(ft, 0, on_end, &x), 0);
	ck_assert_uint_eq(flowtab_expire(ft, 61 * SEC, on_end, &x), 3);
	ck_assert_int_eq(x.n, 4);
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.expirations, 4);
	flowtab_free(ft);
}
END_TEST

static int
count_cb(const struct flow_entry *e, void *arg)
{
	uint64_t *prev = arg;

	/* oldest first */
	ck_assert_uint_ge(e->last_seen, prev[0]);
	prev[0] = e->last_seen;
	prev[1]++;
	return prev[1] == 1000 ? 7 : 0;
}

START_TEST(flush_and_foreach)
{
	struct flowtab *ft = flowtab_new(5000, 30 * SEC);
	struct ended x = { 0 };
	uint64_t st[2] = { 0, 0 };
	uint32_t i;

	for (i = 0; i < 2000; i++) {
		struct flowkey k = nth_key(i);

		flowtab_insert(ft, &k, i, NULL, NULL);
	}
	ck_assert_int_eq(flowtab_foreach(ft, count_cb, st), 7);
	ck_assert_uint_eq(st[1], 1000);
	ck_assert_uint_eq(flowtab_flush(ft, on_end, &x), 2000);
	ck_assert_int_eq(x.n, 2000);
	ck_assert_int_eq(x.why[0], FLOW_END_FLUSH);
	st[0] = st[1] = 0;
	ck_assert_int_eq(flowtab_foreach(ft, count_cb, st), 0);
	ck_assert_uint_eq(st[1], 0);
	flowtab_free(ft);
}
END_TEST

START_TEST(bad_args)
{
	ck_assert_ptr_null(flowtab_new(0, SEC));
	ck_assert_ptr_null(flowtab_new((size_t)FLOWTAB_MAX + 1, SEC));
}
END_TEST

/* A million flows: every one found in both directions, none lost. */
START_TEST(million)
{
	const uint32_t n = 1000000;
	struct flowtab *ft = flowtab_new(n, 300 * SEC);
	struct flowtab_stats st;
	struct flowkey k, r;
	struct flow_entry *e;
	bool reply;
	uint32_t i, bad = 0;

	ck_assert_ptr_nonnull(ft);
	ck_assert_uint_le(flowtab_memsize(ft), (size_t)n * 128);
	/* check marks every assert in a pipe: count outside, assert once */
	for (i = 0; i < n; i++) {
		k = nth_key(i);
		bad += flowtab_lookup(ft, &k, NULL) != NULL;
		e = flowtab_insert(ft, &k, i, NULL, NULL);
		flowtab_touch(ft, e, false, i & 0xffff, i);
	}
	ck_assert_uint_eq(bad, 0);
	for (i = 0; i < n; i++) {
		k = nth_key(i);
		r = k;
		memcpy(r.src, k.dst, 16);
		memcpy(r.dst, k.src, 16);
		r.sport = k.dport;
		r.dport = k.sport;
		e = flowtab_lookup(ft, &r, &reply);
		if (e == NULL || !reply || e->bytes_fwd != (i & 0xffff) ||
		    e->first_seen != i || memcmp(&e->key, &k, sizeof(k)) != 0)
			bad++;
	}
	ck_assert_uint_eq(bad, 0);
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, n);
	ck_assert_uint_eq(st.evictions, 0);
	/* one more: exactly one eviction, the oldest */
	k = nth_key(n);
	flowtab_insert(ft, &k, n, NULL, NULL);
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, n);
	ck_assert_uint_eq(st.evictions, 1);
	k = nth_key(0);
	ck_assert_ptr_null(flowtab_lookup(ft, &k, NULL));
	flowtab_free(ft);
}
END_TEST

/* Prefetching is a hint: any hash, empty or full buckets, no change. */
START_TEST(prefetch_is_harmless)
{
	struct flowtab *ft = flowtab_new(64, 30 * SEC);
	struct flowkey k;
	struct flow_entry *e;
	struct flowtab_stats st;
	uint32_t i, h;

	for (h = 0; h < 4096; h++) {
		flowtab_prefetch(ft, h * 2654435761u);
		flowtab_prefetch_entry(ft, h * 2654435761u);
	}
	for (i = 0; i < 64; i++) {
		k = nth_key(i);
		h = flowtab_hash(ft, &k);
		flowtab_prefetch(ft, h);
		flowtab_prefetch_entry(ft, h);
		ck_assert_ptr_null(flowtab_lookup_h(ft, &k, h, NULL));
		e = flowtab_insert_h(ft, &k, h, i, NULL, NULL);
		flowtab_prefetch_entry(ft, h);
		ck_assert_ptr_eq(flowtab_lookup(ft, &k, NULL), e);
	}
	for (h = 0; h < 4096; h++)
		flowtab_prefetch_entry(ft, h * 2654435761u);
	flowtab_stats(ft, &st);
	ck_assert_uint_eq(st.entries, 64);
	ck_assert_uint_eq(st.evictions, 0);
	flowtab_free(ft);
}
END_TEST

/*
 * The index hash: the same both ways, different for the other tuples of
 * a flow (ports swapped on one side, another protocol or family), keyed
 * (another key moves nearly every flow), and spread over the buckets.
 */
START_TEST(hash_both_ways_keyed_spread)
{
	struct flowtab *a = flowtab_new(1 << 16, SEC);
	struct flowtab *b = flowtab_new(1 << 16, SEC);
	struct flowkey k, r, o;
	uint8_t hk[16];
	uint32_t i, same = 0, moved = 0, bad = 0;
	static uint8_t used[1 << 16];
	uint32_t nbuckets = 0;

	memset(hk, 0x5c, sizeof(hk));
	ck_assert_int_eq(flowtab_set_hash_key(b, hk), 0);
	for (i = 0; i < 40000; i++) {
		k = nth_key(i);
		if (i & 1) {		/* every other one IPv6 */
			k.family = AF_INET6;
			k.src[15] = 7;
			k.dst[9] = (uint8_t)i;
		}
		r = k;
		memcpy(r.src, k.dst, 16);
		memcpy(r.dst, k.src, 16);
		r.sport = k.dport;
		r.dport = k.sport;
		bad += flowtab_hash(a, &k) != flowtab_hash(a, &r);
		bad += flowtab_hash(b, &k) != flowtab_hash(b, &r);
		o = k;
		o.sport = k.dport;	/* not the reverse: one side swapped */
		o.dport = k.sport;
		same += flowtab_hash(a, &o) == flowtab_hash(a, &k);
		o = k;
		o.proto = 17;
		same += flowtab_hash(a, &o) == flowtab_hash(a, &k);
		moved += (flowtab_hash(a, &k) & 0xffff) !=
		    (flowtab_hash(b, &k) & 0xffff);
		if (!used[flowtab_hash(a, &k) & 0xffff]++)
			nbuckets++;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_le(same, 2);
	ck_assert_uint_ge(moved, 39000);
	/* 40,000 flows in 65,536 buckets: about 30,000 used if random */
	ck_assert_uint_ge(nbuckets, 28000);
	flowtab_free(a);
	flowtab_free(b);
	/* each new table has a key of its own */
	a = flowtab_new(16, SEC);
	b = flowtab_new(16, SEC);
	for (i = 0, same = 0; i < 100; i++) {
		k = nth_key(i);
		same += flowtab_hash(a, &k) == flowtab_hash(b, &k);
	}
	ck_assert_uint_le(same, 1);
	flowtab_free(a);
	flowtab_free(b);
}
END_TEST

static Suite *
flowtab_suite(void)
{
	Suite *s = suite_create("flowtab");
	TCase *tc = tcase_create("core");
	TCase *big = tcase_create("big");

	tcase_add_test(tc, both_directions);
	tcase_add_test(tc, v6_and_families);
	tcase_add_test(tc, flow_id_stable);
	tcase_add_test(tc, evict_when_full);
	tcase_add_test(tc, expire_idle);
	tcase_add_test(tc, flush_and_foreach);
	tcase_add_test(tc, bad_args);
	tcase_add_test(tc, prefetch_is_harmless);
	tcase_add_test(tc, hash_both_ways_keyed_spread);
	suite_add_tcase(s, tc);
	tcase_set_timeout(big, 120);
	tcase_add_test(big, million);
	suite_add_tcase(s, big);
	return s;
}

CHECK_MAIN(flowtab_suite)
