/* Pending updates: the changelog cache and the CVEs an update fixes
 * according to the tracker. */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "vigie/debian/debver.h"
#include "vigie/core/util.h"

int vigie_store_changelog_get(struct vigie_store *s, const char *package,
			      const char *version, struct vigie_arena *arena, const char **data,
			      struct vigie_error *err)
{
	static const char sql[] =
		"SELECT data FROM changelog_cache WHERE package=? AND version=?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;

	*data = NULL;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, package);
	vigie_store_bind_text(st, 2, version);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		const char *d = vigie_store_col_text(st, 0);
		rc = 0;
		if (!(*data = vigie_arena_strdup(arena, d ? d : "")))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	} else if (rc == VIGIE_STEP_DONE) {
		rc = VIGIE_ENOTFOUND;
	} else {
		rc = vigie_store_dberr(s, err, "read changelog cache");
	}
	vdb_reset(st);
	return rc;
}

int vigie_store_changelog_put(struct vigie_store *s, const char *package,
			const char *version, int64_t fetched_at,
			const char *data, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO changelog_cache(package, version,"
		" fetched_at, data) VALUES(?,?,?,?) ON CONFLICT(package, version)"
		" DO UPDATE SET fetched_at=excluded.fetched_at, data=excluded.data";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, package);
	vigie_store_bind_text(st, 2, version);
	vigie_store_bind_int64(st, 3, fetched_at);
	vigie_store_bind_text(st, 4, data);
	return vigie_store_step_done(s, st, err, "cache changelog");
}

static int add_in_range(struct vigie_store *s, struct vigie_stmt *st,
			const char *after, const char *upto,
			struct vigie_strv *out, struct vigie_error *err,
			const char *what)
{
	int rc;

	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *vuln = vigie_store_col_text(st, 0), *fixed = vigie_store_col_text(st, 1);
		struct debver dv;
		if (!vuln || !fixed || vigie_debver_parse(&dv, fixed, NULL) < 0)
			continue;
		if (after && vigie_debver_cmp_str(fixed, after) <= 0)
			continue;
		if (upto && vigie_debver_cmp_str(fixed, upto) > 0)
			continue;
		if (vigie_strv_push_unique(out, vuln)) {
			vdb_reset(st);
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, what);
	return 0;
}

int vigie_store_updates_fixed_cves(struct vigie_store *s, const char *release,
			     const char *source, const char *after,
			     const char *upto, struct vigie_strv *out,
			     struct vigie_error *err)
{
	static const char tracker_sql[] =
		"SELECT vuln, fixed_version FROM tracker WHERE release=? AND"
		" source=? AND fixed_version IS NOT NULL ORDER BY vuln";
	static const char adv_sql[] =
		"SELECT c.cve, f.version FROM advisory_fixes f JOIN advisory_cves c"
		" ON c.advisory = f.advisory WHERE f.release=? AND f.source=? AND"
		" f.kind='fixed' AND f.version IS NOT NULL ORDER BY c.cve";
	struct vigie_stmt *st = vigie_store_stmt(s, tracker_sql, err);
	int rc;

	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	if ((rc = add_in_range(s, st, after, upto, out, err, "read tracker fixes")))
		return rc;
	/* DSA/DLA fixed versions, for data the tracker JSON does not hold */
	if (!(st = vigie_store_stmt(s, adv_sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	return add_in_range(s, st, after, upto, out, err, "read advisory fixes");
}
