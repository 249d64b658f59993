/* nlwatch.h - watch nftables events: restore table inet bunri when others change it, report foreign base chains. */
#ifndef BUNRI_NLWATCH_H
#define BUNRI_NLWATCH_H

#include <pthread.h>
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
	uint32_t		 gen_before;	/* before our first apply */
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
	/* our own batches (nlwatch_batch) */
	bool			 paused;	/* out of the event group */
	uint32_t		 gen_paused;	/* the generation then */
	unsigned		 test_unheard_ms; /* tests: widen the gap */
	struct source		 redo;		/* apply again, soon (timerfd) */
	/* nlwatch_prefetch's thread */
	pthread_t		 pre;
	bool			 pre_running;
	int			 pre_rc;	/* 0, or the errno of its read */
};

/*
 * Dump the table as found and note the generation, before bunrid's first
 * apply.  The events are joined only after that apply (nlwatch_start):
 * listening to our own batch made the kernel build an event per element
 * and counter, and us read them all back.  -1 + errno.
 */
int	 nlwatch_open(struct nlwatch *, struct loop *);
/*
 * Optional, before the policy is loaded: the same read (generation and
 * table as found) in a thread of its own, all signals blocked, so that
 * the kernel's dump of an orphaned table and libconfig's parse overlap
 * on two CPUs (~40 ms of a 10,000-flow start).  nlwatch_open() or
 * nlwatch_close() joins it; nlwatch_open() reads again itself if the
 * thread failed.  Nothing of w may be touched in between.  -1 if no
 * thread could be started (then nlwatch_open reads as usual).
 */
int	 nlwatch_prefetch(struct nlwatch *);
/*
 * After enforce_start(): join the events and watch from now on.  If the generation moved by more than our one
 * commit since nlwatch_open, another program committed in between,
 * unwatched: our table is applied again (now watched).  -1 after
 * logging why.
 */
int	 nlwatch_start(struct nlwatch *, struct enforce *, const struct policy *,
	    nlwatch_tamper_fn, void *arg);
/*
 * After nlwatch_start (bunrid: after READY=1): read back our table as the
 * reference, compare it with what was found at start (reported through
 * tamper when the table had been changed or deleted while no bunrid ran;
 * a changed policy file explains a difference), remember the boot and
 * policy in state_dir/table.state.
 */
void	 nlwatch_verify(struct nlwatch *, const struct policy *);
/*
 * enforce's batch hook (arg: the nlwatch): bunrid's own batches are not
 * listened to.  The kernel builds an event for every element and counter
 * of a batch for each listener, and we read them all back: a reload of
 * 100,000 flows took 10.9 s so, 0.9 s without.  Before the batch the
 * generation is noted and the event group left; after it, joined again.
 * If the generation moved by more than our own commit meanwhile, another
 * program committed unheard, and the table is applied again soon, heard
 * this time (as at start).  A base chain another program added in that
 * window is not reported.
 */
void	 nlwatch_batch(void *nlwatch, bool begin, bool committed);
/* Every apply of bunrid's own (enforce's applied hook; arg: the nlwatch): the new reference. */
void	 nlwatch_applied(void *nlwatch, const struct policy *);
void	 nlwatch_close(struct nlwatch *);

#endif
