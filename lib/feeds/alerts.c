/* Alerts on new feed items concerning hosts: selection, renderings and
 * delivery (sendmail-compatible command, webhook). */
#define _GNU_SOURCE
#include "vigie/core/init.h"
#include "vigie/feeds/alerts.h"
#include "vigie/core/conf.h"
#include "vigie/core/spawn.h"
#include "vigie/scanners/decisions.h"
#include "vigie/store/service.h"
#include "vigie/render/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <yajl/yajl_gen.h>

static void setstr(char *dst, size_t size, const char *v)
{
	/* header-safe: no CR/LF/control characters */
	size_t n = 0;
	for (; *v && n + 1 < size; v++)
		if ((unsigned char)*v >= 0x20 && *v != 0x7f)
			dst[n++] = *v;
	dst[n] = '\0';
}

int vigie_alerts_config_load(struct alerts_config *out, const char *path,
		       struct vigie_error *err)
{
	struct vigie_conf conf;
	int required, rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->sendmail, sizeof(out->sendmail), "/usr/sbin/sendmail -t -i");
	snprintf(out->from, sizeof(out->from), "vigie");
	if (!(path = vigie_conf_config_path(path, &required)))
		return 0;
	memset(&conf, 0, sizeof(conf));
	if ((rc = vigie_conf_load_private(&conf, path, err)))
		goto out;
	snprintf(out->origin, sizeof(out->origin), "%s", path);
	for (size_t i = 0; i < conf.n; i++) {
		const struct conf_entry *e = &conf.entries[i];
		if (strcmp(e->section, "alerts"))
			continue;
		if (!strcmp(e->key, "sendmail")) {
			struct vigie_strv words;
			/* refused here, with its line, rather than when mailing */
			if ((rc = vigie_spawn_split(&words, e->value, path, e->line, err)))
				goto out;
			vigie_strv_release(&words);
			if (strlen(e->value) >= sizeof(out->sendmail)) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, path, e->line,
						     "sendmail: longer than %zu bytes",
						     sizeof(out->sendmail) - 1);
				goto out;
			}
			setstr(out->sendmail, sizeof(out->sendmail), e->value);
		}
		else if (!strcmp(e->key, "to"))
			setstr(out->to, sizeof(out->to), e->value);
		else if (!strcmp(e->key, "from"))
			setstr(out->from, sizeof(out->from), e->value);
		else if (!strcmp(e->key, "webhook"))
			setstr(out->webhook, sizeof(out->webhook), e->value);
		else
			vigie_warn(err, path, e->line, "unknown key '%.40s' in [alerts], ignored",
				   e->key);
	}
out:
	vigie_conf_release(&conf);
	return rc;
}

struct pending_ctx {
	struct vigie_store *s;
	struct feeds_items *out;
	struct vigie_error *err;
};

/* Installed is not running: a fixed hit whose source the host's finding
 * history shows waiting for a restart is marked so (and alerted). */
static int mark_restart_pending(struct vigie_store *s, struct feeds_hit *h,
				struct vigie_error *err)
{
	if (!h->source || h->fixed != 1)
		return 0;
	return vigie_store_finding_restart_pending(s, h->host_id, h->source, &h->restart_pending,
						   err);
}

/* 1 when every package of host that the item concerns is installed at a
 * version with the fix (Debian's data says so) that processes run, and
 * there is one at least: then its service hits, the same software, need
 * no alert either. */
static int host_already_fixed(const struct feeds_match *m, const char *host)
{
	int fixed = 0;
	for (size_t k = 0; k < m->n; k++) {
		if (!m->v[k].source || strcmp(m->v[k].host, host))
			continue;
		if (m->v[k].fixed != 1 || m->v[k].restart_pending)
			return 0;
		fixed = 1;
	}
	return fixed;
}

/* Keep the item's hits not alerted yet, leaving out the hosts whose
 * installed versions already have the fix; memory follows what is
 * pending, not what is stored. */
static int pending_item(void *ud, const struct feeds_item *cx)
{
	struct pending_ctx *c = ud;
	struct feeds_item *x = (struct feeds_item *)cx; /* ours to trim */
	size_t k2 = 0;
	char *fixed_hosts = calloc(x->match.n ? x->match.n : 1, 1);
	if (!fixed_hosts)
		return VIGIE_ENOMEM;
	for (size_t k = 0; k < x->match.n; k++) {
		int rc = mark_restart_pending(c->s, &x->match.v[k], c->err);
		if (rc) {
			free(fixed_hosts);
			return rc;
		}
	}
	for (size_t k = 0; k < x->match.n; k++)
		fixed_hosts[k] = (char)host_already_fixed(&x->match, x->match.v[k].host);
	for (size_t k = 0; k < x->match.n; k++) {
		struct feeds_hit *h = &x->match.v[k];
		int sent;
		if (fixed_hosts[k]) {
			vigie_feeds_hit_clear(h);
			continue;
		}
		sent = vigie_store_alert_was_sent(c->s, x->it.id, h->host_id, c->err);
		if (sent < 0) {
			/* keep the match consistent for its release */
			for (size_t j = k; j < x->match.n; j++)
				x->match.v[k2++] = x->match.v[j];
			x->match.n = k2;
			free(fixed_hosts);
			return sent;
		}
		if (sent) {
			vigie_feeds_hit_clear(h);
			continue;
		}
		x->match.v[k2++] = *h;
	}
	x->match.n = k2;
	free(fixed_hosts);
	if (k2 == 0)
		return 0;
	return vigie_feeds_items_push(c->out, x) ? VIGIE_ENOMEM : 0;
}

int vigie_alerts_pending(struct vigie_store *s, const struct feeds_match_opts *o,
		   struct feeds_items *out, struct vigie_error *err)
{
	struct feeds_items_query q = { .concerned_only = 1 };
	struct pending_ctx c = { .s = s, .out = out, .err = err };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = vigie_feeds_items_each(s, &q, o, pending_item, &c, err);
	if (rc) {
		if (rc == VIGIE_ENOMEM)
			vigie_error_set(err, rc, NULL, 0, "out of memory");
		vigie_feeds_items_release(out);
		return rc;
	}
	/* same advisory through two feeds (dsa and dsa-long): show it once */
	for (size_t i = 0; i < out->n; i++) {
		struct feeds_item *x = &out->v[i];
		size_t n = x->it.advisory ? strcspn(x->it.advisory, " ") : 0;
		for (size_t j = 0; n && j < i && !x->duplicate; j++) {
			const struct feeds_item *y = &out->v[j];
			int covered = 1;
			if (y->duplicate || !y->it.advisory ||
			    strcspn(y->it.advisory, " ") != n ||
			    strncmp(y->it.advisory, x->it.advisory, n))
				continue;
			for (size_t k = 0; k < x->match.n && covered; k++)
				covered = vigie_feeds_match_has_host(&y->match, x->match.v[k].host);
			x->duplicate = covered;
		}
	}
	return 0;
}

size_t vigie_alerts_count(const struct feeds_items *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += !l->v[i].duplicate;
	return n;
}

/* Distinct hosts of l, sorted. */
static int hosts_of(struct vigie_strv *hosts, const struct feeds_items *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; !l->v[i].duplicate && k < l->v[i].match.n; k++)
			if (vigie_strv_push_unique(hosts, l->v[i].match.v[k].host))
				return VIGIE_ENOMEM;
	vigie_strv_sort(hosts);
	return 0;
}

static int text_body(struct vigie_buf *out, const struct feeds_items *l)
{
	struct vigie_strv hosts;
	int rc = 0;
	vigie_strv_init(&hosts);
	if (hosts_of(&hosts, l)) {
		vigie_strv_release(&hosts);
		return VIGIE_ENOMEM;
	}
	for (size_t h = 0; h < hosts.n && !rc; h++) {
		rc |= vigie_buf_addf(out, "%s\n", hosts.v[h]);
		for (size_t i = 0; i < l->n; i++) {
			const struct feeds_item *x = &l->v[i];
			struct vigie_buf why = VIGIE_BUF_INIT;
			int fixed = -2, restart = 0;
			if (x->duplicate || !vigie_feeds_match_has_host(&x->match, hosts.v[h]))
				continue;
			for (size_t k = 0; k < x->match.n; k++) {
				const struct feeds_hit *hit = &x->match.v[k];
				if (strcmp(hit->host, hosts.v[h]))
					continue;
				rc |= vigie_buf_addf(&why, "%s%s %s", why.len ? ", " : "",
						     hit->via, hit->what);
				if (hit->source && (fixed == -2 || hit->fixed < fixed))
					fixed = hit->fixed;
				restart |= hit->restart_pending;
			}
			rc |= vigie_buf_addf(out, "  - [%s] %s\n", x->it.feed ? x->it.feed : "",
					     x->it.title ? x->it.title : "(no title)");
			if (x->it.link)
				rc |= vigie_buf_addf(out, "    %s\n", x->it.link);
			if (x->it.cves)
				rc |= vigie_buf_addf(out, "    CVEs: %s\n", x->it.cves);
			rc |= vigie_buf_addf(out, "    concerns: %s%s\n", why.data ? why.data : "",
					     fixed == 1 && restart
						     ? " (installed version fixed, not running yet: restart needed)"
					     : fixed == 1 ? " (installed version already fixed)"
					     : fixed == 0 ? " (installed version not fixed)" : "");
			vigie_buf_release(&why);
		}
	}
	vigie_strv_release(&hosts);
	return rc ? VIGIE_ENOMEM : 0;
}

int vigie_alerts_text(struct vigie_buf *out, const struct feeds_items *l)
{
	return text_body(out, l);
}

void vigie_alerts_decisions_init(struct alerts_decisions *ad)
{
	memset(ad, 0, sizeof(*ad));
	vigie_decisions_init(&ad->dec);
}

void vigie_alerts_decisions_release(struct alerts_decisions *ad)
{
	if (!ad)
		return;
	free(ad->v);
	vigie_decisions_release(&ad->dec);
	memset(ad, 0, sizeof(*ad));
}

/* What a decision is told under once: its state and, re-opened, the change. */
static int alert_detail(struct vigie_buf *b, const struct alerts_decision *x)
{
	vigie_buf_reset(b);
	if (x->state == VIGIE_DECISION_REOPENED)
		return vigie_buf_addf(b, "%s\t%s", x->was, x->now);
	return vigie_buf_adds(b, "");
}

int vigie_alerts_decisions_pending(struct vigie_store *s, struct alerts_decisions *ad,
				   struct vigie_error *err)
{
	struct vigie_buf key = VIGIE_BUF_INIT;
	int64_t now = vigie_now();
	int rc;

	if ((rc = vigie_store_decisions_load(s, 0, &ad->dec, err)))
		return rc;
	if (ad->dec.n && !(ad->v = calloc(ad->dec.n, sizeof(*ad->v))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < ad->dec.n; i++) {
		struct alerts_decision *x = &ad->v[ad->n];
		x->d = &ad->dec.v[i];
		x->state = vigie_decision_state_of(&ad->dec, x->d, now, &x->was, &x->now);
		if (x->state == VIGIE_DECISION_IN_FORCE)
			continue;
		if (alert_detail(&key, x)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			break;
		}
		rc = vigie_store_decision_alert_seen(s, x->d->id, vigie_decision_state_name(x->state),
						     key.data, err);
		if (rc < 0)
			break;
		if (!rc)
			ad->n++;
		rc = 0;
	}
	vigie_buf_release(&key);
	return rc;
}

static int scope_text(struct vigie_buf *out, const struct vigie_decision *d)
{
	if (d->host)
		return vigie_buf_add_safe(out, d->host, strlen(d->host));
	if (d->client) {
		int rc = vigie_buf_adds(out, "every host of client ");
		return rc | vigie_buf_add_safe(out, d->client, strlen(d->client));
	}
	return vigie_buf_adds(out, "every host");
}

int vigie_alerts_decisions_text(struct vigie_buf *out, const struct alerts_decisions *ad)
{
	int rc = 0;
	if (!ad || !ad->n)
		return 0;
	rc |= vigie_buf_adds(out, "Written decisions that no longer apply:\n");
	for (size_t i = 0; i < ad->n; i++) {
		const struct alerts_decision *x = &ad->v[i];
		char ex[16] = "";
		rc |= vigie_buf_addf(out, "decision %lld (%s %s on ", (long long)x->d->id, x->d->cve,
				     x->d->status);
		rc |= scope_text(out, x->d);
		if (x->state == VIGIE_DECISION_EXPIRED) {
			vigie_date_format(x->d->expires - 86400, ex, sizeof(ex));
			rc |= vigie_buf_addf(out, ") expired after %s: ", ex);
		} else {
			rc |= vigie_buf_addf(out, ") re-opened: %s changed (was ",
					     vigie_decision_what_changed(x->was, x->now));
			rc |= vigie_buf_add_safe(out, x->was, strlen(x->was));
			rc |= vigie_buf_adds(out, ", now ");
			rc |= vigie_buf_add_safe(out, x->now, strlen(x->now));
			rc |= vigie_buf_adds(out, "): ");
		}
		rc |= vigie_buf_add_safe(out, x->d->reason, strlen(x->d->reason));
		rc |= vigie_buf_addc(out, '\n');
	}
	return rc ? VIGIE_ENOMEM : 0;
}

int vigie_alerts_decisions_mark_sent(struct vigie_store *s, const struct alerts_decisions *ad,
				     struct vigie_error *err)
{
	struct vigie_buf key = VIGIE_BUF_INIT;
	int64_t now = vigie_now();
	int rc;
	if (!ad || !ad->n)
		return 0;
	if ((rc = vigie_store_begin(s, err)))
		return rc;
	for (size_t i = 0; i < ad->n && !rc; i++) {
		if (alert_detail(&key, &ad->v[i]))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		else
			rc = vigie_store_decision_alert_mark(s, ad->v[i].d->id,
							     vigie_decision_state_name(ad->v[i].state),
							     key.data, now, err);
	}
	vigie_buf_release(&key);
	if (rc) {
		vigie_store_rollback(s);
		return rc;
	}
	return vigie_store_commit(s, err);
}

static void glist(yajl_gen g, const char *spaced)
{
	const char *p = spaced ? spaced : "";
	yajl_gen_array_open(g);
	while (*p) {
		size_t n;
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n)
			yajl_gen_string(g, (const unsigned char *)p, n);
		p += n;
	}
	yajl_gen_array_close(g);
}

int vigie_alerts_json(struct vigie_buf *out, const struct feeds_items *l,
		      const struct alerts_decisions *ad, struct vigie_error *err)
{
	struct vigie_strv hosts;
	yajl_gen g;
	const unsigned char *buf;
	size_t len;
	char t[32];
	int rc = 0;

	vigie_strv_init(&hosts);
	if (hosts_of(&hosts, l) || !(g = vigie_json_gen_alloc())) {
		vigie_strv_release(&hosts);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.alerts/1");
	vigie_json_kv_str(g, "generated_at", vigie_time_format(vigie_now(), t, sizeof(t)));
	vigie_json_str(g, "hosts");
	yajl_gen_array_open(g);
	for (size_t h = 0; h < hosts.n; h++) {
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", hosts.v[h]);
		vigie_json_str(g, "items");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < l->n; i++) {
			const struct feeds_item *x = &l->v[i];
			if (x->duplicate || !vigie_feeds_match_has_host(&x->match, hosts.v[h]))
				continue;
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "feed", x->it.feed);
			vigie_json_kv_str(g, "title", x->it.title);
			vigie_json_kv_str(g, "link", x->it.link);
			vigie_json_str(g, "published");
			if (x->it.published)
				vigie_json_str(g, vigie_time_format(x->it.published, t, sizeof(t)));
			else
				yajl_gen_null(g);
			vigie_json_kv_str(g, "first_seen",
					  vigie_time_format(x->it.first_seen, t, sizeof(t)));
			vigie_json_str(g, "cves");
			glist(g, x->it.cves);
			vigie_json_str(g, "advisories");
			glist(g, x->it.advisory);
			vigie_json_str(g, "packages");
			glist(g, x->it.packages);
			vigie_json_str(g, "matches");
			yajl_gen_array_open(g);
			for (size_t k = 0; k < x->match.n; k++) {
				const struct feeds_hit *hit = &x->match.v[k];
				if (strcmp(hit->host, hosts.v[h]))
					continue;
				yajl_gen_map_open(g);
				vigie_json_kv_str(g, "via", hit->via);
				vigie_json_kv_str(g, "name", hit->what);
				vigie_feeds_hit_json_fix(g, hit);
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_str(g, "decisions");
	yajl_gen_array_open(g);
	for (size_t i = 0; ad && i < ad->n; i++) {
		const struct alerts_decision *x = &ad->v[i];
		yajl_gen_map_open(g);
		vigie_json_kv_int(g, "id", x->d->id);
		vigie_json_kv_str(g, "cve", x->d->cve);
		vigie_json_kv_str(g, "status", x->d->status);
		vigie_json_kv_str(g, "state", vigie_decision_state_name(x->state));
		vigie_json_kv_str(g, "debian_was",
				  x->state == VIGIE_DECISION_REOPENED ? x->was : NULL);
		vigie_json_kv_str(g, "debian_now",
				  x->state == VIGIE_DECISION_REOPENED ? x->now : NULL);
		vigie_json_kv_str(g, "scope", vigie_decision_scope(x->d));
		vigie_json_kv_str(g, "host", x->d->host);
		vigie_json_kv_str(g, "client", x->d->client);
		vigie_json_kv_str(g, "by", x->d->by);
		vigie_json_kv_str(g, "reason", x->d->reason);
		vigie_json_kv_str(g, "expires",
				  x->d->expires ? vigie_time_format(x->d->expires, t, sizeof(t))
						 : NULL);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok || vigie_buf_add(out, buf, len))
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "JSON generation failed");
	yajl_gen_free(g);
	vigie_strv_release(&hosts);
	return rc;
}

int vigie_alerts_mail(struct vigie_buf *out, const struct feeds_items *l,
		      const struct alerts_decisions *ad, const struct alerts_config *cfg,
		      struct vigie_error *err)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct vigie_strv hosts;
	int64_t now = vigie_now(), days, rem;
	int y, m, d, rc = 0;
	char host[256] = "localhost";

	if (!cfg->to[0])
		return vigie_error_set(err, VIGIE_EUSAGE, cfg->origin[0] ? cfg->origin : NULL, 0,
				       "no recipient: set 'to' in the [alerts] section");
	vigie_strv_init(&hosts);
	if (hosts_of(&hosts, l)) {
		vigie_strv_release(&hosts);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	days = now >= 0 ? now / 86400 : -((-now + 86399) / 86400);
	rem = now - days * 86400;
	vigie_civil_from_days(days, &y, &m, &d);
	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, "\r\n")] = '\0';
	rc |= vigie_buf_addf(out, "From: %s\n", cfg->from);
	rc |= vigie_buf_addf(out, "To: %s\n", cfg->to);
	if (vigie_alerts_count(l) || !ad || !ad->n)
		rc |= vigie_buf_addf(out, "Subject: vigie: %zu new advisor%s for %zu host%s\n",
				     vigie_alerts_count(l), vigie_alerts_count(l) == 1 ? "y" : "ies",
				     hosts.n, hosts.n == 1 ? "" : "s");
	else
		rc |= vigie_buf_addf(out, "Subject: vigie: %zu written decision%s no longer appl%s\n",
				     ad->n, ad->n == 1 ? "" : "s", ad->n == 1 ? "ies" : "y");
	rc |= vigie_buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n",
			     wd[((days % 7) + 7) % 7], d, mo[m - 1], y, (int)(rem / 3600),
			     (int)(rem / 60 % 60), (int)(rem % 60));
	{
		/* unique per run and content: time and a hash of the item keys */
		uint64_t hv = 0xcbf29ce484222325ULL;
		for (size_t i = 0; i < l->n; i++) {
			const char *k = l->v[i].it.key ? l->v[i].it.key : "";
			hv ^= vigie_feed_fnv1a64(k, strlen(k));
			hv *= 0x100000001b3ULL;
		}
		rc |= vigie_buf_addf(out, "Message-ID: <vigie-alerts.%lld.%016llx@%s>\n",
				     (long long)now, (unsigned long long)hv, host);
	}
	rc |= vigie_buf_adds(out, "MIME-Version: 1.0\n"
				  "Content-Type: text/plain; charset=UTF-8\n"
				  "Content-Transfer-Encoding: 8bit\n"
				  "Auto-Submitted: auto-generated\n\n");
	if (vigie_alerts_count(l)) {
		rc |= vigie_buf_addf(out, "New security advisories concern these hosts:\n\n");
		rc |= text_body(out, l);
	}
	if (ad && ad->n) {
		if (vigie_alerts_count(l))
			rc |= vigie_buf_addc(out, '\n');
		rc |= vigie_alerts_decisions_text(out, ad);
	}
	vigie_strv_release(&hosts);
	if (rc)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

int vigie_alerts_sendmail(const struct alerts_config *cfg, const char *msg,
		    size_t len, struct vigie_error *err)
{
	struct vigie_strv words;
	int rc;

	if (!cfg->sendmail[0])
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "no sendmail command configured");
	if ((rc = vigie_spawn_split(&words, cfg->sendmail, cfg->origin[0] ? cfg->origin : NULL,
				    0, err)))
		return rc;
	rc = vigie_spawn_with_input((const char *const *)words.v, words.n, msg, len, 0, err);
	vigie_strv_release(&words);
	return rc;
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return s * n;
}

int vigie_alerts_webhook(const char *url, const char *body, size_t len,
		   struct vigie_error *err)
{
	CURL *e;
	struct curl_slist *h = NULL;
	char ebuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode cr;
	int rc = 0;

	vigie_global_init();
	if (!(e = curl_easy_init()) ||
	    !(h = curl_slist_append(NULL, "Content-Type: application/json"))) {
		curl_easy_cleanup(e);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, ebuf);
	cr = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	if (cr != CURLE_OK)
		rc = vigie_error_set(err, VIGIE_ENET, url, 0, "webhook: %s",
				     ebuf[0] ? ebuf : curl_easy_strerror(cr));
	else if (code >= 300)
		rc = vigie_error_set(err, VIGIE_ENET, url, 0, "webhook: HTTP %ld", code);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	return rc;
}

int vigie_alerts_mark_sent(struct vigie_store *s, const struct feeds_items *l,
		     struct vigie_error *err)
{
	int64_t now = vigie_now();
	int rc;
	if ((rc = vigie_store_begin(s, err)))
		return rc;
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].match.n; k++)
			if ((rc = vigie_store_alert_mark_sent(s, l->v[i].it.id,
							l->v[i].match.v[k].host_id, now, err))) {
				vigie_store_rollback(s);
				return rc;
			}
	return vigie_store_commit(s, err);
}
