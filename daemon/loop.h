/* loop.h - one epoll event loop; every source is a file descriptor. */
#ifndef BUNRI_LOOP_H
#define BUNRI_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*
 * A source is embedded in its owner's struct; arg points back at the
 * owner so ready() needs no container_of arithmetic.  ready() gets the
 * epoll events (EPOLLIN, EPOLLERR, ...).
 */
struct source {
	int	 fd;
	void	(*ready)(struct source *, uint32_t events);
	void	*arg;
};

struct loop;

struct loop	*loop_new(void);		/* NULL + errno */
void		 loop_free(struct loop *);	/* does not close sources */
int		 loop_add(struct loop *, struct source *, uint32_t events);
int		 loop_del(struct loop *, struct source *);
/* loop_del() and close(s->fd), s->fd = -1; a no-op when s->fd is -1. */
void		 loop_close_source(struct loop *, struct source *);
/* Wait and dispatch until loop_stop(); -1 on an epoll error. */
int		 loop_run(struct loop *);
/* One wait of at most timeout_ms (-1: forever); returns sources run. */
int		 loop_once(struct loop *, int timeout_ms);
void		 loop_stop(struct loop *);

/*
 * Signals are blocked and read from a signalfd, never handled in a
 * handler.  sigfd_open() blocks `sigs` (0-terminated) in the calling
 * thread and returns a non-blocking fd; sigfd_read() returns the next
 * pending signal number, 0 when none is left, -1 on error.
 */
int	 sigfd_open(const int *sigs);
int	 sigfd_read(int fd);

/*
 * A timerfd on `clock` as source s (ready, arg), watched for EPOLLIN and
 * armed with `its` (relative) unless NULL.  -1 + errno with nothing left
 * open and s->fd = -1.
 */
int	 loop_add_timer(struct loop *, struct source *, clockid_t clock,
	    const struct itimerspec *its,
	    void (*ready)(struct source *, uint32_t), void *arg);

/*
 * Wall-clock timers: expiry dates are calendar instants, so the timer is
 * CLOCK_REALTIME (loop_add_timer), absolute, and cancelled when the clock
 * is set, which timer_read() reports as TIMER_CLOCK_SET so the owner can
 * re-arm.
 */
enum timer_event {
	TIMER_NONE,		/* spurious wake-up */
	TIMER_FIRED,
	TIMER_CLOCK_SET,	/* the clock was set: recompute and re-arm */
	TIMER_ERROR,
};
/* Arm at `when` (absolute); when == 0 disarms. */
int	 timer_arm_at(int fd, time_t when);
enum timer_event timer_read(int fd);

#endif
