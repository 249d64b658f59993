/* check_decode_link.c - unit tests of the decoder's link types: Linux cooked, raw IP, loopback, unsupported; counters. */
#include <sys/socket.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "check_main.h"
#include "decode_fixture.h"

START_TEST(cooked)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3, cut;

	/* SLL: packet type, ARPHRD_ETHER, address length 6, address. */
	f.n = 0;
	put16(&f, 0);
	put16(&f, 1);
	put16(&f, 6);
	putn(&f, MAC_A, 6);
	putz(&f, 2);
	put16(&f, 0x0800);
	l3 = put_ip4(&f, 17, 0, 0);
	put_udp(&f, 123, 123, 48);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_SLL, &f, &p), DEC_OK);
	ck_assert(p.has_mac && !p.has_dst_mac);
	ck_assert_mem_eq(p.src_mac.b, MAC_A, 6);
	ck_assert_int_eq(p.l3_off, 16);
	ck_assert_int_eq(p.dport, 123);
	/* Not Ethernet underneath (e.g. a tunnel): no MAC. */
	f.b[3] = 0xfe;
	ck_assert_int_eq(dec_all(DLT_BUNRI_SLL, &f, &p), DEC_OK);
	ck_assert(!p.has_mac);
	for (cut = 0; cut < 16 + 28; cut++)
		ck_assert_int_eq(dec(DLT_BUNRI_SLL, &f, cut, (uint32_t)f.n, &p),
		    DEC_TRUNCATED);

	/* SLL2: protocol, reserved, ifindex, hatype, pkttype, halen, addr. */
	f.n = 0;
	put16(&f, 0x86dd);
	put16(&f, 0);
	put32(&f, 3);
	put16(&f, 1);
	put8(&f, 0);
	put8(&f, 6);
	putn(&f, MAC_B, 6);
	putz(&f, 2);
	l3 = put_ip6(&f, 6);
	put_tcp(&f, 40000, 80, 0x10, 0);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_SLL2, &f, &p), DEC_OK);
	ck_assert(p.has_mac);
	ck_assert_mem_eq(p.src_mac.b, MAC_B, 6);
	ck_assert_int_eq(p.l3_off, 20);
	ck_assert_int_eq(p.dport, 80);
	ck_assert_int_eq(p.tcp_flags, 0x10);
	for (cut = 0; cut < 20 + 40 + 20; cut++)
		ck_assert_int_eq(dec(DLT_BUNRI_SLL2, &f, cut, (uint32_t)f.n,
		    &p), DEC_TRUNCATED);
}
END_TEST

START_TEST(raw_and_loopback)
{
	static const int raw[] = { DLT_BUNRI_RAW, DLT_BUNRI_RAW12,
	    DLT_BUNRI_RAW14 };
	static const uint32_t fam6[] = { 10, 24, 28, 30 };
	struct frame	 f4, f6, f;
	struct pkt	 p;
	size_t		 l3, i;

	f4.n = 0;
	l3 = put_ip4(&f4, 17, 0, 0);
	put_udp(&f4, 1, 2, 0);
	fix_ip4(&f4, l3);
	f6.n = 0;
	l3 = put_ip6(&f6, 17);
	put_udp(&f6, 3, 4, 0);
	fix_ip6(&f6, l3);

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(dec_all(raw[i], &f4, &p), DEC_OK);
		ck_assert_int_eq(p.ipver, 4);
		ck_assert(!p.has_mac);
		ck_assert_int_eq(p.l3_off, 0);
		ck_assert_int_eq(dec_all(raw[i], &f6, &p), DEC_OK);
		ck_assert_int_eq(p.ipver, 6);
		ck_assert_int_eq(p.dport, 4);
		ck_assert_int_eq(dec(raw[i], &f6, 0, 0, &p), DEC_MALFORMED);
		ck_assert_int_eq(dec(raw[i], &f6, 0, 60, &p), DEC_TRUNCATED);
	}
	ck_assert_int_eq(dec_all(DLT_BUNRI_IPV4, &f4, &p), DEC_OK);
	ck_assert_int_eq(dec_all(DLT_BUNRI_IPV6, &f6, &p), DEC_OK);
	ck_assert_int_eq(dec_all(DLT_BUNRI_IPV4, &f6, &p), DEC_MALFORMED);
	ck_assert_int_eq(dec_all(DLT_BUNRI_IPV6, &f4, &p), DEC_MALFORMED);
	f = f4;
	f.b[0] = 0x55;
	ck_assert_int_eq(dec_all(DLT_BUNRI_RAW, &f, &p), DEC_MALFORMED);

	/* BSD loopback, family in either byte order. */
	f.n = 0;
	put32(&f, 2);
	putn(&f, f4.b, f4.n);
	ck_assert_int_eq(dec_all(DLT_BUNRI_NULL, &f, &p), DEC_OK);
	ck_assert_int_eq(p.ipver, 4);
	ck_assert_int_eq(p.l3_off, 4);
	ck_assert_int_eq(dec_all(DLT_BUNRI_LOOP, &f, &p), DEC_OK);
	f.b[0] = 2;
	f.b[3] = 0;
	ck_assert_int_eq(dec_all(DLT_BUNRI_NULL, &f, &p), DEC_OK);
	ck_assert_int_eq(dec_all(DLT_BUNRI_LOOP, &f, &p), DEC_NOT_IP);
	for (i = 0; i < 4; i++) {
		f.n = 0;
		put32(&f, fam6[i]);
		putn(&f, f6.b, f6.n);
		ck_assert_int_eq(dec_all(DLT_BUNRI_NULL, &f, &p), DEC_OK);
		ck_assert_int_eq(p.ipver, 6);
	}
	f.b[3] = 7;
	ck_assert_int_eq(dec_all(DLT_BUNRI_NULL, &f, &p), DEC_NOT_IP);
}
END_TEST

START_TEST(linktypes_and_stats)
{
	struct decode_stats	 st;
	struct frame		 f;
	struct pkt		 p;

	build_eth_ip4_tcp(&f);
	ck_assert_int_eq(dec_all(105, &f, &p), DEC_UNSUPPORTED_LINK);
	ck_assert_int_eq(dec_all(127, &f, &p), DEC_UNSUPPORTED_LINK);
	ck_assert(!decode_linktype_supported(105));
	ck_assert(decode_linktype_supported(1));
	ck_assert(decode_linktype_supported(113));
	ck_assert(decode_linktype_supported(276));
	ck_assert(decode_linktype_supported(101));
	ck_assert_str_eq(decode_linktype_name(105), "IEEE 802.11");
	ck_assert_str_eq(decode_linktype_name(1), "Ethernet");
	ck_assert_str_eq(decode_linktype_name(4242), "unknown");
	ck_assert_str_eq(decode_rc_name(DEC_TRUNCATED), "truncated");

	memset(&st, 0, sizeof(st));
	decode_stats_count(&st, DEC_OK);
	decode_stats_count(&st, DEC_OK);
	decode_stats_count(&st, DEC_NOT_IP);
	decode_stats_count(&st, DEC_TRUNCATED);
	decode_stats_count(&st, DEC_MALFORMED);
	decode_stats_count(&st, DEC_UNSUPPORTED_LINK);
	ck_assert_uint_eq(st.packets, 6);
	ck_assert_uint_eq(st.ok, 2);
	ck_assert_uint_eq(st.not_ip, 1);
	ck_assert_uint_eq(st.truncated, 1);
	ck_assert_uint_eq(st.malformed, 1);
	ck_assert_uint_eq(st.unsupported, 1);
}
END_TEST

static Suite *
decode_link_suite(void)
{
	Suite	*s = suite_create("decode_link");
	TCase	*tc = tcase_create("decode_link");

	tcase_add_test(tc, cooked);
	tcase_add_test(tc, raw_and_loopback);
	tcase_add_test(tc, linktypes_and_stats);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decode_link_suite)
