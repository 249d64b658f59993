/* check_decide.c - the decision function: every reason and its words (fixture: decide_fixture.h). */
#include "check_main.h"
#include "decide_fixture.h"

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
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decide_suite)
