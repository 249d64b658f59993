/* check_detect.c - unit tests of the detection engine on packets built here. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "conf.h"
#include "decide.h"
#include "detect.h"

#define T0	((time_t)1795444875)	/* 2026-11-23T14:41:15Z */

static const char conf_text[] =
"version = 1;\n"
"gateway = { name = \"test-gw\"; mode = \"enforce\"; };\n"
"zones = (\n"
"  { name = \"mynumber\"; kind = \"mynumber\"; interfaces = [ \"mn0\" ];\n"
"    networks = [ \"192.0.2.0/26\" ]; unknown_hosts = \"block\";\n"
"    hosts = ( { name = \"juki\"; mac = \"02:00:00:00:10:0a\";\n"
"                addresses = [ \"192.0.2.10\" ]; } ); },\n"
"  { name = \"lgwan\"; kind = \"lgwan\"; interfaces = [ \"lg0\" ];\n"
"    networks = [ \"198.51.100.0/24\" ]; unknown_hosts = \"alert\";\n"
"    hosts = (\n"
"      { name = \"mail-gw\"; mac = \"02:00:00:00:20:19\"; addresses = [ \"198.51.100.25\" ]; },\n"
"      { name = \"pc\"; mac = \"02:00:00:00:20:33\"; addresses = [ \"198.51.100.33\" ]; } ); },\n"
"  { name = \"internet\"; kind = \"internet\"; interfaces = [ \"in0\" ];\n"
"    networks = [ \"0.0.0.0/0\", \"::/0\" ]; attached = false;\n"
"    hosts = ( { name = \"vdi\"; addresses = [ \"203.0.113.40\" ]; } ); }\n"
");\n"
"flows = (\n"
"  { id = \"F-001\"; from = \"lgwan:pc\"; to = \"internet:vdi\"; proto = \"tcp\";\n"
"    ports = [ 3389 ]; sanitize = \"screen-transfer\"; reason = \"vdi\"; approval = \"A-1\"; },\n"
"  { id = \"F-002\"; from = \"lgwan\"; to = \"internet:vdi\"; proto = \"tcp\";\n"
"    ports = [ 1494 ]; sanitize = \"screen-transfer\"; reason = \"ica\"; approval = \"A-2\"; }\n"
");\n"
"monitor = { scan = { ports = 5; hosts = 50; window = 10; };\n"
"  evidence_packets = 2; max_flows = 64; flow_timeout = 60; };\n"
"alerts = { rate_limit = 2; };\n";

#define MAXEV	256

struct ev {
	enum event_kind	 kind;
	enum sig	 sid;
	bool		 blocked;
	uint64_t	 flow_id, packets, suppressed;
	time_t		 sec;
	char		 src_zone[16], dest_zone[16], verdict[16];
};

static struct policy *P;
static struct ev Ev[MAXEV];
static size_t Nev, Nevid;
static uint64_t Evid_flow;

static void
on_event(const struct alert_rec *r, void *arg)
{
	struct ev *e;

	(void)arg;
	ck_assert_uint_lt(Nev, MAXEV);
	e = &Ev[Nev++];
	memset(e, 0, sizeof(*e));
	e->kind = r->kind;
	e->sid = r->sid;
	e->blocked = r->blocked;
	e->flow_id = r->flow_id;
	e->packets = r->packets;
	e->suppressed = r->suppressed;
	e->sec = r->ts.tv_sec;
	snprintf(e->src_zone, sizeof(e->src_zone), "%s",
	    r->src_zone ? r->src_zone : "-");
	snprintf(e->dest_zone, sizeof(e->dest_zone), "%s",
	    r->dest_zone ? r->dest_zone : "-");
	snprintf(e->verdict, sizeof(e->verdict), "%s",
	    r->verdict ? r->verdict : "-");
}

static void
on_evidence(uint64_t flow_id, const struct timeval *ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen, void *arg)
{
	(void)ts; (void)data; (void)arg;
	ck_assert_uint_ge(wirelen, caplen);
	Nevid++;
	Evid_flow = flow_id;
}

static void
setup(void)
{
	struct diags d;

	diags_init(&d);
	P = conf_load_string(conf_text, strlen(conf_text), "t.conf", T0, &d);
	if (P == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	ck_assert_ptr_nonnull(P);
	Nev = Nevid = 0;
	Evid_flow = 0;
}

static void
teardown(void)
{
	policy_free(P);
	P = NULL;
}

static struct detect *
engine(enum detect_mode mode)
{
	struct detect_opts o;
	struct detect_sink s = { on_event, on_evidence, NULL };
	struct detect *d;

	detect_opts_from_policy(P, &o);
	o.mode = mode;
	d = detect_new(P, &o, &s);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(P->didx);
	return d;
}

/* Ethernet + IPv4 + TCP/UDP (ports) or ICMP echo; returns the length. */
static size_t
frame4(uint8_t *b, const char *smac, const char *src, const char *dst,
    uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct mac m;
	struct in_addr a;
	size_t l4 = proto == 1 ? 8 : proto == 17 ? 8 : 20;

	memset(b, 0, 14 + 20 + l4);
	memcpy(b, "\x02\x00\x00\x00\x00\x01", 6);
	ck_assert_int_eq(mac_parse(smac, &m), 0);
	memcpy(b + 6, m.b, 6);
	b[12] = 0x08;
	b[14] = 0x45;
	b[16] = 0;
	b[17] = (uint8_t)(20 + l4);
	b[22] = 64;
	b[23] = proto;
	ck_assert_int_eq(inet_pton(AF_INET, src, &a), 1);
	memcpy(b + 26, &a, 4);
	ck_assert_int_eq(inet_pton(AF_INET, dst, &a), 1);
	memcpy(b + 30, &a, 4);
	if (proto == 1) {
		b[34] = 8;
	} else {
		b[34] = (uint8_t)(sport >> 8);
		b[35] = (uint8_t)sport;
		b[36] = (uint8_t)(dport >> 8);
		b[37] = (uint8_t)dport;
		if (proto == 6) {
			b[46] = 0x50;
			b[47] = 0x02;
		} else
			b[39] = 8;
	}
	return 14 + 20 + l4;
}

static int
feed(struct detect *d, const char *iface, time_t sec, long usec,
    const uint8_t *b, size_t n)
{
	struct timeval tv = { sec, usec };

	return detect_packet(d, iface, NULL, 1, &tv, b, (uint32_t)n,
	    (uint32_t)n);
}

/* How many events of kind/sid; sid 0: any. */
static size_t
count(enum event_kind kind, enum sig sid)
{
	size_t i, n = 0;

	for (i = 0; i < Nev; i++)
		if (Ev[i].kind == kind && (sid == 0 || Ev[i].sid == sid))
			n++;
	return n;
}

static const struct ev *
first(enum event_kind kind, enum sig sid)
{
	size_t i;

	for (i = 0; i < Nev; i++)
		if (Ev[i].kind == kind && (sid == 0 || Ev[i].sid == sid))
			return &Ev[i];
	return NULL;
}

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
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(detect_suite)
