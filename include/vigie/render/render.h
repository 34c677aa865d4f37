/* vigie: renderers shared by the CLI and the server. They append to a
 * caller-owned buffer and never print. Return 0 or VIGIE_ENOMEM. */
#ifndef VIGIE_RENDER_H
#define VIGIE_RENDER_H

#include <yajl/yajl_gen.h>

#include "vigie/engine/match.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

/* Schema vigie.scan/1 (docs/vigie-scan.1). store may be NULL; when set,
 * "database" lists its sources and their dates. */
int vigie_render_scan_json(struct vigie_buf *out, const struct scan_result *r,
		     struct vigie_store *store);
/* The "states" and "classes" count objects of a scan, as keys of the map
 * g is inside (shared by the scan and fleet JSON). */
void vigie_render_scan_json_counts(yajl_gen g, const struct scan_result *r);
/* Grouped by source package, worst class first; ANSI colours when color. */
int vigie_render_scan_text(struct vigie_buf *out, const struct scan_result *r,
		     int color);
/* One row per finding, header first. */
int vigie_render_scan_csv(struct vigie_buf *out, const struct scan_result *r);

#endif
