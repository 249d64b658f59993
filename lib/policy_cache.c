/* policy_cache.c - the policy cache's frame: header, checksum, meta, and the byte primitives. */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "decide_index.h"
#include "policy_cache_int.h"

/* The loader warns this long before an expiry (conf_warn.c EXPIRY_NOTICE). */
#define PC_EXPIRY_NOTICE	((int64_t)30 * 24 * 60 * 60)

static void
pcw_grow(struct pc_w *w, size_t n)
{
	size_t ncap;
	uint8_t *nb;

	if (w->err)
		return;
	if (n > SIZE_MAX / 2 - w->len) {
		w->err = true;
		return;
	}
	ncap = w->cap ? w->cap : 4096;
	while (ncap < w->len + n)
		ncap *= 2;
	if ((nb = realloc(w->b, ncap)) == NULL) {
		w->err = true;
		return;
	}
	w->b = nb;
	w->cap = ncap;
}

void
pcw_bytes(struct pc_w *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (n > w->cap - w->len)
		pcw_grow(w, n);
	if (w->err || n == 0)
		return;
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

void
pcw_u8(struct pc_w *w, uint8_t v)
{
	pcw_bytes(w, &v, 1);
}

void
pcw_u16(struct pc_w *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	pcw_bytes(w, b, 2);
}

void
pcw_u32(struct pc_w *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	pcw_bytes(w, b, 4);
}

void
pcw_u64(struct pc_w *w, uint64_t v)
{
	pcw_u32(w, (uint32_t)v);
	pcw_u32(w, (uint32_t)(v >> 32));
}

void
pcw_str(struct pc_w *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		pcw_u32(w, PC_NONE);
		return;
	}
	if ((n = strlen(s)) >= PC_NONE) {
		w->err = true;
		return;
	}
	pcw_u32(w, (uint32_t)n);
	pcw_bytes(w, s, n + 1);
}

const char *
pcr_str(struct pc_r *r, size_t *len, bool *isnull)
{
	uint32_t n = pcr_u32(r);
	const uint8_t *p;

	*len = 0;
	*isnull = false;
	if (r->err)
		return NULL;
	if (n == PC_NONE) {
		*isnull = true;
		return NULL;
	}
	if ((p = pcr_bytes(r, (size_t)n + 1)) == NULL)
		return NULL;
	if (p[n] != '\0' || memchr(p, '\0', n) != NULL) {
		r->err = true;
		return NULL;
	}
	*len = n;
	return (const char *)p;
}

char *
pcr_strdup(struct pc_r *r, bool nullable)
{
	const char *s;
	size_t n;
	bool isnull;
	char *d;

	s = pcr_str(r, &n, &isnull);
	if (r->err || (isnull && !nullable)) {
		r->err = true;
		return NULL;
	}
	if (isnull)
		return NULL;
	if ((d = malloc(n + 1)) == NULL) {
		r->err = true;
		return NULL;
	}
	memcpy(d, s, n + 1);
	return d;
}

/*
 * What the loader can produce: family 0 with nothing set (an unused
 * prefix), or a v4/v6 prefix with no bits past its length and, for v4,
 * nothing past the 4 bytes.  `host`: a single address.
 */
bool
pc_addr_ok(const struct addr *a, bool need_family, bool host)
{
	size_t i, nb;
	int max;

	if (a->family == 0) {
		if (need_family || a->plen != 0)
			return false;
		for (i = 0; i < sizeof(a->a); i++)
			if (a->a[i] != 0)
				return false;
		return true;
	}
	if (a->family != AF_INET && a->family != AF_INET6)
		return false;
	max = a->family == AF_INET ? 32 : 128;
	nb = (size_t)max / 8;
	if (a->plen > max || (host && a->plen != max))
		return false;
	for (i = nb; i < sizeof(a->a); i++)
		if (a->a[i] != 0)
			return false;
	for (i = 0; i < nb; i++) {
		int keep = a->plen - (int)i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - keep));

		if ((a->a[i] & (uint8_t)~mask) != 0)
			return false;
	}
	return true;
}

void
pcw_addr(struct pc_w *w, const struct addr *a)
{
	pcw_u8(w, a->family);
	pcw_u8(w, a->plen);
	pcw_bytes(w, a->a, sizeof(a->a));
}

void
pcr_addr(struct pc_r *r, struct addr *a)
{
	const uint8_t *p;

	memset(a, 0, sizeof(*a));
	a->family = pcr_u8(r);
	a->plen = pcr_u8(r);
	if ((p = pcr_bytes(r, sizeof(a->a))) != NULL)
		memcpy(a->a, p, sizeof(a->a));
}

uint32_t
pcache_abi(void)
{
	/* Any change in these sizes changes what the body means. */
	uint32_t h = 2166136261u;
	const size_t v[] = {
		sizeof(struct policy), sizeof(struct zone), sizeof(struct host),
		sizeof(struct flow), sizeof(struct endpoint),
		sizeof(struct addr), sizeof(struct srcloc), sizeof(time_t),
		sizeof(size_t), sizeof(struct didx_ent),
		sizeof(struct didx_pair), sizeof(struct portrange),
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		h = (h ^ (uint32_t)v[i]) * 16777619u;
	return h;
}

/*
 * The checksum is against accidents (a disk error, a cut write), not
 * against someone: whoever can write the cache can write any checksum,
 * which is why the directory and file must be the user's alone.  So it
 * need not be cryptographic, and it must be cheap: SHA-256 of a 10 MB
 * cache took 6 ms, a fifth of a whole cached load.  Four lanes of 64-bit
 * words, each step acc = rotl(acc + w * K2, 31) * K1, a bijection of acc
 * for a given word, so any change to one word changes its lane; the
 * lanes and the length are then mixed into 64 bits.
 */
#define K1	0x9e3779b185ebca87ULL
#define K2	0xc2b2ae3d27d4eb4fULL
#define K3	0x165667b19e3779f9ULL

static uint64_t
rotl64(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static uint64_t
ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static uint64_t
lane(uint64_t acc, uint64_t w)
{
	return rotl64(acc + w * K2, 31) * K1;
}

static uint64_t
pc_sum(const uint8_t *b, size_t n)
{
	uint64_t a[4] = { K1, K2, K3, K1 ^ K2 }, h, t = 0;
	size_t i = 0, k;

	for (; n - i >= 32; i += 32)
		for (k = 0; k < 4; k++)
			a[k] = lane(a[k], ld64(b + i + 8 * k));
	for (k = 0; n - i >= 8; i += 8, k++)
		a[k] = lane(a[k], ld64(b + i));
	for (k = 0; i + k < n; k++)
		t |= (uint64_t)b[i + k] << (8 * k);
	a[3] = lane(a[3], t);
	a[2] = lane(a[2], (uint64_t)n);
	h = rotl64(a[0], 1) + rotl64(a[1], 7) + rotl64(a[2], 12) +
	    rotl64(a[3], 18);
	for (k = 0; k < 4; k++)
		h = (h ^ lane(0, a[k])) * K1 + K3;
	h ^= h >> 33;
	h *= K2;
	h ^= h >> 29;
	return h;
}

void
pcache_reseal(uint8_t *buf, size_t len)
{
	uint64_t h;

	if (len < PC_HDRLEN)
		return;
	h = htole64(pc_sum(buf + PC_HDRLEN, len - PC_HDRLEN));
	memcpy(buf + PC_HDRLEN - 8, &h, 8);
}

/* The frame and the meta; pcache_encode() then appends the body. */
void
pc_meta_write(struct pc_w *w, const struct pcache_meta *m)
{
	size_t i;

	pcw_bytes(w, PC_MAGIC, PC_MAGICLEN);
	pcw_u32(w, PCACHE_FORMAT);
	pcw_u32(w, pcache_abi());
	pcw_u64(w, 0);		/* the checksum: pcache_reseal() */
	if (m->identlen >= PC_NONE || m->nfiles >= PC_NONE) {
		w->err = true;
		return;
	}
	pcw_u32(w, (uint32_t)m->identlen);
	pcw_bytes(w, m->ident, m->identlen);
	pcw_u64(w, (uint64_t)m->valid_from);
	pcw_u64(w, (uint64_t)m->valid_until);
	pcw_u32(w, (uint32_t)m->nfiles);
	for (i = 0; i < m->nfiles; i++) {
		if (m->files[i].name == NULL || m->files[i].real == NULL) {
			w->err = true;
			return;
		}
		pcw_str(w, m->files[i].name);
		pcw_str(w, m->files[i].real);
		pcw_u64(w, m->files[i].size);
		pcw_bytes(w, m->files[i].sha256, 32);
	}
}

int
pcache_open(const uint8_t *buf, size_t len, struct pcache_meta *m)
{
	struct pc_r r = { buf, len, 0, false };
	const uint8_t *p;
	size_t i, n, slen;
	bool isnull;

	memset(m, 0, sizeof(*m));
	if (len < PC_HDRLEN || memcmp(buf, PC_MAGIC, PC_MAGICLEN) != 0)
		return -1;
	r.off = PC_MAGICLEN;
	if (pcr_u32(&r) != PCACHE_FORMAT || pcr_u32(&r) != pcache_abi())
		return -1;
	if (pcr_u64(&r) != pc_sum(buf + PC_HDRLEN, len - PC_HDRLEN))
		return -1;
	r.off = PC_HDRLEN;
	m->identlen = pcr_count(&r, 1);
	m->ident = pcr_bytes(&r, m->identlen);
	m->valid_from = (int64_t)pcr_u64(&r);
	m->valid_until = (int64_t)pcr_u64(&r);
	/* name, real (each at least a length and a NUL), size, sha256 */
	n = pcr_count(&r, 2 * 5 + 8 + 32);
	if (r.err || n == 0 || (m->files = calloc(n, sizeof(*m->files))) == NULL)
		goto bad;
	m->nfiles = n;
	for (i = 0; i < n; i++) {
		m->files[i].name = pcr_str(&r, &slen, &isnull);
		if (isnull)
			goto bad;
		m->files[i].real = pcr_str(&r, &slen, &isnull);
		if (isnull)
			goto bad;
		m->files[i].size = pcr_u64(&r);
		if ((p = pcr_bytes(&r, 32)) == NULL)
			goto bad;
		memcpy(m->files[i].sha256, p, 32);
	}
	if (r.err)
		goto bad;
	m->body = r.off;
	return 0;
bad:
	pcache_meta_free(m);
	return -1;
}

void
pcache_meta_free(struct pcache_meta *m)
{
	if (m == NULL)
		return;
	free(m->files);
	memset(m, 0, sizeof(*m));
}

void
pcache_window(const struct policy *p, int64_t now, int64_t *from,
    int64_t *until)
{
	int64_t b[2], next = INT64_MAX;
	size_t i, k;

	for (i = 0; i < p->nflows; i++) {
		if (!p->flows[i].has_expires)
			continue;
		b[0] = (int64_t)p->flows[i].expires;
		b[1] = b[0] > INT64_MIN + PC_EXPIRY_NOTICE ?
		    b[0] - PC_EXPIRY_NOTICE : INT64_MIN;
		for (k = 0; k < 2; k++)
			if (b[k] > now && b[k] < next)
				next = b[k];
	}
	*from = now;
	*until = next;
}
