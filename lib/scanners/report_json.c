/* Trivy and Grype JSON readers, streamed record by record (vigie_jsonrec):
 * one vulnerability (Trivy) or match (Grype) is held at a time, so memory
 * stays bounded whatever the document. Values a finding needs from outside
 * its record (ArtifactName, a result's Target and Class, Grype's source)
 * may come before or after the records: hosts and package kinds are filled
 * in once the document has been read. */
#include "scanners/report_internal.h"
#include "vigie/core/jsonrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRIVY_MAX_RESULTS 100000
#define REPORT_MAX_RECORD (8u * 1024 * 1024) /* memory of one record's tree */

static yajl_val get(yajl_val v, const char *key)
{
	if (!v || !YAJL_IS_OBJECT(v))
		return NULL;
	for (size_t i = 0; i < v->u.object.len; i++)
		if (!strcmp(v->u.object.keys[i], key))
			return v->u.object.values[i];
	return NULL;
}

static const char *gets(struct report_ctx *c, yajl_val v, const char *key)
{
	yajl_val s = get(v, key);
	return s && YAJL_IS_STRING(s) ? vigie_report_str(c, YAJL_GET_STRING(s)) : NULL;
}

static int add_cve(struct report_ctx *c, struct vigie_strv *cves, const char *id,
		   unsigned long line)
{
	if (id && !strncmp(id, "CVE-", 4) && vigie_extract_cves(cves, id))
		return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
	return 0;
}

static struct vigie_jsonrec_spec spec_for(struct report_ctx *c)
{
	struct vigie_jsonrec_spec sp;
	memset(&sp, 0, sizeof(sp));
	sp.max_depth = c->max_depth;
	/* the document itself is in memory (up to 256 MiB): keep a record's
	 * tree small beside it (a vulnerability or match is a few KiB) */
	sp.max_record = REPORT_MAX_RECORD;
	sp.max_string = c->max_field > VIGIE_JSONREC_MAX_STRING / 2 ? c->max_field * 2
								      : VIGIE_JSONREC_MAX_STRING;
	return sp;
}

/* Findings [from, to) of one source of hosts: drop those without a host
 * (one warning per record), compacting the array. */
static void drop_hostless(struct report_ctx *c, size_t from, const char *why)
{
	struct report *rep = c->rep;
	size_t w = from;
	unsigned long last = 0;
	for (size_t i = from; i < rep->nfindings; i++) {
		if (rep->findings[i].host) {
			rep->findings[w++] = rep->findings[i];
		} else if (rep->findings[i].line != last || i == from) {
			last = rep->findings[i].line;
			vigie_report_skip(c, last, "%s", why);
		}
	}
	rep->nfindings = w;
}

/* ---- Trivy ---- */

struct trivy_result {
	const char *target, *klass, *type;
};

struct trivy_span {
	size_t first;  /* first finding */
	size_t result; /* Results[] index */
};

struct trivy {
	struct report_ctx *c;
	size_t start;  /* rep->nfindings before this document */
	const char *artifact, *os_family, *os_name;
	int describe;  /* this document describes rep->sys */
	size_t *pkg_result; /* Results[] index of each rep->sys package */
	size_t npkg_result, cappkg_result;
	/* the packages the vulnerabilities name (PkgName, InstalledVersion,
	 * the arch of PkgIdentifier.PURL), with their Results[] index: the
	 * inventory when the report lists no package */
	struct trivy_vpkg {
		const char *name, *version, *arch;
		size_t result;
		unsigned long line;
	} *vp;
	size_t nvp, capvp;
	struct trivy_result *res;
	size_t nres;
	struct trivy_span *spans;
	size_t nspans, capspans;
	struct vigie_strv cves;
};

enum { TK_ROOT, TK_ARTIFACT, TK_RESULTS, TK_TARGET, TK_CLASS, TK_TYPE, TK_OSFAMILY,
       TK_OSNAME };
static const char *const trivy_keep[] = { "", "ArtifactName", "Results", "Results[].Target",
					  "Results[].Class", "Results[].Type",
					  "Metadata.OS.Family", "Metadata.OS.Name", NULL };
enum { TR_VULN, TR_PKG };
static const char *const trivy_records[] = { "Results[].Vulnerabilities[]",
					     "Results[].Packages[]", NULL };

static int trivy_result_at(struct trivy *t, size_t i)
{
	if (i >= TRIVY_MAX_RESULTS)
		return vigie_error_set(t->c->err, VIGIE_ELIMIT, t->c->name, 0,
				       "Trivy report with more than %d results", TRIVY_MAX_RESULTS);
	if (i >= t->nres) {
		size_t n = i + 1 > t->nres * 2 ? i + 1 : t->nres * 2;
		struct trivy_result *nr = realloc(t->res, n * sizeof(*nr));
		if (!nr)
			return vigie_error_set(t->c->err, VIGIE_ENOMEM, t->c->name, 0, "out of memory");
		memset(nr + t->nres, 0, (n - t->nres) * sizeof(*nr));
		t->res = nr;
		t->nres = n;
	}
	return 0;
}

static int trivy_value(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v)
{
	struct trivy *t = ud;
	struct report_ctx *c = t->c;
	const char *s = YAJL_IS_STRING(v) ? vigie_report_str(c, YAJL_GET_STRING(v)) : NULL;
	int rc;
	switch (which) {
	case TK_ROOT:
		if (!YAJL_IS_OBJECT(v))
			return vigie_error_set(c->err, VIGIE_EPARSE, c->name, 1,
					       "JSON report is not an object");
		return 0;
	case TK_ARTIFACT:
		t->artifact = s;
		return 0;
	case TK_RESULTS:
		if (!YAJL_IS_ARRAY(v) && !YAJL_IS_NULL(v))
			return vigie_error_set(c->err, VIGIE_EPARSE, c->name, 0,
					       "Trivy report: \"Results\" is not an array");
		return 0;
	case TK_OSFAMILY:
		t->os_family = s;
		return vigie_report_check_name(c, 0, "Metadata.OS.Family", s);
	case TK_OSNAME:
		t->os_name = s;
		return vigie_report_check_name(c, 0, "Metadata.OS.Name", s);
	}
	if (nidx < 1)
		return 0;
	if ((rc = trivy_result_at(t, idx[0])))
		return rc;
	if (which == TK_TARGET)
		t->res[idx[0]].target = s;
	else if (which == TK_CLASS)
		t->res[idx[0]].klass = s;
	else
		t->res[idx[0]].type = s;
	return 0;
}

static int trivy_record_read(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v,
			unsigned long line)
{
	struct trivy *t = ud;
	struct report_ctx *c = t->c;
	struct report_finding f;
	char where[128];
	size_t before = c->rep->nfindings;
	const char *id;
	int rc;

	(void)which;
	vigie_jsonrec_where(where, sizeof(where), trivy_records[0], idx, nidx);
	if (!YAJL_IS_OBJECT(v)) {
		vigie_report_skip(c, line, "%s is not an object: skipped", where);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	c->too_long = 0;
	f.line = line;
	c->record = where;
	id = gets(c, v, "VulnerabilityID");
	f.package = gets(c, v, "PkgName");
	f.package_kind = f.package ? REPORT_PKG_UNKNOWN : REPORT_PKG_NONE;
	f.installed_version = gets(c, v, "InstalledVersion");
	f.fixed_version = gets(c, v, "FixedVersion");
	f.status = gets(c, v, "Status");
	f.title = gets(c, v, "Title");
	f.severity = gets(c, v, "Severity");
	f.plugin_id = id;
	if (t->describe && f.package && f.installed_version && nidx >= 1) {
		const char *purl = gets(c, get(v, "PkgIdentifier"), "PURL");
		const char *a = purl ? strstr(purl, "arch=") : NULL;
		if (t->nvp == t->capvp) {
			size_t n = t->capvp ? t->capvp * 2 : 64;
			struct trivy_vpkg *nv = realloc(t->vp, n * sizeof(*nv));
			if (!nv)
				return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line,
						       "out of memory");
			t->vp = nv;
			t->capvp = n;
		}
		t->vp[t->nvp++] = (struct trivy_vpkg){
			f.package, f.installed_version,
			a ? vigie_report_strn(c, a + 5, strcspn(a + 5, "&#")) : NULL, idx[0], line
		};
	}
	vigie_strv_release(&t->cves);
	if ((rc = add_cve(c, &t->cves, id, line)) ||
	    (rc = vigie_report_emit(c, &f, &t->cves, NULL, 0)))
		return rc;
	if (c->rep->nfindings > before &&
	    (!t->nspans || t->spans[t->nspans - 1].result != idx[0])) {
		if (t->nspans == t->capspans) {
			size_t n = t->capspans ? t->capspans * 2 : 16;
			struct trivy_span *ns = realloc(t->spans, n * sizeof(*ns));
			if (!ns)
				return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line,
						       "out of memory");
			t->spans = ns;
			t->capspans = n;
		}
		t->spans[t->nspans].first = before;
		t->spans[t->nspans].result = idx[0];
		t->nspans++;
	}
	return 0;
}

/* "[EPOCH:]VERSION[-RELEASE]" from Trivy's split fields (NULL without
 * a version). */
static const char *trivy_version(struct report_ctx *c, yajl_val p, const char *v,
				 const char *r, const char *e)
{
	const char *ver = gets(c, p, v), *rel = gets(c, p, r);
	yajl_val ep = get(p, e);
	long long epoch = ep && YAJL_IS_INTEGER(ep) ? YAJL_GET_INTEGER(ep) : 0;
	char buf[64] = "";
	struct vigie_buf b = VIGIE_BUF_INIT;
	const char *out;
	if (!ver)
		return NULL;
	if (epoch > 0)
		snprintf(buf, sizeof(buf), "%lld:", epoch);
	if (vigie_buf_addf(&b, "%s%s%s%s", buf, ver, rel ? "-" : "", rel ? rel : "")) {
		vigie_buf_release(&b);
		return NULL;
	}
	out = vigie_report_str(c, b.data);
	vigie_buf_release(&b);
	return out;
}

/* One of Results[].Packages[]: the scanned system's inventory. */
static int trivy_package(struct trivy *t, const size_t *idx, size_t nidx, yajl_val v,
			 unsigned long line)
{
	struct report_ctx *c = t->c;
	size_t before = c->rep->sys.npkgs;
	int rc;
	if (!t->describe || !YAJL_IS_OBJECT(v) || nidx < 1)
		return 0;
	rc = vigie_report_sys_pkg(c, line, gets(c, v, "Name"),
				  trivy_version(c, v, "Version", "Release", "Epoch"),
				  gets(c, v, "Arch"), gets(c, v, "SrcName"),
				  trivy_version(c, v, "SrcVersion", "SrcRelease", "SrcEpoch"));
	if (rc || c->rep->sys.npkgs == before)
		return rc;
	if (t->npkg_result == t->cappkg_result) {
		size_t n = t->cappkg_result ? t->cappkg_result * 2 : 64;
		size_t *nr = realloc(t->pkg_result, n * sizeof(*nr));
		if (!nr)
			return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
		t->pkg_result = nr;
		t->cappkg_result = n;
	}
	/* rep->sys.pkgs[before + k] <-> pkg_result[k] */
	t->pkg_result[t->npkg_result++] = idx[0];
	return 0;
}

/* c->record names the record only while it is read */
static int trivy_record(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v,
		unsigned long line)
{
	struct trivy *t = ud;
	struct report_ctx *c = t->c;
	int rc = which == TR_PKG ? trivy_package(t, idx, nidx, v, line)
				 : trivy_record_read(ud, which, idx, nidx, v, line);
	c->record = NULL;
	return rc;
}

static int trivy_os_result(const struct trivy_result *r)
{
	return r && ((r->klass && !strcmp(r->klass, "os-pkgs")) ||
		     (r->type && (!strcmp(r->type, "debian") || !strcmp(r->type, "ubuntu"))));
}

int vigie_report_read_trivy(struct report_ctx *c, const char *data, size_t len)
{
	struct vigie_jsonrec_spec sp = spec_for(c);
	struct trivy t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.start = c->rep->nfindings;
	t.describe = !c->rep->sys.described;
	vigie_strv_init(&t.cves);
	sp.keep = trivy_keep;
	sp.records = trivy_records;
	sp.on_value = trivy_value;
	sp.on_record = trivy_record;
	if ((rc = vigie_jsonrec_parse_mem(data, len, c->name, &sp, &t, c->err)))
		goto out;
	for (size_t k = 0; k < t.nspans; k++) {
		size_t end = k + 1 < t.nspans ? t.spans[k + 1].first : c->rep->nfindings;
		const struct trivy_result *r = t.spans[k].result < t.nres ? &t.res[t.spans[k].result]
									   : NULL;
		const char *host = t.artifact ? t.artifact : r ? r->target : NULL;
		int os = trivy_os_result(r);
		for (size_t i = t.spans[k].first; i < end; i++) {
			struct report_finding *f = &c->rep->findings[i];
			c->record = NULL;
			if (host && (rc = vigie_report_check_name(c, f->line, t.artifact ? "ArtifactName"
										      : "Target", host)))
				goto out;
			f->host = f->host_name = host;
			if (f->package && os)
				f->package_kind = REPORT_PKG_BINARY;
		}
	}
	drop_hostless(c, t.start, "vulnerability without ArtifactName or Target: skipped");
	if (t.describe) {
		struct report_system *sys = &c->rep->sys;
		size_t w = 0;
		/* the OS results' packages only (language packages are not dpkg's) */
		for (size_t i = 0; i < sys->npkgs; i++) {
			size_t ri = t.pkg_result[i];
			if (ri < t.nres && (t.res[ri].klass || t.res[ri].type) &&
			    !trivy_os_result(&t.res[ri]))
				continue;
			sys->pkgs[w++] = sys->pkgs[i];
		}
		sys->npkgs = w;
		sys->pkgs_listed = w > 0;
		/* no package list: the OS packages the vulnerabilities name */
		for (size_t i = 0; !sys->pkgs_listed && i < t.nvp; i++) {
			const struct trivy_vpkg *p = &t.vp[i];
			if (p->result < t.nres && !trivy_os_result(&t.res[p->result]))
				continue;
			if ((rc = vigie_report_sys_pkg(c, p->line, p->name, p->version, p->arch,
						       NULL, NULL)))
				goto out;
		}
		sys->target = t.artifact ? t.artifact : t.nres == 1 ? t.res[0].target : NULL;
		sys->os_family = t.os_family;
		sys->os_version = t.os_name;
		sys->described = sys->target || sys->os_family || sys->npkgs;
	}
out:
	vigie_strv_release(&t.cves);
	free(t.res);
	free(t.spans);
	free(t.pkg_result);
	free(t.vp);
	return rc;
}

/* ---- Grype ---- */

struct grype {
	struct report_ctx *c;
	size_t start;
	const char *target, *user_input, *source_name, *distro, *distro_version;
	int has_matches, describe;
	struct vigie_strv cves;
};

enum { GK_ROOT, GK_MATCHES, GK_TARGET, GK_USERINPUT, GK_NAME, GK_DISTRO, GK_DISTROVER };
static const char *const grype_keep[] = { "", "matches", "source.target", "source.target.userInput",
					  "source.name", "distro.name", "distro.version", NULL };
static const char *const grype_records[] = { "matches[]", NULL };

static int grype_value(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v)
{
	struct grype *g = ud;
	struct report_ctx *c = g->c;
	const char *s = YAJL_IS_STRING(v) ? vigie_report_str(c, YAJL_GET_STRING(v)) : NULL;
	(void)idx;
	(void)nidx;
	switch (which) {
	case GK_ROOT:
		if (!YAJL_IS_OBJECT(v))
			return vigie_error_set(c->err, VIGIE_EPARSE, c->name, 1,
					       "JSON report is not an object");
		break;
	case GK_MATCHES:
		g->has_matches = YAJL_IS_ARRAY(v);
		break;
	case GK_TARGET:
		g->target = s;
		break;
	case GK_USERINPUT:
		g->user_input = s;
		break;
	case GK_NAME:
		g->source_name = s;
		break;
	case GK_DISTRO:
		g->distro = s;
		return vigie_report_check_name(c, 0, "distro.name", s);
	case GK_DISTROVER:
		g->distro_version = s;
		return vigie_report_check_name(c, 0, "distro.version", s);
	}
	return 0;
}

static int grype_record_read(void *ud, int which, const size_t *idx, size_t nidx, yajl_val m,
			unsigned long line)
{
	struct grype *g = ud;
	struct report_ctx *c = g->c;
	yajl_val vuln = get(m, "vulnerability"), art = get(m, "artifact");
	yajl_val rel = get(m, "relatedVulnerabilities"), fix, ups, fv;
	struct report_finding f;
	const char *type, *id;
	char where[64];
	int rc;

	(void)which;
	vigie_jsonrec_where(where, sizeof(where), grype_records[0], idx, nidx);
	memset(&f, 0, sizeof(f));
	c->too_long = 0;
	f.line = line;
	c->record = where;
	if (!YAJL_IS_OBJECT(m) || !vuln || !art) {
		vigie_report_skip(c, line, "%s has no vulnerability or artifact: skipped", where);
		return 0;
	}
	id = gets(c, vuln, "id");
	f.plugin_id = id;
	f.severity = gets(c, vuln, "severity");
	f.title = gets(c, vuln, "description");
	f.package = gets(c, art, "name");
	f.installed_version = gets(c, art, "version");
	type = gets(c, art, "type");
	f.package_kind = !f.package ? REPORT_PKG_NONE
		       : type && !strcmp(type, "deb") ? REPORT_PKG_BINARY
						     : REPORT_PKG_UNKNOWN;
	ups = get(art, "upstreams");
	if (ups && YAJL_IS_ARRAY(ups) && ups->u.array.len)
		f.source = gets(c, ups->u.array.values[0], "name");
	if (g->describe && f.package_kind == REPORT_PKG_BINARY) {
		/* the matched deb packages are the system's inventory Grype gives */
		const char *purl = gets(c, art, "purl"), *a = purl ? strstr(purl, "arch=") : NULL;
		const char *arch = a ? vigie_report_strn(c, a + 5, strcspn(a + 5, "&#")) : NULL;
		const char *srcver = ups && YAJL_IS_ARRAY(ups) && ups->u.array.len
				     ? gets(c, ups->u.array.values[0], "version") : NULL;
		if ((rc = vigie_report_sys_pkg(c, line, f.package, f.installed_version, arch,
					       f.source, srcver)))
			return rc;
	}
	fix = get(vuln, "fix");
	f.status = gets(c, fix, "state");
	fv = get(fix, "versions");
	if (fv && YAJL_IS_ARRAY(fv) && fv->u.array.len && YAJL_IS_STRING(fv->u.array.values[0]))
		f.fixed_version = vigie_report_str(c, YAJL_GET_STRING(fv->u.array.values[0]));
	vigie_strv_release(&g->cves);
	if ((rc = add_cve(c, &g->cves, id, line)))
		return rc;
	for (size_t k = 0; rel && YAJL_IS_ARRAY(rel) && k < rel->u.array.len; k++) {
		yajl_val rid = get(rel->u.array.values[k], "id");
		if (rid && YAJL_IS_STRING(rid) &&
		    (rc = add_cve(c, &g->cves, YAJL_GET_STRING(rid), line)))
			return rc;
	}
	return vigie_report_emit(c, &f, &g->cves, NULL, 0);
}

/* c->record names the record only while it is read */
static int grype_record(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v,
		unsigned long line)
{
	struct report_ctx *c = *(struct report_ctx **)ud;
	int rc = grype_record_read(ud, which, idx, nidx, v, line);
	c->record = NULL;
	return rc;
}

int vigie_report_read_grype(struct report_ctx *c, const char *data, size_t len)
{
	struct vigie_jsonrec_spec sp = spec_for(c);
	struct grype g;
	const char *host;
	int rc;

	memset(&g, 0, sizeof(g));
	g.c = c;
	g.start = c->rep->nfindings;
	g.describe = !c->rep->sys.described;
	vigie_strv_init(&g.cves);
	sp.keep = grype_keep;
	sp.records = grype_records;
	sp.on_value = grype_value;
	sp.on_record = grype_record;
	if ((rc = vigie_jsonrec_parse_mem(data, len, c->name, &sp, &g, c->err)))
		goto out;
	if (!g.has_matches) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name, 0,
				     "Grype report: no \"matches\" array");
		goto out;
	}
	host = g.target ? g.target : g.user_input ? g.user_input : g.source_name;
	c->record = NULL;
	if ((rc = vigie_report_check_name(c, 0, "source target", host)))
		goto out;
	for (size_t i = g.start; i < c->rep->nfindings; i++)
		c->rep->findings[i].host = c->rep->findings[i].host_name = host;
	drop_hostless(c, g.start, "no source.target in the Grype report: match skipped");
	if (g.describe) {
		struct report_system *sys = &c->rep->sys;
		sys->target = host;
		sys->os_family = g.distro;
		sys->os_version = g.distro_version;
		sys->described = host || g.distro || sys->npkgs;
	}
out:
	vigie_strv_release(&g.cves);
	return rc;
}
