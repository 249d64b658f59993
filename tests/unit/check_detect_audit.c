/* check_detect_audit.c - unit tests of what bunrictl audit relies on in the detection engine: the flow part of held alerts, reading ahead in batches. */
#include "check_main.h"
#include "detect_fixture.h"
#include "detect_int.h"

/* detect_int.h's read-ahead distance, to try batches around it */
#define AHEAD_TEST	8

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

static Suite *
detect_audit_suite(void)
{
	Suite *s = suite_create("detect_audit");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, alert_flow_part_is_the_flow_events);
	tcase_add_test(tc, batch_same_as_one_by_one);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(detect_audit_suite)
