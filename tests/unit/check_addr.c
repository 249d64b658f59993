/* check_addr.c - unit tests of address, prefix, MAC and port range handling. */
#include <sys/socket.h>

#include <check.h>
#include <string.h>

#include "addr.h"
#include "check_main.h"

/* Parse as a prefix and format again: must give `want`. */
static void
roundtrip(const char *in, const char *want)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(prefix_parse(in, &a), ADDR_OK);
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), want);
}

START_TEST(parse_v4)
{
	struct addr a;

	ck_assert_int_eq(addr_parse("192.0.2.1", &a), ADDR_OK);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(a.plen, 32);
	ck_assert_int_eq(a.a[0], 192);
	ck_assert_int_eq(a.a[1], 0);
	ck_assert_int_eq(a.a[2], 2);
	ck_assert_int_eq(a.a[3], 1);
	ck_assert(addr_is_host(&a));
	ck_assert_int_eq(addr_maxlen(AF_INET), 32);
	ck_assert_int_eq(addr_maxlen(AF_INET6), 128);
}
END_TEST

START_TEST(parse_v6)
{
	struct addr a;

	ck_assert_int_eq(addr_parse("2001:db8::1", &a), ADDR_OK);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(a.plen, 128);
	ck_assert_int_eq(a.a[0], 0x20);
	ck_assert_int_eq(a.a[1], 0x01);
	ck_assert_int_eq(a.a[2], 0x0d);
	ck_assert_int_eq(a.a[3], 0xb8);
	ck_assert_int_eq(a.a[15], 1);
}
END_TEST

START_TEST(roundtrips)
{
	roundtrip("192.0.2.1", "192.0.2.1");
	roundtrip("192.0.2.1/32", "192.0.2.1");
	roundtrip("192.0.2.0/26", "192.0.2.0/26");
	roundtrip("0.0.0.0/0", "0.0.0.0/0");
	roundtrip("::/0", "::/0");
	roundtrip("2001:db8:10::/64", "2001:db8:10::/64");
	roundtrip("2001:DB8:0:0::a", "2001:db8::a");
	roundtrip("2001:db8::a/128", "2001:db8::a");
	roundtrip("203.0.113.0/24", "203.0.113.0/24");
}
END_TEST

START_TEST(hostbits)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(prefix_parse("192.0.2.1/26", &a), ADDR_HOSTBITS);
	/* Filled as written, so the caller can suggest the network. */
	ck_assert_int_eq(a.plen, 26);
	ck_assert_int_eq(a.a[3], 1);
	prefix_mask(&a);
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "192.0.2.0/26");

	ck_assert_int_eq(prefix_parse("198.51.100.200/25", &a), ADDR_HOSTBITS);
	prefix_mask(&a);
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "198.51.100.128/25");

	ck_assert_int_eq(prefix_parse("2001:db8::1/64", &a), ADDR_HOSTBITS);
	prefix_mask(&a);
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "2001:db8::/64");

	ck_assert_int_eq(prefix_parse("192.0.2.1/0", &a), ADDR_HOSTBITS);
	ck_assert_int_eq(prefix_parse("192.0.2.64/26", &a), ADDR_OK);
}
END_TEST

START_TEST(bad_inputs)
{
	static const char *syntax[] = {
		"", "300.1.1.1", "192.0.2", "192.0.2.1 ", " 192.0.2.1",
		"192.0.2.1/", "/24", "192.0.2.0/ 24", "192.0.2.0/+24",
		"192.0.2.0/24 ", "192.0.2.0/2a", "2001:db8:::1", "example.org",
		"192.0.2.0/24/24", "2001:db8::/-1",
	};
	static const char *badlen[] = {
		"192.0.2.0/33", "2001:db8::/129", "192.0.2.0/1000",
		"0.0.0.0/99999999999999999999",
	};
	struct addr a, keep;
	size_t i;

	for (i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		memset(&keep, 0x5a, sizeof(keep));
		a = keep;
		ck_assert_msg(prefix_parse(syntax[i], &a) == ADDR_SYNTAX,
		    "prefix_parse(\"%s\") accepted", syntax[i]);
		/* A refused input leaves the result untouched. */
		ck_assert(memcmp(&a, &keep, sizeof(a)) == 0);
	}
	for (i = 0; i < sizeof(badlen) / sizeof(badlen[0]); i++)
		ck_assert_msg(prefix_parse(badlen[i], &a) == ADDR_BADLEN,
		    "prefix_parse(\"%s\") is not ADDR_BADLEN", badlen[i]);
	/* A single address never carries a length. */
	ck_assert_int_eq(addr_parse("192.0.2.0/24", &a), ADDR_SYNTAX);
	ck_assert_int_eq(addr_parse("", &a), ADDR_SYNTAX);
	ck_assert_int_eq(addr_parse(NULL, &a), ADDR_SYNTAX);
	ck_assert_int_eq(prefix_parse(NULL, &a), ADDR_SYNTAX);
}
END_TEST

static struct addr
P(const char *s)
{
	struct addr a;

	ck_assert_msg(prefix_parse(s, &a) == ADDR_OK, "bad test prefix %s", s);
	return a;
}

START_TEST(contains_overlap)
{
	struct addr n26 = P("192.0.2.0/26"), n24 = P("192.0.2.0/24");
	struct addr all4 = P("0.0.0.0/0"), all6 = P("::/0");
	struct addr h = P("192.0.2.63"), out = P("192.0.2.64");
	struct addr v6 = P("2001:db8:10::a"), n6 = P("2001:db8:10::/64");
	struct addr lg = P("198.51.100.0/24"), hi = P("198.51.100.128/25");
	struct addr b127 = P("198.51.100.127"), b128 = P("198.51.100.128");
	struct addr lo26 = P("192.0.2.0/26"), up26 = P("192.0.2.64/26");

	ck_assert(prefix_contains(&n26, &h));
	ck_assert(!prefix_contains(&n26, &out));
	ck_assert(prefix_contains(&n24, &n26));
	ck_assert(!prefix_contains(&n26, &n24));
	ck_assert(prefix_contains(&all4, &h));
	ck_assert(prefix_contains(&all4, &n24));
	/* Never across families. */
	ck_assert(!prefix_contains(&all4, &v6));
	ck_assert(!prefix_contains(&all6, &h));
	ck_assert(prefix_contains(&all6, &v6));
	ck_assert(prefix_contains(&n6, &v6));
	ck_assert(prefix_contains(&h, &h));
	ck_assert(prefix_contains(&lg, &hi));
	ck_assert(!prefix_contains(&hi, &b127));
	ck_assert(prefix_contains(&hi, &b128));

	ck_assert(prefix_overlap(&n26, &n24));
	ck_assert(prefix_overlap(&n24, &n26));
	ck_assert(prefix_overlap(&all4, &lg));
	ck_assert(!prefix_overlap(&n24, &lg));
	ck_assert(!prefix_overlap(&all4, &all6));
	ck_assert(!prefix_overlap(&lo26, &up26));
}
END_TEST

START_TEST(eq_cmp)
{
	struct addr a = P("192.0.2.1"), b = P("192.0.2.2"), c = P("2001:db8::1");
	struct addr n = P("192.0.2.0/24"), n0 = P("192.0.2.0");

	ck_assert(addr_eq(&a, &a));
	ck_assert(!addr_eq(&a, &b));
	ck_assert(!addr_eq(&n, &n0));
	ck_assert_int_lt(addr_cmp(&a, &b), 0);
	ck_assert_int_gt(addr_cmp(&b, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &a), 0);
	/* v4 sorts before v6 (AF_INET < AF_INET6). */
	ck_assert_int_lt(addr_cmp(&a, &c), 0);
	/* Same bytes: the shorter prefix first. */
	ck_assert_int_lt(addr_cmp(&n, &n0), 0);
	ck_assert(!addr_is_host(&n));
}
END_TEST

START_TEST(fmt_small_buffer)
{
	struct addr a = P("2001:db8:10::/64");
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	addr_fmt(&a, buf, sizeof(buf));
	ck_assert_int_eq(strlen(buf), sizeof(buf) - 1);
}
END_TEST

START_TEST(mac)
{
	struct mac m, m2;
	char buf[MAC_STRLEN];
	static const char *bad[] = {
		"02:00:00:00:10:0g", "02-00-00-00-10-0a", "2:00:00:00:10:0a",
		"02:00:00:00:10", "02:00:00:00:10:0a:", "02:00:00:00:10:0a:00",
		"", "02:00:00:00:10:0a ", " 02:00:00:00:10:0a",
		"0200.0000.100a", "02:00:00:00:10 0a", "02:00:00:00:1:0a0",
	};
	size_t i;

	ck_assert_int_eq(mac_parse("02:00:00:00:10:0A", &m), 0);
	ck_assert_int_eq(m.b[0], 0x02);
	ck_assert_int_eq(m.b[4], 0x10);
	ck_assert_int_eq(m.b[5], 0x0a);
	ck_assert_str_eq(mac_fmt(&m, buf, sizeof(buf)), "02:00:00:00:10:0a");
	ck_assert_int_eq(mac_parse("FF:ee:Dd:cC:bb:aa", &m2), 0);
	ck_assert_str_eq(mac_fmt(&m2, buf, sizeof(buf)), "ff:ee:dd:cc:bb:aa");
	ck_assert(!mac_eq(&m, &m2));
	ck_assert_int_lt(mac_cmp(&m, &m2), 0);
	ck_assert_int_gt(mac_cmp(&m2, &m), 0);
	ck_assert_int_eq(mac_parse("02:00:00:00:10:0a", &m2), 0);
	ck_assert(mac_eq(&m, &m2));
	ck_assert_int_eq(mac_cmp(&m, &m2), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mac_parse(bad[i], &m) == -1,
		    "mac_parse(\"%s\") accepted", bad[i]);
	ck_assert_int_eq(mac_parse(NULL, &m), -1);
}
END_TEST

START_TEST(ports)
{
	struct portrange r[] = { { 25, 25 }, { 8000, 8080 }, { 65535, 65535 } };

	ck_assert(portrange_contains(r, 3, 25));
	ck_assert(!portrange_contains(r, 3, 24));
	ck_assert(!portrange_contains(r, 3, 26));
	ck_assert(portrange_contains(r, 3, 8000));
	ck_assert(portrange_contains(r, 3, 8042));
	ck_assert(portrange_contains(r, 3, 8080));
	ck_assert(!portrange_contains(r, 3, 8081));
	ck_assert(portrange_contains(r, 3, 65535));
	ck_assert(!portrange_contains(r, 2, 65535));
	ck_assert(!portrange_contains(r, 0, 25));
	ck_assert(!portrange_contains(NULL, 0, 25));
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_v4);
	tcase_add_test(tc, parse_v6);
	tcase_add_test(tc, roundtrips);
	tcase_add_test(tc, hostbits);
	tcase_add_test(tc, bad_inputs);
	tcase_add_test(tc, contains_overlap);
	tcase_add_test(tc, eq_cmp);
	tcase_add_test(tc, fmt_small_buffer);
	tcase_add_test(tc, mac);
	tcase_add_test(tc, ports);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(addr_suite)
