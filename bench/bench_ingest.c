/* Benchmark: the cost of storing one pushed inventory
 * (vigie_app_host_ingest, the function behind `vigie hosts add`, a push
 * and `vigie collect`), in process, on the store at URL (SQLite file or
 * PostgreSQL URL, holding security data):
 *   first    the host's first inventory (every package and finding new);
 *   unchanged the same packages, release and kernel again, a new document
 *            (another digest and collection time);
 *   changed  CHANGED package versions differ from the stored inventory
 *            (alternately two variants, so each run changes them).
 * Reports the median and best of RUNS of each, in milliseconds of wall
 * time and of the process's CPU time (user + system: on a shared machine
 * the steadier of the two).
 *
 *   bench_ingest [--runs N] [--changed N] [--cache] URL STATUS RELEASE
 * (defaults: 20 runs, 5 changed packages; --cache: judge with a shared
 * per-release index cache, as the server does) */
#define _GNU_SOURCE
#include "vigie/app/host.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/indexcache.h"
#include "vigie/store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu[1024], *cpu_at = cpu;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const struct vigie_error *err)
{
	fprintf(stderr, "bench_ingest: %s\n", err->msg);
	exit(2);
}

static struct vigie_index_cache *cache;

static double ingest(struct vigie_store *s, const struct inventory *inv, int64_t when,
		     unsigned seq, struct vigie_ingest_result *out)
{
	struct vigie_ingest in;
	struct vigie_error err;
	char digest[65];
	double t0, c0;
	memset(&in, 0, sizeof(in));
	snprintf(digest, sizeof(digest), "%064u", seq);
	in.origin = "push";
	in.digest = digest;
	in.bytes = 1000;
	in.when = when;
	in.cache = cache;
	vigie_error_init(&err);
	t0 = clock_ms(CLOCK_MONOTONIC);
	c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	if (vigie_app_host_ingest(s, inv, &in, out, &err))
		die(&err);
	t0 = clock_ms(CLOCK_MONOTONIC) - t0;
	*cpu_at++ = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	vigie_ingest_result_release(out);
	return t0;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void report(const char *what, double *t, int n, const struct vigie_ingest_result *r)
{
	double m = median(t, n), c = median(cpu, n);
	char how[64];
	if (r->kept)
		snprintf(how, sizeof(how), "judgement kept");
	else if (r->partial)
		snprintf(how, sizeof(how), "%zu changed sources judged", r->partial);
	else
		snprintf(how, sizeof(how), "judged in full");
	printf("%-10s median %8.2f ms (CPU %8.2f ms)  best %8.2f ms (CPU %8.2f ms)  (%d runs;"
	       " %zu package rows written; %s; open %ld/%ld/%ld)\n", what, m, c, t[0], cpu[0],
	       n, r->packages_written, how, r->summary.open[2], r->summary.open[1],
	       r->summary.open[0]);
	cpu_at = cpu;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "changed", required_argument, NULL, 'c' },
		{ "cache", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct vigie_ingest_result r;
	struct inventory inv;
	const char **orig, **alt[2];
	int runs = 20, changed = 5, use_cache = 0, o;
	int64_t when = 1795000000;
	unsigned seq = 1;
	double *t;

	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'r': runs = atoi(optarg); break;
		case 'c': changed = atoi(optarg); break;
		case 'C': use_cache = 1; break;
		default: goto usage;
		}
	}
	if (argc - optind != 3 || runs < 1 || runs > 1024 || changed < 1) {
usage:
		fprintf(stderr, "usage: bench_ingest [--runs N] [--changed N] [--cache]"
			" URL STATUS RELEASE\n");
		return 2;
	}
	vigie_error_init(&err);
	if (vigie_store_open(&s, argv[optind], 0, &err))
		die(&err);
	if (use_cache && vigie_index_cache_new(&cache))
		die(&err);
	vigie_inventory_init(&inv);
	if (vigie_inventory_load_status(&inv, argv[optind + 1], &err))
		die(&err);
	inv.host = "bench-ingest.example.org";
	inv.release = argv[optind + 2];
	inv.kernel_release = "6.1.0-13-amd64";
	if ((size_t)changed > inv.npkgs)
		changed = (int)inv.npkgs;
	t = calloc((size_t)runs, sizeof(*t));
	orig = calloc((size_t)changed, sizeof(*orig));
	alt[0] = calloc((size_t)changed, sizeof(**alt));
	alt[1] = calloc((size_t)changed, sizeof(**alt));
	if (!t || !orig || !alt[0] || !alt[1])
		return 2;
	for (int i = 0; i < changed; i++) {
		/* spread over the inventory; the source version stays */
		struct inventory_pkg *p = &inv.pkgs[(size_t)i * inv.npkgs / (size_t)changed];
		char buf[512];
		orig[i] = p->version;
		if (p->source_version == p->version)
			p->source_version = vigie_arena_strdup(&inv.arena, p->version);
		for (int k = 0; k < 2; k++) {
			snprintf(buf, sizeof(buf), "%s+bench%d", p->version, k);
			alt[k][i] = vigie_arena_strdup(&inv.arena, buf);
		}
	}

	printf("-- %zu packages, %s, %s%s\n", inv.npkgs, argv[optind + 2],
	       strncmp(argv[optind], "postgres", 8) ? "SQLite" : "PostgreSQL",
	       use_cache ? ", shared index cache" : "");
	t[0] = ingest(s, &inv, when, seq++, &r);
	report("first", t, 1, &r);
	/* another host's first inventory: with the cache, its index is built */
	inv.host = "bench-ingest-2.example.org";
	t[0] = ingest(s, &inv, when, seq++, &r);
	report("first/2", t, 1, &r);
	inv.host = "bench-ingest.example.org";
	for (int i = 0; i < runs; i++)
		t[i] = ingest(s, &inv, when += 60, seq++, &r);
	report("unchanged", t, runs, &r);
	for (int i = 0; i < runs; i++) {
		for (int k = 0; k < changed; k++)
			inv.pkgs[(size_t)k * inv.npkgs / (size_t)changed].version = alt[i % 2][k];
		t[i] = ingest(s, &inv, when += 60, seq++, &r);
	}
	report("changed", t, runs, &r);
	for (int k = 0; k < changed; k++)
		inv.pkgs[(size_t)k * inv.npkgs / (size_t)changed].version = orig[k];
	inv.host = NULL;
	inv.release = NULL;
	inv.kernel_release = NULL;
	vigie_inventory_release(&inv);
	free(t);
	free(orig);
	free(alt[0]);
	free(alt[1]);
	vigie_index_cache_free(cache);
	vigie_store_close(s);
	return 0;
}
