/* Benchmark: scans of a generated 2,000-package host against the index of
 * a real-size tracker already imported into DB (bench/bench_scan.sh does
 * the import). Reports index build time and RSS apart from scan time:
 *   bench_scan DB RELEASE [PACKAGES] [SCANS] */
#define _GNU_SOURCE
#include "vigie/match.h"
#include "vigie/store.h"
#include "vigie/vulnindex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

int main(int argc, char **argv)
{
	struct vigie_store *s;
	struct vulnindex *idx;
	struct vigie_error err;
	struct inventory inv;
	struct inventory_pkg *pkgs;
	size_t npk = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000, n = 0;
	int scans = argc > 4 ? atoi(argv[4]) : 200;
	double t0, t1, best = 1e9, total = 0;
	size_t findings = 0;
	unsigned seed = 42;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_scan DB RELEASE [PACKAGES] [SCANS]\n");
		return 2;
	}
	vigie_error_init(&err);
	if (store_open(&s, argv[1], STORE_READONLY, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	t0 = now_ms();
	if (vulnindex_build(&idx, s, argv[2], &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	t1 = now_ms();
	printf("index build (%s): %.1f ms, %zu entries, %zu sources, peak RSS %ld MB\n",
	       argv[2], t1 - t0, idx->nentries, idx->sources.n, rss_mb());

	pkgs = calloc(npk, sizeof(*pkgs));
	inventory_init(&inv);
	for (size_t i = 0; i < idx->sources.cap && n < npk; i++) {
		const struct vuln_source *src = idx->sources.vals[i];
		const char *v = "1.0-1";
		char buf[256];
		if (!idx->sources.keys[i])
			continue;
		for (size_t k = 0; k < src->n; k++)
			if (src->entries[k].fixed_version &&
			    strcmp(src->entries[k].fixed_version, "0")) {
				v = src->entries[k].fixed_version;
				break;
			}
		seed = seed * 1103515245 + 12345;
		snprintf(buf, sizeof(buf), "%s%s", v, (seed >> 16) & 1 ? "~old" : "+b1");
		pkgs[n].name = src->name;
		pkgs[n].arch = "amd64";
		pkgs[n].version = vigie_arena_strdup(&inv.arena, buf);
		pkgs[n].source = src->name;
		pkgs[n].source_version = (seed >> 16) & 1 ? pkgs[n].version : v;
		pkgs[n].status = "installed";
		n++;
	}
	inv.pkgs = pkgs;
	inv.npkgs = n;
	inv.host = "bench";
	inv.release = argv[2];
	for (int r = 0; r < scans; r++) {
		struct scan_result res;
		struct scan_opts so;
		double a, b;
		memset(&so, 0, sizeof(so));
		a = now_ms();
		if (scan_run(&res, &inv, idx, NULL, &so, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		b = now_ms();
		findings = res.n;
		scan_result_release(&res);
		total += b - a;
		if (b - a < best)
			best = b - a;
	}
	printf("scan of a %zu-package host: %.3f ms mean, %.3f ms best over %d scans"
	       " (%zu findings; goal <= 5 ms)\n", n, total / scans, best, scans, findings);
	vigie_arena_release(&inv.arena);
	free(pkgs);
	vulnindex_free(idx);
	store_close(s);
	return 0;
}
