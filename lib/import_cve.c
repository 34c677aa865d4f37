/* Placeholder until the KEV / CVE 5 / NVD importers land. */
#include "vigie/import.h"

int import_kev(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err)
{
	(void)s; (void)st;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "KEV import not available yet");
}

int import_cve5(struct vigie_store *s, const char *path,
		struct import_stats *st, struct vigie_error *err)
{
	(void)s; (void)st;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "CVE 5 import not available yet");
}

int import_nvd(struct vigie_store *s, const char *path,
	       struct import_stats *st, struct vigie_error *err)
{
	(void)s; (void)st;
	return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "NVD import not available yet");
}
