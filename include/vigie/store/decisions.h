/* vigie: written decisions clearing a doubt ("levée de doutes"). A decision
 * says, for one CVE on one host (or every host), what the security referent
 * concluded, who, when, why and until when. Stored in the `decisions` table
 * (schema 4), apart from imported data: imports never touch it. */
#ifndef VIGIE_STORE_DECISIONS_H
#define VIGIE_STORE_DECISIONS_H

#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"
#include "vigie/store/store.h"

/* Bounds on what a decision holds (longer is VIGIE_EUSAGE). */
#define DECISION_MAX_REASON 4096
#define DECISION_MAX_NAME 256

struct vigie_decision {
	int64_t id;
	const char *cve;           /* upper case, "CVE-2023-1234" */
	const char *host;          /* NULL: every host */
	const char *status;        /* OpenVEX status: not_affected, affected,
				      fixed, under_investigation */
	const char *justification; /* OpenVEX justification, may be NULL */
	const char *reason;
	const char *by;
	int64_t at;                /* decided at */
	int64_t expires;           /* 0: never */
	int64_t revoked;           /* 0: in force (unless expired) */
	const char *revoked_by;    /* may be NULL */
};

/* A list of decisions; strings in the arena. */
struct vigie_decisions {
	struct vigie_arena arena;
	struct vigie_decision *v;
	size_t n, cap;
};

void vigie_decisions_init(struct vigie_decisions *d);
void vigie_decisions_release(struct vigie_decisions *d);

/* Store d (id, revoked ignored); *id receives the new id. VIGIE_EUSAGE for
 * a missing or over-long field. */
int vigie_store_decision_add(struct vigie_store *s, const struct vigie_decision *d,
			     int64_t *id, struct vigie_error *err);
/* Every decision (revoked too when all), ordered by id, appended to out. */
int vigie_store_decisions_load(struct vigie_store *s, int all,
			       struct vigie_decisions *out, struct vigie_error *err);
/* Mark decision id revoked at `at` by `by` (may be NULL). VIGIE_ENOTFOUND
 * when no such decision in force. */
int vigie_store_decision_revoke(struct vigie_store *s, int64_t id, int64_t at,
				const char *by, struct vigie_error *err);

#endif
