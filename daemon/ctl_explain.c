/* ctl_explain.c - bunrictl explain: the packet tracer, decide() in words. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "decide.h"

/* Asking the running bunrid which zones it isolates must not hold us up. */
#define ISOLATED_TIMEOUT	2
#define MAX_ISOLATED		64

struct explain_args {
	const char	*from, *to, *proto, *port, *mac, *iface;
	const char	*isolated[MAX_ISOLATED];	/* --isolated */
	size_t		 nisolated;
	bool		 offline;			/* --offline */
};

static int
parse_args(struct ctl *ctl, int argc, char **argv, struct explain_args *a)
{
	static const struct option longopts[] = {
		{ "from",	required_argument,	NULL,	'f' },
		{ "to",		required_argument,	NULL,	't' },
		{ "proto",	required_argument,	NULL,	'p' },
		{ "port",	required_argument,	NULL,	'P' },
		{ "mac",	required_argument,	NULL,	'm' },
		{ "iface",	required_argument,	NULL,	'i' },
		{ "isolated",	required_argument,	NULL,	'I' },
		{ "offline",	no_argument,		NULL,	'O' },
		CTL_COMMON_LONGOPTS
	};
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'f': a->from = optarg; break;
		case 't': a->to = optarg; break;
		case 'p': a->proto = optarg; break;
		case 'P': a->port = optarg; break;
		case 'm': a->mac = optarg; break;
		case 'i': a->iface = optarg; break;
		case 'O': a->offline = true; break;
		case 'I':
			if (a->nisolated == MAX_ISOLATED) {
				fprintf(stderr, "bunrictl explain: more than %d "
				    "--isolated\n", MAX_ISOLATED);
				return -1;
			}
			a->isolated[a->nisolated++] = optarg;
			break;
		case 'h':
			ctl_usage(stdout, "explain");
			exit(CTL_EXIT_OK);
		default:
			ctl_usage(stderr, "explain");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bunrictl explain: unexpected argument "
		    "\"%s\"\n", argv[optind]);
		return -1;
	}
	if (a->from == NULL || a->to == NULL || a->proto == NULL) {
		fprintf(stderr, "bunrictl explain: --from, --to and --proto "
		    "are required\n");
		ctl_usage(stderr, "explain");
		return -1;
	}
	return 0;
}

static int
parse_addr(const char *opt, const char *s, struct addr *a)
{
	if (addr_parse(s, a) == ADDR_OK)
		return 0;
	fprintf(stderr, "bunrictl explain: %s \"%s\" is not an IPv4 or IPv6 "
	    "address\n", opt, s);
	return -1;
}

static int
parse_proto(const char *s, enum proto *pr)
{
	char low[16];
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[i] = '\0';
	if (s[i] == '\0' && proto_parse(low, pr) == 0)
		return 0;
	if (strcmp(low, "icmp6") == 0 || strcmp(low, "ipv6-icmp") == 0) {
		*pr = PROTO_ICMPV6;
		return 0;
	}
	fprintf(stderr, "bunrictl explain: --proto \"%s\": unknown protocol "
	    "(expected tcp, udp, icmp or icmpv6)\n", s);
	return -1;
}

static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 || v > 65535) {
		fprintf(stderr, "bunrictl explain: --port \"%s\": not a port "
		    "(expected 1-65535)\n", s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

static void
list_ifaces(const struct policy *p)
{
	size_t i, j, n = 0;

	fprintf(stderr, "interfaces of the policy:");
	for (i = 0; i < p->nzones; i++)
		for (j = 0; j < p->zones[i].nifaces; j++, n++)
			fprintf(stderr, " %s (%s)", p->zones[i].ifaces[j],
			    p->zones[i].name);
	for (i = 0; i < p->mon.nspans; i++, n++)
		fprintf(stderr, " %s (span of %s)", p->mon.spans[i].iface,
		    p->mon.spans[i].zone->name);
	fprintf(stderr, "%s\n", n == 0 ? " none" : "");
}

/* --iface, or the first interface of the source address's zone. */
static int
set_ingress(const struct policy *p, const char *iface, struct pkt_meta *m)
{
	const struct zone *z;
	char s[ADDR_STRLEN];
	size_t i;

	if (iface == NULL) {
		if ((z = policy_zone_of_addr(p, &m->src)) == NULL) {
			fprintf(stderr, "bunrictl explain: --from %s is in no "
			    "zone's networks; name the ingress with --iface\n",
			    addr_fmt(&m->src, s, sizeof(s)));
			return -1;
		}
		if (z->nifaces > 0)
			m->iface = z->ifaces[0];
		else
			m->zone = z;
		return 0;
	}
	if (policy_zone_of_iface(p, iface) != NULL) {
		m->iface = iface;
		return 0;
	}
	/* A mirror port sees the traffic of its zone. */
	for (i = 0; i < p->mon.nspans; i++)
		if (strcmp(p->mon.spans[i].iface, iface) == 0) {
			m->zone = p->mon.spans[i].zone;
			return 0;
		}
	fprintf(stderr, "bunrictl explain: --iface \"%s\" is not an interface "
	    "of any zone; ", iface);
	list_ifaces(p);
	return -1;
}

/* --mac, "none", or the MAC registered for the source address. */
static int
set_mac(const struct policy *p, const char *mac, struct pkt_meta *m)
{
	const struct host *h;

	if (mac != NULL && strcmp(mac, "none") == 0)
		return 0;
	if (mac != NULL) {
		if (mac_parse(mac, &m->mac) != 0) {
			fprintf(stderr, "bunrictl explain: --mac \"%s\" is not "
			    "a MAC address (expected xx:xx:xx:xx:xx:xx or "
			    "none)\n", mac);
			return -1;
		}
		m->has_mac = true;
		return 0;
	}
	if ((h = policy_host_by_addr(p, &m->src)) != NULL && h->has_mac) {
		m->mac = h->mac;
		m->has_mac = true;
	}
	return 0;
}

/* Mark the zones named in `list` (comma or space separated). */
static int
mark_isolated(const struct policy *p, const char *list, bool strict,
    bool *iso)
{
	const struct zone *z;
	char name[128];
	size_t i, n;

	while (*list != '\0') {
		n = strcspn(list, ", ");
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, list, n);
			name[n] = '\0';
			if ((z = policy_zone_by_name(p, name)) != NULL)
				iso[z->index] = true;
			else if (strict) {
				fprintf(stderr, "bunrictl explain: --isolated "
				    "\"%s\" is not a zone of the policy; zones:",
				    name);
				for (i = 0; i < p->nzones; i++)
					fprintf(stderr, " %s", p->zones[i].name);
				fputc('\n', stderr);
				return -1;
			}
		}
		list += n;
		list += strspn(list, ", ");
	}
	return 0;
}

/*
 * The zones isolated now: --isolated, plus what the running bunrid (-S,
 * else the policy's control socket) isolates, unless --offline.  An
 * unreachable daemon leaves only --isolated: explain works without one.
 */
static bool *
isolated_zones(const struct ctl *ctl, const struct policy *p,
    const struct explain_args *a)
{
	const char *path;
	char list[4096];
	bool *iso;
	size_t i;

	if ((iso = calloc(p->nzones ? p->nzones : 1, sizeof(*iso))) == NULL) {
		fprintf(stderr, "bunrictl explain: out of memory\n");
		return NULL;
	}
	for (i = 0; i < a->nisolated; i++)
		if (mark_isolated(p, a->isolated[i], true, iso) == -1) {
			free(iso);
			return NULL;
		}
	if (a->offline)
		return iso;
	path = ctl->sock != NULL ? ctl->sock : p->gw.control_socket != NULL ?
	    p->gw.control_socket : DEF_CONTROL_SOCKET;
	if (ctl_isolated(path, ISOLATED_TIMEOUT, list, sizeof(list)) == 0 &&
	    strcmp(list, "none") != 0)
		(void)mark_isolated(p, list, false, iso);
	return iso;
}

static int
build_meta(const struct policy *p, const struct explain_args *a,
    struct pkt_meta *m)
{
	enum proto pr;

	memset(m, 0, sizeof(*m));
	if (parse_addr("--from", a->from, &m->src) == -1 ||
	    parse_addr("--to", a->to, &m->dst) == -1 ||
	    parse_proto(a->proto, &pr) == -1)
		return -1;
	if (m->src.family != m->dst.family) {
		fprintf(stderr, "bunrictl explain: --from %s and --to %s are "
		    "of different address families\n", a->from, a->to);
		return -1;
	}
	m->proto = (uint8_t)pr;
	if (pr == PROTO_TCP || pr == PROTO_UDP) {
		if (a->port == NULL) {
			fprintf(stderr, "bunrictl explain: --port is required "
			    "for %s\n", proto_name(pr));
			return -1;
		}
		if (parse_port(a->port, &m->dport) == -1)
			return -1;
	} else if (a->port != NULL)
		fprintf(stderr, "bunrictl explain: --port ignored for %s\n",
		    proto_name(pr));
	if (set_ingress(p, a->iface, m) == -1 || set_mac(p, a->mac, m) == -1)
		return -1;
	return 0;
}

int
ctl_explain(struct ctl *ctl, int argc, char **argv)
{
	struct explain_args a;
	struct pkt_meta m;
	struct decision d;
	struct policy *p;
	struct diags dg;
	bool *iso = NULL;
	char buf[2048];
	time_t now = time(NULL);
	int rc = CTL_EXIT_ERR;

	if (parse_args(ctl, argc, argv, &a) == -1)
		return CTL_EXIT_ERR;
	diags_init(&dg);
	if ((p = ctl_load_policy(ctl, now, false, &dg)) == NULL)
		goto out;
	if (build_meta(p, &a, &m) == -1 ||
	    (iso = isolated_zones(ctl, p, &a)) == NULL)
		goto out;
	/* The same lookups the sniffer uses; a scan would answer the same. */
	(void)decide_index(p);
	if (decide(p, &m, iso, now, &d) == -1) {
		fprintf(stderr, "bunrictl explain: no ingress\n");
		goto out;
	}
	printf("%s\n", decision_fmt(p, &m, &d, buf, sizeof(buf)));
	rc = d.allowed ? CTL_EXIT_OK : CTL_EXIT_BLOCKED;
out:
	free(iso);
	policy_free(p);
	diags_free(&dg);
	return rc;
}
