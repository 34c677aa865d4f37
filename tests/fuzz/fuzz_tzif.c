/* Fuzz the TZif reader: parse the input as a zone file, then ask for
 * offsets and midnights around its transitions. */
#include "vigie/report/tz.h"

#include <stdint.h>
#include <stdlib.h>

#define FUZZ_MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_tz tz;
	struct vigie_error err;
	int y, m, d, hh, mm;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	vigie_error_init(&err);
	if (vigie_tz_parse(&tz, "fuzz", data, size, &err))
		return 0;
	for (size_t i = 0; i < tz.n && i < 64; i++) {
		if (tz.at[i] > -(INT64_C(1) << 40) && tz.at[i] < (INT64_C(1) << 40)) {
			(void)vigie_tz_offset(&tz, tz.at[i] - 1);
			vigie_tz_civil(&tz, tz.at[i], &y, &m, &d, &hh, &mm);
		}
	}
	(void)vigie_tz_midnight(&tz, 2026, 11, 1);
	(void)vigie_tz_midnight(&tz, 1970, 1, 1);
	vigie_tz_release(&tz);
	return 0;
}
