/* check_hex.c - hex digits of either case, encode/decode round trips, malformed input refused. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "hex.h"

START_TEST(test_digit)
{
	static const char lower[] = "0123456789abcdef", upper[] = "ABCDEF";
	int c, want;

	for (c = -128; c < 256; c++) {
		want = -1;
		if (c > 0 && strchr(lower, c) != NULL)
			want = (int)(strchr(lower, c) - lower);
		else if (c > 0 && strchr(upper, c) != NULL)
			want = 10 + (int)(strchr(upper, c) - upper);
		ck_assert_msg(hex_digit(c) == want, "hex_digit(%d) = %d, want %d",
		    c, hex_digit(c), want);
	}
}
END_TEST

START_TEST(test_round_trip)
{
	uint8_t b[256], o[256];
	char h[513];
	size_t i;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(255 - i);
	hex_encode(b, sizeof(b), h);
	ck_assert_uint_eq(strlen(h), 512);
	ck_assert(strncmp(h, "fffefd", 6) == 0);
	ck_assert_str_eq(h + 506, "020100");
	memset(o, 0xaa, sizeof(o));
	ck_assert_int_eq(hex_decode(h, 512, o, sizeof(o)), 0);
	ck_assert_mem_eq(o, b, sizeof(b));
	hex_encode(b, 0, h);
	ck_assert_str_eq(h, "");
}
END_TEST

START_TEST(test_decode_refuses)
{
	uint8_t o[2] = { 0x11, 0x22 };

	ck_assert_int_eq(hex_decode("aB0f", 4, o, 2), 0);
	ck_assert_uint_eq(o[0], 0xab);
	ck_assert_uint_eq(o[1], 0x0f);
	ck_assert_int_eq(hex_decode("ab0", 3, o, 2), -1);
	ck_assert_int_eq(hex_decode("ab0f0", 5, o, 2), -1);
	ck_assert_int_eq(hex_decode("ab0g", 4, o, 2), -1);
	ck_assert_int_eq(hex_decode("-b0f", 4, o, 2), -1);
	ck_assert_int_eq(hex_decode("ab\0f", 4, o, 2), -1);
	ck_assert_int_eq(hex_decode("0x0f", 4, o, 2), -1);
}
END_TEST

static Suite *
hex_suite(void)
{
	Suite *s = suite_create("hex");
	TCase *tc = tcase_create("hex");

	tcase_add_test(tc, test_digit);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_decode_refuses);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(hex_suite)
