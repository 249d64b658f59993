/* nft_ir.c - builders of the ruleset IR and the normalisation of set elements. */
#include <stdlib.h>
#include <string.h>

#include "nft_ir.h"
#include "nftc.h"

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

/* Bits that vary inside field i of e: the field's width, in powers of two. */
static int
field_bits(const struct nir_set *s, const struct nir_elem *e, int i)
{
	int off = nir_field_off(s, i), len = nir_type_len(s->types[i]), k;

	for (k = 0; k < len; k++)
		if (e->lo[off + k] != e->hi[off + k])
			return (len - k) * 8 - __builtin_clz(
			    (unsigned)(e->lo[off + k] ^ e->hi[off + k])) + 24;
	return 0;
}

/*
 * hi - lo of each field, big-endian, fields one after the other: if x
 * contains y, x's widths are >= y's in every field, so x sorts first.
 */
static void
widths(const struct nir_set *s, const struct nir_elem *e, uint8_t *w)
{
	int i, k, off, len, borrow;

	for (i = 0; i < s->ntypes; i++) {
		off = nir_field_off(s, i);
		len = nir_type_len(s->types[i]);
		for (borrow = 0, k = len - 1; k >= 0; k--) {
			int d = e->hi[off + k] - e->lo[off + k] - borrow;

			borrow = d < 0;
			w[off + k] = (uint8_t)(d + (borrow ? 256 : 0));
		}
	}
}

/*
 * Who keeps an overlap: the longer life (so it stays allowed after the
 * other expires), then the wider box, then model order.  Wider first makes
 * a box contained in an earlier one vanish in one subtraction: one wide
 * flow over many small ones is linear, where model order would cut the
 * wide box around every small one (quadratic, and as many pieces).
 * The packets of the overlap are counted by the keeping flow.
 */
static int
prio_cmp(const void *a, const void *b, void *arg)
{
	const struct nir_elem *x = *(struct nir_elem *const *)a;
	const struct nir_elem *y = *(struct nir_elem *const *)b;
	const struct nir_set *s = arg;
	uint8_t wx[NIR_KEYMAX], wy[NIR_KEYMAX];
	int i, bx = 0, by = 0, r;

	if (x->timeout_ms != y->timeout_ms) {
		if (x->timeout_ms == 0)
			return -1;
		if (y->timeout_ms == 0)
			return 1;
		return x->timeout_ms > y->timeout_ms ? -1 : 1;
	}
	for (i = 0; i < s->ntypes; i++) {
		bx += field_bits(s, x, i);
		by += field_bits(s, y, i);
	}
	if (bx != by)
		return bx > by ? -1 : 1;
	widths(s, x, wx);
	widths(s, y, wy);
	if ((r = memcmp(wx, wy, nir_field_off(s, s->ntypes))) != 0)
		return -r;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Big-endian increment/decrement of one field; returns false on wrap. */
static bool
be_inc(uint8_t *p, int len)
{
	int i;

	for (i = len - 1; i >= 0; i--)
		if (++p[i] != 0)
			return true;
	return false;
}

static bool
be_dec(uint8_t *p, int len)
{
	int i;

	for (i = len - 1; i >= 0; i--)
		if (p[i]-- != 0)
			return true;
	return false;
}

static bool
box_overlap(const struct nir_set *s, const struct nir_elem *a,
    const struct nir_elem *b)
{
	int i, off, len;

	for (i = 0; i < s->ntypes; i++) {
		off = nir_field_off(s, i);
		len = nir_type_len(s->types[i]);
		if (memcmp(a->hi + off, b->lo + off, len) < 0 ||
		    memcmp(b->hi + off, a->lo + off, len) < 0)
			return false;
	}
	return true;
}

struct boxes {
	struct nir_elem	*v;
	size_t		 n, cap;
};

static int
boxes_push(struct boxes *b, const struct nir_elem *e)
{
	struct nir_elem *nv;
	size_t ncap;

	if (b->n == b->cap) {
		ncap = b->cap ? b->cap * 2 : 8;
		if ((nv = realloc(b->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		b->v = nv;
		b->cap = ncap;
	}
	b->v[b->n++] = *e;
	return 0;
}

/* Append the parts of p outside a to out. */
static int
box_subtract(const struct nir_set *s, struct nir_elem p,
    const struct nir_elem *a, struct boxes *out)
{
	struct nir_elem piece;
	int i, off, len;

	for (i = 0; i < s->ntypes; i++) {
		off = nir_field_off(s, i);
		len = nir_type_len(s->types[i]);
		if (memcmp(p.lo + off, a->lo + off, len) < 0) {
			piece = p;
			memcpy(piece.hi + off, a->lo + off, len);
			be_dec(piece.hi + off, len);
			if (boxes_push(out, &piece) == -1)
				return -1;
			memcpy(p.lo + off, a->lo + off, len);
		}
		if (memcmp(p.hi + off, a->hi + off, len) > 0) {
			piece = p;
			memcpy(piece.lo + off, a->hi + off, len);
			be_inc(piece.lo + off, len);
			if (boxes_push(out, &piece) == -1)
				return -1;
			memcpy(p.hi + off, a->hi + off, len);
		}
	}
	return 0;
}

/* Resolve one group of mutually overlapping elements by priority. */
static int
resolve_group(struct nir_set *s, struct nir_elem **g, size_t n,
    struct boxes *acc)
{
	struct boxes cur = { 0 }, next = { 0 };
	size_t i, j, k, start = acc->n;
	int rc = -1;

	qsort_r(g, n, sizeof(*g), prio_cmp, s);
	for (i = 0; i < n; i++) {
		cur.n = 0;
		if (boxes_push(&cur, g[i]) == -1)
			goto out;
		for (j = start; j < acc->n && cur.n > 0; j++) {
			next.n = 0;
			for (k = 0; k < cur.n; k++) {
				if (!box_overlap(s, &cur.v[k], &acc->v[j])) {
					if (boxes_push(&next, &cur.v[k]) == -1)
						goto out;
				} else if (box_subtract(s, cur.v[k], &acc->v[j],
				    &next) == -1)
					goto out;
			}
			struct boxes t = cur;
			cur = next;
			next = t;
		}
		for (k = 0; k < cur.n; k++)
			if (boxes_push(acc, &cur.v[k]) == -1)
				goto out;
		g[i]->dead = true;
	}
	rc = 0;
out:
	free(cur.v);
	free(next.v);
	return rc;
}

static size_t
uf_find(size_t *up, size_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

/* Fields in which every element is one value: boxes overlap there only if equal. */
static unsigned
point_fields(const struct nir_set *s)
{
	unsigned mask = 0;
	size_t i;
	int f, off, len;

	for (f = 0; f < s->ntypes; f++) {
		off = nir_field_off(s, f);
		len = nir_type_len(s->types[f]);
		for (i = 0; i < s->nelems; i++)
			if (memcmp(s->elems[i].lo + off, s->elems[i].hi + off,
			    len) != 0)
				break;
		if (i == s->nelems)
			mask |= 1u << f;
	}
	return mask;
}

/*
 * Pick the range field whose lower bounds vary most (over a sample): the
 * sweep's active list stays short.  Point fields are not swept, they group.
 */
static int
sweep_field(const struct nir_set *s, unsigned points)
{
	size_t i, nd, best_nd = 0, n = s->nelems < 4096 ? s->nelems : 4096;
	int f, best = 0, off, len;

	for (f = 0; f < s->ntypes; f++) {
		if (points & 1u << f)
			continue;
		off = nir_field_off(s, f);
		len = nir_type_len(s->types[f]);
		for (nd = 0, i = 1; i < n; i++)
			if (memcmp(s->elems[i].lo + off,
			    s->elems[i - 1].lo + off, len) != 0)
				nd++;
		if (nd >= best_nd) {
			best_nd = nd;
			best = f;
		}
	}
	return best;
}

struct sweep_ctx {
	const struct nir_set *s;
	unsigned	 points;
	int		 off, len;
};

/* Same values in all point fields: only such boxes can overlap. */
static int
point_cmp(const struct sweep_ctx *c, const struct nir_elem *x,
    const struct nir_elem *y)
{
	int f, off, r;

	for (f = 0; f < c->s->ntypes; f++) {
		if (!(c->points & 1u << f))
			continue;
		off = nir_field_off(c->s, f);
		if ((r = memcmp(x->lo + off, y->lo + off,
		    nir_type_len(c->s->types[f]))) != 0)
			return r;
	}
	return 0;
}

static int
sweep_cmp(const void *a, const void *b, void *arg)
{
	const struct nir_elem *x = *(struct nir_elem *const *)a;
	const struct nir_elem *y = *(struct nir_elem *const *)b;
	const struct sweep_ctx *c = arg;
	int r;

	if ((r = point_cmp(c, x, y)) != 0)
		return r;
	if ((r = memcmp(x->lo + c->off, y->lo + c->off, c->len)) != 0)
		return r;
	return x < y ? -1 : x > y;
}

/* Order element pointers by their group root, then by position. */
struct root_ctx {
	const size_t	*up;
	const struct nir_elem *base;
};

static int
root_cmp(const void *a, const void *b, void *arg)
{
	const struct nir_elem *x = *(struct nir_elem *const *)a;
	const struct nir_elem *y = *(struct nir_elem *const *)b;
	const struct root_ctx *c = arg;
	size_t rx = c->up[x - c->base], ry = c->up[y - c->base];

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Union of single-field intervals (rbtree sets refuse overlaps). */
static void
merge_ranges(struct nir_set *s, int klen)
{
	struct nir_elem *w, *e;
	uint8_t next[NIR_KEYMAX];
	size_t i, n = 0;

	for (i = 0; i < s->nelems; i++) {
		e = &s->elems[i];
		if (n > 0) {
			w = &s->elems[n - 1];
			memcpy(next, w->hi, klen);
			/* touching or overlapping: extend w */
			if (!be_inc(next, klen) ||
			    memcmp(e->lo, next, klen) <= 0) {
				if (memcmp(e->hi, w->hi, klen) > 0)
					memcpy(w->hi, e->hi, klen);
				continue;
			}
		}
		s->elems[n++] = *e;
	}
	s->nelems = n;
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

static int
disjoin_boxes(struct nir_set *s)
{
	struct nir_elem **ord = NULL, **act = NULL, **grp = NULL;
	struct boxes acc = { 0 };
	struct sweep_ctx c;
	struct root_ctx rc_;
	size_t *up = NULL, i, j, nact = 0, ngrp, n = s->nelems, r;
	int f, rc = -1;
	bool any = false;

	if (n < 2)
		return 0;
	c.s = s;
	c.points = point_fields(s);
	f = sweep_field(s, c.points);
	c.off = nir_field_off(s, f);
	c.len = nir_type_len(s->types[f]);
	if ((ord = calloc(n, sizeof(*ord))) == NULL ||
	    (act = calloc(n, sizeof(*act))) == NULL ||
	    (grp = calloc(n, sizeof(*grp))) == NULL ||
	    (up = calloc(n, sizeof(*up))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		ord[i] = &s->elems[i];
		up[i] = i;
	}
	qsort_r(ord, n, sizeof(*ord), sweep_cmp, &c);
	for (i = 0; i < n; i++) {
		if (i > 0 && point_cmp(&c, ord[i - 1], ord[i]) != 0)
			nact = 0;	/* a new group of point values */
		/* drop active boxes that end before this one starts */
		for (j = 0; j < nact; ) {
			if (memcmp(act[j]->hi + c.off, ord[i]->lo + c.off,
			    c.len) < 0)
				act[j] = act[--nact];
			else {
				if (box_overlap(s, act[j], ord[i])) {
					size_t x = uf_find(up,
					    (size_t)(act[j] - s->elems));
					size_t y = uf_find(up,
					    (size_t)(ord[i] - s->elems));
					up[x > y ? x : y] = x > y ? y : x;
					any = true;
				}
				j++;
			}
		}
		act[nact++] = ord[i];
	}
	if (!any) {
		rc = 0;
		goto out;
	}
	/* resolve every group with more than one member */
	for (i = 0; i < n; i++)
		up[i] = uf_find(up, i);
	/* members sorted by root, then position: runs are the groups */
	for (i = 0; i < n; i++)
		ord[i] = &s->elems[i];
	rc_.up = up;
	rc_.base = s->elems;
	qsort_r(ord, n, sizeof(*ord), root_cmp, &rc_);
	for (i = 0; i < n; i = j) {
		r = up[ord[i] - s->elems];
		for (j = i; j < n && up[ord[j] - s->elems] == r; j++)
			grp[j - i] = ord[j];
		ngrp = j - i;
		if (ngrp > 1 && resolve_group(s, grp, ngrp, &acc) == -1)
			goto out;
	}
	for (i = 0, j = 0; i < n; i++)
		if (!s->elems[i].dead)
			s->elems[j++] = s->elems[i];
	s->nelems = j;
	for (i = 0; i < acc.n; i++) {
		if (s->nelems == s->cap) {
			struct nir_elem *ne;
			size_t ncap = s->cap * 2 + 8;

			if ((ne = realloc(s->elems, ncap * sizeof(*ne))) == NULL)
				goto out;
			s->elems = ne;
			s->cap = ncap;
		}
		s->elems[s->nelems++] = acc.v[i];
	}
	rc = 0;
out:
	free(ord);
	free(act);
	free(grp);
	free(up);
	free(acc.v);
	return rc;
}

int
nir_set_normalize(struct nir_set *s)
{
	struct elem_cmp_ctx c;

	c.klen = nir_field_off(s, s->ntypes);
	if (s->nelems == 0)
		return 0;
	if (s->interval && s->ntypes > 1 && disjoin_boxes(s) == -1)
		return -1;
	qsort_r(s->elems, s->nelems, sizeof(*s->elems), elem_cmp_r, &c);
	if (s->interval && s->ntypes == 1)
		merge_ranges(s, nir_type_len(s->types[0]));
	else
		dedupe_exact(s, c.klen);
	return 0;
}
