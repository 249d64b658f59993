/* conf_pctx.c - typed access to libconfig settings, with the error messages people read. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bigalloc.h"
#include "conf_parse.h"

struct srcloc
pc_loc(const struct pctx *c, const config_setting_t *s)
{
	struct srcloc loc;
	size_t file;
	int line;

	/* conf_parse() put the unwrapped line of the combined text in the hook. */
	line = (int)(uintptr_t)config_setting_get_hook(s);
	conf_text_where(c->t, line, &file, &line);
	loc.file = c->p->files[file];
	loc.line = line;
	return loc;
}

void
pc_err(struct pctx *c, const config_setting_t *s, const char *fmt, ...)
{
	struct srcloc loc = pc_loc(c, s);
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(c->d, DIAG_ERROR, loc.file, loc.line, fmt, ap);
	va_end(ap);
}

/*
 * Out of memory is an error like any other: the policy is refused.  The
 * large arrays (flows, the hosts of a big zone) go on huge pages.
 */
void *
pc_calloc(struct pctx *c, size_t n, size_t size)
{
	void *v;

	if ((v = big_calloc(n, size)) == NULL)
		diag_add(c->d, DIAG_ERROR, c->p->files[0], 0,
		    "out of memory while parsing the policy");
	return v;
}

char *
pc_strdup(struct pctx *c, const char *s)
{
	char *v;

	if ((v = strdup(s)) == NULL)
		diag_add(c->d, DIAG_ERROR, c->p->files[0], 0,
		    "out of memory while parsing the policy");
	return v;
}

static struct arena *
model_arena(struct pctx *c, size_t hint)
{
	struct policy *p = c->p;

	if (p->arena == NULL && (p->arena = malloc(sizeof(*p->arena))) != NULL)
		arena_init(p->arena, hint);
	return p->arena;
}

int
pc_arena(struct pctx *c, size_t hint)
{
	if (model_arena(c, hint) != NULL)
		return 0;
	diag_add(c->d, DIAG_ERROR, c->p->files[0], 0,
	    "out of memory while parsing the policy");
	return -1;
}

void *
pc_acalloc(struct pctx *c, size_t n, size_t size)
{
	struct arena *a;
	void *v = NULL;

	if ((a = model_arena(c, 0)) == NULL ||
	    (v = arena_calloc(a, n, size)) == NULL)
		diag_add(c->d, DIAG_ERROR, c->p->files[0], 0,
		    "out of memory while parsing the policy");
	return v;
}

char *
pc_astrdup(struct pctx *c, const char *s)
{
	struct arena *a;
	char *v = NULL;

	if ((a = model_arena(c, 0)) == NULL ||
	    (v = arena_strdup(a, s)) == NULL)
		diag_add(c->d, DIAG_ERROR, c->p->files[0], 0,
		    "out of memory while parsing the policy");
	return v;
}

void
pc_free(struct pctx *c, void *v)
{
	if (!arena_owns(c->p->arena, v))
		free(v);
}

char *
pc_path(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PC_PATHLEN, fmt, ap);
	va_end(ap);
	return buf;
}

/* Append n bytes of s at *off, cut at PC_PATHLEN - 1 like snprintf. */
static void
path_put(char *buf, size_t *off, const char *s, size_t n)
{
	if (*off + n > PC_PATHLEN - 1)
		n = PC_PATHLEN - 1 - *off;
	memmove(buf + *off, s, n);
	*off += n;
}

char *
pc_path_elem(char *buf, const char *prefix, int i, const char *label)
{
	char num[16], *q = num + sizeof(num);
	unsigned u = i < 0 ? 0u - (unsigned)i : (unsigned)i;
	size_t off = 0;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (i < 0)
		*--q = '-';
	path_put(buf, &off, prefix, strlen(prefix));
	path_put(buf, &off, "[", 1);
	path_put(buf, &off, q, (size_t)(num + sizeof(num) - q));
	path_put(buf, &off, "]", 1);
	if (label != NULL) {
		path_put(buf, &off, " (", 2);
		path_put(buf, &off, label, strlen(label));
		path_put(buf, &off, ")", 1);
	}
	buf[off] = '\0';
	return buf;
}

/* gpath.name, or name at the top level. */
static void
path_member(char *buf, const char *gpath, const char *name)
{
	size_t off = 0;

	if (gpath[0] != '\0') {
		path_put(buf, &off, gpath, strlen(gpath));
		path_put(buf, &off, ".", 1);
	}
	path_put(buf, &off, name, strlen(name));
	buf[off] = '\0';
}

/*
 * Setting names are [A-Za-z*][-A-Za-z0-9_*]* (libconfig's scanner), so
 * plain strcmp finds what libconfig's path-aware compare would.
 */
bool
pc_group(struct pctx *c, const config_setting_t *g)
{
	int i, n;

	if (c->mg == g)
		return true;
	if ((n = config_setting_length(g)) > PC_MCACHE) {
		c->mg = NULL;
		return false;
	}
	for (i = 0; i < n; i++) {
		c->mset[i] = config_setting_get_elem(g, (unsigned)i);
		c->mname[i] = config_setting_name(c->mset[i]);
		if (c->mname[i] == NULL)
			c->mname[i] = "";
	}
	c->mn = n;
	c->mg = g;
	return true;
}

config_setting_t *
pc_member(struct pctx *c, const config_setting_t *g, const char *name)
{
	config_setting_t *m;
	const char *mn;
	int i, n;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return NULL;
	if (!pc_group(c, g)) {
		n = config_setting_length(g);
		for (i = 0; i < n; i++) {
			m = config_setting_get_elem(g, (unsigned)i);
			if ((mn = config_setting_name(m)) != NULL &&
			    strcmp(mn, name) == 0)
				return m;
		}
		return NULL;
	}
	for (i = 0; i < c->mn; i++)
		if (c->mname[i][0] == name[0] && strcmp(c->mname[i], name) == 0)
			return c->mset[i];
	return NULL;
}

static const char *
type_is(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number with a fraction";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "true or false";
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	}
	return "of no known type";
}

static const char *const type_want[] = {
	[PT_INT] = "an integer",
	[PT_STRING] = "a string (in double quotes)",
	[PT_BOOL] = "true or false",
	[PT_GROUP] = "a group { ... }",
	[PT_SEQ] = "a list [ ... ] or ( ... )",
};

bool
pc_type(struct pctx *c, const config_setting_t *s, const char *path,
    enum ptype want)
{
	int t = config_setting_type(s);
	bool ok = false;

	switch (want) {
	case PT_INT:
		ok = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
		break;
	case PT_STRING:
		ok = t == CONFIG_TYPE_STRING;
		break;
	case PT_BOOL:
		ok = t == CONFIG_TYPE_BOOL;
		break;
	case PT_GROUP:
		ok = t == CONFIG_TYPE_GROUP;
		break;
	case PT_SEQ:
		ok = t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY;
		break;
	}
	if (!ok)
		pc_err(c, s, "%s: is %s; expected %s", path, type_is(s),
		    type_want[want]);
	return ok;
}

/*
 * What to add for a missing top-level setting.  It has no line of its
 * own, so the message goes to line 1 of the policy: every error a person
 * reads names FILE:LINE.
 */
static const char *
top_hint(const char *name)
{
	if (strcmp(name, "version") == 0)
		return "add version = 1; at the top of the file";
	if (strcmp(name, "gateway") == 0)
		return "add gateway = { name = \"...\"; }; (see bunri.conf(5))";
	if (strcmp(name, "zones") == 0)
		return "add zones = ( { name = ...; kind = ...; "
		    "interfaces = [ ... ]; networks = [ ... ]; } ); "
		    "(see bunri.conf(5))";
	return "add it at the top level (see bunri.conf(5))";
}

config_setting_t *
pc_get(struct pctx *c, const config_setting_t *g, const char *gpath,
    const char *name, enum ptype want, bool required, char *path)
{
	config_setting_t *m;

	path_member(path, gpath, name);
	if ((m = pc_member(c, g, name)) == NULL) {
		if (required && gpath[0] != '\0')
			pc_err(c, g, "%s: missing required setting \"%s\"",
			    gpath, name);
		else if (required)
			diag_add(c->d, DIAG_ERROR, c->p->files[0], 1,
			    "%s: missing required setting \"%s\"; %s", name,
			    name, top_hint(name));
		return NULL;
	}
	if (!pc_type(c, m, path, want))
		return NULL;
	return m;
}

const char *
pc_str(struct pctx *c, const config_setting_t *g, const char *gpath,
    const char *name, bool required, bool nonempty, config_setting_t **sp)
{
	config_setting_t *m;
	char path[PC_PATHLEN];
	const char *v;

	if (sp != NULL)
		*sp = NULL;
	if ((m = pc_get(c, g, gpath, name, PT_STRING, required, path)) == NULL)
		return NULL;
	v = config_setting_get_string(m);
	if (nonempty && v[0] == '\0') {
		pc_err(c, m, "%s: is empty; give it a value", path);
		return NULL;
	}
	if (sp != NULL)
		*sp = m;
	return v;
}

int
pc_uint(struct pctx *c, const config_setting_t *g, const char *gpath,
    const char *name, unsigned lo, unsigned hi, unsigned def, unsigned *out)
{
	config_setting_t *m;
	char path[PC_PATHLEN];
	long long v;

	*out = def;
	if ((m = pc_member(c, g, name)) == NULL)
		return 0;
	if ((m = pc_get(c, g, gpath, name, PT_INT, false, path)) == NULL)
		return -1;
	v = config_setting_get_int64(m);
	if (v < (long long)lo || v > (long long)hi) {
		pc_err(c, m, "%s: %lld is out of range (expected %u-%u)",
		    path, v, lo, hi);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int
pc_bool(struct pctx *c, const config_setting_t *g, const char *gpath,
    const char *name, bool def, bool *out)
{
	config_setting_t *m;
	char path[PC_PATHLEN];

	*out = def;
	if ((m = pc_member(c, g, name)) == NULL)
		return 0;
	if ((m = pc_get(c, g, gpath, name, PT_BOOL, false, path)) == NULL)
		return -1;
	*out = config_setting_get_bool(m) != 0;
	return 0;
}

int
pc_enum(struct pctx *c, const config_setting_t *s, const char *path,
    const char *what, const char *const names[], size_t n, int *out)
{
	char list[PC_PATHLEN], sugg[PC_PATHLEN];
	const char *v, *best;
	size_t i, off = 0;

	if (!pc_type(c, s, path, PT_STRING))
		return -1;
	v = config_setting_get_string(s);
	for (i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; i < n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off,
		    "%s\"%s\"", i == 0 ? "" : i + 1 == n ? " or " : ", ",
		    names[i]);
	sugg[0] = '\0';
	if ((best = pc_suggest(v, names, n)) != NULL)
		snprintf(sugg, sizeof(sugg), "; did you mean \"%s\"?", best);
	pc_err(c, s, "%s: \"%s\" is not %s (expected %s)%s", path, v, what,
	    list, sugg);
	return -1;
}

int
pc_abspath(struct pctx *c, const config_setting_t *g, const char *gpath,
    const char *name, const char *def, char **out)
{
	config_setting_t *m;
	const char *v;
	int rc = 0;

	if ((v = pc_str(c, g, gpath, name, false, false, &m)) == NULL) {
		if (m == NULL && pc_member(c, g, name) != NULL)
			rc = -1;
		v = def;
	} else if (v[0] != '/') {
		pc_err(c, m, "%s%s%s: \"%s\" is not an absolute path "
		    "(expected e.g. \"%s\")", gpath, gpath[0] ? "." : "",
		    name, v, def);
		rc = -1;
		v = def;
	}
	if ((*out = pc_strdup(c, v)) == NULL)
		return -1;
	return rc;
}

bool
pc_iface_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == '/' || isspace((unsigned char)s[i]) ||
		    iscntrl((unsigned char)s[i]))
			return false;
	return true;
}

int
pc_ifaces(struct pctx *c, const config_setting_t *s, const char *path,
    char ***out, size_t *n)
{
	config_setting_t *e;
	char epath[PC_PATHLEN];
	const char *v;
	int i, len = config_setting_length(s), rc = 0;

	*out = NULL;
	*n = 0;
	if (len == 0)
		return 0;
	if ((*out = pc_calloc(c, (size_t)len, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		pc_path_elem(epath, path, i, NULL);
		if (!pc_type(c, e, epath, PT_STRING)) {
			rc = -1;
			continue;
		}
		v = config_setting_get_string(e);
		if (!pc_iface_ok(v)) {
			pc_err(c, e, "%s: \"%s\" is not an interface name "
			    "(expected 1-15 characters without '/' or spaces)",
			    epath, v);
			rc = -1;
			continue;
		}
		if (((*out)[*n] = pc_strdup(c, v)) == NULL)
			return -1;
		(*n)++;
	}
	return rc;
}
