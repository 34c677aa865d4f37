/* vigie: Debian version numbers, parsed, validated and compared exactly as
 * dpkg does (lib/dpkg/parsehelp.c parseversion, lib/dpkg/version.c). */
#ifndef VIGIE_DEBVER_H
#define VIGIE_DEBVER_H

#include <stddef.h>

#include "vigie/core/error.h"

/* A parsed version. The pointers refer into the string given to
 * vigie_debver_parse(), which must outlive this struct; nothing is allocated. */
struct debver {
	unsigned long epoch;
	const char *upstream;
	size_t upstream_len;
	const char *revision; /* "" (len 0) when absent */
	size_t revision_len;
};

/* Parse str. Returns 0 when valid; 1 when dpkg would accept it with a
 * warning (err->msg holds dpkg's reason, err->severity is WARNING); or
 * VIGIE_EPARSE with dpkg's reason in err->msg ("version string is empty",
 * "epoch in version is not number", ...). err may be NULL. */
int vigie_debver_parse(struct debver *out, const char *str, struct vigie_error *err);

/* Compare two parsed versions: <0, 0 or >0, as dpkg_version_compare(). */
int vigie_debver_cmp(const struct debver *a, const struct debver *b);

/* Parse and compare two strings. Invalid versions make the result
 * meaningless: validate first when the input is untrusted. */
int vigie_debver_cmp_str(const char *a, const char *b);

/* dpkg's relation operators. */
enum debver_rel {
	DEBVER_LT, DEBVER_LE, DEBVER_EQ, DEBVER_NE, DEBVER_GE, DEBVER_GT
};
/* Map "lt", "<<", "le", "<=", "eq", "=", "ne", "ge", ">=", "gt", ">>",
 * "<", ">" (and the "-nl" forms, with *nl set) to a relation.
 * Returns 0, or VIGIE_EUSAGE for an unknown operator. */
int vigie_debver_rel_parse(enum debver_rel *out, int *nl, const char *op);
/* 1 when cmp (a vigie_debver_cmp result) satisfies rel. */
int vigie_debver_rel_holds(enum debver_rel rel, int cmp);



/* dpkg --compare-versions treats "" and "<unknown>" as "no version": an
 * absent version sorts before every version (after, for the -nl forms).
 * Returns 1 when the relation holds with a and/or b absent. */
int vigie_debver_rel_holds_absent(enum debver_rel rel, int nl, int a_absent,
			    int b_absent);
/* 1 when s is what dpkg --compare-versions takes as no version. */
int vigie_debver_is_absent(const char *s);

#endif
