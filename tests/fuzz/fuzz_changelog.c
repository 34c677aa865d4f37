/* libFuzzer target for the Debian changelog parser (plain or compressed input). */
#include "vigie/debian/changelog.h"
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
	struct changelog cl;
	vigie_changelog_init(&cl);
	(void)vigie_changelog_load_reader(&cl, r, &err);
	if (cl.n) {
		const struct changelog_entry **v = NULL;
		size_t n = 0;
		if (vigie_changelog_entries_between(&cl, cl.entries[cl.n - 1].version,
					      cl.entries[0].version, &v, &n) == 0)
			free(v);
	}
	vigie_changelog_release(&cl);
	vigie_reader_free(r);
	return 0;
}
