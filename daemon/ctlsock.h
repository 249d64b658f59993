/* ctlsock.h - bunrid's control socket: bunrictl's online commands, served from the event loop. */
#ifndef BUNRI_CTLSOCK_H
#define BUNRI_CTLSOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "ctlproto.h"
#include "loop.h"

struct enforce;
struct monitor;
struct ctl_client;
struct history;
struct confirm;
struct allow;

/* Clients served at once; one more is told "busy" and closed. */
#define CTLSOCK_MAXCLIENTS	16
/* Seconds a client has to send its request, and again to read the reply. */
#define CTLSOCK_TIMEOUT		10
/* The group whose members (and root) may change things. */
#define CTLSOCK_GROUP		"bunri"

/*
 * When a flow's counter was last seen to grow.  The counters are read
 * only when a client asks (status, flows): reading all of them costs the
 * kernel time quadratic in their number, far too much to do on a timer
 * with 100,000 flows.  So a hit is known to lie between two requests:
 * after `since` (the previous read, or the policy load) and by `last`.
 */
struct ctl_hit {
	char		*name;		/* counter name, owned */
	uint64_t	 packets, bytes;
	time_t		 last;		/* read that saw it grow; 0: never */
	time_t		 since;		/* the read before that one */
};

/* Who is asking: the peer's credentials from SO_PEERCRED at accept. */
struct ctl_peer {
	pid_t		 pid;
	uid_t		 uid;
	gid_t		 gid;
	int		 fd;		/* for SO_PEERGROUPS */
};

/*
 * Embedded in the daemon's struct.  The enforce state and the monitor
 * are borrowed; reload() does what SIGHUP does (returns 0 when the new
 * policy runs) so both ways of reloading stay one code path.
 */
struct ctlsock {
	char		*path;		/* owned; NULL: not open */
	struct source	 lsn;
	struct source	 tick;		/* 1 s CLOCK_MONOTONIC timerfd */
	struct loop	*loop;
	struct enforce	*enf;
	struct monitor	*mon;		/* NULL: monitoring not running */
	int		(*reload)(void *arg);
	void		*arg;
	struct ctl_client *clients[CTLSOCK_MAXCLIENTS];
	unsigned	 ticks;
	struct ctl_hit	*hits;		/* sorted by name */
	size_t		 nhits;
	time_t		 polled;	/* last counter read, 0: never */
	time_t		 started;
	/* Set by bunrid after ctlsock_open(); NULL: the command is refused. */
	struct history	*hist;
	struct confirm	*cf;
	struct allow	*allow;
};

/*
 * Create the socket at `path` (mode 0660, group bunri when that group
 * exists; the directory is made 0750 if missing), listen, add it and
 * the tick timer to the loop.  A stale socket file is replaced; a live
 * one (another bunrid) is left alone.  -1 after logging why.
 */
int	 ctlsock_open(struct ctlsock *, const char *path, struct loop *,
	    struct enforce *, struct monitor *, int (*reload)(void *), void *);
/* Close every client and the listener, remove the socket file. */
void	 ctlsock_close(struct ctlsock *);

/*
 * Run one parsed request for `peer`; the reply's body goes to `body`.
 * Returns the reply's status.  (ctlsock_cmds.c)
 */
enum ctlp_status ctlsock_run(struct ctlsock *, const struct ctlp_req *,
	    const struct ctl_peer *, FILE *body);
/* Read the counters now and note which grew since the previous read. */
int	 ctlsock_poll_counters(struct ctlsock *);
void	 ctlsock_hits_free(struct ctlsock *);
/*
 * May this peer change things (root, or group bunri as primary or
 * supplementary group)?  If not, why in buf.  (ctlsock_auth.c)
 */
bool	 ctlsock_may_change(const struct ctl_peer *, char *why, size_t len);
/* Is the peer a member of group gid (primary or supplementary)? */
bool	 ctlsock_peer_in_group(const struct ctl_peer *, gid_t);

#endif
