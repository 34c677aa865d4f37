/* Fuzz the .mo catalogue reader: open the input as a French catalogue and
 * look up every message the report uses and a few more. */
#include "vigie/report/i18n.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "", "Summary", "page", "January", "December",
					   "zzzz", "Hosts", "a" };
	struct vigie_i18n c;
	struct vigie_error err;
	char buf[128];

	if (size > FUZZ_MAX_INPUT)
		return 0;
	vigie_error_init(&err);
	if (vigie_i18n_open_mem(&c, "fr", data, size, &err))
		return 0;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		(void)strlen(vigie_i18n_tr(&c, ids[i]));
	for (int m = 0; m <= 13; m++)
		vigie_i18n_date(&c, 2026, m, 1, buf, sizeof(buf));
	vigie_i18n_release(&c);
	return 0;
}
