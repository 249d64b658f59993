/* conf_lex.h - a tiny pre-lexer of libconfig syntax that guards libconfig itself. */
#ifndef BUNRI_CONF_LEX_H
#define BUNRI_CONF_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "conf_read.h"
#include "diag.h"

/* What a line starts in; only LX_CODE lines can hold an @include. */
enum lx_state {
	LX_CODE,
	LX_STRING,
	LX_BLOCK,		/* inside a comment */
};

/* libconfig's setting names: [A-Za-z*][-A-Za-z0-9_*]* */
static inline bool
lex_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static inline bool
lex_name_char(char c)
{
	return lex_name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '_';
}

/*
 * libconfig's scanner takes a line matching ^[ \t]*@include as a
 * directive (its rule needs [ \t]+" after it; we refuse any @include).
 * Returns a pointer just past "@include", or NULL.
 */
const char	*lex_at_include(const char *line, const char *end);
/* Advance the state over one line [s, e), its '\n' included. */
void		 lex_line(enum lx_state *, const char *s, const char *e);
/* The same over any number of whole lines. */
void		 lex_text(enum lx_state *, const char *s, const char *e);
/*
 * Reject NUL bytes and invalid UTF-8: the first one found is reported as
 * FILE:LINE and -1 returned.
 */
int		 lex_check_bytes(const char *buf, size_t len, const char *file,
		    struct diags *);
/*
 * On the combined text: nesting depth (CONF_MAX_DEPTH), settings per
 * group (CONF_MAX_GROUP_KEYS), and that no @include line is left.  On
 * the way it cuts the top-level flows list for conf_chunk.c (t->fl_*).
 */
int		 lex_check_structure(struct conf_text *, struct diags *);

#endif
