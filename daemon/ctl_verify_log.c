/* ctl_verify_log.c - bunrictl verify-log: recompute an alert log's chain from its initial key, name the first line that does not fit. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain.h"
#include "ctl.h"
#include "logverify.h"

static int
read_key(const char *path, uint8_t key[CHAIN_LEN])
{
	char buf[256];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		fprintf(stderr, "bunrictl verify-log: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {		/* a directory, say */
		fprintf(stderr, "bunrictl verify-log: %s: %s\n", path,
		    strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		n--;
	if (chain_hex_parse(buf, n, key, CHAIN_LEN) == -1) {
		fprintf(stderr, "bunrictl verify-log: %s: not a chain key; "
		    "expected the 64 hex digits of chain.key\n", path);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* How the first line of all started the chain. */
static void
say_start(const struct logverify *v, const char *file,
    const struct lv_line *l)
{
	if (l->start == LV_START_AFTER_CHECKPOINT)
		printf("%s: starts at seq %" PRIu64 ", right after checkpoint "
		    "seq %" PRIu64 ": checked from there\n", file, l->seq,
		    v->until_seq);
	else if (l->start == LV_START_LATE)
		printf("%s: starts at seq %" PRIu64 "; without the file before "
		    "it, its first line is taken as given and the lines after "
		    "it are checked\n", file, l->seq);
}

/* One line (nl: it ended in a newline).  0 fits, 4 does not, 1 error. */
static int
check_line(struct logverify *v, const char *file, uint64_t ln,
    const char *line, size_t len, bool nl)
{
	char h1[CHAIN_HEXLEN + 1], h2[CHAIN_HEXLEN + 1];
	struct lv_line l;
	enum lv_rc rc;

	rc = logverify_line(v, line, len, nl, &l);
	say_start(v, file, &l);
	switch (rc) {
	case LV_OK:
		return 0;
	case LV_TOO_FAR:
		printf("%s:%" PRIu64 ": seq %" PRIu64 " is too far from seq 1 "
		    "to derive its key\n", file, ln, l.seq);
		return CTL_EXIT_ERR;
	case LV_TRUNCATED:
		printf("%s:%" PRIu64 ": truncated last line (no newline at the "
		    "end): the log was cut after seq %" PRIu64 "\n", file, ln,
		    l.want - 1);
		break;
	case LV_MALFORMED:
		printf("%s:%" PRIu64 ": not a log line (invalid JSON, or no "
		    "chain value at its end): edited, cut or inserted\n", file,
		    ln);
		break;
	case LV_NOSEQ:
		printf("%s:%" PRIu64 ": no bunri.seq: this line was edited or "
		    "inserted\n", file, ln);
		break;
	case LV_SEQGAP:
		if (l.seq > l.want)
			printf("%s:%" PRIu64 ": seq gap: expected seq %" PRIu64
			    ", found %" PRIu64 ": lines were deleted or "
			    "reordered\n", file, ln, l.want, l.seq);
		else
			printf("%s:%" PRIu64 ": seq gap: expected seq %" PRIu64
			    ", found %" PRIu64 " again: lines were reordered "
			    "or repeated\n", file, ln, l.want, l.seq);
		break;
	case LV_MISMATCH:
		printf("%s:%" PRIu64 ": chain broken at seq %" PRIu64 ": this "
		    "line was edited, or a line before it was deleted, "
		    "reordered or inserted%s\n", file, ln, l.seq,
		    l.seq == 1 ? " (or the key is not this log's)" : "");
		break;
	case LV_CHECKPOINT:
		chain_hex(l.mac, CHAIN_LEN, h1);
		chain_hex(v->until_chain, CHAIN_LEN, h2);
		printf("%s:%" PRIu64 ": checkpoint seq %" PRIu64 " does "
		    "not match: the log has chain %s, the checkpoint "
		    "%s: the log was rewritten after the checkpoint "
		    "was taken\n", file, ln, l.seq, h1, h2);
		break;
	}
	return CTL_EXIT_BROKEN;
}

/* 0 intact so far, 4 broken, 1 cannot read. */
static int
verify_file(struct logverify *v, const char *file)
{
	char *line = NULL;
	size_t cap = 0, len;
	uint64_t ln = 0, before = v->lines;
	ssize_t n;
	bool nl;
	FILE *f;
	int rc = 0;

	if ((f = fopen(file, "re")) == NULL) {
		fprintf(stderr, "bunrictl verify-log: %s: %s\n", file,
		    strerror(errno));
		return CTL_EXIT_ERR;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		ln++;
		len = (size_t)n;
		if ((nl = len > 0 && line[len - 1] == '\n'))
			len--;
		if ((rc = check_line(v, file, ln, line, len, nl)) != 0)
			break;
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "bunrictl verify-log: %s: %s\n", file,
		    strerror(errno));
		rc = CTL_EXIT_ERR;
	}
	if (rc == 0) {
		if (v->lines == before)
			printf("%s: no lines\n", file);
		else
			printf("%s: %" PRIu64 " lines, seq %" PRIu64 "..%" PRIu64
			    ": intact\n", file, v->lines - before,
			    v->c.seq - (v->lines - before), v->c.seq - 1);
	}
	free(line);
	fclose(f);
	return rc;
}

static void
bad_until(const char *s)
{
	fprintf(stderr, "bunrictl verify-log: --until %s: expected SEQ:CHAIN, "
	    "a stats line's bunri.seq and its 64 hex digit chain value\n", s);
}

static const char *
default_keyfile(struct ctl *ctl, char *buf, size_t len)
{
	struct policy *p;
	struct diags d;
	const char *sd;

	diags_init(&d);
	p = ctl_load_policy(ctl, time(NULL), false, &d);
	if (p != NULL) {
		sd = p->gw.state_dir != NULL ? p->gw.state_dir : DEF_STATE_DIR;
		snprintf(buf, len, "%s/chain.key", sd);
	}
	policy_free(p);
	diags_free(&d);
	return p != NULL ? buf : NULL;
}

int
ctl_verify_log(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key",	required_argument,	NULL,	'k' },
		{ "until",	required_argument,	NULL,	'u' },
		CTL_COMMON_LONGOPTS
	};
	const char *keyfile = NULL;
	char kbuf[4096];
	const char *until = NULL;
	uint8_t key[CHAIN_LEN];
	struct logverify v;
	int ch, i, rc = CTL_EXIT_OK;

	memset(&v, 0, sizeof(v));
	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'k':
			keyfile = optarg;
			break;
		case 'u':
			/* refused before the key is even looked for */
			if (logverify_until(&v, optarg) == -1) {
				bad_until(optarg);
				return CTL_EXIT_ERR;
			}
			until = optarg;
			break;
		case 'h':
			ctl_usage(stdout, "verify-log");
			return CTL_EXIT_OK;
		default:
			ctl_usage(stderr, "verify-log");
			return CTL_EXIT_ERR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "bunrictl verify-log: which log? Give the "
		    "files in order, rotated ones first\n");
		ctl_usage(stderr, "verify-log");
		return CTL_EXIT_ERR;
	}
	if (keyfile == NULL &&
	    (keyfile = default_keyfile(ctl, kbuf, sizeof(kbuf))) == NULL)
		return CTL_EXIT_ERR;
	if (read_key(keyfile, key) == -1)
		return CTL_EXIT_ERR;
	logverify_init(&v, key);
	explicit_bzero(key, sizeof(key));
	if (until != NULL)
		(void)logverify_until(&v, until);

	for (i = optind; i < argc && rc == CTL_EXIT_OK; i++)
		rc = verify_file(&v, argv[i]);
	if (rc == CTL_EXIT_OK) {
		switch (logverify_end(&v)) {
		case LV_END_TOO_LATE:
			fprintf(stderr, "bunrictl verify-log: checkpoint seq "
			    "%" PRIu64 " is before the first line given (seq "
			    "%" PRIu64 "): give the earlier files too\n",
			    v.until_seq, v.first);
			rc = CTL_EXIT_ERR;
			break;
		case LV_END_CUT:
			printf("cut off: the log ends at seq %" PRIu64 ", before "
			    "checkpoint seq %" PRIu64 "\n", v.c.seq - 1,
			    v.until_seq);
			rc = CTL_EXIT_BROKEN;
			break;
		case LV_END_OK:
			if (v.until_set)
				printf("checkpoint seq %" PRIu64 ": present, "
				    "chain matches\n", v.until_seq);
			break;
		}
	}
	logverify_clear(&v);
	fflush(stdout);
	return rc;
}
