/* log.c - the daemon's log: syslog(LOG_DAEMON), and stderr in the foreground. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

/*
 * The one piece of file-level state of the daemon besides main's struct:
 * logging must work from anywhere, fatal() included, without threading a
 * handle through every call.
 */
static struct {
	int	 inited;
	int	 foreground;
	int	 verbose;
} lg = { 0, 1, 0 };

void
log_init(const char *ident, int foreground, int verbose)
{
	lg.foreground = foreground;
	lg.verbose = verbose;
	/* Under systemd (-f) stderr reaches the journal; syslog as well. */
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	lg.inited = 1;
}

void
log_setverbose(int v)
{
	lg.verbose = v;
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	va_list ap2;

	if (lg.foreground || !lg.inited) {
		va_copy(ap2, ap);
		vfprintf(stderr, fmt, ap2);
		fputc('\n', stderr);
		fflush(stderr);
		va_end(ap2);
	}
	if (lg.inited)
		vsyslog(pri, fmt, ap);
}

static void
vlog_errno(int pri, int saved, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (lg.foreground || !lg.inited)
		fprintf(stderr, "%s: %s\n", msg, strerror(saved));
	if (lg.inited)
		syslog(pri, "%s: %s", msg, strerror(saved));
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!lg.verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
