/* libFuzzer target: the DSA/DLA/DTSA list parser, on every list kind. */
#include "vigie/secdata/advlist.h"
#include "vigie/core/reader.h"

#include <stdint.h>
#include <string.h>

#define FUZZ_MAX (1024 * 1024)

/* Touch every field so that a dangling pointer shows up under ASan. */
static int touch(void *ud, const struct advlist_entry *e)
{
	size_t *sum = ud;
	*sum += strlen(e->id) + strlen(e->date) + strlen(e->description);
	for (size_t i = 0; i < e->npackages; i++)
		*sum += strlen(e->packages[i]);
	for (size_t i = 0; i < e->ncves; i++)
		*sum += strlen(e->cves[i]);
	for (size_t i = 0; i < e->nxrefs; i++)
		*sum += strlen(e->xrefs[i]);
	for (size_t i = 0; i < e->nnotes; i++)
		*sum += strlen(e->notes[i]);
	for (size_t i = 0; i < e->nfixes; i++) {
		const struct advlist_fix *f = &e->fixes[i];
		*sum += strlen(f->release) + strlen(f->source) + f->line +
			(f->version ? strlen(f->version) : 0) +
			(f->note ? strlen(f->note) : 0) +
			strlen(vigie_advlist_fix_kind_name(f->kind));
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum advlist_kind kinds[] = { ADVLIST_DSA, ADVLIST_DLA, ADVLIST_DTSA };
	size_t sum = 0;

	if (size > FUZZ_MAX)
		return 0;
	for (size_t k = 0; k < 3; k++) {
		struct vigie_reader *r = NULL;
		struct vigie_error err;
		vigie_error_init(&err);
		if (vigie_reader_open_mem(&r, data, size, "fuzz", &err))
			continue;
		vigie_advlist_parse(r, kinds[k], touch, &sum, &err);
		vigie_reader_free(r);
	}
	return 0;
}
