/* policy_cache_dec.c - rebuild a policy model from the cache format, checking every byte. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "policy_cache_int.h"

/*
 * Every array is allocated at its final size and its count set at once,
 * so policy_free() can take the model back at any point of a refusal.
 * Every value is checked the moment it is read: indexes against what is
 * already decoded, enums against their names, booleans 0 or 1, strings
 * NUL-terminated in bounds, addresses as the loader makes them.  Zones
 * come first so endpoints can point into them.
 */
struct dec {
	struct pc_r	 r;
	struct policy	*p;
};

/* Minimum encoded sizes, so a count cannot claim more than the bytes left. */
#define MIN_STR		4
#define MIN_ADDR	18
#define MIN_LOC		8
#define MIN_EP		(1 + 4 + 4 + MIN_ADDR)
#define MIN_HOST	(MIN_STR + 1 + 6 + 4 + 3 * MIN_LOC)
#define MIN_ZONE	(MIN_STR + 1 + MIN_STR + 4 + 4 + 1 + 1 + 4 + 5 * MIN_LOC)
#define MIN_FLOW	(MIN_STR + 2 * MIN_EP + 1 + 4 + 1 + 2 * MIN_STR + 1 + \
			    8 + 7 * MIN_LOC + 8)
#define MIN_SPAN	(MIN_STR + 4 + MIN_LOC)

static void
dec_fail(struct dec *d)
{
	d->r.err = true;
}

static bool
dec_bool(struct dec *d)
{
	uint8_t v = pcr_u8(&d->r);

	if (v > 1)
		dec_fail(d);
	return v == 1;
}

/* calloc(n) with the count stored; n == 0 leaves NULL. */
static void *
dec_array(struct dec *d, size_t n, size_t size, size_t *count)
{
	void *v;

	*count = 0;
	if (d->r.err || n == 0)
		return NULL;
	if ((v = calloc(n, size)) == NULL) {
		dec_fail(d);
		return NULL;
	}
	*count = n;
	return v;
}

static void
dec_loc(struct dec *d, struct srcloc *l)
{
	uint32_t f = pcr_u32(&d->r);

	l->line = (int)pcr_u32(&d->r);
	l->file = NULL;
	if (f == PC_NONE)
		return;
	if (f >= d->p->nfiles) {
		dec_fail(d);
		return;
	}
	l->file = d->p->files[f];
}

static char **
dec_strv(struct dec *d, size_t *n)
{
	size_t i, cnt = pcr_count(&d->r, MIN_STR + 1);
	char **v;

	v = dec_array(d, cnt, sizeof(*v), n);
	for (i = 0; i < *n && !d->r.err; i++)
		v[i] = pcr_strdup(&d->r, false);
	return v;
}

static void
dec_addr(struct dec *d, struct addr *a, bool need_family, bool host)
{
	pcr_addr(&d->r, a);
	if (!d->r.err && !pc_addr_ok(a, need_family, host))
		dec_fail(d);
}

static struct zone *
dec_zone_ref(struct dec *d)
{
	uint32_t i = pcr_u32(&d->r);

	if (d->r.err || i >= d->p->nzones) {
		dec_fail(d);
		return NULL;
	}
	return &d->p->zones[i];
}

static void
dec_endpoint(struct dec *d, struct endpoint *ep)
{
	uint8_t kind = pcr_u8(&d->r);
	uint32_t h;

	if (kind > EP_PREFIX) {
		dec_fail(d);
		return;
	}
	ep->kind = (enum ep_kind)kind;
	ep->zone = dec_zone_ref(d);
	h = pcr_u32(&d->r);
	if (d->r.err)
		return;
	if (ep->kind == EP_HOST) {
		if (h >= ep->zone->nhosts) {
			dec_fail(d);
			return;
		}
		ep->host = &ep->zone->hosts[h];
	} else if (h != PC_NONE) {
		dec_fail(d);
		return;
	}
	dec_addr(d, &ep->prefix, ep->kind == EP_PREFIX, false);
}

static void
dec_host(struct dec *d, struct zone *z, size_t j)
{
	struct host *h = &z->hosts[j];
	const uint8_t *m;
	size_t k, n;

	h->zone = z;
	h->index = j;
	h->name = pcr_strdup(&d->r, false);
	h->has_mac = dec_bool(d);
	if ((m = pcr_bytes(&d->r, sizeof(h->mac.b))) != NULL)
		memcpy(h->mac.b, m, sizeof(h->mac.b));
	n = pcr_count(&d->r, MIN_ADDR);
	h->addrs = dec_array(d, n, sizeof(*h->addrs), &h->naddrs);
	for (k = 0; k < h->naddrs && !d->r.err; k++)
		dec_addr(d, &h->addrs[k], true, true);
	dec_loc(d, &h->loc);
	dec_loc(d, &h->mac_loc);
	dec_loc(d, &h->addrs_loc);
}

static void
dec_zone(struct dec *d, size_t i)
{
	struct zone *z = &d->p->zones[i];
	uint8_t v;
	size_t j, n;

	z->index = i;
	z->name = pcr_strdup(&d->r, false);
	if ((v = pcr_u8(&d->r)) > ZK_OTHER)
		dec_fail(d);
	z->kind = (enum zone_kind)v;
	z->description = pcr_strdup(&d->r, true);
	z->ifaces = dec_strv(d, &z->nifaces);
	n = pcr_count(&d->r, MIN_ADDR);
	z->nets = dec_array(d, n, sizeof(*z->nets), &z->nnets);
	for (j = 0; j < z->nnets && !d->r.err; j++)
		dec_addr(d, &z->nets[j], true, false);
	z->attached = dec_bool(d);
	if ((v = pcr_u8(&d->r)) > UH_ALLOW)
		dec_fail(d);
	z->unknown = (enum unknown_hosts)v;
	n = pcr_count(&d->r, MIN_HOST);
	z->hosts = dec_array(d, n, sizeof(*z->hosts), &z->nhosts);
	for (j = 0; j < z->nhosts && !d->r.err; j++)
		dec_host(d, z, j);
	dec_loc(d, &z->loc);
	dec_loc(d, &z->ifaces_loc);
	dec_loc(d, &z->nets_loc);
	dec_loc(d, &z->attached_loc);
	dec_loc(d, &z->unknown_loc);
}

/*
 * A flow's strings and ports go to the model's arena, as the loader puts
 * them (policy.h): 200,000 of them for 50,000 flows would otherwise be
 * as many malloc() calls now and free() calls when audit ends.
 */
static char *
dec_astr(struct dec *d, bool nullable)
{
	const char *s;
	size_t n;
	bool isnull;
	char *v;

	s = pcr_str(&d->r, &n, &isnull);
	if (d->r.err || (isnull && !nullable)) {
		dec_fail(d);
		return NULL;
	}
	if (isnull)
		return NULL;
	if ((v = arena_alloc(d->p->arena, n + 1, 1)) == NULL) {
		dec_fail(d);
		return NULL;
	}
	memcpy(v, s, n + 1);
	return v;
}

static void
dec_flow(struct dec *d, struct flow *f)
{
	uint8_t v;
	size_t k, n;

	f->id = dec_astr(d, false);
	dec_endpoint(d, &f->from);
	dec_endpoint(d, &f->to);
	v = pcr_u8(&d->r);
	if (v != PROTO_ICMP && v != PROTO_TCP && v != PROTO_UDP &&
	    v != PROTO_ICMPV6)
		dec_fail(d);
	f->proto = (enum proto)v;
	n = pcr_count(&d->r, 4);
	if (n > 0 && !d->r.err) {
		if ((f->ports = arena_alloc(d->p->arena, n * sizeof(*f->ports),
		    _Alignof(struct portrange))) == NULL)
			dec_fail(d);
		else
			f->nports = n;
	}
	for (k = 0; k < f->nports && !d->r.err; k++) {
		f->ports[k].lo = pcr_u16(&d->r);
		f->ports[k].hi = pcr_u16(&d->r);
	}
	if ((v = pcr_u8(&d->r)) > SAN_FILE_SANITIZE)
		dec_fail(d);
	f->sanitize = (enum sanitize)v;
	f->reason = dec_astr(d, true);
	f->approval = dec_astr(d, true);
	f->has_expires = dec_bool(d);
	f->expires = (time_t)(int64_t)pcr_u64(&d->r);
	dec_loc(d, &f->loc);
	dec_loc(d, &f->from_loc);
	dec_loc(d, &f->to_loc);
	dec_loc(d, &f->proto_loc);
	dec_loc(d, &f->ports_loc);
	dec_loc(d, &f->sanitize_loc);
	dec_loc(d, &f->expires_loc);
	f->index = (size_t)pcr_u64(&d->r);
}

static void
dec_gateway(struct dec *d, struct gateway_conf *g)
{
	uint8_t v;
	size_t i, n;

	g->name = pcr_strdup(&d->r, true);
	if ((v = pcr_u8(&d->r)) > MODE_MONITOR)
		dec_fail(d);
	g->mode = (enum gw_mode)v;
	g->control_socket = pcr_strdup(&d->r, true);
	g->state_dir = pcr_strdup(&d->r, true);
	n = pcr_count(&d->r, MIN_EP);
	g->admin_from = dec_array(d, n, sizeof(*g->admin_from),
	    &g->nadmin_from);
	for (i = 0; i < g->nadmin_from && !d->r.err; i++)
		dec_endpoint(d, &g->admin_from[i]);
	n = pcr_count(&d->r, 2);
	g->admin_ports = dec_array(d, n, sizeof(*g->admin_ports),
	    &g->nadmin_ports);
	for (i = 0; i < g->nadmin_ports && !d->r.err; i++)
		g->admin_ports[i] = pcr_u16(&d->r);
	dec_loc(d, &g->loc);
	dec_loc(d, &g->admin_loc);
}

static void
dec_monitor(struct dec *d, struct monitor_conf *m)
{
	size_t i, n;

	m->ifaces = dec_strv(d, &m->nifaces);
	n = pcr_count(&d->r, MIN_SPAN);
	m->spans = dec_array(d, n, sizeof(*m->spans), &m->nspans);
	for (i = 0; i < m->nspans && !d->r.err; i++) {
		m->spans[i].iface = pcr_strdup(&d->r, false);
		m->spans[i].zone = dec_zone_ref(d);
		dec_loc(d, &m->spans[i].loc);
	}
	m->scan_ports = pcr_u32(&d->r);
	m->scan_hosts = pcr_u32(&d->r);
	m->scan_window = pcr_u32(&d->r);
	m->evidence_packets = pcr_u32(&d->r);
	m->max_flows = pcr_u32(&d->r);
	m->flow_timeout = pcr_u32(&d->r);
	m->evidence_max_mb = pcr_u32(&d->r);
}

static void
dec_alerts(struct dec *d, struct alerts_conf *a)
{
	a->file = pcr_strdup(&d->r, true);
	a->syslog = dec_bool(d);
	a->facility = pcr_strdup(&d->r, true);
	a->rate_limit = pcr_u32(&d->r);
	a->checkpoint = pcr_u32(&d->r);
}

struct policy *
pcache_decode(const uint8_t *buf, size_t len, const struct pcache_meta *m)
{
	struct dec d;
	const uint8_t *sha;
	size_t i, n;

	if (m->body < PC_HDRLEN || m->body > len)
		return NULL;
	memset(&d, 0, sizeof(d));
	d.r.b = buf;
	d.r.len = len;
	d.r.off = m->body;
	if ((d.p = calloc(1, sizeof(*d.p))) == NULL)
		return NULL;
	d.p->version = (int)pcr_u32(&d.r);
	d.p->files = dec_strv(&d, &d.p->nfiles);
	/* The files the key names are the files of the model. */
	if (d.r.err || d.p->nfiles == 0 || d.p->nfiles != m->nfiles)
		goto bad;
	for (i = 0; i < d.p->nfiles; i++)
		if (strcmp(d.p->files[i], m->files[i].name) != 0)
			goto bad;
	if ((sha = pcr_bytes(&d.r, sizeof(d.p->sha256))) != NULL)
		memcpy(d.p->sha256, sha, sizeof(d.p->sha256));
	n = pcr_count(&d.r, MIN_ZONE);
	d.p->zones = dec_array(&d, n, sizeof(*d.p->zones), &d.p->nzones);
	for (i = 0; i < d.p->nzones && !d.r.err; i++)
		dec_zone(&d, i);
	dec_gateway(&d, &d.p->gw);
	n = pcr_count(&d.r, MIN_FLOW);
	/* about what the flows' strings and ports take: blocks grow anyway */
	if (n > 0 && !d.r.err) {
		if ((d.p->arena = malloc(sizeof(*d.p->arena))) == NULL)
			goto bad;
		arena_init(d.p->arena, n * 32);
	}
	d.p->flows = dec_array(&d, n, sizeof(*d.p->flows), &d.p->nflows);
	for (i = 0; i < d.p->nflows && !d.r.err; i++)
		dec_flow(&d, &d.p->flows[i]);
	dec_monitor(&d, &d.p->mon);
	dec_alerts(&d, &d.p->alerts);
	if (d.r.err)
		goto bad;
	/* The loader's own indexes, built by the loader's own functions. */
	for (i = 0; i < d.p->nzones; i++)
		if (zone_index_names(&d.p->zones[i]) == -1)
			goto bad;
	if (policy_index(d.p) == -1 || pc_didx_decode(&d.r, d.p) == -1)
		goto bad;
	if (d.r.err || d.r.off != d.r.len)
		goto bad;
	return d.p;
bad:
	policy_free(d.p);
	return NULL;
}
