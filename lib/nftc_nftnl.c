/* nftc_nftnl.c - the IR as libnftnl objects, expression for expression what nft 1.0.6 emits. */
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft_ir.h"
#include "nftc_int.h"

/* The protocol context nft tracks to add implicit dependencies. */
struct rctx {
	struct nftnl_rule *r;
	bool		 ether;		/* link layer known to be Ethernet */
	int		 net;		/* NFPROTO_IPV4/IPV6 known, 0: not */
	int		 l4;		/* l4 protocol known, 0: not */
	bool		 err;
};

static struct nftnl_expr *
ex(struct rctx *c, const char *name)
{
	struct nftnl_expr *e;

	if ((e = nftnl_expr_alloc(name)) == NULL) {
		c->err = true;
		return NULL;
	}
	nftnl_rule_add_expr(c->r, e);
	return e;
}

static void
e_meta(struct rctx *c, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e;

	if ((e = ex(c, "meta")) == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
}

static void
e_cmp(struct rctx *c, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e;

	if ((e = ex(c, "cmp")) == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void
e_payload(struct rctx *c, uint32_t base, uint32_t off, uint32_t len,
    uint32_t dreg)
{
	struct nftnl_expr *e;

	if ((e = ex(c, "payload")) == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
}

static void
e_ct(struct rctx *c, uint32_t key)
{
	struct nftnl_expr *e;

	if ((e = ex(c, "ct")) == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
}

static void
meta_cmp_u8(struct rctx *c, uint32_t key, uint8_t v)
{
	e_meta(c, key, NFT_REG_1);
	e_cmp(c, NFT_CMP_EQ, &v, 1);
}

static void
need_net(struct rctx *c, int nfproto)
{
	uint16_t et = htons(nfproto == NFPROTO_IPV4 ? 0x0800 : 0x86dd);

	if (c->net == nfproto)
		return;
	if (c->ether) {
		e_payload(c, NFT_PAYLOAD_LL_HEADER, 12, 2, NFT_REG_1);
		e_cmp(c, NFT_CMP_EQ, &et, 2);
	} else
		meta_cmp_u8(c, NFT_META_NFPROTO, (uint8_t)nfproto);
	c->net = nfproto;
}

static void
need_ether(struct rctx *c)
{
	uint16_t t = ARPHRD_ETHER;

	if (c->ether)
		return;
	e_meta(c, NFT_META_IIFTYPE, NFT_REG_1);
	e_cmp(c, NFT_CMP_EQ, &t, 2);
	c->ether = true;
}

static void
need_l4(struct rctx *c, uint8_t proto)
{
	if (c->l4 == proto)
		return;
	meta_cmp_u8(c, NFT_META_L4PROTO, proto);
	c->l4 = proto;
}

static void
field_dep(struct rctx *c, enum nir_field f)
{
	switch (f) {
	case NF_ETHER_SADDR:
		need_ether(c);
		break;
	case NF_IP_SADDR:
	case NF_IP_DADDR:
		need_net(c, NFPROTO_IPV4);
		break;
	case NF_IP6_SADDR:
	case NF_IP6_DADDR:
		need_net(c, NFPROTO_IPV6);
		break;
	case NF_TCP_DPORT:
		need_l4(c, IPPROTO_TCP);
		break;
	case NF_ICMP_TYPE:
		need_net(c, NFPROTO_IPV4);
		need_l4(c, IPPROTO_ICMP);
		break;
	case NF_ICMPV6_TYPE:
		need_net(c, NFPROTO_IPV6);
		need_l4(c, IPPROTO_ICMPV6);
		break;
	default:
		break;
	}
}

static void
field_load(struct rctx *c, enum nir_field f, uint32_t reg, bool concat)
{
	struct nftnl_expr *e;

	switch (f) {
	case NF_IIFNAME:	e_meta(c, NFT_META_IIFNAME, reg); break;
	case NF_OIFNAME:	e_meta(c, NFT_META_OIFNAME, reg); break;
	case NF_ETHER_SADDR:
		e_payload(c, NFT_PAYLOAD_LL_HEADER, 6, 6, reg);
		break;
	case NF_IP_SADDR:
		e_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, reg);
		break;
	case NF_IP_DADDR:
		e_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, reg);
		break;
	case NF_IP6_SADDR:
		e_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 8, 16, reg);
		break;
	case NF_IP6_DADDR:
		e_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, reg);
		break;
	case NF_L4PROTO:
		e_meta(c, NFT_META_L4PROTO, reg);
		/* nft widens inet_proto to its 4-byte slot in a concatenation */
		if (concat && (e = ex(c, "byteorder")) != NULL) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, reg);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, reg);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP,
			    NFT_BYTEORDER_HTON);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 2);
		}
		break;
	case NF_TH_DPORT:
	case NF_TCP_DPORT:
		e_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg);
		break;
	case NF_TH_SPORT:
		e_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, reg);
		break;
	case NF_ICMP_TYPE:
	case NF_ICMPV6_TYPE:
		e_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, reg);
		break;
	}
}

/* Dependencies first, then the fields into consecutive registers. */
static void
load_key(struct rctx *c, const enum nir_field *f, int nf)
{
	uint32_t w = 0, reg;
	int i;

	for (i = 0; i < nf; i++)
		field_dep(c, f[i]);
	for (i = 0; i < nf; i++) {
		/* 16-byte register names where aligned, 32-bit ones between */
		reg = w % 4 == 0 ? NFT_REG_1 + w / 4 : NFT_REG32_00 + w;
		field_load(c, f[i], reg, nf > 1);
		w += (uint32_t)nir_type_padlen(nir_field_type(f[i])) / 4;
	}
}

static void
e_lookup(struct rctx *c, const struct nft_ir *ir, size_t set, bool neg,
    bool vmap)
{
	struct nftnl_expr *e;

	if ((e = ex(c, "lookup")) == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, ir->sets[set].name);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, (uint32_t)set + 1);
	if (vmap)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	if (neg)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
}

static void
match_expr(struct rctx *c, const struct nft_ir *ir, const struct nir_match *m)
{
	struct nftnl_expr *e;
	uint32_t u, zero = 0;
	uint8_t b;

	switch (m->kind) {
	case NM_NFPROTO:
		meta_cmp_u8(c, NFT_META_NFPROTO, (uint8_t)m->val);
		c->net = (int)m->val;
		break;
	case NM_L4PROTO:
		meta_cmp_u8(c, NFT_META_L4PROTO, (uint8_t)m->val);
		c->l4 = (int)m->val;
		break;
	case NM_IIFTYPE_ETHER:
		need_ether(c);
		break;
	case NM_IIF_LO:
		u = 1;		/* lo is ifindex 1 in every namespace */
		e_meta(c, NFT_META_IIF, NFT_REG_1);
		e_cmp(c, NFT_CMP_EQ, &u, 4);
		break;
	case NM_CT_DIRECTION:
		b = (uint8_t)m->val;
		e_ct(c, NFT_CT_DIRECTION);
		e_cmp(c, NFT_CMP_EQ, &b, 1);
		break;
	case NM_CT_STATE:
		u = m->val;
		e_ct(c, NFT_CT_STATE);
		if ((e = ex(c, "bitwise")) != NULL) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 4);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &u, 4);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
		}
		e_cmp(c, NFT_CMP_NEQ, &zero, 4);
		break;
	case NM_LOOKUP:
	case NM_LOOKUP_NOT:
		load_key(c, m->f, m->nf);
		e_lookup(c, ir, m->set, m->kind == NM_LOOKUP_NOT, false);
		break;
	}
}

static struct nftnl_rule *
rule_obj(const struct nft_ir *ir, const struct nir_rule *r)
{
	struct rctx c;
	struct nftnl_expr *e;
	int i;

	memset(&c, 0, sizeof(c));
	if ((c.r = nftnl_rule_alloc()) == NULL)
		return NULL;
	nftnl_rule_set_str(c.r, NFTNL_RULE_TABLE, NFTC_TABLE);
	nftnl_rule_set_str(c.r, NFTNL_RULE_CHAIN, ir->chains[r->chain].name);
	nftnl_rule_set_u32(c.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	for (i = 0; i < r->nm; i++)
		match_expr(&c, ir, &r->m[i]);
	if (r->stmt == NS_VMAP) {
		load_key(&c, r->f, r->nf);
		e_lookup(&c, ir, r->set, false, true);
	} else if (r->stmt == NS_COUNTER_MAP) {
		load_key(&c, r->f, r->nf);
		if ((e = ex(&c, "objref")) != NULL) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_SET_SREG,
			    NFT_REG_1);
			nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_SET_NAME,
			    ir->sets[r->set].name);
			nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_SET_ID,
			    (uint32_t)r->set + 1);
		}
	}
	if ((r->verdict == NV_ACCEPT || r->verdict == NV_DROP) &&
	    (e = ex(&c, "immediate")) != NULL) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT,
		    r->verdict == NV_ACCEPT ? NF_ACCEPT : NF_DROP);
	}
	if (c.err) {
		nftnl_rule_free(c.r);
		return NULL;
	}
	return c.r;
}

static int
push(void ***v, size_t *n, void *o)
{
	void **nv;

	if (o == NULL || (nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -1;
	nv[(*n)++] = o;
	*v = nv;
	return 0;
}

static struct nftnl_chain *
chain_obj(const struct nir_chain *ch)
{
	struct nftnl_chain *c;

	if ((c = nftnl_chain_alloc()) == NULL)
		return NULL;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFTC_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, ch->name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (ch->hook != NH_NONE) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM,
		    ch->hook == NH_FORWARD ? NF_INET_FORWARD : NF_INET_LOCAL_IN);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	}
	return c;
}

static struct nftnl_obj *
counter_obj(const char *name)
{
	struct nftnl_obj *o;

	if ((o = nftnl_obj_alloc()) == NULL)
		return NULL;
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, NFTC_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, NFPROTO_INET);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nftnl_obj_set_u64(o, NFTNL_OBJ_CTR_PKTS, 0);
	nftnl_obj_set_u64(o, NFTNL_OBJ_CTR_BYTES, 0);
	return o;
}

int
nftc_to_nftnl(const struct nft_ir *ir, struct nftc_out *out)
{
	size_t i, c;

	memset(out, 0, sizeof(*out));
	if ((out->table = nftnl_table_alloc()) == NULL)
		goto fail;
	nftnl_table_set_str(out->table, NFTNL_TABLE_NAME, NFTC_TABLE);
	nftnl_table_set_u32(out->table, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_u32(out->table, NFTNL_TABLE_FLAGS, ir->table_flags);
	for (i = 0; i < ir->ncounters; i++)
		if (push((void ***)&out->objs, &out->nobjs,
		    counter_obj(ir->counters[i])) == -1)
			goto fail;
	for (i = 0; i < ir->nsets; i++)
		if (push((void ***)&out->sets, &out->nsets,
		    nftc_set_obj(ir, i)) == -1)
			goto fail;
	for (c = 0; c < ir->nchains; c++)
		if (push((void ***)&out->chains, &out->nchains,
		    chain_obj(&ir->chains[c])) == -1)
			goto fail;
	for (c = 0; c < ir->nchains; c++)
		for (i = 0; i < ir->nrules; i++)
			if (ir->rules[i].chain == c && push((void ***)&out->rules,
			    &out->nrules, rule_obj(ir, &ir->rules[i])) == -1)
				goto fail;
	return 0;
fail:
	nftc_out_free(out);
	return -1;
}

void
nftc_out_free(struct nftc_out *out)
{
	size_t i;

	if (out == NULL)
		return;
	if (out->table != NULL)
		nftnl_table_free(out->table);
	for (i = 0; i < out->nobjs; i++)
		nftnl_obj_free(out->objs[i]);
	for (i = 0; i < out->nsets; i++)
		nftnl_set_free(out->sets[i]);
	for (i = 0; i < out->nchains; i++)
		nftnl_chain_free(out->chains[i]);
	for (i = 0; i < out->nrules; i++)
		nftnl_rule_free(out->rules[i]);
	free(out->objs);
	free(out->sets);
	free(out->chains);
	free(out->rules);
	memset(out, 0, sizeof(*out));
}
