/* apt's downloaded indexes and candidate versions. File naming follows
 * apt-pkg/contrib/strutl.cc (URItoFileName, QuoteString); priorities follow
 * apt-pkg/policy.cc with no apt_preferences: 500 per index, 100 for
 * NotAutomatic+ButAutomaticUpgrades, 1 for NotAutomatic, 100 for the
 * installed version, and no downgrade below 1000. */
#define _GNU_SOURCE
#include "vigie/debian/aptlists.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "vigie/core/deb822.h"
#include "vigie/debian/debver.h"
#include "vigie/core/reader.h"

#define MAX_LIST_FILES 100000
#define MAX_REPOS 4096
#define MAX_CANDIDATES 256 /* versions of one package across indexes */

int vigie_aptlists_filename(struct vigie_buf *out, const char *uri, const char *rest)
{
	static const char bad[] = "\\|{}[]<>\"^~_=!@#$%^&*";
	const char *p = strstr(uri, "://"), *end;
	int rc = 0;

	/* drop the scheme ("http:", "file:") and user:password@ */
	if (p) {
		p += 3;
		end = p + strcspn(p, "/");
		for (const char *q = p; q < end; q++)
			if (*q == '@')
				p = q + 1;
	} else {
		p = strchr(uri, ':');
		p = p ? p + 1 : uri;
	}
	for (int pass = 0; pass < 2 && !rc; pass++) {
		const char *s = pass ? rest : p;
		for (; *s && !rc; s++) {
			unsigned char c = (unsigned char)*s;
			if (c == '/')
				rc = vigie_buf_addc(out, '_');
			else if (c <= 0x20 || c >= 0x7f || strchr(bad, c))
				rc = vigie_buf_addf(out, "%%%02x", c);
			else
				rc = vigie_buf_addc(out, (char)c);
		}
	}
	return rc ? VIGIE_ENOMEM : 0;
}

void vigie_aptlists_release(struct apt_lists *l)
{
	vigie_arena_release(&l->arena);
	free(l->repos);
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

int vigie_aptlists_read_release(struct apt_repo *r, struct vigie_arena *arena,
			  const char *path, struct vigie_error *err)
{
	struct vigie_reader *rd = NULL;
	char *line;
	size_t len;
	int rc, first = 1, in_header = 0, na = 0, bau = 0;

	if ((rc = vigie_reader_open(&rd, path, err)))
		return rc;
	while ((rc = vigie_reader_getline(rd, &line, &len, err)) == 1) {
		char *colon, *v;
		const char **dst = NULL;
		if (first && !strcmp(line, "-----BEGIN PGP SIGNED MESSAGE-----")) {
			in_header = 1;
			first = 0;
			continue;
		}
		first = 0;
		if (in_header) {
			if (!len)
				in_header = 0;
			continue;
		}
		if (!strncmp(line, "-----BEGIN PGP SIGNATURE-----", 29) || !len)
			break;
		if (line[0] == ' ' || line[0] == '\t' || !(colon = strchr(line, ':')))
			continue;
		*colon = '\0';
		v = vigie_strip(colon + 1);
		if (!strcasecmp(line, "Suite"))
			dst = &r->suite;
		else if (!strcasecmp(line, "Codename"))
			dst = &r->codename;
		else if (!strcasecmp(line, "Origin"))
			dst = &r->origin;
		else if (!strcasecmp(line, "Label"))
			dst = &r->label;
		else if (!strcasecmp(line, "NotAutomatic"))
			na = !strcasecmp(v, "yes");
		else if (!strcasecmp(line, "ButAutomaticUpgrades"))
			bau = !strcasecmp(v, "yes");
		if (dst && !vigie_utf8_valid(v, strlen(v))) {
			rc = vigie_error_set(err, VIGIE_EPARSE, path, vigie_reader_lineno(rd),
					     "invalid UTF-8");
			goto out;
		}
		if (dst && !(*dst = vigie_arena_strdup(arena, v))) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	r->priority = na ? (bau ? 100 : 1) : 500;
out:
	vigie_reader_free(rd);
	return rc;
}

static int is_security(const struct apt_repo *r)
{
	const char *names[3] = { r->suite, r->codename, r->src->suite };
	for (int i = 0; i < 3; i++)
		if (names[i] && (ends_with(names[i], "-security") ||
				 ends_with(names[i], "/updates")))
			return 1;
	return r->label && !strcmp(r->label, "Debian-Security");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "Packages" plus a compression we can read; 1 ok, 0 not an index, -1
 * an index we cannot read. */
static int packages_suffix(const char *s)
{
	if (!strcmp(s, "Packages") || !strcmp(s, "Packages.gz") ||
	    !strcmp(s, "Packages.xz") || !strcmp(s, "Packages.lz4"))
		return 1;
	if (!strcmp(s, "Packages.bz2") || !strcmp(s, "Packages.zst") ||
	    !strcmp(s, "Packages.lzma"))
		return -1;
	return 0;
}

static int find_in(const struct vigie_strv *names, const char *prefix)
{
	/* first name >= prefix */
	size_t lo = 0, hi = names->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(names->v[mid], prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int)lo;
}

static int add_index(struct apt_lists *l, size_t *cap, size_t repo,
		     const char *comp, const char *arch, const char *path,
		     struct vigie_error *err)
{
	for (size_t i = 0; i < l->nidx; i++)
		if (l->idx[i].repo == repo && !strcmp(l->idx[i].arch, arch) &&
		    ((!comp && !l->idx[i].component) ||
		     (comp && l->idx[i].component && !strcmp(comp, l->idx[i].component))))
			return 0; /* same index in another compression */
	if (l->nidx == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct apt_index *v = realloc(l->idx, nc * sizeof(*v));
		if (!v)
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		l->idx = v;
		*cap = nc;
	}
	l->idx[l->nidx].repo = repo;
	l->idx[l->nidx].component = comp;
	l->idx[l->nidx].arch = vigie_arena_strdup(&l->arena, arch);
	l->idx[l->nidx].path = vigie_arena_strdup(&l->arena, path);
	if (!l->idx[l->nidx].arch || !l->idx[l->nidx].path)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	l->nidx++;
	return 0;
}

/* Packages files named prefix + "<arch>_Packages[.ext]" (or, for flat
 * repositories, exactly prefix + "Packages[.ext]"). */
static int scan_indexes(struct apt_lists *l, size_t *cap, size_t repo,
			const struct apt_source *src, const char *comp,
			const struct vigie_strv *names, const char *dir,
			const char *prefix, struct vigie_error *err)
{
	size_t plen = strlen(prefix);
	struct vigie_buf path = VIGIE_BUF_INIT;
	int rc = 0;

	for (size_t i = (size_t)find_in(names, prefix); i < names->n; i++) {
		const char *n = names->v[i], *rest, *us;
		char arch[128];
		int kind;

		if (strncmp(n, prefix, plen))
			break;
		rest = n + plen;
		if (src->flat) {
			snprintf(arch, sizeof(arch), "%s", "");
			us = rest;
		} else {
			us = strchr(rest, '_');
			if (!us || (size_t)(us - rest) >= sizeof(arch) || us == rest)
				continue;
			memcpy(arch, rest, (size_t)(us - rest));
			arch[us - rest] = '\0';
			us++;
		}
		kind = packages_suffix(us);
		if (!kind)
			continue;
		if (kind < 0) {
			vigie_warn(err, n, 0, "compression not supported, index skipped");
			continue;
		}
		if (arch[0] && strcmp(arch, "all") && !vigie_aptsources_has_arch(src, arch))
			continue;
		vigie_buf_reset(&path);
		if (vigie_buf_addf(&path, "%s/%s", dir, n)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			break;
		}
		if ((rc = add_index(l, cap, repo, comp, arch[0] ? arch : "all", path.data, err)))
			break;
	}
	vigie_buf_release(&path);
	return rc;
}

int vigie_aptlists_find(struct apt_lists *out, const struct apt_sources *srcs,
		  const char *lists_dir, struct vigie_error *err)
{
	struct vigie_strv names;
	struct vigie_buf b = VIGIE_BUF_INIT, rel = VIGIE_BUF_INIT;
	DIR *d;
	struct dirent *de;
	size_t rcap = 0, icap = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	vigie_arena_init(&out->arena);
	vigie_strv_init(&names);
	if (!(d = opendir(lists_dir))) {
		if (errno == ENOENT)
			return 0;
		return vigie_error_set(err, VIGIE_EIO, lists_dir, 0, "cannot read: %s",
				       strerror(errno));
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (names.n == MAX_LIST_FILES) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, lists_dir, 0,
					     "more than %d files", MAX_LIST_FILES);
			goto out;
		}
		if (vigie_strv_push(&names, de->d_name))
			goto oom;
	}
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);

	for (size_t i = 0; i < srcs->n; i++) {
		const struct apt_source *s = &srcs->v[i];
		struct apt_repo *r = NULL;
		size_t ri;

		if (s->type != APT_SOURCE_DEB)
			continue;
		for (ri = 0; ri < out->nrepos; ri++)
			if (!strcmp(out->repos[ri].src->uri, s->uri) &&
			    !strcmp(out->repos[ri].src->suite, s->suite))
				break;
		if (ri == out->nrepos) {
			static const char *const relnames[] = { "InRelease", "Release" };
			if (out->nrepos == MAX_REPOS) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, s->file, s->line,
						     "more than %d repositories", MAX_REPOS);
				goto out;
			}
			if (out->nrepos == rcap) {
				size_t nc = rcap ? rcap * 2 : 8;
				struct apt_repo *v = realloc(out->repos, nc * sizeof(*v));
				if (!v)
					goto oom;
				out->repos = v;
				rcap = nc;
			}
			r = &out->repos[out->nrepos++];
			memset(r, 0, sizeof(*r));
			r->src = s;
			r->priority = 500;
			for (int k = 0; k < 2 && !r->release_path; k++) {
				struct stat st;
				vigie_buf_reset(&b);
				vigie_buf_reset(&rel);
				if (s->flat) {
					const char *sub = strcmp(s->suite, "./") ? s->suite : "";
					if (vigie_buf_addf(&rel, "%s%s", sub, relnames[k]))
						goto oom;
				} else if (vigie_buf_addf(&rel, "dists/%s/%s", s->suite, relnames[k])) {
					goto oom;
				}
				if (vigie_buf_addf(&b, "%s/", lists_dir) ||
				    vigie_aptlists_filename(&b, s->uri, rel.data))
					goto oom;
				if (stat(b.data, &st) == 0) {
					if (!(r->release_path = vigie_arena_strdup(&out->arena, b.data)))
						goto oom;
					if ((rc = vigie_aptlists_read_release(r, &out->arena, b.data, err)))
						goto out;
				}
			}
			if (!r->suite)
				r->suite = s->suite;
			r->security = is_security(r);
		}
		/* indexes of this entry's components */
		if (s->flat) {
			const char *sub = strcmp(s->suite, "./") ? s->suite : "";
			vigie_buf_reset(&rel);
			vigie_buf_reset(&b);
			if (vigie_buf_addf(&rel, "%s", sub) || vigie_aptlists_filename(&b, s->uri, rel.data))
				goto oom;
			if ((rc = scan_indexes(out, &icap, ri, s, NULL, &names, lists_dir,
					       b.data, err)))
				goto out;
			continue;
		}
		for (size_t c = 0; c < s->ncomponents; c++) {
			vigie_buf_reset(&rel);
			vigie_buf_reset(&b);
			if (vigie_buf_addf(&rel, "dists/%s/%s/binary-", s->suite, s->components[c]) ||
			    vigie_aptlists_filename(&b, s->uri, rel.data))
				goto oom;
			if ((rc = scan_indexes(out, &icap, ri, s, s->components[c], &names,
					       lists_dir, b.data, err)))
				goto out;
		}
	}
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	closedir(d);
	vigie_strv_release(&names);
	vigie_buf_release(&b);
	vigie_buf_release(&rel);
	if (rc)
		vigie_aptlists_release(out);
	return rc;
}

/* ---- candidates ---- */

struct cand {
	const char *version;
	int prio;
	int security;
	struct vigie_strv suites;
	const char *uri, *filename, *sha256, *source, *source_version;
	int64_t size;
};

struct inst {
	const struct pending_pkg *p;
	const char *key_arch; /* arch with "all" mapped to native */
	struct cand *c;
	size_t nc, cap;
};

static int inst_cmp(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;
	int c = strcmp(x->p->name, y->p->name);
	return c ? c : strcmp(x->key_arch, y->key_arch);
}

void vigie_pending_release(struct pending *p)
{
	vigie_arena_release(&p->arena);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static const char *native_guess(const struct pending_pkg *pkgs, size_t n)
{
	const char *best = NULL;
	size_t bestn = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		if (!pkgs[i].arch || !strcmp(pkgs[i].arch, "all"))
			continue;
		if (best && !strcmp(best, pkgs[i].arch))
			continue;
		for (size_t j = 0; j < n; j++)
			if (pkgs[j].arch && !strcmp(pkgs[j].arch, pkgs[i].arch))
				k++;
		if (k > bestn) {
			best = pkgs[i].arch;
			bestn = k;
		}
		if (bestn > n / 2)
			break;
	}
	return best;
}

static int add_cand(struct inst *in, struct vigie_arena *a, const struct deb822 *d,
		    const char *version, const struct apt_repo *r,
		    struct vigie_error *err)
{
	struct cand *c = NULL;
	const char *suite = r->suite ? r->suite : r->src->suite;

	for (size_t i = 0; i < in->nc; i++)
		if (!vigie_debver_cmp_str(in->c[i].version, version)) {
			c = &in->c[i];
			break;
		}
	if (!c) {
		const char *src = vigie_deb822_get(d, "Source");
		if (in->nc == MAX_CANDIDATES)
			return 0; /* absurd number of versions: ignore the rest */
		if (in->nc == in->cap) {
			size_t nc = in->cap ? in->cap * 2 : 4;
			struct cand *v = realloc(in->c, nc * sizeof(*v));
			if (!v)
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			in->c = v;
			in->cap = nc;
		}
		c = &in->c[in->nc++];
		memset(c, 0, sizeof(*c));
		vigie_strv_init(&c->suites);
		c->version = vigie_arena_strdup(a, version);
		if (!c->version)
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		c->prio = -1;
		if (src) {
			const char *sp = strchr(src, ' ');
			c->source = sp ? vigie_arena_strndup(a, src, (size_t)(sp - src))
				       : vigie_arena_strdup(a, src);
			if (sp) {
				const char *o = strchr(sp, '('), *e = o ? strchr(o, ')') : NULL;
				if (o && e)
					c->source_version = vigie_arena_strndup(
						a, o + 1, (size_t)(e - o - 1));
			}
		}
	}
	int had_security = c->security;
	if (r->priority > c->prio)
		c->prio = r->priority;
	if (r->security)
		c->security = 1;
	if (!vigie_strv_contains(&c->suites, suite) && vigie_strv_push(&c->suites, suite))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	/* download details: prefer a security repository's copy */
	if (!c->filename || (r->security && !had_security)) {
		const char *fn = vigie_deb822_get(d, "Filename"), *sha = vigie_deb822_get(d, "SHA256");
		const char *sz = vigie_deb822_get(d, "Size");
		if (fn) {
			c->filename = vigie_arena_strdup(a, fn);
			c->sha256 = sha ? vigie_arena_strdup(a, sha) : NULL;
			c->uri = r->src->uri;
			c->size = sz ? strtoll(sz, NULL, 10) : 0;
		}
	}
	return 0;
}

static int scan_packages(struct inst *ins, size_t nins, struct vigie_arena *a,
			 const struct apt_index *ix, const struct apt_repo *r,
			 const char *native, struct vigie_error *err)
{
	struct deb822 *d = NULL;
	int rc;
	unsigned long bad = 0;

	if ((rc = vigie_deb822_open(&d, ix->path, 0, err)))
		return rc;
	while ((rc = vigie_deb822_next(d, err)) == 1) {
		const char *name = vigie_deb822_get(d, "Package"), *ver = vigie_deb822_get(d, "Version");
		const char *arch = vigie_deb822_get(d, "Architecture");
		struct inst key;
		struct pending_pkg kp;
		struct debver dv;
		struct inst *hit;

		if (!name || !ver || !arch)
			continue;
		if (!strcmp(arch, "all"))
			arch = native;
		memset(&kp, 0, sizeof(kp));
		kp.name = name;
		key.p = &kp;
		key.key_arch = arch;
		hit = bsearch(&key, ins, nins, sizeof(*ins), inst_cmp);
		if (!hit)
			continue;
		if (vigie_debver_parse(&dv, ver, NULL) < 0) {
			if (!bad++)
				vigie_warn(err, ix->path, vigie_deb822_stanza_line(d),
					   "invalid version '%s' of %s ignored", ver, name);
			continue;
		}
		if ((rc = add_cand(hit, a, d, ver, r, err)))
			break;
	}
	vigie_deb822_free(d);
	return rc < 0 ? rc : 0;
}

static int upd_cmp(const void *a, const void *b)
{
	const struct pending_update *x = a, *y = b;
	int c = strcmp(x->package, y->package);
	return c ? c : strcmp(x->arch, y->arch);
}

int vigie_pending_compute(struct pending *out, const struct apt_lists *lists,
		    const struct pending_pkg *pkgs, size_t npkgs,
		    const char *native_arch, struct vigie_error *err)
{
	struct inst *ins = NULL;
	size_t nins = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	vigie_arena_init(&out->arena);
	if (!native_arch)
		native_arch = native_guess(pkgs, npkgs);
	if (!native_arch)
		native_arch = "all";
	if (npkgs && !(ins = calloc(npkgs, sizeof(*ins))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < npkgs; i++) {
		struct debver dv;
		if (!pkgs[i].name || !pkgs[i].arch || !pkgs[i].version)
			continue;
		if (vigie_debver_parse(&dv, pkgs[i].version, NULL) < 0) {
			vigie_warn(err, NULL, 0, "%s:%s: invalid installed version '%s' ignored",
				   pkgs[i].name, pkgs[i].arch, pkgs[i].version);
			continue;
		}
		ins[nins].p = &pkgs[i];
		ins[nins].key_arch = strcmp(pkgs[i].arch, "all") ? pkgs[i].arch : native_arch;
		nins++;
	}
	qsort(ins, nins, sizeof(*ins), inst_cmp);
	for (size_t i = 0; i < lists->nidx; i++) {
		const struct apt_index *ix = &lists->idx[i];
		if ((rc = scan_packages(ins, nins, &out->arena, ix, &lists->repos[ix->repo],
					native_arch, err)))
			goto out;
	}
	if (nins && !(out->v = calloc(nins, sizeof(*out->v))))
		goto oom;
	for (size_t i = 0; i < nins; i++) {
		struct inst *in = &ins[i];
		const char *iv = in->p->version;
		struct cand *best = NULL;
		int inst_prio = 100;

		for (size_t k = 0; k < in->nc; k++)
			if (!vigie_debver_cmp_str(in->c[k].version, iv) && in->c[k].prio > inst_prio)
				inst_prio = in->c[k].prio;
		/* the installed version competes with inst_prio; among equal
		 * priorities the highest version wins (apt walks versions from
		 * the highest and keeps the first strictly better priority) */
		{
			const char *best_v = iv;
			int best_p = inst_prio;
			for (size_t k = 0; k < in->nc; k++) {
				struct cand *c = &in->c[k];
				if (vigie_debver_cmp_str(c->version, iv) <= 0)
					continue; /* no downgrades below priority 1000 */
				if (c->prio > best_p ||
				    (c->prio == best_p && vigie_debver_cmp_str(c->version, best_v) > 0)) {
					best = c;
					best_v = c->version;
					best_p = c->prio;
				}
			}
		}
		if (best && vigie_debver_cmp_str(best->version, iv) > 0) {
			struct pending_update *u = &out->v[out->n++];
			struct vigie_strv ordered;
			vigie_strv_init(&ordered);
			u->package = in->p->name;
			u->arch = in->p->arch;
			u->installed = iv;
			u->installed_source_version = in->p->source_version;
			u->candidate = best->version;
			u->source = best->source ? best->source
				  : (in->p->source ? in->p->source : in->p->name);
			u->source_version = best->source_version ? best->source_version
								 : best->version;
			u->security = best->security;
			u->uri = best->uri;
			u->filename = best->filename;
			u->sha256 = best->sha256;
			u->size = best->size;
			/* security suites first */
			for (int pass = 0; pass < 2; pass++)
				for (size_t k = 0; k < best->suites.n; k++) {
					int sec = ends_with(best->suites.v[k], "-security") ||
						  ends_with(best->suites.v[k], "/updates");
					if (sec == !pass && vigie_strv_push(&ordered, best->suites.v[k])) {
						vigie_strv_release(&ordered);
						goto oom;
					}
				}
			{
				char *j = vigie_strv_join(&ordered, ",");
				vigie_strv_release(&ordered);
				if (!j)
					goto oom;
				u->suites = vigie_arena_strdup(&out->arena, j);
				free(j);
				if (!u->suites)
					goto oom;
			}
		}
	}
	qsort(out->v, out->n, sizeof(*out->v), upd_cmp);
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	for (size_t i = 0; i < nins; i++) {
		for (size_t k = 0; k < ins[i].nc; k++)
			vigie_strv_release(&ins[i].c[k].suites);
		free(ins[i].c);
	}
	free(ins);
	if (rc)
		vigie_pending_release(out);
	return rc;
}
