/* ctlproto_kv.c - KEY=VALUE words of the control protocol's text arguments, percent-encoded. */
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "hex.h"

static bool
plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("_.:/,+-", c) != NULL);
}

int
ctlp_kv_append(char *buf, size_t len, const char *key, const char *val)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n0 = strlen(buf), n = n0;
	const unsigned char *v;
	int w;

	w = snprintf(buf + n, len - n, "%s%s=", n > 0 ? " " : "", key);
	if (w < 0 || (size_t)w >= len - n)
		goto full;
	n += (size_t)w;
	for (v = (const unsigned char *)val; *v != '\0'; v++) {
		if (n + 4 > len)
			goto full;
		if (plain(*v))
			buf[n++] = (char)*v;
		else {
			buf[n++] = '%';
			buf[n++] = hex[*v >> 4];
			buf[n++] = hex[*v & 15];
		}
	}
	buf[n] = '\0';
	return 0;
full:
	buf[n0] = '\0';	/* as it was: no half word */
	return -1;
}

int
ctlp_kv_get(const char *text, const char *key, char *out, size_t outlen)
{
	const char *w = text, *end;
	size_t klen = strlen(key), n = 0;
	int hi, lo;

	for (; *w != '\0'; w = *end == ' ' ? end + 1 : end) {
		end = strchr(w, ' ');
		if (end == NULL)
			end = w + strlen(w);
		if ((size_t)(end - w) <= klen || strncmp(w, key, klen) != 0 ||
		    w[klen] != '=')
			continue;
		for (w += klen + 1; w < end; w++) {
			if (n + 1 >= outlen)
				return -1;
			if (*w != '%') {
				out[n++] = *w;
				continue;
			}
			if (end - w < 3 || (hi = hex_digit(w[1])) == -1 ||
			    (lo = hex_digit(w[2])) == -1 || (hi == 0 && lo < 0x20) ||
			    (hi == 7 && lo == 15))
				return -1;
			out[n++] = (char)(hi << 4 | lo);
			w += 2;
		}
		if (outlen == 0)
			return -1;
		out[n] = '\0';
		return 1;
	}
	return 0;
}
