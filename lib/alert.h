/* alert.h - one alert or event as bunri reports it, before it is encoded as EVE JSON. */
#ifndef BUNRI_ALERT_H
#define BUNRI_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "addr.h"

/* Signatures of alerts.md; the number is the EVE signature_id. */
enum sig {
	SIG_ZONE_VIOLATION = 1,
	SIG_ZONE_BREACH = 2,
	SIG_UNKNOWN_HOST = 3,
	SIG_HOST_WRONG_ZONE = 4,
	SIG_SPOOFED = 5,
	SIG_SCAN = 6,
	SIG_TAMPERED = 7,
	SIG_CLOCK = 8,
	SIG_POLICY_CHANGE = 9,
	SIG_CAPTURE_LOSS = 10,
};
#define SIG_MAX	10

struct sig_info {
	enum sig	 sid;
	const char	*category;	/* "zone-violation", ... */
	int		 severity;	/* 1 high .. 3 low */
};

/* NULL for a number outside 1..SIG_MAX. */
const struct sig_info *sig_lookup(enum sig);

enum event_kind {
	EV_ALERT,		/* event_type "alert" */
	EV_FLOW,		/* event_type "flow": counters of an alerted flow */
	EV_STATS,		/* event_type "stats": checkpoint */
};

/*
 * Everything an encoder needs; pointers are borrowed for the duration of
 * the encode call.  Optional parts have a has_* flag or are NULL.
 */
struct alert_rec {
	enum event_kind	 kind;
	struct timeval	 ts;
	const char	*host;		/* gateway.name */
	const char	*in_iface;	/* NULL: omitted */

	/* EV_ALERT */
	enum sig	 sid;
	const char	*signature;	/* "disallowed inter-zone flow lgwan -> internet" */
	bool		 blocked;	/* alert.action blocked / allowed */

	/* the packet's flow, when there is one */
	bool		 has_tuple;
	uint64_t	 flow_id;
	struct addr	 src, dst;
	uint8_t		 proto;		/* IANA number */
	bool		 has_ports;	/* tcp/udp */
	uint16_t	 sport, dport;
	bool		 has_icmp;
	uint8_t		 icmp_type, icmp_code;

	/* bunri's own detail ("bunri" object) */
	const char	*src_zone;	/* NULL: omitted */
	const char	*dest_zone;
	bool		 has_mac;
	struct mac	 src_mac;
	const char	*verdict;	/* "blocked" / "allowed" */
	const char	*reason;	/* the decision in words */
	const char	*policy_flow;	/* id of the allowing or nearest flow */
	uint64_t	 packets, bytes;
	/* of those, from dst to src (EVE flow *_toclient); 0 if not known */
	uint64_t	 pkts_toclient, bytes_toclient;
	uint64_t	 suppressed;	/* EV_ALERT: same sid rate-limited since the last one */
	struct timeval	 first_seen, last_seen;
	const char	*evidence;	/* path of the evidence pcap */
	const char	*detail;	/* free text: policy-change, tamper, loss */

	/*
	 * EV_STATS: counters (checkpoint).  A capture-loss alert (sid 10)
	 * has st_drops lost since the last report, st_kernel_drops and
	 * st_if_drops since start, st_packets captured since start.
	 */
	uint64_t	 st_packets, st_drops, st_alerts, st_suppressed;
	uint64_t	 st_kernel_drops, st_if_drops;
};

#endif
