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

static char *dup_col(struct vigie_stmt *st, int i)
{
	const char *t = vigie_store_col_text(st, i);
	return t ? strdup(t) : NULL;
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

void vigie_store_vuln_facts_clear(struct store_vuln_facts *f)
{
	free(f->description);
	free(f->scope);
	free(f->cvss_vector);
	free(f->cvss_version);
	free(f->cvss_origin);
	free(f->published);
	free(f->kev_added);
	memset(f, 0, sizeof(*f));
	f->cvss = -1;
}

int vigie_store_vuln_facts_get(struct vigie_store *s, const char *vuln,
			 struct store_vuln_facts *out, struct vigie_error *err)
{
	/* one statement for the three tables: scans ask this per CVE */
	static const char sql[] =
		"SELECT v.description, v.scope, c.score, c.vector, c.version, c.origin,"
		" c.published, coalesce(k.date_added, c.kev_added)"
		" FROM (SELECT CAST(?1 AS TEXT) AS id) q LEFT JOIN vulns v ON v.name=q.id"
		" LEFT JOIN cvss c ON c.cve=q.id LEFT JOIN kev k ON k.cve=q.id";
	struct vigie_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	out->cvss = -1;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, vuln);
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		out->description = dup_col(st, 0);
		out->scope = dup_col(st, 1);
		if (!vdb_col_isnull(st, 2))
			out->cvss = vdb_col_double(st, 2);
		out->cvss_vector = dup_col(st, 3);
		out->cvss_version = dup_col(st, 4);
		out->cvss_origin = dup_col(st, 5);
		out->published = dup_col(st, 6);
		out->kev_added = dup_col(st, 7);
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_ROW && rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read issue facts");
	return 0;
}

/* The three tables one chunk of CVEs at a time: each statement lists
 * FACTS_CHUNK placeholders (the unused ones NULL, which match nothing). */
#define FACTS_P8 "?,?,?,?,?,?,?,?,"
#define FACTS_P64 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8 FACTS_P8
#define FACTS_IN "(" FACTS_P64 FACTS_P64 FACTS_P64 FACTS_P64 "NULL)"
#define FACTS_CHUNK 256

static int facts_chunk(struct vigie_store *s, const char *sql, const char *const *ids,
		       size_t n, const struct vigie_hashmap *at,
		       struct store_vuln_facts *out, int which, struct vigie_error *err)
{
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	for (size_t i = 0; i < FACTS_CHUNK; i++)
		vigie_store_bind_text(st, (int)i + 1, i < n ? ids[i] : NULL);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *id = vigie_store_col_text(st, 0);
		uintptr_t k = id ? (uintptr_t)vigie_hashmap_get(at, id, strlen(id)) : 0;
		struct store_vuln_facts *f;
		if (!k)
			continue;
		f = &out[k - 1];
		if (which == 0) {
			f->description = dup_col(st, 1);
			f->scope = dup_col(st, 2);
		} else if (which == 1) {
			if (!vdb_col_isnull(st, 1))
				f->cvss = vdb_col_double(st, 1);
			f->cvss_vector = dup_col(st, 2);
			f->cvss_version = dup_col(st, 3);
			f->cvss_origin = dup_col(st, 4);
			f->published = dup_col(st, 5);
			if (!f->kev_added) /* KEV's own date first, as coalesce */
				f->kev_added = dup_col(st, 6);
		} else if (!vdb_col_isnull(st, 1)) {
			free(f->kev_added);
			f->kev_added = dup_col(st, 1);
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read issue facts");
	return 0;
}

int vigie_store_vuln_facts_many(struct vigie_store *s, const char *const *ids, size_t n,
				struct store_vuln_facts *out, struct vigie_error *err)
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

	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].cvss = -1;
	}
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
			rc = facts_chunk(s, vsql, ids + from, m, &at, out + from, 0, err);
		if (!rc)
			rc = facts_chunk(s, csql, ids + from, m, &at, out + from, 1, err);
		if (!rc)
			rc = facts_chunk(s, ksql, ids + from, m, &at, out + from, 2, err);
		vigie_hashmap_release(&at);
	}
	if (rc)
		for (size_t i = 0; i < n; i++)
			vigie_store_vuln_facts_clear(&out[i]);
	return rc;
}
