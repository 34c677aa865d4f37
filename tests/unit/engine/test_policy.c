#include "testutil.h"
#include "vigie/engine/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_default_rules(void **state)
{
	struct policy p;
	const char *rule;
	struct policy_facts f = { 0, -1, NULL, NULL, NULL };
	(void)state;
	vigie_policy_default(&p);
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_STANDARD);
	assert_string_equal(rule, "standard: default");
	f.kev = 1;
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_HIGHLY_CRITICAL);
	assert_string_equal(rule, "highly-critical: kev");
	f.kev = 0;
	f.cvss = 9.8;
	f.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_HIGHLY_CRITICAL);
	f.cvss_vector = "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_CRITICAL);
	assert_string_equal(rule, "critical: cvss>=7.0");
	f.cvss = 5.0;
	f.urgency = "high**";
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_CRITICAL);
	assert_string_equal(rule, "critical: urgency=high");
	f.urgency = "highest";
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_STANDARD);
	/* no vector: the tracker's scope decides "network" */
	f.cvss = 9.1;
	f.cvss_vector = NULL;
	f.scope = "remote";
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_HIGHLY_CRITICAL);
}

static void test_load_file(void **state)
{
	struct policy p;
	struct vigie_error err;
	const char *rule;
	struct policy_facts f = { 0, 4.0, "AV:N", NULL, "low" };
	const char *path = test_write("p.conf",
		"# comment\n[other]\nx = y\n[policy]\n"
		"critical = network cvss>=4.0\nstandard = default\n");
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_policy_load(&p, path, &err), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(vigie_policy_classify(&p, &f, &rule), VIGIE_CLASS_CRITICAL);
	assert_int_equal(p.rules[0].line, 5);

	path = test_write("bad.conf", "[policy]\ncritical = cvss>=seven\n");
	assert_int_equal(vigie_policy_load(&p, path, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	path = test_write("bad2.conf", "[policy]\nurgent = kev\n");
	assert_int_equal(vigie_policy_load(&p, path, &err), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "unknown class"));
	path = test_write("bad3.conf", "[policy]\ncritical = kev exploited\n");
	assert_int_equal(vigie_policy_load(&p, path, &err), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "exploited"));
}

static void test_shipped_file_matches_default(void **state)
{
	char path[4096];
	struct policy a, b;
	struct vigie_error err;
	const char *src = getenv("VIGIE_SRCDIR");
	(void)state;
	snprintf(path, sizeof(path), "%s/data/policy.conf", src ? src : ".");
	vigie_error_init(&err);
	assert_int_equal(vigie_policy_load(&a, path, &err), 0);
	vigie_policy_default(&b);
	assert_int_equal(a.n, b.n);
	for (int i = 0; i < a.n; i++)
		assert_string_equal(a.rules[i].text, b.rules[i].text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rules),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_shipped_file_matches_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
