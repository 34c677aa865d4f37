#include "vigie/engine/indexcache.h"
#include "vigie/engine/match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = { "fixed-available", "no-fix",
					   "undetermined", "end-of-life" };

const char *vigie_finding_state_name(enum finding_state s)
{
	return (unsigned)s < FINDING_NSTATES ? state_names[s] : "unknown";
}

int vigie_match_inventory_sources(const struct inventory *inv, struct vigie_strv *out)
{
	size_t start = out->n, w;
	for (size_t i = 0; i < inv->npkgs; i++) {
		const char *src = vigie_kernel_source(inv->pkgs[i].source);
		if (vigie_strv_push(out, src))
			return VIGIE_ENOMEM;
	}
	if (out->n - start > 1) {
		struct vigie_strv tail = { out->v + start, out->n - start, out->n - start };
		vigie_strv_sort(&tail);
	}
	for (size_t i = w = start; i < out->n; i++) {
		if (w > start && !strcmp(out->v[w - 1], out->v[i])) {
			free(out->v[i]);
			continue;
		}
		out->v[w++] = out->v[i];
	}
	out->n = w;
	return 0;
}

int vigie_match_is_kernel_image(const char *name)
{
	return !strncmp(name, "linux-image-", 12) && isdigit((unsigned char)name[12]);
}

/* "a\x1fb" hash keys, on the stack when they fit: scans build one per
 * package group and per finding, so no malloc on that path. */
struct pair_key {
	char small[256];
	struct vigie_buf big;
	const char *data;
	size_t len;
};

static int key_make(struct pair_key *k, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	vigie_buf_init(&k->big);
	if (la + lb + 2 <= sizeof(k->small)) {
		memcpy(k->small, a, la);
		k->small[la] = '\x1f';
		memcpy(k->small + la + 1, b, lb + 1);
		k->data = k->small;
	} else {
		if (vigie_buf_addf(&k->big, "%s\x1f%s", a, b))
			return VIGIE_ENOMEM;
		k->data = k->big.data;
	}
	k->len = la + lb + 1;
	return 0;
}

static void key_release(struct pair_key *k)
{
	vigie_buf_release(&k->big);
}

/* ---------------- matcher ---------------- */
struct matcher {
	const struct vulnindex *idx;
	int include_unimportant;
	char today[16];
	struct vigie_arena arena;
	struct vigie_hashmap cache; /* "source\x1fversion" -> struct match_list* */
	/* the findings shared per (source, version) (vigie_matcher_share):
	 * built once, for the first scan's policy and store, into tres */
	int share, tbound;
	const struct policy *tpol;
	const struct vigie_store *tstore;
	struct scan_result tres;    /* the shared findings and their strings */
	struct vigie_hashmap tmpl;  /* "source\x1fversion" -> struct shared* */
};

/* A pair's findings: tres.findings[first .. first + n) */
struct shared {
	size_t first, n;
};

int vigie_matcher_new(struct matcher **out, const struct vulnindex *idx,
		int include_unimportant, int64_t now)
{
	struct matcher *m = calloc(1, sizeof(*m));
	*out = NULL;
	if (!m)
		return VIGIE_ENOMEM;
	m->idx = idx;
	m->include_unimportant = include_unimportant;
	vigie_date_format(now ? now : vigie_now(), m->today, sizeof(m->today));
	vigie_arena_init(&m->arena);
	vigie_hashmap_init(&m->cache);
	vigie_arena_init(&m->tres.arena);
	vigie_hashmap_init(&m->tmpl);
	*out = m;
	return 0;
}

void vigie_matcher_share(struct matcher *m)
{
	m->share = 1;
}

void vigie_matcher_free(struct matcher *m)
{
	if (!m)
		return;
	vigie_hashmap_release(&m->tmpl);
	free(m->tres.findings);
	vigie_arena_release(&m->tres.arena);
	vigie_hashmap_release(&m->cache);
	vigie_arena_release(&m->arena);
	free(m);
}

static int support_ended(const struct matcher *m, const struct vuln_source *src)
{
	/* an empty end date in the list means "ended" with no date given; the
	 * end date itself is still supported (as distro-info counts it) */
	return src->eol_date && strcmp(src->eol_date, m->today) < 0;
}

static int compute(struct matcher *m, const struct vuln_source *src,
		   const char *version, struct match_list *out)
{
	struct debver v;
	size_t n = 0;
	int eol = support_ended(m, src);

	if (vigie_debver_parse(&v, version, NULL) < 0)
		return VIGIE_EPARSE;
	out->hits = vigie_arena_alloc(&m->arena, (src->n ? src->n : 1) * sizeof(*out->hits));
	if (!out->hits)
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < src->n; i++) {
		const struct vuln_entry *e = &src->entries[i];
		enum finding_state st;
		if (e->status == VULN_RESOLVED) {
			/* fixed version 0: never affected; >= fixed: has the fix
			 * (whatever upstream version the binary claims) */
			if (!e->fixed_version || vigie_version_has_fix(&v, e))
				continue;
			st = FINDING_FIXED_AVAILABLE;
		} else if (e->status == VULN_UNDETERMINED) {
			st = FINDING_UNDETERMINED;
		} else {
			st = FINDING_NO_FIX;
			if (eol || (e->urgency && !strcmp(e->urgency, "end-of-life")))
				st = FINDING_END_OF_LIFE;
		}
		if (!m->include_unimportant && e->urgency &&
		    !strcmp(e->urgency, "unimportant")) {
			out->hidden_unimportant++;
			continue;
		}
		out->hits[n].entry = e;
		out->hits[n].state = st;
		n++;
	}
	out->n = n;
	return 0;
}

const struct match_list *vigie_matcher_match(struct matcher *m, const char *source,
				       const char *version)
{
	static const struct match_list empty;
	const struct vuln_source *src = vigie_vulnindex_source(m->idx, source);
	struct pair_key key;
	struct match_list *l;
	void **slot;
	char *k;

	if (!src)
		return &empty;
	if (key_make(&key, source, version))
		return NULL;
	l = vigie_hashmap_get(&m->cache, key.data, key.len);
	if (l)
		goto out;
	l = vigie_arena_alloc(&m->arena, sizeof(*l));
	k = vigie_arena_strndup(&m->arena, key.data, key.len);
	if (!l || !k || compute(m, src, version, l) ||
	    !(slot = vigie_hashmap_slot(&m->cache, k, key.len))) {
		l = NULL;
		goto out;
	}
	*slot = l;
out:
	key_release(&key);
	return l;
}

/* ---------------- scan ---------------- */
struct group {
	const char *source, *version;
	struct finding_bin *bins;
	size_t nbins, cap;
	int kernel;
	int multi;      /* its source is installed at another version too */
};

struct scan_ctx {
	struct scan_result *res;
	const struct inventory *inv;
	const struct vulnindex *idx;
	struct vigie_store *store;
	const struct scan_opts *opts;
	struct policy defpol;
	const struct policy *policy;
	struct vigie_error *err;
	struct vigie_hashmap groups;   /* "src\x1fver" -> struct group* */
	struct vigie_hashmap by_source; /* source -> its first struct group* */
	struct group **glist;
	size_t ng, gcap;
	struct vigie_hashmap findings; /* "cve\x1fsource" -> index + 1 */
	struct vigie_hashmap facts;    /* cve -> struct store_vuln_facts* in facts_mem */
	struct vigie_arena facts_mem;  /* the facts this scan read, freed at its end */
	struct vigie_hashmap hidden;   /* source -> hidden unimportant count + 1 */
	const char *newest_kernel;     /* version of the newest image */
	char today[16];                /* the scan's date, for support end dates */
	int share;                     /* the matcher's shared findings serve */
};

static const char *adup(struct scan_result *r, const char *s)
{
	return s ? vigie_arena_strdup(&r->arena, s) : NULL;
}

const char *vigie_scan_result_printf(struct scan_result *r, const char *fmt, ...)
{
	va_list ap;
	char small[1024];
	int n;
	char *p;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = vigie_arena_alloc(&r->arena, (size_t)n + 1);
	if (!p)
		return NULL;
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return p;
}

#define aprintf(...) vigie_scan_result_printf(__VA_ARGS__)

static int add_to_group(struct scan_ctx *c, const char *source, const char *version,
			const struct inventory_pkg *p, int kernel)
{
	struct pair_key key;
	struct group *g;
	int rc = VIGIE_ENOMEM;

	if (key_make(&key, source, version))
		goto out;
	g = vigie_hashmap_get(&c->groups, key.data, key.len);
	if (!g) {
		void **slot;
		char *k = vigie_arena_strndup(&c->res->arena, key.data, key.len);
		g = vigie_arena_alloc(&c->res->arena, sizeof(*g));
		if (!k || !g || !(slot = vigie_hashmap_slot(&c->groups, k, key.len)))
			goto out;
		g->source = adup(c->res, source);
		g->version = adup(c->res, version);
		g->kernel = kernel;
		*slot = g;
		{
			/* findings need merging only for a source installed at two
			 * versions: remember which groups share a source */
			void **first = g->source ? vigie_hashmap_slot(&c->by_source, g->source,
								      strlen(g->source))
						 : NULL;
			if (!first)
				goto out;
			if (*first) {
				((struct group *)*first)->multi = 1;
				g->multi = 1;
			} else {
				*first = g;
			}
		}
		if (c->ng == c->gcap) {
			size_t nc = c->gcap ? c->gcap * 2 : 64;
			struct group **nl = realloc(c->glist, nc * sizeof(*nl));
			if (!nl)
				goto out;
			c->glist = nl;
			c->gcap = nc;
		}
		c->glist[c->ng++] = g;
	}
	if (g->nbins == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 4;
		struct finding_bin *nb = vigie_arena_alloc(&c->res->arena, nc * sizeof(*nb));
		if (!nb)
			goto out;
		if (g->nbins)
			memcpy(nb, g->bins, g->nbins * sizeof(*nb));
		g->bins = nb;
		g->cap = nc;
	}
	g->bins[g->nbins].name = adup(c->res, p->name);
	g->bins[g->nbins].version = adup(c->res, p->version);
	g->bins[g->nbins].arch = adup(c->res, p->arch);
	if (!g->bins[g->nbins].name || !g->bins[g->nbins].version)
		goto out;
	g->nbins++;
	rc = 0;
out:
	key_release(&key);
	return rc;
}

static int is_kernel_source(const char *s)
{
	return vigie_is_kernel_source(s);
}

/* Decide which kernel image runs; group the rest of the packages. */
static int group_packages(struct scan_ctx *c)
{
	const struct inventory *inv = c->inv;
	struct scan_kernel *k = &c->res->kernel;
	const struct inventory_pkg *running = NULL, *newest = NULL, *oldest = NULL;
	struct debver a, b;
	size_t nimg = 0;
	int rc;

	k->running_release = adup(c->res, inv->kernel_release);
	k->booted_at = inv->booted_at;
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		if (is_kernel_source(p->source)) {
			if (!vigie_match_is_kernel_image(p->name))
				continue; /* headers, libc-dev, metapackages: no kernel code runs */
			nimg++;
			if (inv->kernel_release) {
				size_t l = strlen(inv->kernel_release);
				if (!strncmp(p->name + 12, inv->kernel_release, l) &&
				    (!p->name[12 + l] || !strcmp(p->name + 12 + l, "-unsigned")))
					running = p;
			}
			vigie_debver_parse(&a, p->version, NULL);
			if (newest) {
				vigie_debver_parse(&b, newest->version, NULL);
				if (vigie_debver_cmp(&a, &b) > 0)
					newest = p;
			} else {
				newest = p;
			}
			if (oldest) {
				vigie_debver_parse(&b, oldest->version, NULL);
				if (vigie_debver_cmp(&a, &b) < 0)
					oldest = p;
			} else {
				oldest = p;
			}
			continue;
		}
		if ((rc = add_to_group(c, p->source, p->source_version, p, 0)))
			return vigie_error_set(c->err, rc, NULL, 0, "out of memory");
	}
	if (!nimg) {
		k->note = inv->kernel_release
				  ? aprintf(c->res, "running kernel %s is not from a Debian package",
					    inv->kernel_release)
				  : "no Debian kernel image installed";
		return 0;
	}
	if (inv->kernel_release && !running) {
		k->note = aprintf(c->res,
				  "running kernel %s is not from an installed Debian package;"
				  " kernel images are not checked",
				  inv->kernel_release);
	} else {
		const char *ver;
		if (!running) {
			/* Unknown running kernel (an image or a status file alone):
			 * judge the oldest installed image, so nothing is missed. */
			running = oldest;
			k->note = "running kernel unknown (use --kernel): the oldest installed"
				  " kernel image is assumed to run";
			ver = running->version;
		} else if (inv->kernel_version && vigie_debver_parse(&a, inv->kernel_version, NULL) >= 0) {
			ver = inv->kernel_version;
			k->note = "running kernel from uname and /proc/version";
		} else {
			ver = running->version;
			k->note = "running kernel from uname; version from its package";
		}
		k->running_package = adup(c->res, running->name);
		k->running_version = adup(c->res, ver);
		if ((rc = add_to_group(c, "linux", ver, running, 1)))
			return vigie_error_set(c->err, rc, NULL, 0, "out of memory");
		vigie_debver_parse(&a, newest->version, NULL);
		vigie_debver_parse(&b, ver, NULL);
		if (vigie_debver_cmp(&a, &b) > 0) {
			k->reboot_required = 1;
			c->newest_kernel = newest->version;
		}
		k->newest_package = adup(c->res, newest->name);
		k->newest_version = adup(c->res, newest->version);
	}
	k->not_running = vigie_arena_alloc(&c->res->arena, nimg * sizeof(*k->not_running));
	if (!k->not_running)
		return vigie_error_set(c->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		if (is_kernel_source(p->source) && vigie_match_is_kernel_image(p->name) && p != running)
			k->not_running[k->nnot_running++] =
				aprintf(c->res, "%s %s", p->name, p->version);
	}
	return 0;
}

/* With no kernel image judged, the binaries of the linux source (libc-dev,
 * bpftool, perf, usbip...) run no kernel code of their own, but their
 * pending update must not vanish: list each with the release's highest
 * linux fix above it and how many fixes lie above it. */
static int kernel_userland(struct scan_ctx *c, struct matcher *m)
{
	struct scan_kernel *k = &c->res->kernel;
	size_t n = 0;

	if (k->running_version)
		return 0;
	for (size_t i = 0; i < c->inv->npkgs; i++)
		if (!strcmp(c->inv->pkgs[i].source, "linux"))
			n++;
	if (!n)
		return 0;
	if (!(k->userland = vigie_arena_alloc(&c->res->arena, n * sizeof(*k->userland))))
		return vigie_error_set(c->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < c->inv->npkgs; i++) {
		const struct inventory_pkg *p = &c->inv->pkgs[i];
		struct scan_kernel_userland *u;
		const struct match_list *l;
		const struct debver *top = NULL;
		if (strcmp(p->source, "linux"))
			continue;
		u = &k->userland[k->nuserland++];
		memset(u, 0, sizeof(*u));
		u->name = adup(c->res, p->name);
		u->version = adup(c->res, p->version);
		if (!(l = vigie_matcher_match(m, "linux", p->source_version)))
			return vigie_error_set(c->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		for (size_t h = 0; h < l->n; h++) {
			const struct vuln_entry *e = l->hits[h].entry;
			if (l->hits[h].state != FINDING_FIXED_AVAILABLE)
				continue;
			u->cves++;
			if (!top || vigie_debver_cmp(&e->fixed, top) > 0) {
				top = &e->fixed;
				u->fixed_version = e->fixed_version;
			}
		}
	}
	return 0;
}

static const struct store_vuln_facts *facts_for(struct scan_ctx *c, const char *cve)
{
	static const struct store_vuln_facts none = { .cvss = -1 };
	struct store_vuln_facts *f;
	void **slot;
	size_t len = strlen(cve);
	if (!c->store)
		return &none;
	f = vigie_hashmap_get(&c->facts, cve, len);
	if (f)
		return f;
	if (c->opts->facts) {
		const struct store_vuln_facts *kept = vigie_facts_cache_get(c->opts->facts, cve);
		if (kept)
			return kept;
	}
	if (!(f = vigie_arena_alloc(&c->facts_mem, sizeof(*f))) ||
	    vigie_store_vuln_facts_get(c->store, cve, &c->facts_mem, f, NULL) ||
	    !(slot = vigie_hashmap_slot(&c->facts, adup(c->res, cve), len)))
		return &none;
	*slot = f;
	return f;
}

/* g's findings are shared on m already (g single-version, not the kernel) */
static int shared_known(struct matcher *m, const struct group *g)
{
	struct pair_key key;
	int known;
	if (g->multi || g->kernel || key_make(&key, g->source, g->version))
		return 0;
	known = vigie_hashmap_get(&m->tmpl, key.data, key.len) != NULL;
	key_release(&key);
	return known;
}

/* Read the facts of every issue the groups' matches name in a few
 * statements (vigie_store_vuln_facts_many) into c->facts, before the
 * findings are built: facts_for then finds them all. A failure leaves
 * facts_for to read them one by one, as without this. */
static void facts_prefetch(struct scan_ctx *c, struct matcher *m)
{
	struct vigie_hashmap want;
	const char **ids = NULL;
	struct store_vuln_facts *got = NULL;
	size_t n = 0, cap = 0;

	if (!c->store)
		return;
	vigie_hashmap_init(&want);
	for (size_t i = 0; i < c->ng; i++) {
		const struct group *g = c->glist[i];
		const struct match_list *l;
		if (!vigie_vulnindex_source(c->idx, g->source) ||
		    (c->share && shared_known(m, g)) ||
		    !(l = vigie_matcher_match(m, g->source, g->version)))
			continue;
		for (size_t h = 0; h < l->n; h++) {
			const char *cve = l->hits[h].entry->vuln;
			size_t len = strlen(cve);
			void **slot;
			if (vigie_hashmap_get(&want, cve, len) ||
			    vigie_hashmap_get(&c->facts, cve, len) ||
			    (c->opts->facts && vigie_facts_cache_get(c->opts->facts, cve)))
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				const char **ni = realloc(ids, nc * sizeof(*ids));
				if (!ni)
					goto out;
				ids = ni;
				cap = nc;
			}
			if (!(slot = vigie_hashmap_slot(&want, cve, len)))
				goto out;
			*slot = (void *)cve;
			ids[n++] = cve;
		}
	}
	if (!n || n > SIZE_MAX / sizeof(*got) ||
	    !(got = vigie_arena_alloc(&c->facts_mem, n * sizeof(*got))) ||
	    vigie_store_vuln_facts_many(c->store, ids, n, &c->facts_mem, got, NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *key;
		void **slot;
		/* kept for the next scans of this data (then read from there) */
		if (c->opts->facts && vigie_facts_cache_add(c->opts->facts, ids[i], &got[i]))
			continue;
		key = adup(c->res, ids[i]);
		if (!key || !(slot = vigie_hashmap_slot(&c->facts, key, strlen(key))))
			break;
		*slot = &got[i];
	}
out:
	free(ids);
	vigie_hashmap_release(&want);
}

static const char *data_source_of(const struct vuln_entry *e)
{
	if (e->origin == VULN_FROM_TRACKER)
		return "debian-security-tracker";
	if (e->advisory && !strncmp(e->advisory, "DLA-", 4))
		return "dla-list";
	if (e->advisory && !strncmp(e->advisory, "DTSA-", 5))
		return "dtsa-list";
	return "dsa-list";
}

static const char *source_label(const char *ds)
{
	if (!strcmp(ds, "debian-security-tracker"))
		return "Debian security tracker";
	if (!strcmp(ds, "dla-list"))
		return "Debian DLA list";
	if (!strcmp(ds, "dtsa-list"))
		return "Debian DTSA list";
	return "Debian DSA list";
}

/* Concatenate parts (NULL ones skipped) into the arena: evidence sentences
 * are built for every finding, printf would dominate a large scan. */
static const char *acat(struct scan_result *r, const char *const *parts, size_t n)
{
	size_t len = 0, l;
	char *p, *q;
	for (size_t i = 0; i < n; i++)
		len += parts[i] ? strlen(parts[i]) : 0;
	if (!(p = vigie_arena_alloc(&r->arena, len + 1)))
		return NULL;
	for (size_t i = 0, at = 0; i < n; i++) {
		if (!parts[i])
			continue;
		l = strlen(parts[i]);
		memcpy(p + at, parts[i], l);
		at += l;
	}
	q = p + len;
	*q = '\0';
	return p;
}

static const char *evidence(struct scan_ctx *c, const struct finding *f,
			    const struct vuln_source *src)
{
	struct scan_result *r = c->res;
	const char *lbl = source_label(f->data_source);
	char extra[512] = "";

	if (f->state == FINDING_FIXED_AVAILABLE && !f->reboot_required) {
		const char *parts[] = {
			lbl, ", ", c->idx->release, ": ", f->cve, " is fixed in ", f->source, " ",
			f->fixed_version,
			f->advisory ? " (" : NULL, f->advisory,
			f->advisory && f->advisory_date ? ", " : NULL,
			f->advisory ? f->advisory_date : NULL, f->advisory ? ")" : NULL,
			"; installed source version ", f->source_version, " is older."
		};
		return acat(r, parts, sizeof(parts) / sizeof(parts[0]));
	}
	if (f->reboot_required)
		snprintf(extra, sizeof(extra),
			 "; kernel %s carrying the fix is installed but not running: reboot required",
			 c->newest_kernel);
	switch (f->state) {
	case FINDING_FIXED_AVAILABLE:
		return aprintf(r, "%s, %s: %s is fixed in %s %s%s%s%s%s%s; installed source"
			       " version %s is older%s.",
			       lbl, c->idx->release, f->cve, f->source, f->fixed_version,
			       f->advisory ? " (" : "", f->advisory ? f->advisory : "",
			       f->advisory && f->advisory_date ? ", " : "",
			       f->advisory && f->advisory_date ? f->advisory_date : "",
			       f->advisory ? ")" : "", f->source_version, extra);
	case FINDING_NO_FIX:
		if (f->nodsa)
			snprintf(extra, sizeof(extra), " (%s: %s)",
				 f->nodsa_reason && *f->nodsa_reason ? f->nodsa_reason : "no-dsa",
				 *f->nodsa ? f->nodsa : "no advisory planned");
		return aprintf(r, "%s, %s: %s affects %s and no fixed version is available%s;"
			       " installed source version %s.",
			       lbl, c->idx->release, f->cve, f->source, extra, f->source_version);
	case FINDING_UNDETERMINED:
		return aprintf(r, "%s, %s: whether %s affects %s is undetermined;"
			       " installed source version %s.",
			       lbl, c->idx->release, f->cve, f->source, f->source_version);
	case FINDING_END_OF_LIFE:
		/* a support end still to come is not the reason (the tracker's is) */
		if (src->eol_date && strcmp(src->eol_date, c->today) < 0)
			return aprintf(r, "debian-security-support, %s: security support for %s"
				       " ended%s%s%s%s; %s is not fixed in installed source version %s.",
				       c->idx->release, f->source, *src->eol_date ? " on " : "",
				       src->eol_date, src->eol_note ? ": " : "",
				       src->eol_note ? src->eol_note : "", f->cve, f->source_version);
		return aprintf(r, "%s, %s: %s is end-of-life for security support;"
			       " %s is not fixed in installed source version %s.",
			       lbl, c->idx->release, f->source, f->cve, f->source_version);
	default:
		break;
	}
	return NULL;
}

struct finding *vigie_scan_result_slot(struct scan_result *r)
{
	struct finding *f;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		struct finding *nf = realloc(r->findings, nc * sizeof(*nf));
		if (!nf)
			return NULL;
		r->findings = nf;
		r->cap = nc;
	}
	f = &r->findings[r->n];
	memset(f, 0, sizeof(*f));
	f->cvss = -1;
	return f;
}

void vigie_scan_finding_set_facts(struct scan_result *r, struct finding *f,
			    const struct store_vuln_facts *fa, const char *urgency,
			    const struct policy *policy)
{
	struct policy_facts pf;
	f->scope = adup(r, fa->scope);
	f->description = adup(r, fa->description);
	f->cvss = fa->cvss;
	f->cvss_vector = adup(r, fa->cvss_vector);
	f->cvss_version = adup(r, fa->cvss_version);
	f->kev_added = adup(r, fa->kev_added);
	memset(&pf, 0, sizeof(pf));
	pf.kev = fa->kev_added != NULL;
	pf.cvss = fa->cvss;
	pf.cvss_vector = fa->cvss_vector;
	pf.scope = fa->scope;
	pf.urgency = urgency;
	f->cls = vigie_policy_classify(policy, &pf, &f->class_rule);
}

static int add_finding(struct scan_ctx *c, const struct group *g,
		       const struct vuln_source *src, const struct match_hit *h)
{
	struct scan_result *r = c->res;
	const struct vuln_entry *e = h->entry;
	struct pair_key key;
	struct finding *f;
	uintptr_t pos;
	int rc = VIGIE_ENOMEM;

	if (key_make(&key, e->vuln, g->source))
		goto out;
	pos = g->multi ? (uintptr_t)vigie_hashmap_get(&c->findings, key.data, key.len) : 0;
	if (pos) {
		/* same source at two versions: keep the older, merge binaries */
		struct debver a, b;
		struct finding_bin *nb;
		f = &r->findings[pos - 1];
		nb = vigie_arena_alloc(&r->arena, (f->nbins + g->nbins) * sizeof(*nb));
		if (!nb)
			goto out;
		memcpy(nb, f->bins, f->nbins * sizeof(*nb));
		memcpy(nb + f->nbins, g->bins, g->nbins * sizeof(*nb));
		f->bins = nb;
		f->nbins += g->nbins;
		vigie_debver_parse(&a, g->version, NULL);
		vigie_debver_parse(&b, f->source_version, NULL);
		if (vigie_debver_cmp(&a, &b) < 0) {
			f->source_version = g->version;
			f->evidence = evidence(c, f, src);
		}
		rc = 0;
		goto out;
	}
	if (!(f = vigie_scan_result_slot(r)))
		goto out;
	f->cve = e->vuln;
	f->source = g->source;
	f->source_version = g->version;
	f->bins = g->bins;
	f->nbins = g->nbins;
	f->state = h->state;
	f->fixed_version = e->status == VULN_RESOLVED ? e->fixed_version : NULL;
	f->advisory = e->advisory;
	f->advisory_date = e->advisory_date;
	f->urgency = e->urgency;
	f->nodsa = e->nodsa;
	f->nodsa_reason = e->nodsa_reason;
	f->data_source = data_source_of(e);
	f->kernel = g->kernel;
	if (g->kernel && c->newest_kernel && f->state == FINDING_FIXED_AVAILABLE) {
		struct debver nk;
		vigie_debver_parse(&nk, c->newest_kernel, NULL);
		f->reboot_required = vigie_debver_cmp(&nk, &e->fixed) >= 0;
	}
	vigie_scan_finding_set_facts(r, f, facts_for(c, e->vuln), e->urgency, c->policy);
	f->evidence = evidence(c, f, src);
	if (!f->evidence)
		goto out;
	if (g->multi) {
		char *k = vigie_arena_strndup(&r->arena, key.data, key.len);
		void **slot = k ? vigie_hashmap_slot(&c->findings, k, key.len) : NULL;
		if (!slot)
			goto out;
		*slot = (void *)(uintptr_t)(r->n + 1);
	}
	r->n++;
	rc = 0;
out:
	key_release(&key);
	return rc;
}

/* The findings m shares for g (single-version, not the kernel), built
 * into m's result on first use as add_finding builds them. */
static int pair_template(struct scan_ctx *c, struct matcher *m, const struct group *g,
			 const struct vuln_source *src, const struct match_list *l,
			 const struct shared **out)
{
	struct scan_result *host = c->res, *t = &m->tres;
	struct pair_key key;
	struct shared *sh;
	int rc = 0;

	if (key_make(&key, g->source, g->version))
		return VIGIE_ENOMEM;
	if (!(sh = vigie_hashmap_get(&m->tmpl, key.data, key.len))) {
		struct group fg;
		void **slot;
		char *k = vigie_arena_strndup(&t->arena, key.data, key.len);
		memset(&fg, 0, sizeof(fg));
		fg.source = vigie_arena_strdup(&t->arena, g->source);
		fg.version = vigie_arena_strdup(&t->arena, g->version);
		sh = vigie_arena_alloc(&t->arena, sizeof(*sh));
		if (!k || !fg.source || !fg.version || !sh) {
			rc = VIGIE_ENOMEM;
			goto out;
		}
		sh->first = t->n;
		c->res = t; /* built into the matcher's result */
		for (size_t h = 0; !rc && h < l->n; h++)
			rc = add_finding(c, &fg, src, &l->hits[h]);
		c->res = host;
		if (!rc && !(slot = vigie_hashmap_slot(&m->tmpl, k, key.len)))
			rc = VIGIE_ENOMEM;
		if (rc) {
			t->n = sh->first;
			goto out;
		}
		sh->n = t->n - sh->first;
		*slot = sh;
	}
	*out = sh;
out:
	key_release(&key);
	return rc;
}

/* Add g's findings (g single-version, not the kernel) from the ones m
 * shares, with g's binaries. */
static int add_shared(struct scan_ctx *c, struct matcher *m, const struct group *g,
		      const struct vuln_source *src, const struct match_list *l)
{
	struct scan_result *host = c->res, *t = &m->tres;
	const struct shared *sh;
	int rc;

	if ((rc = pair_template(c, m, g, src, l, &sh)))
		return rc;
	for (size_t i = 0; i < sh->n; i++) {
		struct finding *f = vigie_scan_result_slot(host);
		if (!f)
			return VIGIE_ENOMEM;
		*f = t->findings[sh->first + i];
		f->bins = g->bins;
		f->nbins = g->nbins;
		host->n++;
	}
	return 0;
}

/* A source installed at several versions hides, at its oldest version,
 * every unimportant issue its newer ones hide: count the largest set once. */
static int note_hidden(struct scan_ctx *c, const char *source, size_t n)
{
	size_t len = strlen(source);
	uintptr_t had = (uintptr_t)vigie_hashmap_get(&c->hidden, source, len);
	void **slot;
	if (had && n + 1 <= had)
		return 0;
	if (!(slot = vigie_hashmap_slot(&c->hidden, source, len)))
		return VIGIE_ENOMEM;
	c->res->hidden_unimportant += n + 1 - (had ? had : 1);
	*slot = (void *)(uintptr_t)(n + 1);
	return 0;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int r;
	if (a->cls != b->cls)
		return a->cls > b->cls ? -1 : 1;
	if ((r = strcmp(a->source, b->source)))
		return r;
	return strcmp(a->cve, b->cve);
}

static void lifecycle(struct scan_ctx *c)
{
	struct scan_lifecycle *l = &c->res->lifecycle;
	struct store_release rel;
	char today[16], soon[16];
	int64_t now = c->opts->now ? c->opts->now : vigie_now();

	l->state = "unknown";
	if (!c->store || !c->res->release ||
	    vigie_store_release_get(c->store, c->res->release, &rel, NULL))
		return;
	vigie_date_format(now, today, sizeof(today));
	vigie_date_format(now + 90 * 86400, soon, sizeof(soon));
	l->version = *rel.version ? adup(c->res, rel.version) : NULL;
	l->eol = *rel.eol ? adup(c->res, rel.eol) : NULL;
	l->eol_lts = *rel.eol_lts ? adup(c->res, rel.eol_lts) : NULL;
	l->eol_elts = *rel.eol_elts ? adup(c->res, rel.eol_elts) : NULL;
	/* a phase ends after its end date: on that day it still covers */
#define PAST(d) ((d) && *(d) && strcmp((d), today) < 0)
#define SOON(d) ((d) && *(d) && strcmp((d), soon) <= 0)
	if (!*rel.eol || !PAST(rel.eol)) {
		l->state = "supported";
		if (SOON(rel.eol)) {
			l->warn = 1;
			l->message = aprintf(c->res,
				"Debian %s leaves regular security support on %s%s%s.",
				c->res->release, rel.eol, *rel.eol_lts ? "; LTS covers it until " : "",
				rel.eol_lts);
		}
	} else if (*rel.eol_lts && !PAST(rel.eol_lts)) {
		l->state = "lts";
		l->warn = 1;
		l->message = aprintf(c->res,
			"Debian %s is past regular security support (ended %s); LTS covers it until %s%s.",
			c->res->release, rel.eol, rel.eol_lts,
			SOON(rel.eol_lts) ? ", in less than 90 days" : "");
	} else if (*rel.eol_elts && !PAST(rel.eol_elts)) {
		l->state = "elts";
		l->warn = 1;
		l->message = aprintf(c->res,
			"Debian %s is past regular and LTS security support (LTS ended %s);"
			" only Extended LTS (commercial) covers it, until %s.",
			c->res->release, *rel.eol_lts ? rel.eol_lts : rel.eol, rel.eol_elts);
	} else {
		l->state = "unsupported";
		l->warn = 1;
		l->message = aprintf(c->res,
			"Debian %s no longer receives security support (ended %s).",
			c->res->release,
			*rel.eol_elts ? rel.eol_elts : *rel.eol_lts ? rel.eol_lts : rel.eol);
	}
#undef PAST
#undef SOON
}

void vigie_scan_result_recount(struct scan_result *res)
{
	if (res->n > 1)
		qsort(res->findings, res->n, sizeof(*res->findings), cmp_finding);
	memset(res->count_state, 0, sizeof(res->count_state));
	memset(res->count_class, 0, sizeof(res->count_class));
	for (size_t i = 0; i < res->n; i++) {
		res->count_state[res->findings[i].state]++;
		res->count_class[res->findings[i].cls]++;
	}
}

size_t vigie_scan_result_filter(struct scan_result *res, int only_fixed,
				int have_min, enum vigie_class min_class)
{
	size_t w = 0, dropped;
	for (size_t i = 0; i < res->n; i++) {
		const struct finding *f = &res->findings[i];
		if (only_fixed && !f->fixed_version)
			continue;
		if (have_min && f->cls < min_class)
			continue;
		if (w != i)
			res->findings[w] = *f;
		w++;
	}
	dropped = res->n - w;
	if (dropped) {
		res->n = w;
		vigie_scan_result_recount(res);
	}
	return dropped;
}

const char *vigie_scan_verdict(const struct scan_result *res)
{
	if (res->undetermined)
		return "undetermined";
	return res->n ? "findings" : "no-findings";
}

void vigie_scan_result_release(struct scan_result *res)
{
	if (res->owned_index)
		vigie_vulnindex_free(res->owned_index);
	if (res->held_cache)
		vigie_index_cache_put(res->held_cache, res->held_index);
	free(res->findings);
	vigie_arena_release(&res->arena);
	memset(res, 0, sizeof(*res));
}

/* 1 when m's shared findings serve a scan with policy and store on
 * today: m shares, for that day, and for the policy and store of the
 * first scan it shared for (bound here when none was yet). */
static int share_for(struct matcher *m, const struct policy *policy,
		     const struct vigie_store *store, const char *today)
{
	if (!m->share || strcmp(m->today, today) ||
	    (m->tbound && (m->tpol != policy || m->tstore != store)))
		return 0;
	if (!m->tbound) {
		m->tbound = 1;
		m->tpol = policy;
		m->tstore = store;
	}
	return 1;
}

static void ctx_init(struct scan_ctx *c, struct scan_result *res, const struct vulnindex *idx,
		     struct vigie_store *store, const struct scan_opts *opts,
		     struct vigie_error *err)
{
	memset(c, 0, sizeof(*c));
	c->res = res;
	c->idx = idx;
	c->store = store;
	c->opts = opts;
	c->err = err;
	if (!opts->policy)
		vigie_policy_default(&c->defpol);
	c->policy = opts->policy ? opts->policy : &c->defpol;
}

int vigie_scan_run(struct scan_result *res, const struct inventory *inv,
	     const struct vulnindex *idx, struct vigie_store *store,
	     const struct scan_opts *opts, struct vigie_error *err)
{
	struct scan_ctx c;
	struct matcher *own = NULL, *m;
	int rc = 0, rd = 0;

	memset(res, 0, sizeof(*res));
	vigie_arena_init(&res->arena);
	ctx_init(&c, res, idx, store, opts, err);
	c.inv = inv;
	vigie_hashmap_init(&c.groups);
	vigie_hashmap_init(&c.by_source);
	vigie_hashmap_init(&c.findings);
	vigie_hashmap_init(&c.facts);
	vigie_arena_init(&c.facts_mem);
	vigie_hashmap_init(&c.hidden);
	res->host = adup(res, inv->host);
	res->release = adup(res, idx->release);
	res->scanned_at = opts->now ? opts->now : vigie_now();
	vigie_date_format(res->scanned_at, c.today, sizeof(c.today));
	res->packages = inv->npkgs;

	m = opts->matcher;
	if (!m) {
		if (vigie_matcher_new(&own, idx, opts->include_unimportant, res->scanned_at)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		m = own;
	}
	if (!idx->has_tracker && !idx->has_advisories &&
	    !(res->undetermined = aprintf(res, "the database holds no security data for"
					  " release %s: run 'vigie db update'", idx->release))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	/* the matcher's shared findings, for the policy and store they were
	 * built for */
	c.share = m == opts->matcher && m->idx == idx && share_for(m, opts->policy, store, c.today);
	rd = store ? vigie_store_read_begin(store) : 0;
	if ((rc = group_packages(&c)))
		goto out;
	res->sources = c.ng;
	facts_prefetch(&c, m);
	for (size_t i = 0; i < c.ng; i++) {
		const struct group *g = c.glist[i];
		const struct vuln_source *src = vigie_vulnindex_source(idx, g->source);
		const struct match_list *l;
		if (!src)
			continue;
		l = vigie_matcher_match(m, g->source, g->version);
		if (!l) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		if (l->hidden_unimportant && note_hidden(&c, g->source, l->hidden_unimportant)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		if (c.share && !g->multi && !g->kernel) {
			if ((rc = add_shared(&c, m, g, src, l))) {
				rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
				goto out;
			}
			continue;
		}
		for (size_t h = 0; h < l->n; h++)
			if ((rc = add_finding(&c, g, src, &l->hits[h]))) {
				rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
				goto out;
			}
	}
	if (res->n > 1)
		qsort(res->findings, res->n, sizeof(*res->findings), cmp_finding);
	if (res->kernel.reboot_required) {
		res->kernel.reboot_fixes = vigie_arena_alloc(&res->arena,
			(res->n ? res->n : 1) * sizeof(*res->kernel.reboot_fixes));
		if (!res->kernel.reboot_fixes) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < res->n; i++) {
		res->count_state[res->findings[i].state]++;
		res->count_class[res->findings[i].cls]++;
		if (res->findings[i].reboot_required)
			res->kernel.reboot_fixes[res->kernel.nreboot_fixes++] = res->findings[i].cve;
	}
	if ((rc = kernel_userland(&c, m)))
		goto out;
	lifecycle(&c);
out:
	if (rd)
		vigie_store_read_end(store); /* only the transaction this scan opened */
	vigie_hashmap_release(&c.facts);
	vigie_arena_release(&c.facts_mem);
	vigie_hashmap_release(&c.groups);
	vigie_hashmap_release(&c.by_source);
	vigie_hashmap_release(&c.findings);
	vigie_hashmap_release(&c.hidden);
	free(c.glist);
	vigie_matcher_free(own);
	if (rc)
		vigie_scan_result_release(res);
	return rc;
}

int vigie_matcher_pairs(struct matcher *m, struct vigie_store *store,
			const struct scan_opts *opts, const char *const *sources,
			const char *const *versions, size_t n, struct vigie_error *err)
{
	struct scan_ctx c;
	struct vigie_arena T;
	int rc = 0, rd;
	char today[16];

	vigie_date_format(opts->now ? opts->now : vigie_now(), today, sizeof(today));
	if (!share_for(m, opts->policy, store, today))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "the matcher shares findings for another policy, store or day");
	ctx_init(&c, &m->tres, m->idx, store, opts, err);
	c.share = 1;
	memcpy(c.today, today, sizeof(c.today));
	vigie_hashmap_init(&c.facts);
	vigie_arena_init(&c.facts_mem);
	vigie_arena_init(&T);
	/* the pairs not built yet, as groups without binaries */
	for (size_t i = 0; i < n; i++) {
		struct group *g;
		struct pair_key key;
		int known;
		if (!vigie_vulnindex_source(m->idx, sources[i]))
			continue;
		if (key_make(&key, sources[i], versions[i]))
			goto oom;
		known = vigie_hashmap_get(&m->tmpl, key.data, key.len) != NULL;
		key_release(&key);
		if (known)
			continue;
		if (c.ng == c.gcap) {
			size_t nc = c.gcap ? c.gcap * 2 : 64;
			struct group **nl = realloc(c.glist, nc * sizeof(*nl));
			if (!nl)
				goto oom;
			c.glist = nl;
			c.gcap = nc;
		}
		if (!(g = vigie_arena_alloc(&T, sizeof(*g))))
			goto oom;
		memset(g, 0, sizeof(*g));
		g->source = sources[i];
		g->version = versions[i];
		c.glist[c.ng++] = g;
	}
	if (!c.ng)
		goto out;
	rd = store ? vigie_store_read_begin(store) : 0;
	facts_prefetch(&c, m);
	for (size_t i = 0; !rc && i < c.ng; i++) {
		const struct group *g = c.glist[i];
		const struct vuln_source *src = vigie_vulnindex_source(m->idx, g->source);
		const struct match_list *l = vigie_matcher_match(m, g->source, g->version);
		const struct shared *sh;
		rc = l ? pair_template(&c, m, g, src, l, &sh) : VIGIE_ENOMEM;
	}
	if (rd)
		vigie_store_read_end(store);
	if (rc)
		rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	vigie_hashmap_release(&c.facts);
	vigie_arena_release(&c.facts_mem);
	vigie_arena_release(&T);
	free(c.glist);
	return rc;
}

int vigie_matcher_pair_findings(struct matcher *m, const char *source, const char *version,
				const struct finding **out, size_t *n)
{
	struct pair_key key;
	const struct shared *sh;
	*out = NULL;
	*n = 0;
	if (!vigie_vulnindex_source(m->idx, source))
		return 0; /* no security data for it: no findings */
	if (key_make(&key, source, version))
		return 1;
	sh = vigie_hashmap_get(&m->tmpl, key.data, key.len);
	key_release(&key);
	if (!sh)
		return 1;
	*out = m->tres.findings + sh->first;
	*n = sh->n;
	return 0;
}
