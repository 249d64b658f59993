/* basetable.h - the boot-time barrier table inet bunri_base (systemd/base.nft) and its removal. */
#ifndef BUNRI_BASETABLE_H
#define BUNRI_BASETABLE_H

/*
 * bunri-base.service loads systemd/base.nft at boot: forward policy drop
 * until bunrid runs.  In enforce mode nl_replace_table() deletes it in
 * the same batch that installs table inet bunri; in monitor mode nothing
 * is enforced, so bunrid removes it on its own with basetable_remove().
 */
#define BASE_TABLE	"bunri_base"		/* family inet */

/* Delete table inet bunri_base if it exists: 1 removed, 0 absent, -1 + errno. */
int	 basetable_remove(void);

#endif
