/* vigie: bounded line reader over plain, gzip, xz or lz4 input.
 *
 * Compression is detected from the magic bytes, never from the name, so a
 * rotated "dpkg.log.2.gz" and a plain "status" open the same way. Each line
 * is capped (VIGIE_READER_MAX_LINE by default); a longer line is an error
 * naming the file and line, never an unbounded allocation. */
#ifndef VIGIE_READER_H
#define VIGIE_READER_H

#include <stddef.h>
#include <stdio.h>

#include "vigie/core/error.h"

#define VIGIE_READER_MAX_LINE (1024 * 1024)
/* Memory the xz decoder may use (dictionary and state). xz -9 needs about
 * 65 MiB; a header asking for more fails with VIGIE_ELIMIT instead of
 * reserving up to 4 GiB. */
#define VIGIE_READER_XZ_MEMLIMIT ((unsigned long long)256 << 20)

enum vigie_compression {
	VIGIE_COMP_NONE,
	VIGIE_COMP_GZIP,
	VIGIE_COMP_XZ,
	VIGIE_COMP_LZ4
};

struct vigie_reader;

/* Open path (or "-" for stdin). Returns 0 and *out (free it with
 * vigie_reader_free), or VIGIE_EIO / VIGIE_ENOMEM with *out NULL. */
int vigie_reader_open(struct vigie_reader **out, const char *path,
		      struct vigie_error *err);
/* Read from memory (not copied: data must outlive the reader). name is
 * used in messages. Compression is detected as for files. */
int vigie_reader_open_mem(struct vigie_reader **out, const void *data,
			  size_t len, const char *name,
			  struct vigie_error *err);
/* Set the maximum line length (bytes, without the newline). */
void vigie_reader_set_max_line(struct vigie_reader *r, size_t max);
/* Read the next line, without its "\n" (and without a "\r" before it).
 * Returns 1 with *line and *len set (valid until the next call), 0 at end of
 * input, or a negative error. *line is NUL-terminated; embedded NULs are an
 * error. A last line without "\n" is returned and vigie_reader_partial()
 * tells so. */
int vigie_reader_getline(struct vigie_reader *r, char **line, size_t *len,
			 struct vigie_error *err);
/* Read raw bytes (decompressed). Returns count, 0 at end, or a negative
 * error (VIGIE_EPARSE corrupt data, VIGIE_ELIMIT xz memory limit, VIGIE_EIO).
 * vigie_reader_getline fails the same ways. */
long vigie_reader_read(struct vigie_reader *r, void *buf, size_t size,
		       struct vigie_error *err);
/* Line number of the last line returned (1-based). */
unsigned long vigie_reader_lineno(const struct vigie_reader *r);
/* 1 when the last line returned had no terminating newline (still true
 * once getline has returned 0 after it: a caller can check at the end). */
int vigie_reader_partial(const struct vigie_reader *r);
/* The name given at open (owned by the reader). */
const char *vigie_reader_name(const struct vigie_reader *r);
/* The compression detected from the magic bytes. */
enum vigie_compression vigie_reader_compression(const struct vigie_reader *r);
/* Close the file (not stdin) and free r; NULL is accepted. */
void vigie_reader_free(struct vigie_reader *r);

#endif
