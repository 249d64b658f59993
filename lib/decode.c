/* decode.c - link layers (Ethernet, VLAN, Linux cooked, raw, loopback), ARP, names and counters. */
#include <sys/socket.h>

#include <string.h>

#include "decode.h"
#include "decode_int.h"

#define ETH_IP4		0x0800
#define ETH_ARP		0x0806
#define ETH_IP6		0x86dd
#define ETH_8021Q	0x8100
#define ETH_8021AD	0x88a8
#define ETH_QINQ_OLD	0x9100

/* More tags than this is not a network anyone runs: a crafted frame. */
#define VLAN_MAX_TAGS	8

#define ARPHRD_ETHER_	1

static int
decode_arp(struct dctx *c, size_t off)
{
	const uint8_t	*b;
	struct pkt	*p = c->p;
	int		 rc;

	if ((rc = dec_need(c, off, 8, c->wire)) != DEC_OK)
		return rc;
	b = c->d + off;
	/* Only Ethernet/IPv4 ARP binds a MAC to an address we police. */
	if (dec_be16(b) != 1 || dec_be16(b + 2) != ETH_IP4 || b[4] != 6 ||
	    b[5] != 4)
		return DEC_NOT_IP;
	if ((rc = dec_need(c, off, 28, c->wire)) != DEC_OK)
		return rc;
	p->is_arp = true;
	p->arp_op = dec_be16(b + 6);
	memcpy(p->arp_sha.b, b + 8, 6);
	memset(&p->arp_spa, 0, sizeof(p->arp_spa));
	p->arp_spa.family = AF_INET;
	p->arp_spa.plen = 32;
	memcpy(p->arp_spa.a, b + 14, 4);
	memset(&p->arp_tpa, 0, sizeof(p->arp_tpa));
	p->arp_tpa.family = AF_INET;
	p->arp_tpa.plen = 32;
	memcpy(p->arp_tpa.a, b + 24, 4);
	return DEC_NOT_IP;
}

/* The IP header's version must agree with what the link layer said. */
static int
decode_l3(struct dctx *c, uint16_t type, size_t off)
{
	c->p->ethertype = type;
	c->p->l3_off = (uint32_t)off;
	switch (type) {
	case ETH_IP4:
		return decode_ip4(c, off);
	case ETH_IP6:
		return decode_ip6(c, off);
	case ETH_ARP:
		return decode_arp(c, off);
	default:
		return DEC_NOT_IP;
	}
}

/* 802.1Q, 802.1ad and the old 0x9100 QinQ tags, then the payload. */
static int
decode_vlan(struct dctx *c, uint16_t type, size_t off)
{
	struct pkt	*p = c->p;
	int		 ntags, rc;

	for (ntags = 0; type == ETH_8021Q || type == ETH_8021AD ||
	    type == ETH_QINQ_OLD; ntags++) {
		if (ntags == VLAN_MAX_TAGS)
			return DEC_MALFORMED;
		if ((rc = dec_need(c, off, 4, c->wire)) != DEC_OK)
			return rc;
		if (p->nvlan < 2)
			p->vlan[p->nvlan++] = dec_be16(c->d + off) & 0x0fff;
		type = dec_be16(c->d + off + 2);
		off += 4;
	}
	return decode_l3(c, type, off);
}

static int
decode_ether(struct dctx *c)
{
	struct pkt	*p = c->p;
	int		 rc;

	if ((rc = dec_need(c, 0, 14, c->wire)) != DEC_OK)
		return rc;
	memcpy(p->dst_mac.b, c->d, 6);
	memcpy(p->src_mac.b, c->d + 6, 6);
	p->has_mac = p->has_dst_mac = true;
	return decode_vlan(c, dec_be16(c->d + 12), 14);
}

/* Cooked captures give the sender's address only, when it is Ethernet. */
static void
cooked_mac(struct pkt *p, uint16_t hatype, size_t halen, const uint8_t *a)
{
	if (hatype == ARPHRD_ETHER_ && halen == 6) {
		memcpy(p->src_mac.b, a, 6);
		p->has_mac = true;
	}
}

static int
decode_sll(struct dctx *c)
{
	int	 rc;

	if ((rc = dec_need(c, 0, 16, c->wire)) != DEC_OK)
		return rc;
	cooked_mac(c->p, dec_be16(c->d + 2), dec_be16(c->d + 4), c->d + 6);
	return decode_vlan(c, dec_be16(c->d + 14), 16);
}

static int
decode_sll2(struct dctx *c)
{
	int	 rc;

	if ((rc = dec_need(c, 0, 20, c->wire)) != DEC_OK)
		return rc;
	cooked_mac(c->p, dec_be16(c->d + 8), c->d[11], c->d + 12);
	return decode_vlan(c, dec_be16(c->d), 20);
}

static int
decode_raw(struct dctx *c, int version, size_t off)
{
	int	 rc;

	if ((rc = dec_need(c, off, 1, c->wire)) != DEC_OK)
		return rc;
	if (version == 0)
		version = c->d[off] >> 4;
	if (version == 4)
		return decode_l3(c, ETH_IP4, off);
	if (version == 6)
		return decode_l3(c, ETH_IP6, off);
	return DEC_MALFORMED;
}

/*
 * BSD loopback: the address family in the capturing host's byte order,
 * which the file does not say; AF_INET6 differs between the BSDs.
 */
static int
decode_null(struct dctx *c, bool bigendian_only)
{
	const uint8_t	*b = c->d;
	uint32_t	 be, le;
	int		 i, rc;
	static const uint32_t v6fam[] = { 10, 24, 28, 30 };

	if ((rc = dec_need(c, 0, 4, c->wire)) != DEC_OK)
		return rc;
	be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | b[2] << 8 | b[3];
	le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | b[1] << 8 | b[0];
	if (bigendian_only)
		le = be;
	if (be == 2 || le == 2)
		return decode_raw(c, 4, 4);
	for (i = 0; i < (int)(sizeof(v6fam) / sizeof(v6fam[0])); i++)
		if (be == v6fam[i] || le == v6fam[i])
			return decode_raw(c, 6, 4);
	return DEC_NOT_IP;
}

int
decode_packet(int linktype, const uint8_t *data, size_t caplen,
    uint32_t wirelen, struct pkt *out)
{
	struct dctx	 c;

	/* Only the flags and scalars: the rest is written when present. */
	memset(out, 0, offsetof(struct pkt, src_mac));
	out->caplen = caplen > UINT32_MAX ? UINT32_MAX : (uint32_t)caplen;
	out->wirelen = wirelen;
	c.d = data;
	c.cap = caplen;
	c.wire = wirelen < caplen ? caplen : wirelen;
	c.p = out;

	switch (linktype) {
	case DLT_BUNRI_EN10MB:
		return decode_ether(&c);
	case DLT_BUNRI_SLL:
		return decode_sll(&c);
	case DLT_BUNRI_SLL2:
		return decode_sll2(&c);
	case DLT_BUNRI_RAW:
	case DLT_BUNRI_RAW12:
	case DLT_BUNRI_RAW14:
		return decode_raw(&c, 0, 0);
	case DLT_BUNRI_IPV4:
		return decode_raw(&c, 4, 0);
	case DLT_BUNRI_IPV6:
		return decode_raw(&c, 6, 0);
	case DLT_BUNRI_NULL:
		return decode_null(&c, false);
	case DLT_BUNRI_LOOP:
		return decode_null(&c, true);
	default:
		return DEC_UNSUPPORTED_LINK;
	}
}

static const struct {
	int		 lt;
	const char	*name;
} linktypes[] = {
	{ DLT_BUNRI_NULL, "BSD loopback" },
	{ DLT_BUNRI_EN10MB, "Ethernet" },
	{ 6, "IEEE 802.5 Token Ring" },
	{ 8, "SLIP" },
	{ 9, "PPP" },
	{ 10, "FDDI" },
	{ 11, "ATM RFC 1483" },
	{ DLT_BUNRI_RAW12, "raw IP" },
	{ DLT_BUNRI_RAW14, "raw IP" },
	{ 19, "Linux ATM CLIP" },
	{ 50, "PPP in HDLC-like framing" },
	{ 51, "PPPoE" },
	{ DLT_BUNRI_RAW, "raw IP" },
	{ 104, "Cisco HDLC" },
	{ 105, "IEEE 802.11" },
	{ 107, "Frame Relay" },
	{ DLT_BUNRI_LOOP, "OpenBSD loopback" },
	{ DLT_BUNRI_SLL, "Linux cooked" },
	{ 117, "OpenBSD pflog" },
	{ 119, "Prism 802.11" },
	{ 123, "SunATM" },
	{ 127, "IEEE 802.11 radiotap" },
	{ 129, "ARCNET" },
	{ 143, "DOCSIS" },
	{ 163, "802.11 AVS" },
	{ 187, "Bluetooth HCI H4" },
	{ 189, "Linux USB" },
	{ 192, "PPI" },
	{ 195, "IEEE 802.15.4" },
	{ 197, "Endace ERF" },
	{ 201, "Bluetooth HCI H4 with direction" },
	{ 220, "Linux USB mmapped" },
	{ 226, "Solaris ipnet" },
	{ 227, "Linux SocketCAN" },
	{ DLT_BUNRI_IPV4, "raw IPv4" },
	{ DLT_BUNRI_IPV6, "raw IPv6" },
	{ 231, "D-Bus" },
	{ 239, "Linux NFLOG" },
	{ 251, "Bluetooth LE link layer" },
	{ 253, "Linux netlink" },
	{ 258, "PROFIBUS" },
	{ 271, "LoRaTap" },
	{ DLT_BUNRI_SLL2, "Linux cooked v2" },
	{ 281, "Broadcom DSA tag" },
	{ 282, "Broadcom DSA tag (prepended)" },
	{ 284, "Marvell DSA tag" },
	{ 285, "Marvell EDSA tag" },
};

const char *
decode_linktype_name(int linktype)
{
	size_t	 i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++)
		if (linktypes[i].lt == linktype)
			return linktypes[i].name;
	return "unknown";
}

bool
decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_BUNRI_NULL:
	case DLT_BUNRI_EN10MB:
	case DLT_BUNRI_RAW12:
	case DLT_BUNRI_RAW14:
	case DLT_BUNRI_RAW:
	case DLT_BUNRI_LOOP:
	case DLT_BUNRI_SLL:
	case DLT_BUNRI_IPV4:
	case DLT_BUNRI_IPV6:
	case DLT_BUNRI_SLL2:
		return true;
	default:
		return false;
	}
}

const char *
decode_rc_name(int rc)
{
	switch (rc) {
	case DEC_OK:
		return "ok";
	case DEC_NOT_IP:
		return "not IP";
	case DEC_TRUNCATED:
		return "truncated";
	case DEC_MALFORMED:
		return "malformed";
	case DEC_UNSUPPORTED_LINK:
		return "unsupported link type";
	default:
		return "unknown";
	}
}

void
decode_stats_count(struct decode_stats *st, int rc)
{
	st->packets++;
	switch (rc) {
	case DEC_OK:
		st->ok++;
		break;
	case DEC_NOT_IP:
		st->not_ip++;
		break;
	case DEC_TRUNCATED:
		st->truncated++;
		break;
	case DEC_MALFORMED:
		st->malformed++;
		break;
	default:
		st->unsupported++;
		break;
	}
}
