/* apt sources in both formats, following sources.list(5) and apt's
 * apt-pkg/sourcelist.cc: the one-line "deb [ key=value ... ] uri suite
 * [component ...]" and deb822 stanzas whose Types/URIs/Suites lists expand
 * to one entry per combination. */
#define _GNU_SOURCE
#include "vigie/debian/aptsources.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vigie/core/deb822.h"
#include "vigie/core/reader.h"

#define MAX_LINE 65536

void vigie_aptsources_init(struct apt_sources *l)
{
	memset(l, 0, sizeof(*l));
	vigie_arena_init(&l->arena);
}

void vigie_aptsources_release(struct apt_sources *l)
{
	vigie_arena_release(&l->arena);
	free(l->v);
	vigie_aptsources_init(l);
}

int vigie_aptsources_has_arch(const struct apt_source *s, const char *arch)
{
	if (!s->narchs)
		return 1;
	for (size_t i = 0; i < s->narchs; i++)
		if (!strcmp(s->archs[i], arch))
			return 1;
	return 0;
}

/* Split s on any of seps into an arena array of words. */
static int split(struct apt_sources *l, const char *s, const char *seps,
		 const char ***out, size_t *n, const char *file,
		 unsigned long line, const char *what, struct vigie_error *err)
{
	const char *words[APTSOURCES_MAX_WORDS];
	size_t k = 0;

	while (*s) {
		size_t len;
		s += strspn(s, seps);
		if (!*s)
			break;
		len = strcspn(s, seps);
		if (k == APTSOURCES_MAX_WORDS)
			return vigie_error_set(err, VIGIE_ELIMIT, file, line,
					       "more than %d %s", APTSOURCES_MAX_WORDS, what);
		if (!(words[k++] = vigie_arena_strndup(&l->arena, s, len)))
			return vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
		s += len;
	}
	*n = k;
	*out = NULL;
	if (!k)
		return 0;
	if (!(*out = vigie_arena_alloc(&l->arena, k * sizeof(**out))))
		return vigie_error_set(err, VIGIE_ENOMEM, file, line, "out of memory");
	memcpy(*out, words, k * sizeof(**out));
	return 0;
}

static int add(struct apt_sources *l, const struct apt_source *s,
	       struct vigie_error *err)
{
	if (l->n == APTSOURCES_MAX)
		return vigie_error_set(err, VIGIE_ELIMIT, s->file, s->line,
				       "more than %d apt source entries", APTSOURCES_MAX);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct apt_source *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return vigie_error_set(err, VIGIE_ENOMEM, s->file, s->line,
					       "out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

/* Bytes that must not appear in a URI or suite we later turn into a file
 * name or a URL (a quoted URI may hold spaces). */
static int word_ok(const char *s, int space_ok)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || (*s == ' ' && !space_ok))
			return 0;
	return 1;
}

static int finish_entry(struct apt_sources *l, struct apt_source *e,
			const char *uri, const char *suite,
			struct vigie_error *err)
{
	size_t ul = strlen(uri);
	char *u;

	if (!*uri || !word_ok(uri, 1) || !strstr(uri, ":"))
		return vigie_error_set(err, VIGIE_EPARSE, e->file, e->line,
				       "malformed URI '%s'", uri);
	if (!*suite || !word_ok(suite, 0))
		return vigie_error_set(err, VIGIE_EPARSE, e->file, e->line,
				       "malformed suite '%s'", suite);
	if (!(u = vigie_arena_alloc(&l->arena, ul + 2)))
		return vigie_error_set(err, VIGIE_ENOMEM, e->file, e->line, "out of memory");
	memcpy(u, uri, ul);
	if (uri[ul - 1] != '/')
		u[ul++] = '/';
	u[ul] = '\0';
	e->uri = u;
	if (!(e->suite = vigie_arena_strdup(&l->arena, suite)))
		return vigie_error_set(err, VIGIE_ENOMEM, e->file, e->line, "out of memory");
	e->flat = suite[strlen(suite) - 1] == '/';
	if (e->flat && e->ncomponents)
		return vigie_error_set(err, VIGIE_EPARSE, e->file, e->line,
				       "suite '%s' is an exact path and takes no components",
				       suite);
	if (!e->flat && !e->ncomponents)
		return vigie_error_set(err, VIGIE_EPARSE, e->file, e->line,
				       "no component after suite '%s'", suite);
	return add(l, e, err);
}

static int parse_type(int *type, const char *w)
{
	if (!strcmp(w, "deb"))
		*type = APT_SOURCE_DEB;
	else if (!strcmp(w, "deb-src"))
		*type = APT_SOURCE_DEB_SRC;
	else
		return -1;
	return 0;
}

/* Next word of a one-line entry, in place: as apt's ParseQuoteWord, text
 * in "..." (quotes dropped) or [...] (kept, as in "cdrom:[Debian 12]/")
 * may hold blanks. NULL when a quote is not closed. */
static char *quote_word(char **pp)
{
	char *p = *pp + strspn(*pp, " \t"), *start = p, *w = p;

	while (*p && *p != ' ' && *p != '\t') {
		if (*p == '"' || *p == '[') {
			char close = *p == '"' ? '"' : ']';
			int keep = *p == '[';
			if (keep)
				*w++ = *p;
			p++;
			while (*p && *p != close)
				*w++ = *p++;
			if (!*p)
				return NULL;
			if (keep)
				*w++ = *p;
			p++;
			continue;
		}
		*w++ = *p++;
	}
	if (*p)
		p++;
	*w = '\0';
	*pp = p;
	return start;
}

/* One line of a .list file (comments already removed, not blank). */
static int parse_line(struct apt_sources *l, char *p, const char *file,
		      unsigned long line, struct vigie_error *err)
{
	struct apt_source e;
	char *w, *uri, *suite;
	size_t n;
	int rc;

	memset(&e, 0, sizeof(e));
	e.file = file;
	e.line = line;
	p += strspn(p, " \t");
	n = strcspn(p, " \t[");
	w = p;
	p += n;
	{
		char c = *p;
		*p = '\0';
		if (parse_type(&e.type, w))
			return vigie_error_set(err, VIGIE_EPARSE, file, line,
					       "unknown type '%s' (deb or deb-src)", w);
		*p = c;
	}
	p += strspn(p, " \t");
	if (*p == '[') {
		char *end = strchr(p, ']');
		char *opt, *save = NULL;
		if (!end)
			return vigie_error_set(err, VIGIE_EPARSE, file, line,
					       "unterminated option list '['");
		*end = '\0';
		for (opt = strtok_r(p + 1, " \t", &save); opt; opt = strtok_r(NULL, " \t", &save)) {
			char *eq = strchr(opt, '=');
			if (!eq || eq == opt)
				return vigie_error_set(err, VIGIE_EPARSE, file, line,
						       "option '%s' is not key=value", opt);
			*eq = '\0';
			if (!strcmp(opt, "arch")) {
				if ((rc = split(l, eq + 1, ",", &e.archs, &e.narchs, file, line,
						"architectures", err)))
					return rc;
			} else if (!strcmp(opt, "signed-by")) {
				if (!(e.signed_by = vigie_arena_strdup(&l->arena, eq + 1)))
					return vigie_error_set(err, VIGIE_ENOMEM, file, line,
							       "out of memory");
			}
			/* other options (trusted, lang, target, pdiffs, by-hash,
			 * arch+=, arch-=, ...) do not change which indexes exist */
		}
		p = end + 1;
	}
	if (!(uri = quote_word(&p)) || !(suite = quote_word(&p)))
		return vigie_error_set(err, VIGIE_EPARSE, file, line,
				       "unterminated quote or '[' in the URI or suite");
	if (!*uri)
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "no URI");
	if (!*suite)
		return vigie_error_set(err, VIGIE_EPARSE, file, line, "no suite after the URI");
	if ((rc = split(l, p, " \t", &e.components, &e.ncomponents, file, line,
			"components", err)))
		return rc;
	return finish_entry(l, &e, uri, suite, err);
}

static int parse_list_reader(struct apt_sources *l, struct vigie_reader *r,
			     struct vigie_error *err)
{
	const char *file = vigie_arena_strdup(&l->arena, vigie_reader_name(r));
	char *line;
	size_t len;
	int rc;

	if (!file)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	vigie_reader_set_max_line(r, MAX_LINE);
	while ((rc = vigie_reader_getline(r, &line, &len, err)) == 1) {
		unsigned long ln = vigie_reader_lineno(r);
		char *hash;
		if (!vigie_utf8_valid(line, len))
			return vigie_error_set(err, VIGIE_EPARSE, file, ln, "invalid UTF-8");
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		if (strspn(line, " \t\r") == strlen(line))
			continue;
		if ((rc = parse_line(l, line, file, ln, err)))
			return rc;
	}
	return rc < 0 ? rc : 0;
}

int vigie_aptsources_parse_list(struct apt_sources *l, const char *path,
			  struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open(&r, path, err);
	if (rc)
		return rc;
	rc = parse_list_reader(l, r, err);
	vigie_reader_free(r);
	return rc;
}

int vigie_aptsources_parse_list_mem(struct apt_sources *l, const void *data,
			      size_t len, const char *name,
			      struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open_mem(&r, data, len, name, err);
	if (rc)
		return rc;
	rc = parse_list_reader(l, r, err);
	vigie_reader_free(r);
	return rc;
}

static int parse_deb822(struct apt_sources *l, struct deb822 *d,
			struct vigie_error *err)
{
	const char *file = vigie_arena_strdup(&l->arena, vigie_deb822_name(d));
	int rc;

	if (!file)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	while ((rc = vigie_deb822_next(d, err)) == 1) {
		unsigned long ln = vigie_deb822_stanza_line(d);
		const char *types = vigie_deb822_get(d, "Types"), *uris = vigie_deb822_get(d, "URIs");
		const char *suites = vigie_deb822_get(d, "Suites"), *en = vigie_deb822_get(d, "Enabled");
		const char *comps = vigie_deb822_get(d, "Components");
		const char *archs = vigie_deb822_get(d, "Architectures");
		const char *sb = vigie_deb822_get(d, "Signed-By");
		const char **tv, **uv, **sv;
		size_t tn, un, sn;
		struct apt_source e;

		for (size_t i = 0; i < vigie_deb822_nfields(d); i++) {
			const struct deb822_field *f = vigie_deb822_field_at(d, i);
			if (!vigie_utf8_valid(f->value, strlen(f->value)))
				return vigie_error_set(err, VIGIE_EPARSE, file, f->line,
						       "invalid UTF-8");
		}
		if (en) {
			if (!strcasecmp(en, "no") || !strcasecmp(en, "false"))
				continue;
			if (strcasecmp(en, "yes") && strcasecmp(en, "true"))
				return vigie_error_set(err, VIGIE_EPARSE, file,
						       vigie_deb822_get_line(d, "Enabled"),
						       "Enabled must be yes or no, not '%s'", en);
		}
		if (!types)
			return vigie_error_set(err, VIGIE_EPARSE, file, ln, "stanza without Types");
		if (!uris)
			return vigie_error_set(err, VIGIE_EPARSE, file, ln, "stanza without URIs");
		if (!suites)
			return vigie_error_set(err, VIGIE_EPARSE, file, ln, "stanza without Suites");
		memset(&e, 0, sizeof(e));
		e.file = file;
		if ((rc = split(l, types, " \t\n", &tv, &tn, file, ln, "types", err)) ||
		    (rc = split(l, uris, " \t\n", &uv, &un, file, ln, "URIs", err)) ||
		    (rc = split(l, suites, " \t\n", &sv, &sn, file, ln, "suites", err)) ||
		    (comps && (rc = split(l, comps, " \t\n", &e.components, &e.ncomponents,
					  file, ln, "components", err))) ||
		    (archs && (rc = split(l, archs, " \t\n", &e.archs, &e.narchs, file, ln,
					  "architectures", err))))
			return rc;
		if (!tn || !un || !sn)
			return vigie_error_set(err, VIGIE_EPARSE, file, ln,
					       "empty Types, URIs or Suites");
		if (sb) {
			/* an inline key spans lines: keep the first (a path or
			 * a fingerprint, or the armour header) */
			size_t n = strcspn(sb, "\n");
			if (!(e.signed_by = n ? vigie_arena_strndup(&l->arena, sb, n)
					      : vigie_arena_strdup(&l->arena, "(inline key)")))
				return vigie_error_set(err, VIGIE_ENOMEM, file, ln, "out of memory");
		}
		for (size_t t = 0; t < tn; t++) {
			if (parse_type(&e.type, tv[t]))
				return vigie_error_set(err, VIGIE_EPARSE, file,
						       vigie_deb822_get_line(d, "Types"),
						       "unknown type '%s' (deb or deb-src)", tv[t]);
			for (size_t u = 0; u < un; u++)
				for (size_t s = 0; s < sn; s++) {
					e.line = vigie_deb822_get_line(d, "URIs");
					if ((rc = finish_entry(l, &e, uv[u], sv[s], err)))
						return rc;
				}
		}
	}
	return rc < 0 ? rc : 0;
}

int vigie_aptsources_parse_deb822(struct apt_sources *l, const char *path,
			    struct vigie_error *err)
{
	struct deb822 *d = NULL;
	int rc = vigie_deb822_open(&d, path, DEB822_COMMENTS, err);
	if (rc)
		return rc;
	rc = parse_deb822(l, d, err);
	vigie_deb822_free(d);
	return rc;
}

int vigie_aptsources_parse_deb822_mem(struct apt_sources *l, const void *data,
				size_t len, const char *name,
				struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	struct deb822 *d = NULL;
	int rc = vigie_reader_open_mem(&r, data, len, name, err);
	if (rc)
		return rc;
	if ((rc = vigie_deb822_open_reader(&d, r, DEB822_COMMENTS, err)))
		return rc;
	rc = parse_deb822(l, d, err);
	vigie_deb822_free(d);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* apt reads only names made of these characters (apt-pkg/contrib/fileutl.cc
 * GetListOfFilesInDir). */
static int part_name_ok(const char *n, const char **ext)
{
	size_t len = strlen(n);
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
			return 0;
	if (len > 5 && !strcmp(n + len - 5, ".list")) {
		*ext = "list";
		return 1;
	}
	if (len > 8 && !strcmp(n + len - 8, ".sources")) {
		*ext = "sources";
		return 1;
	}
	return 0;
}

int vigie_aptsources_load(struct apt_sources *l, const char *root,
		    struct vigie_error *err)
{
	struct vigie_buf p = VIGIE_BUF_INIT;
	struct vigie_strv names;
	struct stat st;
	DIR *dir = NULL;
	struct dirent *de;
	int rc = 0;

	vigie_strv_init(&names);
	if (!root || !strcmp(root, "/"))
		root = "";
	if (vigie_buf_addf(&p, "%s/etc/apt/sources.list", root))
		goto oom;
	if (stat(p.data, &st) == 0 && (rc = vigie_aptsources_parse_list(l, p.data, err)))
		goto out;
	vigie_buf_reset(&p);
	if (vigie_buf_addf(&p, "%s/etc/apt/sources.list.d", root))
		goto oom;
	dir = opendir(p.data);
	if (!dir) {
		if (errno != ENOENT)
			rc = vigie_error_set(err, VIGIE_EIO, p.data, 0, "cannot read: %s",
					     strerror(errno));
		goto out;
	}
	while ((de = readdir(dir))) {
		const char *ext;
		if (!part_name_ok(de->d_name, &ext))
			continue;
		if (names.n == APTSOURCES_MAX_FILES) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, p.data, 0,
					     "more than %d files", APTSOURCES_MAX_FILES);
			goto out;
		}
		if (vigie_strv_push(&names, de->d_name))
			goto oom;
	}
	qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		struct vigie_buf f = VIGIE_BUF_INIT;
		const char *ext;
		part_name_ok(names.v[i], &ext);
		if (vigie_buf_addf(&f, "%s/%s", p.data, names.v[i])) {
			vigie_buf_release(&f);
			goto oom;
		}
		if (stat(f.data, &st) == 0 && S_ISREG(st.st_mode))
			rc = !strcmp(ext, "list") ? vigie_aptsources_parse_list(l, f.data, err)
						  : vigie_aptsources_parse_deb822(l, f.data, err);
		vigie_buf_release(&f);
		if (rc)
			goto out;
	}
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	if (dir)
		closedir(dir);
	vigie_strv_release(&names);
	vigie_buf_release(&p);
	return rc;
}
