/* detect_flow.c - a flow's verdict from decide(), its one alert, its evidence and its end event. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "detect_int.h"

static uint8_t
zone_idx(const struct zone *z)
{
	return z == NULL || z->index >= ZONE_NONE ? ZONE_NONE :
	    (uint8_t)z->index;
}

void
detect_flow_key_addrs(const struct flow_entry *e, struct addr *src,
    struct addr *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->family = dst->family = e->key.family;
	src->plen = dst->plen = (uint8_t)addr_maxlen(e->key.family);
	memcpy(src->a, e->key.src, sizeof(src->a));
	memcpy(dst->a, e->key.dst, sizeof(dst->a));
}

static void
us_tv(uint64_t us, struct timeval *tv)
{
	tv->tv_sec = (time_t)(us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
}

static void
rec_flow_part(const struct detect *d, const struct flow_entry *e,
    struct alert_rec *r)
{
	const struct policy *p = d->p;

	r->has_tuple = true;
	r->flow_id = e->flow_id;
	detect_flow_key_addrs(e, &r->src, &r->dst);
	r->proto = e->key.proto;
	if (e->key.proto == PROTO_TCP || e->key.proto == PROTO_UDP) {
		r->has_ports = true;
		r->sport = e->key.sport;
		r->dport = e->key.dport;
	}
	r->src_zone = detect_zone_name(p, e->src_zone);
	r->dest_zone = detect_zone_name(p, e->dst_zone);
	r->verdict = e->verdict ? "allowed" : "blocked";
	if (e->policy_flow != PFLOW_NONE && e->policy_flow < p->nflows)
		r->policy_flow = p->flows[e->policy_flow].id;
	r->packets = (uint64_t)e->pkts_fwd + e->pkts_rev;
	r->bytes = e->bytes_fwd + e->bytes_rev;
	r->pkts_toclient = e->pkts_rev;
	r->bytes_toclient = e->bytes_rev;
	us_tv(e->first_seen, &r->first_seen);
	us_tv(e->last_seen, &r->last_seen);
}

/* The flowtab's end callback: a flagged flow says how it went. */
void
detect_flow_end(const struct flow_entry *e, enum flow_end why, void *arg)
{
	struct detect *d = arg;
	struct alert_rec r;
	struct timeval ts;

	if (!(e->flags & FF_FLAGGED))
		return;
	us_tv(e->last_seen, &ts);
	detect_rec_init(d, &r, EV_FLOW, &ts, NULL);
	rec_flow_part(d, e, &r);
	r.reason = verdict_reason_name((enum verdict_reason)e->reason);
	r.detail = why == FLOW_END_TIMEOUT ? "timeout" :
	    why == FLOW_END_EVICTED ? "evicted" : "end";
	detect_emit(d, &r);
}

static void
evidence(struct detect *d, const struct obs *ob, struct flow_entry *e)
{
	if (e->evidence_left == 0 || d->sink.on_evidence == NULL)
		return;
	e->evidence_left--;
	d->st.evidence++;
	d->sink.on_evidence(e->flow_id, ob->ts, ob->data, ob->caplen,
	    ob->wirelen, d->sink.arg);
}

void
detect_flow_evidence(struct detect *d, const struct obs *ob,
    struct flow_entry *e)
{
	if (e->flags & FF_FLAGGED)
		evidence(d, ob, e);
}

static void
flag(struct detect *d, struct flow_entry *e)
{
	if (e->flags & FF_FLAGGED)
		return;
	e->flags |= FF_FLAGGED;
	e->evidence_left = d->o.evidence_packets > UINT16_MAX ? UINT16_MAX :
	    (uint16_t)d->o.evidence_packets;
}

/* Append t to the signature text at *n, cut where snprintf would cut. */
static void
sig_put(struct detect *d, size_t *n, const char *t)
{
	size_t l = strlen(t), room = sizeof(d->sigtext) - 1 - *n;

	if (l > room)
		l = room;
	memcpy(d->sigtext + *n, t, l);
	*n += l;
	d->sigtext[*n] = '\0';
}

static const char *
sig_text(struct detect *d, enum sig sid, const struct flow_entry *e,
    const struct pkt_meta *m, const struct decision *dc)
{
	const char *sz = detect_zone_name(d->p, e->src_zone);
	const char *dz = detect_zone_name(d->p, e->dst_zone);
	char a[ADDR_STRLEN], mac[MAC_STRLEN];
	size_t n = 0;

	if (sz == NULL)
		sz = "(no zone)";
	if (dz == NULL)
		dz = "(no zone)";
	/* The two of every disallowed flow: without printf. */
	switch (sid) {
	case SIG_ZONE_VIOLATION:
		sig_put(d, &n, "disallowed inter-zone flow ");
		sig_put(d, &n, sz);
		sig_put(d, &n, " -> ");
		sig_put(d, &n, dz);
		break;
	case SIG_ZONE_BREACH:
		sig_put(d, &n, "disallowed flow ");
		sig_put(d, &n, sz);
		sig_put(d, &n, " -> ");
		sig_put(d, &n, dz);
		sig_put(d, &n, " crossed the gateway");
		break;
	case SIG_UNKNOWN_HOST:
		snprintf(d->sigtext, sizeof(d->sigtext),
		    "unregistered MAC %s in zone %s",
		    mac_fmt(&m->mac, mac, sizeof(mac)), sz);
		break;
	case SIG_HOST_WRONG_ZONE:
		snprintf(d->sigtext, sizeof(d->sigtext),
		    "MAC %s of %s:%s seen in zone %s",
		    mac_fmt(&m->mac, mac, sizeof(mac)),
		    dc->mac_host->zone->name, dc->mac_host->name, sz);
		break;
	case SIG_SPOOFED:
		if (dc->reason == VR_MAC_NOT_BOUND)
			snprintf(d->sigtext, sizeof(d->sigtext),
			    "MAC %s with source %s not bound to it",
			    mac_fmt(&m->mac, mac, sizeof(mac)),
			    addr_fmt(&m->src, a, sizeof(a)));
		else
			snprintf(d->sigtext, sizeof(d->sigtext),
			    "spoofed source %s in zone %s",
			    addr_fmt(&m->src, a, sizeof(a)), sz);
		break;
	default:
		snprintf(d->sigtext, sizeof(d->sigtext), "%s",
		    sig_lookup(sid)->category);
		break;
	}
	return d->sigtext;
}

static void
flow_alert(struct detect *d, const struct obs *ob, struct flow_entry *e,
    enum sig sid, bool blocked, const struct pkt_meta *m,
    const struct decision *dc)
{
	struct alert_rec r;
	uint64_t supp;

	flag(d, e);
	if (!detect_ratelimit(d, sid, ob->ts->tv_sec, &supp))
		return;
	detect_rec_init(d, &r, EV_ALERT, ob->ts, ob->iface);
	rec_flow_part(d, e, &r);
	if (d->pk->has_icmp) {
		r.has_icmp = true;
		r.icmp_type = d->pk->icmp_type;
		r.icmp_code = d->pk->icmp_code;
	}
	r.sid = sid;
	r.blocked = blocked;
	r.signature = sig_text(d, sid, e, m, dc);
	r.has_mac = m->has_mac;
	r.src_mac = m->mac;
	r.reason = decision_fmt(d->p, m, dc, d->words, sizeof(d->words));
	r.suppressed = supp;
	detect_emit(d, &r);
}

void
detect_flow_alert_plain(struct detect *d, const struct obs *ob,
    struct flow_entry *e, enum sig sid, const char *signature,
    const char *reason)
{
	struct alert_rec r;
	uint64_t supp;

	flag(d, e);
	if (!detect_ratelimit(d, sid, ob->ts->tv_sec, &supp))
		return;
	detect_rec_init(d, &r, EV_ALERT, ob->ts, ob->iface);
	rec_flow_part(d, e, &r);
	r.sid = sid;
	r.blocked = false;
	r.signature = signature;
	r.reason = reason;
	r.has_mac = d->pk->has_mac;
	r.src_mac = d->pk->src_mac;
	r.suppressed = supp;
	detect_emit(d, &r);
}

/* The signature a disallowed flow's alert has; 0: none (said already). */
static enum sig
disallowed_sig(struct detect *d, const struct pkt_meta *m,
    const struct decision *dc, bool ingress)
{
	switch (dc->reason) {
	case VR_SPOOFED:
	case VR_MAC_NOT_BOUND:
		return SIG_SPOOFED;
	case VR_WRONG_ZONE_MAC:
		if (d->o.host_once && detect_seen(d, &m->mac, dc->src_zone,
		    NULL, SIG_HOST_WRONG_ZONE))
			return 0;
		return SIG_HOST_WRONG_ZONE;
	case VR_UNKNOWN_HOST:
		if (d->o.host_once && detect_seen(d, &m->mac, dc->src_zone,
		    NULL, SIG_UNKNOWN_HOST))
			return 0;
		return SIG_UNKNOWN_HOST;
	default:
		if (d->o.mode == DETECT_MONITOR || !ingress)
			return SIG_ZONE_BREACH;
		return SIG_ZONE_VIOLATION;
	}
}

/*
 * Where was this first packet seen?  At ingress (the source belongs to
 * the capture's zone, or the capture has no zone and takes the source's),
 * or on the far side (the destination's zone: it crossed the gateway),
 * or neither (a source that does not belong here: decide() calls that
 * spoofed).
 */
void
detect_new_flow(struct detect *d, const struct obs *ob, struct flow_entry *e)
{
	const struct pkt *pk = d->pk;
	const struct zone *sz, *z = ob->zone;
	struct pkt_meta m;
	struct decision dc;
	bool ingress = true;
	enum sig sid;

	memset(&m, 0, sizeof(m));
	m.src = pk->src;
	m.dst = pk->dst;
	m.proto = pk->proto;
	m.dport = pk->has_ports ? pk->dport : 0;
	sz = policy_zone_of_addr(d->p, &pk->src);
	if (z == NULL)
		z = sz;
	else if (sz != z && policy_zone_of_addr(d->p, &pk->dst) == z) {
		ingress = false;
		z = sz;
	}
	if (ingress) {
		m.has_mac = pk->has_mac;
		m.mac = pk->src_mac;
		if (ob->iface != NULL && ob->zone != NULL && ob->zone == z &&
		    policy_zone_of_iface(d->p, ob->iface) == z)
			m.iface = ob->iface;
	}
	m.zone = m.iface == NULL ? z : NULL;
	if (m.zone == NULL && m.iface == NULL)
		m.iface = "";	/* in no zone at all: decide() says so */
	(void)decide(d->p, &m, d->o.isolated, ob->ts->tv_sec, &dc);

	e->verdict = dc.allowed;
	e->reason = (uint8_t)dc.reason;
	e->src_zone = zone_idx(dc.src_zone);
	e->dst_zone = zone_idx(dc.dst_zone != NULL ? dc.dst_zone :
	    policy_zone_of_addr(d->p, &pk->dst));
	e->policy_flow = dc.flow != NULL ?
	    (uint32_t)(dc.flow - d->p->flows) : PFLOW_NONE;
	if (ingress)
		e->flags |= FF_INGRESS;
	detect_scan_flow(d, ob, e);

	if (dc.allowed) {
		if ((dc.flags & DF_UNKNOWN_HOST) && !detect_seen(d, &m.mac,
		    dc.src_zone, NULL, SIG_UNKNOWN_HOST))
			flow_alert(d, ob, e, SIG_UNKNOWN_HOST, false, &m, &dc);
	} else {
		d->st.disallowed++;
		e->flags |= FF_DISALLOWED;
		flag(d, e);
		sid = disallowed_sig(d, &m, &dc, ingress);
		if (sid == SIG_ZONE_VIOLATION)
			e->flags |= FF_VIOLATION;
		else if (sid == SIG_ZONE_BREACH)
			e->flags |= FF_BREACH;
		if (sid != 0)
			flow_alert(d, ob, e, sid, d->o.mode == DETECT_ENFORCE &&
			    ingress, &m, &dc);
	}
	evidence(d, ob, e);
}

/*
 * A later packet.  A disallowed flow seen leaving into its destination's
 * zone has crossed: the zone-breach alert, once.  Nothing to do for a
 * flow neither disallowed nor flagged (detect.c skips the call).
 */
void
detect_old_flow(struct detect *d, const struct obs *ob, struct flow_entry *e,
    bool reply, bool out)
{
	const struct pkt *pk = d->pk;
	struct pkt_meta m;
	struct decision dc;

	if ((e->flags & (FF_DISALLOWED | FF_BREACH)) == FF_DISALLOWED &&
	    !reply && ob->zone != NULL && e->dst_zone != ZONE_NONE &&
	    zone_idx(ob->zone) == e->dst_zone && e->src_zone != e->dst_zone) {
		e->flags |= FF_BREACH;
		memset(&m, 0, sizeof(m));
		m.src = pk->src;
		m.dst = pk->dst;
		m.proto = pk->proto;
		m.dport = pk->has_ports ? pk->dport : 0;
		m.zone = policy_zone_of_addr(d->p, &pk->src);
		if (m.zone != NULL) {
			(void)decide(d->p, &m, d->o.isolated,
			    (time_t)(e->first_seen / 1000000), &dc);
			flow_alert(d, ob, e, SIG_ZONE_BREACH, false, &m, &dc);
		}
	}
	if ((e->flags & FF_FLAGGED) && !out)
		evidence(d, ob, e);
}
