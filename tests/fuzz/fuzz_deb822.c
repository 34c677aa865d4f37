/* Fuzz deb822: read every stanza of an in-memory document (any compression
 * the reader detects). The first byte picks the flags and a small line
 * limit so that the limit paths run too. */
#include "vigie/core/deb822.h"
#include "vigie/core/reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_reader *r = NULL;
	struct deb822 *d = NULL;
	struct vigie_error err;
	int flags, rc;
	unsigned stanzas = 0;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	flags = data[0] & 1 ? DEB822_COMMENTS : 0;
	vigie_error_init(&err);
	if (vigie_reader_open_mem(&r, data + 1, size - 1, "fuzz", &err))
		return 0;
	if (data[0] & 2)
		vigie_reader_set_max_line(r, 256);
	if (vigie_deb822_open_reader(&d, r, flags, &err))
		return 0;
	while ((rc = vigie_deb822_next(d, &err)) == 1 && stanzas++ < 100000) {
		size_t n = vigie_deb822_nfields(d);
		for (size_t i = 0; i < n; i++) {
			const struct deb822_field *f = vigie_deb822_field_at(d, i);
			if (!f || !f->name[0] || strlen(f->value) > DEB822_MAX_FIELD ||
			    vigie_deb822_get(d, f->name) == NULL || f->line == 0)
				abort();
		}
		if (vigie_deb822_field_at(d, n) != NULL || vigie_deb822_stanza_line(d) == 0)
			abort();
		(void)vigie_deb822_get(d, "Package");
		(void)vigie_deb822_get_line(d, "Version");
	}
	if (rc < 0 && (!err.msg[0] || err.code != rc))
		abort();
	vigie_deb822_free(d);
	return 0;
}
