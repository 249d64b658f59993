/* detect.h - the detection engine: packets in, alerts (signatures 1-6) and flow events out. */
#ifndef BUNRI_DETECT_H
#define BUNRI_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "alert.h"
#include "decode.h"
#include "policy.h"

/*
 * The verdict of every new flow comes from decide() (decide.h), the same
 * function bunrictl explain prints and the nftables compiler is tested
 * against.  The engine only decides what is worth saying, and how often:
 *
 *   - a disallowed flow: one alert, at its first packet.  Its signature
 *     says why: 5 spoofed source or MAC not bound to the address, 4 MAC
 *     of another zone, 3 unknown MAC (unknown_hosts = block), else 1
 *     zone-violation (enforce mode, seen where it entered: blocked) or 2
 *     zone-breach (monitor mode, or seen on the interface of the
 *     destination's zone: it crossed).  A flow first alerted as 1 and
 *     then seen on the far side also gets its 2.
 *   - an allowed flow from an unregistered MAC (unknown_hosts = alert):
 *     sid 3, once per MAC and zone.
 *   - ARP sender and ND link-layer options against the registered MAC and
 *     address bindings: 5 (not bound), 4 (other zone), 3 (unknown), once
 *     per MAC, address and signature.
 *   - sid 6 from lib/scan: one source touching too many ports or hosts.
 *   - replies of a flow (the table is looked up in both directions),
 *     ICMP errors about it (found by the packet they quote) and later
 *     packets only update counters; a flagged flow ends with one
 *     EV_FLOW event (idle timeout, eviction, detect_finish).  An alert
 *     about a flow and that event carry the same flow part (flow_id,
 *     addresses, ports, protocol, zones, verdict, policy flow): bunrictl
 *     audit keeps only the rest of a held alert (alerthold.h).
 *   - packets that cannot cross the gateway (to broadcast, multicast or
 *     link-local addresses, from unspecified or link-local ones) get no
 *     verdict; their MAC is still checked against the zone's hosts.
 *
 * Time comes only from the packets, so the same input gives the same
 * output.  Nothing is allocated per packet.
 */

enum detect_mode {
	DETECT_ENFORCE,		/* the gateway drops what the policy denies */
	DETECT_MONITOR,		/* nothing is dropped: every disallowed flow crossed */
};

struct detect_opts {
	enum detect_mode mode;
	unsigned	 rate_limit;	/* alerts per second per signature; 0: no limit */
	unsigned	 evidence_packets; /* per flagged flow */
	unsigned	 max_flows;
	unsigned	 flow_timeout;	/* idle seconds */
	unsigned	 scan_ports, scan_hosts, scan_window;
	/*
	 * true: sid 3 and 4 of disallowed flows once per MAC (the daemon);
	 * false: every disallowed flow has its alert (audit lists them all).
	 */
	bool		 host_once;
	const bool	*isolated;	/* NULL, or policy->nzones flags; borrowed */
};

/*
 * on_event gets every alert and flow event; the record and its strings
 * are borrowed for the call.  on_evidence (may be NULL) gets the first
 * evidence_packets packets of each flagged flow, bytes borrowed.
 */
struct detect_sink {
	void	(*on_event)(const struct alert_rec *, void *arg);
	void	(*on_evidence)(uint64_t flow_id, const struct timeval *ts,
		    const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		    void *arg);
	void	 *arg;
};

struct detect_stats {
	struct decode_stats dec;
	uint64_t	 flows;		/* flows created */
	uint64_t	 disallowed;	/* of them, denied by the policy */
	uint64_t	 local;		/* packets that cannot cross (no verdict) */
	uint64_t	 no_flow;	/* IP packets without a trackable tuple */
	uint64_t	 icmp_errors;	/* ICMP errors counted on the flow they answer */
	uint64_t	 evidence;	/* packets handed to on_evidence */
	uint64_t	 evictions;	/* flows pushed out of a full table */
	uint64_t	 alerts[SIG_MAX + 1];
	uint64_t	 suppressed[SIG_MAX + 1];
	uint64_t	 flow_events;
};

struct detect;

/* The policy's monitor.* and alerts.* settings and its gateway.mode. */
void		 detect_opts_from_policy(const struct policy *,
		    struct detect_opts *);

/*
 * The policy is borrowed for the engine's life; decide_index() is run on
 * it when it has none.  NULL when out of memory or on a bad option.
 */
struct detect	*detect_new(struct policy *, const struct detect_opts *,
		    const struct detect_sink *);
/* Frees without flushing (no events); NULL is a no-op. */
void		 detect_free(struct detect *);

/*
 * One captured packet.  The ingress zone is the zone given, else the zone
 * of iface (a zone interface or a monitor.span port), else the zone of
 * the packet's source address (a capture from nowhere in particular).
 * iface also names in_iface in the alerts (both may be NULL).
 * Returns the decode result (enum dec_rc): DEC_UNSUPPORTED_LINK means
 * nothing of this link type can be read.
 */
int		 detect_packet(struct detect *, const char *iface,
		    const struct zone *zone, int linktype,
		    const struct timeval *ts, const uint8_t *data,
		    uint32_t caplen, uint32_t wirelen);

/*
 * detect_packet for each of n packets, in order, with the same results;
 * decoding a few packets ahead lets the flow table's memory be fetched
 * before it is needed.  All n packets' data must last for the call.
 */
struct detect_pkt {
	struct timeval	 ts;
	const uint8_t	*data;
	uint32_t	 caplen, wirelen;
};

void		 detect_packets(struct detect *, const char *iface,
		    const struct zone *zone, int linktype,
		    const struct detect_pkt *v, size_t n);

/*
 * The same for a packet the gateway sent out of iface (a live capture of
 * outgoing packets): not counted again, only checked for a crossing
 * (sid 2: a disallowed flow leaving into its destination's zone).
 */
int		 detect_packet_out(struct detect *, const char *iface,
		    const struct zone *zone, int linktype,
		    const struct timeval *ts, const uint8_t *data,
		    uint32_t caplen, uint32_t wirelen);

/* Expire flows idle at now (packet or wall time); returns how many ended. */
size_t		 detect_tick(struct detect *, const struct timeval *now);
/* End every flow (end of a capture, shutdown): their flow events. */
size_t		 detect_finish(struct detect *);

void		 detect_stats(const struct detect *, struct detect_stats *);

#endif
