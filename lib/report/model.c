/* The report model: every number of the monthly report, written once as
 * vigie.report/1 JSON. SLA items come from exactly the calls `vigie sla
 * --from-store` makes (history from the store, stored inventory, security
 * data hooks, timeline, vigie_timeline_sla_items, vigie_sla_summarize). */
#include "vigie/report/report.h"
#include "vigie/report/tz.h"
#include "vigie/app/host.h"
#include "vigie/engine/indexcache.h"
#include "vigie/app/sla.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/secdata.h"
#include "vigie/engine/timeline.h"
#include "vigie/render/json.h"
#include "vigie/store/decisions.h"
#include "vigie/store/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "vigie/render/history_report.h"

#define SILENT_SECONDS (2 * 86400)
#define MAX_DAYS 31

int vigie_report_month_parse(const char *s, int *y, int *m, struct vigie_error *err)
{
	char tail;
	if (s && !strcmp(s, "last")) {
		*y = 0;
		*m = 0;
		return 0;
	}
	if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%c", y, m, &tail) != 2 || s[4] != '-' ||
	    *y < 1970 || *y > 9999 || *m < 1 || *m > 12)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "month '%s': expected YYYY-MM or last", s ? s : "");
	return 0;
}

struct fix {
	const char *cve, *cls, *advisory, *published_from, *host, *package, *binary,
		*old_version, *version;
	int64_t published, installed, deadline;
	double delay;
	int met;
	/* installed is not running: when it took effect (0 unknown), or still
	 * waiting for a restart at the last inventory */
	int64_t effective;
	int effective_pending;
	double effective_delay; /* -1 unknown or pending */
};

struct hostrow {
	const char *name, *release, *lifecycle, *lifecycle_end;
	int64_t id, last_report, inventoried_at;
	long packages;
	int reboot, has_summary;
	/* SLA as `vigie sla` gives it */
	struct sla_summary sum[SLA_NCLASSES];
	size_t nitems, undated, followups;
	const char *note; /* why security data was not used, or NULL */
	int64_t silent_gap, silent_from;
};

struct open_row {
	const char *host, *cve, *source, *cls, *state, *installed, *fixed;
	int64_t first_seen;
};

/* A unit (or process) of a host that its last inventory showed still
 * running replaced code, with what to do. */
struct restart_row {
	const char *host, *unit, *packages, *cves, *action;
};

/* A fix installed before the month's end that processes still did not run
 * at its end (finding history: resolved, in effect later or not yet). */
struct pending_row {
	const char *host, *cve, *source, *cls, *version;
	int64_t installed_at, effective_at; /* effective_at 0: not yet */
};

struct ctx {
	struct vigie_arena a;
	struct vigie_store *s;
	struct vigie_index_cache *cache, *own_cache; /* release indexes */
	const struct vigie_report_opts *o;
	struct vigie_tz tz;
	int64_t start, end, now, year_start;
	int y, m, ndays;
	/* client */
	int found;
	const char *client, *lang, *timezone;
	struct vigie_strv contacts;
	struct hostrow *hosts;
	size_t nhosts, caphosts;
	struct fix *fixes;
	size_t nfixes, capfixes;
	struct sla_item *all;    /* every host's items, for the summary */
	size_t nall, capall;
	struct open_row *open;
	size_t nopen, capopen;
	struct restart_row *restarts;
	size_t nrestarts, caprestarts;
	struct pending_row *pending;
	size_t npending, cappending;
	long day_updates[MAX_DAYS], day_cves[MAX_DAYS];
	long mon_updates[12], mon_cves[12];
	long updates;            /* security updates applied in the month */
	long cves_by_class[SLA_NCLASSES];
	size_t undated, followups;
	/* push gap scan */
	int64_t gap_prev, gap_max, gap_from;
	/* written decisions (revoked ones too: in force part of the month) */
	struct vigie_decisions dec;
};

static const char *dup(struct ctx *c, const char *s)
{
	return s ? vigie_arena_strdup(&c->a, s) : NULL;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *p = realloc(*v, nc * size);
	if (!p)
		return -1;
	*v = p;
	*cap = nc;
	return 0;
}

static int client_cb(void *ud, const struct store_client *cl)
{
	struct ctx *c = ud;
	if (strcmp(cl->name, c->o->client))
		return 0;
	c->found = 1;
	c->client = dup(c, cl->name);
	c->lang = dup(c, cl->lang);
	c->timezone = dup(c, cl->timezone);
	return 0;
}

static int contact_cb(void *ud, const char *email)
{
	struct ctx *c = ud;
	return vigie_strv_push(&c->contacts, email) ? VIGIE_ENOMEM : 0;
}

static int fleet_cb(void *ud, const struct store_fleet_host *h)
{
	struct ctx *c = ud;
	struct hostrow *r;
	if (grow((void **)&c->hosts, &c->caphosts, c->nhosts, sizeof(*c->hosts)))
		return VIGIE_ENOMEM;
	r = &c->hosts[c->nhosts++];
	memset(r, 0, sizeof(*r));
	r->id = h->id;
	r->name = dup(c, h->name);
	r->release = dup(c, h->release);
	r->inventoried_at = h->inventoried_at;
	r->last_report = h->last_push > h->inventoried_at ? h->last_push : h->inventoried_at;
	r->packages = h->packages;
	r->has_summary = h->has_summary;
	if (h->has_summary) {
		r->reboot = h->sum.reboot;
		r->lifecycle = dup(c, h->sum.lifecycle);
		r->lifecycle_end = dup(c, h->sum.lifecycle_end);
	}
	return 0;
}

static int history_cb(void *ud, const struct store_history_row *r)
{
	struct ctx *c = ud;
	struct open_row *o;
	/* installed before the month's end, not in effect at its end: a
	 * restart was waited for (in effect later than installed, or still) */
	if (r->resolved_at && r->resolved_at < c->end &&
	    (r->restart_pending || (r->effective_at > r->resolved_at && r->effective_at >= c->end))) {
		struct pending_row *p;
		if (grow((void **)&c->pending, &c->cappending, c->npending, sizeof(*c->pending)))
			return VIGIE_ENOMEM;
		p = &c->pending[c->npending++];
		p->host = dup(c, r->host);
		p->cve = dup(c, r->cve);
		p->source = dup(c, r->source);
		p->cls = dup(c, r->cls ? r->cls : "standard");
		p->version = dup(c, r->resolved_version);
		p->installed_at = r->resolved_at;
		p->effective_at = r->restart_pending ? 0 : r->effective_at;
		return 0;
	}
	/* open at the month's end: seen before it, not resolved before it */
	if (r->first_seen >= c->end || (r->resolved_at && r->resolved_at < c->end))
		return 0;
	if (grow((void **)&c->open, &c->capopen, c->nopen, sizeof(*c->open)))
		return VIGIE_ENOMEM;
	o = &c->open[c->nopen++];
	o->host = dup(c, r->host);
	o->cve = dup(c, r->cve);
	o->source = dup(c, r->source);
	o->cls = dup(c, r->cls ? r->cls : "standard");
	o->state = dup(c, r->state);
	o->installed = dup(c, r->installed_version);
	o->fixed = dup(c, r->fixed_version);
	o->first_seen = r->first_seen;
	return 0;
}

static int push_cb(void *ud, int64_t t)
{
	struct ctx *c = ud;
	if (t - c->gap_prev > c->gap_max) {
		c->gap_max = t - c->gap_prev;
		c->gap_from = c->gap_prev;
	}
	c->gap_prev = t;
	return 0;
}

/* Local day index in the month of t, -1 outside. */
static int day_of(struct ctx *c, int64_t t)
{
	int y, m, d;
	if (t < c->start || t >= c->end)
		return -1;
	vigie_tz_civil(&c->tz, t, &y, &m, &d, NULL, NULL);
	return d - 1;
}

static int month_of(struct ctx *c, int64_t t)
{
	int y, m, d;
	if (t < c->year_start || t >= c->end)
		return -1;
	vigie_tz_civil(&c->tz, t, &y, &m, &d, NULL, NULL);
	return 11 - ((c->y * 12 + c->m) - (y * 12 + m));
}

/* The upgrade of tl that installed item it (the first one naming it). */
static const struct timeline_upgrade *upgrade_of(const struct timeline *tl,
						 const struct sla_item *it)
{
	for (size_t i = 0; i < tl->n; i++) {
		const struct timeline_upgrade *u = &tl->ups[i];
		if (u->ev->time != it->installed)
			continue;
		for (size_t j = 0; j < u->ncves; j++)
			if (!strcmp(u->cves[j].cve, it->cve) &&
			    (!*u->cves[j].source || !strcmp(u->cves[j].source, it->package)))
				return u;
	}
	return NULL;
}

/* What the host's last inventory showed still running replaced code, as
 * the host page shows it (the host as last judged, like reboot needed). */
static int host_restarts(struct ctx *c, const struct hostrow *r, struct vigie_error *err)
{
	struct vigie_arena A;
	struct store_restart st;
	struct inventory inv;
	struct scan_result res;
	struct vigie_buf pk = VIGIE_BUF_INIT, cv = VIGIE_BUF_INIT;
	int known = 0, have = 0, rc;

	vigie_arena_init(&A);
	vigie_inventory_init(&inv);
	rc = vigie_store_host_restart_get(c->s, r->id, &st, &known, &A, err);
	if (rc || !known || !st.n)
		goto out;
	if ((rc = vigie_app_host_scan(c->s, r->name, c->o->policy, &inv, &res, &have, err)))
		goto out;
	for (size_t i = 0; have && res.restart && i < res.restart->n; i++) {
		const struct scan_restart_unit *u = &res.restart->units[i];
		struct restart_row *x;
		vigie_buf_reset(&pk);
		vigie_buf_reset(&cv);
		for (size_t k = 0; k < u->npkgs; k++) {
			const struct scan_restart_pkg *p = &u->pkgs[k];
			vigie_buf_addf(&pk, "%s%s %s → %s", k ? ", " : "", p->package,
				       p->running_version ? p->running_version : "?",
				       p->version ? p->version : "?");
			for (size_t j = 0; j < p->ncves; j++)
				vigie_buf_addf(&cv, "%s%s", cv.len ? ", " : "", p->cves[j]);
		}
		if (grow((void **)&c->restarts, &c->caprestarts, c->nrestarts, sizeof(*c->restarts)) ||
		    !pk.data) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			break;
		}
		x = &c->restarts[c->nrestarts++];
		x->host = r->name;
		if (u->unit) {
			x->unit = dup(c, u->unit);
		} else {
			char pb[256];
			snprintf(pb, sizeof(pb), "%d %s", u->pids[0], u->comms[0]);
			x->unit = dup(c, pb);
		}
		x->packages = dup(c, pk.data);
		x->cves = dup(c, cv.data ? cv.data : "");
		x->action = dup(c, u->action);
	}
	if (have)
		vigie_scan_result_release(&res);
out:
	vigie_buf_release(&pk);
	vigie_buf_release(&cv);
	vigie_inventory_release(&inv);
	vigie_arena_release(&A);
	return rc;
}

static int do_host(struct ctx *c, struct hostrow *r, struct vigie_error *err)
{
	struct vigie_host_sla hs;
	struct timeline ty;
	struct timeline_opts to;
	struct timeline_sla_hooks hooks;
	struct sla_item *items, *yitems = NULL;
	struct secdata *sd;
	size_t ny = 0, yund = 0, yfol = 0;
	int rc;

	memset(&ty, 0, sizeof(ty));
	memset(&to, 0, sizeof(to));
	/* the month's SLA: the very function `vigie sla --from-store` calls */
	if ((rc = vigie_app_host_sla(&hs, c->s, c->cache, r->name, NULL, c->o->policy, c->o->sla,
				     c->start, c->end, err)))
		goto out;
	items = hs.items;
	sd = hs.sd;
	r->nitems = hs.nitems;
	r->undated = hs.undated;
	r->followups = hs.followups;
	memcpy(r->sum, hs.sum, sizeof(r->sum));
	if (hs.release_unknown)
		r->note = "release unknown";
	else if (hs.note[0])
		r->note = dup(c, hs.note);
	to.root = "-";
	if (sd) {
		to.extra = vigie_secdata_timeline_cves;
		to.extra_ud = sd;
		vigie_secdata_sla_hooks(sd, &hooks);
	}
	to.until = c->end;
	c->undated += r->undated;
	c->followups += r->followups;
	for (size_t i = 0; i < r->nitems; i++) {
		const struct sla_item *it = &items[i];
		const struct timeline_upgrade *u = upgrade_of(&hs.tl, it);
		const char *adv = NULL, *cls = NULL;
		struct fix *f;
		if (grow((void **)&c->fixes, &c->capfixes, c->nfixes, sizeof(*c->fixes)) ||
		    grow((void **)&c->all, &c->capall, c->nall, sizeof(*c->all)))
			goto oom;
		if (sd)
			vigie_secdata_annotate(sd, it->cve, it->package, it->version, &adv, &cls);
		f = &c->fixes[c->nfixes++];
		memset(f, 0, sizeof(*f));
		f->cve = dup(c, it->cve);
		f->cls = vigie_sla_class_name(it->cls);
		f->advisory = dup(c, adv);
		f->published_from = dup(c, it->published_from);
		f->host = r->name;
		f->package = dup(c, it->package);
		f->binary = u ? dup(c, u->ev->package) : NULL;
		f->old_version = u && u->ev->old_version ? dup(c, u->ev->old_version) : NULL;
		f->version = dup(c, it->version);
		f->published = it->published;
		f->installed = it->installed;
		f->deadline = it->deadline;
		f->delay = it->delay_days;
		f->met = it->met;
		f->effective = it->effective;
		f->effective_pending = it->effective_pending;
		f->effective_delay = it->effective_days;
		c->all[c->nall] = *it;
		c->all[c->nall].cve = f->cve;
		c->all[c->nall].package = f->package;
		c->all[c->nall].version = f->version;
		c->all[c->nall++].published_from = f->published_from;
		c->cves_by_class[it->cls]++;
		if (!f->cve || !f->package || !f->version || !f->published_from)
			goto oom;
	}
	/* per day and per month: upgrades that fixed CVEs, and the fixes
	 * measured by the SLA (one per CVE and source package) */
	for (size_t i = 0; i < hs.tl.n; i++) {
		int d = day_of(c, hs.tl.ups[i].ev->time);
		if (!hs.tl.ups[i].ncves || d < 0)
			continue;
		c->updates++;
		c->day_updates[d]++;
	}
	for (size_t i = 0; i < r->nitems; i++) {
		int d = day_of(c, items[i].installed);
		if (d >= 0)
			c->day_cves[d]++;
	}
	/* twelve months ending with this one, same definitions */
	to.since = c->year_start;
	if ((rc = vigie_timeline_build(&ty, &hs.h, &to, err)) ||
	    (rc = vigie_timeline_sla_items(&yitems, &ny, &yund, &yfol, &ty, c->o->sla,
					   sd ? &hooks : NULL, err)))
		goto out;
	for (size_t i = 0; i < ty.n; i++) {
		int k = month_of(c, ty.ups[i].ev->time);
		if (ty.ups[i].ncves && k >= 0 && k <= 11)
			c->mon_updates[k]++;
	}
	for (size_t i = 0; i < ny; i++) {
		int k = month_of(c, yitems[i].installed);
		if (k >= 0 && k <= 11)
			c->mon_cves[k]++;
	}
	if ((rc = host_restarts(c, r, err)))
		goto out;
	/* silence: the longest stretch without a document in the month (from
	 * its start, or the host's first inventory, to the month's end or now) */
	if (c->start < c->now) {
		int64_t stop = c->end < c->now ? c->end : c->now;
		c->gap_prev = r->inventoried_at > c->start && r->inventoried_at < stop
				      ? r->inventoried_at : c->start;
		if (r->inventoried_at >= stop)
			c->gap_prev = stop; /* not there yet: never silent */
		c->gap_max = 0;
		c->gap_from = 0;
		if ((rc = vigie_store_push_times_each(c->s, r->id, c->gap_prev, stop, push_cb, c,
						      err)))
			goto out;
		if (r->inventoried_at > c->gap_prev && r->inventoried_at < stop)
			push_cb(c, r->inventoried_at);
		push_cb(c, stop);
		if (c->gap_max > SILENT_SECONDS) {
			r->silent_gap = c->gap_max;
			r->silent_from = c->gap_from;
		}
	}
	rc = 0;
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	free(yitems);
	vigie_timeline_release(&ty);
	vigie_host_sla_release(&hs);
	return rc;
}

/* ---- JSON ---- */

static void knum(yajl_gen g, const char *k, double v)
{
	char buf[64];
	vigie_json_key(g, k);
	snprintf(buf, sizeof(buf), "%.3f", v); /* as `vigie sla --format json` */
	yajl_gen_number(g, buf, strlen(buf));
}

static void kday(yajl_gen g, const char *k, int y, int m, int d)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	vigie_json_kv_str(g, k, buf);
}

/* A time in the client's zone, "2026-11-03T14:05+01:00", next to the UTC one. */
static void klocal(struct ctx *c, yajl_gen g, const char *k, int64_t t)
{
	char buf[40];
	int y, m, d, hh, mm;
	int32_t off = vigie_tz_offset(&c->tz, t);
	vigie_json_key(g, k);
	if (!t) {
		yajl_gen_null(g);
		return;
	}
	vigie_tz_civil(&c->tz, t, &y, &m, &d, &hh, &mm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", y, m, d, hh, mm,
		 off < 0 ? '-' : '+', abs(off) / 3600, abs(off) / 60 % 60);
	vigie_json_str(g, buf);
}

static int cmp_fix(const void *a, const void *b)
{
	const struct fix *x = a, *y = b;
	if (x->met != y->met)
		return x->met - y->met; /* breaches first */
	if (x->installed != y->installed)
		return x->installed < y->installed ? -1 : 1;
	int k = strcmp(x->host, y->host);
	return k ? k : strcmp(x->cve, y->cve);
}

static int cls_rank(const char *cls)
{
	int k = vigie_sla_class_parse(cls ? cls : "standard");
	return k < 0 ? 0 : k;
}

static int cmp_open(const void *a, const void *b)
{
	const struct open_row *x = a, *y = b;
	int k = cls_rank(y->cls) - cls_rank(x->cls);
	if (k)
		return k;
	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	k = strcmp(x->host, y->host);
	return k ? k : strcmp(x->cve, y->cve);
}

static void sla_summary_json(yajl_gen g, const struct sla_summary *sum, const struct sla_policy *p)
{
	vigie_json_key(g, "sla");
	yajl_gen_array_open(g);
	for (int k = SLA_NCLASSES - 1; k >= 0; k--) { /* most critical first, as `vigie sla` */
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "class", vigie_sla_class_name((enum sla_class)k));
		vigie_json_kv_int(g, "count", (int64_t)sum[k].count);
		vigie_json_kv_int(g, "met", (int64_t)sum[k].met);
		vigie_sla_measures_json(g, &sum[k]); /* as `vigie sla` */
		vigie_json_kv_int(g, "deadline_business_days", p->deadline_days[k]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static int source_cb(void *ud, const struct store_source *src)
{
	yajl_gen g = ud;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", src->name);
	vigie_json_kv_time(g, "imported_at", src->imported_at);
	vigie_json_kv_time(g, "data_date", src->data_date);
	vigie_json_kv_int(g, "rows", src->rows);
	yajl_gen_map_close(g);
	return 0;
}

/* "YYYY-MM-DD" end of support within six months after the month's end
 * (or already past). */
static int support_ending(struct ctx *c, const char *end)
{
	int y, m, d;
	if (!end || sscanf(end, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	int mm = c->y * 12 + c->m + 6; /* six months after the month's end */
	int64_t limit = vigie_days_from_civil(mm / 12, mm % 12 + 1, 1) - 1;
	return vigie_days_from_civil(y, m, d) <= limit;
}

static int write_json(struct ctx *c, struct vigie_buf *out, struct vigie_error *err)
{
	yajl_gen g = vigie_json_gen_new(out);
	struct sla_summary sum[SLA_NCLASSES];
	char buf[64];
	int rc, y, m, d;
	long open_cls[SLA_NCLASSES] = { 0 };

	if (!g)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if ((rc = vigie_sla_summarize(sum, c->all, c->nall, err)))
		goto out;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", VIGIE_REPORT_SCHEMA);
	vigie_json_kv_str(g, "lang", c->o->lang ? c->o->lang : c->lang ? c->lang : "fr");
	vigie_json_key(g, "client");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", c->client);
	vigie_json_kv_str(g, "timezone", c->tz.name);
	vigie_json_kv_str(g, "lang", c->lang);
	vigie_json_key(g, "contacts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->contacts.n; i++)
		vigie_json_str(g, c->contacts.v[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	snprintf(buf, sizeof(buf), "%04d-%02d", c->y, c->m);
	vigie_json_kv_str(g, "month", buf);
	vigie_json_key(g, "period");
	yajl_gen_map_open(g);
	vigie_json_kv_time(g, "start", c->start);
	vigie_json_kv_time(g, "end", c->end);
	klocal(c, g, "start_local", c->start);
	klocal(c, g, "end_local", c->end);
	vigie_json_kv_bool(g, "complete", c->end <= c->now);
	yajl_gen_map_close(g);
	vigie_json_kv_time(g, "generated_at", c->now);
	vigie_json_key(g, "sources");
	yajl_gen_array_open(g);
	if ((rc = vigie_store_sources_each(c->s, source_cb, g, err)))
		goto out;
	yajl_gen_array_close(g);
	vigie_json_key(g, "sla_policy");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "country", c->o->sla->cal.country);
	vigie_json_key(g, "deadline_business_days");
	yajl_gen_map_open(g);
	for (int k = SLA_NCLASSES - 1; k >= 0; k--)
		vigie_json_kv_int(g, vigie_sla_class_name((enum sla_class)k),
				  c->o->sla->deadline_days[k]);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	vigie_json_key(g, "hosts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nhosts; i++) {
		const struct hostrow *r = &c->hosts[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "name", r->name);
		vigie_json_kv_str(g, "release", r->release);
		vigie_json_kv_int(g, "packages", r->packages);
		vigie_json_kv_time(g, "last_report", r->last_report);
		vigie_json_kv_bool(g, "reboot_required", r->reboot);
		vigie_json_kv_str(g, "lifecycle", r->lifecycle);
		vigie_json_kv_str(g, "support_end", r->lifecycle_end);
		vigie_json_kv_str(g, "security_data_note", r->note);
		vigie_json_key(g, "silent_days");
		if (r->silent_gap) {
			snprintf(buf, sizeof(buf), "%.1f", r->silent_gap / 86400.0);
			yajl_gen_number(g, buf, strlen(buf));
		} else {
			yajl_gen_null(g);
		}
		vigie_json_kv_time(g, "silent_since", r->silent_from);
		vigie_json_key(g, "host_sla");
		yajl_gen_map_open(g);
		sla_summary_json(g, r->sum, c->o->sla);
		vigie_json_kv_int(g, "undated_fixes", (int64_t)r->undated);
		vigie_json_kv_int(g, "followup_fixes", (int64_t)r->followups);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);

	for (size_t i = 0; i < c->nopen; i++)
		open_cls[cls_rank(c->open[i].cls)]++;
	vigie_json_key(g, "summary");
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "hosts", (int64_t)c->nhosts);
	vigie_json_kv_int(g, "security_updates", c->updates);
	vigie_json_key(g, "cves_fixed");
	yajl_gen_map_open(g);
	for (int k = SLA_NCLASSES - 1; k >= 0; k--)
		vigie_json_kv_int(g, vigie_sla_class_name((enum sla_class)k), c->cves_by_class[k]);
	vigie_json_kv_int(g, "total", (int64_t)c->nall);
	yajl_gen_map_close(g);
	sla_summary_json(g, sum, c->o->sla);
	vigie_json_kv_int(g, "undated_fixes", (int64_t)c->undated);
	vigie_json_kv_int(g, "followup_fixes", (int64_t)c->followups);
	vigie_json_key(g, "open_at_month_end");
	yajl_gen_map_open(g);
	for (int k = SLA_NCLASSES - 1; k >= 0; k--)
		vigie_json_kv_int(g, vigie_sla_class_name((enum sla_class)k), open_cls[k]);
	vigie_json_kv_int(g, "total", (int64_t)c->nopen);
	yajl_gen_map_close(g);
	vigie_json_kv_int(g, "not_in_effect_at_month_end", (int64_t)c->npending);
	vigie_json_key(g, "reboot_required");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nhosts; i++)
		if (c->hosts[i].reboot)
			vigie_json_str(g, c->hosts[i].name);
	yajl_gen_array_close(g);
	vigie_json_key(g, "support_ending");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nhosts; i++)
		if (support_ending(c, c->hosts[i].lifecycle_end)) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "host", c->hosts[i].name);
			vigie_json_kv_str(g, "release", c->hosts[i].release);
			vigie_json_kv_str(g, "date", c->hosts[i].lifecycle_end);
			yajl_gen_map_close(g);
		}
	yajl_gen_array_close(g);
	vigie_json_key(g, "silent_hosts");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nhosts; i++)
		if (c->hosts[i].silent_gap) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "host", c->hosts[i].name);
			snprintf(buf, sizeof(buf), "%.1f", c->hosts[i].silent_gap / 86400.0);
			vigie_json_key(g, "days");
			yajl_gen_number(g, buf, strlen(buf));
			vigie_json_kv_time(g, "since", c->hosts[i].silent_from);
			yajl_gen_map_close(g);
		}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);

	vigie_json_key(g, "updates_per_day");
	yajl_gen_array_open(g);
	for (int i = 0; i < c->ndays; i++) {
		yajl_gen_map_open(g);
		kday(g, "date", c->y, c->m, i + 1);
		vigie_json_kv_int(g, "updates", c->day_updates[i]);
		vigie_json_kv_int(g, "cves", c->day_cves[i]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_key(g, "histogram");
	yajl_gen_array_open(g);
	for (int i = 0; i < 12; i++) {
		int mm = c->y * 12 + (c->m - 1) - (11 - i);
		yajl_gen_map_open(g);
		snprintf(buf, sizeof(buf), "%04d-%02d", mm / 12, mm % 12 + 1);
		vigie_json_kv_str(g, "month", buf);
		vigie_json_kv_int(g, "updates", c->mon_updates[i]);
		vigie_json_kv_int(g, "cves", c->mon_cves[i]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);

	if (c->nfixes)
		qsort(c->fixes, c->nfixes, sizeof(*c->fixes), cmp_fix);
	vigie_json_key(g, "fixes");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nfixes; i++) {
		const struct fix *f = &c->fixes[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "cve", f->cve);
		vigie_json_kv_str(g, "class", f->cls);
		vigie_json_kv_str(g, "advisory", f->advisory);
		vigie_json_kv_time(g, "published", f->published);
		vigie_json_kv_str(g, "published_from", f->published_from);
		vigie_json_kv_str(g, "host", f->host);
		vigie_json_kv_str(g, "package", f->package);
		vigie_json_kv_str(g, "binary", f->binary);
		vigie_json_kv_str(g, "old_version", f->old_version);
		vigie_json_kv_str(g, "version", f->version);
		vigie_json_kv_time(g, "installed", f->installed);
		klocal(c, g, "installed_local", f->installed);
		vigie_json_kv_time(g, "deadline", f->deadline);
		klocal(c, g, "deadline_local", f->deadline);
		knum(g, "delay_business_days", f->delay);
		vigie_json_kv_bool(g, "met", f->met);
		vigie_json_kv_time(g, "effective", f->effective);
		klocal(c, g, "effective_local", f->effective);
		vigie_json_kv_bool(g, "effective_pending", f->effective_pending);
		vigie_json_key(g, "effective_delay_business_days");
		if (f->effective_delay >= 0) {
			snprintf(buf, sizeof(buf), "%.4f", f->effective_delay);
			yajl_gen_number(g, buf, strlen(buf));
		} else {
			yajl_gen_null(g);
		}
		/* the cause of a breach, as data: how late past the deadline */
		vigie_json_key(g, "late_hours");
		if (f->met) {
			yajl_gen_null(g);
		} else {
			snprintf(buf, sizeof(buf), "%.1f", (f->installed - f->deadline) / 3600.0);
			yajl_gen_number(g, buf, strlen(buf));
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);

	if (c->nopen)
		qsort(c->open, c->nopen, sizeof(*c->open), cmp_open);
	vigie_json_key(g, "open_findings");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nopen; i++) {
		const struct open_row *o = &c->open[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", o->host);
		vigie_json_kv_str(g, "cve", o->cve);
		vigie_json_kv_str(g, "source", o->source);
		vigie_json_kv_str(g, "class", o->cls);
		vigie_json_kv_time(g, "open_since", o->first_seen);
		vigie_json_kv_str(g, "state", o->state);
		vigie_json_kv_str(g, "installed_version", o->installed);
		vigie_json_kv_str(g, "fixed_version", o->fixed);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	/* what still ran replaced code at the hosts' last inventories */
	vigie_json_key(g, "restart_needed");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->nrestarts; i++) {
		const struct restart_row *x = &c->restarts[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", x->host);
		vigie_json_kv_str(g, "unit", x->unit);
		vigie_json_kv_str(g, "packages", x->packages);
		vigie_json_kv_str(g, "cves", x->cves);
		vigie_json_kv_str(g, "action", x->action);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	/* installed is not running: fixes on disk that processes still did
	 * not run at the month's end */
	vigie_json_key(g, "not_in_effect");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->npending; i++) {
		const struct pending_row *p = &c->pending[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", p->host);
		vigie_json_kv_str(g, "cve", p->cve);
		vigie_json_kv_str(g, "source", p->source);
		vigie_json_kv_str(g, "class", p->cls);
		vigie_json_kv_str(g, "version", p->version);
		vigie_json_kv_time(g, "seen_installed_at", p->installed_at);
		klocal(c, g, "seen_installed_at_local", p->installed_at);
		vigie_json_kv_time(g, "effective_at", p->effective_at);
		klocal(c, g, "effective_at_local", p->effective_at);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);

	/* the written decisions in force at some time of the month on one of
	 * the client's hosts: its own, the client's, every host's */
	vigie_json_key(g, "decisions");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < c->dec.n; i++) {
		const struct vigie_decision *x = &c->dec.v[i];
		int covers = !x->host && c->nhosts && (!x->client || !strcmp(x->client, c->client));
		char day[16];
		for (size_t k = 0; x->host && k < c->nhosts && !covers; k++)
			covers = !strcmp(c->hosts[k].name, x->host);
		if (!covers || x->at >= c->end || (x->expires && x->expires <= c->start) ||
		    (x->revoked && x->revoked <= c->start))
			continue;
		yajl_gen_map_open(g);
		vigie_json_kv_int(g, "id", x->id);
		vigie_json_kv_str(g, "cve", x->cve);
		vigie_json_kv_str(g, "scope", x->host ? "host" : x->client ? "client" : "fleet");
		vigie_json_kv_str(g, "host", x->host);
		vigie_json_kv_str(g, "status", x->status);
		vigie_json_kv_str(g, "justification", x->justification);
		vigie_json_kv_str(g, "by", x->by);
		vigie_json_kv_str(g, "reason", x->reason);
		vigie_json_kv_time(g, "since", x->at);
		vigie_json_kv_str(g, "until", x->expires ? vigie_date_format(x->expires - 86400, day,
									   sizeof(day)) : NULL);
		vigie_json_kv_time(g, "revoked", x->revoked);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (!out->len)
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "cannot write the report");
	(void)y, (void)m, (void)d;
out:
	yajl_gen_free(g);
	return rc;
}

int vigie_report_model(struct vigie_buf *out, struct vigie_store *s, const char *scope,
		       const struct vigie_report_opts *o, struct vigie_error *err)
{
	struct ctx c;
	int rc, y, m, d;

	memset(&c, 0, sizeof(c));
	vigie_arena_init(&c.a);
	vigie_strv_init(&c.contacts);
	vigie_decisions_init(&c.dec);
	c.s = s;
	c.o = o;
	c.now = o->now ? o->now : vigie_now();
	c.cache = o->cache;
	if (!c.cache) {
		if (vigie_index_cache_new(&c.own_cache)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		c.cache = c.own_cache;
	}
	/* the scope is in the query: another client's name finds nothing */
	if ((rc = vigie_store_clients_each(s, scope, client_cb, &c, err)))
		goto out;
	if (!c.found) {
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0, "no client '%s'", o->client);
		goto out;
	}
	if (o->lang && strcmp(o->lang, "fr") && strcmp(o->lang, "en")) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "language '%s': fr or en", o->lang);
		goto out;
	}
	if ((rc = vigie_tz_load(&c.tz, c.timezone ? c.timezone : "Europe/Paris", err)))
		goto out;
	c.y = o->year;
	c.m = o->month;
	if (!c.m) { /* the last complete month in the client's zone */
		vigie_tz_civil(&c.tz, c.now, &y, &m, &d, NULL, NULL);
		c.y = m == 1 ? y - 1 : y;
		c.m = m == 1 ? 12 : m - 1;
	}
	c.start = vigie_tz_midnight(&c.tz, c.y, c.m, 1);
	c.end = vigie_tz_midnight(&c.tz, c.y, c.m + 1, 1);
	c.year_start = vigie_tz_midnight(&c.tz, c.y, c.m - 11, 1);
	c.ndays = (int)(vigie_days_from_civil(c.m == 12 ? c.y + 1 : c.y, c.m == 12 ? 1 : c.m + 1, 1) -
			vigie_days_from_civil(c.y, c.m, 1));
	if ((rc = vigie_store_client_contacts_each(s, c.client, contact_cb, &c, err)) ||
	    (rc = vigie_store_fleet_hosts_each(s, c.client, fleet_cb, &c, err)))
		goto out;
	for (size_t i = 0; i < c.nhosts; i++)
		if ((rc = do_host(&c, &c.hosts[i], err)))
			goto out;
	if ((rc = vigie_store_finding_history_each(s, c.client, NULL, NULL, 0, history_cb, &c, err)))
		goto out;
	if ((rc = vigie_store_decisions_load(s, 1, &c.dec, err)))
		goto out;
	rc = write_json(&c, out, err);
out:
	vigie_tz_release(&c.tz);
	free(c.hosts);
	free(c.fixes);
	free(c.all);
	free(c.open);
	free(c.pending);
	free(c.restarts);
	vigie_strv_release(&c.contacts);
	vigie_decisions_release(&c.dec);
	vigie_arena_release(&c.a);
	vigie_index_cache_free(c.own_cache);
	return rc;
}
