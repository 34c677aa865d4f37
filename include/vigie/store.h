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



/* ================================================================
 * Pending updates: changelog cache, mirror first-seen
 * (lib/store_updates.c)
 * ================================================================ */

struct vigie_strv;

/* The changelog summary cached for a binary package version ("VERSION
 * CVE...\n" lines, see debpkg.h), malloc'd into *data. VIGIE_ENOTFOUND
 * when not cached. */
int store_changelog_get(struct vigie_store *s, const char *package,
			const char *version, char **data,
			struct vigie_error *err);
/* Cache (replace) the summary of a package version. */
int store_changelog_put(struct vigie_store *s, const char *package,
			const char *version, int64_t fetched_at,
			const char *data, struct vigie_error *err);
/* Append to out (unique) the CVEs fixed in release for source at a version
 * v with after < v <= upto (source versions): the tracker's fixed versions,
 * then the DSA/DLA/DTSA "fixed" lines with their advisories' CVEs. */
int store_updates_fixed_cves(struct vigie_store *s, const char *release,
			     const char *source, const char *after,
			     const char *upto, struct vigie_strv *out,
			     struct vigie_error *err);



#endif
