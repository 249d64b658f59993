/* chain.h - the tamper-evidence chain of the alert log (HMAC-SHA256 with an evolving key). */
#ifndef BUNRI_CHAIN_H
#define BUNRI_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * line_i is a JSON object without its chain member (eve_encode()); the
 * written line is line_i minus its final '}' + ,"chain":"HEX(c_i)"} + \n.
 *   c_i     = HMAC-SHA256(k_i, c_{i-1} || line_i),  c_0 = 32 zero bytes
 *   k_{i+1} = SHA-256("bunri chain key" || k_i), k_i erased
 * so whoever holds k_n cannot recompute c_j for j < n, and the holder of
 * k_1 (CSIRT) can verify everything.
 */
#define CHAIN_LEN	32
#define CHAIN_HEXLEN	64
#define CHAIN_MEMBER	",\"chain\":\""
/* What replaces line_i's final '}': ,"chain":"<64 hex>"} */
#define CHAIN_TAIL	(sizeof(CHAIN_MEMBER) - 1 + CHAIN_HEXLEN + 2)
/* A sealed line of len bytes, newline included, is len + CHAIN_EXTRA. */
#define CHAIN_EXTRA	CHAIN_TAIL

struct chain {
	uint64_t	 seq;		/* sequence number of the next line */
	uint8_t		 key[CHAIN_LEN];	/* k_seq */
	uint8_t		 prev[CHAIN_LEN];	/* c_{seq-1} */
	bool		 prev_known;	/* false after chain_skip() */
};

/* Start of a chain: seq 1, k_1 = key, c_0 = zeros. */
void	 chain_init(struct chain *, const uint8_t key[CHAIN_LEN]);
/* Erase the key material. */
void	 chain_clear(struct chain *);
/* k <- SHA-256("bunri chain key" || k), the old value erased. */
void	 chain_key_next(uint8_t key[CHAIN_LEN]);
/* Advance the key n lines without their chain values (prev unknown). */
void	 chain_skip(struct chain *, uint64_t n);

/*
 * Seal line_i (len bytes, must end in '}') with the state's key and
 * previous value: writes the line with its chain member and a newline
 * into out (outsz >= len + CHAIN_EXTRA + 1; NUL-terminated) and c_i into
 * mac.  Returns the written length (newline included) or -1.  The state
 * is not changed: call chain_advance(mac) once the line is stored.
 */
ssize_t	 chain_seal(const struct chain *, const char *line, size_t len,
	    char *out, size_t outsz, uint8_t mac[CHAIN_LEN]);
/* seq + 1, prev = mac, next key (the old one erased). */
void	 chain_advance(struct chain *, const uint8_t mac[CHAIN_LEN]);

enum chain_rc {
	CHAIN_OK,
	CHAIN_ADOPTED,		/* fits, but prev was unknown: content unchecked */
	CHAIN_MALFORMED,	/* not valid JSON, or no chain member at its end */
	CHAIN_NOSEQ,		/* no "bunri":{"seq":N} */
	CHAIN_SEQGAP,		/* seq is not the one expected */
	CHAIN_MISMATCH,		/* chain value does not fit: edited, or lines before it missing */
};

/*
 * Check one written line (without its newline) against the state.  On
 * CHAIN_OK and CHAIN_ADOPTED the state advances; otherwise it stays.  *seq
 * gets the line's seq (from CHAIN_SEQGAP on) and mac its chain value
 * (from CHAIN_NOSEQ on); either may be NULL.
 */
enum chain_rc chain_verify_line(struct chain *, const char *wline,
	    size_t wlen, uint64_t *seq, uint8_t mac[CHAIN_LEN]);

/* Hex: 2*n lowercase digits + NUL into out; parse takes either case. */
void	 chain_hex(const uint8_t *, size_t n, char *out);
int	 chain_hex_parse(const char *s, size_t slen, uint8_t *out, size_t n);

/*
 * chain.state text: fixed length (CHAIN_STATE_LEN), so it can be
 * overwritten in place.  parse returns -1 on anything but that exact form.
 */
#define CHAIN_STATE_LEN	185
void	 chain_state_fmt(const struct chain *, char out[CHAIN_STATE_LEN + 1]);
int	 chain_state_parse(const char *, size_t, struct chain *);

#endif
