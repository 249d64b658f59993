/* nftc_input.c - chain input: the gateway's own services (ICMP, admin access). */
#include <string.h>
#include <sys/socket.h>

#include "nftc_int.h"

#define CTS_INVALID	0x01
#define CTS_ESTABLISHED	0x02
#define CTS_RELATED	0x04

static size_t
type_set(struct nft_ir *ir, const char *name, enum nir_type t,
    const uint8_t *v, size_t n)
{
	struct nir_elem *e;
	size_t s, i;

	s = nir_set_add(ir, name, &t, 1, false, ND_NONE);
	for (i = 0; i < n; i++)
		if ((e = nir_elem_add(ir, s)) != NULL)
			e->lo[0] = e->hi[0] = v[i];
	return s;
}

static struct nir_rule *
accept_rule(struct nft_ir *ir, size_t chain)
{
	struct nir_rule *r;

	if ((r = nir_rule_add(ir, chain)) != NULL)
		r->verdict = NV_ACCEPT;
	return r;
}

/* admin.from as (MAC .) address . port sets, v4 and v6. */
static void
admin_rules(struct nft_ir *ir, const struct policy *p, size_t chain)
{
	static const char *const names[4] = {
		"admin4m", "admin4", "admin6m", "admin6"
	};
	static const enum nir_type tt[4][3] = {
		{ NT_ETHER, NT_IPV4, NT_SERVICE }, { NT_IPV4, NT_SERVICE },
		{ NT_ETHER, NT_IPV6, NT_SERVICE }, { NT_IPV6, NT_SERVICE },
	};
	static const enum nir_field ff[4][3] = {
		{ NF_ETHER_SADDR, NF_IP_SADDR, NF_TCP_DPORT },
		{ NF_IP_SADDR, NF_TCP_DPORT },
		{ NF_ETHER_SADDR, NF_IP6_SADDR, NF_TCP_DPORT },
		{ NF_IP6_SADDR, NF_TCP_DPORT },
	};
	static const uint16_t defport = DEF_ADMIN_PORT;
	const uint16_t *ports = p->gw.admin_ports;
	size_t nports = p->gw.nadmin_ports, set[4], i, j, k, na;
	const struct addr *a;
	struct nir_elem *e;
	struct nir_rule *r;
	int kind, n;

	if (nports == 0) {
		ports = &defport;
		nports = 1;
	}
	for (k = 0; k < 4; k++)
		set[k] = (size_t)-1;
	/* two passes: create the needed sets in a fixed order, then fill */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < p->gw.nadmin_from; i++) {
			const struct endpoint *ep = &p->gw.admin_from[i];
			bool pinned = ep->kind == EP_HOST &&
			    ep->host->has_mac && ep->zone->attached;

			na = nftc_ep_addrs(ep, &a);
			for (j = 0; j < na; j++) {
				kind = (a[j].family == AF_INET ? 0 : 2) +
				    (pinned ? 0 : 1);
				if (pass == 0) {
					set[kind] = (size_t)-2;
					continue;
				}
				for (k = 0; k < nports; k++) {
					if ((e = nir_elem_add(ir, set[kind])) ==
					    NULL)
						return;
					n = 0;
					if (pinned)
						nftc_key_mac(&ir->sets[set[kind]],
						    e, n++, &ep->host->mac);
					nftc_key_addr(&ir->sets[set[kind]], e,
					    n++, &a[j]);
					nftc_key_port(&ir->sets[set[kind]], e,
					    n, ports[k], ports[k]);
				}
			}
		}
		if (pass == 1)
			break;
		for (k = 0; k < 4; k++) {
			if (set[k] != (size_t)-2)
				continue;
			n = k % 2 == 0 ? 3 : 2;
			set[k] = nir_set_add(ir, names[k], tt[k], n, k % 2 == 1,
			    ND_NONE);
			r = accept_rule(ir, chain);
			nir_match_lookup(r, false, set[k], ff[k], n);
		}
	}
}

static void
zone_ifaces(struct nft_ir *ir, const struct policy *p, size_t chain,
    const enum nir_field *iif)
{
	static const enum nir_type tif[] = { NT_IFNAME };
	struct nir_rule *r;
	struct nir_elem *e;
	size_t s = (size_t)-1, zi, i;

	for (zi = 0; zi < p->nzones; zi++)
		for (i = 0; i < p->zones[zi].nifaces; i++) {
			if (s == (size_t)-1)
				s = nir_set_add(ir, "zone_ifaces", tif, 1, false,
				    ND_NONE);
			if ((e = nir_elem_add(ir, s)) != NULL)
				nftc_key_ifname(&ir->sets[s], e, 0,
				    p->zones[zi].ifaces[i]);
		}
	if ((r = nir_rule_add(ir, chain)) == NULL)
		return;
	if (s != (size_t)-1)
		nir_match_lookup(r, true, s, iif, 1);
	r->verdict = NV_DROP;		/* no zone interface at all: none */
}

void
nftc_input(struct nft_ir *ir, const struct policy *p, size_t chain)
{
	static const uint8_t nd[] = { 135, 136, 133, 134 };
	static const uint8_t err4[] = { 3, 11, 12 };
	static const uint8_t err6[] = { 1, 2, 3, 4 };
	static const enum nir_field fi6[] = { NF_ICMPV6_TYPE };
	static const enum nir_field fi4[] = { NF_ICMP_TYPE };
	static const enum nir_field iif[] = { NF_IIFNAME };
	struct nir_rule *r;
	size_t s;

	r = accept_rule(ir, chain);
	nir_match_cmp(r, NM_IIF_LO, 0);
	r = nir_rule_add(ir, chain);
	nir_match_cmp(r, NM_CT_STATE, CTS_INVALID);
	if (r != NULL)
		r->verdict = NV_DROP;
	/* neighbour discovery uses link-local sources: before source checks */
	s = type_set(ir, "icmp6_nd", NT_ICMPV6, nd, sizeof(nd));
	r = accept_rule(ir, chain);
	nir_match_lookup(r, false, s, fi6, 1);
	if ((s = nir_set_find(ir, "zone_in")) != (size_t)-1 &&
	    (r = nir_rule_add(ir, chain)) != NULL) {
		r->stmt = NS_VMAP;
		r->set = s;
		r->f[0] = NF_IIFNAME;
		r->nf = 1;
	}
	r = accept_rule(ir, chain);
	nir_match_cmp(r, NM_CT_STATE, CTS_ESTABLISHED | CTS_RELATED);
	/*
	 * New traffic to the gateway only through zone interfaces, where the
	 * source checks ran: admin.from is a zone endpoint, "nobody else
	 * may"; on an interface in no zone its address could be anyone's.
	 */
	zone_ifaces(ir, p, chain, iif);
	s = type_set(ir, "icmp4_err", NT_ICMP, err4, sizeof(err4));
	r = accept_rule(ir, chain);
	nir_match_lookup(r, false, s, fi4, 1);
	s = type_set(ir, "icmp6_err", NT_ICMPV6, err6, sizeof(err6));
	r = accept_rule(ir, chain);
	nir_match_lookup(r, false, s, fi6, 1);
	admin_rules(ir, p, chain);
}
