#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/debian/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

/* Expected packages of tests/data/inventory/status, written from the
 * fixture by hand: name, arch, version, source, source version, state. */
static const char *const expect_status[][6] = {
	{ "apache2", "amd64", "2.4.62-1~deb12u2", "apache2", "2.4.62-1~deb12u2", "half-installed" },
	{ "bash", "amd64", "5.2.15-2+b8", "bash", "5.2.15-2", "installed" },
	{ "dpkg", "amd64", "1.21.22", "dpkg", "1.21.22", "installed" },
	{ "libc6", "amd64", "2.36-9+deb12u14", "glibc", "2.36-9+deb12u14", "installed" },
	{ "libfoo1", "arm64", "2.0-1+b2", "foo", "2.0-1", "installed" },
	{ "libssl3", "amd64", "3.0.19-1~deb12u2", "openssl", "3.0.19-1~deb12u2", "triggers-pending" },
	{ "man-db", "amd64", "2.11.2-2", "man-db", "2.11.2-2", "triggers-awaited" },
	{ "nginx-core", "amd64", "1.22.1-9+deb12u2", "nginx", "1.22.1-9+deb12u2", "half-configured" },
	{ "openssl", "amd64", "3.0.19-1~deb12u2", "openssl", "3.0.19-1~deb12u2", "installed" },
	{ "postgresql-15", "amd64", "15.10-0+deb12u1", "postgresql-15", "15.10-0+deb12u1", "unpacked" },
	{ "tzdata", "all", "2025b-0+deb12u1", "tzdata", "2025b-0+deb12u1", "installed" },
	{ "zlib1g", "amd64", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1", "installed" },
	{ "zlib1g", "i386", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1", "installed" },
};
#define NEXPECT (sizeof(expect_status) / sizeof(expect_status[0]))

static void check_fixture(const struct inventory *inv)
{
	assert_int_equal(inv->npkgs, NEXPECT);
	for (size_t i = 0; i < NEXPECT; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		assert_string_equal(p->name, expect_status[i][0]);
		assert_string_equal(p->arch, expect_status[i][1]);
		assert_string_equal(p->version, expect_status[i][2]);
		assert_string_equal(p->source, expect_status[i][3]);
		assert_string_equal(p->source_version, expect_status[i][4]);
		assert_string_equal(p->status, expect_status[i][5]);
		assert_true(p->line > 0);
	}
	assert_string_equal(inv->arch, "amd64");
}

static void test_status_fixture(void **state)
{
	struct inventory inv;
	struct vigie_error err;
	(void)state;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status(&inv, test_data("inventory/status"), &err), 0);
	check_fixture(&inv);
	assert_non_null(strstr(inv.status_path, "inventory/status"));
	/* the stanza of bash starts on line 23 of the fixture */
	assert_int_equal(vigie_inventory_find(&inv, "bash", NULL)->line, 23);
	vigie_inventory_release(&inv);

	/* compressed */
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load_status(&inv, test_data("inventory/status.gz"), &err), 0);
	check_fixture(&inv);
	vigie_inventory_release(&inv);
}

static void test_find(void **state)
{
	struct inventory inv;
	struct vigie_error err;
	const struct inventory_pkg *p;
	(void)state;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status(&inv, test_data("inventory/status"), &err), 0);
	p = vigie_inventory_find(&inv, "zlib1g", NULL);
	assert_non_null(p);
	assert_string_equal(p->arch, "amd64");
	p = vigie_inventory_find(&inv, "zlib1g", "i386");
	assert_non_null(p);
	assert_string_equal(p->arch, "i386");
	assert_null(vigie_inventory_find(&inv, "zlib1g", "arm64"));
	assert_null(vigie_inventory_find(&inv, "exim4-daemon-light", NULL)); /* config-files */
	assert_null(vigie_inventory_find(&inv, "telnet", NULL));             /* not-installed */
	assert_null(vigie_inventory_find(&inv, "aaa", NULL));
	assert_null(vigie_inventory_find(&inv, "zzz", NULL));
	for (size_t i = 0; i < NEXPECT; i++) {
		p = vigie_inventory_find(&inv, expect_status[i][0], expect_status[i][1]);
		assert_non_null(p);
		assert_ptr_equal(p, &inv.pkgs[i]);
	}
	vigie_inventory_release(&inv);
}

static void expect_error(const char *rel, unsigned long line, const char *needle)
{
	struct inventory inv;
	struct vigie_error err;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_true(vigie_inventory_load_status(&inv, test_data(rel), &err) < 0);
	if (err.line != line || !strstr(err.msg, needle) || !strstr(err.file, rel))
		fail_msg("%s: got %s:%lu: %s; expected line %lu, '%s'", rel, err.file,
			 err.line, err.msg, line, needle);
	assert_int_equal(inv.npkgs, 0);
	vigie_inventory_release(&inv);
}

static void test_errors(void **state)
{
	struct inventory inv;
	struct vigie_error err;
	(void)state;
	expect_error("inventory/no-package", 6, "without a Package");
	expect_error("inventory/bad-version", 9, "invalid version");
	expect_error("inventory/no-version", 6, "no Version");
	expect_error("inventory/bad-source-version", 5, "invalid source version");
	expect_error("inventory/duplicate", 6, "listed twice");

	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status(&inv, test_data("inventory/absent"), &err),
			 VIGIE_EIO);
	vigie_inventory_release(&inv);
}

struct mem_case {
	const char *text;
	int rc;           /* 0 or an error code */
	size_t npkgs;
	unsigned long line;
};

static const struct mem_case mem_cases[] = {
	/* empty: nothing to judge is not "no package installed" */
	{ "", VIGIE_EPARSE, 0, 0 },
	{ "\n\n", VIGIE_EPARSE, 0, 0 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n", 0, 1, 0 },
	/* truncated: dpkg ends the file with a newline; a cut copy may end
	 * in a cut version that would compare as older or newer */
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\n"
	  "Version: 1.1.1n-0+deb11u", VIGIE_EPARSE, 0, 4 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n"
	  "Package: b\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n"
	  "Package: c\nStatus: install ok", VIGIE_EPARSE, 0, 12 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n"
	  "Package: b\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n",
	  0, 2, 0 },
	/* Status with two words */
	{ "Package: a\nStatus: install installed\nArchitecture: amd64\nVersion: 1\n",
	  VIGIE_EPARSE, 0, 2 },
	/* unknown state */
	{ "Package: a\nStatus: install ok frobbed\nArchitecture: amd64\nVersion: 1\n",
	  VIGIE_EPARSE, 0, 2 },
	/* missing Status: dpkg reads not-installed */
	{ "Package: a\nArchitecture: amd64\nVersion: 1\n", 0, 0, 0 },
	/* invalid name and arch */
	{ "Package: A b\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n",
	  VIGIE_EPARSE, 0, 1 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: am_d64\nVersion: 1\n",
	  VIGIE_EPARSE, 0, 3 },
	/* Source forms */
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\nSource: b (2\n",
	  VIGIE_EPARSE, 0, 5 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\nSource: b 2\n",
	  VIGIE_EPARSE, 0, 5 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\nSource: (2)\n",
	  VIGIE_EPARSE, 0, 5 },
	/* not-installed package without a version is fine */
	{ "Package: a\nStatus: purge ok not-installed\n", 0, 0, 0 },
	/* a version dpkg accepts with a warning is kept */
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: abc\n", 0, 1, 0 },
	/* not a status file */
	{ "\x01\x02garbage\n", VIGIE_EPARSE, 0, 1 },
	/* invalid UTF-8 in a version or source version: an error, not a
	 * warning (the bytes would reach the database and JSON output) */
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\xff\n",
	  VIGIE_EPARSE, 0, 4 },
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n"
	  "Source: b (2.0\xc3)\n", VIGIE_EPARSE, 0, 5 },
	/* valid UTF-8 outside dpkg's characters stays a warning */
	{ "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\xc3\xa9\n",
	  0, 1, 0 },
};

static void test_mem(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mem_cases) / sizeof(mem_cases[0]); i++) {
		const struct mem_case *c = &mem_cases[i];
		struct inventory inv;
		struct vigie_error err;
		int rc;
		vigie_inventory_init(&inv);
		memset(&err, 0, sizeof(err));
		rc = vigie_inventory_load_status_mem(&inv, c->text, strlen(c->text), "mem", &err);
		if (rc != c->rc || inv.npkgs != c->npkgs || (c->rc && err.line != c->line))
			fail_msg("case %zu: rc %d npkgs %zu line %lu (%s); expected %d %zu %lu",
				 i, rc, inv.npkgs, err.line, err.msg, c->rc, c->npkgs, c->line);
		vigie_inventory_release(&inv);
	}
}

static void test_source_forms(void **state)
{
	static const char text[] =
		"Package: p1\nStatus: install ok installed\nArchitecture: amd64\n"
		"Version: 1.0-1+b1\nSource: s1 (1.0-1)\n\n"
		"Package: p2\nStatus: install ok installed\nArchitecture: amd64\n"
		"Version: 2.0-3\nSource: s2\n\n"
		"Package: p3\nStatus: install ok installed\nArchitecture: all\n"
		"Version: 3.0\n\n"
		"Package: p4\nStatus: install ok installed\nArchitecture: amd64\n"
		"Version: 4.0-1+b3\nSource:   s4   ( 4.0-1 )  \n";
	struct inventory inv;
	struct vigie_error err;
	const struct inventory_pkg *p;
	(void)state;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status_mem(&inv, text, sizeof(text) - 1, "m", &err), 0);
	assert_int_equal(inv.npkgs, 4);
	p = vigie_inventory_find(&inv, "p1", "amd64");
	assert_string_equal(p->source, "s1");
	assert_string_equal(p->source_version, "1.0-1");
	assert_string_equal(p->version, "1.0-1+b1");
	p = vigie_inventory_find(&inv, "p2", NULL);
	assert_string_equal(p->source, "s2");
	assert_string_equal(p->source_version, "2.0-3");
	p = vigie_inventory_find(&inv, "p3", NULL);
	assert_string_equal(p->source, "p3");
	assert_string_equal(p->source_version, "3.0");
	p = vigie_inventory_find(&inv, "p4", NULL);
	assert_string_equal(p->source, "s4");
	assert_string_equal(p->source_version, "4.0-1");
	/* no "dpkg" package: most common non-all arch */
	assert_string_equal(inv.arch, "amd64");
	vigie_inventory_release(&inv);
}

static void test_native_arch(void **state)
{
	/* dpkg's own arch wins over the majority */
	static const char text[] =
		"Package: a\nStatus: install ok installed\nArchitecture: i386\nVersion: 1\n\n"
		"Package: b\nStatus: install ok installed\nArchitecture: i386\nVersion: 1\n\n"
		"Package: dpkg\nStatus: install ok installed\nArchitecture: arm64\nVersion: 1\n\n"
		"Package: c\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n";
	static const char only_all[] =
		"Package: c\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n";
	struct inventory inv;
	struct vigie_error err;
	(void)state;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status_mem(&inv, text, sizeof(text) - 1, "m", &err), 0);
	assert_string_equal(inv.arch, "arm64");
	vigie_inventory_release(&inv);
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load_status_mem(&inv, only_all, sizeof(only_all) - 1, "m",
						   &err), 0);
	assert_null(inv.arch);
	vigie_inventory_release(&inv);
}

static void test_limits(void **state)
{
	/* one more package than allowed */
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct inventory inv;
	struct vigie_error err;
	(void)state;
	for (long i = 0; i <= INVENTORY_MAX_PKGS; i++)
		assert_int_equal(vigie_buf_addf(&b, "Package: p%ld\nStatus: install ok installed\n"
						"Architecture: amd64\nVersion: 1\n\n", i), 0);
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status_mem(&inv, b.data, b.len, "big", &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, (unsigned long)INVENTORY_MAX_PKGS * 5 + 1);
	vigie_inventory_release(&inv);
	vigie_buf_release(&b);

	/* an absurdly long version */
	assert_int_equal(vigie_buf_adds(&b, "Package: a\nStatus: install ok installed\n"
					"Architecture: amd64\nVersion: 1"), 0);
	for (int i = 0; i < 2000; i++)
		assert_int_equal(vigie_buf_addc(&b, '0'), 0);
	assert_int_equal(vigie_buf_adds(&b, "\n"), 0);
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load_status_mem(&inv, b.data, b.len, "long", &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 4);
	vigie_inventory_release(&inv);
	vigie_buf_release(&b);
}

static void test_load_roots(void **state)
{
	struct inventory inv;
	struct vigie_error err;
	struct inventory_opts o;
	char root[4096];
	(void)state;

	/* os-release with quoted values; hostname from the root */
	memset(&o, 0, sizeof(o));
	snprintf(root, sizeof(root), "%s", test_data("inventory/root-osrelease"));
	o.root = root;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load(&inv, &o, &err), 0);
	assert_string_equal(inv.release, "bullseye");
	assert_string_equal(inv.release_version, "11");
	assert_string_equal(inv.host, "web-01.example.org");
	assert_string_equal(inv.arch, "amd64");
	assert_null(inv.kernel_release); /* not this machine: unknown */
	assert_null(inv.kernel_version);
	assert_int_equal(inv.npkgs, NEXPECT);
	vigie_inventory_release(&inv);

	/* --release overrides; its version comes from distro-info, not from a
	 * mismatching os-release */
	o.release = "zork";
	o.kernel = "6.1.0-18-amd64";
	o.host = "other";
	snprintf(root, sizeof(root), "%s", test_data("inventory/root-debver"));
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load(&inv, &o, &err), 0);
	assert_string_equal(inv.release, "zork");
	assert_string_equal(inv.release_version, "42.3");
	assert_string_equal(inv.kernel_release, "6.1.0-18-amd64");
	assert_string_equal(inv.host, "other");
	vigie_inventory_release(&inv);

	/* numeric debian_version mapped through the root's distro-info CSV */
	memset(&o, 0, sizeof(o));
	o.root = root;
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load(&inv, &o, &err), 0);
	assert_string_equal(inv.release, "zork");
	assert_string_equal(inv.release_version, "42.3");
	assert_string_equal(inv.host, "db-02");
	vigie_inventory_release(&inv);

	/* os-release only in usr/lib, single quotes */
	snprintf(root, sizeof(root), "%s", test_data("inventory/root-usrlib"));
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load(&inv, &o, &err), 0);
	assert_string_equal(inv.release, "bookworm");
	assert_string_equal(inv.release_version, "12");
	vigie_inventory_release(&inv);

	/* "trixie/sid" */
	snprintf(root, sizeof(root), "%s", test_data("inventory/root-sid"));
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load(&inv, &o, &err), 0);
	assert_string_equal(inv.release, "trixie");
	vigie_inventory_release(&inv);

	/* numeric debian_version, no CSV in the root: the system's distro-info */
	if (access("/usr/share/distro-info/debian.csv", R_OK) == 0) {
		snprintf(root, sizeof(root), "%s", test_data("inventory/root-numeric"));
		vigie_inventory_init(&inv);
		assert_int_equal(vigie_inventory_load(&inv, &o, &err), 0);
		assert_string_equal(inv.release, "bookworm");
		assert_string_equal(inv.release_version, "12.4");
		vigie_inventory_release(&inv);
	}

	/* root without a status file */
	snprintf(root, sizeof(root), "%s", test_data("inventory"));
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load(&inv, &o, &err), VIGIE_EIO);
	vigie_inventory_release(&inv);
}

static void test_distro_info(void **state)
{
	const char *csv = test_data("inventory/root-debver/usr/share/distro-info/debian.csv");
	char *s;
	(void)state;
	s = vigie_inventory_distro_info_lookup(csv, "42.3", NULL);
	assert_string_equal(s, "zork");
	free(s);
	s = vigie_inventory_distro_info_lookup(csv, "41", NULL);
	assert_string_equal(s, "frob");
	free(s);
	s = vigie_inventory_distro_info_lookup(csv, NULL, "quux");
	assert_string_equal(s, "43");
	free(s);
	assert_null(vigie_inventory_distro_info_lookup(csv, NULL, "sid")); /* no version */
	assert_null(vigie_inventory_distro_info_lookup(csv, "4", NULL));
	assert_null(vigie_inventory_distro_info_lookup(csv, "420", NULL));
	assert_null(vigie_inventory_distro_info_lookup("/nonexistent.csv", "12", NULL));
}

static void test_proc_version(void **state)
{
	char v[64];
	(void)state;
	assert_int_equal(vigie_inventory_kernel_version_from_proc(
				 "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) "
				 "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for "
				 "Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 "
				 "(2024-02-01)\n", v, sizeof(v)), 0);
	assert_string_equal(v, "6.1.76-1");
	assert_int_equal(vigie_inventory_kernel_version_from_proc(
				 "Linux version 5.10.0-28-amd64 #1 SMP Debian 5.10.209-2 (2024-01-31)",
				 v, sizeof(v)), 0);
	assert_string_equal(v, "5.10.209-2");
	assert_int_equal(vigie_inventory_kernel_version_from_proc(
				 "Linux version 6.18.44 (builder@x) (gcc (GCC) 15.3.0) #1 SMP",
				 v, sizeof(v)), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_inventory_kernel_version_from_proc("Debian ", v, sizeof(v)),
			 VIGIE_ENOTFOUND);
	assert_int_equal(vigie_inventory_kernel_version_from_proc("Debian 1.0-1", v, 4),
			 VIGIE_ENOTFOUND);
}

static void test_live(void **state)
{
	struct inventory inv;
	struct vigie_error err;
	char host[256];
	(void)state;
	if (access("/var/lib/dpkg/status", R_OK) != 0)
		skip();
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	if (vigie_inventory_load(&inv, NULL, &err))
		fail_msg("%s:%lu: %s", err.file, err.line, err.msg);
	assert_non_null(inv.kernel_release); /* uname(2) */
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	assert_string_equal(inv.host, host);
	assert_true(inv.npkgs > 0);
	vigie_inventory_release(&inv);
}

/* Differential: dpkg-query reads the same status file. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void diff_with_dpkg(const char *status_path)
{
	struct inventory inv;
	struct vigie_error err;
	struct vigie_strv want, got;
	char cmd[8192], line[4096];
	const char *dir = test_tmpdir();
	FILE *f;

	if (test_system("command -v dpkg-query >/dev/null 2>&1") != 0)
		skip();
	/* an admin dir holding only this status file */
	assert_int_equal(test_system("rm -rf '%s/adm' && mkdir -p '%s/adm/info' '%s/adm/updates' "
				     "&& cp '%s' '%s/adm/status'", dir, dir, dir, status_path, dir), 0);
	snprintf(cmd, sizeof(cmd),
		 "dpkg-query --admindir='%s/adm' -W -f '${db:Status-Abbrev}|${Package}|"
		 "${Architecture}|${Version}|${source:Package}|${source:Version}|"
		 "${db:Status-Status}\\n' 2>/dev/null", dir);
	vigie_strv_init(&want);
	vigie_strv_init(&got);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		/* second letter of the abbreviation: the state; files on disk
		 * for i(nstalled) U F H W t */
		if (strlen(line) > 4 && strchr("iUFHWt", line[1]))
			assert_int_equal(vigie_strv_push(&want, line + 4), 0);
	}
	assert_int_equal(pclose(f), 0);

	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	if (vigie_inventory_load_status(&inv, status_path, &err))
		fail_msg("%s:%lu: %s", err.file, err.line, err.msg);
	for (size_t i = 0; i < inv.npkgs; i++) {
		const struct inventory_pkg *p = &inv.pkgs[i];
		snprintf(line, sizeof(line), "%s|%s|%s|%s|%s|%s", p->name, p->arch, p->version,
			 p->source, p->source_version, p->status);
		assert_int_equal(vigie_strv_push(&got, line), 0);
	}
	qsort(want.v, want.n, sizeof(char *), cmp_str);
	qsort(got.v, got.n, sizeof(char *), cmp_str);
	assert_true(want.n > 0);
	assert_int_equal(got.n, want.n);
	for (size_t i = 0; i < want.n; i++)
		assert_string_equal(got.v[i], want.v[i]);
	vigie_strv_release(&want);
	vigie_strv_release(&got);
	vigie_inventory_release(&inv);
}

static void test_dpkg_fixture(void **state)
{
	(void)state;
	diff_with_dpkg(test_data("inventory/status"));
}

static void test_dpkg_system(void **state)
{
	(void)state;
	if (access("/var/lib/dpkg/status", R_OK) != 0)
		skip();
	diff_with_dpkg("/var/lib/dpkg/status");
}

static void test_shared_excerpt(void **state)
{
	const char *path = test_shared("samples/local/dpkg-status.excerpt");
	struct inventory inv;
	struct vigie_error err;
	const struct inventory_pkg *p;
	(void)state;
	if (!path)
		skip();
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status(&inv, path, &err), 0);
	p = vigie_inventory_find(&inv, "bash", "amd64");
	assert_non_null(p);
	assert_string_equal(p->version, "5.2.15-2+b8");
	assert_string_equal(p->source, "bash");
	assert_string_equal(p->source_version, "5.2.15-2");
	p = vigie_inventory_find(&inv, "libc6", NULL);
	assert_non_null(p);
	assert_string_equal(p->source, "glibc");
	assert_string_equal(p->source_version, p->version);
	p = vigie_inventory_find(&inv, "openssl", NULL);
	assert_non_null(p);
	assert_string_equal(p->source, "openssl");
	vigie_inventory_release(&inv);
	diff_with_dpkg(path);
}

static void test_json(void **state)
{
	struct inventory inv;
	struct vigie_error err;
	struct vigie_buf b = VIGIE_BUF_INIT;
	yajl_val root, v, pk;
	char ebuf[256];
	const char *path_schema[] = { "schema", NULL };
	const char *path_kernel[] = { "kernel", "release", NULL };
	const char *path_pk[] = { "packages", NULL };
	const char *path_src[] = { "source_version", NULL };
	(void)state;
	vigie_inventory_init(&inv);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_inventory_load_status(&inv, test_data("inventory/status"), &err), 0);
	inv.host = "h\"1";
	assert_int_equal(vigie_inventory_write_json(&inv, &b), 0);
	root = yajl_tree_parse(b.data, ebuf, sizeof(ebuf));
	assert_non_null(root);
	v = yajl_tree_get(root, path_schema, yajl_t_string);
	assert_string_equal(YAJL_GET_STRING(v), "vigie.inventory/1");
	assert_true(YAJL_IS_NULL(yajl_tree_get(root, path_kernel, yajl_t_any)));
	pk = yajl_tree_get(root, path_pk, yajl_t_array);
	assert_non_null(pk);
	assert_int_equal(YAJL_GET_ARRAY(pk)->len, NEXPECT);
	v = yajl_tree_get(YAJL_GET_ARRAY(pk)->values[1], path_src, yajl_t_string);
	assert_string_equal(YAJL_GET_STRING(v), "5.2.15-2");
	yajl_tree_free(root);
	vigie_buf_release(&b);
	vigie_inventory_release(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_fixture),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_source_forms),
		cmocka_unit_test(test_native_arch),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_load_roots),
		cmocka_unit_test(test_distro_info),
		cmocka_unit_test(test_proc_version),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_dpkg_fixture),
		cmocka_unit_test(test_dpkg_system),
		cmocka_unit_test(test_shared_excerpt),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
