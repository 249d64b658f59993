/* decide_index.c - flows grouped by zone pair and indexed by address, for decide(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "decide_index.h"

/*
 * Everything is sorted by (from zone, to zone, [address,] flow position),
 * so one pass over the sorted arrays cuts them into the pairs' slices and
 * each slice keeps policy order: the first matching flow stays the one
 * with the lowest position, as in the linear scan.
 */

static int
size_cmp(size_t x, size_t y)
{
	return x < y ? -1 : x > y;
}

static int
pair_cmp(const struct flow *a, const struct flow *b)
{
	int c;

	if ((c = size_cmp(a->from.zone->index, b->from.zone->index)) != 0)
		return c;
	return size_cmp(a->to.zone->index, b->to.zone->index);
}

/* Flows live in one array, so pointer order is policy order. */
static int
pos_cmp(const struct flow *a, const struct flow *b)
{
	return a < b ? -1 : a > b;
}

static int
flow_ptr_cmp(const void *x, const void *y)
{
	const struct flow *a = *(const struct flow * const *)x;
	const struct flow *b = *(const struct flow * const *)y;
	int c;

	return (c = pair_cmp(a, b)) != 0 ? c : pos_cmp(a, b);
}

static int
ent_key_cmp(const struct didx_ent *e, const struct addr *a,
    const struct addr *b)
{
	int c;

	if ((c = addr_cmp(&e->key, a)) != 0)
		return c;
	return addr_cmp(&e->key2, b);
}

static int
ent_cmp(const void *x, const void *y)
{
	const struct didx_ent *a = x, *b = y;
	int c;

	if ((c = pair_cmp(a->f, b->f)) != 0)
		return c;
	if ((c = ent_key_cmp(a, &b->key, &b->key2)) != 0)
		return c;
	return pos_cmp(a->f, b->f);
}

bool
didx_ep_pinned(const struct endpoint *ep)
{
	if (ep->kind == EP_HOST)
		return ep->host != NULL && ep->host->naddrs > 0;
	return ep->kind == EP_PREFIX && addr_is_host(&ep->prefix);
}

static size_t
ep_naddrs(const struct endpoint *ep)
{
	return ep->kind == EP_HOST ? ep->host->naddrs : 1;
}

static const struct addr *
ep_addr(const struct endpoint *ep, size_t i)
{
	return ep->kind == EP_HOST ? &ep->host->addrs[i] : &ep->prefix;
}

/*
 * Entries of f keyed by the addresses of k1 (and k2 if not NULL).  Pairs
 * of different families are kept: decide() does not refuse such a packet.
 */
static size_t
ent_fill(const struct flow *f, const struct endpoint *k1,
    const struct endpoint *k2, struct didx_ent *out)
{
	size_t i, j, n = 0;

	for (i = 0; i < ep_naddrs(k1); i++) {
		if (k2 == NULL) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].key = *ep_addr(k1, i);
			out[n++].f = f;
			continue;
		}
		for (j = 0; j < ep_naddrs(k2); j++) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].key = *ep_addr(k1, i);
			out[n].key2 = *ep_addr(k2, j);
			out[n++].f = f;
		}
	}
	return n;
}

static bool
same_pair(const struct flow *f, const struct didx_pair *pr)
{
	return f->from.zone->index == pr->from && f->to.zone->index == pr->to;
}

void
decide_index_free(struct decide_index *di)
{
	if (di == NULL)
		return;
	free(di->pairs);
	free(di->all);
	free(di->both);
	free(di->dst);
	free(di->src);
	free(di->wide);
	free(di);
}

struct counts {
	size_t	 all, both, dst, src, wide;
};

/* Cut the sorted arrays into the pairs' slices. */
static void
index_slice(struct decide_index *di, const struct counts *n)
{
	struct didx_pair *pr;
	struct counts i = { 0, 0, 0, 0, 0 };
	const struct flow *f;

	while (i.all < n->all) {
		pr = &di->pairs[di->npairs++];
		memset(pr, 0, sizeof(*pr));
		pr->from = di->all[i.all]->from.zone->index;
		pr->to = di->all[i.all]->to.zone->index;
		pr->all = &di->all[i.all];
		for (; i.all < n->all && same_pair(di->all[i.all], pr); i.all++) {
			f = di->all[i.all];
			pr->nall++;
			if (!f->has_expires)
				pr->npermanent++;
			else if (pr->nall == 1 || f->expires > pr->max_expires)
				pr->max_expires = f->expires;
		}
		pr->both = &di->both[i.both];
		for (; i.both < n->both && same_pair(di->both[i.both].f, pr);
		    i.both++)
			pr->nboth++;
		pr->dst = &di->dst[i.dst];
		for (; i.dst < n->dst && same_pair(di->dst[i.dst].f, pr); i.dst++)
			pr->ndst++;
		pr->src = &di->src[i.src];
		for (; i.src < n->src && same_pair(di->src[i.src].f, pr); i.src++)
			pr->nsrc++;
		pr->wide = &di->wide[i.wide];
		for (; i.wide < n->wide && same_pair(di->wide[i.wide], pr);
		    i.wide++)
			pr->nwide++;
	}
}

/* Count (out == NULL) or fill the lists. */
static void
index_fill(const struct policy *p, struct decide_index *di, struct counts *n)
{
	const struct flow *f;
	bool pto, pfrom;
	size_t i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < p->nflows; i++) {
		f = &p->flows[i];
		if (f->from.zone == NULL || f->to.zone == NULL)
			continue;	/* the loader never leaves this */
		pto = didx_ep_pinned(&f->to);
		pfrom = didx_ep_pinned(&f->from);
		if (di == NULL) {
			n->all++;
			if (pto && pfrom)
				n->both += ep_naddrs(&f->to) * ep_naddrs(&f->from);
			else if (pto)
				n->dst += ep_naddrs(&f->to);
			else if (pfrom)
				n->src += ep_naddrs(&f->from);
			else
				n->wide++;
			continue;
		}
		di->all[n->all++] = f;
		if (pto && pfrom)
			n->both += ent_fill(f, &f->to, &f->from, &di->both[n->both]);
		else if (pto)
			n->dst += ent_fill(f, &f->to, NULL, &di->dst[n->dst]);
		else if (pfrom)
			n->src += ent_fill(f, &f->from, NULL, &di->src[n->src]);
		else
			di->wide[n->wide++] = f;
	}
}

int
decide_index(struct policy *p)
{
	struct decide_index *di;
	struct counts n;

	if (p->didx != NULL)
		return 0;
	index_fill(p, NULL, &n);
	if ((di = calloc(1, sizeof(*di))) == NULL)
		return -1;
	di->pairs = calloc(n.all + 1, sizeof(*di->pairs));
	di->all = calloc(n.all + 1, sizeof(*di->all));
	di->both = calloc(n.both + 1, sizeof(*di->both));
	di->dst = calloc(n.dst + 1, sizeof(*di->dst));
	di->src = calloc(n.src + 1, sizeof(*di->src));
	di->wide = calloc(n.wide + 1, sizeof(*di->wide));
	if (di->pairs == NULL || di->all == NULL || di->both == NULL ||
	    di->dst == NULL || di->src == NULL || di->wide == NULL) {
		decide_index_free(di);
		return -1;
	}
	index_fill(p, di, &n);
	qsort(di->all, n.all, sizeof(*di->all), flow_ptr_cmp);
	qsort(di->wide, n.wide, sizeof(*di->wide), flow_ptr_cmp);
	qsort(di->both, n.both, sizeof(*di->both), ent_cmp);
	qsort(di->dst, n.dst, sizeof(*di->dst), ent_cmp);
	qsort(di->src, n.src, sizeof(*di->src), ent_cmp);
	index_slice(di, &n);
	p->didx = di;
	return 0;
}

const struct didx_pair *
didx_pair_find(const struct decide_index *di, size_t from, size_t to)
{
	size_t lo = 0, hi = di->npairs, mid;
	const struct didx_pair *pr;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		pr = &di->pairs[mid];
		if (pr->from == from && pr->to == to)
			return pr;
		if (pr->from < from || (pr->from == from && pr->to < to))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct didx_ent *
didx_ent_find(const struct didx_ent *v, size_t n, const struct addr *a,
    const struct addr *b, size_t *nfound)
{
	static const struct addr zero;
	size_t lo = 0, hi = n, mid, end;

	if (b == NULL)
		b = &zero;
	/* First entry with key >= (a, b), then the run of equal keys. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ent_key_cmp(&v[mid], a, b) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && ent_key_cmp(&v[end], a, b) == 0; end++)
		;
	*nfound = end - lo;
	return end > lo ? &v[lo] : NULL;
}
