/* conf_rules.h - cross-setting checks: structure, the six separation rules, warnings. */
#ifndef BUNRI_CONF_RULES_H
#define BUNRI_CONF_RULES_H

#include <time.h>

#include "diag.h"
#include "policy.h"

/*
 * Runs on a fully parsed model (every reference resolved, every single
 * setting already valid) and appends errors and warnings to d.  It checks
 * what needs more than one setting: duplicate names, ids and MACs,
 * host addresses outside their zone, interfaces in two zones, overlapping
 * networks, same-zone flows, separation rules 1-5 of config.md and every
 * warning of the contract.  `now` decides expiry warnings.
 */
void	 conf_rules_check(const struct policy *, time_t now, struct diags *);

#endif
