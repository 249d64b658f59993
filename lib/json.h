/* json.h - a tiny JSON writer into a growable buffer, and a strict validator. */
#ifndef BUNRI_JSON_H
#define BUNRI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAXDEPTH	16

/*
 * Output buffer.  Members are written in call order; commas are placed by
 * the writer.  Errors (out of memory, nesting too deep, close without open)
 * are sticky: every later call is a no-op and json_finish() returns -1, so
 * a caller checks once at the end.  A NULL key writes a bare value (the
 * top-level object).
 */
struct jbuf {
	char		*buf;		/* NUL-terminated while !err */
	size_t		 len, cap;
	int		 depth;
	uint32_t	 nonempty;	/* bit d: level d has a member already */
	bool		 err;
};

void	 json_init(struct jbuf *);
/* Frees the buffer; the struct can be reused after json_init(). */
void	 json_free(struct jbuf *);
/* Empties the buffer, keeping its memory. */
void	 json_reset(struct jbuf *);

void	 json_open(struct jbuf *, const char *key);	/* { */
void	 json_close(struct jbuf *);			/* } */
/*
 * Strings are copied with JSON escaping: " and \ escaped, control
 * characters (and DEL) as \u00XX, valid UTF-8 as is, each byte of an
 * invalid UTF-8 sequence replaced by \ufffd.  A NULL value writes "".
 */
void	 json_str(struct jbuf *, const char *key, const char *val);
void	 json_strn(struct jbuf *, const char *key, const char *val,
	    size_t len);
void	 json_int(struct jbuf *, const char *key, int64_t);
void	 json_uint(struct jbuf *, const char *key, uint64_t);
void	 json_bool(struct jbuf *, const char *key, bool);

/* 0 and the text in jb->buf (jb->len bytes) if complete and no error. */
int	 json_finish(const struct jbuf *);

/*
 * Strict validation of one JSON text of len bytes (RFC 8259; no NUL,
 * valid UTF-8 in strings, nesting bounded by JSON_MAXDEPTH).  If want1 is
 * not NULL, also looks for the member want1.want2 (want2 NULL: want1 at
 * the top level) holding an unsigned integer and stores it in *val; *found
 * says whether it was there.  Returns 0 valid, -1 invalid.
 */
int	 json_validate(const char *s, size_t len, const char *want1,
	    const char *want2, uint64_t *val, bool *found);

#endif
