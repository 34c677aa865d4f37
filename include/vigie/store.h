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

/* Id of the host row named name, created (name only) when absent. A
 * minimal get-or-create for the events code; the hosts module owns the
 * full host functions. */
int store_events_host_id(struct vigie_store *s, const char *name, int64_t *id,
			 struct vigie_error *err);

/* Id of an existing host row; VIGIE_ENOTFOUND when there is none. */
int store_events_host_find(struct vigie_store *s, const char *name, int64_t *id,
			   struct vigie_error *err);

/* One event row (strings borrowed; "" for absent versions/arch). */
struct store_event {
	int64_t time;
	const char *action;       /* install, upgrade, remove, purge */
	const char *package;
	const char *arch;
	const char *old_version;
	const char *new_version;
	const char *origin;       /* log file, may be NULL */
	int64_t transaction_id;   /* 0 = none */
};

/* One apt transaction row (strings borrowed, NULL taken as ""). */
struct store_apt_transaction {
	int64_t start_time, end_time;
	const char *commandline;
	const char *requested_by;
	const char *error;
};

/* Insert a transaction unless the same (host, start, commandline) exists;
 * *id gets the row id either way. */
int store_events_put_transaction(struct vigie_store *s, int64_t host_id,
				 const struct store_apt_transaction *t, int64_t *id,
				 struct vigie_error *err);
/* Insert an event unless identical (UNIQUE key) to a stored one; *added
 * (may be NULL) is 1 when a row was inserted. Call inside a transaction
 * for speed. */
int store_events_put(struct vigie_store *s, int64_t host_id,
		     const struct store_event *ev, int *added,
		     struct vigie_error *err);
/* Call cb for each event of host with since <= time < until (0 = no
 * bound), by time then id. cb returning non-zero stops and that value is
 * returned. The struct is valid during the call only. */
typedef int store_event_cb(void *ud, const struct store_event *ev);
int store_events_each(struct vigie_store *s, int64_t host_id, int64_t since,
		      int64_t until, store_event_cb *cb, void *ud,
		      struct vigie_error *err);



/* ================================================================
 * Feeds and feed items (lib/store_feeds.c)
 * ================================================================ */



/* ================================================================
 * Pending updates: changelog cache, mirror first-seen
 * (lib/store_updates.c)
 * ================================================================ */



#endif
