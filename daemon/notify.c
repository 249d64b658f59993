/* notify.c - the systemd notification protocol without libsystemd: READY=1, STATUS=, WATCHDOG=1. */
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/epoll.h>

#include "log.h"
#include "notify.h"

static void
wd_ready(struct source *s, uint32_t events)
{
	struct notify *n = s->arg;
	uint64_t ticks;

	(void)events;
	if (read(s->fd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return;
	notify_send(n, "WATCHDOG=1");
}

/* $WATCHDOG_USEC applies to us only if $WATCHDOG_PID is unset or ours. */
static uint64_t
wd_usec(void)
{
	const char *v, *p;
	char *end;
	unsigned long long u;

	if ((v = getenv("WATCHDOG_USEC")) == NULL)
		return 0;
	if ((p = getenv("WATCHDOG_PID")) != NULL &&
	    strtol(p, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	u = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || u == 0)
		return 0;
	return u;
}

static int
wd_start(struct notify *n)
{
	struct itimerspec its;
	uint64_t half = n->wd_usec / 2;

	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = (time_t)(half / 1000000);
	its.it_interval.tv_nsec = (long)(half % 1000000) * 1000;
	if (its.it_interval.tv_sec == 0 && its.it_interval.tv_nsec == 0)
		its.it_interval.tv_nsec = 1000;
	its.it_value = its.it_interval;
	return loop_add_timer(n->loop, &n->wd, CLOCK_MONOTONIC, &its, wd_ready,
	    n);
}

int
notify_init(struct notify *n, struct loop *l)
{
	const char *v;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	n->wd.fd = -1;
	n->loop = l;
	/* Only absolute paths and abstract sockets ("@name") are valid. */
	if ((v = getenv("NOTIFY_SOCKET")) == NULL || (v[0] != '/' &&
	    v[0] != '@') || strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return 0;
	if ((n->path = strdup(v)) == NULL)
		return -1;
	if ((n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if ((n->wd_usec = wd_usec()) != 0 && wd_start(n) == -1)
		return -1;
	if (n->wd_usec != 0)
		log_debug("systemd watchdog: a ping every %llu ms",
		    (unsigned long long)n->wd_usec / 2000);
	return 0;
}

void
notify_fini(struct notify *n)
{
	loop_close_source(n->loop, &n->wd);
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
	free(n->path);
	n->path = NULL;
}

int
notify_send(struct notify *n, const char *state)
{
	struct sockaddr_un sun;
	socklen_t len;
	size_t plen;

	if (n->fd == -1 || n->path == NULL)
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	plen = strlen(n->path);
	memcpy(sun.sun_path, n->path, plen);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	if (sendto(n->fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1) {
		log_warn("systemd notification %.20s", state);
		return -1;
	}
	return 0;
}

int
notify_sendf(struct notify *n, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return notify_send(n, buf);
}
