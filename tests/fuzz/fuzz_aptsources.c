/* libFuzzer target: apt sources in both formats. The first byte picks the
 * format (even: one-line .list, odd: deb822 .sources). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/debian/aptsources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apt_sources l;
	struct vigie_error err;

	if (size < 1 || size > 1024 * 1024)
		return 0;
	memset(&err, 0, sizeof(err));
	vigie_aptsources_init(&l);
	if (data[0] & 1)
		vigie_aptsources_parse_deb822_mem(&l, data + 1, size - 1, "fuzz.sources", &err);
	else
		vigie_aptsources_parse_list_mem(&l, data + 1, size - 1, "fuzz.list", &err);
	for (size_t i = 0; i < l.n; i++) {
		/* touch every field the parser produced */
		const struct apt_source *s = &l.v[i];
		volatile size_t n = strlen(s->uri) + strlen(s->suite) + strlen(s->file);
		for (size_t k = 0; k < s->ncomponents; k++)
			n += strlen(s->components[k]);
		for (size_t k = 0; k < s->narchs; k++)
			n += strlen(s->archs[k]);
		(void)n;
	}
	vigie_aptsources_release(&l);
	return 0;
}
