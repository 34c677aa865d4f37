/* Report model, format detection, CSV-based readers (Greenbone, Nessus,
 * generic) and the lenient free-text reader. XML readers live in
 * report_xml.c, JSON readers in report_json.c. */
#include "scanners/report_internal.h"
#include "vigie/core/csv.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void vigie_report_init(struct report *rep)
{
	memset(rep, 0, sizeof(*rep));
	vigie_arena_init(&rep->arena);
}

void vigie_report_release(struct report *rep)
{
	vigie_arena_release(&rep->arena);
	free(rep->findings);
	free(rep->sys.pkgs);
	vigie_report_init(rep);
}

static const struct {
	enum report_format fmt;
	const char *name;
} fmt_names[] = {
	{ REPORT_FMT_AUTO, "auto" },
	{ REPORT_FMT_GREENBONE_XML, "greenbone-xml" },
	{ REPORT_FMT_GREENBONE_CSV, "greenbone-csv" },
	{ REPORT_FMT_NESSUS_CSV, "nessus-csv" },
	{ REPORT_FMT_NESSUS_XML, "nessus" },
	{ REPORT_FMT_TRIVY_JSON, "trivy" },
	{ REPORT_FMT_GRYPE_JSON, "grype" },
	{ REPORT_FMT_GENERIC_CSV, "csv" },
	{ REPORT_FMT_UNKNOWN, "unknown" },
	/* aliases, parsed only */
	{ REPORT_FMT_GREENBONE_XML, "openvas" },
	{ REPORT_FMT_GREENBONE_XML, "openvas-xml" },
	{ REPORT_FMT_GREENBONE_XML, "greenbone" },
	{ REPORT_FMT_GREENBONE_CSV, "openvas-csv" },
	{ REPORT_FMT_NESSUS_XML, "nessus-xml" },
	{ REPORT_FMT_TRIVY_JSON, "trivy-json" },
	{ REPORT_FMT_GRYPE_JSON, "grype-json" },
	{ REPORT_FMT_GENERIC_CSV, "generic" },
	{ REPORT_FMT_GENERIC_CSV, "generic-csv" },
};

const char *vigie_report_format_name(enum report_format fmt)
{
	for (size_t i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (fmt_names[i].fmt == fmt)
			return fmt_names[i].name;
	return "unknown";
}

int vigie_report_format_parse(enum report_format *out, const char *name)
{
	for (size_t i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (fmt_names[i].fmt != REPORT_FMT_UNKNOWN &&
		    strcasecmp(fmt_names[i].name, name) == 0) {
			*out = fmt_names[i].fmt;
			return 0;
		}
	return VIGIE_EUSAGE;
}

/* ---------------------------------------------------------------- model */

const char *vigie_report_strn(struct report_ctx *c, const char *s, size_t len)
{
	const char *r;
	if (!s)
		return NULL;
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return NULL;
	if (len > c->max_field) {
		c->too_long = 1;
		return NULL;
	}
	r = vigie_arena_strndup(&c->rep->arena, s, len);
	return r;
}

const char *vigie_report_str(struct report_ctx *c, const char *s)
{
	return s ? vigie_report_strn(c, s, strlen(s)) : NULL;
}

void vigie_report_skip(struct report_ctx *c, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->rep->skipped++;
	vigie_warn(c->err, c->name, line, "%s", msg);
}

static int looks_ip(const char *s)
{
	int dots = 0, colons = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p == ':')
			colons++;
		else if (!(colons ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
			return 0;
	}
	return dots == 3 || colons >= 2;
}

void vigie_report_set_host(struct report_ctx *c, struct report_finding *f,
		     const char *ip, const char *name)
{
	const char *i = vigie_report_str(c, ip), *n = vigie_report_str(c, name);
	if (i && !n && !looks_ip(i)) {
		n = i;
		i = NULL;
	}
	if (n && looks_ip(n)) {
		if (!i)
			i = n;
		n = NULL;
	}
	f->host_ip = i;
	f->host_name = n;
	f->host = n ? n : i;
}

void vigie_report_cpe_product(struct report_ctx *c, struct report_finding *f)
{
	/* cpe:/a:vendor:product:version or cpe:2.3:a:vendor:product:version:... */
	const char *p, *parts[6] = { 0 };
	size_t np = 0;
	if (!f->cpe)
		return;
	p = f->cpe;
	if (strncmp(p, "cpe:2.3:", 8) == 0)
		p += 8;
	else if (strncmp(p, "cpe:/", 5) == 0)
		p += 5;
	else
		return;
	parts[np++] = p;
	for (; *p && np < 6; p++)
		if (*p == ':')
			parts[np++] = p + 1;
	if (np >= 4 && !f->product_version) {
		const char *v = parts[3];
		size_t len = strcspn(v, ":");
		if (len && !(len == 1 && (*v == '*' || *v == '-')))
			f->product_version = vigie_report_strn(c, v, len);
	}
}

int vigie_report_check_name(struct report_ctx *c, unsigned long line, const char *label,
			    const char *s)
{
	unsigned cp = 0;
	if (!s || vigie_ctrl_find(s, strlen(s), &cp) < 0)
		return 0;
	return vigie_error_set(c->err, VIGIE_EPARSE, c->name, line,
			       "%s%scontrol character U+%04X in the %s", c->record ? c->record : "",
			       c->record ? ": " : "", cp, label);
}

int vigie_report_sys_pkg(struct report_ctx *c, unsigned long line, const char *name,
			 const char *version, const char *arch, const char *source,
			 const char *source_version)
{
	struct report_system *sys = &c->rep->sys;
	int rc;
	if (!name || !version)
		return 0;
	if ((rc = vigie_report_check_name(c, line, "package name", name)) ||
	    (rc = vigie_report_check_name(c, line, "installed version", version)) ||
	    (rc = vigie_report_check_name(c, line, "architecture", arch)) ||
	    (rc = vigie_report_check_name(c, line, "source package name", source)) ||
	    (rc = vigie_report_check_name(c, line, "source version", source_version)))
		return rc;
	/* findings repeat their package: the last ones are the likely twins */
	for (size_t i = sys->npkgs; i-- > 0 && i + 64 >= sys->npkgs;)
		if (!strcmp(sys->pkgs[i].name, name) &&
		    !strcmp(sys->pkgs[i].arch ? sys->pkgs[i].arch : "", arch ? arch : ""))
			return 0;
	if (sys->npkgs >= VIGIE_REPORT_MAX_PKGS)
		return vigie_error_set(c->err, VIGIE_ELIMIT, c->name, line,
				       "more than %d packages in the scanned system", VIGIE_REPORT_MAX_PKGS);
	if (sys->npkgs == sys->cap) {
		size_t n = sys->cap ? sys->cap * 2 : 64;
		struct report_pkg *np = realloc(sys->pkgs, n * sizeof(*np));
		if (!np)
			return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
		sys->pkgs = np;
		sys->cap = n;
	}
	sys->pkgs[sys->npkgs++] = (struct report_pkg){ name, version, arch, source, source_version,
						       line };
	return 0;
}

/* Names and versions decide verdicts and reach terminals: a control
 * character in one is an error naming the field, never a silent cut. */
static int check_finding(struct report_ctx *c, const struct report_finding *f)
{
	static const struct {
		size_t off;
		const char *label;
	} fields[] = {
		{ offsetof(struct report_finding, host_ip), "host address" },
		{ offsetof(struct report_finding, host_name), "host name" },
		{ offsetof(struct report_finding, host), "host name" },
		{ offsetof(struct report_finding, package), "package name" },
		{ offsetof(struct report_finding, source), "source package name" },
		{ offsetof(struct report_finding, installed_version), "installed version" },
		{ offsetof(struct report_finding, fixed_version), "fixed version" },
		{ offsetof(struct report_finding, product), "product name" },
		{ offsetof(struct report_finding, product_version), "product version" },
		{ offsetof(struct report_finding, cpe), "CPE" },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = *(const char *const *)((const char *)f + fields[i].off);
		int rc = vigie_report_check_name(c, f->line, fields[i].label, v);
		if (rc)
			return rc;
	}
	return 0;
}

static int grow(struct report *rep)
{
	size_t ncap;
	struct report_finding *nf;
	if (rep->nfindings < rep->cap)
		return 0;
	ncap = rep->cap ? rep->cap * 2 : 64;
	nf = realloc(rep->findings, ncap * sizeof(*nf));
	if (!nf)
		return VIGIE_ENOMEM;
	rep->findings = nf;
	rep->cap = ncap;
	return 0;
}

int vigie_report_emit(struct report_ctx *c, const struct report_finding *tmpl,
		const struct vigie_strv *cves, const struct report_pkgtext *pk,
		size_t npk)
{
	static const struct report_pkgtext none;
	if (c->too_long) {
		c->too_long = 0;
		vigie_report_skip(c, tmpl->line, "a field is longer than %zu bytes: skipped",
			    c->max_field);
		return 0;
	}
	if (!cves || !cves->n) {
		c->rep->without_cve++;
		return 0;
	}
	if (!npk) {
		pk = &none;
		npk = 1;
	}
	for (size_t k = 0; k < npk; k++) {
		for (size_t i = 0; i < cves->n; i++) {
			struct report_finding *f;
			if (c->rep->nfindings >= c->max_findings)
				return vigie_error_set(c->err, VIGIE_ELIMIT, c->name, tmpl->line,
						       "more than %zu findings", c->max_findings);
			if (grow(c->rep))
				return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, tmpl->line,
						       "out of memory");
			f = &c->rep->findings[c->rep->nfindings];
			*f = *tmpl;
			f->cve = vigie_arena_strdup(&c->rep->arena, cves->v[i]);
			if (!f->cve)
				return vigie_error_set(c->err, VIGIE_ENOMEM, c->name, tmpl->line,
						       "out of memory");
			if (pk[k].package) {
				f->package = pk[k].package;
				if (f->package_kind == REPORT_PKG_NONE)
					f->package_kind = REPORT_PKG_UNKNOWN;
			}
			if (pk[k].installed_version)
				f->installed_version = pk[k].installed_version;
			if (pk[k].fixed_version)
				f->fixed_version = pk[k].fixed_version;
			if (pk[k].cpe)
				f->cpe = pk[k].cpe;
			if (!f->package)
				f->package_kind = REPORT_PKG_NONE;
			vigie_report_cpe_product(c, f);
			if (!f->package && !f->product_version && f->installed_version)
				f->product_version = f->installed_version;
			{
				int rc = check_finding(c, f);
				if (rc)
					return rc;
			}
			c->rep->nfindings++;
		}
	}
	return 0;
}

/* ------------------------------------------------------ free-text reader */

static char *dupn(struct vigie_arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? vigie_arena_strndup(a, s, n) : NULL;
}

/* A version value: drop comparison prefixes, stop at the first space. */
static const char *version_value(struct vigie_arena *a, const char *v, size_t n,
				 int *oom)
{
	char *r;
	while (n && (isspace((unsigned char)*v) || *v == '>' || *v == '<' || *v == '=')) {
		v++;
		n--;
	}
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)v[i])) {
			n = i;
			break;
		}
	if (!n || (n == 4 && strncasecmp(v, "none", 4) == 0) ||
	    (n == 3 && strncasecmp(v, "n/a", 3) == 0))
		return NULL;
	r = dupn(a, v, n);
	if (!r)
		*oom = 1;
	return r;
}

static int valid_pkgname(const char *s, size_t n)
{
	if (n < 2 || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!(islower(ch) || isdigit(ch) || ch == '+' || ch == '-' || ch == '.'))
			return 0;
	}
	return 1;
}

int vigie_report_parse_pkgtext(struct report_pkgtext *out, size_t max, size_t *n,
			 const char *text, struct vigie_arena *arena)
{
	const char *p = text;
	size_t cur = 0;
	int oom = 0;
	*n = 0;
	if (!text || !max)
		return 0;
	while (*p) {
		const char *eol = strchr(p, '\n'), *colon, *val;
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p), klen, vlen;
		char key[40];
		size_t kn = 0;
		int is_pkg = 0, is_inst = 0, is_fix = 0, is_instpkg = 0, is_fixpkg = 0;

		colon = memchr(p, ':', linelen);
		if (!colon)
			goto next;
		klen = (size_t)(colon - p);
		/* normalise the key: lower case, single spaces */
		for (size_t i = 0; i < klen && kn < sizeof(key) - 1; i++) {
			char ch = (char)tolower((unsigned char)p[i]);
			if (isspace((unsigned char)ch) || ch == '-') {
				if (kn && key[kn - 1] != ' ')
					key[kn++] = ' ';
			} else {
				key[kn++] = ch;
			}
		}
		while (kn && key[kn - 1] == ' ')
			kn--;
		while (kn && key[0] == ' ') {
			memmove(key, key + 1, kn - 1);
			kn--;
		}
		key[kn] = '\0';
		val = colon + 1;
		vlen = linelen - klen - 1;
		while (vlen && isspace((unsigned char)*val)) {
			val++;
			vlen--;
		}
		while (vlen && isspace((unsigned char)val[vlen - 1]))
			vlen--;
		if (!vlen)
			goto next;

		if (!strcmp(key, "vulnerable package") || !strcmp(key, "package"))
			is_pkg = 1;
		else if (!strcmp(key, "installed version"))
			is_inst = 1;
		else if (!strcmp(key, "fixed version"))
			is_fix = 1;
		else if (!strcmp(key, "remote package installed") ||
			 !strcmp(key, "installed package"))
			is_instpkg = 1;
		else if (!strcmp(key, "should be") || !strcmp(key, "fixed package"))
			is_fixpkg = 1;
		else if ((!strcmp(key, "product") || !strcmp(key, "cpe")) &&
			 vlen > 4 && strncmp(val, "cpe:", 4) == 0) {
			if (!*n)
				memset(&out[(*n)++], 0, sizeof(*out));
			out[cur].cpe = version_value(arena, val, vlen, &oom);
			goto next;
		} else {
			goto next;
		}

		if (is_pkg || is_instpkg) {
			const char *name = val, *ver = NULL;
			size_t nlen = vlen, verlen = 0;
			if (is_instpkg) {
				const char *us = memchr(val, '_', vlen);
				if (!us)
					us = memchr(val, ' ', vlen);
				if (us) {
					nlen = (size_t)(us - val);
					ver = us + 1;
					verlen = vlen - nlen - 1;
				}
			} else {
				nlen = strcspn(val, " \t");
				if (nlen > vlen)
					nlen = vlen;
			}
			if (!valid_pkgname(name, nlen))
				goto next;
			if (*n && out[cur].package) {
				if (*n >= max)
					break;
				cur = (*n)++;
				memset(&out[cur], 0, sizeof(*out));
			} else if (!*n) {
				cur = (*n)++;
				memset(&out[cur], 0, sizeof(*out));
			}
			out[cur].package = dupn(arena, name, nlen);
			if (!out[cur].package)
				oom = 1;
			if (ver)
				out[cur].installed_version = version_value(arena, ver, verlen, &oom);
		} else if (is_fixpkg) {
			const char *us = memchr(val, '_', vlen);
			if (!*n)
				memset(&out[(*n)++], 0, sizeof(*out));
			if (us) {
				size_t nlen = (size_t)(us - val);
				if (!out[cur].package && valid_pkgname(val, nlen))
					out[cur].package = dupn(arena, val, nlen);
				out[cur].fixed_version =
					version_value(arena, us + 1, vlen - nlen - 1, &oom);
			} else {
				out[cur].fixed_version = version_value(arena, val, vlen, &oom);
			}
		} else {
			if (!*n)
				memset(&out[(*n)++], 0, sizeof(*out));
			if (is_inst && !out[cur].installed_version)
				out[cur].installed_version = version_value(arena, val, vlen, &oom);
			if (is_fix && !out[cur].fixed_version)
				out[cur].fixed_version = version_value(arena, val, vlen, &oom);
		}
	next:
		if (!eol)
			break;
		p = eol + 1;
	}
	return oom ? VIGIE_ENOMEM : 0;
}

/* ------------------------------------------------------------- detection */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

const char *vigie_report_xml_skip_markup(const char *p, const char *end)
{
	if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
		for (const char *s = p + 4; s + 3 <= end; s++)
			if (!memcmp(s, "-->", 3))
				return s + 3;
		return NULL;
	}
	p = memchr(p, '>', (size_t)(end - p));
	return p ? p + 1 : NULL;
}

/* Name of the first element, skipping the XML declaration, comments,
 * processing instructions and a DOCTYPE. */
static void xml_root(const char *p, const char *end, char *name, size_t size)
{
	name[0] = '\0';
	for (int guard = 0; guard < 64; guard++) {
		p = skip_ws(p, end);
		if (p >= end || *p != '<')
			return;
		if ((end - p >= 4 && !memcmp(p, "<!--", 4)) || (end - p >= 2 && p[1] == '?')) {
			if (!(p = vigie_report_xml_skip_markup(p, end)))
				return;
		} else if (end - p >= 2 && p[1] == '!') {
			/* DOCTYPE, possibly with an internal subset in [...] */
			int bracket = 0;
			for (p += 2; p < end; p++) {
				if (*p == '[')
					bracket++;
				else if (*p == ']' && bracket)
					bracket--;
				else if (*p == '>' && !bracket)
					break;
			}
			if (p >= end)
				return;
			p++;
		} else {
			size_t n = 0;
			p++;
			while (p < end && n < size - 1 && !isspace((unsigned char)*p) &&
			       *p != '>' && *p != '/')
				name[n++] = *p++;
			name[n] = '\0';
			return;
		}
	}
}

static int has(const char *p, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= len; i++)
		if (p[i] == needle[0] && !memcmp(p + i, needle, nl))
			return 1;
	return 0;
}

static void norm_header(char *dst, size_t size, const char *s)
{
	size_t n = 0;
	for (; *s && n < size - 1; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isspace(ch) || ch == '_' || ch == '-' || ch == '.') {
			if (n && dst[n - 1] != ' ')
				dst[n++] = ' ';
		} else {
			dst[n++] = (char)tolower(ch);
		}
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int header_has(struct vigie_csv *csv, const char *want)
{
	char h[64];
	for (size_t i = 0; i < vigie_csv_nfields(csv); i++) {
		norm_header(h, sizeof(h), vigie_csv_field(csv, i));
		if (!strcmp(h, want))
			return 1;
	}
	return 0;
}

enum report_format vigie_report_detect(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	enum report_format fmt = REPORT_FMT_UNKNOWN;
	struct vigie_csv *csv = NULL;
	struct vigie_csv_opts co = { 0, 64 * 1024, 0, 0 };
	size_t head = len < 65536 ? len : 65536;

	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	p = skip_ws(p, end);
	if (p < end && *p == '<') {
		char root[64];
		xml_root(p, end, root, sizeof(root));
		if (!strcmp(root, "report") || !strcmp(root, "get_reports_response"))
			return REPORT_FMT_GREENBONE_XML;
		if (!strcmp(root, "NessusClientData_v2"))
			return REPORT_FMT_NESSUS_XML;
		return REPORT_FMT_UNKNOWN;
	}
	if (p < end && *p == '{') {
		if (has(data, head, "\"SchemaVersion\"") || has(data, head, "\"ArtifactName\""))
			return REPORT_FMT_TRIVY_JSON;
		if (has(data, head, "\"matches\""))
			return REPORT_FMT_GRYPE_JSON;
		/* keys may come late in a large document */
		if (has(data, len, "\"Results\"") && has(data, len, "\"VulnerabilityID\""))
			return REPORT_FMT_TRIVY_JSON;
		if (has(data, len, "\"matches\"") && has(data, len, "\"artifact\""))
			return REPORT_FMT_GRYPE_JSON;
		return REPORT_FMT_UNKNOWN;
	}
	if (vigie_csv_open_mem(&csv, data, len, "detect", &co, NULL))
		return REPORT_FMT_UNKNOWN;
	if (vigie_csv_next(csv, NULL) == 1) {
		if (header_has(csv, "nvt oid") || header_has(csv, "nvt name"))
			fmt = REPORT_FMT_GREENBONE_CSV;
		else if ((header_has(csv, "plugin id") || header_has(csv, "plugin")) &&
			 (header_has(csv, "host") || header_has(csv, "ip address")))
			fmt = REPORT_FMT_NESSUS_CSV;
		else if (header_has(csv, "host") && header_has(csv, "cve"))
			fmt = REPORT_FMT_GENERIC_CSV;
	}
	vigie_csv_free(csv);
	return fmt;
}

/* ----------------------------------------------------------- CSV readers */

enum col {
	C_HOST, C_IP, C_HOSTNAME, C_PORT, C_PROTO, C_CVE, C_PACKAGE, C_SOURCE,
	C_PRODUCT, C_VERSION, C_INSTALLED, C_FIXED, C_TITLE, C_PLUGIN, C_SEVERITY,
	C_SEVERITY2, C_TEXT, C_TEXT2, C_CPE, C_STATUS, C_NCOLS
};

struct colname {
	const char *name; /* normalised: lower case, single spaces */
	enum col col;
};

static const struct colname greenbone_cols[] = {
	{ "ip", C_IP }, { "hostname", C_HOSTNAME }, { "port", C_PORT },
	{ "port protocol", C_PROTO }, { "cvss", C_SEVERITY },
	{ "severity", C_SEVERITY2 }, { "nvt name", C_TITLE }, { "nvt oid", C_PLUGIN },
	{ "cves", C_CVE }, { "specific result", C_TEXT },
	{ "product detection result", C_TEXT2 }, { NULL, C_NCOLS }
};

static const struct colname nessus_cols[] = {
	{ "plugin id", C_PLUGIN }, { "plugin", C_PLUGIN }, { "cve", C_CVE },
	{ "risk", C_SEVERITY }, { "severity", C_SEVERITY },
	{ "risk factor", C_SEVERITY2 }, { "host", C_HOST }, { "ip address", C_IP },
	{ "dns name", C_HOSTNAME }, { "netbios name", C_HOSTNAME },
	{ "protocol", C_PROTO }, { "port", C_PORT }, { "name", C_TITLE },
	{ "plugin name", C_TITLE }, { "plugin output", C_TEXT },
	{ "plugin text", C_TEXT }, { NULL, C_NCOLS }
};

static const struct colname generic_cols[] = {
	{ "host", C_HOST }, { "hostname", C_HOSTNAME }, { "ip", C_IP },
	{ "cve", C_CVE }, { "package", C_PACKAGE }, { "source", C_SOURCE },
	{ "product", C_PRODUCT }, { "version", C_VERSION },
	{ "installed version", C_INSTALLED }, { "fixed version", C_FIXED },
	{ "port", C_PORT }, { "title", C_TITLE }, { "severity", C_SEVERITY },
	{ "cpe", C_CPE }, { "status", C_STATUS }, { NULL, C_NCOLS }
};

static int read_csv(struct report_ctx *c, const char *data, size_t len,
		    enum report_format fmt)
{
	const struct colname *names = fmt == REPORT_FMT_GREENBONE_CSV ? greenbone_cols :
				      fmt == REPORT_FMT_NESSUS_CSV ? nessus_cols :
				      generic_cols;
	struct vigie_csv *csv = NULL;
	struct vigie_csv_opts co = { 0, c->max_field, 0, 0 };
	long idx[C_NCOLS];
	struct vigie_strv cves;
	struct vigie_buf tmp = VIGIE_BUF_INIT, unknown = VIGIE_BUF_INIT;
	unsigned long hline;
	int rc;

	vigie_strv_init(&cves);
	for (int i = 0; i < C_NCOLS; i++)
		idx[i] = -1;
	if (co.max_field < 4096)
		co.max_field = 4096; /* headers and short fields always fit */
	if ((rc = vigie_csv_open_mem(&csv, data, len, c->name, &co, c->err)))
		goto out;
	rc = vigie_csv_next(csv, c->err);
	if (rc <= 0) {
		if (rc == 0)
			rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name, 1,
					     "empty CSV report (no header row)");
		goto out;
	}
	hline = vigie_csv_line(csv);
	for (size_t i = 0; i < vigie_csv_nfields(csv); i++) {
		char h[64];
		const char *raw = vigie_csv_field(csv, i);
		int found = 0;
		if (!vigie_utf8_valid(raw, vigie_csv_field_len(csv, i))) {
			rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name, hline,
					     "invalid UTF-8 in the header row");
			goto out;
		}
		norm_header(h, sizeof(h), raw);
		for (const struct colname *cn = names; cn->name; cn++)
			if (!strcmp(h, cn->name)) {
				if (idx[cn->col] < 0)
					idx[cn->col] = (long)i;
				found = 1;
				break;
			}
		if (!found && fmt == REPORT_FMT_GENERIC_CSV && *h) {
			if ((unknown.len && vigie_buf_adds(&unknown, ", ")) ||
			    vigie_buf_adds(&unknown, raw)) {
				rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, hline,
						     "out of memory");
				goto out;
			}
		}
	}
	if (unknown.len)
		vigie_warn(c->err, c->name, hline, "unknown columns ignored: %.400s",
			   unknown.data);
	if ((idx[C_HOST] < 0 && idx[C_IP] < 0 && idx[C_HOSTNAME] < 0) || idx[C_CVE] < 0) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name, hline,
				     "the header row has no %s column",
				     idx[C_CVE] < 0 ? (fmt == REPORT_FMT_GREENBONE_CSV ? "CVEs" :
						       fmt == REPORT_FMT_NESSUS_CSV ? "CVE" : "cve")
						    : (fmt == REPORT_FMT_GENERIC_CSV ? "host" :
						       fmt == REPORT_FMT_NESSUS_CSV ? "Host" : "IP"));
		goto out;
	}

	while ((rc = vigie_csv_next(csv, c->err)) == 1) {
		unsigned long line = vigie_csv_line(csv);
		const char *v[C_NCOLS];
		struct report_finding f;
		struct report_pkgtext pk[REPORT_MAX_PKGTEXT];
		size_t npk = 0;
		int bad = 0;

		for (size_t i = 0; i < vigie_csv_nfields(csv); i++) {
			if (!vigie_utf8_valid(vigie_csv_field(csv, i),
					      vigie_csv_field_len(csv, i)))
				bad = 1;
		}
		if (bad) {
			vigie_report_skip(c, line, "invalid UTF-8: row skipped");
			continue;
		}
		for (int i = 0; i < C_NCOLS; i++)
			v[i] = idx[i] >= 0 ? vigie_csv_field(csv, (size_t)idx[i]) : NULL;
		memset(&f, 0, sizeof(f));
		f.line = line;
		c->too_long = 0;

		if (fmt == REPORT_FMT_GENERIC_CSV) {
			const char *host = v[C_HOST] && *v[C_HOST] ? v[C_HOST] : NULL;
			const char *cve = v[C_CVE];
			if (!host && !(v[C_IP] && *v[C_IP]) && !(v[C_HOSTNAME] && *v[C_HOSTNAME])) {
				vigie_report_skip(c, line, "no host: row skipped");
				continue;
			}
			vigie_buf_reset(&tmp);
			if (cve && vigie_buf_adds(&tmp, cve)) {
				rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
				goto out;
			}
			for (size_t i = 0; i < tmp.len; i++)
				tmp.data[i] = (char)toupper((unsigned char)tmp.data[i]);
			vigie_strv_release(&cves);
			if (tmp.len && vigie_extract_cves(&cves, tmp.data)) {
				rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
				goto out;
			}
			if (!cves.n) {
				vigie_report_skip(c, line, "no CVE id in column cve: row skipped");
				continue;
			}
			if (host)
				vigie_report_set_host(c, &f, host, NULL);
			else
				vigie_report_set_host(c, &f, v[C_IP], v[C_HOSTNAME]);
			if (host && (v[C_IP] || v[C_HOSTNAME])) {
				if (v[C_IP] && *v[C_IP])
					f.host_ip = vigie_report_str(c, v[C_IP]);
				if (v[C_HOSTNAME] && *v[C_HOSTNAME])
					f.host_name = vigie_report_str(c, v[C_HOSTNAME]);
			}
			f.package = vigie_report_str(c, v[C_PACKAGE]);
			f.source = vigie_report_str(c, v[C_SOURCE]);
			if (f.package)
				f.package_kind = REPORT_PKG_UNKNOWN;
			else if (f.source) {
				f.package = f.source;
				f.package_kind = REPORT_PKG_SOURCE;
			}
			f.product = vigie_report_str(c, v[C_PRODUCT]);
			f.installed_version = vigie_report_str(c, v[C_INSTALLED]);
			if (f.package || f.source) {
				if (!f.installed_version)
					f.installed_version = vigie_report_str(c, v[C_VERSION]);
			} else {
				f.product_version = vigie_report_str(c, v[C_VERSION]);
			}
			f.fixed_version = vigie_report_str(c, v[C_FIXED]);
			f.port = vigie_report_str(c, v[C_PORT]);
			f.title = vigie_report_str(c, v[C_TITLE]);
			f.severity = vigie_report_str(c, v[C_SEVERITY]);
			f.cpe = vigie_report_str(c, v[C_CPE]);
			f.status = vigie_report_str(c, v[C_STATUS]);
			if ((rc = vigie_report_emit(c, &f, &cves, NULL, 0)))
				goto out;
			continue;
		}

		/* Greenbone and Nessus */
		if (v[C_HOST] && *v[C_HOST])
			vigie_report_set_host(c, &f, v[C_HOST], NULL);
		else
			vigie_report_set_host(c, &f, v[C_IP], v[C_HOSTNAME]);
		if (v[C_HOST] && *v[C_HOST] && v[C_HOSTNAME] && *v[C_HOSTNAME]) {
			f.host_name = vigie_report_str(c, v[C_HOSTNAME]);
			f.host = f.host_name;
		}
		if (!f.host) {
			vigie_report_skip(c, line, "no host: row skipped");
			continue;
		}
		vigie_buf_reset(&tmp);
		if (v[C_PORT] && *v[C_PORT]) {
			rc = v[C_PROTO] && *v[C_PROTO]
				     ? vigie_buf_addf(&tmp, "%s/%s", v[C_PORT], v[C_PROTO])
				     : vigie_buf_adds(&tmp, v[C_PORT]);
			if (rc) {
				rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
				goto out;
			}
			f.port = vigie_report_strn(c, tmp.data, tmp.len);
		}
		f.title = vigie_report_str(c, v[C_TITLE]);
		f.plugin_id = vigie_report_str(c, v[C_PLUGIN]);
		f.severity = vigie_report_str(c, v[C_SEVERITY] && *v[C_SEVERITY] ? v[C_SEVERITY]
									   : v[C_SEVERITY2]);
		vigie_strv_release(&cves);
		if (v[C_CVE] && vigie_extract_cves(&cves, v[C_CVE])) {
			rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
			goto out;
		}
		if (vigie_report_parse_pkgtext(pk, REPORT_MAX_PKGTEXT, &npk, v[C_TEXT],
					 &c->rep->arena)) {
			rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
			goto out;
		}
		if (v[C_TEXT2] && *v[C_TEXT2]) {
			struct report_pkgtext det[1];
			size_t nd = 0;
			if (vigie_report_parse_pkgtext(det, 1, &nd, v[C_TEXT2], &c->rep->arena)) {
				rc = vigie_error_set(c->err, VIGIE_ENOMEM, c->name, line, "out of memory");
				goto out;
			}
			if (nd && det[0].cpe)
				f.cpe = det[0].cpe;
		}
		/* Debian local security checks name binary packages */
		if (npk && pk[0].package)
			f.package_kind = f.title && !strncmp(f.title, "Debian", 6)
						 ? REPORT_PKG_BINARY
						 : REPORT_PKG_UNKNOWN;
		if ((rc = vigie_report_emit(c, &f, &cves, pk, npk)))
			goto out;
	}
out:
	vigie_strv_release(&cves);
	vigie_buf_release(&tmp);
	vigie_buf_release(&unknown);
	vigie_csv_free(csv);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------- dispatch */

int vigie_report_load_mem(struct report *rep, const char *data, size_t len,
		    const char *name, enum report_format fmt,
		    const struct report_limits *opts, struct vigie_error *err)
{
	struct report_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.rep = rep;
	c.name = name ? name : "<report>";
	c.err = err;
	c.max_size = opts && opts->max_size ? opts->max_size : VIGIE_REPORT_MAX_SIZE;
	c.max_field = opts && opts->max_field ? opts->max_field : VIGIE_REPORT_MAX_FIELD;
	c.max_findings = opts && opts->max_findings ? opts->max_findings
						    : VIGIE_REPORT_MAX_FINDINGS;
	c.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : VIGIE_REPORT_MAX_DEPTH;
	snprintf(rep->name, sizeof(rep->name), "%s", c.name);

	if (len > c.max_size)
		return vigie_error_set(err, VIGIE_ELIMIT, c.name, 0,
				       "report larger than %zu bytes", c.max_size);
	if (fmt == REPORT_FMT_AUTO) {
		fmt = vigie_report_detect(data, len);
		if (fmt == REPORT_FMT_UNKNOWN)
			return vigie_error_set(err, VIGIE_EPARSE, c.name, 1,
					       "unrecognised report format (expected Greenbone/OpenVAS XML or CSV, Nessus CSV or .nessus, Trivy or Grype JSON, or a CSV with host and cve columns)");
	}
	rep->format = fmt;
	switch (fmt) {
	case REPORT_FMT_GREENBONE_XML:
		rc = vigie_report_read_greenbone_xml(&c, data, len);
		break;
	case REPORT_FMT_NESSUS_XML:
		rc = vigie_report_read_nessus_xml(&c, data, len);
		break;
	case REPORT_FMT_TRIVY_JSON:
		rc = vigie_report_read_trivy(&c, data, len);
		break;
	case REPORT_FMT_GRYPE_JSON:
		rc = vigie_report_read_grype(&c, data, len);
		break;
	case REPORT_FMT_GREENBONE_CSV:
	case REPORT_FMT_NESSUS_CSV:
	case REPORT_FMT_GENERIC_CSV:
		rc = read_csv(&c, data, len, fmt);
		break;
	default:
		rc = vigie_error_set(err, VIGIE_EUSAGE, c.name, 0, "no reader for format %d",
				     (int)fmt);
	}
	return rc;
}

int vigie_report_load(struct report *rep, const char *path, enum report_format fmt,
		const struct report_limits *opts, struct vigie_error *err)
{
	struct vigie_buf buf = VIGIE_BUF_INIT;
	size_t max = opts && opts->max_size ? opts->max_size : VIGIE_REPORT_MAX_SIZE;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	int rc = vigie_read_file(&buf, strcmp(path, "-") ? path : "/dev/stdin", max, err);
	if (!rc)
		rc = vigie_report_load_mem(rep, buf.data, buf.len, name, fmt, opts, err);
	vigie_buf_release(&buf);
	return rc;
}
