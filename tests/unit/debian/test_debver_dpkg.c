/* Differential test: vigie's debver against libdpkg itself.
 *
 * Strings come from this machine's dpkg status and apt lists, from the
 * security tracker's DSA/DLA lists (when ../shared/data is present), from
 * mutations of those real versions and from a seeded generator of random
 * version-like strings (valid and invalid). Every string is parsed by both
 * (error / warning / ok and the message must agree; so must epoch, upstream
 * and revision), and at least 100,000 pairs of accepted versions are
 * compared (the signs must agree). Returns 77 (skipped) when libdpkg was
 * not found at configure time. */
#include "testutil.h"
#include "vigie/core/deb822.h"
#include "vigie/debian/debver.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBDPKG
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg-db.h>
#include <dpkg/dpkg.h>
#include <dpkg/error.h>
#include <dpkg/version.h>

/* libdpkg keeps parsed versions in its own never-freed pool. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:m_realloc\nleak:m_malloc\nleak:nfmalloc\nleak:parseversion\n";
}

#define MIN_PAIRS 100000
#define MAX_REPORT 20

struct entry {
	const char *s;
	struct debver v;
	struct dpkg_version d;
	int vrc;    /* vigie_debver_parse: 0 ok, 1 warning, <0 error */
	int drc;    /* same scale for libdpkg */
};

static struct vigie_strv strings;
static unsigned long mismatches;
static unsigned long nreal, nmut, ngen;

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	va_list ap;
	if (mismatches++ >= MAX_REPORT)
		return;
	va_start(ap, fmt);
	fputs("MISMATCH: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- deterministic generator (xorshift64*) ---- */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}
static unsigned rndn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void add(const char *s)
{
	if (vigie_strv_push(&strings, s))
		fail_msg("out of memory");
}

/* ---- real versions ---- */
static void add_version_field(const char *v, unsigned long *count)
{
	const char *p;
	if (!v || !*v)
		return;
	add(v);
	(*count)++;
	/* "Source: name (version)" */
	if ((p = strchr(v, '(')) != NULL) {
		char buf[256];
		size_t n = strcspn(p + 1, ")");
		if (n < sizeof(buf)) {
			memcpy(buf, p + 1, n);
			buf[n] = '\0';
			add(buf);
			(*count)++;
		}
	}
}

static void load_deb822(const char *path)
{
	struct deb822 *d;
	struct vigie_error err;
	int rc;
	vigie_error_init(&err);
	if (vigie_deb822_open(&d, path, 0, &err))
		return;
	while ((rc = vigie_deb822_next(d, &err)) == 1) {
		add_version_field(vigie_deb822_get(d, "Version"), &nreal);
		add_version_field(vigie_deb822_get(d, "Source"), &nreal);
	}
	if (rc < 0)
		fprintf(stderr, "note: %s: %s\n", path, err.msg);
	vigie_deb822_free(d);
}

static void load_apt_lists(void)
{
	const char *dir = "/var/lib/apt/lists";
	DIR *dh = opendir(dir);
	struct dirent *e;
	char path[4096];
	if (!dh)
		return;
	while ((e = readdir(dh)) != NULL) {
		if (!strstr(e->d_name, "_Packages") && !strstr(e->d_name, "_Sources"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		load_deb822(path);
	}
	closedir(dh);
}

/* "\t[release] - srcpkg VERSION ..." lines of the tracker's lists. */
static void load_tracker_list(const char *rel)
{
	const char *path = test_shared(rel);
	struct vigie_reader *r;
	struct vigie_error err;
	char *line;
	size_t len;
	if (!path)
		return;
	vigie_error_init(&err);
	if (vigie_reader_open(&r, path, &err))
		return;
	while (vigie_reader_getline(r, &line, &len, &err) == 1) {
		char rl[64], dash[8], pkg[128], ver[256];
		if (line[0] != '\t' && line[0] != ' ')
			continue;
		if (sscanf(line, " %63s %7s %127s %255s", rl, dash, pkg, ver) != 4 ||
		    rl[0] != '[' || strcmp(dash, "-") || ver[0] == '<')
			continue;
		add(ver);
		nreal++;
	}
	vigie_reader_free(r);
}

/* ---- generated strings ---- */
static void gen_random(char *out, size_t cap)
{
	static const char valid[] = "0123456789abcdefxyzABZ.+~";
	static const char weird[] = "_!@#$%^&*()=[]{}|;'\",/?<>`\\ \t\n\v\r\x7f\xc3\xa9\xff";
	struct vigie_buf b = VIGIE_BUF_INIT;
	unsigned runs = 1 + rndn(6);

	switch (rndn(12)) {
	case 0: vigie_buf_addf(&b, "%u:", rndn(100)); break;
	case 1: vigie_buf_addf(&b, "%u:", (unsigned)rnd()); break;
	case 2: vigie_buf_adds(&b, rndn(2) ? "-1:" : "-0:"); break;
	case 3: vigie_buf_adds(&b, rndn(2) ? ":" : "a:"); break;
	case 4: vigie_buf_adds(&b, rndn(2) ? "99999999999999999999:" : "2147483648:"); break;
	case 5: vigie_buf_adds(&b, rndn(2) ? " \n1:" : "+1:"); break;
	case 6: vigie_buf_adds(&b, rndn(2) ? " " : "\t"); break;
	default: break;
	}
	if (rndn(8))
		vigie_buf_addf(&b, "%u", rndn(3) ? rndn(20) : (unsigned)rnd());
	for (unsigned i = 0; i < runs; i++) {
		unsigned k = rndn(20), n = 1 + rndn(4);
		for (unsigned j = 0; j < n; j++) {
			if (k < 8)
				vigie_buf_addc(&b, (char)('0' + rndn(10)));
			else if (k < 12)
				vigie_buf_addc(&b, valid[10 + rndn(sizeof(valid) - 11)]);
			else if (k < 15)
				vigie_buf_addc(&b, ".+~"[rndn(3)]);
			else if (k < 17)
				vigie_buf_addc(&b, '~');
			else if (k < 18)
				vigie_buf_addc(&b, ':');
			else if (k < 19)
				vigie_buf_addc(&b, '-');
			else if (rndn(3) == 0)
				vigie_buf_addc(&b, weird[rndn(sizeof(weird) - 1)]);
			else
				vigie_buf_addc(&b, (char)('0' + rndn(10)));
		}
	}
	switch (rndn(6)) {
	case 0: case 1:
		vigie_buf_addf(&b, "-%u", rndn(10));
		break;
	case 2:
		vigie_buf_addf(&b, "-%u%s%u", rndn(5), rndn(2) ? "+deb12u" : "~deb11u", rndn(12));
		break;
	case 3:
		if (rndn(4) == 0)
			vigie_buf_adds(&b, rndn(2) ? "-" : " ");
		break;
	default: break;
	}
	snprintf(out, cap, "%s", b.data ? b.data : "");
	vigie_buf_release(&b);
}

static void mutate(char *out, size_t cap, const char *s)
{
	size_t len = strlen(s), pos = len ? rndn((unsigned)len + 1) : 0;
	char tmp[512];
	if (len > 200) {
		snprintf(out, cap, "%s", s);
		return;
	}
	switch (rndn(10)) {
	case 0: /* insert '~' */
		snprintf(out, cap, "%.*s~%s", (int)pos, s, s + pos);
		break;
	case 1:
		snprintf(out, cap, "%s+b%u", s, 1 + rndn(3));
		break;
	case 2: /* change a digit */
		snprintf(tmp, sizeof(tmp), "%s", s);
		for (size_t i = 0; i < len; i++) {
			size_t k = (pos + i) % len;
			if (tmp[k] >= '0' && tmp[k] <= '9') {
				tmp[k] = (char)('0' + rndn(10));
				break;
			}
		}
		snprintf(out, cap, "%s", tmp);
		break;
	case 3:
		snprintf(out, cap, "%s-%u", s, rndn(4));
		break;
	case 4:
		snprintf(out, cap, "%u:%s", rndn(3), s);
		break;
	case 5: /* append '~' or a suffix */
		snprintf(out, cap, "%s%s", s, (const char *[]){ "~", "~~", "a", ".0", "+", "-1~bpo1" }[rndn(6)]);
		break;
	case 6: /* leading zeros */
		snprintf(out, cap, "%.*s0%s", (int)pos, s, s + pos);
		break;
	case 7: /* drop a character */
		snprintf(out, cap, "%.*s%s", (int)pos, s, pos < len ? s + pos + 1 : "");
		break;
	case 8: /* insert an odd character */
		snprintf(out, cap, "%.*s%c%s", (int)pos, s, "_-:. ~+@"[rndn(8)], s + pos);
		break;
	default: /* truncate */
		snprintf(out, cap, "%.*s", (int)pos, s);
		break;
	}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void check_parse(struct entry *e)
{
	struct vigie_error err;
	struct dpkg_error derr = DPKG_ERROR_INIT;
	int rc;

	vigie_error_init(&err);
	e->vrc = vigie_debver_parse(&e->v, e->s, &err);
	rc = parseversion(&e->d, e->s, &derr);
	e->drc = rc == 0 ? 0 : derr.type == DPKG_MSG_WARN ? 1 : -1;
	if ((e->vrc < 0 ? -1 : e->vrc) != e->drc)
		mismatch("parse '%s': vigie %d (%s), dpkg %d (%s)", e->s, e->vrc,
			 err.msg, e->drc, derr.str ? derr.str : "");
	else if (e->drc && strcmp(err.msg, derr.str ? derr.str : ""))
		mismatch("parse '%s': vigie says '%s', dpkg says '%s'", e->s, err.msg,
			 derr.str ? derr.str : "");
	else if (e->drc >= 0 &&
		 (e->v.epoch != e->d.epoch ||
		  strlen(e->d.version) != e->v.upstream_len ||
		  memcmp(e->d.version, e->v.upstream, e->v.upstream_len) ||
		  strlen(e->d.revision) != e->v.revision_len ||
		  memcmp(e->d.revision, e->v.revision, e->v.revision_len)))
		mismatch("parts of '%s': vigie %lu/%.*s/%.*s, dpkg %u/%s/%s", e->s,
			 e->v.epoch, (int)e->v.upstream_len, e->v.upstream,
			 (int)e->v.revision_len, e->v.revision, e->d.epoch,
			 e->d.version, e->d.revision);
	dpkg_error_destroy(&derr);
}

static unsigned long npairs;

static void check_pair(const struct entry *a, const struct entry *b)
{
	int v, d;
	if (a->drc < 0 || b->drc < 0 || a->vrc < 0 || b->vrc < 0)
		return;
	v = sign(vigie_debver_cmp(&a->v, &b->v));
	d = sign(dpkg_version_compare(&a->d, &b->d));
	npairs++;
	if (v != d)
		mismatch("compare '%s' '%s': vigie %d, dpkg %d", a->s, b->s, v, d);
	if (sign(vigie_debver_cmp_str(a->s, b->s)) != v)
		mismatch("debver_cmp_str('%s', '%s') differs from debver_cmp", a->s, b->s);
}

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = vigie_debver_cmp(&a->v, &b->v);
	return c ? c : strcmp(a->s, b->s);
}

static void test_against_libdpkg(void **state)
{
	struct entry *ents;
	size_t n, nvalid = 0, nwarn = 0, nerr = 0, nsorted;
	char buf[512];
	(void)state;

	dpkg_set_progname("test_debver_dpkg");
	vigie_strv_init(&strings);
	load_deb822("/var/lib/dpkg/status");
	load_apt_lists();
	load_tracker_list("debian-security-tracker/DSA-list");
	load_tracker_list("debian-security-tracker/DLA-list");
	/* Real versions, unique, then mutations and generated strings. */
	vigie_strv_sort(&strings);
	n = 0;
	for (size_t i = 0; i < strings.n; i++) {
		if (n && !strcmp(strings.v[n - 1], strings.v[i])) {
			free(strings.v[i]);
			continue;
		}
		strings.v[n++] = strings.v[i];
	}
	strings.n = n;
	/* Keep the test quick under sanitizers: at most 40,000 real ones,
	 * picked by a seeded shuffle. */
	for (size_t i = strings.n; i > 1; i--) {
		size_t j = rnd() % i;
		char *t = strings.v[i - 1];
		strings.v[i - 1] = strings.v[j];
		strings.v[j] = t;
	}
	while (strings.n > 40000)
		free(strings.v[--strings.n]);
	n = strings.n;
	fprintf(stdout, "real versions read: %lu, %zu unique kept\n", nreal, n);
	for (unsigned round = 0; n && (round < (n < 5000 ? 6 : 1) || strings.n < n + 20000); round++)
		for (size_t i = 0; i < n && strings.n < n + 60000; i++) {
			mutate(buf, sizeof(buf), strings.v[i]);
			add(buf);
			nmut++;
		}
	for (unsigned i = 0; i < 40000; i++) {
		gen_random(buf, sizeof(buf));
		add(buf);
		ngen++;
	}
	/* Hand-picked corner cases. */
	{
		static const char *const extra[] = {
			"", " ", "\t", "1 ", " 1", "1 2", "0", "00", "0:0", "-0:1",
			"+1:1", " \n1:1", "\v1:1", "1::", "1:", ":1", "a:1", "1a:1",
			"2147483647:1", "2147483648:1", "-2147483649:1",
			"99999999999999999999:1", "-99999999999999999999:1",
			"1-", "-", "--", "-1", "1--1", "1-1-", "1:-1", "~", "~~", "1~",
			"1.0~~", "1.0~", "a", "A", "1\xc3\xa9", "1\x7f", "1-1_1",
			"1:1:1", "1.0-1:1", "1.0+-1", "0:0-0", "1\n", "1\r",
		};
		for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
			add(extra[i]);
	}

	n = strings.n;
	ents = calloc(n, sizeof(*ents));
	assert_non_null(ents);
	for (size_t i = 0; i < n; i++) {
		ents[i].s = strings.v[i];
		check_parse(&ents[i]);
		if (ents[i].drc < 0)
			nerr++;
		else if (ents[i].drc)
			nwarn++;
		else
			nvalid++;
	}
	/* Pairs: each with its neighbours in the original order (a real
	 * version next to its mutation), with random partners, and, after
	 * sorting by vigie's order, adjacent entries (the closest calls). */
	for (size_t i = 0; i < n; i++) {
		check_pair(&ents[i], &ents[i]);
		check_pair(&ents[i], &ents[(i + 1) % n]);
		for (int k = 0; k < 2; k++)
			check_pair(&ents[i], &ents[rndn((unsigned)n)]);
	}
	nsorted = 0;
	for (size_t i = 0; i < n; i++)
		if (ents[i].drc >= 0 && ents[i].vrc >= 0)
			ents[nsorted++] = ents[i];
	qsort(ents, nsorted, sizeof(*ents), cmp_entry);
	for (size_t i = 1; i < nsorted; i++) {
		check_pair(&ents[i - 1], &ents[i]);
		check_pair(&ents[i], &ents[i - 1]);
		/* Sorted by vigie: dpkg must never see a descent. */
		if (dpkg_version_compare(&ents[i - 1].d, &ents[i].d) > 0)
			mismatch("order: dpkg puts '%s' after '%s'", ents[i - 1].s, ents[i].s);
	}

	printf("strings: %zu (mutated %lu, generated %lu); dpkg says "
	       "%zu valid, %zu warning, %zu error\n",
	       n, nmut, ngen, nvalid, nwarn, nerr);
	printf("pairs compared: %lu; mismatches: %lu\n", npairs, mismatches);
	free(ents);
	vigie_strv_release(&strings);
	if (npairs < MIN_PAIRS)
		fail_msg("only %lu pairs compared (need %d)", npairs, MIN_PAIRS);
	if (mismatches)
		fail_msg("%lu mismatches with libdpkg (first ones above)", mismatches);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_libdpkg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
	puts("libdpkg not found at configure time: skipped");
	return TEST_SKIP;
}
#endif
