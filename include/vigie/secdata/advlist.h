/* vigie: streaming parser of the security tracker's advisory lists
 * (data/DSA/list, data/DLA/list, data/DTSA/list).
 *
 * A line starting without whitespace is a header
 *   "[DD Mon YYYY] DSA-N[-N] DESCRIPTION"  (DSA, DLA; DLA numbers may be
 *   zero-padded) or "[Month Dth, YYYY] DTSA-N-N DESCRIPTION" (DTSA);
 * indented lines (TAB or spaces) annotate the last header:
 *   "{CVE-... ...}"                       cross references,
 *   "[release] - srcpkg VERSION [(notes)]" fixed version in release,
 *   "[release] - srcpkg <pseudo> [(notes)]" other states (not-affected, ...),
 *   "NOTE: text" / "TODO: text"            free text, never interpreted.
 * Blank lines and lines starting "--" are skipped. Input must be printable
 * ASCII (as the tracker requires) and end with a newline (a file cut short
 * is refused). Every bad line is an error naming the file and line. */
#ifndef VIGIE_ADVLIST_H
#define VIGIE_ADVLIST_H

#include <stddef.h>

#include "vigie/core/error.h"

struct vigie_reader;

/* Bounds (exceeding one is VIGIE_ELIMIT naming the line). */
#define ADVLIST_MAX_LINE (64 * 1024)      /* bytes per line */
#define ADVLIST_MAX_ENTRIES 1000000       /* advisories per file */
#define ADVLIST_MAX_ANNOTATIONS 100000    /* annotation lines per advisory */

enum advlist_kind { ADVLIST_DSA, ADVLIST_DLA, ADVLIST_DTSA };

/* State given by a "[release] - srcpkg ..." line. ADVLIST_FIXED carries a
 * version; every other kind comes from a "<pseudo>" token. */
enum advlist_fix_kind {
	ADVLIST_FIXED,
	ADVLIST_NOT_AFFECTED,
	ADVLIST_UNFIXED,
	ADVLIST_END_OF_LIFE,
	ADVLIST_REMOVED,
	ADVLIST_NO_DSA,
	ADVLIST_IGNORED,
	ADVLIST_POSTPONED,
	ADVLIST_ITP,
	ADVLIST_UNDETERMINED
};

struct advlist_fix {
	const char *release;        /* codename, e.g. "bullseye" */
	const char *source;         /* source package */
	const char *version;        /* ADVLIST_FIXED only, else NULL */
	enum advlist_fix_kind kind;
	const char *note;           /* inner text of "( ... )" or NULL; for
				       DTSA the urgency ("high") */
	unsigned long line;
};

/* One advisory. Everything points into memory owned by the parser and is
 * valid only during the callback. */
struct advlist_entry {
	enum advlist_kind kind;
	const char *id;             /* "DSA-5376-1", "DSA-135", "DLA-0001-1" */
	char date[11];              /* ISO "YYYY-MM-DD" */
	const char *description;    /* header text after the id ("" if none) */
	unsigned long line;         /* line of the header */
	/* Source packages named by the description: the words before " - "
	 * (or " -- "), split on spaces and commas, when all are package
	 * names; with no separator, a single package-name word, or the first
	 * word when a release line names that package; else none
	 * (announcements such as "jessie end-of-life"). */
	const char *const *packages;
	size_t npackages;
	const char *const *cves;    /* CVE ids from "{...}", unique, in order */
	size_t ncves;
	/* Other cross references from "{...}": DSA-N[-N], DLA-N-N, DTSA-N-N,
	 * VU#N (the shipped lists have none). Unique, in order. */
	const char *const *xrefs;
	size_t nxrefs;
	const struct advlist_fix *fixes;
	size_t nfixes;
	const char *const *notes;   /* NOTE:/TODO: texts, prefix removed */
	size_t nnotes;
};

/* Called once per advisory, in file order. A non-zero return stops the
 * parse and is returned by vigie_advlist_parse(). */
typedef int advlist_cb(void *ud, const struct advlist_entry *e);

/* Parse every advisory from r (which must hold a list of the given kind:
 * a header of another kind is an error). Returns 0, the callback's
 * non-zero value, or a negative error with err naming file and line. A
 * file with no advisory at all is an error. */
int vigie_advlist_parse(struct vigie_reader *r, enum advlist_kind kind,
		  advlist_cb *cb, void *ud, struct vigie_error *err);
/* Same, opening path (plain or compressed). */
int vigie_advlist_parse_file(const char *path, enum advlist_kind kind,
		       advlist_cb *cb, void *ud, struct vigie_error *err);

/* "DSA", "DLA", "DTSA". */
const char *vigie_advlist_kind_name(enum advlist_kind k);
/* Parse "DSA"/"DLA"/"DTSA" (case-insensitive). 0 or VIGIE_EUSAGE. */
int vigie_advlist_kind_parse(enum advlist_kind *out, const char *s);
/* "fixed", "not-affected", "unfixed", "end-of-life", "removed", "no-dsa",
 * "ignored", "postponed", "itp", "undetermined". */
const char *vigie_advlist_fix_kind_name(enum advlist_fix_kind k);

#endif
