/* Benchmark: Debian version comparison, vigie's debver against libdpkg.
 *
 * The same pairs (>= 1,000,000; real versions from this machine's dpkg
 * status and apt lists, their mutations, and seeded generated versions) are
 * compared pre-parsed (vigie_debver_cmp vs dpkg_version_compare on versions
 * parsed beforehand by parseversion) and string to string (vigie_debver_cmp_str
 * vs parseversion twice + dpkg_version_compare). Each timing is the best of
 * several runs. The results of both must agree on every pair. */
#define _GNU_SOURCE
#include "vigie/core/deb822.h"
#include "vigie/debian/debver.h"
#include "vigie/core/util.h"

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
	if (vigie_deb822_open(&d, path, 0, &err))
		return;
	while (vigie_deb822_next(d, &err) == 1) {
		const char *v = vigie_deb822_get(d, "Version");
		if (v && *v && vigie_strv_push(&strings, v))
			break;
	}
	vigie_deb822_free(d);
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

static struct debver *vv;
static struct pair *pairs;

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static long run_vigie(void)
{
	long s = 0;
	for (size_t i = 0; i < NPAIRS; i++)
		s += sign(vigie_debver_cmp(&vv[pairs[i].a], &vv[pairs[i].b]));
	return s;
}

static long run_vigie_str(void)
{
	long s = 0;
	for (size_t i = 0; i < NPAIRS; i++)
		s += sign(vigie_debver_cmp_str(strings.v[pairs[i].a], strings.v[pairs[i].b]));
	return s;
}

#ifdef HAVE_LIBDPKG
static struct dpkg_version *dv;

static long run_dpkg(void)
{
	long s = 0;
	for (size_t i = 0; i < NPAIRS; i++)
		s += sign(dpkg_version_compare(&dv[pairs[i].a], &dv[pairs[i].b]));
	return s;
}

/* String to string as dpkg does it: parse both, compare. The parsed copies
 * live in dpkg's pool, emptied after each run (outside the timing would be
 * fairer to dpkg by a little; inside is what a caller pays). */
static long run_dpkg_str(void)
{
	long s = 0;
	for (size_t i = 0; i < NPAIRS; i++) {
		struct dpkg_version a, b;
		struct dpkg_error e = DPKG_ERROR_INIT;
		if (parseversion(&a, strings.v[pairs[i].a], &e) < 0)
			dpkg_error_destroy(&e);
		if (parseversion(&b, strings.v[pairs[i].b], &e) < 0)
			dpkg_error_destroy(&e);
		s += sign(dpkg_version_compare(&a, &b));
	}
	nffreeall();
	return s;
}
#endif

static void timed(double *best, long *sum, long (*fn)(void))
{
	double t0 = now_ns(), t;
	*sum = fn();
	t = now_ns() - t0;
	if (t < *best)
		*best = t;
}

/* The same number of pairs, among 1,000 versions only: 500 real ones (or
 * random ones when fewer) and their mutations, paired as in the spread set. */
static void make_hot(struct pair *hot, const struct pair *spread, size_t n, size_t nreal)
{
	unsigned idx[1000];
	for (unsigned k = 0; k < 500; k++) {
		unsigned r = (unsigned)(rnd() % (nreal >= 500 ? nreal : n));
		idx[2 * k] = r;
		idx[2 * k + 1] = r < nreal ? (unsigned)(r + nreal) : (unsigned)(rnd() % n);
	}
	for (size_t i = 0; i < NPAIRS; i++) {
		unsigned a = (unsigned)(rnd() % 1000);
		hot[i].a = idx[a];
		hot[i].b = i % 2 == 0 ? idx[a ^ 1] : idx[rnd() % 1000];
	}
	(void)spread;
}

/* Time every way of comparing on one set of pairs. The machine may be
 * shared: runs are interleaved and the best of each kind is kept. */
static int measure(const char *label, struct pair *set)
{
	double best[4] = { 1e30, 1e30, 1e30, 1e30 };
	long sums[4] = { 0 };
	unsigned long disagree = 0;

	pairs = set;
	printf("-- %s\n", label);
#ifdef HAVE_LIBDPKG
	for (size_t i = 0; i < NPAIRS; i++) {
		int a = vigie_debver_cmp(&vv[pairs[i].a], &vv[pairs[i].b]);
		int b = dpkg_version_compare(&dv[pairs[i].a], &dv[pairs[i].b]);
		disagree += sign(a) != sign(b);
	}
#endif
	for (int run = 0; run < RUNS; run++) {
		timed(&best[0], &sums[0], run_vigie);
		timed(&best[1], &sums[1], run_vigie_str);
#ifdef HAVE_LIBDPKG
		timed(&best[2], &sums[2], run_dpkg);
		timed(&best[3], &sums[3], run_dpkg_str);
#endif
	}
	printf("vigie debver_cmp (pre-parsed):          %7.2f ns/compare\n", best[0] / NPAIRS);
	printf("vigie debver_cmp_str (strings):         %7.2f ns/compare\n", best[1] / NPAIRS);
	if (sums[0] != sums[1]) {
		fprintf(stderr, "debver_cmp and debver_cmp_str disagree\n");
		return -1;
	}
#ifdef HAVE_LIBDPKG
	printf("dpkg dpkg_version_compare (pre-parsed): %7.2f ns/compare\n", best[2] / NPAIRS);
	printf("dpkg parseversion x2 + compare:         %7.2f ns/compare\n", best[3] / NPAIRS);
	printf("pre-parsed: vigie is %.2fx dpkg's speed\n", best[2] / best[0]);
	printf("strings:    vigie is %.2fx dpkg's speed\n", best[3] / best[1]);
	printf("results differing from dpkg: %lu of %d\n", disagree, NPAIRS);
	if (disagree || sums[2] != sums[0] || sums[3] != sums[0])
		return -1;
#else
	printf("libdpkg not available: no comparison with dpkg\n");
#endif
	return 0;
}

int main(void)
{
	size_t n, nreal;
	char buf[256];
	struct pair *set_spread = NULL, *set_hot = NULL;
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
	set_spread = calloc(NPAIRS, sizeof(*set_spread));
	if (!vv || !set_spread)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (vigie_debver_parse(&vv[i], strings.v[i], NULL) < 0) {
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
		set_spread[i].a = a;
		set_spread[i].b = b;
	}

#ifdef HAVE_LIBDPKG
	dv = calloc(n, sizeof(*dv));
	if (!dv)
		goto out;
	dpkg_set_progname("bench_debver");
	for (size_t i = 0; i < n; i++) {
		struct dpkg_error e = DPKG_ERROR_INIT;
		if (parseversion(&dv[i], strings.v[i], &e) < 0 && e.type != DPKG_MSG_WARN) {
			fprintf(stderr, "dpkg rejects '%s': %s\n", strings.v[i], e.str);
			dpkg_error_destroy(&e);
			dv[i].version = dv[i].revision = NULL;
			n = i; /* only the entries before were copied */
			goto out;
		}
		dpkg_error_destroy(&e);
		/* Own copies: dpkg's pool is emptied by run_dpkg_str(). */
		dv[i].version = strdup(dv[i].version);
		dv[i].revision = strdup(dv[i].revision);
		if (!dv[i].version || !dv[i].revision)
			goto out;
	}
	nffreeall();
#endif
	set_hot = calloc(NPAIRS, sizeof(*set_hot));
	if (!set_hot)
		goto out;
	make_hot(set_hot, set_spread, n, nreal);
	printf("pairs: %d per set (from %zu versions: %zu real, %zu mutated, %zu generated)\n",
	       NPAIRS, n, nreal, nreal, n - 2 * nreal);
	if (measure("spread: random pairs over all versions (memory-bound)", set_spread) ||
	    measure("hot: pairs among 1,000 versions (cache-resident)", set_hot))
		goto out;
	rc = 0;
out:
#ifdef HAVE_LIBDPKG
	for (size_t i = 0; dv && i < n; i++) {
		free((char *)dv[i].version);
		free((char *)dv[i].revision);
	}
	free(dv);
#endif
	free(vv);
	free(set_spread);
	free(set_hot);
	vigie_strv_release(&strings);
	return rc;
}
