/* vigie: every fact behind one issue on one host, and the conclusion, in
 * plain sentences (text) or JSON (schema vigie.explain/1). */
#ifndef VIGIE_EXPLAIN_H
#define VIGIE_EXPLAIN_H

#include "vigie/core/error.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

struct explain_opts {
	const struct policy *policy; /* NULL: built-in */
	int64_t now;                 /* 0: vigie_now() */
	int json;                    /* render JSON instead of text */
};

/* Explain vuln (CVE-... or TEMP-...) for inv (NULL: data only), appending
 * the rendering to out. *affected is set to 1 when the host has a
 * finding for it. */
int vigie_explain_render(struct vigie_buf *out, struct vigie_store *s,
		   const char *vuln, const struct inventory *inv,
		   const struct explain_opts *opts, int *affected,
		   struct vigie_error *err);

#endif
