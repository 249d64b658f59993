/* chain.c - the tamper-evidence chain of the alert log (HMAC-SHA256 with an evolving key). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "hex.h"
#include "json.h"

#define KEY_LABEL	"bunri chain key"

void
chain_init(struct chain *c, const uint8_t key[CHAIN_LEN])
{
	/*
	 * Idempotent; libsodium wants it before its first use.  SHA-256 and
	 * HMAC need nothing it could fail to set up, so -1 is not fatal.
	 */
	if (sodium_init() < 0) {
		/* nothing to undo */
	}
	memset(c, 0, sizeof(*c));
	c->seq = 1;
	memcpy(c->key, key, CHAIN_LEN);
	c->prev_known = true;
}

void
chain_clear(struct chain *c)
{
	explicit_bzero(c, sizeof(*c));
}

void
chain_key_next(uint8_t key[CHAIN_LEN])
{
	crypto_hash_sha256_state h;
	uint8_t next[CHAIN_LEN];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const uint8_t *)KEY_LABEL,
	    sizeof(KEY_LABEL) - 1);
	crypto_hash_sha256_update(&h, key, CHAIN_LEN);
	crypto_hash_sha256_final(&h, next);
	memcpy(key, next, CHAIN_LEN);
	explicit_bzero(next, sizeof(next));
	explicit_bzero(&h, sizeof(h));
}

void
chain_skip(struct chain *c, uint64_t n)
{
	for (; n > 0; n--) {
		chain_key_next(c->key);
		c->seq++;
	}
	memset(c->prev, 0, sizeof(c->prev));
	c->prev_known = false;
}

/*
 * HMAC(k, prev || body || "}"): line_i is the written line's head plus
 * the closing brace, fed in parts so verification needs no copy.
 */
static void
mac_of(const struct chain *c, const char *body, size_t blen,
    uint8_t mac[CHAIN_LEN])
{
	crypto_auth_hmacsha256_state h;

	crypto_auth_hmacsha256_init(&h, c->key, CHAIN_LEN);
	crypto_auth_hmacsha256_update(&h, c->prev, CHAIN_LEN);
	crypto_auth_hmacsha256_update(&h, (const uint8_t *)body, blen);
	crypto_auth_hmacsha256_update(&h, (const uint8_t *)"}", 1);
	crypto_auth_hmacsha256_final(&h, mac);
	explicit_bzero(&h, sizeof(h));
}

/* The chain's own names for lib/hex.c, kept for its callers. */
void
chain_hex(const uint8_t *b, size_t n, char *out)
{
	hex_encode(b, n, out);
}

int
chain_hex_parse(const char *s, size_t slen, uint8_t *out, size_t n)
{
	return hex_decode(s, slen, out, n);
}

ssize_t
chain_seal(const struct chain *c, const char *line, size_t len, char *out,
    size_t outsz, uint8_t mac[CHAIN_LEN])
{
	size_t head, mlen = sizeof(CHAIN_MEMBER) - 1;

	if (len < 2 || line[0] != '{' || line[len - 1] != '}' ||
	    outsz < len + CHAIN_EXTRA + 1)
		return -1;
	head = len - 1;
	mac_of(c, line, head, mac);
	memmove(out, line, head);
	memcpy(out + head, CHAIN_MEMBER, mlen);
	chain_hex(mac, CHAIN_LEN, out + head + mlen);
	memcpy(out + head + mlen + CHAIN_HEXLEN, "\"}\n", 4);
	return (ssize_t)(len + CHAIN_EXTRA);
}

void
chain_advance(struct chain *c, const uint8_t mac[CHAIN_LEN])
{
	memcpy(c->prev, mac, CHAIN_LEN);
	c->prev_known = true;
	c->seq++;
	chain_key_next(c->key);
}

enum chain_rc
chain_verify_line(struct chain *c, const char *wl, size_t wlen,
    uint64_t *seqp, uint8_t macp[CHAIN_LEN])
{
	uint8_t given[CHAIN_LEN], want[CHAIN_LEN];
	size_t head, mlen = sizeof(CHAIN_MEMBER) - 1;
	uint64_t seq;
	bool found;

	if (json_validate(wl, wlen, NULL, NULL, NULL, NULL) == -1)
		return CHAIN_MALFORMED;
	/* The chain member is always last and of fixed length. */
	if (wlen < CHAIN_TAIL + 2)
		return CHAIN_MALFORMED;
	head = wlen - CHAIN_TAIL;
	if (memcmp(wl + head, CHAIN_MEMBER, mlen) != 0 ||
	    memcmp(wl + wlen - 2, "\"}", 2) != 0 ||
	    chain_hex_parse(wl + head + mlen, CHAIN_HEXLEN, given,
	    CHAIN_LEN) == -1)
		return CHAIN_MALFORMED;
	if (macp != NULL)
		memcpy(macp, given, CHAIN_LEN);
	if (json_validate(wl, wlen, "bunri", "seq", &seq, &found) == -1 ||
	    !found)
		return CHAIN_NOSEQ;
	if (seqp != NULL)
		*seqp = seq;
	if (seq != c->seq)
		return CHAIN_SEQGAP;
	if (!c->prev_known) {
		chain_advance(c, given);
		return CHAIN_ADOPTED;
	}
	mac_of(c, wl, head, want);
	if (sodium_memcmp(want, given, CHAIN_LEN) != 0)
		return CHAIN_MISMATCH;
	chain_advance(c, given);
	return CHAIN_OK;
}

void
chain_state_fmt(const struct chain *c, char out[CHAIN_STATE_LEN + 1])
{
	char k[CHAIN_HEXLEN + 1], p[CHAIN_HEXLEN + 1];

	chain_hex(c->key, CHAIN_LEN, k);
	chain_hex(c->prev, CHAIN_LEN, p);
	snprintf(out, CHAIN_STATE_LEN + 1,
	    "bunri chain state v1\nseq %020" PRIu64 "\nkey %s\nprev %s\n",
	    c->seq, k, p);
	explicit_bzero(k, sizeof(k));
}

int
chain_state_parse(const char *s, size_t len, struct chain *c)
{
	static const char magic[] = "bunri chain state v1\nseq ";
	size_t off = sizeof(magic) - 1;
	uint64_t seq = 0;
	size_t i;

	if (len != CHAIN_STATE_LEN || memcmp(s, magic, off) != 0)
		return -1;
	for (i = 0; i < 20; i++, off++) {
		if (s[off] < '0' || s[off] > '9' ||
		    seq > (UINT64_MAX - (uint64_t)(s[off] - '0')) / 10)
			return -1;
		seq = seq * 10 + (uint64_t)(s[off] - '0');
	}
	if (seq == 0 || memcmp(s + off, "\nkey ", 5) != 0)
		return -1;
	off += 5;
	if (chain_hex_parse(s + off, CHAIN_HEXLEN, c->key, CHAIN_LEN) == -1)
		return -1;
	off += CHAIN_HEXLEN;
	if (memcmp(s + off, "\nprev ", 6) != 0)
		return -1;
	off += 6;
	if (chain_hex_parse(s + off, CHAIN_HEXLEN, c->prev, CHAIN_LEN) == -1 ||
	    s[off + CHAIN_HEXLEN] != '\n')
		return -1;
	c->seq = seq;
	c->prev_known = true;
	return 0;
}
