/* util: time parsing and formatting, civil days, UTF-8, CVE extraction,
 * buffers, string vectors, arenas, files. Expected epoch values were
 * computed with `date -u -d ... +%s`, not with this code. */
#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_time_parse(void **state)
{
	static const struct { const char *s; int64_t t; } ok[] = {
		{ "2026-11-27", 1795737600 },
		{ "2026-11-27T00:00:00Z", 1795737600 },
		{ "  2026-11-27  ", 1795737600 },
		{ "2026-11-27T08:00", 1795766400 },
		{ "2026-11-27 08:00:00", 1795766400 },
		{ "2026-11-27t08:00:00z", 1795766400 },
		{ "2026-11-27T10:00:00+02:00", 1795766400 },
		{ "2026-11-27T10:00:00+0200", 1795766400 },
		{ "2026-11-27T02:30:00-05:30", 1795766400 },
		{ "2026-11-27T08:00:00.123456Z", 1795766400 },
		{ "2026-11-27T08:00:00,5Z", 1795766400 },
		{ "2024-02-29T23:59:59Z", 1709251199 },
		{ "2000-03-01", 951868800 },
		{ "1900-01-01", -2208988800LL },
		{ "2038-01-19T03:14:08Z", 2147483648LL },
		{ "1999-12-31T23:59:60Z", 946684800 }, /* leap second: next second */
	};
	static const char *const bad[] = {
		"", "2026", "2026-11", "26-11-27", "2026/11/27", "2026-1-27",
		"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
		"2026-11-00", "2026-11-27T24:00", "2026-11-27T10:60", "2026-11-27T10:00:61",
		"2026-11-27T10", "2026-11-27T10:00:00.Z", "2026-11-27T10:00:00+2",
		"2026-11-27T10:00:00+24:00", "2026-11-27T10:00:00+02:60",
		"2026-11-27x", "2026-11-27T10:00:00Z junk", "x2026-11-27",
		"2026-11-27T1a:00",
	};
	int64_t t;
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		t = 0;
		if (vigie_time_parse(&t, ok[i].s, 0) != 0 || t != ok[i].t)
			fail_msg("'%s': got %lld, expected %lld", ok[i].s, (long long)t,
				 (long long)ok[i].t);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vigie_time_parse(&t, bad[i], 0) != VIGIE_EPARSE)
			fail_msg("'%s' accepted", bad[i]);
	/* local = 1 in UTC is UTC; an explicit zone ignores local. */
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(vigie_time_parse(&t, "2026-11-27T08:00:00", 1), 0);
	assert_int_equal(t, 1795766400);
	setenv("TZ", "UTC-2", 1); /* POSIX: two hours east of UTC */
	tzset();
	assert_int_equal(vigie_time_parse(&t, "2026-11-27T10:00:00", 1), 0);
	assert_int_equal(t, 1795766400);
	assert_int_equal(vigie_time_parse(&t, "2026-11-27T08:00:00Z", 1), 0);
	assert_int_equal(t, 1795766400);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_time_rfc822(void **state)
{
	static const struct { const char *s; int64_t t; } ok[] = {
		{ "Sun, 28 Sep 2025 07:33:01 GMT", 1759044781 },
		{ "Sun, 28 Sep 2025 07:33:01 UTC", 1759044781 },
		{ "Sun, 28 Sep 2025 07:33:01 +0000", 1759044781 },
		{ "28 Sep 2025 07:33:01 GMT", 1759044781 },
		{ "Sun, 28 sep 2025 09:33:01 +0200", 1759044781 },
		{ "Sun, 28 Sep 2025 00:03:01 -0730", 1759044781 },
		{ "Sun, 28 Sep 2025 03:33:01 EDT", 1759044781 },
		{ "Sun, 28 Sep 2025 00:33:01 PDT", 1759044781 },
		{ "Sun, 28 Sep 25 07:33:01 GMT", 1759044781 },
		{ "Sun, 28 Sep 2025 14:33 GMT", 1759069980 },
		{ "  Sun,28 Sep 2025 07:33:01", 1759044781 },
		/* short and colon zones, named zones, a trailing comment
		 * (values from `date -u -d "2025-09-28 09:33:01 +02" +%s`) */
		{ "Sun, 28 Sep 2025 09:33:01 +02", 1759044781 },
		{ "Sun, 28 Sep 2025 09:33:01 +02:00", 1759044781 },
		{ "Sun, 28 Sep 2025 09:33:01 -0530", 1759071781 },
		{ "Sun, 28 Sep 2025 09:33:01 -05:30", 1759071781 },
		{ "Sun, 28 Sep 2025 09:33:01 -03", 1759062781 },
		{ "Sun, 28 Sep 2025 09:33:01 +0200 (CEST)", 1759044781 },
		{ "Sun, 28 Sep 2025 07:33:01 UT", 1759044781 },
		{ "Sun, 28 Sep 2025 07:33:01 Z", 1759044781 },
		{ "Sun, 28 Sep 2025 07:33:01 gmt", 1759044781 },
		{ "Sun, 28 Sep 2025 02:33:01 EST", 1759044781 },
		{ "Sun, 28 Sep 2025 01:33:01 CST", 1759044781 },
		{ "Sun, 28 Sep 2025 01:33:01 MDT", 1759044781 },
		{ "Sun, 28 Sep 2025 07:33:01 -0000", 1759044781 },
	};
	static const char *const bad[] = {
		"", "Sun, 28 Sep", "Sun, 28 Xyz 2025 07:33:01 GMT",
		"Sun, 31 Sep 2025 07:33:01 GMT", "Sun, 29 Feb 2025 07:33:01 GMT",
		"Sun, 0 Sep 2025 07:33:01 GMT", "Sun, 28 Sep 2025 24:00:00 GMT",
		"Sun, 28 Sep 2025 07:60:00 GMT", "2025-09-28T07:33:01Z",
		/* zones that used to become offset 0 silently */
		"Sun, 28 Sep 2025 07:33:01 +2", "Sun, 28 Sep 2025 07:33:01 +020",
		"Sun, 28 Sep 2025 07:33:01 +02000", "Sun, 28 Sep 2025 07:33:01 +0a00",
		"Sun, 28 Sep 2025 07:33:01 +xx", "Sun, 28 Sep 2025 07:33:01 +2400",
		"Sun, 28 Sep 2025 07:33:01 +0260", "Sun, 28 Sep 2025 07:33:01 +02:0",
		"Sun, 28 Sep 2025 07:33:01 CEST", "Sun, 28 Sep 2025 07:33:01 GMTX",
		"Sun, 28 Sep 2025 07:33:01 GMT junk", "Sun, 28 Sep 2025 07:33:01 +0000 (x",
		"Sun, 28 Sep 2025 07:33:01 +", "Sun, 28 Sep 2025 07:-3:01 GMT",
	};
	int64_t t;
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		t = 0;
		if (vigie_time_parse_rfc822(&t, ok[i].s) != 0 || t != ok[i].t)
			fail_msg("'%s': got %lld, expected %lld", ok[i].s, (long long)t,
				 (long long)ok[i].t);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vigie_time_parse_rfc822(&t, bad[i]) == 0)
			fail_msg("'%s' accepted as %lld", bad[i], (long long)t);
}

static void test_time_format(void **state)
{
	char buf[32];
	(void)state;
	assert_string_equal(vigie_time_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	assert_string_equal(vigie_time_format(-1, buf, sizeof(buf)), "1969-12-31T23:59:59Z");
	assert_string_equal(vigie_time_format(1795793400, buf, sizeof(buf)),
			    "2026-11-27T15:30:00Z");
	assert_string_equal(vigie_time_format(-2208988800LL, buf, sizeof(buf)),
			    "1900-01-01T00:00:00Z");
	assert_string_equal(vigie_date_format(1709251199, buf, sizeof(buf)), "2024-02-29");
	assert_string_equal(vigie_date_format(-86400, buf, sizeof(buf)), "1969-12-31");
	assert_string_equal(vigie_date_format(-86401, buf, sizeof(buf)), "1969-12-30");
	assert_string_equal(vigie_date_format(2147483648LL, buf, sizeof(buf)), "2038-01-19");
}

static void test_now(void **state)
{
	(void)state;
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
	assert_int_equal(vigie_now(), 1795737600 + 9 * 3600);
	setenv("VIGIE_NOW", "2026-11-27", 1);
	assert_int_equal(vigie_now(), 1795737600);
	setenv("VIGIE_NOW", "garbage", 1); /* falls back to the real clock */
	assert_true(vigie_now() > 1700000000);
	unsetenv("VIGIE_NOW");
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void test_civil_days(void **state)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 1600, m = 1, d = 1;
	int64_t z = vigie_days_from_civil(1600, 1, 1);
	(void)state;
	assert_int_equal(vigie_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(vigie_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(vigie_days_from_civil(2000, 3, 1), 951868800 / 86400);
	assert_int_equal(vigie_days_from_civil(2026, 11, 27), 1795737600 / 86400);
	/* Walk day by day from 1600 to 2400 with an independent calendar. */
	for (; y < 2400; z++) {
		int yy, mm, dd;
		vigie_civil_from_days(z, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			fail_msg("day %lld: got %d-%d-%d, expected %d-%d-%d", (long long)z,
				 yy, mm, dd, y, m, d);
		if (vigie_days_from_civil(y, m, d) != z)
			fail_msg("%d-%d-%d: not day %lld", y, m, d, (long long)z);
		if (++d > mdays[m - 1] + (m == 2 && is_leap(y))) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

static void test_utf8(void **state)
{
	static const struct { const char *s; size_t len; int ok; } cases[] = {
		{ "", 0, 1 },
		{ "plain ascii", 11, 1 },
		{ "a\0b", 3, 1 },
		{ "\xc3\xa9", 2, 1 },                 /* é */
		{ "\xe2\x82\xac", 3, 1 },             /* € */
		{ "\xf0\x9d\x84\x9e", 4, 1 },         /* U+1D11E */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },         /* U+10FFFF */
		{ "\xed\x9f\xbf", 3, 1 },             /* U+D7FF */
		{ "\xee\x80\x80", 3, 1 },             /* U+E000 */
		{ "\xe0\xa0\x80", 3, 1 },             /* U+0800 */
		{ "\xc0\x80", 2, 0 },                 /* overlong NUL */
		{ "\xc1\xbf", 2, 0 },                 /* overlong */
		{ "\xe0\x80\x80", 3, 0 },             /* overlong */
		{ "\xe0\x9f\xbf", 3, 0 },             /* overlong U+07FF */
		{ "\xf0\x80\x80\x80", 4, 0 },         /* overlong */
		{ "\xf0\x8f\xbf\xbf", 4, 0 },         /* overlong U+FFFF */
		{ "\xed\xa0\x80", 3, 0 },             /* surrogate U+D800 */
		{ "\xed\xbf\xbf", 3, 0 },             /* surrogate U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0 },         /* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xf8\x88\x80\x80\x80", 5, 0 },     /* 5-byte form */
		{ "\xff", 1, 0 },
		{ "\xfe", 1, 0 },
		{ "\x80", 1, 0 },                     /* lone continuation */
		{ "a\xbf", 2, 0 },
		{ "\xc3", 1, 0 },                     /* truncated */
		{ "\xe2\x82", 2, 0 },
		{ "\xf0\x9d\x84", 3, 0 },
		{ "abc\xc3", 4, 0 },
		{ "\xc3\x41", 2, 0 },                 /* bad continuation */
		{ "\xe2\x28\xa1", 3, 0 },
		{ "\xf0\x9d\x84\xc3\xa9", 5, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (vigie_utf8_valid(cases[i].s, cases[i].len) != cases[i].ok)
			fail_msg("case %zu: expected %s", i, cases[i].ok ? "valid" : "invalid");
	/* A valid sequence cut anywhere inside is invalid. */
	assert_false(vigie_utf8_valid("x\xf0\x9d\x84\x9e", 4));
	assert_true(vigie_utf8_valid("x\xf0\x9d\x84\x9e", 5));
}

static void expect_cves(const char *text, const char *joined)
{
	struct vigie_strv v;
	char *j;
	vigie_strv_init(&v);
	assert_int_equal(vigie_extract_cves(&v, text), 0);
	j = vigie_strv_join(&v, ",");
	assert_non_null(j);
	if (strcmp(j, joined))
		fail_msg("'%s': got '%s', expected '%s'", text, j, joined);
	free(j);
	vigie_strv_release(&v);
}

static void test_extract_cves(void **state)
{
	(void)state;
	expect_cves("", "");
	expect_cves("CVE-2023-1234", "CVE-2023-1234");
	expect_cves("fixes CVE-2023-1234, CVE-2023-12345 and CVE-2023-1234.",
		    "CVE-2023-1234,CVE-2023-12345");
	expect_cves("(CVE-2024-0001)\n* CVE-2021-44228:", "CVE-2024-0001,CVE-2021-44228");
	expect_cves("XCVE-2023-1234 -CVE-2023-1234 9CVE-2023-1234", "");
	expect_cves("CVE-2023-123 CVE-23-1234 CVE-2023- CVE- CVE", "");
	expect_cves("CVE-2023-1234a CVE-2023-1234_", "CVE-2023-1234");
	expect_cves("CVE-2023-1234CVE-2023-5678", "");
	expect_cves("cve-2023-1234", "");
	expect_cves("CVE-2023-12345678901234567890", "CVE-2023-12345678901234567890");
	expect_cves("CVE-2023-123456789012345678901", "");
	expect_cves("CVE-2023-1234-", "CVE-2023-1234");
	expect_cves("CVE-CVE-2023-1111", "");
	expect_cves("CVE-", "");
}

static void test_buf(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	char *p;
	(void)state;
	p = vigie_buf_detach(&b); /* empty buffer: an empty string */
	assert_string_equal(p, "");
	free(p);
	assert_int_equal(vigie_buf_adds(&b, "abc"), 0);
	assert_int_equal(vigie_buf_addc(&b, '-'), 0);
	assert_int_equal(vigie_buf_addf(&b, "%d/%s", 42, "x"), 0);
	assert_int_equal(vigie_buf_add(&b, "\0z", 2), 0);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abc-42/x\0z", 10);
	assert_int_equal(b.data[10], 0);
	vigie_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 10000; i++)
		assert_int_equal(vigie_buf_addf(&b, "%04d", i), 0);
	assert_int_equal(b.len, 40000);
	assert_memory_equal(b.data + 39996, "9999", 4);
	assert_int_equal(vigie_buf_grow(&b, SIZE_MAX), VIGIE_ENOMEM);
	assert_int_equal(vigie_buf_grow(&b, SIZE_MAX - b.len), VIGIE_ENOMEM);
	p = vigie_buf_detach(&b);
	assert_null(b.data);
	assert_int_equal(strlen(p), 40000);
	free(p);
	vigie_buf_release(&b);
}

/* data != NULL always means data[len] == '\0', including the first
 * allocation of an empty buffer (ASan fills fresh memory with 0xbe; a
 * freed chunk filled with 'x' is likely to be handed back without it). */
static void test_buf_terminated(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	for (size_t extra = 0; extra < 300; extra += 37) {
		char *junk = malloc(64);
		assert_non_null(junk);
		memset(junk, 'x', 64);
		free(junk);
		assert_int_equal(vigie_buf_grow(&b, extra), 0);
		assert_non_null(b.data);
		assert_int_equal(b.len, 0);
		assert_int_equal(b.data[0], '\0');
		assert_string_equal(b.data, "");
		vigie_buf_release(&b);
	}
	assert_int_equal(vigie_buf_adds(&b, "ab"), 0);
	assert_int_equal(vigie_buf_grow(&b, 5000), 0); /* realloc keeps the NUL */
	assert_string_equal(b.data, "ab");
	vigie_buf_reset(&b);
	assert_int_equal(vigie_buf_grow(&b, 0), 0);
	assert_string_equal(b.data, "");
	vigie_buf_release(&b);
	assert_int_equal(vigie_buf_add(&b, "", 0), 0); /* adding nothing allocates */
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	vigie_buf_release(&b);
}

static void test_strv(void **state)
{
	struct vigie_strv s;
	char *j;
	(void)state;
	vigie_strv_init(&s);
	j = vigie_strv_join(&s, ", ");
	assert_string_equal(j, "");
	free(j);
	for (int i = 0; i < 100; i++) {
		char tmp[16];
		snprintf(tmp, sizeof(tmp), "s%02d", 99 - i);
		assert_int_equal(vigie_strv_push(&s, tmp), 0);
	}
	assert_int_equal(vigie_strv_push_unique(&s, "s50"), 0);
	assert_int_equal(s.n, 100);
	assert_int_equal(vigie_strv_push_unique(&s, "new"), 0);
	assert_int_equal(s.n, 101);
	assert_int_equal(vigie_strv_pushn(&s, "abcdef", 3), 0);
	assert_true(vigie_strv_contains(&s, "abc"));
	assert_false(vigie_strv_contains(&s, "abcdef"));
	vigie_strv_sort(&s);
	assert_string_equal(s.v[0], "abc");
	assert_string_equal(s.v[1], "new");
	assert_string_equal(s.v[2], "s00");
	assert_string_equal(s.v[101], "s99");
	vigie_strv_release(&s);
	assert_int_equal(s.n, 0);
	assert_int_equal(vigie_strv_push(&s, "a"), 0);
	assert_int_equal(vigie_strv_push(&s, "b"), 0);
	j = vigie_strv_join(&s, ", ");
	assert_string_equal(j, "a, b");
	free(j);
	vigie_strv_release(&s);
}

static void test_arena(void **state)
{
	struct vigie_arena a;
	char *ptrs[3000];
	char *big, *s;
	(void)state;
	vigie_arena_init(&a);
	for (int i = 0; i < 3000; i++) {
		size_t sz = (size_t)(i % 97) + 1;
		ptrs[i] = vigie_arena_alloc(&a, sz);
		assert_non_null(ptrs[i]);
		assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
		for (size_t k = 0; k < sz; k++)
			assert_int_equal(ptrs[i][k], 0);
		memset(ptrs[i], i & 0xff, sz);
	}
	big = vigie_arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	memset(big, 0x5a, 1 << 20);
	/* Earlier allocations are untouched by later ones. */
	for (int i = 0; i < 3000; i++)
		for (size_t k = 0; k < (size_t)(i % 97) + 1; k++)
			assert_int_equal((unsigned char)ptrs[i][k], i & 0xff);
	assert_non_null(vigie_arena_alloc(&a, 0));
	assert_null(vigie_arena_alloc(&a, SIZE_MAX));
	assert_null(vigie_arena_alloc(&a, SIZE_MAX - 8));
	/* rounds to SIZE_MAX - 31: the block header must not wrap the
	 * malloc size to a tiny allocation */
	assert_null(vigie_arena_alloc(&a, SIZE_MAX - 40));
	s = vigie_arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	s = vigie_arena_strndup(&a, "hello world", 5);
	assert_string_equal(s, "hello");
	assert_null(vigie_arena_strdup(&a, NULL));
	assert_true(a.total >= (1 << 20) + 3000);
	vigie_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

static void test_text_helpers(void **state)
{
	char s1[] = "  a b \t\n", s2[] = "\t\n ", s3[] = "x";
	(void)state;
	assert_string_equal(vigie_strip(s1), "a b");
	assert_string_equal(vigie_strip(s2), "");
	assert_string_equal(vigie_strip(s3), "x");
	assert_true(vigie_startswith_ci("Package: x", "package:"));
	assert_false(vigie_startswith_ci("Pack", "package"));
	assert_true(vigie_startswith_ci("anything", ""));
}

static void test_read_file(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	const char *p;
	(void)state;
	vigie_error_init(&err);
	p = test_write("empty", "");
	assert_int_equal(vigie_read_file(&b, p, 10, &err), 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, ""); /* an empty file is an empty string */
	vigie_buf_release(&b);
	p = test_write("ten", "0123456789");
	assert_int_equal(vigie_read_file(&b, p, 10, &err), 0);
	assert_string_equal(b.data, "0123456789");
	vigie_buf_reset(&b);
	assert_int_equal(vigie_read_file(&b, p, 9, &err), VIGIE_ELIMIT);
	assert_string_equal(err.file, p);
	vigie_buf_reset(&b);
	assert_int_equal(vigie_read_file(&b, "/nonexistent/vigie", 9, &err), VIGIE_EIO);
	assert_string_equal(err.file, "/nonexistent/vigie");
	vigie_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_time_rfc822),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_civil_days),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_extract_cves),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_terminated),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_text_helpers),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
