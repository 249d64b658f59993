/* nft_ir_overlap.c - interval sets made disjoint: overlapping boxes cut by priority, ranges joined. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft_ir.h"
#include "nft_ir_overlap.h"

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
void
nir_merge_ranges(struct nir_set *s, int klen)
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

/*
 * A sweep along one field finds the overlapping pairs, union-find joins
 * them into groups, each group is resolved on its own (resolve_group).
 */
int
nir_disjoin_boxes(struct nir_set *s)
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
