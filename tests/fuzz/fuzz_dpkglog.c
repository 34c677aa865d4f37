/* libFuzzer target for the dpkg.log parser (plain or compressed input). */
#include "vigie/debian/history.h"
#include "vigie/core/reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_reader *r = NULL;
	struct vigie_error err;

	if (size > (1u << 20))
		return 0;
	memset(&err, 0, sizeof(err));
	if (vigie_reader_open_mem(&r, data, size, "fuzz", &err))
		return 0;
	struct history h;
	vigie_history_init(&h);
	h.max_events = 100000;
	if (vigie_history_load_dpkg_reader(&h, r, &err) == 0)
		(void)vigie_history_finish(&h, &err);
	vigie_history_release(&h);
	vigie_reader_free(r);
	return 0;
}
