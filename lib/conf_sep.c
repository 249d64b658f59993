/* conf_sep.c - separation rules 1, 2 and 4 of config.md (3 in conf_rule3.c; 5 is default deny itself). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_rules_int.h"

/*
 * Rule 5 (mgmt is separated like any zone) needs no check here: nothing
 * in the model or the decision grants a zone kind an implicit flow, so a
 * mgmt zone is reachable only through listed flows like every other.
 */

#define MN_MAX_PORTS	1024	/* a wider range is not "listed ports" */

static const struct srcloc *
ep_loc(const struct flow *f, const struct endpoint *e)
{
	return e == &f->from ? &f->from_loc : &f->to_loc;
}

static bool
is_kind(const struct endpoint *e, enum zone_kind k)
{
	return e->zone != NULL && e->zone->kind == k;
}

/* Rule 1: My Number never meets the Internet, in either direction. */
static bool
rule1(const struct flow *f, struct diags *d)
{
	const struct endpoint *mn, *in;
	char		 a[RULES_PATHLEN];

	if (!rules_flow_joins(f, ZK_MYNUMBER, ZK_INTERNET))
		return false;
	mn = is_kind(&f->from, ZK_MYNUMBER) ? &f->from : &f->to;
	in = mn == &f->from ? &f->to : &f->from;
	rules_diag(d, DIAG_ERROR, ep_loc(f, in), &f->loc,
	    "%s: flow between mynumber zone \"%s\" and internet zone \"%s\" "
	    "is forbidden in either direction; My Number systems must never "
	    "be connected to the Internet, remove the flow",
	    rules_flow_path(f, a, sizeof(a)), rules_zname(mn->zone),
	    rules_zname(in->zone));
	return true;
}

/* Rule 2, the My Number side: a registered host whose MAC is known. */
static void
rule2_mn_side(const struct flow *f, const struct endpoint *e,
    const struct rules_addrix *ax, struct diags *d)
{
	const struct host *h;
	char		 a[RULES_PATHLEN], s[ADDR_STRLEN], hp[RULES_PATHLEN];

	switch (e->kind) {
	case EP_ZONE:
		rules_flow_path(f, a, sizeof(a));
		if (e->zone->nhosts > 0 && e->zone->hosts[0].name != NULL)
			rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
			    "%s: mynumber flow must name a registered host, "
			    "not the whole zone \"%s\"; name one host, e.g. "
			    "\"%s:%s\"", a, rules_zname(e->zone),
			    rules_zname(e->zone), e->zone->hosts[0].name);
		else
			rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
			    "%s: mynumber flow must name a registered host, "
			    "not the whole zone \"%s\"; register the host "
			    "(name, mac, addresses) in the zone and name it",
			    a, rules_zname(e->zone));
		break;
	case EP_PREFIX:
		rules_flow_path(f, a, sizeof(a));
		addr_fmt(&e->prefix, s, sizeof(s));
		h = addr_is_host(&e->prefix) ?
		    rules_addrix_find(ax, e->zone, &e->prefix) : NULL;
		if (h != NULL && h->name != NULL)
			rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
			    "%s: mynumber flow must name a registered host, "
			    "not the address \"%s\"; name it as \"%s:%s\"",
			    a, s, rules_zname(e->zone), h->name);
		else
			rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
			    "%s: mynumber flow must name a registered host, "
			    "not the %s \"%s\"; register the host (name, mac, "
			    "addresses) in zone \"%s\" and name it", a,
			    addr_is_host(&e->prefix) ? "address" : "network",
			    s, rules_zname(e->zone));
		break;
	case EP_HOST:
		h = e->host;
		/* A malformed MAC was reported by the parser already. */
		if (h == NULL || h->has_mac || h->mac_loc.line != 0)
			break;
		rules_flow_path(f, a, sizeof(a));
		rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
		    "%s: mynumber flow must name a host with a registered "
		    "MAC; \"%s:%s\" has none, add mac to %s", a,
		    rules_zname(e->zone), h->name != NULL ? h->name : "?",
		    rules_host_path(h, hp, sizeof(hp)));
		break;
	}
}

/* Rule 2, the other side: one host or one address, nothing wider. */
static void
rule2_peer_side(const struct flow *f, const struct endpoint *e,
    struct diags *d)
{
	char		 a[RULES_PATHLEN], s[ADDR_STRLEN];

	/* The path is made only for a message: most flows have none. */
	if (e->kind == EP_ZONE)
		rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
		    "%s: mynumber flow must name a host or a single address "
		    "on its other side, not the whole zone \"%s\"; name the "
		    "one system it talks to, e.g. \"%s:HOST\"",
		    rules_flow_path(f, a, sizeof(a)),
		    rules_zname(e->zone), rules_zname(e->zone));
	else if (e->kind == EP_PREFIX && !addr_is_host(&e->prefix))
		rules_diag(d, DIAG_ERROR, ep_loc(f, e), &f->loc,
		    "%s: mynumber flow must name a host or a single address "
		    "on its other side, not the network \"%s:%s\"; name the "
		    "one system it talks to", rules_flow_path(f, a, sizeof(a)),
		    rules_zname(e->zone),
		    addr_fmt(&e->prefix, s, sizeof(s)));
}

/* Rule 2: pinned on MAC, address and application protocol (port). */
static void
rule2(const struct flow *f, const struct rules_addrix *ax, struct diags *d)
{
	char		 a[RULES_PATHLEN];
	size_t		 i;

	if (is_kind(&f->from, ZK_MYNUMBER))
		rule2_mn_side(f, &f->from, ax, d);
	else
		rule2_peer_side(f, &f->from, d);
	if (is_kind(&f->to, ZK_MYNUMBER))
		rule2_mn_side(f, &f->to, ax, d);
	else
		rule2_peer_side(f, &f->to, d);

	if (f->proto != PROTO_TCP && f->proto != PROTO_UDP) {
		rules_diag(d, DIAG_ERROR, &f->proto_loc, &f->loc,
		    "%s: mynumber flow must be tcp or udp, not %s; My Number "
		    "flows are pinned to listed ports",
		    rules_flow_path(f, a, sizeof(a)),
		    proto_name(f->proto));
		return;
	}
	if (f->nports == 0)
		rules_diag(d, DIAG_ERROR, &f->ports_loc, &f->loc,
		    "%s: mynumber flow must list its ports; add ports = "
		    "[ PORT ]", rules_flow_path(f, a, sizeof(a)));
	for (i = 0; i < f->nports; i++) {
		const struct portrange *r = &f->ports[i];

		if ((unsigned)r->hi - r->lo + 1 <= MN_MAX_PORTS)
			continue;
		rules_diag(d, DIAG_ERROR, &f->ports_loc, &f->loc,
		    "%s: mynumber flow must list its ports, not the range "
		    "%u-%u (%u ports); list the ports the application uses",
		    rules_flow_path(f, a, sizeof(a)), r->lo, r->hi,
		    (unsigned)r->hi - r->lo + 1);
	}
}

/* Rule 4: LGWAN and the Internet meet only through a 無害化 method. */
static void
rule4(const struct flow *f, struct diags *d)
{
	char		 a[RULES_PATHLEN];

	if (!rules_flow_joins(f, ZK_LGWAN, ZK_INTERNET) ||
	    f->sanitize != SAN_NONE)
		return;
	rules_diag(d, DIAG_ERROR, &f->loc, NULL,
	    "%s: flow between lgwan and internet must name sanitize; add "
	    "sanitize = \"mail-text\", \"screen-transfer\" or "
	    "\"file-sanitize\" (the 無害化 method that makes it acceptable)",
	    rules_flow_path(f, a, sizeof(a)));
}

void
rules_separation(const struct policy *p, struct diags *d)
{
	struct rules_addrix ax;
	bool		*skip;
	size_t		 i;

	if ((skip = calloc(p->nflows + 1, sizeof(*skip))) == NULL ||
	    rules_addrix_build(p, &ax) == -1) {
		free(skip);
		rules_nomem(p, d);
		return;
	}
	for (i = 0; i < p->nflows; i++) {
		const struct flow *f = &p->flows[i];

		if (f->from.zone == NULL || f->to.zone == NULL ||
		    f->from.zone == f->to.zone) {
			skip[i] = true;		/* reported as structure */
			continue;
		}
		if (rule1(f, d)) {
			skip[i] = true;
			continue;
		}
		if (rules_flow_touches(f, ZK_MYNUMBER))
			rule2(f, &ax, d);
		rule4(f, d);
	}
	rules_rule3(p, skip, &ax, d);
	rules_addrix_free(&ax);
	free(skip);
}
