#include "testutil.h"
#include "vigie/render/text.h"

#include <stdio.h>
#include <string.h>

static char *fit(const char *in, int width)
{
	static char buf[4096];
	struct vigie_buf b = VIGIE_BUF_INIT;
	assert_int_equal(vigie_text_fit(&b, in, strlen(in), width), 0);
	snprintf(buf, sizeof(buf), "%s", b.data ? b.data : "");
	vigie_buf_release(&b);
	return buf;
}

static void test_wrap(void **state)
{
	(void)state;
	/* short lines and empty lines untouched, the last newline kept or not */
	assert_string_equal(fit("a b\n\nc\n", 20), "a b\n\nc\n");
	assert_string_equal(fit("no newline", 20), "no newline");
	/* wrapped at spaces, continuation indented 4 past the line's indent */
	assert_string_equal(fit("  one two three four five six seven", 20),
			    "  one two three four\n      five six seven");
	/* a word wider than the room is kept whole, on its own line */
	assert_string_equal(fit("see https://security-tracker.debian.org/tracker/CVE-2024-1086 now", 20),
			    "see\n    https://security-tracker.debian.org/tracker/CVE-2024-1086\n    now");
	/* colour codes take no column; UTF-8 characters take one each */
	assert_string_equal(fit("\033[31mcritique\033[0m \303\251t\303\251 \303\251t\303\251 \303\251t\303\251 \303\251t\303\251", 20),
			    "\033[31mcritique\033[0m \303\251t\303\251 \303\251t\303\251 \303\251t\303\251\n    \303\251t\303\251");
	/* below 20 columns nothing is wrapped */
	assert_string_equal(fit("a b c d e f g h i j k l m n o p q r s t u v", 10),
			    "a b c d e f g h i j k l m n o p q r s t u v");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_wrap) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
