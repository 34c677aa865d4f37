/* Differential test: the pending updates vigie finds on this machine equal
 * what `apt list --upgradable` prints. Skipped (77) without apt indexes. */
#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/debian/aptlists.h"
#include "vigie/core/deb822.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Differential: this machine's pending updates against apt itself. */
static void test_against_apt(void **state)
{
	struct apt_sources srcs;
	struct apt_lists l;
	struct pending p;
	struct vigie_error err;
	struct deb822 *d = NULL;
	struct vigie_arena a;
	struct pending_pkg *pkgs = NULL;
	size_t n = 0, cap = 0;
	char out[4200], line[4096], arch[64] = "";
	struct vigie_strv want, got;
	FILE *f;
	(void)state;

	memset(&err, 0, sizeof(err));
	vigie_arena_init(&a);
	vigie_strv_init(&want);
	vigie_strv_init(&got);
	vigie_aptsources_init(&srcs);
	assert_int_equal(vigie_aptsources_load(&srcs, "/", &err), 0);
	assert_int_equal(vigie_aptlists_find(&l, &srcs, "/var/lib/apt/lists", &err), 0);

	/* the installed packages, read here from dpkg's status file */
	assert_int_equal(vigie_deb822_open(&d, "/var/lib/dpkg/status", 0, &err), 0);
	while (vigie_deb822_next(d, &err) == 1) {
		const char *st = vigie_deb822_get(d, "Status");
		if (!st || !strstr(st, " installed") || !vigie_deb822_get(d, "Version"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			pkgs = realloc(pkgs, cap * sizeof(*pkgs));
			assert_non_null(pkgs);
		}
		memset(&pkgs[n], 0, sizeof(pkgs[n]));
		pkgs[n].name = vigie_arena_strdup(&a, vigie_deb822_get(d, "Package"));
		pkgs[n].arch = vigie_arena_strdup(&a, vigie_deb822_get(d, "Architecture"));
		pkgs[n].version = vigie_arena_strdup(&a, vigie_deb822_get(d, "Version"));
		n++;
	}
	vigie_deb822_free(d);
	snprintf(out, sizeof(out), "%s/arch", test_tmpdir());
	assert_int_equal(test_system("dpkg --print-architecture > '%s'", out), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(arch, sizeof(arch), f));
	fclose(f);
	arch[strcspn(arch, "\n")] = '\0';

	assert_int_equal(vigie_pending_compute(&p, &l, pkgs, n, arch, &err), 0);
	for (size_t i = 0; i < p.n; i++) {
		snprintf(line, sizeof(line), "%s %s %s", p.v[i].package, p.v[i].candidate,
			 p.v[i].security ? "security" : "-");
		vigie_strv_push_unique(&got, line);
	}

	/* "name/suite[,suite] version arch [upgradable from: old]" */
	snprintf(out, sizeof(out), "%s/apt-upgradable", test_tmpdir());
	assert_int_equal(test_system("apt list --upgradable 2>/dev/null > '%s'", out), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[512], suites[512], ver[512], buf[2048];
		char *slash = strchr(line, '/');
		if (!slash || sscanf(line, "%511[^/]/%511s %511s", name, suites, ver) != 3)
			continue;
		snprintf(buf, sizeof(buf), "%s %s %s", name, ver,
			 strstr(suites, "-security") ? "security" : "-");
		vigie_strv_push_unique(&want, buf);
	}
	fclose(f);
	vigie_strv_sort(&want);
	vigie_strv_sort(&got);
	{
		char *w = vigie_strv_join(&want, "\n"), *g = vigie_strv_join(&got, "\n");
		if (strcmp(w, g))
			fprintf(stderr, "apt:\n%s\nvigie:\n%s\n", w, g);
		assert_string_equal(g, w);
		fprintf(stderr, "%zu pending updates agree with apt\n", want.n);
		free(w);
		free(g);
	}
	vigie_strv_release(&want);
	vigie_strv_release(&got);
	vigie_pending_release(&p);
	vigie_aptlists_release(&l);
	vigie_aptsources_release(&srcs);
	free(pkgs);
	vigie_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_apt),
	};
	if (test_system("command -v apt >/dev/null && command -v dpkg >/dev/null && "
			"ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 && "
			"test -r /var/lib/dpkg/status") != 0) {
		fprintf(stderr, "SKIP: no apt indexes on this machine\n");
		return TEST_SKIP;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
