/* mklog.c - test tool: write N chained EVE lines (every signature, flow and stats events) for verify-log and schema tests. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertlog.h"
#include "chain.h"
#include "eve.h"

/*
 * mklog -k KEYFILE [-n N] OUT      lib/eve + lib/chain from k_1 in KEYFILE,
 *                                  OUT created anew
 * mklog -w STATE_DIR [-n N] OUT    through bunrid's writer (daemon/alertlog):
 *                                  appends, continues the chain of STATE_DIR
 * Event i (from 0) cycles through: alerts of signatures 1..10, a flow
 * event, a stats event; times are fixed, so the output is reproducible.
 */

#define T0	1795444875	/* 2026-11-23T14:41:15Z */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: mklog (-k KEYFILE | -w STATE_DIR) [-n N] OUT\n");
	exit(1);
}

static void
fill(struct alert_rec *r, unsigned i, struct addr *a)
{
	static const char *sigtext[SIG_MAX + 1] = { NULL,
	    "disallowed inter-zone flow lgwan -> internet",
	    "disallowed flow crossed: lgwan -> internet",
	    "unregistered host in zone lgwan",
	    "host of zone mynumber seen in zone lgwan",
	    "source address outside zone lgwan",
	    "scan: 65 ports within 10 s",
	    "table inet bunri changed from outside; restored",
	    "system clock not synchronized",
	    "policy applied (sha256 0123abcd)",
	    "capture lost packets on lg0" };
	unsigned k = i % 12;

	memset(r, 0, sizeof(*r));
	r->ts.tv_sec = T0 + (time_t)i;
	r->ts.tv_usec = (suseconds_t)(i * 7919 % 1000000);
	r->host = "city-gw1";
	if (k == 11) {
		r->kind = EV_STATS;
		r->st_packets = 1000u * i;
		r->st_drops = i;
		r->st_alerts = i;
		r->st_suppressed = i / 2;
		return;
	}
	r->kind = k == 10 ? EV_FLOW : EV_ALERT;
	r->sid = (enum sig)(k == 10 ? SIG_ZONE_VIOLATION : k + 1);
	r->signature = sigtext[r->sid];
	r->blocked = r->sid == SIG_ZONE_VIOLATION;
	r->in_iface = "lg0";
	if (r->sid >= SIG_TAMPERED && r->kind == EV_ALERT) {
		r->detail = "who=root \"quoted\" \xe5\x88\x86\xe9\x9b\xa2";
		return;
	}
	r->has_tuple = true;
	r->flow_id = 0x7000000000000000ULL + i;
	r->src = a[i % 2 ? 2 : 0];
	r->dst = a[i % 2 ? 3 : 1];
	if (k % 3 == 0) {
		r->proto = i % 2 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		r->has_icmp = true;
		r->icmp_type = i % 2 ? 128 : 8;
	} else {
		r->proto = k % 3 == 1 ? IPPROTO_TCP : IPPROTO_UDP;
		r->has_ports = true;
		r->sport = (uint16_t)(40000 + i);
		r->dport = 443;
	}
	r->src_zone = "lgwan";
	r->dest_zone = "internet";
	r->has_mac = true;
	mac_parse("02:00:00:00:20:33", &r->src_mac);
	r->verdict = r->blocked ? "blocked" : "allowed";
	r->reason = "no flow from lgwan to internet";
	r->policy_flow = "F-001";
	r->packets = 3 + i;
	r->bytes = 180 + 60 * i;
	r->pkts_toclient = 1;
	r->bytes_toclient = 60;
	r->first_seen.tv_sec = T0 + (time_t)i - 2;
	r->last_seen = r->ts;
	r->evidence = "/var/lib/bunri/evidence/42.pcap";
	r->suppressed = k == 5 ? 3 : 0;
}

static int
plain(const char *keyfile, const char *out, unsigned n, struct addr *a)
{
	uint8_t key[CHAIN_LEN], mac[CHAIN_LEN];
	char hex[CHAIN_HEXLEN + 2], *buf = NULL;
	struct alert_rec r;
	struct chain c;
	struct jbuf jb;
	size_t got;
	ssize_t len;
	FILE *f;
	unsigned i;

	if ((f = fopen(keyfile, "r")) == NULL ||
	    (got = fread(hex, 1, sizeof(hex), f)) < CHAIN_HEXLEN ||
	    chain_hex_parse(hex, CHAIN_HEXLEN, key, CHAIN_LEN) == -1) {
		fprintf(stderr, "mklog: %s: not a key file\n", keyfile);
		return 1;
	}
	fclose(f);
	if ((f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "mklog: %s: %s\n", out, strerror(errno));
		return 1;
	}
	chain_init(&c, key);
	json_init(&jb);
	for (i = 0; i < n; i++) {
		fill(&r, i, a);
		if (eve_encode(&r, c.seq, &jb) == -1 ||
		    (buf = realloc(buf, jb.len + CHAIN_EXTRA + 1)) == NULL ||
		    (len = chain_seal(&c, jb.buf, jb.len, buf,
		    jb.len + CHAIN_EXTRA + 1, mac)) == -1 ||
		    fwrite(buf, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "mklog: line %u failed\n", i + 1);
			return 1;
		}
		chain_advance(&c, mac);
	}
	free(buf);
	json_free(&jb);
	return fclose(f) == 0 ? 0 : 1;
}

static int
writer(const char *state_dir, const char *out, unsigned n, struct addr *a)
{
	struct policy p;
	struct alertlog al;
	struct alert_rec r;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.alerts.file = (char *)(uintptr_t)out;
	p.gw.state_dir = (char *)(uintptr_t)state_dir;
	p.alerts.facility = (char *)(uintptr_t)"local4";
	if (alertlog_open(&al, &p) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		fill(&r, (unsigned)(alertlog_seq(&al) - 1), a);
		if (alertlog_write(&al, &r) == -1) {
			alertlog_close(&al);
			return 1;
		}
	}
	alertlog_close(&al);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *keyfile = NULL, *state_dir = NULL;
	struct addr a[4];
	unsigned n = 24;
	int ch;

	while ((ch = getopt(argc, argv, "k:n:w:")) != -1) {
		switch (ch) {
		case 'k':
			keyfile = optarg;
			break;
		case 'n':
			n = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			state_dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || (keyfile == NULL) == (state_dir == NULL))
		usage();
	if (addr_parse("198.51.100.33", &a[0]) != 0 ||
	    addr_parse("203.0.113.99", &a[1]) != 0 ||
	    addr_parse("2001:db8::33", &a[2]) != 0 ||
	    addr_parse("2001:db8:1::99", &a[3]) != 0)
		return 1;
	if (keyfile != NULL)
		return plain(keyfile, argv[optind], n, a);
	return writer(state_dir, argv[optind], n, a);
}
