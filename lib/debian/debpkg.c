/* .deb = ar archive of debian-binary, control.tar.*, data.tar.*; libarchive
 * reads the ar container and, streamed from its data member, the inner tar
 * with whichever compression it uses. */
#define _GNU_SOURCE
#include "vigie/debian/debpkg.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigie/debian/changelog.h"
#include "vigie/debian/debver.h"
#include "vigie/core/reader.h"
#include "vigie/core/sha256.h"

struct inner {
	struct archive *outer;
	char buf[65536];
};

static la_ssize_t inner_read(struct archive *a, void *ud, const void **out)
{
	struct inner *in = ud;
	la_ssize_t n = archive_read_data(in->outer, in->buf, sizeof(in->buf));
	(void)a;
	*out = in->buf;
	return n;
}

static const char *strip_dot(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	return p;
}

static int read_data_tar(struct vigie_buf *out, struct archive *outer,
			 const char *deb, const char *want, size_t max,
			 struct vigie_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct inner *in = NULL;
	long entries = 0;
	int rc = VIGIE_ENOTFOUND, r;

	if (!a || !(in = malloc(sizeof(*in)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, deb, 0, "out of memory");
		goto out;
	}
	in->outer = outer;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open(a, in, NULL, inner_read, NULL) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		rc = vigie_error_set(err, VIGIE_EPARSE, deb, 0, "truncated or corrupt data.tar%s%s",
				     why ? ": " : "", why ? why : "");
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (++entries > DEBPKG_MAX_ENTRIES) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, deb, 0,
					     "more than %d files in the package", DEBPKG_MAX_ENTRIES);
			goto out;
		}
		if (!name || strcmp(strip_dot(name), want))
			continue;
		if (archive_entry_filetype(e) != AE_IFREG) {
			/* a symlink to another package's file: not here */
			rc = vigie_error_set(err, VIGIE_ENOTFOUND, deb, 0,
					     "%s is a symlink or not a regular file", want);
			goto out;
		}
		for (;;) {
			char buf[65536];
			la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
			if (n < 0) {
				rc = vigie_error_set(err, VIGIE_EPARSE, deb, 0,
						     "truncated or corrupt data.tar: %s",
						     archive_error_string(a));
				goto out;
			}
			if (n == 0)
				break;
			if (out->len + (size_t)n > max) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, deb, 0,
						     "%s larger than %zu bytes", want, max);
				goto out;
			}
			if (vigie_buf_add(out, buf, (size_t)n)) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, deb, 0, "out of memory");
				goto out;
			}
		}
		rc = 0;
		goto out;
	}
	if (r != ARCHIVE_EOF)
		rc = vigie_error_set(err, VIGIE_EPARSE, deb, 0,
				     "truncated or corrupt data.tar: %s",
				     archive_error_string(a) ? archive_error_string(a) : "?");
	else
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, deb, 0, "no %s in the package", want);
out:
	if (a)
		archive_read_free(a);
	free(in);
	return rc;
}

int vigie_debpkg_read_file(struct vigie_buf *out, const char *deb, const char *path,
		     size_t max, struct vigie_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *want = strip_dot(path);
	int rc, r, seen_binary = 0;

	if (!a)
		return vigie_error_set(err, VIGIE_ENOMEM, deb, 0, "out of memory");
	archive_read_support_format_ar(a);
	if (archive_read_open_filename(a, deb, 65536) != ARCHIVE_OK) {
		rc = vigie_error_set(err, VIGIE_EPARSE, deb, 0, "not a Debian package: %s",
				     archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		if (!strcmp(name, "debian-binary"))
			seen_binary = 1;
		if (!strncmp(name, "data.tar", 8)) {
			if (!seen_binary) {
				rc = vigie_error_set(err, VIGIE_EPARSE, deb, 0,
						     "not a Debian package (no debian-binary)");
				goto out;
			}
			rc = read_data_tar(out, a, deb, want, max, err);
			goto out;
		}
	}
	rc = vigie_error_set(err, VIGIE_EPARSE, deb, 0, "not a Debian package: %s",
			     r == ARCHIVE_EOF ? "no data.tar member" : archive_error_string(a));
out:
	archive_read_free(a);
	return rc;
}

int vigie_changelog_summarize(struct vigie_buf *out, const void *data, size_t len,
			const char *name, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	struct changelog cl;
	struct vigie_error perr;
	int rc;

	/* the parser's warnings (odd trailers, latin-1 lines) are not the
	 * reader's concern here: only what it could not read is reported */
	vigie_error_init(&perr);
	vigie_changelog_init(&cl);
	if ((rc = vigie_reader_open_mem(&r, data, len, name, err)))
		return rc;
	if ((rc = vigie_changelog_load_reader(&cl, r, &perr))) {
		vigie_error_set(err, rc, perr.file[0] ? perr.file : name, perr.line, "%s",
				perr.msg);
		goto out;
	}
	for (size_t i = 0; i < cl.n; i++) {
		const struct changelog_entry *e = &cl.entries[i];
		struct debver dv;
		if (!e->ncves || vigie_debver_parse(&dv, e->version, NULL) < 0)
			continue;
		if (vigie_buf_adds(out, e->version))
			goto oom;
		for (size_t k = 0; k < e->ncves; k++)
			if (vigie_buf_addc(out, ' ') || vigie_buf_adds(out, e->cves[k]))
				goto oom;
		if (vigie_buf_addc(out, '\n'))
			goto oom;
	}
	if (!out->data && vigie_buf_add(out, "", 0))
		goto oom;
	rc = 0;
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
out:
	vigie_changelog_release(&cl);
	vigie_reader_free(r);
	return rc;
}

int vigie_changelog_summary_each(const char *summary, const char *after, const char *upto,
			   changelog_summary_cb *cb, void *ud)
{
	const char *p = summary;
	while (p && *p) {
		const char *e = strchr(p, '\n'), *sp;
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[8192], *tok, *save = NULL;

		sp = memchr(p, ' ', len);
		if (sp && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			line[sp - p] = '\0';
			if ((!after || vigie_debver_cmp_str(line, after) > 0) &&
			    (!upto || vigie_debver_cmp_str(line, upto) <= 0)) {
				for (tok = strtok_r(line + (sp - p) + 1, " ", &save); tok;
				     tok = strtok_r(NULL, " ", &save)) {
					int rc = cb(ud, line, tok);
					if (rc)
						return rc;
				}
			}
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int push_cve(void *ud, const char *version, const char *cve)
{
	(void)version;
	return vigie_strv_push_unique(ud, cve) ? VIGIE_ENOMEM : 0;
}

int vigie_changelog_summary_cves(struct vigie_strv *out, const char *summary,
			   const char *after, const char *upto)
{
	return vigie_changelog_summary_each(summary, after, upto, push_cve, out);
}

int vigie_debpkg_changelog_summary(struct vigie_buf *out, const char *url,
			     const char *expect_sha256, const char *package,
			     const char *dir, const struct fetch_opts *fo,
			     struct vigie_error *err)
{
	struct vigie_buf deb = VIGIE_BUF_INIT, member = VIGIE_BUF_INIT,
			 data = VIGIE_BUF_INIT;
	int rc;

	/* a fixed name: package names come from outside */
	if (strchr(package, '/') || !strcmp(package, "..") || !*package)
		return vigie_error_set(err, VIGIE_EUSAGE, url, 0, "invalid package name '%s'",
				       package);
	if (vigie_buf_addf(&deb, "%s/candidate.deb", dir) ||
	    vigie_buf_addf(&member, "usr/share/doc/%s/changelog.Debian.gz", package)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if ((rc = vigie_fetch_to_file(NULL, url, deb.data, fo, err)))
		goto out;
	if (expect_sha256) {
		if ((rc = vigie_sha256_verify_file(deb.data, expect_sha256, err))) {
			/* name the URL: the temporary file means nothing */
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			vigie_error_set(err, rc, url, 0, "%s", msg);
			goto out;
		}
	} else {
		vigie_warn(err, url, 0, "no SHA256 in the index: package not verified");
	}
	rc = vigie_debpkg_read_file(&data, deb.data, member.data, DEBPKG_MAX_MEMBER, err);
	if (rc == VIGIE_ENOTFOUND) {
		/* a native package has no changelog.Debian.gz: its changelog.gz
		 * is the Debian changelog (Debian policy 12.7) */
		vigie_buf_reset(&member);
		vigie_buf_reset(&data);
		if (vigie_buf_addf(&member, "usr/share/doc/%s/changelog.gz", package)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		rc = vigie_debpkg_read_file(&data, deb.data, member.data, DEBPKG_MAX_MEMBER, err);
		if (rc == VIGIE_ENOTFOUND)
			vigie_error_set(err, rc, deb.data, 0,
					"no usr/share/doc/%s/changelog.Debian.gz (nor changelog.gz) in the package",
					package);
	}
	if (rc) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		vigie_error_set(err, rc, url, 0, "%s", msg);
		goto out;
	}
	rc = vigie_changelog_summarize(out, data.data, data.len, url, err);
out:
	if (deb.data)
		unlink(deb.data);
	vigie_buf_release(&deb);
	vigie_buf_release(&member);
	vigie_buf_release(&data);
	return rc;
}

/* uri + filename as something fetch accepts (file:/x -> /x). A Filename
 * climbing out of the repository ("..") is refused. */
static int deb_url(struct vigie_buf *b, const char *uri, const char *filename)
{
	if (!strncmp(filename, "../", 3) || strstr(filename, "/../") || filename[0] == '/' ||
	    !strcmp(filename, ".."))
		return VIGIE_EPARSE;
	if (!strncmp(uri, "file:", 5)) {
		uri += 5;
		if (!strncmp(uri, "//", 2))
			uri += 2;
	}
	return vigie_buf_addf(b, "%s%s", uri, filename);
}

struct clctx {
	char tmpdir[4096]; /* created on first download */
	const struct fetch_opts *fo;
	int net_down;      /* the mirror was unreachable once: stop */
};

/* Download one candidate and summarise its changelog into *summary. */
static int fetch_summary(struct clctx *cx, const struct pending_update *u,
			 char **summary, struct vigie_error *ferr)
{
	struct vigie_buf url = VIGIE_BUF_INIT, sum = VIGIE_BUF_INIT;
	int frc;

	if (!cx->tmpdir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(cx->tmpdir, sizeof(cx->tmpdir), "%s/vigie-debs-XXXXXX",
			 t && *t ? t : "/tmp");
		if (!mkdtemp(cx->tmpdir)) {
			cx->tmpdir[0] = '\0';
			return vigie_error_set(ferr, VIGIE_EIO, NULL, 0,
					       "cannot create a temporary directory: %s",
					       strerror(errno));
		}
	}
	if (deb_url(&url, u->uri, u->filename))
		frc = vigie_error_set(ferr, VIGIE_EPARSE, NULL, 0, "refused Filename '%s'",
				      u->filename);
	else
		frc = vigie_debpkg_changelog_summary(&sum, url.data, u->sha256, u->package,
					       cx->tmpdir, cx->fo, ferr);
	if (!frc && !(*summary = vigie_buf_detach(&sum)))
		frc = vigie_error_set(ferr, VIGIE_ENOMEM, NULL, 0, "out of memory");
	vigie_buf_release(&url);
	vigie_buf_release(&sum);
	return frc;
}

static int same_source(const struct pending_update *a, const struct pending_update *b)
{
	return !strcmp(a->source, b->source) && !strcmp(a->source_version, b->source_version);
}

static int changelogs_for(char **summaries, const struct pending_update *const *ups, size_t n,
			  struct vigie_store *s, const struct fetch_opts *fo, int download,
			  struct vigie_error *err)
{
	struct clctx *cx = calloc(1, sizeof(*cx));
	char *done = calloc(n ? n : 1, 1);
	struct vigie_arena cached; /* one group's cached summary, emptied per group */
	int rc = 0;

	vigie_arena_init(&cached);
	for (size_t i = 0; i < n; i++)
		summaries[i] = NULL;
	if (!cx || !done) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	cx->fo = fo;
	for (size_t i = 0, ndone = 0; i < n; i++) {
		const struct pending_update *u = ups[i];
		const struct pending_update *failed = NULL;
		const char *summary = NULL;
		char *fetched = NULL, msg[2048] = "";
		int unreachable = 0, fresh = 0;

		if (done[i])
			continue;
		/* cached under any binary of the group? */
		for (size_t j = i; j < n && !summary && s; j++) {
			int grc;
			if (done[j] || !same_source(ups[j], u))
				continue;
			grc = vigie_store_changelog_get(s, ups[j]->package, ups[j]->candidate, &cached,
							&summary, err);
			if (grc && grc != VIGIE_ENOTFOUND) {
				rc = grc;
				goto out;
			}
		}
		for (size_t j = i; j < n && download && !summary && !cx->net_down; j++) {
			const struct pending_update *v = ups[j];
			struct vigie_error ferr;
			int frc;
			if (done[j] || !same_source(v, u) || !v->filename || !v->uri)
				continue;
			vigie_error_init(&ferr);
			ferr.warn = err ? err->warn : NULL;
			ferr.warn_ud = err ? err->warn_ud : NULL;
			frc = fetch_summary(cx, v, &fetched, &ferr);
			if (!frc) {
				summary = fetched;
				fresh = 1;
				break;
			}
			if (frc == VIGIE_ENOMEM) {
				rc = vigie_error_set(err, frc, NULL, 0, "out of memory");
				goto out;
			}
			if (frc == VIGIE_EIO && !strncmp(ferr.msg, "cannot create a temporary", 25)) {
				rc = vigie_error_set(err, frc, NULL, 0, "%s", ferr.msg);
				goto out;
			}
			failed = v;
			vigie_error_format(&ferr, msg, sizeof(msg));
			if (frc == VIGIE_ENET && (strstr(ferr.msg, "cannot reach") ||
						  strstr(ferr.msg, "cannot connect") ||
						  strstr(ferr.msg, "timed out")))
				unreachable = cx->net_down = 1;
		}
		if (!summary && failed) {
			vigie_warn(err, NULL, 0, "%s %s: changelog not read: %s", failed->package,
				   failed->candidate, msg);
			if (unreachable)
				vigie_warn(err, NULL, 0,
					   "mirror unreachable: no further changelogs are fetched");
		}
		for (size_t j = i; j < n; j++) {
			if (done[j] || !same_source(ups[j], u))
				continue;
			done[j] = 1;
			ndone++;
			if (!summary)
				continue;
			if (fresh && s &&
			    (rc = vigie_store_changelog_put(s, ups[j]->package, ups[j]->candidate,
						      vigie_now(), summary, err))) {
				free(fetched);
				goto out;
			}
			if (!(summaries[j] = strdup(summary))) {
				free(fetched);
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
		}
		free(fetched);
		vigie_arena_release(&cached);
		if (download && fo && fo->step)
			fo->step(fo->step_ud, ndone, n);
	}
out:
	if (cx && cx->tmpdir[0])
		rmdir(cx->tmpdir);
	if (rc)
		for (size_t i = 0; i < n; i++) {
			free(summaries[i]);
			summaries[i] = NULL;
		}
	vigie_arena_release(&cached);
	free(cx);
	free(done);
	return rc;
}

int vigie_debpkg_pending_changelogs(char **summaries, const struct pending_update *const *ups,
			      size_t n, struct vigie_store *s, const struct fetch_opts *fo,
			      struct vigie_error *err)
{
	return changelogs_for(summaries, ups, n, s, fo, 1, err);
}

int vigie_debpkg_cached_changelogs(char **summaries, const struct pending_update *const *ups,
			     size_t n, struct vigie_store *s, struct vigie_error *err)
{
	return changelogs_for(summaries, ups, n, s, NULL, 0, err);
}
