/* detect.c - the detection engine's core: one packet at a time, rate limit, event output. */
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "detect_int.h"

void
detect_opts_from_policy(const struct policy *p, struct detect_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = p->gw.mode == MODE_MONITOR ? DETECT_MONITOR : DETECT_ENFORCE;
	o->rate_limit = p->alerts.rate_limit;
	o->evidence_packets = p->mon.evidence_packets;
	o->max_flows = p->mon.max_flows;
	o->flow_timeout = p->mon.flow_timeout;
	o->scan_ports = p->mon.scan_ports;
	o->scan_hosts = p->mon.scan_hosts;
	o->scan_window = p->mon.scan_window;
	o->host_once = true;
}

struct detect *
detect_new(struct policy *p, const struct detect_opts *o,
    const struct detect_sink *sink)
{
	struct detect *d;

	if (o->max_flows == 0 || o->max_flows > FLOWTAB_MAX ||
	    sink == NULL || sink->on_event == NULL)
		return NULL;
	if (p->didx == NULL)
		(void)decide_index(p);	/* without it decide() scans: same answers */
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->p = p;
	d->o = *o;
	d->sink = *sink;
	d->expired_sec = INT64_MIN;
	if ((d->seen = calloc(SEEN_SLOTS, sizeof(*d->seen))) == NULL ||
	    (d->ft = flowtab_new(o->max_flows,
	    (uint64_t)o->flow_timeout * 1000000)) == NULL ||
	    detect_scan_new(d) == -1) {
		detect_free(d);
		return NULL;
	}
	return d;
}

void
detect_free(struct detect *d)
{
	if (d == NULL)
		return;
	flowtab_free(d->ft);
	detect_scan_free(d);
	free(d->seen);
	free(d);
}

const char *
detect_zone_name(const struct policy *p, uint8_t idx)
{
	return idx == ZONE_NONE || idx >= p->nzones ? NULL : p->zones[idx].name;
}

/*
 * At most rate_limit alerts of one signature per packet second; the
 * others are counted, and the next alert that passes carries the count.
 */
bool
detect_ratelimit(struct detect *d, enum sig sid, int64_t sec,
    uint64_t *suppressed)
{
	struct ratelimit *r = &d->rl[sid];

	*suppressed = 0;
	if (d->o.rate_limit == 0)
		return true;
	if (r->sec != sec) {
		r->sec = sec;
		r->n = 0;
	}
	if (r->n >= d->o.rate_limit) {
		r->pending++;
		d->st.suppressed[sid]++;
		return false;
	}
	r->n++;
	*suppressed = r->pending;
	r->pending = 0;
	return true;
}

void
detect_rec_init(const struct detect *d, struct alert_rec *r,
    enum event_kind kind, const struct timeval *ts, const char *iface)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->ts = *ts;
	r->host = d->p->gw.name;
	r->in_iface = iface;
}

void
detect_emit(struct detect *d, struct alert_rec *r)
{
	if (r->kind == EV_ALERT && r->sid >= 1 && r->sid <= SIG_MAX)
		d->st.alerts[r->sid]++;
	else if (r->kind == EV_FLOW)
		d->st.flow_events++;
	d->sink.on_event(r, d->sink.arg);
}

/* The zone of the capture's interface, remembered across packets. */
static const struct zone *
iface_zone(struct detect *d, const char *iface)
{
	const struct zone *z;
	size_t i;

	if (d->if_name != NULL && (d->if_name == iface ||
	    strcmp(d->if_name, iface) == 0))
		return d->if_zone;
	z = policy_zone_of_iface(d->p, iface);
	for (i = 0; z == NULL && i < d->p->mon.nspans; i++)
		if (strcmp(d->p->mon.spans[i].iface, iface) == 0)
			z = d->p->mon.spans[i].zone;
	d->if_name = iface;
	d->if_zone = z;
	return z;
}

static int
pkt_flowkey(const struct pkt *pk, struct flowkey *k)
{
	uint16_t sp = 0, dp = 0;
	bool one_way;

	if (pk->has_ports) {
		sp = pk->sport;
		dp = pk->dport;
	} else if (pk->has_icmp)
		community_id_icmp_ports(pk->proto, pk->icmp_type,
		    pk->icmp_code, &sp, &dp, &one_way);
	return flowkey_set(k, &pk->src, &pk->dst, pk->proto, sp, dp);
}

static struct flow_entry *lookup(struct detect *, const struct flowkey *,
		    bool *);

/*
 * The flow an ICMP error answers: the one of the packet it quotes.  The
 * error travels against that packet, so *reply is the other way round.
 */
static struct flow_entry *
inner_flow(struct detect *d, const struct pkt *pk, bool *reply)
{
	struct flow_entry *e;
	struct flowkey k;
	uint16_t sp = 0, dp = 0;
	bool one_way, r;

	if (!pk->has_inner)
		return NULL;
	if (pk->inner_has_ports) {
		sp = pk->inner_sport;
		dp = pk->inner_dport;
	} else if (pk->inner_has_icmp)
		community_id_icmp_ports(pk->inner_proto, pk->inner_icmp_type,
		    pk->inner_icmp_code, &sp, &dp, &one_way);
	if (flowkey_set(&k, &pk->inner_src, &pk->inner_dst, pk->inner_proto,
	    sp, dp) == -1 || (e = lookup(d, &k, &r)) == NULL)
		return NULL;
	*reply = !r;
	return e;
}

/*
 * The table's own lookup: its hash is cheap enough for every packet, and
 * a cache in front of it missed for most packets of a busy link (a
 * round over 50,000 flows never hit) while costing a cache line more.
 */
static struct flow_entry *
lookup(struct detect *d, const struct flowkey *k, bool *reply)
{
	return flowtab_lookup(d->ft, k, reply);
}

static void
expire(struct detect *d, const struct timeval *ts)
{
	if ((int64_t)ts->tv_sec == d->expired_sec)
		return;
	d->expired_sec = ts->tv_sec;
	(void)detect_tick(d, ts);
}

static uint64_t
tv_us(const struct timeval *tv)
{
	if (tv->tv_sec < 0)
		return 0;
	return (uint64_t)tv->tv_sec * 1000000 + (uint64_t)tv->tv_usec;
}

/* The observation of a packet: its capture and its ingress zone. */
static void
obs_init(struct detect *d, struct obs *ob, const char *iface,
    const struct zone *zone, const struct timeval *ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	ob->iface = iface;
	ob->zone = zone;
	if (ob->zone == NULL && iface != NULL)
		ob->zone = iface_zone(d, iface);
	ob->ts = ts;
	ob->data = data;
	ob->caplen = caplen;
	ob->wirelen = wirelen;
}

/*
 * Decode a packet and, when it can have a flow (an IP packet that may
 * cross the gateway, not a later fragment), its key and hash.  Nothing
 * here depends on the table, so it can run ahead of the packet's turn.
 */
static void
prepare(struct detect *d, int linktype, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, struct ahead *a)
{
	const struct pkt *pk = &a->pk;

	a->rc = decode_packet(linktype, data, caplen, wirelen, &a->pk);
	a->local = a->rc == DEC_OK && (pk->is_nd ||
	    detect_local_scope(&pk->src, &pk->dst));
	a->keyed = a->rc == DEC_OK && !a->local &&
	    !(pk->frag && !pk->frag_first) && pkt_flowkey(pk, &a->k) == 0;
	/* One hash for the lookup and, for a new flow, the insert. */
	if (a->keyed)
		a->h = flowtab_hash(d->ft, &a->k);
}

/* The packet prepared in a, in its turn. */
static int
classify(struct detect *d, const char *iface, const struct zone *zone,
    const struct timeval *ts, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, const struct ahead *a)
{
	const struct pkt *pk = &a->pk;
	struct flow_entry *e;
	struct obs ob;
	bool reply;
	int rc = a->rc;

	d->pk = pk;
	decode_stats_count(&d->st.dec, rc);
	if (rc != DEC_OK && rc != DEC_NOT_IP)
		return rc;
	expire(d, ts);
	obs_init(d, &ob, iface, zone, ts, data, caplen, wirelen);

	if (rc == DEC_NOT_IP) {
		if (pk->is_arp)
			detect_l2_packet(d, &ob, pk);
		return rc;
	}
	if (a->local) {
		/* It stays on its link: no verdict, but whose MAC is it? */
		d->st.local++;
		detect_l2_packet(d, &ob, pk);
		return rc;
	}
	if (pk->has_inner && (e = inner_flow(d, pk, &reply)) != NULL) {
		/* Part of the flow it answers: no flow, no verdict of its own. */
		d->st.icmp_errors++;
		flowtab_touch(d->ft, e, reply, wirelen, tv_us(ts));
		detect_flow_evidence(d, &ob, e);
		return rc;
	}
	if (!a->keyed) {
		/* Later fragments carry no ports: their first one decided. */
		d->st.no_flow++;
		return rc;
	}
	if ((e = flowtab_lookup_h(d->ft, &a->k, a->h, &reply)) != NULL) {
		flowtab_touch(d->ft, e, reply, wirelen, tv_us(ts));
		e->flags |= FF_SEEN_IN;
		/* Most flows are neither flagged nor disallowed: nothing to do. */
		if (e->flags & (FF_DISALLOWED | FF_FLAGGED))
			detect_old_flow(d, &ob, e, reply, false);
		return rc;
	}
	e = flowtab_insert_h(d->ft, &a->k, a->h, tv_us(ts), detect_flow_end, d);
	flowtab_touch(d->ft, e, false, wirelen, tv_us(ts));
	e->flags |= FF_SEEN_IN;
	d->st.flows++;
	detect_new_flow(d, &ob, e);
	return rc;
}

int
detect_packet(struct detect *d, const char *iface, const struct zone *zone,
    int linktype, const struct timeval *ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	prepare(d, linktype, data, caplen, wirelen, &d->ahead[0]);
	return classify(d, iface, zone, ts, data, caplen, wirelen,
	    &d->ahead[0]);
}

/*
 * Packet i + AHEAD is prepared (and its bucket fetched) while packet i
 * is classified, and the entry of packet i + AHEAD / 2 is fetched: by
 * its turn a packet's flow is in the cache.  Fetching is only a hint, so
 * a table changed in between costs time, never a wrong answer.
 */
void
detect_packets(struct detect *d, const char *iface, const struct zone *zone,
    int linktype, const struct detect_pkt *v, size_t n)
{
	struct ahead *a;
	size_t i;

	for (i = 0; i < n && i < AHEAD; i++) {
		a = &d->ahead[i];
		prepare(d, linktype, v[i].data, v[i].caplen, v[i].wirelen, a);
		if (a->keyed)
			flowtab_prefetch(d->ft, a->h);
	}
	for (i = 0; i < n && i < AHEAD / 2; i++)
		if (d->ahead[i].keyed)
			flowtab_prefetch_entry(d->ft, d->ahead[i].h);
	for (i = 0; i < n; i++) {
		a = &d->ahead[(i + AHEAD / 2) % AHEAD];
		if (i + AHEAD / 2 < n && a->keyed)
			flowtab_prefetch_entry(d->ft, a->h);
		a = &d->ahead[i % AHEAD];
		(void)classify(d, iface, zone, &v[i].ts, v[i].data,
		    v[i].caplen, v[i].wirelen, a);
		if (i + AHEAD < n) {
			prepare(d, linktype, v[i + AHEAD].data,
			    v[i + AHEAD].caplen, v[i + AHEAD].wirelen, a);
			if (a->keyed)
				flowtab_prefetch(d->ft, a->h);
		}
	}
}

/*
 * A packet the gateway sent out of iface.  Its ingress copy was counted
 * already, so this only looks for crossings: a disallowed flow leaving
 * into its destination's zone (sid 2).  A flow never seen coming in (its
 * ingress is not captured) is taken from here, but only when it came from
 * another zone: what the gateway itself sends is not a crossing, nor is
 * its ARP or ND.
 */
int
detect_packet_out(struct detect *d, const char *iface,
    const struct zone *zone, int linktype, const struct timeval *ts,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct pkt *pk = &d->ahead[0].pk;
	struct flow_entry *e;
	struct flowkey k;
	struct obs ob;
	bool reply;
	int rc;

	d->pk = pk;
	rc = decode_packet(linktype, data, caplen, wirelen, pk);
	if (rc != DEC_OK)
		return rc;
	expire(d, ts);
	obs_init(d, &ob, iface, zone, ts, data, caplen, wirelen);
	if (ob.zone == NULL || pk->is_nd ||
	    detect_local_scope(&pk->src, &pk->dst) ||
	    inner_flow(d, pk, &reply) != NULL ||
	    (pk->frag && !pk->frag_first) || pkt_flowkey(pk, &k) == -1)
		return rc;
	if ((e = lookup(d, &k, &reply)) != NULL) {
		/*
		 * Its packets are counted where they come in; a flow never
		 * captured coming in (the ingress is not watched, or the
		 * frames bypassed the forward path) is counted here, or its
		 * packets and last_seen would stop at its first packet and
		 * it would expire while it still crosses.
		 */
		if (!(e->flags & FF_SEEN_IN))
			flowtab_touch(d->ft, e, reply, wirelen, tv_us(ts));
		detect_old_flow(d, &ob, e, reply, true);
		return rc;
	}
	if (policy_zone_of_addr(d->p, &pk->src) == ob.zone ||
	    policy_zone_of_addr(d->p, &pk->dst) != ob.zone)
		return rc;
	e = flowtab_insert(d->ft, &k, tv_us(ts), detect_flow_end, d);
	flowtab_touch(d->ft, e, false, wirelen, tv_us(ts));
	d->st.flows++;
	detect_new_flow(d, &ob, e);
	return rc;
}

size_t
detect_tick(struct detect *d, const struct timeval *now)
{
	return flowtab_expire(d->ft, tv_us(now), detect_flow_end, d);
}

size_t
detect_finish(struct detect *d)
{
	return flowtab_flush(d->ft, detect_flow_end, d);
}

void
detect_stats(const struct detect *d, struct detect_stats *st)
{
	struct flowtab_stats fs;

	*st = d->st;
	flowtab_stats(d->ft, &fs);
	st->evictions = fs.evictions;
}
