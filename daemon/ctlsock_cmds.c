/* ctlsock_cmds.c - the control socket's commands: status, flows, reload, isolate, restore. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter/nf_tables.h>

#include "allow.h"
#include "confirm.h"
#include "ctlsock.h"
#include "enforce.h"
#include "history.h"
#include "log.h"
#include "monitor.h"
#include "nftc.h"
#include "nl_counters.h"
#include "policy.h"

#ifndef NFT_TABLE_F_PERSIST
#define NFT_TABLE_F_PERSIST	0x4
#endif

static const char *
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "-");
	return buf;
}

static const char *
fmt_age(time_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(buf, len, "%llds", (long long)secs);
	else if (secs < 7200)
		snprintf(buf, len, "%lldm", (long long)secs / 60);
	else if (secs < 172800)
		snprintf(buf, len, "%lldh", (long long)secs / 3600);
	else
		snprintf(buf, len, "%lldd", (long long)secs / 86400);
	return buf;
}

/* ---- last hit of each counter ---- */

static int
hit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ctl_hit *)a)->name,
	    ((const struct ctl_hit *)b)->name);
}

static const struct ctl_hit *
hit_find(const struct ctlsock *cs, const char *name)
{
	struct ctl_hit key;

	if (cs->nhits == 0)
		return NULL;
	key.name = (char *)(uintptr_t)name;	/* only read by hit_cmp */
	return bsearch(&key, cs->hits, cs->nhits, sizeof(key), hit_cmp);
}

void
ctlsock_hits_free(struct ctlsock *cs)
{
	size_t i;

	for (i = 0; i < cs->nhits; i++)
		free(cs->hits[i].name);
	free(cs->hits);
	cs->hits = NULL;
	cs->nhits = 0;
}

int
ctlsock_poll_counters(struct ctlsock *cs)
{
	const struct ctl_hit *old;
	struct nl_counter *v;
	struct ctl_hit *nh;
	time_t now = time(NULL);
	size_t i, n;

	if (cs->enf == NULL || cs->enf->nl == NULL)
		return 0;
	if (nl_counters_dump(&v, &n) == -1) {
		log_debug("reading the flow counters: %s", strerror(errno));
		return -1;
	}
	if ((nh = calloc(n ? n : 1, sizeof(*nh))) == NULL) {
		nl_counters_free(v, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		nh[i].name = v[i].name;
		v[i].name = NULL;
		nh[i].packets = v[i].packets;
		nh[i].bytes = v[i].bytes;
		old = hit_find(cs, nh[i].name);
		/*
		 * Grown, or reset by a reload and grown again, since the
		 * previous read: hit between that read and now.  Before the
		 * first read the counters started at 0 when the policy was
		 * applied, so any packet is a hit since then.
		 */
		if (old == NULL) {
			nh[i].last = nh[i].packets > 0 ? now : 0;
			nh[i].since = cs->polled != 0 ? cs->polled :
			    cs->enf->loaded;
		} else if (nh[i].packets > old->packets ||
		    (nh[i].packets < old->packets && nh[i].packets > 0)) {
			nh[i].last = now;
			nh[i].since = cs->polled;
		} else {
			nh[i].last = old->last;
			nh[i].since = old->since;
		}
	}
	nl_counters_free(v, n);
	ctlsock_hits_free(cs);
	cs->hits = nh;		/* sorted: the dump was */
	cs->nhits = n;
	cs->polled = now;
	return 0;
}

/* ---- status and flows ---- */

static void
print_zones(const struct enforce *e, FILE *out)
{
	const struct zone *z;
	size_t i, j, niso = 0;

	fprintf(out, "zones: %zu\n", e->pol->nzones);
	for (i = 0; i < e->pol->nzones; i++) {
		z = &e->pol->zones[i];
		fprintf(out, "  %-14s %-9s if", z->name, zone_kind_name(z->kind));
		for (j = 0; j < z->nifaces; j++)
			fprintf(out, "%s%s", j ? "," : " ", z->ifaces[j]);
		fprintf(out, "  %s\n", e->isolated[i] ? "ISOLATED" : "open");
		niso += e->isolated[i];
	}
	fprintf(out, "isolated:");
	for (i = 0; i < e->pol->nzones; i++)
		if (e->isolated[i])
			fprintf(out, " %s", e->pol->zones[i].name);
	fprintf(out, "%s\n", niso == 0 ? " none" : "");
}

/*
 * One line per flow: counter values read from the kernel just now, and
 * the last request at which bunrid saw the counter grow (the hit came
 * after the request before it; see struct ctl_hit).
 */
static void
print_flows(struct ctlsock *cs, FILE *out, bool header)
{
	const struct enforce *e = cs->enf;
	const struct ctl_hit *h;
	const struct flow *f;
	char name[256], t[32], t2[32], age[32];
	time_t now = time(NULL);
	bool counted = e->nl != NULL;
	size_t i;

	if (counted && ctlsock_poll_counters(cs) == -1) {
		fprintf(out, "counters: cannot read them from the kernel: %s\n",
		    strerror(errno));
		counted = false;
	}
	if (header)
		fprintf(out, "flows: %zu\n", e->pol->nflows);
	fprintf(out, "  %-16s %12s %14s  %s\n", "FLOW", "PACKETS", "BYTES",
	    "LAST HIT");
	for (i = 0; i < e->pol->nflows; i++) {
		f = &e->pol->flows[i];
		nftc_counter_name(f, name, sizeof(name));
		h = counted ? hit_find(cs, name) : NULL;
		fprintf(out, "  %-16s", f->id);
		if (f->has_expires && f->expires <= now)
			fprintf(out, " %12s %14s  expired %s\n", "-", "-",
			    fmt_time(f->expires, t, sizeof(t)));
		else if (h == NULL)
			fprintf(out, " %12s %14s  %s\n", "-", "-", !counted ?
			    (e->nl == NULL ? "(monitor mode: no counters)" :
			    "(no counter)") : "(counter missing in the kernel)");
		else if (h->last != 0)
			fprintf(out, " %12llu %14llu  %s (%s ago; changed"
			    " since %s)\n",
			    (unsigned long long)h->packets,
			    (unsigned long long)h->bytes,
			    fmt_time(h->last, t, sizeof(t)),
			    fmt_age(now - h->last, age, sizeof(age)),
			    fmt_time(h->since, t2, sizeof(t2)));
		else
			fprintf(out, " %12llu %14llu  %s\n",
			    (unsigned long long)h->packets,
			    (unsigned long long)h->bytes,
			    h->packets == 0 ? "never" : "before the first read");
	}
	if (counted)
		fprintf(out, "(counters of table inet %s since it was last"
		    " replaced (start, reload, expiry); last hit: the request"
		    " (status, flows) that saw the counter change since the"
		    " previous one)\n", NFTC_TABLE);
}

static void
print_monitor(const struct monitor *m, FILE *out)
{
	struct capture_totals ct;
	struct detect_stats st;
	uint64_t alerts = 0;
	int i;

	if (m == NULL || m->det == NULL) {
		fprintf(out, "monitoring: not running\n");
		return;
	}
	monitor_capture_totals(m, &ct);	/* reloads included, as in stats */
	detect_stats(m->det, &st);
	for (i = 0; i <= SIG_MAX; i++)
		alerts += st.alerts[i] + m->prev.alerts[i] + m->own_alerts[i];
	fprintf(out, "monitoring: %zu capture handle%s, %llu packets, %llu"
	    " dropped (kernel %llu, interface %llu)\n", m->cap.nifs,
	    m->cap.nifs == 1 ? "" : "s",
	    (unsigned long long)ct.packets,
	    (unsigned long long)(ct.drops + ct.ifdrops),
	    (unsigned long long)ct.drops, (unsigned long long)ct.ifdrops);
	fputs("capture rings:", out);
	for (i = CAPTURE_RINGS - 1; i >= 0; i--)
		if (ct.rings[i] > 0)
			fprintf(out, " %zu %s", ct.rings[i], i == 0 ? "unknown" :
			    i == 1 ? "TPACKET_V1" : i == 2 ? "TPACKET_V2" :
			    "TPACKET_V3");
	fputs(" (immediate delivery, merged in time order)\n", out);
	fprintf(out, "detection: %llu flows, %llu disallowed, %llu alerts\n",
	    (unsigned long long)(st.flows + m->prev.flows),
	    (unsigned long long)(st.disallowed + m->prev.disallowed),
	    (unsigned long long)alerts);
	fprintf(out, "alert log: %s: %llu lines written, %llu lost%s\n",
	    m->al.path != NULL ? m->al.path : "-",
	    (unsigned long long)m->al.written, (unsigned long long)m->al.lost,
	    m->al_open ? "" : " (not open)");
	evidence_print(&m->ev, out);
}

static void
print_status(struct ctlsock *cs, FILE *out)
{
	const struct enforce *e = cs->enf;
	const struct policy *p = e->pol;
	char t[32], age[32];
	time_t now = time(NULL);
	size_t i;

	fprintf(out, "bunrid: pid %d, up %s, control socket %s\n",
	    (int)getpid(), fmt_age(now - cs->started, age, sizeof(age)),
	    cs->path);
	fprintf(out, "mode: %s\n", p->gw.mode == MODE_ENFORCE ? "enforce" :
	    "monitor");
	fprintf(out, "gateway: %s\n", p->gw.name != NULL ? p->gw.name : "-");
	fprintf(out, "policy: %s\n", e->path);
	fprintf(out, "policy sha256: ");
	for (i = 0; i < sizeof(p->sha256); i++)
		fprintf(out, "%02x", p->sha256[i]);
	fprintf(out, "\npolicy loaded: %s (%s ago)\n",
	    fmt_time(e->loaded, t, sizeof(t)),
	    fmt_age(now - e->loaded, age, sizeof(age)));
	if (e->why[0] != '\0')
		fprintf(out, "last reload refused: %s\n", e->why);
	if (e->nl == NULL)
		fprintf(out, "table: none (monitor mode: nftables left alone)\n");
	else if (e->table_flags & NFT_TABLE_F_OWNER)
		fprintf(out, "table: inet %s, flags owner%s (only this bunrid"
		    " may change it%s)\n", NFTC_TABLE,
		    e->table_flags & NFT_TABLE_F_PERSIST ? ",persist" : "",
		    e->table_flags & NFT_TABLE_F_PERSIST ?
		    "; it stays when bunrid exits" : "");
	else
		fprintf(out, "table: inet %s, no flags (the kernel refused"
		    " owner,persist: other programs can change it)\n",
		    NFTC_TABLE);
	if (e->next != 0)
		fprintf(out, "next flow expiry: %s\n",
		    fmt_time(e->next, t, sizeof(t)));
	if (cs->cf != NULL)
		confirm_print(cs->cf, out);
	print_zones(e, out);
	if (cs->allow != NULL)
		allow_print(cs->allow, out);
	print_flows(cs, out, true);
	print_monitor(cs->mon, out);
}

/* ---- changes ---- */

static enum ctlp_status
unknown_zone(const struct policy *p, const char *name, FILE *out)
{
	size_t i;

	fprintf(out, "unknown zone \"%s\"; the zones are:", name);
	for (i = 0; i < p->nzones; i++)
		fprintf(out, "%s %s", i ? "," : "", p->zones[i].name);
	fprintf(out, "\n");
	return CTLP_INVALID;
}

static enum ctlp_status
do_isolate(struct ctlsock *cs, const char *name, bool on, FILE *out)
{
	struct enforce *e = cs->enf;
	const struct zone *z;
	bool was;
	size_t i;

	if ((z = policy_zone_by_name(e->pol, name)) == NULL)
		return unknown_zone(e->pol, name, out);
	was = e->isolated[z->index];
	if (enforce_isolate(e, name, on) == -1) {
		fprintf(out, "zone %s: nftables refused the change (%s); see"
		    " bunrid's log\n", name, strerror(errno));
		if (cs->hist != NULL)
			history_event(cs->hist, on ? "isolate" : "restore",
			    e->pol->sha256, "failed", name, true);
		return CTLP_FAILED;
	}
	if (cs->hist != NULL && was != on) {
		char what[128];

		snprintf(what, sizeof(what), "zone %s %s", name,
		    on ? "isolated" : "restored");
		history_event(cs->hist, on ? "isolate" : "restore",
		    e->pol->sha256, "ok", what, true);
	}
	fprintf(out, "zone %s %s%s", name, on ? "isolated" : "restored",
	    was == on ? on ? " (it already was)" : " (it was not isolated)" :
	    "");
	if (e->nl == NULL)
		fprintf(out, "; monitor mode: nothing is blocked\n");
	else if (on) {
		fprintf(out, ": no packet to or from");
		for (i = 0; i < z->nifaces; i++)
			fprintf(out, "%s%s", i ? "," : " ", z->ifaces[i]);
		fprintf(out, " crosses the gateway\n");
	} else
		fprintf(out, ": its flows pass again\n");
	return CTLP_OK;
}

static enum ctlp_status
do_reload(struct ctlsock *cs, FILE *out)
{
	struct enforce *e = cs->enf;
	int rc;

	/* The same path as SIGHUP; the policy's messages come here too. */
	e->reply = out;
	rc = cs->reload(cs->arg);
	e->reply = NULL;
	if (rc == 0) {
		fprintf(out, "reloaded %s: %zu zones, %zu flows\n", e->path,
		    e->pol->nzones, e->pol->nflows);
		return CTLP_OK;
	}
	fprintf(out, "reload refused: %s; the running policy stays\n",
	    e->why[0] != '\0' ? e->why : "see bunrid's log");
	return CTLP_INVALID;
}

static enum ctlp_status run(struct ctlsock *, const struct ctlp_req *,
	    const struct ctl_peer *, FILE *);

enum ctlp_status
ctlsock_run(struct ctlsock *cs, const struct ctlp_req *r,
    const struct ctl_peer *peer, FILE *out)
{
	enum ctlp_status st;
	char why[160];

	if (cs->enf == NULL || cs->enf->pol == NULL) {
		fprintf(out, "bunrid is starting; no policy runs yet\n");
		return CTLP_FAILED;
	}
	if (ctlp_cmd_changes(r->cmd)) {
		if (!ctlsock_may_change(peer, why, sizeof(why))) {
			log_info("control: uid %u pid %d: %s%s%s: not permitted",
			    (unsigned)peer->uid, (int)peer->pid,
			    ctlp_cmd_name(r->cmd), r->arg[0] ? " " : "",
			    r->arg);
			fprintf(out, "not permitted: %s; only root and group %s"
			    " may %s\n", why, CTLSOCK_GROUP,
			    ctlp_cmd_name(r->cmd));
			return CTLP_REFUSED;
		}
		log_info("control: uid %u pid %d: %s%s%s", (unsigned)peer->uid,
		    (int)peer->pid, ctlp_cmd_name(r->cmd), r->arg[0] ? " " : "",
		    r->arg);
	}
	/* Who asked, for the change history; until the reply is made. */
	if (cs->hist != NULL && ctlp_cmd_changes(r->cmd))
		history_who_peer(cs->hist, peer->uid);
	st = run(cs, r, peer, out);
	if (cs->hist != NULL)
		history_who_reset(cs->hist);
	return st;
}

static enum ctlp_status
run(struct ctlsock *cs, const struct ctlp_req *r, const struct ctl_peer *peer,
    FILE *out)
{
	if ((r->cmd == CTLP_APPLY || r->cmd == CTLP_CONFIRM) && cs->cf == NULL) {
		fprintf(out, "%s: not available in this bunrid\n",
		    ctlp_cmd_name(r->cmd));
		return CTLP_FAILED;
	}
	if (r->cmd == CTLP_ALLOW && cs->allow == NULL) {
		fprintf(out, "allow: not available in this bunrid\n");
		return CTLP_FAILED;
	}
	switch (r->cmd) {
	case CTLP_STATUS:
		print_status(cs, out);
		return CTLP_OK;
	case CTLP_FLOWS:
		print_flows(cs, out, false);
		return CTLP_OK;
	case CTLP_RELOAD:
		return do_reload(cs, out);
	case CTLP_ISOLATE:
		return do_isolate(cs, r->arg, true, out);
	case CTLP_RESTORE:
		return do_isolate(cs, r->arg, false, out);
	case CTLP_APPLY:
		return confirm_apply(cs->cf, r->text, peer, out);
	case CTLP_CONFIRM:
		return confirm_confirm(cs->cf, out);
	case CTLP_ALLOW:
		return allow_add(cs->allow, r->text, peer->uid, out);
	case CTLP_NCMDS:
		break;
	}
	fprintf(out, "unknown command\n");
	return CTLP_INVALID;
}
