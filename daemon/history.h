/* history.h - the change history under state_dir: history.log and the applied policies kept by hash. */
#ifndef BUNRI_HISTORY_H
#define BUNRI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct monitor;

#define HISTORY_LOG	"history.log"	/* in state_dir, 0600 */
#define HISTORY_DIR	"policies"	/* in state_dir, 0700; <sha256>.conf, 0600 */

/*
 * history.log has one line per event, fields separated by one space:
 *
 *	TIME WHO ACTION SHA256 RESULT DETAIL...
 *
 * TIME is RFC 3339 with the local offset; WHO is UID(NAME) of the
 * bunrictl peer, SIGHUP for a signal, bunrid for the daemon itself
 * (start, rollback, expiry); ACTION one word (start, reload, apply,
 * confirm, rollback, isolate, restore, allow, allow-end); SHA256 that of
 * the policy text concerned ("-" when none could be read); RESULT ok,
 * refused or failed; DETAIL free text (control bytes replaced).
 *
 * policies/<sha256>.conf is the policy text as bunrid read it, @includes
 * expanded, so it hashes to its name and loads by itself.
 */
enum history_who {
	WHO_DAEMON,
	WHO_SIGNAL,
	WHO_PEER,
};

struct history {
	char		*dir;		/* state_dir, owned; NULL: not recording */
	struct monitor	*mon;		/* borrowed, for the alerts; may be NULL */
	enum history_who who;		/* of the change being made */
	uid_t		 uid;		/* WHO_PEER */
};

/* Take state_dir (created 0750 if missing), make policies/.  -1 after logging. */
int	 history_open(struct history *, const char *state_dir);
void	 history_close(struct history *);

/*
 * Record an event in history.log; with `alert` also a policy-change alert
 * (sid 9) whose signature is `what`.  sha may be NULL.
 */
void	 history_event(struct history *, const char *action,
	    const uint8_t *sha, const char *result, const char *what,
	    bool alert);
/* The requester from now on (WHO_PEER with its uid); history_who_reset(). */
void	 history_who_peer(struct history *, uid_t);
void	 history_who_reset(struct history *);

/*
 * Keep the text of the policy at `path` as policies/<sha>.conf, if it
 * still hashes to sha.  0, or -1 after logging why.
 */
int	 history_keep(struct history *, const char *path, const uint8_t *sha);
/*
 * The policy text with this hash (NUL-terminated, malloc'ed): the kept
 * copy, else `path` read again if it still hashes to sha.  NULL if neither.
 */
char	*history_text(const struct history *, const char *path,
	    const uint8_t *sha, size_t *len);
/* sha256 of the policy text at path (includes expanded); -1 unreadable. */
int	 history_file_sha(const char *path, uint8_t *sha);
/* 64 hex digits and a NUL. */
void	 history_hex(const uint8_t *sha, char *out);

#endif
