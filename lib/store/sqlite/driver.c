/* The SQLite driver: the only code that includes sqlite3.h. WAL journal
 * (readers see the last committed data during an import), one writer at a
 * time (BEGIN IMMEDIATE, bounded wait), file 0640 in directories 0750. */
#include "vigie/store/driver.h"
#include "vigie/core/util.h"
#include "vigie/core/file.h"
#include "store/sqlite/schema.h"

#include <sqlite3.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BULK_BATCH 32
#define BUSY_TIMEOUT_MS 10000

struct sq_stmt {
	struct vigie_stmt base;
	sqlite3_stmt *st;
};

struct vigie_conn {
	sqlite3 *db;
	char *path;
	char errbuf[512];
	/* bulk load */
	sqlite3_stmt *bulk_one, *bulk_many;
	int bulk_ncols, bulk_nrows;
	int64_t bulk_skipped;
	struct vigie_buf bulk_mem;
	size_t bulk_off[BULK_BATCH * 16];
	unsigned char bulk_null[BULK_BATCH * 16];
};

static const char *sq_error(struct vigie_conn *c)
{
	if (c->errbuf[0])
		return c->errbuf;
	return c->db ? sqlite3_errmsg(c->db) : "out of memory";
}

static void sq_clear_error(struct vigie_conn *c)
{
	c->errbuf[0] = '\0';
}

/* Create the database file with its final mode whatever the umask, and
 * never through a symbolic link planted at its name. */
static int create_file(const char *path, struct vigie_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, VIGIE_FILE_MODE);
	if (fd < 0) {
		if (errno == EEXIST) {
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
				return vigie_error_set(err, VIGIE_EIO, path, 0,
						       "refusing a database behind a symbolic link");
			return 0;
		}
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot create database: %s",
				       strerror(errno));
	}
	if (fchmod(fd, VIGIE_FILE_MODE)) {
		int e = errno;
		close(fd);
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot set mode: %s",
				       strerror(e));
	}
	close(fd);
	return 0;
}

static void sq_close(struct vigie_conn *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->bulk_one);
	sqlite3_finalize(c->bulk_many);
	sqlite3_close(c->db);
	vigie_buf_release(&c->bulk_mem);
	free(c->path);
	free(c);
}

static int sq_exec(struct vigie_conn *c, const char *sql)
{
	char *msg = NULL;
	sq_clear_error(c);
	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(c->errbuf, sizeof(c->errbuf), "%s", msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int sq_open(struct vigie_conn **out, const char *path, int flags,
		   struct vigie_error *err)
{
	struct vigie_conn *c;
	int rc, oflags, mem = !strcmp(path, ":memory:");

	*out = NULL;
	if (!*path)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "empty database path");
	if (!(c = calloc(1, sizeof(*c))) || !(c->path = strdup(path))) {
		free(c);
		return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
	}
	if (!(flags & VIGIE_STORE_READONLY) && !mem &&
	    ((rc = vigie_mkdirs_for(path, VIGIE_DIR_MODE, err)) || (rc = create_file(path, err))))
		goto fail;
	oflags = (flags & VIGIE_STORE_READONLY) ? SQLITE_OPEN_READONLY
						: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &c->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = vigie_error_set(err, VIGIE_EDB, path, 0, "cannot open database: %s",
				     c->db ? sqlite3_errmsg(c->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if (sq_exec(c, "PRAGMA foreign_keys=ON") ||
	    (!(flags & VIGIE_STORE_READONLY) &&
	     (sq_exec(c, "PRAGMA journal_mode=WAL") || sq_exec(c, "PRAGMA synchronous=NORMAL")))) {
		rc = vigie_error_set(err, VIGIE_EDB, path, 0, "%s", sq_error(c));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	sq_close(c);
	return rc;
}

static const char *sq_location(struct vigie_conn *c)
{
	return c->path;
}

static struct vigie_stmt *sq_prepare(struct vigie_conn *c, const char *sql)
{
	struct sq_stmt *s = calloc(1, sizeof(*s));
	sq_clear_error(c);
	if (!s) {
		snprintf(c->errbuf, sizeof(c->errbuf), "out of memory");
		return NULL;
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) !=
	    SQLITE_OK) {
		free(s);
		return NULL;
	}
	s->base.drv = &vigie_store_sqlite_driver;
	s->base.conn = c;
	return &s->base;
}

#define SQ(st) (((struct sq_stmt *)(st))->st)

static void sq_finalize(struct vigie_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(SQ(st));
	free(st);
}

static int sq_bind_text(struct vigie_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(SQ(st), i, v, -1, SQLITE_TRANSIENT)
		 : sqlite3_bind_null(SQ(st), i);
}

static int sq_bind_int64(struct vigie_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(SQ(st), i, v);
}

static int sq_bind_double(struct vigie_stmt *st, int i, double v)
{
	return sqlite3_bind_double(SQ(st), i, v);
}

static int sq_bind_null(struct vigie_stmt *st, int i)
{
	return sqlite3_bind_null(SQ(st), i);
}

static int sq_step(struct vigie_stmt *st)
{
	int rc;
	sq_clear_error(st->conn);
	rc = sqlite3_step(SQ(st));
	if (rc == SQLITE_ROW)
		return VIGIE_STEP_ROW;
	if (rc == SQLITE_DONE)
		return VIGIE_STEP_DONE;
	return VIGIE_STEP_ERROR;
}

static void sq_reset(struct vigie_stmt *st)
{
	sqlite3_reset(SQ(st));
	sqlite3_clear_bindings(SQ(st));
}

static const char *sq_col_text(struct vigie_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(SQ(st), i);
}

static int64_t sq_col_int64(struct vigie_stmt *st, int i)
{
	return sqlite3_column_int64(SQ(st), i);
}

static double sq_col_double(struct vigie_stmt *st, int i)
{
	return sqlite3_column_double(SQ(st), i);
}

static int sq_col_isnull(struct vigie_stmt *st, int i)
{
	return sqlite3_column_type(SQ(st), i) == SQLITE_NULL;
}

static int64_t sq_changes(struct vigie_stmt *st)
{
	return sqlite3_changes(st->conn->db);
}

static int sq_begin(struct vigie_conn *c, enum vigie_tx_kind kind, int wait_ms)
{
	int rc;
	if (kind != VIGIE_TX_WRITE)
		return sq_exec(c, "BEGIN");
	sqlite3_busy_timeout(c->db, wait_ms);
	rc = sq_exec(c, "BEGIN IMMEDIATE");
	if (rc && (sqlite3_errcode(c->db) & 0xff) == SQLITE_BUSY)
		rc = VIGIE_TX_BUSY;
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	return rc;
}

static int sq_commit(struct vigie_conn *c)
{
	return sq_exec(c, "COMMIT");
}

static int sq_rollback(struct vigie_conn *c)
{
	sqlite3_stmt *st = NULL;
	while ((st = sqlite3_next_stmt(c->db, st)))
		sqlite3_reset(st);
	c->bulk_nrows = 0;
	vigie_buf_reset(&c->bulk_mem);
	if (sqlite3_get_autocommit(c->db))
		return 0;
	return sq_exec(c, "ROLLBACK");
}

static int sq_in_transaction(struct vigie_conn *c)
{
	sqlite3_stmt *st = NULL;
	if (!sqlite3_get_autocommit(c->db))
		return 1;
	while ((st = sqlite3_next_stmt(c->db, st)))
		if (sqlite3_stmt_busy(st))
			return 1;
	return 0;
}

/* The version is kept in schema_migrations (one row per applied
 * migration); databases made before that table existed recorded it in
 * PRAGMA user_version only. */
static int sq_schema_version(struct vigie_conn *c, int *version)
{
	sqlite3_stmt *st;
	int rc;
	*version = 0;
	sq_clear_error(c);
	rc = sqlite3_prepare_v2(c->db,
				"SELECT max(version) FROM schema_migrations", -1, &st, NULL);
	if (rc != SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int sq_schema_set_version(struct vigie_conn *c, int version)
{
	char sql[256];
	int have_table = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE type='table'"
			       " AND name='schema_migrations'", -1, &st, NULL) == SQLITE_OK) {
		have_table = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (have_table)
		snprintf(sql, sizeof(sql),
			 "INSERT INTO schema_migrations(version, applied_at) VALUES(%d, %lld);"
			 " PRAGMA user_version=%d", version, (long long)vigie_now(), version);
	else
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", version);
	return sq_exec(c, sql);
}

static int bulk_flush(struct vigie_conn *c)
{
	int n = c->bulk_nrows, done = 0;
	while (done < n) {
		int batch = (n - done >= BULK_BATCH) ? BULK_BATCH : 1;
		sqlite3_stmt *st = batch == BULK_BATCH ? c->bulk_many : c->bulk_one;
		for (int r = 0; r < batch; r++)
			for (int k = 0; k < c->bulk_ncols; k++) {
				size_t idx = (size_t)(done + r) * (size_t)c->bulk_ncols + (size_t)k;
				int p = r * c->bulk_ncols + k + 1;
				if (c->bulk_null[idx])
					sqlite3_bind_null(st, p);
				else
					sqlite3_bind_text(st, p, c->bulk_mem.data + c->bulk_off[idx],
							  -1, SQLITE_STATIC);
			}
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return -1;
		}
		c->bulk_skipped += batch - sqlite3_changes(c->db);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		done += batch;
	}
	c->bulk_nrows = 0;
	vigie_buf_reset(&c->bulk_mem);
	return 0;
}

static int sq_bulk_begin(struct vigie_conn *c, const char *table,
			 const char *const *cols, int ncols)
{
	struct vigie_buf one = VIGIE_BUF_INIT, many = VIGIE_BUF_INIT, head = VIGIE_BUF_INIT;
	int rc = -1;

	sq_clear_error(c);
	if (ncols < 1 || ncols > 16) {
		snprintf(c->errbuf, sizeof(c->errbuf), "bulk load of %d columns", ncols);
		return -1;
	}
	sqlite3_finalize(c->bulk_one);
	sqlite3_finalize(c->bulk_many);
	c->bulk_one = c->bulk_many = NULL;
	/* OR FAIL: a NOT NULL violation still fails the statement, but no
	 * statement journal is kept to undo a multi-row INSERT's first rows
	 * (the caller's transaction is rolled back on any error): ~600 MB
	 * less written to a temporary file on a tracker import */
	vigie_buf_addf(&head, "INSERT OR FAIL INTO %s(", table);
	for (int k = 0; k < ncols; k++)
		vigie_buf_addf(&head, "%s%s", k ? "," : "", cols[k]);
	vigie_buf_adds(&head, ") VALUES");
	vigie_buf_adds(&one, head.data);
	vigie_buf_adds(&many, head.data);
	for (int r = 0; r < BULK_BATCH; r++) {
		struct vigie_buf *b = &many;
		vigie_buf_adds(b, r ? ",(" : "(");
		for (int k = 0; k < ncols; k++)
			vigie_buf_adds(b, k ? ",?" : "?");
		vigie_buf_adds(b, ")");
		if (!r) {
			vigie_buf_adds(&one, "(");
			for (int k = 0; k < ncols; k++)
				vigie_buf_adds(&one, k ? ",?" : "?");
			vigie_buf_adds(&one, ")");
		}
	}
	vigie_buf_adds(&one, " ON CONFLICT DO NOTHING");
	vigie_buf_adds(&many, " ON CONFLICT DO NOTHING");
	if (!one.data || !many.data)
		goto out;
	if (sqlite3_prepare_v3(c->db, one.data, -1, SQLITE_PREPARE_PERSISTENT, &c->bulk_one, NULL) ||
	    sqlite3_prepare_v3(c->db, many.data, -1, SQLITE_PREPARE_PERSISTENT, &c->bulk_many, NULL))
		goto out;
	c->bulk_ncols = ncols;
	c->bulk_nrows = 0;
	c->bulk_skipped = 0;
	vigie_buf_reset(&c->bulk_mem);
	rc = 0;
out:
	vigie_buf_release(&one);
	vigie_buf_release(&many);
	vigie_buf_release(&head);
	return rc;
}

static int sq_bulk_row(struct vigie_conn *c, const char *const *vals)
{
	sq_clear_error(c);
	for (int k = 0; k < c->bulk_ncols; k++) {
		size_t idx = (size_t)c->bulk_nrows * (size_t)c->bulk_ncols + (size_t)k;
		c->bulk_null[idx] = vals[k] == NULL;
		c->bulk_off[idx] = c->bulk_mem.len;
		if (vals[k] && vigie_buf_add(&c->bulk_mem, vals[k], strlen(vals[k]) + 1)) {
			snprintf(c->errbuf, sizeof(c->errbuf), "out of memory");
			return -1;
		}
	}
	if (++c->bulk_nrows == BULK_BATCH)
		return bulk_flush(c);
	return 0;
}

static int sq_bulk_end(struct vigie_conn *c, int64_t *skipped)
{
	int rc = bulk_flush(c);
	*skipped = c->bulk_skipped;
	sqlite3_finalize(c->bulk_one);
	sqlite3_finalize(c->bulk_many);
	c->bulk_one = c->bulk_many = NULL;
	return rc;
}

static int sq_bulk_hint(struct vigie_conn *c, const char *table, int start)
{
	/* a whole tracker import rewrites ~140 MB of pages (the rows, the
	 * previous rows kept for `db rollback`, the issues): a page cache of
	 * 128 MB (allocated as used) spills few of them to the WAL to read
	 * them back, and the vuln index is rebuilt once, sorted, at the end
	 * (a rollback restores it) */
	/* the finding history of a whole fleet judged in one transaction:
	 * its partial index of open rows and the many hosts' rows touch more
	 * pages than a page cache of 2 MB holds */
	if (!strcmp(table, "finding_history"))
		return sq_exec(c, start ? "PRAGMA cache_size=-131072" : "PRAGMA cache_size=-2000");
	if (strcmp(table, "tracker"))
		return 0;
	if (start)
		return sq_exec(c, "PRAGMA cache_size=-131072;"
				  " DROP INDEX IF EXISTS tracker_vuln");
	if (sqlite3_get_autocommit(c->db))
		return sq_exec(c, "PRAGMA cache_size=-2000");
	return sq_exec(c, "CREATE INDEX IF NOT EXISTS tracker_vuln ON tracker(vuln);"
			  " PRAGMA cache_size=-2000");
}


const struct vigie_store_driver vigie_store_sqlite_driver = {
	.version = VIGIE_STORE_DRIVER_VERSION,
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.location = sq_location,
	.last_error = sq_error,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_text = sq_bind_text,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.col_text = sq_col_text,
	.col_int64 = sq_col_int64,
	.col_double = sq_col_double,
	.col_isnull = sq_col_isnull,
	.changes = sq_changes,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_transaction = sq_in_transaction,
	.schema_version = sq_schema_version,
	.schema_set_version = sq_schema_set_version,
	.migrations = vigie_store_sqlite_migrations,
	.nmigrations = VIGIE_SQLITE_NMIGRATIONS,
	.bulk_begin = sq_bulk_begin,
	.bulk_row = sq_bulk_row,
	.bulk_end = sq_bulk_end,
	.bulk_hint = sq_bulk_hint,
};
