/* The JSON API (/api/v1/...), the push, /healthz and /metrics. Every read
 * passes the principal's scope to the store. */
#include "server.h"
#include "vigie/app/host.h"
#include "vigie/core/sha256.h"
#include "vigie/debian/invdoc.h"
#include "vigie/render/json.h"
#include "vigie/render/history_report.h"
#include "vigie/render/render.h"
#include "vigie/render/vulndoc.h"
#include "vigie/scanners/decisions.h"

#include <microhttpd.h>
#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int json_done(struct req *r, yajl_gen g, struct vigie_buf *out)
{
	yajl_gen_free(g);
	vigie_buf_addc(out, '\n');
	r->content_type = "application/json";
	return 200;
}

/* A list document {"schema": S, KEY: [ ... ]}: open it; the caller writes
 * the items, then list_done() closes and returns 200. */
static yajl_gen list_open(struct vigie_buf *out, const char *schema, const char *key)
{
	yajl_gen g = vigie_json_gen_new(out);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", schema);
	vigie_json_key(g, key);
	yajl_gen_array_open(g);
	return g;
}

static int list_done(struct req *r, yajl_gen g, struct vigie_buf *out)
{
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return json_done(r, g, out);
}

/* A store error in the middle of a document: drop it, answer 500. */
static int list_fail(struct req *r, yajl_gen g, struct vigie_buf *out, const char *msg)
{
	yajl_gen_free(g);
	return srv_error(r, out, 500, msg);
}

int h_healthz(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	vigie_error_init(&err);
	r->content_type = "text/plain; charset=utf-8";
	if (!s || vigie_store_schema_version(s) < 1) {
		vigie_buf_adds(out, "database unavailable\n");
		return 503;
	}
	vigie_buf_adds(out, "ok\n");
	return 200;
}

/* ---- push ---- */

/* Inflate a gzip body into out, at most max bytes (a bomb stops there). */
static int gunzip(const struct vigie_buf *in, struct vigie_buf *out, size_t max)
{
	z_stream z;
	unsigned char chunk[65536];
	int rc;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in->data;
	z.avail_in = (uInt)in->len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			inflateEnd(&z);
			return -1;
		}
		if (out->len + (sizeof(chunk) - z.avail_out) > max) {
			inflateEnd(&z);
			return -2;
		}
		vigie_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (rc != Z_STREAM_END && (z.avail_in || z.avail_out == 0));
	inflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

int h_push(struct req *r, struct vigie_buf *out)
{
	const char *enc = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						      "Content-Encoding");
	struct vigie_buf plain = VIGIE_BUF_INIT;
	const struct vigie_buf *doc = &r->body;
	struct invdoc d;
	struct history logs;
	struct vigie_ingest in;
	struct vigie_ingest_result res;
	struct vigie_error err;
	struct vigie_store *s;
	char digest[SHA256_HEX_LEN + 1];
	int status = 200, rc;
	yajl_gen g;

	vigie_invdoc_init(&d);
	vigie_history_init(&logs);
	vigie_error_init(&err);
	memset(&res, 0, sizeof(res));
	if (enc && strcmp(enc, "identity")) {
		if (strcmp(enc, "gzip")) {
			status = srv_error(r, out, 415, "Content-Encoding: only gzip");
			goto out;
		}
		rc = gunzip(&r->body, &plain, SRV_MAX_PUSH);
		if (rc == -2) {
			status = srv_error(r, out, 413, "document too large once decompressed");
			goto out;
		}
		if (rc) {
			status = srv_error(r, out, 400, "body is not valid gzip");
			goto out;
		}
		doc = &plain;
	}
	if (!doc->len) {
		status = srv_error(r, out, 400, "empty document");
		goto out;
	}
	if (vigie_invdoc_parse(&d, doc->data, doc->len, "document", &err) ||
	    vigie_invdoc_history(&d, &logs, &err)) {
		status = srv_error(r, out, 400, err.msg);
		goto out;
	}
	if (strcmp(d.inv.host, r->who.host)) {
		status = srv_error(r, out, 403, "field host: this token pushes for another host");
		goto out;
	}
	vigie_sha256_hex(digest, doc->data, doc->len);
	if (!(s = srv_store(r))) {
		status = srv_error(r, out, 503, "the database is not available");
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.client = r->who.client;
	in.origin = "push";
	in.policy = r->srv->policy;
	in.cache = r->srv->cache; /* the release index every request shares */
	in.logs = &logs;
	in.candidates = d.candidates;
	in.ncandidates = d.ncandidates;
	in.have_candidates = d.have_candidates;
	in.restart = d.have_restart ? &d.restart : NULL;
	in.digest = digest;
	in.bytes = (int64_t)doc->len;
	if ((rc = vigie_app_host_ingest(s, &d.inv, &in, &res, &err))) {
		status = srv_error(r, out, rc == VIGIE_EUSAGE ? 403 : rc == VIGIE_EDB ? 503 : 400,
				   err.msg);
		goto out;
	}
	atomic_fetch_add(res.duplicate ? &r->srv->m.push_duplicates : &r->srv->m.pushes, 1);
	g = vigie_json_gen_new(out);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.push/1");
	vigie_json_kv_str(g, "host", d.inv.host);
	vigie_json_kv_bool(g, "stored", !res.duplicate);
	vigie_json_kv_bool(g, "duplicate", res.duplicate);
	vigie_json_kv_str(g, "digest", digest);
	vigie_json_kv_int(g, "packages", (int64_t)d.inv.npkgs);
	vigie_json_kv_int(g, "events_added", (int64_t)res.events_added);
	if (!res.duplicate) {
		vigie_json_kv_str(g, "verdict", res.verdict);
		vigie_json_kv_str(g, "judged", res.kept      ? "kept"
					       : res.partial ? "partial"
							     : "full");
		vigie_json_kv_str(g, "reason", res.reason[0] ? res.reason : NULL);
		vigie_json_key(g, "open");
		yajl_gen_map_open(g);
		vigie_json_kv_int(g, "highly-critical", res.summary.open[2]);
		vigie_json_kv_int(g, "critical", res.summary.open[1]);
		vigie_json_kv_int(g, "standard", res.summary.open[0]);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	status = json_done(r, g, out);
out:
	/* a refused push is counted by the server (server.c, count), with
	 * those refused before this handler */
	vigie_ingest_result_release(&res);
	vigie_history_release(&logs);
	vigie_invdoc_release(&d);
	vigie_buf_release(&plain);
	return status;
}

/* ---- hosts ---- */

int srv_apply_decisions(struct vigie_store *s, struct scan_result *res,
			struct vigie_decisions *dec, struct vigie_error *err)
{
	int rc;
	vigie_decisions_init(dec);
	if ((rc = vigie_store_decisions_load(s, 0, dec, err)))
		return rc;
	/* the lookup goes through the host's own stored client: a client's
	 * decision never reaches another client's host */
	return vigie_decisions_apply_scan(res, dec, res->scanned_at ? res->scanned_at : vigie_now(),
					  1);
}

/* The decisions whose scope takes in host h (not revoked), with their state
 * on its release. */
static void host_decisions_json(yajl_gen g, const struct vigie_decisions *d,
				const struct store_fleet_host *h)
{
	int64_t now = vigie_now();
	vigie_json_key(g, "decisions");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < d->n; i++) {
		const struct vigie_decision *x = &d->v[i];
		const char *was = NULL, *cur = NULL;
		int st = VIGIE_DECISION_IN_FORCE;
		if (x->revoked || !vigie_decision_covers(d, x, h->name))
			continue;
		if (x->expires && x->expires <= now)
			st = VIGIE_DECISION_EXPIRED;
		else if (vigie_decision_reopened(d, x, h->release, NULL, &was, &cur))
			st = VIGIE_DECISION_REOPENED;
		/* the same object as on findings */
		vigie_render_decision_json(g, x, st, was, cur);
	}
	yajl_gen_array_close(g);
}

static void host_json_fields(yajl_gen g, const struct store_fleet_host *h,
			     const struct vigie_decisions *dec);

static void host_json(yajl_gen g, const struct store_fleet_host *h)
{
	host_json_fields(g, h, NULL);
	yajl_gen_map_close(g);
}

/* A host's object, left open for more fields. */
static void host_json_fields(yajl_gen g, const struct store_fleet_host *h,
			     const struct vigie_decisions *dec)
{
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", h->name);
	vigie_json_kv_str(g, "client", h->client);
	vigie_json_kv_str(g, "release", h->release);
	vigie_json_kv_str(g, "arch", h->arch);
	vigie_json_kv_str(g, "kernel", h->kernel_release);
	vigie_json_kv_int(g, "packages", h->packages);
	vigie_json_kv_time(g, "inventoried_at", h->inventoried_at);
	vigie_json_kv_time(g, "last_push", h->last_push);
	vigie_json_key(g, "summary");
	if (!h->has_summary) {
		yajl_gen_null(g);
	} else {
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "verdict", h->sum.verdict);
		vigie_json_kv_str(g, "reason", h->sum.reason);
		vigie_json_kv_time(g, "computed_at", h->sum.computed_at);
		vigie_json_key(g, "open");
		yajl_gen_map_open(g);
		vigie_json_kv_int(g, "highly-critical", h->sum.open[2]);
		vigie_json_kv_int(g, "critical", h->sum.open[1]);
		vigie_json_kv_int(g, "standard", h->sum.open[0]);
		yajl_gen_map_close(g);
		vigie_json_key(g, "pending_security_updates");
		if (h->sum.pending_security < 0)
			yajl_gen_null(g);
		else
			yajl_gen_integer(g, h->sum.pending_security);
		vigie_json_kv_bool(g, "reboot_required", h->sum.reboot);
		vigie_json_kv_str(g, "lifecycle", h->sum.lifecycle);
		vigie_json_kv_str(g, "lifecycle_end", h->sum.lifecycle_end);
		yajl_gen_map_close(g);
	}
	/* its SLA of a month as the server last computed it (slarefresh.c) */
	vigie_json_key(g, "sla_month");
	if (!h->sla_month) {
		yajl_gen_null(g);
	} else {
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "month", h->sla_month);
		vigie_json_kv_int(g, "met", h->sla_met);
		vigie_json_kv_int(g, "total", h->sla_total);
		vigie_json_kv_time(g, "computed_at", h->sla_at);
		yajl_gen_map_close(g);
	}
	if (dec)
		host_decisions_json(g, dec, h);
}

static int host_cb(void *ud, const struct store_fleet_host *h)
{
	host_json(ud, h);
	return 0;
}

int h_api_hosts(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct store_fleet_totals tot;
	long offset = srv_arg_long(r, "offset", 0, 100000000);
	long limit = srv_arg_long(r, "limit", SRV_API_LIMIT, SRV_API_LIMIT_MAX);
	char key[256], part[48];
	int64_t gen;
	size_t mark;
	int rc;
	yajl_gen g;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if (offset < 0)
		return srv_error(r, out, 400, "offset: expected a number from 0");
	if (limit < 1)
		return srv_error(r, out, 400, "limit: expected a number from 1 to 10000");
	vigie_error_init(&err);
	/* the answer depends on the scope and the range only: kept while the
	 * store's view generation (read first) stays */
	if (vigie_store_view_generation(s, &gen, &err))
		return srv_error(r, out, 500, err.msg);
	snprintf(part, sizeof(part), "%ld-%ld", offset, limit);
	srv_view_key(r, "api-hosts", part, key, sizeof(key));
	if (srv_viewcache_get(r->srv->views, key, gen, out)) {
		r->content_type = "application/json";
		return 200;
	}
	if (vigie_store_fleet_totals(s, vigie_principal_scope(&r->who), &tot, &err))
		return srv_error(r, out, 500, err.msg);
	mark = out->len;
	g = vigie_json_gen_new(out);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.hosts/1");
	/* the hosts in scope; this answer holds [offset, offset + limit) */
	vigie_json_kv_int(g, "total", tot.hosts);
	vigie_json_kv_int(g, "offset", offset);
	vigie_json_kv_int(g, "limit", limit);
	vigie_json_key(g, "hosts");
	yajl_gen_array_open(g);
	if (vigie_store_fleet_hosts_page(s, vigie_principal_scope(&r->who), offset, limit,
					 host_cb, g, &err))
		return list_fail(r, g, out, err.msg);
	if ((rc = list_done(r, g, out)) == 200)
		srv_viewcache_put(r->srv->views, key, gen, out->data + mark, out->len - mark);
	return rc;
}

struct host_one {
	yajl_gen g;
	const struct vigie_decisions *dec;
	struct vigie_store *s;
	const char *scope;
	struct vigie_error *err;
	int rc;
};

static int pending_cb(void *ud, const struct store_pending_update *u)
{
	yajl_gen g = ud;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "package", u->package);
	vigie_json_kv_str(g, "arch", u->arch);
	vigie_json_kv_str(g, "installed", u->installed);
	vigie_json_kv_str(g, "candidate", u->candidate);
	vigie_json_kv_str(g, "suite", u->suite);
	vigie_json_kv_bool(g, "security", u->security);
	yajl_gen_map_close(g);
	return 0;
}

static int host_one_cb(void *ud, const struct store_fleet_host *h)
{
	struct host_one *o = ud;
	host_json_fields(o->g, h, o->dec);
	/* the updates the host's apt sees, as its last inventory told */
	vigie_json_key(o->g, "pending_updates");
	yajl_gen_array_open(o->g);
	o->rc = vigie_store_host_pending_each(o->s, o->scope, h->name, pending_cb, o->g, o->err);
	yajl_gen_array_close(o->g);
	yajl_gen_map_close(o->g);
	return 0;
}

int h_api_host(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct vigie_buf tmp = VIGIE_BUF_INIT;
	struct vigie_decisions dec;
	struct host_one o;
	int rc;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	vigie_error_init(&err);
	vigie_decisions_init(&dec);
	/* the host's visibility is the store's scoped read below; the
	 * decisions listed are only those whose scope takes in that host */
	if ((rc = vigie_store_decisions_load(s, 0, &dec, &err))) {
		vigie_decisions_release(&dec);
		return srv_error(r, out, 500, err.msg);
	}
	o.g = vigie_json_gen_new(&tmp);
	o.dec = &dec;
	o.s = s;
	o.scope = vigie_principal_scope(&r->who);
	o.err = &err;
	o.rc = 0;
	rc = vigie_store_fleet_host_get(s, o.scope, r->params[0], host_one_cb, &o, &err);
	if (!rc)
		rc = o.rc;
	yajl_gen_free(o.g);
	vigie_decisions_release(&dec);
	if (rc) {
		vigie_buf_release(&tmp);
		return srv_error(r, out, rc == VIGIE_ENOTFOUND ? 404 : 500,
				 rc == VIGIE_ENOTFOUND ? "no such host" : err.msg);
	}
	vigie_buf_add(out, tmp.data, tmp.len);
	vigie_buf_release(&tmp);
	vigie_buf_addc(out, '\n');
	r->content_type = "application/json";
	return 200;
}

static int noop_host(void *ud, const struct store_fleet_host *h)
{
	(void)ud;
	(void)h;
	return 0;
}

int srv_visible_host(struct req *r, struct vigie_store *s, struct vigie_buf *out)
{
	struct vigie_error err;
	int rc;
	vigie_error_init(&err);
	rc = vigie_store_fleet_host_get(s, vigie_principal_scope(&r->who), r->params[0],
					noop_host, NULL, &err);
	if (rc == VIGIE_ENOTFOUND)
		return srv_error(r, out, 404, "no such host");
	if (rc)
		return srv_error(r, out, 500, err.msg);
	return 0;
}

int h_api_findings(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct inventory inv;
	struct scan_result res;
	struct vigie_error err;
	struct vigie_decisions dec;
	int have = 0, rc, status;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if ((status = srv_visible_host(r, s, out)))
		return status;
	vigie_error_init(&err);
	vigie_inventory_init(&inv);
	vigie_decisions_init(&dec);
	rc = vigie_app_host_scan_cached(s, r->srv->cache, r->params[0], r->srv->policy, &inv, &res, &have, &err);
	if (!rc && have)
		rc = srv_apply_decisions(s, &res, &dec, &err);
	if (rc)
		status = srv_error(r, out, rc == VIGIE_ENOTFOUND ? 404 : 500, err.msg);
	else if (!have)
		status = srv_error(r, out, 409, "the host's release is unknown: no verdict");
	/* no store: the database's path or URL (a PostgreSQL URL may hold a
	 * password) and the data files' locations are the server's business */
	else if (vigie_render_scan_json(out, &res, NULL))
		status = srv_error(r, out, 500, "out of memory");
	else {
		r->content_type = "application/json";
		status = 200;
	}
	if (have)
		vigie_scan_result_release(&res);
	vigie_decisions_release(&dec);
	vigie_inventory_release(&inv);
	return status;
}

static int history_cb(void *ud, const struct store_history_row *h)
{
	vigie_history_row_json(ud, h, 1);
	return 0;
}

struct cve_hosts {
	yajl_gen g;
	long n;
};

static int cve_history_cb(void *ud, const struct store_history_row *h)
{
	struct cve_hosts *c = ud;
	c->n++;
	return history_cb(c->g, h);
}

int h_api_history(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	const char *open = srv_arg(r, "open");
	yajl_gen g;
	int status;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if ((status = srv_visible_host(r, s, out)))
		return status;
	vigie_error_init(&err);
	g = vigie_json_gen_new(out);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.findinghistory/1");
	vigie_json_kv_str(g, "host", r->params[0]);
	vigie_json_key(g, "findings");
	yajl_gen_array_open(g);
	if (vigie_store_finding_history_each(s, vigie_principal_scope(&r->who), r->params[0],
					     NULL, open && !strcmp(open, "1"), history_cb, g,
					     &err)) {
		yajl_gen_free(g);
		return srv_error(r, out, 500, err.msg);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return json_done(r, g, out);
}

static int valid_cve(const char *s)
{
	size_t n = strlen(s);
	if (n < 9 || n > 40 || (strncmp(s, "CVE-", 4) && strncmp(s, "TEMP-", 5)))
		return 0;
	for (size_t i = 4; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      (s[i] >= 'A' && s[i] <= 'F') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

struct tracker_ctx {
	yajl_gen g;
	int n;
};

static int tracker_cb(void *ud, const struct store_tracker_row *t)
{
	struct tracker_ctx *c = ud;
	c->n++;
	yajl_gen_map_open(c->g);
	vigie_json_kv_str(c->g, "release", t->release);
	vigie_json_kv_str(c->g, "source", t->source);
	vigie_json_kv_str(c->g, "status", t->status);
	vigie_json_kv_str(c->g, "fixed_version", t->fixed_version);
	vigie_json_kv_str(c->g, "urgency", t->urgency);
	yajl_gen_map_close(c->g);
	return 0;
}

int h_api_cve(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct store_vuln_facts f;
	struct vigie_arena facts_mem; /* f's strings */
	struct tracker_ctx tc;
	struct cve_hosts ch;
	char id[48];
	yajl_gen g;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	snprintf(id, sizeof(id), "%s", r->params[0]);
	for (char *p = id; *p; p++)
		if (*p >= 'a' && *p <= 'z' && p < id + 4)
			*p = (char)(*p - 'a' + 'A');
	if (!valid_cve(id))
		return srv_error(r, out, 400, "not a CVE id");
	vigie_error_init(&err);
	vigie_arena_init(&facts_mem);
	if (vigie_store_vuln_facts_get(s, id, &facts_mem, &f, &err)) {
		vigie_arena_release(&facts_mem);
		return srv_error(r, out, 500, err.msg);
	}
	g = vigie_json_gen_new(out);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.cve/1");
	vigie_json_kv_str(g, "id", id);
	vigie_json_kv_str(g, "description", f.description);
	vigie_json_kv_score(g, "cvss", f.cvss);
	vigie_json_kv_str(g, "kev_added", f.kev_added);
	vigie_json_key(g, "debian");
	yajl_gen_array_open(g);
	tc.g = g;
	tc.n = 0;
	if (vigie_store_tracker_for_vuln(s, id, tracker_cb, &tc, &err)) {
		vigie_arena_release(&facts_mem);
		yajl_gen_free(g);
		return srv_error(r, out, 500, err.msg);
	}
	yajl_gen_array_close(g);
	vigie_json_kv_bool(g, "debian_data", tc.n > 0);
	vigie_json_key(g, "hosts");
	yajl_gen_array_open(g);
	ch.g = g;
	ch.n = 0;
	if (vigie_store_finding_history_each(s, vigie_principal_scope(&r->who), NULL, id, 0,
					     cve_history_cb, &ch, &err)) {
		vigie_arena_release(&facts_mem);
		yajl_gen_free(g);
		return srv_error(r, out, 500, err.msg);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	vigie_arena_release(&facts_mem);
	if (!tc.n && !ch.n) {
		/* neither Debian's data nor a host in scope: unknown, as a
		 * CVE that only another client's hosts had would be */
		yajl_gen_free(g);
		return srv_error(r, out, 404, "unknown CVE: the database has no Debian data for it"
					      " and no host of yours has it");
	}
	return json_done(r, g, out);
}

static int client_cb(void *ud, const struct store_client *c)
{
	yajl_gen g = ud;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", c->name);
	vigie_json_kv_str(g, "lang", c->lang);
	vigie_json_kv_str(g, "timezone", c->timezone);
	vigie_json_kv_int(g, "hosts", c->hosts);
	yajl_gen_map_close(g);
	return 0;
}

int h_api_clients(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	yajl_gen g;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	vigie_error_init(&err);
	g = list_open(out, "vigie.clients/1", "clients");
	if (vigie_store_clients_each(s, vigie_principal_scope(&r->who), client_cb, g, &err))
		return list_fail(r, g, out, err.msg);
	return list_done(r, g, out);
}

/* ---- metrics (Prometheus text format 0.0.4) ---- */

struct msum {
	long hosts, undetermined, open[3], reboot;
};

static int msum_cb(void *ud, const struct store_fleet_host *h)
{
	struct msum *m = ud;
	m->hosts++;
	if (h->has_summary) {
		if (h->sum.verdict && !strcmp(h->sum.verdict, "undetermined"))
			m->undetermined++;
		for (int k = 0; k < 3; k++)
			m->open[k] += h->sum.open[k];
		m->reboot += h->sum.reboot;
	}
	return 0;
}

int h_metrics(struct req *r, struct vigie_buf *out)
{
	struct srv_metrics *m = &r->srv->m;
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct msum sum;
	unsigned long cum = 0, hits, misses;
	static const char *const cls[3] = { "standard", "critical", "highly-critical" };
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	vigie_error_init(&err);
	memset(&sum, 0, sizeof(sum));
	if (vigie_store_fleet_hosts_each(s, NULL, msum_cb, &sum, &err))
		return srv_error(r, out, 500, err.msg);
	vigie_buf_adds(out, "# HELP vigie_hosts Hosts in the fleet.\n# TYPE vigie_hosts gauge\n");
	vigie_buf_addf(out, "vigie_hosts %ld\n", sum.hosts);
	vigie_buf_adds(out, "# HELP vigie_hosts_undetermined Hosts vigie cannot judge.\n"
			    "# TYPE vigie_hosts_undetermined gauge\n");
	vigie_buf_addf(out, "vigie_hosts_undetermined %ld\n", sum.undetermined);
	vigie_buf_adds(out, "# HELP vigie_hosts_reboot_required Hosts whose kernel fix waits for a reboot.\n"
			    "# TYPE vigie_hosts_reboot_required gauge\n");
	vigie_buf_addf(out, "vigie_hosts_reboot_required %ld\n", sum.reboot);
	vigie_buf_adds(out, "# HELP vigie_findings_open Open findings by class.\n"
			    "# TYPE vigie_findings_open gauge\n");
	for (int k = 0; k < 3; k++)
		vigie_buf_addf(out, "vigie_findings_open{class=\"%s\"} %ld\n", cls[k], sum.open[k]);
	vigie_buf_adds(out, "# HELP vigie_pushes_total Inventories stored from agents.\n"
			    "# TYPE vigie_pushes_total counter\n");
	vigie_buf_addf(out, "vigie_pushes_total %lu\n", atomic_load(&m->pushes));
	vigie_buf_adds(out, "# HELP vigie_push_duplicates_total Pushes of a document already stored.\n"
			    "# TYPE vigie_push_duplicates_total counter\n");
	vigie_buf_addf(out, "vigie_push_duplicates_total %lu\n", atomic_load(&m->push_duplicates));
	vigie_buf_adds(out, "# HELP vigie_push_errors_total Pushes refused.\n"
			    "# TYPE vigie_push_errors_total counter\n");
	vigie_buf_addf(out, "vigie_push_errors_total %lu\n", atomic_load(&m->push_errors));
	vigie_buf_adds(out, "# HELP vigie_http_requests_total Requests answered, by status class.\n"
			    "# TYPE vigie_http_requests_total counter\n");
	for (int c = 1; c <= 5; c++)
		vigie_buf_addf(out, "vigie_http_requests_total{code=\"%dxx\"} %lu\n", c,
			       atomic_load(&m->requests[c]));
	vigie_buf_adds(out, "# HELP vigie_http_connections_timed_out_total Connections closed"
			    " for sending no whole request within --request-timeout.\n"
			    "# TYPE vigie_http_connections_timed_out_total counter\n");
	vigie_buf_addf(out, "vigie_http_connections_timed_out_total %lu\n",
		       srv_conns_timed_out(r->srv));
	srv_viewcache_stats(r->srv->views, &hits, &misses);
	vigie_buf_adds(out, "# HELP vigie_view_cache_requests_total Fleet views (page, host"
			    " list) served from the kept rendering (hit) or rendered (miss).\n"
			    "# TYPE vigie_view_cache_requests_total counter\n");
	vigie_buf_addf(out, "vigie_view_cache_requests_total{result=\"hit\"} %lu\n", hits);
	vigie_buf_addf(out, "vigie_view_cache_requests_total{result=\"miss\"} %lu\n", misses);
	vigie_buf_adds(out, "# HELP vigie_http_request_duration_seconds Request latency.\n"
			    "# TYPE vigie_http_request_duration_seconds histogram\n");
	for (int b = 0; b < SRV_NBUCKETS; b++) {
		cum += atomic_load(&m->latency[b]);
		vigie_buf_addf(out, "vigie_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
			       srv_buckets[b], cum);
	}
	cum += atomic_load(&m->latency[SRV_NBUCKETS]);
	vigie_buf_addf(out, "vigie_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	vigie_buf_addf(out, "vigie_http_request_duration_seconds_sum %.6f\n",
		       (double)atomic_load(&m->latency_us_sum) / 1e6);
	vigie_buf_addf(out, "vigie_http_request_duration_seconds_count %lu\n",
		       atomic_load(&m->latency_count));
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 200;
}
