/* check_rules_sep.c - unit tests of separation rules 1-5 and the speed of the checks. */
#include <sys/socket.h>

#include <check.h>
#include <stdbool.h>

#include "check_main.h"
#include "decide.h"
#include "rules_fixture.h"

#define SAN(m)	" sanitize = \"" m "\";"

/* --- rule 1: My Number never meets the Internet ------------------------- */

START_TEST(rule1_mynumber_internet)
{
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "mynumber:juki",
	    "internet:vdi", TCP(443)), "", 13, "flows[3] (F-020): flow "
	    "between mynumber zone \"mynumber\" and internet zone "
	    "\"internet\" is forbidden");
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "internet:vdi",
	    "mynumber:juki", TCP(443)), "", 13, "flows[3] (F-020): flow "
	    "between mynumber zone \"mynumber\" and internet zone "
	    "\"internet\" is forbidden");
	/* F-010 of the fixture is a lawful mynumber -> lgwan flow. */
	EXPECT_CLEAN("", ZONES, FLOWS, "");
}
END_TEST

/* --- rule 2: pinned on MAC, address and port ---------------------------- */

#define F_MN2(from, to, rest) FLOWS ",\n" FLOW("F-020", from, to, rest)

START_TEST(rule2_mynumber_side)
{
	/* The wording of config.md's own example. */
	EXPECT_ERROR("", ZONES, F_MN2("mynumber", "lgwan:chukan-gw", TCP(443)),
	    "", 13, "flows[3] (F-020): mynumber flow must name a registered "
	    "host, not the whole zone \"mynumber\"");
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:192.0.2.10", "lgwan:chukan-gw",
	    TCP(443)), "", 13, "flows[3] (F-020): mynumber flow must name a "
	    "registered host, not the address \"192.0.2.10\"; name it as "
	    "\"mynumber:juki\"");
	EXPECT_ERROR("", ZONES, F_MN2("lgwan:chukan-gw", "mynumber:192.0.2.0/28",
	    TCP(443)), "", 13, "flows[3] (F-020): mynumber flow must name a "
	    "registered host, not the network \"192.0.2.0/28\"");
	EXPECT_CLEAN("", ZONES, F_MN2("lgwan:chukan-gw", "mynumber:tax",
	    TCP(443)), "");
}
END_TEST

START_TEST(rule2_peer_side)
{
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt", TCP(514)), "",
	    13, "flows[3] (F-020): mynumber flow must name a host or a single "
	    "address on its other side, not the whole zone \"mgmt\"");
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.192/27",
	    TCP(514)), "", 13, "flows[3] (F-020): mynumber flow must name a "
	    "host or a single address on its other side, not the network "
	    "\"mgmt:192.0.2.192/27\"");
	/* A single address is as narrow as a host. */
	EXPECT_CLEAN("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.201",
	    TCP(514)), "");
	EXPECT_CLEAN("", ZONES, F_MN2("mynumber:tax", "mgmt:noc", TCP(514)),
	    "");
}
END_TEST

START_TEST(rule2_proto_ports)
{
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:noc",
	    "proto = \"icmp\";"), "", 13, "flows[3] (F-020): mynumber flow "
	    "must be tcp or udp, not icmp");
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:noc",
	    "proto = \"tcp\"; ports = ( \"1-65535\" );"), "", 13,
	    "flows[3] (F-020): mynumber flow must list its ports, not the "
	    "range 1-65535");
	EXPECT_CLEAN("", ZONES, F_MN2("mynumber:tax", "mgmt:noc",
	    "proto = \"udp\"; ports = ( 514, \"6514-6515\" );"), "");
}
END_TEST

/* A My Number zone with no host yet: say what to register. */
START_TEST(rule2_mynumber_zone_without_hosts)
{
	EXPECT_ERROR("", "{ name = \"mynumber\"; kind = \"mynumber\"; "
	    "interfaces = [ \"mn0\" ]; networks = [ \"192.0.2.0/26\" ]; },\n"
	    ZLG ",\n" ZIN ",\n" ZMG, F_MAIL ",\n" F_VDI ",\n" FLOW("F-010",
	    "mynumber", "lgwan:chukan-gw", TCP(443)), "", 12, "flows[2] "
	    "(F-010): mynumber flow must name a registered host, not the "
	    "whole zone \"mynumber\"; register the host (name, mac, "
	    "addresses) in the zone and name it");
	/* An address no host holds is no registered host either. */
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:192.0.2.11", "lgwan:chukan-gw",
	    TCP(443)), "", 13, "flows[3] (F-020): mynumber flow must name a "
	    "registered host, not the address \"192.0.2.11\"; register the "
	    "host (name, mac, addresses) in zone \"mynumber\"");
}
END_TEST

/*
 * The loader already refuses a mynumber host without a MAC and a tcp flow
 * without ports; the rules must not rely on that, so the model is edited
 * after a clean load and checked again.
 */
START_TEST(rule2_model_without_mac_or_ports)
{
	struct loaded	 l;
	struct diags	 d;
	struct host	*juki;
	struct flow	*f;
	size_t		 nports;

	l = fx_load("", ZONES, FLOWS, "");
	ck_assert_ptr_nonnull(l.p);
	juki = &l.p->zones[0].hosts[0];
	f = &l.p->flows[2];
	ck_assert_str_eq(juki->name, "juki");
	ck_assert_str_eq(f->id, "F-010");

	diags_init(&d);
	conf_rules_check(l.p, NOW, &d);
	ck_assert_uint_eq(d.n, 0);
	diags_free(&d);

	juki->has_mac = false;
	juki->mac_loc.line = 0;
	diags_init(&d);
	conf_rules_check(l.p, NOW, &d);
	if (!fx_has(&d, DIAG_ERROR, 12, "flows[2] (F-010): mynumber flow must "
	    "name a host with a registered MAC; \"mynumber:juki\" has none, "
	    "add mac to zones[0].hosts[0]"))
		fx_dump(&d);
	ck_assert(fx_has(&d, DIAG_ERROR, 12, "flows[2] (F-010): mynumber flow "
	    "must name a host with a registered MAC; \"mynumber:juki\" has "
	    "none, add mac to zones[0].hosts[0]"));
	diags_free(&d);
	juki->has_mac = true;

	nports = f->nports;
	f->nports = 0;
	diags_init(&d);
	conf_rules_check(l.p, NOW, &d);
	if (!fx_has(&d, DIAG_ERROR, 12, "flows[2] (F-010): mynumber flow must "
	    "list its ports; add ports"))
		fx_dump(&d);
	ck_assert(fx_has(&d, DIAG_ERROR, 12, "flows[2] (F-010): mynumber flow "
	    "must list its ports; add ports"));
	ck_assert_uint_eq(d.nerrors, 1);
	diags_free(&d);
	f->nports = nports;
	fx_free(&l);
}
END_TEST

/* --- rule 3: no two-hop path My Number -> peer -> Internet ------------- */

START_TEST(rule3_peer_host)
{
	/* F-010 (line 12) makes lgwan:chukan-gw a peer of My Number. */
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "lgwan:chukan-gw",
	    "internet:vdi", TCP(443) SAN("screen-transfer")), "", 13,
	    "flows[3] (F-020): flow between \"lgwan:chukan-gw\" and internet "
	    "zone \"internet\" reaches \"lgwan:chukan-gw\", the peer of "
	    "mynumber flow flows[2] (F-010) at line 12");
	/* Named by its address, the peer is still the host. */
	EXPECT_ERROR("", ZONES, F_MAIL ",\n" F_VDI ",\n" FLOW("F-010",
	    "mynumber:juki", "lgwan:198.51.100.50", TCP(443)) ",\n"
	    FLOW("F-020", "internet:vdi", "lgwan:chukan-gw", TCP(443)
	    SAN("file-sanitize")), "", 13, "the peer of mynumber flow "
	    "flows[2] (F-010) at line 12");
	/* Named by one of its addresses, the peer is the whole host. */
	EXPECT_ERROR("", ZMN ",\n" ZLG_("", ", { name = \"relay\"; "
	    "mac = \"02:00:00:00:20:60\"; addresses = [ \"198.51.100.60\", "
	    "\"198.51.100.61\" ]; }") ",\n" ZIN ",\n" ZMG, F_MN2("mynumber:tax",
	    "lgwan:198.51.100.60", TCP(443)) ",\n" FLOW("F-021",
	    "lgwan:198.51.100.61", "internet:vdi", TCP(443)
	    SAN("screen-transfer")), "", 14, "flows[4] (F-021): flow between "
	    "\"lgwan:198.51.100.61\" and internet zone \"internet\" reaches "
	    "\"lgwan:198.51.100.60\", the peer of mynumber flow flows[3] "
	    "(F-020) at line 13");
	/* A peer in mgmt is no different. */
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:noc", TCP(514))
	    ",\n" FLOW("F-021", "mgmt:noc", "internet:vdi", TCP(443)), "",
	    14, "flows[4] (F-021): flow between \"mgmt:noc\" and internet "
	    "zone \"internet\" reaches \"mgmt:noc\", the peer of mynumber "
	    "flow flows[3] (F-020) at line 13");
	/* F-002 of the fixture: another LGWAN host may use the Internet. */
	EXPECT_CLEAN("", ZONES, FLOWS, "");
}
END_TEST

START_TEST(rule3_peer_covered)
{
	/* The whole zone includes the peer. */
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "internet:sanitizer",
	    "lgwan", TCP(25) SAN("mail-text")), "", 13, "flows[3] (F-020): "
	    "flow between \"lgwan\" and internet zone \"internet\" reaches "
	    "\"lgwan:chukan-gw\"");
	/* So does a network holding one of its addresses. */
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "lgwan:198.51.100.0/26",
	    "internet:vdi", TCP(443) SAN("screen-transfer")), "", 13,
	    "flows[3] (F-020): flow between \"lgwan:198.51.100.0/26\" and "
	    "internet zone \"internet\" reaches \"lgwan:chukan-gw\"");
	/* A network beside the peer is fine. */
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" FLOW("F-020",
	    "lgwan:198.51.100.128/25", "internet:vdi", TCP(443)
	    SAN("screen-transfer")), "");
}
END_TEST

/* The peer is an address no host holds: networks holding it reach it. */
START_TEST(rule3_peer_address)
{
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.201",
	    TCP(514)) ",\n" FLOW("F-021", "mgmt:192.0.2.192/28",
	    "internet:vdi", TCP(443)), "", 14, "flows[4] (F-021): flow "
	    "between \"mgmt:192.0.2.192/28\" and internet zone \"internet\" "
	    "reaches \"mgmt:192.0.2.201\", the peer of mynumber flow flows[3] "
	    "(F-020) at line 13");
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.201",
	    TCP(514)) ",\n" FLOW("F-021", "internet:vdi", "mgmt:192.0.2.201",
	    TCP(443)), "", 14, "flows[4] (F-021): flow between "
	    "\"mgmt:192.0.2.201\" and internet zone \"internet\" reaches "
	    "\"mgmt:192.0.2.201\"");
	/* A peer network (itself refused by rule 2) reaches what is in it. */
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.192/27",
	    TCP(514)) ",\n" FLOW("F-021", "mgmt:noc", "internet:vdi",
	    TCP(443)), "", 14, "flows[4] (F-021): flow between \"mgmt:noc\" "
	    "and internet zone \"internet\" reaches \"mgmt:192.0.2.192/27\"");
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.192/27",
	    TCP(514)) ",\n" FLOW("F-021", "mgmt:192.0.2.208/28",
	    "internet:vdi", TCP(443)), "", 14, "flows[4] (F-021): flow between "
	    "\"mgmt:192.0.2.208/28\" and internet zone \"internet\" reaches "
	    "\"mgmt:192.0.2.192/27\"");
	/* A whole zone as peer (refused by rule 2 too) reaches all of it. */
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt", TCP(514)) ",\n"
	    FLOW("F-021", "mgmt:noc", "internet:vdi", TCP(443)), "", 14,
	    "flows[4] (F-021): flow between \"mgmt:noc\" and internet zone "
	    "\"internet\" reaches \"mgmt\", the peer of mynumber flow");
	/* Of two My Number flows to one peer, the first is named. */
	EXPECT_ERROR("", ZONES, F_MN2("mynumber:tax", "mgmt:noc", TCP(514))
	    ",\n" FLOW("F-021", "mynumber:juki", "mgmt:noc", TCP(514)) ",\n"
	    FLOW("F-022", "mgmt:noc", "internet:vdi", TCP(443)), "", 15,
	    "flows[5] (F-022): flow between \"mgmt:noc\" and internet zone "
	    "\"internet\" reaches \"mgmt:noc\", the peer of mynumber flow "
	    "flows[3] (F-020) at line 13");
	/* The registered host beside it may use the Internet. */
	EXPECT_CLEAN("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.201",
	    TCP(514)) ",\n" FLOW("F-021", "mgmt:noc", "internet:vdi",
	    TCP(443)), "");
	EXPECT_CLEAN("", ZONES, F_MN2("mynumber:tax", "mgmt:192.0.2.201",
	    TCP(514)) ",\n" FLOW("F-021", "mgmt:192.0.2.224/27",
	    "internet:vdi", TCP(443)), "");
}
END_TEST

/* --- rule 4: LGWAN <-> Internet only with a sanitize method -------------- */

START_TEST(rule4_sanitize)
{
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "lgwan:mail-gw",
	    "internet:sanitizer", TCP(25)), "", 13, "flows[3] (F-020): flow "
	    "between lgwan and internet must name sanitize; add sanitize = "
	    "\"mail-text\", \"screen-transfer\" or \"file-sanitize\"");
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "internet:sanitizer",
	    "lgwan:mail-gw", TCP(587)), "", 13, "flows[3] (F-020): flow "
	    "between lgwan and internet must name sanitize");
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" FLOW("F-020", "internet:sanitizer",
	    "lgwan:mail-gw", TCP(587) SAN("mail-text")), "");
	/* Only LGWAN needs 無害化; mgmt <-> internet is an ordinary flow. */
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" FLOW("F-020", "mgmt:noc",
	    "internet:vdi", TCP(443)), "");
}
END_TEST

/* --- rule 5: mgmt is reachable only through listed flows ---------------- */

static struct addr
A(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(s, &a), ADDR_OK);
	return a;
}

static struct decision
decide_tcp(const struct policy *p, const char *iface, const char *src,
    const char *dst, uint16_t port)
{
	struct pkt_meta	 m;
	struct decision	 dec;

	memset(&m, 0, sizeof(m));
	m.iface = iface;
	m.src = A(src);
	m.dst = A(dst);
	m.proto = PROTO_TCP;
	m.dport = port;
	ck_assert_int_eq(decide(p, &m, NULL, NOW, &dec), 0);
	return dec;
}

START_TEST(rule5_mgmt_like_any_zone)
{
	struct loaded	 l;
	struct decision	 dec;

	/* No flow: LGWAN cannot reach mgmt, nor mgmt LGWAN. */
	l = fx_load("", ZONES, FLOWS, "");
	ck_assert_ptr_nonnull(l.p);
	dec = decide_tcp(l.p, "lg0", "198.51.100.130", "192.0.2.200", 22);
	ck_assert(!dec.allowed);
	ck_assert_int_eq(dec.reason, VR_NO_FLOW);
	dec = decide_tcp(l.p, "mg0", "192.0.2.200", "198.51.100.25", 22);
	ck_assert(!dec.allowed);
	ck_assert_int_eq(dec.reason, VR_NO_FLOW);
	fx_free(&l);

	/* A listed flow opens exactly that, with no rule of its own. */
	l = fx_load("", ZONES, FLOWS ",\n" FLOW("F-020", "lgwan:pc", "mgmt:noc",
	    TCP(22)), "");
	ck_assert_ptr_nonnull(l.p);
	ck_assert_uint_eq(l.d.n, 0);
	dec = decide_tcp(l.p, "lg0", "198.51.100.130", "192.0.2.200", 22);
	ck_assert(dec.allowed);
	ck_assert_ptr_nonnull(dec.flow);
	ck_assert_str_eq(dec.flow->id, "F-020");
	dec = decide_tcp(l.p, "lg0", "198.51.100.130", "192.0.2.200", 23);
	ck_assert(!dec.allowed);
	dec = decide_tcp(l.p, "mg0", "192.0.2.200", "198.51.100.130", 22);
	ck_assert(!dec.allowed);
	fx_free(&l);
}
END_TEST

/* --- speed: 100,000 flows ----------------------------------------------- */

#define NFLOWS	100000
#define NMN	20000

START_TEST(speed_100k_flows)
{
	struct diags	 d;
	struct loaded	 l;
	struct timespec	 t0, t1;
	char		*flows, to[32];
	size_t		 cap = (size_t)(NFLOWS + NMN) * 200, off = 0;
	double		 secs, limit = 1.0;
	int		 i;

	flows = malloc(cap);
	ck_assert_ptr_nonnull(flows);
	off += snprintf(flows + off, cap - off, "%s", F_MAIL);
	/* Flows with the Internet from LGWAN addresses beside the peer. */
	for (i = 0; i < NFLOWS; i++)
		off += snprintf(flows + off, cap - off, ",\n{ id = \"X-%06d\"; "
		    "from = \"lgwan:198.51.100.%d\"; to = \"internet:vdi\"; "
		    "proto = \"tcp\"; ports = [ %d ]; sanitize = "
		    "\"screen-transfer\"; reason = \"r\"; approval = \"A\"; }",
		    i, 130 + i % 100, 1 + i % 60000);
	/*
	 * My Number flows whose peers have to be checked against all of
	 * them: pair by pair that is 2e9 comparisons.  Their peers are a
	 * host and 60 addresses beside the ones that use the Internet.
	 */
	for (i = 0; i < NMN; i++) {
		if (i % 61 == 0)
			snprintf(to, sizeof(to), "chukan-gw");
		else
			snprintf(to, sizeof(to), "198.51.100.%d", 60 + i % 61);
		off += snprintf(flows + off, cap - off, ",\n{ id = \"M-%05d\"; "
		    "from = \"mynumber:juki\"; to = \"lgwan:%s\"; "
		    "proto = \"tcp\"; ports = [ %d ]; reason = \"r\"; "
		    "approval = \"A\"; }", i, to, 1000 + i);
	}
	ck_assert_uint_lt(off, cap);
	l = fx_load("", ZONES, flows, "");
	free(flows);
	if (l.d.n != 0)
		fx_dump(&l.d);
	ck_assert_ptr_nonnull(l.p);
	ck_assert_uint_eq(l.p->nflows, NFLOWS + NMN + 1);

	diags_init(&d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	conf_rules_check(l.p, NOW, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_uint_eq(d.n, 0);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
#if defined(__SANITIZE_ADDRESS__)
	limit = 10.0;		/* instrumented build */
#endif
	ck_assert_msg(secs < limit, "checks took %.3f s", secs);
	diags_free(&d);
	fx_free(&l);
}
END_TEST

static Suite *
rules_sep_suite(void)
{
	Suite	*s = suite_create("rules_sep");
	TCase	*tc = tcase_create("separation"), *tp = tcase_create("speed");

	tcase_add_test(tc, rule1_mynumber_internet);
	tcase_add_test(tc, rule2_mynumber_side);
	tcase_add_test(tc, rule2_peer_side);
	tcase_add_test(tc, rule2_proto_ports);
	tcase_add_test(tc, rule2_mynumber_zone_without_hosts);
	tcase_add_test(tc, rule2_model_without_mac_or_ports);
	tcase_add_test(tc, rule3_peer_host);
	tcase_add_test(tc, rule3_peer_covered);
	tcase_add_test(tc, rule3_peer_address);
	tcase_add_test(tc, rule4_sanitize);
	tcase_add_test(tc, rule5_mgmt_like_any_zone);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, speed_100k_flows);
	tcase_set_timeout(tp, 120);
	suite_add_tcase(s, tp);
	return s;
}

CHECK_MAIN(rules_sep_suite)
