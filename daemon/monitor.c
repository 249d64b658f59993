/* monitor.c - live monitoring: capture -> detection -> alert log and evidence, in the daemon's loop. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/epoll.h>
#include <sys/timerfd.h>

#include "log.h"
#include "monitor.h"

#define SNAPLEN		256	/* as capture.c: evidence keeps what was captured */
/* Seconds between two capture-loss alerts; drops in between add up. */
#define LOSS_INTERVAL	10

static void
on_event(const struct alert_rec *r, void *arg)
{
	struct monitor *m = arg;
	struct alert_rec c = *r;
	char path[4096];

	if (c.has_tuple && m->det != NULL && m->pol->mon.evidence_packets > 0)
		c.evidence = evidence_path(&m->ev, c.flow_id, path,
		    sizeof(path));
	if (alertlog_write(&m->al, &c) == -1)
		log_debug("alert not written");
	if (c.kind == EV_FLOW)
		evidence_end(&m->ev, c.flow_id);
}

static void
on_evidence(uint64_t flow_id, const struct timeval *ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen, void *arg)
{
	struct monitor *m = arg;

	evidence_write(&m->ev, flow_id, m->linktype, ts, data, caplen,
	    wirelen);
}

static void
on_packet(const struct capture_if *ci, const struct timeval *ts,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen, void *arg)
{
	struct monitor *m = arg;

	m->linktype = ci->linktype;
	if (ci->out)
		(void)detect_packet_out(m->det, ci->name, NULL, ci->linktype,
		    ts, data, caplen, wirelen);
	else
		(void)detect_packet(m->det, ci->name, NULL, ci->linktype, ts,
		    data, caplen, wirelen);
}

void
monitor_alert(struct monitor *m, enum sig sid, const char *signature,
    const char *detail)
{
	struct alert_rec r;

	if (m == NULL || !m->al_open || m->pol == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.kind = EV_ALERT;
	gettimeofday(&r.ts, NULL);
	r.host = m->pol->gw.name;
	r.sid = sid;
	r.signature = signature;
	r.detail = detail;
	m->own_alerts[sid]++;
	(void)alertlog_write(&m->al, &r);
}

/* Capture totals since start, handles replaced by reloads included. */
void
monitor_capture_totals(const struct monitor *m, struct capture_totals *t)
{
	capture_totals(&m->cap, t);
	t->packets += m->cap_prev.packets;
	t->drops += m->cap_prev.drops;
	t->ifdrops += m->cap_prev.ifdrops;
}

static void
stats_event(struct monitor *m)
{
	struct capture_totals t;
	struct detect_stats st;
	struct alert_rec r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.kind = EV_STATS;
	gettimeofday(&r.ts, NULL);
	r.host = m->pol->gw.name;
	monitor_capture_totals(m, &t);
	detect_stats(m->det, &st);
	r.st_packets = t.packets;
	r.st_drops = t.drops + t.ifdrops;
	for (i = 1; i <= SIG_MAX; i++) {
		r.st_alerts += st.alerts[i] + m->prev.alerts[i] +
		    m->own_alerts[i];
		r.st_suppressed += st.suppressed[i] + m->prev.suppressed[i];
	}
	(void)alertlog_write(&m->al, &r);
}

static void
loss_alert(struct monitor *m)
{
	struct capture_totals t;
	struct capture_loss l;
	struct alert_rec r;
	struct timeval now;
	char sig[128], detail[256];

	monitor_capture_totals(m, &t);
	l.lost = m->loss_pending;
	l.drops = t.drops;
	l.ifdrops = t.ifdrops;
	l.packets = t.packets;
	gettimeofday(&now, NULL);
	capstats_loss_alert(&l, &now, m->pol->gw.name, &r, sig, sizeof(sig),
	    detail, sizeof(detail));
	log_warnx("capture: %s", detail);
	m->own_alerts[SIG_CAPTURE_LOSS]++;
	(void)alertlog_write(&m->al, &r);
	m->loss_pending = 0;
	m->since_loss = 0;
}

/* Once a second: idle flows end, drops are read, checkpoints are due. */
static void
tick_ready(struct source *s, uint32_t events)
{
	struct monitor *m = s->arg;
	struct timeval now;
	uint64_t n;

	(void)events;
	if (read(s->fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	gettimeofday(&now, NULL);
	(void)detect_tick(m->det, &now);
	m->loss_pending += capture_poll_stats(&m->cap);
	if (m->since_loss < LOSS_INTERVAL)
		m->since_loss++;
	if (m->loss_pending > 0 && m->since_loss >= LOSS_INTERVAL)
		loss_alert(m);
	if (++m->since_checkpoint >= m->pol->alerts.checkpoint) {
		m->since_checkpoint = 0;
		stats_event(m);
	}
	if (m->al.dirty)
		(void)alertlog_sync(&m->al);
}

static struct detect *
engine(struct monitor *m, struct policy *p, const bool *isolated)
{
	struct detect_sink sink = { on_event, on_evidence, m };
	struct detect_opts o;

	detect_opts_from_policy(p, &o);
	o.isolated = isolated;
	return detect_new(p, &o, &sink);
}

static int
tick_open(struct monitor *m)
{
	struct itimerspec it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = it.it_interval.tv_sec = 1;
	return loop_add_timer(m->loop, &m->tick, CLOCK_MONOTONIC, &it,
	    tick_ready, m);
}

int
monitor_open(struct monitor *m, struct policy *p, const bool *isolated,
    struct loop *l)
{
	memset(m, 0, sizeof(*m));
	m->loop = l;
	m->pol = p;
	m->isolated = isolated;
	m->tick.fd = -1;
	m->since_loss = LOSS_INTERVAL;
	gettimeofday(&m->started, NULL);
	if (alertlog_open(&m->al, p) == -1)
		return -1;
	m->al_open = true;
	if (evidence_init(&m->ev, p->gw.state_dir, SNAPLEN) == -1)
		log_warnx("evidence pcaps will not be written");
	evidence_set_max(&m->ev, (uint64_t)p->mon.evidence_max_mb << 20);
	if ((m->det = engine(m, p, isolated)) == NULL) {
		log_warnx("detection engine: out of memory");
		goto fail;
	}
	if (tick_open(m) == -1) {
		log_warn("monitor timer");
		goto fail;
	}
	return 0;
fail:
	detect_free(m->det);
	m->det = NULL;
	evidence_fini(&m->ev);
	alertlog_close(&m->al);
	m->al_open = false;
	return -1;
}

int
monitor_capture(struct monitor *m)
{
	int n;

	if (m->det == NULL)
		return -1;
	if ((n = capture_open(&m->cap, m->pol, m->loop, on_packet, m)) == -1) {
		log_warnx("capture: out of memory");
		capture_close(&m->cap);
		return -1;
	}
	if ((size_t)n < m->cap.nifs)
		log_warnx("capturing on %d of %zu interfaces", n, m->cap.nifs);
	return 0;
}

int
monitor_start(struct monitor *m, struct policy *p, const bool *isolated,
    struct loop *l)
{
	if (monitor_open(m, p, isolated, l) == -1)
		return -1;
	if (monitor_capture(m) == -1) {
		monitor_stop(m);
		return -1;
	}
	return 0;
}

int
monitor_policy(struct monitor *m, struct policy *p, const bool *isolated)
{
	struct capture_totals t;
	struct detect_stats st;
	struct detect *nd;
	size_t i;
	int n;

	if ((nd = engine(m, p, isolated)) == NULL) {
		log_warnx("reload: detection engine: out of memory; the old"
		    " policy's engine is gone, monitoring stops");
		return -1;
	}
	/* The old flows end while their policy is still there to name them. */
	(void)detect_finish(m->det);
	detect_stats(m->det, &st);
	for (i = 0; i <= SIG_MAX; i++) {
		m->prev.alerts[i] += st.alerts[i];
		m->prev.suppressed[i] += st.suppressed[i];
	}
	detect_free(m->det);
	m->det = nd;
	m->pol = p;
	m->isolated = isolated;
	(void)alertlog_configure(&m->al, p);
	evidence_set_max(&m->ev, (uint64_t)p->mon.evidence_max_mb << 20);
	if (!capture_same(&m->cap, p)) {
		/* new handles count from 0: keep what the old ones saw */
		m->loss_pending += capture_poll_stats(&m->cap);
		capture_totals(&m->cap, &t);
		m->cap_prev.packets += t.packets;
		m->cap_prev.drops += t.drops;
		m->cap_prev.ifdrops += t.ifdrops;
		capture_close(&m->cap);
		if ((n = capture_open(&m->cap, p, m->loop, on_packet, m)) == -1)
			log_warnx("capture: out of memory");
		else if ((size_t)n < m->cap.nifs)
			log_warnx("capturing on %d of %zu interfaces", n,
			    m->cap.nifs);
	}
	return 0;
}

void
monitor_policy_event(struct monitor *m, const char *what, const char *path,
    const struct policy *p, const char *why)
{
	char sig[512], detail[1024], hex[65];
	size_t i;

	if (!m->al_open)
		return;
	for (i = 0; i < sizeof(p->sha256); i++)
		snprintf(hex + 2 * i, 3, "%02x", p->sha256[i]);
	snprintf(sig, sizeof(sig), "policy %s: %s", what, path);
	if (why != NULL)
		snprintf(detail, sizeof(detail), "%s; the running policy stays"
		    " (sha256 %s)", why, hex);
	else
		snprintf(detail, sizeof(detail), "sha256 %s; mode %s; %zu"
		    " zones, %zu flows; uid %u", hex,
		    p->gw.mode == MODE_MONITOR ? "monitor" : "enforce",
		    p->nzones, p->nflows, (unsigned)getuid());
	monitor_alert(m, SIG_POLICY_CHANGE, sig, detail);
}

void
monitor_reopen(struct monitor *m)
{
	if (m->al_open && alertlog_reopen(&m->al) == -1)
		log_warnx("reopening the alert log failed");
}

void
monitor_stop(struct monitor *m)
{
	loop_close_source(m->loop, &m->tick);
	if (m->det != NULL) {
		(void)capture_poll_stats(&m->cap);
		(void)detect_finish(m->det);
		stats_event(m);
		detect_free(m->det);
		m->det = NULL;
	}
	capture_close(&m->cap);
	evidence_fini(&m->ev);
	if (m->al_open)
		alertlog_close(&m->al);
	m->al_open = false;
}
