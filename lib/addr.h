/* addr.h - IPv4/IPv6 addresses and prefixes, MAC addresses, port ranges. */
#ifndef BUNRI_ADDR_H
#define BUNRI_ADDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ADDR_STRLEN	64	/* enough for "ffff:...:ffff/128" */
#define MAC_STRLEN	18	/* "xx:xx:xx:xx:xx:xx" + NUL */

/*
 * An address or a prefix.  IPv4 lives in a[0..3], network byte order;
 * plen is 32 (v4) or 128 (v6) for a single address.
 */
struct addr {
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint8_t		plen;
	uint8_t		a[16];
};

struct mac {
	uint8_t		b[6];
};

/* An inclusive destination port range; a single port has lo == hi. */
struct portrange {
	uint16_t	lo;
	uint16_t	hi;
};

enum addr_parse_rc {
	ADDR_OK = 0,
	ADDR_SYNTAX = -1,	/* not an address or prefix at all */
	ADDR_HOSTBITS = -2,	/* prefix has bits set past its length */
	ADDR_BADLEN = -3,	/* prefix length out of range */
};

/* Parse a single address ("192.0.2.1", "2001:db8::1"); no prefix length. */
int	 addr_parse(const char *, struct addr *);
/*
 * Parse "ADDR/LEN" or a plain address (taken as a full-length prefix).
 * On ADDR_HOSTBITS the struct is still filled with the bits as written,
 * so the caller can suggest the network: prefix_mask() it.
 */
int	 prefix_parse(const char *, struct addr *);
/* Clear the bits past plen ("192.0.2.1/26" -> "192.0.2.0/26"). */
void	 prefix_mask(struct addr *);
/* Full-length prefix: a single address. */
bool	 addr_is_host(const struct addr *);
int	 addr_maxlen(int family);
/* pfx contains a (a may itself be a prefix: then all of it). */
bool	 prefix_contains(const struct addr *pfx, const struct addr *a);
bool	 prefix_overlap(const struct addr *, const struct addr *);
bool	 addr_eq(const struct addr *, const struct addr *);
/* "192.0.2.1" for a host, "192.0.2.0/24" for a prefix. Returns buf. */
const char *addr_fmt(const struct addr *, char *buf, size_t len);
/*
 * The text of a plain address (v4: 4 bytes, v6: 16), exactly as
 * inet_ntop() gives it, into dst of at least ADDR_NTOP_LEN bytes; its length.
 */
#define ADDR_NTOP_LEN	46	/* INET6_ADDRSTRLEN */
size_t	 addr_ntop(int family, const uint8_t *src, char *dst);
/* Total order (family, bytes, plen) for sorting and searching. */
int	 addr_cmp(const struct addr *, const struct addr *);

/* Big-endian loads: bytes compared as such words keep memcmp's order. */
static inline uint32_t
addr_be32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, sizeof(v));
	return __builtin_bswap32(v);
}

static inline uint64_t
addr_be64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return __builtin_bswap64(v);
}

/*
 * addr_cmp()'s order without plen, the bytes read as words and inline:
 * for the binary searches that every new flow and every alert runs.  An
 * unknown family has no bytes to compare (as addr_maxlen says).
 */
static inline int
addr_bytes_cmp(const struct addr *x, const struct addr *y)
{
	uint64_t p, q;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->family == AF_INET) {
		p = addr_be32(x->a);
		q = addr_be32(y->a);
	} else if (x->family == AF_INET6) {
		if ((p = addr_be64(x->a)) == (q = addr_be64(y->a))) {
			p = addr_be64(x->a + 8);
			q = addr_be64(y->a + 8);
		}
	} else
		return 0;
	return p < q ? -1 : p > q;
}

int	 mac_parse(const char *, struct mac *);
const char *mac_fmt(const struct mac *, char *buf, size_t len);
bool	 mac_eq(const struct mac *, const struct mac *);
int	 mac_cmp(const struct mac *, const struct mac *);

bool	 portrange_contains(const struct portrange *, size_t n, uint16_t port);

#endif
