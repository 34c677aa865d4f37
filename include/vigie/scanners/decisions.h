/* vigie: applying written decisions (store/decisions.h) to findings. A
 * decision in force is one neither revoked nor past its expiry date; an
 * expired decision no longer applies, but the finding says it expired. */
#ifndef VIGIE_SCANNERS_DECISIONS_H
#define VIGIE_SCANNERS_DECISIONS_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/engine/match.h"
#include "vigie/scanners/triage.h"
#include "vigie/store/decisions.h"

/* Copy a CVE id written in any case ("cve-2023-1234") into out in upper
 * case. VIGIE_EUSAGE (err names it) unless it reads CVE-YYYY-NNNN[N...]. */
int vigie_cve_normalize(char *out, size_t size, const char *in, struct vigie_error *err);
/* (TEMP-... ids of the security tracker are accepted too.) */

/* The decision on cve for host at now: one naming the host wins over one
 * for every host, the latest wins among equals. NULL when none is in
 * force; *expired (may be NULL) then receives the latest expired one, or
 * NULL. Revoked decisions never match. */
const struct vigie_decision *vigie_decision_find(const struct vigie_decisions *d,
						 const char *host, const char *cve,
						 int64_t now,
						 const struct vigie_decision **expired);

/* 1 when status is an OpenVEX status a decision may take; 1 when j is one
 * of OpenVEX's justifications. */
int vigie_decision_status_valid(const char *status);
int vigie_decision_justification_valid(const char *j);

/* Set each finding's decision (in force or expired). Findings a decision in
 * force covers are removed from res->findings unless keep (counted in
 * res->hidden_decided, counts recomputed). d must outlive res's use. */
int vigie_decisions_apply_scan(struct scan_result *res, const struct vigie_decisions *d,
			       int64_t now, int keep);
/* The same for a triage result (items are never removed). */
void vigie_decisions_apply_triage(struct triage_result *res,
				  const struct vigie_decisions *d, int64_t now);

#endif
