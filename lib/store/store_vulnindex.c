/* Reads behind the vulnerability index, the verdicts and their evidence. */
#include "store/store_internal.h"
#include "vigie/core/hashmap.h"

#include <stdlib.h>
#include <string.h>

static int each_row(struct vigie_store *s, struct vigie_stmt *st, store_vi_cb *cb,
		    void *ud, struct vigie_error *err, const char *what,
		    void (*fill)(struct vigie_stmt *, struct store_vi_row *))
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_vi_row row;
		int r;
		memset(&row, 0, sizeof(row));
		fill(st, &row);
		r = cb(ud, &row);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, what);
	return 0;
}

static void fill_support(struct vigie_stmt *st, struct store_vi_row *r)
{
	r->source = vigie_store_col_text(st, 0);
	r->fixed_version = vigie_store_col_text(st, 1);
	r->advisory_date = vigie_store_col_text(st, 2);
	r->note = vigie_store_col_text(st, 3);
	r->kind = vigie_store_col_text(st, 4);
}

int vigie_store_vi_support(struct vigie_store *s, const char *release,
		     store_vi_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT source, last_version, end_date, note, 'ended'"
		" FROM support_ended WHERE release=?"
		" UNION ALL SELECT source, NULL, NULL, note, 'limited'"
		" FROM support_limited";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	return each_row(s, st, cb, ud, err, "read support lists", fill_support);
}

int vigie_store_vi_advisory_for(struct vigie_store *s, const char *release,
				const char *source, const char *cve, const char *fixed_version,
				struct vigie_arena *arena, const char **id, const char **date,
				struct vigie_error *err)
{
	static const char sql[] =
		"SELECT a.id, a.date FROM advisory_fixes f"
		" JOIN advisory_cves c ON c.advisory=f.advisory"
		" JOIN advisories a ON a.id=f.advisory"
		" WHERE f.release=? AND f.source=? AND c.cve=? AND f.kind='fixed'"
		" AND (?4 IS NULL OR f.version=?4) ORDER BY a.date LIMIT 1";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*id = *date = NULL;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	vigie_store_bind_text(st, 3, cve);
	vigie_store_bind_text(st, 4, fixed_version);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		if (vigie_store_col_copy(st, 0, arena, id, err) ||
		    vigie_store_col_copy(st, 1, arena, date, err)) {
			vdb_reset(st);
			*id = *date = NULL;
			return VIGIE_ENOMEM;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_ROW && rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read advisory");
	return 0;
}

static void facts_empty(struct store_vuln_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->cvss = -1;
}

int vigie_store_vuln_facts_get(struct vigie_store *s, const char *vuln,
			       struct vigie_arena *arena, struct store_vuln_facts *out,
			       struct vigie_error *err)
{
	/* one statement for the three tables: scans ask this per CVE */
	static const char sql[] =
		"SELECT v.description, v.scope, c.score, c.vector, c.version, c.origin,"
		" c.published, coalesce(k.date_added, c.kev_added)"
		" FROM (SELECT CAST(?1 AS TEXT) AS id) q LEFT JOIN vulns v ON v.name=q.id"
		" LEFT JOIN cvss c ON c.cve=q.id LEFT JOIN kev k ON k.cve=q.id";
	struct vigie_stmt *st;
	int rc, step;

	facts_empty(out);
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, vuln);
	if ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
		if (!vdb_col_isnull(st, 2))
			out->cvss = vdb_col_double(st, 2);
		if ((rc = vigie_store_col_copy(st, 0, arena, &out->description, err)) ||
		    (rc = vigie_store_col_copy(st, 1, arena, &out->scope, err)) ||
		    (rc = vigie_store_col_copy(st, 3, arena, &out->cvss_vector, err)) ||
		    (rc = vigie_store_col_copy(st, 4, arena, &out->cvss_version, err)) ||
		    (rc = vigie_store_col_copy(st, 5, arena, &out->cvss_origin, err)) ||
		    (rc = vigie_store_col_copy(st, 6, arena, &out->published, err)) ||
		    (rc = vigie_store_col_copy(st, 7, arena, &out->kev_added, err))) {
			vdb_reset(st);
			facts_empty(out);
			return rc;
		}
	}
	vdb_reset(st);
	if (step != VIGIE_STEP_ROW && step != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read issue facts");
	return 0;
}

/* The three tables one chunk of CVEs at a time: each statement lists
 * FACTS_CHUNK placeholders (the unused ones NULL, which match nothing). */
#define FACTS_P8 VIGIE_STORE_P8
#define FACTS_P64 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8
#define FACTS_IN "(" FACTS_P64 FACTS_P64 FACTS_P64 FACTS_P64 "NULL)"
#define FACTS_CHUNK 256

static int facts_row(struct vigie_stmt *st, struct vigie_arena *arena,
		     struct store_vuln_facts *f, int which, struct vigie_error *err)
{
	const char *kev;
	int rc;
	if (which == 0) {
		if ((rc = vigie_store_col_copy(st, 1, arena, &f->description, err)))
			return rc;
		return vigie_store_col_copy(st, 2, arena, &f->scope, err);
	}
	if (which == 1) {
		if (!vdb_col_isnull(st, 1))
			f->cvss = vdb_col_double(st, 1);
		if ((rc = vigie_store_col_copy(st, 2, arena, &f->cvss_vector, err)) ||
		    (rc = vigie_store_col_copy(st, 3, arena, &f->cvss_version, err)) ||
		    (rc = vigie_store_col_copy(st, 4, arena, &f->cvss_origin, err)) ||
		    (rc = vigie_store_col_copy(st, 5, arena, &f->published, err)))
			return rc;
		/* KEV's own date first, as coalesce */
		return f->kev_added ? 0 : vigie_store_col_copy(st, 6, arena, &f->kev_added, err);
	}
	if (vdb_col_isnull(st, 1))
		return 0;
	if ((rc = vigie_store_col_copy(st, 1, arena, &kev, err)))
		return rc;
	f->kev_added = kev;
	return 0;
}

static int facts_chunk(struct vigie_store *s, const char *sql, const char *const *ids,
		       size_t n, const struct vigie_hashmap *at, struct vigie_arena *arena,
		       struct store_vuln_facts *out, int which, struct vigie_error *err)
{
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc = 0, step = VIGIE_STEP_DONE;
	if (!st)
		return VIGIE_EDB;
	for (size_t i = 0; i < FACTS_CHUNK; i++)
		vigie_store_bind_text(st, (int)i + 1, i < n ? ids[i] : NULL);
	while (!rc && (step = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *id = vigie_store_col_text(st, 0);
		uintptr_t k = id ? (uintptr_t)vigie_hashmap_get(at, id, strlen(id)) : 0;
		if (k)
			rc = facts_row(st, arena, &out[k - 1], which, err);
	}
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read issue facts");
	return rc;
}

int vigie_store_vuln_facts_many(struct vigie_store *s, const char *const *ids, size_t n,
				struct vigie_arena *arena, struct store_vuln_facts *out,
				struct vigie_error *err)
{
	static const char vsql[] =
		"SELECT name, description, scope FROM vulns WHERE name IN " FACTS_IN;
	static const char csql[] =
		"SELECT cve, score, vector, version, origin, published, kev_added"
		" FROM cvss WHERE cve IN " FACTS_IN;
	static const char ksql[] =
		"SELECT cve, date_added FROM kev WHERE cve IN " FACTS_IN;
	struct vigie_hashmap at;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		facts_empty(&out[i]);
	/* by CVE, one chunk at a time: index + 1 into out */
	for (size_t from = 0; !rc && from < n; from += FACTS_CHUNK) {
		size_t m = n - from < FACTS_CHUNK ? n - from : FACTS_CHUNK;
		vigie_hashmap_init(&at);
		for (size_t i = 0; i < m; i++) {
			void **slot = vigie_hashmap_slot(&at, ids[from + i], strlen(ids[from + i]));
			if (!slot) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				break;
			}
			if (!*slot)
				*slot = (void *)(uintptr_t)(i + 1);
		}
		/* cvss before kev: kev's date replaces the cvss row's */
		if (!rc)
			rc = facts_chunk(s, vsql, ids + from, m, &at, arena, out + from, 0, err);
		if (!rc)
			rc = facts_chunk(s, csql, ids + from, m, &at, arena, out + from, 1, err);
		if (!rc)
			rc = facts_chunk(s, ksql, ids + from, m, &at, arena, out + from, 2, err);
		vigie_hashmap_release(&at);
	}
	if (rc)
		for (size_t i = 0; i < n; i++)
			facts_empty(&out[i]);
	return rc;
}

int vigie_store_vuln_class_facts_each(struct vigie_store *s, store_class_facts_cb *cb,
				      void *ud, struct vigie_error *err)
{
	static const char *const sql[3] = {
		"SELECT name, scope FROM vulns",
		"SELECT cve, score, vector, kev_added FROM cvss",
		"SELECT cve, date_added FROM kev",
	};
	int rc = 0;
	for (int which = 0; !rc && which < 3; which++) {
		struct vigie_stmt *st = vigie_store_stmt(s, sql[which], err);
		int step = VIGIE_STEP_DONE;
		if (!st)
			return VIGIE_EDB;
		while (!rc && (step = vdb_step(st)) == VIGIE_STEP_ROW) {
			const char *id = vigie_store_col_text(st, 0);
			if (!id)
				continue;
			if (which == 0)
				rc = cb(ud, 0, id, vigie_store_col_text(st, 1), -1, NULL, 0);
			else if (which == 1)
				rc = cb(ud, 1, id, NULL,
					vdb_col_isnull(st, 1) ? -1 : vdb_col_double(st, 1),
					vigie_store_col_text(st, 2), !vdb_col_isnull(st, 3));
			else
				rc = cb(ud, 2, id, NULL, -1, NULL, !vdb_col_isnull(st, 1));
		}
		vdb_reset(st);
		if (!rc && step != VIGIE_STEP_DONE)
			return vigie_store_dberr(s, err, "read issue facts");
	}
	return rc;
}
