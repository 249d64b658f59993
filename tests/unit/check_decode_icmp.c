/* check_decode_icmp.c - unit tests of the packet an ICMP/ICMPv6 error quotes (inner tuple), its limits and truncations. */
#include <sys/socket.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "check_main.h"
#include "decode_fixture.h"

/*
 * Ethernet, IPv4 ICMP error (type, code) quoting an IPv4 UDP datagram
 * 192.0.2.1:40000 -> 198.51.100.2:53 with optlen bytes of IP options and
 * qpay bytes of its UDP payload.
 */
static void
build_err4_udp(struct frame *f, unsigned type, unsigned code, size_t optlen,
    size_t qpay)
{
	size_t	 l3, q;

	f->n = 0;
	put_eth(f, 0x0800);
	l3 = put_ip4(f, 1, 0, 0);
	put_icmp(f, type, code);
	q = put_ip4(f, 17, 0, optlen);
	put_udp(f, 40000, 53, qpay);
	fix_ip4(f, q);
	set16(f, q + 2, (unsigned)(f->n - q + 100));	/* it was longer */
	fix_ip4(f, l3);
}

/* IPv6 ICMPv6 error quoting an IPv6 packet with a destination option. */
static void
build_err6_tcp(struct frame *f, unsigned type)
{
	size_t	 l3;

	f->n = 0;
	put_eth(f, 0x86dd);
	l3 = put_ip6(f, 58);
	put_icmp(f, type, 0);
	(void)put_ip6(f, 60);
	put_ext(f, 6, 1);
	put_tcp(f, 50000, 443, 0x02, 0);
	fix_ip6(f, l3);
}

START_TEST(ip4_port_unreachable)
{
	struct frame	 f;
	struct pkt	 p;

	build_err4_udp(&f, 3, 3, 0, 4);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_icmp && !p.has_ports);
	ck_assert_int_eq(p.icmp_type, 3);
	ck_assert_int_eq(p.icmp_code, 3);
	ck_assert(p.has_inner && p.inner_has_ports && !p.inner_has_icmp);
	ck_assert_int_eq(p.inner_proto, 17);
	ck_assert_int_eq(p.inner_sport, 40000);
	ck_assert_int_eq(p.inner_dport, 53);
	assert_addr(&p.inner_src, AF_INET, IP4_A);
	assert_addr(&p.inner_dst, AF_INET, IP4_B);

	/* Quoted header with options; time exceeded; parameter problem. */
	build_err4_udp(&f, 11, 0, 12, 0);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_inner && p.inner_has_ports);
	ck_assert_int_eq(p.inner_dport, 53);
	build_err4_udp(&f, 12, 0, 0, 0);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_inner);

	/* Not errors: echo reply, redirect; the same bytes quote nothing. */
	build_err4_udp(&f, 0, 0, 0, 4);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_icmp && !p.has_inner && !p.inner_has_ports);
	build_err4_udp(&f, 5, 1, 0, 4);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);
}
END_TEST

START_TEST(ip4_quote_odd)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 q = 14 + 20 + 8;

	/* A later fragment quotes no UDP header: no inner tuple. */
	build_err4_udp(&f, 3, 3, 0, 4);
	set16(&f, q + 6, 0x0010);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_icmp && !p.has_inner);
	/* A first fragment does. */
	set16(&f, q + 6, 0x2000);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_inner);

	/* A version 6 header inside ICMPv4, an IHL below 5. */
	build_err4_udp(&f, 3, 3, 0, 4);
	f.b[q] = 0x65;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);
	f.b[q] = 0x44;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);
	/* An IHL that runs past the quote. */
	f.b[q] = 0x4f;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);

	/* A quoted ICMP echo: its type and code. */
	f.n = 0;
	put_eth(&f, 0x0800);
	q = put_ip4(&f, 1, 0, 0);
	put_icmp(&f, 11, 0);
	(void)put_ip4(&f, 1, 0, 0);
	put_icmp(&f, 8, 0);
	fix_ip4(&f, q);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_inner && p.inner_has_icmp && !p.inner_has_ports);
	ck_assert_int_eq(p.inner_proto, 1);
	ck_assert_int_eq(p.inner_icmp_type, 8);
	ck_assert_int_eq(p.inner_icmp_code, 0);
}
END_TEST

/*
 * Cut anywhere inside the quote, by the snap length (wire longer) or by
 * the IP length itself: the outer packet decodes, without an inner tuple.
 */
START_TEST(ip4_quote_truncated)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 cap, l3 = 14, full;

	build_err4_udp(&f, 3, 3, 0, 0);
	full = f.n;
	for (cap = l3 + 20 + 4; cap < full; cap++) {
		ck_assert_int_eq(dec(DLT_BUNRI_EN10MB, &f, cap,
		    (uint32_t)full, &p), DEC_OK);
		ck_assert(p.has_icmp);
		ck_assert(!p.has_inner);
	}
	for (cap = l3 + 20 + 4; cap < full; cap++) {
		f.n = cap;
		fix_ip4(&f, l3);
		ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
		ck_assert(!p.has_inner);
	}
	f.n = full;
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_inner);
	/* Ethernet padding after a short IP datagram is not the quote. */
	f.n = full - 1;
	fix_ip4(&f, l3);
	f.n = full;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);
}
END_TEST

START_TEST(ip6_errors)
{
	static const unsigned types[] = { 1, 2, 3, 4 };
	struct frame	 f;
	struct pkt	 p;
	size_t		 i, cap, full;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		build_err6_tcp(&f, types[i]);
		ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
		ck_assert(p.has_icmp && p.has_inner && p.inner_has_ports);
		ck_assert_int_eq(p.icmp_type, types[i]);
		ck_assert_int_eq(p.inner_proto, 6);
		ck_assert_int_eq(p.inner_sport, 50000);
		ck_assert_int_eq(p.inner_dport, 443);
		assert_addr(&p.inner_src, AF_INET6, IP6_A);
		assert_addr(&p.inner_dst, AF_INET6, IP6_B);
	}
	/* Echo reply and an ND message quote nothing. */
	build_err6_tcp(&f, 129);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);

	/* Cut inside the quote: its header, its option, its ports. */
	build_err6_tcp(&f, 1);
	full = f.n;
	for (cap = 14 + 40 + 4; cap < 14 + 40 + 8 + 40 + 8 + 8; cap++) {
		ck_assert_int_eq(dec(DLT_BUNRI_EN10MB, &f, cap,
		    (uint32_t)full, &p), DEC_OK);
		ck_assert(!p.has_inner);
	}
	ck_assert_int_eq(dec(DLT_BUNRI_EN10MB, &f, cap, (uint32_t)full, &p),
	    DEC_OK);
	ck_assert(p.has_inner);

	/* An option length past the quote; a later fragment quoted. */
	f.b[14 + 40 + 8 + 40 + 1] = 200;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);
	f.n = 0;
	put_eth(&f, 0x86dd);
	i = put_ip6(&f, 58);
	put_icmp(&f, 1, 4);
	(void)put_ip6(&f, 44);
	put_frag6(&f, 17, 3, 0);
	put_udp(&f, 1, 2, 0);
	fix_ip6(&f, i);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_inner);
	/* ... and a first one is. */
	f.b[14 + 40 + 8 + 40 + 3] = 1;
	f.b[14 + 40 + 8 + 40 + 2] = 0;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_inner && p.inner_has_ports);
	ck_assert_int_eq(p.inner_dport, 2);

	/* ICMP (not ICMPv6) type 3 inside IPv6 is no error of either. */
	build_err6_tcp(&f, 3);
	f.b[14 + 6] = 1;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_icmp && !p.has_inner);
}
END_TEST

static Suite *
decode_icmp_suite(void)
{
	Suite	*s = suite_create("decode_icmp");
	TCase	*tc = tcase_create("decode_icmp");

	tcase_add_test(tc, ip4_port_unreachable);
	tcase_add_test(tc, ip4_quote_odd);
	tcase_add_test(tc, ip4_quote_truncated);
	tcase_add_test(tc, ip6_errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decode_icmp_suite)
