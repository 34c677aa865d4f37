/* vigie: the index of one release kept as a file (an "image") that later
 * processes map instead of reading the store's rows again.
 *
 * An image is a fixed header (magic, format, vigie's version, release,
 * the store's data version, the database's identity, a digest of the
 * sources' import records, payload length and zlib CRC-32) and a flat
 * payload: a source table sorted by name, fixed-size entry records and
 * one blob of NUL-terminated strings, linked by offsets. It is written
 * atomically (core/file.h) and read through a read-only mapping; any
 * mismatch or damage makes it unusable, never trusted: the caller builds
 * from the store again. Every offset is checked against the mapping even
 * when the checksum holds.
 *
 * An index read from an image is read-only (vigie_vulnindex_add refuses
 * it); its strings point into the mapping, which lives as long as the
 * index. Eager (lazy 0): every source is materialised at open, and the
 * index may be shared by threads like a built one. Lazy (1): a source is
 * materialised when first looked up, under the index's mutex; iterating
 * idx->sources then sees only those looked up. */
#ifndef VIGIE_VULNIMAGE_H
#define VIGIE_VULNIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/store/store.h"

#define VIGIE_VULNIMAGE_FORMAT 1

/* What an image must have been written for to be used. */
struct vigie_vulnimage_key {
	char release[64];
	int64_t data_version;  /* vigie_store_data_version */
	uint8_t database[32];  /* SHA-256 of vigie_store_identity */
	uint8_t data[32];      /* SHA-256 of the import records (sources) */
};

/* The key of release for s's data now; call inside the read transaction
 * the index is built or checked in. VIGIE_ENOTFOUND when the database
 * cannot be identified (no image then), VIGIE_EUSAGE for a release name
 * that cannot name a file, VIGIE_EDB. */
int vigie_vulnimage_key(struct vigie_vulnimage_key *key, struct vigie_store *s,
			const char *release, struct vigie_error *err);

/* Write idx (built, not lazy) as the image of key at path, atomically.
 * 0, VIGIE_EIO naming the file, VIGIE_ELIMIT (strings over 4 GiB),
 * VIGIE_ENOMEM. */
int vigie_vulnimage_write(const struct vulnindex *idx, const struct vigie_vulnimage_key *key,
			  const char *path, struct vigie_error *err);

/* Open the image at path when it is whole and written for key. *out NULL
 * on error: VIGIE_ENOTFOUND (no file), VIGIE_EPARSE (damaged, truncated,
 * of another format, vigie version, release, database or data; err says
 * which), VIGIE_EIO, VIGIE_ENOMEM. */
int vigie_vulnimage_open(struct vulnindex **out, const char *path,
			 const struct vigie_vulnimage_key *key, int lazy,
			 struct vigie_error *err);

/* The directory of s's images, into buf: $VIGIE_CACHE_DIR when set; for a
 * SQLite database DIR/NAME, DIR/cache/NAME.index (DIR/cache also holds db
 * update's downloads); for a server's database
 * $XDG_CACHE_HOME/vigie/index-ID (else ~/.cache/vigie/index-ID; as root
 * /var/cache/vigie/index-ID), ID naming the database. VIGIE_EUSAGE when
 * there is none (no HOME) or buf is too small. */
int vigie_vulnimage_dir(char *buf, size_t size, struct vigie_store *s, struct vigie_error *err);

/* The index of release for s's current data: from its image when valid,
 * else built from the store (vigie_vulnindex_build) and its image written.
 * With sources (one host's) the image is opened lazily, and when no image
 * can be kept (directory not writable, database not identified) the index
 * is built for those sources only (vigie_vulnindex_build_for): the answers
 * for those sources are the same either way. A directory that cannot be
 * written is no error: one notice per process through err's warning sink.
 * *version (may be NULL): the data version the index is of. */
int vigie_vulnindex_load(struct vulnindex **out, struct vigie_store *s, const char *release,
			 const struct vigie_strv *sources, int64_t *version,
			 struct vigie_error *err);

#endif
