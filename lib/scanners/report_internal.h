/* Shared by the report readers (lib/report*.c); not a public interface. */
#ifndef VIGIE_REPORT_INTERNAL_H
#define VIGIE_REPORT_INTERNAL_H

#include "vigie/scanners/report.h"

#define REPORT_MAX_PKGTEXT 32 /* packages named in one result's text */

struct report_ctx {
	struct report *rep;
	const char *name;
	size_t max_size, max_field, max_findings;
	int max_depth;
	struct vigie_error *err;
	int too_long; /* set by vigie_report_str when a field exceeded max_field */
	const char *record; /* JSON record being read ("matches[3]"), for messages */
};

/* Copy s[0..len) into the arena, trimmed of ASCII space; NULL for empty
 * input. A string over max_field sets ctx->too_long and returns NULL. */
const char *vigie_report_strn(struct report_ctx *c, const char *s, size_t len);
const char *vigie_report_str(struct report_ctx *c, const char *s);
/* Emit one finding per CVE in cves (and per package entry in pk[0..npk),
 * at least one); the template supplies the other fields. A template marked
 * too_long is skipped with a warning. Returns 0 or an error. */
int vigie_report_emit(struct report_ctx *c, const struct report_finding *tmpl,
		const struct vigie_strv *cves, const struct report_pkgtext *pk,
		size_t npk);
/* An error naming the field (label) and line when s holds a control
 * character (C0, DEL, C1); 0 otherwise. */
int vigie_report_check_name(struct report_ctx *c, unsigned long line, const char *label,
			    const char *s);
/* Add a package to rep->sys (names and versions checked like findings'),
 * once per (name, arch): a repeated one is ignored. name and version are
 * required (NULL: ignored). Returns 0 or an error (VIGIE_ELIMIT beyond
 * VIGIE_REPORT_MAX_PKGS). */
int vigie_report_sys_pkg(struct report_ctx *c, unsigned long line, const char *name,
			 const char *version, const char *arch, const char *source,
			 const char *source_version);
/* Set host, host_ip, host_name from an address and/or a name. */
void vigie_report_set_host(struct report_ctx *c, struct report_finding *f,
		     const char *ip, const char *name);
/* Fill product/product_version from a CPE when unset. */
void vigie_report_cpe_product(struct report_ctx *c, struct report_finding *f);
/* Skip a row with a warning naming the line. */
void vigie_report_skip(struct report_ctx *c, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* XML prolog scanning, p at "<!--" or "<?": returns the byte after the
 * closing "-->" (comment) or the first '>' (processing instruction), or
 * NULL when the document ends first. */
const char *vigie_report_xml_skip_markup(const char *p, const char *end);

int vigie_report_read_greenbone_xml(struct report_ctx *c, const char *data, size_t len);
int vigie_report_read_nessus_xml(struct report_ctx *c, const char *data, size_t len);
int vigie_report_read_trivy(struct report_ctx *c, const char *data, size_t len);
int vigie_report_read_grype(struct report_ctx *c, const char *data, size_t len);

#endif
