/* libFuzzer target: the changelog summary (CVE ids per version) and its
 * reading back. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigie/debian/debpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_strv cves;
	struct vigie_error err;

	if (size > 1024 * 1024)
		return 0;
	memset(&err, 0, sizeof(err));
	vigie_strv_init(&cves);
	if (vigie_changelog_summarize(&out, data, size, "fuzz", &err) == 0) {
		vigie_changelog_summary_cves(&cves, out.data, "1.0-1", "2:0");
		vigie_changelog_summary_cves(&cves, out.data, NULL, NULL);
	}
	vigie_strv_release(&cves);
	vigie_buf_release(&out);
	return 0;
}
