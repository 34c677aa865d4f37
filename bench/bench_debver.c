/* Benchmark: Debian version comparison, vigie's debver against libdpkg.
 *
 * The same pairs (>= 1,000,000; real versions from this machine's dpkg
 * status and apt lists, their mutations, and seeded generated versions) are
 * compared pre-parsed (debver_cmp vs dpkg_version_compare on versions
 * parsed beforehand by parseversion) and string to string (debver_cmp_str
 * vs parseversion twice + dpkg_version_compare). Each timing is the best of
 * several runs. The results of both must agree on every pair. */
#define _GNU_SOURCE
#include "vigie/deb822.h"
#include "vigie/debver.h"
#include "vigie/util.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBDPKG
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg-db.h>
#include <dpkg/dpkg.h>
#include <dpkg/error.h>
#include <dpkg/version.h>
#endif

#define NPAIRS 1000000
#define RUNS 5

static struct vigie_strv strings;

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void add_versions(const char *path)
{
	struct deb822 *d;
	struct vigie_error err;
	vigie_error_init(&err);
	if (deb822_open(&d, path, 0, &err))
		return;
	while (deb822_next(d, &err) == 1) {
		const char *v = deb822_get(d, "Version");
		if (v && *v && vigie_strv_push(&strings, v))
			break;
	}
	deb822_free(d);
}

static void load_real(void)
{
	DIR *dh = opendir("/var/lib/apt/lists");
	struct dirent *e;
	char path[4096];
	add_versions("/var/lib/dpkg/status");
	if (!dh)
		return;
	while ((e = readdir(dh)) != NULL)
		if (strstr(e->d_name, "_Packages")) {
			snprintf(path, sizeof(path), "/var/lib/apt/lists/%s", e->d_name);
			add_versions(path);
		}
	closedir(dh);
}

/* A valid version: [epoch:]upstream[-revision] with typical Debian shapes. */
static void gen_version(char *out, size_t cap)
{
	static const char *const suffix[] = { "", "~rc1", "+dfsg", "+ds1", "a", "~beta2",
					      "+git20240101.abc123", "+really1.2" };
	static const char *const rev[] = { "", "-1", "-2", "-1+deb12u1", "-3~deb11u2",
					   "-1.1", "-0+deb10u4", "-5ubuntu1", "-1+b2" };
	int n = snprintf(out, cap, "%s%u.%u", rnd() % 8 ? "" : "1:", (unsigned)(rnd() % 20),
			 (unsigned)(rnd() % 100));
	if (rnd() % 2)
		n += snprintf(out + n, cap - (size_t)n, ".%u", (unsigned)(rnd() % 30));
	snprintf(out + n, cap - (size_t)n, "%s%s", suffix[rnd() % 8], rev[rnd() % 9]);
}

static void mutate(char *out, size_t cap, const char *s)
{
	static const char *const tails[] = { "+b1", "~", "1", "+deb12u1", "~bpo12+1", ".1" };
	snprintf(out, cap, "%s%s", s, tails[rnd() % 6]);
}

struct pair {
	unsigned a, b;
};

int main(void)
{
	struct debver *vv = NULL;
	struct pair *pairs = NULL;
	size_t n, nreal;
	char buf[256];
	double best_v = 1e30, best_vs = 1e30;
	long sum_v = 0, sum_vs = 0;
	int rc = 1;

	vigie_strv_init(&strings);
	load_real();
	nreal = strings.n;
	if (nreal > 50000)
		strings.n = nreal = 50000; /* (the rest is freed below) */
	for (size_t i = 0; i < nreal; i++) {
		mutate(buf, sizeof(buf), strings.v[i]);
		vigie_strv_push(&strings, buf);
	}
	while (strings.n < nreal * 2 + 50000) {
		gen_version(buf, sizeof(buf));
		vigie_strv_push(&strings, buf);
	}
	n = strings.n;
	vv = calloc(n, sizeof(*vv));
	pairs = calloc(NPAIRS, sizeof(*pairs));
	if (!vv || !pairs)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (debver_parse(&vv[i], strings.v[i], NULL) < 0) {
			fprintf(stderr, "unexpected invalid version '%s'\n", strings.v[i]);
			goto out;
		}
	/* Half the pairs are close calls (a version and its mutation or a
	 * neighbour), half random. */
	for (size_t i = 0; i < NPAIRS; i++) {
		unsigned a = (unsigned)(rnd() % n), b;
		if (i % 2 == 0 && a < nreal && rnd() % 2)
			b = (unsigned)(a + nreal);
		else if (i % 2 == 0)
			b = (unsigned)((a + 1) % n);
		else
			b = (unsigned)(rnd() % n);
		pairs[i].a = a;
		pairs[i].b = b;
	}
	printf("pairs: %d (from %zu versions: %zu real, %zu mutated, %zu generated)\n",
	       NPAIRS, n, nreal, nreal, n - 2 * nreal);

	for (int run = 0; run < RUNS; run++) {
		double t0 = now_ns(), t;
		long s = 0;
		for (size_t i = 0; i < NPAIRS; i++) {
			int c = debver_cmp(&vv[pairs[i].a], &vv[pairs[i].b]);
			s += (c > 0) - (c < 0);
		}
		t = now_ns() - t0;
		if (t < best_v)
			best_v = t;
		sum_v = s;
		t0 = now_ns();
		s = 0;
		for (size_t i = 0; i < NPAIRS; i++) {
			int c = debver_cmp_str(strings.v[pairs[i].a], strings.v[pairs[i].b]);
			s += (c > 0) - (c < 0);
		}
		t = now_ns() - t0;
		if (t < best_vs)
			best_vs = t;
		sum_vs = s;
	}
	printf("vigie debver_cmp (pre-parsed):       %7.2f ns/compare\n", best_v / NPAIRS);
	printf("vigie debver_cmp_str (strings):      %7.2f ns/compare\n", best_vs / NPAIRS);
	if (sum_v != sum_vs) {
		fprintf(stderr, "debver_cmp and debver_cmp_str disagree\n");
		goto out;
	}

#ifdef HAVE_LIBDPKG
	{
		struct dpkg_version *dv = calloc(n, sizeof(*dv));
		double best_d = 1e30, best_ds = 1e30;
		long sum_d = 0, sum_ds = 0;
		unsigned long disagree = 0;
		if (!dv)
			goto out;
		dpkg_set_progname("bench_debver");
		for (size_t i = 0; i < n; i++) {
			struct dpkg_error e = DPKG_ERROR_INIT;
			if (parseversion(&dv[i], strings.v[i], &e) < 0 && e.type != DPKG_MSG_WARN) {
				fprintf(stderr, "dpkg rejects '%s': %s\n", strings.v[i], e.str);
				dpkg_error_destroy(&e);
				free(dv);
				goto out;
			}
			dpkg_error_destroy(&e);
		}
		for (size_t i = 0; i < NPAIRS; i++) {
			int a = debver_cmp(&vv[pairs[i].a], &vv[pairs[i].b]);
			int b = dpkg_version_compare(&dv[pairs[i].a], &dv[pairs[i].b]);
			disagree += ((a > 0) - (a < 0)) != ((b > 0) - (b < 0));
		}
		for (int run = 0; run < RUNS; run++) {
			double t0 = now_ns(), t;
			long s = 0;
			for (size_t i = 0; i < NPAIRS; i++) {
				int c = dpkg_version_compare(&dv[pairs[i].a], &dv[pairs[i].b]);
				s += (c > 0) - (c < 0);
			}
			t = now_ns() - t0;
			if (t < best_d)
				best_d = t;
			sum_d = s;
		}
		/* String to string as dpkg does it: parse both, compare. The
		 * parsed copies live in dpkg's pool, emptied after each run. */
		for (int run = 0; run < RUNS; run++) {
			double t0 = now_ns(), t;
			long s = 0;
			for (size_t i = 0; i < NPAIRS; i++) {
				struct dpkg_version a, b;
				struct dpkg_error e = DPKG_ERROR_INIT;
				int c;
				if (parseversion(&a, strings.v[pairs[i].a], &e) < 0)
					dpkg_error_destroy(&e);
				if (parseversion(&b, strings.v[pairs[i].b], &e) < 0)
					dpkg_error_destroy(&e);
				c = dpkg_version_compare(&a, &b);
				s += (c > 0) - (c < 0);
			}
			t = now_ns() - t0;
			nffreeall();
			if (t < best_ds)
				best_ds = t;
			sum_ds = s;
		}
		printf("dpkg dpkg_version_compare (pre-parsed): %7.2f ns/compare\n", best_d / NPAIRS);
		printf("dpkg parseversion x2 + compare:      %7.2f ns/compare\n", best_ds / NPAIRS);
		printf("pre-parsed: vigie is %.2fx dpkg's speed\n", best_d / best_v);
		printf("strings:    vigie is %.2fx dpkg's speed\n", best_ds / best_vs);
		printf("results differing from dpkg: %lu of %d\n", disagree, NPAIRS);
		free(dv);
		if (disagree || sum_d != sum_v || sum_ds != sum_v)
			goto out;
	}
#else
	printf("libdpkg not available: no comparison with dpkg\n");
#endif
	rc = 0;
out:
	free(vv);
	free(pairs);
	vigie_strv_release(&strings);
	return rc;
}
