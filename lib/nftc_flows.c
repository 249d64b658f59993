/* nftc_flows.c - flows as counter maps per zone pair (chains p_<from>_<to>) and the pair dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nftc_int.h"

/*
 * Map kinds of one flow direction A->B.  The original-direction maps live
 * in chain p_A_B, the reply maps (same keys: from . to . proto . port)
 * in chain p_B_A, where the answers enter.
 *
 * Each kind comes in two classes.  Elements whose every field is one value
 * (host addresses, one port) go to a map without `flags interval`: a hash,
 * where inserting is O(1).  Elements with a prefix or a port range go to a
 * twin map "<kind>iv_A_B" with `flags interval` (pipapo), whose insertion
 * cost grows with the set and which refuses overlaps, so only these few
 * are made disjoint.  The exact map's rule comes first: a packet matching
 * both classes is counted by the exact flow; the verdict is the same.
 */
enum mkind {
	K_O4M, K_O4, K_I4M, K_I4, K_O6M, K_O6, K_I6M, K_I6,
	K_R4, K_IR4, K_R6, K_IR6, K_N
};

static const char *const kprefix[K_N] = {
	"fo4m", "fo4", "fi4m", "fi4", "fo6m", "fo6", "fi6m", "fi6",
	"fr4", "fir4", "fr6", "fir6",
};

struct kdesc {
	enum nir_type	 t[5];
	enum nir_field	 f[5];
	int		 n;
	bool		 reply;
	uint8_t		 l4;		/* explicit meta l4proto match, 0: none */
};

static const struct kdesc kd[K_N] = {
	[K_O4M] = { { NT_ETHER, NT_IPV4, NT_IPV4, NT_PROTO, NT_SERVICE },
	    { NF_ETHER_SADDR, NF_IP_SADDR, NF_IP_DADDR, NF_L4PROTO, NF_TH_DPORT },
	    5, false, 0 },
	[K_O4] = { { NT_IPV4, NT_IPV4, NT_PROTO, NT_SERVICE },
	    { NF_IP_SADDR, NF_IP_DADDR, NF_L4PROTO, NF_TH_DPORT }, 4, false, 0 },
	[K_I4M] = { { NT_ETHER, NT_IPV4, NT_IPV4 },
	    { NF_ETHER_SADDR, NF_IP_SADDR, NF_IP_DADDR }, 3, false, 1 },
	[K_I4] = { { NT_IPV4, NT_IPV4 }, { NF_IP_SADDR, NF_IP_DADDR }, 2,
	    false, 1 },
	[K_O6M] = { { NT_ETHER, NT_IPV6, NT_IPV6, NT_PROTO, NT_SERVICE },
	    { NF_ETHER_SADDR, NF_IP6_SADDR, NF_IP6_DADDR, NF_L4PROTO,
	    NF_TH_DPORT }, 5, false, 0 },
	[K_O6] = { { NT_IPV6, NT_IPV6, NT_PROTO, NT_SERVICE },
	    { NF_IP6_SADDR, NF_IP6_DADDR, NF_L4PROTO, NF_TH_DPORT }, 4,
	    false, 0 },
	[K_I6M] = { { NT_ETHER, NT_IPV6, NT_IPV6 },
	    { NF_ETHER_SADDR, NF_IP6_SADDR, NF_IP6_DADDR }, 3, false, 58 },
	[K_I6] = { { NT_IPV6, NT_IPV6 }, { NF_IP6_SADDR, NF_IP6_DADDR }, 2,
	    false, 58 },
	[K_R4] = { { NT_IPV4, NT_IPV4, NT_PROTO, NT_SERVICE },
	    { NF_IP_DADDR, NF_IP_SADDR, NF_L4PROTO, NF_TH_SPORT }, 4, true, 0 },
	[K_IR4] = { { NT_IPV4, NT_IPV4 }, { NF_IP_DADDR, NF_IP_SADDR }, 2,
	    true, 1 },
	[K_R6] = { { NT_IPV6, NT_IPV6, NT_PROTO, NT_SERVICE },
	    { NF_IP6_DADDR, NF_IP6_SADDR, NF_L4PROTO, NF_TH_SPORT }, 4, true,
	    0 },
	[K_IR6] = { { NT_IPV6, NT_IPV6 }, { NF_IP6_DADDR, NF_IP6_SADDR }, 2,
	    true, 58 },
};

#define SLOT(c, A, B, k, iv)	((((A) * (c)->nz + (B)) * K_N + (k)) * 2 + (iv))

struct fctx {
	struct nft_ir	*ir;
	const struct policy *p;
	size_t		 nz;
	size_t		*set;		/* [SLOT(A, B, k, iv)], -1: none */
	const size_t	*counter_of;
	time_t		 now;
};

static bool
addr_single(const struct addr *a)
{
	return a->plen == (a->family == AF_INET ? 32 : 128);
}

static void
put(struct fctx *c, const struct flow *f, enum mkind k, bool pinned,
    const struct addr *s, const struct addr *d, const struct portrange *pr)
{
	size_t A = (size_t)(f->from.zone - c->p->zones);
	size_t B = (size_t)(f->to.zone - c->p->zones), si;
	bool iv = !addr_single(s) || !addr_single(d) ||
	    (pr != NULL && pr->lo != pr->hi);
	size_t *slot = &c->set[SLOT(c, A, B, k, iv)];
	const struct nir_set *set;
	struct nir_elem *e;
	int i = 0;

	if (*slot == (size_t)-1) {
		*slot = (size_t)-2;	/* first pass: mark as needed */
		return;
	}
	if (*slot == (size_t)-2)
		return;
	si = *slot;
	if ((e = nir_elem_add(c->ir, si)) == NULL)
		return;
	set = &c->ir->sets[si];
	if (pinned && !kd[k].reply)
		nftc_key_mac(set, e, i++, &f->from.host->mac);
	nftc_key_addr(set, e, i++, s);
	nftc_key_addr(set, e, i++, d);
	if (pr != NULL) {
		nftc_key_u8(set, e, i++, (uint8_t)f->proto);
		nftc_key_port(set, e, i++, pr->lo, pr->hi);
	}
	e->ref = c->counter_of[f - c->p->flows];
	e->prio = (uint32_t)(f - c->p->flows);
	if (f->has_expires)
		e->timeout_ms = (uint64_t)(f->expires - c->now) * 1000;
}

static void
expand(struct fctx *c, const struct flow *f)
{
	const struct addr *src, *dst;
	size_t ns, nd, i, j, k;
	bool pinned, v4;

	if (!nftc_flow_live(f, c->now) || f->from.zone == f->to.zone)
		return;
	pinned = f->from.kind == EP_HOST && f->from.host->has_mac &&
	    f->from.zone->attached;
	ns = nftc_ep_addrs(&f->from, &src);
	nd = nftc_ep_addrs(&f->to, &dst);
	for (i = 0; i < ns; i++) {
		v4 = src[i].family == AF_INET;
		for (j = 0; j < nd; j++) {
			if (dst[j].family != src[i].family)
				continue;
			if (f->proto == PROTO_TCP || f->proto == PROTO_UDP) {
				for (k = 0; k < f->nports; k++) {
					put(c, f, v4 ? (pinned ? K_O4M : K_O4) :
					    (pinned ? K_O6M : K_O6), pinned,
					    &src[i], &dst[j], &f->ports[k]);
					put(c, f, v4 ? K_R4 : K_R6, pinned,
					    &src[i], &dst[j], &f->ports[k]);
				}
			} else if ((f->proto == PROTO_ICMP && v4) ||
			    (f->proto == PROTO_ICMPV6 && !v4)) {
				put(c, f, v4 ? (pinned ? K_I4M : K_I4) :
				    (pinned ? K_I6M : K_I6), pinned,
				    &src[i], &dst[j], NULL);
				put(c, f, v4 ? K_IR4 : K_IR6, pinned,
				    &src[i], &dst[j], NULL);
			}
		}
	}
}

static void
map_rule(struct nft_ir *ir, size_t chain, size_t set, enum mkind k)
{
	struct nir_rule *r;

	if ((r = nir_rule_add(ir, chain)) == NULL)
		return;
	nir_match_cmp(r, NM_CT_DIRECTION, kd[k].reply ? 1 : 0);
	if (kd[k].l4 != 0)
		nir_match_cmp(r, NM_L4PROTO, kd[k].l4);
	r->stmt = NS_COUNTER_MAP;
	r->set = set;
	memcpy(r->f, kd[k].f, sizeof(r->f));
	r->nf = kd[k].n;
	r->verdict = NV_ACCEPT;
}

/*
 * The destination must belong to the pair's destination zone, as decide()
 * finds it by address: the pair dispatch goes by output interface, which
 * only agrees while the routes do (a /0 zone's flows would otherwise
 * reach a misrouted address of another zone).  The same sets as the
 * zone's source checks (nftc_zones), tested on the destination.
 */
static void
dst_rules(struct nft_ir *ir, const struct zone *z, size_t chain, int family)
{
	enum nir_field f = family == AF_INET ? NF_IP_DADDR : NF_IP6_DADDR;
	const char *v = family == AF_INET ? "4" : "6";
	char name[96];
	struct nir_rule *r;
	size_t s = (size_t)-1, i;
	bool any = false, all = false;

	for (i = 0; i < z->nnets; i++)
		if (z->nets[i].family == family) {
			any = true;
			if (z->nets[i].plen == 0)
				all = true;
		}
	snprintf(name, sizeof(name), "%s%s_%s", all ? "others" : "net", v,
	    z->name);
	if (any && (s = nir_set_find(ir, name)) == (size_t)-1)
		return;		/* a /0 zone alone: nothing to exclude */
	if ((r = nir_rule_add(ir, chain)) == NULL)
		return;
	if (!any)
		nir_match_cmp(r, NM_NFPROTO, family == AF_INET ? 2 : 10);
	else
		nir_match_lookup(r, !all, s, &f, 1);
	r->verdict = NV_DROP;
}

/* Create chain p_X_Y, its maps and rules, if anything goes there. */
static size_t
pair_chain(struct fctx *c, size_t X, size_t Y, size_t *icmp_protos)
{
	static const enum nir_type tp[] = { NT_PROTO };
	static const enum nir_field fl4[] = { NF_L4PROTO };
	const struct zone *zx = &c->p->zones[X], *zy = &c->p->zones[Y];
	size_t chain, *slot, k;
	const struct zone *za, *zb;
	char name[96];
	struct nir_rule *r;
	struct nir_elem *e;
	bool any = false;
	int iv;

	/* original direction X->Y and replies of flows Y->X */
#define PSLOT(k, iv)	(&c->set[(k) < K_R4 ? SLOT(c, X, Y, k, iv) : \
	    SLOT(c, Y, X, k, iv)])
	for (k = 0; k < K_N; k++)
		for (iv = 0; iv < 2; iv++)
			if (*PSLOT(k, iv) == (size_t)-2)
				any = true;
	if (!any)
		return (size_t)-1;
	snprintf(name, sizeof(name), "p_%s_%s", zx->name, zy->name);
	chain = nir_chain_add(c->ir, name, NH_NONE);
	if (zy->nifaces > 0) {	/* its in_ chain made the sets */
		dst_rules(c->ir, zy, chain, AF_INET);
		dst_rules(c->ir, zy, chain, AF_INET6);
	}
	/* every exact map's rule before any interval map's */
	for (iv = 0; iv < 2; iv++)
		for (k = 0; k < K_N; k++) {
			slot = PSLOT(k, iv);
			if (*slot != (size_t)-2)
				continue;
			za = k < K_R4 ? zx : zy;
			zb = k < K_R4 ? zy : zx;
			snprintf(name, sizeof(name), "%s%s_%s_%s", kprefix[k],
			    iv ? "iv" : "", za->name, zb->name);
			*slot = nir_set_add(c->ir, name, kd[k].t, kd[k].n,
			    iv != 0, ND_COUNTER);
			map_rule(c->ir, chain, *slot, k);
		}
#undef PSLOT
	if (*icmp_protos == (size_t)-1) {
		*icmp_protos = nir_set_add(c->ir, "icmp_protos", tp, 1, false,
		    ND_NONE);
		if ((e = nir_elem_add(c->ir, *icmp_protos)) != NULL)
			e->lo[0] = e->hi[0] = PROTO_ICMP;
		if ((e = nir_elem_add(c->ir, *icmp_protos)) != NULL)
			e->lo[0] = e->hi[0] = PROTO_ICMPV6;
	}
	/* ICMP errors about connections the maps let through */
	r = nir_rule_add(c->ir, chain);
	nir_match_cmp(r, NM_CT_STATE, 0x04);
	nir_match_lookup(r, false, *icmp_protos, fl4, 1);
	if (r != NULL)
		r->verdict = NV_ACCEPT;
	return chain;
}

static void
pair_elems(struct nft_ir *ir, size_t set, const struct zone *a,
    const struct zone *b, int verdict, size_t chain)
{
	struct nir_elem *e;
	size_t i, j;

	for (i = 0; i < a->nifaces; i++)
		for (j = 0; j < b->nifaces; j++) {
			if ((e = nir_elem_add(ir, set)) == NULL)
				return;
			nftc_key_ifname(&ir->sets[set], e, 0, a->ifaces[i]);
			nftc_key_ifname(&ir->sets[set], e, 1, b->ifaces[j]);
			e->verdict = verdict;
			e->ref = chain;
		}
}

void
nftc_flows(struct nft_ir *ir, const struct policy *p,
    const struct nftc_opts *o, const size_t *counter_of)
{
	static const enum nir_type tpair[] = { NT_IFNAME, NT_IFNAME };
	struct fctx c;
	size_t *chains = NULL, nz = p->nzones, i, X, Y, pairs = (size_t)-1;
	size_t icmp_protos = (size_t)-1;
	bool ifaces = false;

	memset(&c, 0, sizeof(c));
	c.ir = ir;
	c.p = p;
	c.nz = nz;
	c.counter_of = counter_of;
	c.now = o->now;
	if ((c.set = malloc((nz * nz * K_N * 2 + 1) * sizeof(size_t))) == NULL ||
	    (chains = malloc((nz * nz + 1) * sizeof(size_t))) == NULL) {
		ir->oom = true;
		goto out;
	}
	for (i = 0; i < nz * nz * K_N * 2; i++)
		c.set[i] = (size_t)-1;
	for (i = 0; i < p->nflows; i++)		/* which maps have elements */
		expand(&c, &p->flows[i]);
	for (X = 0; X < nz; X++)
		for (Y = 0; Y < nz; Y++)
			chains[X * nz + Y] = X == Y ? (size_t)-1 :
			    pair_chain(&c, X, Y, &icmp_protos);
	for (i = 0; i < p->nflows && !ir->oom; i++)
		expand(&c, &p->flows[i]);
	for (X = 0; X < nz; X++)
		if (p->zones[X].nifaces > 0)
			ifaces = true;
	if (!ifaces)
		goto out;
	pairs = nir_set_add(ir, "pairs", tpair, 2, false, ND_VERDICT);
	for (X = 0; X < nz; X++)
		for (Y = 0; Y < nz; Y++) {
			if (X == Y)
				pair_elems(ir, pairs, &p->zones[X],
				    &p->zones[Y], NV_ACCEPT, 0);
			else if (chains[X * nz + Y] != (size_t)-1)
				pair_elems(ir, pairs, &p->zones[X],
				    &p->zones[Y], NV_JUMP, chains[X * nz + Y]);
		}
out:
	free(c.set);
	free(chains);
}
