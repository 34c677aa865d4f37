/* vigie: security feed parser (RSS 2.0, RSS 1.0/RDF as used by Debian's
 * dsa.rdf/dla.rdf, Atom 1.0) and extraction of what each item concerns:
 * CVE ids, DSA/DLA/DTSA ids, Debian source packages and services.
 *
 * Parsing uses libxml2 without network access, without entity substitution
 * and without DTD loading. Documents declaring entities are rejected (XXE,
 * "billion laughs"); size, nesting depth, item count and field lengths are
 * bounded. Text comes out as UTF-8 whatever the declared encoding. */
#ifndef VIGIE_FEED_H
#define VIGIE_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/debian/services.h"
#include "vigie/core/util.h"

#define FEED_MAX_DOC (16u * 1024 * 1024) /* bytes of one document */
#define FEED_MAX_DEPTH 128               /* element nesting */
#define FEED_MAX_PARSE_MS 10000          /* parsing one document (ms) */
#define FEED_MAX_ITEMS 10000             /* items kept per document */
#define FEED_MAX_FIELD 2048              /* title, link, guid (bytes) */
#define FEED_MAX_SUMMARY 4096            /* summary text (bytes) */
#define FEED_MAX_NAMES 64                /* ids/packages/services per item */

enum feed_format { FEED_UNKNOWN = 0, FEED_RSS2, FEED_RDF, FEED_ATOM };

struct feed_item {
	char *guid;      /* NULL when the item has none */
	char *title;     /* plain text (tags stripped, entities decoded) */
	char *link;
	char *summary;   /* plain text, at most FEED_MAX_SUMMARY bytes */
	int64_t published;
	int has_published; /* 0: date missing or unparsable */
	unsigned long line;
	struct vigie_strv cves;       /* CVE-YYYY-N... */
	struct vigie_strv advisories; /* DSA-N[-N], DLA-N[-N], DTSA-N-N */
	struct vigie_strv packages;   /* Debian source package names */
	struct vigie_strv services;   /* service names (services.conf) */
};

struct feed {
	enum feed_format format;
	char *title;
	struct feed_item *items;
	size_t n;
	struct vigie_arena arena; /* strings of items and title */
};

/* Parse a feed document of len bytes; name (URL or path) is used in
 * messages. svc may be NULL (no service extraction). Items that cannot be
 * used are skipped with a warning naming feed and line. *out is NULL on
 * error; free with vigie_feed_free(). Errors: VIGIE_EPARSE (malformed XML, not a
 * feed, entity declarations), VIGIE_ELIMIT (size or depth), VIGIE_ENOMEM. */
int vigie_feed_parse(struct feed **out, const char *data, size_t len,
	       const char *name, const struct services_table *svc,
	       struct vigie_error *err);
/* Free a parsed feed; accepts NULL. */
void vigie_feed_free(struct feed *f);
const char *vigie_feed_format_name(enum feed_format f);

/* Extraction helpers on plain text (used by vigie_feed_parse; public for tests).
 * Each appends unique matches to out; return 0 or VIGIE_ENOMEM. */
int vigie_feed_extract_advisories(struct vigie_strv *out, const char *text);
/* Source package named by a title such as "DSA-5376-1 apache2 - security
 * update", "DSA-4321 pkg" or "[DLA 3001-1] pkg security update", and by
 * "Package : name" lines of long advisories. */
int vigie_feed_extract_packages(struct vigie_strv *out, const char *title,
			  const char *summary);
/* Services of svc whose name or alias appears as a whole word in text
 * (ASCII case-insensitive, except names written all in capitals); their
 * service names are appended. */
int vigie_feed_extract_services(struct vigie_strv *out,
			  const struct services_table *svc, const char *text);

/* Plain text from HTML-ish text: tags removed, HTML entities decoded,
 * whitespace collapsed, cut at max bytes on a UTF-8 boundary. Returns a
 * malloc'd string or NULL on out of memory. */
char *vigie_feed_html_to_text(const char *html, size_t max);

/* Storage key of an item: its GUID, else its link, else "h:" and the
 * FNV-1a 64-bit hash (hex) of title and date. Writes into buf (>= 20). */
const char *vigie_feed_item_key(const struct feed_item *it, char *buf,
			  size_t size);
/* FNV-1a 64 of a byte string. */
uint64_t vigie_feed_fnv1a64(const void *data, size_t len);

#endif
