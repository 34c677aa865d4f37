#include "testutil.h"
#include "vigie/core/file.h"
#include "vigie/report/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void open_lang(struct vigie_i18n *c, const char *lang)
{
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_i18n_open(c, lang, &err), 0);
}

static void test_french(void **state)
{
	struct vigie_i18n c;
	char buf[64];
	(void)state;
	open_lang(&c, "fr");
	assert_true(vigie_i18n_loaded(&c)); /* the build tree's catalogue */
	assert_string_equal(vigie_i18n_date(&c, 2026, 12, 2, buf, sizeof(buf)), "2 décembre 2026");
	assert_string_equal(vigie_i18n_date(&c, 2026, 8, 1, buf, sizeof(buf)), "1er août 2026");
	assert_string_equal(vigie_i18n_month_year(&c, 2026, 2, buf, sizeof(buf)), "février 2026");
	assert_string_equal(vigie_i18n_percent(&c, 0.985, buf, sizeof(buf)), "98,5\xc2\xa0%");
	assert_string_equal(vigie_i18n_num(&c, 3.375, 2, buf, sizeof(buf)), "3,38");
	assert_string_equal(vigie_i18n_tr(&c, "Summary"), "Synthèse");
	assert_string_equal(vigie_i18n_tr(&c, "no such msgid"), "no such msgid");
	vigie_i18n_release(&c);
}

static void test_english(void **state)
{
	struct vigie_i18n c;
	char buf[64];
	(void)state;
	open_lang(&c, "en");
	assert_string_equal(vigie_i18n_date(&c, 2026, 12, 2, buf, sizeof(buf)), "December 2, 2026");
	assert_string_equal(vigie_i18n_percent(&c, 0.985, buf, sizeof(buf)), "98.5%");
	assert_string_equal(vigie_i18n_tr(&c, "Summary"), "Summary");
	vigie_i18n_release(&c);
}

static void test_bad(void **state)
{
	struct vigie_i18n c;
	struct vigie_error err;
	char path[4096];
	FILE *f;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_i18n_open(&c, "de", &err), VIGIE_EUSAGE);
	/* a truncated catalogue is ignored: English text, never a crash */
	snprintf(path, sizeof(path), "%s/bad-mo/fr/LC_MESSAGES", getenv("VIGIE_BUILDDIR"));
	assert_int_equal(vigie_mkdirs(path, 0750, &err), 0);
	strcat(path, "/vigie.mo");
	assert_non_null(f = fopen(path, "wb"));
	fwrite("\xde\x12\x04\x95\0\0\0\0\xff\xff\0\0\x1c\0\0\0\x1c\0\0\0", 1, 20, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/bad-mo", getenv("VIGIE_BUILDDIR"));
	setenv("VIGIE_LOCALEDIR", path, 1);
	open_lang(&c, "fr");
	assert_false(vigie_i18n_loaded(&c));
	assert_string_equal(vigie_i18n_tr(&c, "Summary"), "Summary");
	vigie_i18n_release(&c);
	unsetenv("VIGIE_LOCALEDIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_french),
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
