/* eve.h - struct alert_rec as one EVE JSON object (without its chain member). */
#ifndef BUNRI_EVE_H
#define BUNRI_EVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "alert.h"
#include "json.h"

/* "2026-11-23T23:41:15.123456+0900" + NUL */
#define EVE_TSLEN	32

/*
 * Suricata's timestamp: local time with microseconds and the local UTC
 * offset without a colon (localtime_r, so TZ applies).  Returns buf, or
 * "" when the time cannot be converted.
 */
const char	*eve_fmt_time(const struct timeval *, char *buf, size_t len);
/* "TCP", "UDP", "ICMP", "IPv6-ICMP"; NULL for other numbers. */
const char	*eve_proto_name(uint8_t proto);

/*
 * Encode r into jb (reset first) as one JSON object on one line, keys in
 * a fixed order, "bunri":{"seq":seq,...} inside, no "chain" member (the
 * chain, lib/chain.h, appends it).  seq is the caller's: the chain's next
 * sequence number.  Returns 0, or -1 (out of memory, unknown signature
 * of an alert) with jb left unusable until json_reset().
 */
int		 eve_encode(const struct alert_rec *r, uint64_t seq,
		    struct jbuf *jb);

#endif
