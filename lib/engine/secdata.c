#include "vigie/engine/secdata.h"
#include "vigie/engine/indexcache.h"
#include "vigie/debian/debver.h"
#include "vigie/engine/match.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/core/hashmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One "fixed" line of an advisory for (source, CVE) in the release. The
 * index keeps one verdict per pair (the highest advisory fix); the
 * timeline needs each advisory, to credit the first fix to the upgrade
 * that brought it and the later ones as follow-ups. */
struct adv_fix {
	const char *advisory, *date, *version;
	struct debver v;
	struct adv_fix *next; /* same pair, by advisory date */
};

struct secdata {
	struct vigie_store *store;
	const struct inventory *inv;
	struct policy pol;
	const struct vulnindex *idx;
	struct vigie_index_cache *cache; /* idx is a reference on it; NULL: own */
	struct vigie_arena arena;
	struct vigie_hashmap fixes; /* "source\x1fCVE" -> struct adv_fix list */
	char evidence[512];
	char advisory[64];
};

static int on_fix(void *ud, const struct store_advisory_fix *r)
{
	struct secdata *sd = ud;
	struct vigie_buf key = VIGIE_BUF_INIT;
	struct adv_fix *f, **tail;
	void **slot;
	char *k;
	int rc = VIGIE_ENOMEM;

	if (!r->kind || strcmp(r->kind, "fixed") || !r->version || !r->cve || !r->source ||
	    !r->advisory)
		return 0;
	if (!(f = vigie_arena_alloc(&sd->arena, sizeof(*f))))
		return VIGIE_ENOMEM;
	memset(f, 0, sizeof(*f));
	if (!(f->advisory = vigie_arena_strdup(&sd->arena, r->advisory)) ||
	    !(f->version = vigie_arena_strdup(&sd->arena, r->version)) ||
	    (r->date && !(f->date = vigie_arena_strdup(&sd->arena, r->date))))
		return VIGIE_ENOMEM;
	if (vigie_debver_parse(&f->v, f->version, NULL) < 0)
		return 0; /* the index build has already refused it */
	if (vigie_buf_addf(&key, "%s\x1f%s", r->source, r->cve))
		goto out;
	if (!(k = vigie_arena_strndup(&sd->arena, key.data, key.len)) ||
	    !(slot = vigie_hashmap_slot(&sd->fixes, k, key.len)))
		goto out;
	for (tail = (struct adv_fix **)slot; *tail; tail = &(*tail)->next)
		;
	*tail = f;
	rc = 0;
out:
	vigie_buf_release(&key);
	return rc;
}

static const struct adv_fix *fixes_for(const struct secdata *sd, const char *source,
				       const char *cve)
{
	char key[512];
	int len = snprintf(key, sizeof(key), "%s\x1f%s", source, cve);
	if (len < 0 || (size_t)len >= sizeof(key))
		return NULL;
	return vigie_hashmap_get(&sd->fixes, key, (size_t)len);
}

int vigie_secdata_open(struct secdata **out, struct vigie_store *s,
		 const struct inventory *inv, const struct policy *pol,
		 struct vigie_error *err)
{
	return vigie_secdata_open_cached(out, s, NULL, inv, pol, err);
}

int vigie_secdata_open_cached(struct secdata **out, struct vigie_store *s,
			      struct vigie_index_cache *cache, const struct inventory *inv,
			      const struct policy *pol, struct vigie_error *err)
{
	struct secdata *sd;
	int rc;
	*out = NULL;
	if (!inv->release)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "the host's release is unknown");
	if (!(sd = calloc(1, sizeof(*sd))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	sd->store = s;
	sd->inv = inv;
	if (pol)
		sd->pol = *pol;
	else
		vigie_policy_default(&sd->pol);
	vigie_arena_init(&sd->arena);
	vigie_hashmap_init(&sd->fixes);
	if (cache) {
		rc = vigie_index_cache_get(cache, s, inv->release, &sd->idx, err);
		if (!rc)
			sd->cache = cache;
	} else {
		struct vulnindex *own = NULL;
		rc = vigie_vulnindex_build(&own, s, inv->release, err);
		sd->idx = own;
	}
	if (rc) {
		vigie_secdata_free(sd);
		return rc;
	}
	rc = vigie_store_advisory_cve_fixes(s, inv->release, NULL, on_fix, sd, err);
	if (rc) {
		if (rc == VIGIE_ENOMEM)
			vigie_error_set(err, rc, NULL, 0, "out of memory");
		vigie_secdata_free(sd);
		return rc;
	}
	*out = sd;
	return 0;
}

void vigie_secdata_free(struct secdata *sd)
{
	if (!sd)
		return;
	if (sd->cache)
		vigie_index_cache_put(sd->cache, sd->idx);
	else
		vigie_vulnindex_free((struct vulnindex *)sd->idx);
	vigie_hashmap_release(&sd->fixes);
	vigie_arena_release(&sd->arena);
	free(sd);
}

/* The source version an upgrade's binary version stands for: the
 * inventory's when it still holds that version, else the binary version
 * without a binNMU suffix (+bN). Returns 0 when the binary is not in the
 * inventory (its own name is then used as the source's), else 1. */
static int source_of(const struct secdata *sd, const struct history_event *ev,
		     const char *version, const char **source, char *sv, size_t size)
{
	const struct inventory_pkg *p = vigie_inventory_find(sd->inv, ev->package,
						       ev->arch && *ev->arch ? ev->arch : NULL);
	const char *b;
	size_t len;
	if (!p)
		p = vigie_inventory_find(sd->inv, ev->package, NULL);
	*source = p ? p->source : ev->package;
	if (strcmp(vigie_kernel_source(*source), *source) || vigie_match_is_kernel_image(ev->package)) {
		*source = "linux"; /* kernel images carry linux's version */
		snprintf(sv, size, "%s", version);
		return 1;
	}
	if (p && !strcmp(p->version, version)) {
		snprintf(sv, size, "%s", p->source_version);
		return 1;
	}
	len = strlen(version);
	/* the binNMU suffix is the last "+bN" ("1.0+bzr5-1+b2" -> "1.0+bzr5-1") */
	b = NULL;
	for (const char *q = strstr(version, "+b"); q; q = strstr(q + 1, "+b"))
		b = q;
	if (b && b > version && isdigit((unsigned char)b[2]) &&
	    strspn(b + 2, "0123456789") == strlen(b + 2))
		len = (size_t)(b - version);
	snprintf(sv, size, "%.*s", (int)len, version);
	return p != NULL;
}

/* The fixes of entry e for source into out: the tracker's fixed version
 * (with the advisory fixing exactly it, if any), and each advisory's
 * version, at or above the tracker's (one below it did not fix the CVE
 * for the tracker). Returns how many. */
struct fix_walk {
	const struct debver *v;
	const char *version, *advisory, *date;
};

static size_t entry_fixes(const struct secdata *sd, const char *source,
			  const struct vuln_entry *e, struct fix_walk *out, size_t max)
{
	size_t n = 0;
	if (e->origin == VULN_FROM_TRACKER && n < max) {
		out[n].v = &e->fixed;
		out[n].version = e->fixed_version;
		out[n].advisory = e->advisory_exact ? e->advisory : NULL;
		out[n++].date = e->advisory_exact ? e->advisory_date : NULL;
	}
	for (const struct adv_fix *f = fixes_for(sd, source, e->vuln); f && n < max; f = f->next) {
		if (e->origin == VULN_FROM_TRACKER && vigie_debver_cmp(&f->v, &e->fixed) < 0)
			continue;
		out[n].v = &f->v;
		out[n].version = f->version;
		out[n].advisory = f->advisory;
		out[n++].date = f->date;
	}
	return n;
}

#define SECDATA_MAX_FIXES 64 /* advisories per (source, CVE) considered */

int vigie_secdata_timeline_cves(void *ud, const struct history_event *ev,
			  timeline_add_fn *add, void *add_ud, struct vigie_error *err)
{
	struct secdata *sd = ud;
	const struct vuln_source *src;
	const char *source;
	char oldv[256] = "", newv[256];
	struct debver o, n;
	int have_old, known;

	if (!ev->new_version || !*ev->new_version)
		return 0;
	known = source_of(sd, ev, ev->new_version, &source, newv, sizeof(newv));
	have_old = ev->old_version && *ev->old_version;
	if (have_old) {
		const char *s2;
		source_of(sd, ev, ev->old_version, &s2, oldv, sizeof(oldv));
	}
	if (!(src = vigie_vulnindex_source(sd->idx, source)) || vigie_debver_parse(&n, newv, NULL) < 0 ||
	    (have_old && vigie_debver_parse(&o, oldv, NULL) < 0))
		return known ? 0 : TIMELINE_SOURCE_UNKNOWN;
	for (size_t i = 0; i < src->n; i++) {
		const struct vuln_entry *e = &src->entries[i];
		struct fix_walk fx[SECDATA_MAX_FIXES];
		const struct fix_walk *first = NULL, *got = NULL;
		struct timeline_fix f;
		size_t nf;
		int64_t date = 0;
		int rc;
		if (e->status != VULN_RESOLVED || !e->fixed_version ||
		    !strcmp(e->fixed_version, "0"))
			continue;
		/* the first fix, and the lowest one this upgrade brought */
		nf = entry_fixes(sd, source, e, fx, SECDATA_MAX_FIXES);
		for (size_t k = 0; k < nf; k++) {
			if (!first || vigie_debver_cmp(fx[k].v, first->v) < 0)
				first = &fx[k];
			if (vigie_debver_cmp(fx[k].v, &n) > 0 ||
			    (have_old && vigie_debver_cmp(&o, fx[k].v) >= 0))
				continue;
			if (!got || vigie_debver_cmp(fx[k].v, got->v) < 0)
				got = &fx[k];
		}
		if (!got)
			continue;
		if (got->date)
			vigie_time_parse(&date, got->date, 0);
		memset(&f, 0, sizeof(f));
		f.followup = have_old && vigie_debver_cmp(&o, first->v) >= 0;
		snprintf(sd->evidence, sizeof(sd->evidence),
			 "%s, %s: %s fixed in %s %s%s%s%s%s%s%s",
			 e->origin == VULN_FROM_TRACKER && got == &fx[0] ? "Debian security tracker"
									 : "Debian advisory lists",
			 sd->idx->release, e->vuln, source, got->version,
			 got->advisory ? " (" : "", got->advisory ? got->advisory : "",
			 got->advisory ? ")" : "", f.followup ? "; first fixed in " : "",
			 f.followup ? first->version : "",
			 known ? "" : "; source package unknown, the binary's name was used");
		f.cve = e->vuln;
		f.source = source;
		f.version = got->version;
		f.date = date;
		f.evidence = sd->evidence;
		if ((rc = add(add_ud, &f)))
			return vigie_error_set(err, rc, NULL, 0, "out of memory");
	}
	return known ? 0 : TIMELINE_SOURCE_UNKNOWN;
}

/* The advisory that shipped the fix of (source, cve) at version: the one
 * fixing exactly that version, else the first one fixing at or below it
 * (at or above the tracker's fixed version). NULL when none. */
static const struct adv_fix *advisory_at(const struct secdata *sd, const struct vuln_entry *e,
					 const char *source, const char *cve, const char *version)
{
	const struct adv_fix *best = NULL;
	struct debver v;
	if (!version || !*version || vigie_debver_parse(&v, version, NULL) < 0)
		return NULL;
	for (const struct adv_fix *f = fixes_for(sd, source, cve); f; f = f->next) {
		if (!strcmp(f->version, version))
			return f;
		if (vigie_debver_cmp(&f->v, &v) > 0)
			continue;
		if (e && e->origin == VULN_FROM_TRACKER && e->fixed_version &&
		    vigie_debver_cmp(&f->v, &e->fixed) < 0)
			continue;
		if (!best || vigie_debver_cmp(&f->v, &best->v) < 0)
			best = f;
	}
	return best;
}

static const struct vuln_entry *entry_for(const struct secdata *sd, const char *source,
					  const char *cve)
{
	const struct vuln_source *src = vigie_vulnindex_source(sd->idx, source);
	for (size_t i = 0; src && i < src->n; i++)
		if (!strcmp(src->entries[i].vuln, cve))
			return &src->entries[i];
	return NULL;
}

static int advisory_hook(void *ud, const char *cve, const char *source, const char *version,
			 int64_t *published, const char **evidence)
{
	struct secdata *sd = ud;
	const struct vuln_entry *e = entry_for(sd, source, cve);
	const struct adv_fix *af = advisory_at(sd, e, source, cve, version);
	const char *id = NULL, *date = NULL;
	struct vigie_arena read; /* what the store read for this call */
	int found = 0;
	vigie_arena_init(&read);
	if (af && af->date) {
		id = af->advisory;
		date = af->date;
	} else if (e && e->advisory && e->advisory_date) {
		id = e->advisory;
		date = e->advisory_date;
	} else {
		vigie_store_vi_advisory_for(sd->store, sd->idx->release, source, cve, NULL, &read,
					    &id, &date, NULL);
	}
	if (id && date && vigie_time_parse(published, date, 0) == 0) {
		snprintf(sd->evidence, sizeof(sd->evidence),
			 "%s published %s (time of day unknown: 00:00 UTC assumed)", id, date);
		*evidence = sd->evidence;
		found = 1;
	}
	vigie_arena_release(&read);
	return found;
}

static int classify_hook(void *ud, const char *cve, const char *source, enum sla_class *cls)
{
	struct secdata *sd = ud;
	const struct vuln_entry *e = entry_for(sd, source, cve);
	struct store_vuln_facts f;
	struct vigie_arena read; /* f's strings, for this call */
	struct policy_facts pf;
	vigie_arena_init(&read);
	if (vigie_store_vuln_facts_get(sd->store, cve, &read, &f, NULL)) {
		vigie_arena_release(&read);
		return 0;
	}
	pf.kev = f.kev_added != NULL;
	pf.cvss = f.cvss;
	pf.cvss_vector = f.cvss_vector;
	pf.scope = f.scope;
	pf.urgency = e ? e->urgency : NULL;
	*cls = (enum sla_class)vigie_policy_classify(&sd->pol, &pf, NULL);
	vigie_arena_release(&read);
	return 1;
}

void vigie_secdata_annotate(void *ud, const char *cve, const char *source,
		      const char *version, const char **advisory, const char **cls)
{
	struct secdata *sd = ud;
	const struct vuln_entry *e = entry_for(sd, source && *source ? source : "", cve);
	const struct adv_fix *af = advisory_at(sd, e, source && *source ? source : "", cve,
					       version);
	enum sla_class c;
	*advisory = *cls = NULL;
	sd->advisory[0] = '\0';
	if (af) {
		snprintf(sd->advisory, sizeof(sd->advisory), "%s", af->advisory);
	} else if (e && e->advisory) {
		snprintf(sd->advisory, sizeof(sd->advisory), "%s", e->advisory);
	} else if (source && *source) {
		const char *id = NULL, *date = NULL;
		struct vigie_arena read;
		vigie_arena_init(&read);
		vigie_store_vi_advisory_for(sd->store, sd->idx->release, source, cve, NULL, &read,
					    &id, &date, NULL);
		if (id)
			snprintf(sd->advisory, sizeof(sd->advisory), "%s", id);
		vigie_arena_release(&read);
	}
	if (sd->advisory[0])
		*advisory = sd->advisory;
	if (classify_hook(sd, cve, source ? source : "", &c))
		*cls = vigie_sla_class_name(c);
}

void vigie_secdata_sla_hooks(struct secdata *sd, struct timeline_sla_hooks *hooks)
{
	hooks->advisory = advisory_hook;
	hooks->classify = classify_hook;
	hooks->ud = sd;
}
