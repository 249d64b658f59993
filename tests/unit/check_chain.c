/* check_chain.c - the tamper-evidence chain against an independent OpenSSL computation, and its verifier. */
#include <check.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "check_main.h"

static void
key0(uint8_t k[CHAIN_LEN])
{
	int i;

	for (i = 0; i < CHAIN_LEN; i++)
		k[i] = (uint8_t)i;
}

/* c = HMAC(k, prev || line) and k' = SHA-256("bunri chain key" || k), by OpenSSL. */
static void
ref_step(uint8_t k[32], uint8_t prev[32], const char *line)
{
	unsigned char buf[4096], next[32];
	unsigned int mlen = 32;
	size_t n = strlen(line);

	memcpy(buf, prev, 32);
	memcpy(buf + 32, line, n);
	HMAC(EVP_sha256(), k, 32, buf, 32 + n, prev, &mlen);
	memcpy(buf, "bunri chain key", 15);
	memcpy(buf + 15, k, 32);
	SHA256(buf, 47, next);
	memcpy(k, next, 32);
}

static const char *lines[] = {
	"{\"event_type\":\"alert\",\"bunri\":{\"seq\":1}}",
	"{\"event_type\":\"flow\",\"bunri\":{\"seq\":2,\"x\":\"y\"}}",
	"{\"event_type\":\"stats\",\"bunri\":{\"seq\":3}}",
	"{\"event_type\":\"alert\",\"bunri\":{\"seq\":4}}",
};
#define NLINES	(sizeof(lines) / sizeof(lines[0]))

/* Seal all lines into out[i] (NUL-terminated, newline stripped). */
static void
seal_all(char out[][256])
{
	struct chain c;
	uint8_t k[CHAIN_LEN], mac[CHAIN_LEN];
	ssize_t n;
	size_t i;

	key0(k);
	chain_init(&c, k);
	for (i = 0; i < NLINES; i++) {
		n = chain_seal(&c, lines[i], strlen(lines[i]), out[i], 256, mac);
		ck_assert_int_eq(n, (ssize_t)(strlen(lines[i]) + CHAIN_EXTRA));
		ck_assert_int_eq(out[i][n - 1], '\n');
		out[i][n - 1] = '\0';
		chain_advance(&c, mac);
	}
	ck_assert_uint_eq(c.seq, NLINES + 1);
	chain_clear(&c);
}

START_TEST(test_seal_matches_reference)
{
	char out[NLINES][256], want[256], hex[65];
	uint8_t k[32], prev[32] = { 0 };
	size_t i, n;

	seal_all(out);
	key0(k);
	for (i = 0; i < NLINES; i++) {
		ref_step(k, prev, lines[i]);
		chain_hex(prev, 32, hex);
		n = strlen(lines[i]);
		snprintf(want, sizeof(want), "%.*s,\"chain\":\"%s\"}", (int)(n - 1),
		    lines[i], hex);
		ck_assert_str_eq(out[i], want);
	}
}
END_TEST

START_TEST(test_seal_rejects)
{
	struct chain c;
	uint8_t k[32], mac[32];
	char out[256];

	key0(k);
	chain_init(&c, k);
	ck_assert_int_eq(chain_seal(&c, "{\"a\":1", 6, out, sizeof(out), mac), -1);
	ck_assert_int_eq(chain_seal(&c, "}", 1, out, sizeof(out), mac), -1);
	ck_assert_int_eq(chain_seal(&c, "{\"a\":1}", 7, out, 7 + CHAIN_EXTRA,
	    mac), -1);	/* no room for the NUL */
	ck_assert_int_eq(chain_seal(&c, "{\"a\":1}", 7, out, 8 + CHAIN_EXTRA,
	    mac), 7 + (ssize_t)CHAIN_EXTRA);
}
END_TEST

START_TEST(test_verify_intact)
{
	char out[NLINES][256];
	uint8_t k[32], mac[32];
	struct chain c;
	uint64_t seq;
	size_t i;

	seal_all(out);
	key0(k);
	chain_init(&c, k);
	for (i = 0; i < NLINES; i++) {
		ck_assert_int_eq(chain_verify_line(&c, out[i], strlen(out[i]),
		    &seq, mac), CHAIN_OK);
		ck_assert_uint_eq(seq, i + 1);
	}
	ck_assert_uint_eq(c.seq, NLINES + 1);
}
END_TEST

START_TEST(test_verify_tampered)
{
	char out[NLINES][256], *p;
	uint8_t k[32];
	struct chain c;
	uint64_t seq;

	seal_all(out);
	key0(k);

	/* one byte edited inside line 2: its chain no longer fits */
	chain_init(&c, k);
	ck_assert_int_eq(chain_verify_line(&c, out[0], strlen(out[0]), NULL,
	    NULL), CHAIN_OK);
	p = strstr(out[1], "\"y\"");
	p[1] = 'z';
	ck_assert_int_eq(chain_verify_line(&c, out[1], strlen(out[1]), &seq,
	    NULL), CHAIN_MISMATCH);
	ck_assert_uint_eq(seq, 2);
	ck_assert_uint_eq(c.seq, 2);	/* state not advanced */
	p[1] = 'y';

	/* line 2 deleted: line 3 has the wrong seq */
	ck_assert_int_eq(chain_verify_line(&c, out[2], strlen(out[2]), &seq,
	    NULL), CHAIN_SEQGAP);
	ck_assert_uint_eq(seq, 3);

	/* line 3 deleted and line 4 renumbered by hand: chain mismatch */
	chain_init(&c, k);
	chain_verify_line(&c, out[0], strlen(out[0]), NULL, NULL);
	chain_verify_line(&c, out[1], strlen(out[1]), NULL, NULL);
	p = strstr(out[3], "\"seq\":4");
	p[6] = '3';
	ck_assert_int_eq(chain_verify_line(&c, out[3], strlen(out[3]), NULL,
	    NULL), CHAIN_MISMATCH);
	p[6] = '4';

	/* a wrong key fails at the first line */
	k[0] ^= 1;
	chain_init(&c, k);
	ck_assert_int_eq(chain_verify_line(&c, out[0], strlen(out[0]), NULL,
	    NULL), CHAIN_MISMATCH);
	k[0] ^= 1;

	/* cut, no chain, chain not last, no seq */
	chain_init(&c, k);
	ck_assert_int_eq(chain_verify_line(&c, out[0], strlen(out[0]) - 3,
	    NULL, NULL), CHAIN_MALFORMED);
	ck_assert_int_eq(chain_verify_line(&c, lines[0], strlen(lines[0]),
	    NULL, NULL), CHAIN_MALFORMED);
	ck_assert_int_eq(chain_verify_line(&c, "{\"chain\":\"00\",\"a\":1}",
	    20, NULL, NULL), CHAIN_MALFORMED);
	p = strstr(out[0], "\"seq\"");
	p[1] = 'S';
	ck_assert_int_eq(chain_verify_line(&c, out[0], strlen(out[0]), NULL,
	    NULL), CHAIN_NOSEQ);
	p[1] = 's';
	/* the chain value itself changed (upper case is not what we write) */
	p = strstr(out[0], "\"chain\":\"") + 9;
	p[0] = p[0] == '0' ? '1' : '0';
	ck_assert_int_eq(chain_verify_line(&c, out[0], strlen(out[0]), NULL,
	    NULL), CHAIN_MISMATCH);
}
END_TEST

/* After rotation a file starts later: the key advances, the first line is adopted. */
START_TEST(test_skip)
{
	char out[NLINES][256];
	uint8_t k[32];
	struct chain c;

	seal_all(out);
	key0(k);
	chain_init(&c, k);
	chain_skip(&c, 2);
	ck_assert_uint_eq(c.seq, 3);
	ck_assert(!c.prev_known);
	ck_assert_int_eq(chain_verify_line(&c, out[2], strlen(out[2]), NULL,
	    NULL), CHAIN_ADOPTED);
	ck_assert_int_eq(chain_verify_line(&c, out[3], strlen(out[3]), NULL,
	    NULL), CHAIN_OK);
	/* the key after 3 skips is wrong for line 3 if prev were known */
	chain_init(&c, k);
	chain_skip(&c, 1);
	c.prev_known = true;
	c.seq = 3;
	ck_assert_int_eq(chain_verify_line(&c, out[2], strlen(out[2]), NULL,
	    NULL), CHAIN_MISMATCH);
}
END_TEST

START_TEST(test_state_text)
{
	struct chain c, d;
	char txt[CHAIN_STATE_LEN + 1];
	uint8_t k[32], mac[32];

	key0(k);
	chain_init(&c, k);
	memset(mac, 0xab, sizeof(mac));
	chain_advance(&c, mac);
	c.seq = 12345678901234ULL;
	chain_state_fmt(&c, txt);
	ck_assert_uint_eq(strlen(txt), CHAIN_STATE_LEN);
	ck_assert(strncmp(txt, "bunri chain state v1\nseq 00000012345678901234\n"
	    "key ", 50) == 0);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(chain_state_parse(txt, CHAIN_STATE_LEN, &d), 0);
	ck_assert_uint_eq(d.seq, c.seq);
	ck_assert_mem_eq(d.key, c.key, 32);
	ck_assert_mem_eq(d.prev, mac, 32);
	ck_assert(d.prev_known);
	ck_assert_int_eq(chain_state_parse(txt, CHAIN_STATE_LEN - 1, &d), -1);
	txt[60] = 'g';
	ck_assert_int_eq(chain_state_parse(txt, CHAIN_STATE_LEN, &d), -1);
	chain_state_fmt(&c, txt);
	txt[CHAIN_STATE_LEN - 1] = 'x';
	ck_assert_int_eq(chain_state_parse(txt, CHAIN_STATE_LEN, &d), -1);
	c.seq = 0;
	chain_state_fmt(&c, txt);
	ck_assert_int_eq(chain_state_parse(txt, CHAIN_STATE_LEN, &d), -1);
}
END_TEST

START_TEST(test_hex)
{
	uint8_t b[4] = { 0x00, 0x9f, 0xa0, 0xff }, o[4];
	char h[9];

	chain_hex(b, 4, h);
	ck_assert_str_eq(h, "009fa0ff");
	ck_assert_int_eq(chain_hex_parse("009FA0ff", 8, o, 4), 0);
	ck_assert_mem_eq(o, b, 4);
	ck_assert_int_eq(chain_hex_parse("009fa0f", 7, o, 4), -1);
	ck_assert_int_eq(chain_hex_parse("009fa0fg", 8, o, 4), -1);
	ck_assert_int_eq(chain_hex_parse("009fa0 f", 8, o, 4), -1);
}
END_TEST

/* Forward security: the evolved key differs and cannot equal the old one. */
START_TEST(test_key_evolves)
{
	uint8_t k[32], k1[32], ref[32], buf[47];

	key0(k);
	memcpy(k1, k, 32);
	chain_key_next(k);
	memcpy(buf, "bunri chain key", 15);
	memcpy(buf + 15, k1, 32);
	SHA256(buf, 47, ref);
	ck_assert_mem_eq(k, ref, 32);
	ck_assert(memcmp(k, k1, 32) != 0);
}
END_TEST

static Suite *
chain_suite(void)
{
	Suite *s = suite_create("chain");
	TCase *tc = tcase_create("chain");

	tcase_add_test(tc, test_seal_matches_reference);
	tcase_add_test(tc, test_seal_rejects);
	tcase_add_test(tc, test_verify_intact);
	tcase_add_test(tc, test_verify_tampered);
	tcase_add_test(tc, test_skip);
	tcase_add_test(tc, test_state_text);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_key_evolves);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(chain_suite)
