/* The index of a release as a file: written from a built index, mapped
 * read-only and materialised into struct vuln_source entries whose strings
 * point into the mapping. See vigie/engine/vulnimage.h. */
#define _GNU_SOURCE
#include "engine/vulnindex_internal.h"
#include "vigie/core/file.h"
#include "vigie/core/sha256.h"
#include "vigie/engine/releases.h"
#include "vigie/engine/vulnimage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define VI_MAGIC "VIGIEVIX"
#define VI_BYTE_ORDER 0x01020304u /* an image of another byte order is refused */
#define VI_NONE UINT32_MAX       /* a NULL string */
#define VI_HEADER_SIZE 256

/* The header, in the machine's byte order (an image is a local cache). */
struct vi_header {
	char magic[8];
	uint32_t format;
	uint32_t byte_order;
	char lib_version[32];
	char release[64];
	uint8_t database[32];
	uint8_t data[32];
	int64_t data_version;
	uint64_t payload_len;
	uint64_t nsources, nentries, strings_len;
	uint32_t payload_crc; /* zlib crc32 of the payload */
	uint32_t flags;
	uint8_t pad[VI_HEADER_SIZE - 8 - 4 - 4 - 32 - 64 - 32 - 32 - 8 - 8 - 24 - 4 - 4];
};
_Static_assert(sizeof(struct vi_header) == VI_HEADER_SIZE, "image header size");

#define VI_HAS_TRACKER 1u
#define VI_HAS_ADVISORIES 2u

/* The payload: nsources of these sorted by name, then nentries entries
 * (each source's a contiguous run), then strings_len bytes of strings. */
struct vi_src {
	uint32_t name, first, n;
	uint32_t eol_version, eol_date, eol_note, limited_note;
};

struct vi_ent {
	uint32_t vuln, fixed_version, urgency, nodsa, nodsa_reason, advisory, advisory_date;
	uint8_t status, origin, next_point_update, advisory_exact;
};

struct vi_image {
	void *map;
	size_t len;
	const struct vi_src *src;
	const struct vi_ent *ent;
	const char *str;
	size_t nsrc, nent, nstr;
};

/* ---- key ---- */
struct fp_ctx {
	struct sha256 h;
};

static void fp_str(struct sha256 *h, const char *s)
{
	/* length first: ("ab", "c") and ("a", "bc") differ */
	uint64_t n = s ? strlen(s) : UINT64_MAX;
	vigie_sha256_update(h, &n, sizeof(n));
	if (s)
		vigie_sha256_update(h, s, strlen(s));
}

static int on_source(void *ud, const struct store_source *src)
{
	struct fp_ctx *c = ud;
	int64_t v[4] = { src->imported_at, src->data_date, src->rows, src->rolled_back_at };
	/* what the rows are, not where they were fetched from: db update
	 * amends the location and validators without moving the data */
	fp_str(&c->h, src->name);
	vigie_sha256_update(&c->h, v, sizeof(v));
	return 0;
}

static int release_ok(const char *r)
{
	/* a release detected on a host names a file here: no path tricks */
	size_t n = strlen(r);
	if (!n || n >= sizeof(((struct vigie_vulnimage_key *)0)->release) || r[0] == '.')
		return 0;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z') ||
		      (*r >= '0' && *r <= '9') || *r == '-' || *r == '_' || *r == '.'))
			return 0;
	return 1;
}

int vigie_vulnimage_key(struct vigie_vulnimage_key *key, struct vigie_store *s,
			const char *release, struct vigie_error *err)
{
	char id[1024];
	struct fp_ctx c;
	int rc;

	memset(key, 0, sizeof(*key));
	if (!release_ok(release))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "release name '%s' cannot name an index image", release);
	memcpy(key->release, release, strlen(release) + 1);
	if ((rc = vigie_store_identity(s, id, sizeof(id), err)))
		return rc;
	{
		struct sha256 h;
		vigie_sha256_init(&h);
		vigie_sha256_update(&h, id, strlen(id));
		vigie_sha256_final(&h, key->database);
	}
	if ((rc = vigie_store_data_version(s, &key->data_version, err)))
		return rc;
	vigie_sha256_init(&c.h);
	rc = vigie_store_sources_each(s, on_source, &c, err);
	vigie_sha256_final(&c.h, key->data);
	return rc;
}

/* ---- writing ---- */
struct writer {
	struct vigie_buf strs;
	struct vigie_hashmap seen; /* string -> offset + 1 */
	int full;                  /* over 4 GiB of strings */
};

static uint32_t put_str(struct writer *w, const char *s)
{
	size_t len, off;
	void **slot;
	if (!s)
		return VI_NONE;
	len = strlen(s);
	if ((slot = vigie_hashmap_slot(&w->seen, s, len)) && *slot)
		return (uint32_t)((uintptr_t)*slot - 1);
	off = w->strs.len;
	if (!slot || off + len + 1 >= VI_NONE) {
		w->full = 1;
		return VI_NONE;
	}
	if (vigie_buf_add(&w->strs, s, len + 1)) {
		w->full = 1;
		return VI_NONE;
	}
	*slot = (void *)(uintptr_t)(off + 1);
	return (uint32_t)off;
}

static int cmp_src(const void *a, const void *b)
{
	const struct vuln_source *x = *(const struct vuln_source *const *)a;
	const struct vuln_source *y = *(const struct vuln_source *const *)b;
	return strcmp(x->name, y->name);
}

int vigie_vulnimage_write(const struct vulnindex *idx, const struct vigie_vulnimage_key *key,
			  const char *path, struct vigie_error *err)
{
	const struct vuln_source **list = NULL;
	struct vi_src *srcs = NULL;
	struct vi_ent *ents = NULL;
	struct vigie_file_tmp t;
	struct vi_header h;
	struct writer w;
	size_t nsrc = 0, nent = 0, k = 0;
	uLong crc;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	memset(&w, 0, sizeof(w));
	vigie_buf_init(&w.strs);
	vigie_hashmap_init(&w.seen);
	if (vi_full(idx)->priv.lazy) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "a lazy index cannot be written");
		goto out;
	}
	for (size_t i = 0; i < idx->sources.cap; i++)
		if (idx->sources.keys[i]) {
			nsrc++;
			nent += ((const struct vuln_source *)idx->sources.vals[i])->n;
		}
	list = calloc(nsrc ? nsrc : 1, sizeof(*list));
	srcs = calloc(nsrc ? nsrc : 1, sizeof(*srcs));
	ents = calloc(nent ? nent : 1, sizeof(*ents));
	if (!list || !srcs || !ents || vigie_buf_grow(&w.strs, 1 << 20))
		goto oom;
	nsrc = 0;
	for (size_t i = 0; i < idx->sources.cap; i++)
		if (idx->sources.keys[i])
			list[nsrc++] = idx->sources.vals[i];
	qsort(list, nsrc, sizeof(*list), cmp_src);
	for (size_t i = 0; i < nsrc; i++) {
		const struct vuln_source *s = list[i];
		srcs[i].name = put_str(&w, s->name);
		srcs[i].first = (uint32_t)k;
		srcs[i].n = (uint32_t)s->n;
		srcs[i].eol_version = put_str(&w, s->eol_version);
		srcs[i].eol_date = put_str(&w, s->eol_date);
		srcs[i].eol_note = put_str(&w, s->eol_note);
		srcs[i].limited_note = put_str(&w, s->limited_note);
		for (size_t j = 0; j < s->n; j++, k++) {
			const struct vuln_entry *e = &s->entries[j];
			struct vi_ent *d = &ents[k];
			d->vuln = put_str(&w, e->vuln);
			d->fixed_version = put_str(&w, e->fixed_version);
			d->urgency = put_str(&w, e->urgency);
			d->nodsa = put_str(&w, e->nodsa);
			d->nodsa_reason = put_str(&w, e->nodsa_reason);
			d->advisory = put_str(&w, e->advisory);
			d->advisory_date = put_str(&w, e->advisory_date);
			d->status = (uint8_t)e->status;
			d->origin = (uint8_t)e->origin;
			d->next_point_update = e->next_point_update ? 1 : 0;
			d->advisory_exact = e->advisory_exact ? 1 : 0;
		}
	}
	if (w.full || nent >= VI_NONE || nsrc >= VI_NONE) {
		rc = vigie_error_set(err, VIGIE_ELIMIT, path, 0,
				     "index too large for an image (strings over 4 GiB)");
		goto out;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, VI_MAGIC, sizeof(h.magic));
	h.format = VIGIE_VULNIMAGE_FORMAT;
	h.byte_order = VI_BYTE_ORDER;
	snprintf(h.lib_version, sizeof(h.lib_version), "%s", VIGIE_LIB_VERSION);
	memcpy(h.release, key->release, sizeof(h.release));
	memcpy(h.database, key->database, sizeof(h.database));
	memcpy(h.data, key->data, sizeof(h.data));
	h.data_version = key->data_version;
	h.nsources = nsrc;
	h.nentries = nent;
	h.strings_len = w.strs.len;
	h.payload_len = nsrc * sizeof(*srcs) + nent * sizeof(*ents) + w.strs.len;
	h.flags = (idx->has_tracker ? VI_HAS_TRACKER : 0) |
		  (idx->has_advisories ? VI_HAS_ADVISORIES : 0);
	crc = crc32_z(0L, Z_NULL, 0);
	crc = crc32_z(crc, (const Bytef *)srcs, nsrc * sizeof(*srcs));
	crc = crc32_z(crc, (const Bytef *)ents, nent * sizeof(*ents));
	crc = crc32_z(crc, (const Bytef *)w.strs.data, w.strs.len);
	h.payload_crc = (uint32_t)crc;
	if ((rc = vigie_file_tmp_open(&t, path, VIGIE_FILE_MODE, err)))
		goto out;
	if (fwrite(&h, sizeof(h), 1, t.fp) != 1 ||
	    (nsrc && fwrite(srcs, sizeof(*srcs), nsrc, t.fp) != nsrc) ||
	    (nent && fwrite(ents, sizeof(*ents), nent, t.fp) != nent) ||
	    (w.strs.len && fwrite(w.strs.data, 1, w.strs.len, t.fp) != w.strs.len)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot write: %s", strerror(errno));
		vigie_file_tmp_discard(&t);
		goto out;
	}
	rc = vigie_file_tmp_commit(&t, err);
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	free(list);
	free(srcs);
	free(ents);
	vigie_buf_release(&w.strs);
	vigie_hashmap_release(&w.seen);
	return rc;
}

/* ---- reading ---- */
void vigie_vi_image_close(struct vi_image *im)
{
	if (!im)
		return;
	if (im->map)
		munmap(im->map, im->len);
	free(im);
}

/* The string at off, NULL for VI_NONE; *bad set for an offset outside the
 * blob (the blob ends with a NUL, checked at open: a string in range ends
 * inside it). */
static const char *img_str(const struct vi_image *im, uint32_t off, int *bad)
{
	if (off == VI_NONE)
		return NULL;
	if (off >= im->nstr) {
		*bad = 1;
		return NULL;
	}
	return im->str + off;
}

static int ent_check(const struct vi_image *im, const struct vi_ent *r)
{
	int bad = 0;
	const char *fixed;
	struct debver v;
	if (!img_str(im, r->vuln, &bad) || r->status > VULN_UNDETERMINED ||
	    r->origin > VULN_FROM_ADVISORY)
		return -1;
	fixed = img_str(im, r->fixed_version, &bad);
	img_str(im, r->urgency, &bad);
	img_str(im, r->nodsa, &bad);
	img_str(im, r->nodsa_reason, &bad);
	img_str(im, r->advisory, &bad);
	img_str(im, r->advisory_date, &bad);
	if (bad || (fixed && vigie_debver_parse(&v, fixed, NULL) < 0))
		return -1;
	return 0;
}

/* Every offset, range and enumeration of the payload, and the order of
 * the source table (lookups search it): a damaged image that passed its
 * checksum still cannot lead a read outside the mapping. */
static int img_check(const struct vi_image *im)
{
	const char *prev = NULL;
	size_t next = 0;
	if (im->nstr && im->str[im->nstr - 1] != '\0')
		return -1;
	for (size_t i = 0; i < im->nsrc; i++) {
		const struct vi_src *r = &im->src[i];
		int bad = 0;
		const char *name = img_str(im, r->name, &bad);
		img_str(im, r->eol_version, &bad);
		img_str(im, r->eol_date, &bad);
		img_str(im, r->eol_note, &bad);
		img_str(im, r->limited_note, &bad);
		if (bad || !name || (prev && strcmp(prev, name) >= 0) || r->first != next ||
		    r->n > im->nent - next)
			return -1;
		next += r->n;
		prev = name;
	}
	if (next != im->nent)
		return -1;
	for (size_t i = 0; i < im->nent; i++)
		if (ent_check(im, &im->ent[i]))
			return -1;
	return 0;
}

/* src filled from record r (checked by img_check), entries in the index's
 * arena; 0 or VIGIE_ENOMEM. */
static int materialise(struct vulnindex *idx, const struct vi_image *im,
		       const struct vi_src *r, struct vuln_source *src)
{
	int bad = 0;
	src->name = img_str(im, r->name, &bad);
	src->eol_version = img_str(im, r->eol_version, &bad);
	src->eol_date = img_str(im, r->eol_date, &bad);
	src->eol_note = img_str(im, r->eol_note, &bad);
	src->limited_note = img_str(im, r->limited_note, &bad);
	src->n = src->cap = r->n;
	src->entries = r->n ? vigie_arena_alloc(&idx->arena, r->n * sizeof(*src->entries)) : NULL;
	if (r->n && !src->entries)
		return VIGIE_ENOMEM;
	for (size_t j = 0; j < r->n; j++) {
		const struct vi_ent *x = &im->ent[r->first + j];
		struct vuln_entry *e = &src->entries[j];
		e->vuln = img_str(im, x->vuln, &bad);
		e->status = (enum vuln_status)x->status;
		e->origin = (enum vuln_origin)x->origin;
		e->fixed_version = img_str(im, x->fixed_version, &bad);
		if (e->fixed_version)
			vigie_debver_parse(&e->fixed, e->fixed_version, NULL);
		e->urgency = img_str(im, x->urgency, &bad);
		e->nodsa = img_str(im, x->nodsa, &bad);
		e->nodsa_reason = img_str(im, x->nodsa_reason, &bad);
		e->advisory = img_str(im, x->advisory, &bad);
		e->advisory_date = img_str(im, x->advisory_date, &bad);
		e->next_point_update = x->next_point_update;
		e->advisory_exact = x->advisory_exact;
	}
	return 0;
}

static int insert(struct vulnindex *idx, struct vuln_source *src)
{
	void **slot = vigie_hashmap_slot(&idx->sources, src->name, strlen(src->name));
	if (!slot)
		return VIGIE_ENOMEM;
	*slot = src;
	return 0;
}

const struct vuln_source *vigie_vi_image_lookup(struct vulnindex_full *f, const char *name)
{
	struct vulnindex *idx = &f->pub;
	const struct vi_image *im = f->priv.image;
	struct vuln_source *src;
	size_t lo = 0, hi = im->nsrc;

	pthread_mutex_lock(&f->priv.mu);
	if ((src = vigie_hashmap_get(&idx->sources, name, strlen(name))))
		goto out;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, im->str + im->src[mid].name);
		if (!c) {
			/* out of memory: the source looks absent, as the caller
			 * cannot be told; a later lookup tries again */
			if (!(src = vigie_arena_alloc(&idx->arena, sizeof(*src))) ||
			    materialise(idx, im, &im->src[mid], src) || insert(idx, src))
				src = NULL;
			break;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
out:
	pthread_mutex_unlock(&f->priv.mu);
	return src;
}

static int bad_image(struct vigie_error *err, const char *path, const char *why)
{
	return vigie_error_set(err, VIGIE_EPARSE, path, 0, "index image not usable: %s", why);
}

int vigie_vulnimage_open(struct vulnindex **out, const char *path,
			 const struct vigie_vulnimage_key *key, int lazy,
			 struct vigie_error *err)
{
	struct vulnindex *idx = NULL;
	struct vi_image *im = NULL;
	const struct vi_header *h;
	struct stat st;
	uint64_t need;
	int fd = -1, rc = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return vigie_error_set(err, VIGIE_ENOTFOUND, path, 0, "no index image");
		return vigie_error_set(err, errno == ELOOP ? VIGIE_EPARSE : VIGIE_EIO, path, 0,
				       "cannot open: %s", strerror(errno));
	}
	if (fstat(fd, &st)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = bad_image(err, path, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size < sizeof(*h)) {
		rc = bad_image(err, path, "truncated");
		goto out;
	}
	if (!(im = calloc(1, sizeof(*im))))
		goto oom;
	im->len = (size_t)st.st_size;
	im->map = mmap(NULL, im->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (im->map == MAP_FAILED) {
		im->map = NULL;
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot map: %s", strerror(errno));
		goto out;
	}
	h = im->map;
	if (memcmp(h->magic, VI_MAGIC, sizeof(h->magic)) || h->byte_order != VI_BYTE_ORDER) {
		rc = bad_image(err, path, "not an index image");
		goto out;
	}
	if (h->format != VIGIE_VULNIMAGE_FORMAT ||
	    strncmp(h->lib_version, VIGIE_LIB_VERSION, sizeof(h->lib_version))) {
		rc = bad_image(err, path, "written by another version of vigie");
		goto out;
	}
	if (memcmp(h->release, key->release, sizeof(h->release))) {
		rc = bad_image(err, path, "of another release");
		goto out;
	}
	if (memcmp(h->database, key->database, sizeof(h->database))) {
		rc = bad_image(err, path, "of another database");
		goto out;
	}
	if (h->data_version != key->data_version || memcmp(h->data, key->data, sizeof(h->data))) {
		rc = bad_image(err, path, "of older data");
		goto out;
	}
	/* sizes, without overflow: each count is bounded by the payload first */
	if (h->payload_len != im->len - sizeof(*h) ||
	    h->nsources > h->payload_len / sizeof(struct vi_src) ||
	    h->nentries > h->payload_len / sizeof(struct vi_ent) ||
	    h->strings_len > h->payload_len ||
	    (need = h->nsources * sizeof(struct vi_src) + h->nentries * sizeof(struct vi_ent),
	     need > h->payload_len || h->payload_len - need != h->strings_len)) {
		rc = bad_image(err, path, "truncated or of a wrong size");
		goto out;
	}
	if (crc32_z(crc32_z(0L, Z_NULL, 0), (const Bytef *)h + sizeof(*h), h->payload_len) !=
	    h->payload_crc) {
		rc = bad_image(err, path, "checksum mismatch");
		goto out;
	}
	im->src = (const struct vi_src *)((const char *)h + sizeof(*h));
	im->nsrc = h->nsources;
	im->ent = (const struct vi_ent *)(im->src + im->nsrc);
	im->nent = h->nentries;
	im->str = (const char *)(im->ent + im->nent);
	im->nstr = h->strings_len;
	if (img_check(im)) {
		rc = bad_image(err, path, "inconsistent contents");
		goto out;
	}
	if (vigie_vulnindex_new(&idx, key->release))
		goto oom;
	idx->has_tracker = !!(h->flags & VI_HAS_TRACKER);
	idx->has_advisories = !!(h->flags & VI_HAS_ADVISORIES);
	idx->nentries = im->nent;
	vi_full(idx)->priv.image = im;
	im = NULL;
	if (lazy) {
		pthread_mutex_init(&vi_full(idx)->priv.mu, NULL);
		vi_full(idx)->priv.lazy = 1;
	} else {
		const struct vi_image *m = vi_full(idx)->priv.image;
		struct vuln_source *all = m->nsrc ? vigie_arena_alloc(&idx->arena,
								      m->nsrc * sizeof(*all))
						  : NULL;
		if (m->nsrc && !all)
			goto oom;
		for (size_t i = 0; i < m->nsrc; i++)
			if (materialise(idx, m, &m->src[i], &all[i]) || insert(idx, &all[i]))
				goto oom;
	}
	*out = idx;
	idx = NULL;
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	if (fd >= 0)
		close(fd);
	vigie_vi_image_close(im);
	vigie_vulnindex_free(idx);
	return rc;
}

/* ---- where images live, and the loader ---- */
int vigie_vulnimage_dir(char *buf, size_t size, struct vigie_store *s, struct vigie_error *err)
{
	const char *e = getenv("VIGIE_CACHE_DIR"), *x, *home;
	char id[1024], hex[SHA256_HEX_LEN + 1];
	int n, rc;

	if (e && *e)
		n = snprintf(buf, size, "%s", e);
	else if (!strcmp(vigie_store_driver_name(s), "sqlite")) {
		/* DIR/cache/NAME.index for DIR/NAME: beside db update's downloads
		 * (DIR/cache), one directory per database, and no name that a
		 * glob of the database's files (NAME*) would take along */
		const char *path = vigie_store_path(s), *slash = strrchr(path, '/');
		if (slash)
			n = snprintf(buf, size, "%.*s/cache/%s.index", (int)(slash - path), path,
				     slash + 1);
		else
			n = snprintf(buf, size, "cache/%s.index", path);
	} else {
		/* a server's database: one directory per database in the user's
		 * cache (names the database by a digest, never its URL) */
		if ((rc = vigie_store_identity(s, id, sizeof(id), err)))
			return rc;
		vigie_sha256_hex(hex, id, strlen(id));
		hex[16] = '\0';
		if (geteuid() == 0)
			n = snprintf(buf, size, "/var/cache/vigie/index-%s", hex);
		else if ((x = getenv("XDG_CACHE_HOME")) && *x)
			n = snprintf(buf, size, "%s/vigie/index-%s", x, hex);
		else if ((home = getenv("HOME")) && *home)
			n = snprintf(buf, size, "%s/.cache/vigie/index-%s", home, hex);
		else
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "no cache directory (set VIGIE_CACHE_DIR)");
	}
	if (n < 0 || (size_t)n >= size)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "cache directory name too long");
	return 0;
}

/* Run as root on another user's SQLite database (root scanning the vigie
 * user's /var/lib/vigie/vigie.db): the directories root creates beside it
 * and the images go to the database's owner, as SQLite does for its -wal
 * and -shm files, so that the owner's own processes can keep writing
 * there. Only for the default place: a VIGIE_CACHE_DIR is the caller's. */
struct owner {
	int apply;
	uid_t uid;
	gid_t gid;
	char parent[4096]; /* DIR/cache, "" when it existed */
	int made_dir;      /* DIR/cache/NAME.index did not exist */
};

static void owner_before(struct owner *o, struct vigie_store *s, const char *dir)
{
	const char *e = getenv("VIGIE_CACHE_DIR"), *slash = strrchr(dir, '/');
	struct stat db, st;
	memset(o, 0, sizeof(*o));
	if (geteuid() != 0 || (e && *e) || strcmp(vigie_store_driver_name(s), "sqlite") ||
	    stat(vigie_store_path(s), &db) || db.st_uid == 0)
		return;
	o->apply = 1;
	o->uid = db.st_uid;
	o->gid = db.st_gid;
	if (slash && slash > dir && (size_t)(slash - dir) < sizeof(o->parent)) {
		memcpy(o->parent, dir, (size_t)(slash - dir));
		o->parent[slash - dir] = '\0';
		if (!lstat(o->parent, &st))
			o->parent[0] = '\0';
	}
	o->made_dir = lstat(dir, &st) != 0;
}

static void owner_after(const struct owner *o, const char *dir, const char *file)
{
	/* best effort: a failure leaves root's files, readable by root */
	if (!o->apply)
		return;
	if (o->parent[0] && chown(o->parent, o->uid, o->gid))
		return;
	if (o->made_dir && chown(dir, o->uid, o->gid))
		return;
	if (file && chown(file, o->uid, o->gid))
		return;
}

static int noticed; /* the one notice of a process about an unwritable directory */

static void notice_once(struct vigie_error *err, const char *dir, const char *why)
{
	if (!__atomic_exchange_n(&noticed, 1, __ATOMIC_RELAXED))
		vigie_warn(err, NULL, 0,
			   "index images cannot be kept in %s (%s): the index is built in memory",
			   dir, why);
}

int vigie_vulnindex_load(struct vulnindex **out, struct vigie_store *s, const char *release,
			 const struct vigie_strv *sources, int64_t *version,
			 struct vigie_error *err)
{
	struct vigie_vulnimage_key key;
	struct vigie_error quiet;
	struct owner own;
	struct vulnindex *idx = NULL;
	char dir[4096], path[4200];
	int rd, rc = 0, keep = 1, writable = 1;

	*out = NULL;
	vigie_error_init(&quiet);
	rd = vigie_store_read_begin(s);
	/* the key, the image check and any build see one snapshot */
	if (vigie_vulnimage_key(&key, s, release, &quiet) ||
	    vigie_vulnimage_dir(dir, sizeof(dir), s, &quiet) ||
	    snprintf(path, sizeof(path), "%s/%s.vidx", dir, release) >= (int)sizeof(path)) {
		keep = 0;
		if ((rc = vigie_store_data_version(s, &key.data_version, err)))
			goto out;
	}
	if (keep && !vigie_vulnimage_open(&idx, path, &key, sources != NULL, &quiet))
		goto found;
	vigie_error_clear(&quiet);
	if (keep)
		owner_before(&own, s, dir);
	if (keep && (vigie_mkdirs(dir, VIGIE_DIR_MODE, &quiet) || access(dir, W_OK))) {
		notice_once(err, dir, quiet.msg[0] ? quiet.msg : strerror(errno));
		writable = 0;
	}
	if (sources && (!keep || !writable)) {
		/* no image to be had: the host's sources only, as before images */
		rc = vigie_vulnindex_build_for(&idx, s, release, sources, err);
		goto out;
	}
	if ((rc = vigie_vulnindex_build(&idx, s, release, err)))
		goto out;
	vigie_error_clear(&quiet);
	if (keep && writable) {
		if (vigie_vulnimage_write(idx, &key, path, &quiet))
			notice_once(err, dir, quiet.msg);
		owner_after(&own, dir, path);
	}
found:
	/* a host with none of its sources in the data: ask the store, as
	 * vigie_vulnindex_build_for does, so that "no data" means no data */
	if (sources && !idx->has_tracker && !idx->has_advisories) {
		int has = vigie_release_has_data(s, release, err);
		if (has < 0)
			rc = has;
		else
			idx->has_tracker = has;
	}
out:
	if (rd)
		vigie_store_read_end(s);
	if (rc) {
		vigie_vulnindex_free(idx);
		return rc;
	}
	if (version)
		*version = key.data_version;
	*out = idx;
	return 0;
}
