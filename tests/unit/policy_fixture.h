/* policy_fixture.h - building a policy model by hand (zones, hosts, flows) for the model tests. */
#ifndef BUNRI_POLICY_FIXTURE_H
#define BUNRI_POLICY_FIXTURE_H

#include <sys/socket.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static inline char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

static inline void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	ck_assert_ptr_nonnull(p);
	return p;
}

static inline struct addr
A(const char *s)
{
	struct addr a;

	ck_assert_msg(prefix_parse(s, &a) == ADDR_OK, "bad test address %s", s);
	return a;
}

static inline struct mac
M(const char *s)
{
	struct mac m;

	ck_assert_msg(mac_parse(s, &m) == 0, "bad test MAC %s", s);
	return m;
}

/* ifaces and nets are NULL-terminated lists of strings. */
static inline void
zone_set(struct zone *z, size_t index, const char *name, enum zone_kind k,
    const char **ifaces, const char **nets, size_t nhosts)
{
	size_t i;

	z->name = xstrdup(name);
	z->kind = k;
	z->index = index;
	for (z->nifaces = 0; ifaces[z->nifaces] != NULL; z->nifaces++)
		;
	z->ifaces = xcalloc(z->nifaces, sizeof(*z->ifaces));
	for (i = 0; i < z->nifaces; i++)
		z->ifaces[i] = xstrdup(ifaces[i]);
	for (z->nnets = 0; nets[z->nnets] != NULL; z->nnets++)
		;
	z->nets = xcalloc(z->nnets, sizeof(*z->nets));
	for (i = 0; i < z->nnets; i++)
		z->nets[i] = A(nets[i]);
	z->nhosts = nhosts;
	z->hosts = xcalloc(nhosts, sizeof(*z->hosts));
}

static inline void
host_set(struct zone *z, size_t i, const char *name, const char *mac,
    const char **addrs)
{
	struct host *h = &z->hosts[i];
	size_t j;

	h->name = xstrdup(name);
	h->zone = z;
	h->index = i;
	if (mac != NULL) {
		h->has_mac = true;
		h->mac = M(mac);
	}
	for (h->naddrs = 0; addrs[h->naddrs] != NULL; h->naddrs++)
		;
	h->addrs = xcalloc(h->naddrs, sizeof(*h->addrs));
	for (j = 0; j < h->naddrs; j++)
		h->addrs[j] = A(addrs[j]);
}

static inline void
flow_set(struct flow *f, size_t i, const char *id, struct endpoint from,
    struct endpoint to, enum proto pr, uint16_t port)
{
	f->id = xstrdup(id);
	f->index = i;
	f->from = from;
	f->to = to;
	f->proto = pr;
	f->nports = 1;
	f->ports = xcalloc(1, sizeof(*f->ports));
	f->ports[0].lo = f->ports[0].hi = port;
	f->sanitize = SAN_NONE;
	f->reason = xstrdup("test");
}

enum { Z_MN, Z_LG, Z_IN, Z_MG, NZONES };

#endif
