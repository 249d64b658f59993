/* nftc_nftnl_set.c - IR sets as libnftnl sets with elements, encoded as nft 1.0.6 does. */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "nftc_int.h"

#define TYPE_BITS	6		/* nft's concatenated type id shift */
#define TYPEOF_CONCAT	13		/* nft's udata id of a concatenation */
#define BYTEORDER_HOST	1
#define BYTEORDER_BIG	2

static uint32_t
key_byteorder(const struct nir_set *s)
{
	if (s->ntypes > 1)
		return 0;
	switch (s->types[0]) {
	case NT_IFNAME:		return BYTEORDER_HOST;
	case NT_PROTO:		return 0;
	default:		return BYTEORDER_BIG;
	}
}

/* The set's userdata, byte for byte what nft 1.0.6 attaches. */
static int
set_udata(struct nftnl_set *ns, const struct nir_set *s)
{
	struct nftnl_udata_buf *u;
	struct nftnl_udata *n1, *n2;
	int rc = -1;

	if ((u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN)) == NULL)
		return -1;
	if (!nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER,
	    key_byteorder(s)))
		goto out;
	if (s->data == ND_VERDICT && !nftnl_udata_put_u32(u,
	    NFTNL_UDATA_SET_DATABYTEORDER, 0))
		goto out;
	if (s->ntypes > 1) {
		if ((n1 = nftnl_udata_nest_start(u,
		    NFTNL_UDATA_SET_KEY_TYPEOF)) == NULL)
			goto out;
		if (!nftnl_udata_put_u32(u, NFTNL_UDATA_SET_TYPEOF_EXPR,
		    TYPEOF_CONCAT))
			goto out;
		if ((n2 = nftnl_udata_nest_start(u,
		    NFTNL_UDATA_SET_TYPEOF_DATA)) == NULL)
			goto out;
		nftnl_udata_nest_end(u, n2);
		nftnl_udata_nest_end(u, n1);
	}
	if (s->data != ND_NONE && !nftnl_udata_put_u32(u,
	    NFTNL_UDATA_SET_DATA_INTERVAL, 0))
		goto out;
	if (nftnl_set_set_data(ns, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
	    nftnl_udata_buf_len(u)) == 0)
		rc = 0;
out:
	nftnl_udata_buf_free(u);
	return rc;
}

static struct nftnl_set_elem *
elem_new(struct nftnl_set *ns)
{
	struct nftnl_set_elem *e;

	if ((e = nftnl_set_elem_alloc()) != NULL)
		nftnl_set_elem_add(ns, e);
	return e;
}

static int
elem_data(struct nftnl_set_elem *ne, const struct nft_ir *ir,
    const struct nir_set *s, const struct nir_elem *e)
{
	if (e->timeout_ms != 0)
		nftnl_set_elem_set_u64(ne, NFTNL_SET_ELEM_TIMEOUT,
		    e->timeout_ms);
	if (s->data == ND_VERDICT) {
		if (e->verdict == NV_JUMP) {
			nftnl_set_elem_set_u32(ne, NFTNL_SET_ELEM_VERDICT,
			    (uint32_t)NFT_JUMP);
			nftnl_set_elem_set_str(ne, NFTNL_SET_ELEM_CHAIN,
			    ir->chains[e->ref].name);
		} else
			nftnl_set_elem_set_u32(ne, NFTNL_SET_ELEM_VERDICT,
			    e->verdict == NV_ACCEPT ? NF_ACCEPT : NF_DROP);
	} else if (s->data == ND_COUNTER &&
	    nftnl_set_elem_set_str(ne, NFTNL_SET_ELEM_OBJREF,
	    ir->counters[e->ref]) < 0)
		return -1;
	return 0;
}

/*
 * One-field intervals go to the rbtree backend as nft sends them: a start
 * element per range and an end element (flag INTERVAL_END) at hi + 1, an
 * end element at 0 first when the first range does not start there, and
 * an "open interval" userdata mark when a range runs to the top.
 */
static int
rbtree_elems(struct nftnl_set *ns, const struct nir_set *s)
{
	static const uint8_t open_ud[] = { 0x01, 0x04, 0x01, 0x00, 0x00, 0x00 };
	int len = nir_type_len(s->types[0]), k;
	uint8_t zero[NIR_KEYMAX] = { 0 }, end[NIR_KEYMAX];
	struct nftnl_set_elem *ne;
	size_t i;
	bool top;

	for (i = 0; i < s->nelems; i++) {
		const struct nir_elem *e = &s->elems[i];

		if (i == 0 && memcmp(e->lo, zero, len) != 0) {
			if ((ne = elem_new(ns)) == NULL)
				return -1;
			nftnl_set_elem_set(ne, NFTNL_SET_ELEM_KEY, zero, len);
			nftnl_set_elem_set_u32(ne, NFTNL_SET_ELEM_FLAGS,
			    NFT_SET_ELEM_INTERVAL_END);
		}
		if ((ne = elem_new(ns)) == NULL)
			return -1;
		nftnl_set_elem_set(ne, NFTNL_SET_ELEM_KEY, e->lo, len);
		memcpy(end, e->hi, len);
		for (top = true, k = len - 1; k >= 0; k--)
			if (++end[k] != 0) {
				top = false;
				break;
			}
		if (top) {
			nftnl_set_elem_set(ne, NFTNL_SET_ELEM_USERDATA, open_ud,
			    sizeof(open_ud));
			continue;
		}
		if ((ne = elem_new(ns)) == NULL)
			return -1;
		nftnl_set_elem_set(ne, NFTNL_SET_ELEM_KEY, end, len);
		nftnl_set_elem_set_u32(ne, NFTNL_SET_ELEM_FLAGS,
		    NFT_SET_ELEM_INTERVAL_END);
	}
	return 0;
}

struct nftnl_set *
nftc_set_obj(const struct nft_ir *ir, size_t si)
{
	const struct nir_set *s = &ir->sets[si];
	struct nftnl_set *ns;
	struct nftnl_set_elem *ne;
	uint32_t flags = 0, ktype = 0;
	uint8_t fl[NIR_MAXFIELDS + 1] = { 0 };
	int klen = nir_set_keylen(s), i;
	size_t k;

	if ((ns = nftnl_set_alloc()) == NULL)
		return NULL;
	nftnl_set_set_str(ns, NFTNL_SET_TABLE, NFTC_TABLE);
	nftnl_set_set_str(ns, NFTNL_SET_NAME, s->name);
	nftnl_set_set_u32(ns, NFTNL_SET_FAMILY, NFPROTO_INET);
	for (i = 0; i < s->ntypes; i++)
		ktype = ktype << TYPE_BITS | (uint32_t)s->types[i];
	if (s->interval)
		flags |= NFT_SET_INTERVAL;
	if (s->timeout)
		flags |= NFT_SET_TIMEOUT;
	if (s->data == ND_VERDICT)
		flags |= NFT_SET_MAP;
	if (s->data == ND_COUNTER)
		flags |= NFT_SET_OBJECT;
	if (s->interval && s->ntypes > 1)
		flags |= NFT_SET_CONCAT;
	nftnl_set_set_u32(ns, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(ns, NFTNL_SET_KEY_TYPE, ktype);
	nftnl_set_set_u32(ns, NFTNL_SET_KEY_LEN, (uint32_t)klen);
	if (s->data == ND_VERDICT) {
		nftnl_set_set_u32(ns, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
		nftnl_set_set_u32(ns, NFTNL_SET_DATA_LEN, 0);
	}
	if (s->data == ND_COUNTER)
		nftnl_set_set_u32(ns, NFTNL_SET_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nftnl_set_set_u32(ns, NFTNL_SET_ID, (uint32_t)si + 1);
	if (nir_set_size(s) > 0)
		nftnl_set_set_u32(ns, NFTNL_SET_DESC_SIZE, nir_set_size(s));
	if (s->interval && s->ntypes > 1) {
		for (i = 0; i < s->ntypes; i++)
			fl[i] = (uint8_t)nir_type_len(s->types[i]);
		nftnl_set_set_data(ns, NFTNL_SET_DESC_CONCAT, fl,
		    (uint32_t)s->ntypes);
	}
	if (set_udata(ns, s) == -1)
		goto fail;
	if (s->interval && s->ntypes == 1) {
		if (rbtree_elems(ns, s) == -1)
			goto fail;
		return ns;
	}
	for (k = 0; k < s->nelems; k++) {
		if ((ne = elem_new(ns)) == NULL)
			goto fail;
		nftnl_set_elem_set(ne, NFTNL_SET_ELEM_KEY, s->elems[k].lo,
		    (uint32_t)klen);
		if (s->interval)
			nftnl_set_elem_set(ne, NFTNL_SET_ELEM_KEY_END,
			    s->elems[k].hi, (uint32_t)klen);
		if (elem_data(ne, ir, s, &s->elems[k]) == -1)
			goto fail;
	}
	return ns;
fail:
	nftnl_set_free(ns);
	return NULL;
}
