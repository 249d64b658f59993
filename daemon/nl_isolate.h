/* nl_isolate.h - the emergency path: a zone's interfaces in or out of set @isolated, one small batch. */
#ifndef BUNRI_NL_ISOLATE_H
#define BUNRI_NL_ISOLATE_H

#include <stdbool.h>
#include <stddef.h>

struct nl;
struct policy;
struct nl_error;

/*
 * Add (on) or delete the interfaces `ifaces` as elements of set isolated
 * of table inet bunri, in one batch (NEWSETELEM / DELSETELEM) the kernel
 * applies atomically.  Adding an element already there is not an error;
 * deleting one that is not there is (ENOENT).  0, or -1 with e filled.
 */
int	 nl_isolate_ifaces(struct nl *, char *const *ifaces, size_t n,
	    bool on, struct nl_error *e);

/*
 * Zone zi of `p` was just isolated (on) or restored, `isolated` being
 * the flags after the change: add its interfaces, or delete those of
 * them no other isolated zone also lists.
 */
int	 nl_isolate_zone(struct nl *, const struct policy *p,
	    const bool *isolated, size_t zi, bool on, struct nl_error *e);

#endif
