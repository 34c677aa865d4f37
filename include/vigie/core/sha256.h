/* vigie: SHA-256 (GnuTLS), to verify downloads against the checksums of apt
 * indexes and to hash tokens. Incremental: init, update any number of
 * times, final (which releases the handle). */
#ifndef VIGIE_SHA256_H
#define VIGIE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

/* A running digest (GnuTLS's hash handle); one per thread. */
struct hash_hd_st; /* gnutls_hash_hd_t */
struct sha256 {
	struct hash_hd_st *h;
};

/* Start a digest in caller-owned c. */
void vigie_sha256_init(struct sha256 *c);
/* Hash len more bytes of data (NULL when len is 0). */
void vigie_sha256_update(struct sha256 *c, const void *data, size_t len);
/* Write the 32-byte digest to out; c must be re-initialised before reuse. */
void vigie_sha256_final(struct sha256 *c, uint8_t out[SHA256_DIGEST_LEN]);
/* One-shot digest as 64 lowercase hex digits plus NUL into hex. */
void vigie_sha256_hex(char hex[SHA256_HEX_LEN + 1], const void *data, size_t len);
/* Digest of a file's bytes as lowercase hex. VIGIE_EIO naming the file when
 * it cannot be read. */
int vigie_sha256_file(char hex[SHA256_HEX_LEN + 1], const char *path,
		struct vigie_error *err);
/* Check that path's SHA-256 equals expect (hex, either case). Returns 0,
 * VIGIE_EPARSE when expect is not 64 hex digits, VIGIE_EIO, or VIGIE_EPARSE
 * "checksum mismatch" naming the file and both digests. */
int vigie_sha256_verify_file(const char *path, const char *expect,
		       struct vigie_error *err);

#endif
