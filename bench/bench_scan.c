/* Benchmark: scans of a generated 2,000-package host against the index of
 * a real-size tracker already imported into DB (bench/bench_scan.sh does
 * the import). Reports, each apart:
 *   - the index build (vigie_vulnindex_build) time and peak RSS, then the
 *     same index written as an image and opened back (eager and lazy);
 *   - one host's scan (vigie_scan_run) without a store, then with the store
 *     supplying facts (descriptions, CVSS, KEV, advisories, lifecycle);
 *   - a fleet of HOSTS hosts sharing most (source, version) pairs, scanned
 *     with one shared matcher (scan_opts.matcher) and with a fresh matcher
 *     per host (the baseline), per-host time for both.
 *
 *   bench_scan [--packages N] [--behind PERCENT] [--scans N]
 *              [--store-scans N] [--hosts N] [--write-status FILE] DB RELEASE
 * (defaults: 2000 packages, 50% of them behind the fixes, 200 scans,
 * scans/4 with the store, 1000 hosts;
 * 0 store scans or 0 hosts skip those parts)
 *
 * --write-status writes the generated host as a dpkg status file (every
 * package "install ok installed", Source: fields where the binary name or
 * version differs) so that the CLI and debsecan can scan the same host. */
#define _GNU_SOURCE
#include "store/store_internal.h"
#include "vigie/engine/match.h"
#include "vigie/store/store.h"
#include "vigie/engine/vulnimage.h"
#include "vigie/engine/vulnindex.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define FLEET_CHANGED 40 /* packages per host at a host-specific version */
#define FLEET_VARIANTS 4 /* alternative versions per package in the fleet */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

static unsigned lcg(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct inventory_pkg *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static void die(const struct vigie_error *err)
{
	char msg[2048];
	fprintf(stderr, "bench_scan: %s\n", vigie_error_format(err, msg, sizeof(msg)));
	exit(2);
}

/* The same index kept as an image (vigie_vulnimage_write) and mapped back:
 * eagerly (every source materialised, the index cache's way) and lazily
 * (vigie scan's: the host's sources materialised when looked up), each
 * the best of 20 opens, against the build from the store above. */
static void image_bench(struct vigie_store *s, const struct vulnindex *idx, const char *release,
			double build_ms)
{
	struct vigie_vulnimage_key key;
	struct vigie_error err;
	struct vulnindex *back;
	char path[4096];
	const char *tmp = getenv("TMPDIR");
	double t0, w_ms, best[2] = { 1e9, 1e9 };
	FILE *f;
	long size = 0;

	vigie_error_init(&err);
	snprintf(path, sizeof(path), "%s/bench_scan-%ld.vidx", tmp && *tmp ? tmp : "/tmp",
		 (long)getpid());
	if (vigie_vulnimage_key(&key, s, release, &err))
		die(&err);
	t0 = now_ms();
	if (vigie_vulnimage_write(idx, &key, path, &err))
		die(&err);
	w_ms = now_ms() - t0;
	if ((f = fopen(path, "rb"))) {
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		fclose(f);
	}
	for (int lazy = 0; lazy < 2; lazy++)
		for (int i = 0; i < 20; i++) {
			double ms;
			t0 = now_ms();
			if (vigie_vulnimage_open(&back, path, &key, lazy, &err))
				die(&err);
			ms = now_ms() - t0;
			if (back->nentries != idx->nentries ||
			    (!lazy && back->sources.n != idx->sources.n)) {
				fprintf(stderr, "bench_scan: the image does not hold the index\n");
				exit(2);
			}
			vigie_vulnindex_free(back);
			if (ms < best[lazy])
				best[lazy] = ms;
		}
	unlink(path);
	printf("index image (%s): %.1f MB written in %.1f ms (fsync'd); open %.2f ms eager,"
	       " %.2f ms lazy; image open vs build from the store: %.0fx faster eager,"
	       " %.0fx lazy\n", release, size / 1e6, w_ms, best[0], best[1],
	       build_ms / best[0], build_ms / best[1]);
}

/* Times scans of inv; prints one line; returns the findings count. txn:
 * run each scan inside one read transaction of the store (one lock for
 * all the facts queries instead of one per statement). */
static size_t time_scans(const char *label, const struct inventory *inv,
			 const struct vulnindex *idx, struct vigie_store *store,
			 int scans, int goal, int txn)
{
	double *t = calloc((size_t)scans, sizeof(*t)), total = 0;
	size_t findings = 0;
	struct vigie_error err;

	if (!t)
		exit(2);
	vigie_error_init(&err);
	for (int r = 0; r < scans; r++) {
		struct scan_result res;
		struct scan_opts so;
		double a;
		memset(&so, 0, sizeof(so));
		a = now_ms();
		if (txn && vigie_store_exec(store, "BEGIN", &err))
			die(&err);
		if (vigie_scan_run(&res, inv, idx, store, &so, &err))
			die(&err);
		if (txn && vigie_store_exec(store, "COMMIT", &err))
			die(&err);
		t[r] = now_ms() - a;
		total += t[r];
		findings = res.n;
		vigie_scan_result_release(&res);
	}
	qsort(t, (size_t)scans, sizeof(*t), cmp_double);
	printf("scan %-10s %zu packages, %zu findings: median %.3f ms, mean %.3f ms, "
	       "best %.3f ms over %d scans (%.2f us per finding)", label, inv->npkgs,
	       findings, t[scans / 2], total / scans, t[0], scans,
	       findings ? t[scans / 2] * 1e3 / (double)findings : 0.0);
	if (goal)
		printf(" (goal <= 5 ms: %s)", t[scans / 2] <= 5.0 ? "met" : "NOT met");
	printf("\n");
	free(t);
	return findings;
}

static int write_status(const char *path, const struct inventory *inv)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 2;
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		fprintf(f, "Package: %s\nStatus: install ok installed\nPriority: optional\n"
			"Section: misc\nInstalled-Size: 100\n"
			"Maintainer: Bench <bench@example.org>\nArchitecture: %s\n",
			p->name, p->arch);
		if (strcmp(p->name, p->source) || strcmp(p->version, p->source_version))
			fprintf(f, "Source: %s%s%s%s\n", p->source,
				strcmp(p->version, p->source_version) ? " (" : "",
				strcmp(p->version, p->source_version) ? p->source_version : "",
				strcmp(p->version, p->source_version) ? ")" : "");
		fprintf(f, "Version: %s\nDescription: generated package %zu\n\n", p->version, i);
	}
	if (fclose(f)) {
		perror(path);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "packages", required_argument, NULL, 'p' },
		{ "scans", required_argument, NULL, 's' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "store-scans", required_argument, NULL, 'S' },
		{ "behind", required_argument, NULL, 'b' },
		{ "write-status", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_store *s;
	struct vulnindex *idx;
	struct vigie_error err;
	struct inventory inv, host;
	struct inventory_pkg *pkgs, *hpkgs;
	const char **variants;
	const char *status_out = NULL;
	size_t npk = 2000, n = 0, nhosts = 1000, distinct = 0;
	int scans = 200, store_scans = -1, behind = 50, c;
	double t0, t1, shared_ms = 1, fresh_ms;
	unsigned seed = 42;
	unsigned char *seen;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': npk = strtoul(optarg, NULL, 10); break;
		case 's': scans = atoi(optarg); break;
		case 'H': nhosts = strtoul(optarg, NULL, 10); break;
		case 'S': store_scans = atoi(optarg); break;
		case 'b': behind = atoi(optarg); break;
		case 'w': status_out = optarg; break;
		default: goto usage;
		}
	}
	if (argc - optind != 2 || !npk || scans < 1) {
usage:
		fprintf(stderr, "usage: bench_scan [--packages N] [--behind PERCENT] [--scans N]"
			" [--store-scans N] [--hosts N] [--write-status FILE] DB RELEASE\n");
		return 2;
	}
	vigie_error_init(&err);
	if (vigie_store_open(&s, argv[optind], STORE_READONLY, &err))
		die(&err);
	t0 = now_ms();
	if (vigie_vulnindex_build(&idx, s, argv[optind + 1], &err))
		die(&err);
	t1 = now_ms();
	printf("index build (%s): %.1f ms, %zu entries, %zu sources, peak RSS %.1f MB"
	       " (process so far)\n", argv[optind + 1], t1 - t0, idx->nentries,
	       idx->sources.n, rss_mb());
	image_bench(s, idx, argv[optind + 1], t1 - t0);

	/* The host: the first npk sources of the index, each at its first
	 * real fixed version, either slightly older (~old: behind every fix,
	 * for --behind percent of them) or a binNMU of it (+b1, source at the
	 * fixed version: only open issues remain); every third binary has its
	 * own name (Source: field). */
	pkgs = calloc(npk, sizeof(*pkgs));
	variants = calloc(npk * FLEET_VARIANTS, sizeof(*variants));
	if (!pkgs || !variants)
		return 2;
	vigie_inventory_init(&inv);
	for (size_t i = 0; i < idx->sources.cap && n < npk; i++) {
		const struct vuln_source *src = idx->sources.vals[i];
		const char *v = "1.0-1";
		char buf[512];
		int older;
		if (!idx->sources.keys[i])
			continue;
		for (size_t k = 0; k < src->n; k++)
			if (src->entries[k].fixed_version &&
			    strcmp(src->entries[k].fixed_version, "0")) {
				v = src->entries[k].fixed_version;
				break;
			}
		older = (int)(lcg(&seed) % 100) < behind;
		snprintf(buf, sizeof(buf), "%s%s", v, older ? "~old" : "+b1");
		if (n % 3 == 2) {
			snprintf(buf, sizeof(buf), "lib%s-bin", src->name);
			pkgs[n].name = vigie_arena_strdup(&inv.arena, buf);
			snprintf(buf, sizeof(buf), "%s%s", v, older ? "~old" : "+b1");
		} else {
			pkgs[n].name = src->name;
		}
		pkgs[n].arch = "amd64";
		pkgs[n].version = vigie_arena_strdup(&inv.arena, buf);
		pkgs[n].source = src->name;
		pkgs[n].source_version = older ? pkgs[n].version : v;
		pkgs[n].status = "installed";
		n++;
	}
	qsort(pkgs, n, sizeof(*pkgs), cmp_pkg);
	inv.pkgs = pkgs;
	inv.npkgs = n;
	inv.host = "bench";
	inv.release = argv[optind + 1];
	if (status_out && write_status(status_out, &inv))
		return 2;

	time_scans("no-store", &inv, idx, NULL, scans, 1, 0);
	if (store_scans < 0)
		store_scans = scans > 40 ? scans / 4 : scans;
	if (store_scans) {
		time_scans("store", &inv, idx, s, store_scans, 0, 0);
		time_scans("store-txn", &inv, idx, s, store_scans, 0, 1);
	}
	printf("peak RSS after the scans: %.1f MB\n", rss_mb());

	/* The fleet: every host is the host above with FLEET_CHANGED packages
	 * (chosen at random per host) at one of FLEET_VARIANTS other versions
	 * of their source, as in a fleet where most hosts run the same point
	 * release and a few lag behind or carry a backport. */
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < FLEET_VARIANTS; k++) {
			char buf[600];
			snprintf(buf, sizeof(buf), "%s%s%d", pkgs[i].source_version,
				 k & 1 ? "+fleet" : "~fleet", k + 1);
			variants[i * FLEET_VARIANTS + k] = vigie_arena_strdup(&inv.arena, buf);
		}
	hpkgs = calloc(n, sizeof(*hpkgs));
	if (!hpkgs)
		return 2;
	host = inv;
	host.pkgs = hpkgs;
	seen = calloc(n * FLEET_VARIANTS + 1, 1);
	if (!seen)
		return 2;
	distinct = n; /* each source once at its base version */
	/* modes: 0 scans with one shared matcher, 1 scans with a fresh matcher
	 * per host (baseline); 2 and 3 the same with matching alone
	 * (vigie_matcher_match for each package, no findings built) */
	for (int mode = 0; mode < 4 && nhosts; mode++) {
		struct matcher *m = NULL;
		size_t findings = 0;
		unsigned hs = 7;
		int shared = mode % 2 == 0;
		double a = now_ms(), ms;
		if (shared && vigie_matcher_new(&m, idx, 0, vigie_now()))
			return 2;
		for (size_t h = 0; h < nhosts; h++) {
			memcpy(hpkgs, pkgs, n * sizeof(*hpkgs));
			for (int k = 0; k < FLEET_CHANGED; k++) {
				size_t i = ((size_t)lcg(&hs) << 15 | lcg(&hs)) % n;
				int var = lcg(&hs) % FLEET_VARIANTS;
				hpkgs[i].source_version = variants[i * FLEET_VARIANTS + var];
				if (mode == 0 && !seen[i * FLEET_VARIANTS + var]) {
					seen[i * FLEET_VARIANTS + var] = 1;
					distinct++;
				}
			}
			if (mode < 2) {
				struct scan_result res;
				struct scan_opts so;
				memset(&so, 0, sizeof(so));
				so.matcher = m;
				if (vigie_scan_run(&res, &host, idx, NULL, &so, &err))
					die(&err);
				findings += res.n;
				vigie_scan_result_release(&res);
				continue;
			}
			if (!shared && vigie_matcher_new(&m, idx, 0, vigie_now()))
				return 2;
			for (size_t i = 0; i < n; i++) {
				const struct match_list *l;
				if (!vigie_vulnindex_source(idx, hpkgs[i].source))
					continue;
				l = vigie_matcher_match(m, hpkgs[i].source, hpkgs[i].source_version);
				if (!l)
					return 2;
				findings += l->n;
			}
			if (!shared) {
				vigie_matcher_free(m);
				m = NULL;
			}
		}
		ms = (now_ms() - a) / (double)nhosts;
		vigie_matcher_free(m);
		if (mode == 0)
			printf("fleet of %zu hosts x %zu packages (%zu changed per host, %zu distinct"
			       " (source, version) pairs), %zu findings in all:\n",
			       nhosts, n, (size_t)FLEET_CHANGED, distinct, findings);
		if (mode == 2)
			printf("  matching alone (matcher_match per package, %zu hits in all):\n",
			       findings);
		if (shared) {
			shared_ms = ms;
			printf("  %s shared matcher:         %.3f ms per host\n",
			       mode < 2 ? "scan_run," : "matching,", ms);
		} else {
			fresh_ms = ms;
			printf("  %s fresh matcher per host: %.3f ms per host (baseline)\n",
			       mode < 2 ? "scan_run," : "matching,", ms);
			printf("  shared matcher is %.2fx the baseline's speed\n", fresh_ms / shared_ms);
		}
	}
	printf("peak RSS at the end: %.1f MB\n", rss_mb());
	free(seen);
	vigie_arena_release(&inv.arena);
	free(hpkgs);
	free(pkgs);
	free(variants);
	vigie_vulnindex_free(idx);
	vigie_store_close(s);
	return 0;
}
