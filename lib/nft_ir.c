/* nft_ir.c - builders of the ruleset IR and the normalisation of set elements. */
#include <stdlib.h>
#include <string.h>

#include "nft_ir.h"
#include "nftc.h"
#include "nft_ir_overlap.h"

int
nir_type_len(enum nir_type t)
{
	switch (t) {
	case NT_ETHER:		return 6;
	case NT_IPV4:		return 4;
	case NT_IPV6:		return 16;
	case NT_PROTO:		return 1;
	case NT_SERVICE:	return 2;
	case NT_ICMP:		return 1;
	case NT_ICMPV6:		return 1;
	case NT_IFNAME:		return 16;
	case NT_VERDICT:	return 0;
	}
	return 0;
}

int
nir_type_padlen(enum nir_type t)
{
	return (nir_type_len(t) + 3) & ~3;
}

enum nir_type
nir_field_type(enum nir_field f)
{
	switch (f) {
	case NF_IIFNAME:
	case NF_OIFNAME:	return NT_IFNAME;
	case NF_ETHER_SADDR:	return NT_ETHER;
	case NF_IP_SADDR:
	case NF_IP_DADDR:	return NT_IPV4;
	case NF_IP6_SADDR:
	case NF_IP6_DADDR:	return NT_IPV6;
	case NF_L4PROTO:	return NT_PROTO;
	case NF_TH_DPORT:
	case NF_TH_SPORT:
	case NF_TCP_DPORT:	return NT_SERVICE;
	case NF_ICMP_TYPE:	return NT_ICMP;
	case NF_ICMPV6_TYPE:	return NT_ICMPV6;
	}
	return NT_VERDICT;
}

int
nir_set_keylen(const struct nir_set *s)
{
	if (s->ntypes == 1)
		return nir_type_len(s->types[0]);
	return nir_field_off(s, s->ntypes);
}

/*
 * The size a set is declared with (0: none).  A hash set whose elements are
 * all in the batch gets its exact count: the kernel then sizes its hash table
 * once instead of growing it while the elements arrive (a quarter of the
 * commit of a 10,000-flow table), and nobody can add an element to it later.
 * Interval sets and sets changed at run time get none.
 */
uint32_t
nir_set_size(const struct nir_set *s)
{
	if (s->interval || s->dynamic || s->nelems == 0 ||
	    s->nelems > UINT32_MAX)
		return 0;
	return (uint32_t)s->nelems;
}

int
nir_field_off(const struct nir_set *s, int i)
{
	int k, off = 0;

	for (k = 0; k < i && k < s->ntypes; k++)
		off += nir_type_padlen(s->types[k]);
	return off;
}

static void *
grow(struct nft_ir *ir, void *p, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 16;
	if ((np = realloc(p, ncap * sz)) == NULL) {
		ir->oom = true;
		return NULL;
	}
	*cap = ncap;
	return np;
}

size_t
nir_set_add(struct nft_ir *ir, const char *name, const enum nir_type *types,
    int ntypes, bool interval, enum nir_data data)
{
	struct nir_set *s, *ns;
	int i;

	if ((ns = grow(ir, ir->sets, &ir->capsets, ir->nsets, sizeof(*ns))) == NULL)
		return (size_t)-1;
	ir->sets = ns;
	s = &ir->sets[ir->nsets];
	memset(s, 0, sizeof(*s));
	strncpy(s->name, name, sizeof(s->name) - 1);
	for (i = 0; i < ntypes && i < NIR_MAXFIELDS; i++)
		s->types[i] = types[i];
	s->ntypes = i;
	s->interval = interval;
	s->data = data;
	return ir->nsets++;
}

struct nir_elem *
nir_elem_add(struct nft_ir *ir, size_t set)
{
	struct nir_set *s;
	struct nir_elem *ne;

	if (set >= ir->nsets || ir->oom)
		return NULL;
	s = &ir->sets[set];
	if ((ne = grow(ir, s->elems, &s->cap, s->nelems, sizeof(*ne))) == NULL)
		return NULL;
	s->elems = ne;
	ne = &s->elems[s->nelems++];
	memset(ne, 0, sizeof(*ne));
	return ne;
}

size_t
nir_chain_add(struct nft_ir *ir, const char *name, enum nir_hook hook)
{
	struct nir_chain *nc;

	if ((nc = grow(ir, ir->chains, &ir->capchains, ir->nchains,
	    sizeof(*nc))) == NULL)
		return (size_t)-1;
	ir->chains = nc;
	nc = &ir->chains[ir->nchains];
	memset(nc, 0, sizeof(*nc));
	strncpy(nc->name, name, sizeof(nc->name) - 1);
	nc->hook = hook;
	return ir->nchains++;
}

struct nir_rule *
nir_rule_add(struct nft_ir *ir, size_t chain)
{
	struct nir_rule *nr;

	if (ir->oom || chain >= ir->nchains || (nr = grow(ir, ir->rules,
	    &ir->caprules, ir->nrules, sizeof(*nr))) == NULL)
		return NULL;
	ir->rules = nr;
	nr = &ir->rules[ir->nrules++];
	memset(nr, 0, sizeof(*nr));
	nr->chain = chain;
	nr->verdict = NV_NONE;
	return nr;
}

void
nir_match_cmp(struct nir_rule *r, enum nir_mkind kind, uint32_t val)
{
	if (r == NULL || r->nm >= 4)
		return;
	r->m[r->nm].kind = kind;
	r->m[r->nm].val = val;
	r->nm++;
}

void
nir_match_lookup(struct nir_rule *r, bool neg, size_t set,
    const enum nir_field *f, int nf)
{
	struct nir_match *m;
	int i;

	if (r == NULL || r->nm >= 4)
		return;
	m = &r->m[r->nm++];
	m->kind = neg ? NM_LOOKUP_NOT : NM_LOOKUP;
	m->set = set;
	for (i = 0; i < nf && i < NIR_MAXFIELDS; i++)
		m->f[i] = f[i];
	m->nf = i;
}

size_t
nir_set_find(const struct nft_ir *ir, const char *name)
{
	size_t i;

	for (i = 0; i < ir->nsets; i++)
		if (strcmp(ir->sets[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

void
nft_ir_free(struct nft_ir *ir)
{
	size_t i;

	if (ir == NULL)
		return;
	for (i = 0; i < ir->ncounters; i++)
		free(ir->counters[i]);
	free(ir->counters);
	for (i = 0; i < ir->nsets; i++)
		free(ir->sets[i].elems);
	free(ir->sets);
	free(ir->chains);
	free(ir->rules);
	free(ir);
}

/* ---- element normalisation ---- */

/* qsort has no context argument in C11; the key length travels here. */
struct elem_cmp_ctx {
	int		 klen;
};

static int
elem_cmp_r(const void *a, const void *b, void *arg)
{
	const struct nir_elem *x = a, *y = b;
	const struct elem_cmp_ctx *c = arg;
	int r;

	if ((r = memcmp(x->lo, y->lo, c->klen)) != 0)
		return r;
	return memcmp(x->hi, y->hi, c->klen);
}

/* Longer life first (0 = forever), then model order. */
static bool
elem_better(const struct nir_elem *x, const struct nir_elem *y)
{
	if (x->timeout_ms != y->timeout_ms) {
		if (x->timeout_ms == 0)
			return true;
		if (y->timeout_ms == 0)
			return false;
		return x->timeout_ms > y->timeout_ms;
	}
	return x->prio < y->prio;
}

/* Exact keys: keep the best of each run of equal keys. */
static void
dedupe_exact(struct nir_set *s, int klen)
{
	size_t i, n = 0;

	for (i = 0; i < s->nelems; i++) {
		if (n > 0 && memcmp(s->elems[n - 1].lo, s->elems[i].lo,
		    klen) == 0) {
			if (elem_better(&s->elems[i], &s->elems[n - 1]))
				s->elems[n - 1] = s->elems[i];
			continue;
		}
		s->elems[n++] = s->elems[i];
	}
	s->nelems = n;
}

/*
 * Sorted, then without duplicates: interval sets first made disjoint
 * (nft_ir_overlap.c), exact keys keeping the best of equal ones.
 */
int
nir_set_normalize(struct nir_set *s)
{
	struct elem_cmp_ctx c;

	c.klen = nir_field_off(s, s->ntypes);
	if (s->nelems == 0)
		return 0;
	if (s->interval && s->ntypes > 1 && nir_disjoin_boxes(s) == -1)
		return -1;
	qsort_r(s->elems, s->nelems, sizeof(*s->elems), elem_cmp_r, &c);
	if (s->interval && s->ntypes == 1)
		nir_merge_ranges(s, nir_type_len(s->types[0]));
	else
		dedupe_exact(s, c.klen);
	return 0;
}
