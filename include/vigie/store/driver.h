/* vigie: the store driver interface. The store (lib/store/) implements what
 * vigie stores in portable SQL once; a driver gives it a connection to one
 * engine: SQLite (lib/store/sqlite/) or PostgreSQL (lib/store/pg/). The URL
 * chooses the driver: a path or sqlite:///path is SQLite, postgresql://... or
 * postgres://... (a libpq conninfo URI) is PostgreSQL.
 *
 * The SQL handed to a driver uses ? or ?N placeholders and the subset both
 * engines accept (INSERT ... ON CONFLICT, RETURNING, SAVEPOINT, CASE,
 * coalesce); engine-specific set-up (schema, pragmas, bulk loads, locks)
 * stays in the driver. A connection and its statements belong to one thread
 * at a time; open one connection per thread. Every call that can fail
 * leaves a message for last_error(). */
#ifndef VIGIE_STORE_DRIVER_H
#define VIGIE_STORE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"

#define VIGIE_STORE_DRIVER_VERSION 1

struct vigie_conn; /* a driver's connection */

/* Every driver's statement starts with this header. */
struct vigie_stmt {
	const struct vigie_store_driver *drv;
	struct vigie_conn *conn;
};

enum vigie_step { VIGIE_STEP_ERROR = -1, VIGIE_STEP_DONE = 0, VIGIE_STEP_ROW = 1 };

enum vigie_tx_kind {
	VIGIE_TX_WRITE, /* one writer at a time; waits (bounded) for another */
	VIGIE_TX_READ,  /* one consistent snapshot for a burst of reads */
};
#define VIGIE_TX_BUSY 1 /* begin: another writer still holds the database */

struct vigie_store_driver {
	int version;      /* VIGIE_STORE_DRIVER_VERSION */
	const char *name; /* "sqlite", "postgresql" */

	/* Connect to target (the URL with any sqlite:// prefix removed).
	 * flags: VIGIE_STORE_READONLY. *out NULL on error. */
	int (*open)(struct vigie_conn **out, const char *target, int flags,
		    struct vigie_error *err);
	void (*close)(struct vigie_conn *c);
	/* Where the data lives, for messages: a path, or host:port/dbname
	 * (never a password). Owned by the connection. */
	const char *(*location)(struct vigie_conn *c);
	const char *(*last_error)(struct vigie_conn *c);

	/* Run one or more statements that return no rows. */
	int (*exec)(struct vigie_conn *c, const char *sql);
	/* A statement for repeated use; NULL on error. */
	struct vigie_stmt *(*prepare)(struct vigie_conn *c, const char *sql);
	void (*finalize)(struct vigie_stmt *st);
	/* Bindings are 1-based and copied; v NULL binds SQL NULL. */
	int (*bind_text)(struct vigie_stmt *st, int i, const char *v);
	int (*bind_int64)(struct vigie_stmt *st, int i, int64_t v);
	int (*bind_double)(struct vigie_stmt *st, int i, double v);
	int (*bind_null)(struct vigie_stmt *st, int i);
	/* Next row: VIGIE_STEP_ROW, _DONE or _ERROR. */
	int (*step)(struct vigie_stmt *st);
	/* Forget rows and bindings; the statement can run again. */
	void (*reset)(struct vigie_stmt *st);
	/* Columns of the current row, 0-based. col_text is NULL for SQL
	 * NULL and valid until the next step or reset. */
	const char *(*col_text)(struct vigie_stmt *st, int i);
	int64_t (*col_int64)(struct vigie_stmt *st, int i);
	double (*col_double)(struct vigie_stmt *st, int i);
	int (*col_isnull)(struct vigie_stmt *st, int i);
	/* Rows written by the statement's last run. */
	int64_t (*changes)(struct vigie_stmt *st);

	/* Open a transaction. A write transaction waits at most wait_ms for
	 * another writer; returns VIGIE_TX_BUSY (1) when it still holds the
	 * database then, -1 on any other error, 0 when open. */
	int (*begin)(struct vigie_conn *c, enum vigie_tx_kind kind, int wait_ms);
	int (*commit)(struct vigie_conn *c);
	int (*rollback)(struct vigie_conn *c);
	/* 1 while a transaction (or a read still stepping) is open. */
	int (*in_transaction)(struct vigie_conn *c);

	/* Schema: the version recorded, and the driver's migrations (each a
	 * version and its SQL, applied in order inside one transaction that
	 * also records the version). */
	int (*schema_version)(struct vigie_conn *c, int *version);
	int (*schema_set_version)(struct vigie_conn *c, int version);
	const struct vigie_migration *migrations;
	int nmigrations;

	/* Bulk load into table: rows whose key already exists are skipped
	 * and counted. Values are text (NULL for SQL NULL). SQLite: one
	 * prepared INSERT; PostgreSQL: COPY into a staging table. */
	int (*bulk_begin)(struct vigie_conn *c, const char *table,
			  const char *const *cols, int ncols);
	int (*bulk_row)(struct vigie_conn *c, const char *const *vals);
	int (*bulk_end)(struct vigie_conn *c, int64_t *skipped);
	/* Hints around a large rewrite of one table (SQLite raises its page
	 * cache and drops secondary indexes; others may do nothing). */
	int (*bulk_hint)(struct vigie_conn *c, const char *table, int start);
	/* 1 when each statement is a network round trip (PostgreSQL): the
	 * store then prefers one larger read to many small ones. */
	int remote;
};

struct vigie_migration {
	int version;
	const char *sql;
};

#define VIGIE_STORE_READONLY 1

extern const struct vigie_store_driver vigie_store_sqlite_driver;
extern const struct vigie_store_driver vigie_store_pg_driver;

/* The driver for url and the target to pass to its open(): "sqlite:///p"
 * gives "/p", a bare path itself, "postgresql://..." the whole URL. NULL
 * (err set) for an unknown scheme. */
const struct vigie_store_driver *vigie_store_driver_for(const char *url,
							 const char **target,
							 struct vigie_error *err);

#endif
