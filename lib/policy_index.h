/* policy_index.h - private lookup tables of a policy (sorted arrays, binary search). */
#ifndef BUNRI_POLICY_INDEX_H
#define BUNRI_POLICY_INDEX_H

#include <stddef.h>

#include "policy.h"

struct pi_iface {
	const char	*name;		/* borrowed from the zone */
	struct zone	*zone;
	size_t		 seq;		/* model order: the first one wins */
};

struct pi_mac {
	struct mac	 mac;
	struct host	*host;
	size_t		 seq;
};

struct pi_addr {
	struct addr	 a;
	struct host	*host;
	size_t		 seq;
};

struct pi_net {
	struct addr	 net;		/* masked */
	struct zone	*zone;
	size_t		 seq;
};

/* A run of nets with one (family, plen), longest first. */
struct pi_netgroup {
	uint8_t		 family;
	uint8_t		 plen;
	size_t		 start;
	size_t		 n;
};

struct policy_index {
	struct pi_iface	*ifaces;	/* by name */
	size_t		 nifaces;
	struct pi_mac	*macs;		/* by MAC */
	size_t		 nmacs;
	struct pi_addr	*addrs;		/* by address */
	size_t		 naddrs;
	struct pi_net	*nets;		/* by family, plen descending, bytes */
	size_t		 nnets;
	struct pi_netgroup *groups;
	size_t		 ngroups;
	struct flow    **flows;		/* by id */
	size_t		 nflows;
};

void		 policy_index_free(struct policy_index *);
struct zone	*pi_zone_of_iface(const struct policy_index *, const char *);
struct zone	*pi_zone_of_addr(const struct policy_index *, const struct addr *);
struct host	*pi_host_by_mac(const struct policy_index *, const struct mac *);
struct host	*pi_host_by_addr(const struct policy_index *, const struct addr *);
struct flow	*pi_flow_by_id(const struct policy_index *, const char *);

#endif
