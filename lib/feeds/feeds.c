/* Advisory feeds over the store: polling, storing, matching, coverage. */
#define _GNU_SOURCE
#include "vigie/core/init.h"
#include "vigie/feeds/feeds.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <yajl/yajl_gen.h>

#include "vigie/debian/debver.h"
#include "vigie/engine/indexcache.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/net/fetch.h"
#include "vigie/render/json.h"

#define FEEDS_USER_AGENT "vigie-feeds/0.1 (+https://www.debian.org/security/)"

/* The next name of a stored service list at *p: its start, length in *n
 * (blanks around it stripped); NULL at the end. */
static const char *next_service(const char **p, size_t *n)
{
	while (**p) {
		const char *w = *p;
		size_t len = strcspn(w, "|");
		*p = w[len] ? w + len + 1 : w + len;
		while (len && *w == ' ') {
			w++;
			len--;
		}
		while (len && w[len - 1] == ' ')
			len--;
		if (len) {
			*n = len;
			return w;
		}
	}
	return NULL;
}

int vigie_feeds_service_list(struct vigie_strv *v, const char *list)
{
	const char *p = list ? list : "", *w;
	size_t n;
	while ((w = next_service(&p, &n)))
		if (vigie_strv_pushn(v, w, n))
			return VIGIE_ENOMEM;
	return 0;
}

int vigie_feeds_is_debian(const char *url, const char *services)
{
	const char *p = services ? services : "", *w;
	size_t n;
	while ((w = next_service(&p, &n)))
		if (n == strlen(FEEDS_DEBIAN_TOKEN) && !memcmp(w, FEEDS_DEBIAN_TOKEN, n))
			return 1;
	return url && (strstr(url, "debian.org/security/") ||
		       strstr(url, "debian.org/lts/security/"));
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *join(const struct vigie_strv *v)
{
	return v->n ? vigie_strv_join(v, " ") : NULL;
}

/* Split a space-separated list into v. */
static int split(struct vigie_strv *v, const char *s)
{
	const char *p = s ? s : "";
	while (*p) {
		const char *w;
		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ')
			p++;
		if (p > w && vigie_strv_pushn(v, w, (size_t)(p - w)))
			return VIGIE_ENOMEM;
	}
	return 0;
}

/* ---- ingest ---- */
int vigie_feeds_ingest(struct vigie_store *s, int64_t feed_id, const char *data,
		 size_t len, const char *name, const struct services_table *svc,
		 size_t *items, size_t *new_items, struct vigie_error *err)
{
	struct feed *f = NULL;
	int64_t now = vigie_now();
	size_t fresh = 0;
	int rc;

	if ((rc = vigie_feed_parse(&f, data, len, name, svc, err)))
		return rc;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	for (size_t i = 0; i < f->n; i++) {
		const struct feed_item *fi = &f->items[i];
		char keybuf[32];
		struct store_feed_item it = { 0 };
		char *cves = join(&fi->cves), *adv = join(&fi->advisories);
		char *pk = join(&fi->packages);
		char *sv = fi->services.n ? vigie_strv_join(&fi->services, "|") : NULL;
		int ins = 0;
		it.feed_id = feed_id;
		it.key = vigie_feed_item_key(fi, keybuf, sizeof(keybuf));
		it.title = fi->title;
		it.link = fi->link;
		it.published = fi->has_published ? fi->published : 0;
		it.first_seen = now;
		it.summary = fi->summary;
		it.cves = cves;
		it.advisory = adv;
		it.packages = pk;
		it.services = sv;
		if ((fi->cves.n && !cves) || (fi->advisories.n && !adv) ||
		    (fi->packages.n && !pk) || (fi->services.n && !sv))
			rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
		else
			rc = vigie_store_feed_item_put(s, &it, &ins, err);
		free(cves);
		free(adv);
		free(pk);
		free(sv);
		if (rc) {
			vigie_store_rollback(s);
			goto out;
		}
		fresh += ins;
	}
	if ((rc = vigie_store_commit(s, err)))
		goto out;
	if (items)
		*items = f->n;
	if (new_items)
		*new_items = fresh;
out:
	vigie_feed_free(f);
	return rc;
}

/* ---- polling ---- */
struct job {
	struct store_feed feed; /* strings owned below */
	char *url, *name, *services, *etag, *last_modified;
	struct vigie_buf body;
	char *new_etag, *new_lm;
	size_t max;
	int too_big;
	CURL *easy;
	struct fetch_guard guard; /* no https -> http redirect (net/fetch.h) */
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
};

static void job_release(struct job *j)
{
	free(j->url);
	free(j->name);
	free(j->services);
	free(j->etag);
	free(j->last_modified);
	free(j->new_etag);
	free(j->new_lm);
	vigie_buf_release(&j->body);
	if (j->easy)
		curl_easy_cleanup(j->easy);
	curl_slist_free_all(j->hdrs);
}

struct jobs {
	struct job *v;
	size_t n, cap;
	int64_t now;
	int force;
	int skipped_failing; /* feeds backing off after a failure */
	feeds_status_cb *cb;
	void *ud;
};

static int collect_feed(void *ud, const struct store_feed *f)
{
	struct jobs *js = ud;
	struct job *j;
	if (!js->force && f->next_poll > js->now) {
		struct feeds_poll_status st = { .name = f->name ? f->name : f->url,
						.url = f->url, .outcome = FEEDS_SKIPPED,
						.next_poll = f->next_poll,
						.error = f->last_error };
		if (js->cb)
			js->cb(js->ud, &st);
		/* still failing as far as we know: the poll says so as a
		 * forced poll would */
		js->skipped_failing += f->last_error && *f->last_error;
		return 0;
	}
	if (js->n == js->cap) {
		size_t cap = js->cap ? js->cap * 2 : 16;
		struct job *v = realloc(js->v, cap * sizeof(*v));
		if (!v)
			return VIGIE_ENOMEM;
		js->v = v;
		js->cap = cap;
	}
	j = &js->v[js->n];
	memset(j, 0, sizeof(*j));
	j->feed = *f;
	j->url = xstrdup(f->url);
	j->name = xstrdup(f->name ? f->name : f->url);
	j->services = xstrdup(f->services);
	j->etag = xstrdup(f->etag);
	j->last_modified = xstrdup(f->last_modified);
	js->n++;
	if (!j->url || !j->name || (f->services && !j->services) ||
	    (f->etag && !j->etag) || (f->last_modified && !j->last_modified))
		return VIGIE_ENOMEM;
	/* the row's strings die with the statement: point at our copies */
	j->feed.url = j->url;
	j->feed.name = j->name;
	j->feed.services = j->services;
	j->feed.etag = j->etag;
	j->feed.last_modified = j->last_modified;
	j->feed.last_error = NULL;
	return 0;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct job *j = ud;
	size_t n = size * nmemb;
	if (j->body.len + n > j->max) {
		j->too_big = 1;
		return 0; /* aborts the transfer */
	}
	if (vigie_buf_add(&j->body, ptr, n))
		return 0;
	return n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *v, *e;
	if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return NULL;
	v = line + nl + 1;
	e = line + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
		e--;
	if (e - v > 512 || e == v)
		return NULL;
	/* sent back in our next request: a control byte (a bare CR) would
	 * let the server inject header lines, so such a value is dropped */
	for (const char *p = v; p < e; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	return strndup(v, (size_t)(e - v));
}

static size_t header_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	struct job *j = ud;
	size_t n = size * nitems;
	char *v;
	/* a new response (redirect) starts with its status line */
	if (n > 5 && !strncmp(buf, "HTTP/", 5)) {
		free(j->new_etag);
		free(j->new_lm);
		j->new_etag = j->new_lm = NULL;
	}
	if ((v = header_value(buf, n, "ETag"))) {
		free(j->new_etag);
		j->new_etag = v;
	} else if ((v = header_value(buf, n, "Last-Modified"))) {
		free(j->new_lm);
		j->new_lm = v;
	}
	return n;
}

static int is_local(const char *url)
{
	return !strncmp(url, "file://", 7) || !strstr(url, "://");
}

static int setup_easy(struct job *j, const struct feeds_poll_opts *o)
{
	CURL *e = curl_easy_init();
	char h[600];
	if (!e)
		return VIGIE_ENOMEM;
	j->easy = e;
	j->max = o->max_body;
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, o->max_redirs);
	if (vigie_fetch_guard_setup(e, j->url, &j->guard))
		return VIGIE_EUSAGE;
	if (o->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 32L); /* bytes/s, averaged by curl over ~5 s */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->total_timeout);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	curl_easy_setopt(e, CURLOPT_USERAGENT, FEEDS_USER_AGENT);
	if (j->etag) {
		snprintf(h, sizeof(h), "If-None-Match: %s", j->etag);
		if (!(j->hdrs = curl_slist_append(j->hdrs, h)))
			return VIGIE_ENOMEM;
	}
	if (j->last_modified) {
		struct curl_slist *l;
		snprintf(h, sizeof(h), "If-Modified-Since: %s", j->last_modified);
		if (!(l = curl_slist_append(j->hdrs, h)))
			return VIGIE_ENOMEM;
		j->hdrs = l;
	}
	if (j->hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->hdrs);
	return 0;
}

/* Record the outcome of job j; returns 0, or a fatal (store) error. */
static int finish_job(struct vigie_store *s, struct job *j, long code,
		      const char *fail, const struct feeds_poll_opts *o,
		      struct jobs *js, int *failed, struct vigie_error *err)
{
	struct feeds_poll_status st = { .name = j->name, .url = j->url,
					.http_code = code };
	struct store_feed f = j->feed;
	struct vigie_error perr;
	char msg[1200];
	int rc;

	memset(&perr, 0, sizeof(perr));
	perr.warn = err ? err->warn : NULL;
	perr.warn_ud = err ? err->warn_ud : NULL;
	f.last_poll = js->now;
	if (!fail && code == 304) {
		st.outcome = FEEDS_NOT_MODIFIED;
	} else if (!fail) {
		rc = vigie_feeds_ingest(s, f.id, j->body.data ? j->body.data : "", j->body.len,
				  j->url, o->services, &st.items, &st.new_items, &perr);
		if (rc == VIGIE_EDB || rc == VIGIE_ENOMEM) {
			vigie_error_set(err, rc, perr.file, perr.line, "%s", perr.msg);
			return rc;
		}
		if (rc) {
			vigie_error_format(&perr, msg, sizeof(msg));
			fail = msg;
		} else {
			st.outcome = FEEDS_OK;
			if (j->new_etag || j->new_lm || !is_local(j->url)) {
				f.etag = j->new_etag;
				f.last_modified = j->new_lm;
			}
		}
	}
	if (fail) {
		int64_t delay = FEEDS_BACKOFF_BASE;
		st.outcome = FEEDS_FAILED;
		st.error = fail;
		f.failures++;
		for (long k = 1; k < f.failures && delay < FEEDS_BACKOFF_MAX; k++)
			delay *= 2;
		if (delay > FEEDS_BACKOFF_MAX)
			delay = FEEDS_BACKOFF_MAX;
		f.next_poll = js->now + delay;
		f.last_error = fail;
		(*failed)++;
	} else {
		f.failures = 0;
		f.next_poll = 0;
		f.last_success = js->now;
		f.last_error = NULL;
	}
	st.next_poll = f.next_poll;
	if ((rc = vigie_store_feed_set_state(s, &f, err)))
		return rc;
	if (js->cb)
		js->cb(js->ud, &st);
	return 0;
}

static int poll_local(struct vigie_store *s, struct job *j,
		      const struct feeds_poll_opts *o, struct jobs *js,
		      int *failed, struct vigie_error *err)
{
	const char *path = !strncmp(j->url, "file://", 7) ? j->url + 7 : j->url;
	struct vigie_error ferr;
	char msg[1200];
	memset(&ferr, 0, sizeof(ferr));
	if (vigie_read_file(&j->body, path, o->max_body, &ferr)) {
		vigie_error_format(&ferr, msg, sizeof(msg));
		return finish_job(s, j, 0, msg, o, js, failed, err);
	}
	return finish_job(s, j, 0, NULL, o, js, failed, err);
}

int vigie_feeds_poll(struct vigie_store *s, const struct feeds_poll_opts *opts,
	       feeds_status_cb *cb, void *ud, struct vigie_error *err)
{
	struct feeds_poll_opts o = *opts;
	struct jobs js = { 0 };
	CURLM *multi = NULL;
	size_t next = 0, running = 0;
	int failed = 0, rc;

	vigie_global_init();
	if (o.parallel <= 0)
		o.parallel = 8;
	if (o.connect_timeout <= 0)
		o.connect_timeout = 10;
	if (o.low_speed_time <= 0)
		o.low_speed_time = 30;
	if (o.total_timeout <= 0)
		o.total_timeout = 120;
	if (o.max_body == 0 || o.max_body > FEED_MAX_DOC)
		o.max_body = FEED_MAX_DOC;
	if (o.max_redirs <= 0)
		o.max_redirs = 5;
	js.now = vigie_now();
	js.force = o.force;
	js.cb = cb;
	js.ud = ud;
	if ((rc = vigie_store_feeds_each(s, collect_feed, &js, err))) {
		if (rc == VIGIE_ENOMEM)
			vigie_error_set(err, rc, NULL, 0, "out of memory");
		goto out;
	}
	/* local files first, no network needed */
	for (size_t i = 0; i < js.n; i++)
		if (is_local(js.v[i].url) &&
		    (rc = poll_local(s, &js.v[i], &o, &js, &failed, err)))
			goto out;
	if (!(multi = curl_multi_init())) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o.parallel);
	for (;;) {
		int still = 0, nq;
		CURLMsg *m;
		while ((int)running < o.parallel && next < js.n) {
			struct job *j = &js.v[next++];
			if (is_local(j->url))
				continue;
			if (setup_easy(j, &o) || curl_multi_add_handle(multi, j->easy)) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			running++;
		}
		if (running == 0)
			break;
		if (curl_multi_perform(multi, &still) != CURLM_OK) {
			rc = vigie_error_set(err, VIGIE_ENET, NULL, 0, "curl multi failure");
			goto out;
		}
		while ((m = curl_multi_info_read(multi, &nq))) {
			struct job *j = NULL;
			long code = 0;
			char msg[CURL_ERROR_SIZE + 64];
			const char *fail = NULL;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			if (j->too_big || m->data.result == CURLE_FILESIZE_EXCEEDED) {
				snprintf(msg, sizeof(msg), "body larger than %zu bytes: aborted",
					 o.max_body);
				fail = msg;
			} else if (m->data.result != CURLE_OK &&
				   (fail = vigie_fetch_guard_reason(&j->guard, j->url,
								    m->data.result))) {
				/* the guard's reason, not libcurl's */
			} else if (m->data.result != CURLE_OK) {
				snprintf(msg, sizeof(msg), "%s",
					 j->errbuf[0] ? j->errbuf : curl_easy_strerror(m->data.result));
				fail = msg;
			} else if (code >= 400 || (code != 304 && code / 100 != 2)) {
				snprintf(msg, sizeof(msg), "HTTP %ld", code);
				fail = msg;
			}
			curl_multi_remove_handle(multi, j->easy);
			curl_easy_cleanup(j->easy);
			j->easy = NULL;
			running--;
			rc = finish_job(s, j, code, fail, &o, &js, &failed, err);
			vigie_buf_release(&j->body);
			if (rc)
				goto out;
		}
		if (running && curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK) {
			rc = vigie_error_set(err, VIGIE_ENET, NULL, 0, "curl multi poll failure");
			goto out;
		}
	}
	rc = failed || js.skipped_failing ? 1 : 0;
out:
	for (size_t i = 0; i < js.n; i++) {
		if (multi && js.v[i].easy)
			curl_multi_remove_handle(multi, js.v[i].easy);
		job_release(&js.v[i]);
	}
	free(js.v);
	if (multi)
		curl_multi_cleanup(multi);
	return rc;
}

/* ---- matching ---- */
void vigie_feeds_hit_clear(struct feeds_hit *h)
{
	free(h->host);
	free(h->via);
	free(h->what);
	free(h->source);
	free(h->source_version);
	free(h->fixed_version);
}

void vigie_feeds_match_release(struct feeds_match *m)
{
	for (size_t i = 0; i < m->n; i++)
		vigie_feeds_hit_clear(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int vigie_feeds_match_has_host(const struct feeds_match *m, const char *host)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].host, host))
			return 1;
	return 0;
}

struct match_ctx {
	struct feeds_match *m;
	const char *via;
	const struct feeds_match_opts *o;
	struct vigie_strv cves, advisories; /* of the item */
	struct vigie_error *err;
};

/* Whether every fix of ids is in source at version sv on release: *ans
 * 1, 0 or -1 (unknown); *fv gets the highest fixed version answered
 * (malloc'd, NULL when none). Returns 0 or an error. */
static int fixed_for(struct match_ctx *c, const struct vigie_strv *ids,
		     const char *release, const char *source, const char *sv,
		     int *ans, char **fv)
{
	int any_not = 0, unknown = 0;
	const char *best = NULL;
	for (size_t k = 0; k < ids->n; k++) {
		const char *v = NULL;
		int r = c->o->fixed_lookup(c->o->ud, release, source, sv, ids->v[k], &v,
					   c->err);
		if (r < 0)
			return r;
		if (r == FEEDS_NOT_FIXED)
			any_not = 1;
		else if (r != FEEDS_FIXED)
			unknown = 1;
		if (v && (!best || vigie_debver_cmp_str(v, best) > 0))
			best = v;
	}
	*ans = any_not ? 0 : unknown ? -1 : 1;
	if (best && !(*fv = strdup(best)))
		return VIGIE_ENOMEM;
	return 0;
}

static int add_hit(struct match_ctx *c, int64_t host_id, const char *host,
		   const char *release, const char *what, const char *source,
		   const char *sv)
{
	struct feeds_match *m = c->m;
	struct feeds_hit *h;
	int r;
	/* one hit per (host, source package) or (host, service): a host with
	 * ten binaries of one source needs one answer */
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].host_id == host_id && !strcmp(m->v[i].via, c->via) &&
		    !strcmp(source ? m->v[i].source : m->v[i].what, source ? source : what))
			return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct feeds_hit *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return VIGIE_ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	h = &m->v[m->n];
	memset(h, 0, sizeof(*h));
	h->host_id = host_id;
	h->fixed = -1;
	h->host = xstrdup(host);
	h->via = xstrdup(c->via);
	h->what = xstrdup(what);
	h->source = xstrdup(source);
	h->source_version = xstrdup(sv);
	m->n++;
	if (!h->host || !h->via || !h->what || (source && !h->source) ||
	    (sv && !h->source_version))
		return VIGIE_ENOMEM;
	if (!source || !c->o || !c->o->fixed_lookup)
		return 0;
	/* the item's CVEs decide; its advisory ids when it names no CVE or
	 * the CVEs leave it unknown */
	if (c->cves.n && (r = fixed_for(c, &c->cves, release, source, sv, &h->fixed,
					&h->fixed_version)))
		return r;
	if (h->fixed == -1 && c->advisories.n) {
		char *fv = NULL;
		int ans = -1;
		if ((r = fixed_for(c, &c->advisories, release, source, sv, &ans, &fv))) {
			free(fv);
			return r;
		}
		if (ans != -1 || !h->fixed_version) {
			free(h->fixed_version);
			h->fixed_version = fv;
			h->fixed = ans;
		} else {
			free(fv);
		}
	}
	return 0;
}

static int pkg_hit(void *ud, const struct store_feed_host_pkg *p)
{
	return add_hit(ud, p->host_id, p->host, p->release, p->package, p->source,
		       p->source_version);
}

static int svc_hit(void *ud, int64_t host_id, const char *host,
		   const char *service, const char *origin)
{
	(void)origin;
	return add_hit(ud, host_id, host, NULL, service, NULL, NULL);
}

static int cmp_hit(const void *a, const void *b)
{
	const struct feeds_hit *x = a, *y = b;
	int c = strcmp(x->host, y->host);
	if (c)
		return c;
	if ((c = strcmp(x->via, y->via)))
		return c;
	return strcmp(x->what, y->what);
}

/* Answers of the store per package or service name, shared by every item
 * naming it during one listing: a fleet repeats the same names. */
struct mrow {
	int64_t host_id;
	char *host, *release, *what, *source, *version;
};
struct mentry {
	char *key; /* "p:" or "s:" and the name; NULL = free slot */
	struct mrow *v;
	size_t n, cap;
};
struct match_cache {
	struct mentry *tab;
	size_t cap, n, rows;
};
#define MATCH_CACHE_MAX_ROWS 2000000

static void entry_clear(struct mentry *e)
{
	for (size_t k = 0; k < e->n; k++) {
		free(e->v[k].host);
		free(e->v[k].release);
		free(e->v[k].what);
		free(e->v[k].source);
		free(e->v[k].version);
	}
	free(e->v);
	free(e->key);
	memset(e, 0, sizeof(*e));
}

static void cache_release(struct match_cache *mc)
{
	for (size_t i = 0; i < mc->cap; i++)
		if (mc->tab[i].key)
			entry_clear(&mc->tab[i]);
	free(mc->tab);
	memset(mc, 0, sizeof(*mc));
}

static struct mentry *cache_slot(struct match_cache *mc, const char *key)
{
	size_t i = (size_t)vigie_feed_fnv1a64(key, strlen(key)) & (mc->cap - 1);
	while (mc->tab[i].key && strcmp(mc->tab[i].key, key))
		i = (i + 1) & (mc->cap - 1);
	return &mc->tab[i];
}

static int cache_grow(struct match_cache *mc)
{
	struct match_cache nc = { 0 };
	if (mc->cap && mc->n * 2 < mc->cap)
		return 0;
	nc.cap = mc->cap ? mc->cap * 2 : 256;
	if (!(nc.tab = calloc(nc.cap, sizeof(*nc.tab))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < mc->cap; i++)
		if (mc->tab[i].key)
			*cache_slot(&nc, mc->tab[i].key) = mc->tab[i];
	nc.n = mc->n;
	nc.rows = mc->rows;
	free(mc->tab);
	*mc = nc;
	return 0;
}

static int row_add(struct mentry *e, int64_t host_id, const char *host,
		   const char *release, const char *what, const char *source,
		   const char *version)
{
	struct mrow *r;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 4;
		struct mrow *v = realloc(e->v, cap * sizeof(*v));
		if (!v)
			return VIGIE_ENOMEM;
		e->v = v;
		e->cap = cap;
	}
	r = &e->v[e->n++];
	r->host_id = host_id;
	r->host = xstrdup(host);
	r->release = xstrdup(release);
	r->what = xstrdup(what);
	r->source = xstrdup(source);
	r->version = xstrdup(version);
	if (!r->host || !r->what || (release && !r->release) || (source && !r->source) ||
	    (version && !r->version))
		return VIGIE_ENOMEM;
	return 0;
}

static int pkg_row(void *ud, const struct store_feed_host_pkg *p)
{
	return row_add(ud, p->host_id, p->host, p->release, p->package, p->source,
		       p->source_version);
}

static int svc_row(void *ud, int64_t host_id, const char *host,
		   const char *service, const char *origin)
{
	(void)origin;
	return row_add(ud, host_id, host, NULL, service, NULL, NULL);
}

/* Hits for a package (kind 'p') or service ('s') name into c, through the
 * cache when there is one and it has room. */
static int lookup(struct vigie_store *s, struct match_cache *mc, char kind,
		  const char *name, struct match_ctx *c, struct vigie_error *err)
{
	struct mentry *e, tmp = { 0 };
	char key[160];
	int rc = 0;

	if (!mc || mc->rows >= MATCH_CACHE_MAX_ROWS || strlen(name) > 150)
		return kind == 'p'
			? vigie_store_feed_hosts_with_package(s, name, pkg_hit, c, err)
			: vigie_store_feed_hosts_with_service(s, name, svc_hit, c, err);
	snprintf(key, sizeof(key), "%c:%s", kind, name);
	if (cache_grow(mc))
		return VIGIE_ENOMEM;
	e = cache_slot(mc, key);
	if (!e->key) {
		rc = kind == 'p' ? vigie_store_feed_hosts_with_package(s, name, pkg_row, &tmp, err)
				 : vigie_store_feed_hosts_with_service(s, name, svc_row, &tmp, err);
		if (rc || !(tmp.key = strdup(key))) {
			entry_clear(&tmp);
			return rc ? rc : VIGIE_ENOMEM;
		}
		*e = tmp;
		mc->n++;
		mc->rows += e->n;
	}
	for (size_t i = 0; i < e->n && !rc; i++)
		rc = add_hit(c, e->v[i].host_id, e->v[i].host, e->v[i].release, e->v[i].what,
			     e->v[i].source, e->v[i].version);
	return rc;
}

/* Names under which hosts may record the services of list (a stored
 * service list): each name, its service name and that service's aliases. */
static int service_names(struct vigie_strv *out, const struct services_table *t,
			 const char *list)
{
	struct vigie_strv v;
	int rc = 0;
	vigie_strv_init(&v);
	if (vigie_feeds_service_list(&v, list)) {
		vigie_strv_release(&v);
		return VIGIE_ENOMEM;
	}
	for (size_t i = 0; i < v.n && !rc; i++) {
		const char *canon;
		if (!strcmp(v.v[i], FEEDS_DEBIAN_TOKEN))
			continue;
		rc = vigie_strv_push_unique(out, v.v[i]);
		if (rc || !(canon = vigie_services_canonical(t, v.v[i])))
			continue;
		rc = vigie_strv_push_unique(out, canon);
		for (size_t r = 0; r < t->nrules && !rc; r++)
			if (!strcmp(t->rules[r].service, canon))
				for (size_t k = 0; k < t->rules[r].naliases && !rc; k++)
					rc = vigie_strv_push_unique(out, t->rules[r].aliases[k]);
	}
	vigie_strv_release(&v);
	return rc ? VIGIE_ENOMEM : 0;
}

static int match_item(struct vigie_store *s, const struct store_feed_item *it,
		      const struct feeds_match_opts *o, struct match_cache *mc,
		      struct feeds_match *out, struct vigie_error *err)
{
	struct vigie_strv names, svcs;
	struct match_ctx c = { .m = out, .o = o, .err = err };
	const struct services_table *t = o ? o->services : NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	vigie_strv_init(&names);
	vigie_strv_init(&svcs);
	vigie_strv_init(&c.cves);
	vigie_strv_init(&c.advisories);
	/* the feed's own tag (feeds add --service) stands for the items that
	 * name no service: an item of an nginx feed about apache2 is apache2's */
	if (split(&names, it->packages) || split(&c.cves, it->cves) ||
	    split(&c.advisories, it->advisory) || service_names(&svcs, t, it->services) ||
	    (!(it->services && *it->services) &&
	     service_names(&svcs, t, it->feed_services))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	c.via = "package";
	for (size_t i = 0; i < names.n && !rc; i++)
		rc = lookup(s, mc, 'p', names.v[i], &c, err);
	c.via = "service";
	for (size_t i = 0; i < svcs.n && !rc; i++)
		rc = lookup(s, mc, 's', svcs.v[i], &c, err);
	if (rc == VIGIE_ENOMEM)
		vigie_error_set(err, rc, NULL, 0, "out of memory");
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_hit);
out:
	vigie_strv_release(&names);
	vigie_strv_release(&svcs);
	vigie_strv_release(&c.cves);
	vigie_strv_release(&c.advisories);
	if (rc)
		vigie_feeds_match_release(out);
	return rc;
}

int vigie_feeds_match_item(struct vigie_store *s, const struct store_feed_item *it,
		     const struct feeds_match_opts *o, struct feeds_match *out,
		     struct vigie_error *err)
{
	return match_item(s, it, o, NULL, out, err);
}

/* ---- security data: is the fix installed? ---- */
struct fs_release {
	char *release;
	const struct vulnindex *idx; /* a reference held on the cache */
	int adv_loaded, cves_loaded;
	struct vigie_hashmap adv;  /* "ID\037source" -> fixed version (arena) */
	struct vigie_hashmap cves; /* "source\037CVE" -> struct vuln_entry * */
	struct vigie_arena arena;
};
struct feeds_secdata {
	struct vigie_store *s;
	struct vigie_index_cache *cache; /* the engine's per-release cache */
	struct fs_release *v;
	size_t n, cap;
};

int vigie_feeds_secdata_new(struct feeds_secdata **out, struct vigie_store *s)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return VIGIE_ENOMEM;
	if (vigie_index_cache_new(&(*out)->cache)) {
		free(*out);
		*out = NULL;
		return VIGIE_ENOMEM;
	}
	(*out)->s = s;
	return 0;
}

void vigie_feeds_secdata_free(struct feeds_secdata *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].release);
		vigie_index_cache_put(fs->cache, fs->v[i].idx);
		vigie_hashmap_release(&fs->v[i].adv);
		vigie_hashmap_release(&fs->v[i].cves);
		vigie_arena_release(&fs->v[i].arena);
	}
	free(fs->v);
	vigie_index_cache_free(fs->cache);
	free(fs);
}

/* The cached state of release, its index built on first use. */
static int fs_release(struct feeds_secdata *fs, const char *release,
		      struct fs_release **out, struct vigie_error *err)
{
	struct fs_release *r;
	int rc;
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].release, release)) {
			*out = &fs->v[i];
			return 0;
		}
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 4;
		struct fs_release *v = realloc(fs->v, cap * sizeof(*v));
		if (!v)
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		fs->v = v;
		fs->cap = cap;
	}
	r = &fs->v[fs->n];
	memset(r, 0, sizeof(*r));
	vigie_hashmap_init(&r->adv);
	vigie_hashmap_init(&r->cves);
	vigie_arena_init(&r->arena);
	if (!(r->release = strdup(release)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if ((rc = vigie_index_cache_get(fs->cache, fs->s, release, &r->idx, err))) {
		free(r->release);
		vigie_arena_release(&r->arena);
		return rc;
	}
	fs->n++;
	*out = r;
	return 0;
}

/* Keep the highest version under key (an advisory with or without its
 * revision, and a source package). */
static int adv_put(struct fs_release *r, const char *id, size_t idlen,
		   const char *source, const char *version)
{
	char key[256];
	int n = snprintf(key, sizeof(key), "%.*s\037%s", (int)idlen, id, source);
	const char *old;
	void **slot;
	char *k;
	if (n < 0 || (size_t)n >= sizeof(key))
		return 0;
	old = vigie_hashmap_get(&r->adv, key, (size_t)n);
	if (old && vigie_debver_cmp_str(version, old) <= 0)
		return 0;
	/* the slot keeps the key of its first insertion: copy it only then */
	if (!(k = old ? key : vigie_arena_strdup(&r->arena, key)) ||
	    !(slot = vigie_hashmap_slot(&r->adv, k, (size_t)n)))
		return VIGIE_ENOMEM;
	if (!(*slot = vigie_arena_strdup(&r->arena, version)))
		return VIGIE_ENOMEM;
	return 0;
}

static int adv_fix(void *ud, const struct store_advisory_fix *f)
{
	struct fs_release *r = ud;
	const char *version, *dash;
	int rc;
	if (!f->advisory || !f->source)
		return 0;
	if (!strcmp(f->kind ? f->kind : "", "fixed") && f->version &&
	    vigie_debver_parse(&(struct debver){ 0 }, f->version, NULL) >= 0)
		version = f->version;
	else if (!strcmp(f->kind ? f->kind : "", "not-affected"))
		version = "0";
	else
		return 0;
	if ((rc = adv_put(r, f->advisory, strlen(f->advisory), f->source, version)))
		return rc;
	/* "DSA-5376-1" also answers for "DSA-5376" */
	dash = strrchr(f->advisory, '-');
	if (dash && dash > strchr(f->advisory, '-'))
		rc = adv_put(r, f->advisory, (size_t)(dash - f->advisory), f->source, version);
	return rc;
}

/* Every (source, CVE) entry of the index by key: a fleet asks about the
 * same few sources again and again, some with thousands of entries. */
static int cves_load(struct fs_release *r, struct vigie_error *err)
{
	const struct vigie_hashmap *m = &r->idx->sources;
	for (size_t i = 0; i < m->cap; i++) {
		const struct vuln_source *src = m->keys[i] ? m->vals[i] : NULL;
		for (size_t k = 0; src && k < src->n; k++) {
			const struct vuln_entry *e = &src->entries[k];
			size_t n = strlen(src->name) + 1 + strlen(e->vuln);
			char *key = vigie_arena_alloc(&r->arena, n + 1);
			void **slot;
			if (!key)
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			snprintf(key, n + 1, "%s\037%s", src->name, e->vuln);
			if (!(slot = vigie_hashmap_slot(&r->cves, key, n)))
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			if (!*slot)
				*slot = (void *)e;
		}
	}
	r->cves_loaded = 1;
	return 0;
}

/* installed against fixed: "0" (not affected) is always fixed. */
static int compare_fixed(const char *installed, const char *fixed)
{
	struct debver a, b;
	if (!strcmp(fixed, "0"))
		return FEEDS_FIXED;
	if (vigie_debver_parse(&a, installed, NULL) < 0 || vigie_debver_parse(&b, fixed, NULL) < 0)
		return FEEDS_FIXED_UNKNOWN;
	return vigie_debver_cmp(&a, &b) >= 0 ? FEEDS_FIXED : FEEDS_NOT_FIXED;
}

int vigie_feeds_secdata_fixed(void *ud, const char *release, const char *source,
			const char *installed, const char *id,
			const char **fixed_version, struct vigie_error *err)
{
	struct feeds_secdata *fs = ud;
	struct fs_release *r = NULL;
	int rc;

	*fixed_version = NULL;
	if (!release || !*release || !installed || !source || !id)
		return FEEDS_FIXED_UNKNOWN;
	if ((rc = fs_release(fs, release, &r, err)))
		return rc;
	if (!strncmp(id, "CVE-", 4)) {
		const struct vuln_entry *e;
		char key[256];
		int n = snprintf(key, sizeof(key), "%s\037%s", source, id);
		if (!r->cves_loaded && (rc = cves_load(r, err)))
			return rc;
		if (n < 0 || (size_t)n >= sizeof(key) ||
		    !(e = vigie_hashmap_get(&r->cves, key, (size_t)n)))
			return FEEDS_FIXED_UNKNOWN;
		if (e->status == VULN_OPEN)
			return FEEDS_NOT_FIXED;
		if (e->status != VULN_RESOLVED || !e->fixed_version)
			return FEEDS_FIXED_UNKNOWN;
		*fixed_version = e->fixed_version;
		return compare_fixed(installed, e->fixed_version);
	}
	if (!r->adv_loaded) {
		rc = vigie_store_advisory_fixes_each(fs->s, release, adv_fix, r, err);
		if (rc == VIGIE_ENOMEM)
			vigie_error_set(err, rc, NULL, 0, "out of memory");
		if (rc)
			return rc;
		r->adv_loaded = 1;
	}
	{
		char key[256];
		int n = snprintf(key, sizeof(key), "%s\037%s", id, source);
		const char *v = n > 0 && (size_t)n < sizeof(key)
					? vigie_hashmap_get(&r->adv, key, (size_t)n) : NULL;
		if (!v)
			return FEEDS_FIXED_UNKNOWN;
		*fixed_version = v;
		return compare_fixed(installed, v);
	}
}

/* ---- item lists ---- */
void vigie_feeds_items_release(struct feeds_items *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (int k = 0; k < 13; k++)
			free(l->v[i].strs[k]);
		vigie_feeds_match_release(&l->v[i].match);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct each_ctx {
	struct vigie_store *s;
	const struct feeds_items_query *q;
	const struct feeds_match_opts *o;
	feeds_item_cb *cb;
	void *ud;
	size_t shown;
	struct match_cache cache;
	struct vigie_error *err;
};

/* One stored item: match it, filter, hand it over, release the match.
 * The row's strings stay valid during the call (the statement is only
 * stepped again afterwards; the matching uses other statements). */
static int each_item(void *ud, const struct store_feed_item *it)
{
	struct each_ctx *c = ud;
	struct feeds_item x;
	int rc;

	if (c->q->limit && c->shown >= c->q->limit)
		return 0;
	memset(&x, 0, sizeof(x));
	x.it = *it;
	if ((rc = match_item(c->s, &x.it, c->o, &c->cache, &x.match, c->err)))
		return rc;
	if ((c->q->host && !vigie_feeds_match_has_host(&x.match, c->q->host)) ||
	    (c->q->concerned_only && x.match.n == 0)) {
		vigie_feeds_match_release(&x.match);
		return 0;
	}
	c->shown++;
	rc = c->cb(c->ud, &x);
	vigie_feeds_match_release(&x.match);
	return rc;
}

int vigie_feeds_items_each(struct vigie_store *s, const struct feeds_items_query *q,
		     const struct feeds_match_opts *o, feeds_item_cb *cb, void *ud,
		     struct vigie_error *err)
{
	struct each_ctx c = { .s = s, .q = q, .o = o, .cb = cb, .ud = ud, .err = err };
	int rc = vigie_store_feed_items_each(s, q->since, q->unalerted, each_item, &c, err);
	cache_release(&c.cache);
	if (rc == VIGIE_ENOMEM)
		vigie_error_set(err, rc, NULL, 0, "out of memory");
	return rc;
}

int vigie_feeds_items_push(struct feeds_items *l, struct feeds_item *in)
{
	const struct store_feed_item *it = &in->it;
	struct feeds_item *x;
	const char *src[10] = { it->feed, it->feed_services, it->key, it->title,
				it->link, it->summary, it->cves, it->advisory,
				it->packages, it->services };
	const char **dst[10];

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct feeds_item *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return VIGIE_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->it = *it;
	dst[0] = &x->it.feed;
	dst[1] = &x->it.feed_services;
	dst[2] = &x->it.key;
	dst[3] = &x->it.title;
	dst[4] = &x->it.link;
	dst[5] = &x->it.summary;
	dst[6] = &x->it.cves;
	dst[7] = &x->it.advisory;
	dst[8] = &x->it.packages;
	dst[9] = &x->it.services;
	for (int i = 0; i < 10; i++) {
		if (src[i] && !(x->strs[i] = strdup(src[i])))
			return VIGIE_ENOMEM;
		*dst[i] = x->strs[i];
	}
	x->match = in->match;
	memset(&in->match, 0, sizeof(in->match));
	return 0;
}

/* The item handed to a feeds_item_cb lives in each_item(); its match may
 * be taken over. */
static int keep_item(void *ud, const struct feeds_item *in)
{
	return vigie_feeds_items_push(ud, (struct feeds_item *)in);
}

int vigie_feeds_items_load(struct vigie_store *s, const struct feeds_items_query *q,
		     const struct feeds_match_opts *o, struct feeds_items *out,
		     struct vigie_error *err)
{
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = vigie_feeds_items_each(s, q, o, keep_item, out, err)))
		vigie_feeds_items_release(out);
	return rc;
}

/* ---- JSON ---- */
static void gtime(yajl_gen g, int64_t t)
{
	char b[32];
	if (t)
		vigie_json_str(g, vigie_time_format(t, b, sizeof(b)));
	else
		yajl_gen_null(g);
}

/* A stored list as a JSON array: words separated by sep (blanks around
 * them stripped). */
static void glist_sep(yajl_gen g, const char *list, char sep)
{
	const char *p = list ? list : "";
	yajl_gen_array_open(g);
	while (*p) {
		const char *w, *e;
		while (*p == ' ' || *p == sep)
			p++;
		w = p;
		while (*p && *p != sep)
			p++;
		e = p;
		while (e > w && e[-1] == ' ')
			e--;
		if (e > w)
			yajl_gen_string(g, (const unsigned char *)w, (size_t)(e - w));
	}
	yajl_gen_array_close(g);
}

static void glist(yajl_gen g, const char *spaced)
{
	glist_sep(g, spaced, ' ');
}

static int gen_finish(yajl_gen g, struct vigie_buf *out, struct vigie_error *err)
{
	const unsigned char *buf;
	size_t len;
	int rc = 0;
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "JSON generation failed");
	else if (vigie_buf_add(out, buf, len))
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	yajl_gen_free(g);
	return rc;
}

void vigie_feeds_hit_json_fix(yajl_gen g, const struct feeds_hit *h)
{
	vigie_json_key(g, "fixed");
	if (h->fixed < 0)
		yajl_gen_null(g);
	else
		yajl_gen_bool(g, h->fixed);
	vigie_json_key(g, "restart_needed");
	yajl_gen_bool(g, h->restart_pending);
	if (h->source) {
		vigie_json_kv_str(g, "source", h->source);
		vigie_json_kv_str(g, "installed", h->source_version);
		vigie_json_kv_str(g, "fixed_version", h->fixed_version);
	}
}

void vigie_feeds_item_json(yajl_gen g, const struct feeds_item *x)
{
	const struct store_feed_item *it = &x->it;
	char first[32] = "";
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "feed", it->feed);
	vigie_json_kv_str(g, "title", it->title);
	vigie_json_kv_str(g, "link", it->link);
	vigie_json_key(g, "published");
	gtime(g, it->published);
	vigie_json_key(g, "first_seen");
	gtime(g, it->first_seen);
	vigie_json_key(g, "cves");
	glist(g, it->cves);
	vigie_json_key(g, "advisory");
	if (it->advisory) {
		sscanf(it->advisory, "%31s", first);
		vigie_json_str(g, first);
	} else {
		yajl_gen_null(g);
	}
	vigie_json_key(g, "advisories");
	glist(g, it->advisory);
	vigie_json_key(g, "packages");
	glist(g, it->packages);
	vigie_json_key(g, "services");
	glist_sep(g, it->services, FEEDS_SERVICE_SEP);
	vigie_json_key(g, "hosts");
	yajl_gen_array_open(g);
	for (size_t k = 0; k < x->match.n; k++)
		if (k == 0 || strcmp(x->match.v[k].host, x->match.v[k - 1].host))
			vigie_json_str(g, x->match.v[k].host);
	yajl_gen_array_close(g);
	vigie_json_key(g, "matches");
	yajl_gen_array_open(g);
	for (size_t k = 0; k < x->match.n; k++) {
		const struct feeds_hit *h = &x->match.v[k];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", h->host);
		vigie_json_kv_str(g, "via", h->via);
		vigie_json_key(g, h->source ? "package" : "service");
		vigie_json_str(g, h->what);
		vigie_feeds_hit_json_fix(g, h);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_kv_str(g, "summary", it->summary);
	yajl_gen_map_close(g);
}

void vigie_feeds_items_json_open(yajl_gen g)
{
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.feeds/1");
	vigie_json_key(g, "generated_at");
	gtime(g, vigie_now());
	vigie_json_key(g, "items");
	yajl_gen_array_open(g);
}

void vigie_feeds_items_json_close(yajl_gen g)
{
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

int vigie_feeds_items_json(struct vigie_buf *out, const struct feeds_items *l,
		     struct vigie_error *err)
{
	yajl_gen g = vigie_json_gen_alloc();
	if (!g)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	vigie_feeds_items_json_open(g);
	for (size_t i = 0; i < l->n; i++)
		vigie_feeds_item_json(g, &l->v[i]);
	vigie_feeds_items_json_close(g);
	return gen_finish(g, out, err);
}

/* ---- coverage ---- */
struct feed_row {
	char *name, *url, *services;
};
struct cov_ctx {
	struct vigie_store *s;
	const struct services_table *svc;
	struct feed_row *feeds;
	size_t nfeeds, cap;
	struct vigie_strv hosts;    /* names, from vigie_store_hosts_each */
	struct vigie_strv services; /* of the current host: service, origin */
	struct vigie_feeds_coverage *out;
	struct vigie_error *err;
};

static int cov_feed(void *ud, const struct store_feed *f)
{
	struct cov_ctx *c = ud;
	struct feed_row *r;
	if (c->nfeeds == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct feed_row *v = realloc(c->feeds, cap * sizeof(*v));
		if (!v)
			return VIGIE_ENOMEM;
		c->feeds = v;
		c->cap = cap;
	}
	r = &c->feeds[c->nfeeds++];
	r->name = xstrdup(f->name ? f->name : f->url);
	r->url = xstrdup(f->url);
	r->services = xstrdup(f->services ? f->services : "");
	return (!r->name || !r->url || !r->services) ? VIGIE_ENOMEM : 0;
}

static int cov_host(void *ud, const struct store_host *h)
{
	struct cov_ctx *c = ud;
	return vigie_strv_push(&c->hosts, h->name) ? VIGIE_ENOMEM : 0;
}

static int cov_host_service(void *ud, const char *service, const char *origin)
{
	struct cov_ctx *c = ud;
	if (vigie_strv_push(&c->services, service) ||
	    vigie_strv_push(&c->services, origin ? origin : ""))
		return VIGIE_ENOMEM;
	return 0;
}

/* 1 when the feed's service list names service (itself, or a name or
 * alias of the same services.conf service canon). */
static int lists_service(const struct services_table *t, const char *list,
			 const char *service, const char *canon, int *rc)
{
	struct vigie_strv v;
	int hit = 0;
	vigie_strv_init(&v);
	if (vigie_feeds_service_list(&v, list)) {
		*rc = VIGIE_ENOMEM;
		return 0;
	}
	for (size_t i = 0; i < v.n && !hit; i++) {
		const char *w = vigie_services_canonical(t, v.v[i]);
		hit = !strcasecmp(v.v[i], service) || (canon && w && !strcmp(w, canon));
	}
	vigie_strv_release(&v);
	return hit;
}

/* 1 when inv has a package of service installed: one its services.conf
 * rule derives it from, or one (binary or source) named like it. */
static int has_service_package(const struct services_found *found,
			       const struct inventory *inv, const char *service,
			       const char *canon)
{
	for (size_t i = 0; canon && i < found->n; i++)
		if (!strcmp(found->v[i].service, canon) && found->v[i].npkgs)
			return 1;
	for (size_t i = 0; i < inv->npkgs; i++)
		if (!strcmp(inv->pkgs[i].name, service) ||
		    (inv->pkgs[i].source && !strcmp(inv->pkgs[i].source, service)))
			return 1;
	return 0;
}

static int cov_add(struct cov_ctx *c, const char *host, const char *service,
		   const char *origin, int deb)
{
	struct vigie_feeds_coverage *o = c->out;
	const char *canon = vigie_services_canonical(c->svc, service);
	struct feeds_cov *v;
	int rc = 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 32;
		struct feeds_cov *nv = realloc(o->v, cap * sizeof(*nv));
		if (!nv)
			return VIGIE_ENOMEM;
		o->v = nv;
		o->cap = cap;
	}
	v = &o->v[o->n++];
	memset(v, 0, sizeof(*v));
	vigie_strv_init(&v->feeds);
	v->host = xstrdup(host);
	v->service = xstrdup(service);
	v->origin = xstrdup(origin);
	if (!v->host || !v->service || !v->origin)
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < c->nfeeds && !rc; i++) {
		const struct feed_row *f = &c->feeds[i];
		int hit = lists_service(c->svc, f->services, service, canon, &rc) ||
			  (deb && vigie_feeds_is_debian(f->url, f->services));
		if (hit && vigie_strv_push_unique(&v->feeds, f->name))
			rc = VIGIE_ENOMEM;
	}
	if (!rc && v->feeds.n == 0)
		o->uncovered++;
	return rc;
}

/* The services of one host with their feeds; its inventory tells which
 * services have packages installed (for Debian feeds). */
static int cov_one_host(struct cov_ctx *c, const char *host)
{
	struct inventory inv;
	struct services_found found;
	int rc;

	vigie_services_found_init(&found);
	vigie_strv_release(&c->services);
	rc = vigie_store_host_load(c->s, host, &inv, c->err);
	if (!rc && c->svc)
		rc = vigie_services_derive(&found, c->svc, &inv, c->err);
	if (!rc)
		rc = vigie_store_host_services_each(c->s, host, cov_host_service, c, c->err);
	for (size_t i = 0; !rc && i + 1 < c->services.n; i += 2) {
		const char *service = c->services.v[i];
		int deb = has_service_package(&found, &inv, service,
					      vigie_services_canonical(c->svc, service));
		rc = cov_add(c, host, service, c->services.v[i + 1], deb);
	}
	vigie_services_found_release(&found);
	vigie_inventory_release(&inv);
	return rc;
}

static int cmp_cov(const void *a, const void *b)
{
	const struct feeds_cov *x = a, *y = b;
	int c = (x->feeds.n > 0) - (y->feeds.n > 0);
	if (c)
		return c;
	if ((c = strcmp(x->host, y->host)))
		return c;
	return strcmp(x->service, y->service);
}

int vigie_feeds_coverage(struct vigie_store *s, const struct services_table *svc,
		   struct vigie_feeds_coverage *out, struct vigie_error *err)
{
	struct cov_ctx c = { .s = s, .svc = svc, .out = out, .err = err };
	int rc;
	memset(out, 0, sizeof(*out));
	vigie_strv_init(&c.hosts);
	vigie_strv_init(&c.services);
	if ((rc = vigie_store_feeds_each(s, cov_feed, &c, err)) == 0)
		rc = vigie_store_hosts_each(s, cov_host, &c, err);
	for (size_t i = 0; !rc && i < c.hosts.n; i++)
		rc = cov_one_host(&c, c.hosts.v[i]);
	if (rc == VIGIE_ENOMEM)
		vigie_error_set(err, rc, NULL, 0, "out of memory");
	for (size_t i = 0; i < c.nfeeds; i++) {
		free(c.feeds[i].name);
		free(c.feeds[i].url);
		free(c.feeds[i].services);
	}
	free(c.feeds);
	vigie_strv_release(&c.hosts);
	vigie_strv_release(&c.services);
	if (rc) {
		vigie_feeds_coverage_release(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_cov);
	return 0;
}

void vigie_feeds_coverage_release(struct vigie_feeds_coverage *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].host);
		free(c->v[i].service);
		free(c->v[i].origin);
		vigie_strv_release(&c->v[i].feeds);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int vigie_feeds_coverage_json(struct vigie_buf *out, const struct vigie_feeds_coverage *c,
			struct vigie_error *err)
{
	yajl_gen g = vigie_json_gen_alloc();
	if (!g)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.feeds.coverage/1");
	vigie_json_key(g, "generated_at");
	gtime(g, vigie_now());
	vigie_json_kv_int(g, "uncovered", c->uncovered);
	vigie_json_key(g, "services");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->n; i++) {
		const struct feeds_cov *v = &c->v[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", v->host);
		vigie_json_kv_str(g, "service", v->service);
		vigie_json_kv_str(g, "origin", v->origin);
		vigie_json_key(g, "covered");
		yajl_gen_bool(g, v->feeds.n > 0);
		vigie_json_key(g, "feeds");
		yajl_gen_array_open(g);
		for (size_t k = 0; k < v->feeds.n; k++)
			vigie_json_str(g, v->feeds.v[k]);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return gen_finish(g, out, err);
}

/* ---- catalogue ---- */
int vigie_feeds_catalogue_load(struct feeds_catalogue *out, const char *path,
			 struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	const char *env = getenv("VIGIE_FEEDS_CONF");
	const char *cands[2];
	size_t nc = 0;
	const char *p;
	unsigned long line = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!path && env && *env)
		path = env;
	if (path) {
		cands[nc++] = path;
	} else {
#ifdef VIGIE_DATADIR
		cands[nc++] = VIGIE_DATADIR "/feeds.conf";
#endif
#ifdef VIGIE_SRCDATADIR
		cands[nc++] = VIGIE_SRCDATADIR "/feeds.conf";
#endif
	}
	for (size_t i = 0; i < nc && !path; i++) {
		FILE *f = fopen(cands[i], "r");
		if (f) {
			fclose(f);
			path = cands[i];
		}
	}
	if (!path)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "no feeds.conf found (set VIGIE_FEEDS_CONF)");
	if ((rc = vigie_read_file(&b, path, 1024 * 1024, err)))
		goto out;
	b.data[b.len] = '\0'; /* an empty file leaves the buffer unset */
	for (p = b.data; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char l[2048], *name, *url, *rest, *save = NULL;
		struct feeds_catalogue_entry *ce;
		line++;
		if (len >= sizeof(l)) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, line, "line too long");
			goto out;
		}
		memcpy(l, p, len);
		l[len] = '\0';
		p = e ? e + 1 : p + len;
		if ((rest = strchr(l, '#')))
			*rest = '\0';
		if (!(name = strtok_r(l, " \t", &save)))
			continue;
		if (!(url = strtok_r(NULL, " \t", &save))) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, line,
					     "expected 'name url [service...]'");
			goto out;
		}
		rest = strtok_r(NULL, "", &save);
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			struct feeds_catalogue_entry *v = realloc(out->v, cap * sizeof(*v));
			if (!v) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, path, line, "out of memory");
				goto out;
			}
			out->v = v;
			out->cap = cap;
		}
		ce = &out->v[out->n++];
		ce->name = strdup(name);
		ce->url = strdup(url);
		ce->services = strdup(rest ? vigie_strip(rest) : "");
		if (!ce->name || !ce->url || !ce->services) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, path, line, "out of memory");
			goto out;
		}
		/* the words of the line become a stored service list */
		{
			char *w = ce->services, *q = ce->services;
			int gap = 0;
			for (; *q; q++) {
				if (*q == ' ' || *q == '\t') {
					gap = w > ce->services;
					continue;
				}
				if (gap)
					*w++ = FEEDS_SERVICE_SEP;
				gap = 0;
				*w++ = *q;
			}
			*w = '\0';
		}
	}
out:
	vigie_buf_release(&b);
	if (rc)
		vigie_feeds_catalogue_release(out);
	return rc;
}

void vigie_feeds_catalogue_release(struct feeds_catalogue *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].url);
		free(c->v[i].services);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}
