#include "vigie/engine/sla.h"
#include "vigie/core/conf.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const class_names[SLA_NCLASSES] = {
	"standard", "critical", "highly-critical"
};

const char *vigie_sla_class_name(enum sla_class c)
{
	return (unsigned)c < SLA_NCLASSES ? class_names[c] : "?";
}

int vigie_sla_class_parse(const char *s)
{
	for (int i = 0; i < SLA_NCLASSES; i++)
		if (!strcasecmp(s, class_names[i]))
			return i;
	return -1;
}

int vigie_sla_policy_init(struct sla_policy *p, struct vigie_error *err)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < SLA_NCLASSES; i++)
		p->deadline_days[i] = 1;
	return vigie_calendar_init(&p->cal, "FR", err);
}

void vigie_sla_policy_release(struct sla_policy *p)
{
	if (p)
		vigie_calendar_release(&p->cal);
}

const char *vigie_sla_policy_path(const char *explicit_path, int *required)
{
	return vigie_conf_config_path(explicit_path, required);
}

int vigie_sla_policy_load(struct sla_policy *p, const char *path, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	char *line, section[64] = "";
	size_t len;
	int got, rc;
	struct sla_policy np;

	/* Apply to a copy so a bad file leaves p as it was. */
	np = *p;
	np.cal.extra = NULL;
	np.cal.removed = NULL;
	np.cal.nextra = np.cal.nremoved = 0;
	for (size_t i = 0; i < p->cal.nextra; i++) {
		char d[16];
		vigie_date_format(p->cal.extra[i] * 86400, d, sizeof(d));
		if ((rc = vigie_calendar_add_holiday(&np.cal, d, err)))
			goto out;
	}
	for (size_t i = 0; i < p->cal.nremoved; i++) {
		char d[16];
		vigie_date_format(p->cal.removed[i] * 86400, d, sizeof(d));
		if ((rc = vigie_calendar_remove_holiday(&np.cal, d, err)))
			goto out;
	}
	/* the same vigie.conf as [alerts], whose commands vigie runs */
	if ((rc = vigie_conf_check_private(path, err)) ||
	    (rc = vigie_reader_open(&r, path, err)))
		goto out;
	vigie_reader_set_max_line(r, 4096);
	while ((got = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		char *key, *val, *eq, *c;
		if (ln > 100000) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, ln, "configuration too long");
			goto out;
		}
		if ((c = strpbrk(line, ";#")) && (c == line || isspace((unsigned char)c[-1])))
			*c = '\0';
		key = vigie_strip(line);
		if (!*key)
			continue;
		if (*key == '[') {
			char *end = strchr(key, ']');
			if (!end || end[1] || end - key - 1 >= (long)sizeof(section)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln, "bad section header");
				goto out;
			}
			memcpy(section, key + 1, (size_t)(end - key - 1));
			section[end - key - 1] = '\0';
			vigie_strip(section);
			continue;
		}
		eq = strchr(key, '=');
		if (!eq) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, ln, "expected 'key = value'");
			goto out;
		}
		*eq = '\0';
		val = vigie_strip(eq + 1);
		vigie_strip(key);
		if (strcmp(section, "sla"))
			continue;
		if (vigie_sla_class_parse(key) >= 0) {
			char *end;
			long d = strtol(val, &end, 10);
			if (!*val || *end || d < 0 || d > SLA_MAX_DEADLINE) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
						     "%s: expected business days 0..%d", key,
						     SLA_MAX_DEADLINE);
				goto out;
			}
			np.deadline_days[vigie_sla_class_parse(key)] = (int)d;
		} else if (!strcmp(key, "country")) {
			struct calendar tmp;
			if (vigie_calendar_init(&tmp, val, err)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln, "%s", err->msg);
				goto out;
			}
			memcpy(np.cal.country, tmp.country, sizeof(tmp.country));
			if (np.cal.alsace_moselle && strcmp(np.cal.country, "FR")) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
						     "region alsace-moselle needs country = FR");
				goto out;
			}
		} else if (!strcmp(key, "region")) {
			if (vigie_calendar_set_region(&np.cal, val, err)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln, "%s", err->msg);
				goto out;
			}
		} else if (!strcmp(key, "measure")) {
			if (strcmp(val, "installed") && strcmp(val, "effective")) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
						     "measure: 'installed' or 'effective', not '%.40s'",
						     val);
				goto out;
			}
			np.measure = val[0] == 'e' ? SLA_MEASURE_EFFECTIVE : SLA_MEASURE_INSTALLED;
		} else if (!strcmp(key, "holiday") || !strcmp(key, "not-holiday")) {
			rc = key[0] == 'h' ? vigie_calendar_add_holiday(&np.cal, val, err)
					   : vigie_calendar_remove_holiday(&np.cal, val, err);
			if (rc) {
				rc = vigie_error_set(err, rc, path, ln, "%s", err->msg);
				goto out;
			}
		} else {
			vigie_warn(err, path, ln, "unknown key '%.40s' in [sla], ignored", key);
		}
	}
	if (got < 0) {
		rc = got;
		goto out;
	}
	vigie_calendar_release(&p->cal);
	*p = np;
	np.cal.extra = np.cal.removed = NULL;
	rc = 0;
out:
	vigie_calendar_release(&np.cal);
	vigie_reader_free(r);
	return rc;
}

const char *vigie_sla_measure_name(enum sla_measure m)
{
	return m == SLA_MEASURE_EFFECTIVE ? "effective" : "installed";
}

void vigie_sla_evaluate(const struct sla_policy *p, struct sla_item *it)
{
	int days = (unsigned)it->cls < SLA_NCLASSES ? p->deadline_days[it->cls] : 1;
	int64_t measured = it->installed;
	it->deadline = vigie_calendar_add_business_days(&p->cal, it->published, days);
	it->business_seconds = vigie_calendar_business_seconds(&p->cal, it->published, it->installed);
	it->delay_hours = (double)it->business_seconds / 3600.0;
	it->delay_days = (double)it->business_seconds / 86400.0;
	it->effective_days = -1;
	if (it->effective && !it->effective_pending)
		it->effective_days = (double)vigie_calendar_business_seconds(
					     &p->cal, it->published,
					     it->effective > it->installed ? it->effective
									   : it->installed) /
				     86400.0;
	if (p->measure == SLA_MEASURE_EFFECTIVE && it->effective && !it->effective_pending)
		measured = it->effective > it->installed ? it->effective : it->installed;
	it->met = measured <= it->deadline &&
		  !(p->measure == SLA_MEASURE_EFFECTIVE && it->effective_pending);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double vigie_sla_percentile(double *v, size_t n, double pct)
{
	size_t rank;
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	rank = (size_t)ceil(pct / 100.0 * (double)n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

double vigie_sla_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int vigie_sla_summarize(struct sla_summary out[SLA_NCLASSES], const struct sla_item *items,
		  size_t n, struct vigie_error *err)
{
	double *v = n ? malloc(n * sizeof(*v)) : NULL;
	if (n && !v)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (int c = 0; c < SLA_NCLASSES; c++) {
		size_t k = 0, met = 0;
		memset(&out[c], 0, sizeof(out[c]));
		out[c].cls = (enum sla_class)c;
		for (size_t i = 0; i < n; i++) {
			if ((int)items[i].cls != c)
				continue;
			v[k++] = items[i].delay_days;
			met += items[i].met != 0;
		}
		out[c].count = k;
		out[c].met = met;
		out[c].share_met = k ? (double)met / (double)k : 0;
		out[c].p90_days = vigie_sla_percentile(v, k, 90);
		out[c].median_days = vigie_sla_median(v, k);
		k = 0;
		for (size_t i = 0; i < n; i++) {
			if ((int)items[i].cls != c)
				continue;
			if (items[i].effective_days >= 0)
				v[k++] = items[i].effective_days;
			out[c].effective_pending += items[i].effective_pending != 0;
		}
		out[c].effective_count = k;
		out[c].effective_p90_days = vigie_sla_percentile(v, k, 90);
		out[c].effective_median_days = vigie_sla_median(v, k);
	}
	free(v);
	return 0;
}
