/* vigie: the store. What vigie stores, behind functions named by what they
 * do; the SQL lives in lib/store/ (portable) and the engine in a driver
 * (vigie/store/driver.h) chosen by the database URL: a path or
 * sqlite:///path is SQLite, postgresql://... is PostgreSQL.
 *
 * A store is one connection: use it from one thread at a time (open one
 * per thread).
 *
 * Results live in caller-supplied arenas. What a get or lookup returns
 * through its out-parameters (strings, arrays) is allocated in the struct
 * vigie_arena the caller passes (here right after the key arguments) and
 * lives until the caller releases that arena; nothing returned points
 * into the store, so later calls (other gets, writes, vigie_store_close)
 * leave it intact. A loop of gets releases its arena after each round to
 * stay bounded. Strings handed to callbacks are valid during the call
 * only; fixed-size results (struct store_release) are copied into the
 * caller's struct; the few calls that malloc say so.
 *
 * Every import runs inside vigie_store_begin()/vigie_store_commit(): on any error the
 * caller calls vigie_store_rollback() and the previous data is left untouched. */
#ifndef VIGIE_STORE_H
#define VIGIE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

struct vigie_store;

enum store_open_flags {
	STORE_READONLY = 1, /* never create or migrate */
};

/* Default database URL: $VIGIE_DB, else /var/lib/vigie/vigie.db as root,
 * else $XDG_DATA_HOME/vigie/vigie.db (~/.local/share/...). Writes into buf. */
const char *vigie_store_default_path(char *buf, size_t size);

/* Open url (a path, sqlite:///path or postgresql://...), creating the
 * SQLite file and its directories (0750, file 0640) or the schema as
 * needed, and migrate to the latest schema. A PostgreSQL password comes
 * from libpq's own mechanisms (~/.pgpass, PGPASSFILE, PGPASSWORD) and is
 * never shown. *out is NULL on error (err names host and port, or the
 * file); with STORE_READONLY, VIGIE_ENOTFOUND when nothing was ever stored
 * there. */
/* Process-wide, set before opening stores: a writer waits at most
 * seconds (default 600) while another vigie writes to the same database,
 * and calls notice once (may be NULL) when it starts waiting. */
void vigie_store_lock_wait(int seconds, void (*notice)(const char *msg));
int vigie_store_open(struct vigie_store **out, const char *url, int flags,
	       struct vigie_error *err);
/* 1 when url is a SQLite path with no file behind it (nothing to read:
 * commands that only read say so instead of creating one); 0 otherwise,
 * including every server URL (opening it tells what is there). */
int vigie_store_missing(const char *url);
/* Close; accepts NULL. Rolls back an open transaction. */
void vigie_store_close(struct vigie_store *s);
/* Where the data lives, for messages and `db status`: the SQLite path, or
 * host:port/dbname (never a password). Owned by the store. */
const char *vigie_store_path(const struct vigie_store *s);
/* The driver's name: "sqlite" or "postgresql". */
const char *vigie_store_driver_name(const struct vigie_store *s);
/* An identity of the database itself, for what is kept outside it (the
 * index images): "sqlite:DEV:INO" of the file, or the driver's name and
 * what vigie_store_path says for a server, so that two databases never
 * have one identity. Into buf; VIGIE_ENOTFOUND when the file cannot be
 * identified (none on disk), VIGIE_EUSAGE when buf is too small. */
int vigie_store_identity(const struct vigie_store *s, char *buf, size_t size,
			 struct vigie_error *err);
/* Schema version of the database. */
int vigie_store_schema_version(struct vigie_store *s);

/* Transactions (not nested). vigie_store_begin and vigie_store_commit return 0 or
 * VIGIE_EDB (a failed commit rolls back); vigie_store_rollback never fails and
 * does nothing outside a transaction. */
int vigie_store_begin(struct vigie_store *s, struct vigie_error *err);
int vigie_store_commit(struct vigie_store *s, struct vigie_error *err);
void vigie_store_rollback(struct vigie_store *s);
/* Group many reads under one read transaction (a consistent snapshot, one
 * lock instead of one per statement). Does nothing inside a transaction.
 * Returns 1 when it opened one; vigie_store_read_end closes it (no-op else). */
int vigie_store_read_begin(struct vigie_store *s);
void vigie_store_read_end(struct vigie_store *s);

/* ---- data sources (one row per imported source) ---- */
struct store_source {
	const char *name;        /* "tracker-json", "dsa-list", ... */
	const char *location;    /* file path or URL it came from */
	int64_t imported_at;     /* vigie_now() at import */
	int64_t data_date;       /* date of the data itself (0 = unknown) */
	long rows;               /* rows imported */
	const char *etag;        /* HTTP validators, may be NULL */
	const char *last_modified;
	int adds;                /* the import adds to the rows already there
				    (CVE records): no shrink guard */
	int amend;               /* put: complete the record of the import
				    just made (db update's URL and validators):
				    no shrink guard, the previous import stays */
	/* read by vigie_store_sources_each (ignored by put): */
	int has_prev;            /* a previous import is recorded */
	const char *prev_location;
	int64_t prev_imported_at, prev_data_date;
	long prev_rows;
	int prev_kept;           /* its rows are kept: db rollback restores them */
	int64_t rolled_back_at;  /* 0, or when the current data was restored */
	int64_t rolled_back_imported_at; /* the import that rollback discarded */
	long rolled_back_rows;
};
/* Record what was imported from a source. A new import (amend 0) moves
 * the counts it replaces into prev_*; they are marked kept when the import
 * called vigie_store_keep_previous for that source in this transaction.
 * An import that would keep less than 90 % of the rows the source had
 * (a truncated or empty file) is refused with VIGIE_ELIMIT and the counts,
 * so that the caller rolls it back, unless vigie_store_allow_shrink(). */
int vigie_store_source_put(struct vigie_store *s, const struct store_source *src,
		     struct vigie_error *err);
/* Let this store's imports replace a source with much less (--allow-shrink). */
void vigie_store_allow_shrink(struct vigie_store *s, int allow);
#define VIGIE_SHRINK_KEEP_PERCENT 90
/* Around the judgement of many hosts in one transaction (start 1, then
 * 0): the driver readies itself for many finding-history rows (SQLite: a
 * larger page cache while it lasts). */
int vigie_store_history_bulk(struct vigie_store *s, int start, struct vigie_error *err);
/* Calls cb for each source, ordered by name. cb returning non-zero stops
 * and that value is returned. */
typedef int store_source_cb(void *ud, const struct store_source *src);
int vigie_store_sources_each(struct vigie_store *s, store_source_cb *cb, void *ud,
		       struct vigie_error *err);
/* Fetch one source's HTTP validators (etag/last_modified, malloc'd, may be
 * NULL). Returns VIGIE_ENOTFOUND when never imported. */
int vigie_store_source_validators(struct vigie_store *s, const char *name,
			    char **etag, char **last_modified,
			    struct vigie_error *err);

/* Inside an import's transaction, before its rows are deleted: copy the
 * data set of source name (tracker-json, dsa-list, dla-list, dtsa-list, kev,
 * distro-info, support-limited, support-ended-REL) into its shadow tables,
 * replacing the one kept before. The *_clear functions call it. */
int vigie_store_keep_previous(struct vigie_store *s, const char *name,
			      struct vigie_error *err);
/* One source put back by vigie_store_sources_roll_back. */
struct store_rolled_back {
	char name[96];
	long rows;                     /* rows restored (the previous import's) */
	int64_t restored_imported_at;  /* when that import was made */
	long discarded_rows;           /* the replaced import's */
	int64_t discarded_imported_at;
};
/* Put back, in one transaction, the data set each named source had before
 * its last import (n == 0: every source that keeps one), record it in the
 * sources rows (rolled_back_*, no previous import left) and bump the data
 * version. *out (malloc'd, free()) lists what was restored. VIGIE_EUSAGE
 * for a name not in the database, VIGIE_ENOTFOUND when a source (or, n ==
 * 0, every source) has nothing to restore; nothing changes on error. */
int vigie_store_sources_roll_back(struct vigie_store *s, const char *const *names,
				  size_t n, struct store_rolled_back **out, size_t *nout,
				  struct vigie_error *err);

/* A number that changes whenever an import commits (every
 * vigie_store_source_put bumps it): caches of data built from the store
 * compare it. 0 for a database that never imported anything. */
int vigie_store_data_version(struct vigie_store *s, int64_t *version,
			     struct vigie_error *err);

/* Calls cb for each release that has tracker rows or advisory fix lines,
 * sorted by name; a non-zero return stops and is returned. */
typedef int store_data_release_cb(void *ud, const char *release);
int vigie_store_data_releases_each(struct vigie_store *s, store_data_release_cb *cb,
				   void *ud, struct vigie_error *err);

/* Row count of one of the public tables ("advisories", "tracker",
 * "vulns", "kev", "cvss", "releases", "hosts", ...); -1 on error. */
long vigie_store_count(struct vigie_store *s, const char *table,
		 struct vigie_error *err);


/* ================================================================
 * Tracker issues, vulns, KEV, CVSS (lib/store_vuln.c)
 * ================================================================ */

/* Strings passed to callbacks are valid during the call. */

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

/* Import side (call inside vigie_store_begin/vigie_store_commit). */
/* Start a full tracker import: keep the tracker and vulns rows as the
 * previous data set (vigie_store_keep_previous), delete them and prepare for bulk inserts (the driver's bulk path). Call
 * vigie_store_tracker_finish before vigie_store_commit, or
 * vigie_store_tracker_abort after vigie_store_rollback. */
int vigie_store_tracker_clear(struct vigie_store *s, struct vigie_error *err);
/* End the bulk load; *skipped (may be NULL) = rows whose
 * release/source/vuln key was already stored (the first row wins). */
int vigie_store_tracker_finish(struct vigie_store *s, int64_t *skipped,
			       struct vigie_error *err);
void vigie_store_tracker_abort(struct vigie_store *s);
/* Queue one tracker row for the bulk load (a duplicate key is skipped at
 * vigie_store_tracker_finish). */
int vigie_store_tracker_put(struct vigie_store *s, const struct store_tracker_row *r,
		      struct vigie_error *err);
/* Queue n rows (the importer's batches). */
#define STORE_TRACKER_BATCH 32
int vigie_store_tracker_put_batch(struct vigie_store *s,
			    const struct store_tracker_row *rows, size_t n,
			    struct vigie_error *err);
/* Store n issues in a tracker import, after its last tracker row (the
 * vulns table was emptied by vigie_store_tracker_clear): through the
 * driver's bulk path, each name once (a name stored already is skipped:
 * merge repeated issues before). */
int vigie_store_tracker_vulns_put(struct vigie_store *s, const struct store_vuln *v,
				  size_t n, struct vigie_error *err);
/* Insert or merge one issue: fields already stored win, NULL/0 fields of
 * the stored row are filled from v (one row per issue name). */
int vigie_store_vuln_put(struct vigie_store *s, const struct store_vuln *v,
		   struct vigie_error *err);

/* Calls cb for each tracker row of release (NULL = every release), ordered
 * by release, source, vuln. cb returning non-zero stops and that value is
 * returned; otherwise 0 or VIGIE_EDB. */
typedef int store_tracker_cb(void *ud, const struct store_tracker_row *r);
int vigie_store_tracker_each(struct vigie_store *s, const char *release,
		       store_tracker_cb *cb, void *ud, struct vigie_error *err);
/* Calls cb for each tracker row of one source package in release, ordered
 * by issue (an indexed range); returns as vigie_store_tracker_each. */
int vigie_store_tracker_for_source(struct vigie_store *s, const char *release,
			     const char *source, store_tracker_cb *cb, void *ud,
			     struct vigie_error *err);
/* Calls cb for each tracker row of release whose source is one of
 * sources: per-source indexed reads in process (SQLite), one read of the
 * release filtered here when each statement is a round trip (PostgreSQL).
 * Rows come grouped by source; returns as vigie_store_tracker_each. */
int vigie_store_tracker_for_sources(struct vigie_store *s, const char *release,
				    const char *const *sources, size_t n,
				    store_tracker_cb *cb, void *ud, struct vigie_error *err);
/* Calls cb for each tracker row of one issue (every release), ordered by
 * release, source; returns as vigie_store_tracker_each. */
int vigie_store_tracker_for_vuln(struct vigie_store *s, const char *vuln,
			   store_tracker_cb *cb, void *ud, struct vigie_error *err);
/* Fetch one issue into *out, its strings in arena. Returns 0,
 * VIGIE_ENOTFOUND, VIGIE_ENOMEM or VIGIE_EDB (*out then empty). */
int vigie_store_vuln_get(struct vigie_store *s, const char *name, struct vigie_arena *arena,
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
/* Keep every KEV row as the previous set, then delete them (the KEV
 * catalog is imported whole). */
int vigie_store_kev_clear(struct vigie_store *s, struct vigie_error *err);
int vigie_store_kev_put(struct vigie_store *s, const struct store_kev *k,
		  struct vigie_error *err);
/* Strings in arena. 0, VIGIE_ENOTFOUND, VIGIE_ENOMEM or VIGIE_EDB (*out
 * then empty). */
int vigie_store_kev_get(struct vigie_store *s, const char *cve, struct vigie_arena *arena,
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
int vigie_store_cvss_put(struct vigie_store *s, const struct store_cvss *c,
		   struct vigie_error *err);
/* Strings in arena. 0, VIGIE_ENOTFOUND, VIGIE_ENOMEM or VIGIE_EDB (*out
 * then empty). */
int vigie_store_cvss_get(struct vigie_store *s, const char *cve, struct vigie_arena *arena,
			 struct store_cvss *out, struct vigie_error *err);



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
/* Delete every advisory of kind (and its CVEs and fixes), kept first as
 * the previous set of DSA, DLA or DTSA. Use inside a transaction. */
int vigie_store_advisories_clear(struct vigie_store *s, const char *kind,
			   struct vigie_error *err);
/* Insert one advisory. Returns 0, 1 when an advisory with that id already
 * exists (nothing written), or VIGIE_EDB. */
int vigie_store_advisory_put(struct vigie_store *s, const struct store_advisory *a,
		       struct vigie_error *err);
/* Link an advisory to a CVE id (idempotent). */
int vigie_store_advisory_cve_put(struct vigie_store *s, const char *advisory,
			   const char *cve, struct vigie_error *err);

/* One "[release] - source version" line of an advisory. kind is "fixed"
 * (version set) or a pseudo-version name ("not-affected", "end-of-life",
 * "unfixed", ...; version NULL). date, cve and description are read only:
 * the advisory's date and description, and the CVE of the row for
 * vigie_store_advisory_cve_fixes (NULL elsewhere). */
struct store_advisory_fix {
	const char *advisory;
	const char *date;
	const char *release;
	const char *source;
	const char *version;
	const char *kind;
	const char *note;        /* "( ... )" text or NULL */
	const char *cve;
	const char *description;
};
/* Insert one fix line (advisory, release, source, version, kind, note). */
int vigie_store_advisory_fix_put(struct vigie_store *s,
			   const struct store_advisory_fix *f,
			   struct vigie_error *err);
/* Calls cb for every advisory fix line of release (NULL: all releases),
 * ordered by release, source, advisory date, advisory id. cb returning
 * non-zero stops and that value is returned. */
typedef int store_advisory_fix_cb(void *ud, const struct store_advisory_fix *f);
int vigie_store_advisory_fixes_each(struct vigie_store *s, const char *release,
			      store_advisory_fix_cb *cb, void *ud,
			      struct vigie_error *err);
/* The fix lines joined with their advisory's CVEs, one row per (line, CVE)
 * with cve set: of release (cve NULL; ordered by advisory date and id, for
 * the vulnerability index), or naming cve (release NULL; ordered by date,
 * id, release, for explanations). Exactly one of release and cve must be
 * given (else VIGIE_EUSAGE). cb returning non-zero stops and is returned;
 * otherwise 0 or VIGIE_EDB. */
int vigie_store_advisory_cve_fixes(struct vigie_store *s, const char *release,
			     const char *cve, store_advisory_fix_cb *cb,
			     void *ud, struct vigie_error *err);
/* Calls cb for each advisory listing cve, oldest first. */
typedef int store_advisory_cb(void *ud, const struct store_advisory *a);
int vigie_store_advisories_for_cve(struct vigie_store *s, const char *cve,
			     store_advisory_cb *cb, void *ud,
			     struct vigie_error *err);
/* One advisory with its CVE ids. */
struct store_advisory_info {
	const char *id, *kind, *date, *description, *packages;
	const char **cves;       /* sorted */
	size_t ncves;
};
/* Fetch advisory id into out, its strings and CVE array in arena.
 * VIGIE_ENOTFOUND when unknown, VIGIE_ENOMEM or VIGIE_EDB (*out then
 * empty). */
int vigie_store_advisory_get(struct vigie_store *s, const char *id, struct vigie_arena *arena,
			     struct store_advisory_info *out, struct vigie_error *err);
/* Distinct counts for `db status`: vulnerability ids known (tracker
 * vulnerabilities and advisory CVEs) and source packages (tracker and
 * advisory fixes). -1 on error. */
long vigie_store_count_known_vulns(struct vigie_store *s, struct vigie_error *err);
long vigie_store_count_known_packages(struct vigie_store *s, struct vigie_error *err);

/* A Debian release (distro-info). Dates are "YYYY-MM-DD" or "" when not
 * known; version is "" for sid/experimental. */
struct store_release {
	char codename[32];
	char version[16];
	char series[32];
	char created[11], release[11], eol[11], eol_lts[11], eol_elts[11];
};
/* Replace the whole releases table by the next vigie_store_release_put() calls
 * (use inside a transaction; the rows replaced are kept as the previous set). */
int vigie_store_releases_clear(struct vigie_store *s, struct vigie_error *err);
int vigie_store_release_put(struct vigie_store *s, const struct store_release *r,
		      struct vigie_error *err);
/* Fetch one release by codename; VIGIE_ENOTFOUND when unknown. */
int vigie_store_release_get(struct vigie_store *s, const char *codename,
		      struct store_release *out, struct vigie_error *err);
/* Fetch the release whose version number is major ("11", or "6" for
 * "6.0"); VIGIE_ENOTFOUND when unknown. */
int vigie_store_release_by_number(struct vigie_store *s, const char *major,
			    struct store_release *out, struct vigie_error *err);
/* Calls cb for each release, oldest (creation date) first. */
typedef int store_release_cb(void *ud, const struct store_release *r);
int vigie_store_releases_each(struct vigie_store *s, store_release_cb *cb, void *ud,
			struct vigie_error *err);

/* debian-security-support lists. source may be a regular expression in
 * the files ("node-.*"); lookups match it as a whole-name POSIX ERE. The
 * *_clear calls keep the rows they delete as the previous set of
 * support-ended-RELEASE and support-limited. */
int vigie_store_support_ended_clear(struct vigie_store *s, const char *release,
			      struct vigie_error *err);
int vigie_store_support_ended_put(struct vigie_store *s, const char *release,
			    const char *source, const char *last_version,
			    const char *end_date, const char *note,
			    struct vigie_error *err);
/* Security support of source in release ended (or ends) early: fills
 * *last_version, *end_date, *note, copied into arena (each may be NULL;
 * pass NULL pointers for what is not wanted). VIGIE_ENOTFOUND when not
 * listed. */
int vigie_store_support_ended_get(struct vigie_store *s, const char *release,
				  const char *source, struct vigie_arena *arena,
				  const char **last_version, const char **end_date,
				  const char **note, struct vigie_error *err);
int vigie_store_support_limited_clear(struct vigie_store *s, struct vigie_error *err);
int vigie_store_support_limited_put(struct vigie_store *s, const char *source,
			      const char *note, struct vigie_error *err);
/* Security support of source is limited: *note in arena (may be NULL).
 * VIGIE_ENOTFOUND when not listed. */
int vigie_store_support_limited_get(struct vigie_store *s, const char *source,
				    struct vigie_arena *arena, const char **note,
				    struct vigie_error *err);



/* ================================================================
 * Hosts, host packages, services (lib/store_hosts.c)
 * ================================================================ */

struct inventory;

/* One host as stored. Strings are valid only during the callback. */
struct store_host {
	int64_t id;
	const char *name;
	const char *client;         /* may be NULL */
	const char *release;        /* may be NULL */
	const char *arch;           /* may be NULL */
	const char *kernel_release; /* may be NULL */
	const char *kernel_version; /* may be NULL */
	const char *origin;         /* how it came: "cli", "agent", ... */
	int64_t inventoried_at;
	long npackages;
	long nservices;
};
typedef int store_host_cb(void *ud, const struct store_host *h);
typedef int store_service_cb(void *ud, const char *service, const char *origin);

/* Store inv as host inv->host (required), replacing the packages of a host
 * of that name (its id, services and events stay). client NULL keeps the
 * stored client. Atomic: inside an open vigie_store_begin() it runs as a
 * savepoint of the caller's transaction, else in its own transaction.
 * *host_id (may be NULL) receives the host's id. */
int vigie_store_host_put(struct vigie_store *s, const struct inventory *inv,
		   const char *client, const char *origin, int64_t *host_id,
		   struct vigie_error *err);
/* What vigie_store_host_put_changes found against the stored host. */
struct store_host_changes {
	int existed;                 /* the host was stored before */
	int host_changed;            /* its release, arch or kernel differ */
	size_t added, changed, removed; /* package rows written */
	/* the source packages of those rows (before and after), at most
	 * STORE_CHANGED_SOURCES_MAX; more sets sources_over */
	struct vigie_strv sources;
	int sources_over;
};
#define STORE_CHANGED_SOURCES_MAX 64
/* Release ch's strings (after vigie_store_host_put_changes). */
void vigie_store_host_changes_release(struct store_host_changes *ch);
/* vigie_store_host_put, writing only the package rows that differ from
 * the stored ones (compared by package and arch); *ch (may be NULL) says
 * what differed. */
int vigie_store_host_put_changes(struct vigie_store *s, const struct inventory *inv,
				 const char *client, const char *origin, int64_t *host_id,
				 struct store_host_changes *ch, struct vigie_error *err);
/* Id of the host called name, or VIGIE_ENOTFOUND. */
int vigie_store_host_id(struct vigie_store *s, const char *name, int64_t *id,
		  struct vigie_error *err);
/* Id of the host called name, created with the name only when absent
 * (events stored before any inventory). VIGIE_EUSAGE for an empty, too
 * long, non-UTF-8 or control-character name. */
int vigie_store_host_ensure(struct vigie_store *s, const char *name, int64_t *id,
		      struct vigie_error *err);
/* Rebuild a host's inventory (packages sorted, strings in inv's arena;
 * release_version and status_path stay NULL). inv is initialised here and
 * must be released by the caller, even on error. VIGIE_ENOTFOUND when no
 * such host. */
int vigie_store_host_load(struct vigie_store *s, const char *name,
		    struct inventory *inv, struct vigie_error *err);
/* The same with the packages of sources[0..n) alone (at most 64, source
 * names as stored). */
int vigie_store_host_load_sources(struct vigie_store *s, const char *name,
				  const char *const *sources, size_t n,
				  struct inventory *inv, struct vigie_error *err);
/* Host host_id's distinct (source, version) pairs, as
 * vigie_store_host_put keeps them beside its packages: one
 * "SOURCE\tVERSION\n" line each, sorted by source then version (bytes),
 * the defaults of a package row applied (source: the package, version:
 * the package's). *found is 0 when none is kept (a host stored before
 * schema 15, a name or version holding a tab or a newline) or the row no
 * longer counts the host's packages. vigie_store_host_pairs_put writes
 * inv's as host_id's. */
int vigie_store_host_pairs_get(struct vigie_store *s, int64_t host_id, struct vigie_buf *out,
			       int *found, struct vigie_error *err);
int vigie_store_host_pairs_put(struct vigie_store *s, int64_t host_id,
			       const struct inventory *inv, struct vigie_error *err);
/* The sources (distinct, pushed onto out) of host_id's packages named
 * packages[0..n) (at most 64, any architecture). */
int vigie_store_host_sources_of(struct vigie_store *s, int64_t host_id,
				const char *const *packages, size_t n, struct vigie_strv *out,
				struct vigie_error *err);
/* Call cb with the host called name (VIGIE_ENOTFOUND when absent), or with
 * every host ordered by name (vigie_store_hosts_each). A non-zero return of cb
 * stops and is returned. */
int vigie_store_host_get(struct vigie_store *s, const char *name, store_host_cb *cb,
		   void *ud, struct vigie_error *err);
int vigie_store_hosts_each(struct vigie_store *s, store_host_cb *cb, void *ud,
		     struct vigie_error *err);
/* Delete a host with its packages, services and events. VIGIE_ENOTFOUND
 * when absent. */
int vigie_store_host_remove(struct vigie_store *s, const char *name,
		      struct vigie_error *err);
/* Attach a service to a host; origin is "manual" or "derived". A manual
 * service replaces a derived one of the same name, never the reverse.
 * VIGIE_ENOTFOUND when the host is absent. */
int vigie_store_host_service_add(struct vigie_store *s, const char *host,
			   const char *service, const char *origin,
			   struct vigie_error *err);
/* Detach a service (any origin). VIGIE_ENOTFOUND when host or service is
 * absent. */
int vigie_store_host_service_remove(struct vigie_store *s, const char *host,
			      const char *service, struct vigie_error *err);
/* Replace the derived services of host_id by services[0..n) (manual ones
 * are kept). Run it in the same transaction as vigie_store_host_put(). */
int vigie_store_host_services_set_derived(struct vigie_store *s, int64_t host_id,
				    const char *const *services, size_t n,
				    struct vigie_error *err);
/* Call cb for each service of a host, ordered by name. VIGIE_ENOTFOUND
 * when the host is absent. */
int vigie_store_host_services_each(struct vigie_store *s, const char *host,
			     store_service_cb *cb, void *ud,
			     struct vigie_error *err);



/* ================================================================
 * Events: dpkg.log, apt history (lib/store_events.c)
 * ================================================================ */

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
int vigie_store_events_put_transaction(struct vigie_store *s, int64_t host_id,
				 const struct store_apt_transaction *t, int64_t *id,
				 struct vigie_error *err);
/* Insert an event unless identical (UNIQUE key) to a stored one; *added
 * (may be NULL) is 1 when a row was inserted. Call inside a transaction
 * for speed. */
int vigie_store_events_put(struct vigie_store *s, int64_t host_id,
		     const struct store_event *ev, int *added,
		     struct vigie_error *err);
/* Call cb for each event of host with since <= time < until (0 = no
 * bound), by time then id. cb returning non-zero stops and that value is
 * returned. The struct is valid during the call only. */
typedef int store_event_cb(void *ud, const struct store_event *ev);
int vigie_store_events_each(struct vigie_store *s, int64_t host_id, int64_t since,
		      int64_t until, store_event_cb *cb, void *ud,
		      struct vigie_error *err);



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
int vigie_store_feed_add(struct vigie_store *s, const char *url, const char *name,
		   const char *services, struct vigie_error *err);
/* Remove the feed whose URL or name is key (its items go with it).
 * VIGIE_ENOTFOUND when none matches. */
int vigie_store_feed_remove(struct vigie_store *s, const char *key,
		      struct vigie_error *err);
/* Calls cb for each feed ordered by name then URL; strings are valid during
 * the call only. Non-zero from cb stops and is returned. */
typedef int store_feed_cb(void *ud, const struct store_feed *f);
int vigie_store_feeds_each(struct vigie_store *s, store_feed_cb *cb, void *ud,
		     struct vigie_error *err);
/* Record the outcome of one poll: every poll-state field of f is written
 * (etag, last_modified, last_poll, last_success, last_error, failures,
 * next_poll) for the feed f->id. */
int vigie_store_feed_set_state(struct vigie_store *s, const struct store_feed *f,
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
int vigie_store_feed_item_put(struct vigie_store *s, const struct store_feed_item *it,
			int *inserted, struct vigie_error *err);
/* Items first seen at or after since (0: all), newest first; with
 * unalerted set, only items for which no alert was ever sent. */
typedef int store_feed_item_cb(void *ud, const struct store_feed_item *it);
int vigie_store_feed_items_each(struct vigie_store *s, int64_t since, int unalerted,
			  store_feed_item_cb *cb, void *ud,
			  struct vigie_error *err);
/* 1 when an alert for (item, host) was already sent, else 0; <0 on error. */
int vigie_store_alert_was_sent(struct vigie_store *s, int64_t item_id,
			 int64_t host_id, struct vigie_error *err);
int vigie_store_alert_mark_sent(struct vigie_store *s, int64_t item_id,
			  int64_t host_id, int64_t when, struct vigie_error *err);

/* Fleet-wide lookups for matching (the hosts module owns hosts, their
 * packages and services). Installed packages whose binary or source name
 * is name, with their host, ordered by host then package: */
struct store_feed_host_pkg {
	int64_t host_id;
	const char *host;
	const char *release;        /* may be NULL */
	const char *package;
	const char *source;
	const char *source_version;
};
typedef int store_feed_host_pkg_cb(void *ud, const struct store_feed_host_pkg *p);
int vigie_store_feed_hosts_with_package(struct vigie_store *s, const char *name,
				  store_feed_host_pkg_cb *cb, void *ud,
				  struct vigie_error *err);
/* Hosts with service (name compared ASCII case-insensitively): cb(ud,
 * host_id, host, service as the host records it, origin). */
typedef int store_feed_host_svc_cb(void *ud, int64_t host_id, const char *host,
				   const char *service, const char *origin);
int vigie_store_feed_hosts_with_service(struct vigie_store *s, const char *service,
				  store_feed_host_svc_cb *cb, void *ud,
				  struct vigie_error *err);



/* ================================================================
 * Pending updates: changelog cache, mirror first-seen
 * (lib/store_updates.c)
 * ================================================================ */

struct vigie_strv;

/* The changelog summary cached for a binary package version ("VERSION
 * CVE...\n" lines, see debpkg.h), copied into arena. VIGIE_ENOTFOUND
 * when not cached. */
int vigie_store_changelog_get(struct vigie_store *s, const char *package,
			      const char *version, struct vigie_arena *arena, const char **data,
			      struct vigie_error *err);
/* Cache (replace) the summary of a package version. */
int vigie_store_changelog_put(struct vigie_store *s, const char *package,
			const char *version, int64_t fetched_at,
			const char *data, struct vigie_error *err);
/* Append to out (unique) the CVEs fixed in release for source at a version
 * v with after < v <= upto (source versions): the tracker's fixed versions,
 * then the DSA/DLA/DTSA "fixed" lines with their advisories' CVEs. */
int vigie_store_updates_fixed_cves(struct vigie_store *s, const char *release,
			     const char *source, const char *after,
			     const char *upto, struct vigie_strv *out,
			     struct vigie_error *err);



/* ================================================================
 * Reads for the vulnerability index and verdicts (lib/store_vulnindex.c)
 * ================================================================ */
struct store_vi_row {
	const char *source, *vuln, *status, *fixed_version, *urgency, *nodsa,
		*nodsa_reason, *advisory, *advisory_date, *kind, *note;
	int next_point_update;
};
/* Rows handed to a store_vi_cb are valid during the call only. */
typedef int store_vi_cb(void *ud, const struct store_vi_row *row);
/* Support ended / limited: source, fixed_version = last supported
 * version, advisory_date = end date (NULL for limited), note. */
int vigie_store_vi_support(struct vigie_store *s, const char *release,
		     store_vi_cb *cb, void *ud, struct vigie_error *err);
/* The newest advisory fixing (release, source, cve) at fixed_version
 * (or any version when NULL): id and date, copied into arena; NULLs when
 * none. */
int vigie_store_vi_advisory_for(struct vigie_store *s, const char *release,
				const char *source, const char *cve, const char *fixed_version,
				struct vigie_arena *arena, const char **id, const char **date,
				struct vigie_error *err);

/* What the store knows of one issue, for classes and evidence. NULL
 * strings are unknown. */
struct store_vuln_facts {
	const char *description, *scope;
	double cvss;       /* -1 when unknown */
	const char *cvss_vector, *cvss_version, *cvss_origin, *published;
	const char *kev_added; /* CISA KEV date added, NULL when not in KEV */
};
/* Fill *out for vuln, its strings in arena (all NULL / -1 when the store
 * knows nothing of it). Returns 0, VIGIE_ENOMEM or VIGIE_EDB (*out then
 * empty). */
int vigie_store_vuln_facts_get(struct vigie_store *s, const char *vuln,
			       struct vigie_arena *arena, struct store_vuln_facts *out,
			       struct vigie_error *err);
/* The same for the distinct ids[0..n) at once (a few statements per 256
 * issues instead of one per issue): out[i] gets exactly what
 * vigie_store_vuln_facts_get gives for ids[i], strings in arena. On error
 * every out[i] is empty. */
int vigie_store_vuln_facts_many(struct vigie_store *s, const char *const *ids, size_t n,
				struct vigie_arena *arena, struct store_vuln_facts *out,
				struct vigie_error *err);
/* What decides an issue's class, for every issue the store holds facts
 * of, one table after the other (three scans instead of lookups by id):
 * cb gets the id and, from vulns, its scope (which 0); from
 * cvss, its score (-1 unknown), vector and whether the row carries a KEV
 * date (which 1); from kev, whether its row has a date (which 2). The
 * facts of an issue merged so (scope; score and vector; KEV if either
 * says so) are those vigie_store_vuln_facts_get gives. Strings are valid
 * during the call only; a non-zero return of cb stops and is returned. */
typedef int store_class_facts_cb(void *ud, int which, const char *id, const char *scope,
				 double cvss, const char *vector, int kev);
int vigie_store_vuln_class_facts_each(struct vigie_store *s, store_class_facts_cb *cb,
				      void *ud, struct vigie_error *err);

#endif
