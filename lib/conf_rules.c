/* conf_rules.c - cross-setting checks: entry point, message helpers, duplicates. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_rules.h"
#include "conf_rules_int.h"

/*
 * Duplicates are found by sorting references and comparing neighbours,
 * never by comparing every pair: a policy of 100,000 flows must check in
 * well under a second.  Ties sort by position, so the first occurrence in
 * the file comes first and the later ones are the ones reported.
 */

void
conf_rules_check(const struct policy *p, time_t now, struct diags *d)
{
	if (p == NULL || d == NULL)
		return;
	rules_structure(p, d);
	rules_networks(p, d);
	rules_separation(p, d);
	rules_warnings(p, now, d);
}

void
rules_diag(struct diags *d, enum diag_sev sev, const struct srcloc *loc,
    const struct srcloc *fallback, const char *fmt, ...)
{
	const struct srcloc	*l = loc;
	va_list			 ap;

	if ((l == NULL || l->line == 0) && fallback != NULL)
		l = fallback;
	va_start(ap, fmt);
	diag_vadd(d, sev, l != NULL ? l->file : NULL, l != NULL ? l->line : 0,
	    fmt, ap);
	va_end(ap);
}

void
rules_nomem(const struct policy *p, struct diags *d)
{
	diag_add(d, DIAG_ERROR, p->nfiles > 0 ? p->files[0] : NULL, 0,
	    "out of memory while checking the policy");
}

const char *
rules_flow_path(const struct flow *f, char *buf, size_t len)
{
	snprintf(buf, len, "flows[%zu] (%.*s)", f->index, RULES_IDMAX,
	    f->id != NULL ? f->id : "?");
	return buf;
}

const char *
rules_host_path(const struct host *h, char *buf, size_t len)
{
	snprintf(buf, len, "zones[%zu].hosts[%zu]",
	    h->zone != NULL ? h->zone->index : 0, h->index);
	return buf;
}

const char *
rules_zname(const struct zone *z)
{
	return z != NULL && z->name != NULL ? z->name : "?";
}

const char *
rules_ep_str(const struct endpoint *e, char *buf, size_t len)
{
	char	 a[ADDR_STRLEN];

	switch (e->kind) {
	case EP_HOST:
		snprintf(buf, len, "%s:%s", rules_zname(e->zone),
		    e->host != NULL && e->host->name != NULL ?
		    e->host->name : "?");
		break;
	case EP_PREFIX:
		snprintf(buf, len, "%s:%s", rules_zname(e->zone),
		    addr_fmt(&e->prefix, a, sizeof(a)));
		break;
	case EP_ZONE:
	default:
		snprintf(buf, len, "%s", rules_zname(e->zone));
		break;
	}
	return buf;
}

bool
rules_flow_touches(const struct flow *f, enum zone_kind k)
{
	return (f->from.zone != NULL && f->from.zone->kind == k) ||
	    (f->to.zone != NULL && f->to.zone->kind == k);
}

bool
rules_flow_joins(const struct flow *f, enum zone_kind a, enum zone_kind b)
{
	if (f->from.zone == NULL || f->to.zone == NULL)
		return false;
	return (f->from.zone->kind == a && f->to.zone->kind == b) ||
	    (f->from.zone->kind == b && f->to.zone->kind == a);
}

/* --- duplicate names, ids, MACs and addresses ---------------------------- */

/* One sortable reference: a key and the position that breaks ties. */
struct dupref {
	const void	*key;		/* string, struct mac or struct addr */
	const void	*obj;		/* zone, host or flow */
	size_t		 pos;
};

static int
dupref_strcmp(const void *a, const void *b)
{
	const struct dupref *x = a, *y = b;
	int		 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
dupref_maccmp(const void *a, const void *b)
{
	const struct dupref *x = a, *y = b;
	int		 c;

	if ((c = mac_cmp(x->key, y->key)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
dupref_addrcmp(const void *a, const void *b)
{
	const struct dupref *x = a, *y = b;
	int		 c;

	if ((c = addr_cmp(x->key, y->key)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Ids and names are mostly written in order (F-001, F-002, ...): a sorted
 * array skips qsort, which compares each element many times even then.
 */
static void
dupref_sort(struct dupref *v, size_t n, int (*cmp)(const void *,
    const void *))
{
	size_t	 i;

	for (i = 1; i < n; i++)
		if (cmp(&v[i - 1], &v[i]) > 0)
			break;
	if (i < n)
		qsort(v, n, sizeof(*v), cmp);
}

static int
pairname_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static void
dup_zone_names(const struct policy *p, struct diags *d)
{
	struct dupref	*v;
	size_t		 i, r, n = 0;

	if (p->nzones < 2 || (v = calloc(p->nzones, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < p->nzones; i++)
		if (p->zones[i].name != NULL)
			v[n++] = (struct dupref){ p->zones[i].name,
			    &p->zones[i], i };
	qsort(v, n, sizeof(*v), dupref_strcmp);
	for (r = 0, i = 1; i < n; i++) {
		const struct zone *first = v[r].obj, *z = v[i].obj;

		if (strcmp(v[r].key, v[i].key) != 0) {
			r = i;
			continue;
		}
		rules_diag(d, DIAG_ERROR, &z->loc, NULL,
		    "zones[%zu].name: duplicate zone name \"%s\", also used "
		    "by zones[%zu] at line %d; zone names must be unique",
		    z->index, z->name, first->index, first->loc.line);
	}
	free(v);
}

static void
dup_host_names(const struct zone *z, struct diags *d)
{
	struct dupref	*v;
	size_t		 i, r, n = 0;
	char		 a[RULES_PATHLEN], b[RULES_PATHLEN];

	if (z->nhosts < 2 || (v = calloc(z->nhosts, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < z->nhosts; i++)
		if (z->hosts[i].name != NULL)
			v[n++] = (struct dupref){ z->hosts[i].name,
			    &z->hosts[i], i };
	dupref_sort(v, n, dupref_strcmp);
	for (r = 0, i = 1; i < n; i++) {
		const struct host *first = v[r].obj, *h = v[i].obj;

		if (strcmp(v[r].key, v[i].key) != 0) {
			r = i;
			continue;
		}
		rules_diag(d, DIAG_ERROR, &h->loc, &z->loc,
		    "%s.name: duplicate host name \"%s\" in zone \"%s\", "
		    "also used by %s at line %d; host names must be unique "
		    "in their zone", rules_host_path(h, a, sizeof(a)),
		    h->name, rules_zname(z),
		    rules_host_path(first, b, sizeof(b)), first->loc.line);
	}
	free(v);
}

static void
dup_flow_ids(const struct policy *p, struct diags *d)
{
	struct dupref	*v;
	size_t		 i, r, n = 0;
	char		 a[RULES_PATHLEN];

	/* Ids in strictly increasing order (the usual case) repeat none. */
	for (i = 1; i < p->nflows; i++)
		if (p->flows[i - 1].id == NULL || p->flows[i].id == NULL ||
		    strcmp(p->flows[i - 1].id, p->flows[i].id) >= 0)
			break;
	if (i >= p->nflows)
		return;
	if ((v = calloc(p->nflows, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < p->nflows; i++)
		if (p->flows[i].id != NULL)
			v[n++] = (struct dupref){ p->flows[i].id,
			    &p->flows[i], p->flows[i].index };
	dupref_sort(v, n, dupref_strcmp);
	for (r = 0, i = 1; i < n; i++) {
		const struct flow *first = v[r].obj, *f = v[i].obj;

		if (strcmp(v[r].key, v[i].key) != 0) {
			r = i;
			continue;
		}
		rules_diag(d, DIAG_ERROR, &f->loc, NULL,
		    "%s: duplicate flow id \"%.*s\", also used by flows[%zu] "
		    "at line %d; flow ids must be unique",
		    rules_flow_path(f, a, sizeof(a)), RULES_IDMAX, f->id,
		    first->index, first->loc.line);
	}
	free(v);
}

static size_t
count_hosts(const struct policy *p, size_t *naddrs)
{
	size_t	 i, j, n = 0;

	*naddrs = 0;
	for (i = 0; i < p->nzones; i++) {
		n += p->zones[i].nhosts;
		for (j = 0; j < p->zones[i].nhosts; j++)
			*naddrs += p->zones[i].hosts[j].naddrs;
	}
	return n;
}

/* A MAC identifies one device: the gateway pins it to one host's addresses. */
static void
dup_macs(const struct policy *p, size_t nhosts, struct diags *d)
{
	struct dupref	*v;
	size_t		 i, j, r, n = 0;
	char		 a[RULES_PATHLEN], m[MAC_STRLEN];

	if (nhosts < 2 || (v = calloc(nhosts, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++) {
			const struct host *h = &p->zones[i].hosts[j];

			if (h->has_mac)
				v[n] = (struct dupref){ &h->mac, h, n }, n++;
		}
	qsort(v, n, sizeof(*v), dupref_maccmp);
	for (r = 0, i = 1; i < n; i++) {
		const struct host *first = v[r].obj, *h = v[i].obj;

		if (mac_cmp(v[r].key, v[i].key) != 0) {
			r = i;
			continue;
		}
		rules_diag(d, DIAG_ERROR, &h->mac_loc, &h->loc,
		    "%s.mac: %s is also used by %s:%s at line %d; a MAC "
		    "address identifies one host across all zones",
		    rules_host_path(h, a, sizeof(a)),
		    mac_fmt(&h->mac, m, sizeof(m)), rules_zname(first->zone),
		    first->name != NULL ? first->name : "?",
		    first->mac_loc.line != 0 ? first->mac_loc.line :
		    first->loc.line);
	}
	free(v);
}

/* An address is bound to one MAC, so it can belong to one host only. */
static void
dup_addrs(const struct policy *p, size_t naddrs, struct diags *d)
{
	struct dupref	*v;
	size_t		 i, j, k, r, n = 0;
	char		 a[RULES_PATHLEN], s[ADDR_STRLEN];

	if (naddrs < 2 || (v = calloc(naddrs, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++) {
			const struct host *h = &p->zones[i].hosts[j];

			for (k = 0; k < h->naddrs; k++)
				v[n] = (struct dupref){ &h->addrs[k], h, n },
				    n++;
		}
	qsort(v, n, sizeof(*v), dupref_addrcmp);
	for (r = 0, i = 1; i < n; i++) {
		const struct host *first = v[r].obj, *h = v[i].obj;

		if (addr_cmp(v[r].key, v[i].key) != 0) {
			r = i;
			continue;
		}
		if (h == first)		/* listed twice by one host: harmless */
			continue;
		rules_diag(d, DIAG_ERROR, &h->addrs_loc, &h->loc,
		    "%s.addresses: %s is also bound to %s:%s at line %d; an "
		    "address is bound to one host (one MAC)",
		    rules_host_path(h, a, sizeof(a)),
		    addr_fmt(v[i].key, s, sizeof(s)), rules_zname(first->zone),
		    first->name != NULL ? first->name : "?",
		    first->addrs_loc.line != 0 ? first->addrs_loc.line :
		    first->loc.line);
	}
	free(v);
}

/* Inside a zone the gateway sees nothing; such a flow is a mistake. */
static void
same_zone_flows(const struct policy *p, struct diags *d)
{
	size_t		 i;
	char		 a[RULES_PATHLEN], b[RULES_PATHLEN], c[RULES_PATHLEN];

	for (i = 0; i < p->nflows; i++) {
		const struct flow *f = &p->flows[i];

		if (f->from.zone == NULL || f->from.zone != f->to.zone)
			continue;
		rules_diag(d, DIAG_ERROR, &f->to_loc, &f->loc,
		    "%s: from \"%s\" and to \"%s\" are in the same zone "
		    "\"%s\"; a flow permits traffic between two different "
		    "zones", rules_flow_path(f, a, sizeof(a)),
		    rules_ep_str(&f->from, b, sizeof(b)),
		    rules_ep_str(&f->to, c, sizeof(c)),
		    rules_zname(f->from.zone));
	}
}

/*
 * The gateway itself must never be administrable from the Internet side:
 * not the whole zone, not a network of it, not even one host there (remote
 * maintenance belongs in the mgmt zone, behind its own flows).
 */
static void
admin_from(const struct policy *p, struct diags *d)
{
	size_t		 i;
	char		 b[RULES_PATHLEN];

	for (i = 0; i < p->gw.nadmin_from; i++) {
		const struct endpoint *e = &p->gw.admin_from[i];

		if (e->zone == NULL || e->zone->kind != ZK_INTERNET)
			continue;
		rules_diag(d, DIAG_ERROR, &p->gw.admin_loc, &p->gw.loc,
		    "gateway.admin.from[%zu]: \"%s\" is in internet zone "
		    "\"%s\"; the gateway must not be administrable from the "
		    "Internet (name an administrator's host, e.g. \"mgmt:noc\")",
		    i, rules_ep_str(e, b, sizeof(b)), rules_zname(e->zone));
	}
}

/*
 * The nftables compiler names a zone pair's chain and maps "A_B"; zone
 * names may contain '_', so "a_b"+"c" and "a"+"b_c" would both be "a_b_c"
 * and the kernel would refuse the second.  Catch it here, with both names.
 */
static void
zone_pair_names(const struct policy *p, struct diags *d)
{
	struct pairname { char *s; size_t a, b; } *v;
	size_t	 i, j, n = 0, np;
	bool	 underscore = false;

	for (i = 0; i < p->nzones; i++)
		if (p->zones[i].name != NULL && strchr(p->zones[i].name, '_'))
			underscore = true;
	if (!underscore)
		return;
	np = p->nzones * p->nzones;
	if ((v = calloc(np, sizeof(*v))) == NULL) {
		rules_nomem(p, d);
		return;
	}
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->nzones; j++) {
			if (i == j || p->zones[i].name == NULL ||
			    p->zones[j].name == NULL)
				continue;
			if (asprintf(&v[n].s, "%s_%s", p->zones[i].name,
			    p->zones[j].name) == -1) {
				rules_nomem(p, d);
				goto out;
			}
			v[n].a = i;
			v[n++].b = j;
		}
	qsort(v, n, sizeof(*v), pairname_cmp);
	for (i = 1; i < n; i++) {
		const struct zone *za = &p->zones[v[i].a];

		if (strcmp(v[i - 1].s, v[i].s) != 0 ||
		    strcmp(p->zones[v[i - 1].a].name, za->name) == 0)
			continue;	/* same names: dup_zone_names says it */
		rules_diag(d, DIAG_ERROR, &za->loc, NULL,
		    "zones[%zu].name: zone pairs \"%s\" -> \"%s\" and \"%s\" -> "
		    "\"%s\" would share the nftables name \"%s\"; rename one of "
		    "these zones (e.g. use '-' instead of '_')",
		    za->index, p->zones[v[i - 1].a].name,
		    p->zones[v[i - 1].b].name, za->name,
		    p->zones[v[i].b].name, v[i].s);
	}
out:
	for (i = 0; i < n; i++)
		free(v[i].s);
	free(v);
}

void
rules_dup_names(const struct policy *p, struct diags *d)
{
	size_t	 i;

	dup_zone_names(p, d);
	for (i = 0; i < p->nzones; i++)
		dup_host_names(&p->zones[i], d);
}

void
rules_structure(const struct policy *p, struct diags *d)
{
	size_t	 nhosts, naddrs;

	rules_dup_names(p, d);
	zone_pair_names(p, d);
	dup_flow_ids(p, d);
	nhosts = count_hosts(p, &naddrs);
	dup_macs(p, nhosts, d);
	dup_addrs(p, naddrs, d);
	same_zone_flows(p, d);
	admin_from(p, d);
}
