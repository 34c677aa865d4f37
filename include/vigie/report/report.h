/* vigie: the monthly client report. One model, computed once and written
 * as JSON (schema vigie.report/1, docs/REPORT.md); the HTML and PDF views
 * are rendered from that JSON, so their numbers cannot disagree with it.
 *
 * The SLA numbers are those of `vigie sla --from-store --host H --since
 * START --until END` for each of the client's hosts: the same history,
 * inventory, security data, timeline and SLA functions, with the month's
 * bounds in the client's time zone. Business days are counted as the SLA
 * module counts them (the process's local time zone; docs/REPORT.md).
 *
 * Nothing here changes process-wide state (no setenv, no setlocale): one
 * report per thread at a time with its own store. */
#ifndef VIGIE_REPORT_REPORT_H
#define VIGIE_REPORT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/sla.h"
#include "vigie/store/store.h"

#define VIGIE_REPORT_SCHEMA "vigie.report/1"
#define VIGIE_REPORT_MAX_JSON (64 * 1024 * 1024)

struct vigie_index_cache;
struct vigie_report_opts {
	const char *client;            /* required */
	int year, month;               /* month 0: the last complete month in
					  the client's time zone */
	const char *lang;              /* "fr", "en", NULL: the client's */
	const struct policy *policy;   /* NULL: built-in */
	const struct sla_policy *sla;  /* required */
	int64_t now;                   /* 0: vigie_now() */
	struct vigie_index_cache *cache; /* release indexes; NULL: the
					    report's own */
};

/* "YYYY-MM" into *y, *m; "last" gives *m = 0. VIGIE_EUSAGE otherwise. */
int vigie_report_month_parse(const char *s, int *y, int *m, struct vigie_error *err);

/* Compute the report of o->client and write its JSON into out. scope is
 * the asking principal's client (NULL: operator); a client outside the
 * scope is VIGIE_ENOTFOUND, exactly like a missing one. */
int vigie_report_model(struct vigie_buf *out, struct vigie_store *s, const char *scope,
		       const struct vigie_report_opts *o, struct vigie_error *err);

/* Views of a vigie.report/1 document (json, len bytes), appended to out.
 * VIGIE_EPARSE for a document that is not one. The HTML is one printable
 * file (inline CSS and SVG, no script, every value escaped); the PDF is A4
 * (cairo + pango, fonts embedded), long tables repeat their header and
 * every page says "page N / M". */
int vigie_report_html(struct vigie_buf *out, const char *json, size_t len,
		      struct vigie_error *err);
int vigie_report_pdf(struct vigie_buf *out, const char *json, size_t len,
		     struct vigie_error *err);

/* A MIME message (RFC 5322/2045): From from, To every contact of the
 * report's client, an RFC 2047 encoded subject, a text/plain part (the
 * summary, in the report's language) and the PDF as a base64 attachment
 * named CLIENT-YYYY-MM.pdf. VIGIE_EUSAGE when the client has no contact. */
int vigie_report_mail(struct vigie_buf *out, const char *json, size_t len, const char *from,
		      const void *pdf, size_t pdf_len, struct vigie_error *err);
/* The report's contacts (strings into the caller's strv). */
int vigie_report_contacts(struct vigie_strv *out, const char *json, size_t len,
			  struct vigie_error *err);

#endif
