/* clockcheck.h - is the system clock synchronized?  At start and hourly; sid 8 when not. */
#ifndef BUNRI_CLOCKCHECK_H
#define BUNRI_CLOCKCHECK_H

#include <stdbool.h>

#include "loop.h"

struct monitor;

#define CLOCKCHECK_INTERVAL	3600	/* seconds */

struct clockcheck {
	struct monitor	*mon;		/* borrowed: where the alert goes */
	struct loop	*loop;
	struct source	 timer;		/* CLOCK_MONOTONIC, every interval */
	bool		 unsynced;	/* at the last check */
};

/*
 * Check now (an alert if the kernel says the clock is not synchronized:
 * adjtimex() returns TIME_ERROR or sets STA_UNSYNC), then every hour.
 * -1 + errno when the timer cannot be made.
 */
int	 clockcheck_start(struct clockcheck *, struct monitor *, struct loop *);
void	 clockcheck_stop(struct clockcheck *);
/* 1 unsynchronized (why in buf), 0 synchronized, -1 adjtimex failed. */
int	 clockcheck_unsynced(char *why, size_t len);

#endif
