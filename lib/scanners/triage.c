#include "vigie/scanners/triage.h"
#include "vigie/engine/indexcache.h"
#include "vigie/core/hashmap.h"
#include "vigie/debian/debver.h"
#include "vigie/engine/match.h"
#include "vigie/engine/vulnindex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const verdict_names[] = {
	"false-positive:fixed-by-backport", "false-positive:not-affected",
	"false-positive:not-running-kernel", "confirmed:fix-available",
	"confirmed:no-fix", "unknown",
};

const char *vigie_triage_verdict_name(enum triage_verdict v)
{
	return (unsigned)v < TRIAGE_NVERDICTS ? verdict_names[v] : "unknown";
}

int vigie_triage_is_false_positive(enum triage_verdict v)
{
	return v == TRIAGE_FP_BACKPORT || v == TRIAGE_FP_NOT_AFFECTED || v == TRIAGE_FP_KERNEL;
}

/* One host, looked up once. */
struct thost {
	int found;
	const struct inventory *inv;
	struct inventory own;
	const struct vulnindex *idx;
	struct scan_result res;
	int scanned;
	struct vigie_strv sources;   /* installed source names (kernel as linux) */
	struct vigie_hashmap fmap;   /* "cve\x1fsource" -> const struct finding* */
	char *why;                   /* why the host could not be used */
};

struct tctx {
	struct triage_result *res;
	struct vigie_store *store;
	const struct triage_opts *o;
	struct vigie_error *err;
	struct policy defpol;
	struct vigie_hashmap hosts;   /* key -> struct thost* */
	struct vigie_index_cache *cache; /* the engine's per-release cache */
	struct vigie_hashmap indexes; /* release -> reference held on cache */
	struct vigie_hashmap tracker_known; /* cve -> (void*)1 or 2 */
	struct thost fixed;           /* opts->inv */
	const struct report *rep;
	struct thost *sys;            /* the system the report describes */
	int sys_tried;
};

static const char *adup(struct triage_result *r, const char *s)
{
	return s ? vigie_arena_strdup(&r->arena, s) : NULL;
}

static const char *aprintf(struct triage_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *aprintf(struct triage_result *r, const char *fmt, ...)
{
	va_list ap;
	struct vigie_buf b = VIGIE_BUF_INIT;
	const char *p;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || vigie_buf_grow(&b, (size_t)n))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(b.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p = vigie_arena_strdup(&r->arena, b.data);
	vigie_buf_release(&b);
	return p;
}

static const char *kernel_norm(const char *source)
{
	return vigie_kernel_source(source);
}

static const struct vulnindex *index_for(struct tctx *c, const char *release)
{
	const struct vulnindex *idx = vigie_hashmap_get(&c->indexes, release, strlen(release));
	void **slot;
	char *k;
	if (idx)
		return idx;
	if (!c->cache && vigie_index_cache_new(&c->cache)) {
		vigie_error_set(c->err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		return NULL;
	}
	if (vigie_index_cache_get(c->cache, c->store, release, &idx, c->err))
		return NULL;
	k = vigie_arena_strdup(&c->res->arena, release);
	if (!k || !(slot = vigie_hashmap_slot(&c->indexes, k, strlen(k)))) {
		vigie_index_cache_put(c->cache, idx);
		return NULL;
	}
	*slot = (void *)idx;
	return idx;
}

/* Scan the host once: the findings give the confirmed verdicts. */
static int prepare(struct tctx *c, struct thost *h)
{
	struct scan_opts so;
	const struct inventory *inv = h->inv;
	if (!inv->release) {
		h->why = strdup("its Debian release is unknown");
		return 0;
	}
	if (!(h->idx = index_for(c, inv->release)))
		return c->err ? c->err->code : VIGIE_EDB;
	memset(&so, 0, sizeof(so));
	so.include_unimportant = 1;
	so.policy = c->o->policy ? c->o->policy : &c->defpol;
	so.now = c->o->now;
	if (vigie_scan_run(&h->res, inv, h->idx, c->store, &so, c->err))
		return c->err ? c->err->code : VIGIE_ENOMEM;
	h->scanned = 1;
	for (size_t i = 0; i < h->res.n; i++) {
		const struct finding *f = &h->res.findings[i];
		char *k;
		void **slot;
		size_t len = strlen(f->cve) + 1 + strlen(f->source);
		k = vigie_arena_alloc(&c->res->arena, len + 1);
		if (!k)
			return VIGIE_ENOMEM;
		snprintf(k, len + 1, "%s\x1f%s", f->cve, f->source);
		if (!(slot = vigie_hashmap_slot(&h->fmap, k, len)))
			return VIGIE_ENOMEM;
		*slot = (void *)f;
	}
	for (size_t i = 0; i < inv->npkgs; i++)
		if (vigie_strv_push_unique(&h->sources, kernel_norm(inv->pkgs[i].source)))
			return VIGIE_ENOMEM;
	h->found = 1;
	return 0;
}

/* The Debian codename of the report's OS version ("12.5", "12", or a
 * codename), from the store's releases (distro-info), else the system's
 * distro-info file. NULL when unknown. */
static const char *sys_release(struct tctx *c, const char *version, struct vigie_arena *a)
{
	struct store_release rel;
	struct vigie_error e;
	char major[16];
	size_t n = strcspn(version, ".");
	char *csv;
	const char *out = NULL;
	if (!isdigit((unsigned char)version[0])) {
		/* "bookworm", "trixie/sid" */
		char code[32];
		size_t k = 0;
		for (; version[k] && version[k] != '/' && k + 1 < sizeof(code); k++)
			code[k] = (char)tolower((unsigned char)version[k]);
		code[k] = '\0';
		return k ? vigie_arena_strdup(a, code) : NULL;
	}
	if (n >= sizeof(major))
		return NULL;
	memcpy(major, version, n);
	major[n] = '\0';
	vigie_error_init(&e);
	if (!vigie_store_release_by_number(c->store, major, &rel, &e) && rel.codename[0])
		return vigie_arena_strdup(a, rel.codename);
	if ((csv = vigie_inventory_distro_info_lookup("/usr/share/distro-info/debian.csv", version,
						      NULL))) {
		out = vigie_arena_strdup(a, csv);
		free(csv);
	}
	return out;
}

/* The system a Trivy or Grype report describes, as a host: its release and
 * packages (versions dpkg would refuse are left out). */
static int sys_build(struct tctx *c, struct thost *h)
{
	const struct report_system *sys = &c->rep->sys;
	struct inventory *inv = &h->own;
	size_t n = 0, skipped = 0;
	char why[512];

	inv->host = vigie_arena_strdup(&inv->arena, sys->target);
	if (sys->os_family && strcasecmp(sys->os_family, "debian")) {
		snprintf(why, sizeof(why), "the report's system is %.64s %.64s, not Debian",
			 sys->os_family, sys->os_version ? sys->os_version : "");
		h->why = strdup(why);
		return h->why ? 0 : VIGIE_ENOMEM;
	}
	if (!sys->os_version) {
		h->why = strdup("the report names no Debian release (Trivy Metadata.OS.Name,"
				" Grype distro.version): give --status and --release");
		return h->why ? 0 : VIGIE_ENOMEM;
	}
	if (!(inv->release = sys_release(c, sys->os_version, &inv->arena))) {
		snprintf(why, sizeof(why), "Debian %.64s is not a release vigie knows (import"
			 " distro-info: vigie db import --distro-info)", sys->os_version);
		h->why = strdup(why);
		return h->why ? 0 : VIGIE_ENOMEM;
	}
	inv->release_version = vigie_arena_strdup(&inv->arena, sys->os_version);
	if (!(inv->pkgs = vigie_arena_alloc(&inv->arena, (sys->npkgs ? sys->npkgs : 1) *
							  sizeof(*inv->pkgs))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < sys->npkgs; i++) {
		const struct report_pkg *p = &sys->pkgs[i];
		struct inventory_pkg *q = &inv->pkgs[n];
		struct debver v;
		struct vigie_error e;
		const char *sv = p->source_version ? p->source_version : p->version;
		vigie_error_init(&e);
		if (vigie_debver_parse(&v, p->version, &e) || vigie_debver_parse(&v, sv, &e)) {
			skipped++;
			continue;
		}
		memset(q, 0, sizeof(*q));
		q->name = p->name;
		q->arch = p->arch ? p->arch : "";
		q->version = p->version;
		q->source = p->source ? p->source : p->name;
		q->source_version = sv;
		q->status = "installed";
		q->line = p->line;
		n++;
	}
	inv->npkgs = n;
	vigie_inventory_sort(inv);
	/* once per (name, arch) */
	n = 0;
	for (size_t i = 0; i < inv->npkgs; i++) {
		if (n && !strcmp(inv->pkgs[i].name, inv->pkgs[n - 1].name) &&
		    !strcmp(inv->pkgs[i].arch, inv->pkgs[n - 1].arch))
			continue;
		inv->pkgs[n++] = inv->pkgs[i];
	}
	inv->npkgs = n;
	if (!inv->npkgs) {
		h->why = strdup("the report lists no Debian package with a valid version");
		return h->why ? 0 : VIGIE_ENOMEM;
	}
	c->res->report_inventory =
		aprintf(c->res, "%s %s (%s), %zu package%s %s%s", sys->os_family ? sys->os_family
										: "debian",
			sys->os_version, inv->release, inv->npkgs, inv->npkgs == 1 ? "" : "s",
			sys->pkgs_listed ? "listed by the report"
					 : "named by its findings only (no package list)",
			skipped ? ", some versions invalid and left out" : "");
	if (!c->res->report_inventory)
		return VIGIE_ENOMEM;
	return prepare(c, h);
}

/* The report's own system when f names its target. */
static struct thost *sys_for(struct tctx *c, const char *const *keys, int *rc)
{
	const struct report_system *sys = &c->rep->sys;
	int match = 0;
	for (int i = 0; i < 3; i++)
		if (keys[i] && sys->target && !strcmp(keys[i], sys->target))
			match = 1;
	if (!match)
		return NULL;
	if (!c->sys_tried) {
		c->sys_tried = 1;
		if (!(c->sys = calloc(1, sizeof(*c->sys)))) {
			*rc = VIGIE_ENOMEM;
			return NULL;
		}
		vigie_inventory_init(&c->sys->own);
		c->sys->inv = &c->sys->own;
		if ((*rc = sys_build(c, c->sys)))
			return NULL;
	}
	return c->sys;
}

static struct thost *host_for(struct tctx *c, const struct report_finding *rf, int *rc)
{
	const char *keys[3] = { rf->host_name, rf->host, rf->host_ip };
	struct thost *unusable = NULL; /* in the database, but cannot be judged */
	*rc = 0;
	if (c->o->inv) {
		if (c->o->host) {
			int match = 0;
			for (int i = 0; i < 3; i++)
				if (keys[i] && !strcmp(keys[i], c->o->host))
					match = 1;
			if (!match)
				return NULL;
		}
		return &c->fixed;
	}
	for (int i = 0; i < 3; i++) {
		struct thost *h;
		void **slot;
		char *k;
		int r;
		if (!keys[i] || !*keys[i])
			continue;
		h = vigie_hashmap_get(&c->hosts, keys[i], strlen(keys[i]));
		if (h) {
			if (h->found)
				return h;
			if (h->why)
				unusable = h;
			continue;
		}
		h = calloc(1, sizeof(*h));
		k = vigie_arena_strdup(&c->res->arena, keys[i]);
		if (!h || !k || !(slot = vigie_hashmap_slot(&c->hosts, k, strlen(k)))) {
			free(h);
			*rc = VIGIE_ENOMEM;
			return NULL;
		}
		*slot = h;
		vigie_inventory_init(&h->own);
		h->inv = &h->own;
		r = vigie_store_host_load(c->store, keys[i], &h->own, c->err);
		if (r == VIGIE_ENOTFOUND)
			continue;
		if (r || (r = prepare(c, h))) {
			*rc = r;
			return NULL;
		}
		if (h->found)
			return h;
		if (h->why)
			unusable = h;
	}
	/* not a stored host: the system a Trivy or Grype report describes */
	if (!unusable && c->rep->sys.described)
		return sys_for(c, keys, rc);
	return unusable;
}

static const struct vuln_entry *entry_for(const struct vulnindex *idx, const char *source,
					  const char *cve)
{
	const struct vuln_source *src = vigie_vulnindex_source(idx, source);
	for (size_t i = 0; src && i < src->n; i++)
		if (!strcmp(src->entries[i].vuln, cve))
			return &src->entries[i];
	return NULL;
}

static int count_row(void *ud, const struct store_tracker_row *r)
{
	(void)r;
	(*(int *)ud)++;
	return 0;
}

/* Does the tracker know the issue at all (for any package)? */
static int tracker_knows(struct tctx *c, const char *cve)
{
	uintptr_t v = (uintptr_t)vigie_hashmap_get(&c->tracker_known, cve, strlen(cve));
	int n = 0;
	void **slot;
	char *k;
	if (v)
		return v == 2;
	vigie_store_tracker_for_vuln(c->store, cve, count_row, &n, NULL);
	k = vigie_arena_strdup(&c->res->arena, cve);
	if (k && (slot = vigie_hashmap_slot(&c->tracker_known, k, strlen(k))))
		*slot = (void *)(uintptr_t)(n ? 2 : 1);
	return n > 0;
}

struct cand {
	const char *source;
	const struct inventory_pkg *pkg; /* the binary the report named, or NULL */
};

static int rank(enum triage_verdict v)
{
	switch (v) {
	case TRIAGE_CONFIRMED_FIX: return 5;
	case TRIAGE_CONFIRMED_NOFIX: return 4;
	case TRIAGE_UNKNOWN: return 3;
	default: return 1;
	}
}

static int set_pkgs(struct tctx *c, struct triage_item *it, const struct thost *h,
		    const char *source, const struct inventory_pkg *only)
{
	size_t n = 0;
	const struct inventory *inv = h->inv;
	it->pkgs = vigie_arena_alloc(&c->res->arena, (inv->npkgs ? inv->npkgs : 1) * sizeof(*it->pkgs));
	if (!it->pkgs)
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		if (only ? p != only : strcmp(kernel_norm(p->source), source))
			continue;
		if (!strcmp(source, "linux") && !only && vigie_match_is_kernel_image(p->name) &&
		    h->res.kernel.running_package && strcmp(p->name, h->res.kernel.running_package))
			continue;
		it->pkgs[n].name = p->name;
		it->pkgs[n].version = p->version;
		it->pkgs[n].arch = p->arch;
		n++;
	}
	it->npkgs = n;
	return 0;
}

/* The verdict for one (host, CVE, candidate source). */
static void judge_one(struct tctx *c, struct triage_item *it, const struct thost *h,
		      const struct cand *cd)
{
	struct triage_result *r = c->res;
	const struct inventory *inv = h->inv;
	const char *src = cd->source, *sv = NULL;
	const struct finding *f;
	const struct vuln_entry *e;
	char key[512];

	it->source = src;
	for (size_t i = 0; i < inv->npkgs; i++)
		if (!strcmp(kernel_norm(inv->pkgs[i].source), src)) {
			sv = inv->pkgs[i].source_version;
			break;
		}
	if (cd->pkg)
		sv = cd->pkg->source_version;
	if (!strcmp(src, "linux")) {
		if (cd->pkg && vigie_match_is_kernel_image(cd->pkg->name) &&
		    h->res.kernel.running_package &&
		    strcmp(cd->pkg->name, h->res.kernel.running_package)) {
			it->verdict = TRIAGE_FP_KERNEL;
			it->source_version = cd->pkg->version;
			it->evidence = aprintf(r, "%s %s is installed but the running kernel is %s %s:"
					       " %s does not concern the kernel in use.",
					       cd->pkg->name, cd->pkg->version,
					       h->res.kernel.running_package,
					       h->res.kernel.running_version, it->cve);
			return;
		}
		if (cd->pkg && !vigie_match_is_kernel_image(cd->pkg->name)) {
			it->verdict = TRIAGE_FP_KERNEL;
			it->source_version = cd->pkg->version;
			it->evidence = aprintf(r, "%s %s contains no kernel code that runs: %s"
					       " concerns the running kernel only.",
					       cd->pkg->name, cd->pkg->version, it->cve);
			return;
		}
		sv = h->res.kernel.running_version;
		if (!sv) {
			it->verdict = TRIAGE_UNKNOWN;
			it->evidence = aprintf(r, "The running kernel is not a Debian kernel (%s).",
					       h->res.kernel.note ? h->res.kernel.note : "unknown");
			return;
		}
	}
	it->source_version = sv;
	snprintf(key, sizeof(key), "%s\x1f%s", it->cve, src);
	f = vigie_hashmap_get(&h->fmap, key, strlen(key));
	if (f) {
		it->fixed_version = f->fixed_version;
		it->advisory = f->advisory;
		it->advisory_date = f->advisory_date;
		it->has_class = 1;
		it->cls = f->cls;
		it->class_rule = f->class_rule;
		it->source_version = f->source_version;
		switch (f->state) {
		case FINDING_FIXED_AVAILABLE:
			it->verdict = TRIAGE_CONFIRMED_FIX;
			it->evidence = f->evidence;
			break;
		case FINDING_UNDETERMINED:
			it->verdict = TRIAGE_UNKNOWN;
			it->evidence = f->evidence;
			break;
		default:
			it->verdict = TRIAGE_CONFIRMED_NOFIX;
			it->evidence = f->urgency && !strcmp(f->urgency, "unimportant")
				? aprintf(r, "%s Debian rates it unimportant.", f->evidence)
				: f->evidence;
		}
		return;
	}
	e = entry_for(h->idx, src, it->cve);
	if (e && e->status == VULN_RESOLVED && e->fixed_version && !strcmp(e->fixed_version, "0")) {
		it->verdict = TRIAGE_FP_NOT_AFFECTED;
		it->evidence = aprintf(r, "%s, %s: Debian marks %s not affected by %s;"
				       " installed source version %s.",
				       e->origin == VULN_FROM_TRACKER ? "Debian security tracker"
								      : "Debian advisory lists",
				       inv->release, src, it->cve, sv);
		return;
	}
	if (e && e->status == VULN_RESOLVED && e->fixed_version) {
		struct vigie_buf b = VIGIE_BUF_INIT;
		it->verdict = TRIAGE_FP_BACKPORT;
		it->fixed_version = e->fixed_version;
		it->advisory = e->advisory;
		it->advisory_date = e->advisory_date;
		vigie_buf_addf(&b, "%s, %s: %s is fixed in %s %s",
			       e->origin == VULN_FROM_TRACKER ? "Debian security tracker"
			       : e->advisory && !strncmp(e->advisory, "DLA", 3) ? "Debian DLA list"
										 : "Debian DSA list",
			       inv->release, it->cve, src, e->fixed_version);
		if (e->advisory)
			vigie_buf_addf(&b, " (%s%s%s)", e->advisory, e->advisory_date ? ", " : "",
				       e->advisory_date ? e->advisory_date : "");
		vigie_buf_addf(&b, "; installed source version %s is at or above it: the fix is"
			       " installed", sv);
		if (it->rf->product_version)
			vigie_buf_addf(&b, " (backported), whatever upstream version the scanner"
				       " read (%s)", it->rf->product_version);
		else
			vigie_buf_adds(&b, " (backported)");
		vigie_buf_addc(&b, '.');
		it->evidence = b.data ? adup(r, b.data) : NULL;
		vigie_buf_release(&b);
		return;
	}
	if (!e && h->idx->has_tracker && tracker_knows(c, it->cve)) {
		it->verdict = TRIAGE_FP_NOT_AFFECTED;
		it->evidence = aprintf(r, "Debian security tracker: %s is tracked for other source"
				       " packages, not for %s in %s (installed source version %s).",
				       it->cve, src, inv->release, sv);
		return;
	}
	if (e && e->urgency && !strcmp(e->urgency, "unimportant")) {
		it->verdict = TRIAGE_CONFIRMED_NOFIX;
		it->evidence = aprintf(r, "Debian security tracker, %s: %s affects %s, which Debian"
				       " rates unimportant; installed source version %s.",
				       inv->release, it->cve, src, sv);
		return;
	}
	it->verdict = TRIAGE_UNKNOWN;
	it->evidence = aprintf(r, "Debian's data for %s has no entry for %s in %s%s.",
			       inv->release, it->cve, src,
			       h->idx->has_tracker ? "" : " (only advisory lists imported: import"
							" the tracker JSON to judge it)");
}

static int judge(struct tctx *c, struct triage_item *it, struct thost *h)
{
	const struct report_finding *rf = it->rf;
	const struct inventory *inv = h->inv;
	struct cand cands[16];
	size_t nc = 0;
	struct vigie_strv mapped;
	const char *missing = NULL;
	int rc = 0;

	vigie_strv_init(&mapped);
	it->release = inv->release;
	if (rf->source) {
		/* a source the host does not carry has no installed version to judge */
		if (vigie_strv_contains(&h->sources, kernel_norm(rf->source))) {
			cands[nc].source = kernel_norm(rf->source);
			cands[nc++].pkg = NULL;
		} else {
			missing = rf->source;
		}
	} else if (rf->package) {
		const struct inventory_pkg *p = NULL;
		if (rf->package_kind != REPORT_PKG_SOURCE)
			p = vigie_inventory_find(inv, rf->package, NULL);
		if (p) {
			cands[nc].source = kernel_norm(p->source);
			cands[nc++].pkg = p;
		} else if (vigie_strv_contains(&h->sources, kernel_norm(rf->package))) {
			cands[nc].source = kernel_norm(rf->package);
			cands[nc++].pkg = NULL;
		} else {
			missing = rf->package;
		}
	} else if (rf->product || rf->cpe || rf->title) {
		/* a product, a CPE, or at last the scanner's title
		 * ("Apache 2.4.x < 2.4.54 Multiple Vulnerabilities") */
		const char *what = rf->product ? rf->product : rf->cpe ? rf->cpe : rf->title;
		if (!c->o->products) {
			it->verdict = TRIAGE_UNKNOWN;
			it->evidence = aprintf(c->res, "No product mapping loaded for '%s'.", what);
			goto out;
		}
		if ((rc = vigie_products_map(c->o->products, what, rf->product_version, &h->sources,
				       &mapped)))
			goto out;
		if (!mapped.n && rf->product && rf->cpe &&
		    (rc = vigie_products_map(c->o->products, rf->cpe, rf->product_version,
				       &h->sources, &mapped)))
			goto out;
		if (!mapped.n) {
			struct vigie_strv any;
			vigie_strv_init(&any);
			vigie_products_map(c->o->products, what, rf->product_version, NULL, &any);
			it->verdict = TRIAGE_UNKNOWN;
			it->evidence = any.n
				? aprintf(c->res, "'%s' maps to Debian source %s, which is not installed"
					  " on %s: the software is not from a Debian package, so"
					  " Debian's data cannot judge it.", what, any.v[0],
					  inv->host ? inv->host : "the host")
				: aprintf(c->res, "Cannot map product '%s' to a Debian source package"
					  " (see products.conf).", what);
			vigie_strv_release(&any);
			goto out;
		}
		for (size_t i = 0; i < mapped.n && nc < 16; i++) {
			cands[nc].source = mapped.v[i];
			cands[nc++].pkg = NULL;
		}
	} else {
		it->verdict = TRIAGE_UNKNOWN;
		it->evidence = aprintf(c->res, "The report gives no package or product for %s.",
				       it->cve);
		goto out;
	}
	if (missing) {
		it->verdict = TRIAGE_FP_NOT_AFFECTED;
		it->evidence = aprintf(c->res, "Package %s is not installed on %s (no binary or"
				       " source package of that name has its files on disk).",
				       missing, inv->host ? inv->host : "the host");
		it->pkgs = vigie_arena_alloc(&c->res->arena, sizeof(*it->pkgs));
		if (it->pkgs) {
			it->pkgs[0].name = missing;
			it->npkgs = 1;
		}
		goto out;
	}
	{
		/* several candidate sources: the worst verdict stands */
		struct triage_item best = *it;
		size_t bi = 0;
		for (size_t i = 0; i < nc; i++) {
			struct triage_item t = *it;
			judge_one(c, &t, h, &cands[i]);
			t.source = adup(c->res, t.source);
			if (!i || rank(t.verdict) > rank(best.verdict)) {
				best = t;
				bi = i;
			}
		}
		*it = best;
		rc = set_pkgs(c, it, h, cands[bi].source, cands[bi].pkg);
	}
out:
	vigie_strv_release(&mapped);
	if (!it->evidence && !rc)
		rc = VIGIE_ENOMEM;
	return rc;
}

/* Items outlive the hosts' inventories and scans: copy what they point to. */
static int own_item(struct triage_result *r, struct triage_item *it)
{
#define OWN(f) do { if (it->f && !(it->f = adup(r, it->f))) return VIGIE_ENOMEM; } while (0)
	OWN(host);
	OWN(release);
	OWN(source);
	OWN(source_version);
	OWN(fixed_version);
	OWN(advisory);
	OWN(advisory_date);
	OWN(class_rule);
	OWN(evidence);
	for (size_t i = 0; i < it->npkgs; i++) {
		OWN(pkgs[i].name);
		OWN(pkgs[i].version);
		OWN(pkgs[i].arch);
	}
#undef OWN
	return 0;
}

void vigie_triage_result_release(struct triage_result *res)
{
	free(res->items);
	vigie_arena_release(&res->arena);
	memset(res, 0, sizeof(*res));
}

static void thost_release(struct thost *h)
{
	if (h->scanned)
		vigie_scan_result_release(&h->res);
	vigie_hashmap_release(&h->fmap);
	vigie_strv_release(&h->sources);
	vigie_inventory_release(&h->own);
	free(h->why);
}

int vigie_triage_run(struct triage_result *res, const struct report *rep,
	       struct vigie_store *store, const struct triage_opts *o,
	       struct vigie_error *err)
{
	struct tctx c;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	vigie_arena_init(&res->arena);
	memset(&c, 0, sizeof(c));
	c.res = res;
	c.rep = rep;
	c.store = store;
	c.o = o;
	c.err = err;
	vigie_policy_default(&c.defpol);
	vigie_hashmap_init(&c.hosts);
	vigie_hashmap_init(&c.indexes);
	vigie_hashmap_init(&c.tracker_known);
	res->report = adup(res, rep->name);
	res->format = vigie_report_format_name(rep->format);
	res->at = o->now ? o->now : vigie_now();
	if (o->inv) {
		vigie_inventory_init(&c.fixed.own);
		c.fixed.inv = o->inv;
		if ((rc = prepare(&c, &c.fixed)))
			goto out;
	}
	res->items = calloc(rep->nfindings ? rep->nfindings : 1, sizeof(*res->items));
	if (!res->items) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < rep->nfindings; i++) {
		const struct report_finding *rf = &rep->findings[i];
		struct triage_item *it = &res->items[res->n++];
		struct thost *h;
		it->rf = rf;
		it->cve = rf->cve;
		it->host = rf->host_name ? rf->host_name : rf->host ? rf->host : rf->host_ip;
		h = host_for(&c, rf, &rc);
		if (rc)
			goto out;
		if (!h || !h->found) {
			it->verdict = TRIAGE_UNKNOWN;
			it->evidence = h && h->why ? aprintf(res, "Host %s cannot be judged: %s.",
							     it->host ? it->host : "?", h->why)
				: o->inv
				? aprintf(res, "Host %s is not the inventoried host %s.",
					  it->host ? it->host : "?", o->host ? o->host : "?")
				: aprintf(res, "Host %s is not in the database (add it with 'vigie"
					  " hosts add').", it->host ? it->host : "?");
		} else if (h == c.sys && rf->package && rf->package_kind != REPORT_PKG_BINARY) {
			/* the report's inventory holds its Debian packages only: a
			 * language package it found is not Debian's to judge */
			it->host = h->inv->host;
			it->verdict = TRIAGE_UNKNOWN;
			it->evidence = aprintf(res, "%s is not a Debian package of %s (the report"
					       " found it outside dpkg's database): Debian's data"
					       " does not judge it.", rf->package, it->host);
		} else {
			it->host = h->inv->host ? h->inv->host : it->host;
			if ((rc = judge(&c, it, h))) {
				rc = vigie_error_set(err, rc, rep->name, rf->line, "cannot judge %s",
						     rf->cve);
				goto out;
			}
		}
		if (!it->evidence || own_item(res, it)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		res->count[it->verdict]++;
	}
out:
	for (size_t i = 0; i < c.hosts.cap; i++)
		if (c.hosts.keys && c.hosts.keys[i]) {
			thost_release(c.hosts.vals[i]);
			free(c.hosts.vals[i]);
		}
	for (size_t i = 0; i < c.indexes.cap; i++)
		if (c.indexes.keys && c.indexes.keys[i])
			vigie_index_cache_put(c.cache, c.indexes.vals[i]);
	if (o->inv)
		thost_release(&c.fixed);
	if (c.sys) {
		thost_release(c.sys);
		free(c.sys);
	}
	vigie_hashmap_release(&c.hosts);
	vigie_hashmap_release(&c.indexes);
	vigie_index_cache_free(c.cache);
	vigie_hashmap_release(&c.tracker_known);
	if (rc)
		vigie_triage_result_release(res);
	return rc;
}
