/* notify.h - the systemd notification protocol without libsystemd: READY=1, STATUS=, WATCHDOG=1. */
#ifndef BUNRI_NOTIFY_H
#define BUNRI_NOTIFY_H

#include <stdint.h>

#include "loop.h"

/*
 * $NOTIFY_SOCKET is read once; without it (not started by systemd with
 * Type=notify) every call is a no-op.  The watchdog pings from a
 * CLOCK_MONOTONIC timer in the event loop at half of $WATCHDOG_USEC, so
 * a loop that hangs stops the pings and systemd restarts the daemon.
 */
struct notify {
	char		*path;		/* of $NOTIFY_SOCKET, owned; NULL: off */
	int		 fd;		/* datagram socket, -1 */
	struct source	 wd;		/* watchdog timerfd, fd -1 when off */
	uint64_t	 wd_usec;	/* $WATCHDOG_USEC, 0: off */
	struct loop	*loop;
};

/* Read the environment, start the watchdog timer.  -1 + errno. */
int	 notify_init(struct notify *, struct loop *);
void	 notify_fini(struct notify *);
/* Send one state line ("READY=1", "STATUS=..."); 0 also when off. */
int	 notify_send(struct notify *, const char *state);
int	 notify_sendf(struct notify *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
