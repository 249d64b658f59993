/* policy_cache.h - a loaded policy model as bytes and back: the compiled policy cache's format. */
#ifndef BUNRI_POLICY_CACHE_H
#define BUNRI_POLICY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/*
 * The cache holds what conf_load() built, never the policy text: loading a
 * 50,000-flow policy costs ~0.5 s of libconfig parsing and checking, while
 * copying the finished model back costs a few ms.  There is still one
 * parser; this is its output frozen.
 *
 * A cache is made of
 *
 *	"BUNRIPC\n"	magic
 *	u32		PCACHE_FORMAT (bumped on any change of this layout)
 *	u32		pcache_abi(): sizes of the model's C types
 *	u64		checksum of every byte after it (against accidents)
 *	meta		the key the caller checks before using the model
 *	body		the model, then the decision index's order
 *
 * little-endian, strings as u32 length (0xffffffff: NULL), the bytes and a
 * NUL.  The meta records an opaque identity of the program (the caller's:
 * build ids, time zone), the window of `now` in which it may be used, and
 * every file the loader read with its real path, size and SHA-256.
 *
 * Decoding trusts nothing: the checksum catches accidental damage, and
 * with a resealed (deliberately wrong) body every count, index, enum,
 * string and address is still checked, so a damaged or hostile cache is
 * refused or gives a model whose every pointer is valid; it never crashes.
 * The caller falls back to conf_load() on any refusal.
 */

#define PCACHE_FORMAT	2

/* One file the loader read, in the order it read them. */
struct pcache_file {
	const char	*name;		/* as in policy->files (messages) */
	const char	*real;		/* realpath() at the time it was read */
	uint64_t	 size;
	uint8_t		 sha256[32];	/* of its bytes exactly */
};

/*
 * The key of a cache.  Filled by the caller for pcache_encode(); by
 * pcache_open() from a buffer, then its pointers borrow that buffer and
 * only `files` is allocated (pcache_meta_free).
 */
struct pcache_meta {
	const uint8_t	*ident;		/* the program's identity, opaque */
	size_t		 identlen;
	int64_t		 valid_from;	/* used only for now in [from, until) */
	int64_t		 valid_until;
	struct pcache_file *files;
	size_t		 nfiles;
	size_t		 body;		/* offset of the model (pcache_open) */
};

/*
 * Encode the model p with the key m into a new buffer (*out, *outlen; free
 * it).  The model must be as the loader left it: every source location's
 * file one of p->files, every host in its zone, endpoints with a zone.
 * m->files must name the same files as p->files.  Returns -1 when out of
 * memory or when the model is not one it can reproduce exactly.
 */
int	 pcache_encode(const struct policy *p, const struct pcache_meta *m,
	    uint8_t **out, size_t *outlen);

/*
 * Check the magic, format, type sizes and checksum, and read the meta.
 * Returns 0, or -1 when the buffer is not an intact cache of this build.
 */
int	 pcache_open(const uint8_t *buf, size_t len, struct pcache_meta *m);
void	 pcache_meta_free(struct pcache_meta *);

/*
 * The model from a buffer pcache_open() accepted with m, with its lookup
 * indexes (policy_index, the decision index) built; NULL when anything in
 * it is inconsistent or out of memory.  Free it with policy_free().
 */
struct policy	*pcache_decode(const uint8_t *buf, size_t len,
		    const struct pcache_meta *m);

/*
 * The interval of `now` around `now` in which loading the same text gives
 * the same result: up to the next instant some flow expires or comes
 * within the loader's 30-day expiry notice.  The loader's only use of
 * `now` is those warnings, but a cache must never be used where a fresh
 * load could say something else.
 */
void	 pcache_window(const struct policy *p, int64_t now, int64_t *from,
	    int64_t *until);

/* Sizes of the model's types as one number: a cache from another ABI is refused. */
uint32_t pcache_abi(void);

/* Recompute the checksum after changing bytes (tests and the fuzzer). */
void	 pcache_reseal(uint8_t *buf, size_t len);

#endif
