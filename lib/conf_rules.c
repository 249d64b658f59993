/* conf_rules.c - cross-setting checks: structure, the six separation rules, warnings. */
#include "conf_rules.h"

void
conf_rules_check(const struct policy *p, time_t now, struct diags *d)
{
	(void)p; (void)now; (void)d;
}
