/* Tracker issues, vulns, KEV and CVSS rows. */
#include "store/store_internal.h"
#include "vigie/core/hashmap.h"

#include <stdio.h>
#include <string.h>

/* Step st (bound to one key) to its single row and copy its text columns
 * cols[0..n) into arena, *out[i] NULL for SQL NULL: 0 with the row still
 * current (the caller reads other columns, then resets st),
 * VIGIE_ENOTFOUND, or an error. */
static int get_row(struct vigie_store *s, struct vigie_stmt *st, struct vigie_arena *arena,
		   const int *cols, const char **out[], int n, const char *what,
		   struct vigie_error *err)
{
	int rc = vdb_step(st);
	if (rc == VIGIE_STEP_DONE)
		return VIGIE_ENOTFOUND;
	if (rc != VIGIE_STEP_ROW)
		return vigie_store_dberr(s, err, what);
	for (int i = 0; i < n; i++)
		if ((rc = vigie_store_col_copy(st, cols[i], arena, out[i], err)))
			return rc;
	return 0;
}

/* A whole import rewrites the tracker and vulns tables: the driver is told
 * (SQLite raises its page cache and drops the vuln index, rebuilt once at
 * the end), and rows go through the driver's bulk path (SQLite: one
 * prepared multi-row INSERT; PostgreSQL: COPY into a staging table), the
 * tracker rows first, then the issues. Keys already stored are skipped and
 * counted (first wins). */
static const char *const tracker_cols[] = {
	"release", "source", "vuln", "status", "fixed_version", "urgency",
	"nodsa", "nodsa_reason", "next_point_update", "repositories",
};
static const char *const vuln_cols[] = { "name", "description", "scope", "debianbug" };

static int bulk_close(struct vigie_store *s, struct vigie_error *err)
{
	int64_t skipped = 0;
	int which = s->bulk;
	if (!which)
		return 0;
	s->bulk = STORE_BULK_NONE;
	if (s->drv->bulk_end(s->conn, &skipped))
		return vigie_store_dberr(s, err, which == STORE_BULK_TRACKER
							? "store tracker rows" : "store vulns");
	if (which == STORE_BULK_TRACKER)
		s->bulk_skipped += skipped;
	return 0;
}

/* Make table (STORE_BULK_*) the open bulk load, ending another one. */
static int bulk_open(struct vigie_store *s, int which, struct vigie_error *err)
{
	int rc;
	if (s->bulk == which)
		return 0;
	if ((rc = bulk_close(s, err)))
		return rc;
	if (which == STORE_BULK_TRACKER
		    ? s->drv->bulk_begin(s->conn, "tracker", tracker_cols, 10)
		    : s->drv->bulk_begin(s->conn, "vulns", vuln_cols, 4))
		return vigie_store_dberr(s, err, which == STORE_BULK_TRACKER
							? "store tracker rows" : "store vulns");
	s->bulk = which;
	return 0;
}

int vigie_store_tracker_clear(struct vigie_store *s, struct vigie_error *err)
{
	int rc;
	s->bulk_skipped = 0;
	if ((rc = vigie_store_keep_previous(s, "tracker-json", err)))
		return rc;
	if (s->drv->bulk_hint(s->conn, "tracker", 1))
		return vigie_store_dberr(s, err, "prepare tracker import");
	if ((rc = vigie_store_exec(s, "DELETE FROM tracker", err)) ||
	    (rc = vigie_store_exec(s, "DELETE FROM vulns", err)))
		s->drv->bulk_hint(s->conn, "tracker", 0);
	return rc;
}

int vigie_store_tracker_finish(struct vigie_store *s, int64_t *skipped,
			       struct vigie_error *err)
{
	int rc = bulk_close(s, err);
	if (skipped)
		*skipped = s->bulk_skipped;
	if (s->drv->bulk_hint(s->conn, "tracker", 0) && !rc)
		rc = vigie_store_dberr(s, err, "finish tracker import");
	return rc;
}

void vigie_store_tracker_abort(struct vigie_store *s)
{
	if (s->bulk) {
		int64_t skipped;
		s->bulk = STORE_BULK_NONE;
		s->drv->bulk_end(s->conn, &skipped);
	}
	s->drv->bulk_hint(s->conn, "tracker", 0);
}

int vigie_store_tracker_put(struct vigie_store *s, const struct store_tracker_row *r,
		      struct vigie_error *err)
{
	char npu[2] = { r->next_point_update ? '1' : '0', 0 };
	const char *vals[10] = { r->release, r->source, r->vuln, r->status,
				 r->fixed_version, r->urgency, r->nodsa,
				 r->nodsa_reason, npu, r->repositories };
	int rc;
	if ((rc = bulk_open(s, STORE_BULK_TRACKER, err)))
		return rc;
	if (s->drv->bulk_row(s->conn, vals))
		return vigie_store_dberr(s, err, "store tracker row");
	return 0;
}

int vigie_store_tracker_put_batch(struct vigie_store *s,
			    const struct store_tracker_row *rows, size_t n,
			    struct vigie_error *err)
{
	int rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = vigie_store_tracker_put(s, &rows[i], err)))
			return rc;
	return 0;
}

int vigie_store_tracker_vulns_put(struct vigie_store *s, const struct store_vuln *v,
				  size_t n, struct vigie_error *err)
{
	int rc;
	for (size_t i = 0; i < n; i++) {
		char bug[24];
		const char *vals[4] = { v[i].name, v[i].description, v[i].scope, NULL };
		if (!v[i].name)
			return vigie_error_set(err, VIGIE_EUSAGE, vigie_store_path(s), 0,
					       "store vuln: no name");
		if (v[i].debianbug > 0) {
			snprintf(bug, sizeof(bug), "%ld", v[i].debianbug);
			vals[3] = bug;
		}
		if ((rc = bulk_open(s, STORE_BULK_VULNS, err)))
			return rc;
		if (s->drv->bulk_row(s->conn, vals))
			return vigie_store_dberr(s, err, "store vuln");
	}
	return 0;
}

int vigie_store_vuln_put(struct vigie_store *s, const struct store_vuln *v,
		   struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO vulns(name, description, scope, debianbug)"
		" VALUES(?1,?2,?3,?4) ON CONFLICT(name) DO UPDATE SET"
		" description=coalesce(vulns.description, excluded.description),"
		" scope=coalesce(vulns.scope, excluded.scope),"
		" debianbug=coalesce(vulns.debianbug, excluded.debianbug)";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, v->name);
	vigie_store_bind_text(st, 2, v->description);
	vigie_store_bind_text(st, 3, v->scope);
	if (v->debianbug > 0)
		vigie_store_bind_int64(st, 4, v->debianbug);
	else
		vdb_bind_null(st, 4);
	return vigie_store_step_done(s, st, err, "store vuln");
}

static int tracker_rows(struct vigie_store *s, struct vigie_stmt *st,
			store_tracker_cb *cb, void *ud, struct vigie_error *err)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_tracker_row r = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vigie_store_col_text(st, 4), vigie_store_col_text(st, 5),
			vigie_store_col_text(st, 6), vigie_store_col_text(st, 7),
			(int)vdb_col_int64(st, 8) != 0, vigie_store_col_text(st, 9)
		};
		int r2 = cb(ud, &r);
		if (r2) {
			vdb_reset(st);
			return r2;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list tracker rows");
	return 0;
}

int vigie_store_tracker_each(struct vigie_store *s, const char *release,
		       store_tracker_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql_all[] =
		"SELECT release, source, vuln, status, fixed_version, urgency,"
		" nodsa, nodsa_reason, next_point_update, repositories"
		" FROM tracker ORDER BY release, source, vuln";
	static const char sql_rel[] =
		"SELECT release, source, vuln, status, fixed_version, urgency,"
		" nodsa, nodsa_reason, next_point_update, repositories"
		" FROM tracker WHERE release=? ORDER BY release, source, vuln";
	struct vigie_stmt *st = vigie_store_stmt(s, release ? sql_rel : sql_all, err);
	if (!st)
		return VIGIE_EDB;
	if (release)
		vigie_store_bind_text(st, 1, release);
	return tracker_rows(s, st, cb, ud, err);
}

int vigie_store_tracker_for_source(struct vigie_store *s, const char *release,
			     const char *source, store_tracker_cb *cb, void *ud,
			     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT release, source, vuln, status, fixed_version, urgency,"
		" nodsa, nodsa_reason, next_point_update, repositories"
		" FROM tracker WHERE release=? AND source=? ORDER BY vuln";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	return tracker_rows(s, st, cb, ud, err);
}

struct sources_filter {
	struct vigie_hashmap want;
	store_tracker_cb *cb;
	void *ud;
};

static int filter_row(void *ud, const struct store_tracker_row *r)
{
	struct sources_filter *f = ud;
	if (!r->source || !vigie_hashmap_get(&f->want, r->source, strlen(r->source)))
		return 0;
	return f->cb(f->ud, r);
}

int vigie_store_tracker_for_sources(struct vigie_store *s, const char *release,
				    const char *const *sources, size_t n,
				    store_tracker_cb *cb, void *ud, struct vigie_error *err)
{
	struct sources_filter f;
	int rc = 0;
	/* a few sources are cheaper one by one even over the network */
	if (!s->drv->remote || n < 32) {
		for (size_t i = 0; !rc && i < n; i++)
			rc = vigie_store_tracker_for_source(s, release, sources[i], cb, ud, err);
		return rc;
	}
	vigie_hashmap_init(&f.want);
	f.cb = cb;
	f.ud = ud;
	for (size_t i = 0; i < n; i++) {
		void **slot = vigie_hashmap_slot(&f.want, sources[i], strlen(sources[i]));
		if (!slot) {
			vigie_hashmap_release(&f.want);
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
		*slot = (void *)sources[i];
	}
	rc = vigie_store_tracker_each(s, release, filter_row, &f, err);
	vigie_hashmap_release(&f.want);
	return rc;
}

int vigie_store_tracker_for_vuln(struct vigie_store *s, const char *vuln,
			   store_tracker_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT release, source, vuln, status, fixed_version, urgency,"
		" nodsa, nodsa_reason, next_point_update, repositories"
		" FROM tracker WHERE vuln=? ORDER BY release, source";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, vuln);
	return tracker_rows(s, st, cb, ud, err);
}

int vigie_store_vuln_get(struct vigie_store *s, const char *name, struct vigie_arena *arena,
			 struct store_vuln *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT name, description, scope, debianbug FROM vulns WHERE name=?";
	static const int cols[] = { 0, 1, 2 };
	const char **ptrs[] = { &out->name, &out->description, &out->scope };
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	if (!(rc = get_row(s, st, arena, cols, ptrs, 3, "read vuln", err)))
		out->debianbug = (long)vdb_col_int64(st, 3);
	vdb_reset(st);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int vigie_store_kev_clear(struct vigie_store *s, struct vigie_error *err)
{
	int rc = vigie_store_keep_previous(s, "kev", err);
	if (rc)
		return rc;
	return vigie_store_exec(s, "DELETE FROM kev", err);
}

int vigie_store_kev_put(struct vigie_store *s, const struct store_kev *k,
		  struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO kev(cve, vendor, product, name, date_added,"
		" due_date, ransomware) VALUES(?,?,?,?,?,?,?) ON CONFLICT(cve) DO UPDATE SET"
		" vendor=excluded.vendor, product=excluded.product, name=excluded.name,"
		" date_added=excluded.date_added, due_date=excluded.due_date,"
		" ransomware=excluded.ransomware";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, k->cve);
	vigie_store_bind_text(st, 2, k->vendor);
	vigie_store_bind_text(st, 3, k->product);
	vigie_store_bind_text(st, 4, k->name);
	vigie_store_bind_text(st, 5, k->date_added);
	vigie_store_bind_text(st, 6, k->due_date);
	vigie_store_bind_text(st, 7, k->ransomware);
	return vigie_store_step_done(s, st, err, "store KEV entry");
}

int vigie_store_kev_get(struct vigie_store *s, const char *cve, struct vigie_arena *arena,
			struct store_kev *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT cve, vendor, product, name, date_added, due_date, ransomware"
		" FROM kev WHERE cve=?";
	static const int cols[] = { 0, 1, 2, 3, 4, 5, 6 };
	const char **ptrs[] = { &out->cve, &out->vendor, &out->product,
				&out->name, &out->date_added, &out->due_date,
				&out->ransomware };
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, cve);
	rc = get_row(s, st, arena, cols, ptrs, 7, "read KEV entry", err);
	vdb_reset(st);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int vigie_store_cvss_put(struct vigie_store *s, const struct store_cvss *c,
		   struct vigie_error *err)
{
	/* "keep" = the new row has no v3/v4 score while the stored one has */
#define KEEP "((excluded.version IS NULL OR excluded.version LIKE '2%')" \
	     " AND cvss.version IS NOT NULL AND cvss.version NOT LIKE '2%')"
	static const char sql[] =
		"INSERT INTO cvss(cve, origin, version, score, vector, published,"
		" kev_added) VALUES(?1,?2,?3,?4,?5,?6,?7)"
		" ON CONFLICT(cve) DO UPDATE SET"
		" origin=CASE WHEN " KEEP " OR excluded.version IS NULL"
		"  THEN cvss.origin ELSE excluded.origin END,"
		" score=CASE WHEN " KEEP " OR excluded.version IS NULL"
		"  THEN cvss.score ELSE excluded.score END,"
		" vector=CASE WHEN " KEEP " OR excluded.version IS NULL"
		"  THEN cvss.vector ELSE excluded.vector END,"
		" version=CASE WHEN " KEEP " OR excluded.version IS NULL"
		"  THEN cvss.version ELSE excluded.version END,"
		" published=CASE WHEN " KEEP
		"  THEN coalesce(cvss.published, excluded.published)"
		"  ELSE coalesce(excluded.published, cvss.published) END,"
		" kev_added=CASE WHEN " KEEP
		"  THEN coalesce(cvss.kev_added, excluded.kev_added)"
		"  ELSE coalesce(excluded.kev_added, cvss.kev_added) END";
#undef KEEP
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, c->cve);
	vigie_store_bind_text(st, 2, c->origin);
	vigie_store_bind_text(st, 3, c->version);
	if (c->version && c->score >= 0)
		vdb_bind_double(st, 4, c->score);
	else
		vdb_bind_null(st, 4);
	vigie_store_bind_text(st, 5, c->vector);
	vigie_store_bind_text(st, 6, c->published);
	vigie_store_bind_text(st, 7, c->kev_added);
	return vigie_store_step_done(s, st, err, "store CVSS");
}

int vigie_store_cvss_get(struct vigie_store *s, const char *cve, struct vigie_arena *arena,
			 struct store_cvss *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT cve, origin, version, score, vector, published, kev_added"
		" FROM cvss WHERE cve=?";
	static const int cols[] = { 0, 1, 2, 4, 5, 6 };
	const char **ptrs[] = { &out->cve, &out->origin, &out->version,
				&out->vector, &out->published, &out->kev_added };
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, cve);
	if (!(rc = get_row(s, st, arena, cols, ptrs, 6, "read CVSS", err)))
		out->score = vdb_col_isnull(st, 3)
				     ? -1 : vdb_col_double(st, 3);
	vdb_reset(st);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}
