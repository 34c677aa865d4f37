/* vigie: the one way libvigie parses XML (scanner reports, feeds).
 *
 * Before libxml2 sees a byte, a linear scan of the raw document refuses
 * what the parser would handle badly or dangerously: encodings in which
 * '<' is not the ASCII byte (UTF-16/32, EBCDIC: the scan could not see
 * markup in them), document type declarations (or, when allowed, any
 * entity declaration inside one), elements with more than max_attrs
 * attributes (libxml2 2.9 checks duplicates in quadratic time) and
 * nesting deeper than max_depth. libxml2 then runs with XML_PARSE_NONET,
 * without entity substitution or DTD loading, under a time budget; after
 * the parse the declared encoding and the DTD are checked again. Errors
 * name the document (name) and the line. Thread-safe (no shared state
 * beyond libxml2's own initialisation). */
#ifndef VIGIE_XML_H
#define VIGIE_XML_H

#include <stddef.h>

#include "vigie/core/error.h"

#define VIGIE_XML_MAX_ATTRS 256   /* attributes of one element */
#define VIGIE_XML_MAX_DEPTH 64    /* element nesting */
#define VIGIE_XML_MAX_MS 60000    /* milliseconds of parsing per document */

struct vigie_xml_limits {
	int max_attrs;      /* 0: VIGIE_XML_MAX_ATTRS */
	int max_depth;      /* 0: VIGIE_XML_MAX_DEPTH */
	unsigned max_ms;    /* 0: VIGIE_XML_MAX_MS */
	int allow_doctype;  /* 1: a DOCTYPE declaring no entity is accepted
			       (never loaded); 0: any DOCTYPE is refused */
	int options;        /* further XML_PARSE_* flags (e.g. NOCDATA) */
};

struct _xmlDoc;
/* Parse data[0..len) into *out (free with xmlFreeDoc). lim NULL means the
 * defaults. Returns 0, or VIGIE_EPARSE (malformed, refused encoding or
 * declaration), VIGIE_ELIMIT (attributes, depth, size, time) or
 * VIGIE_ENOMEM with err naming name and the line; *out is then NULL. */
int vigie_xml_parse(struct _xmlDoc **out, const char *data, size_t len, const char *name,
		    const struct vigie_xml_limits *lim, struct vigie_error *err);

#endif
