/* .deb = ar archive of debian-binary, control.tar.*, data.tar.*; libarchive
 * reads the ar container and, streamed from its data member, the inner tar
 * with whichever compression it uses. */
#define _GNU_SOURCE
#include "vigie/debpkg.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigie/debver.h"
#include "vigie/reader.h"
#include "vigie/sha256.h"

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
		if (archive_entry_filetype(e) != AE_IFREG)
			break; /* a symlink to another package's file */
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
				     "truncated or corrupt data.tar: %s", archive_error_string(a));
	else
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, deb, 0, "no %s in the package", want);
out:
	if (a)
		archive_read_free(a);
	free(in);
	return rc;
}

int debpkg_read_file(struct vigie_buf *out, const char *deb, const char *path,
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

/* "package (version) dist; urgency=x": the version, or NULL. */
static const char *entry_version(char *line)
{
	char *o, *c;
	if (line[0] == ' ' || line[0] == '\t' || !line[0])
		return NULL;
	o = strchr(line, ' ');
	if (!o || o[1] != '(' || !(c = strchr(o + 2, ')')))
		return NULL;
	*c = '\0';
	return o + 2;
}

int changelog_summarize(struct vigie_buf *out, const void *data, size_t len,
			const char *name, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	struct vigie_strv cves;
	char *line, version[256] = "";
	size_t llen;
	long entries = 0;
	int rc;

	vigie_strv_init(&cves);
	if ((rc = vigie_reader_open_mem(&r, data, len, name, err)))
		return rc;
	vigie_reader_set_max_line(r, 65536);
#define FLUSH()                                                               \
	do {                                                                  \
		if (version[0] && cves.n) {                                   \
			char *j = vigie_strv_join(&cves, " ");                \
			int bad = !j || vigie_buf_addf(out, "%s %s\n", version, j); \
			free(j);                                              \
			if (bad) {                                            \
				rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory"); \
				goto out;                                     \
			}                                                     \
		}                                                             \
		vigie_strv_release(&cves);                                    \
		vigie_strv_init(&cves);                                       \
	} while (0)
	while ((rc = vigie_reader_getline(r, &line, &llen, err)) == 1) {
		const char *v = entry_version(line);
		if (v) {
			struct debver dv;
			FLUSH();
			if (++entries > CHANGELOG_MAX_ENTRIES)
				break;
			if (strlen(v) >= sizeof(version) || debver_parse(&dv, v, NULL) < 0) {
				version[0] = '\0'; /* not a usable entry */
				continue;
			}
			snprintf(version, sizeof(version), "%s", v);
			continue;
		}
		if (version[0] && vigie_extract_cves(&cves, line)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	FLUSH();
	rc = 0;
	if (!out->data && vigie_buf_add(out, "", 0))
		rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
#undef FLUSH
out:
	vigie_strv_release(&cves);
	vigie_reader_free(r);
	return rc;
}

int changelog_summary_cves(struct vigie_strv *out, const char *summary,
			   const char *after, const char *upto)
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
			if ((!after || debver_cmp_str(line, after) > 0) &&
			    (!upto || debver_cmp_str(line, upto) <= 0)) {
				for (tok = strtok_r(line + (sp - p) + 1, " ", &save); tok;
				     tok = strtok_r(NULL, " ", &save))
					if (vigie_strv_push_unique(out, tok))
						return VIGIE_ENOMEM;
			}
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int debpkg_changelog_summary(struct vigie_buf *out, const char *url,
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
	if ((rc = fetch_to_file(NULL, url, deb.data, fo, err)))
		goto out;
	if (expect_sha256) {
		if ((rc = sha256_verify_file(deb.data, expect_sha256, err))) {
			/* name the URL: the temporary file means nothing */
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			vigie_error_set(err, rc, url, 0, "%s", msg);
			goto out;
		}
	} else {
		vigie_warn(err, url, 0, "no SHA256 in the index: package not verified");
	}
	rc = debpkg_read_file(&data, deb.data, member.data, DEBPKG_MAX_MEMBER, err);
	if (rc == VIGIE_ENOTFOUND) {
		/* a native package has no changelog.Debian.gz: its changelog.gz
		 * is the Debian changelog (Debian policy 12.7) */
		vigie_buf_reset(&member);
		vigie_buf_reset(&data);
		if (vigie_buf_addf(&member, "usr/share/doc/%s/changelog.gz", package)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		rc = debpkg_read_file(&data, deb.data, member.data, DEBPKG_MAX_MEMBER, err);
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
	rc = changelog_summarize(out, data.data, data.len, url, err);
out:
	if (deb.data)
		unlink(deb.data);
	vigie_buf_release(&deb);
	vigie_buf_release(&member);
	vigie_buf_release(&data);
	return rc;
}
