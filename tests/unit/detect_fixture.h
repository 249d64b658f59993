/* detect_fixture.h - the policy, event recorder and frame builders the check_detect*.c tests drive the engine with (helpers inline: not every file uses each). */
#ifndef BUNRI_DETECT_FIXTURE_H
#define BUNRI_DETECT_FIXTURE_H

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static inline struct detect *
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
static inline size_t
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

static inline int
feed(struct detect *d, const char *iface, time_t sec, long usec,
    const uint8_t *b, size_t n)
{
	struct timeval tv = { sec, usec };

	return detect_packet(d, iface, NULL, 1, &tv, b, (uint32_t)n,
	    (uint32_t)n);
}

/* How many events of kind/sid; sid 0: any. */
static inline size_t
count(enum event_kind kind, enum sig sid)
{
	size_t i, n = 0;

	for (i = 0; i < Nev; i++)
		if (Ev[i].kind == kind && (sid == 0 || Ev[i].sid == sid))
			n++;
	return n;
}

static inline const struct ev *
first(enum event_kind kind, enum sig sid)
{
	size_t i;

	for (i = 0; i < Nev; i++)
		if (Ev[i].kind == kind && (sid == 0 || Ev[i].sid == sid))
			return &Ev[i];
	return NULL;
}

/*
 * Ethernet + IPv4 ICMP error (type, code) from src to dst quoting the IP
 * part of the frame q (qn bytes, as frame4() built it; 28 bytes of it at
 * most, as a router quotes).  Returns the length.
 */
static inline size_t
frame4_icmp_err(uint8_t *b, const char *smac, const char *src,
    const char *dst, uint8_t type, uint8_t code, const uint8_t *q, size_t qn)
{
	size_t n, quote = qn - 14 > 28 ? 28 : qn - 14;

	n = frame4(b, smac, src, dst, 1, 0, 0);
	b[34] = type;
	b[35] = code;
	memcpy(b + n, q + 14, quote);
	n += quote;
	b[16] = (uint8_t)((n - 14) >> 8);
	b[17] = (uint8_t)(n - 14);
	return n;
}

static inline int
feed_out(struct detect *d, const char *iface, time_t sec, long usec,
    const uint8_t *b, size_t n)
{
	struct timeval tv = { sec, usec };

	return detect_packet_out(d, iface, NULL, 1, &tv, b, (uint32_t)n,
	    (uint32_t)n);
}

#endif
