/* What the re-judgement after a data update reads and writes: the hosts
 * and what their summaries rest on, the hosts holding given sources, the
 * digests of what decides each source's findings, and the store's meta
 * keys (lib/app/rejudge.c). */
#include "store/store_internal.h"
#include "vigie/store/service.h"

#include <string.h>

int vigie_store_host_bases_each(struct vigie_store *s, store_host_basis_cb *cb, void *ud,
				struct vigie_error *err)
{
	static const char sql[] =
		"SELECT h.id, h.name, h.release, m.verdict, m.basis FROM hosts h"
		" LEFT JOIN host_summary m ON m.host_id = h.id ORDER BY h.id";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc = 0, step;
	if (!st)
		return VIGIE_EDB;
	while ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_host_basis b;
		b.id = vdb_col_int64(st, 0);
		b.name = vigie_store_col_text(st, 1);
		b.release = vigie_store_col_text(st, 2);
		b.verdict = vigie_store_col_text(st, 3);
		b.basis = vigie_store_col_text(st, 4);
		if ((rc = cb(ud, &b)))
			break;
	}
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read hosts");
	return rc;
}

int vigie_store_hosts_holding(struct vigie_store *s, const char *release,
			      const char *const *sources, size_t n, int kernel_signed,
			      store_host_source_cb *cb, void *ud, struct vigie_error *err)
{
	/* plain ? only: the drivers number a plain ? after a numbered one
	 * differently */
	/* two index ranges (host_packages_src_host), not an OR the planners
	 * answer with a scan of every package; the signed kernels by a range
	 * of the byte order both drivers keep for source ('-' then '.') */
	static const char sql[] =
		"SELECT p.host_id, p.source FROM host_packages p"
		" JOIN hosts h ON h.id = p.host_id WHERE h.release = ? AND p.source IN ("
		VIGIE_STORE_IN64
		" UNION SELECT p.host_id, p.source FROM host_packages p"
		" JOIN hosts h ON h.id = p.host_id WHERE ? = 1 AND h.release = ?"
		" AND p.source >= 'linux-signed-' AND p.source < 'linux-signed.'"
		" ORDER BY 1, 2";
	struct vigie_stmt *st;
	int rc = 0, step;
	if (n > 64)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "more than 64 sources");
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_in64(st, 2, sources, n);
	vigie_store_bind_int64(st, 66, kernel_signed ? 1 : 0);
	vigie_store_bind_text(st, 67, release);
	while ((step = vdb_step(st)) == VIGIE_STEP_ROW)
		if ((rc = cb(ud, vdb_col_int64(st, 0), vigie_store_col_text(st, 1))))
			break;
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read the hosts holding changed sources");
	return rc;
}

int vigie_store_host_summaries_rebase(struct vigie_store *s, const char *from, const char *to,
				      int64_t when, long *n, struct vigie_error *err)
{
	static const char sql[] =
		"UPDATE host_summary SET basis = ?2, computed_at = ?3"
		" WHERE basis = ?1 AND verdict = 'judged'";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int step;
	*n = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, from);
	vigie_store_bind_text(st, 2, to);
	vigie_store_bind_int64(st, 3, when);
	step = vdb_step(st);
	if (step == VIGIE_STEP_DONE)
		*n = (long)vdb_changes(st);
	vdb_reset(st);
	return step == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, "rebase host summaries");
}

int vigie_store_source_digests_each(struct vigie_store *s, const char *release,
				    store_digest_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT source, digest FROM source_digests WHERE release = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc = 0, step;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	while ((step = vdb_step(st)) == VIGIE_STEP_ROW)
		if ((rc = cb(ud, vigie_store_col_text(st, 0), vigie_store_col_text(st, 1))))
			break;
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read source digests");
	return rc;
}

int vigie_store_source_digest_set(struct vigie_store *s, const char *release,
				  const char *source, const char *digest,
				  struct vigie_error *err)
{
	static const char put[] =
		"INSERT INTO source_digests(release, source, digest) VALUES(?,?,?)"
		" ON CONFLICT(release, source) DO UPDATE SET digest = excluded.digest";
	static const char del[] = "DELETE FROM source_digests WHERE release = ? AND source = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, digest ? put : del, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	if (digest)
		vigie_store_bind_text(st, 3, digest);
	return vigie_store_step_done(s, st, err, "record source digest");
}

int vigie_store_meta_get(struct vigie_store *s, const char *key, struct vigie_arena *arena,
			 const char **out, struct vigie_error *err)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc = 0, step;
	*out = NULL;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, key);
	if ((step = vdb_step(st)) == VIGIE_STEP_ROW)
		rc = vigie_store_col_copy(st, 0, arena, out, err);
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_ROW && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read meta");
	return rc;
}

int vigie_store_meta_set(struct vigie_store *s, const char *key, const char *value,
			 struct vigie_error *err)
{
	static const char put[] =
		"INSERT INTO meta(key, value) VALUES(?,?)"
		" ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	static const char del[] = "DELETE FROM meta WHERE key = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, value ? put : del, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, key);
	if (value)
		vigie_store_bind_text(st, 2, value);
	return vigie_store_step_done(s, st, err, "record meta");
}

void vigie_store_history_observe(struct vigie_store *s, store_history_change_cb *cb,
				 void *ud)
{
	s->hist_cb = cb;
	s->hist_ud = ud;
}
