/* decode.h - captured packet bytes to the fields bunri monitors (struct pkt). */
#ifndef BUNRI_DECODE_H
#define BUNRI_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * Link types by their LINKTYPE_/DLT_ number, so lib/ needs no pcap.h.
 * libpcap hands LINKTYPE_RAW (101) out as DLT_RAW, which is 12 on Linux
 * and 14 on OpenBSD: all three mean raw IP.
 */
#define DLT_BUNRI_NULL		0	/* BSD loopback: 4-byte address family */
#define DLT_BUNRI_EN10MB	1	/* Ethernet */
#define DLT_BUNRI_RAW12		12	/* raw IP (DLT_RAW on Linux) */
#define DLT_BUNRI_RAW14		14	/* raw IP (DLT_RAW on OpenBSD) */
#define DLT_BUNRI_RAW		101	/* LINKTYPE_RAW */
#define DLT_BUNRI_LOOP		108	/* OpenBSD loopback: family in network order */
#define DLT_BUNRI_SLL		113	/* Linux cooked capture */
#define DLT_BUNRI_IPV4		228	/* raw IPv4 only */
#define DLT_BUNRI_IPV6		229	/* raw IPv6 only */
#define DLT_BUNRI_SLL2		276	/* Linux cooked capture v2 */

/* What to tell a person whose capture has an unsupported link type. */
#define DECODE_SUPPORTED_TEXT \
	"bunri decodes Ethernet, Linux cooked and raw IP captures"

enum dec_rc {
	DEC_OK = 0,		/* an IP packet: the IP part of struct pkt is valid */
	DEC_NOT_IP,		/* decoded at L2 only (ARP: is_arp and arp_* set) */
	DEC_TRUNCATED,		/* the capture ends inside a header we need */
	DEC_MALFORMED,		/* the packet contradicts itself (lengths, version) */
	DEC_UNSUPPORTED_LINK,	/* link type not handled: nothing decoded */
};
#define DEC_NRC	5

/* ND options carrying a link-layer address (RFC 4861 4.6.1). */
#define ND_OPT_SLLA	1	/* source link-layer address: RS, RA, NS */
#define ND_OPT_TLLA	2	/* target link-layer address: NA */

/*
 * A decoded packet.  decode_packet() clears the flags and scalars; the
 * addresses, MACs and ports are written only when their flag (or ipver)
 * says they are there, and are then written in full (IPv4 addresses have
 * a[4..15] zero, plen 32), so they can be hashed and compared as bytes.
 */
struct pkt {
	/* link layer */
	bool		 has_mac;	/* src_mac known (Ethernet, cooked with hatype 1) */
	bool		 has_dst_mac;	/* dst_mac known (Ethernet only) */
	uint8_t		 nvlan;		/* VLAN tags seen, outermost first (max 2 kept) */
	uint16_t	 vlan[2];	/* VLAN IDs (12 bits) */
	uint16_t	 ethertype;	/* after the VLAN tags; 0x0800/0x86dd for raw IP */

	/* ARP (Ethernet/IPv4 only) */
	bool		 is_arp;
	uint16_t	 arp_op;	/* 1 request, 2 reply */

	/* IP */
	uint8_t		 ipver;		/* 0 (not IP), 4 or 6 */
	uint8_t		 proto;		/* upper layer after IPv6 extension headers */
	uint8_t		 ttl;		/* TTL or hop limit */
	bool		 frag;		/* a fragment (v4 MF/offset, v6 fragment header) */
	bool		 frag_first;	/* a fragment with offset 0 */

	/* L4: ports only in unfragmented packets and first fragments */
	bool		 has_ports;	/* TCP, UDP, UDP-Lite, SCTP */
	uint8_t		 tcp_flags;	/* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 ... */
	bool		 has_icmp;	/* ICMP or ICMPv6 */
	uint8_t		 icmp_type, icmp_code;
	uint16_t	 sport, dport;

	/*
	 * ICMP and ICMPv6 errors (v4: destination unreachable, time exceeded,
	 * parameter problem; v6: the same and packet too big) quote the
	 * packet they answer: its IP header and first 8 bytes of L4.  Set
	 * only when that quote is there in full and is a first fragment, so
	 * the flow it belongs to can be found; a cut or odd quote leaves the
	 * outer packet as it is, just without it.
	 */
	bool		 has_inner;
	uint8_t		 inner_proto;
	bool		 inner_has_ports; /* TCP, UDP, UDP-Lite, SCTP */
	bool		 inner_has_icmp;
	uint8_t		 inner_icmp_type, inner_icmp_code;
	uint16_t	 inner_sport, inner_dport;

	/* IPv6 neighbour discovery (ICMPv6 133-136) */
	bool		 is_nd;
	bool		 nd_has_target;	/* NS, NA */
	bool		 nd_has_lladdr;
	uint8_t		 nd_lladdr_opt;	/* ND_OPT_SLLA or ND_OPT_TLLA */

	/* lengths and offsets into the captured bytes */
	uint32_t	 caplen, wirelen;
	uint32_t	 l3_off;	/* start of the IP (or ARP) header */
	uint32_t	 ip_len;	/* IP total length as the header says */
	uint32_t	 l4_off;	/* start of the upper-layer header; 0: none */

	/* written only when their flag says so (see above) */
	struct mac	 src_mac, dst_mac;
	struct mac	 arp_sha;
	struct addr	 arp_spa, arp_tpa;
	struct addr	 src, dst;
	struct mac	 nd_lladdr;
	struct addr	 nd_target;
	struct addr	 inner_src, inner_dst;	/* has_inner */
};

/*
 * Decode one captured packet: data holds caplen bytes of a frame that was
 * wirelen bytes long on the wire (wirelen < caplen is taken as caplen).
 * Never reads past data[caplen - 1] and keeps no pointer into data.
 * Returns an enum dec_rc; out is filled as far as decoding got.
 */
int	 decode_packet(int linktype, const uint8_t *data, size_t caplen,
	    uint32_t wirelen, struct pkt *out);

/* "Ethernet", "IEEE 802.11", ...; "unknown" for a number it does not know. */
const char *decode_linktype_name(int linktype);
bool	 decode_linktype_supported(int linktype);
/* "ok", "not IP", "truncated", "malformed", "unsupported link type" */
const char *decode_rc_name(int rc);

struct decode_stats {
	uint64_t	 packets;
	uint64_t	 ok;
	uint64_t	 not_ip;
	uint64_t	 truncated;
	uint64_t	 malformed;
	uint64_t	 unsupported;
};

/* Count one decode_packet() result. */
void	 decode_stats_count(struct decode_stats *, int rc);

#endif
