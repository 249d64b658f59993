/* ctl_cache.c - bunrictl's compiled policy cache on disk: where it lives, when it is used, atomic writes. */
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bigalloc.h"
#include "conf.h"
#include "conf_read.h"
#include "ctl_cache.h"
#include "decide.h"
#include "hugeheap.h"

/*
 * One file per policy path under $XDG_CACHE_HOME/bunri (else
 * $HOME/.cache/bunri), named by the SHA-256 of the path as given and its
 * real path, because both end up in the model (file names in messages).
 * Like ssh with its keys, a cache is read only from a directory and a
 * file that belong to this user and that nobody else may write: anyone
 * who could write it could change what audit reports.  Writes go to a
 * new file in the same directory, renamed over the old one, so a reader
 * sees a whole old cache or a whole new one.  Nothing here prints or
 * changes an exit status: any trouble means "no cache".
 */

#define CACHE_MAX	(1024u * 1024 * 1024)	/* larger is not ours */
/*
 * Policies kept: one per path, so tests with temporary policies would
 * fill the directory.  The least recently used go (a hit touches its
 * file), and a temporary file left by a killed writer after an hour.
 */
#define CACHE_KEEP	16
#define TMP_AGE		3600

static bool
safe_dir(const char *dir)
{
	struct stat st;

	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

/* The cache directory, created (0700) if `create`; NULL when none may be used. */
static char *
cache_dir(bool create)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char base[PATH_MAX], *dir;

	/* Relative values are to be ignored (XDG base directory spec). */
	if (x != NULL && x[0] == '/')
		snprintf(base, sizeof(base), "%s", x);
	else if (home != NULL && home[0] == '/')
		snprintf(base, sizeof(base), "%s/.cache", home);
	else
		return NULL;
	if (create && mkdir(base, 0700) == -1 && errno != EEXIST)
		return NULL;
	if (asprintf(&dir, "%s/bunri", base) == -1)
		return NULL;
	if (create && mkdir(dir, 0700) == -1 && errno != EEXIST)
		goto no;
	if (!safe_dir(dir))
		goto no;
	return dir;
no:
	free(dir);
	return NULL;
}

/* dir/<64 hex>: SHA-256 of the path as given, a NUL and its real path. */
static char *
cache_path(const char *dir, const char *path)
{
	uint8_t sum[32];
	char hex[65], *real, *key, *out = NULL;
	unsigned mdlen = 0;
	size_t i, n;

	if ((real = realpath(path, NULL)) == NULL)
		return NULL;
	n = strlen(path) + 1 + strlen(real);
	if ((key = malloc(n + 1)) == NULL)
		goto out;
	memcpy(key, path, strlen(path) + 1);
	memcpy(key + strlen(path) + 1, real, strlen(real) + 1);
	if (EVP_Digest(key, n, sum, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		goto out;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	if (asprintf(&out, "%s/%s", dir, hex) == -1)
		out = NULL;
out:
	free(key);
	free(real);
	return out;
}

/*
 * The cache for `path`, read whole; NULL unless it is a regular file of
 * ours that only we can write, read at the size it had when opened.  Not
 * mapped: a file cut short by someone else while mapped kills the reader
 * with SIGBUS, a short read is just a miss.  On huge pages (bigalloc.h),
 * so the copy costs a handful of page faults, not one per 4 KiB.
 */
static uint8_t *
cache_read(const char *file, size_t *len)
{
	struct stat st;
	uint8_t *m;
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0 ||
	    st.st_size <= 0 || (uintmax_t)st.st_size > CACHE_MAX) {
		close(fd);
		return NULL;
	}
	if ((m = big_malloc((size_t)st.st_size)) == NULL) {
		close(fd);
		return NULL;
	}
	while (off < (size_t)st.st_size) {
		n = pread(fd, m + off, (size_t)st.st_size - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (off != (size_t)st.st_size) {
		free(m);
		return NULL;
	}
	*len = off;
	return m;
}

static struct policy *
cache_get(const char *path, time_t now)
{
	struct pcache_meta m;
	struct policy *p = NULL;
	const uint8_t *id;
	uint8_t *buf = NULL;
	char *dir, *file = NULL;
	size_t idlen, len = 0;

	if ((id = ctl_cache_ident(&idlen)) == NULL ||
	    (dir = cache_dir(false)) == NULL)
		return NULL;
	if ((file = cache_path(dir, path)) == NULL ||
	    (buf = cache_read(file, &len)) == NULL)
		goto out;
	if (pcache_open(buf, len, &m) == -1)
		goto out;
	if (m.identlen == idlen && memcmp(m.ident, id, idlen) == 0 &&
	    (int64_t)now >= m.valid_from && (int64_t)now < m.valid_until &&
	    ctl_cache_files_same(path, &m)) {
		/* ~40 MB of model for 50,000 flows: see hugeheap.h */
		hugeheap_reserve(len * 5);
		/* recently used: the last to be pruned */
		if ((p = pcache_decode(buf, len, &m)) != NULL)
			(void)utimensat(AT_FDCWD, file, NULL, 0);
	}
	pcache_meta_free(&m);
out:
	free(buf);
	free(file);
	free(dir);
	return p;
}

struct ent {
	char		 name[65];
	struct timespec	 mtime;
};

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool
is_entry(const char *name)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return name[64] == '\0';
}

static void
cache_prune(const char *dir)
{
	struct ent v[4 * CACHE_KEEP];
	struct dirent *e;
	struct stat st;
	size_t n = 0, i;
	DIR *d;
	int dfd;

	if ((d = opendir(dir)) == NULL)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (strncmp(e->d_name, ".tmp-", 5) == 0) {
			if (st.st_mtime < time(NULL) - TMP_AGE)
				(void)unlinkat(dfd, e->d_name, 0);
			continue;
		}
		if (!is_entry(e->d_name))
			continue;
		if (n == sizeof(v) / sizeof(v[0])) {
			/* full: drop the oldest seen so far to make room */
			qsort(v, n, sizeof(v[0]), ent_cmp);
			(void)unlinkat(dfd, v[0].name, 0);
			memmove(v, v + 1, (n - 1) * sizeof(v[0]));
			n--;
		}
		memcpy(v[n].name, e->d_name, 65);
		v[n++].mtime = st.st_mtim;
	}
	if (n > CACHE_KEEP) {
		qsort(v, n, sizeof(v[0]), ent_cmp);
		for (i = 0; i < n - CACHE_KEEP; i++)
			(void)unlinkat(dfd, v[i].name, 0);
	}
	closedir(d);
}

/* Write buf as dir's file for path: a new file, then rename. */
static void
cache_write(const char *dir, const char *file, const uint8_t *buf,
    size_t len)
{
	uint8_t rnd[8];
	char *tmp = NULL;
	ssize_t n;
	size_t off = 0;
	int fd;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    asprintf(&tmp, "%s/.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", dir,
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
	    rnd[7]) == -1)
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		free(tmp);
		return;
	}
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (close(fd) == -1 || off != len || rename(tmp, file) == -1)
		unlink(tmp);
	free(tmp);
	cache_prune(dir);
}

/*
 * The loader hashed the text it parsed (p->sha256) but not each file,
 * and a file may change between that read and ours.  So the files are
 * hashed, read again through the loader's own reader (conf_read_file:
 * same text, same files), and hashed again: only when all three agree
 * do the hashes describe the bytes the model came from.
 */
static void
cache_put(const char *path, struct policy *p, time_t now)
{
	struct pcache_meta m, again;
	struct conf_text t;
	struct diags d;
	uint8_t sum[32], *buf = NULL;
	unsigned mdlen = 0;
	char *dir = NULL, *file = NULL;
	size_t i, len;
	bool same;
	int64_t from, until;

	memset(&m, 0, sizeof(m));
	memset(&again, 0, sizeof(again));
	if ((m.ident = ctl_cache_ident(&m.identlen)) == NULL)
		return;
	if (ctl_cache_files(p, &m) == -1)
		return;
	diags_init(&d);
	same = conf_read_file(path, &t, &d) == 0 && t.nfiles == p->nfiles &&
	    EVP_Digest(t.buf, t.len, sum, &mdlen, EVP_sha256(), NULL) == 1 &&
	    mdlen == 32 && memcmp(sum, p->sha256, 32) == 0;
	for (i = 0; same && i < t.nfiles; i++)
		same = strcmp(t.files[i], p->files[i]) == 0;
	conf_text_free(&t);
	diags_free(&d);
	if (!same || ctl_cache_files(p, &again) == -1)
		goto out;
	for (i = 0; i < m.nfiles; i++)
		if (strcmp(m.files[i].real, again.files[i].real) != 0 ||
		    m.files[i].size != again.files[i].size ||
		    memcmp(m.files[i].sha256, again.files[i].sha256, 32) != 0)
			goto out;
	/* Built now rather than by audit's detect_new(): its order is stored. */
	(void)decide_index(p);
	pcache_window(p, (int64_t)now, &from, &until);
	m.valid_from = from;
	m.valid_until = until;
	if ((dir = cache_dir(true)) == NULL ||
	    (file = cache_path(dir, path)) == NULL ||
	    pcache_encode(p, &m, &buf, &len) == -1)
		goto out;
	cache_write(dir, file, buf, len);
out:
	free(buf);
	free(file);
	free(dir);
	ctl_cache_files_free(&again);
	ctl_cache_files_free(&m);
}

struct policy *
ctl_load_policy_cached(const struct ctl *ctl, time_t now, bool use_cache,
    struct diags *d)
{
	struct policy *p;

	/*
	 * Unreadable: let ctl_load_policy() say so exactly as without a
	 * cache.  A hit prints nothing, as a load without warnings that
	 * succeeds prints nothing.
	 */
	if (use_cache && access(ctl->conf, R_OK) == 0 &&
	    (p = cache_get(ctl->conf, now)) != NULL)
		return p;
	p = ctl_load_policy(ctl, now, false, d);
	if (p != NULL && use_cache)
		cache_put(ctl->conf, p, now);
	return p;
}
