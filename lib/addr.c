/* addr.c - parsing, formatting and comparing addresses, prefixes, MACs, ports. */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "hex.h"

int
addr_maxlen(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static size_t
addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

int
addr_parse(const char *s, struct addr *out)
{
	struct addr a;

	if (s == NULL)
		return ADDR_SYNTAX;
	memset(&a, 0, sizeof(a));
	/* inet_pton refuses spaces, empty strings and trailing garbage. */
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.family = AF_INET6;
	else
		return ADDR_SYNTAX;
	a.plen = addr_maxlen(a.family);
	*out = a;
	return ADDR_OK;
}

/*
 * On ADDR_HOSTBITS *out is still filled with the bits as written, so the
 * caller can say "did you mean ...": prefix_mask() gives the network.
 */
int
prefix_parse(const char *s, struct addr *out)
{
	char buf[ADDR_STRLEN];
	const char *slash, *p;
	size_t alen;
	unsigned len;
	struct addr a;
	int rc;

	if (s == NULL)
		return ADDR_SYNTAX;
	if ((slash = strchr(s, '/')) == NULL)
		return addr_parse(s, out);
	alen = slash - s;
	if (alen == 0 || alen >= sizeof(buf))
		return ADDR_SYNTAX;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if ((rc = addr_parse(buf, &a)) != ADDR_OK)
		return rc;

	/* Digits only: no sign, no spaces, no hex; at most three of them. */
	p = slash + 1;
	if (*p == '\0')
		return ADDR_SYNTAX;
	len = 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return ADDR_SYNTAX;
		if (p - slash > 3)
			return ADDR_BADLEN;
		len = len * 10 + (unsigned)(*p - '0');
	}
	if (len > (unsigned)addr_maxlen(a.family))
		return ADDR_BADLEN;
	a.plen = len;
	*out = a;
	{
		struct addr m = a;

		prefix_mask(&m);
		if (memcmp(m.a, a.a, sizeof(a.a)) != 0)
			return ADDR_HOSTBITS;
	}
	return ADDR_OK;
}

void
prefix_mask(struct addr *a)
{
	size_t i, nb = addr_bytes(a->family);
	unsigned plen = a->plen;

	for (i = 0; i < sizeof(a->a); i++) {
		if (i >= nb || plen == 0)
			a->a[i] = 0;
		else if (plen < 8) {
			a->a[i] &= (uint8_t)(0xff << (8 - plen));
			plen = 0;
		} else
			plen -= 8;
	}
}

bool
addr_is_host(const struct addr *a)
{
	return a->plen == addr_maxlen(a->family);
}

/* Are the first plen bits of x and y equal? */
static bool
bits_eq(const uint8_t *x, const uint8_t *y, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;
	uint8_t m;

	if (memcmp(x, y, full) != 0)
		return false;
	if (rest == 0)
		return true;
	m = (uint8_t)(0xff << (8 - rest));
	return (x[full] & m) == (y[full] & m);
}

bool
prefix_contains(const struct addr *pfx, const struct addr *a)
{
	if (pfx->family != a->family || a->plen < pfx->plen)
		return false;
	if (pfx->plen > addr_maxlen(pfx->family))
		return false;
	return bits_eq(pfx->a, a->a, pfx->plen);
}

bool
prefix_overlap(const struct addr *x, const struct addr *y)
{
	unsigned plen = x->plen < y->plen ? x->plen : y->plen;

	if (x->family != y->family || plen > (unsigned)addr_maxlen(x->family))
		return false;
	return bits_eq(x->a, y->a, plen);
}

bool
addr_eq(const struct addr *x, const struct addr *y)
{
	return x->family == y->family && x->plen == y->plen &&
	    memcmp(x->a, y->a, addr_bytes(x->family)) == 0;
}

int
addr_cmp(const struct addr *x, const struct addr *y)
{
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((c = memcmp(x->a, y->a, addr_bytes(x->family))) != 0)
		return c < 0 ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return 0;
}

static char *
put_dec(char *p, unsigned v)
{
	char t[10];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = t[--n];
	return p;
}

static char *
put_v4(char *p, const uint8_t *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		p = put_dec(p, a[i]);
	}
	return p;
}

static char *
put_hex16(char *p, unsigned w)
{
	static const char hx[] = "0123456789abcdef";
	int sh;

	for (sh = 12; sh > 0 && (w >> sh) == 0; sh -= 4)
		;
	for (; sh >= 0; sh -= 4)
		*p++ = hx[(w >> sh) & 0xf];
	return p;
}

/*
 * inet_ntop()'s text, byte for byte (glibc's, after BIND): the first
 * longest run of two or more zero words becomes "::", and an address
 * whose first five words are zero and the sixth 0 or ffff ends in dotted
 * IPv4 (except :: and ::1-like ones, where the run is longer).  Without
 * libc's printf underneath: alerts format two addresses each.
 */
size_t
addr_ntop(int family, const uint8_t *src, char *dst)
{
	unsigned w[8];
	int i, best = -1, bestlen = 0, cur = -1, curlen = 0;
	char *p = dst;

	if (family == AF_INET) {
		p = put_v4(p, src);
		*p = '\0';
		return (size_t)(p - dst);
	}
	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)src[2 * i] << 8 | src[2 * i + 1];
		if (w[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			curlen++;
		} else if (cur != -1) {
			if (best == -1 || curlen > bestlen)
				best = cur, bestlen = curlen;
			cur = -1;
		}
	}
	if (cur != -1 && (best == -1 || curlen > bestlen))
		best = cur, bestlen = curlen;
	if (best != -1 && bestlen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 && (bestlen == 6 ||
		    (bestlen == 5 && w[5] == 0xffff))) {
			p = put_v4(p, src + 12);
			break;
		}
		p = put_hex16(p, w[i]);
	}
	if (best != -1 && best + bestlen == 8)
		*p++ = ':';
	*p = '\0';
	return (size_t)(p - dst);
}

const char *
addr_fmt(const struct addr *a, char *buf, size_t len)
{
	char tmp[ADDR_NTOP_LEN + 4];
	size_t n;

	if (len == 0)
		return buf;
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "?");
		return buf;
	}
	n = addr_ntop(a->family, a->a, tmp);
	if (!addr_is_host(a)) {
		tmp[n++] = '/';
		n = (size_t)(put_dec(tmp + n, a->plen) - tmp);
	}
	/* snprintf's truncation: at most len - 1 bytes, always terminated. */
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}

/* Exactly "xx:xx:xx:xx:xx:xx"; dashes or single digits are refused. */
int
mac_parse(const char *s, struct mac *out)
{
	struct mac m;
	int i, hi, lo;

	if (s == NULL || strlen(s) != MAC_STRLEN - 1)
		return -1;
	for (i = 0; i < 6; i++) {
		const char *p = s + i * 3;

		if ((hi = hex_digit(p[0])) < 0 || (lo = hex_digit(p[1])) < 0)
			return -1;
		if (i < 5 && p[2] != ':')
			return -1;
		m.b[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = m;
	return 0;
}

const char *
mac_fmt(const struct mac *m, char *buf, size_t len)
{
	if (len > 0)
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		    m->b[0], m->b[1], m->b[2], m->b[3], m->b[4], m->b[5]);
	return buf;
}

bool
mac_eq(const struct mac *x, const struct mac *y)
{
	return memcmp(x->b, y->b, sizeof(x->b)) == 0;
}

int
mac_cmp(const struct mac *x, const struct mac *y)
{
	int c = memcmp(x->b, y->b, sizeof(x->b));

	return c < 0 ? -1 : c > 0;
}

bool
portrange_contains(const struct portrange *r, size_t n, uint16_t port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}
