/* libFuzzer target: the RFC 4180 CSV reader (small bounds to reach them). */
#include "vigie/core/csv.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_csv_opts o = { 0, 4096, 64, 65536 };
	struct vigie_csv *c = NULL;
	struct vigie_error err = { 0 };
	struct vigie_buf q = VIGIE_BUF_INIT;
	size_t total = 0;
	int rc;

	if (size > (1u << 20))
		return 0;
	vigie_error_init(&err);
	if (vigie_csv_open_mem(&c, (const char *)data, size, "fuzz", size & 1 ? &o : NULL, &err))
		return 0;
	while ((rc = vigie_csv_next(c, &err)) == 1) {
		for (size_t i = 0; i < vigie_csv_nfields(c); i++) {
			const char *f = vigie_csv_field(c, i);
			total += vigie_csv_field_len(c, i);
			if (strlen(f) != vigie_csv_field_len(c, i))
				__builtin_trap(); /* NUL bytes are rejected */
			vigie_buf_reset(&q);
			(void)vigie_csv_quote(&q, f, vigie_csv_sep(c));
		}
		(void)vigie_csv_line(c);
	}
	if (total > size)
		__builtin_trap(); /* fields never hold more than the input */
	vigie_buf_release(&q);
	vigie_csv_free(c);
	return 0;
}
