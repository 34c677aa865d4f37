/* vigie: small helpers over yajl_gen writing into a vigie_buf. */
#ifndef VIGIE_JSON_H
#define VIGIE_JSON_H

#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "vigie/core/util.h"

/* The one JSON writer configuration (two-space indentation, UTF-8
 * checked): a generator keeping its output in yajl's own buffer
 * (yajl_gen_get_buf); NULL on out of memory. Every JSON output of vigie
 * comes from here or from vigie_json_gen_new. */
yajl_gen vigie_json_gen_alloc(void);
/* The same generator appending to out; NULL on out of memory. */
yajl_gen vigie_json_gen_new(struct vigie_buf *out);
/* Write a string; NULL is written as null. When g validates UTF-8
 * (vigie_json_gen_new does) invalid bytes are written as '?'. Errors surface
 * from yajl_gen_get_buf / the output buffer, as for yajl itself. */
void vigie_json_str(yajl_gen g, const char *s);
/* Write a map key (k not NULL). The json_kv_* write a key and a value. */
void vigie_json_key(yajl_gen g, const char *k);
void vigie_json_kv_str(yajl_gen g, const char *k, const char *v);
void vigie_json_kv_int(yajl_gen g, const char *k, int64_t v);
void vigie_json_kv_bool(yajl_gen g, const char *k, int v);
/* v < 0 is written as null (unknown score). */
void vigie_json_kv_score(yajl_gen g, const char *k, double v);
/* RFC 3339 UTC time, or null when t == 0. */
void vigie_json_kv_time(yajl_gen g, const char *k, int64_t t);

/* Append s as one RFC 4180 CSV field (quoted when needed; NULL is an
 * empty field): vigie_csv_quote(out, s, ','). 0 or VIGIE_ENOMEM. */
int vigie_csv_add_field(struct vigie_buf *out, const char *s);

#endif
