/* libFuzzer target: the security tracker JSON importer, from memory into
 * an in-memory store. */
#include "vigie/secdata/import.h"
#include "vigie/store/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT (1024 * 1024)

static int count_row(void *ud, const struct store_tracker_row *r)
{
	/* touch every field */
	*(size_t *)ud += strlen(r->release) + strlen(r->source) + strlen(r->vuln) +
			 strlen(r->status) + (r->fixed_version ? strlen(r->fixed_version) : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vigie_store *s;
	struct vigie_error err;
	struct import_stats st = { 0, 0 };
	size_t total = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	memset(&err, 0, sizeof(err));
	if (!s && vigie_store_open(&s, ":memory:", 0, &err))
		abort();
	if (vigie_import_tracker_json_mem(s, data, size, "fuzz.json", &st, &err) == 0)
		vigie_store_tracker_each(s, NULL, count_row, &total, &err);
	return 0;
}
