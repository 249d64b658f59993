/* tablefp.h - a fingerprint of table inet bunri as the kernel holds it, dumped over netlink, and its diff. */
#ifndef BUNRI_TABLEFP_H
#define BUNRI_TABLEFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

/*
 * One item per chain (its header and its rules in order), set (header
 * and the multiset of its elements) and named object (name and type).
 * What changes by itself is left out: handles, counter values, element
 * countdowns, and elements that carry a timeout at all (the kernel
 * removes those when they expire; the live event watch sees them added).
 */
struct tablefp_item {
	char		 kind;		/* 'c' chain, 's' set, 'o' object */
	char		*name;		/* owned */
	uint64_t	 h;
	uint32_t	 n;		/* rules or (untimed) elements */
	bool		 timed;		/* a set with the timeout flag */
};

struct tablefp {
	bool			 present;	/* the table exists */
	struct tablefp_item	*v;
	size_t			 n, cap;
};

/*
 * Dump table inet bunri (only it: its chains, rules, objects, sets and
 * each set's elements) on `s`, a bound NETLINK_NETFILTER socket used for
 * nothing else.  0 with fp filled (absent table: present false); -1 +
 * errno, fp empty.
 */
int	 tablefp_dump(struct mnl_socket *s, struct tablefp *fp);
void	 tablefp_free(struct tablefp *);

/*
 * Name what differs from `want` in `got` ("rule added to chain forward
 * (7 rules, 6 expected)", "set x deleted", "table deleted"), joined by
 * "; " into buf.  Returns the number of differences, 0: equal.
 */
size_t	 tablefp_diff(const struct tablefp *want, const struct tablefp *got,
	    char *buf, size_t len);

#endif
