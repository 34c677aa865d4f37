#include "vigie/debian/changelog.h"
#include "vigie/debian/debver.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void vigie_changelog_init(struct changelog *cl)
{
	memset(cl, 0, sizeof(*cl));
	vigie_arena_init(&cl->arena);
}

void vigie_changelog_release(struct changelog *cl)
{
	if (!cl)
		return;
	free(cl->entries);
	vigie_arena_release(&cl->arena);
	memset(cl, 0, sizeof(*cl));
}

/* Header: "source (version) dist [dist...]; key=value[, key=value]".
 * Fills e (arena strings) and returns 0, or -1 when the line is not one. */
static int parse_header(struct changelog *cl, const char *line,
			struct changelog_entry *e, int *oom)
{
	const char *p = line, *s, *v0, *v1, *d0, *semi;
	char *kw, *save = NULL, *tok;

	if (!isalnum((unsigned char)*p))
		return -1;
	s = p;
	while (*p && (isalnum((unsigned char)*p) || strchr("+-.", *p)))
		p++;
	if (*p != ' ' || p - s > 256)
		return -1;
	e->source = vigie_arena_strndup(&cl->arena, s, (size_t)(p - s));
	while (*p == ' ')
		p++;
	if (*p != '(')
		return -1;
	v0 = ++p;
	while (*p && *p != ')' && *p != '(' && *p != ' ' && *p != '\t')
		p++;
	if (*p != ')' || p == v0 || p - v0 > 256)
		return -1;
	v1 = p++;
	semi = strchr(p, ';');
	if (!semi)
		return -1;
	d0 = p;
	while (d0 < semi && (*d0 == ' ' || *d0 == '\t'))
		d0++;
	if (d0 == p || d0 == semi) /* needs whitespace then a distribution */
		return -1;
	for (const char *q = d0; q < semi; q++)
		if (!(isalnum((unsigned char)*q) || strchr("+-./ \t", *q)))
			return -1;
	e->version = vigie_arena_strndup(&cl->arena, v0, (size_t)(v1 - v0));
	e->distributions = vigie_arena_strndup(&cl->arena, d0, (size_t)(semi - d0));
	kw = vigie_arena_strdup(&cl->arena, semi + 1);
	if (!e->source || !e->version || !e->distributions || !kw) {
		*oom = 1;
		return -1;
	}
	vigie_strip((char *)e->distributions);
	vigie_strip(kw);
	e->keywords = vigie_arena_strdup(&cl->arena, kw);
	e->urgency = "";
	if (!e->keywords) {
		*oom = 1;
		return -1;
	}
	for (tok = strtok_r(kw, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq;
		vigie_strip(tok); /* may move the text: find '=' after */
		eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = '\0';
		vigie_strip(tok);
		if (!strcasecmp(tok, "urgency")) {
			char *u = vigie_arena_strdup(&cl->arena, vigie_strip(eq + 1));
			if (!u) {
				*oom = 1;
				return -1;
			}
			for (char *c = u; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			/* "medium (HIGH for hurd-i386)": keep the first word */
			u[strcspn(u, " \t")] = '\0';
			e->urgency = u;
		} else if (!strcasecmp(tok, "binary-only")) {
			e->binary_only = !strcasecmp(vigie_strip(eq + 1), "yes");
		}
	}
	return 0;
}

/* Trailer: " -- Name <email>  date". Returns 0 or -1. */
static int parse_trailer(struct changelog *cl, const char *line,
			 struct changelog_entry *e, int *oom)
{
	const char *p, *gt, *d;
	if (strncmp(line, " -- ", 4))
		return -1;
	p = line + 4;
	gt = strchr(p, '>');
	if (!gt) {
		/* maintainer without email: date after two spaces */
		const char *two = strstr(p, "  ");
		gt = two ? two - 1 : p + strlen(p) - 1;
	}
	e->maintainer = vigie_arena_strndup(&cl->arena, p, (size_t)(gt + 1 - p));
	d = gt + 1;
	while (*d == ' ' || *d == '\t')
		d++;
	e->date_text = vigie_arena_strdup(&cl->arena, d);
	if (!e->maintainer || !e->date_text) {
		*oom = 1;
		return -1;
	}
	vigie_strip((char *)e->maintainer);
	vigie_strip((char *)e->date_text);
	if (!*e->date_text || vigie_time_parse_rfc822(&e->date, e->date_text))
		e->date = 0;
	return 0;
}

static int finish_entry(struct changelog *cl, struct changelog_entry *e,
			struct vigie_buf *text, const char *name, struct vigie_error *err)
{
	struct vigie_strv cves;
	int rc = 0;

	vigie_strv_init(&cves);
	while (text->len && text->data[text->len - 1] == '\n')
		text->data[--text->len] = '\0';
	e->text = vigie_arena_strndup(&cl->arena, text->data ? text->data : "", text->len);
	if (!e->text)
		goto oom;
	if (vigie_extract_cves(&cves, e->text))
		goto oom;
	if (cves.n) {
		e->cves = vigie_arena_alloc(&cl->arena, cves.n * sizeof(*e->cves));
		if (!e->cves)
			goto oom;
		for (size_t i = 0; i < cves.n; i++)
			if (!(e->cves[i] = vigie_arena_strdup(&cl->arena, cves.v[i])))
				goto oom;
		e->ncves = cves.n;
	}
	if (!e->maintainer)
		e->maintainer = "";
	if (!e->date_text)
		e->date_text = "";
	if (cl->n == cl->cap) {
		size_t nc = cl->cap ? cl->cap * 2 : 32;
		struct changelog_entry *ne = realloc(cl->entries, nc * sizeof(*ne));
		if (!ne)
			goto oom;
		cl->entries = ne;
		cl->cap = nc;
	}
	cl->entries[cl->n++] = *e;
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, name, e->line, "out of memory");
out:
	vigie_strv_release(&cves);
	vigie_buf_reset(text);
	return rc;
}

/* Lines after which the file holds old-format logs that dpkg-parsechangelog
 * does not parse either. */
static int old_format_start(const char *line)
{
	return !strncmp(line, "Old Changelog:", 14) ||
	       strstr(line, "Local variables:") != NULL ||
	       strstr(line, "Local Variables:") != NULL;
}

int vigie_changelog_load_reader(struct changelog *cl, struct vigie_reader *r,
			  struct vigie_error *err)
{
	const char *name = vigie_reader_name(r);
	struct vigie_buf text = VIGIE_BUF_INIT;
	struct changelog_entry cur;
	int in_entry = 0, got, rc = 0, oom = 0;
	unsigned long nonblank = 0;
	size_t before = cl->n;
	char *line;
	size_t len;

	memset(&cur, 0, sizeof(cur));
	vigie_reader_set_max_line(r, CHANGELOG_MAX_LINE);
	while ((got = vigie_reader_getline(r, &line, &len, err)) > 0) {
		unsigned long ln = vigie_reader_lineno(r);
		struct changelog_entry e;

		if (!vigie_utf8_valid(line, len)) {
			/* old changelogs are often latin-1: keep the entry, drop the line */
			vigie_warn(err, name, ln, "invalid UTF-8, line ignored");
			continue;
		}
		if (len && !isspace((unsigned char)line[0]))
			nonblank++;
		if (len && isalnum((unsigned char)line[0])) {
			memset(&e, 0, sizeof(e));
			e.line = ln;
			if (parse_header(cl, line, &e, &oom) == 0) {
				if (in_entry) {
					vigie_warn(err, name, cur.line,
						   "entry %s has no trailer line", cur.version);
					if ((rc = finish_entry(cl, &cur, &text, name, err)))
						goto out;
				}
				if (cl->n - before >= CHANGELOG_MAX_ENTRIES) {
					rc = vigie_error_set(err, VIGIE_ELIMIT, name, ln,
							     "more than %d entries", CHANGELOG_MAX_ENTRIES);
					goto out;
				}
				cur = e;
				in_entry = 1;
				continue;
			}
			if (oom)
				goto oom;
		}
		if (old_format_start(line) && !(len && line[0] == ' '))
			break;
		if (!strncmp(line, " -- ", 4)) {
			if (!in_entry) {
				vigie_warn(err, name, ln, "trailer line outside an entry, ignored");
				continue;
			}
			if (parse_trailer(cl, line, &cur, &oom)) {
				if (oom)
					goto oom;
			}
			if (!cur.date)
				vigie_warn(err, name, ln, "unparsable date in trailer");
			if ((rc = finish_entry(cl, &cur, &text, name, err)))
				goto out;
			in_entry = 0;
			continue;
		}
		if (!in_entry) {
			if (len && !isspace((unsigned char)line[0])) {
				if (cl->n == before && nonblank >= 64) {
					rc = vigie_error_set(err, VIGIE_EPARSE, name, ln,
							     "not a Debian changelog");
					goto out;
				}
				vigie_warn(err, name, ln, "text outside an entry, ignored");
			}
			continue;
		}
		if (text.len + len + 1 > CHANGELOG_MAX_TEXT) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, name, ln,
					     "entry text over %d bytes", CHANGELOG_MAX_TEXT);
			goto out;
		}
		if ((cl->total_text += len + 1) > CHANGELOG_MAX_TOTAL) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, name, ln,
					     "changelog text over %u bytes", CHANGELOG_MAX_TOTAL);
			goto out;
		}
		if (text.len == 0 && len == 0)
			continue; /* blank line after the header */
		if (vigie_buf_add(&text, line, len) || vigie_buf_addc(&text, '\n'))
			goto oom;
	}
	if (got < 0) {
		rc = got;
		goto out;
	}
	if (in_entry) {
		vigie_warn(err, name, cur.line, "entry %s has no trailer line", cur.version);
		if ((rc = finish_entry(cl, &cur, &text, name, err)))
			goto out;
	}
	if (cl->n == before && nonblank)
		rc = vigie_error_set(err, VIGIE_EPARSE, name, 1, "not a Debian changelog: no entry");
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, name, vigie_reader_lineno(r), "out of memory");
out:
	vigie_buf_release(&text);
	return rc;
}

int vigie_changelog_load(struct changelog *cl, const char *path, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open(&r, path, err);
	if (rc)
		return rc;
	rc = vigie_changelog_load_reader(cl, r, err);
	vigie_reader_free(r);
	return rc;
}

int vigie_changelog_entries_between(const struct changelog *cl, const char *old_version,
			      const char *new_version,
			      const struct changelog_entry ***out, size_t *n)
{
	struct debver vo, vn, ve;
	int has_old = old_version && *old_version;
	const struct changelog_entry **v = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!new_version || vigie_debver_parse(&vn, new_version, NULL) < 0)
		return 0;
	if (has_old && vigie_debver_parse(&vo, old_version, NULL) < 0)
		return 0;
	for (size_t i = 0; i < cl->n; i++) {
		const struct changelog_entry *e = &cl->entries[i];
		if (vigie_debver_parse(&ve, e->version, NULL) < 0)
			continue;
		if (vigie_debver_cmp(&ve, &vn) > 0)
			continue;
		if (has_old && vigie_debver_cmp(&ve, &vo) <= 0)
			continue;
		if (!v && !(v = malloc(cl->n * sizeof(*v))))
			return VIGIE_ENOMEM;
		v[k++] = e;
	}
	*out = v;
	*n = k;
	return 0;
}

const char *vigie_changelog_keyword(const struct changelog_entry *e, const char *key,
			      char *buf, size_t size)
{
	const char *p = e->keywords;
	size_t kl = strlen(key);
	while (p && *p) {
		const char *end = strchr(p, ','), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		eq = memchr(p, '=', n);
		if (eq) {
			size_t k = (size_t)(eq - p);
			while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
				k--;
			if (k == kl && !strncasecmp(p, key, kl)) {
				const char *v = eq + 1;
				size_t vl = n - (size_t)(v - p);
				while (vl && (*v == ' ' || *v == '\t')) {
					v++;
					vl--;
				}
				while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
					vl--;
				if (!size)
					return NULL;
				if (vl >= size)
					vl = size - 1;
				memcpy(buf, v, vl);
				buf[vl] = '\0';
				return buf;
			}
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}
