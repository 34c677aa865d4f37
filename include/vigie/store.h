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

/* One advisory (strings borrowed: valid during a call or callback). */
struct store_advisory {
	const char *id;          /* "DSA-5376-1" */
	const char *kind;        /* "DSA", "DLA", "DTSA" */
	const char *date;        /* "YYYY-MM-DD" */
	const char *description;
	const char *packages;    /* source packages named, space-separated */
};
/* Delete every advisory of kind (and its CVEs and fixes). Use inside a
 * transaction. */
int store_advisories_clear(struct vigie_store *s, const char *kind,
			   struct vigie_error *err);
/* Insert one advisory. Returns 0, 1 when an advisory with that id already
 * exists (nothing written), or VIGIE_EDB. */
int store_advisory_put(struct vigie_store *s, const struct store_advisory *a,
		       struct vigie_error *err);
/* Link an advisory to a CVE id (idempotent). */
int store_advisory_cve_put(struct vigie_store *s, const char *advisory,
			   const char *cve, struct vigie_error *err);

/* One "[release] - source version" line of an advisory. kind is "fixed"
 * (version set) or a pseudo-version name ("not-affected", "end-of-life",
 * "unfixed", ...; version NULL). date is the advisory's date (read only). */
struct store_advisory_fix {
	const char *advisory;
	const char *date;
	const char *release;
	const char *source;
	const char *version;
	const char *kind;
	const char *note;        /* "( ... )" text or NULL */
};
int store_advisory_fix_put(struct vigie_store *s,
			   const struct store_advisory_fix *f,
			   struct vigie_error *err);
/* Calls cb for every advisory fix line of release (NULL: all releases),
 * ordered by release, source, advisory date, advisory id. cb returning
 * non-zero stops and that value is returned. */
typedef int store_advisory_fix_cb(void *ud, const struct store_advisory_fix *f);
int store_advisory_fixes_each(struct vigie_store *s, const char *release,
			      store_advisory_fix_cb *cb, void *ud,
			      struct vigie_error *err);
/* Calls cb for each advisory listing cve, oldest first. */
typedef int store_advisory_cb(void *ud, const struct store_advisory *a);
int store_advisories_for_cve(struct vigie_store *s, const char *cve,
			     store_advisory_cb *cb, void *ud,
			     struct vigie_error *err);
/* One advisory with its CVE ids, owned by the caller: release with
 * store_advisory_info_release(). */
struct store_advisory_info {
	char *id, *kind, *date, *description, *packages;
	char **cves;             /* sorted */
	size_t ncves;
};
/* Fetch advisory id into out. VIGIE_ENOTFOUND when unknown. */
int store_advisory_get(struct vigie_store *s, const char *id,
		       struct store_advisory_info *out, struct vigie_error *err);
void store_advisory_info_release(struct store_advisory_info *a);
/* Distinct counts for `db status`: vulnerability ids known (tracker
 * vulnerabilities and advisory CVEs) and source packages (tracker and
 * advisory fixes). -1 on error. */
long store_count_known_vulns(struct vigie_store *s, struct vigie_error *err);
long store_count_known_packages(struct vigie_store *s, struct vigie_error *err);

/* A Debian release (distro-info). Dates are "YYYY-MM-DD" or "" when not
 * known; version is "" for sid/experimental. */
struct store_release {
	char codename[32];
	char version[16];
	char series[32];
	char created[11], release[11], eol[11], eol_lts[11], eol_elts[11];
};
/* Replace the whole releases table by the next store_release_put() calls
 * (use inside a transaction). */
int store_releases_clear(struct vigie_store *s, struct vigie_error *err);
int store_release_put(struct vigie_store *s, const struct store_release *r,
		      struct vigie_error *err);
/* Fetch one release by codename; VIGIE_ENOTFOUND when unknown. */
int store_release_get(struct vigie_store *s, const char *codename,
		      struct store_release *out, struct vigie_error *err);
/* Fetch the release whose version number is major ("11", or "6" for
 * "6.0"); VIGIE_ENOTFOUND when unknown. */
int store_release_by_number(struct vigie_store *s, const char *major,
			    struct store_release *out, struct vigie_error *err);
/* Calls cb for each release, oldest (creation date) first. */
typedef int store_release_cb(void *ud, const struct store_release *r);
int store_releases_each(struct vigie_store *s, store_release_cb *cb, void *ud,
			struct vigie_error *err);

/* debian-security-support lists. source may be a regular expression in
 * the files ("node-.*"); lookups match it as a whole-name POSIX ERE. */
int store_support_ended_clear(struct vigie_store *s, const char *release,
			      struct vigie_error *err);
int store_support_ended_put(struct vigie_store *s, const char *release,
			    const char *source, const char *last_version,
			    const char *end_date, const char *note,
			    struct vigie_error *err);
/* Security support of source in release ended (or ends) early: fills the
 * malloc'd *last_version, *end_date, *note (each may be NULL; pass NULL
 * pointers for what is not wanted). VIGIE_ENOTFOUND when not listed. */
int store_support_ended_get(struct vigie_store *s, const char *release,
			    const char *source, char **last_version,
			    char **end_date, char **note,
			    struct vigie_error *err);
int store_support_limited_clear(struct vigie_store *s, struct vigie_error *err);
int store_support_limited_put(struct vigie_store *s, const char *source,
			      const char *note, struct vigie_error *err);
/* Security support of source is limited: *note malloc'd (may be NULL).
 * VIGIE_ENOTFOUND when not listed. */
int store_support_limited_get(struct vigie_store *s, const char *source,
			      char **note, struct vigie_error *err);



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
