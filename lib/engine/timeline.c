#include "vigie/engine/timeline.h"
#include "vigie/debian/changelog.h"
#include "vigie/debian/debver.h"
#include "vigie/core/hashmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct cl_cache {
	struct changelog cl;
	int loaded; /* 1 when at least one file parsed */
	char note[160];
};

struct builder {
	struct timeline *tl;
	struct timeline_cve *cves;
	size_t n, cap;
	int oom;
};

static int add_cve(void *ud, const struct timeline_fix *f)
{
	struct builder *b = ud;
	struct timeline_cve *c;
	const char *cve = f->cve, *source = f->source, *version = f->version;
	const char *evidence = f->evidence;
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->cves[i].cve, cve) && !strcmp(b->cves[i].source, source ? source : "")) {
			b->cves[i].followup |= f->followup != 0;
			return 0;
		}
	if (b->n >= TIMELINE_MAX_CVES)
		return VIGIE_ELIMIT;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 16;
		struct timeline_cve *nv = realloc(b->cves, nc * sizeof(*nv));
		if (!nv)
			return VIGIE_ENOMEM;
		b->cves = nv;
		b->cap = nc;
	}
	c = &b->cves[b->n];
	c->cve = vigie_arena_strdup(&b->tl->arena, cve);
	c->source = vigie_arena_strdup(&b->tl->arena, source ? source : "");
	c->version = vigie_arena_strdup(&b->tl->arena, version ? version : "");
	c->evidence = vigie_arena_strdup(&b->tl->arena, evidence ? evidence : "");
	c->date = f->date;
	c->advisory = c->cls = NULL;
	c->followup = f->followup != 0;
	if (!c->cve || !c->source || !c->version || !c->evidence)
		return VIGIE_ENOMEM;
	b->n++;
	return 0;
}

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void load_changelogs(struct cl_cache *c, const char *root, const char *pkg,
			    const char *arch)
{
	static const char *const names[] = { "changelog.Debian.gz", "changelog.Debian",
					     "changelog.gz" };
	char path[4096];
	struct vigie_error e;
	int found = 0;

	vigie_changelog_init(&c->cl);
	/* names come from logs or the database: never leave the doc directory */
	if (!*pkg || pkg[0] == '.' || strchr(pkg, '/') || (arch && strchr(arch, '/'))) {
		snprintf(c->note, sizeof(c->note), "unsafe package name, changelog not read");
		return;
	}
	if (arch && *arch) {
		snprintf(path, sizeof(path), "%s/usr/share/doc/%s/changelog.Debian.%s.gz",
			 root, pkg, arch);
		if (file_exists(path)) {
			memset(&e, 0, sizeof(e));
			found = 1;
			if (vigie_changelog_load(&c->cl, path, &e) == 0)
				c->loaded = 1;
		}
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/usr/share/doc/%s/%s", root, pkg, names[i]);
		if (!file_exists(path))
			continue;
		found = 1;
		memset(&e, 0, sizeof(e));
		if (vigie_changelog_load(&c->cl, path, &e) == 0)
			c->loaded = 1;
		else
			snprintf(c->note, sizeof(c->note), "changelog unreadable: %.120s", e.msg);
		break;
	}
	if (!found)
		snprintf(c->note, sizeof(c->note), "no changelog in /usr/share/doc/%.60s", pkg);
}

int vigie_timeline_annotate(struct timeline *tl, timeline_annotate_fn *fn, void *ud)
{
	for (size_t i = 0; i < tl->n; i++)
		for (size_t j = 0; j < tl->ups[i].ncves; j++) {
			struct timeline_cve *c = &tl->ups[i].cves[j];
			const char *adv = NULL, *cls = NULL;
			fn(ud, c->cve, c->source, c->version, &adv, &cls);
			if ((adv && !(c->advisory = vigie_arena_strdup(&tl->arena, adv))) ||
			    (cls && !(c->cls = vigie_arena_strdup(&tl->arena, cls))))
				return VIGIE_ENOMEM;
		}
	return 0;
}

void vigie_timeline_release(struct timeline *tl)
{
	if (!tl)
		return;
	free(tl->ups);
	vigie_arena_release(&tl->arena);
	memset(tl, 0, sizeof(*tl));
}

/* Sort upgrade indices by package so that each changelog is read once
 * and released before the next: memory stays one changelog, whatever the
 * number of packages. */
struct by_pkg {
	const char *package;
	size_t i;
};

static int cmp_by_package(const void *pa, const void *pb)
{
	const struct by_pkg *a = pa, *b = pb;
	int c = strcmp(a->package, b->package);
	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int entry_names(const struct changelog_entry *e, const char *cve, const char *source)
{
	if (strcmp(e->source, source))
		return 0;
	for (size_t i = 0; i < e->ncves; i++)
		if (!strcmp(e->cves[i], cve))
			return 1;
	return 0;
}

/* a older than b in dpkg order (versions invalid for dpkg were left out) */
static int entry_older(const struct changelog_entry *a, const struct changelog_entry *b)
{
	struct debver va, vb;
	return vigie_debver_parse(&va, a->version, NULL) >= 0 &&
	       vigie_debver_parse(&vb, b->version, NULL) >= 0 && vigie_debver_cmp(&va, &vb) < 0;
}

static int add_changelog_cve(struct builder *b, const struct changelog_entry *e,
			     const char *cve)
{
	char evid[320];
	struct timeline_fix f;
	snprintf(evid, sizeof(evid), "changelog entry %.100s (%.100s)", e->version,
		 e->distributions);
	memset(&f, 0, sizeof(f));
	f.cve = cve;
	f.source = e->source;
	f.version = e->version;
	f.date = e->date;
	f.evidence = evid;
	return add_cve(b, &f);
}

/* CVEs of one upgrade from the loaded changelog (c may be NULL) and the
 * extra source; stores them in up. */
static int upgrade_cves(struct timeline *tl, struct timeline_upgrade *up,
			const struct cl_cache *c, const struct timeline_opts *o,
			struct builder *b, struct vigie_error *err)
{
	const struct history_event *ev = up->ev;
	int rc = 0;

	b->n = 0;
	if (c && c->note[0] && !(up->note = vigie_arena_strdup(&tl->arena, c->note)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (c && c->loaded) {
		const struct changelog_entry **es = NULL;
		size_t ne = 0;
		if (vigie_changelog_entries_between(&c->cl, ev->old_version, ev->new_version, &es, &ne))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		/* A CVE named by several entries was fixed by the oldest one (the
		 * newer ones fix regressions or follow up): credit that entry and
		 * its date. Entries come newest first, but a binNMU changelog's
		 * come before the source's, so compare versions. */
		for (size_t k = 0; k < ne && !rc; k++) {
			for (size_t j = 0; j < es[k]->ncves && !rc; j++) {
				size_t m = 0;
				for (; m < k; m++)
					if (entry_names(es[m], es[k]->cves[j], es[k]->source))
						break;
				if (m < k)
					continue; /* added from its oldest entry already */
				for (size_t l = k + 1; l < ne; l++)
					if (entry_names(es[l], es[k]->cves[j], es[k]->source) &&
					    entry_older(es[l], es[m]))
						m = l;
				rc = add_changelog_cve(b, es[m], es[k]->cves[j]);
			}
		}
		free(es);
		if (rc)
			return vigie_error_set(err, rc, ev->origin, ev->line,
					       rc == VIGIE_ELIMIT ? "too many CVEs" : "out of memory");
	}
	if (o && o->extra && (rc = o->extra(o->extra_ud, ev, add_cve, b, err))) {
		if (rc < 0)
			return rc;
		up->source_unknown = rc == TIMELINE_SOURCE_UNKNOWN;
	}
	if (b->n) {
		up->cves = vigie_arena_alloc(&tl->arena, b->n * sizeof(*up->cves));
		if (!up->cves)
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		memcpy(up->cves, b->cves, b->n * sizeof(*up->cves));
		up->ncves = b->n;
	}
	return 0;
}

/* In time order, a (CVE, source) an earlier upgrade already fixed is a
 * follow-up (a regression fix, or a later advisory listing it again). */
static int mark_followups(struct timeline *tl, struct vigie_error *err)
{
	struct vigie_hashmap seen;
	struct vigie_buf key = VIGIE_BUF_INIT;
	int rc = 0;

	vigie_hashmap_init(&seen);
	for (size_t i = 0; i < tl->n && !rc; i++)
		for (size_t j = 0; j < tl->ups[i].ncves && !rc; j++) {
			struct timeline_cve *c = &tl->ups[i].cves[j];
			const char *src = *c->source ? c->source : tl->ups[i].ev->package;
			void **slot;
			char *k;
			vigie_buf_reset(&key);
			if (vigie_buf_addf(&key, "%s\x1f%s", c->cve, src)) {
				rc = VIGIE_ENOMEM;
				break;
			}
			if (vigie_hashmap_get(&seen, key.data, key.len)) {
				c->followup = 1;
				continue;
			}
			if (!(k = vigie_arena_strndup(&tl->arena, key.data, key.len)) ||
			    !(slot = vigie_hashmap_slot(&seen, k, key.len)))
				rc = VIGIE_ENOMEM;
			else
				*slot = c;
		}
	vigie_buf_release(&key);
	vigie_hashmap_release(&seen);
	return rc ? vigie_error_set(err, rc, NULL, 0, "out of memory") : 0;
}

int vigie_timeline_build(struct timeline *tl, const struct history *h,
		   const struct timeline_opts *o, struct vigie_error *err)
{
	const char *root = o && o->root ? o->root : "";
	int no_changelogs = root[0] == '-' && !root[1];
	struct by_pkg *idx = NULL;
	struct builder b;
	int rc = 0;

	memset(tl, 0, sizeof(*tl));
	vigie_arena_init(&tl->arena);
	memset(&b, 0, sizeof(b));
	b.tl = tl;
	if (!strcmp(root, "/"))
		root = "";
	if (h->nevents && !(tl->ups = calloc(h->nevents, sizeof(*tl->ups))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < h->nevents; i++) {
		const struct history_event *ev = &h->events[i];
		if (ev->action != HISTORY_UPGRADE)
			continue;
		if (o && o->since && ev->time < o->since)
			continue;
		if (o && o->until && ev->time >= o->until)
			continue;
		tl->ups[tl->n].ev = ev;
		tl->ups[tl->n++].note = "";
	}
	if (tl->n && !(idx = malloc(tl->n * sizeof(*idx)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < tl->n; i++) {
		idx[i].package = tl->ups[i].ev->package;
		idx[i].i = i;
	}
	if (tl->n)
		qsort(idx, tl->n, sizeof(*idx), cmp_by_package);
	for (size_t i = 0; i < tl->n && !rc;) {
		const char *pkg = idx[i].package;
		struct cl_cache c;
		size_t j = i;

		memset(&c, 0, sizeof(c));
		if (!no_changelogs)
			load_changelogs(&c, root, pkg, tl->ups[idx[i].i].ev->arch);
		for (; j < tl->n && !strcmp(idx[j].package, pkg) && !rc; j++)
			rc = upgrade_cves(tl, &tl->ups[idx[j].i], no_changelogs ? NULL : &c, o, &b, err);
		if (!no_changelogs)
			vigie_changelog_release(&c.cl);
		i = j;
	}
	if (!rc)
		rc = mark_followups(tl, err);
out:
	free(idx);
	free(b.cves);
	if (rc)
		vigie_timeline_release(tl);
	return rc;
}

struct cand {
	const char *cve, *source;
	size_t up, j; /* upgrade (time order) and CVE index */
};

static int cmp_cand(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int c = strcmp(a->cve, b->cve);
	if (!c)
		c = strcmp(a->source, b->source);
	if (c)
		return c;
	if (a->up != b->up)
		return a->up < b->up ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct sla_item *a = pa, *b = pb;
	if (a->installed != b->installed)
		return a->installed < b->installed ? -1 : 1;
	return strcmp(a->cve, b->cve);
}

int vigie_timeline_sla_items(struct sla_item **out, size_t *n, size_t *undated,
		       size_t *followups, struct timeline *tl, const struct sla_policy *p,
		       const struct timeline_sla_hooks *hooks,
		       struct vigie_error *err)
{
	struct cand *cands = NULL;
	struct sla_item *items = NULL;
	size_t nc = 0, k = 0;

	*out = NULL;
	*n = 0;
	*undated = 0;
	*followups = 0;
	for (size_t i = 0; i < tl->n; i++)
		nc += tl->ups[i].ncves;
	if (!nc)
		return 0;
	if (!(cands = malloc(nc * sizeof(*cands))) || !(items = malloc(nc * sizeof(*items))))
		goto oom;
	nc = 0;
	for (size_t i = 0; i < tl->n; i++)
		for (size_t j = 0; j < tl->ups[i].ncves; j++) {
			const struct timeline_cve *c = &tl->ups[i].cves[j];
			if (c->followup) {
				(*followups)++; /* the SLA measures the first fix */
				continue;
			}
			cands[nc].cve = c->cve;
			cands[nc].source = *c->source ? c->source : tl->ups[i].ev->package;
			cands[nc].up = i;
			cands[nc++].j = j;
		}
	/* one item per (CVE, source): the first installation counts */
	if (nc)
		qsort(cands, nc, sizeof(*cands), cmp_cand);
	for (size_t q = 0; q < nc; q++) {
		const struct timeline_upgrade *up = &tl->ups[cands[q].up];
		const struct timeline_cve *c = &up->cves[cands[q].j];
		const char *src = cands[q].source;
		struct sla_item *it;
		int64_t pub = 0;
		const char *evid = NULL;
		enum sla_class cls = SLA_STANDARD;

		if (q && !strcmp(cands[q - 1].cve, c->cve) && !strcmp(cands[q - 1].source, src))
			continue;
		if (hooks && hooks->advisory &&
		    hooks->advisory(hooks->ud, c->cve, src, c->version, &pub, &evid) == 1 && pub) {
			evid = vigie_arena_strdup(&tl->arena, evid ? evid : "advisory");
		} else if (c->date) {
			char buf[256];
			pub = c->date;
			snprintf(buf, sizeof(buf), "date of %.200s (no advisory date known)",
				 c->evidence);
			evid = vigie_arena_strdup(&tl->arena, buf);
		} else {
			(*undated)++;
			continue;
		}
		if (!evid)
			goto oom;
		if (hooks && hooks->classify)
			if (hooks->classify(hooks->ud, c->cve, src, &cls) != 1 ||
			    (unsigned)cls >= SLA_NCLASSES)
				cls = SLA_STANDARD;
		it = &items[k++];
		memset(it, 0, sizeof(*it));
		it->cve = c->cve;
		it->package = src;
		it->version = *c->version ? c->version : up->ev->new_version;
		it->cls = cls;
		it->published = pub;
		it->published_from = evid;
		it->installed = up->ev->time;
		vigie_sla_evaluate(p, it);
	}
	qsort(items, k, sizeof(*items), cmp_item);
	free(cands);
	*out = items;
	*n = k;
	return 0;
oom:
	free(cands);
	free(items);
	return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
}
