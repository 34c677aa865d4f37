/* SHA-256 through GnuTLS, with vigie's file and hex helpers. */
#include "vigie/core/sha256.h"

#include <gnutls/crypto.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The digest itself comes from GnuTLS (nettle underneath): security code is
 * never written by hand here. */
void vigie_sha256_init(struct sha256 *c)
{
	c->h = NULL;
	/* fails only on out of memory; final() then yields the digest of "" */
	if (gnutls_hash_init(&c->h, GNUTLS_DIG_SHA256) < 0)
		c->h = NULL;
}

void vigie_sha256_update(struct sha256 *c, const void *data, size_t len)
{
	if (c->h && len)
		gnutls_hash(c->h, data, len);
}

void vigie_sha256_final(struct sha256 *c, uint8_t out[SHA256_DIGEST_LEN])
{
	if (!c->h) {
		gnutls_hash_fast(GNUTLS_DIG_SHA256, "", 0, out);
		return;
	}
	gnutls_hash_deinit(c->h, out);
	c->h = NULL;
}

static void to_hex(char hex[SHA256_HEX_LEN + 1], const uint8_t d[SHA256_DIGEST_LEN])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

void vigie_sha256_hex(char hex[SHA256_HEX_LEN + 1], const void *data, size_t len)
{
	struct sha256 c;
	uint8_t d[SHA256_DIGEST_LEN];
	vigie_sha256_init(&c);
	vigie_sha256_update(&c, data, len);
	vigie_sha256_final(&c, d);
	to_hex(hex, d);
}

int vigie_sha256_file(char hex[SHA256_HEX_LEN + 1], const char *path,
		struct vigie_error *err)
{
	struct sha256 c;
	uint8_t d[SHA256_DIGEST_LEN], buf[65536];
	size_t n;
	int rc = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	vigie_sha256_init(&c);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		vigie_sha256_update(&c, buf, n);
	if (ferror(f)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "read error: %s",
				     strerror(errno));
		goto out;
	}
	vigie_sha256_final(&c, d);
	to_hex(hex, d);
out:
	fclose(f);
	return rc;
}

int vigie_sha256_verify_file(const char *path, const char *expect,
		       struct vigie_error *err)
{
	char hex[SHA256_HEX_LEN + 1];
	int rc;
	size_t i;

	if (!expect || strlen(expect) != SHA256_HEX_LEN)
		return vigie_error_set(err, VIGIE_EPARSE, path, 0,
				       "expected SHA256 is not 64 hex digits");
	for (i = 0; i < SHA256_HEX_LEN; i++)
		if (!isxdigit((unsigned char)expect[i]))
			return vigie_error_set(err, VIGIE_EPARSE, path, 0,
					       "expected SHA256 is not 64 hex digits");
	rc = vigie_sha256_file(hex, path, err);
	if (rc)
		return rc;
	for (i = 0; i < SHA256_HEX_LEN; i++)
		if (hex[i] != tolower((unsigned char)expect[i]))
			return vigie_error_set(err, VIGIE_EPARSE, path, 0,
					       "checksum mismatch: SHA256 %s, expected %s",
					       hex, expect);
	return 0;
}
