/* nft_ir_overlap.h - private to nft_ir*.c: making the elements of an interval set disjoint. */
#ifndef BUNRI_NFT_IR_OVERLAP_H
#define BUNRI_NFT_IR_OVERLAP_H

struct nir_set;

/*
 * Concatenated keys: boxes that overlap are cut so that each packet
 * matches one element, the overlap going to the longer-lived, then the
 * wider, then the earlier one.  Elements in any order.  -1: out of memory.
 */
int	 nir_disjoin_boxes(struct nir_set *);
/* One field, elements sorted: touching or overlapping intervals joined. */
void	 nir_merge_ranges(struct nir_set *, int klen);

#endif
