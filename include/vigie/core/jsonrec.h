/* vigie: streaming JSON documents record by record (yajl's event parser).
 *
 * A document is read in pieces; only the current record (an element of an
 * array named by a path) is built as a small yajl tree, handed to a
 * callback and freed, so memory stays bounded whatever the input. Values
 * at "keep" paths are handed over one by one (containers as empty nodes of
 * their type); everything else is parsed and dropped. Paths name object
 * members with '.' and array elements with "[]": "" is the top level,
 * "vulnerabilities[]" each element of the top-level "vulnerabilities",
 * "Results[].Vulnerabilities[]" each vulnerability of each result. Before
 * yajl sees a byte, strings, numbers and keys are bounded; nesting is
 * bounded; a string holding U+0000 is refused. Errors name the document
 * and line, and the record's path with its indices. One object per
 * document; not shared between threads. */
#ifndef VIGIE_JSONREC_H
#define VIGIE_JSONREC_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "vigie/core/error.h"

#define VIGIE_JSONREC_MAX_DEPTH 64
#define VIGIE_JSONREC_MAX_STRING (4u * 1024 * 1024) /* bytes of one string */
#define VIGIE_JSONREC_MAX_RECORD (32u * 1024 * 1024) /* bytes held by one record */
#define VIGIE_JSONREC_MAX_TOKEN 256                 /* bytes of a number/literal */

struct vigie_jsonrec;

/* which: index of the matching path in keep[] or records[]; idx: the array
 * indices along the path (idx[0] for the first "[]", ...), nidx of them.
 * v/rec belong to the parser (valid during the call). Return 0, or a
 * negative VIGIE_E* code after filling err to stop. */
typedef int vigie_jsonrec_value_fn(void *ud, int which, const size_t *idx, size_t nidx,
				   yajl_val v);
typedef int vigie_jsonrec_record_fn(void *ud, int which, const size_t *idx, size_t nidx,
				    yajl_val rec, unsigned long line);

struct vigie_jsonrec_spec {
	const char *const *keep;    /* NULL-terminated, or NULL */
	const char *const *records; /* NULL-terminated, or NULL */
	vigie_jsonrec_value_fn *on_value;
	vigie_jsonrec_record_fn *on_record;
	int max_depth;              /* 0: VIGIE_JSONREC_MAX_DEPTH */
	size_t max_string;          /* 0: VIGIE_JSONREC_MAX_STRING */
	size_t max_record;          /* 0: VIGIE_JSONREC_MAX_RECORD */
};

/* Parse data[0..len) (name in messages). Returns 0, the callback's code,
 * or VIGIE_EPARSE/VIGIE_ELIMIT/VIGIE_ENOMEM with err set. */
int vigie_jsonrec_parse_mem(const char *data, size_t len, const char *name,
			    const struct vigie_jsonrec_spec *spec, void *ud,
			    struct vigie_error *err);
/* The same from a file (plain, gzip, xz or lz4; vigie_reader), reading at
 * most max_bytes (0: unbounded; beyond: VIGIE_ELIMIT). */
int vigie_jsonrec_parse_file(const char *path, size_t max_bytes,
			     const struct vigie_jsonrec_spec *spec, void *ud,
			     struct vigie_error *err);

/* Write path (a records[] or keep[] entry) with the indices filled in
 * ("Results[2].Vulnerabilities[7]") into buf; returns buf. */
const char *vigie_jsonrec_where(char *buf, size_t size, const char *path, const size_t *idx,
				size_t nidx);

#endif
