#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[1024];

static void cleanup(void)
{
	char cmd[4096 + 64];
	if (tmpdir[0] && !getenv("VIGIE_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

const char *test_data(const char *rel)
{
	static char buf[4096];
	const char *d = getenv("VIGIE_TESTDATA");
	snprintf(buf, sizeof(buf), "%s/%s", d ? d : "tests/data", rel);
	return buf;
}

const char *test_shared(const char *rel)
{
	static char buf[4096];
	const char *d = getenv("VIGIE_SHARED_DATA");
	struct stat st;
	if (!d || !*d)
		return NULL;
	snprintf(buf, sizeof(buf), "%s/%s", d, rel);
	return stat(buf, &st) == 0 ? buf : NULL;
}

const char *test_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/vigie-test-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(cleanup);
	}
	return tmpdir;
}

const char *test_write(const char *name, const char *text)
{
	static char buf[4096];
	FILE *f;
	snprintf(buf, sizeof(buf), "%s/%s", test_tmpdir(), name);
	f = fopen(buf, "wb");
	if (!f) {
		perror(buf);
		abort();
	}
	fputs(text, f);
	fclose(f);
	return buf;
}

int test_system(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int rc;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc))
		return -1;
	return WEXITSTATUS(rc);
}

int64_t test_utc(const char *s)
{
	int64_t t = 0;
	assert_int_equal(vigie_time_parse(&t, s, 0), 0);
	return t;
}

int test_setup_utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}
