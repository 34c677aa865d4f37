/* vigie: one vulnerability-document model fed by scan, fleet and triage and
 * rendered as SARIF 2.1.0 (sarif.c) or CycloneDX 1.5 VEX (cyclonedx.c):
 * hosts with their installed packages, and items, one per (host, CVE,
 * source package), each with a VEX status. Every string is copied into the
 * document's arena: a fleet's scan results may go as soon as they are
 * added. docs/FORMATS.md describes the mappings. */
#ifndef VIGIE_VULNDOC_H
#define VIGIE_VULNDOC_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "vigie/core/hashmap.h"
#include "vigie/core/util.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/match.h"
#include "vigie/render/openvex.h"
#include "vigie/scanners/triage.h"
#include "vigie/store/decisions.h"

struct vulndoc_pkg {
	const char *name, *version, *arch;
	const char *source, *source_version;
};

struct vulndoc_host {
	const char *name, *release;
	const char *distro;          /* purl qualifier "debian-12", may be NULL */
	struct vulndoc_pkg *pkgs;    /* installed packages (components) */
	size_t npkgs;
};

struct vulndoc_item {
	size_t host;                 /* index into hosts */
	const char *cve, *source, *source_version;
	struct vulndoc_pkg *pkgs;    /* binaries concerned */
	size_t npkgs;
	int has_class;
	enum vigie_class cls;
	const char *state;           /* finding state or triage verdict name */
	const char *fixed_version, *advisory, *evidence, *data_source;
	const char *description;     /* the CVE's, may be NULL */
	enum openvex_status vex;     /* what vigie concludes (a decision wins) */
	enum openvex_justification justification;
	int false_positive;          /* triage: the scanner's alarm is false */
	/* a written decision (copied), NULL when none; decision_state expired
	 * or re-opened: no longer applies (was/now: Debian's data) */
	struct vigie_decision *decision;
	int decision_state;
	const char *decision_was, *decision_now;
};

struct vulndoc {
	struct vigie_arena arena;
	const char *tool_version;    /* "0.1.0" */
	const char *origin;          /* "scan", "fleet", "triage" */
	const char *report;          /* triage: the report read, else NULL */
	int64_t at;                  /* when the data was judged */
	struct vulndoc_host *hosts;
	size_t nhosts, caphosts;
	struct vulndoc_item *items;
	size_t nitems, capitems;
	struct vigie_hashmap keys;   /* "host\tCVE\tsource" -> item index + 1 */
};

void vigie_vulndoc_init(struct vulndoc *d, const char *origin, const char *tool_version,
			int64_t at);
void vigie_vulndoc_release(struct vulndoc *d);
/* Add a host scanned, with inv's packages as its components (inv may be
 * NULL: then only the packages findings name) and its findings. Decided
 * findings (f->decision) carry their decision. 0 or VIGIE_ENOMEM. */
int vigie_vulndoc_add_scan(struct vulndoc *d, const struct scan_result *r,
			   const struct inventory *inv);
/* Add every triage item that names a CVE (hosts created as met; the
 * packages concerned are the components). 0 or VIGIE_ENOMEM. */
int vigie_vulndoc_add_triage(struct vulndoc *d, const struct triage_result *r);

/* "debian-12" for a release number or codename (bookworm), NULL when
 * unknown; static or from buf. */
const char *vigie_vulndoc_distro(const char *release, const char *version, char *buf,
				 size_t size);

/* A decision as a JSON object (null when d is NULL): id, status,
 * justification, reason, by, at, expires, state, expired, reopened,
 * in_force, debian_was/debian_now (re-opened), scope, host, client. state
 * is an enum vigie_decision_state; was/now may be NULL. */
void vigie_render_decision_json(yajl_gen g, const struct vigie_decision *d, int state,
				const char *was, const char *now);
/* "    decided STATUS by WHO on DATE: REASON" (or "decision N expired ...",
 * "decision re-opened: Debian's data changed (was X, now Y) ...") as one
 * indented line, input escaped for the terminal. */
int vigie_render_decision_text(struct vigie_buf *out, const struct vigie_decision *d,
			       int state, const char *was, const char *now);

/* Renderers: append to out; 0 or VIGIE_ENOMEM. */
int vigie_render_sarif(struct vigie_buf *out, const struct vulndoc *d);
int vigie_render_cyclonedx(struct vigie_buf *out, const struct vulndoc *d);

#endif
