/* alerthold.c - alerts held until their flow ends (bunrictl audit): fixed slots in huge pages. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerthold.h"
#include "hugemem.h"

/*
 * A capture where most flows are disallowed holds an alert for nearly
 * every flow until the end of the file.  A malloc per alert cost more
 * than the rest of the alert, mostly in page faults on fresh heap: here
 * an alert takes one fixed slot from 2 MiB chunks of huge pages, and its
 * slot is reused once printed, so memory stays bounded by the alerts
 * held at once.  Fresh memory is what costs (the kernel clears every
 * page), so a slot is small: the few signature texts that alerts share
 * ("disallowed flow lgwan -> internet crossed the gateway") are kept
 * once, counted, and the slot holds the reason.
 *
 * Only what is the alert's own is kept.  Its flow part (flow_id,
 * addresses, ports, zones, verdict, policy flow) is the same as that of
 * the flow event that ends the flow (detect.h), so it is taken from there
 * along with the final counters.
 */

#define CHUNK_SIZE	((size_t)2 * 1024 * 1024)	/* one huge page */
#define SLOT_SIZE	288		/* header and a reason, nearly always */
#define CHUNK_SLOTS	((uint32_t)(CHUNK_SIZE / SLOT_SIZE))
#define BUCKETS_MIN	1024		/* then doubled as alerts are held */
#define BUCKETS_MAX	((size_t)1 << 22)
#define SIGS		256		/* shared signature texts; a power of two */
#define SIG_NONE	0		/* held.sig: no signature */
#define SIG_HERE	UINT16_MAX	/* held.sig: in text[], before the reason */

struct held {
	uint64_t	 flow_id;
	struct timeval	 ts;
	uint64_t	 suppressed;
	const char	*in_iface;	/* the caller's: lives on */
	char		*ext;		/* the texts, when too long for text[] */
	uint32_t	 next;		/* slot + 1 in a chain or the free list; 0: end */
	uint16_t	 sig;		/* SIG_NONE, SIG_HERE or shared text + 1 */
	uint16_t	 siglen;	/* SIG_HERE: with the NUL */
	uint16_t	 reasonlen;	/* with the NUL; 0: no reason */
	uint8_t		 sid, blocked, has_icmp, icmp_type, icmp_code, has_mac;
	struct mac	 src_mac;
	char		 text[];	/* [signature, NUL,] reason, NUL */
};

#define TEXT_ROOM	(SLOT_SIZE - offsetof(struct held, text))
_Static_assert(offsetof(struct held, text) + 200 <= SLOT_SIZE,
    "held alert header too large for its slot");
_Static_assert((uint64_t)CHUNK_SLOTS * SLOT_SIZE <= CHUNK_SIZE, "chunk");

/* A signature text shared by the alerts that hold it (refs). */
struct shared_sig {
	uint64_t	 hash;
	uint32_t	 refs;
	uint16_t	 len;		/* with the NUL */
	char		*text;		/* NULL: never used */
};

struct alerthold {
	uint32_t	*bucket;	/* slot + 1 of each chain's first; 0: empty */
	size_t		 nbucket;	/* a power of two */
	uint8_t		**chunk;
	size_t		 nchunk, chunkcap;
	uint32_t	 used;		/* slots ever handed out */
	uint32_t	 free;		/* slot + 1 of the free list; 0: empty */
	size_t		 count;		/* held now */
	uint64_t	 mult;		/* bucket_of's, odd */
	struct shared_sig sigs[SIGS];
};

static struct held *
slot(const struct alerthold *h, uint32_t i)
{
	return (struct held *)(void *)(h->chunk[i / CHUNK_SLOTS] +
	    (size_t)(i % CHUNK_SLOTS) * SLOT_SIZE);
}

/*
 * Multiply-shift with a random odd multiplier: a universal hash, so a
 * capture made to put many flows in one chain (flow ids are a public
 * function of the tuple) cannot know which flows would.
 */
static size_t
bucket_of(uint64_t flow_id, uint64_t mult, size_t nbucket)
{
	/* the top bits: log2(nbucket) of them */
	return (size_t)((flow_id * mult) >> (64 - __builtin_ctzll(nbucket)));
}

static uint32_t *
buckets_new(size_t n)
{
	return hugemem_alloc(n * sizeof(uint32_t));
}

struct alerthold *
alerthold_new(void)
{
	struct alerthold *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->mult = 0x9e3779b97f4a7c15ULL;
	if (sodium_init() >= 0)
		randombytes_buf(&h->mult, sizeof(h->mult));
	h->mult |= 1;
	h->nbucket = BUCKETS_MIN;
	if ((h->bucket = buckets_new(h->nbucket)) == NULL) {
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
		hugemem_free(h->chunk[i], CHUNK_SIZE);
	for (i = 0; i < SIGS; i++)
		free(h->sigs[i].text);
	free(h->chunk);
	hugemem_free(h->bucket, h->nbucket * sizeof(*h->bucket));
	free(h);
}

/*
 * Twice the buckets once there are more alerts than buckets; chains
 * keep their order, so a flow's alerts still come out oldest first.
 * Failing to grow only makes chains longer.
 */
static void
grow(struct alerthold *h)
{
	size_t nb = h->nbucket * 2, i;
	uint32_t *b, *pp, id, next;

	if (nb > BUCKETS_MAX || (b = buckets_new(nb)) == NULL)
		return;
	for (i = 0; i < h->nbucket; i++)
		for (id = h->bucket[i]; id != 0; id = next) {
			next = slot(h, id - 1)->next;
			slot(h, id - 1)->next = 0;
			pp = &b[bucket_of(slot(h, id - 1)->flow_id, h->mult,
			    nb)];
			for (; *pp != 0; pp = &slot(h, *pp - 1)->next)
				;
			*pp = id;
		}
	hugemem_free(h->bucket, h->nbucket * sizeof(*h->bucket));
	h->bucket = b;
	h->nbucket = nb;
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
	if (h->used / CHUNK_SLOTS == h->nchunk) {
		if (h->nchunk == h->chunkcap) {
			cap = h->chunkcap != 0 ? h->chunkcap * 2 : 16;
			if ((nc = realloc(h->chunk, cap * sizeof(*nc))) == NULL)
				return UINT32_MAX;
			h->chunk = nc;
			h->chunkcap = cap;
		}
		if ((h->chunk[h->nchunk] = hugemem_alloc(CHUNK_SIZE)) == NULL)
			return UINT32_MAX;
		h->nchunk++;
	}
	return h->used++;
}

static void
slot_put(struct alerthold *h, uint32_t i)
{
	struct held *s = slot(h, i);

	if (s->sig != SIG_NONE && s->sig != SIG_HERE)
		h->sigs[s->sig - 1].refs--;
	free(s->ext);
	s->ext = NULL;
	s->next = h->free;
	h->free = i + 1;
}

static uint64_t
text_hash(const char *t, size_t n)
{
	uint64_t x = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		x = (x ^ (uint8_t)t[i]) * 0x100000001b3ULL;
	return x;
}

/*
 * The shared copy of a signature of len bytes (NUL included), counted
 * once more: its number + 1, or 0 when none can be had (all taken, no
 * memory): the alert then keeps its own copy.  An entry nobody holds
 * any more is kept for the next alert with that text, or taken over.
 */
static uint16_t
sig_ref(struct alerthold *h, const char *text, size_t len)
{
	uint64_t x = text_hash(text, len);
	struct shared_sig *s, *spare = NULL;
	size_t i, n;
	char *t;

	for (i = (size_t)x & (SIGS - 1), n = 0; n < SIGS;
	    i = (i + 1) & (SIGS - 1), n++) {
		s = &h->sigs[i];
		if (s->text == NULL) {
			if (spare == NULL)
				spare = s;
			break;
		}
		if (s->hash == x && s->len == len &&
		    memcmp(s->text, text, len) == 0) {
			s->refs++;
			return (uint16_t)(i + 1);
		}
		if (s->refs == 0 && spare == NULL)
			spare = s;
	}
	if (spare == NULL || (t = malloc(len)) == NULL)
		return 0;
	free(spare->text);
	memcpy(t, text, len);
	spare->text = t;
	spare->hash = x;
	spare->len = (uint16_t)len;
	spare->refs = 1;
	return (uint16_t)(spare - h->sigs + 1);
}

int
alerthold_add(struct alerthold *h, const struct alert_rec *r)
{
	size_t ls = r->signature != NULL ? strlen(r->signature) + 1 : 0;
	size_t lr = r->reason != NULL ? strlen(r->reason) + 1 : 0;
	uint32_t i, *pp;
	struct held *s;
	uint16_t sig;
	char *t;

	if (ls > UINT16_MAX || lr > UINT16_MAX ||
	    (i = slot_get(h)) == UINT32_MAX)
		return -1;
	s = slot(h, i);
	s->sig = SIG_NONE;
	s->siglen = 0;
	s->ext = NULL;
	if (ls != 0) {
		if ((sig = sig_ref(h, r->signature, ls)) != 0)
			s->sig = sig;
		else {
			s->sig = SIG_HERE;
			s->siglen = (uint16_t)ls;
		}
	}
	t = s->text;
	if (s->siglen + lr > TEXT_ROOM &&
	    (t = s->ext = malloc(s->siglen + lr)) == NULL) {
		slot_put(h, i);
		return -1;
	}
	if (s->sig == SIG_HERE)
		memcpy(t, r->signature, ls);
	if (lr != 0)
		memcpy(t + s->siglen, r->reason, lr);
	s->flow_id = r->flow_id;
	s->next = 0;
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
	if (h->count >= h->nbucket)
		grow(h);
	/* At the end of its chain: a flow's alerts come out in order. */
	for (pp = &h->bucket[bucket_of(r->flow_id, h->mult, h->nbucket)];
	    *pp != 0; pp = &slot(h, *pp - 1)->next)
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

	pp = &h->bucket[bucket_of(f->flow_id, h->mult, h->nbucket)];
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
		r.signature = s->sig == SIG_NONE ? NULL : s->sig == SIG_HERE ?
		    t : h->sigs[s->sig - 1].text;
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
