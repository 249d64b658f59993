/* conf_chunk.c - the flows list handed to libconfig a few hundred flows at a time. */
#include <stdlib.h>
#include <string.h>

#include "conf_lex.h"
#include "conf_parse.h"

/*
 * libconfig builds a tree of about 1.6 KB of small allocations per flow
 * (a setting, a name and a value copy per key, a 16-slot array per group)
 * and keeps all of it until config_destroy().  For 100,000 flows that is
 * 200 MB touched for the first time: page faults and cache misses cost
 * more than the parse itself.  So the top-level list "flows = ( ... )" is
 * cut at the commas between its elements: libconfig parses the rest of
 * the text with that list left empty (its newlines kept, so every line
 * stays where it was), then each piece as "f=(PIECE);", whose tree is
 * consumed and destroyed before the next piece is read.
 *
 * A piece is a run of whole elements and the commas between them; the
 * comma after its last one is left out (libconfig 1.5 refuses a trailing
 * comma), so the whole list is valid exactly when the rest is and every
 * piece is, none of them empty.  Whenever libconfig refuses any of them,
 * the caller parses the whole text again the usual way, so its syntax
 * errors are reported exactly as before.
 */

size_t	conf_chunk_flows = 256;

static const unsigned char code_special[256] = {
	['#'] = 1, ['/'] = 1, ['"'] = 1, [','] = 1,
	['{'] = 1, ['('] = 1, ['['] = 1, ['}'] = 1, [')'] = 1, [']'] = 1,
};

static size_t
skip_blank(const char *b, size_t i, size_t n)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' ||
	    b[i] == '\n'))
		i++;
	return i;
}

static int
cut_add(struct pchunks *ch, size_t off)
{
	size_t *nc, ncap;

	if (ch->n + 1 >= ch->cap) {
		ncap = ch->cap ? ch->cap * 2 : 64;
		if ((nc = reallocarray(ch->cut, ncap, sizeof(*nc))) == NULL)
			return -1;
		ch->cut = nc;
		ch->cap = ncap;
	}
	ch->cut[ch->n++] = off;
	return 0;
}

static size_t
count_nl(const char *s, const char *e)
{
	size_t n = 0;

	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		n++;
		s++;
	}
	return n;
}

/*
 * Find "flows = (" at the top level and its ')', cutting after every
 * per-th comma between its elements.  The states are conf_lex.c's: code,
 * string, comment.  Returns 0, or 1 when the text is not cut (no such
 * list, something unusual around it, unbalanced brackets, no memory).
 */
static int
scan(const char *b, size_t n, size_t per, struct pchunks *ch)
{
	size_t i = 0, j, depth = 0, commas = 0;
	const char *q;
	bool inlist = false;
	char c;

	while (i < n) {
		if (depth > 0)
			while (i < n && !code_special[(unsigned char)b[i]])
				i++;
		if (i >= n)
			break;
		c = b[i];
		switch (c) {
		case '#':
			goto line_comment;
		case '/':
			if (i + 1 < n && b[i + 1] == '/')
				goto line_comment;
			if (i + 1 < n && b[i + 1] == '*') {
				q = memmem(b + i + 2, n - i - 2, "*/", 2);
				i = q != NULL ? (size_t)(q - b) + 2 : n;
				continue;
			}
			i++;
			continue;
		case '"':
			for (i++; i < n && b[i] != '"'; i++)
				if (b[i] == '\\')
					i++;
			i++;
			continue;
		case '{': case '(': case '[':
			depth++;
			i++;
			continue;
		case '}': case ')': case ']':
			if (depth == 0)
				return 1;	/* libconfig will say what is wrong */
			if (--depth == 0 && inlist) {
				if (c != ')')
					return 1;
				ch->close = i;
				ch->ncommas = commas;
				return cut_add(ch, i) == -1 ? 1 : 0;
			}
			i++;
			continue;
		case ',':
			if (inlist && depth == 1 && ++commas % per == 0 &&
			    cut_add(ch, i) == -1)
				return 1;
			i++;
			continue;
		}
		/* Only the top level gets here: look for the setting's name. */
		if (!lex_name_start(c) || (i > 0 && lex_name_char(b[i - 1]))) {
			i++;
			continue;
		}
		for (j = i; j < n && lex_name_char(b[j]); j++)
			;
		if (j - i != 5 || memcmp(b + i, "flows", 5) != 0) {
			i = j;
			continue;
		}
		j = skip_blank(b, j, n);
		if (j >= n || (b[j] != '=' && b[j] != ':'))
			return 1;
		j = skip_blank(b, j + 1, n);
		if (j >= n || b[j] != '(')
			return 1;
		ch->open = j;
		inlist = true;
		depth = 1;
		if (cut_add(ch, j) == -1)
			return 1;
		i = j + 1;
		continue;
line_comment:
		q = memchr(b + i, '\n', n - i);
		i = q != NULL ? (size_t)(q - b) : n;
	}
	return 1;
}

int
pch_split(const struct conf_text *t, size_t per, struct pchunks *ch)
{
	const char *b = t->buf;
	size_t i, nl, hl, tl;
	char *h;

	memset(ch, 0, sizeof(*ch));
	if (per == 0)
		goto no;
	if (t->fl_per == per && t->fl_ncut >= 2) {
		/* lex_check_structure() cut it on its way (conf_lex.c) */
		if ((ch->cut = reallocarray(NULL, t->fl_ncut,
		    sizeof(*ch->cut))) == NULL)
			goto no;
		memcpy(ch->cut, t->fl_cut, t->fl_ncut * sizeof(*ch->cut));
		ch->n = ch->cap = t->fl_ncut;
		ch->open = ch->cut[0];
		ch->close = ch->cut[ch->n - 1];
		ch->ncommas = t->fl_ncommas;
	} else if (scan(b, t->len, per, ch) != 0)
		goto no;
	/* The line each piece starts on; the last entry is the ')'. */
	if ((ch->line = calloc(ch->n, sizeof(*ch->line))) == NULL)
		goto no;
	ch->line[0] = 1 + (int)count_nl(b, b + ch->cut[0]);
	for (i = 1; i < ch->n; i++)
		ch->line[i] = ch->line[i - 1] +
		    (int)count_nl(b + ch->cut[i - 1], b + ch->cut[i]);
	/* The text without the list's contents, its newlines kept. */
	nl = (size_t)(ch->line[ch->n - 1] - ch->line[0]);
	hl = ch->open + 1;
	tl = t->len - ch->close;
	if ((h = malloc(hl + nl + tl + 1)) == NULL)
		goto no;
	memcpy(h, b, hl);
	memset(h + hl, '\n', nl);
	memcpy(h + hl + nl, b + ch->close, tl);
	h[hl + nl + tl] = '\0';
	ch->head = h;
	ch->n--;		/* pieces: [cut[k] + 1, cut[k + 1]) */
	ch->text = b;
	return 0;
no:
	pch_free(ch);
	return 1;
}

config_setting_t *
pch_parse(struct pchunks *ch, size_t k, config_t *cf)
{
	size_t len = ch->cut[k + 1] - ch->cut[k] - 1, need = len + 6;
	config_setting_t *root, *l;
	char *nb;

	if (need > ch->bufcap) {
		if ((nb = realloc(ch->buf, need)) == NULL)
			return NULL;
		ch->buf = nb;
		ch->bufcap = need;
	}
	memcpy(ch->buf, "f=(", 3);
	memcpy(ch->buf + 3, ch->text + ch->cut[k] + 1, len);
	memcpy(ch->buf + 3 + len, ");", 3);
	if (config_read_string(cf, ch->buf) != CONFIG_TRUE)
		return NULL;
	root = config_root_setting(cf);
	if (config_setting_length(root) != 1)
		return NULL;
	l = config_setting_get_elem(root, 0);
	/* "( a, )" is refused whole, but its second piece would be "()". */
	if (ch->n > 1 && config_setting_length(l) == 0)
		return NULL;
	return l;
}

void
pch_free(struct pchunks *ch)
{
	free(ch->cut);
	free(ch->line);
	free(ch->head);
	free(ch->buf);
	memset(ch, 0, sizeof(*ch));
}
