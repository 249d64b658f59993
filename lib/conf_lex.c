/* conf_lex.c - a tiny pre-lexer of libconfig syntax that guards libconfig itself. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_lex.h"

const char *
lex_at_include(const char *s, const char *e)
{
	static const char kw[] = "@include";
	size_t n = sizeof(kw) - 1;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if ((size_t)(e - s) < n || memcmp(s, kw, n) != 0)
		return NULL;
	return s + n;
}

/* Where the structure check is with the top-level flows list. */
enum fl_state {
	FL_OFF,			/* not looked for */
	FL_LOOK,		/* at the top level, looking for its name */
	FL_NAMED,		/* "flows =" seen, its '(' at fl_open */
	FL_IN,			/* inside, counting the commas between elements */
	FL_DONE,		/* cut: conf_text's fl_* */
};

/* Nesting seen by the structure check; NULL when only the state matters. */
struct nest {
	int		 depth;
	char		 kind[CONF_MAX_DEPTH + 2];	/* '{', '(', '[' */
	unsigned	 keys[CONF_MAX_DEPTH + 2];
	int		 err;		/* 1: too deep, 2: too many keys */
	/*
	 * The flows list is cut here for conf_chunk.c, in the same pass, so
	 * that it need not lex the whole text again (15 MB for 100,000 flows).
	 */
	enum fl_state	 fl;
	const char	*base;
	size_t		 per, fl_open, commas;
	size_t		*cut, ncut, cap;
};

static void
nest_char(struct nest *n, char c)
{
	switch (c) {
	case '{': case '(': case '[':
		if (n->depth >= CONF_MAX_DEPTH) {
			n->err = 1;
			return;
		}
		n->depth++;
		n->kind[n->depth] = c;
		n->keys[n->depth] = 0;
		break;
	case '}': case ')': case ']':
		if (n->depth > 0)	/* unbalanced: libconfig says so */
			n->depth--;
		break;
	case '=': case ':':
		/* Only a group (or the top level) holds named settings. */
		if (n->depth == 0 || n->kind[n->depth] == '{')
			if (++n->keys[n->depth] > CONF_MAX_GROUP_KEYS)
				n->err = 2;
		break;
	}
}

static const char *
skip_blank(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s;
}

static void
fl_cut(struct nest *n, size_t off)
{
	size_t *nc, ncap;

	if (n->ncut == n->cap) {
		ncap = n->cap ? n->cap * 2 : 64;
		if ((nc = reallocarray(n->cut, ncap, sizeof(*nc))) == NULL) {
			n->fl = FL_OFF;		/* conf_chunk.c scans itself */
			return;
		}
		n->cut = nc;
		n->cap = ncap;
	}
	n->cut[n->ncut++] = off;
}

/*
 * A name at the top level, s at its first character (not preceded by
 * one): returns its end.  "flows", then '=' or ':' and '(' with only
 * blanks between (else it is not cut), names the list.
 */
static const char *
fl_name(struct nest *n, const char *s, const char *e)
{
	const char *q = s, *r;

	while (q < e && lex_name_char(*q))
		q++;
	if (q - s != 5 || memcmp(s, "flows", 5) != 0)
		return q;
	r = skip_blank(q, e);
	if (r < e && (*r == '=' || *r == ':') &&
	    (r = skip_blank(r + 1, e)) < e && *r == '(') {
		n->fl = FL_NAMED;
		n->fl_open = (size_t)(r - n->base);
	} else
		n->fl = FL_OFF;
	return q;
}

/* After nest_char(): a bracket or comma in code at offset off. */
static void
fl_char(struct nest *n, char c, size_t off)
{
	if (n->fl == FL_NAMED && off == n->fl_open) {
		n->fl = FL_IN;
		fl_cut(n, off);
	} else if (n->fl == FL_IN && c == ',' && n->depth == 1) {
		if (++n->commas % n->per == 0)
			fl_cut(n, off);
	} else if (n->fl == FL_IN && n->depth == 0 &&
	    (c == '}' || c == ')' || c == ']')) {
		if (c == ')') {
			fl_cut(n, off);
			if (n->fl == FL_IN)
				n->fl = FL_DONE;
		} else
			n->fl = FL_OFF;
	}
}

static void
lex_run(enum lx_state *st, struct nest *n, const char *s, const char *e)
{
	while (s < e && (n == NULL || n->err == 0)) {
		switch (*st) {
		case LX_CODE:
			if (*s == '#' || (*s == '/' && s + 1 < e && s[1] == '/'))
				return;		/* comment to the end of the line */
			if (*s == '/' && s + 1 < e && s[1] == '*') {
				*st = LX_BLOCK;
				s += 2;
				continue;
			}
			if (*s == '"')
				*st = LX_STRING;
			else if (n != NULL)
				nest_char(n, *s);
			break;
		case LX_STRING:
			if (*s == '\\' && s + 1 < e) {
				s += 2;
				continue;
			}
			if (*s == '"')
				*st = LX_CODE;
			break;
		case LX_BLOCK:
			if (*s == '*' && s + 1 < e && s[1] == '/') {
				*st = LX_CODE;
				s += 2;
				continue;
			}
			break;
		}
		s++;
	}
}

void
lex_line(enum lx_state *st, const char *s, const char *e)
{
	lex_run(st, NULL, s, e);
}

/* Characters of code that mean anything to the scan below. */
static const unsigned char code_special[256] = {
	['\n'] = 1, ['#'] = 1, ['/'] = 1, ['"'] = 1,
	['{'] = 1, ['('] = 1, ['['] = 1, ['}'] = 1, [')'] = 1, [']'] = 1,
	['='] = 1, [':'] = 1, [','] = 1,
};

/* And of a string. */
static const unsigned char string_special[256] = {
	['\n'] = 1, ['"'] = 1, ['\\'] = 1,
};

/*
 * lex_run over many lines at once, in one pass: the same states, with a
 * comment ending at its newline.  Counts lines in *line; with incl, stops
 * at a line starting in code with @include (returns 2), with n, at the
 * first nesting error (returns 1).  The first line is not checked for
 * @include: the caller does.
 */
static int
lex_scan(enum lx_state *st, struct nest *n, const char *s, const char *e,
    int *line, bool incl)
{
	enum lx_state t = *st;
	const char *q;
	int ln = *line, rc = 0;
	unsigned char ch;

	while (s < e) {
		switch (t) {
		case LX_CODE:
			if (n != NULL && n->fl == FL_LOOK && n->depth == 0 &&
			    !code_special[(unsigned char)*s]) {
				/* the top level, where settings are named */
				if (lex_name_start(*s) &&
				    (s == n->base || !lex_name_char(s[-1])))
					s = fl_name(n, s, e);
				else
					s++;
				break;
			}
			while (s < e && !code_special[(unsigned char)*s])
				s++;
			if (s == e)
				break;
			ch = (unsigned char)*s;
			if (ch == '\n') {
				s++;
				ln++;
				if (incl && lex_at_include(s, e) != NULL) {
					rc = 2;
					goto out;
				}
				break;
			}
			if (ch == '#' || (ch == '/' && s + 1 < e && s[1] == '/')) {
				/* to the end of the line; its newline is code */
				if ((q = memchr(s, '\n', (size_t)(e - s))) == NULL)
					q = e;
				s = q;
				break;
			}
			if (ch == '/' && s + 1 < e && s[1] == '*') {
				t = LX_BLOCK;
				s += 2;
				break;
			}
			if (ch == '"')
				t = LX_STRING;
			else if (n != NULL) {
				nest_char(n, (char)ch);
				if (n->err != 0) {
					rc = 1;
					goto out;
				}
				if (n->fl >= FL_NAMED && n->fl <= FL_IN)
					fl_char(n, (char)ch, (size_t)(s - n->base));
			}
			s++;
			break;
		case LX_STRING:
			while (s < e && !string_special[(unsigned char)*s])
				s++;
			if (s == e)
				break;
			if (*s == '\\' && s + 1 < e) {
				if (s[1] == '\n')
					ln++;
				s += 2;
				break;
			}
			if (*s == '"')
				t = LX_CODE;
			else if (*s == '\n')
				ln++;
			s++;
			break;
		case LX_BLOCK:
			if (*s == '*' && s + 1 < e && s[1] == '/') {
				t = LX_CODE;
				s += 2;
				break;
			}
			if (*s == '\n')
				ln++;
			s++;
			break;
		}
	}
out:
	*st = t;
	*line = ln;
	return rc;
}

void
lex_text(enum lx_state *st, const char *s, const char *e)
{
	int line = 1;

	lex_scan(st, NULL, s, e, &line, false);
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, past U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

int
lex_check_bytes(const char *buf, size_t len, const char *file,
    struct diags *d)
{
	const unsigned char *s = (const unsigned char *)buf;
	const char *p;
	size_t i = 0, n;
	uint64_t w;
	int line = 1;

	while (i < len) {
		/* Eight bytes at a time while none is NUL or above 0x7f. */
		while (i + 8 <= len) {
			memcpy(&w, s + i, sizeof(w));
			if ((((w - ONES) & ~w) | w) & HIGHS)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] != '\0' && (n = utf8_len(s + i, len - i)) != 0) {
			i += n;
			continue;
		}
		/* The first bad byte: only now count the lines before it. */
		for (p = buf; (p = memchr(p, '\n', (size_t)(buf + i - p))) != NULL;
		    p++)
			line++;
		if (s[i] == '\0')
			diag_add(d, DIAG_ERROR, file, line,
			    "NUL byte in the file; a policy is plain text");
		else
			diag_add(d, DIAG_ERROR, file, line,
			    "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
			    s[i]);
		return -1;
	}
	return 0;
}

int
lex_check_structure(struct conf_text *t, struct diags *d)
{
	struct nest n;
	enum lx_state st = LX_CODE;
	const char *s = t->buf, *end = t->buf + t->len;
	size_t file;
	int line = 1, fline, rc;
	bool incl;

	memset(&n, 0, sizeof(n));
	n.kind[0] = '{';
	n.base = t->buf;
	n.per = conf_chunk_flows;
	n.fl = n.per > 0 ? FL_LOOK : FL_OFF;
	/* Without the word anywhere, no line can start with it. */
	incl = memmem(s, t->len, "@include", 8) != NULL;
	if (incl && lex_at_include(s, end) != NULL)
		rc = 2;
	else
		rc = lex_scan(&st, &n, s, end, &line, incl);
	free(t->fl_cut);
	t->fl_cut = NULL;
	t->fl_per = t->fl_ncut = t->fl_ncommas = 0;
	if (rc == 0 && n.fl == FL_DONE) {
		t->fl_per = n.per;
		t->fl_cut = n.cut;
		t->fl_ncut = n.ncut;
		t->fl_ncommas = n.commas;
		n.cut = NULL;
	}
	free(n.cut);
	if (rc == 0)
		return 0;
	conf_text_where(t, line, &file, &fline);
	if (rc == 2)
		/* Expansion left one: libconfig must never see it. */
		diag_add(d, DIAG_ERROR, t->files[file], fline,
		    "@include: not expanded; put each @include on a "
		    "line of its own, outside strings and comments");
	else if (n.err == 1)
		diag_add(d, DIAG_ERROR, t->files[file], fline,
		    "nesting deeper than %d levels of ( { [; a policy "
		    "needs at most 5", CONF_MAX_DEPTH);
	else
		diag_add(d, DIAG_ERROR, t->files[file], fline,
		    "more than %d settings in one group; a policy "
		    "group holds a handful", CONF_MAX_GROUP_KEYS);
	return -1;
}
