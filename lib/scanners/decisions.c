#include "vigie/scanners/decisions.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int vigie_cve_normalize(char *out, size_t size, const char *in, struct vigie_error *err)
{
	size_t n = in ? strlen(in) : 0, digits = 0;
	if (n < 13 || n >= size || n > 32)
		goto bad;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[n] = '\0';
	if (!strncmp(out, "TEMP-", 5)) {
		/* the tracker's ids for issues without a CVE yet */
		for (size_t i = 5; i < n; i++)
			if (!isxdigit((unsigned char)out[i]) && out[i] != '-')
				goto bad;
		return 0;
	}
	if (strncmp(out, "CVE-", 4) || out[8] != '-')
		goto bad;
	for (size_t i = 4; i < 8; i++)
		if (!isdigit((unsigned char)out[i]))
			goto bad;
	for (size_t i = 9; i < n; i++, digits++)
		if (!isdigit((unsigned char)out[i]))
			goto bad;
	if (digits < 4)
		goto bad;
	return 0;
bad:
	if (size)
		out[0] = '\0';
	return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
			       "'%.64s' is not a CVE id (CVE-YYYY-NNNN, or the tracker's TEMP-...)", in ? in : "");
}

static const char *const statuses[] = { "not_affected", "affected", "fixed",
					"under_investigation" };
static const char *const justifications[] = {
	"component_not_present", "vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist"
};

int vigie_decision_status_valid(const char *status)
{
	for (size_t i = 0; status && i < sizeof(statuses) / sizeof(*statuses); i++)
		if (!strcmp(status, statuses[i]))
			return 1;
	return 0;
}

int vigie_decision_justification_valid(const char *j)
{
	for (size_t i = 0; j && i < sizeof(justifications) / sizeof(*justifications); i++)
		if (!strcmp(j, justifications[i]))
			return 1;
	return 0;
}

const struct vigie_decision *vigie_decision_find(const struct vigie_decisions *d,
						 const char *host, const char *cve,
						 int64_t now,
						 const struct vigie_decision **expired)
{
	const struct vigie_decision *best = NULL, *old = NULL;
	for (size_t i = 0; d && i < d->n; i++) {
		const struct vigie_decision *x = &d->v[i];
		if (x->revoked || strcasecmp(x->cve, cve))
			continue;
		if (x->host && (!host || strcmp(x->host, host)))
			continue;
		if (x->expires && x->expires <= now) {
			/* ids grow: the later one is the latest */
			if (!old || (x->host && !old->host) || !!x->host == !!old->host)
				old = x;
			continue;
		}
		if (!best || (x->host && !best->host) || !!x->host == !!best->host)
			best = x;
	}
	if (expired)
		*expired = best ? NULL : old;
	return best;
}

int vigie_decisions_apply_scan(struct scan_result *res, const struct vigie_decisions *d,
			       int64_t now, int keep)
{
	size_t w = 0;
	if (!d || !d->n)
		return 0;
	for (size_t i = 0; i < res->n; i++) {
		struct finding *f = &res->findings[i];
		const struct vigie_decision *old = NULL;
		f->decision = vigie_decision_find(d, res->host, f->cve, now, &old);
		f->decision_expired = 0;
		if (!f->decision && old) {
			f->decision = old;
			f->decision_expired = 1;
		}
		if (f->decision && !f->decision_expired) {
			res->hidden_decided++;
			if (!keep)
				continue;
		}
		if (w != i)
			res->findings[w] = *f;
		w++;
	}
	if (w != res->n) {
		res->n = w;
		vigie_scan_result_recount(res);
	}
	return 0;
}

void vigie_decisions_apply_triage(struct triage_result *res,
				  const struct vigie_decisions *d, int64_t now)
{
	if (!d || !d->n)
		return;
	for (size_t i = 0; i < res->n; i++) {
		struct triage_item *it = &res->items[i];
		const struct vigie_decision *old = NULL;
		if (!it->cve)
			continue;
		it->decision = vigie_decision_find(d, it->host, it->cve, now, &old);
		it->decision_expired = 0;
		if (!it->decision && old) {
			it->decision = old;
			it->decision_expired = 1;
		}
	}
}
