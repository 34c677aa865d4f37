/* vigie: RFC 4180 CSV reader over an in-memory document.
 *
 * Quoted fields may hold separators, doubled quotes and newlines; CRLF and LF
 * line ends are accepted; a UTF-8 byte order mark is skipped. Every field and
 * record is bounded: exceeding a bound is an error naming the line where the
 * record starts, never an unbounded allocation. Field bytes are returned as
 * they are (UTF-8 is not checked here: callers decide whether to skip a row). */
#ifndef VIGIE_CSV_H
#define VIGIE_CSV_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define VIGIE_CSV_MAX_FIELD (1024 * 1024)  /* bytes in one field */
#define VIGIE_CSV_MAX_FIELDS 1024          /* fields in one record */
#define VIGIE_CSV_MAX_RECORD (16u * 1024 * 1024) /* bytes in one record */

struct vigie_csv_opts {
	char sep;          /* ',' ';' '\t'; 0 = detect ',' or ';' from line 1 */
	size_t max_field;  /* 0 = VIGIE_CSV_MAX_FIELD */
	size_t max_fields; /* 0 = VIGIE_CSV_MAX_FIELDS */
	size_t max_record; /* 0 = VIGIE_CSV_MAX_RECORD */
};

struct vigie_csv;

/* Read CSV from data[0..len) (not copied: it must outlive the reader). name
 * is used in messages; opts may be NULL for the defaults. Returns 0 and
 * *out, or VIGIE_ENOMEM. */
int vigie_csv_open_mem(struct vigie_csv **out, const char *data, size_t len,
		       const char *name, const struct vigie_csv_opts *opts,
		       struct vigie_error *err);
/* Read the next record. Returns 1 (fields available until the next call),
 * 0 at end of input, or VIGIE_EPARSE / VIGIE_ELIMIT / VIGIE_ENOMEM naming
 * the line. Blank lines are skipped. */
int vigie_csv_next(struct vigie_csv *c, struct vigie_error *err);
/* Fields of the current record: count, NUL-terminated text, byte length
 * (a field may hold NUL bytes only if the input did: see vigie_csv_next,
 * which rejects them). Out-of-range index returns NULL / 0. */
size_t vigie_csv_nfields(const struct vigie_csv *c);
const char *vigie_csv_field(const struct vigie_csv *c, size_t i);
size_t vigie_csv_field_len(const struct vigie_csv *c, size_t i);
/* 1-based line where the current record starts. */
unsigned long vigie_csv_line(const struct vigie_csv *c);
/* The separator in use (after detection). */
char vigie_csv_sep(const struct vigie_csv *c);
const char *vigie_csv_name(const struct vigie_csv *c);
/* Free the reader (accepts NULL). */
void vigie_csv_free(struct vigie_csv *c);

/* Append s to out quoted per RFC 4180 when it holds sep, '"', CR or LF. */
int vigie_csv_quote(struct vigie_buf *out, const char *s, char sep);

#endif
