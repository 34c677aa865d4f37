/* The store contract: the same cases against every driver. Run as
 * store/sqlite (a file in a temporary directory) and store/postgresql
 * (VIGIE_TEST_DRIVER=pg: a fresh database in the test cluster started by
 * tests/pg/cluster.sh; skipped when there is none). */
#include "testutil.h"
#include "vigie/store/store.h"
#include "vigie/store/decisions.h"
#include "vigie/store/driver.h"
#include "vigie/store/service.h"
#include "store/store_internal.h" /* SQL behind vigie's back */
#include "vigie/debian/inventory.h"
#include "vigie/core/util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int pg;              /* running on the PostgreSQL driver */
static char pg_url[512];    /* postgresql://vigie@127.0.0.1:PORT */
static char url[600];       /* this case's database */
static int ncase;

/* A fresh empty database for each case. */
static void fresh_db(void)
{
	ncase++;
	if (pg) {
		char name[64];
		snprintf(name, sizeof(name), "contract_%d", ncase);
		assert_int_equal(test_system("PGOPTIONS='-c client_min_messages=warning' psql -X -q '%s/postgres' -c 'DROP DATABASE IF EXISTS %s'"
					     " -c 'CREATE DATABASE %s' >/dev/null", pg_url, name, name), 0);
		snprintf(url, sizeof(url), "%s/%s", pg_url, name);
	} else {
		snprintf(url, sizeof(url), "%s/contract_%d.db", test_tmpdir(), ncase);
	}
}

static struct vigie_store *open_store(int flags)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	vigie_error_init(&err);
	if (vigie_store_open(&s, url, flags, &err))
		fail_msg("open %s: %s", url, err.msg);
	return s;
}

static void put_rows(struct vigie_store *s, const char *fixed, int n)
{
	struct vigie_error err;
	char vuln[32];
	vigie_error_init(&err);
	assert_int_equal(vigie_store_tracker_clear(s, &err), 0);
	for (int i = 0; i < n; i++) {
		struct store_tracker_row r = { "bookworm", "openssl", vuln, "resolved",
					       fixed, "low", NULL, NULL, 0, NULL };
		snprintf(vuln, sizeof(vuln), "CVE-2026-%05d", i);
		assert_int_equal(vigie_store_tracker_put(s, &r, &err), 0);
	}
	assert_int_equal(vigie_store_tracker_finish(s, NULL, &err), 0);
}

struct collect {
	int n;
	char first_fixed[64];
	char all[4096];
};

static int collect_cb(void *ud, const struct store_tracker_row *r)
{
	struct collect *c = ud;
	if (!c->n)
		snprintf(c->first_fixed, sizeof(c->first_fixed), "%s",
			 r->fixed_version ? r->fixed_version : "(null)");
	size_t len = strlen(c->all);
	snprintf(c->all + len, sizeof(c->all) - len, "%s|%s|%s;", r->source, r->vuln,
		 r->fixed_version ? r->fixed_version : "(null)");
	c->n++;
	return 0;
}

static struct collect read_rows(struct vigie_store *s, const char *source)
{
	struct collect c;
	struct vigie_error err;
	memset(&c, 0, sizeof(c));
	vigie_error_init(&err);
	if (source)
		assert_int_equal(vigie_store_tracker_for_source(s, "bookworm", source,
								collect_cb, &c, &err), 0);
	else
		assert_int_equal(vigie_store_tracker_each(s, "bookworm", collect_cb, &c, &err), 0);
	return c;
}

static void commit_rows(const char *fixed, int n)
{
	struct vigie_store *s = open_store(0);
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	put_rows(s, fixed, n);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	vigie_store_close(s);
}

/* ---- cases ---- */
/* ---- the re-judgement's reads and writes (lib/store/store_digests.c) ---- */
struct held {
	char all[512];
};

static int held_cb(void *ud, int64_t host_id, const char *source)
{
	struct held *h = ud;
	size_t len = strlen(h->all);
	snprintf(h->all + len, sizeof(h->all) - len, "%lld:%s;", (long long)host_id, source);
	return 0;
}

static int digest_cb(void *ud, const char *source, const char *digest)
{
	struct held *h = ud;
	size_t len = strlen(h->all);
	snprintf(h->all + len, sizeof(h->all) - len, "%s=%s;", source, digest);
	return 0;
}

static void put_host(struct vigie_store *s, const char *name, const char *release,
		     struct inventory_pkg *pkgs, size_t n, int64_t *id)
{
	struct vigie_error err;
	struct inventory inv;
	vigie_error_init(&err);
	vigie_inventory_init(&inv);
	inv.host = name;
	inv.release = release;
	inv.pkgs = pkgs;
	inv.npkgs = n;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", id, &err), 0);
}

static void test_rejudge_reads(void **state)
{
	struct inventory_pkg p1[] = {
		{ "curl", "amd64", "7.1-1", "curl", "7.1-1", "installed", 0 },
		{ "linux-image-6.1.0-9-amd64", "amd64", "6.1.80+1", "linux-signed-amd64",
		  "6.1.80+1", "installed", 0 },
		{ "zlib1g", "amd64", "1.1-1", "zlib", "1.1-1", "installed", 0 },
	};
	struct inventory_pkg p2[] = {
		{ "zlib1g", "amd64", "1.1-1", "zlib", "1.1-1", "installed", 0 },
	};
	struct vigie_store *s;
	struct vigie_error err;
	struct vigie_arena A;
	struct store_host_summary sum;
	struct inventory part;
	struct held h;
	const char *v;
	const char *const want_zlib[] = { "zlib" }, *const want_linux[] = { "linux" };
	int64_t a, b, c;
	long n;
	(void)state;
	fresh_db();
	vigie_error_init(&err);
	vigie_arena_init(&A);
	s = open_store(0);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	put_host(s, "a", "bookworm", p1, 3, &a);
	put_host(s, "b", "bookworm", p2, 1, &b);
	put_host(s, "c", "bullseye", p1, 3, &c);
	/* the holders of a release only, once per (host, source as stored) */
	memset(&h, 0, sizeof(h));
	assert_int_equal(vigie_store_hosts_holding(s, "bookworm", want_zlib, 1, 0, held_cb, &h,
						   &err), 0);
	char expect[128];
	snprintf(expect, sizeof(expect), "%lld:zlib;%lld:zlib;", (long long)a, (long long)b);
	assert_string_equal(h.all, expect);
	/* the kernel: linux-signed-* packages are the linux source's */
	memset(&h, 0, sizeof(h));
	assert_int_equal(vigie_store_hosts_holding(s, "bullseye", want_linux, 1, 1, held_cb, &h,
						   &err), 0);
	snprintf(expect, sizeof(expect), "%lld:linux-signed-amd64;", (long long)c);
	assert_string_equal(h.all, expect);
	memset(&h, 0, sizeof(h));
	assert_int_equal(vigie_store_hosts_holding(s, "bullseye", want_linux, 1, 0, held_cb, &h,
						   &err), 0);
	assert_string_equal(h.all, "");
	/* a host's packages of some sources */
	assert_int_equal(vigie_store_host_load_sources(s, "a", want_zlib, 1, &part, &err), 0);
	assert_int_equal(part.npkgs, 1);
	assert_string_equal(part.pkgs[0].name, "zlib1g");
	vigie_inventory_release(&part);
	/* summaries on one basis move to another, judged ones only */
	memset(&sum, 0, sizeof(sum));
	sum.computed_at = 10;
	sum.verdict = "judged";
	sum.basis = "B0";
	assert_int_equal(vigie_store_host_summary_put(s, a, &sum, &err), 0);
	assert_int_equal(vigie_store_host_summary_put(s, b, &sum, &err), 0);
	sum.verdict = "undetermined";
	assert_int_equal(vigie_store_host_summary_put(s, c, &sum, &err), 0);
	assert_int_equal(vigie_store_host_summaries_rebase(s, "B0", "B1", 20, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(vigie_store_host_summaries_rebase(s, "B0", "B1", 20, &n, &err), 0);
	assert_int_equal(n, 0);
	/* digests per release, set, replaced and forgotten; meta keys */
	assert_int_equal(vigie_store_source_digest_set(s, "bookworm", "zlib", "d1", &err), 0);
	assert_int_equal(vigie_store_source_digest_set(s, "bookworm", "curl", "d2", &err), 0);
	assert_int_equal(vigie_store_source_digest_set(s, "bookworm", "zlib", "d3", &err), 0);
	assert_int_equal(vigie_store_source_digest_set(s, "bullseye", "zlib", "d4", &err), 0);
	assert_int_equal(vigie_store_source_digest_set(s, "bookworm", "curl", NULL, &err), 0);
	memset(&h, 0, sizeof(h));
	assert_int_equal(vigie_store_source_digests_each(s, "bookworm", digest_cb, &h, &err), 0);
	assert_string_equal(h.all, "zlib=d3;");
	assert_int_equal(vigie_store_meta_set(s, "digests_basis bookworm", "B1", &err), 0);
	assert_int_equal(vigie_store_meta_set(s, "digests_basis bookworm", "B2", &err), 0);
	assert_int_equal(vigie_store_meta_get(s, "digests_basis bookworm", &A, &v, &err), 0);
	assert_string_equal(v, "B2");
	assert_int_equal(vigie_store_meta_set(s, "digests_basis bookworm", NULL, &err), 0);
	assert_int_equal(vigie_store_meta_get(s, "digests_basis bookworm", &A, &v, &err), 0);
	assert_null(v);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	vigie_store_close(s);
	vigie_arena_release(&A);
}


static void test_open_and_schema(void **state)
{
	struct vigie_store *s;
	int v;
	(void)state;
	fresh_db();
	s = open_store(0);
	v = vigie_store_schema_version(s);
	assert_true(v >= 2);
	assert_string_equal(vigie_store_driver_name(s), pg ? "postgresql" : "sqlite");
	vigie_store_close(s);
	/* a second open migrates nothing and reads the same version */
	s = open_store(STORE_READONLY);
	assert_int_equal(vigie_store_schema_version(s), v);
	vigie_store_close(s);
}

/* Caches kept outside the database tell two databases apart. */
static void test_identity(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	char a[512], b[512], c[512], tiny[4];
	(void)state;
	vigie_error_init(&err);
	fresh_db();
	s = open_store(0);
	assert_int_equal(vigie_store_identity(s, a, sizeof(a), &err), 0);
	assert_true(strlen(a) > 7);
	assert_null(strstr(a, "password"));
	assert_int_equal(vigie_store_identity(s, tiny, sizeof(tiny), &err), VIGIE_EUSAGE);
	vigie_store_close(s);
	s = open_store(STORE_READONLY);
	assert_int_equal(vigie_store_identity(s, b, sizeof(b), &err), 0);
	assert_string_equal(a, b);
	vigie_store_close(s);
	fresh_db();
	s = open_store(0);
	assert_int_equal(vigie_store_identity(s, c, sizeof(c), &err), 0);
	assert_string_not_equal(a, c);
	vigie_store_close(s);
}

static void test_transactions(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct store_source src = { .name = "tracker-json", .location = "/x", .imported_at = 1,
				     .data_date = 2, .rows = 3, .etag = "etag" };
	char *etag = NULL, *lm = NULL;
	(void)state;
	fresh_db();
	vigie_error_init(&err);
	s = open_store(0);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_source_put(s, &src, &err), 0);
	vigie_store_rollback(s);
	assert_int_equal(vigie_store_source_validators(s, "tracker-json", &etag, &lm, &err),
			 VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_not_equal(vigie_store_begin(s, &err), 0); /* not nested */
	assert_int_equal(vigie_store_source_put(s, &src, &err), 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	assert_int_equal(vigie_store_source_validators(s, "tracker-json", &etag, &lm, &err), 0);
	assert_string_equal(etag, "etag");
	assert_null(lm);
	free(etag);
	vigie_store_close(s);
}

/* Rows with the same key are skipped (first wins) and counted; text with
 * tabs, newlines, backslashes and UTF-8 comes back as it went in (tracker
 * rows and issues, both through the bulk path); text sorts byte by byte
 * on every driver. */
static void test_bulk_and_order(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	int64_t skipped = -1;
	struct collect c;
	struct vigie_arena mem;
	struct store_vuln got;
	static const struct store_vuln vulns[] = {
		{ "CVE-1", "tab\there,\\ back\\slash\nnewline\r\n \\N \xc3\xa9t\xc3\xa9",
		  "remote", 987654 },
		{ "CVE-2", NULL, NULL, 0 },
		{ "CVE-1", "second: skipped", NULL, 1 },
	};
	static const struct store_tracker_row rows[] = {
		{ "bookworm", "zlib", "CVE-1", "resolved", "1:1.2\t3\\n", NULL, NULL, NULL, 0, NULL },
		{ "bookworm", "Zlib", "CVE-1", "open", NULL, NULL, NULL, NULL, 0, NULL },
		{ "bookworm", "zlib", "CVE-1", "open", "first-wins", NULL, NULL, NULL, 0, NULL },
		{ "bookworm", "\xc3\xa9tude", "CVE-2", "resolved", "a\nb", NULL, NULL, NULL, 1, NULL },
		{ "bookworm", "apache2", "CVE-3", "resolved", "2.4.56-1~deb11u2", NULL, NULL, NULL, 0, NULL },
	};
	(void)state;
	fresh_db();
	vigie_error_init(&err);
	s = open_store(0);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_tracker_clear(s, &err), 0);
	assert_int_equal(vigie_store_tracker_put_batch(s, rows, 5, &err), 0);
	assert_int_equal(vigie_store_tracker_vulns_put(s, vulns, 3, &err), 0);
	assert_int_equal(vigie_store_tracker_finish(s, &skipped, &err), 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	assert_int_equal(skipped, 1);
	vigie_arena_init(&mem);
	assert_int_equal(vigie_store_vuln_get(s, "CVE-1", &mem, &got, &err), 0);
	assert_string_equal(got.description, vulns[0].description);
	assert_string_equal(got.scope, "remote");
	assert_int_equal(got.debianbug, 987654);
	assert_int_equal(vigie_store_vuln_get(s, "CVE-2", &mem, &got, &err), 0);
	assert_null(got.description);
	assert_null(got.scope);
	assert_int_equal(got.debianbug, 0);
	vigie_arena_release(&mem);
	assert_int_equal(vigie_store_count(s, "vulns", &err), 2);
	c = read_rows(s, NULL);
	assert_int_equal(c.n, 4);
	/* "Z" (0x5a) < "a" (0x61) < "z" < "é" (0xc3 0xa9) */
	assert_string_equal(c.all, "Zlib|CVE-1|(null);apache2|CVE-3|2.4.56-1~deb11u2;"
				   "zlib|CVE-1|1:1.2\t3\\n;\xc3\xa9tude|CVE-2|a\nb;");
	assert_int_equal(vigie_store_count(s, "tracker", &err), 4);
	vigie_store_close(s);
}

/* A reader sees the last committed data while a writer rewrites it, and
 * the new data once it commits. */
static void test_reader_during_write(void **state)
{
	struct vigie_store *w, *r;
	struct vigie_error err;
	struct collect c;
	(void)state;
	fresh_db();
	vigie_error_init(&err);
	commit_rows("1.0-1", 50);
	w = open_store(0);
	r = open_store(STORE_READONLY);
	assert_int_equal(vigie_store_begin(w, &err), 0);
	put_rows(w, "2.0-1", 80);
	c = read_rows(r, NULL);
	assert_int_equal(c.n, 50);
	assert_string_equal(c.first_fixed, "1.0-1");
	assert_int_equal(vigie_store_commit(w, &err), 0);
	c = read_rows(r, NULL);
	assert_int_equal(c.n, 80);
	assert_string_equal(c.first_fixed, "2.0-1");
	/* a read transaction keeps one snapshot across statements */
	assert_int_equal(vigie_store_read_begin(r), 1);
	c = read_rows(r, "openssl");
	assert_int_equal(c.n, 80);
	commit_rows("3.0-1", 10);
	c = read_rows(r, "openssl");
	assert_int_equal(c.n, 80);
	vigie_store_read_end(r);
	c = read_rows(r, "openssl");
	assert_int_equal(c.n, 10);
	vigie_store_close(w);
	vigie_store_close(r);
}

/* A writer killed with SIGKILL in the middle of an import (rows queued,
 * and rows already sent to the engine) leaves the previous data exactly
 * as it was. */
static void test_kill_during_import(void **state)
{
	(void)state;
	for (int stage = 0; stage < 2; stage++) {
		struct vigie_store *s;
		struct collect c;
		pid_t pid;
		int status;
		fresh_db();
		commit_rows("1.0-1", 40);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct vigie_error err;
			struct vigie_store *k = NULL;
			vigie_error_init(&err);
			if (vigie_store_open(&k, url, 0, &err) || vigie_store_begin(k, &err))
				_exit(3);
			if (vigie_store_tracker_clear(k, &err))
				_exit(4);
			for (int i = 0; i < 5000; i++) {
				char vuln[32];
				struct store_tracker_row r = { "bookworm", "openssl", vuln, "open",
							       NULL, NULL, NULL, NULL, 0, NULL };
				snprintf(vuln, sizeof(vuln), "CVE-2027-%05d", i);
				if (vigie_store_tracker_put(k, &r, &err))
					_exit(5);
			}
			if (stage == 1 && vigie_store_tracker_finish(k, NULL, &err))
				_exit(6);
			raise(SIGKILL);
			_exit(7);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		s = open_store(0);
		c = read_rows(s, NULL);
		assert_int_equal(c.n, 40);
		assert_string_equal(c.first_fixed, "1.0-1");
		vigie_store_close(s);
	}
}

/* Bad URLs: a clear error naming where, never a password. */
static void test_bad_urls(void **state)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_store_open(&s, "mysql://x/y", 0, &err), VIGIE_EUSAGE);
	assert_null(s);
	assert_non_null(strstr(err.msg, "unknown database URL scheme"));
	vigie_error_init(&err);
	assert_int_equal(vigie_store_open(&s, "postgresql://vigie:s3cr3t@127.0.0.1:1/nodb", 0, &err),
			 VIGIE_EDB);
	assert_null(s);
	assert_non_null(strstr(err.file, "127.0.0.1:1"));
	assert_non_null(strstr(err.msg, "cannot connect to PostgreSQL"));
	assert_null(strstr(err.msg, "s3cr3t"));
	assert_null(strstr(err.file, "s3cr3t"));
	/* a directory where the SQLite file should be */
	vigie_error_init(&err);
	assert_int_not_equal(vigie_store_open(&s, test_tmpdir(), 0, &err), 0);
	assert_null(s);
}

/* The server goes away in the middle of a write: a clear error at commit,
 * and the previous data stays. */
static void test_server_gone(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct collect c;
	(void)state;
	if (!pg)
		skip(); /* an embedded engine has no server to lose */
	fresh_db();
	vigie_error_init(&err);
	commit_rows("1.0-1", 20);
	s = open_store(0);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	put_rows(s, "9.9-9", 30);
	assert_int_equal(test_system("psql -X -q -t '%s' -c \"SELECT pg_terminate_backend(pid)"
				     " FROM pg_stat_activity WHERE application_name = 'vigie'"
				     " AND datname = current_database() AND pid <> pg_backend_pid()\""
				     " >/dev/null", url), 0);
	assert_int_equal(vigie_store_commit(s, &err), VIGIE_EDB);
	assert_true(strlen(err.msg) > 10);
	vigie_store_close(s);
	s = open_store(0);
	c = read_rows(s, NULL);
	assert_int_equal(c.n, 20);
	assert_string_equal(c.first_fixed, "1.0-1");
	vigie_store_close(s);
}

/* A database written by the previous release (schema 1, version in PRAGMA
 * user_version only) opens, migrates in place and keeps its data. */
static void test_migrate_previous_release(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct collect c;
	const char *dump = test_data("store/v1.sql");
	(void)state;
	if (pg)
		skip(); /* the previous release had no PostgreSQL driver */
	fresh_db();
	vigie_error_init(&err);
	assert_int_equal(test_system("python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
				     " c.executescript(open(sys.argv[2]).read()); c.commit()' '%s' '%s'",
				     url, dump), 0);
	s = open_store(0);
	assert_true(vigie_store_schema_version(s) >= 3);
	c = read_rows(s, "apache2");
	assert_true(c.n >= 1);
	assert_true(vigie_store_count(s, "hosts", &err) >= 1);
	vigie_store_close(s);
	s = open_store(STORE_READONLY);
	assert_true(vigie_store_schema_version(s) >= 3);
	vigie_store_close(s);
}

/* Written decisions: stored with who, when, why; revoked ones kept but
 * left out of the list in force; an import of tracker rows leaves them. */
static void test_decisions(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct vigie_decisions d;
	struct vigie_decision a = { 0 }, b = { 0 };
	int64_t id1 = 0, id2 = 0;
	(void)state;
	fresh_db();
	s = open_store(0);
	vigie_error_init(&err);
	a.cve = "CVE-2024-1086";
	a.host = "web1";
	a.status = "not_affected";
	a.justification = "vulnerable_code_not_in_execute_path";
	a.reason = "nf_tables is blacklisted \xc3\xa9";
	a.by = "alice";
	a.at = 1764234000;
	a.expires = 1767225600;
	assert_int_equal(vigie_store_decision_add(s, &a, &id1, &err), 0);
	b = a;
	b.host = NULL;
	b.justification = NULL;
	b.status = "affected";
	b.expires = 0;
	assert_int_equal(vigie_store_decision_add(s, &b, &id2, &err), 0);
	assert_true(id2 > id1 && id1 > 0);
	b.reason = NULL;
	assert_int_equal(vigie_store_decision_add(s, &b, &id2, &err), VIGIE_EUSAGE);
	commit_rows("1.0-1", 3);
	vigie_decisions_init(&d);
	assert_int_equal(vigie_store_decisions_load(s, 0, &d, &err), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].host, "web1");
	assert_string_equal(d.v[0].reason, a.reason);
	assert_string_equal(d.v[0].justification, a.justification);
	assert_true(d.v[0].at == a.at && d.v[0].expires == a.expires && !d.v[0].revoked);
	assert_null(d.v[1].host);
	assert_null(d.v[1].justification);
	assert_int_equal(d.v[1].expires, 0);
	vigie_decisions_release(&d);
	assert_int_equal(vigie_store_decision_revoke(s, id1, 1764300000, "bob", &err), 0);
	assert_int_equal(vigie_store_decision_revoke(s, id1, 1764300000, "bob", &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_decision_revoke(s, 9999, 1764300000, NULL, &err), VIGIE_ENOTFOUND);
	vigie_decisions_init(&d);
	assert_int_equal(vigie_store_decisions_load(s, 0, &d, &err), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].id, id2);
	vigie_decisions_release(&d);
	vigie_decisions_init(&d);
	assert_int_equal(vigie_store_decisions_load(s, 1, &d, &err), 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.v[0].revoked, 1764300000);
	assert_string_equal(d.v[0].revoked_by, "bob");
	vigie_decisions_release(&d);
	vigie_store_close(s);
}

struct src_seen {
	int found, has_prev, prev_kept;
	long rows, prev_rows;
	int64_t rolled_back_at;
};

static int src_cb(void *ud, const struct store_source *src)
{
	struct src_seen *c = ud;
	if (strcmp(src->name, "tracker-json"))
		return 0;
	c->found = 1;
	c->rows = src->rows;
	c->has_prev = src->has_prev;
	c->prev_rows = src->prev_rows;
	c->prev_kept = src->prev_kept;
	c->rolled_back_at = src->rolled_back_at;
	return 0;
}

static struct src_seen seen(struct vigie_store *s)
{
	struct src_seen c;
	struct vigie_error err;
	memset(&c, 0, sizeof(c));
	vigie_error_init(&err);
	assert_int_equal(vigie_store_sources_each(s, src_cb, &c, &err), 0);
	assert_true(c.found);
	return c;
}

static void import_rows(struct vigie_store *s, const char *fixed, int n, int keep)
{
	struct vigie_error err;
	struct store_source src = { .name = "tracker-json", .location = fixed,
				    .imported_at = 100 + n, .rows = n };
	vigie_error_init(&err);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	if (keep)
		put_rows(s, fixed, n);
	assert_int_equal(vigie_store_source_put(s, &src, &err), 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
}

/* The previous import: counts moved by a new import (not by an amend),
 * rows kept by the import's clear and put back by a rollback, once. */
static void test_previous_import(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct store_rolled_back *rb = NULL;
	size_t nrb = 0;
	const char *bad[] = { "tracker-json", "no-such" };
	struct store_source amend = { .name = "tracker-json", .location = "url",
				      .imported_at = 200, .rows = 3, .amend = 1 };
	struct src_seen c;
	(void)state;
	fresh_db();
	vigie_error_init(&err);
	s = open_store(0);
	vigie_store_allow_shrink(s, 1);
	import_rows(s, "1.0", 5, 1);
	c = seen(s);
	assert_false(c.has_prev);
	assert_int_equal(vigie_store_sources_roll_back(s, NULL, 0, &rb, &nrb, &err), VIGIE_ENOTFOUND);
	import_rows(s, "2.0", 3, 1);
	assert_int_equal(vigie_store_source_put(s, &amend, &err), 0);
	c = seen(s);
	assert_int_equal(c.rows, 3);
	assert_true(c.has_prev && c.prev_kept);
	assert_int_equal(c.prev_rows, 5);
	/* an unknown name: nothing changes */
	assert_int_equal(vigie_store_sources_roll_back(s, bad, 2, &rb, &nrb, &err), VIGIE_EUSAGE);
	assert_null(rb);
	assert_int_equal(read_rows(s, NULL).n, 3);
	assert_int_equal(vigie_store_sources_roll_back(s, bad, 1, &rb, &nrb, &err), 0);
	assert_int_equal(nrb, 1);
	assert_string_equal(rb[0].name, "tracker-json");
	assert_int_equal(rb[0].rows, 5);
	assert_int_equal(rb[0].discarded_rows, 3);
	assert_int_equal(rb[0].discarded_imported_at, 200);
	assert_int_equal(rb[0].restored_imported_at, 105);
	free(rb);
	rb = NULL;
	c = seen(s);
	assert_int_equal(c.rows, 5);
	assert_false(c.has_prev);
	assert_true(c.rolled_back_at > 0);
	assert_int_equal(read_rows(s, NULL).n, 5);
	assert_string_equal(read_rows(s, NULL).first_fixed, "1.0");
	assert_int_equal(vigie_store_sources_roll_back(s, bad, 1, &rb, &nrb, &err), VIGIE_ENOTFOUND);
	/* a source recorded without its rows kept: counts only */
	import_rows(s, "x", 4, 0);
	c = seen(s);
	assert_true(c.has_prev);
	assert_false(c.prev_kept);
	assert_int_equal(c.rolled_back_at, 0);
	assert_int_equal(vigie_store_sources_roll_back(s, bad, 1, &rb, &nrb, &err), VIGIE_ENOTFOUND);
	assert_int_equal(read_rows(s, NULL).n, 5);
	vigie_store_close(s);
}

/* A fresh store and an inventory of host h1 on bookworm (no packages;
 * strings the caller's), for the history tests; close_h1 ends them. */
static struct vigie_store *open_h1(struct inventory *inv, struct vigie_error *err)
{
	fresh_db();
	vigie_error_init(err);
	vigie_inventory_init(inv);
	inv->host = "h1";
	inv->release = "bookworm";
	return open_store(0);
}

static void close_h1(struct vigie_store *s, struct inventory *inv)
{
	inv->host = inv->release = NULL;
	inv->pkgs = NULL;
	inv->npkgs = 0;
	vigie_inventory_release(inv);
	vigie_store_close(s);
}

/* Installed and effective times, worked by hand: CVE-A is open at 100,
 * installed at 200 while the kernel awaits a reboot, in effect at the boot
 * time 250 that the inventory at 300 reports, as CVE-B first seen waiting
 * at 200; CVE-E waits from 400 and the inventory at 500 still reports the
 * boot at 250, before its installation: no proof, in effect at 500;
 * CVE-C resolves at 200 by an inventory without process data (unknown);
 * CVE-D resolves at 300 after process data arrived: in effect then. */
struct fh_seen {
	int64_t resolved[5], effective[5];
	int pending[5];
};

static int fh_cb(void *ud, const struct store_history_row *r)
{
	struct fh_seen *c = ud;
	int i = r->cve[4] - 'A';
	if (i >= 0 && i < 5) {
		c->resolved[i] = r->resolved_at;
		c->effective[i] = r->effective_at;
		c->pending[i] = r->restart_pending;
	}
	return 0;
}

static void test_effective_history(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct inventory inv;
	struct store_restart none = { 0, 0, NULL, 0 };
	struct store_finding_fact f1[] = {
		{ "CVE-A", "linux", "6.1.1-1", "6.1.2-1", "critical", "fixed-available", 0 },
		{ "CVE-C", "curl", "7.1-1", "7.2-1", "standard", "fixed-available", 0 },
		{ "CVE-D", "zlib", "1.1-1", "1.2-1", "standard", "fixed-available", 0 },
	};
	struct store_finding_fact f2[] = {
		{ "CVE-A", "linux", "6.1.1-1", "6.1.2-1", "critical", "reboot-required", 1 },
		{ "CVE-B", "linux", "6.1.1-1", "6.1.3-1", "critical", "reboot-required", 1 },
		{ "CVE-D", "zlib", "1.1-1", "1.2-1", "standard", "fixed-available", 0 },
	};
	struct store_finding_fact f4[] = {
		{ "CVE-E", "linux", "6.1.3-1", "6.1.4-1", "critical", "reboot-required", 1 },
	};
	struct fh_seen c;
	int64_t id;
	(void)state;
	s = open_h1(&inv, &err);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 100, 0, f1, 3, &err), 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 200, 0, f2, 3, &err), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_store_finding_history_each(s, NULL, "h1", NULL, 0, fh_cb, &c, &err), 0);
	assert_int_equal(c.resolved[0], 200);
	assert_true(c.pending[0] && !c.effective[0]);
	assert_int_equal(c.resolved[1], 200);
	assert_true(c.pending[1]);
	assert_int_equal(c.resolved[2], 200);
	assert_true(!c.pending[2] && !c.effective[2]); /* unknown */
	assert_int_equal(vigie_store_host_restart_set(s, id, &none, &err), 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 300, 250, NULL, 0, &err), 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_store_finding_history_each(s, NULL, "h1", NULL, 0, fh_cb, &c, &err), 0);
	assert_int_equal(c.effective[0], 250);
	assert_false(c.pending[0]);
	assert_int_equal(c.effective[1], 250);
	assert_int_equal(c.resolved[2], 200);
	assert_int_equal(c.effective[2], 0);
	assert_int_equal(c.resolved[3], 300);
	assert_int_equal(c.effective[3], 300);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 400, 250, f4, 1, &err), 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 500, 250, NULL, 0, &err), 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_store_finding_history_each(s, NULL, "h1", NULL, 0, fh_cb, &c, &err), 0);
	assert_int_equal(c.resolved[4], 400);
	assert_int_equal(c.effective[4], 500);
	/* one CVE across the hosts (through each host's primary key): the
	 * same row as the host's read, none for another CVE or scope, and
	 * none open once resolved */
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_store_finding_history_each(s, NULL, NULL, "CVE-D", 0, fh_cb, &c, &err), 0);
	assert_int_equal(c.resolved[3], 300);
	assert_int_equal(c.effective[3], 300);
	assert_int_equal(c.resolved[0] + c.resolved[1] + c.resolved[2] + c.resolved[4], 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(vigie_store_finding_history_each(s, "nosuchclient", NULL, "CVE-D", 0, fh_cb,
							  &c, &err), 0);
	assert_int_equal(c.resolved[3], 0);
	memset(&c, 0, sizeof(c));
	c.resolved[3] = -1;
	assert_int_equal(vigie_store_finding_history_each(s, NULL, NULL, "CVE-D", 1, fh_cb, &c, &err), 0);
	assert_int_equal(c.resolved[3], -1); /* resolved: not among the open */
	close_h1(s, &inv);
}

/* A host's distinct (source, version) pairs are kept with its packages,
 * sorted, with a package row's defaults; a write of the packages behind
 * vigie's back that changes their count leaves them unread, a name
 * holding a tab is never kept, and they go with the host. */
static void test_host_pairs(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct inventory inv;
	struct inventory_pkg p[] = {
		{ "zlib1g", "amd64", "1:1.2.13-1", "zlib", "1:1.2.13-1", "installed", 0 },
		{ "libssl3", "amd64", "3.0.15-1", "openssl", "3.0.15-1", "installed", 0 },
		{ "openssl", "amd64", "3.0.15-1", "openssl", "3.0.15-1", "installed", 0 },
		{ "libssl1.1", "amd64", "1.1.1w-1", "openssl", "1.1.1w-1", "installed", 0 },
		{ "bash", "amd64", "5.2.15-2+b7", NULL, NULL, "installed", 0 },
		{ "libc6", "amd64", "2.36-9+deb12u9+b1", "glibc", "2.36-9+deb12u9", "installed", 0 },
	};
	struct vigie_buf b = VIGIE_BUF_INIT;
	int64_t id;
	int found = -1;
	(void)state;
	s = open_h1(&inv, &err);
	inv.pkgs = p;
	inv.npkgs = 6;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(b.data, "bash\t5.2.15-2+b7\nglibc\t2.36-9+deb12u9\n"
				    "openssl\t1.1.1w-1\nopenssl\t3.0.15-1\nzlib\t1:1.2.13-1\n");
	/* one package fewer: written again */
	inv.npkgs = 5;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(b.data, "bash\t5.2.15-2+b7\nopenssl\t1.1.1w-1\nopenssl\t3.0.15-1\n"
				    "zlib\t1:1.2.13-1\n");
	/* a package added behind vigie's back */
	assert_int_equal(vigie_store_exec(s, "UPDATE hosts SET npackages = npackages + 1", &err),
			 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(vigie_store_host_pairs_put(s, id, &inv, &err), 0);
	assert_int_equal(vigie_store_exec(s, "UPDATE hosts SET npackages = 5", &err), 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 1);
	/* a version no line can hold */
	p[0].source_version = "1\t2";
	inv.npkgs = 6;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 0);
	p[0].source_version = "1:1.2.13-1";
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_int_equal(vigie_store_host_remove(s, "h1", &err), 0);
	assert_int_equal(vigie_store_host_pairs_get(s, id, &b, &found, &err), 0);
	assert_int_equal(found, 0);
	vigie_buf_release(&b);
	close_h1(s, &inv);
}

/* The history is left unread only when the judged summary's digest is
 * the new judgement's and the summary is not later than it: another
 * digest, a summary with no digest (a partial judgement) or without a
 * verdict, or a clock gone back, all make the caller update the history. */
static void test_history_same(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct inventory inv;
	struct store_finding_fact f[] = {
		{ "CVE-A", "curl", "7.1-1", "7.2-1", "standard", "fixed-available", 0 },
		{ "CVE-B", "linux", "6.1.1-1", "6.1.2-1", "critical", "reboot-required", 1 },
	};
	struct store_host_summary sum;
	int64_t id;
	int same = -1;
	(void)state;
	s = open_h1(&inv, &err);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	/* no summary yet */
	assert_int_equal(vigie_store_finding_history_same(s, id, 100, "d1", &same, &err), 0);
	assert_int_equal(same, 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 100, 0, f, 2, &err), 0);
	memset(&sum, 0, sizeof(sum));
	sum.computed_at = 100;
	sum.verdict = "judged";
	sum.pending_security = -1;
	sum.facts_digest = "d1";
	assert_int_equal(vigie_store_host_summary_put(s, id, &sum, &err), 0);
	assert_int_equal(vigie_store_finding_history_same(s, id, 200, "d1", &same, &err), 0);
	assert_int_equal(same, 1);
	assert_int_equal(vigie_store_finding_history_same(s, id, 200, "d2", &same, &err), 0);
	assert_int_equal(same, 0);
	assert_int_equal(vigie_store_finding_history_same(s, id, 200, NULL, &same, &err), 0);
	assert_int_equal(same, 0);
	assert_int_equal(vigie_store_finding_history_same(s, id, 50, "d1", &same, &err), 0);
	assert_int_equal(same, 0); /* the clock went back */
	assert_int_equal(vigie_store_commit(s, &err), 0);
	/* a summary without a digest, then one without a verdict */
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_finding_history_update(s, id, 300, 0, f, 2, &err), 0);
	sum.computed_at = 300;
	sum.facts_digest = NULL;
	assert_int_equal(vigie_store_host_summary_put(s, id, &sum, &err), 0);
	assert_int_equal(vigie_store_finding_history_same(s, id, 400, "d1", &same, &err), 0);
	assert_int_equal(same, 0);
	sum.facts_digest = "d1";
	sum.verdict = "undetermined";
	sum.reason = "no data";
	assert_int_equal(vigie_store_host_summary_put(s, id, &sum, &err), 0);
	assert_int_equal(vigie_store_finding_history_same(s, id, 400, "d1", &same, &err), 0);
	assert_int_equal(same, 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	close_h1(s, &inv);
}

/* vigie_store_vuln_class_facts_each merged per issue, as a caller does */
struct class_seen {
	char id[32], scope[16], vector[64];
	int have_scope, have_vector, kev;
	double cvss;
};
struct class_all {
	struct class_seen *v;
	size_t n;
	const char *const *ids;
};

static int class_cb(void *ud, int which, const char *id, const char *scope, double cvss,
		    const char *vector, int kev)
{
	struct class_all *a = ud;
	for (size_t i = 0; i < a->n; i++) {
		struct class_seen *c = &a->v[i];
		if (strcmp(a->ids[i], id))
			continue;
		if (which == 0 && scope) {
			snprintf(c->scope, sizeof(c->scope), "%s", scope);
			c->have_scope = 1;
		} else if (which == 1) {
			c->cvss = cvss;
			if (vector) {
				snprintf(c->vector, sizeof(c->vector), "%s", vector);
				c->have_vector = 1;
			}
		}
		c->kev = c->kev || kev;
	}
	return 0;
}

/* Facts of many issues at once are, field by field, those read one by
 * one: 600 ids over three chunks, each with its own mix of a vulns row
 * (with or without scope), a CVSS row (score or none, its own KEV date or
 * none), a KEV row (with or without a date), or nothing; ids the store
 * does not know; an id repeated in the store's other tables only. */
static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void test_vuln_facts_many(void **state)
{
	enum { N = 600 };
	struct vigie_store *s;
	struct vigie_error err;
	static char names[N][32];
	const char *ids[N];
	struct store_vuln_facts *many;
	struct vigie_arena many_mem, one_mem;
	int with_desc = 0, with_cvss = 0, with_kev = 0;
	(void)state;
	fresh_db();
	s = open_store(0);
	vigie_error_init(&err);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	for (int i = 0; i < N; i++) {
		char desc[64], vec[64], date[16];
		snprintf(names[i], sizeof(names[i]), "CVE-2025-%05d", i * 7);
		ids[i] = names[i];
		snprintf(desc, sizeof(desc), "issue %d", i);
		snprintf(vec, sizeof(vec), "CVSS:3.1/AV:%c", "NALP"[i % 4]);
		snprintf(date, sizeof(date), "2025-%02d-%02d", 1 + i % 12, 1 + i % 28);
		if (i % 3) {
			struct store_vuln v = { names[i], desc, i % 2 ? "remote" : NULL, 0 };
			assert_int_equal(vigie_store_vuln_put(s, &v, &err), 0);
		}
		if (i % 5 < 3) {
			struct store_cvss c = { names[i], "nvd", i % 5 == 2 ? NULL : "3.1",
						i % 5 == 2 ? -1 : (i % 100) / 10.0, vec,
						"2025-01-02T00:00:00Z", i % 4 == 1 ? "2024-12-01" : NULL };
			assert_int_equal(vigie_store_cvss_put(s, &c, &err), 0);
		}
		if (i % 7 == 3 || i % 11 == 0) {
			struct store_kev k = { names[i], "v", "p", "n", i % 2 ? date : NULL, NULL, NULL };
			assert_int_equal(vigie_store_kev_put(s, &k, &err), 0);
		}
	}
	assert_int_equal(vigie_store_commit(s, &err), 0);
	/* not in the store at all, at the end of a chunk and in the last one */
	snprintf(names[255], sizeof(names[255]), "CVE-1999-0001");
	snprintf(names[N - 1], sizeof(names[N - 1]), "TEMP-0000000-ABCDEF");
	many = calloc(N, sizeof(*many));
	assert_non_null(many);
	vigie_arena_init(&many_mem);
	vigie_arena_init(&one_mem);
	if (vigie_store_vuln_facts_many(s, ids, N, &many_mem, many, &err))
		fail_msg("facts at once: %s", err.msg);
	for (int i = 0; i < N; i++) {
		struct store_vuln_facts one;
		assert_int_equal(vigie_store_vuln_facts_get(s, ids[i], &one_mem, &one, &err), 0);
		if (!same_str(one.description, many[i].description) ||
		    !same_str(one.scope, many[i].scope) || one.cvss != many[i].cvss ||
		    !same_str(one.cvss_vector, many[i].cvss_vector) ||
		    !same_str(one.cvss_version, many[i].cvss_version) ||
		    !same_str(one.cvss_origin, many[i].cvss_origin) ||
		    !same_str(one.published, many[i].published) ||
		    !same_str(one.kev_added, many[i].kev_added))
			fail_msg("%s: one by one and at once differ (kev %s / %s, cvss %g / %g)",
				 ids[i], one.kev_added ? one.kev_added : "-",
				 many[i].kev_added ? many[i].kev_added : "-", one.cvss, many[i].cvss);
		with_desc += one.description != NULL;
		with_cvss += one.cvss >= 0;
		with_kev += one.kev_added != NULL;
		vigie_arena_release(&one_mem);
	}
	/* the mix was there (so that equal does not mean empty) */
	assert_true(with_desc > 300 && with_cvss > 200 && with_kev > 100);
	/* what decides a class, table by table, merged: the same facts */
	{
		struct class_all a = { calloc(N, sizeof(struct class_seen)), N, ids };
		assert_non_null(a.v);
		for (int i = 0; i < N; i++)
			a.v[i].cvss = -1;
		assert_int_equal(vigie_store_vuln_class_facts_each(s, class_cb, &a, &err), 0);
		for (int i = 0; i < N; i++) {
			const struct class_seen *c = &a.v[i];
			if (!same_str(c->have_scope ? c->scope : NULL, many[i].scope) ||
			    c->cvss != many[i].cvss ||
			    !same_str(c->have_vector ? c->vector : NULL, many[i].cvss_vector) ||
			    c->kev != (many[i].kev_added != NULL))
				fail_msg("%s: class facts differ (kev %d / %s, cvss %g / %g)", ids[i],
					 c->kev, many[i].kev_added ? many[i].kev_added : "-", c->cvss,
					 many[i].cvss);
		}
		free(a.v);
	}
	vigie_arena_release(&many_mem);
	free(many);
	vigie_store_close(s);
}

/* What a get returns lives in the arena the caller passed: later gets of
 * other keys (into the same arena or another), a lookup that finds
 * nothing, a write and the release of another arena leave it as it was.
 * The second issue's strings are longer, so that a result kept in memory
 * the store reuses would be overwritten or moved. */
struct issue_text {
	char cve[32], adv[32], desc[160], scope[16], vendor[64], vector[64], date[16];
	double score;
};

static void issue_text(struct issue_text *x, int i)
{
	const char *pad = i ? " (a much longer text than the first one's, well over forty bytes)"
			    : "";
	snprintf(x->cve, sizeof(x->cve), "CVE-2026-%05d", 100 + i);
	snprintf(x->adv, sizeof(x->adv), "DSA-%d-1", 6000 + i);
	snprintf(x->desc, sizeof(x->desc), "issue %d%s", i, pad);
	snprintf(x->scope, sizeof(x->scope), "%s", i ? "remote" : "local");
	snprintf(x->vendor, sizeof(x->vendor), "vendor %d%s", i, i ? " and partners" : "");
	snprintf(x->vector, sizeof(x->vector), "CVSS:3.1/AV:%s", i ? "N/AC:L/PR:N/UI:N" : "L");
	snprintf(x->date, sizeof(x->date), "%s", i ? "2026-02-11" : "2026-01-10");
	x->score = i ? 9.8 : 5.5;
}

struct issue_got {
	struct store_vuln v;
	struct store_kev k;
	struct store_cvss c;
	struct store_advisory_info a;
	struct store_vuln_facts f;
};

static void issue_read(struct vigie_store *s, const struct issue_text *x,
		       struct vigie_arena *arena, struct issue_got *g)
{
	struct vigie_error err;
	vigie_error_init(&err);
	assert_int_equal(vigie_store_vuln_get(s, x->cve, arena, &g->v, &err), 0);
	assert_int_equal(vigie_store_kev_get(s, x->cve, arena, &g->k, &err), 0);
	assert_int_equal(vigie_store_cvss_get(s, x->cve, arena, &g->c, &err), 0);
	assert_int_equal(vigie_store_advisory_get(s, x->adv, arena, &g->a, &err), 0);
	assert_int_equal(vigie_store_vuln_facts_get(s, x->cve, arena, &g->f, &err), 0);
}

static void facts_check(const struct issue_text *x, const struct store_vuln_facts *f)
{
	assert_string_equal(f->description, x->desc);
	assert_string_equal(f->scope, x->scope);
	assert_true(f->cvss == x->score);
	assert_string_equal(f->cvss_vector, x->vector);
	assert_string_equal(f->cvss_version, "3.1");
	assert_string_equal(f->cvss_origin, "nvd");
	assert_string_equal(f->published, x->date);
	assert_string_equal(f->kev_added, x->date);
}

static void issue_check(const struct issue_text *x, const struct issue_got *g)
{
	assert_string_equal(g->v.name, x->cve);
	assert_string_equal(g->v.description, x->desc);
	assert_string_equal(g->v.scope, x->scope);
	assert_int_equal(g->v.debianbug, 1000 + (x->score > 9));
	assert_string_equal(g->k.cve, x->cve);
	assert_string_equal(g->k.vendor, x->vendor);
	assert_string_equal(g->k.product, x->desc);
	assert_string_equal(g->k.date_added, x->date);
	assert_null(g->k.due_date);
	assert_string_equal(g->c.cve, x->cve);
	assert_string_equal(g->c.vector, x->vector);
	assert_string_equal(g->c.published, x->date);
	assert_true(g->c.score == x->score);
	assert_string_equal(g->a.id, x->adv);
	assert_string_equal(g->a.kind, "DSA");
	assert_string_equal(g->a.date, x->date);
	assert_string_equal(g->a.description, x->desc);
	assert_string_equal(g->a.packages, x->vendor);
	assert_int_equal(g->a.ncves, 2);
	assert_string_equal(g->a.cves[0], x->cve);
	assert_string_equal(g->a.cves[1], "CVE-2026-99999");
	facts_check(x, &g->f);
}

static void test_results_outlive_gets(void **state)
{
	struct vigie_store *s;
	struct vigie_error err;
	struct vigie_arena first, second;
	struct issue_text x[2];
	struct issue_got g[2], again;
	struct store_vuln_facts many[2], many2[2], none;
	const char *ids[2], *rev[2];
	(void)state;
	fresh_db();
	s = open_store(0);
	vigie_error_init(&err);
	assert_int_equal(vigie_store_begin(s, &err), 0);
	for (int i = 0; i < 2; i++) {
		issue_text(&x[i], i);
		struct store_vuln v = { x[i].cve, x[i].desc, x[i].scope, 1000 + i };
		struct store_kev k = { x[i].cve, x[i].vendor, x[i].desc, "name", x[i].date,
				       NULL, "Unknown" };
		struct store_cvss c = { x[i].cve, "nvd", "3.1", x[i].score, x[i].vector,
					x[i].date, NULL };
		struct store_advisory a = { x[i].adv, "DSA", x[i].date, x[i].desc, x[i].vendor };
		assert_int_equal(vigie_store_vuln_put(s, &v, &err), 0);
		assert_int_equal(vigie_store_kev_put(s, &k, &err), 0);
		assert_int_equal(vigie_store_cvss_put(s, &c, &err), 0);
		assert_int_equal(vigie_store_advisory_put(s, &a, &err), 0);
		assert_int_equal(vigie_store_advisory_cve_put(s, x[i].adv, x[i].cve, &err), 0);
		assert_int_equal(vigie_store_advisory_cve_put(s, x[i].adv, "CVE-2026-99999",
							      &err), 0);
		ids[i] = x[i].cve;
		rev[1 - i] = x[i].cve;
	}
	assert_int_equal(vigie_store_commit(s, &err), 0);

	vigie_arena_init(&first);
	vigie_arena_init(&second);
	issue_read(s, &x[0], &first, &g[0]);
	assert_int_equal(vigie_store_vuln_facts_many(s, ids, 2, &first, many, &err), 0);
	issue_check(&x[0], &g[0]);
	/* the other issue into the same arena, then into another */
	issue_read(s, &x[1], &first, &g[1]);
	issue_read(s, &x[1], &second, &again);
	assert_int_equal(vigie_store_vuln_facts_many(s, rev, 2, &second, many2, &err), 0);
	assert_int_equal(vigie_store_vuln_facts_get(s, "CVE-1999-0001", &second, &none, &err), 0);
	assert_null(none.description);
	assert_int_equal(vigie_store_vuln_get(s, "CVE-1999-0001", &second, &again.v, &err),
			 VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_advisory_get(s, "DSA-1-1", &second, &again.a, &err),
			 VIGIE_ENOTFOUND);
	{
		struct store_vuln w = { "CVE-2026-00042", "written meanwhile", "local", 0 };
		assert_int_equal(vigie_store_vuln_put(s, &w, &err), 0);
	}
	issue_check(&x[0], &g[0]);
	issue_check(&x[1], &g[1]);
	facts_check(&x[0], &many[0]);
	facts_check(&x[1], &many[1]);
	facts_check(&x[1], &many2[0]);
	facts_check(&x[0], &many2[1]);
	vigie_arena_release(&second);
	issue_check(&x[0], &g[0]);
	issue_check(&x[1], &g[1]);
	facts_check(&x[0], &many[0]);
	facts_check(&x[1], &many[1]);
	/* and after the store itself is gone */
	vigie_store_close(s);
	issue_check(&x[0], &g[0]);
	facts_check(&x[1], &many[1]);
	vigie_arena_release(&first);
}

static int count_tokens_cb(void *ud, const struct store_token *t)
{
	(void)t;
	(*(int *)ud)++;
	return 0;
}

/* An agent token enrols a host for one client: refused for a stored host
 * of another client, and while another client's agent token for that
 * host is active; nothing stored when refused. */
static void test_token_host_owner(void **state)
{
	struct inventory_pkg p[] = {
		{ "zlib1g", "amd64", "1.1-1", "zlib", "1.1-1", "installed", 0 },
	};
	struct vigie_store *s;
	struct vigie_error err;
	struct inventory inv;
	int64_t hid, tid = 0, tid2 = 0;
	int n = 0;
	(void)state;
	fresh_db();
	vigie_error_init(&err);
	s = open_store(0);
	assert_int_equal(vigie_store_client_add(s, "acme", "fr", NULL, &err), 0);
	assert_int_equal(vigie_store_client_add(s, "globex", "en", NULL, &err), 0);
	vigie_inventory_init(&inv);
	inv.host = "web1";
	inv.release = "bookworm";
	inv.pkgs = p;
	inv.npkgs = 1;
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_host_put(s, &inv, "acme", "push", &hid, &err), 0);
	inv.host = "nobody";
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &hid, &err), 0);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	/* web1 is acme's */
	assert_int_equal(vigie_store_token_add(s, "h1", "agent", "web1", "globex", NULL, &tid,
					       &err), VIGIE_EUSAGE);
	assert_non_null(strstr(err.msg, "web1 belongs to client acme"));
	assert_int_equal(vigie_store_token_add(s, "h2", "agent", "web1", "acme", NULL, &tid, &err),
			 0);
	/* web2, not stored yet, enrolled for acme by an active token */
	assert_int_equal(vigie_store_token_add(s, "h3", "agent", "web2", "acme", NULL, &tid, &err),
			 0);
	assert_int_equal(vigie_store_token_add(s, "h4", "agent", "web2", "globex", NULL, &tid2,
					       &err), VIGIE_EUSAGE);
	assert_non_null(strstr(err.msg, "web2 is enrolled for client acme"));
	assert_int_equal(vigie_store_token_add(s, "h5", "agent", "web2", "acme", NULL, &tid2, &err),
			 0);
	/* revoked: no longer in the way */
	assert_int_equal(vigie_store_token_revoke(s, tid, &err), 0);
	assert_int_equal(vigie_store_token_revoke(s, tid2, &err), 0);
	assert_int_equal(vigie_store_token_add(s, "h6", "agent", "web2", "globex", NULL, &tid,
					       &err), 0);
	/* a stored host of no client: any client may enrol it */
	assert_int_equal(vigie_store_token_add(s, "h7", "agent", "nobody", "globex", NULL, &tid,
					       &err), 0);
	/* the refused ones were not stored */
	assert_int_equal(vigie_store_tokens_each(s, count_tokens_cb, &n, &err), 0);
	assert_int_equal(n, 5);
	vigie_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_schema),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_bulk_and_order),
		cmocka_unit_test(test_reader_during_write),
		cmocka_unit_test(test_kill_during_import),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_server_gone),
		cmocka_unit_test(test_migrate_previous_release),
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_previous_import),
		cmocka_unit_test(test_effective_history),
		cmocka_unit_test(test_host_pairs),
		cmocka_unit_test(test_history_same),
		cmocka_unit_test(test_vuln_facts_many),
		cmocka_unit_test(test_results_outlive_gets),
		cmocka_unit_test(test_rejudge_reads),
		cmocka_unit_test(test_token_host_owner),
	};
	const char *drv = getenv("VIGIE_TEST_DRIVER");
	if (drv && !strcmp(drv, "pg")) {
		const char *dir = getenv("VIGIE_PG_DIR");
		char path[600], line[700];
		FILE *f;
		snprintf(path, sizeof(path), "%s/env", dir ? dir : "/nonexistent");
		if (!(f = fopen(path, "r"))) {
			printf("SKIP: no PostgreSQL test cluster (PostgreSQL not installed)\n");
			return TEST_SKIP;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!strncmp(line, "VIGIE_TEST_PG_URL=", 18))
				snprintf(pg_url, sizeof(pg_url), "%s", line + 18);
			else if (!strncmp(line, "PGPASSFILE=", 11))
				setenv("PGPASSFILE", line + 11, 1);
		}
		fclose(f);
		pg = 1;
	}
	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	return cmocka_run_group_tests_name(pg ? "store/postgresql" : "store/sqlite", tests,
					   NULL, NULL);
}
