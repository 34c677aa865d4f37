/* Private to lib/store*.c: the connection and helpers around SQLite. */
#ifndef VIGIE_STORE_INTERNAL_H
#define VIGIE_STORE_INTERNAL_H

#include <sqlite3.h>

#include "vigie/store/store.h"
#include "vigie/core/util.h"

#define STORE_MAX_STMTS 128

struct vigie_store {
	sqlite3 *db;
	char *path;
	int in_tx;
	int in_read;      /* vigie_store_read_begin() opened a read transaction */
	/* prepared statements, cached by the address of their SQL literal */
	const char *stmt_sql[STORE_MAX_STMTS];
	sqlite3_stmt *stmt[STORE_MAX_STMTS];
	int nstmt;
	/* memory behind strings returned by store_*_get (valid until the
	 * next such call) */
	struct vigie_buf scratch;
};

/* A cached, reset statement for a string literal; NULL on error (err set). */
sqlite3_stmt *vigie_store_stmt(struct vigie_store *s, const char *sql,
			 struct vigie_error *err);
/* Fill err from the connection's last error. Returns VIGIE_EDB. */
int vigie_store_dberr(struct vigie_store *s, struct vigie_error *err,
		const char *what);
/* Run SQL with no results. */
int vigie_store_exec(struct vigie_store *s, const char *sql, struct vigie_error *err);
/* Bind helpers: NULL text binds SQL NULL. */
int vigie_store_bind_text(sqlite3_stmt *st, int i, const char *v);
int vigie_store_bind_int64(sqlite3_stmt *st, int i, int64_t v);
/* Step a statement that returns no row; resets it. */
int vigie_store_step_done(struct vigie_store *s, sqlite3_stmt *st,
		    struct vigie_error *err, const char *what);
/* Column text or NULL. */
const char *vigie_store_col_text(sqlite3_stmt *st, int i);

/* Migrations: lib/store_schema.c */
struct store_migration {
	int version;
	const char *sql;
};
extern const struct store_migration vigie_store_migrations[];
extern const int vigie_store_nmigrations;

#endif
