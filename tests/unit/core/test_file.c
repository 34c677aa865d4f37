#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/core/file.h"
#include "vigie/core/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *tpath(const char *name)
{
	static char p[2][4200];
	static int k;
	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", test_tmpdir(), name);
	return p[k];
}

static char *slurp(const char *path)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	vigie_error_init(&err);
	if (vigie_read_file(&b, path, 1 << 20, &err))
		return NULL;
	if (!b.data && vigie_buf_add(&b, "", 0))
		return NULL;
	return vigie_buf_detach(&b);
}

/* Names in dir starting with prefix (temporary files left behind). */
static int count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static void test_write_mode_whatever_umask(void **state)
{
	struct vigie_error err;
	struct stat st;
	char *s;
	mode_t old;
	(void)state;

	vigie_error_init(&err);
	old = umask(022);
	assert_int_equal(vigie_file_write_atomic(tpath("plain"), "one\n", 4, 0640, &err), 0);
	umask(0);
	assert_int_equal(vigie_file_write_atomic(tpath("plain0"), "one\n", 4, 0640, &err), 0);
	umask(old);
	assert_int_equal(stat(tpath("plain"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(stat(tpath("plain0"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	s = slurp(tpath("plain"));
	assert_string_equal(s, "one\n");
	free(s);
	/* replacing keeps nothing of the old file, empty content included */
	assert_int_equal(vigie_file_write_atomic(tpath("plain"), "", 0, 0640, &err), 0);
	s = slurp(tpath("plain"));
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(count_prefix(test_tmpdir(), ".plain"), 0);
}

/* A symlink at the final name is replaced, its target untouched. */
static void test_symlink_replaced_not_followed(void **state)
{
	struct vigie_error err;
	struct stat st;
	char *s;
	(void)state;

	vigie_error_init(&err);
	assert_int_equal(vigie_file_write_atomic(tpath("victim"), "precious\n", 9, 0600, &err), 0);
	assert_int_equal(symlink(tpath("victim"), tpath("link")), 0);
	assert_int_equal(vigie_file_write_atomic(tpath("link"), "new\n", 4, 0640, &err), 0);
	s = slurp(tpath("victim"));
	assert_string_equal(s, "precious\n");
	free(s);
	assert_int_equal(lstat(tpath("link"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	s = slurp(tpath("link"));
	assert_string_equal(s, "new\n");
	free(s);
	/* a dangling symlink: the file is not created at its target */
	assert_int_equal(symlink(tpath("nowhere"), tpath("dangling")), 0);
	assert_int_equal(vigie_file_write_atomic(tpath("dangling"), "x", 1, 0640, &err), 0);
	assert_int_equal(access(tpath("nowhere"), F_OK), -1);
}

static void test_stream_commit_discard(void **state)
{
	struct vigie_file_tmp t;
	struct vigie_error err;
	char *s;
	(void)state;

	vigie_error_init(&err);
	assert_int_equal(vigie_file_write_atomic(tpath("streamed"), "old\n", 4, 0640, &err), 0);
	assert_int_equal(vigie_file_tmp_open(&t, tpath("streamed"), 0640, &err), 0);
	fputs("partial", t.fp);
	fflush(t.fp);
	/* until commit, the final name holds the old file */
	s = slurp(tpath("streamed"));
	assert_string_equal(s, "old\n");
	free(s);
	vigie_file_tmp_discard(&t);
	s = slurp(tpath("streamed"));
	assert_string_equal(s, "old\n");
	free(s);
	assert_int_equal(count_prefix(test_tmpdir(), ".streamed"), 0);
	assert_int_equal(vigie_file_tmp_open(&t, tpath("streamed"), 0640, &err), 0);
	fputs("whole\n", t.fp);
	assert_int_equal(vigie_file_tmp_commit(&t, &err), 0);
	s = slurp(tpath("streamed"));
	assert_string_equal(s, "whole\n");
	free(s);
	assert_int_equal(count_prefix(test_tmpdir(), ".streamed"), 0);
	vigie_file_tmp_discard(&t); /* released already: harmless */
}

static void test_errors(void **state)
{
	struct vigie_error err;
	(void)state;

	vigie_error_init(&err);
	assert_int_equal(vigie_file_write_atomic(tpath("nodir/f"), "x", 1, 0640, &err), VIGIE_EIO);
	assert_non_null(strstr(err.file, "nodir/f"));
	assert_non_null(strstr(err.msg, "cannot create"));
	assert_int_equal(mkdir(tpath("adir"), 0750), 0);
	assert_int_equal(vigie_file_write_atomic(tpath("adir"), "x", 1, 0640, &err), VIGIE_EIO);
	assert_non_null(strstr(err.msg, "cannot replace"));
	assert_int_equal(count_prefix(test_tmpdir(), ".adir"), 0);
	assert_int_equal(vigie_file_write_atomic(tpath(""), "x", 1, 0640, &err), VIGIE_EUSAGE);
}

static void test_mkdirs(void **state)
{
	struct vigie_error err;
	struct stat st;
	mode_t old;
	(void)state;

	vigie_error_init(&err);
	assert_int_equal(mkdir(tpath("keep"), 0755), 0);
	old = umask(077);
	assert_int_equal(vigie_mkdirs(tpath("keep/a/b//c/"), 0750, &err), 0);
	assert_int_equal(vigie_mkdirs(tpath("keep/a/b/c"), 0750, &err), 0); /* again */
	assert_int_equal(vigie_mkdirs_for(tpath("keep/x/y/file"), 0750, &err), 0);
	umask(old);
	assert_int_equal(stat(tpath("keep"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755); /* existing: left alone */
	assert_int_equal(stat(tpath("keep/a"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(stat(tpath("keep/a/b/c"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(stat(tpath("keep/x/y"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(access(tpath("keep/x/y/file"), F_OK), -1);
	/* a file in the way */
	assert_int_equal(vigie_file_write_atomic(tpath("keep/f"), "x", 1, 0640, &err), 0);
	assert_int_equal(vigie_mkdirs(tpath("keep/f/sub"), 0750, &err), VIGIE_EIO);
	assert_non_null(strstr(err.file, "keep/f"));
	assert_non_null(strstr(err.msg, "not a directory"));
	/* a symlink to a directory is an existing directory */
	assert_int_equal(symlink(tpath("keep/a"), tpath("keep/l")), 0);
	assert_int_equal(vigie_mkdirs(tpath("keep/l/d"), 0750, &err), 0);
	assert_int_equal(stat(tpath("keep/a/d"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(vigie_mkdirs_for("file", 0750, &err), 0);
	assert_int_equal(vigie_mkdirs_for("/file", 0750, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_mode_whatever_umask),
		cmocka_unit_test(test_symlink_replaced_not_followed),
		cmocka_unit_test(test_stream_commit_discard),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mkdirs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
