/* nl_counters.h - read the named counters of table inet bunri (NFT_MSG_GETOBJ dump). */
#ifndef BUNRI_NL_COUNTERS_H
#define BUNRI_NL_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

struct nl_counter {
	char		*name;		/* owned */
	uint64_t	 packets;
	uint64_t	 bytes;
};

/*
 * Dump every named counter of table inet bunri over a netlink socket of
 * its own (reading needs no ownership of the table).  On success *v
 * (sorted by name, for nl_counter_find) and *n are set, 0 returned;
 * -1 + errno otherwise (no table: an empty dump).  Never waits
 * more than about two seconds for the kernel.
 */
int	 nl_counters_dump(struct nl_counter **v, size_t *n);
void	 nl_counters_free(struct nl_counter *, size_t);
/* Binary search in a dump; NULL if absent. */
const struct nl_counter *nl_counter_find(const struct nl_counter *, size_t,
	    const char *name);

#endif
