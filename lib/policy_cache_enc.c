/* policy_cache_enc.c - write a loaded policy model into the cache format (policy_cache.h). */
#include <stdlib.h>
#include <string.h>

#include "policy_cache_int.h"

/*
 * Pointers become positions: a source location's file is its index in
 * p->files, an endpoint's zone and host their positions.  A model that
 * does not have the loader's shape (a file name from elsewhere, a host
 * outside its zone) is refused rather than written approximately, so the
 * decoded model is always the same as the one encoded.
 */
struct enc {
	struct pc_w	 w;
	const struct policy *p;
};

static void
enc_fail(struct enc *e)
{
	e->w.err = true;
}

static void
enc_loc(struct enc *e, const struct srcloc *l)
{
	size_t i;

	if (l->file == NULL) {
		pcw_u32(&e->w, PC_NONE);
	} else {
		for (i = 0; i < e->p->nfiles; i++)
			if (e->p->files[i] == l->file)
				break;
		if (i == e->p->nfiles)
			for (i = 0; i < e->p->nfiles; i++)
				if (strcmp(e->p->files[i], l->file) == 0)
					break;
		if (i == e->p->nfiles) {
			enc_fail(e);
			return;
		}
		pcw_u32(&e->w, (uint32_t)i);
	}
	pcw_u32(&e->w, (uint32_t)l->line);
}

static void
enc_count(struct enc *e, size_t n)
{
	if (n >= PC_NONE)
		enc_fail(e);
	pcw_u32(&e->w, (uint32_t)n);
}

static void
enc_strv(struct enc *e, char *const *v, size_t n)
{
	size_t i;

	enc_count(e, n);
	for (i = 0; i < n; i++)
		pcw_str(&e->w, v[i]);
}

static size_t
zone_pos(struct enc *e, const struct zone *z)
{
	if (z == NULL || z < e->p->zones || z >= e->p->zones + e->p->nzones) {
		enc_fail(e);
		return 0;
	}
	return (size_t)(z - e->p->zones);
}

static void
enc_endpoint(struct enc *e, const struct endpoint *ep)
{
	const struct zone *z = ep->zone;

	pcw_u8(&e->w, (uint8_t)ep->kind);
	pcw_u32(&e->w, (uint32_t)zone_pos(e, z));
	if (ep->kind == EP_HOST) {
		if (z == NULL || ep->host == NULL || ep->host < z->hosts ||
		    ep->host >= z->hosts + z->nhosts) {
			enc_fail(e);
			return;
		}
		pcw_u32(&e->w, (uint32_t)(ep->host - z->hosts));
	} else {
		if (ep->host != NULL)
			enc_fail(e);
		pcw_u32(&e->w, PC_NONE);
	}
	pcw_addr(&e->w, &ep->prefix);
}

static void
enc_host(struct enc *e, const struct zone *z, size_t j)
{
	const struct host *h = &z->hosts[j];
	size_t k;

	if (h->zone != z || h->index != j)
		enc_fail(e);
	pcw_str(&e->w, h->name);
	pcw_u8(&e->w, h->has_mac);
	pcw_bytes(&e->w, h->mac.b, sizeof(h->mac.b));
	enc_count(e, h->naddrs);
	for (k = 0; k < h->naddrs; k++)
		pcw_addr(&e->w, &h->addrs[k]);
	enc_loc(e, &h->loc);
	enc_loc(e, &h->mac_loc);
	enc_loc(e, &h->addrs_loc);
}

static void
enc_zone(struct enc *e, size_t i)
{
	const struct zone *z = &e->p->zones[i];
	size_t j;

	if (z->index != i)
		enc_fail(e);
	pcw_str(&e->w, z->name);
	pcw_u8(&e->w, (uint8_t)z->kind);
	pcw_str(&e->w, z->description);
	enc_strv(e, z->ifaces, z->nifaces);
	enc_count(e, z->nnets);
	for (j = 0; j < z->nnets; j++)
		pcw_addr(&e->w, &z->nets[j]);
	pcw_u8(&e->w, z->attached);
	pcw_u8(&e->w, (uint8_t)z->unknown);
	enc_count(e, z->nhosts);
	for (j = 0; j < z->nhosts; j++)
		enc_host(e, z, j);
	enc_loc(e, &z->loc);
	enc_loc(e, &z->ifaces_loc);
	enc_loc(e, &z->nets_loc);
	enc_loc(e, &z->attached_loc);
	enc_loc(e, &z->unknown_loc);
}

static void
enc_flow(struct enc *e, const struct flow *f)
{
	size_t k;

	pcw_str(&e->w, f->id);
	enc_endpoint(e, &f->from);
	enc_endpoint(e, &f->to);
	pcw_u8(&e->w, (uint8_t)f->proto);
	enc_count(e, f->nports);
	for (k = 0; k < f->nports; k++) {
		pcw_u16(&e->w, f->ports[k].lo);
		pcw_u16(&e->w, f->ports[k].hi);
	}
	pcw_u8(&e->w, (uint8_t)f->sanitize);
	pcw_str(&e->w, f->reason);
	pcw_str(&e->w, f->approval);
	pcw_u8(&e->w, f->has_expires);
	pcw_u64(&e->w, (uint64_t)(int64_t)f->expires);
	enc_loc(e, &f->loc);
	enc_loc(e, &f->from_loc);
	enc_loc(e, &f->to_loc);
	enc_loc(e, &f->proto_loc);
	enc_loc(e, &f->ports_loc);
	enc_loc(e, &f->sanitize_loc);
	enc_loc(e, &f->expires_loc);
	pcw_u64(&e->w, (uint64_t)f->index);
}

static void
enc_gateway(struct enc *e, const struct gateway_conf *g)
{
	size_t i;

	pcw_str(&e->w, g->name);
	pcw_u8(&e->w, (uint8_t)g->mode);
	pcw_str(&e->w, g->control_socket);
	pcw_str(&e->w, g->state_dir);
	enc_count(e, g->nadmin_from);
	for (i = 0; i < g->nadmin_from; i++)
		enc_endpoint(e, &g->admin_from[i]);
	enc_count(e, g->nadmin_ports);
	for (i = 0; i < g->nadmin_ports; i++)
		pcw_u16(&e->w, g->admin_ports[i]);
	enc_loc(e, &g->loc);
	enc_loc(e, &g->admin_loc);
}

static void
enc_monitor(struct enc *e, const struct monitor_conf *m)
{
	size_t i;

	enc_strv(e, m->ifaces, m->nifaces);
	enc_count(e, m->nspans);
	for (i = 0; i < m->nspans; i++) {
		pcw_str(&e->w, m->spans[i].iface);
		pcw_u32(&e->w, (uint32_t)zone_pos(e, m->spans[i].zone));
		enc_loc(e, &m->spans[i].loc);
	}
	pcw_u32(&e->w, m->scan_ports);
	pcw_u32(&e->w, m->scan_hosts);
	pcw_u32(&e->w, m->scan_window);
	pcw_u32(&e->w, m->evidence_packets);
	pcw_u32(&e->w, m->max_flows);
	pcw_u32(&e->w, m->flow_timeout);
	pcw_u32(&e->w, m->evidence_max_mb);
}

static void
enc_alerts(struct enc *e, const struct alerts_conf *a)
{
	pcw_str(&e->w, a->file);
	pcw_u8(&e->w, a->syslog);
	pcw_str(&e->w, a->facility);
	pcw_u32(&e->w, a->rate_limit);
	pcw_u32(&e->w, a->checkpoint);
}

int
pcache_encode(const struct policy *p, const struct pcache_meta *m,
    uint8_t **out, size_t *outlen)
{
	struct enc e;
	size_t i;

	*out = NULL;
	*outlen = 0;
	memset(&e, 0, sizeof(e));
	e.p = p;
	if (p->nfiles == 0 || m->nfiles != p->nfiles)
		return -1;
	for (i = 0; i < p->nfiles; i++)
		if (p->files[i] == NULL || m->files[i].name == NULL ||
		    strcmp(p->files[i], m->files[i].name) != 0)
			return -1;
	pc_meta_write(&e.w, m);
	pcw_u32(&e.w, (uint32_t)p->version);
	enc_strv(&e, p->files, p->nfiles);
	pcw_bytes(&e.w, p->sha256, sizeof(p->sha256));
	enc_count(&e, p->nzones);
	for (i = 0; i < p->nzones; i++)
		enc_zone(&e, i);
	enc_gateway(&e, &p->gw);
	enc_count(&e, p->nflows);
	for (i = 0; i < p->nflows; i++)
		enc_flow(&e, &p->flows[i]);
	enc_monitor(&e, &p->mon);
	enc_alerts(&e, &p->alerts);
	if (!e.w.err && pc_didx_encode(&e.w, p) == -1)
		e.w.err = true;
	if (e.w.err) {
		free(e.w.b);
		return -1;
	}
	pcache_reseal(e.w.b, e.w.len);
	*out = e.w.b;
	*outlen = e.w.len;
	return 0;
}
