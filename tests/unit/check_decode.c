/* check_decode.c - unit tests of the packet decoder: Ethernet, VLAN, ARP, IPv4, IPv6, ICMP and ND on frames built byte by byte. */
#include <sys/socket.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "check_main.h"
#include "decode_fixture.h"

START_TEST(eth_ip4_tcp)
{
	struct frame	 f;
	struct pkt	 p;

	build_eth_ip4_tcp(&f);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_mac && p.has_dst_mac);
	ck_assert_mem_eq(p.src_mac.b, MAC_A, 6);
	ck_assert_mem_eq(p.dst_mac.b, MAC_B, 6);
	ck_assert_int_eq(p.nvlan, 0);
	ck_assert_int_eq(p.ethertype, 0x0800);
	ck_assert_int_eq(p.ipver, 4);
	assert_addr(&p.src, AF_INET, IP4_A);
	assert_addr(&p.dst, AF_INET, IP4_B);
	ck_assert_int_eq(p.proto, 6);
	ck_assert_int_eq(p.ttl, 64);
	ck_assert(!p.frag && !p.frag_first);
	ck_assert(p.has_ports && !p.has_icmp && !p.is_arp && !p.is_nd);
	ck_assert_int_eq(p.sport, 49152);
	ck_assert_int_eq(p.dport, 443);
	ck_assert_int_eq(p.tcp_flags, 0x12);
	ck_assert_int_eq(p.l3_off, 14);
	ck_assert_int_eq(p.l4_off, 14 + 28);
	ck_assert_int_eq(p.ip_len, 28 + 32 + 10);
	ck_assert_int_eq(p.caplen, f.n);
	ck_assert_int_eq(p.wirelen, f.n);
}
END_TEST

START_TEST(ip4_lengths)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3;

	/* IHL below 5. */
	build_eth_ip4_tcp(&f);
	f.b[14] = 0x44;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	/* Version 6 in an IPv4 ethertype. */
	build_eth_ip4_tcp(&f);
	f.b[14] = 0x67;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	/* Total length shorter than the header with its options. */
	build_eth_ip4_tcp(&f);
	set16(&f, 16, 24);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	/* Total length longer than the frame on the wire. */
	build_eth_ip4_tcp(&f);
	set16(&f, 16, (unsigned)(f.n - 14 + 1));
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	/* ... but fine when the snap length cut it: wire is longer. */
	ck_assert_int_eq(dec(DLT_BUNRI_EN10MB, &f, f.n, (uint32_t)f.n + 1, &p),
	    DEC_OK);
	/* Total length 0 (TSO): the frame's length is taken. */
	build_eth_ip4_tcp(&f);
	set16(&f, 16, 0);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.ip_len, f.n - 14);
	/* Ethernet padding after a short datagram is not read as ours. */
	f.n = 0;
	put_eth(&f, 0x0800);
	l3 = put_ip4(&f, 17, 0, 0);
	put_udp(&f, 53, 5353, 0);
	fix_ip4(&f, l3);
	putz(&f, 60 - f.n);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.ip_len, 28);
	ck_assert(p.has_ports);
	ck_assert_int_eq(p.sport, 53);
	ck_assert_int_eq(p.dport, 5353);
	/* UDP header past the datagram's end (padding is not a header). */
	set16(&f, 16, 24);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	/* TCP data offset below 5 and past the datagram. */
	build_eth_ip4_tcp(&f);
	f.b[14 + 28 + 12] = 0x40;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	build_eth_ip4_tcp(&f);
	f.b[14 + 28 + 12] = 0xf0;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
}
END_TEST

START_TEST(ip4_fragments)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3;

	/* First fragment: MF, offset 0, ports. */
	f.n = 0;
	put_eth(&f, 0x0800);
	l3 = put_ip4(&f, 17, 0x2000, 0);
	put_udp(&f, 5000, 53, 100);
	set16(&f, l3 + 20 + 4, 3000);	/* UDP length of the whole datagram */
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.frag && p.frag_first && p.has_ports);
	ck_assert_int_eq(p.dport, 53);
	/* A later fragment: its payload starts mid-datagram, no ports. */
	set16(&f, l3 + 6, 185);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.frag && !p.frag_first && !p.has_ports);
	ck_assert_int_eq(p.proto, 17);
	/* The last fragment (no MF, offset set). */
	set16(&f, l3 + 6, 370);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.frag && !p.frag_first && !p.has_ports);
	/* A tiny first fragment too short for the TCP header. */
	f.n = 0;
	put_eth(&f, 0x0800);
	l3 = put_ip4(&f, 6, 0x2000, 0);
	putz(&f, 8);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
}
END_TEST

START_TEST(vlan_tags)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3;
	int		 i;

	f.n = 0;
	putn(&f, MAC_B, 6);
	putn(&f, MAC_A, 6);
	put16(&f, 0x8100);
	put_vlan(&f, 0x2000 | 100, 0x0800);
	l3 = put_ip4(&f, 17, 0, 0);
	put_udp(&f, 1, 2, 4);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.nvlan, 1);
	ck_assert_int_eq(p.vlan[0], 100);
	ck_assert_int_eq(p.l3_off, 18);
	ck_assert_int_eq(p.ethertype, 0x0800);

	/* QinQ: 802.1ad outer, 802.1Q inner. */
	f.n = 0;
	putn(&f, MAC_B, 6);
	putn(&f, MAC_A, 6);
	put16(&f, 0x88a8);
	put_vlan(&f, 10, 0x8100);
	put_vlan(&f, 20, 0x86dd);
	l3 = put_ip6(&f, 17);
	put_udp(&f, 1, 2, 4);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.nvlan, 2);
	ck_assert_int_eq(p.vlan[0], 10);
	ck_assert_int_eq(p.vlan[1], 20);
	ck_assert_int_eq(p.ipver, 6);
	ck_assert_int_eq(p.l3_off, 22);

	/* Old QinQ 0x9100 and three tags: two kept, all skipped. */
	f.n = 0;
	putn(&f, MAC_B, 6);
	putn(&f, MAC_A, 6);
	put16(&f, 0x9100);
	put_vlan(&f, 1, 0x8100);
	put_vlan(&f, 2, 0x8100);
	put_vlan(&f, 3, 0x0800);
	l3 = put_ip4(&f, 17, 0, 0);
	put_udp(&f, 1, 2, 4);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.nvlan, 2);
	ck_assert_int_eq(p.vlan[1], 2);
	ck_assert_int_eq(p.l3_off, 26);

	/* Nine tags is a crafted frame. */
	f.n = 0;
	putn(&f, MAC_B, 6);
	putn(&f, MAC_A, 6);
	put16(&f, 0x8100);
	for (i = 0; i < 9; i++)
		put_vlan(&f, 1, i == 8 ? 0x0800 : 0x8100);
	l3 = put_ip4(&f, 17, 0, 0);
	put_udp(&f, 1, 2, 4);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
}
END_TEST

static void
build_arp(struct frame *f)
{
	static const uint8_t zero[6];

	f->n = 0;
	put_eth(f, 0x0806);
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, 1);
	putn(f, MAC_A, 6);
	putn(f, IP4_A, 4);
	putn(f, zero, 6);
	putn(f, IP4_B, 4);
}

START_TEST(arp_and_other)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 cut;

	build_arp(&f);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_NOT_IP);
	ck_assert(p.is_arp);
	ck_assert_int_eq(p.ipver, 0);
	ck_assert_int_eq(p.arp_op, 1);
	ck_assert_mem_eq(p.arp_sha.b, MAC_A, 6);
	assert_addr(&p.arp_spa, AF_INET, IP4_A);
	assert_addr(&p.arp_tpa, AF_INET, IP4_B);
	ck_assert_int_eq(p.ethertype, 0x0806);

	for (cut = 0; cut < f.n; cut++) {
		ck_assert_int_eq(dec(DLT_BUNRI_EN10MB, &f, cut, (uint32_t)f.n,
		    &p), DEC_TRUNCATED);
		ck_assert_int_eq(dec(DLT_BUNRI_EN10MB, &f, cut, (uint32_t)cut,
		    &p), DEC_MALFORMED);
	}

	/* ARP over something else than Ethernet/IPv4: L2 only. */
	build_arp(&f);
	f.b[15] = 6;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_NOT_IP);
	ck_assert(!p.is_arp);

	/* LLDP. */
	f.n = 0;
	put_eth(&f, 0x88cc);
	putz(&f, 40);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_NOT_IP);
	ck_assert(!p.is_arp && p.ipver == 0 && p.has_mac);
	ck_assert_int_eq(p.ethertype, 0x88cc);
}
END_TEST

START_TEST(ip6_ext_headers)
{
	struct frame	 f;
	struct pkt	 p;

	build_eth_ip6_ext_tcp(&f);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.ipver, 6);
	assert_addr(&p.src, AF_INET6, IP6_A);
	assert_addr(&p.dst, AF_INET6, IP6_B);
	ck_assert_int_eq(p.ttl, 255);
	ck_assert_int_eq(p.proto, 6);
	ck_assert(p.frag && p.frag_first && p.has_ports);
	ck_assert_int_eq(p.sport, 49153);
	ck_assert_int_eq(p.dport, 22);
	ck_assert_int_eq(p.tcp_flags, 0x02);
	ck_assert_int_eq(p.l4_off, EXT_L4_OFF);
	ck_assert_int_eq(p.ip_len, f.n - 14);
}
END_TEST

START_TEST(ip6_ext_limits)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3;
	int		 i, n;

	/* 8 extension headers are decoded, 9 are not. */
	for (n = 8; n <= 9; n++) {
		f.n = 0;
		put_eth(&f, 0x86dd);
		l3 = put_ip6(&f, 60);
		for (i = 0; i < n; i++)
			put_ext(&f, i == n - 1 ? 17 : 60, 1);
		put_udp(&f, 1, 2, 0);
		fix_ip6(&f, l3);
		ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p),
		    n == 8 ? DEC_OK : DEC_MALFORMED);
	}
	ck_assert(!p.has_ports);

	/* Hop-by-hop after another extension header. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 60);
	put_ext(&f, 0, 1);
	put_ext(&f, 17, 1);
	put_udp(&f, 1, 2, 0);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);

	/* An extension header longer than the datagram. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 60);
	put_ext(&f, 17, 1);
	put_udp(&f, 1, 2, 0);
	fix_ip6(&f, l3);
	f.b[14 + 40 + 1] = 2;	/* 24 bytes, only 16 follow */
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);

	/* ESP and no-next-header end the chain. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 60);
	put_ext(&f, 50, 1);
	putz(&f, 32);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.proto, 50);
	ck_assert(!p.has_ports && !p.has_icmp);
	f.b[14 + 40] = 59;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.proto, 59);

	/* A later fragment: the upper protocol, no ports. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 44);
	put_frag6(&f, 17, 100, 0);
	putz(&f, 16);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.frag && !p.frag_first && !p.has_ports);
	ck_assert_int_eq(p.proto, 17);

	/* Payload length 0 (jumbogram or TSO): the frame's length. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	put_ip6(&f, 17);
	put_udp(&f, 7, 9, 3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert_int_eq(p.ip_len, 40 + 11);
	ck_assert_int_eq(p.dport, 9);
	/* Payload length past the frame. */
	set16(&f, 14 + 4, 12);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
}
END_TEST

START_TEST(icmp)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3;

	f.n = 0;
	put_eth(&f, 0x0800);
	l3 = put_ip4(&f, 1, 0, 0);
	put_icmp(&f, 8, 0);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_icmp && !p.has_ports && !p.is_nd);
	ck_assert_int_eq(p.icmp_type, 8);
	ck_assert_int_eq(p.icmp_code, 0);

	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 58);
	put_icmp(&f, 1, 4);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_icmp && !p.is_nd);
	ck_assert_int_eq(p.proto, 58);
	ck_assert_int_eq(p.icmp_type, 1);
	ck_assert_int_eq(p.icmp_code, 4);

	/* SCTP has ports too. */
	f.n = 0;
	put_eth(&f, 0x0800);
	l3 = put_ip4(&f, 132, 0, 0);
	put16(&f, 2905);
	put16(&f, 2944);
	putz(&f, 8);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.has_ports);
	ck_assert_int_eq(p.dport, 2944);

	/* GRE: an IP packet, no ports. */
	f.n = 0;
	put_eth(&f, 0x0800);
	l3 = put_ip4(&f, 47, 0, 0);
	putz(&f, 8);
	fix_ip4(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(!p.has_ports && !p.has_icmp);
	ck_assert_int_eq(p.proto, 47);
	ck_assert_int_eq(p.l4_off, 34);
}
END_TEST

START_TEST(nd)
{
	struct frame	 f;
	struct pkt	 p;
	size_t		 l3;

	build_eth_ns(&f);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.is_nd && p.has_icmp && p.nd_has_target);
	ck_assert_int_eq(p.icmp_type, 135);
	assert_addr(&p.nd_target, AF_INET6, IP6_B);
	ck_assert(p.nd_has_lladdr);
	ck_assert_int_eq(p.nd_lladdr_opt, ND_OPT_SLLA);
	ck_assert_mem_eq(p.nd_lladdr.b, MAC_A, 6);

	/* A zero-length option invalidates the message. */
	f.b[f.n - 7] = 0;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
	/* An option longer than what is left. */
	f.b[f.n - 7] = 2;
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);

	/* NA with an unknown option, then the target LL address. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 58);
	put_icmp(&f, 136, 0);
	putn(&f, IP6_A, 16);
	put8(&f, 99);
	put8(&f, 2);
	putz(&f, 14);
	put_ndopt_ll(&f, 1, MAC_B);	/* not the kind an NA carries */
	put_ndopt_ll(&f, 2, MAC_A);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.is_nd && p.nd_has_target && p.nd_has_lladdr);
	assert_addr(&p.nd_target, AF_INET6, IP6_A);
	ck_assert_int_eq(p.nd_lladdr_opt, ND_OPT_TLLA);
	ck_assert_mem_eq(p.nd_lladdr.b, MAC_A, 6);

	/* NS from the unspecified address: no option at all. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 58);
	put_icmp(&f, 135, 0);
	putn(&f, IP6_B, 16);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.is_nd && p.nd_has_target && !p.nd_has_lladdr);

	/* RS with a source LL address. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 58);
	put_icmp(&f, 133, 0);
	put_ndopt_ll(&f, 1, MAC_B);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.is_nd && !p.nd_has_target && p.nd_has_lladdr);
	ck_assert_mem_eq(p.nd_lladdr.b, MAC_B, 6);

	/* RA: prefix information option (32 bytes), then source LL. */
	f.n = 0;
	put_eth(&f, 0x86dd);
	l3 = put_ip6(&f, 58);
	put_icmp(&f, 134, 0);
	putz(&f, 8);
	put8(&f, 3);
	put8(&f, 4);
	putz(&f, 30);
	put_ndopt_ll(&f, 1, MAC_A);
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_OK);
	ck_assert(p.is_nd && p.nd_has_lladdr);
	ck_assert_int_eq(p.icmp_type, 134);
	ck_assert_mem_eq(p.nd_lladdr.b, MAC_A, 6);
	/* An RA cut before its reachable/retrans timers. */
	f.n = 14 + 40 + 12;
	fix_ip6(&f, l3);
	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, &f, &p), DEC_MALFORMED);
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite	*s = suite_create("decode");
	TCase	*tc = tcase_create("decode");

	tcase_add_test(tc, eth_ip4_tcp);
	tcase_add_test(tc, ip4_lengths);
	tcase_add_test(tc, ip4_fragments);
	tcase_add_test(tc, vlan_tags);
	tcase_add_test(tc, arp_and_other);
	tcase_add_test(tc, ip6_ext_headers);
	tcase_add_test(tc, ip6_ext_limits);
	tcase_add_test(tc, icmp);
	tcase_add_test(tc, nd);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decode_suite)
