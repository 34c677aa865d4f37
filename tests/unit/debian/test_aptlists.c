#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/debian/aptlists.h"
#include "vigie/core/deb822.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_filename(void **state)
{
	static const struct { const char *uri, *rest, *want; } cases[] = {
		{ "http://deb.debian.org/debian/", "dists/bookworm/InRelease",
		  "deb.debian.org_debian_dists_bookworm_InRelease" },
		{ "https://deb.nodesource.com/node_20.x/", "dists/nodistro/main/binary-amd64/Packages",
		  "deb.nodesource.com_node%5f20.x_dists_nodistro_main_binary-amd64_Packages" },
		{ "http://user:pw@127.0.0.1:8080/d/", "dists/a~b/Release",
		  "127.0.0.1:8080_d_dists_a%7eb_Release" },
		{ "file:/srv/mirror/", "dists/x/Release", "_srv_mirror_dists_x_Release" },
		{ "file:///srv/mirror/", "Packages", "_srv_mirror_Packages" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vigie_buf b = VIGIE_BUF_INIT;
		assert_int_equal(vigie_aptlists_filename(&b, cases[i].uri, cases[i].rest), 0);
		assert_string_equal(b.data, cases[i].want);
		vigie_buf_release(&b);
	}
}

static char root[4096], lists[4200];

static void put(const char *name, const char *text, const char *compress)
{
	char p[8192];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", lists, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (compress)
		assert_int_equal(test_system("%s '%s'", compress, p), 0);
}

#define U "127.0.0.1:1_"

static void make_root(void)
{
	char p[8192];
	FILE *f;
	snprintf(root, sizeof(root), "%s/root", test_tmpdir());
	snprintf(lists, sizeof(lists), "%s/var/lib/apt/lists", root);
	assert_int_equal(test_system("mkdir -p '%s' '%s/etc/apt'", lists, root), 0);
	snprintf(p, sizeof(p), "%s/etc/apt/sources.list", root);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("deb http://127.0.0.1:1/debian stable main\n"
	      "deb http://127.0.0.1:1/debian-security stable-security main\n"
	      "deb http://127.0.0.1:1/debian stable-backports main\n"
	      "deb http://127.0.0.1:1/debian experimental main\n"
	      "deb [arch=amd64] http://127.0.0.1:1/other x main\n"
	      "deb-src http://127.0.0.1:1/debian stable main\n", f);
	fclose(f);

	put(U "debian_dists_stable_InRelease",
	    "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
	    "Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: bookworm\n"
	    "SHA256:\n 0123 100 main/binary-amd64/Packages\n"
	    "-----BEGIN PGP SIGNATURE-----\n\nxxxx\n-----END PGP SIGNATURE-----\n", NULL);
	put(U "debian_dists_stable_main_binary-amd64_Packages",
	    "Package: a\nVersion: 1.0-2\nArchitecture: amd64\nFilename: pool/main/a/a_1.0-2_amd64.deb\n\n"
	    "Package: b\nVersion: 2.0-1\nArchitecture: amd64\n\n"
	    "Package: c\nVersion: 2.9-1\nArchitecture: amd64\n\n"
	    "Package: e\nVersion: 1.1-1\nArchitecture: amd64\n\n"
	    "Package: f\nVersion: 1.1-1\nArchitecture: all\n\n"
	    "Package: f\nVersion: 1.2-1\nArchitecture: amd64\n\n"
	    "Package: g\nVersion: 1.9-1\nArchitecture: amd64\n\n"
	    "Package: h\nVersion: 1.1-1\nArchitecture: amd64\nFilename: pool/main/h/h_1.1-1_amd64.deb\n\n"
	    "Package: j\nVersion: 1.0-1\nArchitecture: amd64\n\n"
	    "Package: k\nSource: ksrc (1.0-1)\nVersion: 1.0-1+b1\nArchitecture: amd64\n\n"
	    "Package: l\nVersion: not a version!\nArchitecture: amd64\n",
	    "xz");
	put(U "debian-security_dists_stable-security_Release",
	    "Origin: Debian\nLabel: Debian-Security\nSuite: stable-security\nCodename: bookworm-security\n", NULL);
	put(U "debian-security_dists_stable-security_main_binary-amd64_Packages",
	    "Package: a\nSource: asrc\nVersion: 1.0-2+deb12u1\nArchitecture: amd64\n"
	    "Filename: pool/updates/main/a/a_1.0-2+deb12u1_amd64.deb\nSize: 1234\n"
	    "SHA256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n\n"
	    "Package: h\nVersion: 1.1-1\nArchitecture: amd64\nFilename: pool/updates/main/h/h_1.1-1_amd64.deb\n",
	    "gzip");
	put(U "debian_dists_stable-backports_Release",
	    "Suite: stable-backports\nCodename: bookworm-backports\nNotAutomatic: yes\nButAutomaticUpgrades: yes\n", NULL);
	put(U "debian_dists_stable-backports_main_binary-amd64_Packages",
	    "Package: b\nVersion: 2.1-1~bpo12+1\nArchitecture: amd64\n\n"
	    "Package: c\nVersion: 3.0-1~bpo12+1\nArchitecture: amd64\n\n"
	    "Package: c\nVersion: 3.0-2~bpo12+1\nArchitecture: amd64\n",
	    "lz4 -q -m --rm");
	put(U "debian_dists_experimental_Release",
	    "Suite: experimental\nCodename: rc-buggy\nNotAutomatic: yes\n", NULL);
	put(U "debian_dists_experimental_main_binary-amd64_Packages",
	    "Package: d\nVersion: 5.0-1\nArchitecture: amd64\n", NULL);
	put(U "other_dists_x_main_binary-i386_Packages",
	    "Package: i\nVersion: 9.0-1\nArchitecture: i386\n", NULL);
	/* skipped by its name: the content does not matter */
	put(U "other_dists_x_main_binary-amd64_Packages.zst",
	    "Package: i\nVersion: 9.0-1\nArchitecture: amd64\n", NULL);
	put(U "debian_dists_stable_main_i18n_Translation-en", "junk\n", NULL);
}

static void warn_count(void *ud, const struct vigie_error *w)
{
	(void)w;
	(*(int *)ud)++;
}

static void test_candidates(void **state)
{
	static const struct pending_pkg pkgs[] = {
		{ "a", "amd64", "1.0-1", NULL, NULL },
		{ "b", "amd64", "2.0-1", NULL, NULL },
		{ "c", "amd64", "3.0-1~bpo12+1", NULL, NULL },
		{ "d", "amd64", "4.0-1", NULL, NULL },
		{ "e", "all", "1.0-1", NULL, NULL },
		{ "f", "i386", "1.0-1", NULL, NULL },
		{ "g", "amd64", "2.0-1", NULL, NULL },
		{ "h", "amd64", "1.0-1", NULL, NULL },
		{ "i", "amd64", "1.0-1", NULL, NULL },
		{ "k", "amd64", "1.0-1", "ksrc", "1.0-1" },
		{ "l", "amd64", "1.0-1", NULL, NULL },
		{ "m", "amd64", "bad version", NULL, NULL },
	};
	struct apt_sources srcs;
	struct apt_lists l;
	struct pending p;
	struct vigie_error err;
	int warnings = 0;
	(void)state;

	make_root();
	vigie_aptsources_init(&srcs);
	memset(&err, 0, sizeof(err));
	err.warn = warn_count;
	err.warn_ud = &warnings;
	assert_int_equal(vigie_aptsources_load(&srcs, root, &err), 0);
	assert_int_equal(srcs.n, 6);
	assert_int_equal(vigie_aptlists_find(&l, &srcs, lists, &err), 0);
	assert_int_equal(l.nrepos, 5);
	assert_string_equal(l.repos[0].suite, "stable");
	assert_string_equal(l.repos[0].codename, "bookworm");
	assert_int_equal(l.repos[0].priority, 500);
	assert_int_equal(l.repos[0].security, 0);
	assert_int_equal(l.repos[1].security, 1);
	assert_int_equal(l.repos[2].priority, 100);
	assert_int_equal(l.repos[3].priority, 1);
	assert_null(l.repos[4].release_path);
	assert_string_equal(l.repos[4].suite, "x");
	/* stable, security, backports, experimental; i386 excluded by arch=,
	 * .zst skipped with a warning */
	assert_int_equal(l.nidx, 4);
	assert_int_equal(warnings, 1);

	assert_int_equal(vigie_pending_compute(&p, &l, pkgs, sizeof(pkgs) / sizeof(pkgs[0]), "amd64", &err), 0);
	/* expected: a (security), c (backports, installed from there), e (all
	 * -> amd64), h (in both), k (binNMU) */
	assert_int_equal(p.n, 5);
	assert_string_equal(p.v[0].package, "a");
	assert_string_equal(p.v[0].candidate, "1.0-2+deb12u1");
	assert_int_equal(p.v[0].security, 1);
	assert_string_equal(p.v[0].suites, "stable-security");
	assert_string_equal(p.v[0].source, "asrc");
	assert_string_equal(p.v[0].source_version, "1.0-2+deb12u1");
	assert_string_equal(p.v[0].filename, "pool/updates/main/a/a_1.0-2+deb12u1_amd64.deb");
	assert_string_equal(p.v[0].uri, "http://127.0.0.1:1/debian-security/");
	assert_int_equal(p.v[0].size, 1234);
	assert_non_null(p.v[0].sha256);
	assert_string_equal(p.v[1].package, "c");
	assert_string_equal(p.v[1].candidate, "3.0-2~bpo12+1");
	assert_int_equal(p.v[1].security, 0);
	assert_string_equal(p.v[1].suites, "stable-backports");
	assert_string_equal(p.v[2].package, "e");
	assert_string_equal(p.v[2].candidate, "1.1-1");
	assert_string_equal(p.v[3].package, "h");
	assert_string_equal(p.v[3].suites, "stable-security,stable");
	assert_int_equal(p.v[3].security, 1);
	assert_string_equal(p.v[3].uri, "http://127.0.0.1:1/debian-security/");
	assert_string_equal(p.v[4].package, "k");
	assert_string_equal(p.v[4].source, "ksrc");
	assert_string_equal(p.v[4].source_version, "1.0-1");
	assert_true(warnings >= 3); /* bad index version, bad installed version */
	vigie_pending_release(&p);

	/* native arch guessed from the installed packages */
	assert_int_equal(vigie_pending_compute(&p, &l, pkgs, sizeof(pkgs) / sizeof(pkgs[0]), NULL, &err), 0);
	assert_int_equal(p.n, 5);
	vigie_pending_release(&p);
	vigie_aptlists_release(&l);
	vigie_aptsources_release(&srcs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_candidates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
