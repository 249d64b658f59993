/* nftc.h - the nftables compiler: policy model -> ruleset IR -> libnftnl objects or nft text. */
#ifndef BUNRI_NFTC_H
#define BUNRI_NFTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "policy.h"

struct nft_ir;			/* the rendered ruleset, opaque */
struct nftnl_table;
struct nftnl_chain;
struct nftnl_set;
struct nftnl_rule;
struct nftnl_obj;

#define NFTC_TABLE	"bunri"		/* family inet */

struct nftc_opts {
	time_t		 now;		/* expiry: elements get the time left */
	const bool	*isolated;	/* NULL or policy->nzones flags */
	uint32_t	 table_flags;	/* NFT_TABLE_F_* to set on the table */
};

/*
 * Render the whole desired state of table inet bunri from the model.
 * Pure: no I/O, no kernel.  Returns NULL only when out of memory.
 */
struct nft_ir	*nftc_compile(const struct policy *, const struct nftc_opts *);
void		 nft_ir_free(struct nft_ir *);

/*
 * The counter object of a flow: its id when nft can spell it as a bare
 * word (nft has no quoting for object names), else "flow-<n>" with n the
 * flow's position (index + 1).  Returns buf.
 */
const char	*nftc_counter_name(const struct flow *, char *buf, size_t len);

/*
 * The libnftnl objects.  A batch must create them in this order: table,
 * chains (verdict map elements jump to them), objs, sets each followed by
 * its elements (nftnl_set_elems_nlmsg_build_payload), rules.  Sets carry
 * NFTNL_SET_ID 1..n and rules refer to them by name and id, so the whole
 * table can go in one batch.
 */
struct nftc_out {
	struct nftnl_table	 *table;
	struct nftnl_obj	**objs;		/* named counters, one per flow id */
	size_t			  nobjs;
	struct nftnl_set	**sets;		/* each with its elements */
	size_t			  nsets;
	struct nftnl_chain	**chains;	/* base chains carry hook + policy */
	size_t			  nchains;
	struct nftnl_rule	**rules;	/* in chain order */
	size_t			  nrules;
};

int	 nftc_to_nftnl(const struct nft_ir *, struct nftc_out *);
void	 nftc_out_free(struct nftc_out *);

/*
 * The same ruleset as `nft -f` text, loadable as is; it replaces any
 * existing inet bunri table ("table; delete table; table { ... }").
 */
int	 nftc_render(const struct nft_ir *, FILE *);

#endif
