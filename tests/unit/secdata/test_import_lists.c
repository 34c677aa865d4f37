/* Importers of advisory lists, distro-info and security-support lists on
 * fixtures: what is stored, what the read helpers return, and that a
 * failed import leaves the previous data untouched. */
#include "testutil.h"
#include "vigie/secdata/import.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vigie_store *open_store(const char *name)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	char path[1024];
	vigie_error_init(&err);
	snprintf(path, sizeof(path), "%s/%s", test_tmpdir(), name);
	assert_int_equal(vigie_store_open(&s, path, 0, &err), 0);
	return s;
}

static long count(struct vigie_store *s, const char *table)
{
	struct vigie_error err;
	vigie_error_init(&err);
	return vigie_store_count(s, table, &err);
}

struct src_find {
	const char *name;
	long rows;
	int64_t data_date;
	int found;
};

static int src_cb(void *ud, const struct store_source *src)
{
	struct src_find *f = ud;
	if (!strcmp(src->name, f->name)) {
		f->found = 1;
		f->rows = src->rows;
		f->data_date = src->data_date;
	}
	return 0;
}

static struct src_find source(struct vigie_store *s, const char *name)
{
	struct src_find f = { name, 0, 0, 0 };
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_store_sources_each(s, src_cb, &f, &err), 0);
	return f;
}

static int fix_cb(void *ud, const struct store_advisory_fix *f)
{
	struct vigie_buf *b = ud;
	vigie_buf_addf(b, "%s %s %s %s %s %s|", f->advisory, f->date, f->source,
		       f->version ? f->version : "-", f->kind, f->note ? f->note : "-");
	return 0;
}

static int adv_cb(void *ud, const struct store_advisory *a)
{
	struct vigie_buf *b = ud;
	vigie_buf_addf(b, "%s %s %s|", a->id, a->date, a->packages ? a->packages : "-");
	return 0;
}

static int cve_fix_cb(void *ud, const struct store_advisory_fix *f)
{
	struct vigie_buf *b = ud;
	vigie_buf_addf(b, "%s %s %s %s %s %s %s|", f->cve, f->advisory, f->date, f->release,
		       f->source, f->version ? f->version : f->kind,
		       f->description ? f->description : "-");
	return 0;
}

static void test_advisories(void **state)
{
	struct vigie_store *s = open_store("adv.db");
	struct vigie_error err;
	struct import_stats st;
	struct store_advisory_info ai;
	struct vigie_arena a;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct src_find f;
	const char *bad;
	int64_t d;
	(void)state;

	vigie_error_init(&err);
	vigie_arena_init(&a);
	assert_int_equal(vigie_import_advisory_list(s, test_data("advlist/dsa.list"), "DSA",
					      &st, &err), 0);
	assert_int_equal(st.rows, 11);
	assert_int_equal(count(s, "advisories"), 11);
	assert_int_equal(count(s, "advisory_cves"), 9);
	assert_int_equal(count(s, "advisory_fixes"), 17);
	f = source(s, "dsa-list");
	assert_true(f.found);
	assert_int_equal(f.rows, 11);
	assert_int_equal(vigie_time_parse(&d, "2023-03-29", 0), 0);
	assert_int_equal(f.data_date, d);

	assert_int_equal(vigie_store_advisory_get(s, "DSA-5376-1", &a, &ai, &err), 0);
	assert_string_equal(ai.kind, "DSA");
	assert_string_equal(ai.date, "2023-03-20");
	assert_string_equal(ai.packages, "apache2");
	assert_int_equal(ai.ncves, 5);
	assert_string_equal(ai.cves[0], "CVE-2006-20001");
	assert_string_equal(ai.cves[4], "CVE-2023-27522");
	assert_int_equal(vigie_store_advisory_get(s, "DSA-4205-1", &a, &ai, &err), 0);
	assert_null(ai.packages);
	assert_int_equal(ai.ncves, 0);
	assert_int_equal(vigie_store_advisory_get(s, "DSA-9999-1", &a, &ai, &err), VIGIE_ENOTFOUND);

	assert_int_equal(vigie_store_advisory_fixes_each(s, "lenny", fix_cb, &b, &err), 0);
	assert_string_equal(b.data,
		"DSA-1700-1 2008-12-12 opensaml2 - itp bug #1|"
		"DSA-1700-1 2008-12-12 shibboleth-sp2 - postponed -|"
		"DSA-1991-1 2010-02-04 squid 2.7.STABLE3-4.1lenny1 fixed -|"
		"DSA-1991-1 2010-02-04 squid3 3.0.STABLE8-3+lenny3 fixed -|");
	vigie_buf_reset(&b);
	assert_int_equal(vigie_store_advisories_for_cve(s, "CVE-2010-0308", adv_cb, &b, &err), 0);
	assert_string_equal(b.data, "DSA-1991-1 2010-02-04 squid squid3|");
	/* fix lines with their CVE: by CVE (etch before lenny), by release */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_store_advisory_cve_fixes(s, NULL, "CVE-2010-0308", cve_fix_cb, &b,
						  &err), 0);
	assert_non_null(strstr(b.data, "CVE-2010-0308 DSA-1991-1 2010-02-04 etch squid "
					"not-affected squid squid3 - denial of service|CVE-2010-0308 "
					"DSA-1991-1 2010-02-04 lenny squid"));
	assert_non_null(strstr(b.data, "lenny squid 2.7.STABLE3-4.1lenny1 squid squid3 - denial of service|"));
	assert_non_null(strstr(b.data, "lenny squid3 3.0.STABLE8-3+lenny3 squid squid3 - denial of service|"));
	{
		size_t bars = 0;
		for (const char *q = b.data; *q; q++)
			bars += *q == '|';
		assert_int_equal(bars, 3);
	}
	vigie_buf_reset(&b);
	assert_int_equal(vigie_store_advisory_cve_fixes(s, "etch", NULL, cve_fix_cb, &b, &err), 0);
	/* oldest advisory first; DSA-1700-1 names no CVE: its etch lines are
	 * not joined */
	assert_string_equal(b.data, "CVE-2007-5300 DSA-1452-1 2008-01-06 etch wzdftpd "
				    "0.8.1-2etch1 wzdftpd denial of service|CVE-2010-0308 DSA-1991-1 2010-02-04 etch squid "
				    "not-affected squid squid3 - denial of service|");
	assert_int_equal(vigie_store_advisory_cve_fixes(s, NULL, NULL, cve_fix_cb, &b, &err),
			 VIGIE_EUSAGE);
	assert_int_equal(vigie_store_advisory_cve_fixes(s, "etch", "CVE-2010-0308", cve_fix_cb, &b,
						  &err), VIGIE_EUSAGE);

	/* a DLA import leaves the DSAs alone; a re-import replaces */
	assert_int_equal(vigie_import_advisory_list(s, test_data("advlist/dla.list"), "DLA",
					      &st, &err), 0);
	assert_int_equal(st.rows, 4);
	assert_int_equal(count(s, "advisories"), 15);
	assert_int_equal(vigie_import_advisory_list(s, test_data("advlist/dsa.list"), "DSA",
					      &st, &err), 0);
	assert_int_equal(count(s, "advisories"), 15);
	assert_int_equal(count(s, "advisory_fixes"), 17 + 4);

	/* a failing import keeps everything as it was */
	bad = test_write("bad.list",
			 "[29 Mar 2023] DSA-1-1 foo - security update\n"
			 "\t[bullseye] - foo 1.0-1\n"
			 "\t[bullseye] - bar 1.0-\n");
	assert_int_equal(vigie_import_advisory_list(s, bad, "DSA", &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.file, bad);
	assert_int_equal(st.rows, 0);
	assert_int_equal(count(s, "advisories"), 15);
	assert_int_equal(count(s, "advisory_cves"), 9 + 3);
	assert_int_equal(count(s, "advisory_fixes"), 21);
	assert_int_equal(source(s, "dsa-list").rows, 11);
	assert_int_equal(vigie_store_advisory_get(s, "DSA-1-1", &a, &ai, &err), VIGIE_ENOTFOUND);

	bad = test_write("dup.list",
			 "[29 Mar 2023] DSA-1-1 foo - security update\n"
			 "[28 Mar 2023] DSA-1-1 foo - security update\n");
	vigie_error_init(&err);
	assert_int_equal(vigie_import_advisory_list(s, bad, "DSA", &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "duplicate advisory DSA-1-1"));
	assert_int_equal(count(s, "advisories"), 15);

	vigie_error_init(&err);
	assert_int_equal(vigie_import_advisory_list(s, test_data("advlist/dsa.list"), "CVE",
					      &st, &err), VIGIE_EUSAGE);
	vigie_buf_release(&b);
	vigie_arena_release(&a);
	vigie_store_close(s);
}

static int rel_cb(void *ud, const struct store_release *r)
{
	struct vigie_buf *b = ud;
	vigie_buf_addf(b, "%s/%s/%s/%s/%s|", r->codename, r->version, r->created,
		       r->eol, r->eol_elts);
	return 0;
}

static void test_distro_info(void **state)
{
	struct vigie_store *s = open_store("di.db");
	struct vigie_error err;
	struct import_stats st;
	struct store_release r;
	struct vigie_buf b = VIGIE_BUF_INIT;
	const char *bad;
	(void)state;

	vigie_error_init(&err);
	assert_int_equal(vigie_import_distro_info(s, test_data("advlist/distro-info.csv"), &st,
					    &err), 0);
	assert_int_equal(st.rows, 6);
	assert_int_equal(vigie_store_release_get(s, "bookworm", &r, &err), 0);
	assert_string_equal(r.version, "12");
	assert_string_equal(r.eol_lts, "2028-06-30");
	assert_string_equal(r.eol_elts, "");
	assert_int_equal(vigie_store_release_get(s, "Bookworm", &r, &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_release_by_number(s, "11", &r, &err), 0);
	assert_string_equal(r.codename, "bullseye");
	assert_string_equal(r.release, "2021-08-14");
	assert_int_equal(vigie_store_release_by_number(s, "3", &r, &err), 0);
	assert_string_equal(r.codename, "woody");
	assert_int_equal(vigie_store_release_by_number(s, "13", &r, &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_releases_each(s, rel_cb, &b, &err), 0);
	assert_string_equal(b.data,
		"sid//1993-08-16//|woody/3.0/2000-08-15/2006-06-30/|"
		"buster/10/2017-06-17/2022-09-10/2029-06-30|"
		"bullseye/11/2019-07-06/2024-08-14/2031-06-30|"
		"bookworm/12/2021-08-14/2026-07-11/|forky/14/2025-08-09//|");

	bad = test_write("di-json.csv", "{\"version\": 1}\n");
	assert_int_equal(vigie_import_distro_info(s, bad, &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 1);
	bad = test_write("di-date.csv",
			 "version,codename,series,created,release,eol\n"
			 "13,Trixie,trixie,2023-06-10,2025-08-09\n"
			 "14,Forky,forky,2025-02-30\n");
	assert_int_equal(vigie_import_distro_info(s, bad, &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "bad created date"));
	bad = test_write("di-cols.csv",
			 "version,codename,series,created\n"
			 "13,Trixie,trixie,2023-06-10,2025-08-09\n");
	assert_int_equal(vigie_import_distro_info(s, bad, &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	bad = test_write("di-empty.csv", "version,codename,series,created\n");
	assert_int_equal(vigie_import_distro_info(s, bad, &st, &err), VIGIE_EPARSE);
	/* nothing of the failed imports was kept */
	assert_int_equal(count(s, "releases"), 6);
	assert_int_equal(vigie_store_release_get(s, "trixie", &r, &err), VIGIE_ENOTFOUND);
	vigie_buf_release(&b);
	vigie_store_close(s);
}

static void test_support(void **state)
{
	struct vigie_store *s = open_store("sup.db");
	struct vigie_error err;
	struct import_stats st;
	const char *ver = NULL, *date = NULL, *note = NULL;
	struct vigie_arena a;
	const char *ended = test_data("advlist/security-support-ended.deb11");
	char endedcopy[1024];
	const char *bad;
	(void)state;

	snprintf(endedcopy, sizeof(endedcopy), "%s", ended);
	vigie_error_init(&err);
	vigie_arena_init(&a);
	/* .deb11 means nothing until distro-info says which release it is */
	assert_int_equal(vigie_import_support_ended(s, endedcopy, NULL, &st, &err), VIGIE_EUSAGE);
	assert_non_null(strstr(err.msg, "distro-info"));
	assert_int_equal(vigie_import_distro_info(s, test_data("advlist/distro-info.csv"), &st,
					    &err), 0);
	assert_int_equal(vigie_import_support_ended(s, endedcopy, NULL, &st, &err), 0);
	assert_int_equal(st.rows, 3);
	assert_true(source(s, "support-ended-bullseye").found);
	assert_int_equal(vigie_store_support_ended_get(s, "bullseye", "tomcat9", &a, &ver,
						       &date, &note, &err), 0);
	assert_string_equal(ver, "9.0.43-2~deb11u3");
	assert_string_equal(date, "2024-06-30");
	assert_string_equal(note, "https://example.org/tomcat");
	assert_int_equal(vigie_store_support_ended_get(s, "bullseye", "node-lodash", &a, &ver,
						       NULL, &note, &err), 0);
	assert_string_equal(ver, "0");
	assert_null(note);
	assert_int_equal(vigie_store_support_ended_get(s, "bullseye", "xen", &a, NULL, NULL,
						       &note, &err), 0);
	assert_string_equal(note, "see   the   notes");
	assert_int_equal(vigie_store_support_ended_get(s, "bullseye", "nodejs", &a, NULL, NULL,
						       NULL, &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_support_ended_get(s, "bookworm", "tomcat9", &a, NULL, NULL,
						       NULL, &err), VIGIE_ENOTFOUND);

	/* explicit release, any file name */
	bad = test_write("ended.txt", "foo 1.0-1 2030-01-01\n");
	assert_int_equal(vigie_import_support_ended(s, bad, NULL, &st, &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_import_support_ended(s, bad, "trixie", &st, &err), 0);
	assert_int_equal(count(s, "support_ended"), 4);
	bad = test_write("bad.deb11", "# comment\nfoo 1.0- 2030-01-01\n");
	assert_int_equal(vigie_import_support_ended(s, bad, NULL, &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	bad = test_write("bad2.deb11", "foo 1.0-1 2030-13-01\n");
	assert_int_equal(vigie_import_support_ended(s, bad, NULL, &st, &err), VIGIE_EPARSE);
	bad = test_write("bad3.deb11", "foo 1.0-1\n");
	assert_int_equal(vigie_import_support_ended(s, bad, NULL, &st, &err), VIGIE_EPARSE);
	assert_int_equal(count(s, "support_ended"), 4);

	assert_int_equal(vigie_import_support_limited(s, test_data("advlist/security-support-limited"),
						&st, &err), 0);
	assert_int_equal(st.rows, 3);
	assert_int_equal(vigie_store_support_limited_get(s, "golang-1.19", &a, &note, &err), 0);
	assert_string_equal(note, "static linking");
	assert_int_equal(vigie_store_support_limited_get(s, "qtwebkit", &a, &note, &err), 0);
	assert_null(note);
	assert_int_equal(vigie_store_support_limited_get(s, "binutils-arm", &a, NULL, &err),
			 VIGIE_ENOTFOUND);
	bad = test_write("limited-bad", "ok-package fine\nbad\xff name\n");
	assert_int_equal(vigie_import_support_limited(s, bad, &st, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(count(s, "support_limited"), 3);
	vigie_arena_release(&a);
	vigie_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advisories),
		cmocka_unit_test(test_distro_info),
		cmocka_unit_test(test_support),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
