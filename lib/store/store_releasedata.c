/* Which releases the security data covers. */

#include "store/store_internal.h"

#include "vigie/store/store.h"

int vigie_store_data_releases_each(struct vigie_store *s, store_data_release_cb *cb,
				   void *ud, struct vigie_error *err)
{
	/* distinct releases by skipping from one to the next along the
	 * tracker's primary key and advisory_fixes(release, source): one
	 * index seek per release, not a scan of a million rows */
	static const char sql[] =
		"WITH RECURSIVE"
		" t(r) AS (SELECT (SELECT min(release) FROM tracker) UNION ALL"
		"  SELECT (SELECT min(release) FROM tracker WHERE release > t.r)"
		"  FROM t WHERE t.r IS NOT NULL),"
		" a(r) AS (SELECT (SELECT min(release) FROM advisory_fixes) UNION ALL"
		"  SELECT (SELECT min(release) FROM advisory_fixes WHERE release > a.r)"
		"  FROM a WHERE a.r IS NOT NULL)"
		" SELECT r FROM t WHERE r IS NOT NULL"
		" UNION SELECT r FROM a WHERE r IS NOT NULL ORDER BY 1";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *r = vigie_store_col_text(st, 0);
		int x;
		if (r && (x = cb(ud, r))) {
			vdb_reset(st);
			return x;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list releases with security data");
	return 0;
}
