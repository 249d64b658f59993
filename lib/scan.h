/* scan.h - scan detector: one source touching too many ports or hosts. */
#ifndef BUNRI_SCAN_H
#define BUNRI_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * What scan_observe() found.  A bit set: both can cross their threshold
 * on the same observation (SCAN_BOTH).
 */
enum scan_hit {
	SCAN_NONE = 0,
	SCAN_PORTS = 1,		/* more than ports_threshold distinct ports */
	SCAN_HOSTS = 2,		/* more than hosts_threshold distinct hosts */
	SCAN_BOTH = 3,
};

#define SCAN_NO_PORT	(-1)	/* ICMP and other portless packets */

struct scan_stats {
	uint64_t	 sources;	/* tracked now */
	uint64_t	 max_sources;
	uint64_t	 values;	/* distinct ports and hosts remembered now */
	uint64_t	 evictions;	/* sources dropped to make room */
	uint64_t	 detections;	/* observations that returned a hit */
};

struct scan;

/*
 * A detector for monitor.scan: a source that touches more than
 * ports_threshold distinct destination ports, or more than hosts_threshold
 * distinct destination addresses, within window_us.  The window of a
 * source starts at its first observation and restarts at the first
 * observation after it ended; each kind is reported once per window.
 *
 * Memory is bounded: at most max_sources sources (the least recently
 * observed is dropped for a new one, counted), and per source at most
 * threshold + 1 values of each kind (nothing more is needed to know that
 * the threshold was passed).  Thresholds >= 1; NULL on a bad argument or
 * no memory.  time is packet time in microseconds.
 */
struct scan	*scan_new(unsigned ports_threshold, unsigned hosts_threshold,
		    uint64_t window_us, size_t max_sources);
/* NULL is a no-op. */
void		 scan_free(struct scan *);

/* As flowtab_set_hash_key(): bucket placement only; empty detector only. */
int		 scan_set_hash_key(struct scan *, const uint8_t key[16]);

/*
 * One packet (or new flow) from src to dst; dport is the destination port
 * or SCAN_NO_PORT.  Returns which thresholds this observation crossed
 * (SCAN_NONE again until the source's window restarts).  A src and dst of
 * different families, or not v4/v6, are ignored.
 */
enum scan_hit	 scan_observe(struct scan *, const struct addr *src,
		    const struct addr *dst, int dport, uint64_t now_us);

void		 scan_stats(const struct scan *, struct scan_stats *);

/*
 * The most memory the detector can come to hold with its limits, in
 * bytes: what the daemon checks against its budget.
 */
size_t		 scan_mem_bound(const struct scan *);

#endif
