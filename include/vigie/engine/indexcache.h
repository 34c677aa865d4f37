/* vigie: the per-release index cache of a process. Each release's index is
 * built once from the store, then shared read-only by every thread; when
 * the store's data version changes (an import committed), the next get
 * builds a new index and swaps it in, while requests still holding the
 * old one keep it until they put it back. An index is read from the image
 * kept for the current data when there is one (vigie/engine/vulnimage.h),
 * else built and its image written for the next process. Thread-safe: one
 * mutex guards the table; building happens outside it. */
#ifndef VIGIE_INDEXCACHE_H
#define VIGIE_INDEXCACHE_H

#include "vigie/core/error.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/store/store.h"

struct vigie_index_cache;

int vigie_index_cache_new(struct vigie_index_cache **out);
/* Frees every index; no reference may be held any more. Accepts NULL. */
void vigie_index_cache_free(struct vigie_index_cache *c);
/* The index of release for s's current data, as a reference released with
 * vigie_index_cache_put. */
int vigie_index_cache_get(struct vigie_index_cache *c, struct vigie_store *s,
			  const char *release, const struct vulnindex **out,
			  struct vigie_error *err);
void vigie_index_cache_put(struct vigie_index_cache *c, const struct vulnindex *idx);

/* With each index, the facts (vigie_store_vuln_facts_get) of the issues
 * scans against it asked for, read from the same data version: shared by
 * the threads like the index, kept in the cache's own arena and freed with
 * it. Valid while idx is held. NULL when idx is not the cache's. */
struct vigie_facts_cache;
struct vigie_facts_cache *vigie_index_cache_facts(struct vigie_index_cache *c,
						  const struct vulnindex *idx);
/* The facts kept for cve, or NULL (not asked for yet). */
const struct store_vuln_facts *vigie_facts_cache_get(struct vigie_facts_cache *f,
						     const char *cve);
/* Keep a copy of *facts for cve (in the cache's arena: *facts stays the
 * caller's) unless facts are kept already; returns the kept ones, or NULL
 * on out of memory. */
const struct store_vuln_facts *vigie_facts_cache_add(struct vigie_facts_cache *f,
						     const char *cve,
						     const struct store_vuln_facts *facts);

#endif
