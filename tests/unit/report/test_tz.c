#include "testutil.h"
#include "vigie/report/tz.h"
#include "vigie/core/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t utc(const char *s)
{
	int64_t t;
	assert_int_equal(vigie_time_parse(&t, s, 0), 0);
	return t;
}

/* Month bounds in Paris, worked from the EU rule (last Sunday of March
 * and October, 01:00 UTC). */
static void test_paris_midnights(void **state)
{
	struct vigie_tz tz;
	struct vigie_error err;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_tz_load(&tz, "Europe/Paris", &err), 0);
	assert_true(vigie_tz_midnight(&tz, 2026, 11, 1) == utc("2026-10-31T23:00:00Z"));
	assert_true(vigie_tz_midnight(&tz, 2026, 10, 1) == utc("2026-09-30T22:00:00Z"));
	assert_true(vigie_tz_midnight(&tz, 2026, 13, 1) == utc("2026-12-31T23:00:00Z"));
	assert_true(vigie_tz_midnight(&tz, 2026, 0, 1) == utc("2025-11-30T23:00:00Z"));
	assert_true(vigie_tz_midnight(&tz, 2026, 3, 29) == utc("2026-03-28T23:00:00Z"));
	assert_true(vigie_tz_midnight(&tz, 2026, 3, 30) == utc("2026-03-29T22:00:00Z"));
	assert_int_equal(vigie_tz_offset(&tz, utc("2026-03-29T00:59:59Z")), 3600);
	assert_int_equal(vigie_tz_offset(&tz, utc("2026-03-29T01:00:00Z")), 7200);
	assert_int_equal(vigie_tz_offset(&tz, utc("2026-10-25T00:59:59Z")), 7200);
	assert_int_equal(vigie_tz_offset(&tz, utc("2026-10-25T01:00:00Z")), 3600);
	{
		int y, m, d, hh, mm;
		vigie_tz_civil(&tz, utc("2026-11-30T23:30:00Z"), &y, &m, &d, &hh, &mm);
		assert_int_equal(y * 10000 + m * 100 + d, 20261201);
		assert_int_equal(hh * 100 + mm, 30);
	}
	vigie_tz_release(&tz);
}

/* Differential: glibc's localtime_r under TZ (set in this test process
 * only) agrees with the TZif reader hour by hour over 2020-2030. */
static void test_against_libc(void **state)
{
	static const char *const zones[] = { "Europe/Paris", "America/New_York",
					     "Australia/Sydney", "Asia/Kolkata", "UTC" };
	(void)state;
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		struct vigie_tz tz;
		struct vigie_error err;
		vigie_error_init(&err);
		assert_int_equal(vigie_tz_load(&tz, zones[z], &err), 0);
		setenv("TZ", zones[z], 1);
		tzset();
		for (int64_t t = utc("2020-01-01T00:00:00Z"); t < utc("2030-01-01T00:00:00Z");
		     t += 3600) {
			struct tm tm;
			time_t tt = (time_t)t;
			localtime_r(&tt, &tm);
			if (vigie_tz_offset(&tz, t) != tm.tm_gmtoff)
				fail_msg("%s at %lld: %d, libc %ld", zones[z], (long long)t,
					 vigie_tz_offset(&tz, t), tm.tm_gmtoff);
		}
		vigie_tz_release(&tz);
	}
}

static void test_bad_names(void **state)
{
	struct vigie_tz tz;
	struct vigie_error err;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_tz_load(&tz, "../etc/passwd", &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_tz_load(&tz, "/etc/localtime", &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_tz_load(&tz, "Mars/Olympus", &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_tz_load(&tz, "", &err), VIGIE_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paris_midnights),
		cmocka_unit_test(test_against_libc),
		cmocka_unit_test(test_bad_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
