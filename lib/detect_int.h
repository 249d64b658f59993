/* detect_int.h - what detect.c, detect_l2.c and detect_flow.c share inside the engine. */
#ifndef BUNRI_DETECT_INT_H
#define BUNRI_DETECT_INT_H

#include "decide.h"
#include "detect.h"
#include "flowtab.h"

/* flow_entry.flags */
#define FF_FLAGGED	0x01	/* ends with a flow event */
#define FF_DISALLOWED	0x02	/* the policy denies it */
#define FF_VIOLATION	0x04	/* sid 1 given */
#define FF_BREACH	0x08	/* sid 2 given */
#define FF_INGRESS	0x10	/* first seen where it entered the gateway */
#define FF_SEEN_IN	0x20	/* a packet of it was captured coming in (counted there) */

#define ZONE_NONE	0xff	/* flow_entry.src_zone/dst_zone: no zone */
#define PFLOW_NONE	UINT32_MAX

/*
 * detect_packets() decodes packets this far ahead of their turn and
 * fetches the flow table's memory for them in two steps (the bucket, then
 * half way the entry it names), so a lookup rarely waits for memory.
 */
#define AHEAD		8	/* a power of two */

/* What is worked out of a packet before its turn: pure, no table state. */
struct ahead {
	struct pkt	 pk;
	int		 rc;		/* decode_packet()'s */
	bool		 local;		/* IP that stays on its link (ND, scope) */
	bool		 keyed;		/* k and h hold its flow key and hash */
	struct flowkey	 k;
	uint32_t	 h;
};

/* Remembered (MAC, zone, address, signature) hashes: "once per MAC". */
#define SEEN_SLOTS	16384

struct ratelimit {
	int64_t		 sec;		/* packet second of the window */
	unsigned	 n;		/* alerts in it */
	uint64_t	 pending;	/* suppressed since the last alert */
};

struct detect {
	struct policy	*p;
	struct detect_opts o;
	struct detect_sink sink;
	struct flowtab	*ft;
	struct scan	*scan;
	struct detect_stats st;
	struct ratelimit rl[SIG_MAX + 1];
	int64_t		 expired_sec;	/* last second flowtab_expire ran */

	/* the iface -> zone lookup of the previous packet */
	const char	*if_name;
	const struct zone *if_zone;

	uint64_t	*seen;		/* SEEN_SLOTS hashes, 0 = free */
	size_t		 nseen;

	/* scratch, so nothing is allocated per packet */
	const struct pkt *pk;		/* the packet being classified */
	struct ahead	 ahead[AHEAD];
	char		 words[1024];
	char		 sigtext[256];
};

/* One packet as the classification sees it. */
struct obs {
	const char	*iface;
	const struct zone *zone;	/* ingress zone of the capture, or NULL */
	const struct timeval *ts;
	const uint8_t	*data;
	uint32_t	 caplen, wirelen;
};

/* detect.c */
bool	 detect_ratelimit(struct detect *, enum sig, int64_t sec,
	    uint64_t *suppressed);
void	 detect_emit(struct detect *, struct alert_rec *);
void	 detect_rec_init(const struct detect *, struct alert_rec *,
	    enum event_kind, const struct timeval *, const char *iface);
const char *detect_zone_name(const struct policy *, uint8_t idx);

/* detect_l2.c */
bool	 detect_seen(struct detect *, const struct mac *, const struct zone *,
	    const struct addr *, enum sig);
bool	 detect_local_scope(const struct addr *src, const struct addr *dst);
void	 detect_l2_binding(struct detect *, const struct obs *,
	    const struct zone *, const struct mac *, const struct addr *,
	    const char *what);
void	 detect_l2_packet(struct detect *, const struct obs *,
	    const struct pkt *);

/* detect_scan.c: lib/scan fed with each new flow's source and target */
int	 detect_scan_new(struct detect *);
void	 detect_scan_free(struct detect *);
void	 detect_scan_flow(struct detect *, const struct obs *,
	    struct flow_entry *);

/* detect_flow.c */
void	 detect_flow_end(const struct flow_entry *, enum flow_end, void *arg);
void	 detect_flow_key_addrs(const struct flow_entry *, struct addr *src,
	    struct addr *dst);
void	 detect_new_flow(struct detect *, const struct obs *,
	    struct flow_entry *);
/* out: the copy the gateway sent on (counted at ingress already). */
void	 detect_old_flow(struct detect *, const struct obs *,
	    struct flow_entry *, bool reply, bool out);
/* Hand a later packet of a flagged flow to the evidence sink (if due). */
void	 detect_flow_evidence(struct detect *, const struct obs *,
	    struct flow_entry *);
/* An alert about flow e that is not its verdict (scan): text given. */
void	 detect_flow_alert_plain(struct detect *, const struct obs *,
	    struct flow_entry *, enum sig, const char *signature,
	    const char *reason);

#endif
