/* Pending updates: the changelog cache and the CVEs an update fixes
 * according to the tracker. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "vigie/debver.h"
#include "vigie/util.h"

int store_changelog_get(struct vigie_store *s, const char *package,
			const char *version, char **data,
			struct vigie_error *err)
{
	static const char sql[] =
		"SELECT data FROM changelog_cache WHERE package=? AND version=?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	int rc;

	*data = NULL;
	if (!st)
		return VIGIE_EDB;
	store_bind_text(st, 1, package);
	store_bind_text(st, 2, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *d = store_col_text(st, 0);
		rc = 0;
		if (!(*data = strdup(d ? d : "")))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	} else if (rc == SQLITE_DONE) {
		rc = VIGIE_ENOTFOUND;
	} else {
		rc = store_dberr(s, err, "read changelog cache");
	}
	sqlite3_reset(st);
	return rc;
}

int store_changelog_put(struct vigie_store *s, const char *package,
			const char *version, int64_t fetched_at,
			const char *data, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO changelog_cache(package, version,"
		" fetched_at, data) VALUES(?,?,?,?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	store_bind_text(st, 1, package);
	store_bind_text(st, 2, version);
	store_bind_int64(st, 3, fetched_at);
	store_bind_text(st, 4, data);
	return store_step_done(s, st, err, "cache changelog");
}

int store_updates_fixed_cves(struct vigie_store *s, const char *release,
			     const char *source, const char *after,
			     const char *upto, struct vigie_strv *out,
			     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT vuln, fixed_version FROM tracker WHERE release=? AND"
		" source=? AND fixed_version IS NOT NULL ORDER BY vuln";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	int rc;

	if (!st)
		return VIGIE_EDB;
	store_bind_text(st, 1, release);
	store_bind_text(st, 2, source);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *vuln = store_col_text(st, 0), *fixed = store_col_text(st, 1);
		struct debver dv;
		if (!vuln || !fixed || debver_parse(&dv, fixed, NULL) < 0)
			continue;
		if (after && debver_cmp_str(fixed, after) <= 0)
			continue;
		if (upto && debver_cmp_str(fixed, upto) > 0)
			continue;
		if (vigie_strv_push_unique(out, vuln)) {
			sqlite3_reset(st);
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_dberr(s, err, "read tracker fixes");
	return 0;
}
