/* vigie: HTTP(S) and file downloads (libcurl), bounded and conditional.
 *
 * Every fetch has a connect timeout, an overall timeout, a low-speed limit
 * (a stalled server fails instead of hanging), a maximum body size, at most
 * a few redirects (http/https only, and never from https back to http: see
 * vigie_fetch_guard_setup) and accepts compressed transfer. Files
 * are written to a new temporary file beside dest (mode 0640, never through
 * a symlink: core/file.h) and renamed into place only when complete, so a
 * failed download never replaces a good file. "file://" URLs and plain
 * paths are read locally (the offline path used by tests). */
#ifndef VIGIE_FETCH_H
#define VIGIE_FETCH_H

#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define FETCH_DEFAULT_CONNECT_TIMEOUT 20L   /* seconds */
#define FETCH_DEFAULT_TIMEOUT 600L          /* seconds, whole transfer */
#define FETCH_DEFAULT_LOW_SPEED_TIME 30L    /* seconds below the limit */
#define FETCH_DEFAULT_LOW_SPEED_LIMIT 1L    /* bytes per second */
#define FETCH_DEFAULT_MAX_SIZE (512LL * 1024 * 1024)
#define FETCH_DEFAULT_MAX_REDIRS 5L

/* Progress: bytes received so far and expected total (0 when unknown).
 * Return non-zero to abort the transfer. */
typedef int fetch_progress_fn(void *ud, int64_t now, int64_t total);

struct fetch_opts {
	const char *etag;          /* If-None-Match validator, may be NULL */
	const char *last_modified; /* If-Modified-Since validator, may be NULL */
	const char *user_agent;    /* default "vigie" */
	long connect_timeout;      /* 0: FETCH_DEFAULT_* for each of these */
	long timeout;
	long low_speed_time;
	long low_speed_limit;
	int64_t max_size;          /* body bytes */
	long max_redirs;
	fetch_progress_fn *progress; /* may be NULL */
	void *progress_ud;
	/* Operations that download many items (changelogs of pending
	 * updates) call this after each item: done of total. May be NULL. */
	void (*step)(void *ud, size_t done, size_t total);
	void *step_ud;
	const char *ca_file;       /* PEM certificates to trust instead of the
				      system's (an internal mirror's CA);
				      NULL: the system's */
	int allow_http;            /* vigie_fetch_post: plain http to a host
				      other than the loopback */
};

struct fetch_result {
	long status;          /* HTTP status; 200 for local files */
	int not_modified;     /* 1 on 304: nothing was written */
	char *etag;           /* returned validators (malloc'd, may be NULL) */
	char *last_modified;
	int64_t size;         /* body bytes received */
	int unreachable;      /* on error: the network or host could not be
				 reached (DNS, refused, timeout), as opposed
				 to a bad answer */
};

/* Zero o: no validators, and FETCH_DEFAULT_* for every 0 limit. */
void vigie_fetch_opts_init(struct fetch_opts *o);
/* Free the strings a result holds; accepts NULL. */
void vigie_fetch_result_release(struct fetch_result *r);

/* Download url to dest (through a temporary file beside it). On 304 dest is left as it was and
 * res->not_modified is set. Errors (VIGIE_ENET, VIGIE_ELIMIT, VIGIE_EIO)
 * name the URL and say what happened ("cannot reach HOST (offline?)",
 * "timed out", "HTTP 404", "larger than N bytes"). res may be NULL. */
int vigie_fetch_to_file(struct fetch_result *res, const char *url, const char *dest,
		  const struct fetch_opts *opts, struct vigie_error *err);
/* Same into memory: out receives the body (appended, NUL-terminated). */
int vigie_fetch_to_mem(struct fetch_result *res, struct vigie_buf *out,
		 const char *url, const struct fetch_opts *opts,
		 struct vigie_error *err);

/* POST len bytes of body to url with the extra request headers (a
 * NULL-terminated list of "Name: value", may be NULL; they are never put
 * in a message) and receive the answer's body in out (appended, capped at
 * opts->max_size). Never redirected. https is verified (opts->ca_file or
 * the system's CAs); http only to 127.0.0.1, ::1 or localhost unless
 * opts->allow_http. Returns 0 whenever the server answered, whatever the
 * status (res->status: the caller judges it); VIGIE_ENET when no answer
 * came (res->unreachable for DNS, refused, timeout), VIGIE_EUSAGE for a
 * refused URL. res must not be NULL. */
int vigie_fetch_post(struct fetch_result *res, struct vigie_buf *out, const char *url,
		     const void *body, size_t len, const char *const *headers,
		     const struct fetch_opts *opts, struct vigie_error *err);

/* ---- the guard every libcurl transfer of vigie goes through ---- */
/* Protocols a transfer that started at url may be redirected to: "https"
 * when url is https (a downgrade to http is refused), else "http,https". */
const char *vigie_fetch_redir_protocols(const char *url);

/* State of one transfer's redirect chain (one per easy handle, kept alive
 * as long as it). */
struct fetch_guard {
	void *easy;      /* the CURL * it watches */
	int seen_https;  /* a request of the chain went over https */
	int downgraded;  /* a later one would have gone over http: aborted */
};
/* Set on easy (a CURL *): protocols http and https only, redirects to
 * vigie_fetch_redir_protocols(url), and a check before each request of the
 * chain that aborts one going over http after one went over https (so
 * http -> https -> http is refused too). g must outlive the transfer.
 * Returns 0, or VIGIE_EUSAGE when libcurl lacks a needed option. */
int vigie_fetch_guard_setup(void *easy, const char *url, struct fetch_guard *g);
/* The reason when the transfer failed with curlcode (a CURLcode) because of
 * the guard ("redirect from https to http refused ..."), else NULL. */
const char *vigie_fetch_guard_reason(const struct fetch_guard *g, const char *url,
				     int curlcode);

/* Host part of a URL into buf ("" for local paths). */
const char *vigie_fetch_url_host(const char *url, char *buf, size_t size);

#endif
