/* vigie: streaming reader of RFC-822-style stanzas (dpkg status, Packages,
 * apt .sources files), with line numbers, continuation lines and maxima on
 * line, field and stanza size. One stanza is in memory at a time. */
#ifndef VIGIE_DEB822_H
#define VIGIE_DEB822_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/reader.h"

#define DEB822_MAX_FIELD (4u * 1024 * 1024)   /* bytes in one field value */
#define DEB822_MAX_FIELDS 2048                /* fields in one stanza */
#define DEB822_MAX_STANZA (16u * 1024 * 1024) /* bytes in one stanza */

enum deb822_flags {
	DEB822_COMMENTS = 1, /* '#' lines are comments (apt .sources) */
};

struct deb822_field {
	const char *name;   /* as written */
	const char *value;  /* first line stripped; continuation lines follow
			       after '\n', each without its first blank */
	unsigned long line; /* line of the field name */
};

struct deb822;

/* Open a file (any compression vigie_reader detects). */
int vigie_deb822_open(struct deb822 **out, const char *path, int flags,
		struct vigie_error *err);
/* Wrap an open reader; the deb822 takes ownership of r (even on error). */
int vigie_deb822_open_reader(struct deb822 **out, struct vigie_reader *r, int flags,
		       struct vigie_error *err);
/* Read the next stanza: 1 when one was read, 0 at end of input, negative
 * on error (err names file and line). Fields stay valid until the next
 * call. */
int vigie_deb822_next(struct deb822 *d, struct vigie_error *err);
size_t vigie_deb822_nfields(const struct deb822 *d);
const struct deb822_field *vigie_deb822_field_at(const struct deb822 *d, size_t i);
/* Value of a field (case-insensitive name) or NULL when absent. */
const char *vigie_deb822_get(const struct deb822 *d, const char *name);
/* Line number of a field (0 when absent) and of the stanza's first line. */
unsigned long vigie_deb822_get_line(const struct deb822 *d, const char *name);
unsigned long vigie_deb822_stanza_line(const struct deb822 *d);
const char *vigie_deb822_name(const struct deb822 *d);
void vigie_deb822_free(struct deb822 *d);

#endif
