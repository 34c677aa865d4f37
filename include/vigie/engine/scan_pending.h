/* vigie: a scan completed with the host's pending updates: which pending
 * update carries the fix of each finding, how many updates (and security
 * updates) apt would install, the CVEs only the candidates' changelogs
 * name, and the class of an update from the CVEs it fixes. */
#ifndef VIGIE_SCAN_PENDING_H
#define VIGIE_SCAN_PENDING_H

#include <stddef.h>

#include "vigie/debian/aptlists.h"
#include "vigie/debian/aptsources.h"
#include "vigie/core/error.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/match.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"
#include "vigie/engine/vulnindex.h"

/* A host's apt sources, the indexes apt downloaded and the updates apt
 * would install. pend's strings point into the other members and into the
 * inventory it was computed from: release together, after their use. */
struct host_pending {
	struct apt_sources srcs;
	struct apt_lists lists;
	struct pending pend;
	struct pending_pkg *pkgs;
	char lists_dir[4096];
};

/* Compute the pending updates of inv from the apt sources under root
 * (NULL or "/": this machine) and the indexes in lists_dir (NULL:
 * <root>/var/lib/apt/lists). arch: native architecture (NULL: inv's).
 * No index found (apt has not run) is not an error: hp->lists.nidx is 0
 * and no update is pending. hp is initialised by this call (release it
 * with vigie_host_pending_release, also after an error). Errors name the
 * sources file and line. */
int vigie_host_pending_load(struct host_pending *hp, const struct inventory *inv,
		      const char *root, const char *lists_dir, const char *arch,
		      struct vigie_error *err);
void vigie_host_pending_release(struct host_pending *hp);

struct scan_pending_opts {
	const struct policy *policy;   /* NULL: built-in default */
	struct vigie_store *store;     /* may be NULL: CVSS, KEV, descriptions */
	const struct vulnindex *idx;   /* the scan's index, may be NULL: CVEs
					  it knows for a source are not taken
					  from changelogs */
	char *const *summaries;        /* NULL, or one changelog summary
					  (debpkg.h) per update of the pending
					  list, NULL where unread */
};

/* Complete res (from vigie_scan_run) with the pending updates p: set
 * res->pending_known and the counts; each fixed-available finding whose
 * fix a pending candidate carries (same source, candidate source version
 * >= fixed version; a security update preferred) gets finding.pending and
 * its evidence says so; the CVEs that a summary names between the
 * installed and the candidate source versions, and that neither res nor
 * idx knows for that source, are added as fixed-available findings with
 * data_source "changelog". Findings are re-sorted and counted again. New
 * strings live in res's arena (p may be released afterwards). Returns 0
 * or VIGIE_ENOMEM. */
int vigie_scan_add_pending(struct scan_result *res, const struct pending *p,
		     const struct scan_pending_opts *o, struct vigie_error *err);

/* The worst class among the CVEs an update of source fixes (cves, may be
 * empty): facts (CVSS, KEV, scope) from store (may be NULL), urgency from
 * idx's entry for (source, CVE) (idx may be NULL), classified by policy
 * (NULL: built-in). *cls is -1 when cves is empty. Returns 0 (unknown
 * facts are not errors) or VIGIE_ENOMEM. */
int vigie_pending_update_class(int *cls, struct vigie_store *store, const struct vulnindex *idx,
			 const struct policy *policy, const char *source,
			 const struct vigie_strv *cves, struct vigie_error *err);

#endif
