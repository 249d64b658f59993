/* ctl_cache.h - bunrictl's compiled policy cache: load through it, fill it on a miss. */
#ifndef BUNRI_CTL_CACHE_H
#define BUNRI_CTL_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "ctl.h"
#include "policy_cache.h"

/*
 * ctl_load_policy() without warnings, through the cache when use_cache:
 * the model of an earlier load of the very same bytes by the very same
 * program, else a normal load whose model is then written to the cache.
 * What it prints and returns is the same with or without a cache, a
 * valid one, a stale one or a damaged one; the cache itself never prints
 * and never fails the command.  (ctl_cache.c)
 */
struct policy	*ctl_load_policy_cached(const struct ctl *, time_t now,
		    bool use_cache, struct diags *);

/*
 * The key (ctl_cache_key.c).  ctl_cache_ident() gives this program's
 * identity: the GNU build id of every loaded object (bunrictl, libconfig,
 * libc...) and the time zone the loader's plain dates are read in;
 * NULL when it cannot be told (then no cache).  Static, do not free.
 */
const uint8_t	*ctl_cache_ident(size_t *len);

/*
 * Every file of p->files as the loader would open it now: real path, size
 * and SHA-256 into m->files (allocated, free with ctl_cache_files_free).
 * -1 when one cannot be read as the loader would.
 */
int		 ctl_cache_files(const struct policy *p, struct pcache_meta *m);
void		 ctl_cache_files_free(struct pcache_meta *m);
/*
 * Do the files m names, opened as the loader would open them from the
 * policy path `path`, still hold exactly the recorded bytes?
 */
bool		 ctl_cache_files_same(const char *path,
		    const struct pcache_meta *m);

#endif
