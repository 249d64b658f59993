/* policy.c - freeing the policy model, its lookups, and names of its enums. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "policy.h"
#include "policy_index.h"

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
zone_free(struct zone *z)
{
	size_t i;

	free(z->name);
	free(z->description);
	strv_free(z->ifaces, z->nifaces);
	free(z->nets);
	if (z->hosts != NULL)
		for (i = 0; i < z->nhosts; i++) {
			free(z->hosts[i].name);
			free(z->hosts[i].addrs);
		}
	free(z->hosts);
	free(z->by_name);
}

/* A flow's string or ports: the arena's go with the arena. */
static void
flow_part_free(const struct policy *p, void *v)
{
	if (!arena_owns(p->arena, v))
		free(v);
}

/*
 * Also frees p itself (conf_load returns it from the heap).  Safe on a
 * model the loader abandoned halfway: NULL arrays and zero counts are fine,
 * but a count must never exceed what its array holds.
 */
void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	policy_index_free(p->idx);
	decide_index_free(p->didx);
	free(p->gw.name);
	free(p->gw.control_socket);
	free(p->gw.state_dir);
	free(p->gw.admin_from);
	free(p->gw.admin_ports);
	if (p->zones != NULL)
		for (i = 0; i < p->nzones; i++)
			zone_free(&p->zones[i]);
	free(p->zones);
	if (p->flows != NULL)
		for (i = 0; i < p->nflows; i++) {
			flow_part_free(p, p->flows[i].id);
			flow_part_free(p, p->flows[i].ports);
			flow_part_free(p, p->flows[i].reason);
			flow_part_free(p, p->flows[i].approval);
		}
	free(p->flows);
	arena_free(p->arena);
	free(p->arena);
	strv_free(p->mon.ifaces, p->mon.nifaces);
	if (p->mon.spans != NULL)
		for (i = 0; i < p->mon.nspans; i++)
			free(p->mon.spans[i].iface);
	free(p->mon.spans);
	free(p->alerts.file);
	free(p->alerts.facility);
	strv_free(p->files, p->nfiles);
	free(p);
}

struct zone *
policy_zone_by_name(const struct policy *p, const char *name)
{
	size_t i;

	if (p == NULL || name == NULL)
		return NULL;
	for (i = 0; i < p->nzones; i++)
		if (p->zones[i].name != NULL &&
		    strcmp(p->zones[i].name, name) == 0)
			return &p->zones[i];
	return NULL;
}

/*
 * Without an index (a model built by hand in a test, or before the loader
 * finished) every lookup falls back to a scan in model order, which gives
 * the same answers as the tables.
 */

/* Only zone interfaces; monitor spans are not members of a zone. */
struct zone *
policy_zone_of_iface(const struct policy *p, const char *ifname)
{
	size_t i, j;

	if (p == NULL || ifname == NULL)
		return NULL;
	if (p->idx != NULL)
		return pi_zone_of_iface(p->idx, ifname);
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nifaces; j++)
			if (p->zones[i].ifaces[j] != NULL &&
			    strcmp(p->zones[i].ifaces[j], ifname) == 0)
				return &p->zones[i];
	return NULL;
}

/* A prefix as the address is accepted too: the zone must hold all of it. */
struct zone *
policy_zone_of_addr(const struct policy *p, const struct addr *a)
{
	struct zone *best = NULL;
	int bestlen = -1;
	size_t i, j;

	if (p == NULL || a == NULL)
		return NULL;
	if (p->idx != NULL)
		return pi_zone_of_addr(p->idx, a);
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nnets; j++) {
			const struct addr *n = &p->zones[i].nets[j];

			if (n->plen > bestlen && prefix_contains(n, a)) {
				best = &p->zones[i];
				bestlen = n->plen;
			}
		}
	return best;
}

struct host *
policy_host_by_mac(const struct policy *p, const struct mac *m)
{
	size_t i, j;

	if (p == NULL || m == NULL)
		return NULL;
	if (p->idx != NULL)
		return pi_host_by_mac(p->idx, m);
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++)
			if (p->zones[i].hosts[j].has_mac &&
			    mac_eq(&p->zones[i].hosts[j].mac, m))
				return &p->zones[i].hosts[j];
	return NULL;
}

struct host *
policy_host_by_addr(const struct policy *p, const struct addr *a)
{
	size_t i, j, k;

	if (p == NULL || a == NULL)
		return NULL;
	if (p->idx != NULL)
		return pi_host_by_addr(p->idx, a);
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++) {
			struct host *h = &p->zones[i].hosts[j];

			for (k = 0; k < h->naddrs; k++)
				if (addr_eq(&h->addrs[k], a))
					return h;
		}
	return NULL;
}

/* By name, then by position: the first of duplicate names wins, as in a scan. */
static int
host_name_cmp(const void *a, const void *b)
{
	const struct host *x = *(const struct host * const *)a;
	const struct host *y = *(const struct host * const *)b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return (x > y) - (x < y);
}

int
zone_index_names(struct zone *z)
{
	size_t i, n = 0;

	free(z->by_name);
	z->by_name = NULL;
	if (z->nhosts == 0)
		return 0;
	if ((z->by_name = calloc(z->nhosts, sizeof(*z->by_name))) == NULL)
		return -1;
	for (i = 0; i < z->nhosts; i++)
		if (z->hosts[i].name != NULL)
			z->by_name[n++] = &z->hosts[i];
	if (n < z->nhosts) {
		/* an unnamed host (parse error): keep scanning, it is rare */
		free(z->by_name);
		z->by_name = NULL;
		return 0;
	}
	qsort(z->by_name, n, sizeof(*z->by_name), host_name_cmp);
	return 0;
}

struct host *
zone_host_by_name(const struct zone *z, const char *name)
{
	size_t i, lo, hi, mid;

	if (z == NULL || name == NULL)
		return NULL;
	if (z->by_name == NULL) {
		for (i = 0; i < z->nhosts; i++)
			if (z->hosts[i].name != NULL &&
			    strcmp(z->hosts[i].name, name) == 0)
				return &z->hosts[i];
		return NULL;
	}
	/* lower bound: the first entry not less than name */
	lo = 0;
	hi = z->nhosts;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(z->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < z->nhosts && strcmp(z->by_name[lo]->name, name) == 0)
		return z->by_name[lo];
	return NULL;
}

struct flow *
policy_flow_by_id(const struct policy *p, const char *id)
{
	size_t i;

	if (p == NULL || id == NULL)
		return NULL;
	if (p->idx != NULL)
		return pi_flow_by_id(p->idx, id);
	for (i = 0; i < p->nflows; i++)
		if (p->flows[i].id != NULL && strcmp(p->flows[i].id, id) == 0)
			return &p->flows[i];
	return NULL;
}

static bool
host_has_addr(const struct host *h, const struct addr *a)
{
	size_t i;

	for (i = 0; i < h->naddrs; i++)
		if (addr_eq(&h->addrs[i], a))
			return true;
	return false;
}

bool
endpoint_contains(const struct endpoint *ep, const struct addr *a)
{
	size_t i;

	switch (ep->kind) {
	case EP_ZONE:
		if (ep->zone == NULL)
			return false;
		for (i = 0; i < ep->zone->nnets; i++)
			if (prefix_contains(&ep->zone->nets[i], a))
				return true;
		return false;
	case EP_HOST:
		return ep->host != NULL && host_has_addr(ep->host, a);
	case EP_PREFIX:
		return prefix_contains(&ep->prefix, a);
	}
	return false;
}

/*
 * With the policy, a zone or a prefix only covers the addresses the zone
 * owns by longest match: "internet" or "internet:0.0.0.0/0" never covers
 * an address of a more specific lgwan network.  A host covers its own
 * addresses (the loader keeps them inside its zone).
 */
bool
endpoint_contains_in(const struct policy *p, const struct endpoint *ep,
    const struct addr *a)
{
	switch (ep->kind) {
	case EP_ZONE:
		return ep->zone != NULL && policy_zone_of_addr(p, a) == ep->zone;
	case EP_HOST:
		return endpoint_contains(ep, a);
	case EP_PREFIX:
		return prefix_contains(&ep->prefix, a) && ep->zone != NULL &&
		    policy_zone_of_addr(p, a) == ep->zone;
	}
	return false;
}

const char *
endpoint_fmt(const struct endpoint *ep, char *buf, size_t len)
{
	const char *zn = ep->zone && ep->zone->name ? ep->zone->name : "?";
	char ab[ADDR_STRLEN];

	if (len == 0)
		return buf;
	switch (ep->kind) {
	case EP_ZONE:
		snprintf(buf, len, "%s", zn);
		break;
	case EP_HOST:
		snprintf(buf, len, "%s:%s", zn,
		    ep->host && ep->host->name ? ep->host->name : "?");
		break;
	case EP_PREFIX:
		snprintf(buf, len, "%s:%s", zn,
		    addr_fmt(&ep->prefix, ab, sizeof(ab)));
		break;
	default:
		snprintf(buf, len, "?");
	}
	return buf;
}

const char *
zone_kind_name(enum zone_kind k)
{
	switch (k) {
	case ZK_MYNUMBER:	return "mynumber";
	case ZK_LGWAN:		return "lgwan";
	case ZK_INTERNET:	return "internet";
	case ZK_MGMT:		return "mgmt";
	case ZK_OTHER:		return "other";
	}
	return "?";
}

const char *
proto_name(enum proto pr)
{
	switch (pr) {
	case PROTO_ICMP:	return "icmp";
	case PROTO_TCP:		return "tcp";
	case PROTO_UDP:		return "udp";
	case PROTO_ICMPV6:	return "icmpv6";
	}
	return "?";
}

/* Exact lower-case names only, as config.md lists them. */
int
proto_parse(const char *s, enum proto *out)
{
	static const enum proto all[] = {
		PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6,
	};
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, proto_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

const char *
sanitize_name(enum sanitize s)
{
	switch (s) {
	case SAN_NONE:			return "none";
	case SAN_MAIL_TEXT:		return "mail-text";
	case SAN_SCREEN_TRANSFER:	return "screen-transfer";
	case SAN_FILE_SANITIZE:		return "file-sanitize";
	}
	return "?";
}

const char *
unknown_hosts_name(enum unknown_hosts u)
{
	switch (u) {
	case UH_BLOCK:	return "block";
	case UH_ALERT:	return "alert";
	case UH_ALLOW:	return "allow";
	}
	return "?";
}
