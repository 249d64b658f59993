/* logverify.c - line-by-line verification of a chained alert log: chain, seq gaps, cut lines, checkpoints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "logverify.h"

void
logverify_init(struct logverify *v, const uint8_t key[CHAIN_LEN])
{
	memset(v, 0, sizeof(*v));
	v->max_skip = LOGVERIFY_MAX_SKIP;
	chain_init(&v->c, key);
}

void
logverify_clear(struct logverify *v)
{
	chain_clear(&v->c);
}

int
logverify_until(struct logverify *v, const char *s)
{
	const char *colon = strchr(s, ':');
	char *end;

	if (colon == NULL || colon == s || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v->until_seq = strtoull(s, &end, 10);
	if (errno != 0 || end != colon || v->until_seq == 0 ||
	    chain_hex_parse(colon + 1, strlen(colon + 1), v->until_chain,
	    CHAIN_LEN) == -1)
		return -1;
	v->until_set = true;
	return 0;
}

/*
 * The first line of all fixes where the chain starts.  A log that begins
 * at seq S > 1 (the files before it rotated away) has k_S from k_1, but
 * not c_{S-1}: unless the checkpoint is exactly S-1, its first line is
 * taken as given and everything after it is checked.
 */
static enum lv_rc
start_chain(struct logverify *v, const char *line, size_t len,
    struct lv_line *out)
{
	uint64_t seq;
	bool found;

	v->started = true;
	if (json_validate(line, len, "bunri", "seq", &seq, &found) == -1 ||
	    !found || seq <= 1)
		return LV_OK;	/* checked as seq 1; the line will say why not */
	out->seq = seq;
	if (seq - 1 > v->max_skip)
		return LV_TOO_FAR;
	chain_skip(&v->c, seq - 1);
	if (v->until_set && v->until_seq == seq - 1) {
		memcpy(v->c.prev, v->until_chain, CHAIN_LEN);
		v->c.prev_known = true;
		v->until_found = true;
		out->start = LV_START_AFTER_CHECKPOINT;
	} else
		out->start = LV_START_LATE;
	return LV_OK;
}

enum lv_rc
logverify_line(struct logverify *v, const char *line, size_t len, bool nl,
    struct lv_line *out)
{
	enum lv_rc rc;

	memset(out, 0, sizeof(*out));
	if (!v->started && (rc = start_chain(v, line, len, out)) != LV_OK)
		return rc;
	out->want = v->c.seq;
	if (!nl)
		return LV_TRUNCATED;
	switch (chain_verify_line(&v->c, line, len, &out->seq, out->mac)) {
	case CHAIN_OK:
	case CHAIN_ADOPTED:
		break;
	case CHAIN_MALFORMED:
		return LV_MALFORMED;
	case CHAIN_NOSEQ:
		return LV_NOSEQ;
	case CHAIN_SEQGAP:
		return LV_SEQGAP;
	case CHAIN_MISMATCH:
	default:
		return LV_MISMATCH;
	}
	if (v->lines++ == 0)
		v->first = out->seq;
	if (v->until_set && out->seq == v->until_seq) {
		if (memcmp(out->mac, v->until_chain, CHAIN_LEN) != 0)
			return LV_CHECKPOINT;
		v->until_found = true;
	}
	return LV_OK;
}

enum lv_end
logverify_end(const struct logverify *v)
{
	if (!v->until_set || v->until_found)
		return LV_END_OK;
	if (v->lines > 0 && v->until_seq < v->first)
		return LV_END_TOO_LATE;
	return LV_END_CUT;
}
