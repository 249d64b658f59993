/* decide.h - the single definition of what the policy means for one packet. */
#ifndef BUNRI_DECIDE_H
#define BUNRI_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "policy.h"

/*
 * decide() answers for a packet that would open a connection (or a
 * connectionless packet): may it cross the gateway, and why (not).  The
 * sniffer calls it for every new flow, bunrictl explain prints its answer,
 * and the nftables compiler is tested against it: enforcement and
 * monitoring can only agree if there is one definition.
 *
 * Order of checks (the first that fails decides):
 *   ingress zone (interface) -> zone isolated -> spoofed source
 *   -> MAC checks (attached zones, when the MAC is known)
 *   -> destination zone -> same zone / isolated -> flows of the zone pair
 */

enum verdict_reason {
	VR_FLOW,		/* allowed by flow d->flow */
	VR_INTRA_ZONE,		/* allowed: source and destination in one zone */
	VR_NO_ZONE_IFACE,	/* blocked: ingress interface is in no zone */
	VR_ZONE_ISOLATED,	/* blocked: source or destination zone isolated */
	VR_SPOOFED,		/* blocked: source outside the ingress zone */
	VR_WRONG_ZONE_MAC,	/* blocked: MAC registered in another zone */
	VR_MAC_NOT_BOUND,	/* blocked: MAC and source address not bound */
	VR_UNKNOWN_HOST,	/* blocked: unregistered MAC, unknown_hosts=block */
	VR_NO_ZONE_DST,		/* blocked: destination in no zone */
	VR_NO_FLOW,		/* blocked: no flow between these zones */
	VR_WRONG_HOST,		/* blocked: flows for the zone pair, not these endpoints */
	VR_WRONG_PROTO,		/* blocked: endpoints match a flow, protocol does not */
	VR_WRONG_PORT,		/* blocked: endpoints and protocol match, port does not */
	VR_EXPIRED,		/* blocked: the matching flow has expired */
};

/* Observations worth an alert even when the packet is allowed. */
#define DF_UNKNOWN_HOST		0x01	/* unregistered MAC (alert or allow) */

struct pkt_meta {
	const char	*iface;		/* ingress interface, or NULL ... */
	const struct zone *zone;	/* ... the ingress zone given directly */
	bool		 has_mac;	/* false: no MAC checks (not Ethernet) */
	struct mac	 mac;		/* source MAC */
	struct addr	 src;		/* full length */
	struct addr	 dst;
	uint8_t		 proto;		/* enum proto */
	uint16_t	 dport;		/* tcp/udp only */
};

struct decision {
	bool		 allowed;
	enum verdict_reason reason;
	unsigned	 flags;		/* DF_* */
	const struct zone *src_zone;	/* ingress zone; NULL if none */
	const struct zone *dst_zone;	/* NULL if none */
	const struct host *mac_host;	/* host owning the source MAC, if any */
	const struct host *addr_host;	/* host the source address is bound to */
	const struct flow *flow;	/* allowing flow, or the nearest miss */
};

/*
 * isolated: NULL, or an array of policy->nzones flags (zone index).
 * now: flows whose expires <= now do not allow anything.
 * Returns 0; -1 only for a meta that names neither interface nor zone.
 */
int	 decide(const struct policy *, const struct pkt_meta *,
	    const bool *isolated, time_t now, struct decision *);

/*
 * The verdict in words, one line without newline:
 *   "allowed by F-001 (reason)"  or  "blocked: wrong port: ..."
 * The text after "blocked: " starts with one of the contract's phrases:
 * "no flow between these zones", "wrong port", "unknown host",
 * "MAC not bound to this address", "spoofed source", "zone isolated".
 */
const char *decision_fmt(const struct policy *, const struct pkt_meta *,
	    const struct decision *, char *buf, size_t len);

const char *verdict_reason_name(enum verdict_reason);

/*
 * Group the flows by zone pair and index them by address, so decide()
 * costs O(log n) on policies with 100,000 flows instead of a scan.  Call it
 * once on a loaded policy (idempotent); without it decide() gives the same
 * answers by scanning.  Returns -1 only when out of memory (p->didx stays
 * NULL, decide() still works).
 */
int	 decide_index(struct policy *);

#endif
