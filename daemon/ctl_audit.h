/* ctl_audit.h - how bunrictl audit reads a capture file (daemon/ctl_audit_read.c). */
#ifndef BUNRI_CTL_AUDIT_H
#define BUNRI_CTL_AUDIT_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <sys/time.h>

#include "detect.h"

/*
 * n packets, in file order; their data lasts for the call only.  A
 * batch lets the engine read ahead (detect_packets).
 */
typedef void	 audit_batch_fn(void *arg, const struct detect_pkt *v,
		    size_t n);

/*
 * Hand every packet of an opened capture to fn, in file order.  Classic
 * pcap files (whose header libpcap has already accepted) are read in
 * large blocks, without a copy per packet; pcapng and anything else
 * through pcap_next_ex(), one packet a batch.  *n counts the packets.
 * Returns 0 at the end of the file, -1 after printing why the rest could
 * not be read.
 */
int		 audit_read(pcap_t *, const char *path, audit_batch_fn *fn,
		    void *arg, uint64_t *n);

#endif
