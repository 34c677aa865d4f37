/* Trivy and Grype JSON readers (yajl tree, bounded size and depth). */
#include "scanners/report_internal.h"

#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

/* yajl_tree frees recursively: refuse deep nesting before building a tree. */
static int check_json(struct report_ctx *c, const char *data, size_t len,
		      unsigned long *line_out)
{
	int depth = 0, instr = 0;
	unsigned long line = 1;
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (ch == '\n')
			line++;
		if (instr) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				instr = 0;
			continue;
		}
		if (ch == '"') {
			instr = 1;
		} else if (ch == '{' || ch == '[') {
			if (++depth > c->max_depth) {
				*line_out = line;
				return vigie_error_set(c->err, VIGIE_ELIMIT, c->name, line,
						       "JSON nested deeper than %d levels",
						       c->max_depth);
			}
		} else if (ch == '}' || ch == ']') {
			depth--;
		} else if (ch == '\0') {
			return vigie_error_set(c->err, VIGIE_EPARSE, c->name, line,
					       "NUL byte in JSON");
		}
	}
	return 0;
}

static int parse(struct report_ctx *c, const char *data, size_t len, yajl_val *out)
{
	struct vigie_buf buf = VIGIE_BUF_INIT;
	char errbuf[256];
	unsigned long line = 0;
	int rc;

	*out = NULL;
	if ((rc = check_json(c, data, len, &line)))
		return rc;
	/* yajl_tree_parse wants a NUL-terminated string */
	if (vigie_buf_add(&buf, data, len) || vigie_buf_grow(&buf, 1))
		return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, 0, "out of memory");
	errbuf[0] = '\0';
	*out = yajl_tree_parse(buf.data, errbuf, sizeof(errbuf));
	if (!*out) {
		/* the tree parser gives no position: find the line again */
		yajl_handle h = yajl_alloc(NULL, NULL, NULL);
		if (h) {
			size_t at;
			if (yajl_parse(h, (const unsigned char *)data, len) == yajl_status_ok)
				(void)yajl_complete_parse(h);
			at = yajl_get_bytes_consumed(h);
			line = 1;
			for (size_t i = 0; i < at && i < len; i++)
				if (data[i] == '\n')
					line++;
			yajl_free(h);
		}
		vigie_buf_release(&buf);
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return vigie_error_set(c->err, VIGIE_EPARSE, c->name, line, "malformed JSON: %s",
				       errbuf[0] ? errbuf : "parse error");
	}
	vigie_buf_release(&buf);
	if (!YAJL_IS_OBJECT(*out)) {
		yajl_tree_free(*out);
		*out = NULL;
		return vigie_error_set(c->err, VIGIE_EPARSE, c->name, 1,
				       "JSON report is not an object");
	}
	return 0;
}

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

static int add_cve(struct report_ctx *c, struct vigie_strv *cves, const char *id)
{
	if (id && !strncmp(id, "CVE-", 4) && vigie_extract_cves(cves, id))
		return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, 0, "out of memory");
	return 0;
}

int vigie_report_read_trivy(struct report_ctx *c, const char *data, size_t len)
{
	yajl_val root = NULL, results;
	struct vigie_strv cves;
	unsigned long recno = 0;
	const char *artifact;
	int rc = parse(c, data, len, &root);

	vigie_strv_init(&cves);
	if (rc)
		return rc;
	artifact = gets(c, root, "ArtifactName");
	results = get(root, "Results");
	if (results && !YAJL_IS_ARRAY(results)) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name, 0,
				     "Trivy report: \"Results\" is not an array");
		goto out;
	}
	for (size_t i = 0; results && i < results->u.array.len; i++) {
		yajl_val res = results->u.array.values[i];
		yajl_val vulns = get(res, "Vulnerabilities");
		const char *type = gets(c, res, "Type"), *klass = gets(c, res, "Class");
		int os = (klass && !strcmp(klass, "os-pkgs")) ||
			 (type && (!strcmp(type, "debian") || !strcmp(type, "ubuntu")));
		if (!vulns || !YAJL_IS_ARRAY(vulns))
			continue;
		for (size_t j = 0; j < vulns->u.array.len; j++) {
			yajl_val v = vulns->u.array.values[j];
			struct report_finding f;
			const char *id;

			recno++;
			memset(&f, 0, sizeof(f));
			c->too_long = 0;
			f.line = recno;
			if (!YAJL_IS_OBJECT(v)) {
				vigie_report_skip(c, recno, "Results[%zu].Vulnerabilities[%zu] is not an object: skipped", i, j);
				continue;
			}
			f.host = f.host_name = artifact;
			if (!f.host) {
				f.host = f.host_name = gets(c, res, "Target");
			}
			id = gets(c, v, "VulnerabilityID");
			f.package = gets(c, v, "PkgName");
			f.package_kind = f.package ? (os ? REPORT_PKG_BINARY : REPORT_PKG_UNKNOWN)
						   : REPORT_PKG_NONE;
			f.installed_version = gets(c, v, "InstalledVersion");
			f.fixed_version = gets(c, v, "FixedVersion");
			f.status = gets(c, v, "Status");
			f.title = gets(c, v, "Title");
			f.severity = gets(c, v, "Severity");
			f.plugin_id = id;
			if (!f.host) {
				vigie_report_skip(c, recno, "vulnerability without ArtifactName or Target: skipped");
				continue;
			}
			vigie_strv_release(&cves);
			if ((rc = add_cve(c, &cves, id)))
				goto out;
			if ((rc = vigie_report_emit(c, &f, &cves, NULL, 0)))
				goto out;
		}
	}
out:
	vigie_strv_release(&cves);
	yajl_tree_free(root);
	return rc;
}

int vigie_report_read_grype(struct report_ctx *c, const char *data, size_t len)
{
	yajl_val root = NULL, matches, source, target;
	struct vigie_strv cves;
	const char *host = NULL;
	int rc = parse(c, data, len, &root);

	vigie_strv_init(&cves);
	if (rc)
		return rc;
	matches = get(root, "matches");
	if (!matches || !YAJL_IS_ARRAY(matches)) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name, 0,
				     "Grype report: no \"matches\" array");
		goto out;
	}
	source = get(root, "source");
	target = get(source, "target");
	if (target && YAJL_IS_STRING(target))
		host = vigie_report_str(c, YAJL_GET_STRING(target));
	else if (target && YAJL_IS_OBJECT(target))
		host = gets(c, target, "userInput");
	if (!host)
		host = gets(c, source, "name");
	for (size_t i = 0; i < matches->u.array.len; i++) {
		yajl_val m = matches->u.array.values[i];
		yajl_val vuln = get(m, "vulnerability"), art = get(m, "artifact");
		yajl_val rel = get(m, "relatedVulnerabilities"), fix, ups, fv;
		struct report_finding f;
		const char *type, *id;

		memset(&f, 0, sizeof(f));
		c->too_long = 0;
		f.line = i + 1;
		if (!YAJL_IS_OBJECT(m) || !vuln || !art) {
			vigie_report_skip(c, f.line, "matches[%zu] has no vulnerability or artifact: skipped", i);
			continue;
		}
		f.host = f.host_name = host;
		if (!f.host) {
			vigie_report_skip(c, f.line, "no source.target in the Grype report: match skipped");
			continue;
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
		fix = get(vuln, "fix");
		f.status = gets(c, fix, "state");
		fv = get(fix, "versions");
		if (fv && YAJL_IS_ARRAY(fv) && fv->u.array.len &&
		    YAJL_IS_STRING(fv->u.array.values[0]))
			f.fixed_version = vigie_report_str(c, YAJL_GET_STRING(fv->u.array.values[0]));
		vigie_strv_release(&cves);
		if ((rc = add_cve(c, &cves, id)))
			goto out;
		for (size_t k = 0; rel && YAJL_IS_ARRAY(rel) && k < rel->u.array.len; k++) {
			yajl_val rid = get(rel->u.array.values[k], "id");
			if (rid && YAJL_IS_STRING(rid) &&
			    (rc = add_cve(c, &cves, YAJL_GET_STRING(rid))))
				goto out;
		}
		if ((rc = vigie_report_emit(c, &f, &cves, NULL, 0)))
			goto out;
	}
out:
	vigie_strv_release(&cves);
	yajl_tree_free(root);
	return rc;
}
