#include "testutil.h"
#include "vigie/debian/procmaps.h"

#include <stdio.h>
#include <string.h>

/* Lines as the kernel writes them (padding included), with the fields
 * written down by hand. */
#define BAD(l) { l, VIGIE_EPARSE, 0, 0, 0, 0, NULL, 0, 0, NULL, 0, PROCMAPS_ANON }

static void test_lines(void **state)
{
	static const struct {
		const char *line;
		int rc;
		uint64_t start, end, offset, inode;
		const char *perms;
		unsigned maj, min;
		const char *path; /* NULL: anonymous */
		int deleted;
		enum procmaps_kind kind;
	} cases[] = {
		{ "55d0c3a00000-55d0c3a28000 r--p 00000000 fe:01 1835117                    /usr/bin/bash",
		  0, 0x55d0c3a00000, 0x55d0c3a28000, 0, 1835117, "r--p", 0xfe, 1, "/usr/bin/bash", 0,
		  PROCMAPS_FILE },
		{ "7f1c2e000000-7f1c2e022000 r-xp 00022000 08:02 393232                     /usr/lib/x86_64-linux-gnu/libssl.so.3 (deleted)",
		  0, 0x7f1c2e000000, 0x7f1c2e022000, 0x22000, 393232, "r-xp", 8, 2,
		  "/usr/lib/x86_64-linux-gnu/libssl.so.3", 1, PROCMAPS_FILE },
		BAD("7f00 0000-1 r--p 0 0:0 0"),
		{ "00400000-00452000 r-xp 00000000 08:02 173521      /opt/My App/lib with spaces.so",
		  0, 0x400000, 0x452000, 0, 173521, "r-xp", 8, 2, "/opt/My App/lib with spaces.so", 0,
		  PROCMAPS_FILE },
		{ "00400000-00452000 r-xp 00000000 08:02 173521      /opt/odd  name (deleted) (deleted)",
		  0, 0x400000, 0x452000, 0, 173521, "r-xp", 8, 2, "/opt/odd  name (deleted)", 1,
		  PROCMAPS_FILE },
		{ "7ffd1a2b3000-7ffd1a2d4000 rw-p 00000000 00:00 0                          [stack]",
		  0, 0x7ffd1a2b3000, 0x7ffd1a2d4000, 0, 0, "rw-p", 0, 0, "[stack]", 0, PROCMAPS_PSEUDO },
		{ "55d0c5b8e000-55d0c5d1f000 rw-p 00000000 00:00 0                          [heap]",
		  0, 0x55d0c5b8e000, 0x55d0c5d1f000, 0, 0, "rw-p", 0, 0, "[heap]", 0, PROCMAPS_PSEUDO },
		{ "7ffd1a3f0000-7ffd1a3f2000 r-xp 00000000 00:00 0                          [vdso]",
		  0, 0x7ffd1a3f0000, 0x7ffd1a3f2000, 0, 0, "r-xp", 0, 0, "[vdso]", 0, PROCMAPS_PSEUDO },
		{ "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
		  0, 0xffffffffff600000ull, 0xffffffffff601000ull, 0, 0, "--xp", 0, 0, "[vsyscall]", 0,
		  PROCMAPS_PSEUDO },
		{ "7f1c2e400000-7f1c2e600000 rw-s 00000000 00:01 2049                       /memfd:wayland-shm (deleted)",
		  0, 0x7f1c2e400000, 0x7f1c2e600000, 0, 2049, "rw-s", 0, 1, "/memfd:wayland-shm", 1,
		  PROCMAPS_MEMFD },
		{ "7f1c2e700000-7f1c2e800000 rw-p 00000000 00:00 0 ",
		  0, 0x7f1c2e700000, 0x7f1c2e800000, 0, 0, "rw-p", 0, 0, NULL, 0, PROCMAPS_ANON },
		{ "7f1c2e700000-7f1c2e800000 rw-p 00000000 00:00 0",
		  0, 0x7f1c2e700000, 0x7f1c2e800000, 0, 0, "rw-p", 0, 0, NULL, 0, PROCMAPS_ANON },
		{ "7f1c2e900000-7f1c2e901000 rw-s 00000000 00:0e 1065                       anon_inode:[perf_event]",
		  0, 0x7f1c2e900000, 0x7f1c2e901000, 0, 1065, "rw-s", 0, 0xe, "anon_inode:[perf_event]", 0,
		  PROCMAPS_OTHER },
		{ "7f1c2ea00000-7f1c2ea01000 r--p 00000000 103:02 99 /usr/lib/\\012newline\xff\xfe.so",
		  0, 0x7f1c2ea00000, 0x7f1c2ea01000, 0, 99, "r--p", 0x103, 2,
		  "/usr/lib/\\012newline\xff\xfe.so", 0, PROCMAPS_FILE },
		/* malformed */
		BAD(""),
		BAD("garbage"),
		BAD("1000-0fff r--p 00000000 00:00 0"),            /* end < start */
		BAD("11112222333344445-1 r--p 0 00:00 0"),        /* 17 hex digits */
		BAD("1000-2000 rwzp 00000000 00:00 0"),
		BAD("1000-2000 r--p 00000000 0000 0"),
		BAD("1000-2000 r--p 00000000 00:00 99999999999999999999"), /* > 2^64 */
		BAD("1000-2000 r--p 00000000 00:00 12x /a"),
		BAD("1000-2000 r--p"),
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct procmaps_entry e;
		struct vigie_error err;
		vigie_error_init(&err);
		int rc = vigie_procmaps_parse_line(&e, cases[i].line, strlen(cases[i].line), &err);
		if (rc != cases[i].rc)
			fail_msg("case %zu (%s): rc %d, want %d (%s)", i, cases[i].line, rc,
				 cases[i].rc, err.msg);
		if (rc)
			continue;
		assert_true(e.start == cases[i].start);
		assert_true(e.end == cases[i].end);
		assert_true(e.offset == cases[i].offset);
		assert_true(e.inode == cases[i].inode);
		assert_string_equal(e.perms, cases[i].perms);
		assert_int_equal(e.dev_major, cases[i].maj);
		assert_int_equal(e.dev_minor, cases[i].min);
		assert_int_equal(e.deleted, cases[i].deleted);
		assert_int_equal(e.kind, cases[i].kind);
		if (!cases[i].path) {
			assert_null(e.path);
			assert_int_equal(e.path_len, 0);
		} else {
			assert_int_equal(e.path_len, strlen(cases[i].path));
			assert_memory_equal(e.path, cases[i].path, e.path_len);
		}
	}
}

struct collect {
	char paths[1024];
	size_t n, stop_at;
};

static int collect_fn(void *ud, const struct procmaps_entry *e)
{
	struct collect *c = ud;
	size_t o = strlen(c->paths);
	snprintf(c->paths + o, sizeof(c->paths) - o, "%s%s:%.*s%s", o ? "|" : "",
		 vigie_procmaps_kind_name(e->kind), (int)e->path_len, e->path ? e->path : "",
		 e->deleted ? "!" : "");
	if (++c->n == c->stop_at)
		return 42;
	return 0;
}

static unsigned long nwarn, lastline;
static void warn_fn(void *ud, const struct vigie_error *w)
{
	(void)ud;
	nwarn++;
	lastline = w->line;
}

static void test_buffer(void **state)
{
	static const char buf[] =
		"00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/a b\n"
		"not a maps line\n"
		"00652000-00655000 rw-p 00000000 00:00 0\n"
		"00655000-00656000 rw-s 00000000 00:01 7 /memfd:x (deleted)\n"
		"7ffd1a2b3000-7ffd1a2d4000 rw-p 00000000 00:00 0 [stack]"; /* no final newline */
	struct collect c;
	struct vigie_error err;
	size_t bad = 99;
	(void)state;
	memset(&c, 0, sizeof(c));
	vigie_error_init(&err);
	err.warn = warn_fn;
	nwarn = 0;
	assert_int_equal(vigie_procmaps_parse(buf, sizeof(buf) - 1, "maps", collect_fn, &c, &bad,
					      &err), 0);
	assert_string_equal(c.paths, "file:/usr/bin/a b|anon:|memfd:/memfd:x!|pseudo:[stack]");
	assert_int_equal(bad, 1);
	assert_int_equal(nwarn, 1);
	assert_int_equal(lastline, 2);

	/* the callback stops the parse */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(vigie_procmaps_parse(buf, sizeof(buf) - 1, "maps", collect_fn, &c, NULL,
					      NULL), 42);
	assert_int_equal(c.n, 2);

	/* empty buffer: nothing, no error */
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_procmaps_parse("", 0, "maps", collect_fn, &c, &bad, NULL), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(bad, 0);
}

static void test_overlong(void **state)
{
	static char line[PROCMAPS_MAX_LINE + 64];
	struct procmaps_entry e;
	struct vigie_error err;
	struct collect c;
	size_t bad = 0, l;
	(void)state;
	l = (size_t)snprintf(line, sizeof(line), "1000-2000 r--p 00000000 08:01 5 /");
	memset(line + l, 'a', sizeof(line) - l - 1);
	line[sizeof(line) - 1] = '\0';
	vigie_error_init(&err);
	assert_int_equal(vigie_procmaps_parse_line(&e, line, strlen(line), &err), VIGIE_ELIMIT);
	/* exactly at the limit it is accepted */
	assert_int_equal(vigie_procmaps_parse_line(&e, line, PROCMAPS_MAX_LINE, &err), 0);
	assert_int_equal(e.path_len, PROCMAPS_MAX_LINE - l + 1);
	/* in a buffer, the long line is skipped and counted */
	line[sizeof(line) - 2] = '\n';
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_procmaps_parse(line, strlen(line), "maps", collect_fn, &c, &bad,
					      NULL), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(c.n, 0);
	/* a NUL byte inside a line is refused */
	assert_int_equal(vigie_procmaps_parse_line(&e, "1000-2000 r--p 0 08:01 5 /a\0b", 29, &err),
			 VIGIE_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_buffer),
		cmocka_unit_test(test_overlong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
