/* vigie: the store. All SQL lives in lib/store*.c behind functions named by
 * what they do; today SQLite (WAL, versioned schema with migrations). A
 * PostgreSQL driver can implement the same functions later.
 *
 * Every import runs inside store_begin()/store_commit(): on any error the
 * caller calls store_rollback() and the previous data is left untouched. */
#ifndef VIGIE_STORE_H
#define VIGIE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"

struct vigie_store;

enum store_open_flags {
	STORE_READONLY = 1, /* never create or migrate */
};

/* Default database path: $VIGIE_DB, else /var/lib/vigie/vigie.db as root,
 * else $XDG_DATA_HOME/vigie/vigie.db (~/.local/share/...). Writes into buf. */
const char *store_default_path(char *buf, size_t size);

/* Open (creating directories and the schema as needed) and migrate to the
 * latest schema. *out is NULL on error. */
int store_open(struct vigie_store **out, const char *path, int flags,
	       struct vigie_error *err);
/* Close; accepts NULL. Rolls back an open transaction. */
void store_close(struct vigie_store *s);
const char *store_path(const struct vigie_store *s);
/* Schema version in the file. */
int store_schema_version(struct vigie_store *s);

/* Transactions (not nested). */
int store_begin(struct vigie_store *s, struct vigie_error *err);
int store_commit(struct vigie_store *s, struct vigie_error *err);
void store_rollback(struct vigie_store *s);

/* ---- data sources (one row per imported source) ---- */
struct store_source {
	const char *name;        /* "tracker-json", "dsa-list", ... */
	const char *location;    /* file path or URL it came from */
	int64_t imported_at;     /* vigie_now() at import */
	int64_t data_date;       /* date of the data itself (0 = unknown) */
	long rows;               /* rows imported */
	const char *etag;        /* HTTP validators, may be NULL */
	const char *last_modified;
};
int store_source_put(struct vigie_store *s, const struct store_source *src,
		     struct vigie_error *err);
/* Calls cb for each source, ordered by name. cb returning non-zero stops
 * and that value is returned. */
typedef int store_source_cb(void *ud, const struct store_source *src);
int store_sources_each(struct vigie_store *s, store_source_cb *cb, void *ud,
		       struct vigie_error *err);
/* Fetch one source's HTTP validators (etag/last_modified, malloc'd, may be
 * NULL). Returns VIGIE_ENOTFOUND when never imported. */
int store_source_validators(struct vigie_store *s, const char *name,
			    char **etag, char **last_modified,
			    struct vigie_error *err);

/* Row count of one of the public tables ("advisories", "tracker",
 * "vulns", "kev", "cvss", "releases", "hosts", ...); -1 on error. */
long store_count(struct vigie_store *s, const char *table,
		 struct vigie_error *err);


/* ================================================================
 * Tracker issues, vulns, KEV, CVSS (lib/store_vuln.c)
 * ================================================================ */



/* ================================================================
 * Advisories (DSA/DLA/DTSA), releases, support lists
 * (lib/store_advisories.c)
 * ================================================================ */



/* ================================================================
 * Hosts, host packages, services (lib/store_hosts.c)
 * ================================================================ */



/* ================================================================
 * Events: dpkg.log, apt history (lib/store_events.c)
 * ================================================================ */



/* ================================================================
 * Feeds and feed items (lib/store_feeds.c)
 * ================================================================ */

/* A configured feed and its poll state. services: space-separated service
 * names the feed covers ("@debian" marks a Debian DSA/DLA feed). */
struct store_feed {
	int64_t id;
	const char *url;
	const char *name;
	const char *services;
	const char *etag;          /* HTTP validators, may be NULL */
	const char *last_modified;
	int64_t last_poll;         /* 0 = never */
	int64_t last_success;      /* 0 = never */
	const char *last_error;    /* NULL after a success */
	long failures;             /* consecutive failed polls */
	int64_t next_poll;         /* not polled before this time (backoff) */
};
/* Add a feed. Returns 0 when added, 1 when the URL was already there
 * (nothing changed), or an error. */
int store_feed_add(struct vigie_store *s, const char *url, const char *name,
		   const char *services, struct vigie_error *err);
/* Remove the feed whose URL or name is key (its items go with it).
 * VIGIE_ENOTFOUND when none matches. */
int store_feed_remove(struct vigie_store *s, const char *key,
		      struct vigie_error *err);
/* Calls cb for each feed ordered by name then URL; strings are valid during
 * the call only. Non-zero from cb stops and is returned. */
typedef int store_feed_cb(void *ud, const struct store_feed *f);
int store_feeds_each(struct vigie_store *s, store_feed_cb *cb, void *ud,
		     struct vigie_error *err);
/* Record the outcome of one poll: every poll-state field of f is written
 * (etag, last_modified, last_poll, last_success, last_error, failures,
 * next_poll) for the feed f->id. */
int store_feed_set_state(struct vigie_store *s, const struct store_feed *f,
			 struct vigie_error *err);

/* One stored item; list fields are space-separated. */
struct store_feed_item {
	int64_t id;
	int64_t feed_id;
	const char *feed;      /* feed name (or URL when unnamed) */
	const char *feed_services;
	const char *key;
	const char *title;
	const char *link;
	int64_t published;     /* 0 = unknown */
	int64_t first_seen;
	const char *summary;
	const char *cves;
	const char *advisory;  /* advisory ids, space-separated */
	const char *packages;
	const char *services;
};
/* Store an item once per (feed, key); *inserted is 1 when new, 0 when the
 * key was already stored (nothing is changed then). first_seen is taken
 * from it->first_seen. */
int store_feed_item_put(struct vigie_store *s, const struct store_feed_item *it,
			int *inserted, struct vigie_error *err);
/* Items first seen at or after since (0: all), newest first; with
 * unalerted set, only items for which no alert was ever sent. */
typedef int store_feed_item_cb(void *ud, const struct store_feed_item *it);
int store_feed_items_each(struct vigie_store *s, int64_t since, int unalerted,
			  store_feed_item_cb *cb, void *ud,
			  struct vigie_error *err);
/* 1 when an alert for (item, host) was already sent, else 0; <0 on error. */
int store_alert_was_sent(struct vigie_store *s, int64_t item_id,
			 int64_t host_id, struct vigie_error *err);
int store_alert_mark_sent(struct vigie_store *s, int64_t item_id,
			  int64_t host_id, int64_t when, struct vigie_error *err);

/* Read-only views of the fleet for matching (the hosts module owns writes).
 * Hosts having a package whose binary or source name is name: */
typedef int store_feed_host_pkg_cb(void *ud, int64_t host_id, const char *host,
				   const char *package, const char *source,
				   const char *source_version);
int store_feed_hosts_with_package(struct vigie_store *s, const char *name,
				  store_feed_host_pkg_cb *cb, void *ud,
				  struct vigie_error *err);
/* Hosts with service (exact name): cb(ud, host_id, host, service, origin). */
typedef int store_feed_host_svc_cb(void *ud, int64_t host_id, const char *host,
				   const char *service, const char *origin);
int store_feed_hosts_with_service(struct vigie_store *s, const char *service,
				  store_feed_host_svc_cb *cb, void *ud,
				  struct vigie_error *err);
/* Every (host, service) pair ordered by host then service. */
int store_feed_services_each(struct vigie_store *s, store_feed_host_svc_cb *cb,
			     void *ud, struct vigie_error *err);
/* 1 when host_id has an installed package whose binary or source name is
 * name, else 0; <0 on error. */
int store_feed_host_has_package(struct vigie_store *s, int64_t host_id,
				const char *name, struct vigie_error *err);
/* Test fixtures until the hosts module lands: add a host (returns its id
 * in *id), a package, a service. */
int store_feeds_test_add_host(struct vigie_store *s, const char *name,
			      int64_t *id, struct vigie_error *err);
int store_feeds_test_add_package(struct vigie_store *s, int64_t host_id,
				 const char *package, const char *version,
				 const char *source, const char *source_version,
				 struct vigie_error *err);
int store_feeds_test_add_service(struct vigie_store *s, int64_t host_id,
				 const char *service, const char *origin,
				 struct vigie_error *err);



/* ================================================================
 * Pending updates: changelog cache, mirror first-seen
 * (lib/store_updates.c)
 * ================================================================ */



#endif
