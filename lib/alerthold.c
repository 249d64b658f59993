/* alerthold.c - alerts held until their flow ends (bunrictl audit): fixed slots in huge pages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerthold.h"
#include "hugemem.h"

/*
 * A capture where most flows are disallowed holds an alert for nearly
 * every flow until the end of the file.  A malloc per alert cost more
 * than the rest of the alert, mostly in page faults on fresh heap: here
 * an alert takes one fixed slot from 1.5 MiB chunks of huge pages, and
 * its slot is reused once printed, so memory stays bounded by the
 * alerts held at once.
 *
 * Only what is the alert's own is kept.  Its flow part (flow_id,
 * addresses, ports, zones, verdict, policy flow) is the same as that of
 * the flow event that ends the flow (detect.h), so it is taken from there
 * along with the final counters.
 */

#define SLOT_SIZE	384		/* bytes: header and both texts, nearly always */
#define CHUNK_SHIFT	12		/* 4096 slots a chunk */
#define CHUNK_SLOTS	(1u << CHUNK_SHIFT)
#define BUCKETS_MIN	4096
#define BUCKETS_MAX	(1u << 20)

struct held {
	uint64_t	 flow_id;
	uint32_t	 next;		/* slot + 1 in a chain or the free list; 0: end */
	uint16_t	 siglen;	/* with the NUL; 0: no signature */
	uint16_t	 reasonlen;	/* with the NUL; 0: no reason */
	struct timeval	 ts;
	uint64_t	 suppressed;
	const char	*in_iface;	/* the caller's: lives on */
	char		*ext;		/* the texts, when too long for text[] */
	uint8_t		 sid, blocked, has_icmp, icmp_type, icmp_code, has_mac;
	struct mac	 src_mac;
	char		 text[];	/* signature, NUL, reason, NUL */
};

#define TEXT_ROOM	(SLOT_SIZE - offsetof(struct held, text))
_Static_assert(offsetof(struct held, text) + 256 <= SLOT_SIZE,
    "held alert header too large for its slot");

struct alerthold {
	uint32_t	*bucket;	/* slot + 1 of each chain's first; 0: empty */
	size_t		 nbucket;	/* a power of two */
	uint8_t		**chunk;
	size_t		 nchunk, chunkcap;
	uint32_t	 used;		/* slots ever handed out */
	uint32_t	 free;		/* slot + 1 of the free list; 0: empty */
	size_t		 count;		/* held now */
};

static struct held *
slot(const struct alerthold *h, uint32_t i)
{
	return (struct held *)(void *)(h->chunk[i >> CHUNK_SHIFT] +
	    (size_t)(i & (CHUNK_SLOTS - 1)) * SLOT_SIZE);
}

static size_t
bucket_of(const struct alerthold *h, uint64_t flow_id)
{
	return (size_t)((flow_id * 0x9e3779b97f4a7c15ULL) >> 32) &
	    (h->nbucket - 1);
}

struct alerthold *
alerthold_new(size_t max_flows)
{
	struct alerthold *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	/* One chain per flow the engine can hold at once, up to a bound. */
	for (h->nbucket = BUCKETS_MIN; h->nbucket < max_flows &&
	    h->nbucket < BUCKETS_MAX; h->nbucket <<= 1)
		;
	if ((h->bucket = hugemem_alloc(h->nbucket * sizeof(*h->bucket))) ==
	    NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
alerthold_free(struct alerthold *h)
{
	uint32_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->used; i++)
		free(slot(h, i)->ext);	/* NULL in free slots too */
	for (i = 0; i < h->nchunk; i++)
		hugemem_free(h->chunk[i], (size_t)CHUNK_SLOTS * SLOT_SIZE);
	free(h->chunk);
	hugemem_free(h->bucket, h->nbucket * sizeof(*h->bucket));
	free(h);
}

/* A slot number, or UINT32_MAX when out of memory. */
static uint32_t
slot_get(struct alerthold *h)
{
	uint8_t **nc;
	uint32_t i;
	size_t cap;

	if (h->free != 0) {
		i = h->free - 1;
		h->free = slot(h, i)->next;
		return i;
	}
	if (h->used >= UINT32_MAX - CHUNK_SLOTS)
		return UINT32_MAX;
	if ((h->used >> CHUNK_SHIFT) == h->nchunk) {
		if (h->nchunk == h->chunkcap) {
			cap = h->chunkcap != 0 ? h->chunkcap * 2 : 16;
			if ((nc = realloc(h->chunk, cap * sizeof(*nc))) == NULL)
				return UINT32_MAX;
			h->chunk = nc;
			h->chunkcap = cap;
		}
		if ((h->chunk[h->nchunk] = hugemem_alloc((size_t)CHUNK_SLOTS *
		    SLOT_SIZE)) == NULL)
			return UINT32_MAX;
		h->nchunk++;
	}
	return h->used++;
}

static void
slot_put(struct alerthold *h, uint32_t i)
{
	struct held *s = slot(h, i);

	free(s->ext);
	s->ext = NULL;
	s->next = h->free;
	h->free = i + 1;
}

int
alerthold_add(struct alerthold *h, const struct alert_rec *r)
{
	size_t ls = r->signature != NULL ? strlen(r->signature) + 1 : 0;
	size_t lr = r->reason != NULL ? strlen(r->reason) + 1 : 0;
	uint32_t i, *pp;
	struct held *s;
	char *t;

	if (ls > UINT16_MAX || lr > UINT16_MAX ||
	    (i = slot_get(h)) == UINT32_MAX)
		return -1;
	s = slot(h, i);
	s->ext = NULL;
	t = s->text;
	if (ls + lr > TEXT_ROOM && (t = s->ext = malloc(ls + lr)) == NULL) {
		slot_put(h, i);
		return -1;
	}
	if (ls != 0)
		memcpy(t, r->signature, ls);
	if (lr != 0)
		memcpy(t + ls, r->reason, lr);
	s->flow_id = r->flow_id;
	s->next = 0;
	s->siglen = (uint16_t)ls;
	s->reasonlen = (uint16_t)lr;
	s->ts = r->ts;
	s->suppressed = r->suppressed;
	s->in_iface = r->in_iface;
	s->sid = (uint8_t)r->sid;
	s->blocked = r->blocked;
	s->has_icmp = r->has_icmp;
	s->icmp_type = r->icmp_type;
	s->icmp_code = r->icmp_code;
	s->has_mac = r->has_mac;
	s->src_mac = r->src_mac;
	/* At the end of its chain: a flow's alerts come out in order. */
	for (pp = &h->bucket[bucket_of(h, r->flow_id)]; *pp != 0;
	    pp = &slot(h, *pp - 1)->next)
		;
	*pp = i + 1;
	h->count++;
	return 0;
}

void
alerthold_release(struct alerthold *h, const struct alert_rec *f,
    void (*out)(void *, const struct alert_rec *), void *arg)
{
	struct alert_rec r;
	struct held *s;
	uint32_t *pp, i;
	const char *t;

	pp = &h->bucket[bucket_of(h, f->flow_id)];
	while (*pp != 0) {
		i = *pp - 1;
		s = slot(h, i);
		if (s->flow_id != f->flow_id) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		t = s->ext != NULL ? s->ext : s->text;
		r = *f;		/* flow part and final counters */
		r.kind = EV_ALERT;
		r.ts = s->ts;
		r.in_iface = s->in_iface;
		r.sid = (enum sig)s->sid;
		r.signature = s->siglen != 0 ? t : NULL;
		r.blocked = s->blocked;
		r.has_icmp = s->has_icmp;
		r.icmp_type = s->icmp_type;
		r.icmp_code = s->icmp_code;
		r.has_mac = s->has_mac;
		r.src_mac = s->src_mac;
		r.reason = s->reasonlen != 0 ? t + s->siglen : NULL;
		r.suppressed = s->suppressed;
		r.evidence = NULL;
		r.detail = NULL;
		out(arg, &r);
		slot_put(h, i);
		h->count--;
	}
}

size_t
alerthold_count(const struct alerthold *h)
{
	return h->count;
}
