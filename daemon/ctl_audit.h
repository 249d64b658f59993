/* ctl_audit.h - how bunrictl audit reads a capture file (daemon/ctl_audit_read.c). */
#ifndef BUNRI_CTL_AUDIT_H
#define BUNRI_CTL_AUDIT_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <sys/time.h>

typedef void	 audit_pkt_fn(void *arg, const struct timeval *ts,
		    const uint8_t *data, uint32_t caplen, uint32_t wirelen);

/*
 * Hand every packet of an opened capture to fn, in file order.  Classic
 * pcap files (whose header libpcap has already accepted) are read through
 * a memory map, without a copy per packet; pcapng and anything else
 * through pcap_next_ex().  *n counts the packets.  Returns 0 at the end of
 * the file, -1 after printing why the rest could not be read.
 */
int		 audit_read(pcap_t *, const char *path, audit_pkt_fn *fn,
		    void *arg, uint64_t *n);

#endif
