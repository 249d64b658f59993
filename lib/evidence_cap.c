/* evidence_cap.c - the disk budget of the evidence pcaps: which files there are, their sizes, which goes first. */
#include <stdlib.h>
#include <string.h>

#include "evidence_cap.h"

#define UNIT_MAX	(1u << 20)
#define NBUCKET_MIN	256

void
evcap_init(struct evcap *ec, uint64_t cap, uint64_t unit)
{
	uint64_t u = 1;

	memset(ec, 0, sizeof(*ec));
	while (u < unit && u < UNIT_MAX)
		u <<= 1;
	ec->unit = u;
	ec->cap = cap;
}

void
evcap_free(struct evcap *ec)
{
	struct evcap_file *f, *next;

	for (f = ec->oldest; f != NULL; f = next) {
		next = f->newer;
		free(f);
	}
	free(ec->bucket);
	ec->bucket = NULL;
	ec->nbucket = 0;
	ec->oldest = ec->newest = NULL;
	ec->nfiles = 0;
	ec->used = 0;
}

uint64_t
evcap_charge(const struct evcap *ec, uint64_t size)
{
	uint64_t r = size & (ec->unit - 1);

	if (r == 0)
		return size;
	if (size > UINT64_MAX - (ec->unit - r))
		return UINT64_MAX;
	return size + (ec->unit - r);
}

int
evcap_name(const char *name, uint64_t *flow_id)
{
	uint64_t v = 0;
	const char *s;

	if (name[0] < '0' || name[0] > '9' || (name[0] == '0' &&
	    name[1] >= '0' && name[1] <= '9'))
		return -1;
	for (s = name; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (strcmp(s, ".pcap") != 0)
		return -1;
	*flow_id = v;
	return 0;
}

/* Flow ids are hashes already; the multiply spreads hand-made ones too. */
static size_t
slot_of(const struct evcap *ec, uint64_t flow_id)
{
	return (size_t)((flow_id * 0x9e3779b97f4a7c15ULL) >> 32) &
	    (ec->nbucket - 1);
}

static int
rehash(struct evcap *ec)
{
	struct evcap_file **nb, *f;
	size_t n = ec->nbucket == 0 ? NBUCKET_MIN : ec->nbucket * 2;

	if (n < ec->nbucket || (nb = calloc(n, sizeof(*nb))) == NULL)
		return -1;
	free(ec->bucket);
	ec->bucket = nb;
	ec->nbucket = n;
	for (f = ec->oldest; f != NULL; f = f->newer) {
		f->hnext = nb[slot_of(ec, f->flow_id)];
		nb[slot_of(ec, f->flow_id)] = f;
	}
	return 0;
}

struct evcap_file *
evcap_find(const struct evcap *ec, uint64_t flow_id)
{
	struct evcap_file *f;

	if (ec->nbucket == 0)
		return NULL;
	for (f = ec->bucket[slot_of(ec, flow_id)]; f != NULL; f = f->hnext)
		if (f->flow_id == flow_id)
			return f;
	return NULL;
}

static void
unlink_list(struct evcap *ec, struct evcap_file *f)
{
	if (f->older != NULL)
		f->older->newer = f->newer;
	else
		ec->oldest = f->newer;
	if (f->newer != NULL)
		f->newer->older = f->older;
	else
		ec->newest = f->older;
	f->older = f->newer = NULL;
}

static void
link_newest(struct evcap *ec, struct evcap_file *f)
{
	f->older = ec->newest;
	f->newer = NULL;
	if (ec->newest != NULL)
		ec->newest->newer = f;
	else
		ec->oldest = f;
	ec->newest = f;
}

struct evcap_file *
evcap_add(struct evcap *ec, uint64_t flow_id, uint64_t size)
{
	struct evcap_file *f;
	size_t s;

	if (ec->nfiles >= ec->nbucket && rehash(ec) == -1 &&
	    ec->nbucket == 0)
		return NULL;	/* a table that could not grow still works */
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->flow_id = flow_id;
	f->size = size;
	s = slot_of(ec, flow_id);
	f->hnext = ec->bucket[s];
	ec->bucket[s] = f;
	link_newest(ec, f);
	ec->nfiles++;
	ec->used += evcap_charge(ec, size);
	return f;
}

void
evcap_forget(struct evcap *ec, struct evcap_file *f)
{
	struct evcap_file **pp;

	for (pp = &ec->bucket[slot_of(ec, f->flow_id)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	unlink_list(ec, f);
	evcap_open(ec, f, false);
	ec->used -= evcap_charge(ec, f->size);
	ec->nfiles--;
	free(f);
}

static int
seen_cmp(const void *a, const void *b)
{
	const struct evcap_seen *x = a, *y = b;

	if (x->mtime_sec != y->mtime_sec)
		return x->mtime_sec < y->mtime_sec ? -1 : 1;
	if (x->mtime_nsec != y->mtime_nsec)
		return x->mtime_nsec < y->mtime_nsec ? -1 : 1;
	if (x->flow_id != y->flow_id)
		return x->flow_id < y->flow_id ? -1 : 1;
	return 0;
}

int
evcap_load(struct evcap *ec, struct evcap_seen *seen, size_t n)
{
	size_t i;

	if (n > 0)
		qsort(seen, n, sizeof(*seen), seen_cmp);
	for (i = 0; i < n; i++) {
		if (evcap_find(ec, seen[i].flow_id) != NULL)
			continue;
		if (evcap_add(ec, seen[i].flow_id, seen[i].size) == NULL)
			return -1;
	}
	return 0;
}

/*
 * The oldest file that may go: not open, not the one growing.  Open files
 * are few (the daemon's open-file bound), so the walk past them is short.
 */
static struct evcap_file *
victim(const struct evcap *ec, const struct evcap_file *keep)
{
	struct evcap_file *f;

	for (f = ec->oldest; f != NULL; f = f->newer)
		if (!f->open && f != keep)
			return f;
	return NULL;
}

static void
remove_file(struct evcap *ec, struct evcap_file *v, evcap_rm_fn *rm,
    void *arg)
{
	if (rm(v->flow_id, arg) == -1)
		ec->rm_failed++;
	else if (v->size > 0) {	/* a refused flow's empty entry is no file */
		ec->removed++;
		ec->removed_bytes += v->size;
	}
	evcap_forget(ec, v);
}

/*
 * Remove files until used - less + more fits; -1 when it cannot, and
 * then nothing is removed: what cannot go (the open files, keep) must
 * fit by itself.
 */
static int
make_room(struct evcap *ec, const struct evcap_file *keep, uint64_t less,
    uint64_t more, evcap_rm_fn *rm, void *arg)
{
	struct evcap_file *v;
	uint64_t kept = ec->used_open;

	if (keep->open)
		kept -= less;
	if (more > ec->cap || kept > ec->cap - more)
		return -1;
	while (ec->used - less > ec->cap - more) {
		if ((v = victim(ec, keep)) == NULL)
			return -1;	/* not reached: the sums say it fits */
		remove_file(ec, v, rm, arg);
	}
	return 0;
}

int
evcap_grow(struct evcap *ec, struct evcap_file *f, uint64_t add,
    evcap_rm_fn *rm, void *arg)
{
	uint64_t less = evcap_charge(ec, f->size), more;

	if (add > UINT64_MAX - f->size)
		return -1;
	more = evcap_charge(ec, f->size + add);
	if (make_room(ec, f, less, more, rm, arg) == -1)
		return -1;
	ec->used = ec->used - less + more;
	if (f->open)
		ec->used_open = ec->used_open - less + more;
	f->size += add;
	if (ec->newest != f) {
		unlink_list(ec, f);
		link_newest(ec, f);
	}
	return 0;
}

void
evcap_open(struct evcap *ec, struct evcap_file *f, bool open)
{
	if (f->open == open)
		return;
	f->open = open;
	if (open)
		ec->used_open += evcap_charge(ec, f->size);
	else
		ec->used_open -= evcap_charge(ec, f->size);
}

void
evcap_resize(struct evcap *ec, struct evcap_file *f, uint64_t size)
{
	uint64_t less, more;

	less = evcap_charge(ec, f->size);
	more = evcap_charge(ec, size);
	ec->used = ec->used - less + more;
	if (f->open)
		ec->used_open = ec->used_open - less + more;
	f->size = size;
}

void
evcap_set_cap(struct evcap *ec, uint64_t cap, evcap_rm_fn *rm, void *arg)
{
	struct evcap_file *v;

	ec->cap = cap;
	while (ec->used > ec->cap && (v = victim(ec, NULL)) != NULL)
		remove_file(ec, v, rm, arg);
}
