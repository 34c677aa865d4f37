#define _GNU_SOURCE
#include "store/store_internal.h"
#include "vigie/store/driver.h"
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

const struct vigie_store_driver *vigie_store_driver_for(const char *url,
							 const char **target,
							 struct vigie_error *err)
{
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11)) {
		*target = url;
		return &vigie_store_pg_driver;
	}
	if (!strncmp(url, "sqlite://", 9)) {
		/* sqlite:///abs/path or sqlite://relative */
		*target = url + 9;
		return &vigie_store_sqlite_driver;
	}
	if (strstr(url, "://")) {
		vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				"unknown database URL scheme (use a path, sqlite:///path or postgresql://...)");
		return NULL;
	}
	*target = url;
	return &vigie_store_sqlite_driver;
}

int vigie_store_dberr(struct vigie_store *s, struct vigie_error *err, const char *what)
{
	return vigie_error_set(err, VIGIE_EDB, s->drv->location(s->conn), 0, "%s: %s",
			       what, s->drv->last_error(s->conn));
}

int vigie_store_exec(struct vigie_store *s, const char *sql, struct vigie_error *err)
{
	if (s->drv->exec(s->conn, sql)) {
		vigie_error_set(err, VIGIE_EDB, s->drv->location(s->conn), 0, "%s",
				s->drv->last_error(s->conn));
		return VIGIE_EDB;
	}
	return 0;
}

struct vigie_stmt *vigie_store_stmt(struct vigie_store *s, const char *sql,
				    struct vigie_error *err)
{
	int i;
	for (i = 0; i < s->nstmt; i++)
		if (s->stmt_sql[i] == sql) {
			s->drv->reset(s->stmt[i]);
			return s->stmt[i];
		}
	if (s->nstmt == STORE_MAX_STMTS) {
		vigie_error_set(err, VIGIE_EDB, s->drv->location(s->conn), 0,
				"statement cache full");
		return NULL;
	}
	if (!(s->stmt[i] = s->drv->prepare(s->conn, sql))) {
		vigie_store_dberr(s, err, "prepare");
		return NULL;
	}
	s->stmt_sql[i] = sql;
	s->nstmt++;
	return s->stmt[i];
}

void vigie_store_reset_all(struct vigie_store *s)
{
	for (int i = 0; i < s->nstmt; i++)
		s->drv->reset(s->stmt[i]);
}

int vigie_store_col_copy(struct vigie_stmt *st, int i, struct vigie_arena *arena,
			 const char **out, struct vigie_error *err)
{
	const char *v = vigie_store_col_text(st, i);
	*out = NULL;
	if (v && !(*out = vigie_arena_strdup(arena, v)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

int vigie_store_step_done(struct vigie_store *s, struct vigie_stmt *st,
			  struct vigie_error *err, const char *what)
{
	int rc = s->drv->step(st);
	int ret = 0;
	if (rc == VIGIE_STEP_ERROR)
		ret = vigie_store_dberr(s, err, what);
	s->drv->reset(st);
	return ret;
}

int vigie_store_schema_version(struct vigie_store *s)
{
	int v = 0;
	if (s->drv->schema_version(s->conn, &v))
		return -1;
	return v;
}

/* How long a writer waits for another one, and whom it tells. */
static int lock_wait_s = 600;
static void (*lock_notice)(const char *msg);

void vigie_store_lock_wait(int seconds, void (*notice)(const char *msg))
{
	lock_wait_s = seconds < 0 ? 0 : seconds;
	lock_notice = notice;
}

/* Open a write transaction, waiting (bounded, with one notice) while
 * another writer holds the database. */
static int begin_write(struct vigie_store *s, struct vigie_error *err, const char *what)
{
	int64_t start = vigie_monotonic_ms(), waited = 0, limit = (int64_t)lock_wait_s * 1000;
	int told = 0;
	for (;;) {
		/* a short first try, so that the notice comes early */
		int64_t step = told ? 10000 : 1000;
		int64_t slice = limit - waited < step ? limit - waited : step;
		int rc = s->drv->begin(s->conn, VIGIE_TX_WRITE, slice > 0 ? (int)slice : 1);
		if (rc == 0)
			return 0;
		if (rc != VIGIE_TX_BUSY)
			return vigie_store_dberr(s, err, what);
		waited = vigie_monotonic_ms() - start;
		if (waited >= limit)
			return vigie_error_set(err, VIGIE_EDB, s->drv->location(s->conn), 0,
					       "another vigie has been writing to this database"
					       " for %lld s: gave up (the wait is bounded by"
					       " VIGIE_LOCK_WAIT, %d s)",
					       (long long)(waited / 1000), lock_wait_s);
		if (!told && lock_notice) {
			char msg[512];
			snprintf(msg, sizeof(msg),
				 "%s: another vigie is writing to this database; waiting"
				 " (at most %d s)", s->drv->location(s->conn), lock_wait_s);
			lock_notice(msg);
			told = 1;
		}
	}
}

static int migrate(struct vigie_store *s, struct vigie_error *err)
{
	const struct vigie_store_driver *d = s->drv;
	int cur = vigie_store_schema_version(s), latest, rc;

	if (cur < 0)
		return vigie_store_dberr(s, err, "read schema version");
	latest = d->migrations[d->nmigrations - 1].version;
	if (cur > latest)
		return vigie_error_set(err, VIGIE_EDB, d->location(s->conn), 0,
				       "database schema %d is newer than this vigie (%d)",
				       cur, latest);
	for (int i = 0; i < d->nmigrations; i++) {
		if (d->migrations[i].version <= cur)
			continue;
		if ((rc = begin_write(s, err, "migrate")))
			return rc;
		if (d->exec(s->conn, d->migrations[i].sql) ||
		    d->schema_set_version(s->conn, d->migrations[i].version) ||
		    d->commit(s->conn)) {
			rc = vigie_store_dberr(s, err, "migrate");
			d->rollback(s->conn);
			return rc;
		}
	}
	return 0;
}

int vigie_store_open(struct vigie_store **out, const char *url, int flags,
	       struct vigie_error *err)
{
	struct vigie_store *s;
	const char *target;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->url = strdup(url))) {
		free(s);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	if (!(s->drv = vigie_store_driver_for(url, &target, err))) {
		rc = VIGIE_EUSAGE;
		goto fail;
	}
	if ((rc = s->drv->open(&s->conn, target,
			       (flags & STORE_READONLY) ? VIGIE_STORE_READONLY : 0, err)))
		goto fail;
	if (!(flags & STORE_READONLY)) {
		if ((rc = migrate(s, err)))
			goto fail;
	} else if (vigie_store_schema_version(s) < 1) {
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				     "no database at %s: run 'vigie db import' or"
				     " 'vigie db update' first", s->drv->location(s->conn));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	vigie_store_close(s);
	return rc;
}

int vigie_store_missing(const char *url)
{
	struct vigie_error err;
	const char *target;
	const struct vigie_store_driver *d;

	vigie_error_init(&err);
	if (!(d = vigie_store_driver_for(url, &target, &err)))
		return 0;
	return d == &vigie_store_sqlite_driver && strcmp(target, ":memory:") &&
	       access(target, F_OK) != 0;
}

void vigie_store_close(struct vigie_store *s)
{
	if (!s)
		return;
	if (s->conn) {
		if (s->in_tx || s->in_read)
			s->drv->rollback(s->conn);
		for (int i = 0; i < s->nstmt; i++)
			s->drv->finalize(s->stmt[i]);
		s->drv->close(s->conn);
	}
	free(s->url);
	free(s);
}

const char *vigie_store_path(const struct vigie_store *s)
{
	return s->drv->location(s->conn);
}

const char *vigie_store_driver_name(const struct vigie_store *s)
{
	return s->drv->name;
}

int vigie_store_identity(const struct vigie_store *s, char *buf, size_t size,
			 struct vigie_error *err)
{
	const char *where = vigie_store_path(s);
	struct stat st;
	int n;

	if (strcmp(s->drv->name, "sqlite")) {
		/* a server's database: what was reached, never a password */
		n = snprintf(buf, size, "%s:%s", s->drv->name, where);
	} else {
		/* a file: the same path may later name another file */
		if (stat(where, &st))
			return vigie_error_set(err, VIGIE_ENOTFOUND, where, 0,
					       "no database file to identify: %s",
					       strerror(errno));
		n = snprintf(buf, size, "sqlite:%ju:%ju", (uintmax_t)st.st_dev,
			     (uintmax_t)st.st_ino);
	}
	if (n < 0 || (size_t)n >= size)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "database identity too long");
	return 0;
}

int vigie_store_begin(struct vigie_store *s, struct vigie_error *err)
{
	int rc;
	if (s->in_tx)
		return vigie_error_set(err, VIGIE_EDB, vigie_store_path(s), 0,
				       "transaction already open");
	if (s->in_read)
		vigie_store_read_end(s);
	if ((rc = begin_write(s, err, "begin")))
		return rc;
	s->in_tx = 1;
	s->kept[0] = '\0';
	return 0;
}

int vigie_store_commit(struct vigie_store *s, struct vigie_error *err)
{
	int rc;
	if (!s->in_tx)
		return vigie_error_set(err, VIGIE_EDB, vigie_store_path(s), 0,
				       "no transaction open");
	if (s->drv->commit(s->conn)) {
		rc = vigie_store_dberr(s, err, "commit");
		vigie_store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	s->kept[0] = '\0';
	return 0;
}

void vigie_store_rollback(struct vigie_store *s)
{
	if (!s->in_tx)
		return;
	vigie_store_reset_all(s);
	s->bulk = 0;
	s->drv->rollback(s->conn);
	s->in_tx = 0;
	s->kept[0] = '\0';
}

void vigie_store_allow_shrink(struct vigie_store *s, int allow)
{
	s->allow_shrink = allow;
}

int vigie_store_history_bulk(struct vigie_store *s, int start, struct vigie_error *err)
{
	return s->drv->bulk_hint(s->conn, "finding_history", start)
		       ? vigie_store_dberr(s, err, "set up the finding history's writes")
		       : 0;
}

/* The shrink guard: refuse to replace a source's rows by far fewer. */
static int shrink_check(struct vigie_store *s, const struct store_source *src,
			struct vigie_error *err)
{
	static const char sql[] = "SELECT rows FROM sources WHERE name = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int64_t prev = -1;
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, src->name);
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW)
		prev = vdb_col_int64(st, 0);
	vdb_reset(st);
	if (rc == VIGIE_STEP_ERROR)
		return vigie_store_dberr(s, err, "read source");
	if (prev <= 0 || s->allow_shrink || src->adds ||
	    (int64_t)src->rows * 100 >= prev * VIGIE_SHRINK_KEEP_PERCENT)
		return 0;
	return vigie_error_set(err, VIGIE_ELIMIT, src->location, 0,
			       "%s: this import has %ld rows where the database holds %lld"
			       " (%lld%% fewer); refused, the previous data is kept"
			       " (a truncated or empty file?). Pass --allow-shrink to"
			       " replace it anyway",
			       src->name, src->rows, (long long)prev,
			       (long long)((prev - src->rows) * 100 / prev));
}

int vigie_store_source_put(struct vigie_store *s, const struct store_source *src,
		     struct vigie_error *err)
{
	/* a new import moves the counts it replaces to prev_* (the SET
	 * expressions read the row as it was) */
	static const char sql[] =
		"INSERT INTO sources(name, location, imported_at,"
		" data_date, rows, etag, last_modified) VALUES(?1,?2,?3,?4,?5,?6,?7)"
		" ON CONFLICT(name) DO UPDATE SET prev_location=sources.location,"
		" prev_imported_at=sources.imported_at, prev_data_date=sources.data_date,"
		" prev_rows=sources.rows, prev_kept=?8, rolled_back_at=NULL,"
		" rolled_back_imported_at=NULL, rolled_back_rows=NULL,"
		" location=excluded.location,"
		" imported_at=excluded.imported_at, data_date=excluded.data_date,"
		" rows=excluded.rows, etag=excluded.etag,"
		" last_modified=excluded.last_modified";
	/* the same import, completed: nothing moves */
	static const char amend[] =
		"INSERT INTO sources(name, location, imported_at,"
		" data_date, rows, etag, last_modified) VALUES(?1,?2,?3,?4,?5,?6,?7)"
		" ON CONFLICT(name) DO UPDATE SET location=excluded.location,"
		" imported_at=excluded.imported_at, data_date=excluded.data_date,"
		" rows=excluded.rows, etag=excluded.etag,"
		" last_modified=excluded.last_modified";
	static const char bump[] =
		"INSERT INTO meta(key, value) VALUES('data_version', '1')"
		" ON CONFLICT(key) DO UPDATE SET"
		" value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)";
	struct vigie_stmt *st;
	int rc, kept = 0;
	if (!src->amend && (rc = shrink_check(s, src, err)))
		return rc;
	if (!src->amend) {
		kept = !src->adds && s->in_tx && !strcmp(s->kept, src->name);
		s->kept[0] = '\0';
	}
	if (!(st = vigie_store_stmt(s, src->amend ? amend : sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, src->name);
	vigie_store_bind_text(st, 2, src->location);
	vigie_store_bind_int64(st, 3, src->imported_at);
	vigie_store_bind_int64(st, 4, src->data_date);
	vigie_store_bind_int64(st, 5, src->rows);
	vigie_store_bind_text(st, 6, src->etag);
	vigie_store_bind_text(st, 7, src->last_modified);
	if (!src->amend)
		vigie_store_bind_int64(st, 8, kept);
	if ((rc = vigie_store_step_done(s, st, err, "record source")))
		return rc;
	if (!(st = vigie_store_stmt(s, bump, err)))
		return VIGIE_EDB;
	return vigie_store_step_done(s, st, err, "record data version");
}

int vigie_store_data_version(struct vigie_store *s, int64_t *version,
			     struct vigie_error *err)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = 'data_version'";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*version = 0;
	if (!st)
		return VIGIE_EDB;
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW && vigie_store_col_text(st, 0))
		*version = strtoll(vigie_store_col_text(st, 0), NULL, 10);
	vdb_reset(st);
	return rc == VIGIE_STEP_ERROR ? vigie_store_dberr(s, err, "read data version") : 0;
}

int vigie_store_sources_each(struct vigie_store *s, store_source_cb *cb, void *ud,
		       struct vigie_error *err)
{
	static const char sql[] =
		"SELECT name, location, imported_at, data_date, rows, etag,"
		" last_modified, prev_rows, prev_location, prev_imported_at,"
		" prev_data_date, prev_kept, rolled_back_at, rolled_back_imported_at,"
		" rolled_back_rows FROM sources ORDER BY name";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_source src = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			vdb_col_int64(st, 2), vdb_col_int64(st, 3),
			(long)vdb_col_int64(st, 4), vigie_store_col_text(st, 5),
			vigie_store_col_text(st, 6), 0, 0,
			!vdb_col_isnull(st, 7), vigie_store_col_text(st, 8),
			vdb_col_int64(st, 9), vdb_col_int64(st, 10),
			(long)vdb_col_int64(st, 7), vdb_col_int64(st, 11) != 0,
			vdb_col_int64(st, 12), vdb_col_int64(st, 13),
			(long)vdb_col_int64(st, 14)
		};
		int r = cb(ud, &src);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list sources");
	return 0;
}

int vigie_store_source_validators(struct vigie_store *s, const char *name,
			    char **etag, char **last_modified,
			    struct vigie_error *err)
{
	static const char sql[] =
		"SELECT etag, last_modified FROM sources WHERE name=?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*etag = *last_modified = NULL;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		const char *e = vigie_store_col_text(st, 0), *l = vigie_store_col_text(st, 1);
		*etag = e ? strdup(e) : NULL;
		*last_modified = l ? strdup(l) : NULL;
		rc = 0;
	} else if (rc == VIGIE_STEP_DONE) {
		rc = VIGIE_ENOTFOUND;
	} else {
		rc = vigie_store_dberr(s, err, "read source");
	}
	vdb_reset(st);
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
	struct vigie_stmt *st;
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
	if (!(st = s->drv->prepare(s->conn, sql))) {
		vigie_store_dberr(s, err, "count");
		return -1;
	}
	if (s->drv->step(st) == VIGIE_STEP_ROW)
		n = (long)s->drv->col_int64(st, 0);
	else
		vigie_store_dberr(s, err, "count");
	s->drv->finalize(st);
	return n;
}

int vigie_store_read_begin(struct vigie_store *s)
{
	/* one snapshot (and, in SQLite, one shared lock) for a burst of reads
	 * instead of one per statement; a statement still stepping (a caller
	 * iterating) already holds one: leave it alone */
	if (s->in_tx || s->in_read || s->drv->in_transaction(s->conn))
		return 0;
	if (s->drv->begin(s->conn, VIGIE_TX_READ, 0))
		return 0;
	s->in_read = 1;
	return 1;
}

void vigie_store_read_end(struct vigie_store *s)
{
	if (!s->in_read)
		return;
	s->drv->commit(s->conn);
	s->in_read = 0;
}
