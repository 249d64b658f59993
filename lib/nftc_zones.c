/* nftc_zones.c - per-zone source checks: spoofing and MAC pinning (chains in_<zone>). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nftc_int.h"

static bool
has_catchall(const struct zone *z, int family)
{
	size_t i;

	for (i = 0; i < z->nnets; i++)
		if (z->nets[i].family == family && z->nets[i].plen == 0)
			return true;
	return false;
}

static size_t
net_set(struct nft_ir *ir, const char *name, int family,
    const struct policy *p, const struct zone *only, const struct zone *skip)
{
	enum nir_type t = family == AF_INET ? NT_IPV4 : NT_IPV6;
	struct nir_elem *e;
	size_t s = (size_t)-1, zi, i;

	for (zi = 0; zi < p->nzones; zi++) {
		const struct zone *z = &p->zones[zi];

		if ((only != NULL && z != only) || z == skip)
			continue;
		for (i = 0; i < z->nnets; i++) {
			if (z->nets[i].family != family || z->nets[i].plen == 0)
				continue;
			if (s == (size_t)-1)
				s = nir_set_add(ir, name, &t, 1, true, ND_NONE);
			if ((e = nir_elem_add(ir, s)) != NULL)
				nftc_key_addr(&ir->sets[s], e, 0, &z->nets[i]);
		}
	}
	return s;
}

static void
rule_drop(struct nir_rule *r)
{
	if (r != NULL)
		r->verdict = NV_DROP;
}

/* Source must belong to the zone, a /0 catch-all yielding to the others. */
static void
spoof_rules(struct nft_ir *ir, const struct policy *p, const struct zone *z,
    size_t chain, int family)
{
	enum nir_field f = family == AF_INET ? NF_IP_SADDR : NF_IP6_SADDR;
	const char *v = family == AF_INET ? "4" : "6";
	char name[64];
	struct nir_rule *r;
	size_t s;
	bool any = false;
	size_t i;

	for (i = 0; i < z->nnets; i++)
		if (z->nets[i].family == family)
			any = true;
	if (has_catchall(z, family)) {
		snprintf(name, sizeof(name), "others%s_%s", v, z->name);
		if ((s = net_set(ir, name, family, p, NULL, z)) == (size_t)-1)
			return;
		r = nir_rule_add(ir, chain);
		nir_match_lookup(r, false, s, &f, 1);
		rule_drop(r);
	} else if (any) {
		snprintf(name, sizeof(name), "net%s_%s", v, z->name);
		if ((s = net_set(ir, name, family, p, z, NULL)) == (size_t)-1)
			return;
		r = nir_rule_add(ir, chain);
		nir_match_lookup(r, true, s, &f, 1);
		rule_drop(r);
	} else {
		r = nir_rule_add(ir, chain);
		nir_match_cmp(r, NM_NFPROTO, family == AF_INET ? 2 : 10);
		rule_drop(r);
	}
}

/* ether . ip bindings and bound addresses of the zone's MAC hosts. */
static void
bind_rules(struct nft_ir *ir, const struct zone *z, size_t chain,
    size_t macz, int family)
{
	static const enum nir_field eth[] = { NF_ETHER_SADDR };
	enum nir_type tb[2] = { NT_ETHER, family == AF_INET ? NT_IPV4 : NT_IPV6 };
	enum nir_field fb[2] = { NF_ETHER_SADDR,
	    family == AF_INET ? NF_IP_SADDR : NF_IP6_SADDR };
	const char *v = family == AF_INET ? "4" : "6";
	char name[64];
	struct nir_rule *r;
	struct nir_elem *e;
	size_t bind = (size_t)-1, baddr = (size_t)-1, h, i;

	for (h = 0; h < z->nhosts; h++) {
		const struct host *ho = &z->hosts[h];

		if (!ho->has_mac)
			continue;
		for (i = 0; i < ho->naddrs; i++) {
			if (ho->addrs[i].family != family)
				continue;
			if (bind == (size_t)-1) {
				snprintf(name, sizeof(name), "bind%s_%s", v,
				    z->name);
				bind = nir_set_add(ir, name, tb, 2, false,
				    ND_NONE);
				snprintf(name, sizeof(name), "baddr%s_%s", v,
				    z->name);
				baddr = nir_set_add(ir, name, &tb[1], 1, false,
				    ND_NONE);
			}
			if ((e = nir_elem_add(ir, bind)) != NULL) {
				nftc_key_mac(&ir->sets[bind], e, 0, &ho->mac);
				nftc_key_addr(&ir->sets[bind], e, 1,
				    &ho->addrs[i]);
			}
			if ((e = nir_elem_add(ir, baddr)) != NULL)
				nftc_key_addr(&ir->sets[baddr], e, 0,
				    &ho->addrs[i]);
		}
	}
	r = nir_rule_add(ir, chain);
	nir_match_lookup(r, false, macz, eth, 1);
	if (bind == (size_t)-1) {
		/* registered MACs, none bound to an address of this family */
		nir_match_cmp(r, NM_NFPROTO, family == AF_INET ? 2 : 10);
		rule_drop(r);
		return;
	}
	nir_match_lookup(r, true, bind, fb, 2);
	rule_drop(r);
	r = nir_rule_add(ir, chain);
	nir_match_lookup(r, false, baddr, &fb[1], 1);
	nir_match_lookup(r, true, bind, fb, 2);
	rule_drop(r);
}

static void
mac_rules(struct nft_ir *ir, const struct zone *z, size_t chain,
    size_t macs_all)
{
	static const enum nir_type te[] = { NT_ETHER };
	static const enum nir_field eth[] = { NF_ETHER_SADDR };
	struct nir_rule *r;
	struct nir_elem *e;
	char name[64];
	size_t macz = (size_t)-1, h;

	for (h = 0; h < z->nhosts; h++) {
		if (!z->hosts[h].has_mac)
			continue;
		if (macz == (size_t)-1) {
			snprintf(name, sizeof(name), "mac_%s", z->name);
			macz = nir_set_add(ir, name, te, 1, false, ND_NONE);
		}
		if ((e = nir_elem_add(ir, macz)) != NULL)
			nftc_key_mac(&ir->sets[macz], e, 0, &z->hosts[h].mac);
	}
	if (macs_all != (size_t)-1) {
		/* a MAC registered in some other zone */
		r = nir_rule_add(ir, chain);
		nir_match_lookup(r, false, macs_all, eth, 1);
		if (macz != (size_t)-1)
			nir_match_lookup(r, true, macz, eth, 1);
		rule_drop(r);
	}
	if (macz != (size_t)-1) {
		bind_rules(ir, z, chain, macz, AF_INET);
		bind_rules(ir, z, chain, macz, AF_INET6);
	}
	if (z->unknown == UH_BLOCK) {
		r = nir_rule_add(ir, chain);
		if (macz != (size_t)-1)
			nir_match_lookup(r, true, macz, eth, 1);
		else
			nir_match_cmp(r, NM_IIFTYPE_ETHER, 0);
		rule_drop(r);
	}
}

void
nftc_zones(struct nft_ir *ir, const struct policy *p,
    const struct nftc_opts *o, size_t *zone_chain)
{
	static const enum nir_type tif[] = { NT_IFNAME };
	static const enum nir_type te[] = { NT_ETHER };
	struct nir_elem *e;
	char name[64];
	size_t zin = (size_t)-1, macs_all = (size_t)-1, zi, i;

	(void)o;
	for (zi = 0; zi < p->nzones; zi++) {
		const struct zone *z = &p->zones[zi];

		zone_chain[zi] = (size_t)-1;
		if (z->nifaces == 0)
			continue;
		snprintf(name, sizeof(name), "in_%s", z->name);
		zone_chain[zi] = nir_chain_add(ir, name, NH_NONE);
		if (zin == (size_t)-1)
			zin = nir_set_add(ir, "zone_in", tif, 1, false,
			    ND_VERDICT);
		for (i = 0; i < z->nifaces; i++) {
			if ((e = nir_elem_add(ir, zin)) == NULL)
				continue;
			nftc_key_ifname(&ir->sets[zin], e, 0, z->ifaces[i]);
			e->verdict = NV_JUMP;
			e->ref = zone_chain[zi];
		}
	}
	for (zi = 0; zi < p->nzones; zi++) {
		const struct zone *z = &p->zones[zi];

		for (i = 0; i < z->nhosts; i++) {
			if (!z->hosts[i].has_mac)
				continue;
			if (macs_all == (size_t)-1)
				macs_all = nir_set_add(ir, "macs_all", te, 1,
				    false, ND_NONE);
			if ((e = nir_elem_add(ir, macs_all)) != NULL)
				nftc_key_mac(&ir->sets[macs_all], e, 0,
				    &z->hosts[i].mac);
		}
	}
	for (zi = 0; zi < p->nzones; zi++) {
		const struct zone *z = &p->zones[zi];

		if (zone_chain[zi] == (size_t)-1)
			continue;
		spoof_rules(ir, p, z, zone_chain[zi], AF_INET);
		spoof_rules(ir, p, z, zone_chain[zi], AF_INET6);
		if (z->attached)
			mac_rules(ir, z, zone_chain[zi], macs_all);
	}
}
