/* SARIF 2.1.0 (OASIS): one run, one rule per CVE, one result per (host,
 * CVE, source package). docs/FORMATS.md gives the mapping. */
#include "vigie/render/json.h"
#include "vigie/render/vulndoc.h"
#include "vigie/core/hashmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define TRACKER "https://security-tracker.debian.org/tracker/"

static const char *level_of(const struct vulndoc_item *it)
{
	if (!it->has_class)
		return "note";
	switch (it->cls) {
	case VIGIE_CLASS_HIGHLY_CRITICAL: return "error";
	case VIGIE_CLASS_CRITICAL: return "warning";
	default: return "note";
	}
}

/* FNV-1a over the fields that name a finding: stable across runs */
static void fingerprint(char out[17], const char *host, const char *cve, const char *source)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *parts[] = { host, cve, source };
	for (int i = 0; i < 3; i++) {
		for (const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : ""); *p; p++) {
			h ^= *p;
			h *= 0x100000001b3ULL;
		}
		h ^= 0xff;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void decision_props(yajl_gen g, const struct vulndoc_item *it)
{
	const struct vigie_decision *x = it->decision;
	vigie_json_key(g, "decision");
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "id", x->id);
	vigie_json_kv_str(g, "status", x->status);
	vigie_json_kv_str(g, "justification", x->justification);
	vigie_json_kv_str(g, "reason", x->reason);
	vigie_json_kv_str(g, "by", x->by);
	vigie_json_kv_time(g, "at", x->at);
	vigie_json_kv_time(g, "expires", x->expires);
	vigie_json_kv_bool(g, "expired", it->decision_state == VIGIE_DECISION_EXPIRED);
	vigie_json_kv_bool(g, "reopened", it->decision_state == VIGIE_DECISION_REOPENED);
	if (it->decision_state == VIGIE_DECISION_REOPENED) {
		vigie_json_kv_str(g, "debian_was", it->decision_was);
		vigie_json_kv_str(g, "debian_now", it->decision_now);
	}
	vigie_json_kv_str(g, "host", x->host);
	vigie_json_kv_str(g, "client", x->client);
	yajl_gen_map_close(g);
}

int vigie_render_sarif(struct vigie_buf *out, const struct vulndoc *d)
{
	struct vigie_hashmap rules;
	size_t *rule_of = calloc(d->nitems ? d->nitems : 1, sizeof(*rule_of));
	size_t *first = calloc(d->nitems ? d->nitems : 1, sizeof(*first));
	size_t nrules = 0, before = out->len;
	struct vigie_buf tmp = VIGIE_BUF_INIT;
	yajl_gen g = NULL;
	int rc = VIGIE_ENOMEM;

	vigie_hashmap_init(&rules);
	if (!rule_of || !first || !(g = vigie_json_gen_new(out)))
		goto out;
	/* rules in order of first appearance; value = index + 1 */
	for (size_t i = 0; i < d->nitems; i++) {
		const char *cve = d->items[i].cve;
		void **slot = vigie_hashmap_slot(&rules, cve, strlen(cve));
		if (!slot)
			goto out;
		if (!*slot) {
			first[nrules] = i;
			*slot = (void *)(uintptr_t)(++nrules);
		}
		rule_of[i] = (size_t)(uintptr_t)*slot - 1;
	}
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "$schema", SARIF_SCHEMA);
	vigie_json_kv_str(g, "version", "2.1.0");
	vigie_json_key(g, "runs");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	vigie_json_key(g, "tool");
	yajl_gen_map_open(g);
	vigie_json_key(g, "driver");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", "vigie");
	vigie_json_kv_str(g, "version", d->tool_version);
	vigie_json_kv_str(g, "semanticVersion", d->tool_version);
	vigie_json_kv_str(g, "informationUri", "https://security-tracker.debian.org/");
	vigie_json_key(g, "rules");
	yajl_gen_array_open(g);
	for (size_t r = 0; r < nrules; r++) {
		const struct vulndoc_item *it = &d->items[first[r]];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "id", it->cve);
		vigie_json_kv_str(g, "name", it->cve);
		vigie_json_key(g, "shortDescription");
		yajl_gen_map_open(g);
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, "%s in Debian's security data", it->cve);
		vigie_json_kv_str(g, "text", tmp.data);
		yajl_gen_map_close(g);
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, TRACKER "%s", it->cve);
		vigie_json_kv_str(g, "helpUri", tmp.data);
		vigie_json_key(g, "help");
		yajl_gen_map_open(g);
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, "See Debian's security tracker: " TRACKER "%s", it->cve);
		vigie_json_kv_str(g, "text", tmp.data);
		yajl_gen_map_close(g);
		vigie_json_key(g, "defaultConfiguration");
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "level", level_of(it));
		yajl_gen_map_close(g);
		if (it->description) {
			vigie_json_key(g, "fullDescription");
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "text", it->description);
			yajl_gen_map_close(g);
		}
		vigie_json_key(g, "properties");
		yajl_gen_map_open(g);
		/* GitHub code scanning ranks security alerts by this score:
		 * the class's band (9.0 critical, 7.0 high, 4.0 medium) */
		if (it->has_class)
			vigie_json_kv_str(g, "security-severity",
					  it->cls == VIGIE_CLASS_HIGHLY_CRITICAL ? "9.0"
					  : it->cls == VIGIE_CLASS_CRITICAL ? "7.0" : "4.0");
		vigie_json_key(g, "tags");
		yajl_gen_array_open(g);
		vigie_json_str(g, "security");
		vigie_json_str(g, "debian");
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g); /* driver */
	yajl_gen_map_close(g); /* tool */
	vigie_json_key(g, "results");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct vulndoc_item *it = &d->items[i];
		const struct vulndoc_host *h = &d->hosts[it->host];
		char fp[17];
		int pass = it->false_positive || it->vex == OPENVEX_FIXED ||
			   it->vex == OPENVEX_NOT_AFFECTED;
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "ruleId", it->cve);
		vigie_json_kv_int(g, "ruleIndex", (int64_t)rule_of[i]);
		vigie_json_kv_str(g, "kind", pass ? "pass"
				  : it->vex == OPENVEX_UNDER_INVESTIGATION ? "review" : "fail");
		vigie_json_kv_str(g, "level", pass ? "none" : level_of(it));
		vigie_json_key(g, "message");
		yajl_gen_map_open(g);
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, "%s on %s (%s %s): %s", it->cve, h->name,
			       it->source ? it->source : "?",
			       it->source_version ? it->source_version : "?",
			       it->evidence ? it->evidence : "");
		vigie_json_kv_str(g, "text", tmp.data);
		yajl_gen_map_close(g);
		vigie_json_key(g, "locations");
		yajl_gen_array_open(g);
		yajl_gen_map_open(g);
		vigie_json_key(g, "physicalLocation");
		yajl_gen_map_open(g);
		vigie_json_key(g, "artifactLocation");
		yajl_gen_map_open(g);
		/* a relative URI naming the host's dpkg database and the source */
		vigie_buf_reset(&tmp);
		vigie_openvex_purl_encode(&tmp, h->name);
		vigie_buf_adds(&tmp, "/var/lib/dpkg/status");
		vigie_json_kv_str(g, "uri", tmp.data);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
		vigie_json_key(g, "logicalLocations");
		yajl_gen_array_open(g);
		yajl_gen_map_open(g);
		if (it->source)
			vigie_json_kv_str(g, "name", it->source);
		vigie_buf_reset(&tmp);
		vigie_buf_addf(&tmp, "%s/%s", h->name, it->source ? it->source : "?");
		vigie_json_kv_str(g, "fullyQualifiedName", tmp.data);
		vigie_json_kv_str(g, "kind", "package");
		yajl_gen_map_close(g);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		yajl_gen_array_close(g);
		fingerprint(fp, h->name, it->cve, it->source);
		vigie_json_key(g, "partialFingerprints");
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "vigieFinding/v1", fp);
		yajl_gen_map_close(g);
		if (it->decision && !it->decision_state) {
			/* a written decision is an external suppression */
			vigie_json_key(g, "suppressions");
			yajl_gen_array_open(g);
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "kind", "external");
			vigie_json_kv_str(g, "status", "accepted");
			vigie_buf_reset(&tmp);
			vigie_buf_addf(&tmp, "%s (decided by %s)", it->decision->reason,
				       it->decision->by);
			vigie_json_kv_str(g, "justification", tmp.data);
			yajl_gen_map_close(g);
			yajl_gen_array_close(g);
		}
		vigie_json_key(g, "properties");
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", h->name);
		vigie_json_kv_str(g, "release", h->release);
		vigie_json_kv_str(g, "source", it->source);
		vigie_json_kv_str(g, "source_version", it->source_version);
		vigie_json_kv_str(g, "fixed_version", it->fixed_version);
		vigie_json_kv_str(g, "state", it->state);
		vigie_json_kv_str(g, "class", it->has_class ? vigie_policy_class_name(it->cls) : NULL);
		vigie_json_kv_str(g, "advisory", it->advisory);
		vigie_json_kv_str(g, "data_source", it->data_source);
		vigie_json_kv_str(g, "vex_status", vigie_openvex_status_name(it->vex));
		vigie_json_key(g, "packages");
		yajl_gen_array_open(g);
		for (size_t k = 0; k < it->npkgs; k++)
			vigie_json_str(g, it->pkgs[k].name);
		yajl_gen_array_close(g);
		if (it->decision)
			decision_props(g, it);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	vigie_json_key(g, "properties");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "origin", d->origin);
	vigie_json_kv_str(g, "report", d->report);
	vigie_json_kv_time(g, "judged_at", d->at);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g); /* run */
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (vigie_buf_addc(out, '\n'))
		goto out;
	rc = out->len > before && tmp.data ? 0 : VIGIE_ENOMEM;
	if (!d->nitems)
		rc = out->len > before ? 0 : VIGIE_ENOMEM;
out:
	if (g)
		yajl_gen_free(g);
	vigie_hashmap_release(&rules);
	vigie_buf_release(&tmp);
	free(rule_of);
	free(first);
	return rc;
}
