/* monitor.h - live monitoring: capture -> detection -> alert log and evidence, in the daemon's loop. */
#ifndef BUNRI_MONITOR_H
#define BUNRI_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "alertlog.h"
#include "capture.h"
#include "detect.h"
#include "evidence.h"
#include "loop.h"
#include "policy.h"

/*
 * Runs in both modes: in enforce mode a disallowed flow's alert says
 * "blocked" (nftables drops it), in monitor mode every disallowed flow
 * crossed ("allowed", zone-breach).  The policy and the isolation flags
 * are borrowed from the daemon's enforce state; after a reload the
 * daemon hands the new ones over with monitor_policy() before the old
 * policy is freed.
 */
struct monitor {
	struct loop	*loop;
	struct policy	*pol;		/* borrowed */
	const bool	*isolated;	/* borrowed */
	struct detect	*det;
	struct alertlog	 al;
	bool		 al_open;
	struct capture	 cap;
	struct evidence	 ev;
	struct source	 tick;		/* 1 s CLOCK_MONOTONIC timerfd */
	unsigned	 since_checkpoint;	/* seconds */
	unsigned	 since_loss;	/* seconds since the last capture-loss alert */
	uint64_t	 loss_pending;	/* drops not yet reported */
	int		 linktype;	/* of the packet in detection */
	uint64_t	 own_alerts[SIG_MAX + 1];	/* written here, not by detect */
	struct detect_stats prev;	/* of the engines replaced by reloads */
	struct capture_totals cap_prev;	/* of the handles closed by reloads */
	struct timeval	 started;
};

/*
 * Open the alert log, the evidence directory, the capture handles and
 * the timer; build the engine.  -1 after logging why (nothing left open).
 */
int	 monitor_start(struct monitor *, struct policy *, const bool *isolated,
	    struct loop *);
/*
 * monitor_start in two steps, so that bunrid can send READY=1 between
 * them: opening the capture rings costs 15-25 ms per handle, and the
 * policy is enforced without them.  monitor_open does all but the
 * capture (the alert log is open: alerts of the start are written);
 * monitor_capture opens the capture handles.  -1 after logging why
 * (monitor_open: nothing left open; monitor_capture: no handle open).
 */
int	 monitor_open(struct monitor *, struct policy *, const bool *isolated,
	    struct loop *);
int	 monitor_capture(struct monitor *);
/* Packets and drops since start, capture handles replaced by reloads included. */
void	 monitor_capture_totals(const struct monitor *, struct capture_totals *);
/*
 * A new running policy: the old engine's flows end (their flow events,
 * with the old policy still valid), a new engine is built, the log takes
 * the new alerts settings, capture handles follow monitor.interfaces.
 */
int	 monitor_policy(struct monitor *, struct policy *, const bool *isolated);
/*
 * sid 9: what = "applied", "reloaded", "refused"; why (may be NULL) the
 * reason of a refusal.
 */
void	 monitor_policy_event(struct monitor *, const char *what,
	    const char *path, const struct policy *, const char *why);
/*
 * An alert of the daemon's own, no packet behind it (sid 8, 9), counted
 * in own_alerts.  Nothing when m is NULL or has no open log yet.
 */
void	 monitor_alert(struct monitor *, enum sig, const char *signature,
	    const char *detail);
/* SIGHUP: reopen alerts.file (logrotate moved it). */
void	 monitor_reopen(struct monitor *);
/* Stop: flows end, a last stats checkpoint, the log is synced and closed. */
void	 monitor_stop(struct monitor *);

#endif
