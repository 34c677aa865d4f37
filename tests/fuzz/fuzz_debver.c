/* Fuzz debver: split the input into two versions (at the first '\n' or NUL,
 * else in the middle), parse both and check that the order is a consistent
 * total preorder on what was parsed. */
#include "vigie/debian/debver.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT 4096

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[FUZZ_MAX_INPUT + 1], b[FUZZ_MAX_INPUT + 1];
	const uint8_t *cut;
	size_t la, off;
	struct debver va, vb;
	struct vigie_error err;
	int ra, rb, c1, c2;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	cut = memchr(data, '\n', size);
	if (!cut)
		cut = memchr(data, '\0', size);
	if (cut) {
		la = (size_t)(cut - data);
		off = la + 1;
	} else {
		la = size / 2;
		off = la;
	}
	memcpy(a, data, la);
	a[la] = '\0';
	memcpy(b, data + off, size - off);
	b[size - off] = '\0';

	vigie_error_init(&err);
	ra = vigie_debver_parse(&va, a, &err);
	if (ra < 0 && (err.code != VIGIE_EPARSE || !err.msg[0]))
		abort();
	if (ra > 0 && (err.severity != VIGIE_SEV_WARNING || !err.msg[0]))
		abort();
	rb = vigie_debver_parse(&vb, b, NULL);
	if (ra < 0 || rb < 0)
		return 0;
	c1 = vigie_debver_cmp(&va, &vb);
	c2 = vigie_debver_cmp(&vb, &va);
	if (sign(c1) != -sign(c2) || vigie_debver_cmp(&va, &va) != 0)
		abort();
	if (sign(vigie_debver_cmp_str(a, b)) != sign(c1))
		abort();
	return 0;
}
