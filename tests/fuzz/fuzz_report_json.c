/* libFuzzer target: Trivy and Grype JSON reports (the same input is read as
 * both), and the generic CSV reader with automatic detection. */
#include "vigie/scanners/report.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, enum report_format fmt)
{
	struct report rep;
	struct vigie_error err = { 0 };
	struct report_limits o = { 1u << 20, 4096, 10000, 32 };
	vigie_report_init(&rep);
	vigie_error_init(&err);
	(void)vigie_report_load_mem(&rep, (const char *)data, size, "fuzz", fmt, &o, &err);
	for (size_t i = 0; i < rep.nfindings; i++)
		if (!rep.findings[i].host || !rep.findings[i].cve)
			__builtin_trap();
	vigie_report_release(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	one(data, size, REPORT_FMT_TRIVY_JSON);
	one(data, size, REPORT_FMT_GRYPE_JSON);
	one(data, size, REPORT_FMT_AUTO);
	return 0;
}
