/* vigie: advisory feeds over the store: polling (libcurl multi, conditional
 * GET, backoff), storing items once, matching items to hosts and services,
 * coverage of services by feeds, and the JSON renderings shared by the CLI
 * and the server. */
#ifndef VIGIE_FEEDS_H
#define VIGIE_FEEDS_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "vigie/error.h"
#include "vigie/feed.h"
#include "vigie/store.h"
#include "vigie/util.h"

/* Token in a feed's services marking a Debian DSA/DLA feed: it covers every
 * service whose package comes from Debian. URLs under debian.org/security/
 * and debian.org/lts/security/ are Debian feeds without it. */
#define FEEDS_DEBIAN_TOKEN "@debian"

/* 1 when the feed (URL and services list) is a Debian advisory feed. */
int feeds_is_debian(const char *url, const char *services);

/* ---- polling ---- */
struct feeds_poll_opts {
	int parallel;            /* connections at once (default 8) */
	long connect_timeout;    /* seconds (default 10) */
	long low_speed_time;     /* abort below 32 bytes/s for this long (30) */
	long total_timeout;      /* seconds per transfer (default 120) */
	size_t max_body;         /* bytes (default FEED_MAX_DOC) */
	long max_redirs;         /* default 5 */
	int force;               /* ignore next_poll (backoff) */
	const struct feed_services *services; /* for extraction, may be NULL */
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
int feeds_poll(struct vigie_store *s, const struct feeds_poll_opts *opts,
	       feeds_status_cb *cb, void *ud, struct vigie_error *err);

/* Parse one document and store its new items for feed feed_id, in one
 * transaction. *items and *new_items receive the counts (may be NULL). */
int feeds_ingest(struct vigie_store *s, int64_t feed_id, const char *data,
		 size_t len, const char *name, const struct feed_services *svc,
		 size_t *items, size_t *new_items, struct vigie_error *err);

/* ---- matching ---- */
/* Hook answering whether host's installed source package (at version)
 * already carries the fix for cve: 1 fixed, 0 not fixed, -1 unknown. The
 * security-data module wires it; NULL means "unknown" for every host. */
typedef int feeds_fixed_lookup_fn(void *ud, const char *host,
				  const char *source,
				  const char *source_version,
				  const char *cve);
struct feeds_match_opts {
	feeds_fixed_lookup_fn *fixed_lookup;
	void *ud;
	const struct feed_services *services; /* aliases; may be NULL */
};

struct feeds_hit {
	int64_t host_id;
	char *host;
	char *via;            /* "package" or "service" */
	char *what;           /* package (binary) or service name */
	char *source;         /* NULL for service hits; one hit per source */
	char *source_version;
	int fixed;            /* 1 fixed, 0 not fixed, -1 unknown */
};
struct feeds_match {
	struct feeds_hit *v;
	size_t n, cap;
};
/* Hosts concerned by an item: hosts with one of its packages installed
 * (binary or source name), or with one of its services or its feed's
 * services. One hit per (host, via, what); ordered by host. */
int feeds_match_item(struct vigie_store *s, const struct store_feed_item *it,
		     const struct feeds_match_opts *o, struct feeds_match *out,
		     struct vigie_error *err);
void feeds_match_release(struct feeds_match *m);
/* 1 when host is among the hits. */
int feeds_match_has_host(const struct feeds_match *m, const char *host);

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
int feeds_items_each(struct vigie_store *s, const struct feeds_items_query *q,
		     const struct feeds_match_opts *o, feeds_item_cb *cb, void *ud,
		     struct vigie_error *err);
/* Load items with their matches. Release with feeds_items_release(). */
int feeds_items_load(struct vigie_store *s, const struct feeds_items_query *q,
		     const struct feeds_match_opts *o, struct feeds_items *out,
		     struct vigie_error *err);
void feeds_items_release(struct feeds_items *l);
/* Append a copy of x's item to l and take over x's match (emptied). */
int feeds_items_push(struct feeds_items *l, struct feeds_item *x);
/* JSON "vigie.feeds/1" into out (appended). For streaming: open, one
 * feeds_item_json() per item, close, on a caller's yajl generator. */
int feeds_items_json(struct vigie_buf *out, const struct feeds_items *l,
		     struct vigie_error *err);
void feeds_items_json_open(yajl_gen g);
void feeds_item_json(yajl_gen g, const struct feeds_item *x);
void feeds_items_json_close(yajl_gen g);

/* ---- coverage ---- */
struct feeds_cov {
	char *host;
	char *service;
	char *origin;
	struct vigie_strv feeds; /* names of covering feeds */
};
struct feeds_coverage {
	struct feeds_cov *v;  /* uncovered first, then by host and service */
	size_t n, cap;
	size_t uncovered;
};
/* Every service of every host with the feeds covering it: feeds listing
 * the service (name or alias) at `feeds add --service`, and Debian feeds
 * for services whose package (service name, alias or mapped package) is
 * installed from Debian on that host. */
int feeds_coverage(struct vigie_store *s, const struct feed_services *svc,
		   struct feeds_coverage *out, struct vigie_error *err);
void feeds_coverage_release(struct feeds_coverage *c);
/* JSON "vigie.feeds.coverage/1". */
int feeds_coverage_json(struct vigie_buf *out, const struct feeds_coverage *c,
			struct vigie_error *err);

/* ---- default catalogue (data/feeds.conf) ---- */
struct feeds_catalogue_entry {
	char *name;
	char *url;
	char *services; /* space-separated, may be "" */
};
struct feeds_catalogue {
	struct feeds_catalogue_entry *v;
	size_t n, cap;
};
/* Load feeds.conf: path, else $VIGIE_FEEDS_CONF, else the data directory.
 * Lines: "name url [service...]" ('#' comments). */
int feeds_catalogue_load(struct feeds_catalogue *out, const char *path,
			 struct vigie_error *err);
void feeds_catalogue_release(struct feeds_catalogue *c);

#endif
