/* vigie: operations on a stored host shared by the CLI and the server:
 * ingest an inventory (store it, derive its services, record its log
 * lines and apt candidates, judge it, keep its finding history and
 * summary), and judge every stored host again after a data update.
 * Functions take the caller's store and keep no state: one store per
 * thread, as the store says. */
#ifndef VIGIE_APP_HOST_H
#define VIGIE_APP_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/match.h"
#include "vigie/engine/indexcache.h"
#include "vigie/engine/policy.h"
#include "vigie/store/service.h"
#include "vigie/store/store.h"

struct vigie_ingest {
	const char *client;            /* the host's client (NULL: keep) */
	const char *origin;            /* "cli", "push", "ssh" */
	const char *services_path;     /* NULL: the default services.conf */
	const struct policy *policy;   /* NULL: built-in */
	const struct history *logs;    /* new dpkg/apt log lines, may be NULL */
	const struct store_candidate *candidates; /* apt candidates, or NULL */
	size_t ncandidates;
	int have_candidates;           /* candidates were collected (even 0) */
	/* processes still running replaced files, as the document says;
	 * NULL: it does not say (the host then has no restart data) */
	const struct store_restart *restart;
	const char *digest;            /* the pushed document's SHA-256, or NULL */
	int64_t bytes;                 /* its size */
	int64_t when;                  /* 0: vigie_now() */
	struct vigie_index_cache *cache; /* a process's shared per-release
					  indexes (a server), or NULL: a
					  one-host index built for this host */
};

struct vigie_ingest_result {
	int64_t host_id;
	int existed;                   /* the host was stored before */
	int duplicate;                 /* the same document was stored before:
					  nothing written */
	size_t services;               /* derived services */
	const char *service_names;     /* "a, b, c" (owned by the caller's
					  vigie_ingest_result_release) */
	size_t events_added;
	size_t packages_written;       /* package rows added, changed, removed */
	int kept;                      /* nothing the judgement rests on changed:
					  the stored judgement was kept, not
					  made again */
	size_t partial;                /* > 0: a few sources changed (no kernel,
					  no process running replaced code):
					  only their packages were judged (this
					  many sources), the summary's counts
					  corrected by their difference */
	struct store_host_summary summary;
	char verdict[32];
	char reason[256];
};

/* Store inv as the host inv->host for in->client in one transaction and
 * judge it. Only the package rows that differ from the stored ones are
 * written. When the release, architecture, kernel and packages are those
 * stored and the stored summary's basis is the current one
 * (vigie_app_judgement_basis), the host is not judged again: its findings
 * and summary are kept (out->kept), the summary's time moves to this
 * inventory's. When only a few sources' packages changed on the same
 * basis, only those are judged (out->partial). A host that belongs to
 * another client is refused
 * (VIGIE_EUSAGE, nothing written). */
int vigie_app_host_ingest(struct vigie_store *s, const struct inventory *inv,
			  const struct vigie_ingest *in, struct vigie_ingest_result *out,
			  struct vigie_error *err);
void vigie_ingest_result_release(struct vigie_ingest_result *r);

/* Record what scan res of host_id, taken at when, shows: finding history
 * and summary (with basis, from vigie_app_judgement_basis, or NULL). Call
 * inside a transaction. */
int vigie_app_record_judgement(struct vigie_store *s, int64_t host_id, int64_t when,
			       const struct scan_result *res, long pending_security,
			       const char *basis, struct store_host_summary *summary,
			       struct vigie_error *err);
/* What a judgement summed per (source, version) found (lib/app/
 * pairjudge.c), and its record: res gives the lifecycle, kernel and
 * verdict; the summary takes open and digest; unless same (the caller
 * found the digest kept, vigie_store_finding_history_same), the history
 * is updated with facts[0..n): all the host's findings, or, with only,
 * those of only's sources (at least), whose history alone is updated
 * (the caller knows the others' findings unchanged since the host's
 * summary was judged). The pending updates stay. */
struct vigie_summed {
	long open[3];
	const char *digest;
	int same;
	const struct store_finding_fact *facts;
	size_t n;
};
int vigie_app_record_summed(struct vigie_store *s, int64_t host_id, int64_t when,
			    const struct scan_result *res, const char *basis,
			    const struct vigie_strv *only, const struct vigie_summed *x,
			    struct store_host_summary *sum, struct vigie_error *err);
/* A finding as the history records it (strings f's). */
void vigie_app_finding_fact(const struct finding *f, struct store_finding_fact *out);
/* The findings digest a full judgement keeps (host_summary.facts_digest),
 * summed per source: the digest of one source's facts f[0..n), given in
 * CVE order (scratch: a buffer reused across calls), then the digest of
 * the sources holding facts (any order; g is sorted) into hex. */
struct vigie_facts_group {
	const char *source;
	unsigned char digest[32];
};
int vigie_app_facts_source_digest(const struct store_finding_fact *f, size_t n,
				  struct vigie_buf *scratch, unsigned char out[32]);
void vigie_app_facts_digest_combine(struct vigie_facts_group *g, size_t n, char hex[65]);
/* What a judgement taken at when with pol (NULL: built-in) rests on besides
 * the host's inventory: vigie's version, the store's data version (moved
 * by every import), the policy's fingerprint and the day (support and
 * lifecycle dates are days). Written into out (256 bytes are enough). */
int vigie_app_judgement_basis(struct vigie_store *s, const struct policy *pol, int64_t when,
			      char *out, size_t size, struct vigie_error *err);

/* Judge the stored host name as a scan would (its stored inventory and
 * release; its pending updates from the apt candidates it pushed). inv
 * (initialised by the caller) and res are filled; release both, even on
 * error (res only when *have_res). VIGIE_ENOTFOUND when no such host. */
int vigie_app_host_scan(struct vigie_store *s, const char *name, const struct policy *pol,
			struct inventory *inv, struct scan_result *res, int *have_res,
			struct vigie_error *err);
/* The same with the process's shared per-release index cache (a server):
 * the release's whole index is built once and shared by every request. */
int vigie_app_host_scan_cached(struct vigie_store *s, struct vigie_index_cache *cache,
			       const char *name, const struct policy *pol,
			       struct inventory *inv, struct scan_result *res,
			       int *have_res, struct vigie_error *err);

/* Judge the stored host host_id (name) again at when on basis, inside the
 * caller's transaction, with the cache's shared indexes. With sources
 * (at most 64, no kernel): the host's summary rests on old_basis and the
 * data moved, since, for those sources alone: only their packages are
 * judged and the summary corrected (*partial = 1), unless the host runs
 * replaced code or its history disagrees with its summary, when it is
 * judged in full (*partial = 0), as it is without sources. */
int vigie_app_host_rejudge(struct vigie_store *s, struct vigie_index_cache *cache,
			   int64_t host_id, const char *name, const struct policy *pol,
			   int64_t when, const char *basis, const char *old_basis,
			   const struct vigie_strv *sources, int *partial,
			   struct vigie_error *err);

/* 1 when one of sources is a kernel's ("linux..."): a judgement of a few
 * sources alone cannot take them (the running kernel and its reboot
 * depend on the whole host). */
int vigie_app_sources_touch_kernel(const struct vigie_strv *sources);

/* A full judgement of many hosts summed per (source, version)
 * (lib/app/pairjudge.c): each distinct pair of a release is judged once,
 * with the cache's indexes, pol and when; a host's findings, summary and
 * history are those of its pairs plus a judgement on the host of its
 * kernel, its sources at several versions and those of the packages its
 * processes run replaced code of, the same a full judgement of the host
 * records (vigie_app_record_judgement). With only (no kernel source), the
 * host's summary was judged and only those sources' data moved since:
 * their history alone is updated, the summary and digest whole.
 * vigie_pair_judge_host sets *done 0 and writes nothing when the host
 * cannot be judged so (no release, more than 64 sources to judge on the
 * host, pairs not kept and not keepable, a partial judgement of a host
 * running replaced code): the caller judges it another way. Inside the
 * caller's transaction. */
struct vigie_pair_judge;
int vigie_pair_judge_new(struct vigie_pair_judge **out, struct vigie_store *s,
			 struct vigie_index_cache *cache, const struct policy *pol,
			 int64_t when);
int vigie_pair_judge_host(struct vigie_pair_judge *pj, int64_t id, const char *name,
			  const char *release, const char *basis,
			  const struct vigie_strv *only, int *done, struct vigie_error *err);
void vigie_pair_judge_free(struct vigie_pair_judge *pj);

/* What vigie_app_rejudge_all did. */
struct vigie_rejudge_stats {
	size_t full;     /* hosts judged again in full */
	size_t partial;  /* hosts judged again on their changed sources alone */
	size_t rebased;  /* judged hosts holding no source the data moved */
	size_t current;  /* hosts already judged on the current basis */
	/* per release, the sources whose findings the new data may change
	 * (names in the arena; whole: every source, e.g. no earlier digest) */
	struct vigie_rejudge_release {
		const char *release;
		int whole;
		size_t n;
		const char **sources; /* sorted */
	} *releases;
	size_t nreleases;
	/* the findings the re-judgement opened (new, or open again) and
	 * resolved, per (CVE, source), most hosts first */
	struct vigie_rejudge_change {
		const char *cve, *source;
		size_t opened, resolved; /* hosts */
		size_t reclassified;     /* hosts where it stays open in another class */
		const char *cls;         /* its class now (opened or reclassified) */
	} *changes;
	size_t nchanges;
	size_t opened, resolved, reclassified; /* (host, CVE, source) rows */
	size_t hosts_changed;      /* hosts with a finding opened, resolved or
				      reclassified */
	struct vigie_arena arena;
};
void vigie_rejudge_stats_release(struct vigie_rejudge_stats *st);

/* Judge every stored host again (after `db import`/`db update`), updating
 * finding histories and summaries, in one transaction:
 * - a host last judged on the current basis (vigie_app_judgement_basis:
 *   nothing changed since) is left as it is;
 * - a host judged on the basis of the last re-judgement, whose release's
 *   data moved for some sources only (a digest per (release, source) of
 *   everything that decides its findings, kept in the store), is judged
 *   again on the sources it holds among those alone, or only has its
 *   summary moved to the new basis when it holds none;
 * - any other host (and every host with full) is judged in full.
 * st (may be NULL) is filled; release it with vigie_rejudge_stats_release.
 * step (may be NULL) is called with step_ud after each host judged, with
 * how many are done and how many are to judge. */
int vigie_app_rejudge_all(struct vigie_store *s, const struct policy *policy,
			  int64_t when, int full,
			  void (*step)(void *ud, size_t done, size_t total), void *step_ud,
			  struct vigie_rejudge_stats *st, struct vigie_error *err);

#endif
