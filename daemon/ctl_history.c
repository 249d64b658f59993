/* ctl_history.c - bunrictl apply, confirm, allow (to bunrid), history and diff (from state_dir). */
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "ctl.h"
#include "ctlproto.h"
#include "history.h"

int
ctl_apply(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "confirm",	required_argument,	NULL,	'C' },
		CTL_COMMON_LONGOPTS
	};
	const char *name = argv[0], *file = NULL, *secs = "0";
	char text[CTLP_MAX_LINE] = "", real[PATH_MAX], *end;
	unsigned long n;
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'C':
			secs = optarg;
			break;
		default:
			return ctl_optend(name, ch);
		}
		/* FILE may come before the options too. */
	}
	if (optind < argc)
		file = argv[optind++];
	if (file == NULL || ctl_no_more(name, argc, argv) == -1) {
		if (file == NULL)
			ctl_usage(stderr, name);
		return CTL_EXIT_ERR;
	}
	errno = 0;
	n = strtoul(secs, &end, 10);
	if (errno != 0 || end == secs || *end != '\0' || secs[0] == '-' ||
	    n > 3600) {
		fprintf(stderr, "bunrictl apply: --confirm %s: expected seconds,"
		    " 1-3600\n", secs);
		return CTL_EXIT_ERR;
	}
	/* bunrid reads the file itself: it needs the whole path. */
	if (realpath(file, real) == NULL) {
		fprintf(stderr, "bunrictl apply: %s: %s\n", file,
		    strerror(errno));
		return CTL_EXIT_ERR;
	}
	if (ctlp_kv_append(text, sizeof(text), "path", real) == -1 ||
	    ctlp_kv_append(text, sizeof(text), "confirm", secs) == -1) {
		fprintf(stderr, "bunrictl apply: %s: path too long\n", real);
		return CTL_EXIT_ERR;
	}
	return ctl_request(ctl, name, CTLP_APPLY, text);
}

int
ctl_confirm(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = { CTL_COMMON_LONGOPTS };
	int ch;

	if ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1)
		return ctl_optend(argv[0], ch);
	if (ctl_no_more(argv[0], argc, argv) == -1)
		return CTL_EXIT_ERR;
	return ctl_request(ctl, argv[0], CTLP_CONFIRM, NULL);
}

/* "90", "90s", "15m", "2h" into seconds; -1 if not a duration. */
static long
duration(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || v <= 0 || s[0] == '+')
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "m") == 0 && v <= 100000)
		return v * 60;
	if (strcmp(end, "h") == 0 && v <= 10000)
		return v * 3600;
	return -1;
}

int
ctl_allow(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from",	required_argument,	NULL,	'f' },
		{ "to",		required_argument,	NULL,	't' },
		{ "proto",	required_argument,	NULL,	'p' },
		{ "port",	required_argument,	NULL,	'P' },
		{ "ttl",	required_argument,	NULL,	'T' },
		{ "reason",	required_argument,	NULL,	'r' },
		{ "approval",	required_argument,	NULL,	'a' },
		{ "sanitize",	required_argument,	NULL,	's' },
		CTL_COMMON_LONGOPTS
	};
	static const char *const keys[] = { "from", "to", "proto", "port",
	    "ttl", "reason", "approval", "sanitize" };
	const char *v[8] = { NULL }, *name = argv[0];
	char text[CTLP_MAX_LINE] = "", secs[24];
	long ttl;
	size_t i;
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'f': v[0] = optarg; break;
		case 't': v[1] = optarg; break;
		case 'p': v[2] = optarg; break;
		case 'P': v[3] = optarg; break;
		case 'T': v[4] = optarg; break;
		case 'r': v[5] = optarg; break;
		case 'a': v[6] = optarg; break;
		case 's': v[7] = optarg; break;
		default:
			return ctl_optend(name, ch);
		}
	}
	if (ctl_no_more(name, argc, argv) == -1)
		return CTL_EXIT_ERR;
	for (i = 0; i < 6; i++) {
		if (i == 3)
			continue;	/* the daemon knows which protocols need one */
		if (v[i] == NULL || (i == 5 && v[i][strspn(v[i], " \t")] == '\0')) {
			fprintf(stderr, "bunrictl allow: --%s is required%s\n",
			    keys[i], i == 5 ? ": say why the exception is"
			    " needed" : "");
			ctl_usage(stderr, name);
			return CTL_EXIT_ERR;
		}
	}
	if ((ttl = duration(v[4])) == -1) {
		fprintf(stderr, "bunrictl allow: --ttl %s: expected a duration"
		    " such as 90, 90s, 15m or 2h\n", v[4]);
		return CTL_EXIT_ERR;
	}
	snprintf(secs, sizeof(secs), "%ld", ttl);
	v[4] = secs;
	for (i = 0; i < 8; i++)
		if (v[i] != NULL && ctlp_kv_append(text, sizeof(text), keys[i],
		    v[i]) == -1) {
			fprintf(stderr, "bunrictl allow: the arguments are too"
			    " long\n");
			return CTL_EXIT_ERR;
		}
	return ctl_request(ctl, name, CTLP_ALLOW, text);
}

/* ---- offline: state_dir ---- */

/* --state-dir, else the policy's gateway.state_dir, else the default. */
static char *
state_dir(const struct ctl *ctl, const char *opt)
{
	struct policy *p;
	struct diags d;
	char *dir;

	if (opt != NULL)
		return strdup(opt);
	diags_init(&d);
	p = access(ctl->conf, R_OK) == 0 ? conf_load(ctl->conf, time(NULL),
	    &d) : NULL;
	dir = strdup(p != NULL && p->gw.state_dir != NULL ? p->gw.state_dir :
	    DEF_STATE_DIR);
	policy_free(p);
	diags_free(&d);
	return dir;
}

static FILE *
open_log(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, HISTORY_LOG);
	if ((f = fopen(path, "re")) == NULL)
		fprintf(stderr, "bunrictl %s: %s: %s%s\n", name, path,
		    strerror(errno), errno == EACCES ? " (bunrid keeps it"
		    " 0600: run as root)" : "");
	return f;
}

int
ctl_history(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state-dir",	required_argument,	NULL,	'D' },
		CTL_COMMON_LONGOPTS
	};
	const char *name = argv[0], *sd = NULL;
	char *dir, *line = NULL, **ring;
	size_t cap = 0, i, total = 0;
	long last = 0;
	FILE *f;
	int ch;

	while ((ch = ctl_getopt(ctl, argc, argv, "n:", longopts)) != -1) {
		switch (ch) {
		case 'D':
			sd = optarg;
			break;
		case 'n':
			last = strtol(optarg, NULL, 10);
			if (last <= 0) {
				fprintf(stderr, "bunrictl history: -n %s: expected"
				    " a number of lines\n", optarg);
				return CTL_EXIT_ERR;
			}
			break;
		default:
			return ctl_optend(name, ch);
		}
	}
	if (ctl_no_more(name, argc, argv) == -1 ||
	    (dir = state_dir(ctl, sd)) == NULL)
		return CTL_EXIT_ERR;
	f = open_log(dir, name);
	free(dir);
	if (f == NULL)
		return CTL_EXIT_ERR;
	if (last == 0) {
		while (getline(&line, &cap, f) != -1)
			fputs(line, stdout);
	} else if ((ring = calloc((size_t)last, sizeof(*ring))) != NULL) {
		while (getline(&line, &cap, f) != -1) {
			free(ring[total % (size_t)last]);
			ring[total++ % (size_t)last] = strdup(line);
		}
		for (i = total > (size_t)last ? total - (size_t)last : 0;
		    i < total; i++)
			if (ring[i % (size_t)last] != NULL)
				fputs(ring[i % (size_t)last], stdout);
		for (i = 0; i < (size_t)last; i++)
			free(ring[i]);
		free(ring);
	}
	free(line);
	fclose(f);
	return fflush(stdout) == EOF ? CTL_EXIT_ERR : CTL_EXIT_OK;
}

/* The sha of the running policy: the last change that put one in force. */
static int
running_sha(const char *dir, char *hex)
{
	char *line = NULL, act[32], sha[80], res[16];
	size_t cap = 0;
	FILE *f;
	int found = -1;

	if ((f = open_log(dir, "diff")) == NULL)
		return -1;
	while (getline(&line, &cap, f) != -1) {
		if (sscanf(line, "%*s %*s %31s %79s %15s", act, sha, res) != 3 ||
		    strcmp(res, "ok") != 0 || strlen(sha) != 64)
			continue;
		if (strcmp(act, "start") == 0 || strcmp(act, "reload") == 0 ||
		    strcmp(act, "apply") == 0 || strcmp(act, "rollback") == 0) {
			strcpy(hex, sha);
			found = 0;
		}
	}
	free(line);
	fclose(f);
	if (found == -1)
		fprintf(stderr, "bunrictl diff: no running policy in %s/%s\n",
		    dir, HISTORY_LOG);
	return found;
}

/* A file path, "running", or a unique hex prefix of a kept policy. */
static int
resolve(const char *dir, const char *what, char *path, size_t len)
{
	char hex[80], pdir[PATH_MAX - 128];
	struct dirent *de;
	size_t n, hits = 0;
	DIR *dp;

	if (strchr(what, '/') != NULL) {
		snprintf(path, len, "%s", what);
		return 0;
	}
	if (strcmp(what, "running") == 0) {
		if (running_sha(dir, hex) == -1)
			return -1;
	} else {
		n = strlen(what);
		if (n < 4 || n > 64 || strspn(what, "0123456789abcdef") != n) {
			fprintf(stderr, "bunrictl diff: \"%s\": expected"
			    " \"running\", a sha256 prefix of at least 4 hex"
			    " digits (see bunrictl history) or a file\n", what);
			return -1;
		}
		snprintf(hex, sizeof(hex), "%s", what);
	}
	snprintf(pdir, sizeof(pdir), "%s/%s", dir, HISTORY_DIR);
	if ((dp = opendir(pdir)) == NULL) {
		fprintf(stderr, "bunrictl diff: %s: %s\n", pdir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n != 69 || strcmp(de->d_name + 64, ".conf") != 0 ||
		    strncmp(de->d_name, hex, strlen(hex)) != 0)
			continue;
		if (hits++ == 0)
			snprintf(path, len, "%s/%s", pdir, de->d_name);
	}
	closedir(dp);
	if (hits == 1)
		return 0;
	fprintf(stderr, "bunrictl diff: \"%s\": %s under %s\n", what,
	    hits == 0 ? "no kept policy" : "more than one kept policy; give"
	    " more digits", pdir);
	return -1;
}

int
ctl_diff(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state-dir",	required_argument,	NULL,	'D' },
		CTL_COMMON_LONGOPTS
	};
	const char *name = argv[0], *sd = NULL;
	char a[PATH_MAX], b[PATH_MAX], *dir;
	pid_t pid;
	int ch, st, rc = CTL_EXIT_ERR;

	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'D':
			sd = optarg;
			break;
		default:
			return ctl_optend(name, ch);
		}
	}
	if (argc - optind != 2) {
		ctl_usage(stderr, name);
		return CTL_EXIT_ERR;
	}
	if ((dir = state_dir(ctl, sd)) == NULL)
		return CTL_EXIT_ERR;
	if (resolve(dir, argv[optind], a, sizeof(a)) == -1 ||
	    resolve(dir, argv[optind + 1], b, sizeof(b)) == -1)
		goto out;
	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("bunrictl diff: fork");
		goto out;
	}
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", argv[optind], "--label",
		    argv[optind + 1], a, b, (char *)NULL);
		fprintf(stderr, "bunrictl diff: diff: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	/* diff says 1 for "they differ": that is a result, not an error. */
	if (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1))
		rc = CTL_EXIT_OK;
out:
	free(dir);
	return rc;
}
