/* Placeholder until the tracker JSON importer lands. */
#include "vigie/import.h"

int import_tracker_json(struct vigie_store *s, const char *path,
			struct import_stats *st, struct vigie_error *err)
{
	(void)s; (void)st;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "tracker JSON import not available yet");
}
