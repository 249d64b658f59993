/* check_policy_cache.c - the policy cache format: round trip field by field, same verdicts, every damage refused or harmless. */
#include <sys/socket.h>

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "conf.h"
#include "conf_rules.h"
#include "decide.h"
#include "decide_index.h"
#include "policy_cache.h"

#define NOW	((time_t)1795392000)	/* 2026-11-23 00:00 UTC */

static struct policy *
load(const char *path)
{
	struct diags d;
	struct policy *p;

	diags_init(&d);
	p = conf_load(path, NOW, &d);
	if (p == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	ck_assert_msg(p != NULL, "%s does not load", path);
	ck_assert_int_eq(decide_index(p), 0);
	return p;
}

/* A cache of p with a made-up key (the files' hashes are the caller's business). */
static uint8_t *
encode(const struct policy *p, size_t *len)
{
	struct pcache_file *f;
	struct pcache_meta m;
	uint8_t *buf;
	size_t i;

	f = calloc(p->nfiles, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < p->nfiles; i++) {
		f[i].name = p->files[i];
		f[i].real = "/real/path";
		f[i].size = i;
		memset(f[i].sha256, (int)i + 1, 32);
	}
	memset(&m, 0, sizeof(m));
	m.ident = (const uint8_t *)"test ident";
	m.identlen = 10;
	m.valid_from = 1;
	m.valid_until = 2;
	m.files = f;
	m.nfiles = p->nfiles;
	ck_assert_int_eq(pcache_encode(p, &m, &buf, len), 0);
	free(f);
	return buf;
}

/* open + decode; NULL on refusal. */
static struct policy *
decode(const uint8_t *buf, size_t len)
{
	struct pcache_meta m;
	struct policy *q;

	if (pcache_open(buf, len, &m) == -1)
		return NULL;
	q = pcache_decode(buf, len, &m);
	pcache_meta_free(&m);
	return q;
}

/* --- field by field ------------------------------------------------------ */

static void
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

static void
loc_eq(const struct srcloc *a, const struct srcloc *b)
{
	str_eq(a->file, b->file);
	ck_assert_int_eq(a->line, b->line);
}

static void
addr_same(const struct addr *a, const struct addr *b)
{
	ck_assert_int_eq(a->family, b->family);
	ck_assert_int_eq(a->plen, b->plen);
	ck_assert(memcmp(a->a, b->a, sizeof(a->a)) == 0);
}

static void
ep_eq(const struct policy *p, const struct endpoint *a,
    const struct policy *q, const struct endpoint *b)
{
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_uint_eq((size_t)(a->zone - p->zones),
	    (size_t)(b->zone - q->zones));
	if (a->host == NULL)
		ck_assert_ptr_null(b->host);
	else
		ck_assert_uint_eq((size_t)(a->host - a->zone->hosts),
		    (size_t)(b->host - b->zone->hosts));
	addr_same(&a->prefix, &b->prefix);
}

static void
zone_eq(const struct zone *a, const struct zone *b)
{
	size_t i, k;

	str_eq(a->name, b->name);
	ck_assert_int_eq(a->kind, b->kind);
	str_eq(a->description, b->description);
	ck_assert_uint_eq(a->nifaces, b->nifaces);
	for (i = 0; i < a->nifaces; i++)
		str_eq(a->ifaces[i], b->ifaces[i]);
	ck_assert_uint_eq(a->nnets, b->nnets);
	for (i = 0; i < a->nnets; i++)
		addr_same(&a->nets[i], &b->nets[i]);
	ck_assert_int_eq(a->attached, b->attached);
	ck_assert_int_eq(a->unknown, b->unknown);
	ck_assert_uint_eq(a->nhosts, b->nhosts);
	for (i = 0; i < a->nhosts; i++) {
		const struct host *x = &a->hosts[i], *y = &b->hosts[i];

		str_eq(x->name, y->name);
		ck_assert_ptr_eq(y->zone, b);
		ck_assert_int_eq(x->has_mac, y->has_mac);
		ck_assert(memcmp(x->mac.b, y->mac.b, 6) == 0);
		ck_assert_uint_eq(x->naddrs, y->naddrs);
		for (k = 0; k < x->naddrs; k++)
			addr_same(&x->addrs[k], &y->addrs[k]);
		loc_eq(&x->loc, &y->loc);
		loc_eq(&x->mac_loc, &y->mac_loc);
		loc_eq(&x->addrs_loc, &y->addrs_loc);
		ck_assert_uint_eq(x->index, y->index);
	}
	/* the name index: same order */
	ck_assert_int_eq(a->by_name == NULL, b->by_name == NULL);
	for (i = 0; a->by_name != NULL && i < a->nhosts; i++)
		ck_assert_uint_eq((size_t)(a->by_name[i] - a->hosts),
		    (size_t)(b->by_name[i] - b->hosts));
	loc_eq(&a->loc, &b->loc);
	loc_eq(&a->ifaces_loc, &b->ifaces_loc);
	loc_eq(&a->nets_loc, &b->nets_loc);
	loc_eq(&a->attached_loc, &b->attached_loc);
	loc_eq(&a->unknown_loc, &b->unknown_loc);
	ck_assert_uint_eq(a->index, b->index);
}

static void
flow_eq(const struct policy *p, const struct flow *a, const struct policy *q,
    const struct flow *b)
{
	size_t i;

	str_eq(a->id, b->id);
	ep_eq(p, &a->from, q, &b->from);
	ep_eq(p, &a->to, q, &b->to);
	ck_assert_int_eq(a->proto, b->proto);
	ck_assert_uint_eq(a->nports, b->nports);
	for (i = 0; i < a->nports; i++) {
		ck_assert_uint_eq(a->ports[i].lo, b->ports[i].lo);
		ck_assert_uint_eq(a->ports[i].hi, b->ports[i].hi);
	}
	ck_assert_int_eq(a->sanitize, b->sanitize);
	str_eq(a->reason, b->reason);
	str_eq(a->approval, b->approval);
	ck_assert_int_eq(a->has_expires, b->has_expires);
	ck_assert(a->expires == b->expires);
	loc_eq(&a->loc, &b->loc);
	loc_eq(&a->from_loc, &b->from_loc);
	loc_eq(&a->to_loc, &b->to_loc);
	loc_eq(&a->proto_loc, &b->proto_loc);
	loc_eq(&a->ports_loc, &b->ports_loc);
	loc_eq(&a->sanitize_loc, &b->sanitize_loc);
	loc_eq(&a->expires_loc, &b->expires_loc);
	ck_assert_uint_eq(a->index, b->index);
}

static void
ents_eq(const struct policy *p, const struct didx_ent *a,
    const struct policy *q, const struct didx_ent *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		addr_same(&a[i].key, &b[i].key);
		addr_same(&a[i].key2, &b[i].key2);
		ck_assert_uint_eq((size_t)(a[i].f - p->flows),
		    (size_t)(b[i].f - q->flows));
	}
}

static void
flist_eq(const struct policy *p, const struct flow **a,
    const struct policy *q, const struct flow **b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_uint_eq((size_t)(a[i] - p->flows),
		    (size_t)(b[i] - q->flows));
}

/* The stored decision index against decide_index()'s own. */
static void
didx_eq(const struct policy *p, const struct policy *q)
{
	const struct decide_index *a = p->didx, *b = q->didx;
	size_t i;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->npairs, b->npairs);
	for (i = 0; i < a->npairs; i++) {
		const struct didx_pair *x = &a->pairs[i], *y = &b->pairs[i];

		ck_assert_uint_eq(x->from, y->from);
		ck_assert_uint_eq(x->to, y->to);
		ck_assert_uint_eq(x->nall, y->nall);
		ck_assert_uint_eq(x->nboth, y->nboth);
		ck_assert_uint_eq(x->ndst, y->ndst);
		ck_assert_uint_eq(x->nsrc, y->nsrc);
		ck_assert_uint_eq(x->nwide, y->nwide);
		ck_assert_uint_eq(x->npermanent, y->npermanent);
		ck_assert(x->max_expires == y->max_expires);
		flist_eq(p, x->all, q, y->all, x->nall);
		flist_eq(p, x->wide, q, y->wide, x->nwide);
		ents_eq(p, x->both, q, y->both, x->nboth);
		ents_eq(p, x->dst, q, y->dst, x->ndst);
		ents_eq(p, x->src, q, y->src, x->nsrc);
	}
}

static void
policy_eq(const struct policy *p, const struct policy *q)
{
	size_t i;

	ck_assert_int_eq(p->version, q->version);
	ck_assert_uint_eq(p->nfiles, q->nfiles);
	for (i = 0; i < p->nfiles; i++)
		str_eq(p->files[i], q->files[i]);
	ck_assert(memcmp(p->sha256, q->sha256, 32) == 0);
	str_eq(p->gw.name, q->gw.name);
	ck_assert_int_eq(p->gw.mode, q->gw.mode);
	str_eq(p->gw.control_socket, q->gw.control_socket);
	str_eq(p->gw.state_dir, q->gw.state_dir);
	ck_assert_uint_eq(p->gw.nadmin_from, q->gw.nadmin_from);
	for (i = 0; i < p->gw.nadmin_from; i++)
		ep_eq(p, &p->gw.admin_from[i], q, &q->gw.admin_from[i]);
	ck_assert_uint_eq(p->gw.nadmin_ports, q->gw.nadmin_ports);
	for (i = 0; i < p->gw.nadmin_ports; i++)
		ck_assert_uint_eq(p->gw.admin_ports[i], q->gw.admin_ports[i]);
	loc_eq(&p->gw.loc, &q->gw.loc);
	loc_eq(&p->gw.admin_loc, &q->gw.admin_loc);
	ck_assert_uint_eq(p->nzones, q->nzones);
	for (i = 0; i < p->nzones; i++)
		zone_eq(&p->zones[i], &q->zones[i]);
	ck_assert_uint_eq(p->nflows, q->nflows);
	for (i = 0; i < p->nflows; i++)
		flow_eq(p, &p->flows[i], q, &q->flows[i]);
	ck_assert_uint_eq(p->mon.nifaces, q->mon.nifaces);
	for (i = 0; i < p->mon.nifaces; i++)
		str_eq(p->mon.ifaces[i], q->mon.ifaces[i]);
	ck_assert_uint_eq(p->mon.nspans, q->mon.nspans);
	for (i = 0; i < p->mon.nspans; i++) {
		str_eq(p->mon.spans[i].iface, q->mon.spans[i].iface);
		ck_assert_uint_eq((size_t)(p->mon.spans[i].zone - p->zones),
		    (size_t)(q->mon.spans[i].zone - q->zones));
		loc_eq(&p->mon.spans[i].loc, &q->mon.spans[i].loc);
	}
	ck_assert_uint_eq(p->mon.scan_ports, q->mon.scan_ports);
	ck_assert_uint_eq(p->mon.scan_hosts, q->mon.scan_hosts);
	ck_assert_uint_eq(p->mon.scan_window, q->mon.scan_window);
	ck_assert_uint_eq(p->mon.evidence_packets, q->mon.evidence_packets);
	ck_assert_uint_eq(p->mon.max_flows, q->mon.max_flows);
	ck_assert_uint_eq(p->mon.flow_timeout, q->mon.flow_timeout);
	ck_assert_uint_eq(p->mon.evidence_max_mb, q->mon.evidence_max_mb);
	str_eq(p->alerts.file, q->alerts.file);
	ck_assert_int_eq(p->alerts.syslog, q->alerts.syslog);
	str_eq(p->alerts.facility, q->alerts.facility);
	ck_assert_uint_eq(p->alerts.rate_limit, q->alerts.rate_limit);
	ck_assert_uint_eq(p->alerts.checkpoint, q->alerts.checkpoint);
	ck_assert_ptr_nonnull(q->idx);
	didx_eq(p, q);
}

/* --- the same verdicts ---------------------------------------------------- */

/* An address an endpoint covers (a zone: its first network's first address + 1). */
static void
ep_sample(const struct endpoint *ep, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ep->kind == EP_HOST && ep->host->naddrs > 0)
		*a = ep->host->addrs[0];
	else if (ep->kind == EP_PREFIX)
		*a = ep->prefix;
	else if (ep->zone->nnets > 0)
		*a = ep->zone->nets[0];
	else
		return;
	if (a->family == AF_INET) {
		a->a[3] |= 1;
		a->plen = 32;
	} else if (a->family == AF_INET6) {
		a->a[15] |= 1;
		a->plen = 128;
	}
}

static const struct host *
ep_host(const struct endpoint *ep)
{
	return ep->kind == EP_HOST ? ep->host : NULL;
}

static size_t
zpos(const struct policy *p, const struct zone *z)
{
	return z == NULL ? (size_t)-1 : (size_t)(z - p->zones);
}

static size_t
hpos(const struct policy *p, const struct host *h)
{
	return h == NULL ? (size_t)-1 :
	    zpos(p, h->zone) * 100000 + (size_t)(h - h->zone->hosts);
}

/* One question to both models: same answer, same words. */
static void
ask(const struct policy *p, const struct policy *q, const struct pkt_meta *m,
    time_t now)
{
	struct decision a, b;
	struct pkt_meta mq = *m;
	char ta[512], tb[512];

	if (m->zone != NULL)
		mq.zone = &q->zones[m->zone - p->zones];
	ck_assert_int_eq(decide(p, m, NULL, now, &a), 0);
	ck_assert_int_eq(decide(q, &mq, NULL, now, &b), 0);
	ck_assert_int_eq(a.allowed, b.allowed);
	ck_assert_int_eq(a.reason, b.reason);
	ck_assert_uint_eq(a.flags, b.flags);
	ck_assert_uint_eq(zpos(p, a.src_zone), zpos(q, b.src_zone));
	ck_assert_uint_eq(zpos(p, a.dst_zone), zpos(q, b.dst_zone));
	ck_assert_uint_eq(hpos(p, a.mac_host), hpos(q, b.mac_host));
	ck_assert_uint_eq(hpos(p, a.addr_host), hpos(q, b.addr_host));
	ck_assert_uint_eq(a.flow == NULL ? (size_t)-1 :
	    (size_t)(a.flow - p->flows), b.flow == NULL ? (size_t)-1 :
	    (size_t)(b.flow - q->flows));
	ck_assert_str_eq(decision_fmt(p, m, &a, ta, sizeof(ta)),
	    decision_fmt(q, &mq, &b, tb, sizeof(tb)));
}

static const uint8_t protos[] = { PROTO_TCP, PROTO_UDP, PROTO_ICMP,
    PROTO_ICMPV6 };

/*
 * Every flow's own packet and its near misses (port +-1, other protocols),
 * and every pair of endpoints with every flow's first port, at two times.
 */
static size_t
same_verdicts(const struct policy *p, const struct policy *q)
{
	struct pkt_meta m;
	const struct host *h;
	size_t i, j, k, n = 0;
	time_t when[] = { NOW, (time_t)4102444800 };	/* 2100 */
	int t, d;

	for (t = 0; t < 2; t++)
		for (i = 0; i < p->nflows; i++) {
			const struct flow *f = &p->flows[i];

			memset(&m, 0, sizeof(m));
			m.zone = f->from.zone;
			ep_sample(&f->from, &m.src);
			ep_sample(&f->to, &m.dst);
			if ((h = ep_host(&f->from)) != NULL && h->has_mac) {
				m.has_mac = true;
				m.mac = h->mac;
			}
			for (k = 0; k < 4; k++)
				for (d = -1; d <= 1; d++) {
					m.proto = protos[k];
					m.dport = f->nports > 0 ?
					    (uint16_t)(f->ports[0].lo + d) : 0;
					ask(p, q, &m, when[t]);
					n++;
				}
			/* to every other flow's destination */
			for (j = 0; j < p->nflows && j < 64; j++) {
				ep_sample(&p->flows[j].to, &m.dst);
				m.proto = p->flows[j].proto;
				m.dport = p->flows[j].nports > 0 ?
				    p->flows[j].ports[0].lo : 0;
				ask(p, q, &m, when[t]);
				n++;
			}
		}
	return n;
}

static void
round_trip(const char *path)
{
	struct policy *p, *q;
	uint8_t *buf, *again;
	size_t len, len2, n;

	p = load(path);
	buf = encode(p, &len);
	q = decode(buf, len);
	ck_assert_msg(q != NULL, "%s: own cache refused", path);
	policy_eq(p, q);
	n = same_verdicts(p, q);
	ck_assert_uint_gt(n, 0);
	/* The decoded model encodes to the same bytes. */
	again = encode(q, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert(memcmp(buf, again, len) == 0);
	free(again);
	free(buf);
	policy_free(q);
	policy_free(p);
}

START_TEST(round_trip_shipped)
{
	round_trip("conf/bunri.conf");
	round_trip("tests/golden/rich.conf");
	round_trip("tests/golden/example.conf");
}
END_TEST

START_TEST(round_trip_good_corpus)
{
	struct dirent *e;
	char path[512];
	DIR *dir;
	int n = 0;

	ck_assert_ptr_nonnull(dir = opendir("tests/conf/good"));
	while ((e = readdir(dir)) != NULL) {
		if (strstr(e->d_name, ".conf") == NULL)
			continue;
		snprintf(path, sizeof(path), "tests/conf/good/%s", e->d_name);
		round_trip(path);
		n++;
	}
	closedir(dir);
	ck_assert_int_gt(n, 0);
}
END_TEST

/* Without the stored order (flag 0) the load sorts itself: same index. */
START_TEST(didx_rebuilt_when_not_stored)
{
	struct policy *p, *q;
	uint8_t *buf;
	size_t len;
	struct decide_index *di;

	p = load("tests/golden/rich.conf");
	di = p->didx;
	p->didx = NULL;
	buf = encode(p, &len);
	p->didx = di;
	ck_assert_ptr_nonnull(q = decode(buf, len));
	policy_eq(p, q);
	free(buf);
	policy_free(q);
	policy_free(p);
}
END_TEST

START_TEST(meta_read_back)
{
	struct pcache_meta m;
	struct policy *p;
	uint8_t *buf;
	size_t len;

	p = load("conf/bunri.conf");
	buf = encode(p, &len);
	ck_assert_int_eq(pcache_open(buf, len, &m), 0);
	ck_assert_uint_eq(m.identlen, 10);
	ck_assert(memcmp(m.ident, "test ident", 10) == 0);
	ck_assert(m.valid_from == 1 && m.valid_until == 2);
	ck_assert_uint_eq(m.nfiles, p->nfiles);
	ck_assert_str_eq(m.files[0].name, "conf/bunri.conf");
	ck_assert_str_eq(m.files[0].real, "/real/path");
	ck_assert(m.files[0].sha256[0] == 1 && m.files[0].sha256[31] == 1);
	pcache_meta_free(&m);
	free(buf);
	policy_free(p);
}
END_TEST

/* No flow expires: forever; else up to the next expiry or 30 days before. */
START_TEST(window)
{
	struct policy *p;
	int64_t from, until;
	size_t i;

	p = load("tests/golden/rich.conf");
	pcache_window(p, NOW, &from, &until);
	ck_assert(from == NOW);
	ck_assert(until > NOW);
	for (i = 0; i < p->nflows; i++)
		if (p->flows[i].has_expires) {
			ck_assert(p->flows[i].expires <= NOW ||
			    p->flows[i].expires >= until);
			ck_assert(p->flows[i].expires - 30 * 86400 <= NOW ||
			    p->flows[i].expires - 30 * 86400 >= until);
		}
	for (i = 0; i < p->nflows; i++)
		p->flows[i].has_expires = false;
	pcache_window(p, NOW, &from, &until);
	ck_assert(until == INT64_MAX);
	p->flows[0].has_expires = true;
	p->flows[0].expires = NOW + 100 * 86400;
	pcache_window(p, NOW, &from, &until);
	ck_assert(until == NOW + 70 * 86400);
	pcache_window(p, NOW + 80 * 86400, &from, &until);
	ck_assert(until == NOW + 100 * 86400);
	policy_free(p);
}
END_TEST

/* --- damage --------------------------------------------------------------- */

/* Exactly n bytes on the heap, so a read past them is ASan's to see. */
static uint8_t *
exact(const uint8_t *b, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(c);
	memcpy(c, b, n);
	return c;
}

/*
 * A model decoded from damaged bytes must still be whole: every pointer
 * where the loader puts them, so everything that uses a model works.
 */
static void
usable(const struct policy *q)
{
	struct diags d;
	struct pkt_meta m;
	struct decision dec;
	char buf[512];
	size_t i, j;

	for (i = 0; i < q->nzones; i++) {
		const struct zone *z = &q->zones[i];

		ck_assert_ptr_nonnull(z->name);
		ck_assert_uint_eq(z->index, i);
		for (j = 0; j < z->nhosts; j++) {
			ck_assert_ptr_eq(z->hosts[j].zone, z);
			ck_assert_ptr_nonnull(z->hosts[j].name);
		}
	}
	for (i = 0; i < q->nflows; i++) {
		const struct flow *f = &q->flows[i];

		ck_assert_ptr_nonnull(f->id);
		ck_assert(f->from.zone >= q->zones &&
		    f->from.zone < q->zones + q->nzones);
		ck_assert(f->to.zone >= q->zones &&
		    f->to.zone < q->zones + q->nzones);
		ck_assert(f->from.kind != EP_HOST || f->from.host->zone ==
		    f->from.zone);
		ck_assert(f->to.kind != EP_HOST || f->to.host->zone ==
		    f->to.zone);
	}
	/* the loader's checks and the decision function run on it */
	diags_init(&d);
	conf_rules_check(q, NOW, &d);
	diags_free(&d);
	for (i = 0; i < q->nflows; i++) {
		memset(&m, 0, sizeof(m));
		m.zone = q->flows[i].from.zone;
		ep_sample(&q->flows[i].from, &m.src);
		ep_sample(&q->flows[i].to, &m.dst);
		m.proto = (uint8_t)q->flows[i].proto;
		m.dport = q->flows[i].nports ? q->flows[i].ports[0].hi : 0;
		ck_assert_int_eq(decide(q, &m, NULL, NOW, &dec), 0);
		(void)decision_fmt(q, &m, &dec, buf, sizeof(buf));
	}
}

START_TEST(every_truncation_refused)
{
	struct policy *p, *q;
	uint8_t *buf, *c;
	size_t len, n;

	p = load("conf/bunri.conf");
	buf = encode(p, &len);
	for (n = 0; n < len; n++) {
		/* as cut */
		c = exact(buf, n);
		ck_assert_ptr_null(q = decode(c, n));
		/* and resealed, so the decoder's own bounds are what refuses */
		pcache_reseal(c, n);
		q = decode(c, n);
		ck_assert_msg(q == NULL, "cut to %zu of %zu bytes accepted",
		    n, len);
		free(c);
	}
	free(buf);
	policy_free(p);
}
END_TEST

START_TEST(every_byte_flipped)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	struct policy *p, *q;
	uint8_t *buf, *c;
	size_t len, i, k, accepted = 0, refused = 0;

	p = load("conf/bunri.conf");
	buf = encode(p, &len);
	for (i = 0; i < len; i++)
		for (k = 0; k < sizeof(masks); k++) {
			c = exact(buf, len);
			c[i] ^= masks[k];
			/* any flipped bit breaks the checksum or the header */
			ck_assert_msg(decode(c, len) == NULL,
			    "byte %zu ^ %#x accepted unsealed", i, masks[k]);
			pcache_reseal(c, len);
			if ((q = decode(c, len)) == NULL) {
				refused++;
			} else {
				usable(q);
				policy_free(q);
				accepted++;
			}
			free(c);
		}
	/* Both happen: names and ports may change, indexes may not. */
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(accepted, 0);
	free(buf);
	policy_free(p);
}
END_TEST

/* A stored order that is not the sorted one is refused, not used. */
START_TEST(didx_order_swapped_refused)
{
	struct policy *p, *q;
	uint8_t *buf, *c, t[12];
	size_t len, swaps = 0, off;

	p = load("tests/golden/rich.conf");
	buf = encode(p, &len);
	/*
	 * The order is the tail of the cache; swapping two adjacent 12-byte
	 * entries or 4-byte flow positions anywhere in it must be refused.
	 */
	for (off = len - 4 * 64; off + 24 <= len; off += 4) {
		c = exact(buf, len);
		memcpy(t, c + off, 12);
		memmove(c + off, c + off + 12, 12);
		memcpy(c + off + 12, t, 12);
		if (memcmp(c, buf, len) == 0) {
			free(c);
			continue;
		}
		pcache_reseal(c, len);
		if ((q = decode(c, len)) != NULL) {
			/* then it was a swap of equal entries: same index */
			policy_eq(p, q);
			policy_free(q);
		} else
			swaps++;
		free(c);
	}
	ck_assert_uint_gt(swaps, 0);
	free(buf);
	policy_free(p);
}
END_TEST

START_TEST(wrong_format_refused)
{
	struct policy *p;
	uint8_t *buf;
	size_t len;

	p = load("conf/bunri.conf");
	buf = encode(p, &len);
	buf[8] ^= 1;			/* the format number */
	pcache_reseal(buf, len);
	ck_assert_ptr_null(decode(buf, len));
	buf[8] ^= 1;
	buf[12] ^= 1;			/* the type sizes */
	pcache_reseal(buf, len);
	ck_assert_ptr_null(decode(buf, len));
	buf[12] ^= 1;
	pcache_reseal(buf, len);
	ck_assert_ptr_nonnull(p->didx);
	free(buf);
	policy_free(p);
}
END_TEST

static Suite *
policy_cache_suite(void)
{
	Suite *s = suite_create("policy_cache");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, round_trip_shipped);
	tcase_add_test(tc, round_trip_good_corpus);
	tcase_add_test(tc, didx_rebuilt_when_not_stored);
	tcase_add_test(tc, meta_read_back);
	tcase_add_test(tc, window);
	tcase_add_test(tc, every_truncation_refused);
	tcase_add_test(tc, every_byte_flipped);
	tcase_add_test(tc, didx_order_swapped_refused);
	tcase_add_test(tc, wrong_format_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(policy_cache_suite)
