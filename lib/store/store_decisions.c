#include "store/store_internal.h"
#include "vigie/store/decisions.h"

#include <stdlib.h>
#include <string.h>

void vigie_decisions_init(struct vigie_decisions *d)
{
	memset(d, 0, sizeof(*d));
	vigie_arena_init(&d->arena);
}

void vigie_decisions_release(struct vigie_decisions *d)
{
	if (!d)
		return;
	free(d->v);
	vigie_arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

static int check_field(const char *what, const char *v, size_t max, int required,
		       struct vigie_error *err)
{
	if (!v || !*v)
		return required ? vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
						  "decision: %s is required", what) : 0;
	if (strlen(v) > max)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "decision: %s longer than %zu bytes", what, max);
	if (!vigie_utf8_valid(v, strlen(v)))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "decision: %s is not valid UTF-8", what);
	return 0;
}

int vigie_store_decision_add(struct vigie_store *s, const struct vigie_decision *d,
			     int64_t *id, struct vigie_error *err)
{
	static const char ins[] =
		"INSERT INTO decisions(cve, host, status, justification, reason, decided_by,"
		" decided_at, expires_at) VALUES(?,?,?,?,?,?,?,?)";
	static const char sel[] = "SELECT MAX(id) FROM decisions";
	struct vigie_stmt *st;
	int rc, own = !s->in_tx;

	if ((rc = check_field("CVE", d->cve, 64, 1, err)) ||
	    (rc = check_field("host", d->host, DECISION_MAX_NAME, 0, err)) ||
	    (rc = check_field("status", d->status, 64, 1, err)) ||
	    (rc = check_field("justification", d->justification, 128, 0, err)) ||
	    (rc = check_field("reason", d->reason, DECISION_MAX_REASON, 1, err)) ||
	    (rc = check_field("decided by", d->by, DECISION_MAX_NAME, 1, err)))
		return rc;
	if (own && (rc = vigie_store_begin(s, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, ins, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_text(st, 1, d->cve);
	vigie_store_bind_text(st, 2, d->host);
	vigie_store_bind_text(st, 3, d->status);
	vigie_store_bind_text(st, 4, d->justification);
	vigie_store_bind_text(st, 5, d->reason);
	vigie_store_bind_text(st, 6, d->by);
	vigie_store_bind_int64(st, 7, d->at);
	if (d->expires)
		vigie_store_bind_int64(st, 8, d->expires);
	else
		vdb_bind_null(st, 8);
	if ((rc = vigie_store_step_done(s, st, err, "insert decision")))
		goto out;
	if (!(st = vigie_store_stmt(s, sel, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	if (vdb_step(st) != VIGIE_STEP_ROW) {
		vdb_reset(st);
		rc = vigie_store_dberr(s, err, "select decision id");
		goto out;
	}
	*id = vdb_col_int64(st, 0);
	vdb_reset(st);
out:
	if (own) {
		if (rc)
			vigie_store_rollback(s);
		else
			rc = vigie_store_commit(s, err);
	}
	return rc;
}

static const char *dup_or_null(struct vigie_arena *a, const char *v, int *oom)
{
	char *c;
	if (!v)
		return NULL;
	if (!(c = vigie_arena_strdup(a, v)))
		*oom = 1;
	return c;
}

int vigie_store_decisions_load(struct vigie_store *s, int all,
			       struct vigie_decisions *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT id, cve, host, status, justification, reason, decided_by, decided_at,"
		" COALESCE(expires_at, 0), COALESCE(revoked_at, 0), revoked_by"
		" FROM decisions ORDER BY id";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int r, oom = 0;

	if (!st)
		return VIGIE_EDB;
	while ((r = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct vigie_decision *d;
		if (!all && vdb_col_int64(st, 9))
			continue;
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			void *v = realloc(out->v, cap * sizeof(*out->v));
			if (!v) {
				oom = 1;
				break;
			}
			out->v = v;
			out->cap = cap;
		}
		d = &out->v[out->n++];
		d->id = vdb_col_int64(st, 0);
		d->cve = dup_or_null(&out->arena, vigie_store_col_text(st, 1), &oom);
		d->host = dup_or_null(&out->arena, vigie_store_col_text(st, 2), &oom);
		d->status = dup_or_null(&out->arena, vigie_store_col_text(st, 3), &oom);
		d->justification = dup_or_null(&out->arena, vigie_store_col_text(st, 4), &oom);
		d->reason = dup_or_null(&out->arena, vigie_store_col_text(st, 5), &oom);
		d->by = dup_or_null(&out->arena, vigie_store_col_text(st, 6), &oom);
		d->at = vdb_col_int64(st, 7);
		d->expires = vdb_col_int64(st, 8);
		d->revoked = vdb_col_int64(st, 9);
		d->revoked_by = dup_or_null(&out->arena, vigie_store_col_text(st, 10), &oom);
		if (oom)
			break;
	}
	vdb_reset(st);
	if (oom)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (r != VIGIE_STEP_ROW && r != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read decisions");
	return 0;
}

int vigie_store_decision_revoke(struct vigie_store *s, int64_t id, int64_t at,
				const char *by, struct vigie_error *err)
{
	static const char sel[] = "SELECT id FROM decisions WHERE id = ? AND revoked_at IS NULL";
	static const char upd[] = "UPDATE decisions SET revoked_at = ?, revoked_by = ? WHERE id = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sel, err);
	int r;

	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	r = vdb_step(st);
	vdb_reset(st);
	if (r == VIGIE_STEP_DONE)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "no decision %lld in force", (long long)id);
	if (r != VIGIE_STEP_ROW)
		return vigie_store_dberr(s, err, "read decision");
	if (!(st = vigie_store_stmt(s, upd, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, at);
	vigie_store_bind_text(st, 2, by);
	vigie_store_bind_int64(st, 3, id);
	return vigie_store_step_done(s, st, err, "revoke decision");
}
