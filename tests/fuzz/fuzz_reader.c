/* Fuzz the line reader: plain, gzip, xz or lz4 input from memory. Lines
 * must never contain '\n' or NUL and never exceed the limit. Decompressed
 * output is capped so that small "bombs" do not time out. */
#include "vigie/core/reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (1024 * 1024)
#define MAX_OUTPUT (16u * 1024 * 1024)
#define MAX_LINE 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_reader *r = NULL;
	struct vigie_error err;
	char *line;
	size_t len, total = 0;
	unsigned long last = 0;
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	vigie_error_init(&err);
	if (vigie_reader_open_mem(&r, data, size, "fuzz", &err))
		return 0;
	vigie_reader_set_max_line(r, MAX_LINE);
	while ((rc = vigie_reader_getline(r, &line, &len, &err)) == 1) {
		if (len > MAX_LINE || strlen(line) != len || memchr(line, '\n', len))
			abort();
		if (vigie_reader_lineno(r) != last + 1)
			abort();
		last = vigie_reader_lineno(r);
		total += len + 1;
		if (total > MAX_OUTPUT)
			break;
	}
	if (rc < 0 && (!err.msg[0] || err.code != rc || err.line == 0))
		abort();
	vigie_reader_free(r);
	return 0;
}
