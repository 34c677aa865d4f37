/* libFuzzer target: the record-by-record JSON streamer with small bounds
 * (depth 8, strings 64 bytes, records 4 KiB), so short inputs reach every
 * limit; every record handed over must be a tree within them. */
#include "vigie/core/jsonrec.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keep[] = { "", "a", "b[].c", NULL };
static const char *const records[] = { "b[].d[]", "e[]", NULL };

static void walk(yajl_val v, int depth)
{
	if (depth > 10)
		__builtin_trap();
	if (YAJL_IS_OBJECT(v))
		for (size_t i = 0; i < v->u.object.len; i++)
			walk(v->u.object.values[i], depth + 1);
	else if (YAJL_IS_ARRAY(v))
		for (size_t i = 0; i < v->u.array.len; i++)
			walk(v->u.array.values[i], depth + 1);
}

static int on_value(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v)
{
	(void)ud;
	if (which < 0 || which > 2 || (which == 2 && nidx != 1) || (nidx && !idx))
		__builtin_trap();
	walk(v, 0);
	return 0;
}

static int on_record(void *ud, int which, const size_t *idx, size_t nidx, yajl_val v,
		     unsigned long line)
{
	char where[128];
	(void)ud;
	if (which < 0 || which > 1 || !line)
		__builtin_trap();
	vigie_jsonrec_where(where, sizeof(where), records[which], idx, nidx);
	walk(v, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigie_jsonrec_spec sp = { keep, records, on_value, on_record, 8, 64, 4096 };
	struct vigie_error err = { 0 };
	if (size > (1u << 20))
		return 0;
	(void)vigie_jsonrec_parse_mem((const char *)data, size, "fuzz", &sp, NULL, &err);
	return 0;
}
