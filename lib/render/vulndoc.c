#include "vigie/render/vulndoc.h"
#include "vigie/render/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vigie_vulndoc_init(struct vulndoc *d, const char *origin, const char *tool_version,
			int64_t at)
{
	memset(d, 0, sizeof(*d));
	vigie_arena_init(&d->arena);
	vigie_hashmap_init(&d->keys);
	d->origin = origin;
	d->tool_version = tool_version;
	d->at = at;
}

void vigie_vulndoc_release(struct vulndoc *d)
{
	if (!d)
		return;
	free(d->hosts);
	free(d->items);
	vigie_hashmap_release(&d->keys);
	vigie_arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

const char *vigie_vulndoc_distro(const char *release, const char *version, char *buf,
				 size_t size)
{
	static const struct { const char *name, *num; } known[] = {
		{ "jessie", "8" }, { "stretch", "9" }, { "buster", "10" },
		{ "bullseye", "11" }, { "bookworm", "12" }, { "trixie", "13" },
		{ "forky", "14" }, { "duke", "15" },
	};
	const char *num = NULL;
	size_t n = 0;
	if (version && isdigit((unsigned char)*version))
		num = version;
	for (size_t i = 0; !num && release && i < sizeof(known) / sizeof(*known); i++)
		if (!strcmp(release, known[i].name))
			num = known[i].num;
	if (!num)
		return NULL;
	while (isdigit((unsigned char)num[n]))
		n++;
	/* the major number only, as Trivy's distro qualifier for Debian */
	snprintf(buf, size, "debian-%.*s", (int)n, num);
	return buf;
}

/* NULL-preserving copy into the document's arena */
static const char *cp(struct vulndoc *d, const char *s, int *oom)
{
	char *c;
	if (!s)
		return NULL;
	if (!(c = vigie_arena_strdup(&d->arena, s)))
		*oom = 1;
	return c;
}

static struct vulndoc_host *host_get(struct vulndoc *d, const char *name, const char *release,
				     const char *version, size_t *idx, int *oom)
{
	char buf[32];
	struct vulndoc_host *h;
	for (size_t i = 0; i < d->nhosts; i++)
		if (!strcmp(d->hosts[i].name, name ? name : "")) {
			*idx = i;
			return &d->hosts[i];
		}
	if (d->nhosts == d->caphosts) {
		size_t cap = d->caphosts ? d->caphosts * 2 : 8;
		void *v = realloc(d->hosts, cap * sizeof(*d->hosts));
		if (!v) {
			*oom = 1;
			return NULL;
		}
		d->hosts = v;
		d->caphosts = cap;
	}
	h = &d->hosts[d->nhosts];
	memset(h, 0, sizeof(*h));
	h->name = cp(d, name ? name : "", oom);
	h->release = cp(d, release, oom);
	h->distro = cp(d, vigie_vulndoc_distro(release, version, buf, sizeof(buf)), oom);
	*idx = d->nhosts++;
	return h;
}

static struct vulndoc_item *item_new(struct vulndoc *d, int *oom)
{
	struct vulndoc_item *it;
	if (d->nitems == d->capitems) {
		size_t cap = d->capitems ? d->capitems * 2 : 64;
		void *v = realloc(d->items, cap * sizeof(*d->items));
		if (!v) {
			*oom = 1;
			return NULL;
		}
		d->items = v;
		d->capitems = cap;
	}
	it = &d->items[d->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

static struct vigie_decision *decision_copy(struct vulndoc *d, const struct vigie_decision *x,
					    int *oom)
{
	struct vigie_decision *c;
	if (!x)
		return NULL;
	if (!(c = vigie_arena_alloc(&d->arena, sizeof(*c)))) {
		*oom = 1;
		return NULL;
	}
	*c = *x;
	c->cve = cp(d, x->cve, oom);
	c->host = cp(d, x->host, oom);
	c->status = cp(d, x->status, oom);
	c->justification = cp(d, x->justification, oom);
	c->reason = cp(d, x->reason, oom);
	c->by = cp(d, x->by, oom);
	c->revoked_by = cp(d, x->revoked_by, oom);
	c->client = cp(d, x->client, oom);
	c->facts = NULL;
	c->nfacts = 0;
	return c;
}

static enum openvex_status status_parse(const char *s)
{
	if (!s)
		return OPENVEX_UNDER_INVESTIGATION;
	if (!strcmp(s, "not_affected"))
		return OPENVEX_NOT_AFFECTED;
	if (!strcmp(s, "affected"))
		return OPENVEX_AFFECTED;
	if (!strcmp(s, "fixed"))
		return OPENVEX_FIXED;
	return OPENVEX_UNDER_INVESTIGATION;
}

static enum openvex_justification just_parse(const char *s)
{
	for (int j = OPENVEX_COMPONENT_NOT_PRESENT; s && j <= OPENVEX_INLINE_MITIGATIONS_ALREADY_EXIST; j++)
		if (!strcmp(s, vigie_openvex_justification_name((enum openvex_justification)j)))
			return (enum openvex_justification)j;
	return OPENVEX_JUST_NONE;
}

/* A decision in force sets the VEX status; an expired or re-opened one is
 * only shown. */
static void apply_decision(struct vulndoc *d, struct vulndoc_item *it,
			   const struct vigie_decision *x, int state, const char *was,
			   const char *now, int *oom)
{
	it->decision = decision_copy(d, x, oom);
	it->decision_state = state;
	it->decision_was = cp(d, was, oom);
	it->decision_now = cp(d, now, oom);
	if (!x || state != VIGIE_DECISION_IN_FORCE)
		return;
	it->vex = status_parse(x->status);
	it->justification = it->vex == OPENVEX_NOT_AFFECTED ? just_parse(x->justification)
							    : OPENVEX_JUST_NONE;
}

int vigie_vulndoc_add_scan(struct vulndoc *d, const struct scan_result *r,
			   const struct inventory *inv)
{
	int oom = 0;
	size_t hi;
	struct vulndoc_host *h = host_get(d, r->host, r->release,
					  r->lifecycle.version ? r->lifecycle.version
					  : inv ? inv->release_version : NULL, &hi, &oom);
	if (!h)
		return VIGIE_ENOMEM;
	if (inv && inv->npkgs && !h->npkgs) {
		h->pkgs = vigie_arena_alloc(&d->arena, inv->npkgs * sizeof(*h->pkgs));
		if (!h->pkgs)
			return VIGIE_ENOMEM;
		for (size_t i = 0; i < inv->npkgs; i++) {
			const struct inventory_pkg *p = &inv->pkgs[i];
			h->pkgs[i].name = cp(d, p->name, &oom);
			h->pkgs[i].version = cp(d, p->version, &oom);
			h->pkgs[i].arch = cp(d, p->arch, &oom);
			h->pkgs[i].source = cp(d, p->source, &oom);
			h->pkgs[i].source_version = cp(d, p->source_version, &oom);
		}
		h->npkgs = inv->npkgs;
	}
	for (size_t i = 0; i < r->n && !oom; i++) {
		const struct finding *f = &r->findings[i];
		struct vulndoc_item *it = item_new(d, &oom);
		if (!it)
			break;
		it->host = hi;
		it->cve = cp(d, f->cve, &oom);
		it->source = cp(d, f->source, &oom);
		it->source_version = cp(d, f->source_version, &oom);
		it->has_class = 1;
		it->cls = f->cls;
		it->state = vigie_finding_state_name(f->state);
		it->fixed_version = cp(d, f->fixed_version, &oom);
		it->advisory = cp(d, f->advisory, &oom);
		it->evidence = cp(d, f->evidence, &oom);
		it->data_source = cp(d, f->data_source, &oom);
		it->description = cp(d, f->description, &oom);
		it->vex = f->state == FINDING_UNDETERMINED ? OPENVEX_UNDER_INVESTIGATION
							   : OPENVEX_AFFECTED;
		if (f->nbins) {
			it->pkgs = vigie_arena_alloc(&d->arena, f->nbins * sizeof(*it->pkgs));
			if (!it->pkgs) {
				oom = 1;
				break;
			}
			for (size_t k = 0; k < f->nbins; k++) {
				memset(&it->pkgs[k], 0, sizeof(it->pkgs[k]));
				it->pkgs[k].name = cp(d, f->bins[k].name, &oom);
				it->pkgs[k].version = cp(d, f->bins[k].version, &oom);
				it->pkgs[k].arch = cp(d, f->bins[k].arch, &oom);
				it->pkgs[k].source = it->source;
				it->pkgs[k].source_version = it->source_version;
			}
			it->npkgs = f->nbins;
		}
		apply_decision(d, it, f->decision, f->decision_state, f->decision_was,
			       f->decision_now, &oom);
	}
	return oom ? VIGIE_ENOMEM : 0;
}

int vigie_vulndoc_add_triage(struct vulndoc *d, const struct triage_result *r)
{
	int oom = 0;
	d->report = cp(d, r->report, &oom);
	for (size_t i = 0; i < r->n && !oom; i++) {
		const struct triage_item *t = &r->items[i];
		const char *source = t->source ? t->source : t->rf ? t->rf->package : NULL;
		struct vulndoc_item *it = NULL;
		struct vulndoc_host *h;
		size_t hi;
		if (!t->cve)
			continue;
		if (!(h = host_get(d, t->host ? t->host : "unknown", t->release, NULL, &hi, &oom)))
			break;
		/* one item per (host, CVE, source): a report may name the
		 * same issue on several ports */
		{
			char *key;
			void **slot;
			size_t kl = strlen(h->name) + strlen(t->cve) + (source ? strlen(source) : 0) + 3;
			if (!(key = vigie_arena_alloc(&d->arena, kl))) {
				oom = 1;
				break;
			}
			snprintf(key, kl, "%s\t%s\t%s", h->name, t->cve, source ? source : "");
			if (!(slot = vigie_hashmap_slot(&d->keys, key, strlen(key)))) {
				oom = 1;
				break;
			}
			if (*slot)
				continue;
			if (!(it = item_new(d, &oom)))
				break;
			*slot = (void *)(uintptr_t)d->nitems;
		}
		it->host = hi;
		it->cve = cp(d, t->cve, &oom);
		it->source = cp(d, source, &oom);
		it->source_version = cp(d, t->source_version, &oom);
		it->has_class = t->has_class;
		it->cls = t->cls;
		it->state = vigie_triage_verdict_name(t->verdict);
		it->fixed_version = cp(d, t->fixed_version, &oom);
		it->advisory = cp(d, t->advisory, &oom);
		it->evidence = cp(d, t->evidence, &oom);
		it->false_positive = vigie_triage_is_false_positive(t->verdict);
		switch (t->verdict) {
		case TRIAGE_FP_BACKPORT:
			it->vex = OPENVEX_FIXED;
			break;
		case TRIAGE_FP_NOT_AFFECTED:
			it->vex = OPENVEX_NOT_AFFECTED;
			it->justification = t->source ? OPENVEX_VULNERABLE_CODE_NOT_PRESENT
						      : OPENVEX_COMPONENT_NOT_PRESENT;
			break;
		case TRIAGE_FP_KERNEL:
			it->vex = OPENVEX_NOT_AFFECTED;
			it->justification = OPENVEX_VULNERABLE_CODE_NOT_IN_EXECUTE_PATH;
			break;
		case TRIAGE_CONFIRMED_FIX:
		case TRIAGE_CONFIRMED_NOFIX:
			it->vex = OPENVEX_AFFECTED;
			break;
		default:
			it->vex = OPENVEX_UNDER_INVESTIGATION;
			break;
		}
		if (t->npkgs) {
			it->pkgs = vigie_arena_alloc(&d->arena, t->npkgs * sizeof(*it->pkgs));
			if (!it->pkgs) {
				oom = 1;
				break;
			}
			for (size_t k = 0; k < t->npkgs; k++) {
				memset(&it->pkgs[k], 0, sizeof(it->pkgs[k]));
				it->pkgs[k].name = cp(d, t->pkgs[k].name, &oom);
				it->pkgs[k].version = cp(d, t->pkgs[k].version, &oom);
				it->pkgs[k].arch = cp(d, t->pkgs[k].arch, &oom);
				it->pkgs[k].source = it->source;
				it->pkgs[k].source_version = it->source_version;
			}
			it->npkgs = t->npkgs;
		}
		apply_decision(d, it, t->decision, t->decision_state, t->decision_was,
			       t->decision_now, &oom);
	}
	return oom ? VIGIE_ENOMEM : 0;
}

void vigie_render_decision_json(yajl_gen g, const struct vigie_decision *x, int state,
				const char *was, const char *now)
{
	if (!x) {
		yajl_gen_null(g);
		return;
	}
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "id", x->id);
	vigie_json_kv_str(g, "cve", x->cve);
	vigie_json_kv_str(g, "status", x->status);
	vigie_json_kv_str(g, "justification", x->justification);
	vigie_json_kv_str(g, "reason", x->reason);
	vigie_json_kv_str(g, "by", x->by);
	vigie_json_kv_time(g, "at", x->at);
	vigie_json_kv_time(g, "expires", x->expires);
	vigie_json_kv_str(g, "state", vigie_decision_state_name(state));
	vigie_json_kv_bool(g, "expired", state == VIGIE_DECISION_EXPIRED);
	vigie_json_kv_bool(g, "reopened", state == VIGIE_DECISION_REOPENED);
	vigie_json_kv_bool(g, "in_force", state == VIGIE_DECISION_IN_FORCE);
	if (state == VIGIE_DECISION_REOPENED) {
		vigie_json_kv_str(g, "debian_was", was);
		vigie_json_kv_str(g, "debian_now", now);
	}
	vigie_json_kv_str(g, "scope", x->host ? "host" : x->client ? "client" : "fleet");
	vigie_json_kv_str(g, "host", x->host);
	vigie_json_kv_str(g, "client", x->client);
	yajl_gen_map_close(g);
}

int vigie_render_decision_text(struct vigie_buf *out, const struct vigie_decision *x,
			       int state, const char *was, const char *now)
{
	char at[16], ex[16] = "";
	vigie_date_format(x->at, at, sizeof(at));
	if (x->expires)
		vigie_date_format(x->expires - 86400, ex, sizeof(ex));
	if (state == VIGIE_DECISION_EXPIRED) {
		vigie_buf_addf(out, "    decision %lld (%s) expired after %s, no longer applies: ",
			       (long long)x->id, x->status, ex);
	} else if (state == VIGIE_DECISION_REOPENED) {
		vigie_buf_addf(out, "    decision re-opened: %s changed (was ",
			       vigie_decision_what_changed(was, now));
		vigie_buf_add_safe(out, was ? was : "?", strlen(was ? was : "?"));
		vigie_buf_adds(out, ", now ");
		vigie_buf_add_safe(out, now ? now : "?", strlen(now ? now : "?"));
		vigie_buf_addf(out, "); decision %lld (%s) no longer applies: ", (long long)x->id,
			       x->status);
	} else {
		vigie_buf_addf(out, "    decided %s (decision %lld) by ", x->status,
			       (long long)x->id);
		vigie_buf_add_safe(out, x->by, strlen(x->by));
		vigie_buf_addf(out, " on %s", at);
		if (x->expires)
			vigie_buf_addf(out, " until %s", ex);
		if (x->client) {
			vigie_buf_adds(out, " for client ");
			vigie_buf_add_safe(out, x->client, strlen(x->client));
		}
		vigie_buf_adds(out, ": ");
	}
	vigie_buf_add_safe(out, x->reason, strlen(x->reason));
	return vigie_buf_addc(out, '\n');
}
