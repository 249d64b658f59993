/* flowtab.h - bounded table of the flows the sniffer tracks, v4 and v6. */
#ifndef BUNRI_FLOWTAB_H
#define BUNRI_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * A flow as first seen: the direction of its first packet is "forward".
 * Addresses are 16 bytes for both families (v4 in src[0..3], the rest
 * zero) so keys compare with memcmp; build them with flowkey_set().
 *
 * Ports: TCP/UDP ports.  For ICMP/ICMPv6 the slots hold the Community ID
 * port equivalents (community_id_icmp_ports()): sport = type, dport = the
 * counterpart type of a request/reply pair (so an echo reply finds its
 * request in the other direction) or the code of a one-way message.
 * Other protocols: both 0.
 */
struct flowkey {
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 proto;		/* IANA protocol number */
	uint8_t		 pad[2];	/* always zero */
};

/*
 * One tracked flow.  The table owns it; a pointer stays valid until the
 * entry leaves the table (flowtab_remove, expiry, eviction by a later
 * flowtab_insert, flush, flowtab_free).  The detector's fields (flags,
 * verdict, reason, zones, policy_flow, evidence_left): the table zeroes
 * them on insert and never reads them.  The order of the fields is for
 * the cache: a packet of a known flow touches only the first 88 bytes.
 */
struct flow_entry {
	/* what every packet reads or writes first: key, chain, counters */
	struct flowkey	 key;
	uint32_t	 hnext_;	/* the table's: do not touch */
	uint8_t		 flags;		/* detector's */
	uint8_t		 verdict;	/* detector's */
	uint8_t		 reason;	/* detector's */
	uint8_t		 src_zone;	/* detector's */
	uint64_t	 last_seen;	/* us, packet time */
	uint64_t	 bytes_fwd;	/* key.src -> key.dst */
	uint64_t	 bytes_rev;
	uint32_t	 pkts_fwd;
	uint32_t	 pkts_rev;
	uint32_t	 lprev_;	/* the table's: do not touch */
	uint32_t	 lnext_;

	uint64_t	 first_seen;	/* us, packet time */
	uint64_t	 flow_id;	/* 1 .. 2^63-1, from key and first_seen */

	/* detector's area (with flags .. src_zone above) */
	uint32_t	 policy_flow;	/* index of the allowing or nearest flow */
	uint16_t	 evidence_left;	/* packets still to hand to evidence */
	uint8_t		 dst_zone;
	uint8_t		 pad_;
};

/* Why a flow left the table, for the end callback. */
enum flow_end {
	FLOW_END_TIMEOUT,	/* idle longer than the timeout */
	FLOW_END_EVICTED,	/* table full: the least recently seen made room */
	FLOW_END_FLUSH,		/* flowtab_flush (end of capture) */
};

/*
 * Called with the entry just before it is removed, so the caller can emit
 * the final "flow" event.  The callback must not call into the table.
 */
typedef void	 flowtab_end_fn(const struct flow_entry *, enum flow_end,
		    void *arg);

struct flowtab_stats {
	uint64_t	 entries;	/* now */
	uint64_t	 max;
	uint64_t	 inserts;
	uint64_t	 evictions;
	uint64_t	 expirations;
};

struct flowtab;

#define FLOWTAB_MAX	(1u << 28)	/* upper bound of max_flows */

/*
 * A table of at most max_flows flows (1 .. FLOWTAB_MAX), all memory
 * allocated here and never grown; a flow idle longer than idle_timeout_us
 * is expired by flowtab_expire().  NULL on a bad argument or no memory.
 */
struct flowtab	*flowtab_new(size_t max_flows, uint64_t idle_timeout_us);
/* Frees the table and its entries without callbacks; NULL is a no-op. */
void		 flowtab_free(struct flowtab *);

/*
 * Key the hash of the index (bucket placement only: flow_id and every
 * result stay the same).  flowtab_new() keys every table with random
 * bytes already, so that crafted addresses cannot pile flows into one
 * bucket; this is for tests.  Only on an empty table: -1 otherwise.
 */
int		 flowtab_set_hash_key(struct flowtab *, const uint8_t key[16]);

/* Fill k from a packet's tuple (zeroes padding); -1 on a family mismatch. */
int		 flowkey_set(struct flowkey *k, const struct addr *src,
		    const struct addr *dst, uint8_t proto, uint16_t sport,
		    uint16_t dport);

/*
 * Find the flow of k in either direction; *reply (may be NULL) is set to
 * true when k is the reverse of the stored key.  NULL when unknown.  The
 * table does not look at time here: run flowtab_expire() first so that an
 * idle flow is ended before a new packet of the same tuple arrives.
 */
struct flow_entry *flowtab_lookup(struct flowtab *, const struct flowkey *k,
		    bool *reply);

/*
 * The index hash of k, the same for both directions (keyed as set by
 * flowtab_set_hash_key).  A caller that has it saves hashing twice:
 * flowtab_lookup_h and flowtab_insert_h take it instead of hashing again.
 */
uint32_t	 flowtab_hash(const struct flowtab *, const struct flowkey *k);
struct flow_entry *flowtab_lookup_h(struct flowtab *, const struct flowkey *k,
		    uint32_t hash, bool *reply);
struct flow_entry *flowtab_insert_h(struct flowtab *, const struct flowkey *k,
		    uint32_t hash, uint64_t now, flowtab_end_fn *end, void *arg);

/*
 * Hints that a lookup of hash is coming: load its bucket, or (once the
 * bucket is loaded) the entry at the head of its chain.  No effect on
 * any result; cheap enough to call for every packet.
 */
void		 flowtab_prefetch(const struct flowtab *, uint32_t hash);
void		 flowtab_prefetch_entry(const struct flowtab *, uint32_t hash);

/*
 * Insert k (not already present: look it up first) seen first at now.
 * When the table is full the least recently seen flow makes room: ended as
 * FLOW_END_TIMEOUT if idle past the timeout, else FLOW_END_EVICTED, with
 * end(e, why, arg) called first (end may be NULL).  Counters start at zero:
 * call flowtab_touch() for the packet.  Never NULL.
 */
struct flow_entry *flowtab_insert(struct flowtab *, const struct flowkey *k,
		    uint64_t now, flowtab_end_fn *end, void *arg);

/*
 * Count one packet of len bytes in the given direction at now.  The LRU
 * list is kept by packet second, not by microsecond: an entry moves to
 * the newest end only at its first packet in a new second (most packets
 * write only the entry itself).  So "least recently seen" is exact to
 * the second; within one second the order is that of each flow's first
 * packet in it.  Eviction and expiry look at last_seen before ending a
 * flow (see flowtab.c).
 */
void		 flowtab_touch(struct flowtab *, struct flow_entry *,
		    bool reply, uint32_t len, uint64_t now);

/* Remove e without a callback (the caller has already dealt with it). */
void		 flowtab_remove(struct flowtab *, struct flow_entry *e);

/*
 * End every flow whose last packet is more than the idle timeout before
 * now, least recently seen first, calling end (may be NULL) for each.
 * Returns how many were expired.  O(1) per expired flow.
 */
size_t		 flowtab_expire(struct flowtab *, uint64_t now,
		    flowtab_end_fn *end, void *arg);

/* End every flow (FLOW_END_FLUSH), least recently seen first. */
size_t		 flowtab_flush(struct flowtab *, flowtab_end_fn *end,
		    void *arg);

/*
 * Visit every flow, least recently seen first, without removing any;
 * stops early when fn returns non-zero and returns that value.  fn must
 * not change the table.
 */
int		 flowtab_foreach(const struct flowtab *,
		    int (*fn)(const struct flow_entry *, void *arg), void *arg);

void		 flowtab_stats(const struct flowtab *, struct flowtab_stats *);

/* Bytes the table allocated (entries and index), for the memory budget. */
size_t		 flowtab_memsize(const struct flowtab *);

#endif
