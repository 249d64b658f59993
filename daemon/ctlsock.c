/* ctlsock.c - bunrid's control socket: listener, clients, bounded reads, replies, timeouts. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlsock.h"
#include "enforce.h"
#include "log.h"

/*
 * One client: its request is read into a fixed buffer (so a peer can
 * never make us hold more than CTLP_MAX_LINE bytes), then the whole reply
 * is rendered and written as the socket takes it; then we close.
 */
struct ctl_client {
	struct ctlsock	*cs;
	struct source	 src;
	struct ctl_peer	 peer;
	char		 in[CTLP_MAX_LINE];
	size_t		 nin;
	char		*out;		/* the reply, NULL while reading */
	size_t		 nout, off;
	time_t		 deadline;	/* CLOCK_MONOTONIC seconds */
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
client_free(struct ctl_client *c)
{
	struct ctlsock *cs = c->cs;
	size_t i;

	loop_del(cs->loop, &c->src);
	close(c->src.fd);
	for (i = 0; i < CTLSOCK_MAXCLIENTS; i++)
		if (cs->clients[i] == c)
			cs->clients[i] = NULL;
	free(c->out);
	free(c);
}

/*
 * The reply: status line, body lines (a leading "." doubled), end
 * marker.  The body was written by the command to a memory stream.
 */
static char *
render(enum ctlp_status st, const char *body, size_t blen, size_t *len)
{
	const char *p = body, *end = body + blen, *nl;
	char *out;
	size_t n = 0, cap;

	/* Worst case: every body line one longer, plus the framing. */
	cap = blen * 2 + 64;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	n = (size_t)snprintf(out, cap, "%s %s\n", CTLP_VERSION,
	    ctlp_status_name(st));
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (*p == '.')
			out[n++] = '.';
		memcpy(out + n, p, (size_t)(nl - p));
		n += (size_t)(nl - p);
		out[n++] = '\n';
		p = nl + 1;
	}
	out[n++] = '.';
	out[n++] = '\n';
	*len = n;
	return out;
}

/* Write what the socket takes; close when all is out or the peer is gone. */
static void
client_flush(struct ctl_client *c)
{
	ssize_t w;

	while (c->off < c->nout) {
		w = send(c->src.fd, c->out + c->off, c->nout - c->off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0) {
			client_free(c);
			return;
		}
		c->off += (size_t)w;
	}
	client_free(c);
}

/* Switch the client from reading to writing `st` with `body`. */
static void
client_reply(struct ctl_client *c, enum ctlp_status st, const char *body,
    size_t blen)
{
	struct epoll_event ev;

	if ((c->out = render(st, body, blen, &c->nout)) == NULL) {
		log_warn("control socket: reply");
		client_free(c);
		return;
	}
	c->off = 0;
	c->deadline = mono_now() + CTLSOCK_TIMEOUT;
	/* Nothing more is read; EPOLLOUT tells when the socket takes more. */
	loop_del(c->cs->loop, &c->src);
	memset(&ev, 0, sizeof(ev));
	if (loop_add(c->cs->loop, &c->src, EPOLLOUT) == -1) {
		log_warn("control socket: epoll");
		client_free(c);
		return;
	}
	client_flush(c);
}

static void
client_replyf(struct ctl_client *c, enum ctlp_status st, const char *msg)
{
	client_reply(c, st, msg, strlen(msg));
}

/* A complete request line of `len` bytes is in c->in. */
static void
client_request(struct ctl_client *c, size_t len)
{
	struct ctlp_req req;
	enum ctlp_status st;
	char err[256], *body = NULL;
	size_t blen = 0;
	FILE *f;

	if (ctlp_parse_request(c->in, len, &req, err, sizeof(err)) == -1) {
		log_debug("control socket: uid %u pid %d: %s",
		    (unsigned)c->peer.uid, (int)c->peer.pid, err);
		client_replyf(c, CTLP_INVALID, err);
		return;
	}
	if ((f = open_memstream(&body, &blen)) == NULL) {
		client_replyf(c, CTLP_FAILED, "out of memory");
		return;
	}
	st = ctlsock_run(c->cs, &req, &c->peer, f);
	if (fclose(f) == EOF) {
		free(body);
		client_replyf(c, CTLP_FAILED, "out of memory");
		return;
	}
	client_reply(c, st, body, blen);
	free(body);
}

static void
client_ready(struct source *s, uint32_t events)
{
	struct ctl_client *c = s->arg;
	char *nl;
	ssize_t r;

	if (c->out != NULL) {
		if (events & (EPOLLERR | EPOLLHUP))
			client_free(c);
		else
			client_flush(c);
		return;
	}
	for (;;) {
		if (c->nin == sizeof(c->in)) {
			client_replyf(c, CTLP_INVALID, "request longer than"
			    " 4095 bytes; requests are one line: v1 COMMAND"
			    " [ZONE]");
			return;
		}
		r = recv(s->fd, c->in + c->nin, sizeof(c->in) - c->nin,
		    MSG_DONTWAIT);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r == -1) {
			client_free(c);
			return;
		}
		if (r == 0) {
			/* Half-closed after a partial line: say so, then close. */
			if (c->nin == 0)
				client_free(c);
			else
				client_replyf(c, CTLP_INVALID, "request without"
				    " a newline at its end");
			return;
		}
		if ((nl = memchr(c->in + c->nin, '\n', (size_t)r)) != NULL) {
			client_request(c, (size_t)(nl - c->in));
			return;
		}
		c->nin += (size_t)r;
	}
}

/* Refuse a connection over the limit without keeping it. */
static void
refuse_busy(int fd)
{
	static const char msg[] = CTLP_VERSION " failed\nbusy: too many"
	    " control clients at once; try again\n.\n";

	(void)send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void
lsn_ready(struct source *s, uint32_t events)
{
	struct ctlsock *cs = s->arg;
	struct ctl_client *c;
	struct ucred cred;
	socklen_t clen;
	size_t i;
	int fd;

	(void)events;
	/* A bounded batch per wake-up, so a flood cannot starve the loop. */
	for (i = 0; i < 64; i++) {
		fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("control socket: accept");
			return;
		}
		clen = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == -1) {
			log_warn("control socket: SO_PEERCRED");
			close(fd);
			continue;
		}
		for (i = 0; i < CTLSOCK_MAXCLIENTS; i++)
			if (cs->clients[i] == NULL)
				break;
		if (i == CTLSOCK_MAXCLIENTS) {
			log_debug("control socket: busy, uid %u refused",
			    (unsigned)cred.uid);
			refuse_busy(fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			log_warn("control socket");
			close(fd);
			continue;
		}
		c->cs = cs;
		c->src.fd = fd;
		c->src.ready = client_ready;
		c->src.arg = c;
		c->peer.pid = cred.pid;
		c->peer.uid = cred.uid;
		c->peer.gid = cred.gid;
		c->peer.fd = fd;
		c->deadline = mono_now() + CTLSOCK_TIMEOUT;
		if (loop_add(cs->loop, &c->src, EPOLLIN | EPOLLRDHUP) == -1) {
			log_warn("control socket: epoll");
			close(fd);
			free(c);
			continue;
		}
		cs->clients[i] = c;
	}
}

/*
 * Once a second: idle clients go.  The counters are not polled here:
 * see struct ctl_hit.
 */
static void
tick_ready(struct source *s, uint32_t events)
{
	struct ctlsock *cs = s->arg;
	uint64_t n;
	time_t now = mono_now();
	size_t i;

	(void)events;
	if (read(s->fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	for (i = 0; i < CTLSOCK_MAXCLIENTS; i++)
		if (cs->clients[i] != NULL && cs->clients[i]->deadline <= now) {
			log_debug("control socket: uid %u pid %d timed out",
			    (unsigned)cs->clients[i]->peer.uid,
			    (int)cs->clients[i]->peer.pid);
			client_free(cs->clients[i]);
		}
	cs->ticks++;
}

/* Is something answering on this socket path (another bunrid)? */
static bool
socket_alive(const struct sockaddr_un *sa)
{
	int fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	return rc == 0;
}

/* The socket's directory: made 0750 (group bunri) if missing. */
static int
make_dir(const char *path, gid_t gid, bool has_group)
{
	char *dir, *slash;
	struct stat st;
	int rc = 0;

	if ((dir = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		goto out;
	*slash = '\0';
	if (stat(dir, &st) == 0)
		goto out;
	if (errno != ENOENT || mkdir(dir, 0750) == -1) {
		log_warn("control socket: directory %s", dir);
		rc = -1;
		goto out;
	}
	if (chmod(dir, 0750) == -1 ||
	    (has_group && chown(dir, (uid_t)-1, gid) == -1))
		log_warn("control socket: directory %s", dir);
out:
	free(dir);
	return rc;
}

static int
open_listener(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	struct group *gr;
	gid_t gid = 0;
	bool has_group;
	mode_t old;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("control socket %s: path longer than %zu bytes", path,
		    sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((has_group = (gr = getgrnam(CTLSOCK_GROUP)) != NULL))
		gid = gr->gr_gid;
	if (make_dir(path, gid, has_group) == -1)
		return -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_warnx("control socket %s: exists and is not a"
			    " socket; left alone", path);
			return -1;
		}
		if (socket_alive(&sa)) {
			log_warnx("control socket %s: another process (bunrid?)"
			    " answers there; left alone", path);
			return -1;
		}
		/* A stale socket of an earlier run. */
		if (unlink(path) == -1) {
			log_warn("control socket %s", path);
			return -1;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("control socket");
		return -1;
	}
	/* Never world-accessible, not even between bind() and chmod(). */
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		umask(old);
		log_warn("control socket %s", path);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0660) == -1 ||
	    (has_group && chown(path, (uid_t)-1, gid) == -1))
		log_warn("control socket %s: mode/group", path);
	if (listen(fd, 32) == -1) {
		log_warn("control socket %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

int
ctlsock_open(struct ctlsock *cs, const char *path, struct loop *l,
    struct enforce *enf, struct monitor *mon, int (*reload)(void *),
    void *arg)
{
	struct itimerspec its;

	memset(cs, 0, sizeof(*cs));
	cs->lsn.fd = cs->tick.fd = -1;
	cs->loop = l;
	cs->enf = enf;
	cs->mon = mon;
	cs->reload = reload;
	cs->arg = arg;
	cs->started = time(NULL);
	if ((cs->lsn.fd = open_listener(path)) == -1)
		return -1;
	if ((cs->path = strdup(path)) == NULL)
		goto fail;
	cs->lsn.ready = lsn_ready;
	cs->lsn.arg = cs;
	if ((cs->tick.fd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		goto fail;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = its.it_interval.tv_sec = 1;
	if (timerfd_settime(cs->tick.fd, 0, &its, NULL) == -1)
		goto fail;
	cs->tick.ready = tick_ready;
	cs->tick.arg = cs;
	if (loop_add(l, &cs->lsn, EPOLLIN) == -1)
		goto fail;
	if (loop_add(l, &cs->tick, EPOLLIN) == -1) {
		loop_del(l, &cs->lsn);
		goto fail;
	}
	log_info("control socket %s", path);
	return 0;
fail:
	log_warn("control socket %s", path);
	if (cs->tick.fd != -1)
		close(cs->tick.fd);
	close(cs->lsn.fd);
	unlink(path);
	free(cs->path);
	cs->path = NULL;
	cs->lsn.fd = cs->tick.fd = -1;
	return -1;
}

void
ctlsock_close(struct ctlsock *cs)
{
	size_t i;

	if (cs->path == NULL)
		return;
	for (i = 0; i < CTLSOCK_MAXCLIENTS; i++)
		if (cs->clients[i] != NULL)
			client_free(cs->clients[i]);
	loop_del(cs->loop, &cs->lsn);
	loop_del(cs->loop, &cs->tick);
	close(cs->lsn.fd);
	close(cs->tick.fd);
	unlink(cs->path);
	free(cs->path);
	cs->path = NULL;
	ctlsock_hits_free(cs);
}
