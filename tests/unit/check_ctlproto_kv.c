/* check_ctlproto_kv.c - unit tests of the text arguments of apply and allow: KEY=VALUE words, percent-encoding, hostile input. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ctlproto.h"

START_TEST(test_round_trip)
{
	char buf[512] = "", tab[32] = "", out[256], req[CTLP_MAX_LINE], err[128];
	struct ctlp_req r;
	int n;

	ck_assert_int_eq(ctlp_kv_append(buf, sizeof(buf), "from", "lgwan:lg-b"), 0);
	/* encoded, but a control byte is refused when decoded */
	ck_assert_int_eq(ctlp_kv_append(tab, sizeof(tab), "r", "a\tb"), 0);
	ck_assert_str_eq(tab, "r=a%09b");
	ck_assert_int_eq(ctlp_kv_get(tab, "r", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_append(buf, sizeof(buf), "reason",
	    "障害対応: 100% up"), 0);
	ck_assert_int_eq(ctlp_kv_append(buf, sizeof(buf), "path", "/etc/bunri/a b.conf"), 0);
	ck_assert_ptr_null(strchr(strchr(buf, ' ') + 1, '\x01'));
	n = ctlp_format_request(CTLP_ALLOW, buf, req, sizeof(req), err, sizeof(err));
	ck_assert_int_gt(n, 0);
	req[n - 1] = '\0';
	ck_assert_int_eq(ctlp_parse_request(req, (size_t)n - 1, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.cmd, CTLP_ALLOW);
	ck_assert_int_eq(ctlp_kv_get(r.text, "from", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "lgwan:lg-b");
	ck_assert_int_eq(ctlp_kv_get(r.text, "reason", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "障害対応: 100% up");
	ck_assert_int_eq(ctlp_kv_get(r.text, "path", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "/etc/bunri/a b.conf");
	ck_assert_int_eq(ctlp_kv_get(r.text, "to", out, sizeof(out)), 0);
	/* a key is a whole word: "rea" is not "reason" */
	ck_assert_int_eq(ctlp_kv_get(r.text, "rea", out, sizeof(out)), 0);
	ck_assert_int_eq(ctlp_kv_get(r.text, "reason", out, 4), -1);
}
END_TEST

START_TEST(test_hostile)
{
	char out[64], buf[16] = "", req[128], err[128];
	struct ctlp_req r;

	ck_assert_int_eq(ctlp_kv_get("a=%", "a", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_get("a=%4", "a", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_get("a=%zz", "a", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_get("a=%00", "a", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_get("a=%0a", "a", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_get("a=%7f", "a", out, sizeof(out)), -1);
	ck_assert_int_eq(ctlp_kv_get("a=x b=%41", "b", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "A");
	ck_assert_int_eq(ctlp_kv_get("a=", "a", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(ctlp_kv_get("", "a", out, sizeof(out)), 0);
	ck_assert_int_eq(ctlp_kv_get("  a=1", "a", out, sizeof(out)), 1);
	/* a word that does not fit leaves buf as it was */
	ck_assert_int_eq(ctlp_kv_append(buf, sizeof(buf), "k", "v"), 0);
	ck_assert_int_eq(ctlp_kv_append(buf, sizeof(buf), "key", "a long value"), -1);
	ck_assert_str_eq(buf, "k=v");
	/* text commands need their text; others take none */
	ck_assert_int_eq(ctlp_parse_request("v1 apply", 8, &r, err, sizeof(err)), -1);
	ck_assert_int_eq(ctlp_parse_request("v1 apply ", 9, &r, err, sizeof(err)), -1);
	ck_assert_int_eq(ctlp_parse_request("v1 confirm", 10, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.cmd, CTLP_CONFIRM);
	ck_assert_int_eq(ctlp_parse_request("v1 confirm x", 12, &r, err, sizeof(err)), -1);
	ck_assert_int_eq(ctlp_format_request(CTLP_APPLY, "", req, sizeof(req), err, sizeof(err)), -1);
	ck_assert_int_eq(ctlp_format_request(CTLP_APPLY, "p=\n", req, sizeof(req), err, sizeof(err)), -1);
	ck_assert(ctlp_cmd_changes(CTLP_APPLY) && ctlp_cmd_changes(CTLP_CONFIRM) &&
	    ctlp_cmd_changes(CTLP_ALLOW));
	ck_assert(!ctlp_cmd_has_text(CTLP_CONFIRM) && ctlp_cmd_has_text(CTLP_ALLOW));
}
END_TEST

static Suite *
ctlproto_kv_suite(void)
{
	Suite *s = suite_create("ctlproto_kv");
	TCase *tc = tcase_create("kv");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(ctlproto_kv_suite)
