/* check_json.c - the JSON writer's escaping and commas, and the strict validator. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "json.h"

/* One string member {"s":VAL} written from len bytes; the text. */
static const char *
enc(struct jbuf *jb, const char *val, size_t len)
{
	json_reset(jb);
	json_open(jb, NULL);
	json_strn(jb, "s", val, len);
	json_close(jb);
	ck_assert_int_eq(json_finish(jb), 0);
	ck_assert_int_eq(json_validate(jb->buf, jb->len, NULL, NULL, NULL,
	    NULL), 0);
	return jb->buf;
}

START_TEST(test_members)
{
	struct jbuf jb;

	json_init(&jb);
	json_open(&jb, NULL);
	json_str(&jb, "a", "x");
	json_int(&jb, "b", -5);
	json_uint(&jb, "c", UINT64_MAX);
	json_open(&jb, "d");
	json_open(&jb, "e");
	json_close(&jb);
	json_bool(&jb, "f", true);
	json_close(&jb);
	json_bool(&jb, "g", false);
	json_int(&jb, "h", INT64_MIN);
	json_close(&jb);
	ck_assert_int_eq(json_finish(&jb), 0);
	ck_assert_str_eq(jb.buf, "{\"a\":\"x\",\"b\":-5,\"c\":18446744073709551615,"
	    "\"d\":{\"e\":{},\"f\":true},\"g\":false,"
	    "\"h\":-9223372036854775808}");
	ck_assert_uint_eq(jb.len, strlen(jb.buf));
	json_free(&jb);
}
END_TEST

START_TEST(test_escape)
{
	struct jbuf jb;

	json_init(&jb);
	ck_assert_str_eq(enc(&jb, "a\"b\\c/", 6), "{\"s\":\"a\\\"b\\\\c/\"}");
	ck_assert_str_eq(enc(&jb, "\n\t\x01\x1f\x7f", 5),
	    "{\"s\":\"\\u000a\\u0009\\u0001\\u001f\\u007f\"}");
	/* an embedded NUL is a control character too */
	ck_assert_str_eq(enc(&jb, "a\0b", 3), "{\"s\":\"a\\u0000b\"}");
	/* valid UTF-8 passes as is: 分離 (3 bytes each), U+1F600 (4) */
	ck_assert_str_eq(enc(&jb, "\xe5\x88\x86\xe9\x9b\xa2", 6),
	    "{\"s\":\"\xe5\x88\x86\xe9\x9b\xa2\"}");
	ck_assert_str_eq(enc(&jb, "\xf0\x9f\x98\x80", 4),
	    "{\"s\":\"\xf0\x9f\x98\x80\"}");
	ck_assert_str_eq(enc(&jb, NULL, 0), "{\"s\":\"\"}");
	json_free(&jb);
}
END_TEST

/* Every invalid sequence is replaced, byte by byte, never copied raw. */
START_TEST(test_bad_utf8)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} t[] = {
		{ "\xff", 1, "\\ufffd" },
		{ "a\x80z", 3, "a\\ufffdz" },		/* lone continuation */
		{ "\xc0\xaf", 2, "\\ufffd\\ufffd" },	/* overlong '/' */
		{ "\xc1\xbf", 2, "\\ufffd\\ufffd" },
		{ "\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd" }, /* overlong */
		{ "\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd" },
		{ "\xf5\x80", 2, "\\ufffd\\ufffd" },
		{ "\xe5\x88", 2, "\\ufffd\\ufffd" },	/* cut short at the end */
		{ "\xe5\x88z", 3, "\\ufffd\\ufffdz" },	/* cut short inside */
		{ "\xc3\xa9\xff\xc3\xa9", 5, "\xc3\xa9\\ufffd\xc3\xa9" },
	};
	struct jbuf jb;
	char want[128];
	size_t i;

	json_init(&jb);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(want, sizeof(want), "{\"s\":\"%s\"}", t[i].out);
		ck_assert_msg(strcmp(enc(&jb, t[i].in, t[i].len), want) == 0,
		    "case %zu: %s", i, jb.buf);
	}
	json_free(&jb);
}
END_TEST

START_TEST(test_errors_sticky)
{
	struct jbuf jb;
	int i;

	json_init(&jb);
	json_close(&jb);		/* close without open */
	ck_assert_int_eq(json_finish(&jb), -1);
	json_open(&jb, NULL);
	json_str(&jb, "a", "b");
	ck_assert_int_eq(json_finish(&jb), -1);
	json_reset(&jb);
	json_open(&jb, NULL);
	ck_assert_int_eq(json_finish(&jb), -1);	/* not closed */
	json_reset(&jb);
	for (i = 0; i < JSON_MAXDEPTH + 2; i++)
		json_open(&jb, "x");
	for (i = 0; i < JSON_MAXDEPTH + 2; i++)
		json_close(&jb);
	ck_assert_int_eq(json_finish(&jb), -1);	/* too deep */
	json_reset(&jb);
	json_open(&jb, NULL);
	json_close(&jb);
	ck_assert_int_eq(json_finish(&jb), 0);
	ck_assert_str_eq(jb.buf, "{}");
	json_free(&jb);
}
END_TEST

/* A long string forces several reallocations. */
START_TEST(test_grow)
{
	static char big[100000];
	struct jbuf jb;

	memset(big, 'q', sizeof(big) - 1);
	json_init(&jb);
	enc(&jb, big, sizeof(big) - 1);
	ck_assert_uint_eq(jb.len, sizeof(big) - 1 + 8);
	json_free(&jb);
}
END_TEST

static int
v(const char *s)
{
	return json_validate(s, strlen(s), NULL, NULL, NULL, NULL);
}

START_TEST(test_validate)
{
	static const char *good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"\\u00e9\\n\"", " {\"a\" : [1, true,"
		" null, {\"b\":\"c\"}] } ", "\"\xe5\x88\x86\"", "1E5",
	};
	static const char *bad[] = {
		"", "{", "}", "{\"a\":1,}", "[1,]", "{\"a\"}", "{a:1}", "01",
		"1.", "-", "+1", ".5", "1e", "tru", "nul", "\"abc", "\"\x01\"",
		"\"\\x\"", "\"\\u12g4\"", "\"\xff\"", "{} {}", "{\"a\":1}x",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(v(good[i]) == 0, "good %zu: %s", i, good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(v(bad[i]) == -1, "bad %zu: %s", i, bad[i]);
	/* NUL inside the text */
	ck_assert_int_eq(json_validate("{\"a\":1}\0", 8, NULL, NULL, NULL,
	    NULL), -1);
	ck_assert_int_eq(json_validate("\"a\0b\"", 5, NULL, NULL, NULL,
	    NULL), -1);
}
END_TEST

START_TEST(test_probe)
{
	const char *s = "{\"x\":{\"seq\":9},\"bunri\":{\"a\":[{\"seq\":8}],"
	    "\"seq\":42,\"b\":1},\"seq\":7}";
	uint64_t val = 0;
	bool found = false;

	ck_assert_int_eq(json_validate(s, strlen(s), "bunri", "seq", &val,
	    &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(val, 42);
	ck_assert_int_eq(json_validate(s, strlen(s), "seq", NULL, &val,
	    &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(val, 7);
	s = "{\"bunri\":{\"seq\":-1}}";
	ck_assert_int_eq(json_validate(s, strlen(s), "bunri", "seq", &val,
	    &found), 0);
	ck_assert(!found);
	s = "{\"bunri\":{\"seq\":1.5}}";
	ck_assert_int_eq(json_validate(s, strlen(s), "bunri", "seq", &val,
	    &found), 0);
	ck_assert(!found);
	s = "{\"bunri\":{\"seq\":99999999999999999999}}";	/* > 2^64 */
	ck_assert_int_eq(json_validate(s, strlen(s), "bunri", "seq", &val,
	    &found), 0);
	ck_assert(!found);
	s = "{\"bunri\":{\"seq\":18446744073709551615}}";
	ck_assert_int_eq(json_validate(s, strlen(s), "bunri", "seq", &val,
	    &found), 0);
	ck_assert(found);
	ck_assert_uint_eq(val, UINT64_MAX);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_members);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_bad_utf8);
	tcase_add_test(tc, test_errors_sticky);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_probe);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(json_suite)
