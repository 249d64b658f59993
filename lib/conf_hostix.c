/* conf_hostix.c - every zone's hosts hashed by name, so each flow endpoint resolves in one probe. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"

/*
 * zone_host_by_name() is a binary search of strcmp over the zone's hosts,
 * 10 compares for 1,000 hosts and a cache miss for most; with two
 * endpoints per flow it was the loader's largest cost after libconfig.
 * The table lives only while the flows are parsed.  Among hosts of one
 * zone with the same name (an error reported elsewhere) the first in
 * model order is kept, as zone_host_by_name() finds it.
 */

static uint64_t
hash(const struct zone *z, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)z->index;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 29);
}

int
pc_hostix_build(struct pctx *c)
{
	const struct policy *p = c->p;
	struct host *h, **v;
	size_t i, j, n = 0, size = 16, k;

	for (i = 0; i < p->nzones; i++)
		n += p->zones[i].nhosts;
	if (n == 0)
		return 0;
	while (size < 2 * n)
		size *= 2;
	if ((v = calloc(size, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nhosts; j++) {
			h = &p->zones[i].hosts[j];
			if (h->name == NULL)
				continue;
			for (k = hash(h->zone, h->name) & (size - 1);
			    v[k] != NULL; k = (k + 1) & (size - 1))
				if (v[k]->zone == h->zone &&
				    strcmp(v[k]->name, h->name) == 0)
					break;
			if (v[k] == NULL)
				v[k] = h;
		}
	c->hostix = v;
	c->hostix_mask = size - 1;
	return 0;
}

struct host *
pc_host(const struct pctx *c, const struct zone *z, const char *name)
{
	struct host *h;
	size_t k;

	if (c->hostix == NULL)
		return zone_host_by_name(z, name);
	for (k = hash(z, name) & c->hostix_mask; (h = c->hostix[k]) != NULL;
	    k = (k + 1) & c->hostix_mask)
		if (h->zone == z && strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

void
pc_hostix_free(struct pctx *c)
{
	free(c->hostix);
	c->hostix = NULL;
	c->hostix_mask = 0;
}
