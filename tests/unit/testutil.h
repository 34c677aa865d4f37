/* Helpers shared by the unit tests. Include after <cmocka.h>'s prerequisites. */
#ifndef VIGIE_TESTUTIL_H
#define VIGIE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define TEST_SKIP 77

/* Path of tests/data/<rel> (static buffer, valid until the next call). */
const char *test_data(const char *rel);
/* Path of ../shared/data/<rel> when it exists, else NULL. */
const char *test_shared(const char *rel);
/* A fresh temporary directory (removed at exit). */
const char *test_tmpdir(void);
/* Write text to tmpdir/name and return the path (static buffer). */
const char *test_write(const char *name, const char *text);
/* Unix time of a vigie_time_parse() string read as UTC (fails the test
 * when it does not parse). */
int64_t test_utc(const char *s);
/* cmocka setup: TZ=UTC, so that local-time code is reproducible. */
int test_setup_utc(void **state);
/* Run a shell command, return its exit status (or -1). */
int test_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
