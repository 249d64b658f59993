/* flowtab.c - bounded flow table: one entry array, chained index, LRU list. */
#include <sys/socket.h>

#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "flowtab.h"
#include "hugemem.h"

/*
 * Memory is allocated once: max entries of 112 bytes and a bucket array
 * of uint32 heads (a power of two >= max, so about 4 bytes per flow).
 * Chains and the LRU list are uint32 indices inside the entries, which
 * keeps a tracked flow under 128 bytes with its share of the index.
 */

#define NIL	UINT32_MAX

struct flowtab {
	struct flow_entry *ent;
	uint32_t	*bucket;
	uint32_t	 mask;		/* buckets - 1 */
	uint32_t	 max;
	uint32_t	 used;		/* entries ever handed out (high water) */
	uint32_t	 count;
	uint32_t	 free;		/* free list through hnext_ */
	uint32_t	 oldest;	/* LRU head: least recently seen */
	uint32_t	 newest;
	uint64_t	 timeout;
	uint64_t	 k0, k1;	/* the index hash's key */
	uint64_t	 inserts, evictions, expirations;
};

/* The table's own promise (flowtab.h): keys compare as 40 plain bytes. */
_Static_assert(sizeof(struct flowkey) == 40, "flowkey has hidden padding");
_Static_assert(sizeof(struct flow_entry) <= 112, "flow_entry grew");
/* What a packet of a known flow touches stays in the first 88 bytes. */
_Static_assert(offsetof(struct flow_entry, lnext_) + 4 <= 88,
    "flow_entry's hot fields moved");

static uint64_t
le64(const unsigned char b[8])
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/*
 * The index hash: SipHash-1-3 (as Rust's HashMap) over the tuple with the
 * smaller endpoint first, so both directions share a bucket and a lookup
 * costs one chain walk.  Keyed so that crafted addresses cannot pile
 * flows into one bucket; inline and with fewer rounds than
 * crypto_shorthash (SipHash-2-4) because it runs for every packet.  The
 * message is the tuple packed into words, which is all the key holds:
 * two words for IPv4 (both addresses in one), five for IPv6; the family
 * is in the last word, so the two never collide by construction.
 * Bucket placement only: flow_id does not depend on it.
 */
#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)
#define SIPWORD(m) do {							\
	v3 ^= (m);							\
	SIPROUND;							\
	v0 ^= (m);							\
} while (0)

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint32_t
flowtab_hash(const struct flowtab *ft, const struct flowkey *k)
{
	uint64_t v0 = ft->k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = ft->k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = ft->k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = ft->k1 ^ 0x7465646279746573ULL;
	uint64_t s0, s1, d0, d1, t;
	uint16_t ap = k->sport, bp = k->dport;
	uint32_t s4, d4;

	/*
	 * Which endpoint goes first only has to be the same for both
	 * directions: compare them as words, not as bytes.
	 */
	if (k->family == AF_INET) {
		s4 = rd32(k->src);
		d4 = rd32(k->dst);
		if (d4 < s4 || (d4 == s4 && bp < ap)) {
			t = (uint64_t)d4 | (uint64_t)s4 << 32;
			ap = k->dport;
			bp = k->sport;
		} else
			t = (uint64_t)s4 | (uint64_t)d4 << 32;
		SIPWORD(t);
		t = (uint64_t)ap | (uint64_t)bp << 16 |
		    (uint64_t)k->family << 32 | (uint64_t)k->proto << 40 |
		    (uint64_t)16 << 56;
		SIPWORD(t);
	} else {
		s0 = rd64(k->src);
		s1 = rd64(k->src + 8);
		d0 = rd64(k->dst);
		d1 = rd64(k->dst + 8);
		if (d0 < s0 || (d0 == s0 && (d1 < s1 ||
		    (d1 == s1 && bp < ap)))) {
			SIPWORD(d0);
			SIPWORD(d1);
			SIPWORD(s0);
			SIPWORD(s1);
			ap = k->dport;
			bp = k->sport;
		} else {
			SIPWORD(s0);
			SIPWORD(s1);
			SIPWORD(d0);
			SIPWORD(d1);
		}
		t = (uint64_t)ap | (uint64_t)bp << 16 |
		    (uint64_t)k->family << 32 | (uint64_t)k->proto << 40 |
		    (uint64_t)40 << 56;
		SIPWORD(t);
	}
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return (uint32_t)(v0 ^ v1 ^ v2 ^ v3);
}

static uint32_t
bucket_of(const struct flowtab *ft, const struct flowkey *k)
{
	return flowtab_hash(ft, k) & ft->mask;
}

/*
 * Deterministic across runs and machines (fixed zero key, little-endian
 * read), kept below 2^63 because EVE readers take flow_id as int64.
 */
static uint64_t
flow_id_of(const struct flowkey *k, uint64_t first_seen)
{
	static const unsigned char zero[crypto_shorthash_KEYBYTES];
	unsigned char in[sizeof(*k) + 8], h[crypto_shorthash_BYTES];
	uint64_t id;
	int i;

	memcpy(in, k, sizeof(*k));
	for (i = 0; i < 8; i++)
		in[sizeof(*k) + i] = (unsigned char)(first_seen >> (8 * i));
	crypto_shorthash(h, in, sizeof(in), zero);
	id = le64(h) & INT64_MAX;
	return id != 0 ? id : 1;
}

struct flowtab *
flowtab_new(size_t max_flows, uint64_t idle_timeout_us)
{
	struct flowtab *ft;
	size_t nb = 16;

	if (max_flows == 0 || max_flows > FLOWTAB_MAX)
		return NULL;
	while (nb < max_flows)
		nb <<= 1;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	/* Sizes first: flowtab_free needs them to unmap. */
	ft->mask = (uint32_t)(nb - 1);
	ft->max = (uint32_t)max_flows;
	/*
	 * Flows land at random in both arrays: huge pages spare a fault per
	 * 4 KiB page and most TLB misses (hugemem.h).
	 */
	ft->ent = hugemem_alloc(max_flows * sizeof(*ft->ent));
	ft->bucket = hugemem_alloc(nb * sizeof(*ft->bucket));
	if (ft->ent == NULL || ft->bucket == NULL) {
		flowtab_free(ft);
		return NULL;
	}
	memset(ft->bucket, 0xff, nb * sizeof(*ft->bucket));	/* all NIL */
	/*
	 * A secret key of its own, so that nobody who sends packets can
	 * pile flows into one bucket (flowtab_set_hash_key can still set
	 * one: tests).  Without libsodium's generator the key stays zero.
	 */
	if (sodium_init() >= 0) {
		randombytes_buf(&ft->k0, sizeof(ft->k0));
		randombytes_buf(&ft->k1, sizeof(ft->k1));
	}
	ft->free = ft->oldest = ft->newest = NIL;
	ft->timeout = idle_timeout_us;
	return ft;
}

void
flowtab_free(struct flowtab *ft)
{
	if (ft == NULL)
		return;
	hugemem_free(ft->ent, (size_t)ft->max * sizeof(*ft->ent));
	hugemem_free(ft->bucket, ((size_t)ft->mask + 1) * sizeof(*ft->bucket));
	free(ft);
}

int
flowtab_set_hash_key(struct flowtab *ft, const uint8_t key[16])
{
	if (ft->count != 0)
		return -1;
	ft->k0 = rd64(key);
	ft->k1 = rd64(key + 8);
	return 0;
}

int
flowkey_set(struct flowkey *k, const struct addr *src, const struct addr *dst,
    uint8_t proto, uint16_t sport, uint16_t dport)
{
	if (src->family != dst->family ||
	    (src->family != AF_INET && src->family != AF_INET6)) {
		memset(k, 0, sizeof(*k));
		return -1;
	}
	/* Fixed sizes, so the copies are a few stores, not calls. */
	if (src->family == AF_INET) {
		memset(k->src, 0, sizeof(k->src));
		memset(k->dst, 0, sizeof(k->dst));
		memcpy(k->src, src->a, 4);
		memcpy(k->dst, dst->a, 4);
	} else {
		memcpy(k->src, src->a, 16);
		memcpy(k->dst, dst->a, 16);
	}
	k->sport = sport;
	k->dport = dport;
	k->family = src->family;
	k->proto = proto;
	k->pad[0] = k->pad[1] = 0;
	return 0;
}

/* 40 bytes as five words: no call into libc for every packet. */
static bool
key_eq(const struct flowkey *a, const struct flowkey *b)
{
	const uint8_t *p = (const uint8_t *)a, *q = (const uint8_t *)b;

	return ((rd64(p) ^ rd64(q)) | (rd64(p + 8) ^ rd64(q + 8)) |
	    (rd64(p + 16) ^ rd64(q + 16)) | (rd64(p + 24) ^ rd64(q + 24)) |
	    (rd64(p + 32) ^ rd64(q + 32))) == 0;
}

static bool
key_is_reverse(const struct flowkey *e, const struct flowkey *k)
{
	return e->family == k->family && e->proto == k->proto &&
	    e->sport == k->dport && e->dport == k->sport &&
	    ((rd64(e->src) ^ rd64(k->dst)) | (rd64(e->src + 8) ^
	    rd64(k->dst + 8)) | (rd64(e->dst) ^ rd64(k->src)) |
	    (rd64(e->dst + 8) ^ rd64(k->src + 8))) == 0;
}

struct flow_entry *
flowtab_lookup(struct flowtab *ft, const struct flowkey *k, bool *reply)
{
	return flowtab_lookup_h(ft, k, flowtab_hash(ft, k), reply);
}

struct flow_entry *
flowtab_lookup_h(struct flowtab *ft, const struct flowkey *k, uint32_t hash,
    bool *reply)
{
	uint32_t i;
	struct flow_entry *e;

	for (i = ft->bucket[hash & ft->mask]; i != NIL; i = e->hnext_) {
		e = &ft->ent[i];
		if (key_eq(&e->key, k)) {
			if (reply != NULL)
				*reply = false;
			return e;
		}
		if (key_is_reverse(&e->key, k)) {
			if (reply != NULL)
				*reply = true;
			return e;
		}
	}
	return NULL;
}

void
flowtab_prefetch(const struct flowtab *ft, uint32_t hash)
{
	__builtin_prefetch(&ft->bucket[hash & ft->mask], 1);
}

/* An entry spans two or three cache lines: all of them. */
void
flowtab_prefetch_entry(const struct flowtab *ft, uint32_t hash)
{
	uint32_t i = ft->bucket[hash & ft->mask];
	const char *e;

	if (i == NIL)
		return;
	e = (const char *)&ft->ent[i];
	__builtin_prefetch(e, 1);
	__builtin_prefetch(e + 64, 1);
	__builtin_prefetch(e + sizeof(struct flow_entry) - 1, 1);
}

static void
lru_unlink(struct flowtab *ft, struct flow_entry *e)
{
	if (e->lprev_ != NIL)
		ft->ent[e->lprev_].lnext_ = e->lnext_;
	else
		ft->oldest = e->lnext_;
	if (e->lnext_ != NIL)
		ft->ent[e->lnext_].lprev_ = e->lprev_;
	else
		ft->newest = e->lprev_;
}

static void
lru_append(struct flowtab *ft, struct flow_entry *e, uint32_t idx)
{
	e->lprev_ = ft->newest;
	e->lnext_ = NIL;
	if (ft->newest != NIL)
		ft->ent[ft->newest].lnext_ = idx;
	else
		ft->oldest = idx;
	ft->newest = idx;
}

void
flowtab_remove(struct flowtab *ft, struct flow_entry *e)
{
	uint32_t idx = (uint32_t)(e - ft->ent);
	uint32_t *pp = &ft->bucket[bucket_of(ft, &e->key)];

	while (*pp != idx && *pp != NIL)
		pp = &ft->ent[*pp].hnext_;
	if (*pp == NIL)		/* not in the table: a caller bug, ignore */
		return;
	*pp = e->hnext_;
	lru_unlink(ft, e);
	e->hnext_ = ft->free;
	ft->free = idx;
	ft->count--;
}

static bool
is_idle(const struct flowtab *ft, const struct flow_entry *e, uint64_t now)
{
	return now > e->last_seen && now - e->last_seen > ft->timeout;
}

struct flow_entry *
flowtab_insert(struct flowtab *ft, const struct flowkey *k, uint64_t now,
    flowtab_end_fn *end, void *arg)
{
	return flowtab_insert_h(ft, k, flowtab_hash(ft, k), now, end, arg);
}

struct flow_entry *
flowtab_insert_h(struct flowtab *ft, const struct flowkey *k, uint32_t hash,
    uint64_t now, flowtab_end_fn *end, void *arg)
{
	struct flow_entry *e;
	uint32_t idx, b;

	if (ft->count == ft->max) {
		enum flow_end why;

		e = &ft->ent[ft->oldest];
		if (is_idle(ft, e, now)) {
			why = FLOW_END_TIMEOUT;
			ft->expirations++;
		} else {
			why = FLOW_END_EVICTED;
			ft->evictions++;
		}
		if (end != NULL)
			end(e, why, arg);
		flowtab_remove(ft, e);
	}
	if (ft->free != NIL) {
		idx = ft->free;
		ft->free = ft->ent[idx].hnext_;
	} else
		idx = ft->used++;
	e = &ft->ent[idx];
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->first_seen = e->last_seen = now;
	e->flow_id = flow_id_of(k, now);
	b = hash & ft->mask;
	e->hnext_ = ft->bucket[b];
	ft->bucket[b] = idx;
	lru_append(ft, e, idx);
	ft->count++;
	ft->inserts++;
	return e;
}

void
flowtab_touch(struct flowtab *ft, struct flow_entry *e, bool reply,
    uint32_t len, uint64_t now)
{
	uint32_t idx = (uint32_t)(e - ft->ent);

	if (reply) {
		e->pkts_rev++;
		e->bytes_rev += len;
	} else {
		e->pkts_fwd++;
		e->bytes_fwd += len;
	}
	/*
	 * Interfaces are captured apart: time may step back a little.  The
	 * entry moves to the newest end at its first packet of a later
	 * second only, so most packets write nothing but the entry; the
	 * list stays ordered by the second of last_seen (flowtab.h).
	 */
	if (now <= e->last_seen)
		return;
	if (now / 1000000 != e->last_seen / 1000000 && ft->newest != idx) {
		lru_unlink(ft, e);
		lru_append(ft, e, idx);
	}
	e->last_seen = now;
}

size_t
flowtab_expire(struct flowtab *ft, uint64_t now, flowtab_end_fn *end,
    void *arg)
{
	struct flow_entry *e;
	size_t n = 0;

	/*
	 * The LRU order is the order of last_seen's second (up to small
	 * steps back in packet time), so the walk stops at the first flow
	 * still active.  A flow behind it in the same second may be idle
	 * already: it ends at most one second late, at the next call.
	 */
	while (ft->oldest != NIL && is_idle(ft, e = &ft->ent[ft->oldest], now)) {
		if (end != NULL)
			end(e, FLOW_END_TIMEOUT, arg);
		flowtab_remove(ft, e);
		ft->expirations++;
		n++;
	}
	return n;
}

size_t
flowtab_flush(struct flowtab *ft, flowtab_end_fn *end, void *arg)
{
	struct flow_entry *e;
	size_t n = 0;
	uint32_t i;

	/*
	 * A table more than 1/64 full: end the flows in LRU order, then
	 * clear the index in one memset instead of unlinking each flow (a
	 * hash and a chain walk each).  The end callback does not call
	 * into the table, so nobody sees it half cleared.
	 */
	if (ft->count > (ft->mask + 1) / 64) {
		for (i = ft->oldest; i != NIL; i = ft->ent[i].lnext_) {
			if (end != NULL)
				end(&ft->ent[i], FLOW_END_FLUSH, arg);
			n++;
		}
		memset(ft->bucket, 0xff, ((size_t)ft->mask + 1) *
		    sizeof(*ft->bucket));
		ft->used = ft->count = 0;
		ft->free = ft->oldest = ft->newest = NIL;
		return n;
	}
	while (ft->oldest != NIL) {
		e = &ft->ent[ft->oldest];
		if (end != NULL)
			end(e, FLOW_END_FLUSH, arg);
		flowtab_remove(ft, e);
		n++;
	}
	return n;
}

int
flowtab_foreach(const struct flowtab *ft,
    int (*fn)(const struct flow_entry *, void *), void *arg)
{
	uint32_t i;
	int rc;

	for (i = ft->oldest; i != NIL; i = ft->ent[i].lnext_)
		if ((rc = fn(&ft->ent[i], arg)) != 0)
			return rc;
	return 0;
}

void
flowtab_stats(const struct flowtab *ft, struct flowtab_stats *st)
{
	st->entries = ft->count;
	st->max = ft->max;
	st->inserts = ft->inserts;
	st->evictions = ft->evictions;
	st->expirations = ft->expirations;
}

size_t
flowtab_memsize(const struct flowtab *ft)
{
	return sizeof(*ft) + (size_t)ft->max * sizeof(*ft->ent) +
	    ((size_t)ft->mask + 1) * sizeof(*ft->bucket);
}
