/* json.c - a tiny JSON writer into a growable buffer, and a strict validator. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"

void
json_init(struct jbuf *jb)
{
	memset(jb, 0, sizeof(*jb));
}

void
json_free(struct jbuf *jb)
{
	free(jb->buf);
	memset(jb, 0, sizeof(*jb));
}

void
json_reset(struct jbuf *jb)
{
	jb->len = 0;
	jb->depth = 0;
	jb->nonempty = 0;
	jb->err = false;
	if (jb->buf != NULL)
		jb->buf[0] = '\0';
}

/* Room for n more bytes and the NUL. */
static int
reserve(struct jbuf *jb, size_t n)
{
	size_t ncap;
	char *nb;

	if (jb->err)
		return -1;
	if (jb->len + n + 1 <= jb->cap)
		return 0;
	ncap = jb->cap ? jb->cap : 256;
	while (ncap < jb->len + n + 1) {
		if (ncap > SIZE_MAX / 2)
			goto fail;
		ncap *= 2;
	}
	if ((nb = realloc(jb->buf, ncap)) == NULL)
		goto fail;
	jb->buf = nb;
	jb->cap = ncap;
	return 0;
fail:
	jb->err = true;
	return -1;
}

static void
put(struct jbuf *jb, const char *s, size_t n)
{
	if (reserve(jb, n) == -1)
		return;
	memcpy(jb->buf + jb->len, s, n);
	jb->len += n;
	jb->buf[jb->len] = '\0';
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), 0 if the
 * bytes there are not one (overlong, surrogate, past U+10FFFF, cut short).
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;	/* no UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void
put_string(struct jbuf *jb, const char *val, size_t n)
{
	const unsigned char *s = (const unsigned char *)val;
	char esc[8];
	size_t i = 0, run, k;

	put(jb, "\"", 1);
	while (i < n && !jb->err) {
		/* Copy the longest stretch that needs no escaping at once. */
		for (run = i; run < n; run += k) {
			if (s[run] < 0x20 || s[run] == '"' || s[run] == '\\' ||
			    s[run] == 0x7f)
				break;
			if ((k = utf8_seq(s + run, n - run)) == 0)
				break;
		}
		put(jb, val + i, run - i);
		if ((i = run) >= n)
			break;
		if (s[i] == '"' || s[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)s[i];
			put(jb, esc, 2);
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
			put(jb, esc, 6);
		} else
			put(jb, "\\ufffd", 6);	/* a byte of invalid UTF-8 */
		i++;
	}
	put(jb, "\"", 1);
}

/* The comma and "key": before a member or element. */
static void
member(struct jbuf *jb, const char *key)
{
	uint32_t bit;

	if (jb->err)
		return;
	if (jb->depth > 0) {
		bit = 1u << jb->depth;
		if (jb->nonempty & bit)
			put(jb, ",", 1);
		jb->nonempty |= bit;
	}
	if (key != NULL) {
		put_string(jb, key, strlen(key));
		put(jb, ":", 1);
	}
}

void
json_open(struct jbuf *jb, const char *key)
{
	member(jb, key);
	if (jb->err)
		return;
	if (jb->depth + 1 >= JSON_MAXDEPTH) {
		jb->err = true;
		return;
	}
	jb->depth++;
	jb->nonempty &= ~(1u << jb->depth);
	put(jb, "{", 1);
}

void
json_close(struct jbuf *jb)
{
	if (jb->err)
		return;
	if (jb->depth == 0) {
		jb->err = true;
		return;
	}
	jb->depth--;
	put(jb, "}", 1);
}

void
json_strn(struct jbuf *jb, const char *key, const char *val, size_t len)
{
	member(jb, key);
	put_string(jb, val != NULL ? val : "", val != NULL ? len : 0);
}

void
json_str(struct jbuf *jb, const char *key, const char *val)
{
	json_strn(jb, key, val, val != NULL ? strlen(val) : 0);
}

void
json_int(struct jbuf *jb, const char *key, int64_t v)
{
	char num[24];
	int n;

	member(jb, key);
	n = snprintf(num, sizeof(num), "%" PRId64, v);
	put(jb, num, (size_t)n);
}

void
json_uint(struct jbuf *jb, const char *key, uint64_t v)
{
	char num[24];
	int n;

	member(jb, key);
	n = snprintf(num, sizeof(num), "%" PRIu64, v);
	put(jb, num, (size_t)n);
}

void
json_bool(struct jbuf *jb, const char *key, bool v)
{
	member(jb, key);
	put(jb, v ? "true" : "false", v ? 4 : 5);
}

int
json_finish(const struct jbuf *jb)
{
	if (jb->err || jb->depth != 0 || jb->len == 0)
		return -1;
	return 0;
}

/* Validator: recursive descent, depth bounded, never reads past e. */

enum want { W_NONE, W_NUMBER, W_INNER };

struct jp {
	const unsigned char *p, *e;
	int		 depth;
	const char	*w1, *w2;
	uint64_t	*val;
	bool		*found;
};

static int	p_value(struct jp *, enum want);

static void
p_ws(struct jp *jp)
{
	while (jp->p < jp->e && (*jp->p == ' ' || *jp->p == '\t' ||
	    *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

/* A string: raw, rawlen = its bytes between the quotes; plain: no escapes. */
static int
p_string(struct jp *jp, const unsigned char **raw, size_t *rawlen,
    bool *plain)
{
	size_t k;
	int i;

	if (jp->p >= jp->e || *jp->p != '"')
		return -1;
	*raw = ++jp->p;
	*plain = true;
	while (jp->p < jp->e && *jp->p != '"') {
		if (*jp->p < 0x20)
			return -1;
		if (*jp->p == '\\') {
			*plain = false;
			if (++jp->p >= jp->e)
				return -1;
			if (*jp->p == 'u') {
				if (jp->e - jp->p < 5)
					return -1;
				for (i = 1; i <= 4; i++)
					if (hex_digit(jp->p[i]) < 0)
						return -1;
				jp->p += 5;
			} else if (strchr("\"\\/bfnrt", *jp->p) != NULL &&
			    *jp->p != '\0')
				jp->p++;
			else
				return -1;
			continue;
		}
		if ((k = utf8_seq(jp->p, (size_t)(jp->e - jp->p))) == 0)
			return -1;
		jp->p += k;
	}
	if (jp->p >= jp->e)
		return -1;
	*rawlen = (size_t)(jp->p - *raw);
	jp->p++;
	return 0;
}

static int
p_number(struct jp *jp, enum want w)
{
	const unsigned char *start = jp->p;
	bool plain = true;
	uint64_t v = 0;

	if (jp->p < jp->e && *jp->p == '-') {
		plain = false;
		jp->p++;
	}
	if (jp->p >= jp->e || *jp->p < '0' || *jp->p > '9')
		return -1;
	if (*jp->p == '0')
		jp->p++;
	else
		while (jp->p < jp->e && *jp->p >= '0' && *jp->p <= '9') {
			if (v > (UINT64_MAX - (uint64_t)(*jp->p - '0')) / 10)
				plain = false;
			v = v * 10 + (uint64_t)(*jp->p - '0');
			jp->p++;
		}
	if (jp->p < jp->e && *jp->p == '.') {
		plain = false;
		jp->p++;
		if (jp->p >= jp->e || *jp->p < '0' || *jp->p > '9')
			return -1;
		while (jp->p < jp->e && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	if (jp->p < jp->e && (*jp->p == 'e' || *jp->p == 'E')) {
		plain = false;
		jp->p++;
		if (jp->p < jp->e && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (jp->p >= jp->e || *jp->p < '0' || *jp->p > '9')
			return -1;
		while (jp->p < jp->e && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	if (w == W_NUMBER && plain && start < jp->p && !*jp->found) {
		*jp->val = v;
		*jp->found = true;
	}
	return 0;
}

static bool
key_is(const unsigned char *raw, size_t len, bool plain, const char *k)
{
	return k != NULL && plain && strlen(k) == len &&
	    memcmp(raw, k, len) == 0;
}

static int
p_object(struct jp *jp, enum want w)
{
	const unsigned char *raw;
	size_t rawlen;
	bool plain;
	enum want cw;

	jp->p++;	/* { */
	p_ws(jp);
	if (jp->p < jp->e && *jp->p == '}') {
		jp->p++;
		return 0;
	}
	for (;;) {
		p_ws(jp);
		if (p_string(jp, &raw, &rawlen, &plain) == -1)
			return -1;
		cw = W_NONE;
		if (jp->depth == 1 && jp->found != NULL &&
		    key_is(raw, rawlen, plain, jp->w1))
			cw = jp->w2 != NULL ? W_INNER : W_NUMBER;
		else if (w == W_INNER && key_is(raw, rawlen, plain, jp->w2))
			cw = W_NUMBER;
		p_ws(jp);
		if (jp->p >= jp->e || *jp->p != ':')
			return -1;
		jp->p++;
		if (p_value(jp, cw) == -1)
			return -1;
		p_ws(jp);
		if (jp->p < jp->e && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->e && *jp->p == '}') {
			jp->p++;
			return 0;
		}
		return -1;
	}
}

static int
p_array(struct jp *jp)
{
	jp->p++;	/* [ */
	p_ws(jp);
	if (jp->p < jp->e && *jp->p == ']') {
		jp->p++;
		return 0;
	}
	for (;;) {
		if (p_value(jp, W_NONE) == -1)
			return -1;
		p_ws(jp);
		if (jp->p < jp->e && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->e && *jp->p == ']') {
			jp->p++;
			return 0;
		}
		return -1;
	}
}

static int
p_literal(struct jp *jp, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(jp->e - jp->p) < n || memcmp(jp->p, lit, n) != 0)
		return -1;
	jp->p += n;
	return 0;
}

static int
p_value(struct jp *jp, enum want w)
{
	const unsigned char *raw;
	size_t rawlen;
	bool plain;
	int rc;

	p_ws(jp);
	if (jp->p >= jp->e)
		return -1;
	switch (*jp->p) {
	case '{':
	case '[':
		if (jp->depth >= JSON_MAXDEPTH)
			return -1;
		jp->depth++;
		rc = *jp->p == '{' ? p_object(jp, w) : p_array(jp);
		jp->depth--;
		return rc;
	case '"':
		return p_string(jp, &raw, &rawlen, &plain);
	case 't':
		return p_literal(jp, "true");
	case 'f':
		return p_literal(jp, "false");
	case 'n':
		return p_literal(jp, "null");
	default:
		return p_number(jp, w);
	}
}

int
json_validate(const char *s, size_t len, const char *want1,
    const char *want2, uint64_t *val, bool *found)
{
	struct jp jp;
	bool dummy;
	uint64_t dv;

	memset(&jp, 0, sizeof(jp));
	jp.p = (const unsigned char *)s;
	jp.e = jp.p + len;
	jp.w1 = want1;
	jp.w2 = want2;
	jp.val = val != NULL ? val : &dv;
	jp.found = want1 != NULL ? (found != NULL ? found : &dummy) : NULL;
	if (jp.found != NULL)
		*jp.found = false;
	if (p_value(&jp, W_NONE) == -1)
		return -1;
	p_ws(&jp);
	return jp.p == jp.e ? 0 : -1;
}
