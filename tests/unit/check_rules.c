/* check_rules.c - unit tests of the structural cross-setting checks and the warnings. */
#include <check.h>

#include "check_main.h"
#include "rules_fixture.h"

/* The fixture itself: four zones, three flows, nothing to say. */
START_TEST(base_is_clean)
{
	EXPECT_CLEAN("", ZONES, FLOWS, "");
}
END_TEST

/* --- structure ---------------------------------------------------------- */

#define ZDMZ(name, nets) ",\n{ name = \"" name "\"; kind = \"other\"; " \
	"interfaces = [ \"dz0\" ]; networks = [ " nets " ]; }"

START_TEST(dup_zone_name)
{
	EXPECT_ERROR("", ZONES ZDMZ("lgwan", "\"203.0.113.128/25\""), FLOWS,
	    "", 8, "zones[4].name: duplicate zone name \"lgwan\", also used "
	    "by zones[1] at line 5");
	EXPECT_CLEAN("", ZONES ZDMZ("dmz", "\"203.0.113.128/25\""), FLOWS,
	    "");
}
END_TEST

START_TEST(dup_host_name)
{
	EXPECT_ERROR("", ZMN ",\n" ZLG_("", ", { name = \"pc\"; "
	    "addresses = [ \"198.51.100.131\" ]; }") ",\n" ZIN ",\n" ZMG,
	    FLOWS, "", 5, "zones[1].hosts[3].name: duplicate host name \"pc\" "
	    "in zone \"lgwan\", also used by zones[1].hosts[2] at line 5");
	/* The same name in another zone is a different host. */
	EXPECT_CLEAN("", ZMN ",\n" ZLG_("", ", { name = \"noc\"; "
	    "addresses = [ \"198.51.100.131\" ]; }") ",\n" ZIN ",\n" ZMG,
	    FLOWS, "");
}
END_TEST

START_TEST(dup_flow_id)
{
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-001", "mgmt:noc",
	    "lgwan:mail-gw", TCP(22)), "", 13, "flows[3] (F-001): duplicate "
	    "flow id \"F-001\", also used by flows[0] at line 10");
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" FLOW("F-020", "mgmt:noc",
	    "lgwan:mail-gw", TCP(22)), "");
}
END_TEST

START_TEST(dup_mac)
{
	EXPECT_ERROR("", ZMN ",\n" ZLG ",\n" ZIN ",\n" ZMG_("", ", "
	    "{ name = \"nms\"; mac = \"02:00:00:00:20:19\"; "
	    "addresses = [ \"192.0.2.201\" ]; }"), FLOWS, "", 7,
	    "zones[3].hosts[1].mac: 02:00:00:00:20:19 is also used by "
	    "lgwan:mail-gw at line 5");
	EXPECT_CLEAN("", ZMN ",\n" ZLG ",\n" ZIN ",\n" ZMG_("", ", "
	    "{ name = \"nms\"; mac = \"02:00:00:00:40:02\"; "
	    "addresses = [ \"192.0.2.201\" ]; }"), FLOWS, "");
}
END_TEST

START_TEST(dup_address)
{
	EXPECT_ERROR("", ZMN ",\n" ZLG ",\n" ZIN ",\n" ZMG_("", ", "
	    "{ name = \"nms\"; addresses = [ \"192.0.2.200\" ]; }"), FLOWS, "",
	    7, "zones[3].hosts[1].addresses: 192.0.2.200 is also bound to "
	    "mgmt:noc at line 7");
	/* One host listing an address twice binds it to itself only. */
	EXPECT_CLEAN("", ZMN ",\n" ZLG ",\n" ZIN ",\n" ZMG_("", ", "
	    "{ name = \"nms\"; addresses = [ \"192.0.2.201\", "
	    "\"192.0.2.201\" ]; }"), FLOWS, "");
}
END_TEST

START_TEST(host_outside_zone)
{
	EXPECT_ERROR("", ZMN ",\n" ZLG_("", ", { name = \"x\"; "
	    "addresses = [ \"203.0.113.9\" ]; }") ",\n" ZIN ",\n" ZMG, FLOWS,
	    "", 5, "zones[1].hosts[3].addresses: 203.0.113.9 is outside the "
	    "networks of zone \"lgwan\" (198.51.100.0/24)");
	/* The Internet's catch-all yields: this address is LGWAN's. */
	EXPECT_ERROR("", ZMN ",\n" ZLG ",\n" ZIN_("", ", { name = \"x\"; "
	    "addresses = [ \"198.51.100.77\" ]; }") ",\n" ZMG, FLOWS, "", 6,
	    "zones[2].hosts[2].addresses: 198.51.100.77 lies in "
	    "198.51.100.0/24 of zone \"lgwan\", not in zone \"internet\"");
	EXPECT_CLEAN("", ZMN ",\n" ZLG ",\n" ZIN_("", ", { name = \"x\"; "
	    "addresses = [ \"203.0.113.77\", \"2001:db8:99::1\" ]; }") ",\n"
	    ZMG, FLOWS, "");
}
END_TEST

#define ZMG_IF(ifs) "{ name = \"mgmt\"; kind = \"mgmt\"; interfaces = [ " \
	ifs " ]; networks = [ \"192.0.2.192/26\" ]; hosts = ( { name = " \
	"\"noc\"; mac = \"02:00:00:00:40:01\"; addresses = " \
	"[ \"192.0.2.200\" ]; } ); }"
#define ZONES_MG(mg) ZMN ",\n" ZLG ",\n" ZIN ",\n" mg
#define SPAN(i) "monitor = { span = ( { interface = \"" i "\"; " \
	"zone = \"lgwan\"; } ); };"

START_TEST(iface_two_zones)
{
	EXPECT_ERROR("", ZONES_MG(ZMG_IF("\"lg0\"")), FLOWS, "", 7,
	    "zones[3].interfaces: \"lg0\" is also an interface of zone "
	    "\"lgwan\" at line 5");
	EXPECT_ERROR("", ZONES_MG(ZMG_IF("\"mg0\", \"mg0\"")), FLOWS, "", 7,
	    "zones[3].interfaces: \"mg0\" is listed twice");
	EXPECT_CLEAN("", ZONES_MG(ZMG_IF("\"mg0\", \"mg1\"")), FLOWS, "");
}
END_TEST

START_TEST(iface_span)
{
	EXPECT_ERROR("", ZONES, FLOWS, SPAN("lg0"), 14,
	    "monitor.span[0].interface: \"lg0\" is an interface of zone "
	    "\"lgwan\" at line 5");
	EXPECT_CLEAN("", ZONES, FLOWS, SPAN("span0"));
	/* One mirror port carries one zone's traffic. */
	EXPECT_ERROR("", ZONES, FLOWS, "monitor = { span = ( { interface = "
	    "\"span0\"; zone = \"lgwan\"; }, { interface = \"span0\"; "
	    "zone = \"mgmt\"; } ); };", 14, "monitor.span[1].interface: "
	    "\"span0\" is also used by monitor.span[0] at line 14");
	EXPECT_CLEAN("", ZONES, FLOWS, "monitor = { span = ( { interface = "
	    "\"span0\"; zone = \"lgwan\"; }, { interface = \"span1\"; "
	    "zone = \"mgmt\"; } ); };");
}
END_TEST

#define ZMG_NET(net, addr) "{ name = \"mgmt\"; kind = \"mgmt\"; " \
	"interfaces = [ \"mg0\" ]; networks = [ \"" net "\" ]; hosts = ( " \
	"{ name = \"noc\"; mac = \"02:00:00:00:40:01\"; addresses = [ \"" \
	addr "\" ]; } ); }"

START_TEST(overlapping_networks)
{
	EXPECT_ERROR("", ZONES_MG(ZMG_NET("198.51.100.192/26",
	    "198.51.100.200")), FLOWS, "", 7, "zones[3].networks: "
	    "198.51.100.192/26 overlaps 198.51.100.0/24 of zone \"lgwan\" at "
	    "line 5");
	/* Only the internet zone's catch-all yields; a second one does not. */
	EXPECT_ERROR("", ZONES ZDMZ("dmz", "\"0.0.0.0/0\""), FLOWS, "", 8,
	    "zones[4].networks: 0.0.0.0/0 overlaps 0.0.0.0/0 of zone "
	    "\"internet\" at line 6");
	EXPECT_ERROR("", ZONES ZDMZ("dmz", "\"0.0.0.0/0\""), FLOWS, "", 8,
	    "zones[4].networks: 0.0.0.0/0 overlaps 192.0.2.0/26 of zone "
	    "\"mynumber\"");
	EXPECT_CLEAN("", ZONES ZDMZ("dmz", "\"203.0.113.128/25\", "
	    "\"2001:db8:77::/48\""), FLOWS, "");
}
END_TEST

START_TEST(same_zone_flow)
{
	EXPECT_ERROR("", ZONES, FLOWS ",\n" FLOW("F-020", "lgwan:pc",
	    "lgwan:mail-gw", TCP(25)), "", 13, "flows[3] (F-020): from "
	    "\"lgwan:pc\" and to \"lgwan:mail-gw\" are in the same zone "
	    "\"lgwan\"");
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" FLOW("F-020", "mgmt:noc",
	    "lgwan:mail-gw", TCP(25)), "");
}
END_TEST

START_TEST(admin_from_internet)
{
	EXPECT_ERROR("admin = { from = [ \"mgmt:noc\", \"internet\" ]; "
	    "ports = [ 22 ]; };", ZONES, FLOWS, "", 2,
	    "gateway.admin.from[1]: \"internet\" is in internet zone "
	    "\"internet\"; the gateway must not be administrable from the "
	    "Internet");
	EXPECT_ERROR("admin = { from = [ \"internet:203.0.113.0/24\" ]; };",
	    ZONES, FLOWS, "", 2, "gateway.admin.from[0]: "
	    "\"internet:203.0.113.0/24\" is in internet zone");
	EXPECT_CLEAN("admin = { from = [ \"mgmt:noc\", \"lgwan:pc\" ]; "
	    "ports = [ 22 ]; };", ZONES, FLOWS, "");
}
END_TEST

/* --- warnings ----------------------------------------------------------- */

START_TEST(warn_no_approval)
{
	EXPECT_WARNING("", ZONES, FLOWS ",\n{ id = \"F-020\"; from = "
	    "\"mgmt:noc\"; to = \"lgwan:mail-gw\"; proto = \"tcp\"; "
	    "ports = [ 22 ]; reason = \"r\"; }", "", 13,
	    "flows[3] (F-020): no approval reference");
}
END_TEST

#define F_EXP(date) FLOW("F-020", "mgmt:noc", "lgwan:mail-gw", \
	TCP(22) " expires = \"" date "\";")

START_TEST(warn_expiry)
{
	EXPECT_WARNING("", ZONES, FLOWS ",\n" F_EXP("2026-11-01"), "", 13,
	    "flows[3] (F-020): expired on 2026-11-01");
	EXPECT_WARNING("", ZONES, FLOWS ",\n" F_EXP("2026-12-10"), "", 13,
	    "flows[3] (F-020): expires on 2026-12-10, in");
	/* Beyond 30 days: nothing to say yet. */
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" F_EXP("2027-01-31"), "");
}
END_TEST

#define F_RANGE(r) FLOW("F-020", "mgmt:noc", "lgwan:mail-gw", \
	"proto = \"tcp\"; ports = ( 22, \"" r "\" );")

START_TEST(warn_wide_range)
{
	EXPECT_WARNING("", ZONES, FLOWS ",\n" F_RANGE("1000-2024"), "", 13,
	    "flows[3] (F-020): port range 1000-2024 covers 1025 ports");
	EXPECT_CLEAN("", ZONES, FLOWS ",\n" F_RANGE("1000-2023"), "");
}
END_TEST

START_TEST(warn_unknown_allow)
{
	EXPECT_WARNING("", ZMN ",\n" ZLG_("unknown_hosts = \"allow\";", "")
	    ",\n" ZIN ",\n" ZMG, FLOWS, "", 5, "zones[1].unknown_hosts: "
	    "\"allow\" lets unregistered devices");
	EXPECT_CLEAN("", ZMN ",\n" ZLG_("unknown_hosts = \"alert\";", "")
	    ",\n" ZIN ",\n" ZMG, FLOWS, "");
}
END_TEST

START_TEST(warn_mynumber_detached)
{
	EXPECT_WARNING("", ZMN_("attached = false;", "") ",\n" ZLG ",\n"
	    ZIN ",\n" ZMG, FLOWS, "", 4, "zones[0].attached: false turns the "
	    "gateway's MAC checks off for mynumber zone \"mynumber\"");
	/* Only the mynumber zone relies on the gateway's MAC pinning. */
	EXPECT_CLEAN("", ZMN ",\n" ZLG_("attached = false;", "") ",\n" ZIN
	    ",\n" ZMG, FLOWS, "");
}
END_TEST

static Suite *
rules_suite(void)
{
	Suite	*s = suite_create("rules");
	TCase	*ts = tcase_create("structure"), *tw = tcase_create("warnings");

	tcase_add_test(ts, base_is_clean);
	tcase_add_test(ts, dup_zone_name);
	tcase_add_test(ts, dup_host_name);
	tcase_add_test(ts, dup_flow_id);
	tcase_add_test(ts, dup_mac);
	tcase_add_test(ts, dup_address);
	tcase_add_test(ts, host_outside_zone);
	tcase_add_test(ts, iface_two_zones);
	tcase_add_test(ts, iface_span);
	tcase_add_test(ts, overlapping_networks);
	tcase_add_test(ts, same_zone_flow);
	tcase_add_test(ts, admin_from_internet);
	suite_add_tcase(s, ts);
	tcase_add_test(tw, warn_no_approval);
	tcase_add_test(tw, warn_expiry);
	tcase_add_test(tw, warn_wide_range);
	tcase_add_test(tw, warn_unknown_allow);
	tcase_add_test(tw, warn_mynumber_detached);
	suite_add_tcase(s, tw);
	return s;
}

CHECK_MAIN(rules_suite)
