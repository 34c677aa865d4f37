#include "testutil.h"
#include "vigie/core/util.h"
#include "vigie/core/xml.h"

#include <string.h>
#include <time.h>

#include <libxml/tree.h>

static int parse(const char *doc, size_t len, const struct vigie_xml_limits *lim,
		 struct vigie_error *err)
{
	xmlDocPtr d = NULL;
	int rc;
	vigie_error_init(err);
	rc = vigie_xml_parse(&d, doc, len, "t.xml", lim, err);
	if (rc)
		assert_null(d);
	else
		assert_non_null(d);
	xmlFreeDoc(d);
	return rc;
}

static void test_attributes(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	struct vigie_xml_limits lim = { 0 };
	struct timespec t0, t1;
	(void)state;
	/* markup-looking text inside comments, CDATA, PIs and attribute values
	 * is not counted */
	assert_int_equal(vigie_buf_adds(&b, "<r>\n<!-- <x a b c d e> -->"
					    "<![CDATA[<x a=1 b=2 c=3>]]><?pi <x a b c?>"
					    "<e v='x>y a b' w=\"a&gt;b\"/></r>"), 0);
	lim.max_attrs = 2;
	assert_int_equal(parse(b.data, b.len, &lim, &err), 0);
	lim.max_attrs = 1;
	assert_int_equal(parse(b.data, b.len, &lim, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.file, "t.xml");
	assert_string_equal(err.msg, "element <e> has more than 1 attributes");

	/* 200,000 attributes: refused quickly (libxml2 alone takes minutes) */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_buf_adds(&b, "<?xml version=\"1.0\"?>\n<r>\n\n<e\n"), 0);
	for (int i = 0; i < 200000; i++)
		assert_int_equal(vigie_buf_addf(&b, "a%d=\"v\"\n", i), 0);
	assert_int_equal(vigie_buf_adds(&b, "/></r>"), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(parse(b.data, b.len, NULL, &err), VIGIE_ELIMIT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.msg, "<e> has more than 256 attributes"));
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	vigie_buf_release(&b);
}

static void test_depth(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	struct vigie_xml_limits lim = { 0 };
	(void)state;
	for (int i = 0; i < 10; i++)
		assert_int_equal(vigie_buf_adds(&b, "<a x='1'>\n<b/>"), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(vigie_buf_adds(&b, "</a>"), 0);
	lim.max_depth = 10;
	assert_int_equal(parse(b.data, b.len, &lim, &err), 0);
	lim.max_depth = 9;
	assert_int_equal(parse(b.data, b.len, &lim, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 10);
	assert_string_equal(err.msg, "elements nested deeper than 9");
	vigie_buf_release(&b);
}

static void test_time_budget(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	struct vigie_xml_limits lim = { 0 };
	(void)state;
	assert_int_equal(vigie_buf_adds(&b, "<r>\n"), 0);
	for (int i = 0; i < 400000; i++)
		assert_int_equal(vigie_buf_adds(&b, "<e>text</e>\n"), 0);
	assert_int_equal(vigie_buf_adds(&b, "</r>\n"), 0);
	assert_int_equal(parse(b.data, b.len, NULL, &err), 0);
	lim.max_ms = 1;
	assert_int_equal(parse(b.data, b.len, &lim, &err), VIGIE_ELIMIT);
	assert_non_null(strstr(err.msg, "longer than 1 ms"));
	assert_true(err.line > 1);
	vigie_buf_release(&b);
}

static void test_declarations(void **state)
{
	static const char rss091[] =
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		"<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\"\n"
		" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss/>";
	static const char ent[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n"
				  "<!ELEMENT r ANY>\n<!ENTITY a \"b\">\n]>\n<r>&a;</r>";
	static const char pe[] = "<!DOCTYPE r [ <!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; ]><r/>";
	struct vigie_error err;
	struct vigie_xml_limits lim = { 0 };
	(void)state;
	assert_int_equal(parse(rss091, strlen(rss091), NULL, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	lim.allow_doctype = 1;
	assert_int_equal(parse(rss091, strlen(rss091), &lim, &err), 0);
	assert_int_equal(parse(ent, strlen(ent), &lim, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.msg, "declares entities"));
	assert_int_equal(parse(pe, strlen(pe), &lim, &err), VIGIE_EPARSE);
	/* encodings: UTF-16 by BOM or NULs, EBCDIC by its first byte, and
	 * declared encodings outside the ASCII-compatible ones */
	assert_int_equal(parse("\xfe\xff\0<\0r\0/\0>", 10, NULL, &err), VIGIE_EPARSE);
	assert_int_equal(parse("<\0r\0/\0>\0", 8, NULL, &err), VIGIE_EPARSE);
	/* "<r/>" in IBM037 */
	assert_int_equal(parse("\x4c\x99\x61\x6e", 4, NULL, &err), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "EBCDIC"));
	assert_int_equal(parse("<?xml version='1.0' encoding='ebcdic-cp-us'?><r/>", 48, NULL, &err),
			 VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "ebcdic-cp-us"));
	assert_int_equal(parse("\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>\n<r/>", 46, NULL,
			       &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_time_budget),
		cmocka_unit_test(test_declarations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
