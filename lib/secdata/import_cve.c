/* CISA KEV, CVE JSON 5 and NVD CVE API 2.0 importers (FORMATS.md (f),
 * (g), (h)). Documents are streamed with yajl's event parser
 * (vigie_jsonrec): only one KEV entry, one NVD vulnerability or one CVE 5
 * record is held as a tree at a time, so memory stays bounded whatever
 * the file. Errors name the file, the line where the record opens and the
 * record. Every import is one transaction. */
#define _GNU_SOURCE
#include "vigie/secdata/import.h"
#include "vigie/core/jsonrec.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_tree.h>

#define KEV_MAX_BYTES (64u * 1024 * 1024)
#define KEV_MAX_ENTRIES 200000
#define CVE_MAX_BYTES (16u * 1024 * 1024)   /* one CVE 5 record */
#define NVD_MAX_BYTES (256u * 1024 * 1024)  /* one NVD page (2000 CVEs) */
#define NVD_MAX_ENTRIES 100000
#define JSON_MAX_DEPTH 64
#define CVE5_MAX_RECORD (64u * 1024 * 1024) /* memory held by one CVE 5 tree */
#define DIR_MAX_FILES 2000000
#define DIR_MAX_DEPTH 8
#define FIELD_MAX 4096                      /* bytes of a stored string */

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
		   const char *file, unsigned long line, const char *ctx, struct vigie_error *err)
{
	yajl_val v = get(obj, key);
	*out = NULL;
	if (!v || YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_STRING(v))
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s: %s must be a string",
				       ctx, key);
	if (strlen(v->u.string) > FIELD_MAX)
		return vigie_error_set(err, VIGIE_ELIMIT, file, line,
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
	/* CVE records (cve5, nvd) are added to those already stored; the
	 * KEV catalogue replaces the previous one */
	src.adds = strcmp(name, "kev") != 0;
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

struct kev_run {
	struct vigie_store *s;
	const char *path;
	struct vigie_error *err;
	char released[64];
	int has_array;
	long rows;
};

static const char *const kev_keep[] = { "", "vulnerabilities", "dateReleased", NULL };
static const char *const kev_records[] = { "vulnerabilities[]", NULL };

static int kev_value(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v)
{
	struct kev_run *k = ud;
	(void)idx;
	(void)nidx;
	if (which == 0 && !YAJL_IS_OBJECT(v))
		return vigie_error_set(k->err, VIGIE_EPARSE, k->path, 1,
				       "not a KEV catalog: top level is not an object");
	if (which == 1)
		k->has_array = YAJL_IS_ARRAY(v);
	if (which == 2 && YAJL_IS_STRING(v))
		snprintf(k->released, sizeof(k->released), "%s", YAJL_GET_STRING(v));
	return 0;
}

static int kev_record(void *ud, int which, const size_t *idx, size_t nidx, yajl_val e,
		      unsigned long line)
{
	struct kev_run *r = ud;
	const char *path = r->path;
	struct vigie_error *err = r->err;
	struct store_kev k;
	char ctx[64];
	int rc;

	(void)which;
	vigie_jsonrec_where(ctx, sizeof(ctx), kev_records[0], idx, nidx);
	if (r->rows >= KEV_MAX_ENTRIES)
		return vigie_error_set(err, VIGIE_ELIMIT, path, line, "more than %d entries",
				       KEV_MAX_ENTRIES);
	if (!YAJL_IS_OBJECT(e))
		return vigie_error_set(err, VIGIE_EPARSE, path, line, "%s must be an object", ctx);
	if ((rc = get_str(&k.cve, e, "cveID", path, line, ctx, err)) ||
	    (rc = get_str(&k.vendor, e, "vendorProject", path, line, ctx, err)) ||
	    (rc = get_str(&k.product, e, "product", path, line, ctx, err)) ||
	    (rc = get_str(&k.name, e, "vulnerabilityName", path, line, ctx, err)) ||
	    (rc = get_str(&k.date_added, e, "dateAdded", path, line, ctx, err)) ||
	    (rc = get_str(&k.due_date, e, "dueDate", path, line, ctx, err)) ||
	    (rc = get_str(&k.ransomware, e, "knownRansomwareCampaignUse", path, line, ctx, err)))
		return rc;
	if (!valid_cve(k.cve))
		return vigie_error_set(err, VIGIE_EPARSE, path, line, "%s: bad or missing cveID%s%s",
				       ctx, k.cve ? " " : "", k.cve ? k.cve : "");
	if (!valid_date(k.date_added))
		return vigie_error_set(err, VIGIE_EPARSE, path, line,
				       "%s (%s): bad or missing dateAdded", ctx, k.cve);
	if (k.due_date && !valid_date(k.due_date))
		vigie_warn(err, path, line, "%s (%s): bad dueDate \"%s\"", ctx, k.cve, k.due_date);
	if ((rc = vigie_store_kev_put(r->s, &k, err)))
		return rc;
	r->rows++;
	return 0;
}

int vigie_import_kev(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err)
{
	struct vigie_jsonrec_spec sp;
	struct kev_run k;
	int64_t released = 0;
	int rc, in_tx = 0;

	memset(&k, 0, sizeof(k));
	k.s = s;
	k.path = path;
	k.err = err;
	memset(&sp, 0, sizeof(sp));
	sp.keep = kev_keep;
	sp.records = kev_records;
	sp.on_value = kev_value;
	sp.on_record = kev_record;
	sp.max_depth = JSON_MAX_DEPTH;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	if ((rc = vigie_store_kev_clear(s, err)))
		goto out;
	if ((rc = vigie_jsonrec_parse_file(path, KEV_MAX_BYTES, &sp, &k, err)))
		goto out;
	if (!k.has_array) {
		rc = vigie_error_set(err, VIGIE_EPARSE, path, 0,
				     "not a KEV catalog: no \"vulnerabilities\" array");
		goto out;
	}
	if (k.released[0] && vigie_time_parse(&released, k.released, 0))
		vigie_warn(err, path, 0, "unreadable dateReleased \"%s\"", k.released);
	if ((rc = import_done(s, "kev", path, released, k.rows, 0, st, &in_tx, err)))
		goto out;
out:
	if (in_tx)
		vigie_store_rollback(s);
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
		     const char *file, unsigned long line, const char *ctx, struct vigie_error *err)
{
	yajl_val score = get(obj, "baseScore");
	const char *vector;
	int rc;
	if (!YAJL_IS_NUMBER(score) || !(score->u.number.flags & YAJL_NUMBER_DOUBLE_VALID))
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "%s: baseScore must be a number", ctx);
	if (score->u.number.d < 0 || score->u.number.d > 10)
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "%s: baseScore %g out of range", ctx, score->u.number.d);
	if ((rc = get_str(&vector, obj, "vectorString", file, line, ctx, err)))
		return rc;
	c->score = score->u.number.d;
	c->vector = vector;
	c->version = version;
	return 0;
}

/* Best CVSS of a CVE 5 container's metrics[]: highest version first.
 * Returns 1 when found, 0 when none, or an error. */
static int cve5_best(struct store_cvss *c, yajl_val metrics, const char *file,
		     unsigned long line, const char *ctx, struct vigie_error *err)
{
	if (!metrics)
		return 0;
	if (!YAJL_IS_ARRAY(metrics))
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s.metrics must be an array",
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
				return vigie_error_set(err, VIGIE_EPARSE, file, line,
						       "%s must be an object", where);
			if ((rc = read_cvss(c, m, cvss_versions[vi].version, file, line, where, err)))
				return rc;
			return 1;
		}
	return 0;
}

/* KEV date (YYYY-MM-DD, copied into date[11]) from an ADP container's
 * metrics[].other {type "kev", content {dateAdded}}; "" when absent. */
static int cve5_kev(char date[11], yajl_val metrics, const char *file,
		    unsigned long line, struct vigie_error *err)
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
		if ((rc = get_str(&d, get(o, "content"), "dateAdded", file, line, "kev", err)))
			return rc;
		/* a date, possibly followed by a time */
		if (d && strlen(d) >= 10) {
			memcpy(date, d, 10);
			date[10] = '\0';
			if (!valid_date(date))
				date[0] = '\0';
		}
		if (!date[0] && d)
			vigie_warn(err, file, line, "unreadable KEV dateAdded \"%.40s\"", d);
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
		       unsigned long line, int *stored, struct vigie_error *err)
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
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "not a CVE JSON 5 record: top level is not an object");
	if ((rc = get_str(&dtype, root, "dataType", file, line, "record", err)))
		return rc;
	if (dtype && strcmp(dtype, "CVE_RECORD"))
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "not a CVE JSON 5 record: dataType \"%s\"", dtype);
	if (!YAJL_IS_OBJECT(meta))
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "not a CVE JSON 5 record: no cveMetadata object");
	if ((rc = get_str(&c.cve, meta, "cveId", file, line, "cveMetadata", err)) ||
	    (rc = get_str(&state, meta, "state", file, line, "cveMetadata", err)) ||
	    (rc = get_str(&c.published, meta, "datePublished", file, line, "cveMetadata", err)))
		return rc;
	if (!valid_cve(c.cve))
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "cveMetadata: bad or missing cveId%s%s",
				       c.cve ? " " : "", c.cve ? c.cve : "");
	if (state && !strcmp(state, "REJECTED"))
		return 0;
	if (state && strcmp(state, "PUBLISHED"))
		vigie_warn(err, file, line, "%s: unknown state \"%s\"", c.cve, state);
	if (cont && !YAJL_IS_OBJECT(cont))
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "containers must be an object");
	if (adp && !YAJL_IS_ARRAY(adp))
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "containers.adp must be an array");
	/* CNA first, then CISA's ADP */
	found = cve5_best(&c, get(get(cont, "cna"), "metrics"), file, line, "containers.cna", err);
	if (found < 0)
		return found;
	for (size_t i = 0; adp && i < adp->u.array.len; i++) {
		yajl_val a = adp->u.array.values[i];
		yajl_val sn = get(get(a, "providerMetadata"), "shortName");
		if (!kev[0] && (rc = cve5_kev(kev, get(a, "metrics"), file, line, err)))
			return rc;
		if (!found && YAJL_IS_STRING(sn) && !strcmp(sn->u.string, "CISA-ADP")) {
			found = cve5_best(&c, get(a, "metrics"), file, line,
					  "containers.adp[CISA-ADP]", err);
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

struct cve5_run {
	struct vigie_store *s;
	const char *file;
	struct vigie_error *err;
	int stored;
};

static const char *const cve5_records[] = { "", NULL };

/* The whole document is the record: its tree is bounded by max_record. */
static int cve5_on_record(void *ud, int which, const size_t *idx, size_t nidx, yajl_val root,
			  unsigned long line)
{
	struct cve5_run *r = ud;
	(void)which;
	(void)idx;
	(void)nidx;
	(void)line;
	return cve5_record(r->s, root, r->file, 1, &r->stored, r->err);
}

int vigie_import_cve5(struct vigie_store *s, const char *path,
		struct import_stats *st, struct vigie_error *err)
{
	struct vigie_strv files;
	struct vigie_jsonrec_spec sp;
	long rows = 0, skipped = 0;
	int rc, in_tx = 0;

	vigie_strv_init(&files);
	memset(&sp, 0, sizeof(sp));
	sp.records = cve5_records;
	sp.on_record = cve5_on_record;
	sp.max_depth = JSON_MAX_DEPTH;
	sp.max_record = CVE5_MAX_RECORD;
	/* in a cvelistV5 checkout, skip delta.json, deltaLog.json, ... */
	if ((rc = list_inputs(&files, path, "CVE-", err)))
		goto out;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	for (size_t i = 0; i < files.n; i++) {
		struct cve5_run r = { s, files.v[i], err, -1 };
		if ((rc = vigie_jsonrec_parse_file(files.v[i], CVE_MAX_BYTES, &sp, &r, err)))
			goto out;
		if (r.stored < 0) {
			rc = vigie_error_set(err, VIGIE_EPARSE, files.v[i], 1,
					     "not a CVE JSON 5 record: top level is not an object");
			goto out;
		}
		if (r.stored)
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
		    unsigned long line, const char *ctx, struct vigie_error *err)
{
	if (!metrics)
		return 0;
	if (!YAJL_IS_OBJECT(metrics))
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s: metrics must be an object",
				       ctx);
	for (int vi = 0; vi < NVERSIONS; vi++) {
		yajl_val arr = get(metrics, cvss_versions[vi].nvd), pick = NULL;
		char where[160];
		if (!arr)
			continue;
		if (!YAJL_IS_ARRAY(arr))
			return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s: %s must be an array",
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
			return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s missing", where);
		{
			int rc = read_cvss(c, get(pick, "cvssData"), cvss_versions[vi].version,
					   file, line, where, err);
			return rc ? rc : 1;
		}
	}
	return 0;
}

struct nvd_run {
	struct vigie_store *s;
	const char *file;
	struct vigie_error *err;
	int has_array;
	char format[32];
	long rows, *total;
	int64_t *stamp;
};

static const char *const nvd_keep[] = { "", "vulnerabilities", "format", "timestamp", NULL };
static const char *const nvd_records[] = { "vulnerabilities[]", NULL };

static int nvd_value(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v)
{
	struct nvd_run *r = ud;
	(void)idx;
	(void)nidx;
	if (which == 0 && !YAJL_IS_OBJECT(v))
		return vigie_error_set(r->err, VIGIE_EPARSE, r->file, 1,
				       "not an NVD API 2.0 page: top level is not an object");
	if (which == 1)
		r->has_array = YAJL_IS_ARRAY(v);
	if ((which == 2 || which == 3) && v && !YAJL_IS_STRING(v) && !YAJL_IS_NULL(v))
		return vigie_error_set(r->err, VIGIE_EPARSE, r->file, 0, "page: %s must be a string",
				       nvd_keep[which]);
	if (which == 2 && YAJL_IS_STRING(v)) {
		snprintf(r->format, sizeof(r->format), "%s", YAJL_GET_STRING(v));
		if (strcmp(r->format, "NVD_CVE"))
			return vigie_error_set(r->err, VIGIE_EPARSE, r->file, 0,
					       "not an NVD API 2.0 page: format \"%.20s\"", r->format);
	}
	if (which == 3 && YAJL_IS_STRING(v)) {
		int64_t t;
		if (vigie_time_parse(&t, YAJL_GET_STRING(v), 0) == 0 && t > *r->stamp)
			*r->stamp = t;
	}
	return 0;
}

static int nvd_record(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v,
		      unsigned long line)
{
	struct nvd_run *r = ud;
	const char *file = r->file;
	struct vigie_error *err = r->err;
	yajl_val cve = get(v, "cve");
	struct store_cvss c;
	char ctx[64];
	const char *kev;
	int rc;

	(void)which;
	vigie_jsonrec_where(ctx, sizeof(ctx), "vulnerabilities[].cve", idx, nidx);
	if (r->rows >= NVD_MAX_ENTRIES)
		return vigie_error_set(err, VIGIE_ELIMIT, file, line, "more than %d entries",
				       NVD_MAX_ENTRIES);
	if (!YAJL_IS_OBJECT(cve))
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s must be an object", ctx);
	memset(&c, 0, sizeof(c));
	c.score = -1;
	c.origin = "nvd";
	if ((rc = get_str(&c.cve, cve, "id", file, line, ctx, err)) ||
	    (rc = get_str(&c.published, cve, "published", file, line, ctx, err)) ||
	    (rc = get_str(&kev, cve, "cisaExploitAdd", file, line, ctx, err)))
		return rc;
	if (!valid_cve(c.cve))
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "%s: bad or missing id%s%s",
				       ctx, c.cve ? " " : "", c.cve ? c.cve : "");
	if (kev && !valid_date(kev)) {
		vigie_warn(err, file, line, "%s: bad cisaExploitAdd \"%s\"", c.cve, kev);
		kev = NULL;
	}
	c.kev_added = kev;
	rc = nvd_best(&c, get(cve, "metrics"), file, line, c.cve, err);
	if (rc < 0)
		return rc;
	if ((rc = vigie_store_cvss_put(r->s, &c, err)))
		return rc;
	r->rows++;
	(*r->total)++;
	return 0;
}

int vigie_import_nvd(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err)
{
	struct vigie_strv files;
	struct vigie_jsonrec_spec sp;
	long rows = 0;
	int64_t stamp = 0;
	int rc, in_tx = 0;

	vigie_strv_init(&files);
	memset(&sp, 0, sizeof(sp));
	sp.keep = nvd_keep;
	sp.records = nvd_records;
	sp.on_value = nvd_value;
	sp.on_record = nvd_record;
	sp.max_depth = JSON_MAX_DEPTH;
	if ((rc = list_inputs(&files, path, "", err)))
		goto out;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	for (size_t i = 0; i < files.n; i++) {
		struct nvd_run r;
		memset(&r, 0, sizeof(r));
		r.s = s;
		r.file = files.v[i];
		r.err = err;
		r.total = &rows;
		r.stamp = &stamp;
		if ((rc = vigie_jsonrec_parse_file(files.v[i], NVD_MAX_BYTES, &sp, &r, err)))
			goto out;
		if (!r.has_array) {
			rc = vigie_error_set(err, VIGIE_EPARSE, files.v[i], 0,
					     "not an NVD API 2.0 page: no \"vulnerabilities\" array");
			goto out;
		}
	}
	if ((rc = import_done(s, "nvd", path, stamp, rows, 0, st, &in_tx, err)))
		goto out;
out:
	if (in_tx)
		vigie_store_rollback(s);
	vigie_strv_release(&files);
	return rc;
}
