#include "testutil.h"
#include "vigie/engine/calendar.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t day(const char *s)
{
	int64_t t;
	assert_int_equal(vigie_time_parse(&t, s, 0), 0);
	return t / 86400;
}

/* French public holidays 2024-2027, from the official calendar. */
static const char *const fr_holidays[] = {
	"2024-01-01", "2024-04-01", "2024-05-01", "2024-05-08", "2024-05-09", "2024-05-20",
	"2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25",
	"2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09",
	"2025-07-14", "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25",
	"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
	"2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25",
	"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
	"2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25",
};

static void test_fr_holidays(void **state)
{
	struct calendar c;
	size_t found = 0;
	(void)state;
	assert_int_equal(vigie_calendar_init(&c, NULL, NULL), 0);
	for (size_t i = 0; i < sizeof(fr_holidays) / sizeof(fr_holidays[0]); i++)
		assert_true(vigie_calendar_is_holiday(&c, day(fr_holidays[i]), NULL));
	/* and no other day of those four years */
	for (int64_t d = day("2024-01-01"); d <= day("2027-12-31"); d++)
		found += vigie_calendar_is_holiday(&c, d, NULL);
	assert_int_equal(found, sizeof(fr_holidays) / sizeof(fr_holidays[0]));
	vigie_calendar_release(&c);
}

/* Alsace-Moselle: France's holidays, Good Friday and 26 December (local
 * law of 1892 and the 2008 Labour Code article L3134-13). */
static void test_alsace_moselle(void **state)
{
	static const char *const extra[] = { "2024-03-29", "2024-12-26", "2025-04-18",
					     "2025-12-26", "2026-04-03", "2026-12-26",
					     "2027-03-26", "2027-12-26" };
	struct calendar c;
	struct vigie_error err;
	size_t found = 0;
	const char *name = NULL;
	(void)state;
	assert_int_equal(vigie_calendar_init(&c, "FR", NULL), 0);
	assert_int_equal(vigie_calendar_set_region(&c, "alsace-moselle", &err), 0);
	for (size_t i = 0; i < sizeof(fr_holidays) / sizeof(fr_holidays[0]); i++)
		assert_true(vigie_calendar_is_holiday(&c, day(fr_holidays[i]), NULL));
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		assert_true(vigie_calendar_is_holiday(&c, day(extra[i]), NULL));
	for (int64_t d = day("2024-01-01"); d <= day("2027-12-31"); d++)
		found += vigie_calendar_is_holiday(&c, d, NULL);
	assert_int_equal(found, sizeof(fr_holidays) / sizeof(fr_holidays[0]) +
					sizeof(extra) / sizeof(extra[0]));
	assert_true(vigie_calendar_is_holiday(&c, day("2026-04-03"), &name));
	assert_string_equal(name, "Good Friday");
	/* Good Friday 2026 is not a business day there, but is in Paris */
	assert_false(vigie_calendar_is_business_day(&c, day("2026-04-03")));
	assert_int_equal(vigie_calendar_set_region(&c, "67", &err), 0);
	assert_int_equal(vigie_calendar_set_region(&c, "none", &err), 0);
	assert_true(vigie_calendar_is_business_day(&c, day("2026-04-03")));
	assert_int_equal(vigie_calendar_set_region(&c, "bretagne", &err), VIGIE_EUSAGE);
	vigie_calendar_release(&c);
	assert_int_equal(vigie_calendar_init(&c, "none", NULL), 0);
	assert_int_equal(vigie_calendar_set_region(&c, "57", &err), VIGIE_EUSAGE);
	vigie_calendar_release(&c);
}

static void test_easter(void **state)
{
	static const struct { int y, m, d; } known[] = {
		{ 2024, 3, 31 }, { 2025, 4, 20 }, { 2026, 4, 5 }, { 2027, 3, 28 },
		{ 2000, 4, 23 }, { 2019, 4, 21 }, { 2038, 4, 25 }, { 1818, 3, 22 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int m, d;
		vigie_calendar_easter(known[i].y, &m, &d);
		assert_int_equal(m, known[i].m);
		assert_int_equal(d, known[i].d);
	}
}

static void test_business_days(void **state)
{
	struct calendar c, none;
	const char *name = NULL;
	(void)state;
	assert_int_equal(vigie_calendar_init(&c, "fr", NULL), 0);
	assert_int_equal(vigie_calendar_init(&none, "none", NULL), 0);
	assert_int_equal(vigie_calendar_init(&none, "XX", NULL), VIGIE_EUSAGE);
	assert_int_equal(vigie_calendar_init(&none, "none", NULL), 0);
	assert_false(vigie_calendar_is_business_day(&c, day("2026-11-28"))); /* Saturday */
	assert_false(vigie_calendar_is_business_day(&c, day("2026-11-29"))); /* Sunday */
	assert_true(vigie_calendar_is_business_day(&c, day("2026-11-27")));  /* Friday */
	assert_false(vigie_calendar_is_business_day(&c, day("2026-05-14"))); /* Ascension */
	assert_true(vigie_calendar_is_holiday(&c, day("2026-05-14"), &name));
	assert_string_equal(name, "Ascension Day");
	assert_true(vigie_calendar_is_business_day(&none, day("2026-05-14")));
	assert_false(vigie_calendar_is_business_day(&none, day("2026-05-16")));
	/* configured dates */
	assert_int_equal(vigie_calendar_add_holiday(&c, "2026-12-24", NULL), 0);
	assert_int_equal(vigie_calendar_remove_holiday(&c, "2026-05-08", NULL), 0);
	assert_int_equal(vigie_calendar_add_holiday(&c, "2026-13-01", NULL), VIGIE_EPARSE);
	assert_false(vigie_calendar_is_business_day(&c, day("2026-12-24")));
	assert_true(vigie_calendar_is_business_day(&c, day("2026-05-08")));
	vigie_calendar_release(&c);
	vigie_calendar_release(&none);
}

static void test_deadlines(void **state)
{
	struct calendar c;
	(void)state;
	vigie_calendar_init(&c, "FR", NULL);
	/* Friday 18:00 + 1 business day = Monday 18:00 */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-01-16T18:00:00Z"), 1) ==
		    test_utc("2026-01-19T18:00:00Z"));
	/* Friday before Easter Monday: Tuesday */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-04-03T18:00:00Z"), 1) ==
		    test_utc("2026-04-07T18:00:00Z"));
	/* published Saturday: counts from Monday 00:00 */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-01-17T10:00:00Z"), 1) ==
		    test_utc("2026-01-20T00:00:00Z"));
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-01-17T10:00:00Z"), 0) ==
		    test_utc("2026-01-19T00:00:00Z"));
	/* Wednesday + 3 = Monday; over Christmas and New Year */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-01-14T09:00:00Z"), 3) ==
		    test_utc("2026-01-19T09:00:00Z"));
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-12-24T12:00:00Z"), 2) ==
		    test_utc("2026-12-29T12:00:00Z"));
	/* business seconds */
	assert_true(vigie_calendar_business_seconds(&c, test_utc("2026-01-16T18:00:00Z"),
					      test_utc("2026-01-19T08:00:00Z")) == 14 * 3600);
	assert_true(vigie_calendar_business_seconds(&c, test_utc("2026-01-16T18:00:00Z"),
					      test_utc("2026-01-19T18:00:00Z")) == 86400);
	assert_true(vigie_calendar_business_seconds(&c, test_utc("2026-01-17T00:00:00Z"),
					      test_utc("2026-01-18T23:00:00Z")) == 0);
	assert_true(vigie_calendar_business_seconds(&c, test_utc("2026-01-19T10:00:00Z"),
					      test_utc("2026-01-19T09:00:00Z")) == 0);
	assert_true(vigie_calendar_business_seconds(&c, test_utc("2026-04-03T18:00:00Z"),
					      test_utc("2026-04-07T09:00:00Z")) == 15 * 3600);
	vigie_calendar_release(&c);
}

/* Days are local days: a deadline across the DST change keeps the local
 * time of day. */
static void test_paris_dst(void **state)
{
	struct calendar c;
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Paris", "r");
	(void)state;
	if (!f) {
		skip();
		return;
	}
	fclose(f);
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	vigie_calendar_init(&c, "FR", NULL);
	/* Friday 2026-03-27 18:00 CET -> Monday 2026-03-30 18:00 CEST */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-03-27T17:00:00Z"), 1) ==
		    test_utc("2026-03-30T16:00:00Z"));
	assert_true(vigie_calendar_business_seconds(&c, test_utc("2026-03-27T17:00:00Z"),
					      test_utc("2026-03-30T16:00:00Z")) == 86400);
	/* 23:30 UTC on Sunday is already Monday in Paris */
	assert_true(vigie_calendar_local_day(test_utc("2026-03-29T23:30:00Z")) == day("2026-03-30"));
	vigie_calendar_release(&c);
	test_setup_utc(NULL);
}

/* Where the clocks change on a business day (Israel: Friday), the deadline
 * still keeps the local time of day of the publication. */
static void test_business_day_dst(void **state)
{
	struct calendar c;
	FILE *f = fopen("/usr/share/zoneinfo/Asia/Jerusalem", "r");
	(void)state;
	if (!f) {
		skip();
		return;
	}
	fclose(f);
	setenv("TZ", "Asia/Jerusalem", 1);
	tzset();
	vigie_calendar_init(&c, "none", NULL);
	/* Friday 2026-03-27 10:00 IDT (clocks went 02:00 -> 03:00 that night)
	 * -> Monday 2026-03-30 10:00 IDT */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-03-27T07:00:00Z"), 1) ==
		    test_utc("2026-03-30T07:00:00Z"));
	/* 23:30 IDT that Friday -> Monday 23:30, not Tuesday 00:30 */
	assert_true(vigie_calendar_add_business_days(&c, test_utc("2026-03-27T20:30:00Z"), 1) ==
		    test_utc("2026-03-30T20:30:00Z"));
	vigie_calendar_release(&c);
	test_setup_utc(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fr_holidays),
		cmocka_unit_test(test_easter),
		cmocka_unit_test(test_alsace_moselle),
		cmocka_unit_test(test_business_days),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_paris_dst),
		cmocka_unit_test(test_business_day_dst),
	};
	return cmocka_run_group_tests(tests, test_setup_utc, NULL);
}
