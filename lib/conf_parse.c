/* conf_parse.c - libconfig settings into the policy model: top level, gateway, monitor, alerts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"
#include "conf_rules_int.h"

/*
 * libconfig 1.5 hands out source lines through an unsigned short macro,
 * so on some builds lines past 65535 wrap.  Settings are visited in
 * document order, where lines never decrease: the true line is the
 * smallest one not far below the last with the same low 16 bits.
 */
#define UNWRAP_SLACK	16

static unsigned
unwrap_line(unsigned last, unsigned raw)
{
	unsigned cand;

	if (raw > 0xffff)
		return raw;		/* this build keeps full lines */
	cand = (last & ~0xffffu) | raw;
	if (cand + UNWRAP_SLACK < last)
		cand += 0x10000;
	return cand;
}

/* Depth is bounded by the pre-lexer (CONF_MAX_DEPTH). */
static void
lines_walk(struct pctx *c, config_setting_t *s)
{
	unsigned raw = config_setting_source_line(s), full;
	int i, n;

	if (raw != 0) {
		full = unwrap_line(c->last_line, raw);
		c->last_line = full;
		config_setting_set_hook(s, (void *)(uintptr_t)(c->line_base +
		    full));
	}
	if (!config_setting_is_aggregate(s))
		return;
	n = config_setting_length(s);
	for (i = 0; i < n; i++)
		lines_walk(c, config_setting_get_elem(s, (unsigned)i));
}

void
pc_lines(struct pctx *c, config_setting_t *s)
{
	lines_walk(c, s);
}

static const char *const top_keys[] = {
	"version", "gateway", "zones", "flows", "monitor", "alerts", NULL
};
static const char *const gw_keys[] = {
	"name", "mode", "control_socket", "state_dir", "admin", NULL
};
static const char *const admin_keys[] = { "from", "ports", NULL };
static const char *const mon_keys[] = {
	"interfaces", "span", "scan", "evidence_packets", "max_flows",
	"flow_timeout", "evidence_max_mb", NULL
};
static const char *const span_keys[] = { "interface", "zone", NULL };
static const char *const scan_keys[] = { "ports", "hosts", "window", NULL };
static const char *const alert_keys[] = {
	"file", "syslog", "facility", "rate_limit", "checkpoint", NULL
};
static const char *const mode_names[] = { "enforce", "monitor" };
static const char *const facility_names[] = {
	"auth", "authpriv", "cron", "daemon", "ftp", "kern", "local0",
	"local1", "local2", "local3", "local4", "local5", "local6", "local7",
	"lpr", "mail", "news", "syslog", "user", "uucp",
};

static void
parse_version(struct pctx *c, const config_setting_t *root)
{
	config_setting_t *s;
	char path[PC_PATHLEN];
	long long v;

	if ((s = pc_get(c, root, "", "version", PT_INT, true, path)) == NULL)
		return;
	v = config_setting_get_int64(s);
	if (v != 1) {
		pc_err(c, s, "version: %lld is not supported (expected 1)", v);
		return;
	}
	c->p->version = 1;
}

/* The mode decides whether zones need interfaces, so it comes first. */
static const config_setting_t *
parse_gateway_mode(struct pctx *c, const config_setting_t *root)
{
	config_setting_t *gw, *s;
	char path[PC_PATHLEN];
	int mode;

	c->p->gw.mode = MODE_ENFORCE;
	if ((gw = pc_get(c, root, "", "gateway", PT_GROUP, true, path)) == NULL)
		return NULL;
	c->p->gw.loc = pc_loc(c, gw);
	c->p->gw.admin_loc = c->p->gw.loc;
	pc_keys(c, gw, "gateway", gw_keys);
	if ((s = pc_get(c, gw, "gateway", "mode", PT_STRING, false,
	    path)) != NULL && pc_enum(c, s, path, "a mode", mode_names, 2,
	    &mode) == 0)
		c->p->gw.mode = (enum gw_mode)mode;
	return gw;
}

static void
parse_admin(struct pctx *c, const config_setting_t *gw)
{
	struct gateway_conf *g = &c->p->gw;
	config_setting_t *adm, *from, *ports, *e;
	struct portrange *pr;
	char path[PC_PATHLEN], epath[PC_PATHLEN];
	size_t i, npr;
	int n, k;

	if ((adm = pc_get(c, gw, "gateway", "admin", PT_GROUP, false,
	    path)) == NULL)
		return;
	g->admin_loc = pc_loc(c, adm);
	pc_keys(c, adm, "gateway.admin", admin_keys);
	if ((from = pc_get(c, adm, "gateway.admin", "from", PT_SEQ, true,
	    path)) != NULL && (n = config_setting_length(from)) > 0) {
		if ((g->admin_from = pc_calloc(c, (size_t)n,
		    sizeof(*g->admin_from))) == NULL)
			return;
		for (k = 0; k < n; k++) {
			e = config_setting_get_elem(from, (unsigned)k);
			pc_path_elem(epath, path, k, NULL);
			if (pf_endpoint(c, e, epath,
			    &g->admin_from[g->nadmin_from]) == 0)
				g->nadmin_from++;
		}
	}
	if ((ports = pc_get(c, adm, "gateway.admin", "ports", PT_SEQ, false,
	    path)) != NULL) {
		if (pf_ports(c, ports, path, false, false, &pr, &npr) == -1) {
			free(pr);
			return;
		}
		if ((g->admin_ports = pc_calloc(c, npr,
		    sizeof(uint16_t))) == NULL) {
			free(pr);
			return;
		}
		for (i = 0; i < npr; i++)
			g->admin_ports[i] = pr[i].lo;
		g->nadmin_ports = npr;
		free(pr);
	} else if (from != NULL && pc_member(c, adm,
	    "ports") == NULL) {
		if ((g->admin_ports = pc_calloc(c, 1, sizeof(uint16_t))) == NULL)
			return;
		g->admin_ports[0] = DEF_ADMIN_PORT;
		g->nadmin_ports = 1;
	}
}

static void
parse_gateway(struct pctx *c, const config_setting_t *gw)
{
	struct gateway_conf *g = &c->p->gw;
	const char *v;

	if (gw != NULL && (v = pc_str(c, gw, "gateway", "name", true, true,
	    NULL)) != NULL)
		g->name = pc_strdup(c, v);
	if (gw == NULL) {
		g->control_socket = pc_strdup(c, DEF_CONTROL_SOCKET);
		g->state_dir = pc_strdup(c, DEF_STATE_DIR);
		return;
	}
	pc_abspath(c, gw, "gateway", "control_socket", DEF_CONTROL_SOCKET,
	    &g->control_socket);
	pc_abspath(c, gw, "gateway", "state_dir", DEF_STATE_DIR, &g->state_dir);
	parse_admin(c, gw);
}

static void
parse_spans(struct pctx *c, const config_setting_t *s, const char *path)
{
	struct monitor_conf *m = &c->p->mon;
	config_setting_t *e, *zs, *is;
	struct span *sp;
	char epath[PC_PATHLEN], zpath[PC_PATHLEN], ipath[PC_PATHLEN];
	int i, n = config_setting_length(s);

	if (n == 0 || (m->spans = pc_calloc(c, (size_t)n,
	    sizeof(*m->spans))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		pc_path_elem(epath, path, i, NULL);
		if (!pc_type(c, e, epath, PT_GROUP))
			continue;
		pc_keys(c, e, epath, span_keys);
		sp = &m->spans[m->nspans];
		sp->loc = pc_loc(c, e);
		is = pc_get(c, e, epath, "interface", PT_STRING, true, ipath);
		zs = pc_get(c, e, epath, "zone", PT_STRING, true, zpath);
		if (is != NULL && !pc_iface_ok(config_setting_get_string(is))) {
			pc_err(c, is, "%s: \"%s\" is not an interface name "
			    "(expected 1-15 characters without '/' or spaces)",
			    ipath, config_setting_get_string(is));
			is = NULL;
		}
		if (zs != NULL && (sp->zone = policy_zone_by_name(c->p,
		    config_setting_get_string(zs))) == NULL)
			pz_unknown_zone(c, zs, zpath,
			    config_setting_get_string(zs));
		if (is == NULL || sp->zone == NULL)
			continue;
		if ((sp->iface = pc_strdup(c,
		    config_setting_get_string(is))) == NULL)
			return;
		m->nspans++;
	}
}

static void
parse_monitor(struct pctx *c, const config_setting_t *root)
{
	struct monitor_conf *m = &c->p->mon;
	config_setting_t *mon, *s, *scan;
	char path[PC_PATHLEN];

	m->scan_ports = DEF_SCAN_PORTS;
	m->scan_hosts = DEF_SCAN_HOSTS;
	m->scan_window = DEF_SCAN_WINDOW;
	m->evidence_packets = DEF_EVIDENCE_PACKETS;
	m->max_flows = DEF_MAX_FLOWS;
	m->flow_timeout = DEF_FLOW_TIMEOUT;
	m->evidence_max_mb = DEF_EVIDENCE_MAX_MB;
	if ((mon = pc_get(c, root, "", "monitor", PT_GROUP, false,
	    path)) == NULL)
		return;
	pc_keys(c, mon, "monitor", mon_keys);
	if ((s = pc_get(c, mon, "monitor", "interfaces", PT_SEQ, false,
	    path)) != NULL)
		pc_ifaces(c, s, path, &m->ifaces, &m->nifaces);
	if ((s = pc_get(c, mon, "monitor", "span", PT_SEQ, false,
	    path)) != NULL)
		parse_spans(c, s, path);
	if ((scan = pc_get(c, mon, "monitor", "scan", PT_GROUP, false,
	    path)) != NULL) {
		pc_keys(c, scan, "monitor.scan", scan_keys);
		pc_uint(c, scan, "monitor.scan", "ports", 1, 65535,
		    DEF_SCAN_PORTS, &m->scan_ports);
		pc_uint(c, scan, "monitor.scan", "hosts", 1, 1000000,
		    DEF_SCAN_HOSTS, &m->scan_hosts);
		pc_uint(c, scan, "monitor.scan", "window", 1, 86400,
		    DEF_SCAN_WINDOW, &m->scan_window);
	}
	pc_uint(c, mon, "monitor", "evidence_packets", 0, 10000,
	    DEF_EVIDENCE_PACKETS, &m->evidence_packets);
	pc_uint(c, mon, "monitor", "max_flows", 1, 16777216, DEF_MAX_FLOWS,
	    &m->max_flows);
	pc_uint(c, mon, "monitor", "flow_timeout", 1, 86400, DEF_FLOW_TIMEOUT,
	    &m->flow_timeout);
	/* 0 is no "unlimited": evidence is turned off by evidence_packets */
	if ((s = pc_member(c, mon, "evidence_max_mb")) != NULL &&
	    (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) &&
	    config_setting_get_int64(s) == 0)
		pc_err(c, s, "monitor.evidence_max_mb: 0 is out of range"
		    " (expected 1-%u megabytes; to keep no evidence, set"
		    " monitor.evidence_packets = 0)", EVIDENCE_MAX_MB_MAX);
	else
		pc_uint(c, mon, "monitor", "evidence_max_mb", 1,
		    EVIDENCE_MAX_MB_MAX, DEF_EVIDENCE_MAX_MB,
		    &m->evidence_max_mb);
}

static void
parse_alerts(struct pctx *c, const config_setting_t *root)
{
	struct alerts_conf *a = &c->p->alerts;
	config_setting_t *al, *s;
	char path[PC_PATHLEN];
	const char *fac = DEF_FACILITY;
	int k;

	a->syslog = true;
	a->rate_limit = DEF_RATE_LIMIT;
	a->checkpoint = DEF_CHECKPOINT;
	if ((al = pc_get(c, root, "", "alerts", PT_GROUP, false,
	    path)) == NULL) {
		a->file = pc_strdup(c, DEF_ALERT_FILE);
		a->facility = pc_strdup(c, DEF_FACILITY);
		return;
	}
	pc_keys(c, al, "alerts", alert_keys);
	pc_abspath(c, al, "alerts", "file", DEF_ALERT_FILE, &a->file);
	pc_bool(c, al, "alerts", "syslog", true, &a->syslog);
	if ((s = pc_get(c, al, "alerts", "facility", PT_STRING, false,
	    path)) != NULL && pc_enum(c, s, path, "a syslog facility",
	    facility_names, sizeof(facility_names) / sizeof(facility_names[0]),
	    &k) == 0)
		fac = facility_names[k];
	a->facility = pc_strdup(c, fac);
	pc_uint(c, al, "alerts", "rate_limit", 1, 1000000, DEF_RATE_LIMIT,
	    &a->rate_limit);
	pc_uint(c, al, "alerts", "checkpoint", 1, 86400, DEF_CHECKPOINT,
	    &a->checkpoint);
}

/* libconfig's own words, made into advice. */
static void
syntax_error(struct pctx *c, config_t *cf)
{
	const char *text = config_error_text(cf);
	size_t file;
	int line;

	conf_text_where(c->t, config_error_line(cf), &file, &line);
	if (text == NULL)
		text = "syntax error";
	if (strcmp(text, "syntax error") == 0)
		diag_add(c->d, DIAG_ERROR, c->p->files[file], line,
		    "syntax error; check this line and the end of the one "
		    "before it (a missing ';', ',', '\"' or bracket)");
	else if (strstr(text, "duplicate") != NULL)
		diag_add(c->d, DIAG_ERROR, c->p->files[file], line,
		    "%s; each setting may appear once in its group", text);
	else
		diag_add(c->d, DIAG_ERROR, c->p->files[file], line,
		    "%s; fix the syntax of this line", text);
}

/*
 * One parse of text: the whole policy, or (ch not NULL) the policy with
 * its flows list emptied, the flows then read piece by piece.  Sets
 * *resync instead of reporting when libconfig refuses anything in the
 * second way.
 */
static int
parse_text(struct policy *p, const struct conf_text *t, struct diags *d,
    const char *text, struct pchunks *ch, bool *resync)
{
	config_t cf;
	struct pctx c;
	config_setting_t *root;
	const config_setting_t *gw;
	size_t before = d->nerrors, i;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.d = d;
	c.t = t;
	c.ch = ch;
	config_init(&cf);
	if (config_read_string(&cf, text) != CONFIG_TRUE) {
		if (ch != NULL)
			*resync = true;
		else
			syntax_error(&c, &cf);
		goto out;
	}
	root = config_root_setting(&cf);
	lines_walk(&c, root);
	pc_keys(&c, root, "", top_keys);
	parse_version(&c, root);
	gw = parse_gateway_mode(&c, root);
	pz_zones(&c, root);
	rules_dup_names(p, d);
	for (i = 0; i < p->nzones; i++)
		if (zone_index_names(&p->zones[i]) == -1)
			diag_add(d, DIAG_ERROR, p->files[0], 0,
			    "out of memory while indexing the hosts");
	/* Without the table (no memory) endpoints use zone_host_by_name(). */
	(void)pc_hostix_build(&c);
	parse_gateway(&c, gw);
	pf_flows(&c, root);
	if (c.resync) {
		*resync = true;
		goto out;
	}
	parse_monitor(&c, root);
	parse_alerts(&c, root);
out:
	pc_hostix_free(&c);
	config_destroy(&cf);
	return d->nerrors > before ? -1 : 0;
}

/* Where the messages stood, to take back those of an abandoned parse. */
struct dmark {
	size_t	 n, nerrors, nwarnings, dropped;
};

static void
dmark_rewind(struct diags *d, const struct dmark *m)
{
	size_t i;

	for (i = m->n; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	d->n = m->n;
	d->nerrors = m->nerrors;
	d->nwarnings = m->nwarnings;
	d->dropped = m->dropped;
}

int
conf_parse(struct policy *p, const struct conf_text *t, struct diags *d)
{
	struct pchunks ch;
	struct dmark m = { d->n, d->nerrors, d->nwarnings, d->dropped };
	struct policy *q;
	bool resync = false;
	int rc;

	if (pch_split(t, conf_chunk_flows, &ch) == 0) {
		/*
		 * Into a model of its own, which replaces p's empty one only
		 * if libconfig took every piece.  p holds nothing yet but
		 * the file names (borrowed here) and the digest.
		 */
		if ((q = calloc(1, sizeof(*q))) != NULL) {
			q->files = p->files;
			q->nfiles = p->nfiles;
			rc = parse_text(q, t, d, ch.head, &ch, &resync);
			if (!resync) {
				memcpy(q->sha256, p->sha256, sizeof(q->sha256));
				*p = *q;
				free(q);
				pch_free(&ch);
				return rc;
			}
			q->files = NULL;
			q->nfiles = 0;
			policy_free(q);
			dmark_rewind(d, &m);
		}
		pch_free(&ch);
	}
	return parse_text(p, t, d, t->buf, NULL, &resync);
}
