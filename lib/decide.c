/* decide.c - the decision function: may this packet cross the gateway, and why. */
#include <string.h>

#include "decide.h"
#include "decide_index.h"

/*
 * What the flows of one zone pair say about a packet.  Each flow that
 * could match is weighed once (eval_flow); the verdict is the allowing
 * flow with the lowest position, else the most specific miss.
 */
struct match {
	const struct pkt_meta *m;	/* src and dst normalised */
	bool		 mac_pinned;	/* compare host MACs of EP_HOST sources */
	time_t		 now;
	const struct flow *allow;
	const struct flow *port;	/* endpoints and proto fit, port not */
	const struct flow *proto;	/* endpoints fit, proto not */
	const struct flow *expired;	/* would allow, but expired */
	const struct flow *near;	/* live, one endpoint fits */
	const struct flow *any;		/* some live flow of the pair */
};

static bool
host_has_addr(const struct host *h, const struct addr *a)
{
	size_t i;

	for (i = 0; i < h->naddrs; i++)
		if (addr_eq(&h->addrs[i], a))
			return true;
	return false;
}

/*
 * The zone of the endpoint is already known to be the packet's (flows
 * are grouped by zone pair), so EP_ZONE covers everything.
 */
static bool
ep_match(const struct endpoint *ep, const struct addr *a)
{
	switch (ep->kind) {
	case EP_ZONE:
		return true;
	case EP_HOST:
		return ep->host != NULL && host_has_addr(ep->host, a);
	case EP_PREFIX:
		return prefix_contains(&ep->prefix, a);
	}
	return false;
}

/* A host source is pinned by MAC as well as address, where MACs are seen. */
static bool
ep_match_src(const struct match *mt, const struct endpoint *ep)
{
	if (!ep_match(ep, &mt->m->src))
		return false;
	if (ep->kind == EP_HOST && mt->mac_pinned && ep->host->has_mac)
		return mac_eq(&ep->host->mac, &mt->m->mac);
	return true;
}

static bool
flow_live(const struct flow *f, time_t now)
{
	return !f->has_expires || f->expires > now;
}

static bool
flow_has_ports(const struct flow *f)
{
	return f->proto == PROTO_TCP || f->proto == PROTO_UDP;
}

/* Keep the flow with the lowest position (flows live in one array). */
static void
keep_first(const struct flow **slot, const struct flow *f)
{
	if (*slot == NULL || f < *slot)
		*slot = f;
}

static void
eval_flow(struct match *mt, const struct flow *f)
{
	const struct pkt_meta *m = mt->m;
	bool live = flow_live(f, mt->now);
	bool from_ok, to_ok;

	from_ok = ep_match_src(mt, &f->from);
	to_ok = ep_match(&f->to, &m->dst);
	if (!from_ok || !to_ok) {
		if (live && (from_ok || to_ok))
			keep_first(&mt->near, f);
		return;
	}
	if (f->proto != m->proto) {
		if (live)
			keep_first(&mt->proto, f);
		return;
	}
	if (flow_has_ports(f) &&
	    !portrange_contains(f->ports, f->nports, m->dport)) {
		if (live)
			keep_first(&mt->port, f);
		return;
	}
	if (live)
		keep_first(&mt->allow, f);
	else
		keep_first(&mt->expired, f);
}

static void
eval_ents(struct match *mt, const struct didx_ent *e, size_t n)
{
	size_t i;

	for (i = 0; e != NULL && i < n; i++)
		eval_flow(mt, e[i].f);
}

/* The candidates of the index: O(log n) plus the flows that can match. */
static void
match_indexed(struct match *mt, const struct didx_pair *pr)
{
	const struct didx_ent *e;
	size_t i, n;

	e = didx_ent_find(pr->both, pr->nboth, &mt->m->dst, &mt->m->src, &n);
	eval_ents(mt, e, n);
	e = didx_ent_find(pr->dst, pr->ndst, &mt->m->dst, NULL, &n);
	eval_ents(mt, e, n);
	e = didx_ent_find(pr->src, pr->nsrc, &mt->m->src, NULL, &n);
	eval_ents(mt, e, n);
	for (i = 0; i < pr->nwide; i++)
		eval_flow(mt, pr->wide[i]);
	if (mt->allow != NULL || mt->near != NULL)
		return;
	/* Only to name one in "wrong host": the first live flow of the pair. */
	if (pr->npermanent > 0 || pr->max_expires > mt->now)
		for (i = 0; i < pr->nall && mt->any == NULL; i++)
			if (flow_live(pr->all[i], mt->now))
				mt->any = pr->all[i];
}

/*
 * Would the index have offered f?  Only those flows are weighed, so the
 * scan names the same nearest flow in "wrong host" as the index does;
 * every flow that matches both endpoints is among them.
 */
static bool
scan_candidate(const struct match *mt, const struct flow *f)
{
	bool pto = didx_ep_pinned(&f->to), pfrom = didx_ep_pinned(&f->from);

	if (pto && !ep_match(&f->to, &mt->m->dst))
		return false;
	if (pfrom && !pto && !ep_match(&f->from, &mt->m->src))
		return false;
	if (pto && pfrom && !ep_match(&f->from, &mt->m->src))
		return false;
	return true;
}

static void
match_scan(struct match *mt, const struct policy *p, const struct zone *sz,
    const struct zone *dz)
{
	const struct flow *f;
	size_t i;

	for (i = 0; i < p->nflows; i++) {
		f = &p->flows[i];
		if (f->from.zone != sz || f->to.zone != dz)
			continue;
		if (flow_live(f, mt->now))
			keep_first(&mt->any, f);
		if (scan_candidate(mt, f))
			eval_flow(mt, f);
	}
}

static void
decide_flows(const struct policy *p, const struct match *mt0,
    struct decision *d)
{
	struct match mt = *mt0;
	const struct didx_pair *pr;

	if (p->didx != NULL) {
		pr = didx_pair_find(p->didx, d->src_zone->index,
		    d->dst_zone->index);
		if (pr != NULL)
			match_indexed(&mt, pr);
	} else
		match_scan(&mt, p, d->src_zone, d->dst_zone);

	if (mt.allow != NULL) {
		d->allowed = true;
		d->reason = VR_FLOW;
		d->flow = mt.allow;
	} else if (mt.port != NULL) {
		d->reason = VR_WRONG_PORT;
		d->flow = mt.port;
	} else if (mt.proto != NULL) {
		d->reason = VR_WRONG_PROTO;
		d->flow = mt.proto;
	} else if (mt.expired != NULL) {
		d->reason = VR_EXPIRED;
		d->flow = mt.expired;
	} else if (mt.near != NULL || mt.any != NULL) {
		d->reason = VR_WRONG_HOST;
		d->flow = mt.near != NULL ? mt.near : mt.any;
	} else
		d->reason = VR_NO_FLOW;
}

/*
 * Step 4: who does the source MAC belong to?  Returns false with
 * d->reason set when the packet is blocked.
 */
static bool
decide_mac(const struct pkt_meta *m, const struct zone *z,
    struct decision *d)
{
	const struct host *mh = d->mac_host, *ah = d->addr_host;

	if (mh != NULL) {
		if (mh->zone != z) {
			d->reason = VR_WRONG_ZONE_MAC;
			return false;
		}
		if (!host_has_addr(mh, &m->src)) {
			d->reason = VR_MAC_NOT_BOUND;
			return false;
		}
		return true;
	}
	/* An address bound to a registered MAC, used from another MAC. */
	if (ah != NULL && ah->has_mac) {
		d->reason = VR_MAC_NOT_BOUND;
		return false;
	}
	switch (z->unknown) {
	case UH_BLOCK:
		d->reason = VR_UNKNOWN_HOST;
		return false;
	case UH_ALERT:
		d->flags |= DF_UNKNOWN_HOST;
		break;
	case UH_ALLOW:
		break;
	}
	return true;
}

static void
addr_norm(struct addr *a)
{
	a->plen = (uint8_t)addr_maxlen(a->family);
}

int
decide(const struct policy *p, const struct pkt_meta *meta,
    const bool *isolated, time_t now, struct decision *d)
{
	struct pkt_meta m = *meta;
	struct match mt;
	const struct zone *sz, *az;

	memset(d, 0, sizeof(*d));
	d->reason = VR_NO_ZONE_IFACE;
	if (meta->zone == NULL && meta->iface == NULL)
		return -1;
	addr_norm(&m.src);
	addr_norm(&m.dst);

	/* 1. ingress zone */
	sz = m.zone != NULL ? m.zone : policy_zone_of_iface(p, m.iface);
	if ((d->src_zone = sz) == NULL)
		return 0;
	d->addr_host = policy_host_by_addr(p, &m.src);
	if (m.has_mac)
		d->mac_host = policy_host_by_mac(p, &m.mac);

	/* 2. isolated source zone */
	if (isolated != NULL && isolated[sz->index]) {
		d->reason = VR_ZONE_ISOLATED;
		return 0;
	}
	/* 3. spoofed: the source must belong to the ingress zone itself */
	az = policy_zone_of_addr(p, &m.src);
	if (az != sz) {
		d->reason = VR_SPOOFED;
		return 0;
	}
	/* 4. MAC checks, where the hosts' own MACs are seen */
	if (sz->attached && m.has_mac && !decide_mac(&m, sz, d))
		return 0;

	/* 5. destination zone */
	if ((d->dst_zone = policy_zone_of_addr(p, &m.dst)) == NULL) {
		d->reason = VR_NO_ZONE_DST;
		return 0;
	}
	if (isolated != NULL && isolated[d->dst_zone->index]) {
		d->reason = VR_ZONE_ISOLATED;
		return 0;
	}
	/* 6. inside one zone: no crossing */
	if (d->dst_zone == sz) {
		d->allowed = true;
		d->reason = VR_INTRA_ZONE;
		return 0;
	}
	/* 7. the flows of the zone pair */
	memset(&mt, 0, sizeof(mt));
	mt.m = &m;
	mt.mac_pinned = sz->attached && m.has_mac;
	mt.now = now;
	decide_flows(p, &mt, d);
	return 0;
}

const char *
verdict_reason_name(enum verdict_reason r)
{
	switch (r) {
	case VR_FLOW:		return "flow";
	case VR_INTRA_ZONE:	return "intra-zone";
	case VR_NO_ZONE_IFACE:	return "no-zone-iface";
	case VR_ZONE_ISOLATED:	return "zone-isolated";
	case VR_SPOOFED:	return "spoofed";
	case VR_WRONG_ZONE_MAC:	return "wrong-zone-mac";
	case VR_MAC_NOT_BOUND:	return "mac-not-bound";
	case VR_UNKNOWN_HOST:	return "unknown-host";
	case VR_NO_ZONE_DST:	return "no-zone-dst";
	case VR_NO_FLOW:	return "no-flow";
	case VR_WRONG_HOST:	return "wrong-host";
	case VR_WRONG_PROTO:	return "wrong-proto";
	case VR_WRONG_PORT:	return "wrong-port";
	case VR_EXPIRED:	return "expired";
	}
	return "unknown";
}
