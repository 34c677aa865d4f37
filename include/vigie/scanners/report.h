/* vigie: findings read from other scanners' reports.
 *
 * Greenbone/OpenVAS (XML, CSV), Nessus (CSV, .nessus v2 XML), Trivy JSON,
 * Grype JSON and a generic CSV are read into one model: one struct
 * report_finding per (host, CVE[, package]). Readers are bounded (document
 * size, field size, findings) and never resolve XML entities, load DTDs or
 * touch the network. A malformed document is an error naming the file and
 * line; a row that cannot be used is skipped with a warning naming its line
 * (err->warn) and counted in report.skipped. Findings keep the report's
 * order and are not merged: a scanner that repeats a (host, CVE) pair (the
 * Nessus CSV does, per plugin output) yields repeated findings. */
#ifndef VIGIE_REPORT_H
#define VIGIE_REPORT_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define VIGIE_REPORT_MAX_SIZE (256u * 1024 * 1024) /* bytes of one report */
#define VIGIE_REPORT_MAX_FIELD (1024 * 1024)       /* bytes of one field */
#define VIGIE_REPORT_MAX_FINDINGS 2000000          /* findings (rows) */
#define VIGIE_REPORT_MAX_DEPTH 64                  /* XML/JSON nesting */

enum report_format {
	REPORT_FMT_AUTO = 0,    /* detect from content */
	REPORT_FMT_GREENBONE_XML,
	REPORT_FMT_GREENBONE_CSV,
	REPORT_FMT_NESSUS_CSV,
	REPORT_FMT_NESSUS_XML,  /* .nessus v2 */
	REPORT_FMT_TRIVY_JSON,
	REPORT_FMT_GRYPE_JSON,
	REPORT_FMT_GENERIC_CSV, /* header row with host, cve[, package, ...] */
	REPORT_FMT_UNKNOWN
};

/* Whether report_finding.package names a binary or a source package. */
enum report_pkg_kind { REPORT_PKG_NONE = 0, REPORT_PKG_BINARY, REPORT_PKG_SOURCE,
		       REPORT_PKG_UNKNOWN /* a package name whose kind the report
					     does not say (generic CSV, Greenbone) */ };

/* Every string is owned by the report's arena; NULL when the report has no
 * such information. */
struct report_finding {
	const char *host;        /* host name if known, else IP, else artifact */
	const char *host_ip;     /* IP address when given */
	const char *host_name;   /* DNS/NetBIOS name when given */
	const char *cve;         /* "CVE-YYYY-NNNN" (upper case) */
	const char *package;     /* Debian package name when the report has one */
	enum report_pkg_kind package_kind;
	const char *source;      /* Debian source package when the report says
				    (Grype "upstreams", generic CSV "source") */
	const char *installed_version; /* of package, or of product */
	const char *fixed_version;     /* ">=" and similar prefixes removed */
	const char *product;     /* product name (generic CSV "product") */
	const char *product_version;
	const char *cpe;         /* cpe:/... or cpe:2.3:... when given */
	const char *port;        /* "443/tcp", "general/tcp", "package", ... */
	const char *title;       /* NVT/plugin name, vulnerability title */
	const char *plugin_id;   /* NVT OID, Nessus plugin ID, ... */
	const char *severity;    /* as the scanner wrote it: "High", "9.8" */
	const char *status;      /* Trivy Status ("fixed", "affected", ...) */
	unsigned long line;      /* line (CSV/XML; JSON: where the record opens) */
};

/* A package of the scanned system as a Trivy or Grype report lists it
 * (source and source_version may be NULL: not given). */
struct report_pkg {
	const char *name, *version, *arch, *source, *source_version;
	unsigned long line;
};

#define VIGIE_REPORT_MAX_PKGS 200000 /* packages of the scanned system */

/* The system a Trivy or Grype report scanned, as the report describes it
 * (the first document read that describes one): its name (ArtifactName,
 * source.target), its OS (Trivy Metadata.OS.Family and .Name, "debian"
 * "12.5"; Grype distro.name and .version) and its packages: Trivy's
 * Results[].Packages of OS results when present (pkgs_listed 1), else the
 * packages the findings name (PkgName, InstalledVersion; Grype's matched
 * artifacts), each once. All NULL/0 when the report says nothing. */
struct report_system {
	const char *target;
	const char *os_family, *os_version;
	struct report_pkg *pkgs;
	size_t npkgs, cap;
	int pkgs_listed;
	int described;   /* a document filled this (later ones do not) */
};

struct report {
	struct vigie_arena arena;         /* owns every string */
	char name[512];                   /* file name used in messages */
	enum report_format format;        /* the format read (after detection) */
	struct report_finding *findings;
	size_t nfindings, cap;
	size_t skipped;                   /* rows/results skipped with a warning */
	size_t without_cve;               /* rows/results that name no CVE */
	struct report_system sys;         /* Trivy, Grype: the system scanned */
};

/* Bounds; a NULL opts or a 0 member means the VIGIE_REPORT_* default. */
struct report_limits {
	size_t max_size;
	size_t max_field;
	size_t max_findings;
	int max_depth;
};

/* Prepare an empty report with the default limits (caller-owned struct). */
void vigie_report_init(struct report *rep);
/* Release everything the report owns (the struct can be reused). */
void vigie_report_release(struct report *rep);

/* Read the report at path ("-" for stdin) in format fmt (REPORT_FMT_AUTO to
 * detect it; rep->format tells which was used). Findings are appended to
 * rep (so several reports can be merged). Returns 0 or a VIGIE_E* code with
 * err naming the file and line; on error rep may hold findings already read
 * and should be released. */
int vigie_report_load(struct report *rep, const char *path, enum report_format fmt,
		const struct report_limits *opts, struct vigie_error *err);
/* Same from memory (not copied). name is used in messages. */
int vigie_report_load_mem(struct report *rep, const char *data, size_t len,
		    const char *name, enum report_format fmt,
		    const struct report_limits *opts, struct vigie_error *err);

/* Guess the format from content: XML root element (<report>, or
 * <NessusClientData_v2>), JSON keys (SchemaVersion/Results, matches/source),
 * CSV header names. Returns REPORT_FMT_UNKNOWN when nothing fits. */
enum report_format vigie_report_detect(const char *data, size_t len);
/* Stable names: "greenbone-xml", "greenbone-csv", "nessus-csv", "nessus",
 * "trivy", "grype", "csv", "auto", "unknown". */
const char *vigie_report_format_name(enum report_format fmt);
/* Parse a name, case-insensitively (also "auto", "openvas", "openvas-xml",
 * "openvas-csv", "greenbone", "nessus-xml", "trivy-json", "grype-json",
 * "generic", "generic-csv"). Returns 0 or VIGIE_EUSAGE. */
int vigie_report_format_parse(enum report_format *out, const char *name);

/* Lenient reader of the scanner's free text ("Vulnerable package: X",
 * "Installed version: Y", "Fixed version: >=Z", "Remote package installed :
 * X_Y", "Should be : X_Z", "Installed package : X_Y", "Fixed package : X_Z",
 * "Product: cpe:/a:..."). Each package named starts a new entry of out[]
 * (at most max); versions attach to the current entry; an entry may have
 * versions and no package (a product check). *n is the count of entries
 * filled (0 when the text names nothing). Strings come from arena.
 * Returns 0 or VIGIE_ENOMEM. */
struct report_pkgtext {
	const char *package;
	const char *installed_version;
	const char *fixed_version;
	const char *cpe;
};
/* Parse a scanner's free-text package block ("Installed version: ...",
 * "Fixed version: ...") into out[0..max); *n receives the count. Strings
 * are copied into arena. Returns 0 or VIGIE_ENOMEM. */
int vigie_report_parse_pkgtext(struct report_pkgtext *out, size_t max, size_t *n,
			 const char *text, struct vigie_arena *arena);

#endif
