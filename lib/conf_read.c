/* conf_read.c - reading a policy file safely: limits, @include expansion, line map. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigalloc.h"
#include "conf.h"
#include "conf_lex.h"
#include "conf_read.h"

struct rd {
	struct conf_text *t;
	struct diags	*d;
	char		*basedir;	/* realpath of the policy's directory */
	struct {
		dev_t	 dev;
		ino_t	 ino;
	}		 stack[CONF_MAX_INCLUDE_DEPTH + 1];
	int		 depth;		/* entries on stack */
	size_t		 total;		/* bytes read, all files */
	bool		 nomem;
	char		*adopt;		/* the main file's buffer, if it may be kept */
};

static int	expand(struct rd *, size_t file, const char *buf, size_t len,
		    bool is_main);

static int
buf_append(struct rd *r, const char *s, size_t n)
{
	struct conf_text *t = r->t;
	size_t ncap;
	char *nb;

	if (t->len + n + 1 > t->cap) {
		ncap = t->cap ? t->cap : 4096;
		while (ncap < t->len + n + 1)
			ncap *= 2;
		if ((nb = realloc(t->buf, ncap)) == NULL) {
			r->nomem = true;
			return -1;
		}
		t->buf = nb;
		t->cap = ncap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
	return 0;
}

/* From the next line of the combined text on, lines come from file:fline. */
static int
seg_add(struct rd *r, size_t file, int fline)
{
	struct conf_text *t = r->t;
	struct conf_seg *ns;
	int cline = t->nlines + 1;

	if (t->nsegs > 0 && t->segs[t->nsegs - 1].cline == cline)
		t->nsegs--;
	if (t->nsegs == t->segcap) {
		ns = reallocarray(t->segs, t->segcap ? t->segcap * 2 : 16,
		    sizeof(*ns));
		if (ns == NULL) {
			r->nomem = true;
			return -1;
		}
		t->segs = ns;
		t->segcap = t->segcap ? t->segcap * 2 : 16;
	}
	t->segs[t->nsegs].cline = cline;
	t->segs[t->nsegs].fline = fline;
	t->segs[t->nsegs].file = file;
	t->nsegs++;
	return 0;
}

static int
file_add(struct rd *r, const char *name, size_t *idx)
{
	struct conf_text *t = r->t;
	char **nf;

	if ((nf = reallocarray(t->files, t->nfiles + 1, sizeof(*nf))) == NULL) {
		r->nomem = true;
		return -1;
	}
	t->files = nf;
	if ((t->files[t->nfiles] = strdup(name)) == NULL) {
		r->nomem = true;
		return -1;
	}
	*idx = t->nfiles++;
	return 0;
}

void
conf_text_where(const struct conf_text *t, int cline, size_t *file,
    int *fline)
{
	size_t lo = 0, hi = t->nsegs, mid;

	*file = 0;
	*fline = 0;
	if (cline <= 0 || t->nsegs == 0)
		return;
	/* The last segment starting at or before cline. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->segs[mid].cline <= cline)
			lo = mid;
		else
			hi = mid;
	}
	*file = t->segs[lo].file;
	*fline = t->segs[lo].fline + (cline - t->segs[lo].cline);
}

/*
 * Read a whole regular file whose size fstat gave, within the budget left;
 * a file that grows past it while read is refused the same way.
 */
static int
read_fd(struct rd *r, int fd, const struct stat *st, const char *name,
    char **out, size_t *outlen)
{
	size_t budget = CONF_MAX_SIZE - r->total, len = 0, cap;
	ssize_t n;
	char *b;

	if ((uintmax_t)st->st_size > budget) {
		diag_add(r->d, DIAG_ERROR, name, 0, "too large (%jd bytes); "
		    "a policy with its includes may be at most %u MiB",
		    (intmax_t)st->st_size, CONF_MAX_SIZE / (1024 * 1024));
		return -1;
	}
	cap = (size_t)st->st_size + 1;
	if ((b = big_malloc(cap + 1)) == NULL) {
		r->nomem = true;
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (len > budget)
				break;
			cap = cap * 2 > budget + 1 ? budget + 1 : cap * 2;
			if (cap <= len)
				break;
			char *nb = realloc(b, cap + 1);
			if (nb == NULL) {
				free(b);
				r->nomem = true;
				return -1;
			}
			b = nb;
		}
		n = read(fd, b + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diag_add(r->d, DIAG_ERROR, name, 0, "cannot read: %s",
			    strerror(errno));
			free(b);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > budget) {
		diag_add(r->d, DIAG_ERROR, name, 0, "too large (grew while "
		    "read); a policy with its includes may be at most %u MiB",
		    CONF_MAX_SIZE / (1024 * 1024));
		free(b);
		return -1;
	}
	b[len] = '\0';
	r->total += len;
	*out = b;
	*outlen = len;
	return 0;
}

static bool
on_stack(const struct rd *r, const struct stat *st)
{
	int i;

	for (i = 0; i < r->depth; i++)
		if (r->stack[i].dev == st->st_dev &&
		    r->stack[i].ino == st->st_ino)
			return true;
	return false;
}

/* "dir/name" relative to the including file, as shown in messages. */
static char *
include_path(const char *including, const char *name)
{
	const char *slash;
	char *p;

	if (name[0] == '/' || (slash = strrchr(including, '/')) == NULL)
		return strdup(name);
	if (asprintf(&p, "%.*s/%s", (int)(slash - including), including,
	    name) == -1)
		return NULL;
	return p;
}

/*
 * One @include: resolve, confine to the policy directory, open without
 * following a swapped-in symlink, check what was opened, read, expand.
 */
static int
include_file(struct rd *r, size_t from, int line, const char *name)
{
	const char *ffile = r->t->files[from];
	struct stat st, fst;
	char *disp = NULL, *real = NULL, *buf = NULL;
	size_t blen, idx, bl;
	int fd = -1, rc = -1;

	if (r->basedir == NULL) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": not "
		    "allowed in a policy given as text; put the settings in "
		    "the text itself", name);
		return -1;
	}
	if (r->depth > CONF_MAX_INCLUDE_DEPTH) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "includes nested deeper than %d; include it from the main "
		    "policy file instead", name, CONF_MAX_INCLUDE_DEPTH);
		return -1;
	}
	if (name[0] == '\0') {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"\": empty "
		    "file name; name a file next to the policy");
		return -1;
	}
	if ((disp = include_path(ffile, name)) == NULL) {
		r->nomem = true;
		return -1;
	}
	if ((real = realpath(disp, NULL)) == NULL) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "cannot open \"%s\": %s; name a file next to the policy",
		    name, disp, strerror(errno));
		goto out;
	}
	if (stat(real, &st) == -1) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "cannot open \"%s\": %s", name, disp, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "\"%s\" is a directory; expected a policy file", name, disp);
		goto out;
	}
	bl = strlen(r->basedir);
	if (strncmp(real, r->basedir, bl) != 0 ||
	    (real[bl] != '/' && !(bl == 1 && r->basedir[0] == '/'))) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "\"%s\" is outside the policy's directory %s; keep "
		    "included files next to the policy", name, real,
		    r->basedir);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "\"%s\" is not a regular file; expected a policy file",
		    name, disp);
		goto out;
	}
	if (on_stack(r, &st)) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "\"%s\" is already being read (it includes itself, "
		    "maybe through another file); remove the cycle", name,
		    disp);
		goto out;
	}
	fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1 || fstat(fd, &fst) == -1) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "cannot open \"%s\": %s", name, disp, strerror(errno));
		goto out;
	}
	if (!S_ISREG(fst.st_mode) || fst.st_dev != st.st_dev ||
	    fst.st_ino != st.st_ino) {
		diag_add(r->d, DIAG_ERROR, ffile, line, "@include \"%s\": "
		    "\"%s\" changed while opened; try again", name, disp);
		goto out;
	}
	if (file_add(r, disp, &idx) == -1)
		goto out;
	if (read_fd(r, fd, &fst, disp, &buf, &blen) == -1)
		goto out;
	if (lex_check_bytes(buf, blen, disp, r->d) == -1)
		goto out;
	r->stack[r->depth].dev = fst.st_dev;
	r->stack[r->depth].ino = fst.st_ino;
	r->depth++;
	rc = expand(r, idx, buf, blen, false);
	r->depth--;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	free(real);
	free(disp);
	return rc;
}

/*
 * An @include line (already known to start with it): the name, then only
 * blanks or a comment.  Fills name (NUL-terminated) or reports.
 */
static int
include_name(struct rd *r, size_t file, int line, const char *p,
    const char *e, char *name, size_t namelen)
{
	const char *q;
	size_t n;

	if (p >= e || (*p != ' ' && *p != '\t'))
		goto bad;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= e || *p != '"')
		goto bad;
	p++;
	for (q = p; q < e && *q != '"' && *q != '\n'; q++)
		;
	if (q >= e || *q != '"')
		goto bad;
	n = (size_t)(q - p);
	if (n >= namelen) {
		diag_add(r->d, DIAG_ERROR, r->t->files[file], line,
		    "@include: file name too long; use a short name next to "
		    "the policy");
		return -1;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	for (q++; q < e && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
		;
	if (q < e && *q != '\n' && *q != '#' &&
	    !(*q == '/' && q + 1 < e && q[1] == '/')) {
		diag_add(r->d, DIAG_ERROR, r->t->files[file], line,
		    "@include \"%s\": text after the file name; put the "
		    "@include on a line of its own", name);
		return -1;
	}
	return 0;
bad:
	diag_add(r->d, DIAG_ERROR, r->t->files[file], line,
	    "@include: malformed; expected @include \"file\"");
	return -1;
}

/*
 * A file without the word @include anywhere: the loop in expand() below
 * would append it line by line and replace nothing, so copy it at once.
 */
static int
copy_plain(struct rd *r, size_t file, const char *buf, size_t len,
    bool is_main)
{
	enum lx_state st = LX_CODE;
	const char *p, *end = buf + len;
	int lines = 0;

	if (r->adopt == buf && r->t->buf == NULL) {
		/* The whole policy: keep the buffer rather than copy it. */
		r->t->buf = r->adopt;
		r->t->len = len;
		r->t->cap = len + 1;
		r->adopt = NULL;
	} else if (buf_append(r, buf, len) == -1)
		return -1;
	for (p = buf; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	r->t->nlines += lines;
	if (is_main)
		return 0;
	if (len > 0 && end[-1] != '\n') {
		if (buf_append(r, "\n", 1) == -1)
			return -1;
		r->t->nlines++;
		lines++;
	}
	lex_text(&st, buf, end);
	if (st != LX_CODE) {
		diag_add(r->d, DIAG_ERROR, r->t->files[file], lines,
		    "file ends inside a %s; close it before the end of an "
		    "included file", st == LX_STRING ? "string" : "comment");
		return -1;
	}
	return 0;
}

/*
 * Copy a file's lines into the combined text, replacing each @include
 * line by the included file.  Keeps going after an error to report more.
 */
static int
expand(struct rd *r, size_t file, const char *buf, size_t len, bool is_main)
{
	enum lx_state st = LX_CODE;
	const char *s = buf, *end = buf + len, *e, *p;
	char name[PATH_MAX];
	int line = 1, rc = 0;

	if (seg_add(r, file, 1) == -1)
		return -1;
	if (memmem(buf, len, "@include", 8) == NULL)
		return copy_plain(r, file, buf, len, is_main);
	for (; s < end; s = e, line++) {
		if ((e = memchr(s, '\n', end - s)) != NULL)
			e++;
		else
			e = end;
		if (st == LX_CODE && (p = lex_at_include(s, e)) != NULL) {
			if (include_name(r, file, line, p, e, name,
			    sizeof(name)) == -1 ||
			    include_file(r, file, line, name) == -1)
				rc = -1;
			if (r->nomem)
				return -1;
			/* The directive line itself becomes nothing. */
			if (seg_add(r, file, line + 1) == -1)
				return -1;
			continue;
		}
		lex_line(&st, s, e);
		if (buf_append(r, s, e - s) == -1)
			return -1;
		if (e[-1] == '\n')
			r->t->nlines++;
		else if (!is_main) {
			if (buf_append(r, "\n", 1) == -1)
				return -1;
			r->t->nlines++;
		}
	}
	if (!is_main && st != LX_CODE) {
		diag_add(r->d, DIAG_ERROR, r->t->files[file], line - 1,
		    "file ends inside a %s; close it before the end of an "
		    "included file", st == LX_STRING ? "string" : "comment");
		rc = -1;
	}
	return rc;
}

static int
finish(struct rd *r, int rc)
{
	if (r->nomem) {
		diag_add(r->d, DIAG_ERROR, r->t->nfiles ? r->t->files[0] : NULL,
		    0, "out of memory while reading the policy");
		rc = -1;
	}
	if (rc == 0 && r->t->buf == NULL && buf_append(r, "", 0) == -1)
		return finish(r, -1);
	if (rc == 0 && lex_check_structure(r->t, r->d) == -1)
		rc = -1;
	free(r->basedir);
	r->basedir = NULL;
	return rc;
}

int
conf_read_file(const char *path, struct conf_text *t, struct diags *d)
{
	struct rd r;
	struct stat st;
	char *buf = NULL, *real, *slash;
	size_t blen, idx;
	int fd, rc = -1;

	memset(t, 0, sizeof(*t));
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.d = d;
	if (file_add(&r, path, &idx) == -1)
		return finish(&r, -1);
	/* O_NONBLOCK: opening a FIFO must not hang a reload. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot open: %s",
		    strerror(errno));
		return finish(&r, -1);
	}
	if (fstat(fd, &st) == -1) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot open: %s",
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_add(d, DIAG_ERROR, path, 0,
		    "is a directory; expected a policy file");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(d, DIAG_ERROR, path, 0,
		    "is not a regular file; expected a policy file");
		goto out;
	}
	if ((real = realpath(path, NULL)) == NULL) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot resolve: %s",
		    strerror(errno));
		goto out;
	}
	/* Includes must stay in the directory of the policy itself. */
	slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0';
	else
		*slash = '\0';
	r.basedir = real;
	if (read_fd(&r, fd, &st, path, &buf, &blen) == -1)
		goto out;
	if (lex_check_bytes(buf, blen, path, d) == -1)
		goto out;
	r.stack[0].dev = st.st_dev;
	r.stack[0].ino = st.st_ino;
	r.depth = 1;
	r.adopt = buf;
	rc = expand(&r, 0, buf, blen, true);
	if (r.adopt == NULL)
		buf = NULL;		/* now t->buf */
out:
	close(fd);
	free(buf);
	return finish(&r, rc);
}

int
conf_read_mem(const char *text, size_t len, const char *name,
    struct conf_text *t, struct diags *d)
{
	struct rd r;
	size_t idx;
	int rc;

	memset(t, 0, sizeof(*t));
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.d = d;
	if (file_add(&r, name, &idx) == -1)
		return finish(&r, -1);
	if (len > CONF_MAX_SIZE) {
		diag_add(d, DIAG_ERROR, name, 0, "too large (%zu bytes); a "
		    "policy may be at most %u MiB", len,
		    CONF_MAX_SIZE / (1024 * 1024));
		return finish(&r, -1);
	}
	if (lex_check_bytes(text, len, name, d) == -1)
		return finish(&r, -1);
	rc = expand(&r, 0, text, len, true);
	return finish(&r, rc);
}

void
conf_text_free(struct conf_text *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	free(t->buf);
	free(t->segs);
	free(t->fl_cut);
	memset(t, 0, sizeof(*t));
}
