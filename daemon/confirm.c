/* confirm.c - bunrictl apply FILE [--confirm SECONDS]: a new policy that rolls itself back unless confirmed. */
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "confirm.h"
#include "ctlsock.h"
#include "diag.h"
#include "enforce.h"
#include "history.h"
#include "log.h"
#include "monitor.h"

static void	 timer_ready(struct source *, uint32_t);

/* In secs seconds from now; 0 disarms. */
static int
arm(struct confirm *c, unsigned secs)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = secs;
	return timerfd_settime(c->timer.fd, 0, &its, NULL);
}

int
confirm_init(struct confirm *c, struct loop *l, struct enforce *e,
    struct monitor *m, struct history *h)
{
	memset(c, 0, sizeof(*c));
	c->enf = e;
	c->mon = m;
	c->hist = h;
	c->loop = l;
	/* Monotonic and relative: "N seconds" must not be cut by a clock step. */
	return loop_add_timer(l, &c->timer, CLOCK_MONOTONIC, NULL, timer_ready,
	    c);
}

static void
forget(struct confirm *c)
{
	c->pending = false;
	c->deadline = 0;
	free(c->prev_text);
	c->prev_text = NULL;
	free(c->prev_path);
	c->prev_path = NULL;
	if (c->timer.fd != -1 && arm(c, 0) == -1)
		log_warn("disarming the confirm timer");
}

void
confirm_fini(struct confirm *c)
{
	/* A pending apply stays in the kernel: bunrid stops, fail closed. */
	if (c->pending)
		log_warnx("stopping with an unconfirmed policy in the kernel;"
		    " a restart reads the policy file again");
	forget(c);
	loop_close_source(c->loop, &c->timer);
	if (c->enf != NULL && c->enf->path == c->path)
		c->enf->path = NULL;
	free(c->path);
	c->path = NULL;
}

/* The new running policy reaches the detection engine; the old one goes. */
static void
took_over(struct confirm *c)
{
	if (c->mon != NULL)
		(void)monitor_policy(c->mon, c->enf->pol, c->enf->isolated);
	enforce_retire(c->enf);
}

/* May the peer read this file itself?  bunrid must not read for it what it could not. */
static int
peer_may_read(const struct ctl_peer *peer, const char *path, FILE *out)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1 ||
	    fstat(fd, &st) == -1) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		fprintf(out, "%s: not a regular file\n", path);
		return -1;
	}
	if (peer->uid == 0 || (st.st_mode & S_IROTH) ||
	    (st.st_uid == peer->uid && (st.st_mode & S_IRUSR)) ||
	    ((st.st_mode & S_IRGRP) && ctlsock_peer_in_group(peer, st.st_gid)))
		return 0;
	fprintf(out, "%s: uid %u may not read it; bunrid reads only files its"
	    " requester can read\n", path, (unsigned)peer->uid);
	return -1;
}

static void
first_error(const struct diags *d, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "invalid policy");
	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == DIAG_ERROR) {
			snprintf(buf, len, "invalid policy (%zu errors), first:"
			    " %s:%d: %s", d->nerrors, d->v[i].file != NULL ?
			    d->v[i].file : "-", d->v[i].line, d->v[i].msg);
			return;
		}
}

enum ctlp_status
confirm_apply(struct confirm *c, const char *text,
    const struct ctl_peer *peer, FILE *out)
{
	struct enforce *e = c->enf;
	struct policy *np = NULL;
	struct diags d;
	uint8_t sha[32];
	char path[4096], secs[16], what[2200], why[1024], *end;
	char *ptext = NULL, *ppath = NULL, *npath = NULL;
	time_t now = time(NULL);
	unsigned long n = 0;
	size_t plen = 0;
	enum ctlp_status st = CTLP_INVALID;
	bool have_sha;

	diags_init(&d);
	if (ctlp_kv_get(text, "path", path, sizeof(path)) != 1 ||
	    path[0] != '/') {
		fprintf(out, "apply needs the policy file's absolute path\n");
		goto out;
	}
	if (ctlp_kv_get(text, "confirm", secs, sizeof(secs)) == 1) {
		errno = 0;
		n = strtoul(secs, &end, 10);
		if (errno != 0 || end == secs || *end != '\0' ||
		    n > CONFIRM_MAX) {
			fprintf(out, "--confirm: %s is out of range (1-%d s)\n",
			    secs, CONFIRM_MAX);
			goto out;
		}
	}
	if (c->pending) {
		fprintf(out, "an applied policy awaits confirmation (%lld s"
		    " left): `bunrictl confirm` it or let it roll back first\n",
		    (long long)(c->deadline - now));
		goto out;
	}
	if (peer_may_read(peer, path, out) == -1)
		goto out;
	have_sha = history_file_sha(path, sha) == 0;
	np = conf_load(path, now, &d);
	diags_sort(&d);
	diags_print(&d, out);
	if (np == NULL) {
		first_error(&d, why, sizeof(why));
		fprintf(out, "apply refused: %s is invalid; the running policy"
		    " stays\n", path);
		snprintf(what, sizeof(what), "policy refused: %.1000s: %s", path, why);
		history_event(c->hist, "apply", have_sha ? sha : NULL,
		    "refused", what, true);
		goto out;
	}
	memcpy(sha, np->sha256, sizeof(sha));
	if (n > 0 && (ptext = history_text(c->hist, e->path, e->pol->sha256,
	    &plen)) == NULL) {
		fprintf(out, "apply refused: the running policy's text cannot be"
		    " kept for the rollback (%s changed and no copy under"
		    " state_dir); reload it first\n", e->path);
		goto out;
	}
	if ((ppath = strdup(e->path)) == NULL || (npath = strdup(path)) == NULL) {
		fprintf(out, "out of memory\n");
		st = CTLP_FAILED;
		goto out;
	}
	if (n > 0)
		memcpy(c->prev_sha, e->pol->sha256, sizeof(c->prev_sha));
	if (enforce_replace(e, np, now) == -1) {
		np = NULL;
		fprintf(out, "apply failed: %s; the running policy stays\n",
		    e->why);
		snprintf(what, sizeof(what), "policy refused: %.1000s: %s", path,
		    e->why);
		history_event(c->hist, "apply", sha, "failed", what, true);
		st = CTLP_FAILED;
		goto out;
	}
	np = NULL;
	took_over(c);
	(void)history_keep(c->hist, path, sha);
	/* Reloads (SIGHUP from logrotate too) re-read the applied file now. */
	e->path = npath;
	free(c->path);
	c->path = npath;
	npath = NULL;
	if (n > 0) {
		c->pending = true;
		c->secs = (unsigned)n;
		c->deadline = now + (time_t)n;
		c->prev_text = ptext;
		c->prev_len = plen;
		c->prev_path = ppath;
		ptext = ppath = NULL;
		if (arm(c, c->secs) == -1)
			log_warn("arming the confirm timer");
		snprintf(what, sizeof(what), "policy applied: %.1000s; rolls back in"
		    " %lu s unless confirmed", path, n);
	} else
		snprintf(what, sizeof(what), "policy applied: %.1000s", path);
	history_event(c->hist, "apply", sha, "ok", what, true);
	log_info("%s", what);
	fprintf(out, "%s: %zu zones, %zu flows\n", what, e->pol->nzones,
	    e->pol->nflows);
	if (n > 0)
		fprintf(out, "run `bunrictl confirm` within %lu s to keep it\n",
		    n);
	st = CTLP_OK;
out:
	policy_free(np);
	free(ptext);
	free(ppath);
	free(npath);
	diags_free(&d);
	return st;
}

enum ctlp_status
confirm_confirm(struct confirm *c, FILE *out)
{
	char what[4200];

	if (!c->pending) {
		fprintf(out, "no applied policy awaits confirmation\n");
		return CTLP_INVALID;
	}
	forget(c);
	snprintf(what, sizeof(what), "policy confirmed: %s", c->enf->path);
	history_event(c->hist, "confirm", c->enf->pol->sha256, "ok", what,
	    true);
	log_info("%s", what);
	fprintf(out, "%s; it stays\n", what);
	return CTLP_OK;
}

void
confirm_print(const struct confirm *c, FILE *out)
{
	char hex[65];

	if (!c->pending)
		return;
	history_hex(c->prev_sha, hex);
	fprintf(out, "awaiting confirmation: %s; rolls back to sha256 %.16s..."
	    " (%s) in %lld s unless `bunrictl confirm`\n", c->enf->path, hex,
	    c->prev_path, (long long)(c->deadline - time(NULL)));
}

/* No confirm in time: the previous policy again. */
static void
rollback(struct confirm *c)
{
	struct enforce *e = c->enf;
	struct policy *np;
	struct diags d;
	char what[4400];
	time_t now = time(NULL);

	diags_init(&d);
	np = conf_load_string(c->prev_text, c->prev_len, c->prev_path, now, &d);
	diags_free(&d);
	if (np == NULL || enforce_replace(e, np, now) == -1) {
		snprintf(what, sizeof(what), "policy rollback FAILED: %s stays"
		    " (%s)", e->path, np == NULL ? "the previous policy does"
		    " not load any more" : e->why);
		log_warnx("%s", what);
		history_event(c->hist, "rollback", c->prev_sha, "failed", what,
		    true);
		forget(c);
		return;
	}
	took_over(c);
	snprintf(what, sizeof(what), "policy rolled back to %s: %s was not"
	    " confirmed within %u s", c->prev_path, e->path, c->secs);
	log_warnx("%s", what);
	free(c->path);
	c->path = c->prev_path;
	c->prev_path = NULL;
	e->path = c->path;
	history_event(c->hist, "rollback", c->prev_sha, "ok", what, true);
	forget(c);
}

static void
timer_ready(struct source *s, uint32_t events)
{
	struct confirm *c = s->arg;
	uint64_t n;

	(void)events;
	if (read(s->fd, &n, sizeof(n)) != (ssize_t)sizeof(n) || !c->pending)
		return;
	rollback(c);
}
