/* decode_fixture.h - builds test frames byte by byte for check_decode.c. */
#ifndef BUNRI_DECODE_FIXTURE_H
#define BUNRI_DECODE_FIXTURE_H

#include <sys/socket.h>

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

/* A frame being built; every put appends. */
struct frame {
	uint8_t	 b[2048];
	size_t	 n;
};

/* Documentation MACs (RFC 7042) and addresses. */
static const uint8_t MAC_A[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01 };
static const uint8_t MAC_B[6] = { 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02 };
static const uint8_t IP4_A[4] = { 192, 0, 2, 1 };
static const uint8_t IP4_B[4] = { 198, 51, 100, 2 };
static const uint8_t IP6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t IP6_B[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };

static inline void
put8(struct frame *f, unsigned v)
{
	f->b[f->n++] = (uint8_t)v;
}

static inline void
put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static inline void
put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static inline void
putn(struct frame *f, const uint8_t *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static inline void
putz(struct frame *f, size_t n)
{
	memset(f->b + f->n, 0, n);
	f->n += n;
}

static inline void
set16(struct frame *f, size_t off, unsigned v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

/* Ethernet from MAC_A to MAC_B. */
static inline void
put_eth(struct frame *f, unsigned type)
{
	putn(f, MAC_B, 6);
	putn(f, MAC_A, 6);
	put16(f, type);
}

static inline void
put_vlan(struct frame *f, unsigned tci, unsigned type)
{
	put16(f, tci);
	put16(f, type);
}

/*
 * IPv4 header with optlen bytes of options (NOPs); the total length is
 * set by fix_ip4().  Returns the header's offset.
 */
static inline size_t
put_ip4(struct frame *f, unsigned proto, unsigned fragfield, size_t optlen)
{
	size_t	 off = f->n;

	put8(f, 0x40 | (unsigned)((20 + optlen) / 4));
	put8(f, 0);
	put16(f, 0);		/* total length: fix_ip4() */
	put16(f, 0x1234);
	put16(f, fragfield);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putn(f, IP4_A, 4);
	putn(f, IP4_B, 4);
	memset(f->b + f->n, 1, optlen);
	f->n += optlen;
	return off;
}

static inline void
fix_ip4(struct frame *f, size_t off)
{
	set16(f, off + 2, (unsigned)(f->n - off));
}

static inline size_t
put_ip6(struct frame *f, unsigned nh)
{
	size_t	 off = f->n;

	put32(f, 0x60000000);
	put16(f, 0);		/* payload length: fix_ip6() */
	put8(f, nh);
	put8(f, 255);
	putn(f, IP6_A, 16);
	putn(f, IP6_B, 16);
	return off;
}

static inline void
fix_ip6(struct frame *f, size_t off)
{
	set16(f, off + 4, (unsigned)(f->n - off - 40));
}

/* Hop-by-hop, routing or destination options: len8 units of 8 bytes. */
static inline void
put_ext(struct frame *f, unsigned nh, unsigned len8)
{
	put8(f, nh);
	put8(f, len8 - 1);
	memset(f->b + f->n, 0, len8 * 8 - 2);
	f->n += len8 * 8 - 2;
}

static inline void
put_frag6(struct frame *f, unsigned nh, unsigned offset8, int more)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, offset8 << 3 | (more ? 1 : 0));
	put32(f, 0xabcd);
}

/* AH of len4 32-bit words (payload length field = len4 - 2). */
static inline void
put_ah(struct frame *f, unsigned nh, unsigned len4)
{
	put8(f, nh);
	put8(f, len4 - 2);
	putz(f, len4 * 4 - 2);
}

static inline void
put_tcp(struct frame *f, unsigned sport, unsigned dport, unsigned flags,
    size_t optlen)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 1000);
	put32(f, 0);
	put8(f, (unsigned)((20 + optlen) / 4) << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	memset(f->b + f->n, 1, optlen);
	f->n += optlen;
}

static inline void
put_udp(struct frame *f, unsigned sport, unsigned dport, size_t payload)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, (unsigned)(8 + payload));
	put16(f, 0);
	putz(f, payload);
}

/* ICMP or ICMPv6 header: type, code, checksum, 4 more bytes. */
static inline void
put_icmp(struct frame *f, unsigned type, unsigned code)
{
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, 0x00010001);
}

/* ND link-layer address option (type 1 or 2). */
static inline void
put_ndopt_ll(struct frame *f, unsigned type, const uint8_t mac[6])
{
	put8(f, type);
	put8(f, 1);
	putn(f, mac, 6);
}

/*
 * Decode the first cap bytes of f from an exact-size heap copy, so that
 * under the sanitizers (make unit SAN=1) a read one byte too far aborts.
 */
static inline int
dec(int lt, const struct frame *f, size_t cap, uint32_t wire, struct pkt *p)
{
	uint8_t	*copy;
	int	 rc;

	copy = malloc(cap);
	ck_assert(copy != NULL || cap == 0);
	if (cap > 0)
		memcpy(copy, f->b, cap);
	rc = decode_packet(lt, copy, cap, wire, p);
	free(copy);
	return rc;
}

static inline int
dec_all(int lt, const struct frame *f, struct pkt *p)
{
	return dec(lt, f, f->n, (uint32_t)f->n, p);
}

static inline void
assert_addr(const struct addr *a, int family, const uint8_t *bytes)
{
	uint8_t	 want[16] = { 0 };
	int	 len = family == AF_INET ? 4 : 16;

	memcpy(want, bytes, len);
	ck_assert_int_eq(a->family, family);
	ck_assert_int_eq(a->plen, len * 8);
	ck_assert_mem_eq(a->a, want, 16);
}

/* Ethernet, IPv4 with 8 bytes of options, TCP with 12 bytes of options. */
static inline void
build_eth_ip4_tcp(struct frame *f)
{
	size_t	 l3;

	f->n = 0;
	put_eth(f, 0x0800);
	l3 = put_ip4(f, 6, 0x4000, 8);
	put_tcp(f, 49152, 443, 0x12, 12);
	putz(f, 10);
	fix_ip4(f, l3);
}

/* Ethernet, IPv6, hop-by-hop, dest opts, routing, fragment, AH, TCP. */
#define EXT_L4_OFF	(14 + 40 + 8 + 16 + 24 + 8 + 24)
static inline void
build_eth_ip6_ext_tcp(struct frame *f)
{
	size_t	 l3;

	f->n = 0;
	put_eth(f, 0x86dd);
	l3 = put_ip6(f, 0);
	put_ext(f, 60, 1);
	put_ext(f, 43, 2);
	put_ext(f, 44, 3);
	put_frag6(f, 51, 0, 1);
	put_ah(f, 6, 6);
	put_tcp(f, 49153, 22, 0x02, 12);
	putz(f, 5);
	fix_ip6(f, l3);
}

/* Ethernet, IPv6, ICMPv6 neighbour solicitation with a source LL option. */
static inline void
build_eth_ns(struct frame *f)
{
	size_t	 l3;

	f->n = 0;
	put_eth(f, 0x86dd);
	l3 = put_ip6(f, 58);
	put_icmp(f, 135, 0);
	putn(f, IP6_B, 16);
	put_ndopt_ll(f, 1, MAC_A);
	fix_ip6(f, l3);
}


#endif
