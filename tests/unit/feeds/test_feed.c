#include "testutil.h"
#include "vigie/feeds/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct feed *parse_file(const char *rel, struct vigie_error *err,
			       const struct services_table *svc, int *rc)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct feed *f = NULL;
	memset(err, 0, sizeof(*err));
	assert_int_equal(vigie_read_file(&b, test_data(rel), 1 << 20, err), 0);
	*rc = vigie_feed_parse(&f, b.data, b.len, rel, svc, err);
	vigie_buf_release(&b);
	return f;
}

static const struct feed_item *find(const struct feed *f, const char *title_prefix)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].title && !strncmp(f->items[i].title, title_prefix,
						   strlen(title_prefix)))
			return &f->items[i];
	return NULL;
}

static int nwarn;
static char lastwarn[2048];
static void count_warn(void *ud, const struct vigie_error *w)
{
	(void)ud;
	nwarn++;
	vigie_error_format(w, lastwarn, sizeof(lastwarn));
}

static void test_rdf(void **state)
{
	struct vigie_error err;
	struct services_table svc;
	const struct feed_item *it;
	int rc;
	struct feed *f;
	(void)state;
	vigie_services_table_init(&svc);
	assert_int_equal(vigie_services_load(&svc, test_data("feeds/services.conf"), NULL), 0);
	f = parse_file("feeds/dsa.rdf", &err, &svc, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(f->format, FEED_RDF);
	assert_string_equal(f->title, "Debian Security");
	assert_int_equal(f->n, 4);
	/* 2007-2018 generator: revision stripped, dc:date day */
	it = &f->items[0];
	assert_string_equal(it->title, "DSA-6101 apache2");
	assert_string_equal(it->guid, "https://www.debian.org/security/2026/dsa-6101");
	assert_true(it->has_published);
	assert_int_equal(it->published, vigie_days_from_civil(2026, 11, 20) * 86400);
	assert_int_equal(it->advisories.n, 1);
	assert_string_equal(it->advisories.v[0], "DSA-6101");
	assert_int_equal(it->packages.n, 1);
	assert_string_equal(it->packages.v[0], "apache2");
	/* the alias apache2 names the service of services.conf */
	assert_int_equal(it->services.n, 1);
	assert_string_equal(it->services.v[0], "Apache HTTP Server");
	/* 2025 generator: revision kept, problem type, no date */
	it = find(f, "DSA-6099-1");
	assert_non_null(it);
	assert_false(it->has_published);
	assert_string_equal(it->packages.v[0], "nncp");
	assert_string_equal(it->summary, "DSA-6099-1");
	it = find(f, "DSA-6100-2");
	assert_int_equal(it->cves.n, 2);
	assert_string_equal(it->cves.v[1], "CVE-2026-2222");
	assert_string_equal(it->packages.v[0], "openssl");
	/* bad date: item kept, date unknown */
	it = find(f, "DSA-6098-1");
	assert_non_null(it);
	assert_false(it->has_published);
	assert_string_equal(it->packages.v[0], "postgresql-15");
	/* "postgresql-15" is a package name, not the word PostgreSQL */
	assert_int_equal(it->services.n, 0);
	vigie_feed_free(f);
	vigie_services_table_release(&svc);
}

static void test_rss2(void **state)
{
	struct vigie_error err;
	const struct feed_item *it;
	struct feed *f;
	int rc;
	(void)state;
	memset(&err, 0, sizeof(err));
	nwarn = 0;
	{
		struct vigie_buf b = VIGIE_BUF_INIT;
		assert_int_equal(vigie_read_file(&b, test_data("feeds/rss2.xml"), 1 << 20, &err), 0);
		err.warn = count_warn;
		rc = vigie_feed_parse(&f, b.data, b.len, "rss2.xml", NULL, &err);
		vigie_buf_release(&b);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(f->format, FEED_RSS2);
	/* the item with no title, link or guid is skipped, with its line */
	assert_int_equal(f->n, 3);
	assert_int_equal(nwarn, 2);
	assert_non_null(strstr(lastwarn, "rss2.xml:26:"));
	it = &f->items[0];
	/* HTML stripped, entities decoded (twice-escaped in the feed) */
	assert_string_equal(it->title, "nginx 1.27.4 fixes \"HTTP/3\" bug & CVE-2026-4444");
	assert_string_equal(it->guid, "vendor-2026-001");
	assert_int_equal(it->published,
			 vigie_days_from_civil(2026, 11, 17) * 86400 + 7 * 3600 + 30 * 60);
	assert_string_equal(it->summary,
			    "A flaw in the HTTP/3 module of nginx (CVE-2026-4444) was fixed.");
	assert_int_equal(it->cves.n, 1);
	/* missing guid: key falls back to the link, then to a hash */
	{
		char kb[32];
		assert_null(f->items[1].guid);
		assert_string_equal(vigie_feed_item_key(&f->items[1], kb, sizeof(kb)),
				    "https://vendor.example/redis-7.4.9");
		assert_false(f->items[2].has_published);
		assert_int_equal(strncmp(vigie_feed_item_key(&f->items[2], kb, sizeof(kb)), "h:", 2), 0);
		assert_int_equal(strlen(kb), 18);
	}
	vigie_feed_free(f);
}

static void test_atom(void **state)
{
	struct vigie_error err;
	struct feed *f;
	int rc;
	(void)state;
	f = parse_file("feeds/atom.xml", &err, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(f->format, FEED_ATOM);
	assert_int_equal(f->n, 2);
	assert_string_equal(f->items[0].title,
			    "PostgreSQL 17.7, 16.11 released & CVE-2026-6666 fixed");
	assert_string_equal(f->items[0].link, "https://pg.example/news/17.7");
	assert_string_equal(f->items[0].guid, "urn:example:pg:17.7");
	/* published wins over updated */
	assert_int_equal(f->items[0].published,
			 vigie_days_from_civil(2026, 11, 13) * 86400 + 14 * 3600);
	assert_null(f->items[1].guid);
	assert_string_equal(f->items[1].link, "https://pg.example/news/minor");
	assert_int_equal(f->items[1].published,
			 vigie_days_from_civil(2026, 11, 12) * 86400 + 7 * 3600 + 15 * 60);
	assert_string_equal(f->items[1].summary, "See DLA-4001-1 and DTSA-12-1.");
	assert_int_equal(f->items[1].advisories.n, 2);
	assert_string_equal(f->items[1].advisories.v[0], "DLA-4001-1");
	assert_string_equal(f->items[1].advisories.v[1], "DTSA-12-1");
	vigie_feed_free(f);
}

static void test_latin1(void **state)
{
	struct vigie_error err;
	struct feed *f;
	int rc;
	(void)state;
	f = parse_file("feeds/latin1.xml", &err, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(f->n, 1);
	assert_string_equal(f->title, "S\xc3\xa9" "curit\xc3\xa9");
	assert_string_equal(f->items[0].title,
			    "Mise \xc3\xa0 jour de s\xc3\xa9" "curit\xc3\xa9 pour samba");
	assert_true(vigie_utf8_valid(f->items[0].summary, strlen(f->items[0].summary)));
	assert_string_equal(f->items[0].summary, "CVE-2026-7777 \xc2\xab corrig\xc3\xa9 \xc2\xbb");
	vigie_feed_free(f);
}

static void test_rejects(void **state)
{
	struct vigie_error err;
	struct feed *f;
	int rc;
	(void)state;
	f = parse_file("feeds/xxe.xml", &err, NULL, &rc);
	assert_null(f);
	assert_int_equal(rc, VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "entities"));
	f = parse_file("feeds/billion.xml", &err, NULL, &rc);
	assert_null(f);
	assert_int_equal(rc, VIGIE_EPARSE);
	f = parse_file("feeds/malformed.xml", &err, NULL, &rc);
	assert_null(f);
	assert_int_equal(rc, VIGIE_EPARSE);
	assert_true(err.line > 0);
	/* an external DTD is never loaded: its entity stays undefined */
	{
		char doc[2048], decl[1200], dtd[1100];
		snprintf(decl, sizeof(decl), "<!ENTITY xxe SYSTEM \"file://%s\">\n",
			 test_write("secret", "TOPSECRET\n"));
		snprintf(dtd, sizeof(dtd), "%s", test_write("evil.dtd", decl));
		snprintf(doc, sizeof(doc),
			 "<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"%s\">\n"
			 "<rss><channel><item><title>a &xxe; b</title><link>u</link>"
			 "</item></channel></rss>", dtd);
		memset(&err, 0, sizeof(err));
		rc = vigie_feed_parse(&f, doc, strlen(doc), "extdtd", NULL, &err);
		if (rc == 0) {
			assert_int_equal(f->n, 1);
			assert_null(strstr(f->items[0].title, "TOPSECRET"));
			assert_string_equal(f->items[0].title, "a b");
			vigie_feed_free(f);
		} else {
			assert_int_equal(rc, VIGIE_EPARSE);
		}
	}
	/* not a feed */
	memset(&err, 0, sizeof(err));
	rc = vigie_feed_parse(&f, "<html><body/></html>", 20, "x.html", NULL, &err);
	assert_int_equal(rc, VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "root element <html>"));
	/* UTF-16 / NUL */
	rc = vigie_feed_parse(&f, "<\0r\0s\0s\0", 8, "u16", NULL, &err);
	assert_int_equal(rc, VIGIE_EPARSE);
	/* too deep */
	{
		struct vigie_buf b = VIGIE_BUF_INIT;
		vigie_buf_adds(&b, "<rss><channel><item><title>");
		for (int i = 0; i < FEED_MAX_DEPTH + 10; i++)
			vigie_buf_adds(&b, "<b>");
		for (int i = 0; i < FEED_MAX_DEPTH + 10; i++)
			vigie_buf_adds(&b, "</b>");
		vigie_buf_adds(&b, "</title></item></channel></rss>");
		rc = vigie_feed_parse(&f, b.data, b.len, "deep", NULL, &err);
		assert_int_equal(rc, VIGIE_ELIMIT);
		vigie_buf_release(&b);
	}
	/* oversize is refused before parsing */
	rc = vigie_feed_parse(&f, "<rss/>", (size_t)FEED_MAX_DOC + 1, "big", NULL, &err);
	assert_int_equal(rc, VIGIE_ELIMIT);
}

static void test_extract(void **state)
{
	static const struct { const char *title, *pkg; } titles[] = {
		{ "DSA-5376-1 apache2 - security update", "apache2" },
		{ "DSA-4321 libxml2", "libxml2" },
		{ "[DLA 3001-1] gst-plugins-base1.0 security update", "gst-plugins-base1.0" },
		{ "DLA-3999-2: linux-5.10 regression update", "linux-5.10" },
		{ "DTSA-12-1 foo", "foo" },
		{ "Debian DSA-5376-1 apache2", NULL },
		{ "DSA-abc apache2", NULL },
		{ "DSA-5376-1 Apache2", NULL },
	};
	struct vigie_strv v;
	(void)state;
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		vigie_strv_init(&v);
		assert_int_equal(vigie_feed_extract_packages(&v, titles[i].title, NULL), 0);
		if (titles[i].pkg) {
			assert_int_equal(v.n, 1);
			assert_string_equal(v.v[0], titles[i].pkg);
		} else {
			assert_int_equal(v.n, 0);
		}
		vigie_strv_release(&v);
	}
	vigie_strv_init(&v);
	assert_int_equal(vigie_feed_extract_packages(&v, "x", "Debian Security Advisory DSA-1 "
					       "Package : nginx CVE ID : CVE-2026-1"), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.v[0], "nginx");
	vigie_strv_release(&v);

	vigie_strv_init(&v);
	assert_int_equal(vigie_feed_extract_advisories(&v, "DSA-1-1, xDSA-2, DLA-33 DTSA-4 "
						 "DTSA-5-6 DSA-7-1a DSA-8-2 DSA-1-1"), 0);
	assert_int_equal(v.n, 4);
	assert_string_equal(v.v[0], "DSA-1-1");
	assert_string_equal(v.v[1], "DLA-33");
	assert_string_equal(v.v[2], "DTSA-5-6");
	assert_string_equal(v.v[3], "DSA-8-2");
	vigie_strv_release(&v);
}

static void test_services(void **state)
{
	static const char table[] =
		"Apache HTTP Server | apache2 | apache2 | apache, httpd\n"
		"PostgreSQL | postgresql-15 | postgresql-15 | postgres, pgsql\n"
		"PHP | php*-fpm | php*\n"
		"BIND | bind9 | bind9\n"
		"Ruby on Rails | ruby-rails | rails | rails\n";
	static const struct { const char *text; const char *want; } cases[] = {
		{ "Apache HTTPD 2.4.63 and Postgres", "Apache HTTP Server|PostgreSQL" },
		{ "apache HTTP SERVER", "Apache HTTP Server" },
		/* whole words only */
		{ "apache-commons, postgresql17, pgsql_x", "" },
		{ "ruby on rails 7.1 (Rails)", "Ruby on Rails" },
		/* names in capitals only in capitals */
		{ "Ruby bindings; bind to a php socket", "" },
		{ "BIND 9.18 and PHP 8.2", "PHP|BIND" },
		{ "", "" },
	};
	struct services_table svc;
	struct vigie_error err;
	(void)state;
	memset(&err, 0, sizeof(err));
	vigie_services_table_init(&svc);
	assert_int_equal(vigie_services_load_mem(&svc, table, sizeof(table) - 1, "t", &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vigie_strv v;
		char *got;
		vigie_strv_init(&v);
		assert_int_equal(vigie_feed_extract_services(&v, &svc, cases[i].text), 0);
		got = vigie_strv_join(&v, "|");
		if (strcmp(got ? got : "", cases[i].want))
			fail_msg("'%s': got '%s', want '%s'", cases[i].text, got ? got : "",
				 cases[i].want);
		free(got);
		vigie_strv_release(&v);
	}
	vigie_services_table_release(&svc);
}

static void test_text(void **state)
{
	char *t;
	(void)state;
	t = vigie_feed_html_to_text("<p>a&amp;b &lt;c&gt; &#233;&#xe9; &bogus; &nbsp;</p>\n\n<br/>x", 100);
	assert_string_equal(t, "a&b <c> \xc3\xa9\xc3\xa9 &bogus; x");
	free(t);
	/* cut on a UTF-8 boundary */
	t = vigie_feed_html_to_text("\xc3\xa9\xc3\xa9\xc3\xa9", 3);
	assert_string_equal(t, "\xc3\xa9");
	free(t);
	/* only tags and spaces: empty, terminated (found by fuzzing) */
	t = vigie_feed_html_to_text("<p> </p>\n", 100);
	assert_string_equal(t, "");
	free(t);
	t = vigie_feed_html_to_text("a < b", 10);
	assert_string_equal(t, "a < b");
	free(t);
	/* character references to control characters (a terminal escape, a
	 * line break, C1 CSI) give no control byte: titles reach terminals and
	 * one-line text outputs */
	t = vigie_feed_html_to_text("a&#27;[31mb&#x1B;c&#10;d&#x9b;e&#127;f", 100);
	assert_string_equal(t, "a\xef\xbf\xbd[31mb\xef\xbf\xbd" "c d\xef\xbf\xbd" "e\xef\xbf\xbd" "f");
	free(t);
	/* FNV-1a 64 test vectors */
	assert_true(vigie_feed_fnv1a64("", 0) == 0xcbf29ce484222325ULL);
	assert_true(vigie_feed_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(vigie_feed_fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdf),      cmocka_unit_test(test_rss2),
		cmocka_unit_test(test_atom),     cmocka_unit_test(test_latin1),
		cmocka_unit_test(test_rejects),  cmocka_unit_test(test_extract),
		cmocka_unit_test(test_services), cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
