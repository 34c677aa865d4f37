/* libFuzzer target: the sources.conf parser of `db update`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/secdata/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct update_config cfg;
	struct vigie_error err;
	char *text;

	if (size > 1024 * 1024)
		return 0;
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&err, 0, sizeof(err));
	if (vigie_update_config_parse(&cfg, text, "fuzz.conf", &err) == 0)
		vigie_update_config_release(&cfg);
	free(text);
	return 0;
}
