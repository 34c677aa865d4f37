/* Importers of line-oriented Debian lists: DSA/DLA/DTSA advisory lists,
 * distro-info's debian.csv and debian-security-support's lists. Each import
 * is one transaction replacing the previous data of that source. */
#include "vigie/secdata/import.h"
#include "vigie/secdata/advlist.h"
#include "vigie/debian/debver.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX_LINE 4096
#define LIST_MAX_ROWS 100000
#define FIELD_MAX 256

/* Absolute form of path for the sources table (path itself when that
 * fails, e.g. "-"). */
static const char *location_of(const char *path, char *buf)
{
	if (realpath(path, buf))
		return buf;
	return path;
}

static int64_t date_value(const char *iso)
{
	int64_t t = 0;
	if (!iso || !*iso || vigie_time_parse(&t, iso, 0))
		return 0;
	return t;
}

static int put_source(struct vigie_store *s, const char *name, const char *path,
		      const char *newest, long rows, struct vigie_error *err)
{
	char loc[PATH_MAX];
	struct store_source src = { 0 };
	src.name = name;
	src.location = location_of(path, loc);
	src.imported_at = vigie_now();
	src.data_date = date_value(newest);
	src.rows = rows;
	return vigie_store_source_put(s, &src, err);
}

/* ---- advisory lists ---- */

struct adv_ctx {
	struct vigie_store *s;
	const char *path;
	const char *kind;
	struct import_stats *st;
	struct vigie_error *err;
	struct vigie_buf pkgs;
	char newest[11];
};

static int adv_cb(void *ud, const struct advlist_entry *e)
{
	struct adv_ctx *c = ud;
	struct store_advisory a;
	int rc;

	vigie_buf_reset(&c->pkgs);
	if (vigie_buf_adds(&c->pkgs, ""))
		return vigie_error_set(c->err, VIGIE_ENOMEM, c->path, e->line, "out of memory");
	for (size_t i = 0; i < e->npackages; i++)
		if ((i && vigie_buf_addc(&c->pkgs, ' ')) ||
		    vigie_buf_adds(&c->pkgs, e->packages[i]))
			return vigie_error_set(c->err, VIGIE_ENOMEM, c->path, e->line,
					       "out of memory");
	a.id = e->id;
	a.kind = c->kind;
	a.date = e->date;
	a.description = e->description;
	a.packages = c->pkgs.len ? c->pkgs.data : NULL;
	rc = vigie_store_advisory_put(c->s, &a, c->err);
	if (rc == 1)
		return vigie_error_set(c->err, VIGIE_EPARSE, c->path, e->line,
				       "duplicate advisory %s", e->id);
	if (rc)
		return rc;
	for (size_t i = 0; i < e->ncves; i++)
		if ((rc = vigie_store_advisory_cve_put(c->s, e->id, e->cves[i], c->err)))
			return rc;
	for (size_t i = 0; i < e->nfixes; i++) {
		const struct advlist_fix *f = &e->fixes[i];
		struct store_advisory_fix sf = {
			e->id, e->date, f->release, f->source, f->version,
			vigie_advlist_fix_kind_name(f->kind), f->note, NULL, NULL
		};
		if ((rc = vigie_store_advisory_fix_put(c->s, &sf, c->err)))
			return rc;
	}
	if (strcmp(e->date, c->newest) > 0)
		memcpy(c->newest, e->date, sizeof(c->newest));
	c->st->rows++;
	return 0;
}

int vigie_import_advisory_list(struct vigie_store *s, const char *path,
			 const char *kind, struct import_stats *st,
			 struct vigie_error *err)
{
	struct adv_ctx c;
	struct import_stats dummy;
	enum advlist_kind k;
	const char *kname, *srcname;
	int rc;

	if (!st)
		st = &dummy;
	st->rows = st->skipped = 0;
	if (!kind || vigie_advlist_kind_parse(&k, kind))
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				       "unknown advisory kind '%s' (DSA, DLA or DTSA)",
				       kind ? kind : "");
	kname = vigie_advlist_kind_name(k);
	srcname = k == ADVLIST_DSA ? "dsa-list" : k == ADVLIST_DLA ? "dla-list" : "dtsa-list";
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.path = path;
	c.kind = kname;
	c.st = st;
	c.err = err;
	vigie_buf_init(&c.pkgs);
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	if ((rc = vigie_store_advisories_clear(s, kname, err)) ||
	    (rc = vigie_advlist_parse_file(path, k, adv_cb, &c, err)) ||
	    (rc = put_source(s, srcname, path, c.newest, st->rows, err)) ||
	    (rc = vigie_store_commit(s, err)))
		goto out;
out:
	if (rc) {
		vigie_store_rollback(s);
		st->rows = 0;
	}
	vigie_buf_release(&c.pkgs);
	return rc;
}

/* ---- shared line helpers ---- */

static int check_text(const char *path, unsigned long ln, const char *line,
		      size_t len, struct vigie_error *err)
{
	if (!vigie_utf8_valid(line, len))
		return vigie_error_set(err, VIGIE_EPARSE, path, ln, "invalid UTF-8");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return vigie_error_set(err, VIGIE_EPARSE, path, ln,
					       "control character at column %zu", i + 1);
	return 0;
}

/* "YYYY-MM-DD" naming a real day. */
static int is_iso_date(const char *s)
{
	int64_t t;
	char back[11];
	if (strlen(s) != 10 || vigie_time_parse(&t, s, 0))
		return 0;
	return !strcmp(vigie_date_format(t, back, sizeof(back)), s);
}

/* ---- distro-info ---- */

enum { DI_VERSION, DI_CODENAME, DI_SERIES, DI_CREATED, DI_RELEASE, DI_EOL,
       DI_EOL_LTS, DI_EOL_ELTS, DI_NCOLS };
static const char *const di_names[DI_NCOLS] = {
	"version", "codename", "series", "created", "release", "eol",
	"eol-lts", "eol-elts"
};
#define DI_MAX_COLS 32

/* Split a CSV line (no quoting in distro-info) in place. */
static int split_csv(char *line, char **f, int max, int *n)
{
	*n = 0;
	for (char *p = line;;) {
		char *c = strchr(p, ',');
		if (*n == max)
			return -1;
		f[(*n)++] = p;
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return 0;
}

int vigie_import_distro_info(struct vigie_store *s, const char *path,
		       struct import_stats *st, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	struct import_stats dummy;
	int colmap[DI_NCOLS], ncols = 0, rc, began = 0;
	char *line;
	size_t len;

	if (!st)
		st = &dummy;
	st->rows = st->skipped = 0;
	if (!path)
		path = "/usr/share/distro-info/debian.csv";
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	vigie_reader_set_max_line(r, LIST_MAX_LINE);
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	began = 1;
	if ((rc = vigie_store_releases_clear(s, err)))
		goto out;
	while ((rc = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		char *f[DI_MAX_COLS];
		int n;
		struct store_release rel;

		if ((rc = check_text(path, ln, line, len, err)))
			goto out;
		if (strchr(line, '"')) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
					     "quoted CSV fields are not expected in distro-info");
			goto out;
		}
		if (split_csv(line, f, DI_MAX_COLS, &n)) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, ln,
					     "more than %d columns", DI_MAX_COLS);
			goto out;
		}
		if (ln == 1) {
			for (int k = 0; k < DI_NCOLS; k++) {
				colmap[k] = -1;
				for (int i = 0; i < n; i++)
					if (!strcmp(f[i], di_names[k]))
						colmap[k] = i;
			}
			for (int k = DI_VERSION; k <= DI_CREATED; k++)
				if (colmap[k] < 0) {
					rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
							     "not a distro-info CSV: no '%s' column in the header",
							     di_names[k]);
					goto out;
				}
			ncols = n;
			continue;
		}
		if (len == 0)
			continue;
		if (n > ncols) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
					     "%d fields, the header has %d", n, ncols);
			goto out;
		}
		if (++st->rows > LIST_MAX_ROWS) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, ln,
					     "more than %d releases", LIST_MAX_ROWS);
			goto out;
		}
		memset(&rel, 0, sizeof(rel));
		for (int k = 0; k < DI_NCOLS; k++) {
			const char *v = colmap[k] >= 0 && colmap[k] < n ? f[colmap[k]] : "";
			char *dst;
			size_t dsz;
			switch (k) {
			case DI_VERSION: dst = rel.version; dsz = sizeof(rel.version); break;
			case DI_CODENAME: dst = NULL; dsz = 32; break;
			case DI_SERIES: dst = rel.series; dsz = sizeof(rel.series); break;
			case DI_CREATED: dst = rel.created; dsz = 11; break;
			case DI_RELEASE: dst = rel.release; dsz = 11; break;
			case DI_EOL: dst = rel.eol; dsz = 11; break;
			case DI_EOL_LTS: dst = rel.eol_lts; dsz = 11; break;
			default: dst = rel.eol_elts; dsz = 11; break;
			}
			if (strlen(v) >= dsz) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
						     "field '%s' too long", di_names[k]);
				goto out;
			}
			if (k >= DI_CREATED && *v && !is_iso_date(v)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
						     "bad %s date '%s' (expected YYYY-MM-DD)",
						     di_names[k], v);
				goto out;
			}
			if (k == DI_VERSION && v[strspn(v, "0123456789.")]) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
						     "bad version number '%s'", v);
				goto out;
			}
			if (dst)
				memcpy(dst, v, strlen(v) + 1);
		}
		for (char *p = rel.series; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (!rel.series[0] || rel.series[strspn(rel.series,
			"abcdefghijklmnopqrstuvwxyz0123456789-")]) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, ln,
					     "bad series '%s' (expected a lower-case codename)",
					     rel.series);
			goto out;
		}
		memcpy(rel.codename, rel.series, sizeof(rel.codename));
		if ((rc = vigie_store_release_put(s, &rel, err)))
			goto out;
	}
	if (rc < 0)
		goto out;
	if (ncols == 0 || st->rows == 0) {
		rc = vigie_error_set(err, VIGIE_EPARSE, path, 0,
				     "no release found (empty or not a distro-info CSV)");
		goto out;
	}
	/* the file carries no date of its own (creation dates run into the
	 * future): data_date stays unknown */
	if ((rc = put_source(s, "distro-info", path, NULL, st->rows, err)) ||
	    (rc = vigie_store_commit(s, err)))
		goto out;
out:
	if (rc) {
		if (began)
			vigie_store_rollback(s);
		st->rows = 0;
	}
	vigie_reader_free(r);
	return rc;
}

/* ---- debian-security-support ---- */

/* Names in these lists are package names or POSIX ERE patterns. */
static int is_list_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FIELD_MAX)
		return 0;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789.+-*?()[]|^$\\")] == '\0';
}

/* Next whitespace-separated word of *p (NUL-terminated in place). */
static char *next_word(char **p)
{
	char *s = *p, *w;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

typedef int support_line_fn(void *ud, char *line, unsigned long ln,
			    const char *path, struct vigie_error *err);

static int read_support_list(const char *path, support_line_fn *fn, void *ud,
			     long *rows, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	char *line;
	size_t len;
	int rc;

	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	vigie_reader_set_max_line(r, LIST_MAX_LINE);
	while ((rc = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		char *t;
		if ((rc = check_text(path, ln, line, len, err)))
			break;
		t = vigie_strip(line);
		if (!*t || *t == '#')
			continue;
		if (++*rows > LIST_MAX_ROWS) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, ln,
					     "more than %d entries", LIST_MAX_ROWS);
			break;
		}
		if ((rc = fn(ud, t, ln, path, err)))
			break;
	}
	vigie_reader_free(r);
	return rc < 0 ? rc : 0;
}

struct ended_ctx {
	struct vigie_store *s;
	const char *release;
};

static int ended_line(void *ud, char *line, unsigned long ln, const char *path,
		      struct vigie_error *err)
{
	struct ended_ctx *c = ud;
	char *p = line, *src, *ver, *date, *note;
	struct debver dv;
	struct vigie_error verr;

	src = next_word(&p);
	ver = next_word(&p);
	date = next_word(&p);
	note = vigie_strip(p);
	if (!src || !ver || !date)
		return vigie_error_set(err, VIGIE_EPARSE, path, ln,
				       "expected 'SOURCE LAST-VERSION YYYY-MM-DD [DETAILS]'");
	if (!is_list_name(src))
		return vigie_error_set(err, VIGIE_EPARSE, path, ln,
				       "bad source package name '%.60s'", src);
	vigie_error_init(&verr);
	if (strlen(ver) > FIELD_MAX || vigie_debver_parse(&dv, ver, &verr) < 0)
		return vigie_error_set(err, VIGIE_EPARSE, path, ln,
				       "invalid version '%.60s': %s", ver, verr.msg);
	if (!is_iso_date(date))
		return vigie_error_set(err, VIGIE_EPARSE, path, ln,
				       "bad date '%.20s' (expected YYYY-MM-DD)", date);
	return vigie_store_support_ended_put(c->s, c->release, src, ver, date, note, err);
}

/* Release named by a ".debN" suffix, through the releases table. */
static int release_from_suffix(struct vigie_store *s, const char *path,
			       char *out, size_t size, struct vigie_error *err)
{
	const char *dot = strrchr(path, '.');
	struct store_release rel;
	int rc;
	if (!dot || strncmp(dot, ".deb", 4) || !dot[4] ||
	    dot[4 + strspn(dot + 4, "0123456789")] || strlen(dot + 4) > 4)
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				       "cannot tell the release from the file name (expected a"
				       " '.debN' suffix): give the release explicitly");
	rc = vigie_store_release_by_number(s, dot + 4, &rel, err);
	if (rc == VIGIE_ENOTFOUND)
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				       "Debian %s is not in the releases table: import"
				       " distro-info first or give the release explicitly",
				       dot + 4);
	if (rc)
		return rc;
	snprintf(out, size, "%s", rel.codename);
	return 0;
}

int vigie_import_support_ended(struct vigie_store *s, const char *path,
			 const char *release, struct import_stats *st,
			 struct vigie_error *err)
{
	struct ended_ctx c;
	struct import_stats dummy;
	char rel[64], name[96];
	int rc;

	if (!st)
		st = &dummy;
	st->rows = st->skipped = 0;
	memset(&c, 0, sizeof(c));
	c.s = s;
	if (release) {
		if (!*release || strlen(release) >= sizeof(rel) ||
		    release[strspn(release, "abcdefghijklmnopqrstuvwxyz0123456789-")])
			return vigie_error_set(err, VIGIE_EUSAGE, path, 0,
					       "bad release codename '%s'", release);
		snprintf(rel, sizeof(rel), "%s", release);
	} else if ((rc = release_from_suffix(s, path, rel, sizeof(rel), err))) {
		return rc;
	}
	c.release = rel;
	snprintf(name, sizeof(name), "support-ended-%s", rel);
	/* as for distro-info, end dates are no date of the data: unknown */
	if ((rc = vigie_store_begin(s, err)))
		return rc;
	if ((rc = vigie_store_support_ended_clear(s, rel, err)) ||
	    (rc = read_support_list(path, ended_line, &c, &st->rows, err)) ||
	    (rc = put_source(s, name, path, NULL, st->rows, err)) ||
	    (rc = vigie_store_commit(s, err))) {
		vigie_store_rollback(s);
		st->rows = 0;
	}
	return rc;
}

static int limited_line(void *ud, char *line, unsigned long ln, const char *path,
			struct vigie_error *err)
{
	struct vigie_store *s = ud;
	char *p = line, *src = next_word(&p);
	if (!src || !is_list_name(src))
		return vigie_error_set(err, VIGIE_EPARSE, path, ln,
				       "bad source package name '%.60s'", src ? src : "");
	return vigie_store_support_limited_put(s, src, vigie_strip(p), err);
}

int vigie_import_support_limited(struct vigie_store *s, const char *path,
			   struct import_stats *st, struct vigie_error *err)
{
	struct import_stats dummy;
	int rc;

	if (!st)
		st = &dummy;
	st->rows = st->skipped = 0;
	if ((rc = vigie_store_begin(s, err)))
		return rc;
	if ((rc = vigie_store_support_limited_clear(s, err)) ||
	    (rc = read_support_list(path, limited_line, s, &st->rows, err)) ||
	    (rc = put_source(s, "support-limited", path, NULL, st->rows, err)) ||
	    (rc = vigie_store_commit(s, err))) {
		vigie_store_rollback(s);
		st->rows = 0;
	}
	return rc;
}
