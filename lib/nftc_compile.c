/* nftc_compile.c - the policy model rendered as the IR of table inet bunri. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nftc_int.h"

/* nf_conntrack state bits as `ct state` sees them. */
#define CTS_INVALID	0x01
#define CTS_ESTABLISHED	0x02
#define CTS_RELATED	0x04

bool
nftc_flow_live(const struct flow *f, time_t now)
{
	return !f->has_expires || f->expires > now;
}

/* Words nft's scanner would take for something else (they hold digits). */
static const char *const nft_digit_words[] = {
	"ip6", "ipv4", "ipv6", "icmpv6", "l4proto", "ip6ext", "ipv6-icmp",
	"ipv4-icmp", "ip6-icmp", "sctp-chunk", "802.1q", "8021q", NULL,
};

const char *
nftc_counter_name(const struct flow *f, char *buf, size_t len)
{
	const char *s = f->id;
	bool digit = false, ok = s != NULL && isalpha((unsigned char)s[0]);
	size_t i;

	/* A bare word nft accepts as an object name: no quoting exists. */
	for (i = 0; ok && s[i] != '\0'; i++) {
		if (isdigit((unsigned char)s[i]))
			digit = true;
		else if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			ok = false;
	}
	if (ok && (!digit || i > 128))
		ok = false;
	for (i = 0; ok && nft_digit_words[i] != NULL; i++)
		if (strcasecmp(s, nft_digit_words[i]) == 0)
			ok = false;
	if (ok)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "flow-%zu", f->index + 1);
	return buf;
}

size_t
nftc_ep_addrs(const struct endpoint *ep, const struct addr **out)
{
	switch (ep->kind) {
	case EP_ZONE:
		*out = ep->zone->nets;
		return ep->zone->nnets;
	case EP_HOST:
		*out = ep->host->addrs;
		return ep->host->naddrs;
	case EP_PREFIX:
		*out = &ep->prefix;
		return 1;
	}
	*out = NULL;
	return 0;
}

/* ---- key encoding ---- */

void
nftc_key_addr(const struct nir_set *s, struct nir_elem *e, int i,
    const struct addr *a)
{
	int off = nir_field_off(s, i), len = a->family == AF_INET ? 4 : 16;
	int k, bits;

	for (k = 0; k < len; k++) {
		bits = a->plen - k * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - bits));
		e->lo[off + k] = a->a[k] & mask;
		e->hi[off + k] = (a->a[k] & mask) | (uint8_t)~mask;
	}
}

void
nftc_key_mac(const struct nir_set *s, struct nir_elem *e, int i,
    const struct mac *m)
{
	int off = nir_field_off(s, i);

	memcpy(e->lo + off, m->b, 6);
	memcpy(e->hi + off, m->b, 6);
}

void
nftc_key_u8(const struct nir_set *s, struct nir_elem *e, int i, uint8_t v)
{
	int off = nir_field_off(s, i);

	e->lo[off] = v;
	e->hi[off] = v;
}

void
nftc_key_port(const struct nir_set *s, struct nir_elem *e, int i,
    uint16_t lo, uint16_t hi)
{
	int off = nir_field_off(s, i);

	e->lo[off] = lo >> 8;
	e->lo[off + 1] = lo & 0xff;
	e->hi[off] = hi >> 8;
	e->hi[off + 1] = hi & 0xff;
}

void
nftc_key_ifname(const struct nir_set *s, struct nir_elem *e, int i,
    const char *name)
{
	int off = nir_field_off(s, i);

	strncpy((char *)e->lo + off, name, 15);
	strncpy((char *)e->hi + off, name, 15);
}

/* ---- the table ---- */

static void
forward_rules(struct nft_ir *ir, size_t fwd, size_t iso)
{
	static const enum nir_field iif[] = { NF_IIFNAME };
	static const enum nir_field oif[] = { NF_OIFNAME };
	static const enum nir_field pair[] = { NF_IIFNAME, NF_OIFNAME };
	struct nir_rule *r;
	size_t s;

	r = nir_rule_add(ir, fwd);
	nir_match_lookup(r, false, iso, iif, 1);
	if (r != NULL)
		r->verdict = NV_DROP;
	r = nir_rule_add(ir, fwd);
	nir_match_lookup(r, false, iso, oif, 1);
	if (r != NULL)
		r->verdict = NV_DROP;
	r = nir_rule_add(ir, fwd);
	nir_match_cmp(r, NM_CT_STATE, CTS_INVALID);
	if (r != NULL)
		r->verdict = NV_DROP;
	if ((s = nir_set_find(ir, "zone_in")) != (size_t)-1 &&
	    (r = nir_rule_add(ir, fwd)) != NULL) {
		r->stmt = NS_VMAP;
		r->set = s;
		r->f[0] = NF_IIFNAME;
		r->nf = 1;
	}
	if ((s = nir_set_find(ir, "pairs")) != (size_t)-1 &&
	    (r = nir_rule_add(ir, fwd)) != NULL) {
		r->stmt = NS_VMAP;
		r->set = s;
		memcpy(r->f, pair, sizeof(pair));
		r->nf = 2;
	}
}

struct nft_ir *
nftc_compile(const struct policy *p, const struct nftc_opts *o)
{
	static const enum nir_type tif[] = { NT_IFNAME };
	struct nft_ir *ir;
	size_t *counter_of = NULL, *zone_chain = NULL, i, j, fwd, input, iso;
	char name[160];
	struct nir_elem *e;

	if ((ir = calloc(1, sizeof(*ir))) == NULL)
		return NULL;
	ir->table_flags = o->table_flags;
	if ((counter_of = calloc(p->nflows + 1, sizeof(*counter_of))) == NULL ||
	    (zone_chain = calloc(p->nzones + 1, sizeof(*zone_chain))) == NULL ||
	    (ir->counters = calloc(p->nflows + 1, sizeof(char *))) == NULL)
		goto fail;
	for (i = 0; i < p->nflows; i++) {
		counter_of[i] = (size_t)-1;
		if (!nftc_flow_live(&p->flows[i], o->now))
			continue;
		nftc_counter_name(&p->flows[i], name, sizeof(name));
		if ((ir->counters[ir->ncounters] = strdup(name)) == NULL)
			goto fail;
		counter_of[i] = ir->ncounters++;
	}
	fwd = nir_chain_add(ir, "forward", NH_FORWARD);
	input = nir_chain_add(ir, "input", NH_INPUT);

	/* isolation flips elements at run time: the set always exists */
	iso = nir_set_add(ir, "isolated", tif, 1, false, ND_NONE);
	ir->sets[iso].dynamic = true;
	for (i = 0; o->isolated != NULL && i < p->nzones; i++) {
		if (!o->isolated[i])
			continue;
		for (j = 0; j < p->zones[i].nifaces; j++) {
			if ((e = nir_elem_add(ir, iso)) == NULL)
				goto fail;
			nftc_key_ifname(&ir->sets[iso], e, 0,
			    p->zones[i].ifaces[j]);
		}
	}
	nftc_zones(ir, p, o, zone_chain);
	nftc_flows(ir, p, o, counter_of);
	forward_rules(ir, fwd, iso);
	nftc_input(ir, p, input);
	for (i = 0; i < ir->nsets && !ir->oom; i++) {
		if (nir_set_normalize(&ir->sets[i]) == -1)
			ir->oom = true;
		for (j = 0; j < ir->sets[i].nelems; j++)
			if (ir->sets[i].elems[j].timeout_ms != 0)
				ir->sets[i].timeout = true;
	}
	if (ir->oom)
		goto fail;
	free(counter_of);
	free(zone_chain);
	return ir;
fail:
	free(counter_of);
	free(zone_chain);
	nft_ir_free(ir);
	return NULL;
}
