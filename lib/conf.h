/* conf.h - load and validate a bunri.conf policy file into the model. */
#ifndef BUNRI_CONF_H
#define BUNRI_CONF_H

#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "policy.h"

/* Largest policy file (all includes together) we read: 64 MiB. */
#define CONF_MAX_SIZE	(64u * 1024 * 1024)
/* Deepest nesting of groups and lists accepted (the contract needs 4). */
#define CONF_MAX_DEPTH	32
/* Deepest chain of @include files. */
#define CONF_MAX_INCLUDE_DEPTH 8

/*
 * The only way into the model.  Reads the file (and its @includes, which
 * must be regular files in the policy's own directory), parses it, applies
 * the defaults of the contract, runs every structural check, the separation
 * rules and the warnings.  `now` decides expiry warnings (pass time(NULL)).
 *
 * Every problem is appended to `d`; on any error the result is NULL and
 * nothing is half-built.  Warnings alone still return the policy.  Never
 * exits, never aborts on hostile input.
 */
struct policy	*conf_load(const char *path, time_t now, struct diags *d);

/*
 * The same for a policy held in memory (tests, the embedded demo policy).
 * `name` is the file name used in messages; @include is refused.
 */
struct policy	*conf_load_string(const char *text, size_t len,
		    const char *name, time_t now, struct diags *d);

#endif
