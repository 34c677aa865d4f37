/* vigie: Debian's security data as hooks for the timeline and SLA work:
 * the CVEs an upgrade fixed according to the release's fixed versions,
 * the publication date of each fix (its DSA/DLA date) and its class. */
#ifndef VIGIE_SECDATA_H
#define VIGIE_SECDATA_H

#include "vigie/core/error.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"
#include "vigie/engine/timeline.h"

struct secdata;

/* Build the release's index from s. inv (release, and binary -> source
 * names for the upgrades) and s must outlive the secdata; pol may be
 * NULL (built-in). */
int vigie_secdata_open(struct secdata **out, struct vigie_store *s,
		 const struct inventory *inv, const struct policy *pol,
		 struct vigie_error *err);
/* The same with the release's index taken from cache (shared, held until
 * vigie_secdata_free; cache must outlive the secdata); cache NULL builds
 * the secdata's own index as vigie_secdata_open does. */
struct vigie_index_cache;
int vigie_secdata_open_cached(struct secdata **out, struct vigie_store *s,
			      struct vigie_index_cache *cache, const struct inventory *inv,
			      const struct policy *pol, struct vigie_error *err);
void vigie_secdata_free(struct secdata *sd);
/* timeline_cve_source_fn: CVEs whose fixed version for the release lies in
 * (old, new] of the upgrade's source package: the tracker's, and each
 * DSA/DLA's (one per advisory: a CVE two advisories fix is credited to the
 * upgrade that reached each). When several lie in (old, new] the lowest
 * counts; a fix when old already reached the first fix is a follow-up.
 * A binary absent from the inventory is taken as its own source and
 * TIMELINE_SOURCE_UNKNOWN returned. ud is the secdata. */
int vigie_secdata_timeline_cves(void *ud, const struct history_event *ev,
			  timeline_add_fn *add, void *add_ud,
			  struct vigie_error *err);
/* timeline_annotate_fn: the advisory (DSA/DLA id: the one fixing that
 * version, else the first one below it) and class of a fix. Strings stay
 * valid until the next call. ud is the secdata. */
void vigie_secdata_annotate(void *ud, const char *cve, const char *source,
		      const char *version, const char **advisory, const char **cls);
/* Fill hooks with the advisory-date and class lookups of sd. */
void vigie_secdata_sla_hooks(struct secdata *sd, struct timeline_sla_hooks *hooks);

#endif
