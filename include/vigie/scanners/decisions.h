/* vigie: applying written decisions (store/decisions.h) to findings. A
 * decision in force is one neither revoked, nor past its expiry date, nor
 * re-opened (Debian's data on its CVE for the finding's release and source
 * changed since it was written); an expired or re-opened decision no longer
 * applies, but the finding says so. */
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

/* The decision that applies to (host, cve) at now, judged with Debian's
 * data for (release, source) (either may be NULL: any). Scopes: one naming
 * the host wins over one for the host's client, which wins over one for
 * every host; the latest wins among equals. A decision in force wins;
 * failing one, the best expired or re-opened one is returned with its
 * state; out->decision NULL: none. Revoked decisions never match. was and
 * now (re-opened only) point into d. */
struct vigie_decision_hit {
	const struct vigie_decision *decision;
	int state;                  /* enum vigie_decision_state */
	const char *was, *now;      /* Debian's data then and now ("no entry") */
};
void vigie_decision_lookup(struct vigie_decision_hit *out, const struct vigie_decisions *d,
			   const char *host, const char *cve, const char *release,
			   const char *source, int64_t now);
/* The stored host named host (NULL when not stored). */
const struct vigie_decision_host *vigie_decision_host_of(const struct vigie_decisions *d,
							 const char *host);
/* The client of a stored host, NULL when none. */
const char *vigie_decision_client_of(const struct vigie_decisions *d, const char *host);
/* A decision's own state at now (enum vigie_decision_state): re-opened
 * when Debian's data changed for the release of a stored host it covers
 * (any release for a host not stored, or a scope without stored hosts);
 * *was and *cur then receive the first difference. Revoked decisions are
 * in force here: check x->revoked first. */
int vigie_decision_state_of(const struct vigie_decisions *d, const struct vigie_decision *x,
			    int64_t now, const char **was, const char **cur);
/* 1 when Debian's data on x->cve for (release, source) (NULL: any) differs
 * from what x recorded; *was and *now then receive the first difference. */
int vigie_decision_reopened(const struct vigie_decisions *d, const struct vigie_decision *x,
			    const char *release, const char *source,
			    const char **was, const char **now);
/* 1 when x's scope takes in host (named, host of x's client, or every
 * host), revoked or not. */
int vigie_decision_covers(const struct vigie_decisions *d, const struct vigie_decision *x,
			  const char *host);
/* "host", "client" or "fleet"; the scope's name (host, client or NULL). */
const char *vigie_decision_scope(const struct vigie_decision *x);

/* 1 when status is an OpenVEX status a decision may take; 1 when j is one
 * of OpenVEX's justifications. */
int vigie_decision_status_valid(const char *status);
int vigie_decision_justification_valid(const char *j);

/* Set each finding's decision (in force, expired or re-opened). Findings a decision in
 * force covers are removed from res->findings unless keep (counted in
 * res->hidden_decided, counts recomputed). d must outlive res's use. */
int vigie_decisions_apply_scan(struct scan_result *res, const struct vigie_decisions *d,
			       int64_t now, int keep);
/* The same for a triage result (items are never removed). */
void vigie_decisions_apply_triage(struct triage_result *res,
				  const struct vigie_decisions *d, int64_t now);

#endif
