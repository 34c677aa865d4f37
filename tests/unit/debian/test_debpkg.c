#define _GNU_SOURCE
#include "testutil.h"
#include "test_httpd.h"
#include "vigie/debian/debpkg.h"
#include "vigie/core/sha256.h"
#include "vigie/store/store.h"
#include "store/store_internal.h"

static const char changelog[] =
	"hello (1.0-3) bookworm-security; urgency=high\n\n"
	"  * Fix CVE-2026-0003 and CVE-2026-0004.\n"
	"  * Also CVE-2026-0003 again.\n\n"
	" -- A <a@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\n\n"
	"hello (1.0-2) bookworm; urgency=medium\n\n"
	"  * Fix CVE-2026-0002.\n\n"
	" -- A <a@example.org>  Mon, 01 Jun 2026 10:00:00 +0000\n\n"
	"hello (1.0-1.1) bookworm; urgency=medium\n\n"
	"  * No CVE here.\n\n"
	" -- A <a@example.org>  Mon, 01 Jun 2026 10:00:00 +0000\n\n"
	"hello (1.0-1) unstable; urgency=low\n\n"
	"  * Initial release, mentions CVE-2025-0001.\n\n"
	" -- A <a@example.org>  Mon, 01 Jan 2025 10:00:00 +0000\n";

static char deb[4400], debdir[4200];

/* Build hello_1.0-3_all.deb with dpkg-deb (and a variant whose doc
 * directory is a symlink). */
static void build_debs(void)
{
	const char *t = test_tmpdir();
	char p[4400];
	FILE *f;

	snprintf(debdir, sizeof(debdir), "%s/www", t);
	assert_int_equal(test_system("mkdir -p '%s/pkg/DEBIAN' '%s/pkg/usr/share/doc/hello' "
				     "'%s/pkg2/DEBIAN' '%s/pkg2/usr/share/doc' '%s'",
				     t, t, t, t, debdir), 0);
	snprintf(p, sizeof(p), "%s/pkg/DEBIAN/control", t);
	f = fopen(p, "w");
	fputs("Package: hello\nVersion: 1.0-3\nArchitecture: all\nMaintainer: A <a@example.org>\n"
	      "Description: test\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/pkg/usr/share/doc/hello/changelog.Debian", t);
	f = fopen(p, "w");
	fputs(changelog, f);
	fclose(f);
	assert_int_equal(test_system("gzip -9n '%s' && dpkg-deb -Zxz --root-owner-group -b '%s/pkg' "
				     "'%s/hello.deb' >/dev/null", p, t, debdir), 0);
	snprintf(deb, sizeof(deb), "%s/hello.deb", debdir);
	snprintf(p, sizeof(p), "%s/pkg2/DEBIAN/control", t);
	f = fopen(p, "w");
	fputs("Package: hello\nVersion: 1.0-3\nArchitecture: all\nMaintainer: A <a@example.org>\n"
	      "Description: test\n", f);
	fclose(f);
	assert_int_equal(test_system("ln -s other '%s/pkg2/usr/share/doc/hello' && "
				     "dpkg-deb -Zgzip --root-owner-group -b '%s/pkg2' '%s/link.deb' >/dev/null && "
				     "head -c $(($(stat -c%%s '%s') - 60)) '%s' > '%s/trunc.deb' && echo 'not a deb' > '%s/junk.deb'",
				     t, t, debdir, deb, deb, debdir, debdir), 0);
}

/* A native package: its Debian changelog is changelog.gz. */
static void build_native(void)
{
	const char *t = test_tmpdir();
	char p[4400];
	FILE *f;

	assert_int_equal(test_system("mkdir -p '%s/pkg3/DEBIAN' '%s/pkg3/usr/share/doc/native'", t, t), 0);
	snprintf(p, sizeof(p), "%s/pkg3/DEBIAN/control", t);
	f = fopen(p, "w");
	fputs("Package: native\nVersion: 2.1\nArchitecture: all\nMaintainer: A <a@example.org>\n"
	      "Description: test\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/pkg3/usr/share/doc/native/changelog", t);
	f = fopen(p, "w");
	fputs("native (2.1) bookworm-security; urgency=high\n\n  * CVE-2026-0100.\n\n"
	      " -- A <a@example.org>  Mon, 02 Nov 2026 10:00:00 +0000\n", f);
	fclose(f);
	assert_int_equal(test_system("gzip -9n '%s' && dpkg-deb -Zxz --root-owner-group -b '%s/pkg3' "
				     "'%s/native.deb' >/dev/null", p, t, debdir), 0);
	/* the member itself a symlink (to another package's changelog) */
	assert_int_equal(test_system("mkdir -p '%s/pkg4/DEBIAN' '%s/pkg4/usr/share/doc/hello' && "
				     "cp '%s/pkg/DEBIAN/control' '%s/pkg4/DEBIAN/' && "
				     "ln -s ../other/changelog.Debian.gz "
				     "'%s/pkg4/usr/share/doc/hello/changelog.Debian.gz' && "
				     "dpkg-deb -Zxz --root-owner-group -b '%s/pkg4' '%s/clink.deb' >/dev/null",
				     t, t, t, t, t, t, debdir), 0);
}

static int setup(void **state)
{
	if (test_system("command -v dpkg-deb >/dev/null") != 0)
		return -1;
	build_debs();
	build_native();
	return start_server(state);
}

static int collect(void *ud, const char *version, const char *cve)
{
	return vigie_buf_addf(ud, "%s:%s ", version, cve);
}

static void test_read_and_summarize(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT, s = VIGIE_BUF_INIT;
	struct vigie_strv cves;
	struct vigie_error err;
	char p[4400];
	(void)state;

	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_debpkg_read_file(&b, deb, "./usr/share/doc/hello/changelog.Debian.gz",
					  1 << 20, &err), 0);
	assert_int_equal(vigie_changelog_summarize(&s, b.data, b.len, "changelog", &err), 0);
	assert_string_equal(s.data,
			    "1.0-3 CVE-2026-0003 CVE-2026-0004\n"
			    "1.0-2 CVE-2026-0002\n"
			    "1.0-1 CVE-2025-0001\n");
	vigie_strv_init(&cves);
	assert_int_equal(vigie_changelog_summary_cves(&cves, s.data, "1.0-1", "1.0-3"), 0);
	assert_int_equal(cves.n, 3);
	assert_string_equal(cves.v[0], "CVE-2026-0003");
	assert_string_equal(cves.v[2], "CVE-2026-0002");
	vigie_strv_release(&cves);
	vigie_strv_init(&cves);
	assert_int_equal(vigie_changelog_summary_cves(&cves, s.data, "1.0-2", "1.0-2"), 0);
	assert_int_equal(cves.n, 0);
	assert_int_equal(vigie_changelog_summary_cves(&cves, s.data, "1.0-1.1", NULL), 0);
	assert_int_equal(cves.n, 3);
	vigie_strv_release(&cves);

	/* the entry versions with their CVEs, in the range, newest first */
	{
		struct vigie_buf seen = VIGIE_BUF_INIT;
		assert_int_equal(vigie_changelog_summary_each(s.data, "1.0-1", NULL, collect, &seen), 0);
		assert_string_equal(seen.data, "1.0-3:CVE-2026-0003 1.0-3:CVE-2026-0004 "
					       "1.0-2:CVE-2026-0002 ");
		vigie_buf_release(&seen);
	}
	/* an entry with an invalid version is left out; parser warnings are
	 * not passed on; a text without any entry is not a changelog */
	{
		static const char odd[] =
			"x (1.0-2) unstable; urgency=low\n\n  * CVE-2026-0100\n\n"
			" -- A <a@b.c>  not a date\n\n"
			"x (:bad) unstable; urgency=low\n\n  * CVE-2026-0101\n\n"
			" -- A <a@b.c>  Mon, 01 Jun 2026 10:00:00 +0000\n";
		struct vigie_buf o = VIGIE_BUF_INIT;
		memset(&err, 0, sizeof(err));
		assert_int_equal(vigie_changelog_summarize(&o, odd, sizeof(odd) - 1, "odd", &err), 0);
		assert_string_equal(o.data, "1.0-2 CVE-2026-0100\n");
		assert_int_equal(err.warnings, 0);
		vigie_buf_reset(&o);
		assert_int_equal(vigie_changelog_summarize(&o, "just text\n", 10, "junk", &err),
				 VIGIE_EPARSE);
		assert_string_equal(err.file, "junk");
		vigie_buf_reset(&o);
		assert_int_equal(vigie_changelog_summarize(&o, "", 0, "empty", &err), 0);
		assert_string_equal(o.data, "");
		vigie_buf_release(&o);
	}

	/* size cap */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_debpkg_read_file(&b, deb, "usr/share/doc/hello/changelog.Debian.gz",
					  10, &err), VIGIE_ELIMIT);
	/* absent member, symlinked doc directory */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_debpkg_read_file(&b, deb, "usr/share/doc/nope", 1 << 20, &err),
			 VIGIE_ENOTFOUND);
	snprintf(p, sizeof(p), "%s/link.deb", debdir);
	assert_int_equal(vigie_debpkg_read_file(&b, p, "usr/share/doc/hello/changelog.Debian.gz",
					  1 << 20, &err), VIGIE_ENOTFOUND);
	snprintf(p, sizeof(p), "%s/clink.deb", debdir);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_debpkg_read_file(&b, p, "usr/share/doc/hello/changelog.Debian.gz",
					  1 << 20, &err), VIGIE_ENOTFOUND);
	assert_string_equal(err.file, p);
	assert_non_null(strstr(err.msg, "symlink"));
	/* corrupt packages */
	snprintf(p, sizeof(p), "%s/trunc.deb", debdir);
	assert_int_equal(vigie_debpkg_read_file(&b, p, "usr/share/doc/hello/changelog.Debian.gz",
					  1 << 20, &err), VIGIE_EPARSE);
	assert_string_equal(err.file, p);
	snprintf(p, sizeof(p), "%s/junk.deb", debdir);
	assert_int_equal(vigie_debpkg_read_file(&b, p, "usr/share/doc/hello/changelog.Debian.gz",
					  1 << 20, &err), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "not a Debian package"));
	vigie_buf_release(&b);
	vigie_buf_release(&s);
}

static void test_download(void **state)
{
	struct vigie_buf s = VIGIE_BUF_INIT;
	struct vigie_error err;
	char sha[SHA256_HEX_LEN + 1], u[512], dir[4200];
	(void)state;

	memset(&err, 0, sizeof(err));
	snprintf(dir, sizeof(dir), "%s", test_tmpdir());
	assert_int_equal(vigie_sha256_file(sha, deb, &err), 0);
	snprintf(u, sizeof(u), "%s/hello.deb", base);
	assert_int_equal(vigie_debpkg_changelog_summary(&s, u, sha, "hello", dir, NULL, &err), 0);
	assert_non_null(strstr(s.data, "1.0-2 CVE-2026-0002\n"));
	vigie_buf_reset(&s);
	sha[0] = sha[0] == '0' ? '1' : '0';
	assert_int_equal(vigie_debpkg_changelog_summary(&s, u, sha, "hello", dir, NULL, &err), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "checksum mismatch"));
	assert_string_equal(err.file, u);
	snprintf(u, sizeof(u), "%s/trunc.deb", base);
	assert_int_equal(vigie_debpkg_changelog_summary(&s, u, NULL, "hello", dir, NULL, &err), VIGIE_EPARSE);
	snprintf(u, sizeof(u), "%s/native.deb", base);
	vigie_buf_reset(&s);
	assert_int_equal(vigie_debpkg_changelog_summary(&s, u, NULL, "native", dir, NULL, &err), 0);
	assert_string_equal(s.data, "2.1 CVE-2026-0100\n");
	snprintf(u, sizeof(u), "%s/link.deb", base);
	assert_int_equal(vigie_debpkg_changelog_summary(&s, u, NULL, "hello", dir, NULL, &err), VIGIE_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nor changelog.gz"));
	snprintf(u, sizeof(u), "%s/missing.deb", base);
	assert_int_equal(vigie_debpkg_changelog_summary(&s, u, NULL, "hello", dir, NULL, &err), VIGIE_ENET);
	vigie_buf_release(&s);
}

static void test_store(void **state)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct vigie_strv cves;
	struct vigie_arena a;
	char db[4200];
	const char *data = NULL;
	(void)state;

	memset(&err, 0, sizeof(err));
	snprintf(db, sizeof(db), "%s/s.db", test_tmpdir());
	assert_int_equal(vigie_store_open(&s, db, 0, &err), 0);
	vigie_arena_init(&a);
	assert_int_equal(vigie_store_changelog_get(s, "hello", "1.0-3", &a, &data, &err),
			 VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_changelog_put(s, "hello", "1.0-3", 5, "1.0-3 CVE-1\n", &err), 0);
	assert_int_equal(vigie_store_changelog_get(s, "hello", "1.0-3", &a, &data, &err), 0);
	assert_string_equal(data, "1.0-3 CVE-1\n");
	vigie_arena_release(&a);
	/* tracker rows and advisories through the store's import calls */
	{
		static const struct store_tracker_row rows[] = {
			{ "bookworm", "hello", "CVE-2026-0001", "resolved", "1.0-1", NULL, NULL, NULL, 0, NULL },
			{ "bookworm", "hello", "CVE-2026-0002", "resolved", "1.0-2", NULL, NULL, NULL, 0, NULL },
			{ "bookworm", "hello", "CVE-2026-0003", "resolved", "1.0-3", NULL, NULL, NULL, 0, NULL },
			{ "bookworm", "hello", "CVE-2026-0009", "resolved", "1.0-4", NULL, NULL, NULL, 0, NULL },
			{ "bookworm", "hello", "CVE-2026-0010", "open", NULL, NULL, NULL, NULL, 0, NULL },
			{ "bookworm", "hello", "CVE-2026-0011", "resolved", "0", NULL, NULL, NULL, 0, NULL },
			{ "trixie", "hello", "CVE-2026-0005", "resolved", "1.0-2", NULL, NULL, NULL, 0, NULL },
		};
		static const struct store_advisory advs[] = {
			{ "DSA-1-1", "DSA", "2026-01-01", NULL, "hello" },
			{ "DSA-2-1", "DSA", "2026-01-02", NULL, "hello" },
			{ "DSA-3-1", "DSA", "2026-01-03", NULL, "hello" },
		};
		struct store_advisory_fix fixes[] = {
			{ .advisory = "DSA-1-1", .release = "bookworm", .source = "hello", .version = "1.0-3", .kind = "fixed" },
			{ .advisory = "DSA-2-1", .release = "bookworm", .source = "hello", .version = "1.0-5", .kind = "fixed" },
			{ .advisory = "DSA-3-1", .release = "bookworm", .source = "hello", .kind = "not-affected" },
		};
		static const char *const links[][2] = {
			{ "DSA-1-1", "CVE-2026-0003" }, { "DSA-1-1", "CVE-2026-0020" },
			{ "DSA-2-1", "CVE-2026-0021" }, { "DSA-3-1", "CVE-2026-0022" },
		};
		int64_t skipped = -1;
		assert_int_equal(vigie_store_begin(s, &err), 0);
		assert_int_equal(vigie_store_tracker_clear(s, &err), 0);
		assert_int_equal(vigie_store_tracker_put_batch(s, rows, 7, &err), 0);
		assert_int_equal(vigie_store_tracker_finish(s, &skipped, &err), 0);
		assert_int_equal(skipped, 0);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(vigie_store_advisory_put(s, &advs[i], &err), 0);
			assert_int_equal(vigie_store_advisory_fix_put(s, &fixes[i], &err), 0);
		}
		for (int i = 0; i < 4; i++)
			assert_int_equal(vigie_store_advisory_cve_put(s, links[i][0], links[i][1], &err), 0);
		assert_int_equal(vigie_store_commit(s, &err), 0);
	}
	vigie_strv_init(&cves);
	assert_int_equal(vigie_store_updates_fixed_cves(s, "bookworm", "hello", "1.0-1", "1.0-3", &cves, &err), 0);
	assert_int_equal(cves.n, 3);
	assert_string_equal(cves.v[0], "CVE-2026-0002");
	assert_string_equal(cves.v[1], "CVE-2026-0003");
	assert_string_equal(cves.v[2], "CVE-2026-0020");
	vigie_strv_release(&cves);
	vigie_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_and_summarize),
		cmocka_unit_test(test_download),
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, setup, stop_server);
}
