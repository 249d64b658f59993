/* nlwatch.h - watch nftables events: restore table inet bunri when others change it, report foreign base chains. */
#ifndef BUNRI_NLWATCH_H
#define BUNRI_NLWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "policy.h"
#include "tablefp.h"

struct enforce;
struct mnl_socket;

/*
 * what: a change to table inet bunri that bunrid did not make (restored
 * true once it is undone, false if re-applying failed), or a base chain
 * of another table hooking forward or input (restored false, left as is).
 */
typedef void	(*nlwatch_tamper_fn)(void *arg, const char *what, bool restored);

/*
 * With the table flags owner,persist the kernel refuses others' changes
 * while bunrid runs; this catches what remains: changes while the table
 * was orphaned (seen at start), kernels without the flags, and foreign
 * base chains.  Events of our own netlink socket (its port) are ours.
 * When events are lost (ENOBUFS) the generation is read and, if it moved,
 * table inet bunri alone is dumped and compared with what we installed.
 */
struct nlwatch {
	struct loop		*loop;
	struct enforce		*enf;		/* borrowed */
	struct source		 ev;		/* NFNLGRP_NFTABLES */
	struct mnl_socket	*evsock;
	struct mnl_socket	*dumpsock;	/* dumps and GETGEN */
	struct tablefp		 want;		/* as the last apply left it */
	struct tablefp		 before;	/* found at start, before ours */
	bool			 started;
	uint32_t		 gen;		/* `want` verified at this generation */
	char			*state_path;	/* state_dir/table.state */
	nlwatch_tamper_fn	 tamper;
	void			*arg;
	/* one read of events */
	bool			 dirty;		/* our table was changed by others */
	struct {
		char		 text[120];	/* "rule added to chain forward" */
		bool		 deletion;	/* implied by a table deletion */
		unsigned	 count;
	}			 notes[12];
	size_t			 nnotes;
	unsigned		 more;		/* notes beyond the array */
	char			 who[80];	/* " (by nft, pid 1234)" */
	char			 what[1600];
	uint64_t		 ntampered;	/* restores done (status) */
	uint64_t		 nforeign;	/* foreign base chains seen (status) */
	uint64_t		 nlost;		/* ENOBUFS fallbacks (status) */
};

/*
 * Subscribe to the events and dump the table as found, before bunrid's
 * first apply (so that nothing between is missed).  -1 + errno.
 */
int	 nlwatch_open(struct nlwatch *, struct loop *);
/*
 * After enforce_start(): compare what was found with what the policy
 * installed (reported through tamper when the table had been changed or
 * deleted while no bunrid ran; a changed policy file explains a
 * difference), remember the boot and policy in state_dir/table.state,
 * and watch from now on.  -1 after logging why.
 */
int	 nlwatch_start(struct nlwatch *, struct enforce *, const struct policy *,
	    nlwatch_tamper_fn, void *arg);
/* Every apply of bunrid's own (enforce's applied hook; arg: the nlwatch): the new reference. */
void	 nlwatch_applied(void *nlwatch, const struct policy *);
void	 nlwatch_close(struct nlwatch *);

#endif
