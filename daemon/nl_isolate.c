/* nl_isolate.c - the emergency path: a zone's interfaces in or out of set @isolated, one small batch. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <net/if.h>
#include <linux/netfilter.h>

#include <libnftnl/set.h>

#include "nftc.h"
#include "nl.h"
#include "nl_isolate.h"
#include "policy.h"

/* The set the compiler always creates (lib/nftc_compile.c). */
#define ISOLATED_SET	"isolated"

int
nl_isolate_ifaces(struct nl *nl, char *const *ifaces, size_t n, bool on,
    struct nl_error *e)
{
	struct nftnl_set *s;
	struct nftnl_set_elem *el;
	char key[IFNAMSIZ];
	size_t i;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((s = nftnl_set_alloc()) == NULL)
		goto oom;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFTC_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, ISOLATED_SET);
	for (i = 0; i < n; i++) {
		/* type ifname: the name zero-padded to IFNAMSIZ, as nft sends it */
		memset(key, 0, sizeof(key));
		strncpy(key, ifaces[i], sizeof(key) - 1);
		if ((el = nftnl_set_elem_alloc()) == NULL)
			goto oom;
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key, sizeof(key));
		nftnl_set_elem_add(s, el);
	}
	rc = nl_set_elems(nl, s, on, e);
	nftnl_set_free(s);
	return rc;
oom:
	if (s != NULL)
		nftnl_set_free(s);
	e->code = ENOMEM;
	snprintf(e->msg, sizeof(e->msg), "building the batch: %s",
	    strerror(ENOMEM));
	return -1;
}

static bool
listed_elsewhere(const struct policy *p, const bool *isolated, size_t zi,
    const char *ifname)
{
	size_t i, j;

	for (i = 0; i < p->nzones; i++) {
		if (i == zi || !isolated[i])
			continue;
		for (j = 0; j < p->zones[i].nifaces; j++)
			if (strcmp(p->zones[i].ifaces[j], ifname) == 0)
				return true;
	}
	return false;
}

int
nl_isolate_zone(struct nl *nl, const struct policy *p, const bool *isolated,
    size_t zi, bool on, struct nl_error *e)
{
	const struct zone *z = &p->zones[zi];
	char **v;
	size_t i, n = 0;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((v = calloc(z->nifaces ? z->nifaces : 1, sizeof(*v))) == NULL) {
		e->code = ENOMEM;
		snprintf(e->msg, sizeof(e->msg), "%s", strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < z->nifaces; i++)
		if (on || !listed_elsewhere(p, isolated, zi, z->ifaces[i]))
			v[n++] = z->ifaces[i];
	rc = n == 0 ? 0 : nl_isolate_ifaces(nl, v, n, on, e);
	free(v);
	return rc;
}
