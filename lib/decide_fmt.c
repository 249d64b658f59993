/* decide_fmt.c - a decision in words, for bunrictl explain and alerts. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "decide_index.h"

/* An append-only buffer that truncates instead of overflowing. */
struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 off;
};

static void sb_printf(struct sbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->off + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->off += (size_t)n;
	if (b->off >= b->len)
		b->off = b->len - 1;
}

/*
 * sb_printf(b, "%s", s) without the printf machinery, which alerts paid
 * for on every piece; NULL as glibc prints it.
 */
static void
sb_puts(struct sbuf *b, const char *s)
{
	size_t n, room;

	if (s == NULL)
		s = "(null)";
	n = strlen(s);
	if (b->off + 1 >= b->len)
		return;
	room = b->len - 1 - b->off;
	memcpy(b->p + b->off, s, n < room ? n : room);
	b->off += n < room ? n : room;
	b->p[b->off] = '\0';
}

static void
sb_putu(struct sbuf *b, unsigned long long v)
{
	char t[24];
	size_t n = sizeof(t) - 1;

	t[n] = '\0';
	do {
		t[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sb_puts(b, t + n);
}

/* The flows of a zone pair, in policy order, through the index if built. */
struct pair_iter {
	const struct policy *p;
	const struct zone *from, *to;
	const struct didx_pair *pr;
	size_t	 i;
};

static void
pair_iter_init(struct pair_iter *it, const struct policy *p,
    const struct zone *from, const struct zone *to)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->from = from;
	it->to = to;
	if (p->didx != NULL)
		it->pr = didx_pair_find(p->didx, from->index, to->index);
}

static const struct flow *
pair_iter_next(struct pair_iter *it)
{
	const struct flow *f;

	if (it->p->didx != NULL)
		return it->pr != NULL && it->i < it->pr->nall ?
		    it->pr->all[it->i++] : NULL;
	while (it->i < it->p->nflows) {
		f = &it->p->flows[it->i++];
		if (f->from.zone == it->from && f->to.zone == it->to)
			return f;
	}
	return NULL;
}

static void
sb_ports(struct sbuf *b, const struct flow *f)
{
	size_t i;

	sb_puts(b, proto_name(f->proto));
	if (f->proto != PROTO_TCP && f->proto != PROTO_UDP)
		return;
	for (i = 0; i < f->nports && i < 8; i++) {
		sb_printf(b, "%s%u", i == 0 ? " " : ", ", f->ports[i].lo);
		if (f->ports[i].hi != f->ports[i].lo)
			sb_printf(b, "-%u", f->ports[i].hi);
	}
	if (i < f->nports)
		sb_printf(b, ", ... (%zu ranges)", f->nports);
}

static void
sb_pkt_service(struct sbuf *b, const struct pkt_meta *m)
{
	switch (m->proto) {
	case PROTO_TCP:
	case PROTO_UDP:
		sb_printf(b, "%s %u", proto_name((enum proto)m->proto),
		    m->dport);
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		sb_puts(b, proto_name((enum proto)m->proto));
		break;
	default:
		sb_printf(b, "protocol %u", m->proto);
		break;
	}
}

/* "F-010 (mynumber:juki -> lgwan:chukan-gw)" */
static void
sb_flow(struct sbuf *b, const struct flow *f)
{
	char e1[128], e2[128];

	sb_puts(b, f->id);
	sb_puts(b, " (");
	sb_puts(b, endpoint_fmt(&f->from, e1, sizeof(e1)));
	sb_puts(b, " -> ");
	sb_puts(b, endpoint_fmt(&f->to, e2, sizeof(e2)));
	sb_puts(b, ")");
}

static void
sb_addr(struct sbuf *b, const struct addr *a)
{
	char s[ADDR_STRLEN];

	sb_puts(b, addr_fmt(a, s, sizeof(s)));
}

static void
sb_mac(struct sbuf *b, const struct mac *m)
{
	char s[MAC_STRLEN];

	sb_puts(b, mac_fmt(m, s, sizeof(s)));
}

/* "lgwan:198.51.100.25 (host mail-gw)" */
static void
sb_where(struct sbuf *b, const struct policy *p, const struct zone *z,
    const struct addr *a)
{
	const struct host *h = policy_host_by_addr(p, a);

	sb_puts(b, z != NULL ? z->name : "?");
	sb_puts(b, ":");
	sb_addr(b, a);
	if (h != NULL)
	{
		sb_puts(b, " (host ");
		sb_puts(b, h->name);
		sb_puts(b, ")");
	}
}

static void
sb_ingress(struct sbuf *b, const struct pkt_meta *m, const struct zone *z)
{
	if (m->iface != NULL && m->zone == NULL)
		sb_printf(b, "on %s (zone %s)", m->iface, z->name);
	else
		sb_printf(b, "in zone %s", z->name);
}

static void
sb_time(struct sbuf *b, time_t t)
{
	struct tm tm;
	char s[64];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%d %H:%M %z", &tm) == 0)
		sb_printf(b, "@%lld", (long long)t);
	else
		sb_puts(b, s);
}

static void
fmt_spoofed(struct sbuf *b, const struct policy *p, const struct pkt_meta *m,
    const struct decision *d)
{
	const struct zone *az = policy_zone_of_addr(p, &m->src);

	sb_addr(b, &m->src);
	if (az != NULL)
		sb_printf(b, " belongs to zone %s but arrived ", az->name);
	else
		sb_puts(b, " is in no zone's networks but arrived ");
	sb_ingress(b, m, d->src_zone);
}

static void
fmt_mac_not_bound(struct sbuf *b, const struct pkt_meta *m,
    const struct decision *d)
{
	const struct host *h = d->mac_host;
	size_t i;

	if (h != NULL) {
		sb_puts(b, "MAC ");
		sb_mac(b, &m->mac);
		sb_printf(b, " is registered to %s:%s, bound to ",
		    h->zone->name, h->name);
		for (i = 0; i < h->naddrs && i < 4; i++) {
			sb_puts(b, i ? ", " : "");
			sb_addr(b, &h->addrs[i]);
		}
		if (i < h->naddrs)
			sb_puts(b, ", ...");
		sb_puts(b, "; not ");
		sb_addr(b, &m->src);
		return;
	}
	h = d->addr_host;
	sb_addr(b, &m->src);
	sb_printf(b, " is bound to %s:%s (MAC ", h->zone->name, h->name);
	sb_mac(b, &h->mac);
	sb_puts(b, "), but came from unregistered MAC ");
	sb_mac(b, &m->mac);
}

/* f the other way round: from covers the destination, to the source. */
static bool
reverse_match(const struct flow *f, const struct pkt_meta *m)
{
	return endpoint_contains(&f->from, &m->dst) &&
	    endpoint_contains(&f->to, &m->src);
}

/* Keep the flow with the lowest position (flows live in one array). */
static void
keep_first(const struct flow **slot, const struct flow *f,
    const struct pkt_meta *m)
{
	if ((*slot == NULL || f < *slot) && reverse_match(f, m))
		*slot = f;
}

static void
reverse_ents(const struct flow **slot, const struct didx_ent *e, size_t n,
    const struct pkt_meta *m)
{
	size_t i;

	for (i = 0; e != NULL && i < n; i++)
		keep_first(slot, e[i].f, m);
}

/*
 * The first flow of the pair in policy order that matches reversed: a
 * pinned end covers only its own addresses, so only the entries keyed by
 * the packet's addresses (to: source, from: destination) and the wide
 * flows can, and the lowest position among them is the scan's first.
 */
static const struct flow *
reverse_indexed(const struct didx_pair *pr, const struct pkt_meta *m)
{
	const struct didx_ent *e;
	const struct flow *best = NULL;
	size_t i, n;

	e = didx_ent_find(pr->both, pr->nboth, &m->src, &m->dst, &n);
	reverse_ents(&best, e, n, m);
	e = didx_ent_find(pr->dst, pr->ndst, &m->src, NULL, &n);
	reverse_ents(&best, e, n, m);
	e = didx_ent_find(pr->src, pr->nsrc, &m->dst, NULL, &n);
	reverse_ents(&best, e, n, m);
	for (i = 0; i < pr->nwide && (best == NULL || pr->wide[i] < best); i++)
		if (reverse_match(pr->wide[i], m))
			best = pr->wide[i];
	return best;
}

/* Endpoints of f the other way round: only replies pass this way. */
static const struct flow *
reverse_flow(const struct policy *p, const struct pkt_meta *m,
    const struct decision *d)
{
	struct pair_iter it;
	const struct flow *f;

	pair_iter_init(&it, p, d->dst_zone, d->src_zone);
	/* Keys are whole addresses; anything else is left to the scan. */
	if (it.pr != NULL && addr_is_host(&m->src) && addr_is_host(&m->dst))
		return reverse_indexed(it.pr, m);
	while ((f = pair_iter_next(&it)) != NULL)
		if (reverse_match(f, m))
			return f;
	return NULL;
}

static void
fmt_reverse(struct sbuf *b, const struct policy *p, const struct pkt_meta *m,
    const struct decision *d)
{
	const struct flow *f = reverse_flow(p, m, d);

	if (f == NULL)
		return;
	sb_puts(b, "; flow ");
	sb_flow(b, f);
	sb_printf(b, " allows the other direction: connections must be "
	    "opened from %s", d->dst_zone->name);
}

static void
fmt_no_flow(struct sbuf *b, const struct policy *p, const struct pkt_meta *m,
    const struct decision *d)
{
	struct pair_iter it;
	const struct flow *f;
	size_t n = 0;

	sb_printf(b, "nothing is allowed from %s to %s", d->src_zone->name,
	    d->dst_zone->name);
	pair_iter_init(&it, p, d->src_zone, d->dst_zone);
	while ((f = pair_iter_next(&it)) != NULL && n < 3) {
		sb_printf(b, n++ == 0 ? " (expired: " : ", ");
		sb_printf(b, "%s on ", f->id);
		sb_time(b, f->expires);
	}
	if (n > 0)
		sb_puts(b, ")");
	fmt_reverse(b, p, m, d);
}

static void
fmt_wrong_host(struct sbuf *b, const struct policy *p,
    const struct pkt_meta *m, const struct decision *d)
{
	struct pair_iter it;
	const struct flow *f = d->flow;
	size_t n = 0;

	sb_puts(b, "no flow from ");
	sb_where(b, p, d->src_zone, &m->src);
	sb_puts(b, " to ");
	sb_where(b, p, d->dst_zone, &m->dst);
	fmt_reverse(b, p, m, d);
	if (f == NULL)
		return;
	if (endpoint_contains(&f->from, &m->src) ||
	    endpoint_contains(&f->to, &m->dst)) {
		sb_puts(b, "; nearest: flow ");
		sb_flow(b, f);
		sb_puts(b, " allows ");
		sb_ports(b, f);
	} else {
		pair_iter_init(&it, p, d->src_zone, d->dst_zone);
		if (it.pr != NULL)
			n = it.pr->nall;
		else
			while (pair_iter_next(&it) != NULL)
				n++;
		sb_puts(b, "; the ");
		sb_putu(b, n);
		sb_puts(b, n == 1 ? " flow for " : " flows for ");
		sb_puts(b, d->src_zone->name);
		sb_puts(b, " -> ");
		sb_puts(b, d->dst_zone->name);
		sb_puts(b, n == 1 ? " names other endpoints, e.g. " :
		    " name other endpoints, e.g. ");
		sb_flow(b, f);
	}
}

/* wrong port, wrong protocol, flow expired */
static void
fmt_near_miss(struct sbuf *b, const struct pkt_meta *m,
    const struct decision *d)
{
	sb_puts(b, "flow ");
	sb_flow(b, d->flow);
	if (d->reason == VR_EXPIRED) {
		sb_puts(b, " allowed ");
		sb_ports(b, d->flow);
		sb_puts(b, " until ");
		sb_time(b, d->flow->expires);
		return;
	}
	sb_puts(b, " allows ");
	sb_ports(b, d->flow);
	sb_puts(b, ", not ");
	sb_pkt_service(b, m);
}

static void
fmt_blocked(struct sbuf *b, const struct policy *p, const struct pkt_meta *m,
    const struct decision *d)
{
	switch (d->reason) {
	case VR_NO_ZONE_IFACE:
		sb_printf(b, "no zone for interface: %s is not an interface "
		    "of any zone", m->iface != NULL ? m->iface : "(none)");
		break;
	case VR_ZONE_ISOLATED:
		/* the source zone is checked before the destination is known */
		if (d->dst_zone == NULL)
			sb_printf(b, "zone isolated: source zone %s is isolated",
			    d->src_zone->name);
		else
			sb_printf(b, "zone isolated: destination zone %s is "
			    "isolated", d->dst_zone->name);
		sb_puts(b, " (bunrictl restore ZONE lifts it)");
		break;
	case VR_SPOOFED:
		sb_puts(b, "spoofed source: ");
		fmt_spoofed(b, p, m, d);
		break;
	case VR_WRONG_ZONE_MAC:
		sb_puts(b, "host in wrong zone: MAC ");
		sb_mac(b, &m->mac);
		sb_printf(b, " is registered to %s:%s but was seen ",
		    d->mac_host->zone->name, d->mac_host->name);
		sb_ingress(b, m, d->src_zone);
		break;
	case VR_MAC_NOT_BOUND:
		sb_puts(b, "MAC not bound to this address: ");
		fmt_mac_not_bound(b, m, d);
		break;
	case VR_UNKNOWN_HOST:
		sb_puts(b, "unknown host: MAC ");
		sb_mac(b, &m->mac);
		sb_puts(b, " (source ");
		sb_addr(b, &m->src);
		sb_printf(b, ") is not a registered host of zone %s "
		    "(unknown_hosts = %s)", d->src_zone->name,
		    unknown_hosts_name(d->src_zone->unknown));
		break;
	case VR_NO_ZONE_DST:
		sb_puts(b, "no zone for destination: ");
		sb_addr(b, &m->dst);
		sb_puts(b, " is in no zone's networks");
		break;
	case VR_NO_FLOW:
		sb_puts(b, "no flow between these zones: ");
		fmt_no_flow(b, p, m, d);
		break;
	case VR_WRONG_HOST:
		sb_puts(b, "wrong host: ");
		fmt_wrong_host(b, p, m, d);
		break;
	case VR_WRONG_PROTO:
		sb_puts(b, "wrong protocol: ");
		fmt_near_miss(b, m, d);
		break;
	case VR_WRONG_PORT:
		sb_puts(b, "wrong port: ");
		fmt_near_miss(b, m, d);
		break;
	case VR_EXPIRED:
		sb_puts(b, "flow expired: ");
		fmt_near_miss(b, m, d);
		break;
	case VR_FLOW:
	case VR_INTRA_ZONE:
		sb_puts(b, verdict_reason_name(d->reason));
		break;
	}
}

const char *
decision_fmt(const struct policy *p, const struct pkt_meta *m,
    const struct decision *d, char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (d->allowed && d->reason == VR_FLOW && d->flow != NULL)
		sb_printf(&b, "allowed by %s (%s)", d->flow->id,
		    d->flow->reason != NULL ? d->flow->reason : "");
	else if (d->allowed && d->reason == VR_INTRA_ZONE)
		sb_printf(&b, "allowed: inside zone %s (not an inter-zone "
		    "crossing)", d->src_zone->name);
	else if (d->allowed)
		sb_puts(&b, "allowed");
	else {
		sb_puts(&b, "blocked: ");
		fmt_blocked(&b, p, m, d);
	}
	return buf;
}
