/* alertlog.h - bunrid's alert log: EVE lines sealed by the chain, appended to alerts.file, copied to syslog. */
#ifndef BUNRI_ALERTLOG_H
#define BUNRI_ALERTLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "alert.h"
#include "chain.h"
#include "json.h"
#include "policy.h"

/*
 * Files: alerts.file (0640, directory created 0750 if missing),
 * state_dir/chain.key (k_1 in hex, 0600, written once when no chain
 * exists yet) and state_dir/chain.state (chain_state_fmt(), 0600,
 * rewritten in place after every line, so a restart continues with the
 * next seq).  Both data files are fdatasync'ed at most once a second and
 * at alertlog_close().
 */
struct alertlog {
	char		*path;		/* alerts.file */
	char		*state_dir;
	int		 fd;		/* the log, -1 when closed */
	int		 state_fd;	/* chain.state, locked against a second bunrid */
	struct chain	 chain;
	struct jbuf	 jb;
	char		*out;		/* out[0] '\n', then the sealed line */
	size_t		 outsz;
	bool		 tail_cut;	/* the last write was short: start with \n */
	bool		 syslog;
	int		 facility;	/* LOG_LOCAL4, ... */
	bool		 failing;	/* the last write failed (said once) */
	uint64_t	 written;	/* lines written since start */
	uint64_t	 lost;		/* lines that could not be written */
	struct timespec	 synced;	/* CLOCK_MONOTONIC of the last fdatasync */
	bool		 dirty;
};

/*
 * Take the files and settings from the policy (alerts.file, alerts.syslog,
 * alerts.facility, gateway.state_dir), load or create the chain, open the
 * log.  Returns 0, or -1 after logging why (the daemon decides).
 */
int	 alertlog_open(struct alertlog *, const struct policy *);
/* Encode, seal, append with one write(), persist the chain state, syslog. */
int	 alertlog_write(struct alertlog *, const struct alert_rec *);
/* Close and reopen alerts.file (SIGHUP, after logrotate moved it). */
int	 alertlog_reopen(struct alertlog *);
/*
 * A reloaded policy: syslog and facility apply at once; a new
 * alerts.file is opened (the chain continues); a new state_dir is not
 * taken over while running (logged).
 */
int	 alertlog_configure(struct alertlog *, const struct policy *);
/* fdatasync the log, then the state. */
int	 alertlog_sync(struct alertlog *);
/* Final flush, close, erase the key from memory.  Safe twice. */
void	 alertlog_close(struct alertlog *);

/* The next seq the log will write (status, stats). */
uint64_t alertlog_seq(const struct alertlog *);
/* syslog facility value for a policy name ("local4"), -1 if unknown. */
int	 alertlog_facility(const char *);

#endif
