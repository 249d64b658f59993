/* conf_parse_flows.c - flows (the permitted exceptions): endpoints, ports, expiry. */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_parse.h"

static const char *const flow_keys[] = {
	"id", "from", "to", "proto", "ports", "sanitize", "reason", "approval",
	"expires", "description", NULL
};
static const char *const proto_names[] = { "tcp", "udp", "icmp", "icmpv6" };
static const enum proto proto_vals[] = {
	PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6
};
static const char *const san_names[] = {
	"mail-text", "screen-transfer", "file-sanitize"
};
static const enum sanitize san_vals[] = {
	SAN_MAIL_TEXT, SAN_SCREEN_TRANSFER, SAN_FILE_SANITIZE
};

static void
unknown_host(struct pctx *c, const config_setting_t *s, const char *path,
    const struct zone *z, const char *name)
{
	const char **names;
	const char *sugg;
	char list[PC_PATHLEN];
	size_t i;

	/*
	 * Past DIAG_MAX a message is only counted: skip the suggestion, an
	 * edit distance to every host of the zone (100,000 bad endpoints
	 * took a second for it).
	 */
	if (c->d->n >= DIAG_MAX) {
		pc_err(c, s, "%s: no host \"%s\"", path, name);
		return;
	}
	if (z->nhosts == 0) {
		pc_err(c, s, "%s: zone \"%s\" has no hosts, so \"%s\" is "
		    "neither a host nor an address; register the host in "
		    "the zone or write an address", path, z->name, name);
		return;
	}
	if ((names = pc_calloc(c, z->nhosts, sizeof(*names))) == NULL)
		return;
	for (i = 0; i < z->nhosts; i++)
		names[i] = z->hosts[i].name;
	pc_namelist(list, sizeof(list), names, z->nhosts);
	if ((sugg = pc_suggest(name, names, z->nhosts)) != NULL)
		pc_err(c, s, "%s: zone \"%s\" has no host \"%s\" (did you "
		    "mean \"%s\"?)", path, z->name, name, sugg);
	else
		pc_err(c, s, "%s: zone \"%s\" has no host \"%s\" (its hosts "
		    "are %s)", path, z->name, name, list);
	free(names);
}

/* "zone", "zone:host", "zone:ADDRESS", "zone:CIDR"; addresses tried first. */
int
pf_endpoint(struct pctx *c, const config_setting_t *s, const char *path,
    struct endpoint *ep)
{
	const char *v, *colon, *rest;
	char zname[64], buf[ADDR_STRLEN];
	struct zone *z;
	size_t i, zl;
	int rc;

	memset(ep, 0, sizeof(*ep));
	if (!pc_type(c, s, path, PT_STRING))
		return -1;
	v = config_setting_get_string(s);
	colon = strchr(v, ':');
	zl = colon != NULL ? (size_t)(colon - v) : strlen(v);
	if (zl == 0 || (colon != NULL && colon[1] == '\0')) {
		pc_err(c, s, "%s: \"%s\" is not an endpoint (expected \"zone\", "
		    "\"zone:host\", \"zone:ADDRESS\" or \"zone:CIDR\")",
		    path, v);
		return -1;
	}
	if (zl >= sizeof(zname))
		zl = sizeof(zname) - 1;
	memcpy(zname, v, zl);
	zname[zl] = '\0';
	if ((z = policy_zone_by_name(c->p, zname)) == NULL)
		return pz_unknown_zone(c, s, path, zname);
	ep->zone = z;
	if (colon == NULL) {
		ep->kind = EP_ZONE;
		return 0;
	}
	rest = colon + 1;
	switch ((rc = prefix_parse(rest, &ep->prefix))) {
	case ADDR_OK:
		break;
	case ADDR_HOSTBITS:
		prefix_mask(&ep->prefix);
		pc_err(c, s, "%s: \"%s\" has host bits set; did you mean "
		    "\"%s:%s\"?", path, v, zname,
		    addr_fmt(&ep->prefix, buf, sizeof(buf)));
		return -1;
	case ADDR_BADLEN:
		pc_err(c, s, "%s: \"%s\" has a prefix length out of range "
		    "(expected /0-/32 for IPv4, /0-/128 for IPv6)", path, v);
		return -1;
	default:
		if ((ep->host = pc_host(c, z, rest)) == NULL) {
			unknown_host(c, s, path, z, rest);
			return -1;
		}
		ep->kind = EP_HOST;
		return 0;
	}
	(void)rc;
	ep->kind = EP_PREFIX;
	if (z->nnets == 0)
		return 0;	/* the zone's own error says why */
	for (i = 0; i < z->nnets; i++)
		if (prefix_contains(&z->nets[i], &ep->prefix))
			return 0;
	pc_err(c, s, "%s: %s is not inside the networks of zone \"%s\"; use an "
	    "address of that zone or name the zone it belongs to", path,
	    addr_fmt(&ep->prefix, buf, sizeof(buf)), z->name);
	return -1;
}

/* Digits only, 1-65535; -1 otherwise. */
static long
port_num(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
port_elem(struct pctx *c, const config_setting_t *e, const char *path,
    bool ranges, struct portrange *pr)
{
	const char *v, *dash;
	long long iv;
	long lo, hi;

	if (config_setting_type(e) == CONFIG_TYPE_INT ||
	    config_setting_type(e) == CONFIG_TYPE_INT64) {
		iv = config_setting_get_int64(e);
		if (iv < 1 || iv > 65535) {
			pc_err(c, e, "%s: %lld is not a port (expected "
			    "1-65535)", path, iv);
			return -1;
		}
		pr->lo = pr->hi = (uint16_t)iv;
		return 0;
	}
	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		pc_type(c, e, path, PT_INT);
		return -1;
	}
	v = config_setting_get_string(e);
	if ((dash = strchr(v, '-')) == NULL) {
		lo = hi = port_num(v, strlen(v));
	} else {
		lo = port_num(v, (size_t)(dash - v));
		hi = port_num(dash + 1, strlen(dash + 1));
	}
	if (lo < 0 || hi < 0) {
		pc_err(c, e, "%s: \"%s\" is not a port or port range "
		    "(expected 25 or \"8000-8010\")", path, v);
		return -1;
	}
	if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535) {
		pc_err(c, e, "%s: \"%s\" is outside 1-65535; ports are "
		    "1-65535", path, v);
		return -1;
	}
	if (lo > hi) {
		pc_err(c, e, "%s: \"%s\" is not a port range (expected "
		    "\"lo-hi\" with lo <= hi, e.g. \"%ld-%ld\")", path, v,
		    hi, lo);
		return -1;
	}
	if (!ranges && lo != hi) {
		pc_err(c, e, "%s: \"%s\" is a range; list single ports here",
		    path, v);
		return -1;
	}
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	return 0;
}

int
pf_ports(struct pctx *c, const config_setting_t *s, const char *path,
    bool ranges, bool arena, struct portrange **out, size_t *np)
{
	char epath[PC_PATHLEN];
	int i, n = config_setting_length(s), rc = 0;

	*out = NULL;
	*np = 0;
	if (n == 0) {
		pc_err(c, s, "%s: is empty; list at least one destination port",
		    path);
		return -1;
	}
	*out = arena ? pc_acalloc(c, (size_t)n, sizeof(**out)) :
	    pc_calloc(c, (size_t)n, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		pc_path_elem(epath, path, i, NULL);
		if (port_elem(c, config_setting_get_elem(s, (unsigned)i), epath,
		    ranges, &(*out)[*np]) == 0)
			(*np)++;
		else
			rc = -1;
	}
	return rc;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Exactly n digits at s. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * "YYYY-MM-DD": allowed through the end of that day, local time, so it
 * expires at 00:00 local of the next day.  RFC 3339 carries its own
 * offset, so it is converted with timegm, never the TZ.
 */
int
conf_parse_expires(const char *s, time_t *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm tm;
	int y, mo, da, h, mi, se, oh, om, off = 0;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 10 || (y = digits(s, 4)) < 1970 || s[4] != '-' ||
	    (mo = digits(s + 5, 2)) < 1 || mo > 12 || s[7] != '-' ||
	    (da = digits(s + 8, 2)) < 1)
		return -1;
	if (da > mdays[mo - 1] + (mo == 2 && leap(y)))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = da;
	if (s[10] == '\0') {
		tm.tm_mday++;		/* mktime normalises the overflow */
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -1;
		*out = t;
		return 0;
	}
	if ((s[10] != 'T' && s[10] != 't') || strlen(s) < 20 ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 || s[13] != ':' ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 || s[16] != ':' ||
	    (se = digits(s + 17, 2)) < 0 || se > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		if (p == s + 20)
			return -1;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		off = 0;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
	    (oh = digits(p + 1, 2)) >= 0 && oh <= 23 && p[3] == ':' &&
	    (om = digits(p + 4, 2)) >= 0 && om <= 59)
		off = (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	else
		return -1;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	errno = 0;
	if ((t = timegm(&tm)) == (time_t)-1 && errno != 0)
		return -1;
	*out = t - off;
	return 0;
}

static int
parse_proto_ports(struct pctx *c, struct flow *f, const config_setting_t *g,
    const char *fpath)
{
	config_setting_t *s;
	char path[PC_PATHLEN];
	int k;

	if ((s = pc_get(c, g, fpath, "proto", PT_STRING, true, path)) == NULL)
		return -1;
	f->proto_loc = pc_loc(c, s);
	if (pc_enum(c, s, path, "a protocol", proto_names, 4, &k) == -1)
		return -1;
	f->proto = proto_vals[k];
	s = pc_member(c, g, "ports");
	if (f->proto == PROTO_ICMP || f->proto == PROTO_ICMPV6) {
		if (s != NULL) {
			pc_err(c, s, "%s.ports: %s has no ports; remove "
			    "\"ports\"", fpath, proto_names[k]);
			return -1;
		}
		return 0;
	}
	if ((s = pc_get(c, g, fpath, "ports", PT_SEQ, false, path)) == NULL) {
		if (pc_member(c, g, "ports") == NULL)
			pc_err(c, g, "%s: missing required setting \"ports\" "
			    "(%s flows list their destination ports)", fpath,
			    proto_names[k]);
		return -1;
	}
	f->ports_loc = pc_loc(c, s);
	return pf_ports(c, s, path, true, true, &f->ports, &f->nports);
}

static void
parse_flow(struct pctx *c, struct flow *f, const config_setting_t *g,
    int i)
{
	config_setting_t *s;
	char fpath[PC_PATHLEN], path[PC_PATHLEN];
	const char *v;
	int k;

	pc_path_elem(fpath, "flows", i, NULL);
	if ((v = pc_str(c, g, fpath, "id", true, true, NULL)) != NULL) {
		f->id = pc_astrdup(c, v);
		pc_path_elem(fpath, "flows", i, v);
	}
	pc_keys(c, g, fpath, flow_keys);
	if ((s = pc_get(c, g, fpath, "from", PT_STRING, true, path)) != NULL) {
		f->from_loc = pc_loc(c, s);
		pf_endpoint(c, s, path, &f->from);
	}
	if ((s = pc_get(c, g, fpath, "to", PT_STRING, true, path)) != NULL) {
		f->to_loc = pc_loc(c, s);
		pf_endpoint(c, s, path, &f->to);
	}
	parse_proto_ports(c, f, g, fpath);
	if ((s = pc_get(c, g, fpath, "sanitize", PT_STRING, false,
	    path)) != NULL) {
		f->sanitize_loc = pc_loc(c, s);
		if (pc_enum(c, s, path, "a sanitize method", san_names, 3,
		    &k) == 0)
			f->sanitize = san_vals[k];
	}
	if ((v = pc_str(c, g, fpath, "reason", true, false, &s)) != NULL) {
		if (v[strspn(v, " \t")] == '\0')
			pc_err(c, s, "%s.reason: is empty; say why the exception "
			    "exists", fpath);
		f->reason = pc_astrdup(c, v);
	}
	if ((v = pc_str(c, g, fpath, "approval", false, false, &s)) != NULL) {
		if (v[0] == '\0')
			pc_err(c, s, "%s.approval: is empty; give the approval "
			    "reference or leave approval out", fpath);
		f->approval = pc_astrdup(c, v);
	}
	if ((v = pc_str(c, g, fpath, "expires", false, false, &s)) != NULL) {
		f->expires_loc = pc_loc(c, s);
		if (conf_parse_expires(v, &f->expires) == 0)
			f->has_expires = true;
		else
			pc_err(c, s, "%s.expires: \"%s\" is not a date (expected "
			    "\"YYYY-MM-DD\" or RFC 3339 such as "
			    "\"2027-03-31T17:00:00+09:00\")", fpath, v);
	}
	pc_str(c, g, fpath, "description", false, false, NULL);
}

static void
flow_clear(struct pctx *c, struct flow *f)
{
	pc_free(c, f->id);
	pc_free(c, f->ports);
	pc_free(c, f->reason);
	pc_free(c, f->approval);
	memset(f, 0, sizeof(*f));
}

/* Arena bytes per flow to start with: id, reason, approval, ports. */
#define FLOW_BYTES	48

/* Element i of the flows list, at p->flows[p->nflows] (room is made). */
static void
flow_elem(struct pctx *c, const config_setting_t *e, int i)
{
	struct policy *p = c->p;
	char path[PC_PATHLEN];
	struct flow *f;
	size_t before;

	pc_path_elem(path, "flows", i, NULL);
	if (!pc_type(c, e, path, PT_GROUP))
		return;
	f = &p->flows[p->nflows];
	f->index = (size_t)i;
	f->loc = pc_loc(c, e);
	f->from_loc = f->to_loc = f->proto_loc = f->ports_loc =
	    f->sanitize_loc = f->expires_loc = f->loc;
	before = c->d->nerrors;
	parse_flow(c, f, e, i);
	/* A flow with an error stays out of the model. */
	if (c->d->nerrors == before)
		p->nflows++;
	else
		flow_clear(c, f);
}

/*
 * The list in pieces (conf_chunk.c): each piece's tree is read and
 * destroyed before the next is parsed.  Flows keep their place in the
 * whole list, for paths and order.
 */
static void
flows_pieces(struct pctx *c)
{
	struct pchunks *ch = c->ch;
	config_setting_t *l;
	config_t cf;
	size_t k;
	int i, n, base = 0;

	for (k = 0; k < ch->n; k++) {
		config_init(&cf);
		if ((l = pch_parse(ch, k, &cf)) == NULL) {
			config_destroy(&cf);
			c->resync = true;
			return;
		}
		c->last_line = 0;
		c->line_base = (unsigned)ch->line[k] - 1;
		pc_lines(c, l);
		if ((n = config_setting_length(l)) > 0 && c->p->flows == NULL &&
		    (c->p->flows = pc_calloc(c, ch->ncommas + 1,
		    sizeof(*c->p->flows))) == NULL) {
			config_destroy(&cf);
			return;
		}
		for (i = 0; i < n; i++)
			flow_elem(c, config_setting_get_elem(l, (unsigned)i),
			    base + i);
		base += n;
		/* The next tree may reuse these addresses: forget the group. */
		c->mg = NULL;
		config_destroy(&cf);
	}
}

void
pf_flows(struct pctx *c, const config_setting_t *root)
{
	struct policy *p = c->p;
	config_setting_t *s;
	char path[PC_PATHLEN];
	int i, n;

	if ((s = pc_get(c, root, "", "flows", PT_SEQ, false, path)) == NULL)
		return;
	if (c->ch != NULL) {
		/* id, reason, approval and ports: some 48 bytes a flow */
		if (pc_arena(c, (c->ch->ncommas + 1) * FLOW_BYTES) == 0)
			flows_pieces(c);
		return;
	}
	if ((n = config_setting_length(s)) == 0 ||
	    pc_arena(c, (size_t)n * FLOW_BYTES) == -1)
		return;
	if ((p->flows = pc_calloc(c, (size_t)n, sizeof(*p->flows))) == NULL)
		return;
	for (i = 0; i < n; i++)
		flow_elem(c, config_setting_get_elem(s, (unsigned)i), i);
}
