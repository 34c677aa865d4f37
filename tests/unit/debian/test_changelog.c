#include "testutil.h"
#include "vigie/debian/changelog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct warns {
	int n;
	char all[8192];
};

static void collect(void *ud, const struct vigie_error *w)
{
	struct warns *ws = ud;
	char buf[1200];
	vigie_error_format(w, buf, sizeof(buf));
	ws->n++;
	if (strlen(ws->all) + strlen(buf) + 2 < sizeof(ws->all)) {
		strcat(ws->all, buf);
		strcat(ws->all, "\n");
	}
}

static void err_init(struct vigie_error *e, struct warns *ws)
{
	memset(e, 0, sizeof(*e));
	memset(ws, 0, sizeof(*ws));
	e->warn = collect;
	e->warn_ud = ws;
}

static int load_mem(struct changelog *cl, const char *text, struct vigie_error *e)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open_mem(&r, text, strlen(text), "mem", e);
	if (rc)
		return rc;
	rc = vigie_changelog_load_reader(cl, r, e);
	vigie_reader_free(r);
	return rc;
}

static void test_odd(void **state)
{
	struct changelog cl;
	struct vigie_error e;
	struct warns ws;
	const struct changelog_entry *x;
	(void)state;
	vigie_changelog_init(&cl);
	err_init(&e, &ws);
	assert_int_equal(vigie_changelog_load(&cl, test_data("history/changelog.odd"), &e), 0);
	assert_int_equal(cl.n, 3);
	x = &cl.entries[0];
	assert_string_equal(x->source, "foo");
	assert_string_equal(x->version, "1.0-3");
	assert_string_equal(x->distributions, "unstable experimental");
	assert_string_equal(x->urgency, "high");
	assert_int_equal(x->binary_only, 1);
	assert_string_equal(x->keywords, "urgency=HIGH (for hurd), binary-only=yes");
	assert_string_equal(x->maintainer, "Jane Doe <jane@example.org>");
	assert_true(x->date == test_utc("2026-03-02T09:00:00Z"));
	assert_int_equal(x->ncves, 3);
	assert_string_equal(x->cves[0], "CVE-2026-0001");
	assert_string_equal(x->cves[1], "CVE-2026-0002");
	assert_string_equal(x->cves[2], "CVE-2026-0003");
	assert_int_equal(x->line, 1);
	{
		char kb[32];
		assert_string_equal(vigie_changelog_keyword(x, "Binary-Only", kb, sizeof(kb)), "yes");
		assert_string_equal(vigie_changelog_keyword(x, "urgency", kb, sizeof(kb)), "HIGH (for hurd)");
		assert_null(vigie_changelog_keyword(x, "binary", kb, sizeof(kb)));
		assert_null(vigie_changelog_keyword(x, "only=yes", kb, sizeof(kb)));
	}
	assert_non_null(strstr(x->text, "  * Fix CVE-2026-0001"));
	x = &cl.entries[1];
	assert_string_equal(x->version, "1.0-2");
	assert_int_equal(x->ncves, 1);
	assert_string_equal(x->cves[0], "CVE-2025-12345678");
	assert_string_equal(x->maintainer, "");
	assert_true(x->date == 0);
	x = &cl.entries[2];
	assert_string_equal(x->version, "1.0-1");
	assert_string_equal(x->urgency, "low");
	assert_int_equal(x->ncves, 0); /* XCVE-2020-1234, CVE-20-1, CVE-2020-12 are not ids */
	assert_string_equal(x->maintainer, "John Smith <john@example.org>");
	assert_true(x->date == 0);
	assert_non_null(strstr(ws.all, "changelog.odd:8: entry 1.0-2 has no trailer line"));
	assert_non_null(strstr(ws.all, "changelog.odd:15: unparsable date in trailer"));
	vigie_changelog_release(&cl);
}

static void test_between(void **state)
{
	struct changelog cl;
	struct vigie_error e;
	struct warns ws;
	const struct changelog_entry **v;
	size_t n;
	(void)state;
	vigie_changelog_init(&cl);
	err_init(&e, &ws);
	assert_int_equal(vigie_changelog_load(&cl, test_data("history/changelog.odd"), &e), 0);
	assert_int_equal(vigie_changelog_entries_between(&cl, "1.0-1", "1.0-3", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->version, "1.0-3");
	assert_string_equal(v[1]->version, "1.0-2");
	free(v);
	assert_int_equal(vigie_changelog_entries_between(&cl, "", "1.0-1", &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(vigie_changelog_entries_between(&cl, "1.0-2", "1.0-2", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	/* dpkg order: ~ sorts first, so 1.0-3~bpo < 1.0-3 */
	assert_int_equal(vigie_changelog_entries_between(&cl, "1.0-2", "1.0-3~bpo1", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vigie_changelog_entries_between(&cl, "1.0-2+b1", "1.0-3+b1", &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	vigie_changelog_release(&cl);
}

static void test_real_gz(void **state)
{
	struct changelog cl;
	struct vigie_error e;
	struct warns ws;
	(void)state;
	vigie_changelog_init(&cl);
	err_init(&e, &ws);
	assert_int_equal(vigie_changelog_load(&cl, test_data("history/root/usr/share/doc/libfoo1/changelog.Debian.gz"), &e), 0);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.entries[0].distributions, "trixie-security");
	assert_int_equal(cl.entries[0].ncves, 2);
	assert_true(cl.entries[0].date == test_utc("2026-01-16T18:00:00Z"));
	assert_int_equal(ws.n, 0);
	vigie_changelog_release(&cl);
}

static void test_shared_samples(void **state)
{
	const char *p = test_shared("samples/local/openssl.changelog.Debian.excerpt");
	struct changelog cl;
	struct vigie_error e;
	struct warns ws;
	(void)state;
	if (!p) {
		skip();
		return;
	}
	vigie_changelog_init(&cl);
	err_init(&e, &ws);
	assert_int_equal(vigie_changelog_load(&cl, p, &e), 0);
	assert_int_equal(cl.n, 3);
	assert_int_equal(cl.entries[0].ncves, 5);
	assert_int_equal(cl.entries[1].ncves, 0);
	assert_int_equal(cl.entries[2].ncves, 8);
	assert_string_equal(cl.entries[0].urgency, "medium");
	vigie_changelog_release(&cl);
	p = test_shared("samples/local/bash.changelog.Debian.amd64");
	vigie_changelog_init(&cl);
	err_init(&e, &ws);
	assert_int_equal(vigie_changelog_load(&cl, p, &e), 0);
	assert_int_equal(cl.n, 1);
	assert_int_equal(cl.entries[0].binary_only, 1);
	assert_string_equal(cl.entries[0].version, "5.2.15-2+b8");
	assert_true(cl.entries[0].date == test_utc("2025-04-18T22:47:34Z"));
	vigie_changelog_release(&cl);
}

static void test_bad_input(void **state)
{
	struct changelog cl;
	struct vigie_error e;
	struct warns ws;
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	vigie_changelog_init(&cl);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&cl, "this is not\na changelog\n", &e), VIGIE_EPARSE);
	assert_int_equal(load_mem(&cl, "", &e), 0);
	assert_int_equal(cl.n, 0);
	/* text over the bound */
	vigie_buf_adds(&b, "foo (1) unstable; urgency=low\n\n");
	for (int i = 0; i < 20000; i++)
		vigie_buf_adds(&b, "  * a line of text that repeats many times over.......\n");
	err_init(&e, &ws);
	assert_int_equal(load_mem(&cl, b.data, &e), VIGIE_ELIMIT);
	assert_true(e.line > 2);
	/* invalid UTF-8 line is dropped, entry kept */
	err_init(&e, &ws);
	vigie_changelog_release(&cl);
	vigie_changelog_init(&cl);
	assert_int_equal(load_mem(&cl, "foo (1) unstable; urgency=low\n\n  * caf\xe9 CVE-2024-1111\n  * CVE-2024-2222\n\n"
				  " -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n", &e), 0);
	assert_int_equal(cl.n, 1);
	assert_int_equal(cl.entries[0].ncves, 1);
	assert_string_equal(cl.entries[0].cves[0], "CVE-2024-2222");
	assert_non_null(strstr(ws.all, "mem:3: invalid UTF-8"));
	vigie_buf_release(&b);
	vigie_changelog_release(&cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_real_gz),
		cmocka_unit_test(test_shared_samples),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
