/* Fuzz the report's views: any JSON document given as a vigie.report/1
 * model must render to HTML or be refused, never crash (the PDF shares the
 * same block list, lib/report/view.c). */
#include "vigie/report/report.h"

#include <stdint.h>

#define FUZZ_MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	vigie_error_init(&err);
	(void)vigie_report_html(&out, (const char *)data, size, &err);
	vigie_buf_release(&out);
	return 0;
}
