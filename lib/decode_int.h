/* decode_int.h - bounds-checked reads shared by the decoder's layers. */
#ifndef BUNRI_DECODE_INT_H
#define BUNRI_DECODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/*
 * One packet being decoded.  wire is the frame length on the wire
 * (never less than cap): a header that would end past wire is a lie
 * (MALFORMED), one that ends past cap was cut by the snap length
 * (TRUNCATED).
 */
struct dctx {
	const uint8_t	*d;
	size_t		 cap;
	size_t		 wire;
	struct pkt	*p;
};

/*
 * n bytes at off, inside a packet part that ends at end (<= wire):
 * DEC_OK, DEC_MALFORMED past end, DEC_TRUNCATED past what was captured.
 * Written so that no sum can overflow.
 */
static inline int
dec_need(const struct dctx *c, size_t off, size_t n, size_t end)
{
	if (off > end || n > end - off)
		return DEC_MALFORMED;
	if (off > c->cap || n > c->cap - off)
		return DEC_TRUNCATED;
	return DEC_OK;
}

static inline uint16_t
dec_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

int	 decode_ip4(struct dctx *, size_t off);
int	 decode_ip6(struct dctx *, size_t off);
int	 decode_l4(struct dctx *, size_t off, size_t end);

#endif
