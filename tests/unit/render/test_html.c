#include "testutil.h"
#include "vigie/render/html.h"

#include <string.h>

static void test_escape(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	assert_int_equal(vigie_html_escape(&b, "<a href='x' title=\"y\">&amp;</a>"), 0);
	assert_string_equal(b.data, "&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;amp;&lt;/a&gt;");
	vigie_buf_reset(&b);
	/* controls are dropped, tab and newline kept, UTF-8 untouched */
	assert_int_equal(vigie_html_escape(&b, "a\033[31mb\001c\177d\te\nf \303\251"), 0);
	assert_string_equal(b.data, "a[31mbcd\te\nf \303\251");
	vigie_buf_reset(&b);
	assert_int_equal(vigie_html_escape(&b, NULL), 0);
	assert_int_equal((int)b.len, 0);
	vigie_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_escape) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
