/* vigie: OpenVEX v0.2.0 documents (https://openvex.dev/ns/v0.2.0) and
 * Debian package URLs.
 *
 * Products are Debian packages written as purls, pkg:deb/debian/NAME@VERSION
 * with percent-encoded versions ("1:2.4-1+b1" -> "1%3A2.4-1%2Bb1"). Trivy
 * and Grype match a statement when its purl's qualifiers are a subset of the
 * scanned package's (go-vex PurlMatches), on the *binary* package name; Trivy
 * writes a Debian epoch as an "epoch" qualifier and the version without it,
 * Syft/Grype keep the epoch in the version. vigie_openvex_write emits one
 * product per package, in Trivy's spelling unless epoch_in_version, with
 * the distro qualifier it is given, if any (a statement's qualifiers must
 * all be equal in the scanned purl, docs/FORMATS.md). Each product carries its
 * purl as "@id" and as "identifiers": {"purl": ...}. */
#ifndef VIGIE_OPENVEX_H
#define VIGIE_OPENVEX_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define OPENVEX_CONTEXT "https://openvex.dev/ns/v0.2.0"

enum openvex_status {
	OPENVEX_NOT_AFFECTED,
	OPENVEX_AFFECTED,
	OPENVEX_FIXED,
	OPENVEX_UNDER_INVESTIGATION
};

enum openvex_justification {
	OPENVEX_JUST_NONE = 0,
	OPENVEX_COMPONENT_NOT_PRESENT,
	OPENVEX_VULNERABLE_CODE_NOT_PRESENT,
	OPENVEX_VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
	OPENVEX_VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY,
	OPENVEX_INLINE_MITIGATIONS_ALREADY_EXIST
};

/* One Debian package (binary, as installed: what scanners match). */
struct openvex_product {
	const char *name;    /* required */
	const char *version; /* may be NULL (any version) */
	const char *arch;    /* "amd64", ...; NULL to omit the qualifier */
	const char *distro;  /* distro qualifier; NULL: the document's */
};

struct openvex_statement {
	const char *vulnerability;  /* "CVE-2022-28615"; required */
	const struct openvex_product *products;
	size_t nproducts;           /* at least 1 */
	enum openvex_status status;
	enum openvex_justification justification; /* not_affected only */
	const char *impact_statement; /* not_affected: this or a justification */
	const char *action_statement; /* required for affected */
	const char *status_notes;     /* optional */
};

struct openvex_doc {
	const char *id;        /* NULL: "urn:uuid:" derived from the content */
	const char *author;    /* NULL: "vigie" */
	const char *role;      /* optional */
	const char *tooling;   /* optional, e.g. "vigie 0.1.0" */
	int64_t timestamp;     /* 0: vigie_now() */
	int version;           /* 0: 1 */
	const char *distro;    /* purl distro qualifier ("debian-12"); NULL: none */
	const char *namespace_;/* purl namespace; NULL: "debian" */
	const char *product_id;/* optional: statements name this product (an
				  image or host identifier) with the packages
				  as its subcomponents, as Grype expects for
				  images; NULL: the packages are the products */
	int epoch_in_version;  /* 1: "1%3A2.4-1"; 0: "2.4-1?epoch=1" (Trivy) */
};

/* Append the purl of a Debian package to out. version may be NULL; an epoch
 * is kept in the version when epoch_qualifier is 0, else moved to an
 * "epoch" qualifier (Trivy's spelling). arch/distro may be NULL.
 * Qualifiers are sorted by key as the purl spec asks. Returns 0 or
 * VIGIE_ENOMEM. */
int vigie_openvex_purl(struct vigie_buf *out, const char *ns, const char *name,
		 const char *version, const char *arch, const char *distro,
		 int epoch_qualifier);
/* Percent-encode s for a purl component (keeps A-Z a-z 0-9 . - _ ~). */
int vigie_openvex_purl_encode(struct vigie_buf *out, const char *s);

/* Write an OpenVEX document (JSON, pretty-printed) into out. Fails with
 * VIGIE_EUSAGE naming the statement when a required field is missing:
 * vulnerability, a product, a justification or impact statement for
 * not_affected, an action statement for affected; and when n is 0 (the
 * schema wants a statement). A statement with both a justification and
 * an impact statement is written with the justification, the impact
 * statement leading its status notes (the schema takes one of them). */
int vigie_openvex_write(struct vigie_buf *out, const struct openvex_doc *doc,
		  const struct openvex_statement *st, size_t n,
		  struct vigie_error *err);

/* OpenVEX name of a status ("not_affected", "affected", ...); static. */
const char *vigie_openvex_status_name(enum openvex_status s);
/* NULL for OPENVEX_JUST_NONE. */
const char *vigie_openvex_justification_name(enum openvex_justification j);

#endif
