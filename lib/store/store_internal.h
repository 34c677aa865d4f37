/* Private to lib/store/: the store's connection, its statement cache and
 * thin calls through the driver (include/vigie/store/driver.h). No engine
 * header is included here: SQL is portable, engines live in sqlite/ and pg/. */
#ifndef VIGIE_STORE_INTERNAL_H
#define VIGIE_STORE_INTERNAL_H

#include "vigie/store/driver.h"
#include "vigie/store/store.h"
#include "vigie/store/service.h"
#include "vigie/core/util.h"

#define STORE_MAX_STMTS 256

enum { STORE_BULK_NONE, STORE_BULK_TRACKER, STORE_BULK_VULNS };

struct vigie_store {
	const struct vigie_store_driver *drv;
	struct vigie_conn *conn;
	char *url;        /* as given to vigie_store_open */
	int in_tx;
	int in_read;      /* vigie_store_read_begin() opened a read transaction */
	int bulk;         /* the bulk load open: STORE_BULK_* */
	int64_t bulk_skipped;
	int allow_shrink; /* vigie_store_allow_shrink() */
	char kept[96];    /* source whose previous rows this transaction kept */
	/* vigie_store_history_observe */
	store_history_change_cb *hist_cb;
	void *hist_ud;
	/* prepared statements, cached by the address of their SQL literal */
	const char *stmt_sql[STORE_MAX_STMTS];
	struct vigie_stmt *stmt[STORE_MAX_STMTS];
	int nstmt;
};

/* A cached, reset statement for a string literal; NULL on error (err set). */
struct vigie_stmt *vigie_store_stmt(struct vigie_store *s, const char *sql,
				    struct vigie_error *err);
/* Fill err from the connection's last error. Returns VIGIE_EDB. */
int vigie_store_dberr(struct vigie_store *s, struct vigie_error *err,
		      const char *what);
/* Run SQL with no results. */
int vigie_store_exec(struct vigie_store *s, const char *sql, struct vigie_error *err);
/* Step a statement that returns no row; resets it. */
int vigie_store_step_done(struct vigie_store *s, struct vigie_stmt *st,
			  struct vigie_error *err, const char *what);
/* Reset every cached statement (before a rollback). */
void vigie_store_reset_all(struct vigie_store *s);
/* Copy text column i of st's current row into arena: *out is NULL for SQL
 * NULL. 0, or VIGIE_ENOMEM (err set). What a get returns is copied so. */
int vigie_store_col_copy(struct vigie_stmt *st, int i, struct vigie_arena *arena,
			 const char **out, struct vigie_error *err);

/* Calls through the statement's driver. NULL text binds SQL NULL. */
static inline int vigie_store_bind_text(struct vigie_stmt *st, int i, const char *v)
{
	return st->drv->bind_text(st, i, v);
}

/* An IN list of up to 64 names: VIGIE_STORE_IN64 closes "x IN (" with 64
 * placeholders and a NULL; vigie_store_bind_in64 binds v[0..n) from
 * parameter first on and the others NULL, which match nothing. */
#define VIGIE_STORE_P8 "?,?,?,?,?,?,?,?,"
#define VIGIE_STORE_IN64                                                       \
	VIGIE_STORE_P8 VIGIE_STORE_P8 VIGIE_STORE_P8 VIGIE_STORE_P8 VIGIE_STORE_P8 \
	VIGIE_STORE_P8 VIGIE_STORE_P8 VIGIE_STORE_P8 "NULL)"
static inline void vigie_store_bind_in64(struct vigie_stmt *st, int first,
					 const char *const *v, size_t n)
{
	for (size_t k = 0; k < 64; k++)
		vigie_store_bind_text(st, first + (int)k, k < n ? v[k] : NULL);
}
static inline int vigie_store_bind_int64(struct vigie_stmt *st, int i, int64_t v)
{
	return st->drv->bind_int64(st, i, v);
}
static inline int vdb_bind_double(struct vigie_stmt *st, int i, double v)
{
	return st->drv->bind_double(st, i, v);
}
static inline int vdb_bind_null(struct vigie_stmt *st, int i)
{
	return st->drv->bind_null(st, i);
}
static inline int vdb_step(struct vigie_stmt *st)
{
	return st->drv->step(st);
}
static inline void vdb_reset(struct vigie_stmt *st)
{
	st->drv->reset(st);
}
static inline const char *vigie_store_col_text(struct vigie_stmt *st, int i)
{
	return st->drv->col_text(st, i);
}
static inline int64_t vdb_col_int64(struct vigie_stmt *st, int i)
{
	return st->drv->col_int64(st, i);
}
static inline double vdb_col_double(struct vigie_stmt *st, int i)
{
	return st->drv->col_double(st, i);
}
static inline int vdb_col_isnull(struct vigie_stmt *st, int i)
{
	return st->drv->col_isnull(st, i);
}
static inline int64_t vdb_changes(struct vigie_stmt *st)
{
	return st->drv->changes(st);
}

#endif
