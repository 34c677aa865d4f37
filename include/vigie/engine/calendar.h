/* vigie: business days (weekends and public holidays) and business-time
 * arithmetic for SLA deadlines.
 *
 * Days are civil days of the local time zone (TZ is respected). A business
 * day counts in full, 00:00 to 24:00 local time; weekends and holidays count
 * nothing. Countries: "FR" (default; holidays computed, Easter by the
 * anonymous Gregorian algorithm) and "none" (weekends only). Regions:
 * "alsace-moselle" (France's Bas-Rhin, Haut-Rhin and Moselle, also given as
 * 67, 68, 57: Good Friday and 26 December besides France's). Extra and
 * removed dates come from the configuration. */
#ifndef VIGIE_CALENDAR_H
#define VIGIE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"

#define CALENDAR_MAX_DATES 1024 /* extra + removed dates */

struct calendar {
	char country[8];   /* "FR" or "none" */
	int alsace_moselle; /* region: two more holidays (FR only) */
	int64_t *extra;    /* days since 1970-01-01, added holidays */
	size_t nextra;
	int64_t *removed;  /* days that are business days after all */
	size_t nremoved;
};

/* Set up for a country ("FR"/"fr", "none"; NULL = "FR"). VIGIE_EUSAGE for
 * an unknown country. Release with vigie_calendar_release(). */
int vigie_calendar_init(struct calendar *c, const char *country, struct vigie_error *err);
void vigie_calendar_release(struct calendar *c);
/* Set the region ("alsace-moselle", "57", "67", "68"; "" or "none" for
 * none). VIGIE_EUSAGE for an unknown region or one outside the country. */
int vigie_calendar_set_region(struct calendar *c, const char *region, struct vigie_error *err);
/* Add a holiday / remove one, as "YYYY-MM-DD". VIGIE_EPARSE for a bad
 * date, VIGIE_ELIMIT beyond CALENDAR_MAX_DATES. */
int vigie_calendar_add_holiday(struct calendar *c, const char *date, struct vigie_error *err);
int vigie_calendar_remove_holiday(struct calendar *c, const char *date, struct vigie_error *err);

/* Easter Sunday of year (Gregorian). */
void vigie_calendar_easter(int year, int *month, int *day);
/* 1 when the civil day (days since 1970-01-01) is a public holiday of the
 * calendar (weekends excluded); name (static) gets its name when non-NULL. */
int vigie_calendar_is_holiday(const struct calendar *c, int64_t day, const char **name);
/* 1 when day is neither a weekend nor a holiday. */
int vigie_calendar_is_business_day(const struct calendar *c, int64_t day);

/* Deadline: the same local time of day n business days after t, skipping
 * non-business days; a t on a non-business day counts from the next
 * business day 00:00. n = 0 gives that start. Returns Unix time. */
int64_t vigie_calendar_add_business_days(const struct calendar *c, int64_t t, int n);
/* Business seconds in [t0, t1) (0 when t1 <= t0). Spans are capped at
 * 200 years. */
int64_t vigie_calendar_business_seconds(const struct calendar *c, int64_t t0, int64_t t1);

/* Local civil day of Unix time t, and local midnight of a civil day. */
int64_t vigie_calendar_local_day(int64_t t);
int64_t vigie_calendar_local_midnight(int64_t day);
/* Local month y-m as [*since, *until): local midnights of its first day
 * and of the next month's. */
void vigie_calendar_local_month(int y, int m, int64_t *since, int64_t *until);

#endif
