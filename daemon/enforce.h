/* enforce.h - keep the running policy applied: first apply, reload, expiry, isolation. */
#ifndef BUNRI_ENFORCE_H
#define BUNRI_ENFORCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "loop.h"
#include "policy.h"

struct nl;

/*
 * The running state of enforcement, one per daemon, embedded in its
 * struct.  The policy is swapped only for one that validated and was
 * applied; until then the old one and its ruleset stay.
 */
struct enforce {
	const char	*path;		/* the policy file, for reloads */
	struct policy	*pol;		/* the running policy, owned */
	/*
	 * The policy a reload replaced, owned, kept until enforce_retire()
	 * so what borrowed it (the detection engine) can end with it.
	 */
	struct policy	*retired;
	char		 why[512];	/* why the last reload was refused */
	/*
	 * A reload asked for through the control socket: its policy
	 * messages (file:line) are printed here too; NULL otherwise.
	 */
	FILE		*reply;
	bool		*isolated;	/* pol->nzones flags, owned */
	time_t		 loaded;	/* when pol was loaded */
	struct nl	*nl;		/* NULL in monitor mode */
	uint32_t	 table_flags;	/* NFT_TABLE_F_* for table inet bunri */
	struct source	 timer;		/* expiry: CLOCK_REALTIME timerfd */
	time_t		 next;		/* when the timer fires, 0: disarmed */
	time_t		 checked;	/* expiry applied up to here */
	struct loop	*loop;
	/*
	 * Called after every change bunrid made to the table (apply,
	 * isolation): the tamper watch re-reads its reference (nlwatch.h).
	 */
	void		(*applied)(void *arg, const struct policy *);
	void		*applied_arg;
	/*
	 * Called (arg: applied_arg) just before each batch that replaces
	 * the table (begin true) and just after it (begin false; committed:
	 * the kernel applied it): the tamper watch does not listen to our
	 * own batch.
	 */
	void		(*batch)(void *arg, bool begin, bool committed);
	/*
	 * Called with every new policy before it is applied (reload, apply,
	 * rollback): adds the temporary exceptions (allow.h).  -1: out of
	 * memory, the new policy is refused.
	 */
	int		(*amend)(void *arg, struct policy *, time_t now);
	void		*amend_arg;
};

/* Opens the timer and adds it to the loop; -1 + errno. */
int	 enforce_init(struct enforce *, const char *path, struct loop *);
/* Closes the timer and the netlink socket, frees the policy.  The ruleset stays. */
void	 enforce_fini(struct enforce *);

/*
 * Take `p` (validated) as the running policy: in enforce mode open the
 * netlink socket and apply it.  0 on success; -1 after logging why, p
 * freed, nothing applied.
 */
int	 enforce_start(struct enforce *, struct policy *p);

/*
 * Re-read the policy file.  An invalid file (every message logged), a
 * mode change or a refused batch keeps the running policy and ruleset.
 */
int	 enforce_reload(struct enforce *);

/*
 * Take `np` (validated, owned) as the running policy: amended, applied
 * with the isolation carried over, the old one retired.  -1: np freed,
 * the running policy stays, why in e->why.
 */
int	 enforce_replace(struct enforce *, struct policy *np, time_t now);

/* Free the policy the last reload replaced. */
void	 enforce_retire(struct enforce *);

/* Apply the running policy again as of `now` (expiry). */
int	 enforce_apply(struct enforce *, time_t now);

/* Isolate (on) or restore a zone by name: one atomic re-apply. */
int	 enforce_isolate(struct enforce *, const char *zone, bool on);

/* The earliest `expires` after now among the flows, 0 if none. */
time_t	 policy_next_expiry(const struct policy *, time_t now);

#endif
