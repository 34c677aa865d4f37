#include "vigie/core/hashmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t vigie_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void vigie_hashmap_init(struct vigie_hashmap *m)
{
	memset(m, 0, sizeof(*m));
}

void vigie_hashmap_release(struct vigie_hashmap *m)
{
	free(m->keys);
	free(m->klens);
	free(m->vals);
	vigie_hashmap_init(m);
}

static size_t find(const struct vigie_hashmap *m, const char *key, size_t len)
{
	size_t mask = m->cap - 1, i = (size_t)vigie_hash(key, len) & mask;
	while (m->keys[i] && (m->klens[i] != len || memcmp(m->keys[i], key, len)))
		i = (i + 1) & mask;
	return i;
}

void *vigie_hashmap_get(const struct vigie_hashmap *m, const char *key, size_t len)
{
	size_t i;
	if (!m->cap)
		return NULL;
	i = find(m, key, len);
	return m->keys[i] ? m->vals[i] : NULL;
}

static int grow(struct vigie_hashmap *m)
{
	struct vigie_hashmap n;
	n.cap = m->cap ? m->cap * 2 : 64;
	n.n = 0;
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.klens = calloc(n.cap, sizeof(*n.klens));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.klens || !n.vals) {
		vigie_hashmap_release(&n);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = find(&n, m->keys[i], m->klens[i]);
			n.keys[j] = m->keys[i];
			n.klens[j] = m->klens[i];
			n.vals[j] = m->vals[i];
			n.n++;
		}
	vigie_hashmap_release(m);
	*m = n;
	return 0;
}

void **vigie_hashmap_slot(struct vigie_hashmap *m, const char *key, size_t len)
{
	size_t i;
	if ((m->n + 1) * 4 > m->cap * 3 && grow(m))
		return NULL;
	i = find(m, key, len);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->klens[i] = len;
		m->vals[i] = NULL;
		m->n++;
	}
	return &m->vals[i];
}
