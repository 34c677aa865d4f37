/* Ingest a host and keep its finding history: the one path behind
 * `vigie hosts add`, a pushed inventory, agentless collection and the
 * rescans after a data update. */
#include "vigie/app/host.h"
#include "vigie/debian/services.h"
#include "vigie/engine/fleet.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/core/sha256.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *class_name(enum vigie_class c)
{
	return vigie_policy_class_name(c);
}

static const char *fact_state(const struct finding *f)
{
	if (f->reboot_required)
		return "reboot-required";
	if (f->restart_required)
		return "restart-required";
	return vigie_finding_state_name(f->state);
}

int vigie_app_judgement_basis(struct vigie_store *s, const struct policy *pol, int64_t when,
			       char *out, size_t size, struct vigie_error *err)
{
	struct policy def;
	char fp[VIGIE_POLICY_FINGERPRINT_LEN + 1], day[16];
	int64_t version;
	int rc;
	if ((rc = vigie_store_data_version(s, &version, err)))
		return rc;
	if (!pol) {
		vigie_policy_default(&def);
		pol = &def;
	}
	vigie_policy_fingerprint(pol, fp);
	vigie_date_format(when, day, sizeof(day));
	snprintf(out, size, "vigie %s; data %lld; policy %s; day %s", VIGIE_LIB_VERSION,
		 (long long)version, fp, day);
	return 0;
}

/* The digest of a full judgement's findings as the finding history
 * records them, in two levels so that it can be summed per source: each
 * source's facts in CVE order (each field ended by US, a NULL one SOH
 * alone, then 0 or 1 for not in effect), hashed; then each source with
 * facts, in byte order, its name, US and that digest, hashed into hex. */
int vigie_app_facts_source_digest(const struct store_finding_fact *f, size_t n,
				  struct vigie_buf *scratch, unsigned char out[32])
{
	struct sha256 h;
	int oom = 0;
	vigie_buf_reset(scratch);
	for (size_t i = 0; i < n && !oom; i++) {
		const char *v[6] = { f[i].cve, f[i].source, f[i].installed_version,
				     f[i].fixed_version, f[i].cls, f[i].state };
		for (int k = 0; k < 6 && !oom; k++)
			oom = vigie_buf_adds(scratch, v[k] ? v[k] : "\001") ||
			      vigie_buf_addc(scratch, '\037');
		oom = oom || vigie_buf_addc(scratch, f[i].not_effective ? '1' : '0');
	}
	if (oom)
		return VIGIE_ENOMEM;
	vigie_sha256_init(&h);
	vigie_sha256_update(&h, scratch->data, scratch->len);
	vigie_sha256_final(&h, out);
	return 0;
}

static int cmp_group_digest(const void *pa, const void *pb)
{
	const struct vigie_facts_group *a = pa, *b = pb;
	return strcmp(a->source, b->source);
}

void vigie_app_facts_digest_combine(struct vigie_facts_group *g, size_t n,
				    char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	struct sha256 h;
	uint8_t d[SHA256_DIGEST_LEN];
	char chunk[4096];
	size_t used = 0;
	if (n > 1)
		qsort(g, n, sizeof(*g), cmp_group_digest);
	vigie_sha256_init(&h);
	/* hashed 4 KiB at a time: a call per field costs more than the hash */
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(g[i].source), need = l + 1 + sizeof(g[i].digest);
		if (used + need > sizeof(chunk)) {
			vigie_sha256_update(&h, chunk, used);
			used = 0;
		}
		if (need > sizeof(chunk)) {
			vigie_sha256_update(&h, g[i].source, l);
			vigie_sha256_update(&h, "\037", 1);
			vigie_sha256_update(&h, g[i].digest, sizeof(g[i].digest));
			continue;
		}
		memcpy(chunk + used, g[i].source, l);
		chunk[used + l] = '\037';
		memcpy(chunk + used + l + 1, g[i].digest, sizeof(g[i].digest));
		used += need;
	}
	if (used)
		vigie_sha256_update(&h, chunk, used);
	vigie_sha256_final(&h, d);
	for (size_t i = 0; i < SHA256_DIGEST_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[SHA256_HEX_LEN] = 0;
}

static int cmp_fact_source_cve(const void *pa, const void *pb)
{
	const struct store_finding_fact *a = pa, *b = pb;
	int c = strcmp(a->source, b->source);
	return c ? c : strcmp(a->cve, b->cve);
}

/* The digest of facts[0..n) (any order) into hex. */
static int facts_digest(const struct store_finding_fact *facts, size_t n,
			char hex[SHA256_HEX_LEN + 1])
{
	struct store_finding_fact *v = NULL;
	struct vigie_facts_group *g = NULL;
	struct vigie_buf scratch = VIGIE_BUF_INIT;
	size_t ng = 0;
	int rc = 0;
	if (n && (!(v = malloc(n * sizeof(*v))) || !(g = malloc(n * sizeof(*g))))) {
		free(v);
		return VIGIE_ENOMEM;
	}
	if (n)
		memcpy(v, facts, n * sizeof(*v));
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_fact_source_cve);
	for (size_t i = 0; !rc && i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(v[j].source, v[i].source))
			j++;
		g[ng].source = v[i].source;
		rc = vigie_app_facts_source_digest(v + i, j - i, &scratch, g[ng].digest);
		ng++;
		i = j;
	}
	if (!rc)
		vigie_app_facts_digest_combine(g, ng, hex);
	vigie_buf_release(&scratch);
	free(v);
	free(g);
	return rc;
}

void vigie_app_finding_fact(const struct finding *f, struct store_finding_fact *out)
{
	out->cve = f->cve;
	out->source = f->source;
	out->installed_version = f->source_version;
	out->fixed_version = f->fixed_version;
	out->cls = class_name(f->cls);
	out->state = fact_state(f);
	out->not_effective = f->reboot_required || f->restart_required;
}

/* The summary's fields res gives (a verdict aside). */
static void summary_of(struct store_host_summary *sum, const struct scan_result *res,
		       int64_t when, const char *basis, long pending_security)
{
	memset(sum, 0, sizeof(*sum));
	sum->computed_at = when;
	sum->basis = basis;
	sum->pending_security = pending_security;
	sum->lifecycle = res->lifecycle.state;
	sum->lifecycle_end = res->lifecycle.state && !strcmp(res->lifecycle.state, "lts")
				     ? res->lifecycle.eol_lts
			     : res->lifecycle.state && !strcmp(res->lifecycle.state, "elts")
				     ? res->lifecycle.eol_elts
				     : res->lifecycle.eol;
	sum->reboot = res->kernel.reboot_required;
	if (res->undetermined) {
		sum->verdict = "undetermined";
		sum->reason = res->undetermined;
	} else {
		sum->verdict = "judged";
	}
}

/* Record the judgement res whose findings are facts[0..n), open[] of
 * them per class. With only (a
 * partial judgement), they are those of only's sources alone, judged on
 * their own: the caller knows every other source's findings unchanged
 * since the stored judgement kept, whose counts are corrected by the
 * difference; when they cannot be (kept counts fewer findings than the
 * history holds), *redo is set and no summary stored: the caller judges
 * in full. */
static int record_facts(struct vigie_store *s, int64_t host_id, int64_t when,
			const struct scan_result *res, const struct store_finding_fact *facts,
			size_t n, const long open[3], long pending_security, const char *basis,
			const struct vigie_strv *only, const struct store_host_summary *kept,
			struct store_host_summary *sum, int *redo, struct vigie_error *err)
{
	long before[3] = { 0, 0, 0 };
	char digest[SHA256_HEX_LEN + 1];
	int rc = 0, same = 0;

	*redo = 0;
	summary_of(sum, res, when, basis, pending_security);
	/* a partial judgement leaves the kernel out: its reboot stands */
	if (only)
		sum->reboot = kept->reboot;
	if (res->undetermined) /* no verdict: the history keeps what it knew */
		return vigie_store_host_summary_put(s, host_id, sum, err);
	memcpy(sum->open, open, sizeof(sum->open));
	/* a full judgement finding what the last full one wrote leaves the
	 * history unread; a partial one leaves no digest */
	if (!only) {
		if (facts_digest(facts, n, digest))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		sum->facts_digest = digest;
		rc = vigie_store_finding_history_same(s, host_id, when, digest, &same, err);
	}
	if (!rc && !same)
		rc = only ? vigie_store_finding_history_update_some(
				    s, host_id, when, res->kernel.booted_at, facts, n,
				    (const char *const *)only->v, only->n, before, err)
			  : vigie_store_finding_history_update(s, host_id, when,
							       res->kernel.booted_at, facts, n,
							       err);
	for (int c = 0; !rc && only && c < 3; c++) {
		sum->open[c] += kept->open[c] - before[c];
		if (sum->open[c] < 0)
			*redo = 1; /* summary and history disagree: judge in full */
	}
	if (!rc && !*redo)
		rc = vigie_store_host_summary_put(s, host_id, sum, err);
	sum->facts_digest = NULL; /* digest was local */
	return rc;
}

/* record_facts with the facts of res's findings. */
static int record(struct vigie_store *s, int64_t host_id, int64_t when,
		  const struct scan_result *res, long pending_security, const char *basis,
		  const struct vigie_strv *only, const struct store_host_summary *kept,
		  struct store_host_summary *sum, int *redo, struct vigie_error *err)
{
	struct store_finding_fact *facts = NULL;
	long open[3] = { 0, 0, 0 };
	int rc;
	if (!res->undetermined && res->n && !(facts = calloc(res->n, sizeof(*facts))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; facts && i < res->n; i++) {
		vigie_app_finding_fact(&res->findings[i], &facts[i]);
		if ((int)res->findings[i].cls >= 0 && (int)res->findings[i].cls < 3)
			open[res->findings[i].cls]++;
	}
	rc = record_facts(s, host_id, when, res, facts, res->undetermined ? 0 : res->n, open,
			  pending_security, basis, only, kept, sum, redo, err);
	free(facts);
	return rc;
}

int vigie_app_record_summed(struct vigie_store *s, int64_t host_id, int64_t when,
			    const struct scan_result *res, const char *basis,
			    const struct vigie_strv *only, const struct vigie_summed *x,
			    struct store_host_summary *sum, struct vigie_error *err)
{
	int rc = 0;
	summary_of(sum, res, when, basis, -1);
	if (res->undetermined)
		return vigie_store_host_summary_put(s, host_id, sum, err);
	memcpy(sum->open, x->open, sizeof(sum->open));
	sum->facts_digest = x->digest;
	if (!x->same)
		rc = only ? vigie_store_finding_history_update_some(
				    s, host_id, when, res->kernel.booted_at, x->facts, x->n,
				    (const char *const *)only->v, only->n, NULL, err)
			  : vigie_store_finding_history_update(s, host_id, when,
							       res->kernel.booted_at, x->facts,
							       x->n, err);
	if (!rc)
		rc = vigie_store_host_summary_put(s, host_id, sum, err);
	sum->facts_digest = NULL;
	return rc;
}

int vigie_app_record_judgement(struct vigie_store *s, int64_t host_id, int64_t when,
			       const struct scan_result *res, long pending_security,
			       const char *basis, struct store_host_summary *sum,
			       struct vigie_error *err)
{
	int redo = 0;
	return record(s, host_id, when, res, pending_security, basis, NULL, NULL, sum, &redo,
		      err);
}

/* Judge inv (its own sources only: a one-host index; with a cache, the
 * release's shared index, which res then holds), with the processes the
 * host's last inventory said still run replaced files (host_id 0: none).
 * res points into *idxp, which the caller frees after res
 * (vigie_vulnindex_free). */
static int judge(struct vigie_store *s, struct vigie_index_cache *cache, int64_t host_id,
		 const struct inventory *inv, const struct policy *pol, int64_t when,
		 struct scan_result *res, int *have_res, struct vulnindex **idxp,
		 struct vigie_error *err)
{
	struct vigie_strv sources;
	struct vulnindex *idx = NULL;
	struct scan_opts so;
	int rc;

	*have_res = 0;
	*idxp = NULL;
	vigie_strv_init(&sources);
	if (!inv->release)
		return 0;
	if (cache) {
		const struct vulnindex *shared;
		if ((rc = vigie_index_cache_get(cache, s, inv->release, &shared, err)))
			return rc;
		memset(&so, 0, sizeof(so));
		so.policy = pol;
		so.now = when;
		so.facts = vigie_index_cache_facts(cache, shared);
		if ((rc = vigie_scan_run(res, inv, shared, s, &so, err))) {
			vigie_index_cache_put(cache, shared);
			return rc;
		}
		/* released with res (vigie_scan_result_release) */
		res->held_cache = cache;
		res->held_index = shared;
		*have_res = 1;
		return host_id ? vigie_scan_add_stored_restart(res, s, host_id, inv, shared, pol, err)
			       : 0;
	}
	if (vigie_match_inventory_sources(inv, &sources))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	rc = vigie_vulnindex_build_for(&idx, s, inv->release, &sources, err);
	if (!rc) {
		memset(&so, 0, sizeof(so));
		so.policy = pol;
		so.now = when;
		rc = vigie_scan_run(res, inv, idx, s, &so, err);
		if (!rc)
			*have_res = 1;
		if (!rc && host_id)
			rc = vigie_scan_add_stored_restart(res, s, host_id, inv, idx, pol, err);
	}
	if (*have_res)
		*idxp = idx;
	else
		vigie_vulnindex_free(idx);
	vigie_strv_release(&sources);
	return rc;
}

int vigie_app_host_scan(struct vigie_store *s, const char *name, const struct policy *pol,
			struct inventory *inv, struct scan_result *res, int *have_res,
			struct vigie_error *err)
{
	return vigie_app_host_scan_cached(s, NULL, name, pol, inv, res, have_res, err);
}

int vigie_app_host_scan_cached(struct vigie_store *s, struct vigie_index_cache *cache,
			       const char *name, const struct policy *pol,
			       struct inventory *inv, struct scan_result *res,
			       int *have_res, struct vigie_error *err)
{
	const struct vulnindex *idx;
	struct scan_opts so;
	int64_t host_id = 0;
	int rc;
	*have_res = 0;
	if ((rc = vigie_store_host_load(s, name, inv, err)) ||
	    (rc = vigie_store_host_id(s, name, &host_id, err)))
		return rc;
	if (!cache || !inv->release) {
		struct vulnindex *own = NULL;
		rc = judge(s, NULL, host_id, inv, pol, 0, res, have_res, &own, err);
		if (*have_res) {
			/* the result's strings live in the index: keep it with
			 * the result (freed by vigie_scan_result_release) */
			res->owned_index = own;
		}
		return rc;
	}
	if ((rc = vigie_index_cache_get(cache, s, inv->release, &idx, err)))
		return rc;
	memset(&so, 0, sizeof(so));
	so.policy = pol;
	so.facts = vigie_index_cache_facts(cache, idx);
	rc = vigie_scan_run(res, inv, idx, s, &so, err);
	if (!rc && (rc = vigie_scan_add_stored_restart(res, s, host_id, inv, idx, pol, err)))
		vigie_scan_result_release(res);
	if (rc) {
		vigie_index_cache_put(cache, idx);
		return rc;
	}
	/* the findings point into the cached index: hold it with them */
	res->held_cache = cache;
	res->held_index = idx;
	*have_res = 1;
	return 0;
}

struct owner {
	char client[VIGIE_NAME_MAX + 1];
	int found;
};

/* The stored summary, when its basis is the one given. */
struct kept {
	const char *basis;
	int same, judged;
	struct store_host_summary sum;
	char verdict[32], reason[256];
};

static int kept_cb(void *ud, const struct store_host_summary *m)
{
	struct kept *k = ud;
	k->same = m->basis && m->verdict && !strcmp(m->basis, k->basis);
	k->judged = m->verdict && !strcmp(m->verdict, "judged");
	if (!k->same)
		return 0;
	k->sum = *m;
	k->sum.verdict = k->sum.reason = k->sum.lifecycle = k->sum.lifecycle_end = NULL;
	k->sum.basis = NULL;
	if (strcmp(m->verdict, "judged"))
		snprintf(k->verdict, sizeof(k->verdict), "undetermined");
	else
		snprintf(k->verdict, sizeof(k->verdict), "%s",
			 m->open[0] + m->open[1] + m->open[2] ? "findings" : "no-findings");
	snprintf(k->reason, sizeof(k->reason), "%s", m->reason ? m->reason : "");
	return 0;
}

static int owner_cb(void *ud, const struct store_host *h)
{
	struct owner *o = ud;
	o->found = 1;
	snprintf(o->client, sizeof(o->client), "%s", h->client ? h->client : "");
	return 0;
}

/* Processes running replaced code make findings ("fixed, restart needed")
 * that no package change shows: a host with such processes in its last
 * inventory or in this one is judged again in full. */
static int restart_busy(struct vigie_store *s, int64_t host_id, const struct store_restart *now,
			int *busy, struct vigie_error *err)
{
	struct vigie_arena A;
	struct store_restart before;
	int known = 0, rc;
	vigie_arena_init(&A);
	rc = vigie_store_host_restart_get(s, host_id, &before, &known, &A, err);
	*busy = (known && before.n) || (now && now->n);
	vigie_arena_release(&A);
	return rc;
}

int vigie_app_sources_touch_kernel(const struct vigie_strv *sources)
{
	for (size_t i = 0; i < sources->n; i++)
		if (!strncmp(sources->v[i], "linux", 5))
			return 1;
	return 0;
}

/* part: inv with the packages of sources alone (their kernel mapping
 * applied, as findings name them); it shares inv's strings and arena, and
 * only part->pkgs is the caller's to free. */
static int only_sources(const struct inventory *inv, const struct vigie_strv *sources,
			struct inventory *part, struct vigie_error *err)
{
	struct vigie_hashmap want;
	int rc = 0;
	*part = *inv;
	part->npkgs = 0;
	vigie_hashmap_init(&want);
	if (!(part->pkgs = malloc((inv->npkgs ? inv->npkgs : 1) * sizeof(*part->pkgs))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < sources->n; i++) {
		void **slot = vigie_hashmap_slot(&want, sources->v[i], strlen(sources->v[i]));
		if (!slot) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		*slot = sources->v[i];
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		const char *src = vigie_kernel_source(inv->pkgs[i].source);
		if (vigie_hashmap_get(&want, src, strlen(src)))
			part->pkgs[part->npkgs++] = inv->pkgs[i];
	}
out:
	vigie_hashmap_release(&want);
	return rc;
}

int vigie_app_host_ingest(struct vigie_store *s, const struct inventory *inv,
			  const struct vigie_ingest *in, struct vigie_ingest_result *out,
			  struct vigie_error *err)
{
	struct services_table table;
	struct services_found found;
	struct scan_result res;
	struct owner own;
	struct vigie_buf names = VIGIE_BUF_INIT;
	const char **svc = NULL;
	int64_t when = in->when ? in->when : vigie_now();
	int rc, have_res = 0, in_tx = 0;
	long pending = in->have_candidates ? 0 : -1; /* -1: not collected */
	struct inventory stamped;
	struct vulnindex *idx = NULL;
	struct store_host_changes ch;
	struct kept k;
	char basis[256] = "";
	int only = 0, busy = 0;
	struct inventory part;

	memset(out, 0, sizeof(*out));
	memset(&part, 0, sizeof(part));
	memset(&own, 0, sizeof(own));
	memset(&k, 0, sizeof(k));
	memset(&ch, 0, sizeof(ch));
	vigie_strv_init(&ch.sources);
	vigie_services_table_init(&table);
	vigie_services_found_init(&found);
	if (!inv->host || !*inv->host)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "the inventory names no host");
	if ((rc = vigie_store_host_get(s, inv->host, owner_cb, &own, err)) &&
	    rc != VIGIE_ENOTFOUND)
		goto out;
	rc = 0;
	out->existed = own.found;
	if (own.found && in->client && own.client[0] && strcmp(own.client, in->client)) {
		/* never move a host between tenants through an inventory */
		rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				     "host %s belongs to another client", inv->host);
		goto out;
	}
	if ((rc = vigie_services_load(&table, in->services_path, err)) ||
	    (rc = vigie_services_derive(&found, &table, inv, err)))
		goto out;
	if (found.n && !(svc = calloc(found.n, sizeof(*svc)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < found.n; i++) {
		svc[i] = found.v[i].service;
		vigie_buf_addf(&names, "%s%s", i ? ", " : "", found.v[i].service);
	}
	out->services = found.n;
	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	if (in->digest && own.found) {
		int64_t id;
		if ((rc = vigie_store_host_id(s, inv->host, &id, err)))
			goto out;
		if ((rc = vigie_store_push_seen(s, id, in->digest, err)) < 0)
			goto out;
		if (rc == 1) {
			/* the same document again: stored once */
			out->duplicate = 1;
			out->host_id = id;
			rc = 0;
			goto out;
		}
	}
	/* an inventory without its own time is dated by its arrival */
	stamped = *inv;
	if (!stamped.inventoried_at)
		stamped.inventoried_at = when;
	if ((rc = vigie_store_host_put_changes(s, &stamped, in->client,
					       in->origin ? in->origin : "cli", &out->host_id,
					       &ch, err)) ||
	    (rc = vigie_store_host_services_set_derived(s, out->host_id, svc, found.n, err)) ||
	    (rc = restart_busy(s, out->host_id, in->restart, &busy, err)) ||
	    (rc = vigie_store_host_restart_set(s, out->host_id, in->restart, err)))
		goto out;
	if (in->logs && in->logs->nevents &&
	    (rc = vigie_history_store_in_tx(s, inv->host, in->logs, &out->events_added, err)))
		goto out;
	if (in->have_candidates) {
		if ((rc = vigie_store_host_candidates_set(s, out->host_id, in->candidates,
							  in->ncandidates, err)))
			goto out;
		for (size_t i = 0; i < in->ncandidates; i++)
			pending += in->candidates[i].security ? 1 : 0;
	}
	out->packages_written = ch.added + ch.changed + ch.removed;
	if (inv->release) {
		if ((rc = vigie_app_judgement_basis(s, in->policy, when, basis, sizeof(basis),
						    err)))
			goto out;
		if (ch.existed && !ch.host_changed) {
			k.basis = basis;
			if ((rc = vigie_store_host_summary_get(s, out->host_id, kept_cb, &k, err)) &&
			    rc != VIGIE_ENOTFOUND)
				goto out;
			rc = 0;
		}
		if (k.same && !out->packages_written && !busy) {
			/* the same host as judged, on the same basis: the
			 * judgement stands, findings and summary are kept */
			if ((rc = vigie_store_host_summary_confirm(s, out->host_id, when, pending,
								   err)))
				goto out;
			out->summary = k.sum;
			out->summary.computed_at = when;
			if (pending >= 0)
				out->summary.pending_security = pending;
			snprintf(out->verdict, sizeof(out->verdict), "%s", k.verdict);
			snprintf(out->reason, sizeof(out->reason), "%s", k.reason);
			out->kept = 1;
			goto record;
		}
		/* judged before on this basis and a few packages changed (no
		 * kernel): every other source's findings are those stored, so
		 * only the changed sources' rows are compared */
		only = !busy && k.same && k.judged && !ch.sources_over && ch.sources.n &&
		       !vigie_app_sources_touch_kernel(&ch.sources);
	}
	/* a partial judgement judges the changed sources' packages alone */
	if (only && (rc = only_sources(inv, &ch.sources, &part, err)))
		goto out;
again:
	/* a partial judgement runs only when no process runs replaced code:
	 * the stored process data then adds nothing, and is not read again */
	if ((rc = judge(s, in->cache, only ? 0 : out->host_id, only ? &part : inv, in->policy,
			when, &res, &have_res, &idx, err)))
		goto out;
	if (have_res) {
		int redo;
		const struct store_host_summary *sum = &out->summary;
		if ((rc = record(s, out->host_id, when, &res, pending, basis,
				 only ? &ch.sources : NULL, &k.sum, &out->summary, &redo, err)))
			goto out;
		if (redo) {
			vigie_scan_result_release(&res);
			vigie_vulnindex_free(idx);
			idx = NULL;
			have_res = only = 0;
			goto again;
		}
		snprintf(out->verdict, sizeof(out->verdict), "%s",
			 res.undetermined ? "undetermined"
			 : sum->open[0] + sum->open[1] + sum->open[2] ? "findings"
								      : "no-findings");
		out->partial = only ? ch.sources.n : 0;
		if (res.undetermined)
			snprintf(out->reason, sizeof(out->reason), "%s", res.undetermined);
	} else {
		struct store_host_summary sum;
		memset(&sum, 0, sizeof(sum));
		sum.computed_at = when;
		sum.verdict = "undetermined";
		sum.reason = "the host's release is unknown";
		sum.pending_security = pending;
		if ((rc = vigie_store_host_summary_put(s, out->host_id, &sum, err)))
			goto out;
		snprintf(out->verdict, sizeof(out->verdict), "undetermined");
		snprintf(out->reason, sizeof(out->reason), "%s", sum.reason);
		out->summary = sum;
		out->summary.reason = NULL;
		out->summary.verdict = NULL;
	}
record:
	if (in->digest && (rc = vigie_store_push_record(s, out->host_id, in->digest, when,
							in->bytes, (long)inv->npkgs, err)))
		goto out;
	rc = vigie_store_commit(s, err);
	in_tx = 0;
out:
	if (in_tx) {
		if (rc)
			vigie_store_rollback(s);
		else
			rc = vigie_store_commit(s, err);
	}
	if (have_res) {
		/* the summary's strings point into res: keep only the counts */
		out->summary.verdict = out->summary.reason = NULL;
		out->summary.lifecycle = out->summary.lifecycle_end = NULL;
		vigie_scan_result_release(&res);
	}
	vigie_vulnindex_free(idx);
	free(part.pkgs);
	vigie_store_host_changes_release(&ch);
	free(svc);
	out->service_names = names.data;
	if (rc)
		vigie_buf_release(&names), out->service_names = NULL;
	vigie_services_found_release(&found);
	vigie_services_table_release(&table);
	return rc;
}

void vigie_ingest_result_release(struct vigie_ingest_result *r)
{
	if (!r)
		return;
	free((char *)r->service_names);
	r->service_names = NULL;
}

int vigie_app_host_rejudge(struct vigie_store *s, struct vigie_index_cache *cache,
			   int64_t host_id, const char *name, const struct policy *pol,
			   int64_t when, const char *basis, const char *old_basis,
			   const struct vigie_strv *sources, int *partial,
			   struct vigie_error *err)
{
	struct inventory inv, part;
	struct scan_result res;
	struct vulnindex *idx = NULL;
	struct store_host_summary sum;
	struct kept k;
	int rc, have_res = 0, only = 0, busy = 0, redo = 0;

	*partial = 0;
	memset(&inv, 0, sizeof(inv));
	memset(&part, 0, sizeof(part));
	memset(&k, 0, sizeof(k));
	if (sources && sources->n && sources->n <= 64 && old_basis) {
		k.basis = old_basis;
		if ((rc = vigie_store_host_summary_get(s, host_id, kept_cb, &k, err)) &&
		    rc != VIGIE_ENOTFOUND)
			goto out;
		if ((rc = restart_busy(s, host_id, NULL, &busy, err)))
			goto out;
		only = !busy && k.same && k.judged && !vigie_app_sources_touch_kernel(sources);
	}
	/* a partial judgement reads the packages of its sources alone */
	rc = only ? vigie_store_host_load_sources(s, name, (const char *const *)sources->v,
						  sources->n, &part, err)
		  : vigie_store_host_load(s, name, &inv, err);
	if (rc)
		goto out;
again:
	/* as in vigie_app_host_ingest: not busy, nothing to read again */
	if ((rc = judge(s, cache, only ? 0 : host_id, only ? &part : &inv, pol, when, &res,
			&have_res, &idx, err)))
		goto out;
	if (!have_res) {
		memset(&sum, 0, sizeof(sum));
		sum.computed_at = when;
		sum.verdict = "undetermined";
		sum.reason = "the host's release is unknown";
		sum.pending_security = -1;
		rc = vigie_store_host_summary_put(s, host_id, &sum, err);
		goto out;
	}
	rc = record(s, host_id, when, &res, -1, basis, only ? sources : NULL, &k.sum, &sum, &redo,
		    err);
	vigie_scan_result_release(&res);
	have_res = 0;
	vigie_vulnindex_free(idx);
	idx = NULL;
	if (!rc && redo) {
		only = 0;
		if ((rc = vigie_store_host_load(s, name, &inv, err)))
			goto out;
		goto again;
	}
	*partial = !rc && only;
out:
	if (have_res)
		vigie_scan_result_release(&res);
	vigie_vulnindex_free(idx);
	vigie_inventory_release(&part);
	vigie_inventory_release(&inv);
	return rc;
}
