/* The SLA of a stored host: the calls `vigie sla --from-store` makes, in
 * one place (include/vigie/app/sla.h). */
#include "vigie/app/sla.h"

#include <stdlib.h>
#include <string.h>

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
					   out->sd ? &hooks : NULL, err)))
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
