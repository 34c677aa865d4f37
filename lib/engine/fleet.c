#include "vigie/engine/fleet.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/core/hashmap.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/engine/indexcache.h"

#include <stdlib.h>
#include <string.h>

struct per_release {
	const struct vulnindex *idx; /* a reference into the index cache */
	struct matcher *m;
};


struct ctx {
	struct vigie_strv names;
};

static int collect(void *ud, const struct store_host *h)
{
	struct ctx *c = ud;
	return vigie_strv_push(&c->names, h->name) ? VIGIE_ENOMEM : 0;
}

struct host_copy {
	struct store_host h;
	struct vigie_strv strs;
};

static const char *keep(struct host_copy *c, const char *v)
{
	if (!v || vigie_strv_push(&c->strs, v))
		return NULL;
	return c->strs.v[c->strs.n - 1];
}

static int copy_host(void *ud, const struct store_host *h)
{
	struct host_copy *c = ud;
	c->h = *h;
	c->h.name = keep(c, h->name);
	c->h.client = keep(c, h->client);
	c->h.release = keep(c, h->release);
	c->h.arch = keep(c, h->arch);
	c->h.kernel_release = keep(c, h->kernel_release);
	c->h.kernel_version = keep(c, h->kernel_version);
	c->h.origin = keep(c, h->origin);
	return c->h.name ? 0 : VIGIE_ENOMEM;
}

static void host_copy_release(struct host_copy *c)
{
	vigie_strv_release(&c->strs);
}

struct one {
	struct vigie_store *s;
	const struct fleet_opts *o;
	struct vigie_hashmap *releases;
	struct vigie_index_cache *cache;
	struct vigie_arena *arena;
	fleet_host_cb *cb;
	void *ud;
	int per_host;
	struct vigie_error *err;
};

static int scan_host(void *ud, const struct store_host *h)
{
	struct one *x = ud;
	struct inventory inv;
	struct per_release *pr;
	struct scan_result res;
	struct scan_opts so;
	int rc;

	if (!h->release)
		return x->cb(x->ud, h, NULL, "release unknown (add the host with --release)");
	pr = vigie_hashmap_get(x->releases, h->release, strlen(h->release));
	if (!pr) {
		void **slot;
		char *k = vigie_arena_strdup(x->arena, h->release);
		pr = vigie_arena_alloc(x->arena, sizeof(*pr));
		if (!k || !pr || !(slot = vigie_hashmap_slot(x->releases, k, strlen(k))))
			return vigie_error_set(x->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		if ((rc = vigie_index_cache_get(x->cache, x->s, h->release, &pr->idx, x->err)))
			return rc;
		if (vigie_matcher_new(&pr->m, pr->idx, x->o->include_unimportant, x->o->now)) {
			vigie_index_cache_put(x->cache, pr->idx);
			return vigie_error_set(x->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
		if (!x->per_host)
			vigie_matcher_share(pr->m);
		*slot = pr;
	}
	if ((rc = vigie_store_host_load(x->s, h->name, &inv, x->err))) {
		vigie_inventory_release(&inv);
		return rc;
	}
	memset(&so, 0, sizeof(so));
	so.include_unimportant = x->o->include_unimportant;
	so.policy = x->o->policy;
	so.now = x->o->now;
	so.matcher = pr->m;
	/* the issues' facts read once per index, not once per host */
	so.facts = vigie_index_cache_facts(x->cache, pr->idx);
	rc = vigie_scan_run(&res, &inv, pr->idx, x->s, &so, x->err);
	if (!rc && (rc = vigie_scan_add_stored_restart(&res, x->s, h->id, &inv, pr->idx,
						       x->o->policy, x->err)))
		vigie_scan_result_release(&res);
	if (!rc) {
		rc = x->cb(x->ud, h, &res, NULL);
		vigie_scan_result_release(&res);
	}
	vigie_inventory_release(&inv);
	return rc;
}

int vigie_fleet_per_host(const struct fleet_opts *o)
{
	const char *e = getenv("VIGIE_FLEET_PER_HOST");
	return o->per_host || (e && *e && strcmp(e, "0"));
}

int vigie_fleet_scan(struct vigie_store *s, const struct fleet_opts *o, fleet_host_cb *cb,
	       void *ud, struct vigie_error *err)
{
	struct ctx c;
	struct vigie_hashmap releases;
	struct vigie_arena arena;
	struct one x;
	struct vigie_index_cache *own = NULL;
	int rc;

	if (!o->cache && vigie_index_cache_new(&own))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	vigie_strv_init(&c.names);
	vigie_hashmap_init(&releases);
	vigie_arena_init(&arena);
	/* names first: the host callbacks run their own queries */
	if ((rc = vigie_store_hosts_each(s, collect, &c, err)))
		goto out;
	x.s = s;
	x.o = o;
	x.releases = &releases;
	x.cache = o->cache ? o->cache : own;
	x.arena = &arena;
	x.cb = cb;
	x.ud = ud;
	x.per_host = vigie_fleet_per_host(o);
	x.err = err;
	for (size_t i = 0; i < c.names.n; i++) {
		struct host_copy hc;
		int skip = 0;
		memset(&hc, 0, sizeof(hc));
		/* copy the row, then scan with no statement left stepping */
		rc = vigie_store_host_get(s, c.names.v[i], copy_host, &hc, err);
		if (!rc && o->skip)
			rc = o->skip(o->skip_ud, &hc.h, &skip, err);
		if (!rc && !skip)
			rc = scan_host(&x, &hc.h);
		host_copy_release(&hc);
		if (rc)
			goto out;
	}
out:
	for (size_t i = 0; i < releases.cap; i++)
		if (releases.keys && releases.keys[i]) {
			struct per_release *pr = releases.vals[i];
			vigie_matcher_free(pr->m);
			vigie_index_cache_put(o->cache ? o->cache : own, pr->idx);
		}
	vigie_hashmap_release(&releases);
	vigie_arena_release(&arena);
	vigie_strv_release(&c.names);
	vigie_index_cache_free(own);
	return rc;
}
