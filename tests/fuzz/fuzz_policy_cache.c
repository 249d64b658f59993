/* fuzz_policy_cache.c - libFuzzer harness: arbitrary bytes, resealed, through the policy cache decoder; what it accepts must be whole. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_rules.h"
#include "decide.h"
#include "policy_cache.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW	((time_t)1795392000)

/*
 * The checksum would stop nearly every input at the door, so the harness
 * reseals it first: the decoder's own checks are what is fuzzed.  The
 * seeds (tests/fuzz/run.sh) are caches bunrictl audit wrote.
 */

static void
check_model(const struct policy *q)
{
	struct pkt_meta m;
	struct decision d;
	struct diags dg;
	char buf[512];
	size_t i, j;

	for (i = 0; i < q->nzones; i++)
		for (j = 0; j < q->zones[i].nhosts; j++)
			if (q->zones[i].hosts[j].zone != &q->zones[i] ||
			    q->zones[i].hosts[j].name == NULL)
				abort();
	for (i = 0; i < q->nflows; i++) {
		const struct flow *f = &q->flows[i];

		if (f->id == NULL || f->from.zone == NULL || f->to.zone == NULL ||
		    (f->from.kind == EP_HOST && f->from.host->zone != f->from.zone) ||
		    (f->to.kind == EP_HOST && f->to.host->zone != f->to.zone))
			abort();
		memset(&m, 0, sizeof(m));
		m.zone = f->from.zone;
		if (f->from.kind == EP_HOST && f->from.host->naddrs > 0)
			m.src = f->from.host->addrs[0];
		else if (f->from.zone->nnets > 0)
			m.src = f->from.zone->nets[0];
		if (f->to.kind == EP_HOST && f->to.host->naddrs > 0)
			m.dst = f->to.host->addrs[0];
		else if (f->to.kind == EP_PREFIX)
			m.dst = f->to.prefix;
		m.proto = (uint8_t)f->proto;
		m.dport = f->nports > 0 ? f->ports[0].lo : 0;
		if (decide(q, &m, NULL, NOW, &d) != 0)
			abort();
		(void)decision_fmt(q, &m, &d, buf, sizeof(buf));
	}
	diags_init(&dg);
	conf_rules_check(q, NOW, &dg);
	diags_free(&dg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcache_meta m, m2;
	struct policy *q, *q2;
	uint8_t *buf, *enc = NULL, *enc2 = NULL;
	size_t len = 0, len2 = 0;

	/* An exact-size heap copy, so ASan sees a read one byte too far. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	pcache_reseal(buf, size);
	if (pcache_open(buf, size, &m) == -1) {
		free(buf);
		return 0;
	}
	if ((q = pcache_decode(buf, size, &m)) != NULL) {
		check_model(q);
		/* What it accepted encodes, and that decodes to the same bytes. */
		if (pcache_encode(q, &m, &enc, &len) == -1)
			abort();
		if (pcache_open(enc, len, &m2) == -1)
			abort();
		if ((q2 = pcache_decode(enc, len, &m2)) == NULL)
			abort();
		if (pcache_encode(q2, &m2, &enc2, &len2) == -1 || len2 != len ||
		    memcmp(enc, enc2, len) != 0)
			abort();
		policy_free(q2);
		pcache_meta_free(&m2);
		free(enc);
		free(enc2);
		policy_free(q);
	}
	pcache_meta_free(&m);
	free(buf);
	return 0;
}
