#include "vigie/render/history_report.h"
#include "vigie/store/service.h"
#include "vigie/render/html.h"
#include "vigie/engine/calendar.h"
#include "vigie/core/csv.h"
#include "vigie/render/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

/* ---- histogram ---- */

int vigie_histogram_by_parse(const char *s)
{
	if (!strcmp(s, "day"))
		return HISTOGRAM_DAY;
	if (!strcmp(s, "week"))
		return HISTOGRAM_WEEK;
	if (!strcmp(s, "month"))
		return HISTOGRAM_MONTH;
	return -1;
}

const char *vigie_histogram_by_name(enum histogram_by by)
{
	return by == HISTOGRAM_DAY ? "day" : by == HISTOGRAM_WEEK ? "week" : "month";
}

void vigie_histogram_release(struct histogram *hg)
{
	if (!hg)
		return;
	free(hg->bins);
	memset(hg, 0, sizeof(*hg));
}

int vigie_histogram_compute(struct histogram *out, const struct history *h,
		      int64_t first, int64_t last, enum histogram_by by,
		      struct vigie_error *err)
{
	size_t n = 0, cap;
	int64_t d = first;

	memset(out, 0, sizeof(*out));
	out->by = by;
	if (last < first || (by == HISTOGRAM_DAY && last - first >= HISTOGRAM_MAX_BINS) ||
	    last - first > (int64_t)HISTOGRAM_MAX_BINS * 31)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "bad histogram period");
	cap = (size_t)(last - first) + 1;
	if (cap > HISTOGRAM_MAX_BINS)
		cap = HISTOGRAM_MAX_BINS;
	if (!(out->bins = calloc(cap, sizeof(*out->bins))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	while (d <= last && n < cap) {
		struct histogram_bin *b = &out->bins[n++];
		b->first_day = d;
		if (by == HISTOGRAM_DAY) {
			b->last_day = d;
		} else if (by == HISTOGRAM_WEEK) {
			b->last_day = d + 6;
		} else {
			int y, m, dd;
			vigie_civil_from_days(d, &y, &m, &dd);
			b->last_day = (m == 12 ? vigie_days_from_civil(y + 1, 1, 1)
					       : vigie_days_from_civil(y, m + 1, 1)) - 1;
		}
		if (b->last_day > last)
			b->last_day = last;
		d = b->last_day + 1;
	}
	out->n = n;
	for (size_t i = 0; i < h->nevents; i++) {
		int64_t day;
		size_t lo = 0, hi = n;
		if (h->events[i].action != HISTORY_UPGRADE)
			continue;
		day = vigie_calendar_local_day(h->events[i].time);
		if (day < first || day > out->bins[n - 1].last_day)
			continue;
		while (lo < hi) { /* last bin with first_day <= day */
			size_t mid = lo + (hi - lo) / 2;
			if (out->bins[mid].first_day <= day)
				lo = mid + 1;
			else
				hi = mid;
		}
		out->bins[lo - 1].count++;
		out->total++;
		if (out->bins[lo - 1].count > out->max)
			out->max = out->bins[lo - 1].count;
	}
	return 0;
}

/* ---- small helpers ---- */

static const char *day_str(int64_t day, char *buf, size_t size)
{
	return vigie_date_format(day * 86400, buf, size);
}

/* Local time "YYYY-MM-DD HH:MM:SS". */
static const char *local_str(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "?");
	return buf;
}

static int in_period(int64_t t, const struct report_opts *o)
{
	return (!o->since || t >= o->since) && (!o->until || t < o->until);
}

static int csv_field(struct vigie_buf *b, const char *s, int last)
{
	if (vigie_csv_quote(b, s, ',') ||
	    (last ? vigie_buf_adds(b, "\r\n") : vigie_buf_addc(b, ',')))
		return VIGIE_ENOMEM;
	return 0;
}

static int html_esc(struct vigie_buf *b, const char *s)
{
	return vigie_html_escape(b, s);
}

/* yajl helpers (vigie/json.h): errors show as a NULL output later (yajl
 * only fails on misuse or allocation). */
static void ykd(yajl_gen g, const char *k, double v)
{
	char buf[64];
	vigie_json_key(g, k);
	/* three decimals keep JSON stable and readable */
	snprintf(buf, sizeof(buf), "%.3f", v);
	yajl_gen_number(g, buf, strlen(buf));
}

static int gen_finish(yajl_gen g, struct vigie_buf *out)
{
	const unsigned char *buf;
	size_t len;
	int rc = VIGIE_ENOMEM;
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		rc = vigie_buf_add(out, buf, len) ? VIGIE_ENOMEM : 0;
	yajl_gen_free(g);
	return rc;
}

static void gen_head(yajl_gen g, const char *schema, const struct report_opts *o)
{
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", schema);
	vigie_json_kv_str(g, "host", o->host);
	vigie_json_kv_time(g, "generated_at", vigie_now());
	vigie_json_kv_time(g, "since", o->since);
	vigie_json_kv_time(g, "until", o->until);
}

static void gen_txn(yajl_gen g, const struct history *h, long txn)
{
	const struct history_txn *t;
	vigie_json_str(g, "transaction");
	if (txn < 0 || (size_t)txn >= h->ntxns) {
		yajl_gen_null(g);
		return;
	}
	t = &h->txns[txn];
	yajl_gen_map_open(g);
	vigie_json_kv_time(g, "start", t->start);
	vigie_json_kv_time(g, "end", t->end);
	vigie_json_kv_str(g, "commandline", *t->commandline ? t->commandline : NULL);
	vigie_json_kv_str(g, "requested_by", *t->requested_by ? t->requested_by : NULL);
	vigie_json_kv_str(g, "error", *t->error ? t->error : NULL);
	yajl_gen_map_close(g);
}

static void gen_event_fields(yajl_gen g, const struct history *h,
			     const struct history_event *e)
{
	vigie_json_kv_time(g, "time", e->time);
	vigie_json_kv_str(g, "action", vigie_history_action_name(e->action));
	vigie_json_kv_str(g, "package", e->package);
	vigie_json_kv_str(g, "arch", e->arch);
	vigie_json_kv_str(g, "old_version", e->old_version);
	vigie_json_kv_str(g, "new_version", e->new_version);
	gen_txn(g, h, e->txn);
}

static void gen_histogram(yajl_gen g, const struct histogram *hg)
{
	char buf[16];
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "by", vigie_histogram_by_name(hg->by));
	vigie_json_kv_int(g, "total", (long long)hg->total);
	vigie_json_str(g, "bins");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < hg->n; i++) {
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "first_day", day_str(hg->bins[i].first_day, buf, sizeof(buf)));
		vigie_json_kv_str(g, "last_day", day_str(hg->bins[i].last_day, buf, sizeof(buf)));
		vigie_json_kv_int(g, "upgrades", (long long)hg->bins[i].count);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

/* ---- history ---- */

int vigie_history_report_json(struct vigie_buf *out, const struct history *h,
			const struct histogram *hg, const struct report_opts *o)
{
	yajl_gen g = vigie_json_gen_alloc();
	size_t n = 0;
	if (!g)
		return VIGIE_ENOMEM;
	gen_head(g, "vigie.history/1", o);
	vigie_json_str(g, "events");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < h->nevents; i++) {
		const struct history_event *e = &h->events[i];
		if (!in_period(e->time, o))
			continue;
		n++;
		yajl_gen_map_open(g);
		gen_event_fields(g, h, e);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_kv_int(g, "count", (long long)n);
	vigie_json_kv_int(g, "duplicates_dropped", (long long)h->duplicates);
	if (hg) {
		vigie_json_str(g, "histogram");
		gen_histogram(g, hg);
	}
	yajl_gen_map_close(g);
	return gen_finish(g, out);
}

int vigie_history_report_csv(struct vigie_buf *out, const struct history *h,
		       const struct report_opts *o)
{
	int rc = vigie_buf_adds(out, "time,action,package,arch,old_version,new_version,"
				     "commandline,requested_by\r\n");
	for (size_t i = 0; i < h->nevents && !rc; i++) {
		const struct history_event *e = &h->events[i];
		const struct history_txn *t = e->txn >= 0 ? &h->txns[e->txn] : NULL;
		char tb[32];
		if (!in_period(e->time, o))
			continue;
		rc |= csv_field(out, vigie_time_format(e->time, tb, sizeof(tb)), 0);
		rc |= csv_field(out, vigie_history_action_name(e->action), 0);
		rc |= csv_field(out, e->package, 0);
		rc |= csv_field(out, e->arch, 0);
		rc |= csv_field(out, e->old_version, 0);
		rc |= csv_field(out, e->new_version, 0);
		rc |= csv_field(out, t ? t->commandline : "", 0);
		rc |= csv_field(out, t ? t->requested_by : "", 1);
	}
	return rc ? VIGIE_ENOMEM : 0;
}

/* Text for a terminal: control characters from logs (escape sequences)
 * are escaped (vigie_text_safe) into a buffer of the calling expression's
 * block, so nothing is shared between threads. */
#define tty_safe(s) vigie_text_safe((char[1024]){ 0 }, 1024, (s))

static const char *action_color(enum history_action a)
{
	switch (a) {
	case HISTORY_UPGRADE: return "\033[32m";
	case HISTORY_INSTALL: return "\033[36m";
	default: return "\033[33m";
	}
}

int vigie_history_report_text(struct vigie_buf *out, const struct history *h,
			const struct report_opts *o)
{
	int rc = 0;
	size_t n = 0;
	long last_txn = -2;
	for (size_t i = 0; i < h->nevents && !rc; i++) {
		const struct history_event *e = &h->events[i];
		char tb[40];
		if (!in_period(e->time, o))
			continue;
		n++;
		if (e->txn >= 0 && e->txn != last_txn) {
			const struct history_txn *t = &h->txns[e->txn];
			rc |= vigie_buf_addf(out, "%s# ", o->color ? "\033[2m" : "");
			rc |= vigie_buf_adds(out, *t->commandline ? tty_safe(t->commandline) : "(apt)");
			if (*t->requested_by)
				rc |= vigie_buf_addf(out, " by %s", tty_safe(t->requested_by));
			if (*t->error)
				rc |= vigie_buf_addf(out, " ERROR: %s", tty_safe(t->error));
			rc |= vigie_buf_adds(out, "\n");
			if (o->color)
				rc |= vigie_buf_adds(out, "\033[0m");
		}
		last_txn = e->txn;
		rc |= vigie_buf_addf(out, "%s  %s%-9s%s %s%s%s  %s -> %s\n",
				     local_str(e->time, tb, sizeof(tb)),
				     o->color ? action_color(e->action) : "",
				     vigie_history_action_name(e->action), o->color ? "\033[0m" : "",
				     e->package, *e->arch ? ":" : "", e->arch,
				     *e->old_version ? e->old_version : "-",
				     *e->new_version ? e->new_version : "-");
	}
	rc |= vigie_buf_addf(out, "%zu event%s\n", n, n == 1 ? "" : "s");
	return rc ? VIGIE_ENOMEM : 0;
}

static const char *bin_label(const struct histogram *hg, const struct histogram_bin *b,
			     char *buf, size_t size)
{
	int y, m, d;
	vigie_civil_from_days(b->first_day, &y, &m, &d);
	if (hg->by == HISTOGRAM_MONTH)
		snprintf(buf, size, "%04d-%02d", y, m);
	else
		snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
	return buf;
}

int vigie_histogram_report_text(struct vigie_buf *out, const struct histogram *hg,
			  const struct report_opts *o)
{
	int rc = 0;
	char a[16], b[16];
	if (!hg->n)
		return 0;
	rc |= vigie_buf_addf(out, "Upgrades per %s, %s to %s (%lu in total)\n",
			     vigie_histogram_by_name(hg->by), day_str(hg->bins[0].first_day, a, sizeof(a)),
			     day_str(hg->bins[hg->n - 1].last_day, b, sizeof(b)), hg->total);
	for (size_t i = 0; i < hg->n && !rc; i++) {
		unsigned long w = hg->max ? (hg->bins[i].count * 50 + hg->max - 1) / hg->max : 0;
		char lb[16];
		if (hg->by == HISTOGRAM_DAY && !hg->bins[i].count)
			continue; /* a year of empty days says nothing */
		rc |= vigie_buf_addf(out, "%-10s %5lu %s", bin_label(hg, &hg->bins[i], lb, sizeof(lb)),
				     hg->bins[i].count, o->color ? "\033[32m" : "");
		for (unsigned long k = 0; k < w; k++)
			rc |= vigie_buf_adds(out, "#");
		rc |= vigie_buf_adds(out, o->color ? "\033[0m\n" : "\n");
	}
	return rc ? VIGIE_ENOMEM : 0;
}

/* Self-contained: colours and sizes are attributes (a page embedding the
 * SVG needs no style sheet; the classes stay for those that restyle it). */
int vigie_histogram_report_svg(struct vigie_buf *out, const struct histogram *hg,
			 const char *caption)
{
	const int W = 760, H = 240, L = 40, R = 10, T = 24, B = 40;
	double bw = hg->n ? (double)(W - L - R) / (double)hg->n : 0;
	unsigned long max = hg->max ? hg->max : 1;
	int rc = 0, last_month = -1;

	rc |= vigie_buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
				  " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H, W, H);
	rc |= html_esc(out, caption ? caption : "upgrades");
	rc |= vigie_buf_adds(out, "\">\n<title>");
	rc |= html_esc(out, caption ? caption : "upgrades");
	rc |= vigie_buf_adds(out, "</title>\n");
	rc |= vigie_buf_addf(out, "<text x=\"%d\" y=\"16\" class=\"cap\" font-size=\"12\" fill=\"#222\">", L);
	rc |= html_esc(out, caption ? caption : "");
	rc |= vigie_buf_adds(out, "</text>\n");
	rc |= vigie_buf_addf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\" stroke=\"#888\"/>\n",
			     L, H - B, W - R, H - B);
	rc |= vigie_buf_addf(out, "<text x=\"%d\" y=\"%d\" class=\"lbl\" font-size=\"10\" fill=\"#555\" text-anchor=\"end\">%lu</text>\n",
			     L - 4, T + 4, max);
	rc |= vigie_buf_addf(out, "<text x=\"%d\" y=\"%d\" class=\"lbl\" font-size=\"10\" fill=\"#555\" text-anchor=\"end\">0</text>\n",
			     L - 4, H - B);
	for (size_t i = 0; i < hg->n && !rc; i++) {
		const struct histogram_bin *b = &hg->bins[i];
		double x = L + bw * (double)i;
		double bh = (double)(H - T - B) * (double)b->count / (double)max;
		char lb[16];
		int y, m, d;
		vigie_civil_from_days(b->first_day, &y, &m, &d);
		if (b->count)
			rc |= vigie_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
						  " class=\"bar\" fill=\"#2f6fb0\"><title>%s: %lu</title></rect>\n",
					     x + (bw > 3 ? 0.5 : 0), (double)(H - B) - bh,
					     bw > 3 ? bw - 1 : bw, bh,
					     bin_label(hg, b, lb, sizeof(lb)), b->count);
		if (m != last_month && (hg->by == HISTOGRAM_MONTH || d <= 7 || i == 0)) {
			static const char *const mn[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
							  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
			/* the year goes under its first month, not beside it,
			 * so that narrow month columns do not overlap */
			rc |= vigie_buf_addf(out, "<text x=\"%.1f\" y=\"%d\" class=\"lbl\" font-size=\"10\" fill=\"#555\">%s</text>\n",
					     x, H - B + 14, mn[m - 1]);
			if (m == 1 || i == 0)
				rc |= vigie_buf_addf(out, "<text x=\"%.1f\" y=\"%d\" class=\"lbl\" font-size=\"10\" fill=\"#555\">%d</text>\n",
						     x, H - B + 26, y);
			last_month = m;
		}
	}
	rc |= vigie_buf_adds(out, "</svg>\n");
	return rc ? VIGIE_ENOMEM : 0;
}

static const char css[] =
	"<style>\n"
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
	"max-width:60em;color:#222;padding:0 1em}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}.meta{color:#555;margin-top:0}\n"
	"table{border-collapse:collapse;width:100%;margin-top:1em}\n"
	"th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd;vertical-align:top}\n"
	"th{background:#f3f3f3}td.day{white-space:nowrap;font-weight:600}\n"
	".cve{display:inline-block;background:#fde8e8;color:#8a1c1c;border-radius:3px;"
	"padding:0 .3em;margin:.1em;font-size:.9em;font-family:monospace}\n"
	".ver{font-family:monospace;font-size:.9em;color:#444}.note{color:#888;font-size:.85em}\n"
	".sum{display:flex;gap:2em;margin:1em 0}.sum div{background:#f6f8fa;padding:.5em 1em;"
	"border-radius:4px}.sum b{font-size:1.4em;display:block}\n"
	"svg .bar{fill:#2f6fb0}svg .axis{stroke:#888}svg .lbl{font-size:10px;fill:#555}"
	"svg .cap{font-size:12px;fill:#222}\n"
	"footer{margin-top:2em;color:#888;font-size:.8em}\n"
	"</style>\n";

static int html_head(struct vigie_buf *out, const char *title)
{
	int rc = vigie_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
				     "<meta charset=\"utf-8\">\n<title>");
	rc |= html_esc(out, title);
	rc |= vigie_buf_adds(out, "</title>\n");
	rc |= vigie_buf_adds(out, css);
	rc |= vigie_buf_adds(out, "</head>\n<body>\n");
	return rc;
}

/* Period line: the requested bounds, else the first/last event shown
 * (0 = none). until is exclusive: show its last second. */
static int html_period(struct vigie_buf *out, const struct report_opts *o,
		       int64_t first, int64_t last)
{
	char a[32], b[32], n[32];
	int64_t from = o->since ? o->since : first, to = o->until ? o->until - 1 : last;
	int rc = vigie_buf_adds(out, "<p class=\"meta\">Host <b>");
	rc |= html_esc(out, o->host ? o->host : "");
	rc |= vigie_buf_adds(out, "</b>");
	if (from && to)
		rc |= vigie_buf_addf(out, " &middot; period %s to %s",
				     local_str(from, a, sizeof(a)), local_str(to, b, sizeof(b)));
	rc |= vigie_buf_addf(out, " &middot; generated %s</p>\n",
			     vigie_time_format(vigie_now(), n, sizeof(n)));
	return rc;
}

int vigie_histogram_report_html(struct vigie_buf *out, const struct histogram *hg,
			  const struct report_opts *o)
{
	char cap[128], a[16], b[16];
	struct report_opts ro;
	int rc;
	snprintf(cap, sizeof(cap), "Upgrades per %s, %s to %s", vigie_histogram_by_name(hg->by),
		 hg->n ? day_str(hg->bins[0].first_day, a, sizeof(a)) : "",
		 hg->n ? day_str(hg->bins[hg->n - 1].last_day, b, sizeof(b)) : "");
	rc = html_head(out, o->title ? o->title : "Package upgrades");
	rc |= vigie_buf_adds(out, "<h1>");
	rc |= html_esc(out, o->title ? o->title : "Package upgrades");
	rc |= vigie_buf_adds(out, "</h1>\n");
	ro = *o;
	ro.since = ro.until = 0; /* the histogram's own period */
	rc |= html_period(out, &ro, hg->n ? vigie_calendar_local_midnight(hg->bins[0].first_day) : 0,
			  hg->n ? vigie_calendar_local_midnight(hg->bins[hg->n - 1].last_day + 1) - 1 : 0);
	rc |= vigie_buf_addf(out, "<p>%lu package upgrades.</p>\n", hg->total);
	rc |= vigie_histogram_report_svg(out, hg, cap);
	rc |= vigie_buf_adds(out, "<footer>vigie</footer>\n</body>\n</html>\n");
	return rc ? VIGIE_ENOMEM : 0;
}

/* ---- timeline ---- */

/* Distinct CVEs first fixed in ups[from, to) (follow-ups not counted). */
static size_t count_cves(const struct timeline *tl, size_t from, size_t to)
{
	struct vigie_strv seen;
	size_t n;
	vigie_strv_init(&seen);
	for (size_t i = from; i < to; i++)
		for (size_t j = 0; j < tl->ups[i].ncves; j++)
			if (!tl->ups[i].cves[j].followup &&
			    vigie_strv_push_unique(&seen, tl->ups[i].cves[j].cve))
				break;
	n = seen.n;
	vigie_strv_release(&seen);
	return n;
}

static size_t count_source_unknown(const struct timeline *tl)
{
	size_t n = 0;
	for (size_t i = 0; i < tl->n; i++)
		n += tl->ups[i].source_unknown != 0;
	return n;
}

/* Follow-up fixes in ups[from, to). */
static size_t count_followups(const struct timeline *tl, size_t from, size_t to)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++)
		for (size_t j = 0; j < tl->ups[i].ncves; j++)
			n += tl->ups[i].cves[j].followup != 0;
	return n;
}

/* End (exclusive) of the run of upgrades on the same local day as ups[i]. */
static size_t day_end(const struct timeline *tl, size_t i)
{
	int64_t d = vigie_calendar_local_day(tl->ups[i].ev->time);
	size_t j = i + 1;
	while (j < tl->n && vigie_calendar_local_day(tl->ups[j].ev->time) == d)
		j++;
	return j;
}

int vigie_timeline_report_text(struct vigie_buf *out, const struct timeline *tl,
			 const struct history *h, const struct report_opts *o)
{
	int rc = 0;
	(void)h;
	for (size_t i = 0; i < tl->n && !rc;) {
		size_t end = day_end(tl, i);
		char db[16];
		size_t nf = count_followups(tl, i, end);
		rc |= vigie_buf_addf(out, "%s%s%s  %zu upgrade%s, %zu CVE%s fixed",
				     o->color ? "\033[1m" : "",
				     day_str(vigie_calendar_local_day(tl->ups[i].ev->time), db, sizeof(db)),
				     o->color ? "\033[0m" : "", end - i, end - i == 1 ? "" : "s",
				     count_cves(tl, i, end), count_cves(tl, i, end) == 1 ? "" : "s");
		if (nf)
			rc |= vigie_buf_addf(out, ", %zu follow-up%s", nf, nf == 1 ? "" : "s");
		rc |= vigie_buf_adds(out, "\n");
		for (; i < end && !rc; i++) {
			const struct timeline_upgrade *u = &tl->ups[i];
			rc |= vigie_buf_addf(out, "  %s%s%s %s -> %s", u->ev->package,
					     *u->ev->arch ? ":" : "", u->ev->arch,
					     u->ev->old_version, u->ev->new_version);
			/* long lists (kernels) are cut: json/csv/html have them all */
			for (size_t j = 0; j < u->ncves && j < 12; j++)
				rc |= vigie_buf_addf(out, "%s%s%s%s%s", j ? " " : "  ",
						     o->color ? "\033[31m" : "", u->cves[j].cve,
						     o->color ? "\033[0m" : "",
						     u->cves[j].followup ? " (follow-up)" : "");
			if (u->ncves > 12)
				rc |= vigie_buf_addf(out, " (+%zu more)", u->ncves - 12);
			if (!u->ncves && *u->note)
				rc |= vigie_buf_addf(out, "  (%s)", tty_safe(u->note));
			if (u->source_unknown)
				rc |= vigie_buf_adds(out, "  [source unknown]");
			rc |= vigie_buf_adds(out, "\n");
		}
	}
	rc |= vigie_buf_addf(out, "%zu upgrade%s, %zu distinct CVE%s fixed", tl->n,
			     tl->n == 1 ? "" : "s", count_cves(tl, 0, tl->n),
			     count_cves(tl, 0, tl->n) == 1 ? "" : "s");
	if (count_followups(tl, 0, tl->n))
		rc |= vigie_buf_addf(out, ", %zu follow-up fix%s of CVEs fixed earlier",
				     count_followups(tl, 0, tl->n),
				     count_followups(tl, 0, tl->n) == 1 ? "" : "es");
	rc |= vigie_buf_adds(out, "\n");
	if (count_source_unknown(tl))
		rc |= vigie_buf_addf(out, "%zu upgrade%s of binaries whose source package is unknown"
					  " (not in the inventory used): the binary's name was used"
					  " as the source's\n", count_source_unknown(tl),
				     count_source_unknown(tl) == 1 ? "" : "s");
	return rc ? VIGIE_ENOMEM : 0;
}

int vigie_timeline_report_csv(struct vigie_buf *out, const struct timeline *tl,
			const struct history *h, const struct report_opts *o)
{
	int rc = vigie_buf_adds(out, "date,time,package,arch,old_version,new_version,cve,"
				     "source,fixed_version,evidence,followup\r\n");
	(void)h;
	(void)o;
	for (size_t i = 0; i < tl->n && !rc; i++) {
		const struct timeline_upgrade *u = &tl->ups[i];
		char db[16], tb[32];
		size_t k = u->ncves ? u->ncves : 1;
		for (size_t j = 0; j < k; j++) {
			const struct timeline_cve *c = u->ncves ? &u->cves[j] : NULL;
			rc |= csv_field(out, day_str(vigie_calendar_local_day(u->ev->time), db, sizeof(db)), 0);
			rc |= csv_field(out, vigie_time_format(u->ev->time, tb, sizeof(tb)), 0);
			rc |= csv_field(out, u->ev->package, 0);
			rc |= csv_field(out, u->ev->arch, 0);
			rc |= csv_field(out, u->ev->old_version, 0);
			rc |= csv_field(out, u->ev->new_version, 0);
			rc |= csv_field(out, c ? c->cve : "", 0);
			rc |= csv_field(out, c ? c->source : "", 0);
			rc |= csv_field(out, c ? c->version : "", 0);
			rc |= csv_field(out, c ? c->evidence : u->note, 0);
			rc |= csv_field(out, c ? (c->followup ? "yes" : "no") : "", 1);
		}
	}
	return rc ? VIGIE_ENOMEM : 0;
}

int vigie_timeline_report_json(struct vigie_buf *out, const struct timeline *tl,
			 const struct history *h, const struct report_opts *o)
{
	yajl_gen g = vigie_json_gen_alloc();
	if (!g)
		return VIGIE_ENOMEM;
	gen_head(g, "vigie.timeline/1", o);
	vigie_json_str(g, "days");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < tl->n;) {
		size_t end = day_end(tl, i);
		char db[16];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "date", day_str(vigie_calendar_local_day(tl->ups[i].ev->time), db, sizeof(db)));
		vigie_json_kv_int(g, "cve_count", (long long)count_cves(tl, i, end));
		vigie_json_str(g, "upgrades");
		yajl_gen_array_open(g);
		for (; i < end; i++) {
			const struct timeline_upgrade *u = &tl->ups[i];
			yajl_gen_map_open(g);
			gen_event_fields(g, h, u->ev);
			vigie_json_kv_str(g, "note", *u->note ? u->note : NULL);
			vigie_json_str(g, "source_unknown");
			yajl_gen_bool(g, u->source_unknown);
			vigie_json_str(g, "cves");
			yajl_gen_array_open(g);
			for (size_t j = 0; j < u->ncves; j++) {
				const struct timeline_cve *c = &u->cves[j];
				yajl_gen_map_open(g);
				vigie_json_kv_str(g, "cve", c->cve);
				vigie_json_kv_str(g, "source", c->source);
				vigie_json_kv_str(g, "fixed_version", c->version);
				vigie_json_kv_time(g, "entry_date", c->date);
				vigie_json_kv_str(g, "evidence", c->evidence);
				vigie_json_kv_str(g, "advisory", c->advisory);
				vigie_json_kv_str(g, "class", c->cls);
				vigie_json_str(g, "followup");
				yajl_gen_bool(g, c->followup);
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_str(g, "summary");
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "upgrades", (long long)tl->n);
	vigie_json_kv_int(g, "distinct_cves", (long long)count_cves(tl, 0, tl->n));
	vigie_json_kv_int(g, "followups", (long long)count_followups(tl, 0, tl->n));
	vigie_json_kv_int(g, "source_unknown_upgrades", (long long)count_source_unknown(tl));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	return gen_finish(g, out);
}

int vigie_timeline_report_html(struct vigie_buf *out, const struct timeline *tl,
			 const struct history *h, const struct report_opts *o)
{
	const char *title = o->title ? o->title : "Security updates applied";
	struct histogram hg;
	struct vigie_error e;
	int rc;
	int64_t first, last;

	memset(&hg, 0, sizeof(hg));
	rc = html_head(out, title);
	rc |= vigie_buf_adds(out, "<h1>");
	rc |= html_esc(out, title);
	rc |= vigie_buf_adds(out, "</h1>\n");
	rc |= html_period(out, o, tl->n ? tl->ups[0].ev->time : 0,
			  tl->n ? tl->ups[tl->n - 1].ev->time : 0);
	rc |= vigie_buf_addf(out, "<div class=\"sum\"><div><b>%zu</b>package upgrades</div>"
				  "<div><b>%zu</b>distinct CVEs fixed</div></div>\n",
			     tl->n, count_cves(tl, 0, tl->n));
	if (tl->n) {
		int64_t span;
		enum histogram_by by;
		first = o->since ? vigie_calendar_local_day(o->since) : vigie_calendar_local_day(tl->ups[0].ev->time);
		last = o->until ? vigie_calendar_local_day(o->until - 1)
				: vigie_calendar_local_day(tl->ups[tl->n - 1].ev->time);
		span = last - first;
		by = span <= 92 ? HISTOGRAM_DAY : span <= 400 ? HISTOGRAM_WEEK : HISTOGRAM_MONTH;
		memset(&e, 0, sizeof(e));
		if (last >= first && !vigie_histogram_compute(&hg, h, first, last, by, &e)) {
			char cap[96];
			snprintf(cap, sizeof(cap), "Package upgrades per %s", vigie_histogram_by_name(by));
			rc |= vigie_histogram_report_svg(out, &hg, cap);
		}
		vigie_histogram_release(&hg);
	}
	rc |= vigie_buf_adds(out, "<table>\n<thead><tr><th>Day</th><th>Package</th><th>Version</th>"
				  "<th>CVEs fixed</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < tl->n && !rc;) {
		size_t end = day_end(tl, i);
		char db[16];
		int firstrow = 1;
		for (; i < end; i++) {
			const struct timeline_upgrade *u = &tl->ups[i];
			rc |= vigie_buf_adds(out, "<tr>");
			if (firstrow)
				rc |= vigie_buf_addf(out, "<td class=\"day\" rowspan=\"%zu\">%s</td>",
						     end - i,
						     day_str(vigie_calendar_local_day(u->ev->time), db, sizeof(db)));
			firstrow = 0;
			rc |= vigie_buf_adds(out, "<td>");
			rc |= html_esc(out, u->ev->package);
			rc |= vigie_buf_adds(out, "</td><td class=\"ver\">");
			rc |= html_esc(out, u->ev->old_version);
			rc |= vigie_buf_adds(out, " &rarr; ");
			rc |= html_esc(out, u->ev->new_version);
			rc |= vigie_buf_adds(out, "</td><td>");
			for (size_t j = 0; j < u->ncves; j++) {
				rc |= vigie_buf_adds(out, "<span class=\"cve\" title=\"");
				rc |= html_esc(out, u->cves[j].evidence);
				rc |= vigie_buf_adds(out, "\">");
				rc |= html_esc(out, u->cves[j].cve);
				if (u->cves[j].cls || u->cves[j].advisory || u->cves[j].followup) {
					rc |= vigie_buf_adds(out, " <small>");
					rc |= html_esc(out, u->cves[j].cls ? u->cves[j].cls : "");
					if (u->cves[j].cls && u->cves[j].advisory)
						rc |= vigie_buf_adds(out, " &middot; ");
					rc |= html_esc(out, u->cves[j].advisory ? u->cves[j].advisory : "");
					if (u->cves[j].followup)
						rc |= vigie_buf_adds(out, u->cves[j].cls || u->cves[j].advisory
									  ? " &middot; follow-up" : "follow-up");
					rc |= vigie_buf_adds(out, "</small>");
				}
				rc |= vigie_buf_adds(out, "</span>");
			}
			if (!u->ncves && *u->note) {
				rc |= vigie_buf_adds(out, "<span class=\"note\">");
				rc |= html_esc(out, u->note);
				rc |= vigie_buf_adds(out, "</span>");
			}
			if (u->source_unknown)
				rc |= vigie_buf_adds(out, "<span class=\"note\">source package"
							  " unknown</span>");
			rc |= vigie_buf_adds(out, "</td></tr>\n");
		}
	}
	rc |= vigie_buf_adds(out, "</tbody>\n</table>\n<footer>CVEs are those whose fixed version"
				  " for the host's release lies between the old and the new version"
				  " in Debian's security data (with their advisory and class), and"
				  " those named in the Debian changelog entries in between; hover a"
				  " CVE for its evidence. Generated by vigie.</footer>\n</body>\n</html>\n");
	return rc ? VIGIE_ENOMEM : 0;
}

/* ---- SLA ---- */

int vigie_sla_report_csv(struct vigie_buf *out, const struct sla_item *items, size_t n)
{
	int rc = vigie_buf_adds(out, "cve,package,version,class,published,published_from,"
				     "installed,deadline,delay_business_days,"
				     "delay_business_hours,met,effective,"
				     "effective_delay_business_days\r\n");
	for (size_t i = 0; i < n && !rc; i++) {
		const struct sla_item *it = &items[i];
		char a[32], b[32], c[32], d[32], hbuf[32], e[32], ed[32];
		snprintf(d, sizeof(d), "%.3f", it->delay_days);
		snprintf(ed, sizeof(ed), "%.3f", it->effective_days);
		snprintf(hbuf, sizeof(hbuf), "%.3f", it->delay_hours);
		rc |= csv_field(out, it->cve, 0);
		rc |= csv_field(out, it->package, 0);
		rc |= csv_field(out, it->version, 0);
		rc |= csv_field(out, vigie_sla_class_name(it->cls), 0);
		rc |= csv_field(out, vigie_time_format(it->published, a, sizeof(a)), 0);
		rc |= csv_field(out, it->published_from, 0);
		rc |= csv_field(out, vigie_time_format(it->installed, b, sizeof(b)), 0);
		rc |= csv_field(out, vigie_time_format(it->deadline, c, sizeof(c)), 0);
		rc |= csv_field(out, d, 0);
		rc |= csv_field(out, hbuf, 0);
		rc |= csv_field(out, it->met ? "yes" : "no", 0);
		rc |= csv_field(out, it->effective_pending ? "pending"
				     : it->effective ? vigie_time_format(it->effective, e, sizeof(e))
						     : "", 0);
		rc |= csv_field(out, it->effective_days >= 0 ? ed : "", 1);
	}
	return rc ? VIGIE_ENOMEM : 0;
}

static void item_evidence(const struct sla_item *it, char *buf, size_t size)
{
	char a[32], b[32], c[32], d[32], eff[96] = "";
	if (it->effective_pending)
		snprintf(eff, sizeof(eff), "; not in effect yet (restart pending)");
	else if (it->effective > it->installed)
		snprintf(eff, sizeof(eff), "; in effect %s, %.2f business days",
			 local_str(it->effective, d, sizeof(d)), it->effective_days);
	snprintf(buf, size,
		 "%s fixed in %s %s: published %s (%s), installed %s, deadline %s; "
		 "%.2f business days%s",
		 it->cve, it->package, it->version, local_str(it->published, a, sizeof(a)),
		 it->published_from, local_str(it->installed, b, sizeof(b)),
		 local_str(it->deadline, c, sizeof(c)), it->delay_days, eff);
}

/* Fixes installed but not in effect at the last inventory. */
static size_t pending_count(const struct sla_summary sum[SLA_NCLASSES])
{
	size_t n = 0;
	for (int c = 0; c < SLA_NCLASSES; c++)
		n += sum[c].effective_pending;
	return n;
}

int vigie_sla_report_json(struct vigie_buf *out, const struct sla_policy *p,
		    const struct sla_item *items, size_t n,
		    const struct sla_summary sum[SLA_NCLASSES], size_t undated,
		    size_t followups, const struct report_opts *o)
{
	yajl_gen g = vigie_json_gen_alloc();
	char buf[1024];
	if (!g)
		return VIGIE_ENOMEM;
	gen_head(g, "vigie.sla/1", o);
	vigie_json_str(g, "policy");
	yajl_gen_map_open(g);
	vigie_json_str(g, "deadline_business_days");
	yajl_gen_map_open(g);
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) /* most critical first */
		vigie_json_kv_int(g, vigie_sla_class_name((enum sla_class)c), p->deadline_days[c]);
	yajl_gen_map_close(g);
	vigie_json_kv_str(g, "country", p->cal.country);
	vigie_json_kv_str(g, "measure", vigie_sla_measure_name(p->measure));
	vigie_json_str(g, "extra_holidays");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < p->cal.nextra; i++)
		vigie_json_str(g, day_str(p->cal.extra[i], buf, sizeof(buf)));
	yajl_gen_array_close(g);
	vigie_json_kv_str(g, "percentiles", "median: middle value (mean of the two middle values for an "
			      "even count); p90: nearest rank");
	yajl_gen_map_close(g);
	vigie_json_str(g, "summary");
	yajl_gen_array_open(g);
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) {
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "class", vigie_sla_class_name(sum[c].cls));
		vigie_json_kv_int(g, "count", (long long)sum[c].count);
		vigie_json_kv_int(g, "met", (long long)sum[c].met);
		vigie_sla_measures_json(g, &sum[c]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_kv_int(g, "undated_fixes", (long long)undated);
	vigie_json_kv_int(g, "followup_fixes", (long long)followups);
	vigie_json_str(g, "items");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		const struct sla_item *it = &items[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "cve", it->cve);
		vigie_json_kv_str(g, "package", it->package);
		vigie_json_kv_str(g, "version", it->version);
		vigie_json_kv_str(g, "class", vigie_sla_class_name(it->cls));
		vigie_json_kv_time(g, "published", it->published);
		vigie_json_kv_str(g, "published_from", it->published_from);
		vigie_json_kv_time(g, "installed", it->installed);
		vigie_json_kv_time(g, "deadline", it->deadline);
		ykd(g, "delay_business_days", it->delay_days);
		ykd(g, "delay_business_hours", it->delay_hours);
		vigie_json_str(g, "met");
		yajl_gen_bool(g, it->met);
		vigie_sla_item_effective_json(g, it);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_str(g, "breaches");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		if (items[i].met)
			continue;
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "cve", items[i].cve);
		vigie_json_kv_str(g, "package", items[i].package);
		vigie_json_kv_str(g, "class", vigie_sla_class_name(items[i].cls));
		item_evidence(&items[i], buf, sizeof(buf));
		vigie_json_kv_str(g, "evidence", buf);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return gen_finish(g, out);
}

void vigie_sla_item_effective_json(yajl_gen g, const struct sla_item *it)
{
	vigie_json_kv_time(g, "effective", it->effective);
	vigie_json_kv_bool(g, "effective_pending", it->effective_pending);
	if (it->effective_days >= 0) {
		ykd(g, "effective_delay_business_days", it->effective_days);
	} else {
		vigie_json_key(g, "effective_delay_business_days");
		yajl_gen_null(g);
	}
}

void vigie_sla_measures_json(yajl_gen g, const struct sla_summary *sum)
{
	/* nothing to measure is no measure: null, not 0 % */
	static const char *const k[3] = { "share_met", "median_business_days",
					  "p90_business_days" };
	static const char *const ek[2] = { "effective_median_business_days",
					   "effective_p90_business_days" };
	const double v[3] = { sum->share_met, sum->median_days, sum->p90_days };
	const double ev[2] = { sum->effective_median_days, sum->effective_p90_days };
	for (int i = 0; i < 3; i++) {
		if (sum->count) {
			ykd(g, k[i], v[i]);
		} else {
			vigie_json_key(g, k[i]);
			yajl_gen_null(g);
		}
	}
	/* installed is not running: the delay until the fix took effect, over
	 * the fixes whose effective time is known */
	vigie_json_kv_int(g, "effective_known", (long long)sum->effective_count);
	vigie_json_kv_int(g, "effective_pending", (long long)sum->effective_pending);
	for (int i = 0; i < 2; i++) {
		if (sum->effective_count) {
			ykd(g, ek[i], ev[i]);
		} else {
			vigie_json_key(g, ek[i]);
			yajl_gen_null(g);
		}
	}
}

int vigie_sla_report_html(struct vigie_buf *out, const struct sla_policy *p,
		    const struct sla_item *items, size_t n,
		    const struct sla_summary sum[SLA_NCLASSES], size_t undated,
		    size_t followups, const struct report_opts *o)
{
	const char *title = o->title ? o->title : "Security fixes against the SLA";
	char buf[1024], t1[32], t2[32], t3[32];
	size_t breaches = 0;
	int rc = html_head(out, title);
	rc |= vigie_buf_adds(out, "<h1>");
	rc |= html_esc(out, title);
	rc |= vigie_buf_adds(out, "</h1>\n<p class=\"meta\">");
	rc |= html_esc(out, o->host ? o->host : "this host");
	rc |= vigie_buf_addf(out, " &middot; holidays: %s &middot; deadlines in business days:"
				  " highly-critical %d, critical %d, standard %d</p>\n",
			     p->cal.country, p->deadline_days[SLA_HIGHLY_CRITICAL],
			     p->deadline_days[SLA_CRITICAL], p->deadline_days[SLA_STANDARD]);
	rc |= vigie_buf_addf(out, "<p class=\"meta\">Measured: time %s.</p>\n",
			     vigie_sla_measure_name(p->measure));
	rc |= vigie_buf_adds(out, "<table id=\"summary\">\n<thead><tr><th>Class</th><th>Fixes</th>"
				  "<th>Met</th><th>Share met</th><th>Median (business days)</th>"
				  "<th>p90 (business days)</th><th>Median until in effect</th>"
				  "</tr></thead>\n<tbody>\n");
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) {
		rc |= vigie_buf_addf(out, "<tr><td>%s</td><td>%zu</td><td>%zu</td>",
				     vigie_sla_class_name(sum[c].cls), sum[c].count, sum[c].met);
		if (sum[c].count) /* nothing to measure: no share, no delay */
			rc |= vigie_buf_addf(out, "<td>%.1f %%</td><td>%.2f</td><td>%.2f</td>",
					     sum[c].share_met * 100.0, sum[c].median_days,
					     sum[c].p90_days);
		else
			rc |= vigie_buf_adds(out, "<td>&ndash;</td><td>&ndash;</td><td>&ndash;</td>");
		if (sum[c].effective_count)
			rc |= vigie_buf_addf(out, "<td>%.2f</td></tr>\n", sum[c].effective_median_days);
		else
			rc |= vigie_buf_adds(out, "<td>&ndash;</td></tr>\n");
	}
	rc |= vigie_buf_adds(out, "</tbody>\n</table>\n");
	if (pending_count(sum))
		rc |= vigie_buf_addf(out, "<p class=\"note\">%zu fix(es) installed but not in effect"
					  " yet: processes still run the replaced code.</p>\n",
				     pending_count(sum));
	if (undated || followups)
		rc |= vigie_buf_addf(out, "<p class=\"note\">%zu fix(es) without a publication date"
					  " (not measured); %zu follow-up fix(es) of a CVE fixed"
					  " before (not counted again).</p>\n", undated, followups);
	for (size_t i = 0; i < n; i++)
		breaches += !items[i].met;
	rc |= vigie_buf_addf(out, "<h2>Breaches (%zu)</h2>\n", breaches);
	if (breaches) {
		rc |= vigie_buf_adds(out, "<table id=\"breaches\">\n<thead><tr><th>CVE</th><th>Class</th>"
					  "<th>Package</th><th>Why</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n && !rc; i++) {
			if (items[i].met)
				continue;
			item_evidence(&items[i], buf, sizeof(buf));
			rc |= vigie_buf_adds(out, "<tr><td>");
			rc |= html_esc(out, items[i].cve);
			rc |= vigie_buf_addf(out, "</td><td>%s</td><td>", vigie_sla_class_name(items[i].cls));
			rc |= html_esc(out, items[i].package);
			rc |= vigie_buf_adds(out, "</td><td>");
			rc |= html_esc(out, buf);
			rc |= vigie_buf_adds(out, "</td></tr>\n");
		}
		rc |= vigie_buf_adds(out, "</tbody>\n</table>\n");
	}
	rc |= vigie_buf_addf(out, "<h2>Every fix (%zu)</h2>\n", n);
	rc |= vigie_buf_adds(out, "<table id=\"items\">\n<thead><tr><th>CVE</th><th>Class</th>"
				  "<th>Package</th><th>Version</th><th>Published</th><th>Installed</th>"
				  "<th>Deadline</th><th>Delay (business days)</th><th>Met</th>"
				  "<th>In effect</th></tr></thead>\n"
				  "<tbody>\n");
	for (size_t i = 0; i < n && !rc; i++) {
		const struct sla_item *it = &items[i];
		rc |= vigie_buf_adds(out, "<tr><td>");
		rc |= html_esc(out, it->cve);
		rc |= vigie_buf_addf(out, "</td><td>%s</td><td>", vigie_sla_class_name(it->cls));
		rc |= html_esc(out, it->package);
		rc |= vigie_buf_adds(out, "</td><td class=\"ver\">");
		rc |= html_esc(out, it->version);
		rc |= vigie_buf_adds(out, "</td><td title=\"");
		rc |= html_esc(out, it->published_from);
		rc |= vigie_buf_addf(out, "\">%s</td><td>%s</td><td>%s</td><td>%.2f</td><td>%s</td>",
				     it->published ? vigie_time_format(it->published, t1, sizeof(t1)) : "&ndash;",
				     vigie_time_format(it->installed, t2, sizeof(t2)),
				     it->deadline ? vigie_time_format(it->deadline, t3, sizeof(t3)) : "&ndash;",
				     it->delay_days, it->met ? "yes" : "<b>no</b>");
		if (it->effective_pending)
			rc |= vigie_buf_adds(out, "<td>restart pending</td></tr>\n");
		else if (it->effective)
			rc |= vigie_buf_addf(out, "<td>%s</td></tr>\n",
					     vigie_time_format(it->effective, t1, sizeof(t1)));
		else
			rc |= vigie_buf_adds(out, "<td>&ndash;</td></tr>\n");
	}
	rc |= vigie_buf_adds(out, "</tbody>\n</table>\n<footer>Delays count business days (weekends and"
				  " public holidays excluded) from the fix's publication to its"
				  " installation. Generated by vigie.</footer>\n</body>\n</html>\n");
	return rc ? VIGIE_ENOMEM : 0;
}

int vigie_sla_report_text(struct vigie_buf *out, const struct sla_policy *p,
		    const struct sla_item *items, size_t n,
		    const struct sla_summary sum[SLA_NCLASSES], size_t undated,
		    size_t followups, const struct report_opts *o)
{
	int rc = 0;
	char buf[1024];
	size_t breaches = 0;
	rc |= vigie_buf_addf(out, "SLA for %s (holidays: %s; deadlines in business days: "
				  "highly-critical %d, critical %d, standard %d; measured: %s)\n\n",
			     o->host ? o->host : "this host", p->cal.country,
			     p->deadline_days[SLA_HIGHLY_CRITICAL], p->deadline_days[SLA_CRITICAL],
			     p->deadline_days[SLA_STANDARD], vigie_sla_measure_name(p->measure));
	rc |= vigie_buf_addf(out, "%-16s %6s %6s %8s %8s %8s %10s\n", "class", "fixes", "met",
			     "share", "median", "p90", "effective");
	for (int c = SLA_NCLASSES - 1; c >= 0; c--) {
		char eff[32] = "-"; /* median delay until in effect, when known */
		if (sum[c].effective_count)
			snprintf(eff, sizeof(eff), "%.2fd", sum[c].effective_median_days);
		if (sum[c].count)
			rc |= vigie_buf_addf(out, "%-16s %6zu %6zu %7.1f%% %7.2fd %7.2fd %10s\n",
					     vigie_sla_class_name(sum[c].cls), sum[c].count, sum[c].met,
					     sum[c].share_met * 100.0, sum[c].median_days,
					     sum[c].p90_days, eff);
		else /* nothing to measure: no share, no delay */
			rc |= vigie_buf_addf(out, "%-16s %6zu %6zu %8s %8s %8s %10s\n",
					     vigie_sla_class_name(sum[c].cls), sum[c].count, sum[c].met,
					     "-", "-", "-", "-");
	}
	for (size_t i = 0; i < n; i++)
		if (!items[i].met)
			breaches++;
	if (breaches) {
		rc |= vigie_buf_addf(out, "\n%sBreaches (%zu):%s\n", o->color ? "\033[31m" : "",
				     breaches, o->color ? "\033[0m" : "");
		for (size_t i = 0; i < n; i++) {
			if (items[i].met)
				continue;
			item_evidence(&items[i], buf, sizeof(buf));
			rc |= vigie_buf_addf(out, "  [%s] %s\n", vigie_sla_class_name(items[i].cls),
					     tty_safe(buf));
		}
	} else {
		rc |= vigie_buf_adds(out, "\nNo breach.\n");
	}
	if (pending_count(sum))
		rc |= vigie_buf_addf(out, "%zu fix%s installed but not in effect yet: processes"
					  " still run the replaced code (restart pending).\n",
				     pending_count(sum), pending_count(sum) == 1 ? "" : "es");
	if (undated)
		rc |= vigie_buf_addf(out, "%zu fix%s without any publication date left out.\n",
				     undated, undated == 1 ? "" : "es");
	if (followups)
		rc |= vigie_buf_addf(out, "%zu follow-up fix%s of CVEs fixed earlier left out"
					  " (the SLA measures the first fix).\n",
				     followups, followups == 1 ? "" : "es");
	return rc ? VIGIE_ENOMEM : 0;
}

void vigie_history_row_json(yajl_gen g, const struct store_history_row *r, int with_host)
{
	yajl_gen_map_open(g);
	if (with_host)
		vigie_json_kv_str(g, "host", r->host);
	vigie_json_kv_str(g, "cve", r->cve);
	vigie_json_kv_str(g, "source", r->source);
	vigie_json_kv_str(g, "class", r->cls);
	vigie_json_kv_str(g, "state", r->state);
	vigie_json_kv_str(g, "installed_version", r->installed_version);
	vigie_json_kv_str(g, "fixed_version", r->fixed_version);
	vigie_json_kv_time(g, "first_seen", r->first_seen);
	vigie_json_kv_time(g, "last_seen", r->last_seen);
	vigie_json_kv_time(g, "resolved_at", r->resolved_at);
	vigie_json_kv_str(g, "resolved_version", r->resolved_version);
	vigie_json_kv_time(g, "effective_at", r->effective_at);
	vigie_json_kv_bool(g, "restart_pending", r->restart_pending);
	yajl_gen_map_close(g);
}
