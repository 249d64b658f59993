/* detect_scan.c - sid 6: every new flow goes to lib/scan; a source past its thresholds is reported. */
#include <stdio.h>

#include "detect_int.h"
#include "scan.h"

/* Sources tracked at once: a quarter of the flow bound, at least 1024. */
int
detect_scan_new(struct detect *d)
{
	size_t n = d->o.max_flows / 4 < 1024 ? 1024 : d->o.max_flows / 4;

	if (d->o.scan_ports == 0 || d->o.scan_hosts == 0 ||
	    d->o.scan_window == 0)
		return 0;	/* scan detection off */
	d->scan = scan_new(d->o.scan_ports, d->o.scan_hosts,
	    (uint64_t)d->o.scan_window * 1000000, n);
	return d->scan != NULL ? 0 : -1;
}

void
detect_scan_free(struct detect *d)
{
	scan_free(d->scan);
	d->scan = NULL;
}

/* A new flow is one more port or host its source touched. */
void
detect_scan_flow(struct detect *d, const struct obs *ob,
    struct flow_entry *e)
{
	const struct pkt *pk = d->pk;
	enum scan_hit hit;
	char a[ADDR_STRLEN];
	int n;

	if (d->scan == NULL)
		return;
	hit = scan_observe(d->scan, &pk->src, &pk->dst,
	    pk->has_ports ? pk->dport : SCAN_NO_PORT,
	    (uint64_t)ob->ts->tv_sec * 1000000 + (uint64_t)ob->ts->tv_usec);
	if (hit == SCAN_NONE)
		return;
	addr_fmt(&pk->src, a, sizeof(a));
	n = snprintf(d->sigtext, sizeof(d->sigtext), "scan from %s:", a);
	if (n > 0 && (size_t)n < sizeof(d->sigtext) && (hit & SCAN_PORTS))
		n += snprintf(d->sigtext + n, sizeof(d->sigtext) - (size_t)n,
		    " more than %u ports", d->o.scan_ports);
	if (n > 0 && (size_t)n < sizeof(d->sigtext) && (hit & SCAN_HOSTS))
		n += snprintf(d->sigtext + n, sizeof(d->sigtext) - (size_t)n,
		    "%s more than %u hosts", (hit & SCAN_PORTS) ? " and" : "",
		    d->o.scan_hosts);
	if (n > 0 && (size_t)n < sizeof(d->sigtext))
		snprintf(d->sigtext + n, sizeof(d->sigtext) - (size_t)n,
		    " within %u s", d->o.scan_window);
	detect_flow_alert_plain(d, ob, e, SIG_SCAN, d->sigtext, d->sigtext);
}
