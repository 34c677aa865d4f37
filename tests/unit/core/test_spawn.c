#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/core/spawn.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct split_case {
	const char *in;
	int rc;
	const char *words; /* words joined by '|' when rc == 0 */
};

static const struct split_case split_cases[] = {
	{ "/usr/sbin/sendmail -t -i", 0, "/usr/sbin/sendmail|-t|-i" },
	{ "  mail\t-s  x ", 0, "mail|-s|x" },
	{ "a 'b c' \"d e\" f\\ g", 0, "a|b c|d e|f g" },
	{ "a 'it''s' x", 0, "a|its|x" },
	{ "a \"q\\\"uote\" \"back\\\\slash\" \"\\n\"", 0, "a|q\"uote|back\\slash|\\n" },
	{ "a '' b", 0, "a||b" },
	{ "a ab'c d'e", 0, "a|abc de" },
	/* quoted shell syntax is passed as is, never expanded */
	{ "m '$(id -u)' \"$HOME\" '|' \\;", 0, "m|$(id -u)|$HOME|||;" },
	{ "m -f '<x@y>'", 0, "m|-f|<x@y>" },
	/* refused */
	{ "m $(id -u)", VIGIE_EPARSE, NULL },
	{ "m `id`", VIGIE_EPARSE, NULL },
	{ "m $HOME", VIGIE_EPARSE, NULL },
	{ "m | logger", VIGIE_EPARSE, NULL },
	{ "m; rm x", VIGIE_EPARSE, NULL },
	{ "m && x", VIGIE_EPARSE, NULL },
	{ "m >/dev/null", VIGIE_EPARSE, NULL },
	{ "m </dev/null", VIGIE_EPARSE, NULL },
	{ "(m)", VIGIE_EPARSE, NULL },
	{ "m 'open", VIGIE_EPARSE, NULL },
	{ "m \"open", VIGIE_EPARSE, NULL },
	{ "m \\", VIGIE_EPARSE, NULL },
	{ "m\x01", VIGIE_EPARSE, NULL },
	{ "", VIGIE_EPARSE, NULL },
	{ "   ", VIGIE_EPARSE, NULL },
	{ "'' x", VIGIE_EPARSE, NULL },
};

static void test_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		struct vigie_strv w;
		struct vigie_error err;
		char *j = NULL;
		int rc;
		vigie_error_init(&err);
		rc = vigie_spawn_split(&w, c->in, "f.conf", 7, &err);
		if (!rc)
			j = vigie_strv_join(&w, "|");
		if (rc != c->rc || (!rc && strcmp(j, c->words)))
			fail_msg("case %zu '%s': rc %d words '%s' (%s); expected %d '%s'", i,
				 c->in, rc, j ? j : "", err.msg, c->rc, c->words ? c->words : "");
		if (rc) {
			assert_int_equal(w.n, 0);
			assert_string_equal(err.file, "f.conf");
			assert_int_equal(err.line, 7);
		}
		free(j);
		vigie_strv_release(&w);
	}
}

static void test_split_limit(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_strv w;
	struct vigie_error err;
	(void)state;
	vigie_error_init(&err);
	for (int i = 0; i <= VIGIE_SPAWN_MAX_WORDS; i++)
		assert_int_equal(vigie_buf_adds(&b, "w "), 0);
	assert_int_equal(vigie_spawn_split(&w, b.data, NULL, 0, &err), VIGIE_ELIMIT);
	vigie_buf_release(&b);
}

static char *slurp(const char *path)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	vigie_error_init(&err);
	if (vigie_read_file(&b, path, 16 << 20, &err))
		return NULL;
	if (!b.data && vigie_buf_add(&b, "", 0))
		return NULL;
	return vigie_buf_detach(&b);
}

/* The input reaches the program's stdin, its words arrive as given. */
static void test_run_input_and_words(void **state)
{
	char out[4200], args[4200], script[9000], *s;
	struct vigie_error err;
	const char *argv[6];
	(void)state;

	vigie_error_init(&err);
	snprintf(out, sizeof(out), "%s/stdin.out", test_tmpdir());
	snprintf(args, sizeof(args), "%s/args.out", test_tmpdir());
	snprintf(script, sizeof(script), "printf '%%s\\n' \"$@\" >'%s'; cat >'%s'", args, out);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = "sh";
	argv[4] = "$(id -u)";
	argv[5] = "a b";
	assert_int_equal(vigie_spawn_with_input(argv, 6, "To: x\n\nbody\n", 13, 0, &err), 0);
	s = slurp(out);
	assert_string_equal(s, "To: x\n\nbody\n");
	free(s);
	s = slurp(args);
	assert_string_equal(s, "$(id -u)\na b\n");
	free(s);
	/* a large input, read in full */
	{
		size_t n = 3 << 20;
		char *big = malloc(n);
		assert_non_null(big);
		memset(big, 'm', n);
		argv[4] = "x";
		assert_int_equal(vigie_spawn_with_input(argv, 5, big, n, 0, &err), 0);
		s = slurp(out);
		assert_non_null(s);
		assert_int_equal(strlen(s), n);
		free(s);
		free(big);
	}
}

static void test_run_failures(void **state)
{
	struct vigie_error err;
	const char *fail3[] = { "sh", "-c", "cat >/dev/null; exit 3" };
	const char *killed[] = { "sh", "-c", "kill -9 $$" };
	const char *absent[] = { "/nonexistent/sendmail", "-t" };
	const char *noread[] = { "true" };
	const char *slow[] = { "sleep", "30" };
	size_t n = 8 << 20;
	char *big;
	time_t t0;
	(void)state;

	vigie_error_init(&err);
	assert_int_equal(vigie_spawn_with_input(fail3, 3, "x", 1, 0, &err), VIGIE_EIO);
	assert_string_equal(err.msg, "'sh' exited with status 3");
	assert_int_equal(vigie_spawn_with_input(killed, 3, "", 0, 0, &err), VIGIE_EIO);
	assert_string_equal(err.msg, "'sh' was killed by signal 9");
	assert_int_equal(vigie_spawn_with_input(absent, 2, "x", 1, 0, &err), VIGIE_EIO);
	assert_non_null(strstr(err.msg, "cannot run '/nonexistent/sendmail'"));
	assert_int_equal(vigie_spawn_with_input(NULL, 0, "x", 1, 0, &err), VIGIE_EUSAGE);
	/* a program that exits without reading a large input: an error,
	 * and no SIGPIPE kills the caller */
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'm', n);
	assert_int_equal(vigie_spawn_with_input(noread, 1, big, n, 0, &err), VIGIE_EIO);
	assert_non_null(strstr(err.msg, "'true' did not read its input"));
	/* bounded: a program that neither reads nor exits is killed */
	t0 = time(NULL);
	assert_int_equal(vigie_spawn_with_input(slow, 2, big, n, 1, &err), VIGIE_EIO);
	assert_true(time(NULL) - t0 < 10);
	assert_non_null(strstr(err.msg, "'sleep'"));
	t0 = time(NULL);
	assert_int_equal(vigie_spawn_with_input(slow, 2, "x", 1, 1, &err), VIGIE_EIO);
	assert_true(time(NULL) - t0 < 10);
	assert_string_equal(err.msg, "'sleep' did not finish within 1 s, killed");
	free(big);
}

static void test_capture(void **state)
{
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT;
	const char *echo[] = { "sh", "-c", "printf 'a\\0b'; cat; printf '[%s]' \"$1\"", "sh", "$(id)" };
	const char *big[] = { "sh", "-c", "head -c 100000 /dev/zero" };
	const char *fail[] = { "sh", "-c", "printf partial; exit 255" };
	const char *slow[] = { "sleep", "30" };
	int status = 0;
	time_t t0;
	(void)state;

	vigie_error_init(&err);
	/* stdout captured byte for byte (NUL included), stdin is /dev/null,
	 * arguments are not expanded */
	assert_int_equal(vigie_spawn_capture(echo, 5, &out, 1000, 0, &status, &err), 0);
	assert_int_equal(status, 0);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.data, "a\0b[$(id)]", 10);
	/* over the cap: killed, VIGIE_ELIMIT */
	vigie_buf_reset(&out);
	assert_int_equal(vigie_spawn_capture(big, 3, &out, 4096, 0, &status, &err), VIGIE_ELIMIT);
	assert_true(out.len <= 4096);
	/* an exit status is an error, what was read is kept */
	vigie_buf_reset(&out);
	assert_int_equal(vigie_spawn_capture(fail, 3, &out, 1000, 0, &status, &err), VIGIE_EIO);
	assert_int_equal(status, 255);
	assert_string_equal(err.msg, "'sh' exited with status 255");
	assert_int_equal(out.len, 7);
	/* bounded in time */
	t0 = time(NULL);
	assert_int_equal(vigie_spawn_capture(slow, 2, &out, 1000, 1, &status, &err), VIGIE_EIO);
	assert_true(time(NULL) - t0 < 10);
	assert_string_equal(err.msg, "'sleep' did not finish within 1 s, killed");
	vigie_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_limit),
		cmocka_unit_test(test_run_input_and_words),
		cmocka_unit_test(test_run_failures),
		cmocka_unit_test(test_capture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
