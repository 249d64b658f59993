/* check_conf_hostix.c - the loader's host table finds what zone_host_by_name() finds. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "conf_parse.h"
#include "policy_fixture.h"

#define NZ	3
#define NH	300

/* Zones of NH hosts with repeated, missing and shared names. */
static struct policy *
model(void)
{
	struct policy *p = xcalloc(1, sizeof(*p));
	char name[32];
	size_t i, j;

	p->zones = xcalloc(NZ, sizeof(*p->zones));
	p->nzones = NZ;
	for (i = 0; i < NZ; i++) {
		struct zone *z = &p->zones[i];

		snprintf(name, sizeof(name), "z%zu", i);
		z->name = xstrdup(name);
		z->index = i;
		z->hosts = xcalloc(NH, sizeof(*z->hosts));
		z->nhosts = NH;
		for (j = 0; j < NH; j++) {
			z->hosts[j].zone = z;
			z->hosts[j].index = j;
			if (j % 50 == 7)
				continue;	/* unnamed (a parse error) */
			/* every name twice in a zone from 150 on */
			snprintf(name, sizeof(name), "h%zu", j % 150 +
			    (i == 1 ? 1000 : 0) * (j % 3 == 0));
			z->hosts[j].name = xstrdup(name);
		}
	}
	return p;
}

static void
compare(struct policy *p)
{
	struct pctx c;
	char name[32];
	size_t i, k;

	memset(&c, 0, sizeof(c));
	c.p = p;
	ck_assert_int_eq(pc_hostix_build(&c), 0);
	ck_assert_ptr_nonnull(c.hostix);
	for (i = 0; i < NZ; i++)
		for (k = 0; k < 1200; k++) {
			snprintf(name, sizeof(name), "h%zu", k);
			ck_assert_ptr_eq(pc_host(&c, &p->zones[i], name),
			    zone_host_by_name(&p->zones[i], name));
		}
	ck_assert_ptr_null(pc_host(&c, &p->zones[0], ""));
	ck_assert_ptr_eq(pc_host(&c, &p->zones[0], "h3"), &p->zones[0].hosts[3]);
	pc_hostix_free(&c);
	ck_assert_ptr_null(c.hostix);
	/* without the table: the same answers */
	ck_assert_ptr_eq(pc_host(&c, &p->zones[2], "h5"),
	    zone_host_by_name(&p->zones[2], "h5"));
}

START_TEST(scan_order)
{
	struct policy *p = model();

	compare(p);		/* unnamed hosts: zone_host_by_name scans */
	policy_free(p);
}
END_TEST

START_TEST(sorted_order)
{
	struct policy *p = model();
	size_t i, j;

	for (i = 0; i < NZ; i++) {
		for (j = 0; j < NH; j++)
			if (p->zones[i].hosts[j].name == NULL)
				p->zones[i].hosts[j].name = xstrdup("unnamed");
		ck_assert_int_eq(zone_index_names(&p->zones[i]), 0);
		ck_assert_ptr_nonnull(p->zones[i].by_name);
	}
	compare(p);
	policy_free(p);
}
END_TEST

START_TEST(no_hosts)
{
	struct policy *p = xcalloc(1, sizeof(*p));
	struct pctx c;

	memset(&c, 0, sizeof(c));
	c.p = p;
	ck_assert_int_eq(pc_hostix_build(&c), 0);
	ck_assert_ptr_null(c.hostix);
	pc_hostix_free(&c);
	policy_free(p);
}
END_TEST

static Suite *
conf_hostix_suite(void)
{
	Suite *s = suite_create("conf_hostix");
	TCase *tc = tcase_create("lookup");

	tcase_add_test(tc, scan_order);
	tcase_add_test(tc, sorted_order);
	tcase_add_test(tc, no_hosts);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(conf_hostix_suite)
