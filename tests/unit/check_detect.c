/* check_detect.c - unit tests of the detection engine on packets built here. */
#include "check_main.h"
#include "detect_fixture.h"
#include "detect_int.h"

/* detect_int.h's read-ahead distance, to try batches around it */
#define AHEAD_TEST	8

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

/*
 * What bunrictl audit relies on to hold alerts cheaply (alerthold.h):
 * an alert with a tuple and the flow event that ends its flow carry the
 * same flow part.  Alerts of every kind a flow can get: violation, then
 * breach on the far side, scan, unknown and wrong-zone MACs, spoofed,
 * ICMP, IPv4 fragments aside.
 */
struct fpart {
	uint64_t	 flow_id;
	struct addr	 src, dst;
	uint8_t		 proto;
	bool		 has_ports;
	uint16_t	 sport, dport;
	const char	*host, *src_zone, *dest_zone, *verdict, *policy_flow;
};

static struct fpart Held[64];
static size_t Nheld, Nmatched, Nflowev, Nmismatch;

static bool
str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
on_event_parts(const struct alert_rec *r, void *arg)
{
	struct fpart *h;
	size_t i;

	(void)arg;
	if (r->kind == EV_ALERT && r->has_tuple) {
		ck_assert_uint_lt(Nheld, 64);
		h = &Held[Nheld++];
		h->flow_id = r->flow_id;
		h->src = r->src;
		h->dst = r->dst;
		h->proto = r->proto;
		h->has_ports = r->has_ports;
		h->sport = r->sport;
		h->dport = r->dport;
		h->host = r->host;
		h->src_zone = r->src_zone;
		h->dest_zone = r->dest_zone;
		h->verdict = r->verdict;
		h->policy_flow = r->policy_flow;
		return;
	}
	if (r->kind != EV_FLOW)
		return;
	Nflowev++;
	ck_assert(r->has_tuple);
	for (i = 0; i < Nheld; i++) {
		h = &Held[i];
		if (h->flow_id != r->flow_id)
			continue;
		if (memcmp(&h->src, &r->src, sizeof(h->src)) != 0 ||
		    memcmp(&h->dst, &r->dst, sizeof(h->dst)) != 0 ||
		    h->proto != r->proto || h->has_ports != r->has_ports ||
		    h->sport != r->sport || h->dport != r->dport ||
		    !str_same(h->host, r->host) ||
		    !str_same(h->src_zone, r->src_zone) ||
		    !str_same(h->dest_zone, r->dest_zone) ||
		    !str_same(h->verdict, r->verdict) ||
		    !str_same(h->policy_flow, r->policy_flow))
			Nmismatch++;
		else
			Nmatched++;
	}
}

START_TEST(alert_flow_part_is_the_flow_events)
{
	struct detect_sink sink = { on_event_parts, NULL, NULL };
	struct detect_opts o;
	struct detect *d;
	uint8_t b[128];
	size_t n;
	int i;

	Nheld = Nmatched = Nflowev = Nmismatch = 0;
	detect_opts_from_policy(P, &o);
	o.rate_limit = 0;
	o.host_once = false;
	d = detect_new(P, &o, &sink);
	ck_assert_ptr_nonnull(d);
	/* violation at ingress, then the breach on the far side */
	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 6,
	    40001, 443);
	feed(d, "lg0", T0, 0, b, n);
	feed(d, "in0", T0, 1, b, n);
	/* a reply, an unregistered MAC (allowed: sid 3), a mynumber MAC */
	n = frame4(b, "02:00:00:00:99:01", "203.0.113.99", "198.51.100.33", 6,
	    443, 40001);
	feed(d, "in0", T0, 2, b, n);
	n = frame4(b, "02:00:00:00:20:77", "198.51.100.77", "203.0.113.40", 6,
	    40005, 1494);
	feed(d, "lg0", T0, 3, b, n);
	n = frame4(b, "02:00:00:00:10:0a", "198.51.100.88", "203.0.113.40", 17,
	    40007, 1494);
	feed(d, "lg0", T0, 4, b, n);
	/* spoofed source, an ICMP echo, then a port scan from one source */
	n = frame4(b, "02:00:00:00:20:33", "192.0.2.10", "203.0.113.40", 6,
	    40003, 3389);
	feed(d, "lg0", T0, 5, b, n);
	n = frame4(b, "02:00:00:00:20:33", "198.51.100.33", "203.0.113.99", 1,
	    0, 0);
	feed(d, "lg0", T0, 6, b, n);
	for (i = 0; i < 8; i++) {
		n = frame4(b, "02:00:00:00:99:01", "203.0.113.66",
		    "198.51.100.25", 6, 61000, (uint16_t)(1 + i));
		feed(d, "in0", T0 + 1, i, b, n);
	}
	detect_finish(d);
	detect_free(d);
	/* 2 + 1 + 1 + 1 + 1 alerts, 8 breaches and 1 scan */
	ck_assert_uint_eq(Nheld, 15);
	ck_assert_uint_eq(Nmismatch, 0);
	ck_assert_uint_eq(Nmatched, Nheld);
	ck_assert_uint_eq(Nflowev, 13);
}
END_TEST

/*
 * detect_packets (reading ahead) against detect_packet one at a time:
 * the same events in the same order and the same counters, whatever
 * the batch size.  Flows old and new, replies, ICMP errors about them,
 * fragments, ARP, local traffic and a table small enough to evict.
 */
static uint64_t Evhash;
static size_t Nevall;

static void
mix(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		Evhash ^= b[i];
		Evhash *= 0x100000001b3ULL;
	}
}

static void
mixs(const char *s)
{
	mix(s != NULL ? s : "(null)", strlen(s != NULL ? s : "(null)") + 1);
}

static void
on_event_hash(const struct alert_rec *r, void *arg)
{
	(void)arg;
	Nevall++;
	mix(&r->kind, sizeof(r->kind));
	mix(&r->sid, sizeof(r->sid));
	mix(&r->flow_id, sizeof(r->flow_id));
	mix(&r->ts, sizeof(r->ts));
	mix(&r->packets, sizeof(r->packets));
	mix(&r->bytes, sizeof(r->bytes));
	mix(&r->pkts_toclient, sizeof(r->pkts_toclient));
	mix(&r->has_icmp, sizeof(r->has_icmp));
	mix(&r->icmp_type, sizeof(r->icmp_type));
	mix(&r->has_mac, sizeof(r->has_mac));
	mix(r->src_mac.b, sizeof(r->src_mac.b));
	mixs(r->signature);
	mixs(r->reason);
	mixs(r->detail);
}

#define NPK	600

struct capture {
	uint8_t		 b[NPK][128];
	struct detect_pkt v[NPK];
};

static void
make_capture(struct capture *c)
{
	static const char *src[] = { "198.51.100.33", "198.51.100.25",
	    "192.0.2.10", "203.0.113.40", "203.0.113.99", "198.51.100.77" };
	static const char *mac[] = { "02:00:00:00:20:33",
	    "02:00:00:00:20:19", "02:00:00:00:10:0a", "02:00:00:00:99:01",
	    "02:00:00:00:99:01", "02:00:00:00:20:77" };
	size_t i, n, f, s, t;
	uint8_t q[128];

	for (i = 0; i < NPK; i++) {
		f = (i * 7) % 97;		/* 97 conversations, round robin */
		s = f % 6;
		t = (f / 6 + 3) % 6;
		if (t == s)
			t = (t + 1) % 6;
		if (i % 50 == 49) {		/* an ICMP error about flow f */
			n = frame4(q, mac[s], src[s], src[t], 17,
			    (uint16_t)(30000 + f), 53);
			n = frame4_icmp_err(c->b[i], mac[t], src[t], src[s], 3,
			    3, q, n);
		} else if (i % 31 == 30) {	/* ARP */
			n = frame4(c->b[i], mac[s], src[s], src[t], 6, 1, 1);
			c->b[i][12] = 0x08;
			c->b[i][13] = 0x06;
		} else if (i % 37 == 36) {	/* broadcast: no verdict */
			n = frame4(c->b[i], mac[s], src[s], "255.255.255.255",
			    17, 68, 67);
		} else if (i % 41 == 40) {	/* a later fragment */
			n = frame4(c->b[i], mac[s], src[s], src[t], 17, 9, 9);
			c->b[i][20] = 0x00;
			c->b[i][21] = 0x10;
		} else if ((i / 97) % 2) {	/* the reply */
			n = frame4(c->b[i], mac[t], src[t], src[s],
			    f % 3 ? 17 : 6, 53, (uint16_t)(30000 + f));
		} else
			n = frame4(c->b[i], mac[s], src[s], src[t],
			    f % 3 ? 17 : 6, (uint16_t)(30000 + f), 53);
		c->v[i].ts.tv_sec = T0 + (time_t)(i / 100);
		c->v[i].ts.tv_usec = (suseconds_t)(i % 100);
		c->v[i].data = c->b[i];
		c->v[i].caplen = c->v[i].wirelen = (uint32_t)n;
	}
}

/* One run: batch 0 means detect_packet for each. */
static void
run_capture(const struct capture *c, size_t batch, const char *iface,
    uint64_t *hash, size_t *nev, struct detect_stats *st)
{
	struct detect_sink sink = { on_event_hash, NULL, NULL };
	struct detect_opts o;
	struct detect *d;
	size_t i, n;

	Evhash = 0xcbf29ce484222325ULL;
	Nevall = 0;
	detect_opts_from_policy(P, &o);
	o.max_flows = 40;		/* fewer than the conversations: evictions */
	o.rate_limit = 0;
	d = detect_new(P, &o, &sink);
	ck_assert_ptr_nonnull(d);
	for (i = 0; i < NPK; i += n) {
		n = batch == 0 ? 1 : NPK - i < batch ? NPK - i : batch;
		if (batch == 0)
			(void)detect_packet(d, iface, NULL, 1, &c->v[i].ts,
			    c->v[i].data, c->v[i].caplen, c->v[i].wirelen);
		else
			detect_packets(d, iface, NULL, 1, &c->v[i], n);
	}
	detect_finish(d);
	detect_stats(d, st);
	detect_free(d);
	*hash = Evhash;
	*nev = Nevall;
}

START_TEST(batch_same_as_one_by_one)
{
	static const size_t batches[] = { 1, 2, 3, AHEAD_TEST - 1, AHEAD_TEST,
	    AHEAD_TEST + 1, 64, 256, NPK };
	static const char *ifaces[] = { NULL, "lg0", "in0" };
	struct capture *c = calloc(1, sizeof(*c));
	struct detect_stats st0, st;
	uint64_t h0, h;
	size_t n0, n, i, k;

	ck_assert_ptr_nonnull(c);
	make_capture(c);
	for (k = 0; k < 3; k++) {
		run_capture(c, 0, ifaces[k], &h0, &n0, &st0);
		ck_assert_uint_gt(n0, 20);
		ck_assert_uint_gt(st0.evictions, 0);
		ck_assert_uint_gt(st0.icmp_errors + st0.local + st0.no_flow, 0);
		for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
			run_capture(c, batches[i], ifaces[k], &h, &n, &st);
			ck_assert_uint_eq(n, n0);
			ck_assert_uint_eq(h, h0);
			ck_assert_int_eq(memcmp(&st, &st0, sizeof(st)), 0);
		}
	}
	free(c);
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
	tcase_add_test(tc, alert_flow_part_is_the_flow_events);
	tcase_add_test(tc, batch_same_as_one_by_one);
	tcase_add_test(tc, local_scope_addresses);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(detect_suite)
