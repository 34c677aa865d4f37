/* From the vigie.report/1 JSON to translated, formatted blocks. Every
 * string a reader sees is built here, through T() (the .mo catalogue of
 * the report's language) and the language's date and number rules. */
#include "view.h"
#include "vigie/report/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

yajl_val vigie_rv_get(yajl_val obj, const char *key)
{
	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return obj->u.object.values[i];
	return NULL;
}

const char *vigie_rv_str(yajl_val obj, const char *key)
{
	yajl_val v = vigie_rv_get(obj, key);
	return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

/* obj's string key, or dflt when absent (never NULL into a format) */
static const char *rv_str_or(yajl_val obj, const char *key, const char *dflt)
{
	const char *s = vigie_rv_str(obj, key);
	return s ? s : dflt;
}

double vigie_rv_num(yajl_val obj, const char *key)
{
	yajl_val v = vigie_rv_get(obj, key);
	return v && YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : 0;
}

static size_t alen(yajl_val a)
{
	return a && YAJL_IS_ARRAY(a) ? a->u.array.len : 0;
}

static yajl_val aat(yajl_val a, size_t i)
{
	return a->u.array.values[i];
}

static const char *fmt(struct rv *v, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(struct rv *v, const char *f, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return vigie_arena_strdup(&v->a, buf);
}

static struct rv_block *add(struct rv *v, enum rv_kind k, const char *text)
{
	struct rv_block *b;
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 32;
		void *p = realloc(v->b, nc * sizeof(*v->b));
		if (!p)
			return NULL;
		v->b = p;
		v->cap = nc;
	}
	b = &v->b[v->n++];
	memset(b, 0, sizeof(*b));
	b->kind = k;
	b->text = text;
	return b;
}

static int table(struct rv_block *b, struct rv *v, size_t ncols, size_t nrows)
{
	b->ncols = ncols;
	b->nrows = 0;
	b->head = vigie_arena_alloc(&v->a, ncols * sizeof(*b->head));
	b->cells = vigie_arena_alloc(&v->a, (nrows ? nrows : 1) * ncols * sizeof(*b->cells));
	b->flag = vigie_arena_alloc(&v->a, (nrows ? nrows : 1) * sizeof(*b->flag));
	if (!b->head || !b->cells || !b->flag)
		return -1;
	memset(b->flag, 0, (nrows ? nrows : 1) * sizeof(*b->flag));
	return 0;
}

static void row(struct rv_block *b, ...)
{
	va_list ap;
	va_start(ap, b);
	for (size_t i = 0; i < b->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		b->cells[b->nrows * b->ncols + i] = s ? s : "";
	}
	va_end(ap);
	b->nrows++;
}

static const char *cls_name(struct rv *v, const char *cls)
{
	if (!cls)
		return T("standard");
	if (!strcmp(cls, "highly-critical"))
		return T("highly critical");
	if (!strcmp(cls, "critical"))
		return T("critical");
	return T("standard");
}

/* "2026-11-03..." -> "3 novembre 2026"; NULL -> "-". */
static const char *date_of(struct rv *v, const char *iso)
{
	int y, m, d;
	char buf[64];
	if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return "-";
	return vigie_arena_strdup(&v->a, vigie_i18n_date(&v->cat, y, m, d, buf, sizeof(buf)));
}

/* "2026-11-03T14:05+01:00" (local) or "...Z" (UTC) -> "3 novembre 2026 14:05" (+ " UTC"). */
static const char *time_of(struct rv *v, const char *iso)
{
	int y, m, d, hh, mm;
	char buf[64];
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &m, &d, &hh, &mm) != 5)
		return "-";
	vigie_i18n_date(&v->cat, y, m, d, buf, sizeof(buf));
	return fmt(v, "%s %02d:%02d%s", buf, hh, mm, iso[strlen(iso) - 1] == 'Z' ? " UTC" : "");
}

static const char *num(struct rv *v, double x, int dec)
{
	char buf[64];
	return vigie_arena_strdup(&v->a, vigie_i18n_num(&v->cat, x, dec, buf, sizeof(buf)));
}

static const char *lnum(struct rv *v, yajl_val o, const char *k)
{
	return fmt(v, "%lld", (long long)vigie_rv_num(o, k));
}

/* Bytes of the first n characters (UTF-8) of s. */
static size_t utf8_prefix(const char *s, int n)
{
	size_t i = 0;
	for (int k = 0; k < n && s[i]; k++) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* A month's name cut to three characters, or four when another month
 * starts with the same three ("juin", "juil" in French). */
static const char *month_abbr(struct rv *v, int m)
{
	const char *s = vigie_i18n_month(&v->cat, m);
	size_t i = utf8_prefix(s, 3);
	for (int o = 1; o <= 12; o++) {
		const char *t = vigie_i18n_month(&v->cat, o);
		if (o != m && utf8_prefix(t, 3) == i && !strncmp(s, t, i)) {
			i = utf8_prefix(s, 4);
			break;
		}
	}
	return vigie_arena_strndup(&v->a, s, i);
}

static const char *why_open(struct rv *v, yajl_val f)
{
	const char *st = vigie_rv_str(f, "state"), *fixed = vigie_rv_str(f, "fixed_version");
	if (st && !strcmp(st, "fixed-available"))
		return fixed ? fmt(v, "%s (%s)", T("fix available, not installed yet"), fixed)
			     : T("fix available, not installed yet");
	if (st && !strcmp(st, "no-fix"))
		return T("no fix published by Debian yet");
	if (st && !strcmp(st, "end-of-life"))
		return T("release no longer receives security fixes");
	return T("undetermined: security data incomplete");
}

/* When a fix was installed, and when it took effect if a restart was
 * waited for (installed is not running). */
static const char *installed_cell(struct rv *v, yajl_val f)
{
	const char *inst = vigie_rv_str(f, "installed_local"), *eff = vigie_rv_str(f, "effective_local");
	yajl_val pend = vigie_rv_get(f, "effective_pending");
	if (pend && YAJL_IS_TRUE(pend))
		return fmt(v, "%s (%s)", time_of(v, inst), T("restart pending"));
	if (eff && inst && strcmp(eff, inst))
		return fmt(v, "%s (%s %s)", time_of(v, inst), T("in effect"), time_of(v, eff));
	return time_of(v, inst);
}

static const double W_SLA[] = { 2.2, 1.5, 1.3, 1.2, 1.2, 1.2, 1.5 };
static const double W_EFF[] = { 1.3, 1.8, 1.1, 1.5, 2.0 };
static const double W_RST[] = { 1.3, 1.4, 2.2, 1.8, 1.6 };
static const double W_FIX[] = { 1.6, 1.1, 1.7, 1.1, 1.2, 2.2, 1.6, 0.8, 1.5 };
static const double W_OPEN[] = { 1.3, 1.6, 1.1, 1.5, 3.0 };
static const double W_HOSTS[] = { 1.6, 1.0, 0.9, 2.0 };
static const double W_SRC[] = { 1.6, 1.8, 1.8 };
static const double W_DEC[] = { 1.3, 1.4, 1.2, 1.0, 3.0, 1.0, 1.0 };

static int build(struct rv *v)
{
	yajl_val r = v->root, cl = vigie_rv_get(r, "client"), sum = vigie_rv_get(r, "summary");
	yajl_val hosts = vigie_rv_get(r, "hosts"), fixes = vigie_rv_get(r, "fixes");
	yajl_val open = vigie_rv_get(r, "open_findings"), srcs = vigie_rv_get(r, "sources");
	yajl_val decs = vigie_rv_get(r, "decisions");
	yajl_val sla = vigie_rv_get(sum, "sla"), days = vigie_rv_get(r, "updates_per_day");
	yajl_val hist = vigie_rv_get(r, "histogram"), period = vigie_rv_get(r, "period");
	const char *client = vigie_rv_str(cl, "name"), *month = vigie_rv_str(r, "month");
	struct rv_block *b;
	char buf[128];
	int y = 0, m = 0;
	yajl_val noeff = vigie_rv_get(r, "not_in_effect"), rst = vigie_rv_get(r, "restart_needed");
	size_t nh = alen(hosts), nf = alen(fixes), no = alen(open), ne = alen(noeff);

	if (!client || !month || sscanf(month, "%4d-%2d", &y, &m) != 2)
		return -2;
	vigie_i18n_month_year(&v->cat, y, m, buf, sizeof(buf));
	v->doc_title = fmt(v, "%s — %s — %s", T("Security report"), client, buf);
	v->footer = fmt(v, "%s — %s", client, buf);

	/* cover */
	if (!(b = add(v, RV_TITLE, fmt(v, "%s\n%s\n%s", T("Monthly security report"), client, buf))))
		return -1;
	if (!(b = add(v, RV_KV, NULL)) || table(b, v, 2, 6))
		return -1;
	row(b, T("Client"), client);
	row(b, T("Month"), fmt(v, "%s (%s %s %s %s)", buf, T("from"),
			       time_of(v, vigie_rv_str(period, "start_local")), T("to"),
			       time_of(v, vigie_rv_str(period, "end_local"))));
	row(b, T("Time zone"), vigie_rv_str(cl, "timezone"));
	row(b, T("Generated at"), time_of(v, vigie_rv_str(r, "generated_at")));
	{
		yajl_val c = vigie_rv_get(period, "complete");
		if (c && YAJL_IS_FALSE(c))
			row(b, T("Note"), T("the month is not over: figures up to the generation time"));
	}
	add(v, RV_HEADING, T("Data sources"));
	if (!alen(srcs)) {
		add(v, RV_PARA, T("No security data has been imported: no finding can be judged."));
	} else {
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 3, alen(srcs)))
			return -1;
		b->widths = W_SRC;
		b->head[0] = T("Source");
		b->head[1] = T("Data date");
		b->head[2] = T("Imported at");
		for (size_t i = 0; i < alen(srcs); i++) {
			yajl_val s = aat(srcs, i);
			row(b, vigie_rv_str(s, "name"), date_of(v, vigie_rv_str(s, "data_date")),
			    time_of(v, vigie_rv_str(s, "imported_at")));
		}
	}
	add(v, RV_HEADING, T("Hosts"));
	if (!nh) {
		add(v, RV_PARA, T("This client has no host: there is nothing to report."));
	} else {
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 4, nh))
			return -1;
		b->widths = W_HOSTS;
		b->head[0] = T("Host");
		b->head[1] = T("Release");
		b->head[2] = T("Packages");
		b->head[3] = T("Last report");
		for (size_t i = 0; i < nh; i++) {
			yajl_val h = aat(hosts, i);
			row(b, vigie_rv_str(h, "name"), vigie_rv_str(h, "release"),
			    lnum(v, h, "packages"), time_of(v, vigie_rv_str(h, "last_report")));
		}
	}

	/* summary */
	add(v, RV_HEADING, T("Summary"));
	if (!(b = add(v, RV_KV, NULL)) || table(b, v, 2, 12))
		return -1;
	{
		yajl_val cf = vigie_rv_get(sum, "cves_fixed"), op = vigie_rv_get(sum, "open_at_month_end");
		yajl_val rb = vigie_rv_get(sum, "reboot_required"), se = vigie_rv_get(sum, "support_ending");
		yajl_val sh = vigie_rv_get(sum, "silent_hosts");
		struct vigie_buf t = VIGIE_BUF_INIT;
		row(b, T("Hosts"), lnum(v, sum, "hosts"));
		row(b, T("Security updates applied"), lnum(v, sum, "security_updates"));
		row(b, T("CVEs fixed"),
		    fmt(v, "%lld (%s %lld, %s %lld, %s %lld)", (long long)vigie_rv_num(cf, "total"),
			T("highly critical"), (long long)vigie_rv_num(cf, "highly-critical"),
			T("critical"), (long long)vigie_rv_num(cf, "critical"), T("standard"),
			(long long)vigie_rv_num(cf, "standard")));
		row(b, T("Open findings at month end"),
		    fmt(v, "%lld (%s %lld, %s %lld, %s %lld)", (long long)vigie_rv_num(op, "total"),
			T("highly critical"), (long long)vigie_rv_num(op, "highly-critical"),
			T("critical"), (long long)vigie_rv_num(op, "critical"), T("standard"),
			(long long)vigie_rv_num(op, "standard")));
		for (size_t i = 0; i < alen(rb); i++)
			vigie_buf_addf(&t, "%s%s", i ? ", " : "", YAJL_GET_STRING(aat(rb, i)));
		row(b, T("Reboot needed for an installed kernel fix"),
		    t.len ? vigie_arena_strdup(&v->a, t.data) : T("none"));
		vigie_buf_reset(&t);
		for (size_t i = 0; i < alen(se); i++) {
			yajl_val e = aat(se, i);
			vigie_buf_addf(&t, "%s%s (%s): %s", i ? "; " : "", vigie_rv_str(e, "host"),
				       vigie_rv_str(e, "release") ? vigie_rv_str(e, "release") : "?",
				       date_of(v, vigie_rv_str(e, "date")));
		}
		row(b, T("Security support ending within 6 months"),
		    t.len ? vigie_arena_strdup(&v->a, t.data) : T("none"));
		vigie_buf_reset(&t);
		for (size_t i = 0; i < alen(sh); i++) {
			yajl_val e = aat(sh, i);
			vigie_buf_addf(&t, "%s%s: %s %s %s", i ? "; " : "", vigie_rv_str(e, "host"),
				       num(v, vigie_rv_num(e, "days"), 1), T("days, from"),
				       time_of(v, vigie_rv_str(e, "since")));
		}
		row(b, T("Hosts silent for more than 2 days"),
		    t.len ? vigie_arena_strdup(&v->a, t.data) : T("none"));
		row(b, T("Fixes installed but not in effect at month end"),
		    lnum(v, sum, "not_in_effect_at_month_end"));
		if (vigie_rv_num(sum, "undated_fixes") > 0)
			row(b, T("Fixes without a publication date (not measured)"),
			    lnum(v, sum, "undated_fixes"));
		vigie_buf_release(&t);
	}
	add(v, RV_HEADING, T("Service level (business days)"));
	if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 7, alen(sla)))
		return -1;
	b->widths = W_SLA;
	b->head[0] = T("Class");
	b->head[1] = T("Deadline");
	b->head[2] = T("Met / total");
	b->head[3] = T("Share met");
	b->head[4] = T("Median");
	b->head[5] = T("p90");
	b->head[6] = T("Median until in effect");
	for (size_t i = 0; i < alen(sla); i++) {
		yajl_val s = aat(sla, i);
		double cnt = vigie_rv_num(s, "count"), eff = vigie_rv_num(s, "effective_known");
		char pct[32];
		row(b, cls_name(v, vigie_rv_str(s, "class")),
		    fmt(v, "%lld %s", (long long)vigie_rv_num(s, "deadline_business_days"),
			vigie_rv_num(s, "deadline_business_days") == 1 ? T("business day")
								       : T("business days")),
		    fmt(v, "%lld / %lld", (long long)vigie_rv_num(s, "met"), (long long)cnt),
		    cnt ? vigie_arena_strdup(&v->a, vigie_i18n_percent(&v->cat, vigie_rv_num(s, "share_met"),
								   pct, sizeof(pct)))
			: "-",
		    cnt ? num(v, vigie_rv_num(s, "median_business_days"), 2) : "-",
		    cnt ? num(v, vigie_rv_num(s, "p90_business_days"), 2) : "-",
		    eff ? num(v, vigie_rv_num(s, "effective_median_business_days"), 2) : "-");
	}
	if (!nf)
		add(v, RV_PARA, T("No security fix was installed on these hosts during the month."));

	/* charts */
	if (!(b = add(v, RV_CHART, T("Security updates per day"))))
		return -1;
	b->n = alen(days);
	b->labels = vigie_arena_alloc(&v->a, (b->n + 1) * sizeof(*b->labels));
	b->v1 = vigie_arena_alloc(&v->a, (b->n + 1) * sizeof(double));
	b->v2 = vigie_arena_alloc(&v->a, (b->n + 1) * sizeof(double));
	if (!b->labels || !b->v1 || !b->v2)
		return -1;
	b->legend1 = T("updates");
	b->legend2 = T("CVEs fixed");
	for (size_t i = 0; i < b->n; i++) {
		b->labels[i] = fmt(v, "%zu", i + 1);
		b->v1[i] = vigie_rv_num(aat(days, i), "updates");
		b->v2[i] = vigie_rv_num(aat(days, i), "cves");
	}
	if (!(b = add(v, RV_CHART, T("Security updates over twelve months"))))
		return -1;
	b->n = alen(hist);
	b->labels = vigie_arena_alloc(&v->a, (b->n + 1) * sizeof(*b->labels));
	b->v1 = vigie_arena_alloc(&v->a, (b->n + 1) * sizeof(double));
	b->v2 = vigie_arena_alloc(&v->a, (b->n + 1) * sizeof(double));
	if (!b->labels || !b->v1 || !b->v2)
		return -1;
	b->legend1 = T("updates");
	b->legend2 = T("CVEs fixed");
	for (size_t i = 0; i < b->n; i++) {
		int hy = 0, hm = 1;
		sscanf(vigie_rv_str(aat(hist, i), "month") ? vigie_rv_str(aat(hist, i), "month") : "",
		       "%4d-%2d", &hy, &hm);
		b->labels[i] = fmt(v, "%s %02d", month_abbr(v, hm), hy % 100);
		b->v1[i] = vigie_rv_num(aat(hist, i), "updates");
		b->v2[i] = vigie_rv_num(aat(hist, i), "cves");
	}

	/* fixes */
	add(v, RV_HEADING, T("Fixes installed"));
	if (!nf) {
		add(v, RV_PARA, T("None this month."));
	} else {
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 9, nf))
			return -1;
		b->widths = W_FIX;
		b->head[0] = T("CVE");
		b->head[1] = T("Class");
		b->head[2] = T("Advisory, published");
		b->head[3] = T("Host");
		b->head[4] = T("Package");
		b->head[5] = T("Versions");
		b->head[6] = T("Installed at");
		b->head[7] = T("Delay");
		b->head[8] = T("SLA");
		for (size_t i = 0; i < nf; i++) {
			yajl_val f = aat(fixes, i);
			yajl_val met = vigie_rv_get(f, "met");
			int ok = met && YAJL_IS_TRUE(met);
			const char *adv = vigie_rv_str(f, "advisory");
			const char *old = vigie_rv_str(f, "old_version");
			b->flag[b->nrows] = !ok;
			row(b, vigie_rv_str(f, "cve"), cls_name(v, vigie_rv_str(f, "class")),
			    fmt(v, "%s, %s", adv ? adv : T("no advisory"),
				date_of(v, vigie_rv_str(f, "published"))),
			    vigie_rv_str(f, "host"), vigie_rv_str(f, "package"),
			    fmt(v, "%s → %s", old ? old : "?", vigie_rv_str(f, "version")),
			    installed_cell(v, f),
			    num(v, vigie_rv_num(f, "delay_business_days"), 2),
			    ok ? T("met")
			       : fmt(v, "%s%s %s %s %s %s", T("breached"),
				     !strcmp(v->cat.lang, "fr") ? "\u00a0:" : ":", T("installed"),
				     num(v, vigie_rv_num(f, "late_hours"), 1),
				     T("h after the deadline of"),
				     time_of(v, vigie_rv_str(f, "deadline_local"))));
		}
	}

	/* open findings */
	add(v, RV_HEADING, T("Open findings at month end"));
	if (!no) {
		add(v, RV_PARA, T("None: every known finding was resolved."));
	} else {
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 5, no))
			return -1;
		b->widths = W_OPEN;
		b->head[0] = T("Host");
		b->head[1] = T("CVE");
		b->head[2] = T("Class");
		b->head[3] = T("Open since");
		b->head[4] = T("Why open");
		for (size_t i = 0; i < no; i++) {
			yajl_val f = aat(open, i);
			row(b, vigie_rv_str(f, "host"),
			    fmt(v, "%s (%s)", rv_str_or(f, "cve", "?"), rv_str_or(f, "source", "?")),
			    cls_name(v, vigie_rv_str(f, "class")),
			    date_of(v, vigie_rv_str(f, "open_since")), why_open(v, f));
		}
	}
	/* installed is not running */
	add(v, RV_HEADING, T("Installed, not in effect at month end"));
	if (!ne) {
		add(v, RV_PARA, T("None: no installed fix was waiting for a restart."));
	} else {
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 5, ne))
			return -1;
		b->widths = W_EFF;
		b->head[0] = T("Host");
		b->head[1] = T("CVE");
		b->head[2] = T("Class");
		b->head[3] = T("Seen installed at");
		b->head[4] = T("In effect at");
		for (size_t i = 0; i < ne; i++) {
			yajl_val f = aat(noeff, i);
			const char *eat = vigie_rv_str(f, "effective_at_local");
			b->flag[b->nrows] = 1;
			row(b, vigie_rv_str(f, "host"),
			    fmt(v, "%s (%s)", rv_str_or(f, "cve", "?"), rv_str_or(f, "source", "?")),
			    cls_name(v, vigie_rv_str(f, "class")),
			    time_of(v, vigie_rv_str(f, "seen_installed_at_local")),
			    eat ? time_of(v, eat) : T("not yet: processes still run the old code"));
		}
	}
	/* what still ran replaced code at the last inventories */
	if (alen(rst)) {
		add(v, RV_HEADING, T("Still running replaced code (last inventory)"));
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 5, alen(rst)))
			return -1;
		b->widths = W_RST;
		b->head[0] = T("Host");
		b->head[1] = T("Unit or process");
		b->head[2] = T("Packages (running → installed)");
		b->head[3] = T("CVEs fixed, not running");
		b->head[4] = T("Action");
		for (size_t i = 0; i < alen(rst); i++) {
			yajl_val x = aat(rst, i);
			const char *cves = vigie_rv_str(x, "cves");
			b->flag[b->nrows] = cves && *cves;
			row(b, vigie_rv_str(x, "host"), vigie_rv_str(x, "unit"),
			    vigie_rv_str(x, "packages"), cves && *cves ? cves : "–",
			    vigie_rv_str(x, "action"));
		}
	}
	/* written decisions */
	add(v, RV_HEADING, T("Written decisions in force during the month"));
	if (!alen(decs)) {
		add(v, RV_PARA, T("None this month."));
	} else {
		if (!(b = add(v, RV_TABLE, NULL)) || table(b, v, 7, alen(decs)))
			return -1;
		b->widths = W_DEC;
		b->head[0] = T("CVE");
		b->head[1] = T("Host or scope");
		b->head[2] = T("Status");
		b->head[3] = T("Decided by");
		b->head[4] = T("Reason");
		b->head[5] = T("Since");
		b->head[6] = T("Until");
		for (size_t i = 0; i < alen(decs); i++) {
			yajl_val x = aat(decs, i);
			const char *scope = vigie_rv_str(x, "scope"), *st = vigie_rv_str(x, "status");
			const char *until = vigie_rv_str(x, "until"), *rev = vigie_rv_str(x, "revoked");
			const char *j = vigie_rv_str(x, "justification");
			row(b, vigie_rv_str(x, "cve"),
			    scope && !strcmp(scope, "host") ? vigie_rv_str(x, "host")
			    : scope && !strcmp(scope, "client") ? T("every host of the client")
								: T("every host"),
			    !st ? "?" : !strcmp(st, "not_affected") ? T("not affected")
			    : !strcmp(st, "affected") ? T("affected (risk accepted)")
			    : !strcmp(st, "fixed") ? T("fixed") : T("under investigation"),
			    vigie_rv_str(x, "by"),
			    j ? fmt(v, "%s (%s)", rv_str_or(x, "reason", ""), j)
			      : vigie_rv_str(x, "reason"),
			    date_of(v, vigie_rv_str(x, "since")),
			    rev ? fmt(v, "%s %s", T("revoked on"), date_of(v, rev))
			    : until ? date_of(v, until) : "–");
		}
	}
	add(v, RV_PARA, T("Delays count business days (weekends and public holidays excluded) from "
			  "the advisory's publication to the installation recorded in the host's "
			  "package logs."));
	return 0;
}

int vigie_rv_build(struct rv *v, const char *json, size_t len, struct vigie_error *err)
{
	char ebuf[256], *copy;
	const char *schema, *lang;
	int rc;

	memset(v, 0, sizeof(*v));
	vigie_arena_init(&v->a);
	if (len > VIGIE_REPORT_MAX_JSON)
		return vigie_error_set(err, VIGIE_ELIMIT, NULL, 0, "report larger than %d bytes",
				       VIGIE_REPORT_MAX_JSON);
	if (!(copy = malloc(len + 1)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	memcpy(copy, json, len);
	copy[len] = 0;
	v->root = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	free(copy);
	schema = vigie_rv_str(v->root, "schema");
	if (!v->root || !schema || strcmp(schema, VIGIE_REPORT_SCHEMA))
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "not a %s document",
				       VIGIE_REPORT_SCHEMA);
	lang = vigie_rv_str(v->root, "lang");
	if ((rc = vigie_i18n_open(&v->cat, lang ? lang : "fr", err)))
		return rc;
	v->lang = v->cat.lang;
	rc = build(v);
	if (rc == -2)
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "report without client or month");
	if (rc)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

void vigie_rv_release(struct rv *v)
{
	yajl_tree_free(v->root);
	v->root = NULL;
	free(v->b);
	v->b = NULL;
	vigie_i18n_release(&v->cat);
	vigie_arena_release(&v->a);
}

const char *vigie_rv_page(struct rv *v, int page, int pages, char *buf, size_t size)
{
	snprintf(buf, size, "%s %d / %d", T("page"), page, pages);
	return buf;
}
