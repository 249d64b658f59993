/* policy_index.c - lookup tables for large policies: sorted arrays and binary search. */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_index.h"

/*
 * Every table carries the model order (seq) as the last key, so equal keys
 * (a duplicate the loader reports as an error) resolve to the first one,
 * exactly as the linear scans in policy.c do.
 */

static int
seq_cmp(size_t x, size_t y)
{
	return x < y ? -1 : x > y;
}

static int
iface_cmp(const void *x, const void *y)
{
	const struct pi_iface *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : seq_cmp(a->seq, b->seq);
}

static int
mac_ent_cmp(const void *x, const void *y)
{
	const struct pi_mac *a = x, *b = y;
	int c = mac_cmp(&a->mac, &b->mac);

	return c != 0 ? c : seq_cmp(a->seq, b->seq);
}

static int
addr_ent_cmp(const void *x, const void *y)
{
	const struct pi_addr *a = x, *b = y;
	int c = addr_cmp(&a->a, &b->a);

	return c != 0 ? c : seq_cmp(a->seq, b->seq);
}

static int
net_cmp(const void *x, const void *y)
{
	const struct pi_net *a = x, *b = y;
	int c;

	if (a->net.family != b->net.family)
		return a->net.family < b->net.family ? -1 : 1;
	if (a->net.plen != b->net.plen)
		return a->net.plen > b->net.plen ? -1 : 1;
	if ((c = addr_cmp(&a->net, &b->net)) != 0)
		return c;
	return seq_cmp(a->seq, b->seq);
}

static int
flow_ptr_cmp(const void *x, const void *y)
{
	const struct flow *a = *(struct flow * const *)x;
	const struct flow *b = *(struct flow * const *)y;
	int c = strcmp(a->id, b->id);

	/* One array, so the pointer order is the model order. */
	return c != 0 ? c : (a > b) - (a < b);
}

/*
 * Policies are mostly written in order (flow ids counting up, networks by
 * zone): a sorted table skips qsort, which compares far more than once
 * per element even then.
 */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *,
    const void *))
{
	const char *b = base;
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp(b + (i - 1) * size, b + i * size) > 0)
			break;
	if (i < n)
		qsort(base, n, size, cmp);
}

void
policy_index_free(struct policy_index *pi)
{
	if (pi == NULL)
		return;
	free(pi->ifaces);
	free(pi->macs);
	free(pi->addrs);
	free(pi->nets);
	free(pi->groups);
	free(pi->flows);
	free(pi);
}

static int
index_build(struct policy_index *pi, const struct policy *p)
{
	size_t i, j, k, ni = 0, nm = 0, na = 0, nn = 0, nf = 0;

	for (i = 0; i < p->nzones; i++) {
		const struct zone *z = &p->zones[i];

		ni += z->nifaces;
		nn += z->nnets;
		for (j = 0; j < z->nhosts; j++) {
			nm += z->hosts[j].has_mac;
			na += z->hosts[j].naddrs;
		}
	}
	for (i = 0; i < p->nflows; i++)
		nf += p->flows[i].id != NULL;

	/* calloc(0) may return NULL: ask for one more than needed. */
	if ((pi->ifaces = calloc(ni + 1, sizeof(*pi->ifaces))) == NULL ||
	    (pi->macs = calloc(nm + 1, sizeof(*pi->macs))) == NULL ||
	    (pi->addrs = calloc(na + 1, sizeof(*pi->addrs))) == NULL ||
	    (pi->nets = calloc(nn + 1, sizeof(*pi->nets))) == NULL ||
	    (pi->groups = calloc(nn + 1, sizeof(*pi->groups))) == NULL ||
	    (pi->flows = calloc(nf + 1, sizeof(*pi->flows))) == NULL)
		return -1;

	for (i = 0; i < p->nzones; i++) {
		struct zone *z = &p->zones[i];

		for (j = 0; j < z->nifaces; j++) {
			if (z->ifaces[j] == NULL)
				continue;
			pi->ifaces[pi->nifaces].name = z->ifaces[j];
			pi->ifaces[pi->nifaces].zone = z;
			pi->ifaces[pi->nifaces].seq = pi->nifaces;
			pi->nifaces++;
		}
		for (j = 0; j < z->nnets; j++) {
			struct pi_net *e = &pi->nets[pi->nnets];

			e->net = z->nets[j];
			prefix_mask(&e->net);
			e->zone = z;
			e->seq = pi->nnets++;
		}
		for (j = 0; j < z->nhosts; j++) {
			struct host *h = &z->hosts[j];

			if (h->has_mac) {
				pi->macs[pi->nmacs].mac = h->mac;
				pi->macs[pi->nmacs].host = h;
				pi->macs[pi->nmacs].seq = pi->nmacs;
				pi->nmacs++;
			}
			for (k = 0; k < h->naddrs; k++) {
				pi->addrs[pi->naddrs].a = h->addrs[k];
				pi->addrs[pi->naddrs].host = h;
				pi->addrs[pi->naddrs].seq = pi->naddrs;
				pi->naddrs++;
			}
		}
	}
	for (i = 0; i < p->nflows; i++)
		if (p->flows[i].id != NULL)
			pi->flows[pi->nflows++] = &p->flows[i];

	sort(pi->ifaces, pi->nifaces, sizeof(*pi->ifaces), iface_cmp);
	sort(pi->macs, pi->nmacs, sizeof(*pi->macs), mac_ent_cmp);
	sort(pi->addrs, pi->naddrs, sizeof(*pi->addrs), addr_ent_cmp);
	sort(pi->nets, pi->nnets, sizeof(*pi->nets), net_cmp);
	sort(pi->flows, pi->nflows, sizeof(*pi->flows), flow_ptr_cmp);

	for (i = 0; i < pi->nnets; i++) {
		struct pi_netgroup *g = pi->ngroups ?
		    &pi->groups[pi->ngroups - 1] : NULL;

		if (g == NULL || g->family != pi->nets[i].net.family ||
		    g->plen != pi->nets[i].net.plen) {
			g = &pi->groups[pi->ngroups++];
			g->family = pi->nets[i].net.family;
			g->plen = pi->nets[i].net.plen;
			g->start = i;
		}
		g->n++;
	}
	return 0;
}

int
policy_index(struct policy *p)
{
	struct policy_index *pi;

	if ((pi = calloc(1, sizeof(*pi))) == NULL)
		return -1;
	if (index_build(pi, p) == -1) {
		policy_index_free(pi);
		return -1;
	}
	/* Called again (tests, a rebuilt model): the new tables replace the old. */
	policy_index_free(p->idx);
	p->idx = pi;
	return 0;
}

/*
 * The first element not less than the key; all searches below use it so
 * that among equal keys the first in model order is found.
 */
#define LOWER_BOUND(arr, n, lessfn, key, out) do {			\
	size_t lo_ = 0, hi_ = (n);					\
	while (lo_ < hi_) {						\
		size_t mid_ = lo_ + (hi_ - lo_) / 2;			\
		if (lessfn(&(arr)[mid_], (key)))			\
			lo_ = mid_ + 1;					\
		else							\
			hi_ = mid_;					\
	}								\
	(out) = lo_;							\
} while (0)

#define IFACE_LESS(e, k)	(strcmp((e)->name, (k)) < 0)
#define MAC_LESS(e, k)		(mac_cmp(&(e)->mac, (k)) < 0)
#define FLOW_LESS(e, k)		(strcmp((*(e))->id, (k)) < 0)

/* Address entries compare on (family, bytes) only: host entries are full length. */
#define ADDR_LESS(e, k)		(addr_bytes_cmp(&(e)->a, (k)) < 0)
#define NET_LESS(e, k)		(addr_bytes_cmp(&(e)->net, (k)) < 0)

struct zone *
pi_zone_of_iface(const struct policy_index *pi, const char *name)
{
	size_t i;

	LOWER_BOUND(pi->ifaces, pi->nifaces, IFACE_LESS, name, i);
	if (i < pi->nifaces && strcmp(pi->ifaces[i].name, name) == 0)
		return pi->ifaces[i].zone;
	return NULL;
}

struct host *
pi_host_by_mac(const struct policy_index *pi, const struct mac *m)
{
	size_t i;

	LOWER_BOUND(pi->macs, pi->nmacs, MAC_LESS, m, i);
	if (i < pi->nmacs && mac_eq(&pi->macs[i].mac, m))
		return pi->macs[i].host;
	return NULL;
}

struct host *
pi_host_by_addr(const struct policy_index *pi, const struct addr *a)
{
	size_t i;

	LOWER_BOUND(pi->addrs, pi->naddrs, ADDR_LESS, a, i);
	for (; i < pi->naddrs && addr_bytes_cmp(&pi->addrs[i].a, a) == 0; i++)
		if (pi->addrs[i].a.plen == a->plen)
			return pi->addrs[i].host;
	return NULL;
}

struct flow *
pi_flow_by_id(const struct policy_index *pi, const char *id)
{
	size_t i;

	LOWER_BOUND(pi->flows, pi->nflows, FLOW_LESS, id, i);
	if (i < pi->nflows && strcmp(pi->flows[i]->id, id) == 0)
		return pi->flows[i];
	return NULL;
}

/*
 * Longest prefix first: one binary search per distinct prefix length of
 * the address's family, so a /0 catch-all is only reached when nothing
 * more specific holds the address.
 */
struct zone *
pi_zone_of_addr(const struct policy_index *pi, const struct addr *a)
{
	size_t g, i;

	for (g = 0; g < pi->ngroups; g++) {
		const struct pi_netgroup *gr = &pi->groups[g];
		const struct pi_net *v = pi->nets + gr->start;
		struct addr key;

		if (gr->family != a->family || gr->plen > a->plen)
			continue;
		key = *a;
		key.plen = gr->plen;
		prefix_mask(&key);
		LOWER_BOUND(v, gr->n, NET_LESS, &key, i);
		if (i < gr->n && addr_bytes_cmp(&v[i].net, &key) == 0)
			return v[i].zone;
	}
	return NULL;
}
