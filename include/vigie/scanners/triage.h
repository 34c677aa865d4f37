/* vigie: triage of other scanners' findings. Each finding of a report
 * (lib/report.c) is mapped to a host inventory and to Debian source
 * packages, then judged with Debian's data for the host's release: a
 * verdict and one sentence of evidence naming data source, advisory and
 * versions. */
#ifndef VIGIE_TRIAGE_H
#define VIGIE_TRIAGE_H

#include "vigie/core/error.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/scanners/products.h"
#include "vigie/scanners/report.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

struct vigie_decision;

enum triage_verdict {
	TRIAGE_FP_BACKPORT,       /* false-positive:fixed-by-backport */
	TRIAGE_FP_NOT_AFFECTED,   /* false-positive:not-affected */
	TRIAGE_FP_KERNEL,         /* false-positive:not-running-kernel */
	TRIAGE_CONFIRMED_FIX,     /* confirmed:fix-available */
	TRIAGE_CONFIRMED_NOFIX,   /* confirmed:no-fix */
	TRIAGE_UNKNOWN,           /* unknown (evidence says why) */
	TRIAGE_NVERDICTS
};
/* Name of a verdict ("false-positive:backported", ...); static string. */
const char *vigie_triage_verdict_name(enum triage_verdict v);
/* 1 for the three false-positive verdicts. */
int vigie_triage_is_false_positive(enum triage_verdict v);

struct triage_pkg {
	const char *name, *version, *arch; /* installed binary (version may be NULL) */
};

struct triage_item {
	const struct report_finding *rf;
	const char *host;             /* host the finding was judged on */
	const char *release;
	const char *cve;
	const char *source, *source_version; /* Debian source judged, may be NULL */
	struct triage_pkg *pkgs;      /* binaries concerned (for VEX products) */
	size_t npkgs;
	enum triage_verdict verdict;
	const char *fixed_version, *advisory, *advisory_date;
	int has_class;
	enum vigie_class cls;
	const char *class_rule;
	const char *evidence;
	/* a written decision in force, or expired or re-opened (decision_state) */
	const struct vigie_decision *decision;
	int decision_state;          /* enum vigie_decision_state */
	const char *decision_was, *decision_now; /* re-opened: Debian's data */
};

struct triage_result {
	struct vigie_arena arena;
	const char *report;           /* report name */
	const char *format;           /* format used */
	struct triage_item *items;
	size_t n;
	size_t count[TRIAGE_NVERDICTS];
	int64_t at;
	/* Findings judged on the inventory the report itself gives (Trivy,
	 * Grype: its target is not a stored host and no inventory was given):
	 * one sentence saying which ("debian 12.5 (bookworm), 3 packages
	 * listed by the report"), else NULL. */
	const char *report_inventory;
};

struct triage_opts {
	/* An inventory to judge findings on; NULL: hosts stored in the
	 * database, by the report's host name, DNS name or IP, and for a
	 * Trivy or Grype report whose target is not stored, the system the
	 * report describes (report.h: its OS release and packages; findings
	 * are named after its target). */
	const struct inventory *inv;
	/* With inv: judge only findings of this host (name or IP); others
	 * are unknown. NULL: every finding is judged on inv. */
	const char *host;
	const struct policy *policy;     /* NULL: built-in */
	const struct products *products; /* NULL: no product mapping */
	int64_t now;                     /* 0: vigie_now() */
};

/* Judge every finding of rep. res is initialised here; release with
 * vigie_triage_result_release. */
int vigie_triage_run(struct triage_result *res, const struct report *rep,
	       struct vigie_store *store, const struct triage_opts *opts,
	       struct vigie_error *err);
void vigie_triage_result_release(struct triage_result *res);

/* Renderers (append to out). JSON schema vigie.triage/1. */
int vigie_triage_render_json(struct vigie_buf *out, const struct triage_result *r);
int vigie_triage_render_text(struct vigie_buf *out, const struct triage_result *r,
		       int color);
int vigie_triage_render_csv(struct vigie_buf *out, const struct triage_result *r);
/* One self-contained HTML page (inline CSS, no external resources). */
int vigie_triage_render_html(struct vigie_buf *out, const struct triage_result *r);
/* OpenVEX: one statement per (host, CVE, source): not_affected/fixed per
 * false positive, affected per confirmed finding, under_investigation for
 * unknown verdicts; a decision in force (item->decision) sets the status.
 * Products are the installed packages only (version, arch, distro); a
 * statement without any is left out. author NULL: "vigie". */
int vigie_triage_render_openvex(struct vigie_buf *out, const struct triage_result *r,
				const char *author, struct vigie_error *err);

#endif
