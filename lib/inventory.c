/* Placeholder until the inventory module lands. */
#include "vigie/inventory.h"

#include <string.h>

void inventory_init(struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	vigie_arena_init(&inv->arena);
}

void inventory_release(struct inventory *inv)
{
	vigie_arena_release(&inv->arena);
	inventory_init(inv);
}

int inventory_load_status(struct inventory *inv, const char *path,
			  struct vigie_error *err)
{
	(void)inv;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "inventory not available yet");
}

int inventory_load(struct inventory *inv, const struct inventory_opts *opts,
		   struct vigie_error *err)
{
	(void)inv; (void)opts;
	return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "inventory not available yet");
}

const struct inventory_pkg *inventory_find(const struct inventory *inv,
					   const char *name, const char *arch)
{
	(void)inv; (void)name; (void)arch;
	return NULL;
}
