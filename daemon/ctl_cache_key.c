/* ctl_cache_key.c - what a cached policy model depends on: the program, the time zone, the files' bytes. */
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "conf.h"
#include "ctl_cache.h"

/*
 * The model conf_load() builds is a function of the bytes it reads, of
 * the code that reads them (bunrictl, and libconfig and libc, which are
 * shared libraries and change without bunrictl being rebuilt) and of the
 * time zone, because a plain date in `expires` means local midnight
 * (mktime).  The identity therefore holds every loaded object's GNU build
 * id and the time zone's settings and file; an object without a build id
 * turns the cache off rather than guess.
 */

#define IDENT_MAX	8192
#define HASHBUF		65536

static uint8_t	 ident[IDENT_MAX];
static size_t	 identlen;
static int	 ident_state;		/* 0 not yet, 1 made, -1 impossible */

static void
id_add(const void *p, size_t n)
{
	if (ident_state == -1 || n > sizeof(ident) - identlen - 4) {
		ident_state = -1;
		return;
	}
	/* length-prefixed, so two fields can never run into each other */
	ident[identlen++] = (uint8_t)n;
	ident[identlen++] = (uint8_t)(n >> 8);
	ident[identlen++] = (uint8_t)(n >> 16);
	ident[identlen++] = (uint8_t)(n >> 24);
	memcpy(ident + identlen, p, n);
	identlen += n;
}

static void
id_str(const char *s)
{
	if (s == NULL)
		id_add("\377", 1);	/* unset differs from "" */
	else
		id_add(s, strlen(s));
}

/* SHA-256 of what fd holds from here on; its size in *size.  -1 on error. */
static int
hash_fd(int fd, uint8_t out[32], uint64_t *size)
{
	static uint8_t buf[HASHBUF];	/* reused: no fresh pages per file */
	EVP_MD_CTX *c;
	unsigned mdlen = 0;
	uint64_t total = 0;
	ssize_t n;
	int rc = -1;

	if ((c = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > CONF_MAX_SIZE ||
		    EVP_DigestUpdate(c, buf, (size_t)n) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(c, out, &mdlen) != 1 || mdlen != 32)
		goto out;
	*size = total;
	rc = 0;
out:
	EVP_MD_CTX_free(c);
	return rc;
}

/* The zone file glibc reads for TZ (tzfile.c), or NULL: none, rules only. */
static const char *
tz_file(char *buf, size_t len)
{
	const char *tz = getenv("TZ"), *dir = getenv("TZDIR");

	if (tz == NULL)
		return "/etc/localtime";
	if (*tz == ':')
		tz++;
	if (*tz == '\0')
		return NULL;
	if (*tz == '/')
		return tz;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(buf, len, "%s/%s", dir, tz) >= len)
		return NULL;
	return buf;
}

static void
id_file(const char *path)
{
	uint8_t sum[32];
	uint64_t size;
	int fd;

	id_str(path);
	if (path == NULL ||
	    (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		id_add("", 0);
		return;
	}
	if (hash_fd(fd, sum, &size) == -1)
		ident_state = -1;
	else
		id_add(sum, sizeof(sum));
	close(fd);
}

static void
id_tz(void)
{
	char buf[PATH_MAX];
	const char *f;

	id_str("TZ");
	id_str(getenv("TZ"));
	id_str(getenv("TZDIR"));
	f = tz_file(buf, sizeof(buf));
	id_file(f);
	/* A POSIX rule without dates takes them from posixrules. */
	if (getenv("TZ") != NULL && (f == NULL || access(f, R_OK) == -1)) {
		snprintf(buf, sizeof(buf), "%s/posixrules",
		    getenv("TZDIR") != NULL && *getenv("TZDIR") != '\0' ?
		    getenv("TZDIR") : "/usr/share/zoneinfo");
		id_file(buf);
	}
}

/* The NT_GNU_BUILD_ID note of one loaded object, or -1. */
static int
build_id(const struct dl_phdr_info *info, const uint8_t **id, size_t *len)
{
	const ElfW(Nhdr) *nh;
	const uint8_t *p, *end;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_NOTE)
			continue;
		p = (const uint8_t *)(info->dlpi_addr +
		    info->dlpi_phdr[i].p_vaddr);
		end = p + info->dlpi_phdr[i].p_memsz;
		while ((size_t)(end - p) >= sizeof(*nh)) {
			nh = (const ElfW(Nhdr) *)(const void *)p;
			p += sizeof(*nh);
			if ((size_t)(end - p) < ((nh->n_namesz + 3) & ~3u))
				break;
			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 && memcmp(p, "GNU", 4) == 0) {
				p += 4;
				if ((size_t)(end - p) < nh->n_descsz)
					break;
				*id = p;
				*len = nh->n_descsz;
				return 0;
			}
			p += (nh->n_namesz + 3) & ~3u;
			if ((size_t)(end - p) < ((nh->n_descsz + 3) & ~3u))
				break;
			p += (nh->n_descsz + 3) & ~3u;
		}
	}
	return -1;
}

static int
id_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	const uint8_t *id;
	size_t len;

	(void)size;
	(void)arg;
	if (build_id(info, &id, &len) == -1) {
		/* the kernel's vDSO is no part of the loader */
		if (strncmp(info->dlpi_name, "linux-vdso", 10) == 0 ||
		    strncmp(info->dlpi_name, "linux-gate", 10) == 0)
			return 0;
		ident_state = -1;
		return 1;
	}
	id_str(info->dlpi_name);
	id_add(id, len);
	return 0;
}

const uint8_t *
ctl_cache_ident(size_t *len)
{
	if (ident_state == 0) {
		ident_state = 1;
		id_str("bunri policy cache");
		id_tz();
		dl_iterate_phdr(id_object, NULL);
	}
	*len = identlen;
	return ident_state == 1 ? ident : NULL;
}

/* --- the files ----------------------------------------------------------- */

struct frec {
	char		*real;
	dev_t		 dev;
	ino_t		 ino;
	uint64_t	 size;
	uint8_t		 sha256[32];
};

/*
 * Open the i-th file as conf_read_file() does: the main file by its path,
 * an include by its real path, which must lie in the main file's
 * directory, without following a symlink swapped in since, and a regular
 * file either way.  Then hash it.  -1 when the loader would refuse it or
 * it cannot be read.
 */
static int
file_rec(size_t i, const char *name, const char *basedir, struct frec *r)
{
	struct stat st, fst;
	size_t bl;
	int fd = -1, rc = -1;

	memset(r, 0, sizeof(*r));
	if ((r->real = realpath(name, NULL)) == NULL)
		return -1;
	if (i == 0) {
		fd = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	} else {
		bl = strlen(basedir);
		if (strncmp(r->real, basedir, bl) != 0 ||
		    (r->real[bl] != '/' && !(bl == 1 && basedir[0] == '/')))
			goto out;
		if (stat(r->real, &st) == -1 || !S_ISREG(st.st_mode))
			goto out;
		fd = open(r->real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC);
	}
	if (fd == -1 || fstat(fd, &fst) == -1 || !S_ISREG(fst.st_mode))
		goto out;
	if (i > 0 && (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino))
		goto out;
	r->dev = fst.st_dev;
	r->ino = fst.st_ino;
	if (hash_fd(fd, r->sha256, &r->size) == -1)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1) {
		free(r->real);
		r->real = NULL;
	}
	return rc;
}

/* The directory includes must stay in: that of the main file's real path. */
static char *
base_dir(const char *real)
{
	char *b, *slash;

	if ((b = strdup(real)) == NULL)
		return NULL;
	if ((slash = strrchr(b, '/')) == NULL) {
		free(b);
		return NULL;
	}
	if (slash == b)
		slash[1] = '\0';
	else
		*slash = '\0';
	return b;
}

/*
 * Read all files; -1 if one fails or two different paths are one inode
 * (the loader's cycle check looks at inodes: be on the safe side).
 */
static int
recs_read(char *const *names, size_t n, struct frec *r)
{
	char *base = NULL;
	size_t i, j;
	int rc = -1;

	for (i = 0; i < n; i++) {
		if (file_rec(i, names[i], base, &r[i]) == -1)
			goto out;
		if (i == 0 && (base = base_dir(r[0].real)) == NULL)
			goto out;
		for (j = 0; j < i; j++)
			if (r[j].dev == r[i].dev && r[j].ino == r[i].ino &&
			    strcmp(r[j].real, r[i].real) != 0)
				goto out;
	}
	rc = 0;
out:
	free(base);
	return rc;
}

static void
recs_free(struct frec *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].real);
	free(r);
}

int
ctl_cache_files(const struct policy *p, struct pcache_meta *m)
{
	struct frec *r;
	size_t i;

	m->files = NULL;
	m->nfiles = 0;
	if (p->nfiles == 0 || (r = calloc(p->nfiles, sizeof(*r))) == NULL)
		return -1;
	if (recs_read(p->files, p->nfiles, r) == -1 ||
	    (m->files = calloc(p->nfiles, sizeof(*m->files))) == NULL) {
		recs_free(r, p->nfiles);
		return -1;
	}
	m->nfiles = p->nfiles;
	for (i = 0; i < p->nfiles; i++) {
		m->files[i].name = p->files[i];
		m->files[i].real = r[i].real;	/* taken */
		r[i].real = NULL;
		m->files[i].size = r[i].size;
		memcpy(m->files[i].sha256, r[i].sha256, 32);
	}
	recs_free(r, p->nfiles);
	return 0;
}

void
ctl_cache_files_free(struct pcache_meta *m)
{
	size_t i;

	for (i = 0; i < m->nfiles; i++)
		free((char *)(uintptr_t)m->files[i].real);
	free(m->files);
	m->files = NULL;
	m->nfiles = 0;
}

bool
ctl_cache_files_same(const char *path, const struct pcache_meta *m)
{
	struct frec *r;
	char **names;
	size_t i;
	bool same = false;

	if (m->nfiles == 0 || strcmp(m->files[0].name, path) != 0)
		return false;
	names = calloc(m->nfiles, sizeof(*names));
	r = calloc(m->nfiles, sizeof(*r));
	if (names == NULL || r == NULL)
		goto out;
	for (i = 0; i < m->nfiles; i++)
		names[i] = (char *)(uintptr_t)m->files[i].name;
	if (recs_read(names, m->nfiles, r) == -1)
		goto out;
	for (i = 0; i < m->nfiles; i++)
		if (strcmp(r[i].real, m->files[i].real) != 0 ||
		    r[i].size != m->files[i].size ||
		    memcmp(r[i].sha256, m->files[i].sha256, 32) != 0)
			goto out;
	same = true;
out:
	recs_free(r, m->nfiles);
	free(names);
	return same;
}
