/* Import the real DSA and DLA lists (../shared/data; skipped when absent)
 * and check the store against counts computed independently with
 * grep/awk over the same files. */
#include "testutil.h"
#include "vigie/secdata/import.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dsa_path, *dla_path;
static char dsa_buf[1024], dla_buf[1024];

/* Run a shell pipeline printing one number; returns it (-1 on failure). */
static long shell_number(const char *cmd)
{
	char out[1024], line[64] = "";
	FILE *f;
	snprintf(out, sizeof(out), "%s/number.out", test_tmpdir());
	if (test_system("%s > '%s'", cmd, out) != 0)
		return -1;
	if (!(f = fopen(out, "r")))
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return line[0] ? strtol(line, NULL, 10) : -1;
}

struct fix_tally {
	long n;
	long not_affected;
	int apache2;
};

static int fix_cb(void *ud, const struct store_advisory_fix *f)
{
	struct fix_tally *t = ud;
	t->n++;
	if (!strcmp(f->kind, "not-affected"))
		t->not_affected++;
	if (!strcmp(f->advisory, "DSA-5376-1") && !strcmp(f->source, "apache2") &&
	    !strcmp(f->release, "bullseye") && f->version &&
	    !strcmp(f->version, "2.4.56-1~deb11u1") && !strcmp(f->kind, "fixed") &&
	    !strcmp(f->date, "2023-03-20"))
		t->apache2++;
	return 0;
}

static int has_adv(void *ud, const struct store_advisory *a)
{
	return !strcmp(a->id, ud) ? 1 : 0;
}

static void test_real_lists(void **state)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct import_stats st;
	struct store_advisory_info ai;
	struct vigie_arena a;
	struct fix_tally t = { 0, 0, 0 };
	char db[1024], cmd[4096], cves[1024];
	long expect;
	(void)state;

	vigie_error_init(&err);
	vigie_arena_init(&a);
	snprintf(db, sizeof(db), "%s/real.db", test_tmpdir());
	assert_int_equal(vigie_store_open(&s, db, 0, &err), 0);
	assert_int_equal(vigie_import_advisory_list(s, dsa_path, "DSA", &st, &err), 0);
	assert_int_equal(st.rows, 5406);
	snprintf(cmd, sizeof(cmd), "grep -c '^\\[' '%s'", dsa_path);
	assert_int_equal(shell_number(cmd), 5406);
	assert_int_equal(vigie_import_advisory_list(s, dla_path, "DLA", &st, &err), 0);
	assert_int_equal(st.rows, 3534);
	snprintf(cmd, sizeof(cmd), "grep -c '^\\[' '%s'", dla_path);
	assert_int_equal(shell_number(cmd), 3534);
	assert_int_equal(vigie_store_count(s, "advisories", &err), 8940);

	/* every "[release] - pkg ..." line is one fix row */
	snprintf(cmd, sizeof(cmd),
		 "cat '%s' '%s' | grep -cE '^[[:space:]]+\\[[a-z]+\\] - '", dsa_path, dla_path);
	expect = shell_number(cmd);
	assert_true(expect > 10000);
	assert_int_equal(vigie_store_count(s, "advisory_fixes", &err), expect);

	snprintf(cmd, sizeof(cmd),
		 "cat '%s' '%s' | grep -cE '^[[:space:]]+\\[bullseye\\] - '", dsa_path, dla_path);
	expect = shell_number(cmd);
	assert_true(expect > 300);
	assert_int_equal(vigie_store_advisory_fixes_each(s, "bullseye", fix_cb, &t, &err), 0);
	assert_int_equal(t.n, expect);
	assert_int_equal(t.apache2, 1);

	snprintf(cmd, sizeof(cmd),
		 "cat '%s' '%s' | grep -cE '^[[:space:]]+\\[[a-z]+\\] - [^ ]+ +<not-affected>'",
		 dsa_path, dla_path);
	expect = shell_number(cmd);
	memset(&t, 0, sizeof(t));
	assert_int_equal(vigie_store_advisory_fixes_each(s, NULL, fix_cb, &t, &err), 0);
	assert_int_equal(t.not_affected, expect);
	assert_true(expect >= 55);

	/* distinct (advisory, CVE) pairs */
	snprintf(cmd, sizeof(cmd),
		 "cat '%s' '%s' | awk '/^\\[/ { id = $4 } /^[[:space:]]+\\{/ {"
		 " gsub(/[{}]/, \"\"); for (i = 1; i <= NF; i++) if ($i ~ /^CVE-/)"
		 " seen[id \" \" $i] = 1 } END { n = 0; for (k in seen) n++; print n }'",
		 dsa_path, dla_path);
	expect = shell_number(cmd);
	assert_true(expect > 20000);
	assert_int_equal(vigie_store_count(s, "advisory_cves", &err), expect);

	/* DSA-5376-1 and its CVEs, read back from the file with awk */
	assert_int_equal(vigie_store_advisory_get(s, "DSA-5376-1", &a, &ai, &err), 0);
	assert_string_equal(ai.date, "2023-03-20");
	assert_string_equal(ai.packages, "apache2");
	assert_int_equal(ai.ncves, 5);
	snprintf(cmd, sizeof(cmd),
		 "awk '/^\\[/ { on = ($4 == \"DSA-5376-1\") } on && /^[[:space:]]+\\{/ {"
		 " gsub(/[{}]/, \"\"); for (i = 1; i <= NF; i++) print $i }' '%s' | sort |"
		 " tr '\\n' ' ' > '%s/cves.txt'; echo 0", dsa_path, test_tmpdir());
	assert_int_equal(shell_number(cmd), 0);
	{
		char p[1100];
		FILE *f;
		snprintf(p, sizeof(p), "%s/cves.txt", test_tmpdir());
		f = fopen(p, "r");
		assert_non_null(f);
		assert_non_null(fgets(cves, sizeof(cves), f));
		fclose(f);
	}
	{
		char got[1024] = "";
		for (size_t i = 0; i < ai.ncves; i++) {
			strcat(got, ai.cves[i]);
			strcat(got, " ");
		}
		assert_string_equal(got, cves);
	}
	vigie_arena_release(&a);
	assert_int_equal(vigie_store_advisories_for_cve(s, "CVE-2023-25690", has_adv,
						  (void *)"DSA-5376-1", &err), 1);
	vigie_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lists),
	};
	const char *p = test_shared("debian-security-tracker/DSA-list");
	if (!p)
		return TEST_SKIP;
	snprintf(dsa_buf, sizeof(dsa_buf), "%s", p);
	p = test_shared("debian-security-tracker/DLA-list");
	if (!p)
		return TEST_SKIP;
	snprintf(dla_buf, sizeof(dla_buf), "%s", p);
	dsa_path = dsa_buf;
	dla_path = dla_buf;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
