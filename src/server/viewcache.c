/* The fleet views kept: the rendered part of a fleet page or of a
 * /api/v1/hosts answer that depends only on the store (the principal's
 * scope, the language, the page), under the store's view generation
 * (vigie_store_view_generation). The database raises the generation on any
 * write to the hosts or their summaries, whoever writes, so an entry of an
 * older generation is never served: the first request after a write
 * renders again. Bounded in entries and bytes; shared by the worker
 * threads under one mutex (a hit copies the bytes out under it). */
#include "server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VC_SLOTS 64
#define VC_MAX_BYTES (64u << 20)   /* all entries together */
#define VC_MAX_ENTRY (8u << 20)    /* one entry */

struct vc_entry {
	char *key;
	char *data;
	size_t len;
	uint64_t used; /* last use, for eviction */
};

struct srv_viewcache {
	pthread_mutex_t mu;
	int64_t gen;   /* the generation of every entry held */
	uint64_t clock;
	size_t bytes;
	struct vc_entry e[VC_SLOTS];
	atomic_ulong hits, misses;
};

struct srv_viewcache *srv_viewcache_new(void)
{
	struct srv_viewcache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->mu, NULL)) {
		free(c);
		return NULL;
	}
	c->gen = -1;
	return c;
}

static void drop(struct srv_viewcache *c, struct vc_entry *e)
{
	c->bytes -= e->len;
	free(e->key);
	free(e->data);
	memset(e, 0, sizeof(*e));
}

static void drop_all(struct srv_viewcache *c)
{
	for (int i = 0; i < VC_SLOTS; i++)
		if (c->e[i].key)
			drop(c, &c->e[i]);
}

void srv_viewcache_free(struct srv_viewcache *c)
{
	if (!c)
		return;
	drop_all(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

int srv_viewcache_get(struct srv_viewcache *c, const char *key, int64_t gen,
		      struct vigie_buf *out)
{
	int hit = 0;
	if (!c || gen < 0)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (gen == c->gen) {
		for (int i = 0; i < VC_SLOTS; i++) {
			struct vc_entry *e = &c->e[i];
			if (e->key && !strcmp(e->key, key)) {
				hit = vigie_buf_add(out, e->data, e->len) ? -1 : 1;
				e->used = ++c->clock;
				break;
			}
		}
	}
	pthread_mutex_unlock(&c->mu);
	if (hit > 0)
		c->hits++;
	else
		c->misses++;
	return hit > 0;
}

void srv_viewcache_put(struct srv_viewcache *c, const char *key, int64_t gen,
		       const char *data, size_t len)
{
	struct vc_entry *slot = NULL;
	char *k, *d;
	if (!c || gen < 0 || len > VC_MAX_ENTRY)
		return;
	k = strdup(key);
	d = malloc(len ? len : 1);
	if (!k || !d) {
		free(k);
		free(d);
		return;
	}
	memcpy(d, data, len);
	pthread_mutex_lock(&c->mu);
	if (gen < c->gen) {
		/* rendered from an older snapshot than what is held */
		pthread_mutex_unlock(&c->mu);
		free(k);
		free(d);
		return;
	}
	if (gen > c->gen) {
		drop_all(c);
		c->gen = gen;
	}
	for (int i = 0; i < VC_SLOTS; i++)
		if (c->e[i].key && !strcmp(c->e[i].key, key)) {
			drop(c, &c->e[i]);
			break;
		}
	/* room: a free slot, else the least recently used; bytes bounded */
	for (;;) {
		struct vc_entry *lru = NULL;
		slot = NULL;
		for (int i = 0; i < VC_SLOTS; i++) {
			struct vc_entry *e = &c->e[i];
			if (!e->key) {
				if (!slot)
					slot = e;
			} else if (!lru || e->used < lru->used)
				lru = e;
		}
		if (slot && c->bytes + len <= VC_MAX_BYTES)
			break;
		if (!lru)
			break;
		drop(c, lru);
	}
	if (!slot) {
		pthread_mutex_unlock(&c->mu);
		free(k);
		free(d);
		return;
	}
	slot->key = k;
	slot->data = d;
	slot->len = len;
	slot->used = ++c->clock;
	c->bytes += len;
	pthread_mutex_unlock(&c->mu);
}

void srv_viewcache_stats(struct srv_viewcache *c, unsigned long *hits, unsigned long *misses)
{
	*hits = c ? c->hits : 0;
	*misses = c ? c->misses : 0;
}

void srv_view_key(struct req *r, const char *route, const char *parts, char *key,
		  size_t size)
{
	const char *scope = vigie_principal_scope(&r->who);
	/* the day too: nothing shown should depend on it, but a view kept
	 * across midnight would then be stale */
	snprintf(key, size, "%s\x1f%s\x1f%s\x1f%s\x1f%lld", route, scope ? scope : "", r->lang,
		 parts, (long long)(vigie_now() / 86400));
}
