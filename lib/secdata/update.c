/* `db update`: fetch into a cache, import, remember validators. */
#define _GNU_SOURCE
#include "vigie/secdata/update.h"
#include "vigie/core/file.h"
#include "vigie/core/sha256.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VIGIE_DATADIR
#define VIGIE_DATADIR "/usr/share/vigie"
#endif

static const char builtin_conf[] =
	"tracker-json tracker-json https://security-tracker.debian.org/tracker/data/json\n"
	"dsa-list dsa-list https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list\n"
	"dla-list dla-list https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list\n"
	"dtsa-list dtsa-list https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DTSA/list\n"
	"kev kev https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json\n"
	"distro-info distro-info /usr/share/distro-info/debian.csv\n";

static const char *const kinds[] = { "tracker-json", "dsa-list", "dla-list",
				     "dtsa-list", "kev", "distro-info" };

const char *vigie_update_config_default_path(void)
{
	const char *e = getenv("VIGIE_SOURCES_CONF");
	if (e && *e)
		return e;
	if (access(VIGIE_DATADIR "/sources.conf", R_OK) == 0)
		return VIGIE_DATADIR "/sources.conf";
#ifdef VIGIE_SRCDATADIR
	if (access(VIGIE_SRCDATADIR "/sources.conf", R_OK) == 0)
		return VIGIE_SRCDATADIR "/sources.conf";
#endif
	return NULL;
}

void vigie_update_config_release(struct update_config *cfg)
{
	vigie_arena_release(&cfg->arena);
	memset(cfg, 0, sizeof(*cfg));
}

static int name_ok(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
			return 0;
	return 1;
}

static int config_parse(struct update_config *cfg, const char *text,
			const char *name, struct vigie_error *err);

int vigie_update_config_parse(struct update_config *cfg, const char *text,
			const char *name, struct vigie_error *err)
{
	int rc = config_parse(cfg, text, name, err);
	if (rc)
		vigie_update_config_release(cfg);
	return rc;
}

static int config_parse(struct update_config *cfg, const char *text,
			const char *name, struct vigie_error *err)
{
	unsigned long line = 0;
	const char *p = text;

	memset(cfg, 0, sizeof(*cfg));
	vigie_arena_init(&cfg->arena);
	cfg->path = vigie_arena_strdup(&cfg->arena, name);
	if (!cfg->path)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char buf[UPDATE_MAX_LINE + 1], *f[4], *save = NULL, *c;
		int nf = 0;
		struct update_source *s;

		line++;
		if (len > UPDATE_MAX_LINE)
			return vigie_error_set(err, VIGIE_ELIMIT, name, line,
					       "line longer than %d bytes", UPDATE_MAX_LINE);
		memcpy(buf, p, len);
		buf[len] = '\0';
		p = e ? e + 1 : p + len;
		if (!vigie_utf8_valid(buf, len))
			return vigie_error_set(err, VIGIE_EPARSE, name, line, "invalid UTF-8");
		if ((c = strchr(buf, '#')))
			*c = '\0';
		for (c = strtok_r(buf, " \t\r", &save); c; c = strtok_r(NULL, " \t\r", &save)) {
			if (nf == 4)
				return vigie_error_set(err, VIGIE_EPARSE, name, line,
						       "expected NAME KIND URL, found extra fields");
			f[nf++] = c;
		}
		if (nf == 0)
			continue;
		if (nf != 3)
			return vigie_error_set(err, VIGIE_EPARSE, name, line,
					       "expected NAME KIND URL");
		if (!name_ok(f[0]))
			return vigie_error_set(err, VIGIE_EPARSE, name, line,
					       "source name '%s' must use only letters, digits, '.', '_' and '-'",
					       f[0]);
		{
			size_t k;
			for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
				if (!strcmp(f[1], kinds[k]))
					break;
			if (k == sizeof(kinds) / sizeof(kinds[0]))
				return vigie_error_set(err, VIGIE_EPARSE, name, line,
						       "unknown kind '%s' (tracker-json, dsa-list, dla-list, dtsa-list, kev, distro-info)",
						       f[1]);
		}
		for (size_t k = 0; k < cfg->n; k++)
			if (!strcmp(cfg->src[k].name, f[0]))
				return vigie_error_set(err, VIGIE_EPARSE, name, line,
						       "source '%s' already defined on line %lu",
						       f[0], cfg->src[k].line);
		if (cfg->n == UPDATE_MAX_SOURCES)
			return vigie_error_set(err, VIGIE_ELIMIT, name, line,
					       "more than %d sources", UPDATE_MAX_SOURCES);
		s = &cfg->src[cfg->n];
		s->name = vigie_arena_strdup(&cfg->arena, f[0]);
		s->kind = vigie_arena_strdup(&cfg->arena, f[1]);
		s->url = vigie_arena_strdup(&cfg->arena, f[2]);
		s->line = line;
		if (!s->name || !s->kind || !s->url)
			return vigie_error_set(err, VIGIE_ENOMEM, name, line, "out of memory");
		cfg->n++;
	}
	return 0;
}

int vigie_update_config_load(struct update_config *cfg, const char *path,
		       struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	int rc;

	if (!path)
		path = vigie_update_config_default_path();
	if (!path)
		return vigie_update_config_parse(cfg, builtin_conf, "(built-in sources)", err);
	memset(cfg, 0, sizeof(*cfg));
	rc = vigie_read_file(&b, path, 1024 * 1024, err);
	if (!rc)
		rc = vigie_update_config_parse(cfg, b.data, path, err);
	vigie_buf_release(&b);
	return rc;
}

int vigie_update_import_default(struct vigie_store *s, const char *kind,
			  const char *path, struct import_stats *st,
			  struct vigie_error *err)
{
	if (!strcmp(kind, "tracker-json"))
		return vigie_import_tracker_json(s, path, st, err);
	if (!strcmp(kind, "dsa-list"))
		return vigie_import_advisory_list(s, path, "DSA", st, err);
	if (!strcmp(kind, "dla-list"))
		return vigie_import_advisory_list(s, path, "DLA", st, err);
	if (!strcmp(kind, "dtsa-list"))
		return vigie_import_advisory_list(s, path, "DTSA", st, err);
	if (!strcmp(kind, "kev"))
		return vigie_import_kev(s, path, st, err);
	if (!strcmp(kind, "distro-info"))
		return vigie_import_distro_info(s, path, st, err);
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "unknown source kind '%s'", kind);
}

struct prev_row {
	const char *name;
	int found;
	int64_t data_date;
};

static int find_prev(void *ud, const struct store_source *src)
{
	struct prev_row *p = ud;
	if (strcmp(src->name, p->name))
		return 0;
	p->found = 1;
	p->data_date = src->data_date;
	return 1;
}

static int is_local(const char *url)
{
	return !strncmp(url, "file://", 7) || !strstr(url, "://");
}

static const char *local_path(const char *url)
{
	return !strncmp(url, "file://", 7) ? url + 7 : url;
}

/* Import path and record the source row (validators only for a download
 * that was imported whole, so that a failed import is fetched again). */
static int import_one(struct vigie_store *s, const struct update_opts *o,
		      const struct update_source *src, const char *path,
		      const struct fetch_result *fr, struct update_report *rep,
		      struct vigie_error *err)
{
	struct import_stats st = { 0, 0 };
	struct vigie_error ierr;
	struct prev_row prev = { src->name, 0, 0 };
	struct store_source row;
	update_import_fn *imp = o->import ? o->import : vigie_update_import_default;
	int rc;

	memset(&ierr, 0, sizeof(ierr));
	ierr.warn = err ? err->warn : NULL;
	ierr.warn_ud = err ? err->warn_ud : NULL;
	rc = imp(s, src->kind, path, &st, &ierr);
	if (rc) {
		vigie_error_format(&ierr, rep->message, sizeof(rep->message));
		return rc;
	}
	rep->rows = st.rows;
	/* keep a data date the importer may have recorded */
	if (vigie_store_sources_each(s, find_prev, &prev, err) < 0)
		return VIGIE_EDB;
	memset(&row, 0, sizeof(row));
	/* the same import as the importer's own record: no new previous */
	row.amend = 1;
	row.name = src->name;
	row.location = src->url;
	row.imported_at = vigie_now();
	row.data_date = prev.data_date;
	row.rows = st.rows;
	if (fr) {
		row.etag = fr->etag;
		row.last_modified = fr->last_modified;
		if (!row.data_date && fr->last_modified)
			vigie_time_parse_rfc822(&row.data_date, fr->last_modified);
	}
	return vigie_store_source_put(s, &row, err);
}

int vigie_update_run(struct vigie_store *s, const struct update_config *cfg,
	       const struct update_opts *o, struct update_result *res,
	       struct vigie_error *err)
{
	struct vigie_buf cache = VIGIE_BUF_INIT;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < o->nonly; i++) {
		size_t k;
		for (k = 0; k < cfg->n; k++)
			if (!strcmp(cfg->src[k].name, o->only[i]))
				break;
		if (k == cfg->n)
			return vigie_error_set(err, VIGIE_EUSAGE, cfg->path, 0,
					       "no source named '%s'", o->only[i]);
	}
	if (!o->cache_dir)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "no cache directory");
	if ((rc = vigie_mkdirs(o->cache_dir, VIGIE_DIR_MODE, err)))
		return rc;

	for (size_t i = 0; i < cfg->n; i++) {
		const struct update_source *src = &cfg->src[i];
		struct update_report *rep;
		struct fetch_result fr;
		struct fetch_opts fo = o->fetch;
		struct vigie_error ferr;
		char *etag = NULL, *lm = NULL;
		int known, have_cache, irc;
		struct stat st;

		if (o->nonly) {
			size_t k;
			for (k = 0; k < o->nonly; k++)
				if (!strcmp(o->only[k], src->name))
					break;
			if (k == o->nonly)
				continue;
		}
		rep = &res->rep[res->n++];
		rep->src = src;
		rep->state = UPDATE_FAILED;
		memset(&fr, 0, sizeof(fr));
		if (o->on_start)
			o->on_start(o->on_start_ud, src);

		/* local sources are imported in place, even offline; one whose
		 * bytes are those of its last import (its digest kept as the
		 * validator) is current: not imported again, so that an update
		 * with nothing new moves no data version */
		if (is_local(src->url)) {
			char digest[7 + SHA256_HEX_LEN + 1];
			struct fetch_result lf;
			memset(&lf, 0, sizeof(lf));
			memcpy(digest, "sha256:", 7);
			if (!vigie_sha256_file(digest + 7, local_path(src->url), NULL)) {
				irc = vigie_store_source_validators(s, src->name, &etag, &lm, err);
				if (irc && irc != VIGIE_ENOTFOUND) {
					rc = irc;
					goto out;
				}
				known = !irc && etag && !strcmp(etag, digest);
				free(etag);
				free(lm);
				etag = lm = NULL;
				if (known) {
					rep->state = UPDATE_NOT_MODIFIED;
					res->usable++;
					continue;
				}
				lf.etag = digest;
			}
			irc = import_one(s, o, src, local_path(src->url), lf.etag ? &lf : NULL, rep,
					 err);
			if (irc == VIGIE_EDB) {
				rc = irc;
				goto out;
			}
			if (!irc) {
				rep->state = UPDATE_IMPORTED;
				res->usable++;
			}
			continue;
		}

		vigie_buf_reset(&cache);
		if (vigie_buf_addf(&cache, "%s/%s", o->cache_dir, src->name)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		/* lstat: a symlink planted in the cache is not a cached copy */
		have_cache = lstat(cache.data, &st) == 0 && S_ISREG(st.st_mode);
		if (have_cache)
			rep->cache_time = st.st_mtime;
		irc = vigie_store_source_validators(s, src->name, &etag, &lm, err);
		if (irc && irc != VIGIE_ENOTFOUND) {
			rc = irc;
			goto out;
		}
		known = irc == 0;

		if (!o->offline && !res->unreachable) {
			/* conditional GET only when the cached copy is there */
			fo.etag = have_cache && known ? etag : NULL;
			fo.last_modified = have_cache && known ? lm : NULL;
			memset(&ferr, 0, sizeof(ferr));
			irc = vigie_fetch_to_file(&fr, src->url, cache.data, &fo, &ferr);
			if (!irc && fr.not_modified) {
				rep->state = UPDATE_NOT_MODIFIED;
				res->usable++;
				goto next;
			}
			if (!irc) {
				rep->size = fr.size;
				rep->cache_time = vigie_now();
				irc = import_one(s, o, src, cache.data, &fr, rep, err);
				if (irc == VIGIE_EDB) {
					rc = irc;
					vigie_fetch_result_release(&fr);
					free(etag);
					free(lm);
					goto out;
				}
				if (!irc) {
					rep->state = UPDATE_IMPORTED;
					res->usable++;
				}
				/* a downloaded file that does not import is
				 * reported as such: no older copy remains */
				goto next;
			}
			vigie_error_format(&ferr, rep->message, sizeof(rep->message));
			if (fr.unreachable && !res->unreachable) {
				res->unreachable = 1;
				snprintf(res->unreachable_msg, sizeof(res->unreachable_msg),
					 "%s", rep->message);
			}
		}

		/* offline, or the download failed: fall back on the cache */
		if (!have_cache) {
			if (known) {
				/* the store holds data imported earlier */
				rep->state = UPDATE_CACHED;
				res->usable++;
			} else if (!rep->message[0] && o->offline) {
				snprintf(rep->message, sizeof(rep->message),
					 "no cached copy in %s", o->cache_dir);
			}
			goto next;
		}
		if (known && !o->offline) {
			rep->state = UPDATE_CACHED;
			res->usable++;
		} else {
			char saved[sizeof(rep->message)];
			snprintf(saved, sizeof(saved), "%s", rep->message);
			rep->message[0] = '\0';
			irc = import_one(s, o, src, cache.data, NULL, rep, err);
			if (irc == VIGIE_EDB) {
				rc = irc;
				free(etag);
				free(lm);
				goto out;
			}
			if (!irc) {
				rep->state = o->offline ? UPDATE_IMPORTED : UPDATE_CACHE_IMPORTED;
				res->usable++;
				snprintf(rep->message, sizeof(rep->message), "%s", saved);
			}
		}
		if (rep->state != UPDATE_FAILED && rep->cache_time &&
		    (!res->oldest_cache || rep->cache_time < res->oldest_cache))
			res->oldest_cache = rep->cache_time;
next:
		vigie_fetch_result_release(&fr);
		free(etag);
		free(lm);
	}
out:
	vigie_buf_release(&cache);
	return rc;
}
