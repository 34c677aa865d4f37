/* vigie: the document an agent pushes (schema "vigie.inventory/1", see
 * docs/INVENTORY.md): a host's inventory, the apt candidates it sees and
 * the dpkg/apt log lines it has not sent yet. Parsed as a stream (yajl's
 * event parser) with caps on every field, so a hostile document costs
 * bounded memory; errors name the field (and the byte offset). */
#ifndef VIGIE_INVDOC_H
#define VIGIE_INVDOC_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"
#include "vigie/store/service.h"

#define INVDOC_MAX_STRING (64 * 1024)   /* any string value */
#define INVDOC_MAX_CANDIDATES 200000
#define INVDOC_MAX_LOG_LINES 1000000
#define INVDOC_MAX_LOG_BYTES (64u << 20)
#define INVDOC_MAX_RESTART 100000       /* restart entries */

/* The optional "restart" object is a struct store_restart (store/service.h). */

struct invdoc {
	struct inventory inv;          /* host, release, kernel, packages */
	struct store_candidate *candidates;
	size_t ncandidates, cap_candidates;
	int have_candidates;
	struct vigie_buf dpkg_log;     /* new dpkg.log lines, '\n'-ended */
	struct vigie_buf apt_log;      /* new apt history.log lines */
	int64_t collected_at;
	struct vigie_arena arena;      /* candidate strings */
	int have_restart;              /* the document has a restart object */
	struct store_restart restart; /* strings in inv's arena */
	size_t cap_restart;
};

void vigie_invdoc_init(struct invdoc *d);
void vigie_invdoc_release(struct invdoc *d);
/* Parse a document from memory into d (initialised). name is used in
 * messages. VIGIE_EPARSE naming the field for a malformed or incomplete
 * document, VIGIE_ELIMIT past a cap. */
int vigie_invdoc_parse(struct invdoc *d, const void *data, size_t len, const char *name,
		       struct vigie_error *err);
/* d's log lines as events (appended to h, then vigie_history_finish). */
int vigie_invdoc_history(const struct invdoc *d, struct history *h,
			 struct vigie_error *err);
/* Write a document: inv, the candidates (NULL with have_candidates 0: not
 * collected) and the log text (each may be NULL). */
int vigie_invdoc_write(struct vigie_buf *out, const struct inventory *inv,
		       const struct store_candidate *c, size_t nc, int have_candidates,
		       const char *dpkg_log, size_t dpkg_len, const char *apt_log,
		       size_t apt_len, int64_t collected_at);
/* The same with a restart object (restart NULL: none written). */
int vigie_invdoc_write_restart(struct vigie_buf *out, const struct inventory *inv,
			       const struct store_candidate *c, size_t nc, int have_candidates,
			       const char *dpkg_log, size_t dpkg_len, const char *apt_log,
			       size_t apt_len, int64_t collected_at,
			       const struct store_restart *restart);

#endif
