/* vigie: SLA for installed security fixes: per fix, publication and
 * installation time, delay in business days and hours, the deadline of its
 * class, met or breached; per class, count, median and p90 delay, share
 * within the deadline and the breaches.
 *
 * Policy file (INI-like, see data/vigie.conf):
 *   [sla]
 *   highly-critical = 1   ; business days, per class
 *   critical = 1
 *   standard = 1
 *   country = FR          ; FR or none
 *   holiday = 2026-12-24  ; extra non-business day (repeatable)
 *   not-holiday = 2026-05-08 ; a holiday that is worked (repeatable)
 *   measure = installed   ; or effective: which time the contract measures
 * Other sections are ignored (they belong to other modules).
 *
 * Installed is not running: a fix takes effect when no process runs the
 * replaced code any more (the kernel is rebooted). Items carry both times;
 * `measure` says which one decides met or breached (default installed,
 * the effective delay shown beside it). */
#ifndef VIGIE_SLA_H
#define VIGIE_SLA_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/engine/calendar.h"
#include "vigie/core/error.h"

#define SLA_MAX_DEADLINE 3650 /* business days */
#define SLA_MAX_CONFIG (1024 * 1024)

/* Same numbering as the criticality policy's classes (standard 0,
 * critical 1, highly-critical 2), so a class converts by value. */
enum sla_class {
	SLA_STANDARD = 0,
	SLA_CRITICAL = 1,
	SLA_HIGHLY_CRITICAL = 2,
	SLA_NCLASSES = 3
};

enum sla_measure { SLA_MEASURE_INSTALLED = 0, SLA_MEASURE_EFFECTIVE = 1 };

struct sla_policy {
	int deadline_days[SLA_NCLASSES];
	struct calendar cal;
	enum sla_measure measure;
};

/* Defaults: 1 business day for every class, France. Release with
 * vigie_sla_policy_release(). */
int vigie_sla_policy_init(struct sla_policy *p, struct vigie_error *err);
void vigie_sla_policy_release(struct sla_policy *p);
/* Read a policy file into p (keys override the defaults). Errors name
 * file:line (VIGIE_EPARSE, VIGIE_EIO, VIGIE_ELIMIT); a file others could
 * have written is refused (vigie_conf_check_private, VIGIE_EUSAGE). */
int vigie_sla_policy_load(struct sla_policy *p, const char *path, struct vigie_error *err);
/* The file to read: explicit (when non-NULL), else $VIGIE_CONFIG, else
 * /etc/vigie/vigie.conf when it exists, else NULL (built-in defaults).
 * *required is 1 when the file must exist. */
const char *vigie_sla_policy_path(const char *explicit_path, int *required);

/* "highly-critical", "critical", "standard"; parse returns -1 if unknown. */
const char *vigie_sla_class_name(enum sla_class c);
/* "installed", "effective". */
const char *vigie_sla_measure_name(enum sla_measure m);
int vigie_sla_class_parse(const char *s);

/* One installed fix. The caller fills the inputs; vigie_sla_evaluate() the rest. */
struct sla_item {
	/* inputs (strings not owned) */
	const char *cve;
	const char *package;      /* source or binary package */
	const char *version;      /* version that brought the fix */
	enum sla_class cls;
	int64_t published;        /* advisory date, or first seen */
	const char *published_from; /* evidence: "DSA-5376-1", "changelog entry date", ... */
	int64_t installed;
	/* when the fix took effect (>= installed); 0 when unknown (no process
	 * data) or still pending (effective_pending: installed, but processes
	 * still ran the old code at the last inventory) */
	int64_t effective;
	int effective_pending;
	/* results */
	int64_t deadline;
	int64_t business_seconds; /* published -> installed, 0 if installed first */
	double delay_days;        /* business_seconds / 86400 */
	double delay_hours;       /* business_seconds / 3600 */
	double effective_days;    /* published -> effective, business days; -1 unknown or pending */
	/* the measured time (installed, or effective under measure = effective
	 * when known; a pending one is not met) <= deadline */
	int met;
};

/* Fill deadline, delays and met for item under policy p. */
void vigie_sla_evaluate(const struct sla_policy *p, struct sla_item *item);

struct sla_summary {
	enum sla_class cls;
	size_t count;
	size_t met;
	double share_met;      /* met / count, 0 when count is 0 */
	double median_days;    /* of delay_days; mean of the two middle values for even count */
	double p90_days;       /* nearest rank: sorted[ceil(0.9 * count) - 1] */
	/* the same over the items whose effective time is known */
	size_t effective_count, effective_pending;
	double effective_median_days, effective_p90_days;
};

/* Summaries for each class (out[SLA_NCLASSES], indexed by class) over
 * evaluated items. Returns 0 or VIGIE_ENOMEM. */
int vigie_sla_summarize(struct sla_summary out[SLA_NCLASSES], const struct sla_item *items,
		  size_t n, struct vigie_error *err);
/* Nearest-rank percentile (0 < pct <= 100) of v[0..n) (sorted in place);
 * 0 when n is 0. */
double vigie_sla_percentile(double *v, size_t n, double pct);
/* Median of v[0..n) (sorted in place); 0 when n is 0. */
double vigie_sla_median(double *v, size_t n);

#endif
