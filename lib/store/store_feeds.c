/* Feeds, feed items, alerts sent, and the two fleet-wide lookups matching
 * needs (hosts having a package, hosts having a service); the hosts module
 * owns the hosts, their packages and services. */
#include "store/store_internal.h"
#include "vigie/core/util.h"

#include <string.h>

static int64_t col_i64(struct vigie_stmt *st, int i)
{
	return vdb_col_int64(st, i);
}

int vigie_store_feed_add(struct vigie_store *s, const char *url, const char *name,
		   const char *services, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO feeds(url, name, services) VALUES(?1, ?2, ?3)"
		" ON CONFLICT(url) DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, url);
	vigie_store_bind_text(st, 2, name && *name ? name : NULL);
	vigie_store_bind_text(st, 3, services && *services ? services : NULL);
	if ((rc = vigie_store_step_done(s, st, err, "add feed")))
		return rc;
	return vdb_changes(st) ? 0 : 1;
}

int vigie_store_feed_remove(struct vigie_store *s, const char *key,
		      struct vigie_error *err)
{
	static const char sql_items[] =
		"DELETE FROM alerts_sent WHERE item_id IN (SELECT i.id FROM"
		" feed_items i JOIN feeds f ON f.id = i.feed_id"
		" WHERE f.url = ?1 OR f.name = ?1)";
	static const char sql[] = "DELETE FROM feeds WHERE url = ?1 OR name = ?1";
	struct vigie_stmt *st;
	int rc;
	if (!(st = vigie_store_stmt(s, sql_items, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, key);
	if ((rc = vigie_store_step_done(s, st, err, "remove feed alerts")))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, key);
	if ((rc = vigie_store_step_done(s, st, err, "remove feed")))
		return rc;
	if (!vdb_changes(st))
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "no feed with URL or name '%s'", key);
	return 0;
}

int vigie_store_feeds_each(struct vigie_store *s, store_feed_cb *cb, void *ud,
		     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT id, url, name, services, etag, last_modified, last_poll,"
		" last_success, last_error, failures, next_poll FROM feeds"
		" ORDER BY coalesce(name, url), url";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_feed f = {
			.id = col_i64(st, 0),
			.url = vigie_store_col_text(st, 1),
			.name = vigie_store_col_text(st, 2),
			.services = vigie_store_col_text(st, 3),
			.etag = vigie_store_col_text(st, 4),
			.last_modified = vigie_store_col_text(st, 5),
			.last_poll = col_i64(st, 6),
			.last_success = col_i64(st, 7),
			.last_error = vigie_store_col_text(st, 8),
			.failures = (long)col_i64(st, 9),
			.next_poll = col_i64(st, 10),
		};
		int r = cb(ud, &f);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, "list feeds");
}

int vigie_store_feed_set_state(struct vigie_store *s, const struct store_feed *f,
			 struct vigie_error *err)
{
	static const char sql[] =
		"UPDATE feeds SET etag = ?2, last_modified = ?3, last_poll = ?4,"
		" last_success = ?5, last_error = ?6, failures = ?7, next_poll = ?8"
		" WHERE id = ?1";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, f->id);
	vigie_store_bind_text(st, 2, f->etag);
	vigie_store_bind_text(st, 3, f->last_modified);
	vigie_store_bind_int64(st, 4, f->last_poll);
	if (f->last_success)
		vigie_store_bind_int64(st, 5, f->last_success);
	vigie_store_bind_text(st, 6, f->last_error);
	vigie_store_bind_int64(st, 7, f->failures);
	vigie_store_bind_int64(st, 8, f->next_poll);
	return vigie_store_step_done(s, st, err, "update feed state");
}

int vigie_store_feed_item_put(struct vigie_store *s, const struct store_feed_item *it,
			int *inserted, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO feed_items(feed_id, key, title, link, published,"
		" first_seen, summary, cves, advisory, packages, services)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT(feed_id, key) DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*inserted = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, it->feed_id);
	vigie_store_bind_text(st, 2, it->key);
	vigie_store_bind_text(st, 3, it->title);
	vigie_store_bind_text(st, 4, it->link);
	if (it->published)
		vigie_store_bind_int64(st, 5, it->published);
	vigie_store_bind_int64(st, 6, it->first_seen);
	vigie_store_bind_text(st, 7, it->summary);
	vigie_store_bind_text(st, 8, it->cves);
	vigie_store_bind_text(st, 9, it->advisory);
	vigie_store_bind_text(st, 10, it->packages);
	vigie_store_bind_text(st, 11, it->services);
	if ((rc = vigie_store_step_done(s, st, err, "store feed item")))
		return rc;
	*inserted = vdb_changes(st) > 0;
	return 0;
}

int vigie_store_feed_items_each(struct vigie_store *s, int64_t since, int unalerted,
			  store_feed_item_cb *cb, void *ud,
			  struct vigie_error *err)
{
	static const char sql[] =
		"SELECT i.id, i.feed_id, coalesce(f.name, f.url), f.services, i.key,"
		" i.title, i.link, i.published, i.first_seen, i.summary, i.cves,"
		" i.advisory, i.packages, i.services FROM feed_items i"
		" JOIN feeds f ON f.id = i.feed_id WHERE i.first_seen >= ?1"
		" AND (?2 = 0 OR NOT EXISTS (SELECT 1 FROM alerts_sent a"
		" WHERE a.item_id = i.id))"
		" ORDER BY i.first_seen DESC, coalesce(i.published, 0) DESC, i.id DESC";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, since);
	vigie_store_bind_int64(st, 2, unalerted ? 1 : 0);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_feed_item it = {
			.id = col_i64(st, 0),
			.feed_id = col_i64(st, 1),
			.feed = vigie_store_col_text(st, 2),
			.feed_services = vigie_store_col_text(st, 3),
			.key = vigie_store_col_text(st, 4),
			.title = vigie_store_col_text(st, 5),
			.link = vigie_store_col_text(st, 6),
			.published = col_i64(st, 7),
			.first_seen = col_i64(st, 8),
			.summary = vigie_store_col_text(st, 9),
			.cves = vigie_store_col_text(st, 10),
			.advisory = vigie_store_col_text(st, 11),
			.packages = vigie_store_col_text(st, 12),
			.services = vigie_store_col_text(st, 13),
		};
		int r = cb(ud, &it);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, "list feed items");
}

int vigie_store_alert_was_sent(struct vigie_store *s, int64_t item_id,
			 int64_t host_id, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT 1 FROM alerts_sent WHERE item_id = ?1 AND host_id = ?2";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, item_id);
	vigie_store_bind_int64(st, 2, host_id);
	rc = vdb_step(st);
	vdb_reset(st);
	if (rc == VIGIE_STEP_ROW)
		return 1;
	return rc == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, "read alerts");
}

int vigie_store_alert_mark_sent(struct vigie_store *s, int64_t item_id,
			  int64_t host_id, int64_t when, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO alerts_sent(item_id, host_id, sent_at)"
		" VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, item_id);
	vigie_store_bind_int64(st, 2, host_id);
	vigie_store_bind_int64(st, 3, when);
	return vigie_store_step_done(s, st, err, "record alert");
}

/* ---- fleet views ---- */
int vigie_store_feed_hosts_with_package(struct vigie_store *s, const char *name,
				  store_feed_host_pkg_cb *cb, void *ud,
				  struct vigie_error *err)
{
	/* source is indexed; the binary name is the second column of the
	 * primary key, so walk the hosts (SQLite's CROSS JOIN fixes that
	 * order; PostgreSQL's planner finds it alone) and look each
	 * (host_id, package) up instead of scanning every row */
#define HOSTS_WITH_PACKAGE(JOIN) \
		"SELECT h.id, h.name, h.release, p.package, p.source, p.source_version" \
		" FROM host_packages p JOIN hosts h ON h.id = p.host_id" \
		" WHERE p.source = ?1 AND p.status NOT IN ('config-files', 'not-installed')" \
		" UNION" \
		" SELECT h.id, h.name, h.release, p.package, p.source, p.source_version" \
		" FROM hosts h " JOIN " host_packages p" \
		" ON p.host_id = h.id AND p.package = ?1" \
		" WHERE p.status NOT IN ('config-files', 'not-installed')" \
		" ORDER BY 2, 4"
	static const char sql_sqlite[] = HOSTS_WITH_PACKAGE("CROSS JOIN");
	static const char sql_other[] = HOSTS_WITH_PACKAGE("JOIN");
#undef HOSTS_WITH_PACKAGE
	const char *sql = s->drv == &vigie_store_sqlite_driver ? sql_sqlite : sql_other;
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_feed_host_pkg p = {
			.host_id = col_i64(st, 0),
			.host = vigie_store_col_text(st, 1),
			.release = vigie_store_col_text(st, 2),
			.package = vigie_store_col_text(st, 3),
			.source = vigie_store_col_text(st, 4),
			.source_version = vigie_store_col_text(st, 5),
		};
		int r = cb(ud, &p);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, "hosts with package");
}

static int svc_rows(struct vigie_store *s, struct vigie_stmt *st,
		    store_feed_host_svc_cb *cb, void *ud, struct vigie_error *err)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		int r = cb(ud, col_i64(st, 0), vigie_store_col_text(st, 1), vigie_store_col_text(st, 2),
			   vigie_store_col_text(st, 3));
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, "host services");
}

int vigie_store_feed_hosts_with_service(struct vigie_store *s, const char *service,
				  store_feed_host_svc_cb *cb, void *ud,
				  struct vigie_error *err)
{
	static const char sql[] =
		"SELECT h.id, h.name, v.service, v.origin FROM host_services v"
		" JOIN hosts h ON h.id = v.host_id WHERE lower(v.service) = lower(?1)"
		" ORDER BY h.name";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, service);
	return svc_rows(s, st, cb, ud, err);
}
