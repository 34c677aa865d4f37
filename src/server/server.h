/* vigie serve: libmicrohttpd glue, the route table, authentication and the
 * handlers. A handler parses its request, calls libvigie with the
 * authenticated principal (the store scopes every read by it) and renders;
 * it never builds SQL and never decides who may see what. */
#ifndef VIGIE_SERVER_H
#define VIGIE_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "vigie/core/util.h"
#include "vigie/engine/indexcache.h"
#include "vigie/engine/policy.h"
#include "vigie/store/service.h"
#include "vigie/store/store.h"

#define SRV_MAX_PUSH (32u << 20)      /* a pushed document, decompressed */
#define SRV_MAX_PUSH_WIRE (16u << 20) /* its body on the wire */
#define SRV_MAX_FORM (64u << 10)      /* any other body */
#define SRV_MAX_URL 2048
#define SRV_MAX_PARAMS 4
#define SRV_FLEET_PAGE 200     /* hosts per fleet page */
#define SRV_API_LIMIT 1000     /* hosts per /api/v1/hosts answer, by default */
#define SRV_API_LIMIT_MAX 10000

struct srv_opts {
	const char *listen;     /* ADDR:PORT, default 127.0.0.1:8470 */
	const char *db;         /* database URL (NULL: default) */
	const char *tls_cert, *tls_key;
	int threads;            /* worker threads, default 4 */
	int timeout;            /* idle seconds per connection, default 30 */
	int request_timeout;    /* seconds to send a whole request, default 60 */
	int rate;               /* requests per minute per token, default 1200 */
	int auth_failures;      /* failed authentications per minute per
				   client address, default 300 */
	const struct policy *policy; /* NULL: built-in */
};

/* Request latency histogram buckets (seconds), Prometheus "le". */
#define SRV_NBUCKETS 10
extern const double srv_buckets[SRV_NBUCKETS];

struct srv_metrics {
	atomic_ulong requests[6];            /* by status class 1xx..5xx */
	atomic_ulong pushes, push_errors, push_duplicates;
	atomic_ulong latency[SRV_NBUCKETS + 1];
	atomic_ulong latency_us_sum, latency_count;
};

struct srv {
	struct srv_opts o;
	const char *db_url;
	const struct policy *policy;
	struct vigie_index_cache *cache; /* per-release indexes, shared */
	int tls;
	struct srv_metrics m;
	void *rate;             /* rate limiter (server.c) */
	void *conns;            /* connections and their deadlines (server.c) */
	struct srv_slarefresh *sla; /* the hosts' SLA of the month (slarefresh.c) */
	struct srv_viewcache *views; /* rendered fleet views (viewcache.c) */
};

enum srv_role { R_PUBLIC, R_AGENT, R_USER, R_OPERATOR };

struct req {
	struct srv *srv;
	void *conn;             /* struct MHD_Connection * */
	const char *method, *url;
	struct vigie_buf body;
	size_t body_cap;
	int too_large;
	int64_t start_us;
	struct vigie_principal who;
	int via_session;
	char *params[SRV_MAX_PARAMS];
	int nparams;
	char lang[8];           /* "fr" or "en" */
	int api;                /* errors as JSON */
	/* set by handlers */
	const char *content_type;
	char *set_cookie[2];    /* malloc'd (srv_set_cookie) */
	char *location;         /* malloc'd: redirect target */
	char *content_disposition;
	int status;
	size_t sent;
};

typedef int srv_handler(struct req *r, struct vigie_buf *out);

struct route {
	const char *method;
	const char *pattern;    /* "/hosts/ * /timeline" without spaces: one
				   segment per * */
	enum srv_role role;
	int api;
	srv_handler *fn;
};

extern const struct route srv_routes[];
extern const size_t srv_nroutes;

/* "fr" or "en": the language an Accept-Language header prefers. */
const char *srv_accept_lang(const char *al);
/* The thread keeping each host's SLA of the month (host_sla) for the fleet
 * page: a round every VIGIE_SLA_REFRESH seconds (default 60). NULL when it
 * cannot start. Stop it before the store's URL goes. */
struct srv_slarefresh;
struct srv_slarefresh *srv_slarefresh_start(struct srv *srv);
void srv_slarefresh_stop(struct srv_slarefresh *f);
/* Connections closed for sending no whole request in time. */
unsigned long srv_conns_timed_out(const struct srv *s);
/* Run the server until SIGINT/SIGTERM. Returns an exit status. */
int srv_run(const struct srv_opts *o);

/* The calling thread's store (opened on first use); NULL on error (logged). */
struct vigie_store *srv_store(struct req *r);
/* A query parameter or form field (URL-decoded by libmicrohttpd), or NULL. */
const char *srv_arg(struct req *r, const char *name);
/* A form field of an application/x-www-form-urlencoded body (decoded into
 * buf), or NULL. */
const char *srv_form(struct req *r, const char *name, char *buf, size_t size);
/* s (its first 512 bytes) percent-encoded for a query value. */
void srv_url_encode(struct vigie_buf *out, const char *s);
/* Add a Set-Cookie header to the answer: "NAME=VALUE; ATTRIBUTES", with
 * Secure added under TLS. At most two per answer. */
void srv_set_cookie(struct req *r, const char *name, const char *value, const char *attrs);
/* Write an error document (JSON for the API, a page otherwise) into out
 * and return status. */
int srv_error(struct req *r, struct vigie_buf *out, int status, const char *msg);
/* Whether the host named by the first path parameter is in the
 * principal's scope (a scoped store read): 0, or an HTTP status (404 for
 * another client's host, as for a missing one) already written to out. */
int srv_visible_host(struct req *r, struct vigie_store *s, struct vigie_buf *out);
/* A non-negative integer query parameter: def when absent, -1 when it is
 * not a number in [0, max]. */
long srv_arg_long(struct req *r, const char *name, long def, long max);
struct scan_result;
struct vigie_decisions;
/* Load the written decisions into dec (initialised here; release it after
 * res) and set each finding of res to the one of its host's own scope,
 * hiding none. 0 or an error code (err set). */
int srv_apply_decisions(struct vigie_store *s, struct scan_result *res,
			struct vigie_decisions *dec, struct vigie_error *err);
/* HTML-escape s into out. */
void srv_html(struct vigie_buf *out, const char *s);

/* The fleet views kept (viewcache.c): bytes rendered from the store under
 * its view generation gen (vigie_store_view_generation), by key (the
 * route, the scope, the language, the page). Shared by the threads. */
struct srv_viewcache;
struct srv_viewcache *srv_viewcache_new(void);
void srv_viewcache_free(struct srv_viewcache *c);
/* Append the bytes kept under key for generation gen to out: 1 when they
 * were kept (a hit), 0 otherwise. */
int srv_viewcache_get(struct srv_viewcache *c, const char *key, int64_t gen,
		      struct vigie_buf *out);
/* Keep len bytes under key for generation gen (entries of older
 * generations go; too large an entry is not kept). */
void srv_viewcache_put(struct srv_viewcache *c, const char *key, int64_t gen,
		       const char *data, size_t len);
void srv_viewcache_stats(struct srv_viewcache *c, unsigned long *hits,
			 unsigned long *misses);
/* The key of a view: route and parts joined, the scope ("" for the fleet)
 * and the UTC day included. */
void srv_view_key(struct req *r, const char *route, const char *parts, char *key,
		  size_t size);

/* handlers (api.c, pages.c) */
int h_healthz(struct req *r, struct vigie_buf *out);
int h_push(struct req *r, struct vigie_buf *out);
int h_api_hosts(struct req *r, struct vigie_buf *out);
int h_api_host(struct req *r, struct vigie_buf *out);
int h_api_findings(struct req *r, struct vigie_buf *out);
int h_api_history(struct req *r, struct vigie_buf *out);
int h_api_cve(struct req *r, struct vigie_buf *out);
int h_api_clients(struct req *r, struct vigie_buf *out);
int h_metrics(struct req *r, struct vigie_buf *out);
int h_login_form(struct req *r, struct vigie_buf *out);
int h_login(struct req *r, struct vigie_buf *out);
int h_logout(struct req *r, struct vigie_buf *out);
int h_page_fleet(struct req *r, struct vigie_buf *out);
int h_page_host(struct req *r, struct vigie_buf *out);
int h_page_cve(struct req *r, struct vigie_buf *out);
int h_set_lang(struct req *r, struct vigie_buf *out);
/* timeline.c */
int h_api_timeline(struct req *r, struct vigie_buf *out);
int h_page_timeline(struct req *r, struct vigie_buf *out);
int h_page_history(struct req *r, struct vigie_buf *out);
int h_api_sla(struct req *r, struct vigie_buf *out);
int h_page_sla(struct req *r, struct vigie_buf *out);
/* reports.c */
int h_report(struct req *r, struct vigie_buf *out);

#endif
