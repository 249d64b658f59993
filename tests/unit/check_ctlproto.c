/* check_ctlproto.c - unit tests of the control protocol: requests, status lines, dot stuffing, hostile input. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ctlproto.h"

static int
parse(const char *s, struct ctlp_req *r, char *err)
{
	return ctlp_parse_request(s, strlen(s), r, err, 256);
}

START_TEST(test_requests)
{
	struct ctlp_req r;
	char err[256];

	ck_assert_int_eq(parse("v1 status", &r, err), 0);
	ck_assert_int_eq(r.cmd, CTLP_STATUS);
	ck_assert_str_eq(r.arg, "");
	ck_assert_int_eq(parse("v1 flows", &r, err), 0);
	ck_assert_int_eq(r.cmd, CTLP_FLOWS);
	ck_assert_int_eq(parse("v1 reload", &r, err), 0);
	ck_assert_int_eq(r.cmd, CTLP_RELOAD);
	ck_assert_int_eq(parse("v1 isolate lgwan", &r, err), 0);
	ck_assert_int_eq(r.cmd, CTLP_ISOLATE);
	ck_assert_str_eq(r.arg, "lgwan");
	ck_assert_int_eq(parse("v1 restore my-number_2", &r, err), 0);
	ck_assert_int_eq(r.cmd, CTLP_RESTORE);
	ck_assert_str_eq(r.arg, "my-number_2");
	ck_assert(ctlp_cmd_changes(CTLP_RELOAD));
	ck_assert(ctlp_cmd_changes(CTLP_ISOLATE));
	ck_assert(ctlp_cmd_changes(CTLP_RESTORE));
	ck_assert(!ctlp_cmd_changes(CTLP_STATUS));
	ck_assert(!ctlp_cmd_changes(CTLP_FLOWS));
}
END_TEST

static void
bad(const char *s, const char *want)
{
	struct ctlp_req r;
	char err[256];

	err[0] = '\0';
	ck_assert_msg(parse(s, &r, err) == -1, "accepted: \"%s\"", s);
	ck_assert_msg(strstr(err, want) != NULL, "\"%s\": error \"%s\", "
	    "expected it to contain \"%s\"", s, err, want);
}

START_TEST(test_bad_requests)
{
	bad("", "not a v1 request");
	bad("v1", "not a v1 request");
	bad("v2 status", "not a v1 request");
	bad("v1status", "not a v1 request");
	bad("V1 status", "not a v1 request");
	bad("v1 ", "unknown command \"\"");
	bad("v1 stat", "unknown command \"stat\"");
	bad("v1 statuss", "unknown command");
	bad("v1 STATUS", "unknown command");
	bad("v1 status ", "takes no argument");
	bad("v1 status x", "takes no argument");
	bad("v1 reload now", "takes no argument");
	bad("v1  status", "unknown command");
	bad("v1 isolate", "needs a zone name");
	bad("v1 isolate ", "empty zone name");
	bad("v1 isolate a b", "takes one zone name");
	bad("v1 isolate a/b", "character other than");
	bad("v1 isolate a;rm", "character other than");
	bad("v1 status\r", "control or non-ASCII byte at offset 9");
	bad("v1 isolate z\xe3\x81\x82", "non-ASCII");
	bad("v1 isolate "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "too long");
}
END_TEST

START_TEST(test_nul_and_long)
{
	struct ctlp_req r;
	char err[256], *big;
	const char nul[] = "v1 status\0x";

	ck_assert_int_eq(ctlp_parse_request(nul, sizeof(nul) - 1, &r, err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "offset 9") != NULL);
	big = malloc(CTLP_MAX_LINE + 10);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', CTLP_MAX_LINE + 10);
	memcpy(big, "v1 isolate ", 11);
	ck_assert_int_eq(ctlp_parse_request(big, CTLP_MAX_LINE, &r, err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "longer than") != NULL);
	/* A tiny error buffer is never overrun. */
	ck_assert_int_eq(ctlp_parse_request(big, CTLP_MAX_LINE, &r, err, 4), -1);
	ck_assert_uint_le(strlen(err), 3);
	free(big);
}
END_TEST

START_TEST(test_format)
{
	struct ctlp_req r;
	char buf[128], err[128];
	int n;

	n = ctlp_format_request(CTLP_ISOLATE, "lgwan", buf, sizeof(buf), err,
	    sizeof(err));
	ck_assert_int_eq(n, (int)strlen("v1 isolate lgwan\n"));
	ck_assert_str_eq(buf, "v1 isolate lgwan\n");
	/* What the client writes, the server reads back. */
	ck_assert_int_eq(ctlp_parse_request(buf, (size_t)n - 1, &r, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(r.cmd, CTLP_ISOLATE);
	ck_assert_str_eq(r.arg, "lgwan");
	n = ctlp_format_request(CTLP_STATUS, NULL, buf, sizeof(buf), err,
	    sizeof(err));
	ck_assert_str_eq(buf, "v1 status\n");
	ck_assert_int_eq(n, 10);
	ck_assert_int_eq(ctlp_format_request(CTLP_RESTORE, "a b", buf,
	    sizeof(buf), err, sizeof(err)), -1);
	ck_assert_int_eq(ctlp_format_request(CTLP_RESTORE, NULL, buf,
	    sizeof(buf), err, sizeof(err)), -1);
	ck_assert_int_eq(ctlp_format_request(CTLP_STATUS, NULL, buf, 5, err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(test_status_lines)
{
	enum ctlp_status st = CTLP_NSTATUS;

	ck_assert_int_eq(ctlp_parse_status("v1 ok", 5, &st), 0);
	ck_assert_int_eq(st, CTLP_OK);
	ck_assert_int_eq(ctlp_parse_status("v1 invalid", 10, &st), 0);
	ck_assert_int_eq(st, CTLP_INVALID);
	ck_assert_int_eq(ctlp_parse_status("v1 refused", 10, &st), 0);
	ck_assert_int_eq(st, CTLP_REFUSED);
	ck_assert_int_eq(ctlp_parse_status("v1 failed", 9, &st), 0);
	ck_assert_int_eq(st, CTLP_FAILED);
	ck_assert_int_eq(ctlp_parse_status("v1 okay", 7, &st), -1);
	ck_assert_int_eq(ctlp_parse_status("v1 o", 4, &st), -1);
	ck_assert_int_eq(ctlp_parse_status("v2 ok", 5, &st), -1);
	ck_assert_int_eq(ctlp_parse_status("", 0, &st), -1);
	ck_assert_str_eq(ctlp_status_name(CTLP_REFUSED), "refused");
	ck_assert_ptr_null(ctlp_status_name(CTLP_NSTATUS));
}
END_TEST

START_TEST(test_stuffing)
{
	const char *t = NULL;

	ck_assert_int_eq(ctlp_body_line(".", &t), 0);
	ck_assert_int_eq(ctlp_body_line("..", &t), 1);
	ck_assert_str_eq(t, ".");
	ck_assert_int_eq(ctlp_body_line("..x", &t), 1);
	ck_assert_str_eq(t, ".x");
	ck_assert_int_eq(ctlp_body_line("zones:", &t), 1);
	ck_assert_str_eq(t, "zones:");
	ck_assert_int_eq(ctlp_body_line("", &t), 1);
	ck_assert_str_eq(t, "");
	ck_assert(ctlp_needs_stuffing("."));
	ck_assert(ctlp_needs_stuffing(".x"));
	ck_assert(!ctlp_needs_stuffing("x."));
	ck_assert(!ctlp_needs_stuffing(""));
}
END_TEST

/* Random bytes never crash the parser and never yield an unknown command. */
START_TEST(test_random)
{
	struct ctlp_req r;
	char buf[64], err[64];
	unsigned seed = 12345, i, j, len;

	for (i = 0; i < 200000; i++) {
		len = (seed = seed * 1103515245 + 12345) % sizeof(buf);
		memcpy(buf, "v1 isolate ", 11);
		for (j = (i & 1) ? 0 : 3; j < len; j++)
			buf[j] = (char)((seed = seed * 1103515245 + 12345) >>
			    ((i & 2) ? 16 : 24));
		if (ctlp_parse_request(buf, len, &r, err, sizeof(err)) == 0) {
			ck_assert_int_lt(r.cmd, CTLP_NCMDS);
			ck_assert_uint_le(strlen(r.arg), CTLP_MAX_ARG);
		}
	}
}
END_TEST

static Suite *
ctlproto_suite(void)
{
	Suite *s = suite_create("ctlproto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_requests);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_nul_and_long);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_status_lines);
	tcase_add_test(tc, test_stuffing);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(ctlproto_suite)
