/* fuzz_verify_log.c - libFuzzer harness: arbitrary bytes as an alert log through verify-log's verifier, and json_validate. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "logverify.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The key of tests/cli/verify_log.sh, so its logs make good seeds. */
static const uint8_t key[CHAIN_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/*
 * A key step per line skipped is a SHA-256: bunrictl allows 10^9 of them
 * for a log that starts late, which takes minutes; the fuzzer keeps it
 * small so a big first seq is a quick LV_TOO_FAR, not a timeout.
 */
#define FUZZ_MAX_SKIP	4096

/* An exact-size heap copy, so ASan sees a read one byte too far. */
static char *
dup_exact(const uint8_t *d, size_t n)
{
	char *s;

	if ((s = malloc(n ? n : 1)) != NULL)
		memcpy(s, d, n);
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logverify v;
	struct lv_line l;
	const uint8_t *p, *nl, *end = data + size;
	uint64_t val, lines = 0, want;
	enum lv_rc rc = LV_OK;
	size_t len;
	bool found;
	char *line;

	/* The whole input as one JSON text, with and without a member. */
	if ((line = dup_exact(data, size)) == NULL)
		return 0;
	(void)json_validate(line, size, NULL, NULL, NULL, NULL);
	/* A member found is a member that is there. */
	if (json_validate(line, size, "bunri", "seq", &val, &found) == 0 &&
	    found && memmem(line, size, "\"seq\"", 5) == NULL)
		abort();
	free(line);

	/* Line by line as bunrictl verify-log reads a file. */
	logverify_init(&v, key);
	v.max_skip = FUZZ_MAX_SKIP;
	if (size > 0 && data[0] == '#') {
		/* "#SEQ:CHAIN\n" first: a --until checkpoint. */
		nl = memchr(data, '\n', size);
		len = nl != NULL ? (size_t)(nl - data) - 1 : size - 1;
		if ((line = malloc(len + 1)) == NULL)
			return 0;
		memcpy(line, data + 1, len);
		line[len] = '\0';
		(void)logverify_until(&v, line);
		free(line);
		data = nl != NULL ? nl + 1 : end;
	}
	for (p = data; p < end && rc == LV_OK; p = nl != NULL ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if ((line = dup_exact(p, len)) == NULL)
			break;
		want = v.c.seq;
		rc = logverify_line(&v, line, len, nl != NULL, &l);
		free(line);
		/* What the verifier says about itself must hold. */
		if (l.start == LV_START_NONE && rc == LV_OK &&
		    v.c.seq != want + 1)
			abort();
		if (l.start == LV_START_NONE && rc != LV_OK &&
		    rc != LV_CHECKPOINT && v.c.seq != want)
			abort();
		/* a checkpoint mismatch is a line whose chain fits */
		if (rc == LV_OK || rc == LV_CHECKPOINT)
			lines++;
	}
	if (v.lines != lines)
		abort();
	(void)logverify_end(&v);
	logverify_clear(&v);
	return 0;
}
