/* check_nftc.c - the nftables compiler: golden text, constant rule count, expiry, isolation, v6 twins, libnftnl objects. */
/*
 * Golden files: tests/golden/NAME.conf compiles (now = GOLDEN_NOW) to
 * exactly tests/golden/NAME.nft.  After an intended change of the ruleset,
 * regenerate them with
 *	UPDATE_GOLDEN=1 build/tests/check_nftc
 * (from the top directory), review `git diff tests/golden`, and check the
 * kernel equivalence of both back-ends (tests/tools/nftc_apply.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "conf.h"
#include "diag.h"
#include "nft_ir.h"
#include "nftc.h"

#define GOLDEN_NOW	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define AFTER_EXPIRY	((time_t)1893456000)	/* 2030-01-01T00:00:00Z */

static struct policy *
load(const char *path, time_t now)
{
	struct diags d;
	struct policy *p;

	diags_init(&d);
	p = conf_load(path, now, &d);
	diags_free(&d);
	ck_assert_msg(p != NULL, "%s does not load", path);
	return p;
}

/* The nft text of a policy, malloc'd. */
static char *
render(const struct policy *p, time_t now, const bool *isolated)
{
	struct nftc_opts o = { .now = now, .isolated = isolated };
	struct nft_ir *ir;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	ck_assert_ptr_nonnull(ir = nftc_compile(p, &o));
	ck_assert_ptr_nonnull(fp = open_memstream(&buf, &len));
	ck_assert_int_eq(nftc_render(ir, fp), 0);
	fclose(fp);
	nft_ir_free(ir);
	return buf;
}

static char *
slurp(const char *path)
{
	FILE *fp;
	char *buf;
	long n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

static void
golden(const char *name)
{
	char conf[128], nft[128];
	const char *upd = getenv("UPDATE_GOLDEN");
	struct policy *p;
	char *got, *want;
	FILE *fp;

	snprintf(conf, sizeof(conf), "tests/golden/%s.conf", name);
	snprintf(nft, sizeof(nft), "tests/golden/%s.nft", name);
	p = load(conf, GOLDEN_NOW);
	got = render(p, GOLDEN_NOW, NULL);
	if (upd != NULL && strcmp(upd, "1") == 0) {
		ck_assert_ptr_nonnull(fp = fopen(nft, "w"));
		fputs(got, fp);
		fclose(fp);
	}
	want = slurp(nft);
	ck_assert_msg(want != NULL, "%s missing (UPDATE_GOLDEN=1 makes it)", nft);
	ck_assert_msg(strcmp(got, want) == 0, "%s: compiled text differs from "
	    "the golden file", name);
	free(got);
	free(want);
	policy_free(p);
}

START_TEST(golden_example)
{
	golden("example");
}
END_TEST

START_TEST(golden_rich)
{
	golden("rich");
}
END_TEST

/*
 * example.conf with `pre` (flows text), n generated lgwan -> mgmt host
 * flows and `post`, in a temp file.
 */
static struct policy *
generated2(const char *pre, int n, const char *post, char *path, size_t len)
{
	char *base = slurp("tests/golden/example.conf"), *at;
	FILE *fp;
	int fd, i;

	ck_assert_ptr_nonnull(base);
	snprintf(path, len, "/tmp/check_nftc.XXXXXX");
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	ck_assert_ptr_nonnull(at = strstr(base, "flows = (\n"));
	at += strlen("flows = (\n");
	fwrite(base, 1, (size_t)(at - base), fp);
	fputs(pre, fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "  { id = \"G-%05d\"; from = \"lgwan:198.51.100.%d\"; "
		    "to = \"mgmt:192.0.2.%d\"; proto = \"%s\"; ports = [ %d ]; "
		    "reason = \"gen\"; approval = \"T\"; },\n", i,
		    1 + i % 250, 193 + i / 250 % 60, i % 2 ? "tcp" : "udp",
		    1024 + i % 60000);
	fputs(post, fp);
	fputs(at, fp);
	fclose(fp);
	free(base);
	return load(path, GOLDEN_NOW);
}

static struct policy *
generated(int n, char *path, size_t len)
{
	return generated2("", n, "", path, len);
}

static size_t
nrules(const struct policy *p, size_t *nelems)
{
	struct nftc_opts o = { .now = GOLDEN_NOW };
	struct nft_ir *ir;
	size_t n, i;

	ck_assert_ptr_nonnull(ir = nftc_compile(p, &o));
	n = ir->nrules;
	for (*nelems = 0, i = 0; i < ir->nsets; i++)
		*nelems += ir->sets[i].nelems;
	nft_ir_free(ir);
	return n;
}

START_TEST(rule_count_constant)
{
	static const int sizes[] = { 10, 1000, 10000 };
	char path[64];
	struct policy *p;
	size_t n0 = 0, n, e, e0 = 0;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = generated(sizes[i], path, sizeof(path));
		n = nrules(p, &e);
		if (i == 0) {
			n0 = n;
			e0 = e;
		}
		ck_assert_uint_eq(n, n0);
		/* each generated flow: one pinned-or-not original + one reply */
		ck_assert_uint_ge(e, e0 + (size_t)(sizes[i] - sizes[0]) * 2);
		policy_free(p);
		unlink(path);
	}
}
END_TEST

/* The rules of a chain, in order: index of the rule using set `name`. */
static long
rule_pos(const struct nft_ir *ir, const char *chain, const char *set)
{
	size_t i, c;
	long n = 0;

	for (c = 0; c < ir->nchains; c++)
		if (strcmp(ir->chains[c].name, chain) == 0)
			break;
	for (i = 0; i < ir->nrules; i++) {
		if (ir->rules[i].chain != c)
			continue;
		if (ir->rules[i].stmt == NS_COUNTER_MAP &&
		    strcmp(ir->sets[ir->rules[i].set].name, set) == 0)
			return n;
		n++;
	}
	return -1;
}

static const struct nir_set *
set_named(const struct nft_ir *ir, const char *name)
{
	size_t i = nir_set_find(ir, name);

	ck_assert_msg(i != (size_t)-1, "no set %s", name);
	return &ir->sets[i];
}

#define WIDE_FLOW(id, from, to, proto, ports) \
	"  { id = \"" id "\"; from = \"" from "\"; to = \"" to "\"; " \
	"proto = \"" proto "\"; ports = ( " ports " ); reason = \"w\"; " \
	"approval = \"T\"; },\n"

/*
 * Host flows (every field one value) go to hash maps, prefixes and ranges
 * to interval maps, matched after them.  A zone-wide flow listed after
 * 20,000 host flows of its zone pair is one element: no cutting.
 */
START_TEST(exact_interval_split)
{
	struct nftc_opts o = { .now = GOLDEN_NOW };
	const struct nir_set *ex, *iv;
	struct nft_ir *ir;
	struct policy *p;
	char path[64];
	size_t i;
	long pe, pi;

	p = generated2("", 20000, WIDE_FLOW("W-1", "lgwan", "mgmt", "tcp",
	    "\"1024-65535\""), path, sizeof(path));
	ck_assert_ptr_nonnull(ir = nftc_compile(p, &o));
	ex = set_named(ir, "fo4_lgwan_mgmt");
	iv = set_named(ir, "fo4iv_lgwan_mgmt");
	ck_assert(!ex->interval);
	ck_assert(iv->interval);
	ck_assert_uint_eq(ex->nelems, 20000);
	ck_assert_uint_eq(iv->nelems, 1);
	for (i = 0; i < ex->nelems; i++)
		ck_assert(memcmp(ex->elems[i].lo, ex->elems[i].hi,
		    NIR_KEYMAX) == 0);
	ck_assert_uint_eq(set_named(ir, "fr4iv_lgwan_mgmt")->nelems, 1);
	pe = rule_pos(ir, "p_lgwan_mgmt", "fo4_lgwan_mgmt");
	pi = rule_pos(ir, "p_lgwan_mgmt", "fo4iv_lgwan_mgmt");
	ck_assert_int_ge(pe, 0);
	ck_assert_int_gt(pi, pe);
	pe = rule_pos(ir, "p_mgmt_lgwan", "fr4_lgwan_mgmt");
	pi = rule_pos(ir, "p_mgmt_lgwan", "fr4iv_lgwan_mgmt");
	ck_assert_int_ge(pe, 0);
	ck_assert_int_gt(pi, pe);
	nft_ir_free(ir);
	policy_free(p);
	unlink(path);
}
END_TEST

/*
 * Interval elements are made disjoint: a range inside a wider flow of the
 * same life vanishes into it (counted there), a partial overlap keeps only
 * its own part, and the union of what is allowed does not change.
 */
START_TEST(interval_overlaps)
{
	char path[64];
	struct policy *p;
	char *txt, *s, *end;

	p = generated2(
	    WIDE_FLOW("A-1", "mgmt:192.0.2.201", "lgwan:198.51.100.0/25",
	    "udp", "\"8000-8010\"")
	    WIDE_FLOW("A-2", "mgmt:192.0.2.201", "lgwan:198.51.100.0/25",
	    "udp", "\"1000-2000\""), 0,
	    WIDE_FLOW("A-3", "mgmt", "lgwan", "udp", "\"1024-65535\""),
	    path, sizeof(path));
	txt = render(p, GOLDEN_NOW, NULL);
	ck_assert_ptr_nonnull(s = strstr(txt, "map fo4iv_mgmt_lgwan {"));
	ck_assert_ptr_nonnull(end = strstr(s, "\t}\n"));
	*end = '\0';
	ck_assert_ptr_nonnull(strstr(s, "192.0.2.192/26 . 198.51.100.0/24 . "
	    "udp . 1024-65535 : \"A-3\""));
	ck_assert_ptr_nonnull(strstr(s, "192.0.2.201 . 198.51.100.0/25 . "
	    "udp . 1000-1023 : \"A-2\""));
	ck_assert_ptr_null(strstr(s, "A-1"));
	ck_assert_ptr_null(strstr(s, "2000"));
	free(txt);
	policy_free(p);
	unlink(path);
}
END_TEST

START_TEST(expiry)
{
	struct policy *p = load("tests/golden/example.conf", GOLDEN_NOW);
	char *before, *after;

	before = render(p, GOLDEN_NOW, NULL);
	ck_assert_ptr_nonnull(strstr(before, "counter F-002 {"));
	/* 2027-03-31 lasts through that local day; the timeout says so */
	ck_assert_ptr_nonnull(strstr(before, "3389 timeout "));
	/* F-002 is host to host, one port: a hash map, with timeouts */
	ck_assert_ptr_nonnull(strstr(before, "flags timeout\n"));
	after = render(p, AFTER_EXPIRY, NULL);
	ck_assert_ptr_null(strstr(after, "F-002"));
	ck_assert_ptr_null(strstr(after, "3389"));
	ck_assert_ptr_null(strstr(after, "timeout"));
	ck_assert_ptr_nonnull(strstr(after, "counter F-001 {"));
	free(before);
	free(after);
	policy_free(p);
}
END_TEST

START_TEST(isolation)
{
	struct policy *p = load("tests/golden/example.conf", GOLDEN_NOW);
	bool *iso = calloc(p->nzones, sizeof(*iso));
	char *plain, *txt, *s;
	size_t i;

	ck_assert_ptr_nonnull(iso);
	for (i = 0; i < p->nzones; i++)
		if (strcmp(p->zones[i].name, "lgwan") == 0)
			iso[i] = true;
	plain = render(p, GOLDEN_NOW, NULL);
	txt = render(p, GOLDEN_NOW, iso);
	ck_assert_ptr_nonnull(s = strstr(plain, "set isolated {"));
	ck_assert_ptr_null(strstr(s, "elements = { \"lg0\" }"));
	ck_assert_ptr_nonnull(s = strstr(txt, "set isolated {"));
	ck_assert_ptr_nonnull(strstr(s, "\t\telements = {\n\t\t\t\"lg0\"\n"));
	ck_assert_ptr_nonnull(strstr(txt, "iifname @isolated drop"));
	ck_assert_ptr_nonnull(strstr(txt, "oifname @isolated drop"));
	free(plain);
	free(txt);
	free(iso);
	policy_free(p);
}
END_TEST

START_TEST(v6_twins)
{
	struct policy *p = load("tests/golden/rich.conf", GOLDEN_NOW);
	char *txt = render(p, GOLDEN_NOW, NULL);

	/* F-023 juki -> noc has v4 and v6 addresses on both sides */
	ck_assert_ptr_nonnull(strstr(txt, "02:00:00:00:10:0a . 192.0.2.10 . "
	    "192.0.2.200 . udp . 514 : \"F-023\""));
	ck_assert_ptr_nonnull(strstr(txt, "02:00:00:00:10:0a . 2001:db8:10::a . "
	    "2001:db8:40::1 . udp . 514 : \"F-023\""));
	ck_assert_ptr_nonnull(strstr(txt, "ip6 daddr . ip6 saddr . meta l4proto "
	    ". th sport map @fr6_mynumber_mgmt accept"));
	/* the destination belongs to the pair's zone, by address */
	ck_assert_ptr_nonnull(strstr(txt, "chain p_lgwan_internet {\n"
	    "\t\tip daddr @others4_internet drop\n"
	    "\t\tip6 daddr @others6_internet drop\n"));
	ck_assert_ptr_nonnull(strstr(txt, "chain p_internet_lgwan {\n"
	    "\t\tip daddr != @net4_lgwan drop\n"
	    "\t\tmeta nfproto ipv6 drop\n"));
	/* the gateway itself: new traffic only through zone interfaces */
	ck_assert_ptr_nonnull(strstr(txt, "ct state established,related accept\n"
	    "\t\tiifname != @zone_ifaces drop\n"));
	/* never a v4 source with a v6 destination */
	ck_assert_ptr_null(strstr(txt, "192.0.2.10 . 2001:"));
	free(txt);
	policy_free(p);
}
END_TEST

START_TEST(nftnl_objects)
{
	static const char *const confs[] = {
		"tests/golden/example.conf", "tests/golden/rich.conf",
		"conf/bunri.conf",
	};
	struct nftc_opts o = { .now = GOLDEN_NOW };
	struct nftc_out out;
	struct nft_ir *ir;
	struct policy *p;
	size_t i;

	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		p = load(confs[i], GOLDEN_NOW);
		ck_assert_ptr_nonnull(ir = nftc_compile(p, &o));
		ck_assert_int_eq(nftc_to_nftnl(ir, &out), 0);
		ck_assert_ptr_nonnull(out.table);
		ck_assert_uint_eq(out.nobjs, ir->ncounters);
		ck_assert_uint_eq(out.nsets, ir->nsets);
		ck_assert_uint_eq(out.nchains, ir->nchains);
		ck_assert_uint_eq(out.nrules, ir->nrules);
		ck_assert_uint_gt(out.nrules, 10);
		nftc_out_free(&out);
		ck_assert_ptr_null(out.table);
		nft_ir_free(ir);
		policy_free(p);
	}
}
END_TEST

static Suite *
nftc_suite(void)
{
	Suite *s = suite_create("nftc");
	TCase *tc = tcase_create("nftc");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, golden_example);
	tcase_add_test(tc, golden_rich);
	tcase_add_test(tc, rule_count_constant);
	tcase_add_test(tc, exact_interval_split);
	tcase_add_test(tc, interval_overlaps);
	tcase_add_test(tc, expiry);
	tcase_add_test(tc, isolation);
	tcase_add_test(tc, v6_twins);
	tcase_add_test(tc, nftnl_objects);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(nftc_suite)
