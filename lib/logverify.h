/* logverify.h - line-by-line verification of a chained alert log (what bunrictl verify-log and its fuzzer run). */
#ifndef BUNRI_LOGVERIFY_H
#define BUNRI_LOGVERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"

/* SHA-256 steps bunrictl is willing to take to reach a late first seq. */
#define LOGVERIFY_MAX_SKIP	1000000000ULL

/*
 * The state of one verification across the files of a log, given in
 * order.  An optional checkpoint (--until SEQ:CHAIN) must be met.
 */
struct logverify {
	struct chain	 c;
	uint64_t	 max_skip;	/* key steps allowed for a late first seq */
	bool		 started;	/* the first line of all has been seen */
	uint64_t	 first;		/* seq of the first line checked */
	uint64_t	 lines;		/* lines that fit */
	bool		 until_set;
	uint64_t	 until_seq;
	uint8_t		 until_chain[CHAIN_LEN];
	bool		 until_found;
};

enum lv_rc {
	LV_OK,			/* the line fits */
	LV_TOO_FAR,		/* first seq more than max_skip from 1 (error) */
	LV_TRUNCATED,		/* no newline at the end: the log was cut */
	LV_MALFORMED,		/* not JSON, or no chain member at its end */
	LV_NOSEQ,		/* no bunri.seq */
	LV_SEQGAP,		/* seq is not the one expected */
	LV_MISMATCH,		/* the chain value does not fit */
	LV_CHECKPOINT,		/* the checkpoint's seq has another chain value */
};

/* How the first line of all started the chain (reported once). */
enum lv_start {
	LV_START_NONE,		/* not the first line, or it is seq 1 */
	LV_START_LATE,		/* seq S > 1: that line taken as given */
	LV_START_AFTER_CHECKPOINT, /* seq S = checkpoint + 1: checked from it */
};

/* What a line showed, for the caller's messages. */
struct lv_line {
	enum lv_start	 start;
	uint64_t	 want;		/* the seq expected */
	uint64_t	 seq;		/* the line's seq (0: none found) */
	uint8_t		 mac[CHAIN_LEN]; /* its chain value (from LV_NOSEQ on) */
};

/* Start at seq 1 with the initial key k_1 (copied; erase yours). */
void	 logverify_init(struct logverify *, const uint8_t key[CHAIN_LEN]);
/* "SEQ:CHAIN" (a stats line's bunri.seq and chain): 0, or -1 if not that. */
int	 logverify_until(struct logverify *, const char *s);
/*
 * One line of len bytes without its newline; nl says whether it had one.
 * On LV_OK the state advances; on anything else it stays, and the
 * verification should stop there.
 */
enum lv_rc logverify_line(struct logverify *, const char *line, size_t len,
	    bool nl, struct lv_line *out);

enum lv_end {
	LV_END_OK,		/* no checkpoint, or it was met */
	LV_END_CUT,		/* the log ends before the checkpoint: cut off */
	LV_END_TOO_LATE,	/* the checkpoint is before the first line given */
};
/* After the last line: was the checkpoint (if any) met? */
enum lv_end logverify_end(const struct logverify *);
/* Erase the key material. */
void	 logverify_clear(struct logverify *);

#endif
