/* Downloads through libcurl's easy interface, with the limits fetch.h lists.
 * Local paths and file:// URLs bypass libcurl: they are copied with the same
 * size cap and the same temporary-file-then-rename rule (core/file.h). */
#define _GNU_SOURCE
#include "vigie/core/init.h"
#include "vigie/net/fetch.h"
#include "vigie/core/file.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADER_VALUE 1024

struct sink {
	FILE *f;                /* file output, or */
	struct vigie_buf *mem;  /* memory output */
	int64_t size, max;
	int too_big, write_failed, write_errno;
	char etag[MAX_HEADER_VALUE];
	char last_modified[MAX_HEADER_VALUE];
	fetch_progress_fn *progress;
	void *progress_ud;
};

void vigie_fetch_opts_init(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
}

void vigie_fetch_result_release(struct fetch_result *r)
{
	if (!r)
		return;
	free(r->etag);
	free(r->last_modified);
	memset(r, 0, sizeof(*r));
}

const char *vigie_fetch_url_host(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://"), *e;
	size_t n;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (!p || !strncmp(url, "file://", 7))
		return buf;
	p += 3;
	e = p + strcspn(p, "/?#");
	/* drop user:password@ */
	for (const char *q = p; q < e; q++)
		if (*q == '@')
			p = q + 1;
	n = (size_t)(e - p);
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	/* drop the port */
	if (buf[0] != '[') {
		char *c = strrchr(buf, ':');
		if (c)
			*c = '\0';
	}
	return buf;
}

static int sink_write(struct sink *k, const void *data, size_t n)
{
	if (k->max > 0 && k->size + (int64_t)n > k->max) {
		k->too_big = 1;
		return -1;
	}
	if (k->f) {
		if (fwrite(data, 1, n, k->f) != n) {
			k->write_failed = 1;
			k->write_errno = errno;
			return -1;
		}
	} else if (k->mem && vigie_buf_add(k->mem, data, n)) {
		k->write_failed = 1;
		k->write_errno = ENOMEM;
		return -1;
	}
	k->size += (int64_t)n;
	return 0;
}

static size_t write_cb(char *ptr, size_t sz, size_t nmemb, void *ud)
{
	struct sink *k = ud;
	size_t n = sz * nmemb;
	return sink_write(k, ptr, n) ? 0 : n;
}

/* Keep ETag and Last-Modified of the final response only: every new status
 * line (a redirect, a 100 Continue) starts afresh. */
static size_t header_cb(char *buf, size_t sz, size_t nitems, void *ud)
{
	struct sink *k = ud;
	size_t n = sz * nitems, vlen;
	char *dst = NULL;
	const char *v;

	if (n >= 5 && !strncmp(buf, "HTTP/", 5)) {
		k->etag[0] = k->last_modified[0] = '\0';
		return n;
	}
	if (n > 5 && !strncasecmp(buf, "ETag:", 5)) {
		dst = k->etag;
		v = buf + 5;
	} else if (n > 14 && !strncasecmp(buf, "Last-Modified:", 14)) {
		dst = k->last_modified;
		v = buf + 14;
	} else {
		return n;
	}
	vlen = n - (size_t)(v - buf);
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
			v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	/* sent back in a later request: a value with a control byte (a
	 * bare CR) could inject header lines, so it is not kept */
	for (size_t i = 0; i < vlen; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return n;
	if (vlen < MAX_HEADER_VALUE) {
		memcpy(dst, v, vlen);
		dst[vlen] = '\0';
	}
	return n;
}

static int xfer_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		   curl_off_t ultotal, curl_off_t ulnow)
{
	struct sink *k = ud;
	(void)ultotal; (void)ulnow;
	if (k->progress)
		return k->progress(k->progress_ud, (int64_t)dlnow, (int64_t)dltotal);
	return 0;
}

static void curl_init_once(void)
{
	vigie_global_init();
}

static long optl(long v, long def)
{
	return v > 0 ? v : def;
}

static int set_validators(struct fetch_result *res, const struct sink *k)
{
	if (!res)
		return 0;
	if (k->etag[0] && !(res->etag = strdup(k->etag)))
		return VIGIE_ENOMEM;
	if (k->last_modified[0] && !(res->last_modified = strdup(k->last_modified)))
		return VIGIE_ENOMEM;
	return 0;
}

static int is_https(const char *url)
{
	return url && !strncasecmp(url, "https://", 8);
}

const char *vigie_fetch_redir_protocols(const char *url)
{
	return is_https(url) ? "https" : "http,https";
}

#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0: CURLOPT_PREREQFUNCTION */
/* Before each request of a redirect chain, once connected: REDIR_PROTOCOLS
 * is fixed at the start, so an http start allows http -> https -> http;
 * this refuses the way back to http. */
static int prereq_cb(void *ud, char *primary_ip, char *local_ip, int primary_port,
		     int local_port)
{
	struct fetch_guard *g = ud;
	char *u = NULL;
	(void)primary_ip; (void)local_ip; (void)primary_port; (void)local_port;
	curl_easy_getinfo(g->easy, CURLINFO_EFFECTIVE_URL, &u);
	if (is_https(u)) {
		g->seen_https = 1;
	} else if (g->seen_https) {
		g->downgraded = 1;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}
#endif

int vigie_fetch_guard_setup(void *easy, const char *url, struct fetch_guard *g)
{
	CURL *c = easy;
	memset(g, 0, sizeof(*g));
	g->easy = easy;
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	if (curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
			     vigie_fetch_redir_protocols(url)) != CURLE_OK)
		return VIGIE_EUSAGE;
#else
	if (curl_easy_setopt(c, CURLOPT_PROTOCOLS,
			     (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
			     is_https(url) ? (long)CURLPROTO_HTTPS
					   : (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK)
		return VIGIE_EUSAGE;
#endif
#if LIBCURL_VERSION_NUM >= 0x075000
	if (curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, prereq_cb) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PREREQDATA, g) != CURLE_OK)
		return VIGIE_EUSAGE;
#endif
	return 0;
}

const char *vigie_fetch_guard_reason(const struct fetch_guard *g, const char *url,
				     int curlcode)
{
	if (curlcode == CURLE_ABORTED_BY_CALLBACK && g->downgraded)
		return "redirect from https to http refused (a chain that reached https "
		       "stays on https)";
	if (curlcode == CURLE_UNSUPPORTED_PROTOCOL && is_https(url))
		return "redirect from https to http (or another protocol) refused: "
		       "a download that starts on https stays on https";
	return NULL;
}

/* A POST's body and headers (NULL for a GET). */
struct post {
	const void *body;
	size_t len;
	const char *const *headers;
};

static int fetch_http(struct fetch_result *res, struct sink *k, const char *url,
		      const struct fetch_opts *o, const struct post *post,
		      struct vigie_error *err)
{
	CURL *c = NULL;
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", host[256], line[MAX_HEADER_VALUE + 32];
	CURLcode cc;
	struct fetch_guard guard;
	const char *why;
	long status = 0;
	int rc = 0;
	int64_t max = o->max_size > 0 ? o->max_size : FETCH_DEFAULT_MAX_SIZE;

	curl_init_once();
	vigie_fetch_url_host(url, host, sizeof(host));
	k->max = max;
	if (!(c = curl_easy_init()))
		return vigie_error_set(err, VIGIE_ENOMEM, url, 0, "cannot initialise libcurl");
	if (o->etag && *o->etag && strlen(o->etag) < MAX_HEADER_VALUE) {
		snprintf(line, sizeof(line), "If-None-Match: %s", o->etag);
		if (!(hdrs = curl_slist_append(hdrs, line)))
			goto oom;
	}
	if (o->last_modified && *o->last_modified &&
	    strlen(o->last_modified) < MAX_HEADER_VALUE) {
		struct curl_slist *t;
		snprintf(line, sizeof(line), "If-Modified-Since: %s", o->last_modified);
		if (!(t = curl_slist_append(hdrs, line)))
			goto oom;
		hdrs = t;
	}
	for (size_t i = 0; post && post->headers && post->headers[i]; i++) {
		struct curl_slist *t = curl_slist_append(hdrs, post->headers[i]);
		if (!t)
			goto oom;
		hdrs = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (vigie_fetch_guard_setup(c, url, &guard)) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, url, 0,
				     "libcurl cannot restrict protocols and redirects");
		goto out;
	}
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (post) {
		/* a POST carries credentials: it is never redirected */
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post->len);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	} else {
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS,
				 optl(o->max_redirs, FETCH_DEFAULT_MAX_REDIRS));
	}
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
			 optl(o->connect_timeout, FETCH_DEFAULT_CONNECT_TIMEOUT));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, optl(o->timeout, FETCH_DEFAULT_TIMEOUT));
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
			 optl(o->low_speed_time, FETCH_DEFAULT_LOW_SPEED_TIME));
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT,
			 optl(o->low_speed_limit, FETCH_DEFAULT_LOW_SPEED_LIMIT));
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "vigie");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, k);
	if (k->progress) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xfer_cb);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, k);
	}

	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (res)
		res->status = status;
	if (cc != CURLE_OK) {
		const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
		int unreach = 0;
		if (k->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, url, 0,
					     "download larger than %lld bytes, aborted",
					     (long long)max);
			goto out;
		}
		if (k->write_failed) {
			rc = vigie_error_set(err, k->write_errno == ENOMEM ? VIGIE_ENOMEM : VIGIE_EIO,
					     url, 0, "cannot write the download: %s",
					     strerror(k->write_errno));
			goto out;
		}
		if ((why = vigie_fetch_guard_reason(&guard, url, cc))) {
			rc = vigie_error_set(err, VIGIE_ENET, url, 0, "%s", why);
			goto out;
		}
		switch (cc) {
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
			unreach = 1;
			rc = vigie_error_set(err, VIGIE_ENET, url, 0,
					     "cannot reach %s (offline?)", host);
			break;
		case CURLE_COULDNT_CONNECT:
			unreach = 1;
			rc = vigie_error_set(err, VIGIE_ENET, url, 0,
					     "cannot connect to %s: %s", host, detail);
			break;
		case CURLE_OPERATION_TIMEDOUT:
			unreach = 1;
			rc = vigie_error_set(err, VIGIE_ENET, url, 0,
					     "timed out: %s", detail);
			break;
		case CURLE_TOO_MANY_REDIRECTS:
			rc = vigie_error_set(err, VIGIE_ENET, url, 0,
					     "too many redirects (more than %ld)",
					     optl(o->max_redirs, FETCH_DEFAULT_MAX_REDIRS));
			break;
		case CURLE_UNSUPPORTED_PROTOCOL:
			rc = vigie_error_set(err, VIGIE_ENET, url, 0,
					     "protocol not allowed (only http and https): %s",
					     detail);
			break;
		case CURLE_ABORTED_BY_CALLBACK:
			rc = vigie_error_set(err, VIGIE_ENET, url, 0, "download cancelled");
			break;
		default:
			rc = vigie_error_set(err, VIGIE_ENET, url, 0, "%s", detail);
			break;
		}
		if (res)
			res->unreachable = unreach;
		goto out;
	}
	if (post) {
		/* every answer is the caller's to judge (its body says why) */
		if (res)
			res->size = k->size;
		goto out;
	}
	if (status == 304) {
		if (res)
			res->not_modified = 1;
		if (set_validators(res, k))
			goto oom;
		goto out;
	}
	if (status < 200 || status > 299) {
		rc = vigie_error_set(err, VIGIE_ENET, url, 0, "HTTP %ld from %s", status, host);
		goto out;
	}
	if (set_validators(res, k))
		goto oom;
	if (res)
		res->size = k->size;
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, url, 0, "out of memory");
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rc;
}

/* Local files: RFC 1123 mtime serves as Last-Modified, so a second fetch of
 * an unchanged file is "not modified" just as over HTTP. */
static int fetch_local(struct fetch_result *res, struct sink *k, const char *path,
		       const struct fetch_opts *o, struct vigie_error *err)
{
	struct stat st;
	char lm[64], buf[65536];
	struct tm tm;
	time_t mt;
	FILE *in = NULL;
	size_t n;
	int rc = 0;
	int64_t max = o->max_size > 0 ? o->max_size : FETCH_DEFAULT_MAX_SIZE;

	k->max = max;
	if (stat(path, &st))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "not a regular file");
	mt = st.st_mtime;
	gmtime_r(&mt, &tm);
	strftime(lm, sizeof(lm), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(k->last_modified, sizeof(k->last_modified), "%s", lm);
	if (res)
		res->status = 200;
	if (o->last_modified && !strcmp(o->last_modified, lm) && !o->etag) {
		if (res) {
			res->not_modified = 1;
			res->status = 304;
		}
		return set_validators(res, k) ? vigie_error_set(err, VIGIE_ENOMEM, path, 0,
							       "out of memory") : 0;
	}
	if (st.st_size > max)
		return vigie_error_set(err, VIGIE_ELIMIT, path, 0,
				       "file larger than %lld bytes", (long long)max);
	if (!(in = fopen(path, "rb")))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (sink_write(k, buf, n)) {
			if (k->too_big)
				rc = vigie_error_set(err, VIGIE_ELIMIT, path, 0,
						     "file larger than %lld bytes",
						     (long long)max);
			else
				rc = vigie_error_set(err, VIGIE_EIO, path, 0,
						     "cannot write the copy: %s",
						     strerror(k->write_errno));
			goto out;
		}
		if (k->progress && k->progress(k->progress_ud, k->size, st.st_size)) {
			rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cancelled");
			goto out;
		}
	}
	if (ferror(in)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "read error: %s",
				     strerror(errno));
		goto out;
	}
	if (set_validators(res, k)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
		goto out;
	}
	if (res)
		res->size = k->size;
out:
	fclose(in);
	return rc;
}

static const char *local_path(const char *url)
{
	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (!strstr(url, "://"))
		return url;
	return NULL;
}

static int fetch_any(struct fetch_result *res, struct sink *k, const char *url,
		     const struct fetch_opts *opts, struct vigie_error *err)
{
	struct fetch_opts def;
	const char *lp;

	if (!opts) {
		vigie_fetch_opts_init(&def);
		opts = &def;
	}
	k->progress = opts->progress;
	k->progress_ud = opts->progress_ud;
	if (res)
		memset(res, 0, sizeof(*res));
	lp = local_path(url);
	if (lp)
		return fetch_local(res, k, lp, opts, err);
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return vigie_error_set(err, VIGIE_EUSAGE, url, 0,
				       "unsupported URL (http, https, file or a path)");
	return fetch_http(res, k, url, opts, NULL, err);
}

int vigie_fetch_to_file(struct fetch_result *res, const char *url, const char *dest,
		  const struct fetch_opts *opts, struct vigie_error *err)
{
	struct sink k;
	struct vigie_file_tmp part;
	struct fetch_result local;
	int rc;

	memset(&k, 0, sizeof(k));
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if ((rc = vigie_file_tmp_open(&part, dest, VIGIE_FILE_MODE, err)))
		goto out;
	k.f = part.fp;
	rc = fetch_any(res, &k, url, opts, err);
	if (rc || res->not_modified)
		vigie_file_tmp_discard(&part);
	else
		rc = vigie_file_tmp_commit(&part, err);
out:
	if (res == &local)
		vigie_fetch_result_release(&local);
	return rc;
}

int vigie_fetch_to_mem(struct fetch_result *res, struct vigie_buf *out,
		 const char *url, const struct fetch_opts *opts,
		 struct vigie_error *err)
{
	struct sink k;
	int rc;

	memset(&k, 0, sizeof(k));
	k.mem = out;
	rc = fetch_any(res, &k, url, opts, err);
	if (!rc && !out->data && vigie_buf_add(out, "", 0))
		rc = vigie_error_set(err, VIGIE_ENOMEM, url, 0, "out of memory");
	return rc;
}

/* http:// is allowed to the loopback only (a token and a host's inventory
 * never cross a network in clear), unless the caller says otherwise. */
static int loopback_host(const char *url)
{
	char host[256];
	vigie_fetch_url_host(url, host, sizeof(host));
	return !strcasecmp(host, "localhost") || !strcmp(host, "[::1]") ||
	       !strncmp(host, "127.", 4);
}

int vigie_fetch_post(struct fetch_result *res, struct vigie_buf *out, const char *url,
		     const void *body, size_t len, const char *const *headers,
		     const struct fetch_opts *opts, struct vigie_error *err)
{
	struct fetch_opts def;
	struct sink k;
	struct post post = { body ? body : "", len, headers };
	int rc;

	if (!opts) {
		vigie_fetch_opts_init(&def);
		opts = &def;
	}
	if (res)
		memset(res, 0, sizeof(*res));
	if (strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7))
		return vigie_error_set(err, VIGIE_EUSAGE, url, 0,
				       "unsupported URL (https, or http to this machine)");
	if (!is_https(url) && !opts->allow_http && !loopback_host(url))
		return vigie_error_set(err, VIGIE_EUSAGE, url, 0,
				       "refused: http:// only to 127.0.0.1 or localhost "
				       "(use https, or allow plain http explicitly)");
	memset(&k, 0, sizeof(k));
	k.mem = out;
	rc = fetch_http(res, &k, url, opts, &post, err);
	if (!rc && !out->data && vigie_buf_add(out, "", 0))
		rc = vigie_error_set(err, VIGIE_ENOMEM, url, 0, "out of memory");
	return rc;
}
