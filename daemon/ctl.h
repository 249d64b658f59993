/* ctl.h - shared declarations of bunrictl and its commands (daemon/ctl_*.c). */
#ifndef BUNRI_CTL_H
#define BUNRI_CTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "diag.h"
#include "policy.h"

/* Exit status of bunrictl (cli.md). */
#define CTL_EXIT_OK		0
#define CTL_EXIT_ERR		1	/* invalid input, invalid policy, refused */
#define CTL_EXIT_UNREACHABLE	2	/* daemon unreachable */
#define CTL_EXIT_DISALLOWED	3	/* audit: some flows disallowed */
#define CTL_EXIT_BROKEN		4	/* verify-log: chain broken or cut */
#define CTL_EXIT_BLOCKED	5	/* explain: the packet would be blocked */

#define CTL_DEFAULT_CONF	"/etc/bunri/bunri.conf"

/* The options every command accepts, before or after its name. */
struct ctl {
	const char	*conf;		/* -c FILE */
	const char	*sock;		/* -S SOCKET; NULL: the policy's */
};

/*
 * A command gets argv[0] = its name and the words after it, with -c and
 * -S still among them: parse them with ctl_getopt(), which knows those
 * two.  It returns the exit status.
 */
typedef int	 ctl_cmd_fn(struct ctl *, int argc, char **argv);

ctl_cmd_fn	 ctl_check;
ctl_cmd_fn	 ctl_explain;
/* The commands below live in their own ctl_<cmd>.c when written. */
ctl_cmd_fn	 ctl_show;
ctl_cmd_fn	 ctl_audit;
ctl_cmd_fn	 ctl_verify_log;
ctl_cmd_fn	 ctl_status;
ctl_cmd_fn	 ctl_flows;
ctl_cmd_fn	 ctl_reload;
ctl_cmd_fn	 ctl_isolate;
ctl_cmd_fn	 ctl_restore;
ctl_cmd_fn	 ctl_apply;		/* ctl_history.c */
ctl_cmd_fn	 ctl_confirm;
ctl_cmd_fn	 ctl_allow;
ctl_cmd_fn	 ctl_history;
ctl_cmd_fn	 ctl_diff;

/* Long options -c/-S, to end a command's own struct option list with. */
#define CTL_COMMON_LONGOPTS						\
	{ "config",	required_argument,	NULL,	'c' },		\
	{ "socket",	required_argument,	NULL,	'S' },		\
	{ "help",	no_argument,		NULL,	'h' },		\
	{ NULL,		0,			NULL,	0 }

/*
 * getopt_long() for a command (main resets getopt before it calls the
 * command): adds "c:S:h" to shortopts,
 * handles -c and -S itself and never returns them.  Returns -1 at the end,
 * '?' after printing what was wrong, 'h' for help, else the option.
 */
int		 ctl_getopt(struct ctl *, int argc, char **argv,
		    const char *shortopts, const struct option *longopts);
/* "usage: bunrictl ... CMD ..." for one command (NULL: all) on f. */
void		 ctl_usage(FILE *, const char *cmd);
/*
 * The end of a command's option switch, for 'h' or a bad option: the
 * usage on stdout and CTL_EXIT_OK for 'h', else on stderr and CTL_EXIT_ERR.
 */
int		 ctl_optend(const char *cmd, int ch);
/* After the options, no words left: else say so (with the usage) and -1. */
int		 ctl_no_more(const char *cmd, int argc, char **argv);
/*
 * Send one request to bunrid (-S or the policy's control socket) and
 * print its reply; arg as ctlp_format_request() takes it.  Returns the
 * exit status (ctl_online.c).
 */
int		 ctl_request(struct ctl *, const char *name, int cmd,
		    const char *arg);
/*
 * The zones the bunrid at `path` holds isolated, from its status, space
 * separated, "none" when none; -1 when it does not answer within
 * `timeout` seconds (ctl_online.c).
 */
int		 ctl_isolated(const char *path, int timeout, char *buf,
		    size_t len);
/*
 * Load and validate ctl->conf at `now`.  Prints the diagnostics to stderr
 * (warnings only if `warnings`); returns NULL, already said why, when the
 * file cannot be read or the policy is invalid.
 */
struct policy	*ctl_load_policy(const struct ctl *, time_t now, bool warnings,
		    struct diags *);

#endif
