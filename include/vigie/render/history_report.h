/* vigie: renderers for history, timeline and SLA (text, JSON, CSV,
 * self-contained HTML with inline SVG), shared by the CLI and the server.
 * Every function appends to a caller-owned vigie_buf and returns 0 or
 * VIGIE_ENOMEM. Times in JSON/CSV are RFC 3339 UTC; text shows local time;
 * days (histogram bins, timeline days) are local civil days. */
#ifndef VIGIE_HISTORY_REPORT_H
#define VIGIE_HISTORY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "vigie/debian/history.h"
#include "vigie/render/json.h"
#include "vigie/engine/sla.h"
#include "vigie/engine/timeline.h"
#include "vigie/core/util.h"

#define HISTOGRAM_MAX_BINS 40000

enum histogram_by { HISTOGRAM_DAY, HISTOGRAM_WEEK, HISTOGRAM_MONTH };

struct histogram_bin {
	int64_t first_day, last_day; /* civil days since 1970-01-01, inclusive */
	unsigned long count;
};

/* Upgrade events per bin over [first_day, last_day]: by day, by 7-day
 * blocks starting at first_day, or by calendar month. */
struct histogram {
	enum histogram_by by;
	struct histogram_bin *bins;
	size_t n;
	unsigned long max, total;
};

/* Parse "day", "week", "month"; -1 when unknown. */
int vigie_histogram_by_parse(const char *s);
const char *vigie_histogram_by_name(enum histogram_by by);
/* Compute the histogram of h's upgrade events. VIGIE_EUSAGE when
 * last < first or more than HISTOGRAM_MAX_BINS bins. Release with
 * vigie_histogram_release() (accepts NULL). */
int vigie_histogram_compute(struct histogram *out, const struct history *h,
		      int64_t first_day, int64_t last_day, enum histogram_by by,
		      struct vigie_error *err);
void vigie_histogram_release(struct histogram *hg);

struct report_opts {
	const char *host;     /* host name shown */
	int64_t since, until; /* period shown (0 = open) */
	int color;            /* ANSI colours in text */
	const char *title;    /* HTML title, NULL = default */
};

/* History: events of h in [since, until). */
int vigie_history_report_text(struct vigie_buf *out, const struct history *h,
			const struct report_opts *o);
int vigie_history_report_csv(struct vigie_buf *out, const struct history *h,
		       const struct report_opts *o);
/* JSON "vigie.history/1"; hg (may be NULL) adds a "histogram" object. */
int vigie_history_report_json(struct vigie_buf *out, const struct history *h,
			const struct histogram *hg, const struct report_opts *o);
/* Histogram as terminal bars, and as a standalone SVG element. */
int vigie_histogram_report_text(struct vigie_buf *out, const struct histogram *hg,
			  const struct report_opts *o);
int vigie_histogram_report_svg(struct vigie_buf *out, const struct histogram *hg,
			 const char *caption);
/* A self-contained HTML page around the histogram (inline CSS + SVG). */
int vigie_histogram_report_html(struct vigie_buf *out, const struct histogram *hg,
			  const struct report_opts *o);

/* Timeline: per local day, upgrades and CVEs. */
int vigie_timeline_report_text(struct vigie_buf *out, const struct timeline *tl,
			 const struct history *h, const struct report_opts *o);
int vigie_timeline_report_csv(struct vigie_buf *out, const struct timeline *tl,
			const struct history *h, const struct report_opts *o);
int vigie_timeline_report_json(struct vigie_buf *out, const struct timeline *tl,
			 const struct history *h, const struct report_opts *o);
/* One self-contained HTML file (inline CSS and SVG, no external
 * resource): title, host, period, histogram, per-day rows. */
int vigie_timeline_report_html(struct vigie_buf *out, const struct timeline *tl,
			 const struct history *h, const struct report_opts *o);

/* SLA: items (evaluated) and their summaries. */
int vigie_sla_report_text(struct vigie_buf *out, const struct sla_policy *p,
		    const struct sla_item *items, size_t n,
		    const struct sla_summary sum[SLA_NCLASSES], size_t undated,
		    size_t followups, const struct report_opts *o);
int vigie_sla_report_csv(struct vigie_buf *out, const struct sla_item *items, size_t n);
/* One class's measures as JSON members share_met, median_business_days,
 * p90_business_days (three decimals), null when the class has nothing to
 * measure: the writer of `vigie sla` and of the monthly report alike. */
void vigie_sla_measures_json(yajl_gen g, const struct sla_summary *sum);
/* An SLA item's effective keys (effective, effective_pending,
 * effective_delay_business_days: null when unknown or pending), as `vigie
 * sla` and the server's client SLA write them. */
void vigie_sla_item_effective_json(yajl_gen g, const struct sla_item *it);
/* One self-contained page: the summary per class, the breaches with their
 * evidence, then every item. */
int vigie_sla_report_html(struct vigie_buf *out, const struct sla_policy *p,
		    const struct sla_item *items, size_t n,
		    const struct sla_summary sum[SLA_NCLASSES], size_t undated,
		    size_t followups, const struct report_opts *o);
int vigie_sla_report_json(struct vigie_buf *out, const struct sla_policy *p,
		    const struct sla_item *items, size_t n,
		    const struct sla_summary sum[SLA_NCLASSES], size_t undated,
		    size_t followups, const struct report_opts *o);

/* One finding history row (store/service.h) as a JSON map, the one shape
 * of `vigie hosts history` and the server's history route; with_host adds
 * the host's name. "effective_at" is null while open, while the fix waits
 * for a restart or reboot ("restart_pending" true), or when unknown. */
struct store_history_row;
void vigie_history_row_json(yajl_gen g, const struct store_history_row *r, int with_host);

#endif
