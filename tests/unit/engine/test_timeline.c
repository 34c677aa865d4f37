#include "testutil.h"
#include "vigie/debian/history.h"
#include "vigie/render/history_report.h"
#include "vigie/engine/timeline.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int setup_utc(void **state)
{
	test_setup_utc(state);
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
	return 0;
}

static void load_fixture(struct history *h)
{
	struct vigie_error e;
	memset(&e, 0, sizeof(e));
	vigie_history_init(h);
	assert_int_equal(vigie_history_load_all(h, NULL, NULL, test_data("history/root"), &e), 0);
}

static int extra(void *ud, const struct history_event *ev, timeline_add_fn *add,
		 void *add_ud, struct vigie_error *err)
{
	int *calls = ud;
	struct timeline_fix f;
	(void)err;
	(*calls)++;
	memset(&f, 0, sizeof(f));
	if (!strcmp(ev->package, "bar")) {
		f.cve = "CVE-2026-9000";
		f.source = "bar";
		f.version = "2.0-1+deb13u1";
		f.evidence = "security tracker";
		return add(add_ud, &f);
	}
	/* a CVE already known from the changelog is not repeated */
	if (!strcmp(ev->package, "libfoo1")) {
		f.cve = "CVE-2026-1001";
		f.source = "foo";
		f.version = "1.0-1+deb13u1";
		f.evidence = "tracker";
		return add(add_ud, &f);
	}
	return 0;
}

static void test_build(void **state)
{
	struct history h;
	struct timeline tl;
	struct timeline_opts o;
	struct vigie_error e;
	int calls = 0;
	(void)state;
	load_fixture(&h);
	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	o.root = test_data("history/root");
	o.extra = extra;
	o.extra_ud = &calls;
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	assert_int_equal(calls, 3);
	assert_int_equal(tl.n, 3);
	assert_string_equal(tl.ups[0].ev->package, "libfoo1");
	assert_int_equal(tl.ups[0].ncves, 2);
	assert_string_equal(tl.ups[0].cves[0].cve, "CVE-2026-1001");
	assert_string_equal(tl.ups[0].cves[0].source, "foo");
	assert_true(tl.ups[0].cves[0].date == test_utc("2026-01-16T18:00:00Z"));
	assert_string_equal(tl.ups[0].cves[1].cve, "CVE-2026-1002");
	assert_int_equal(tl.ups[1].ncves, 2);
	assert_string_equal(tl.ups[1].cves[1].cve, "CVE-2026-9000");
	assert_string_equal(tl.ups[1].cves[1].evidence, "security tracker");
	/* 3.0-1 entry (CVE-2025-9999) is not in (3.0-1, 3.0-2] */
	assert_int_equal(tl.ups[2].ncves, 2);
	assert_string_equal(tl.ups[2].cves[0].cve, "CVE-2026-3001");
	vigie_timeline_release(&tl);
	/* period filter */
	o.extra = NULL;
	o.since = test_utc("2026-02-01T00:00:00Z");
	o.until = test_utc("2026-04-07T09:00:00Z");
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	assert_int_equal(tl.n, 1);
	assert_string_equal(tl.ups[0].ev->package, "bar");
	vigie_timeline_release(&tl);
	/* no changelogs: notes */
	memset(&o, 0, sizeof(o));
	o.root = test_data("nonexistent");
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	assert_int_equal(tl.n, 3);
	assert_int_equal(tl.ups[0].ncves, 0);
	assert_non_null(strstr(tl.ups[0].note, "no changelog"));
	vigie_timeline_release(&tl);
	vigie_history_release(&h);
}

static void test_binnmu(void **state)
{
	char root[4096], dir[4200];
	struct history h;
	struct timeline tl;
	struct timeline_opts o;
	struct vigie_error e;
	(void)state;
	snprintf(root, sizeof(root), "%s/binnmu", test_tmpdir());
	snprintf(dir, sizeof(dir), "%s/usr/share/doc/bash", root);
	assert_int_equal(test_system("mkdir -p '%s' '%s/var/log'", dir, root), 0);
	test_write("binnmu/usr/share/doc/bash/changelog.Debian",
		   "bash (5.2.15-2) unstable; urgency=medium\n\n  * Fix CVE-2022-0001.\n\n"
		   " -- M <m@d.org>  Mon, 02 Jan 2023 13:06:21 +0100\n\n"
		   "bash (5.2.15-1) unstable; urgency=medium\n\n  * CVE-2021-0001.\n\n"
		   " -- M <m@d.org>  Sat, 31 Dec 2022 16:40:30 +0100\n");
	test_write("binnmu/usr/share/doc/bash/changelog.Debian.amd64",
		   "bash (5.2.15-2+b8) bookworm; urgency=low, binary-only=yes\n\n"
		   "  * Binary-only non-maintainer upload for amd64; CVE-2025-7777 rebuild.\n\n"
		   " -- all / amd64 / i386 Build Daemon <b@d.org>  Fri, 18 Apr 2025 22:47:34 +0000\n");
	assert_int_equal(test_system("gzip -n '%s/changelog.Debian' '%s/changelog.Debian.amd64'",
				     dir, dir), 0);
	test_write("binnmu/var/log/dpkg.log",
		   "2025-05-01 10:00:00 upgrade bash:amd64 5.2.15-1 5.2.15-2+b8\n"
		   "2025-05-02 10:00:00 upgrade bash:amd64 5.2.15-2+b8 5.2.15-2+b9\n");
	memset(&e, 0, sizeof(e));
	vigie_history_init(&h);
	assert_int_equal(vigie_history_load_all(&h, NULL, NULL, root, &e), 0);
	memset(&o, 0, sizeof(o));
	o.root = root;
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	assert_int_equal(tl.n, 2);
	assert_int_equal(tl.ups[0].ncves, 2);
	assert_string_equal(tl.ups[0].cves[0].cve, "CVE-2025-7777");
	assert_string_equal(tl.ups[0].cves[1].cve, "CVE-2022-0001");
	assert_int_equal(tl.ups[1].ncves, 0);
	vigie_timeline_release(&tl);
	vigie_history_release(&h);
}

/* A CVE named by two entries in (old, new]: the oldest one fixed it (the
 * newer one may be a regression fix), and its date is the fix date. */
static void test_oldest_entry(void **state)
{
	char root[4096], dir[4200];
	struct history h;
	struct timeline tl;
	struct timeline_opts o;
	struct vigie_error e;
	(void)state;
	snprintf(root, sizeof(root), "%s/oldest", test_tmpdir());
	snprintf(dir, sizeof(dir), "%s/usr/share/doc/libxml2", root);
	assert_int_equal(test_system("mkdir -p '%s' '%s/var/log'", dir, root), 0);
	test_write("oldest/usr/share/doc/libxml2/changelog.Debian",
		   "libxml2 (2.9.14+dfsg-1.3~deb12u5) bookworm-security; urgency=medium\n\n"
		   "  * Fix regression in the patch for CVE-2025-7425.\n\n"
		   " -- M <m@d.org>  Sat, 11 Oct 2025 10:00:00 +0000\n\n"
		   "libxml2 (2.9.14+dfsg-1.3~deb12u4) bookworm-security; urgency=medium\n\n"
		   "  * CVE-2025-7425: heap use-after-free in xsltGetInheritedNsList.\n"
		   "  * CVE-2025-6021.\n\n"
		   " -- M <m@d.org>  Mon, 25 Aug 2025 10:00:00 +0000\n\n"
		   "libxml2 (2.9.14+dfsg-1.3~deb12u3) bookworm-security; urgency=medium\n\n"
		   "  * CVE-2025-7425 mentioned below the old version.\n\n"
		   " -- M <m@d.org>  Mon, 02 Jun 2025 10:00:00 +0000\n");
	test_write("oldest/var/log/dpkg.log",
		   "2025-10-20 10:00:00 upgrade libxml2:amd64 2.9.14+dfsg-1.3~deb12u3 "
		   "2.9.14+dfsg-1.3~deb12u5\n");
	memset(&e, 0, sizeof(e));
	vigie_history_init(&h);
	assert_int_equal(vigie_history_load_all(&h, NULL, NULL, root, &e), 0);
	memset(&o, 0, sizeof(o));
	o.root = root;
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	assert_int_equal(tl.n, 1);
	assert_int_equal(tl.ups[0].ncves, 2);
	assert_string_equal(tl.ups[0].cves[0].cve, "CVE-2025-7425");
	assert_string_equal(tl.ups[0].cves[0].version, "2.9.14+dfsg-1.3~deb12u4");
	assert_true(tl.ups[0].cves[0].date == test_utc("2025-08-25T10:00:00Z"));
	assert_non_null(strstr(tl.ups[0].cves[0].evidence, "deb12u4"));
	assert_string_equal(tl.ups[0].cves[1].cve, "CVE-2025-6021");
	vigie_timeline_release(&tl);
	vigie_history_release(&h);
}

static int advisory(void *ud, const char *cve, const char *source, const char *version,
		    int64_t *published, const char **evidence)
{
	(void)ud;
	(void)source;
	(void)version;
	if (strcmp(cve, "CVE-2026-2001"))
		return 0;
	/* DSA on Thursday 14:00: installed Friday 12:00 is within one day */
	*published = test_utc("2026-02-05T14:00:00Z");
	*evidence = "DSA-9999-1";
	return 1;
}

static int classify(void *ud, const char *cve, const char *source, enum sla_class *cls)
{
	(void)ud;
	(void)source;
	if (!strcmp(cve, "CVE-2026-1002")) {
		*cls = SLA_HIGHLY_CRITICAL;
		return 1;
	}
	return 0;
}

static void test_sla_items(void **state)
{
	struct history h;
	struct timeline tl;
	struct timeline_opts o;
	struct vigie_error e;
	struct sla_policy p;
	struct sla_item *items;
	size_t n, undated, followups;
	struct timeline_sla_hooks hooks = { advisory, classify, NULL };
	(void)state;
	load_fixture(&h);
	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	o.root = test_data("history/root");
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	vigie_sla_policy_init(&p, NULL);
	/* without hooks: changelog dates, all standard */
	assert_int_equal(vigie_timeline_sla_items(&items, &n, &undated, &followups, &tl, &p, NULL, &e), 0);
	assert_int_equal(n, 5);
	assert_int_equal(undated, 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(items[i].cls, SLA_STANDARD);
		assert_non_null(strstr(items[i].published_from, "no advisory date known"));
		assert_int_equal(items[i].met, strcmp(items[i].cve, "CVE-2026-2001") != 0);
	}
	free(items);
	assert_int_equal(vigie_timeline_sla_items(&items, &n, &undated, &followups, &tl, &p, &hooks, &e), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(items[i].cve, "CVE-2026-2001")) {
			assert_string_equal(items[i].published_from, "DSA-9999-1");
			assert_true(items[i].met);
			assert_true(items[i].business_seconds == 22 * 3600);
		}
		assert_int_equal(items[i].cls, strcmp(items[i].cve, "CVE-2026-1002")
						       ? SLA_STANDARD : SLA_HIGHLY_CRITICAL);
	}
	free(items);
	vigie_sla_policy_release(&p);
	vigie_timeline_release(&tl);
	vigie_history_release(&h);
}

static void test_reports(void **state)
{
	struct history h;
	struct timeline tl;
	struct timeline_opts o;
	struct vigie_error e;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report_opts ro;
	struct histogram hg;
	(void)state;
	load_fixture(&h);
	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	memset(&ro, 0, sizeof(ro));
	ro.host = "web<01>";
	o.root = test_data("history/root");
	assert_int_equal(vigie_timeline_build(&tl, &h, &o, &e), 0);
	assert_int_equal(vigie_timeline_report_html(&b, &tl, &h, &ro), 0);
	assert_non_null(strstr(b.data, "<!DOCTYPE html>"));
	assert_non_null(strstr(b.data, "web&lt;01&gt;"));
	assert_non_null(strstr(b.data, "<svg"));
	assert_non_null(strstr(b.data, "CVE-2026-3002"));
	/* self-contained: no external resource */
	assert_null(strstr(b.data, "src="));
	assert_null(strstr(b.data, "href="));
	assert_null(strstr(b.data, "@import"));
	vigie_buf_reset(&b);
	assert_int_equal(vigie_histogram_compute(&hg, &h, vigie_days_from_civil(2026, 1, 1),
					   vigie_days_from_civil(2026, 12, 31), HISTOGRAM_MONTH, &e), 0);
	assert_int_equal(hg.n, 12);
	assert_int_equal(hg.bins[0].count, 1);
	assert_int_equal(hg.bins[1].count, 1);
	assert_int_equal(hg.bins[2].count, 0);
	assert_int_equal(hg.bins[3].count, 1);
	assert_int_equal(hg.total, 3);
	vigie_histogram_release(&hg);
	assert_int_equal(vigie_histogram_compute(&hg, &h, vigie_days_from_civil(2026, 1, 1),
					   vigie_days_from_civil(2026, 12, 31), HISTOGRAM_WEEK, &e), 0);
	assert_int_equal(hg.n, 53); /* 52 blocks of 7 days and 31 December */
	assert_int_equal(hg.bins[2].count, 1); /* 15-21 January */
	vigie_histogram_release(&hg);
	assert_int_equal(vigie_histogram_compute(&hg, &h, vigie_days_from_civil(2024, 1, 1),
					   vigie_days_from_civil(2024, 12, 31), HISTOGRAM_DAY, &e), 0);
	assert_int_equal(hg.n, 366);
	assert_int_equal(hg.total, 0);
	vigie_histogram_release(&hg);
	vigie_buf_release(&b);
	vigie_timeline_release(&tl);
	vigie_history_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_binnmu),
		cmocka_unit_test(test_oldest_entry),
		cmocka_unit_test(test_sla_items),
		cmocka_unit_test(test_reports),
	};
	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
