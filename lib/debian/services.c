/* vigie: services per host from a table of package-name globs. */
#include "vigie/debian/services.h"
#include "vigie/core/reader.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef VIGIE_DATADIR
#define VIGIE_DATADIR "/usr/local/share/vigie"
#endif
#ifndef VIGIE_SRCDATADIR
#define VIGIE_SRCDATADIR "data"
#endif

void vigie_services_table_init(struct services_table *t)
{
	memset(t, 0, sizeof(*t));
	vigie_arena_init(&t->arena);
}

void vigie_services_table_release(struct services_table *t)
{
	vigie_arena_release(&t->arena);
	vigie_services_table_init(t);
}

const char *vigie_services_default_path(char *buf, size_t size)
{
	const char *e = getenv("VIGIE_SERVICES");
	if (e && *e)
		snprintf(buf, size, "%s", e);
	else {
		snprintf(buf, size, "%s/services.conf", VIGIE_DATADIR);
		if (access(buf, R_OK) != 0)
			snprintf(buf, size, "%s/services.conf", VIGIE_SRCDATADIR);
	}
	return buf;
}

/* Characters of package-name globs: names ([a-z0-9+.-]) and *?[]!^. */
static int valid_pattern(const char *s, size_t n)
{
	if (n == 0 || n > SERVICES_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+.-_*?[]!^", s[i]))
			return 0;
	return 1;
}

/* Split a field into blank-separated words stored in the arena. */
static int split_words(const char ***out, size_t *n, struct services_table *t,
		       char *field, const char *what, const char *file,
		       unsigned long line, struct vigie_error *err)
{
	const char *w[SERVICES_MAX_PATTERNS];
	size_t k = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(field, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (k == SERVICES_MAX_PATTERNS)
			return vigie_error_set(err, VIGIE_ELIMIT, file, line,
					       "more than %d %s", SERVICES_MAX_PATTERNS, what);
		if (!valid_pattern(tok, strlen(tok)))
			return vigie_error_set(err, VIGIE_EPARSE, file, line,
					       "invalid %s pattern '%.80s'", what, tok);
		if (!(w[k++] = vigie_arena_strdup(&t->arena, tok)))
			return vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
	}
	*n = k;
	*out = NULL;
	if (k) {
		if (!(*out = vigie_arena_alloc(&t->arena, k * sizeof(**out))))
			return vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
		memcpy(*out, w, k * sizeof(**out));
	}
	return 0;
}

/* A name shown to people (service name or alias): UTF-8, no control
 * characters, at most SERVICES_MAX_NAME bytes. */
static int check_name(const char *v, const char *what, const char *file,
		      unsigned long ln, struct vigie_error *err)
{
	if (!*v)
		return vigie_error_set(err, VIGIE_EPARSE, file, ln, "empty %s", what);
	if (strlen(v) > SERVICES_MAX_NAME)
		return vigie_error_set(err, VIGIE_ELIMIT, file, ln,
				       "%s longer than %d bytes", what, SERVICES_MAX_NAME);
	if (!vigie_utf8_valid(v, strlen(v)))
		return vigie_error_set(err, VIGIE_EPARSE, file, ln,
				       "%s is not valid UTF-8", what);
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return vigie_error_set(err, VIGIE_EPARSE, file, ln,
					       "control character in %s", what);
	return 0;
}

/* Comma-separated aliases, each stripped and checked like a name. */
static int split_aliases(struct service_rule *r, struct services_table *t,
			 char *field, const char *file, unsigned long ln,
			 struct vigie_error *err)
{
	const char *w[SERVICES_MAX_ALIASES];
	size_t k = 0;
	char *save = NULL, *tok;
	int rc;

	for (tok = strtok_r(field, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = vigie_strip(tok);
		if (!*tok)
			continue;
		if (k == SERVICES_MAX_ALIASES)
			return vigie_error_set(err, VIGIE_ELIMIT, file, ln,
					       "more than %d aliases", SERVICES_MAX_ALIASES);
		if ((rc = check_name(tok, "alias", file, ln, err)))
			return rc;
		if (!(w[k++] = vigie_arena_strdup(&t->arena, tok)))
			return vigie_error_set(err, VIGIE_ENOMEM, file, ln, "out of memory");
	}
	r->naliases = k;
	if (k) {
		if (!(r->aliases = vigie_arena_alloc(&t->arena, k * sizeof(*r->aliases))))
			return vigie_error_set(err, VIGIE_ENOMEM, file, ln, "out of memory");
		memcpy(r->aliases, w, k * sizeof(*w));
	}
	return 0;
}

static int parse_line(struct service_rule *r, struct services_table *t, char *line,
		      const char *file, unsigned long ln, struct vigie_error *err)
{
	char *f[4];
	char *p = line, *bar;
	int nf = 0, rc, nbars = 0;

	for (const char *c = line; *c; c++)
		nbars += *c == '|';
	if (nbars > 3)
		return vigie_error_set(err, VIGIE_EPARSE, file, ln,
				       "more than four '|'-separated fields");
	if (nbars < 1)
		return vigie_error_set(err, VIGIE_EPARSE, file, ln,
				       "expected 'SERVICE | PACKAGES [| SOURCES [| ALIASES]]'");
	for (;;) {
		f[nf++] = p;
		if (!(bar = strchr(p, '|')))
			break;
		*bar = '\0';
		p = bar + 1;
	}
	for (int i = 0; i < nf; i++)
		vigie_strip(f[i]);
	if ((rc = check_name(f[0], "service name", file, ln, err)))
		return rc;
	r->line = ln;
	if (!(r->service = vigie_arena_strdup(&t->arena, f[0])))
		return vigie_error_set(err, VIGIE_ENOMEM, file, ln, "out of memory");
	if ((rc = split_words(&r->patterns, &r->npatterns, t, f[1], "package", file, ln, err)))
		return rc;
	if (!r->npatterns)
		return vigie_error_set(err, VIGIE_EPARSE, file, ln,
				       "service '%s' has no package pattern", r->service);
	if (nf >= 3 &&
	    (rc = split_words(&r->sources, &r->nsources, t, f[2], "source", file, ln, err)))
		return rc;
	if (nf == 4 && (rc = split_aliases(r, t, f[3], file, ln, err)))
		return rc;
	return 0;
}

const char *vigie_services_canonical(const struct services_table *t, const char *name)
{
	for (size_t i = 0; t && name && i < t->nrules; i++) {
		const struct service_rule *r = &t->rules[i];
		if (!strcasecmp(r->service, name))
			return r->service;
		for (size_t k = 0; k < r->naliases; k++)
			if (!strcasecmp(r->aliases[k], name))
				return r->service;
	}
	return NULL;
}

static int load_reader(struct services_table *t, struct vigie_reader *r,
		       struct vigie_error *err)
{
	struct service_rule *v = NULL;
	size_t n = 0, cap = 0;
	const char *file;
	char *line;
	size_t len;
	int rc;

	vigie_services_table_release(t);
	vigie_reader_set_max_line(r, SERVICES_MAX_LINE);
	if (!(file = vigie_arena_strdup(&t->arena, vigie_reader_name(r)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	while ((rc = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		char *s = vigie_strip(line);
		if (!*s || *s == '#')
			continue;
		if (n == SERVICES_MAX_RULES) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, file, ln,
					     "more than %d rules", SERVICES_MAX_RULES);
			goto out;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct service_rule *nv = realloc(v, nc * sizeof(*nv));
			if (!nv) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, file, ln, "out of memory");
				goto out;
			}
			v = nv;
			cap = nc;
		}
		memset(&v[n], 0, sizeof(v[n]));
		if ((rc = parse_line(&v[n], t, s, file, ln, err)))
			goto out;
		n++;
	}
	if (rc < 0)
		goto out;
	if (n) {
		if (!(t->rules = vigie_arena_alloc(&t->arena, n * sizeof(*v)))) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, file, 0, "out of memory");
			goto out;
		}
		memcpy(t->rules, v, n * sizeof(*v));
	}
	t->nrules = n;
	t->path = file;
	rc = 0;
out:
	free(v);
	vigie_reader_free(r);
	if (rc)
		vigie_services_table_release(t);
	return rc;
}

int vigie_services_load(struct services_table *t, const char *path,
		  struct vigie_error *err)
{
	char def[4096];
	struct vigie_reader *r;
	int rc;
	if (!path)
		path = vigie_services_default_path(def, sizeof(def));
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	return load_reader(t, r, err);
}

int vigie_services_load_mem(struct services_table *t, const void *data, size_t len,
		      const char *name, struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc = vigie_reader_open_mem(&r, data, len, name ? name : "<memory>", err);
	if (rc)
		return rc;
	return load_reader(t, r, err);
}

void vigie_services_found_init(struct services_found *f)
{
	memset(f, 0, sizeof(*f));
	vigie_arena_init(&f->arena);
}

void vigie_services_found_release(struct services_found *f)
{
	vigie_arena_release(&f->arena);
	vigie_services_found_init(f);
}

/* A service being gathered: malloc'd vectors, moved into the arena later. */
struct gather {
	const char *service;
	const void **pkgs;    /* const struct inventory_pkg * */
	size_t npkgs, cap;
	const void **sources; /* const char * */
	size_t nsources, scap;
};

static int push_ptr(const void ***v, size_t *n, size_t *cap, const void *p)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == p)
			return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		const void **nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return VIGIE_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = p;
	return 0;
}

/* Packages point into one sorted array: address order is name order. */
static int pkgptr_cmp(const void *a, const void *b)
{
	const struct inventory_pkg *x = *(const struct inventory_pkg *const *)a;
	const struct inventory_pkg *y = *(const struct inventory_pkg *const *)b;
	return x < y ? -1 : x > y;
}

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct service_found *)a)->service,
		      ((const struct service_found *)b)->service);
}

/* First package whose name is >= prefix (packages sorted by name). */
static size_t lower_bound(const struct inventory *inv, const char *prefix, size_t plen)
{
	size_t lo = 0, hi = inv->npkgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(inv->pkgs[mid].name, prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int vigie_services_derive(struct services_found *out, const struct services_table *t,
		    const struct inventory *inv, struct vigie_error *err)
{
	struct gather *g = NULL;
	size_t ng = 0;
	int rc = 0;

	vigie_services_found_release(out);
	if (t->nrules && !(g = calloc(t->nrules, sizeof(*g))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < t->nrules; i++) {
		const struct service_rule *r = &t->rules[i];
		struct gather *cur = NULL;
		for (size_t k = 0; k < ng; k++)
			if (!strcmp(g[k].service, r->service))
				cur = &g[k];
		for (size_t k = 0; k < r->npatterns; k++) {
			const char *pat = r->patterns[k];
			/* Only names sharing the pattern's literal prefix can
			 * match: search that range instead of every package. */
			size_t plen = strcspn(pat, "*?[\\");
			for (size_t j = lower_bound(inv, pat, plen); j < inv->npkgs &&
			     !strncmp(inv->pkgs[j].name, pat, plen); j++) {
				if (fnmatch(pat, inv->pkgs[j].name, 0))
					continue;
				if (!cur) {
					cur = &g[ng++];
					cur->service = r->service;
				}
				if (push_ptr(&cur->pkgs, &cur->npkgs,
					     &cur->cap, &inv->pkgs[j]))
					goto nomem;
			}
		}
		if (cur)
			for (size_t k = 0; k < r->nsources; k++) {
				int dup = 0;
				for (size_t m = 0; m < cur->nsources; m++)
					dup |= !strcmp(cur->sources[m], r->sources[k]);
				if (!dup && push_ptr(&cur->sources,
						     &cur->nsources, &cur->scap,
						     r->sources[k]))
					goto nomem;
			}
	}
	if (ng && !(out->v = vigie_arena_alloc(&out->arena, ng * sizeof(*out->v))))
		goto nomem;
	for (size_t k = 0; k < ng; k++) {
		struct service_found *f = &out->v[k];
		f->npkgs = g[k].npkgs;
		f->nsources = g[k].nsources;
		if (!(f->service = vigie_arena_strdup(&out->arena, g[k].service)) ||
		    !(f->pkgs = vigie_arena_alloc(&out->arena, f->npkgs * sizeof(*f->pkgs))) ||
		    !(f->sources = vigie_arena_alloc(&out->arena,
						     (f->nsources + 1) * sizeof(*f->sources))))
			goto nomem;
		for (size_t m = 0; m < f->npkgs; m++)
			f->pkgs[m] = g[k].pkgs[m];
		qsort(f->pkgs, f->npkgs, sizeof(*f->pkgs), pkgptr_cmp);
		for (size_t m = 0; m < f->nsources; m++)
			if (!(f->sources[m] = vigie_arena_strdup(&out->arena, g[k].sources[m])))
				goto nomem;
	}
	out->n = ng;
	if (ng > 1)
		qsort(out->v, ng, sizeof(*out->v), found_cmp);
	goto out;
nomem:
	vigie_services_found_release(out);
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	for (size_t k = 0; k < ng; k++) {
		free(g[k].pkgs);
		free(g[k].sources);
	}
	free(g);
	return rc;
}
