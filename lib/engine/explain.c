#include "vigie/engine/explain.h"
#include "vigie/store/decisions.h"
#include "vigie/render/json.h"
#include "vigie/render/vulndoc.h"
#include "vigie/engine/match.h"
#include "vigie/engine/vulnindex.h"

#include <stdlib.h>
#include <string.h>

/* A tracker row or an advisory fix line naming the issue, copied. */
struct issue_row {
	const char *release, *source, *status, *fixed_version, *urgency,
		*nodsa, *nodsa_reason;
	const char *advisory, *advisory_date, *description, *kind, *note;
};

struct rows {
	struct vigie_arena arena;
	struct issue_row *v;
	size_t n, cap;
};

static const char *ad(struct vigie_arena *a, const char *s)
{
	return s ? vigie_arena_strdup(a, s) : NULL;
}

/* A new zeroed row with the fields both kinds have; NULL on OOM. */
static struct issue_row *rows_add(struct rows *rs, const char *release,
				  const char *source, const char *fixed_version)
{
	struct issue_row *d;
	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 16;
		struct issue_row *nv = realloc(rs->v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		rs->v = nv;
		rs->cap = nc;
	}
	d = &rs->v[rs->n++];
	memset(d, 0, sizeof(*d));
	d->release = ad(&rs->arena, release);
	d->source = ad(&rs->arena, source);
	d->fixed_version = ad(&rs->arena, fixed_version);
	return d;
}

static int collect_tracker(void *ud, const struct store_tracker_row *r)
{
	struct rows *rs = ud;
	struct issue_row *d = rows_add(rs, r->release, r->source, r->fixed_version);
	if (!d)
		return VIGIE_ENOMEM;
	d->status = ad(&rs->arena, r->status);
	d->urgency = ad(&rs->arena, r->urgency);
	d->nodsa = ad(&rs->arena, r->nodsa);
	d->nodsa_reason = ad(&rs->arena, r->nodsa_reason);
	return 0;
}

static int collect_advisory(void *ud, const struct store_advisory_fix *r)
{
	struct rows *rs = ud;
	struct issue_row *d = rows_add(rs, r->release, r->source, r->version);
	if (!d)
		return VIGIE_ENOMEM;
	d->advisory = ad(&rs->arena, r->advisory);
	d->advisory_date = ad(&rs->arena, r->date);
	d->description = ad(&rs->arena, r->description);
	d->kind = ad(&rs->arena, r->kind);
	d->note = ad(&rs->arena, r->note);
	return 0;
}

static void rows_release(struct rows *r)
{
	free(r->v);
	vigie_arena_release(&r->arena);
}

static int involved(const struct rows *t, const struct rows *a, const char *source)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].source, source))
			return 1;
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].source, source))
			return 1;
	return 0;
}

static const char *kernel_norm(const char *source)
{
	return vigie_kernel_source(source);
}

/* Why a host without a finding is not affected, in one sentence. */
static void why_not(struct vigie_buf *o, const struct inventory *inv,
		    const struct rows *t, const struct rows *a, const char *vuln,
		    const struct scan_result *res)
{
	int any = 0;
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		const char *src = kernel_norm(p->source);
		if (!involved(t, a, src))
			continue;
		any = 1;
		if (!strcmp(src, "linux") && vigie_match_is_kernel_image(p->name) &&
		    res->kernel.running_package && strcmp(p->name, res->kernel.running_package)) {
			vigie_buf_addf(o, "%s is installed but not the running kernel", p->name);
			return;
		}
		if (!strcmp(src, "linux") && !res->kernel.running_version) {
			/* only the running kernel is judged, and none is known */
			vigie_buf_addf(o, "the kernel is not checked (%s)",
				       res->kernel.note ? res->kernel.note : "no running Debian kernel");
			return;
		}
		for (size_t k = 0; k < t->n; k++) {
			const struct issue_row *r = &t->v[k];
			if (strcmp(r->release, inv->release) || strcmp(r->source, src))
				continue;
			if (r->fixed_version && !strcmp(r->fixed_version, "0")) {
				vigie_buf_addf(o, "Debian marks %s not affected in %s", src, inv->release);
				return;
			}
			if (r->urgency && !strcmp(r->urgency, "unimportant")) {
				vigie_buf_addf(o, "Debian rates %s unimportant for %s (use"
					       " --include-unimportant with scan)", vuln, src);
				return;
			}
			if (r->fixed_version) {
				vigie_buf_addf(o, "installed source version %s of %s is at or above"
					       " Debian's fixed version %s for %s: the fix is"
					       " installed, whatever upstream version it reports",
					       !strcmp(src, "linux") && res->kernel.running_version
						       ? res->kernel.running_version : p->source_version,
					       src, r->fixed_version, inv->release);
				return;
			}
		}
		for (size_t k = 0; k < a->n; k++) {
			const struct issue_row *r = &a->v[k];
			if (strcmp(r->release, inv->release) || strcmp(r->source, src))
				continue;
			if (r->kind && !strcmp(r->kind, "not-affected")) {
				vigie_buf_addf(o, "%s marks %s not affected in %s", r->advisory, src,
					       inv->release);
				return;
			}
			if (r->fixed_version) {
				vigie_buf_addf(o, "installed source version %s of %s is at or above"
					       " the version %s fixed by %s",
					       !strcmp(src, "linux") ? res->kernel.running_version
								     : p->source_version,
					       src, r->fixed_version, r->advisory);
				return;
			}
		}
	}
	if (!any)
		vigie_buf_addf(o, "no installed package comes from a source package Debian"
			       " lists for %s", vuln);
	else
		vigie_buf_addf(o, "Debian's data has no entry for %s in %s", vuln, inv->release);
}

int vigie_explain_render(struct vigie_buf *out, struct vigie_store *s, const char *vuln,
		   const struct inventory *inv, const struct explain_opts *opts,
		   enum explain_verdict *verdict, struct vigie_error *err)
{
	struct rows t, a;
	struct store_vuln_facts facts;
	struct vigie_arena facts_mem; /* facts' strings */
	struct vulnindex *idx = NULL;
	struct scan_result res;
	struct scan_opts so;
	const struct finding *f = NULL;
	struct vigie_buf why = VIGIE_BUF_INIT;
	const char *verdict_name = NULL;
	int rc, scanned = 0;

	*verdict = VIGIE_EXPLAIN_NOT_AFFECTED;
	memset(&t, 0, sizeof(t));
	memset(&a, 0, sizeof(a));
	memset(&facts, 0, sizeof(facts));
	vigie_arena_init(&facts_mem);
	vigie_arena_init(&t.arena);
	vigie_arena_init(&a.arena);
	if ((rc = vigie_store_tracker_for_vuln(s, vuln, collect_tracker, &t, err)) ||
	    (rc = vigie_store_advisory_cve_fixes(s, NULL, vuln, collect_advisory, &a, err)) ||
	    (rc = vigie_store_vuln_facts_get(s, vuln, &facts_mem, &facts, err)))
		goto out;
	if (inv && inv->release) {
		memset(&so, 0, sizeof(so));
		so.include_unimportant = 1;
		so.policy = opts->policy;
		so.now = opts->now;
		if ((rc = vigie_vulnindex_build(&idx, s, inv->release, err)) ||
		    (rc = vigie_scan_run(&res, inv, idx, s, &so, err)))
			goto out;
		scanned = 1;
		for (size_t i = 0; i < res.n; i++)
			if (!strcmp(res.findings[i].cve, vuln) &&
			    !(res.findings[i].urgency &&
			      !strcmp(res.findings[i].urgency, "unimportant")))
				f = &res.findings[i];
		if (f)
			*verdict = VIGIE_EXPLAIN_AFFECTED;
		else if (res.undetermined)
			*verdict = VIGIE_EXPLAIN_UNKNOWN;
		else if (t.n || a.n)
			why_not(&why, inv, &t, &a, vuln, &res);
	}
	/* no row names the issue: nothing to conclude from, host or not */
	if (!t.n && !a.n && *verdict != VIGIE_EXPLAIN_AFFECTED)
		*verdict = VIGIE_EXPLAIN_UNKNOWN;
	if (*verdict == VIGIE_EXPLAIN_UNKNOWN) {
		vigie_buf_reset(&why);
		if (scanned && res.undetermined)
			vigie_buf_addf(&why, "unknown: %s", res.undetermined);
		else
			vigie_buf_addf(&why, "unknown: the database has no Debian data for %s", vuln);
		if (!why.data) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
	}
	if (scanned || *verdict == VIGIE_EXPLAIN_UNKNOWN)
		verdict_name = *verdict == VIGIE_EXPLAIN_AFFECTED ? "affected"
			       : *verdict == VIGIE_EXPLAIN_UNKNOWN ? "unknown" : "not-affected";

	if (opts->json) {
		yajl_gen g = vigie_json_gen_new(out);
		if (!g) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "schema", "vigie.explain/1");
		vigie_json_kv_str(g, "vuln", vuln);
		vigie_json_kv_str(g, "description", facts.description);
		vigie_json_kv_str(g, "scope", facts.scope);
		vigie_json_kv_score(g, "cvss", facts.cvss);
		vigie_json_kv_str(g, "cvss_vector", facts.cvss_vector);
		vigie_json_kv_bool(g, "kev", facts.kev_added != NULL);
		vigie_json_kv_str(g, "kev_date_added", facts.kev_added);
		vigie_json_key(g, "tracker");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < t.n; i++) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "release", t.v[i].release);
			vigie_json_kv_str(g, "source", t.v[i].source);
			vigie_json_kv_str(g, "status", t.v[i].status);
			vigie_json_kv_str(g, "fixed_version", t.v[i].fixed_version);
			vigie_json_kv_str(g, "urgency", t.v[i].urgency);
			vigie_json_kv_str(g, "nodsa", t.v[i].nodsa);
			vigie_json_kv_str(g, "nodsa_reason", t.v[i].nodsa_reason);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		vigie_json_key(g, "advisories");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < a.n; i++) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "advisory", a.v[i].advisory);
			vigie_json_kv_str(g, "date", a.v[i].advisory_date);
			vigie_json_kv_str(g, "release", a.v[i].release);
			vigie_json_kv_str(g, "source", a.v[i].source);
			vigie_json_kv_str(g, "version", a.v[i].fixed_version);
			vigie_json_kv_str(g, "kind", a.v[i].kind);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		if (scanned) {
			vigie_json_key(g, "host");
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "name", inv->host);
			vigie_json_kv_str(g, "release", inv->release);
			vigie_json_key(g, "packages");
			yajl_gen_array_open(g);
			for (size_t i = 0; i < inv->npkgs; i++) {
				const struct inventory_pkg *p = &inv->pkgs[i];
				if (!involved(&t, &a, kernel_norm(p->source)))
					continue;
				yajl_gen_map_open(g);
				vigie_json_kv_str(g, "name", p->name);
				vigie_json_kv_str(g, "version", p->version);
				vigie_json_kv_str(g, "source", p->source);
				vigie_json_kv_str(g, "source_version", p->source_version);
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
			vigie_json_kv_str(g, "kernel_running", res.kernel.running_version);
			vigie_json_kv_str(g, "kernel_note", res.kernel.note);
			vigie_json_kv_str(g, "lifecycle", res.lifecycle.state);
			vigie_json_kv_str(g, "lifecycle_message", res.lifecycle.message);
			yajl_gen_map_close(g);
			vigie_json_kv_str(g, "state", f ? vigie_finding_state_name(f->state) : NULL);
			vigie_json_kv_str(g, "class", f ? vigie_policy_class_name(f->cls) : NULL);
			vigie_json_kv_str(g, "class_rule", f ? f->class_rule : NULL);
		}
		if (verdict_name) {
			/* unknown is neither true nor false */
			vigie_json_key(g, "affected");
			if (*verdict == VIGIE_EXPLAIN_UNKNOWN)
				yajl_gen_null(g);
			else
				yajl_gen_bool(g, *verdict == VIGIE_EXPLAIN_AFFECTED);
			vigie_json_kv_str(g, "verdict", verdict_name);
			vigie_json_kv_str(g, "conclusion", f ? f->evidence : why.data);
		}
		vigie_json_key(g, "decision");
		vigie_render_decision_json(g, opts->decision, opts->decision_state,
					   opts->decision_was, opts->decision_now);
		yajl_gen_map_close(g);
		yajl_gen_free(g);
		goto out;
	}

	vigie_buf_addf(out, "%s\n", vuln);
	if (facts.description)
		vigie_buf_addf(out, "  %s\n", facts.description);
	if (facts.cvss >= 0)
		vigie_buf_addf(out, "CVSS %s %.1f %s (%s).\n",
			       facts.cvss_version ? facts.cvss_version : "", facts.cvss,
			       facts.cvss_vector ? facts.cvss_vector : "",
			       facts.cvss_origin ? facts.cvss_origin : "");
	if (facts.kev_added)
		vigie_buf_addf(out, "Listed in CISA's Known Exploited Vulnerabilities since %s.\n",
			       facts.kev_added);
	if (!t.n && !a.n)
		vigie_buf_addf(out, "The database has no Debian data for %s.\n", vuln);
	for (size_t i = 0; i < t.n; i++) {
		const struct issue_row *r = &t.v[i];
		vigie_buf_addf(out, "Debian security tracker, %s: %s is %s", r->release, r->source,
			       r->status);
		if (r->fixed_version && !strcmp(r->fixed_version, "0"))
			vigie_buf_adds(out, " (not affected)");
		else if (r->fixed_version)
			vigie_buf_addf(out, ", fixed in %s", r->fixed_version);
		if (r->urgency)
			vigie_buf_addf(out, "; urgency %s", r->urgency);
		if (r->nodsa)
			vigie_buf_addf(out, "; %s: %s", r->nodsa_reason && *r->nodsa_reason
							       ? r->nodsa_reason : "no-dsa",
				       r->nodsa);
		vigie_buf_adds(out, ".\n");
	}
	for (size_t i = 0; i < a.n; i++) {
		const struct issue_row *r = &a.v[i];
		vigie_buf_addf(out, "%s (%s): %s %s %s.\n", r->advisory,
			       r->advisory_date ? r->advisory_date : "?", r->release, r->source,
			       r->kind && strcmp(r->kind, "fixed") ? r->kind
			       : r->fixed_version ? r->fixed_version : "");
	}
	if (scanned) {
		int any = 0;
		vigie_buf_addf(out, "Host %s runs Debian %s", inv->host ? inv->host : "?",
			       inv->release);
		if (res.lifecycle.message)
			vigie_buf_addf(out, "; %s", res.lifecycle.message);
		else
			vigie_buf_adds(out, ".");
		vigie_buf_addc(out, '\n');
		for (size_t i = 0; i < inv->npkgs; i++) {
			const struct inventory_pkg *p = &inv->pkgs[i];
			if (!involved(&t, &a, kernel_norm(p->source)))
				continue;
			any = 1;
			vigie_buf_addf(out, "Installed: %s %s (source %s %s).\n", p->name, p->version,
				       p->source, p->source_version);
		}
		if (!any)
			vigie_buf_adds(out, "Installed: no package from the source packages above.\n");
		if (res.kernel.note && (involved(&t, &a, "linux")))
			vigie_buf_addf(out, "Kernel: %s%s%s.\n", res.kernel.note,
				       res.kernel.running_version ? "; running " : "",
				       res.kernel.running_version ? res.kernel.running_version : "");
		if (f)
			vigie_buf_addf(out, "Conclusion: affected (%s, %s; rule %s). %s\n",
				       vigie_finding_state_name(f->state), vigie_policy_class_name(f->cls),
				       f->class_rule, f->evidence);
		else if (*verdict != VIGIE_EXPLAIN_UNKNOWN)
			vigie_buf_addf(out, "Conclusion: not affected: %s.\n",
				       why.data ? why.data : "no finding");
	}
	if (*verdict == VIGIE_EXPLAIN_UNKNOWN)
		vigie_buf_addf(out, "Conclusion: %s.\n", why.data);
	if (opts->decision) {
		const struct vigie_decision *x = opts->decision;
		char at[16], ex[16] = "";
		vigie_date_format(x->at, at, sizeof(at));
		if (x->expires)
			vigie_date_format(x->expires - 86400, ex, sizeof(ex));
		int st = opts->decision_state;
		if (st == VIGIE_DECISION_REOPENED) {
			vigie_buf_addf(out, "Decision re-opened: %s changed (was ",
				       vigie_decision_what_changed(opts->decision_was,
								   opts->decision_now));
			vigie_buf_add_safe(out, opts->decision_was, strlen(opts->decision_was));
			vigie_buf_adds(out, ", now ");
			vigie_buf_add_safe(out, opts->decision_now, strlen(opts->decision_now));
			vigie_buf_adds(out, ").\n");
		}
		vigie_buf_addf(out, "Decision %lld: %s by ", (long long)x->id, x->status);
		vigie_buf_add_safe(out, x->by, strlen(x->by));
		vigie_buf_addf(out, " on %s%s%s%s: ", at,
			       !ex[0] ? "" : st == VIGIE_DECISION_EXPIRED ? ", expired after " : " until ",
			       ex, st ? " (no longer applies)" : "");
		vigie_buf_add_safe(out, x->reason, strlen(x->reason));
		vigie_buf_addc(out, '\n');
	}
out:
	if (scanned)
		vigie_scan_result_release(&res);
	vigie_vulnindex_free(idx);
	vigie_buf_release(&why);
	vigie_arena_release(&facts_mem);
	rows_release(&t);
	rows_release(&a);
	return rc;
}
