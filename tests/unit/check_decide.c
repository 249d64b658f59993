/* check_decide.c - the decision function: every reason, index against scan, words. */
#include <sys/socket.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
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

static void
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

static void
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

static void
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
static struct decision
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

static struct decision
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

static void
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
static const char *
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

START_TEST(allowed_flows)
{
	const struct q q1 = { "in0", MAC_ROUTER, "203.0.113.25", "198.51.100.25", PROTO_TCP, 25 };
	const struct q q2 = { "lg0", MAC_VDIC, "198.51.100.33", "203.0.113.40", PROTO_TCP, 3389 };
	const struct q q3 = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_TCP, 443 };
	const struct q q4 = { "lg1", MAC_CHUKAN, "198.51.100.50", "192.0.2.10", PROTO_UDP, 514 };
	const struct q q5 = { "mg0", MAC_NOC, "192.0.2.200", "203.0.113.130", PROTO_UDP, 53 };
	const struct q q6 = { "mg0", MAC_NOC, "192.0.2.200", "203.0.113.200", PROTO_ICMP, 0 };
	const struct q q7 = { "mg0", MAC_NOC, "192.0.2.200", "203.0.113.131", PROTO_TCP, 443 };
	const struct q q8 = { "mg0", MAC_NOC, "192.0.2.200", "192.0.2.10", PROTO_TCP, 22 };

	expect(&q1, true, VR_FLOW, "F-001");
	expect(&q2, true, VR_FLOW, "F-002");
	expect(&q3, true, VR_FLOW, "F-010");
	expect(&q4, true, VR_FLOW, "F-030");
	expect(&q5, true, VR_FLOW, "F-041");
	expect(&q6, true, VR_FLOW, "F-040");
	expect(&q7, true, VR_FLOW, "F-042");
	expect(&q8, true, VR_FLOW, "F-021");
	ck_assert_str_eq(words(&q3, NULL, NOW), "allowed by F-010 (chukan server)");
}
END_TEST

START_TEST(port_ranges)
{
	struct q q = { "mg0", MAC_NOC, "192.0.2.200", "198.51.100.99", PROTO_TCP, 22 };
	static const unsigned ok[] = { 22, 8000, 8005, 8010 };
	static const unsigned bad[] = { 21, 23, 7999, 8011, 65535 };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		q.port = ok[i];
		expect(&q, true, VR_FLOW, "F-020");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		q.port = bad[i];
		expect(&q, false, VR_WRONG_PORT, "F-020");
	}
	ck_assert_has(words(&q, NULL, NOW), "allows tcp 22, 8000-8010, not tcp 65535");
}
END_TEST

START_TEST(wrong_port_proto)
{
	const struct q port = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_TCP, 80 };
	const struct q proto = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_UDP, 443 };
	const struct q icmp = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_ICMP, 0 };

	expect(&port, false, VR_WRONG_PORT, "F-010");
	expect(&proto, false, VR_WRONG_PROTO, "F-010");
	expect(&icmp, false, VR_WRONG_PROTO, "F-010");
	ck_assert_str_eq(words(&port, NULL, NOW), "blocked: wrong port: flow F-010 "
	    "(mynumber:juki -> lgwan:chukan-gw) allows tcp 443, not tcp 80");
	ck_assert_str_eq(words(&proto, NULL, NOW), "blocked: wrong protocol: flow F-010 "
	    "(mynumber:juki -> lgwan:chukan-gw) allows tcp 443, not udp 443");
}
END_TEST

START_TEST(wrong_host_and_reverse)
{
	/* flows exist for lgwan -> internet, not from mail-gw to vdi */
	const struct q wh = { "lg0", MAC_MAILGW, "198.51.100.25", "203.0.113.40", PROTO_TCP, 3389 };
	/* F-010 the wrong way round: lgwan -> mynumber has F-030 only (udp) */
	const struct q rev10 = { "lg0", MAC_CHUKAN, "198.51.100.50", "192.0.2.10", PROTO_TCP, 443 };
	/* F-001 the wrong way round */
	const struct q rev1 = { "lg0", MAC_MAILGW, "198.51.100.25", "203.0.113.25", PROTO_TCP, 25 };
	/* F-021 the wrong way round: nothing from mynumber to mgmt */
	const struct q rev21 = { "mn0", MAC_JUKI, "192.0.2.10", "192.0.2.200", PROTO_TCP, 22 };
	/* juki to another lgwan host */
	const struct q other = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.25", PROTO_TCP, 443 };
	const char *w;

	expect(&wh, false, VR_WRONG_HOST, "F-002");
	expect(&rev10, false, VR_WRONG_PROTO, "F-030");
	expect(&rev1, false, VR_WRONG_HOST, "F-002");
	expect(&rev21, false, VR_NO_FLOW, NULL);
	expect(&other, false, VR_WRONG_HOST, "F-010");
	w = words(&rev1, NULL, NOW);
	ck_assert_prefix(w, "blocked: wrong host: no flow from lgwan:198.51.100.25 (host mail-gw) "
	    "to internet:203.0.113.25 (host sanitizer)");
	ck_assert_has(w, "F-001 (internet:sanitizer -> lgwan:mail-gw) allows the other direction");
	ck_assert_str_eq(words(&rev21, NULL, NOW), "blocked: no flow between these zones: "
	    "nothing is allowed from mynumber to mgmt; flow F-021 (mgmt:noc -> mynumber:juki) "
	    "allows the other direction: connections must be opened from mgmt");
}
END_TEST

START_TEST(spoofed)
{
	/* an lgwan source on the internet interface: the catch-all does not take it */
	const struct q s1 = { "in0", MAC_ROUTER, "198.51.100.25", "192.0.2.200", PROTO_TCP, 22 };
	const struct q s2 = { "lg0", MAC_ROUTER, "192.0.2.30", "203.0.113.40", PROTO_TCP, 3389 };
	const struct q s3 = { "mn0", MAC_JUKI, "203.0.113.5", "198.51.100.50", PROTO_TCP, 443 };
	const struct q s6 = { "mn0", MAC_JUKI, "2001:db8:20::5", "2001:db8:20::50", PROTO_TCP, 443 };
	/* the mynumber source inside lgwan's interface, with the right MAC */
	const struct q s4 = { "lg0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_TCP, 443 };
	/* a spoofed source is refused before its MAC is looked at */
	const struct q s5 = { "in0", NULL, "192.0.2.10", "198.51.100.50", PROTO_TCP, 443 };

	expect(&s1, false, VR_SPOOFED, NULL);
	expect(&s2, false, VR_SPOOFED, NULL);
	expect(&s3, false, VR_SPOOFED, NULL);
	expect(&s4, false, VR_SPOOFED, NULL);
	expect(&s5, false, VR_SPOOFED, NULL);
	expect(&s6, false, VR_SPOOFED, NULL);
	ck_assert_str_eq(words(&s1, NULL, NOW), "blocked: spoofed source: 198.51.100.25 "
	    "belongs to zone lgwan but arrived on in0 (zone internet)");
}
END_TEST

START_TEST(mac_not_bound)
{
	/* juki's MAC with another address of its zone */
	const struct q m1 = { "mn0", MAC_JUKI, "192.0.2.11", "198.51.100.50", PROTO_TCP, 443 };
	/* juki's address from another MAC: wrong source MAC, same IP */
	const struct q m2 = { "mn0", "02:00:00:00:10:ff", "192.0.2.10", "198.51.100.50", PROTO_TCP, 443 };
	/* chukan-gw's MAC with mail-gw's address */
	const struct q m3 = { "lg0", MAC_CHUKAN, "198.51.100.25", "203.0.113.25", PROTO_TCP, 25 };
	/* same in lgwan (unknown_hosts = alert does not excuse an address theft) */
	const struct q m4 = { "lg0", MAC_ROUTER, "198.51.100.33", "203.0.113.40", PROTO_TCP, 3389 };
	struct decision d;

	expect(&m1, false, VR_MAC_NOT_BOUND, NULL);
	expect(&m2, false, VR_MAC_NOT_BOUND, NULL);
	expect(&m3, false, VR_MAC_NOT_BOUND, NULL);
	expect(&m4, false, VR_MAC_NOT_BOUND, NULL);
	d = dec(&m1);
	ck_assert_ptr_nonnull(d.mac_host);
	ck_assert_str_eq(d.mac_host->name, "juki");
	d = dec(&m2);
	ck_assert_ptr_null(d.mac_host);
	ck_assert_ptr_nonnull(d.addr_host);
	ck_assert_str_eq(d.addr_host->name, "juki");
	ck_assert_str_eq(words(&m1, NULL, NOW), "blocked: MAC not bound to this address: "
	    "MAC 02:00:00:00:10:0a is registered to mynumber:juki, bound to 192.0.2.10, "
	    "2001:db8:10::a; not 192.0.2.11");
	ck_assert_str_eq(words(&m2, NULL, NOW), "blocked: MAC not bound to this address: "
	    "192.0.2.10 is bound to mynumber:juki (MAC 02:00:00:00:10:0a), but came from "
	    "unregistered MAC 02:00:00:00:10:ff");
}
END_TEST

START_TEST(unknown_hosts)
{
	/* block (mynumber) */
	const struct q b = { "mn0", MAC_ROUTER, "192.0.2.11", "198.51.100.50", PROTO_TCP, 443 };
	/* alert (lgwan): passes, flagged */
	const struct q a = { "lg0", MAC_ROUTER, "198.51.100.77", "203.0.113.130", PROTO_TCP, 443 };
	/* allow (dmz): passes, not flagged */
	const struct q w = { "dz0", MAC_ROUTER, "203.0.113.140", "198.51.100.25", PROTO_TCP, 587 };
	/* a registered host without a MAC counts as unknown by its MAC */
	const struct q n = { "in0", MAC_ROUTER, "203.0.113.25", "198.51.100.25", PROTO_TCP, 25 };
	/* no MAC seen (not Ethernet): no MAC checks */
	const struct q x = { "mn0", NULL, "192.0.2.11", "198.51.100.50", PROTO_TCP, 443 };
	struct decision d;

	expect(&b, false, VR_UNKNOWN_HOST, NULL);
	d = dec(&a);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.flow->id, "F-062");
	ck_assert_uint_eq(d.flags, DF_UNKNOWN_HOST);
	d = dec(&w);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.flow->id, "F-061");
	ck_assert_uint_eq(d.flags, 0);
	d = dec(&n);
	ck_assert(d.allowed);
	ck_assert_uint_eq(d.flags, DF_UNKNOWN_HOST);
	expect(&x, false, VR_WRONG_HOST, "F-010");
	ck_assert_str_eq(words(&b, NULL, NOW), "blocked: unknown host: MAC 02:00:00:00:99:01 "
	    "(source 192.0.2.11) is not a registered host of zone mynumber (unknown_hosts = block)");
}
END_TEST

START_TEST(wrong_zone_mac)
{
	/* mail-gw's MAC appears on the mynumber segment */
	const struct q q = { "mn0", MAC_MAILGW, "192.0.2.11", "198.51.100.50", PROTO_TCP, 443 };
	/* juki's MAC on the mgmt segment with an mgmt address */
	const struct q q2 = { "mg0", MAC_JUKI, "192.0.2.201", "198.51.100.50", PROTO_TCP, 22 };

	expect(&q, false, VR_WRONG_ZONE_MAC, NULL);
	expect(&q2, false, VR_WRONG_ZONE_MAC, NULL);
	ck_assert_str_eq(words(&q, NULL, NOW), "blocked: host in wrong zone: MAC "
	    "02:00:00:00:20:19 is registered to lgwan:mail-gw but was seen on mn0 (zone mynumber)");
}
END_TEST

START_TEST(not_attached)
{
	/* branch is behind a router: any MAC, no MAC checks, unknown_hosts irrelevant */
	const struct q q = { "br0", MAC_JUKI, "192.0.2.70", "198.51.100.25", PROTO_TCP, 25 };

	expect(&q, true, VR_FLOW, "F-060");
}
END_TEST

START_TEST(isolation)
{
	const struct q q = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_TCP, 443 };
	const struct q intra = { "lg0", MAC_MAILGW, "198.51.100.25", "198.51.100.50", PROTO_TCP, 80 };
	bool iso[6] = { false };
	struct decision d;

	ck_assert_uint_eq(P->nzones, 6);
	iso[1] = true;			/* lgwan, the destination */
	d = dec_at(&q, iso, NOW);
	ck_assert(!d.allowed);
	ck_assert_int_eq(d.reason, VR_ZONE_ISOLATED);
	ck_assert_str_eq(d.dst_zone->name, "lgwan");
	ck_assert_str_eq(words(&q, iso, NOW), "blocked: zone isolated: destination zone lgwan "
	    "is isolated (bunrictl restore ZONE lifts it)");
	d = dec_at(&intra, iso, NOW);	/* isolated means nothing moves inside either */
	ck_assert_int_eq(d.reason, VR_ZONE_ISOLATED);
	iso[1] = false;
	iso[0] = true;			/* mynumber, the source */
	d = dec_at(&q, iso, NOW);
	ck_assert(!d.allowed);
	ck_assert_int_eq(d.reason, VR_ZONE_ISOLATED);
	ck_assert_ptr_null(d.dst_zone);
	ck_assert_has(words(&q, iso, NOW), "source zone mynumber is isolated");
	iso[0] = false;
	iso[4] = true;			/* dmz: not involved */
	d = dec_at(&q, iso, NOW);
	ck_assert(d.allowed);
}
END_TEST

START_TEST(expiry)
{
	const struct q q = { "lg0", MAC_VDIC, "198.51.100.33", "203.0.113.40", PROTO_TCP, 3389 };
	const struct q port = { "lg0", MAC_VDIC, "198.51.100.33", "203.0.113.40", PROTO_TCP, 80 };
	struct decision d;

	d = dec_at(&q, NULL, BEFORE_EXP);
	ck_assert(d.allowed);
	ck_assert_str_eq(d.flow->id, "F-002");
	d = dec_at(&q, NULL, AFTER_EXP);
	ck_assert(!d.allowed);
	ck_assert_int_eq(d.reason, VR_EXPIRED);
	ck_assert_str_eq(d.flow->id, "F-002");
	ck_assert_prefix(words(&q, NULL, AFTER_EXP), "blocked: flow expired: flow F-002 "
	    "(lgwan:vdi-client -> internet:vdi) allowed tcp 3389 until ");
	d = dec_at(&q, NULL, P->flows[1].expires);	/* expires <= now: gone */
	ck_assert_int_eq(d.reason, VR_EXPIRED);
	d = dec_at(&q, NULL, P->flows[1].expires - 1);
	ck_assert(d.allowed);
	/* an expired flow does not make a wrong port: nothing is left for the pair */
	d = dec_at(&port, NULL, AFTER_EXP);
	ck_assert_int_eq(d.reason, VR_NO_FLOW);
	ck_assert_has(words(&port, NULL, AFTER_EXP), "(expired: F-002 on ");
	d = dec_at(&port, NULL, BEFORE_EXP);
	ck_assert_int_eq(d.reason, VR_WRONG_PORT);
}
END_TEST

START_TEST(intra_zone)
{
	const struct q q = { "mn0", MAC_JUKI, "192.0.2.10", "192.0.2.20", PROTO_TCP, 445 };
	const struct q v6 = { "lg0", MAC_CHUKAN, "2001:db8:20::50", "2001:db8:20::7", PROTO_UDP, 53 };

	expect(&q, true, VR_INTRA_ZONE, NULL);
	expect(&v6, true, VR_INTRA_ZONE, NULL);
	ck_assert_str_eq(words(&q, NULL, NOW),
	    "allowed: inside zone mynumber (not an inter-zone crossing)");
}
END_TEST

START_TEST(ipv6)
{
	const struct q ok = { "mn0", MAC_JUKI, "2001:db8:10::a", "2001:db8:20::50", PROTO_TCP, 443 };
	const struct q port = { "mn0", MAC_JUKI, "2001:db8:10::a", "2001:db8:20::50", PROTO_TCP, 80 };
	const struct q ntp = { "mn0", MAC_JUKI, "2001:db8:10::a", "2001:db8:20::99", PROTO_UDP, 123 };
	const struct q ntp4 = { "mn0", MAC_JUKI, "192.0.2.10", "2001:db8:20::98", PROTO_UDP, 123 };
	const struct q mac = { "mn0", MAC_JUKI, "2001:db8:10::b", "2001:db8:20::50", PROTO_TCP, 443 };
	const struct q inet = { "lg0", MAC_VDIC, "198.51.100.33", "2001:db8:99::1", PROTO_TCP, 3389 };

	expect(&ok, true, VR_FLOW, "F-010");
	expect(&port, false, VR_WRONG_PORT, "F-010");
	expect(&ntp, true, VR_FLOW, "F-070");
	expect(&ntp4, false, VR_WRONG_HOST, "F-010");
	expect(&mac, false, VR_MAC_NOT_BOUND, NULL);
	/* v4 source, v6 destination of the internet: lgwan -> internet pair */
	expect(&inet, false, VR_WRONG_HOST, "F-002");
}
END_TEST

START_TEST(no_zone)
{
	const struct q q = { "eth9", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_TCP, 443 };
	struct pkt_meta m;
	struct decision d;

	expect(&q, false, VR_NO_ZONE_IFACE, NULL);
	ck_assert_str_eq(words(&q, NULL, NOW),
	    "blocked: no zone for interface: eth9 is not an interface of any zone");
	meta_of(&q, &m);
	m.iface = NULL;
	ck_assert_int_eq(decide(P, &m, NULL, NOW, &d), -1);
	ck_assert(!d.allowed);
	/* the ingress zone given directly */
	m.zone = policy_zone_by_name(P, "mynumber");
	ck_assert_int_eq(decide(P, &m, NULL, NOW, &d), 0);
	ck_assert(d.allowed);
}
END_TEST

/* Without a catch-all, a destination can be in no zone. */
START_TEST(no_zone_dst)
{
	static const char text[] =
	    "version = 1;\ngateway = { name = \"g\"; };\n"
	    "zones = (\n"
	    " { name = \"lgwan\"; kind = \"lgwan\"; interfaces = [ \"lg0\" ];\n"
	    "   networks = [ \"198.51.100.0/24\" ]; unknown_hosts = \"allow\"; },\n"
	    " { name = \"mgmt\"; kind = \"mgmt\"; interfaces = [ \"mg0\" ];\n"
	    "   networks = [ \"192.0.2.192/26\" ]; unknown_hosts = \"allow\"; }\n"
	    ");\nflows = ();\n";
	struct policy *p;
	struct diags dg;
	struct pkt_meta m;
	struct decision d;
	const struct q q = { "lg0", NULL, "198.51.100.7", "203.0.113.7", PROTO_TCP, 80 };
	const struct q q2 = { "lg0", NULL, "198.51.100.7", "192.0.2.200", PROTO_TCP, 80 };
	char buf[512];

	diags_init(&dg);
	p = conf_load_string(text, strlen(text), "t.conf", NOW, &dg);
	if (p == NULL)
		diags_print(&dg, stderr);
	ck_assert_ptr_nonnull(p);
	meta_of(&q, &m);
	ck_assert_int_eq(decide(p, &m, NULL, NOW, &d), 0);
	ck_assert_int_eq(d.reason, VR_NO_ZONE_DST);
	ck_assert_str_eq(decision_fmt(p, &m, &d, buf, sizeof(buf)),
	    "blocked: no zone for destination: 203.0.113.7 is in no zone's networks");
	meta_of(&q2, &m);
	ck_assert_int_eq(decide(p, &m, NULL, NOW, &d), 0);
	ck_assert_int_eq(d.reason, VR_NO_FLOW);
	ck_assert_str_eq(decision_fmt(p, &m, &d, buf, sizeof(buf)),
	    "blocked: no flow between these zones: nothing is allowed from lgwan to mgmt");
	policy_free(p);
	diags_free(&dg);
}
END_TEST

/* Every reason has a name and words; a tiny buffer is never overrun. */
START_TEST(fmt_bounds)
{
	const struct q q = { "mn0", MAC_JUKI, "192.0.2.10", "198.51.100.50", PROTO_TCP, 80 };
	struct pkt_meta m;
	struct decision d;
	char buf[16];
	int r;

	for (r = VR_FLOW; r <= VR_EXPIRED; r++)
		ck_assert_str_ne(verdict_reason_name((enum verdict_reason)r), "unknown");
	meta_of(&q, &m);
	ck_assert_int_eq(decide(P, &m, NULL, NOW, &d), 0);
	memset(buf, 'x', sizeof(buf));
	decision_fmt(P, &m, &d, buf, 10);
	ck_assert_str_eq(buf, "blocked: ");
	ck_assert_int_eq(buf[10], 'x');
}
END_TEST

/*
 * A generated policy of many hosts and flows of every endpoint shape:
 * the index must give exactly the answers of the scan.
 */
#define GEN_HOSTS	300
#define GEN_FLOWS	3000

static unsigned long rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static void
gen_endpoint(char *buf, size_t len, const char *zone, char side, unsigned h,
    bool whole)
{
	switch (rnd(40)) {
	case 0:
		if (whole) {	/* sources only: one zone-to-zone flow would match all */
			snprintf(buf, len, "%s", zone);
			break;
		}
		/* FALLTHROUGH */
	case 1:
	case 2:
		snprintf(buf, len, "%s:2001:db8:%s::%x0/124", zone,
		    side == 'l' ? "20" : "99", rnd(19));
		break;
	case 3:
	case 4:
		snprintf(buf, len, "%s:2001:db8:%s::%x", zone,
		    side == 'l' ? "20" : "99", h + 1);
		break;
	default:
		snprintf(buf, len, "%s:%c%u", zone, side, h);
		break;
	}
}

/* The hosts and direction of each generated flow, to aim queries at. */
static unsigned gen_a[GEN_FLOWS], gen_b[GEN_FLOWS], gen_out[GEN_FLOWS];

static char *
gen_policy(void)
{
	size_t cap = 4u << 20, off = 0;
	char *t = malloc(cap), from[96], to[96];
	unsigned i, a, b, lo;

	ck_assert_ptr_nonnull(t);
#define OUT(...) do { off += (size_t)snprintf(t + off, cap - off, __VA_ARGS__); \
	ck_assert_uint_lt(off, cap); } while (0)
	OUT("version = 1;\ngateway = { name = \"g\"; };\nzones = (\n");
	OUT(" { name = \"lgwan\"; kind = \"lgwan\"; interfaces = [ \"lg0\" ];\n"
	    "   networks = [ \"2001:db8:20::/64\" ]; unknown_hosts = \"alert\"; hosts = (\n");
	for (i = 0; i < GEN_HOSTS; i++)
		OUT("  { name = \"l%u\"; mac = \"02:00:00:01:%02x:%02x\"; "
		    "addresses = [ \"2001:db8:20::%x\" ]; }%s\n", i, i >> 8, i & 0xff,
		    i + 1, i + 1 < GEN_HOSTS ? "," : "");
	OUT(" ); },\n { name = \"internet\"; kind = \"internet\"; interfaces = [ \"in0\" ];\n"
	    "   networks = [ \"::/0\" ]; hosts = (\n");
	for (i = 0; i < GEN_HOSTS; i++)
		OUT("  { name = \"i%u\"; addresses = [ \"2001:db8:99::%x\" ]; }%s\n", i,
		    i + 1, i + 1 < GEN_HOSTS ? "," : "");
	OUT(" ); }\n);\nflows = (\n");
	for (i = 0; i < GEN_FLOWS; i++) {
		a = gen_a[i] = rnd(GEN_HOSTS);
		b = gen_b[i] = rnd(GEN_HOSTS);
		if ((gen_out[i] = rnd(2))) {
			gen_endpoint(from, sizeof(from), "lgwan", 'l', a, true);
			gen_endpoint(to, sizeof(to), "internet", 'i', b, false);
		} else {
			gen_endpoint(from, sizeof(from), "internet", 'i', b, true);
			gen_endpoint(to, sizeof(to), "lgwan", 'l', a, false);
		}
		lo = 1 + rnd(20);
		OUT(" { id = \"G-%u\"; from = \"%s\"; to = \"%s\"; proto = \"%s\";"
		    " ports = ( %u, \"%u-%u\" ); sanitize = \"screen-transfer\";"
		    " reason = \"r\"; approval = \"a\";%s }%s\n", i, from, to,
		    rnd(4) == 0 ? "udp" : "tcp", lo, lo + 2, lo + 4,
		    rnd(5) == 0 ? " expires = \"2027-01-01\";" : "",
		    i + 1 < GEN_FLOWS ? "," : "");
	}
	OUT(");\n");
#undef OUT
	return t;
}

START_TEST(index_equals_scan)
{
	struct policy *saved = P, *p;
	struct decide_index *saved_idx = Pidx;
	struct diags dg;
	struct q q;
	char *text = gen_policy(), src[64], dst[64], mac[MAC_STRLEN];
	unsigned i, a, b, f, nallowed = 0, nreason[VR_EXPIRED + 1] = { 0 };
	struct decision d;

	diags_init(&dg);
	p = conf_load_string(text, strlen(text), "gen.conf", NOW, &dg);
	if (p == NULL)
		diags_print(&dg, stderr);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(decide_index(p), 0);
	P = p;
	Pidx = p->didx;
	p->didx = NULL;
	for (i = 0; i < 6000; i++) {
		/* near a flow: its hosts, or one of them moved */
		f = rnd(GEN_FLOWS);
		a = rnd(3) == 0 ? rnd(GEN_HOSTS + 5) : gen_a[f];	/* a few unregistered */
		b = rnd(3) == 0 ? rnd(GEN_HOSTS + 5) : gen_b[f];
		memset(&q, 0, sizeof(q));
		snprintf(mac, sizeof(mac), "02:00:00:01:%02x:%02x", (a >> 8) & 0xff,
		    a & 0xff);
		if (rnd(4) == 0 ? rnd(2) : gen_out[f]) {
			q.iface = "lg0";
			snprintf(src, sizeof(src), "2001:db8:20::%x", a + 1);
			snprintf(dst, sizeof(dst), "2001:db8:99::%x", b + 1);
			q.mac = rnd(10) == 0 ? MAC_ROUTER : mac;
		} else {
			q.iface = "in0";
			snprintf(src, sizeof(src), "2001:db8:99::%x", b + 1);
			snprintf(dst, sizeof(dst), "2001:db8:20::%x", a + 1);
			q.mac = MAC_ROUTER;
		}
		q.src = src;
		q.dst = dst;
		q.proto = rnd(4) == 0 ? PROTO_UDP : PROTO_TCP;
		q.port = 1 + rnd(26);
		d = dec_at(&q, NULL, rnd(2) ? BEFORE_EXP : NOW);
		nallowed += d.allowed;
		nreason[d.reason]++;
	}
	/* the generator must exercise the interesting answers */
	ck_assert_uint_gt(nallowed, 50);
	ck_assert_uint_gt(nreason[VR_WRONG_PORT], 50);
	ck_assert_uint_gt(nreason[VR_WRONG_HOST], 50);
	ck_assert_uint_gt(nreason[VR_WRONG_PROTO], 5);
	ck_assert_uint_gt(nreason[VR_EXPIRED], 5);
	p->didx = Pidx;
	policy_free(p);
	P = saved;
	Pidx = saved_idx;
	diags_free(&dg);
	free(text);
}
END_TEST

static Suite *
decide_suite(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, allowed_flows);
	tcase_add_test(tc, port_ranges);
	tcase_add_test(tc, wrong_port_proto);
	tcase_add_test(tc, wrong_host_and_reverse);
	tcase_add_test(tc, spoofed);
	tcase_add_test(tc, mac_not_bound);
	tcase_add_test(tc, unknown_hosts);
	tcase_add_test(tc, wrong_zone_mac);
	tcase_add_test(tc, not_attached);
	tcase_add_test(tc, isolation);
	tcase_add_test(tc, expiry);
	tcase_add_test(tc, intra_zone);
	tcase_add_test(tc, ipv6);
	tcase_add_test(tc, no_zone);
	tcase_add_test(tc, no_zone_dst);
	tcase_add_test(tc, fmt_bounds);
	tcase_add_test(tc, index_equals_scan);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decide_suite)
