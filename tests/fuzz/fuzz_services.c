/* libFuzzer target: services tables (vigie_services_load_mem), then derivation
 * against a fixed inventory. */
#include "vigie/debian/services.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX (256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char status[] =
	"Package: nginx-core\nStatus: install ok installed\nArchitecture: amd64\n"
	"Version: 1.22.1-9\nSource: nginx\n\n"
	"Package: postgresql-15\nStatus: install ok installed\nArchitecture: amd64\n"
	"Version: 15.10-0+deb12u1\n\n"
	"Package: zlib1g\nStatus: install ok installed\nArchitecture: i386\n"
	"Version: 1:1.2.13.dfsg-1\nSource: zlib\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct services_table t;
	struct services_found f;
	struct inventory inv;
	struct vigie_error err;

	if (size > FUZZ_MAX)
		return 0;
	memset(&err, 0, sizeof(err));
	vigie_services_table_init(&t);
	vigie_services_found_init(&f);
	vigie_inventory_init(&inv);
	if (vigie_inventory_load_status_mem(&inv, status, sizeof(status) - 1, "status", &err))
		__builtin_trap();
	if (vigie_services_load_mem(&t, data, size, "fuzz", &err) == 0)
		vigie_services_derive(&f, &t, &inv, &err);
	vigie_services_found_release(&f);
	vigie_services_table_release(&t);
	vigie_inventory_release(&inv);
	return 0;
}
