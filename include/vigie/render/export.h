/* vigie: exports of the security data in other tools' formats. */
#ifndef VIGIE_EXPORT_H
#define VIGIE_EXPORT_H

#include "vigie/core/error.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"
#include "vigie/engine/vulnindex.h"

/* The release's index in debsecan's "VERSION 1" format (FORMATS.md (d)),
 * zlib-compressed as the tracker serves it, appended to out. Each entry's
 * fixed version for the release is written as the "unstable" fixed
 * version, so debsecan's release-independent rule applies the release's
 * own fix. Not written, as the tracker does not: issues not affecting the
 * release (fixed version 0) and unimportant or end-of-life urgencies.
 * store (may be NULL) supplies descriptions. */
int vigie_export_debsecan(struct vigie_buf *out, const struct vulnindex *idx,
		    struct vigie_store *store, struct vigie_error *err);

#endif
