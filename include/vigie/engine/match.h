/* vigie: the verdict engine. A host's inventory x a release's vulnerability
 * index -> findings, each with its state, class and evidence; plus the
 * running kernel and the release's lifecycle. */
#ifndef VIGIE_MATCH_H
#define VIGIE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/hashmap.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"
#include "vigie/engine/vulnindex.h"

enum finding_state {
	FINDING_FIXED_AVAILABLE = 0, /* a fixed version exists, installed is older */
	FINDING_NO_FIX,              /* affected, no fix in the release yet */
	FINDING_UNDETERMINED,        /* Debian has not determined it */
	FINDING_END_OF_LIFE,         /* security support for the package ended */
	FINDING_NSTATES
};
/* "fixed-available", "no-fix", "undetermined", "end-of-life". */
const char *vigie_finding_state_name(enum finding_state s);

/* ---- per (source, version) answers, shared across hosts ---- */
struct match_hit {
	const struct vuln_entry *entry;
	enum finding_state state;
};
struct match_list {
	struct match_hit *hits;
	size_t n;
	size_t hidden_unimportant;
};
struct matcher;
/* A matcher answers once per distinct (source, version, support-ended) and
 * caches the answer: a fleet rescan costs its distinct pairs. now decides
 * whether a support end date has passed. */
int vigie_matcher_new(struct matcher **out, const struct vulnindex *idx,
		int include_unimportant, int64_t now);
/* Share the findings themselves per (source, version) across the scans
 * given this matcher (scan_opts.matcher): a pair's findings, facts,
 * class and evidence sentence are built by the first scan holding the
 * pair and copied by the others, which add their own binaries. Sources
 * installed at two versions and the kernel (whose findings depend on the
 * host's images) are judged per host. The sharing holds for the policy
 * and store of the first scan; a scan with another policy or store
 * builds its findings itself. The results of such scans point into the
 * matcher: release them before it. */
void vigie_matcher_share(struct matcher *m);
/* The hits for source at version (a parsed, valid version). The list is
 * owned by the matcher. NULL only on out of memory. */
const struct match_list *vigie_matcher_match(struct matcher *m, const char *source,
				       const char *version);
void vigie_matcher_free(struct matcher *m);

/* ---- a host's scan ---- */
struct finding_bin {
	const char *name, *version, *arch;
};

/* The pending update that carries a finding's fix (scan_pending.h). */
struct finding_pending {
	const char *package, *candidate;
	const char *suite;           /* where apt takes it, security first */
	int security;                /* from a security suite */
};

struct finding {
	const char *cve, *source, *source_version;
	struct finding_bin *bins;
	size_t nbins;
	enum finding_state state;
	const char *fixed_version;   /* NULL when none */
	const char *advisory, *advisory_date;
	const char *urgency, *nodsa, *nodsa_reason;
	const char *scope, *description;
	double cvss;                 /* -1 when unknown */
	const char *cvss_vector, *cvss_version;
	const char *kev_added;       /* NULL when not in CISA KEV */
	enum vigie_class cls;
	const char *class_rule;
	const char *data_source;     /* "debian-security-tracker", "dsa-list", ... */
	const char *evidence;        /* one sentence */
	int kernel;                  /* concerns the running kernel */
	int reboot_required;         /* fix installed but not running */
	/* the fix is installed but processes still map the replaced files
	 * (scan_restart.h): "fixed, restart needed"; source_version is then
	 * the version they run */
	int restart_required;
	const struct finding_pending *pending; /* NULL: none (or not computed) */
	/* A written decision (store/decisions.h) in force for this finding,
	 * or the one that expired or re-opened (decision_state); NULL: none. Set by
	 * vigie_decisions_apply_scan (scanners/decisions.h). */
	const struct vigie_decision *decision;
	int decision_state;          /* enum vigie_decision_state */
	const char *decision_was, *decision_now; /* re-opened: Debian's data */
};

/* A binary of the linux source package that is not a kernel image
 * (linux-libc-dev, bpftool, linux-perf, usbip...), listed when no kernel
 * image is judged: its kernel fixes are not findings, but the update that
 * carries them is visible. */
struct scan_kernel_userland {
	const char *name, *version;
	const char *fixed_version;   /* the release's highest linux fix above it, or NULL */
	size_t cves;                 /* linux issues fixed above its source version */
};

struct scan_kernel {
	const char *running_release; /* uname -r, NULL when unknown */
	int64_t booted_at;           /* the inventory's boot time, 0 unknown */
	const char *running_version; /* Debian version, NULL when unknown */
	const char *running_package; /* linux-image-..., NULL when none */
	const char *newest_package, *newest_version;
	int reboot_required;
	const char **reboot_fixes;   /* CVEs a reboot would fix */
	size_t nreboot_fixes;
	const char **not_running;    /* "package version" of other images */
	size_t nnot_running;
	const char *note;            /* how the running kernel was determined */
	struct scan_kernel_userland *userland; /* set only when no image is judged */
	size_t nuserland;
};

struct scan_lifecycle {
	const char *state;           /* supported, lts, elts, unsupported, unknown */
	const char *version;         /* release number, e.g. "11" */
	const char *eol, *eol_lts, *eol_elts;
	const char *message;         /* sentence, NULL when nothing to say */
	int warn;                    /* message is a warning */
};

struct scan_result {
	struct vigie_arena arena;
	const char *host, *release;
	int64_t scanned_at;
	struct finding *findings;    /* sorted: class desc, source, cve */
	size_t n, cap;
	size_t count_state[FINDING_NSTATES];
	size_t count_class[3];
	size_t packages, sources;    /* scanned */
	size_t hidden_unimportant;
	struct scan_kernel kernel;
	struct scan_lifecycle lifecycle;
	/* Why no verdict can be given (the database holds no security data for
	 * the release): "no findings" then means nothing. NULL when the data can
	 * judge the host. */
	const char *undetermined;
	const char **warnings;       /* data problems worth saying */
	size_t nwarnings;
	/* set by vigie_scan_add_pending (scan_pending.h) */
	int pending_known;           /* the host's pending updates were computed */
	size_t pending_updates, pending_security_updates;
	/* set by vigie_scan_add_restart (scan_restart.h); NULL: not computed
	 * (not a live host) */
	const struct scan_restart *restart;
	/* An index the findings' strings point into, released with the result:
	 * freed (owned_index) or put back into its cache (held_*). */
	struct vulnindex *owned_index;
	struct vigie_index_cache *held_cache;
	const struct vulnindex *held_index;
	/* findings a decision in force covers, hidden from findings[] */
	size_t hidden_decided;
};

struct vigie_index_cache;
struct scan_restart;
struct vigie_decision;

struct scan_opts {
	int include_unimportant;
	const struct policy *policy; /* NULL: built-in default */
	int64_t now;                 /* 0: vigie_now() */
	struct matcher *matcher;     /* optional shared matcher (fleet) */
	struct vigie_facts_cache *facts; /* optional: the issues' facts shared
					    with other scans of the same data
					    (vigie_index_cache_facts) */
};

/* Scan inv against idx. store (may be NULL) supplies CVSS, KEV and
 * descriptions, advisory evidence and the release's lifecycle. res is
 * initialised by this call; release it with vigie_scan_result_release. */
int vigie_scan_run(struct scan_result *res, const struct inventory *inv,
	     const struct vulnindex *idx, struct vigie_store *store,
	     const struct scan_opts *opts, struct vigie_error *err);
void vigie_scan_result_release(struct scan_result *res);
/* The findings a host holding source at version alone (one version of
 * it, not a kernel source) gets from m (vigie_matcher_share), for
 * opts' policy and day and store's facts, without a host: what a fleet
 * judgement sums per (source, version) instead of judging each host.
 * vigie_matcher_pairs builds those of the n pairs not built yet, reading
 * their issues' facts in a few statements; VIGIE_EUSAGE when m shares
 * for another policy, store or day (then judge hosts with
 * vigie_scan_run). vigie_matcher_pair_findings points *out at the n
 * findings of a pair built (or of a source without security data: none)
 * and returns 0, or 1 when the pair was not built; the findings carry no
 * binaries and stay m's, valid until the next vigie_matcher_pairs. */
int vigie_matcher_pairs(struct matcher *m, struct vigie_store *store,
			const struct scan_opts *opts, const char *const *sources,
			const char *const *versions, size_t n, struct vigie_error *err);
int vigie_matcher_pair_findings(struct matcher *m, const char *source, const char *version,
				const struct finding **out, size_t *n);
/* The scan's verdict: "undetermined" (res->undetermined says why),
 * "findings" or "no-findings". */
const char *vigie_scan_verdict(const struct scan_result *res);
/* Sort res's findings (class desc, source, CVE) and count their states and
 * classes again, after findings were added or changed. */
void vigie_scan_result_recount(struct scan_result *res);

/* Keep only the findings with a fixed version (only_fixed) and at or
 * above min_class (have_min), then recount. Returns how many were left
 * out. */
size_t vigie_scan_result_filter(struct scan_result *res, int only_fixed,
				int have_min, enum vigie_class min_class);

/* For modules completing a scan (scan_pending.h). A zeroed finding (cvss
 * -1) at res->findings[res->n], the array grown as needed: the caller
 * fills it and then increments res->n. NULL on out of memory. */
struct finding *vigie_scan_result_slot(struct scan_result *res);
/* Set f's scope, description, CVSS and KEV from fa (copied into res's
 * arena) and its class and rule from policy (with urgency, may be NULL). */
void vigie_scan_finding_set_facts(struct scan_result *res, struct finding *f,
			    const struct store_vuln_facts *fa, const char *urgency,
			    const struct policy *policy);
/* printf into res's arena; NULL on out of memory. */
const char *vigie_scan_result_printf(struct scan_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The distinct source packages of inv as the index knows them (kernel
 * images' linux-signed-* as "linux"), sorted, appended to out (for
 * vigie_vulnindex_build_for). Returns 0 or VIGIE_ENOMEM. */
int vigie_match_inventory_sources(const struct inventory *inv, struct vigie_strv *out);

/* 1 when binary package name is a kernel image (linux-image-<digit>...). */
int vigie_match_is_kernel_image(const char *name);

#endif
