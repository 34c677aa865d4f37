/* vigie: map a product named by a network scanner ("Apache HTTP Server",
 * "OpenSSH", cpe:/a:apache:http_server:2.4.56) to the Debian source packages
 * that ship it (apache2, openssh), from a table (data/products.conf).
 *
 * Patterns may hold {major} and {minor} (from the product version) and '*'
 * (glob): "php{major}.{minor}" maps PHP 8.2.7 to php8.2. Patterns are
 * resolved against the host's installed source packages when a list is
 * given, so "postgresql-{major}" finds postgresql-15 only where installed. */
#ifndef VIGIE_PRODUCTS_H
#define VIGIE_PRODUCTS_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define VIGIE_PRODUCTS_MAX_SIZE (1024 * 1024) /* bytes of a table */
#define VIGIE_PRODUCTS_MAX_RULES 4096
#define VIGIE_PRODUCTS_MAX_PATTERNS 16        /* per rule */

struct products;

/* Load a table from path; NULL means the shipped table (vigie_products_default_path).
 * Returns 0 and *out (free with vigie_products_free), or an error naming the file
 * and line of a malformed rule. */
int vigie_products_load(struct products **out, const char *path, struct vigie_error *err);
/* Same from memory (text need not be NUL-terminated). */
int vigie_products_load_mem(struct products **out, const char *text, size_t len,
		      const char *name, struct vigie_error *err);
void vigie_products_free(struct products *p);
/* The shipped table: $VIGIE_PRODUCTS if set, else <datadir>/products.conf
 * when installed, else the source tree's data/products.conf. */
const char *vigie_products_default_path(void);
/* Number of rules loaded. */
size_t vigie_products_count(const struct products *p);

/* Candidate Debian source packages for a product. product is a product name
 * (matched on whole words at its start, longest rule wins: "Apache HTTP
 * Server 2.4.56" matches "apache http server") or a CPE (cpe:/a:V:P[:ver] or
 * cpe:2.3:a:V:P:ver..., matched on V:P). version may be NULL (taken from the
 * CPE when it has one); without a version {major}/{minor} become '*'.
 * installed (sorted or not) may be NULL: then only patterns without '*' are
 * returned, as written. Names are appended to out (unique, rule order);
 * out stays empty when no rule or no installed source matches.
 * Returns 0 or VIGIE_ENOMEM. */
int vigie_products_map(const struct products *p, const char *product,
		 const char *version, const struct vigie_strv *installed,
		 struct vigie_strv *out);

#endif
