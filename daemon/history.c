/* history.c - the change history under state_dir: history.log and the applied policies kept by hash. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "conf_read.h"
#include "history.h"
#include "log.h"
#include "monitor.h"

void
history_hex(const uint8_t *sha, char *out)
{
	size_t i;

	if (sha == NULL) {
		strcpy(out, "-");
		return;
	}
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", sha[i]);
}

static int
mkdir_mode(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return -1;
}

int
history_open(struct history *h, const char *state_dir)
{
	char path[4096];

	h->dir = NULL;
	h->who = WHO_DAEMON;
	snprintf(path, sizeof(path), "%s/%s", state_dir, HISTORY_DIR);
	if (mkdir_mode(state_dir, 0750) == -1 || mkdir_mode(path, 0700) == -1) {
		log_warn("change history: %s", path);
		return -1;
	}
	if ((h->dir = strdup(state_dir)) == NULL) {
		log_warn("change history");
		return -1;
	}
	return 0;
}

void
history_close(struct history *h)
{
	free(h->dir);
	h->dir = NULL;
}

void
history_who_peer(struct history *h, uid_t uid)
{
	h->who = WHO_PEER;
	h->uid = uid;
}

void
history_who_reset(struct history *h)
{
	h->who = WHO_DAEMON;
}

static void
who_fmt(const struct history *h, char *buf, size_t len)
{
	struct passwd *pw;

	switch (h->who) {
	case WHO_SIGNAL:
		snprintf(buf, len, "SIGHUP");
		break;
	case WHO_PEER:
		pw = getpwuid(h->uid);
		snprintf(buf, len, "%u(%s)", (unsigned)h->uid,
		    pw != NULL ? pw->pw_name : "?");
		break;
	case WHO_DAEMON:
		snprintf(buf, len, "bunrid");
		break;
	}
}

/* RFC 3339, local time, "+09:00". */
static void
time_fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;
	size_t n;

	if (localtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm)) < 5 ||
	    n + 2 > len) {
		snprintf(buf, len, "%lld", (long long)t);
		return;
	}
	/* +0900 -> +09:00 */
	memmove(buf + n - 1, buf + n - 2, 3);
	buf[n - 2] = ':';
}

/* One line each: no newline or other control byte from free text. */
static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
history_event(struct history *h, const char *action, const uint8_t *sha,
    const char *result, const char *what, bool al)
{
	char t[40], who[160], hex[65], line[2048], detail[1024], path[4096];
	int fd, n;

	time_fmt(time(NULL), t, sizeof(t));
	who_fmt(h, who, sizeof(who));
	history_hex(sha, hex);
	n = snprintf(line, sizeof(line), "%s %s %s %s %s %s", t, who, action,
	    hex, result, what != NULL ? what : "");
	if (n < 0)
		return;
	clean(line);
	if (al) {
		snprintf(detail, sizeof(detail), "%s by %s; result %s; sha256 %s",
		    action, who, result, hex);
		monitor_alert(h->mon, SIG_POLICY_CHANGE, what != NULL ? what :
		    action, detail);
	}
	if (h->dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", h->dir, HISTORY_LOG);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("change history: %s", path);
		return;
	}
	/* One write of one line: lines of two writers never interleave. */
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(fd, line, (size_t)n) != n)
		log_warn("change history: %s", path);
	(void)fdatasync(fd);
	close(fd);
}

static int
read_text(const char *path, struct conf_text *t)
{
	struct diags d;
	int rc;

	diags_init(&d);
	memset(t, 0, sizeof(*t));
	rc = conf_read_file(path, t, &d);
	diags_free(&d);
	if (rc == -1)
		conf_text_free(t);
	return rc;
}

int
history_file_sha(const char *path, uint8_t *sha)
{
	struct conf_text t;

	if (read_text(path, &t) == -1)
		return -1;
	crypto_hash_sha256(sha, (const unsigned char *)t.buf, t.len);
	conf_text_free(&t);
	return 0;
}

static void
kept_path(const struct history *h, const uint8_t *sha, char *buf, size_t len)
{
	char hex[65];

	history_hex(sha, hex);
	snprintf(buf, len, "%s/%s/%s.conf", h->dir, HISTORY_DIR, hex);
}

int
history_keep(struct history *h, const char *path, const uint8_t *sha)
{
	struct conf_text t;
	uint8_t got[32];
	char kept[4096], tmp[4200];
	int fd, rc = -1;

	if (h->dir == NULL)
		return -1;
	kept_path(h, sha, kept, sizeof(kept));
	if (access(kept, F_OK) == 0)
		return 0;
	if (read_text(path, &t) == -1) {
		log_warnx("change history: %s cannot be read again to keep it",
		    path);
		return -1;
	}
	crypto_hash_sha256(got, (const unsigned char *)t.buf, t.len);
	if (memcmp(got, sha, sizeof(got)) != 0) {
		log_warnx("change history: %s changed since it was loaded; not"
		    " kept", path);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", kept);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("change history: %s", tmp);
		goto out;
	}
	if (write(fd, t.buf, t.len) != (ssize_t)t.len || fsync(fd) == -1) {
		log_warn("change history: %s", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, kept) == -1) {
		log_warn("change history: %s", kept);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	conf_text_free(&t);
	return rc;
}

/* The whole file if it hashes to sha. */
static char *
read_kept(const char *path, const uint8_t *sha, size_t *len)
{
	struct stat st;
	uint8_t got[32];
	char *buf;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || st.st_size > 64 * 1024 * 1024 ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	r = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (r != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[r] = '\0';
	crypto_hash_sha256(got, (const unsigned char *)buf, (size_t)r);
	if (memcmp(got, sha, sizeof(got)) != 0) {
		free(buf);
		return NULL;
	}
	*len = (size_t)r;
	return buf;
}

char *
history_text(const struct history *h, const char *path, const uint8_t *sha,
    size_t *len)
{
	struct conf_text t;
	uint8_t got[32];
	char kept[4096], *buf;

	if (h->dir != NULL) {
		kept_path(h, sha, kept, sizeof(kept));
		if ((buf = read_kept(kept, sha, len)) != NULL)
			return buf;
	}
	if (path == NULL || read_text(path, &t) == -1)
		return NULL;
	crypto_hash_sha256(got, (const unsigned char *)t.buf, t.len);
	if (memcmp(got, sha, sizeof(got)) != 0) {
		conf_text_free(&t);
		return NULL;
	}
	buf = t.buf;
	*len = t.len;
	t.buf = NULL;
	conf_text_free(&t);
	return buf;
}
