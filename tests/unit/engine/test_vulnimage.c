/* Index images: the index read back from its image answers as the one
 * built from the store, for every source and entry; a damaged, truncated
 * or foreign image is refused and rebuilt; no writable cache directory
 * still gives the right index. */
#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/engine/vulnimage.h"
#include "vigie/secdata/import.h"
#include "vigie/store/store.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define REL "bullseye"
#define HDR 256          /* header size */
#define OFF_FORMAT 8     /* uint32 format version */
#define OFF_LIBVER 16    /* char[32] vigie's version */
#define OFF_CRC 216      /* uint32 CRC-32 of the payload */

static char db[1024], db2[1024], cache[1024], img[1100];
static struct vigie_store *s;

static void import_all(struct vigie_store *st, const char *path)
{
	struct vigie_error err;
	struct import_stats is;
	const char *p;
	char dsa_p[1024], dla_p[1024];
	(void)path;
	/* the real lists when present (thousands of fixes to merge), else the
	 * small ones (both helpers return a static buffer) */
	p = test_shared("debian-security-tracker/DSA-list");
	snprintf(dsa_p, sizeof(dsa_p), "%s", p ? p : test_data("advlist/dsa.list"));
	p = test_shared("debian-security-tracker/DLA-list");
	snprintf(dla_p, sizeof(dla_p), "%s", p ? p : test_data("advlist/dla.list"));
	vigie_error_init(&err);
	assert_int_equal(vigie_import_tracker_json(st, test_data("tracker/small.json"), &is, &err), 0);
	assert_int_equal(vigie_import_advisory_list(st, dsa_p, "DSA", &is, &err), 0);
	assert_int_equal(vigie_import_advisory_list(st, dla_p, "DLA", &is, &err), 0);
	assert_int_equal(vigie_import_support_ended(st, test_data("advlist/security-support-ended.deb11"),
						    REL, &is, &err), 0);
	assert_int_equal(vigie_import_support_limited(st, test_data("advlist/security-support-limited"),
						      &is, &err), 0);
}

static struct vigie_store *open_db(const char *path)
{
	struct vigie_store *st;
	struct vigie_error err;
	vigie_error_init(&err);
	if (vigie_store_open(&st, path, 0, &err))
		fail_msg("open %s: %s", path, err.msg);
	return st;
}

static int setup(void **state)
{
	(void)state;
	snprintf(db, sizeof(db), "%s/a.db", test_tmpdir());
	snprintf(db2, sizeof(db2), "%s/b.db", test_tmpdir());
	snprintf(cache, sizeof(cache), "%s/cache/a.db.index", test_tmpdir());
	snprintf(img, sizeof(img), "%s/" REL ".vidx", cache);
	unsetenv("VIGIE_CACHE_DIR");
	s = open_db(db);
	import_all(s, db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vigie_store_close(s);
	return 0;
}

static int streq(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void same_entry(const struct vuln_entry *a, const struct vuln_entry *b)
{
	assert_string_equal(a->vuln, b->vuln);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->origin, b->origin);
	assert_true(streq(a->fixed_version, b->fixed_version));
	assert_int_equal(a->fixed.epoch, b->fixed.epoch);
	assert_int_equal(a->fixed.upstream_len, b->fixed.upstream_len);
	assert_int_equal(a->fixed.revision_len, b->fixed.revision_len);
	if (a->fixed.upstream_len)
		assert_memory_equal(a->fixed.upstream, b->fixed.upstream, a->fixed.upstream_len);
	if (a->fixed.revision_len)
		assert_memory_equal(a->fixed.revision, b->fixed.revision, a->fixed.revision_len);
	assert_true(streq(a->urgency, b->urgency));
	assert_true(streq(a->nodsa, b->nodsa));
	assert_true(streq(a->nodsa_reason, b->nodsa_reason));
	assert_true(streq(a->advisory, b->advisory));
	assert_true(streq(a->advisory_date, b->advisory_date));
	assert_int_equal(a->next_point_update, b->next_point_update);
	assert_int_equal(a->advisory_exact, b->advisory_exact);
}

static void same_source(const struct vuln_source *a, const struct vuln_source *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->name, b->name);
	assert_true(streq(a->eol_version, b->eol_version));
	assert_true(streq(a->eol_date, b->eol_date));
	assert_true(streq(a->eol_note, b->eol_note));
	assert_true(streq(a->limited_note, b->limited_note));
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		same_entry(&a->entries[i], &b->entries[i]);
}

/* Every source of built looked up in got (which may be lazy), field by
 * field; eager: the same set of sources. Returns the entries compared. */
static size_t same_index(const struct vulnindex *built, const struct vulnindex *got, int eager)
{
	size_t n = 0, entries = 0;
	assert_string_equal(built->release, got->release);
	assert_int_equal(built->has_tracker, got->has_tracker);
	assert_int_equal(built->has_advisories, got->has_advisories);
	assert_int_equal(built->nentries, got->nentries);
	for (size_t i = 0; i < built->sources.cap; i++) {
		const struct vuln_source *a = built->sources.vals[i];
		if (!built->sources.keys[i])
			continue;
		same_source(a, vigie_vulnindex_source(got, a->name));
		n++;
		entries += a->n;
	}
	if (eager)
		assert_int_equal(got->sources.n, n);
	assert_null(vigie_vulnindex_source(got, "no-such-source"));
	assert_null(vigie_vulnindex_source(got, ""));
	assert_null(vigie_vulnindex_source(got, "zzzzzz"));
	return entries;
}

static struct vulnindex *build(void)
{
	struct vulnindex *idx;
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_vulnindex_build(&idx, s, REL, &err), 0);
	return idx;
}

static struct vulnindex *load(const struct vigie_strv *sources, struct vigie_error *err)
{
	struct vulnindex *idx;
	int64_t v = -1, now;
	assert_int_equal(vigie_vulnindex_load(&idx, s, REL, sources, &v, err), 0);
	assert_int_equal(vigie_store_data_version(s, &now, err), 0);
	assert_int_equal(v, now);
	return idx;
}

static void key_now(struct vigie_vulnimage_key *k)
{
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_vulnimage_key(k, s, REL, &err), 0);
}

/* The image on disk opens for the current data, eagerly and lazily, and
 * answers as built. */
static void image_valid(const struct vulnindex *built)
{
	struct vigie_vulnimage_key k;
	struct vulnindex *got;
	struct vigie_error err;
	vigie_error_init(&err);
	key_now(&k);
	for (int lazy = 0; lazy < 2; lazy++) {
		if (vigie_vulnimage_open(&got, img, &k, lazy, &err))
			fail_msg("open image: %s", err.msg);
		same_index(built, got, !lazy);
		vigie_vulnindex_free(got);
	}
}

static void test_roundtrip(void **state)
{
	struct vulnindex *built = build(), *got;
	struct vigie_error err;
	struct vigie_strv some = { 0 };
	size_t entries;
	(void)state;
	vigie_error_init(&err);
	unlink(img);
	/* no image yet: built, and its image written */
	got = load(NULL, &err);
	entries = same_index(built, got, 1);
	vigie_vulnindex_free(got);
	print_message("%zu sources, %zu entries compared\n", built->sources.n, entries);
	/* the real lists when ../shared is present, else the fixtures' */
	{
		int real = test_shared("debian-security-tracker/DSA-list") != NULL;
		assert_true(entries > (real ? 20u : 5u));
		assert_true(built->sources.n > (real ? 10u : 5u));
	}
	assert_int_equal(access(img, R_OK), 0);
	image_valid(built);
	/* from the image now */
	got = load(NULL, &err);
	same_index(built, got, 1);
	vigie_vulnindex_free(got);
	/* a host's sources: the same answers as the index built for them */
	assert_int_equal(vigie_strv_push(&some, "apache2"), 0);
	assert_int_equal(vigie_strv_push(&some, "curl"), 0);
	assert_int_equal(vigie_strv_push(&some, "glibc"), 0);
	assert_int_equal(vigie_strv_push(&some, "openssl"), 0);
	assert_int_equal(vigie_strv_push(&some, "not-in-the-data"), 0);
	{
		struct vulnindex *for_host;
		assert_int_equal(vigie_vulnindex_build_for(&for_host, s, REL, &some, &err), 0);
		got = load(&some, &err);
		for (size_t i = 0; i < some.n; i++) {
			const struct vuln_source *a = vigie_vulnindex_source(for_host, some.v[i]);
			const struct vuln_source *b = vigie_vulnindex_source(got, some.v[i]);
			if (!a)
				assert_null(b);
			else
				same_source(a, b);
		}
		assert_int_equal(!for_host->has_tracker && !for_host->has_advisories,
				 !got->has_tracker && !got->has_advisories);
		/* read-only */
		assert_int_equal(vigie_vulnindex_set_support((struct vulnindex *)got, "x", "1", "2020-01-01",
							     NULL, 0), VIGIE_EUSAGE);
		vigie_vulnindex_free(got);
		vigie_vulnindex_free(for_host);
	}
	vigie_strv_release(&some);
	vigie_vulnindex_free(built);
}

/* ---- damaged images ---- */
static void *slurp(size_t *len)
{
	FILE *f = fopen(img, "rb");
	void *p;
	struct stat st;
	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	*len = (size_t)st.st_size;
	p = malloc(*len);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, *len, f), *len);
	fclose(f);
	return p;
}

static void spit(const void *p, size_t len)
{
	FILE *f = fopen(img, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
}

static void recrc(unsigned char *p, size_t len)
{
	uint32_t crc = (uint32_t)crc32_z(crc32_z(0L, Z_NULL, 0), p + HDR, len - HDR);
	memcpy(p + OFF_CRC, &crc, sizeof(crc));
}

/* The image as it is on disk is refused with a message naming why, then
 * the loader rebuilds it: valid again, right answers. */
static void refused_then_rebuilt(const char *why)
{
	struct vigie_vulnimage_key k;
	struct vulnindex *got, *built = build();
	struct vigie_error err;
	vigie_error_init(&err);
	key_now(&k);
	assert_int_equal(vigie_vulnimage_open(&got, img, &k, 0, &err), VIGIE_EPARSE);
	assert_null(got);
	if (!strstr(err.msg, why))
		fail_msg("expected '%s', got '%s'", why, err.msg);
	got = load(NULL, &err);
	same_index(built, got, 1);
	vigie_vulnindex_free(got);
	image_valid(built);
	vigie_vulnindex_free(built);
}

static void fresh_image(void)
{
	struct vulnindex *got;
	struct vigie_error err;
	vigie_error_init(&err);
	unlink(img);
	got = load(NULL, &err);
	vigie_vulnindex_free(got);
	assert_int_equal(access(img, R_OK), 0);
}

static void test_flipped_byte(void **state)
{
	size_t len;
	unsigned char *p;
	(void)state;
	fresh_image();
	p = slurp(&len);
	p[HDR + (len - HDR) / 2] ^= 0x20;
	spit(p, len);
	free(p);
	refused_then_rebuilt("checksum mismatch");
}

static void test_truncated(void **state)
{
	size_t len;
	unsigned char *p;
	(void)state;
	fresh_image();
	p = slurp(&len);
	spit(p, len - 7);
	refused_then_rebuilt("truncated");
	spit(p, 100); /* not even a header */
	refused_then_rebuilt("truncated");
	spit(p, 0);
	refused_then_rebuilt("truncated");
	free(p);
}

static void test_other_format_or_version(void **state)
{
	size_t len;
	unsigned char *p;
	uint32_t fmt = VIGIE_VULNIMAGE_FORMAT + 1;
	(void)state;
	fresh_image();
	p = slurp(&len);
	memcpy(p + OFF_FORMAT, &fmt, sizeof(fmt));
	spit(p, len);
	refused_then_rebuilt("another version");
	free(p);
	fresh_image();
	p = slurp(&len);
	memcpy(p + OFF_LIBVER, "0.0.0-old", 10);
	spit(p, len);
	refused_then_rebuilt("another version");
	memcpy(p, "NOTANIDX", 8);
	spit(p, len);
	refused_then_rebuilt("not an index image");
	free(p);
}

/* Offsets that point outside the mapping, with a checksum that holds. */
static void test_bad_offsets(void **state)
{
	size_t len;
	unsigned char *p;
	uint32_t bad = 0xfffffff0u, first = 5;
	(void)state;
	fresh_image();
	p = slurp(&len);
	memcpy(p + HDR, &bad, sizeof(bad)); /* the first source's name */
	recrc(p, len);
	spit(p, len);
	refused_then_rebuilt("inconsistent");
	free(p);
	fresh_image();
	p = slurp(&len);
	memcpy(p + HDR + 4, &first, sizeof(first)); /* its entries' first index */
	recrc(p, len);
	spit(p, len);
	refused_then_rebuilt("inconsistent");
	free(p);
}

static void test_other_data_version(void **state)
{
	struct vigie_error err;
	struct import_stats is;
	(void)state;
	fresh_image();
	vigie_error_init(&err);
	/* an import moves the data version: the image is of older data */
	assert_int_equal(vigie_import_support_limited(s, test_data("advlist/security-support-limited"),
						      &is, &err), 0);
	refused_then_rebuilt("older data");
}

static void test_other_release_or_database(void **state)
{
	char other[1200];
	struct vigie_store *s2;
	struct vulnindex *got;
	struct vigie_error err;
	(void)state;
	vigie_error_init(&err);
	/* the image of another release under this release's name */
	assert_int_equal(vigie_vulnindex_load(&got, s, "buster", NULL, NULL, &err), 0);
	vigie_vulnindex_free(got);
	snprintf(other, sizeof(other), "%s/buster.vidx", cache);
	assert_int_equal(rename(other, img), 0);
	refused_then_rebuilt("another release");
	/* another database's image, with the same data and data version */
	s2 = open_db(db2);
	import_all(s2, db2);
	assert_int_equal(vigie_vulnindex_load(&got, s2, REL, NULL, NULL, &err), 0);
	vigie_vulnindex_free(got);
	vigie_store_close(s2);
	snprintf(other, sizeof(other), "%s/cache/b.db.index/" REL ".vidx", test_tmpdir());
	assert_int_equal(rename(other, img), 0);
	refused_then_rebuilt("another database");
	/* a release that cannot name a file: no image, the index all the same */
	assert_int_equal(vigie_vulnindex_load(&got, s, "../x", NULL, NULL, &err), 0);
	vigie_vulnindex_free(got);
	assert_int_equal(access(test_tmpdir(), F_OK), 0);
}

static unsigned long warnings;
static void count_warn(void *ud, const struct vigie_error *w)
{
	(void)ud;
	(void)w;
	warnings++;
}

static void test_unwritable_dir(void **state)
{
	struct vulnindex *built = build(), *got, *for_host;
	struct vigie_strv some = { 0 };
	struct vigie_error err;
	char blocked[1200];
	(void)state;
	vigie_error_init(&err);
	err.warn = count_warn;
	/* a directory under a regular file can never be made, even by root */
	snprintf(blocked, sizeof(blocked), "%s/plain-file", test_tmpdir());
	test_write("plain-file", "x");
	strcat(blocked, "/cache");
	setenv("VIGIE_CACHE_DIR", blocked, 1);
	got = load(NULL, &err);
	same_index(built, got, 1);
	vigie_vulnindex_free(got);
	assert_int_equal(vigie_strv_push(&some, "apache2"), 0);
	assert_int_equal(vigie_strv_push(&some, "glibc"), 0);
	assert_int_equal(vigie_vulnindex_build_for(&for_host, s, REL, &some, &err), 0);
	for (int i = 0; i < 3; i++) {
		got = load(&some, &err);
		for (size_t j = 0; j < some.n; j++)
			same_source(vigie_vulnindex_source(for_host, some.v[j]),
				    vigie_vulnindex_source(got, some.v[j]));
		vigie_vulnindex_free(got);
	}
	/* one notice for the process, whatever the number of loads */
	assert_int_equal(warnings, 1);
	assert_int_equal(err.code, 0);
	unsetenv("VIGIE_CACHE_DIR");
	vigie_vulnindex_free(for_host);
	vigie_strv_release(&some);
	vigie_vulnindex_free(built);
}

/* A lazy index looked up by several threads at once. */
struct lookers {
	const struct vulnindex *built, *lazy;
	int bad;
};

static void *look(void *ud)
{
	struct lookers *l = ud;
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < l->built->sources.cap; i++) {
			const struct vuln_source *a = l->built->sources.vals[i], *b;
			if (!l->built->sources.keys[i])
				continue;
			b = vigie_vulnindex_source(l->lazy, a->name);
			if (!b || strcmp(a->name, b->name) || a->n != b->n)
				__atomic_store_n(&l->bad, 1, __ATOMIC_RELAXED);
		}
	return NULL;
}

static void test_lazy_threads(void **state)
{
	struct vigie_vulnimage_key k;
	struct lookers l;
	struct vulnindex *lazy;
	struct vigie_error err;
	pthread_t t[4];
	(void)state;
	vigie_error_init(&err);
	fresh_image();
	key_now(&k);
	l.built = build();
	assert_int_equal(vigie_vulnimage_open(&lazy, img, &k, 1, &err), 0);
	l.lazy = lazy;
	l.bad = 0;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, look, &l), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(l.bad, 0);
	same_index(l.built, lazy, 1);
	vigie_vulnindex_free(lazy);
	vigie_vulnindex_free((struct vulnindex *)l.built);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_flipped_byte),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_other_format_or_version),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_other_data_version),
		cmocka_unit_test(test_other_release_or_database),
		cmocka_unit_test(test_unwritable_dir),
		cmocka_unit_test(test_lazy_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
