/* libFuzzer target: dpkg status files (vigie_inventory_load_status_mem). */
#include "vigie/debian/inventory.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv;
	struct vigie_error err;

	if (size > FUZZ_MAX)
		return 0;
	memset(&err, 0, sizeof(err));
	vigie_inventory_init(&inv);
	if (vigie_inventory_load_status_mem(&inv, data, size, "fuzz", &err) == 0) {
		/* the result must be sorted and searchable */
		for (size_t i = 0; i < inv.npkgs; i++)
			if (vigie_inventory_find(&inv, inv.pkgs[i].name, inv.pkgs[i].arch) !=
			    &inv.pkgs[i])
				__builtin_trap();
	}
	vigie_inventory_release(&inv);
	return 0;
}
