/* capstats.h - the sniffer's drop counters (pcap_stats' 32-bit readings into 64-bit totals) and its capture-loss alert. */
#ifndef BUNRI_CAPSTATS_H
#define BUNRI_CAPSTATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "alert.h"

/*
 * One capture handle.  pcap_stats() reports drops since the handle was
 * opened in 32-bit counters that wrap; the totals here do not.  A handle
 * opened again starts from a zeroed struct (its counters start over);
 * whoever wants totals across reopenings adds the old ones up.
 */
struct capstats {
	uint32_t	 last_drop, last_ifdrop;	/* the previous reading */
	uint64_t	 drops;		/* kernel (ring full), in total */
	uint64_t	 ifdrops;	/* interface, in total */
};

/*
 * Add a reading of ps_drop and ps_ifdrop; returns the drops (both kinds)
 * new since the previous reading.  A counter below its previous value
 * has wrapped: the difference is taken modulo 2^32.
 */
uint64_t capstats_update(struct capstats *, uint32_t drop, uint32_t ifdrop);

/* What a capture-loss alert reports. */
struct capture_loss {
	uint64_t	 lost;		/* drops since the last report */
	uint64_t	 drops, ifdrops;	/* since the daemon started */
	uint64_t	 packets;	/* captured since the daemon started */
};

/*
 * The sid 10 alert of a loss: r is filled with the counts (st_drops =
 * lost, st_kernel_drops, st_if_drops, st_packets) and the text, which is
 * written into sig and detail; host and the strings are borrowed.
 */
void	 capstats_loss_alert(const struct capture_loss *,
	    const struct timeval *ts, const char *host, struct alert_rec *r,
	    char *sig, size_t siglen, char *detail, size_t detaillen);

#endif
