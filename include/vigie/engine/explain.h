/* vigie: every fact behind one issue on one host, and the conclusion, in
 * plain sentences (text) or JSON (schema vigie.explain/1). */
#ifndef VIGIE_EXPLAIN_H
#define VIGIE_EXPLAIN_H

#include "vigie/core/error.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

struct vigie_decision;

struct explain_opts {
	const struct policy *policy; /* NULL: built-in */
	int64_t now;                 /* 0: vigie_now() */
	int json;                    /* render JSON instead of text */
	/* The written decision on this CVE for the host (store/decisions.h),
	 * shown beside the conclusion; NULL: none. decision_state expired or
	 * re-opened (was/now: Debian's data then and now): it no longer
	 * applies. */
	const struct vigie_decision *decision;
	int decision_state;
	const char *decision_was, *decision_now;
};

/* The conclusion. UNKNOWN: the database has no Debian data for the issue,
 * or none for the host's release; never taken for "not affected". */
enum explain_verdict {
	VIGIE_EXPLAIN_NOT_AFFECTED = 0,
	VIGIE_EXPLAIN_AFFECTED = 1,
	VIGIE_EXPLAIN_UNKNOWN = 2,
};

/* Explain vuln (CVE-... or TEMP-...) for inv (NULL: data only), appending
 * the rendering to out. *verdict: AFFECTED when the host has a finding for
 * it, UNKNOWN when the data cannot tell (with or without a host), else
 * NOT_AFFECTED (always, without a host and with data). */
int vigie_explain_render(struct vigie_buf *out, struct vigie_store *s,
		   const char *vuln, const struct inventory *inv,
		   const struct explain_opts *opts, enum explain_verdict *verdict,
		   struct vigie_error *err);

#endif
