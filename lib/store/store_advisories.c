/* Store: advisories (DSA/DLA/DTSA), releases, security-support lists. */
#include "store/store_internal.h"
#include "vigie/core/util.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vigie_store_advisories_clear(struct vigie_store *s, const char *kind,
			   struct vigie_error *err)
{
	static const char del_cves[] =
		"DELETE FROM advisory_cves WHERE advisory IN"
		" (SELECT id FROM advisories WHERE kind=?)";
	static const char del_fixes[] =
		"DELETE FROM advisory_fixes WHERE advisory IN"
		" (SELECT id FROM advisories WHERE kind=?)";
	static const char del_adv[] = "DELETE FROM advisories WHERE kind=?";
	const char *const sqls[] = { del_cves, del_fixes, del_adv };
	const char *name = !strcmp(kind, "DSA") ? "dsa-list" : !strcmp(kind, "DLA") ? "dla-list"
			 : !strcmp(kind, "DTSA") ? "dtsa-list" : NULL;
	int rc;

	if (name && (rc = vigie_store_keep_previous(s, name, err)))
		return rc;
	for (size_t i = 0; i < 3; i++) {
		struct vigie_stmt *st = vigie_store_stmt(s, sqls[i], err);
		if (!st)
			return VIGIE_EDB;
		vigie_store_bind_text(st, 1, kind);
		if ((rc = vigie_store_step_done(s, st, err, "delete advisories")))
			return rc;
	}
	return 0;
}

int vigie_store_advisory_put(struct vigie_store *s, const struct store_advisory *a,
		       struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO advisories(id, kind, date, description,"
		" packages) VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, a->id);
	vigie_store_bind_text(st, 2, a->kind);
	vigie_store_bind_text(st, 3, a->date);
	vigie_store_bind_text(st, 4, a->description);
	vigie_store_bind_text(st, 5, a->packages);
	if ((rc = vigie_store_step_done(s, st, err, "insert advisory")))
		return rc;
	return vdb_changes(st) == 0 ? 1 : 0;
}

int vigie_store_advisory_cve_put(struct vigie_store *s, const char *advisory,
			   const char *cve, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO advisory_cves(advisory, cve) VALUES(?,?)"
		" ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, advisory);
	vigie_store_bind_text(st, 2, cve);
	return vigie_store_step_done(s, st, err, "insert advisory CVE");
}

int vigie_store_advisory_fix_put(struct vigie_store *s,
			   const struct store_advisory_fix *f,
			   struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO advisory_fixes(advisory, release, source, version,"
		" kind, note) VALUES(?,?,?,?,?,?)";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, f->advisory);
	vigie_store_bind_text(st, 2, f->release);
	vigie_store_bind_text(st, 3, f->source);
	vigie_store_bind_text(st, 4, f->version);
	vigie_store_bind_text(st, 5, f->kind);
	vigie_store_bind_text(st, 6, f->note);
	return vigie_store_step_done(s, st, err, "insert advisory fix");
}

static int fixes_loop(struct vigie_store *s, struct vigie_stmt *st,
		      store_advisory_fix_cb *cb, void *ud,
		      struct vigie_error *err)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_advisory_fix f = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vigie_store_col_text(st, 4), vigie_store_col_text(st, 5),
			vigie_store_col_text(st, 6), vigie_store_col_text(st, 7),
			vigie_store_col_text(st, 8)
		};
		int r = cb(ud, &f);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list advisory fixes");
	return 0;
}

int vigie_store_advisory_fixes_each(struct vigie_store *s, const char *release,
			      store_advisory_fix_cb *cb, void *ud,
			      struct vigie_error *err)
{
	static const char sql_all[] =
		"SELECT f.advisory, a.date, f.release, f.source, f.version,"
		" f.kind, f.note, NULL, a.description FROM advisory_fixes f"
		" JOIN advisories a ON a.id = f.advisory"
		" ORDER BY f.release, f.source, a.date, f.advisory";
	static const char sql_rel[] =
		"SELECT f.advisory, a.date, f.release, f.source, f.version,"
		" f.kind, f.note, NULL, a.description FROM advisory_fixes f"
		" JOIN advisories a ON a.id = f.advisory WHERE f.release = ?"
		" ORDER BY f.source, a.date, f.advisory";
	struct vigie_stmt *st = vigie_store_stmt(s, release ? sql_rel : sql_all, err);
	if (!st)
		return VIGIE_EDB;
	if (release)
		vigie_store_bind_text(st, 1, release);
	return fixes_loop(s, st, cb, ud, err);
}

int vigie_store_advisory_cve_fixes(struct vigie_store *s, const char *release,
			     const char *cve, store_advisory_fix_cb *cb,
			     void *ud, struct vigie_error *err)
{
	static const char sql_rel[] =
		"SELECT f.advisory, a.date, f.release, f.source, f.version,"
		" f.kind, f.note, c.cve, a.description FROM advisory_fixes f"
		" JOIN advisory_cves c ON c.advisory = f.advisory"
		" JOIN advisories a ON a.id = f.advisory WHERE f.release = ?"
		" ORDER BY a.date, a.id";
	static const char sql_cve[] =
		"SELECT f.advisory, a.date, f.release, f.source, f.version,"
		" f.kind, f.note, c.cve, a.description FROM advisory_cves c"
		" JOIN advisories a ON a.id = c.advisory"
		" JOIN advisory_fixes f ON f.advisory = a.id WHERE c.cve = ?"
		" ORDER BY a.date, a.id, f.release";
	struct vigie_stmt *st;
	if ((release != NULL) == (cve != NULL))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "advisory fixes: give a release or a CVE");
	if (!(st = vigie_store_stmt(s, release ? sql_rel : sql_cve, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release ? release : cve);
	return fixes_loop(s, st, cb, ud, err);
}

int vigie_store_advisories_for_cve(struct vigie_store *s, const char *cve,
			     store_advisory_cb *cb, void *ud,
			     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT a.id, a.kind, a.date, a.description, a.packages"
		" FROM advisory_cves c JOIN advisories a ON a.id = c.advisory"
		" WHERE c.cve = ? ORDER BY a.date, a.id";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, cve);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_advisory a = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vigie_store_col_text(st, 4)
		};
		int r = cb(ud, &a);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list advisories for CVE");
	return 0;
}

int vigie_store_advisory_get(struct vigie_store *s, const char *id, struct vigie_arena *arena,
			     struct store_advisory_info *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT id, kind, date, description, packages FROM advisories"
		" WHERE id = ?";
	static const char sql_cves[] =
		"SELECT cve FROM advisory_cves WHERE advisory = ? ORDER BY cve";
	const char **cves = NULL; /* gathered here, then one array in arena */
	size_t n = 0, cap = 0;
	struct vigie_stmt *st;
	int rc, step = VIGIE_STEP_DONE;

	memset(out, 0, sizeof(*out));
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, id);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_DONE) {
		vdb_reset(st);
		return VIGIE_ENOTFOUND;
	}
	if (rc != VIGIE_STEP_ROW) {
		vdb_reset(st);
		return vigie_store_dberr(s, err, "read advisory");
	}
	if (!(rc = vigie_store_col_copy(st, 0, arena, &out->id, err)) &&
	    !(rc = vigie_store_col_copy(st, 1, arena, &out->kind, err)) &&
	    !(rc = vigie_store_col_copy(st, 2, arena, &out->date, err)) &&
	    !(rc = vigie_store_col_copy(st, 3, arena, &out->description, err)))
		rc = vigie_store_col_copy(st, 4, arena, &out->packages, err);
	vdb_reset(st);
	if (rc)
		goto out;
	if (!(st = vigie_store_stmt(s, sql_cves, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_text(st, 1, id);
	while (!rc && (step = vdb_step(st)) == VIGIE_STEP_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			const char **nv = realloc(cves, nc * sizeof(*nv));
			if (!nv) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				break;
			}
			cves = nv;
			cap = nc;
		}
		if (!(rc = vigie_store_col_copy(st, 0, arena, &cves[n], err)))
			n++;
	}
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read advisory CVEs");
	if (!rc && n) {
		if ((out->cves = vigie_arena_alloc(arena, n * sizeof(*out->cves)))) {
			memcpy(out->cves, cves, n * sizeof(*out->cves));
			out->ncves = n;
		} else {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
	}
out:
	free(cves);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

static long count_query(struct vigie_store *s, const char *sql,
			struct vigie_error *err)
{
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	long n = -1;
	if (!st)
		return -1;
	if (vdb_step(st) == VIGIE_STEP_ROW)
		n = (long)vdb_col_int64(st, 0);
	else
		vigie_store_dberr(s, err, "count");
	vdb_reset(st);
	return n;
}

long vigie_store_count_known_vulns(struct vigie_store *s, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT count(*) FROM (SELECT name FROM vulns UNION"
		" SELECT vuln FROM tracker UNION SELECT cve FROM advisory_cves) AS k";
	return count_query(s, sql, err);
}

long vigie_store_count_known_packages(struct vigie_store *s, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT count(*) FROM (SELECT source FROM tracker UNION"
		" SELECT source FROM advisory_fixes) AS k";
	return count_query(s, sql, err);
}

/* ---- releases ---- */

int vigie_store_releases_clear(struct vigie_store *s, struct vigie_error *err)
{
	static const char sql[] = "DELETE FROM releases";
	struct vigie_stmt *st;
	int rc;
	if ((rc = vigie_store_keep_previous(s, "distro-info", err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	return vigie_store_step_done(s, st, err, "delete releases");
}

static const char *nz(const char *v)
{
	return v && *v ? v : NULL;
}

int vigie_store_release_put(struct vigie_store *s, const struct store_release *r,
		      struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO releases(codename, version, series,"
		" created, release, eol, eol_lts, eol_elts)"
		" VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(codename) DO UPDATE SET"
		" version=excluded.version, series=excluded.series,"
		" created=excluded.created, release=excluded.release,"
		" eol=excluded.eol, eol_lts=excluded.eol_lts, eol_elts=excluded.eol_elts";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, r->codename);
	vigie_store_bind_text(st, 2, nz(r->version));
	vigie_store_bind_text(st, 3, nz(r->series));
	vigie_store_bind_text(st, 4, nz(r->created));
	vigie_store_bind_text(st, 5, nz(r->release));
	vigie_store_bind_text(st, 6, nz(r->eol));
	vigie_store_bind_text(st, 7, nz(r->eol_lts));
	vigie_store_bind_text(st, 8, nz(r->eol_elts));
	return vigie_store_step_done(s, st, err, "insert release");
}

static void copy_col(char *dst, size_t size, struct vigie_stmt *st, int i)
{
	const char *v = vigie_store_col_text(st, i);
	snprintf(dst, size, "%s", v ? v : "");
}

static void release_from_row(struct store_release *r, struct vigie_stmt *st)
{
	copy_col(r->codename, sizeof(r->codename), st, 0);
	copy_col(r->version, sizeof(r->version), st, 1);
	copy_col(r->series, sizeof(r->series), st, 2);
	copy_col(r->created, sizeof(r->created), st, 3);
	copy_col(r->release, sizeof(r->release), st, 4);
	copy_col(r->eol, sizeof(r->eol), st, 5);
	copy_col(r->eol_lts, sizeof(r->eol_lts), st, 6);
	copy_col(r->eol_elts, sizeof(r->eol_elts), st, 7);
}

#define RELEASE_COLS \
	"SELECT codename, version, series, created, release, eol, eol_lts," \
	" eol_elts FROM releases"

static int release_one(struct vigie_store *s, struct vigie_stmt *st,
		       struct store_release *out, struct vigie_error *err)
{
	int rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		release_from_row(out, st);
		rc = 0;
	} else if (rc == VIGIE_STEP_DONE) {
		rc = VIGIE_ENOTFOUND;
	} else {
		rc = vigie_store_dberr(s, err, "read release");
	}
	vdb_reset(st);
	return rc;
}

int vigie_store_release_get(struct vigie_store *s, const char *codename,
		      struct store_release *out, struct vigie_error *err)
{
	static const char sql[] = RELEASE_COLS " WHERE codename = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, codename);
	return release_one(s, st, out, err);
}

int vigie_store_release_by_number(struct vigie_store *s, const char *major,
			    struct store_release *out, struct vigie_error *err)
{
	static const char sql[] = RELEASE_COLS
		" WHERE version = ?1 OR version = ?1 || '.0'"
		" ORDER BY created DESC LIMIT 1";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, major);
	return release_one(s, st, out, err);
}

int vigie_store_releases_each(struct vigie_store *s, store_release_cb *cb, void *ud,
			struct vigie_error *err)
{
	static const char sql[] = RELEASE_COLS " ORDER BY created, codename";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_release r;
		int x;
		release_from_row(&r, st);
		if ((x = cb(ud, &r))) {
			vdb_reset(st);
			return x;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list releases");
	return 0;
}

/* ---- security-support lists ---- */

int vigie_store_support_ended_clear(struct vigie_store *s, const char *release,
			      struct vigie_error *err)
{
	static const char sql[] = "DELETE FROM support_ended WHERE release = ?";
	struct vigie_stmt *st;
	char name[96];
	int rc;
	/* the importer's source name (lib/secdata/import_lists.c) */
	snprintf(name, sizeof(name), "support-ended-%s", release);
	if ((rc = vigie_store_keep_previous(s, name, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	return vigie_store_step_done(s, st, err, "delete support-ended rows");
}

int vigie_store_support_ended_put(struct vigie_store *s, const char *release,
			    const char *source, const char *last_version,
			    const char *end_date, const char *note,
			    struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO support_ended(release, source,"
		" last_version, end_date, note) VALUES(?,?,?,?,?)"
		" ON CONFLICT(release, source) DO UPDATE SET"
		" last_version=excluded.last_version, end_date=excluded.end_date,"
		" note=excluded.note";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	vigie_store_bind_text(st, 3, last_version);
	vigie_store_bind_text(st, 4, end_date);
	vigie_store_bind_text(st, 5, nz(note));
	return vigie_store_step_done(s, st, err, "insert support-ended row");
}

/* 1 when the list entry pat names source: equal, or (when pat holds
 * regular-expression characters) a whole-name POSIX ERE match. */
static int name_matches(const char *pat, const char *source)
{
	char buf[600];
	regex_t re;
	int m;
	if (!strcmp(pat, source))
		return 1;
	if (!strpbrk(pat, ".*+?[](){}|^$\\"))
		return 0;
	if (snprintf(buf, sizeof(buf), "^(%s)$", pat) >= (int)sizeof(buf))
		return 0;
	if (regcomp(&re, buf, REG_EXTENDED | REG_NOSUB))
		return 0;
	m = regexec(&re, source, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

/* Copy column i into *out unless out is NULL (not wanted). */
static int col_out(struct vigie_stmt *st, int i, struct vigie_arena *arena, const char **out,
		   struct vigie_error *err)
{
	return out ? vigie_store_col_copy(st, i, arena, out, err) : 0;
}

static void clear_out(const char **out)
{
	if (out)
		*out = NULL;
}

int vigie_store_support_ended_get(struct vigie_store *s, const char *release,
				  const char *source, struct vigie_arena *arena,
				  const char **last_version, const char **end_date,
				  const char **note, struct vigie_error *err)
{
	/* exact names first, then patterns */
	static const char sql[] =
		"SELECT source, last_version, end_date, note FROM support_ended"
		" WHERE release = ? ORDER BY source = ? DESC, source";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc, found = 0;
	clear_out(last_version);
	clear_out(end_date);
	clear_out(note);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, release);
	vigie_store_bind_text(st, 2, source);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		if (!name_matches(vigie_store_col_text(st, 0), source))
			continue;
		found = 1;
		if (col_out(st, 1, arena, last_version, err) ||
		    col_out(st, 2, arena, end_date, err) || col_out(st, 3, arena, note, err)) {
			vdb_reset(st);
			clear_out(last_version);
			clear_out(end_date);
			clear_out(note);
			return VIGIE_ENOMEM;
		}
		break;
	}
	if (!found && rc != VIGIE_STEP_DONE) {
		vdb_reset(st);
		return vigie_store_dberr(s, err, "read support-ended row");
	}
	vdb_reset(st);
	return found ? 0 : VIGIE_ENOTFOUND;
}

int vigie_store_support_limited_clear(struct vigie_store *s, struct vigie_error *err)
{
	static const char sql[] = "DELETE FROM support_limited";
	struct vigie_stmt *st;
	int rc;
	if ((rc = vigie_store_keep_previous(s, "support-limited", err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	return vigie_store_step_done(s, st, err, "delete support-limited rows");
}

int vigie_store_support_limited_put(struct vigie_store *s, const char *source,
			      const char *note, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO support_limited(source, note) VALUES(?,?)"
		" ON CONFLICT(source) DO UPDATE SET note=excluded.note";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, source);
	vigie_store_bind_text(st, 2, nz(note));
	return vigie_store_step_done(s, st, err, "insert support-limited row");
}

int vigie_store_support_limited_get(struct vigie_store *s, const char *source,
				    struct vigie_arena *arena, const char **note,
				    struct vigie_error *err)
{
	static const char sql[] =
		"SELECT source, note FROM support_limited"
		" ORDER BY source = ? DESC, source";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc, found = 0;
	clear_out(note);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, source);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		if (!name_matches(vigie_store_col_text(st, 0), source))
			continue;
		found = 1;
		if (col_out(st, 1, arena, note, err)) {
			vdb_reset(st);
			return VIGIE_ENOMEM;
		}
		break;
	}
	if (!found && rc != VIGIE_STEP_DONE) {
		vdb_reset(st);
		return vigie_store_dberr(s, err, "read support-limited row");
	}
	vdb_reset(st);
	return found ? 0 : VIGIE_ENOTFOUND;
}
