/* The agent's collection: log positions across documents, caps and
 * rotations; gzip; the token file. */
#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/app/agent.h"
#include "vigie/core/file.h"
#include "vigie/core/reader.h"
#include "vigie/debian/invdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[4200];

static void put(const char *rel, const char *text, size_t len)
{
	char path[8400];
	struct vigie_error err;
	vigie_error_init(&err);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(vigie_mkdirs_for(path, 0755, &err), 0);
	assert_int_equal(vigie_file_write_atomic(path, text, len, 0644, &err), 0);
}

static void append(const char *rel, const char *text)
{
	char path[8400];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_non_null(f = fopen(path, "a"));
	fputs(text, f);
	fclose(f);
}

static void move(const char *from, const char *to)
{
	char a[8400], b[8400];
	snprintf(a, sizeof(a), "%s/%s", root, from);
	snprintf(b, sizeof(b), "%s/%s", root, to);
	assert_int_equal(rename(a, b), 0);
}

/* gzip rel into rel.gz (through vigie_agent_gzip), remove rel */
static void gz(const char *rel, const char *to)
{
	char path[8400];
	FILE *f;
	struct vigie_buf in = VIGIE_BUF_INIT, out = VIGIE_BUF_INIT;
	char chunk[4096];
	size_t n;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_non_null(f = fopen(path, "r"));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		vigie_buf_add(&in, chunk, n);
	fclose(f);
	assert_int_equal(vigie_agent_gzip(&out, in.data, in.len), 0);
	put(to, out.data, out.len);
	unlink(path);
	vigie_buf_release(&in);
	vigie_buf_release(&out);
}

static char *dpkg_line(char *buf, size_t size, int i)
{
	snprintf(buf, size, "2026-02-%02d 10:%02d:%02d upgrade pkg%03d:amd64 1.0-%d 1.0-%d\n",
		 1 + i / 3600 % 28, i / 60 % 60, i % 60, i, i, i + 1);
	return buf;
}

/* Collect once from *state (updated); the document's dpkg/apt text appended
 * to dpkg/apt. Returns d.more. */
static int collect(struct vigie_buf *state, struct vigie_buf *dpkg, struct vigie_buf *apt,
		   size_t max)
{
	struct vigie_agent_opts o;
	struct vigie_agent_doc d;
	struct invdoc doc;
	struct vigie_error err;
	int more;

	memset(&o, 0, sizeof(o));
	o.root = root;
	o.max_log_bytes = max;
	vigie_error_init(&err);
	vigie_agent_doc_init(&d);
	assert_int_equal(vigie_agent_collect(&d, &o, state->data, &err), 0);
	vigie_invdoc_init(&doc);
	assert_int_equal(vigie_invdoc_parse(&doc, d.json.data, d.json.len, "doc", &err), 0);
	assert_string_equal(doc.inv.host, "h1");
	assert_null(doc.inv.kernel_release); /* an image */
	assert_int_equal(doc.inv.npkgs, 1);
	if (max)
		assert_true(doc.dpkg_log.len <= (max > 80 ? max : 80));
	vigie_buf_add(dpkg, doc.dpkg_log.data ? doc.dpkg_log.data : "", doc.dpkg_log.len);
	vigie_buf_add(apt, doc.apt_log.data ? doc.apt_log.data : "", doc.apt_log.len);
	vigie_buf_reset(state);
	vigie_buf_add(state, d.state.data, d.state.len);
	more = d.more;
	vigie_invdoc_release(&doc);
	vigie_agent_doc_release(&d);
	return more;
}

static void setup_root(const char *name)
{
	snprintf(root, sizeof(root), "%s/%s", test_tmpdir(), name);
	{
		const char *os = "ID=debian\nVERSION_CODENAME=bookworm\nVERSION_ID=\"12\"\n";
		put("etc/os-release", os, strlen(os));
	}
	put("etc/hostname", "h1\n", 3);
	{
		const char *st = "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\n"
				 "Version: 1.21.22\n";
		put("var/lib/dpkg/status", st, strlen(st));
	}
}

static void test_positions(void **state)
{
	struct vigie_buf st = VIGIE_BUF_INIT, got = VIGIE_BUF_INIT, apt = VIGIE_BUF_INIT;
	struct vigie_buf want = VIGIE_BUF_INIT;
	char line[128];
	int docs = 0;
	(void)state;

	setup_root("positions");
	for (int i = 0; i < 300; i++)
		vigie_buf_adds(&want, dpkg_line(line, sizeof(line), i));
	put("var/log/dpkg.log", want.data, want.len);
	/* 12 KiB of lines at most 2000 bytes a document: several documents,
	 * each line once, in order */
	while (collect(&st, &got, &apt, 2000))
		docs++;
	assert_true(docs >= 5);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	/* nothing new: nothing */
	vigie_buf_reset(&got);
	assert_int_equal(collect(&st, &got, &apt, 0), 0);
	assert_int_equal(got.len, 0);

	/* lines before the rotation, then dpkg.log -> .1 -> .2.gz over two
	 * rotations, a new live file with a partial last line */
	vigie_buf_reset(&want);
	append("var/log/dpkg.log", dpkg_line(line, sizeof(line), 300));
	vigie_buf_adds(&want, line);
	move("var/log/dpkg.log", "var/log/dpkg.log.1");
	put("var/log/dpkg.log", dpkg_line(line, sizeof(line), 301), strlen(line));
	vigie_buf_adds(&want, line);
	gz("var/log/dpkg.log.1", "var/log/dpkg.log.2.gz");
	move("var/log/dpkg.log", "var/log/dpkg.log.1");
	put("var/log/dpkg.log", dpkg_line(line, sizeof(line), 302), strlen(line));
	vigie_buf_adds(&want, line);
	append("var/log/dpkg.log", "2026-03-01 10:00:00 upgrade half");
	vigie_buf_reset(&got);
	assert_int_equal(collect(&st, &got, &apt, 0), 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	/* the partial line comes once complete */
	append("var/log/dpkg.log", "-done:amd64 1 2\n");
	vigie_buf_reset(&got);
	collect(&st, &got, &apt, 0);
	assert_string_equal(got.data, "2026-03-01 10:00:00 upgrade half-done:amd64 1 2\n");

	/* the file the position names is gone (removed, rotated out of
	 * retention): every line present is new (the server drops what it has) */
	{
		char p[8400];
		snprintf(p, sizeof(p), "%s/var/log/dpkg.log.2.gz", root);
		assert_int_equal(unlink(p), 0);
		snprintf(p, sizeof(p), "%s/var/log/dpkg.log", root);
		assert_int_equal(unlink(p), 0);
	}
	vigie_buf_reset(&got);
	collect(&st, &got, &apt, 0);
	assert_string_equal(got.data, dpkg_line(line, sizeof(line), 301));
	vigie_buf_release(&st);
	vigie_buf_release(&got);
	vigie_buf_release(&apt);
	vigie_buf_release(&want);
}

/* A line longer than the cap goes alone; the last one ends the run. */
static void test_huge_unit(void **state)
{
	struct vigie_buf st = VIGIE_BUF_INIT, got = VIGIE_BUF_INIT, apt = VIGIE_BUF_INIT;
	struct vigie_buf want = VIGIE_BUF_INIT;
	char line[128];
	(void)state;
	setup_root("huge");
	for (int i = 0; i < 3; i++)
		vigie_buf_adds(&want, dpkg_line(line, sizeof(line), i));
	put("var/log/dpkg.log", want.data, want.len);
	/* one apt stanza, taken whole at once: dpkg's remaining lines still
	 * ask for another document */
	{
		const char *a = "\nStart-Date: 2026-02-01  10:00:00\nEnd-Date: 2026-02-01  10:00:01\n";
		put("var/log/apt/history.log", a, strlen(a));
	}
	assert_int_equal(collect(&st, &got, &apt, 20), 1);
	assert_string_equal(apt.data, "Start-Date: 2026-02-01  10:00:00\nEnd-Date: 2026-02-01  10:00:01\n");
	assert_string_equal(got.data, dpkg_line(line, sizeof(line), 0));
	assert_int_equal(collect(&st, &got, &apt, 20), 1);
	assert_int_equal(collect(&st, &got, &apt, 20), 0);
	assert_string_equal(got.data, want.data);
	vigie_buf_release(&st);
	vigie_buf_release(&got);
	vigie_buf_release(&apt);
	vigie_buf_release(&want);
}

static void test_apt_stanzas(void **state)
{
	struct vigie_buf st = VIGIE_BUF_INIT, dpkg = VIGIE_BUF_INIT, got = VIGIE_BUF_INIT;
	const char *one = "\nStart-Date: 2026-02-01  10:00:00\nCommandline: apt-get upgrade\n"
			  "Upgrade: a:amd64 (1, 2)\nEnd-Date: 2026-02-01  10:00:05\n";
	const char *open = "\nStart-Date: 2026-02-02  10:00:00\nCommandline: apt-get install b\n";
	const char *close = "Install: b:amd64 (1)\nEnd-Date: 2026-02-02  10:00:03\n";
	(void)state;

	setup_root("apt");
	put("var/log/apt/history.log", one, strlen(one));
	append("var/log/apt/history.log", open);
	/* the open stanza stays for later; blank lines are not carried */
	collect(&st, &dpkg, &got, 0);
	assert_string_equal(got.data, "Start-Date: 2026-02-01  10:00:00\nCommandline: apt-get upgrade\n"
				      "Upgrade: a:amd64 (1, 2)\nEnd-Date: 2026-02-01  10:00:05\n");
	/* completed, then rotated (every history.log starts with a blank
	 * line: the identity is the first non-empty line) */
	append("var/log/apt/history.log", close);
	gz("var/log/apt/history.log", "var/log/apt/history.log.1.gz");
	put("var/log/apt/history.log", "\nStart-Date: 2026-02-03  10:00:00\n", 34);
	vigie_buf_reset(&got);
	collect(&st, &dpkg, &got, 0);
	assert_string_equal(got.data, "Start-Date: 2026-02-02  10:00:00\nCommandline: apt-get install b\n"
				      "Install: b:amd64 (1)\nEnd-Date: 2026-02-02  10:00:03\n");
	vigie_buf_release(&st);
	vigie_buf_release(&dpkg);
	vigie_buf_release(&got);
}

static void test_invalid_utf8(void **state)
{
	struct vigie_buf st = VIGIE_BUF_INIT, got = VIGIE_BUF_INIT, apt = VIGIE_BUF_INIT;
	const char *bad = "2026-02-01 10:00:00 install caf\xe9:amd64 <none> 1\n";
	(void)state;
	setup_root("utf8");
	put("var/log/dpkg.log", bad, strlen(bad));
	collect(&st, &got, &apt, 0);
	assert_string_equal(got.data, "2026-02-01 10:00:00 install caf?:amd64 <none> 1\n");
	vigie_buf_release(&st);
	vigie_buf_release(&got);
	vigie_buf_release(&apt);
}

static void test_gzip(void **state)
{
	struct vigie_buf z = VIGIE_BUF_INIT;
	struct vigie_reader *r;
	struct vigie_error err;
	char back[64];
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_agent_gzip(&z, "hello, world\n", 13), 0);
	assert_true(z.len > 2 && (unsigned char)z.data[0] == 0x1f &&
		    (unsigned char)z.data[1] == 0x8b);
	assert_int_equal(vigie_reader_open_mem(&r, z.data, z.len, "z", &err), 0);
	assert_int_equal(vigie_reader_read(r, back, sizeof(back), &err), 13);
	assert_memory_equal(back, "hello, world\n", 13);
	vigie_reader_free(r);
	vigie_buf_release(&z);
}

static void test_token(void **state)
{
	struct vigie_error err;
	char tok[64], path[4400];
	(void)state;
	vigie_error_init(&err);
	snprintf(path, sizeof(path), "%s", test_write("token", "  vg_secret123 \n"));
	chmod(path, 0644);
	assert_int_equal(vigie_agent_token_read(tok, sizeof(tok), path, &err), VIGIE_EUSAGE);
	assert_non_null(strstr(err.msg, "accessible to others"));
	assert_null(strstr(err.msg, "vg_secret123"));
	chmod(path, 0620);
	assert_int_equal(vigie_agent_token_read(tok, sizeof(tok), path, &err), VIGIE_EUSAGE);
	chmod(path, 0640);
	assert_int_equal(vigie_agent_token_read(tok, sizeof(tok), path, &err), 0);
	assert_string_equal(tok, "vg_secret123");
	assert_int_equal(vigie_agent_token_read(tok, 8, path, &err), VIGIE_EPARSE);
	snprintf(path, sizeof(path), "%s", test_write("empty", "\n\n"));
	chmod(path, 0600);
	assert_int_equal(vigie_agent_token_read(tok, sizeof(tok), path, &err), VIGIE_EPARSE);
	assert_int_equal(vigie_agent_token_read(tok, sizeof(tok), test_tmpdir(), &err), VIGIE_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_huge_unit),
		cmocka_unit_test(test_apt_stanzas),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_token),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
