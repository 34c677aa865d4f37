#include "engine/vulnindex_internal.h"
#include "vigie/engine/releases.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct vi_private *priv(struct vulnindex *idx)
{
	return &vi_full(idx)->priv;
}

int vigie_vulnindex_new(struct vulnindex **out, const char *release)
{
	struct vulnindex_full *f = calloc(1, sizeof(*f));
	*out = NULL;
	if (!f)
		return VIGIE_ENOMEM;
	vigie_arena_init(&f->pub.arena);
	vigie_hashmap_init(&f->pub.sources);
	vigie_hashmap_init(&f->priv.pairs);
	f->pub.release = vigie_arena_strdup(&f->pub.arena, release ? release : "");
	if (!f->pub.release) {
		vigie_vulnindex_free(&f->pub);
		return VIGIE_ENOMEM;
	}
	*out = &f->pub;
	return 0;
}

void vigie_vulnindex_free(struct vulnindex *idx)
{
	struct vulnindex_full *f = (struct vulnindex_full *)idx;
	if (!idx)
		return;
	for (size_t i = 0; i < idx->sources.cap && !f->priv.image; i++)
		if (idx->sources.keys[i])
			free(((struct vuln_source *)idx->sources.vals[i])->entries);
	vigie_hashmap_release(&idx->sources);
	vigie_hashmap_release(&f->priv.pairs);
	vigie_arena_release(&idx->arena);
	if (f->priv.image) {
		vigie_vi_image_close(f->priv.image);
		if (f->priv.lazy)
			pthread_mutex_destroy(&f->priv.mu);
	}
	free(f);
}

static struct vuln_source *get_source(struct vulnindex *idx, const char *name)
{
	size_t len = strlen(name);
	struct vuln_source *src = vigie_hashmap_get(&idx->sources, name, len);
	void **slot;
	if (src)
		return src;
	src = vigie_arena_alloc(&idx->arena, sizeof(*src));
	if (!src || !(src->name = vigie_arena_strndup(&idx->arena, name, len)))
		return NULL;
	slot = vigie_hashmap_slot(&idx->sources, src->name, len);
	if (!slot)
		return NULL;
	*slot = src;
	return src;
}

static const char *adup(struct vulnindex *idx, const char *s)
{
	return s ? vigie_arena_strdup(&idx->arena, s) : NULL;
}

static int status_rank(const struct vuln_entry *e)
{
	/* For merging advisory statements: a fix beats an open statement,
	 * which beats "not affected" (fixed version 0). */
	if (e->status == VULN_RESOLVED)
		return e->fixed_version && strcmp(e->fixed_version, "0") ? 3 : 1;
	return 2;
}

static int set_fixed(struct vulnindex *idx, struct vuln_entry *d, const char *fixed,
		     const char *source, struct vigie_error *err)
{
	d->fixed_version = NULL;
	memset(&d->fixed, 0, sizeof(d->fixed));
	if (!fixed)
		return 0;
	if (!(d->fixed_version = adup(idx, fixed)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (vigie_debver_parse(&d->fixed, d->fixed_version, NULL) < 0)
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
				       "invalid fixed version '%s' for %s in %s", fixed,
				       source, idx->release);
	return 0;
}

/* Should advisory statement e replace advisory statement d? The highest
 * fix wins; among open statements the later one (rows come by date). */
static int advisory_wins(const struct vuln_entry *e, const struct vuln_entry *d)
{
	struct debver ev;
	int re = status_rank(e), rd = status_rank(d);
	if (re != rd)
		return re > rd;
	if (re == 3) {
		vigie_debver_parse(&ev, e->fixed_version, NULL);
		return vigie_debver_cmp(&ev, &d->fixed) > 0;
	}
	return 1;
}

static int copy_entry(struct vulnindex *idx, struct vuln_entry *d,
		      const struct vuln_entry *e, const char *source,
		      struct vigie_error *err)
{
	d->vuln = adup(idx, e->vuln);
	d->status = e->status;
	d->origin = e->origin;
	d->urgency = adup(idx, e->urgency);
	d->nodsa = adup(idx, e->nodsa);
	d->nodsa_reason = adup(idx, e->nodsa_reason);
	d->next_point_update = e->next_point_update;
	d->advisory = adup(idx, e->advisory);
	d->advisory_date = adup(idx, e->advisory_date);
	d->advisory_exact = e->origin == VULN_FROM_ADVISORY && e->advisory;
	if (!d->vuln)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return set_fixed(idx, d, e->status == VULN_RESOLVED ? e->fixed_version : NULL,
			 source, err);
}

int vigie_vulnindex_add(struct vulnindex *idx, const char *source,
		  const struct vuln_entry *e, struct vigie_error *err)
{
	struct vi_private *p = priv(idx);
	struct vuln_source *src = p->image ? NULL : get_source(idx, source);
	struct vigie_buf key = VIGIE_BUF_INIT;
	struct vuln_entry *d;
	uintptr_t pos;
	void **slot;
	char *k;
	int rc = 0;

	if (p->image) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "an index read from an image is read-only");
		goto out;
	}
	if (!src || vigie_buf_addf(&key, "%s\x1f%s", source, e->vuln)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (e->origin == VULN_FROM_TRACKER)
		idx->has_tracker = 1;
	else
		idx->has_advisories = 1;
	pos = (uintptr_t)vigie_hashmap_get(&p->pairs, key.data, key.len);
	if (pos) {
		d = &src->entries[pos - 1];
		if (e->origin == VULN_FROM_ADVISORY && d->origin == VULN_FROM_TRACKER) {
			/* The tracker's verdict stands; the advisory that first
			 * fixed the tracker's fixed version becomes its evidence. */
			int exact = e->status == VULN_RESOLVED && e->advisory &&
				    d->fixed_version && e->fixed_version &&
				    !strcmp(d->fixed_version, e->fixed_version);
			if (e->advisory && e->status == VULN_RESOLVED &&
			    (!d->advisory || (exact && !d->advisory_exact))) {
				d->advisory = adup(idx, e->advisory);
				d->advisory_date = adup(idx, e->advisory_date);
				d->advisory_exact = exact;
			}
			goto out;
		}
		if (e->origin == VULN_FROM_ADVISORY && !advisory_wins(e, d))
			goto out;
		rc = copy_entry(idx, d, e, source, err);
		goto out;
	}
	if (src->n == src->cap) {
		size_t cap = src->cap ? src->cap * 2 : 4;
		struct vuln_entry *ne = realloc(src->entries, cap * sizeof(*ne));
		if (!ne) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		src->entries = ne;
		src->cap = cap;
	}
	d = &src->entries[src->n];
	memset(d, 0, sizeof(*d));
	k = vigie_arena_strndup(&idx->arena, key.data, key.len);
	slot = k ? vigie_hashmap_slot(&p->pairs, k, key.len) : NULL;
	if (!slot) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	src->n++;
	idx->nentries++;
	*slot = (void *)(uintptr_t)src->n;
	rc = copy_entry(idx, d, e, source, err);
out:
	vigie_buf_release(&key);
	return rc;
}

int vigie_vulnindex_set_support(struct vulnindex *idx, const char *source,
			  const char *last_version, const char *end_date,
			  const char *note, int limited)
{
	struct vuln_source *src;
	if (priv(idx)->image)
		return VIGIE_EUSAGE;
	if (!(src = get_source(idx, source)))
		return VIGIE_ENOMEM;
	if (limited) {
		src->limited_note = adup(idx, note ? note : "");
		return src->limited_note ? 0 : VIGIE_ENOMEM;
	}
	src->eol_version = adup(idx, last_version);
	src->eol_date = adup(idx, end_date ? end_date : "");
	src->eol_note = adup(idx, note);
	return src->eol_date ? 0 : VIGIE_ENOMEM;
}

void vigie_vulnindex_finish(struct vulnindex *idx)
{
	/* The pair map is only needed while merging sources. */
	vigie_hashmap_release(&priv(idx)->pairs);
}

const struct vuln_source *vigie_vulnindex_source(const struct vulnindex *idx,
					   const char *name)
{
	if (vi_full(idx)->priv.lazy)
		return vigie_vi_image_lookup(vi_full(idx), name);
	return vigie_hashmap_get(&idx->sources, name, strlen(name));
}

/* ---- building from the store ---- */
struct build_ctx {
	struct vulnindex *idx;
	struct vigie_error *err;
};

static enum vuln_status parse_status(const char *s)
{
	if (s && !strcmp(s, "resolved"))
		return VULN_RESOLVED;
	if (s && !strcmp(s, "open"))
		return VULN_OPEN;
	return VULN_UNDETERMINED;
}

static int on_tracker(void *ud, const struct store_tracker_row *r)
{
	struct build_ctx *c = ud;
	struct vuln_entry e;
	memset(&e, 0, sizeof(e));
	e.vuln = r->vuln;
	e.status = parse_status(r->status);
	e.origin = VULN_FROM_TRACKER;
	e.fixed_version = r->fixed_version;
	e.urgency = r->urgency;
	e.nodsa = r->nodsa;
	e.nodsa_reason = r->nodsa_reason;
	e.next_point_update = r->next_point_update;
	/* resolved without a version would be meaningless: treat as open */
	if (e.status == VULN_RESOLVED && !e.fixed_version)
		e.status = VULN_OPEN;
	c->idx->has_tracker = 1;
	return vigie_vulnindex_add(c->idx, r->source, &e, c->err);
}

static int on_advisory(void *ud, const struct store_advisory_fix *r)
{
	struct build_ctx *c = ud;
	struct vuln_entry e;
	const char *k = r->kind ? r->kind : "";
	memset(&e, 0, sizeof(e));
	e.vuln = r->cve;
	e.origin = VULN_FROM_ADVISORY;
	e.advisory = r->advisory;
	e.advisory_date = r->date;
	if (!strcmp(k, "fixed") && r->version) {
		e.status = VULN_RESOLVED;
		e.fixed_version = r->version;
	} else if (!strcmp(k, "not-affected")) {
		e.status = VULN_RESOLVED;
		e.fixed_version = "0";
		e.advisory = NULL;
		e.advisory_date = NULL;
	} else if (!strcmp(k, "undetermined")) {
		e.status = VULN_UNDETERMINED;
		e.advisory = NULL;
	} else {
		/* unfixed, end-of-life, no-dsa, ignored, postponed, removed, itp */
		e.status = VULN_OPEN;
		e.advisory = NULL;
		e.advisory_date = NULL;
		if (!strcmp(k, "end-of-life"))
			e.urgency = "end-of-life";
		else if (!strcmp(k, "no-dsa") || !strcmp(k, "ignored") ||
			 !strcmp(k, "postponed")) {
			e.nodsa = r->note ? r->note : "";
			e.nodsa_reason = !strcmp(k, "no-dsa") ? "" : k;
		} else if (!strcmp(k, "removed") || !strcmp(k, "itp")) {
			return 0; /* not carried by the release: nothing to match */
		}
	}
	c->idx->has_advisories = 1;
	return vigie_vulnindex_add(c->idx, r->source, &e, c->err);
}

static int on_support(void *ud, const struct store_vi_row *r)
{
	struct build_ctx *c = ud;
	int limited = r->kind && !strcmp(r->kind, "limited");
	if (vigie_vulnindex_set_support(c->idx, r->source, r->fixed_version, r->advisory_date,
				  r->note, limited))
		return vigie_error_set(c->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

static int build(struct vulnindex **out, struct vigie_store *s, const char *release,
		 const struct vigie_strv *sources, struct vigie_error *err)
{
	struct build_ctx c;
	struct vulnindex *idx;
	int rc = 0, rd;

	*out = NULL;
	if (vigie_vulnindex_new(&idx, release))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	c.idx = idx;
	c.err = err;
	rd = vigie_store_read_begin(s);
	if (sources) {
		rc = vigie_store_tracker_for_sources(s, release, (const char *const *)sources->v,
						     sources->n, on_tracker, &c, err);
	} else {
		rc = vigie_store_tracker_each(s, release, on_tracker, &c, err);
	}
	if (!rc)
		rc = vigie_store_advisory_cve_fixes(s, release, NULL, on_advisory, &c, err);
	if (!rc)
		rc = vigie_store_vi_support(s, release, on_support, &c, err);
	/* the host's own sources may have no tracker row while the release
	 * has many: ask the store, so that "no data" means no data */
	if (!rc && sources && !idx->has_tracker && !idx->has_advisories) {
		int has = vigie_release_has_data(s, release, err);
		if (has < 0)
			rc = has;
		else
			idx->has_tracker = has;
	}
	if (rd)
		vigie_store_read_end(s);
	if (rc) {
		vigie_vulnindex_free(idx);
		return rc;
	}
	vigie_vulnindex_finish(idx);
	*out = idx;
	return 0;
}

int vigie_vulnindex_build(struct vulnindex **out, struct vigie_store *s,
		    const char *release, struct vigie_error *err)
{
	return build(out, s, release, NULL, err);
}

int vigie_vulnindex_build_for(struct vulnindex **out, struct vigie_store *s,
			const char *release, const struct vigie_strv *sources,
			struct vigie_error *err)
{
	return build(out, s, release, sources, err);
}

int vigie_version_has_fix(const struct debver *installed, const struct vuln_entry *e)
{
	if (!e->fixed_version)
		return 0;
	if (!strcmp(e->fixed_version, "0"))
		return 1;
	return vigie_debver_cmp(installed, &e->fixed) >= 0;
}

const char *vigie_kernel_source(const char *source)
{
	return source && !strncmp(source, "linux-signed-", 13) ? "linux" : source;
}

int vigie_is_kernel_source(const char *source)
{
	return source && (!strcmp(source, "linux") || !strncmp(source, "linux-signed-", 13));
}
