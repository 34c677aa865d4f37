/* Benchmark helper: judge every stored host again, as `vigie db import`
 * and `vigie db update` do after importing (vigie_app_rejudge_all, the
 * built-in policy), without importing anything: a host judged on the
 * current basis (vigie, data version, policy, day) is left as it is.
 * bench/bench_fleet.sh times it as the rescan command while vigie has no
 * command of its own for it.
 *
 *   bench_rejudge [--full] [URL]      (default URL: $VIGIE_DB)
 * --full: forget every stored basis first (one UPDATE of host_summary, in
 * the same transaction as nothing else: not part of the judgement), so
 * that every host is judged in full.
 * Prints what `vigie db import` prints: "judged N stored hosts again[; M
 * already judged on this data, policy and day]", then the wall and CPU
 * time of the judgement alone. */
#define _GNU_SOURCE
#include "store/store_internal.h"
#include "vigie/app/host.h"
#include "vigie/core/init.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	static struct policy pol; /* large */
	size_t n = 0, current = 0;
	int full = argc > 1 && !strcmp(argv[1], "--full");
	const char *url = argc > 1 + full ? argv[1 + full] : getenv("VIGIE_DB");
	double t0, c0;

	if (argc > 2 + full || !url) {
		fprintf(stderr, "usage: bench_rejudge [--full] [URL] (default: $VIGIE_DB)\n");
		return 2;
	}
	vigie_error_init(&err);
	if (vigie_global_init() || vigie_store_open(&s, url, 0, &err))
		goto fail;
	if (full && vigie_store_exec(s, "UPDATE host_summary SET basis = NULL", &err))
		goto fail;
	vigie_policy_default(&pol);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (vigie_app_rejudge_all(s, &pol, 0, &n, &current, &err))
		goto fail;
	t0 = clock_s(CLOCK_MONOTONIC) - t0;
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (current)
		printf("judged %zu stored host%s again; %zu already judged on this data,"
		       " policy and day\n", n, n == 1 ? "" : "s", current);
	else
		printf("judged %zu stored host%s again\n", n, n == 1 ? "" : "s");
	printf("judgement: %.3f s wall, %.3f s CPU\n", t0, c0);
	vigie_store_close(s);
	return 0;
fail:
	fprintf(stderr, "bench_rejudge: %s\n", err.msg);
	vigie_store_close(s);
	return 2;
}
