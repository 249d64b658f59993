/* conf_parse.h - libconfig settings into the policy model, one setting at a time. */
#ifndef BUNRI_CONF_PARSE_H
#define BUNRI_CONF_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "conf_read.h"
#include "diag.h"
#include "policy.h"

/*
 * Parse the combined text t into p, whose files (p->files) must already
 * be those of t.  Checks every single setting: types, required keys,
 * unknown keys, syntax of names, addresses, ports, dates; resolves zone
 * and host references.  Cross-setting rules are conf_rules.c's.
 * Returns 0, or -1 after adding the errors to d.
 */
int	 conf_parse(struct policy *p, const struct conf_text *t,
	    struct diags *d);

/* Parse an expiry date; 0 or -1.  Exposed for the tests. */
int	 conf_parse_expires(const char *, time_t *);

/* ---- internal to conf_parse*.c and conf_keys.c ---- */

/* Longest setting path in a message ("flows[12] (F-007).ports[3]"). */
#define PC_PATHLEN	256

/* Groups of up to this many settings have their members cached. */
#define PC_MCACHE	16

/* conf_chunk.c: the top-level flows list cut into pieces of whole elements. */
struct pchunks {
	const char	*text;		/* the combined text (conf_text) */
	char		*head;		/* the text with the list emptied */
	size_t		 open, close;	/* the list's '(' and ')' in text */
	size_t		*cut;		/* '(', the commas cut at, ')' */
	int		*line;		/* the line cut[k] is on */
	size_t		 n;		/* pieces */
	size_t		 cap;
	size_t		 ncommas;	/* so at most ncommas + 1 elements */
	char		*buf;		/* "f=(PIECE);" */
	size_t		 bufcap;
};

struct pctx {
	struct policy	*p;
	struct diags	*d;
	const struct conf_text *t;
	unsigned	 last_line;	/* for unwrapping 16-bit lines */
	unsigned	 line_base;	/* line of the tree's text line 1, less 1 */
	struct pchunks	*ch;		/* the flows come in pieces, or NULL */
	bool		 resync;	/* libconfig refused a piece */
	struct host    **hostix;	/* conf_hostix.c, or NULL */
	size_t		 hostix_mask;
	/*
	 * The members of the group looked at last: a group is asked for
	 * each of its settings in turn, and libconfig's own lookup compares
	 * names through strchr, one character at a time.
	 */
	const config_setting_t *mg;
	int		 mn;
	const char	*mname[PC_MCACHE];
	config_setting_t *mset[PC_MCACHE];
};

/* What a setting must be. */
enum ptype {
	PT_INT,
	PT_STRING,
	PT_BOOL,
	PT_GROUP,
	PT_SEQ,			/* a list ( ) or an array [ ] */
};

struct srcloc	 pc_loc(const struct pctx *, const config_setting_t *);
void		 pc_err(struct pctx *, const config_setting_t *,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Does the setting have this type?  If not, says so at path. */
bool		 pc_type(struct pctx *, const config_setting_t *,
		    const char *path, enum ptype);
/*
 * The member `name` of group g (at gpath, "" for the top level), checked
 * for type; NULL when absent (reported if required) or of a wrong type.
 * The member's path is written to path.
 */
config_setting_t *pc_get(struct pctx *, const config_setting_t *g,
		    const char *gpath, const char *name, enum ptype,
		    bool required, char *path);
/* A string member; NULL when absent or bad.  Refuses "" when nonempty. */
const char	*pc_str(struct pctx *, const config_setting_t *g,
		    const char *gpath, const char *name, bool required,
		    bool nonempty, config_setting_t **sp);
/* An integer member in [lo, hi]; def when absent.  -1 on error. */
int		 pc_uint(struct pctx *, const config_setting_t *g,
		    const char *gpath, const char *name, unsigned lo,
		    unsigned hi, unsigned def, unsigned *out);
/* A boolean member; def when absent. */
int		 pc_bool(struct pctx *, const config_setting_t *g,
		    const char *gpath, const char *name, bool def, bool *out);
/* A string naming one of names[] (n of them); what: "mode". */
int		 pc_enum(struct pctx *, const config_setting_t *s,
		    const char *path, const char *what,
		    const char *const names[], size_t n, int *out);
/* An absolute path member, strdup'ed; def when absent. */
int		 pc_abspath(struct pctx *, const config_setting_t *g,
		    const char *gpath, const char *name, const char *def,
		    char **out);
/* calloc and strdup that report running out of memory as an error. */
void		*pc_calloc(struct pctx *, size_t, size_t);
char		*pc_strdup(struct pctx *, const char *);
/*
 * The same in the model's arena (policy.h), for the flows' strings and
 * ports.  pc_arena() makes it with a first block of about hint bytes;
 * otherwise the first use does.  -1 when out of memory (reported).
 */
int		 pc_arena(struct pctx *, size_t hint);
void		*pc_acalloc(struct pctx *, size_t, size_t);
char		*pc_astrdup(struct pctx *, const char *);
/* Free what any of the four gave. */
void		 pc_free(struct pctx *, void *);
char		*pc_path(char *buf, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/*
 * The same without printf, for the paths built for every setting:
 * "prefix[i]", or "prefix[i] (label)" when label is not NULL.
 */
char		*pc_path_elem(char *buf, const char *prefix, int i,
		    const char *label);
/*
 * Cache the members of group g in c->mname/mset/mn (unnamed: ""); false when
 * it has more than PC_MCACHE.
 */
bool		 pc_group(struct pctx *, const config_setting_t *g);
/* The member `name` of group g, or NULL (config_setting_get_member). */
config_setting_t *pc_member(struct pctx *, const config_setting_t *g,
		    const char *name);
bool		 pc_iface_ok(const char *);
/* List of interface names into a strv; -1 on error. */
int		 pc_ifaces(struct pctx *, const config_setting_t *s,
		    const char *path, char ***out, size_t *n);

/* conf_keys.c: unknown keys, with "did you mean". */
void		 pc_keys(struct pctx *, const config_setting_t *g,
		    const char *gpath, const char *const keys[]);
const char	*pc_suggest(const char *word, const char *const cands[],
		    size_t n);
/* Print names into buf for "(zones are ...)"; bounded. */
void		 pc_namelist(char *buf, size_t len, const char *const *names,
		    size_t n);

/* conf_chunk.c: 0, or 1 when t is parsed whole; see there. */
int		 pch_split(const struct conf_text *t, size_t per,
		    struct pchunks *);
/*
 * Parse piece k, [cut[k] + 1, cut[k + 1]), into cf (config_init'ed): its
 * list, or NULL if refused.
 */
config_setting_t *pch_parse(struct pchunks *, size_t k, config_t *cf);
void		 pch_free(struct pchunks *);
/* conf_parse.c: set the hooks of s and below to their full lines. */
void		 pc_lines(struct pctx *, config_setting_t *s);

/* conf_hostix.c: hosts by (zone, name) while the flows are parsed. */
int		 pc_hostix_build(struct pctx *);
/* zone_host_by_name(), in one probe once built. */
struct host	*pc_host(const struct pctx *, const struct zone *,
		    const char *name);
void		 pc_hostix_free(struct pctx *);

/* conf_parse_zones.c */
void		 pz_zones(struct pctx *, const config_setting_t *root);
/* conf_parse_flows.c */
void		 pf_flows(struct pctx *, const config_setting_t *root);
int		 pf_endpoint(struct pctx *, const config_setting_t *s,
		    const char *path, struct endpoint *);
/* Ports: ints, "25" or "lo-hi" strings; *out from the arena or the heap. */
int		 pf_ports(struct pctx *, const config_setting_t *s,
		    const char *path, bool ranges, bool arena,
		    struct portrange **out, size_t *n);
int		 pz_unknown_zone(struct pctx *, const config_setting_t *s,
		    const char *path, const char *name);

#endif
