#include "testutil.h"
#include "vigie/engine/sla.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

static int fabs_ok(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static int setup_utc(void **state)
{
	test_setup_utc(state);
	unsetenv("VIGIE_CONFIG");
	return 0;
}

static void item(struct sla_item *it, const char *cve, enum sla_class cls,
		 const char *pub, const char *inst)
{
	memset(it, 0, sizeof(*it));
	it->cve = cve;
	it->package = "pkg";
	it->version = "1";
	it->cls = cls;
	it->published = test_utc(pub);
	it->published_from = "test";
	it->installed = test_utc(inst);
}

/* Cases worked by hand (FR calendar, 1 business day):
 * a) published Fri 2026-01-16 18:00, installed Mon 08:00: 6 h + 8 h = 14 h,
 *    deadline Mon 18:00, met.
 * b) published Fri 2026-04-03 18:00 before Easter Monday, installed Tue
 *    07 09:00: 6 h + 9 h = 15 h, deadline Tue 18:00, met.
 * c) published Wed 2026-02-04 10:00, installed Fri 06 12:00:
 *    14 h + 24 h + 12 h = 50 h, deadline Thu 10:00, breached.
 * d) published Sat 2026-01-17 10:00, installed Mon 19 23:00: 23 h, deadline
 *    Tue 00:00, met. */
static void test_cases(void **state)
{
	struct sla_policy p;
	struct sla_item it[4];
	(void)state;
	assert_int_equal(vigie_sla_policy_init(&p, NULL), 0);
	item(&it[0], "CVE-A", SLA_STANDARD, "2026-01-16T18:00:00Z", "2026-01-19T08:00:00Z");
	item(&it[1], "CVE-B", SLA_STANDARD, "2026-04-03T18:00:00Z", "2026-04-07T09:00:00Z");
	item(&it[2], "CVE-C", SLA_STANDARD, "2026-02-04T10:00:00Z", "2026-02-06T12:00:00Z");
	item(&it[3], "CVE-D", SLA_CRITICAL, "2026-01-17T10:00:00Z", "2026-01-19T23:00:00Z");
	for (int i = 0; i < 4; i++)
		vigie_sla_evaluate(&p, &it[i]);
	assert_true(it[0].deadline == test_utc("2026-01-19T18:00:00Z"));
	assert_true(it[0].business_seconds == 14 * 3600);
	assert_true(it[0].met);
	assert_true(it[1].deadline == test_utc("2026-04-07T18:00:00Z"));
	assert_true(it[1].business_seconds == 15 * 3600);
	assert_true(it[1].met);
	assert_true(it[2].deadline == test_utc("2026-02-05T10:00:00Z"));
	assert_true(it[2].business_seconds == 50 * 3600);
	assert_false(it[2].met);
	assert_true(it[2].delay_hours == 50.0);
	assert_true(it[3].deadline == test_utc("2026-01-20T00:00:00Z"));
	assert_true(it[3].business_seconds == 23 * 3600);
	assert_true(it[3].met);
	vigie_sla_policy_release(&p);
}

static void test_percentiles(void **state)
{
	double v1[] = { 5, 1, 3 };
	double v2[] = { 4, 1, 3, 2 };
	double v3[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	double v4[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	(void)state;
	assert_true(vigie_sla_median(v1, 3) == 3);
	assert_true(vigie_sla_median(v2, 4) == 2.5);
	assert_true(vigie_sla_median(NULL, 0) == 0);
	assert_true(vigie_sla_percentile(v1, 3, 90) == 5);   /* rank ceil(2.7) = 3 */
	assert_true(vigie_sla_percentile(v3, 10, 90) == 9);  /* rank 9 */
	assert_true(vigie_sla_percentile(v4, 11, 90) == 10); /* rank ceil(9.9) = 10 */
	assert_true(vigie_sla_percentile(v4, 11, 100) == 11);
	assert_true(vigie_sla_percentile(v4, 11, 1) == 1);
}

static void test_summary(void **state)
{
	struct sla_policy p;
	struct sla_item it[5];
	struct sla_summary s[SLA_NCLASSES];
	(void)state;
	vigie_sla_policy_init(&p, NULL);
	item(&it[0], "A", SLA_STANDARD, "2026-01-16T18:00:00Z", "2026-01-19T08:00:00Z"); /* 14h */
	item(&it[1], "B", SLA_STANDARD, "2026-04-03T18:00:00Z", "2026-04-07T09:00:00Z"); /* 15h */
	item(&it[2], "C", SLA_STANDARD, "2026-02-04T10:00:00Z", "2026-02-06T12:00:00Z"); /* 50h */
	item(&it[3], "D", SLA_STANDARD, "2026-02-04T10:00:00Z", "2026-02-04T16:00:00Z"); /* 6h */
	item(&it[4], "E", SLA_HIGHLY_CRITICAL, "2026-02-04T10:00:00Z", "2026-02-04T10:00:00Z");
	for (int i = 0; i < 5; i++)
		vigie_sla_evaluate(&p, &it[i]);
	assert_int_equal(vigie_sla_summarize(s, it, 5, NULL), 0);
	assert_int_equal(s[SLA_STANDARD].count, 4);
	assert_int_equal(s[SLA_STANDARD].met, 3);
	assert_true(s[SLA_STANDARD].share_met == 0.75);
	/* delays in days: 6/24, 14/24, 15/24, 50/24: median (14+15)/48,
	 * p90 rank ceil(3.6) = 4 -> 50/24 */
	assert_true(fabs_ok(s[SLA_STANDARD].median_days, 29.0 / 48.0));
	assert_true(fabs_ok(s[SLA_STANDARD].p90_days, 50.0 / 24.0));
	assert_int_equal(s[SLA_HIGHLY_CRITICAL].count, 1);
	assert_true(s[SLA_HIGHLY_CRITICAL].median_days == 0);
	assert_int_equal(s[SLA_CRITICAL].count, 0);
	assert_true(s[SLA_CRITICAL].share_met == 0);
	vigie_sla_policy_release(&p);
}

/* Installed is not running, worked by hand (FR, 1 business day): published
 * Wed 2026-02-04 10:00, installed 16:00 (6 h, met), in effect Fri 06
 * 12:00 (14 h + 24 h + 12 h = 50 h, after the Thu 10:00 deadline). */
static void test_effective(void **state)
{
	struct sla_policy p;
	struct sla_item it;
	struct sla_summary sum[SLA_NCLASSES];
	struct sla_item two[2];
	(void)state;
	assert_int_equal(vigie_sla_policy_init(&p, NULL), 0);
	item(&it, "CVE-E", SLA_STANDARD, "2026-02-04T10:00:00Z", "2026-02-04T16:00:00Z");
	vigie_sla_evaluate(&p, &it);
	assert_true(it.met);
	assert_true(it.effective_days == -1); /* unknown: not claimed */
	it.effective = test_utc("2026-02-06T12:00:00Z");
	vigie_sla_evaluate(&p, &it);
	assert_true(it.met); /* the contract measures the installation */
	assert_true(fabs_ok(it.effective_days, 50.0 / 24.0));
	p.measure = SLA_MEASURE_EFFECTIVE;
	vigie_sla_evaluate(&p, &it);
	assert_false(it.met); /* in effect after the deadline */
	assert_true(fabs_ok(it.delay_days, 6.0 / 24.0));
	/* still waiting for a restart: not met when measured in effect */
	it.effective = 0;
	it.effective_pending = 1;
	vigie_sla_evaluate(&p, &it);
	assert_false(it.met);
	assert_true(it.effective_days == -1);
	p.measure = SLA_MEASURE_INSTALLED;
	vigie_sla_evaluate(&p, &it);
	assert_true(it.met);
	/* the summary's effective measures count only the known ones */
	two[0] = it;
	item(&two[1], "CVE-F", SLA_STANDARD, "2026-02-04T10:00:00Z", "2026-02-04T16:00:00Z");
	two[1].effective = test_utc("2026-02-05T10:00:00Z"); /* 24 h */
	vigie_sla_evaluate(&p, &two[1]);
	assert_int_equal(vigie_sla_summarize(sum, two, 2, NULL), 0);
	assert_int_equal(sum[SLA_STANDARD].count, 2);
	assert_int_equal(sum[SLA_STANDARD].effective_count, 1);
	assert_int_equal(sum[SLA_STANDARD].effective_pending, 1);
	assert_true(fabs_ok(sum[SLA_STANDARD].effective_median_days, 1.0));
	vigie_sla_policy_release(&p);
}

static void test_config(void **state)
{
	struct sla_policy p;
	struct vigie_error e;
	struct sla_item it;
	int req;
	const char *path;
	(void)state;
	memset(&e, 0, sizeof(e));
	vigie_sla_policy_init(&p, NULL);
	path = test_write("good.conf",
			  "# policy\n[other]\nstandard = whatever\n"
			  "[sla]\nhighly-critical = 0 ; same day\ncritical = 2\nstandard = 5\n"
			  "country = none\nholiday = 2026-12-24\nholiday = 2026-12-31\n"
			  "measure = effective\n");
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), 0);
	assert_int_equal(p.measure, SLA_MEASURE_EFFECTIVE);
	assert_int_equal(p.deadline_days[SLA_HIGHLY_CRITICAL], 0);
	assert_int_equal(p.deadline_days[SLA_CRITICAL], 2);
	assert_int_equal(p.deadline_days[SLA_STANDARD], 5);
	assert_string_equal(p.cal.country, "none");
	assert_int_equal(p.cal.nextra, 2);
	/* none: Ascension is a working day; 2 business days from Wed 13 May */
	item(&it, "X", SLA_CRITICAL, "2026-05-13T10:00:00Z", "2026-05-15T10:00:00Z");
	vigie_sla_evaluate(&p, &it);
	assert_true(it.deadline == test_utc("2026-05-15T10:00:00Z"));
	assert_true(it.met);
	/* errors name file:line and leave the policy unchanged */
	path = test_write("bad.conf", "[sla]\ncritical = 1\nstandard = soon\n");
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), VIGIE_EPARSE);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.file, "bad.conf"));
	assert_int_equal(p.deadline_days[SLA_CRITICAL], 2);
	path = test_write("bad2.conf", "[sla]\nholiday = 2026-02-30\n");
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), VIGIE_EPARSE);
	assert_int_equal(e.line, 2);
	path = test_write("bad-measure.conf", "[sla]\n\nmeasure = whenever\n");
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), VIGIE_EPARSE);
	assert_int_equal(e.line, 3);
	assert_int_equal(p.measure, SLA_MEASURE_EFFECTIVE); /* unchanged */
	path = test_write("bad3.conf", "[sla\n");
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), VIGIE_EPARSE);
	/* Alsace-Moselle: a fix published on Maundy Thursday 2026 at 10:00
	 * is due on Monday 6 April... which is Easter Monday: Tuesday 7 April
	 * there, as Good Friday is a holiday too; Good Friday in Paris */
	{
		struct sla_policy am;
		vigie_sla_policy_init(&am, NULL);
		path = test_write("am.conf", "[sla]\ncritical = 1\nregion = alsace-moselle\n");
		assert_int_equal(vigie_sla_policy_load(&am, path, &e), 0);
		item(&it, "X", SLA_CRITICAL, "2026-04-02T10:00:00Z", "2026-04-06T12:00:00Z");
		vigie_sla_evaluate(&am, &it);
		assert_true(it.deadline == test_utc("2026-04-07T10:00:00Z"));
		assert_true(it.met);
		vigie_sla_policy_release(&am);
		vigie_sla_policy_init(&am, NULL);
		item(&it, "X", SLA_CRITICAL, "2026-04-02T10:00:00Z", "2026-04-06T12:00:00Z");
		vigie_sla_evaluate(&am, &it);
		assert_true(it.deadline == test_utc("2026-04-03T10:00:00Z"));
		assert_false(it.met);
		vigie_sla_policy_release(&am);
		path = test_write("am2.conf", "[sla]\ncountry = none\nregion = 57\n");
		assert_int_equal(vigie_sla_policy_load(&am, path, &e), VIGIE_EPARSE);
		assert_int_equal(e.line, 3);
		path = test_write("am3.conf", "[sla]\nregion = 57\ncountry = none\n");
		assert_int_equal(vigie_sla_policy_load(&am, path, &e), VIGIE_EPARSE);
		assert_int_equal(e.line, 3);
		vigie_sla_policy_release(&am);
	}
	path = test_write("bad4.conf", "[sla]\ncountry = Atlantis\n");
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), VIGIE_EPARSE);
	assert_int_equal(e.line, 2);
	assert_int_equal(vigie_sla_policy_load(&p, "/nonexistent/vigie.conf", &e), VIGIE_EIO);
	assert_int_equal(p.cal.nextra, 2);
	/* path selection */
	assert_string_equal(vigie_sla_policy_path("x.conf", &req), "x.conf");
	assert_int_equal(req, 1);
	setenv("VIGIE_CONFIG", "/env/vigie.conf", 1);
	assert_string_equal(vigie_sla_policy_path(NULL, &req), "/env/vigie.conf");
	assert_int_equal(req, 1);
	unsetenv("VIGIE_CONFIG");
	vigie_sla_policy_path(NULL, &req);
	assert_int_equal(req, 0);
	vigie_sla_policy_release(&p);
}

static void test_shipped_config(void **state)
{
	struct sla_policy p;
	struct vigie_error e;
	char path[4096];
	const char *src = getenv("VIGIE_SRCDIR");
	(void)state;
	memset(&e, 0, sizeof(e));
	snprintf(path, sizeof(path), "%s/data/vigie.conf", src ? src : ".");
	vigie_sla_policy_init(&p, NULL);
	assert_int_equal(vigie_sla_policy_load(&p, path, &e), 0);
	assert_int_equal(e.warnings, 0);
	for (int c = 0; c < SLA_NCLASSES; c++)
		assert_int_equal(p.deadline_days[c], 1);
	assert_string_equal(p.cal.country, "FR");
	vigie_sla_policy_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_shipped_config),
	};
	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
