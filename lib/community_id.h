/* community_id.h - Community ID v1 flow hash (corelight community-id-spec). */
#ifndef BUNRI_COMMUNITY_ID_H
#define BUNRI_COMMUNITY_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* "1:" + base64 of a SHA-1 (28 characters) + NUL */
#define COMMUNITY_ID_LEN	31

/*
 * The "port equivalents" of an ICMP (proto 1) or ICMPv6 (58) message:
 * *sport = type; *dport = the counterpart type for a request/reply pair
 * (echo, timestamp, information, address mask, router solicitation; v6
 * echo, MLD query/report, router and neighbor discovery, node
 * information, home agent discovery), else the code, and *one_way is set.
 */
void	 community_id_icmp_ports(uint8_t proto, uint8_t type, uint8_t code,
	    uint16_t *sport, uint16_t *dport, bool *one_way);

/*
 * Write the Community ID of a packet into buf (at least COMMUNITY_ID_LEN
 * bytes).  sport/dport are the packet's ports for TCP (6), UDP (17) and
 * SCTP (132); for ICMP and ICMPv6 they are its type and code (mapped
 * here); for any other protocol they are ignored.  seed is 0 in bunri.
 * Returns buf, or NULL on a family mismatch or a crypto library failure.
 */
char	*community_id_v1(uint16_t seed, const struct addr *src,
	    const struct addr *dst, uint8_t proto, uint16_t sport,
	    uint16_t dport, char *buf, size_t len);

#endif
