/* vigie: secrets: random tokens, their digests, and password hashes. All
 * of it from libraries: random bytes and SHA-256 from GnuTLS, password
 * hashing with argon2id from libargon2. Thread-safe. */
#ifndef VIGIE_SECRET_H
#define VIGIE_SECRET_H

#include <stddef.h>

#include "vigie/core/error.h"

#define VIGIE_TOKEN_LEN 46          /* "vg_" + 43 base64url characters */
#define VIGIE_TOKEN_HASH_LEN 64     /* SHA-256 hex */
#define VIGIE_PASSWORD_HASH_MAX 160 /* argon2id encoded string */
#define VIGIE_PASSWORD_MAX 1024

/* A new random token (32 bytes, base64url, "vg_" prefix) into out. */
int vigie_token_new(char out[VIGIE_TOKEN_LEN + 1], struct vigie_error *err);
/* size random bytes as lowercase hex (2*size chars + NUL) into out. */
int vigie_random_hex(char *out, size_t size, struct vigie_error *err);
/* The SHA-256 of a token as lowercase hex: what the store keeps. */
void vigie_token_hash(char out[VIGIE_TOKEN_HASH_LEN + 1], const char *token, size_t len);
/* argon2id (t=2, m=19 MiB, p=1, 16-byte salt) of password into out. */
int vigie_password_hash(char out[VIGIE_PASSWORD_HASH_MAX], const char *password,
			struct vigie_error *err);
/* 1 when password matches encoded, else 0 (constant time inside argon2). */
int vigie_password_verify(const char *encoded, const char *password);
/* Constant-time comparison of two NUL-terminated strings. */
int vigie_secret_equal(const char *a, const char *b);

#endif
