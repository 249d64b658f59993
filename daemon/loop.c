/* loop.c - one epoll event loop; every source is a file descriptor. */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_MAXEVENTS	16

struct loop {
	int	 epfd;
	bool	 stop;
};

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l);
}

int
loop_add(struct loop *l, struct source *s, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = s;
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, s->fd, &ev);
}

int
loop_del(struct loop *l, struct source *s)
{
	return epoll_ctl(l->epfd, EPOLL_CTL_DEL, s->fd, NULL);
}

void
loop_close_source(struct loop *l, struct source *s)
{
	if (s->fd == -1)
		return;
	loop_del(l, s);
	close(s->fd);
	s->fd = -1;
}

int
loop_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_MAXEVENTS];
	struct source *s;
	int i, n;

	if ((n = epoll_wait(l->epfd, ev, LOOP_MAXEVENTS, timeout_ms)) == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		s = ev[i].data.ptr;
		s->ready(s, ev[i].events);
		/* A callback may have asked to stop (SIGTERM): do it now. */
		if (l->stop)
			break;
	}
	return n;
}

int
loop_run(struct loop *l)
{
	l->stop = false;
	while (!l->stop)
		if (loop_once(l, -1) == -1)
			return -1;
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = true;
}

int
sigfd_open(const int *sigs)
{
	sigset_t set;

	sigemptyset(&set);
	for (; *sigs != 0; sigs++)
		sigaddset(&set, *sigs);
	/* Blocked first, so a signal arriving now waits in the fd. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int
sigfd_read(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n;

	n = read(fd, &si, sizeof(si));
	if (n == -1)
		return errno == EAGAIN ? 0 : -1;
	if (n != sizeof(si))
		return -1;
	return (int)si.ssi_signo;
}

int
loop_add_timer(struct loop *l, struct source *s, clockid_t clock,
    const struct itimerspec *its, void (*ready)(struct source *, uint32_t),
    void *arg)
{
	int saved;

	s->ready = ready;
	s->arg = arg;
	if ((s->fd = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		return -1;
	if ((its != NULL && timerfd_settime(s->fd, 0, its, NULL) == -1) ||
	    loop_add(l, s, EPOLLIN) == -1) {
		saved = errno;
		close(s->fd);
		s->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
timer_arm_at(int fd, time_t when)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (when == 0)
		return timerfd_settime(fd, 0, &its, NULL);
	its.it_value.tv_sec = when;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
	    &its, NULL);
}

enum timer_event
timer_read(int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) == sizeof(n))
		return TIMER_FIRED;
	if (errno == ECANCELED)
		return TIMER_CLOCK_SET;
	if (errno == EAGAIN)
		return TIMER_NONE;
	return TIMER_ERROR;
}
