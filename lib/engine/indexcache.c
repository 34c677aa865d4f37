/* One index per release, shared and reference-counted, swapped when the
 * data version changes. */
#include "vigie/engine/indexcache.h"
#include "vigie/core/hashmap.h"
#include "vigie/engine/vulnimage.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 64 /* releases held at once (Debian has ~20) */

/* The facts (description, scope, CVSS, KEV) of the issues scans of one
 * data version asked for: that version's store holds the same. */
struct vigie_facts_cache {
	pthread_mutex_t mu;       /* guards map and arena */
	struct vigie_hashmap map; /* CVE -> struct store_vuln_facts, both in arena */
	struct vigie_arena arena; /* everything the cache keeps */
};

struct held {
	const struct vulnindex *idx;
	int refs;
	int stale;      /* replaced: free when the last reference goes */
	struct vigie_facts_cache facts;
};

static void facts_init(struct vigie_facts_cache *f)
{
	pthread_mutex_init(&f->mu, NULL);
	vigie_hashmap_init(&f->map);
	vigie_arena_init(&f->arena);
}

static void facts_release(struct vigie_facts_cache *f)
{
	vigie_hashmap_release(&f->map);
	vigie_arena_release(&f->arena);
	pthread_mutex_destroy(&f->mu);
}

/* *out = a copy of s in a; 0, or -1 when a cannot grow. */
static int keep_str(struct vigie_arena *a, const char *s, const char **out)
{
	*out = s ? vigie_arena_strdup(a, s) : NULL;
	return s && !*out ? -1 : 0;
}

static struct store_vuln_facts *facts_copy(struct vigie_arena *a,
					   const struct store_vuln_facts *from)
{
	struct store_vuln_facts *to = vigie_arena_alloc(a, sizeof(*to));
	if (!to)
		return NULL;
	to->cvss = from->cvss;
	if (keep_str(a, from->description, &to->description) ||
	    keep_str(a, from->scope, &to->scope) ||
	    keep_str(a, from->cvss_vector, &to->cvss_vector) ||
	    keep_str(a, from->cvss_version, &to->cvss_version) ||
	    keep_str(a, from->cvss_origin, &to->cvss_origin) ||
	    keep_str(a, from->published, &to->published) ||
	    keep_str(a, from->kev_added, &to->kev_added))
		return NULL;
	return to;
}

const struct store_vuln_facts *vigie_facts_cache_get(struct vigie_facts_cache *f,
						     const char *cve)
{
	const struct store_vuln_facts *v;
	pthread_mutex_lock(&f->mu);
	v = vigie_hashmap_get(&f->map, cve, strlen(cve));
	pthread_mutex_unlock(&f->mu);
	return v;
}

const struct store_vuln_facts *vigie_facts_cache_add(struct vigie_facts_cache *f,
						     const char *cve,
						     const struct store_vuln_facts *facts)
{
	const struct store_vuln_facts *v;
	struct store_vuln_facts *mine;
	const char *key;
	void **slot;
	size_t len = strlen(cve);
	pthread_mutex_lock(&f->mu);
	if ((v = vigie_hashmap_get(&f->map, cve, len)))
		goto out; /* another scan was first: the same facts */
	/* what a failure took stays in the arena until the cache goes */
	if (!(mine = facts_copy(&f->arena, facts)) ||
	    !(key = vigie_arena_strndup(&f->arena, cve, len)) ||
	    !(slot = vigie_hashmap_slot(&f->map, key, len)))
		goto out;
	*slot = mine;
	v = mine;
out:
	pthread_mutex_unlock(&f->mu);
	return v;
}


struct slot {
	char release[64];
	int64_t version;
	struct held *cur;
};

struct vigie_index_cache {
	pthread_mutex_t mu;
	struct slot slot[CACHE_SLOTS];
	struct held *all[CACHE_SLOTS * 4];
	size_t nall;
};

int vigie_index_cache_new(struct vigie_index_cache **out)
{
	struct vigie_index_cache *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c)
		return VIGIE_ENOMEM;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return 0;
}

void vigie_index_cache_free(struct vigie_index_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nall; i++) {
		vigie_vulnindex_free((struct vulnindex *)c->all[i]->idx);
		facts_release(&c->all[i]->facts);
		free(c->all[i]);
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static void forget(struct vigie_index_cache *c, struct held *h)
{
	for (size_t i = 0; i < c->nall; i++)
		if (c->all[i] == h) {
			c->all[i] = c->all[--c->nall];
			break;
		}
	vigie_vulnindex_free((struct vulnindex *)h->idx);
	facts_release(&h->facts);
	free(h);
}

int vigie_index_cache_get(struct vigie_index_cache *c, struct vigie_store *s,
			  const char *release, const struct vulnindex **out,
			  struct vigie_error *err)
{
	struct vulnindex *built = NULL;
	struct held *h;
	struct slot *sl = NULL, *free_slot = NULL;
	int64_t version;
	int rc;

	*out = NULL;
	if (strlen(release) >= sizeof(c->slot[0].release))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "release name too long");
	if ((rc = vigie_store_data_version(s, &version, err)))
		return rc;
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (!strcmp(c->slot[i].release, release)) {
			sl = &c->slot[i];
			break;
		}
		if (!c->slot[i].release[0] && !free_slot)
			free_slot = &c->slot[i];
	}
	if (sl && sl->cur && sl->version == version) {
		sl->cur->refs++;
		*out = sl->cur->idx;
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	pthread_mutex_unlock(&c->mu);
	/* build (or map the image kept for this data) outside the lock:
	 * other releases stay served meanwhile */
	if ((rc = vigie_vulnindex_load(&built, s, release, NULL, &version, err)))
		return rc;
	if (!(h = calloc(1, sizeof(*h)))) {
		vigie_vulnindex_free(built);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	h->idx = built;
	h->refs = 1;
	facts_init(&h->facts);
	pthread_mutex_lock(&c->mu);
	if (!sl) {
		for (int i = 0; i < CACHE_SLOTS && !sl; i++)
			if (!strcmp(c->slot[i].release, release))
				sl = &c->slot[i];
		if (!sl)
			sl = free_slot;
		for (int i = 0; i < CACHE_SLOTS && !sl; i++)
			if (!c->slot[i].release[0])
				sl = &c->slot[i];
	}
	if (c->nall == sizeof(c->all) / sizeof(c->all[0])) {
		pthread_mutex_unlock(&c->mu);
		vigie_vulnindex_free(built);
		facts_release(&h->facts);
		free(h);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "index cache full");
	}
	if (!sl) {
		/* every slot taken by another release: serve it uncached */
		h->stale = 1;
	} else {
		if (sl->cur) {
			if (sl->cur->refs == 0)
				forget(c, sl->cur);
			else
				sl->cur->stale = 1;
		}
		memcpy(sl->release, release, strlen(release) + 1);
		sl->version = version;
		sl->cur = h;
	}
	c->all[c->nall++] = h;
	*out = h->idx;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void vigie_index_cache_put(struct vigie_index_cache *c, const struct vulnindex *idx)
{
	if (!idx)
		return;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->nall; i++)
		if (c->all[i]->idx == idx) {
			struct held *h = c->all[i];
			if (--h->refs == 0 && h->stale)
				forget(c, h);
			break;
		}
	pthread_mutex_unlock(&c->mu);
}

struct vigie_facts_cache *vigie_index_cache_facts(struct vigie_index_cache *c,
						  const struct vulnindex *idx)
{
	struct vigie_facts_cache *f = NULL;
	if (!c || !idx)
		return NULL;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->nall; i++)
		if (c->all[i]->idx == idx) {
			f = &c->all[i]->facts;
			break;
		}
	pthread_mutex_unlock(&c->mu);
	return f;
}
