/* check_conf_parse.c - the loader's single-setting checks, defaults and model content. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "conf.h"
#include "conf_fixture.h"
#include "conf_parse.h"

static struct policy *
load_ok(const char *text, struct diags *d)
{
	struct policy *p;

	diags_init(d);
	p = conf_load_string(text, strlen(text), "t.conf", FIX_NOW, d);
	if (p == NULL || d->nerrors != 0)
		dump_diags(d);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(d->nerrors, 0);
	return p;
}

START_TEST(example_loads)
{
	struct diags d;
	struct policy *p = load_ok(EXAMPLE, &d);
	struct zone *z;
	struct flow *f;
	struct tm tm;
	char buf[64];

	ck_assert_int_eq(p->version, 1);
	ck_assert_str_eq(p->gw.name, "city-gw1");
	ck_assert_int_eq(p->gw.mode, MODE_ENFORCE);
	ck_assert_str_eq(p->gw.control_socket, "/run/bunri/bunrid.sock");
	ck_assert_uint_eq(p->gw.nadmin_from, 1);
	ck_assert_int_eq(p->gw.admin_from[0].kind, EP_HOST);
	ck_assert_str_eq(p->gw.admin_from[0].host->name, "noc");
	ck_assert_uint_eq(p->gw.nadmin_ports, 1);
	ck_assert_uint_eq(p->gw.admin_ports[0], 22);
	ck_assert_int_eq(p->gw.admin_loc.line, line_of(EXAMPLE, "admin = {"));
	ck_assert_uint_eq(p->nzones, 4);
	z = &p->zones[0];
	ck_assert_str_eq(z->name, "mynumber");
	ck_assert_int_eq(z->kind, ZK_MYNUMBER);
	ck_assert_str_eq(z->description, "マイナンバー利用事務系");
	ck_assert_uint_eq(z->nifaces, 1);
	ck_assert_str_eq(z->ifaces[0], "mn0");
	ck_assert_uint_eq(z->nnets, 2);
	ck_assert_str_eq(addr_fmt(&z->nets[1], buf, sizeof(buf)),
	    "2001:db8:10::/64");
	ck_assert(z->attached);
	ck_assert_int_eq(z->unknown, UH_BLOCK);
	ck_assert_uint_eq(z->nhosts, 1);
	ck_assert(z->hosts[0].has_mac);
	ck_assert_str_eq(mac_fmt(&z->hosts[0].mac, buf, sizeof(buf)),
	    "02:00:00:00:10:0a");
	ck_assert_uint_eq(z->hosts[0].naddrs, 2);
	ck_assert_ptr_eq(z->hosts[0].zone, z);
	ck_assert_ptr_eq(z->loc.file, p->files[0]);
	ck_assert_str_eq(z->loc.file, "t.conf");
	ck_assert_int_eq(z->loc.line, line_of(EXAMPLE, "{ name = \"mynumber\""));
	ck_assert_int_eq(z->hosts[0].mac_loc.line,
	    line_of(EXAMPLE, "{ name = \"juki\""));
	ck_assert_int_eq(z->nets_loc.line, line_of(EXAMPLE, "192.0.2.0/26"));
	ck_assert_int_eq(z->unknown_loc.line, line_of(EXAMPLE, "\"block\""));
	ck_assert_int_eq(p->zones[1].unknown, UH_ALERT);
	ck_assert_int_eq(p->zones[2].unknown, UH_ALERT);	/* default */
	ck_assert(!p->zones[2].hosts[0].has_mac);
	ck_assert_uint_eq(p->zones[3].index, 3);
	ck_assert_uint_eq(p->nflows, 3);
	f = &p->flows[0];
	ck_assert_str_eq(f->id, "F-001");
	ck_assert_int_eq(f->from.kind, EP_HOST);
	ck_assert_str_eq(f->from.host->name, "sanitizer");
	ck_assert_str_eq(f->to.zone->name, "lgwan");
	ck_assert_int_eq(f->proto, PROTO_TCP);
	ck_assert_uint_eq(f->nports, 1);
	ck_assert_uint_eq(f->ports[0].lo, 25);
	ck_assert_uint_eq(f->ports[0].hi, 25);
	ck_assert_int_eq(f->sanitize, SAN_MAIL_TEXT);
	ck_assert_str_eq(f->approval, "R8-041");
	ck_assert(!f->has_expires);
	ck_assert_int_eq(f->loc.line, line_of(EXAMPLE, "id = \"F-001\""));
	f = &p->flows[1];
	ck_assert(f->has_expires);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2027 - 1900;
	tm.tm_mon = 3;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	ck_assert_int_eq(f->expires, mktime(&tm));
	ck_assert_int_eq(f->expires_loc.line, line_of(EXAMPLE, "2027-03-31"));
	ck_assert_int_eq(p->flows[2].sanitize, SAN_NONE);
	ck_assert_uint_eq(p->mon.nifaces, 0);
	ck_assert_uint_eq(p->mon.nspans, 1);
	ck_assert_str_eq(p->mon.spans[0].iface, "span0");
	ck_assert_ptr_eq(p->mon.spans[0].zone, &p->zones[1]);
	ck_assert_uint_eq(p->mon.scan_ports, 64);
	ck_assert_uint_eq(p->mon.evidence_packets, 16);
	ck_assert_uint_eq(p->mon.max_flows, DEF_MAX_FLOWS);
	ck_assert_str_eq(p->alerts.file, "/var/log/bunri/eve.json");
	ck_assert(p->alerts.syslog);
	ck_assert_str_eq(p->alerts.facility, "local4");
	ck_assert_uint_eq(p->alerts.rate_limit, 100);
	ck_assert_uint_eq(p->alerts.checkpoint, DEF_CHECKPOINT);
	policy_free(p);
	diags_free(&d);
}
END_TEST

/* Drop the optional groups and values: the contract's defaults fill in. */
START_TEST(defaults)
{
	struct diags d;
	struct policy *p;
	char *a, *b, *c, *e;

	a = strdup(EXAMPLE);
	*strstr(a, "monitor = {") = '\0';	/* no monitor, no alerts */
	b = subst(a, "  mode = \"enforce\";", "");
	c = subst(b, "  control_socket = \"/run/bunri/bunrid.sock\";\n", "");
	e = subst(c, " ports = [ 22 ];", "");
	p = load_ok(e, &d);
	ck_assert_int_eq(p->gw.mode, MODE_ENFORCE);
	ck_assert_str_eq(p->gw.control_socket, DEF_CONTROL_SOCKET);
	ck_assert_uint_eq(p->gw.nadmin_ports, 1);
	ck_assert_uint_eq(p->gw.admin_ports[0], DEF_ADMIN_PORT);
	ck_assert_uint_eq(p->mon.nspans, 0);
	ck_assert_uint_eq(p->mon.scan_ports, DEF_SCAN_PORTS);
	ck_assert_uint_eq(p->mon.scan_hosts, DEF_SCAN_HOSTS);
	ck_assert_uint_eq(p->mon.scan_window, DEF_SCAN_WINDOW);
	ck_assert_uint_eq(p->mon.evidence_packets, DEF_EVIDENCE_PACKETS);
	ck_assert_uint_eq(p->mon.flow_timeout, DEF_FLOW_TIMEOUT);
	ck_assert_str_eq(p->alerts.file, DEF_ALERT_FILE);
	ck_assert_str_eq(p->alerts.facility, DEF_FACILITY);
	ck_assert(p->alerts.syslog);
	ck_assert_uint_eq(p->alerts.rate_limit, DEF_RATE_LIMIT);
	policy_free(p);
	diags_free(&d);
	free(a);
	free(b);
	free(c);
	free(e);
}
END_TEST

START_TEST(variants_load)
{
	struct diags d;
	struct policy *p;
	char *a, *b, *c;

	/* Ranges as strings, INT64, an address endpoint, extra keys. */
	a = subst(EXAMPLE, "ports = [ 3389 ];",
	    "ports = ( 3389, \"8000-8010\", \"25\" ); description = \"x\";");
	b = subst(a, "rate_limit = 100;", "rate_limit = 100L; checkpoint = 30;");
	c = subst(b, "to = \"lgwan:mail-gw\"", "to = \"lgwan:198.51.100.25\"");
	p = load_ok(c, &d);
	ck_assert_uint_eq(p->flows[1].nports, 3);
	ck_assert_uint_eq(p->flows[1].ports[1].lo, 8000);
	ck_assert_uint_eq(p->flows[1].ports[1].hi, 8010);
	ck_assert_uint_eq(p->flows[1].ports[2].lo, 25);
	ck_assert_uint_eq(p->alerts.checkpoint, 30);
	ck_assert_int_eq(p->flows[0].to.kind, EP_PREFIX);
	policy_free(p);
	diags_free(&d);
	free(a);
	free(b);
	free(c);
	/* Monitor mode: zones may go without interfaces. */
	a = subst(EXAMPLE, "mode = \"enforce\";", "mode = \"monitor\";");
	b = subst(a, "interfaces = [ \"mn0\" ];", "interfaces = [ ];");
	c = subst(b, "interfaces = [ \"lg0\" ];", "");
	p = load_ok(c, &d);
	ck_assert_int_eq(p->gw.mode, MODE_MONITOR);
	ck_assert_uint_eq(p->zones[0].nifaces, 0);
	policy_free(p);
	diags_free(&d);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(errors_top_and_gateway)
{
	char *t;

	expect_subst("version = 1;", "version = 2;", "version",
	    "version: 2 is not supported (expected 1)");
	expect_subst("version = 1;", "version = = 1;", "version",
	    "syntax error; check this line");
	t = subst(EXAMPLE, "version = 1;", "");
	expect_error(t, "version: missing required setting \"version\"; "
	    "add version = 1;", 1);
	free(t);
	expect_subst("version = 1;", "version = 1; flow = 1;", "flow = 1",
	    "unknown setting \"flow\" (did you mean \"flows\"?)");
	expect_subst("version = 1;", "version = 1; colour = 1;", "colour",
	    "unknown setting \"colour\"; remove it");
	expect_subst("mode = \"enforce\";", "mode = \"enforcing\";", "enforcing",
	    "gateway.mode: \"enforcing\" is not a mode (expected \"enforce\" "
	    "or \"monitor\"); did you mean \"enforce\"?");
	expect_subst("  name = \"city-gw1\";", "", "gateway = {",
	    "gateway: missing required setting \"name\"");
	expect_subst("name = \"city-gw1\";", "name = 7;", "name = 7",
	    "gateway.name: is an integer; expected a string (in double quotes)");
	expect_subst("name = \"city-gw1\";", "name = \"\";", "name = \"\"",
	    "gateway.name: is empty");
	expect_subst("state_dir = \"/var/lib/bunri\";", "state_dir = \"var\";",
	    "state_dir", "gateway.state_dir: \"var\" is not an absolute path");
	expect_subst("from = [ \"mgmt:noc\" ]", "from = [ \"mgmtt:noc\" ]",
	    "mgmtt", "gateway.admin.from[0]: unknown zone \"mgmtt\" (did you "
	    "mean \"mgmt\"?)");
	expect_subst("ports = [ 22 ]", "ports = [ \"22-23\" ]", "22-23",
	    "gateway.admin.ports[0]: \"22-23\" is a range; list single ports");
	expect_subst("admin = { from", "admin = { form", "form",
	    "unknown setting \"form\" in gateway.admin (did you mean \"from\"?)");
}
END_TEST

START_TEST(errors_zones)
{
	char *t;

	expect_subst("\"02:00:00:00:10:0a\"", "\"02:00:00:00:10:0g\"", "0g",
	    "zones[0].hosts[0].mac: \"02:00:00:00:10:0g\" is not a MAC "
	    "address (expected xx:xx:xx:xx:xx:xx)");
	expect_subst("interfaces = [ \"lg0\" ]", "interface = [ \"lg0\" ]",
	    "interface = ", "unknown setting \"interface\" in zones[1] (did "
	    "you mean \"interfaces\"?)");
	expect_subst("interfaces = [ \"lg0\" ]", "interface = [ \"lg0\" ]",
	    "{ name = \"lgwan\"", "zones[1]: missing required setting "
	    "\"interfaces\"");
	expect_subst("kind = \"lgwan\"", "kind = \"lgwn\"", "lgwn",
	    "zones[1].kind: \"lgwn\" is not a zone kind (expected "
	    "\"mynumber\", \"lgwan\", \"internet\", \"mgmt\" or \"other\"); "
	    "did you mean \"lgwan\"?");
	expect_subst("name = \"mgmt\"", "name = \"Mgmt\"", "Mgmt",
	    "zones[3].name: \"Mgmt\" is not a zone name");
	expect_subst("[ \"mn0\" ]", "[ \"mn/0\" ]", "mn/0",
	    "zones[0].interfaces[0]: \"mn/0\" is not an interface name");
	expect_subst("[ \"mn0\" ]", "[ \"..\" ]", "\"..\"",
	    "zones[0].interfaces[0]: \"..\" is not an interface name");
	expect_subst("[ \"mn0\" ]", "[ \"abcdefghijklmnop\" ]", "abcdefghij",
	    "zones[0].interfaces[0]: \"abcdefghijklmnop\" is not an interface");
	expect_subst("[ \"mn0\" ]", "[ ]", "interfaces = [ ]",
	    "zones[0].interfaces: is empty; a zone needs at least one interface");
	expect_subst("\"192.0.2.0/26\"", "\"192.0.2.1/26\"", "192.0.2.1/26",
	    "zones[0].networks[0]: \"192.0.2.1/26\" has host bits set; did you "
	    "mean \"192.0.2.0/26\"?");
	expect_subst("\"198.51.100.0/24\"", "\"198.51.100.0/33\"", "/33",
	    "zones[1].networks[0]: \"198.51.100.0/33\" has a prefix length out "
	    "of range");
	expect_subst("\"198.51.100.0/24\"", "\"lgwan-net\"", "lgwan-net",
	    "zones[1].networks[0]: \"lgwan-net\" is not a network");
	expect_subst("networks = [ \"198.51.100.0/24\" ]", "networks = [ ]",
	    "networks = [ ]", "zones[1].networks: is empty");
	expect_subst("\"192.0.2.10\"", "\"192.0.2.300\"", "192.0.2.300",
	    "zones[0].hosts[0].addresses[0]: \"192.0.2.300\" is not an IP "
	    "address");
	expect_subst("mac = \"02:00:00:00:10:0a\"; ", "", "{ name = \"juki\"",
	    "zones[0].hosts[0]: missing required setting \"mac\"");
	expect_subst("unknown_hosts = \"block\"", "unknown_hosts = \"drop\"",
	    "drop", "zones[0].unknown_hosts: \"drop\" is not an unknown_hosts "
	    "action (expected \"block\", \"alert\" or \"allow\")");
	expect_subst("interfaces = [ \"mn0\" ];", "interfaces = [ \"mn0\" ]; "
	    "attached = \"yes\";", "attached", "zones[0].attached: is a string; "
	    "expected true or false");
	expect_subst("{ name = \"noc\";", "{ name = \"noc\"; macc = 1;", "macc",
	    "unknown setting \"macc\" in zones[3].hosts[0] (did you mean "
	    "\"mac\"?)");
	t = subst(EXAMPLE, "zones = (", "zones = ( \"x\", ");
	expect_error(t, "zones[0]: is a string; expected a group { ... }",
	    line_of(t, "zones = ("));
	free(t);
}
END_TEST

/* A zone with a bad kind keeps its place: flows naming it add no errors. */
START_TEST(errors_do_not_cascade)
{
	struct diags d;
	char *t = subst(EXAMPLE, "kind = \"lgwan\"", "kind = \"lgwn\"");

	diags_init(&d);
	ck_assert_ptr_null(conf_load_string(t, strlen(t), "t.conf", FIX_NOW,
	    &d));
	if (d.nerrors != 1)
		dump_diags(&d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_free(&d);
	free(t);
}
END_TEST

START_TEST(errors_flows)
{
	expect_subst("ports = [ 25 ]", "ports = [ 70000 ]", "70000",
	    "flows[0] (F-001).ports[0]: 70000 is not a port (expected 1-65535)");
	expect_subst("ports = [ 25 ]", "ports = [ 0 ]", "[ 0 ]",
	    "flows[0] (F-001).ports[0]: 0 is not a port (expected 1-65535)");
	expect_subst("ports = [ 3389 ]", "ports = ( 3389, \"8010-8000\" )",
	    "8010-8000", "flows[1] (F-002).ports[1]: \"8010-8000\" is not a "
	    "port range (expected \"lo-hi\" with lo <= hi, e.g. \"8000-8010\")");
	expect_subst("ports = [ 3389 ]", "ports = ( \"http\" )", "http",
	    "flows[1] (F-002).ports[0]: \"http\" is not a port or port range");
	expect_subst("ports = [ 3389 ]", "ports = ( \"1-70000\" )", "1-70000",
	    "flows[1] (F-002).ports[0]: \"1-70000\" is outside 1-65535");
	expect_subst("ports = [ 3389 ]", "ports = [ ]", "ports = [ ]",
	    "flows[1] (F-002).ports: is empty");
	expect_subst(" ports = [ 443 ];", "", "id = \"F-010\"",
	    "flows[2] (F-010): missing required setting \"ports\" (tcp flows "
	    "list their destination ports)");
	expect_subst("proto = \"tcp\"; ports = [ 443 ]",
	    "proto = \"icmp\"; ports = [ 443 ]", "icmp",
	    "flows[2] (F-010).ports: icmp has no ports; remove \"ports\"");
	expect_subst("proto = \"tcp\"; ports = [ 25 ]",
	    "proto = \"tpc\"; ports = [ 25 ]", "tpc",
	    "flows[0] (F-001).proto: \"tpc\" is not a protocol (expected "
	    "\"tcp\", \"udp\", \"icmp\" or \"icmpv6\"); did you mean \"tcp\"?");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"lgwn:mail-gw\"", "lgwn",
	    "flows[0] (F-001).to: unknown zone \"lgwn\" (did you mean "
	    "\"lgwan\"?)");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"nowhere\"", "nowhere",
	    "flows[0] (F-001).to: unknown zone \"nowhere\" (zones are "
	    "\"mynumber\", \"lgwan\", \"internet\", \"mgmt\")");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"lgwan:mailgw\"",
	    "mailgw", "flows[0] (F-001).to: zone \"lgwan\" has no host "
	    "\"mailgw\" (did you mean \"mail-gw\"?)");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"lgwan:xyz\"", "xyz",
	    "zone \"lgwan\" has no host \"xyz\" (its hosts are \"mail-gw\", "
	    "\"vdi-client\", \"chukan-gw\")");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"lgwan:192.0.2.5\"",
	    "192.0.2.5", "flows[0] (F-001).to: 192.0.2.5 is not inside the "
	    "networks of zone \"lgwan\"");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"lgwan:198.51.100.1/24\"",
	    "100.1/24", "flows[0] (F-001).to: \"lgwan:198.51.100.1/24\" has "
	    "host bits set; did you mean \"lgwan:198.51.100.0/24\"?");
	expect_subst("to = \"lgwan:mail-gw\"", "to = \"lgwan:\"", "\"lgwan:\"",
	    "flows[0] (F-001).to: \"lgwan:\" is not an endpoint");
	expect_subst("\"2027-03-31\"", "\"2027-02-30\"", "2027-02-30",
	    "flows[1] (F-002).expires: \"2027-02-30\" is not a date");
	expect_subst("reason = \"無害化したメール本文の取込み\"", "reason = \"\"",
	    "reason = \"\"", "flows[0] (F-001).reason: is empty; say why");
	expect_subst("reason = \"無害化したメール本文の取込み\";", "",
	    "id = \"F-001\"", "flows[0] (F-001): missing required setting "
	    "\"reason\"");
	expect_subst("sanitize = \"mail-text\"", "sanitize = \"mail\"",
	    "\"mail\"", "flows[0] (F-001).sanitize: \"mail\" is not a sanitize "
	    "method");
	expect_subst("{ id = \"F-001\";", "{ idd = \"F-001\";", "idd",
	    "flows[0]: missing required setting \"id\"");
	expect_subst("approval = \"R8-041\";", "aproval = \"R8-041\";",
	    "aproval", "unknown setting \"aproval\" in flows[0] (F-001) (did "
	    "you mean \"approval\"?)");
}
END_TEST

START_TEST(errors_monitor_alerts)
{
	expect_subst("zone = \"lgwan\"; }", "zone = \"lgwn\"; }", "lgwn",
	    "monitor.span[0].zone: unknown zone \"lgwn\"");
	expect_subst("interface = \"span0\"", "interface = \"span 0\"",
	    "span 0", "monitor.span[0].interface: \"span 0\" is not an "
	    "interface name");
	expect_subst("ports = 64;", "ports = 0;", "ports = 0",
	    "monitor.scan.ports: 0 is out of range (expected 1-65535)");
	expect_subst("evidence_packets = 16;", "evidence_packet = 16;",
	    "evidence_packet", "unknown setting \"evidence_packet\" in monitor "
	    "(did you mean \"evidence_packets\"?)");
	expect_subst("facility = \"local4\"", "facility = \"local9\"",
	    "local9", "alerts.facility: \"local9\" is not a syslog facility");
	expect_subst("rate_limit = 100;", "rate_limit = \"100\";", "rate_limit",
	    "alerts.rate_limit: is a string; expected an integer");
	expect_subst("syslog = true;", "syslog = 1;", "syslog",
	    "alerts.syslog: is an integer; expected true or false");
}
END_TEST

START_TEST(expires_formats)
{
	struct tm tm;
	time_t t, want;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	ck_assert_int_eq(conf_parse_expires("2027-03-31", &t), 0);
	/* through the end of the day, local time: 2027-04-01 00:00 JST */
	ck_assert_int_eq(t, (time_t)1806505200);
	ck_assert_int_eq(conf_parse_expires("2027-03-31T17:00:00+09:00", &t), 0);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 127;
	tm.tm_mon = 2;
	tm.tm_mday = 31;
	tm.tm_hour = 8;
	want = timegm(&tm);
	ck_assert_int_eq(t, want);
	ck_assert_int_eq(conf_parse_expires("2027-03-31T08:00:00Z", &t), 0);
	ck_assert_int_eq(t, want);
	ck_assert_int_eq(conf_parse_expires("2027-03-31T03:00:00.5-05:00", &t),
	    0);
	ck_assert_int_eq(t, want);
	ck_assert_int_eq(conf_parse_expires("2028-02-29", &t), 0);
	ck_assert_int_eq(conf_parse_expires("2027-02-29", &t), -1);
	ck_assert_int_eq(conf_parse_expires("2027-13-01", &t), -1);
	ck_assert_int_eq(conf_parse_expires("2027-04-31", &t), -1);
	ck_assert_int_eq(conf_parse_expires("2027-03-31T25:00:00Z", &t), -1);
	ck_assert_int_eq(conf_parse_expires("2027-03-31T17:00:00", &t), -1);
	ck_assert_int_eq(conf_parse_expires("2027-03-31x", &t), -1);
	ck_assert_int_eq(conf_parse_expires("tomorrow", &t), -1);
	ck_assert_int_eq(conf_parse_expires("", &t), -1);
}
END_TEST

/*
 * More than 65,535 lines: the error past line 65,536 must carry its real
 * line, both for a setting and for a syntax error.
 */
START_TEST(long_policy_lines)
{
	char *pad, *t, *u;
	size_t i, n = 70000;

	/* Settings on every line: 70,000 interface names in monitor. */
	pad = malloc(n * 16 + 64);
	ck_assert_ptr_nonnull(pad);
	{
		char *w = pad;
		w += sprintf(w, "interfaces = [\n");
		for (i = 0; i < n; i++)
			w += sprintf(w, "\"m%zu\",\n", i % 1000);
		w += sprintf(w, "\"last\" ];\n");
	}
	t = subst(EXAMPLE, "interfaces = [ ];", pad);
	u = subst(t, "rate_limit = 100;", "rate_limit = \"x\";");
	ck_assert_int_gt(line_of(u, "rate_limit"), 70000);
	expect_error(u, "alerts.rate_limit: is a string", line_of(u,
	    "rate_limit"));
	free(u);
	u = subst(t, "facility = \"local4\";", "facility = ;");
	expect_error(u, "syntax error", line_of(u, "facility"));
	free(u);
	free(t);
	free(pad);
}
END_TEST

static Suite *
conf_parse_suite(void)
{
	Suite *s = suite_create("conf_parse");
	TCase *tc = tcase_create("parse");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, example_loads);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, variants_load);
	tcase_add_test(tc, errors_top_and_gateway);
	tcase_add_test(tc, errors_zones);
	tcase_add_test(tc, errors_do_not_cascade);
	tcase_add_test(tc, errors_flows);
	tcase_add_test(tc, errors_monitor_alerts);
	tcase_add_test(tc, expires_formats);
	tcase_add_test(tc, long_policy_lines);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(conf_parse_suite)
