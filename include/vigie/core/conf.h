/* vigie: INI-style configuration files: "[section]" or "[section name]"
 * headers, "key = value" lines, '#' or ';' comments, repeated keys kept in
 * order. Bounded (line length, entries); errors name file and line. */
#ifndef VIGIE_CONF_H
#define VIGIE_CONF_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define VIGIE_CONF_MAX_ENTRIES 10000
#define VIGIE_CONF_MAX_SIZE (4 * 1024 * 1024) /* vigie_conf_load_private */

struct conf_entry {
	const char *section; /* "" before the first header */
	const char *key;
	const char *value;   /* stripped, may be "" */
	unsigned long line;
};

struct vigie_conf {
	struct vigie_arena arena;
	const char *path;
	struct conf_entry *entries;
	size_t n;
};

/* Parse path into conf (initialised by this call). */
int vigie_conf_load(struct vigie_conf *conf, const char *path, struct vigie_error *err);
/* Parse text (name used in messages). */
int vigie_conf_load_mem(struct vigie_conf *conf, const char *text, size_t len,
		  const char *name, struct vigie_error *err);
/* The operator's vigie.conf names commands vigie runs: refuse it (an
 * error naming the file, VIGIE_EUSAGE) when it is not a regular file, is
 * writable by group or others, or is owned by a user other than root and
 * the one running vigie. */
int vigie_conf_check_private(const char *path, struct vigie_error *err);
/* vigie_conf_check_private and vigie_conf_load on one open descriptor (at
 * most VIGIE_CONF_MAX_SIZE bytes). */
int vigie_conf_load_private(struct vigie_conf *conf, const char *path,
			    struct vigie_error *err);
void vigie_conf_release(struct vigie_conf *conf);
/* Last value of section/key, or NULL. */
const char *vigie_conf_get(const struct vigie_conf *conf, const char *section,
		     const char *key);
/* Locate a shipped data file: $env if set, else VIGIE_DATADIR/name when it
 * exists, else the source tree's data/name. Writes into buf. */
const char *vigie_conf_data_path(char *buf, size_t size, const char *env,
			   const char *name);
/* The operator's configuration file (vigie.conf: [sla], [alerts], ...):
 * explicit_path when non-NULL, else $VIGIE_CONFIG, else
 * /etc/vigie/vigie.conf when it exists, else NULL (built-in defaults).
 * *required is 1 when the file must exist. */
const char *vigie_conf_config_path(const char *explicit_path, int *required);

#endif
