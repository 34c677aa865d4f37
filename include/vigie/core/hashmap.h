/* vigie: a string-keyed hash map (open addressing, FNV-1a). Keys are not
 * copied: they must outlive the map (keep them in an arena). */
#ifndef VIGIE_HASHMAP_H
#define VIGIE_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct vigie_hashmap {
	const char **keys;
	size_t *klens;
	void **vals;
	size_t cap; /* power of two, 0 when empty */
	size_t n;
};

/* Prepare an empty map (no allocation). Keys are borrowed: they must
 * outlive the map. */
void vigie_hashmap_init(struct vigie_hashmap *m);
/* Release the table (not the keys or values). */
void vigie_hashmap_release(struct vigie_hashmap *m);
/* Value for key[0..len) or NULL. */
void *vigie_hashmap_get(const struct vigie_hashmap *m, const char *key, size_t len);
/* Pointer to the value slot for key, inserting it (value NULL) when absent;
 * NULL on out of memory. */
void **vigie_hashmap_slot(struct vigie_hashmap *m, const char *key, size_t len);
/* FNV-1a 64-bit. */
uint64_t vigie_hash(const void *data, size_t len);

#endif
