/* decode_ip.c - IPv4, IPv6 with its extension headers, TCP/UDP/SCTP ports, ICMP and neighbour discovery. */
#include <sys/socket.h>

#include <string.h>

#include "decode.h"
#include "decode_int.h"

#define IPPROTO_HOPOPTS_	0
#define IPPROTO_ICMP_		1
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_ROUTING_	43
#define IPPROTO_FRAGMENT_	44
#define IPPROTO_ESP_		50
#define IPPROTO_AH_		51
#define IPPROTO_ICMPV6_		58
#define IPPROTO_NONE_		59
#define IPPROTO_DSTOPTS_	60
#define IPPROTO_SCTP_		132
#define IPPROTO_UDPLITE_	136

/* A chain longer than this is an evasion attempt, not a real packet. */
#define IP6_MAX_EXT	8

static void
set_addr(struct addr *a, int family, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	if (family == AF_INET) {
		a->plen = 32;
		memcpy(a->a, b, 4);
	} else {
		a->plen = 128;
		memcpy(a->a, b, 16);
	}
}

/*
 * The IP length field: 0 means the length is not in the header (TSO
 * captures on the sending host, IPv6 jumbograms), so take the frame's.
 * A datagram longer than the frame on the wire is malformed; a shorter
 * one has link-layer padding after it, which is not ours to read.
 */
static int
ip_end(struct dctx *c, size_t off, uint32_t len, size_t hlen, size_t *end)
{
	if (len == 0)
		len = (uint32_t)(c->wire - off);
	if (len < hlen || len > c->wire - off)
		return DEC_MALFORMED;
	c->p->ip_len = len;
	*end = off + len;
	return DEC_OK;
}

int
decode_ip4(struct dctx *c, size_t off)
{
	const uint8_t	*b;
	struct pkt	*p = c->p;
	size_t		 hlen, end;
	uint16_t	 fo;
	int		 rc;

	if ((rc = dec_need(c, off, 20, c->wire)) != DEC_OK)
		return rc;
	b = c->d + off;
	hlen = (size_t)(b[0] & 0x0f) * 4;
	if (b[0] >> 4 != 4 || hlen < 20)
		return DEC_MALFORMED;
	if ((rc = ip_end(c, off, dec_be16(b + 2), hlen, &end)) != DEC_OK)
		return rc;
	/* Options are skipped, but must have been captured in full. */
	if ((rc = dec_need(c, off, hlen, end)) != DEC_OK)
		return rc;
	p->ipver = 4;
	p->ttl = b[8];
	p->proto = b[9];
	set_addr(&p->src, AF_INET, b + 12);
	set_addr(&p->dst, AF_INET, b + 16);
	fo = dec_be16(b + 6);
	if (fo & 0x3fff) {
		p->frag = true;
		p->frag_first = (fo & 0x1fff) == 0;
		/* Later fragments start inside the payload: no header there. */
		if (!p->frag_first)
			return DEC_OK;
	}
	return decode_l4(c, off + hlen, end);
}

int
decode_ip6(struct dctx *c, size_t off)
{
	const uint8_t	*b;
	struct pkt	*p = c->p;
	size_t		 end, hlen;
	uint8_t		 nh;
	int		 n, rc;

	if ((rc = dec_need(c, off, 40, c->wire)) != DEC_OK)
		return rc;
	b = c->d + off;
	if (b[0] >> 4 != 6)
		return DEC_MALFORMED;
	if ((rc = ip_end(c, off, dec_be16(b + 4) == 0 ? 0 :
	    40u + dec_be16(b + 4), 40, &end)) != DEC_OK)
		return rc;
	p->ipver = 6;
	p->ttl = b[7];
	set_addr(&p->src, AF_INET6, b + 8);
	set_addr(&p->dst, AF_INET6, b + 24);
	nh = b[6];
	off += 40;

	for (n = 0;; n++) {
		if (nh != IPPROTO_HOPOPTS_ && nh != IPPROTO_ROUTING_ &&
		    nh != IPPROTO_DSTOPTS_ && nh != IPPROTO_FRAGMENT_ &&
		    nh != IPPROTO_AH_)
			break;
		/* Hop-by-hop is only allowed right after the IPv6 header. */
		if (n == IP6_MAX_EXT || (nh == IPPROTO_HOPOPTS_ && n != 0))
			return DEC_MALFORMED;
		if ((rc = dec_need(c, off, 2, end)) != DEC_OK)
			return rc;
		b = c->d + off;
		if (nh == IPPROTO_FRAGMENT_) {
			if ((rc = dec_need(c, off, 8, end)) != DEC_OK)
				return rc;
			p->frag = true;
			p->frag_first = (dec_be16(b + 2) & 0xfff8) == 0;
			if (!p->frag_first) {
				p->proto = b[0];
				return DEC_OK;
			}
			hlen = 8;
		} else if (nh == IPPROTO_AH_)
			hlen = ((size_t)b[1] + 2) * 4;
		else
			hlen = ((size_t)b[1] + 1) * 8;
		/* The rest of the header is skipped, so need not be captured. */
		if (hlen > end - off)
			return DEC_MALFORMED;
		nh = b[0];
		off += hlen;
	}
	p->proto = nh;
	/* ESP hides what follows; no next header means there is nothing. */
	if (nh == IPPROTO_ESP_ || nh == IPPROTO_NONE_)
		return DEC_OK;
	return decode_l4(c, off, end);
}

/*
 * Neighbour discovery options: a link-layer address option of the kind
 * the message carries (source for RS/RA/NS, target for NA).  RFC 4861
 * 4.6: a zero-length option makes the whole message invalid.
 */
static int
decode_nd_opts(struct dctx *c, size_t off, size_t end, uint8_t want)
{
	const uint8_t	*b;
	struct pkt	*p = c->p;
	size_t		 olen;
	int		 rc;

	while (off < end) {
		if ((rc = dec_need(c, off, 2, end)) != DEC_OK)
			return rc;
		b = c->d + off;
		olen = (size_t)b[1] * 8;
		if (olen == 0 || olen > end - off)
			return DEC_MALFORMED;
		if (b[0] == want && !p->nd_has_lladdr) {
			if ((rc = dec_need(c, off, 8, end)) != DEC_OK)
				return rc;
			memcpy(p->nd_lladdr.b, b + 2, 6);
			p->nd_has_lladdr = true;
			p->nd_lladdr_opt = want;
		}
		off += olen;
	}
	return DEC_OK;
}

static int
decode_nd(struct dctx *c, size_t off, size_t end, uint8_t type)
{
	struct pkt	*p = c->p;
	size_t		 hlen;
	int		 rc;

	switch (type) {
	case 133:		/* router solicitation */
		hlen = 8;
		break;
	case 134:		/* router advertisement */
		hlen = 16;
		break;
	default:		/* 135, 136: neighbour solicitation, advertisement */
		hlen = 24;
		break;
	}
	if ((rc = dec_need(c, off, hlen, end)) != DEC_OK)
		return rc;
	p->is_nd = true;
	if (hlen == 24) {
		set_addr(&p->nd_target, AF_INET6, c->d + off + 8);
		p->nd_has_target = true;
	}
	return decode_nd_opts(c, off + hlen, end,
	    type == 136 ? ND_OPT_TLLA : ND_OPT_SLLA);
}

/* Is this an error message that quotes the packet it answers? */
static bool
icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP_)
		return type == 3 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/*
 * The quoted packet of an ICMP error, from off to end: an IP header of
 * the outer's version and 8 bytes after it (RFC 792, RFC 4443 2.4: at
 * least that much is quoted).  Its own length field is not checked, the
 * quote is usually shorter than the datagram was.  Nothing here makes
 * the outer packet fail: the quote is taken in full or not at all.
 */
static void
decode_inner(struct dctx *c, size_t off, size_t end)
{
	const uint8_t	*b;
	struct pkt	*p = c->p;
	size_t		 hlen;
	uint8_t		 nh;
	int		 n;

	if (dec_need(c, off, p->ipver == 4 ? 20 : 40, end) != DEC_OK)
		return;
	b = c->d + off;
	if (b[0] >> 4 != p->ipver)
		return;
	if (p->ipver == 4) {
		hlen = (size_t)(b[0] & 0x0f) * 4;
		/* a later fragment quotes no L4 header */
		if (hlen < 20 || (dec_be16(b + 6) & 0x1fff) != 0)
			return;
		nh = b[9];
		set_addr(&p->inner_src, AF_INET, b + 12);
		set_addr(&p->inner_dst, AF_INET, b + 16);
		off += hlen;
	} else {
		set_addr(&p->inner_src, AF_INET6, b + 8);
		set_addr(&p->inner_dst, AF_INET6, b + 24);
		nh = b[6];
		off += 40;
		for (n = 0; nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ ||
		    nh == IPPROTO_DSTOPTS_ || nh == IPPROTO_FRAGMENT_; n++) {
			if (n == IP6_MAX_EXT ||
			    dec_need(c, off, 8, end) != DEC_OK)
				return;
			b = c->d + off;
			if (nh == IPPROTO_FRAGMENT_) {
				if ((dec_be16(b + 2) & 0xfff8) != 0)
					return;
				hlen = 8;
			} else
				hlen = ((size_t)b[1] + 1) * 8;
			if (hlen > end - off)
				return;
			nh = b[0];
			off += hlen;
		}
	}
	if (dec_need(c, off, 8, end) != DEC_OK)
		return;
	b = c->d + off;
	switch (nh) {
	case IPPROTO_TCP_:
	case IPPROTO_UDP_:
	case IPPROTO_UDPLITE_:
	case IPPROTO_SCTP_:
		p->inner_has_ports = true;
		p->inner_sport = dec_be16(b);
		p->inner_dport = dec_be16(b + 2);
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		p->inner_has_icmp = true;
		p->inner_icmp_type = b[0];
		p->inner_icmp_code = b[1];
		break;
	default:
		break;
	}
	p->inner_proto = nh;
	p->has_inner = true;
}

int
decode_l4(struct dctx *c, size_t off, size_t end)
{
	const uint8_t	*b;
	struct pkt	*p = c->p;
	size_t		 doff;
	int		 rc;

	p->l4_off = (uint32_t)off;
	switch (p->proto) {
	case IPPROTO_TCP_:
		if ((rc = dec_need(c, off, 20, end)) != DEC_OK)
			return rc;
		b = c->d + off;
		/* TCP options are not needed, only their length must fit. */
		doff = (size_t)(b[12] >> 4) * 4;
		if (doff < 20 || doff > end - off)
			return DEC_MALFORMED;
		p->tcp_flags = b[13];
		break;
	case IPPROTO_UDP_:
	case IPPROTO_UDPLITE_:
		if ((rc = dec_need(c, off, 8, end)) != DEC_OK)
			return rc;
		break;
	case IPPROTO_SCTP_:
		if ((rc = dec_need(c, off, 12, end)) != DEC_OK)
			return rc;
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if ((rc = dec_need(c, off, 4, end)) != DEC_OK)
			return rc;
		b = c->d + off;
		p->has_icmp = true;
		p->icmp_type = b[0];
		p->icmp_code = b[1];
		if (p->proto == IPPROTO_ICMPV6_ && p->ipver == 6 &&
		    b[0] >= 133 && b[0] <= 136)
			return decode_nd(c, off, end, b[0]);
		/* ICMP in IPv6 or ICMPv6 in IPv4 is no error of either. */
		if ((p->proto == IPPROTO_ICMP_) == (p->ipver == 4) &&
		    icmp_is_error(p->proto, b[0]))
			decode_inner(c, off + 8, end);
		return DEC_OK;
	default:
		return DEC_OK;
	}
	b = c->d + off;
	p->sport = dec_be16(b);
	p->dport = dec_be16(b + 2);
	p->has_ports = true;
	return DEC_OK;
}
