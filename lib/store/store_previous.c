/* The previous import of each source: the rows an import replaces are
 * moved into shadow tables (TABLE_prev, same columns, no keys) in the
 * import's own transaction, so that `db rollback` can put them back.
 *
 * Keeping them costs one INSERT ... SELECT per table at import time (the
 * rows are read once more, written once, no index to maintain); nothing
 * reads the shadow tables but a rollback. */
#define _GNU_SOURCE
#include "store/store_internal.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One table of a source's data set. where (NULL: every row) selects the
 * source's share of a table other sources share: "%s" is the suffix of
 * the table being read or written ("" or "_prev"), "?" the key (an
 * advisory kind, a release). */
struct part {
	const char *table;
	const char *cols;
	const char *where;
};

/* The data set of a source: its tables, children before parents (rows
 * are deleted in this order while the parents still select them). */
struct dataset {
	const char *name;   /* source name; a prefix when key_from_name */
	int key_from_name;  /* the key is the name's rest ("support-ended-REL") */
	const char *key;    /* fixed key (advisory kind) */
	int bulk;           /* the tracker: driver bulk hints around a restore */
	struct part parts[3];
};

#define TRACKER_COLS "release, source, vuln, status, fixed_version, urgency," \
		     " nodsa, nodsa_reason, next_point_update, repositories"
#define ADV_PARTS                                                                 \
	{ { "advisory_cves", "advisory, cve",                                     \
	    "advisory IN (SELECT id FROM advisories%s WHERE kind = ?)" },         \
	  { "advisory_fixes", "advisory, release, source, version, kind, note",   \
	    "advisory IN (SELECT id FROM advisories%s WHERE kind = ?)" },         \
	  { "advisories", "id, kind, date, description, packages", "kind = ?" } }

static const struct dataset datasets[] = {
	{ "tracker-json", 0, NULL, 1,
	  { { "tracker", TRACKER_COLS, NULL },
	    { "vulns", "name, description, scope, debianbug", NULL } } },
	{ "dsa-list", 0, "DSA", 0, ADV_PARTS },
	{ "dla-list", 0, "DLA", 0, ADV_PARTS },
	{ "dtsa-list", 0, "DTSA", 0, ADV_PARTS },
	{ "kev", 0, NULL, 0,
	  { { "kev", "cve, vendor, product, name, date_added, due_date, ransomware",
	      NULL } } },
	{ "distro-info", 0, NULL, 0,
	  { { "releases", "codename, version, series, created, release, eol,"
			  " eol_lts, eol_elts", NULL } } },
	{ "support-limited", 0, NULL, 0, { { "support_limited", "source, note", NULL } } },
	{ "support-ended-", 1, NULL, 0,
	  { { "support_ended", "release, source, last_version, end_date, note",
	      "release = ?" } } },
};

#define NDATASETS (sizeof(datasets) / sizeof(datasets[0]))
#define NPARTS 3

/* The data set behind a source name, its key in *key (NULL: none). */
static const struct dataset *dataset_for(const char *name, const char **key)
{
	for (size_t i = 0; i < NDATASETS; i++) {
		const struct dataset *d = &datasets[i];
		size_t n = strlen(d->name);
		if (d->key_from_name ? !strncmp(name, d->name, n) && name[n]
				     : !strcmp(name, d->name)) {
			*key = d->key_from_name ? name + n : d->key;
			return d;
		}
	}
	*key = NULL;
	return NULL;
}

/* Run one statement built from a part: "DELETE" of table+to, or "COPY"
 * from table+from into table+to. */
static int part_run(struct vigie_store *s, const struct part *p, int copy,
		    const char *from, const char *to, const char *key,
		    struct vigie_error *err)
{
	char where[256], sql[1024];
	struct vigie_stmt *st;
	int n, rc;

	where[0] = '\0';
	if (p->where) {
		/* the where clauses are literals above: "%s" at most once */
		const char *at = strstr(p->where, "%s");
		int len = at ? (int)(at - p->where) : (int)strlen(p->where);
		snprintf(where, sizeof(where), " WHERE %.*s%s%s", len, p->where,
			 at ? (copy ? from : to) : "", at ? at + 2 : "");
	}
	/* SQLite: OR FAIL (the transaction is rolled back on any error)
	 * spares the statement journal, a temporary file holding the old
	 * content of every reused page the statement writes */
	if (copy)
		n = snprintf(sql, sizeof(sql), "INSERT%s INTO %s%s(%s) SELECT %s FROM %s%s%s",
			     s->drv == &vigie_store_sqlite_driver ? " OR FAIL" : "",
			     p->table, to, p->cols, p->cols, p->table, from, where);
	else
		n = snprintf(sql, sizeof(sql), "DELETE FROM %s%s%s", p->table, to, where);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return vigie_error_set(err, VIGIE_EDB, vigie_store_path(s), 0,
				       "statement too long for %s", p->table);
	if (!(st = s->drv->prepare(s->conn, sql)))
		return vigie_store_dberr(s, err, copy ? "copy rows" : "delete rows");
	if (p->where)
		vigie_store_bind_text(st, 1, key);
	rc = s->drv->step(st) == VIGIE_STEP_ERROR
		     ? vigie_store_dberr(s, err, copy ? "copy rows" : "delete rows") : 0;
	s->drv->finalize(st);
	return rc;
}

static int wipe(struct vigie_store *s, const struct dataset *d, const char *suffix,
		const char *key, struct vigie_error *err)
{
	int rc;
	for (int i = 0; i < NPARTS && d->parts[i].table; i++)
		if ((rc = part_run(s, &d->parts[i], 0, NULL, suffix, key, err)))
			return rc;
	return 0;
}

static int copy(struct vigie_store *s, const struct dataset *d, const char *from,
		const char *to, const char *key, struct vigie_error *err)
{
	int rc;
	for (int i = 0; i < NPARTS && d->parts[i].table; i++)
		if ((rc = part_run(s, &d->parts[i], 1, from, to, key, err)))
			return rc;
	return 0;
}

int vigie_store_keep_previous(struct vigie_store *s, const char *name,
			      struct vigie_error *err)
{
	const char *key;
	const struct dataset *d = dataset_for(name, &key);
	int rc;

	s->kept[0] = '\0';
	if (!d)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "%s: no data set to keep", name);
	if (!s->in_tx)
		return vigie_error_set(err, VIGIE_EDB, vigie_store_path(s), 0,
				       "keep previous rows: no transaction open");
	if (strlen(name) >= sizeof(s->kept))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "source name too long");
	if ((rc = wipe(s, d, "_prev", key, err)) || (rc = copy(s, d, "", "_prev", key, err)))
		return rc;
	snprintf(s->kept, sizeof(s->kept), "%s", name);
	return 0;
}

/* ---- rollback ---- */

struct prev_info {
	int found;
	int has_prev, kept;
	int64_t imported_at, prev_imported_at, rolled_back_at;
	long rows, prev_rows;
};

static int read_info(struct vigie_store *s, const char *name, struct prev_info *pi,
		     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT imported_at, rows, prev_rows, prev_kept, rolled_back_at,"
		" prev_imported_at FROM sources WHERE name = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;

	memset(pi, 0, sizeof(*pi));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		pi->found = 1;
		pi->imported_at = vdb_col_int64(st, 0);
		pi->rows = (long)vdb_col_int64(st, 1);
		pi->has_prev = !vdb_col_isnull(st, 2);
		pi->prev_rows = (long)vdb_col_int64(st, 2);
		pi->kept = vdb_col_int64(st, 3) != 0;
		pi->rolled_back_at = vdb_col_isnull(st, 4) ? 0 : vdb_col_int64(st, 4);
		pi->prev_imported_at = vdb_col_int64(st, 5);
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_ERROR ? vigie_store_dberr(s, err, "read source") : 0;
}

/* Why name has nothing to restore (pi read, not restorable). */
static int nothing_for(struct vigie_store *s, const char *name,
		       const struct prev_info *pi, struct vigie_error *err)
{
	const char *key;
	char when[32];
	(void)s;
	if (!strcmp(name, "cve5") || !strcmp(name, "nvd"))
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "%s: nothing to roll back (its imports add records"
				       " to those stored and replace none)", name);
	if (!dataset_for(name, &key))
		/* a db update source named otherwise than its kind: the
		 * importer records the data under the kind's name too */
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "%s: nothing to roll back under this name: roll back"
				       " the source its data was imported as (tracker-json,"
				       " dsa-list, dla-list, dtsa-list, kev or distro-info)",
				       name);
	if (pi->rolled_back_at)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "%s: nothing to roll back (already rolled back on %s;"
				       " only one previous import is kept)",
				       name, vigie_time_format(pi->rolled_back_at, when,
							       sizeof(when)));
	return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
			       "%s: nothing to roll back (%s)", name,
			       pi->has_prev ? "the rows of its previous import were not kept"
					    : "no previous import");
}

struct name_list {
	struct vigie_strv v;
	int oom;
};

static int list_restorable(void *ud, const struct store_source *src)
{
	struct name_list *l = ud;
	const char *key;
	if (src->has_prev && src->prev_kept && dataset_for(src->name, &key) &&
	    vigie_strv_push(&l->v, src->name)) {
		l->oom = 1;
		return 1;
	}
	return 0;
}

static int restore_one(struct vigie_store *s, const char *name, int64_t now,
		       struct vigie_error *err)
{
	static const char sql[] =
		"UPDATE sources SET rolled_back_at = ?1,"
		" rolled_back_imported_at = imported_at, rolled_back_rows = rows,"
		" location = prev_location, imported_at = prev_imported_at,"
		" data_date = prev_data_date, rows = prev_rows,"
		" prev_location = NULL, prev_imported_at = NULL,"
		" prev_data_date = NULL, prev_rows = NULL, prev_kept = 0"
		" WHERE name = ?2";
	const char *key;
	const struct dataset *d = dataset_for(name, &key);
	struct vigie_stmt *st;
	int rc;

	if (d->bulk && s->drv->bulk_hint(s->conn, d->parts[0].table, 1))
		return vigie_store_dberr(s, err, "prepare restore");
	rc = wipe(s, d, "", key, err);
	if (!rc)
		rc = copy(s, d, "_prev", "", key, err);
	if (!rc)
		rc = wipe(s, d, "_prev", key, err);
	if (d->bulk && s->drv->bulk_hint(s->conn, d->parts[0].table, 0) && !rc)
		rc = vigie_store_dberr(s, err, "finish restore");
	if (rc)
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, now);
	vigie_store_bind_text(st, 2, name);
	return vigie_store_step_done(s, st, err, "record rollback");
}

int vigie_store_sources_roll_back(struct vigie_store *s, const char *const *names,
				  size_t n, struct store_rolled_back **out, size_t *nout,
				  struct vigie_error *err)
{
	static const char bump[] =
		"INSERT INTO meta(key, value) VALUES('data_version', '1')"
		" ON CONFLICT(key) DO UPDATE SET"
		" value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)";
	struct name_list all;
	struct store_rolled_back *res = NULL;
	size_t nres = 0;
	int64_t now = vigie_now();
	int rc;

	*out = NULL;
	*nout = 0;
	memset(&all, 0, sizeof(all));
	vigie_strv_init(&all.v);
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	if (n == 0) {
		if ((rc = vigie_store_sources_each(s, list_restorable, &all, err)) && !all.oom)
			goto out;
		if (all.oom) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		if (all.v.n == 0) {
			rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
					     "nothing to roll back: no source keeps the data"
					     " of a previous import");
			goto out;
		}
		names = (const char *const *)all.v.v;
		n = all.v.n;
	}
	if (!(res = calloc(n, sizeof(*res)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct prev_info pi;
		const char *key;
		size_t k;

		for (k = 0; k < nres && strcmp(res[k].name, names[i]); k++)
			;
		if (k < nres)
			continue; /* named twice: once */
		if ((rc = read_info(s, names[i], &pi, err)))
			goto out;
		if (!pi.found) {
			rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					     "no source named '%s' in the database"
					     " (see 'vigie db status')", names[i]);
			goto out;
		}
		if (!pi.has_prev || !pi.kept || !dataset_for(names[i], &key)) {
			rc = nothing_for(s, names[i], &pi, err);
			goto out;
		}
		if ((rc = restore_one(s, names[i], now, err)))
			goto out;
		if (strlen(names[i]) >= sizeof(res[nres].name)) {
			rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "source name too long");
			goto out;
		}
		snprintf(res[nres].name, sizeof(res[nres].name), "%s", names[i]);
		res[nres].discarded_imported_at = pi.imported_at;
		res[nres].discarded_rows = pi.rows;
		res[nres].rows = pi.prev_rows;
		res[nres].restored_imported_at = pi.prev_imported_at;
		nres++;
	}
	{
		struct vigie_stmt *st = vigie_store_stmt(s, bump, err);
		if (!st) {
			rc = VIGIE_EDB;
			goto out;
		}
		if ((rc = vigie_store_step_done(s, st, err, "record data version")))
			goto out;
	}
	rc = vigie_store_commit(s, err);
out:
	if (rc) {
		vigie_store_rollback(s);
		free(res);
		res = NULL;
		nres = 0;
	}
	vigie_strv_release(&all.v);
	*out = res;
	*nout = nres;
	return rc;
}
