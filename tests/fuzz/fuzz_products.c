/* libFuzzer target: the product -> source table parser and the mapping. */
#include "vigie/scanners/products.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct products *p = NULL;
	struct vigie_error err = { 0 };
	struct vigie_strv inst, out;
	static const char *const probes[] = { "Apache HTTP Server 2.4.56", "php",
					      "cpe:/a:php:php:8.2.7", "cpe:2.3:a:x:y" };

	if (size > (1u << 20))
		return 0;
	if (vigie_products_load_mem(&p, (const char *)data, size, "fuzz", &err))
		return 0;
	vigie_strv_init(&inst);
	vigie_strv_init(&out);
	(void)vigie_strv_push(&inst, "apache2");
	(void)vigie_strv_push(&inst, "php8.2");
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		(void)vigie_products_map(p, probes[i], i & 1 ? "8.2.7" : NULL, i & 2 ? &inst : NULL, &out);
		vigie_strv_release(&out);
	}
	vigie_strv_release(&inst);
	vigie_products_free(p);
	return 0;
}
