/* check_policy_index.c - the policy model at its edges: half-built models freed and indexed, a large one indexed like the scan. */
#include "check_main.h"
#include "policy_fixture.h"

START_TEST(free_partial)
{
	struct policy *p;

	policy_free(NULL);

	/* A loader that gave up early: arrays sized, most entries empty. */
	p = xcalloc(1, sizeof(*p));
	p->nzones = 3;
	p->zones = xcalloc(3, sizeof(*p->zones));
	p->zones[0].name = xstrdup("lgwan");
	p->zones[0].nifaces = 2;
	p->zones[0].ifaces = xcalloc(2, sizeof(char *));
	p->zones[0].ifaces[0] = xstrdup("lg0");
	p->zones[0].nhosts = 2;
	p->zones[0].hosts = xcalloc(2, sizeof(struct host));
	p->zones[0].hosts[0].name = xstrdup("mail-gw");
	p->nflows = 2;
	p->flows = xcalloc(2, sizeof(*p->flows));
	p->flows[0].id = xstrdup("F-001");
	p->flows[0].approval = xstrdup("2026-001");
	p->nfiles = 2;
	p->files = xcalloc(2, sizeof(char *));
	p->files[0] = xstrdup("bunri.conf");
	p->mon.nspans = 1;
	p->mon.spans = xcalloc(1, sizeof(struct span));
	p->alerts.facility = xstrdup("local4");
	/* The index must cope with a half-built model too. */
	ck_assert_int_eq(policy_index(p), 0);
	ck_assert_ptr_null(policy_flow_by_id(p, "F-002"));
	ck_assert_ptr_nonnull(policy_flow_by_id(p, "F-001"));
	policy_free(p);

	/* Counts set but arrays never allocated. */
	p = xcalloc(1, sizeof(*p));
	p->nzones = 4;
	p->nflows = 7;
	p->nfiles = 1;
	p->mon.nifaces = 2;
	p->mon.nspans = 3;
	policy_free(p);

	/* Nothing at all. */
	policy_free(xcalloc(1, sizeof(struct policy)));
}
END_TEST

/*
 * A large policy: the index must give exactly what the scan gives, for
 * hits, misses and duplicates alike.
 */
START_TEST(large_consistent)
{
	enum { NH = 4000, NQ = NH + 50, NF = 100000 };
	struct policy *p = xcalloc(1, sizeof(*p));
	struct host **hs = xcalloc(2 * NQ, sizeof(*hs));
	struct host **hm = xcalloc(NQ, sizeof(*hm));
	struct zone **zs = xcalloc(2 * NQ, sizeof(*zs));
	struct flow **fs = xcalloc(NQ, sizeof(*fs));
	struct zone *z;
	size_t i, found;
	char name[64], a4[32], a6[64], mac[32];

	p->nzones = 3;
	p->zones = z = xcalloc(3, sizeof(*z));
	zone_set(&z[0], 0, "lgwan", ZK_LGWAN, (const char *[]){ "lg0", NULL },
	    (const char *[]){ "198.51.100.0/24", "2001:db8:20::/48", NULL }, NH);
	zone_set(&z[1], 1, "internet", ZK_INTERNET,
	    (const char *[]){ "in0", NULL },
	    (const char *[]){ "0.0.0.0/0", "::/0", "203.0.113.0/24", NULL }, 0);
	zone_set(&z[2], 2, "mynumber", ZK_MYNUMBER,
	    (const char *[]){ "mn0", NULL },
	    (const char *[]){ "192.0.2.0/25", "2001:db8:20:1::/64", NULL }, 0);
	for (i = 0; i < NH; i++) {
		snprintf(name, sizeof(name), "h%zu", i);
		snprintf(a4, sizeof(a4), "198.51.100.%zu", i % 256);
		snprintf(a6, sizeof(a6), "2001:db8:20:%zx::%zx", i % 3, i);
		snprintf(mac, sizeof(mac), "02:00:00:00:%02zx:%02zx",
		    (i >> 8) & 0xff, i & 0xff);
		host_set(&z[0], i, name, i % 3 ? mac : NULL,
		    (const char *[]){ a6, i < 300 ? a4 : NULL, NULL });
	}
	p->nflows = NF;
	p->flows = xcalloc(NF, sizeof(*p->flows));
	for (i = 0; i < NF; i++) {
		/* 7919 is prime to NF: every id once, out of order. */
		snprintf(name, sizeof(name), "F-%06zu", (i * 7919) % NF);
		p->flows[i].id = xstrdup(name);
		p->flows[i].index = i;
	}
	/* A duplicate id late in the file: the first one must win. */
	free(p->flows[NF - 1].id);
	p->flows[NF - 1].id = xstrdup(p->flows[5].id);

	/* Pass 0 scans (no index) and records; pass 1 compares. */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < NQ; i++) {
			struct addr a6a, a4a;
			struct mac m;

			snprintf(a6, sizeof(a6), "2001:db8:20:%zx::%zx",
			    i % 3, i);
			snprintf(a4, sizeof(a4), "%s.%zu",
			    i % 2 ? "198.51.100" : "192.0.2", i % 256);
			snprintf(mac, sizeof(mac), "02:00:00:00:%02zx:%02zx",
			    (i >> 8) & 0xff, i & 0xff);
			a6a = A(a6);
			a4a = A(a4);
			m = M(mac);
			if (pass == 0) {
				hs[2 * i] = policy_host_by_addr(p, &a6a);
				hs[2 * i + 1] = policy_host_by_addr(p, &a4a);
				hm[i] = policy_host_by_mac(p, &m);
				zs[2 * i] = policy_zone_of_addr(p, &a6a);
				zs[2 * i + 1] = policy_zone_of_addr(p, &a4a);
				if (i < 300)
					fs[i] = policy_flow_by_id(p,
					    p->flows[i * 333].id);
				continue;
			}
			ck_assert_ptr_eq(policy_host_by_addr(p, &a6a), hs[2 * i]);
			ck_assert_ptr_eq(policy_host_by_addr(p, &a4a),
			    hs[2 * i + 1]);
			ck_assert_ptr_eq(policy_host_by_mac(p, &m), hm[i]);
			ck_assert_ptr_eq(policy_zone_of_addr(p, &a6a), zs[2 * i]);
			ck_assert_ptr_eq(policy_zone_of_addr(p, &a4a),
			    zs[2 * i + 1]);
			if (i < 300)
				ck_assert_ptr_eq(policy_flow_by_id(p,
				    p->flows[i * 333].id), fs[i]);
		}
		if (pass == 0) {
			ck_assert_ptr_null(p->idx);
			ck_assert_int_eq(policy_index(p), 0);
		}
	}
	/* The scan itself was right: spot checks of the recorded answers. */
	ck_assert_ptr_eq(hs[2 * 7], &z[0].hosts[7]);
	ck_assert_ptr_null(hs[2 * (NH + 1)]);
	ck_assert_ptr_eq(hs[2 * 7 + 1], &z[0].hosts[7]);	/* 198.51.100.7 */
	ck_assert_ptr_null(hs[2 * 8 + 1]);	/* 192.0.2.8: nobody */
	ck_assert_ptr_eq(hm[7], &z[0].hosts[7]);
	ck_assert_ptr_null(hm[6]);		/* no MAC */
	ck_assert_ptr_eq(zs[2 * 6], &z[0]);	/* 2001:db8:20:0::6 */
	ck_assert_ptr_eq(zs[2 * 7], &z[2]);	/* 2001:db8:20:1::7 */
	ck_assert_ptr_eq(zs[2 * 8], &z[0]);	/* 2001:db8:20:2::8 */
	ck_assert_ptr_eq(zs[2 * 8 + 1], &z[2]);	/* 192.0.2.8 */
	ck_assert_ptr_eq(zs[2 * 200 + 1], &z[1]);	/* 192.0.2.200 */
	ck_assert_ptr_eq(zs[2 * 201 + 1], &z[0]);	/* 198.51.100.201 */

	/* Every flow is found by its id, the duplicate as its first. */
	for (i = found = 0; i < NF; i++) {
		struct flow *f = policy_flow_by_id(p, p->flows[i].id);

		ck_assert_ptr_nonnull(f);
		found += f == &p->flows[i];
	}
	ck_assert_uint_eq(found, NF - 1);
	ck_assert_ptr_eq(policy_flow_by_id(p, p->flows[NF - 1].id),
	    &p->flows[5]);
	ck_assert_ptr_null(policy_flow_by_id(p, "F-100000"));

	free(hs);
	free(hm);
	free(zs);
	free(fs);
	policy_free(p);
}
END_TEST

static Suite *
policy_index_suite(void)
{
	Suite *s = suite_create("policy_index");
	TCase *tc = tcase_create("index");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, free_partial);
	tcase_add_test(tc, large_consistent);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(policy_index_suite)
