/* nl.h - the netfilter netlink socket: ruleset generation and atomic batches. */
#ifndef BUNRI_NL_H
#define BUNRI_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftc_out;
struct nftnl_set;

/*
 * One socket for the daemon's lifetime: a table created with the owner
 * flag belongs to this socket, so closing it orphans the table (with the
 * persist flag it stays in the kernel; without, the kernel deletes it).
 */
struct nl;

/* Why a batch was refused.  msg names the object: "adding set X: File exists". */
struct nl_error {
	int	 code;		/* errno of the first failing message, 0: none */
	bool	 table_flags;	/* the kernel refused the table's flags */
	char	 msg[512];
};

struct nl	*nl_open(void);			/* NULL + errno */
void		 nl_close(struct nl *);		/* NULL is a no-op */
/* The socket's netlink port: events carrying it are our own changes. */
uint32_t	 nl_portid(const struct nl *);

/* The ruleset generation (NFT_MSG_GETGEN).  -1 + errno. */
int	 nl_getgen(struct nl *, uint32_t *gen);

/*
 * Replace table inet bunri by `out` in ONE batch, the kernel applying all
 * or nothing: create the table if missing (so the delete cannot fail),
 * delete it, create it with out->table's flags, remove the boot-time
 * table inet bunri_base (basetable.h) the same way, then counters, chains,
 * sets with their elements (verdict maps jump to chains), rules.  The batch carries the generation read
 * just before; if another process changed the ruleset in between the
 * kernel refuses it (ERESTART) and we retry a few times.  0 on success;
 * -1 with `e` filled otherwise, nothing applied.
 */
int	 nl_replace_table(struct nl *, const struct nftc_out *,
	    struct nl_error *e);

/*
 * Add (add = true) or delete the elements held by `set` (name and
 * table set on it) in one batch: the emergency paths (isolate, restore)
 * that must not rebuild the table.  Same error reporting.
 */
int	 nl_set_elems(struct nl *, struct nftnl_set *, bool add,
	    struct nl_error *e);

#endif
