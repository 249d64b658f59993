/* bunrictl.c - the operator's tool: global options and the command table. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "ctl.h"

/*
 * Commands other helpers write in their own ctl_<cmd>.c are referenced
 * weakly, so bunrictl links (and says "not available") before they exist.
 */
#pragma weak ctl_show
#pragma weak ctl_audit
#pragma weak ctl_verify_log
#pragma weak ctl_status
#pragma weak ctl_flows
#pragma weak ctl_reload
#pragma weak ctl_isolate
#pragma weak ctl_restore

struct ctl_cmd {
	const char	*name;
	ctl_cmd_fn	*fn;
	const char	*args;		/* for the usage text */
};

static const struct ctl_cmd cmds[] = {
	{ "check",	ctl_check,	"[-c FILE | FILE]" },
	{ "show",	ctl_show,	"--nft [-c FILE]" },
	{ "audit",	ctl_audit,	"--pcap PCAP [--json] [--no-cache] [-c FILE]" },
	{ "explain",	ctl_explain,	"--from ADDR --to ADDR --proto P "
	    "[--port N] [--mac MAC] [--iface IF] [--isolated ZONE] "
	    "[--offline] [-c FILE]" },
	{ "verify-log",	ctl_verify_log,	"FILE [--key KEYFILE] "
	    "[--until SEQ:CHAIN] [-c FILE]" },
	{ "status",	ctl_status,	"[-S SOCKET]" },
	{ "flows",	ctl_flows,	"[-S SOCKET]" },
	{ "reload",	ctl_reload,	"[-S SOCKET]" },
	{ "isolate",	ctl_isolate,	"ZONE [-S SOCKET]" },
	{ "restore",	ctl_restore,	"ZONE [-S SOCKET]" },
	{ "apply",	ctl_apply,	"FILE [--confirm SECONDS] [-S SOCKET]" },
	{ "confirm",	ctl_confirm,	"[-S SOCKET]" },
	{ "allow",	ctl_allow,	"--from EP --to EP --proto P [--port N[-M]] "
	    "--ttl DURATION --reason TEXT [--approval REF] [--sanitize M] "
	    "[-S SOCKET]" },
	{ "history",	ctl_history,	"[-n N] [--state-dir DIR] [-c FILE]" },
	{ "diff",	ctl_diff,	"A B [--state-dir DIR] [-c FILE]" },
};
#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

void
ctl_usage(FILE *f, const char *cmd)
{
	size_t i;

	if (cmd == NULL)
		fprintf(f, "usage: bunrictl [-S SOCKET] [-c FILE] COMMAND "
		    "[ARGS]\ncommands:\n");
	for (i = 0; i < NCMDS; i++) {
		if (cmd != NULL && strcmp(cmd, cmds[i].name) != 0)
			continue;
		fprintf(f, "%sbunrictl %s %s\n", cmd != NULL ? "usage: " : "  ",
		    cmds[i].name, cmds[i].args);
	}
}

int
ctl_optend(const char *cmd, int ch)
{
	ctl_usage(ch == 'h' ? stdout : stderr, cmd);
	return ch == 'h' ? CTL_EXIT_OK : CTL_EXIT_ERR;
}

int
ctl_no_more(const char *cmd, int argc, char **argv)
{
	if (optind < argc) {
		fprintf(stderr, "bunrictl %s: unexpected argument \"%s\"\n",
		    cmd, argv[optind]);
		ctl_usage(stderr, cmd);
		return -1;
	}
	return 0;
}

/*
 * What getopt_long() refused: "--nft=yes" (a value for an option that
 * takes none), "--p" (the start of two options), or an unknown option.
 */
static void
bad_option(const char *cmd, const char *word, const struct option *longopts)
{
	const struct option *o, *match = NULL;
	const char *eq;
	size_t len, nmatch = 0;

	if (strncmp(word, "--", 2) != 0 || word[2] == '\0') {
		if (optopt != 0 && optopt != '?')
			fprintf(stderr, "bunrictl %s: unknown option -%c\n",
			    cmd, optopt);
		else
			fprintf(stderr, "bunrictl %s: unknown option %s\n",
			    cmd, word);
		return;
	}
	len = (eq = strchr(word, '=')) != NULL ? (size_t)(eq - word) :
	    strlen(word);
	for (o = longopts; o->name != NULL; o++) {
		if (strncmp(o->name, word + 2, len - 2) != 0)
			continue;
		if (strlen(o->name) == len - 2) {	/* exact: wins */
			match = o;
			nmatch = 1;
			break;
		}
		match = o;
		nmatch++;
	}
	if (nmatch == 1 && eq != NULL && match->has_arg == no_argument)
		fprintf(stderr, "bunrictl %s: --%s takes no value (\"%s\")\n",
		    cmd, match->name, word);
	else if (nmatch > 1)
		fprintf(stderr, "bunrictl %s: ambiguous option %.*s; spell it "
		    "out\n", cmd, (int)len, word);
	else
		fprintf(stderr, "bunrictl %s: unknown option %.*s\n", cmd,
		    (int)len, word);
}

/* The "c:S:h" every command takes, added to its own short options. */
int
ctl_getopt(struct ctl *ctl, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	char opts[128];
	int ch, idx;

	snprintf(opts, sizeof(opts), ":c:S:h%s", shortopts);
	for (;;) {
		idx = -1;
		ch = getopt_long(argc, argv, opts, longopts, &idx);
		switch (ch) {
		case 'c':
			ctl->conf = optarg;
			continue;
		case 'S':
			ctl->sock = optarg;
			continue;
		case ':':
			fprintf(stderr, "bunrictl %s: %s needs a value\n",
			    argv[0], argv[optind - 1]);
			return '?';
		case '?':
			bad_option(argv[0], argv[optind - 1], longopts);
			return '?';
		default:
			return ch;
		}
	}
}

struct policy *
ctl_load_policy(const struct ctl *ctl, time_t now, bool warnings,
    struct diags *d)
{
	struct policy *p;

	/* Say plainly what is wrong with the path before parsing anything. */
	if (access(ctl->conf, R_OK) == -1) {
		fprintf(stderr, "bunrictl: %s: %s\n", ctl->conf,
		    strerror(errno));
		return NULL;
	}
	p = conf_load(ctl->conf, now, d);
	diags_sort(d);
	if (p == NULL || warnings)
		diags_print(d, stderr);
	if (p == NULL && d->nerrors == 0)
		fprintf(stderr, "bunrictl: %s: cannot load the policy\n",
		    ctl->conf);
	return p;
}

/*
 * A closed stdin, stdout or stderr would be the next descriptor opened: a
 * policy, a capture or the control socket, which printf() would then write
 * into.  Hold each such slot with /dev/null, read-only for the outputs, so
 * that writing fails (and is reported) instead of going somewhere.
 */
static void
hold_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) == -1)
			_exit(CTL_EXIT_ERR);
}

/* A command that succeeded but whose output was lost did not succeed. */
static int
finish(const char *name, int rc)
{
	int err = 0;

	if (fflush(stdout) == EOF)
		err = errno;
	else if (ferror(stdout))
		err = EIO;
	if (err != 0 && rc == CTL_EXIT_OK) {
		fprintf(stderr, "bunrictl %s: writing the output: %s\n", name,
		    strerror(err));
		rc = CTL_EXIT_ERR;
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL,	'c' },
		{ "socket",	required_argument,	NULL,	'S' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl ctl = { CTL_DEFAULT_CONF, NULL };
	const char *name;
	size_t i;
	int ch, off;

	hold_std_fds();
	opterr = 0;
	/* "+": stop at the command name; its own options follow it. */
	while ((ch = getopt_long(argc, argv, "+:c:S:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctl.conf = optarg;
			break;
		case 'S':
			ctl.sock = optarg;
			break;
		case 'h':
			ctl_usage(stdout, NULL);
			return CTL_EXIT_OK;
		case ':':
			fprintf(stderr, "bunrictl: %s needs a value\n",
			    argv[optind - 1]);
			ctl_usage(stderr, NULL);
			return CTL_EXIT_ERR;
		default:
			fprintf(stderr, "bunrictl: unknown option %s\n",
			    argv[optind - 1]);
			ctl_usage(stderr, NULL);
			return CTL_EXIT_ERR;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr, NULL);
		return CTL_EXIT_ERR;
	}
	name = argv[optind];
	if (strcmp(name, "help") == 0) {	/* "help [COMMAND]" */
		if (optind + 1 < argc)
			for (i = 0; i < NCMDS; i++)
				if (strcmp(argv[optind + 1], cmds[i].name) == 0)
					break;
		if (optind + 1 < argc && i == NCMDS) {
			fprintf(stderr, "bunrictl: unknown command \"%s\"\n",
			    argv[optind + 1]);
			ctl_usage(stderr, NULL);
			return CTL_EXIT_ERR;
		}
		ctl_usage(stdout, optind + 1 < argc ? argv[optind + 1] : NULL);
		return fflush(stdout) == EOF ? CTL_EXIT_ERR : CTL_EXIT_OK;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(name, cmds[i].name) != 0)
			continue;
		if (cmds[i].fn == NULL) {
			fprintf(stderr, "bunrictl: %s: not available in this "
			    "build\n", name);
			return CTL_EXIT_ERR;
		}
		/* Fresh getopt state for the command's own words. */
		off = optind;
		optind = 0;
		return finish(name, cmds[i].fn(&ctl, argc - off, argv + off));
	}
	fprintf(stderr, "bunrictl: unknown command \"%s\"\n", name);
	ctl_usage(stderr, NULL);
	return CTL_EXIT_ERR;
}
