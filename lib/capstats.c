/* capstats.c - drop counters accumulated across 32-bit wraps, and the capture-loss alert record. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "capstats.h"

uint64_t
capstats_update(struct capstats *s, uint32_t drop, uint32_t ifdrop)
{
	/* unsigned 32-bit subtraction: the difference survives a wrap */
	uint64_t d = (uint32_t)(drop - s->last_drop);
	uint64_t di = (uint32_t)(ifdrop - s->last_ifdrop);

	s->drops += d;
	s->ifdrops += di;
	s->last_drop = drop;
	s->last_ifdrop = ifdrop;
	return d + di;
}

void
capstats_loss_alert(const struct capture_loss *l, const struct timeval *ts,
    const char *host, struct alert_rec *r, char *sig, size_t siglen,
    char *detail, size_t detaillen)
{
	memset(r, 0, sizeof(*r));
	r->kind = EV_ALERT;
	r->ts = *ts;
	r->host = host;
	r->sid = SIG_CAPTURE_LOSS;
	snprintf(sig, siglen, "the sniffer lost %" PRIu64 " packets", l->lost);
	snprintf(detail, detaillen, "%" PRIu64 " packets lost since the last"
	    " report; since start: %" PRIu64 " kernel drops, %" PRIu64
	    " interface drops, %" PRIu64 " packets captured",
	    l->lost, l->drops, l->ifdrops, l->packets);
	r->signature = sig;
	r->detail = detail;
	r->st_drops = l->lost;
	r->st_kernel_drops = l->drops;
	r->st_if_drops = l->ifdrops;
	r->st_packets = l->packets;
}
