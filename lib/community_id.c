/* community_id.c - Community ID v1: SHA-1 over the ordered tuple, base64. */
#include <sys/socket.h>

#include <openssl/evp.h>
#include <string.h>

#include "community_id.h"

/*
 * The request/reply pairs of the spec's reference implementation (and of
 * Zeek's ICMP4_counterpart/ICMP6_counterpart).  A router advertisement
 * (v4 type 9) has no counterpart there, while a solicitation (10) has:
 * copied as is, since the point of the hash is to agree with other tools.
 */
static int
icmp4_counterpart(uint8_t type)
{
	switch (type) {
	case 8:	 return 0;	/* echo -> echo reply */
	case 0:	 return 8;
	case 13: return 14;	/* timestamp */
	case 14: return 13;
	case 15: return 16;	/* information */
	case 16: return 15;
	case 10: return 9;	/* router solicitation -> advertisement */
	case 17: return 18;	/* address mask */
	case 18: return 17;
	default: return -1;
	}
}

static int
icmp6_counterpart(uint8_t type)
{
	switch (type) {
	case 128: return 129;	/* echo request/reply */
	case 129: return 128;
	case 133: return 134;	/* router solicitation/advertisement */
	case 134: return 133;
	case 135: return 136;	/* neighbor solicitation/advertisement */
	case 136: return 135;
	case 130: return 131;	/* MLD query/report */
	case 131: return 130;
	case 139: return 140;	/* node information query/reply */
	case 140: return 139;
	case 144: return 145;	/* home agent address discovery */
	case 145: return 144;
	default:  return -1;
	}
}

void
community_id_icmp_ports(uint8_t proto, uint8_t type, uint8_t code,
    uint16_t *sport, uint16_t *dport, bool *one_way)
{
	int c = proto == 58 ? icmp6_counterpart(type) : icmp4_counterpart(type);

	*sport = type;
	*one_way = c < 0;
	*dport = c < 0 ? code : (uint16_t)c;
}

static bool
has_ports(uint8_t proto)
{
	return proto == 1 || proto == 6 || proto == 17 || proto == 58 ||
	    proto == 132;
}

char *
community_id_v1(uint16_t seed, const struct addr *src, const struct addr *dst,
    uint8_t proto, uint16_t sport, uint16_t dport, char *buf, size_t len)
{
	unsigned char in[2 + 16 + 16 + 4 + 4], md[EVP_MAX_MD_SIZE];
	const uint8_t *sa = src->a, *da = dst->a;
	unsigned int mdlen;
	size_t alen, n = 0;
	bool one_way = false, swap;
	uint16_t t;
	int c;

	if (len < COMMUNITY_ID_LEN || src->family != dst->family ||
	    (src->family != AF_INET && src->family != AF_INET6))
		return NULL;
	alen = src->family == AF_INET ? 4 : 16;
	if (proto == 1 || proto == 58)
		community_id_icmp_ports(proto, (uint8_t)sport, (uint8_t)dport,
		    &sport, &dport, &one_way);
	else if (!has_ports(proto))
		sport = dport = 0;

	/* Smaller address first, then smaller port; one-way ICMP as seen. */
	c = memcmp(sa, da, alen);
	swap = !one_way && (c > 0 || (c == 0 && sport > dport));
	if (swap) {
		sa = dst->a;
		da = src->a;
		t = sport;
		sport = dport;
		dport = t;
	}

	in[n++] = (unsigned char)(seed >> 8);
	in[n++] = (unsigned char)seed;
	memcpy(in + n, sa, alen);
	n += alen;
	memcpy(in + n, da, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	if (has_ports(proto)) {
		in[n++] = (unsigned char)(sport >> 8);
		in[n++] = (unsigned char)sport;
		in[n++] = (unsigned char)(dport >> 8);
		in[n++] = (unsigned char)dport;
	}
	if (EVP_Digest(in, n, md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen != 20)
		return NULL;
	memcpy(buf, "1:", 2);
	EVP_EncodeBlock((unsigned char *)buf + 2, md, (int)mdlen);
	return buf;
}
