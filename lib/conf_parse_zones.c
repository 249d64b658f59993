/* conf_parse_zones.c - zones and their hosts from libconfig into the model. */
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"

static const char *const zone_keys[] = {
	"name", "kind", "description", "interfaces", "networks", "attached",
	"unknown_hosts", "hosts", NULL
};
static const char *const host_keys[] = {
	"name", "mac", "addresses", "description", NULL
};
static const char *const kind_names[] = {
	[ZK_MYNUMBER] = "mynumber", [ZK_LGWAN] = "lgwan",
	[ZK_INTERNET] = "internet", [ZK_MGMT] = "mgmt", [ZK_OTHER] = "other",
};
static const char *const uh_names[] = {
	[UH_BLOCK] = "block", [UH_ALERT] = "alert", [UH_ALLOW] = "allow",
};

/* [a-z][a-z0-9_-]{0,30} */
static bool
zone_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > 31 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

int
pz_unknown_zone(struct pctx *c, const config_setting_t *s, const char *path,
    const char *name)
{
	const char **names;
	const char *sugg;
	char list[PC_PATHLEN];
	size_t i;

	/* Only counted past DIAG_MAX (diag.h): no suggestion to compute. */
	if (c->d->n >= DIAG_MAX) {
		pc_err(c, s, "%s: unknown zone \"%s\"", path, name);
		return -1;
	}
	if ((names = pc_calloc(c, c->p->nzones + 1, sizeof(*names))) == NULL)
		return -1;
	for (i = 0; i < c->p->nzones; i++)
		names[i] = c->p->zones[i].name;
	pc_namelist(list, sizeof(list), names, c->p->nzones);
	sugg = pc_suggest(name, names, c->p->nzones);
	if (list[0] == '\0')
		pc_err(c, s, "%s: unknown zone \"%s\"; no zone is defined",
		    path, name);
	else if (sugg != NULL)
		pc_err(c, s, "%s: unknown zone \"%s\" (did you mean \"%s\"?)",
		    path, name, sugg);
	else
		pc_err(c, s, "%s: unknown zone \"%s\" (zones are %s)", path,
		    name, list);
	free(names);
	return -1;
}

/* A network as written: syntax, prefix length, host bits. */
static int
parse_net(struct pctx *c, const config_setting_t *e, const char *path,
    struct addr *a)
{
	const char *v = config_setting_get_string(e);
	char buf[ADDR_STRLEN];

	switch (prefix_parse(v, a)) {
	case ADDR_OK:
		return 0;
	case ADDR_HOSTBITS:
		prefix_mask(a);
		pc_err(c, e, "%s: \"%s\" has host bits set; did you mean "
		    "\"%s\"?", path, v, addr_fmt(a, buf, sizeof(buf)));
		return -1;
	case ADDR_BADLEN:
		pc_err(c, e, "%s: \"%s\" has a prefix length out of range "
		    "(expected /0-/32 for IPv4, /0-/128 for IPv6)", path, v);
		return -1;
	default:
		pc_err(c, e, "%s: \"%s\" is not a network (expected "
		    "ADDRESS/LENGTH, e.g. \"192.0.2.0/24\" or "
		    "\"2001:db8::/64\")", path, v);
		return -1;
	}
}

static void
parse_nets(struct pctx *c, struct zone *z, const config_setting_t *g,
    const char *zpath)
{
	config_setting_t *s, *e;
	char path[PC_PATHLEN], epath[PC_PATHLEN];
	int i, n;

	if ((s = pc_get(c, g, zpath, "networks", PT_SEQ, true, path)) == NULL)
		return;
	z->nets_loc = pc_loc(c, s);
	if ((n = config_setting_length(s)) == 0) {
		pc_err(c, s, "%s: is empty; a zone needs at least one network "
		    "(CIDR, e.g. \"192.0.2.0/24\")", path);
		return;
	}
	if ((z->nets = pc_calloc(c, (size_t)n, sizeof(*z->nets))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		pc_path_elem(epath, path, i, NULL);
		if (pc_type(c, e, epath, PT_STRING) &&
		    parse_net(c, e, epath, &z->nets[z->nnets]) == 0)
			z->nnets++;
	}
}

static void
parse_addrs(struct pctx *c, struct host *h, const config_setting_t *g,
    const char *hpath)
{
	config_setting_t *s, *e;
	char path[PC_PATHLEN], epath[PC_PATHLEN];
	const char *v;
	int i, n;

	if ((s = pc_get(c, g, hpath, "addresses", PT_SEQ, true, path)) == NULL)
		return;
	h->addrs_loc = pc_loc(c, s);
	if ((n = config_setting_length(s)) == 0) {
		pc_err(c, s, "%s: is empty; a host needs at least one address",
		    path);
		return;
	}
	if ((h->addrs = pc_calloc(c, (size_t)n, sizeof(*h->addrs))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		pc_path_elem(epath, path, i, NULL);
		if (!pc_type(c, e, epath, PT_STRING))
			continue;
		v = config_setting_get_string(e);
		if (addr_parse(v, &h->addrs[h->naddrs]) != ADDR_OK) {
			pc_err(c, e, "%s: \"%s\" is not an IP address (expected "
			    "e.g. \"192.0.2.10\" or \"2001:db8::a\"%s)", epath,
			    v, strchr(v, '/') ? ", without a prefix length" :
			    "");
			continue;
		}
		h->naddrs++;
	}
}

static void
parse_host(struct pctx *c, struct zone *z, struct host *h,
    const config_setting_t *g, const char *hpath, bool kind_ok)
{
	config_setting_t *s;
	char path[PC_PATHLEN];
	const char *v;

	h->loc = pc_loc(c, g);
	h->mac_loc = h->addrs_loc = h->loc;
	pc_keys(c, g, hpath, host_keys);
	if ((v = pc_str(c, g, hpath, "name", true, true, &s)) != NULL) {
		if (strchr(v, ':') != NULL)
			pc_err(c, s, "%s.name: \"%s\" is not a host name "
			    "(a ':' would split the endpoint \"zone:host\"; "
			    "use letters, digits, '-' or '_')", hpath, v);
		h->name = pc_strdup(c, v);
	}
	if ((s = pc_get(c, g, hpath, "mac", PT_STRING, false, path)) != NULL) {
		h->mac_loc = pc_loc(c, s);
		v = config_setting_get_string(s);
		if (mac_parse(v, &h->mac) == 0)
			h->has_mac = true;
		else
			pc_err(c, s, "%s: \"%s\" is not a MAC address "
			    "(expected xx:xx:xx:xx:xx:xx)", path, v);
	} else if (kind_ok && z->kind == ZK_MYNUMBER &&
	    pc_member(c, g, "mac") == NULL)
		pc_err(c, g, "%s: missing required setting \"mac\" (a host of "
		    "a mynumber zone is pinned by its MAC)", hpath);
	pc_str(c, g, hpath, "description", false, false, NULL);
	parse_addrs(c, h, g, hpath);
}

static void
parse_hosts(struct pctx *c, struct zone *z, const config_setting_t *g,
    const char *zpath, bool kind_ok)
{
	config_setting_t *s, *e;
	char path[PC_PATHLEN], hpath[PC_PATHLEN];
	int i, n;

	if ((s = pc_get(c, g, zpath, "hosts", PT_SEQ, false, path)) == NULL)
		return;
	if ((n = config_setting_length(s)) == 0)
		return;
	if ((z->hosts = pc_calloc(c, (size_t)n, sizeof(*z->hosts))) == NULL)
		return;
	z->nhosts = (size_t)n;
	for (i = 0; i < n; i++) {
		z->hosts[i].zone = z;
		z->hosts[i].index = (size_t)i;
		e = config_setting_get_elem(s, (unsigned)i);
		pc_path_elem(hpath, path, i, NULL);
		z->hosts[i].loc = pc_loc(c, e);
		if (pc_type(c, e, hpath, PT_GROUP))
			parse_host(c, z, &z->hosts[i], e, hpath, kind_ok);
	}
}

static void
parse_zone(struct pctx *c, struct zone *z, const config_setting_t *g,
    const char *zpath)
{
	config_setting_t *s;
	char path[PC_PATHLEN];
	const char *v;
	bool kind_ok = false;
	int k;

	z->loc = pc_loc(c, g);
	z->ifaces_loc = z->nets_loc = z->attached_loc = z->unknown_loc = z->loc;
	z->attached = true;
	z->kind = ZK_OTHER;
	pc_keys(c, g, zpath, zone_keys);
	if ((v = pc_str(c, g, zpath, "name", true, true, &s)) != NULL) {
		if (!zone_name_ok(v))
			pc_err(c, s, "%s.name: \"%s\" is not a zone name "
			    "(expected a lowercase letter, then up to 30 of "
			    "a-z, 0-9, '_' or '-')", zpath, v);
		/* Kept even when bad, so references to it do not cascade. */
		z->name = pc_strdup(c, v);
	}
	if ((s = pc_get(c, g, zpath, "kind", PT_STRING, true, path)) != NULL &&
	    pc_enum(c, s, path, "a zone kind", kind_names, 5, &k) == 0) {
		z->kind = (enum zone_kind)k;
		kind_ok = true;
	}
	if ((v = pc_str(c, g, zpath, "description", false, false,
	    NULL)) != NULL)
		z->description = pc_strdup(c, v);
	s = pc_get(c, g, zpath, "interfaces", PT_SEQ,
	    c->p->gw.mode != MODE_MONITOR, path);
	if (s != NULL) {
		z->ifaces_loc = pc_loc(c, s);
		if (config_setting_length(s) == 0 &&
		    c->p->gw.mode != MODE_MONITOR)
			pc_err(c, s, "%s: is empty; a zone needs at least one "
			    "interface (except in monitor mode)", path);
		pc_ifaces(c, s, path, &z->ifaces, &z->nifaces);
	}
	parse_nets(c, z, g, zpath);
	if ((s = pc_member(c, g, "attached")) != NULL)
		z->attached_loc = pc_loc(c, s);
	pc_bool(c, g, zpath, "attached", true, &z->attached);
	z->unknown = z->kind == ZK_MYNUMBER ? UH_BLOCK : UH_ALERT;
	if ((s = pc_get(c, g, zpath, "unknown_hosts", PT_STRING, false,
	    path)) != NULL) {
		z->unknown_loc = pc_loc(c, s);
		if (pc_enum(c, s, path, "an unknown_hosts action", uh_names, 3,
		    &k) == 0)
			z->unknown = (enum unknown_hosts)k;
	}
	parse_hosts(c, z, g, zpath, kind_ok);
}

void
pz_zones(struct pctx *c, const config_setting_t *root)
{
	struct policy *p = c->p;
	config_setting_t *s, *e;
	char path[PC_PATHLEN], zpath[PC_PATHLEN];
	int i, n;

	if ((s = pc_get(c, root, "", "zones", PT_SEQ, true, path)) == NULL)
		return;
	if ((n = config_setting_length(s)) == 0) {
		pc_err(c, s, "zones: is empty; define at least the zones the "
		    "gateway separates");
		return;
	}
	/* Final size first: hosts and endpoints point into this array. */
	if ((p->zones = pc_calloc(c, (size_t)n, sizeof(*p->zones))) == NULL)
		return;
	p->nzones = (size_t)n;
	for (i = 0; i < n; i++) {
		p->zones[i].index = (size_t)i;
		e = config_setting_get_elem(s, (unsigned)i);
		pc_path_elem(zpath, "zones", i, NULL);
		p->zones[i].loc = pc_loc(c, e);
		if (pc_type(c, e, zpath, PT_GROUP))
			parse_zone(c, &p->zones[i], e, zpath);
	}
}
