/* vigie: advisory feeds over the store: polling (libcurl multi, conditional
 * GET, backoff), storing items once, matching items to hosts and services,
 * coverage of services by feeds, and the JSON renderings shared by the CLI
 * and the server. */
#ifndef VIGIE_FEEDS_H
#define VIGIE_FEEDS_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "vigie/core/error.h"
#include "vigie/feeds/feed.h"
#include "vigie/debian/services.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

/* Token in a feed's services marking a Debian DSA/DLA feed: it covers every
 * service whose package comes from Debian. URLs under debian.org/security/
 * and debian.org/lts/security/ are Debian feeds without it. */
#define FEEDS_DEBIAN_TOKEN "@debian"
/* Separator of the service lists stored for feeds and items: service names
 * contain blanks ("Apache HTTP Server"), never '|' (services.conf). */
#define FEEDS_SERVICE_SEP '|'

/* 1 when the feed (URL and services list) is a Debian advisory feed. */
int vigie_feeds_is_debian(const char *url, const char *services);
/* Append to v the names of a stored service list ('|'-separated, blanks
 * around names stripped). Returns 0 or VIGIE_ENOMEM. */
int vigie_feeds_service_list(struct vigie_strv *v, const char *list);

/* ---- polling ---- */
struct feeds_poll_opts {
	int parallel;            /* connections at once (default 8) */
	long connect_timeout;    /* seconds (default 10) */
	long low_speed_time;     /* abort below 32 bytes/s for this long (30) */
	long total_timeout;      /* seconds per transfer (default 120) */
	size_t max_body;         /* bytes (default FEED_MAX_DOC) */
	long max_redirs;         /* default 5 */
	int force;               /* ignore next_poll (backoff) */
	const char *ca_file;     /* PEM certificates to trust instead of the
				    system's; NULL: the system's */
	const struct services_table *services; /* for extraction, may be NULL */
};
#define FEEDS_BACKOFF_BASE 300    /* first retry delay, doubled per failure */
#define FEEDS_BACKOFF_MAX 86400

enum feeds_outcome {
	FEEDS_OK,           /* fetched and parsed */
	FEEDS_NOT_MODIFIED, /* 304 */
	FEEDS_FAILED,
	FEEDS_SKIPPED       /* backing off until next_poll */
};
struct feeds_poll_status {
	const char *name;   /* feed name, else URL */
	const char *url;
	int outcome;        /* enum feeds_outcome */
	long http_code;     /* 0 for files */
	size_t items;       /* items in the document */
	size_t new_items;   /* items stored for the first time */
	const char *error;  /* FEEDS_FAILED: reason */
	int64_t next_poll;
};
typedef void feeds_status_cb(void *ud, const struct feeds_poll_status *st);

/* Poll every feed that is due (or all with force), at most opts->parallel
 * transfers at once; feeds given as file:// URLs or paths are read from
 * disk. Each outcome is stored (poll state, items) and reported through cb
 * (may be NULL). Returns 0 when every polled feed succeeded, 1 when some
 * failed (reported through cb), or a negative error (store, memory). */
int vigie_feeds_poll(struct vigie_store *s, const struct feeds_poll_opts *opts,
	       feeds_status_cb *cb, void *ud, struct vigie_error *err);

/* Parse one document and store its new items for feed feed_id, in one
 * transaction. *items and *new_items receive the counts (may be NULL). */
int vigie_feeds_ingest(struct vigie_store *s, int64_t feed_id, const char *data,
		 size_t len, const char *name, const struct services_table *svc,
		 size_t *items, size_t *new_items, struct vigie_error *err);

/* ---- matching ---- */
/* Answers of a feeds_fixed_lookup_fn. */
enum { FEEDS_NOT_FIXED = 0, FEEDS_FIXED = 1, FEEDS_FIXED_UNKNOWN = 2 };
/* Hook answering whether source package at version installed, on a host of
 * release, already carries the fix for id (a CVE id, or an advisory id such
 * as DSA-5376-1 or DSA-5376). Returns FEEDS_FIXED, FEEDS_NOT_FIXED or
 * FEEDS_FIXED_UNKNOWN, with *fixed_version the release's fixed version
 * (NULL when none; owned by the hook's state), or a negative error filled
 * in err. vigie_feeds_secdata_fixed() is the one answering from the store. */
typedef int feeds_fixed_lookup_fn(void *ud, const char *release,
				  const char *source, const char *installed,
				  const char *id, const char **fixed_version,
				  struct vigie_error *err);
struct feeds_match_opts {
	feeds_fixed_lookup_fn *fixed_lookup; /* NULL: every answer unknown */
	void *ud;
	const struct services_table *services; /* aliases; may be NULL */
};

/* Debian's security data as a feeds_fixed_lookup_fn: the vulnerability
 * index of each release (built on first use, cached), and the DSA/DLA/DTSA
 * fixed versions of each release for advisory ids. s must outlive it. */
struct feeds_secdata;
/* 0, or VIGIE_ENOMEM (*out NULL). Free with vigie_feeds_secdata_free (NULL ok). */
int vigie_feeds_secdata_new(struct feeds_secdata **out, struct vigie_store *s);
void vigie_feeds_secdata_free(struct feeds_secdata *fs);
/* The lookup (ud is a struct feeds_secdata *). For a CVE: resolved in the
 * release with installed >= fixed version (dpkg order) is fixed, "0" (not
 * affected) is fixed, open is not fixed, undetermined or absent unknown.
 * For an advisory: its fixed version of source in the release (the highest
 * among revisions when id has none), unknown when it has none. Without a
 * release or an installed version: unknown. */
int vigie_feeds_secdata_fixed(void *ud, const char *release, const char *source,
			const char *installed, const char *id,
			const char **fixed_version, struct vigie_error *err);

struct feeds_hit {
	int64_t host_id;
	char *host;
	char *via;            /* "package" or "service" */
	char *what;           /* package (binary) or service name */
	char *source;         /* NULL for service hits; one hit per source */
	char *source_version; /* installed version of source */
	int fixed;            /* 1 fixed, 0 not fixed, -1 unknown */
	/* fixed on disk, but processes still ran the old code at the host's
	 * last inventory (finding history): alerted like a fix missing */
	int restart_pending;
	char *fixed_version;  /* the release's fixed version, NULL if unknown:
				 the highest when the item names several fixes */
};
struct feeds_match {
	struct feeds_hit *v;
	size_t n, cap;
};
/* Hosts concerned by an item: hosts with one of its packages installed
 * (binary or source name), or with one of its services or its feed's
 * services (by service name or alias). One hit per (host, source) or
 * (host, service); ordered by host. A package hit is fixed when every CVE
 * of the item is (else every advisory, for items without CVEs). */
int vigie_feeds_match_item(struct vigie_store *s, const struct store_feed_item *it,
		     const struct feeds_match_opts *o, struct feeds_match *out,
		     struct vigie_error *err);
void vigie_feeds_match_release(struct feeds_match *m);
/* Free the strings of one hit (not the hit itself). */
void vigie_feeds_hit_clear(struct feeds_hit *h);
/* 1 when host is among the hits. */
int vigie_feeds_match_has_host(const struct feeds_match *m, const char *host);

/* ---- item list (owned copies) ---- */
struct feeds_item {
	struct store_feed_item it; /* strings point into owned copies */
	struct feeds_match match;
	char *strs[13];
	int duplicate; /* alerts: the same advisory for the same hosts came
			  through an earlier item (e.g. dsa and dsa-long) */
};
struct feeds_items {
	struct feeds_item *v;
	size_t n, cap;
};
struct feeds_items_query {
	int64_t since;         /* first_seen >= since (0: all) */
	int unalerted;         /* only items never alerted */
	const char *host;      /* only items concerning this host (NULL: all) */
	int concerned_only;    /* only items concerning at least one host */
	size_t limit;          /* 0: no limit */
};
/* Stream items (newest first) with their matches through cb, one at a
 * time: memory stays bounded by one item whatever the store holds. The item
 * is valid during the call only. Non-zero from cb stops and is returned. */
typedef int feeds_item_cb(void *ud, const struct feeds_item *x);
int vigie_feeds_items_each(struct vigie_store *s, const struct feeds_items_query *q,
		     const struct feeds_match_opts *o, feeds_item_cb *cb, void *ud,
		     struct vigie_error *err);
/* Load items with their matches. Release with vigie_feeds_items_release(). */
int vigie_feeds_items_load(struct vigie_store *s, const struct feeds_items_query *q,
		     const struct feeds_match_opts *o, struct feeds_items *out,
		     struct vigie_error *err);
void vigie_feeds_items_release(struct feeds_items *l);
/* Append a copy of x's item to l and take over x's match (emptied). */
int vigie_feeds_items_push(struct feeds_items *l, struct feeds_item *x);
/* JSON "vigie.feeds/1" into out (appended). For streaming: open, one
 * vigie_feeds_item_json() per item, close, on a caller's yajl generator. */
int vigie_feeds_items_json(struct vigie_buf *out, const struct feeds_items *l,
		     struct vigie_error *err);
void vigie_feeds_items_json_open(yajl_gen g);
void vigie_feeds_item_json(yajl_gen g, const struct feeds_item *x);
/* The fix keys of a hit inside an open map: fixed (true, false, null) and,
 * for package hits, source, installed and fixed_version. */
void vigie_feeds_hit_json_fix(yajl_gen g, const struct feeds_hit *h);
void vigie_feeds_items_json_close(yajl_gen g);

/* ---- coverage ---- */
struct feeds_cov {
	char *host;
	char *service;
	char *origin;
	struct vigie_strv feeds; /* names of covering feeds */
};
struct vigie_feeds_coverage {
	struct feeds_cov *v;  /* uncovered first, then by host and service */
	size_t n, cap;
	size_t uncovered;
};
/* Every service of every host (as `vigie hosts show` lists them) with the
 * feeds covering it: feeds listing the service (name or alias, see
 * vigie_services_canonical) at `feeds add --service`, and Debian feeds when the
 * host has a package of the service installed (one its services.conf rule
 * derives the service from, or a binary or source package named like the
 * service). */
int vigie_feeds_coverage(struct vigie_store *s, const struct services_table *svc,
		   struct vigie_feeds_coverage *out, struct vigie_error *err);
void vigie_feeds_coverage_release(struct vigie_feeds_coverage *c);
/* JSON "vigie.feeds.coverage/1". */
int vigie_feeds_coverage_json(struct vigie_buf *out, const struct vigie_feeds_coverage *c,
			struct vigie_error *err);

/* ---- default catalogue (data/feeds.conf) ---- */
struct feeds_catalogue_entry {
	char *name;
	char *url;
	char *services; /* '|'-separated (FEEDS_SERVICE_SEP), may be "" */
};
struct feeds_catalogue {
	struct feeds_catalogue_entry *v;
	size_t n, cap;
};
/* Load feeds.conf: path, else $VIGIE_FEEDS_CONF, else the data directory.
 * Lines: "name url [service...]" ('#' comments). */
int vigie_feeds_catalogue_load(struct feeds_catalogue *out, const char *path,
			 struct vigie_error *err);
void vigie_feeds_catalogue_release(struct feeds_catalogue *c);

#endif
