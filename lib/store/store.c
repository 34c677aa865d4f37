#define _GNU_SOURCE
#include "store/store_internal.h"
#include "vigie/core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *vigie_store_default_path(char *buf, size_t size)
{
	const char *e = getenv("VIGIE_DB"), *x, *home;
	if (e && *e)
		snprintf(buf, size, "%s", e);
	else if (geteuid() == 0)
		snprintf(buf, size, "/var/lib/vigie/vigie.db");
	else if ((x = getenv("XDG_DATA_HOME")) && *x)
		snprintf(buf, size, "%s/vigie/vigie.db", x);
	else if ((home = getenv("HOME")) && *home)
		snprintf(buf, size, "%s/.local/share/vigie/vigie.db", home);
	else
		snprintf(buf, size, "vigie.db");
	return buf;
}

static int mkdirs_for(const char *path, struct vigie_error *err)
{
	char tmp[4096];
	char *p;
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "path too long");
	p = strrchr(tmp, '/');
	if (!p || p == tmp)
		return 0;
	*p = '\0';
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return vigie_error_set(err, VIGIE_EIO, tmp, 0,
					       "cannot create directory: %s", strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return vigie_error_set(err, VIGIE_EIO, tmp, 0,
				       "cannot create directory: %s", strerror(errno));
	return 0;
}

int vigie_store_dberr(struct vigie_store *s, struct vigie_error *err, const char *what)
{
	return vigie_error_set(err, VIGIE_EDB, s->path, 0, "%s: %s", what,
			       sqlite3_errmsg(s->db));
}

int vigie_store_exec(struct vigie_store *s, const char *sql, struct vigie_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		vigie_error_set(err, VIGIE_EDB, s->path, 0, "%s",
				msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return VIGIE_EDB;
	}
	return 0;
}

sqlite3_stmt *vigie_store_stmt(struct vigie_store *s, const char *sql,
			 struct vigie_error *err)
{
	int i;
	for (i = 0; i < s->nstmt; i++)
		if (s->stmt_sql[i] == sql) {
			sqlite3_reset(s->stmt[i]);
			sqlite3_clear_bindings(s->stmt[i]);
			return s->stmt[i];
		}
	if (s->nstmt == STORE_MAX_STMTS) {
		vigie_error_set(err, VIGIE_EDB, s->path, 0, "statement cache full");
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &s->stmt[i], NULL) != SQLITE_OK) {
		vigie_store_dberr(s, err, "prepare");
		return NULL;
	}
	s->stmt_sql[i] = sql;
	s->nstmt++;
	return s->stmt[i];
}

int vigie_store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
		 : sqlite3_bind_null(st, i);
}

int vigie_store_bind_int64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

int vigie_store_step_done(struct vigie_store *s, sqlite3_stmt *st,
		    struct vigie_error *err, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return vigie_store_dberr(s, err, what);
	return 0;
}

const char *vigie_store_col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int vigie_store_schema_version(struct vigie_store *s)
{
	sqlite3_stmt *st;
	int v = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct vigie_store *s, struct vigie_error *err)
{
	int cur = vigie_store_schema_version(s), latest, rc;
	char sql[64];

	latest = vigie_store_migrations[vigie_store_nmigrations - 1].version;
	if (cur > latest)
		return vigie_error_set(err, VIGIE_EDB, s->path, 0,
				       "database schema %d is newer than this vigie (%d)",
				       cur, latest);
	for (int i = 0; i < vigie_store_nmigrations; i++) {
		if (vigie_store_migrations[i].version <= cur)
			continue;
		if ((rc = vigie_store_exec(s, "BEGIN IMMEDIATE", err)))
			return rc;
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
			 vigie_store_migrations[i].version);
		if ((rc = vigie_store_exec(s, vigie_store_migrations[i].sql, err)) ||
		    (rc = vigie_store_exec(s, sql, err)) ||
		    (rc = vigie_store_exec(s, "COMMIT", err))) {
			vigie_store_exec(s, "ROLLBACK", NULL);
			return rc;
		}
	}
	return 0;
}

int vigie_store_open(struct vigie_store **out, const char *path, int flags,
	       struct vigie_error *err)
{
	struct vigie_store *s;
	int rc, oflags;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
	}
	/* ":memory:" (tests, fuzzers) has no directory to create */
	if (!(flags & STORE_READONLY) && strcmp(path, ":memory:") &&
	    (rc = mkdirs_for(path, err)))
		goto fail;
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
					  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = vigie_error_set(err, VIGIE_EDB, path, 0, "cannot open database: %s",
				     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = vigie_store_exec(s, "PRAGMA foreign_keys=ON", err)))
		goto fail;
	if (!(flags & STORE_READONLY)) {
		if ((rc = vigie_store_exec(s, "PRAGMA journal_mode=WAL", err)) ||
		    (rc = vigie_store_exec(s, "PRAGMA synchronous=NORMAL", err)) ||
		    (rc = migrate(s, err)))
			goto fail;
	} else if (vigie_store_schema_version(s) < 1) {
		rc = vigie_error_set(err, VIGIE_EDB, path, 0,
				     "not a vigie database (run 'vigie db update' first)");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	vigie_store_close(s);
	return rc;
}

void vigie_store_close(struct vigie_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		vigie_store_rollback(s);
	for (int i = 0; i < s->nstmt; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	vigie_buf_release(&s->scratch);
	free(s->path);
	free(s);
}

const char *vigie_store_path(const struct vigie_store *s)
{
	return s->path;
}

int vigie_store_begin(struct vigie_store *s, struct vigie_error *err)
{
	int rc;
	if (s->in_tx)
		return vigie_error_set(err, VIGIE_EDB, s->path, 0,
				       "transaction already open");
	if ((rc = vigie_store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	s->in_tx = 1;
	return 0;
}

int vigie_store_commit(struct vigie_store *s, struct vigie_error *err)
{
	int rc;
	if (!s->in_tx)
		return vigie_error_set(err, VIGIE_EDB, s->path, 0, "no transaction open");
	rc = vigie_store_exec(s, "COMMIT", err);
	if (rc) {
		vigie_store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	return 0;
}

void vigie_store_rollback(struct vigie_store *s)
{
	if (!s->in_tx)
		return;
	for (int i = 0; i < s->nstmt; i++)
		sqlite3_reset(s->stmt[i]);
	vigie_store_exec(s, "ROLLBACK", NULL);
	s->in_tx = 0;
}

int vigie_store_source_put(struct vigie_store *s, const struct store_source *src,
		     struct vigie_error *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO sources(name, location, imported_at,"
		" data_date, rows, etag, last_modified) VALUES(?,?,?,?,?,?,?)";
	sqlite3_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, src->name);
	vigie_store_bind_text(st, 2, src->location);
	vigie_store_bind_int64(st, 3, src->imported_at);
	vigie_store_bind_int64(st, 4, src->data_date);
	vigie_store_bind_int64(st, 5, src->rows);
	vigie_store_bind_text(st, 6, src->etag);
	vigie_store_bind_text(st, 7, src->last_modified);
	return vigie_store_step_done(s, st, err, "record source");
}

int vigie_store_sources_each(struct vigie_store *s, store_source_cb *cb, void *ud,
		       struct vigie_error *err)
{
	static const char sql[] =
		"SELECT name, location, imported_at, data_date, rows, etag,"
		" last_modified FROM sources ORDER BY name";
	sqlite3_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_source src = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
			(long)sqlite3_column_int64(st, 4), vigie_store_col_text(st, 5),
			vigie_store_col_text(st, 6)
		};
		int r = cb(ud, &src);
		if (r) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return vigie_store_dberr(s, err, "list sources");
	return 0;
}

int vigie_store_source_validators(struct vigie_store *s, const char *name,
			    char **etag, char **last_modified,
			    struct vigie_error *err)
{
	static const char sql[] =
		"SELECT etag, last_modified FROM sources WHERE name=?";
	sqlite3_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*etag = *last_modified = NULL;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *e = vigie_store_col_text(st, 0), *l = vigie_store_col_text(st, 1);
		*etag = e ? strdup(e) : NULL;
		*last_modified = l ? strdup(l) : NULL;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = VIGIE_ENOTFOUND;
	} else {
		rc = vigie_store_dberr(s, err, "read source");
	}
	sqlite3_reset(st);
	return rc;
}

long vigie_store_count(struct vigie_store *s, const char *table, struct vigie_error *err)
{
	static const char *const allowed[] = {
		"advisories", "advisory_cves", "advisory_fixes", "tracker", "vulns",
		"kev", "cvss", "releases", "support_ended", "support_limited",
		"hosts", "host_packages", "events", "feeds", "feed_items", NULL
	};
	char sql[128];
	sqlite3_stmt *st;
	long n = -1;
	int ok = 0;

	for (int i = 0; allowed[i]; i++)
		if (!strcmp(allowed[i], table))
			ok = 1;
	if (!ok) {
		vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "unknown table %s", table);
		return -1;
	}
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		vigie_store_dberr(s, err, "count");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		vigie_store_dberr(s, err, "count");
	sqlite3_finalize(st);
	return n;
}

int vigie_store_read_begin(struct vigie_store *s)
{
	/* a deferred transaction: one shared lock for a burst of reads
	 * instead of one per statement */
	sqlite3_stmt *st = NULL;
	if (s->in_tx || !sqlite3_get_autocommit(s->db))
		return 0;
	/* a statement still stepping (a caller iterating) already holds
	 * a read snapshot: leave it alone */
	while ((st = sqlite3_next_stmt(s->db, st)))
		if (sqlite3_stmt_busy(st))
			return 0;
	if (vigie_store_exec(s, "BEGIN", NULL))
		return 0;
	s->in_read = 1;
	return 1;
}

void vigie_store_read_end(struct vigie_store *s)
{
	if (!s->in_read)
		return;
	vigie_store_exec(s, "COMMIT", NULL);
	s->in_read = 0;
}
