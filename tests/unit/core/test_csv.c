#include "testutil.h"
#include "vigie/core/csv.h"

#include <stdlib.h>
#include <string.h>

/* Read all records of text, joined as "a|b|c@LINE\n" for comparison. */
static int dump(const char *text, size_t len, const struct vigie_csv_opts *o,
		struct vigie_buf *out, struct vigie_error *err)
{
	struct vigie_csv *c;
	int rc;
	vigie_error_init(err);
	if ((rc = vigie_csv_open_mem(&c, text, len, "t.csv", o, err)))
		return rc;
	while ((rc = vigie_csv_next(c, err)) == 1) {
		for (size_t i = 0; i < vigie_csv_nfields(c); i++) {
			if (i)
				vigie_buf_addc(out, '|');
			vigie_buf_add(out, vigie_csv_field(c, i), vigie_csv_field_len(c, i));
		}
		vigie_buf_addf(out, "@%lu\n", vigie_csv_line(c));
	}
	vigie_csv_free(c);
	return rc;
}

static const struct {
	const char *in;
	const char *out;
} cases[] = {
	{ "a,b,c\n1,2,3\n", "a|b|c@1\n1|2|3@2\n" },
	{ "a,b\r\n1,2\r\n", "a|b@1\n1|2@2\n" },
	{ "a,b\n1,2", "a|b@1\n1|2@2\n" },                       /* no final newline */
	{ "a,\"b,c\",d\n", "a|b,c|d@1\n" },                      /* separator in quotes */
	{ "\"he said \"\"hi\"\"\",x\n", "he said \"hi\"|x@1\n" }, /* doubled quotes */
	{ "\"multi\nline\r\ntext\",2\nnext,3\n", "multi\nline\r\ntext|2@1\nnext|3@4\n" },
	{ ",,\n", "||@1\n" },                                    /* empty fields */
	{ "a,\"\"\n", "a|@1\n" },
	{ "\n\na\n\r\n\nb\n", "a@3\nb@6\n" },                    /* blank lines skipped */
	{ "\xef\xbb\xbfh1,h2\nx,y\n", "h1|h2@1\nx|y@2\n" },      /* BOM */
	{ "ab\"c,d\n", "ab\"c|d@1\n" },                          /* stray quote kept */
	{ "a;b;c\n1;\"2;3\";4\n", "a|b|c@1\n1|2;3|4@2\n" },      /* ';' detected */
	{ "a,b;c\n", "a|b;c@1\n" },                              /* ',' wins a tie-break */
	{ "x\ry,z\n", "x\ry|z@1\n" },                            /* lone CR is data */
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vigie_buf out = VIGIE_BUF_INIT;
		struct vigie_error err = { 0 };
		int rc = dump(cases[i].in, strlen(cases[i].in), NULL, &out, &err);
		if (rc != 0 || strcmp(out.data ? out.data : "", cases[i].out))
			fail_msg("case %zu: rc %d (%s)\n got  [%s]\n want [%s]", i, rc, err.msg,
				 out.data ? out.data : "", cases[i].out);
		vigie_buf_release(&out);
	}
}

static const struct {
	const char *in;
	int rc;
	unsigned long line;
} bad[] = {
	{ "a,b\n1,\"unterminated\n", VIGIE_EPARSE, 2 },
	{ "a,\"b\"x,c\n", VIGIE_EPARSE, 1 },
	{ "a,b\n\"x\n\"y\n", VIGIE_EPARSE, 3 },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vigie_buf out = VIGIE_BUF_INIT;
		struct vigie_error err = { 0 };
		int rc = dump(bad[i].in, strlen(bad[i].in), NULL, &out, &err);
		if (rc != bad[i].rc || err.line != bad[i].line)
			fail_msg("case %zu: rc %d line %lu (%s)", i, rc, err.line, err.msg);
		assert_string_equal(err.file, "t.csv");
		vigie_buf_release(&out);
	}
	/* NUL byte */
	{
		struct vigie_buf out = VIGIE_BUF_INIT;
		struct vigie_error err = { 0 };
		assert_int_equal(dump("a,b\nc,\0d\n", 9, NULL, &out, &err), VIGIE_EPARSE);
		assert_int_equal(err.line, 2);
		vigie_buf_release(&out);
	}
}

static void test_limits(void **state)
{
	struct vigie_csv_opts o = { 0, 8, 4, 0 };
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err = { 0 };
	(void)state;
	assert_int_equal(dump("a,b\n12345678,x\n123456789,x\n", 27, &o, &out, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 3);
	assert_string_equal(out.data, "a|b@1\n12345678|x@2\n");
	vigie_buf_reset(&out);
	assert_int_equal(dump("a,b,c,d\n1,2,3,4,5\n", 18, &o, &out, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	vigie_buf_release(&out);
}

static void test_huge_field(void **state)
{
	/* a 50 MB quoted field with the default bounds: error on its line */
	size_t big = 50u * 1024 * 1024;
	char *text = malloc(big + 32);
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err = { 0 };
	size_t n;
	(void)state;
	assert_non_null(text);
	memcpy(text, "h\nx\n\"", 5);
	memset(text + 5, 'A', big);
	memcpy(text + 5 + big, "\"\n", 2);
	n = big + 7;
	assert_int_equal(dump(text, n, NULL, &out, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "longer than"));
	free(text);
	vigie_buf_release(&out);
}

static void test_quote(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	assert_int_equal(vigie_csv_quote(&b, "plain", ','), 0);
	assert_int_equal(vigie_buf_addc(&b, ','), 0);
	assert_int_equal(vigie_csv_quote(&b, "a,b", ','), 0);
	assert_int_equal(vigie_buf_addc(&b, ','), 0);
	assert_int_equal(vigie_csv_quote(&b, "say \"x\"\n", ','), 0);
	assert_int_equal(vigie_buf_addc(&b, ','), 0);
	assert_int_equal(vigie_csv_quote(&b, NULL, ','), 0);
	assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"x\"\"\n\",");
	/* round trip through the reader */
	{
		struct vigie_buf out = VIGIE_BUF_INIT;
		struct vigie_error err = { 0 };
		assert_int_equal(dump(b.data, b.len, NULL, &out, &err), 0);
		assert_string_equal(out.data, "plain|a,b|say \"x\"\n|@1\n");
		vigie_buf_release(&out);
	}
	vigie_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
