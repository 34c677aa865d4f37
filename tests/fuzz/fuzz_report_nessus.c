/* libFuzzer target: Nessus .nessus v2 XML and CSV reports. */
#include "vigie/scanners/report.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report rep;
	struct vigie_error err = { 0 };
	struct report_limits o = { 1u << 20, 4096, 10000, 32 };
	enum report_format fmt;

	if (size > (1u << 20))
		return 0;
	(void)vigie_report_detect((const char *)data, size);
	fmt = size && data[0] == '<' ? REPORT_FMT_NESSUS_XML : REPORT_FMT_NESSUS_CSV;
	vigie_report_init(&rep);
	vigie_error_init(&err);
	(void)vigie_report_load_mem(&rep, (const char *)data, size, "fuzz", fmt, &o, &err);
	for (size_t i = 0; i < rep.nfindings; i++)
		if (!rep.findings[i].host || !rep.findings[i].cve)
			__builtin_trap();
	vigie_report_release(&rep);
	return 0;
}
