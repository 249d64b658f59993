/* clockcheck.c - is the system clock synchronized?  At start and hourly; sid 8 when not. */
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/timex.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clockcheck.h"
#include "log.h"
#include "monitor.h"

int
clockcheck_unsynced(char *why, size_t len)
{
	struct timex tx;
	int st;

	/* modes 0: only read the kernel's state, change nothing. */
	memset(&tx, 0, sizeof(tx));
	if ((st = adjtimex(&tx)) == -1)
		return -1;
	if (st != TIME_ERROR && !(tx.status & STA_UNSYNC))
		return 0;
	snprintf(why, len, "the kernel reports the system clock as not"
	    " synchronized (adjtimex: %s%s; estimated error %ld us, maximum"
	    " error %ld us); alert and log times may be wrong: check NTP"
	    " (chronyd, systemd-timesyncd)", st == TIME_ERROR ? "TIME_ERROR" :
	    "state ok", tx.status & STA_UNSYNC ? ", STA_UNSYNC" : "",
	    (long)tx.esterror, (long)tx.maxerror);
	return 1;
}

static void
check(struct clockcheck *c)
{
	char why[512];
	int rc;

	if ((rc = clockcheck_unsynced(why, sizeof(why))) == -1) {
		log_warn("adjtimex");
		return;
	}
	if (rc == 0) {
		if (c->unsynced)
			log_info("the system clock is synchronized again");
		c->unsynced = false;
		return;
	}
	c->unsynced = true;
	log_warnx("clock-unsynchronized: %s", why);
	monitor_alert(c->mon, SIG_CLOCK, "system clock not synchronized", why);
}

static void
timer_ready(struct source *s, uint32_t events)
{
	uint64_t n;

	(void)events;
	if (read(s->fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	check(s->arg);
}

int
clockcheck_start(struct clockcheck *c, struct monitor *m, struct loop *l)
{
	struct itimerspec its;

	memset(c, 0, sizeof(*c));
	c->mon = m;
	c->loop = l;
	c->timer.fd = -1;
	check(c);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = CLOCKCHECK_INTERVAL;
	its.it_interval.tv_sec = CLOCKCHECK_INTERVAL;
	return loop_add_timer(l, &c->timer, CLOCK_MONOTONIC, &its, timer_ready,
	    c);
}

void
clockcheck_stop(struct clockcheck *c)
{
	loop_close_source(c->loop, &c->timer);
}
