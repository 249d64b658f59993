/* ctl_audit.c - bunrictl audit: classify a capture file against the policy, flow by flow. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alerthold.h"
#include "ctl.h"
#include "ctl_audit.h"
#include "ctl_cache.h"
#include "detect.h"
#include "eve.h"

/*
 * A capture is observed traffic: the engine runs in monitor mode (a
 * disallowed flow in the file did cross wherever it was captured), with no
 * rate limit, and every disallowed flow gets its alert.  The ingress zone
 * of a packet is the zone of --iface or --zone, else the zone of its
 * source address.  Each alert is held until its flow ends, so it is
 * printed once with the flow's final counters; alerts without a flow
 * (ARP, ND) are printed when they happen.
 */

struct audit {
	bool		 json;
	const struct policy *p;
	struct alerthold *hold;
	struct jbuf	 jb;
	uint64_t	 seq;
	bool		 oom;
	/* the text of the last second formatted (fmt_time) */
	time_t		 ts_sec;
	char		 ts_text[EVE_TSLEN];
	/* one alert's text (print_text) */
	char		*tb;
	size_t		 tblen, tbcap;
};

/*
 * eve_fmt_time() with the calendar part (localtime_r and the formatting)
 * done once per second: the alerts of a capture come from few seconds.
 * Only the six digits of the microseconds change within one second; a
 * text of any other shape is made afresh every time.
 */
static const char *
fmt_time(struct audit *a, const struct timeval *tv, char *buf, size_t len)
{
	struct timeval s;
	long us = (long)tv->tv_usec;
	int i;

	if (len < EVE_TSLEN || us < 0 || us > 999999)
		return eve_fmt_time(tv, buf, len);
	if (a->ts_text[0] == '\0' || a->ts_sec != tv->tv_sec) {
		s.tv_sec = tv->tv_sec;
		s.tv_usec = 0;
		eve_fmt_time(&s, a->ts_text, sizeof(a->ts_text));
		a->ts_sec = tv->tv_sec;
		if (strlen(a->ts_text) != 31 || a->ts_text[19] != '.' ||
		    strncmp(a->ts_text + 20, "000000", 6) != 0)
			a->ts_text[0] = '\0';
	}
	if (a->ts_text[0] == '\0')
		return eve_fmt_time(tv, buf, len);
	memcpy(buf, a->ts_text, 32);
	for (i = 25; i >= 20; i--) {
		buf[i] = (char)('0' + us % 10);
		us /= 10;
	}
	return buf;
}

/* The text report is built line by line in a->tb, then written whole. */
static void
tb_grow(struct audit *a, size_t n)
{
	size_t cap = a->tbcap != 0 ? a->tbcap : 1024;
	char *p;

	while (cap - a->tblen < n + 1)
		cap *= 2;
	if ((p = realloc(a->tb, cap)) == NULL) {
		a->oom = true;
		return;
	}
	a->tb = p;
	a->tbcap = cap;
}

static inline void
tb_putn(struct audit *a, const char *s, size_t n)
{
	if (a->tbcap - a->tblen <= n) {
		if (a->oom)
			return;
		tb_grow(a, n);
		if (a->oom)
			return;
	}
	memcpy(a->tb + a->tblen, s, n);
	a->tblen += n;
}

/* A string literal: its length is known. */
#define tb_lit(a, s)	tb_putn((a), "" s, sizeof(s) - 1)

/* printf's "%s", NULL included. */
static inline void
tb_puts(struct audit *a, const char *s)
{
	if (s == NULL)
		s = "(null)";
	tb_putn(a, s, strlen(s));
}

static void
tb_putu(struct audit *a, unsigned long long v)
{
	char t[24];
	size_t n = sizeof(t);

	do {
		t[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	tb_putn(a, t + n, sizeof(t) - n);
}

static void
print_text(struct audit *a, const struct alert_rec *r)
{
	const struct sig_info *si = sig_lookup(r->sid);
	char ts1[EVE_TSLEN], ts2[EVE_TSLEN], s[ADDR_STRLEN], d[ADDR_STRLEN];
	char mac[MAC_STRLEN];
	const char *pn;
	bool v6 = r->src.family == AF_INET6;

	a->tblen = 0;
	tb_puts(a, si != NULL ? si->category : "alert");
	tb_lit(a, ": ");
	tb_puts(a, r->signature);
	if (r->has_tuple) {
		pn = eve_proto_name(r->proto);
		addr_fmt(&r->src, s, sizeof(s));
		addr_fmt(&r->dst, d, sizeof(d));
		tb_lit(a, "\n  ");
		tb_puts(a, r->src_zone != NULL ? r->src_zone : "(no zone)");
		tb_lit(a, " -> ");
		tb_puts(a, r->dest_zone != NULL ? r->dest_zone : "(no zone)");
		tb_lit(a, ": ");
		if (r->has_ports) {
			tb_puts(a, v6 ? "[" : "");
			tb_puts(a, s);
			tb_puts(a, v6 ? "]:" : ":");
			tb_putu(a, r->sport);
			tb_puts(a, v6 ? " -> [" : " -> ");
			tb_puts(a, d);
			tb_puts(a, v6 ? "]:" : ":");
			tb_putu(a, r->dport);
		} else {
			tb_puts(a, s);
			tb_lit(a, " -> ");
			tb_puts(a, d);
		}
		if (pn != NULL) {
			tb_lit(a, " ");
			tb_puts(a, pn);
		} else {
			tb_lit(a, " proto ");
			tb_putu(a, r->proto);
		}
		if (r->has_icmp) {
			tb_lit(a, " type ");
			tb_putu(a, r->icmp_type);
			tb_lit(a, " code ");
			tb_putu(a, r->icmp_code);
		}
		tb_lit(a, ", ");
		tb_putu(a, r->packets);
		tb_puts(a, r->packets == 1 ? " packet, " : " packets, ");
		tb_putu(a, r->bytes);
		tb_lit(a, " bytes, first ");
		tb_puts(a, fmt_time(a, &r->first_seen, ts1, sizeof(ts1)));
		tb_lit(a, ", last ");
		tb_puts(a, fmt_time(a, &r->last_seen, ts2, sizeof(ts2)));
	} else {
		tb_lit(a, "\n  ");
		tb_puts(a, r->src_zone != NULL ? r->src_zone : "(no zone)");
		if (r->has_mac) {
			tb_lit(a, ": MAC ");
			tb_puts(a, mac_fmt(&r->src_mac, mac, sizeof(mac)));
		}
		tb_lit(a, ", at ");
		tb_puts(a, fmt_time(a, &r->ts, ts1, sizeof(ts1)));
	}
	if (r->reason != NULL) {
		tb_lit(a, "\n  ");
		tb_puts(a, r->reason);
	}
	tb_lit(a, "\n");
	if (!a->oom)
		fwrite(a->tb, 1, a->tblen, stdout);
}

static void
output(struct audit *a, const struct alert_rec *r)
{
	if (!a->json) {
		print_text(a, r);
		return;
	}
	if (eve_encode(r, ++a->seq, &a->jb) == -1) {
		a->oom = true;
		return;
	}
	fwrite(a->jb.buf, 1, a->jb.len, stdout);
	putchar('\n');
}

static void
output_held(void *arg, const struct alert_rec *r)
{
	output(arg, r);
}

static void
on_event(const struct alert_rec *r, void *arg)
{
	struct audit *a = arg;

	if (r->kind == EV_FLOW)
		alerthold_release(a->hold, r, output_held, a);
	else if (r->kind == EV_ALERT && r->has_tuple) {
		if (alerthold_add(a->hold, r) == -1)
			a->oom = true;
	} else if (r->kind == EV_ALERT)
		output(a, r);
}

static char outbuf[64 * 1024];

struct audit_args {
	const char	*pcap, *iface, *zone;
	bool		 json;
	bool		 no_cache;	/* --no-cache: always load the text */
};

static int
parse_args(struct ctl *ctl, int argc, char **argv, struct audit_args *aa)
{
	static const struct option longopts[] = {
		{ "pcap",	required_argument,	NULL,	'r' },
		{ "json",	no_argument,		NULL,	'j' },
		{ "iface",	required_argument,	NULL,	'i' },
		{ "zone",	required_argument,	NULL,	'z' },
		{ "no-cache",	no_argument,		NULL,	'C' },
		CTL_COMMON_LONGOPTS
	};
	int ch;

	memset(aa, 0, sizeof(*aa));
	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'r': aa->pcap = optarg; break;
		case 'j': aa->json = true; break;
		case 'i': aa->iface = optarg; break;
		case 'z': aa->zone = optarg; break;
		case 'C': aa->no_cache = true; break;
		case 'h':
			ctl_usage(stdout, "audit");
			return 1;
		default:
			ctl_usage(stderr, "audit");
			return -1;
		}
	}
	if (optind < argc && aa->pcap == NULL)
		aa->pcap = argv[optind++];	/* the capture as a plain word */
	if (optind < argc) {
		fprintf(stderr, "bunrictl audit: unexpected argument \"%s\"\n",
		    argv[optind]);
		return -1;
	}
	if (aa->pcap == NULL) {
		fprintf(stderr, "bunrictl audit: --pcap FILE is required\n");
		ctl_usage(stderr, "audit");
		return -1;
	}
	if (aa->iface != NULL && aa->zone != NULL) {
		fprintf(stderr, "bunrictl audit: give --iface or --zone, not "
		    "both\n");
		return -1;
	}
	return 0;
}

/* --iface must be a zone interface or a span port; --zone a zone. */
static int
check_ingress(const struct policy *p, const struct audit_args *aa,
    const struct zone **zone)
{
	size_t i;

	*zone = NULL;
	if (aa->zone != NULL) {
		if ((*zone = policy_zone_by_name(p, aa->zone)) != NULL)
			return 0;
		fprintf(stderr, "bunrictl audit: --zone \"%s\" is not a zone "
		    "of the policy; zones:", aa->zone);
		for (i = 0; i < p->nzones; i++)
			fprintf(stderr, " %s", p->zones[i].name);
		fputc('\n', stderr);
		return -1;
	}
	if (aa->iface == NULL || policy_zone_of_iface(p, aa->iface) != NULL)
		return 0;
	for (i = 0; i < p->mon.nspans; i++)
		if (strcmp(p->mon.spans[i].iface, aa->iface) == 0)
			return 0;
	fprintf(stderr, "bunrictl audit: --iface \"%s\" is not an interface "
	    "of any zone or a monitor.span port\n", aa->iface);
	return -1;
}

struct feed {
	struct detect	*det;
	const char	*iface;
	const struct zone *zone;
	int		 linktype;
};

static void
feed_batch(void *arg, const struct detect_pkt *v, size_t n)
{
	struct feed *fd = arg;

	detect_packets(fd->det, fd->iface, fd->zone, fd->linktype, v, n);
}

static pcap_t *
open_capture(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	FILE *f;
	int lt;

	/* A large stdio buffer for what libpcap reads with fread(). */
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "bunrictl audit: %s: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	(void)setvbuf(f, NULL, _IOFBF, 1 << 20);
	err[0] = '\0';
	if ((pc = pcap_fopen_offline(f, err)) == NULL) {
		fprintf(stderr, "bunrictl audit: %s: %s\n", path, err);
		fclose(f);
		return NULL;
	}
	lt = pcap_datalink(pc);
	if (!decode_linktype_supported(lt)) {
		fprintf(stderr, "bunrictl audit: %s: link type %d (%s) is not "
		    "supported; %s\n", path, lt,
		    pcap_datalink_val_to_name(lt) != NULL ?
		    pcap_datalink_val_to_name(lt) : decode_linktype_name(lt),
		    DECODE_SUPPORTED_TEXT);
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

int
ctl_audit(struct ctl *ctl, int argc, char **argv)
{
	struct audit_args aa;
	struct detect_opts o;
	struct detect_sink sink;
	struct detect_stats st;
	struct detect *det = NULL;
	struct feed fd;
	uint64_t npkts;
	const struct zone *zone;
	struct policy *p = NULL;
	struct audit *a = NULL;
	struct diags dg;
	pcap_t *pc = NULL;
	int rc = CTL_EXIT_ERR, r;

	if ((r = parse_args(ctl, argc, argv, &aa)) != 0)
		return r == 1 ? CTL_EXIT_OK : CTL_EXIT_ERR;
	diags_init(&dg);
	/* The compiled policy cache: same output, without the parse (ctl_cache.c). */
	if ((p = ctl_load_policy_cached(ctl, time(NULL), !aa.no_cache,
	    &dg)) == NULL)
		goto out;
	if (check_ingress(p, &aa, &zone) == -1)
		goto out;
	if ((pc = open_capture(aa.pcap)) == NULL)
		goto out;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		goto oom;
	a->json = aa.json;
	a->p = p;
	json_init(&a->jb);
	detect_opts_from_policy(p, &o);
	if ((a->hold = alerthold_new()) == NULL)
		goto oom;
	/*
	 * A report for a file or a pipe goes out in large writes (stdio's
	 * own buffer is a page: one write(2) per few alerts); to a terminal
	 * it stays line by line.  Nothing was written to stdout yet.
	 */
	if (!isatty(STDOUT_FILENO))
		(void)setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	o.mode = DETECT_MONITOR;
	o.rate_limit = 0;
	o.host_once = false;
	o.evidence_packets = 0;
	memset(&sink, 0, sizeof(sink));
	sink.on_event = on_event;
	sink.arg = a;
	if ((det = detect_new(p, &o, &sink)) == NULL)
		goto oom;
	fd.det = det;
	fd.iface = aa.iface;
	fd.zone = zone;
	fd.linktype = pcap_datalink(pc);
	r = audit_read(pc, aa.pcap, feed_batch, &fd, &npkts);
	detect_finish(det);
	detect_stats(det, &st);
	if (a->oom)
		goto oom;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("bunrictl audit: writing the report");
		goto out;
	}
	fprintf(a->json ? stderr : stdout, "%llu flows, %llu disallowed\n",
	    (unsigned long long)st.flows, (unsigned long long)st.disallowed);
	if (st.dec.truncated + st.dec.malformed > 0)
		fprintf(stderr, "bunrictl audit: %s: %llu of %llu packets "
		    "truncated or malformed, skipped\n", aa.pcap,
		    (unsigned long long)(st.dec.truncated + st.dec.malformed),
		    (unsigned long long)st.dec.packets);
	if (r == 0)
		rc = st.disallowed > 0 ? CTL_EXIT_DISALLOWED : CTL_EXIT_OK;
	goto out;
oom:
	fprintf(stderr, "bunrictl audit: out of memory\n");
out:
	detect_free(det);
	if (a != NULL) {
		alerthold_free(a->hold);
		json_free(&a->jb);
		free(a->tb);
		free(a);
	}
	if (pc != NULL)
		pcap_close(pc);
	policy_free(p);
	diags_free(&dg);
	return rc;
}
