/* A scan completed with the host's pending updates (scan_pending.h). */
#include "vigie/engine/scan_pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/debian/debpkg.h"
#include "vigie/debian/debver.h"

void vigie_host_pending_release(struct host_pending *hp)
{
	vigie_pending_release(&hp->pend);
	vigie_aptlists_release(&hp->lists);
	vigie_aptsources_release(&hp->srcs);
	free(hp->pkgs);
	hp->pkgs = NULL;
}

int vigie_host_pending_load(struct host_pending *hp, const struct inventory *inv,
		      const char *root, const char *lists_dir, const char *arch,
		      struct vigie_error *err)
{
	int rc;

	memset(hp, 0, sizeof(*hp));
	vigie_aptsources_init(&hp->srcs);
	if (root && !strcmp(root, "/"))
		root = NULL;
	if (!lists_dir) {
		snprintf(hp->lists_dir, sizeof(hp->lists_dir), "%s/var/lib/apt/lists",
			 root ? root : "");
	} else {
		snprintf(hp->lists_dir, sizeof(hp->lists_dir), "%s", lists_dir);
	}
	if (inv->npkgs && !(hp->pkgs = calloc(inv->npkgs, sizeof(*hp->pkgs))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < inv->npkgs; i++) {
		hp->pkgs[i].name = inv->pkgs[i].name;
		hp->pkgs[i].arch = inv->pkgs[i].arch;
		hp->pkgs[i].version = inv->pkgs[i].version;
		hp->pkgs[i].source = inv->pkgs[i].source;
		hp->pkgs[i].source_version = inv->pkgs[i].source_version;
	}
	if ((rc = vigie_aptsources_load(&hp->srcs, root, err)))
		return rc;
	if ((rc = vigie_aptlists_find(&hp->lists, &hp->srcs, hp->lists_dir, err)))
		return rc;
	return vigie_pending_compute(&hp->pend, &hp->lists, hp->pkgs, inv->npkgs,
			       arch ? arch : inv->arch, err);
}

/* Kernel images come from linux-signed-* sources whose versions differ
 * from linux's ("6.1.76+1" for "6.1.76-1"); the index knows them as
 * "linux" at the binary's version, so pending updates are seen the same
 * way. */
static const char *pend_source(const struct pending_update *u)
{
	return vigie_kernel_source(u->source);
}

static const char *pend_source_version(const struct pending_update *u)
{
	return u->source && strcmp(vigie_kernel_source(u->source), u->source) ? u->candidate
									       : u->source_version;
}

static const char *adup(struct scan_result *r, const char *s)
{
	return s ? vigie_arena_strdup(&r->arena, s) : NULL;
}

/* The first suite of u's list (security suites come first). */
static const char *first_suite(struct scan_result *r, const struct pending_update *u)
{
	const char *s = u->suites ? u->suites : "";
	const char *c = strchr(s, ',');
	return c ? vigie_arena_strndup(&r->arena, s, (size_t)(c - s)) : adup(r, s);
}

static const struct finding_pending *make_pending(struct scan_result *r,
						  const struct pending_update *u)
{
	struct finding_pending *fp = vigie_arena_alloc(&r->arena, sizeof(*fp));
	if (!fp)
		return NULL;
	fp->package = adup(r, u->package);
	fp->candidate = adup(r, u->candidate);
	fp->suite = first_suite(r, u);
	fp->security = u->security;
	if (!fp->package || !fp->candidate || !fp->suite)
		return NULL;
	return fp;
}

/* The pending update of source carrying fixed (a security one preferred). */
static const struct pending_update *carrier(const struct pending *p, const char *source,
					    const char *fixed)
{
	const struct pending_update *best = NULL;
	struct debver fv;

	if (!fixed || vigie_debver_parse(&fv, fixed, NULL) < 0)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct pending_update *u = &p->v[i];
		struct debver sv;
		if (!pend_source(u) || !pend_source_version(u) || strcmp(pend_source(u), source) ||
		    vigie_debver_parse(&sv, pend_source_version(u), NULL) < 0 ||
		    vigie_debver_cmp(&sv, &fv) < 0)
			continue;
		/* a security update first, then the binary named like the source */
		if (!best || (u->security && !best->security) ||
		    (u->security == best->security && !strcmp(u->package, source) &&
		     strcmp(best->package, source)))
			best = u;
	}
	return best;
}

/* "...older." -> "...older; the pending update to V from S carries the fix." */
static const char *with_pending(struct scan_result *r, const char *evidence,
				const struct finding_pending *fp)
{
	size_t len = evidence ? strlen(evidence) : 0;
	if (len && evidence[len - 1] == '.')
		len--;
	return vigie_scan_result_printf(r, "%.*s; the pending update to %s from %s carries the fix.", (int)len,
		       evidence ? evidence : "", fp->candidate, fp->suite);
}

static int known_for(const struct vulnindex *idx, const char *source, const char *cve)
{
	const struct vuln_source *src = idx ? vigie_vulnindex_source(idx, source) : NULL;
	if (!src)
		return 0;
	for (size_t i = 0; i < src->n; i++)
		if (!strcmp(src->entries[i].vuln, cve))
			return 1;
	return 0;
}

static void facts_to_policy(struct policy_facts *pf, const struct store_vuln_facts *fa,
			    const char *urgency)
{
	memset(pf, 0, sizeof(*pf));
	pf->kev = fa->kev_added != NULL;
	pf->cvss = fa->cvss;
	pf->cvss_vector = fa->cvss_vector;
	pf->scope = fa->scope;
	pf->urgency = urgency;
}

struct clwalk {
	struct scan_result *res;
	const struct scan_pending_opts *o;
	const struct policy *policy;
	const struct pending_update *u;
	struct vigie_hashmap *keys; /* "cve\x1fsource" -> finding index + 1 */
};

static int add_bin(struct scan_result *r, struct finding *f, const struct pending_update *u)
{
	struct finding_bin *nb;
	for (size_t b = 0; b < f->nbins; b++)
		if (!strcmp(f->bins[b].name, u->package) && !strcmp(f->bins[b].arch, u->arch))
			return 0;
	if (!(nb = vigie_arena_alloc(&r->arena, (f->nbins + 1) * sizeof(*nb))))
		return VIGIE_ENOMEM;
	if (f->nbins)
		memcpy(nb, f->bins, f->nbins * sizeof(*nb));
	nb[f->nbins].name = adup(r, u->package);
	nb[f->nbins].version = adup(r, u->installed);
	nb[f->nbins].arch = adup(r, u->arch);
	if (!nb[f->nbins].name || !nb[f->nbins].version || !nb[f->nbins].arch)
		return VIGIE_ENOMEM;
	f->bins = nb;
	f->nbins++;
	return 0;
}

static int changelog_cve(void *ud, const char *version, const char *cve)
{
	struct clwalk *w = ud;
	struct scan_result *r = w->res;
	const struct pending_update *u = w->u;
	struct vigie_buf key = VIGIE_BUF_INIT;
	struct store_vuln_facts fa;
	struct vigie_arena read; /* fa's strings, copied into the result */
	struct finding *f;
	uintptr_t pos;
	void **slot;
	char *k;
	int rc = VIGIE_ENOMEM;

	memset(&fa, 0, sizeof(fa));
	fa.cvss = -1;
	vigie_arena_init(&read);
	if (known_for(w->o->idx, pend_source(u), cve))
		return 0; /* Debian's data has a verdict: it wins */
	if (vigie_buf_addf(&key, "%s\x1f%s", cve, pend_source(u)))
		goto out;
	pos = (uintptr_t)vigie_hashmap_get(w->keys, key.data, key.len);
	if (pos) {
		f = &r->findings[pos - 1];
		/* another binary of the source, or a scan finding: keep it */
		rc = f->data_source && !strcmp(f->data_source, "changelog") ? add_bin(r, f, u) : 0;
		goto out;
	}
	if (!(f = vigie_scan_result_slot(r)))
		goto out;
	f->cve = adup(r, cve);
	f->source = adup(r, pend_source(u));
	f->source_version = adup(r, u->installed_source_version ? u->installed_source_version
								 : u->installed);
	f->state = FINDING_FIXED_AVAILABLE;
	f->fixed_version = adup(r, version);
	f->data_source = "changelog";
	if (!f->cve || !f->source || !f->source_version || !f->fixed_version ||
	    add_bin(r, f, u) || !(f->pending = make_pending(r, u)))
		goto out;
	if (w->o->store) /* on error fa stays empty: no facts */
		vigie_store_vuln_facts_get(w->o->store, cve, &read, &fa, NULL);
	vigie_scan_finding_set_facts(r, f, &fa, NULL, w->policy);
	f->evidence = vigie_scan_result_printf(
		r, "Changelog of %s %s (the candidate .deb from %s): the entry for %s names %s,"
		" which Debian's security data does not list for %s; installed source version"
		" %s is older; the pending update to %s from %s carries the fix.",
		u->package, u->candidate, f->pending->suite, version, cve, u->source,
		f->source_version, u->candidate, f->pending->suite);
	if (!f->evidence || !(k = vigie_arena_strndup(&r->arena, key.data, key.len)) ||
	    !(slot = vigie_hashmap_slot(w->keys, k, key.len)))
		goto out;
	r->n++;
	*slot = (void *)(uintptr_t)r->n;
	rc = 0;
out:
	vigie_arena_release(&read);
	vigie_buf_release(&key);
	return rc;
}

int vigie_scan_add_pending(struct scan_result *res, const struct pending *p,
		     const struct scan_pending_opts *o, struct vigie_error *err)
{
	static const struct scan_pending_opts none;
	struct vigie_hashmap keys;
	struct policy *defpol = NULL;
	int rc = 0;

	if (!o)
		o = &none;
	vigie_hashmap_init(&keys);
	res->pending_known = 1;
	res->pending_updates = p->n;
	res->pending_security_updates = 0;
	for (size_t i = 0; i < p->n; i++)
		res->pending_security_updates += p->v[i].security != 0;

	for (size_t i = 0; i < res->n; i++) {
		struct finding *f = &res->findings[i];
		const struct pending_update *u;
		struct vigie_buf key = VIGIE_BUF_INIT;
		char *k;
		void **slot;

		if (vigie_buf_addf(&key, "%s\x1f%s", f->cve, f->source) ||
		    !(k = vigie_arena_strndup(&res->arena, key.data, key.len)) ||
		    !(slot = vigie_hashmap_slot(&keys, k, key.len))) {
			vigie_buf_release(&key);
			goto oom;
		}
		vigie_buf_release(&key);
		if (!*slot)
			*slot = (void *)(uintptr_t)(i + 1);
		if (f->state != FINDING_FIXED_AVAILABLE || f->pending ||
		    !(u = carrier(p, f->source, f->fixed_version)))
			continue;
		if (!(f->pending = make_pending(res, u)) ||
		    !(f->evidence = with_pending(res, f->evidence, f->pending)))
			goto oom;
	}

	if (o->summaries) {
		struct clwalk w;
		memset(&w, 0, sizeof(w));
		w.res = res;
		w.o = o;
		w.keys = &keys;
		w.policy = o->policy;
		if (!w.policy) {
			if (!(defpol = malloc(sizeof(*defpol))))
				goto oom;
			vigie_policy_default(defpol);
			w.policy = defpol;
		}
		for (size_t i = 0; i < p->n; i++) {
			const struct pending_update *u = &p->v[i];
			if (!o->summaries[i] || !u->source || !u->source_version)
				continue;
			w.u = u;
			if (vigie_changelog_summary_each(o->summaries[i],
						   u->installed_source_version
							   ? u->installed_source_version
							   : u->installed,
						   u->source_version, changelog_cve, &w))
				goto oom;
		}
	}
	vigie_scan_result_recount(res);
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	free(defpol);
	vigie_hashmap_release(&keys);
	return rc;
}

int vigie_pending_update_class(int *cls, struct vigie_store *store, const struct vulnindex *idx,
			 const struct policy *policy, const char *source,
			 const struct vigie_strv *cves, struct vigie_error *err)
{
	const struct vuln_source *src = idx && source ? vigie_vulnindex_source(idx, source) : NULL;
	struct policy *defpol = NULL;

	*cls = -1;
	if (!cves || !cves->n)
		return 0;
	if (!policy) {
		if (!(defpol = malloc(sizeof(*defpol))))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		vigie_policy_default(defpol);
		policy = defpol;
	}
	for (size_t i = 0; i < cves->n; i++) {
		struct store_vuln_facts fa;
		struct vigie_arena read; /* one issue's facts at a time */
		struct policy_facts pf;
		const char *urgency = NULL, *rule;
		enum vigie_class c;

		memset(&fa, 0, sizeof(fa));
		fa.cvss = -1;
		vigie_arena_init(&read);
		if (store) /* on error fa stays empty: no facts */
			vigie_store_vuln_facts_get(store, cves->v[i], &read, &fa, NULL);
		for (size_t k = 0; src && k < src->n; k++)
			if (!strcmp(src->entries[k].vuln, cves->v[i])) {
				urgency = src->entries[k].urgency;
				break;
			}
		facts_to_policy(&pf, &fa, urgency);
		c = vigie_policy_classify(policy, &pf, &rule);
		if ((int)c > *cls)
			*cls = (int)c;
		vigie_arena_release(&read);
	}
	free(defpol);
	return 0;
}
