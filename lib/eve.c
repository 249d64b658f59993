/* eve.c - struct alert_rec as one EVE JSON object (without its chain member). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community_id.h"
#include "eve.h"

/* alerts.md, "Signatures". */
static const struct sig_info sigs[SIG_MAX] = {
	{ SIG_ZONE_VIOLATION,	"zone-violation",	2 },
	{ SIG_ZONE_BREACH,	"zone-breach",		1 },
	{ SIG_UNKNOWN_HOST,	"unknown-host",		3 },
	{ SIG_HOST_WRONG_ZONE,	"host-in-wrong-zone",	1 },
	{ SIG_SPOOFED,		"spoofed-source",	2 },
	{ SIG_SCAN,		"scan",			2 },
	{ SIG_TAMPERED,		"ruleset-tampered",	1 },
	{ SIG_CLOCK,		"clock-unsynchronized",	3 },
	{ SIG_POLICY_CHANGE,	"policy-change",	3 },
	{ SIG_CAPTURE_LOSS,	"capture-loss",		2 },
};

const struct sig_info *
sig_lookup(enum sig sid)
{
	if ((int)sid < 1 || (int)sid > SIG_MAX)
		return NULL;
	return &sigs[sid - 1];
}

const char *
eve_fmt_time(const struct timeval *tv, char *buf, size_t len)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	long usec = (long)tv->tv_usec, off;
	char sign = '+';
	int n;

	if (len > 0)
		buf[0] = '\0';
	if (usec < 0 || usec > 999999)
		usec = 0;
	if (localtime_r(&t, &tm) == NULL)
		return buf;
	off = tm.tm_gmtoff / 60;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld%c%02ld%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, usec, sign, off / 60, off % 60);
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
	return buf;
}

const char *
eve_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "IPv6-ICMP";
	default:
		return NULL;
	}
}

static void
put_time(struct jbuf *jb, const char *key, const struct timeval *tv)
{
	char ts[EVE_TSLEN];

	json_str(jb, key, eve_fmt_time(tv, ts, sizeof(ts)));
}

/* Community ID v1, seed 0, so CSIRT can join with Suricata or Zeek logs. */
static void
put_community_id(struct jbuf *jb, const struct alert_rec *r)
{
	char cid[COMMUNITY_ID_LEN];
	uint16_t sp = 0, dp = 0;

	if (r->has_ports) {
		sp = r->sport;
		dp = r->dport;
	} else if (r->has_icmp) {
		sp = r->icmp_type;
		dp = r->icmp_code;
	}
	if (community_id_v1(0, &r->src, &r->dst, r->proto, sp, dp, cid,
	    sizeof(cid)) != NULL)
		json_str(jb, "community_id", cid);
}

/* flow_id .. icmp_code: EVE's top-level description of the packet's flow. */
static void
put_tuple(struct jbuf *jb, const struct alert_rec *r)
{
	char a[ADDR_STRLEN], num[8];
	const char *pn;

	if (!r->has_tuple)
		return;
	/* EVE consumers read flow_id as a signed 64-bit integer. */
	json_int(jb, "flow_id", (int64_t)(r->flow_id & INT64_MAX));
	put_community_id(jb, r);
	json_str(jb, "src_ip", addr_fmt(&r->src, a, sizeof(a)));
	if (r->has_ports)
		json_uint(jb, "src_port", r->sport);
	json_str(jb, "dest_ip", addr_fmt(&r->dst, a, sizeof(a)));
	if (r->has_ports)
		json_uint(jb, "dest_port", r->dport);
	if ((pn = eve_proto_name(r->proto)) == NULL) {
		snprintf(num, sizeof(num), "%u", r->proto);
		pn = num;
	}
	json_str(jb, "proto", pn);
	if (r->has_icmp) {
		json_uint(jb, "icmp_type", r->icmp_type);
		json_uint(jb, "icmp_code", r->icmp_code);
	}
}

/* Only EVE's members of "alert": the schema forbids any other. */
static int
put_alert(struct jbuf *jb, const struct alert_rec *r)
{
	const struct sig_info *si;

	if ((si = sig_lookup(r->sid)) == NULL)
		return -1;
	json_open(jb, "alert");
	json_str(jb, "action", r->blocked ? "blocked" : "allowed");
	json_uint(jb, "gid", 1);
	json_uint(jb, "signature_id", (unsigned)si->sid);
	json_uint(jb, "rev", 1);
	json_str(jb, "signature", r->signature != NULL ? r->signature :
	    si->category);
	json_str(jb, "category", si->category);
	json_uint(jb, "severity", (unsigned)si->severity);
	json_close(jb);
	return 0;
}

/* EVE's "flow" object of a flow event. */
static void
put_flow(struct jbuf *jb, const struct alert_rec *r)
{
	uint64_t pc = r->pkts_toclient, bc = r->bytes_toclient;

	if (pc > r->packets)
		pc = r->packets;
	if (bc > r->bytes)
		bc = r->bytes;
	json_open(jb, "flow");
	json_uint(jb, "pkts_toserver", r->packets - pc);
	json_uint(jb, "pkts_toclient", pc);
	json_uint(jb, "bytes_toserver", r->bytes - bc);
	json_uint(jb, "bytes_toclient", bc);
	put_time(jb, "start", &r->first_seen);
	put_time(jb, "end", &r->last_seen);
	json_bool(jb, "alerted", true);
	json_close(jb);
}

/* EVE's "stats" object, only with members its schema defines. */
static void
put_stats(struct jbuf *jb, const struct alert_rec *r)
{
	json_open(jb, "stats");
	json_open(jb, "capture");
	json_uint(jb, "kernel_packets", r->st_packets);
	json_uint(jb, "kernel_drops", r->st_drops);
	json_close(jb);
	json_open(jb, "detect");
	json_uint(jb, "alert", r->st_alerts);
	json_uint(jb, "alerts_suppressed", r->st_suppressed);
	json_close(jb);
	json_close(jb);
}

static void
put_opt(struct jbuf *jb, const char *key, const char *val)
{
	if (val != NULL)
		json_str(jb, key, val);
}

/* Everything of bunri's own, seq first. */
static void
put_bunri(struct jbuf *jb, const struct alert_rec *r, uint64_t seq)
{
	char m[MAC_STRLEN];

	json_open(jb, "bunri");
	json_uint(jb, "seq", seq);
	put_opt(jb, "src_zone", r->src_zone);
	put_opt(jb, "dest_zone", r->dest_zone);
	if (r->has_mac)
		json_str(jb, "src_mac", mac_fmt(&r->src_mac, m, sizeof(m)));
	put_opt(jb, "verdict", r->verdict);
	put_opt(jb, "reason", r->reason);
	put_opt(jb, "flow", r->policy_flow);
	if (r->kind == EV_ALERT && r->packets > 0) {
		json_uint(jb, "packets", r->packets);
		json_uint(jb, "bytes", r->bytes);
		put_time(jb, "first_seen", &r->first_seen);
		put_time(jb, "last_seen", &r->last_seen);
	}
	if (r->kind == EV_ALERT && r->suppressed > 0)
		json_uint(jb, "suppressed", r->suppressed);
	if (r->kind == EV_ALERT && r->sid == SIG_CAPTURE_LOSS) {
		/* the counts as numbers, for CSIRT tooling */
		json_uint(jb, "lost", r->st_drops);
		json_uint(jb, "kernel_drops", r->st_kernel_drops);
		json_uint(jb, "if_drops", r->st_if_drops);
		json_uint(jb, "captured", r->st_packets);
	}
	put_opt(jb, "evidence", r->evidence);
	put_opt(jb, "detail", r->detail);
	json_close(jb);
}

int
eve_encode(const struct alert_rec *r, uint64_t seq, struct jbuf *jb)
{
	static const char *const types[] = { "alert", "flow", "stats" };

	json_reset(jb);
	if ((unsigned)r->kind > EV_STATS)
		return -1;
	json_open(jb, NULL);
	put_time(jb, "timestamp", &r->ts);
	json_str(jb, "event_type", types[r->kind]);
	put_opt(jb, "host", r->host);
	put_opt(jb, "in_iface", r->in_iface);
	if (r->kind != EV_STATS)
		put_tuple(jb, r);
	switch (r->kind) {
	case EV_ALERT:
		if (put_alert(jb, r) == -1)
			return -1;
		break;
	case EV_FLOW:
		put_flow(jb, r);
		break;
	case EV_STATS:
		put_stats(jb, r);
		break;
	}
	put_bunri(jb, r, seq);
	json_close(jb);
	return json_finish(jb);
}
