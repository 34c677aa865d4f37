/* vigie serve: the libmicrohttpd daemon (thread pool, caps, timeouts,
 * TLS through GnuTLS), routing, authentication, CSRF, rate limits, one log
 * line per request and the metrics. */
#define _GNU_SOURCE
#include "server.h"
#include "vigie/core/secret.h"
#include "vigie/render/html.h"
#include "vigie/core/file.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const double srv_buckets[SRV_NBUCKETS] = { 0.001, 0.0025, 0.005, 0.01, 0.025,
					    0.05, 0.1, 0.25, 0.5, 1.0 };

static _Thread_local struct vigie_store *tl_store;
static pthread_key_t thread_key;
static _Thread_local const char *tl_store_url;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct vigie_store *srv_store(struct req *r)
{
	struct vigie_error err;
	if (tl_store && tl_store_url == r->srv->db_url)
		return tl_store;
	vigie_error_init(&err);
	if (vigie_store_open(&tl_store, r->srv->db_url, 0, &err)) {
		fprintf(stderr, "vigie serve: %s%s%s\n", err.file, err.file[0] ? ": " : "", err.msg);
		tl_store = NULL;
		return NULL;
	}
	tl_store_url = r->srv->db_url;
	/* closed by thread_dtor when the worker thread ends */
	pthread_setspecific(thread_key, tl_store);
	return tl_store;
}

/* A database error in the middle of a request: reconnect next time. */
static void store_reset_if_broken(void)
{
	/* cheap and safe: a fresh connection per thread after any 5xx */
	vigie_store_close(tl_store);
	tl_store = NULL;
	pthread_setspecific(thread_key, NULL);
}

long srv_arg_long(struct req *r, const char *name, long def, long max)
{
	const char *v = srv_arg(r, name);
	char *end;
	long n;
	if (!v)
		return def;
	if (!*v || *v == '-' || *v == '+')
		return -1;
	n = strtol(v, &end, 10);
	return *end || n < 0 || n > max ? -1 : n;
}

const char *srv_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *srv_form(struct req *r, const char *name, char *buf, size_t size)
{
	const char *p = r->body.data, *end = p ? p + r->body.len : NULL;
	size_t nlen = strlen(name);
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end, *eq = memchr(p, '=', (size_t)(e - p));
		if (eq && (size_t)(eq - p) == nlen && !memcmp(p, name, nlen)) {
			size_t o = 0;
			for (const char *q = eq + 1; q < e; q++) {
				int c = (unsigned char)*q;
				if (c == '+')
					c = ' ';
				else if (c == '%' && q + 2 < e + 0 + 1 && q + 2 <= e - 0 &&
					 hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
					c = hexval(q[1]) * 16 + hexval(q[2]);
					q += 2;
				}
				if (!c || o + 1 >= size)
					return NULL;
				buf[o++] = (char)c;
			}
			buf[o] = '\0';
			return buf;
		}
		p = amp ? amp + 1 : end;
	}
	return NULL;
}

void srv_html(struct vigie_buf *out, const char *s)
{
	vigie_html_escape(out, s);
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void srv_url_encode(struct vigie_buf *out, const char *s)
{
	for (const char *p = s; *p && p - s < 512; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("/-._~", c))
			vigie_buf_addc(out, (char)c);
		else
			vigie_buf_addf(out, "%%%02X", c);
	}
}

void srv_set_cookie(struct req *r, const char *name, const char *value, const char *attrs)
{
	char *c;
	int i = r->set_cookie[0] ? 1 : 0;
	if (r->set_cookie[i] || asprintf(&c, "%s=%s; %s%s", name, value, attrs,
					 r->srv->tls ? "; Secure" : "") < 0)
		return;
	r->set_cookie[i] = c;
}

int srv_error(struct req *r, struct vigie_buf *out, int status, const char *msg)
{
	vigie_buf_reset(out);
	if (r->api) {
		vigie_buf_adds(out, "{\"schema\": \"vigie.error/1\", \"status\": ");
		vigie_buf_addf(out, "%d, \"error\": \"", status);
		for (const char *p = msg; *p; p++) {
			if (*p == '"' || *p == '\\')
				vigie_buf_addc(out, '\\');
			if ((unsigned char)*p >= 0x20)
				vigie_buf_addc(out, *p);
		}
		vigie_buf_adds(out, "\"}\n");
		r->content_type = "application/json";
	} else {
		vigie_buf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			       "<title>%d %s</title></head><body><h1>%d %s</h1><p>",
			       r->lang, status, reason(status), status, reason(status));
		srv_html(out, msg);
		vigie_buf_adds(out, "</p>");
		if (status == 401) {
			/* back to this page once logged in */
			vigie_buf_adds(out, "<p><a href=\"/login?next=");
			srv_url_encode(out, r->url);
			vigie_buf_addf(out, "\">%s</a></p>",
				       !strcmp(r->lang, "en") ? "Log in" : "Se connecter");
		}
		vigie_buf_adds(out, "</body></html>\n");
		r->content_type = "text/html; charset=utf-8";
	}
	return status;
}

/* ---- rate limit: a fixed window of a minute per credential ---- */

#define RATE_SLOTS 8192
#define RATE_PROBES 16

struct rate_slot {
	char key[VIGIE_TOKEN_HASH_LEN + 1];
	int64_t window;
	int count;
};

struct rate {
	pthread_mutex_t mu;
	struct rate_slot slot[RATE_SLOTS];
};

/* Whether one more request of key fits in limit this minute. Each key has
 * its own count (compared, never shared with another key of the same
 * hash): its slot, or a free or stale one among RATE_PROBES; when all of
 * them count other keys this minute, the least used of them is taken
 * over (so a flood of keys can only ever reset a key, never count one
 * key's requests against another's). */
static int rate_allow(struct srv *s, const char *key, int limit)
{
	struct rate *rt = s->rate;
	unsigned h = 5381;
	int64_t w = time(NULL) / 60;
	struct rate_slot *sl = NULL, *spare = NULL;
	int ok;
	for (const char *p = key; *p; p++)
		h = h * 33 + (unsigned char)*p;
	pthread_mutex_lock(&rt->mu);
	for (unsigned i = 0; i < RATE_PROBES; i++) {
		struct rate_slot *e = &rt->slot[(h + i) % RATE_SLOTS];
		if (e->window == w && !strcmp(e->key, key)) {
			sl = e;
			break;
		}
		if (e->window != w) {
			if (!spare || spare->window == w)
				spare = e;
		} else if (!spare || (spare->window == w && e->count < spare->count)) {
			spare = e;
		}
	}
	if (!sl) {
		sl = spare;
		snprintf(sl->key, sizeof(sl->key), "%s", key);
		sl->window = w;
		sl->count = 0;
	}
	ok = ++sl->count <= limit;
	pthread_mutex_unlock(&rt->mu);
	return ok;
}

/* The client's address, printed (for per-address limits). */
static void client_ip(struct req *r, char *ip, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(ip, size, "?");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, ip,
			  (socklen_t)size);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip,
			  (socklen_t)size);
}

/* ---- routing ---- */

static void free_params(struct req *r)
{
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	r->nparams = 0;
}

/* Match path against pattern ('*' = one non-empty segment, captured). */
static int match(struct req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *u = path;
	free_params(r);
	while (*p && *u) {
		if (*p == '*') {
			const char *e = strchr(u, '/');
			size_t n = e ? (size_t)(e - u) : strlen(u);
			if (!n || r->nparams == SRV_MAX_PARAMS)
				return 0;
			r->params[r->nparams] = strndup(u, n);
			if (!r->params[r->nparams])
				return 0;
			r->nparams++;
			p++;
			u += n;
			continue;
		}
		if (*p != *u)
			return 0;
		p++;
		u++;
	}
	return !*p && !*u;
}

static const struct route *route_for(struct req *r, const char *path, int *method_mismatch)
{
	*method_mismatch = 0;
	for (size_t i = 0; i < srv_nroutes; i++) {
		if (!match(r, srv_routes[i].pattern, path))
			continue;
		if (!strcmp(srv_routes[i].method, r->method) ||
		    (!strcmp(r->method, "HEAD") && !strcmp(srv_routes[i].method, "GET")))
			return &srv_routes[i];
		*method_mismatch = 1;
	}
	free_params(r);
	return NULL;
}

/* ---- authentication ---- */

static const char *cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* 1 authenticated, 0 no credentials, -1 bad credentials, -2 store down */
static int authenticate(struct req *r, char key[VIGIE_TOKEN_HASH_LEN + 1])
{
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	const char *sess = cookie(r, "vigie_session");
	struct vigie_store *s;
	struct vigie_error err;
	int rc;

	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7) || strlen(auth + 7) > 128 || !auth[7])
			return -1;
		vigie_token_hash(key, auth + 7, strlen(auth + 7));
		if (!(s = srv_store(r)))
			return -2;
		vigie_error_init(&err);
		rc = vigie_store_token_principal(s, key, &r->who, &err);
		return rc == 0 ? 1 : rc == VIGIE_ENOTFOUND ? -1 : -2;
	}
	if (sess) {
		if (strlen(sess) > 128 || !*sess)
			return -1;
		vigie_token_hash(key, sess, strlen(sess));
		if (!(s = srv_store(r)))
			return -2;
		vigie_error_init(&err);
		rc = vigie_store_session_principal(s, key, vigie_now(), &r->who, &err);
		if (rc == 0) {
			r->via_session = 1;
			return 1;
		}
		return rc == VIGIE_ENOTFOUND ? -1 : -2;
	}
	return 0;
}

static void pick_lang(struct req *r)
{
	const char *al = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
	const char *c = cookie(r, "vigie_lang");
	if (r->who.lang[0] && (!strcmp(r->who.lang, "fr") || !strcmp(r->who.lang, "en")))
		snprintf(r->lang, sizeof(r->lang), "%s", r->who.lang);
	else if (c && (!strcmp(c, "fr") || !strcmp(c, "en")))
		snprintf(r->lang, sizeof(r->lang), "%s", c);
	else
		snprintf(r->lang, sizeof(r->lang), "%s", al ? srv_accept_lang(al) : "fr");
}

/* The language of an Accept-Language header (RFC 9110 12.5.4): of fr and
 * en, the one of highest weight (q, default 1; q=0: not acceptable), the
 * earlier on a tie; "*" stands for either; fr when neither is acceptable. */
const char *srv_accept_lang(const char *al)
{
	double qfr = -1, qen = -1, qany = -1;
	int first = 0; /* 1 fr, 2 en: which came first, for equal weights */
	const char *p = al;
	while (*p) {
		const char *e = p + strcspn(p, ",");
		const char *t = p, *te;
		double q = 1;
		while (t < e && (*t == ' ' || *t == '\t'))
			t++;
		te = t;
		while (te < e && *te != ';' && *te != ' ' && *te != '\t')
			te++;
		/* the parameters: ";q=W" (others ignored) */
		for (const char *x = memchr(te, ';', (size_t)(e - te)); x;
		     x = x + 1 < e ? memchr(x + 1, ';', (size_t)(e - x - 1)) : NULL) {
			const char *v = x + 1;
			char num[8];
			size_t n;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (e - v < 2 || (v[0] != 'q' && v[0] != 'Q') || v[1] != '=')
				continue;
			n = strcspn(v + 2, ";, \t");
			if (n > (size_t)(e - v - 2))
				n = (size_t)(e - v - 2);
			if (n >= sizeof(num))
				n = sizeof(num) - 1;
			memcpy(num, v + 2, n);
			num[n] = '\0';
			q = strtod(num, NULL);
			if (!(q >= 0 && q <= 1))
				q = 0;
		}
		size_t n = (size_t)(te - t);
		int is_fr = n >= 2 && (n == 2 || t[2] == '-') && !strncasecmp(t, "fr", 2);
		int is_en = n >= 2 && (n == 2 || t[2] == '-') && !strncasecmp(t, "en", 2);
		if (is_fr && q > qfr)
			qfr = q;
		else if (is_en && q > qen)
			qen = q;
		else if (n == 1 && *t == '*')
			qany = q;
		if (!first && (is_fr || is_en))
			first = is_fr ? 1 : 2;
		p = *e ? e + 1 : e;
	}
	if (qfr < 0)
		qfr = qany;
	if (qen < 0)
		qen = qany;
	if (qfr <= 0 && qen <= 0)
		return "fr";
	if (qfr == qen)
		return first == 2 ? "en" : "fr";
	return qfr > qen ? "fr" : "en";
}

static int allowed(const struct req *r, enum srv_role need)
{
	switch (need) {
	case R_PUBLIC: return 1;
	case R_AGENT: return r->who.role == VIGIE_ROLE_AGENT;
	case R_USER: return r->who.role == VIGIE_ROLE_OPERATOR || r->who.role == VIGIE_ROLE_CLIENT;
	case R_OPERATOR: return r->who.role == VIGIE_ROLE_OPERATOR;
	}
	return 0;
}

static int dispatch(struct req *r, struct vigie_buf *out)
{
	char path[SRV_MAX_URL + 1], key[VIGIE_TOKEN_HASH_LEN + 1] = "";
	const struct route *rt;
	int mm, a;

	snprintf(path, sizeof(path), "%s", r->url);
	path[strcspn(path, "?")] = '\0';
	r->api = !strncmp(path, "/api/", 5) || !strcmp(path, "/metrics");
	snprintf(r->lang, sizeof(r->lang), "fr");
	if (!(rt = route_for(r, path, &mm)))
		return srv_error(r, out, mm ? 405 : 404, mm ? "method not allowed" : "no such page");
	r->api = rt->api;
	a = authenticate(r, key);
	pick_lang(r);
	if (a == -2)
		return srv_error(r, out, 503, "the database is not available");
	if (rt->role != R_PUBLIC) {
		if (a == 0)
			return srv_error(r, out, 401, "authentication required");
		if (a < 0) {
			/* wrong credentials: limited per client address */
			char ip[48];
			client_ip(r, ip, sizeof(ip));
			snprintf(key, sizeof(key), "fail:%s", ip);
			if (!rate_allow(r->srv, key, r->srv->o.auth_failures))
				return srv_error(r, out, 429,
						 "too many failed authentications, wait a minute");
			return srv_error(r, out, 401, "invalid or revoked credentials");
		}
		if (!allowed(r, rt->role))
			return srv_error(r, out, 403, "not allowed for this account");
		if (!rate_allow(r->srv, key, r->srv->o.rate))
			return srv_error(r, out, 429, "too many requests");
		if (r->via_session && strcmp(rt->method, "GET")) {
			char csrf[96];
			if (!srv_form(r, "csrf", csrf, sizeof(csrf)) || !r->who.csrf[0] ||
			    !vigie_secret_equal(csrf, r->who.csrf))
				return srv_error(r, out, 403, "missing or wrong CSRF token");
		}
	} else if (!strcmp(rt->method, "POST")) {
		/* public forms (login): per client address */
		char ip[48];
		client_ip(r, ip, sizeof(ip));
		snprintf(key, sizeof(key), "login:%s", ip);
		if (!rate_allow(r->srv, key, 30))
			return srv_error(r, out, 429, "too many attempts, wait a minute");
	}
	if (r->too_large)
		return srv_error(r, out, 413, "request body too large");
	return rt->fn(r, out);
}

static void log_request(struct req *r, int64_t us)
{
	char path[256];
	const char *who = r->who.role == VIGIE_ROLE_AGENT ? r->who.host
			  : r->who.user[0]                  ? r->who.user
							    : "-";
	snprintf(path, sizeof(path), "%s", r->url);
	path[strcspn(path, "?")] = '\0';
	for (char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "vigie serve: %s %s %d %zu %.1fms %s\n", r->method, path, r->status,
		r->sent, (double)us / 1000.0, who);
}

static int is_push(const char *method, const char *url)
{
	return !strcmp(method, "POST") && !strncmp(url, "/api/v1/push", 12) &&
	       (url[12] == '\0' || url[12] == '?');
}

static void count(struct req *r, int64_t us)
{
	struct srv *s = r->srv;
	int status = r->status;
	double sec = (double)us / 1e6;
	int b = 0;
	int cls = status / 100;
	if (cls >= 1 && cls <= 5)
		atomic_fetch_add(&s->m.requests[cls], 1);
	/* a push refused, by its handler or before it (credentials, size,
	 * rate): a 4xx answer to POST /api/v1/push */
	if (cls == 4 && is_push(r->method, r->url))
		atomic_fetch_add(&s->m.push_errors, 1);
	while (b < SRV_NBUCKETS && sec > srv_buckets[b])
		b++;
	atomic_fetch_add(&s->m.latency[b], 1);
	atomic_fetch_add(&s->m.latency_us_sum, (unsigned long)us);
	atomic_fetch_add(&s->m.latency_count, 1);
}

static enum MHD_Result respond(struct req *r, struct vigie_buf *out)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int head = !strcmp(r->method, "HEAD");
	size_t len = out->len;
	/* the answer's bytes are handed over to libmicrohttpd, which frees
	 * them when sent: no copy of a large answer */
	if (!head && out->data && out->len) {
		resp = MHD_create_response_from_buffer(out->len, out->data, MHD_RESPMEM_MUST_FREE);
		if (resp)
			vigie_buf_init(out);
	} else {
		resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
				" form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	if (r->srv->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	for (int i = 0; i < 2; i++)
		if (r->set_cookie[i])
			MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	if (r->content_disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->content_disposition);
	if (r->status == 401 && r->api)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"vigie\"");
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->sent = len;
	return ret;
}

/* ---- connection deadlines ----
 * libmicrohttpd closes a connection idle for --timeout seconds; a client
 * that trickles a byte now and then is never idle. So each connection
 * also has --request-timeout seconds, from its start or its previous
 * answer, to send a whole request (line, headers and body): a sweeper
 * thread shuts down those past it, and libmicrohttpd then closes them.
 * A request being answered is not timed (its answer is bounded by the
 * idle timeout). */
struct conn_ent {
	struct conn_ent *prev, *next;
	int fd;
	int busy;
	int64_t since_us;
};

struct conns {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn_ent head; /* circular list */
	int64_t limit_us;
	int stop;
	pthread_t th;
	unsigned long closed;
};

static struct conns *g_conns; /* one daemon per process */
static char uri_too_long;     /* *con_cls of a request whose URI is too long */

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct conns *c = ((struct srv *)cls)->conns;
	struct conn_ent *e = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || !(e = calloc(1, sizeof(*e))))
			return;
		e->fd = ci->connect_fd;
		e->since_us = now_us();
		pthread_mutex_lock(&c->mu);
		e->next = c->head.next;
		e->prev = &c->head;
		c->head.next->prev = e;
		c->head.next = e;
		pthread_mutex_unlock(&c->mu);
		*socket_context = e;
	} else if (e) {
		/* before libmicrohttpd closes the socket: the sweeper never
		 * touches a descriptor reused by another connection */
		pthread_mutex_lock(&c->mu);
		e->prev->next = e->next;
		e->next->prev = e->prev;
		pthread_mutex_unlock(&c->mu);
		free(e);
		*socket_context = NULL;
	}
}

static void conn_busy(struct MHD_Connection *conn, int busy)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_ent *e = ci ? ci->socket_context : NULL;
	if (!e || !g_conns)
		return;
	pthread_mutex_lock(&g_conns->mu);
	e->busy = busy;
	e->since_us = now_us();
	pthread_mutex_unlock(&g_conns->mu);
}

static void *sweeper(void *arg)
{
	struct conns *c = arg;
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		struct timespec ts;
		int64_t now = now_us();
		for (struct conn_ent *e = c->head.next; e != &c->head; e = e->next)
			if (!e->busy && now - e->since_us > c->limit_us) {
				shutdown(e->fd, SHUT_RDWR);
				e->since_us = INT64_MAX / 2; /* once */
				c->closed++;
				fprintf(stderr, "vigie serve: a connection sent no whole request in"
						" %lld s: closed\n",
					(long long)(c->limit_us / 1000000));
			}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

unsigned long srv_conns_timed_out(const struct srv *s)
{
	struct conns *c = s->conns;
	unsigned long n;
	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	n = c->closed;
	pthread_mutex_unlock(&c->mu);
	return n;
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	/* the whole URI, query included (the access handler sees the path) */
	return strlen(uri) > SRV_MAX_URL ? (void *)&uri_too_long : NULL;
}

static size_t body_cap_for(const char *method, const char *url)
{
	if (is_push(method, url))
		return SRV_MAX_PUSH_WIRE;
	return SRV_MAX_FORM;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	struct req *r = *con_cls;
	struct vigie_buf out = VIGIE_BUF_INIT;
	enum MHD_Result ret;
	(void)version;

	if (!r || r == (void *)&uri_too_long) {
		const char *cl;
		int long_uri = r == (void *)&uri_too_long;
		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		r->srv = s;
		r->conn = conn;
		r->method = method;
		r->url = url;
		r->start_us = now_us();
		r->body_cap = body_cap_for(method, url);
		r->api = !strncmp(url, "/api/", 5) || !strcmp(url, "/metrics");
		snprintf(r->lang, sizeof(r->lang), "fr");
		*con_cls = r;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (long_uri || strlen(url) > SRV_MAX_URL) {
			r->status = srv_error(r, &out, 414, "URL too long");
		} else if (cl && strtoull(cl, NULL, 10) > r->body_cap) {
			/* refused before reading a byte of it */
			r->status = srv_error(r, &out, 413, "request body too large");
		} else {
			return MHD_YES;
		}
		ret = respond(r, &out);
		vigie_buf_release(&out);
		count(r, now_us() - r->start_us);
		log_request(r, now_us() - r->start_us);
		r->status = -1; /* answered */
		return ret;
	}
	if (r->status == -1) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_large) {
			if (r->body.len + *upload_size > r->body_cap) {
				r->too_large = 1;
				vigie_buf_release(&r->body);
			} else if (vigie_buf_add(&r->body, upload_data, *upload_size)) {
				r->too_large = 1;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	conn_busy(conn, 1);
	r->status = dispatch(r, &out);
	if (r->status >= 500)
		store_reset_if_broken();
	ret = respond(r, &out);
	count(r, now_us() - r->start_us);
	log_request(r, now_us() - r->start_us);
	vigie_buf_release(&out);
	r->status = -1;
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	(void)cls;
	(void)toe;
	conn_busy(conn, 0); /* the next request's time starts now */
	if (!r || r == (void *)&uri_too_long)
		return;
	free_params(r);
	vigie_buf_release(&r->body);
	free(r->set_cookie[0]);
	free(r->set_cookie[1]);
	free(r->location);
	free(r->content_disposition);
	free(r);
	*con_cls = NULL;
}

/* The pool threads' stores are closed by this destructor of thread_key
 * when libmicrohttpd ends the threads (MHD_stop_daemon). */
static void thread_dtor(void *p)
{
	vigie_store_close(p);
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256];
	const char *colon = strrchr(s, ':');
	long port;
	char *end;
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		size_t n = strlen(host);
		if (n < 3 || host[n - 1] != ']')
			return -1;
		host[n - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -1;
		*len = sizeof(*a);
		return AF_INET6;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &a->sin_addr) != 1)
			return -1;
		*len = sizeof(*a);
		return AF_INET;
	}
}

static char *slurp(const char *path, struct vigie_error *err)
{
	FILE *f = fopen(path, "rb");
	struct vigie_buf b = VIGIE_BUF_INIT;
	char chunk[4096];
	size_t n;
	if (!f) {
		vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (vigie_buf_add(&b, chunk, n) || b.len > (1u << 20))
			break;
	fclose(f);
	if (!b.data || b.len > (1u << 20)) {
		vigie_buf_release(&b);
		vigie_error_set(err, VIGIE_EIO, path, 0, "empty or too large");
		return NULL;
	}
	return b.data;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int srv_run(const struct srv_opts *o)
{
	struct srv s;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct MHD_Daemon *d;
	struct vigie_error err;
	struct vigie_store *probe = NULL;
	char *cert = NULL, *key = NULL, dbdef[4096];
	/* epoll on Linux: no select() limit on the number of connections */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	int fam, rc = 2;
	struct rate *rt;
	struct conns *cs;
	pthread_condattr_t ca;

	memset(&s, 0, sizeof(s));
	s.o = *o;
	if (!s.o.listen)
		s.o.listen = "127.0.0.1:8470";
	if (s.o.threads <= 0)
		s.o.threads = 4;
	if (s.o.timeout <= 0)
		s.o.timeout = 30;
	if (s.o.rate <= 0)
		s.o.rate = 1200;
	if (s.o.request_timeout <= 0)
		s.o.request_timeout = 60;
	if (s.o.auth_failures <= 0)
		s.o.auth_failures = 300;
	s.db_url = o->db ? o->db : vigie_store_default_path(dbdef, sizeof(dbdef));
	vigie_error_init(&err);
	/* open (create, migrate) once before serving: a bad URL fails now */
	if (vigie_store_open(&probe, s.db_url, 0, &err)) {
		fprintf(stderr, "vigie: %s%s%s\n", err.file, err.file[0] ? ": " : "", err.msg);
		return 2;
	}
	vigie_store_close(probe);
	if ((fam = parse_listen(s.o.listen, &ss, &sl)) < 0) {
		fprintf(stderr, "vigie: --listen: expected ADDR:PORT, got '%s'\n", s.o.listen);
		return 2;
	}
	if (!!o->tls_cert != !!o->tls_key) {
		fprintf(stderr, "vigie: --tls-cert and --tls-key go together\n");
		return 2;
	}
	if (o->tls_cert) {
		if (!(cert = slurp(o->tls_cert, &err)) || !(key = slurp(o->tls_key, &err))) {
			fprintf(stderr, "vigie: %s: %s\n", err.file, err.msg);
			free(cert);
			return 2;
		}
		flags |= MHD_USE_TLS;
		s.tls = 1;
	}
	if (fam == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (!(rt = calloc(1, sizeof(*rt))) || !(cs = calloc(1, sizeof(*cs)))) {
		free(rt);
		free(cert);
		free(key);
		return 2;
	}
	pthread_mutex_init(&rt->mu, NULL);
	s.rate = rt;
	pthread_mutex_init(&cs->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cs->cv, &ca);
	pthread_condattr_destroy(&ca);
	cs->head.next = cs->head.prev = &cs->head;
	cs->limit_us = (int64_t)s.o.request_timeout * 1000000;
	s.conns = g_conns = cs;
	s.policy = o->policy;
	if (vigie_index_cache_new(&s.cache) || !(s.views = srv_viewcache_new())) {
		fprintf(stderr, "vigie: out of memory\n");
		goto out;
	}
	pthread_key_create(&thread_key, thread_dtor);
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s.o.threads,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s.o.timeout,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)256,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, &s,
			     MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
			     s.tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
			     MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "vigie: cannot listen on %s: %s\n", s.o.listen,
			errno ? strerror(errno) : "libmicrohttpd refused the settings");
		goto out;
	}
	if (pthread_create(&cs->th, NULL, sweeper, cs)) {
		fprintf(stderr, "vigie: cannot start a thread\n");
		MHD_stop_daemon(d);
		goto out;
	}
	if (!(s.sla = srv_slarefresh_start(&s)))
		fprintf(stderr, "vigie serve: the hosts' SLA of the month will not be kept\n");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "vigie serve: listening on %s%s (%d threads), database %s\n",
		s.tls ? "https://" : "http://", s.o.listen, s.o.threads,
		s.db_url[0] == '/' || !strstr(s.db_url, "://") ? s.db_url : "(server)");
	while (!stop)
		pause();
	fprintf(stderr, "vigie serve: stopping\n");
	pthread_mutex_lock(&cs->mu);
	cs->stop = 1;
	pthread_cond_signal(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	pthread_join(cs->th, NULL);
	srv_slarefresh_stop(s.sla);
	MHD_stop_daemon(d);
	rc = 0;
out:
	srv_viewcache_free(s.views);
	vigie_index_cache_free(s.cache);
	pthread_mutex_destroy(&rt->mu);
	free(rt);
	g_conns = NULL;
	pthread_cond_destroy(&cs->cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs);
	free(cert);
	free(key);
	return rc;
}
