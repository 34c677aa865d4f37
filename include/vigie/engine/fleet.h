/* vigie: scan every host stored in the database. One index per release
 * and one matcher per release are shared by all hosts, so a fleet rescan
 * costs the distinct (source, version) pairs it holds. */
#ifndef VIGIE_FLEET_H
#define VIGIE_FLEET_H

#include "vigie/core/error.h"
#include "vigie/engine/indexcache.h"
#include "vigie/engine/match.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"

struct fleet_opts {
	const struct policy *policy; /* NULL: built-in */
	int include_unimportant;
	int64_t now;                 /* 0: vigie_now() */
	struct vigie_index_cache *cache; /* the process's shared index cache,
					    or NULL: one for this scan */
	/* optional: called before a host is scanned; *skip set: the host is
	 * left out (no callback). A non-zero return stops the scan. */
	int (*skip)(void *ud, const struct store_host *host, int *skip,
		    struct vigie_error *err);
	void *skip_ud;
	/* each host's findings built for it alone, none shared with the
	 * other hosts of its release (vigie_matcher_share): the plain path
	 * the shared one is checked and measured against; also set by
	 * VIGIE_FLEET_PER_HOST (not empty, not 0) in the environment */
	int per_host;
};

/* o->per_host, or VIGIE_FLEET_PER_HOST set */
int vigie_fleet_per_host(const struct fleet_opts *o);

/* Called once per host with its scan (valid during the call only). A host
 * whose release is unknown is passed with res NULL and why set. A non-zero
 * return stops the scan and is returned. */
typedef int fleet_host_cb(void *ud, const struct store_host *host,
			  const struct scan_result *res, const char *why);

int vigie_fleet_scan(struct vigie_store *s, const struct fleet_opts *o,
	       fleet_host_cb *cb, void *ud, struct vigie_error *err);

#endif
