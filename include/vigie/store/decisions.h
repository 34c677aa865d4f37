/* vigie: written decisions clearing a doubt ("levée de doutes"). A decision
 * says, for one CVE on one host, every host of one client, or every host,
 * what the security referent concluded, who, when, why and until when, and
 * what Debian's data said then. Stored in the `decisions` table (schema 4,
 * client and Debian's data: schema 7), apart from imported data: imports
 * never touch it. */
#ifndef VIGIE_STORE_DECISIONS_H
#define VIGIE_STORE_DECISIONS_H

#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"
#include "vigie/store/store.h"

/* Bounds on what a decision holds (longer is VIGIE_EUSAGE). */
#define DECISION_MAX_REASON 4096
#define DECISION_MAX_NAME 256

/* One row of Debian's data for a CVE: the tracker's status, fixed version
 * and urgency for one (release, source), as one string ("resolved
 * 1.2-3+deb11u1 (high)", "open (unimportant)"). */
struct vigie_decision_fact {
	const char *release, *source, *state;
};
/* The fact of CISA KEV recorded with a decision beside Debian's: release
 * "*" and source "CISA KEV" (for every release and source of the CVE),
 * state whether the CVE is listed. */
#define VIGIE_DECISION_KEV_RELEASE "*"
#define VIGIE_DECISION_KEV_SOURCE "CISA KEV"
#define VIGIE_DECISION_KEV_IN "in CISA KEV"
#define VIGIE_DECISION_KEV_OUT "not in CISA KEV"
/* f is that fact */
int vigie_decision_fact_is_kev(const struct vigie_decision_fact *f);
/* A re-opened decision's fact that went from was to now is KEV's */
int vigie_decision_kev_changed(const char *was, const char *now);
/* What changed under it, for messages: "CISA KEV" or "Debian's data" */
const char *vigie_decision_what_changed(const char *was, const char *now);

struct vigie_decision {
	int64_t id;
	const char *cve;           /* upper case, "CVE-2023-1234" */
	const char *host;          /* NULL: a client's hosts or every host */
	const char *client;        /* with host NULL: every host of that client;
				      both NULL: every host */
	const char *status;        /* OpenVEX status: not_affected, affected,
				      fixed, under_investigation */
	const char *justification; /* OpenVEX justification, may be NULL */
	const char *reason;
	const char *by;
	int64_t at;                /* decided at */
	int64_t expires;           /* 0: never */
	int64_t revoked;           /* 0: in force (unless expired) */
	const char *revoked_by;    /* may be NULL */
	/* Debian's data on the CVE when decided (every release and source),
	 * recorded by vigie_store_decision_add; facts NULL and recorded 0 for
	 * decisions written before schema 7 (they never re-open). */
	const struct vigie_decision_fact *facts;
	size_t nfacts;
	int recorded;
};

/* The stored hosts' clients and releases and Debian's current data on the
 * decided CVEs, loaded with the decisions (scanners/decisions.h compares
 * them). */
struct vigie_decision_host {
	const char *host, *client, *release; /* client, release may be NULL */
};
struct vigie_decision_now {
	const char *cve;
	struct vigie_decision_fact f;
};

/* Whether a decision applies to a finding (scanners/decisions.h): in force,
 * past its last day, or re-opened because Debian's data changed since. */
enum vigie_decision_state {
	VIGIE_DECISION_IN_FORCE = 0,
	VIGIE_DECISION_EXPIRED = 1,
	VIGIE_DECISION_REOPENED = 2
};
/* "in-force", "expired", "re-opened" (static). */
const char *vigie_decision_state_name(int state);

/* A list of decisions; strings in the arena. */
struct vigie_decisions {
	struct vigie_arena arena;
	struct vigie_decision *v;
	size_t n, cap;
	struct vigie_decision_host *hosts; /* sorted by host */
	size_t nhosts;
	struct vigie_decision_now *data;   /* sorted by cve, release, source */
	size_t ndata;
};

/* At most this many tracker rows are recorded with one decision. */
#define DECISION_MAX_FACTS 1024

void vigie_decisions_init(struct vigie_decisions *d);
void vigie_decisions_release(struct vigie_decisions *d);

/* Store d (id, revoked, facts ignored) with Debian's data on d->cve as the
 * store holds it now; *id receives the new id. VIGIE_EUSAGE for a missing
 * or over-long field, for host and client both set, and VIGIE_ENOTFOUND
 * for a client that does not exist. */
int vigie_store_decision_add(struct vigie_store *s, const struct vigie_decision *d,
			     int64_t *id, struct vigie_error *err);
/* Every decision (revoked too when all), ordered by id, appended to out,
 * with the clients of the stored hosts and Debian's current data on the
 * decided CVEs. */
int vigie_store_decisions_load(struct vigie_store *s, int all,
			       struct vigie_decisions *out, struct vigie_error *err);
/* Mark decision id revoked at `at` by `by` (may be NULL). VIGIE_ENOTFOUND
 * when no such decision in force. */
int vigie_store_decision_revoke(struct vigie_store *s, int64_t id, int64_t at,
				const char *by, struct vigie_error *err);

/* 1 when decision id was already told in this state (kind "expired" or
 * "re-opened", detail what changed), 0 when not; negative on error. */
int vigie_store_decision_alert_seen(struct vigie_store *s, int64_t id, const char *kind,
				    const char *detail, struct vigie_error *err);
/* Record it as told at `at`. */
int vigie_store_decision_alert_mark(struct vigie_store *s, int64_t id, const char *kind,
				    const char *detail, int64_t at, struct vigie_error *err);

#endif
