/* deb822: fields, case-insensitive lookup, continuation lines, stanza
 * separation, comments, errors with line numbers, limits. */
#include "testutil.h"
#include "vigie/core/deb822.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct deb822 *open_text(const char *text, size_t len, int flags)
{
	struct vigie_reader *r;
	struct deb822 *d;
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_reader_open_mem(&r, text, len, "test.txt", &err), 0);
	assert_int_equal(vigie_deb822_open_reader(&d, r, flags, &err), 0);
	return d;
}

static struct deb822 *open_str(const char *text, int flags)
{
	return open_text(text, strlen(text), flags);
}

static const char status[] =
	"\n\n"
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Source: glibc (2.36-9+deb12u4)  \n"
	"Version:2.36-9+deb12u4\n"
	"Description: GNU C Library: Shared libraries\n"
	" Contains the standard libraries.\n"
	"  Indented twice.\n"
	" .\n"
	"\tTabbed.\n"
	"Empty:\n"
	"Multi:\n"
	" first\n"
	"URIs: http://deb.debian.org/debian  \t\n"
	" \t \n"
	"\n"
	"package: curl\r\n"
	"VERSION: 7.88.1-10+deb12u5\r\n";

static void test_fields(void **state)
{
	struct deb822 *d = open_str(status, 0);
	struct vigie_error err;
	const struct deb822_field *f;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), 1);
	assert_int_equal(vigie_deb822_stanza_line(d), 3);
	assert_int_equal(vigie_deb822_nfields(d), 8);
	f = vigie_deb822_field_at(d, 0);
	assert_string_equal(f->name, "Package");
	assert_string_equal(f->value, "libc6");
	assert_int_equal(f->line, 3);
	assert_null(vigie_deb822_field_at(d, 8));
	assert_string_equal(vigie_deb822_get(d, "package"), "libc6");
	assert_string_equal(vigie_deb822_get(d, "PACKAGE"), "libc6");
	assert_string_equal(vigie_deb822_get(d, "Source"), "glibc (2.36-9+deb12u4)");
	assert_string_equal(vigie_deb822_get(d, "version"), "2.36-9+deb12u4");
	assert_string_equal(vigie_deb822_get(d, "Description"),
			    "GNU C Library: Shared libraries\n"
			    "Contains the standard libraries.\n"
			    " Indented twice.\n"
			    ".\n"
			    "Tabbed.");
	assert_string_equal(vigie_deb822_get(d, "Empty"), "");
	assert_string_equal(vigie_deb822_get(d, "Multi"), "\nfirst");
	assert_string_equal(vigie_deb822_get(d, "URIs"), "http://deb.debian.org/debian");
	assert_int_equal(vigie_deb822_get_line(d, "uris"), 15);
	assert_int_equal(vigie_deb822_get_line(d, "Description"), 7);
	assert_null(vigie_deb822_get(d, "Architecture"));
	assert_int_equal(vigie_deb822_get_line(d, "Architecture"), 0);
	assert_null(vigie_deb822_get(d, "Packag"));

	assert_int_equal(vigie_deb822_next(d, &err), 1);
	assert_int_equal(vigie_deb822_stanza_line(d), 18);
	assert_int_equal(vigie_deb822_nfields(d), 2);
	assert_string_equal(vigie_deb822_get(d, "Package"), "curl");
	assert_string_equal(vigie_deb822_get(d, "Version"), "7.88.1-10+deb12u5");
	assert_null(vigie_deb822_get(d, "Source"));
	assert_int_equal(vigie_deb822_next(d, &err), 0);
	assert_int_equal(vigie_deb822_next(d, &err), 0);
	assert_string_equal(vigie_deb822_name(d), "test.txt");
	vigie_deb822_free(d);
	vigie_deb822_free(NULL);
}

static void test_empty(void **state)
{
	static const char *const texts[] = { "", "\n", "\n\n  \n\t\n", "   " };
	struct vigie_error err;
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct deb822 *d = open_str(texts[i], 0);
		vigie_error_init(&err);
		assert_int_equal(vigie_deb822_next(d, &err), 0);
		assert_int_equal(vigie_deb822_nfields(d), 0);
		vigie_deb822_free(d);
	}
}

static void test_many_stanzas(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct deb822 *d;
	struct vigie_error err;
	int n = 0;
	(void)state;
	for (int i = 0; i < 5000; i++)
		vigie_buf_addf(&b, "Package: p%d\nVersion: %d.0\n%s", i, i, i % 3 ? "\n" : "\n \n\n");
	d = open_text(b.data, b.len, 0);
	vigie_error_init(&err);
	while (vigie_deb822_next(d, &err) == 1) {
		char expect[32];
		snprintf(expect, sizeof(expect), "p%d", n);
		assert_string_equal(vigie_deb822_get(d, "Package"), expect);
		n++;
	}
	assert_int_equal(err.code, 0);
	assert_int_equal(n, 5000);
	vigie_deb822_free(d);
	vigie_buf_release(&b);
}

static void test_comments(void **state)
{
	static const char text[] =
		"# leading comment\n"
		"Types: deb\n"
		"# inside a stanza\n"
		"URIs: http://deb.debian.org/debian\n"
		"#Suites: disabled\n"
		"Suites: bookworm\n"
		"\n"
		"# between\n"
		"\n"
		"Types: deb-src\n";
	struct deb822 *d = open_str(text, DEB822_COMMENTS);
	struct vigie_error err;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), 1);
	assert_int_equal(vigie_deb822_nfields(d), 3);
	assert_string_equal(vigie_deb822_get(d, "Suites"), "bookworm");
	assert_int_equal(vigie_deb822_get_line(d, "Suites"), 6);
	assert_int_equal(vigie_deb822_stanza_line(d), 2);
	assert_int_equal(vigie_deb822_next(d, &err), 1);
	assert_string_equal(vigie_deb822_get(d, "Types"), "deb-src");
	assert_int_equal(vigie_deb822_next(d, &err), 0);
	vigie_deb822_free(d);

	/* Without the flag a comment line is an error naming its line. */
	d = open_str(text + 18, 0);
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.file, "test.txt");
	vigie_deb822_free(d);
}

static void expect_error_len(const char *text, size_t len, int code,
			     unsigned long line, const char *what)
{
	struct deb822 *d = open_text(text, len, 0);
	struct vigie_error err;
	int rc;
	vigie_error_init(&err);
	while ((rc = vigie_deb822_next(d, &err)) == 1)
		;
	if (rc != code || err.line != line || strcmp(err.file, "test.txt") ||
	    !strstr(err.msg, what))
		fail_msg("'%.30s': rc %d line %lu msg '%s'; expected %d line %lu '%s'", text,
			 rc, err.line, err.msg, code, line, what);
	vigie_deb822_free(d);
}

static void expect_error(const char *text, int code, unsigned long line, const char *what)
{
	expect_error_len(text, strlen(text), code, line, what);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(" starts with a continuation\n", VIGIE_EPARSE, 1, "continuation");
	expect_error("A: b\n\n continuation after a blank\n", VIGIE_EPARSE, 3, "continuation");
	expect_error("A: b\nno colon here\n", VIGIE_EPARSE, 2, "expected 'Field: value'");
	expect_error("A: b\n\nC: d\nBad Name: x\n", VIGIE_EPARSE, 4, "Bad Name");
	expect_error(": empty name\n", VIGIE_EPARSE, 1, "Field: value");
	expect_error("-Dash: x\n", VIGIE_EPARSE, 1, "Field: value");
	expect_error("A: b\nN\xc3\xa9: x\n", VIGIE_EPARSE, 2, "Field: value");
	expect_error_len("A: b\nC: d\x00more\n", 14, VIGIE_EPARSE, 2, "NUL");
}

static void test_limits(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct deb822 *d;
	struct vigie_error err;
	char *line;
	(void)state;

	/* DEB822_MAX_FIELDS fields are fine, one more is not. */
	for (int i = 0; i < DEB822_MAX_FIELDS; i++)
		vigie_buf_addf(&b, "F%d: %d\n", i, i);
	d = open_text(b.data, b.len, 0);
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), 1);
	assert_int_equal(vigie_deb822_nfields(d), DEB822_MAX_FIELDS);
	assert_string_equal(vigie_deb822_get(d, "f2047"), "2047");
	vigie_deb822_free(d);
	vigie_buf_adds(&b, "One: too many\n");
	d = open_text(b.data, b.len, 0);
	assert_int_equal(vigie_deb822_next(d, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, DEB822_MAX_FIELDS + 1);
	vigie_deb822_free(d);

	/* One field longer than DEB822_MAX_FIELD through continuation lines. */
	line = malloc(1000001);
	assert_non_null(line);
	memset(line, 'x', 1000000);
	line[1000000] = '\0';
	vigie_buf_reset(&b);
	vigie_buf_adds(&b, "Big: start\n");
	for (int i = 0; i < 5; i++) {
		vigie_buf_addc(&b, ' ');
		vigie_buf_adds(&b, line);
		vigie_buf_addc(&b, '\n');
	}
	d = open_text(b.data, b.len, 0);
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg, "Big"));
	vigie_deb822_free(d);

	/* A stanza over DEB822_MAX_STANZA from many big fields. */
	vigie_buf_reset(&b);
	for (int i = 0; i < 17; i++)
		vigie_buf_addf(&b, "F%d: %s\n", i, line);
	d = open_text(b.data, b.len, 0);
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 17);
	assert_non_null(strstr(err.msg, "stanza"));
	vigie_deb822_free(d);

	/* The reader's line limit applies. */
	vigie_buf_reset(&b);
	vigie_buf_addf(&b, "A: b\nLong: %s%s\n", line, line);
	d = open_text(b.data, b.len, 0);
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_next(d, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	vigie_deb822_free(d);
	free(line);
	vigie_buf_release(&b);
}

static void test_file_gzip(void **state)
{
	struct deb822 *d;
	struct vigie_error err;
	const char *path = test_write("status", "Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n");
	(void)state;
	assert_int_equal(test_system("gzip -n '%s'", path), 0);
	vigie_error_init(&err);
	assert_int_equal(vigie_deb822_open(&d, test_write("dummy", ""), 0, &err), 0);
	vigie_deb822_free(d);
	{
		char gz[4200];
		snprintf(gz, sizeof(gz), "%s/status.gz", test_tmpdir());
		assert_int_equal(vigie_deb822_open(&d, gz, 0, &err), 0);
		assert_int_equal(vigie_deb822_next(d, &err), 1);
		assert_int_equal(vigie_deb822_next(d, &err), 1);
		assert_string_equal(vigie_deb822_get(d, "Version"), "2");
		assert_int_equal(vigie_deb822_get_line(d, "Version"), 5);
		assert_int_equal(vigie_deb822_next(d, &err), 0);
		vigie_deb822_free(d);
	}
	assert_int_equal(vigie_deb822_open(&d, "/nonexistent/status", 0, &err), VIGIE_EIO);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_many_stanzas),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_file_gzip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
