/* vigie: the SLA of one stored host over a period, as `vigie sla
 * --from-store` and the monthly report (lib/report) both compute it: the
 * host's stored events, its stored inventory and release (release, when
 * non-NULL, overrides it), Debian's security data as timeline/SLA hooks
 * when the release is known, the timeline bounded by [since, until) (0 =
 * unbounded; changelogs are not read: a stored host's are not this
 * machine's), its SLA items under sla, and their per-class summary. One
 * function, so the two can never disagree. The caller's store; no state
 * kept. */
#ifndef VIGIE_APP_SLA_H
#define VIGIE_APP_SLA_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/secdata.h"
#include "vigie/engine/sla.h"
#include "vigie/engine/timeline.h"
#include "vigie/store/store.h"

struct vigie_host_sla {
	struct history h;
	struct inventory inv;
	struct secdata *sd;            /* NULL: no security data used */
	struct timeline tl;            /* items' strings live here */
	struct sla_item *items;
	size_t nitems, undated, followups;
	struct sla_summary sum[SLA_NCLASSES];
	int release_unknown;           /* no release stored nor given */
	char note[512];                /* "" or why the security data could not be used */
};

/* Fill out (initialised here; release it even on error). VIGIE_ENOTFOUND
 * when host is unknown; a security data failure is not an error (note).
 * The release's index comes from cache (which must outlive out), or is
 * built for out alone when cache is NULL. */
struct vigie_index_cache;
int vigie_app_host_sla(struct vigie_host_sla *out, struct vigie_store *s,
		       struct vigie_index_cache *cache, const char *host,
		       const char *release, const struct policy *pol,
		       const struct sla_policy *sla, int64_t since, int64_t until,
		       struct vigie_error *err);
void vigie_host_sla_release(struct vigie_host_sla *r);
/* Set each item's effective time (sla.h) from the stored host's finding
 * history and evaluate it again under sla (vigie_app_host_sla does it). */
int vigie_app_sla_add_effective(struct sla_item *items, size_t n, struct vigie_store *s,
				const char *host, const struct sla_policy *sla,
				struct vigie_error *err);

#endif
