/* vigie: criticality classes (highly-critical, critical, standard) set by a
 * configurable policy: an ordered list of rules, the first match wins.
 * Format (data/policy.conf; docs/POLICY.md):
 *   [policy]
 *   highly-critical = kev
 *   highly-critical = network cvss>=9.0
 *   critical = cvss>=7.0
 *   critical = urgency=high
 *   standard = default
 * Conditions in one rule are ANDed: kev, network, adjacent, local,
 * cvss>=N, cvss>N, cvss<=N, cvss<N, urgency=VALUE, scope=VALUE, default. */
#ifndef VIGIE_POLICY_H
#define VIGIE_POLICY_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

enum vigie_class {
	VIGIE_CLASS_STANDARD = 0,
	VIGIE_CLASS_CRITICAL = 1,
	VIGIE_CLASS_HIGHLY_CRITICAL = 2,
};

/* "standard", "critical", "highly-critical". */
const char *vigie_policy_class_name(enum vigie_class c);
/* Parse a class name; VIGIE_EUSAGE when unknown. */
int vigie_policy_class_parse(enum vigie_class *out, const char *name);

/* What is known of one issue. Unknown: cvss < 0, strings NULL. */
struct policy_facts {
	int kev;
	double cvss;
	const char *cvss_vector;
	const char *scope;   /* tracker scope: "remote" / "local" */
	const char *urgency; /* tracker urgency */
};

#define POLICY_MAX_CONDS 8
#define POLICY_MAX_RULES 256

struct policy_rule {
	enum vigie_class cls;
	char text[160];      /* "critical: cvss>=7.0" */
	unsigned long line;
	int ncond;
	struct {
		int kind;
		double num;
		char str[32];
	} cond[POLICY_MAX_CONDS];
};

struct policy {
	char path[512];      /* "(built-in)" for the default */
	struct policy_rule rules[POLICY_MAX_RULES];
	int n;
};

/* The built-in default (same rules as data/policy.conf). */
void vigie_policy_default(struct policy *p);
/* Load rules from the [policy] section of path. Errors name file:line. */
int vigie_policy_load(struct policy *p, const char *path, struct vigie_error *err);
/* Class of an issue and the rule that set it (never NULL: a policy
 * without a matching rule yields standard with rule "standard: no rule
 * matched"). */
enum vigie_class vigie_policy_classify(const struct policy *p,
				 const struct policy_facts *f,
				 const char **rule);

/* A digest of what classifies (each rule's class and conditions, in
 * order; not the file's path, comments or line numbers): two policies
 * with the same fingerprint class every issue alike. Hex, NUL-terminated. */
#define VIGIE_POLICY_FINGERPRINT_LEN 32
void vigie_policy_fingerprint(const struct policy *p,
			      char out[VIGIE_POLICY_FINGERPRINT_LEN + 1]);

#endif
