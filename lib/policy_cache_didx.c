/* policy_cache_didx.c - the decision index of a cached policy: its sort order stored, proven on load. */
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "decide_index.h"
#include "policy_cache_int.h"

/*
 * decide_index() sorts every flow and every pinned address pair of the
 * policy: with 50,000 host-to-host flows that is 200,000 entries and the
 * largest part of loading a cached model.  The sorted order is a
 * function of the model alone, so the cache stores it as positions (flow,
 * and which address of each end) and the load checks it instead of
 * sorting: the lists must hold exactly the entries decide_index() would
 * make (count per class, every position in range, each flow in its
 * class) in strictly increasing order of its total order (zone pair,
 * key, key2, flow, address positions).  A strictly increasing sequence of
 * exactly those entries is the sorted one, so a damaged order is refused,
 * never used.  Then the lists are cut into zone pairs as decide_index()
 * cuts them.  tests/unit/check_policy_cache.c compares the result with
 * decide_index()'s own, field by field.
 *
 * A host listing one address twice gives equal entries that only their
 * positions tell apart; the encoder then stores no order (flag 0) and the
 * load calls decide_index().
 */

enum { DI_REBUILD = 0, DI_STORED = 1 };

/* The lists, as decide_index() files a flow (index_fill). */
enum di_class { DC_BOTH, DC_DST, DC_SRC, DC_WIDE };

static enum di_class
flow_class(const struct flow *f)
{
	bool pto = didx_ep_pinned(&f->to), pfrom = didx_ep_pinned(&f->from);

	if (pto && pfrom)
		return DC_BOTH;
	return pto ? DC_DST : pfrom ? DC_SRC : DC_WIDE;
}

static size_t
ep_n(const struct endpoint *ep)
{
	return ep->kind == EP_HOST ? ep->host->naddrs : 1;
}

static const struct addr *
ep_at(const struct endpoint *ep, size_t i)
{
	return ep->kind == EP_HOST ? &ep->host->addrs[i] : &ep->prefix;
}

/* The endpoints whose addresses key an entry of class c: k1, k2 (or NULL). */
static void
class_keys(const struct flow *f, enum di_class c, const struct endpoint **k1,
    const struct endpoint **k2)
{
	*k2 = NULL;
	if (c == DC_BOTH) {
		*k1 = &f->to;
		*k2 = &f->from;
	} else
		*k1 = c == DC_SRC ? &f->from : &f->to;
}

/* Position of a in ep's addresses; -1 if absent or listed twice. */
static long
addr_pos(const struct endpoint *ep, const struct addr *a)
{
	size_t i, n = ep_n(ep);
	long at = -1;

	for (i = 0; i < n; i++)
		if (addr_cmp(ep_at(ep, i), a) == 0) {
			if (at != -1)
				return -1;
			at = (long)i;
		}
	return at;
}

static int
enc_flows(struct pc_w *w, const struct policy *p, const struct flow **v,
    size_t n)
{
	size_t i;

	pcw_u32(w, (uint32_t)n);
	for (i = 0; i < n; i++)
		pcw_u32(w, (uint32_t)(v[i] - p->flows));
	return 0;
}

static int
enc_ents(struct pc_w *w, const struct policy *p, const struct didx_ent *v,
    size_t n, enum di_class c)
{
	const struct endpoint *k1, *k2;
	long i, j;
	size_t e;

	pcw_u32(w, (uint32_t)n);
	for (e = 0; e < n; e++) {
		class_keys(v[e].f, c, &k1, &k2);
		if ((i = addr_pos(k1, &v[e].key)) == -1)
			return -1;
		j = k2 != NULL ? addr_pos(k2, &v[e].key2) : 0;
		if (j == -1)
			return -1;
		pcw_u32(w, (uint32_t)(v[e].f - p->flows));
		pcw_u32(w, (uint32_t)i);
		pcw_u32(w, (uint32_t)j);
	}
	return 0;
}

/* The lists' lengths: the pairs are their consecutive slices. */
static void
di_totals(const struct decide_index *di, size_t n[5])
{
	size_t k;

	memset(n, 0, 5 * sizeof(n[0]));
	for (k = 0; k < di->npairs; k++) {
		n[0] += di->pairs[k].nall;
		n[1] += di->pairs[k].nwide;
		n[2] += di->pairs[k].nboth;
		n[3] += di->pairs[k].ndst;
		n[4] += di->pairs[k].nsrc;
	}
}

int
pc_didx_encode(struct pc_w *w, const struct policy *p)
{
	const struct decide_index *di = p->didx;
	struct pc_w t;
	size_t n[5];

	if (di == NULL || p->nflows >= PC_NONE) {
		pcw_u8(w, DI_REBUILD);
		return 0;
	}
	di_totals(di, n);
	/* Written aside: a host with a repeated address means "rebuild". */
	memset(&t, 0, sizeof(t));
	pcw_u8(&t, DI_STORED);
	if (enc_flows(&t, p, di->all, n[0]) == -1 ||
	    enc_flows(&t, p, di->wide, n[1]) == -1 ||
	    enc_ents(&t, p, di->both, n[2], DC_BOTH) == -1 ||
	    enc_ents(&t, p, di->dst, n[3], DC_DST) == -1 ||
	    enc_ents(&t, p, di->src, n[4], DC_SRC) == -1) {
		free(t.b);
		if (t.err)
			return -1;
		pcw_u8(w, DI_REBUILD);
		return 0;
	}
	if (t.err) {
		free(t.b);
		return -1;
	}
	pcw_bytes(w, t.b, t.len);
	free(t.b);
	return 0;
}

/* --- load ---------------------------------------------------------------- */

static int
pair_cmp(const struct flow *a, const struct flow *b)
{
	if (a->from.zone->index != b->from.zone->index)
		return a->from.zone->index < b->from.zone->index ? -1 : 1;
	if (a->to.zone->index != b->to.zone->index)
		return a->to.zone->index < b->to.zone->index ? -1 : 1;
	return 0;
}

/*
 * A flow list of class c (DC_WIDE, or -1 for every flow) in strictly
 * increasing (pair, position) order; with the count checked by the
 * caller against the model, that is exactly decide_index()'s list.
 */
static int
dec_flows(struct pc_r *r, const struct policy *p, const uint8_t *cls,
    const struct flow **v, size_t n, int c)
{
	size_t k;
	uint32_t pos, prev = 0;
	int pc;

	for (k = 0; k < n; k++) {
		pos = pcr_u32(r);
		if (r->err || pos >= p->nflows)
			return -1;
		v[k] = &p->flows[pos];
		if (c != -1 && cls[pos] != c)
			return -1;
		if (k > 0 && ((pc = pair_cmp(v[k - 1], v[k])) > 0 ||
		    (pc == 0 && prev >= pos)))
			return -1;
		prev = pos;
	}
	return 0;
}

struct epos {
	uint32_t	 f, i, j;
};

/* decide_index()'s total order of entries: pair, key, key2, then positions. */
static int
ent_cmp(const struct didx_ent *x, const struct epos *px,
    const struct didx_ent *y, const struct epos *py)
{
	int c;

	if ((c = pair_cmp(x->f, y->f)) != 0 ||
	    (c = addr_cmp(&x->key, &y->key)) != 0 ||
	    (c = addr_cmp(&x->key2, &y->key2)) != 0)
		return c;
	if (px->f != py->f)
		return px->f < py->f ? -1 : 1;
	if (px->i != py->i)
		return px->i < py->i ? -1 : 1;
	return px->j < py->j ? -1 : px->j > py->j;
}

static int
dec_ents(struct pc_r *r, const struct policy *p, const uint8_t *cls,
    struct didx_ent *v, size_t n, enum di_class c)
{
	const struct endpoint *k1, *k2;
	struct epos cur, prev = { 0, 0, 0 };
	size_t k;

	for (k = 0; k < n; k++) {
		cur.f = pcr_u32(r);
		cur.i = pcr_u32(r);
		cur.j = pcr_u32(r);
		if (r->err || cur.f >= p->nflows)
			return -1;
		v[k].f = &p->flows[cur.f];
		if (cls[cur.f] != c)
			return -1;
		class_keys(v[k].f, c, &k1, &k2);
		if (cur.i >= ep_n(k1) || (k2 == NULL && cur.j != 0) ||
		    (k2 != NULL && cur.j >= ep_n(k2)))
			return -1;
		memset(&v[k].key, 0, sizeof(v[k].key));
		memset(&v[k].key2, 0, sizeof(v[k].key2));
		v[k].key = *ep_at(k1, cur.i);
		if (k2 != NULL)
			v[k].key2 = *ep_at(k2, cur.j);
		if (k > 0 && ent_cmp(&v[k - 1], &prev, &v[k], &cur) >= 0)
			return -1;
		prev = cur;
	}
	return 0;
}

/* Saturating: a hostile model's products must not wrap to a small count. */
static void
sat_add(size_t *a, size_t b)
{
	if (__builtin_add_overflow(*a, b, a))
		*a = SIZE_MAX;
}

/* What index_fill() counts: flows per list, entries per list; each flow's class. */
static void
model_totals(const struct policy *p, size_t n[5], uint8_t *cls)
{
	const struct flow *f;
	size_t i, m;

	memset(n, 0, 5 * sizeof(n[0]));
	for (i = 0; i < p->nflows; i++) {
		f = &p->flows[i];
		n[0]++;
		cls[i] = (uint8_t)flow_class(f);
		switch ((enum di_class)cls[i]) {
		case DC_BOTH:
			if (__builtin_mul_overflow(ep_n(&f->to), ep_n(&f->from),
			    &m))
				m = SIZE_MAX;
			sat_add(&n[2], m);
			break;
		case DC_DST:
			sat_add(&n[3], ep_n(&f->to));
			break;
		case DC_SRC:
			sat_add(&n[4], ep_n(&f->from));
			break;
		case DC_WIDE:
			n[1]++;
			break;
		}
	}
}

static bool
same_pair(const struct flow *f, const struct didx_pair *pr)
{
	return f->from.zone->index == pr->from && f->to.zone->index == pr->to;
}

/* Cut the sorted lists into zone pairs: decide_index.c index_slice(). */
static void
slice(struct decide_index *di, const size_t n[5])
{
	struct didx_pair *pr;
	size_t a = 0, w = 0, b = 0, d = 0, s = 0;
	const struct flow *f;

	while (a < n[0]) {
		pr = &di->pairs[di->npairs++];
		memset(pr, 0, sizeof(*pr));
		pr->from = di->all[a]->from.zone->index;
		pr->to = di->all[a]->to.zone->index;
		pr->all = &di->all[a];
		for (; a < n[0] && same_pair(di->all[a], pr); a++) {
			f = di->all[a];
			pr->nall++;
			if (!f->has_expires)
				pr->npermanent++;
			else if (pr->nall == 1 || f->expires > pr->max_expires)
				pr->max_expires = f->expires;
		}
		pr->both = &di->both[b];
		for (; b < n[2] && same_pair(di->both[b].f, pr); b++)
			pr->nboth++;
		pr->dst = &di->dst[d];
		for (; d < n[3] && same_pair(di->dst[d].f, pr); d++)
			pr->ndst++;
		pr->src = &di->src[s];
		for (; s < n[4] && same_pair(di->src[s].f, pr); s++)
			pr->nsrc++;
		pr->wide = &di->wide[w];
		for (; w < n[1] && same_pair(di->wide[w], pr); w++)
			pr->nwide++;
	}
}

int
pc_didx_decode(struct pc_r *r, struct policy *p)
{
	struct decide_index *di;
	size_t want[5], n[5], k, npairs;
	uint8_t flag = pcr_u8(r), *cls;

	if (r->err || (flag != DI_REBUILD && flag != DI_STORED))
		return -1;
	if (flag == DI_REBUILD)
		return decide_index(p);
	/* The decoder gives every flow both zones; the lists need them. */
	if ((cls = malloc(p->nflows + 1)) == NULL)
		return -1;
	model_totals(p, want, cls);
	if ((di = calloc(1, sizeof(*di))) == NULL) {
		free(cls);
		return -1;
	}
	for (k = 0; k < 5; k++) {
		/* all, wide, both, dst, src: as the stream has them */
		n[k] = pcr_u32(r);
		if (r->err || n[k] != want[k] ||
		    n[k] > (r->len - r->off) / (k < 2 ? 4 : 12))
			goto bad;
		switch (k) {
		case 0:
			di->all = malloc((n[0] + 1) * sizeof(*di->all));
			if (di->all == NULL ||
			    dec_flows(r, p, cls, di->all, n[0], -1) == -1)
				goto bad;
			break;
		case 1:
			di->wide = malloc((n[1] + 1) * sizeof(*di->wide));
			if (di->wide == NULL ||
			    dec_flows(r, p, cls, di->wide, n[1], DC_WIDE) == -1)
				goto bad;
			break;
		case 2:
			di->both = malloc((n[2] + 1) * sizeof(*di->both));
			if (di->both == NULL ||
			    dec_ents(r, p, cls, di->both, n[2], DC_BOTH) == -1)
				goto bad;
			break;
		case 3:
			di->dst = malloc((n[3] + 1) * sizeof(*di->dst));
			if (di->dst == NULL ||
			    dec_ents(r, p, cls, di->dst, n[3], DC_DST) == -1)
				goto bad;
			break;
		case 4:
			di->src = malloc((n[4] + 1) * sizeof(*di->src));
			if (di->src == NULL ||
			    dec_ents(r, p, cls, di->src, n[4], DC_SRC) == -1)
				goto bad;
			break;
		}
	}
	/* One pair per run of `all` (sorted by pair), not one per flow. */
	for (npairs = 0, k = 0; k < n[0]; k++)
		if (k == 0 || pair_cmp(di->all[k - 1], di->all[k]) != 0)
			npairs++;
	if ((di->pairs = calloc(npairs + 1, sizeof(*di->pairs))) == NULL)
		goto bad;
	slice(di, n);
	free(cls);
	p->didx = di;
	return 0;
bad:
	r->err = true;
	free(cls);
	decide_index_free(di);
	return -1;
}
