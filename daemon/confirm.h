/* confirm.h - bunrictl apply FILE [--confirm SECONDS]: a new policy that rolls itself back unless confirmed. */
#ifndef BUNRI_CONFIRM_H
#define BUNRI_CONFIRM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "ctlproto.h"
#include "loop.h"

struct ctl_peer;
struct enforce;
struct history;
struct monitor;

#define CONFIRM_MAX	3600		/* seconds a rollback may wait */

/*
 * The remedy for locking oneself out: the previous policy's text is held
 * until `bunrictl confirm`; when the time runs out first it is loaded
 * and applied again (isolation and temporary exceptions carried over).
 */
struct confirm {
	struct enforce	*enf;		/* borrowed, like the rest */
	struct monitor	*mon;
	struct history	*hist;
	struct loop	*loop;
	struct source	 timer;		/* CLOCK_REALTIME: the deadline */
	bool		 pending;
	time_t		 deadline;
	unsigned	 secs;
	char		*prev_text;	/* the policy to go back to */
	size_t		 prev_len;
	uint8_t		 prev_sha[32];
	char		*prev_path;	/* owned: where it came from */
	char		*path;		/* owned: enf->path after an apply */
};

int	 confirm_init(struct confirm *, struct loop *, struct enforce *,
	    struct monitor *, struct history *);
void	 confirm_fini(struct confirm *);

/*
 * `bunrictl apply`: text holds path=ABSOLUTE and confirm=SECONDS (0: no
 * rollback).  bunrid reads the file itself (it is root): the peer must be
 * able to read it too (owner, group or other read bit, or root).  The
 * file becomes the policy a reload re-reads; a restart reads -c again.
 */
enum ctlp_status confirm_apply(struct confirm *, const char *text,
	    const struct ctl_peer *, FILE *out);
/* `bunrictl confirm`: keep the applied policy. */
enum ctlp_status confirm_confirm(struct confirm *, FILE *out);
/* For status: the apply that awaits confirmation, if any. */
void	 confirm_print(const struct confirm *, FILE *out);

#endif
