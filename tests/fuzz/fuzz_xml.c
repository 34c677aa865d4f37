/* libFuzzer target: the XML guard (pre-scan, then libxml2) with small
 * bounds (8 attributes, depth 8), so short inputs reach every limit. */
#include "vigie/core/xml.h"

#include <stdint.h>

#include <libxml/tree.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_xml_limits lim = { 8, 8, 2000, 0, 0 };
	struct vigie_error err = { 0 };
	xmlDocPtr doc = NULL;
	if (size > (1u << 20))
		return 0;
	for (int allow = 0; allow < 2; allow++) {
		lim.allow_doctype = allow;
		if (vigie_xml_parse(&doc, (const char *)data, size, "fuzz", &lim, &err) == 0) {
			if (!doc || !xmlDocGetRootElement(doc))
				__builtin_trap();
			xmlFreeDoc(doc);
			doc = NULL;
		} else if (doc) {
			__builtin_trap();
		}
	}
	return 0;
}
