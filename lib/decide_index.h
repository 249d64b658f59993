/* decide_index.h - private: flows grouped by zone pair and indexed by address. */
#ifndef BUNRI_DECIDE_INDEX_H
#define BUNRI_DECIDE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "policy.h"

/* The address (pair) a flow is pinned to; key2 zero when only one end is. */
struct didx_ent {
	struct addr	 key;
	struct addr	 key2;
	const struct flow *f;
};

/*
 * The flows of one (from zone, to zone) pair.  A flow end is pinned when it
 * is a host or a single address.  Each flow sits in exactly one list:
 * both (both ends pinned: keyed by every (dst, src) address pair), dst
 * (only `to` pinned), src (only `from` pinned) or wide (neither), so the
 * flows that can match a packet are the both entries of its (dst, src),
 * the dst entries of its destination, the src entries of its source and
 * wide: a few binary searches even with 100,000 flows to one server.
 * Equal keys are in policy order.
 */
struct didx_pair {
	size_t		 from, to;	/* zone indexes */
	const struct flow **all;	/* every flow of the pair */
	size_t		 nall;
	struct didx_ent	*both;
	size_t		 nboth;
	struct didx_ent	*dst;
	size_t		 ndst;
	struct didx_ent	*src;
	size_t		 nsrc;
	const struct flow **wide;
	size_t		 nwide;
	size_t		 npermanent;	/* flows without expires */
	time_t		 max_expires;	/* latest expiry of the others */
};

struct decide_index {
	struct didx_pair *pairs;	/* by (from, to) */
	size_t		 npairs;
	const struct flow **all;	/* backing arrays of the pairs */
	struct didx_ent	*both;
	struct didx_ent	*dst;
	struct didx_ent	*src;
	const struct flow **wide;
};

/* Is the endpoint pinned to a few single addresses (a host, an address)? */
bool		 didx_ep_pinned(const struct endpoint *);
const struct didx_pair *didx_pair_find(const struct decide_index *,
		    size_t from, size_t to);
/* The entries with key a and key2 b (b NULL: zero), count in *nfound. */
const struct didx_ent *didx_ent_find(const struct didx_ent *, size_t n,
		    const struct addr *a, const struct addr *b, size_t *nfound);

#endif
