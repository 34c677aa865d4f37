/* vigie: Debian changelog parser (deb-changelog(5)), plain or compressed:
 * entries with source, version, distributions, urgency and other
 * keyword=value pairs, maintainer, date, text and the CVE ids each entry
 * mentions. Old-format text at the end ("Old Changelog:", "Local
 * variables:") ends parsing; odd lines are warnings naming file:line. */
#ifndef VIGIE_CHANGELOG_H
#define VIGIE_CHANGELOG_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#define CHANGELOG_MAX_LINE 65536          /* bytes per line */
#define CHANGELOG_MAX_ENTRIES 100000      /* entries per file */
#define CHANGELOG_MAX_TEXT (1024 * 1024)  /* text bytes per entry */
#define CHANGELOG_MAX_TOTAL (64u << 20)   /* text bytes per file */

/* Strings live in the changelog's arena; absent values are "". */
struct changelog_entry {
	const char *source;
	const char *version;
	const char *distributions; /* space-separated, e.g. "bookworm-security" */
	const char *urgency;       /* lowercase value of urgency=, "" if none */
	const char *keywords;      /* the whole "urgency=..., binary-only=yes" */
	int binary_only;           /* binary-only=yes */
	const char *maintainer;    /* "Name <email>" from the trailer */
	const char *date_text;     /* trailer date as written */
	int64_t date;              /* Unix time; 0 when missing or unparsable */
	const char *text;          /* change lines, newline-separated */
	const char **cves;         /* CVE ids mentioned in the text, in order */
	size_t ncves;
	unsigned long line;        /* line of the header */
};

struct changelog {
	struct vigie_arena arena;
	struct changelog_entry *entries; /* file order: newest first */
	size_t n, cap;
	size_t total_text;
};

/* Prepare an empty changelog (caller-owned struct, no allocation). */
void vigie_changelog_init(struct changelog *cl);
/* Release entries and strings; accepts NULL. */
void vigie_changelog_release(struct changelog *cl);
/* Parse a changelog file (gzip/xz detected by content) and append its
 * entries. Returns 0 (warnings through err), VIGIE_EIO, VIGIE_EPARSE (no
 * entry at all in a non-empty file), VIGIE_ELIMIT or VIGIE_ENOMEM. */
int vigie_changelog_load(struct changelog *cl, const char *path, struct vigie_error *err);
int vigie_changelog_load_reader(struct changelog *cl, struct vigie_reader *r,
			  struct vigie_error *err);

/* Value of keyword key (case-insensitive, e.g. "binary-only") in the
 * entry's keyword list, copied to buf; NULL when absent. */
const char *vigie_changelog_keyword(const struct changelog_entry *e, const char *key,
			      char *buf, size_t size);

/* Entries with old < version <= new in dpkg order (old "" = no lower
 * bound). *out is a malloc'd array of pointers into cl (caller frees),
 * NULL when none; entries with an invalid version are skipped. Returns 0
 * or VIGIE_ENOMEM. */
int vigie_changelog_entries_between(const struct changelog *cl, const char *old_version,
			      const char *new_version,
			      const struct changelog_entry ***out, size_t *n);

#endif
