/* conf_rules_int.h - helpers shared by the cross-setting checks (lib/conf_rules*.c; conf_parse.c for the names). */
#ifndef BUNRI_CONF_RULES_INT_H
#define BUNRI_CONF_RULES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "policy.h"

/* Enough for "zones[4294967295].hosts[4294967295].addresses" and an id. */
#define RULES_PATHLEN	192
/* "flows[3] (F-007)": ids are cut so a message stays one readable line. */
#define RULES_IDMAX	64

/*
 * Append a message at `loc`, or at `fallback` when the loader had no line
 * for the setting itself (a default, or a key that was absent).
 */
void	 rules_diag(struct diags *, enum diag_sev, const struct srcloc *loc,
	    const struct srcloc *fallback, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* A check that cannot run must not pass the policy: an error. */
void	 rules_nomem(const struct policy *, struct diags *);
/* "flows[3] (F-007)" */
const char *rules_flow_path(const struct flow *, char *buf, size_t len);
/* "zones[0].hosts[2]" */
const char *rules_host_path(const struct host *, char *buf, size_t len);
/* "lgwan:mail-gw", "mgmt", "internet:203.0.113.0/24" */
const char *rules_ep_str(const struct endpoint *, char *buf, size_t len);
/* The zone's name, or "?" when the loader could not read it. */
const char *rules_zname(const struct zone *);

/* Is either endpoint of the flow in a zone of this kind? */
bool	 rules_flow_touches(const struct flow *, enum zone_kind);
/* Does the flow join a zone of kind a with one of kind b (either way)? */
bool	 rules_flow_joins(const struct flow *, enum zone_kind, enum zone_kind);

/* Every host address, sorted: which host of a zone holds an address. */
struct rules_addrent {
	struct addr	 addr;
	const struct host *host;
};
struct rules_addrix {
	struct rules_addrent *v;
	size_t		 n;
};
int	 rules_addrix_build(const struct policy *, struct rules_addrix *);
const struct host *rules_addrix_find(const struct rules_addrix *,
	    const struct zone *, const struct addr *);
void	 rules_addrix_free(struct rules_addrix *);

/* Rule 3 over the flows not skipped by rules 1 and the structure checks. */
void	 rules_rule3(const struct policy *, const bool *skip,
	    const struct rules_addrix *, struct diags *);

/*
 * Duplicate zone names and host names in a zone.  Also run by the parser
 * right after the zones: a reference that no longer resolves because of
 * a duplicate must not hide the duplicate itself.
 */
void	 rules_dup_names(const struct policy *, struct diags *);

/* The parts of conf_rules_check(). */
void	 rules_structure(const struct policy *, struct diags *);
void	 rules_networks(const struct policy *, struct diags *);
void	 rules_separation(const struct policy *, struct diags *);
void	 rules_warnings(const struct policy *, time_t now, struct diags *);

#endif
