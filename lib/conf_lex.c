/* conf_lex.c - a tiny pre-lexer of libconfig syntax that guards libconfig itself. */
#include <stdbool.h>
#include <stdint.h>
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

/* Nesting seen by the structure check; NULL when only the state matters. */
struct nest {
	int		 depth;
	char		 kind[CONF_MAX_DEPTH + 2];	/* '{', '(', '[' */
	unsigned	 keys[CONF_MAX_DEPTH + 2];
	int		 err;		/* 1: too deep, 2: too many keys */
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
	['='] = 1, [':'] = 1,
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
lex_check_structure(const struct conf_text *t, struct diags *d)
{
	struct nest n;
	enum lx_state st = LX_CODE;
	const char *s = t->buf, *end = t->buf + t->len;
	size_t file;
	int line = 1, fline, rc;
	bool incl;

	memset(&n, 0, sizeof(n));
	n.kind[0] = '{';
	/* Without the word anywhere, no line can start with it. */
	incl = memmem(s, t->len, "@include", 8) != NULL;
	if (incl && lex_at_include(s, end) != NULL)
		rc = 2;
	else
		rc = lex_scan(&st, &n, s, end, &line, incl);
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
