/* ctl_verify_log.c - bunrictl verify-log: recompute an alert log's chain from its initial key, name the first line that does not fit. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain.h"
#include "ctl.h"
#include "json.h"

/* SHA-256 steps we are willing to take to reach a late first seq. */
#define MAX_SKIP	1000000000ULL

struct until {
	bool		 set;
	uint64_t	 seq;
	uint8_t		 chain[CHAIN_LEN];
	bool		 found;
};

struct vstate {
	struct chain	 c;
	bool		 started;	/* the first line of all has been seen */
	uint64_t	 first, lines;
	struct until	 u;
};

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

static int
parse_until(const char *s, struct until *u)
{
	const char *colon = strchr(s, ':');
	char *end;

	if (colon == NULL || colon == s || s[0] < '0' || s[0] > '9')
		goto bad;
	errno = 0;
	u->seq = strtoull(s, &end, 10);
	if (errno != 0 || end != colon || u->seq == 0 ||
	    chain_hex_parse(colon + 1, strlen(colon + 1), u->chain,
	    CHAIN_LEN) == -1)
		goto bad;
	u->set = true;
	return 0;
bad:
	fprintf(stderr, "bunrictl verify-log: --until %s: expected SEQ:CHAIN, "
	    "a stats line's bunri.seq and its 64 hex digit chain value\n", s);
	return -1;
}

/*
 * The first line of all fixes where the chain starts.  A log that begins
 * at seq S > 1 (the files before it rotated away) has k_S from k_1, but
 * not c_{S-1}: unless the checkpoint is exactly S-1, its first line is
 * taken as given and everything after it is checked.
 */
static int
start_chain(struct vstate *v, const char *file, const char *line, size_t len)
{
	uint64_t seq;
	bool found;

	v->started = true;
	if (json_validate(line, len, "bunri", "seq", &seq, &found) == -1 ||
	    !found || seq <= 1)
		return 0;	/* checked as seq 1; the line will say why not */
	if (seq - 1 > MAX_SKIP) {
		printf("%s:1: seq %" PRIu64 " is too far from seq 1 to derive "
		    "its key\n", file, seq);
		return -1;
	}
	chain_skip(&v->c, seq - 1);
	if (v->u.set && v->u.seq == seq - 1) {
		memcpy(v->c.prev, v->u.chain, CHAIN_LEN);
		v->c.prev_known = true;
		v->u.found = true;
		printf("%s: starts at seq %" PRIu64 ", right after checkpoint "
		    "seq %" PRIu64 ": checked from there\n", file, seq, v->u.seq);
	} else
		printf("%s: starts at seq %" PRIu64 "; without the file before "
		    "it, its first line is taken as given and the lines after "
		    "it are checked\n", file, seq);
	return 0;
}

/* One line (nl: it ended in a newline).  0 fits, 4 does not. */
static int
check_line(struct vstate *v, const char *file, uint64_t ln,
    const char *line, size_t len, bool nl)
{
	uint8_t mac[CHAIN_LEN];
	char h1[CHAIN_HEXLEN + 1], h2[CHAIN_HEXLEN + 1];
	uint64_t want = v->c.seq, seq = 0;
	enum chain_rc rc;

	if (!nl) {
		printf("%s:%" PRIu64 ": truncated last line (no newline at the "
		    "end): the log was cut after seq %" PRIu64 "\n", file, ln,
		    want - 1);
		return CTL_EXIT_BROKEN;
	}
	rc = chain_verify_line(&v->c, line, len, &seq, mac);
	switch (rc) {
	case CHAIN_OK:
	case CHAIN_ADOPTED:
		break;
	case CHAIN_MALFORMED:
		printf("%s:%" PRIu64 ": not a log line (invalid JSON, or no "
		    "chain value at its end): edited, cut or inserted\n", file,
		    ln);
		return CTL_EXIT_BROKEN;
	case CHAIN_NOSEQ:
		printf("%s:%" PRIu64 ": no bunri.seq: this line was edited or "
		    "inserted\n", file, ln);
		return CTL_EXIT_BROKEN;
	case CHAIN_SEQGAP:
		if (seq > want)
			printf("%s:%" PRIu64 ": seq gap: expected seq %" PRIu64
			    ", found %" PRIu64 ": lines were deleted or "
			    "reordered\n", file, ln, want, seq);
		else
			printf("%s:%" PRIu64 ": seq gap: expected seq %" PRIu64
			    ", found %" PRIu64 " again: lines were reordered "
			    "or repeated\n", file, ln, want, seq);
		return CTL_EXIT_BROKEN;
	case CHAIN_MISMATCH:
		printf("%s:%" PRIu64 ": chain broken at seq %" PRIu64 ": this "
		    "line was edited, or a line before it was deleted, "
		    "reordered or inserted%s\n", file, ln, seq,
		    seq == 1 ? " (or the key is not this log's)" : "");
		return CTL_EXIT_BROKEN;
	}
	if (v->lines++ == 0)
		v->first = seq;
	if (v->u.set && seq == v->u.seq) {
		if (memcmp(mac, v->u.chain, CHAIN_LEN) != 0) {
			chain_hex(mac, CHAIN_LEN, h1);
			chain_hex(v->u.chain, CHAIN_LEN, h2);
			printf("%s:%" PRIu64 ": checkpoint seq %" PRIu64 " does "
			    "not match: the log has chain %s, the checkpoint "
			    "%s: the log was rewritten after the checkpoint "
			    "was taken\n", file, ln, seq, h1, h2);
			return CTL_EXIT_BROKEN;
		}
		v->u.found = true;
	}
	return 0;
}

/* 0 intact so far, 4 broken, 1 cannot read. */
static int
verify_file(struct vstate *v, const char *file)
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
		if (!v->started && start_chain(v, file, line, len) == -1) {
			rc = CTL_EXIT_ERR;
			break;
		}
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
	uint8_t key[CHAIN_LEN];
	struct vstate v;
	int ch, i, rc = CTL_EXIT_OK;

	memset(&v, 0, sizeof(v));
	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'k':
			keyfile = optarg;
			break;
		case 'u':
			if (parse_until(optarg, &v.u) == -1)
				return CTL_EXIT_ERR;
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
	chain_init(&v.c, key);
	explicit_bzero(key, sizeof(key));

	for (i = optind; i < argc && rc == CTL_EXIT_OK; i++)
		rc = verify_file(&v, argv[i]);
	if (rc == CTL_EXIT_OK && v.u.set && !v.u.found) {
		if (v.lines > 0 && v.u.seq < v.first)
			fprintf(stderr, "bunrictl verify-log: checkpoint seq "
			    "%" PRIu64 " is before the first line given (seq "
			    "%" PRIu64 "): give the earlier files too\n",
			    v.u.seq, v.first);
		else
			printf("cut off: the log ends at seq %" PRIu64 ", before "
			    "checkpoint seq %" PRIu64 "\n", v.c.seq - 1,
			    v.u.seq);
		rc = v.lines > 0 && v.u.seq < v.first ? CTL_EXIT_ERR :
		    CTL_EXIT_BROKEN;
	} else if (rc == CTL_EXIT_OK && v.u.set)
		printf("checkpoint seq %" PRIu64 ": present, chain matches\n",
		    v.u.seq);
	chain_clear(&v.c);
	fflush(stdout);
	return rc;
}
