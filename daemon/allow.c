/* allow.c - temporary exceptions (例外措置・緊急時): extra flows with a TTL, checked by the separation rules. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/epoll.h>

#include "allow.h"
#include "conf.h"
#include "conf_rules.h"
#include "diag.h"
#include "enforce.h"
#include "history.h"
#include "log.h"
#include "monitor.h"
#include "policy_index.h"

static void	 timer_ready(struct source *, uint32_t);

static void
ex_free(struct allow_ex *x)
{
	free(x->id);
	free(x->from);
	free(x->to);
	free(x->reason);
	free(x->approval);
	free(x->who);
	memset(x, 0, sizeof(*x));
}

/* Drop v[i], keeping the order (ids stay in the order given). */
static void
ex_remove(struct allow *a, size_t i)
{
	ex_free(&a->v[i]);
	memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof(a->v[0]));
	a->n--;
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
}

static void
arm(struct allow *a)
{
	time_t next = 0;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (next == 0 || a->v[i].expires < next)
			next = a->v[i].expires;
	if (timer_arm_at(a->timer.fd, next) == -1)
		log_warn("arming the temporary exception timer");
}

/* ---- the model: an exception as one more flow ---- */

/* "zone", "zone:host", "zone:ADDRESS", "zone:CIDR" in p. */
static int
endpoint(const struct policy *p, const char *s, struct endpoint *ep,
    char *err, size_t len)
{
	const char *colon = strchr(s, ':');
	char zname[64], buf[ADDR_STRLEN];
	size_t zl = colon != NULL ? (size_t)(colon - s) : strlen(s), i;
	struct zone *z;

	memset(ep, 0, sizeof(*ep));
	if (zl == 0 || zl >= sizeof(zname) || (colon != NULL && colon[1] == '\0')) {
		snprintf(err, len, "\"%s\" is not an endpoint (expected \"zone\","
		    " \"zone:host\", \"zone:ADDRESS\" or \"zone:CIDR\")", s);
		return -1;
	}
	memcpy(zname, s, zl);
	zname[zl] = '\0';
	if ((z = policy_zone_by_name(p, zname)) == NULL) {
		snprintf(err, len, "\"%s\": no zone \"%s\" in the running policy",
		    s, zname);
		return -1;
	}
	ep->zone = z;
	ep->kind = EP_ZONE;
	if (colon == NULL)
		return 0;
	switch (prefix_parse(colon + 1, &ep->prefix)) {
	case ADDR_OK:
		break;
	case ADDR_HOSTBITS:
		prefix_mask(&ep->prefix);
		snprintf(err, len, "\"%s\" has host bits set; did you mean"
		    " \"%s:%s\"?", s, zname, addr_fmt(&ep->prefix, buf,
		    sizeof(buf)));
		return -1;
	case ADDR_BADLEN:
		snprintf(err, len, "\"%s\" has a prefix length out of range", s);
		return -1;
	default:
		if ((ep->host = zone_host_by_name(z, colon + 1)) == NULL) {
			snprintf(err, len, "\"%s\": zone %s has no host \"%s\"",
			    s, zname, colon + 1);
			return -1;
		}
		ep->kind = EP_HOST;
		return 0;
	}
	ep->kind = EP_PREFIX;
	for (i = 0; i < z->nnets; i++)
		if (prefix_contains(&z->nets[i], &ep->prefix))
			return 0;
	snprintf(err, len, "%s is not inside the networks of zone \"%s\"",
	    addr_fmt(&ep->prefix, buf, sizeof(buf)), z->name);
	return -1;
}

/* The indexes point into p->flows: built again after every change. */
static int
reindex(struct policy *p)
{
	policy_index_free(p->idx);
	p->idx = NULL;
	decide_index_free(p->didx);
	p->didx = NULL;
	return policy_index(p);
}

/* Append x to p as a flow.  0; -1 with err (x does not fit p); -2 no memory. */
static int
push(struct policy *p, const struct allow_ex *x, char *err, size_t len)
{
	struct endpoint from, to;
	struct flow *nf, *f;

	if (endpoint(p, x->from, &from, err, len) == -1 ||
	    endpoint(p, x->to, &to, err, len) == -1)
		return -1;
	if ((nf = reallocarray(p->flows, p->nflows + 1, sizeof(*nf))) == NULL)
		return -2;
	p->flows = nf;
	f = &p->flows[p->nflows];
	memset(f, 0, sizeof(*f));
	f->from = from;
	f->to = to;
	f->proto = x->proto;
	f->sanitize = x->sanitize;
	f->has_expires = true;
	f->expires = x->expires;
	f->index = p->nflows;
	f->loc.file = ALLOW_SOURCE;
	f->from_loc = f->to_loc = f->proto_loc = f->ports_loc = f->loc;
	f->sanitize_loc = f->expires_loc = f->loc;
	f->id = strdup(x->id);
	f->reason = strdup(x->reason);
	f->approval = x->approval != NULL ? strdup(x->approval) : NULL;
	if (x->port.lo != 0 && (f->ports = malloc(sizeof(*f->ports))) != NULL) {
		f->ports[0] = x->port;
		f->nports = 1;
	}
	p->nflows++;	/* now policy_free() frees what was allocated */
	if (f->id == NULL || f->reason == NULL ||
	    (x->approval != NULL && f->approval == NULL) ||
	    (x->port.lo != 0 && f->ports == NULL) || reindex(p) == -1)
		return -2;
	return 0;
}

static void
pop(struct policy *p)
{
	struct flow *f = &p->flows[--p->nflows];

	free(f->id);
	free(f->ports);
	free(f->reason);
	free(f->approval);
	memset(f, 0, sizeof(*f));
	(void)reindex(p);
}

/* The separation rules and every other check, on the whole policy. */
static int
check(const struct policy *p, time_t now, char *err, size_t len)
{
	struct diags d;
	size_t i, off = 0;
	int rc = 0;

	diags_init(&d);
	conf_rules_check(p, now, &d);
	err[0] = '\0';
	for (i = 0; i < d.n; i++) {
		if (d.v[i].sev != DIAG_ERROR)
			continue;
		rc = -1;
		if (off < len)
			off += (size_t)snprintf(err + off, len - off, "%s%s",
			    off ? "\n" : "", d.v[i].msg);
	}
	if (rc == -1 && err[0] == '\0')
		snprintf(err, len, "the policy does not validate");
	diags_free(&d);
	return rc;
}

/*
 * Add every live exception to np; one that no longer fits (its zone or
 * host is gone, a rule now refuses it) is left out and, when `bad` is
 * given, marked there.  -1 only when out of memory.
 */
static int
amend(struct allow *a, struct policy *np, time_t now, bool *bad,
    char *err, size_t len)
{
	size_t i, base = np->nflows, added = 0;
	char why[1024];
	int rc;

	for (i = 0; i < a->n; i++) {
		bad[i] = a->v[i].expires <= now;
		if (bad[i])
			continue;
		if ((rc = push(np, &a->v[i], why, sizeof(why))) == -2)
			return -1;
		if (rc == -1) {
			bad[i] = true;
			snprintf(err, len, "%s", why);
			continue;
		}
		added++;
	}
	if (added == 0 || check(np, now, why, sizeof(why)) == 0)
		return 0;
	/* Something conflicts: again one by one, each with those before it. */
	while (np->nflows > base)
		pop(np);
	for (i = 0; i < a->n; i++) {
		if (bad[i])
			continue;
		if (push(np, &a->v[i], why, sizeof(why)) != 0)
			return -1;
		if (check(np, now, why, sizeof(why)) == -1) {
			pop(np);
			bad[i] = true;
			snprintf(err, len, "%s", why);
		}
	}
	return 0;
}

/* enforce's hook: every new policy gets the exceptions still running. */
static int
amend_hook(void *arg, struct policy *np, time_t now)
{
	struct allow *a = arg;
	bool bad[ALLOW_MAX];
	char err[1024], what[1400];
	size_t i;

	err[0] = '\0';
	if (amend(a, np, now, bad, err, sizeof(err)) == -1)
		return -1;
	for (i = a->n; i-- > 0;) {
		if (!bad[i])
			continue;
		if (a->v[i].expires > now) {
			log_warnx("temporary exception %s no longer fits the new"
			    " policy; ended: %s", a->v[i].id, err);
			snprintf(what, sizeof(what), "temporary exception %s ended:"
			    " it does not fit the new policy (%s)", a->v[i].id,
			    err);
			history_event(a->hist, "allow-end", np->sha256, "ok",
			    what, true);
		}
		ex_remove(a, i);
	}
	arm(a);
	return 0;
}

int
allow_init(struct allow *a, struct loop *l, struct enforce *e,
    struct monitor *m, struct history *h)
{
	memset(a, 0, sizeof(*a));
	a->enf = e;
	a->mon = m;
	a->hist = h;
	a->loop = l;
	if (loop_add_timer(l, &a->timer, CLOCK_REALTIME, NULL, timer_ready,
	    a) == -1)
		return -1;
	e->amend = amend_hook;
	e->amend_arg = a;
	return 0;
}

void
allow_fini(struct allow *a)
{
	while (a->n > 0)
		ex_remove(a, a->n - 1);
	if (a->enf != NULL && a->enf->amend_arg == a)
		a->enf->amend = NULL;
	loop_close_source(a->loop, &a->timer);
}

/* ---- the request ---- */

static int
parse_port(const char *s, struct portrange *pr)
{
	char *end;
	unsigned long lo, hi;

	errno = 0;
	lo = strtoul(s, &end, 10);
	hi = lo;
	if (end != s && *end == '-')
		hi = strtoul(end + 1, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || lo < 1 || hi > 65535 ||
	    lo > hi || s[0] == '-' || s[0] == '+')
		return -1;
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	return 0;
}

static const char *
sanitize_word(enum sanitize s)
{
	return s == SAN_NONE ? NULL : sanitize_name(s);
}

/* The request's words into x; -1 with the reason on out. */
static int
parse(const char *text, struct allow_ex *x, time_t now, FILE *out)
{
	char from[256], to[256], proto[16], port[32], ttl[32], reason[1024];
	char approval[256], san[32], *end;
	unsigned long secs;
	int k;

	memset(x, 0, sizeof(*x));
	if (ctlp_kv_get(text, "from", from, sizeof(from)) != 1 ||
	    ctlp_kv_get(text, "to", to, sizeof(to)) != 1 ||
	    ctlp_kv_get(text, "proto", proto, sizeof(proto)) != 1 ||
	    ctlp_kv_get(text, "ttl", ttl, sizeof(ttl)) != 1) {
		fprintf(out, "allow needs --from, --to, --proto, --ttl and"
		    " --reason\n");
		return -1;
	}
	if ((k = ctlp_kv_get(text, "reason", reason, sizeof(reason))) != 1 ||
	    reason[strspn(reason, " \t")] == '\0') {
		fprintf(out, "--reason: %s; say why the exception is needed (it"
		    " goes into the change history and the alert)\n", k == -1 ?
		    "too long or with control characters" : "missing or empty");
		return -1;
	}
	if (proto_parse(proto, &x->proto) == -1) {
		fprintf(out, "--proto: \"%s\" is not tcp, udp, icmp or icmpv6\n",
		    proto);
		return -1;
	}
	k = ctlp_kv_get(text, "port", port, sizeof(port));
	if (x->proto == PROTO_TCP || x->proto == PROTO_UDP) {
		if (k != 1 || parse_port(port, &x->port) == -1) {
			fprintf(out, "--port: %s flows need a port or range"
			    " N-M within 1-65535\n", proto);
			return -1;
		}
	} else if (k != 0) {
		fprintf(out, "--port: %s has no ports; leave --port out\n", proto);
		return -1;
	}
	errno = 0;
	secs = strtoul(ttl, &end, 10);
	if (errno != 0 || end == ttl || *end != '\0' || secs == 0 ||
	    secs > ALLOW_TTL_MAX) {
		fprintf(out, "--ttl: %s s is out of range; a temporary exception"
		    " lasts 1 s to %d s (24 h); longer is a policy change\n", ttl,
		    ALLOW_TTL_MAX);
		return -1;
	}
	if ((k = ctlp_kv_get(text, "sanitize", san, sizeof(san))) == 1) {
		for (x->sanitize = SAN_MAIL_TEXT; x->sanitize <=
		    SAN_FILE_SANITIZE; x->sanitize++)
			if (strcmp(sanitize_word(x->sanitize), san) == 0)
				break;
		if (x->sanitize > SAN_FILE_SANITIZE) {
			fprintf(out, "--sanitize: \"%s\" is not mail-text,"
			    " screen-transfer or file-sanitize\n", san);
			return -1;
		}
	}
	x->added = now;
	x->expires = now + (time_t)secs;
	x->from = strdup(from);
	x->to = strdup(to);
	x->reason = strdup(reason);
	if (ctlp_kv_get(text, "approval", approval, sizeof(approval)) == 1 &&
	    approval[0] != '\0')
		x->approval = strdup(approval);
	return 0;
}

/* An id no flow of p has. */
static char *
new_id(struct allow *a, const struct policy *p)
{
	char id[32];

	do
		snprintf(id, sizeof(id), ALLOW_ID_PREFIX "%u", ++a->seq);
	while (policy_flow_by_id(p, id) != NULL);
	return strdup(id);
}

static void
ex_line(const struct allow_ex *x, char *buf, size_t len)
{
	char port[16] = "";

	if (x->port.lo != 0 && x->port.lo == x->port.hi)
		snprintf(port, sizeof(port), "/%u", x->port.lo);
	else if (x->port.lo != 0)
		snprintf(port, sizeof(port), "/%u-%u", x->port.lo, x->port.hi);
	snprintf(buf, len, "%s %s -> %s %s%s%s%s", x->id, x->from, x->to,
	    proto_name(x->proto), port, x->sanitize != SAN_NONE ? " sanitize " :
	    "", x->sanitize != SAN_NONE ? sanitize_name(x->sanitize) : "");
}

enum ctlp_status
allow_add(struct allow *a, const char *text, uid_t uid, FILE *out)
{
	struct enforce *e = a->enf;
	struct allow_ex x;
	struct policy *np = NULL;
	struct passwd *pw;
	struct diags d;
	bool bad[ALLOW_MAX];
	char err[2048], who[160], line[600], what[2000], *ptext = NULL;
	time_t now = time(NULL);
	size_t plen, i;
	unsigned seq = a->seq;	/* a refusal uses up no id */
	enum ctlp_status st = CTLP_INVALID;
	int (*hook)(void *, struct policy *, time_t);

	diags_init(&d);
	if (parse(text, &x, now, out) == -1)
		goto out;
	if (a->n == ALLOW_MAX) {
		fprintf(out, "%d temporary exceptions are running already; wait"
		    " for one to end or put the flows into the policy\n",
		    ALLOW_MAX);
		goto out;
	}
	pw = getpwuid(uid);
	snprintf(who, sizeof(who), "%u(%s)", (unsigned)uid, pw != NULL ?
	    pw->pw_name : "?");
	x.who = strdup(who);
	x.id = new_id(a, e->pol);
	if (x.from == NULL || x.to == NULL || x.reason == NULL ||
	    x.who == NULL || x.id == NULL) {
		fprintf(out, "out of memory\n");
		st = CTLP_FAILED;
		goto out;
	}
	/* A fresh model of the running policy: the running one is borrowed. */
	if ((ptext = history_text(a->hist, e->path, e->pol->sha256, &plen)) ==
	    NULL || (np = conf_load_string(ptext, plen, e->path, now,
	    &d)) == NULL) {
		fprintf(out, "the running policy's text cannot be read again"
		    " (%s changed and no copy under state_dir); reload first\n",
		    e->path);
		st = CTLP_FAILED;
		goto out;
	}
	a->v[a->n++] = x;
	memset(&x, 0, sizeof(x));
	ex_line(&a->v[a->n - 1], line, sizeof(line));
	err[0] = '\0';
	if (amend(a, np, now, bad, err, sizeof(err)) == -1) {
		fprintf(out, "out of memory\n");
		st = CTLP_FAILED;
		goto undo;
	}
	if (bad[a->n - 1]) {
		fprintf(out, "refused: %s: it would break the policy:\n%s\n",
		    line, err);
		snprintf(what, sizeof(what), "temporary exception refused: %s:"
		    " %s", line, err);
		history_event(a->hist, "allow", e->pol->sha256, "refused", what,
		    true);
		goto undo;
	}
	/* Amended already: the hook must not add them twice. */
	hook = e->amend;
	e->amend = NULL;
	i = (size_t)enforce_replace(e, np, now);
	e->amend = hook;
	np = NULL;
	if (i != 0) {
		fprintf(out, "not applied: %s; nothing changed\n", e->why);
		st = CTLP_FAILED;
		goto undo;
	}
	(void)monitor_policy(a->mon, e->pol, e->isolated);
	enforce_retire(e);
	x = a->v[a->n - 1];
	snprintf(what, sizeof(what), "temporary exception added: %s for %lld s"
	    " (reason: %s%s%s)", line, (long long)(x.expires - now), x.reason,
	    x.approval != NULL ? "; approval " : "", x.approval != NULL ?
	    x.approval : "");
	history_event(a->hist, "allow", e->pol->sha256, "ok", what, true);
	log_info("%s", what);
	fprintf(out, "%s\nit ends by itself in %lld s (also if bunrid stops:"
	    " the kernel's element timeouts end it)\n", what,
	    (long long)(x.expires - now));
	memset(&x, 0, sizeof(x));
	arm(a);
	st = CTLP_OK;
	goto out;
undo:
	ex_remove(a, a->n - 1);
out:
	if (st != CTLP_OK)
		a->seq = seq;
	ex_free(&x);
	policy_free(np);
	free(ptext);
	diags_free(&d);
	return st;
}

void
allow_print(const struct allow *a, FILE *out)
{
	char line[600];
	time_t now = time(NULL);
	size_t i;

	fprintf(out, "temporary exceptions: %zu\n", a->n);
	for (i = 0; i < a->n; i++) {
		ex_line(&a->v[i], line, sizeof(line));
		fprintf(out, "  %s; %lld s left; by %s: %s\n", line,
		    (long long)(a->v[i].expires - now), a->v[i].who,
		    a->v[i].reason);
	}
}

/* The TTL ran out: the kernel has ended it already; report and forget it. */
static void
timer_ready(struct source *s, uint32_t events)
{
	struct allow *a = s->arg;
	char line[600], what[1400];
	time_t now;
	size_t i;

	(void)events;
	if (timer_read(s->fd) == TIMER_ERROR)
		log_warn("temporary exception timer");
	now = time(NULL);
	for (i = a->n; i-- > 0;) {
		/* time() may lag the timer by a tick */
		if (a->v[i].expires > now + 1)
			continue;
		ex_line(&a->v[i], line, sizeof(line));
		snprintf(what, sizeof(what), "temporary exception ended: %s"
		    " (its TTL ran out)", line);
		log_info("%s", what);
		history_event(a->hist, "allow-end", a->enf->pol != NULL ?
		    a->enf->pol->sha256 : NULL, "ok", what, true);
		ex_remove(a, i);
	}
	arm(a);
}
