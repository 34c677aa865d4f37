/* vigie: reading inside binary packages (.deb) with libarchive, and the
 * CVE ids their Debian changelog lists per version: what a pending update
 * fixes, read from the candidate package itself. */
#ifndef VIGIE_DEBPKG_H
#define VIGIE_DEBPKG_H

#include <stddef.h>

#include "vigie/debian/aptlists.h"
#include "vigie/core/error.h"
#include "vigie/net/fetch.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

#define DEBPKG_MAX_MEMBER (64u * 1024 * 1024)  /* a file read from a .deb */
#define DEBPKG_MAX_ENTRIES 200000              /* entries in data.tar */

/* Read the file at path (e.g. "usr/share/doc/x/changelog.Debian.gz", with
 * or without "./") from the data.tar.* of the .deb at deb into out (at
 * most max bytes). VIGIE_ENOTFOUND when absent (or a symlink); VIGIE_EPARSE
 * naming the .deb when it is not a readable Debian package. */
int vigie_debpkg_read_file(struct vigie_buf *out, const char *deb, const char *path,
		     size_t max, struct vigie_error *err);

/* Summarise a Debian changelog (plain or gzip-compressed bytes) as lines
 * "VERSION CVE-ID CVE-ID...\n", newest first, for entries that name CVEs.
 * name is used in messages. Parsed by changelog.h (its limits apply);
 * entries with an invalid version are left out, parser warnings dropped.
 * VIGIE_EPARSE when the text holds no changelog entry. */
int vigie_changelog_summarize(struct vigie_buf *out, const void *data, size_t len,
			const char *name, struct vigie_error *err);
/* From such a summary, append to out (unique) the CVEs of entries whose
 * version v satisfies after < v <= upto (upto NULL: no upper bound). */
int vigie_changelog_summary_cves(struct vigie_strv *out, const char *summary,
			   const char *after, const char *upto);
/* Call cb for each (entry version, CVE) of such a summary with
 * after < version <= upto (either NULL: no bound), newest first; a non-zero
 * return from cb stops the walk and is returned. */
typedef int changelog_summary_cb(void *ud, const char *version, const char *cve);
int vigie_changelog_summary_each(const char *summary, const char *after, const char *upto,
			   changelog_summary_cb *cb, void *ud);

/* Download url (a .deb) into dir, check its SHA-256 (expect_sha256 may be
 * NULL: not checked, with a warning), read
 * usr/share/doc/<package>/changelog.Debian.gz (changelog.gz for a native
 * package) and summarise it into out.
 * The downloaded file is removed. Errors name the URL or the file. */
int vigie_debpkg_changelog_summary(struct vigie_buf *out, const char *url,
			     const char *expect_sha256, const char *package,
			     const char *dir, const struct fetch_opts *fo,
			     struct vigie_error *err);

/* The changelog summaries of the candidates ups[0..n): summaries[i] is
 * set to a malloc'd summary (caller frees), or NULL when it could not be
 * read. The binaries of one source version share a changelog, so each
 * (source, source_version) is read once: from the cache in s (under any of
 * its binaries; s may be NULL: no cache), else downloaded from the first
 * binary with a uri and Filename (into a temporary directory under
 * $TMPDIR) and, when s is writable, cached for every binary of the group.
 * A package that cannot be read is a warning through err naming it; once
 * the mirror is unreachable, one warning says so and nothing more is
 * downloaded. fo may be NULL. Returns 0, or VIGIE_ENOMEM, VIGIE_EDB,
 * VIGIE_EIO (no temporary directory); summaries are all NULL on error. */
int vigie_debpkg_pending_changelogs(char **summaries, const struct pending_update *const *ups,
			      size_t n, struct vigie_store *s, const struct fetch_opts *fo,
			      struct vigie_error *err);
/* The same from the cache in s only (nothing downloaded, nothing
 * written): summaries[i] NULL when no binary of its group is cached. */
int vigie_debpkg_cached_changelogs(char **summaries, const struct pending_update *const *ups,
			     size_t n, struct vigie_store *s, struct vigie_error *err);

#endif
