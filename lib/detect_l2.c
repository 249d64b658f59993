/* detect_l2.c - link-layer checks: MACs and the addresses they claim (ARP, ND, local packets). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "detect_int.h"

/* FNV-1a over what identifies one "once per ..." observation. */
static uint64_t
seen_hash(const struct mac *mac, const struct zone *z, const struct addr *a,
    enum sig sid)
{
	uint8_t buf[6 + 4 + 1 + 17];
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t zi = z != NULL ? (uint32_t)z->index : UINT32_MAX;
	size_t i;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, mac->b, 6);
	memcpy(buf + 6, &zi, 4);
	buf[10] = (uint8_t)sid;
	if (a != NULL) {
		buf[11] = a->family;
		memcpy(buf + 12, a->a, 16);
	}
	for (i = 0; i < sizeof(buf); i++) {
		h ^= buf[i];
		h *= 0x100000001b3ULL;
	}
	return h != 0 ? h : 1;
}

/*
 * Has this been said before?  Records it if not.  The set is bounded:
 * when three quarters full it starts over, so a flood of new MACs costs
 * repeated alerts (rate-limited), never memory.
 */
bool
detect_seen(struct detect *d, const struct mac *mac, const struct zone *z,
    const struct addr *a, enum sig sid)
{
	uint64_t h = seen_hash(mac, z, a, sid);
	size_t i = (size_t)(h & (SEEN_SLOTS - 1));

	for (;;) {
		if (d->seen[i] == h)
			return true;
		if (d->seen[i] == 0)
			break;
		i = (i + 1) & (SEEN_SLOTS - 1);
	}
	if (d->nseen >= SEEN_SLOTS / 4 * 3) {
		memset(d->seen, 0, SEEN_SLOTS * sizeof(*d->seen));
		d->nseen = 0;
		i = (size_t)(h & (SEEN_SLOTS - 1));
	}
	d->seen[i] = h;
	d->nseen++;
	return false;
}

static uint64_t
w64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * An address the gateway never routes: this link only.  Addresses are
 * whole (decode.h: an IPv4 one is zero after its 4 bytes), so IPv6
 * ones are looked at as two words.
 */
static bool
link_scope(const struct addr *a)
{
	static const uint8_t loop6[16] = { [15] = 1 };
	uint64_t w0, w1;

	if (a->family == AF_INET)
		return a->a[0] == 0 ||	/* 0/8, the unspecified address too */
		    a->a[0] == 127 ||
		    (a->a[0] == 169 && a->a[1] == 254) ||
		    a->a[0] >= 224;	/* multicast, 240/4, broadcast */
	if (a->a[0] == 0xff || (a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80))
		return true;
	w0 = w64(a->a);
	w1 = w64(a->a + 8);
	return (w0 | w1) == 0 ||			/* unspecified */
	    (w0 == 0 && w1 == w64(loop6 + 8));		/* ::1 */
}

/*
 * Packets that cannot cross the gateway: to broadcast or multicast (the
 * gateway forwards no multicast), from or to link-local, loopback or
 * unspecified addresses.  They get no verdict.
 */
bool
detect_local_scope(const struct addr *src, const struct addr *dst)
{
	return link_scope(dst) || link_scope(src);
}

static void
host_alert(struct detect *d, const struct obs *ob, const struct zone *z,
    const struct mac *mac, const struct addr *a, enum sig sid,
    const char *text)
{
	struct alert_rec r;
	uint64_t supp;

	if (detect_seen(d, mac, z, sid == SIG_SPOOFED ? a : NULL, sid))
		return;
	if (!detect_ratelimit(d, sid, ob->ts->tv_sec, &supp))
		return;
	detect_rec_init(d, &r, EV_ALERT, ob->ts, ob->iface);
	r.sid = sid;
	r.blocked = false;	/* nothing crossed: an observation */
	r.signature = d->sigtext;
	r.src_zone = z->name;
	r.has_mac = true;
	r.src_mac = *mac;
	r.reason = text;
	r.suppressed = supp;
	detect_emit(d, &r);
}

static bool
host_has(const struct host *h, const struct addr *a)
{
	size_t i;

	for (i = 0; i < h->naddrs; i++)
		if (addr_eq(&h->addrs[i], a))
			return true;
	return false;
}

/*
 * Does this MAC belong in zone z, and may it use address a (NULL or
 * unspecified: no address claimed)?  The same questions decide() asks
 * of a crossing packet, for what stays on the link.
 */
void
detect_l2_binding(struct detect *d, const struct obs *ob,
    const struct zone *z, const struct mac *mac, const struct addr *a,
    const char *what)
{
	const struct host *h, *ah = NULL;
	char ms[MAC_STRLEN], as[ADDR_STRLEN];
	struct addr full;

	if (z == NULL || !z->attached)
		return;
	if (a != NULL && link_scope(a))
		a = NULL;	/* link-local or unspecified: binds nothing */
	if (a != NULL) {
		full = *a;
		full.plen = (uint8_t)addr_maxlen(a->family);
		a = &full;
		addr_fmt(a, as, sizeof(as));
	}
	mac_fmt(mac, ms, sizeof(ms));
	if ((h = policy_host_by_mac(d->p, mac)) != NULL) {
		if (h->zone != z) {
			snprintf(d->sigtext, sizeof(d->sigtext), "MAC %s of "
			    "%s:%s seen in zone %s", ms, h->zone->name,
			    h->name, z->name);
			snprintf(d->words, sizeof(d->words), "%s: MAC %s is "
			    "registered to %s:%s, not to zone %s", what, ms,
			    h->zone->name, h->name, z->name);
			host_alert(d, ob, z, mac, NULL, SIG_HOST_WRONG_ZONE,
			    d->words);
		} else if (a != NULL && !host_has(h, a)) {
			snprintf(d->sigtext, sizeof(d->sigtext), "MAC %s "
			    "claims %s, not bound to it", ms, as);
			snprintf(d->words, sizeof(d->words), "%s: MAC not "
			    "bound to this address: %s belongs to %s:%s, "
			    "which has no address %s", what, ms, z->name,
			    h->name, as);
			host_alert(d, ob, z, mac, a, SIG_SPOOFED, d->words);
		}
		return;
	}
	if (a != NULL)
		ah = policy_host_by_addr(d->p, a);
	if (ah != NULL && ah->has_mac) {
		snprintf(d->sigtext, sizeof(d->sigtext), "MAC %s claims %s, "
		    "not bound to it", ms, as);
		snprintf(d->words, sizeof(d->words), "%s: MAC not bound to "
		    "this address: %s is %s:%s, registered with another MAC",
		    what, as, ah->zone->name, ah->name);
		host_alert(d, ob, z, mac, a, SIG_SPOOFED, d->words);
	} else if (z->unknown != UH_ALLOW) {
		snprintf(d->sigtext, sizeof(d->sigtext), "unregistered MAC "
		    "%s in zone %s", ms, z->name);
		snprintf(d->words, sizeof(d->words), "%s: unknown host: MAC "
		    "%s is not registered in zone %s", what, ms, z->name);
		host_alert(d, ob, z, mac, NULL, SIG_UNKNOWN_HOST, d->words);
	}
}

/* The zone an address-only capture gives a link-layer observation. */
static const struct zone *
l2_zone(struct detect *d, const struct obs *ob, const struct addr *a)
{
	if (ob->zone != NULL)
		return ob->zone;
	if (a == NULL || link_scope(a))
		return NULL;
	return policy_zone_of_addr(d->p, a);
}

void
detect_l2_packet(struct detect *d, const struct obs *ob, const struct pkt *pk)
{
	const struct zone *z;

	if (pk->is_arp) {
		z = l2_zone(d, ob, &pk->arp_spa);
		detect_l2_binding(d, ob, z, &pk->arp_sha, &pk->arp_spa, "ARP");
		return;
	}
	if (pk->ipver == 0)
		return;
	z = l2_zone(d, ob, &pk->src);
	if (pk->is_nd && pk->nd_has_lladdr) {
		/* NA: the target's link-layer address; else the sender's. */
		if (pk->nd_lladdr_opt == ND_OPT_TLLA && pk->nd_has_target)
			detect_l2_binding(d, ob, z, &pk->nd_lladdr,
			    &pk->nd_target, "ND");
		else
			detect_l2_binding(d, ob, z, &pk->nd_lladdr, &pk->src,
			    "ND");
	}
	/* After ND, so an alert both would give names the ND option. */
	if (pk->has_mac)
		detect_l2_binding(d, ob, z, &pk->src_mac, &pk->src, "packet");
}
