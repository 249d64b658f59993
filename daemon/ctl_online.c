/* ctl_online.c - bunrictl status, flows, reload, isolate, restore: requests to bunrid's control socket. */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "ctl.h"
#include "ctlproto.h"

/* A reload of a large policy takes a while; a dead daemon must not hang us. */
#define REPLY_TIMEOUT	60

/*
 * -S, else the policy's gateway.control_socket, else the default.  The
 * policy is read only for that: a policy that does not load now (being
 * edited, say) must not keep the operator from the running daemon.
 */
static char *
socket_path(const struct ctl *ctl)
{
	struct policy *p;
	struct diags d;
	char *path;

	if (ctl->sock != NULL)
		return strdup(ctl->sock);
	diags_init(&d);
	p = access(ctl->conf, R_OK) == 0 ? conf_load(ctl->conf, time(NULL),
	    &d) : NULL;
	path = strdup(p != NULL && p->gw.control_socket != NULL ?
	    p->gw.control_socket : DEF_CONTROL_SOCKET);
	policy_free(p);
	diags_free(&d);
	return path;
}

static int
connect_to(const char *name, const char *path, int timeout)
{
	struct sockaddr_un sa;
	struct timeval tv = { timeout, 0 };
	int fd, saved;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "bunrictl %s: %s: socket path too long\n",
		    name, path);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Read the reply: status line, body to stdout (ok) or stderr, end marker. */
static int
read_reply(const char *name, const char *path, int fd)
{
	enum ctlp_status st = CTLP_FAILED;
	const char *text;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f, *out = stderr;
	int rc = CTL_EXIT_UNREACHABLE, lineno = 0;

	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return CTL_EXIT_UNREACHABLE;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno++ == 0) {
			if (ctlp_parse_status(line, (size_t)n, &st) == -1) {
				fprintf(stderr, "bunrictl %s: %s: not a bunrid"
				    " %s reply: \"%.60s\"\n", name, path,
				    CTLP_VERSION, line);
				goto out;
			}
			out = st == CTLP_OK ? stdout : stderr;
			continue;
		}
		if (ctlp_body_line(line, &text) == 0) {
			rc = st == CTLP_OK ? CTL_EXIT_OK : CTL_EXIT_ERR;
			goto out;
		}
		fprintf(out, "%s\n", text);
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		fprintf(stderr, "bunrictl %s: %s: no reply within %d s\n", name,
		    path, REPLY_TIMEOUT);
	else
		fprintf(stderr, "bunrictl %s: %s: the connection closed before"
		    " the end of the reply\n", name, path);
out:
	free(line);
	fclose(f);
	if (fflush(stdout) == EOF && rc == CTL_EXIT_OK) {
		fprintf(stderr, "bunrictl %s: writing the reply: %s (the "
		    "request was carried out)\n", name, strerror(errno));
		rc = CTL_EXIT_ERR;
	}
	return rc;
}

static int
online(struct ctl *ctl, int argc, char **argv, enum ctlp_cmd cmd)
{
	static const struct option longopts[] = { CTL_COMMON_LONGOPTS };
	const char *name = argv[0], *arg = NULL;
	int ch;

	if ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1)
		return ctl_optend(name, ch);
	if (ctlp_cmd_has_arg(cmd)) {
		if (optind + 1 != argc) {
			fprintf(stderr, "bunrictl %s: %s\n", name, optind == argc ?
			    "which zone?" : "one zone at a time");
			ctl_usage(stderr, name);
			return CTL_EXIT_ERR;
		}
		arg = argv[optind];
	} else if (ctl_no_more(name, argc, argv) == -1)
		return CTL_EXIT_ERR;
	return ctl_request(ctl, name, cmd, arg);
}

int
ctl_request(struct ctl *ctl, const char *name, int cmd,
    const char *arg)
{
	char req[CTLP_MAX_LINE], err[128], *path;
	int fd, n, rc;

	if ((n = ctlp_format_request(cmd, arg, req, sizeof(req), err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "bunrictl %s: \"%s\": %s\n", name,
		    arg != NULL ? arg : "", err);
		return CTL_EXIT_ERR;
	}
	if ((path = socket_path(ctl)) == NULL) {
		perror("bunrictl");
		return CTL_EXIT_ERR;
	}
	if ((fd = connect_to(name, path, REPLY_TIMEOUT)) == -1) {
		if (errno == ENAMETOOLONG) {	/* said; a typo, not a dead daemon */
			rc = CTL_EXIT_ERR;
		} else if (errno == EACCES || errno == EPERM) {
			fprintf(stderr, "bunrictl %s: not permitted: %s: %s"
			    " (root and group bunri may connect)\n", name, path,
			    strerror(errno));
			rc = CTL_EXIT_ERR;
		} else {
			fprintf(stderr, "bunrictl %s: cannot reach bunrid at %s:"
			    " %s\n", name, path, strerror(errno));
			rc = CTL_EXIT_UNREACHABLE;
		}
		free(path);
		return rc;
	}
	if (send_all(fd, req, (size_t)n) == -1) {
		fprintf(stderr, "bunrictl %s: %s: %s\n", name, path,
		    strerror(errno));
		close(fd);
		free(path);
		return CTL_EXIT_UNREACHABLE;
	}
	rc = read_reply(name, path, fd);
	free(path);
	return rc;
}

int
ctl_status(struct ctl *ctl, int argc, char **argv)
{
	return online(ctl, argc, argv, CTLP_STATUS);
}

int
ctl_flows(struct ctl *ctl, int argc, char **argv)
{
	return online(ctl, argc, argv, CTLP_FLOWS);
}

int
ctl_reload(struct ctl *ctl, int argc, char **argv)
{
	return online(ctl, argc, argv, CTLP_RELOAD);
}

int
ctl_isolate(struct ctl *ctl, int argc, char **argv)
{
	return online(ctl, argc, argv, CTLP_ISOLATE);
}

int
ctl_restore(struct ctl *ctl, int argc, char **argv)
{
	return online(ctl, argc, argv, CTLP_RESTORE);
}

/*
 * The "isolated:" line of the running bunrid's status: the zone names,
 * space separated ("none" when none).  The reply's other lines are not
 * read.  -1 when nothing answers in time; explain then knows no isolation.
 */
int
ctl_isolated(const char *path, int timeout, char *buf, size_t len)
{
	enum ctlp_status st;
	char req[CTLP_MAX_LINE], err[128], *line = NULL;
	const char *text;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int fd, r, rc = -1, lineno = 0;

	if ((r = ctlp_format_request(CTLP_STATUS, NULL, req, sizeof(req), err,
	    sizeof(err))) == -1 || (fd = connect_to("explain", path,
	    timeout)) == -1)
		return -1;
	if (send_all(fd, req, (size_t)r) == -1 || (f = fdopen(fd, "r")) ==
	    NULL) {
		close(fd);
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno++ == 0) {
			if (ctlp_parse_status(line, (size_t)n, &st) == -1 ||
			    st != CTLP_OK)
				break;
			continue;
		}
		if (ctlp_body_line(line, &text) == 0)
			break;		/* the end, and no such line */
		if (strncmp(text, "isolated: ", 10) == 0) {
			if ((size_t)snprintf(buf, len, "%s", text + 10) < len)
				rc = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return rc;
}
