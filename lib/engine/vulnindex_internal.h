/* What vulnindex.c and vulnimage.c share: the index behind the public
 * struct vulnindex, built in memory or read from an image. */
#ifndef VIGIE_VULNINDEX_INTERNAL_H
#define VIGIE_VULNINDEX_INTERNAL_H

#include "vigie/engine/vulnindex.h"

#include <pthread.h>

struct vi_image; /* an open image (vulnimage.c) */

struct vi_private {
	/* build-time map "source\x1fvuln" -> entry position + 1 */
	struct vigie_hashmap pairs;
	/* Read from an image: entries and names live in the arena and the
	 * mapping, never in per-source malloc'd arrays. */
	struct vi_image *image;
	/* lazy: sources are materialised from the image on first lookup,
	 * under mu (the hash map grows then) */
	int lazy;
	pthread_mutex_t mu;
};

struct vulnindex_full {
	struct vulnindex pub;
	struct vi_private priv;
};

static inline struct vulnindex_full *vi_full(const struct vulnindex *idx)
{
	return (struct vulnindex_full *)idx;
}

/* vulnimage.c: close the image (unmap); accepts NULL. */
void vigie_vi_image_close(struct vi_image *im);
/* vulnimage.c: the source name of a lazy index, materialised on demand. */
const struct vuln_source *vigie_vi_image_lookup(struct vulnindex_full *f, const char *name);

#endif
