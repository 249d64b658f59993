/* alertlog.c - bunrid's alert log: EVE lines sealed by the chain, appended to alerts.file, copied to syslog. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "alertlog.h"
#include "eve.h"
#include "log.h"

#define TAIL_WINDOW	65536	/* an alert line is far shorter */
/* Key steps (SHA-256 each) the daemon takes at start to rejoin a log. */
#define MAX_CATCHUP	10000000

static const struct {
	const char	*name;
	int		 fac;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP },
};

int
alertlog_facility(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(facilities) /
	    sizeof(facilities[0]); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].fac;
	return -1;
}

/* mkdir -p of path, or of the directory path is in (dirs_of). */
static int
mkdirs(const char *path, bool dirs_of, mode_t mode)
{
	char *p, *s;
	int rc = -1;

	if ((p = strdup(path)) == NULL)
		return -1;
	if (dirs_of) {
		if ((s = strrchr(p, '/')) == NULL || s == p) {
			rc = 0;		/* the current or the root directory */
			goto out;
		}
		*s = '\0';
	}
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) == -1 && errno != EEXIST) {
				log_warn("mkdir %s", p);
				goto out;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

static char *
join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s/%s", dir, name) == -1)
		return NULL;
	return s;
}

/* k_1: 32 random bytes, stored once in hex for CSIRT to copy away. */
static int
key_create(const char *path, uint8_t key[CHAIN_LEN])
{
	char hex[CHAIN_HEXLEN + 2];
	ssize_t n;
	int fd;

	if ((n = getrandom(key, CHAIN_LEN, 0)) != CHAIN_LEN) {
		log_warn("getrandom");
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	chain_hex(key, CHAIN_LEN, hex);
	hex[CHAIN_HEXLEN] = '\n';
	n = write(fd, hex, CHAIN_HEXLEN + 1);
	explicit_bzero(hex, sizeof(hex));
	if (n != CHAIN_HEXLEN + 1 || fsync(fd) == -1) {
		log_warn("writing %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	log_info("new alert chain: initial key written to %s", path);
	return 0;
}

static int
key_load(const char *path, uint8_t key[CHAIN_LEN])
{
	char buf[CHAIN_HEXLEN + 2];
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if ((n == CHAIN_HEXLEN || (n == CHAIN_HEXLEN + 1 &&
	    buf[CHAIN_HEXLEN] == '\n')) &&
	    chain_hex_parse(buf, CHAIN_HEXLEN, key, CHAIN_LEN) == 0)
		rc = 0;
	else
		log_warnx("%s: not a chain key (64 hex digits)", path);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/*
 * Written in place with pwrite(): the record has a fixed length, so one
 * small pwrite per line replaces it whole (no rename, no fsync per line:
 * thousands of lines a second).  A crash between the line's write() and
 * this leaves the state one line behind; open_log() catches up from the
 * log's last line.
 */
static int
state_save(struct alertlog *al)
{
	char txt[CHAIN_STATE_LEN + 1];
	ssize_t n;

	chain_state_fmt(&al->chain, txt);
	n = pwrite(al->state_fd, txt, CHAIN_STATE_LEN, 0);
	explicit_bzero(txt, sizeof(txt));
	if (n != CHAIN_STATE_LEN) {
		if (!al->failing)
			log_warn("%s/chain.state", al->state_dir);
		return -1;
	}
	al->dirty = true;
	return 0;
}

/* 1: loaded, 0: empty (new), -1: unusable. */
static int
state_load(struct alertlog *al)
{
	char txt[CHAIN_STATE_LEN + 1];
	struct stat st;
	ssize_t n;
	int rc = -1;

	if (fstat(al->state_fd, &st) == -1)
		return -1;
	if (st.st_size == 0)
		return 0;
	n = pread(al->state_fd, txt, sizeof(txt), 0);
	if (n == CHAIN_STATE_LEN && chain_state_parse(txt, (size_t)n,
	    &al->chain) == 0)
		rc = 1;
	else
		log_warnx("%s/chain.state: damaged; move it away to start a "
		    "new chain from chain.key", al->state_dir);
	explicit_bzero(txt, sizeof(txt));
	return rc;
}

/*
 * The log's tail: drop an unfinished last line (a crash in the middle of
 * a write; its line was never counted in the chain state), and bring the
 * chain state up to the last complete line if it is one line behind.
 */
static void
catch_up(struct alertlog *al, bool from_key)
{
	char *buf = NULL, *end, *start;
	enum chain_rc rc;
	struct chain c;
	uint64_t seq;
	struct stat st;
	off_t off;
	ssize_t n;
	bool found;
	int fd;

	if ((fd = open(al->path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == -1 || st.st_size == 0 ||
	    (buf = malloc(TAIL_WINDOW)) == NULL)
		goto out;
	off = st.st_size > TAIL_WINDOW ? st.st_size - TAIL_WINDOW : 0;
	if ((n = pread(fd, buf, TAIL_WINDOW, off)) <= 0)
		goto out;
	end = buf + n;
	if (end[-1] != '\n') {
		start = memrchr(buf, '\n', (size_t)n);
		if (start == NULL && off > 0) {
			al->tail_cut = true;	/* too long to look at: */
			goto out;		/* start on a new line */
		}
		n = start != NULL ? start + 1 - buf : 0;
		if (ftruncate(al->fd, off + n) == -1) {
			log_warn("%s: cannot drop an unfinished last line",
			    al->path);
			al->tail_cut = true;
			goto out;
		}
		log_warnx("%s: dropped an unfinished last line of %jd bytes "
		    "(an interrupted write)", al->path,
		    (intmax_t)(st.st_size - off - n));
		end = buf + n;
	}
	if (end == buf)
		goto out;
	end--;			/* its newline */
	start = memrchr(buf, '\n', (size_t)(end - buf));
	start = start != NULL ? start + 1 : buf;
	if (start == buf && off > 0)
		goto out;
	if (json_validate(start, (size_t)(end - start), "bunri", "seq", &seq,
	    &found) == -1 || !found)
		goto out;
	if (from_key) {
		/* No state, but a log: continue it from k_1. */
		if (seq == 0 || seq > MAX_CATCHUP) {
			log_warnx("%s: last seq %ju: not continuing it from "
			    "chain.key; a new chain starts at seq 1", al->path,
			    (uintmax_t)seq);
			goto out;
		}
		c = al->chain;
		chain_skip(&c, seq - 1);
		if (chain_verify_line(&c, start, (size_t)(end - start),
		    NULL, NULL) != CHAIN_ADOPTED) {
			log_warnx("%s: last line does not fit chain.key; "
			    "a new chain starts at seq 1", al->path);
			chain_clear(&c);
			goto out;
		}
		al->chain = c;
		chain_clear(&c);
		log_warnx("%s/chain.state was missing: continuing the chain "
		    "of %s after seq %ju", al->state_dir, al->path,
		    (uintmax_t)seq);
		goto out;
	}
	if (seq != al->chain.seq)
		goto out;
	rc = chain_verify_line(&al->chain, start, (size_t)(end - start),
	    NULL, NULL);
	if (rc == CHAIN_OK)
		log_info("%s: seq %ju was written but not saved in "
		    "chain.state; continuing after it", al->path,
		    (uintmax_t)seq);
	else
		log_warnx("%s: the last line (seq %ju) does not fit the chain "
		    "state", al->path, (uintmax_t)seq);
out:
	free(buf);
	close(fd);
}

static int
open_log(struct alertlog *al)
{
	if (mkdirs(al->path, true, 0750) == -1)
		return -1;
	al->fd = open(al->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640);
	if (al->fd == -1) {
		log_warn("%s", al->path);
		return -1;
	}
	return 0;
}

static int
open_chain(struct alertlog *al)
{
	uint8_t k1[CHAIN_LEN];
	char *spath = NULL, *kpath = NULL;
	int have, rc = -1;

	if (mkdirs(al->state_dir, false, 0700) == -1)
		return -1;
	if ((spath = join(al->state_dir, "chain.state")) == NULL ||
	    (kpath = join(al->state_dir, "chain.key")) == NULL)
		goto out;
	al->state_fd = open(spath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (al->state_fd == -1) {
		log_warn("%s", spath);
		goto out;
	}
	/* Two writers would fork the chain. */
	if (flock(al->state_fd, LOCK_EX | LOCK_NB) == -1) {
		log_warn("%s: in use by another bunrid", spath);
		goto out;
	}
	if ((have = state_load(al)) == -1)
		goto out;
	if (have == 0) {
		if (access(kpath, F_OK) == 0) {
			if (key_load(kpath, k1) == -1)
				goto out;
		} else if (key_create(kpath, k1) == -1)
			goto out;
		chain_init(&al->chain, k1);
		explicit_bzero(k1, sizeof(k1));
	}
	if (open_log(al) == -1)
		goto out;
	catch_up(al, have == 0);
	if (state_save(al) == -1)
		goto out;
	rc = 0;
out:
	free(spath);
	free(kpath);
	return rc;
}

static int
set_conf(struct alertlog *al, const struct policy *p)
{
	int fac;

	if ((fac = alertlog_facility(p->alerts.facility != NULL ?
	    p->alerts.facility : DEF_FACILITY)) == -1) {
		log_warnx("alerts.facility %s: unknown", p->alerts.facility);
		return -1;
	}
	al->facility = fac;
	al->syslog = p->alerts.syslog;
	return 0;
}

int
alertlog_open(struct alertlog *al, const struct policy *p)
{
	memset(al, 0, sizeof(*al));
	al->fd = al->state_fd = -1;
	json_init(&al->jb);
	al->path = strdup(p->alerts.file != NULL ? p->alerts.file :
	    DEF_ALERT_FILE);
	al->state_dir = strdup(p->gw.state_dir != NULL ? p->gw.state_dir :
	    DEF_STATE_DIR);
	if (al->path == NULL || al->state_dir == NULL) {
		log_warn("alert log");
		goto fail;
	}
	if (set_conf(al, p) == -1 || open_chain(al) == -1)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &al->synced);
	log_debug("alert log %s, next seq %ju", al->path,
	    (uintmax_t)al->chain.seq);
	return 0;
fail:
	alertlog_close(al);
	return -1;
}

static void
maybe_sync(struct alertlog *al)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - al->synced.tv_sec >= 1)
		alertlog_sync(al);
}

int
alertlog_write(struct alertlog *al, const struct alert_rec *r)
{
	uint8_t mac[CHAIN_LEN];
	size_t need, len;
	ssize_t n, w;
	char *nb, *buf;

	if (eve_encode(r, al->chain.seq, &al->jb) == -1) {
		log_warnx("cannot encode an alert (signature %d)", (int)r->sid);
		al->lost++;
		return -1;
	}
	need = al->jb.len + CHAIN_EXTRA + 2;
	if (need > al->outsz) {
		if ((nb = realloc(al->out, need)) == NULL) {
			log_warn("alert log");
			al->lost++;
			return -1;
		}
		al->out = nb;
		al->outsz = need;
	}
	al->out[0] = '\n';
	if ((n = chain_seal(&al->chain, al->jb.buf, al->jb.len, al->out + 1,
	    al->outsz - 1, mac)) == -1) {
		al->lost++;
		return -1;
	}
	if (al->syslog)	/* even when the file fails: better than nothing */
		syslog(al->facility | LOG_NOTICE, "%.*s", (int)(n - 1),
		    al->out + 1);
	if (al->fd == -1 && alertlog_reopen(al) == -1)
		goto fail;
	buf = al->tail_cut ? al->out : al->out + 1;
	len = (size_t)n + (al->tail_cut ? 1 : 0);
	/* One write(): a crash loses at most this line. */
	while ((w = write(al->fd, buf, len)) == -1 && errno == EINTR)
		;
	if (w != (ssize_t)len) {
		if (w > 0)
			al->tail_cut = true;
		if (!al->failing)
			log_warn("%s: cannot write alerts%s", al->path,
			    w >= 0 ? " (short write)" : "");
		goto fail;
	}
	al->tail_cut = false;
	chain_advance(&al->chain, mac);
	explicit_bzero(mac, sizeof(mac));
	al->written++;
	if (state_save(al) == -1) {
		/* The line is out; a restart catches up from it. */
		al->failing = true;
		return -1;
	}
	if (al->failing)
		log_info("%s: writing alerts again", al->path);
	al->failing = false;
	maybe_sync(al);
	return 0;
fail:
	explicit_bzero(mac, sizeof(mac));
	al->failing = true;
	al->lost++;
	return -1;
}

int
alertlog_reopen(struct alertlog *al)
{
	if (al->fd != -1) {
		if (fdatasync(al->fd) == -1 && errno != EINVAL)
			log_warn("%s", al->path);
		close(al->fd);
		al->fd = -1;
	}
	al->tail_cut = false;
	if (open_log(al) == -1)
		return -1;
	catch_up(al, false);
	return 0;
}

int
alertlog_configure(struct alertlog *al, const struct policy *p)
{
	const char *path = p->alerts.file != NULL ? p->alerts.file :
	    DEF_ALERT_FILE;
	const char *sd = p->gw.state_dir != NULL ? p->gw.state_dir :
	    DEF_STATE_DIR;
	char *np;

	if (set_conf(al, p) == -1)
		return -1;
	if (strcmp(sd, al->state_dir) != 0)
		log_warnx("gateway.state_dir %s: takes effect at the next "
		    "start; the chain stays in %s until then", sd,
		    al->state_dir);
	if (strcmp(path, al->path) == 0)
		return 0;
	if ((np = strdup(path)) == NULL)
		return -1;
	free(al->path);
	al->path = np;
	log_info("alerts now go to %s (seq %ju on)", al->path,
	    (uintmax_t)al->chain.seq);
	return alertlog_reopen(al);
}

int
alertlog_sync(struct alertlog *al)
{
	int rc = 0;

	/* The log first: the state must not be ahead of lines on disk. */
	if (al->fd != -1 && fdatasync(al->fd) == -1 && errno != EINVAL)
		rc = -1;
	if (al->state_fd != -1 && al->dirty && fdatasync(al->state_fd) == -1)
		rc = -1;
	al->dirty = false;
	clock_gettime(CLOCK_MONOTONIC, &al->synced);
	return rc;
}

uint64_t
alertlog_seq(const struct alertlog *al)
{
	return al->chain.seq;
}

void
alertlog_close(struct alertlog *al)
{
	if (al->fd != -1 || al->state_fd != -1)
		alertlog_sync(al);
	if (al->fd != -1)
		close(al->fd);
	if (al->state_fd != -1)
		close(al->state_fd);	/* releases the lock */
	al->fd = al->state_fd = -1;
	chain_clear(&al->chain);
	json_free(&al->jb);
	free(al->out);
	free(al->path);
	free(al->state_dir);
	al->out = al->path = al->state_dir = NULL;
	al->outsz = 0;
}
