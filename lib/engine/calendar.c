#include "vigie/engine/calendar.h"
#include "vigie/core/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int vigie_calendar_init(struct calendar *c, const char *country, struct vigie_error *err)
{
	memset(c, 0, sizeof(*c));
	if (!country || !strcasecmp(country, "FR"))
		strcpy(c->country, "FR");
	else if (!strcasecmp(country, "none"))
		strcpy(c->country, "none");
	else
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "unknown holiday country '%.20s' (known: FR, none)", country);
	return 0;
}

int vigie_calendar_set_region(struct calendar *c, const char *region, struct vigie_error *err)
{
	if (!region || !*region || !strcasecmp(region, "none")) {
		c->alsace_moselle = 0;
		return 0;
	}
	if (strcasecmp(region, "alsace-moselle") && strcmp(region, "57") &&
	    strcmp(region, "67") && strcmp(region, "68"))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "unknown holiday region '%.30s' (known: alsace-moselle,"
				       " or its departements 57, 67, 68)", region);
	if (strcmp(c->country, "FR"))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "region %.30s is in France: it needs country = FR", region);
	c->alsace_moselle = 1;
	return 0;
}

void vigie_calendar_release(struct calendar *c)
{
	if (!c)
		return;
	free(c->extra);
	free(c->removed);
	c->extra = c->removed = NULL;
	c->nextra = c->nremoved = 0;
}

static int add_day(struct calendar *c, int64_t **v, size_t *n, const char *date,
		   struct vigie_error *err)
{
	int64_t t, *nv;
	if (strlen(date) != 10 || vigie_time_parse(&t, date, 0))
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
				       "bad date '%.40s' (expected YYYY-MM-DD)", date);
	if (c->nextra + c->nremoved >= CALENDAR_MAX_DATES)
		return vigie_error_set(err, VIGIE_ELIMIT, NULL, 0,
				       "more than %d holiday dates", CALENDAR_MAX_DATES);
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	*v = nv;
	nv[(*n)++] = t / 86400;
	return 0;
}

int vigie_calendar_add_holiday(struct calendar *c, const char *date, struct vigie_error *err)
{
	return add_day(c, &c->extra, &c->nextra, date, err);
}

int vigie_calendar_remove_holiday(struct calendar *c, const char *date, struct vigie_error *err)
{
	return add_day(c, &c->removed, &c->nremoved, date, err);
}

void vigie_calendar_easter(int year, int *month, int *day)
{
	/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19, b = year / 100, cc = year % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = cc / 4, k = cc % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

static const char *fr_holiday(int64_t day, int alsace_moselle)
{
	static const struct { int m, d; const char *name; } fixed[] = {
		{ 1, 1, "New Year's Day" }, { 5, 1, "Labour Day" },
		{ 5, 8, "Victory in Europe Day" }, { 7, 14, "Bastille Day" },
		{ 8, 15, "Assumption" }, { 11, 1, "All Saints' Day" },
		{ 11, 11, "Armistice Day" }, { 12, 25, "Christmas Day" },
	};
	int y, m, d, em, ed;
	int64_t easter;
	vigie_civil_from_days(day, &y, &m, &d);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i].m == m && fixed[i].d == d)
			return fixed[i].name;
	vigie_calendar_easter(y, &em, &ed);
	easter = vigie_days_from_civil(y, em, ed);
	if (day == easter + 1)
		return "Easter Monday";
	if (day == easter + 39)
		return "Ascension Day";
	if (day == easter + 50)
		return "Whit Monday";
	if (alsace_moselle && day == easter - 2)
		return "Good Friday";
	if (alsace_moselle && m == 12 && d == 26)
		return "St Stephen's Day";
	return NULL;
}

int vigie_calendar_is_holiday(const struct calendar *c, int64_t day, const char **name)
{
	const char *n = NULL;
	for (size_t i = 0; i < c->nremoved; i++)
		if (c->removed[i] == day)
			return 0;
	for (size_t i = 0; i < c->nextra; i++)
		if (c->extra[i] == day)
			n = "holiday (configured)";
	if (!n && !strcmp(c->country, "FR"))
		n = fr_holiday(day, c->alsace_moselle);
	if (name)
		*name = n;
	return n != NULL;
}

static int is_weekend(int64_t day)
{
	/* 1970-01-01 was a Thursday: weekday 0 = Monday */
	int64_t wd = ((day % 7) + 7 + 3) % 7;
	return wd >= 5;
}

int vigie_calendar_is_business_day(const struct calendar *c, int64_t day)
{
	return !is_weekend(day) && !vigie_calendar_is_holiday(c, day, NULL);
}

int64_t vigie_calendar_local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return t / 86400;
	return vigie_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Local time of (day, seconds into the day) as Unix time. */
static int64_t local_time_of(int64_t day, int64_t sod)
{
	struct tm tm;
	int y, m, d;
	time_t t;
	vigie_civil_from_days(day, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = (int)(sod / 3600);
	tm.tm_min = (int)(sod / 60 % 60);
	tm.tm_sec = (int)(sod % 60);
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return day * 86400 + sod;
	return (int64_t)t;
}

int64_t vigie_calendar_local_midnight(int64_t day)
{
	return local_time_of(day, 0);
}

void vigie_calendar_local_month(int y, int m, int64_t *since, int64_t *until)
{
	*since = vigie_calendar_local_midnight(vigie_days_from_civil(y, m, 1));
	*until = vigie_calendar_local_midnight(
		vigie_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1));
}

int64_t vigie_calendar_add_business_days(const struct calendar *c, int64_t t, int n)
{
	int64_t day = vigie_calendar_local_day(t), sod = 0;
	int guard = 0;
	time_t tt = (time_t)t;
	struct tm tm;
	/* the local time of day from the clock, not from the seconds since
	 * midnight: those differ by an hour after a DST change that day */
	if (localtime_r(&tt, &tm))
		sod = tm.tm_hour * 3600 + tm.tm_min * 60 + (tm.tm_sec > 59 ? 59 : tm.tm_sec);
	if (!vigie_calendar_is_business_day(c, day)) {
		sod = 0;
		while (!vigie_calendar_is_business_day(c, day) && guard++ < 3660)
			day++;
	}
	while (n > 0 && guard++ < 100000) {
		day++;
		if (vigie_calendar_is_business_day(c, day))
			n--;
	}
	return local_time_of(day, sod);
}

int64_t vigie_calendar_business_seconds(const struct calendar *c, int64_t t0, int64_t t1)
{
	int64_t d0, d1, total = 0;
	if (t1 <= t0)
		return 0;
	d0 = vigie_calendar_local_day(t0);
	d1 = vigie_calendar_local_day(t1);
	if (d1 - d0 > 73050)
		d1 = d0 + 73050;
	for (int64_t d = d0; d <= d1; d++) {
		int64_t s, e;
		if (!vigie_calendar_is_business_day(c, d))
			continue;
		s = vigie_calendar_local_midnight(d);
		e = vigie_calendar_local_midnight(d + 1);
		if (s < t0)
			s = t0;
		if (e > t1)
			e = t1;
		if (e > s)
			total += e - s;
	}
	return total;
}
