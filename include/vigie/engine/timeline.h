/* vigie: security timeline of a host: the upgrades of its history and the
 * CVEs each one fixed, and the SLA items derived from them.
 *
 * CVEs of an upgrade old -> new come from the installed package's
 * changelog entries in (old, new] (/usr/share/doc/<pkg>/changelog.Debian.gz
 * under a root, plus changelog.Debian.<arch>.gz for binNMUs), each credited
 * to the oldest of those entries naming it, and from any
 * extra source the caller plugs in (e.g. fixed versions from the store's
 * security data) through timeline_cve_source_fn. */
#ifndef VIGIE_TIMELINE_H
#define VIGIE_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/debian/history.h"
#include "vigie/engine/sla.h"
#include "vigie/core/util.h"

#define TIMELINE_MAX_CVES 100000 /* CVEs per upgrade */

struct timeline_cve {
	const char *cve;
	const char *source;    /* source package ("" if unknown) */
	const char *version;   /* version that fixed it (the oldest changelog
				  entry in (old, new] naming it) */
	int64_t date;          /* that entry's date, 0 if unknown */
	const char *evidence;  /* e.g. "changelog entry 3.0.19-1~deb12u2" */
	const char *advisory;  /* DSA/DLA id, NULL when unknown (annotate) */
	const char *cls;       /* class name, NULL when unknown (annotate) */
	int followup;          /* a later fix of a CVE the host had already
				  fixed: by an earlier upgrade of the timeline,
				  or at a version its old version reached */
};

struct timeline_upgrade {
	const struct history_event *ev; /* points into the history */
	struct timeline_cve *cves;
	size_t ncves;
	const char *note;               /* "" or why no changelog was read */
	int source_unknown;             /* the extra source did not know the
					   binary's source package */
};

struct timeline {
	struct vigie_arena arena;
	struct timeline_upgrade *ups;   /* in time order */
	size_t n;
};

/* One CVE an upgrade fixed, as an extra source reports it. */
struct timeline_fix {
	const char *cve;
	const char *source;    /* source package, NULL or "" if unknown */
	const char *version;   /* version that fixed it */
	int64_t date;          /* date of that version, 0 if unknown */
	const char *evidence;
	int followup;          /* the CVE was first fixed at a version the
				  upgrade's old version already reached */
};
/* Add one CVE for the upgrade being examined; strings are copied. A CVE
 * already added for the upgrade (same source) is kept as it was, except
 * that a follow-up mark is carried over. */
typedef int timeline_add_fn(void *add_ud, const struct timeline_fix *f);
/* An extra CVE source, called once per upgrade (grouped by package, not
 * in time order). Return 0, TIMELINE_SOURCE_UNKNOWN when the upgraded
 * binary's source package is unknown to it (the binary's name was used:
 * the upgrade is marked source_unknown), or a negative VIGIE_E* (err set),
 * which stops vigie_timeline_build(). */
#define TIMELINE_SOURCE_UNKNOWN 1
typedef int timeline_cve_source_fn(void *ud, const struct history_event *ev,
				   timeline_add_fn *add, void *add_ud,
				   struct vigie_error *err);

struct timeline_opts {
	const char *root;      /* NULL or "" = "/"; "-" = do not read changelogs */
	int64_t since, until;  /* [since, until); 0 = unbounded */
	timeline_cve_source_fn *extra;
	void *extra_ud;
};

/* Build the timeline of h's upgrades (h must outlive tl). Unreadable
 * changelogs are notes on the upgrade, not errors. A CVE (with its
 * source) fixed again after an earlier upgrade of the timeline fixed it
 * is marked followup. Release with vigie_timeline_release(). */
int vigie_timeline_build(struct timeline *tl, const struct history *h,
		   const struct timeline_opts *o, struct vigie_error *err);
void vigie_timeline_release(struct timeline *tl);

/* Fill each CVE's advisory and class (strings copied into tl's arena):
 * fn sets *advisory and *cls (either may stay NULL) for (cve, source) fixed
 * at version. Returns 0 or VIGIE_ENOMEM. */
typedef void timeline_annotate_fn(void *ud, const char *cve, const char *source,
				  const char *version, const char **advisory,
				  const char **cls);
int vigie_timeline_annotate(struct timeline *tl, timeline_annotate_fn *fn, void *ud);

/* Hooks for SLA: publication date of a fix and its class. advisory
 * returns 1 and sets *published and *evidence (static or owned by ud,
 * copied) when known, else 0: the DSA/DLA date, or else a first-seen time
 * the caller knows (e.g. the version's first sighting on a mirror), said
 * in *evidence. classify returns 1 and sets *cls when
 * known, else 0 (the class is then "standard"). Either may be NULL. */
struct timeline_sla_hooks {
	int (*advisory)(void *ud, const char *cve, const char *source,
			const char *version, int64_t *published, const char **evidence);
	int (*classify)(void *ud, const char *cve, const char *source,
			enum sla_class *cls);
	void *ud;
};

/* One SLA item per (CVE, source) fixed in tl, installed at the first
 * upgrade that brought it; publication from hooks->advisory, else the
 * changelog entry date (said in published_from); fixes with no date at
 * all are left out and counted in *undated, follow-ups (the SLA measures
 * the first fix) left out and counted in *followups. Items are evaluated
 * under p and sorted by installation time, then CVE.
 * *out is malloc'd (caller frees); strings live in tl's arena. */
int vigie_timeline_sla_items(struct sla_item **out, size_t *n, size_t *undated,
		       size_t *followups, struct timeline *tl, const struct sla_policy *p,
		       const struct timeline_sla_hooks *hooks,
		       struct vigie_error *err);

#endif
