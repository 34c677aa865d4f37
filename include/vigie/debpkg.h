/* vigie: reading inside binary packages (.deb) with libarchive, and the
 * CVE ids their Debian changelog lists per version: what a pending update
 * fixes, read from the candidate package itself. */
#ifndef VIGIE_DEBPKG_H
#define VIGIE_DEBPKG_H

#include <stddef.h>

#include "vigie/error.h"
#include "vigie/fetch.h"
#include "vigie/util.h"

#define DEBPKG_MAX_MEMBER (64u * 1024 * 1024)  /* a file read from a .deb */
#define DEBPKG_MAX_ENTRIES 200000              /* entries in data.tar */
#define CHANGELOG_MAX_ENTRIES 5000             /* versions summarised */

/* Read the file at path (e.g. "usr/share/doc/x/changelog.Debian.gz", with
 * or without "./") from the data.tar.* of the .deb at deb into out (at
 * most max bytes). VIGIE_ENOTFOUND when absent (or a symlink); VIGIE_EPARSE
 * naming the .deb when it is not a readable Debian package. */
int debpkg_read_file(struct vigie_buf *out, const char *deb, const char *path,
		     size_t max, struct vigie_error *err);

/* Summarise a Debian changelog (plain or gzip-compressed bytes) as lines
 * "VERSION CVE-ID CVE-ID...\n", newest first, for entries that name CVEs.
 * name is used in messages. Minimal parser: an entry starts at a line
 * "package (version) ...". */
int changelog_summarize(struct vigie_buf *out, const void *data, size_t len,
			const char *name, struct vigie_error *err);
/* From such a summary, append to out (unique) the CVEs of entries whose
 * version v satisfies after < v <= upto (upto NULL: no upper bound). */
int changelog_summary_cves(struct vigie_strv *out, const char *summary,
			   const char *after, const char *upto);

/* Download url (a .deb) into dir, check its SHA-256 (expect_sha256 may be
 * NULL: not checked, with a warning), read
 * usr/share/doc/<package>/changelog.Debian.gz (changelog.gz for a native
 * package) and summarise it into out.
 * The downloaded file is removed. Errors name the URL or the file. */
int debpkg_changelog_summary(struct vigie_buf *out, const char *url,
			     const char *expect_sha256, const char *package,
			     const char *dir, const struct fetch_opts *fo,
			     struct vigie_error *err);

#endif
