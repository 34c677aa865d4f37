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

/* Strings returned by the *_get functions below point into memory owned by
 * the store: valid until the next *_get call on the same store (or
 * store_close). Strings passed to callbacks are valid during the call. */

/* One (release, source package, issue) row of the security tracker. NULL
 * fields are absent from the data; nodsa_reason "" (plain <no-dsa>) and
 * NULL (no annotation) are distinct. repositories is
 * "suite=version suite2=version2" (NULL when none). */
struct store_tracker_row {
	const char *release;
	const char *source;
	const char *vuln;           /* CVE-... or TEMP-... */
	const char *status;         /* "resolved", "open", "undetermined", ... */
	const char *fixed_version;  /* "0" = not affected */
	const char *urgency;        /* "low", "medium**", "not yet assigned", ... */
	const char *nodsa;
	const char *nodsa_reason;   /* "", "ignored", "postponed" */
	int next_point_update;      /* 0 or 1 */
	const char *repositories;
};
/* One issue: description (NVD text), scope ("local"/"remote"), lowest
 * Debian bug number (0 = none). NULL strings are absent. */
struct store_vuln {
	const char *name;
	const char *description;
	const char *scope;
	long debianbug;
};

/* Import side (call inside store_begin/store_commit). */
/* Start a full tracker import: delete every tracker and vulns row and
 * prepare for bulk inserts (larger page cache, vuln index dropped).
 * Call store_tracker_finish before store_commit, or store_tracker_abort
 * after store_rollback. */
int store_tracker_clear(struct vigie_store *s, struct vigie_error *err);
int store_tracker_finish(struct vigie_store *s, struct vigie_error *err);
void store_tracker_abort(struct vigie_store *s);
/* Insert one tracker row. A row with the same release/source/vuln already
 * stored is kept (first wins: INSERT OR IGNORE, which also spares SQLite a
 * statement journal during bulk imports). */
int store_tracker_put(struct vigie_store *s, const struct store_tracker_row *r,
		      struct vigie_error *err);
/* Insert n rows, STORE_TRACKER_BATCH per statement (faster for bulk);
 * *ignored = rows skipped because their key was already stored. */
#define STORE_TRACKER_BATCH 32
int store_tracker_put_batch(struct vigie_store *s,
			    const struct store_tracker_row *rows, size_t n,
			    size_t *ignored, struct vigie_error *err);
/* Insert or merge one issue: fields already stored win, NULL/0 fields of
 * the stored row are filled from v (one row per issue name). */
int store_vuln_put(struct vigie_store *s, const struct store_vuln *v,
		   struct vigie_error *err);

/* Calls cb for each tracker row of release (NULL = every release), ordered
 * by release, source, vuln. cb returning non-zero stops and that value is
 * returned; otherwise 0 or VIGIE_EDB. */
typedef int store_tracker_cb(void *ud, const struct store_tracker_row *r);
int store_tracker_each(struct vigie_store *s, const char *release,
		       store_tracker_cb *cb, void *ud, struct vigie_error *err);
/* Fetch one issue into *out (strings owned by the store, see above).
 * Returns 0, VIGIE_ENOTFOUND or VIGIE_EDB. */
int store_vuln_get(struct vigie_store *s, const char *name,
		   struct store_vuln *out, struct vigie_error *err);

/* CISA Known Exploited Vulnerabilities: one row per CVE. Dates YYYY-MM-DD;
 * ransomware is "Known" or "Unknown". */
struct store_kev {
	const char *cve;
	const char *vendor;
	const char *product;
	const char *name;
	const char *date_added;
	const char *due_date;
	const char *ransomware;
};
/* Delete every KEV row (the KEV catalog is imported whole). */
int store_kev_clear(struct vigie_store *s, struct vigie_error *err);
int store_kev_put(struct vigie_store *s, const struct store_kev *k,
		  struct vigie_error *err);
/* 0, VIGIE_ENOTFOUND or VIGIE_EDB; strings owned by the store. */
int store_kev_get(struct vigie_store *s, const char *cve,
		  struct store_kev *out, struct vigie_error *err);

/* CVSS per CVE: origin "cve5" or "nvd"; version "4.0", "3.1", "3.0", "2.0"
 * or NULL (no score, then score is -1); published is the CVE publication
 * time as given by the source; kev_added the KEV date when the source says
 * so (NULL otherwise). */
struct store_cvss {
	const char *cve;
	const char *origin;
	const char *version;
	double score;
	const char *vector;
	const char *published;
	const char *kev_added;
};
/* Insert or update: the last import wins, except that a row without a v3
 * or v4 score never replaces the score of a row that has one (published
 * and kev_added are then only filled in when missing). */
int store_cvss_put(struct vigie_store *s, const struct store_cvss *c,
		   struct vigie_error *err);
/* 0, VIGIE_ENOTFOUND or VIGIE_EDB; strings owned by the store. */
int store_cvss_get(struct vigie_store *s, const char *cve,
		   struct store_cvss *out, struct vigie_error *err);



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



/* ================================================================
 * Pending updates: changelog cache, mirror first-seen
 * (lib/store_updates.c)
 * ================================================================ */



#endif
