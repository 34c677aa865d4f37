/* vigie: small shared helpers: growable buffers, arenas, string lists,
 * time (the one injectable clock), UTF-8 checks. */
#ifndef VIGIE_UTIL_H
#define VIGIE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vigie/core/error.h"

/* ---- growable byte buffer ----
 * Invariant: data is NULL (nothing allocated yet, len == 0) or
 * data[len] == '\0', whatever function last changed the buffer, so that
 * data can be used as a C string (it may hold earlier NULs). Code writing
 * into data directly must restore data[len] = '\0'. */
struct vigie_buf {
	char *data;
	size_t len;
	size_t cap;
};
#define VIGIE_BUF_INIT { NULL, 0, 0 }
/* Prepare an empty buffer (data NULL, no allocation). */
void vigie_buf_init(struct vigie_buf *b);
/* Release contents; struct can be reused. */
void vigie_buf_release(struct vigie_buf *b);
/* Make room for extra more bytes (plus the terminating NUL); after a
 * successful call data != NULL, even for extra == 0 on an empty buffer.
 * This and the adders below return 0 or VIGIE_ENOMEM (b unchanged). */
int vigie_buf_grow(struct vigie_buf *b, size_t extra);
int vigie_buf_add(struct vigie_buf *b, const void *data, size_t len);
int vigie_buf_adds(struct vigie_buf *b, const char *s);
int vigie_buf_addc(struct vigie_buf *b, char c);
int vigie_buf_addf(struct vigie_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vigie_buf_reset(struct vigie_buf *b); /* len = 0, keeps memory */
/* Hand the data to the caller (who frees it); b is empty afterwards. */
char *vigie_buf_detach(struct vigie_buf *b);

/* ---- arena: many small allocations freed at once ---- */
struct vigie_arena_block;
struct vigie_arena {
	struct vigie_arena_block *head;
	size_t total; /* bytes allocated, for limits */
};
/* Prepare an empty arena (no allocation). */
void vigie_arena_init(struct vigie_arena *a);
/* Free every allocation made from a. */
void vigie_arena_release(struct vigie_arena *a);
/* NULL on out of memory. Memory is 16-byte aligned and zeroed. */
void *vigie_arena_alloc(struct vigie_arena *a, size_t size);
char *vigie_arena_strdup(struct vigie_arena *a, const char *s);
char *vigie_arena_strndup(struct vigie_arena *a, const char *s, size_t n);

/* ---- vector of owned strings ---- */
struct vigie_strv {
	char **v;
	size_t n;
	size_t cap;
};
/* Prepare an empty vector / free every string and the vector. */
void vigie_strv_init(struct vigie_strv *s);
void vigie_strv_release(struct vigie_strv *s);
/* Append a copy of str (of its first n bytes); 0 or VIGIE_ENOMEM. */
int vigie_strv_push(struct vigie_strv *s, const char *str);
int vigie_strv_pushn(struct vigie_strv *s, const char *str, size_t n);
/* Push only when absent (linear scan; for short lists). */
int vigie_strv_push_unique(struct vigie_strv *s, const char *str);
int vigie_strv_contains(const struct vigie_strv *s, const char *str);
void vigie_strv_sort(struct vigie_strv *s);
/* Join with sep into a newly allocated string (caller frees); NULL on OOM. */
char *vigie_strv_join(const struct vigie_strv *s, const char *sep);

/* ---- time: every "now" comes from here ---- */
/* Current time as Unix seconds; VIGIE_NOW (RFC 3339 or YYYY-MM-DD) overrides. */
int64_t vigie_now(void);
/* Milliseconds of a monotonic clock (for bounded waits). */
int64_t vigie_monotonic_ms(void);
/* Parse "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH[:]MM]".
 * Without a zone the time is UTC unless local != 0. Returns 0 or VIGIE_EPARSE. */
int vigie_time_parse(int64_t *out, const char *s, int local);
/* Parse RFC 822/1123/2822 dates ("Sun, 28 Sep 2025 07:33:01 GMT"): zone
 * "+HH", "+HHMM", "+HH:MM", UT/UTC/GMT/Z or EST/EDT/CST/CDT/MST/MDT/PST/PDT,
 * none (UTC), then an optional "(comment)". Returns 0 or VIGIE_EPARSE
 * (unknown zone, bad digits, trailing text); *out is untouched on error. */
int vigie_time_parse_rfc822(int64_t *out, const char *s);
/* Format as RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
const char *vigie_time_format(int64_t t, char *buf, size_t size);
/* Format as "YYYY-MM-DD" (UTC) into buf (>= 11 bytes). */
const char *vigie_date_format(int64_t t, char *buf, size_t size);
/* Days since 1970-01-01 for a civil date, and back. */
int64_t vigie_days_from_civil(int y, int m, int d);
void vigie_civil_from_days(int64_t z, int *y, int *m, int *d);

/* ---- text ---- */
/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int vigie_utf8_valid(const char *s, size_t len);
/* Offset of the first control character in s[0..len) (C0, DEL, or C1
 * U+0080-U+009F written as UTF-8), its code point in *cp (may be NULL);
 * -1 when there is none. Bytes that are not UTF-8 are skipped. */
long vigie_ctrl_find(const char *s, size_t len, unsigned *cp);
/* The one escape for text meant for a terminal: append s[0..len) to b
 * with control characters written "\x1b" (C0, DEL), "\u009b" (C1) and
 * bytes that are not UTF-8 as "\xff", so no input can send escape
 * sequences. Returns 0 or VIGIE_ENOMEM. */
int vigie_buf_add_safe(struct vigie_buf *b, const char *s, size_t len);
/* The same into buf (cut at size, never inside a character); returns buf. */
const char *vigie_text_safe(char *buf, size_t size, const char *s);
/* Strip leading and trailing ASCII whitespace in place; returns s. */
char *vigie_strip(char *s);
/* Case-insensitive ASCII prefix test. */
int vigie_startswith_ci(const char *s, const char *prefix);
/* Append every CVE-YYYY-NNNN+ id found in text to out (unique, in order). */
int vigie_extract_cves(struct vigie_strv *out, const char *text);
/* Append a whole file (at most max bytes) to out, which is NUL-terminated
 * and non-NULL afterwards, even for an empty file. Returns 0, VIGIE_EIO
 * (cannot open or read), VIGIE_ELIMIT (larger than max) or VIGIE_ENOMEM,
 * with err naming path; out keeps what was read (caller releases it). */
int vigie_read_file(struct vigie_buf *out, const char *path, size_t max,
		    struct vigie_error *err);

#endif
