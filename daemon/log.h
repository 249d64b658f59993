/* log.h - the daemon's log: syslog(LOG_DAEMON), and stderr in the foreground. */
#ifndef BUNRI_LOG_H
#define BUNRI_LOG_H

#include <stdarg.h>

/*
 * As in OpenBSD daemons: log_warn() appends strerror(errno), log_warnx()
 * does not; fatal()/fatalx() log and exit(1).  Before log_init() messages
 * go to stderr only, so errors of option parsing are seen.
 */
void	 log_init(const char *ident, int foreground, int verbose);
void	 log_setverbose(int);
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
