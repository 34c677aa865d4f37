/* A fleet's full judgement summed per (source, version): what a host's
 * findings are is decided, for every source it holds at one version and
 * that is not a kernel's, by the pair alone (the release's data, the
 * policy, the day). So each distinct pair is judged once, its findings
 * kept as the finding history records them with their digest, and a
 * host's judgement is the sum of its pairs (kept with its packages,
 * vigie_store_host_pairs_get) and of a judgement of its other sources
 * alone (the kernel, sources installed at two versions and the sources
 * of the packages its processes still run replaced code of, with its
 * restart data), without reading its other packages or building their
 * findings. A host whose pairs are not kept and cannot be is left to the
 * caller, as is a partial judgement of a host running replaced code. The
 * sum gives the findings digest of vigie_app_record_judgement, so a host
 * whose findings did not move leaves its history unread. */
#include "vigie/app/host.h"
#include "vigie/core/hashmap.h"
#include "vigie/core/sha256.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/engine/vulnindex.h"

#include <stdlib.h>
#include <string.h>

/* A pair's findings as the history records them, in CVE order, and the
 * digest of their source's facts. */
struct pair_sum {
	struct store_finding_fact *facts;
	size_t n;
	long open[3]; /* per class */
	unsigned char digest[32];
};

struct pj_release {
	const struct vulnindex *idx; /* a reference into the index cache */
	struct matcher *m;
	struct vigie_hashmap pairs;  /* "source\0version" -> struct pair_sum* */
};

/* one line of the host's pairs */
struct pj_line {
	const char *source, *version;
	size_t keylen;  /* "source\0version" */
	int special;    /* a kernel's source, or one at several versions */
	const struct pair_sum *sum;
};

struct vigie_pair_judge {
	struct vigie_store *s;
	struct vigie_index_cache *cache;
	const struct policy *pol;
	int64_t when;
	struct vigie_hashmap releases; /* release -> struct pj_release* */
	struct vigie_arena A;
	struct vigie_buf text, scratch;
	struct pj_line *lines;
	size_t nlines, caplines;
	const char **bsrc, **bver;     /* pairs to build */
	size_t capsrc, capver;
	struct store_finding_fact *facts;
	size_t capfacts;
	struct vigie_facts_group *groups;
	size_t capgroups;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t nc = *cap ? *cap : 64;
	void *np;
	if (need <= *cap)
		return p;
	while (nc < need)
		nc *= 2;
	if (nc > SIZE_MAX / size || !(np = realloc(p, nc * size)))
		return NULL;
	*cap = nc;
	return np;
}

int vigie_pair_judge_new(struct vigie_pair_judge **out, struct vigie_store *s,
			 struct vigie_index_cache *cache, const struct policy *pol, int64_t when)
{
	struct vigie_pair_judge *pj = calloc(1, sizeof(*pj));
	*out = NULL;
	if (!pj)
		return VIGIE_ENOMEM;
	pj->s = s;
	pj->cache = cache;
	pj->pol = pol;
	pj->when = when;
	vigie_hashmap_init(&pj->releases);
	vigie_arena_init(&pj->A);
	vigie_buf_init(&pj->text);
	vigie_buf_init(&pj->scratch);
	*out = pj;
	return 0;
}

void vigie_pair_judge_free(struct vigie_pair_judge *pj)
{
	if (!pj)
		return;
	for (size_t i = 0; i < pj->releases.cap; i++)
		if (pj->releases.keys && pj->releases.keys[i]) {
			struct pj_release *r = pj->releases.vals[i];
			vigie_hashmap_release(&r->pairs);
			vigie_matcher_free(r->m);
			vigie_index_cache_put(pj->cache, r->idx);
		}
	vigie_hashmap_release(&pj->releases);
	vigie_arena_release(&pj->A);
	vigie_buf_release(&pj->text);
	vigie_buf_release(&pj->scratch);
	free(pj->lines);
	free(pj->bsrc);
	free(pj->bver);
	free(pj->facts);
	free(pj->groups);
	free(pj);
}

static int release_of(struct vigie_pair_judge *pj, const char *release, struct pj_release **out,
		      struct vigie_error *err)
{
	struct pj_release *r = vigie_hashmap_get(&pj->releases, release, strlen(release));
	void **slot;
	char *k;
	int rc;
	if (r) {
		*out = r;
		return 0;
	}
	if (!(k = vigie_arena_strdup(&pj->A, release)) ||
	    !(r = vigie_arena_alloc(&pj->A, sizeof(*r))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	memset(r, 0, sizeof(*r));
	vigie_hashmap_init(&r->pairs);
	if ((rc = vigie_index_cache_get(pj->cache, pj->s, release, &r->idx, err)))
		return rc;
	if (vigie_matcher_new(&r->m, r->idx, 0, pj->when) ||
	    !(slot = vigie_hashmap_slot(&pj->releases, k, strlen(k)))) {
		vigie_matcher_free(r->m);
		vigie_index_cache_put(pj->cache, r->idx);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	vigie_matcher_share(r->m);
	*slot = r;
	*out = r;
	return 0;
}

static int cmp_fact_cve(const void *pa, const void *pb)
{
	const struct store_finding_fact *a = pa, *b = pb;
	return strcmp(a->cve, b->cve);
}

static int cmp_fact_source_cve(const void *pa, const void *pb)
{
	const struct store_finding_fact *a = pa, *b = pb;
	int c = strcmp(a->source, b->source);
	return c ? c : cmp_fact_cve(pa, pb);
}

static void scan_opts_for(struct vigie_pair_judge *pj, struct pj_release *r,
			  struct scan_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->policy = pj->pol;
	so->now = pj->when;
	so->matcher = r->m;
	so->facts = vigie_index_cache_facts(pj->cache, r->idx);
}

/* Judge the pairs of the host's lines not judged yet, once each. */
static int build_pairs(struct vigie_pair_judge *pj, struct pj_release *r,
		       struct vigie_error *err)
{
	struct scan_opts so;
	size_t nb = 0;
	int rc;
	for (size_t i = 0; i < pj->nlines; i++) {
		struct pj_line *l = &pj->lines[i];
		if (l->special)
			continue;
		l->sum = vigie_hashmap_get(&r->pairs, l->source, l->keylen);
		if (!l->sum) {
			pj->bsrc[nb] = l->source;
			pj->bver[nb++] = l->version;
		}
	}
	if (!nb)
		return 0;
	scan_opts_for(pj, r, &so);
	if ((rc = vigie_matcher_pairs(r->m, pj->s, &so, pj->bsrc, pj->bver, nb, err)))
		return rc;
	for (size_t i = 0; i < pj->nlines; i++) {
		struct pj_line *l = &pj->lines[i];
		const struct finding *f;
		struct pair_sum *ps;
		void **slot;
		char *k;
		size_t n;
		if (l->special || l->sum)
			continue;
		if ((ps = vigie_hashmap_get(&r->pairs, l->source, l->keylen))) {
			l->sum = ps; /* the same pair twice in the lines: not possible, kept safe */
			continue;
		}
		if (vigie_matcher_pair_findings(r->m, l->source, l->version, &f, &n))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0,
					       "the findings of %s %s were not built", l->source,
					       l->version);
		if (!(ps = vigie_arena_alloc(&pj->A, sizeof(*ps))) ||
		    !(k = vigie_arena_alloc(&pj->A, l->keylen)) ||
		    (n && !(ps->facts = vigie_arena_alloc(&pj->A, n * sizeof(*ps->facts)))))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		ps->n = n;
		if (!n)
			ps->facts = NULL;
		memset(ps->open, 0, sizeof(ps->open));
		for (size_t j = 0; j < n; j++) {
			vigie_app_finding_fact(&f[j], &ps->facts[j]);
			if ((int)f[j].cls >= 0 && (int)f[j].cls < 3)
				ps->open[f[j].cls]++;
		}
		if (n > 1)
			qsort(ps->facts, n, sizeof(*ps->facts), cmp_fact_cve);
		if (n && vigie_app_facts_source_digest(ps->facts, n, &pj->scratch, ps->digest))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		memcpy(k, l->source, l->keylen);
		if (!(slot = vigie_hashmap_slot(&r->pairs, k, l->keylen)))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		*slot = ps;
		l->sum = ps;
	}
	return 0;
}

/* The host's pairs from pj->text into pj->lines (the text cut in place). */
static int parse_lines(struct vigie_pair_judge *pj)
{
	char *p = pj->text.data, *end = p + pj->text.len;
	void *np;
	pj->nlines = 0;
	while (p && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		struct pj_line *l;
		if (!nl || !(tab = memchr(p, '\t', (size_t)(nl - p))))
			return VIGIE_EPARSE;
		if (!(l = grow(pj->lines, &pj->caplines, pj->nlines + 1, sizeof(*pj->lines))))
			return VIGIE_ENOMEM;
		pj->lines = l;
		*tab = 0;
		*nl = 0;
		l = &pj->lines[pj->nlines++];
		l->source = p;
		l->version = tab + 1;
		l->keylen = (size_t)(nl - p);
		l->special = vigie_is_kernel_source(p);
		l->sum = NULL;
		p = nl + 1;
	}
	/* sorted by source: a source at several versions is on lines in a row */
	for (size_t i = 1; i < pj->nlines; i++)
		if (!strcmp(pj->lines[i].source, pj->lines[i - 1].source))
			pj->lines[i].special = pj->lines[i - 1].special = 1;
	/* the pairs to build: at most one per line */
	if (!(np = grow(pj->bsrc, &pj->capsrc, pj->nlines, sizeof(*pj->bsrc))))
		return VIGIE_ENOMEM;
	pj->bsrc = np;
	if (!(np = grow(pj->bver, &pj->capver, pj->nlines, sizeof(*pj->bver))))
		return VIGIE_ENOMEM;
	pj->bver = np;
	return 0;
}

/* The host's pairs, written from its packages when none are kept. */
static int host_pairs(struct vigie_pair_judge *pj, int64_t id, const char *name, int *found,
		      struct vigie_error *err)
{
	struct inventory inv;
	int rc;
	if ((rc = vigie_store_host_pairs_get(pj->s, id, &pj->text, found, err)) || *found)
		return rc;
	rc = vigie_store_host_load(pj->s, name, &inv, err);
	if (!rc)
		rc = vigie_store_host_pairs_put(pj->s, id, &inv, err);
	vigie_inventory_release(&inv);
	if (!rc)
		rc = vigie_store_host_pairs_get(pj->s, id, &pj->text, found, err);
	return rc;
}

/* The host's counts and findings digest: res's findings (the sources
 * judged on the host, their facts into pj->facts[0..res->n), by source
 * then CVE), then each pair's. */
static int sum_up(struct vigie_pair_judge *pj, const struct scan_result *res,
		  struct vigie_summed *x, char hex[SHA256_HEX_LEN + 1])
{
	size_t ng = 0;
	void *p;
	memset(x, 0, sizeof(*x));
	if (!(p = grow(pj->facts, &pj->capfacts, res->n ? res->n : 1, sizeof(*pj->facts))))
		return VIGIE_ENOMEM;
	pj->facts = p;
	if (!(p = grow(pj->groups, &pj->capgroups, pj->nlines + res->n + 1, sizeof(*pj->groups))))
		return VIGIE_ENOMEM;
	pj->groups = p;
	for (size_t i = 0; i < res->n; i++) {
		vigie_app_finding_fact(&res->findings[i], &pj->facts[i]);
		if ((int)res->findings[i].cls >= 0 && (int)res->findings[i].cls < 3)
			x->open[res->findings[i].cls]++;
	}
	if (res->n > 1)
		qsort(pj->facts, res->n, sizeof(*pj->facts), cmp_fact_source_cve);
	for (size_t i = 0; i < res->n;) {
		size_t j = i + 1;
		while (j < res->n && !strcmp(pj->facts[j].source, pj->facts[i].source))
			j++;
		pj->groups[ng].source = pj->facts[i].source;
		if (vigie_app_facts_source_digest(pj->facts + i, j - i, &pj->scratch,
						  pj->groups[ng].digest))
			return VIGIE_ENOMEM;
		ng++;
		i = j;
	}
	for (size_t i = 0; i < pj->nlines; i++) {
		const struct pj_line *l = &pj->lines[i];
		if (l->special || !l->sum->n)
			continue;
		for (int c = 0; c < 3; c++)
			x->open[c] += l->sum->open[c];
		pj->groups[ng].source = l->source;
		memcpy(pj->groups[ng].digest, l->sum->digest, sizeof(l->sum->digest));
		ng++;
	}
	vigie_app_facts_digest_combine(pj->groups, ng, hex);
	x->digest = hex;
	return 0;
}

static int cmp_line_source(const void *key, const void *el)
{
	return strcmp(key, ((const struct pj_line *)el)->source);
}

/* The facts the history is updated with, after res's in pj->facts: every
 * pair's (only NULL), or those of only's sources alone. */
static int history_facts(struct vigie_pair_judge *pj, const struct scan_result *res,
			 const struct vigie_strv *only, struct vigie_summed *x)
{
	size_t n = res->n, k = res->n;
	void *p;
	for (size_t i = 0; !only && i < pj->nlines; i++)
		if (!pj->lines[i].special)
			n += pj->lines[i].sum->n;
	for (size_t o = 0; only && o < only->n; o++) {
		const struct pj_line *l = bsearch(only->v[o], pj->lines, pj->nlines,
						  sizeof(*pj->lines), cmp_line_source);
		if (l && !l->special)
			n += l->sum->n; /* one version: one line */
	}
	if (!(p = grow(pj->facts, &pj->capfacts, n ? n : 1, sizeof(*pj->facts))))
		return VIGIE_ENOMEM;
	pj->facts = p;
	for (size_t i = 0; !only && i < pj->nlines; i++) {
		const struct pj_line *l = &pj->lines[i];
		if (l->special || !l->sum->n)
			continue;
		memcpy(pj->facts + k, l->sum->facts, l->sum->n * sizeof(*pj->facts));
		k += l->sum->n;
	}
	for (size_t o = 0; only && o < only->n; o++) {
		const struct pj_line *l = bsearch(only->v[o], pj->lines, pj->nlines,
						  sizeof(*pj->lines), cmp_line_source);
		if (!l || l->special || !l->sum->n)
			continue;
		memcpy(pj->facts + k, l->sum->facts, l->sum->n * sizeof(*pj->facts));
		k += l->sum->n;
	}
	x->facts = pj->facts;
	x->n = k;
	return 0;
}

/* The sources of the packages restart names, into out; *over when they
 * are too many to judge apart. */
static int restart_sources(struct vigie_pair_judge *pj, int64_t id,
			   const struct store_restart *restart, struct vigie_strv *out, int *over,
			   struct vigie_error *err)
{
	struct vigie_strv pkgs;
	int rc = 0;
	vigie_strv_init(&pkgs);
	for (size_t i = 0; !rc && i < restart->n; i++)
		if (restart->v[i].package && vigie_strv_push_unique(&pkgs, restart->v[i].package))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	*over = pkgs.n > 64;
	if (!rc && !*over)
		rc = vigie_store_host_sources_of(pj->s, id, (const char *const *)pkgs.v, pkgs.n, out,
						 err);
	vigie_strv_release(&pkgs);
	return rc;
}

int vigie_pair_judge_host(struct vigie_pair_judge *pj, int64_t id, const char *name,
			  const char *release, const char *basis,
			  const struct vigie_strv *only, int *done, struct vigie_error *err)
{
	static const char *const none[1] = { NULL };
	const char *special[64];
	struct store_restart restart;
	struct store_host_summary sum;
	struct pj_release *r = NULL;
	struct inventory inv;
	struct scan_result res;
	struct scan_opts so;
	struct vigie_arena RA;
	char hex[SHA256_HEX_LEN + 1];
	struct vigie_summed x;
	size_t nspecial = 0;
	struct vigie_strv rsrc;
	int known = 0, found = 0, over = 0, rc;

	*done = 0;
	if (!release)
		return 0;
	/* processes running replaced code add findings to the sources of
	 * the packages they name: those are judged on the host */
	vigie_strv_init(&rsrc);
	vigie_arena_init(&RA);
	rc = vigie_store_host_restart_get(pj->s, id, &restart, &known, &RA, err);
	if (!rc && known && restart.n) {
		if (only)
			over = 1; /* left to lib/app/host.c, which judges it in full */
		else
			rc = restart_sources(pj, id, &restart, &rsrc, &over, err);
	}
	vigie_arena_release(&RA);
	if (!rc && !over && !(rc = host_pairs(pj, id, name, &found, err)) && found &&
	    (rc = parse_lines(pj))) {
		if (rc == VIGIE_ENOMEM)
			rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
		else
			rc = found = 0; /* not pairs as written: judged in full */
	}
	if (rc || over || !found) {
		vigie_strv_release(&rsrc);
		return rc;
	}
	for (size_t i = 0; rsrc.n && i < pj->nlines; i++)
		if (vigie_strv_contains(&rsrc, pj->lines[i].source))
			pj->lines[i].special = 1;
	vigie_strv_release(&rsrc);
	for (size_t i = 0; i < pj->nlines; i++) {
		const struct pj_line *l = &pj->lines[i];
		if (!l->special || (nspecial && !strcmp(special[nspecial - 1], l->source)))
			continue;
		if (nspecial == 64)
			return 0; /* too many to load apart: judged in full */
		special[nspecial++] = l->source;
	}
	if ((rc = release_of(pj, release, &r, err)) || (rc = build_pairs(pj, r, err)))
		return rc;
	/* the kernel and the sources at several versions, judged on the host */
	if ((rc = vigie_store_host_load_sources(pj->s, name, nspecial ? special : none, nspecial,
						&inv, err))) {
		vigie_inventory_release(&inv);
		return rc;
	}
	scan_opts_for(pj, r, &so);
	rc = vigie_scan_run(&res, &inv, r->idx, pj->s, &so, err);
	if (!rc && known && (rc = vigie_scan_add_stored_restart(&res, pj->s, id, &inv, r->idx,
								   pj->pol, err)))
		vigie_scan_result_release(&res);
	if (rc) {
		vigie_inventory_release(&inv);
		return rc;
	}
	if (res.undetermined) {
		rc = vigie_app_record_judgement(pj->s, id, pj->when, &res, -1, basis, &sum, err);
	} else if (sum_up(pj, &res, &x, hex)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	} else {
		/* the history is read only when the findings moved */
		if (!only)
			rc = vigie_store_finding_history_same(pj->s, id, pj->when, hex, &x.same, err);
		if (!rc && !x.same && history_facts(pj, &res, only, &x))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		if (!rc)
			rc = vigie_app_record_summed(pj->s, id, pj->when, &res, basis, only, &x, &sum,
						     err);
	}
	vigie_scan_result_release(&res);
	vigie_inventory_release(&inv);
	if (!rc)
		*done = 1;
	return rc;
}
