/* The PostgreSQL driver: the only code that includes libpq-fe.h.
 *
 * Statements are prepared once per connection (PQprepare, parameters sent
 * as text, types inferred by the server from the SQL); a result is read
 * whole, so a caller may run other statements while iterating. Writers
 * are serialised by a transaction-level advisory lock, as SQLite's BEGIN
 * IMMEDIATE does, and readers keep seeing the last committed data (MVCC).
 * Bulk loads go through COPY into a staging table, then one
 * INSERT ... SELECT ... ON CONFLICT DO NOTHING. The password is libpq's
 * business (~/.pgpass, PGPASSFILE, PGPASSWORD, the URL): it never appears
 * in a message, which names host, port and database only. */
#include "vigie/store/driver.h"
#include "vigie/core/util.h"
#include "store/pg/schema.h"

#include <libpq-fe.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a statement's parameters (the batched reads list 256) */
#define PG_MAX_PARAMS 1024
#define PG_COPY_CHUNK (4u << 20)
/* one key for every vigie writer of a database */
#define PG_WRITER_LOCK "84700001"

struct pg_stmt {
	struct vigie_stmt base;
	char name[24];
	int nparams;
	PGresult *res;
	int row, nrows, executed;
	int64_t changes;
	char *params[]; /* nparams */
};

struct vigie_conn {
	PGconn *pg;
	char location[320];
	char errbuf[1024];
	unsigned nstmt;
	/* bulk load */
	char *bulk_table;
	char *bulk_cols; /* "a,b,c" */
	int bulk_ncols;
	int64_t bulk_staged;
	struct vigie_buf copy;
};

static void set_error(struct vigie_conn *c, const char *msg)
{
	size_t n;
	snprintf(c->errbuf, sizeof(c->errbuf), "%s", msg && *msg ? msg : "unknown error");
	n = strlen(c->errbuf);
	while (n && (c->errbuf[n - 1] == '\n' || c->errbuf[n - 1] == ' '))
		c->errbuf[--n] = '\0';
}

static void set_result_error(struct vigie_conn *c, const PGresult *r)
{
	if (PQstatus(c->pg) == CONNECTION_BAD)
		set_error(c, PQerrorMessage(c->pg));
	else
		set_error(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
}

static const char *pg_error(struct vigie_conn *c)
{
	return c->errbuf[0] ? c->errbuf : "unknown error";
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void pg_close(struct vigie_conn *c)
{
	if (!c)
		return;
	if (c->pg)
		PQfinish(c->pg);
	free(c->bulk_table);
	free(c->bulk_cols);
	vigie_buf_release(&c->copy);
	free(c);
}

/* host, port and database named by url, for messages (never the
 * password); libpq's own parser, so every form it accepts is named. */
static void describe_target(char *out, size_t size, const char *url)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr), *o;
	const char *host = NULL, *hostaddr = NULL, *port = NULL, *db = NULL, *user = NULL;

	PQfreemem(perr);
	for (o = opts; o && o->keyword; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "host"))
			host = o->val;
		else if (!strcmp(o->keyword, "hostaddr"))
			hostaddr = o->val;
		else if (!strcmp(o->keyword, "port"))
			port = o->val;
		else if (!strcmp(o->keyword, "dbname"))
			db = o->val;
		else if (!strcmp(o->keyword, "user"))
			user = o->val;
	}
	snprintf(out, size, "postgresql://%s%s%s:%s/%s", user ? user : "", user ? "@" : "",
		 host ? host : hostaddr ? hostaddr : getenv("PGHOST") ? getenv("PGHOST") : "localhost",
		 port ? port : getenv("PGPORT") ? getenv("PGPORT") : "5432",
		 db ? db : getenv("PGDATABASE") ? getenv("PGDATABASE") : "(default)");
	PQconninfoFree(opts);
}

static int run(struct vigie_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType t = PQresultStatus(r);
	int ok = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY;
	if (!ok)
		set_result_error(c, r);
	PQclear(r);
	return ok ? 0 : -1;
}

static int pg_open(struct vigie_conn **out, const char *url, int flags,
		   struct vigie_error *err)
{
	/* defaults first: values in the URL override them */
	const char *const keys[] = { "connect_timeout", "application_name",
				     "dbname", NULL };
	const char *vals[] = { "10", "vigie", url, NULL };
	struct vigie_conn *c;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	describe_target(c->location, sizeof(c->location), url);
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		char why[1024];
		snprintf(why, sizeof(why), "%s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
		why[strcspn(why, "\n")] = '\0';
		vigie_error_set(err, VIGIE_EDB, c->location, 0,
				"cannot connect to PostgreSQL: %s", why);
		pg_close(c);
		return VIGIE_EDB;
	}
	/* name what we reached, as the server reports it */
	snprintf(c->location, sizeof(c->location), "postgresql://%s@%s:%s/%s",
		 PQuser(c->pg), PQhost(c->pg), PQport(c->pg), PQdb(c->pg));
	PQsetNoticeProcessor(c->pg, quiet_notices, NULL);
	/* vigie's statements are short and prepared: JIT compilation costs
	 * them more than it saves (the fleet page paid 20-200 ms per request) */
	if (run(c, "SET client_min_messages = warning;"
		   " SET TIME ZONE 'UTC'; SET standard_conforming_strings = on;"
		   " SET jit = off") ||
	    ((flags & VIGIE_STORE_READONLY) &&
	     run(c, "SET default_transaction_read_only = on"))) {
		vigie_error_set(err, VIGIE_EDB, c->location, 0, "%s", pg_error(c));
		pg_close(c);
		return VIGIE_EDB;
	}
	*out = c;
	return 0;
}

static const char *pg_location(struct vigie_conn *c)
{
	return c->location;
}

static int pg_exec(struct vigie_conn *c, const char *sql)
{
	return run(c, sql);
}

/* ? and ?N placeholders become $N; quoted text is left alone. */
static char *convert_sql(const char *sql, int *nparams)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	int next = 0, max = 0;
	const char *p = sql;

	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *e = p + 1;
			while (*e && *e != q)
				e++;
			if (*e)
				e++;
			vigie_buf_add(&b, p, (size_t)(e - p));
			p = e;
		} else if (*p == '?') {
			int n;
			p++;
			if (*p >= '0' && *p <= '9') {
				n = 0;
				while (*p >= '0' && *p <= '9')
					n = n * 10 + (*p++ - '0');
			} else {
				n = ++next;
			}
			if (n > max)
				max = n;
			vigie_buf_addf(&b, "$%d", n);
		} else {
			vigie_buf_add(&b, p, 1);
			p++;
		}
	}
	*nparams = max;
	if (!b.data)
		vigie_buf_adds(&b, "");
	return b.data;
}

static struct vigie_stmt *pg_prepare(struct vigie_conn *c, const char *sql)
{
	struct pg_stmt *s;
	PGresult *r;
	char *conv;
	int n;

	if (!(conv = convert_sql(sql, &n))) {
		set_error(c, "out of memory");
		return NULL;
	}
	if (n > PG_MAX_PARAMS) {
		free(conv);
		set_error(c, "too many parameters");
		return NULL;
	}
	if (!(s = calloc(1, sizeof(*s) + (size_t)n * sizeof(*s->params)))) {
		free(conv);
		set_error(c, "out of memory");
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "v%u", ++c->nstmt);
	r = PQprepare(c->pg, s->name, conv, 0, NULL);
	free(conv);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_result_error(c, r);
		PQclear(r);
		free(s);
		return NULL;
	}
	PQclear(r);
	s->base.drv = &vigie_store_pg_driver;
	s->base.conn = c;
	s->nparams = n;
	return &s->base;
}

#define PS(st) ((struct pg_stmt *)(st))

static void clear_params(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
}

static void pg_reset(struct vigie_stmt *st)
{
	struct pg_stmt *s = PS(st);
	PQclear(s->res);
	s->res = NULL;
	s->executed = 0;
	s->row = s->nrows = 0;
	clear_params(s);
}

static void pg_finalize(struct vigie_stmt *st)
{
	struct pg_stmt *s = PS(st);
	char sql[64];
	if (!st)
		return;
	pg_reset(st);
	if (PQstatus(st->conn->pg) == CONNECTION_OK &&
	    PQtransactionStatus(st->conn->pg) == PQTRANS_IDLE) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(st->conn->pg, sql));
	}
	free(s);
}

static int set_param(struct vigie_stmt *st, int i, char *v, int isnull)
{
	struct pg_stmt *s = PS(st);
	if (i < 1 || i > s->nparams) {
		free(v);
		set_error(st->conn, "parameter index out of range");
		return -1;
	}
	free(s->params[i - 1]);
	s->params[i - 1] = isnull ? NULL : v;
	if (!isnull && !v) {
		set_error(st->conn, "out of memory");
		return -1;
	}
	return 0;
}

static int pg_bind_text(struct vigie_stmt *st, int i, const char *v)
{
	return set_param(st, i, v ? strdup(v) : NULL, v == NULL);
}

static int pg_bind_int64(struct vigie_stmt *st, int i, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return set_param(st, i, strdup(buf), 0);
}

static int pg_bind_double(struct vigie_stmt *st, int i, double v)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.17g", v);
	return set_param(st, i, strdup(buf), 0);
}

static int pg_bind_null(struct vigie_stmt *st, int i)
{
	return set_param(st, i, NULL, 1);
}

static int pg_step(struct vigie_stmt *st)
{
	struct pg_stmt *s = PS(st);
	if (!s->executed) {
		ExecStatusType t;
		s->res = PQexecPrepared(st->conn->pg, s->name, s->nparams,
					(const char *const *)s->params, NULL, NULL, 0);
		s->executed = 1;
		t = PQresultStatus(s->res);
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
			set_result_error(st->conn, s->res);
			PQclear(s->res);
			s->res = NULL;
			return VIGIE_STEP_ERROR;
		}
		s->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
		s->nrows = t == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return VIGIE_STEP_ROW;
	}
	s->row = s->nrows;
	return VIGIE_STEP_DONE;
}

static int valid_cell(struct pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 &&
	       i < PQnfields(s->res);
}

static const char *pg_col_text(struct vigie_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);
	if (!valid_cell(s, i) || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int64(struct vigie_stmt *st, int i)
{
	const char *v = pg_col_text(st, i);
	if (!v)
		return 0;
	if (!strcmp(v, "t"))
		return 1;
	if (!strcmp(v, "f"))
		return 0;
	return strtoll(v, NULL, 10);
}

static double pg_col_double(struct vigie_stmt *st, int i)
{
	const char *v = pg_col_text(st, i);
	return v ? strtod(v, NULL) : 0.0;
}

static int pg_col_isnull(struct vigie_stmt *st, int i)
{
	return pg_col_text(st, i) == NULL;
}

static int64_t pg_changes(struct vigie_stmt *st)
{
	return PS(st)->changes;
}

static int pg_begin(struct vigie_conn *c, enum vigie_tx_kind kind, int wait_ms)
{
	char sql[160];
	PGresult *r;
	int busy;
	if (kind == VIGIE_TX_READ)
		return run(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (run(c, "BEGIN"))
		return -1;
	snprintf(sql, sizeof(sql), "SET LOCAL lock_timeout = '%dms'", wait_ms > 0 ? wait_ms : 1);
	if (run(c, sql)) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
		return -1;
	}
	r = PQexec(c->pg, "SELECT pg_advisory_xact_lock(" PG_WRITER_LOCK ")");
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	set_result_error(c, r);
	/* 55P03 lock_not_available: the other writer outlasted the wait */
	busy = PQresultErrorField(r, PG_DIAG_SQLSTATE) &&
	       !strcmp(PQresultErrorField(r, PG_DIAG_SQLSTATE), "55P03");
	PQclear(r);
	PQclear(PQexec(c->pg, "ROLLBACK"));
	if (busy)
		snprintf(c->errbuf, sizeof(c->errbuf), "another vigie is writing to this database");
	return busy ? VIGIE_TX_BUSY : -1;
}

static int pg_commit(struct vigie_conn *c)
{
	PGresult *r = PQexec(c->pg, "COMMIT");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	/* a transaction that failed earlier answers COMMIT with ROLLBACK */
	if (ok && !strcmp(PQcmdStatus(r), "ROLLBACK")) {
		set_error(c, "the transaction was aborted by an earlier error and rolled back");
		ok = 0;
	} else if (!ok) {
		set_result_error(c, r);
	}
	PQclear(r);
	return ok ? 0 : -1;
}

static int pg_rollback(struct vigie_conn *c)
{
	vigie_buf_reset(&c->copy);
	free(c->bulk_table);
	c->bulk_table = NULL;
	if (PQstatus(c->pg) != CONNECTION_OK ||
	    PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return 0;
	return run(c, "ROLLBACK");
}

static int pg_in_transaction(struct vigie_conn *c)
{
	return PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

static int pg_schema_version(struct vigie_conn *c, int *version)
{
	PGresult *r;
	int have;
	*version = 0;
	r = PQexec(c->pg, "SELECT to_regclass('schema_migrations') IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_result_error(c, r);
		PQclear(r);
		return -1;
	}
	have = !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (!have)
		return 0;
	r = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_result_error(c, r);
		PQclear(r);
		return -1;
	}
	*version = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

static int pg_schema_set_version(struct vigie_conn *c, int version)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO schema_migrations(version, applied_at) VALUES(%d, %lld)",
		 version, (long long)vigie_now());
	return run(c, sql);
}

/* ---- bulk loads ---- */

static int copy_flush(struct vigie_conn *c)
{
	struct vigie_buf sql = VIGIE_BUF_INIT;
	PGresult *r;
	int rc = -1;

	if (!c->copy.len)
		return 0;
	vigie_buf_addf(&sql, "COPY vigie_bulk(%s) FROM STDIN", c->bulk_cols);
	if (!sql.data) {
		set_error(c, "out of memory");
		return -1;
	}
	r = PQexec(c->pg, sql.data);
	vigie_buf_release(&sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		set_result_error(c, r);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (PQputCopyData(c->pg, c->copy.data, (int)c->copy.len) != 1 ||
	    PQputCopyEnd(c->pg, NULL) != 1) {
		set_error(c, PQerrorMessage(c->pg));
		while ((r = PQgetResult(c->pg)))
			PQclear(r);
		return -1;
	}
	rc = 0;
	while ((r = PQgetResult(c->pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			set_result_error(c, r);
			rc = -1;
		}
		PQclear(r);
	}
	vigie_buf_reset(&c->copy);
	return rc;
}

static int ident_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int pg_bulk_begin(struct vigie_conn *c, const char *table,
			 const char *const *cols, int ncols)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	int rc;

	if (!ident_ok(table) || ncols < 1) {
		set_error(c, "bad bulk load target");
		return -1;
	}
	for (int k = 0; k < ncols; k++) {
		if (!ident_ok(cols[k])) {
			set_error(c, "bad bulk load column");
			return -1;
		}
		vigie_buf_addf(&b, "%s%s", k ? "," : "", cols[k]);
	}
	free(c->bulk_table);
	free(c->bulk_cols);
	c->bulk_table = strdup(table);
	c->bulk_cols = b.data;
	c->bulk_ncols = ncols;
	c->bulk_staged = 0;
	vigie_buf_reset(&c->copy);
	if (!c->bulk_table || !c->bulk_cols) {
		set_error(c, "out of memory");
		return -1;
	}
	b = (struct vigie_buf)VIGIE_BUF_INIT;
	vigie_buf_addf(&b, "DROP TABLE IF EXISTS vigie_bulk;"
			   " CREATE TEMP TABLE vigie_bulk (LIKE %s INCLUDING DEFAULTS)"
			   " ON COMMIT DROP;"
			   " ALTER TABLE vigie_bulk ADD COLUMN vigie_ord bigserial", table);
	rc = b.data ? run(c, b.data) : -1;
	vigie_buf_release(&b);
	return rc;
}

static void copy_value(struct vigie_buf *b, const char *v)
{
	const char *p, *start;
	if (!v) {
		vigie_buf_add(b, "\\N", 2);
		return;
	}
	for (start = p = v; *p; p++) {
		const char *esc = NULL;
		switch (*p) {
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break; /* COPY text: a backslash escapes */
		default: continue;
		}
		vigie_buf_add(b, start, (size_t)(p - start));
		vigie_buf_add(b, esc, 2);
		start = p + 1;
	}
	vigie_buf_add(b, start, (size_t)(p - start));
}

static int pg_bulk_row(struct vigie_conn *c, const char *const *vals)
{
	if (!c->bulk_table) {
		set_error(c, "no bulk load open");
		return -1;
	}
	for (int k = 0; k < c->bulk_ncols; k++) {
		if (k)
			vigie_buf_add(&c->copy, "\t", 1);
		copy_value(&c->copy, vals[k]);
	}
	if (vigie_buf_add(&c->copy, "\n", 1)) {
		set_error(c, "out of memory");
		return -1;
	}
	c->bulk_staged++;
	if (c->copy.len >= PG_COPY_CHUNK)
		return copy_flush(c);
	return 0;
}

static int pg_bulk_end(struct vigie_conn *c, int64_t *skipped)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	PGresult *r;
	int rc = -1;

	*skipped = 0;
	if (!c->bulk_table) {
		set_error(c, "no bulk load open");
		return -1;
	}
	if (copy_flush(c))
		goto out;
	vigie_buf_addf(&b, "INSERT INTO %s(%s) SELECT %s FROM vigie_bulk ORDER BY vigie_ord"
			   " ON CONFLICT DO NOTHING", c->bulk_table, c->bulk_cols, c->bulk_cols);
	if (!b.data) {
		set_error(c, "out of memory");
		goto out;
	}
	r = PQexec(c->pg, b.data);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_result_error(c, r);
		PQclear(r);
		goto out;
	}
	*skipped = c->bulk_staged - strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	rc = run(c, "DROP TABLE vigie_bulk");
out:
	vigie_buf_release(&b);
	free(c->bulk_table);
	c->bulk_table = NULL;
	return rc;
}

static int pg_bulk_hint(struct vigie_conn *c, const char *table, int start)
{
	(void)c;
	(void)table;
	(void)start;
	return 0;
}

const struct vigie_store_driver vigie_store_pg_driver = {
	.version = VIGIE_STORE_DRIVER_VERSION,
	.name = "postgresql",
	.remote = 1,
	.open = pg_open,
	.close = pg_close,
	.location = pg_location,
	.last_error = pg_error,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_text = pg_bind_text,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.col_text = pg_col_text,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_isnull = pg_col_isnull,
	.changes = pg_changes,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.schema_version = pg_schema_version,
	.schema_set_version = pg_schema_set_version,
	.migrations = vigie_store_pg_migrations,
	.nmigrations = VIGIE_PG_NMIGRATIONS,
	.bulk_begin = pg_bulk_begin,
	.bulk_row = pg_bulk_row,
	.bulk_end = pg_bulk_end,
	.bulk_hint = pg_bulk_hint,
};
