/* vigie: which releases the database can judge. A release name comes from
 * the user (--release), an image's os-release or a stored host; before a
 * verdict is given for it, distro-info must know it and the database must
 * hold security data for it. Functions take the store; no other state. */
#ifndef VIGIE_RELEASES_H
#define VIGIE_RELEASES_H

#include "vigie/core/error.h"
#include "vigie/store/store.h"

/* 1 when the database holds security data for release, 0 when not, or a
 * negative error (err set). */
int vigie_release_has_data(struct vigie_store *s, const char *release,
			   struct vigie_error *err);

/* Check a release name given for a scan or a stored host. 0 when it can
 * be judged, or when the database holds no security data at all (*no_data
 * set to 1: nothing to check the name against and no verdict possible; a
 * scan then says "undetermined"). VIGIE_ENOTFOUND when distro-info (once
 * imported) does not know it, or when other releases have data and it has
 * none; err then names the releases the database can judge. */
int vigie_release_check(struct vigie_store *s, const char *release, int *no_data,
			struct vigie_error *err);

#endif
