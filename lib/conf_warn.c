/* conf_warn.c - the warnings of config.md: printed, and the policy still applies. */
#include <stdio.h>
#include <time.h>

#include "conf_rules_int.h"

#define EXPIRY_NOTICE	(30 * 24 * 60 * 60)	/* warn this long before */
#define WIDE_RANGE	1024			/* ports in one range */

/*
 * As the user wrote it: a plain date "YYYY-MM-DD" means through the end
 * of that day, local time (the loader stores the next local midnight), so
 * show that date; an RFC 3339 instant is shown in local time.
 */
static const char *
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 last = t - 1;

	if (localtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "%lld", (long long)t);
	else if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0 &&
	    localtime_r(&last, &tm) != NULL)
		strftime(buf, len, "%Y-%m-%d", &tm);
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
	return buf;
}

/* The flow's path, made on the first message only (most flows have none). */
static const char *
fpath(const struct flow *f, char *a, size_t len)
{
	return a[0] != '\0' ? a : rules_flow_path(f, a, len);
}

static void
warn_flow(const struct flow *f, time_t now, struct diags *d)
{
	char		 a[RULES_PATHLEN] = "", t[64];
	size_t		 i;
	long long	 days;

	if (f->approval == NULL || f->approval[0] == '\0')
		rules_diag(d, DIAG_WARNING, &f->loc, NULL,
		    "%s: no approval reference; add approval = \"...\" with "
		    "the number of the 例外措置 approval",
		    fpath(f, a, sizeof(a)));

	if (f->has_expires && f->expires <= now)
		rules_diag(d, DIAG_WARNING, &f->expires_loc, &f->loc,
		    "%s: expired on %s and no longer allows anything; remove "
		    "the flow, or renew its approval and extend expires",
		    fpath(f, a, sizeof(a)), fmt_time(f->expires, t, sizeof(t)));
	else if (f->has_expires && f->expires - now <= EXPIRY_NOTICE) {
		days = ((long long)f->expires - now + 86399) / 86400;
		rules_diag(d, DIAG_WARNING, &f->expires_loc, &f->loc,
		    "%s: expires on %s, in %lld day%s; renew its approval and "
		    "extend expires, or let it lapse", fpath(f, a, sizeof(a)),
		    fmt_time(f->expires, t, sizeof(t)), days,
		    days == 1 ? "" : "s");
	}

	if (f->proto != PROTO_TCP && f->proto != PROTO_UDP)
		return;
	/* A My Number flow with such a range is already an error (rule 2). */
	if (rules_flow_touches(f, ZK_MYNUMBER))
		return;
	for (i = 0; i < f->nports; i++) {
		unsigned n = (unsigned)f->ports[i].hi - f->ports[i].lo + 1;

		if (f->ports[i].hi < f->ports[i].lo || n <= WIDE_RANGE)
			continue;
		rules_diag(d, DIAG_WARNING, &f->ports_loc, &f->loc,
		    "%s: port range %u-%u covers %u ports (more than %d); "
		    "list the ports the application uses",
		    fpath(f, a, sizeof(a)), f->ports[i].lo, f->ports[i].hi, n,
		    WIDE_RANGE);
	}
}

static void
warn_zone(const struct zone *z, struct diags *d)
{
	if (z->unknown == UH_ALLOW)
		rules_diag(d, DIAG_WARNING, &z->unknown_loc, &z->loc,
		    "zones[%zu].unknown_hosts: \"allow\" lets unregistered "
		    "devices of zone \"%s\" through; use \"alert\" (or "
		    "\"block\") and register the devices", z->index,
		    rules_zname(z));
	if (z->kind == ZK_MYNUMBER && !z->attached)
		rules_diag(d, DIAG_WARNING, &z->attached_loc, &z->loc,
		    "zones[%zu].attached: false turns the gateway's MAC "
		    "checks off for mynumber zone \"%s\"; its MAC pinning "
		    "then rests on the zone's switches (use true when the "
		    "hosts share the gateway's segment)", z->index,
		    rules_zname(z));
}

void
rules_warnings(const struct policy *p, time_t now, struct diags *d)
{
	size_t	 i;

	for (i = 0; i < p->nzones; i++)
		warn_zone(&p->zones[i], d);
	for (i = 0; i < p->nflows; i++)
		warn_flow(&p->flows[i], now, d);
}
