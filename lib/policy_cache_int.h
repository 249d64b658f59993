/* policy_cache_int.h - private: the byte writer and the bounds-checked reader of the policy cache. */
#ifndef BUNRI_POLICY_CACHE_INT_H
#define BUNRI_POLICY_CACHE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy_cache.h"

#define PC_MAGIC	"BUNRIPC\n"
#define PC_MAGICLEN	8
/* magic, format, abi, checksum: the checksum covers what follows. */
#define PC_HDRLEN	(PC_MAGICLEN + 4 + 4 + 8)
#define PC_NONE		UINT32_MAX	/* no index / NULL string */

/*
 * Writing never fails half-way silently: on no memory `err` is set, the
 * rest is skipped, and the caller looks once at the end.
 */
struct pc_w {
	uint8_t		*b;
	size_t		 len, cap;
	bool		 err;
};

void	 pcw_bytes(struct pc_w *, const void *, size_t);
void	 pcw_u8(struct pc_w *, uint8_t);
void	 pcw_u16(struct pc_w *, uint16_t);
void	 pcw_u32(struct pc_w *, uint32_t);
void	 pcw_u64(struct pc_w *, uint64_t);
/* NULL is written as the length PC_NONE. */
void	 pcw_str(struct pc_w *, const char *);

/*
 * Reading stops at the first bad byte: `err` is set, every later read
 * returns zero, and the decoder checks `err` before it trusts a value it
 * uses as a size or an index.
 */
struct pc_r {
	const uint8_t	*b;
	size_t		 len, off;
	bool		 err;
};

static inline bool
pcr_need(struct pc_r *r, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = true;
		return false;
	}
	return true;
}

static inline uint8_t
pcr_u8(struct pc_r *r)
{
	if (!pcr_need(r, 1))
		return 0;
	return r->b[r->off++];
}

static inline uint16_t
pcr_u16(struct pc_r *r)
{
	uint16_t v;

	if (!pcr_need(r, 2))
		return 0;
	v = (uint16_t)(r->b[r->off] | r->b[r->off + 1] << 8);
	r->off += 2;
	return v;
}

static inline uint32_t
pcr_u32(struct pc_r *r)
{
	const uint8_t *p;

	if (!pcr_need(r, 4))
		return 0;
	p = r->b + r->off;
	r->off += 4;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
pcr_u64(struct pc_r *r)
{
	uint64_t lo = pcr_u32(r);

	return lo | (uint64_t)pcr_u32(r) << 32;
}

static inline const uint8_t *
pcr_bytes(struct pc_r *r, size_t n)
{
	const uint8_t *p;

	if (!pcr_need(r, n))
		return NULL;
	p = r->b + r->off;
	r->off += n;
	return p;
}

/*
 * A count of elements each at least `min` bytes long: more than the bytes
 * left could hold is damage, refused before anything is allocated.
 */
static inline size_t
pcr_count(struct pc_r *r, size_t min)
{
	uint32_t n = pcr_u32(r);

	if (r->err || (min > 0 && n > (r->len - r->off) / min)) {
		r->err = true;
		return 0;
	}
	return n;
}

/*
 * A string in place: its bytes NUL-terminated inside the buffer and with
 * no NUL before that.  *isnull tells NULL from "".  Borrowed.
 */
const char	*pcr_str(struct pc_r *, size_t *len, bool *isnull);
/* The same copied to the heap; NULL with err set on damage or no memory. */
char		*pcr_strdup(struct pc_r *, bool nullable);

/* The frame and the meta (policy_cache.c); the body follows. */
void	 pc_meta_write(struct pc_w *, const struct pcache_meta *);

/* Model parts shared by the encoder and the decoder. */
bool	 pc_addr_ok(const struct addr *, bool need_family, bool host);
void	 pcw_addr(struct pc_w *, const struct addr *);
void	 pcr_addr(struct pc_r *, struct addr *);

/* policy_cache_didx.c: the decision index's sort order. */
int	 pc_didx_encode(struct pc_w *, const struct policy *);
int	 pc_didx_decode(struct pc_r *, struct policy *);

#endif
