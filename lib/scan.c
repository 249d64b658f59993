/* scan.c - scan detector: distinct ports and hosts per source, bounded. */
#include <sys/socket.h>

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/*
 * Sources live in one preallocated array with a chained uint32 index and
 * an LRU list, as in flowtab.c.  The distinct values of a source are two
 * small open-addressing sets that grow on demand up to the size that holds
 * threshold + 1 values at load <= 3/4, and stop taking values once the
 * threshold is passed.
 */

#define NIL		UINT32_MAX
#define PORT_ESZ	3	/* used flag, port (big endian) */
#define HOST_ESZ	18	/* used flag, family, 16 address bytes */

struct dset {
	uint8_t		*slot;		/* cap slots; slot[0] != 0: used */
	uint32_t	 cap;		/* 0 or a power of two */
	uint32_t	 n;
};

struct src {
	uint8_t		 a[16];
	uint8_t		 family;
	uint8_t		 fired;		/* enum scan_hit bits of this window */
	uint32_t	 hnext, lprev, lnext;
	uint64_t	 start;		/* window start, us */
	struct dset	 ports, hosts;
};

struct scan {
	struct src	*src;
	uint32_t	*bucket;
	uint32_t	 mask;
	uint32_t	 max, used, count;
	uint32_t	 oldest, newest;
	unsigned	 pthr, hthr;
	uint32_t	 pcapmax, hcapmax;
	uint64_t	 window;
	uint8_t		 hkey[crypto_shorthash_KEYBYTES];
	uint64_t	 values, evictions, detections;
};

static uint32_t
hash32(const struct scan *sc, const uint8_t *p, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];

	crypto_shorthash(h, p, len, sc->hkey);
	return (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
	    (uint32_t)h[3] << 24;
}

/* Slots for limit values at load <= 3/4. */
static uint32_t
capmax_for(unsigned limit)
{
	uint64_t c = 8;

	while (c * 3 < (uint64_t)limit * 4)
		c <<= 1;
	return (uint32_t)c;
}

static uint8_t *
dset_find(const struct scan *sc, const struct dset *d, size_t esz,
    const uint8_t *val)
{
	uint32_t i = hash32(sc, val, esz - 1) & (d->cap - 1);
	uint8_t *s;

	for (;; i = (i + 1) & (d->cap - 1)) {
		s = d->slot + (size_t)i * esz;
		if (s[0] == 0 || memcmp(s + 1, val, esz - 1) == 0)
			return s;
	}
}

static int
dset_grow(const struct scan *sc, struct dset *d, size_t esz, uint32_t cap)
{
	struct dset nd = { NULL, cap, 0 };
	uint32_t i;
	uint8_t *s;

	if ((nd.slot = calloc(cap, esz)) == NULL)
		return -1;
	for (i = 0; i < d->cap; i++) {
		s = d->slot + (size_t)i * esz;
		if (s[0] != 0)
			memcpy(dset_find(sc, &nd, esz, s + 1), s, esz);
	}
	nd.n = d->n;
	free(d->slot);
	*d = nd;
	return 0;
}

/*
 * Add val unless present or the set already holds limit values: true when
 * it was new and stored.  No memory: not stored, so the scan is missed
 * rather than the daemon stopped.
 */
static bool
dset_add(const struct scan *sc, struct dset *d, size_t esz, uint32_t capmax,
    unsigned limit, const uint8_t *val)
{
	uint8_t *s;
	uint32_t nc;

	if (d->n >= limit)
		return false;
	if ((uint64_t)(d->n + 1) * 4 > (uint64_t)d->cap * 3) {
		nc = d->cap == 0 ? 8 : d->cap * 2;
		if (nc > capmax)
			nc = capmax;
		if (nc > d->cap && dset_grow(sc, d, esz, nc) == -1)
			return false;
	}
	s = dset_find(sc, d, esz, val);
	if (s[0] != 0)
		return false;
	s[0] = 1;
	memcpy(s + 1, val, esz - 1);
	d->n++;
	return true;
}

static void
dset_clear(struct dset *d, size_t esz)
{
	if (d->slot != NULL)
		memset(d->slot, 0, (size_t)d->cap * esz);
	d->n = 0;
}

struct scan *
scan_new(unsigned ports_threshold, unsigned hosts_threshold,
    uint64_t window_us, size_t max_sources)
{
	struct scan *sc;
	size_t nb = 16;

	if (ports_threshold == 0 || ports_threshold >= 65536 ||
	    hosts_threshold == 0 || hosts_threshold >= (1u << 28) ||
	    window_us == 0 || max_sources == 0 || max_sources >= (1u << 28))
		return NULL;
	while (nb < max_sources)
		nb <<= 1;
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	sc->src = calloc(max_sources, sizeof(*sc->src));
	sc->bucket = malloc(nb * sizeof(*sc->bucket));
	if (sc->src == NULL || sc->bucket == NULL) {
		scan_free(sc);
		return NULL;
	}
	memset(sc->bucket, 0xff, nb * sizeof(*sc->bucket));
	sc->mask = (uint32_t)(nb - 1);
	sc->max = (uint32_t)max_sources;
	sc->oldest = sc->newest = NIL;
	sc->pthr = ports_threshold;
	sc->hthr = hosts_threshold;
	sc->pcapmax = capmax_for(ports_threshold + 1);
	sc->hcapmax = capmax_for(hosts_threshold + 1);
	sc->window = window_us;
	/*
	 * A secret key of its own, as the flow table has: the sets are
	 * filled from addresses and ports anyone can send, so a known key
	 * would let a sender pile them into one probe chain.
	 * scan_set_hash_key() still sets one (tests).
	 */
	if (sodium_init() >= 0)
		randombytes_buf(sc->hkey, sizeof(sc->hkey));
	return sc;
}

void
scan_free(struct scan *sc)
{
	uint32_t i;

	if (sc == NULL)
		return;
	if (sc->src != NULL)
		for (i = 0; i < sc->used; i++) {
			free(sc->src[i].ports.slot);
			free(sc->src[i].hosts.slot);
		}
	free(sc->src);
	free(sc->bucket);
	free(sc);
}

int
scan_set_hash_key(struct scan *sc, const uint8_t key[16])
{
	if (sc->count != 0)
		return -1;
	memcpy(sc->hkey, key, sizeof(sc->hkey));
	return 0;
}

static uint32_t
src_bucket(const struct scan *sc, const uint8_t k[17])
{
	return hash32(sc, k, 17) & sc->mask;
}

static void
lru_unlink(struct scan *sc, struct src *s)
{
	if (s->lprev != NIL)
		sc->src[s->lprev].lnext = s->lnext;
	else
		sc->oldest = s->lnext;
	if (s->lnext != NIL)
		sc->src[s->lnext].lprev = s->lprev;
	else
		sc->newest = s->lprev;
}

static void
lru_append(struct scan *sc, struct src *s, uint32_t idx)
{
	s->lprev = sc->newest;
	s->lnext = NIL;
	if (sc->newest != NIL)
		sc->src[sc->newest].lnext = idx;
	else
		sc->oldest = idx;
	sc->newest = idx;
}

static void
window_restart(struct scan *sc, struct src *s, uint64_t now)
{
	sc->values -= s->ports.n + s->hosts.n;
	dset_clear(&s->ports, PORT_ESZ);
	dset_clear(&s->hosts, HOST_ESZ);
	s->fired = 0;
	s->start = now;
}

/* Drop the least recently observed source; its slot is reused. */
static uint32_t
evict_oldest(struct scan *sc)
{
	uint32_t idx = sc->oldest;
	struct src *s = &sc->src[idx];
	uint8_t k[17];
	uint32_t *pp;

	k[0] = s->family;
	memcpy(k + 1, s->a, 16);
	for (pp = &sc->bucket[src_bucket(sc, k)]; *pp != idx;
	    pp = &sc->src[*pp].hnext)
		;
	*pp = s->hnext;
	lru_unlink(sc, s);
	window_restart(sc, s, 0);
	sc->count--;
	sc->evictions++;
	return idx;
}

static struct src *
src_get(struct scan *sc, const uint8_t k[17], uint64_t now)
{
	uint32_t b = src_bucket(sc, k), idx;
	struct src *s;

	for (idx = sc->bucket[b]; idx != NIL; idx = s->hnext) {
		s = &sc->src[idx];
		if (s->family == k[0] && memcmp(s->a, k + 1, 16) == 0) {
			if (sc->newest != idx) {
				lru_unlink(sc, s);
				lru_append(sc, s, idx);
			}
			return s;
		}
	}
	idx = sc->count == sc->max ? evict_oldest(sc) : sc->used++;
	s = &sc->src[idx];
	s->family = k[0];
	memcpy(s->a, k + 1, 16);
	s->fired = 0;
	s->start = now;
	s->hnext = sc->bucket[b];
	sc->bucket[b] = idx;
	lru_append(sc, s, idx);
	sc->count++;
	return s;
}

enum scan_hit
scan_observe(struct scan *sc, const struct addr *src, const struct addr *dst,
    int dport, uint64_t now)
{
	uint8_t k[17], h[HOST_ESZ - 1], p[PORT_ESZ - 1];
	size_t alen;
	struct src *s;
	unsigned hit = SCAN_NONE;

	if (src->family != dst->family ||
	    (src->family != AF_INET && src->family != AF_INET6))
		return SCAN_NONE;
	alen = src->family == AF_INET ? 4 : 16;
	memset(k, 0, sizeof(k));
	k[0] = src->family;
	memcpy(k + 1, src->a, alen);
	s = src_get(sc, k, now);
	/* Packet time may step back a little: that stays in the window. */
	if (now > s->start && now - s->start >= sc->window)
		window_restart(sc, s, now);

	if (dport >= 0 && dport <= 65535 && !(s->fired & SCAN_PORTS)) {
		p[0] = (uint8_t)(dport >> 8);
		p[1] = (uint8_t)dport;
		if (dset_add(sc, &s->ports, PORT_ESZ, sc->pcapmax,
		    sc->pthr + 1, p)) {
			sc->values++;
			if (s->ports.n > sc->pthr)
				hit |= SCAN_PORTS;
		}
	}
	if (!(s->fired & SCAN_HOSTS)) {
		memset(h, 0, sizeof(h));
		h[0] = dst->family;
		memcpy(h + 1, dst->a, alen);
		if (dset_add(sc, &s->hosts, HOST_ESZ, sc->hcapmax,
		    sc->hthr + 1, h)) {
			sc->values++;
			if (s->hosts.n > sc->hthr)
				hit |= SCAN_HOSTS;
		}
	}
	if (hit != SCAN_NONE) {
		s->fired |= hit;
		sc->detections++;
	}
	return (enum scan_hit)hit;
}

void
scan_stats(const struct scan *sc, struct scan_stats *st)
{
	st->sources = sc->count;
	st->max_sources = sc->max;
	st->values = sc->values;
	st->evictions = sc->evictions;
	st->detections = sc->detections;
}

size_t
scan_mem_bound(const struct scan *sc)
{
	size_t per = (size_t)sc->pcapmax * PORT_ESZ +
	    (size_t)sc->hcapmax * HOST_ESZ;

	return sizeof(*sc) + (size_t)sc->max * (sizeof(*sc->src) + per) +
	    ((size_t)sc->mask + 1) * sizeof(*sc->bucket);
}
