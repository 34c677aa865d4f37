/* Secrets through libraries: GnuTLS for randomness and digests, libargon2
 * for passwords. */
#include "vigie/core/secret.h"
#include "vigie/core/sha256.h"

#include <argon2.h>
#include <gnutls/crypto.h>

#include <stdint.h>
#include <string.h>

#define ARGON2_T 2
#define ARGON2_M (19 * 1024) /* KiB */
#define ARGON2_P 1
#define SALT_LEN 16
#define HASH_LEN 32

int vigie_token_new(char out[VIGIE_TOKEN_LEN + 1], struct vigie_error *err)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[33];
	size_t o = 3;
	if (gnutls_rnd(GNUTLS_RND_KEY, raw, 32) < 0)
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "no random bytes");
	raw[32] = 0;
	memcpy(out, "vg_", 3);
	/* 32 bytes = 10 full groups of 3 + 2 bytes: 43 characters */
	for (size_t i = 0; i < 33; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (o < VIGIE_TOKEN_LEN)
			out[o++] = b64[(v >> 6) & 63];
		if (o < VIGIE_TOKEN_LEN)
			out[o++] = b64[v & 63];
	}
	out[VIGIE_TOKEN_LEN] = '\0';
	memset(raw, 0, sizeof(raw));
	return 0;
}

int vigie_random_hex(char *out, size_t size, struct vigie_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	if (size > sizeof(raw) || gnutls_rnd(GNUTLS_RND_KEY, raw, size) < 0)
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "no random bytes");
	for (size_t i = 0; i < size; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * size] = '\0';
	return 0;
}

void vigie_token_hash(char out[VIGIE_TOKEN_HASH_LEN + 1], const char *token, size_t len)
{
	vigie_sha256_hex(out, token, len);
}

int vigie_password_hash(char out[VIGIE_PASSWORD_HASH_MAX], const char *password,
			struct vigie_error *err)
{
	unsigned char salt[SALT_LEN];
	size_t len = strlen(password);
	int rc;
	if (!len || len > VIGIE_PASSWORD_MAX)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "a password has 1 to %d bytes", VIGIE_PASSWORD_MAX);
	if (gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof(salt)) < 0)
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "no random bytes");
	rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M, ARGON2_P, password, len, salt,
				   sizeof(salt), HASH_LEN, out, VIGIE_PASSWORD_HASH_MAX);
	if (rc != ARGON2_OK)
		return vigie_error_set(err, VIGIE_EIO, NULL, 0, "password hashing failed: %s",
				       argon2_error_message(rc));
	return 0;
}

int vigie_password_verify(const char *encoded, const char *password)
{
	size_t len;
	if (!encoded || !password || strncmp(encoded, "$argon2id$", 10))
		return 0;
	len = strlen(password);
	if (len > VIGIE_PASSWORD_MAX)
		return 0;
	return argon2id_verify(encoded, password, len) == ARGON2_OK;
}

int vigie_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}
