/* The SLA of a stored host: the calls `vigie sla --from-store` makes, in
 * one place (include/vigie/app/sla.h). */
#include "vigie/app/sla.h"
#include "vigie/store/service.h"

#include <stdlib.h>
#include <string.h>

/* A fix seen waiting for a restart took effect at the first inventory
 * without it; one resolved by an inventory with process data and nothing
 * to restart took effect when installed; otherwise it is unknown. */
int vigie_app_sla_add_effective(struct sla_item *items, size_t n, struct vigie_store *s,
				const char *host, const struct sla_policy *sla,
				struct vigie_error *err)
{
	struct store_history_index idx;
	int rc = vigie_store_finding_history_index(&idx, s, NULL, host, err);
	for (size_t i = 0; !rc && i < n; i++) {
		struct sla_item *it = &items[i];
		const struct store_history_row *v =
			vigie_finding_history_find(&idx, it->cve, it->package);
		if (!v || !v->resolved_at)
			continue;
		if (v->restart_pending)
			it->effective_pending = 1;
		else if (v->effective_at > v->resolved_at)
			it->effective = v->effective_at;
		else if (v->effective_at)
			it->effective = it->installed;
		vigie_sla_evaluate(sla, it);
	}
	vigie_store_history_index_release(&idx);
	return rc;
}

int vigie_app_host_sla(struct vigie_host_sla *out, struct vigie_store *s,
		       struct vigie_index_cache *cache, const char *host,
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
		if (vigie_secdata_open_cached(&out->sd, s, cache, &out->inv, pol, &e2)) {
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
