/* The SLA of a stored host: the calls `vigie sla --from-store` makes, in
 * one place (include/vigie/app/sla.h). */
#include "vigie/app/sla.h"
#include "vigie/core/hashmap.h"
#include "vigie/store/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct effect {
	struct vigie_hashmap map; /* "CVE\037source" -> struct effect_row */
	struct vigie_arena arena;
};
struct effect_row {
	int64_t resolved_at, effective_at;
	int pending;
};

static int effect_cb(void *ud, const struct store_history_row *h)
{
	struct effect *e = ud;
	struct effect_row *v;
	void **slot;
	char *k;
	if (!h->resolved_at)
		return 0;
	if (!(k = vigie_arena_alloc(&e->arena, strlen(h->cve) + strlen(h->source) + 2)) ||
	    !(v = vigie_arena_alloc(&e->arena, sizeof(*v))))
		return VIGIE_ENOMEM;
	sprintf(k, "%s\037%s", h->cve, h->source);
	if (!(slot = vigie_hashmap_slot(&e->map, k, strlen(k))))
		return VIGIE_ENOMEM;
	v->resolved_at = h->resolved_at;
	v->effective_at = h->effective_at;
	v->pending = h->restart_pending;
	*slot = v;
	return 0;
}

/* A fix seen waiting for a restart took effect at the first inventory
 * without it; one resolved by an inventory with process data and nothing
 * to restart took effect when installed; otherwise it is unknown. */
int vigie_app_sla_add_effective(struct sla_item *items, size_t n, struct vigie_store *s,
				const char *host, const struct sla_policy *sla,
				struct vigie_error *err)
{
	struct effect e;
	int rc;
	vigie_hashmap_init(&e.map);
	vigie_arena_init(&e.arena);
	rc = vigie_store_finding_history_each(s, NULL, host, NULL, 0, effect_cb, &e, err);
	if (rc == VIGIE_ENOMEM)
		rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		struct sla_item *it = &items[i];
		char k[512];
		int kl = snprintf(k, sizeof(k), "%s\037%s", it->cve, it->package);
		const struct effect_row *v = kl > 0 && (size_t)kl < sizeof(k)
						     ? vigie_hashmap_get(&e.map, k, (size_t)kl) : NULL;
		if (!v)
			continue;
		if (v->pending)
			it->effective_pending = 1;
		else if (v->effective_at > v->resolved_at)
			it->effective = v->effective_at;
		else if (v->effective_at)
			it->effective = it->installed;
		vigie_sla_evaluate(sla, it);
	}
	vigie_hashmap_release(&e.map);
	vigie_arena_release(&e.arena);
	return rc;
}

int vigie_app_host_sla(struct vigie_host_sla *out, struct vigie_store *s, const char *host,
		       const char *release, const struct policy *pol,
		       const struct sla_policy *sla, int64_t since, int64_t until,
		       struct vigie_error *err)
{
	struct timeline_opts to;
	struct timeline_sla_hooks hooks;
	int rc;

	memset(out, 0, sizeof(*out));
	vigie_history_init(&out->h);
	vigie_inventory_init(&out->inv);
	memset(&to, 0, sizeof(to));
	/* every stored event; the timeline applies the period, so a fix
	 * before it still makes a later one a follow-up */
	if ((rc = vigie_history_load_store(&out->h, s, host, 0, 0, err)) ||
	    (rc = vigie_store_host_load(s, host, &out->inv, err)))
		return rc;
	if (release && !(out->inv.release = vigie_arena_strdup(&out->inv.arena, release)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (!out->inv.release) {
		out->release_unknown = 1;
	} else {
		struct vigie_error e2;
		vigie_error_init(&e2);
		if (vigie_secdata_open(&out->sd, s, &out->inv, pol, &e2)) {
			vigie_error_format(&e2, out->note, sizeof(out->note));
			out->sd = NULL;
		}
	}
	to.root = "-";
	if (out->sd) {
		to.extra = vigie_secdata_timeline_cves;
		to.extra_ud = out->sd;
		vigie_secdata_sla_hooks(out->sd, &hooks);
	}
	to.since = since;
	to.until = until;
	if ((rc = vigie_timeline_build(&out->tl, &out->h, &to, err)) ||
	    (rc = vigie_timeline_sla_items(&out->items, &out->nitems, &out->undated,
					   &out->followups, &out->tl, sla,
					   out->sd ? &hooks : NULL, err)) ||
	    (rc = vigie_app_sla_add_effective(out->items, out->nitems, s, host, sla, err)))
		return rc;
	return vigie_sla_summarize(out->sum, out->items, out->nitems, err);
}

void vigie_host_sla_release(struct vigie_host_sla *r)
{
	free(r->items);
	r->items = NULL;
	vigie_timeline_release(&r->tl);
	vigie_secdata_free(r->sd);
	r->sd = NULL;
	vigie_inventory_release(&r->inv);
	vigie_history_release(&r->h);
}
