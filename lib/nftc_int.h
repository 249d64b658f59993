/* nftc_int.h - private helpers shared by the nftables compiler's files. */
#ifndef BUNRI_NFTC_INT_H
#define BUNRI_NFTC_INT_H

#include "nft_ir.h"
#include "nftc.h"

/* Encode one field value (lo..hi) of an element at field position i. */
void	 nftc_key_addr(const struct nir_set *, struct nir_elem *, int i,
	    const struct addr *);
void	 nftc_key_mac(const struct nir_set *, struct nir_elem *, int i,
	    const struct mac *);
void	 nftc_key_u8(const struct nir_set *, struct nir_elem *, int i, uint8_t);
void	 nftc_key_port(const struct nir_set *, struct nir_elem *, int i,
	    uint16_t lo, uint16_t hi);
void	 nftc_key_ifname(const struct nir_set *, struct nir_elem *, int i,
	    const char *);

/* The expanded addresses of an endpoint (prefixes), borrowed. */
size_t	 nftc_ep_addrs(const struct endpoint *, const struct addr **);

/* The compiler's steps, in the order they add sets and chains. */
void	 nftc_zones(struct nft_ir *, const struct policy *,
	    const struct nftc_opts *, size_t *zone_chain);
void	 nftc_flows(struct nft_ir *, const struct policy *,
	    const struct nftc_opts *, const size_t *counter_of);
void	 nftc_input(struct nft_ir *, const struct policy *, size_t input);

/* One IR set as a libnftnl set with its elements (NFTNL_SET_ID = index + 1). */
struct nftnl_set *nftc_set_obj(const struct nft_ir *, size_t);

bool	 nftc_flow_live(const struct flow *, time_t now);

#endif
