/* check_eve.c - alert_rec to EVE JSON: exact lines, timestamps, signatures, hostile strings. */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "check_main.h"
#include "eve.h"

/* 2026-11-23T23:41:15+0900 */
#define T0	1795444875

static void
tokyo(void)
{
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
}

/* The alert of alerts.md's example. */
static void
example(struct alert_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = EV_ALERT;
	r->ts.tv_sec = T0;
	r->ts.tv_usec = 123456;
	r->host = "city-gw1";
	r->in_iface = "lg0";
	r->sid = SIG_ZONE_VIOLATION;
	r->signature = "disallowed inter-zone flow lgwan -> internet";
	r->blocked = true;
	r->has_tuple = true;
	r->flow_id = 1234567;
	ck_assert_int_eq(addr_parse("198.51.100.33", &r->src), 0);
	ck_assert_int_eq(addr_parse("203.0.113.99", &r->dst), 0);
	r->proto = IPPROTO_TCP;
	r->has_ports = true;
	r->sport = 51234;
	r->dport = 443;
	r->src_zone = "lgwan";
	r->dest_zone = "internet";
	r->has_mac = true;
	ck_assert_int_eq(mac_parse("02:00:00:00:20:33", &r->src_mac), 0);
	r->verdict = "blocked";
	r->reason = "no flow from lgwan to internet";
	r->policy_flow = "F-001";
	r->packets = 3;
	r->bytes = 180;
	r->first_seen.tv_sec = T0 - 5;
	r->last_seen = r->ts;
}

static const char *
encode(const struct alert_rec *r, uint64_t seq, struct jbuf *jb)
{
	ck_assert_int_eq(eve_encode(r, seq, jb), 0);
	ck_assert_uint_eq(strlen(jb->buf), jb->len);
	ck_assert_int_eq(json_validate(jb->buf, jb->len, NULL, NULL, NULL,
	    NULL), 0);
	return jb->buf;
}

START_TEST(test_alert_exact)
{
	struct alert_rec r;
	struct jbuf jb;

	tokyo();
	example(&r);
	json_init(&jb);
	/* community_id computed independently (Python hashlib) */
	ck_assert_str_eq(encode(&r, 17, &jb),
	    "{\"timestamp\":\"2026-11-23T23:41:15.123456+0900\","
	    "\"event_type\":\"alert\",\"host\":\"city-gw1\",\"in_iface\":\"lg0\","
	    "\"flow_id\":1234567,\"community_id\":\"1:RWI4E4toS8hHvMTYAXnTkKKwjHI=\","
	    "\"src_ip\":\"198.51.100.33\",\"src_port\":51234,"
	    "\"dest_ip\":\"203.0.113.99\",\"dest_port\":443,\"proto\":\"TCP\","
	    "\"alert\":{\"action\":\"blocked\",\"gid\":1,\"signature_id\":1,"
	    "\"rev\":1,\"signature\":\"disallowed inter-zone flow lgwan -> "
	    "internet\",\"category\":\"zone-violation\",\"severity\":2},"
	    "\"bunri\":{\"seq\":17,\"src_zone\":\"lgwan\",\"dest_zone\":\"internet\","
	    "\"src_mac\":\"02:00:00:00:20:33\",\"verdict\":\"blocked\","
	    "\"reason\":\"no flow from lgwan to internet\",\"flow\":\"F-001\","
	    "\"packets\":3,\"bytes\":180,"
	    "\"first_seen\":\"2026-11-23T23:41:10.000000+0900\","
	    "\"last_seen\":\"2026-11-23T23:41:15.123456+0900\"}}");
	json_free(&jb);
}
END_TEST

START_TEST(test_flow_stats_exact)
{
	struct alert_rec r;
	struct jbuf jb;

	tokyo();
	example(&r);
	r.kind = EV_FLOW;
	r.packets = 10;
	r.bytes = 1000;
	r.pkts_toclient = 4;
	r.bytes_toclient = 300;
	r.has_mac = false;
	r.reason = NULL;
	r.in_iface = NULL;
	json_init(&jb);
	ck_assert_str_eq(encode(&r, 2, &jb),
	    "{\"timestamp\":\"2026-11-23T23:41:15.123456+0900\","
	    "\"event_type\":\"flow\",\"host\":\"city-gw1\","
	    "\"flow_id\":1234567,\"community_id\":\"1:RWI4E4toS8hHvMTYAXnTkKKwjHI=\","
	    "\"src_ip\":\"198.51.100.33\",\"src_port\":51234,"
	    "\"dest_ip\":\"203.0.113.99\",\"dest_port\":443,\"proto\":\"TCP\","
	    "\"flow\":{\"pkts_toserver\":6,\"pkts_toclient\":4,"
	    "\"bytes_toserver\":700,\"bytes_toclient\":300,"
	    "\"start\":\"2026-11-23T23:41:10.000000+0900\","
	    "\"end\":\"2026-11-23T23:41:15.123456+0900\",\"alerted\":true},"
	    "\"bunri\":{\"seq\":2,\"src_zone\":\"lgwan\",\"dest_zone\":\"internet\","
	    "\"verdict\":\"blocked\",\"flow\":\"F-001\"}}");

	memset(&r, 0, sizeof(r));
	r.kind = EV_STATS;
	r.ts.tv_sec = T0;
	r.host = "gw";
	r.st_packets = 5;
	r.st_drops = 1;
	r.st_alerts = 3;
	r.st_suppressed = 2;
	ck_assert_str_eq(encode(&r, 3, &jb),
	    "{\"timestamp\":\"2026-11-23T23:41:15.000000+0900\","
	    "\"event_type\":\"stats\",\"host\":\"gw\",\"stats\":{\"capture\":"
	    "{\"kernel_packets\":5,\"kernel_drops\":1},\"detect\":{\"alert\":3,"
	    "\"alerts_suppressed\":2}},\"bunri\":{\"seq\":3}}");
	json_free(&jb);
}
END_TEST

START_TEST(test_time)
{
	struct timeval tv = { T0, 7 };
	char buf[EVE_TSLEN];

	tokyo();
	ck_assert_str_eq(eve_fmt_time(&tv, buf, sizeof(buf)),
	    "2026-11-23T23:41:15.000007+0900");
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_str_eq(eve_fmt_time(&tv, buf, sizeof(buf)),
	    "2026-11-23T14:41:15.000007+0000");
	/* a negative offset with minutes: Newfoundland, -0330 in November */
	setenv("TZ", "America/St_Johns", 1);
	tzset();
	ck_assert_str_eq(eve_fmt_time(&tv, buf, sizeof(buf)),
	    "2026-11-23T11:11:15.000007-0330");
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	ck_assert_str_eq(eve_fmt_time(&tv, buf, sizeof(buf)),
	    "2026-11-23T20:11:15.000007+0530");
	/* a buffer too short gives "", not a cut timestamp */
	ck_assert_str_eq(eve_fmt_time(&tv, buf, 10), "");
	tv.tv_usec = 1000000;		/* out of range: not printed as 7 digits */
	tokyo();
	ck_assert_str_eq(eve_fmt_time(&tv, buf, sizeof(buf)),
	    "2026-11-23T23:41:15.000000+0900");
}
END_TEST

START_TEST(test_sigs)
{
	static const char *cat[SIG_MAX + 1] = { NULL, "zone-violation",
	    "zone-breach", "unknown-host", "host-in-wrong-zone",
	    "spoofed-source", "scan", "ruleset-tampered",
	    "clock-unsynchronized", "policy-change", "capture-loss" };
	static const int sev[SIG_MAX + 1] = { 0, 2, 1, 3, 1, 2, 2, 1, 3, 3, 2 };
	struct alert_rec r;
	struct jbuf jb;
	char want[160];
	int i;

	ck_assert_ptr_null(sig_lookup(0));
	ck_assert_ptr_null(sig_lookup(SIG_MAX + 1));
	ck_assert_ptr_null(sig_lookup((enum sig)-1));
	json_init(&jb);
	for (i = 1; i <= SIG_MAX; i++) {
		ck_assert_int_eq((int)sig_lookup(i)->sid, i);
		ck_assert_str_eq(sig_lookup(i)->category, cat[i]);
		ck_assert_int_eq(sig_lookup(i)->severity, sev[i]);
		memset(&r, 0, sizeof(r));
		r.kind = EV_ALERT;
		r.sid = i;
		r.host = "gw";
		encode(&r, 1, &jb);
		snprintf(want, sizeof(want), "\"signature_id\":%d,\"rev\":1,"
		    "\"signature\":\"%s\",\"category\":\"%s\",\"severity\":%d}",
		    i, cat[i], cat[i], sev[i]);
		ck_assert_msg(strstr(jb.buf, want) != NULL, "%s", jb.buf);
		/* no tuple: no flow_id, addresses or proto */
		ck_assert_ptr_null(strstr(jb.buf, "flow_id"));
		ck_assert_ptr_null(strstr(jb.buf, "src_ip"));
	}
	memset(&r, 0, sizeof(r));
	r.kind = EV_ALERT;
	r.sid = 11;
	ck_assert_int_eq(eve_encode(&r, 1, &jb), -1);
	r.sid = 0;
	ck_assert_int_eq(eve_encode(&r, 1, &jb), -1);
	r.kind = (enum event_kind)7;
	ck_assert_int_eq(eve_encode(&r, 1, &jb), -1);
	json_free(&jb);
}
END_TEST

START_TEST(test_icmp_v6_and_flow_id)
{
	struct alert_rec r;
	struct jbuf jb;

	tokyo();
	example(&r);
	ck_assert_int_eq(addr_parse("2001:db8::1", &r.src), 0);
	ck_assert_int_eq(addr_parse("2001:db8::2", &r.dst), 0);
	r.proto = IPPROTO_ICMPV6;
	r.has_ports = false;
	r.has_icmp = true;
	r.icmp_type = 128;
	r.icmp_code = 0;
	r.flow_id = UINT64_MAX;		/* kept below 2^63 */
	json_init(&jb);
	encode(&r, 1, &jb);
	ck_assert_ptr_nonnull(strstr(jb.buf, "\"flow_id\":9223372036854775807,"
	    "\"community_id\":\"1:u2vMS3HiWth2lIMKHB1fjELshpQ=\","
	    "\"src_ip\":\"2001:db8::1\",\"dest_ip\":\"2001:db8::2\","
	    "\"proto\":\"IPv6-ICMP\",\"icmp_type\":128,\"icmp_code\":0,"));
	ck_assert_ptr_null(strstr(jb.buf, "_port"));
	r.proto = 47;
	r.has_icmp = false;
	encode(&r, 1, &jb);
	ck_assert_ptr_nonnull(strstr(jb.buf, "\"proto\":\"47\""));
	ck_assert_str_eq(eve_proto_name(IPPROTO_ICMP), "ICMP");
	ck_assert_str_eq(eve_proto_name(IPPROTO_UDP), "UDP");
	json_free(&jb);
}
END_TEST

/* Strings from a policy or a packet never break the line or the JSON. */
START_TEST(test_hostile_strings)
{
	struct alert_rec r;
	struct jbuf jb;

	example(&r);
	r.host = "gw\n{\"event_type\":\"fake\"}";
	r.signature = "a\"b\\c\x01\xff\xc0";
	r.detail = "\r\n\x1b[31m";
	r.suppressed = 4;
	json_init(&jb);
	encode(&r, 1, &jb);
	ck_assert_ptr_null(strchr(jb.buf, '\n'));
	ck_assert_ptr_null(strchr(jb.buf, '\r'));
	ck_assert_ptr_null(strchr(jb.buf, '\x1b'));
	ck_assert_ptr_null(strchr(jb.buf, '\xff'));
	ck_assert_ptr_nonnull(strstr(jb.buf,
	    "\"signature\":\"a\\\"b\\\\c\\u0001\\ufffd\\ufffd\""));
	ck_assert_ptr_nonnull(strstr(jb.buf, "\"host\":\"gw\\u000a{\\\"event_type"));
	ck_assert_ptr_nonnull(strstr(jb.buf, "\"suppressed\":4,"));
	ck_assert_ptr_nonnull(strstr(jb.buf,
	    "\"detail\":\"\\u000d\\u000a\\u001b[31m\"}}"));
	json_free(&jb);
}
END_TEST

static Suite *
eve_suite(void)
{
	Suite *s = suite_create("eve");
	TCase *tc = tcase_create("eve");

	tcase_add_test(tc, test_alert_exact);
	tcase_add_test(tc, test_flow_stats_exact);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_sigs);
	tcase_add_test(tc, test_icmp_v6_and_flow_id);
	tcase_add_test(tc, test_hostile_strings);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(eve_suite)
