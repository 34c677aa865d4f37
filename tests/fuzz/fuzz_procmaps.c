/* libFuzzer target: /proc/PID/maps buffers (vigie_procmaps_parse); every
 * entry's path must lie inside the input. */
#include "vigie/debian/procmaps.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX (256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const char *start, *end;
};

static int check(void *ud, const struct procmaps_entry *e)
{
	const struct bounds *b = ud;
	if (e->path && (e->path < b->start || e->path + e->path_len > b->end))
		__builtin_trap();
	if (!e->path && e->path_len)
		__builtin_trap();
	if (e->end < e->start || strlen(e->perms) != 4)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounds b = { (const char *)data, (const char *)data + size };
	struct vigie_error err;
	size_t bad;

	if (size > FUZZ_MAX)
		return 0;
	vigie_error_init(&err);
	vigie_procmaps_parse((const char *)data, size, "fuzz", check, &b, &bad, &err);
	return 0;
}
