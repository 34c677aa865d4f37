/* Time the tracker JSON import: wall time and peak RSS of one
 * import_tracker_json() into a fresh database.
 *
 * usage: bench_tracker_import TRACKER.json [DB]   (DB default: a temporary
 * file next to the JSON, removed afterwards). Prints one line:
 *   tracker-import rows=N seconds=S cpu_seconds=C peak_rss_mb=M
 * (cpu_seconds: user+system time of the whole process, steadier than the
 * wall time on a busy machine). */
#include "vigie/import.h"
#include "vigie/store.h"

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

int main(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct import_stats st = { 0, 0 };
	struct rusage ru;
	char db[4096], msg[2048];
	double t0, t1;
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
	if (store_open(&s, db, 0, &err)) {
		fprintf(stderr, "%s\n", vigie_error_format(&err, msg, sizeof(msg)));
		return 2;
	}
	t0 = now_s();
	rc = import_tracker_json(s, argv[1], &st, &err);
	t1 = now_s();
	store_close(s);
	if (argc <= 2)
		rm_db(db);
	if (rc) {
		fprintf(stderr, "%s\n", vigie_error_format(&err, msg, sizeof(msg)));
		return 2;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("tracker-import rows=%ld seconds=%.2f cpu_seconds=%.2f peak_rss_mb=%.1f\n",
	       st.rows, t1 - t0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	       (double)ru.ru_maxrss / 1024.0);
	return 0;
}
