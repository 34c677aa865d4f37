/* A stored host's past as the library computes it for `vigie timeline
 * --from-store`, `vigie history --histogram` and `vigie sla`: the
 * timeline (per day, the upgrades applied and the CVEs they fixed, judged
 * with the host's stored release and packages), the histogram of its
 * updates over a year, and a client's SLA over a month. Hosts are reached
 * only through scoped store reads (a host or client out of scope is not
 * found). */
#include "pages.h"
#include "vigie/app/sla.h"
#include "vigie/engine/calendar.h"
#include "vigie/engine/secdata.h"
#include "vigie/engine/sla.h"
#include "vigie/engine/timeline.h"
#include "vigie/render/history_report.h"
#include "vigie/render/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLA_MAX_HOSTS 10000

/* One host's events and timeline (everything the items point into). */
struct host_tl {
	char *name;
	struct inventory inv;
	struct history h;
	struct timeline tl;
	struct secdata *sd; /* NULL: the release is unknown or has no data */
};

static void host_tl_release(struct host_tl *t)
{
	vigie_timeline_release(&t->tl);
	vigie_secdata_free(t->sd);
	vigie_history_release(&t->h);
	vigie_inventory_release(&t->inv);
	free(t->name);
}

/* Build the timeline of the stored host name over [since, until) (0: open),
 * with Debian's security data for its stored release; no changelog is read
 * (the host's files are not here). The caller checked the host is in
 * scope. */
static int host_tl_build(struct host_tl *t, struct vigie_store *s,
			 struct vigie_index_cache *cache, const struct policy *pol,
			 const char *name, int64_t since, int64_t until, struct vigie_error *err)
{
	struct timeline_opts to;
	struct vigie_error ignored;
	int rc;

	memset(t, 0, sizeof(*t));
	vigie_inventory_init(&t->inv);
	vigie_history_init(&t->h);
	if (!(t->name = strdup(name)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if ((rc = vigie_store_host_load(s, name, &t->inv, err)))
		return rc;
	if ((rc = vigie_history_load_store(&t->h, s, name, 0, 0, err)))
		return rc;
	vigie_error_init(&ignored);
	/* without security data (unknown release) the timeline still lists
	 * the upgrades, as the CLI does */
	if (t->inv.release && vigie_secdata_open_cached(&t->sd, s, cache, &t->inv, pol, &ignored))
		t->sd = NULL;
	memset(&to, 0, sizeof(to));
	to.root = "-";
	to.since = since;
	to.until = until;
	if (t->sd) {
		to.extra = vigie_secdata_timeline_cves;
		to.extra_ud = t->sd;
	}
	if ((rc = vigie_timeline_build(&t->tl, &t->h, &to, err)))
		return rc;
	if (t->sd && vigie_timeline_annotate(&t->tl, vigie_secdata_annotate, t->sd))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

/* ---- /hosts/H/timeline, /api/v1/hosts/H/timeline ---- */

static int timeline_for(struct req *r, struct vigie_buf *out, struct host_tl *t)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	int status, rc;
	memset(t, 0, sizeof(*t));
	vigie_inventory_init(&t->inv);
	vigie_history_init(&t->h);
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if ((status = srv_visible_host(r, s, out)))
		return status;
	vigie_error_init(&err);
	rc = host_tl_build(t, s, r->srv->cache, r->srv->policy, r->params[0], 0, 0, &err);
	if (rc)
		return srv_error(r, out, rc == VIGIE_ENOTFOUND ? 404 : 500,
				 rc == VIGIE_ENOTFOUND ? "no such host" : err.msg);
	return 0;
}

int h_api_timeline(struct req *r, struct vigie_buf *out)
{
	struct host_tl t;
	struct report_opts ro;
	int status = timeline_for(r, out, &t);
	if (!status) {
		memset(&ro, 0, sizeof(ro));
		ro.host = r->params[0];
		if (vigie_timeline_report_json(out, &t.tl, &t.h, &ro))
			status = srv_error(r, out, 500, "out of memory");
		else {
			r->content_type = "application/json";
			status = 200;
		}
	}
	host_tl_release(&t);
	return status;
}

static void day_text(struct vigie_buf *out, int64_t day)
{
	int y, m, d;
	vigie_civil_from_days(day, &y, &m, &d);
	vigie_buf_addf(out, "%04d-%02d-%02d", y, m, d);
}

static const char *cls_css(const char *cls)
{
	if (!cls)
		return "muted";
	return !strcmp(cls, "highly-critical") ? "hc" : !strcmp(cls, "critical") ? "c" : "s";
}

static const char *cls_label(struct req *r, const char *cls)
{
	if (!cls)
		return T(r, "unclassified", "non classé");
	if (!strcmp(cls, "highly-critical"))
		return T(r, "highly critical", "très critique");
	if (!strcmp(cls, "critical"))
		return T(r, "critical", "critique");
	return T(r, "standard", "standard");
}

static void host_nav(struct req *r, struct vigie_buf *out)
{
	vigie_buf_adds(out, "<p class=\"nav\"><a href=\"/hosts/");
	srv_html(out, r->params[0]);
	vigie_buf_addf(out, "\">%s</a> · <a href=\"/hosts/", T(r, "Findings", "Vulnérabilités"));
	srv_html(out, r->params[0]);
	vigie_buf_addf(out, "/timeline\">%s</a> · <a href=\"/hosts/", T(r, "Timeline", "Chronologie"));
	srv_html(out, r->params[0]);
	vigie_buf_addf(out, "/history\">%s</a></p>\n", T(r, "Updates", "Mises à jour"));
}

/* The CVEs fixed per day (per week past 120 days) from the first upgrade
 * to the last, as an inline SVG: follow-ups are not counted again. */
static int fixed_chart(struct req *r, struct vigie_buf *out, const struct timeline *tl)
{
	struct histogram hg;
	int64_t first, last, span;
	int step, rc;
	memset(&hg, 0, sizeof(hg));
	if (!tl->n)
		return 0;
	first = vigie_calendar_local_day(tl->ups[0].ev->time);
	last = first;
	for (size_t i = 0; i < tl->n; i++) {
		int64_t d = vigie_calendar_local_day(tl->ups[i].ev->time);
		first = d < first ? d : first;
		last = d > last ? d : last;
	}
	/* at least 30 days, ending with the last upgrade: a single day is a
	 * bar among days, not the whole chart */
	if (last - first < 29)
		first = last - 29;
	span = last - first + 1;
	step = span > 120 ? 7 : 1;
	hg.by = step == 7 ? HISTOGRAM_WEEK : HISTOGRAM_DAY;
	hg.n = (size_t)((span + step - 1) / step);
	if (hg.n > HISTOGRAM_MAX_BINS || !(hg.bins = calloc(hg.n, sizeof(*hg.bins))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < hg.n; i++) {
		hg.bins[i].first_day = first + (int64_t)i * step;
		hg.bins[i].last_day = hg.bins[i].first_day + step - 1;
	}
	for (size_t i = 0; i < tl->n; i++) {
		size_t b = (size_t)((vigie_calendar_local_day(tl->ups[i].ev->time) - first) / step);
		for (size_t k = 0; k < tl->ups[i].ncves; k++)
			hg.bins[b].count += !tl->ups[i].cves[k].followup;
	}
	for (size_t i = 0; i < hg.n; i++) {
		hg.total += hg.bins[i].count;
		hg.max = hg.bins[i].count > hg.max ? hg.bins[i].count : hg.max;
	}
	rc = 0;
	if (hg.total) {
		vigie_buf_adds(out, "<figure id=\"fixed-chart\">");
		rc = vigie_histogram_report_svg(out, &hg, step == 7 ? T(r, "CVEs fixed per week",
									"CVE corrigées par semaine")
								: T(r, "CVEs fixed per day",
								    "CVE corrigées par jour"));
		vigie_buf_adds(out, "</figure>\n");
	}
	vigie_histogram_release(&hg);
	return rc;
}

int h_page_timeline(struct req *r, struct vigie_buf *out)
{
	struct host_tl t;
	char title[VIGIE_NAME_MAX + 64];
	int status = timeline_for(r, out, &t);
	size_t ncves = 0;
	int64_t last_day = -1;
	if (status) {
		host_tl_release(&t);
		return status;
	}
	snprintf(title, sizeof(title), "%s — %s", r->params[0],
		 T(r, "security timeline", "chronologie de sécurité"));
	page_begin(r, out, title);
	host_nav(r, out);
	/* a follow-up (the CVE fixed again) is not one more CVE fixed */
	for (size_t i = 0; i < t.tl.n; i++)
		for (size_t k = 0; k < t.tl.ups[i].ncves; k++)
			ncves += !t.tl.ups[i].cves[k].followup;
	vigie_buf_addf(out, "<p id=\"summary\">%s: <span class=\"n\" id=\"upgrades\">%zu</span>"
			    " · %s: <span class=\"n\" id=\"cves\">%zu</span></p>\n",
		       T(r, "Upgrades", "Mises à niveau"), t.tl.n,
		       T(r, "CVEs fixed", "CVE corrigées"), ncves);
	if (!t.sd)
		vigie_buf_addf(out, "<p class=\"warn\">%s</p>\n",
			       T(r, "No Debian security data for this host's release: upgrades only.",
				 "Pas de données de sécurité Debian pour la version de ce serveur :"
				 " mises à niveau seulement."));
	if (!t.tl.n) {
		vigie_buf_addf(out, "<p>%s</p>\n",
			       T(r, "No upgrade recorded.", "Aucune mise à niveau enregistrée."));
		host_tl_release(&t);
		return page_end(r, out);
	}
	if (fixed_chart(r, out, &t.tl)) {
		host_tl_release(&t);
		return srv_error(r, out, 500, "out of memory");
	}
	vigie_buf_addf(out, "<table id=\"timeline\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th></tr></thead><tbody>\n",
		       T(r, "Day", "Jour"), T(r, "Package", "Paquet"),
		       T(r, "Upgrade", "Mise à niveau"), T(r, "CVEs fixed", "CVE corrigées"));
	for (size_t i = 0; i < t.tl.n; i++) {
		const struct timeline_upgrade *u = &t.tl.ups[i];
		int64_t day = vigie_calendar_local_day(u->ev->time);
		vigie_buf_adds(out, "<tr><td>");
		if (day != last_day)
			day_text(out, day);
		last_day = day;
		vigie_buf_adds(out, "</td><td>");
		srv_html(out, u->ev->package);
		if (u->source_unknown)
			vigie_buf_addf(out, " <span class=\"muted\">(%s)</span>",
				       T(r, "source unknown", "source inconnue"));
		vigie_buf_adds(out, "</td><td>");
		srv_html(out, u->ev->old_version);
		vigie_buf_adds(out, " → ");
		srv_html(out, u->ev->new_version);
		vigie_buf_addf(out, "</td><td class=\"cves\" data-n=\"%zu\">", u->ncves);
		for (size_t k = 0; k < u->ncves; k++) {
			const struct timeline_cve *c = &u->cves[k];
			if (k)
				vigie_buf_adds(out, "<br>");
			vigie_buf_adds(out, "<a href=\"/cves/");
			srv_html(out, c->cve);
			vigie_buf_adds(out, "\">");
			srv_html(out, c->cve);
			vigie_buf_addf(out, "</a> <span class=\"%s\">%s</span>", cls_css(c->cls),
				       cls_label(r, c->cls));
			if (c->advisory) {
				vigie_buf_adds(out, " ");
				srv_html(out, c->advisory);
			}
			if (c->followup)
				vigie_buf_addf(out, " <span class=\"muted\">(%s)</span>",
					       T(r, "follow-up", "suivi"));
		}
		vigie_buf_adds(out, "</td></tr>\n");
	}
	vigie_buf_adds(out, "</tbody></table>\n");
	host_tl_release(&t);
	return page_end(r, out);
}

/* ---- /hosts/H/history?year=YYYY&by=day|week|month ---- */

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;
	if (!s || !*s || strlen(s) > 9)
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int h_page_history(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	const char *ya = srv_arg(r, "year"), *ba = srv_arg(r, "by");
	struct history h;
	struct histogram hg;
	struct vigie_error err;
	char title[VIGIE_NAME_MAX + 64], caption[128];
	int year, m, d, by = HISTOGRAM_MONTH, status, rc;
	static const char *const bys[] = { "day", "week", "month" };

	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if ((status = srv_visible_host(r, s, out)))
		return status;
	vigie_civil_from_days(vigie_calendar_local_day(vigie_now()), &year, &m, &d);
	if (ya && parse_int(ya, 1970, 9999, &year))
		return srv_error(r, out, 400, "year: YYYY");
	if (ba && (by = vigie_histogram_by_parse(ba)) < 0)
		return srv_error(r, out, 400, "by: day, week or month");
	vigie_error_init(&err);
	vigie_history_init(&h);
	memset(&hg, 0, sizeof(hg));
	rc = vigie_history_load_store(&h, s, r->params[0], 0, 0, &err);
	if (!rc)
		rc = vigie_histogram_compute(&hg, &h, vigie_days_from_civil(year, 1, 1),
					     vigie_days_from_civil(year, 12, 31),
					     (enum histogram_by)by, &err);
	if (rc) {
		vigie_history_release(&h);
		return srv_error(r, out, rc == VIGIE_ENOTFOUND ? 404 : 500,
				 rc == VIGIE_ENOTFOUND ? "no such host" : err.msg);
	}
	snprintf(title, sizeof(title), "%s — %s %d", r->params[0],
		 T(r, "updates in", "mises à jour en"), year);
	page_begin(r, out, title);
	host_nav(r, out);
	vigie_buf_adds(out, "<p class=\"nav\">");
	for (int k = 0; k < 3; k++) {
		const char *lbl = k == 0 ? T(r, "per day", "par jour")
				  : k == 1 ? T(r, "per week", "par semaine")
					   : T(r, "per month", "par mois");
		if (k)
			vigie_buf_adds(out, " · ");
		if (k == by) {
			vigie_buf_addf(out, "<strong>%s</strong>", lbl);
			continue;
		}
		vigie_buf_adds(out, "<a href=\"/hosts/");
		srv_html(out, r->params[0]);
		vigie_buf_addf(out, "/history?year=%d&amp;by=%s\">%s</a>", year, bys[k], lbl);
	}
	vigie_buf_adds(out, " — <a href=\"/hosts/");
	srv_html(out, r->params[0]);
	vigie_buf_addf(out, "/history?year=%d&amp;by=%s\">%d</a> · <a href=\"/hosts/", year - 1,
		       bys[by], year - 1);
	srv_html(out, r->params[0]);
	vigie_buf_addf(out, "/history?year=%d&amp;by=%s\">%d</a></p>\n", year + 1, bys[by],
		       year + 1);
	vigie_buf_addf(out, "<p id=\"summary\">%s: <span class=\"n\" id=\"total\">%lu</span></p>\n",
		       T(r, "Package upgrades", "Mises à niveau de paquets"), hg.total);
	snprintf(caption, sizeof(caption), "%s %d", T(r, "Upgrades in", "Mises à niveau en"), year);
	vigie_buf_adds(out, "<figure>");
	if (vigie_histogram_report_svg(out, &hg, caption)) {
		vigie_histogram_release(&hg);
		vigie_history_release(&h);
		return srv_error(r, out, 500, "out of memory");
	}
	vigie_buf_adds(out, "</figure>\n");
	if (hg.total) {
		vigie_buf_addf(out, "<table id=\"bins\"><thead><tr><th>%s</th><th>%s</th></tr>"
				    "</thead><tbody>\n",
			       T(r, "Period", "Période"), T(r, "Upgrades", "Mises à niveau"));
		for (size_t i = 0; i < hg.n; i++) {
			if (!hg.bins[i].count)
				continue;
			vigie_buf_adds(out, "<tr><td>");
			day_text(out, hg.bins[i].first_day);
			if (hg.bins[i].last_day != hg.bins[i].first_day) {
				vigie_buf_adds(out, " – ");
				day_text(out, hg.bins[i].last_day);
			}
			vigie_buf_addf(out, "</td><td class=\"n\">%lu</td></tr>\n", hg.bins[i].count);
		}
		vigie_buf_adds(out, "</tbody></table>\n");
	}
	vigie_histogram_release(&hg);
	vigie_history_release(&h);
	return page_end(r, out);
}

/* ---- /clients/C/sla?month=YYYY-MM, /api/v1/clients/C/sla ---- */

struct sla_model {
	char client[VIGIE_NAME_MAX + 1];
	int year, month;
	struct sla_policy pol;
	int have_pol;
	struct host_tl *hosts;
	size_t nhosts, cap;
	struct sla_item *items;   /* every host's, by host then time */
	size_t *item_host;        /* index in hosts */
	size_t nitems;
	size_t undated, followups;
	struct sla_summary sum[SLA_NCLASSES];
	/* time to remediate: the findings of the finding history resolved
	 * in the month, from first seen to resolved, per class */
	struct mttr {
		size_t n, cap;
		double *days;
		double mean, median;
	} mttr[SLA_NCLASSES];
	size_t mttr_unclassed;
};

static void sla_model_release(struct sla_model *m)
{
	for (size_t i = 0; i < m->nhosts; i++)
		host_tl_release(&m->hosts[i]);
	free(m->hosts);
	free(m->items);
	free(m->item_host);
	for (int c = 0; c < SLA_NCLASSES; c++)
		free(m->mttr[c].days);
	if (m->have_pol)
		vigie_sla_policy_release(&m->pol);
}

struct client_match {
	const char *want;
	char *found; /* VIGIE_NAME_MAX + 1 */
};

static int client_match_cb(void *ud, const struct store_client *c)
{
	struct client_match *cm = ud;
	if (!strcmp(c->name, cm->want))
		snprintf(cm->found, VIGIE_NAME_MAX + 1, "%s", c->name);
	return 0;
}

struct names {
	char **v;
	size_t n, cap;
	int oom;
};

static int name_cb(void *ud, const struct store_fleet_host *h)
{
	struct names *n = ud;
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 16;
		char **v = cap > SLA_MAX_HOSTS ? NULL : realloc(n->v, cap * sizeof(*v));
		if (!v) {
			n->oom = 1;
			return 1;
		}
		n->v = v;
		n->cap = cap;
	}
	if (!(n->v[n->n] = strdup(h->name))) {
		n->oom = 1;
		return 1;
	}
	n->n++;
	return 0;
}

/* Parse "YYYY-MM" (default: this month). */
static int parse_month(const char *s, int *y, int *m)
{
	int d;
	if (!s) {
		vigie_civil_from_days(vigie_calendar_local_day(vigie_now()), y, m, &d);
		return 0;
	}
	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	{
		char ys[5], ms[3];
		memcpy(ys, s, 4);
		ys[4] = '\0';
		memcpy(ms, s + 5, 2);
		ms[2] = '\0';
		if (ys[0] < '0' || ys[0] > '9' || ms[0] < '0' || ms[0] > '9' ||
		    parse_int(ys, 1970, 9999, y) || parse_int(ms, 1, 12, m))
			return -1;
	}
	return 0;
}

/* Compute the model: 0 or an HTTP status already written to out. */
static int mttr_cb(void *ud, const char *cls, int64_t first_seen, int64_t resolved_at)
{
	struct sla_model *m = ud;
	int c = cls ? vigie_sla_class_parse(cls) : -1;
	struct mttr *t;
	if (c < 0) {
		m->mttr_unclassed++;
		return 0;
	}
	t = &m->mttr[c];
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		double *nd = realloc(t->days, nc * sizeof(*nd));
		if (!nd)
			return VIGIE_ENOMEM;
		t->days = nd;
		t->cap = nc;
	}
	t->days[t->n++] = resolved_at > first_seen ? (double)(resolved_at - first_seen) / 86400.0 : 0;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void mttr_finish(struct mttr *t)
{
	double sum = 0;
	if (!t->n)
		return;
	qsort(t->days, t->n, sizeof(*t->days), cmp_double);
	for (size_t i = 0; i < t->n; i++)
		sum += t->days[i];
	t->mean = sum / (double)t->n;
	t->median = t->n % 2 ? t->days[t->n / 2] : (t->days[t->n / 2 - 1] + t->days[t->n / 2]) / 2;
}

static int sla_compute(struct req *r, struct vigie_buf *out, struct sla_model *m)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct names names = { 0 };
	const char *path;
	int64_t since, until;
	int required, rc, status = 0;

	memset(m, 0, sizeof(*m));
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if (parse_month(srv_arg(r, "month"), &m->year, &m->month))
		return srv_error(r, out, 400, "month: YYYY-MM");
	vigie_error_init(&err);
	/* the client, looked up within the principal's scope (the scope is
	 * in the store's query): another client is not found, like a
	 * missing one */
	{
		struct client_match cm = { r->params[0], m->client };
		rc = vigie_store_clients_each(s, vigie_principal_scope(&r->who), client_match_cb,
					      &cm, &err);
		if (rc)
			return srv_error(r, out, 500, err.msg);
		if (!m->client[0])
			return srv_error(r, out, 404, "no such client");
	}
	if (vigie_sla_policy_init(&m->pol, &err))
		return srv_error(r, out, 500, err.msg);
	m->have_pol = 1;
	path = vigie_sla_policy_path(NULL, &required);
	if (path && vigie_sla_policy_load(&m->pol, path, &err) && required)
		return srv_error(r, out, 500, "the SLA policy cannot be read");
	vigie_calendar_local_month(m->year, m->month, &since, &until);
	/* the client's hosts: the client is the scope of the read */
	if (vigie_store_fleet_hosts_each(s, m->client, name_cb, &names, &err) || names.oom) {
		status = srv_error(r, out, 500,
				   names.oom ? "too many hosts or out of memory" : err.msg);
		goto out;
	}
	if (names.n && !(m->hosts = calloc(names.n, sizeof(*m->hosts)))) {
		status = srv_error(r, out, 500, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < names.n; i++) {
		struct host_tl *t = &m->hosts[m->nhosts];
		struct timeline_sla_hooks hooks;
		struct sla_item *items = NULL;
		size_t n = 0, undated = 0, followups = 0;
		rc = host_tl_build(t, s, r->srv->cache, r->srv->policy, names.v[i], since, until, &err);
		m->nhosts++;
		if (rc == VIGIE_ENOTFOUND)
			continue; /* removed meanwhile */
		if (rc) {
			status = srv_error(r, out, 500, err.msg);
			goto out;
		}
		if (t->sd)
			vigie_secdata_sla_hooks(t->sd, &hooks);
		if (vigie_timeline_sla_items(&items, &n, &undated, &followups, &t->tl, &m->pol,
					     t->sd ? &hooks : NULL, &err) ||
		    vigie_app_sla_add_effective(items, n, s, names.v[i], &m->pol, &err)) {
			free(items);
			status = srv_error(r, out, 500, err.msg);
			goto out;
		}
		m->undated += undated;
		m->followups += followups;
		if (n) {
			struct sla_item *ni = realloc(m->items, (m->nitems + n) * sizeof(*ni));
			size_t *nh = ni ? realloc(m->item_host, (m->nitems + n) * sizeof(*nh)) : NULL;
			if (ni)
				m->items = ni;
			if (!ni || !nh) {
				free(items);
				status = srv_error(r, out, 500, "out of memory");
				goto out;
			}
			m->item_host = nh;
			for (size_t k = 0; k < n; k++) {
				m->items[m->nitems + k] = items[k];
				m->item_host[m->nitems + k] = m->nhosts - 1;
			}
			m->nitems += n;
		}
		free(items);
	}
	if (vigie_sla_summarize(m->sum, m->items, m->nitems, &err)) {
		status = srv_error(r, out, 500, err.msg);
		goto out;
	}
	/* the client is the scope of the read */
	if ((rc = vigie_store_findings_resolved_each(s, m->client, since, until, mttr_cb, m,
						     &err))) {
		status = srv_error(r, out, 500, rc == VIGIE_ENOMEM ? "out of memory" : err.msg);
		goto out;
	}
	for (int c = 0; c < SLA_NCLASSES; c++)
		mttr_finish(&m->mttr[c]);
out:
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return status;
}

static void time_text(struct vigie_buf *out, int64_t t)
{
	char buf[40];
	vigie_buf_adds(out, t ? vigie_time_format(t, buf, sizeof(buf)) : "–");
}

/* Why an item breached its deadline, in words. */
static void breach_text(struct req *r, struct vigie_buf *out, const struct sla_model *m,
			const struct sla_item *it)
{
	int dl = m->pol.deadline_days[it->cls], en = !strcmp(r->lang, "en");
	vigie_buf_addf(out, en ? "installed %.1f business days after its publication ("
			       : "installé %.1f jours ouvrés après sa publication (",
		       it->delay_days);
	/* published_from says the date and where it comes from */
	srv_html(out, it->published_from ? it->published_from : "?");
	if (en)
		vigie_buf_addf(out, "); a %s fix is due within %d business day%s, by ",
			       cls_label(r, vigie_sla_class_name(it->cls)), dl, dl == 1 ? "" : "s");
	else
		vigie_buf_addf(out, ") ; un correctif %s est dû sous %d jour%s ouvré%s, le ",
			       cls_label(r, vigie_sla_class_name(it->cls)), dl, dl == 1 ? "" : "s",
			       dl == 1 ? "" : "s");
	time_text(out, it->deadline);
}

int h_api_sla(struct req *r, struct vigie_buf *out)
{
	struct sla_model m;
	yajl_gen g;
	char mon[8];
	int status = sla_compute(r, out, &m);
	if (status) {
		sla_model_release(&m);
		return status;
	}
	snprintf(mon, sizeof(mon), "%04d-%02d", m.year, m.month);
	g = vigie_json_gen_new(out);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.clientsla/2");
	vigie_json_kv_str(g, "client", m.client);
	vigie_json_kv_str(g, "month", mon);
	vigie_json_kv_int(g, "hosts", (int64_t)m.nhosts);
	vigie_json_key(g, "classes");
	yajl_gen_array_open(g);
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) {
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "class", vigie_sla_class_name((enum sla_class)c));
		/* the keys and measures of `vigie sla` and the report */
		vigie_json_kv_int(g, "deadline_business_days", m.pol.deadline_days[c]);
		vigie_json_kv_int(g, "count", (int64_t)m.sum[c].count);
		vigie_json_kv_int(g, "met", (int64_t)m.sum[c].met);
		vigie_sla_measures_json(g, &m.sum[c]);
		/* from the finding history: first seen to resolved */
		vigie_json_key(g, "time_to_remediate");
		yajl_gen_map_open(g);
		vigie_json_kv_int(g, "resolved", (int64_t)m.mttr[c].n);
		vigie_json_key(g, "mean_days");
		if (m.mttr[c].n)
			yajl_gen_double(g, round(m.mttr[c].mean * 100) / 100);
		else
			yajl_gen_null(g);
		vigie_json_key(g, "median_days");
		if (m.mttr[c].n)
			yajl_gen_double(g, round(m.mttr[c].median * 100) / 100);
		else
			yajl_gen_null(g);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_kv_int(g, "undated", (int64_t)m.undated);
	vigie_json_kv_int(g, "followups", (int64_t)m.followups);
	vigie_json_key(g, "items");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < m.nitems; i++) {
		const struct sla_item *it = &m.items[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", m.hosts[m.item_host[i]].name);
		vigie_json_kv_str(g, "cve", it->cve);
		vigie_json_kv_str(g, "package", it->package);
		vigie_json_kv_str(g, "version", it->version);
		vigie_json_kv_str(g, "class", vigie_sla_class_name(it->cls));
		vigie_json_kv_time(g, "published", it->published);
		vigie_json_kv_str(g, "published_from", it->published_from);
		vigie_json_kv_time(g, "installed", it->installed);
		vigie_json_kv_time(g, "deadline", it->deadline);
		vigie_json_key(g, "delay_business_days");
		yajl_gen_double(g, it->delay_days);
		vigie_json_kv_bool(g, "met", it->met);
		vigie_sla_item_effective_json(g, it);
		if (!it->met) {
			struct vigie_buf why = VIGIE_BUF_INIT;
			char lang[8];
			/* the explanation in English for the API */
			memcpy(lang, r->lang, sizeof(lang));
			snprintf(r->lang, sizeof(r->lang), "en");
			breach_text(r, &why, &m, it);
			memcpy(r->lang, lang, sizeof(lang));
			vigie_json_kv_str(g, "breach", why.data ? why.data : "");
			vigie_buf_release(&why);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_free(g);
	vigie_buf_addc(out, '\n');
	r->content_type = "application/json";
	sla_model_release(&m);
	return 200;
}

/* Two cells of days (class ca and cb, prec decimals) ending a row, or
 * dashes when there is nothing to measure. */
static void day_cells(struct req *r, struct vigie_buf *out, int have, const char *ca, double a,
		      const char *cb, double b, int prec)
{
	if (have)
		vigie_buf_addf(out, "<td class=\"%s\">%.*f %s</td><td class=\"%s\">%.*f %s</td></tr>\n",
			       ca, prec, a, T(r, "days", "jours"), cb, prec, b, T(r, "days", "jours"));
	else
		vigie_buf_addf(out, "<td class=\"%s\">–</td><td class=\"%s\">–</td></tr>\n", ca, cb);
}

int h_page_sla(struct req *r, struct vigie_buf *out)
{
	struct sla_model m;
	char title[VIGIE_NAME_MAX + 64];
	size_t nbreach = 0;
	int status = sla_compute(r, out, &m);
	if (status) {
		sla_model_release(&m);
		return status;
	}
	snprintf(title, sizeof(title), "%s — SLA %04d-%02d", m.client, m.year, m.month);
	page_begin(r, out, title);
	vigie_buf_addf(out, "<p class=\"nav\"><a href=\"/clients/");
	srv_html(out, m.client);
	vigie_buf_addf(out, "/sla?month=%04d-%02d\">%s</a> · <a href=\"/clients/",
		       m.month == 1 ? m.year - 1 : m.year, m.month == 1 ? 12 : m.month - 1,
		       T(r, "previous month", "mois précédent"));
	srv_html(out, m.client);
	vigie_buf_addf(out, "/sla?month=%04d-%02d\">%s</a></p>\n",
		       m.month == 12 ? m.year + 1 : m.year, m.month == 12 ? 1 : m.month + 1,
		       T(r, "next month", "mois suivant"));
	vigie_buf_addf(out, "<table id=\"classes\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
		       T(r, "Class", "Classe"), T(r, "Deadline", "Délai"),
		       T(r, "Met / total", "Respectés / total"),
		       T(r, "Median delay", "Délai médian"), T(r, "90th percentile", "90e centile"));
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) {
		const char *name = vigie_sla_class_name((enum sla_class)c);
		vigie_buf_addf(out, "<tr data-class=\"%s\"><td class=\"%s\">%s</td>"
				    "<td class=\"n\">%d %s</td>"
				    "<td class=\"n\"><span class=\"met\">%zu</span> / "
				    "<span class=\"total\">%zu</span></td>",
			       name, cls_css(name), cls_label(r, name), m.pol.deadline_days[c],
			       m.pol.deadline_days[c] == 1 ? T(r, "business day", "jour ouvré")
							   : T(r, "business days", "jours ouvrés"), m.sum[c].met, m.sum[c].count);
		/* no fix this month: no delay to tell */
		day_cells(r, out, m.sum[c].count > 0, "n", m.sum[c].median_days, "n",
			  m.sum[c].p90_days, 1);
	}
	vigie_buf_adds(out, "</tbody></table>\n");
	/* MTTR, from the finding history */
	vigie_buf_addf(out, "<h2>%s</h2><p class=\"muted\">%s</p>"
			    "<table id=\"mttr\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th></tr></thead><tbody>\n",
		       T(r, "Time to remediate", "Délai de remédiation"),
		       T(r, "Findings of the client's hosts resolved this month, from the first"
			    " inventory that showed them to the first that no longer did (calendar"
			    " days).",
			 "Vulnérabilités des serveurs du client résolues ce mois-ci, du premier"
			 " inventaire qui les montrait au premier qui ne les montrait plus (jours"
			 " calendaires)."),
		       T(r, "Class", "Classe"), T(r, "Resolved", "Résolues"),
		       T(r, "Mean (MTTR)", "Moyenne (MTTR)"), T(r, "Median", "Médiane"));
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) {
		const char *name = vigie_sla_class_name((enum sla_class)c);
		vigie_buf_addf(out, "<tr data-class=\"%s\"><td class=\"%s\">%s</td>"
				    "<td class=\"n resolved\">%zu</td>",
			       name, cls_css(name), cls_label(r, name), m.mttr[c].n);
		day_cells(r, out, m.mttr[c].n > 0, "n mean", m.mttr[c].mean, "n median",
			  m.mttr[c].median, 2);
	}
	vigie_buf_adds(out, "</tbody></table>\n");
	if (m.undated || m.followups)
		vigie_buf_addf(out, "<p class=\"muted\">%s: %zu · %s: %zu</p>\n",
			       T(r, "Fixes without a publication date (not counted)",
				 "Correctifs sans date de publication (non comptés)"),
			       m.undated, T(r, "follow-up fixes (not counted)",
					    "correctifs de suivi (non comptés)"),
			       m.followups);
	for (size_t i = 0; i < m.nitems; i++)
		nbreach += !m.items[i].met;
	vigie_buf_addf(out, "<h2>%s (<span id=\"nbreaches\">%zu</span>)</h2>\n",
		       T(r, "Breaches", "Dépassements"), nbreach);
	if (nbreach) {
		vigie_buf_addf(out, "<table id=\"breaches\"><thead><tr><th>%s</th><th>%s</th>"
				    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
			       T(r, "Host", "Serveur"), T(r, "CVE", "CVE"),
			       T(r, "Package", "Paquet"), T(r, "Published", "Publié"),
			       T(r, "Installed", "Installé"), T(r, "Why", "Pourquoi"));
		for (size_t i = 0; i < m.nitems; i++) {
			const struct sla_item *it = &m.items[i];
			if (it->met)
				continue;
			vigie_buf_adds(out, "<tr><td><a href=\"/hosts/");
			srv_html(out, m.hosts[m.item_host[i]].name);
			vigie_buf_adds(out, "/timeline\">");
			srv_html(out, m.hosts[m.item_host[i]].name);
			vigie_buf_adds(out, "</a></td><td><a href=\"/cves/");
			srv_html(out, it->cve);
			vigie_buf_adds(out, "\">");
			srv_html(out, it->cve);
			vigie_buf_adds(out, "</a></td><td>");
			srv_html(out, it->package);
			vigie_buf_adds(out, " ");
			srv_html(out, it->version);
			vigie_buf_adds(out, "</td><td>");
			time_text(out, it->published);
			vigie_buf_adds(out, "</td><td>");
			time_text(out, it->installed);
			vigie_buf_adds(out, "</td><td>");
			breach_text(r, out, &m, it);
			vigie_buf_adds(out, "</td></tr>\n");
		}
		vigie_buf_adds(out, "</tbody></table>\n");
	} else {
		vigie_buf_addf(out, "<p class=\"ok\">%s</p>\n",
			       T(r, "Every fix was installed within its deadline.",
				 "Chaque correctif a été installé dans les délais."));
	}
	sla_model_release(&m);
	return page_end(r, out);
}
