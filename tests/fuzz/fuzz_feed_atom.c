/* libFuzzer target: the feed parser on atom documents (seeds in
 * corpus/feed_atom/); all three feed targets run the same parser, which
 * detects the format from the root element. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/feeds/feed.h"

static struct services_table svc;
static int loaded;
/* a few rules with aliases, names in capitals and blanks */
static const char table[] =
	"Apache HTTP Server | apache2 | apache2 | apache, httpd\n"
	"PHP | php*-fpm | php* | php-fpm\n"
	"OpenSSL | libssl3 | openssl | libssl\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_error err;
	struct feed *f = NULL;

	if (size > (1u << 20))
		return 0;
	if (!loaded) {
		memset(&err, 0, sizeof(err));
		vigie_services_table_init(&svc);
		loaded = vigie_services_load_mem(&svc, table, sizeof(table) - 1, "table", &err) == 0;
	}
	memset(&err, 0, sizeof(err));
	if (vigie_feed_parse(&f, (const char *)data, size, "fuzz", loaded ? &svc : NULL, &err) == 0) {
		for (size_t i = 0; i < f->n; i++) {
			char key[32];
			vigie_feed_item_key(&f->items[i], key, sizeof(key));
		}
		vigie_feed_free(f);
	}
	return 0;
}
