/* enforce.c - keep the running policy applied: first apply, reload, expiry, isolation. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/epoll.h>

#include <linux/netfilter/nf_tables.h>
#include <libnftnl/table.h>

#include "conf.h"
#include "diag.h"
#include "enforce.h"
#include "log.h"
#include "nftc.h"
#include "nl.h"
#include "nl_isolate.h"

#ifndef NFT_TABLE_F_PERSIST
#define NFT_TABLE_F_PERSIST	0x4
#endif

/*
 * Owner: no other program can change or delete our table while we run.
 * Persist: it stays when we exit or crash (fail closed); the next bunrid
 * adopts it.
 */
#define TABLE_FLAGS	(NFT_TABLE_F_OWNER | NFT_TABLE_F_PERSIST)
/* A failed re-apply at expiry is tried again after this many seconds. */
#define RETRY_SECS	10

static void	 timer_ready(struct source *, uint32_t);

/* Milliseconds of CLOCK_MONOTONIC, for the debug log of how long an apply took. */
static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

time_t
policy_next_expiry(const struct policy *p, time_t now)
{
	time_t next = 0;
	size_t i;

	for (i = 0; i < p->nflows; i++) {
		if (!p->flows[i].has_expires || p->flows[i].expires <= now)
			continue;
		if (next == 0 || p->flows[i].expires < next)
			next = p->flows[i].expires;
	}
	return next;
}

int
enforce_init(struct enforce *e, const char *path, struct loop *l)
{
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->loop = l;
	e->table_flags = TABLE_FLAGS;
	return loop_add_timer(l, &e->timer, CLOCK_REALTIME, NULL, timer_ready,
	    e);
}

void
enforce_fini(struct enforce *e)
{
	loop_close_source(e->loop, &e->timer);
	/* Closing the owner socket orphans the table; persist keeps it. */
	nl_close(e->nl);
	e->nl = NULL;
	policy_free(e->pol);
	e->pol = NULL;
	enforce_retire(e);
	free(e->isolated);
	e->isolated = NULL;
}

static void
log_diags(const struct diags *d)
{
	const struct diag *g;
	size_t i;

	for (i = 0; i < d->n; i++) {
		g = &d->v[i];
		if (g->sev == DIAG_ERROR)
			log_warnx("%s:%d: error: %s", g->file ? g->file : "-",
			    g->line, g->msg);
		else
			log_info("%s:%d: warning: %s", g->file ? g->file : "-",
			    g->line, g->msg);
	}
	if (d->dropped > 0)
		log_warnx("... %zu more messages not shown", d->dropped);
}

static void
hash_hex(const struct policy *p, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < 8 && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, len - 2 * i, "%02x", p->sha256[i]);
}

/* Compile `p` as of `now` and replace table inet bunri in one batch. */
static int
apply(struct enforce *e, const struct policy *p, const bool *iso, time_t now)
{
	struct nftc_opts o;
	struct nftc_out out;
	struct nft_ir *ir;
	struct nl_error ne;
	double t0, t1, t2;
	int rc = -1;

	t0 = ms_now();
	memset(&out, 0, sizeof(out));
	o.now = now;
	o.isolated = iso;
	o.table_flags = e->table_flags;
	if ((ir = nftc_compile(p, &o)) == NULL) {
		log_warnx("compiling the ruleset: out of memory");
		return -1;
	}
	if (nftc_to_nftnl(ir, &out) == -1) {
		log_warnx("building the netlink objects: out of memory");
		goto out;
	}
	t1 = ms_now();
	nftnl_table_set_u32(out.table, NFTNL_TABLE_FLAGS, e->table_flags);
	if (e->batch != NULL)
		e->batch(e->applied_arg, true, false);
	if (nl_replace_table(e->nl, &out, &ne) == -1 && ne.table_flags &&
	    e->table_flags != 0) {
		/*
		 * An older kernel without persist: an owned table would vanish
		 * when we exit, so rather no owner than fail open.
		 */
		log_warnx("the kernel refuses table flags owner,persist (%s);"
		    " table inet %s will not be protected from other programs",
		    ne.msg, NFTC_TABLE);
		e->table_flags = 0;
		nftnl_table_set_u32(out.table, NFTNL_TABLE_FLAGS, 0);
		if (nl_replace_table(e->nl, &out, &ne) == 0)
			ne.code = 0;
	}
	if (e->batch != NULL)
		e->batch(e->applied_arg, false, ne.code == 0);
	if (ne.code != 0) {
		log_warnx("nftables refused the ruleset, nothing was changed: %s",
		    ne.msg);
		goto out;
	}
	t2 = ms_now();
	log_debug("applied table inet %s: %zu counters, %zu sets, %zu chains,"
	    " %zu rules; compiled in %.0f ms, netlink batch %.0f ms", NFTC_TABLE,
	    out.nobjs, out.nsets, out.nchains, out.nrules, t1 - t0, t2 - t1);
	if (e->applied != NULL)
		e->applied(e->applied_arg, p);
	rc = 0;
out:
	nftc_out_free(&out);
	nft_ir_free(ir);
	return rc;
}

/* Arm the expiry timer at the next expiry after now (or disarm). */
static void
arm(struct enforce *e, time_t now)
{
	e->checked = now;
	e->next = e->pol != NULL ? policy_next_expiry(e->pol, now) : 0;
	if (timer_arm_at(e->timer.fd, e->next) == -1)
		log_warn("arming the expiry timer");
	else if (e->next != 0)
		log_debug("next flow expiry at %lld", (long long)e->next);
}

int
enforce_start(struct enforce *e, struct policy *p)
{
	time_t now = time(NULL);
	char hash[20];

	if ((e->isolated = calloc(p->nzones ? p->nzones : 1,
	    sizeof(*e->isolated))) == NULL) {
		log_warn("enforce");
		policy_free(p);
		return -1;
	}
	if (p->gw.mode == MODE_ENFORCE) {
		if ((e->nl = nl_open()) == NULL) {
			log_warn("opening the netfilter netlink socket");
			goto fail;
		}
		if (apply(e, p, e->isolated, now) == -1)
			goto fail;
	}
	e->pol = p;
	e->loaded = now;
	hash_hex(p, hash, sizeof(hash));
	if (p->gw.mode == MODE_ENFORCE)
		log_info("enforcing %s (sha256 %s...): %zu zones, %zu flows in"
		    " table inet %s", e->path, hash, p->nzones, p->nflows,
		    NFTC_TABLE);
	else
		log_info("monitor mode, %s (sha256 %s...): nftables left alone",
		    e->path, hash);
	arm(e, now);
	return 0;
fail:
	policy_free(p);
	free(e->isolated);
	e->isolated = NULL;
	nl_close(e->nl);
	e->nl = NULL;
	return -1;
}

/* Isolation survives a reload for the zones that still exist. */
static bool *
carry_isolation(const struct enforce *e, const struct policy *np)
{
	const struct zone *z;
	bool *iso;
	size_t i;

	if ((iso = calloc(np->nzones ? np->nzones : 1, sizeof(*iso))) == NULL)
		return NULL;
	for (i = 0; i < e->pol->nzones; i++) {
		if (!e->isolated[i])
			continue;
		z = policy_zone_by_name(np, e->pol->zones[i].name);
		if (z != NULL)
			iso[z->index] = true;
		else
			log_info("zone %s was isolated and is gone from the"
			    " policy", e->pol->zones[i].name);
	}
	return iso;
}

/* The reason of a refusal, for the policy-change alert. */
static void
first_error(const struct diags *d, char *buf, size_t len)
{
	const struct diag *g = NULL;
	size_t i;

	for (i = 0; g == NULL && i < d->n; i++)
		if (d->v[i].sev == DIAG_ERROR)
			g = &d->v[i];
	if (g == NULL)
		snprintf(buf, len, "invalid policy (%zu errors)", d->nerrors);
	else
		snprintf(buf, len, "invalid policy (%zu error%s), first: %s:%d:"
		    " error: %s", d->nerrors, d->nerrors == 1 ? "" : "s",
		    g->file != NULL ? g->file : "-", g->line, g->msg);
}

int
enforce_replace(struct enforce *e, struct policy *np, time_t now)
{
	bool *iso = NULL;
	char hash[20];
	int rc = -1;

	e->why[0] = '\0';
	if (np->gw.mode != e->pol->gw.mode) {
		/* Leaving enforce would need the table removed: not by a reload. */
		log_warnx("reload: gateway.mode changed from %s to %s; restart"
		    " bunrid to change the mode; the running policy stays",
		    e->pol->gw.mode == MODE_ENFORCE ? "enforce" : "monitor",
		    np->gw.mode == MODE_ENFORCE ? "enforce" : "monitor");
		snprintf(e->why, sizeof(e->why), "gateway.mode changed;"
		    " a restart changes the mode");
		goto out;
	}
	/* Temporary exceptions (allow.c) stay until their TTL. */
	if (e->amend != NULL && e->amend(e->amend_arg, np, now) == -1) {
		snprintf(e->why, sizeof(e->why), "out of memory");
		goto out;
	}
	if ((iso = carry_isolation(e, np)) == NULL) {
		snprintf(e->why, sizeof(e->why), "out of memory");
		log_warn("reload");
		goto out;
	}
	if (e->nl != NULL && apply(e, np, iso, now) == -1) {
		snprintf(e->why, sizeof(e->why), "nftables refused the ruleset");
		log_warnx("reload: the running policy and ruleset stay");
		goto out;
	}
	policy_free(e->retired);
	e->retired = e->pol;
	free(e->isolated);
	e->pol = np;
	e->isolated = iso;
	e->loaded = now;
	np = NULL;
	iso = NULL;
	hash_hex(e->pol, hash, sizeof(hash));
	log_info("reloaded %s (sha256 %s...): %zu zones, %zu flows", e->path,
	    hash, e->pol->nzones, e->pol->nflows);
	arm(e, now);
	rc = 0;
out:
	policy_free(np);
	free(iso);
	return rc;
}

int
enforce_reload(struct enforce *e)
{
	struct policy *np;
	struct diags d;
	time_t now = time(NULL);
	int rc = -1;

	e->why[0] = '\0';
	diags_init(&d);
	np = conf_load(e->path, now, &d);
	diags_sort(&d);
	log_diags(&d);
	if (e->reply != NULL)
		diags_print(&d, e->reply);
	if (np == NULL) {
		first_error(&d, e->why, sizeof(e->why));
		log_warnx("reload: %s is invalid (%zu error%s); the running"
		    " policy stays", e->path, d.nerrors,
		    d.nerrors == 1 ? "" : "s");
		goto out;
	}
	rc = enforce_replace(e, np, now);
out:
	diags_free(&d);
	return rc;
}

void
enforce_retire(struct enforce *e)
{
	policy_free(e->retired);
	e->retired = NULL;
}

int
enforce_apply(struct enforce *e, time_t now)
{
	if (e->pol == NULL || e->nl == NULL)
		return 0;
	return apply(e, e->pol, e->isolated, now);
}

int
enforce_isolate(struct enforce *e, const char *name, bool on)
{
	const struct zone *z;
	struct nl_error ne;
	bool was;

	if (e->pol == NULL ||
	    (z = policy_zone_by_name(e->pol, name)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	was = e->isolated[z->index];
	e->isolated[z->index] = on;
	/*
	 * One small batch on set @isolated (adding twice is harmless, a
	 * restore of a zone not isolated has nothing to delete); the whole
	 * table again only if that batch is refused.
	 */
	if (e->nl != NULL && (on || was) && nl_isolate_zone(e->nl, e->pol,
	    e->isolated, z->index, on, &ne) == -1) {
		log_warnx("zone %s: set @isolated refused the change (%s);"
		    " applying the whole table", name, ne.msg);
		if (enforce_apply(e, time(NULL)) == -1) {
			e->isolated[z->index] = was;
			errno = EIO;
			return -1;
		}
	}
	if (e->nl != NULL && (on || was) && e->applied != NULL)
		e->applied(e->applied_arg, e->pol);
	log_info("zone %s %s%s", name, on ? "isolated" : "restored",
	    was == on ? " (no change)" : "");
	return 0;
}

/* Name the flows that expired since the last check, for the operator. */
static void
log_expired(const struct enforce *e, time_t since, time_t now)
{
	const struct flow *f;
	size_t i;

	for (i = 0; i < e->pol->nflows; i++) {
		f = &e->pol->flows[i];
		if (f->has_expires && f->expires > since && f->expires <= now)
			log_info("flow %s expired", f->id);
	}
}

static void
timer_ready(struct source *s, uint32_t events)
{
	struct enforce *e = s->arg;
	enum timer_event te;
	time_t now;

	(void)events;
	switch ((te = timer_read(s->fd))) {
	case TIMER_NONE:
		return;
	case TIMER_CLOCK_SET:
		log_info("the clock was set; checking flow expiry again");
		break;
	case TIMER_ERROR:
		log_warn("expiry timer");
		break;
	case TIMER_FIRED:
		break;
	}
	if (e->pol == NULL)
		return;
	/*
	 * time() reads a coarse clock that can lag the timer by a tick; the
	 * timer firing proves the instant it was armed for has come.
	 */
	now = time(NULL);
	if (te == TIMER_FIRED && e->next > now)
		now = e->next;
	/* The kernel's element timeouts already cut the flow; this keeps the table exact. */
	log_expired(e, e->checked, now);
	e->checked = now;
	if (enforce_apply(e, now) == -1) {
		log_warnx("re-applying at flow expiry failed; again in %d s",
		    RETRY_SECS);
		if (timer_arm_at(s->fd, now + RETRY_SECS) == -1)
			log_warn("arming the expiry timer");
		e->next = now + RETRY_SECS;
		return;
	}
	arm(e, now);
}
