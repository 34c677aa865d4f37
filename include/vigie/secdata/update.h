/* vigie: `db update`: download the configured security data sources into a
 * cache directory (conditional GET with the validators kept in the store)
 * and import them. When the network is unreachable, data already cached is
 * used; nothing is printed here: the caller reports from update_result. */
#ifndef VIGIE_UPDATE_H
#define VIGIE_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/net/fetch.h"
#include "vigie/secdata/import.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

#define UPDATE_MAX_SOURCES 64
#define UPDATE_MAX_LINE 4096

struct update_source {
	const char *name;   /* store source name and cache file name */
	const char *kind;   /* tracker-json, dsa-list, dla-list, dtsa-list, kev,
			       distro-info */
	const char *url;    /* http(s)/file URL or local path */
	unsigned long line; /* line in the configuration file */
};

struct update_config {
	struct vigie_arena arena; /* owns every string */
	const char *path;         /* file read, or "(built-in)" */
	struct update_source src[UPDATE_MAX_SOURCES];
	size_t n;
};

/* Configuration path: $VIGIE_SOURCES_CONF, else the installed
 * share/vigie/sources.conf, else the source tree's data/sources.conf;
 * NULL when none exists (the built-in list applies). */
const char *vigie_update_config_default_path(void);
/* Read "NAME KIND URL" lines (path NULL: default path, else built-in list).
 * Errors name file and line (unknown kind, duplicate or unsafe name). */
int vigie_update_config_load(struct update_config *cfg, const char *path,
		       struct vigie_error *err);
/* Parse configuration text (name used in messages). */
int vigie_update_config_parse(struct update_config *cfg, const char *text,
			const char *name, struct vigie_error *err);
void vigie_update_config_release(struct update_config *cfg);

/* Imports one downloaded file of a kind; default: the import_* functions. */
typedef int update_import_fn(struct vigie_store *s, const char *kind,
			     const char *path, struct import_stats *st,
			     struct vigie_error *err);
/* The default importer: dispatches kind ("tracker-json", "dsa-list", ...)
 * to import_*; VIGIE_EUSAGE for an unknown kind. */
int vigie_update_import_default(struct vigie_store *s, const char *kind,
			  const char *path, struct import_stats *st,
			  struct vigie_error *err);

/* Called before each source is fetched (to label a progress bar). */
typedef void update_start_fn(void *ud, const struct update_source *src);

struct update_opts {
	const char *cache_dir;         /* created when missing */
	int offline;                   /* import the cache, no network */
	const char *const *only;       /* source names to update, or NULL */
	size_t nonly;
	struct fetch_opts fetch;       /* timeouts, user agent, progress */
	update_import_fn *import;      /* NULL: vigie_update_import_default */
	update_start_fn *on_start;     /* may be NULL */
	void *on_start_ud;
};

enum update_state {
	UPDATE_IMPORTED,      /* downloaded (or offline: cache) and imported */
	UPDATE_NOT_MODIFIED,  /* server answered 304: store already current */
	UPDATE_CACHED,        /* download failed; store holds the cached data */
	UPDATE_CACHE_IMPORTED,/* download failed; the cached copy was imported */
	UPDATE_FAILED,        /* nothing usable (message says why) */
};

struct update_report {
	const struct update_source *src;
	enum update_state state;
	long rows;            /* rows imported */
	int64_t size;         /* bytes downloaded */
	int64_t cache_time;   /* mtime of the cache file used, 0 if none */
	char message[1200];   /* why a download or import failed, "" if none */
};

struct update_result {
	struct update_report rep[UPDATE_MAX_SOURCES];
	size_t n;
	size_t usable;         /* sources whose data is in the store */
	int unreachable;       /* the network went away during the run */
	char unreachable_msg[1200];
	int64_t oldest_cache;  /* oldest cache file relied upon, 0 if none */
};

/* Update every source of cfg (or those named in o->only: an unknown name is
 * VIGIE_EUSAGE). After the first "unreachable" failure no further download
 * is tried. Returns 0 when the run went through (see res for per-source
 * results, usable == 0 means no data at all), negative on a store or cache
 * directory error. */
int vigie_update_run(struct vigie_store *s, const struct update_config *cfg,
	       const struct update_opts *o, struct update_result *res,
	       struct vigie_error *err);

#endif
