/* Reads behind the vulnerability index, the verdicts and their evidence. */
#include "store/store_internal.h"

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
			  const char *source, const char *cve,
			  const char *fixed_version, char **id, char **date,
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
		*id = dup_col(st, 0);
		*date = dup_col(st, 1);
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
