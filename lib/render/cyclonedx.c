/* CycloneDX 1.5 JSON with VEX: the hosts' installed packages as components
 * (pkg:deb purls), one vulnerability per (host, CVE, source package) with
 * its affects refs and analysis. docs/FORMATS.md gives the mapping. */
#include "vigie/render/json.h"
#include "vigie/render/vulndoc.h"
#include "vigie/core/hashmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACKER "https://security-tracker.debian.org/tracker/"

static uint64_t fnv(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;
	return h * 0x100000001b3ULL;
}

/* bom-ref of a host's package: host name, then the package's purl */
static void pkg_ref(struct vigie_buf *b, const struct vulndoc_host *h,
		    const struct vulndoc_pkg *p)
{
	vigie_buf_reset(b);
	vigie_openvex_purl_encode(b, h->name);
	vigie_buf_addc(b, '/');
	vigie_openvex_purl(b, "debian", p->name, p->version, p->arch, h->distro, 1);
}

static void host_ref(struct vigie_buf *b, const struct vulndoc_host *h)
{
	vigie_buf_reset(b);
	vigie_buf_adds(b, "host:");
	vigie_openvex_purl_encode(b, h->name);
}

static const char *cdx_state(const struct vulndoc_item *it)
{
	switch (it->vex) {
	case OPENVEX_NOT_AFFECTED: return "not_affected";
	case OPENVEX_FIXED: return "resolved";
	case OPENVEX_AFFECTED: return "exploitable";
	default: return "in_triage";
	}
}

static const char *cdx_justification(enum openvex_justification j)
{
	switch (j) {
	case OPENVEX_COMPONENT_NOT_PRESENT:
	case OPENVEX_VULNERABLE_CODE_NOT_PRESENT: return "code_not_present";
	case OPENVEX_VULNERABLE_CODE_NOT_IN_EXECUTE_PATH: return "code_not_reachable";
	case OPENVEX_VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY: return "requires_environment";
	case OPENVEX_INLINE_MITIGATIONS_ALREADY_EXIST: return "protected_by_mitigating_control";
	default: return NULL;
	}
}

static const char *severity_of(const struct vulndoc_item *it)
{
	if (!it->has_class)
		return "unknown";
	switch (it->cls) {
	case VIGIE_CLASS_HIGHLY_CRITICAL: return "critical";
	case VIGIE_CLASS_CRITICAL: return "high";
	default: return "medium";
	}
}

static void prop(yajl_gen g, const char *name, const char *value)
{
	if (!value)
		return;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", name);
	vigie_json_kv_str(g, "value", value);
	yajl_gen_map_close(g);
}

static void component(yajl_gen g, struct vigie_buf *tmp, const struct vulndoc_host *h,
		      const struct vulndoc_pkg *p)
{
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "type", "library");
	pkg_ref(tmp, h, p);
	vigie_json_kv_str(g, "bom-ref", tmp->data);
	vigie_json_kv_str(g, "name", p->name);
	vigie_json_kv_str(g, "version", p->version);
	vigie_buf_reset(tmp);
	vigie_openvex_purl(tmp, "debian", p->name, p->version, p->arch, h->distro, 1);
	vigie_json_kv_str(g, "purl", tmp->data);
	vigie_json_key(g, "properties");
	yajl_gen_array_open(g);
	prop(g, "vigie:host", h->name);
	prop(g, "vigie:source", p->source);
	prop(g, "vigie:source_version", p->source_version);
	prop(g, "vigie:arch", p->arch);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

/* Emit p as a component of h unless its bom-ref was emitted already (the
 * map holds the refs written, their text in arena). 0 or VIGIE_ENOMEM. */
static int component_once(yajl_gen g, struct vigie_buf *tmp, struct vigie_hashmap *seen,
			  struct vigie_arena *arena, const struct vulndoc_host *h,
			  const struct vulndoc_pkg *p)
{
	char *key;
	void **slot;
	if (!p->version) /* a package not installed is no component */
		return 0;
	pkg_ref(tmp, h, p);
	if (vigie_hashmap_get(seen, tmp->data, tmp->len))
		return 0;
	if (!(key = vigie_arena_strndup(arena, tmp->data, tmp->len)) ||
	    !(slot = vigie_hashmap_slot(seen, key, tmp->len)))
		return VIGIE_ENOMEM;
	*slot = key;
	component(g, tmp, h, p);
	return 0;
}

int vigie_render_cyclonedx(struct vigie_buf *out, const struct vulndoc *d)
{
	struct vigie_buf tmp = VIGIE_BUF_INIT;
	struct vigie_hashmap seen;
	struct vigie_arena arena;
	yajl_gen g = vigie_json_gen_new(out);
	size_t before = out->len;
	int rc = 0;
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	char serial[64], ts[32];

	if (!g)
		return VIGIE_ENOMEM;
	vigie_hashmap_init(&seen);
	vigie_arena_init(&arena);
	/* a serial number derived from the content: the same data gives
	 * the same document */
	vigie_time_format(d->at, ts, sizeof(ts));
	a = fnv(a, ts);
	for (size_t i = 0; i < d->nitems; i++) {
		a = fnv(a, d->items[i].cve);
		b = fnv(b, d->hosts[d->items[i].host].name);
		b = fnv(b, d->items[i].source);
		a = fnv(a, vigie_openvex_status_name(d->items[i].vex));
	}
	for (size_t i = 0; i < d->nhosts; i++)
		b = fnv(b, d->hosts[i].name);
	snprintf(serial, sizeof(serial), "urn:uuid:%08x-%04x-8%03x-%04x-%012llx",
		 (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 (unsigned)((b >> 48) & 0x3fff) | 0x8000,
		 (unsigned long long)(b & 0xffffffffffffULL));

	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
	vigie_json_kv_str(g, "bomFormat", "CycloneDX");
	vigie_json_kv_str(g, "specVersion", "1.5");
	vigie_json_kv_str(g, "serialNumber", serial);
	vigie_json_kv_int(g, "version", 1);
	vigie_json_key(g, "metadata");
	yajl_gen_map_open(g);
	vigie_json_kv_time(g, "timestamp", d->at);
	vigie_json_key(g, "tools");
	yajl_gen_map_open(g);
	vigie_json_key(g, "components");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "type", "application");
	vigie_json_kv_str(g, "name", "vigie");
	vigie_json_kv_str(g, "version", d->tool_version);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	vigie_json_key(g, "properties");
	yajl_gen_array_open(g);
	prop(g, "vigie:origin", d->origin);
	prop(g, "vigie:report", d->report);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g); /* metadata */

	vigie_json_key(g, "components");
	yajl_gen_array_open(g);
	/* each host as its operating system: what a finding without a
	 * package (a scanner's, on a host vigie does not hold) affects */
	for (size_t i = 0; i < d->nhosts; i++) {
		const struct vulndoc_host *h = &d->hosts[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "type", "operating-system");
		host_ref(&tmp, h);
		vigie_json_kv_str(g, "bom-ref", tmp.data);
		vigie_json_kv_str(g, "name", h->name);
		if (h->distro)
			vigie_json_kv_str(g, "version", h->distro);
		vigie_json_key(g, "properties");
		yajl_gen_array_open(g);
		prop(g, "vigie:host", h->name);
		prop(g, "vigie:release", h->release);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	/* every package once per host: the host's list, then those the
	 * findings name that the list lacks (triage, fleet without an
	 * inventory) */
	for (size_t i = 0; i < d->nhosts && !rc; i++)
		for (size_t k = 0; k < d->hosts[i].npkgs && !rc; k++)
			rc = component_once(g, &tmp, &seen, &arena, &d->hosts[i], &d->hosts[i].pkgs[k]);
	for (size_t i = 0; i < d->nitems && !rc; i++)
		for (size_t k = 0; k < d->items[i].npkgs && !rc; k++)
			rc = component_once(g, &tmp, &seen, &arena, &d->hosts[d->items[i].host],
					    &d->items[i].pkgs[k]);
	yajl_gen_array_close(g);

	vigie_json_key(g, "vulnerabilities");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct vulndoc_item *it = &d->items[i];
		const struct vulndoc_host *h = &d->hosts[it->host];
		const char *just = it->vex == OPENVEX_NOT_AFFECTED ? cdx_justification(it->justification) : NULL;
		yajl_gen_map_open(g);
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, "%s/", it->cve);
		vigie_openvex_purl_encode(&tmp, h->name);
		vigie_buf_addc(&tmp, '/');
		vigie_openvex_purl_encode(&tmp, it->source ? it->source : "unknown");
		vigie_json_kv_str(g, "bom-ref", tmp.data);
		vigie_json_kv_str(g, "id", it->cve);
		vigie_json_key(g, "source");
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "name", "Debian Security Tracker");
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, TRACKER "%s", it->cve);
		vigie_json_kv_str(g, "url", tmp.data);
		yajl_gen_map_close(g);
		vigie_json_key(g, "ratings");
		yajl_gen_array_open(g);
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "severity", severity_of(it));
		vigie_json_kv_str(g, "method", "other");
		if (it->has_class)
			vigie_json_kv_str(g, "justification", vigie_policy_class_name(it->cls));
		yajl_gen_map_close(g);
		yajl_gen_array_close(g);
		if (it->evidence)
			vigie_json_kv_str(g, "description", it->evidence);
		if (it->fixed_version) {
			vigie_buf_reset(&tmp);
			vigie_buf_addf(&tmp, "Upgrade %s to %s or later.",
				       it->source ? it->source : "the package", it->fixed_version);
			vigie_json_kv_str(g, "recommendation", tmp.data);
		}
		vigie_json_key(g, "analysis");
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "state", cdx_state(it));
		if (just)
			vigie_json_kv_str(g, "justification", just);
		if (it->vex == OPENVEX_AFFECTED) {
			vigie_json_key(g, "response");
			yajl_gen_array_open(g);
			vigie_json_str(g, it->fixed_version ? "update" : "can_not_fix");
			yajl_gen_array_close(g);
		}
		vigie_buf_reset(&tmp);
		if (it->decision) {
			char at[32], ex[32];
			vigie_time_format(it->decision->at, at, sizeof(at));
			if (it->decision_state == VIGIE_DECISION_REOPENED)
				vigie_buf_addf(&tmp, "Decision re-opened: %s changed (was %s,"
					       " now %s). ",
					       vigie_decision_what_changed(it->decision_was,
									   it->decision_now),
					       it->decision_was, it->decision_now);
			vigie_buf_addf(&tmp, "%s by %s on %s: %s",
				       it->decision_state == VIGIE_DECISION_EXPIRED
				       ? "Decision expired, taken"
				       : it->decision_state ? "Decision no longer applies, taken"
							    : "Decided",
				       it->decision->by, at, it->decision->reason);
			if (it->decision->expires)
				vigie_buf_addf(&tmp, " (until %s)",
					       vigie_time_format(it->decision->expires, ex, sizeof(ex)));
			vigie_buf_adds(&tmp, ". ");
		}
		vigie_buf_adds(&tmp, it->evidence ? it->evidence : "");
		vigie_json_kv_str(g, "detail", tmp.data);
		yajl_gen_map_close(g);
		vigie_json_key(g, "affects");
		yajl_gen_array_open(g);
		size_t installed = 0;
		for (size_t k = 0; k < it->npkgs; k++)
			installed += it->pkgs[k].version != NULL;
		if (!installed) {
			yajl_gen_map_open(g);
			host_ref(&tmp, h);
			vigie_json_kv_str(g, "ref", tmp.data);
			yajl_gen_map_close(g);
		}
		for (size_t k = 0; k < it->npkgs; k++) {
			if (!it->pkgs[k].version)
				continue;
			yajl_gen_map_open(g);
			pkg_ref(&tmp, h, &it->pkgs[k]);
			vigie_json_kv_str(g, "ref", tmp.data);
			if (it->pkgs[k].version) {
				vigie_json_key(g, "versions");
				yajl_gen_array_open(g);
				yajl_gen_map_open(g);
				vigie_json_kv_str(g, "version", it->pkgs[k].version);
				vigie_json_kv_str(g, "status",
						  it->vex == OPENVEX_AFFECTED ? "affected"
						  : it->vex == OPENVEX_UNDER_INVESTIGATION ? "unknown"
						  : "unaffected");
				yajl_gen_map_close(g);
				yajl_gen_array_close(g);
			}
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		vigie_json_key(g, "properties");
		yajl_gen_array_open(g);
		prop(g, "vigie:host", h->name);
		prop(g, "vigie:source", it->source);
		prop(g, "vigie:source_version", it->source_version);
		prop(g, "vigie:fixed_version", it->fixed_version);
		prop(g, "vigie:state", it->state);
		prop(g, "vigie:advisory", it->advisory);
		if (it->decision) {
			char id[32], at[32], ex[32];
			snprintf(id, sizeof(id), "%lld", (long long)it->decision->id);
			prop(g, "vigie:decision:id", id);
			prop(g, "vigie:decision:status", it->decision->status);
			prop(g, "vigie:decision:by", it->decision->by);
			prop(g, "vigie:decision:at", vigie_time_format(it->decision->at, at, sizeof(at)));
			prop(g, "vigie:decision:reason", it->decision->reason);
			if (it->decision->expires)
				prop(g, "vigie:decision:expires",
				     vigie_time_format(it->decision->expires, ex, sizeof(ex)));
			prop(g, "vigie:decision:expired",
			     it->decision_state == VIGIE_DECISION_EXPIRED ? "true" : "false");
			prop(g, "vigie:decision:state", vigie_decision_state_name(it->decision_state));
			if (it->decision->client)
				prop(g, "vigie:decision:client", it->decision->client);
			if (it->decision_state == VIGIE_DECISION_REOPENED) {
				prop(g, "vigie:decision:debian_was", it->decision_was);
				prop(g, "vigie:decision:debian_now", it->decision_now);
			}
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_free(g);
	vigie_buf_release(&tmp);
	vigie_hashmap_release(&seen);
	vigie_arena_release(&arena);
	if (rc || vigie_buf_addc(out, '\n'))
		return VIGIE_ENOMEM;
	return out->len > before ? 0 : VIGIE_ENOMEM;
}
