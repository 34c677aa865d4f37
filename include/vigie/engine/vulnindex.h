/* vigie: the compiled vulnerability index of one release: source package ->
 * its vulnerability entries, with fixed versions parsed once. Built from the
 * store (tracker JSON rows, completed by the DSA/DLA/DTSA lists and the
 * debian-security-support lists), then queried without the store. */
#ifndef VIGIE_VULNINDEX_H
#define VIGIE_VULNINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/debian/debver.h"
#include "vigie/core/error.h"
#include "vigie/core/hashmap.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

enum vuln_status {
	VULN_RESOLVED,     /* fixed in the release from fixed_version on */
	VULN_OPEN,         /* affected, no fix in the release */
	VULN_UNDETERMINED, /* Debian has not determined it */
};

/* Where an entry's status came from. */
enum vuln_origin {
	VULN_FROM_TRACKER,  /* security tracker JSON */
	VULN_FROM_ADVISORY, /* DSA/DLA/DTSA list only */
};

struct vuln_entry {
	const char *vuln;          /* CVE-... or TEMP-... */
	enum vuln_status status;
	enum vuln_origin origin;
	const char *fixed_version; /* NULL when none; "0" = not affected */
	struct debver fixed;       /* parsed fixed_version (when set) */
	const char *urgency;       /* tracker urgency, NULL when unknown */
	const char *nodsa;         /* no-dsa text, NULL when none */
	const char *nodsa_reason;  /* "", "ignored", "postponed" or NULL */
	const char *advisory;      /* DSA/DLA/DTSA id that fixed it, or NULL */
	const char *advisory_date; /* YYYY-MM-DD or NULL */
	int next_point_update;
	int advisory_exact;        /* advisory fixed exactly fixed_version */
};

struct vuln_source {
	const char *name;
	struct vuln_entry *entries; /* sorted by vuln id */
	size_t n, cap;
	/* debian-security-support: support ended for this source */
	const char *eol_version;    /* last supported version, may be NULL */
	const char *eol_date;       /* YYYY-MM-DD, NULL when not ended */
	const char *eol_note;
	/* security support limited (debian-security-support) */
	const char *limited_note;
};

struct vulnindex {
	struct vigie_arena arena;
	const char *release;
	struct vigie_hashmap sources; /* name -> struct vuln_source* */
	size_t nentries;
	/* The store holds tracker rows (advisory lines) for the release, even
	 * when none concerns the sources read; also set by vigie_vulnindex_add.
	 * Neither set: the release has no security data, no verdict is possible. */
	int has_tracker;
	int has_advisories;
};

/* Build the index of release from the store. Tracker rows win; an
 * (issue, source) the tracker lacks takes the highest fixed version among
 * the advisories that name it for the release. *out NULL on error. */
int vigie_vulnindex_build(struct vulnindex **out, struct vigie_store *s,
		    const char *release, struct vigie_error *err);
/* The same, with tracker rows only for the given source packages (one
 * host's: "linux" for its kernel): faster for a single scan. Advisory and
 * support lines are read whole (they are small). */
int vigie_vulnindex_build_for(struct vulnindex **out, struct vigie_store *s,
			const char *release, const struct vigie_strv *sources,
			struct vigie_error *err);
/* An empty index, for building by hand (tests, other data sources). */
int vigie_vulnindex_new(struct vulnindex **out, const char *release);
/* Add or merge an entry (strings copied). With origin ADVISORY it never
 * overrides a tracker entry, and keeps the highest fixed version. */
int vigie_vulnindex_add(struct vulnindex *idx, const char *source,
		  const struct vuln_entry *e, struct vigie_error *err);
/* Mark source's security support as ended (or limited when date NULL). */
int vigie_vulnindex_set_support(struct vulnindex *idx, const char *source,
			  const char *last_version, const char *end_date,
			  const char *note, int limited);
/* Sort entries; call once after the last add (vigie_vulnindex_build does). */
void vigie_vulnindex_finish(struct vulnindex *idx);
const struct vuln_source *vigie_vulnindex_source(const struct vulnindex *idx,
					   const char *name);
void vigie_vulnindex_free(struct vulnindex *idx);

/* The two rules every verdict shares (lib/engine/vulnindex.c):
 * - a source installed at `installed` has the fix of a resolved entry when
 *   its fixed version is "0" (never affected) or installed >= fixed in
 *   dpkg's order, whatever upstream version a binary claims;
 * - the kernel's signed images (linux-signed-*) are the "linux" source:
 *   Debian's data is written for linux. */
int vigie_version_has_fix(const struct debver *installed, const struct vuln_entry *e);
const char *vigie_kernel_source(const char *source);
/* 1 for "linux" and "linux-signed-*". */
int vigie_is_kernel_source(const char *source);

#endif
