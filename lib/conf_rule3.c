/* conf_rule3.c - separation rule 3 (no two-hop path My Number -> peer -> Internet) and the address index. */
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_rules_int.h"

/*
 * Rule 3 pairs every peer of a My Number flow with every flow to the
 * Internet from the peer's zone.  Done pair by pair that is quadratic
 * (20,000 My Number flows x 60,000 Internet flows is over a second), so
 * the peers are indexed once and each Internet flow asks the index for
 * the first My Number flow whose peer it reaches:
 *  - a whole zone as peer, or a whole zone as Internet endpoint: per zone;
 *  - a host as peer (by name or by one of its addresses): per host, and
 *    its addresses sorted, so a network finds the hosts inside it by two
 *    binary searches and a range minimum;
 *  - an address or network no host holds: sorted the same way, and by
 *    length too, so the networks enclosing an endpoint are found by
 *    masking it to each length in use.
 */

#define NONE	SIZE_MAX

static size_t
abytes(const struct addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static int
bytes_cmp(const struct addr *x, const struct addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, abytes(x));
}

/* --- address -> host ---------------------------------------------------- */

static int
addrent_cmp(const void *a, const void *b)
{
	const struct rules_addrent *x = a, *y = b;
	int		 c;

	if ((c = addr_cmp(&x->addr, &y->addr)) != 0)
		return c;
	return x->host->zone->index < y->host->zone->index ? -1 :
	    x->host->zone->index > y->host->zone->index;
}

int
rules_addrix_build(const struct policy *p, struct rules_addrix *ix)
{
	size_t	 i, j, k, n = 0;

	ix->v = NULL;
	ix->n = 0;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++)
			n += p->zones[i].hosts[j].naddrs;
	if (n == 0)
		return 0;
	if ((ix->v = calloc(n, sizeof(*ix->v))) == NULL)
		return -1;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++) {
			const struct host *h = &p->zones[i].hosts[j];

			for (k = 0; k < h->naddrs; k++)
				ix->v[ix->n++] = (struct rules_addrent){
				    h->addrs[k], h };
		}
	qsort(ix->v, ix->n, sizeof(*ix->v), addrent_cmp);
	return 0;
}

const struct host *
rules_addrix_find(const struct rules_addrix *ix, const struct zone *z,
    const struct addr *a)
{
	size_t	 lo = 0, hi = ix->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr_cmp(&ix->v[mid].addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && addr_eq(&ix->v[lo].addr, a); lo++)
		if (ix->v[lo].host->zone == z)
			return ix->v[lo].host;
	return NULL;
}

void
rules_addrix_free(struct rules_addrix *ix)
{
	free(ix->v);
	ix->v = NULL;
	ix->n = 0;
}

/* --- the peers of My Number flows ---------------------------------------- */

/* An address of a host peer, or an unregistered address or network. */
struct pent {
	struct addr	 a;
	size_t		 zone;
	size_t		 mf;		/* first My Number flow to it */
};

struct peers {
	size_t		*zpeer;		/* per zone: the whole zone is a peer */
	size_t		*zany;		/* per zone: any peer at all */
	size_t		*hoff;		/* per zone: first slot in hpeer */
	size_t		*hpeer;		/* per host */
	struct pent	*pts;		/* by (zone, start address) */
	size_t		 npts;
	size_t		*rmq;		/* sparse table over pts[].mf */
	size_t		 nlev;
	struct pent	*nets;		/* unregistered, by (zone, len, addr) */
	size_t		 nnets;
	bool		 lens[2][129];	/* lengths in nets, v4 and v6 */
};

static size_t
minz(size_t a, size_t b)
{
	return a < b ? a : b;
}

static int
pent_start_cmp(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;
	int		 c;

	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	if ((c = bytes_cmp(&x->a, &y->a)) != 0)
		return c;
	return x->a.plen < y->a.plen ? -1 : x->a.plen > y->a.plen;
}

static int
pent_len_cmp(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;

	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	if (x->a.family != y->a.family)
		return x->a.family < y->a.family ? -1 : 1;
	if (x->a.plen != y->a.plen)
		return x->a.plen < y->a.plen ? -1 : 1;
	return memcmp(x->a.a, y->a.a, abytes(&x->a));
}

static bool
is_kind(const struct endpoint *e, enum zone_kind k)
{
	return e->zone != NULL && e->zone->kind == k;
}

/* The peer side of a flow with exactly one My Number endpoint, or NULL. */
static const struct endpoint *
mn_peer(const struct flow *f)
{
	if (is_kind(&f->from, ZK_MYNUMBER) == is_kind(&f->to, ZK_MYNUMBER))
		return NULL;
	return is_kind(&f->from, ZK_MYNUMBER) ? &f->to : &f->from;
}

static const struct host *
peer_host(const struct endpoint *pe, const struct rules_addrix *ax)
{
	if (pe->kind == EP_HOST)
		return pe->host;
	if (pe->kind == EP_PREFIX && addr_is_host(&pe->prefix))
		return rules_addrix_find(ax, pe->zone, &pe->prefix);
	return NULL;
}

static size_t
host_slot(const struct peers *pp, const struct host *h)
{
	return pp->hoff[h->zone->index] + (size_t)(h - h->zone->hosts);
}

static void
peers_free(struct peers *pp)
{
	free(pp->zpeer);
	free(pp->zany);
	free(pp->hoff);
	free(pp->hpeer);
	free(pp->pts);
	free(pp->rmq);
	free(pp->nets);
}

static int
peers_rmq(struct peers *pp)
{
	size_t	 lev, i, n = pp->npts, w;

	for (pp->nlev = 1; ((size_t)1 << pp->nlev) <= n; pp->nlev++)
		;
	if ((pp->rmq = calloc(pp->nlev * (n + 1), sizeof(*pp->rmq))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		pp->rmq[i] = pp->pts[i].mf;
	for (lev = 1; lev < pp->nlev; lev++) {
		w = (size_t)1 << (lev - 1);
		for (i = 0; i + 2 * w <= n; i++)
			pp->rmq[lev * n + i] = minz(pp->rmq[(lev - 1) * n + i],
			    pp->rmq[(lev - 1) * n + i + w]);
	}
	return 0;
}

/* The first My Number flow over pts[lo, hi). */
static size_t
peers_range_min(const struct peers *pp, size_t lo, size_t hi)
{
	size_t	 lev = 0, n = pp->npts;

	if (lo >= hi)
		return NONE;
	while (((size_t)2 << lev) <= hi - lo)
		lev++;
	return minz(pp->rmq[lev * n + lo],
	    pp->rmq[lev * n + hi - ((size_t)1 << lev)]);
}

static int
peers_build(const struct policy *p, const bool *skip,
    const struct rules_addrix *ax, struct peers *pp)
{
	const struct endpoint *pe;
	const struct host *h;
	size_t		 i, k, nh = 0, npts = 0, nnets = 0;

	memset(pp, 0, sizeof(*pp));
	pp->zpeer = malloc((p->nzones + 1) * sizeof(size_t));
	pp->zany = malloc((p->nzones + 1) * sizeof(size_t));
	pp->hoff = calloc(p->nzones + 1, sizeof(size_t));
	if (pp->zpeer == NULL || pp->zany == NULL || pp->hoff == NULL)
		return -1;
	for (i = 0; i < p->nzones; i++) {
		pp->zpeer[i] = pp->zany[i] = NONE;
		pp->hoff[i] = nh;
		nh += p->zones[i].nhosts;
	}
	if ((pp->hpeer = malloc((nh + 1) * sizeof(size_t))) == NULL)
		return -1;
	for (i = 0; i < nh; i++)
		pp->hpeer[i] = NONE;

	/* Flows are walked in order: the first one to a peer is kept. */
	for (i = 0; i < p->nflows; i++) {
		if (skip[i] || (pe = mn_peer(&p->flows[i])) == NULL)
			continue;
		k = pe->zone->index;
		pp->zany[k] = minz(pp->zany[k], i);
		if (pe->kind == EP_ZONE)
			pp->zpeer[k] = minz(pp->zpeer[k], i);
		else if ((h = peer_host(pe, ax)) != NULL) {
			if (pp->hpeer[host_slot(pp, h)] == NONE)
				npts += h->naddrs;
			pp->hpeer[host_slot(pp, h)] =
			    minz(pp->hpeer[host_slot(pp, h)], i);
		} else
			nnets++;
	}
	pp->pts = calloc(npts + nnets + 1, sizeof(*pp->pts));
	pp->nets = calloc(nnets + 1, sizeof(*pp->nets));
	if (pp->pts == NULL || pp->nets == NULL)
		return -1;
	for (i = 0; i < p->nzones; i++)
		for (k = 0; k < p->zones[i].nhosts; k++) {
			size_t	 j, mf = pp->hpeer[pp->hoff[i] + k];

			h = &p->zones[i].hosts[k];
			for (j = 0; mf != NONE && j < h->naddrs; j++)
				pp->pts[pp->npts++] = (struct pent){
				    h->addrs[j], i, mf };
		}
	for (i = 0; i < p->nflows; i++) {
		if (skip[i] || (pe = mn_peer(&p->flows[i])) == NULL ||
		    pe->kind != EP_PREFIX || peer_host(pe, ax) != NULL)
			continue;
		pp->nets[pp->nnets++] = pp->pts[pp->npts++] =
		    (struct pent){ pe->prefix, pe->zone->index, i };
		pp->lens[pe->prefix.family == AF_INET ? 0 : 1]
		    [pe->prefix.plen <= 128 ? pe->prefix.plen : 128] = true;
	}
	qsort(pp->pts, pp->npts, sizeof(*pp->pts), pent_start_cmp);
	qsort(pp->nets, pp->nnets, sizeof(*pp->nets), pent_len_cmp);
	return peers_rmq(pp);
}

/* First index in pts at or after (zone, a) by start address. */
static size_t
pts_lower(const struct peers *pp, size_t zone, const struct addr *a)
{
	size_t	 lo = 0, hi = pp->npts, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pp->pts[mid].zone < zone || (pp->pts[mid].zone == zone &&
		    bytes_cmp(&pp->pts[mid].a, a) < 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* First index in pts after (zone, a) by start address. */
static size_t
pts_upper(const struct peers *pp, size_t zone, const struct addr *a)
{
	size_t	 lo = 0, hi = pp->npts, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pp->pts[mid].zone < zone || (pp->pts[mid].zone == zone &&
		    bytes_cmp(&pp->pts[mid].a, a) <= 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Peers starting inside the prefix: host addresses in it, networks in it. */
static size_t
peers_inside(const struct peers *pp, size_t zone, const struct addr *pfx)
{
	struct addr	 last = *pfx;
	size_t		 i, nb = abytes(pfx);

	for (i = 0; i < nb; i++) {
		int	 keep = (int)pfx->plen - (int)i * 8;
		uint8_t	 m = keep >= 8 ? 0xff : keep <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - keep));

		last.a[i] |= (uint8_t)~m;
	}
	return peers_range_min(pp, pts_lower(pp, zone, pfx),
	    pts_upper(pp, zone, &last));
}

/* Unregistered peer networks that hold all of pfx. */
static size_t
peers_around(const struct peers *pp, size_t zone, const struct addr *pfx)
{
	struct pent	 key;
	size_t		 best = NONE, lo, hi, mid;
	int		 len, fam = pfx->family == AF_INET ? 0 : 1;

	for (len = 0; len <= pfx->plen && len <= 128; len++) {
		if (!pp->lens[fam][len])
			continue;
		key.a = *pfx;
		key.a.plen = (uint8_t)len;
		prefix_mask(&key.a);
		key.zone = zone;
		for (lo = 0, hi = pp->nnets; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (pent_len_cmp(&pp->nets[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < pp->nnets && pent_len_cmp(&pp->nets[lo], &key) == 0;
		    lo++)
			best = minz(best, pp->nets[lo].mf);
	}
	return best;
}

/* The first My Number flow whose peer the endpoint e reaches. */
static size_t
peers_reached(const struct peers *pp, const struct endpoint *e)
{
	const struct host *h;
	size_t		 z = e->zone->index, best = pp->zpeer[z], i;

	if (e->kind == EP_ZONE)
		return pp->zany[z];
	h = e->kind == EP_HOST ? e->host : NULL;
	if (h != NULL) {
		best = minz(best, pp->hpeer[host_slot(pp, h)]);
		for (i = 0; i < h->naddrs; i++)
			best = minz(best, peers_around(pp, z, &h->addrs[i]));
		return best;
	}
	if (e->kind != EP_PREFIX)
		return best;
	best = minz(best, peers_inside(pp, z, &e->prefix));
	return minz(best, peers_around(pp, z, &e->prefix));
}

static const struct endpoint *
inet_other(const struct flow *f)
{
	if (is_kind(&f->from, ZK_INTERNET) && !is_kind(&f->to, ZK_INTERNET))
		return &f->to;
	if (is_kind(&f->to, ZK_INTERNET) && !is_kind(&f->from, ZK_INTERNET))
		return &f->from;
	return NULL;
}

static void
rule3_report(const struct flow *f, const struct endpoint *e,
    const struct flow *mf, struct diags *d)
{
	const struct endpoint *in = e == &f->from ? &f->to : &f->from;
	const struct srcloc *l = e == &f->from ? &f->from_loc : &f->to_loc;
	char		 a[RULES_PATHLEN], b[RULES_PATHLEN], c[RULES_PATHLEN];
	char		 m[RULES_PATHLEN];

	rules_diag(d, DIAG_ERROR, l, &f->loc,
	    "%s: flow between \"%s\" and internet zone \"%s\" reaches "
	    "\"%s\", the peer of mynumber flow %s at line %d; a peer "
	    "of My Number must not have any flow with the Internet "
	    "(no two-hop path), remove one of the two flows",
	    rules_flow_path(f, a, sizeof(a)),
	    rules_ep_str(e, b, sizeof(b)), rules_zname(in->zone),
	    rules_ep_str(mn_peer(mf), c, sizeof(c)),
	    rules_flow_path(mf, m, sizeof(m)), mf->loc.line);
}

void
rules_rule3(const struct policy *p, const bool *skip,
    const struct rules_addrix *ax, struct diags *d)
{
	struct peers	 pp;
	const struct endpoint *e;
	size_t		 i, mf;

	if (p->nflows == 0)
		return;
	if (peers_build(p, skip, ax, &pp) == -1) {
		rules_nomem(p, d);
		goto out;
	}
	for (i = 0; i < p->nflows; i++) {
		/* Skipped ones have no zone, one zone, or are rule 1's. */
		if (skip[i] || (e = inet_other(&p->flows[i])) == NULL)
			continue;
		if ((mf = peers_reached(&pp, e)) != NONE)
			rule3_report(&p->flows[i], e, &p->flows[mf], d);
	}
out:
	peers_free(&pp);
}
