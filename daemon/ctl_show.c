/* ctl_show.c - bunrictl show: the policy as a summary, or as the nft ruleset it compiles to. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "nftc.h"

static void
print_ports(const struct flow *f, FILE *out)
{
	size_t i;

	for (i = 0; i < f->nports; i++) {
		fprintf(out, "%s%u", i ? "," : " ", f->ports[i].lo);
		if (f->ports[i].hi != f->ports[i].lo)
			fprintf(out, "-%u", f->ports[i].hi);
	}
}

static void
print_summary(const struct policy *p, time_t now, FILE *out)
{
	const struct zone *z;
	const struct flow *f;
	char a[128], b[128];
	struct tm tm;
	size_t i, j;

	fprintf(out, "gateway %s, mode %s\n", p->gw.name,
	    p->gw.mode == MODE_ENFORCE ? "enforce" : "monitor");
	fprintf(out, "zones:\n");
	for (i = 0; i < p->nzones; i++) {
		z = &p->zones[i];
		fprintf(out, "  %-12s %-9s if", z->name, zone_kind_name(z->kind));
		for (j = 0; j < z->nifaces; j++)
			fprintf(out, "%s%s", j ? "," : " ", z->ifaces[j]);
		fprintf(out, "  net");
		for (j = 0; j < z->nnets; j++)
			fprintf(out, "%s%s", j ? "," : " ",
			    addr_fmt(&z->nets[j], a, sizeof(a)));
		fprintf(out, "  hosts %zu  unknown %s%s\n", z->nhosts,
		    unknown_hosts_name(z->unknown),
		    z->attached ? "" : "  (not attached)");
	}
	fprintf(out, "flows:\n");
	for (i = 0; i < p->nflows; i++) {
		f = &p->flows[i];
		fprintf(out, "  %-8s %s -> %s %s", f->id,
		    endpoint_fmt(&f->from, a, sizeof(a)),
		    endpoint_fmt(&f->to, b, sizeof(b)), proto_name(f->proto));
		print_ports(f, out);
		if (f->has_expires) {
			gmtime_r(&f->expires, &tm);
			strftime(a, sizeof(a), "%Y-%m-%dT%H:%M:%SZ", &tm);
			fprintf(out, "  expires %s%s", a,
			    f->expires <= now ? " (expired)" : "");
		}
		fputc('\n', out);
	}
}

int
ctl_show(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "nft",	no_argument,	NULL,	'N' },
		CTL_COMMON_LONGOPTS
	};
	struct nftc_opts o;
	struct nft_ir *ir;
	struct policy *p;
	struct diags d;
	bool nft = false;
	time_t now = time(NULL);
	int ch, rc = CTL_EXIT_ERR;

	while ((ch = ctl_getopt(ctl, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case 'N':
			nft = true;
			break;
		default:
			return ctl_optend("show", ch);
		}
	}
	if (ctl_no_more("show", argc, argv) == -1)
		return CTL_EXIT_ERR;
	diags_init(&d);
	/* Warnings go to stderr only, so stdout stays loadable by nft -f. */
	if ((p = ctl_load_policy(ctl, now, true, &d)) == NULL)
		goto out;
	if (!nft) {
		print_summary(p, now, stdout);
		rc = CTL_EXIT_OK;
		goto out;
	}
	memset(&o, 0, sizeof(o));
	o.now = now;
	if ((ir = nftc_compile(p, &o)) == NULL) {
		fprintf(stderr, "bunrictl show: out of memory\n");
		goto out;
	}
	if (nftc_render(ir, stdout) == -1 || fflush(stdout) == EOF ||
	    ferror(stdout))
		perror("bunrictl show: writing the ruleset");
	else
		rc = CTL_EXIT_OK;
	nft_ir_free(ir);
out:
	policy_free(p);
	diags_free(&d);
	return rc;
}
