/* check_detect.c - unit tests of the detection engine on packets built here. */
#include "check_main.h"
#include "detect_fixture.h"
#include "detect_int.h"

START_TEST(allowed_and_reply_silent)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct detect_stats st;
	uint8_t b[128];
	size_t n;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.40", 6,
	    40000, 3389);
	ck_assert_int_eq(feed(d, "lg0", T0, 0, b, n), DEC_OK);
	n = frame4(b, "02:00:00:00:99:01", "203.0.113.40", "198.51.100.33", 6,
	    3389, 40000);
	feed(d, "in0", T0, 10, b, n);
	detect_finish(d);
	ck_assert_uint_eq(Nev, 0);
	ck_assert_uint_eq(Nevid, 0);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.flows, 1);
	ck_assert_uint_eq(st.disallowed, 0);
	detect_free(d);
}
END_TEST

START_TEST(violation_once_then_breach)
{
	struct detect *d = engine(DETECT_ENFORCE);
	const struct ev *e;
	uint8_t b[128];
	size_t n;
	int i;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40001, 443);
	for (i = 0; i < 3; i++)
		feed(d, "lg0", T0, i, b, n);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	e = first(EV_ALERT, SIG_ZONE_VIOLATION);
	ck_assert_ptr_nonnull(e);
	ck_assert(e->blocked);
	ck_assert_str_eq(e->src_zone, "lgwan");
	ck_assert_str_eq(e->dest_zone, "internet");
	ck_assert_str_eq(e->verdict, "blocked");
	/* evidence: the first two packets only */
	ck_assert_uint_eq(Nevid, 2);
	ck_assert_uint_eq(Evid_flow, e->flow_id);
	/* the same packet on the destination's interface: it crossed */
	feed(d, "in0", T0, 5, b, n);
	feed(d, "in0", T0, 6, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_BREACH), 1);
	ck_assert(!first(EV_ALERT, SIG_ZONE_BREACH)->blocked);
	ck_assert_uint_eq(first(EV_ALERT, SIG_ZONE_BREACH)->flow_id,
	    e->flow_id);
	detect_finish(d);
	ck_assert_uint_eq(count(EV_FLOW, 0), 1);
	ck_assert_uint_eq(first(EV_FLOW, 0)->packets, 5);
	detect_free(d);
}
END_TEST

START_TEST(monitor_mode_breach)
{
	struct detect *d = engine(DETECT_MONITOR);
	uint8_t b[128];
	size_t n;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40001, 443);
	feed(d, "lg0", T0, 0, b, n);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_BREACH), 1);
	ck_assert(!Ev[0].blocked);
	detect_free(d);
}
END_TEST

START_TEST(address_zone_when_no_iface)
{
	struct detect *d = engine(DETECT_MONITOR);
	uint8_t b[128];
	size_t n;

	/* a mynumber source with no interface: its own zone, no flow */
	n = frame4(b, "02:00:00:00:10:0a", "192.0.2.10", "203.0.113.40", 6,
	    40002, 3389);
	feed(d, NULL, T0, 0, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_BREACH), 1);
	ck_assert_str_eq(Ev[0].src_zone, "mynumber");
	detect_free(d);
}
END_TEST

START_TEST(spoofed_source)
{
	struct detect *d = engine(DETECT_ENFORCE);
	uint8_t b[128];
	size_t n;

	/* a mynumber address arriving on lg0 */
	n = frame4(b, "02:00:00:00:20:33", "192.0.2.10", "203.0.113.40", 6,
	    40003, 3389);
	feed(d, "lg0", T0, 0, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_SPOOFED), 1);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	/* a registered MAC with an address not bound to it */
	n = frame4(b, "02:00:00:00:20:33", "198.51.100.25", "203.0.113.40", 6,
	    40004, 1494);
	feed(d, "lg0", T0, 1, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_SPOOFED), 2);
	detect_free(d);
}
END_TEST

START_TEST(unknown_and_wrong_zone_once)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct detect_stats st;
	uint8_t b[128];
	size_t n;

	/* unregistered MAC, lgwan alerts: allowed by F-002, sid 3 once */
	n = frame4(b, "02:00:00:00:20:77", "198.51.100.77", "203.0.113.40", 6,
	    40005, 1494);
	feed(d, "lg0", T0, 0, b, n);
	n = frame4(b, "02:00:00:00:20:77", "198.51.100.77", "203.0.113.40", 6,
	    40006, 1494);
	feed(d, "lg0", T0, 1, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_UNKNOWN_HOST), 1);
	ck_assert_str_eq(first(EV_ALERT, SIG_UNKNOWN_HOST)->verdict, "allowed");
	/* a mynumber MAC on lg0: sid 4 once for two flows (host_once) */
	n = frame4(b, "02:00:00:00:10:0a", "198.51.100.88", "203.0.113.40", 6,
	    40007, 1494);
	feed(d, "lg0", T0, 2, b, n);
	n = frame4(b, "02:00:00:00:10:0a", "198.51.100.88", "203.0.113.40", 6,
	    40008, 1494);
	feed(d, "lg0", T0, 3, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_HOST_WRONG_ZONE), 1);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.disallowed, 2);
	detect_finish(d);
	/* both disallowed flows and the alerted allowed one end with a flow event */
	ck_assert_uint_eq(count(EV_FLOW, 0), 3);
	detect_free(d);
}
END_TEST

START_TEST(rate_limit_counts_suppressed)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct detect_stats st;
	const struct ev *last;
	uint8_t b[128];
	size_t n;
	int i;

	/* five disallowed flows in one second, to different hosts and ports
	 * below the scan thresholds: two pass (rate_limit = 2) */
	for (i = 0; i < 5; i++) {
		n = frame4(b, "02:00:00:00:20:33", "198.51.100.33",
		    i % 2 ? "203.0.113.98" : "203.0.113.99", 6,
		    (uint16_t)(41000 + i), (uint16_t)(80 + i % 3));
		feed(d, "lg0", T0, i, b, n);
	}
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_VIOLATION), 2);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.suppressed[SIG_ZONE_VIOLATION], 3);
	ck_assert_uint_eq(st.disallowed, 5);
	/* the next second: the next alert carries the count */
	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    41100, 80);
	feed(d, "lg0", T0 + 1, 0, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_VIOLATION), 3);
	last = &Ev[Nev - 1];
	ck_assert_uint_eq(last->suppressed, 3);
	detect_finish(d);
	/* every disallowed flow still ends with its flow event */
	ck_assert_uint_eq(count(EV_FLOW, 0), 6);
	detect_free(d);
}
END_TEST

START_TEST(scan_once)
{
	struct detect *d = engine(DETECT_MONITOR);
	uint8_t b[128];
	size_t n;
	int i;

	for (i = 0; i < 8; i++) {
		n = frame4(b, "02:00:00:00:99:01", "203.0.113.66",
		    "198.51.100.25", 6, 61000, (uint16_t)(1 + i));
		feed(d, "in0", T0 + i, 0, b, n);
	}
	ck_assert_uint_eq(count(EV_ALERT, SIG_SCAN), 1);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_BREACH), 8);
	detect_free(d);
}
END_TEST

START_TEST(idle_flow_ends)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct timeval tv = { T0 + 100, 0 };
	uint8_t b[128];
	size_t n;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40010, 443);
	feed(d, "lg0", T0, 0, b, n);
	ck_assert_uint_eq(detect_tick(d, &(struct timeval){ T0 + 30, 0 }), 0);
	ck_assert_uint_eq(count(EV_FLOW, 0), 0);
	ck_assert_uint_eq(detect_tick(d, &tv), 1);
	ck_assert_uint_eq(count(EV_FLOW, 0), 1);
	/* the same tuple later is a new flow with a new alert */
	feed(d, "lg0", T0 + 101, 0, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_VIOLATION), 2);
	detect_free(d);
}
END_TEST

START_TEST(arp_binding)
{
	struct detect *d = engine(DETECT_ENFORCE);
	uint8_t b[64];
	struct in_addr a;
	int i;

	/* ARP reply: mail-gw's MAC claims the pc's address */
	memset(b, 0, sizeof(b));
	memcpy(b, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x20\x19\x08\x06", 14);
	memcpy(b + 14, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
	memcpy(b + 22, "\x02\x00\x00\x00\x20\x19", 6);
	inet_pton(AF_INET, "198.51.100.33", &a);
	memcpy(b + 28, &a, 4);
	memcpy(b + 38, &a, 4);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(feed(d, "lg0", T0, i, b, 42), DEC_NOT_IP);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	ck_assert_uint_eq(count(EV_ALERT, SIG_SPOOFED), 1);
	/* the same claim on a zone that is not attached: nothing */
	feed(d, "in0", T0, 5, b, 42);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	detect_free(d);
}
END_TEST

START_TEST(local_traffic_no_verdict)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct detect_stats st;
	uint8_t b[128];
	size_t n;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "255.255.255.255",
	    17, 68, 67);
	feed(d, "lg0", T0, 0, b, n);
	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "224.0.0.251",
	    17, 5353, 5353);
	feed(d, "lg0", T0, 1, b, n);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.flows, 0);
	ck_assert_uint_eq(st.local, 2);
	ck_assert_uint_eq(Nev, 0);
	/* an unknown MAC's broadcast is still an unknown host */
	n = frame4(b, "02:00:00:00:20:78", "198.51.100.78", "255.255.255.255",
	    17, 68, 67);
	feed(d, "lg0", T0, 2, b, n);
	ck_assert_uint_eq(count(EV_ALERT, SIG_UNKNOWN_HOST), 1);
	detect_free(d);
}
END_TEST

START_TEST(bad_input)
{
	struct detect *d = engine(DETECT_ENFORCE);
	uint8_t b[128];
	size_t n;
	int rc;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40011, 443);
	rc = feed(d, "lg0", T0, 0, b, 20);
	ck_assert(rc == DEC_TRUNCATED || rc == DEC_MALFORMED);
	ck_assert_int_eq(detect_packet(d, "lg0", NULL, 105,
	    &(struct timeval){ T0, 0 }, b, (uint32_t)n, (uint32_t)n),
	    DEC_UNSUPPORTED_LINK);
	ck_assert_uint_eq(Nev, 0);
	detect_free(d);
}
END_TEST

/* The same packets twice give the same events, flow ids included. */
START_TEST(deterministic)
{
	struct ev first_run[MAXEV];
	size_t n1 = 0, run, n;
	uint8_t b[128];
	int i;

	for (run = 0; run < 2; run++) {
		struct detect *d = engine(DETECT_ENFORCE);

		Nev = 0;
		for (i = 0; i < 20; i++) {
			n = frame4(b, i % 3 ? "02:00:00:00:20:33" :
			    "02:00:00:00:20:55", "198.51.100.33",
			    "203.0.113.99", 6, (uint16_t)(42000 + i % 7),
			    (uint16_t)(443 + i % 4));
			feed(d, i % 2 ? "lg0" : "in0", T0 + i / 5, i, b, n);
		}
		detect_finish(d);
		detect_free(d);
		if (run == 0) {
			memcpy(first_run, Ev, sizeof(Ev));
			n1 = Nev;
		}
	}
	ck_assert_uint_gt(n1, 2);
	ck_assert_uint_eq(Nev, n1);
	ck_assert_int_eq(memcmp(first_run, Ev, n1 * sizeof(Ev[0])), 0);
}
END_TEST

/*
 * Monitor mode: a UDP probe lgwan -> internet crossed (one breach).  The
 * port unreachable coming back is not a forbidden flow internet -> lgwan
 * of its own: it is counted on the probe's flow, in and out.
 */
START_TEST(icmp_error_joins_its_flow)
{
	struct detect *d = engine(DETECT_MONITOR);
	struct detect_stats st;
	uint8_t q[128], b[128];
	size_t qn, n;

	qn = frame4(q, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99",
	    17, 40000, 53);
	feed(d, "lg0", T0, 0, q, qn);
	feed_out(d, "in0", T0, 1, q, qn);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_BREACH), 1);
	n = frame4_icmp_err(b, "02:00:00:00:99:01", "203.0.113.99",
	    "198.51.100.33", 3, 3, q, qn);
	ck_assert_int_eq(feed(d, "in0", T0, 2, b, n), DEC_OK);
	feed_out(d, "lg0", T0, 3, b, n);
	/* from a router on the way: time exceeded, the same flow */
	n = frame4_icmp_err(b, "02:00:00:00:99:01", "203.0.113.1",
	    "198.51.100.33", 11, 0, q, qn);
	feed(d, "in0", T0, 4, b, n);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.flows, 1);
	ck_assert_uint_eq(st.icmp_errors, 2);
	/* evidence: the probe and the first error (evidence_packets 2) */
	ck_assert_uint_eq(Nevid, 2);
	detect_finish(d);
	ck_assert_uint_eq(count(EV_FLOW, 0), 1);
	ck_assert_uint_eq(first(EV_FLOW, 0)->packets, 3);
	detect_free(d);
}
END_TEST

/*
 * A flow captured only leaving the gateway (its ingress not watched, or
 * frames that bypassed the forward path) is counted where it is seen:
 * every packet, and last_seen moves, so it does not expire while it
 * still crosses.  A flow captured coming in is counted there only, not
 * again for its forwarded copy.
 */
START_TEST(out_only_flow_counted_there)
{
	struct detect *d = engine(DETECT_ENFORCE);
	uint8_t b[128];
	size_t n;
	int i;

	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40020, 443);
	for (i = 0; i < 3; i++)
		feed_out(d, "in0", T0 + 40 * i, 0, b, n);
	/* 10 s after its last packet: not idle (60 s) */
	ck_assert_uint_eq(detect_tick(d, &(struct timeval){ T0 + 90, 0 }), 0);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_BREACH), 1);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	detect_finish(d);
	ck_assert_uint_eq(count(EV_FLOW, 0), 1);
	ck_assert_uint_eq(first(EV_FLOW, 0)->packets, 3);
	detect_free(d);

	d = engine(DETECT_ENFORCE);
	Nev = 0;
	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40021, 443);
	for (i = 0; i < 3; i++) {
		feed(d, "lg0", T0, 2 * i, b, n);
		feed_out(d, "in0", T0, 2 * i + 1, b, n);
	}
	detect_finish(d);
	ck_assert_uint_eq(count(EV_FLOW, 0), 1);
	ck_assert_uint_eq(first(EV_FLOW, 0)->packets, 3);
	detect_free(d);
}
END_TEST

/* An error about an ICMP echo, and about a TCP flow's reply. */
START_TEST(icmp_error_quoting_echo_and_reply)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct detect_stats st;
	uint8_t q[128], b[128];
	size_t qn, n;

	qn = frame4(q, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99",
	    1, 0, 0);
	feed(d, "lg0", T0, 0, q, qn);
	n = frame4_icmp_err(b, "02:00:00:00:99:01", "203.0.113.1",
	    "198.51.100.33", 11, 0, q, qn);
	feed(d, "in0", T0, 1, b, n);
	/* an allowed flow; an error about its reply goes to the server */
	qn = frame4(q, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.40",
	    6, 40000, 3389);
	feed(d, "lg0", T0, 2, q, qn);
	qn = frame4(q, "02:00:00:00:99:01", "203.0.113.40", "198.51.100.33",
	    6, 3389, 40000);
	n = frame4_icmp_err(b, "02:00:00:00:20:33", "198.51.100.33",
	    "203.0.113.40", 3, 4, q, qn);
	feed(d, "lg0", T0, 3, b, n);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.flows, 2);
	ck_assert_uint_eq(st.icmp_errors, 2);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_VIOLATION), 1);
	detect_finish(d);
	ck_assert_uint_eq(first(EV_FLOW, 0)->packets, 2);
	detect_free(d);
}
END_TEST

/* An error whose flow is unknown (or gone) is a packet like any other. */
START_TEST(icmp_error_without_flow)
{
	struct detect *d = engine(DETECT_ENFORCE);
	struct detect_stats st;
	uint8_t q[128], b[128];
	size_t qn, n;

	qn = frame4(q, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99",
	    17, 40001, 53);
	n = frame4_icmp_err(b, "02:00:00:00:99:01", "203.0.113.99",
	    "198.51.100.33", 3, 3, q, qn);
	feed(d, "in0", T0, 0, b, n);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.flows, 1);
	ck_assert_uint_eq(st.icmp_errors, 0);
	ck_assert_uint_eq(count(EV_ALERT, SIG_ZONE_VIOLATION), 1);
	ck_assert_str_eq(Ev[0].src_zone, "internet");
	/* the same error once more: the error's own flow now, not a new one */
	feed(d, "in0", T0, 1, b, n);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.flows, 1);
	ck_assert_uint_eq(count(EV_ALERT, 0), 1);
	/* a cut quote names no flow either */
	qn = frame4(q, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99",
	    17, 40002, 53);
	feed(d, "lg0", T0, 2, q, qn);
	n = frame4_icmp_err(b, "02:00:00:00:99:01", "203.0.113.99",
	    "198.51.100.33", 3, 1, q, qn);
	b[16] = 0;
	b[17] = (uint8_t)(n - 14 - 5);
	feed(d, "in0", T0, 3, b, n - 5);
	detect_stats(d, &st);
	ck_assert_uint_eq(st.icmp_errors, 0);
	ck_assert_uint_eq(st.flows, 3);
	detect_free(d);
}
END_TEST

/* Which addresses stay on their link (no verdict), exactly. */
START_TEST(local_scope_addresses)
{
	static const struct {
		const char	*a;
		bool		 local;
	} t[] = {
		{ "0.0.0.0", true }, { "0.1.2.3", true },
		{ "127.0.0.1", true }, { "127.255.0.9", true },
		{ "169.254.1.1", true }, { "169.253.1.1", false },
		{ "169.255.1.1", false }, { "224.0.0.251", true },
		{ "239.1.1.1", true }, { "240.0.0.1", true },
		{ "255.255.255.255", true }, { "223.255.255.255", false },
		{ "192.0.2.1", false }, { "1.0.0.0", false },
		{ "::", true }, { "::1", true }, { "::2", false },
		{ "::1:0:0:0:1", false }, { "1::1", false },
		{ "ff02::1", true }, { "ff0e::1", true }, { "fe80::1", true },
		{ "febf::1", true }, { "fec0::1", false }, { "fe7f::1", false },
		{ "2001:db8::1", false }, { "::ffff:127.0.0.1", false },
	};
	struct addr a, g4, g6;
	size_t i;

	ck_assert_int_eq(addr_parse("198.51.100.1", &g4), ADDR_OK);
	ck_assert_int_eq(addr_parse("2001:db8::7", &g6), ADDR_OK);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(addr_parse(t[i].a, &a), ADDR_OK);
		a.plen = (uint8_t)(a.family == AF_INET ? 32 : 128);
		ck_assert_msg(detect_local_scope(&a, a.family == AF_INET ?
		    &g4 : &g6) == t[i].local, "%s as source", t[i].a);
		ck_assert_msg(detect_local_scope(a.family == AF_INET ? &g4 :
		    &g6, &a) == t[i].local, "%s as destination", t[i].a);
	}
	ck_assert(!detect_local_scope(&g4, &g4));
	ck_assert(!detect_local_scope(&g6, &g6));
}
END_TEST

static Suite *
detect_suite(void)
{
	Suite *s = suite_create("detect");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, allowed_and_reply_silent);
	tcase_add_test(tc, violation_once_then_breach);
	tcase_add_test(tc, monitor_mode_breach);
	tcase_add_test(tc, address_zone_when_no_iface);
	tcase_add_test(tc, spoofed_source);
	tcase_add_test(tc, unknown_and_wrong_zone_once);
	tcase_add_test(tc, rate_limit_counts_suppressed);
	tcase_add_test(tc, scan_once);
	tcase_add_test(tc, idle_flow_ends);
	tcase_add_test(tc, arp_binding);
	tcase_add_test(tc, local_traffic_no_verdict);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, icmp_error_joins_its_flow);
	tcase_add_test(tc, out_only_flow_counted_there);
	tcase_add_test(tc, icmp_error_quoting_echo_and_reply);
	tcase_add_test(tc, icmp_error_without_flow);
	tcase_add_test(tc, local_scope_addresses);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(detect_suite)
