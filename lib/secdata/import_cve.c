/* CISA KEV, CVE JSON 5 and NVD CVE API 2.0 importers (FORMATS.md (f),
 * (g), (h)). These documents are small (KEV ~1.3 MB, one CVE record or
 * NVD page each), so each file is read whole (bounded) and parsed with
 * yajl's tree API. Every import is one transaction. */
#define _GNU_SOURCE
#include "vigie/secdata/import.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#define KEV_MAX_BYTES (64u * 1024 * 1024)
#define KEV_MAX_ENTRIES 200000
#define CVE_MAX_BYTES (16u * 1024 * 1024)   /* one CVE 5 record */
#define NVD_MAX_BYTES (256u * 1024 * 1024)  /* one NVD page (2000 CVEs) */
#define NVD_MAX_ENTRIES 100000
#define JSON_MAX_DEPTH 64
#define DIR_MAX_FILES 2000000
#define DIR_MAX_DEPTH 8
#define FIELD_MAX 4096                      /* bytes of a stored string */

/* ---- reading a JSON document ---- */

/* Line (1-based) of byte offset off in buf. */
static unsigned long line_of(const char *buf, size_t off)
{
	unsigned long line = 1;
	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

/* Check nesting depth (outside strings); returns 0 or an error. */
static int check_depth(const char *buf, size_t len, const char *name,
		       struct vigie_error *err)
{
	int depth = 0, in_str = 0, esc = 0;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return vigie_error_set(err, VIGIE_ELIMIT, name, line_of(buf, i),
						       "JSON nested deeper than %d levels",
						       JSON_MAX_DEPTH);
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 0;
}

/* Name the line of a syntax error: run the event parser without callbacks
 * to learn where it stops. */
static int syntax_error(const char *buf, size_t len, const char *name,
			const char *treemsg, struct vigie_error *err)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	unsigned long line = 0;
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", treemsg);
	if (h) {
		yajl_status ys = yajl_parse(h, (const unsigned char *)buf, len);
		size_t used = yajl_get_bytes_consumed(h);
		if (ys == yajl_status_ok) {
			/* truncated: name the last line with content */
			ys = yajl_complete_parse(h);
			used = len;
			while (used && (buf[used - 1] == '\n' || buf[used - 1] == ' ' ||
					buf[used - 1] == '\r' || buf[used - 1] == '\t'))
				used--;
		}
		if (ys != yajl_status_ok) {
			unsigned char *m = yajl_get_error(h, 0, NULL, 0);
			line = line_of(buf, used <= len ? used : len);
			if (m)
				snprintf(msg, sizeof(msg), "%s", (const char *)m);
			yajl_free_error(h, m);
		}
		yajl_free(h);
	}
	for (size_t n = strlen(msg); n && (msg[n - 1] == '\n' || msg[n - 1] == ' ');)
		msg[--n] = '\0';
	if (!msg[0])
		snprintf(msg, sizeof(msg), "premature end of input");
	return vigie_error_set(err, VIGIE_EPARSE, name, line, "invalid JSON: %s", msg);
}

/* Read path (plain or compressed, at most max bytes) and parse it. */
static int load_json(yajl_val *out, const char *path, size_t max,
		     struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	struct vigie_buf b = VIGIE_BUF_INIT;
	char chunk[65536], emsg[512];
	int rc;

	*out = NULL;
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	for (;;) {
		long n = vigie_reader_read(r, chunk, sizeof(chunk), err);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, 0,
					     "larger than %zu bytes", max);
			goto out;
		}
		if (vigie_buf_add(&b, chunk, (size_t)n)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
			goto out;
		}
	}
	if (!b.data && vigie_buf_grow(&b, 0)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
		goto out;
	}
	if (memchr(b.data, '\0', b.len)) {
		rc = vigie_error_set(err, VIGIE_EPARSE, path,
				     line_of(b.data, (size_t)((char *)memchr(b.data, '\0', b.len) - b.data)),
				     "NUL byte in JSON text");
		goto out;
	}
	if ((rc = check_depth(b.data, b.len, path, err)))
		goto out;
	emsg[0] = '\0';
	*out = yajl_tree_parse(b.data, emsg, sizeof(emsg));
	if (!*out)
		rc = syntax_error(b.data, b.len, path, emsg, err);
out:
	vigie_buf_release(&b);
	vigie_reader_free(r);
	return rc;
}

/* ---- tree helpers ---- */

static yajl_val get(yajl_val v, const char *key)
{
	const char *path[2] = { key, NULL };
	if (!YAJL_IS_OBJECT(v))
		return NULL;
	return yajl_tree_get(v, path, yajl_t_any);
}

/* Optional string member: *out NULL when absent or null; an error when of
 * another type or too long. */
static int get_str(const char **out, yajl_val obj, const char *key,
		   const char *file, const char *ctx, struct vigie_error *err)
{
	yajl_val v = get(obj, key);
	*out = NULL;
	if (!v || YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_STRING(v))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s: %s must be a string",
				       ctx, key);
	if (strlen(v->u.string) > FIELD_MAX)
		return vigie_error_set(err, VIGIE_ELIMIT, file, 0,
				       "%s: %s longer than %d bytes", ctx, key, FIELD_MAX);
	*out = v->u.string;
	return 0;
}

static int valid_cve(const char *s)
{
	size_t n;
	if (!s || strncmp(s, "CVE-", 4))
		return 0;
	for (int i = 4; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (s[8] != '-')
		return 0;
	n = strlen(s + 9);
	if (n < 4 || n > 19)
		return 0;
	for (size_t i = 9; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int valid_date(const char *s)
{
	int64_t t;
	return s && strlen(s) == 10 && vigie_time_parse(&t, s, 0) == 0;
}

static int record_source(struct vigie_store *s, const char *name,
			 const char *location, int64_t data_date, long rows,
			 struct vigie_error *err)
{
	struct store_source src;
	memset(&src, 0, sizeof(src));
	src.name = name;
	src.location = location;
	src.imported_at = vigie_now();
	src.data_date = data_date;
	src.rows = rows;
	return vigie_store_source_put(s, &src, err);
}

/* End of an import: record the source, commit (*in_tx = 0 once the
 * commit is attempted, as a failed commit has rolled back) and fill st. */
static int import_done(struct vigie_store *s, const char *name, const char *location,
		       int64_t data_date, long rows, long skipped,
		       struct import_stats *st, int *in_tx, struct vigie_error *err)
{
	int rc;
	if ((rc = record_source(s, name, location, data_date, rows, err)))
		return rc;
	*in_tx = 0;
	if ((rc = vigie_store_commit(s, err)))
		return rc;
	if (st) {
		st->rows = rows;
		st->skipped = skipped;
	}
	return 0;
}

/* ---- KEV ---- */

int vigie_import_kev(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err)
{
	yajl_val root = NULL, vulns;
	int64_t released = 0;
	long rows = 0;
	int rc, in_tx = 0;
	const char *dr;

	if ((rc = load_json(&root, path, KEV_MAX_BYTES, err)))
		goto out;
	vulns = get(root, "vulnerabilities");
	if (!YAJL_IS_ARRAY(vulns)) {
		rc = vigie_error_set(err, VIGIE_EPARSE, path, 0,
				     "not a KEV catalog: no \"vulnerabilities\" array");
		goto out;
	}
	if (vulns->u.array.len > KEV_MAX_ENTRIES) {
		rc = vigie_error_set(err, VIGIE_ELIMIT, path, 0, "more than %d entries",
				     KEV_MAX_ENTRIES);
		goto out;
	}
	if ((rc = get_str(&dr, root, "dateReleased", path, "catalog", err)))
		goto out;
	if (dr && vigie_time_parse(&released, dr, 0))
		vigie_warn(err, path, 0, "unreadable dateReleased \"%s\"", dr);
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	if ((rc = vigie_store_kev_clear(s, err)))
		goto out;
	for (size_t i = 0; i < vulns->u.array.len; i++) {
		yajl_val e = vulns->u.array.values[i];
		struct store_kev k;
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "vulnerabilities[%zu]", i);
		if (!YAJL_IS_OBJECT(e)) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, 0, "%s must be an object", ctx);
			goto out;
		}
		if ((rc = get_str(&k.cve, e, "cveID", path, ctx, err)) ||
		    (rc = get_str(&k.vendor, e, "vendorProject", path, ctx, err)) ||
		    (rc = get_str(&k.product, e, "product", path, ctx, err)) ||
		    (rc = get_str(&k.name, e, "vulnerabilityName", path, ctx, err)) ||
		    (rc = get_str(&k.date_added, e, "dateAdded", path, ctx, err)) ||
		    (rc = get_str(&k.due_date, e, "dueDate", path, ctx, err)) ||
		    (rc = get_str(&k.ransomware, e, "knownRansomwareCampaignUse", path, ctx, err)))
			goto out;
		if (!valid_cve(k.cve)) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, 0, "%s: bad or missing cveID%s%s",
					     ctx, k.cve ? " " : "", k.cve ? k.cve : "");
			goto out;
		}
		if (!valid_date(k.date_added)) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, 0,
					     "%s (%s): bad or missing dateAdded", ctx, k.cve);
			goto out;
		}
		if (k.due_date && !valid_date(k.due_date))
			vigie_warn(err, path, 0, "%s (%s): bad dueDate \"%s\"", ctx, k.cve,
				   k.due_date);
		if ((rc = vigie_store_kev_put(s, &k, err)))
			goto out;
		rows++;
	}
	if ((rc = import_done(s, "kev", path, released, rows, 0, st, &in_tx, err)))
		goto out;
out:
	if (in_tx)
		vigie_store_rollback(s);
	yajl_tree_free(root);
	return rc;
}

/* ---- CVSS selection ---- */

/* CVE 5 metric keys and NVD metric arrays, best first. */
static const struct { const char *cve5, *nvd, *version; } cvss_versions[] = {
	{ "cvssV4_0", "cvssMetricV40", "4.0" },
	{ "cvssV3_1", "cvssMetricV31", "3.1" },
	{ "cvssV3_0", "cvssMetricV30", "3.0" },
	{ "cvssV2_0", "cvssMetricV2", "2.0" },
};
#define NVERSIONS ((int)(sizeof(cvss_versions) / sizeof(cvss_versions[0])))

/* Read baseScore and vectorString of a CVSS object into c. */
static int read_cvss(struct store_cvss *c, yajl_val obj, const char *version,
		     const char *file, const char *ctx, struct vigie_error *err)
{
	yajl_val score = get(obj, "baseScore");
	const char *vector;
	int rc;
	if (!YAJL_IS_NUMBER(score) || !(score->u.number.flags & YAJL_NUMBER_DOUBLE_VALID))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "%s: baseScore must be a number", ctx);
	if (score->u.number.d < 0 || score->u.number.d > 10)
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "%s: baseScore %g out of range", ctx, score->u.number.d);
	if ((rc = get_str(&vector, obj, "vectorString", file, ctx, err)))
		return rc;
	c->score = score->u.number.d;
	c->vector = vector;
	c->version = version;
	return 0;
}

/* Best CVSS of a CVE 5 container's metrics[]: highest version first.
 * Returns 1 when found, 0 when none, or an error. */
static int cve5_best(struct store_cvss *c, yajl_val metrics, const char *file,
		     const char *ctx, struct vigie_error *err)
{
	if (!metrics)
		return 0;
	if (!YAJL_IS_ARRAY(metrics))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s.metrics must be an array",
				       ctx);
	for (int vi = 0; vi < NVERSIONS; vi++)
		for (size_t i = 0; i < metrics->u.array.len; i++) {
			yajl_val m = get(metrics->u.array.values[i], cvss_versions[vi].cve5);
			char where[128];
			int rc;
			if (!m)
				continue;
			snprintf(where, sizeof(where), "%s.metrics[%zu].%s", ctx, i,
				 cvss_versions[vi].cve5);
			if (!YAJL_IS_OBJECT(m))
				return vigie_error_set(err, VIGIE_EPARSE, file, 0,
						       "%s must be an object", where);
			if ((rc = read_cvss(c, m, cvss_versions[vi].version, file, where, err)))
				return rc;
			return 1;
		}
	return 0;
}

/* KEV date (YYYY-MM-DD, copied into date[11]) from an ADP container's
 * metrics[].other {type "kev", content {dateAdded}}; "" when absent. */
static int cve5_kev(char date[11], yajl_val metrics, const char *file,
		    struct vigie_error *err)
{
	if (!YAJL_IS_ARRAY(metrics))
		return 0;
	for (size_t i = 0; i < metrics->u.array.len; i++) {
		yajl_val o = get(metrics->u.array.values[i], "other");
		yajl_val ty = get(o, "type");
		const char *d;
		int rc;
		if (!YAJL_IS_STRING(ty) || strcmp(ty->u.string, "kev"))
			continue;
		if ((rc = get_str(&d, get(o, "content"), "dateAdded", file, "kev", err)))
			return rc;
		/* a date, possibly followed by a time */
		if (d && strlen(d) >= 10) {
			memcpy(date, d, 10);
			date[10] = '\0';
			if (!valid_date(date))
				date[0] = '\0';
		}
		if (!date[0] && d)
			vigie_warn(err, file, 0, "unreadable KEV dateAdded \"%.40s\"", d);
		return 0;
	}
	return 0;
}

/* ---- files of a directory ---- */

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int json_name(const char *name)
{
	return has_suffix(name, ".json") || has_suffix(name, ".json.gz") ||
	       has_suffix(name, ".json.xz");
}

/* Collect the JSON files under dir whose names start with prefix. A
 * directory reached again (through a symbolic link) is read once: seen
 * holds the "dev:inode" of those already read. */
static int walk(struct vigie_strv *out, const char *dir, const char *prefix,
		int depth, struct vigie_strv *seen, struct vigie_error *err)
{
	DIR *d;
	struct dirent *de;
	struct stat ds;
	char id[64];
	int rc = 0;

	if (depth > DIR_MAX_DEPTH)
		return vigie_error_set(err, VIGIE_ELIMIT, dir, 0,
				       "directories nested deeper than %d", DIR_MAX_DEPTH);
	if (stat(dir, &ds) == 0) {
		snprintf(id, sizeof(id), "%llx:%llx", (unsigned long long)ds.st_dev,
			 (unsigned long long)ds.st_ino);
		if (vigie_strv_contains(seen, id))
			return 0;
		if (vigie_strv_push(seen, id))
			return vigie_error_set(err, VIGIE_ENOMEM, dir, 0, "out of memory");
	}
	d = opendir(dir);
	if (!d)
		return vigie_error_set(err, VIGIE_EIO, dir, 0, "cannot open directory: %s",
				       strerror(errno));
	while ((de = readdir(d))) {
		char *p;
		struct stat sb;
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, dir, 0, "out of memory");
			break;
		}
		if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			rc = walk(out, p, prefix, depth + 1, seen, err);
		} else if (json_name(de->d_name) &&
			   !strncmp(de->d_name, prefix, strlen(prefix)) &&
			   stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (out->n >= DIR_MAX_FILES)
				rc = vigie_error_set(err, VIGIE_ELIMIT, dir, 0,
						     "more than %d JSON files", DIR_MAX_FILES);
			else if (vigie_strv_push(out, p))
				rc = vigie_error_set(err, VIGIE_ENOMEM, dir, 0, "out of memory");
		}
		free(p);
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

/* The JSON files named by path: itself, or every <prefix>*.json under it
 * (sorted). */
static int list_inputs(struct vigie_strv *out, const char *path,
		       const char *prefix, struct vigie_error *err)
{
	struct vigie_strv seen;
	struct stat sb;
	int rc;
	if (stat(path, &sb))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return vigie_strv_push(out, path)
			       ? vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory")
			       : 0;
	vigie_strv_init(&seen);
	rc = walk(out, path, prefix, 0, &seen, err);
	vigie_strv_release(&seen);
	if (rc)
		return rc;
	if (!out->n)
		return vigie_error_set(err, VIGIE_ENOTFOUND, path, 0, "no %s*.json file found",
				       prefix);
	vigie_strv_sort(out);
	return 0;
}

/* ---- CVE JSON 5 ---- */

/* Store one record; *stored 1 when a row was written, 0 when skipped. */
static int cve5_record(struct vigie_store *s, yajl_val root, const char *file,
		       int *stored, struct vigie_error *err)
{
	yajl_val meta = get(root, "cveMetadata"), cont = get(root, "containers");
	yajl_val adp = get(cont, "adp");
	struct store_cvss c;
	const char *dtype, *state;
	char kev[11] = "";
	int rc, found;

	*stored = 0;
	memset(&c, 0, sizeof(c));
	c.score = -1;
	c.origin = "cve5";
	if (!YAJL_IS_OBJECT(root))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "not a CVE JSON 5 record: top level is not an object");
	if ((rc = get_str(&dtype, root, "dataType", file, "record", err)))
		return rc;
	if (dtype && strcmp(dtype, "CVE_RECORD"))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "not a CVE JSON 5 record: dataType \"%s\"", dtype);
	if (!YAJL_IS_OBJECT(meta))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "not a CVE JSON 5 record: no cveMetadata object");
	if ((rc = get_str(&c.cve, meta, "cveId", file, "cveMetadata", err)) ||
	    (rc = get_str(&state, meta, "state", file, "cveMetadata", err)) ||
	    (rc = get_str(&c.published, meta, "datePublished", file, "cveMetadata", err)))
		return rc;
	if (!valid_cve(c.cve))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "cveMetadata: bad or missing cveId%s%s",
				       c.cve ? " " : "", c.cve ? c.cve : "");
	if (state && !strcmp(state, "REJECTED"))
		return 0;
	if (state && strcmp(state, "PUBLISHED"))
		vigie_warn(err, file, 0, "%s: unknown state \"%s\"", c.cve, state);
	if (cont && !YAJL_IS_OBJECT(cont))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0, "containers must be an object");
	if (adp && !YAJL_IS_ARRAY(adp))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "containers.adp must be an array");
	/* CNA first, then CISA's ADP */
	found = cve5_best(&c, get(get(cont, "cna"), "metrics"), file, "containers.cna", err);
	if (found < 0)
		return found;
	for (size_t i = 0; adp && i < adp->u.array.len; i++) {
		yajl_val a = adp->u.array.values[i];
		yajl_val sn = get(get(a, "providerMetadata"), "shortName");
		if (!kev[0] && (rc = cve5_kev(kev, get(a, "metrics"), file, err)))
			return rc;
		if (!found && YAJL_IS_STRING(sn) && !strcmp(sn->u.string, "CISA-ADP")) {
			found = cve5_best(&c, get(a, "metrics"), file, "containers.adp[CISA-ADP]",
					  err);
			if (found < 0)
				return found;
		}
	}
	c.kev_added = kev[0] ? kev : NULL;
	if ((rc = vigie_store_cvss_put(s, &c, err)))
		return rc;
	*stored = 1;
	return 0;
}

int vigie_import_cve5(struct vigie_store *s, const char *path,
		struct import_stats *st, struct vigie_error *err)
{
	struct vigie_strv files;
	long rows = 0, skipped = 0;
	int rc, in_tx = 0;

	vigie_strv_init(&files);
	/* in a cvelistV5 checkout, skip delta.json, deltaLog.json, ... */
	if ((rc = list_inputs(&files, path, "CVE-", err)))
		goto out;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	for (size_t i = 0; i < files.n; i++) {
		yajl_val root = NULL;
		int stored = 0;
		if ((rc = load_json(&root, files.v[i], CVE_MAX_BYTES, err)))
			goto out;
		rc = cve5_record(s, root, files.v[i], &stored, err);
		yajl_tree_free(root);
		if (rc)
			goto out;
		if (stored)
			rows++;
		else
			skipped++;
	}
	if ((rc = import_done(s, "cve5", path, 0, rows, skipped, st, &in_tx, err)))
		goto out;
out:
	if (in_tx)
		vigie_store_rollback(s);
	vigie_strv_release(&files);
	return rc;
}

/* ---- NVD API 2.0 ---- */

/* Best NVD metric: highest version; within it the Primary (NVD's own)
 * entry, else the first. Returns 1 when found, 0 when none, or an error. */
static int nvd_best(struct store_cvss *c, yajl_val metrics, const char *file,
		    const char *ctx, struct vigie_error *err)
{
	if (!metrics)
		return 0;
	if (!YAJL_IS_OBJECT(metrics))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s: metrics must be an object",
				       ctx);
	for (int vi = 0; vi < NVERSIONS; vi++) {
		yajl_val arr = get(metrics, cvss_versions[vi].nvd), pick = NULL;
		char where[160];
		if (!arr)
			continue;
		if (!YAJL_IS_ARRAY(arr))
			return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s: %s must be an array",
					       ctx, cvss_versions[vi].nvd);
		for (size_t i = 0; i < arr->u.array.len; i++) {
			yajl_val ty = get(arr->u.array.values[i], "type");
			if (!pick)
				pick = arr->u.array.values[i];
			if (YAJL_IS_STRING(ty) && !strcmp(ty->u.string, "Primary")) {
				pick = arr->u.array.values[i];
				break;
			}
		}
		if (!pick)
			continue;
		snprintf(where, sizeof(where), "%s: %s.cvssData", ctx, cvss_versions[vi].nvd);
		if (!YAJL_IS_OBJECT(get(pick, "cvssData")))
			return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s missing", where);
		{
			int rc = read_cvss(c, get(pick, "cvssData"), cvss_versions[vi].version,
					   file, where, err);
			return rc ? rc : 1;
		}
	}
	return 0;
}

static int nvd_page(struct vigie_store *s, yajl_val root, const char *file,
		    long *rows, int64_t *stamp, struct vigie_error *err)
{
	yajl_val vulns = get(root, "vulnerabilities");
	const char *fmt, *ts;
	int rc;

	if (!YAJL_IS_OBJECT(root))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "not an NVD API 2.0 page: top level is not an object");
	if ((rc = get_str(&fmt, root, "format", file, "page", err)) ||
	    (rc = get_str(&ts, root, "timestamp", file, "page", err)))
		return rc;
	if (fmt && strcmp(fmt, "NVD_CVE"))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "not an NVD API 2.0 page: format \"%s\"", fmt);
	if (!YAJL_IS_ARRAY(vulns))
		return vigie_error_set(err, VIGIE_EPARSE, file, 0,
				       "not an NVD API 2.0 page: no \"vulnerabilities\" array");
	if (vulns->u.array.len > NVD_MAX_ENTRIES)
		return vigie_error_set(err, VIGIE_ELIMIT, file, 0, "more than %d entries",
				       NVD_MAX_ENTRIES);
	if (ts) {
		int64_t t;
		if (vigie_time_parse(&t, ts, 0) == 0 && t > *stamp)
			*stamp = t;
	}
	for (size_t i = 0; i < vulns->u.array.len; i++) {
		yajl_val cve = get(vulns->u.array.values[i], "cve");
		struct store_cvss c;
		char ctx[64];
		const char *kev;
		snprintf(ctx, sizeof(ctx), "vulnerabilities[%zu].cve", i);
		if (!YAJL_IS_OBJECT(cve))
			return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s must be an object",
					       ctx);
		memset(&c, 0, sizeof(c));
		c.score = -1;
		c.origin = "nvd";
		if ((rc = get_str(&c.cve, cve, "id", file, ctx, err)) ||
		    (rc = get_str(&c.published, cve, "published", file, ctx, err)) ||
		    (rc = get_str(&kev, cve, "cisaExploitAdd", file, ctx, err)))
			return rc;
		if (!valid_cve(c.cve))
			return vigie_error_set(err, VIGIE_EPARSE, file, 0, "%s: bad or missing id%s%s",
					       ctx, c.cve ? " " : "", c.cve ? c.cve : "");
		if (kev && !valid_date(kev)) {
			vigie_warn(err, file, 0, "%s: bad cisaExploitAdd \"%s\"", c.cve, kev);
			kev = NULL;
		}
		c.kev_added = kev;
		rc = nvd_best(&c, get(cve, "metrics"), file, c.cve, err);
		if (rc < 0)
			return rc;
		if ((rc = vigie_store_cvss_put(s, &c, err)))
			return rc;
		(*rows)++;
	}
	return 0;
}

int vigie_import_nvd(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err)
{
	struct vigie_strv files;
	long rows = 0;
	int64_t stamp = 0;
	int rc, in_tx = 0;

	vigie_strv_init(&files);
	if ((rc = list_inputs(&files, path, "", err)))
		goto out;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	for (size_t i = 0; i < files.n; i++) {
		yajl_val root = NULL;
		if ((rc = load_json(&root, files.v[i], NVD_MAX_BYTES, err)))
			goto out;
		rc = nvd_page(s, root, files.v[i], &rows, &stamp, err);
		yajl_tree_free(root);
		if (rc)
			goto out;
	}
	if ((rc = import_done(s, "nvd", path, stamp, rows, 0, st, &in_tx, err)))
		goto out;
out:
	if (in_tx)
		vigie_store_rollback(s);
	vigie_strv_release(&files);
	return rc;
}
