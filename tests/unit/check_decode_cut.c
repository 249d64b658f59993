/* check_decode_cut.c - the decoder on frames cut at every byte and on random damage: never a read past the capture. */
#include <sys/socket.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "check_main.h"
#include "decode_fixture.h"

/*
 * Every cut of a full frame: captured cut bytes of a frame that was
 * longer on the wire must be TRUNCATED before `need` bytes and decode
 * like the whole frame from there on; a frame that really was cut bytes
 * long lies in its lengths (MALFORMED).  The exact-size copies let ASan
 * prove no byte past the cut is read.
 */
static void
cut_everywhere(const struct frame *f, size_t need)
{
	struct pkt	 whole, p;
	size_t		 cut;
	int		 rc;

	ck_assert_int_eq(dec_all(DLT_BUNRI_EN10MB, f, &whole), DEC_OK);
	for (cut = 0; cut <= f->n; cut++) {
		rc = dec(DLT_BUNRI_EN10MB, f, cut, (uint32_t)f->n, &p);
		if (cut < need) {
			ck_assert_msg(rc == DEC_TRUNCATED, "cut %zu: rc %d",
			    cut, rc);
			continue;
		}
		ck_assert_msg(rc == DEC_OK, "cut %zu: rc %d", cut, rc);
		ck_assert_int_eq(p.has_ports, whole.has_ports);
		ck_assert_int_eq(p.sport, whole.sport);
		ck_assert_int_eq(p.dport, whole.dport);
		ck_assert_int_eq(p.nd_has_lladdr, whole.nd_has_lladdr);
		ck_assert_int_eq(p.l4_off, whole.l4_off);
		ck_assert_int_eq(p.caplen, cut);
	}
	for (cut = 0; cut < f->n; cut++) {
		rc = dec(DLT_BUNRI_EN10MB, f, cut, (uint32_t)cut, &p);
		ck_assert_msg(rc == DEC_MALFORMED, "short %zu: rc %d", cut, rc);
	}
}


START_TEST(truncation_ip4_tcp)
{
	struct frame	 f;

	build_eth_ip4_tcp(&f);
	cut_everywhere(&f, 14 + 28 + 20);
}
END_TEST

START_TEST(truncation_ip6_ext_tcp)
{
	struct frame	 f;

	build_eth_ip6_ext_tcp(&f);
	cut_everywhere(&f, EXT_L4_OFF + 20);
}
END_TEST

START_TEST(truncation_nd)
{
	struct frame	 f;

	build_eth_ns(&f);
	cut_everywhere(&f, f.n);
}
END_TEST

/*
 * Random bytes behind valid-looking headers, every link type: whatever
 * comes out, nothing is read past the copy (ASan) and the result is one
 * of the five.  A fixed seed keeps it repeatable.
 */

START_TEST(random_frames)
{
	static const int lts[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276 };
	struct frame	 f, base[3];
	struct pkt	 p;
	uint32_t	 x = 12345;
	size_t		 i, j, len;
	int		 rc;

	build_eth_ip4_tcp(&base[0]);
	build_eth_ip6_ext_tcp(&base[1]);
	build_eth_ns(&base[2]);
	for (i = 0; i < 20000; i++) {
		f = base[i % 3];
		len = f.n;
		/* Flip a few bytes past the Ethernet header. */
		for (j = 0; j < 4; j++) {
			x = x * 1103515245 + 12345;
			f.b[14 + (x >> 8) % (len - 14)] = (uint8_t)(x >> 20);
		}
		x = x * 1103515245 + 12345;
		len = (x >> 8) % (len + 1);
		rc = dec(lts[i % 10], &f, len, (uint32_t)f.n, &p);
		ck_assert(rc >= DEC_OK && rc <= DEC_UNSUPPORTED_LINK);
		if (p.has_ports)
			ck_assert(p.l4_off + 4 <= len);
	}
}
END_TEST

static Suite *
decode_cut_suite(void)
{
	Suite	*s = suite_create("decode_cut");
	TCase	*tc = tcase_create("decode_cut");

	tcase_add_test(tc, truncation_ip4_tcp);
	tcase_add_test(tc, truncation_ip6_ext_tcp);
	tcase_add_test(tc, truncation_nd);
	tcase_add_test(tc, random_frames);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decode_cut_suite)
