/* nl_batch.c - building nftables batches: messages in kernel order, each remembered for errors. */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "basetable.h"
#include "nftc.h"
#include "nl.h"
#include "nl_batch.h"

void
nl_batch_free(struct batch *b)
{
	if (b->nb != NULL)
		nftnl_batch_free(b->nb);
	free(b->refs);
	memset(b, 0, sizeof(*b));
}

int
nl_batch_init(struct batch *b, struct nl *nl)
{
	memset(b, 0, sizeof(*b));
	if ((b->nb = nftnl_batch_alloc(BATCH_PAGE, NLMSG_MAX)) == NULL)
		return -1;
	b->base = nl->seq + 1;
	return 0;
}

/* Remember what the next message is about; its seq is base + index. */
static int
ref_add(struct batch *b, enum msg_kind kind, void *obj, uint32_t n)
{
	struct msgref *r;
	size_t cap;

	if (b->n == b->cap) {
		cap = b->cap ? b->cap * 2 : 256;
		if ((r = reallocarray(b->refs, cap, sizeof(*r))) == NULL)
			return -1;
		b->refs = r;
		b->cap = cap;
	}
	r = &b->refs[b->n++];
	r->kind = kind;
	r->obj = obj;
	r->n = n;
	return 0;
}

/* Start the next message; NULL when out of memory. */
static struct nlmsghdr *
batch_msg(struct batch *b, struct nl *nl, uint16_t type, uint16_t flags,
    enum msg_kind kind, void *obj, uint32_t n)
{
	if (ref_add(b, kind, obj, n) == -1)
		return NULL;
	if (flags & NLM_F_ACK)
		b->nacked++;
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->nb), type,
	    NFPROTO_INET, flags, ++nl->seq);
}

/* Close the message just built; a new page is allocated when this one is full. */
static int
batch_next(struct batch *b)
{
	return nftnl_batch_update(b->nb) < 0 ? -1 : 0;
}

int
nl_batch_begin(struct batch *b, struct nl *nl)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;

	if (ref_add(b, MK_BEGIN, NULL, 0) == -1)
		return -1;
	nlh = nftnl_batch_begin(nftnl_batch_buffer(b->nb), ++nl->seq);
	/* The generation is filled in just before each send (batch_commit). */
	a = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, 0);
	b->genid = mnl_attr_get_payload(a);
	return batch_next(b);
}

int
nl_batch_end(struct batch *b, struct nl *nl)
{
	if (ref_add(b, MK_END, NULL, 0) == -1)
		return -1;
	nftnl_batch_end(nftnl_batch_buffer(b->nb), ++nl->seq);
	return batch_next(b);
}

static int
batch_table(struct batch *b, struct nl *nl, uint16_t type, uint16_t flags,
    enum msg_kind kind, uint32_t tflags, bool with_flags, const char *name)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if ((t = nftnl_table_alloc()) == NULL)
		return -1;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	if (with_flags)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, tflags);
	if ((nlh = batch_msg(b, nl, type, flags, kind, NULL, tflags)) == NULL) {
		nftnl_table_free(t);
		return -1;
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return batch_next(b);
}

/* NEWSETELEM/DELSETELEM split over as many messages as the elements need. */
int
nl_batch_elems(struct batch *b, struct nl *nl, struct nftnl_set *s,
    uint16_t type, enum msg_kind kind)
{
	struct nftnl_set_elems_iter *it;
	struct nlmsghdr *nlh;
	uint32_t part = 0;
	int ret, rc = -1;

	if ((it = nftnl_set_elems_iter_create(s)) == NULL)
		return -1;
	while (nftnl_set_elems_iter_cur(it) != NULL) {
		nlh = batch_msg(b, nl, type, NLM_F_ACK |
		    (type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0), kind, s,
		    ++part);
		if (nlh == NULL)
			goto out;
		ret = nftnl_set_elems_nlmsg_build_payload_iter(nlh, it);
		if (batch_next(b) == -1)
			goto out;
		if (ret <= 0)
			break;		/* 1: the message is full, more follow */
	}
	rc = 0;
out:
	nftnl_set_elems_iter_destroy(it);
	return rc;
}

/* One message carrying a whole object; its payload builder follows from the type. */
static int
batch_add(struct batch *b, struct nl *nl, uint16_t type, uint16_t flags,
    enum msg_kind kind, void *obj, uint32_t n)
{
	struct nlmsghdr *nlh;

	if ((nlh = batch_msg(b, nl, type, flags, kind, obj, n)) == NULL)
		return -1;
	switch (type) {
	case NFT_MSG_NEWTABLE:
		nftnl_table_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWOBJ:
		nftnl_obj_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWCHAIN:
		nftnl_chain_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWSET:
		nftnl_set_nlmsg_build_payload(nlh, obj);
		break;
	case NFT_MSG_NEWRULE:
		nftnl_rule_nlmsg_build_payload(nlh, obj);
		break;
	}
	return batch_next(b);
}

/* The whole replacement, in the order the kernel needs the objects. */
int
nl_batch_replace(struct batch *b, struct nl *nl, const struct nftc_out *o)
{
	const uint16_t cx = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	const char *chain, *prev = NULL;
	uint32_t pos = 0;
	size_t i;

	if (nl_batch_begin(b, nl) == -1)
		return -1;
	/* Created first without flags so the delete cannot fail with ENOENT. */
	if (batch_table(b, nl, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK,
	    MK_TABLE_ENSURE, 0, false, NFTC_TABLE) == -1 ||
	    batch_table(b, nl, NFT_MSG_DELTABLE, NLM_F_ACK, MK_TABLE_DEL,
	    0, false, NFTC_TABLE) == -1)
		return -1;
	/*
	 * The boot-time barrier (basetable.h) goes in the same batch: its
	 * forward drop and our table must never both be live.
	 */
	if (batch_table(b, nl, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK,
	    MK_BASE, 0, false, BASE_TABLE) == -1 ||
	    batch_table(b, nl, NFT_MSG_DELTABLE, NLM_F_ACK, MK_BASE,
	    0, false, BASE_TABLE) == -1)
		return -1;
	if (batch_add(b, nl, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK,
	    MK_TABLE_NEW, o->table,
	    nftnl_table_get_u32(o->table, NFTNL_TABLE_FLAGS)) == -1)
		return -1;
	for (i = 0; i < o->nobjs; i++)
		if (batch_add(b, nl, NFT_MSG_NEWOBJ, cx, MK_OBJ, o->objs[i],
		    0) == -1)
			return -1;
	/* Chains before sets: verdict map elements jump to them. */
	for (i = 0; i < o->nchains; i++)
		if (batch_add(b, nl, NFT_MSG_NEWCHAIN, cx, MK_CHAIN,
		    o->chains[i], 0) == -1)
			return -1;
	for (i = 0; i < o->nsets; i++)
		if (batch_add(b, nl, NFT_MSG_NEWSET, cx, MK_SET, o->sets[i],
		    0) == -1 ||
		    nl_batch_elems(b, nl, o->sets[i], NFT_MSG_NEWSETELEM,
		    MK_ELEMS) == -1)
			return -1;
	for (i = 0; i < o->nrules; i++) {
		chain = nftnl_rule_get_str(o->rules[i], NFTNL_RULE_CHAIN);
		pos = (prev != NULL && chain != NULL && strcmp(prev, chain) == 0) ?
		    pos + 1 : 1;
		prev = chain;
		if (batch_add(b, nl, NFT_MSG_NEWRULE,
		    NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, MK_RULE,
		    o->rules[i], pos) == -1)
			return -1;
	}
	return nl_batch_end(b, nl);
}
