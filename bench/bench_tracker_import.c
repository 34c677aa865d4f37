/* Time the tracker JSON import: wall time and peak RSS of one
 * vigie_import_tracker_json() into a fresh database.
 *
 * usage: bench_tracker_import TRACKER.json [DB]   (DB default: a temporary
 * file next to the JSON, removed afterwards). Imports twice (into an empty
 * database, then replacing the same data) and prints one line each:
 *   tracker-import fresh|replace rows=N seconds=S cpu_seconds=C peak_rss_mb=M
 * (cpu_seconds: user+system time of that import, steadier than the wall
 * time on a busy machine; peak_rss_mb: of the process so far). */
#include "vigie/secdata/import.h"
#include "vigie/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rm_db(const char *db)
{
	char p[4200];
	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* One import into s; prints its line. Returns 0 or 2. */
static int run_once(struct vigie_store *s, const char *json, const char *what)
{
	struct vigie_error err;
	struct import_stats st = { 0, 0 };
	struct rusage ru;
	char msg[2048];
	double t0, c0;

	memset(&err, 0, sizeof(err));
	t0 = now_s();
	c0 = cpu_s();
	if (vigie_import_tracker_json(s, json, &st, &err)) {
		fprintf(stderr, "%s\n", vigie_error_format(&err, msg, sizeof(msg)));
		return 2;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("tracker-import %s rows=%ld seconds=%.2f cpu_seconds=%.2f peak_rss_mb=%.1f\n",
	       what, st.rows, now_s() - t0, cpu_s() - c0, (double)ru.ru_maxrss / 1024.0);
	return 0;
}

int main(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	char db[4096], msg[2048];
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s TRACKER.json [DB]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		snprintf(db, sizeof(db), "%s", argv[2]);
	else
		snprintf(db, sizeof(db), "%s.bench.db", argv[1]);
	rm_db(db);
	memset(&err, 0, sizeof(err));
	if (vigie_store_open(&s, db, 0, &err)) {
		fprintf(stderr, "%s\n", vigie_error_format(&err, msg, sizeof(msg)));
		return 2;
	}
	/* into an empty database, then again over the same data (what a
	 * daily update does: delete every row, insert the new ones) */
	rc = run_once(s, argv[1], "fresh");
	if (!rc)
		rc = run_once(s, argv[1], "replace");
	vigie_store_close(s);
	if (argc <= 2)
		rm_db(db);
	return rc;
}
