#include "vigie/render/export.h"
#include "vigie/core/hashmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static char urgency_flag(const char *u)
{
	if (!u)
		return ' ';
	if (!strncmp(u, "low", 3))
		return 'L';
	if (!strncmp(u, "medium", 6))
		return 'M';
	if (!strncmp(u, "high", 4))
		return 'H';
	return ' ';
}

static int skipped(const struct vuln_entry *e)
{
	if (e->status == VULN_RESOLVED && (!e->fixed_version || !strcmp(e->fixed_version, "0")))
		return 1;
	return e->urgency && (!strcmp(e->urgency, "unimportant") ||
			      !strcmp(e->urgency, "end-of-life"));
}

/* Descriptions may not contain newlines in this format. */
static int add_desc(struct vigie_buf *b, const char *d)
{
	for (; d && *d; d++)
		if (vigie_buf_addc(b, *d == '\n' || *d == '\r' ? ' ' : *d))
			return -1;
	return vigie_buf_addc(b, '\n');
}

int vigie_export_debsecan(struct vigie_buf *out, const struct vulnindex *idx,
		    struct vigie_store *store, struct vigie_error *err)
{
	struct vigie_buf text = VIGIE_BUF_INIT, recs = VIGIE_BUF_INIT;
	struct vigie_hashmap names;
	struct vigie_arena read; /* the facts of the issue being written */
	size_t nnames = 0;
	uLongf zlen;
	int rc = VIGIE_ENOMEM;

	vigie_hashmap_init(&names);
	vigie_arena_init(&read);
	if (vigie_buf_adds(&text, "VERSION 1\n"))
		goto out;
	for (size_t i = 0; i < idx->sources.cap; i++) {
		const struct vuln_source *src;
		if (!idx->sources.keys[i])
			continue;
		src = idx->sources.vals[i];
		for (size_t k = 0; k < src->n; k++) {
			const struct vuln_entry *e = &src->entries[k];
			uintptr_t pos;
			if (skipped(e))
				continue;
			pos = (uintptr_t)vigie_hashmap_get(&names, e->vuln, strlen(e->vuln));
			if (!pos) {
				void **slot = vigie_hashmap_slot(&names, e->vuln, strlen(e->vuln));
				struct store_vuln_facts f;
				int bad;
				if (!slot)
					goto out;
				pos = ++nnames;
				*slot = (void *)pos;
				memset(&f, 0, sizeof(f));
				if (store)
					vigie_store_vuln_facts_get(store, e->vuln, &read, &f, NULL);
				bad = vigie_buf_addf(&text, "%s,,", e->vuln) ||
				      add_desc(&text, f.description);
				vigie_arena_release(&read); /* one issue's facts at a time */
				if (bad)
					goto out;
			}
			if (vigie_buf_addf(&recs, "%s,%zu,S%c?%c,%s,\n", src->name,
					   (size_t)pos - 1, urgency_flag(e->urgency),
					   e->status == VULN_RESOLVED ? 'F' : ' ',
					   e->status == VULN_RESOLVED ? e->fixed_version : ""))
				goto out;
		}
	}
	if (vigie_buf_addc(&text, '\n') ||
	    (recs.len && vigie_buf_add(&text, recs.data, recs.len)) ||
	    vigie_buf_adds(&text, "\n\n"))
		goto out;
	zlen = compressBound(text.len);
	if (vigie_buf_grow(out, zlen))
		goto out;
	if (compress2((Bytef *)out->data + out->len, &zlen, (const Bytef *)text.data,
		      text.len, 9) != Z_OK) {
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "zlib compression failed");
		goto out;
	}
	out->len += zlen;
	out->data[out->len] = '\0';
	rc = 0;
out:
	if (rc == VIGIE_ENOMEM)
		vigie_error_set(err, rc, NULL, 0, "out of memory");
	vigie_hashmap_release(&names);
	vigie_arena_release(&read);
	vigie_buf_release(&text);
	vigie_buf_release(&recs);
	return rc;
}
