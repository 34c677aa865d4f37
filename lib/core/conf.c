#include "vigie/core/conf.h"
#include "vigie/core/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VIGIE_DATADIR
#define VIGIE_DATADIR "/usr/local/share/vigie"
#endif
#ifndef VIGIE_SRCDATADIR
#define VIGIE_SRCDATADIR "data"
#endif

static int parse(struct vigie_conf *conf, struct vigie_reader *r,
		 struct vigie_error *err)
{
	const char *section = "";
	size_t cap = 0;
	char *line;
	size_t len;
	int rc;

	vigie_reader_set_max_line(r, 64 * 1024);
	while ((rc = vigie_reader_getline(r, &line, &len, err)) == 1) {
		unsigned long ln = vigie_reader_lineno(r);
		char *s = vigie_strip(line), *eq;
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (!vigie_utf8_valid(s, strlen(s)))
			return vigie_error_set(err, VIGIE_EPARSE, conf->path, ln,
					       "invalid UTF-8");
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (!e || e[1])
				return vigie_error_set(err, VIGIE_EPARSE, conf->path, ln,
						       "expected '[section]'");
			*e = '\0';
			section = vigie_arena_strdup(&conf->arena, vigie_strip(s + 1));
			if (!section)
				return vigie_error_set(err, VIGIE_ENOMEM, conf->path, ln,
						       "out of memory");
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || eq == s)
			return vigie_error_set(err, VIGIE_EPARSE, conf->path, ln,
					       "expected 'key = value'");
		*eq = '\0';
		if (conf->n == VIGIE_CONF_MAX_ENTRIES)
			return vigie_error_set(err, VIGIE_ELIMIT, conf->path, ln,
					       "more than %d entries", VIGIE_CONF_MAX_ENTRIES);
		if (conf->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct conf_entry *ne = realloc(conf->entries, nc * sizeof(*ne));
			if (!ne)
				return vigie_error_set(err, VIGIE_ENOMEM, conf->path, ln,
						       "out of memory");
			conf->entries = ne;
			cap = nc;
		}
		conf->entries[conf->n].section = section;
		conf->entries[conf->n].key = vigie_arena_strdup(&conf->arena, vigie_strip(s));
		conf->entries[conf->n].value = vigie_arena_strdup(&conf->arena, vigie_strip(eq + 1));
		conf->entries[conf->n].line = ln;
		if (!conf->entries[conf->n].key || !conf->entries[conf->n].value)
			return vigie_error_set(err, VIGIE_ENOMEM, conf->path, ln, "out of memory");
		conf->n++;
	}
	return rc;
}

static int load(struct vigie_conf *conf, struct vigie_reader *r, const char *name,
		struct vigie_error *err)
{
	int rc;
	conf->path = vigie_arena_strdup(&conf->arena, name);
	rc = conf->path ? parse(conf, r, err)
			: vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	vigie_reader_free(r);
	if (rc)
		vigie_conf_release(conf);
	return rc;
}

int vigie_conf_load(struct vigie_conf *conf, const char *path, struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc;
	memset(conf, 0, sizeof(*conf));
	vigie_arena_init(&conf->arena);
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	return load(conf, r, path, err);
}

int vigie_conf_load_mem(struct vigie_conf *conf, const char *text, size_t len,
		  const char *name, struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc;
	memset(conf, 0, sizeof(*conf));
	vigie_arena_init(&conf->arena);
	if ((rc = vigie_reader_open_mem(&r, text, len, name, err)))
		return rc;
	return load(conf, r, name, err);
}

static int check_private(const char *path, const struct stat *st, struct vigie_error *err)
{
	uid_t me = geteuid();

	if (!S_ISREG(st->st_mode))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "not a regular file");
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				       "refused: writable by group or others (mode %04o), and "
				       "vigie runs the commands it names (chmod go-w %s)",
				       (unsigned)(st->st_mode & 07777), path);
	if (st->st_uid != 0 && st->st_uid != me)
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				       "refused: owned by uid %lu, neither root nor the user "
				       "running vigie (uid %lu)",
				       (unsigned long)st->st_uid, (unsigned long)me);
	return 0;
}

int vigie_conf_check_private(const char *path, struct vigie_error *err)
{
	struct stat st;
	if (stat(path, &st))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	return check_private(path, &st, err);
}

int vigie_conf_load_private(struct vigie_conf *conf, const char *path,
			    struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct stat st;
	char chunk[8192];
	ssize_t n;
	int fd, rc;

	memset(conf, 0, sizeof(*conf));
	vigie_arena_init(&conf->arena);
	/* checked and read through one descriptor: the file read is the
	 * file checked */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	if (fstat(fd, &st)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				     strerror(errno));
		goto out;
	}
	if ((rc = check_private(path, &st, err)))
		goto out;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = vigie_error_set(err, VIGIE_EIO, path, 0, "read error: %s",
					     strerror(errno));
			goto out;
		}
		if (b.len + (size_t)n > VIGIE_CONF_MAX_SIZE) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, 0,
					     "larger than %d bytes", VIGIE_CONF_MAX_SIZE);
			goto out;
		}
		if (vigie_buf_add(&b, chunk, (size_t)n)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
			goto out;
		}
	}
	rc = vigie_conf_load_mem(conf, b.data ? b.data : "", b.len, path, err);
out:
	close(fd);
	vigie_buf_release(&b);
	return rc;
}

void vigie_conf_release(struct vigie_conf *conf)
{
	free(conf->entries);
	vigie_arena_release(&conf->arena);
	memset(conf, 0, sizeof(*conf));
}

const char *vigie_conf_get(const struct vigie_conf *conf, const char *section,
		     const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < conf->n; i++)
		if (!strcmp(conf->entries[i].section, section) &&
		    !strcmp(conf->entries[i].key, key))
			v = conf->entries[i].value;
	return v;
}

const char *vigie_conf_data_path(char *buf, size_t size, const char *env,
			   const char *name)
{
	const char *e = env ? getenv(env) : NULL;
	if (e && *e)
		snprintf(buf, size, "%s", e);
	else {
		snprintf(buf, size, "%s/%s", VIGIE_DATADIR, name);
		if (access(buf, R_OK))
			snprintf(buf, size, "%s/%s", VIGIE_SRCDATADIR, name);
	}
	return buf;
}

const char *vigie_conf_config_path(const char *explicit_path, int *required)
{
	const char *e = getenv("VIGIE_CONFIG");
	*required = 1;
	if (explicit_path && *explicit_path)
		return explicit_path;
	if (e && *e)
		return e;
	*required = 0;
	if (access("/etc/vigie/vigie.conf", R_OK) == 0)
		return "/etc/vigie/vigie.conf";
	return NULL;
}
