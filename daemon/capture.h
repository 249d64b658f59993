/* capture.h - live capture: one libpcap handle per monitored interface and direction, read from the event loop. */
#ifndef BUNRI_CAPTURE_H
#define BUNRI_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include <pcap/pcap.h>

#include "capstats.h"
#include "loop.h"
#include "policy.h"

/*
 * Direction.  On the gateway a forwarded packet is seen twice: coming in
 * on the interface of its source's zone and going out on the one of its
 * destination's zone.  So each zone interface has two handles: an "in"
 * handle (PCAP_D_IN) whose packets are the gateway's traffic, each
 * counted once, and an "out" handle (PCAP_D_OUT) that only shows what
 * crossed (a disallowed flow leaving into its destination's zone is a
 * breach).  All handles are read merged in time order, so a packet's
 * ingress copy is classified before its egress copy, and a flow's first
 * packet before its reply coming in on another interface.  A span port
 * (a mirror) and an interface that is no zone's have one handle, both
 * directions, all of it "in".
 */
struct capture;

struct capture_if {
	struct capture	*cap;
	char		*name;
	bool		 out;		/* PCAP_D_OUT handle */
	bool		 both;		/* span port or no zone's: both ways */
	pcap_t		*p;
	int		 linktype;	/* pcap_datalink() */
	int		 ring;		/* 3: TPACKET_V3, 2: V2; 0: unknown */
	struct source	 src;
	uint64_t	 packets;	/* handed on */
	struct capstats	 drops;		/* kernel and interface, across wraps */
	/* the packet held for the time-ordered merge */
	struct pcap_pkthdr *h;
	const u_char	*data;
	bool		 held;
	bool		 empty;		/* nothing more in this round */
};

/* Called for each captured packet; bytes borrowed for the call. */
typedef void	 capture_cb(const struct capture_if *, const struct timeval *,
		    const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		    void *arg);

struct capture {
	struct capture_if *ifs;
	size_t		 nifs;
	struct loop	*loop;
	capture_cb	*cb;
	void		*arg;
};

#define CAPTURE_RINGS	4	/* unknown, TPACKET_V1, V2, V3 */

struct capture_totals {
	uint64_t	 packets, drops, ifdrops;
	size_t		 rings[CAPTURE_RINGS];	/* open now, by ring (ci->ring) */
};

/*
 * Open the handles the policy asks for (monitor.interfaces, else every
 * zone interface, plus monitor.span) and add them to the loop.  An
 * interface that cannot be opened is logged and left out.  Returns the
 * number of handles open, -1 on memory.
 */
int	 capture_open(struct capture *, const struct policy *, struct loop *,
	    capture_cb *, void *arg);
void	 capture_close(struct capture *);
/* Would this policy capture the same interfaces as the running set? */
bool	 capture_same(const struct capture *, const struct policy *);
/*
 * Read pcap_stats of every handle and add the new drops.  Returns the
 * drops (kernel + interface) new since the last call.
 */
uint64_t capture_poll_stats(struct capture *);
void	 capture_totals(const struct capture *, struct capture_totals *);

#endif
