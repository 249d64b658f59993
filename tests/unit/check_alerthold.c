/* check_alerthold.c - unit tests of the held alerts: order per flow, final counters, long texts, reuse. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerthold.h"
#include "check_main.h"

#define MAXOUT	64

struct outs {
	size_t		 n;
	struct alert_rec r[MAXOUT];
	char		 sig[MAXOUT][64], reason[MAXOUT][64];
	bool		 sig_null[MAXOUT], reason_null[MAXOUT];
};

static void
collect(void *arg, const struct alert_rec *r)
{
	struct outs *o = arg;

	ck_assert_uint_lt(o->n, MAXOUT);
	o->r[o->n] = *r;
	o->sig_null[o->n] = r->signature == NULL;
	o->reason_null[o->n] = r->reason == NULL;
	snprintf(o->sig[o->n], sizeof(o->sig[0]), "%s",
	    r->signature != NULL ? r->signature : "");
	snprintf(o->reason[o->n], sizeof(o->reason[0]), "%s",
	    r->reason != NULL ? r->reason : "");
	o->n++;
}

/* An alert of flow id with its own fields set from n. */
static struct alert_rec
alert(uint64_t id, int n, const char *sig, const char *reason)
{
	struct alert_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = EV_ALERT;
	r.has_tuple = true;
	r.flow_id = id;
	r.ts.tv_sec = 1000 + n;
	r.ts.tv_usec = n;
	r.in_iface = "lg0";
	r.sid = SIG_ZONE_BREACH;
	r.signature = sig;
	r.reason = reason;
	r.blocked = n & 1;
	r.has_icmp = true;
	r.icmp_type = (uint8_t)n;
	r.icmp_code = (uint8_t)(n + 1);
	r.has_mac = true;
	r.src_mac.b[5] = (uint8_t)n;
	r.suppressed = (uint64_t)n * 3;
	r.packets = 1;		/* not the final count: must not come out */
	return r;
}

/* The flow event that ends flow id. */
static struct alert_rec
flow_end(uint64_t id, uint64_t packets)
{
	struct alert_rec f;

	memset(&f, 0, sizeof(f));
	f.kind = EV_FLOW;
	f.has_tuple = true;
	f.flow_id = id;
	f.ts.tv_sec = 5000;
	f.host = "gw";
	f.src_zone = "lgwan";
	f.dest_zone = "internet";
	f.verdict = "blocked";
	f.policy_flow = "F-1";
	f.reason = "wrong-port";	/* the flow event's: not the alert's */
	f.detail = "end";
	f.proto = 6;
	f.has_ports = true;
	f.sport = 40000;
	f.dport = 443;
	f.packets = packets;
	f.bytes = packets * 100;
	f.pkts_toclient = 1;
	f.first_seen.tv_sec = 999;
	f.last_seen.tv_sec = 4999;
	return f;
}

START_TEST(order_and_final_counters)
{
	struct alerthold *h = alerthold_new();
	struct outs *o = calloc(1, sizeof(*o));
	struct alert_rec r, f;

	ck_assert_ptr_nonnull(h);
	r = alert(7, 1, "first of 7", "why 1");
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	r = alert(9, 2, "only of 9", NULL);
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	r = alert(7, 3, NULL, "why 3");
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	ck_assert_uint_eq(alerthold_count(h), 3);

	f = flow_end(7, 42);
	alerthold_release(h, &f, collect, o);
	ck_assert_uint_eq(o->n, 2);
	ck_assert_uint_eq(alerthold_count(h), 1);
	/* oldest first, each with its own fields */
	ck_assert_str_eq(o->sig[0], "first of 7");
	ck_assert_str_eq(o->reason[0], "why 1");
	ck_assert(o->sig_null[1]);
	ck_assert_str_eq(o->reason[1], "why 3");
	ck_assert_int_eq(o->r[0].kind, EV_ALERT);
	ck_assert_int_eq(o->r[0].sid, SIG_ZONE_BREACH);
	ck_assert_int_eq(o->r[0].ts.tv_sec, 1001);
	ck_assert_int_eq(o->r[1].ts.tv_usec, 3);
	ck_assert(o->r[0].blocked);
	ck_assert(o->r[1].blocked);
	ck_assert_str_eq(o->r[0].in_iface, "lg0");
	ck_assert(o->r[1].has_icmp);
	ck_assert_uint_eq(o->r[1].icmp_type, 3);
	ck_assert_uint_eq(o->r[1].icmp_code, 4);
	ck_assert(o->r[1].has_mac);
	ck_assert_uint_eq(o->r[1].src_mac.b[5], 3);
	ck_assert_uint_eq(o->r[1].suppressed, 9);
	ck_assert_ptr_null(o->r[0].detail);
	/* and the flow's part and final counters */
	ck_assert_uint_eq(o->r[0].flow_id, 7);
	ck_assert_uint_eq(o->r[0].packets, 42);
	ck_assert_uint_eq(o->r[1].bytes, 4200);
	ck_assert_uint_eq(o->r[1].pkts_toclient, 1);
	ck_assert_int_eq(o->r[1].first_seen.tv_sec, 999);
	ck_assert_int_eq(o->r[1].last_seen.tv_sec, 4999);
	ck_assert_str_eq(o->r[0].verdict, "blocked");
	ck_assert_str_eq(o->r[0].policy_flow, "F-1");
	ck_assert_str_eq(o->r[0].src_zone, "lgwan");
	ck_assert_uint_eq(o->r[0].dport, 443);

	/* released once: nothing more for 7 */
	o->n = 0;
	alerthold_release(h, &f, collect, o);
	ck_assert_uint_eq(o->n, 0);
	/* a flow with nothing held */
	f = flow_end(8, 1);
	alerthold_release(h, &f, collect, o);
	ck_assert_uint_eq(o->n, 0);
	f = flow_end(9, 5);
	alerthold_release(h, &f, collect, o);
	ck_assert_uint_eq(o->n, 1);
	ck_assert_str_eq(o->sig[0], "only of 9");
	ck_assert(!o->r[0].blocked);
	ck_assert(o->reason_null[0]);
	ck_assert_uint_eq(alerthold_count(h), 0);
	alerthold_free(h);
	alerthold_free(NULL);
	free(o);
}
END_TEST

/* Texts longer than a slot holds come back whole. */
START_TEST(long_texts)
{
	struct alerthold *h = alerthold_new();
	struct outs *o = calloc(1, sizeof(*o));
	char *sig = malloc(3001), *why = malloc(60001), *big = malloc(70000);
	struct alert_rec r, f;
	size_t i;
	bool same;

	for (i = 0; i < 3000; i++)
		sig[i] = (char)('a' + i % 26);
	sig[3000] = '\0';
	for (i = 0; i < 60000; i++)
		why[i] = (char)('A' + i % 26);
	why[60000] = '\0';
	memset(big, 'x', 69999);
	big[69999] = '\0';
	r = alert(1, 1, sig, why);
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	r = alert(1, 2, big, NULL);	/* too long to hold */
	ck_assert_int_eq(alerthold_add(h, &r), -1);
	ck_assert_uint_eq(alerthold_count(h), 1);
	f = flow_end(1, 3);
	/* collect() keeps 63 bytes: compare the full texts here */
	o->n = 0;
	alerthold_release(h, &f, collect, o);
	ck_assert_uint_eq(o->n, 1);
	same = strncmp(o->sig[0], sig, 63) == 0 &&
	    strncmp(o->reason[0], why, 63) == 0;
	ck_assert(same);
	free(sig);
	free(why);
	free(big);
	/* an alert still held when freed is no leak (ASan checks) */
	r = alert(2, 1, "x", "y");
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	alerthold_free(h);
	free(o);
}
END_TEST

struct full {
	size_t		 n;
	bool		 ok;
	const char	*sig, *why;
};

static void
check_full(void *arg, const struct alert_rec *r)
{
	struct full *x = arg;

	if (strcmp(r->signature, x->sig) != 0 || strcmp(r->reason, x->why) != 0)
		x->ok = false;
	x->n++;
}

START_TEST(long_texts_whole)
{
	struct alerthold *h = alerthold_new();
	char sig[300], why[900];
	struct full x = { 0, true, sig, why };
	struct alert_rec r, f;

	memset(sig, 's', sizeof(sig) - 1);
	sig[sizeof(sig) - 1] = '\0';
	memset(why, 'w', sizeof(why) - 1);
	why[sizeof(why) - 1] = '\0';
	why[450] = 'W';
	r = alert(3, 1, sig, why);
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	r = alert(3, 2, sig, why);
	ck_assert_int_eq(alerthold_add(h, &r), 0);
	f = flow_end(3, 2);
	alerthold_release(h, &f, check_full, &x);
	ck_assert_uint_eq(x.n, 2);
	ck_assert(x.ok);
	alerthold_free(h);
}
END_TEST

struct seq {
	uint64_t	 id;
	int		 next;		/* the n expected next */
	size_t		 n;
	bool		 ok;
};

static void
check_seq(void *arg, const struct alert_rec *r)
{
	struct seq *x = arg;
	char want[32];

	snprintf(want, sizeof(want), "%llu/%d", (unsigned long long)x->id,
	    x->next);
	if (r->flow_id != x->id || r->ts.tv_usec != x->next ||
	    strcmp(r->reason, want) != 0)
		x->ok = false;
	x->next++;
	x->n++;
}

/*
 * Many flows over few buckets (chains shared), several chunks of slots,
 * released in another order than added, then all the slots used again.
 */
START_TEST(many_flows_and_reuse)
{
	struct alerthold *h = alerthold_new();
	const uint64_t nflows = 20000;
	struct alert_rec r, f;
	struct seq x;
	char why[32];
	uint64_t id;
	int round, k;
	size_t bad = 0;

	for (round = 0; round < 3; round++) {
		for (k = 0; k < 3; k++)
			for (id = 1; id <= nflows; id++) {
				snprintf(why, sizeof(why), "%llu/%d",
				    (unsigned long long)id, k);
				r = alert(id, k, "s", why);
				bad += alerthold_add(h, &r) != 0;
			}
		ck_assert_uint_eq(bad, 0);
		ck_assert_uint_eq(alerthold_count(h), 3 * nflows);
		/* from the last flow to the first */
		for (id = nflows; id >= 1; id--) {
			memset(&x, 0, sizeof(x));
			x.id = id;
			x.ok = true;
			f = flow_end(id, 1);
			alerthold_release(h, &f, check_seq, &x);
			bad += !x.ok || x.n != 3;
		}
		ck_assert_uint_eq(bad, 0);
		ck_assert_uint_eq(alerthold_count(h), 0);
	}
	alerthold_free(h);
}
END_TEST

struct sigcheck {
	size_t		 n, bad;
	const char	*prefix;
};

static void
check_sig(void *arg, const struct alert_rec *r)
{
	struct sigcheck *x = arg;
	char want[64];

	snprintf(want, sizeof(want), "%s %llu", x->prefix,
	    (unsigned long long)r->flow_id % 1000);
	if (r->signature == NULL || strcmp(r->signature, want) != 0 ||
	    r->reason == NULL || strcmp(r->reason, want + 1) != 0)
		x->bad++;
	x->n++;
}

/*
 * Signatures are shared between alerts while held: more distinct ones
 * than can be shared at once (each alert then keeps its own), the same
 * text held by many, and shared texts nobody holds taken over by others.
 */
START_TEST(many_signatures)
{
	struct alerthold *h = alerthold_new();
	struct sigcheck x;
	struct alert_rec r, f;
	static const char *prefix[] = { "first", "second", "third" };
	char sig[64];
	uint64_t id;
	int round;
	size_t bad = 0;

	for (round = 0; round < 3; round++) {
		/* 3000 alerts, 1000 distinct signatures, each text thrice */
		for (id = 0; id < 3000; id++) {
			snprintf(sig, sizeof(sig), "%s %llu", prefix[round],
			    (unsigned long long)id % 1000);
			r = alert(round * 10000 + id, 1, sig, sig + 1);
			bad += alerthold_add(h, &r) != 0;
		}
		ck_assert_uint_eq(bad, 0);
		memset(&x, 0, sizeof(x));
		x.prefix = prefix[round];
		for (id = 0; id < 3000; id++) {
			f = flow_end(round * 10000 + id, 1);
			alerthold_release(h, &f, check_sig, &x);
		}
		ck_assert_uint_eq(x.n, 3000);
		ck_assert_uint_eq(x.bad, 0);
		ck_assert_uint_eq(alerthold_count(h), 0);
	}
	alerthold_free(h);
}
END_TEST

static Suite *
alerthold_suite(void)
{
	Suite *s = suite_create("alerthold");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, order_and_final_counters);
	tcase_add_test(tc, long_texts);
	tcase_add_test(tc, long_texts_whole);
	tcase_add_test(tc, many_flows_and_reuse);
	tcase_add_test(tc, many_signatures);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(alerthold_suite)
