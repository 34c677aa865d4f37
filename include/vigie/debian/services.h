/* vigie: which services a host runs, derived from its packages through a
 * table of package-name globs (data/services.conf; format documented at
 * the top of that file). */
#ifndef VIGIE_SERVICES_H
#define VIGIE_SERVICES_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/debian/inventory.h"
#include "vigie/core/util.h"

#define SERVICES_MAX_RULES 10000   /* rules in one table */
#define SERVICES_MAX_PATTERNS 64   /* package or source patterns per rule */
#define SERVICES_MAX_LINE 4096     /* bytes in one line */
#define SERVICES_MAX_NAME 128      /* bytes in a service name or pattern */
#define SERVICES_MAX_ALIASES 16    /* aliases per rule */

struct service_rule {
	const char *service;   /* "Apache HTTP Server" */
	const char **patterns; /* fnmatch(3) globs on binary package names */
	size_t npatterns;
	const char **sources;  /* Debian source packages (globs), may be 0 */
	size_t nsources;
	const char **aliases;  /* other names of the service in news and
				  advisories ("apache", "httpd"), may be 0 */
	size_t naliases;
	unsigned long line;    /* line in the table file */
};

struct services_table {
	struct vigie_arena arena; /* owns every string and array below */
	const char *path;
	struct service_rule *rules;
	size_t nrules;
};

/* One service a host runs, with the packages that made it so. */
struct service_found {
	const char *service;
	const struct inventory_pkg **pkgs; /* into the inventory, by name/arch */
	size_t npkgs;
	const char **sources; /* source patterns of the rules that matched */
	size_t nsources;
};

struct services_found {
	struct vigie_arena arena;
	struct service_found *v; /* sorted by service name */
	size_t n;
};

void vigie_services_table_init(struct services_table *t);
void vigie_services_table_release(struct services_table *t);
/* The table to use: $VIGIE_SERVICES when set, else <datadir>/services.conf
 * of the installation when it exists, else the source tree's data/
 * directory. Writes into buf and returns it. */
const char *vigie_services_default_path(char *buf, size_t size);
/* Load a table (path NULL: vigie_services_default_path()). Errors name the file
 * and line (VIGIE_EPARSE, VIGIE_ELIMIT, VIGIE_EIO); t is then empty. */
int vigie_services_load(struct services_table *t, const char *path,
		  struct vigie_error *err);
/* The same from memory (not kept); name is used in messages. */
int vigie_services_load_mem(struct services_table *t, const void *data, size_t len,
		      const char *name, struct vigie_error *err);

/* The service called name, or having name among its aliases (ASCII
 * case-insensitive): the service name of the first such rule (owned by t),
 * or NULL when t knows no such service. */
const char *vigie_services_canonical(const struct services_table *t, const char *name);

void vigie_services_found_init(struct services_found *f);
void vigie_services_found_release(struct services_found *f);
/* Services of inv according to t (inv's packages must be sorted, as
 * loaders leave them), sorted by name; rules naming the same service are
 * merged. out is filled (previous content released); its pkgs point into
 * inv, which must outlive it. Returns 0 or VIGIE_ENOMEM. */
int vigie_services_derive(struct services_found *out, const struct services_table *t,
		    const struct inventory *inv, struct vigie_error *err);

#endif
