/* check_community_id.c - Community ID v1 against the spec's published baseline. */
#include <sys/socket.h>

#include <check.h>
#include <string.h>

#include "addr.h"
#include "check_main.h"
#include "community_id.h"

/*
 * Vectors from github.com/corelight/community-id-spec, baseline/README.md
 * ("Default settings" and "A custom seed=1 value" tables) and
 * baseline/baseline_deflt.json (commit c4ec2bc40d65), the values every
 * implementation (Zeek, Suricata, pycommunityid) is checked against.  The
 * addresses are the spec's own, not documentation ranges: the hashes
 * depend on them.
 */
struct vec {
	const char	*src, *dst;
	uint8_t		 proto;
	uint16_t	 sport, dport;	/* ICMP: type, code */
	uint16_t	 seed;
	const char	*want;
};

static const struct vec vecs[] = {
	/* README, default settings */
	{ "1.2.3.4", "5.6.7.8", 6, 1122, 3344, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM=" },
	{ "5.6.7.8", "1.2.3.4", 6, 3344, 1122, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM=" },
	{ "1.2.3.4", "5.6.7.8", 17, 1122, 3344, 0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=" },
	{ "5.6.7.8", "1.2.3.4", 17, 3344, 1122, 0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=" },
	{ "1.2.3.4", "5.6.7.8", 132, 1122, 3344, 0, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=" },
	{ "1.2.3.4", "5.6.7.8", 1, 8, 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=" },
	{ "5.6.7.8", "1.2.3.4", 1, 0, 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=" },
	{ "1.2.3.4", "5.6.7.8", 1, 11, 0, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=" },
	{ "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
	  "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 58, 128, 0, 0,
	  "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=" },
	{ "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
	  "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 58, 129, 0, 0,
	  "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=" },
	{ "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
	  "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 58, 146, 0, 0,
	  "1:fYC8+pz24E+EhANP1EZhpX0Dw10=" },
	{ "1.2.3.4", "5.6.7.8", 46, 0, 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=" },
	{ "5.6.7.8", "1.2.3.4", 46, 0, 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=" },
	{ "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
	  "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 46, 0, 0, 0,
	  "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=" },

	/* README, seed 1 */
	{ "1.2.3.4", "5.6.7.8", 6, 1122, 3344, 1, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
	{ "1.2.3.4", "5.6.7.8", 1, 8, 0, 1, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=" },

	/* baseline_deflt.json (from the spec's pcaps) */
	{ "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a",
	  6, 63943, 25, 0, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887",
	  6, 25, 63943, 0, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ "128.232.110.120", "66.35.250.204", 6, 34855, 80, 0,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ "66.35.250.204", "128.232.110.120", 6, 80, 34855, 0,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ "192.168.1.52", "8.8.8.8", 17, 54585, 53, 0,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ "8.8.8.8", "192.168.1.52", 17, 53, 54585, 0,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ "192.168.0.89", "192.168.0.1", 1, 8, 0, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ "192.168.0.1", "192.168.0.89", 1, 0, 0, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ "10.0.0.1", "10.0.0.2", 1, 11, 0, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
	{ "192.168.170.8", "192.168.170.56", 132, 7, 7, 0,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ "10.1.12.1", "10.1.12.2", 46, 0, 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ "10.1.12.2", "10.1.12.1", 46, 0, 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	/* ICMPv6 neighbor discovery: NS one way and NA back are one flow */
	{ "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 135, 0, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 136, 0, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 135, 0, 0,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0, 0,
	  "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
	{ "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da",
	  58, 1, 4, 0, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
	{ "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 58, 128, 0, 0,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 129, 0, 0,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ "fe80::200:86ff:fe05:80da", "ff02::2", 58, 133, 0, 0,
	  "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
	{ "fe80::260:97ff:fe07:69ea", "ff02::1", 58, 134, 0, 0,
	  "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
};

START_TEST(baseline)
{
	const struct vec *v = &vecs[_i];
	struct addr s, d;
	char buf[COMMUNITY_ID_LEN];

	ck_assert_int_eq(addr_parse(v->src, &s), ADDR_OK);
	ck_assert_int_eq(addr_parse(v->dst, &d), ADDR_OK);
	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(community_id_v1(v->seed, &s, &d, v->proto, v->sport,
	    v->dport, buf, sizeof(buf)), buf);
	ck_assert_msg(strcmp(buf, v->want) == 0, "%s -> %s proto %u %u/%u: %s, want %s",
	    v->src, v->dst, v->proto, v->sport, v->dport, buf, v->want);
}
END_TEST

START_TEST(icmp_ports)
{
	uint16_t sp, dp;
	bool one;

	community_id_icmp_ports(1, 8, 0, &sp, &dp, &one);
	ck_assert(!one && sp == 8 && dp == 0);
	community_id_icmp_ports(1, 0, 0, &sp, &dp, &one);
	ck_assert(!one && sp == 0 && dp == 8);
	community_id_icmp_ports(1, 3, 13, &sp, &dp, &one);	/* unreachable */
	ck_assert(one && sp == 3 && dp == 13);
	community_id_icmp_ports(58, 135, 0, &sp, &dp, &one);
	ck_assert(!one && sp == 135 && dp == 136);
	community_id_icmp_ports(58, 1, 4, &sp, &dp, &one);
	ck_assert(one && sp == 1 && dp == 4);
	/* the same type number means another thing in v4 and v6 */
	community_id_icmp_ports(58, 8, 0, &sp, &dp, &one);
	ck_assert(one && sp == 8 && dp == 0);
}
END_TEST

START_TEST(bad_input)
{
	struct addr s, d;
	char buf[COMMUNITY_ID_LEN];

	ck_assert_int_eq(addr_parse("192.0.2.1", &s), ADDR_OK);
	ck_assert_int_eq(addr_parse("2001:db8::1", &d), ADDR_OK);
	ck_assert_ptr_null(community_id_v1(0, &s, &d, 6, 1, 2, buf, sizeof(buf)));
	ck_assert_ptr_null(community_id_v1(0, &s, &s, 6, 1, 2, buf, sizeof(buf) - 1));
	ck_assert_ptr_nonnull(community_id_v1(0, &s, &s, 6, 1, 2, buf, sizeof(buf)));
	ck_assert_uint_eq(strlen(buf), COMMUNITY_ID_LEN - 1);
}
END_TEST

static Suite *
community_id_suite(void)
{
	Suite *s = suite_create("community_id");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, baseline, 0, (int)(sizeof(vecs) / sizeof(vecs[0])));
	tcase_add_test(tc, icmp_ports);
	tcase_add_test(tc, bad_input);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(community_id_suite)
