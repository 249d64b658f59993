/* ctl_check.c - bunrictl check: validate a policy file without a daemon. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static size_t
count_hosts(const struct policy *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->nzones; i++)
		n += p->zones[i].nhosts;
	return n;
}

int
ctl_check(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = { CTL_COMMON_LONGOPTS };
	struct policy *p;
	struct diags d;
	int ch;

	if ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1)
		return ctl_optend("check", ch);
	/* "bunrictl check FILE" reads as naturally as "check -c FILE". */
	if (optind < argc) {
		/* -c A and B: which one was meant is not ours to guess. */
		if (strcmp(ctl->conf, CTL_DEFAULT_CONF) != 0 &&
		    strcmp(ctl->conf, argv[optind]) != 0) {
			fprintf(stderr, "bunrictl check: two policy files, "
			    "\"%s\" (-c) and \"%s\"; give one\n", ctl->conf,
			    argv[optind]);
			ctl_usage(stderr, "check");
			return CTL_EXIT_ERR;
		}
		ctl->conf = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, "bunrictl check: unexpected argument \"%s\" "
		    "(one policy file, given as FILE or -c FILE)\n", argv[optind]);
		ctl_usage(stderr, "check");
		return CTL_EXIT_ERR;
	}
	diags_init(&d);
	p = ctl_load_policy(ctl, time(NULL), true, &d);
	if (p == NULL) {
		if (d.nerrors > 0)
			fprintf(stderr, "%s: invalid (%zu error%s, "
			    "%zu warning%s)\n",
			    ctl->conf, d.nerrors, d.nerrors == 1 ? "" : "s",
			    d.nwarnings, d.nwarnings == 1 ? "" : "s");
		diags_free(&d);
		return CTL_EXIT_ERR;
	}
	printf("%s: valid (%zu zone%s, %zu host%s, %zu flow%s, %zu warning%s)\n",
	    ctl->conf, p->nzones, p->nzones == 1 ? "" : "s",
	    count_hosts(p), count_hosts(p) == 1 ? "" : "s",
	    p->nflows, p->nflows == 1 ? "" : "s",
	    d.nwarnings, d.nwarnings == 1 ? "" : "s");
	policy_free(p);
	diags_free(&d);
	return CTL_EXIT_OK;
}
