/* check_policy.c - unit tests of the policy model: lookups, endpoints, names (fixture: policy_fixture.h). */
#include "check_main.h"
#include "policy_fixture.h"

/*
 * The example of config.md, smaller: mynumber, lgwan, an internet zone
 * holding 0.0.0.0/0 and ::/0, and mgmt.
 */
static struct policy *
small_policy(void)
{
	struct policy *p = xcalloc(1, sizeof(*p));
	struct zone *z;

	p->version = 1;
	p->nzones = NZONES;
	p->zones = z = xcalloc(NZONES, sizeof(*z));
	zone_set(&z[Z_MN], Z_MN, "mynumber", ZK_MYNUMBER,
	    (const char *[]){ "mn0", NULL },
	    (const char *[]){ "192.0.2.0/26", "2001:db8:10::/64", NULL }, 1);
	host_set(&z[Z_MN], 0, "juki", "02:00:00:00:10:0a",
	    (const char *[]){ "192.0.2.10", "2001:db8:10::a", NULL });
	zone_set(&z[Z_LG], Z_LG, "lgwan", ZK_LGWAN,
	    (const char *[]){ "lg0", NULL },
	    (const char *[]){ "198.51.100.0/24", NULL }, 2);
	host_set(&z[Z_LG], 0, "mail-gw", "02:00:00:00:20:19",
	    (const char *[]){ "198.51.100.25", NULL });
	host_set(&z[Z_LG], 1, "web", "02:00:00:00:20:20",
	    (const char *[]){ "198.51.100.80", NULL });
	zone_set(&z[Z_IN], Z_IN, "internet", ZK_INTERNET,
	    (const char *[]){ "in0", "in1", NULL },
	    (const char *[]){ "0.0.0.0/0", "::/0", NULL }, 1);
	host_set(&z[Z_IN], 0, "sanitizer", NULL,
	    (const char *[]){ "203.0.113.25", NULL });
	zone_set(&z[Z_MG], Z_MG, "mgmt", ZK_MGMT,
	    (const char *[]){ "mg0", NULL },
	    (const char *[]){ "192.0.2.192/26", NULL }, 1);
	host_set(&z[Z_MG], 0, "noc", "02:00:00:00:40:01",
	    (const char *[]){ "192.0.2.200", NULL });

	p->nflows = 3;
	p->flows = xcalloc(3, sizeof(*p->flows));
	flow_set(&p->flows[0], 0, "F-001",
	    (struct endpoint){ .kind = EP_HOST, .zone = &z[Z_IN],
	    .host = &z[Z_IN].hosts[0] },
	    (struct endpoint){ .kind = EP_HOST, .zone = &z[Z_LG],
	    .host = &z[Z_LG].hosts[0] }, PROTO_TCP, 25);
	flow_set(&p->flows[1], 1, "F-002",
	    (struct endpoint){ .kind = EP_ZONE, .zone = &z[Z_MG] },
	    (struct endpoint){ .kind = EP_PREFIX, .zone = &z[Z_IN],
	    .prefix = A("203.0.113.0/24") }, PROTO_TCP, 443);
	flow_set(&p->flows[2], 2, "F-003",
	    (struct endpoint){ .kind = EP_PREFIX, .zone = &z[Z_MN],
	    .prefix = A("192.0.2.10") },
	    (struct endpoint){ .kind = EP_ZONE, .zone = &z[Z_MG] },
	    PROTO_UDP, 514);

	p->nfiles = 1;
	p->files = xcalloc(1, sizeof(*p->files));
	p->files[0] = xstrdup("bunri.conf");
	p->gw.name = xstrdup("gw1");
	p->gw.control_socket = xstrdup(DEF_CONTROL_SOCKET);
	p->gw.state_dir = xstrdup(DEF_STATE_DIR);
	p->gw.nadmin_from = 1;
	p->gw.admin_from = xcalloc(1, sizeof(*p->gw.admin_from));
	p->gw.admin_from[0] = (struct endpoint){ .kind = EP_ZONE,
	    .zone = &z[Z_MG] };
	p->gw.nadmin_ports = 1;
	p->gw.admin_ports = xcalloc(1, sizeof(*p->gw.admin_ports));
	p->gw.admin_ports[0] = DEF_ADMIN_PORT;
	p->mon.nspans = 1;
	p->mon.spans = xcalloc(1, sizeof(*p->mon.spans));
	p->mon.spans[0].iface = xstrdup("span0");
	p->mon.spans[0].zone = &z[Z_LG];
	p->mon.nifaces = 1;
	p->mon.ifaces = xcalloc(1, sizeof(*p->mon.ifaces));
	p->mon.ifaces[0] = xstrdup("lg0");
	p->alerts.file = xstrdup(DEF_ALERT_FILE);
	p->alerts.facility = xstrdup(DEF_FACILITY);
	return p;
}

static const char *
zname(const struct zone *z)
{
	return z ? z->name : "(none)";
}

static const char *
hname(const struct host *h)
{
	return h ? h->name : "(none)";
}

static void
check_zone_of(const struct policy *p, const char *addr, const char *want)
{
	struct addr a = A(addr);

	ck_assert_msg(strcmp(zname(policy_zone_of_addr(p, &a)), want) == 0,
	    "zone of %s: got %s, want %s (%s)", addr,
	    zname(policy_zone_of_addr(p, &a)), want,
	    p->idx ? "indexed" : "scan");
}

static void
check_host_of(const struct policy *p, const char *addr, const char *want)
{
	struct addr a = A(addr);

	ck_assert_msg(strcmp(hname(policy_host_by_addr(p, &a)), want) == 0,
	    "host of %s: got %s, want %s (%s)", addr,
	    hname(policy_host_by_addr(p, &a)), want,
	    p->idx ? "indexed" : "scan");
}

/* The same answers with and without the index. */
static void
check_lookups(struct policy *p)
{
	struct zone *z = p->zones;
	struct mac m;

	check_zone_of(p, "198.51.100.7", "lgwan");	/* the /0 yields */
	check_zone_of(p, "198.51.100.0/25", "lgwan");
	check_zone_of(p, "198.51.0.0/16", "internet");
	check_zone_of(p, "203.0.113.9", "internet");
	check_zone_of(p, "192.0.2.10", "mynumber");
	check_zone_of(p, "192.0.2.63", "mynumber");
	check_zone_of(p, "192.0.2.64", "internet");	/* a gap: catch-all */
	check_zone_of(p, "192.0.2.200", "mgmt");
	check_zone_of(p, "192.0.2.0/24", "internet");
	check_zone_of(p, "2001:db8:10::a", "mynumber");
	check_zone_of(p, "2001:db8:11::a", "internet");

	ck_assert_ptr_eq(policy_zone_of_iface(p, "lg0"), &z[Z_LG]);
	ck_assert_ptr_eq(policy_zone_of_iface(p, "in1"), &z[Z_IN]);
	ck_assert_ptr_eq(policy_zone_of_iface(p, "mn0"), &z[Z_MN]);
	ck_assert_ptr_null(policy_zone_of_iface(p, "lg"));
	ck_assert_ptr_null(policy_zone_of_iface(p, "lg00"));
	ck_assert_ptr_null(policy_zone_of_iface(p, "span0"));
	ck_assert_ptr_null(policy_zone_of_iface(p, ""));

	m = M("02:00:00:00:20:19");
	ck_assert_ptr_eq(policy_host_by_mac(p, &m), &z[Z_LG].hosts[0]);
	m = M("02:00:00:00:10:0A");
	ck_assert_ptr_eq(policy_host_by_mac(p, &m), &z[Z_MN].hosts[0]);
	m = M("02:00:00:00:20:18");
	ck_assert_ptr_null(policy_host_by_mac(p, &m));
	m = M("00:00:00:00:00:00");	/* sanitizer has no MAC */
	ck_assert_ptr_null(policy_host_by_mac(p, &m));

	check_host_of(p, "198.51.100.25", "mail-gw");
	check_host_of(p, "198.51.100.80", "web");
	check_host_of(p, "2001:db8:10::a", "juki");
	check_host_of(p, "192.0.2.10", "juki");
	check_host_of(p, "203.0.113.25", "sanitizer");
	check_host_of(p, "198.51.100.26", "(none)");
	check_host_of(p, "198.51.100.24/31", "(none)");
	check_host_of(p, "2001:db8:10::b", "(none)");

	ck_assert_ptr_eq(policy_flow_by_id(p, "F-002"), &p->flows[1]);
	ck_assert_ptr_eq(policy_flow_by_id(p, "F-001"), &p->flows[0]);
	ck_assert_ptr_eq(policy_flow_by_id(p, "F-003"), &p->flows[2]);
	ck_assert_ptr_null(policy_flow_by_id(p, "F-00"));
	ck_assert_ptr_null(policy_flow_by_id(p, "F-004"));
	ck_assert_ptr_null(policy_flow_by_id(p, "f-001"));

	ck_assert_ptr_eq(policy_zone_by_name(p, "mgmt"), &z[Z_MG]);
	ck_assert_ptr_null(policy_zone_by_name(p, "Mgmt"));
	ck_assert_ptr_eq(zone_host_by_name(&z[Z_LG], "web"), &z[Z_LG].hosts[1]);
	ck_assert_ptr_null(zone_host_by_name(&z[Z_LG], "juki"));
}

START_TEST(lookups_scan)
{
	struct policy *p = small_policy();

	ck_assert_ptr_null(p->idx);
	check_lookups(p);
	policy_free(p);
}
END_TEST

START_TEST(lookups_indexed)
{
	struct policy *p = small_policy();

	ck_assert_int_eq(policy_index(p), 0);
	ck_assert_ptr_nonnull(p->idx);
	check_lookups(p);
	/* Building it again replaces the tables (no leak, same answers). */
	ck_assert_int_eq(policy_index(p), 0);
	check_lookups(p);
	policy_free(p);
}
END_TEST

START_TEST(no_zone)
{
	struct policy *p = small_policy();
	struct addr a = A("203.0.113.1"), b = A("2001:db8:99::1");

	/* Without the catch-all, an address outside every network has no zone. */
	p->zones[Z_IN].nnets = 0;
	ck_assert_ptr_null(policy_zone_of_addr(p, &a));
	ck_assert_ptr_null(policy_zone_of_addr(p, &b));
	ck_assert_int_eq(policy_index(p), 0);
	ck_assert_ptr_null(policy_zone_of_addr(p, &a));
	ck_assert_ptr_null(policy_zone_of_addr(p, &b));
	p->zones[Z_IN].nnets = 2;	/* so policy_free sees the real count */
	policy_free(p);
}
END_TEST

START_TEST(duplicates_first_wins)
{
	struct policy *p = small_policy();
	struct zone *z = p->zones;
	struct mac m = M("02:00:00:00:20:19");
	struct addr a = A("198.51.100.25");
	int pass;

	/* The loader reports duplicates; lookups must still be deterministic. */
	z[Z_LG].hosts[1].mac = z[Z_LG].hosts[0].mac;
	z[Z_LG].hosts[1].addrs[0] = z[Z_LG].hosts[0].addrs[0];
	free(p->flows[2].id);
	p->flows[2].id = xstrdup("F-001");
	free(z[Z_MG].ifaces[0]);
	z[Z_MG].ifaces[0] = xstrdup("lg0");
	for (pass = 0; pass < 2; pass++) {
		ck_assert_ptr_eq(policy_host_by_mac(p, &m), &z[Z_LG].hosts[0]);
		ck_assert_ptr_eq(policy_host_by_addr(p, &a), &z[Z_LG].hosts[0]);
		ck_assert_ptr_eq(policy_flow_by_id(p, "F-001"), &p->flows[0]);
		ck_assert_ptr_eq(policy_zone_of_iface(p, "lg0"), &z[Z_LG]);
		ck_assert_int_eq(policy_index(p), 0);
	}
	policy_free(p);
}
END_TEST

START_TEST(endpoints)
{
	struct policy *p = small_policy();
	struct zone *z = p->zones;
	struct endpoint zin = { .kind = EP_ZONE, .zone = &z[Z_IN] };
	struct endpoint zlg = { .kind = EP_ZONE, .zone = &z[Z_LG] };
	struct endpoint hmail = { .kind = EP_HOST, .zone = &z[Z_LG],
	    .host = &z[Z_LG].hosts[0] };
	struct endpoint hjuki = { .kind = EP_HOST, .zone = &z[Z_MN],
	    .host = &z[Z_MN].hosts[0] };
	struct endpoint pin = { .kind = EP_PREFIX, .zone = &z[Z_IN],
	    .prefix = A("203.0.113.0/24") };
	struct endpoint pall = { .kind = EP_PREFIX, .zone = &z[Z_IN],
	    .prefix = A("0.0.0.0/0") };
	struct endpoint plg = { .kind = EP_PREFIX, .zone = &z[Z_LG],
	    .prefix = A("198.51.100.7") };
	struct addr lg7 = A("198.51.100.7"), lg25 = A("198.51.100.25");
	struct addr in9 = A("203.0.113.9"), juki6 = A("2001:db8:10::a");
	struct addr juki4 = A("192.0.2.10"), v6out = A("2001:db8:10::b");
	char buf[ADDR_STRLEN + 64];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		/* Plain containment: internet's /0 covers an lgwan address. */
		ck_assert(endpoint_contains(&zin, &lg7));
		ck_assert(endpoint_contains(&zlg, &lg7));
		ck_assert(!endpoint_contains(&zlg, &in9));
		/* Ownership: it does not. */
		ck_assert(!endpoint_contains_in(p, &zin, &lg7));
		ck_assert(endpoint_contains_in(p, &zin, &in9));
		ck_assert(endpoint_contains_in(p, &zlg, &lg7));
		ck_assert(!endpoint_contains_in(p, &zlg, &in9));
		ck_assert(endpoint_contains(&pall, &lg7));
		ck_assert(!endpoint_contains_in(p, &pall, &lg7));
		ck_assert(endpoint_contains_in(p, &pall, &in9));

		ck_assert(endpoint_contains(&hmail, &lg25));
		ck_assert(!endpoint_contains(&hmail, &lg7));
		ck_assert(endpoint_contains(&hjuki, &juki6));
		ck_assert(endpoint_contains(&hjuki, &juki4));
		ck_assert(!endpoint_contains(&hjuki, &v6out));
		ck_assert(endpoint_contains_in(p, &hjuki, &juki6));

		ck_assert(endpoint_contains(&pin, &in9));
		ck_assert(!endpoint_contains(&pin, &lg7));
		ck_assert(endpoint_contains(&plg, &lg7));
		ck_assert(!endpoint_contains(&plg, &lg25));
		ck_assert(endpoint_contains_in(p, &plg, &lg7));
		ck_assert_int_eq(policy_index(p), 0);
	}

	ck_assert_str_eq(endpoint_fmt(&hmail, buf, sizeof(buf)), "lgwan:mail-gw");
	ck_assert_str_eq(endpoint_fmt(&zlg, buf, sizeof(buf)), "lgwan");
	ck_assert_str_eq(endpoint_fmt(&pin, buf, sizeof(buf)),
	    "internet:203.0.113.0/24");
	ck_assert_str_eq(endpoint_fmt(&plg, buf, sizeof(buf)),
	    "lgwan:198.51.100.7");
	ck_assert_str_eq(endpoint_fmt(&p->gw.admin_from[0], buf, sizeof(buf)),
	    "mgmt");
	policy_free(p);
}
END_TEST

START_TEST(names)
{
	enum proto pr;

	ck_assert_str_eq(zone_kind_name(ZK_MYNUMBER), "mynumber");
	ck_assert_str_eq(zone_kind_name(ZK_LGWAN), "lgwan");
	ck_assert_str_eq(zone_kind_name(ZK_INTERNET), "internet");
	ck_assert_str_eq(zone_kind_name(ZK_MGMT), "mgmt");
	ck_assert_str_eq(zone_kind_name(ZK_OTHER), "other");
	ck_assert_str_eq(sanitize_name(SAN_MAIL_TEXT), "mail-text");
	ck_assert_str_eq(sanitize_name(SAN_SCREEN_TRANSFER), "screen-transfer");
	ck_assert_str_eq(sanitize_name(SAN_FILE_SANITIZE), "file-sanitize");
	ck_assert_str_eq(unknown_hosts_name(UH_BLOCK), "block");
	ck_assert_str_eq(unknown_hosts_name(UH_ALERT), "alert");
	ck_assert_str_eq(unknown_hosts_name(UH_ALLOW), "allow");
	ck_assert_str_eq(proto_name(PROTO_TCP), "tcp");
	ck_assert_str_eq(proto_name(PROTO_ICMPV6), "icmpv6");

	ck_assert_int_eq(proto_parse("tcp", &pr), 0);
	ck_assert_int_eq(pr, PROTO_TCP);
	ck_assert_int_eq(proto_parse("udp", &pr), 0);
	ck_assert_int_eq(pr, 17);
	ck_assert_int_eq(proto_parse("icmp", &pr), 0);
	ck_assert_int_eq(pr, 1);
	ck_assert_int_eq(proto_parse("icmpv6", &pr), 0);
	ck_assert_int_eq(pr, 58);
	ck_assert_int_eq(proto_parse("TCP", &pr), -1);
	ck_assert_int_eq(proto_parse("sctp", &pr), -1);
	ck_assert_int_eq(proto_parse("", &pr), -1);
	ck_assert_int_eq(proto_parse("6", &pr), -1);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lookups_scan);
	tcase_add_test(tc, lookups_indexed);
	tcase_add_test(tc, no_zone);
	tcase_add_test(tc, duplicates_first_wins);
	tcase_add_test(tc, endpoints);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(policy_suite)
