#include "store/store_internal.h"
#include "vigie/core/util.h"

#include <string.h>

static const char *nz(const char *v)
{
	return v ? v : "";
}

int vigie_store_events_put_transaction(struct vigie_store *s, int64_t host_id,
				 const struct store_apt_transaction *t, int64_t *id,
				 struct vigie_error *err)
{
	static const char ins[] =
		"INSERT INTO apt_transactions(host_id, start_time, end_time,"
		" commandline, requested_by, error) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT DO NOTHING";
	static const char sel[] =
		"SELECT id FROM apt_transactions WHERE host_id = ?1 AND start_time = ?2"
		" AND commandline = ?3";
	struct vigie_stmt *st;
	int rc;

	if (!(st = vigie_store_stmt(s, ins, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, t->start_time);
	if (t->end_time)
		vigie_store_bind_int64(st, 3, t->end_time);
	vigie_store_bind_text(st, 4, nz(t->commandline));
	vigie_store_bind_text(st, 5, nz(t->requested_by));
	vigie_store_bind_text(st, 6, nz(t->error));
	if ((rc = vigie_store_step_done(s, st, err, "insert apt transaction")))
		return rc;
	if (!(st = vigie_store_stmt(s, sel, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, t->start_time);
	vigie_store_bind_text(st, 3, nz(t->commandline));
	if (vdb_step(st) != VIGIE_STEP_ROW) {
		vdb_reset(st);
		return vigie_store_dberr(s, err, "select apt transaction");
	}
	*id = vdb_col_int64(st, 0);
	vdb_reset(st);
	return 0;
}

int vigie_store_events_put(struct vigie_store *s, int64_t host_id,
		     const struct store_event *ev, int *added,
		     struct vigie_error *err)
{
	static const char ins[] =
		"INSERT INTO events(host_id, time, action, package, arch,"
		" old_version, new_version, origin, transaction_id)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, ins, err);
	int rc;

	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, ev->time);
	vigie_store_bind_text(st, 3, nz(ev->action));
	vigie_store_bind_text(st, 4, nz(ev->package));
	vigie_store_bind_text(st, 5, nz(ev->arch));
	vigie_store_bind_text(st, 6, nz(ev->old_version));
	vigie_store_bind_text(st, 7, nz(ev->new_version));
	vigie_store_bind_text(st, 8, ev->origin);
	if (ev->transaction_id)
		vigie_store_bind_int64(st, 9, ev->transaction_id);
	if ((rc = vigie_store_step_done(s, st, err, "insert event")))
		return rc;
	if (added)
		*added = vdb_changes(st) > 0;
	return 0;
}

int vigie_store_events_each(struct vigie_store *s, int64_t host_id, int64_t since,
		      int64_t until, store_event_cb *cb, void *ud,
		      struct vigie_error *err)
{
	static const char sel[] =
		"SELECT time, action, package, arch, old_version, new_version, origin,"
		" transaction_id FROM events WHERE host_id = ?1 AND time >= ?2"
		" AND time < ?3 ORDER BY time, id";
	struct vigie_stmt *st = vigie_store_stmt(s, sel, err);
	int rc, ret = 0;

	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, since ? since : INT64_MIN);
	vigie_store_bind_int64(st, 3, until ? until : INT64_MAX);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_event ev;
		ev.time = vdb_col_int64(st, 0);
		ev.action = nz(vigie_store_col_text(st, 1));
		ev.package = nz(vigie_store_col_text(st, 2));
		ev.arch = nz(vigie_store_col_text(st, 3));
		ev.old_version = nz(vigie_store_col_text(st, 4));
		ev.new_version = nz(vigie_store_col_text(st, 5));
		ev.origin = vigie_store_col_text(st, 6);
		ev.transaction_id = vdb_col_int64(st, 7);
		if ((ret = cb(ud, &ev)))
			break;
	}
	if (!ret && rc != VIGIE_STEP_DONE && rc != VIGIE_STEP_ROW)
		ret = vigie_store_dberr(s, err, "select events");
	vdb_reset(st);
	return ret;
}
