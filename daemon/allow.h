/* allow.h - temporary exceptions (例外措置・緊急時): extra flows with a TTL, checked by the separation rules. */
#ifndef BUNRI_ALLOW_H
#define BUNRI_ALLOW_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "ctlproto.h"
#include "loop.h"
#include "policy.h"

struct enforce;
struct history;
struct monitor;

#define ALLOW_MAX	32		/* exceptions at once */
#define ALLOW_TTL_MAX	86400		/* seconds: one day, then a policy change */
#define ALLOW_ID_PREFIX	"TMP-"		/* ids TMP-1, TMP-2, ... */
#define ALLOW_SOURCE	"(bunrictl allow)"	/* file name in rule messages */

/*
 * An exception is kept as its words, not as model pointers: every new
 * policy (reload, apply, rollback) resolves and checks it again.
 */
struct allow_ex {
	char		*id;
	char		*from, *to;	/* endpoints as given */
	enum proto	 proto;
	struct portrange port;		/* lo 0: none (icmp) */
	enum sanitize	 sanitize;
	char		*reason;
	char		*approval;	/* may be NULL */
	char		*who;		/* "UID(NAME)" */
	time_t		 added, expires;
};

struct allow {
	struct allow_ex	 v[ALLOW_MAX];
	size_t		 n;
	unsigned	 seq;		/* last id number given */
	struct enforce	*enf;		/* borrowed, like the rest */
	struct monitor	*mon;
	struct history	*hist;
	struct loop	*loop;
	struct source	 timer;		/* CLOCK_REALTIME: the next end */
};

/* Open the timer, set enf->amend.  -1 + errno. */
int	 allow_init(struct allow *, struct loop *, struct enforce *,
	    struct monitor *, struct history *);
void	 allow_fini(struct allow *);

/*
 * `bunrictl allow`: text is the request's KEY=VALUE words (from, to,
 * proto, port, ttl, reason, approval, sanitize).  The exception is added
 * to a fresh copy of the running policy and the whole policy is checked
 * again, separation rules included; then it replaces the running one.
 */
enum ctlp_status allow_add(struct allow *, const char *text, uid_t uid,
	    FILE *out);
/* The exceptions in force, for status. */
void	 allow_print(const struct allow *, FILE *out);

#endif
