/* The re-judgement of every stored host after a data update: judged
 * again are only the hosts whose findings the new data may change, and
 * only on the sources it moved.
 *
 * What decides the findings of any version of a source on a release is
 * its index entries (status, fixed version, urgency, no-dsa, advisory),
 * the class each entry's issue takes under the policy (KEV, CVSS, scope,
 * urgency), the source's support end (and whether it passed on the day
 * judged), and, for the whole release, its lifecycle on that day. Each
 * re-judgement keeps a SHA-256 of these per (release, source) in the
 * store (source_digests) with the basis they were taken on (meta
 * "digests_basis RELEASE"). The next one compares: a host judged on that
 * very basis needs judging again only on the sources it holds whose
 * digest moved (a partial judgement, lib/app/host.c); one holding none
 * keeps its findings and summary, moved to the new basis; the rest (no
 * earlier digest, another basis, the release's lifecycle moved, the
 * kernel, more than 64 sources) is judged in full. Both are summed per
 * (source, version) where the host allows it (lib/app/pairjudge.c), else
 * judged on the host's packages (lib/app/host.c, the fleet path). */
#include "vigie/app/host.h"
#include "vigie/core/sha256.h"
#include "vigie/engine/fleet.h"
#include "vigie/engine/vulnindex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum action { RJ_CURRENT, RJ_REBASE, RJ_PARTIAL, RJ_FULL };

struct rj_host {
	int64_t id;
	const char *name, *release, *basis;
	enum action action;
	struct vigie_strv sources; /* RJ_PARTIAL: index names of the moved ones */
};

struct rj {
	struct vigie_store *s;
	const struct policy *pol;
	int64_t when;
	int full;
	char basis[256];
	struct rj_host *hosts; /* by id */
	size_t n, cap;
	struct vigie_arena *A;
	void (*step)(void *ud, size_t done, size_t total);
	void *step_ud;
	size_t done, total;   /* hosts judged, to judge */
	struct vigie_hashmap facts; /* class facts, read once (load_facts) */
	int facts_read;
	struct vigie_error *err;
};

static void tick(struct rj *r)
{
	r->done++;
	if (r->step)
		r->step(r->step_ud, r->done, r->total);
}

static const char *keep(struct rj *r, const char *v)
{
	return v ? vigie_arena_strdup(r->A, v) : NULL;
}

static int host_cb(void *ud, const struct store_host_basis *b)
{
	struct rj *r = ud;
	struct rj_host *h;
	int judged = b->verdict && !strcmp(b->verdict, "judged") && b->basis;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 256;
		struct rj_host *nh = realloc(r->hosts, nc * sizeof(*nh));
		if (!nh)
			return vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		r->hosts = nh;
		r->cap = nc;
	}
	h = &r->hosts[r->n];
	memset(h, 0, sizeof(*h));
	vigie_strv_init(&h->sources);
	h->id = b->id;
	h->name = keep(r, b->name);
	h->release = keep(r, b->release);
	h->basis = judged ? keep(r, b->basis) : NULL;
	if (!h->name || (b->release && !h->release) || (judged && !h->basis))
		return vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	h->action = !r->full && h->basis && !strcmp(h->basis, r->basis) ? RJ_CURRENT : RJ_FULL;
	r->n++;
	return 0;
}

static struct rj_host *host_by_id(struct rj *r, int64_t id)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->hosts[mid].id == id)
			return &r->hosts[mid];
		if (r->hosts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- digests ---- */
/* What a digest is taken over: fields, each ended by US (a NULL one is
 * SOH alone, unlike ""). */
struct dbuf {
	struct vigie_buf b;
	int oom;
};

static void put_str(struct dbuf *d, const char *v)
{
	if (vigie_buf_adds(&d->b, v ? v : "\001") || vigie_buf_addc(&d->b, '\037'))
		d->oom = 1;
}

static void put_int(struct dbuf *d, long v)
{
	char n[32];
	snprintf(n, sizeof(n), "%ld", v);
	put_str(d, n);
}

static const char *hex_of(struct vigie_arena *A, struct dbuf *d)
{
	char hex[SHA256_HEX_LEN + 1];
	if (d->oom)
		return NULL;
	vigie_sha256_hex(hex, d->b.data ? d->b.data : "", d->b.len);
	d->b.len = 0;
	return vigie_arena_strdup(A, hex);
}

/* What decides each issue's class (id -> struct policy_facts*), merged
 * as vigie_store_vuln_facts_get merges it, for every issue the store has
 * facts of: read once per re-judgement, in three table scans
 * (vigie_store_vuln_class_facts_each), for all its releases. */
struct class_fill {
	struct vigie_hashmap *facts;
	struct vigie_arena *A;
	struct vigie_error *err;
};

static int class_cb(void *ud, int which, const char *id, const char *scope, double cvss,
		    const char *vector, int kev)
{
	struct class_fill *x = ud;
	size_t len = strlen(id);
	struct policy_facts *c = vigie_hashmap_get(x->facts, id, len);
	if (!c) {
		char *k = vigie_arena_strndup(x->A, id, len);
		void **slot;
		if (!k || !(c = vigie_arena_alloc(x->A, sizeof(*c))) ||
		    !(slot = vigie_hashmap_slot(x->facts, k, len)))
			goto oom;
		memset(c, 0, sizeof(*c));
		c->cvss = -1;
		*slot = c;
	}
	if (which == 0) {
		if (scope && !(c->scope = vigie_arena_strdup(x->A, scope)))
			goto oom;
	} else if (which == 1) {
		c->cvss = cvss;
		if (vector && !(c->cvss_vector = vigie_arena_strdup(x->A, vector)))
			goto oom;
		c->kev = c->kev || kev;
	} else {
		c->kev = c->kev || kev;
	}
	return 0;
oom:
	return vigie_error_set(x->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
}

static int load_facts(struct rj *r)
{
	struct class_fill x = { &r->facts, r->A, r->err };
	if (r->facts_read)
		return 0;
	r->facts_read = 1;
	return vigie_store_vuln_class_facts_each(r->s, class_cb, &x, r->err);
}

/* The digest of source on the day today under the policy. */
static const char *source_digest(struct rj *r, const struct vuln_source *src,
				 struct vigie_hashmap *facts, const char *today,
				 struct dbuf *b, struct vigie_arena *A)
{
	put_str(b, src->eol_version);
	put_str(b, src->eol_date);
	put_str(b, src->eol_note);
	put_str(b, src->limited_note);
	put_int(b, src->eol_date && strcmp(src->eol_date, today) < 0);
	for (size_t j = 0; j < src->n; j++) {
		const struct vuln_entry *e = &src->entries[j];
		const struct policy_facts *c = vigie_hashmap_get(facts, e->vuln, strlen(e->vuln));
		struct policy_facts pf;
		const char *rule;
		memset(&pf, 0, sizeof(pf));
		pf.cvss = -1;
		if (c)
			pf = *c;
		pf.urgency = e->urgency;
		put_str(b, e->vuln);
		put_int(b, (long)e->status);
		put_int(b, (long)e->origin);
		put_str(b, e->fixed_version);
		put_str(b, e->urgency);
		put_str(b, e->nodsa);
		put_str(b, e->nodsa_reason);
		put_str(b, e->advisory);
		put_str(b, e->advisory_date);
		put_int(b, e->next_point_update);
		put_int(b, e->advisory_exact);
		put_int(b, (long)vigie_policy_classify(r->pol, &pf, &rule));
	}
	return hex_of(A, b);
}

/* The release's own part: whether it can be judged and its lifecycle on
 * the day (an empty host's scan). */
static const char *release_digest(struct rj *r, const struct vulnindex *idx,
				  struct dbuf *b, struct vigie_arena *A)
{
	struct inventory inv;
	struct scan_result res;
	struct scan_opts so;
	const char *d;
	memset(&inv, 0, sizeof(inv));
	inv.release = (char *)idx->release;
	memset(&so, 0, sizeof(so));
	so.policy = r->pol;
	so.now = r->when;
	if (vigie_scan_run(&res, &inv, idx, r->s, &so, r->err))
		return NULL;
	put_str(b, res.undetermined);
	put_str(b, res.lifecycle.state);
	put_str(b, res.lifecycle.version);
	put_str(b, res.lifecycle.eol);
	put_str(b, res.lifecycle.eol_lts);
	put_str(b, res.lifecycle.eol_elts);
	put_str(b, res.lifecycle.message);
	put_int(b, res.lifecycle.warn);
	put_int(b, idx->has_tracker);
	put_int(b, idx->has_advisories);
	d = hex_of(A, b);
	vigie_scan_result_release(&res);
	return d;
}

/* The release's digests now: source -> hex, "" for the release itself. */
static int digests_now(struct rj *r, const struct vulnindex *idx, struct vigie_hashmap *out,
		       struct vigie_arena *A)
{
	struct vigie_hashmap *facts = &r->facts;
	struct dbuf b = { VIGIE_BUF_INIT, 0 };
	char today[16];
	const char *d;
	void **slot;
	int rc;
	vigie_date_format(r->when, today, sizeof(today));
	if ((rc = load_facts(r)))
		goto out;
	for (size_t i = 0; i < idx->sources.cap; i++) {
		const struct vuln_source *src;
		if (!idx->sources.keys || !idx->sources.keys[i])
			continue;
		src = idx->sources.vals[i];
		if (!(d = source_digest(r, src, facts, today, &b, A)) ||
		    !(slot = vigie_hashmap_slot(out, src->name, strlen(src->name)))) {
			rc = vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		*slot = (void *)d;
	}
	if (!(d = release_digest(r, idx, &b, A))) {
		rc = r->err->code ? r->err->code
				  : vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (!(slot = vigie_hashmap_slot(out, "", 0))) {
		rc = vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	*slot = (void *)d;
out:
	vigie_buf_release(&b.b);
	return rc;
}

struct stored {
	struct vigie_hashmap *map;
	struct vigie_arena *A;
	struct vigie_error *err;
};

static int stored_cb(void *ud, const char *source, const char *digest)
{
	struct stored *x = ud;
	char *k = vigie_arena_strdup(x->A, source ? source : "");
	char *v = vigie_arena_strdup(x->A, digest ? digest : "");
	void **slot;
	if (!k || !v || !(slot = vigie_hashmap_slot(x->map, k, strlen(k))))
		return vigie_error_set(x->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	*slot = v;
	return 0;
}

/* ---- one release ---- */
struct holders {
	struct rj *r;
	const char *release;
};

static int holder_cb(void *ud, int64_t host_id, const char *source)
{
	struct holders *x = ud;
	struct rj_host *h = host_by_id(x->r, host_id);
	const char *name;
	if (!h || h->action != RJ_REBASE || !source)
		return 0;
	name = vigie_kernel_source(source);
	if (!vigie_strv_contains(&h->sources, name) && vigie_strv_push(&h->sources, name))
		return vigie_error_set(x->r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

static int meta_key(char *out, size_t size, const char *release)
{
	return snprintf(out, size, "digests_basis %s", release) < (int)size ? 0 : -1;
}

/* Compare the release's digests with those kept, decide what each of its
 * hosts judged on the kept basis needs, and keep the new digests. */
static int one_release(struct rj *r, struct vigie_index_cache *cache, const char *release,
		       struct vigie_rejudge_release *out)
{
	const struct vulnindex *idx = NULL;
	struct vigie_hashmap now, before;
	struct vigie_arena T;
	struct stored x;
	struct vigie_strv moved;
	const char *old_basis = NULL;
	char key[160];
	size_t candidates = 0;
	int rc, whole = 0, kernel = 0;

	vigie_hashmap_init(&now);
	vigie_hashmap_init(&before);
	vigie_arena_init(&T);
	vigie_strv_init(&moved);
	memset(out, 0, sizeof(*out));
	out->release = vigie_arena_strdup(r->A, release);
	if (!out->release || meta_key(key, sizeof(key), release)) {
		rc = vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "release name too long");
		goto out;
	}
	if ((rc = vigie_store_meta_get(r->s, key, &T, &old_basis, r->err)))
		goto out;
	if (old_basis && !strcmp(old_basis, r->basis) && !r->full)
		goto out; /* taken on this basis already: its hosts are current */
	if ((rc = vigie_index_cache_get(cache, r->s, release, &idx, r->err)) ||
	    (rc = digests_now(r, idx, &now, &T)))
		goto out;
	x.map = &before;
	x.A = &T;
	x.err = r->err;
	if ((rc = vigie_store_source_digests_each(r->s, release, stored_cb, &x, r->err)))
		goto out;
	/* what moved: digests that differ, appeared or went */
	whole = r->full || !old_basis || !before.n;
	for (size_t i = 0; i < now.cap; i++) {
		const char *was;
		if (!now.keys || !now.keys[i])
			continue;
		was = vigie_hashmap_get(&before, now.keys[i], now.klens[i]);
		if (!was || strcmp(was, now.vals[i])) {
			if (!*now.keys[i])
				whole = 1; /* the release's lifecycle or data presence */
			else if (vigie_strv_push(&moved, now.keys[i]))
				goto oom;
			if ((rc = vigie_store_source_digest_set(r->s, release, now.keys[i],
								now.vals[i], r->err)))
				goto out;
		}
	}
	for (size_t i = 0; i < before.cap; i++) {
		if (!before.keys || !before.keys[i] ||
		    vigie_hashmap_get(&now, before.keys[i], before.klens[i]))
			continue;
		if (*before.keys[i] && vigie_strv_push(&moved, before.keys[i]))
			goto oom;
		if ((rc = vigie_store_source_digest_set(r->s, release, before.keys[i], NULL,
							r->err)))
			goto out;
	}
	vigie_strv_sort(&moved);
	out->whole = whole;
	out->n = moved.n;
	if (moved.n && !(out->sources = vigie_arena_alloc(r->A, moved.n * sizeof(char *))))
		goto oom;
	for (size_t i = 0; i < moved.n; i++)
		if (!(out->sources[i] = vigie_arena_strdup(r->A, moved.v[i])))
			goto oom;
	/* the hosts judged on the kept basis: those holding a moved source
	 * are judged again on it, the others only move to the new basis */
	for (size_t i = 0; i < r->n; i++) {
		struct rj_host *h = &r->hosts[i];
		if (h->action != RJ_FULL || !h->release || strcmp(h->release, release) ||
		    !h->basis || !old_basis || strcmp(h->basis, old_basis))
			continue;
		if (!whole) {
			h->action = RJ_REBASE;
			candidates++;
		}
	}
	for (size_t i = 0; candidates && i < moved.n; i += 64) {
		size_t m = moved.n - i < 64 ? moved.n - i : 64;
		struct holders hx = { r, release };
		kernel = 0;
		for (size_t j = 0; j < m; j++)
			if (vigie_is_kernel_source(moved.v[i + j]))
				kernel = 1;
		if ((rc = vigie_store_hosts_holding(r->s, release, (const char *const *)moved.v + i,
						    m, kernel, holder_cb, &hx, r->err)))
			goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct rj_host *h = &r->hosts[i];
		if (h->action != RJ_REBASE || !h->sources.n)
			continue;
		h->action = h->sources.n > 64 || vigie_app_sources_touch_kernel(&h->sources)
				    ? RJ_FULL
				    : RJ_PARTIAL;
	}
	rc = vigie_store_meta_set(r->s, key, r->basis, r->err);
	goto out;
oom:
	rc = vigie_error_set(r->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	vigie_index_cache_put(cache, idx);
	vigie_strv_release(&moved);
	vigie_hashmap_release(&now);
	vigie_hashmap_release(&before);
	vigie_arena_release(&T);
	return rc;
}

/* ---- the full judgements, through the fleet path (one matcher per
 * release shared by all its hosts) ---- */
struct full {
	struct rj *r;
	size_t n;
};

static int full_skip(void *ud, const struct store_host *h, int *skip, struct vigie_error *err)
{
	struct full *f = ud;
	struct rj_host *rh = host_by_id(f->r, h->id);
	(void)err;
	*skip = !rh || rh->action != RJ_FULL;
	return 0;
}

static int full_cb(void *ud, const struct store_host *h, const struct scan_result *res,
		   const char *why)
{
	struct full *f = ud;
	struct store_host_summary sum;
	f->n++;
	tick(f->r);
	if (!res) {
		memset(&sum, 0, sizeof(sum));
		sum.computed_at = f->r->when;
		sum.verdict = "undetermined";
		sum.reason = why;
		sum.pending_security = -1;
		return vigie_store_host_summary_put(f->r->s, h->id, &sum, f->r->err);
	}
	return vigie_app_record_judgement(f->r->s, h->id, f->r->when, res, -1, f->r->basis, &sum,
					  f->r->err);
}

/* The hosts to judge in full, summed per (source, version): those done
 * need no judging through the fleet path. */
static int summed(struct rj *r, struct vigie_pair_judge *pj, struct vigie_rejudge_stats *st)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < r->n; i++) {
		struct rj_host *h = &r->hosts[i];
		int done = 0;
		if (h->action != RJ_FULL)
			continue;
		rc = vigie_pair_judge_host(pj, h->id, h->name, h->release, r->basis, NULL, &done,
					   r->err);
		if (!rc && done) {
			h->action = RJ_CURRENT;
			st->full++;
			tick(r);
		}
	}
	return rc;
}

/* ---- what the re-judgement opened and resolved ---- */
struct seen {
	struct vigie_rejudge_stats *st;
	struct vigie_hashmap by_key;  /* "CVE\037source" -> change */
	struct vigie_hashmap hosts;   /* host id (decimal) -> itself */
	struct vigie_buf key;         /* the key looked up */
	struct vigie_error *err;
};

static int change_cb(void *ud, int64_t host_id, const char *cve, const char *source,
		     int opened, const char *cls)
{
	struct seen *x = ud;
	struct vigie_arena *A = &x->st->arena;
	struct vigie_rejudge_change *c;
	char id[32], *k;
	void **slot;
	size_t n;
	if (!cve || !source)
		return 0;
	/* the key built in a buffer kept across calls, copied when new:
	 * a first judgement of a fleet tells of millions of rows */
	x->key.len = 0;
	if (vigie_buf_adds(&x->key, cve) || vigie_buf_addc(&x->key, '\037') ||
	    vigie_buf_adds(&x->key, source))
		goto oom;
	n = x->key.len;
	if (!(c = vigie_hashmap_get(&x->by_key, x->key.data, n))) {
		if (!(k = vigie_arena_strndup(A, x->key.data, n)) ||
		    !(c = vigie_arena_alloc(A, sizeof(*c))) ||
		    !(slot = vigie_hashmap_slot(&x->by_key, k, n)))
			goto oom;
		memset(c, 0, sizeof(*c));
		if (!(c->cve = vigie_arena_strdup(A, cve)) ||
		    !(c->source = vigie_arena_strdup(A, source)))
			goto oom;
		*slot = c;
	}
	if (opened == 2) {
		c->reclassified++;
		x->st->reclassified++;
	} else if (opened) {
		c->opened++;
		x->st->opened++;
	} else {
		c->resolved++;
		x->st->resolved++;
	}
	if (cls && (!c->cls || strcmp(c->cls, cls)) && !(c->cls = vigie_arena_strdup(A, cls)))
		goto oom;
	snprintf(id, sizeof(id), "%lld", (long long)host_id);
	if (!vigie_hashmap_get(&x->hosts, id, strlen(id))) {
		char *kid = vigie_arena_strdup(A, id);
		if (!kid || !(slot = vigie_hashmap_slot(&x->hosts, kid, strlen(kid))))
			goto oom;
		*slot = kid;
		x->st->hosts_changed++;
	}
	return 0;
oom:
	return vigie_error_set(x->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
}

static int cmp_change(const void *pa, const void *pb)
{
	const struct vigie_rejudge_change *a = pa, *b = pb;
	size_t na = a->opened + a->resolved + a->reclassified,
	       nb = b->opened + b->resolved + b->reclassified;
	int c;
	if (na != nb)
		return na > nb ? -1 : 1;
	if ((c = strcmp(a->cve, b->cve)))
		return c;
	return strcmp(a->source, b->source);
}

static int changes_list(struct seen *x)
{
	struct vigie_rejudge_stats *st = x->st;
	size_t n = 0;
	if (!x->by_key.n)
		return 0;
	if (!(st->changes = calloc(x->by_key.n, sizeof(*st->changes))))
		return vigie_error_set(x->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < x->by_key.cap; i++)
		if (x->by_key.keys && x->by_key.keys[i])
			st->changes[n++] = *(struct vigie_rejudge_change *)x->by_key.vals[i];
	st->nchanges = n;
	qsort(st->changes, n, sizeof(*st->changes), cmp_change);
	return 0;
}

void vigie_rejudge_stats_release(struct vigie_rejudge_stats *st)
{
	if (!st)
		return;
	free(st->changes);
	free(st->releases);
	vigie_arena_release(&st->arena);
	memset(st, 0, sizeof(*st));
}

int vigie_app_rejudge_all(struct vigie_store *s, const struct policy *policy,
			  int64_t when, int full,
			  void (*step)(void *ud, size_t done, size_t total), void *step_ud,
			  struct vigie_rejudge_stats *st, struct vigie_error *err)
{
	struct vigie_rejudge_stats local;
	struct vigie_index_cache *cache = NULL;
	struct vigie_strv releases;
	struct fleet_opts fo;
	struct full fx;
	struct vigie_pair_judge *pj = NULL;
	struct seen seen;
	struct rj r;
	int rc;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	vigie_arena_init(&st->arena);
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.pol = policy;
	r.when = when ? when : vigie_now();
	r.full = full;
	r.A = &st->arena;
	r.step = step;
	r.step_ud = step_ud;
	r.err = err;
	vigie_strv_init(&releases);
	memset(&seen, 0, sizeof(seen));
	seen.st = st;
	seen.err = err;
	vigie_hashmap_init(&seen.by_key);
	vigie_hashmap_init(&seen.hosts);
	vigie_hashmap_init(&r.facts);
	if (vigie_index_cache_new(&cache))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if ((rc = vigie_store_begin(s, err)))
		goto done;
	if ((rc = vigie_store_history_bulk(s, 1, err))) {
		vigie_store_rollback(s);
		goto done;
	}
	vigie_store_history_observe(s, change_cb, &seen);
	if ((rc = vigie_app_judgement_basis(s, policy, r.when, r.basis, sizeof(r.basis), err)) ||
	    (rc = vigie_store_host_bases_each(s, host_cb, &r, err)))
		goto out;
	for (size_t i = 0; i < r.n; i++)
		st->current += r.hosts[i].action == RJ_CURRENT;
	/* the digests of every release held, unless nothing is to judge */
	for (size_t i = 0; st->current < r.n && i < r.n; i++)
		if (r.hosts[i].release && vigie_strv_push_unique(&releases, r.hosts[i].release)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
	vigie_strv_sort(&releases);
	if (releases.n && !(st->releases = calloc(releases.n, sizeof(*st->releases)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < releases.n; i++) {
		if ((rc = one_release(&r, cache, releases.v[i], &st->releases[i])))
			goto out;
		st->nreleases++;
	}
	for (size_t i = 0; i < r.n; i++)
		r.total += r.hosts[i].action == RJ_PARTIAL || r.hosts[i].action == RJ_FULL;
	memset(&fo, 0, sizeof(fo));
	fo.policy = policy;
	fo.now = r.when;
	fo.cache = cache;
	fo.skip = full_skip;
	fo.skip_ud = &fx;
	fx.r = &r;
	fx.n = 0;
	/* summed per (source, version) (VIGIE_FLEET_PER_HOST: host by host) */
	if (!vigie_fleet_per_host(&fo) &&
	    vigie_pair_judge_new(&pj, s, cache, policy, r.when)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	/* the partial judgements before the rebase: one falling back to a
	 * full judgement writes the new basis, which the rebase then skips */
	for (size_t i = 0; i < r.n; i++) {
		struct rj_host *h = &r.hosts[i];
		int partial = 0, done = 0;
		if (h->action != RJ_PARTIAL)
			continue;
		/* summed: the whole summary and digest, the moved sources'
		 * history alone */
		if (pj && (rc = vigie_pair_judge_host(pj, h->id, h->name, h->release, r.basis,
						      &h->sources, &done, err)))
			goto out;
		partial = done;
		if (!done &&
		    (rc = vigie_app_host_rejudge(s, cache, h->id, h->name, policy, r.when, r.basis,
						 h->basis, &h->sources, &partial, err)))
			goto out;
		tick(&r);
		if (partial)
			st->partial++;
		else
			st->full++;
	}
	/* the full judgements summed per (source, version) where they can
	 * be; the rest (and all with VIGIE_FLEET_PER_HOST) host by host */
	if (pj && (rc = summed(&r, pj, st)))
		goto out;
	/* the fleet path reads every host row: only when one is to judge */
	for (size_t i = 0; i < r.n; i++)
		if (r.hosts[i].action == RJ_FULL) {
			if ((rc = vigie_fleet_scan(s, &fo, full_cb, &fx, err)))
				goto out;
			break;
		}
	st->full += fx.n;
	/* the hosts left on a kept basis hold nothing that moved: one
	 * statement per kept basis moves them all */
	for (size_t i = 0; i < r.n; i++) {
		struct rj_host *h = &r.hosts[i];
		long n = 0;
		if (h->action != RJ_REBASE)
			continue;
		if ((rc = vigie_store_host_summaries_rebase(s, h->basis, r.basis, r.when, &n, err)))
			goto out;
		st->rebased += (size_t)n;
		for (size_t j = i; j < r.n; j++)
			if (r.hosts[j].action == RJ_REBASE && !strcmp(r.hosts[j].basis, h->basis))
				r.hosts[j].action = RJ_CURRENT;
	}
	rc = changes_list(&seen);
out:
	vigie_store_history_observe(s, NULL, NULL);
	vigie_pair_judge_free(pj);
	if (rc)
		vigie_store_rollback(s);
	else
		rc = vigie_store_commit(s, err);
	vigie_store_history_bulk(s, 0, NULL); /* back to the default cache */
done:
	vigie_hashmap_release(&seen.by_key);
	vigie_hashmap_release(&seen.hosts);
	vigie_buf_release(&seen.key);
	for (size_t i = 0; i < r.n; i++)
		vigie_strv_release(&r.hosts[i].sources);
	free(r.hosts);
	vigie_hashmap_release(&r.facts);
	vigie_strv_release(&releases);
	vigie_index_cache_free(cache);
	if (rc || st == &local)
		vigie_rejudge_stats_release(st);
	return rc;
}
