/* vigie: importers of security data into the store. Each import is one
 * transaction: on any error nothing of it is kept and the previous data of
 * that source stays as it was. Inputs are streamed and bounded. */
#ifndef VIGIE_IMPORT_H
#define VIGIE_IMPORT_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/store/store.h"

struct import_stats {
	long rows;      /* main rows stored (advisories, issues, CVEs, ...) */
	long skipped;   /* entries skipped with a warning */
};

/* Debian security tracker JSON (package -> issue -> releases), streamed
 * (constant memory; plain, gzip, xz or lz4). Replaces every tracker and
 * vulns row in one transaction and records source "tracker-json". Errors
 * (bad JSON or UTF-8, wrong types, invalid fixed_version, nesting > 8,
 * strings > 1 MiB) name the file and line; unknown status/urgency values
 * and unknown keys are kept/skipped with a warning. st->rows = rows. */
int vigie_import_tracker_json(struct vigie_store *s, const char *path,
			struct import_stats *st, struct vigie_error *err);
/* Same from memory (gzip/xz/lz4 detected as for files); name is used in
 * messages and recorded as the source location. */
int vigie_import_tracker_json_mem(struct vigie_store *s, const void *data,
			    size_t len, const char *name,
			    struct import_stats *st, struct vigie_error *err);
/* data/DSA/list, data/DLA/list, data/DTSA/list. kind: "DSA", "DLA", "DTSA". */
int vigie_import_advisory_list(struct vigie_store *s, const char *path,
			 const char *kind, struct import_stats *st,
			 struct vigie_error *err);
/* CISA KEV JSON (<= 64 MiB): replaces the kev table; source "kev". */
int vigie_import_kev(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err);
/* CVE JSON 5 records: one file, or every *.json under a directory
 * (recursive, sorted). Stores the CNA's best CVSS (v4.0 > v3.1 > v3.0 >
 * v2.0), else CISA-ADP's, the publication date and the ADP KEV date into
 * cvss (origin "cve5", see vigie_store_cvss_put); REJECTED records are skipped
 * (st->skipped). Source "cve5". */
int vigie_import_cve5(struct vigie_store *s, const char *path,
		struct import_stats *st, struct vigie_error *err);
/* NVD CVE API 2.0 response pages (one file, or every *.json under a
 * directory): per CVE the highest CVSS version, its Primary (NVD) entry
 * else the first, published and cisaExploitAdd into cvss (origin "nvd").
 * Source "nvd". */
int vigie_import_nvd(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err);
/* distro-info debian.csv (default /usr/share/distro-info/debian.csv). */
int vigie_import_distro_info(struct vigie_store *s, const char *path,
		       struct import_stats *st, struct vigie_error *err);
/* debian-security-support: security-support-ended.debN (release given by
 * the file's suffix or by release) and security-support-limited. */
int vigie_import_support_ended(struct vigie_store *s, const char *path,
			 const char *release, struct import_stats *st,
			 struct vigie_error *err);
int vigie_import_support_limited(struct vigie_store *s, const char *path,
			   struct import_stats *st, struct vigie_error *err);

#endif
