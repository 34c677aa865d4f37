#include "testutil.h"
#include "vigie/feeds/alerts.h"
#include "vigie/feeds/feeds.h"
#include "vigie/debian/inventory.h"
#include "vigie/debian/services.h"
#include "vigie/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_httpd.h"

struct fixture {
	struct vigie_store *s;
	struct services_table svc;
};

/* Store a host the way `vigie hosts add` does: its inventory (from dpkg
 * status text) and the services derived from it; then manual services. */
static void add_host(struct fixture *fx, const char *name, const char *release,
		     const char *status, const char *const *manual)
{
	struct inventory inv;
	struct services_found found;
	struct vigie_error err;
	const char *names[16];
	int64_t id;
	memset(&err, 0, sizeof(err));
	vigie_inventory_init(&inv);
	vigie_services_found_init(&found);
	assert_int_equal(vigie_inventory_load_status_mem(&inv, status, strlen(status), name, &err), 0);
	inv.host = name;
	inv.release = release;
	assert_int_equal(vigie_services_derive(&found, &fx->svc, &inv, &err), 0);
	assert_true(found.n <= 16);
	for (size_t i = 0; i < found.n; i++)
		names[i] = found.v[i].service;
	assert_int_equal(vigie_store_host_put(fx->s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_host_services_set_derived(fx->s, id, names, found.n, &err), 0);
	for (size_t i = 0; manual && manual[i]; i++)
		assert_int_equal(vigie_store_host_service_add(fx->s, name, manual[i], "manual", &err), 0);
	vigie_services_found_release(&found);
	vigie_inventory_release(&inv);
}

#define PKG(name, source, version)                                                 \
	"Package: " name "\nStatus: install ok installed\nArchitecture: amd64\n"    \
	"Source: " source "\nVersion: " version "\n\n"

static int setup(void **state)
{
	static int n;
	static const char *const db1_manual[] = { "custom-app", NULL };
	static const char *const fr1_manual[] = { "samba", NULL };
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vigie_error err;
	char path[1024];
	memset(&err, 0, sizeof(err));
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
	snprintf(path, sizeof(path), "%s/feeds%d.db", test_tmpdir(), n++);
	assert_int_equal(vigie_store_open(&fx->s, path, 0, &err), 0);
	vigie_services_table_init(&fx->svc);
	assert_int_equal(vigie_services_load(&fx->svc, test_data("feeds/services.conf"), &err), 0);
	/* web1: Apache and OpenSSL (derived); db1: PostgreSQL (derived) and an
	 * in-house app; fr1 (bullseye): OpenSSL, and samba attached by hand
	 * without its package */
	add_host(fx, "web1", "bookworm",
		 PKG("apache2-bin", "apache2", "2.4.62-1~deb12u2")
		 PKG("libssl3", "openssl", "3.0.15-1~deb12u1"), NULL);
	add_host(fx, "db1", "bookworm", PKG("postgresql-15", "postgresql-15", "15.8-0+deb12u1"),
		 db1_manual);
	add_host(fx, "fr1", "bullseye", PKG("libssl3", "openssl", "1.1.1w-0+deb11u1"),
		 fr1_manual);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	vigie_store_close(fx->s);
	vigie_services_table_release(&fx->svc);
	free(fx);
	return 0;
}

static size_t npolled, nfailed;
static void status(void *ud, const struct feeds_poll_status *st)
{
	(void)ud;
	npolled++;
	if (st->outcome == FEEDS_FAILED)
		nfailed++;
}

static void add_fixture_feeds(struct fixture *fx)
{
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_store_feed_add(fx->s, test_data("feeds/dsa.rdf"), "dsa",
					FEEDS_DEBIAN_TOKEN, &err), 0);
	assert_int_equal(vigie_store_feed_add(fx->s, test_data("feeds/rss2.xml"), "vendor",
					"nginx", &err), 0);
	assert_int_equal(vigie_store_feed_add(fx->s, test_data("feeds/latin1.xml"), "fr", NULL,
					&err), 0);
	/* same URL again: nothing changes */
	assert_int_equal(vigie_store_feed_add(fx->s, test_data("feeds/latin1.xml"), "other", NULL,
					&err), 1);
}

static void test_poll_once(void **state)
{
	struct fixture *fx = *state;
	struct feeds_poll_opts o = { .services = &fx->svc };
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	add_fixture_feeds(fx);
	npolled = nfailed = 0;
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 0);
	assert_int_equal(npolled, 3);
	assert_int_equal(nfailed, 0);
	/* 4 (dsa) + 3 (rss2: one item skipped) + 1 */
	assert_int_equal(vigie_store_count(fx->s, "feed_items", &err), 8);
	setenv("VIGIE_NOW", "2026-11-28T09:00:00Z", 1);
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 0);
	assert_int_equal(vigie_store_count(fx->s, "feed_items", &err), 8);
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
}

struct outcome {
	char name[32];
	int outcome;
	char error[512];
};
static struct outcome outcomes[8];
static size_t noutcomes;

static void record(void *ud, const struct feeds_poll_status *st)
{
	(void)ud;
	if (noutcomes < 8) {
		struct outcome *o = &outcomes[noutcomes++];
		snprintf(o->name, sizeof(o->name), "%s", st->name);
		o->outcome = st->outcome;
		snprintf(o->error, sizeof(o->error), "%s", st->error ? st->error : "");
	}
}

static const struct outcome *outcome_of(const char *name)
{
	for (size_t i = 0; i < noutcomes; i++)
		if (!strcmp(outcomes[i].name, name))
			return &outcomes[i];
	fail_msg("no outcome for %s", name);
	return NULL;
}

/* A feed that reached https is not followed back to http (a redirect
 * from https, or http -> https -> http). */
static void test_poll_no_downgrade(void **state)
{
	struct fixture *fx = *state;
	struct feeds_poll_opts o = { .services = &fx->svc };
	struct vigie_buf doc = VIGIE_BUF_INIT;
	struct vigie_error err;
	char ca[4200], plain[512], tls[512], inner[1024], u[2048], path[4400];
	const struct outcome *r;
	FILE *f;

	vigie_error_init(&err);
	if (start_server(NULL) || start_tls_server(ca, sizeof(ca))) {
		stop_server(NULL);
		print_message("openssl or the test servers unavailable: not run\n");
		skip();
	}
	assert_int_equal(vigie_read_file(&doc, test_data("feeds/dsa.rdf"), 1 << 20, &err), 0);
	snprintf(path, sizeof(path), "%s/dsa.rdf", root);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(doc.data, 1, doc.len, f), doc.len);
	fclose(f);
	vigie_buf_release(&doc);
	snprintf(plain, sizeof(plain), "%s/dsa.rdf", base);
	snprintf(tls, sizeof(tls), "%s/dsa.rdf", tls_base);
	assert_int_equal(vigie_store_feed_add(fx->s, redirect_url(u, sizeof(u), tls_base, tls),
					      "https-https", NULL, &err), 0);
	assert_int_equal(vigie_store_feed_add(fx->s, redirect_url(u, sizeof(u), tls_base, plain),
					      "https-http", NULL, &err), 0);
	redirect_url(inner, sizeof(inner), tls_base, plain);
	assert_int_equal(vigie_store_feed_add(fx->s, redirect_url(u, sizeof(u), base, inner),
					      "http-https-http", NULL, &err), 0);
	o.ca_file = ca;
	noutcomes = 0;
	assert_int_equal(vigie_feeds_poll(fx->s, &o, record, NULL, &err), 1);
	stop_server(NULL);
	assert_int_equal(noutcomes, 3);
	r = outcome_of("https-https");
	assert_int_equal(r->outcome, FEEDS_OK);
	r = outcome_of("https-http");
	assert_int_equal(r->outcome, FEEDS_FAILED);
	assert_non_null(strstr(r->error, "redirect from https to http"));
	r = outcome_of("http-https-http");
	assert_int_equal(r->outcome, FEEDS_FAILED);
	assert_non_null(strstr(r->error, "redirect from https to http refused"));
}

static void test_backoff(void **state)
{
	struct fixture *fx = *state;
	struct feeds_poll_opts o = { 0 };
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_store_feed_add(fx->s, test_data("feeds/malformed.xml"), "bad", NULL,
					&err), 0);
	npolled = nfailed = 0;
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 1);
	assert_int_equal(nfailed, 1);
	/* skipped while backing off: reported, not fetched again, and the
	 * poll still says a feed is failing (as a forced poll would) */
	npolled = nfailed = 0;
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 1);
	assert_int_equal(npolled, 1);
	assert_int_equal(nfailed, 0);
	/* forced: fails again, delay doubles */
	o.force = 1;
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 1);
	setenv("VIGIE_NOW", "2026-11-27T09:09:59Z", 1);
	o.force = 0;
	npolled = nfailed = 0;
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 1);
	assert_int_equal(nfailed, 0);
	setenv("VIGIE_NOW", "2026-11-27T09:10:00Z", 1);
	assert_int_equal(vigie_feeds_poll(fx->s, &o, status, NULL, &err), 1);
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
	assert_int_equal(vigie_store_feed_remove(fx->s, "bad", &err), 0);
	assert_int_equal(vigie_store_feed_remove(fx->s, "bad", &err), VIGIE_ENOTFOUND);
}

static const struct feeds_item *item(const struct feeds_items *l, const char *prefix)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].it.title && !strncmp(l->v[i].it.title, prefix, strlen(prefix)))
			return &l->v[i];
	return NULL;
}

/* openssl CVEs fixed in bookworm (web1), not in bullseye (fr1); apache2
 * answered through its advisory */
static int fixed_lookup(void *ud, const char *release, const char *source,
			const char *installed, const char *id, const char **fv,
			struct vigie_error *err)
{
	(void)ud;
	(void)installed;
	(void)err;
	*fv = NULL;
	if (!strcmp(source, "apache2") && !strcmp(id, "DSA-6101")) {
		*fv = "2.4.62-1~deb12u3";
		return FEEDS_NOT_FIXED;
	}
	if (strcmp(source, "openssl") || strncmp(id, "CVE-", 4))
		return FEEDS_FIXED_UNKNOWN;
	*fv = !strcmp(id, "CVE-2026-1111") ? "3.0.14-1" : "3.0.15-1~deb12u1";
	return !strcmp(release, "bookworm") ? FEEDS_FIXED : FEEDS_NOT_FIXED;
}

static void test_match(void **state)
{
	struct fixture *fx = *state;
	struct feeds_poll_opts o = { .services = &fx->svc };
	struct feeds_match_opts mo = { .fixed_lookup = fixed_lookup, .services = &fx->svc };
	struct feeds_items_query q = { 0 };
	struct feeds_items l;
	const struct feeds_item *x;
	struct vigie_buf json = VIGIE_BUF_INIT;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	add_fixture_feeds(fx);
	assert_int_equal(vigie_feeds_poll(fx->s, &o, NULL, NULL, &err), 0);
	assert_int_equal(vigie_feeds_items_load(fx->s, &q, &mo, &l, &err), 0);
	assert_int_equal(l.n, 8);
	/* apache2 (source of apache2-bin) and the Apache service on web1 */
	x = item(&l, "DSA-6101 apache2");
	assert_non_null(x);
	assert_int_equal(x->match.n, 2);
	assert_string_equal(x->match.v[0].host, "web1");
	assert_string_equal(x->match.v[0].via, "package");
	assert_string_equal(x->match.v[0].what, "apache2-bin");
	assert_string_equal(x->match.v[0].source_version, "2.4.62-1~deb12u2");
	/* no CVE: the advisory answers */
	assert_int_equal(x->match.v[0].fixed, 0);
	assert_string_equal(x->match.v[0].fixed_version, "2.4.62-1~deb12u3");
	assert_string_equal(x->match.v[1].via, "service");
	assert_string_equal(x->match.v[1].what, "Apache HTTP Server");
	assert_int_equal(x->match.v[1].fixed, -1);
	/* openssl: both hosts with libssl3 (package and service), fix state
	 * from the hook per release; the highest fixed version is shown */
	x = item(&l, "DSA-6100-2");
	assert_int_equal(x->match.n, 4);
	assert_string_equal(x->match.v[0].host, "fr1");
	assert_string_equal(x->match.v[0].via, "package");
	assert_int_equal(x->match.v[0].fixed, 0);
	assert_string_equal(x->match.v[0].fixed_version, "3.0.15-1~deb12u1");
	assert_string_equal(x->match.v[1].host, "fr1");
	assert_string_equal(x->match.v[1].what, "OpenSSL");
	assert_string_equal(x->match.v[2].host, "web1");
	assert_int_equal(x->match.v[2].fixed, 1);
	/* nncp: nobody */
	assert_int_equal(item(&l, "DSA-6099-1")->match.n, 0);
	/* postgresql-15 binary name */
	x = item(&l, "DSA-6098-1");
	assert_int_equal(x->match.n, 1);
	assert_string_equal(x->match.v[0].host, "db1");
	assert_int_equal(x->match.v[0].fixed, -1);
	/* samba named in a French title: fr1 recorded it as "samba" */
	x = item(&l, "Mise");
	assert_int_equal(x->match.n, 1);
	assert_string_equal(x->match.v[0].host, "fr1");
	assert_string_equal(x->match.v[0].what, "samba");
	assert_int_equal(vigie_feeds_items_json(&json, &l, &err), 0);
	assert_non_null(strstr(json.data, "\"schema\": \"vigie.feeds/1\""));
	assert_non_null(strstr(json.data, "\"fixed\": true"));
	assert_non_null(strstr(json.data, "\"installed\": \"2.4.62-1~deb12u2\",\n"
					  "          \"fixed_version\": \"2.4.62-1~deb12u3\""));
	assert_non_null(strstr(json.data, "\"Apache HTTP Server\""));
	vigie_buf_release(&json);
	vigie_feeds_items_release(&l);
	/* --host filter */
	q.host = "db1";
	assert_int_equal(vigie_feeds_items_load(fx->s, &q, &mo, &l, &err), 0);
	assert_int_equal(l.n, 1);
	vigie_feeds_items_release(&l);
	/* --since after first_seen: nothing */
	q.host = NULL;
	assert_int_equal(vigie_time_parse(&q.since, "2026-11-28", 0), 0);
	assert_int_equal(vigie_feeds_items_load(fx->s, &q, &mo, &l, &err), 0);
	assert_int_equal(l.n, 0);
	vigie_feeds_items_release(&l);
}

static void test_coverage(void **state)
{
	struct fixture *fx = *state;
	struct vigie_feeds_coverage c;
	struct vigie_buf json = VIGIE_BUF_INIT;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	add_fixture_feeds(fx);
	assert_int_equal(vigie_store_feed_add(fx->s, "https://pg.example/news.rss", "pg",
					"postgres", &err), 0);
	assert_int_equal(vigie_feeds_coverage(fx->s, &fx->svc, &c, &err), 0);
	assert_int_equal(c.n, 6);
	/* custom-app has no package and no feed; samba has no package on fr1 */
	assert_int_equal(c.uncovered, 2);
	assert_string_equal(c.v[0].host, "db1");
	assert_string_equal(c.v[0].service, "custom-app");
	assert_string_equal(c.v[0].origin, "manual");
	assert_string_equal(c.v[1].host, "fr1");
	assert_string_equal(c.v[1].service, "samba");
	assert_int_equal(c.v[0].feeds.n, 0);
	/* covered, by host and service: PostgreSQL by dsa (postgresql-15
	 * installed) and pg (alias postgres) */
	assert_string_equal(c.v[2].host, "db1");
	assert_string_equal(c.v[2].service, "PostgreSQL");
	assert_string_equal(c.v[2].origin, "derived");
	assert_int_equal(c.v[2].feeds.n, 2);
	assert_string_equal(c.v[3].host, "fr1");
	assert_string_equal(c.v[3].service, "OpenSSL");
	assert_string_equal(c.v[4].host, "web1");
	assert_string_equal(c.v[4].service, "Apache HTTP Server");
	assert_int_equal(c.v[4].feeds.n, 1);
	assert_string_equal(c.v[4].feeds.v[0], "dsa");
	assert_string_equal(c.v[5].service, "OpenSSL");
	assert_int_equal(vigie_feeds_coverage_json(&json, &c, &err), 0);
	assert_non_null(strstr(json.data, "\"uncovered\": 2"));
	vigie_buf_release(&json);
	vigie_feeds_coverage_release(&c);
}

static void test_alerts(void **state)
{
	struct fixture *fx = *state;
	struct feeds_poll_opts o = { .services = &fx->svc };
	struct feeds_match_opts mo = { .services = &fx->svc };
	struct alerts_config cfg;
	struct feeds_items l;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	add_fixture_feeds(fx);
	{
		/* the same advisories through a second feed (like dsa-long) */
		char url[1100];
		snprintf(url, sizeof(url), "file://%s", test_data("feeds/dsa.rdf"));
		assert_int_equal(vigie_store_feed_add(fx->s, url, "dsa-copy", NULL, &err), 0);
	}
	assert_int_equal(vigie_feeds_poll(fx->s, &o, NULL, NULL, &err), 0);
	assert_int_equal(vigie_alerts_pending(fx->s, &mo, &l, &err), 0);
	/* apache2, openssl, postgresql-15 (each twice), samba */
	assert_int_equal(l.n, 7);
	assert_int_equal(vigie_alerts_count(&l), 4);
	assert_int_equal(vigie_alerts_text(&b, &l), 0);
	assert_non_null(strstr(b.data, "db1\n"));
	assert_true(strstr(b.data, "db1\n") < strstr(b.data, "fr1\n"));
	assert_true(strstr(b.data, "fr1\n") < strstr(b.data, "web1\n"));
	vigie_buf_reset(&b);
	/* one vigie.conf: [sla] is not ours, [alerts] is */
	assert_int_equal(vigie_alerts_config_load(&cfg, test_write("a.conf",
		"[sla]\nto = nobody@example.org\n[alerts]\nto = ops@example.org\r\n"
		"sendmail = dd of=/dev/null status=none\n"), &err), 0);
	assert_string_equal(cfg.to, "ops@example.org");
	assert_string_equal(cfg.from, "vigie");
	assert_int_equal(vigie_alerts_mail(&b, &l, NULL, &cfg, &err), 0);
	assert_non_null(strstr(b.data, "To: ops@example.org\nSubject: vigie: 4 new advisories for 3 hosts\n"));
	assert_non_null(strstr(b.data, "Date: Fri, 27 Nov 2026 09:00:00 +0000\n"));
	assert_int_equal(vigie_alerts_sendmail(&cfg, b.data, b.len, &err), 0);
	assert_int_equal(vigie_alerts_mark_sent(fx->s, &l, &err), 0);
	vigie_feeds_items_release(&l);
	/* sent once */
	assert_int_equal(vigie_alerts_pending(fx->s, &mo, &l, &err), 0);
	assert_int_equal(l.n, 0);
	vigie_feeds_items_release(&l);
	/* a new host with apache2 gets its own alert for the old item */
	add_host(fx, "web2", "bookworm", PKG("apache2", "apache2", "2.4.62-1"), NULL);
	assert_int_equal(vigie_alerts_pending(fx->s, &mo, &l, &err), 0);
	assert_int_equal(l.n, 2); /* through both feeds, shown once */
	assert_int_equal(vigie_alerts_count(&l), 1);
	assert_int_equal(l.v[0].match.n, 2); /* package and service */
	assert_string_equal(l.v[0].match.v[0].host, "web2");
	assert_string_equal(l.v[0].match.v[1].host, "web2");
	vigie_feeds_items_release(&l);
	/* a failing sendmail is an error (no shell: one is asked for) */
	snprintf(cfg.sendmail, sizeof(cfg.sendmail), "sh -c 'cat >/dev/null; exit 3'");
	assert_int_equal(vigie_alerts_sendmail(&cfg, "x", 1, &err), VIGIE_EIO);
	assert_non_null(strstr(err.msg, "'sh' exited with status 3"));
	/* shell syntax in the configured command is refused with its line */
	assert_int_equal(vigie_alerts_config_load(&cfg, test_write("sh.conf",
		"[alerts]\nto = ops@example.org\nsendmail = cat >/dev/null\n"), &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "'>' is shell syntax"));
	vigie_buf_release(&b);
}

/* The security-data lookup against rows stored as the importers store
 * them; expectations follow dpkg's order, computed by hand. */
static void test_secdata(void **state)
{
	static const struct store_tracker_row tr[] = {
		{ "bookworm", "openssl", "CVE-2026-1111", "resolved", "3.0.15-1~deb12u1",
		  "medium", NULL, NULL, 0, NULL },
		{ "bookworm", "openssl", "CVE-2026-2222", "open", NULL, "low", NULL, NULL, 0, NULL },
		{ "bookworm", "openssl", "CVE-2026-3333", "undetermined", NULL, NULL, NULL, NULL,
		  0, NULL },
		{ "bookworm", "openssl", "CVE-2026-4444", "resolved", "0", NULL, NULL, NULL, 0,
		  NULL },
	};
	static const struct store_advisory adv[] = {
		{ "DSA-6101-1", "DSA", "2026-11-20", "apache2 - security update", "apache2" },
		{ "DSA-6101-2", "DSA", "2026-11-22", "apache2 - regression update", "apache2" },
		{ "DSA-6102-1", "DSA", "2026-11-23", "nginx - security update", "nginx" },
	};
	static const struct store_advisory_fix fix[] = {
		{ "DSA-6101-1", NULL, "bookworm", "apache2", "2.4.62-1~deb12u3", "fixed", NULL, NULL, NULL },
		{ "DSA-6101-2", NULL, "bookworm", "apache2", "2.4.62-1~deb12u4", "fixed", NULL, NULL, NULL },
		{ "DSA-6101-1", NULL, "bullseye", "apache2", "2.4.62-1~deb11u1", "fixed", NULL, NULL, NULL },
		{ "DSA-6102-1", NULL, "bookworm", "nginx", NULL, "not-affected", NULL, NULL, NULL },
	};
	static const struct {
		const char *release, *source, *installed, *id;
		int want;
		const char *fv;
	} cases[] = {
		{ "bookworm", "openssl", "3.0.15-1~deb12u1", "CVE-2026-1111", FEEDS_FIXED,
		  "3.0.15-1~deb12u1" },
		{ "bookworm", "openssl", "3.0.15-1~deb12u2", "CVE-2026-1111", FEEDS_FIXED,
		  "3.0.15-1~deb12u1" },
		{ "bookworm", "openssl", "3.0.15-1~deb12u1~1", "CVE-2026-1111", FEEDS_NOT_FIXED,
		  "3.0.15-1~deb12u1" },
		{ "bookworm", "openssl", "3.0.15-1~deb12u1", "CVE-2026-2222", FEEDS_NOT_FIXED, NULL },
		{ "bookworm", "openssl", "3.0.15-1~deb12u1", "CVE-2026-3333", FEEDS_FIXED_UNKNOWN,
		  NULL },
		{ "bookworm", "openssl", "1.0", "CVE-2026-4444", FEEDS_FIXED, "0" },
		{ "bookworm", "openssl", "3.0.15-1~deb12u1", "CVE-2026-9999", FEEDS_FIXED_UNKNOWN,
		  NULL },
		{ "bookworm", "libssl3", "3.0.15-1~deb12u1", "CVE-2026-1111", FEEDS_FIXED_UNKNOWN,
		  NULL },
		{ "bullseye", "openssl", "1.1.1w-0+deb11u1", "CVE-2026-1111", FEEDS_FIXED_UNKNOWN,
		  NULL },
		{ NULL, "openssl", "3.0.15-1~deb12u1", "CVE-2026-1111", FEEDS_FIXED_UNKNOWN, NULL },
		{ "bookworm", "apache2", "2.4.62-1~deb12u3", "DSA-6101-1", FEEDS_FIXED,
		  "2.4.62-1~deb12u3" },
		{ "bookworm", "apache2", "2.4.62-1~deb12u3", "DSA-6101-2", FEEDS_NOT_FIXED,
		  "2.4.62-1~deb12u4" },
		/* without its revision: the highest */
		{ "bookworm", "apache2", "2.4.62-1~deb12u3", "DSA-6101", FEEDS_NOT_FIXED,
		  "2.4.62-1~deb12u4" },
		{ "bullseye", "apache2", "2.4.62-1~deb11u1", "DSA-6101", FEEDS_FIXED,
		  "2.4.62-1~deb11u1" },
		{ "bookworm", "apache2", "2.4.62-1~deb12u9", "DSA-6101-3", FEEDS_FIXED_UNKNOWN,
		  NULL },
		{ "bookworm", "nginx", "1.22.1-9", "DSA-6102-1", FEEDS_FIXED, "0" },
		{ "bookworm", "apache2", "not a version", "DSA-6101-1", FEEDS_FIXED_UNKNOWN,
		  "2.4.62-1~deb12u3" },
		{ "trixie", "apache2", "2.4.62-1", "DSA-6101-1", FEEDS_FIXED_UNKNOWN, NULL },
	};
	struct fixture *fx = *state;
	struct feeds_secdata *sd;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_store_begin(fx->s, &err), 0);
	assert_int_equal(vigie_store_tracker_clear(fx->s, &err), 0);
	for (size_t i = 0; i < sizeof(tr) / sizeof(tr[0]); i++)
		assert_int_equal(vigie_store_tracker_put(fx->s, &tr[i], &err), 0);
	assert_int_equal(vigie_store_tracker_finish(fx->s, NULL, &err), 0);
	for (size_t i = 0; i < sizeof(adv) / sizeof(adv[0]); i++)
		assert_int_equal(vigie_store_advisory_put(fx->s, &adv[i], &err), 0);
	for (size_t i = 0; i < sizeof(fix) / sizeof(fix[0]); i++)
		assert_int_equal(vigie_store_advisory_fix_put(fx->s, &fix[i], &err), 0);
	assert_int_equal(vigie_store_commit(fx->s, &err), 0);
	assert_int_equal(vigie_feeds_secdata_new(&sd, fx->s), 0);
	/* twice: the second round answers from the cached indexes */
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const char *fv = "unset";
			int r = vigie_feeds_secdata_fixed(sd, cases[i].release, cases[i].source,
						    cases[i].installed, cases[i].id, &fv, &err);
			if (r != cases[i].want ||
			    (cases[i].fv ? !fv || strcmp(fv, cases[i].fv) : fv != NULL))
				fail_msg("case %zu (%s %s %s): got %d '%s'", i, cases[i].source,
					 cases[i].installed, cases[i].id, r, fv ? fv : "(null)");
		}
	vigie_feeds_secdata_free(sd);
	vigie_feeds_secdata_free(NULL);
}

/* [alerts] from the file $VIGIE_CONFIG names; built-in defaults without
 * a file; a named file that is missing is an error. */
static void test_alerts_config(void **state)
{
	struct alerts_config cfg;
	struct vigie_error err;
	const char *path;
	(void)state;
	memset(&err, 0, sizeof(err));
	path = test_write("vigie.conf", "[sla]\ncritical = 2\n\n[alerts]\n"
					"# mail\nto = sec@example.org\nwebhook = https://h.example/x\n");
	setenv("VIGIE_CONFIG", path, 1);
	assert_int_equal(vigie_alerts_config_load(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.to, "sec@example.org");
	assert_string_equal(cfg.webhook, "https://h.example/x");
	assert_string_equal(cfg.sendmail, "/usr/sbin/sendmail -t -i");
	assert_string_equal(cfg.origin, path);
	setenv("VIGIE_CONFIG", "/nonexistent/vigie.conf", 1);
	assert_int_equal(vigie_alerts_config_load(&cfg, NULL, &err), VIGIE_EIO);
	unsetenv("VIGIE_CONFIG");
	/* an explicit file wins over $VIGIE_CONFIG */
	setenv("VIGIE_CONFIG", "/nonexistent/vigie.conf", 1);
	assert_int_equal(vigie_alerts_config_load(&cfg, path, &err), 0);
	unsetenv("VIGIE_CONFIG");
	if (access("/etc/vigie/vigie.conf", R_OK) != 0) {
		assert_int_equal(vigie_alerts_config_load(&cfg, NULL, &err), 0);
		assert_string_equal(cfg.from, "vigie");
		assert_string_equal(cfg.to, "");
		assert_string_equal(cfg.origin, "");
	}
	/* the shipped vigie.conf holds both sections */
	{
		char shipped[4096];
		snprintf(shipped, sizeof(shipped), "%s/data/vigie.conf",
			 getenv("VIGIE_SRCDIR") ? getenv("VIGIE_SRCDIR") : ".");
		assert_int_equal(vigie_alerts_config_load(&cfg, shipped, &err), 0);
		assert_string_equal(cfg.sendmail, "/usr/sbin/sendmail -t -i");
		assert_string_equal(cfg.from, "vigie");
	}
	path = test_write("bad.conf", "[alerts]\nno equals sign\n");
	assert_int_equal(vigie_alerts_config_load(&cfg, path, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_poll_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_no_downgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coverage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secdata, setup, teardown),
		cmocka_unit_test(test_alerts_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
