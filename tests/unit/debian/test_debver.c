#include "testutil.h"
#include "vigie/debian/debver.h"

#include <string.h>

/* Expected orderings worked out from dpkg's rules (deb-version(7)). */
static const struct { const char *a, *b; int cmp; } cases[] = {
	{ "1.0", "1.0", 0 },
	{ "1.0", "1.1", -1 },
	{ "1.0~rc1", "1.0", -1 },
	{ "1.0~~", "1.0~", -1 },
	{ "1.0~~a", "1.0~~", 1 },
	{ "1.0", "1.0+b1", -1 },
	{ "1.0-1", "1.0-1+b1", -1 },
	{ "1:0.1", "2.0", 1 },
	{ "0:1.0", "1.0", 0 },
	{ "1.0a", "1.0+", -1 },     /* letters before non-letters */
	{ "1.0a", "1.0.", -1 },
	{ "1.0", "1.0a", -1 },
	{ "1.010", "1.9", 1 },      /* digit runs compare numerically */
	{ "1.00010", "1.10", 0 },
	{ "2.4.56-1~deb11u2", "2.4.54-1~deb11u1", 1 },
	{ "2.4.53-1~deb11u1", "2.4.54-1~deb11u1", -1 },
	{ "1.2.3-1~deb11u1", "1.2.3-1", -1 },
	{ "1.2.3-1+deb11u1", "1.2.3-1", 1 },
	{ "7.74.0-1.3+deb11u7", "7.74.0-1.3+deb11u10", -1 },
	{ "1:2.30-1", "2.30-1", 1 },
	{ "1.0-1", "1.0-1.1", -1 },
	{ "1.0-a", "1.0-1", 1 },
	{ "1-2-3", "1-2", 1 },      /* upstream "1-2" revision "3" vs upstream "1" */
	{ "a", "b", -1 },           /* accepted with a warning */
	{ "1:1:1", "1:1:0", 1 },    /* colons allowed in upstream */
	{ "0", "0.0", -1 },
};

static void test_compare_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int c = vigie_debver_cmp_str(cases[i].a, cases[i].b);
		int r = vigie_debver_cmp_str(cases[i].b, cases[i].a);
		int sign = c < 0 ? -1 : c > 0;
		int rsign = r < 0 ? -1 : r > 0;
		if (sign != cases[i].cmp || rsign != -cases[i].cmp)
			fail_msg("%s vs %s: got %d/%d, expected %d", cases[i].a,
				 cases[i].b, sign, rsign, cases[i].cmp);
	}
}

static const struct { const char *v; int rc; const char *msg; } parse_cases[] = {
	{ "", -3, "version string is empty" },
	{ "   ", -3, "version string is empty" },
	{ "1.0 2", -3, "version string has embedded spaces" },
	{ ":1.0", -3, "epoch in version is empty" },
	{ "a:1.0", -3, "epoch in version is empty" },
	{ "1a:1.0", -3, "epoch in version is not number" },
	{ "-1:1.0", -3, "epoch in version is negative" },
	{ "99999999999:1.0", -3, "epoch in version is too big" },
	{ "1:", -3, "nothing after colon in version number" },
	{ "1.0-", -3, "revision number is empty" },
	{ "-1", -3, "version number is empty" },
	{ "1:-1", -3, "version number is empty" },
	{ "a1.0", 1, "version number does not start with digit" },
	{ "1.0_1", 1, "invalid character in version number" },
	{ "1.0-1_2", 1, "invalid character in revision number" },
	{ "1.0-1:2", -3, "epoch in version is not number" },
	{ "  1.0-1  ", 0, NULL },
	{ "1:2.4.56-1~deb11u2", 0, NULL },
};

static void test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct vigie_error err;
		struct debver v;
		int rc;
		vigie_error_init(&err);
		rc = vigie_debver_parse(&v, parse_cases[i].v, &err);
		if (rc != parse_cases[i].rc)
			fail_msg("'%s': rc %d, expected %d (%s)", parse_cases[i].v, rc,
				 parse_cases[i].rc, err.msg);
		if (parse_cases[i].msg && strcmp(err.msg, parse_cases[i].msg))
			fail_msg("'%s': message '%s', expected '%s'", parse_cases[i].v,
				 err.msg, parse_cases[i].msg);
	}
}

static void test_parse_parts(void **state)
{
	struct debver v;
	(void)state;
	assert_int_equal(vigie_debver_parse(&v, "2:1.2-3-4", NULL), 0);
	assert_int_equal(v.epoch, 2);
	assert_int_equal(v.upstream_len, 5);
	assert_memory_equal(v.upstream, "1.2-3", 5);
	assert_int_equal(v.revision_len, 1);
	assert_memory_equal(v.revision, "4", 1);
}

static void test_relations(void **state)
{
	enum debver_rel r;
	int nl;
	(void)state;
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, "lt"), 0);
	assert_true(vigie_debver_rel_holds(r, -1));
	assert_false(vigie_debver_rel_holds(r, 0));
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, ">="), 0);
	assert_true(vigie_debver_rel_holds(r, 0));
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, "gt-nl"), 0);
	assert_true(nl);
	assert_int_not_equal(vigie_debver_rel_parse(&r, &nl, "lte"), 0);
	/* absent version: oldest for plain operators, newest for -nl */
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, "lt"), 0);
	assert_true(vigie_debver_rel_holds_absent(r, nl, 1, 0));
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, "lt-nl"), 0);
	assert_false(vigie_debver_rel_holds_absent(r, nl, 1, 0));
	assert_true(vigie_debver_rel_holds_absent(r, nl, 0, 1));
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, "lt"), 0);
	assert_false(vigie_debver_rel_holds_absent(r, nl, 1, 1));
	assert_int_equal(vigie_debver_rel_parse(&r, &nl, "le"), 0);
	assert_true(vigie_debver_rel_holds_absent(r, nl, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_table),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_parts),
		cmocka_unit_test(test_relations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
