/* conf_nets.c - cross-zone checks of interfaces, networks, host and endpoint addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_rules_int.h"

/* --- interfaces: one zone each, mirror ports apart ---------------------- */

struct ifref {
	const char	*name;
	const struct zone *zone;	/* a zone's interface ... */
	size_t		 span;		/* ... or monitor.span[span] */
	size_t		 pos;		/* zones first, then spans */
};

static int
ifref_cmp(const void *a, const void *b)
{
	const struct ifref *x = a, *y = b;
	int		 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
iface_report(const struct policy *p, const struct ifref *first,
    const struct ifref *r, struct diags *d)
{
	const struct srcloc *fl;

	fl = first->zone != NULL ? &first->zone->ifaces_loc :
	    &p->mon.spans[first->span].loc;
	if (r->zone != NULL && first->zone == r->zone)
		rules_diag(d, DIAG_ERROR, &r->zone->ifaces_loc, &r->zone->loc,
		    "zones[%zu].interfaces: \"%s\" is listed twice; list each "
		    "interface once", r->zone->index, r->name);
	else if (r->zone != NULL)
		rules_diag(d, DIAG_ERROR, &r->zone->ifaces_loc, &r->zone->loc,
		    "zones[%zu].interfaces: \"%s\" is also an interface of "
		    "zone \"%s\" at line %d; an interface belongs to exactly "
		    "one zone", r->zone->index, r->name,
		    rules_zname(first->zone), fl->line);
	else if (first->zone != NULL)
		rules_diag(d, DIAG_ERROR, &p->mon.spans[r->span].loc, NULL,
		    "monitor.span[%zu].interface: \"%s\" is an interface of "
		    "zone \"%s\" at line %d; a mirror port must be an "
		    "interface of its own, in no zone", r->span, r->name,
		    rules_zname(first->zone), fl->line);
	else
		rules_diag(d, DIAG_ERROR, &p->mon.spans[r->span].loc, NULL,
		    "monitor.span[%zu].interface: \"%s\" is also used by "
		    "monitor.span[%zu] at line %d; a mirror port carries "
		    "one zone's traffic", r->span, r->name, first->span,
		    fl->line);
}

static void
check_ifaces(const struct policy *p, struct diags *d)
{
	struct ifref	*v;
	size_t		 i, j, r, n = 0, total = p->mon.nspans;

	for (i = 0; i < p->nzones; i++)
		total += p->zones[i].nifaces;
	if (total < 2 || (v = calloc(total, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nifaces; j++)
			if (p->zones[i].ifaces[j] != NULL)
				v[n] = (struct ifref){ p->zones[i].ifaces[j],
				    &p->zones[i], 0, n }, n++;
	for (i = 0; i < p->mon.nspans; i++)
		if (p->mon.spans[i].iface != NULL)
			v[n] = (struct ifref){ p->mon.spans[i].iface, NULL, i,
			    n }, n++;
	qsort(v, n, sizeof(*v), ifref_cmp);
	for (r = 0, i = 1; i < n; i++) {
		if (strcmp(v[r].name, v[i].name) != 0) {
			r = i;
			continue;
		}
		iface_report(p, &v[r], &v[i], d);
	}
	free(v);
}

/* --- networks: disjoint between zones, but the Internet catch-all yields - */

struct netref {
	const struct addr *net;
	const struct zone *zone;
};

static int
netref_cmp(const void *a, const void *b)
{
	const struct netref *x = a, *y = b;
	int		 c;

	/* Same start: the shorter (wider) prefix first, so it encloses. */
	if ((c = addr_cmp(x->net, y->net)) != 0)
		return c;
	return x->zone->index < y->zone->index ? -1 :
	    x->zone->index > y->zone->index;
}

static bool
is_catchall(const struct netref *r)
{
	return r->zone->kind == ZK_INTERNET && r->net->plen == 0;
}

static void
overlap_report(const struct netref *x, const struct netref *y,
    struct diags *d)
{
	const struct netref *early = x, *late = y;
	char		 a[ADDR_STRLEN], b[ADDR_STRLEN];

	/* Report at the zone further down the file, naming the other. */
	if (late->zone->index < early->zone->index) {
		early = y;
		late = x;
	}
	rules_diag(d, DIAG_ERROR, &late->zone->nets_loc, &late->zone->loc,
	    "zones[%zu].networks: %s overlaps %s of zone \"%s\" at line %d; "
	    "the networks of two zones must not overlap (only an internet "
	    "zone's 0.0.0.0/0 or ::/0 catch-all may)", late->zone->index,
	    addr_fmt(late->net, a, sizeof(a)),
	    addr_fmt(early->net, b, sizeof(b)), rules_zname(early->zone),
	    early->zone->nets_loc.line != 0 ? early->zone->nets_loc.line :
	    early->zone->loc.line);
}

/*
 * Sorted by start address with wider prefixes first, prefixes form nested
 * chains: a stack of the prefixes enclosing the current one finds every
 * overlapping pair without comparing all pairs.
 */
static void
check_overlaps(const struct policy *p, struct diags *d)
{
	struct netref	*v;
	size_t		 stack[130], sp = 0;
	size_t		 i, j, n = 0, total = 0;

	for (i = 0; i < p->nzones; i++)
		total += p->zones[i].nnets;
	if (total < 2 || (v = calloc(total, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nnets; j++)
			v[n++] = (struct netref){ &p->zones[i].nets[j],
			    &p->zones[i] };
	qsort(v, n, sizeof(*v), netref_cmp);
	for (i = 0; i < n; i++) {
		while (sp > 0 && !prefix_contains(v[stack[sp - 1]].net,
		    v[i].net))
			sp--;
		for (j = 0; j < sp; j++) {
			const struct netref *o = &v[stack[j]];

			if (o->zone == v[i].zone)
				continue;
			/*
			 * The catch-all yields to more specific zones; an
			 * equally wide /0 elsewhere would leave it ambiguous.
			 */
			if ((is_catchall(o) && v[i].net->plen > 0) ||
			    (is_catchall(&v[i]) && o->net->plen > 0))
				continue;
			overlap_report(o, &v[i], d);
		}
		/* A same-zone duplicate adds nothing to the chain. */
		if (sp > 0 && addr_eq(v[stack[sp - 1]].net, v[i].net) &&
		    v[stack[sp - 1]].zone == v[i].zone)
			continue;
		if (sp < sizeof(stack) / sizeof(stack[0]))
			stack[sp++] = i;
	}
	free(v);
}

/* --- host addresses: inside their zone, by longest-prefix match --------- */

static const struct zone *
zone_of_addr(const struct policy *p, const struct addr *a,
    const struct zone *prefer, const struct addr **net)
{
	const struct zone *best = NULL;
	size_t		 i, j;
	int		 bestlen = -1;

	*net = NULL;
	for (i = 0; i < p->nzones; i++) {
		const struct zone *z = &p->zones[i];

		for (j = 0; j < z->nnets; j++) {
			if (!prefix_contains(&z->nets[j], a))
				continue;
			if (z->nets[j].plen > bestlen ||
			    (z->nets[j].plen == bestlen && z == prefer)) {
				best = z;
				bestlen = z->nets[j].plen;
				*net = &z->nets[j];
			}
		}
	}
	return best;
}

static void
fmt_nets(const struct zone *z, char *buf, size_t len)
{
	char	 a[ADDR_STRLEN];
	size_t	 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < z->nnets && i < 3 && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
		    addr_fmt(&z->nets[i], a, sizeof(a)));
	if (z->nnets > 3 && off < len)
		snprintf(buf + off, len - off, ", ...");
	if (z->nnets == 0)
		snprintf(buf, len, "none");
}

static bool
zone_contains(const struct zone *z, const struct addr *a)
{
	size_t	 i;

	for (i = 0; i < z->nnets; i++)
		if (prefix_contains(&z->nets[i], a))
			return true;
	return false;
}

static void
host_addr_report(const struct policy *p, const struct zone *z,
    const struct host *h, const struct addr *addr, struct diags *d)
{
	const struct zone *in;
	const struct addr *net;
	char		 path[RULES_PATHLEN], a[ADDR_STRLEN], b[ADDR_STRLEN];
	char		 nets[3 * ADDR_STRLEN + 16];

	rules_host_path(h, path, sizeof(path));
	addr_fmt(addr, a, sizeof(a));
	if (!zone_contains(z, addr)) {
		fmt_nets(z, nets, sizeof(nets));
		rules_diag(d, DIAG_ERROR, &h->addrs_loc, &h->loc,
		    "%s.addresses: %s is outside the networks of zone \"%s\" "
		    "(%s); a host's addresses must lie in its zone's networks",
		    path, a, rules_zname(z), nets);
		return;
	}
	/* Inside, but a more specific zone claims it (the /0 yields). */
	in = zone_of_addr(p, addr, z, &net);
	if (in == NULL || in == z)
		return;
	rules_diag(d, DIAG_ERROR, &h->addrs_loc, &h->loc,
	    "%s.addresses: %s lies in %s of zone \"%s\", not in zone \"%s\"; "
	    "register the host in zone \"%s\" or fix the address", path, a,
	    addr_fmt(net, b, sizeof(b)), rules_zname(in), rules_zname(z),
	    rules_zname(in));
}

static void
check_host_addrs(const struct policy *p, struct diags *d)
{
	size_t		 i, j, k;

	for (i = 0; i < p->nzones; i++) {
		const struct zone *z = &p->zones[i];

		for (j = 0; j < z->nhosts; j++)
			for (k = 0; k < z->hosts[j].naddrs; k++)
				host_addr_report(p, z, &z->hosts[j],
				    &z->hosts[j].addrs[k], d);
	}
}

/*
 * "internet:192.0.2.10" where a more specific zone claims the address:
 * the catch-all yields, so the endpoint is not in the zone it names and
 * the flow would be checked against the wrong zone's rules.  Returns the
 * claiming zone and its network, or NULL: the caller only builds the
 * setting's path for a message.
 */
static const struct zone *
ep_claimed(const struct policy *p, const struct endpoint *ep,
    const struct addr **net)
{
	const struct zone *in;

	if (ep->kind != EP_PREFIX || ep->zone == NULL)
		return NULL;
	in = zone_of_addr(p, &ep->prefix, ep->zone, net);
	return in == ep->zone ? NULL : in;
}

static void
ep_addr_report(const struct endpoint *ep, const struct zone *in,
    const struct addr *net, const char *path, const struct srcloc *loc,
    const struct srcloc *fb, struct diags *d)
{
	char		 a[ADDR_STRLEN], b[ADDR_STRLEN];

	addr_fmt(&ep->prefix, a, sizeof(a));
	rules_diag(d, DIAG_ERROR, loc, fb,
	    "%s: %s lies in %s of zone \"%s\", not in zone \"%s\"; name it "
	    "as \"%s:%s\" (or a host of that zone) or fix the address", path,
	    a, addr_fmt(net, b, sizeof(b)), rules_zname(in),
	    rules_zname(ep->zone), rules_zname(in), a);
}

static void
check_ep_addrs(const struct policy *p, struct diags *d)
{
	char	 path[RULES_PATHLEN + 8], fp[RULES_PATHLEN];
	const struct zone *in;
	const struct addr *net;
	size_t	 i;

	for (i = 0; i < p->nflows; i++) {
		const struct flow *f = &p->flows[i];

		if ((in = ep_claimed(p, &f->from, &net)) != NULL) {
			rules_flow_path(f, fp, sizeof(fp));
			snprintf(path, sizeof(path), "%s.from", fp);
			ep_addr_report(&f->from, in, net, path, &f->from_loc,
			    &f->loc, d);
		}
		if ((in = ep_claimed(p, &f->to, &net)) != NULL) {
			rules_flow_path(f, fp, sizeof(fp));
			snprintf(path, sizeof(path), "%s.to", fp);
			ep_addr_report(&f->to, in, net, path, &f->to_loc,
			    &f->loc, d);
		}
	}
	for (i = 0; i < p->gw.nadmin_from; i++) {
		if ((in = ep_claimed(p, &p->gw.admin_from[i], &net)) == NULL)
			continue;
		snprintf(path, sizeof(path), "gateway.admin.from[%zu]", i);
		ep_addr_report(&p->gw.admin_from[i], in, net, path,
		    &p->gw.admin_loc, &p->gw.loc, d);
	}
}

void
rules_networks(const struct policy *p, struct diags *d)
{
	check_ifaces(p, d);
	check_overlaps(p, d);
	check_host_addrs(p, d);
	check_ep_addrs(p, d);
}
