/* decide_fixture.h - a policy of every zone kind and the helpers that ask decide() about it, by scan and by index. */
#ifndef BUNRI_DECIDE_FIXTURE_H
#define BUNRI_DECIDE_FIXTURE_H

#include <sys/socket.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "decide.h"

/* 2026-11-23 00:00 UTC; F-002 expires 2027-03-31. */
#define NOW		((time_t)1795392000)
#define BEFORE_EXP	((time_t)1803859200)	/* 2027-03-01 */
#define AFTER_EXP	((time_t)1807747200)	/* 2027-04-15 */

static const char base_conf[] =
"version = 1;\n"
"gateway = { name = \"test-gw\"; mode = \"enforce\"; };\n"
"zones = (\n"
"  { name = \"mynumber\"; kind = \"mynumber\"; interfaces = [ \"mn0\" ];\n"
"    networks = [ \"192.0.2.0/26\", \"2001:db8:10::/64\" ];\n"
"    unknown_hosts = \"block\";\n"
"    hosts = ( { name = \"juki\"; mac = \"02:00:00:00:10:0a\";\n"
"                addresses = [ \"192.0.2.10\", \"2001:db8:10::a\" ]; } ); },\n"
"  { name = \"lgwan\"; kind = \"lgwan\"; interfaces = [ \"lg0\", \"lg1\" ];\n"
"    networks = [ \"198.51.100.0/24\", \"2001:db8:20::/64\" ];\n"
"    unknown_hosts = \"alert\";\n"
"    hosts = (\n"
"      { name = \"mail-gw\"; mac = \"02:00:00:00:20:19\"; addresses = [ \"198.51.100.25\" ]; },\n"
"      { name = \"vdi-client\"; mac = \"02:00:00:00:20:33\"; addresses = [ \"198.51.100.33\" ]; },\n"
"      { name = \"chukan-gw\"; mac = \"02:00:00:00:20:50\";\n"
"        addresses = [ \"198.51.100.50\", \"2001:db8:20::50\" ]; } ); },\n"
"  { name = \"internet\"; kind = \"internet\"; interfaces = [ \"in0\" ];\n"
"    networks = [ \"0.0.0.0/0\", \"::/0\" ];\n"
"    hosts = ( { name = \"sanitizer\"; addresses = [ \"203.0.113.25\" ]; },\n"
"              { name = \"vdi\"; addresses = [ \"203.0.113.40\" ]; } ); },\n"
"  { name = \"mgmt\"; kind = \"mgmt\"; interfaces = [ \"mg0\" ];\n"
"    networks = [ \"192.0.2.192/26\" ];\n"
"    hosts = ( { name = \"noc\"; mac = \"02:00:00:00:40:01\"; addresses = [ \"192.0.2.200\" ]; } ); },\n"
"  { name = \"dmz\"; kind = \"other\"; interfaces = [ \"dz0\" ];\n"
"    networks = [ \"203.0.113.128/25\" ]; unknown_hosts = \"allow\";\n"
"    hosts = ( { name = \"web\"; addresses = [ \"203.0.113.130\" ]; } ); },\n"
"  { name = \"branch\"; kind = \"other\"; interfaces = [ \"br0\" ];\n"
"    networks = [ \"192.0.2.64/26\" ]; attached = false; unknown_hosts = \"block\"; }\n"
");\n"
"flows = (\n"
"  { id = \"F-001\"; from = \"internet:sanitizer\"; to = \"lgwan:mail-gw\"; proto = \"tcp\";\n"
"    ports = [ 25 ]; sanitize = \"mail-text\"; reason = \"mail body\"; approval = \"R8-041\"; },\n"
"  { id = \"F-002\"; from = \"lgwan:vdi-client\"; to = \"internet:vdi\"; proto = \"tcp\";\n"
"    ports = [ 3389 ]; sanitize = \"screen-transfer\"; reason = \"screen transfer\";\n"
"    approval = \"R8-042\"; expires = \"2027-03-31\"; },\n"
"  { id = \"F-010\"; from = \"mynumber:juki\"; to = \"lgwan:chukan-gw\"; proto = \"tcp\";\n"
"    ports = [ 443 ]; reason = \"chukan server\"; approval = \"R8-007\"; },\n"
"  { id = \"F-020\"; from = \"mgmt:noc\"; to = \"lgwan\"; proto = \"tcp\";\n"
"    ports = ( 22, \"8000-8010\" ); reason = \"operations\"; approval = \"R8-100\"; },\n"
"  { id = \"F-021\"; from = \"mgmt:noc\"; to = \"mynumber:juki\"; proto = \"tcp\";\n"
"    ports = [ 22 ]; reason = \"juki ops\"; approval = \"R8-101\"; },\n"
"  { id = \"F-030\"; from = \"lgwan:chukan-gw\"; to = \"mynumber:juki\"; proto = \"udp\";\n"
"    ports = [ 514 ]; reason = \"syslog\"; approval = \"R8-102\"; },\n"
"  { id = \"F-040\"; from = \"mgmt\"; to = \"dmz\"; proto = \"icmp\";\n"
"    reason = \"ping\"; approval = \"R8-103\"; },\n"
"  { id = \"F-041\"; from = \"mgmt:noc\"; to = \"dmz:203.0.113.130\"; proto = \"udp\";\n"
"    ports = [ 53 ]; reason = \"dns\"; approval = \"R8-104\"; },\n"
"  { id = \"F-042\"; from = \"mgmt:192.0.2.192/26\"; to = \"dmz:203.0.113.128/25\"; proto = \"tcp\";\n"
"    ports = [ 443 ]; reason = \"web admin\"; approval = \"R8-105\"; },\n"
"  { id = \"F-060\"; from = \"branch\"; to = \"lgwan:mail-gw\"; proto = \"tcp\";\n"
"    ports = [ 25 ]; reason = \"branch mail\"; approval = \"R8-106\"; },\n"
"  { id = \"F-061\"; from = \"dmz\"; to = \"lgwan:mail-gw\"; proto = \"tcp\";\n"
"    ports = [ 587 ]; reason = \"dmz mail\"; approval = \"R8-107\"; },\n"
"  { id = \"F-062\"; from = \"lgwan\"; to = \"dmz:web\"; proto = \"tcp\";\n"
"    ports = [ 443 ]; reason = \"portal\"; approval = \"R8-108\"; },\n"
"  { id = \"F-063\"; from = \"lgwan\"; to = \"dmz:web\"; proto = \"tcp\";\n"
"    ports = [ 8443 ]; reason = \"portal admin\"; approval = \"R8-109\"; },\n"
"  { id = \"F-070\"; from = \"mynumber:juki\"; to = \"lgwan:2001:db8:20::99\"; proto = \"udp\";\n"
"    ports = [ 123 ]; reason = \"ntp\"; approval = \"R8-110\"; }\n"
");\n";

static struct policy *P;
static struct decide_index *Pidx;	/* built once; toggled in and out */

static inline void
setup(void)
{
	struct diags d;

	diags_init(&d);
	P = conf_load_string(base_conf, strlen(base_conf), "test.conf", NOW, &d);
	if (P == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	ck_assert_ptr_nonnull(P);
	ck_assert_int_eq(decide_index(P), 0);
	Pidx = P->didx;
	P->didx = NULL;
}

static inline void
teardown(void)
{
	if (P != NULL)
		P->didx = Pidx;
	policy_free(P);
	P = NULL;
}

struct q {
	const char	*iface;
	const char	*mac;		/* NULL: no MAC (checks off) */
	const char	*src, *dst;
	int		 proto;
	unsigned	 port;
};

static inline void
meta_of(const struct q *q, struct pkt_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->iface = q->iface;
	if (q->mac != NULL) {
		ck_assert_int_eq(mac_parse(q->mac, &m->mac), 0);
		m->has_mac = true;
	}
	ck_assert_int_eq(addr_parse(q->src, &m->src), ADDR_OK);
	ck_assert_int_eq(addr_parse(q->dst, &m->dst), ADDR_OK);
	m->proto = (uint8_t)q->proto;
	m->dport = (uint16_t)q->port;
}

/* Decide by scan and by index; both must give the same answer. */
static inline struct decision
dec_at(const struct q *q, const bool *iso, time_t now)
{
	struct pkt_meta m;
	struct decision d1, d2;

	meta_of(q, &m);
	P->didx = NULL;
	ck_assert_int_eq(decide(P, &m, iso, now, &d1), 0);
	P->didx = Pidx;
	ck_assert_int_eq(decide(P, &m, iso, now, &d2), 0);
	P->didx = NULL;
	ck_assert_int_eq(d1.allowed, d2.allowed);
	ck_assert_str_eq(verdict_reason_name(d1.reason),
	    verdict_reason_name(d2.reason));
	ck_assert_ptr_eq(d1.flow, d2.flow);
	ck_assert_uint_eq(d1.flags, d2.flags);
	return d1;
}

static inline struct decision
dec(const struct q *q)
{
	return dec_at(q, NULL, NOW);
}

#define MAC_JUKI	"02:00:00:00:10:0a"
#define MAC_MAILGW	"02:00:00:00:20:19"
#define MAC_VDIC	"02:00:00:00:20:33"
#define MAC_CHUKAN	"02:00:00:00:20:50"
#define MAC_NOC		"02:00:00:00:40:01"
#define MAC_ROUTER	"02:00:00:00:99:01"	/* unregistered */

static inline void
expect(const struct q *q, bool allowed, enum verdict_reason r,
    const char *flow_id)
{
	struct decision d = dec(q);

	ck_assert_msg(d.allowed == allowed && d.reason == r,
	    "%s -> %s: got %s/%s, want %s/%s", q->src, q->dst,
	    d.allowed ? "allowed" : "blocked", verdict_reason_name(d.reason),
	    allowed ? "allowed" : "blocked", verdict_reason_name(r));
	if (flow_id == NULL)
		ck_assert_ptr_null(d.flow);
	else {
		ck_assert_ptr_nonnull(d.flow);
		ck_assert_str_eq(d.flow->id, flow_id);
	}
}

/* The words of a decision. */
static inline const char *
words(const struct q *q, const bool *iso, time_t now)
{
	static char buf[1024];
	struct pkt_meta m;
	struct decision d;

	meta_of(q, &m);
	P->didx = Pidx;
	ck_assert_int_eq(decide(P, &m, iso, now, &d), 0);
	decision_fmt(P, &m, &d, buf, sizeof(buf));
	P->didx = NULL;
	return buf;
}

#define ck_assert_prefix(s, pfx) \
	ck_assert_msg(strncmp((s), (pfx), strlen(pfx)) == 0, \
	    "\"%s\" does not start with \"%s\"", (s), (pfx))
#define ck_assert_has(s, needle) \
	ck_assert_msg(strstr((s), (needle)) != NULL, \
	    "\"%s\" does not contain \"%s\"", (s), (needle))

#endif
