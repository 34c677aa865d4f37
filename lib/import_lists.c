/* Placeholder until the advisory list / distro-info importers land. */
#include "vigie/import.h"

int import_advisory_list(struct vigie_store *s, const char *path,
			 const char *kind, struct import_stats *st,
			 struct vigie_error *err)
{
	(void)s; (void)st; (void)kind;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "advisory list import not available yet");
}

int import_distro_info(struct vigie_store *s, const char *path,
		       struct import_stats *st, struct vigie_error *err)
{
	(void)s; (void)st;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "distro-info import not available yet");
}

int import_support_ended(struct vigie_store *s, const char *path,
			 const char *release, struct import_stats *st,
			 struct vigie_error *err)
{
	(void)s; (void)st; (void)release;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "support list import not available yet");
}

int import_support_limited(struct vigie_store *s, const char *path,
			   struct import_stats *st, struct vigie_error *err)
{
	(void)s; (void)st;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "support list import not available yet");
}
