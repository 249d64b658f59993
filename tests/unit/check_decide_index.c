/* check_decide_index.c - the decision index against the scan on a generated policy of 3000 flows. */
#include "check_main.h"
#include "decide_fixture.h"

/*
 * A generated policy of many hosts and flows of every endpoint shape:
 * the index must give exactly the answers of the scan.
 */
#define GEN_HOSTS	300
#define GEN_FLOWS	3000

static unsigned long rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static void
gen_endpoint(char *buf, size_t len, const char *zone, char side, unsigned h,
    bool whole)
{
	switch (rnd(40)) {
	case 0:
		if (whole) {	/* sources only: one zone-to-zone flow would match all */
			snprintf(buf, len, "%s", zone);
			break;
		}
		/* FALLTHROUGH */
	case 1:
	case 2:
		snprintf(buf, len, "%s:2001:db8:%s::%x0/124", zone,
		    side == 'l' ? "20" : "99", rnd(19));
		break;
	case 3:
	case 4:
		snprintf(buf, len, "%s:2001:db8:%s::%x", zone,
		    side == 'l' ? "20" : "99", h + 1);
		break;
	default:
		snprintf(buf, len, "%s:%c%u", zone, side, h);
		break;
	}
}

/* The hosts and direction of each generated flow, to aim queries at. */
static unsigned gen_a[GEN_FLOWS], gen_b[GEN_FLOWS], gen_out[GEN_FLOWS];

static char *
gen_policy(void)
{
	size_t cap = 4u << 20, off = 0;
	char *t = malloc(cap), from[96], to[96];
	unsigned i, a, b, lo;

	ck_assert_ptr_nonnull(t);
#define OUT(...) do { off += (size_t)snprintf(t + off, cap - off, __VA_ARGS__); \
	ck_assert_uint_lt(off, cap); } while (0)
	OUT("version = 1;\ngateway = { name = \"g\"; };\nzones = (\n");
	OUT(" { name = \"lgwan\"; kind = \"lgwan\"; interfaces = [ \"lg0\" ];\n"
	    "   networks = [ \"2001:db8:20::/64\" ]; unknown_hosts = \"alert\"; hosts = (\n");
	for (i = 0; i < GEN_HOSTS; i++)
		OUT("  { name = \"l%u\"; mac = \"02:00:00:01:%02x:%02x\"; "
		    "addresses = [ \"2001:db8:20::%x\" ]; }%s\n", i, i >> 8, i & 0xff,
		    i + 1, i + 1 < GEN_HOSTS ? "," : "");
	OUT(" ); },\n { name = \"internet\"; kind = \"internet\"; interfaces = [ \"in0\" ];\n"
	    "   networks = [ \"::/0\" ]; hosts = (\n");
	for (i = 0; i < GEN_HOSTS; i++)
		OUT("  { name = \"i%u\"; addresses = [ \"2001:db8:99::%x\" ]; }%s\n", i,
		    i + 1, i + 1 < GEN_HOSTS ? "," : "");
	OUT(" ); }\n);\nflows = (\n");
	for (i = 0; i < GEN_FLOWS; i++) {
		a = gen_a[i] = rnd(GEN_HOSTS);
		b = gen_b[i] = rnd(GEN_HOSTS);
		if ((gen_out[i] = rnd(2))) {
			gen_endpoint(from, sizeof(from), "lgwan", 'l', a, true);
			gen_endpoint(to, sizeof(to), "internet", 'i', b, false);
		} else {
			gen_endpoint(from, sizeof(from), "internet", 'i', b, true);
			gen_endpoint(to, sizeof(to), "lgwan", 'l', a, false);
		}
		lo = 1 + rnd(20);
		OUT(" { id = \"G-%u\"; from = \"%s\"; to = \"%s\"; proto = \"%s\";"
		    " ports = ( %u, \"%u-%u\" ); sanitize = \"screen-transfer\";"
		    " reason = \"r\"; approval = \"a\";%s }%s\n", i, from, to,
		    rnd(4) == 0 ? "udp" : "tcp", lo, lo + 2, lo + 4,
		    rnd(5) == 0 ? " expires = \"2027-01-01\";" : "",
		    i + 1 < GEN_FLOWS ? "," : "");
	}
	OUT(");\n");
#undef OUT
	return t;
}

START_TEST(index_equals_scan)
{
	struct policy *saved = P, *p;
	struct decide_index *saved_idx = Pidx;
	struct diags dg;
	struct q q;
	char *text = gen_policy(), src[64], dst[64], mac[MAC_STRLEN];
	unsigned i, a, b, f, nallowed = 0, nreason[VR_EXPIRED + 1] = { 0 };
	struct decision d;

	diags_init(&dg);
	p = conf_load_string(text, strlen(text), "gen.conf", NOW, &dg);
	if (p == NULL)
		diags_print(&dg, stderr);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(decide_index(p), 0);
	P = p;
	Pidx = p->didx;
	p->didx = NULL;
	for (i = 0; i < 6000; i++) {
		/* near a flow: its hosts, or one of them moved */
		f = rnd(GEN_FLOWS);
		a = rnd(3) == 0 ? rnd(GEN_HOSTS + 5) : gen_a[f];	/* a few unregistered */
		b = rnd(3) == 0 ? rnd(GEN_HOSTS + 5) : gen_b[f];
		memset(&q, 0, sizeof(q));
		snprintf(mac, sizeof(mac), "02:00:00:01:%02x:%02x", (a >> 8) & 0xff,
		    a & 0xff);
		if (rnd(4) == 0 ? rnd(2) : gen_out[f]) {
			q.iface = "lg0";
			snprintf(src, sizeof(src), "2001:db8:20::%x", a + 1);
			snprintf(dst, sizeof(dst), "2001:db8:99::%x", b + 1);
			q.mac = rnd(10) == 0 ? MAC_ROUTER : mac;
		} else {
			q.iface = "in0";
			snprintf(src, sizeof(src), "2001:db8:99::%x", b + 1);
			snprintf(dst, sizeof(dst), "2001:db8:20::%x", a + 1);
			q.mac = MAC_ROUTER;
		}
		q.src = src;
		q.dst = dst;
		q.proto = rnd(4) == 0 ? PROTO_UDP : PROTO_TCP;
		q.port = 1 + rnd(26);
		d = dec_at(&q, NULL, rnd(2) ? BEFORE_EXP : NOW);
		nallowed += d.allowed;
		nreason[d.reason]++;
	}
	/* the generator must exercise the interesting answers */
	ck_assert_uint_gt(nallowed, 50);
	ck_assert_uint_gt(nreason[VR_WRONG_PORT], 50);
	ck_assert_uint_gt(nreason[VR_WRONG_HOST], 50);
	ck_assert_uint_gt(nreason[VR_WRONG_PROTO], 5);
	ck_assert_uint_gt(nreason[VR_EXPIRED], 5);
	p->didx = Pidx;
	policy_free(p);
	P = saved;
	Pidx = saved_idx;
	diags_free(&dg);
	free(text);
}
END_TEST

static Suite *
decide_index_suite(void)
{
	Suite *s = suite_create("decide_index");
	TCase *tc = tcase_create("decide_index");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, index_equals_scan);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decide_index_suite)
