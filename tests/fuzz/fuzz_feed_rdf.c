/* libFuzzer target: the feed parser on rdf documents (seeds in
 * corpus/feed_rdf/); all three feed targets run the same parser, which
 * detects the format from the root element. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/feed.h"

static struct feed_services svc;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_error err;
	struct feed *f = NULL;

	if (size > (1u << 20))
		return 0;
	if (!loaded) {
		/* the built-in mapping: no file needed */
		setenv("VIGIE_SERVICES", "", 1);
		memset(&err, 0, sizeof(err));
		loaded = feed_services_load(&svc, NULL, &err) == 0;
	}
	memset(&err, 0, sizeof(err));
	if (feed_parse(&f, (const char *)data, size, "fuzz", loaded ? &svc : NULL, &err) == 0) {
		for (size_t i = 0; i < f->n; i++) {
			char key[32];
			feed_item_key(&f->items[i], key, sizeof(key));
		}
		feed_free(f);
	}
	return 0;
}
